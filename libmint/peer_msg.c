// SPDX-License-Identifier: GPL-2.0
#include "peer_msg.h"

#include <stdlib.h>
#include <string.h>

int mint_peer_encode(enum mint_peer_kind kind, uint32_t id, uint32_t uid, json_object *msg,
		     void **buf, size_t *len, struct mint_error *err)
{
	const char *text = msg ? json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN) : "";
	size_t tlen = msg ? strlen(text) + 1 : 0;
	struct mint_peer_hdr hdr = {
	    .magic = MINT_PEER_MAGIC,
	    .version = MINT_PEER_VERSION,
	    .kind = (uint16_t)kind,
	    .id = id,
	    .uid = uid,
	    .len = (uint32_t)tlen,
	};
	char *out;

	if (tlen > MINT_PEER_MAX)
		return mint_fail(err, MINT_E_INVALID, "the message is larger than 1 MiB");
	out = malloc(sizeof(hdr) + tlen);
	if (!out)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	memcpy(out, &hdr, sizeof(hdr));
	memcpy(out + sizeof(hdr), text, tlen);
	*buf = out;
	*len = sizeof(hdr) + tlen;
	return 0;
}

int mint_peer_decode(const void *buf, size_t len, struct mint_peer_hdr *hdr, json_object **msg,
		     struct mint_error *err)
{
	const char *text = (const char *)buf + sizeof(*hdr);

	*msg = NULL;
	if (len < sizeof(*hdr))
		return mint_fail(err, MINT_E_INVALID, "peer message of %zu bytes is too short", len);
	memcpy(hdr, buf, sizeof(*hdr));
	if (hdr->magic != MINT_PEER_MAGIC || hdr->version != MINT_PEER_VERSION)
		return mint_fail(err, MINT_E_INVALID, "peer message with a bad magic or version");
	if (hdr->kind < MINT_PEER_CALL || hdr->kind > MINT_PEER_KEEPALIVE)
		return mint_fail(err, MINT_E_INVALID, "peer message of unknown kind %u", hdr->kind);
	if (hdr->len != len - sizeof(*hdr) || hdr->len > MINT_PEER_MAX)
		return mint_fail(err, MINT_E_INVALID, "peer message length %u does not match %zu",
				 hdr->len, len - sizeof(*hdr));
	if (hdr->kind == MINT_PEER_KEEPALIVE)
		return hdr->len ? mint_fail(err, MINT_E_INVALID, "keepalive with a body") : 0;
	if (!hdr->len || text[hdr->len - 1] != '\0' || strlen(text) != hdr->len - 1)
		return mint_fail(err, MINT_E_INVALID, "peer message text is not NUL-terminated");
	*msg = json_tokener_parse(text);
	if (!*msg || !json_object_is_type(*msg, json_type_object)) {
		json_object_put(*msg);
		*msg = NULL;
		return mint_fail(err, MINT_E_INVALID, "peer message is not a JSON object");
	}
	return 0;
}
