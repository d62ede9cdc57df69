/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's state, shared by the server loop, the methods and the
 * operations: this node's identity, its handle on the Mint kernel, what it
 * has released (the saved state) and warnings for `mintctl status`.
 */
#ifndef MINTD_H
#define MINTD_H

#include <stdbool.h>

#include "cpuset.h"
#include "error.h"
#include "mintdev.h"
#include "state.h"

#define MINTD_STATE_DIR	   "/var/lib/mint"
#define MINTD_MAX_WARNINGS 32
#define MINTD_WARNING_LEN  256

struct mintd {
	const char *socket_path;
	const char *state_dir;
	int self;	       /* this node's id (0 without a Mint kernel) */
	bool mint_kernel;      /* the running kernel offers /dev/mint */
	bool socket_activated; /* the listening socket came from systemd */
	struct mint_dev dev;   /* /dev/mint and the resource table, when mint_kernel */
	struct mint_state state;
	int apic_cache[MINT_CPUSET_MAX]; /* APIC ID per logical CPU, -1: unknown */
	size_t nwarnings;
	char warnings[MINTD_MAX_WARNINGS][MINTD_WARNING_LEN];
};

/*
 * Find out which node this is (/dev/mint when the kernel has Mint support),
 * load the saved state and reconcile it with the machine. Problems with the
 * saved state become warnings; only an unusable /dev/mint is an error.
 */
int mintd_init(struct mintd *d, struct mint_error *err);
void mintd_fini(struct mintd *d);

/* Log a warning and keep it for `mintctl status`. */
void mintd_warn(struct mintd *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Save the state (with the APIC IDs learned so far); logs and fills @err on failure. */
int mintd_save_state(struct mintd *d, struct mint_error *err);

#endif
