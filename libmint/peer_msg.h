/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What one mintd says to another over the inter-node channel: a small
 * binary header and a varlink message (NUL-terminated JSON).
 *   CALL       a varlink call to run on the receiving node ({"method", "parameters", "more"})
 *   REPLY      a varlink reply to that call (progress replies carry "continues": true)
 *   KEEPALIVE  the call is still running (sent while a call gives no progress)
 * The conversation id is chosen by the caller and echoed in every reply.
 * Everything received is untrusted until decoded: lengths, magic, kind, JSON.
 */
#ifndef MINT_PEER_MSG_H
#define MINT_PEER_MSG_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define MINT_PEER_MAGIC	  0x50544e4dU /* "MNTP" */
#define MINT_PEER_VERSION 1
#define MINT_PEER_MAX	  (1u << 20) /* JSON text, as a varlink message */

enum mint_peer_kind {
	MINT_PEER_CALL = 1,
	MINT_PEER_REPLY = 2,
	MINT_PEER_KEEPALIVE = 3,
};

struct mint_peer_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t kind;
	uint32_t id;  /* conversation */
	uint32_t uid; /* CALL: the caller's uid on its own node (for the log) */
	uint32_t len; /* bytes of JSON after the header, with its NUL; 0 for KEEPALIVE */
};

/* Encode; *buf is malloc'd. @msg may be NULL (KEEPALIVE). */
int mint_peer_encode(enum mint_peer_kind kind, uint32_t id, uint32_t uid, json_object *msg,
		     void **buf, size_t *len, struct mint_error *err);

/* Decode @buf; *msg is a new JSON object (NULL for KEEPALIVE). */
int mint_peer_decode(const void *buf, size_t len, struct mint_peer_hdr *hdr, json_object **msg,
		     struct mint_error *err);

#endif
