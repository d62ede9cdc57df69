// SPDX-License-Identifier: GPL-2.0
#include "chan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "mintdev.h"
#include "sysroot.h"

int mint_chan_open(struct mint_chan *ch, uint32_t port, struct mint_error *err)
{
	char path[PATH_MAX];
	struct mint_info info;
	int e;

	ch->fd = open(mint_path(path, MINT_DEV_PATH), O_RDWR | O_CLOEXEC);
	if (ch->fd < 0)
		return mint_fail_errno(err, MINT_E_UNSUPPORTED, errno,
				       "cannot open %s for the inter-node channel: %s", path,
				       strerror(errno));
	if (ioctl(ch->fd, MINT_IOC_INFO, &info) || ioctl(ch->fd, MINT_IOC_CHAN_BIND, &port)) {
		e = errno;
		close(ch->fd);
		ch->fd = -1;
		if (e == EADDRINUSE)
			return mint_fail_errno(err, MINT_E_BUSY, e,
					       "channel port %u is taken by another process", port);
		return mint_fail_errno(err, MINT_E_SYSTEM, e,
				       "cannot bind channel port %u: %s", port, strerror(e));
	}
	ch->port = port;
	ch->self = info.node_id;
	return 0;
}

void mint_chan_close(struct mint_chan *ch)
{
	if (ch->fd >= 0)
		close(ch->fd);
	ch->fd = -1;
}

int mint_chan_send(struct mint_chan *ch, uint32_t node, uint32_t port, uint32_t epoch,
		   const void *buf, size_t len, struct mint_error *err)
{
	struct mint_chan_msg hdr = {.node = node, .port = (uint16_t)port, .len = (uint32_t)len,
				    .epoch = epoch};
	char *msg;
	ssize_t n;
	int e;

	if (len > MINT_CHAN_MSG_MAX)
		return mint_fail(err, MINT_E_INVALID, "a message of %zu bytes is too large for "
				 "the channel (at most %d)", len, MINT_CHAN_MSG_MAX);
	/* One write() per message: the kernel takes header and payload together. */
	msg = malloc(sizeof(hdr) + len);
	if (!msg)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	memcpy(msg, &hdr, sizeof(hdr));
	memcpy(msg + sizeof(hdr), buf, len);
	do
		n = write(ch->fd, msg, sizeof(hdr) + len);
	while (n < 0 && errno == EINTR);
	e = errno;
	free(msg);
	if (n == (ssize_t)(sizeof(hdr) + len))
		return 0;
	switch (e) {
	case EHOSTDOWN:
		return mint_fail_errno(err, MINT_E_STATE, e, "node%u is not running", node);
	case ENXIO:
		return mint_fail_errno(err, MINT_E_UNSUPPORTED, e,
				       "node%u has no inter-node channel (only nodes below %d do)",
				       node, MINT_CHAN_NODES);
	case ETIMEDOUT:
	case EAGAIN:
		return mint_fail_errno(err, MINT_E_BUSY, e,
				       "node%u does not take messages (its ring stays full)", node);
	case ESTALE:
		return mint_fail_errno(err, MINT_E_STATE, e, "node%u has restarted meanwhile",
				       node);
	default:
		return mint_fail_errno(err, MINT_E_SYSTEM, e, "sending to node%u failed: %s",
				       node, strerror(e));
	}
}

int mint_chan_recv(struct mint_chan *ch, void *buf, size_t cap, struct mint_chan_in *in,
		   struct mint_error *err)
{
	struct mint_chan_msg hdr;
	ssize_t n = read(ch->fd, buf, cap);

	if (n < 0)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno,
				       "reading from the inter-node channel: %s", strerror(errno));
	if ((size_t)n < sizeof(hdr))
		return mint_fail(err, MINT_E_SYSTEM, "short message from the channel");
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.len != (size_t)n - sizeof(hdr))
		return mint_fail(err, MINT_E_SYSTEM, "channel message length mismatch");
	in->node = hdr.node;
	in->port = hdr.port;
	in->flags = hdr.flags;
	in->epoch = hdr.epoch;
	in->data = (const char *)buf + sizeof(hdr);
	in->len = hdr.len;
	return 0;
}
