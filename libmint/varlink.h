/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The varlink wire format as mintd and mintctl use it: each message is one
 * JSON object followed by a NUL byte. A call is
 *   {"method": "io.mint.Node.ReleaseCpus", "parameters": {...}, "more": true}
 * a reply {"parameters": {...}, "continues": true} (more replies follow) or
 * an error {"error": "io.mint.Node.ResourceBusy", "parameters": {"message": "..."}}.
 */
#ifndef MINT_VARLINK_H
#define MINT_VARLINK_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

#define MINT_INTERFACE	     "io.mint.Node"
#define MINT_SOCKET_PATH     "/run/mint/mintd.sock"
#define MINT_VARLINK_MAX_MSG (1u << 20) /* larger messages are refused */

/* Accumulates bytes from a stream until whole NUL-terminated messages are there. */
struct mint_msgbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void mint_msgbuf_init(struct mint_msgbuf *mb);
void mint_msgbuf_free(struct mint_msgbuf *mb);
/* One read(2) into the buffer: bytes read, 0 at EOF, -1 on error (errno). */
ssize_t mint_msgbuf_fill(struct mint_msgbuf *mb, int fd);
/*
 * 1: *msg is the next whole message (malloc'd, NUL-terminated, caller frees);
 * 0: no whole message yet; -1: the pending message is over MINT_VARLINK_MAX_MSG.
 */
int mint_msgbuf_next(struct mint_msgbuf *mb, char **msg);

/* Write @msg and its terminating NUL. 0 or -1 (errno). */
int mint_varlink_send(int fd, json_object *msg);

/* Client side. */
int mint_varlink_connect(const char *path, struct mint_error *err);
typedef void (*mint_reply_fn)(json_object *params, void *data);
/*
 * Call @method with @params (reference taken over; NULL = {}). With @more,
 * every reply flagged "continues" goes to @progress. The last reply's
 * parameters are returned in *@reply (caller puts them). An error reply
 * fills @err (kind from the error name, message from parameters.message).
 */
int mint_varlink_call(int fd, const char *method, json_object *params, bool more,
		      mint_reply_fn progress, void *data, json_object **reply,
		      struct mint_error *err);

#endif
