// SPDX-License-Identifier: GPL-2.0
/*
 * Crash recovery: the journal's intents that have no outcome are operations
 * a previous mintd was in the middle of when it died. Each is finished or
 * undone from what the machine shows now, resource by resource, so that
 * every resource is again either this node's (online, bound), recorded as
 * released (offline or held by pci-stub, FREE in the table), or with the
 * node it was given to — never lost, never owned twice:
 *
 *   release    the kernel already let go: finish (FREE, recorded as released);
 *              otherwise nothing happened;
 *   reclaim    claimed again (or no Mint kernel): finish (online, bound, the
 *              record dropped); otherwise it stays released;
 *   move, boot given to the other node: done; still here or FREE: undone
 *              (claimed again and back online); a node that booted from it
 *              but is not running is stopped first;
 *   take       claimed by this node: finish (brought into this kernel);
 *              FREE: left for the node it came from.
 */
#include "ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "intent.h"
#include "journal.h"
#include "log.h"
#include "memory.h"
#include "module.h"
#include "op_move.h"
#include "sysfs.h"
#include "sysroot.h"
#include "util.h"

#define BOOT_SETTLE_MS 30000 /* how long a node that was booting gets to come up */

struct recovery {
	struct mintd *d;
	const struct mint_journal_entry *e;
	char done[MINT_ERR_MSG_MAX]; /* what recovery did, for the journal and the log */
};

