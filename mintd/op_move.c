// SPDX-License-Identifier: GPL-2.0
/*
 * Moving CPUs, memory and PCI devices from this node to another running node:
 * one transaction across two nodes. This node (the source) checks the
 * request, writes its intent to the journal, gives the resources up (offline
 * or unbind, then FREE in the table), and asks the target's mintd to take
 * them (TakeResources: claim, then online or bind). Whatever the target did
 * not take — it refused, failed, or died in the middle — is still FREE, and
 * the source takes it back; what the target claimed is the target's. So a
 * resource ends up with one of the two nodes or FREE, never with both, and
 * never lost: after a crash of this mintd, recover.c does the same.
 */
#include "op_move.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intent.h"
#include "log.h"
#include "peer.h"
#include "util.h"
#include "varlink.h"

static void progress(const struct ops_move *mv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void progress(const struct ops_move *mv, const char *fmt, ...)
{
	char desc[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	log_msg(LOG_INFO, "move to node%d: %s", mv->to, desc);
	if (mv->progress)
		mv->progress(0, 0, desc, mv->data);
}

/* The target must be another node that runs now. */
int ops_move_check_target(struct mintd *d, int to, struct mint_error *err)
{
	uint32_t state;

	if (!d->mint_kernel)
		return mint_fail(err, MINT_E_UNSUPPORTED,
				 "this kernel has no Mint support (" MINT_DEV_PATH
				 " is missing): resources cannot move to another node");
	if (to == d->self)
		return mint_fail(err, MINT_E_INVALID, "node%d is this node: nothing to move", to);
	if (mint_dev_node_state(&d->dev, (uint32_t)to, &state, err))
		return -1;
	if (state == MINT_NODE_UNUSED)
		return mint_fail(err, MINT_E_NOTFOUND, "node%d does not exist (it was never booted)",
				 to);
	if (state != MINT_NODE_RUNNING)
		return mint_fail(err, MINT_E_STATE, "node%d is not running (state %s)", to,
				 mint_node_state_name(state));
	return 0;
}

/* ---- what moves, as table ids ---- */

static void fill_take(const struct ops_move *mv, struct ops_take_request *t)
{
	memset(t, 0, sizeof(*t));
	t->apic_ids = mv->apic_ids;
	t->nblocks = mv->nblocks;
	memcpy(t->blocks, mv->blocks, mv->nblocks * sizeof(mv->blocks[0]));
	t->ndevs = mv->ndevs;
	memcpy(t->devs, mv->devs, mv->ndevs * sizeof(mv->devs[0]));
}

json_object *ops_take_call(const struct ops_take_request *t, const char *mount)
{
	json_object *call = json_object_new_object(), *p = json_object_new_object();
	json_object *cpus = json_object_new_array(), *mem = json_object_new_array();
	json_object *devs = json_object_new_array();
	char name[MINT_BDF_STRLEN];

	for (int a = mint_cpuset_next(&t->apic_ids, 0); a >= 0;
	     a = mint_cpuset_next(&t->apic_ids, (unsigned)a + 1))
		json_object_array_add(cpus, json_object_new_int(a));
	for (size_t i = 0; i < t->nblocks; i++)
		json_object_array_add(mem, json_object_new_int64((int64_t)t->blocks[i]));
	for (size_t i = 0; i < t->ndevs; i++) {
		mint_format_bdf(&t->devs[i], name);
		json_object_array_add(devs, json_object_new_string(name));
	}
	json_object_object_add(p, "apic_ids", cpus);
	json_object_object_add(p, "memory", mem);
	json_object_object_add(p, "devices", devs);
	if (mount)
		json_object_object_add(p, "mount", json_object_new_string(mount));
	json_object_object_add(call, "method", json_object_new_string(MINT_INTERFACE ".TakeResources"));
	json_object_object_add(call, "parameters", p);
	return call;
}

/* ---- taking back what the target did not take ---- */

static bool is_free(struct mintd *d, uint32_t type, uint64_t id)
{
	switch (type) {
	case MINT_RES_CPU:
		return mint_dev_cpu_owner(&d->dev, (unsigned)id) == MINT_OWNER_FREE;
	case MINT_RES_MEM:
		return mint_dev_mem_owner(&d->dev, id) == MINT_OWNER_FREE;
	default: {
		struct mint_bdf b = mint_bdf_from_devfn((uint16_t)(id >> 16), (uint8_t)(id >> 8),
							(uint8_t)id);

		return mint_dev_pci_owner(&d->dev, &b) == MINT_OWNER_FREE;
	}
	}
}

int ops_take_back_free(struct mintd *d, const struct ops_take_request *t, char *note, size_t len)
{
	struct ops_take_request *back = calloc(1, sizeof(*back));
	struct ops_take_result *res = calloc(1, sizeof(*res));
	struct mint_error err = {0};
	size_t held = 0;
	int ret = 0;

	if (!back || !res) {
		free(back);
		free(res);
		return mint_fail(NULL, MINT_E_SYSTEM, "out of memory");
	}
	mint_cpuset_clear(&back->apic_ids);
	for (int a = mint_cpuset_next(&t->apic_ids, 0); a >= 0;
	     a = mint_cpuset_next(&t->apic_ids, (unsigned)a + 1)) {
		if (is_free(d, MINT_RES_CPU, (uint64_t)a))
			mint_cpuset_add(&back->apic_ids, (unsigned)a);
		else if (mint_dev_cpu_owner(&d->dev, (unsigned)a) != (uint32_t)d->self)
			held++;
	}
	for (size_t i = 0; i < t->nblocks; i++) {
		if (is_free(d, MINT_RES_MEM, t->blocks[i]))
			back->blocks[back->nblocks++] = t->blocks[i];
		else if (mint_dev_mem_owner(&d->dev, t->blocks[i]) != (uint32_t)d->self)
			held++;
	}
	for (size_t i = 0; i < t->ndevs; i++) {
		if (is_free(d, MINT_RES_PCI, mint_bdf_res_id(&t->devs[i])))
			back->devs[back->ndevs++] = t->devs[i];
		else if (mint_dev_pci_owner(&d->dev, &t->devs[i]) != (uint32_t)d->self)
			held++;
	}
	ops_take(d, back, res, &err);
	if (res->nleft) {
		snprintf(note, len, "could not take back %s", res->left[0]);
		ret = -1;
	} else if (held) {
		snprintf(note, len, "%zu resource(s) stay with the target", held);
	}
	free(back);
	free(res);
	return ret;
}

/* ---- the transaction ---- */

/* The target's answer: what it took, what it left FREE. */
static int ask_target(struct mintd *d, struct ops_move *mv, struct mint_error *err)
{
	struct ops_take_request *t = calloc(1, sizeof(*t));
	json_object *call, *final = NULL, *e, *p, *left;
	int ret;

	if (!t)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	fill_take(mv, t);
	call = ops_take_call(t, mv->mount);
	free(t);
	ret = peer_call(d, (uint32_t)mv->to, 0, call, NULL, NULL, &final, err);
	json_object_put(call);
	if (ret)
		return -1;
	if (json_object_object_get_ex(final, "error", &e)) {
		const char *msg = "";

		if (json_object_object_get_ex(final, "parameters", &p) &&
		    json_object_object_get_ex(p, "message", &left))
			msg = json_object_get_string(left);
		ret = mint_fail(err, MINT_E_SYSTEM, "node%d refused to take them: %s", mv->to,
				msg[0] ? msg : json_object_get_string(e));
	} else if (json_object_object_get_ex(final, "parameters", &p)) {
		mv->taken = json_object_get(p);
		if (json_object_object_get_ex(p, "left", &left) &&
		    json_object_array_length(left) > 0)
			ret = mint_fail(err, MINT_E_SYSTEM, "node%d could not take %s", mv->to,
					json_object_get_string(json_object_array_get_idx(left, 0)));
	}
	json_object_put(final);
	return ret;
}

static json_object *move_intent(const struct ops_move *mv, json_object *what)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "to", json_object_new_int(mv->to));
	json_object_object_add(o, "kind", json_object_new_string(mv->kind));
	json_object_object_add(o, "what", what);
	return o;
}

