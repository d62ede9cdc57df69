/* SPDX-License-Identifier: GPL-2.0 */
/* Booting a new node on resources this node gives up (needs a Mint kernel). */
#ifndef MINTD_BOOT_H
#define MINTD_BOOT_H

#include <stdint.h>

#include "cpuset.h"
#include "mintd.h"
#include "parse.h"
#include "plan.h"

#define BOOT_MAX_DEVS	     32
#define BOOT_DEFAULT_TIMEOUT 300 /* seconds; QEMU TCG boots slowly */

struct boot_request {
	int node;
	struct mint_cpuset cpus; /* logical CPU numbers of this node */
	uint64_t bytes;
	size_t ndevs;
	struct mint_bdf devs[BOOT_MAX_DEVS];
	const char *kernel; /* NULL: the running kernel's image in /boot */
	const char *initrd; /* NULL: none */
	const char *append; /* extra command line */
	unsigned timeout;   /* seconds to wait for the node to report running */
};

struct boot_result {
	uint64_t mem_base;
	uint64_t mem_size;
	char cmdline[1024];
};

/*
 * Give the request's CPUs, memory (one contiguous range) and devices up,
 * hand them to the new node in the resource table, load and start it, and
 * wait until it reports running. On any failure everything is handed back.
 */
int boot_node(struct mintd *d, const struct boot_request *req, mint_plan_progress_fn progress,
	      void *data, struct boot_result *res, struct mint_error *err);

#endif
