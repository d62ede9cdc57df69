// SPDX-License-Identifier: GPL-2.0
/* mintctl cpu|mem|dev release|reclaim: move one kind of resource out of or back into this node. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cpuset.h"
#include "mintctl.h"
#include "parse.h"

/* ---- cpu ---- */

static int cpus_call(struct ctl *ctl, const struct verb *v, const char *method, const char *arg,
		     const char *done)
{
	struct mint_error err = {0};
	struct mint_cpuset set;
	json_object *params, *arr, *reply;
	char list[256];
	int ret;

	if (mint_parse_cpulist(arg, &set, &err))
		return ctl_usage_error(v, "%s", err.msg);
	params = json_object_new_object();
	arr = json_object_new_array();
	for (int c = mint_cpuset_next(&set, 0); c >= 0; c = mint_cpuset_next(&set, (unsigned)c + 1))
		json_object_array_add(arr, json_object_new_int(c));
	json_object_object_add(params, "cpus", arr);
	ret = ctl_call(ctl, method, params, ctl->json ? NULL : ctl_progress, &reply);
	if (ret)
		return ret;
	mint_cpuset_format(&set, list, sizeof(list));
	if (ctl->json)
		ctl_print_json(reply);
	else
		printf("%s CPU%s %s\n", done, mint_cpuset_count(&set) > 1 ? "s" : "", list);
	json_object_put(reply);
	return EXIT_OK;
}

static int run_cpu_release(struct ctl *ctl, char **operands, int n, void *data)
{
	return cpus_call(ctl, &verb_cpu_release, MINT_INTERFACE ".ReleaseCpus", operands[0],
			 "released");
}

static int run_cpu_reclaim(struct ctl *ctl, char **operands, int n, void *data)
{
	return cpus_call(ctl, &verb_cpu_reclaim, MINT_INTERFACE ".ReclaimCpus", operands[0],
			 "reclaimed");
}

const struct verb verb_cpu_release = {
    .name = "cpu release",
    .operands = "LIST",
    .summary = "take CPUs offline and mark them free",
    .help = "LIST: CPU numbers and ranges, e.g. 3, 2-3 or 1,4-5. CPU 0 is never released,\n"
	    "and a node keeps at least one CPU.",
    .min_operands = 1,
    .max_operands = 1,
    .run = run_cpu_release,
};

const struct verb verb_cpu_reclaim = {
    .name = "cpu reclaim",
    .operands = "LIST",
    .summary = "take free CPUs back online",
    .help = "LIST: CPU numbers and ranges, e.g. 3, 2-3 or 1,4-5, of CPUs this node released.",
    .min_operands = 1,
    .max_operands = 1,
    .run = run_cpu_reclaim,
};

/* ---- mem ---- */

static void format_blocks(json_object *blocks, char *buf, size_t len)
{
	struct mint_cpuset set; /* a set of small integers serves for block numbers too */

	mint_cpuset_clear(&set);
	for (size_t i = 0; blocks && i < json_object_array_length(blocks); i++) {
		int b = json_object_get_int(json_object_array_get_idx(blocks, i));

		if (b >= 0 && b < MINT_CPUSET_MAX)
			mint_cpuset_add(&set, (unsigned)b);
	}
	mint_cpuset_format(&set, buf, len);
}

static int mem_call(struct ctl *ctl, const struct verb *v, const char *method, const char *arg,
		    const char *done)
{
	struct mint_error err = {0};
	json_object *params, *reply;
	char size[32], list[256];
	uint64_t bytes;
	int ret;

	if (mint_parse_size(arg, &bytes, &err))
		return ctl_usage_error(v, "%s", err.msg);
	params = json_object_new_object();
	json_object_object_add(params, "bytes", json_object_new_int64((int64_t)bytes));
	ret = ctl_call(ctl, method, params, ctl->json ? NULL : ctl_progress, &reply);
	if (ret)
		return ret;
	if (ctl->json) {
		ctl_print_json(reply);
	} else {
		mint_format_size(bytes, size, sizeof(size));
		format_blocks(ctl_member(reply, "blocks"), list, sizeof(list));
		printf("%s %s (memory blocks %s)\n", done, size, list);
	}
	json_object_put(reply);
	return EXIT_OK;
}

