/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Resource operations of this node. Each validates against the model,
 * runs a plan (rolled back on failure) and records the outcome in the saved
 * state. One file per concern: scan.c (the model), table_steps.c (the shared
 * resource table), op_cpus.c, op_memory.c, op_devices.c, op_boot.c and
 * reconcile.c (start-up).
 */
#ifndef MINTD_OPS_H
#define MINTD_OPS_H

#include <json-c/json.h>
#include <limits.h>
#include <stdint.h>

#include "mintd.h"
#include "model.h"
#include "pcidev.h"
#include "plan.h"

/* ---- scan.c ---- */

/* What to scan; MODEL_PCI_NAMES adds the (slow to load) human-readable PCI names. */
enum { MODEL_CPUS = 1, MODEL_MEM = 2, MODEL_PCI = 4, MODEL_PCI_NAMES = 8, MODEL_ALL = 15 };
/* With MODEL_MEM: also the blocks that are FREE in the table but not in this kernel. */
#define MODEL_FREE_MEM 16

/* What sysfs shows, as this node's own, before releases and the table are applied. */
int ops_scan_raw(struct mintd *d, unsigned what, struct mint_model *m, struct mint_error *err);
/* The model: sysfs, then what this node released (FREE), then the table's owners. */
int ops_scan(struct mintd *d, unsigned what, struct mint_model *m, struct mint_error *err);

/* ---- table_steps.c: plan steps that move an entry of the shared resource table ---- */

struct table_res {
	struct mintd *d;
	uint32_t type; /* MINT_RES_* */
	uint64_t id;   /* APIC ID, memory block base or PCI id */
	uint32_t node; /* the other node, for the *_node steps */
};

/* This node <-> FREE, and FREE <-> another node. */
int ops_table_release_self(void *ctx, struct mint_error *err);
int ops_table_claim_self(void *ctx, struct mint_error *err);
int ops_table_claim_node(void *ctx, struct mint_error *err);
int ops_table_release_node(void *ctx, struct mint_error *err);
/*
 * Add the table half of a release (after the kernel let go) or of a reclaim
 * (before it takes the resource back). No-op without a Mint kernel.
 */
int ops_add_table_step(struct mintd *d, struct mint_plan *plan, struct table_res *r,
		       uint32_t type, uint64_t id, bool release, const char *what);

/* ---- op_cpus.c ---- */

int ops_release_cpus(struct mintd *d, const struct mint_cpuset *cpus, struct mint_error *err);
int ops_reclaim_cpus(struct mintd *d, const struct mint_cpuset *cpus, struct mint_error *err);
/*
 * CPUs that may leave for another node: this node's releasable ones or FREE
 * offline ones; *@owned gets the ones this node must take offline first.
 */
int ops_cpus_check_give(struct mintd *d, const struct mint_cpuset *cpus, struct mint_cpuset *owned,
			struct mint_error *err);
/* The checks of a release (owned, online, not CPU 0, one stays), without acting. */
int ops_cpus_check_release(struct mintd *d, const struct mint_cpuset *cpus,
			   struct mint_error *err);
/*
 * Offline and free in the table, nothing recorded: the CPUs leave this node
 * (moves). The caller has checked them with ops_cpus_check_release().
 */
int ops_cpus_give_up(struct mintd *d, const struct mint_cpuset *cpus, struct mint_error *err);
/* The bare plan: release (offline, free) or reclaim (claim, online), rolled back on failure. */
int ops_cpus_run_plan(struct mintd *d, const struct mint_cpuset *cpus, bool release,
		      struct mint_error *err);
/* {"cpus": [...], "apic_ids": [...]} for a journal intent. */
json_object *ops_cpus_intent(struct mintd *d, const struct mint_cpuset *cpus);
/* Plan steps on one CPU; the context points at its number (unsigned). */
int ops_cpu_offline(void *ctx, struct mint_error *err);
int ops_cpu_online(void *ctx, struct mint_error *err);

/* ---- op_memory.c ---- */

struct ops_mem_result {
	uint64_t bytes;
	size_t nblocks;
	unsigned blocks[MINT_STATE_MAX_MEM];
};
int ops_release_mem(struct mintd *d, uint64_t bytes, mint_plan_progress_fn progress, void *data,
		    struct ops_mem_result *res, struct mint_error *err);
int ops_reclaim_mem(struct mintd *d, uint64_t bytes, mint_plan_progress_fn progress, void *data,
		    struct ops_mem_result *res, struct mint_error *err);
