// SPDX-License-Identifier: GPL-2.0
/*
 * mintd's journal: intents and outcomes round trip, an intent without an
 * outcome is in flight, ids continue across reopening, torn and damaged
 * lines are skipped (never trusted), and a large journal is moved aside.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "journal.h"

static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mint-journal-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void append_raw(const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, MINT_JOURNAL_FILE);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static json_object *cpus_intent(int cpu)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_array_add(a, json_object_new_int(cpu));
	json_object_object_add(o, "cpus", a);
	return o;
}

static void in_flight_until_ended(void **state)
{
	struct mint_error err = {0};
	struct mint_journal j;
	struct mint_journal_load l;
	json_object *in = cpus_intent(3), *cpus;
	uint64_t a, b;

	(void)state;
	assert_int_equal(mint_journal_open(&j, dir, &err), 0);
	assert_int_equal(mint_journal_begin(&j, "cpu-release", "uid 0 pid 1", in, &a, &err), 0);
	assert_int_equal(mint_journal_begin(&j, "mem-release", "uid 0 pid 1", NULL, &b, &err), 0);
	assert_true(b > a);
	assert_int_equal(mint_journal_end(&j, b, "done", NULL, &err), 0);
	mint_journal_close(&j);
	json_object_put(in);

	assert_int_equal(mint_journal_load(dir, &l, &err), 0);
	assert_int_equal(l.nopen, 1);
	assert_int_equal(l.open[0].id, a);
	assert_string_equal(l.open[0].op, "cpu-release");
	assert_string_equal(l.open[0].by, "uid 0 pid 1");
	assert_true(json_object_object_get_ex(l.open[0].intent, "cpus", &cpus));
	assert_int_equal(json_object_get_int(json_object_array_get_idx(cpus, 0)), 3);
	assert_int_equal(l.records, 3);
	assert_int_equal(l.bad_lines, 0);
	mint_journal_load_free(&l);
}

static void ids_continue_after_reopen(void **state)
{
	struct mint_error err = {0};
	struct mint_journal j;
	uint64_t a, b;

	(void)state;
	assert_int_equal(mint_journal_open(&j, dir, &err), 0);
	assert_int_equal(mint_journal_begin(&j, "x", "", NULL, &a, &err), 0);
	mint_journal_end(&j, a, "done", NULL, &err);
	mint_journal_close(&j);
	assert_int_equal(mint_journal_open(&j, dir, &err), 0);
	assert_int_equal(mint_journal_begin(&j, "y", "", NULL, &b, &err), 0);
	assert_true(b > a);
	mint_journal_close(&j);
}

/* A crash in the middle of a write leaves a torn line: skipped, and the next record is whole. */
static void torn_line_is_skipped(void **state)
{
	struct mint_error err = {0};
	struct mint_journal j;
	struct mint_journal_load l;
	uint64_t id;

	(void)state;
	append_raw("{\"id\":1,\"phase\":\"begin\",\"op\":\"cpu-release\",\"intent\":{\"cp");
	assert_int_equal(mint_journal_open(&j, dir, &err), 0);
	assert_int_equal(mint_journal_begin(&j, "mem-release", "", NULL, &id, &err), 0);
	mint_journal_close(&j);
	assert_int_equal(mint_journal_load(dir, &l, &err), 0);
	assert_int_equal(l.bad_lines, 1);
	assert_int_equal(l.nopen, 1);
	assert_string_equal(l.open[0].op, "mem-release");
	mint_journal_load_free(&l);
}

static void damaged_lines_are_not_trusted(void **state)
{
	static const char text[] =
	    "garbage\n"
	    "{\"id\":-4,\"phase\":\"begin\",\"op\":\"a\"}\n"		     /* negative id */
	    "{\"id\":5,\"phase\":\"begin\"}\n"				     /* no op */
	    "{\"id\":6,\"phase\":\"sideways\",\"op\":\"a\"}\n"		     /* unknown phase */
	    "[1,2,3]\n"							     /* not an object */
	    "{\"id\":7,\"phase\":\"begin\",\"op\":\"a\"} trailing\n"	     /* not one object */
	    "{\"id\":8,\"phase\":\"begin\",\"op\":\"0123456789012345678901234567890123\"}\n"
	    "{\"id\":3,\"phase\":\"begin\",\"op\":\"\"}\n"			     /* empty op */
	    "{\"id\":9,\"phase\":\"begin\",\"op\":\"ok\",\"intent\":[1]}\n" /* intent: {} */
	    "\n";
	struct mint_journal_load l;

	(void)state;
	mint_journal_parse(text, sizeof(text) - 1, &l);
	assert_int_equal(l.nopen, 1);
	assert_string_equal(l.open[0].op, "ok");
	assert_true(json_object_is_type(l.open[0].intent, json_type_object));
	assert_int_equal(l.bad_lines, 8);
	assert_int_equal(l.max_id, 9);
	mint_journal_load_free(&l);
}

static void binary_input_is_survived(void **state)
{
	char buf[4096];
	struct mint_journal_load l;

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 131 + 7);
	mint_journal_parse(buf, sizeof(buf), &l);
	assert_int_equal(l.nopen, 0);
	mint_journal_load_free(&l);
}

static void too_many_open_keeps_the_newest(void **state)
{
	char line[128];
	struct mint_journal_load l;
	char *text = calloc(1, 200 * sizeof(line));

	(void)state;
	assert_non_null(text);
	for (int i = 1; i <= 100; i++) {
		snprintf(line, sizeof(line), "{\"id\":%d,\"phase\":\"begin\",\"op\":\"a\"}\n", i);
		strcat(text, line);
	}
	mint_journal_parse(text, strlen(text), &l);
	assert_int_equal(l.nopen, MINT_JOURNAL_MAX_OPEN);
	assert_int_equal(l.open[MINT_JOURNAL_MAX_OPEN - 1].id, 100);
	mint_journal_load_free(&l);
	free(text);
}

static void large_journal_is_moved_aside(void **state)
{
	struct mint_error err = {0};
	struct mint_journal j;
	char path[128], big[MINT_JOURNAL_MAX_LINE / 2];
	json_object *in = json_object_new_object();
	struct stat st;
	uint64_t id;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	json_object_object_add(in, "pad", json_object_new_string(big));
	assert_int_equal(mint_journal_open(&j, dir, &err), 0);
	for (int i = 0; i < 40; i++) {
		assert_int_equal(mint_journal_begin(&j, "x", "", in, &id, &err), 0);
		assert_int_equal(mint_journal_end(&j, id, "done", NULL, &err), 0);
	}
	assert_int_equal(mint_journal_maybe_rotate(&j, &err), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, MINT_JOURNAL_OLD);
	assert_int_equal(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, MINT_JOURNAL_FILE);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	mint_journal_close(&j);
	json_object_put(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(in_flight_until_ended, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(ids_continue_after_reopen, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(torn_line_is_skipped, make_dir, remove_dir),
	    cmocka_unit_test(damaged_lines_are_not_trusted),
	    cmocka_unit_test(binary_input_is_survived),
	    cmocka_unit_test(too_many_open_keeps_the_newest),
	    cmocka_unit_test_setup_teardown(large_journal_is_moved_aside, make_dir, remove_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
