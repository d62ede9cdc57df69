// SPDX-License-Identifier: GPL-2.0
/*
 * The varlink wire format (libmint/varlink.c), both directions:
 *   - framing: the input arrives through a socket in pieces of arbitrary
 *     size (mint_msgbuf_fill/next); every message must come out exactly as
 *     the bytes before its NUL, and the unfinished rest must stay buffered;
 *     each message is then decoded as mintd decodes a request;
 *   - the client: mint_varlink_call() reads the input as mintd's replies
 *     (progress, final, errors, garbage) and must end with a reply object
 *     or a filled error, never more.
 * The first input byte picks the direction and seeds the piece sizes.
 */
#include "fuzz.h"

#include <fcntl.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

#include "varlink.h"

/* A small deterministic generator for the sizes of the pieces. */
static unsigned next_piece(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return 1 + (*seed >> 16) % 3000;
}

/* What mintd's server checks before it dispatches (mintd/server.c start_call). */
static void decode_request(const char *text)
{
	json_object *msg = json_tokener_parse(text), *method, *params;

	if (msg && json_object_is_type(msg, json_type_object) &&
	    json_object_object_get_ex(msg, "method", &method) &&
	    json_object_is_type(method, json_type_string)) {
		if (json_object_object_get_ex(msg, "parameters", &params))
			(void)json_object_is_type(params, json_type_object);
		(void)json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN);
	}
	json_object_put(msg);
}

static void fuzz_framing(const uint8_t *data, size_t size, uint32_t seed)
{
	const uint8_t *expect = data; /* start of the message being assembled */
	size_t fed = 0;
	struct mint_msgbuf mb;
	int sv[2];

	FUZZ_CHECK(!socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), "socketpair");
	mint_msgbuf_init(&mb);
	while (fed < size) {
		size_t piece = next_piece(&seed), got = 0;
		char *msg;
		int r;

		if (piece > size - fed)
			piece = size - fed;
		FUZZ_CHECK(write(sv[1], data + fed, piece) == (ssize_t)piece, "write");
		while (got < piece) {
			ssize_t n = mint_msgbuf_fill(&mb, sv[0]);

			FUZZ_CHECK(n > 0, "fill returned %zd", n);
			got += (size_t)n;
		}
		fed += piece;
		while ((r = mint_msgbuf_next(&mb, &msg)) == 1) {
			size_t len = strlen(msg);

			FUZZ_CHECK(expect + len < data + fed && expect[len] == '\0' &&
				       !memcmp(msg, expect, len),
				   "message of %zu bytes does not match its input", len);
			expect += len + 1;
			decode_request(msg);
			free(msg);
		}
		FUZZ_CHECK(r == 0, "next returned %d below the size limit", r);
		/* What stays buffered is exactly the unfinished message. */
		FUZZ_CHECK(mb.len == (size_t)(data + fed - expect) && !memchr(expect, 0, mb.len) &&
			       (!mb.len || !memcmp(mb.buf, expect, mb.len)),
			   "%zu bytes buffered, %zu expected", mb.len,
			   (size_t)(data + fed - expect));
	}
	mint_msgbuf_free(&mb);
	close(sv[0]);
	close(sv[1]);
}

static void count_progress(json_object *params, void *data)
{
	(*(unsigned *)data)++;
	(void)json_object_to_json_string(params);
}

static void fuzz_client(const uint8_t *data, size_t size, bool more)
{
	struct mint_error err = {0};
	json_object *reply = (json_object *)1;
	unsigned progress = 0;
	int sv[2], r;

	FUZZ_CHECK(!socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), "socketpair");
	/* mintd's side: all its replies, then it hangs up (so no read can wait). */
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	for (size_t off = 0; off < size;) {
		ssize_t n = write(sv[1], data + off, size - off);

		if (n <= 0)
			break; /* the socket is full: the rest is never sent */
		off += (size_t)n;
	}
	shutdown(sv[1], SHUT_WR);
	r = mint_varlink_call(sv[0], MINT_INTERFACE ".Status", NULL, more,
			      more ? count_progress : NULL, &progress, &reply, &err);
	if (r == 0) {
		FUZZ_CHECK(reply && json_object_is_type(reply, json_type_object),
			   "a final reply that is not an object");
		json_object_put(reply);
	} else {
		FUZZ_CHECK(r == -1, "returned %d", r);
		FUZZ_CHECK(!reply, "an error with a reply");
		FUZZ_CHECK(err.kind > MINT_OK && err.kind < MINT_E_COUNT, "kind %d", err.kind);
	}
	close(sv[0]);
	close(sv[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t mode;

	if (!size)
		return 0;
	mode = data[0];
	data++;
	size--;
	if (mode & 1)
		fuzz_client(data, size, mode & 2);
	else
		fuzz_framing(data, size, mode);
	return 0;
}
