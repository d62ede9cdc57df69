// SPDX-License-Identifier: GPL-2.0
/* cmocka tests for the boot options mint-kexec and mint-liar share (boot_opts.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "boot_opts.h"

/* Apply option @c with a writable copy of @value; the copy lives until the next call. */
static int opt(struct mint_boot_opts *o, int c, const char *value, struct mint_error *err)
{
	static char buf[32][256];
	static unsigned int next;
	char *copy = buf[next++ % 32];

	snprintf(copy, sizeof(buf[0]), "%s", value ? value : "");
	return mint_boot_opt(o, c, value ? copy : NULL, err);
}

static void test_a_whole_boot(void **state)
{
	struct mint_boot_opts o;
	struct mint_error err = {0};

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(mint_boot_opts_complete(&o, &err), -1);
	assert_non_null(strstr(err.msg, "--node"));
	assert_int_equal(opt(&o, 'n', "1", &err), 1);
	assert_int_equal(opt(&o, 'N', "node1", &err), 1);
	assert_int_equal(opt(&o, 'k', "/boot/bzImage", &err), 1);
	assert_int_equal(opt(&o, 'i', "/boot/initrd", &err), 1);
	assert_int_equal(opt(&o, 'a', "console=ttyS1", &err), 1);
	assert_int_equal(mint_boot_opts_complete(&o, &err), -1);
	assert_non_null(strstr(err.msg, "--cpus"));
	assert_int_equal(opt(&o, 'c', "2,0x3", &err), 1);
	assert_int_equal(mint_boot_opts_complete(&o, &err), -1);
	assert_non_null(strstr(err.msg, "--mem"));
	assert_int_equal(opt(&o, 'm', "0x60000000:512M", &err), 1);
	assert_int_equal(opt(&o, 'u', "0x2f8", &err), 1);
	assert_int_equal(opt(&o, 'p', "0000:00:05.0,0000:01:1f.7", &err), 1);
	assert_int_equal(opt(&o, 't', "2000000", &err), 1);
	assert_int_equal(opt(&o, 'l', "1000000", &err), 1);
	assert_int_equal(opt(&o, 'C', NULL, &err), 1);
	assert_int_equal(mint_boot_opts_complete(&o, &err), 0);

	assert_int_equal(o.spec.node_id, 1);
	assert_string_equal(o.spec.name, "node1");
	assert_string_equal(o.spec.kernel_path, "/boot/bzImage");
	assert_string_equal(o.spec.initrd_path, "/boot/initrd");
	assert_string_equal(o.spec.cmdline, "console=ttyS1");
	assert_int_equal(o.spec.nr_cpus, 2);
	assert_int_equal(o.spec.apic_ids[0], 2);
	assert_int_equal(o.spec.apic_ids[1], 3);
	assert_int_equal(o.spec.mem_base, 0x60000000);
	assert_int_equal(o.spec.mem_size, 512ULL << 20);
	assert_int_equal(o.spec.uart_port, 0x2f8);
	assert_int_equal(o.spec.nr_pci, 2);
	assert_int_equal(o.spec.pci[0].devfn, 5 << 3);
	assert_int_equal(o.spec.pci[1].bus, 1);
	assert_int_equal(o.spec.pci[1].devfn, 0x1f << 3 | 7);
	assert_int_equal(o.spec.tsc_khz, 2000000);
	assert_int_equal(o.spec.lapic_khz, 1000000);
	assert_true(o.no_claim);
}

/* Options that are not boot options are left to the program. */
static void test_other_options_are_not_ours(void **state)
{
	struct mint_boot_opts o;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(opt(&o, 'x', NULL, NULL), 0);
	assert_int_equal(opt(&o, 'h', NULL, NULL), 0);
	assert_int_equal(opt(&o, '?', NULL, NULL), 0);
}

static void expect_bad(int c, const char *value, const char *needle)
{
	struct mint_boot_opts o;
	struct mint_error err = {0};

	memset(&o, 0, sizeof(o));
	assert_int_equal(opt(&o, c, value, &err), -1);
	assert_int_equal(err.kind, MINT_E_INVALID);
	if (!strstr(err.msg, needle))
		fail_msg("error \"%s\" does not mention \"%s\"", err.msg, needle);
}

static void test_bad_values_are_named(void **state)
{
	(void)state;
	expect_bad('n', "one", "--node value \"one\"");
	expect_bad('n', "", "--node");
	expect_bad('n', "-1", "--node");
	expect_bad('c', "2,x", "--cpus value \"x\"");
	expect_bad('c', "256", "APIC ID");
	expect_bad('m', "0x60000000", "BASE:SIZE");
	expect_bad('m', "0x60000000:12Q", "--mem value \"0x60000000:12Q\"");
	expect_bad('u', "0x10000", "--uart");
	expect_bad('p', "0000:00:20.0", "--pci value \"0000:00:20.0\"");
	expect_bad('p', "0000:00:05.0/1", "--pci");
	expect_bad('t', "fast", "--tsc-khz");
	expect_bad('l', "8G", "--lapic-khz");
}

static void test_too_many(void **state)
{
	struct mint_boot_opts o;
	struct mint_error err = {0};
	char list[1024] = "";

	(void)state;
	memset(&o, 0, sizeof(o));
	for (int i = 0; i <= MINT_KEXEC_MAX_CPUS; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%d", i ? "," : "", i);
	assert_int_equal(opt(&o, 'c', list, &err), -1);
	assert_non_null(strstr(err.msg, "more than 64 CPUs"));
}

static void test_sizes(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(mint_boot_parse_size("0x60000000", &v), 0);
	assert_int_equal(v, 0x60000000);
	assert_int_equal(mint_boot_parse_size("512M", &v), 0);
	assert_int_equal(v, 512ULL << 20);
	assert_int_equal(mint_boot_parse_size("1g", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(mint_boot_parse_size("64k", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(mint_boot_parse_size("", &v), -1);
	assert_int_equal(mint_boot_parse_size("1T", &v), -1);
	assert_int_equal(mint_boot_parse_size("-1", &v), -1);
	assert_int_equal(mint_boot_parse_size("0x400000000000G", &v), -1); /* overflows */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_whole_boot),
	    cmocka_unit_test(test_other_options_are_not_ours),
	    cmocka_unit_test(test_bad_values_are_named),
	    cmocka_unit_test(test_too_many),
	    cmocka_unit_test(test_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
