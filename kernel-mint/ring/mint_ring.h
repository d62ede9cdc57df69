/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mint channel rings: the algorithm on one struct mint_ring (layout in
 * <uapi/linux/mint.h>), shared by the kernel and the user-space unit test.
 *
 * One ring carries messages from one sender kernel to one receiver
 * kernel.  Only the sender writes head and the slots, only the receiver
 * writes tail (single producer, single consumer):
 *
 *   sender:   wait until head - tail < MINT_RING_SLOTS (load-acquire of
 *             tail: the receiver is done with the slot), fill
 *             slot[head % MINT_RING_SLOTS] with seq = head, then
 *             store-release head + 1: the slot is published.
 *   receiver: load-acquire head; while tail != head read the slot at
 *             tail, copy out what it needs, then store-release tail + 1:
 *             the slot may be reused.
 *
 * A message longer than one slot is sent as consecutive fragments (same
 * msg_seq, offset 0, MINT_SLOT_DATA, 2 * MINT_SLOT_DATA, ...; every
 * fragment but the last is full).  The sender's kernel serialises its
 * writers to one destination, so fragments never interleave.
 *
 * The receiver trusts nothing in the ring: a slot whose seq, len, offset
 * or msg_len is wrong is dropped (and with it the message it claims to
 * belong to), an index that is off by more than the ring size resyncs the
 * ring (tail = head), and every loop is bounded.  A partial message is
 * abandoned when the next message starts (offset 0), when its sender's
 * epoch changes, when its sender stops running or after
 * MINT_RING_STALL_MS without progress, so a sender that dies mid-message
 * never wedges the receiver.  A message whose src_epoch is not the
 * sender's current epoch, or whose dst_epoch is not the receiver's own,
 * is stale (from or for an earlier boot) and dropped.
 *
 * Everything here is a pure function of the ring and the caller's
 * private state; barriers are the macros below.  User space (the unit
 * test) defines READ_ONCE(), WRITE_ONCE(), smp_load_acquire(),
 * smp_store_release() and the errno values before including this file.
 */
#ifndef _LINUX_MINT_RING_H
#define _LINUX_MINT_RING_H

#ifdef __KERNEL__
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/barrier.h>
#endif
#include <linux/mint.h>

/*
 * The only barriers: a load-acquire of the other side's index pairs with
 * the other side's store-release of it, so that the slot contents the
 * index covers are complete (receiver) or no longer read (sender).
 */
#define mint_ring_load_acquire(p)	smp_load_acquire(p) /* see above */
/* Publishes a slot (head) or gives it back (tail); see above. */
#define mint_ring_store_release(p, v)	smp_store_release(p, v)

#define MINT_RING_MASK		(MINT_RING_SLOTS - 1)
/* A partial message without progress for this long is abandoned. */
#define MINT_RING_STALL_MS	2000

/* A message as the sender describes it and the receiver sees it. */
struct mint_ring_msg {
	__u32 msg_seq;
	__u32 len;		/* total payload bytes */
	__u16 src_port;
	__u16 dst_port;
	__u16 flags;
	__u16 pad;
	__u32 src_epoch;
	__u32 dst_epoch;
};

/* Slots a message of @len bytes takes (an empty message takes one). */
static inline __u32 mint_ring_frags(__u32 len)
{
	return len ? (len + MINT_SLOT_DATA - 1) / MINT_SLOT_DATA : 1;
}

/* ---- sender ---- */

/* Free slots, as the sender sees them; 0 if tail is garbage. */
static inline __u32 mint_ring_space(const struct mint_ring *r)
{
	__u32 used = READ_ONCE(r->head) - mint_ring_load_acquire(&r->tail);

	return used > MINT_RING_SLOTS ? 0 : MINT_RING_SLOTS - used;
}

/*
 * Publish one slot: @h (seq is filled in here) and h->len bytes of @data.
 * 0, -EAGAIN if the ring is full, -EINVAL if h->len is too big.
 */
static inline int mint_ring_put(struct mint_ring *r,
				const struct mint_slot_hdr *h,
				const void *data)
{
	__u32 head = READ_ONCE(r->head);
	struct mint_slot *s;

	if (h->len > MINT_SLOT_DATA)
		return -EINVAL;
	if (!mint_ring_space(r))
		return -EAGAIN;
	s = &r->slot[head & MINT_RING_MASK];
	memcpy(&s->hdr, h, sizeof(*h));
	WRITE_ONCE(s->hdr.seq, head);
	if (h->len)
		memcpy(s->data, data, h->len);
	mint_ring_store_release(&r->head, head + 1);
	return 0;
}

/*
 * Send @m (payload @data, m->len bytes) from byte *@off on: put fragments
 * until the message is complete (1) or the ring is full (0: call again
 * with the same *@off once there is space).  <0 on bad arguments.
 */
