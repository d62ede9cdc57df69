// SPDX-License-Identifier: GPL-2.0
/* Releasing resources of this node and reclaiming them: CPUs, memory, PCI devices. */
#include <stdlib.h>

#include "methods.h"
#include "ops.h"

static json_object *int_list(const struct mint_cpuset *set)
{
	json_object *arr = json_object_new_array();

	for (int c = mint_cpuset_next(set, 0); c >= 0; c = mint_cpuset_next(set, (unsigned)c + 1))
		json_object_array_add(arr, json_object_new_int(c));
	return arr;
}

/* ---- CPUs ---- */

struct cpus_args {
	struct mint_cpuset cpus;
};

static const struct param_spec cpus_params[] = {
    PARAM("cpus", PARAM_INT_LIST, false, struct cpus_args, cpus, param_cpus),
};

static void cpus_method(struct call *c, const struct cpus_args *a, bool release)
{
	struct mint_error err = {0};
	json_object *reply;

	if (release ? ops_release_cpus(c->d, &a->cpus, &err)
		    : ops_reclaim_cpus(c->d, &a->cpus, &err)) {
		call_fail(c, &err);
		return;
	}
	reply = json_object_new_object();
	json_object_object_add(reply, "cpus", int_list(&a->cpus));
	call_reply(c, reply);
}

static void release_cpus(struct call *c, void *args)
{
	cpus_method(c, args, true);
}

static void reclaim_cpus(struct call *c, void *args)
{
	cpus_method(c, args, false);
}

const struct method method_release_cpus = {
    .interface = MINT_INTERFACE,
    .name = "ReleaseCpus",
    .doc = "Take CPUs offline and mark them free.",
    .params = cpus_params,
    .nparams = 1,
    .returns = "(cpus: []int)",
    .args_size = sizeof(struct cpus_args),
    .modifies = true,
    .run = release_cpus,
};

const struct method method_reclaim_cpus = {
    .interface = MINT_INTERFACE,
    .name = "ReclaimCpus",
    .doc = "Take free CPUs back online.",
    .params = cpus_params,
    .nparams = 1,
    .returns = "(cpus: []int)",
    .args_size = sizeof(struct cpus_args),
    .modifies = true,
    .run = reclaim_cpus,
};

/* ---- memory ---- */

struct mem_args {
	uint64_t bytes;
};

static const struct param_spec mem_params[] = {
    PARAM("bytes", PARAM_INT, false, struct mem_args, bytes, param_bytes),
};

#define MEM_RETURNS "(bytes: ?int, blocks: ?[]int, done: ?int, total: ?int, step: ?string)"

static void mem_method(struct call *c, const struct mem_args *a, bool release)
{
	struct mint_error err = {0};
	struct ops_mem_result *res = malloc(sizeof(*res));
	json_object *reply, *blocks;
	int ret;

	if (!res) {
		call_failf(c, MINT_E_SYSTEM, "out of memory");
		return;
	}
	ret = release ? ops_release_mem(c->d, a->bytes, call_plan_progress, c, res, &err)
		      : ops_reclaim_mem(c->d, a->bytes, call_plan_progress, c, res, &err);
	if (ret) {
		call_fail(c, &err);
		free(res);
		return;
	}
	reply = json_object_new_object();
	blocks = json_object_new_array();
	for (size_t i = 0; i < res->nblocks; i++)
		json_object_array_add(blocks, json_object_new_int((int)res->blocks[i]));
	json_object_object_add(reply, "bytes", json_object_new_int64((int64_t)res->bytes));
	json_object_object_add(reply, "blocks", blocks);
	free(res);
	call_reply(c, reply);
}

static void release_memory(struct call *c, void *args)
{
	mem_method(c, args, true);
}

static void reclaim_memory(struct call *c, void *args)
{
	mem_method(c, args, false);
}

const struct method method_release_memory = {
    .interface = MINT_INTERFACE,
    .name = "ReleaseMemory",
    .doc = "Offline memory blocks worth bytes (movable blocks first, highest address\n"
	   "first) and mark them free. Called with \"more\", progress replies carry done,\n"
	   "total and step; the final reply carries bytes and the block numbers.",
    .params = mem_params,
    .nparams = 1,
    .returns = MEM_RETURNS,
    .args_size = sizeof(struct mem_args),
    .modifies = true,
    .run = release_memory,
};

const struct method method_reclaim_memory = {
    .interface = MINT_INTERFACE,
    .name = "ReclaimMemory",
    .doc = "Online released memory blocks worth bytes again (progress as ReleaseMemory).",
    .params = mem_params,
    .nparams = 1,
    .returns = MEM_RETURNS,
    .args_size = sizeof(struct mem_args),
    .modifies = true,
    .run = reclaim_memory,
};

/* ---- PCI functions ---- */

struct dev_args {
	struct mint_bdf bdf;
};

static const struct param_spec dev_params[] = {
    PARAM("address", PARAM_STRING, false, struct dev_args, bdf, param_bdf),
};

static void dev_method(struct call *c, const struct dev_args *a, bool release)
{
	struct mint_error err = {0};
	struct mint_pci_release res;
	char addr[MINT_BDF_STRLEN];
	json_object *reply;

	if (release ? ops_release_dev(c->d, &a->bdf, &res, &err)
		    : ops_reclaim_dev(c->d, &a->bdf, &res, &err)) {
		call_fail(c, &err);
		return;
	}
	mint_format_bdf(&a->bdf, addr);
	reply = json_object_new_object();
	json_object_object_add(reply, "address", json_object_new_string(addr));
	if (res.driver[0])
		json_object_object_add(reply, "driver", json_object_new_string(res.driver));
	if (release) {
		if (res.module[0])
			json_object_object_add(reply, "module", json_object_new_string(res.module));
		json_object_object_add(reply, "module_unloaded",
				       json_object_new_boolean(res.module_unloaded));
		if (res.module_note[0])
			json_object_object_add(reply, "note",
					       json_object_new_string(res.module_note));
	}
	call_reply(c, reply);
}

static void release_device(struct call *c, void *args)
{
	dev_method(c, args, true);
}

static void reclaim_device(struct call *c, void *args)
{
	dev_method(c, args, false);
}

const struct method method_release_device = {
    .interface = MINT_INTERFACE,
    .name = "ReleaseDevice",
    .doc = "Unbind a PCI function's driver, keep it claimed by pci-stub and unload the\n"
	   "driver's module when nothing else uses it, then mark it free. driver and\n"
	   "module are absent when it had none; note says why a module stayed loaded.",
    .params = dev_params,
    .nparams = 1,
    .returns = "(address: string, driver: ?string, module: ?string, module_unloaded: bool, "
	       "note: ?string)",
    .args_size = sizeof(struct dev_args),
    .modifies = true,
    .run = release_device,
};

const struct method method_reclaim_device = {
    .interface = MINT_INTERFACE,
    .name = "ReclaimDevice",
    .doc = "Give a released PCI function back to its driver (its module is loaded again).",
    .params = dev_params,
    .nparams = 1,
    .returns = "(address: string, driver: ?string)",
    .args_size = sizeof(struct dev_args),
    .modifies = true,
    .run = reclaim_device,
};
