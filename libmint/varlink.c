// SPDX-License-Identifier: GPL-2.0
#include "varlink.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CLIENT_TIMEOUT_MS (30 * 60 * 1000) /* memory offlining can take long */

void mint_msgbuf_init(struct mint_msgbuf *mb)
{
	memset(mb, 0, sizeof(*mb));
}

void mint_msgbuf_free(struct mint_msgbuf *mb)
{
	free(mb->buf);
	mint_msgbuf_init(mb);
}

ssize_t mint_msgbuf_fill(struct mint_msgbuf *mb, int fd)
{
	ssize_t n;

	if (mb->cap - mb->len < 4096) {
		size_t cap = mb->cap ? mb->cap * 2 : 8192;
		char *p = realloc(mb->buf, cap);

		if (!p) {
			errno = ENOMEM;
			return -1;
		}
		mb->buf = p;
		mb->cap = cap;
	}
	do
		n = read(fd, mb->buf + mb->len, mb->cap - mb->len);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		mb->len += (size_t)n;
	return n;
}

int mint_msgbuf_next(struct mint_msgbuf *mb, char **msg)
{
	char *nul = mb->len ? memchr(mb->buf, '\0', mb->len) : NULL;
	size_t mlen;

	if (!nul)
		return mb->len > MINT_VARLINK_MAX_MSG ? -1 : 0;
	mlen = (size_t)(nul - mb->buf);
	if (mlen > MINT_VARLINK_MAX_MSG)
		return -1;
	*msg = malloc(mlen + 1);
	if (!*msg)
		return -1;
	memcpy(*msg, mb->buf, mlen + 1);
	memmove(mb->buf, nul + 1, mb->len - mlen - 1);
	mb->len -= mlen + 1;
	return 1;
}

int mint_varlink_send(int fd, json_object *msg)
{
	const char *text = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(text) + 1; /* the NUL terminates the message */

	while (len) {
		ssize_t n = send(fd, text, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

int mint_varlink_connect(const char *path, struct mint_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, e;

	if (strlen(path) >= sizeof(sa.sun_path))
		return mint_fail(err, MINT_E_INVALID, "socket path %s is too long", path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return mint_fail(err, MINT_E_SYSTEM, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		e = errno;
		close(fd);
		return mint_fail(err, MINT_E_SYSTEM, "cannot reach mintd at %s: %s%s", path,
				 strerror(e),
				 (e == ENOENT || e == ECONNREFUSED) ? " (is mintd running?)" : "");
	}
	return fd;
}

static int read_message(int fd, struct mint_msgbuf *mb, char **msg, struct mint_error *err)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	int r;

	while ((r = mint_msgbuf_next(mb, msg)) == 0) {
		ssize_t n;

		if (poll(&pfd, 1, CLIENT_TIMEOUT_MS) <= 0)
			return mint_fail(err, MINT_E_SYSTEM, "mintd did not answer");
		n = mint_msgbuf_fill(mb, fd);
		if (n == 0)
			return mint_fail(err, MINT_E_SYSTEM, "mintd closed the connection");
		if (n < 0)
			return mint_fail(err, MINT_E_SYSTEM, "reading from mintd: %s",
					 strerror(errno));
	}
	if (r < 0)
		return mint_fail(err, MINT_E_SYSTEM, "mintd sent an oversized reply");
	return 0;
}

/* @error is a string (handle_reply checked). */
static int reply_error(json_object *reply, json_object *error, struct mint_error *err)
{
	const char *name = json_object_get_string(error);
	const char *dot = strrchr(name, '.');
	json_object *params, *message;

	if (json_object_object_get_ex(reply, "parameters", &params) &&
	    json_object_object_get_ex(params, "message", &message) &&
	    json_object_is_type(message, json_type_string))
		return mint_fail(err, mint_errkind_from_name(dot ? dot + 1 : name), "%s",
				 json_object_get_string(message));
	return mint_fail(err, mint_errkind_from_name(dot ? dot + 1 : name), "mintd: %s", name);
}

/* Handle one reply: 1 = more follow, 0 = final, -1 = error. */
static int handle_reply(char *text, mint_reply_fn progress, void *data, json_object **out,
			struct mint_error *err)
{
	json_object *reply = json_tokener_parse(text), *error, *params, *cont;
	int ret;

	/* varlink: an object; "error" a string; "parameters" an object (or absent, or null). */
	if (!reply || !json_object_is_type(reply, json_type_object) ||
	    (json_object_object_get_ex(reply, "error", &error) &&
	     !json_object_is_type(error, json_type_string)) ||
	    (json_object_object_get_ex(reply, "parameters", &params) && params &&
	     !json_object_is_type(params, json_type_object))) {
		json_object_put(reply);
		return mint_fail(err, MINT_E_SYSTEM, "mintd sent a malformed reply");
	}
	if (json_object_object_get_ex(reply, "error", &error)) {
		ret = reply_error(reply, error, err);
		json_object_put(reply);
		return ret;
	}
	if (!json_object_object_get_ex(reply, "parameters", &params))
		params = NULL;
	if (json_object_object_get_ex(reply, "continues", &cont) && json_object_get_boolean(cont)) {
		if (progress)
			progress(params, data);
		json_object_put(reply);
		return 1;
	}
	*out = params ? json_object_get(params) : json_object_new_object();
	json_object_put(reply);
	return 0;
}

int mint_varlink_call(int fd, const char *method, json_object *params, bool more,
		      mint_reply_fn progress, void *data, json_object **reply,
		      struct mint_error *err)
{
	json_object *call = json_object_new_object();
	struct mint_msgbuf mb;
	char *text = NULL;
	int ret;

	*reply = NULL;
	json_object_object_add(call, "method", json_object_new_string(method));
	json_object_object_add(call, "parameters", params ? params : json_object_new_object());
	if (more)
		json_object_object_add(call, "more", json_object_new_boolean(1));
	ret = mint_varlink_send(fd, call);
	json_object_put(call);
	if (ret)
		return mint_fail(err, MINT_E_SYSTEM, "sending to mintd: %s", strerror(errno));

	mint_msgbuf_init(&mb);
	do {
		ret = read_message(fd, &mb, &text, err);
		if (!ret) {
			ret = handle_reply(text, progress, data, reply, err);
			free(text);
		}
	} while (ret == 1);
	mint_msgbuf_free(&mb);
	return ret;
}