static int run_mem_release(struct ctl *ctl, char **operands, int n, void *data)
{
	return mem_call(ctl, &verb_mem_release, MINT_INTERFACE ".ReleaseMemory", operands[0],
			"released");
}

static int run_mem_reclaim(struct ctl *ctl, char **operands, int n, void *data)
{
	return mem_call(ctl, &verb_mem_reclaim, MINT_INTERFACE ".ReclaimMemory", operands[0],
			"reclaimed");
}

const struct verb verb_mem_release = {
    .name = "mem release",
    .operands = "SIZE",
    .summary = "offline memory and mark it free",
    .help = "SIZE: e.g. 256M or 1G, a multiple of the memory block size (see mintctl status).\n"
	    "Movable blocks go first, highest address first; a block the kernel keeps\n"
	    "refusing is replaced by another one.",
    .min_operands = 1,
    .max_operands = 1,
    .run = run_mem_release,
};

const struct verb verb_mem_reclaim = {
    .name = "mem reclaim",
    .operands = "SIZE",
    .summary = "take released memory back online",
    .help = "SIZE: e.g. 256M or 1G, at most what this node released.",
    .min_operands = 1,
    .max_operands = 1,
    .run = run_mem_reclaim,
};

/* ---- dev ---- */

static void print_dev_result(bool release, json_object *reply)
{
	const char *drv = ctl_str(reply, "driver");

	printf("%s PCI device %s", release ? "released" : "reclaimed", ctl_str(reply, "address"));
	if (!release) {
		printf(drv[0] ? " (bound to %s)\n" : "\n", drv);
		return;
	}
	if (drv[0])
		printf(" (unbound from %s", drv);
	else
		printf(" (had no driver");
	printf(", held by pci-stub");
	if (ctl_bool(reply, "module_unloaded"))
		printf(", module %s unloaded", ctl_str(reply, "module"));
	else if (ctl_str(reply, "note")[0])
		printf("; %s", ctl_str(reply, "note"));
	printf(")\n");
}

static int dev_call(struct ctl *ctl, const struct verb *v, const char *method, const char *arg,
		    bool release)
{
	struct mint_error err = {0};
	char addr[MINT_BDF_STRLEN];
	json_object *params, *reply;
	struct mint_bdf bdf;
	int ret;

	if (mint_parse_bdf(arg, &bdf, &err))
		return ctl_usage_error(v, "%s", err.msg);
	mint_format_bdf(&bdf, addr);
	params = json_object_new_object();
	json_object_object_add(params, "address", json_object_new_string(addr));
	ret = ctl_call(ctl, method, params, ctl->json ? NULL : ctl_progress, &reply);
	if (ret)
		return ret;
	if (ctl->json)
		ctl_print_json(reply);
	else
		print_dev_result(release, reply);
	json_object_put(reply);
	return EXIT_OK;
}

static int run_dev_release(struct ctl *ctl, char **operands, int n, void *data)
{
	return dev_call(ctl, &verb_dev_release, MINT_INTERFACE ".ReleaseDevice", operands[0], true);
}

static int run_dev_reclaim(struct ctl *ctl, char **operands, int n, void *data)
{
	return dev_call(ctl, &verb_dev_reclaim, MINT_INTERFACE ".ReclaimDevice", operands[0],
			false);
}

const struct verb verb_dev_release = {
    .name = "dev release",
    .operands = "BDF",
    .summary = "unbind a PCI device and mark it free",
    .help = "BDF: a PCI address, 0000:03:00.0 or 03:00.0. The driver is unbound, the function\n"
	    "held by pci-stub and the driver's module unloaded if nothing else uses it.\n"
	    "Refused while the device is in use (a mounted, swapped or held disk).",
    .min_operands = 1,
    .max_operands = 1,
    .run = run_dev_release,
};

const struct verb verb_dev_reclaim = {
    .name = "dev reclaim",
    .operands = "BDF",
    .summary = "give a released PCI device back to its driver",
    .help = "BDF: a PCI address, 0000:03:00.0 or 03:00.0, of a device this node released.",
    .min_operands = 1,
    .max_operands = 1,
    .run = run_dev_reclaim,
};
