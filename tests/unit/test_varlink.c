// SPDX-License-Identifier: GPL-2.0
/* The varlink framing: NUL-terminated messages arriving in arbitrary pieces, and the size cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "varlink.h"

static void feed(int fd, const void *buf, size_t len)
{
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
}

static void two_messages_in_one_read(void **state)
{
	struct mint_msgbuf mb;
	int sv[2];
	char *msg;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	mint_msgbuf_init(&mb);
	feed(sv[1], "{\"a\":1}\0{\"b\":2}\0{\"c\"", 20);
	assert_true(mint_msgbuf_fill(&mb, sv[0]) > 0);
	assert_int_equal(mint_msgbuf_next(&mb, &msg), 1);
	assert_string_equal(msg, "{\"a\":1}");
	free(msg);
	assert_int_equal(mint_msgbuf_next(&mb, &msg), 1);
	assert_string_equal(msg, "{\"b\":2}");
	free(msg);
	/* The third one is incomplete until its NUL arrives. */
	assert_int_equal(mint_msgbuf_next(&mb, &msg), 0);
	feed(sv[1], ":3}\0", 4);
	assert_true(mint_msgbuf_fill(&mb, sv[0]) > 0);
	assert_int_equal(mint_msgbuf_next(&mb, &msg), 1);
	assert_string_equal(msg, "{\"c\":3}");
	free(msg);
	assert_int_equal(mint_msgbuf_next(&mb, &msg), 0);
	mint_msgbuf_free(&mb);
	close(sv[0]);
	close(sv[1]);
}

static void oversized_message_is_refused(void **state)
{
	size_t chunk = 64 * 1024, sent = 0;
	struct mint_msgbuf mb;
	char *buf = malloc(chunk), *msg = NULL;
	int sv[2], r = 0;

	(void)state;
	memset(buf, 'x', chunk);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	mint_msgbuf_init(&mb);
	while (sent <= MINT_VARLINK_MAX_MSG + chunk && r == 0) {
		feed(sv[1], buf, chunk);
		sent += chunk;
		while (mb.len < sent)
			assert_true(mint_msgbuf_fill(&mb, sv[0]) > 0);
		r = mint_msgbuf_next(&mb, &msg);
	}
	assert_int_equal(r, -1);
	assert_true(mb.len <= MINT_VARLINK_MAX_MSG + chunk);
	mint_msgbuf_free(&mb);
	free(buf);
	close(sv[0]);
	close(sv[1]);
}

static void eof_reads_zero(void **state)
{
	struct mint_msgbuf mb;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	mint_msgbuf_init(&mb);
	assert_int_equal(mint_msgbuf_fill(&mb, sv[0]), 0);
	mint_msgbuf_free(&mb);
	close(sv[0]);
}

/* A whole call round trip over a socketpair, with the server side played by the test. */
static void call_maps_error_reply(void **state)
{
	struct mint_error err = {0};
	json_object *reply = NULL;
	const char answer[] = "{\"error\":\"io.mint.Node.ResourceBusy\",\"parameters\":"
			      "{\"message\":\"CPU 3 belongs to node1\"}}";
	char got[512];
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	feed(sv[1], answer, sizeof(answer)); /* includes the NUL */
	assert_int_equal(mint_varlink_call(sv[0], "io.mint.Node.ReleaseCpus", NULL, false, NULL,
					   NULL, &reply, &err),
			 -1);
	assert_int_equal(err.kind, MINT_E_BUSY);
	assert_string_equal(err.msg, "CPU 3 belongs to node1");
	assert_null(reply);
	/* What the client sent is one NUL-terminated JSON call. */
	assert_true(read(sv[1], got, sizeof(got)) > 0);
	assert_non_null(strstr(got, "\"method\":\"io.mint.Node.ReleaseCpus\""));
	close(sv[0]);
	close(sv[1]);
}

static void count_progress(json_object *params, void *data)
{
	(void)params;
	(*(int *)data)++;
}

