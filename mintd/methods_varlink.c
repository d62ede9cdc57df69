// SPDX-License-Identifier: GPL-2.0
/* org.varlink.service: what any varlink client asks first. */
#include <stdlib.h>
#include <string.h>

#include "methods.h"
#include "varlink.h"

static void get_info(struct call *c, void *args)
{
	json_object *reply = json_object_new_object(), *ifaces = json_object_new_array();

	json_object_object_add(reply, "vendor", json_object_new_string("Mint"));
	json_object_object_add(reply, "product", json_object_new_string("mintd"));
	json_object_object_add(reply, "version", json_object_new_string(MINT_PKG_VERSION));
	json_object_object_add(reply, "url", json_object_new_string(""));
	json_object_array_add(ifaces, json_object_new_string("org.varlink.service"));
	json_object_array_add(ifaces, json_object_new_string(MINT_INTERFACE));
	json_object_object_add(reply, "interfaces", ifaces);
	call_reply(c, reply);
}

const struct method method_get_info = {
    .interface = "org.varlink.service",
    .name = "GetInfo",
    .returns = "(vendor: string, product: string, version: string, url: string, "
	       "interfaces: []string)",
    .run = get_info,
};

struct description_args {
	const char *interface;
};

static void get_interface_description(struct call *c, void *args)
{
	const struct description_args *a = args;
	json_object *reply;
	char *text;

	if (strcmp(a->interface, MINT_INTERFACE)) {
		json_object *p = json_object_new_object();

		json_object_object_add(p, "interface", json_object_new_string(a->interface));
		call_error(c, "org.varlink.service.InterfaceNotFound", p);
		return;
	}
	text = service_description();
	if (!text) {
		call_failf(c, MINT_E_SYSTEM, "out of memory");
		return;
	}
	reply = json_object_new_object();
	json_object_object_add(reply, "description", json_object_new_string(text));
	free(text);
	call_reply(c, reply);
}

static const struct param_spec description_params[] = {
    PARAM("interface", PARAM_STRING, false, struct description_args, interface, param_text),
};

const struct method method_get_interface_description = {
    .interface = "org.varlink.service",
    .name = "GetInterfaceDescription",
    .params = description_params,
    .nparams = 1,
    .returns = "(description: string)",
    .args_size = sizeof(struct description_args),
    .run = get_interface_description,
};
