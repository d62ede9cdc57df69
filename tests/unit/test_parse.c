// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "parse.h"

#include "util.h"

/* Fail with both strings shown when @msg does not contain @part. */
#define assert_msg_contains(msg, part)                                                             \
	do {                                                                                       \
		if (!strstr((msg), (part)))                                                        \
			fail_msg("message \"%s\" does not contain \"%s\"", (msg), (part));         \
	} while (0)

struct bad_case {
	const char *in;
	const char *msg; /* substring the message must contain; NULL: only the input quoted */
};

static void fresh(struct mint_error *err)
{
	err->kind = MINT_OK;
	strcpy(err->msg, "untouched");
}

/* ---- CPU lists ---- */

static void test_cpulist_valid(void **state)
{
	static const struct {
		const char *in, *canon;
	} cases[] = {
	    {"0", "0"},		  {"2,3", "2-3"},     {"2-5", "2-5"},
	    {"0-3,8", "0-3,8"},	  {"8,0-3", "0-3,8"}, {"2,2-3", "2-3"},
	    {"3,3,3", "3"},	  {"5-5", "5"},	      {"1023", "1023"},
	    {"0-1023", "0-1023"}, {"007", "7"},	      {"1,3,5-7,63-64", "1,3,5-7,63-64"},
	};
	struct mint_error err;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mint_cpuset set;
		char buf[64];

		fresh(&err);
		memset(&set, 0xaa, sizeof(set));
		if (mint_parse_cpulist(cases[i].in, &set, &err))
			fail_msg("\"%s\" rejected: %s", cases[i].in, err.msg);
		assert_int_equal(mint_cpuset_format(&set, buf, sizeof(buf)), 0);
		assert_string_equal(buf, cases[i].canon);
	}
}

static void test_cpulist_invalid(void **state)
{
	static const struct bad_case cases[] = {
	    {"", "invalid CPU list \"\""},
	    {"2,", "empty item"},
	    {",2", "empty item"},
	    {"2,,3", "empty item"},
	    {",", "empty item"},
	    {"2-", "invalid CPU list \"2-\": range \"2-\" has no end"},
	    {"0-3,8-", "range \"8-\" has no end"},
	    {"-1", "range \"-1\" has no start"},
	    {"-", "has no start"},
	    {"2--3", "range \"2--3\""},
	    {"2-a", "range \"2-a\""},
	    {"5-2", "invalid CPU list \"5-2\": range 5-2 is descending"},
	    {"0-3,9-8", "range 9-8 is descending"},
	    {"a", "invalid CPU list \"a\": \"a\" is not a CPU number"},
	    {"cpu2", "not a CPU number"},
	    {"+2", "not a CPU number"},
	    {"0x2", "unexpected \"x2\""},
	    {"2.5", "unexpected"},
	    {"2-3-4", "unexpected \"-4\""},
	    {"2;3", "unexpected"},
	    {"1024", "invalid CPU list \"1024\": CPU 1024 is out of range (maximum 1023)"},
	    {"0-1024", "CPU 1024 is out of range"},
	    {"18446744073709551616", "out of range"},
	    {"99999999999999999999999999", "out of range"},
	    {"1-99999999999999999999999999", "out of range"},
	    {" 2", "spaces are not allowed"},
	    {"2 ", "spaces are not allowed"},
	    {"2, 3", "spaces are not allowed"},
	    {"2\t", "spaces are not allowed"},
	    {"2\n", "spaces are not allowed"},
	};
	struct mint_error err;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mint_cpuset set, before;
		char quoted[64];

		fresh(&err);
		mint_cpuset_clear(&set);
		mint_cpuset_add(&set, 42);
		before = set;
		if (!mint_parse_cpulist(cases[i].in, &set, &err))
			fail_msg("\"%s\" accepted", cases[i].in);
		assert_int_equal(err.kind, MINT_E_INVALID);
		snprintf(quoted, sizeof(quoted), "invalid CPU list \"%s\": ", cases[i].in);
		assert_msg_contains(err.msg, quoted);
		assert_msg_contains(err.msg, cases[i].msg);
		/* the output is untouched on error */
		assert_memory_equal(&set, &before, sizeof(set));
	}
}

static void test_cpulist_null(void **state)
{
	struct mint_cpuset set;

	assert_int_equal(mint_parse_cpulist(NULL, &set, NULL), -1);
	assert_int_equal(mint_parse_cpulist("", &set, NULL), -1);
	assert_int_equal(mint_parse_cpulist("x", &set, NULL), -1); /* NULL err is allowed */
}

/* ---- sizes ---- */

#define K UINT64_C(1024)
#define M (K * K)
#define G (M * K)
#define T (G * K)

