// SPDX-License-Identifier: GPL-2.0
/*
 * The life cycle of other nodes: HaltNode, KillNode; and the two halves that
 * run on the node at the other end: Shutdown (the node being halted) and
 * TakeResources (the node that gets the resources back).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "methods.h"
#include "ops.h"
#include "util.h"
#include "vm.h"

#define TAKEN_FIELDS                                                                               \
	"(cpus: []int, memory_bytes: int, devices: []string, disks: ?[]string, mounted: ?string, " \
	"left: []string)"

const struct vtype vtype_taken = {
    "Taken",
    "What a node took into its kernel: its logical CPU numbers, bytes of memory,\n"
    "PCI devices, the disks that appeared below them and where one was mounted;\n"
    "left: what stayed free, each with the reason.",
    TAKEN_FIELDS};

static const struct vtype *const nodes_types[] = {&vtype_taken, NULL};

/* ---- HaltNode, KillNode ---- */

struct stop_args {
	int node;
	unsigned timeout;
	const char *to; /* a node name, NULL: the default */
	bool no_reclaim;
};

static const struct param_spec halt_params[] = {
    PARAM("name", PARAM_STRING, false, struct stop_args, node, param_node),
    PARAM("timeout", PARAM_INT, true, struct stop_args, timeout, param_seconds),
    PARAM("to", PARAM_STRING, true, struct stop_args, to, param_text),
    PARAM("no_reclaim", PARAM_BOOL, true, struct stop_args, no_reclaim, param_flag),
};

#define STOP_RETURNS                                                                               \
	"(name: ?string, state: ?string, how: ?string, apic_ids: ?[]int, memory_bytes: ?int, "     \
	"devices: ?[]string, taken_by: ?string, taken: ?Taken, error: ?string, done: ?int, "      \
	"total: ?int, step: ?string)"

static json_object *stop_reply(int node, const struct ops_stop_result *res)
{
	const struct mint_node_view *v = res->owned;
	json_object *o = json_object_new_object(), *cpus = json_object_new_array();
	json_object *devs = json_object_new_array();
	char name[MINT_BDF_STRLEN], n[16];

	for (int a = mint_cpuset_next(&v->apic_ids, 0); a >= 0;
	     a = mint_cpuset_next(&v->apic_ids, (unsigned)a + 1))
		json_object_array_add(cpus, json_object_new_int(a));
	for (size_t i = 0; i < v->ndevs; i++) {
		mint_format_bdf(&v->devs[i], name);
		json_object_array_add(devs, json_object_new_string(name));
	}
	snprintf(n, sizeof(n), "node%d", node);
	json_object_object_add(o, "name", json_object_new_string(n));
	json_object_object_add(o, "state", json_object_new_string("halted"));
	json_object_object_add(o, "how", json_object_new_string(res->how));
	json_object_object_add(o, "apic_ids", cpus);
	json_object_object_add(o, "memory_bytes", json_object_new_int64((int64_t)v->memory_bytes));
	json_object_object_add(o, "devices", devs);
	if (res->taken_by >= 0) {
		snprintf(n, sizeof(n), "node%d", res->taken_by);
		json_object_object_add(o, "taken_by", json_object_new_string(n));
	}
	if (res->taken)
		json_object_object_add(o, "taken", json_object_get(res->taken));
	if (res->error[0])
		json_object_object_add(o, "error", json_object_new_string(res->error));
	return o;
}

static void stop_method(struct call *c, const struct stop_args *a, bool force)
{
	struct ops_stop_request req = {
	    .node = a->node,
	    .force = force,
	    .no_reclaim = a->no_reclaim,
	    .to = -1,
	    .timeout = a->timeout ? a->timeout : 30,
	};
	struct ops_stop_result res = {0};
	struct mint_error err = {0};

	if (a->to && mint_parse_node_name(a->to, &req.to, &err)) {
		call_fail(c, &err);
		return;
	}
	if (ops_stop_node(c->d, &req, call_plan_progress, c, &res, &err))
		call_fail(c, &err);
	else
		call_reply(c, stop_reply(a->node, &res));
	json_object_put(res.taken);
	free(res.owned);
}

static void halt_node(struct call *c, void *args)
{
	stop_method(c, args, false);
}

static void kill_node(struct call *c, void *args)
{
	stop_method(c, args, true);
}

const struct method method_halt_node = {
    .interface = MINT_INTERFACE,
    .name = "HaltNode",
    .doc = "Shut another node down: ask its mintd (or its kernel) to shut down, wait up to\n"
	   "timeout seconds (default 30) for it to halt, stop it by force after that, then\n"
	   "give its CPUs, memory and devices to the node to (default: its parent when that\n"
	   "runs, else this node), or leave them free with no_reclaim.",
    .params = halt_params,
    .nparams = ARRAY_SIZE(halt_params),
    .returns = STOP_RETURNS,
    .types = nodes_types,
    .args_size = sizeof(struct stop_args),
    .modifies = true,
    .run = halt_node,
};

