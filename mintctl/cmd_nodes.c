// SPDX-License-Identifier: GPL-2.0
/* mintctl halt|kill|reboot NODE: the life cycle of another node. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "mintctl.h"
#include "parse.h"

struct stop_args {
	const char *to;
	bool no_reclaim;
	int timeout;
};

static int opt_to(void *data, const char *arg, struct mint_error *err)
{
	int node;

	if (mint_parse_node_name(arg, &node, err))
		return -1;
	((struct stop_args *)data)->to = arg;
	return 0;
}

static int opt_no_reclaim(void *data, const char *arg, struct mint_error *err)
{
	((struct stop_args *)data)->no_reclaim = true;
	return 0;
}

static int opt_timeout(void *data, const char *arg, struct mint_error *err)
{
	char *end;
	long t = strtol(arg, &end, 10);

	if (end == arg || *end || t <= 0 || t > 86400)
		return mint_fail(err, MINT_E_INVALID,
				 "\"%s\" is not a number of seconds (1-86400)", arg);
	((struct stop_args *)data)->timeout = (int)t;
	return 0;
}

static void print_list(const char *label, json_object *arr)
{
	size_t n = arr ? json_object_array_length(arr) : 0;

	if (!n)
		return;
	printf("%s", label);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? ", " : " ", json_object_get_string(json_object_array_get_idx(arr, i)));
	putchar('\n');
}

static void print_stopped(json_object *r)
{
	json_object *taken = ctl_member(r, "taken");
	char size[32];

	mint_format_size((uint64_t)ctl_int(r, "memory_bytes"), size, sizeof(size));
	printf("%s is halted (%s)\n", ctl_str(r, "name"), ctl_str(r, "how"));
	if (ctl_member(r, "taken_by"))
		printf("its CPUs, %s of memory and %zu device(s) went to %s\n", size,
		       json_object_array_length(ctl_member(r, "devices")), ctl_str(r, "taken_by"));
	else
		printf("its CPUs, %s of memory and devices are free\n", size);
	if (taken)
		print_list("left free:", ctl_member(taken, "left"));
	if (ctl_member(r, "error"))
		printf("they stay free: %s\n", ctl_str(r, "error"));
}

static int stop(struct ctl *ctl, const char *method, const char *node,
		const struct stop_args *a, const struct verb *v)
{
	struct mint_error err = {0};
	json_object *params, *reply;
	int id, ret;

	if (mint_parse_node_name(node, &id, &err))
		return ctl_usage_error(v, "%s", err.msg);
	params = json_object_new_object();
	json_object_object_add(params, "name", json_object_new_string(node));
	if (a->to)
		json_object_object_add(params, "to", json_object_new_string(a->to));
	if (a->no_reclaim)
		json_object_object_add(params, "no_reclaim", json_object_new_boolean(1));
	if (a->timeout)
		json_object_object_add(params, "timeout", json_object_new_int(a->timeout));
	ret = ctl_call(ctl, method, params, ctl->json ? NULL : ctl_progress, &reply);
	if (ret)
		return ret;
	if (ctl->json)
		ctl_print_json(reply);
	else
		print_stopped(reply);
	json_object_put(reply);
	return EXIT_OK;
}

static int run_halt(struct ctl *ctl, char **operands, int n, void *data)
{
	return stop(ctl, MINT_INTERFACE ".HaltNode", operands[0], data, &verb_halt);
}

static int run_kill(struct ctl *ctl, char **operands, int n, void *data)
{
	return stop(ctl, MINT_INTERFACE ".KillNode", operands[0], data, &verb_kill);
}

static const struct cmd_option halt_options[] = {
    {"timeout", "SECONDS", "how long to wait for it to shut down before forcing it (default 30)",
     opt_timeout},
    {"to", "NODE", "the node that takes its resources (default: its parent, else this node)",
     opt_to},
    {"no-reclaim", NULL, "leave its resources free", opt_no_reclaim},
    {NULL, NULL, NULL, NULL},
};

static const struct cmd_option kill_options[] = {
    {"to", "NODE", "the node that takes its resources (default: its parent, else this node)",
     opt_to},
    {"no-reclaim", NULL, "leave its resources free", opt_no_reclaim},
    {NULL, NULL, NULL, NULL},
};

const struct verb verb_halt = {
    .name = "halt",
    .operands = "NODE",
    .summary = "shut another node down and take its resources back",
    .help = "Asks NODE to shut down (its mintd, or its kernel if no mintd answers), waits\n"
	    "for it to halt and stops it by force after --timeout. Its CPUs, memory and\n"
	    "devices then go to the node that booted it, or to this node.",
    .min_operands = 1,
    .max_operands = 1,
    .options = halt_options,
    .data_size = sizeof(struct stop_args),
    .run = run_halt,
};

const struct verb verb_kill = {
    .name = "kill",
    .operands = "NODE",
    .summary = "stop a hung or failed node by force and take its resources back",
    .help = "INITs every CPU of NODE, clears bus mastering on its PCI devices and scrubs\n"
	    "its memory, then gives its resources away as halt does.",
    .min_operands = 1,
    .max_operands = 1,
    .options = kill_options,
    .data_size = sizeof(struct stop_args),
    .run = run_kill,
};

/* ---- reboot ---- */

