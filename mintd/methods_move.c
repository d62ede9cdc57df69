// SPDX-License-Identifier: GPL-2.0
/*
 * Moving resources from this node to another running node: MoveCpus,
 * MoveMemory, MoveDevice and MoveDisk (op_move.c, op_disk.c). Run on the
 * source node; `mintctl -n SOURCE ... move ... --to TARGET` gets there
 * through Forward.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "methods.h"
#include "op_disk.h"
#include "op_move.h"
#include "util.h"

#define MOVE_RETURNS                                                                               \
	"(to: ?string, kind: ?string, cpus: ?[]int, apic_ids: ?[]int, memory_bytes: ?int, "       \
	"devices: ?[]string, disks: ?[]string, unmounted: ?[]string, taken: ?Taken, done: ?int, "  \
	"total: ?int, step: ?string)"

static const struct vtype *const move_types[] = {&vtype_taken, NULL};

static json_object *int_array(const struct mint_cpuset *set)
{
	json_object *a = json_object_new_array();

	for (int c = mint_cpuset_next(set, 0); c >= 0; c = mint_cpuset_next(set, (unsigned)c + 1))
		json_object_array_add(a, json_object_new_int(c));
	return a;
}

static json_object *move_reply(const struct ops_move *mv)
{
	json_object *o = json_object_new_object(), *devs = json_object_new_array();
	char n[16], name[MINT_BDF_STRLEN];

	snprintf(n, sizeof(n), "node%d", mv->to);
	json_object_object_add(o, "to", json_object_new_string(n));
	json_object_object_add(o, "kind", json_object_new_string(mv->kind));
	if (!strcmp(mv->kind, "cpus")) {
		json_object_object_add(o, "cpus", int_array(&mv->cpus));
		json_object_object_add(o, "apic_ids", int_array(&mv->apic_ids));
	}
	if (!strcmp(mv->kind, "memory"))
		json_object_object_add(o, "memory_bytes",
				       json_object_new_int64((int64_t)(mv->nblocks ? mv->bytes : 0)));
	for (size_t i = 0; i < mv->ndevs; i++) {
		mint_format_bdf(&mv->devs[i], name);
		json_object_array_add(devs, json_object_new_string(name));
	}
	json_object_object_add(o, "devices", devs);
	if (mv->taken)
		json_object_object_add(o, "taken", json_object_get(mv->taken));
	return o;
}

static void run_move(struct call *c, struct ops_move *mv,
		     int (*op)(struct mintd *, struct ops_move *, struct mint_error *))
{
	struct mint_error err = {0};

	mv->progress = call_plan_progress;
	mv->data = c;
	if (op(c->d, mv, &err))
		call_fail(c, &err);
	else
		call_reply(c, move_reply(mv));
	ops_move_free(mv);
}

/* ---- MoveCpus ---- */

struct move_cpus_args {
	struct mint_cpuset cpus;
	int to;
};

static const struct param_spec move_cpus_params[] = {
    PARAM("cpus", PARAM_INT_LIST, false, struct move_cpus_args, cpus, param_cpus),
    PARAM("to", PARAM_STRING, false, struct move_cpus_args, to, param_node),
};

static void move_cpus(struct call *c, void *args)
{
	const struct move_cpus_args *a = args;
	struct ops_move *mv = calloc(1, sizeof(*mv));

	if (!mv) {
		call_failf(c, MINT_E_SYSTEM, "out of memory");
		return;
	}
	mv->to = a->to;
	mv->cpus = a->cpus;
	run_move(c, mv, ops_move_cpus);
	free(mv);
}

const struct method method_move_cpus = {
    .interface = MINT_INTERFACE,
    .name = "MoveCpus",
    .doc = "Move CPUs of this node (logical numbers) to the running node to: they go\n"
	   "offline and free here, and that node claims and onlines them. What it does not\n"
	   "take comes back here. CPU 0 stays, and this node keeps at least one CPU.",
    .params = move_cpus_params,
    .nparams = ARRAY_SIZE(move_cpus_params),
    .returns = MOVE_RETURNS,
    .types = move_types,
    .args_size = sizeof(struct move_cpus_args),
    .modifies = true,
    .run = move_cpus,
};

/* ---- MoveMemory ---- */

struct move_mem_args {
	uint64_t bytes;
	int to;
};

static const struct param_spec move_mem_params[] = {
    PARAM("bytes", PARAM_INT, false, struct move_mem_args, bytes, param_bytes),
    PARAM("to", PARAM_STRING, false, struct move_mem_args, to, param_node),
};

static void move_memory(struct call *c, void *args)
{
	const struct move_mem_args *a = args;
	struct ops_move *mv = calloc(1, sizeof(*mv));

	if (!mv) {
		call_failf(c, MINT_E_SYSTEM, "out of memory");
		return;
	}
	mv->to = a->to;
	mv->bytes = a->bytes;
	run_move(c, mv, ops_move_mem);
	free(mv);
}

