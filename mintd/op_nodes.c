// SPDX-License-Identifier: GPL-2.0
/*
 * Stopping another node, from any node: halt (ask it to shut down, force it
 * after a timeout) and kill (force it at once). A forced stop INITs the
 * node's CPUs, clears bus mastering on its PCI functions and scrubs its
 * memory before anything is set FREE (the kernel does all of it in
 * MINT_IOC_STOP), so no device of the stopped node can write into memory
 * that another node gets. Then its resources go to the node that takes
 * them: its parent when that runs, this node otherwise, or the one asked for.
 */
#include "ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "op_move.h"
#include "peer.h"
#include "util.h"
#include "varlink.h"

struct stop_job {
	struct mintd *d;
	const struct ops_stop_request *req;
	struct ops_stop_result *res;
	mint_plan_progress_fn progress;
	void *data;
	size_t step, steps;
};

static void progress(struct stop_job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void progress(struct stop_job *j, const char *fmt, ...)
{
	char desc[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	log_msg(LOG_INFO, "node%d: %s", j->req->node, desc);
	if (j->progress)
		j->progress(j->step, j->steps, desc, j->data);
	j->step++;
}

static uint32_t node_state(struct mintd *d, int node)
{
	uint32_t state = MINT_NODE_UNUSED;

	mint_dev_node_state(&d->dev, (uint32_t)node, &state, NULL);
	return state;
}

/* Ask the node's mintd, or failing that its kernel, to shut down. */
static void ask_shutdown(struct stop_job *j)
{
	json_object *call = json_object_new_object(), *final = NULL;
	struct mint_error err = {0};
	int node = j->req->node;

	progress(j, "ask node%d's mintd to shut the node down", node);
	json_object_object_add(call, "method", json_object_new_string(MINT_INTERFACE ".Shutdown"));
	json_object_object_add(call, "parameters", json_object_new_object());
	if (!peer_call(j->d, (uint32_t)node, 0, call, NULL, NULL, &final, &err) &&
	    !json_object_object_get_ex(final, "error", NULL)) {
		json_object_put(final);
		json_object_put(call);
		return;
	}
	if (final)
		log_msg(LOG_NOTICE, "node%d's mintd refused to shut down: %s", node,
			json_object_to_json_string(final));
	else
		log_msg(LOG_NOTICE, "node%d's mintd did not take the request: %s", node, err.msg);
	json_object_put(final);
	json_object_put(call);
	log_msg(LOG_INFO, "node%d: asking its kernel to shut down", node);
	if (peer_kernel_stop(j->d, (uint32_t)node, &err))
		log_msg(LOG_WARNING, "node%d's kernel did not take the request: %s", node, err.msg);
}

/* Wait until the node halted (or failed); false after the timeout. */
static bool wait_halted(struct stop_job *j)
{
	long long deadline = mint_now_ms() + 1000LL * j->req->timeout;

	progress(j, "wait up to %u s for node%d to halt", j->req->timeout, j->req->node);
	while (mint_now_ms() < deadline) {
		uint32_t state = node_state(j->d, j->req->node);

		if (state == MINT_NODE_HALTED || state == MINT_NODE_FAILED)
			return true;
		mint_sleep_ms(100);
	}
	return false;
}

static int check_target(struct mintd *d, const struct ops_stop_request *req, uint32_t *state,
			struct mint_error *err)
{
	if (req->node == d->self)
		return mint_fail(err, MINT_E_INVALID,
				 "node%d is this node; stop it from another node, or shut it down "
				 "from its own console",
				 req->node);
	if (req->node == 0)
		return mint_fail(err, MINT_E_INVALID,
				 "node0 owns the machine's shared hardware and cannot be stopped "
				 "from another node");
	if (!d->mint_kernel)
		return mint_fail(err, MINT_E_UNSUPPORTED,
				 "this kernel has no Mint support (" MINT_DEV_PATH " is missing)");
	if (mint_dev_node_state(&d->dev, (uint32_t)req->node, state, err))
		return -1;
	if (*state == MINT_NODE_UNUSED)
		return mint_fail(err, MINT_E_NOTFOUND, "node%d does not exist (it was never booted)",
				 req->node);
	if (!req->force && (*state == MINT_NODE_LOADING || *state == MINT_NODE_BOOTING))
		return mint_fail(err, MINT_E_STATE,
				 "node%d is still %s and cannot shut down yet; kill it instead",
				 req->node, mint_node_state_name(*state));
	if (req->to >= 0 && req->to == req->node)
		return mint_fail(err, MINT_E_INVALID, "node%d cannot take its own resources",
				 req->node);
	return 0;
}

/* Where the resources go: the node asked for, the parent when running, or this node. */
static int taker(struct mintd *d, const struct ops_stop_request *req,
		 const struct mint_node_view *v)
{
	if (req->to >= 0)
		return req->to;
	if (v->parent < MINT_MAX_NODES &&
	    (v->parent == (uint32_t)d->self || node_state(d, (int)v->parent) == MINT_NODE_RUNNING))
		return (int)v->parent;
	return d->self;
}

/* What a stopped node owned, as a take request. */
static void owned_to_take(const struct mint_node_view *v, struct ops_take_request *req)
{
	memset(req, 0, sizeof(*req));
	req->apic_ids = v->apic_ids;
	req->nblocks = v->nblocks;
	memcpy(req->blocks, v->blocks, v->nblocks * sizeof(v->blocks[0]));
	req->ndevs = v->ndevs;
	memcpy(req->devs, v->devs, v->ndevs * sizeof(v->devs[0]));
}

/* Hand what the stopped node owned to @to (this node or another one). */
static void give(struct stop_job *j, int to)
{
	const struct mint_node_view *v = j->res->owned;
	struct ops_take_request *req = calloc(1, sizeof(*req));
	struct mint_error err = {0};

	progress(j, "give node%d's resources to node%d", j->req->node, to);
	j->res->taken_by = to;
	if (!req) {
		snprintf(j->res->error, sizeof(j->res->error), "out of memory");
		return;
	}
	owned_to_take(v, req);
	if (to == j->d->self) {
		struct ops_take_result *res = calloc(1, sizeof(*res));

		if (res && !ops_take(j->d, req, res, &err))
			j->res->taken = ops_take_json(res);
		else if (!res)
			mint_fail(&err, MINT_E_SYSTEM, "out of memory");
		free(res);
	} else {
		json_object *call = ops_take_call(req, NULL), *final = NULL, *e;

		if (!peer_call(j->d, (uint32_t)to, 0, call, NULL, NULL, &final, &err)) {
			if (json_object_object_get_ex(final, "error", &e))
				mint_fail(&err, MINT_E_SYSTEM, "node%d: %s", to,
					  json_object_to_json_string(final));
			else
				j->res->taken = json_object_get(json_object_object_get(final,
										       "parameters"));
		}
		json_object_put(final);
		json_object_put(call);
	}
	free(req);
	if (err.msg[0]) {
		snprintf(j->res->error, sizeof(j->res->error), "%s", err.msg);
		log_msg(LOG_WARNING, "node%d's resources stay free: %s", j->req->node, err.msg);
	}
}

int ops_stop_node(struct mintd *d, const struct ops_stop_request *req,
		  mint_plan_progress_fn progress_fn, void *data, struct ops_stop_result *res,
		  struct mint_error *err)
{
	struct stop_job j = {.d = d, .req = req, .res = res, .progress = progress_fn, .data = data};
	uint32_t state, flags = req->keep ? MINT_STOP_KEEP : 0;
	bool running;

	memset(res, 0, sizeof(*res));
	res->taken_by = -1;
	if (check_target(d, req, &state, err))
		return -1;
	res->owned = malloc(sizeof(*res->owned));
	if (!res->owned || mint_dev_node_view(&d->dev, (uint32_t)req->node, res->owned))
		return mint_fail(err, MINT_E_SYSTEM, "cannot read node%d's entry", req->node);
	running = state != MINT_NODE_HALTED && state != MINT_NODE_FAILED;
	j.steps = (running && !req->force ? 2 : 0) + 1 + !(req->keep || req->no_reclaim);
	if (!running) {
		snprintf(res->how, sizeof(res->how), "it had %s already%s%s",
			 mint_node_state_name(state), res->owned->reason ? ": " : "",
			 mint_node_reason_name(res->owned->reason));
	} else if (req->force) {
		flags |= MINT_STOP_FORCE;
		snprintf(res->how, sizeof(res->how), "stopped by force");
	} else {
		ask_shutdown(&j);
		if (wait_halted(&j)) {
			snprintf(res->how, sizeof(res->how), "it shut down");
		} else {
			flags |= MINT_STOP_FORCE;
			snprintf(res->how, sizeof(res->how),
				 "stopped by force: it did not halt within %u s", req->timeout);
		}
	}
	progress(&j, "stop node%d's CPUs and devices and scrub its memory", req->node);
	if (mint_dev_stop(&d->dev, (uint32_t)req->node, flags, NULL, err))
		return -1;
	log_msg(LOG_NOTICE, "node%d stopped (%s)", req->node, res->how);
	if (!req->keep && !req->no_reclaim)
		give(&j, taker(d, req, res->owned));
	return 0;
}