/* Blocks chosen for a release or a reclaim, before anything changes. */
struct ops_mem_pick {
	struct ops_mem_result res; /* nblocks to release / the blocks to reclaim */
	size_t ncand;		    /* release: every block that may be offlined instead */
	unsigned cand[MINT_STATE_MAX_MEM];
};
int ops_mem_pick(struct mintd *d, uint64_t bytes, bool release, struct ops_mem_pick *pick,
		 struct mint_error *err);
/* {"bytes", "blocks": candidates} for a journal intent. */
json_object *ops_mem_intent(const struct ops_mem_pick *pick);
/* Offline and free the picked blocks, nothing recorded: they leave this node (moves). */
int ops_mem_give_up(struct mintd *d, struct ops_mem_pick *pick, mint_plan_progress_fn progress,
		    void *data, struct mint_error *err);
/* Claim and online @res's blocks again (a move that did not happen). */
int ops_mem_take_back(struct mintd *d, struct ops_mem_result *res, struct mint_error *err);
/* Plan steps on one memory block; the context points at its index (unsigned). */
int ops_mem_offline(void *ctx, struct mint_error *err);
int ops_mem_online(void *ctx, struct mint_error *err);

/* ---- op_devices.c ---- */

int ops_release_dev(struct mintd *d, const struct mint_bdf *bdf, struct mint_pci_release *res,
		    struct mint_error *err);
int ops_reclaim_dev(struct mintd *d, const struct mint_bdf *bdf, struct mint_pci_release *res,
		    struct mint_error *err);
/* The checks of a release (exists, ours, not in use); *@dev: what the scan saw. */
int ops_dev_check_release(struct mintd *d, const struct mint_bdf *bdf, struct mint_pcidev *dev,
			  struct mint_error *err);
/* Unbind, pci-stub, unload the module, free in the table; nothing recorded (moves). */
int ops_dev_give_up(struct mintd *d, const struct mint_pcidev *dev, struct mint_pci_release *rel,
		    struct mint_error *err);
/* {"address", "driver", "module"} for a journal intent. */
json_object *ops_dev_intent(const struct mint_bdf *bdf, const char *driver, const char *module);

/* ---- op_take.c: FREE resources into this node ---- */

#define OPS_TAKE_MAX 64

struct ops_take_request {
	struct mint_cpuset apic_ids;
	size_t nblocks;
	uint64_t blocks[MINT_MAX_MEM_BLOCKS]; /* bases */
	size_t ndevs;
	struct mint_bdf devs[MINT_MAX_PCI];
	const char *mount; /* mount the one disk of the devices here (may be NULL) */
};

struct ops_take_result {
	struct mint_cpuset cpus; /* logical CPUs of this node now online */
	uint64_t memory_bytes;
	size_t ndevs;
	struct mint_bdf devs[MINT_MAX_PCI];
	size_t nleft; /* what could not be taken (it is FREE), and why */
	char left[OPS_TAKE_MAX][256];
	size_t ndisks; /* the disks that appeared below the devices */
	char disks[16][32];
	char mounted[PATH_MAX]; /* where one was mounted, "" */
};

/* Take each resource; what fails is left FREE and listed in res->left. */
int ops_take(struct mintd *d, const struct ops_take_request *req, struct ops_take_result *res,
	     struct mint_error *err);
/* The TakeResources reply for @res: (cpus, memory_bytes, devices, left). */
json_object *ops_take_json(const struct ops_take_result *res);

/* ---- op_nodes.c: stopping another node ---- */

struct ops_stop_request {
	int node;
	bool force;	   /* kill: do not ask it to shut down */
	bool keep;	   /* leave its resources owned by it (reboot) */
	bool no_reclaim;   /* leave them FREE */
	int to;		   /* the node that takes them; -1: its parent when running, else this node */
	unsigned timeout;  /* seconds to wait for its own shutdown before forcing it */
};

struct ops_stop_result {
	char how[128];			/* "it shut down", "stopped by force after 30 s", ... */
	struct mint_node_view *owned;	/* what it owned (caller frees) */
	int taken_by;			/* -1: left FREE (or kept) */
	json_object *taken;		/* the TakeResources reply of taken_by, when any */
	char error[MINT_ERR_MSG_MAX];	/* why taking failed, when it did */
};

int ops_stop_node(struct mintd *d, const struct ops_stop_request *req,
		  mint_plan_progress_fn progress, void *data, struct ops_stop_result *res,
		  struct mint_error *err);

/* ---- recover.c ---- */

/* Finish or undo what the journal says a crashed mintd left in flight. */
void ops_recover(struct mintd *d);

/* ---- reconcile.c ---- */

/* Compare the saved state with what sysfs shows; drop stale entries and warn. */
void ops_reconcile(struct mintd *d);

#endif