/* What moved is the target's now: no longer recorded as released here. */
static void forget_moved(struct mintd *d, const struct ops_move *mv)
{
	uint64_t bs = d->dev.info.mem_block_size;
	struct mint_state *saved = mintd_state_begin(d, NULL);

	if (!saved)
		return;
	for (int c = mint_cpuset_next(&mv->cpus, 0); c >= 0; c = mint_cpuset_next(&mv->cpus, c + 1))
		mint_cpuset_del(&d->state.cpus, (unsigned)c);
	for (size_t i = 0; bs && i < mv->nblocks; i++)
		mint_state_del_mem(&d->state, (unsigned)(mv->blocks[i] / bs));
	for (size_t i = 0; i < mv->ndevs; i++)
		mint_state_del_dev(&d->state, &mv->devs[i]);
	mintd_state_commit(d, saved, NULL);
}

/*
 * Give up (done by @give_up), hand over, and take back what the target did not
 * take. @what is the kind's own part of the intent (taken over).
 */
static int transact(struct mintd *d, struct ops_move *mv, json_object *what,
		    int (*give_up)(struct mintd *d, struct ops_move *mv, struct mint_error *err),
		    struct mint_error *err)
{
	struct ops_take_request *t = calloc(1, sizeof(*t));
	json_object *intent = move_intent(mv, what);
	char note[MINT_ERR_MSG_MAX] = "";
	uint64_t id;
	int ret;

