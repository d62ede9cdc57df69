/* SPDX-License-Identifier: GPL-2.0 */
/* One varlink call being answered, and the ways to answer it. */
#ifndef MINTD_CALL_H
#define MINTD_CALL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "mintd.h"

struct call {
	struct mintd *d;
	int fd; /* a local client's connection */
	/*
	 * Where replies go when not to @fd: a call that came from another node
	 * over the channel answers through send (peer.c). Takes over @msg.
	 */
	int (*send)(struct call *c, json_object *msg);
	void *sink;
	int from_node; /* the node a channel call came from; -1: a local client */
	const char *method;
	json_object *params; /* always an object */
	bool more;	     /* the caller accepts progress replies */
	bool oneway;	     /* the caller wants no reply */
	bool may_modify;     /* root or member of the mint group */
	uid_t uid;	     /* the caller, for the log */
	pid_t pid;
	bool replied;	     /* a final reply or an error was sent */
	bool failed;	     /* that was an error (for the journal) */
	char error[MINT_ERR_MSG_MAX]; /* its message */
};

/* Final reply; takes over @params (NULL = {}). */
int call_reply(struct call *c, json_object *params);
/* Progress reply ("continues": true), sent only when the caller asked for "more". */
int call_progress(struct call *c, json_object *params);
/* Progress of a plan: {done, total, step}. A mint_plan_progress_fn; @data is the call. */
void call_plan_progress(size_t index, size_t total, const char *desc, void *data);
/* Error reply with a full error name, e.g. "org.varlink.service.MethodNotFound". */
int call_error(struct call *c, const char *error, json_object *params);
/* Error reply io.mint.Node.<Kind> {"message": ...} from a mint_error. */
int call_fail(struct call *c, const struct mint_error *err);
int call_failf(struct call *c, enum mint_errkind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
