// SPDX-License-Identifier: GPL-2.0
/*
 * struct mint_cpuset (libmint/cpuset.c) against a plain array of bools: the
 * input is a program of operations (add, del, has, next, count, format into
 * a buffer of any size), each checked against the model.
 */
#include "fuzz.h"

#include <stdbool.h>

#include "cpuset.h"
#include "parse.h"

static bool model[MINT_CPUSET_MAX];

static int model_next(unsigned from)
{
	for (unsigned c = from; c < MINT_CPUSET_MAX; c++)
		if (model[c])
			return (int)c;
	return -1;
}

static unsigned model_count(void)
{
	unsigned n = 0;

	for (unsigned c = 0; c < MINT_CPUSET_MAX; c++)
		n += model[c];
	return n;
}

/* Format into a buffer of exactly @len bytes (ASan sees any write past it). */
static void check_format(const struct mint_cpuset *set, size_t len)
{
	static char full[8192];
	char *buf = malloc(len ? len : 1);
	struct mint_cpuset back;
	int r;

	FUZZ_CHECK(buf, "out of memory");
	FUZZ_CHECK(!mint_cpuset_format(set, full, sizeof(full)), "8 KiB is enough for any set");
	r = mint_cpuset_format(set, buf, len);
	if (!len) {
		FUZZ_CHECK(r == -1, "a zero-length buffer was accepted");
	} else if (strlen(full) < len) {
		FUZZ_CHECK(r == 0 && !strcmp(buf, full), "\"%s\" in %zu bytes: \"%s\"", full, len,
			   buf);
	} else {
		FUZZ_CHECK(r == -1 && strlen(buf) < len, "\"%s\" does not fit %zu bytes", full,
			   len);
	}
	free(buf);
	if (!full[0]) {
		FUZZ_CHECK(mint_cpuset_empty(set), "empty text for a non-empty set");
		return;
	}
	FUZZ_CHECK(!mint_parse_cpulist(full, &back, NULL), "\"%s\" does not parse", full);
	FUZZ_CHECK(!memcmp(&back, set, sizeof(back)), "\"%s\" parses differently", full);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mint_cpuset set;

	mint_cpuset_clear(&set);
	memset(model, 0, sizeof(model));
	while (size) {
		unsigned op = (unsigned)fuzz_take(&data, &size, 1) % 6;
		/* CPU numbers a little past the end too: those must be ignored. */
		unsigned cpu = (unsigned)fuzz_take(&data, &size, 2) % (MINT_CPUSET_MAX + 64);
		bool in = cpu < MINT_CPUSET_MAX;

		switch (op) {
		case 0:
			mint_cpuset_add(&set, cpu);
			if (in)
				model[cpu] = true;
			break;
		case 1:
			mint_cpuset_del(&set, cpu);
			if (in)
				model[cpu] = false;
			break;
		case 2:
			FUZZ_CHECK(mint_cpuset_has(&set, cpu) == (in && model[cpu]), "has(%u)",
				   cpu);
			break;
		case 3:
			FUZZ_CHECK(mint_cpuset_next(&set, cpu) == (in ? model_next(cpu) : -1),
				   "next(%u)", cpu);
			break;
		case 4:
			FUZZ_CHECK(mint_cpuset_count(&set) == model_count(), "count");
			FUZZ_CHECK(mint_cpuset_empty(&set) == !model_count(), "empty");
			break;
		case 5:
			check_format(&set, cpu % 64 == 0 ? 8192 : cpu % 64);
			break;
		}
	}
	check_format(&set, 8192);
	return 0;
}