static void test_size_valid(void **state)
{
	static const struct {
		const char *in;
		uint64_t bytes;
	} cases[] = {
	    {"512M", 512 * M},
	    {"1G", G},
	    {"1536M", 1536 * M},
	    {"4096K", 4096 * K},
	    {"2T", 2 * T},
	    {"512m", 512 * M},
	    {"1g", G},
	    {"4k", 4 * K},
	    {"512MB", 512 * M},
	    {"512mb", 512 * M},
	    {"512MiB", 512 * M},
	    {"512mib", 512 * M},
	    {"1GiB", G},
	    {"1KB", K},
	    {"1000", 1000},
	    {"1", 1},
	    {"512B", 512},
	    {"007M", 7 * M},
	    {"18446744073709551615", UINT64_MAX},
	    {"16777215T", 16777215 * T},
	    {"17179869183G", 17179869183 * G},
	};
	struct mint_error err;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 12345;

		fresh(&err);
		if (mint_parse_size(cases[i].in, &v, &err))
			fail_msg("\"%s\" rejected: %s", cases[i].in, err.msg);
		assert_int_equal(v, cases[i].bytes);
	}
}

static void test_size_invalid(void **state)
{
	static const struct bad_case cases[] = {
	    {"", "empty"},
	    {"0", "invalid size \"0\": size must be greater than zero"},
	    {"0M", "size must be greater than zero"},
	    {"000G", "size must be greater than zero"},
	    {"12X", "invalid size \"12X\": unknown unit \"X\" (use K, M, G or T)"},
	    {"16E", "unknown unit \"E\""},
	    {"1P", "unknown unit \"P\""},
	    {"512MX", "unknown unit \"MX\""},
	    {"512MBB", "unknown unit \"MBB\""},
	    {"512iB", "unknown unit \"iB\""},
	    {"512Mi", "unknown unit \"Mi\""},
	    {"M", "not a number"},
	    {"abc", "not a number"},
	    {"+5M", "not a number"},
	    {"-1", "negative"},
	    {"-512M", "negative"},
	    {"1.5G", "invalid size \"1.5G\": fractions are not allowed"},
	    {"0.5", "fractions"},
	    {"1,5G", "fractions"},
	    {"18446744073709551616", "too large"},
	    {"99999999999999999999999M", "too large"},
	    {"16777216T", "too large"},
	    {"17179869184G", "too large"},
	    {"18014398509481984K", "too large"},
	    {" 512M", "spaces are not allowed"},
	    {"512M ", "spaces are not allowed"},
	    {"512 M", "spaces are not allowed"},
	};
	struct mint_error err;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 12345;
		char quoted[64];

		fresh(&err);
		if (!mint_parse_size(cases[i].in, &v, &err))
			fail_msg("\"%s\" accepted as %llu", cases[i].in, (unsigned long long)v);
		assert_int_equal(err.kind, MINT_E_INVALID);
		snprintf(quoted, sizeof(quoted), "invalid size \"%s\": ", cases[i].in);
		assert_msg_contains(err.msg, quoted);
		assert_msg_contains(err.msg, cases[i].msg);
		assert_int_equal(v, 12345);
	}
	assert_int_equal(mint_parse_size(NULL, &(uint64_t){0}, NULL), -1);
}

static void test_check_mem_size(void **state)
{
	struct mint_error err;

	assert_int_equal(mint_check_mem_size(128 * M, 128 * M, NULL), 0);
	assert_int_equal(mint_check_mem_size(512 * M, 128 * M, NULL), 0);
	assert_int_equal(mint_check_mem_size(2 * G, 128 * M, NULL), 0);

	fresh(&err);
	assert_int_equal(mint_check_mem_size(100 * M, 128 * M, &err), -1);
	assert_int_equal(err.kind, MINT_E_INVALID);
	assert_string_equal(err.msg, "100M is not a multiple of the 128M memory block size");

	fresh(&err);
	assert_int_equal(mint_check_mem_size(64 * M, 128 * M, &err), -1);
	assert_string_equal(err.msg, "64M is not a multiple of the 128M memory block size");

	fresh(&err);
	assert_int_equal(mint_check_mem_size(G + 1, 128 * M, &err), -1);
	assert_string_equal(err.msg, "1073741825 is not a multiple of the 128M memory block size");

	fresh(&err);
	assert_int_equal(mint_check_mem_size(0, 128 * M, &err), -1);
	assert_int_equal(err.kind, MINT_E_INVALID);
	assert_msg_contains(err.msg, "greater than zero");

	fresh(&err);
	assert_int_equal(mint_check_mem_size(128 * M, 0, &err), -1);
	assert_int_equal(err.kind, MINT_E_INVALID);
}

