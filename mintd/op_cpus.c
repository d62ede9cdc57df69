// SPDX-License-Identifier: GPL-2.0
/* Releasing CPUs (offline, then free in the table) and reclaiming them. */
#include "ops.h"

#include <stdio.h>
#include <stdlib.h>

#include "cpu.h"
#include "intent.h"
#include "vm.h"

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
	int *apic = calloc(MINT_CPUSET_MAX, sizeof(*apic));
	struct mint_plan plan;
	char what[32];
	int ret = res && ids && apic ? 0 : -1;

	mint_plan_init(&plan);
	pthread_mutex_lock(&d->lock);
	for (int c = 0; apic && c < MINT_CPUSET_MAX; c++)
		apic[c] = d->apic_cache[c];
	pthread_mutex_unlock(&d->lock);
	for (int c = mint_cpuset_next(cpus, 0); c >= 0 && !ret; c = mint_cpuset_next(cpus, c + 1)) {
		snprintf(what, sizeof(what), "CPU %d", c);
		ids[c] = (unsigned)c;
		if (!release)
			ret |= ops_add_table_step(d, &plan, &res[c], MINT_RES_CPU,
					      (uint64_t)apic[c], false, what);
		ret |= release ? mint_plan_add(&plan, ops_cpu_offline, ops_cpu_online, &ids[c],
					       "offline CPU %d", c)
			       : mint_plan_add(&plan, ops_cpu_online, ops_cpu_offline, &ids[c],
					       "online CPU %d", c);
		if (release)
			ret |= ops_add_table_step(d, &plan, &res[c], MINT_RES_CPU,
					      (uint64_t)apic[c], true, what);
	}
	if (ret)
		ret = mint_fail(err, MINT_E_SYSTEM, "out of memory");
	else
		ret = mint_plan_run(&plan, NULL, NULL, err);
	mint_plan_free(&plan);
	free(res);
	free(ids);
	free(apic);
	return ret;
}

/* The intent of an operation on @cpus: their numbers and APIC IDs. */
json_object *ops_cpus_intent(struct mintd *d, const struct mint_cpuset *cpus)
{
	json_object *o = json_object_new_object(), *ids = json_object_new_array();
	json_object *apic = json_object_new_array();

	pthread_mutex_lock(&d->lock);
	for (int c = mint_cpuset_next(cpus, 0); c >= 0; c = mint_cpuset_next(cpus, c + 1)) {
		json_object_array_add(ids, json_object_new_int(c));
		json_object_array_add(apic, json_object_new_int(d->apic_cache[c]));
	}
	pthread_mutex_unlock(&d->lock);
	json_object_object_add(o, "cpus", ids);
	json_object_object_add(o, "apic_ids", apic);
	return o;
}

static int check_cpus(struct mintd *d, const struct mint_cpuset *cpus, bool release,
		      struct mint_error *err)
{
	struct mint_model m;
	int ret;

	if (ops_scan(d, MODEL_CPUS, &m, err))
		return -1;
	ret = release ? mint_model_check_cpu_release(&m, cpus, err)
		      : mint_model_check_cpu_reclaim(&m, cpus, err);
	mint_model_free(&m);
	return ret;
}

int ops_cpus_give_up(struct mintd *d, const struct mint_cpuset *cpus, struct mint_error *err)
{
	/* Whatever runs on these CPUs (e.g. guests pinned to them) is moved off or refuses here. */
	if (vm_cpus_leaving(d, cpus, err))
		return -1;
	return run_cpu_plan(d, cpus, true, err);
}

static int record_cpus(struct mintd *d, const struct mint_cpuset *cpus, bool release,
		       struct mint_error *err)
{
	struct mint_state *saved = mintd_state_begin(d, err);

	if (!saved)
		return -1;
	for (int c = mint_cpuset_next(cpus, 0); c >= 0; c = mint_cpuset_next(cpus, c + 1)) {
		if (release)
			mint_cpuset_add(&d->state.cpus, (unsigned)c);
		else
			mint_cpuset_del(&d->state.cpus, (unsigned)c);
	}
	return mintd_state_commit(d, saved, err);
}

static int change_cpus(struct mintd *d, const struct mint_cpuset *cpus, bool release,
		       struct mint_error *err)
{
	json_object *intent;
	uint64_t id;
	int ret;

	if (release ? ops_cpus_check_release(d, cpus, err) : check_cpus(d, cpus, false, err))
		return -1;
	intent = ops_cpus_intent(d, cpus);
	ret = intent_begin(d, release ? "cpu-release" : "cpu-reclaim", intent, &id, err);
	json_object_put(intent);
	if (ret)
		return -1;
	ret = release ? ops_cpus_give_up(d, cpus, err) : run_cpu_plan(d, cpus, false, err);
	if (!ret && record_cpus(d, cpus, release, err)) {
		/* Without a record of it the change would be forgotten: undo it. */
		run_cpu_plan(d, cpus, !release, NULL);
		ret = -1;
	}
	intent_end(d, id, ret, err);
	return ret;
}

int ops_cpus_check_give(struct mintd *d, const struct mint_cpuset *cpus, struct mint_cpuset *owned,
			struct mint_error *err)
{
	struct mint_model m;
	int ret;

	if (ops_scan(d, MODEL_CPUS, &m, err))
		return -1;
	ret = mint_model_check_cpu_boot(&m, cpus, err);
	mint_cpuset_clear(owned);
	for (int c = mint_cpuset_next(cpus, 0); !ret && c >= 0; c = mint_cpuset_next(cpus, c + 1))
		if (mint_model_cpu(&m, (unsigned)c)->owner == m.self)
			mint_cpuset_add(owned, (unsigned)c);
	mint_model_free(&m);
	return ret;
}

int ops_cpus_check_release(struct mintd *d, const struct mint_cpuset *cpus,
			   struct mint_error *err)
{
	return check_cpus(d, cpus, true, err);
}

int ops_cpus_run_plan(struct mintd *d, const struct mint_cpuset *cpus, bool release,
		      struct mint_error *err)
{
	return run_cpu_plan(d, cpus, release, err);
}

int ops_release_cpus(struct mintd *d, const struct mint_cpuset *cpus, struct mint_error *err)
{
	return change_cpus(d, cpus, true, err);
}

int ops_reclaim_cpus(struct mintd *d, const struct mint_cpuset *cpus, struct mint_error *err)
{
	return change_cpus(d, cpus, false, err);
}
