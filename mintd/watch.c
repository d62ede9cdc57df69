// SPDX-License-Identifier: GPL-2.0
#include "watch.h"

#include <pthread.h>
#include <stdlib.h>

#include "log.h"
#include "util.h"

static void check_node(struct mintd *d, const struct mint_node_view *v, long long now)
{
	struct node_health *h = &d->health[v->id];
	bool beating = v->state == MINT_NODE_RUNNING || v->state == MINT_NODE_HALTING;
	long long silent;

	pthread_mutex_lock(&d->lock);
	if (!beating || h->epoch != v->epoch || h->heartbeat != v->heartbeat || !h->changed_ms) {
		h->heartbeat = v->heartbeat;
		h->epoch = v->epoch;
		h->changed_ms = beating ? now : 0;
		pthread_mutex_unlock(&d->lock);
		return;
	}
	silent = now - h->changed_ms;
	pthread_mutex_unlock(&d->lock);
	if (silent <= WATCH_DEAD_MS)
		return;
	/* Another watcher may win the race: then the state is no longer v->state. */
	if (!mint_dev_set_state(&d->dev, v->id, v->state, MINT_NODE_FAILED, MINT_REASON_HEARTBEAT,
				NULL))
		log_msg(LOG_WARNING, "node%u's heartbeat has not moved for %lld ms: marked failed",
			v->id, silent);
}

static struct {
	bool running;
	pthread_t tid;
} watcher;

static void *watch_thread(void *arg)
{
	struct mintd *d = arg;
	struct mint_node_view *v = malloc(sizeof(*v));

	while (v) {
		long long now = mint_now_ms();

		for (uint32_t n = 0; n < MINT_MAX_NODES; n++)
			if (n != (uint32_t)d->self && !mint_dev_node_view(&d->dev, n, v))
				check_node(d, v, now);
		if (mintd_sleep(d, MINT_HEARTBEAT_MS))
			break;
	}
	free(v);
	return NULL;
}

int watch_start(struct mintd *d, struct mint_error *err)
{
	if (!d->mint_kernel || watcher.running)
		return 0;
	if (pthread_create(&watcher.tid, NULL, watch_thread, d))
		return mint_fail(err, MINT_E_SYSTEM, "cannot start the heartbeat watcher");
	watcher.running = true;
	return 0;
}

void watch_stop(struct mintd *d)
{
	if (!watcher.running)
		return;
	mintd_stop(d);
	pthread_join(watcher.tid, NULL);
	watcher.running = false;
}

long long watch_silence_ms(struct mintd *d, uint32_t node)
{
	long long ms = -1;

	if (node >= MINT_MAX_NODES)
		return -1;
	pthread_mutex_lock(&d->lock);
	if (d->health[node].changed_ms)
		ms = mint_now_ms() - d->health[node].changed_ms;
	pthread_mutex_unlock(&d->lock);
	return ms;
}
