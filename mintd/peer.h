/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mintd to mintd over the inter-node channel (port MINT_PORT_MINTD).
 *
 * Outbound: peer_call() sends a varlink call to another node's mintd and
 * passes every reply back, progress included. It fails at once when the
 * node is not running or runs no mintd, and when the node stops answering
 * (no reply, progress or keepalive for PEER_SILENCE_MS) or stops running.
 *
 * Inbound: a call from another node runs in a thread of its own through the
 * same method table as a local call; while it runs, a keepalive goes back
 * every PEER_KEEPALIVE_MS. The receiving mintd trusts the channel: only
 * root on a node can send on it, and the sending mintd has already checked
 * its own caller (root or the mint group) before forwarding.
 */
#ifndef MINTD_PEER_H
#define MINTD_PEER_H

#include <json-c/json.h>
#include <stdint.h>
#include <sys/types.h>

#include "chan.h"
#include "error.h"
#include "mintd.h"

#define PEER_KEEPALIVE_MS 2000
#define PEER_SILENCE_MS	  10000

/* Bind mintd's channel port and start the threads (no-op without a Mint kernel). */
int peer_start(struct mintd *d, struct mint_error *err);
/* The same on a channel that is open already (tests: a socket stands in for /dev/mint). */
int peer_start_on(struct mintd *d, const struct mint_chan *ch, struct mint_error *err);
/*
 * Refuse new calls from other nodes, wait for those that run, then stop the
 * threads (mintd_stop()), join them and close the channel. No-op when not started.
 */
void peer_stop(struct mintd *d);

/* Each reply message ({"parameters", "continues"} or {"error", "parameters"}), in order. */
typedef void (*peer_reply_fn)(json_object *msg, void *data);

/*
 * Run @call (a varlink call message: method, parameters, more) on @node's
 * mintd on behalf of @uid. Progress replies go to @progress (may be NULL);
 * the last reply (a result or an error) is returned in *@final.
 */
int peer_call(struct mintd *d, uint32_t node, uid_t uid, json_object *call,
	      peer_reply_fn progress, void *data, json_object **final, struct mint_error *err);

/* Ask @node's kernel itself to shut down (a MINT_KMSG_STOP to its port 0). */
int peer_kernel_stop(struct mintd *d, uint32_t node, struct mint_error *err);

#endif
