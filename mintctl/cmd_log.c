// SPDX-License-Identifier: GPL-2.0
/* mintctl log: the tail of a node's console, as its kernel keeps it in the resource table. */
#include <stdio.h>
#include <string.h>

#include "mintctl.h"
#include "parse.h"

static int run_log(struct ctl *ctl, char **operands, int n, void *data)
{
	struct mint_error err = {0};
	json_object *params, *reply;
	const char *text;
	int node, ret;

	if (mint_parse_node_name(operands[0], &node, &err))
		return ctl_usage_error(&verb_log, "%s", err.msg);
	params = json_object_new_object();
	json_object_object_add(params, "name", json_object_new_string(operands[0]));
	ret = ctl_call(ctl, MINT_INTERFACE ".NodeLog", params, NULL, &reply);
	if (ret)
		return ret;
	if (ctl->json) {
		ctl_print_json(reply);
	} else {
		text = ctl_str(reply, "text");
		fputs(text, stdout);
		if (text[0] && text[strlen(text) - 1] != '\n')
			putchar('\n');
	}
	json_object_put(reply);
	return EXIT_OK;
}

const struct verb verb_log = {
    .name = "log",
    .operands = "NODE",
    .summary = "show the last lines NODE printed on its console",
    .help = "Prints the tail (about 480 bytes) of NODE's kernel console, which a Mint node's\n"
	    "kernel keeps in the shared resource table, also after it failed.",
    .min_operands = 1,
    .max_operands = 1,
    .run = run_log,
};