static void did(struct recovery *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void did(struct recovery *r, const char *fmt, ...)
{
	size_t len = strlen(r->done);
	va_list ap;

	if (len + 3 >= sizeof(r->done))
		return;
	if (len)
		strcat(r->done, "; ");
	va_start(ap, fmt);
	vsnprintf(r->done + strlen(r->done), sizeof(r->done) - strlen(r->done), fmt, ap);
	va_end(ap);
}

/* ---- reading an intent (written by this program, but the file may be damaged) ---- */

static json_object *member(json_object *o, const char *key, json_type type)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

static int int_at(json_object *arr, size_t i, int dflt)
{
	json_object *v = json_object_array_get_idx(arr, i);

	return v && json_object_is_type(v, json_type_int) ? json_object_get_int(v) : dflt;
}

static size_t len_of(json_object *arr)
{
	return arr ? json_object_array_length(arr) : 0;
}

/* ---- who owns what now ---- */

static int cpu_owner(struct mintd *d, int apic)
{
	uint32_t o;

	if (!d->mint_kernel || apic < 0)
		return d->self;
	o = mint_dev_cpu_owner(&d->dev, (unsigned)apic);
	return o == MINT_OWNER_FREE ? MINT_FREE : (int)o;
}

static int mem_owner(struct mintd *d, unsigned block)
{
	uint32_t o;

	if (!d->mint_kernel)
		return d->self;
	o = mint_dev_mem_owner(&d->dev, (uint64_t)block * d->dev.info.mem_block_size);
	return o == MINT_OWNER_FREE ? MINT_FREE : (int)o;
}

static int pci_owner(struct mintd *d, const struct mint_bdf *bdf)
{
	uint32_t o;

	if (!d->mint_kernel)
		return d->self;
	o = mint_dev_pci_owner(&d->dev, bdf);
	return o == MINT_OWNER_FREE ? MINT_FREE : (int)o;
}

static bool cpu_online(unsigned cpu)
{
	return mint_cpu_is_online(cpu);
}

/* ---- the released record ---- */

static void record(struct mintd *d, int cpu, int block, const struct mint_pci_release *dev,
		   bool released)
{
	struct mint_state *saved = mintd_state_begin(d, NULL);

	if (!saved)
		return;
	if (cpu >= 0)
		released ? mint_cpuset_add(&d->state.cpus, (unsigned)cpu)
			 : mint_cpuset_del(&d->state.cpus, (unsigned)cpu);
	if (block >= 0) {
		if (released)
			mint_state_add_mem(&d->state, (unsigned)block);
		else
			mint_state_del_mem(&d->state, (unsigned)block);
	}
	if (dev) {
		if (released && !mint_state_dev(&d->state, &dev->bdf))
			mint_state_add_dev(&d->state, dev);
		else if (!released)
			mint_state_del_dev(&d->state, &dev->bdf);
	}
	mintd_state_commit(d, saved, NULL);
}

/* ---- bringing a resource (back) into this node ---- */

static void claim(struct mintd *d, uint32_t type, uint64_t id)
{
	if (d->mint_kernel)
		mint_dev_claim(&d->dev, type, (uint32_t)d->self, id, NULL);
}

static void cpu_back(struct recovery *r, unsigned cpu, int apic)
{
	struct mint_error err = {0};

	if (cpu_owner(r->d, apic) == MINT_FREE)
		claim(r->d, MINT_RES_CPU, (uint64_t)apic);
	if (!cpu_online(cpu) && mint_cpu_set_online(cpu, true, &err))
		did(r, "CPU %u could not be onlined: %s", cpu, err.msg);
	else
		did(r, "CPU %u is online", cpu);
	record(r->d, (int)cpu, -1, NULL, false);
}

static void mem_back(struct recovery *r, unsigned block)
{
	struct mint_error err = {0};

	if (mem_owner(r->d, block) == MINT_FREE)
		claim(r->d, MINT_RES_MEM, (uint64_t)block * r->d->dev.info.mem_block_size);
	if (!mint_mem_block_exists(block) &&
	    mint_mem_probe((uint64_t)block * r->d->dev.info.mem_block_size, &err))
		did(r, "memory block %u could not be added: %s", block, err.msg);
	else if (!mint_mem_is_online(block) && mint_mem_online(block, &err))
		did(r, "memory block %u could not be onlined: %s", block, err.msg);
	else
		did(r, "memory block %u is online", block);
	record(r->d, -1, (int)block, NULL, false);
}

static void dev_back(struct recovery *r, const struct mint_pci_release *rel)
{
	struct mint_error err = {0};
	char name[MINT_BDF_STRLEN];

	mint_format_bdf(&rel->bdf, name);
	if (pci_owner(r->d, &rel->bdf) == MINT_FREE)
		claim(r->d, MINT_RES_PCI, mint_bdf_res_id(&rel->bdf));
	if (rel->module[0] && !mint_module_loaded(rel->module))
		mint_module_load(rel->module, NULL);
	if (mint_pci_adopt(&rel->bdf, NULL, 0, &err))
		did(r, "PCI device %s could not be bound again: %s", name, err.msg);
	else
		did(r, "PCI device %s is bound again", name);
	record(r->d, -1, -1, rel, false);
}

/* ---- giving a resource up for good (a release that had begun) ---- */

static void cpu_released(struct recovery *r, unsigned cpu, int apic)
{
	if (cpu_online(cpu)) /* the kernel never let go: nothing happened */
		return;
	if (r->d->mint_kernel && cpu_owner(r->d, apic) == r->d->self)
		mint_dev_release(&r->d->dev, MINT_RES_CPU, (uint32_t)r->d->self, (uint64_t)apic,
				 NULL);
	record(r->d, (int)cpu, -1, NULL, true);
	did(r, "CPU %u is released", cpu);
}

static void mem_released(struct recovery *r, unsigned block)
{
	uint64_t base = (uint64_t)block * (r->d->mint_kernel ? r->d->dev.info.mem_block_size : 0);

	if (!mint_mem_block_exists(block) || mint_mem_is_online(block))
		return;
	if (r->d->mint_kernel && mem_owner(r->d, block) == r->d->self)
		mint_dev_release(&r->d->dev, MINT_RES_MEM, (uint32_t)r->d->self, base, NULL);
	record(r->d, -1, (int)block, NULL, true);
	did(r, "memory block %u is released", block);
}

static bool bound_to(const struct mint_bdf *bdf, const char *drv)
{
	char path[PATH_MAX], name[MINT_BDF_STRLEN], cur[64] = "";

	mint_format_bdf(bdf, name);
	mint_path(path, "/sys/bus/pci/devices/%s/driver", name);
	mint_link_basename(path, cur, sizeof(cur));
	return !strcmp(cur, drv);
}

static void dev_released(struct recovery *r, const struct mint_pci_release *rel)
{
	char name[MINT_BDF_STRLEN];

	mint_format_bdf(&rel->bdf, name);
	if (!bound_to(&rel->bdf, MINT_PCI_STUB)) {
		/* Unbound but not yet held by pci-stub, or never unbound: give it its driver. */
		if (!bound_to(&rel->bdf, rel->driver))
			dev_back(r, rel);
		return;
	}
	if (r->d->mint_kernel && pci_owner(r->d, &rel->bdf) == r->d->self)
		mint_dev_release(&r->d->dev, MINT_RES_PCI, (uint32_t)r->d->self,
				 mint_bdf_res_id(&rel->bdf), NULL);
	record(r->d, -1, -1, rel, true);
	did(r, "PCI device %s is released", name);
}

/* ---- per kind of intent ---- */

static bool parse_dev(json_object *o, struct mint_pci_release *rel)
{
	json_object *a = member(o, "address", json_type_string);
	json_object *drv = member(o, "driver", json_type_string);
	json_object *mod = member(o, "module", json_type_string);

	memset(rel, 0, sizeof(*rel));
	if (!a || mint_parse_bdf(json_object_get_string(a), &rel->bdf, NULL))
		return false;
	snprintf(rel->driver, sizeof(rel->driver), "%s", drv ? json_object_get_string(drv) : "");
	snprintf(rel->module, sizeof(rel->module), "%s", mod ? json_object_get_string(mod) : "");
	/* A release unloads the module only when no other device needs it; reload if missing. */
	rel->module_unloaded = rel->module[0] != '\0';
	return true;
}

/* CPUs of @o ({cpus, apic_ids}); @back: bring them back here, else finish a release. */
static void each_cpu(struct recovery *r, json_object *o, int keep_owner, bool back)
{
	json_object *cpus = member(o, "cpus", json_type_array);
	json_object *apic = member(o, "apic_ids", json_type_array);

	for (size_t i = 0; i < len_of(cpus); i++) {
		int c = int_at(cpus, i, -1), a = int_at(apic, i, -1);
		int owner = cpu_owner(r->d, a);

		if (c < 0 || c >= MINT_CPUSET_MAX)
			continue;
		if (a >= 0 && r->d->apic_cache[c] < 0)
			r->d->apic_cache[c] = a;
		if (keep_owner >= 0 && owner == keep_owner) {
			did(r, "CPU %d is node%d's", c, owner);
			continue;
		}
		if (owner != MINT_FREE && owner != r->d->self) {
			did(r, "CPU %d is node%d's", c, owner);
			continue;
		}
		if (back)
			cpu_back(r, (unsigned)c, a);
		else
			cpu_released(r, (unsigned)c, a);
	}
}

static void each_block(struct recovery *r, json_object *blocks, int keep_owner, bool back)
{
	for (size_t i = 0; i < len_of(blocks); i++) {
		int b = int_at(blocks, i, -1), owner;

		if (b < 0)
			continue;
		owner = mem_owner(r->d, (unsigned)b);
		if (owner != MINT_FREE && owner != r->d->self) {
			if (keep_owner < 0 || owner == keep_owner)
				did(r, "memory block %d is node%d's", b, owner);
			continue;
		}
		/* A candidate the release never took is still online: nothing to do. */
		if (back) {
			if (owner == MINT_FREE || !mint_mem_is_online((unsigned)b))
				mem_back(r, (unsigned)b);
		} else {
			mem_released(r, (unsigned)b);
		}
	}
}

static void each_dev(struct recovery *r, json_object *devs, bool back)
{
	for (size_t i = 0; i < len_of(devs); i++) {
		struct mint_pci_release rel;
		int owner;

		if (!parse_dev(json_object_array_get_idx(devs, i), &rel))
			continue;
		owner = pci_owner(r->d, &rel.bdf);
		if (owner != MINT_FREE && owner != r->d->self) {
			char name[MINT_BDF_STRLEN];

			mint_format_bdf(&rel.bdf, name);
			did(r, "PCI device %s is node%d's", name, owner);
			continue;
		}
		if (back) {
			if (owner == MINT_FREE || bound_to(&rel.bdf, MINT_PCI_STUB) ||
			    !bound_to(&rel.bdf, rel.driver))
				dev_back(r, &rel);
		} else {
			dev_released(r, &rel);
		}
	}
}

/* A reclaim that had begun: what this node claimed again comes online; the rest stays released. */
static void recover_reclaim(struct recovery *r, json_object *in, const char *kind)
{
	if (!strcmp(kind, "cpu")) {
		json_object *cpus = member(in, "cpus", json_type_array);
		json_object *apic = member(in, "apic_ids", json_type_array);

		for (size_t i = 0; i < len_of(cpus); i++) {
			int c = int_at(cpus, i, -1), a = int_at(apic, i, -1);

			if (c >= 0 && c < MINT_CPUSET_MAX && cpu_owner(r->d, a) == r->d->self)
				cpu_back(r, (unsigned)c, a);
		}
	} else if (!strcmp(kind, "mem")) {
		json_object *blocks = member(in, "blocks", json_type_array);

		for (size_t i = 0; i < len_of(blocks); i++) {
			int b = int_at(blocks, i, -1);

			if (b >= 0 && mem_owner(r->d, (unsigned)b) == r->d->self)
				mem_back(r, (unsigned)b);
		}
	} else {
		struct mint_pci_release rel;

		if (parse_dev(in, &rel) && pci_owner(r->d, &rel.bdf) == r->d->self)
			dev_back(r, &rel);
	}
}

/* A node this node was booting: running means the boot is done; otherwise it is stopped. */
static int settle_boot(struct recovery *r, int node)
{
	long long deadline = mint_now_ms() + BOOT_SETTLE_MS;
	uint32_t state = MINT_NODE_UNUSED;
	struct mint_error err = {0};

	if (!r->d->mint_kernel || node <= 0 || node >= MINT_MAX_NODES)
		return -1;
	while (!mint_dev_node_state(&r->d->dev, (uint32_t)node, &state, NULL) &&
	       state == MINT_NODE_BOOTING && mint_now_ms() < deadline)
		mint_sleep_ms(100);
	if (state == MINT_NODE_RUNNING) {
		did(r, "node%d is running", node);
		return 0;
	}
	if (state != MINT_NODE_UNUSED && state != MINT_NODE_HALTED) {
		if (mint_dev_stop(&r->d->dev, (uint32_t)node, MINT_STOP_FORCE, NULL, &err))
			did(r, "node%d could not be stopped: %s", node, err.msg);
		else
			did(r, "node%d (%s) was stopped", node, mint_node_state_name(state));
	}
	return -1;
}

/* A take that had begun: what this node claimed but did not bring in yet is brought in. */
static void recover_take(struct recovery *r, json_object *in)
{
	json_object *apic = member(in, "apic_ids", json_type_array);
	json_object *mem = member(in, "memory", json_type_array);
	json_object *devs = member(in, "devices", json_type_array);
	struct ops_take_request *t = calloc(1, sizeof(*t));
	struct ops_take_result *res = calloc(1, sizeof(*res));
	int *map = calloc(MINT_CPUSET_MAX, sizeof(*map));
	uint64_t bs = r->d->dev.info.mem_block_size;
	struct mint_error err = {0};

	if (!t || !res || !map || !r->d->mint_kernel)
		goto out;
	mint_dev_cpu_map(&r->d->dev, map, MINT_CPUSET_MAX, NULL);
	/* Claimed but not in use here: set it FREE again, and take it the usual way. */
	for (size_t i = 0; i < len_of(apic); i++) {
		int a = int_at(apic, i, -1), cpu = -1;

		for (int c = 0; c < MINT_CPUSET_MAX && a >= 0; c++)
			if (map[c] == a)
				cpu = c;
		if (cpu < 0 || cpu_owner(r->d, a) != r->d->self || cpu_online((unsigned)cpu))
			continue;
		if (!mint_dev_release(&r->d->dev, MINT_RES_CPU, (uint32_t)r->d->self, (uint64_t)a,
				      NULL))
			mint_cpuset_add(&t->apic_ids, (unsigned)a);
	}
	for (size_t i = 0; bs && i < len_of(mem) && t->nblocks < MINT_MAX_MEM_BLOCKS; i++) {
		json_object *v = json_object_array_get_idx(mem, i);
		uint64_t base = v && json_object_is_type(v, json_type_int)
				    ? (uint64_t)json_object_get_int64(v)
				    : 1;
		unsigned b = (unsigned)(base / bs);

		if (base % bs || mem_owner(r->d, b) != r->d->self ||
		    (mint_mem_block_exists(b) && mint_mem_is_online(b)))
			continue;
		if (!mint_dev_release(&r->d->dev, MINT_RES_MEM, (uint32_t)r->d->self, base, NULL))
			t->blocks[t->nblocks++] = base;
	}
	for (size_t i = 0; i < len_of(devs) && t->ndevs < MINT_MAX_PCI; i++) {
		json_object *v = json_object_array_get_idx(devs, i);
		struct mint_bdf bdf;
		char path[PATH_MAX], name[MINT_BDF_STRLEN], drv[64] = "";

		if (!v || !json_object_is_type(v, json_type_string) ||
		    mint_parse_bdf(json_object_get_string(v), &bdf, NULL) ||
		    pci_owner(r->d, &bdf) != r->d->self)
			continue;
		mint_format_bdf(&bdf, name);
		mint_link_basename(mint_path(path, "/sys/bus/pci/devices/%s/driver", name), drv,
				   sizeof(drv));
		if (drv[0] && strcmp(drv, MINT_PCI_STUB))
			continue;
		if (!mint_dev_release(&r->d->dev, MINT_RES_PCI, (uint32_t)r->d->self,
				      mint_bdf_res_id(&bdf), NULL))
			t->devs[t->ndevs++] = bdf;
	}
	if (mint_cpuset_empty(&t->apic_ids) && !t->nblocks && !t->ndevs) {
		did(r, "what this node had claimed is in use here; the rest is free");
		goto out;
	}
	ops_take(r->d, t, res, &err);
	did(r, "took %d CPU(s), %llu bytes of memory and %zu device(s) into this kernel%s%s",
	    mint_cpuset_count(&res->cpus), (unsigned long long)res->memory_bytes, res->ndevs,
	    res->nleft ? "; left free: " : "", res->nleft ? res->left[0] : "");
out:
	free(t);
	free(res);
	free(map);
}

/*
 * A node that never started (or was stopped) may still own what the boot had
 * claimed for it: set that FREE, so it can come back here. The kernel allows it
 * only for a node that is not booting or running.
 */
static void release_unstarted(struct recovery *r, int node)
{
	struct mint_node_view *v = calloc(1, sizeof(*v));

	if (!v || !r->d->mint_kernel || node <= 0 ||
	    mint_dev_node_view(&r->d->dev, (uint32_t)node, v)) {
		free(v);
		return;
	}
	for (int a = mint_cpuset_next(&v->apic_ids, 0); a >= 0;
	     a = mint_cpuset_next(&v->apic_ids, (unsigned)a + 1))
		mint_dev_release(&r->d->dev, MINT_RES_CPU, (uint32_t)node, (uint64_t)a, NULL);
	for (size_t i = 0; i < v->nblocks; i++)
		mint_dev_release(&r->d->dev, MINT_RES_MEM, (uint32_t)node, v->blocks[i], NULL);
	for (size_t i = 0; i < v->ndevs; i++)
		mint_dev_release(&r->d->dev, MINT_RES_PCI, (uint32_t)node,
				 mint_bdf_res_id(&v->devs[i]), NULL);
	if (v->nblocks || v->ndevs || !mint_cpuset_empty(&v->apic_ids))
		did(r, "what node%d had been given is free again", node);
	free(v);
}

static void recover_one(struct recovery *r)
{
	json_object *in = r->e->intent;
	const char *op = r->e->op;

	if (!strcmp(op, "cpu-release")) {
		each_cpu(r, in, -1, false);
	} else if (!strcmp(op, "mem-release")) {
		each_block(r, member(in, "blocks", json_type_array), -1, false);
	} else if (!strcmp(op, "dev-release")) {
		json_object *one = json_object_new_array();

		json_object_array_add(one, json_object_get(in));
		each_dev(r, one, false);
		json_object_put(one);
	} else if (!strcmp(op, "cpu-reclaim")) {
		recover_reclaim(r, in, "cpu");
	} else if (!strcmp(op, "mem-reclaim")) {
		recover_reclaim(r, in, "mem");
	} else if (!strcmp(op, "dev-reclaim")) {
		recover_reclaim(r, in, "dev");
	} else if (!strcmp(op, "move")) {
		json_object *to = member(in, "to", json_type_int), *what = json_object_object_get(in, "what");
		json_object *kind = member(in, "kind", json_type_string);
		int target = to ? json_object_get_int(to) : -1;
		const char *k = kind ? json_object_get_string(kind) : "";

		if (!strcmp(k, "cpus"))
			each_cpu(r, what, target, true);
		else if (!strcmp(k, "memory"))
			each_block(r, member(what, "blocks", json_type_array), target, true);
		else if (json_object_is_type(what, json_type_array))
			each_dev(r, what, true);
	} else if (!strcmp(op, "boot")) {
		json_object *node = member(in, "node", json_type_int);
		int n = node ? json_object_get_int(node) : -1;

		/* Running: everything is the new node's. Otherwise it comes back here. */
		if (settle_boot(r, n)) {
			release_unstarted(r, n);
			each_dev(r, member(in, "devices", json_type_array), true);
			each_block(r, member(in, "blocks", json_type_array), -1, true);
			each_cpu(r, in, -1, true);
		}
	} else if (!strcmp(op, "take")) {
		recover_take(r, in);
	} else if (strcmp(op, "call")) {
		did(r, "unknown operation %s left as it is", op);
	}
}

void ops_recover(struct mintd *d)
{
	struct mint_journal_load *l = calloc(1, sizeof(*l));
	struct mint_error err = {0};

	if (!l)
		return;
	if (mint_journal_load(d->state_dir, l, &err)) {
		mintd_warn(d, "cannot read the journal: %s", err.msg);
		free(l);
		return;
	}
	if (l->bad_lines)
		mintd_warn(d, "the journal has %zu damaged line(s); they were skipped", l->bad_lines);
	for (size_t i = 0; i < l->nopen; i++) {
		struct recovery r = {.d = d, .e = &l->open[i]};

		if (!strcmp(l->open[i].op, "call")) {
			intent_recovered(d, l->open[i].id, "interrupted: mintd stopped during the call");
			continue;
		}
		recover_one(&r);
		mintd_warn(d, "mintd had stopped during %s (by %s): %s", l->open[i].op, l->open[i].by,
			   r.done[0] ? r.done : "nothing had changed yet");
		intent_recovered(d, l->open[i].id, r.done[0] ? r.done : "nothing had changed");
	}
	mint_journal_load_free(l);
	free(l);
}
