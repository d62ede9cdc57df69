// SPDX-License-Identifier: GPL-2.0
#include "peer.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "call.h"
#include "chan.h"
#include "log.h"
#include "peer_msg.h"
#include "service.h"
#include "util.h"

#define MAX_PENDING 64 /* outbound calls waiting for replies */
#define MAX_INBOUND 64 /* calls from other nodes running here */

struct reply_item {
	json_object *msg; /* NULL: keepalive */
	struct reply_item *next;
};

/* An outbound call waiting for its replies. */
struct pending {
	bool used;
	uint32_t id, node, epoch;
	struct reply_item *head, *tail;
	bool unreachable; /* the node's kernel said nobody listens on mintd's port */
	long long last_heard; /* ms */
};

/* A call from another node running here, and where its replies go. */
struct inbound {
	bool used;
	uint32_t node, port, id, epoch;
	struct mintd *d;
	struct call c;
	json_object *msg;
};

struct peer {
	struct mint_chan ch;
	pthread_t reader, keepalive;
	bool reader_running, keepalive_running; /* to join in peer_stop() */
	pthread_mutex_t lock; /* everything below */
	pthread_cond_t heard; /* a pending call got something */
	pthread_cond_t idle;  /* a call from another node finished */
	uint32_t next_id;
	struct pending pending[MAX_PENDING];
	struct inbound inbound[MAX_INBOUND];
	bool stopping; /* mintd is stopping: no new calls from other nodes */
};

static struct peer peer = {.ch = {.fd = -1}};

/* ---- sending ---- */

static int send_msg(uint32_t node, uint32_t epoch, enum mint_peer_kind kind, uint32_t id,
		    uint32_t uid, json_object *msg, struct mint_error *err)
{
	size_t len;
	void *buf;
	int ret;

	if (mint_peer_encode(kind, id, uid, msg, &buf, &len, err))
		return -1;
	ret = mint_chan_send(&peer.ch, node, MINT_PORT_MINTD, epoch, buf, len, err);
	free(buf);
	return ret;
}

/* The send hook of a call that came over the channel. */
static int send_reply(struct call *c, json_object *msg)
{
	struct inbound *in = c->sink;
	struct mint_error err = {0};
	int ret = send_msg(in->node, in->epoch, MINT_PEER_REPLY, in->id, 0, msg, &err);

	if (ret)
		log_msg(LOG_WARNING, "could not answer %s from node%u: %s", c->method, in->node,
			err.msg);
	json_object_put(msg);
	return ret;
}

/* ---- inbound calls ---- */

static void *inbound_thread(void *arg)
{
	struct inbound *in = arg;

	service_dispatch(&in->c);
	json_object_put(in->c.params);
	json_object_put(in->msg);
	pthread_mutex_lock(&peer.lock);
	in->used = false;
	pthread_cond_broadcast(&peer.idle);
	pthread_mutex_unlock(&peer.lock);
	return NULL;
}

