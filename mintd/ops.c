// SPDX-License-Identifier: GPL-2.0
#include "ops.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "log.h"
#include "memory.h"

/* ---- the model: what sysfs shows plus what this node has released ---- */

static void mark_released(struct mintd *d, struct mint_model *m)
{
	for (size_t i = 0; i < m->ncpus; i++)
		if (mint_cpuset_has(&d->state.cpus, m->cpus[i].id))
			m->cpus[i].owner = MINT_FREE;
	for (size_t i = 0; i < m->nmem; i++)
		if (mint_state_has_mem(&d->state, m->mem[i].index))
			m->mem[i].owner = MINT_FREE;
	for (size_t i = 0; i < m->npci; i++)
		if (mint_state_dev(&d->state, &m->pci[i].bdf))
			m->pci[i].owner = MINT_FREE;
}

/* sysfs' own view, without this node's releases applied. */
static int scan_model(struct mintd *d, unsigned what, struct mint_model *m, struct mint_error *err)
{
	uint64_t block_size = 0;

	if ((what & MODEL_MEM) && mint_mem_block_size(&block_size, err))
		return -1;
	mint_model_init(m, d->self, block_size);
	if (((what & MODEL_CPUS) && mint_cpu_scan(m, d->apic_cache, err)) ||
	    ((what & MODEL_MEM) && mint_mem_scan(m, err)) ||
	    ((what & MODEL_PCI) && mint_pci_scan(m, what & MODEL_PCI_NAMES, err))) {
		mint_model_free(m);
		return -1;
	}
	return 0;
}

/* With a Mint kernel the shared resource table says who owns what. */
static int table_owner(uint32_t owner, int fallback)
{
	if (owner == MINT_OWNER_NONE)
		return fallback;
	return owner == MINT_OWNER_FREE ? MINT_FREE : (int)owner;
}

static void apply_table(struct mintd *d, struct mint_model *m)
{
	for (size_t i = 0; i < m->ncpus; i++)
		if (m->cpus[i].apic_id >= 0)
			m->cpus[i].owner =
			    table_owner(mint_dev_cpu_owner(&d->dev, (unsigned)m->cpus[i].apic_id),
					m->cpus[i].owner);
	for (size_t i = 0; i < m->nmem; i++)
		m->mem[i].owner =
		    table_owner(mint_dev_mem_owner(&d->dev, m->mem[i].base), m->mem[i].owner);
	for (size_t i = 0; i < m->npci; i++)
		m->pci[i].owner =
		    table_owner(mint_dev_pci_owner(&d->dev, &m->pci[i].bdf), m->pci[i].owner);
}

int ops_build_model(struct mintd *d, unsigned what, struct mint_model *m, struct mint_error *err)
{
	if (scan_model(d, what, m, err))
		return -1;
	mark_released(d, m);
	if (d->mint_kernel)
		apply_table(d, m);
	return 0;
}

static int save_state(struct mintd *d, struct mint_error *err)
{
	memcpy(d->state.apic_ids, d->apic_cache, sizeof(d->state.apic_ids));
	if (!mint_state_save(d->state_dir, &d->state, err))
		return 0;
	log_msg(LOG_ERR, "%s", err->msg);
	return -1;
}

/* ---- the shared resource table (Mint kernels only) ---- */

int ops_table_release_self(void *ctx, struct mint_error *err)
{
	struct table_res *r = ctx;

	return mint_dev_release(&r->d->dev, r->type, (uint32_t)r->d->self, r->id, err);
}

int ops_table_claim_self(void *ctx, struct mint_error *err)
{
	struct table_res *r = ctx;

	return mint_dev_claim(&r->d->dev, r->type, (uint32_t)r->d->self, r->id, err);
}

int ops_table_claim_node(void *ctx, struct mint_error *err)
{
	struct table_res *r = ctx;

	return mint_dev_claim(&r->d->dev, r->type, r->node, r->id, err);
}

int ops_table_release_node(void *ctx, struct mint_error *err)
{
	struct table_res *r = ctx;

	return mint_dev_release(&r->d->dev, r->type, r->node, r->id, err);
}

