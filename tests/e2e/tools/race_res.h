/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The resource mint-race races on: a CPU, a memory block or a PCI function
 * of this node, with the three things the race needs from it: bringing it
 * into use and out again through sysfs (CPU online/offline, memory block
 * online_movable/offline, driver bind/unbind), whether sysfs says it is in
 * use, and its owner in the resource table.
 */
#ifndef E2E_RACE_RES_H
#define E2E_RACE_RES_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "mintdev.h"
#include "parse.h"

enum race_kind { RACE_CPU, RACE_MEM, RACE_PCI };

struct race_res {
	enum race_kind kind;
	char name[96]; /* "CPU 3 (APIC ID 3)", "memory block 12 (0x60000000)", "PCI 0000:00:04.0" */
	uint32_t type; /* MINT_RES_* */
	uint64_t id;   /* its id in the table and for MINT_IOC_RELEASE/CLAIM */
	char state_path[PATH_MAX]; /* CPU online, memory state, the PCI function's driver link */
	char bind_path[PATH_MAX];  /* PCI: the original driver's bind and unbind */
	char unbind_path[PATH_MAX];
	struct mint_bdf bdf;
	char bdf_name[MINT_BDF_STRLEN];
	char driver[64]; /* PCI: the driver bound at the start */
	bool in_use_at_start;
};

/*
 * Find the resource @arg (a logical CPU number, a memory block number or a
 * PCI address) of @kind in this kernel and the table of @dev; it must be
 * this node's. A PCI function must have a driver other than pci-stub bound.
 */
int race_res_setup(struct race_res *r, enum race_kind kind, const char *arg, struct mint_dev *dev,
		   struct mint_error *err);

/* Bring it into use / out of use: 0, or the errno of the refused sysfs write. */
int race_res_use(const struct race_res *r);
int race_res_unuse(const struct race_res *r);

/* What sysfs says: 1 in use, 0 not, -1 cannot tell (the read failed). */
int race_res_in_use(const struct race_res *r);

/* Owner in the table (node id, MINT_OWNER_FREE, MINT_OWNER_NONE). */
uint32_t race_res_owner(const struct race_res *r, const struct mint_dev *dev);

#endif
