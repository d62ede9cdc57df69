// SPDX-License-Identifier: GPL-2.0
/* mintctl log: the tail of a node's console, as its kernel keeps it in the resource table. */
#include <stdio.h>
#include <string.h>

#include "mintctl.h"
#include "parse.h"

#define LOG_USAGE "log NODE"

int cmd_log(struct ctl *ctl, int argc, char **argv)
{
	struct mint_error err = {0};
	json_object *params, *reply, *text;
	int first = ctl_parse(ctl, argc, argv, NULL, NULL, LOG_USAGE), node, ret;

	if (first < 0)
		return first == -1 ? EXIT_OK : EXIT_USAGE;
	if (first + 1 != argc)
		return ctl_usage_error(LOG_USAGE,
				       first >= argc ? "missing node name" : "too many arguments");
	if (mint_parse_node_name(argv[first], &node, &err))
		return ctl_usage_error(LOG_USAGE, "%s", err.msg);
	params = json_object_new_object();
	json_object_object_add(params, "name", json_object_new_string(argv[first]));
	ret = ctl_call(ctl, MINT_INTERFACE ".NodeLog", params, NULL, &reply);
	if (ret)
		return ret;
	if (ctl->json) {
		ctl_print_json(reply);
	} else if (json_object_object_get_ex(reply, "text", &text)) {
		const char *t = json_object_get_string(text);

		fputs(t, stdout);
		if (t[0] && t[strlen(t) - 1] != '\n')
			putchar('\n');
	}
	json_object_put(reply);
	return EXIT_OK;
}
