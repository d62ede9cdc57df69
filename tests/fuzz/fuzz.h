/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every libFuzzer target in tests/fuzz shares: the entry points, a
 * NUL-terminated copy of the input (so ASan sees any read past it), and
 * FUZZ_CHECK() for properties the code under test promises (a broken one
 * aborts, and libFuzzer keeps the input as a crash).
 */
#ifndef MINT_FUZZ_H
#define MINT_FUZZ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * The message goes to stderr and to the sanitizer's report (which libFuzzer
 * keeps even when it closes the target's stderr, -close_fd_mask=2).
 */
#define FUZZ_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fuzz_check_failed(__FILE__, __LINE__, #cond, __VA_ARGS__);                 \
	} while (0)

void __sanitizer_report_error_summary(const char *error_summary);

static inline void fuzz_check_failed(const char *file, int line, const char *cond, const char *fmt,
				     ...) __attribute__((format(printf, 4, 5)))
__attribute__((noreturn));

static inline void fuzz_check_failed(const char *file, int line, const char *cond, const char *fmt,
				     ...)
{
	char why[1024], summary[1400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(summary, sizeof(summary), "FUZZ_CHECK(%s) failed at %s:%d: %s", cond, file, line,
		 why);
	fprintf(stderr, "%s\n", summary);
	__sanitizer_report_error_summary(summary);
	abort();
}

/* A malloc'd copy of @data with a NUL after it (embedded NULs stay). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Take @n bytes from the front of the input as a little-endian number (0 when used up). */
static inline uint64_t fuzz_take(const uint8_t **data, size_t *size, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n && *size; i++) {
		v |= (uint64_t) * *data << (8 * i);
		(*data)++;
		(*size)--;
	}
	return v;
}

#endif
