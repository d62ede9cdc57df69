// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "cpuset.h"
#include "util.h"

static void test_empty(void **state)
{
	struct mint_cpuset s;
	char buf[16];

	memset(&s, 0xff, sizeof(s));
	mint_cpuset_clear(&s);
	assert_true(mint_cpuset_empty(&s));
	assert_int_equal(mint_cpuset_count(&s), 0);
	assert_int_equal(mint_cpuset_next(&s, 0), -1);
	assert_int_equal(mint_cpuset_format(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

static void test_add_del_has(void **state)
{
	struct mint_cpuset s;

	mint_cpuset_clear(&s);
	mint_cpuset_add(&s, 0);
	mint_cpuset_add(&s, 63);
	mint_cpuset_add(&s, 64);
	mint_cpuset_add(&s, MINT_CPUSET_MAX - 1);
	mint_cpuset_add(&s, 64); /* twice: no change */
	assert_int_equal(mint_cpuset_count(&s), 4);
	assert_true(mint_cpuset_has(&s, 0));
	assert_true(mint_cpuset_has(&s, 63));
	assert_true(mint_cpuset_has(&s, 64));
	assert_true(mint_cpuset_has(&s, MINT_CPUSET_MAX - 1));
	assert_false(mint_cpuset_has(&s, 1));
	assert_false(mint_cpuset_empty(&s));

	mint_cpuset_del(&s, 63);
	mint_cpuset_del(&s, 5); /* not a member */
	assert_false(mint_cpuset_has(&s, 63));
	assert_int_equal(mint_cpuset_count(&s), 3);

	/* Out of range: ignored, never a member, no memory corruption. */
	mint_cpuset_add(&s, MINT_CPUSET_MAX);
	mint_cpuset_add(&s, 100000);
	mint_cpuset_del(&s, MINT_CPUSET_MAX);
	assert_false(mint_cpuset_has(&s, MINT_CPUSET_MAX));
	assert_false(mint_cpuset_has(&s, ~0u));
	assert_int_equal(mint_cpuset_count(&s), 3);

	mint_cpuset_del(&s, 0);
	mint_cpuset_del(&s, 64);
	mint_cpuset_del(&s, MINT_CPUSET_MAX - 1);
	assert_true(mint_cpuset_empty(&s));
}

static void test_next(void **state)
{
	static const int want[] = {1, 2, 63, 64, 200, MINT_CPUSET_MAX - 1};
	struct mint_cpuset s;
	size_t i = 0;

	mint_cpuset_clear(&s);
	for (size_t k = 0; k < ARRAY_SIZE(want); k++)
		mint_cpuset_add(&s, (unsigned)want[k]);
	for (int c = mint_cpuset_next(&s, 0); c >= 0; c = mint_cpuset_next(&s, (unsigned)c + 1)) {
		assert_true(i < ARRAY_SIZE(want));
		assert_int_equal(c, want[i]);
		i++;
	}
	assert_int_equal(i, ARRAY_SIZE(want));
	assert_int_equal(mint_cpuset_next(&s, 3), 63);
	assert_int_equal(mint_cpuset_next(&s, 64), 64);
	assert_int_equal(mint_cpuset_next(&s, 65), 200);
	assert_int_equal(mint_cpuset_next(&s, MINT_CPUSET_MAX - 1), MINT_CPUSET_MAX - 1);
	assert_int_equal(mint_cpuset_next(&s, MINT_CPUSET_MAX), -1);
	assert_int_equal(mint_cpuset_next(&s, ~0u), -1);
}

static void check_format(const unsigned *cpus, size_t n, const char *want)
{
	struct mint_cpuset s;
	char buf[256];

	mint_cpuset_clear(&s);
	for (size_t i = 0; i < n; i++)
		mint_cpuset_add(&s, cpus[i]);
	assert_int_equal(mint_cpuset_format(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

static void test_format(void **state)
{
	const unsigned a[] = {2, 3, 4, 8};
	const unsigned b[] = {5};
	const unsigned c[] = {0, 1};
	const unsigned d[] = {1, 3, 5};
	const unsigned e[] = {62, 63, 64, 65, 1022, 1023};
	const unsigned f[] = {0, 1, 2, 3, 7, 9, 10};

	check_format(a, 4, "2-4,8");
	check_format(b, 1, "5");
	check_format(c, 2, "0-1");
	check_format(d, 3, "1,3,5");
	check_format(e, 6, "62-65,1022-1023");
	check_format(f, 7, "0-3,7,9-10");
}

static void test_format_all(void **state)
{
	struct mint_cpuset s;
	char buf[32];

	mint_cpuset_clear(&s);
	for (unsigned i = 0; i < MINT_CPUSET_MAX; i++)
		mint_cpuset_add(&s, i);
	assert_int_equal(mint_cpuset_count(&s), MINT_CPUSET_MAX);
	assert_int_equal(mint_cpuset_format(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0-1023");
}

static void test_format_truncated(void **state)
{
	struct mint_cpuset s;
	char buf[6];

	mint_cpuset_clear(&s);
	mint_cpuset_add(&s, 2);
	mint_cpuset_add(&s, 3);
	mint_cpuset_add(&s, 4);
	mint_cpuset_add(&s, 8);
	/* "2-4,8" needs 6 bytes: fits exactly */
	assert_int_equal(mint_cpuset_format(&s, buf, 6), 0);
	assert_string_equal(buf, "2-4,8");
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(mint_cpuset_format(&s, buf, 5), -1);
	assert_true(memchr(buf, '\0', 5) != NULL);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(mint_cpuset_format(&s, buf, 2), -1);
	assert_true(memchr(buf, '\0', 2) != NULL);
	assert_int_equal(mint_cpuset_format(&s, buf, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty),      cmocka_unit_test(test_add_del_has),
	    cmocka_unit_test(test_next),       cmocka_unit_test(test_format),
	    cmocka_unit_test(test_format_all), cmocka_unit_test(test_format_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
