/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers every part of Mint user space shares. */
#ifndef MINT_UTIL_H
#define MINT_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * snprintf() that reports truncation instead of hiding it: true when the
 * whole text fit into @buf (@len bytes including the NUL).
 */
bool mint_fmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Monotonic clock in milliseconds. */
long long mint_now_ms(void);
void mint_sleep_ms(long ms);

#endif
