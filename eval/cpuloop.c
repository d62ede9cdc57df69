// SPDX-License-Identifier: GPL-2.0
/*
 * A CPU-bound loop for comparing nodes: runs a fixed amount of integer work
 * (xorshift rounds) ROUNDS times and prints the median time per round.
 * Built static so it runs in any node's minimal initramfs.
 *   cpuloop [ROUNDS] [ITERATIONS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 9;
	long iters = argc > 2 ? atol(argv[2]) : 20000000L;
	double t[64];
	volatile uint64_t sink = 0;

	if (rounds < 1 || rounds > 64 || iters < 1) {
		fprintf(stderr, "usage: cpuloop [ROUNDS 1-64] [ITERATIONS]\n");
		return 2;
	}
	for (int r = 0; r < rounds; r++) {
		uint64_t x = 88172645463325252ULL + (uint64_t)r;
		double t0 = now_ms();

		for (long i = 0; i < iters; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		sink += x;
		t[r] = now_ms() - t0;
	}
	qsort(t, (size_t)rounds, sizeof(t[0]), cmp);
	printf(
	    "CPULOOP median %.1f ms per round (%d rounds of %ld iterations, min %.1f, max %.1f)\n",
	    t[rounds / 2], rounds, iters, t[0], t[rounds - 1]);
	return sink == 42; /* keep the loop */
}
