// SPDX-License-Identifier: GPL-2.0
/*
 * Taking FREE resources into this node: the half of a hand-over that runs on
 * the receiving node (after a node was stopped, or a resource was moved).
 * Each resource is taken on its own: claimed in the table, then brought
 * into this kernel (CPU onlined, memory block added if this kernel never
 * had it and onlined, PCI function given back to its driver). What cannot
 * be taken is set FREE again and reported, never lost.
 */
#include "ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "disk.h"
#include "intent.h"
#include "log.h"
#include "memory.h"
#include "pcidev.h"
#include "sysfs.h"
#include "sysroot.h"
#include "util.h"

static void note_left(struct ops_take_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void note_left(struct ops_take_result *res, const char *fmt, ...)
{
	va_list ap;

	if (res->nleft >= OPS_TAKE_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(res->left[res->nleft++], sizeof(res->left[0]), fmt, ap);
	va_end(ap);
}

/* Forget a release this node had recorded for a resource it now owns again. */
static void forget_cpu(struct mintd *d, unsigned cpu)
{
	struct mint_state *saved = mintd_state_begin(d, NULL);

	if (!saved)
		return;
	mint_cpuset_del(&d->state.cpus, cpu);
	mintd_state_commit(d, saved, NULL);
}

static void forget_mem(struct mintd *d, unsigned index)
{
	struct mint_state *saved = mintd_state_begin(d, NULL);

	if (!saved)
		return;
	mint_state_del_mem(&d->state, index);
	mintd_state_commit(d, saved, NULL);
}

/* ---- CPUs ---- */

static int logical_cpu(struct mintd *d, unsigned apic, struct mint_error *err)
{
	int *map = malloc(MINT_CPUSET_MAX * sizeof(*map));
	int cpu = -1;

	if (!map)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	if (!mint_dev_cpu_map(&d->dev, map, MINT_CPUSET_MAX, err)) {
		for (int c = 0; c < MINT_CPUSET_MAX && cpu < 0; c++)
			if (map[c] == (int)apic)
				cpu = c;
		if (cpu < 0)
			mint_fail(err, MINT_E_NOTFOUND,
				  "this kernel has no CPU with APIC ID %u", apic);
		else {
			/* Remember it: Linux shows APIC IDs only of online CPUs. */
			pthread_mutex_lock(&d->lock);
			d->apic_cache[cpu] = (int)apic;
			pthread_mutex_unlock(&d->lock);
		}
	}
	free(map);
	return cpu;
}

static int take_cpu(struct mintd *d, unsigned apic, struct ops_take_result *res,
		    struct mint_error *err)
{
	int cpu = logical_cpu(d, apic, err);

	if (cpu < 0)
		return -1;
	if (mint_dev_claim(&d->dev, MINT_RES_CPU, (uint32_t)d->self, apic, err))
		return -1;
	if (mint_cpu_set_online((unsigned)cpu, true, err)) {
		mint_dev_release(&d->dev, MINT_RES_CPU, (uint32_t)d->self, apic, NULL);
		return -1;
	}
	forget_cpu(d, (unsigned)cpu);
	mint_cpuset_add(&res->cpus, (unsigned)cpu);
	return 0;
}

/* ---- memory ---- */

static int take_mem(struct mintd *d, uint64_t base, struct ops_take_result *res,
		    struct mint_error *err)
{
	uint64_t bs = d->dev.info.mem_block_size;
	unsigned index = (unsigned)(base / bs);

	if (!bs || base % bs)
		return mint_fail(err, MINT_E_INVALID, "0x%llx is not the base of a memory block",
				 (unsigned long long)base);
	if (mint_dev_claim(&d->dev, MINT_RES_MEM, (uint32_t)d->self, base, err))
		return -1;
	/* A block this kernel never had (it came from another node) is added first. */
	if ((!mint_mem_block_exists(index) && mint_mem_probe(base, err)) ||
	    mint_mem_online(index, err)) {
		mint_dev_release(&d->dev, MINT_RES_MEM, (uint32_t)d->self, base, NULL);
		return -1;
	}
	forget_mem(d, index);
	res->memory_bytes += bs;
	return 0;
}

/* ---- PCI functions ---- */

static bool function_exists(const struct mint_bdf *bdf)
{
	char name[MINT_BDF_STRLEN], path[PATH_MAX];

	mint_format_bdf(bdf, name);
	return mint_path_exists(mint_path(path, "/sys/bus/pci/devices/%s", name));
}

static int take_dev(struct mintd *d, const struct mint_bdf *bdf, struct ops_take_result *res,
		    struct mint_error *err)
{
	struct mint_pci_release rel;
	char name[MINT_BDF_STRLEN];
	bool released;

	mint_format_bdf(bdf, name);
	pthread_mutex_lock(&d->lock);
	released = mint_state_dev(&d->state, bdf) != NULL;
	pthread_mutex_unlock(&d->lock);
	/* Released by this node: the usual reclaim brings driver and module back. */
	if (released) {
		if (ops_reclaim_dev(d, bdf, &rel, err))
			return -1;
		res->devs[res->ndevs++] = *bdf;
		return 0;
	}
	if (mint_dev_claim(&d->dev, MINT_RES_PCI, (uint32_t)d->self, mint_bdf_res_id(bdf), err))
		return -1;
	/* A function this kernel never had is added alone; its BARs stay where they are. */
	if (!function_exists(bdf) && mint_dev_pci_add(&d->dev, bdf, err)) {
		mint_dev_release(&d->dev, MINT_RES_PCI, (uint32_t)d->self, mint_bdf_res_id(bdf),
				 NULL);
		return -1;
	}
	if (mint_pci_adopt(bdf, NULL, 0, err)) {
		mint_dev_release(&d->dev, MINT_RES_PCI, (uint32_t)d->self, mint_bdf_res_id(bdf),
				 NULL);
		return -1;
	}
	res->devs[res->ndevs++] = *bdf;
	return 0;
}

/* ---- disks of the devices taken ---- */

#define DISK_APPEAR_MS 15000

/* A disk that cannot be mounted here goes back: its controller is given up (FREE). */
static void give_back_dev(struct mintd *d, const struct mint_bdf *bdf, struct ops_take_result *res,
			  const char *why)
{
	struct mint_pci_release rel;
	struct mint_error e = {0};
	struct mint_pcidev dev;
	char name[MINT_BDF_STRLEN];

	mint_format_bdf(bdf, name);
	if (ops_dev_check_release(d, bdf, &dev, &e) || ops_dev_give_up(d, &dev, &rel, &e)) {
		note_left(res, "disk of PCI device %s: %s (and it stays here: %s)", name, why,
			  e.msg);
		return;
	}
	for (size_t i = 0; i < res->ndevs; i++)
		if (!mint_bdf_cmp(&res->devs[i], bdf)) {
			res->devs[i] = res->devs[--res->ndevs];
			break;
		}
	note_left(res, "PCI device %s: %s", name, why);
}

static void take_disks(struct mintd *d, const struct ops_take_request *req,
		       struct ops_take_result *res)
{
	mint_disk_name names[MINT_DISK_MAX];
	struct mint_error e = {0};
	size_t n;

	for (size_t i = 0; i < res->ndevs && res->ndisks < ARRAY_SIZE(res->disks); i++) {
		n = mint_disk_wait(&res->devs[i], req->mount ? DISK_APPEAR_MS : 0, names,
				   MINT_DISK_MAX);
		for (size_t k = 0; k < n && res->ndisks < ARRAY_SIZE(res->disks); k++)
			snprintf(res->disks[res->ndisks++], sizeof(res->disks[0]), "%s", names[k]);
	}
	if (!req->mount || !res->ndevs)
		return;
	if (res->ndisks != 1) {
		give_back_dev(d, &res->devs[0], res,
			      res->ndisks ? "has several disks: mount them by hand"
					  : "no disk appeared, so nothing could be mounted");
		res->ndisks = 0;
		return;
	}
	/* The whole disk first, then its only partition. */
	if (mint_disk_mount(res->disks[0], 0, req->mount, NULL, NULL, &e) &&
	    mint_disk_mount(res->disks[0], 1, req->mount, NULL, NULL, NULL)) {
		give_back_dev(d, &res->devs[0], res, e.msg);
		res->ndisks = 0;
		return;
	}
	snprintf(res->mounted, sizeof(res->mounted), "%s", req->mount);
	log_msg(LOG_NOTICE, "disk %s mounted on %s", res->disks[0], req->mount);
}

static json_object *take_intent(const struct ops_take_request *req)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	json_object *m = json_object_new_array(), *v = json_object_new_array();
	char name[MINT_BDF_STRLEN];

	for (int c = mint_cpuset_next(&req->apic_ids, 0); c >= 0;
	     c = mint_cpuset_next(&req->apic_ids, (unsigned)c + 1))
		json_object_array_add(a, json_object_new_int(c));
	for (size_t i = 0; i < req->nblocks; i++)
		json_object_array_add(m, json_object_new_int64((int64_t)req->blocks[i]));
	for (size_t i = 0; i < req->ndevs; i++) {
		mint_format_bdf(&req->devs[i], name);
		json_object_array_add(v, json_object_new_string(name));
	}
	json_object_object_add(o, "apic_ids", a);
	json_object_object_add(o, "memory", m);
	json_object_object_add(o, "devices", v);
	return o;
}

int ops_take(struct mintd *d, const struct ops_take_request *req, struct ops_take_result *res,
	     struct mint_error *err)
{
	char name[MINT_BDF_STRLEN];
	json_object *intent;
	uint64_t id;
	int ret;

	memset(res, 0, sizeof(*res));
	if (!d->mint_kernel)
		return mint_fail(err, MINT_E_UNSUPPORTED,
				 "this kernel has no Mint support: it cannot take resources");
	intent = take_intent(req);
	ret = intent_begin(d, "take", intent, &id, err);
	json_object_put(intent);
	if (ret)
		return -1;
	for (int a = mint_cpuset_next(&req->apic_ids, 0); a >= 0;
	     a = mint_cpuset_next(&req->apic_ids, (unsigned)a + 1)) {
		struct mint_error e = {0};

		if (take_cpu(d, (unsigned)a, res, &e)) {
			note_left(res, "CPU with APIC ID %d: %s", a, e.msg);
			log_msg(LOG_WARNING, "could not take the CPU with APIC ID %d: %s", a, e.msg);
		}
	}
	for (size_t i = 0; i < req->nblocks; i++) {
		struct mint_error e = {0};

		if (take_mem(d, req->blocks[i], res, &e)) {
			note_left(res, "memory block at 0x%llx: %s",
				  (unsigned long long)req->blocks[i], e.msg);
			log_msg(LOG_WARNING, "could not take the memory block at 0x%llx: %s",
				(unsigned long long)req->blocks[i], e.msg);
		}
	}
	for (size_t i = 0; i < req->ndevs; i++) {
		struct mint_error e = {0};

		mint_format_bdf(&req->devs[i], name);
		if (take_dev(d, &req->devs[i], res, &e)) {
			note_left(res, "PCI device %s: %s", name, e.msg);
			log_msg(LOG_WARNING, "could not take PCI device %s: %s", name, e.msg);
		}
	}
	take_disks(d, req, res);
	intent_end(d, id, 0, NULL);
	return 0;
}

json_object *ops_take_json(const struct ops_take_result *res)
{
	json_object *o = json_object_new_object(), *cpus = json_object_new_array();
	json_object *devs = json_object_new_array(), *left = json_object_new_array();
	char name[MINT_BDF_STRLEN];

	for (int c = mint_cpuset_next(&res->cpus, 0); c >= 0;
	     c = mint_cpuset_next(&res->cpus, (unsigned)c + 1))
		json_object_array_add(cpus, json_object_new_int(c));
	for (size_t i = 0; i < res->ndevs; i++) {
		mint_format_bdf(&res->devs[i], name);
		json_object_array_add(devs, json_object_new_string(name));
	}
	for (size_t i = 0; i < res->nleft; i++)
		json_object_array_add(left, json_object_new_string(res->left[i]));
	json_object_object_add(o, "cpus", cpus);
	json_object_object_add(o, "memory_bytes", json_object_new_int64((int64_t)res->memory_bytes));
	json_object_object_add(o, "devices", devs);
	if (res->ndisks) {
		json_object *disks = json_object_new_array();

		for (size_t i = 0; i < res->ndisks; i++)
			json_object_array_add(disks, json_object_new_string(res->disks[i]));
		json_object_object_add(o, "disks", disks);
	}
	if (res->mounted[0])
		json_object_object_add(o, "mounted", json_object_new_string(res->mounted));
	json_object_object_add(o, "left", left);
	return o;
}
