// SPDX-License-Identifier: GPL-2.0
/*
 * mintctl cpu|mem|dev|disk move ... --to NODE: hand resources of this node
 * (or of the node -n names) to another running node, in one command each.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cpuset.h"
#include "mintctl.h"
#include "parse.h"

struct move_args {
	const char *to;
	const char *mount;
	bool unmount, all;
};

static int opt_to(void *data, const char *arg, struct mint_error *err)
{
	int node;

	if (mint_parse_node_name(arg, &node, err))
		return -1;
	((struct move_args *)data)->to = arg;
	return 0;
}

static int opt_mount(void *data, const char *arg, struct mint_error *err)
{
	if (arg[0] != '/')
		return mint_fail(err, MINT_E_INVALID,
				 "--mount %s: the mount point must be an absolute path (it is on "
				 "the other node)",
				 arg);
	((struct move_args *)data)->mount = arg;
	return 0;
}

static int opt_unmount(void *data, const char *arg, struct mint_error *err)
{
	((struct move_args *)data)->unmount = true;
	return 0;
}

static int opt_all(void *data, const char *arg, struct mint_error *err)
{
	((struct move_args *)data)->all = true;
	return 0;
}

static const struct cmd_option to_option[] = {
    {"to", "NODE", "the running node that gets them (required)", opt_to},
    {NULL, NULL, NULL, NULL},
};

static const struct cmd_option disk_options[] = {
    {"to", "NODE", "the running node that gets the disk (required)", opt_to},
    {"unmount", NULL, "sync and unmount the disk first if it is mounted", opt_unmount},
    {"mount", "PATH", "mount it on PATH in the other node", opt_mount},
    {"all", NULL, "move every disk of its controller together", opt_all},
    {NULL, NULL, NULL, NULL},
};

/* "3, 4" from a JSON array of numbers or strings; "" when absent or empty. */
static const char *joined(json_object *arr, char *buf, size_t len)
{
	size_t n = arr ? json_object_array_length(arr) : 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "",
			 json_object_get_string(json_object_array_get_idx(arr, i)));
	return buf;
}

static void print_moved(json_object *r)
{
	const char *kind = ctl_str(r, "kind"), *to = ctl_str(r, "to");
	json_object *taken = ctl_member(r, "taken");
	char a[256], b[256];

	if (!strcmp(kind, "cpus")) {
		printf("moved CPU %s to %s", joined(ctl_member(r, "cpus"), a, sizeof(a)), to);
		if (joined(ctl_member(taken, "cpus"), b, sizeof(b))[0])
			printf(" (its CPU %s)", b);
		putchar('\n');
	} else if (!strcmp(kind, "memory")) {
		mint_format_size((uint64_t)ctl_int(r, "memory_bytes"), a, sizeof(a));
		printf("moved %s of memory to %s\n", a, to);
	} else {
		if (!strcmp(kind, "disk"))
			printf("moved disk %s to %s", joined(ctl_member(r, "disks"), a, sizeof(a)), to);
		else
			printf("moved PCI device %s to %s",
			       joined(ctl_member(r, "devices"), a, sizeof(a)), to);
		if (joined(ctl_member(taken, "disks"), b, sizeof(b))[0])
			printf(", where it is %s", b);
		putchar('\n');
		if (joined(ctl_member(r, "unmounted"), a, sizeof(a))[0])
			printf("unmounted here: %s\n", a);
		if (ctl_member(taken, "mounted"))
			printf("mounted on %s in %s\n", ctl_str(taken, "mounted"), to);
	}
}

static int move_call(struct ctl *ctl, const struct verb *v, const struct move_args *a,
		     const char *method, json_object *params)
{
	json_object *reply;
	int ret;

	if (!a->to) {
		json_object_put(params);
		return ctl_usage_error(v, "say where to: --to NODE");
	}
	json_object_object_add(params, "to", json_object_new_string(a->to));
	ret = ctl_call(ctl, method, params, ctl->json ? NULL : ctl_progress, &reply);
	if (ret)
		return ret;
	if (ctl->json)
		ctl_print_json(reply);
	else
		print_moved(reply);
	json_object_put(reply);
	return EXIT_OK;
}

