// SPDX-License-Identifier: GPL-2.0
/* mintctl cpu|mem|dev release|reclaim: move one kind of resource out of or back into this node. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cpuset.h"
#include "mintctl.h"
#include "parse.h"

enum action { RELEASE, RECLAIM };

static const char *const action_verb[] = {"released", "reclaimed"};

/* Common front part: "<kind> release|reclaim ARG"; returns the argument or NULL with *ret set. */
static const char *parse_action(struct ctl *ctl, int argc, char **argv, const char *usage,
				enum action *act, int *ret)
{
	int first = ctl_parse(ctl, argc, argv, NULL, NULL, usage);

	if (first < 0) {
		*ret = first == -1 ? EXIT_OK : EXIT_USAGE;
		return NULL;
	}
	if (first >= argc) {
		*ret = ctl_usage_error(usage, "missing action: release or reclaim");
		return NULL;
	}
	if (!strcmp(argv[first], "release")) {
		*act = RELEASE;
	} else if (!strcmp(argv[first], "reclaim")) {
		*act = RECLAIM;
	} else {
		*ret = ctl_usage_error(usage, "unknown action \"%s\": use release or reclaim",
				       argv[first]);
		return NULL;
	}
	if (first + 2 != argc) {
		*ret = ctl_usage_error(usage, first + 1 >= argc ? "missing argument"
								: "too many arguments");
		return NULL;
	}
	return argv[first + 1];
}

/* ---- cpu ---- */

#define CPU_USAGE "cpu release|reclaim LIST   (LIST like 3, 2-3 or 1,4-5)"

int cmd_cpu(struct ctl *ctl, int argc, char **argv)
{
	static const char *const methods[] = {MINT_INTERFACE ".ReleaseCpus",
					      MINT_INTERFACE ".ReclaimCpus"};
	struct mint_error err = {0};
	struct mint_cpuset set;
	json_object *params, *arr, *reply;
	char list[256];
	enum action act;
	const char *arg;
	int ret;

	arg = parse_action(ctl, argc, argv, CPU_USAGE, &act, &ret);
	if (!arg)
		return ret;
	if (mint_parse_cpulist(arg, &set, &err))
		return ctl_usage_error(CPU_USAGE, "%s", err.msg);
	params = json_object_new_object();
	arr = json_object_new_array();
	for (int c = mint_cpuset_next(&set, 0); c >= 0; c = mint_cpuset_next(&set, c + 1))
		json_object_array_add(arr, json_object_new_int(c));
	json_object_object_add(params, "cpus", arr);
	ret = ctl_call(ctl, methods[act], params, NULL, &reply);
	if (ret)
		return ret;
	mint_cpuset_format(&set, list, sizeof(list));
	if (ctl->json)
		ctl_print_json(reply);
	else
		printf("%s CPU%s %s\n", action_verb[act], mint_cpuset_count(&set) > 1 ? "s" : "",
		       list);
	json_object_put(reply);
	return EXIT_OK;
}

/* ---- mem ---- */

#define MEM_USAGE "mem release|reclaim SIZE   (SIZE like 256M or 1G, a multiple of the block size)"

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

int cmd_mem(struct ctl *ctl, int argc, char **argv)
{
	static const char *const methods[] = {MINT_INTERFACE ".ReleaseMemory",
					      MINT_INTERFACE ".ReclaimMemory"};
	struct mint_error err = {0};
	json_object *params, *reply, *blocks;
	char size[32], list[256];
	enum action act;
	const char *arg;
	uint64_t bytes;
	int ret;

	arg = parse_action(ctl, argc, argv, MEM_USAGE, &act, &ret);
	if (!arg)
		return ret;
	if (mint_parse_size(arg, &bytes, &err))
		return ctl_usage_error(MEM_USAGE, "%s", err.msg);
	params = json_object_new_object();
	json_object_object_add(params, "bytes", json_object_new_int64((int64_t)bytes));
	ret = ctl_call(ctl, methods[act], params, ctl->json ? NULL : ctl_progress, &reply);
	ctl_progress_done(ctl);
	if (ret)
		return ret;
	if (ctl->json) {
		ctl_print_json(reply);
	} else {
		json_object_object_get_ex(reply, "blocks", &blocks);
		mint_format_size(bytes, size, sizeof(size));
		format_blocks(blocks, list, sizeof(list));
		printf("%s %s (memory blocks %s)\n", action_verb[act], size, list);
	}
	json_object_put(reply);
	return EXIT_OK;
}

/* ---- dev ---- */

#define DEV_USAGE "dev release|reclaim BDF   (BDF like 0000:03:00.0 or 03:00.0)"

static const char *reply_str(json_object *reply, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(reply, key, &v) ? json_object_get_string(v) : "";
}

static void print_dev_result(enum action act, json_object *reply)
{
	json_object *unloaded;
	const char *drv = reply_str(reply, "driver");

	printf("%s PCI device %s", action_verb[act], reply_str(reply, "address"));
	if (act == RECLAIM) {
		printf(drv[0] ? " (bound to %s)\n" : "\n", drv);
		return;
	}
	if (drv[0])
		printf(" (unbound from %s", drv);
	else
		printf(" (had no driver");
	printf(", held by pci-stub");
	if (json_object_object_get_ex(reply, "module_unloaded", &unloaded) &&
	    json_object_get_boolean(unloaded))
		printf(", module %s unloaded", reply_str(reply, "module"));
	else if (reply_str(reply, "note")[0])
		printf("; %s", reply_str(reply, "note"));
	printf(")\n");
}

int cmd_dev(struct ctl *ctl, int argc, char **argv)
{
	static const char *const methods[] = {MINT_INTERFACE ".ReleaseDevice",
					      MINT_INTERFACE ".ReclaimDevice"};
	struct mint_error err = {0};
	char addr[MINT_BDF_STRLEN];
	json_object *params, *reply;
	struct mint_bdf bdf;
	enum action act;
	const char *arg;
	int ret;

	arg = parse_action(ctl, argc, argv, DEV_USAGE, &act, &ret);
	if (!arg)
		return ret;
	if (mint_parse_bdf(arg, &bdf, &err))
		return ctl_usage_error(DEV_USAGE, "%s", err.msg);
	mint_format_bdf(&bdf, addr);
	params = json_object_new_object();
	json_object_object_add(params, "address", json_object_new_string(addr));
	ret = ctl_call(ctl, methods[act], params, NULL, &reply);
	if (ret)
		return ret;
	if (ctl->json)
		ctl_print_json(reply);
	else
		print_dev_result(act, reply);
	json_object_put(reply);
	return EXIT_OK;
}
