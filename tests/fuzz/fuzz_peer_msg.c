// SPDX-License-Identifier: GPL-2.0
/*
 * The mintd-to-mintd message decoder (libmint/peer_msg.c): whatever another
 * node's mintd (or a broken one) puts on the channel. A decoded message
 * must match its header, and encoding it again must decode to the same
 * header and the same JSON.
 */
#include "fuzz.h"

#include "peer_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mint_peer_hdr hdr, again;
	struct mint_error err = {0};
	json_object *msg, *msg2;
	void *buf = malloc(size ? size : 1), *enc;
	size_t len;

	/* A buffer of exactly the input's size: ASan sees any read past it. */
	FUZZ_CHECK(buf, "out of memory");
	memcpy(buf, data, size);
	if (mint_peer_decode(buf, size, &hdr, &msg, &err)) {
		FUZZ_CHECK(!msg, "a failed decode returned a message");
		FUZZ_CHECK(err.kind == MINT_E_INVALID && err.msg[0], "kind %d \"%s\"", err.kind,
			   err.msg);
		free(buf);
		return 0;
	}
	FUZZ_CHECK(hdr.magic == MINT_PEER_MAGIC && hdr.version == MINT_PEER_VERSION, "magic");
	FUZZ_CHECK(hdr.kind >= MINT_PEER_CALL && hdr.kind <= MINT_PEER_KEEPALIVE, "kind %u",
		   hdr.kind);
	FUZZ_CHECK(hdr.len == size - sizeof(hdr) && hdr.len <= MINT_PEER_MAX, "length %u of %zu",
		   hdr.len, size);
	FUZZ_CHECK((hdr.kind == MINT_PEER_KEEPALIVE) == !msg, "body of kind %u", hdr.kind);
	FUZZ_CHECK(!msg || json_object_is_type(msg, json_type_object), "not an object");

	FUZZ_CHECK(!mint_peer_encode(hdr.kind, hdr.id, hdr.uid, msg, &enc, &len, &err),
		   "encode: %s", err.msg);
	FUZZ_CHECK(!mint_peer_decode(enc, len, &again, &msg2, &err), "decode of the encoding: %s",
		   err.msg);
	FUZZ_CHECK(again.kind == hdr.kind && again.id == hdr.id && again.uid == hdr.uid,
		   "header changed");
	/* The same text (json_object_equal() is false for NaN, which json-c accepts). */
	FUZZ_CHECK(!msg || !strcmp(json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN),
				   json_object_to_json_string_ext(msg2, JSON_C_TO_STRING_PLAIN)),
		   "JSON changed: %s -> %s", json_object_to_json_string(msg),
		   json_object_to_json_string(msg2));
	json_object_put(msg);
	json_object_put(msg2);
	free(enc);
	free(buf);
	return 0;
}
