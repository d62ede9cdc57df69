/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Disks for a disk migration: which PCI function a disk hangs off, which
 * disks a function has, their mounts, and unmounting, flushing and mounting
 * them (libmount, which also finds a file system's type through libblkid).
 */
#ifndef MINT_DISK_H
#define MINT_DISK_H

#include <limits.h>
#include <stddef.h>

#include "error.h"
#include "parse.h"

#define MINT_DISK_NAME_MAX 32
#define MINT_DISK_MAX	   16 /* disks below one PCI function */
#define MINT_DISK_MOUNTS   16 /* mounts of one disk and its partitions */

typedef char mint_disk_name[MINT_DISK_NAME_MAX];

struct mint_disk_mount {
	char disk[MINT_DISK_NAME_MAX]; /* "vdb" */
	unsigned partno;	       /* 0: the whole disk, else its partition number */
	char target[PATH_MAX];	       /* "/mnt" */
	char fstype[32];
	char options[256]; /* the mount's own options, e.g. "rw,noatime" */
};

/*
 * DISK is a kernel name ("vdb"), a path to its device node (/dev/vdb, or a
 * /dev/disk/by-* link, also to one of its partitions) or the PCI address of
 * its controller. *@bdf gets that controller; @name the disk's kernel name
 * ("" when DISK was a PCI address).
 */
int mint_disk_resolve(const char *disk, struct mint_bdf *bdf, char *name, size_t len,
		      struct mint_error *err);
/* The disks below PCI function @bdf, sorted by name. */
size_t mint_disk_list(const struct mint_bdf *bdf, mint_disk_name *names, size_t cap);
/* The mounts of @disk and its partitions (from /proc/self/mountinfo). */
int mint_disk_mounts(const char *disk, struct mint_disk_mount *out, size_t cap, size_t *n,
		     struct mint_error *err);
/* Unmount; MINT_E_BUSY "/mnt is busy (...)" when something still uses it. */
int mint_disk_unmount(const struct mint_disk_mount *m, struct mint_error *err);
/* Write out what the kernel caches for @disk: fsync and BLKFLSBUF on its device node. */
int mint_disk_flush(const char *disk, struct mint_error *err);
/*
 * Mount /dev/@disk (partition @partno, 0: the disk itself) on @target, which is
 * created if missing; @fstype NULL: found by probing. @options may be NULL.
 */
int mint_disk_mount(const char *disk, unsigned partno, const char *target, const char *fstype,
		    const char *options, struct mint_error *err);
/* Wait up to @ms for at least one disk below @bdf; returns how many there are. */
size_t mint_disk_wait(const struct mint_bdf *bdf, unsigned ms, mint_disk_name *names, size_t cap);

#endif
