// SPDX-License-Identifier: GPL-2.0
/* The mintd-to-mintd message: encode, decode, and everything a bad peer could send. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "peer_msg.h"

static void test_round_trip(void **state)
{
	json_object *msg = json_tokener_parse("{\"method\":\"io.mint.Node.Status\",\"parameters\":{}}");
	struct mint_peer_hdr hdr;
	json_object *out;
	size_t len;
	void *buf;

	assert_int_equal(mint_peer_encode(MINT_PEER_CALL, 42, 1000, msg, &buf, &len, NULL), 0);
	assert_int_equal(mint_peer_decode(buf, len, &hdr, &out, NULL), 0);
	assert_int_equal(hdr.kind, MINT_PEER_CALL);
	assert_int_equal(hdr.id, 42);
	assert_int_equal(hdr.uid, 1000);
	assert_string_equal(json_object_get_string(json_object_object_get(out, "method")),
			    "io.mint.Node.Status");
	json_object_put(out);
	json_object_put(msg);
	free(buf);

	assert_int_equal(mint_peer_encode(MINT_PEER_KEEPALIVE, 7, 0, NULL, &buf, &len, NULL), 0);
	assert_int_equal(len, sizeof(struct mint_peer_hdr));
	assert_int_equal(mint_peer_decode(buf, len, &hdr, &out, NULL), 0);
	assert_null(out);
	assert_int_equal(hdr.kind, MINT_PEER_KEEPALIVE);
	free(buf);
}

static void expect_bad(const void *buf, size_t len, const char *why)
{
	struct mint_error err = {0};
	struct mint_peer_hdr hdr;
	json_object *out = (json_object *)1;

	assert_int_equal(mint_peer_decode(buf, len, &hdr, &out, &err), -1);
	assert_null(out);
	assert_int_equal(err.kind, MINT_E_INVALID);
	if (!strstr(err.msg, why))
		fail_msg("\"%s\" lacks \"%s\"", err.msg, why);
}

static void test_bad_messages(void **state)
{
	char buf[256];
	struct mint_peer_hdr h = {.magic = MINT_PEER_MAGIC, .version = MINT_PEER_VERSION,
				  .kind = MINT_PEER_REPLY, .len = 3};

	expect_bad("abc", 3, "too short");
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), "{}", 3);
	h.magic = 1;
	memcpy(buf, &h, sizeof(h));
	expect_bad(buf, sizeof(h) + 3, "magic");
	h.magic = MINT_PEER_MAGIC;
	h.kind = 9;
	memcpy(buf, &h, sizeof(h));
	expect_bad(buf, sizeof(h) + 3, "unknown kind");
	h.kind = MINT_PEER_REPLY;
	h.len = 100; /* longer than what arrived */
	memcpy(buf, &h, sizeof(h));
	expect_bad(buf, sizeof(h) + 3, "does not match");
	h.len = 3;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), "{}x", 3); /* no NUL */
	expect_bad(buf, sizeof(h) + 3, "NUL");
	memcpy(buf + sizeof(h), "{\0}", 3); /* NUL inside */
	expect_bad(buf, sizeof(h) + 3, "NUL");
	memcpy(buf + sizeof(h), "[]", 3);
	expect_bad(buf, sizeof(h) + 3, "not a JSON object");
	h.kind = MINT_PEER_KEEPALIVE;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), "{}", 3);
	expect_bad(buf, sizeof(h) + 3, "keepalive with a body");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_bad_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