static void progress_replies_then_final(void **state)
{
	static const char answers[] = "{\"parameters\":{\"done\":0},\"continues\":true}\0"
				      "{\"parameters\":{\"done\":1},\"continues\":true}\0"
				      "{\"parameters\":{\"bytes\":5}}";
	struct mint_error err = {0};
	json_object *reply = NULL, *v;
	int sv[2], seen = 0;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	feed(sv[1], answers, sizeof(answers));
	assert_int_equal(
	    mint_varlink_call(sv[0], "x.y.Z", NULL, true, count_progress, &seen, &reply, &err), 0);
	assert_true(json_object_object_get_ex(reply, "bytes", &v));
	assert_int_equal(json_object_get_int(v), 5);
	assert_int_equal(seen, 2);
	json_object_put(reply);
	close(sv[0]);
	close(sv[1]);
}

/* Call with @answer (NUL-terminated messages, @len bytes) as mintd's replies. */
static int call_with(const char *answer, size_t len, json_object **reply, struct mint_error *err)
{
	int sv[2], ret;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	feed(sv[1], answer, len);
	shutdown(sv[1], SHUT_WR);
	ret = mint_varlink_call(sv[0], "io.mint.Node.Status", NULL, false, NULL, NULL, reply, err);
	close(sv[0]);
	close(sv[1]);
	return ret;
}

#define CALL_WITH(text, reply, err) call_with(text, sizeof(text), reply, err)

/*
 * Found by tests/fuzz (varlink): a reply whose "parameters" is not an object
 * came back as the reply ("parameters": 2 gave the caller an int), an error
 * named "Ok" failed with kind MINT_OK; and an "error" that is not a string
 * (null) crashed the client in strrchr().
 */
static void malformed_replies_are_refused(void **state)
{
	struct mint_error err = {0};
	json_object *reply = NULL;

	(void)state;
	assert_int_equal(CALL_WITH("{\"parameters\":2}", &reply, &err), -1);
	assert_null(reply);
	assert_int_equal(err.kind, MINT_E_SYSTEM);
	assert_string_equal(err.msg, "mintd sent a malformed reply");
	assert_int_equal(CALL_WITH("{\"parameters\":[1],\"continues\":true}", &reply, &err), -1);
	assert_string_equal(err.msg, "mintd sent a malformed reply");
	assert_int_equal(CALL_WITH("{\"error\":null}", &reply, &err), -1);
	assert_string_equal(err.msg, "mintd sent a malformed reply");
	assert_int_equal(CALL_WITH("{\"error\":7,\"parameters\":{}}", &reply, &err), -1);
	assert_string_equal(err.msg, "mintd sent a malformed reply");
	/* A message that is not a string: the error name stands in for it. */
	assert_int_equal(CALL_WITH("{\"error\":\"io.mint.Node.ResourceBusy\","
				   "\"parameters\":{\"message\":null}}",
				   &reply, &err),
			 -1);
	assert_int_equal(err.kind, MINT_E_BUSY);
	assert_string_equal(err.msg, "mintd: io.mint.Node.ResourceBusy");
	/* An error reply is an error, whatever its name: never of kind MINT_OK. */
	assert_int_equal(CALL_WITH("{\"error\":\"io.mint.Node.Ok\"}", &reply, &err), -1);
	assert_int_equal(err.kind, MINT_E_SYSTEM);
	assert_int_equal(CALL_WITH("{\"error\":\"io.mint.Node.NotSupported\"}", &reply, &err), -1);
	assert_int_equal(err.kind, MINT_E_UNSUPPORTED);
	/* "parameters": null is no parameters. */
	assert_int_equal(CALL_WITH("{\"parameters\":null}", &reply, &err), 0);
	assert_true(json_object_is_type(reply, json_type_object));
	json_object_put(reply);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(two_messages_in_one_read),
	    cmocka_unit_test(oversized_message_is_refused),
	    cmocka_unit_test(eof_reads_zero),
	    cmocka_unit_test(call_maps_error_reply),
	    cmocka_unit_test(progress_replies_then_final),
	    cmocka_unit_test(malformed_replies_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
