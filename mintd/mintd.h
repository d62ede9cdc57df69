/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's state, shared by the server loop, the methods and the
 * operations: this node's identity, its handle on the Mint kernel, what it
 * has released (the saved state) and warnings for `mintctl status`.
 */
#ifndef MINTD_H
#define MINTD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpuset.h"
#include "error.h"
#include "mintdev.h"
#include "state.h"

#define MINTD_STATE_DIR	   "/var/lib/mint"
#define MINTD_MAX_WARNINGS 32
#define MINTD_WARNING_LEN  256

/*
 * Threads: the server loop reads requests and runs each call in a thread of
 * its own (server.c). Calls that change the machine run one at a time under
 * op_lock; everything below marked [lock] is read and written under lock,
 * which is only ever held briefly (never across sysfs writes or waits).
 * Lock order: op_lock before lock.
 * The long-lived threads (the channel reader and keepalive, peer.c; the
 * heartbeat watcher, watch.c) wait only in poll() on their own file and
 * stop_fd, or in mintd_sleep(): mintd_fini() wakes them through stop_fd and
 * joins them before it unmaps the table or closes anything they use.
 */
struct mintd {
	const char *socket_path;
	const char *state_dir;
	int self;	       /* this node's id (0 without a Mint kernel) */
	bool mint_kernel;      /* the running kernel offers /dev/mint */
	bool socket_activated; /* the listening socket came from systemd */
	struct mint_dev dev;   /* /dev/mint and the resource table, when mint_kernel */
	pthread_mutex_t lock;
	struct mint_state state;	 /* [lock] what this node released */
	int apic_cache[MINT_CPUSET_MAX]; /* [lock] APIC ID per logical CPU, -1: unknown */
	size_t nwarnings;		 /* [lock] */
	char warnings[MINTD_MAX_WARNINGS][MINTD_WARNING_LEN];
	pthread_mutex_t op_lock; /* held by the one call that changes the machine */
	char op_desc[128];	 /* [lock] that call, for callers that wait */
	long long op_since_ms;	 /* [lock] when it started */
	int lock_fd;		 /* the single-instance lock, held for mintd's life */
	int stop_fd;		 /* eventfd, readable from mintd_stop() on */
	/* [lock] the heartbeat watcher's view of every node (watch.c) */
	struct node_health {
		uint64_t heartbeat; /* last value seen */
		uint32_t epoch;
		long long changed_ms; /* when it last changed, 0: not watched */
	} health[MINT_MAX_NODES];
};

/*
 * Find out which node this is (/dev/mint when the kernel has Mint support),
 * load the saved state and reconcile it with the machine. Problems with the
 * saved state become warnings; only an unusable /dev/mint is an error.
 */
int mintd_init(struct mintd *d, struct mint_error *err);
/*
 * Stop and join the channel threads (after the calls from other nodes have
 * finished) and the heartbeat watcher, then let go of /dev/mint and the rest.
 * Nothing else is touched: other nodes keep running and keep their resources.
 */
void mintd_fini(struct mintd *d);

/* Wake every thread that waits in mintd_sleep() or polls stop_fd; for good. */
void mintd_stop(struct mintd *d);
/* Sleep @ms milliseconds; true (at once) when mintd is stopping. */
bool mintd_sleep(struct mintd *d, long ms);

/* Log a warning and keep it for `mintctl status`. */
void mintd_warn(struct mintd *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Save the state (with the APIC IDs learned so far); logs and fills @err on
 * failure. Takes d->lock.
 */
int mintd_save_state(struct mintd *d, struct mint_error *err);

/*
 * Changing d->state (only the holder of op_lock does, so it may read d->state
 * without d->lock): begin takes d->lock and returns a copy for the rollback
 * (NULL: out of memory, lock not taken); commit saves the changed state and
 * releases the lock, or restores the copy when it cannot be saved (-1, @err).
 */
struct mint_state *mintd_state_begin(struct mintd *d, struct mint_error *err);
int mintd_state_commit(struct mintd *d, struct mint_state *saved, struct mint_error *err);

/*
 * Take the single-instance lock (a file lock in the state directory, held until
 * exit, so it cannot go stale): a second mintd on the node fails with a message
 * naming the running one.
 */
int mintd_lock_instance(struct mintd *d, struct mint_error *err);

#endif
