/* SPDX-License-Identifier: GPL-2.0 */
/* Booting a new node on resources this node gives up (needs a Mint kernel). */
#ifndef MINTD_OP_BOOT_H
#define MINTD_OP_BOOT_H

#include <stdint.h>

#include "cpuset.h"
#include "mint_limits.h"
#include "mintd.h"
#include "param.h"
#include "plan.h"

#define BOOT_DEFAULT_TIMEOUT 300 /* seconds; QEMU TCG boots slowly */
#define BOOT_CMDLINE_MAX     4096

_Static_assert(PARAM_MAX_BDFS >= MINT_NODE_MAX_DEVS, "a boot request can name every device "
						     "a node can be booted with");

/* What BootNode was asked for; the parameters decode straight into it. */
struct boot_request {
	int node;
	struct mint_cpuset cpus; /* logical CPU numbers of this node */
	uint64_t bytes;
	struct bdf_list devs;
	const char *kernel; /* NULL: the running kernel's image in /boot */
	const char *initrd; /* NULL: none */
	const char *append; /* extra command line, may be NULL */
	unsigned timeout;   /* seconds to wait for the node to report running; 0: default */
};

struct boot_result {
	uint64_t mem_base;
	uint64_t mem_size;
	char cmdline[BOOT_CMDLINE_MAX];
};

/*
 * Check the whole request against one scan of this node, then give the
 * CPUs, memory (one contiguous range) and devices up, hand them to the new
 * node in the resource table, load and start it, and wait until it reports
 * running. On any failure everything is handed back.
 */
int boot_node(struct mintd *d, const struct boot_request *req, mint_plan_progress_fn progress,
	      void *data, struct boot_result *res, struct mint_error *err);

struct reboot_request {
	int node;
	const char *kernel, *initrd, *append; /* NULL: as at its last boot */
	unsigned timeout;		       /* to come up; 0: default */
	unsigned stop_timeout;		       /* to shut down before it is forced */
};

/*
 * Reboot a node this node booted, on the CPUs, memory and devices it owns:
 * halt it (by force after stop_timeout), keep its resources, load the kernel
 * again (the last one, or the one asked for) and wait until it runs.
 */
int reboot_node(struct mintd *d, const struct reboot_request *req, mint_plan_progress_fn progress,
		void *data, struct boot_result *res, struct mint_error *err);

#endif