static bool get_bool(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

static void reject(uint32_t node, uint32_t epoch, uint32_t id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void reject(uint32_t node, uint32_t epoch, uint32_t id, const char *fmt, ...)
{
	json_object *reply = json_object_new_object(), *p = json_object_new_object();
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	json_object_object_add(p, "message", json_object_new_string(text));
	json_object_object_add(reply, "error",
			       json_object_new_string(MINT_INTERFACE ".InvalidRequest"));
	json_object_object_add(reply, "parameters", p);
	send_msg(node, epoch, MINT_PEER_REPLY, id, 0, reply, NULL);
	json_object_put(reply);
	log_msg(LOG_NOTICE, "rejected a call from node%u: %s", node, text);
}

static void start_inbound(struct mintd *d, const struct mint_chan_in *from,
			  const struct mint_peer_hdr *hdr, json_object *msg)
{
	json_object *method, *params = NULL;
	struct inbound *in = NULL;
	pthread_attr_t attr;
	bool stopping;
	pthread_t tid;

	if (!json_object_object_get_ex(msg, "method", &method) ||
	    !json_object_is_type(method, json_type_string) ||
	    (json_object_object_get_ex(msg, "parameters", &params) &&
	     !json_object_is_type(params, json_type_object))) {
		reject(from->node, from->epoch, hdr->id, "the call has no method or bad parameters");
		json_object_put(msg);
		return;
	}
	pthread_mutex_lock(&peer.lock);
	stopping = peer.stopping;
	for (size_t i = 0; i < MAX_INBOUND && !in && !stopping; i++)
		if (!peer.inbound[i].used)
			in = &peer.inbound[i];
	if (in) {
		memset(in, 0, sizeof(*in));
		in->used = true;
	}
	pthread_mutex_unlock(&peer.lock);
	if (stopping) {
		reject(from->node, from->epoch, hdr->id, "mintd on node%u is stopping", peer.ch.self);
		json_object_put(msg);
		return;
	}
	if (!in) {
		reject(from->node, from->epoch, hdr->id, "too many calls from other nodes");
		json_object_put(msg);
		return;
	}
	in->node = from->node;
	in->port = from->port;
	in->id = hdr->id;
	in->epoch = from->epoch;
	in->d = d;
	in->msg = msg;
	in->c = (struct call){
	    .d = d,
	    .fd = -1,
	    .send = send_reply,
	    .sink = in,
	    .from_node = (int)from->node,
	    .method = json_object_get_string(method),
	    .params = params ? json_object_get(params) : json_object_new_object(),
	    .more = get_bool(msg, "more"),
	    .oneway = get_bool(msg, "oneway"),
	    /* The sending mintd checked its caller; only root can use the channel. */
	    .may_modify = true,
	    .uid = hdr->uid,
	};
	log_msg(LOG_INFO, "node%u (uid %u) calls %s", from->node, hdr->uid, in->c.method);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 512 * 1024);
	if (pthread_create(&tid, &attr, inbound_thread, in)) {
		reject(from->node, from->epoch, hdr->id, "mintd cannot start a thread");
		json_object_put(in->c.params);
		json_object_put(msg);
		pthread_mutex_lock(&peer.lock);
		in->used = false;
		pthread_cond_broadcast(&peer.idle);
		pthread_mutex_unlock(&peer.lock);
	}
	pthread_attr_destroy(&attr);
}

/* ---- replies to our calls ---- */

static struct pending *find_pending(uint32_t node, uint32_t id)
{
	for (size_t i = 0; i < MAX_PENDING; i++)
		if (peer.pending[i].used && peer.pending[i].id == id && peer.pending[i].node == node)
			return &peer.pending[i];
	return NULL;
}

static void deliver(uint32_t node, uint32_t id, json_object *msg)
{
	struct reply_item *item = calloc(1, sizeof(*item));
	struct pending *p;

	pthread_mutex_lock(&peer.lock);
	p = find_pending(node, id);
	if (p && item) {
		item->msg = msg;
		if (p->tail)
			p->tail->next = item;
		else
			p->head = item;
		p->tail = item;
		p->last_heard = mint_now_ms();
		msg = NULL;
		item = NULL;
		pthread_cond_broadcast(&peer.heard);
	}
	pthread_mutex_unlock(&peer.lock);
	free(item);
	json_object_put(msg); /* a late reply to a call that gave up */
}

static void unreachable(uint32_t node)
{
	pthread_mutex_lock(&peer.lock);
	for (size_t i = 0; i < MAX_PENDING; i++)
		if (peer.pending[i].used && peer.pending[i].node == node)
			peer.pending[i].unreachable = true;
	pthread_cond_broadcast(&peer.heard);
	pthread_mutex_unlock(&peer.lock);
}

static void keepalive_heard(uint32_t node, uint32_t id)
{
	struct pending *p;

	pthread_mutex_lock(&peer.lock);
	p = find_pending(node, id);
	if (p)
		p->last_heard = mint_now_ms();
	pthread_mutex_unlock(&peer.lock);
}

/* ---- the threads ---- */

static void handle(struct mintd *d, const struct mint_chan_in *in)
{
	struct mint_error err = {0};
	struct mint_peer_hdr hdr;
	json_object *msg;

	if (in->flags & MINT_MSG_F_UNREACHABLE) {
		unreachable(in->node);
		return;
	}
	if (mint_peer_decode(in->data, in->len, &hdr, &msg, &err)) {
		log_msg(LOG_NOTICE, "dropped a message from node%u: %s", in->node, err.msg);
		return;
	}
	switch (hdr.kind) {
	case MINT_PEER_CALL:
		start_inbound(d, in, &hdr, msg);
		break;
	case MINT_PEER_REPLY:
		deliver(in->node, hdr.id, msg);
		break;
	case MINT_PEER_KEEPALIVE:
		keepalive_heard(in->node, hdr.id);
		break;
	}
}

/*
 * Never blocked in read(): it waits in poll() for a message or for
 * mintd_stop(), so that peer_stop() can end it and join it.
 */
static void *reader_thread(void *arg)
{
	struct mintd *d = arg;
	char *buf = malloc(MINT_CHAN_BUF_SIZE);

	while (buf) {
		struct pollfd p[2] = {{.fd = peer.ch.fd, .events = POLLIN},
				      {.fd = d->stop_fd, .events = POLLIN}};
		struct mint_error err = {0};
		struct mint_chan_in in;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERR, "polling the inter-node channel: %m");
			if (mintd_sleep(d, 100))
				break;
			continue;
		}
		if (p[1].revents)
			break;
		if (!p[0].revents)
			continue;
		if (mint_chan_recv(&peer.ch, buf, MINT_CHAN_BUF_SIZE, &in, &err)) {
			if (err.errnum == EINTR)
				continue;
			log_msg(LOG_ERR, "%s", err.msg);
			if (mintd_sleep(d, 100))
				break;
			continue;
		}
		handle(d, &in);
	}
	free(buf);
	return NULL;
}

