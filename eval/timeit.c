// SPDX-License-Identifier: GPL-2.0
/*
 * timeit CMD [ARGS...]: run CMD and print "<milliseconds> ms" of wall-clock
 * time (CLOCK_MONOTONIC) on stdout; CMD's own output goes to /dev/null.
 * Exits with CMD's status. Static, for the benchmarks' node initramfs.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	double t0;
	int status = 0;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: timeit CMD [ARGS...]\n");
		return 2;
	}
	t0 = now_ms();
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	printf("%.1f ms\n", now_ms() - t0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