static inline int mint_ring_send(struct mint_ring *r,
				 const struct mint_ring_msg *m,
				 const void *data, __u32 *off)
{
	struct mint_slot_hdr h;
	__u32 n;
	int ret;

	if (m->len > MINT_CHAN_MSG_MAX || *off > m->len)
		return -EINVAL;
	do {
		n = m->len - *off;
		if (n > MINT_SLOT_DATA)
			n = MINT_SLOT_DATA;
		h.seq = 0;
		h.msg_seq = m->msg_seq;
		h.msg_len = m->len;
		h.offset = *off;
		h.len = (__u16)n;
		h.src_port = m->src_port;
		h.dst_port = m->dst_port;
		h.flags = m->flags;
		h.src_epoch = m->src_epoch;
		h.dst_epoch = m->dst_epoch;
		ret = mint_ring_put(r, &h, (const char *)data + *off);
		if (ret == -EAGAIN)
			return 0;
		if (ret)
			return ret;
		*off += n;
	} while (*off < m->len);
	return 1;
}

/* ---- receiver ---- */

/* The receiver's private reassembly state for one inbound ring. */
struct mint_ring_rx {
	__u32 active;		/* a message is being reassembled */
	__u32 got;		/* bytes of it received */
	struct mint_ring_msg msg;
	void *buf;		/* where it goes (msg.len bytes); NULL: discard */
	__u64 last;		/* caller's clock (ms) at the last progress */
	__u32 deferred;		/* recv stopped at a message begin() deferred */
	__u32 was_full;		/* the ring was full: wake the sender */
	/* statistics */
	__u32 delivered;	/* messages delivered */
	__u32 dropped;		/* invalid or stray slots dropped */
	__u32 abandoned;	/* partial messages given up */
	__u32 stale;		/* messages from or for an earlier boot */
	__u32 resyncs;		/* times the indices were garbage */
};

/* What the receiver's owner does with messages (mint_ring_recv()). */
struct mint_ring_rx_ops {
	/*
	 * A message starts.  Return a buffer for m->len bytes, NULL to
	 * drop the message (its fragments are consumed and discarded) or
	 * MINT_RING_DEFER to leave it in the ring for now (back-pressure).
	 */
	void *(*begin)(void *ctx, const struct mint_ring_msg *m);
	/* The message is complete in @buf (from begin()). */
	void (*deliver)(void *ctx, const struct mint_ring_msg *m, void *buf);
	/* A partial message is given up; @buf from begin(), may be NULL. */
	void (*abandon)(void *ctx, const struct mint_ring_msg *m, void *buf);
};

#define MINT_RING_DEFER		((void *)1)

/*
 * A (re)starting receiver drops everything queued for it: tail = head.
 * Also used to resync a ring whose indices are garbage.
 */
static inline void mint_ring_rx_reset(struct mint_ring *r)
{
	mint_ring_store_release(&r->tail, mint_ring_load_acquire(&r->head));
}

/*
 * Look at the oldest unconsumed slot.  1: *h is a checked copy of its
 * header; 0: the ring is empty; -EPROTO: head is more than the ring size
 * ahead of tail (garbage, resync); -EBADMSG: the slot's header is
 * invalid (drop the slot).
 */
static inline int mint_ring_peek(const struct mint_ring *r,
				 struct mint_slot_hdr *h)
{
	__u32 tail = READ_ONCE(r->tail);
	__u32 head = mint_ring_load_acquire(&r->head);
	const struct mint_slot_hdr *s;
	__u32 rest;

	if (head == tail)
		return 0;
	if (head - tail > MINT_RING_SLOTS)
		return -EPROTO;
	/* One read of each field: the copy is what gets checked and used. */
	s = &r->slot[tail & MINT_RING_MASK].hdr;
	h->seq = READ_ONCE(s->seq);
	h->msg_seq = READ_ONCE(s->msg_seq);
	h->msg_len = READ_ONCE(s->msg_len);
	h->offset = READ_ONCE(s->offset);
	h->len = READ_ONCE(s->len);
	h->src_port = READ_ONCE(s->src_port);
	h->dst_port = READ_ONCE(s->dst_port);
	h->flags = READ_ONCE(s->flags);
	h->src_epoch = READ_ONCE(s->src_epoch);
	h->dst_epoch = READ_ONCE(s->dst_epoch);

	if (h->seq != tail || h->msg_len > MINT_CHAN_MSG_MAX ||
	    h->offset > h->msg_len)
		return -EBADMSG;
	/* Every fragment but the last is full; an empty one is a message. */
	rest = h->msg_len - h->offset;
	if (h->len != (rest < MINT_SLOT_DATA ? rest : MINT_SLOT_DATA) ||
	    (!h->len && h->offset))
		return -EBADMSG;
	return 1;
}

/* Payload of the oldest slot (after mint_ring_peek() returned 1). */
static inline const void *mint_ring_data(const struct mint_ring *r,
					 const struct mint_slot_hdr *h)
{
	return r->slot[h->seq & MINT_RING_MASK].data;
}

/* Done with the oldest slot: the sender may reuse it. */
static inline void mint_ring_consume(struct mint_ring *r)
{
	mint_ring_store_release(&r->tail, READ_ONCE(r->tail) + 1);
}

