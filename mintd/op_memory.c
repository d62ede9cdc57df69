// SPDX-License-Identifier: GPL-2.0
/* Releasing memory blocks (offline, then free in the table) and reclaiming them. */
#include "ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intent.h"
#include "log.h"
#include "memory.h"

int ops_mem_offline(void *ctx, struct mint_error *err)
{
	return mint_mem_offline(*(unsigned *)ctx, MINT_MEM_OFFLINE_TRIES, err);
}

int ops_mem_online(void *ctx, struct mint_error *err)
{
	return mint_mem_online(*(unsigned *)ctx, err);
}

/*
 * Releasing memory: the kernel may refuse a block for a while (pages pinned or
 * being migrated) even after retries. Each step therefore takes the next
 * candidate that does go offline, in the model's preference order, so one
 * stubborn block does not fail the whole request.
 */
struct mem_candidates {
	const unsigned *blocks; /* in preference order */
	size_t n;
	size_t next;
};

struct mem_slot {
	struct mintd *d;
	struct mem_candidates *cands;
	unsigned *block; /* where the chosen block is recorded */
	struct table_res tr;
};

static int step_mem_take(void *ctx, struct mint_error *err)
{
	struct mem_slot *s = ctx;
	struct mint_error last = {0};
	size_t tried = 0;

	while (s->cands->next < s->cands->n) {
		unsigned b = s->cands->blocks[s->cands->next++];

		tried++;
		if (mint_mem_offline(b, MINT_MEM_OFFLINE_TRIES, &last)) {
			log_msg(LOG_WARNING, "%s; trying another block", last.msg);
			continue;
		}
		*s->block = b;
		if (!s->d->mint_kernel)
			return 0;
		s->tr = (struct table_res){.d = s->d,
					   .type = MINT_RES_MEM,
					   .id = (uint64_t)b * s->d->dev.info.mem_block_size};
		if (!ops_table_release_self(&s->tr, err))
			return 0;
		mint_mem_online(b, NULL);
		return -1;
	}
	if (!tried)
		return mint_fail(err, MINT_E_BUSY, "no further memory block can be released");
	return mint_fail(err, last.kind, "%s (and no other memory block could be offlined instead)",
			 last.msg);
}

static int step_mem_give_back(void *ctx, struct mint_error *err)
{
	struct mem_slot *s = ctx;

	if (s->d->mint_kernel && ops_table_claim_self(&s->tr, err))
		return -1;
	return mint_mem_online(*s->block, err);
}

static int run_mem_release(struct mintd *d, struct ops_mem_result *res,
			   struct mem_candidates *cands, mint_plan_progress_fn progress, void *data,
			   struct mint_error *err)
{
	struct mem_slot *slots = calloc(res->nblocks ? res->nblocks : 1, sizeof(*slots));
	struct mint_plan plan;
	int ret = slots ? 0 : -1;

	mint_plan_init(&plan);
	for (size_t i = 0; i < res->nblocks && !ret; i++) {
		slots[i] = (struct mem_slot){.d = d, .cands = cands, .block = &res->blocks[i]};
		ret |= mint_plan_add(&plan, step_mem_take, step_mem_give_back, &slots[i],
				     "offline memory block %zu of %zu", i + 1, res->nblocks);
	}
	if (ret)
		ret = mint_fail(err, MINT_E_SYSTEM, "out of memory");
	else
		ret = mint_plan_run(&plan, progress, data, err);
	mint_plan_free(&plan);
	free(slots);
	return ret;
}

/* Reclaiming (and undoing a release whose state could not be saved). */
static int run_mem_plan(struct mintd *d, struct ops_mem_result *res, bool release,
			mint_plan_progress_fn progress, void *data, struct mint_error *err)
{
	struct table_res *tr = calloc(res->nblocks ? res->nblocks : 1, sizeof(*tr));
	uint64_t bs = d->mint_kernel ? d->dev.info.mem_block_size : 0;
	struct mint_plan plan;
	char what[48];
	int ret = tr ? 0 : -1;

	mint_plan_init(&plan);
	for (size_t i = 0; i < res->nblocks && !ret; i++) {
		uint64_t base = (uint64_t)res->blocks[i] * bs;

		snprintf(what, sizeof(what), "memory block %u", res->blocks[i]);
		if (!release)
			ret |= ops_add_table_step(d, &plan, &tr[i], MINT_RES_MEM, base, false, what);
		ret |= release
			   ? mint_plan_add(&plan, ops_mem_offline, ops_mem_online, &res->blocks[i],
					   "offline memory block %u", res->blocks[i])
			   : mint_plan_add(&plan, ops_mem_online, ops_mem_offline, &res->blocks[i],
					   "online memory block %u", res->blocks[i]);
		if (release)
			ret |= ops_add_table_step(d, &plan, &tr[i], MINT_RES_MEM, base, true, what);
	}
	if (ret)
		ret = mint_fail(err, MINT_E_SYSTEM, "out of memory");
	else
		ret = mint_plan_run(&plan, progress, data, err);
	mint_plan_free(&plan);
	free(tr);
	return ret;
}