static void test_format_size(void **state)
{
	static const struct {
		uint64_t bytes;
		const char *out;
	} cases[] = {
	    {536870912, "512M"},
	    {1073741824, "1G"},
	    {1000, "1000"},
	    {0, "0"},
	    {1, "1"},
	    {1024, "1K"},
	    {1536 * M, "1536M"},
	    {100 * M, "100M"},
	    {128 * M, "128M"},
	    {4096 * K, "4M"},
	    {4097 * K, "4097K"},
	    {2 * T, "2T"},
	    {1024 * T, "1024T"},
	    {G + 1, "1073741825"},
	    {UINT64_MAX, "18446744073709551615"},
	    {UINT64_MAX - (T - 1), "16777215T"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[32];

		mint_format_size(cases[i].bytes, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].out);
	}
}

static void test_size_roundtrip(void **state)
{
	static const uint64_t vals[] = {1, 1000, K, 3 * K, 128 * M, 1536 * M, 3 * G, 5 * T};

	for (size_t i = 0; i < ARRAY_SIZE(vals); i++) {
		char buf[32];
		uint64_t v;

		mint_format_size(vals[i], buf, sizeof(buf));
		assert_int_equal(mint_parse_size(buf, &v, NULL), 0);
		assert_int_equal(v, vals[i]);
	}
}

static void test_format_size_small_buffer(void **state)
{
	char buf[4];

	memset(buf, 'x', sizeof(buf));
	mint_format_size(512 * M, buf, sizeof(buf));
	assert_string_equal(buf, "512");
	mint_format_size(512 * M, buf, 0); /* must not write */
	assert_string_equal(buf, "512");
}

/* ---- PCI addresses ---- */

static void test_bdf_valid(void **state)
{
	static const struct {
		const char *in;
		struct mint_bdf bdf;
		const char *canon;
	} cases[] = {
	    {"0000:03:00.0", {0, 3, 0, 0}, "0000:03:00.0"},
	    {"03:00.0", {0, 3, 0, 0}, "0000:03:00.0"},
	    {"00:1f.7", {0, 0, 0x1f, 7}, "0000:00:1f.7"},
	    {"00:1F.7", {0, 0, 0x1f, 7}, "0000:00:1f.7"},
	    {"FFFF:FF:1F.7", {0xffff, 0xff, 0x1f, 7}, "ffff:ff:1f.7"},
	    {"ffff:ff:1f.7", {0xffff, 0xff, 0x1f, 7}, "ffff:ff:1f.7"},
	    {"0001:a0:0b.3", {1, 0xa0, 0xb, 3}, "0001:a0:0b.3"},
	    {"abCD:Ef:10.1", {0xabcd, 0xef, 0x10, 1}, "abcd:ef:10.1"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mint_error err;
		struct mint_bdf b;
		char buf[MINT_BDF_STRLEN];

		fresh(&err);
		if (mint_parse_bdf(cases[i].in, &b, &err))
			fail_msg("\"%s\" rejected: %s", cases[i].in, err.msg);
		assert_int_equal(b.domain, cases[i].bdf.domain);
		assert_int_equal(b.bus, cases[i].bdf.bus);
		assert_int_equal(b.dev, cases[i].bdf.dev);
		assert_int_equal(b.fn, cases[i].bdf.fn);
		assert_int_equal(mint_bdf_cmp(&b, &cases[i].bdf), 0);
		mint_format_bdf(&b, buf);
		assert_string_equal(buf, cases[i].canon);
	}
}

static void test_bdf_invalid(void **state)
{
	static const struct bad_case cases[] = {
	    {"", "expected [DDDD:]BB:DD.F"},
	    {"03:00", "invalid PCI address \"03:00\": expected [DDDD:]BB:DD.F"},
	    {"0000:03:20.0",
	     "invalid PCI address \"0000:03:20.0\": device number 0x20 is above 0x1f"},
	    {"03:ff.0", "device number 0xff is above 0x1f"},
	    {"0000:03:00.8", "function number 8 is above 7"},
	    {"03:00.f", "function number f is above 7"},
	    {"3:0.0", "expected"},
	    {"0:03:00.0", "expected"},
	    {"00000:03:00.0", "expected"},
	    {"0000:003:00.0", "expected"},
	    {"0000:03:00.00", "expected"},
	    {"0000:03:00", "expected"},
	    {"0000-03-00.0", "expected"},
	    {"0000:03.00.0", "expected"},
	    {"0000:03:00:0", "expected"},
	    {"g000:03:00.0", "expected"},
	    {"0000:0g:00.0", "expected"},
	    {"0000:03:0g.0", "expected"},
	    {"0000:03:00.g", "expected"},
	    {"03:00.-1", "expected"},
	    {"-3:00.0", "expected"},
	    {" 03:00.0", "expected"},
	    {"03:00.0 ", "expected"},
	    {"0x03:00.0", "expected"},
	    {"0000:03:00.0\n", "expected"},
	};
	struct mint_error err;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mint_bdf b = {0x1234, 0x56, 0x7, 0x1};
		char quoted[64];

		fresh(&err);
		if (!mint_parse_bdf(cases[i].in, &b, &err))
			fail_msg("\"%s\" accepted", cases[i].in);
		assert_int_equal(err.kind, MINT_E_INVALID);
		snprintf(quoted, sizeof(quoted), "invalid PCI address \"%s\": ", cases[i].in);
		assert_msg_contains(err.msg, quoted);
		assert_msg_contains(err.msg, cases[i].msg);
		assert_int_equal(b.domain, 0x1234);
		assert_int_equal(b.bus, 0x56);
	}
	assert_int_equal(mint_parse_bdf(NULL, &(struct mint_bdf){0}, NULL), -1);
}

