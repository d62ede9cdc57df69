// SPDX-License-Identifier: GPL-2.0
/*
 * Forward: run a method on another node's mintd (mintctl --node). The
 * caller's rights are checked here, on its own node, against the inner
 * method; the other node trusts its kernel's channel. Every reply of the
 * inner method comes back wrapped as {node, reply}; errors come back as they
 * are.
 */
#include <stdio.h>
#include <string.h>

#include "methods.h"
#include "peer.h"

struct forward_args {
	int node;
	const char *method;
	json_object *parameters;
	bool more;
};

static const struct param_spec forward_params[] = {
    PARAM("node", PARAM_STRING, false, struct forward_args, node, param_node),
    PARAM("method", PARAM_STRING, false, struct forward_args, method, param_text),
    PARAM("parameters", PARAM_OBJECT, true, struct forward_args, parameters, param_json),
    PARAM("more", PARAM_BOOL, true, struct forward_args, more, param_flag),
};

static json_object *wrap(int node, json_object *params)
{
	json_object *o = json_object_new_object();
	char name[16];

	snprintf(name, sizeof(name), "node%d", node);
	json_object_object_add(o, "node", json_object_new_string(name));
	json_object_object_add(o, "reply", params ? json_object_get(params)
						  : json_object_new_object());
	return o;
}

/* Pass one reply message of the inner call to our caller, wrapped. */
static void relay(struct call *c, int node, json_object *msg)
{
	json_object *error, *params = NULL, *cont;

	json_object_object_get_ex(msg, "parameters", &params);
	if (json_object_object_get_ex(msg, "error", &error)) {
		call_error(c, json_object_get_string(error),
			   params ? json_object_get(params) : NULL);
		return;
	}
	if (json_object_object_get_ex(msg, "continues", &cont) && json_object_get_boolean(cont))
		call_progress(c, wrap(node, params));
	else
		call_reply(c, wrap(node, params));
}

struct local_sink {
	struct call *outer;
	int node;
};

static int send_to_outer(struct call *inner, json_object *msg)
{
	struct local_sink *s = inner->sink;

	relay(s->outer, s->node, msg);
	json_object_put(msg);
	return 0;
}

static void forward_progress(json_object *msg, void *data)
{
	struct local_sink *s = data;

	relay(s->outer, s->node, msg);
}

static void forward(struct call *c, void *args)
{
	const struct forward_args *a = args;
	const struct method *m = service_find(a->method);
	struct local_sink sink = {.outer = c, .node = a->node};
	struct mint_error err = {0};
	json_object *call, *final;

	if (c->from_node >= 0) {
		call_failf(c, MINT_E_INVALID, "a call from another node cannot be forwarded again");
		return;
	}
	if (!m || !strcmp(m->name, "Forward")) {
		call_failf(c, MINT_E_INVALID, "%s cannot be forwarded", a->method);
		return;
	}
	if (m->modifies && !c->may_modify) {
		call_failf(c, MINT_E_PERM,
			   "%s changes the machine: only root or members of the mint group may "
			   "call it",
			   a->method);
		return;
	}
	if (a->node == c->d->self) {
		struct call inner = *c;

		inner.method = a->method;
		inner.params = a->parameters ? a->parameters : json_object_new_object();
		inner.more = a->more;
		inner.send = send_to_outer;
		inner.sink = &sink;
		service_dispatch(&inner);
		if (!a->parameters)
			json_object_put(inner.params);
		return;
	}
	call = json_object_new_object();
	json_object_object_add(call, "method", json_object_new_string(a->method));
	json_object_object_add(call, "parameters", a->parameters ? json_object_get(a->parameters)
								 : json_object_new_object());
	if (a->more)
		json_object_object_add(call, "more", json_object_new_boolean(1));
	if (peer_call(c->d, (uint32_t)a->node, c->uid, call, forward_progress, &sink, &final,
		      &err)) {
		call_fail(c, &err);
	} else {
		relay(c, a->node, final);
		json_object_put(final);
	}
	json_object_put(call);
}

const struct method method_forward = {
    .interface = MINT_INTERFACE,
    .name = "Forward",
    .doc = "Run method with parameters on node's mintd (through the inter-node channel)\n"
	   "and pass every reply back as reply, progress included when more is set.\n"
	   "The caller needs the rights the method needs, here on its own node. Errors\n"
	   "of the method come back unchanged.",
    .params = forward_params,
    .nparams = 4,
    .returns = "(node: string, reply: object)",
    .args_size = sizeof(struct forward_args),
    .run = forward,
};