static const struct param_spec kill_params[] = {
    PARAM("name", PARAM_STRING, false, struct stop_args, node, param_node),
    PARAM("to", PARAM_STRING, true, struct stop_args, to, param_text),
    PARAM("no_reclaim", PARAM_BOOL, true, struct stop_args, no_reclaim, param_flag),
};

const struct method method_kill_node = {
    .interface = MINT_INTERFACE,
    .name = "KillNode",
    .doc = "Stop another node by force, for one that hangs or panicked: INIT each of its\n"
	   "CPUs, clear bus mastering on its PCI devices, scrub its memory, then give its\n"
	   "resources away as HaltNode does.",
    .params = kill_params,
    .nparams = ARRAY_SIZE(kill_params),
    .returns = STOP_RETURNS,
    .types = nodes_types,
    .args_size = sizeof(struct stop_args),
    .modifies = true,
    .run = kill_node,
};

/* ---- Shutdown: this node is being halted from elsewhere ---- */

/* After the reply is out: sync, then power off through init (systemd) or the kernel. */
static void *power_off_thread(void *arg)
{
	mint_sleep_ms(300);
	sync();
	if (!access("/run/systemd/system", F_OK)) {
		pid_t pid = fork();

		if (pid == 0) {
			execl("/bin/systemctl", "systemctl", "poweroff", (char *)NULL);
			_exit(127);
		}
		if (pid > 0 && waitpid(pid, NULL, 0) == pid)
			return NULL;
	}
	/* A Mint secondary's power-off parks its CPUs and marks it halted. */
	reboot(RB_POWER_OFF);
	log_msg(LOG_ERR, "power off failed: %s", strerror(errno));
	return NULL;
}

static void shutdown_node(struct call *c, void *args)
{
	pthread_t tid;

	if (c->d->self == 0) {
		call_failf(c, MINT_E_INVALID,
			   "node0 owns the machine's shared hardware: shut it down from its own "
			   "console");
		return;
	}
	/* Guests first: they get VM_STOP_TIMEOUT seconds to shut down, then are stopped. */
	vm_shutdown_all(c->d);
	if (pthread_create(&tid, NULL, power_off_thread, NULL)) {
		call_failf(c, MINT_E_SYSTEM, "cannot start the shutdown");
		return;
	}
	pthread_detach(tid);
	log_msg(LOG_NOTICE, "shutting down: asked by %s%d",
		c->from_node >= 0 ? "node" : "uid ", c->from_node >= 0 ? c->from_node : (int)c->uid);
	call_reply(c, NULL);
}

const struct method method_shutdown = {
    .interface = MINT_INTERFACE,
    .name = "Shutdown",
    .doc = "Shut this node down (not node0): the reply comes first, then the node syncs\n"
	   "and powers off, which parks its CPUs and marks it halted.",
    .returns = "()",
    .modifies = true,
    .run = shutdown_node,
};

/* ---- TakeResources: free resources into this node ---- */

struct take_args {
	struct mint_cpuset apic_ids;
	struct u64_list memory;
	struct bdf_list devices;
	const char *mount;
};

static const struct param_spec take_params[] = {
    PARAM("apic_ids", PARAM_INT_LIST, false, struct take_args, apic_ids, param_id_set),
    PARAM("memory", PARAM_INT_LIST, false, struct take_args, memory, param_u64_list),
    PARAM("devices", PARAM_STRING_LIST, false, struct take_args, devices, param_bdf_list),
    PARAM("mount", PARAM_STRING, true, struct take_args, mount, param_abs_path),
};

static void take_resources(struct call *c, void *args)
{
	const struct take_args *a = args;
	struct ops_take_request *req = calloc(1, sizeof(*req));
	struct ops_take_result *res = calloc(1, sizeof(*res));
	struct mint_error err = {0};

	if (!req || !res) {
		call_failf(c, MINT_E_SYSTEM, "out of memory");
	} else {
		req->apic_ids = a->apic_ids;
		req->nblocks = a->memory.n;
		memcpy(req->blocks, a->memory.v, a->memory.n * sizeof(a->memory.v[0]));
		req->ndevs = a->devices.n;
		memcpy(req->devs, a->devices.v, a->devices.n * sizeof(a->devices.v[0]));
		req->mount = a->mount;
		if (ops_take(c->d, req, res, &err))
			call_fail(c, &err);
		else
			call_reply(c, ops_take_json(res));
	}
	free(req);
	free(res);
}

const struct method method_take_resources = {
    .interface = MINT_INTERFACE,
    .name = "TakeResources",
    .doc = "Take free resources into this node: CPUs by APIC ID, memory blocks by base\n"
	   "address, PCI devices; each is claimed in the resource table and brought into\n"
	   "this kernel. What cannot be taken stays free and is listed in left. With\n"
	   "mount, the one disk of the devices is mounted there (a disk that cannot be\n"
	   "mounted is given up again and listed in left).",
    .params = take_params,
    .nparams = ARRAY_SIZE(take_params),
    .returns = TAKEN_FIELDS,
    .args_size = sizeof(struct take_args),
    .modifies = true,
    .run = take_resources,
};