const struct method method_move_memory = {
    .interface = MINT_INTERFACE,
    .name = "MoveMemory",
    .doc = "Move bytes of memory to the running node to: removable blocks of this node\n"
	   "(movable first) go offline, are zeroed and freed; that node adds and onlines\n"
	   "them (into ZONE_MOVABLE where it can, so they can move on). Progress as\n"
	   "ReleaseMemory.",
    .params = move_mem_params,
    .nparams = ARRAY_SIZE(move_mem_params),
    .returns = MOVE_RETURNS,
    .types = move_types,
    .args_size = sizeof(struct move_mem_args),
    .modifies = true,
    .run = move_memory,
};

/* ---- MoveDevice ---- */

struct move_dev_args {
	struct mint_bdf bdf;
	int to;
};

static const struct param_spec move_dev_params[] = {
    PARAM("address", PARAM_STRING, false, struct move_dev_args, bdf, param_bdf),
    PARAM("to", PARAM_STRING, false, struct move_dev_args, to, param_node),
};

static void move_device(struct call *c, void *args)
{
	const struct move_dev_args *a = args;
	struct ops_move *mv = calloc(1, sizeof(*mv));

	if (!mv) {
		call_failf(c, MINT_E_SYSTEM, "out of memory");
		return;
	}
	mv->to = a->to;
	mv->ndevs = 1;
	mv->devs[0] = a->bdf;
	run_move(c, mv, ops_move_devs);
	free(mv);
}

const struct method method_move_device = {
    .interface = MINT_INTERFACE,
    .name = "MoveDevice",
    .doc = "Move a PCI device to the running node to: refused while it is in use; its\n"
	   "driver is unbound here (pci-stub keeps it, its module is unloaded when no other\n"
	   "device needs it) and it is freed; that node claims it, loads the driver's\n"
	   "module and binds it, without reassigning its BARs.",
    .params = move_dev_params,
    .nparams = ARRAY_SIZE(move_dev_params),
    .returns = MOVE_RETURNS,
    .types = move_types,
    .args_size = sizeof(struct move_dev_args),
    .modifies = true,
    .run = move_device,
};

/* ---- MoveDisk ---- */

struct move_disk_args {
	const char *disk;
	int to;
	bool unmount;
	const char *mount;
	bool all;
};

static const struct param_spec move_disk_params[] = {
    PARAM("disk", PARAM_STRING, false, struct move_disk_args, disk, param_text),
    PARAM("to", PARAM_STRING, false, struct move_disk_args, to, param_node),
    PARAM("unmount", PARAM_BOOL, true, struct move_disk_args, unmount, param_flag),
    PARAM("mount", PARAM_STRING, true, struct move_disk_args, mount, param_abs_path),
    PARAM("all", PARAM_BOOL, true, struct move_disk_args, all, param_flag),
};

static void move_disk(struct call *c, void *args)
{
	const struct move_disk_args *a = args;
	struct ops_disk_move *dm = calloc(1, sizeof(*dm));
	struct mint_error err = {0};

	if (!dm) {
		call_failf(c, MINT_E_SYSTEM, "out of memory");
		return;
	}
	dm->disk = a->disk;
	dm->unmount = a->unmount;
	dm->all = a->all;
	dm->mv.to = a->to;
	dm->mv.mount = a->mount;
	dm->mv.progress = call_plan_progress;
	dm->mv.data = c;
	if (ops_move_disk(c->d, dm, &err)) {
		call_fail(c, &err);
	} else {
		json_object *r = move_reply(&dm->mv), *disks = json_object_new_array();
		json_object *unmounted = json_object_new_array();

		for (size_t i = 0; i < dm->ndisks; i++)
			json_object_array_add(disks, json_object_new_string(dm->disks[i]));
		for (size_t i = 0; i < dm->nmounts; i++)
			json_object_array_add(unmounted,
					      json_object_new_string(dm->mounts[i].target));
		json_object_object_add(r, "disks", disks);
		json_object_object_add(r, "unmounted", unmounted);
		call_reply(c, r);
	}
	ops_move_free(&dm->mv);
	free(dm);
}

const struct method method_move_disk = {
    .interface = MINT_INTERFACE,
    .name = "MoveDisk",
    .doc = "Migrate a disk to the running node to: disk is a kernel name (vdb), a\n"
	   "/dev/disk/by-* path or the PCI address of its controller. A mounted disk is\n"
	   "refused unless unmount (then it is synced and unmounted; a busy one is still\n"
	   "refused); a swapped or held one is refused. Its cache is flushed, its\n"
	   "controller moves as MoveDevice does, and that node waits for the disk and\n"
	   "mounts it on mount if given. A controller with several disks moves only with\n"
	   "all.",
    .params = move_disk_params,
    .nparams = ARRAY_SIZE(move_disk_params),
    .returns = MOVE_RETURNS,
    .types = move_types,
    .args_size = sizeof(struct move_disk_args),
    .modifies = true,
    .run = move_disk,
};
