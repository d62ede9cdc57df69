// SPDX-License-Identifier: GPL-2.0
/*
 * The Mint channel ring algorithm (kernel-mint/ring/mint_ring.h, the same
 * file the kernel includes as <linux/mint_ring.h>), compiled in user space.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ring_compat.h"
#include "mint_ring.h"

#define SRC_EPOCH 7
#define DST_EPOCH 3
#define MAX_MSGS  64

/* One delivered (or abandoned) message. */
struct got {
	struct mint_ring_msg m;
	unsigned char *buf;
};

/* The receiver's owner, as the kernel would be. */
struct sink {
	struct got msgs[MAX_MSGS];
	unsigned int n;
	unsigned int begun, abandoned, freed;
	int defer;	/* begin() defers */
	int drop;	/* begin() drops */
	/* for the stress test: verify instead of keeping */
	int verify;
	uint32_t next_seq;
	unsigned int bad;
};

static void *sink_begin(void *ctx, const struct mint_ring_msg *m)
{
	struct sink *s = ctx;

	if (s->defer)
		return MINT_RING_DEFER;
	if (s->drop)
		return NULL;
	s->begun++;
	/* At least one byte, so that an empty message gets a non-NULL buffer. */
	return malloc(m->len + 1);
}

/* Payload byte i of the message number k. */
static unsigned char pattern(uint32_t k, uint32_t i)
{
	return (unsigned char)(k * 131 + i * 7 + (i >> 8));
}

static void sink_deliver(void *ctx, const struct mint_ring_msg *m, void *buf)
{
	struct sink *s = ctx;

	if (s->verify) {
		uint32_t k, i;

		/* Payload: 4-byte message number, then the pattern. */
		if (m->len < 4) {
			s->bad++;
		} else {
			memcpy(&k, buf, 4);
			if (k != s->next_seq)
				s->bad++;
			for (i = 4; i < m->len; i++)
				if (((unsigned char *)buf)[i] != pattern(k, i)) {
					s->bad++;
					break;
				}
			s->next_seq = k + 1;
		}
		free(buf);
		s->freed++;
		s->n++;
		return;
	}
	assert_true(s->n < MAX_MSGS);
	s->msgs[s->n].m = *m;
	s->msgs[s->n].buf = buf;
	s->n++;
}

static void sink_abandon(void *ctx, const struct mint_ring_msg *m, void *buf)
{
	struct sink *s = ctx;

	s->abandoned++;
	free(buf);
}

static const struct mint_ring_rx_ops sink_ops = {
	.begin = sink_begin,
	.deliver = sink_deliver,
	.abandon = sink_abandon,
};

static void sink_free(struct sink *s)
{
	unsigned int i;

	for (i = 0; i < s->n && !s->verify; i++) {
		free(s->msgs[i].buf);
		s->freed++;
	}
	s->n = 0;
}

static struct mint_ring *new_ring(void)
{
	struct mint_ring *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	return r;
}

static struct mint_ring_msg msg(uint32_t seq, uint32_t len)
{
	struct mint_ring_msg m = {
		.msg_seq = seq,
		.len = len,
		.src_port = 5,
		.dst_port = 1,
		.flags = 0x100,
		.src_epoch = SRC_EPOCH,
		.dst_epoch = DST_EPOCH,
	};

	return m;
}

static unsigned char *payload(uint32_t k, uint32_t len)
{
	unsigned char *p = malloc(len + 1);
	uint32_t i;

	assert_non_null(p);
	for (i = 0; i < len; i++)
		p[i] = pattern(k, i);
	return p;
}

static unsigned int rx_all(struct mint_ring *r, struct mint_ring_rx *rx, struct sink *s,
			 uint64_t now)
{
	return mint_ring_recv(r, rx, &sink_ops, s, SRC_EPOCH, DST_EPOCH, now, 1000);
}

/* Send a whole message (single-threaded: drain the ring whenever it is full). */
static void send_all(struct mint_ring *r, struct mint_ring_rx *rx, struct sink *s,
		     const struct mint_ring_msg *m, const void *data)
{
	uint32_t off = 0;
	int ret, rounds = 0;

	while ((ret = mint_ring_send(r, m, data, &off)) == 0) {
		assert_true(rx_all(r, rx, s, 0) > 0);
		assert_true(++rounds < 100000);
	}
	assert_int_equal(ret, 1);
}