/*
 * Add the table half of a release (after the kernel let go) or of a reclaim
 * (before it takes the resource back). No-op without a Mint kernel.
 */
static int add_table_step(struct mintd *d, struct mint_plan *plan, struct table_res *r,
			  uint32_t type, uint64_t id, bool release, const char *what)
{
	if (!d->mint_kernel)
		return 0;
	*r = (struct table_res){.d = d, .type = type, .id = id};
	return release ? mint_plan_add(plan, ops_table_release_self, ops_table_claim_self, r,
				       "free %s in the resource table", what)
		       : mint_plan_add(plan, ops_table_claim_self, ops_table_release_self, r,
				       "claim %s in the resource table", what);
}

/* ---- CPUs ---- */

int ops_cpu_offline(void *ctx, struct mint_error *err)
{
	return mint_cpu_set_online(*(unsigned *)ctx, false, err);
}

int ops_cpu_online(void *ctx, struct mint_error *err)
{
	return mint_cpu_set_online(*(unsigned *)ctx, true, err);
}

static int run_cpu_plan(struct mintd *d, const struct mint_cpuset *cpus, bool release,
			struct mint_error *err)
{
	struct table_res *res = calloc(MINT_CPUSET_MAX, sizeof(*res));
	unsigned *ids = calloc(MINT_CPUSET_MAX, sizeof(*ids)); /* the steps' contexts */
	struct mint_plan plan;
	char what[32];
	int ret = res && ids ? 0 : -1;

	mint_plan_init(&plan);
	for (int c = mint_cpuset_next(cpus, 0); c >= 0 && !ret; c = mint_cpuset_next(cpus, c + 1)) {
		snprintf(what, sizeof(what), "CPU %d", c);
		ids[c] = (unsigned)c;
		if (!release)
			ret |= add_table_step(d, &plan, &res[c], MINT_RES_CPU,
					      (uint64_t)d->apic_cache[c], false, what);
		ret |= release ? mint_plan_add(&plan, ops_cpu_offline, ops_cpu_online, &ids[c],
					       "offline CPU %d", c)
			       : mint_plan_add(&plan, ops_cpu_online, ops_cpu_offline, &ids[c],
					       "online CPU %d", c);
		if (release)
			ret |= add_table_step(d, &plan, &res[c], MINT_RES_CPU,
					      (uint64_t)d->apic_cache[c], true, what);
	}
	if (ret)
		ret = mint_fail(err, MINT_E_SYSTEM, "out of memory");
	else
		ret = mint_plan_run(&plan, NULL, NULL, err);
	mint_plan_free(&plan);
	free(res);
	free(ids);
	return ret;
}

static int change_cpus(struct mintd *d, const struct mint_cpuset *cpus, bool release,
		       struct mint_error *err)
{
	struct mint_model m;
	struct mint_state saved = d->state;
	int ret;

	if (ops_build_model(d, MODEL_CPUS, &m, err))
		return -1;
	ret = release ? mint_model_check_cpu_release(&m, cpus, err)
		      : mint_model_check_cpu_reclaim(&m, cpus, err);
	mint_model_free(&m);
	if (ret || run_cpu_plan(d, cpus, release, err))
		return -1;
	for (int c = mint_cpuset_next(cpus, 0); c >= 0; c = mint_cpuset_next(cpus, c + 1)) {
		if (release)
			mint_cpuset_add(&d->state.cpus, (unsigned)c);
		else
			mint_cpuset_del(&d->state.cpus, (unsigned)c);
	}
	if (save_state(d, err)) {
		/* Without a record of it the change would be forgotten: undo it. */
		d->state = saved;
		run_cpu_plan(d, cpus, !release, NULL);
		return -1;
	}
	return 0;
}

int ops_release_cpus(struct mintd *d, const struct mint_cpuset *cpus, struct mint_error *err)
{
	return change_cpus(d, cpus, true, err);
}

int ops_reclaim_cpus(struct mintd *d, const struct mint_cpuset *cpus, struct mint_error *err)
{
	return change_cpus(d, cpus, false, err);
}

