// SPDX-License-Identifier: GPL-2.0
/* mintctl boot: boot a new node on free CPUs, memory and PCI devices. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "mintctl.h"
#include "parse.h"

#define BOOT_USAGE                                                                                 \
	"boot NODE --cores LIST --mem SIZE [--dev BDF]... [--kernel FILE] [--initrd FILE] "        \
	"[--append CMDLINE] [--timeout SECONDS]"
#define MAX_BOOT_DEVS 32

struct boot_args {
	bool have_cores, have_mem;
	struct mint_cpuset cores;
	uint64_t bytes;
	size_t ndevs;
	char devs[MAX_BOOT_DEVS][MINT_BDF_STRLEN];
	const char *kernel, *initrd, *append;
	int timeout;
};

static int opt_cores(void *data, const char *arg)
{
	struct boot_args *b = data;
	struct mint_error err = {0};

	if (mint_parse_cpulist(arg, &b->cores, &err))
		return ctl_usage_error(BOOT_USAGE, "--cores: %s", err.msg);
	b->have_cores = true;
	return 0;
}

static int opt_mem(void *data, const char *arg)
{
	struct boot_args *b = data;
	struct mint_error err = {0};

	if (mint_parse_size(arg, &b->bytes, &err))
		return ctl_usage_error(BOOT_USAGE, "--mem: %s", err.msg);
	b->have_mem = true;
	return 0;
}

static int opt_dev(void *data, const char *arg)
{
	struct boot_args *b = data;
	struct mint_error err = {0};
	struct mint_bdf bdf;

	if (mint_parse_bdf(arg, &bdf, &err))
		return ctl_usage_error(BOOT_USAGE, "--dev: %s", err.msg);
	if (b->ndevs >= MAX_BOOT_DEVS)
		return ctl_usage_error(BOOT_USAGE, "--dev: at most %d devices", MAX_BOOT_DEVS);
	mint_format_bdf(&bdf, b->devs[b->ndevs++]);
	return 0;
}

static int opt_kernel(void *data, const char *arg)
{
	((struct boot_args *)data)->kernel = arg;
	return 0;
}

static int opt_initrd(void *data, const char *arg)
{
	((struct boot_args *)data)->initrd = arg;
	return 0;
}

static int opt_append(void *data, const char *arg)
{
	((struct boot_args *)data)->append = arg;
	return 0;
}

static int opt_timeout(void *data, const char *arg)
{
	char *end;
	long t = strtol(arg, &end, 10);

	if (end == arg || *end || t <= 0 || t > 86400)
		return ctl_usage_error(
		    BOOT_USAGE, "--timeout: \"%s\" is not a number of seconds (1-86400)", arg);
	((struct boot_args *)data)->timeout = (int)t;
	return 0;
}

static const struct cmd_option boot_options[] = {
    {"timeout", true, opt_timeout}, {"cores", true, opt_cores},	  {"mem", true, opt_mem},
    {"dev", true, opt_dev},	    {"kernel", true, opt_kernel}, {"initrd", true, opt_initrd},
    {"append", true, opt_append},   {NULL, false, NULL},
};

/* mintd runs elsewhere (other cwd): hand it absolute paths, and catch typos here. */
static int add_path(json_object *params, const char *key, const char *path)
{
	char abs[PATH_MAX];

	if (!path)
		return 0;
	if (!realpath(path, abs)) {
		fprintf(stderr, "mintctl: --%s %s: %m\n", key, path);
		return -1;
	}
	json_object_object_add(params, key, json_object_new_string(abs));
	return 0;
}

static json_object *boot_params(const char *node, const struct boot_args *b)
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
	if (add_path(params, "kernel", b->kernel) || add_path(params, "initrd", b->initrd)) {
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

int cmd_boot(struct ctl *ctl, int argc, char **argv)
{
	struct mint_error err = {0};
	struct boot_args b = {0};
	json_object *params, *reply;
	int first, node, ret;

	first = ctl_parse(ctl, argc, argv, boot_options, &b, BOOT_USAGE);
	if (first < 0)
		return first == -1 ? EXIT_OK : EXIT_USAGE;
	if (first >= argc)
		return ctl_usage_error(BOOT_USAGE, "missing node name (node1 to node63)");
	if (first + 1 < argc)
		return ctl_usage_error(BOOT_USAGE, "unexpected argument \"%s\"", argv[first + 1]);
	if (mint_parse_node_name(argv[first], &node, &err))
		return ctl_usage_error(BOOT_USAGE, "%s", err.msg);
	if (!b.have_cores)
		return ctl_usage_error(BOOT_USAGE, "missing --cores");
	if (!b.have_mem)
		return ctl_usage_error(BOOT_USAGE, "missing --mem");
	params = boot_params(argv[first], &b);
	if (!params)
		return EXIT_FAILED;
	ret = ctl_call(ctl, MINT_INTERFACE ".BootNode", params, ctl->json ? NULL : ctl_progress,
		       &reply);
	ctl_progress_done(ctl);
	if (ret)
		return ret;
	if (ctl->json)
		ctl_print_json(reply);
	else
		print_booted(argv[first], &b, reply);
	json_object_put(reply);
	return EXIT_OK;
}
