/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake /sys, /proc tree in a temporary directory, for unit tests of the
 * backends and of mintd (mint_sysroot_set() points them at it): 4 CPUs, 16
 * memory blocks of 128M (the top 4 movable), one virtio-blk PCI function with
 * MSI-X and its disk vda, one INTx-only function.
 */
#ifndef FAKESYS_H
#define FAKESYS_H

#include <stdbool.h>

#define FAKE_DISK_BDF "0000:00:05.0"
#define FAKE_INTX_BDF "0000:00:06.0"

/* Create the tree; returns its root (static buffer), and points mint_sysroot at it. */
const char *fakesys_create(void);
/* Remove it and reset mint_sysroot. */
void fakesys_destroy(void);

/* Write @content to @path below the root (directories are created). */
void fakesys_write(const char *path, const char *content);
/* Read @path below the root into a static buffer (trailing newline dropped). */
const char *fakesys_read(const char *path);
/* Mark the fake disk as mounted in mountinfo (or not). */
void fakesys_mount_disk(bool mounted);

#endif