/* All releasable blocks in preference order, for run_mem_release(). */
static int release_candidates(const struct mint_model *m, unsigned *out, size_t *n,
			      struct mint_error *err)
{
	size_t idx[MINT_STATE_MAX_MEM], eligible = 0;

	for (size_t i = 0; i < m->nmem; i++)
		eligible += m->mem[i].online && m->mem[i].owner == m->self && m->mem[i].removable;
	if (eligible > MINT_STATE_MAX_MEM)
		eligible = MINT_STATE_MAX_MEM;
	if (mint_model_pick_mem_release(m, eligible * m->block_size, idx, MINT_STATE_MAX_MEM, n,
					err))
		return -1;
	for (size_t i = 0; i < *n; i++)
		out[i] = m->mem[idx[i]].index;
	return 0;
}

int ops_mem_pick(struct mintd *d, uint64_t bytes, bool release, struct ops_mem_pick *pick,
		 struct mint_error *err)
{
	size_t idx[MINT_STATE_MAX_MEM];
	struct mint_model m;
	int ret;

	memset(pick, 0, sizeof(*pick));
	if (ops_scan(d, MODEL_MEM, &m, err))
		return -1;
	ret = release ? mint_model_pick_mem_release(&m, bytes, idx, MINT_STATE_MAX_MEM,
						    &pick->res.nblocks, err)
		      : mint_model_pick_mem_reclaim(&m, bytes, idx, MINT_STATE_MAX_MEM,
						    &pick->res.nblocks, err);
	for (size_t i = 0; !ret && i < pick->res.nblocks; i++)
		pick->res.blocks[i] = m.mem[idx[i]].index;
	if (!ret && release)
		ret = release_candidates(&m, pick->cand, &pick->ncand, err);
	if (!ret && !release) {
		memcpy(pick->cand, pick->res.blocks, pick->res.nblocks * sizeof(pick->cand[0]));
		pick->ncand = pick->res.nblocks;
	}
	pick->res.bytes = bytes;
	mint_model_free(&m);
	return ret;
}

json_object *ops_mem_intent(const struct ops_mem_pick *pick)
{
	json_object *o = json_object_new_object(), *c = json_object_new_array();

	for (size_t i = 0; i < pick->ncand; i++)
		json_object_array_add(c, json_object_new_int((int)pick->cand[i]));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)pick->res.bytes));
	json_object_object_add(o, "blocks", c);
	return o;
}

int ops_mem_give_up(struct mintd *d, struct ops_mem_pick *pick, mint_plan_progress_fn progress,
		    void *data, struct mint_error *err)
{
	struct mem_candidates cands = {.blocks = pick->cand, .n = pick->ncand};

	return run_mem_release(d, &pick->res, &cands, progress, data, err);
}

int ops_mem_take_back(struct mintd *d, struct ops_mem_result *res, struct mint_error *err)
{
	return run_mem_plan(d, res, false, NULL, NULL, err);
}

static int record_mem(struct mintd *d, const struct ops_mem_result *res, bool release,
		      struct mint_error *err)
{
	struct mint_state *saved = mintd_state_begin(d, err);

	for (size_t i = 0; saved && i < res->nblocks; i++) {
		if (release)
			mint_state_add_mem(&d->state, res->blocks[i]);
		else
			mint_state_del_mem(&d->state, res->blocks[i]);
	}
	return saved ? mintd_state_commit(d, saved, err) : -1;
}

static int change_mem(struct mintd *d, uint64_t bytes, bool release, mint_plan_progress_fn progress,
		      void *data, struct ops_mem_result *res, struct mint_error *err)
{
	struct ops_mem_pick *pick = calloc(1, sizeof(*pick));
	json_object *intent;
	uint64_t id = 0;
	int ret;

	memset(res, 0, sizeof(*res));
	if (!pick)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	ret = ops_mem_pick(d, bytes, release, pick, err);
	if (!ret) {
		intent = ops_mem_intent(pick);
		ret = intent_begin(d, release ? "mem-release" : "mem-reclaim", intent, &id, err);
		json_object_put(intent);
	}
	if (!ret)
		ret = release ? ops_mem_give_up(d, pick, progress, data, err)
			      : run_mem_plan(d, &pick->res, false, progress, data, err);
	if (!ret && record_mem(d, &pick->res, release, err)) {
		/* Without a record of it the change would be forgotten: undo it. */
		run_mem_plan(d, &pick->res, !release, NULL, NULL, NULL);
		ret = -1;
	}
	if (id)
		intent_end(d, id, ret, err);
	if (!ret)
		*res = pick->res;
	free(pick);
	return ret;
}

int ops_release_mem(struct mintd *d, uint64_t bytes, mint_plan_progress_fn progress, void *data,
		    struct ops_mem_result *res, struct mint_error *err)
{
	return change_mem(d, bytes, true, progress, data, res, err);
}

int ops_reclaim_mem(struct mintd *d, uint64_t bytes, mint_plan_progress_fn progress, void *data,
		    struct ops_mem_result *res, struct mint_error *err)
{
	return change_mem(d, bytes, false, progress, data, res, err);
}