static void test_fifo(void **state)
{
	struct mint_ring *r = new_ring();
	struct mint_ring_rx rx = {0};
	struct sink s = {0};
	uint32_t off, k;

	for (k = 0; k < 10; k++) {
		struct mint_ring_msg m = msg(k, 4);

		off = 0;
		assert_int_equal(mint_ring_send(r, &m, &k, &off), 1);
	}
	assert_int_equal(mint_ring_space(r), MINT_RING_SLOTS - 10);
	assert_int_equal(rx_all(r, &rx, &s, 0), 10);
	assert_int_equal(s.n, 10);
	for (k = 0; k < 10; k++) {
		uint32_t v;

		memcpy(&v, s.msgs[k].buf, 4);
		assert_int_equal(v, k);
		assert_int_equal(s.msgs[k].m.msg_seq, k);
		assert_int_equal(s.msgs[k].m.len, 4);
		assert_int_equal(s.msgs[k].m.src_port, 5);
		assert_int_equal(s.msgs[k].m.dst_port, 1);
		assert_int_equal(s.msgs[k].m.flags, 0x100);
		assert_int_equal(s.msgs[k].m.src_epoch, SRC_EPOCH);
	}
	assert_int_equal(mint_ring_space(r), MINT_RING_SLOTS);
	assert_int_equal(rx_all(r, &rx, &s, 0), 0);
	assert_int_equal(rx.dropped + rx.abandoned + rx.stale + rx.resyncs, 0);
	sink_free(&s);
	free(r);
}

static void test_empty_message(void **state)
{
	struct mint_ring *r = new_ring();
	struct mint_ring_rx rx = {0};
	struct sink s = {0};
	struct mint_ring_msg m = msg(1, 0);
	uint32_t off = 0;

	assert_int_equal(mint_ring_send(r, &m, NULL, &off), 1);
	assert_int_equal(READ_ONCE(r->head), 1);
	assert_int_equal(rx_all(r, &rx, &s, 0), 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.msgs[0].m.len, 0);
	sink_free(&s);
	free(r);
}

static void test_full_ring_refuses(void **state)
{
	struct mint_ring *r = new_ring();
	struct mint_ring_rx rx = {0};
	struct sink s = {0};
	struct mint_slot_hdr h = {.len = 4};
	uint32_t k, off;

	for (k = 0; k < MINT_RING_SLOTS; k++) {
		struct mint_ring_msg m = msg(k, 4);

		off = 0;
		assert_int_equal(mint_ring_send(r, &m, &k, &off), 1);
	}
	assert_int_equal(mint_ring_space(r), 0);
	/* Neither a slot nor a message goes in, and nothing is overwritten. */
	k = 0xdead;
	h.msg_len = 4;
	assert_int_equal(mint_ring_put(r, &h, &k), -EAGAIN);
	{
		struct mint_ring_msg m = msg(99, 4);

		off = 0;
		assert_int_equal(mint_ring_send(r, &m, &k, &off), 0);
		assert_int_equal(off, 0);
	}
	assert_int_equal(READ_ONCE(r->head), MINT_RING_SLOTS);
	/* Too big for a slot: refused whatever the space. */
	h.len = MINT_SLOT_DATA + 1;
	assert_int_equal(mint_ring_put(r, &h, &k), -EINVAL);

	assert_int_equal(rx_all(r, &rx, &s, 0), MINT_RING_SLOTS);
	assert_true(rx.was_full);
	assert_int_equal(s.n, MINT_RING_SLOTS);
	for (k = 0; k < MINT_RING_SLOTS; k++) {
		uint32_t v;

		memcpy(&v, s.msgs[k].buf, 4);
		assert_int_equal(v, k);
	}
	sink_free(&s);
	free(r);
}

static void check_big(uint32_t len, uint32_t start)
{
	struct mint_ring *r = new_ring();
	struct mint_ring_rx rx = {0};
	struct sink s = {0};
	struct mint_ring_msg m = msg(start, len);
	unsigned char *p = payload(1, len);

	WRITE_ONCE(r->head, start);
	WRITE_ONCE(r->tail, start);
	send_all(r, &rx, &s, &m, p);
	rx_all(r, &rx, &s, 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.msgs[0].m.len, len);
	assert_memory_equal(s.msgs[0].buf, p, len);
	assert_int_equal(READ_ONCE(r->head) - start, mint_ring_frags(len));
	assert_int_equal(READ_ONCE(r->tail), READ_ONCE(r->head));
	assert_int_equal(rx.dropped + rx.abandoned + rx.stale + rx.resyncs, 0);
	sink_free(&s);
	free(p);
	free(r);
}

