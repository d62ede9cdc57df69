// SPDX-License-Identifier: GPL-2.0
#include "cpuset.h"

#include <stdio.h>
#include <string.h>

#define WORDS (MINT_CPUSET_MAX / 64)

void mint_cpuset_clear(struct mint_cpuset *set)
{
	memset(set, 0, sizeof(*set));
}

void mint_cpuset_add(struct mint_cpuset *set, unsigned cpu)
{
	if (cpu >= MINT_CPUSET_MAX)
		return;
	set->bits[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}

void mint_cpuset_del(struct mint_cpuset *set, unsigned cpu)
{
	if (cpu >= MINT_CPUSET_MAX)
		return;
	set->bits[cpu / 64] &= ~(UINT64_C(1) << (cpu % 64));
}

bool mint_cpuset_has(const struct mint_cpuset *set, unsigned cpu)
{
	if (cpu >= MINT_CPUSET_MAX)
		return false;
	return (set->bits[cpu / 64] >> (cpu % 64)) & 1;
}

unsigned mint_cpuset_count(const struct mint_cpuset *set)
{
	unsigned n = 0;

	for (unsigned i = 0; i < WORDS; i++)
		n += (unsigned)__builtin_popcountll(set->bits[i]);
	return n;
}

bool mint_cpuset_empty(const struct mint_cpuset *set)
{
	for (unsigned i = 0; i < WORDS; i++)
		if (set->bits[i])
			return false;
	return true;
}

int mint_cpuset_next(const struct mint_cpuset *set, unsigned from)
{
	unsigned i;
	uint64_t w;

	if (from >= MINT_CPUSET_MAX)
		return -1;
	i = from / 64;
	w = set->bits[i] & (~UINT64_C(0) << (from % 64));
	for (;;) {
		if (w)
			return (int)(i * 64 + (unsigned)__builtin_ctzll(w));
		if (++i >= WORDS)
			return -1;
		w = set->bits[i];
	}
}

int mint_cpuset_format(const struct mint_cpuset *set, char *buf, size_t len)
{
	size_t pos = 0;
	int c = mint_cpuset_next(set, 0);

	if (!buf || !len)
		return -1;
	buf[0] = '\0';
	while (c >= 0) {
		int last = c;
		int w;

		while (last + 1 < MINT_CPUSET_MAX && mint_cpuset_has(set, (unsigned)last + 1))
			last++;
		if (last == c)
			w = snprintf(buf + pos, len - pos, "%s%d", pos ? "," : "", c);
		else
			w = snprintf(buf + pos, len - pos, "%s%d-%d", pos ? "," : "", c, last);
		if (w < 0 || (size_t)w >= len - pos)
			return -1; /* snprintf has truncated and terminated */
		pos += (size_t)w;
		c = mint_cpuset_next(set, (unsigned)last + 1);
	}
	return 0;
}
