/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Resource operations of this node: each validates against the model, runs
 * a plan (rolled back on failure) and records the outcome in the saved state.
 */
#ifndef MINTD_OPS_H
#define MINTD_OPS_H

#include <stdint.h>

#include "mintd.h"
#include "model.h"
#include "pcidev.h"
#include "plan.h"

/* What to scan; MODEL_PCI_NAMES adds the (slow to load) human-readable PCI names. */
enum { MODEL_CPUS = 1, MODEL_MEM = 2, MODEL_PCI = 4, MODEL_PCI_NAMES = 8, MODEL_ALL = 15 };

/* Scan the parts of the machine named by @what, then mark what this node released as FREE. */
int ops_build_model(struct mintd *d, unsigned what, struct mint_model *m, struct mint_error *err);

int ops_release_cpus(struct mintd *d, const struct mint_cpuset *cpus, struct mint_error *err);
int ops_reclaim_cpus(struct mintd *d, const struct mint_cpuset *cpus, struct mint_error *err);

struct ops_mem_result {
	uint64_t bytes;
	size_t nblocks;
	unsigned blocks[MINT_STATE_MAX_MEM];
};
int ops_release_mem(struct mintd *d, uint64_t bytes, mint_plan_progress_fn progress, void *data,
		    struct ops_mem_result *res, struct mint_error *err);
int ops_reclaim_mem(struct mintd *d, uint64_t bytes, mint_plan_progress_fn progress, void *data,
		    struct ops_mem_result *res, struct mint_error *err);

int ops_release_dev(struct mintd *d, const struct mint_bdf *bdf, struct mint_pci_release *res,
		    struct mint_error *err);
int ops_reclaim_dev(struct mintd *d, const struct mint_bdf *bdf, struct mint_pci_release *res,
		    struct mint_error *err);

/* Plan steps on one CPU or memory block; the context points at its number (unsigned). */
int ops_cpu_offline(void *ctx, struct mint_error *err);
int ops_cpu_online(void *ctx, struct mint_error *err);
int ops_mem_offline(void *ctx, struct mint_error *err);
int ops_mem_online(void *ctx, struct mint_error *err);

/* One entry of the shared resource table, as the context of a claim/release step. */
struct table_res {
	struct mintd *d;
	uint32_t type; /* MINT_RES_* */
	uint64_t id;   /* APIC ID, memory block base or PCI id */
	uint32_t node; /* the other node, for the *_node steps */
};

/* Plan steps that move a table entry: this node <-> FREE, and FREE <-> another node. */
int ops_table_release_self(void *ctx, struct mint_error *err);
int ops_table_claim_self(void *ctx, struct mint_error *err);
int ops_table_claim_node(void *ctx, struct mint_error *err);
int ops_table_release_node(void *ctx, struct mint_error *err);

/* Compare the saved state with what sysfs shows; drop stale entries and warn. */
void ops_reconcile(struct mintd *d);

#endif