static void test_fragments_reassemble(void **state)
{
	/* One slot, exactly one slot, one byte more, bigger than the ring, max. */
	check_big(1, 0);
	check_big(MINT_SLOT_DATA, 0);
	check_big(MINT_SLOT_DATA + 1, 0);
	check_big(64 * 1024, 0);
	check_big(MINT_CHAN_MSG_MAX, 0);
	assert_int_equal(mint_ring_frags(0), 1);
	assert_int_equal(mint_ring_frags(MINT_SLOT_DATA), 1);
	assert_int_equal(mint_ring_frags(MINT_SLOT_DATA + 1), 2);
}

static void test_too_big_refused(void **state)
{
	struct mint_ring *r = new_ring();
	struct mint_ring_msg m = msg(0, MINT_CHAN_MSG_MAX + 1);
	uint32_t off = 0;

	assert_int_equal(mint_ring_send(r, &m, "", &off), -EINVAL);
	assert_int_equal(READ_ONCE(r->head), 0);
	free(r);
}

static void test_wraparound(void **state)
{
	struct mint_ring *r = new_ring();
	struct mint_ring_rx rx = {0};
	struct sink s = {0};
	uint32_t k, off;

	/* The counters wrap from 0xffffffff to 0 in the middle of the ring. */
	WRITE_ONCE(r->head, 0xfffffff8u);
	WRITE_ONCE(r->tail, 0xfffffff8u);
	assert_int_equal(mint_ring_space(r), MINT_RING_SLOTS);
	for (k = 0; k < MINT_RING_SLOTS; k++) {
		struct mint_ring_msg m = msg(k, 4);

		off = 0;
		assert_int_equal(mint_ring_send(r, &m, &k, &off), 1);
	}
	assert_int_equal(READ_ONCE(r->head), 8);
	assert_int_equal(mint_ring_space(r), 0);
	assert_int_equal(rx_all(r, &rx, &s, 0), MINT_RING_SLOTS);
	assert_int_equal(s.n, MINT_RING_SLOTS);
	for (k = 0; k < MINT_RING_SLOTS; k++) {
		uint32_t v;

		memcpy(&v, s.msgs[k].buf, 4);
		assert_int_equal(v, k);
	}
	sink_free(&s);
	free(r);
	/* A fragmented message across the wrap. */
	check_big(20 * MINT_SLOT_DATA + 17, 0xfffffffau);
}

/* The sender puts the first @n fragments of a message and dies. */
static void put_partial(struct mint_ring *r, const struct mint_ring_msg *m, const void *data,
			unsigned int n)
{
	struct mint_slot_hdr h;
	uint32_t off = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		h = (struct mint_slot_hdr){
		    .msg_seq = m->msg_seq,
		    .msg_len = m->len,
		    .offset = off,
		    .len = MINT_SLOT_DATA,
		    .src_port = m->src_port,
		    .dst_port = m->dst_port,
		    .flags = m->flags,
		    .src_epoch = m->src_epoch,
		    .dst_epoch = m->dst_epoch,
		};
		assert_int_equal(mint_ring_put(r, &h, (const char *)data + off), 0);
		off += MINT_SLOT_DATA;
	}
}

