// SPDX-License-Identifier: GPL-2.0
/* BootNode: boot a further node on resources this node gives up. */
#include <stdio.h>
#include <stdlib.h>

#include "methods.h"
#include "op_boot.h"
#include "peer.h"
#include "util.h"

static const struct param_spec boot_params[] = {
    PARAM("name", PARAM_STRING, false, struct boot_request, node, param_node),
    PARAM("cpus", PARAM_INT_LIST, false, struct boot_request, cpus, param_cpus),
    PARAM("bytes", PARAM_INT, false, struct boot_request, bytes, param_bytes),
    PARAM("devices", PARAM_STRING_LIST, true, struct boot_request, devs, param_bdf_list),
    PARAM("kernel", PARAM_STRING, true, struct boot_request, kernel, param_path),
    PARAM("initrd", PARAM_STRING, true, struct boot_request, initrd, param_path),
    PARAM("append", PARAM_STRING, true, struct boot_request, append, param_text),
    PARAM("timeout", PARAM_INT, true, struct boot_request, timeout, param_seconds),
};

static void boot(struct call *c, void *args)
{
	const struct boot_request *req = args;
	struct boot_result *res = malloc(sizeof(*res));
	struct mint_error err = {0};
	json_object *reply;
	char name[16];

	if (!res) {
		call_failf(c, MINT_E_SYSTEM, "out of memory");
		return;
	}
	if (boot_node(c->d, req, call_plan_progress, c, res, &err)) {
		call_fail(c, &err);
		free(res);
		return;
	}
	snprintf(name, sizeof(name), "node%d", req->node);
	reply = json_object_new_object();
	json_object_object_add(reply, "name", json_object_new_string(name));
	json_object_object_add(reply, "state", json_object_new_string("running"));
	json_object_object_add(reply, "memory_base", json_object_new_int64((int64_t)res->mem_base));
	json_object_object_add(reply, "memory_size", json_object_new_int64((int64_t)res->mem_size));
	json_object_object_add(reply, "cmdline", json_object_new_string(res->cmdline));
	free(res);
	call_reply(c, reply);
}

const struct method method_boot_node = {
    .interface = MINT_INTERFACE,
    .name = "BootNode",
    .doc = "Boot a new node on CPUs, memory (one contiguous range of bytes) and PCI devices\n"
	   "of this node (needs a Mint kernel). kernel defaults to this node's own image,\n"
	   "timeout to 300 s. Called with \"more\", progress replies carry done, total\n"
	   "and step; only the final reply carries the other fields.",
    .params = boot_params,
    .nparams = ARRAY_SIZE(boot_params),
    .returns = "(name: ?string, state: ?string, memory_base: ?int, memory_size: ?int, "
	       "cmdline: ?string, done: ?int, total: ?int, step: ?string)",
    .args_size = sizeof(struct boot_request),
    .modifies = true,
    .run = boot,
};

/* ---- RebootNode ---- */

static const struct param_spec reboot_params[] = {
    PARAM("name", PARAM_STRING, false, struct reboot_request, node, param_node),
    PARAM("kernel", PARAM_STRING, true, struct reboot_request, kernel, param_abs_path),
    PARAM("initrd", PARAM_STRING, true, struct reboot_request, initrd, param_abs_path),
    PARAM("append", PARAM_STRING, true, struct reboot_request, append, param_text),
    PARAM("timeout", PARAM_INT, true, struct reboot_request, timeout, param_seconds),
    PARAM("stop_timeout", PARAM_INT, true, struct reboot_request, stop_timeout, param_seconds),
};

static void relay_progress(json_object *msg, void *data)
{
	json_object *params;

	if (json_object_object_get_ex(msg, "parameters", &params))
		call_progress(data, json_object_get(params));
}

/* The node that booted it reboots it: it has the kernel and knows how it was booted. */
static void reboot_at_parent(struct call *c, uint32_t parent)
{
	json_object *call = json_object_new_object(), *final = NULL, *e, *params = NULL;
	struct mint_error err = {0};

	json_object_object_add(call, "method", json_object_new_string(c->method));
	json_object_object_add(call, "parameters", json_object_get(c->params));
	if (c->more)
		json_object_object_add(call, "more", json_object_new_boolean(1));
	if (peer_call(c->d, parent, c->uid, call, relay_progress, c, &final, &err)) {
		call_fail(c, &err);
	} else {
		json_object_object_get_ex(final, "parameters", &params);
		if (json_object_object_get_ex(final, "error", &e))
			call_error(c, json_object_get_string(e), params ? json_object_get(params) : NULL);
		else
			call_reply(c, params ? json_object_get(params) : NULL);
	}
	json_object_put(final);
	json_object_put(call);
}

static void reboot(struct call *c, void *args)
{
	struct reboot_request *req = args;
	struct mint_node_view *v = malloc(sizeof(*v));
	struct boot_result *res = malloc(sizeof(*res));
	struct mint_error err = {0};
	json_object *reply;
	char name[16];

	if (!req->stop_timeout)
		req->stop_timeout = 30;
	if (!v || !res) {
		call_failf(c, MINT_E_SYSTEM, "out of memory");
	} else if (req->node == c->d->self || req->node == 0) {
		call_failf(c, MINT_E_INVALID,
			   "node%d cannot be rebooted through mintd%s", req->node,
			   req->node == c->d->self ? ": it is this node" : ": it owns the machine's shared hardware");
	} else if (!c->d->mint_kernel || mint_dev_node_view(&c->d->dev, (uint32_t)req->node, v)) {
		call_failf(c, MINT_E_UNSUPPORTED, "this kernel has no Mint support");
	} else if (v->state == MINT_NODE_UNUSED) {
		call_failf(c, MINT_E_NOTFOUND, "node%d does not exist (it was never booted)",
			   req->node);
	} else if (v->parent != (uint32_t)c->d->self && v->parent < MINT_MAX_NODES &&
		   c->from_node < 0) {
		reboot_at_parent(c, v->parent);
	} else if (v->parent != (uint32_t)c->d->self) {
		call_failf(c, MINT_E_STATE, "node%d was not booted by this node", req->node);
	} else if (reboot_node(c->d, req, call_plan_progress, c, res, &err)) {
		call_fail(c, &err);
	} else {
		snprintf(name, sizeof(name), "node%d", req->node);
		reply = json_object_new_object();
		json_object_object_add(reply, "name", json_object_new_string(name));
		json_object_object_add(reply, "state", json_object_new_string("running"));
		json_object_object_add(reply, "memory_base", json_object_new_int64((int64_t)res->mem_base));
		json_object_object_add(reply, "memory_size", json_object_new_int64((int64_t)res->mem_size));
		json_object_object_add(reply, "cmdline", json_object_new_string(res->cmdline));
		call_reply(c, reply);
	}
	free(v);
	free(res);
}

const struct method method_reboot_node = {
    .interface = MINT_INTERFACE,
    .name = "RebootNode",
    .doc = "Reboot a node on the CPUs, memory and devices it has: it shuts down (by force\n"
	   "after stop_timeout seconds, default 30) and boots again with the kernel, initrd\n"
	   "and appended command line of its last boot, or the ones given (paths on the node\n"
	   "that booted it, which does the reboot). Other nodes notice nothing.",
    .params = reboot_params,
    .nparams = ARRAY_SIZE(reboot_params),
    .returns = "(name: ?string, state: ?string, memory_base: ?int, memory_size: ?int, "
	       "cmdline: ?string, done: ?int, total: ?int, step: ?string)",
    .args_size = sizeof(struct reboot_request),
    .modifies = true,
    .run = reboot,
};
