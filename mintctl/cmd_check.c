// SPDX-License-Identifier: GPL-2.0
/*
 * mintctl check: can this machine run Mint? A local, read-only inspection
 * (no mintd needed), one line per check: PASS, WARN or FAIL with what to do,
 * SKIP where a check needs the Mint kernel. Exit status 0 when nothing
 * failed. The probing and the verdicts are in check_probe.c / check_eval.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mintctl.h"
#include "sysroot.h"

struct check_args {
	const char *sysroot;
};

static int opt_sysroot(void *data, const char *arg, struct mint_error *err)
{
	struct check_args *a = data;

	if (arg[0] != '/')
		return mint_fail(err, MINT_E_INVALID, "%s is not an absolute path", arg);
	a->sysroot = arg;
	return 0;
}

static void print_json(const struct check_facts *f, struct check_result r[CHECK_COUNT])
{
	json_object *o = json_object_new_object(), *list = json_object_new_array();

	json_object_object_add(o, "ok", json_object_new_boolean(check_ok(r)));
	json_object_object_add(o, "kernel", json_object_new_string(f->kernel));
	for (size_t i = 0; i < CHECK_COUNT; i++) {
		json_object *c = json_object_new_object();

		json_object_object_add(c, "name", json_object_new_string(r[i].name));
		json_object_object_add(c, "title", json_object_new_string(r[i].title));
		json_object_object_add(c, "verdict",
				       json_object_new_string(check_verdict_name(r[i].verdict)));
		json_object_object_add(c, "detail", json_object_new_string(r[i].detail));
		json_object_object_add(c, "advice", json_object_new_string(r[i].advice));
		json_object_object_add(c, "data", json_object_get(r[i].data));
		json_object_array_add(list, c);
	}
	json_object_object_add(o, "checks", list);
	ctl_print_json(o);
	json_object_put(o);
}

static void print_table(struct check_result r[CHECK_COUNT])
{
	unsigned fails = 0, warns = 0;

	for (size_t i = 0; i < CHECK_COUNT; i++) {
		printf("%-4s  %-24s %s\n", check_verdict_name(r[i].verdict), r[i].title,
		       r[i].detail);
		if (r[i].advice[0] && r[i].verdict != CHECK_PASS)
			printf("      %-24s -> %s\n", "", r[i].advice);
		fails += r[i].verdict == CHECK_FAIL;
		warns += r[i].verdict == CHECK_WARN;
	}
	if (fails)
		printf("This machine cannot run Mint as it is booted: %u check%s failed.\n", fails,
		       fails == 1 ? "" : "s");
	else
		printf("This machine can run Mint (%u warning%s).\n", warns, warns == 1 ? "" : "s");
}

static int run_check(struct ctl *ctl, char **operands, int n, void *data)
{
	struct check_args *a = data;
	struct check_result r[CHECK_COUNT];
	struct mint_error err = {0};
	struct check_facts *f;
	bool ok;

	if (ctl->node)
		return ctl_usage_error(&verb_check,
				       "check inspects this machine only; run it on %s itself",
				       ctl->node);
	if (a->sysroot && mint_sysroot_set(a->sysroot, &err))
		return ctl_usage_error(&verb_check, "--sysroot: %s", err.msg);
	f = calloc(1, sizeof(*f));
	if (!f) {
		mint_fail(&err, MINT_E_SYSTEM, "out of memory");
		return ctl_fail(&err);
	}
	check_probe(f);
	check_evaluate(f, r);
	if (ctl->json)
		print_json(f, r);
	else
		print_table(r);
	ok = check_ok(r);
	check_results_free(r);
	free(f);
	return ok ? EXIT_OK : EXIT_FAILED;
}

static const struct cmd_option check_options[] = {
    {"sysroot", "DIR", "inspect the tree below DIR instead of /proc, /sys and /dev (for tests)",
     opt_sysroot},
    {0},
};

const struct verb verb_check = {
    .name = "check",
    .operands = "",
    .summary = "check whether this machine can run Mint (no mintd needed)",
    .help = "Inspects this machine, read-only: the Mint kernel and /dev/mint, CPUs and CPU\n"
	    "hotplug, xAPIC mode, interrupt remapping, an IOMMU, movable memory, serial\n"
	    "ports for node consoles, which PCI functions can be handed over, CPU\n"
	    "virtualisation for KVM, the low-memory slots for further nodes and node0's\n"
	    "kernel parameters. One line each: PASS, WARN (Mint runs, something it offers\n"
	    "will not), FAIL (Mint cannot run as the machine is booted) or SKIP (needs the\n"
	    "Mint kernel), with what to do. Run it as root: some facts are root's to read.\n"
	    "Exit status: 0 this machine can run Mint, 1 it cannot.",
    .min_operands = 0,
    .max_operands = 0,
    .options = check_options,
    .data_size = sizeof(struct check_args),
    .run = run_check,
};