static void test_dead_sender(void **state)
{
	struct mint_ring *r = new_ring();
	struct mint_ring_rx rx = {0};
	struct sink s = {0};
	struct mint_ring_msg m = msg(100, 10 * MINT_SLOT_DATA);
	struct mint_ring_msg m2 = msg(200, 100);
	unsigned char *p = payload(2, m.len);
	uint32_t off = 0;

	/* 1: the sender restarts and sends a new message: the partial one goes. */
	put_partial(r, &m, p, 5);
	assert_int_equal(rx_all(r, &rx, &s, 10), 5);
	assert_true(rx.active);
	assert_int_equal(s.n, 0);
	assert_int_equal(mint_ring_send(r, &m2, p, &off), 1);
	assert_int_equal(rx_all(r, &rx, &s, 20), 1);
	assert_int_equal(s.abandoned, 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.msgs[0].m.msg_seq, 200);
	assert_memory_equal(s.msgs[0].buf, p, 100);
	assert_false(rx.active);

	/* 2: no progress for MINT_RING_STALL_MS: abandoned by the check. */
	put_partial(r, &m, p, 3);
	rx_all(r, &rx, &s, 1000);
	assert_true(rx.active);
	assert_int_equal(mint_ring_rx_check(&rx, &sink_ops, &s, SRC_EPOCH, 1, 1000 + MINT_RING_STALL_MS),
			 0);
	assert_int_equal(
	    mint_ring_rx_check(&rx, &sink_ops, &s, SRC_EPOCH, 1, 1001 + MINT_RING_STALL_MS), 1);
	assert_int_equal(s.abandoned, 2);
	assert_false(rx.active);

	/* 3: the sender is no longer running, or its epoch changed. */
	put_partial(r, &m, p, 2);
	rx_all(r, &rx, &s, 5000);
	assert_int_equal(mint_ring_rx_check(&rx, &sink_ops, &s, SRC_EPOCH, 0, 5000), 1);
	put_partial(r, &m, p, 2);
	rx_all(r, &rx, &s, 6000);
	assert_int_equal(mint_ring_rx_check(&rx, &sink_ops, &s, SRC_EPOCH + 1, 1, 6000), 1);
	assert_int_equal(s.abandoned, 4);

	/*
	 * 4: the rest of an abandoned message still arrives (or is left in
	 * the ring): stray fragments are dropped, the next message is fine.
	 */
	put_partial(r, &m, p, 2);
	rx_all(r, &rx, &s, 7000);
	assert_int_equal(mint_ring_rx_check(&rx, &sink_ops, &s, SRC_EPOCH, 1, 10000), 1);
	{
		struct mint_slot_hdr h = {
		    .msg_seq = m.msg_seq,
		    .msg_len = m.len,
		    .offset = 2 * MINT_SLOT_DATA,
		    .len = MINT_SLOT_DATA,
		    .src_port = m.src_port,
		    .dst_port = m.dst_port,
		    .flags = m.flags,
		    .src_epoch = m.src_epoch,
		    .dst_epoch = m.dst_epoch,
		};

		assert_int_equal(mint_ring_put(r, &h, p), 0);
	}
	off = 0;
	assert_int_equal(mint_ring_send(r, &m2, p, &off), 1);
	assert_int_equal(rx_all(r, &rx, &s, 10001), 2);
	assert_int_equal(rx.dropped, 1);
	assert_int_equal(s.n, 2);

	/* No buffer leaked: every begin() was delivered or abandoned. */
	assert_int_equal(s.begun, s.n + s.abandoned);
	sink_free(&s);
	free(p);
	free(r);
}

