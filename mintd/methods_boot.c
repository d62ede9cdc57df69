// SPDX-License-Identifier: GPL-2.0
/* BootNode: boot a further node on resources this node gives up. */
#include <stdio.h>
#include <stdlib.h>

#include "methods.h"
#include "op_boot.h"
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
