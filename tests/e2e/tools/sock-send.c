// SPDX-License-Identifier: GPL-2.0
/*
 * sock-send PATH: send stdin verbatim to a unix stream socket and print the
 * reply. Used by the e2e tests to feed mintd malformed, unterminated or huge
 * messages that a well-behaved client would never send.
 *
 * Connects to PATH, copies stdin to the socket byte for byte (no NUL is
 * added), half-closes the connection, then reads the reply until a NUL byte
 * or EOF, waiting at most 5 s in total, and prints it followed by a newline.
 *
 * Exit status: 0 a (non-empty) reply came, 1 no reply, 2 usage or connect
 * error. A peer that closes early (EPIPE/ECONNRESET while sending) is not an
 * error: the reply, if any, is still read.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define REPLY_TIMEOUT_MS 5000
#define REPLY_MAX	 (16u << 20)

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Copy stdin to @fd. Returns 0, or -1 if the peer stopped accepting data. */
static int send_stdin(int fd)
{
	static char buf[65536];

	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("sock-send: read stdin");
			return -1;
		}
		if (n == 0)
			return 0;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				fprintf(stderr,
					"sock-send: peer stopped reading after part of the "
					"message: %s\n",
					strerror(errno));
				return -1;
			}
			off += w;
		}
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char *reply = NULL;
	size_t len = 0, cap = 0;
	long long deadline;
	int fd;

	if (argc != 2 || argv[1][0] == '\0') {
		fprintf(stderr, "usage: sock-send PATH < message\n");
		return 2;
	}
	if (strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "sock-send: path too long: %s\n", argv[1]);
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	signal(SIGPIPE, SIG_IGN);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("sock-send: socket");
		return 2;
	}
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr, "sock-send: connect %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	send_stdin(fd);
	shutdown(fd, SHUT_WR);

	deadline = now_ms() + REPLY_TIMEOUT_MS;
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		long long left = deadline - now_ms();
		char *nul;
		ssize_t n;
		int r;

		if (left <= 0) {
			fprintf(stderr, "sock-send: timed out waiting for the reply\n");
			break;
		}
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			perror("sock-send: poll");
			break;
		}
		if (r == 0)
			continue; /* the deadline check above ends the loop */
		if (cap - len < 4096) {
			char *p;

			if (cap >= REPLY_MAX) {
				fprintf(stderr, "sock-send: reply larger than %u bytes\n",
					REPLY_MAX);
				break;
			}
			cap = cap ? cap * 2 : 65536;
			p = realloc(reply, cap);
			if (!p) {
				perror("sock-send: realloc");
				break;
			}
			reply = p;
		}
		n = read(fd, reply + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno != ECONNRESET)
				perror("sock-send: read");
			break;
		}
		if (n == 0)
			break;
		nul = memchr(reply + len, '\0', (size_t)n);
		if (nul) {
			len = (size_t)(nul - reply);
			break;
		}
		len += (size_t)n;
	}
	close(fd);

	if (len == 0) {
		fprintf(stderr, "sock-send: no reply\n");
		free(reply);
		return 1;
	}
	fwrite(reply, 1, len, stdout);
	putchar('\n');
	free(reply);
	return fflush(stdout) == 0 ? 0 : 1;
}
