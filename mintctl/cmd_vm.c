// SPDX-License-Identifier: GPL-2.0
/*
 * mintctl vm start|stop|list|console: KVM guests of a node (mintd's VmStart,
 * VmStop, VmList, VmConsole); with -n NODE, of that node.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mintctl.h"
#include "parse.h"
#include "table.h"

/* ---- the guest table (also a section of mintctl status) ---- */

static const struct column guest_cols[] = {
    {"GUEST", COL_STR},	 {"ID", COL_INT},	 {"VCPUS", COL_INT},
    {"MEMORY", COL_STR}, {"VCPU PINS", COL_STR}, {"EMULATOR PIN", COL_STR},
};

void ctl_print_guests(json_object *guests)
{
	struct table t;

	table_init(&t, guest_cols, 6);
	for (size_t i = 0; guests && i < json_object_array_length(guests); i++) {
		json_object *g = json_object_array_get_idx(guests, i),
			    *pins = ctl_member(g, "vcpu_pins");
		char id[16], vcpus[16], mem[32], pin[256];
		size_t len = 0;

		pin[0] = '\0';
		for (size_t k = 0; pins && k < json_object_array_length(pins) && len < sizeof(pin);
		     k++)
			len += (size_t)snprintf(
			    pin + len, sizeof(pin) - len, "%s%s", k ? " " : "",
			    json_object_get_string(json_object_array_get_idx(pins, k)));
		snprintf(id, sizeof(id), "%" PRId64, ctl_int(g, "id"));
		snprintf(vcpus, sizeof(vcpus), "%" PRId64, ctl_int(g, "vcpus"));
		mint_format_size((uint64_t)ctl_int(g, "memory_bytes"), mem, sizeof(mem));
		table_add(&t, ctl_str(g, "name"), id, vcpus, mem, pin[0] ? pin : "-",
			  ctl_str(g, "emulator_pin")[0] ? ctl_str(g, "emulator_pin") : "-");
	}
	if (t.nrows)
		table_print(&t, stdout);
	else
		printf("no guests\n");
	table_free(&t);
}

/* ---- vm start ---- */

struct start_args {
	unsigned vcpus;
	bool have_mem;
	uint64_t bytes;
	const char *kernel, *initrd, *disk, *append;
};

static int opt_vcpus(void *data, const char *arg, struct mint_error *err)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (end == arg || *end || n < 1 || n > 64)
		return mint_fail(err, MINT_E_INVALID, "\"%s\" is not a number of vCPUs (1-64)",
				 arg);
	((struct start_args *)data)->vcpus = (unsigned)n;
	return 0;
}

static int opt_mem(void *data, const char *arg, struct mint_error *err)
{
	struct start_args *a = data;

	if (mint_parse_size(arg, &a->bytes, err))
		return -1;
	a->have_mem = true;
	return 0;
}

static int opt_kernel(void *data, const char *arg, struct mint_error *err)
{
	((struct start_args *)data)->kernel = arg;
	return 0;
}

static int opt_initrd(void *data, const char *arg, struct mint_error *err)
{
	((struct start_args *)data)->initrd = arg;
	return 0;
}

static int opt_disk(void *data, const char *arg, struct mint_error *err)
{
	((struct start_args *)data)->disk = arg;
	return 0;
}

static int opt_append(void *data, const char *arg, struct mint_error *err)
{
	((struct start_args *)data)->append = arg;
	return 0;
}

static const struct cmd_option start_options[] = {
    {"vcpus", "N", "virtual CPUs, at most one per CPU of the node (default 1)", opt_vcpus},
    {"mem", "SIZE", "guest memory, e.g. 128M (required)", opt_mem},
    {"kernel", "FILE", "the guest's kernel (bzImage) on the node (required)", opt_kernel},
    {"initrd", "FILE", "the guest's initramfs", opt_initrd},
    {"disk", "FILE", "a raw disk image, the guest's /dev/vda", opt_disk},
    {"append", "CMDLINE", "added to the guest's command line (console=ttyS0 is set)", opt_append},
    {NULL, NULL, NULL, NULL},
};

/* Paths are the node's: absolute (and checked here when the node is this one). */
static int add_path(struct ctl *ctl, json_object *params, const char *key, const char *path)
{
	char abs[PATH_MAX];

	if (!path)
		return 0;
	if (ctl->node) {
		if (path[0] != '/') {
			fprintf(stderr, "mintctl: --%s %s: a path on %s must be absolute\n", key,
				path, ctl->node);
			return -1;
		}
		json_object_object_add(params, key, json_object_new_string(path));
		return 0;
	}
	if (!realpath(path, abs)) {
		fprintf(stderr, "mintctl: --%s %s: %m\n", key, path);
		return -1;
	}
	json_object_object_add(params, key, json_object_new_string(abs));
	return 0;
}

