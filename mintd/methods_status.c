// SPDX-License-Identifier: GPL-2.0
/* Status and NodeLog: read-only, open to every local user. */
#include <stdio.h>

#include "methods.h"
#include "status.h"

static void status(struct call *c, void *args)
{
	struct mint_error err = {0};
	json_object *reply = status_build(c->d, &err);

	if (!reply)
		call_fail(c, &err);
	else
		call_reply(c, reply);
}

const struct method method_status = {
    .interface = MINT_INTERFACE,
    .name = "Status",
    .doc = "This node's view of the machine, and warnings from reconciling saved state.\n"
	   "nodes lists every node of the resource table (empty without a Mint kernel);\n"
	   "guests, this node's KVM guests (absent where libvirt does not answer).",
    .returns = "(node: NodeInfo, nodes: []Node, cpus: []Cpu, memory: Memory, devices: []Device, "
	       "warnings: []string, guests: ?[]Guest)",
    .types = status_types,
    .run = status,
};

struct node_log_args {
	int node;
};

static void node_log(struct call *c, void *args)
{
	const struct node_log_args *a = args;
	char text[MINT_LOG_SIZE + 1], name[16];
	json_object *reply;

	if (!c->d->mint_kernel) {
		call_failf(c, MINT_E_UNSUPPORTED,
			   "this kernel has no Mint support (" MINT_DEV_PATH " is missing)");
		return;
	}
	mint_dev_node_log(&c->d->dev, (uint32_t)a->node, text, sizeof(text));
	snprintf(name, sizeof(name), "node%d", a->node);
	reply = json_object_new_object();
	json_object_object_add(reply, "name", json_object_new_string(name));
	json_object_object_add(reply, "text", json_object_new_string(text));
	call_reply(c, reply);
}

static const struct param_spec node_log_params[] = {
    PARAM("name", PARAM_STRING, false, struct node_log_args, node, param_node),
};

const struct method method_node_log = {
    .interface = MINT_INTERFACE,
    .name = "NodeLog",
    .doc = "The tail (about 480 bytes) of a node's kernel console, which every Mint\n"
	   "node's kernel keeps in the resource table, also after it failed.",
    .params = node_log_params,
    .nparams = 1,
    .returns = "(name: string, text: string)",
    .args_size = sizeof(struct node_log_args),
    .run = node_log,
};