	if (!t) {
		json_object_put(intent);
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	}
	ret = intent_begin(d, "move", intent, &id, err);
	json_object_put(intent);
	if (ret) {
		free(t);
		return -1;
	}
	ret = give_up(d, mv, err);
	if (!ret) {
		intent_step_done();
		progress(mv, "node%d takes them", mv->to);
		ret = ask_target(d, mv, err);
		if (ret) {
			/* What the target did not claim is FREE: it comes back here. */
			fill_take(mv, t);
			if (ops_take_back_free(d, t, note, sizeof(note)) || note[0])
				mint_error_append(err, "%s", note);
			else
				mint_error_append(err, "everything is back on node%d", d->self);
		}
	}
	if (!ret)
		forget_moved(d, mv);
	intent_end(d, id, ret, err);
	free(t);
	return ret;
}

/* ---- CPUs ---- */

static int give_up_cpus(struct mintd *d, struct ops_move *mv, struct mint_error *err)
{
	char list[64];

	/* FREE ones (released here, or left free at boot) need nothing. */
	if (mint_cpuset_empty(&mv->owned))
		return 0;
	mint_cpuset_format(&mv->owned, list, sizeof(list));
	progress(mv, "offline CPU%s %s and free them", mint_cpuset_count(&mv->owned) > 1 ? "s" : "",
		 list);
	return ops_cpus_give_up(d, &mv->owned, err);
}

int ops_move_cpus(struct mintd *d, struct ops_move *mv, struct mint_error *err)
{
	if (ops_move_check_target(d, mv->to, err) ||
	    ops_cpus_check_give(d, &mv->cpus, &mv->owned, err))
		return -1;
	mv->kind = "cpus";
	mint_cpuset_format(&mv->cpus, mv->desc, sizeof(mv->desc));
	mint_cpuset_clear(&mv->apic_ids);
	pthread_mutex_lock(&d->lock);
	for (int c = mint_cpuset_next(&mv->cpus, 0); c >= 0; c = mint_cpuset_next(&mv->cpus, c + 1))
		if (d->apic_cache[c] >= 0)
			mint_cpuset_add(&mv->apic_ids, (unsigned)d->apic_cache[c]);
	pthread_mutex_unlock(&d->lock);
	if (mint_cpuset_count(&mv->apic_ids) != mint_cpuset_count(&mv->cpus))
		return mint_fail(err, MINT_E_STATE,
				 "the APIC ID of CPU %s is unknown (it was never online here)",
				 mv->desc);
	return transact(d, mv, ops_cpus_intent(d, &mv->cpus), give_up_cpus, err);
}

/* ---- memory ---- */

static int give_up_mem(struct mintd *d, struct ops_move *mv, struct mint_error *err)
{
	uint64_t bs = d->dev.info.mem_block_size;

	/* FREE blocks (mv->blocks[0..nblocks)) need nothing; the rest go offline here. */
	if (!mv->mem->res.nblocks)
		return 0;
	if (ops_mem_give_up(d, mv->mem, mv->progress, mv->data, err))
		return -1;
	/* The blocks that went offline (the kernel zeroed them before they became FREE). */
	for (size_t i = 0; i < mv->mem->res.nblocks; i++)
		mv->blocks[mv->nblocks++] = (uint64_t)mv->mem->res.blocks[i] * bs;
	return 0;
}

