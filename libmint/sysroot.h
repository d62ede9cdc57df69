/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the kernel's files are. Every sysfs and procfs path Mint reads or
 * writes is built here, below a root that is "" on a real system and a
 * directory with a fake tree in unit tests (mintd --sysroot, or
 * mint_sysroot_set()).
 */
#ifndef MINT_SYSROOT_H
#define MINT_SYSROOT_H

#include <limits.h>
#include <stddef.h>

#include "error.h"

#define MINT_SYSROOT_MAX 1024

/* Set the root (no trailing slash needed; "" or NULL = the real system). */
int mint_sysroot_set(const char *root, struct mint_error *err);
const char *mint_sysroot(void);

/*
 * The path of @fmt (an absolute path such as "/sys/devices/system/cpu/cpu%u/online")
 * below the root, in @buf of PATH_MAX bytes. Paths are built from short,
 * bounded parts (numbers, sysfs names), so they always fit: a path that does
 * not is replaced by one that cannot exist, so the caller's open() fails.
 */
const char *mint_path(char buf[PATH_MAX], const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