/* Give up the partial message, if any. */
static inline void mint_ring_rx_abandon(struct mint_ring_rx *rx,
					const struct mint_ring_rx_ops *ops,
					void *ctx)
{
	if (!rx->active)
		return;
	rx->active = 0;
	rx->abandoned++;
	ops->abandon(ctx, &rx->msg, rx->buf);
	rx->buf = NULL;
}

/*
 * Abandon a partial message whose sender is gone: @src_epoch is the
 * sender's epoch in the table now, @src_alive whether it still runs,
 * @now the caller's clock in ms.  1 if it was abandoned.
 */
static inline int mint_ring_rx_check(struct mint_ring_rx *rx,
				     const struct mint_ring_rx_ops *ops,
				     void *ctx, __u32 src_epoch,
				     int src_alive, __u64 now)
{
	if (!rx->active)
		return 0;
	if (rx->msg.src_epoch == src_epoch && src_alive &&
	    now - rx->last <= MINT_RING_STALL_MS)
		return 0;
	mint_ring_rx_abandon(rx, ops, ctx);
	return 1;
}

/* Does @h continue the message being reassembled? */
static inline int mint_ring_rx_continues(const struct mint_ring_rx *rx,
					 const struct mint_slot_hdr *h)
{
	return rx->active && h->msg_seq == rx->msg.msg_seq &&
	       h->msg_len == rx->msg.len && h->offset == rx->got &&
	       h->src_port == rx->msg.src_port &&
	       h->dst_port == rx->msg.dst_port &&
	       h->flags == rx->msg.flags &&
	       h->src_epoch == rx->msg.src_epoch &&
	       h->dst_epoch == rx->msg.dst_epoch;
}

/*
 * Receive from @r: consume at most @budget slots, reassemble, and hand
 * complete messages to ops->deliver().  @src_epoch: the sender's current
 * epoch, @dst_epoch: the receiver's own, @now: the caller's clock (ms).
 * Returns the number of slots consumed.  rx->deferred says begin()
 * deferred a message (the ring was left as it is), rx->was_full that the
 * ring was full when looked at (the sender may be waiting for space).
 */
static inline unsigned int mint_ring_recv(struct mint_ring *r,
					  struct mint_ring_rx *rx,
					  const struct mint_ring_rx_ops *ops,
					  void *ctx, __u32 src_epoch,
					  __u32 dst_epoch, __u64 now,
					  unsigned int budget)
{
	struct mint_slot_hdr h;
	unsigned int n = 0;
	void *buf;
	int ret;

	rx->deferred = 0;
	if (READ_ONCE(r->head) - READ_ONCE(r->tail) == MINT_RING_SLOTS)
		rx->was_full = 1;
	while (n < budget) {
		ret = mint_ring_peek(r, &h);
		if (!ret)
			break;
		if (ret == -EPROTO) {
			mint_ring_rx_abandon(rx, ops, ctx);
			mint_ring_rx_reset(r);
			rx->resyncs++;
			rx->was_full = 1;
			break;
		}
		if (ret < 0) {
			/* Garbage: the message it belongs to is lost too. */
			mint_ring_rx_abandon(rx, ops, ctx);
			rx->dropped++;
			goto consume;
		}
		if (h.offset == 0) {
			/* A new message: a partial one is never completed. */
			mint_ring_rx_abandon(rx, ops, ctx);
			if (h.src_epoch != src_epoch ||
			    h.dst_epoch != dst_epoch) {
				rx->stale++;
				goto consume;
			}
			rx->msg.msg_seq = h.msg_seq;
			rx->msg.len = h.msg_len;
			rx->msg.src_port = h.src_port;
			rx->msg.dst_port = h.dst_port;
			rx->msg.flags = h.flags;
			rx->msg.pad = 0;
			rx->msg.src_epoch = h.src_epoch;
			rx->msg.dst_epoch = h.dst_epoch;
			buf = ops->begin(ctx, &rx->msg);
			if (buf == MINT_RING_DEFER) {
				rx->deferred = 1;
				break;
			}
			rx->active = 1;
			rx->got = 0;
			rx->buf = buf;
		} else if (!mint_ring_rx_continues(rx, &h)) {
			/* A fragment of no message being reassembled. */
			mint_ring_rx_abandon(rx, ops, ctx);
			rx->dropped++;
			goto consume;
		}
		if (rx->buf && h.len)
			memcpy((char *)rx->buf + h.offset, mint_ring_data(r, &h),
			       h.len);
		rx->got += h.len;
		rx->last = now;
		if (rx->got == rx->msg.len) {
			rx->active = 0;
			if (rx->buf) {
				rx->delivered++;
				ops->deliver(ctx, &rx->msg, rx->buf);
			}
			rx->buf = NULL;
		}
consume:
		mint_ring_consume(r);
		n++;
	}
	return n;
}

#endif /* _LINUX_MINT_RING_H */