/* While a call from another node runs, tell that node it still does. */
static void *keepalive_thread(void *arg)
{
	struct mintd *d = arg;

	while (!mintd_sleep(d, PEER_KEEPALIVE_MS)) {
		struct inbound copy[MAX_INBOUND];
		size_t n = 0;

		pthread_mutex_lock(&peer.lock);
		for (size_t i = 0; i < MAX_INBOUND; i++)
			if (peer.inbound[i].used)
				copy[n++] = peer.inbound[i];
		pthread_mutex_unlock(&peer.lock);
		for (size_t i = 0; i < n; i++)
			send_msg(copy[i].node, copy[i].epoch, MINT_PEER_KEEPALIVE, copy[i].id, 0, NULL,
				 NULL);
	}
	return NULL;
}

int peer_start(struct mintd *d, struct mint_error *err)
{
	struct mint_chan ch;

	if (!d->mint_kernel)
		return 0;
	if (mint_chan_open(&ch, MINT_PORT_MINTD, err))
		return -1;
	if (peer_start_on(d, &ch, err))
		return -1;
	log_msg(LOG_INFO, "listening on the inter-node channel (port %d)", MINT_PORT_MINTD);
	return 0;
}

int peer_start_on(struct mintd *d, const struct mint_chan *ch, struct mint_error *err)
{
	pthread_mutex_init(&peer.lock, NULL);
	pthread_cond_init(&peer.heard, NULL);
	pthread_cond_init(&peer.idle, NULL);
	memset(peer.pending, 0, sizeof(peer.pending));
	memset(peer.inbound, 0, sizeof(peer.inbound));
	peer.stopping = false;
	peer.next_id = (uint32_t)mint_now_ms();
	peer.ch = *ch;
	peer.reader_running = !pthread_create(&peer.reader, NULL, reader_thread, d);
	peer.keepalive_running =
	    peer.reader_running && !pthread_create(&peer.keepalive, NULL, keepalive_thread, d);
	if (!peer.keepalive_running) {
		peer_stop(d);
		return mint_fail(err, MINT_E_SYSTEM, "cannot start the channel threads");
	}
	return 0;
}

void peer_stop(struct mintd *d)
{
	size_t n;

	if (peer.ch.fd < 0)
		return;
	/*
	 * Calls from other nodes finish first, as local calls do (server.c); the
	 * reader still delivers the replies they wait for meanwhile.
	 */
	pthread_mutex_lock(&peer.lock);
	peer.stopping = true;
	for (bool told = false;; told = true) {
		n = 0;
		for (size_t i = 0; i < MAX_INBOUND; i++)
			n += peer.inbound[i].used;
		if (!n)
			break;
		if (!told)
			log_msg(LOG_INFO, "waiting for %zu call%s from other nodes to finish", n,
				n == 1 ? "" : "s");
		pthread_cond_wait(&peer.idle, &peer.lock);
	}
	pthread_mutex_unlock(&peer.lock);
	/* The reader waits in poll() and the keepalive in mintd_sleep(): both wake now. */
	mintd_stop(d);
	if (peer.reader_running)
		pthread_join(peer.reader, NULL);
	if (peer.keepalive_running)
		pthread_join(peer.keepalive, NULL);
	peer.reader_running = peer.keepalive_running = false;
	/* Closing the channel unbinds the port: other nodes hear "no mintd" at once. */
	mint_chan_close(&peer.ch);
}

/* ---- outbound calls ---- */

static struct pending *new_pending(uint32_t node, uint32_t epoch)
{
	struct pending *p = NULL;

	pthread_mutex_lock(&peer.lock);
	for (size_t i = 0; i < MAX_PENDING && !p; i++)
		if (!peer.pending[i].used)
			p = &peer.pending[i];
	if (p) {
		memset(p, 0, sizeof(*p));
		p->used = true;
		p->id = ++peer.next_id;
		p->node = node;
		p->epoch = epoch;
		p->last_heard = mint_now_ms();
	}
	pthread_mutex_unlock(&peer.lock);
	return p;
}

