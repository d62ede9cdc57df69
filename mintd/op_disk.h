/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Disk migration (op_disk.c): unmount in this node, flush, hand the
 * controller over as a device move does, and the target mounts it. When the
 * move fails, the controller comes back and what was unmounted is mounted
 * again.
 */
#ifndef MINTD_OP_DISK_H
#define MINTD_OP_DISK_H

#include "disk.h"
#include "op_move.h"

struct ops_disk_move {
	const char *disk; /* as the user named it */
	bool unmount;	  /* unmount a mounted disk first (else refuse) */
	bool all;	  /* move every disk of the controller */
	struct ops_move mv; /* to, mount, progress; the device move itself */
	size_t ndisks;
	mint_disk_name disks[MINT_DISK_MAX];
	size_t nmounts; /* what was unmounted here */
	struct mint_disk_mount mounts[MINT_DISK_MOUNTS];
};

int ops_move_disk(struct mintd *d, struct ops_disk_move *dm, struct mint_error *err);

#endif