struct reboot_args {
	const char *kernel, *initrd, *append;
	int timeout, stop_timeout;
};

static int opt_kernel(void *data, const char *arg, struct mint_error *err)
{
	((struct reboot_args *)data)->kernel = arg;
	return 0;
}

static int opt_initrd(void *data, const char *arg, struct mint_error *err)
{
	((struct reboot_args *)data)->initrd = arg;
	return 0;
}

static int opt_append(void *data, const char *arg, struct mint_error *err)
{
	((struct reboot_args *)data)->append = arg;
	return 0;
}

static int opt_seconds(const char *arg, int *out, struct mint_error *err)
{
	char *end;
	long t = strtol(arg, &end, 10);

	if (end == arg || *end || t <= 0 || t > 86400)
		return mint_fail(err, MINT_E_INVALID,
				 "\"%s\" is not a number of seconds (1-86400)", arg);
	*out = (int)t;
	return 0;
}

static int opt_boot_timeout(void *data, const char *arg, struct mint_error *err)
{
	return opt_seconds(arg, &((struct reboot_args *)data)->timeout, err);
}

static int opt_stop_timeout(void *data, const char *arg, struct mint_error *err)
{
	return opt_seconds(arg, &((struct reboot_args *)data)->stop_timeout, err);
}

/* Paths are the booting node's: relative ones are resolved here, absolute ones go as they are. */
static int add_path(json_object *params, const char *key, const char *path)
{
	char abs[PATH_MAX];

	if (!path)
		return 0;
	if (path[0] != '/') {
		if (!realpath(path, abs)) {
			fprintf(stderr, "mintctl: --%s %s: %m\n", key, path);
			return -1;
		}
		path = abs;
	}
	json_object_object_add(params, key, json_object_new_string(path));
	return 0;
}

static int run_reboot(struct ctl *ctl, char **operands, int n, void *data)
{
	struct reboot_args *a = data;
	struct mint_error err = {0};
	json_object *params, *reply;
	int id, ret;

	if (mint_parse_node_name(operands[0], &id, &err))
		return ctl_usage_error(&verb_reboot, "%s", err.msg);
	params = json_object_new_object();
	json_object_object_add(params, "name", json_object_new_string(operands[0]));
	if (add_path(params, "kernel", a->kernel) || add_path(params, "initrd", a->initrd)) {
		json_object_put(params);
		return EXIT_FAILED;
	}
	if (a->append)
		json_object_object_add(params, "append", json_object_new_string(a->append));
	if (a->timeout)
		json_object_object_add(params, "timeout", json_object_new_int(a->timeout));
	if (a->stop_timeout)
		json_object_object_add(params, "stop_timeout", json_object_new_int(a->stop_timeout));
	ret = ctl_call(ctl, MINT_INTERFACE ".RebootNode", params, ctl->json ? NULL : ctl_progress,
		       &reply);
	if (ret)
		return ret;
	if (ctl->json)
		ctl_print_json(reply);
	else
		printf("%s is running again: %s\n", ctl_str(reply, "name"), ctl_str(reply, "cmdline"));
	json_object_put(reply);
	return EXIT_OK;
}

static const struct cmd_option reboot_options[] = {
    {"kernel", "FILE", "bzImage to boot (default: the one of its last boot)", opt_kernel},
    {"initrd", "FILE", "initramfs (default: the one of its last boot)", opt_initrd},
    {"append", "CMDLINE", "its command line (default: the one of its last boot)", opt_append},
    {"timeout", "SECONDS", "how long to wait for it to run again (default 300)",
     opt_boot_timeout},
    {"stop-timeout", "SECONDS", "how long to wait for it to shut down before forcing it "
     "(default 30)", opt_stop_timeout},
    {NULL, NULL, NULL, NULL},
};

const struct verb verb_reboot = {
    .name = "reboot",
    .operands = "NODE",
    .summary = "reboot another node on the resources it has",
    .help = "NODE shuts down and boots again on the same CPUs, memory and devices; no other\n"
	    "node notices. The node that booted it does the reboot, with the kernel, initrd\n"
	    "and command line of the last boot unless others are given (paths on that node).",
    .min_operands = 1,
    .max_operands = 1,
    .options = reboot_options,
    .data_size = sizeof(struct reboot_args),
    .run = run_reboot,
};