static int run_cpu_move(struct ctl *ctl, char **operands, int n, void *data)
{
	struct mint_error err = {0};
	struct mint_cpuset set;
	json_object *params, *arr;

	if (mint_parse_cpulist(operands[0], &set, &err))
		return ctl_usage_error(&verb_cpu_move, "%s", err.msg);
	params = json_object_new_object();
	arr = json_object_new_array();
	for (int c = mint_cpuset_next(&set, 0); c >= 0; c = mint_cpuset_next(&set, (unsigned)c + 1))
		json_object_array_add(arr, json_object_new_int(c));
	json_object_object_add(params, "cpus", arr);
	return move_call(ctl, &verb_cpu_move, data, MINT_INTERFACE ".MoveCpus", params);
}

static int run_mem_move(struct ctl *ctl, char **operands, int n, void *data)
{
	struct mint_error err = {0};
	json_object *params;
	uint64_t bytes;

	if (mint_parse_size(operands[0], &bytes, &err))
		return ctl_usage_error(&verb_mem_move, "%s", err.msg);
	params = json_object_new_object();
	json_object_object_add(params, "bytes", json_object_new_int64((int64_t)bytes));
	return move_call(ctl, &verb_mem_move, data, MINT_INTERFACE ".MoveMemory", params);
}

static int run_dev_move(struct ctl *ctl, char **operands, int n, void *data)
{
	struct mint_error err = {0};
	char addr[MINT_BDF_STRLEN];
	json_object *params;
	struct mint_bdf bdf;

	if (mint_parse_bdf(operands[0], &bdf, &err))
		return ctl_usage_error(&verb_dev_move, "%s", err.msg);
	mint_format_bdf(&bdf, addr);
	params = json_object_new_object();
	json_object_object_add(params, "address", json_object_new_string(addr));
	return move_call(ctl, &verb_dev_move, data, MINT_INTERFACE ".MoveDevice", params);
}

static int run_disk_move(struct ctl *ctl, char **operands, int n, void *data)
{
	const struct move_args *a = data;
	json_object *params = json_object_new_object();

	json_object_object_add(params, "disk", json_object_new_string(operands[0]));
	if (a->unmount)
		json_object_object_add(params, "unmount", json_object_new_boolean(1));
	if (a->mount)
		json_object_object_add(params, "mount", json_object_new_string(a->mount));
	if (a->all)
		json_object_object_add(params, "all", json_object_new_boolean(1));
	return move_call(ctl, &verb_disk_move, a, MINT_INTERFACE ".MoveDisk", params);
}

const struct verb verb_cpu_move = {
    .name = "cpu move",
    .operands = "LIST",
    .summary = "move CPUs to another running node",
    .help = "LIST: CPU numbers of this node (or of the node -n names), e.g. 3 or 2-3. They\n"
	    "go offline here and online there. CPU 0 stays, and a node keeps one CPU.",
    .min_operands = 1,
    .max_operands = 1,
    .options = to_option,
    .data_size = sizeof(struct move_args),
    .run = run_cpu_move,
};

const struct verb verb_mem_move = {
    .name = "mem move",
    .operands = "SIZE",
    .summary = "move memory to another running node",
    .help = "SIZE: e.g. 256M, a multiple of the memory block size. Movable blocks go\n"
	    "offline here (highest first), are zeroed, and go online there, movable again.",
    .min_operands = 1,
    .max_operands = 1,
    .options = to_option,
    .data_size = sizeof(struct move_args),
    .run = run_mem_move,
};

const struct verb verb_dev_move = {
    .name = "dev move",
    .operands = "BDF",
    .summary = "move a PCI device to another running node",
    .help = "BDF: a PCI address, 0000:03:00.0 or 03:00.0. Refused while in use. Its driver\n"
	    "lets go here (the module is unloaded when nothing else needs it) and the\n"
	    "other node loads and binds it; its BARs stay as they are.",
    .min_operands = 1,
    .max_operands = 1,
    .options = to_option,
    .data_size = sizeof(struct move_args),
    .run = run_dev_move,
};

const struct verb verb_disk_move = {
    .name = "disk move",
    .operands = "DISK",
    .summary = "migrate a disk to another running node",
    .help = "DISK: a kernel name (vdb), a /dev/disk/by-* path or its controller's PCI\n"
	    "address. A mounted disk moves only with --unmount (a busy one never); its cache\n"
	    "is flushed, its controller moves, and the other node mounts it with --mount.\n"
	    "Disks that share a controller move together with --all.",
    .min_operands = 1,
    .max_operands = 1,
    .options = disk_options,
    .data_size = sizeof(struct move_args),
    .run = run_disk_move,
};