static void test_restarted_receiver(void **state)
{
	struct mint_ring *r = new_ring();
	struct mint_ring_rx rx = {0};
	struct sink s = {0};
	uint32_t k, off;

	/* Messages for the receiver's previous boot. */
	for (k = 0; k < 6; k++) {
		struct mint_ring_msg m = msg(k, 4);

		off = 0;
		assert_int_equal(mint_ring_send(r, &m, &k, &off), 1);
	}
	/* It restarts: tail = head, nothing of that is delivered. */
	mint_ring_rx_reset(r);
	memset(&rx, 0, sizeof(rx));
	assert_int_equal(rx_all(r, &rx, &s, 0), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(mint_ring_space(r), MINT_RING_SLOTS);

	/* A sender that still saw the old epoch: stale, dropped. */
	{
		struct mint_ring_msg m = msg(10, 4);

		m.dst_epoch = DST_EPOCH - 1;
		off = 0;
		assert_int_equal(mint_ring_send(r, &m, &k, &off), 1);
	}
	/* A message from an earlier boot of the sender: stale too. */
	{
		struct mint_ring_msg m = msg(11, 2 * MINT_SLOT_DATA);
		unsigned char *p = payload(3, m.len);

		m.src_epoch = SRC_EPOCH - 1;
		off = 0;
		assert_int_equal(mint_ring_send(r, &m, p, &off), 1);
		free(p);
	}
	{
		struct mint_ring_msg m = msg(12, 4);

		off = 0;
		assert_int_equal(mint_ring_send(r, &m, &k, &off), 1);
	}
	assert_int_equal(rx_all(r, &rx, &s, 0), 4);
	assert_int_equal(rx.stale, 2);
	assert_int_equal(rx.dropped, 1); /* the second fragment of the stale one */
	assert_int_equal(s.n, 1);
	assert_int_equal(s.msgs[0].m.msg_seq, 12);
	sink_free(&s);
	free(r);
}

/* Publish one slot with a hand-made header, as a broken sender would. */
static void put_raw(struct mint_ring *r, const struct mint_slot_hdr *h, int fix_seq)
{
	uint32_t head = READ_ONCE(r->head);
	struct mint_slot *sl = &r->slot[head & MINT_RING_MASK];

	memcpy(&sl->hdr, h, sizeof(*h));
	if (fix_seq)
		sl->hdr.seq = head;
	memset(sl->data, 0x5a, sizeof(sl->data));
	smp_store_release(&r->head, head + 1);
}

static void test_garbage_rejected(void **state)
{
	struct mint_ring *r = new_ring();
	struct mint_ring_rx rx = {0};
	struct sink s = {0};
	struct mint_slot_hdr good = {
	    .msg_len = 10,
	    .len = 10,
	    .src_port = 5,
	    .dst_port = 1,
	    .src_epoch = SRC_EPOCH,
	    .dst_epoch = DST_EPOCH,
	};
	struct mint_slot_hdr h;
	unsigned int expect_dropped = 0;

	/* Wrong seq. */
	h = good;
	h.seq = 12345;
	put_raw(r, &h, 0);
	expect_dropped++;
	/* len bigger than a slot. */
	h = good;
	h.msg_len = 1000;
	h.len = 1000;
	put_raw(r, &h, 1);
	expect_dropped++;
	/* len past the end of the message. */
	h = good;
	h.msg_len = 10;
	h.len = 20;
	put_raw(r, &h, 1);
	expect_dropped++;
	/* offset past the end of the message. */
	h = good;
	h.offset = 11;
	put_raw(r, &h, 1);
	expect_dropped++;
	/* msg_len bigger than any message. */
	h = good;
	h.msg_len = 0xffffffffu;
	h.len = MINT_SLOT_DATA;
	put_raw(r, &h, 1);
	expect_dropped++;
	/* A short fragment that is not the last one. */
	h = good;
	h.msg_len = 2000;
	h.len = 10;
	put_raw(r, &h, 1);
	expect_dropped++;
	/* An empty fragment in the middle of a message. */
	h = good;
	h.msg_len = 2000;
	h.offset = 1000;
	h.len = 0;
	put_raw(r, &h, 1);
	expect_dropped++;
	/* And a good message after all that. */
	h = good;
	put_raw(r, &h, 1);

	assert_int_equal(rx_all(r, &rx, &s, 0), expect_dropped + 1);
	assert_int_equal(rx.dropped, expect_dropped);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.msgs[0].m.len, 10);

	/* head far ahead of tail: resync (tail = head), nothing delivered. */
	WRITE_ONCE(r->head, READ_ONCE(r->tail) + 1000);
	assert_int_equal(rx_all(r, &rx, &s, 0), 0);
	assert_int_equal(rx.resyncs, 1);
	assert_int_equal(READ_ONCE(r->tail), READ_ONCE(r->head));
	/* head behind tail (looks like 4 billion slots): the same. */
	WRITE_ONCE(r->head, READ_ONCE(r->tail) - 1);
	assert_int_equal(rx_all(r, &rx, &s, 0), 0);
	assert_int_equal(rx.resyncs, 2);
	/* The sender side: a garbage tail means "no space", never overwrite. */
	WRITE_ONCE(r->tail, READ_ONCE(r->head) + 5);
	assert_int_equal(mint_ring_space(r), 0);
	WRITE_ONCE(r->tail, READ_ONCE(r->head));

	/* Still usable afterwards. */
	h = good;
	put_raw(r, &h, 1);
	assert_int_equal(rx_all(r, &rx, &s, 0), 1);
	assert_int_equal(s.n, 2);
	sink_free(&s);
	free(r);
}

