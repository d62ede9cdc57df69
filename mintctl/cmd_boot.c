// SPDX-License-Identifier: GPL-2.0
/* mintctl boot: boot a new node on free CPUs, memory and PCI devices. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "mintctl.h"
#include "mint_limits.h"
#include "parse.h"

#define MAX_BOOT_DEVS MINT_NODE_MAX_DEVS

struct boot_args {
	bool have_cores, have_mem;
	struct mint_cpuset cores;
	uint64_t bytes;
	size_t ndevs;
	char devs[MAX_BOOT_DEVS][MINT_BDF_STRLEN];
	const char *kernel, *initrd, *append;
	int timeout;
};

static int opt_cores(void *data, const char *arg, struct mint_error *err)
{
	struct boot_args *b = data;

	if (mint_parse_cpulist(arg, &b->cores, err))
		return -1;
	b->have_cores = true;
	return 0;
}

static int opt_mem(void *data, const char *arg, struct mint_error *err)
{
	struct boot_args *b = data;

	if (mint_parse_size(arg, &b->bytes, err))
		return -1;
	b->have_mem = true;
	return 0;
}

static int opt_dev(void *data, const char *arg, struct mint_error *err)
{
	struct boot_args *b = data;
	struct mint_bdf bdf;

	if (mint_parse_bdf(arg, &bdf, err))
		return -1;
	if (b->ndevs >= MAX_BOOT_DEVS)
		return mint_fail(err, MINT_E_INVALID, "at most %d devices", MAX_BOOT_DEVS);
	mint_format_bdf(&bdf, b->devs[b->ndevs++]);
	return 0;
}

static int opt_kernel(void *data, const char *arg, struct mint_error *err)
{
	((struct boot_args *)data)->kernel = arg;
	return 0;
}

static int opt_initrd(void *data, const char *arg, struct mint_error *err)
{
	((struct boot_args *)data)->initrd = arg;
	return 0;
}

static int opt_append(void *data, const char *arg, struct mint_error *err)
{
	((struct boot_args *)data)->append = arg;
	return 0;
}

static int opt_timeout(void *data, const char *arg, struct mint_error *err)
{
	char *end;
	long t = strtol(arg, &end, 10);

	if (end == arg || *end || t <= 0 || t > 86400)
		return mint_fail(err, MINT_E_INVALID,
				 "\"%s\" is not a number of seconds (1-86400)", arg);
	((struct boot_args *)data)->timeout = (int)t;
	return 0;
}

static const struct cmd_option boot_options[] = {
    {"cores", "LIST", "CPUs of this node to hand over, e.g. 2,3 or 2-3 (required)", opt_cores},
    {"mem", "SIZE", "memory, e.g. 512M, a multiple of the block size (required)", opt_mem},
    {"dev", "BDF", "a PCI device with MSI/MSI-X, e.g. 0000:00:03.0 (repeatable)", opt_dev},
    {"kernel", "FILE", "bzImage (default /boot/vmlinuz-$(uname -r))", opt_kernel},
    {"initrd", "FILE", "initramfs for the node", opt_initrd},
    {"append", "CMDLINE", "added to the node's command line (console=ttyS<n> is set)",
     opt_append},
    {"timeout", "SECONDS", "how long to wait for the node to run (default 300)", opt_timeout},
    {NULL, NULL, NULL, NULL},
};

/* mintd runs elsewhere (other cwd): hand it absolute paths, and catch typos here. */
static int add_path(struct ctl *ctl, json_object *params, const char *key, const char *path)
{
	char abs[PATH_MAX];

	if (!path)
		return 0;
	/* A path on another node is that node's: it cannot be checked here. */
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

static json_object *boot_params(struct ctl *ctl, const char *node, const struct boot_args *b)
{
	json_object *params = json_object_new_object(), *cpus = json_object_new_array();
	json_object *devs = json_object_new_array();

	json_object_object_add(params, "name", json_object_new_string(node));
	for (int c = mint_cpuset_next(&b->cores, 0); c >= 0; c = mint_cpuset_next(&b->cores, c + 1))
		json_object_array_add(cpus, json_object_new_int(c));
	json_object_object_add(params, "cpus", cpus);
	json_object_object_add(params, "bytes", json_object_new_int64((int64_t)b->bytes));
	for (size_t i = 0; i < b->ndevs; i++)
		json_object_array_add(devs, json_object_new_string(b->devs[i]));
	json_object_object_add(params, "devices", devs);
	if (b->append)
		json_object_object_add(params, "append", json_object_new_string(b->append));
	if (b->timeout)
		json_object_object_add(params, "timeout", json_object_new_int(b->timeout));
	if (add_path(ctl, params, "kernel", b->kernel) || add_path(ctl, params, "initrd", b->initrd)) {
		json_object_put(params);
		return NULL;
	}
	return params;
}

static void print_booted(const char *node, const struct boot_args *b, json_object *reply)
{
	json_object *base = NULL;
	char cores[128], size[32];

	json_object_object_get_ex(reply, "memory_base", &base);
	mint_cpuset_format(&b->cores, cores, sizeof(cores));
	mint_format_size(b->bytes, size, sizeof(size));
	printf("%s is running on CPUs %s with %s of memory at 0x%llx", node, cores, size,
	       (unsigned long long)json_object_get_int64(base));
	for (size_t i = 0; i < b->ndevs; i++)
		printf("%s%s", i ? ", " : " and devices ", b->devs[i]);
	putchar('\n');
}

static int run_boot(struct ctl *ctl, char **operands, int n, void *data)
{
	struct boot_args *b = data;
	struct mint_error err = {0};
	json_object *params, *reply;
	int node, ret;

	if (mint_parse_node_name(operands[0], &node, &err))
		return ctl_usage_error(&verb_boot, "%s", err.msg);
	if (!b->have_cores)
		return ctl_usage_error(&verb_boot, "missing --cores");
	if (!b->have_mem)
		return ctl_usage_error(&verb_boot, "missing --mem");
	params = boot_params(ctl, operands[0], b);
	if (!params)
		return EXIT_FAILED;
	ret = ctl_call(ctl, MINT_INTERFACE ".BootNode", params, ctl->json ? NULL : ctl_progress,
		       &reply);
	if (ret)
		return ret;
	if (ctl->json)
		ctl_print_json(reply);
	else
		print_booted(operands[0], b, reply);
	json_object_put(reply);
	return EXIT_OK;
}

const struct verb verb_boot = {
    .name = "boot",
    .operands = "NODE",
    .summary = "boot a new node on CPUs, memory and devices of this one",
    .help = "Boots NODE (node1 to node63) on the given CPUs, a contiguous range of SIZE\n"
	    "memory and PCI devices, all taken from this node; needs a Mint kernel.\n"
	    "On failure everything handed over comes back to this node.",
    .min_operands = 1,
    .max_operands = 1,
    .options = boot_options,
    .data_size = sizeof(struct boot_args),
    .run = run_boot,
};
