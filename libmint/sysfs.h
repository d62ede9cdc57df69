/* SPDX-License-Identifier: GPL-2.0 */
/* Small, checked reads and writes of sysfs/procfs attribute files. */
#ifndef MINT_SYSFS_H
#define MINT_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Read a whole small file, strip the trailing newline. Returns length or -1 (errno set). */
int mint_read_file(const char *path, char *buf, size_t len);
int mint_read_u64(const char *path, int base, uint64_t *val);
bool mint_path_exists(const char *path);
/*
 * Write @val to an attribute. On failure fill @err with
 * "<what>: writing \"<val>\" to <path> failed: <strerror>" (kind MINT_E_SYSTEM,
 * or MINT_E_BUSY for EBUSY/EAGAIN) and return -1.
 */
int mint_write_attr(const char *path, const char *val, const char *what, struct mint_error *err);
/* Target basename of a symlink ("…/drivers/virtio-pci" -> "virtio-pci"), "" when absent. */
int mint_link_basename(const char *path, char *buf, size_t len);

#endif
