// SPDX-License-Identifier: GPL-2.0
/*
 * sock-hold PATH COUNT [PREFIX]: a hostile client for the robustness tests.
 * Opens COUNT connections to the unix socket PATH, sends PREFIX (without a
 * terminating NUL: half a message) on each, or nothing, and holds them open
 * until it is killed. Prints "held N" once all are open (N may be less than
 * COUNT when the server refuses some) and then how many the server closed
 * every second ("closed M").
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
#include <unistd.h>

#define MAX_CONN 1024

static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	static int fds[MAX_CONN];
	const char *prefix;
	long count;
	int held = 0;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: sock-hold PATH COUNT [PREFIX]\n");
		return 2;
	}
	count = strtol(argv[2], NULL, 10);
	if (count < 1 || count > MAX_CONN) {
		fprintf(stderr, "sock-hold: COUNT must be 1..%d\n", MAX_CONN);
		return 2;
	}
	prefix = argc == 4 ? argv[3] : "";
	signal(SIGPIPE, SIG_IGN);
	for (long i = 0; i < count; i++) {
		int fd = connect_to(argv[1]);

		if (fd < 0)
			continue;
		if (prefix[0] && write(fd, prefix, strlen(prefix)) < 0) {
			close(fd);
			continue;
		}
		fds[held++] = fd;
	}
	printf("held %d\n", held);
	fflush(stdout);
	for (;;) {
		int closed = 0;

		sleep(1);
		for (int i = 0; i < held; i++) {
			struct pollfd p = {.fd = fds[i], .events = POLLIN};
			char c;

			if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR) ||
						    recv(fds[i], &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0))
				closed++;
		}
		printf("closed %d\n", closed);
		fflush(stdout);
	}
}