/* ---- memory ---- */

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
			ret |= add_table_step(d, &plan, &tr[i], MINT_RES_MEM, base, false, what);
		ret |= release
			   ? mint_plan_add(&plan, ops_mem_offline, ops_mem_online, &res->blocks[i],
					   "offline memory block %u", res->blocks[i])
			   : mint_plan_add(&plan, ops_mem_online, ops_mem_offline, &res->blocks[i],
					   "online memory block %u", res->blocks[i]);
		if (release)
			ret |= add_table_step(d, &plan, &tr[i], MINT_RES_MEM, base, true, what);
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

static int change_mem(struct mintd *d, uint64_t bytes, bool release, mint_plan_progress_fn progress,
		      void *data, struct ops_mem_result *res, struct mint_error *err)
{
	size_t idx[MINT_STATE_MAX_MEM];
	unsigned *cand = calloc(MINT_STATE_MAX_MEM, sizeof(*cand));
	struct mem_candidates cands = {.blocks = cand};
	struct mint_state saved = d->state;
	struct mint_model m;
	int ret;

	memset(res, 0, sizeof(*res));
	if (!cand)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	if (ops_build_model(d, MODEL_MEM, &m, err)) {
		free(cand);
		return -1;
	}
	ret = release ? mint_model_pick_mem_release(&m, bytes, idx, MINT_STATE_MAX_MEM,
						    &res->nblocks, err)
		      : mint_model_pick_mem_reclaim(&m, bytes, idx, MINT_STATE_MAX_MEM,
						    &res->nblocks, err);
	for (size_t i = 0; !ret && i < res->nblocks; i++)
		res->blocks[i] = m.mem[idx[i]].index;
	if (!ret && release)
		ret = release_candidates(&m, cand, &cands.n, err);
	mint_model_free(&m);
	if (!ret)
		ret = release ? run_mem_release(d, res, &cands, progress, data, err)
			      : run_mem_plan(d, res, false, progress, data, err);
	free(cand);
	if (ret)
		return -1;
	res->bytes = bytes;
	for (size_t i = 0; i < res->nblocks; i++) {
		if (release)
			mint_state_add_mem(&d->state, res->blocks[i]);
		else
			mint_state_del_mem(&d->state, res->blocks[i]);
	}
	if (save_state(d, err)) {
		d->state = saved;
		run_mem_plan(d, res, !release, NULL, NULL, NULL);
		return -1;
	}
	return 0;
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

/* ---- PCI functions ---- */

int ops_release_dev(struct mintd *d, const struct mint_bdf *bdf, struct mint_pci_release *res,
		    struct mint_error *err)
{
	struct table_res tr;
	struct mint_plan plan;
	struct mint_model m;
	int ret;

	if (ops_build_model(d, MODEL_PCI, &m, err))
		return -1;
	ret = mint_model_check_pci_release(&m, bdf, err);
	mint_plan_init(&plan);
	if (!ret)
		ret = mint_pci_plan_release(&plan, mint_model_pci(&m, bdf), res, err);
	if (!ret && add_table_step(d, &plan, &tr, MINT_RES_PCI, mint_pci_res_id(bdf), true,
				   "the PCI device"))
		ret = mint_fail(err, MINT_E_SYSTEM, "out of memory");
	mint_model_free(&m);
	if (!ret)
		ret = mint_plan_run(&plan, NULL, NULL, err);
	if (!ret && (mint_state_add_dev(&d->state, res) || save_state(d, err))) {
		mint_state_del_dev(&d->state, bdf);
		plan.done = plan.n;
		mint_plan_free(&plan);
		mint_plan_init(&plan);
		add_table_step(d, &plan, &tr, MINT_RES_PCI, mint_pci_res_id(bdf), false,
			       "the PCI device");
		mint_pci_plan_reclaim(&plan, res, NULL);
		mint_plan_run(&plan, NULL, NULL, NULL);
		if (!err->msg[0])
			mint_fail(err, MINT_E_SYSTEM, "too many released devices");
		ret = -1;
	}
	mint_plan_free(&plan);
	return ret;
}

int ops_reclaim_dev(struct mintd *d, const struct mint_bdf *bdf, struct mint_pci_release *res,
		    struct mint_error *err)
{
	struct table_res tr;
	struct mint_plan plan;
	struct mint_model m;
	int ret;

	if (ops_build_model(d, MODEL_PCI, &m, err))
		return -1;
	ret = mint_model_check_pci_reclaim(&m, bdf, err);
	mint_model_free(&m);
	if (ret)
		return -1;
	*res = *mint_state_dev(&d->state, bdf);
	mint_plan_init(&plan);
	ret = add_table_step(d, &plan, &tr, MINT_RES_PCI, mint_pci_res_id(bdf), false,
			     "the PCI device");
	if (!ret)
		ret = mint_pci_plan_reclaim(&plan, res, err);
	if (!ret)
		ret = mint_plan_run(&plan, NULL, NULL, err);
	mint_plan_free(&plan);
	if (ret)
		return -1;
	mint_state_del_dev(&d->state, bdf);
	if (save_state(d, err)) {
		mint_state_add_dev(&d->state, res);
		return -1;
	}
	return 0;
}

/* ---- start-up reconciliation ---- */

static void reconcile_cpus(struct mintd *d, const struct mint_model *m)
{
	for (size_t i = 0; i < m->ncpus; i++) {
		const struct mint_cpu *c = &m->cpus[i];
		bool released = mint_cpuset_has(&d->state.cpus, c->id);

		if (released && c->online) {
			mintd_warn(
			    d, "CPU %u was released but is online: counting it as node%d's again",
			    c->id, d->self);
			mint_cpuset_del(&d->state.cpus, c->id);
		} else if (!released && !c->online) {
			mintd_warn(d, "CPU %u is offline but was not released through mintd",
				   c->id);
		}
	}
	for (int c = mint_cpuset_next(&d->state.cpus, 0); c >= 0;
	     c = mint_cpuset_next(&d->state.cpus, c + 1))
		if (!mint_model_cpu(m, (unsigned)c)) {
			mintd_warn(d, "released CPU %d no longer exists: forgetting it", c);
			mint_cpuset_del(&d->state.cpus, (unsigned)c);
		}
}

static void reconcile_mem(struct mintd *d, const struct mint_model *m)
{
	for (size_t i = 0; i < d->state.nmem;) {
		const struct mint_memblock *b = mint_model_mem(m, d->state.mem[i]);

		if (b && !b->online) {
			i++;
			continue;
		}
		mintd_warn(d, "memory block %u was released but is %s: forgetting the release",
			   d->state.mem[i], b ? "online" : "gone");
		mint_state_del_mem(&d->state, d->state.mem[i]);
	}
}

static void reconcile_devs(struct mintd *d, const struct mint_model *m)
{
	char name[MINT_BDF_STRLEN];

	for (size_t i = 0; i < d->state.ndevs;) {
		const struct mint_pcidev *p = mint_model_pci(m, &d->state.devs[i].bdf);

		if (p && !strcmp(p->driver, MINT_PCI_STUB)) {
			i++;
			continue;
		}
		mint_format_bdf(&d->state.devs[i].bdf, name);
		mintd_warn(d, "PCI device %s was released but is %s: forgetting the release", name,
			   p ? "no longer held by pci-stub" : "gone");
		mint_state_del_dev(&d->state, &d->state.devs[i].bdf);
	}
}

void ops_reconcile(struct mintd *d)
{
	struct mint_error err = {0};
	struct mint_model m;

	if (!scan_model(d, MODEL_CPUS | MODEL_PCI, &m, &err)) {
		reconcile_cpus(d, &m);
		reconcile_devs(d, &m);
		mint_model_free(&m);
	} else {
		mintd_warn(d, "cannot check saved state: %s", err.msg);
	}
	if (!scan_model(d, MODEL_MEM, &m, &err)) {
		reconcile_mem(d, &m);
		mint_model_free(&m);
	}
	/* Saved at every start: keeps the APIC IDs learned now, and shows early if the
	 * state directory is not writable. */
	if (save_state(d, &err))
		mintd_warn(d, "%s", err.msg);
}
