/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Moves of CPUs, memory and PCI devices from this node to another running
 * node (op_move.c), and disk migration on top of the device move
 * (op_disk.c). Each is one transaction across the two nodes: what the
 * target does not take comes back here.
 */
#ifndef MINTD_OP_MOVE_H
#define MINTD_OP_MOVE_H

#include <json-c/json.h>

#include "ops.h"

struct ops_move {
	int to;				    /* the target node */
	mint_plan_progress_fn progress;	    /* one line per step (may be NULL) */
	void *data;
	/* the request: one of */
	struct mint_cpuset cpus; /* logical CPUs of this node */
	uint64_t bytes;
	size_t ndevs;
	struct mint_bdf devs[MINT_NODE_MAX_DEVS];
	const char *mount; /* a disk move: where the target mounts the disk (may be NULL) */
	/* filled in while it runs */
	const char *kind; /* "cpus", "memory", "devices", "disk" */
	char desc[64];
	struct mint_cpuset apic_ids;
	struct mint_cpuset owned; /* CPUs this node takes offline (the others are FREE) */
	size_t nblocks;
	uint64_t blocks[MINT_STATE_MAX_MEM]; /* bases of the blocks that moved */
	struct ops_mem_pick *mem;
	struct mint_pcidev pci[MINT_NODE_MAX_DEVS];
	json_object *taken; /* the target's TakeResources reply */
};

/* The target is another node, and it runs. */
int ops_move_check_target(struct mintd *d, int to, struct mint_error *err);
int ops_move_cpus(struct mintd *d, struct ops_move *mv, struct mint_error *err);
int ops_move_mem(struct mintd *d, struct ops_move *mv, struct mint_error *err);
int ops_move_devs(struct mintd *d, struct ops_move *mv, struct mint_error *err);
void ops_move_free(struct ops_move *mv);

/* A TakeResources call for @t (and a mount point for a disk, may be NULL). */
json_object *ops_take_call(const struct ops_take_request *t, const char *mount);

/*
 * Take back into this node whatever of @t is FREE in the table (a move the
 * target did not complete). @note says what could not be taken back or
 * stays with another node; -1 when something FREE could not be taken.
 */
int ops_take_back_free(struct mintd *d, const struct ops_take_request *t, char *note, size_t len);

#endif