static void test_bdf_cmp(void **state)
{
	const struct mint_bdf sorted[] = {
	    {0, 0, 0, 0}, {0, 0, 0, 7},	   {0, 0, 1, 0}, {0, 0, 0x1f, 7},
	    {0, 1, 0, 0}, {0, 0xff, 0, 0}, {1, 0, 0, 0}, {0xffff, 0, 0, 0},
	};

	for (size_t i = 0; i < ARRAY_SIZE(sorted); i++)
		for (size_t j = 0; j < ARRAY_SIZE(sorted); j++) {
			int c = mint_bdf_cmp(&sorted[i], &sorted[j]);

			if (i < j)
				assert_true(c < 0);
			else if (i > j)
				assert_true(c > 0);
			else
				assert_int_equal(c, 0);
		}
}

/* ---- node names ---- */

static void test_node_name(void **state)
{
	static const struct {
		const char *in;
		int id;
	} good[] = {
	    {"node0", 0}, {"node1", 1}, {"node9", 9}, {"node10", 10}, {"node63", 63},
	};
	static const struct bad_case bad[] = {
	    {"node64", "invalid node name \"node64\": node number must be 0 to 63"},
	    {"node100", "node number must be 0 to 63"},
	    {"node99999999999999999999999", "node number must be 0 to 63"},
	    {"node", "expected"},
	    {"node-1", "expected"},
	    {"node+1", "expected"},
	    {"node 1", "expected"},
	    {"node1 ", "expected"},
	    {"node01", "leading zero"},
	    {"node00", "leading zero"},
	    {"Node1", "expected"},
	    {"NODE1", "expected"},
	    {"1", "expected"},
	    {"n1", "expected"},
	    {"nod1", "expected"},
	    {"node1a", "expected"},
	    {"node0x1", "expected"},
	    {"", "expected"},
	    {" node1", "expected"},
	};
	struct mint_error err;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		int id = -5;

		fresh(&err);
		if (mint_parse_node_name(good[i].in, &id, &err))
			fail_msg("\"%s\" rejected: %s", good[i].in, err.msg);
		assert_int_equal(id, good[i].id);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int id = -5;
		char quoted[64];

		fresh(&err);
		if (!mint_parse_node_name(bad[i].in, &id, &err))
			fail_msg("\"%s\" accepted as %d", bad[i].in, id);
		assert_int_equal(err.kind, MINT_E_INVALID);
		snprintf(quoted, sizeof(quoted), "invalid node name \"%s\": ", bad[i].in);
		assert_msg_contains(err.msg, quoted);
		assert_msg_contains(err.msg, bad[i].msg);
		assert_int_equal(id, -5);
	}
	assert_int_equal(mint_parse_node_name(NULL, &(int){0}, NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cpulist_valid),
	    cmocka_unit_test(test_cpulist_invalid),
	    cmocka_unit_test(test_cpulist_null),
	    cmocka_unit_test(test_size_valid),
	    cmocka_unit_test(test_size_invalid),
	    cmocka_unit_test(test_check_mem_size),
	    cmocka_unit_test(test_format_size),
	    cmocka_unit_test(test_size_roundtrip),
	    cmocka_unit_test(test_format_size_small_buffer),
	    cmocka_unit_test(test_bdf_valid),
	    cmocka_unit_test(test_bdf_invalid),
	    cmocka_unit_test(test_bdf_cmp),
	    cmocka_unit_test(test_node_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