/* FREE blocks first (released here, or left free at node0's boot): highest first. */
static size_t pick_free_blocks(struct mintd *d, size_t need, struct ops_move *mv)
{
	struct mint_model m;
	size_t n = 0;

	if (ops_scan(d, MODEL_MEM | MODEL_FREE_MEM, &m, NULL))
		return 0;
	for (size_t i = m.nmem; i-- > 0 && n < need;)
		if (m.mem[i].owner == MINT_FREE && !m.mem[i].online)
			mv->blocks[n++] = m.mem[i].base;
	mint_model_free(&m);
	return n;
}

static json_object *mem_move_intent(struct mintd *d, struct ops_move *mv)
{
	json_object *o = ops_mem_intent(mv->mem), *blocks;
	uint64_t bs = d->dev.info.mem_block_size;

	if (json_object_object_get_ex(o, "blocks", &blocks))
		for (size_t i = 0; i < mv->nblocks; i++)
			json_object_array_add(blocks, json_object_new_int((int)(mv->blocks[i] / bs)));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)mv->bytes));
	return o;
}

int ops_move_mem(struct mintd *d, struct ops_move *mv, struct mint_error *err)
{
	uint64_t bs = d->dev.info.mem_block_size, rest;
	int ret = 0;

	if (ops_move_check_target(d, mv->to, err) ||
	    mint_check_mem_size(mv->bytes, bs, err))
		return -1;
	mv->kind = "memory";
	mint_format_size(mv->bytes, mv->desc, sizeof(mv->desc));
	mv->mem = calloc(1, sizeof(*mv->mem));
	if (!mv->mem)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	mv->nblocks = pick_free_blocks(d, mv->bytes / bs, mv);
	rest = mv->bytes - mv->nblocks * bs;
	if (rest && ops_mem_pick(d, rest, true, mv->mem, err)) {
		char have[32];

		mint_format_size(mv->nblocks * bs, have, sizeof(have));
		if (mv->nblocks)
			mint_error_append(err, "besides %s that is free already", have);
		ret = -1;
	}
	if (!ret)
		ret = transact(d, mv, mem_move_intent(d, mv), give_up_mem, err);
	free(mv->mem);
	mv->mem = NULL;
	return ret;
}

/* ---- PCI devices ---- */

static int give_up_dev(struct mintd *d, struct ops_move *mv, struct mint_error *err)
{
	struct mint_pci_release rel;

	for (size_t i = 0; i < mv->ndevs; i++) {
		char name[MINT_BDF_STRLEN];

		mint_format_bdf(&mv->pci[i].bdf, name);
		progress(mv, "unbind PCI device %s%s%s and free it", name,
			 mv->pci[i].driver[0] ? " from " : "", mv->pci[i].driver);
		if (ops_dev_give_up(d, &mv->pci[i], &rel, err)) {
			struct ops_take_request *t = calloc(1, sizeof(*t));
			char note[256] = "";

			/* The ones given up already come back before the error goes out. */
			if (t) {
				t->ndevs = i;
				memcpy(t->devs, mv->devs, i * sizeof(mv->devs[0]));
				ops_take_back_free(d, t, note, sizeof(note));
				free(t);
			}
			return -1;
		}
		if (rel.module_unloaded)
			progress(mv, "module %s unloaded", rel.module);
	}
	return 0;
}

int ops_move_devs(struct mintd *d, struct ops_move *mv, struct mint_error *err)
{
	json_object *what;

	if (ops_move_check_target(d, mv->to, err))
		return -1;
	mv->kind = mv->kind ? mv->kind : "devices";
	for (size_t i = 0; i < mv->ndevs; i++) {
		if (ops_dev_check_release(d, &mv->devs[i], &mv->pci[i], err))
			return -1;
		/* A secondary has no IOAPIC: only message-signalled interrupts reach it. */
		if (!mv->pci[i].msi && mv->to != 0) {
			char name[MINT_BDF_STRLEN];

			mint_format_bdf(&mv->devs[i], name);
			return mint_fail(err, MINT_E_UNSUPPORTED,
					 "PCI device %s has no MSI or MSI-X capability: node%d "
					 "cannot take its interrupts (only node0 has an IOAPIC)",
					 name, mv->to);
		}
	}
	what = json_object_new_array();
	for (size_t i = 0; i < mv->ndevs; i++)
		json_object_array_add(what, ops_dev_intent(&mv->devs[i], mv->pci[i].driver,
							   mv->pci[i].module));
	return transact(d, mv, what, give_up_dev, err);
}

void ops_move_free(struct ops_move *mv)
{
	json_object_put(mv->taken);
	mv->taken = NULL;
}