static int run_start(struct ctl *ctl, char **operands, int n, void *data)
{
	struct start_args *a = data;
	json_object *params, *reply, *pins;
	char size[32];
	int ret;

	if (!a->have_mem)
		return ctl_usage_error(&verb_vm_start, "missing --mem");
	if (!a->kernel)
		return ctl_usage_error(&verb_vm_start, "missing --kernel");
	params = json_object_new_object();
	json_object_object_add(params, "name", json_object_new_string(operands[0]));
	json_object_object_add(params, "vcpus", json_object_new_int(a->vcpus ? (int)a->vcpus : 1));
	json_object_object_add(params, "memory_bytes", json_object_new_int64((int64_t)a->bytes));
	if (a->append)
		json_object_object_add(params, "append", json_object_new_string(a->append));
	if (add_path(ctl, params, "kernel", a->kernel) ||
	    add_path(ctl, params, "initrd", a->initrd) || add_path(ctl, params, "disk", a->disk)) {
		json_object_put(params);
		return EXIT_FAILED;
	}
	ret = ctl_call(ctl, MINT_INTERFACE ".VmStart", params, NULL, &reply);
	if (ret)
		return ret;
	if (ctl->json) {
		ctl_print_json(reply);
	} else {
		pins = ctl_member(reply, "vcpu_pins");
		mint_format_size((uint64_t)ctl_int(reply, "memory_bytes"), size, sizeof(size));
		printf("guest %s is running with %" PRId64 " vCPUs on CPUs", ctl_str(reply, "name"),
		       ctl_int(reply, "vcpus"));
		for (size_t i = 0; pins && i < json_object_array_length(pins); i++)
			printf("%s%s", i ? "," : " ",
			       json_object_get_string(json_object_array_get_idx(pins, i)));
		printf(" and %s; QEMU's threads on CPUs %s; console: %s\n", size,
		       ctl_str(reply, "emulator_pin"), ctl_str(reply, "console"));
	}
	json_object_put(reply);
	return EXIT_OK;
}

const struct verb verb_vm_start = {
    .name = "vm start",
    .operands = "NAME",
    .summary = "start a KVM guest on this node (libvirt), pinned to its CPUs",
    .help = "Starts guest NAME that boots --kernel (and --initrd) directly. Each vCPU gets a\n"
	    "CPU of the node of its own, QEMU's other threads run on the node's CPUs; a\n"
	    "guest that asks for more vCPUs than the node has CPUs, or for more memory\n"
	    "than the node can give (256M of its memory stay with the node), is refused.\n"
	    "Its serial console goes to a log (mintctl vm console NAME).",
    .min_operands = 1,
    .max_operands = 1,
    .options = start_options,
    .data_size = sizeof(struct start_args),
    .run = run_start,
};

/* ---- vm stop ---- */

struct stop_args {
	bool force;
	int timeout;
};

static int opt_force(void *data, const char *arg, struct mint_error *err)
{
	((struct stop_args *)data)->force = true;
	return 0;
}

static int opt_timeout(void *data, const char *arg, struct mint_error *err)
{
	char *end;
	long t = strtol(arg, &end, 10);

	if (end == arg || *end || t <= 0 || t > 86400)
		return mint_fail(err, MINT_E_INVALID, "\"%s\" is not a number of seconds (1-86400)",
				 arg);
	((struct stop_args *)data)->timeout = (int)t;
	return 0;
}

static const struct cmd_option stop_options[] = {
    {"force", NULL, "stop it at once instead of asking it to shut down", opt_force},
    {"timeout", "SECONDS", "how long it may take to shut down (default 10)", opt_timeout},
    {NULL, NULL, NULL, NULL},
};

static int run_stop(struct ctl *ctl, char **operands, int n, void *data)
{
	struct stop_args *a = data;
	json_object *params = json_object_new_object(), *reply;
	int ret;

	json_object_object_add(params, "name", json_object_new_string(operands[0]));
	if (a->force)
		json_object_object_add(params, "force", json_object_new_boolean(true));
	if (a->timeout)
		json_object_object_add(params, "timeout", json_object_new_int(a->timeout));
	ret = ctl_call(ctl, MINT_INTERFACE ".VmStop", params, NULL, &reply);
	if (ret)
		return ret;
	if (ctl->json)
		ctl_print_json(reply);
	else
		printf("guest %s stopped: %s\n", operands[0], ctl_str(reply, "how"));
	json_object_put(reply);
	return EXIT_OK;
}

const struct verb verb_vm_stop = {
    .name = "vm stop",
    .operands = "NAME",
    .summary = "shut a guest down (stopped by force after --timeout, or at once with --force)",
    .min_operands = 1,
    .max_operands = 1,
    .options = stop_options,
    .data_size = sizeof(struct stop_args),
    .run = run_stop,
};

/* ---- vm list ---- */

static int run_list(struct ctl *ctl, char **operands, int n, void *data)
{
	json_object *reply;
	int ret = ctl_call(ctl, MINT_INTERFACE ".VmList", NULL, NULL, &reply);

	if (ret)
		return ret;
	if (ctl->json)
		ctl_print_json(reply);
	else
		ctl_print_guests(ctl_member(reply, "guests"));
	json_object_put(reply);
	return EXIT_OK;
}

const struct verb verb_vm_list = {
    .name = "vm list",
    .operands = "",
    .summary = "list this node's KVM guests and the CPUs they are pinned to",
    .run = run_list,
};

/* ---- vm console ---- */

static int run_console(struct ctl *ctl, char **operands, int n, void *data)
{
	json_object *params = json_object_new_object(), *reply;
	const char *text;
	int ret;

	json_object_object_add(params, "name", json_object_new_string(operands[0]));
	ret = ctl_call(ctl, MINT_INTERFACE ".VmConsole", params, NULL, &reply);
	if (ret)
		return ret;
	if (ctl->json) {
		ctl_print_json(reply);
	} else {
		text = ctl_str(reply, "text");
		fputs(text, stdout);
		if (text[0] && text[strlen(text) - 1] != '\n')
			putchar('\n');
		fprintf(stderr, "(the end of %s)\n", ctl_str(reply, "path"));
	}
	json_object_put(reply);
	return EXIT_OK;
}

const struct verb verb_vm_console = {
    .name = "vm console",
    .operands = "NAME",
    .summary = "show the end of a guest's console log (and where the log is)",
    .min_operands = 1,
    .max_operands = 1,
    .run = run_console,
};