/* Fragments out of order or of another message never make a message. */
static void test_fragment_mismatch(void **state)
{
	struct mint_ring *r = new_ring();
	struct mint_ring_rx rx = {0};
	struct sink s = {0};
	struct mint_ring_msg m = msg(9, 3 * MINT_SLOT_DATA);
	unsigned char *p = payload(5, m.len);
	struct mint_slot_hdr h = {
	    .msg_seq = m.msg_seq,
	    .msg_len = m.len,
	    .len = MINT_SLOT_DATA,
	    .src_port = m.src_port,
	    .dst_port = m.dst_port,
	    .flags = m.flags,
	    .src_epoch = m.src_epoch,
	    .dst_epoch = m.dst_epoch,
	};
	struct mint_slot_hdr h2;
	uint32_t off;

	/* 0, 2, 1: the gap loses the message, 2 and 1 are stray. */
	h.offset = 0;
	assert_int_equal(mint_ring_put(r, &h, p), 0);
	h.offset = 2 * MINT_SLOT_DATA;
	assert_int_equal(mint_ring_put(r, &h, p), 0);
	h.offset = MINT_SLOT_DATA;
	assert_int_equal(mint_ring_put(r, &h, p), 0);
	assert_int_equal(rx_all(r, &rx, &s, 0), 3);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.abandoned, 1);
	assert_int_equal(rx.dropped, 2);
	assert_false(rx.active);

	/* A continuation that differs from the first fragment in any field. */
	for (int field = 0; field < 7; field++) {
		h.offset = 0;
		assert_int_equal(mint_ring_put(r, &h, p), 0);
		h2 = h;
		h2.offset = MINT_SLOT_DATA;
		switch (field) {
		case 0: h2.msg_seq++; break;
		case 1: h2.msg_len += MINT_SLOT_DATA; break;
		case 2: h2.src_port++; break;
		case 3: h2.dst_port++; break;
		case 4: h2.flags ^= 1; break;
		case 5: h2.src_epoch++; break;
		case 6: h2.dst_epoch++; break;
		}
		assert_int_equal(mint_ring_put(r, &h2, p), 0);
		assert_int_equal(rx_all(r, &rx, &s, 0), 2);
		assert_int_equal(s.n, 0);
		assert_int_equal(s.abandoned, 2 + (unsigned int)field);
	}

	/* Afterwards a whole message gets through. */
	off = 0;
	assert_int_equal(mint_ring_send(r, &m, p, &off), 1);
	assert_int_equal(rx_all(r, &rx, &s, 0), 3);
	assert_int_equal(s.n, 1);
	assert_memory_equal(s.msgs[0].buf, p, m.len);
	sink_free(&s);
	free(p);
	free(r);
}

static void test_garbage_fuzz(void **state)
{
	struct mint_ring *r = new_ring();
	struct sink s = {0};
	unsigned int round, i;

	srand(42);
	for (round = 0; round < 2000; round++) {
		struct mint_ring_rx rx = {0};
		unsigned char *raw = (unsigned char *)r;

		/* Random bytes everywhere, often with plausible headers. */
		for (i = 0; i < sizeof(*r); i++)
			raw[i] = (unsigned char)rand();
		for (i = 0; i < MINT_RING_SLOTS && (round & 1); i++) {
			struct mint_slot_hdr *h = &r->slot[i].hdr;

			h->seq = i;
			h->msg_len = (uint32_t)rand() % 3000;
			h->offset = (uint32_t)rand() % 4 * MINT_SLOT_DATA;
			h->len = (uint16_t)(rand() % 2 ? MINT_SLOT_DATA : (size_t)rand() % 600);
			h->msg_seq = (uint32_t)rand() % 3;
			h->src_epoch = SRC_EPOCH;
			h->dst_epoch = DST_EPOCH;
		}
		if (round & 1) {
			r->tail = 0;
			r->head = (uint32_t)rand() % (MINT_RING_SLOTS + 1);
		}
		/* Bounded work, no crash, no overflow of the begin() buffers. */
		assert_true(rx_all(r, &rx, &s, 0) <= MINT_RING_SLOTS);
		mint_ring_rx_check(&rx, &sink_ops, &s, SRC_EPOCH, 0, 0);
		assert_false(rx.active);
		sink_free(&s);
		assert_int_equal(s.begun, s.abandoned + s.freed);
		s.begun = s.abandoned = s.freed = 0;
	}
	free(r);
}

