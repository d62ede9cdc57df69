/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The heartbeat watcher: every mintd watches every other node of the
 * resource table. A running node whose heartbeat has not moved for
 * WATCH_DEAD_MS is marked failed (reason: heartbeat lost) by compare-and-swap,
 * so exactly one watcher wins and a node that was marked failed never comes
 * back to running by itself (its kernel parks when it sees it).
 */
#ifndef MINTD_WATCH_H
#define MINTD_WATCH_H

#include "mintd.h"

#define WATCH_DEAD_MS 2000

/* Start the watcher thread (no-op without a Mint kernel). */
int watch_start(struct mintd *d, struct mint_error *err);
/* Stop it (mintd_stop()) and wait until it has ended; no-op when it does not run. */
void watch_stop(struct mintd *d);

/* Milliseconds since @node's heartbeat last moved, -1 when not watched. */
long long watch_silence_ms(struct mintd *d, uint32_t node);

#endif
