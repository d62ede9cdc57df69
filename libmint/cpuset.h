/* SPDX-License-Identifier: GPL-2.0 */
/* A fixed-size set of logical CPU numbers. */
#ifndef MINT_CPUSET_H
#define MINT_CPUSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MINT_CPUSET_MAX 1024

struct mint_cpuset {
	uint64_t bits[MINT_CPUSET_MAX / 64];
};

void mint_cpuset_clear(struct mint_cpuset *set);
void mint_cpuset_add(struct mint_cpuset *set, unsigned cpu);
void mint_cpuset_del(struct mint_cpuset *set, unsigned cpu);
bool mint_cpuset_has(const struct mint_cpuset *set, unsigned cpu);
unsigned mint_cpuset_count(const struct mint_cpuset *set);
bool mint_cpuset_empty(const struct mint_cpuset *set);
/* Next member >= @from, or -1. Iterate: for (c = next(s, 0); c >= 0; c = next(s, c + 1)) */
int mint_cpuset_next(const struct mint_cpuset *set, unsigned from);

/*
 * Canonical list form, ranges collapsed: {2,3,4,8} -> "2-4,8", {} -> "".
 * Returns 0, or -1 if @len is too small (output truncated but terminated).
 */
int mint_cpuset_format(const struct mint_cpuset *set, char *buf, size_t len);

#endif