static void test_defer_and_drop(void **state)
{
	struct mint_ring *r = new_ring();
	struct mint_ring_rx rx = {0};
	struct sink s = {0};
	struct mint_ring_msg m = msg(1, 3 * MINT_SLOT_DATA);
	unsigned char *p = payload(4, m.len);
	uint32_t off = 0;

	assert_int_equal(mint_ring_send(r, &m, p, &off), 1);
	/* Back-pressure: the message stays in the ring. */
	s.defer = 1;
	assert_int_equal(rx_all(r, &rx, &s, 0), 0);
	assert_true(rx.deferred);
	assert_int_equal(mint_ring_space(r), MINT_RING_SLOTS - 3);
	/* Dropped (nobody bound the port): all its fragments are consumed. */
	s.defer = 0;
	s.drop = 1;
	assert_int_equal(rx_all(r, &rx, &s, 0), 3);
	assert_false(rx.deferred);
	assert_int_equal(s.n, 0);
	assert_int_equal(mint_ring_space(r), MINT_RING_SLOTS);
	/* And the next one arrives. */
	s.drop = 0;
	off = 0;
	assert_int_equal(mint_ring_send(r, &m, p, &off), 1);
	assert_int_equal(rx_all(r, &rx, &s, 0), 3);
	assert_int_equal(s.n, 1);
	assert_memory_equal(s.msgs[0].buf, p, m.len);
	/* The budget bounds the work per call. */
	off = 0;
	assert_int_equal(mint_ring_send(r, &m, p, &off), 1);
	assert_int_equal(mint_ring_recv(r, &rx, &sink_ops, &s, SRC_EPOCH, DST_EPOCH, 0, 2), 2);
	assert_int_equal(mint_ring_recv(r, &rx, &sink_ops, &s, SRC_EPOCH, DST_EPOCH, 0, 2), 1);
	assert_int_equal(s.n, 2);
	sink_free(&s);
	free(p);
	free(r);
}

/* ---- two threads ---- */

#define STRESS_MSGS 20000

struct stress {
	struct mint_ring *r;
	volatile int done;
};

static void *producer(void *arg)
{
	struct stress *st = arg;
	unsigned char *buf = malloc(4 * MINT_SLOT_DATA + 100);
	uint32_t k, i, off, len;
	unsigned int seed = 1;

	for (k = 0; k < STRESS_MSGS; k++) {
		struct mint_ring_msg m = msg(k, 0);

		len = 4 + (uint32_t)rand_r(&seed) % (4 * MINT_SLOT_DATA);
		memcpy(buf, &k, 4);
		for (i = 4; i < len; i++)
			buf[i] = pattern(k, i);
		m.len = len;
		off = 0;
		while (mint_ring_send(st->r, &m, buf, &off) == 0)
			sched_yield();
	}
	free(buf);
	st->done = 1;
	return NULL;
}

static void test_two_threads(void **state)
{
	struct stress st = {.r = new_ring()};
	struct mint_ring_rx rx = {0};
	struct sink s = {.verify = 1};
	pthread_t t;
	unsigned long spins = 0;

	assert_int_equal(pthread_create(&t, NULL, producer, &st), 0);
	while (s.n < STRESS_MSGS) {
		if (!rx_all(st.r, &rx, &s, 0))
			sched_yield();
		assert_true(++spins < 1000000000ul);
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(st.done);
	assert_int_equal(s.bad, 0);
	assert_int_equal(s.next_seq, STRESS_MSGS);
	assert_int_equal(rx.dropped + rx.abandoned + rx.stale + rx.resyncs, 0);
	assert_int_equal(s.begun, STRESS_MSGS);
	free(st.r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fifo),
	    cmocka_unit_test(test_empty_message),
	    cmocka_unit_test(test_full_ring_refuses),
	    cmocka_unit_test(test_fragments_reassemble),
	    cmocka_unit_test(test_too_big_refused),
	    cmocka_unit_test(test_wraparound),
	    cmocka_unit_test(test_dead_sender),
	    cmocka_unit_test(test_restarted_receiver),
	    cmocka_unit_test(test_garbage_rejected),
	    cmocka_unit_test(test_fragment_mismatch),
	    cmocka_unit_test(test_garbage_fuzz),
	    cmocka_unit_test(test_defer_and_drop),
	    cmocka_unit_test(test_two_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
