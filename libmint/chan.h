/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The inter-node channel as user space sees it: a file of /dev/mint bound to
 * one port; write() sends one message to a (node, port), read() returns one
 * message with its source. The kernel moves the messages through rings in
 * shared memory and rings the receiver's doorbell (see kernel-mint/README.md).
 */
#ifndef MINT_CHAN_H
#define MINT_CHAN_H

#include <linux/mint.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct mint_chan {
	int fd;
	uint32_t port;
	uint32_t self; /* this node's id */
};

/* Open /dev/mint and bind @port; MINT_E_BUSY when another process holds it. */
int mint_chan_open(struct mint_chan *ch, uint32_t port, struct mint_error *err);
void mint_chan_close(struct mint_chan *ch);

/*
 * Send @len bytes to @port on @node. The kernel's refusals become errors that
 * name the node: not running (EHOSTDOWN), no rings for it (ENXIO), its ring
 * stays full (ETIMEDOUT/EAGAIN), it restarted since @epoch (ESTALE; 0: any).
 */
int mint_chan_send(struct mint_chan *ch, uint32_t node, uint32_t port, uint32_t epoch,
		   const void *buf, size_t len, struct mint_error *err);

/* A received message; data points into a buffer owned by the caller of mint_chan_recv. */
struct mint_chan_in {
	uint32_t node;
	uint32_t port;
	uint32_t flags;
	uint32_t epoch;
	const void *data;
	size_t len;
};

/*
 * Wait for the next message into @buf (@cap bytes, at least
 * sizeof(struct mint_chan_msg) + MINT_CHAN_MSG_MAX). 0, or -1 with @err
 * (EINTR is reported as MINT_E_SYSTEM with errnum EINTR).
 */
int mint_chan_recv(struct mint_chan *ch, void *buf, size_t cap, struct mint_chan_in *in,
		   struct mint_error *err);

#define MINT_CHAN_BUF_SIZE (sizeof(struct mint_chan_msg) + MINT_CHAN_MSG_MAX)

#endif
