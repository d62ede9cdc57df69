/* SPDX-License-Identifier: GPL-2.0 */
/* The daemon's state, shared by the server loop, the methods and the operations. */
#ifndef MINTD_H
#define MINTD_H

#include <stdbool.h>

#include "cpuset.h"
#include "mintdev.h"
#include "state.h"

#define MINTD_STATE_DIR	   "/var/lib/mint"
#define MINTD_MAX_WARNINGS 32

struct mintd {
	const char *socket_path;
	const char *state_dir;
	int self;	       /* this node's id (0 without a Mint kernel) */
	bool mint_kernel;      /* the running kernel offers /dev/mint */
	bool socket_activated; /* the listening socket came from systemd */
	struct mint_dev dev;   /* /dev/mint and the resource table, when mint_kernel */
	struct mint_state state;
	int apic_cache[MINT_CPUSET_MAX];
	size_t nwarnings;
	char warnings[MINTD_MAX_WARNINGS][256];
};

void mintd_warn(struct mintd *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