static void free_pending(struct pending *p)
{
	pthread_mutex_lock(&peer.lock);
	while (p->head) {
		struct reply_item *next = p->head->next;

		json_object_put(p->head->msg);
		free(p->head);
		p->head = next;
	}
	p->used = false;
	pthread_mutex_unlock(&peer.lock);
}

/* The node must still run the same incarnation we called. */
static int check_alive(struct mintd *d, uint32_t node, uint32_t epoch, struct mint_error *err)
{
	struct mint_node_view *v = malloc(sizeof(*v));
	int ret = 0;

	if (!v)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	if (mint_dev_node_view(&d->dev, node, v) || v->state != MINT_NODE_RUNNING)
		ret = mint_fail(err, MINT_E_STATE, "node%u stopped running (state %s)", node,
				mint_node_state_name(v->state));
	else if (epoch && v->epoch != epoch)
		ret = mint_fail(err, MINT_E_STATE, "node%u restarted while it ran the call", node);
	free(v);
	return ret;
}

static bool is_final(json_object *msg)
{
	json_object *v;

	return !(json_object_object_get_ex(msg, "continues", &v) && json_object_get_boolean(v));
}

/* Wait for the next message of @p; NULL with @err when the call cannot go on. */
static json_object *next_reply(struct mintd *d, struct pending *p, struct mint_error *err)
{
	for (;;) {
		struct timespec until;
		json_object *msg = NULL;
		bool gone;
		long long silent;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 500 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&peer.lock);
		if (!p->head && !p->unreachable)
			pthread_cond_timedwait(&peer.heard, &peer.lock, &until);
		if (p->head) {
			struct reply_item *item = p->head;

			p->head = item->next;
			if (!p->head)
				p->tail = NULL;
			msg = item->msg;
			free(item);
		}
		gone = p->unreachable;
		silent = mint_now_ms() - p->last_heard;
		pthread_mutex_unlock(&peer.lock);
		if (msg)
			return msg;
		if (gone) {
			mint_fail(err, MINT_E_STATE,
				  "node%u runs no mintd (nothing listens on its channel port)",
				  p->node);
			return NULL;
		}
		if (check_alive(d, p->node, p->epoch, err))
			return NULL;
		if (silent > PEER_SILENCE_MS) {
			mint_fail(err, MINT_E_SYSTEM, "node%u's mintd stopped answering (nothing for %lld s)",
				  p->node, silent / 1000);
			return NULL;
		}
	}
}

int peer_call(struct mintd *d, uint32_t node, uid_t uid, json_object *call,
	      peer_reply_fn progress, void *data, json_object **final, struct mint_error *err)
{
	struct mint_node_view *v;
	struct pending *p;
	uint32_t epoch;
	json_object *msg;

	*final = NULL;
	if (!d->mint_kernel || peer.ch.fd < 0)
		return mint_fail(err, MINT_E_UNSUPPORTED,
				 "this node has no inter-node channel (no Mint kernel)");
	v = malloc(sizeof(*v));
	if (!v)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	if (mint_dev_node_view(&d->dev, node, v) || v->state != MINT_NODE_RUNNING) {
		uint32_t state = v->state;

		free(v);
		return mint_fail(err, MINT_E_STATE, "node%u is not running (state %s)", node,
				 mint_node_state_name(state));
	}
	epoch = v->epoch;
	free(v);
	p = new_pending(node, epoch);
	if (!p)
		return mint_fail(err, MINT_E_BUSY, "too many calls to other nodes at once");
	if (send_msg(node, epoch, MINT_PEER_CALL, p->id, (uint32_t)uid, call, err)) {
		free_pending(p);
		return -1;
	}
	while ((msg = next_reply(d, p, err))) {
		if (is_final(msg)) {
			*final = msg;
			break;
		}
		if (progress)
			progress(msg, data);
		json_object_put(msg);
	}
	free_pending(p);
	return *final ? 0 : -1;
}

int peer_kernel_stop(struct mintd *d, uint32_t node, struct mint_error *err)
{
	struct mint_kmsg msg = {.type = MINT_KMSG_STOP};

	if (!d->mint_kernel || peer.ch.fd < 0)
		return mint_fail(err, MINT_E_UNSUPPORTED, "this node has no inter-node channel");
	return mint_chan_send(&peer.ch, node, MINT_PORT_KERNEL, 0, &msg, sizeof(msg), err);
}
