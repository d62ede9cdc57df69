// SPDX-License-Identifier: GPL-2.0
/* Saved state: round trip, atomic replacement, corrupt files rejected with the file named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "state.h"

static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mint-state-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void write_file(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void missing_file_is_empty_state(void **state)
{
	struct mint_error err = {0};
	struct mint_state st;

	(void)state;
	assert_int_equal(mint_state_load(dir, &st, &err), 0);
	assert_true(mint_cpuset_empty(&st.cpus));
	assert_int_equal(st.nmem, 0);
	assert_int_equal(st.ndevs, 0);
}

static void round_trip(void **state)
{
	struct mint_error err = {0};
	struct mint_state st, back;
	struct mint_pci_release rel = {.bdf = {0, 3, 0, 1}};
	char tmp[128];

	(void)state;
	mint_state_init(&st);
	mint_cpuset_add(&st.cpus, 3);
	mint_cpuset_add(&st.cpus, 7);
	assert_int_equal(mint_state_add_mem(&st, 14), 0);
	assert_int_equal(mint_state_add_mem(&st, 15), 0);
	assert_int_equal(mint_state_add_mem(&st, 15), 0); /* no duplicates */
	assert_int_equal(st.apic_ids[5], -1);
	st.apic_ids[2] = 4;
	st.apic_ids[3] = 6;
	strcpy(rel.driver, "virtio-pci");
	strcpy(rel.module, "virtio_pci");
	assert_int_equal(mint_state_add_dev(&st, &rel), 0);
	assert_int_equal(mint_state_save(dir, &st, &err), 0);

	/* No temporary file is left behind. */
	snprintf(tmp, sizeof(tmp), "%s/state.json.tmp", dir);
	assert_int_not_equal(access(tmp, F_OK), 0);

	assert_int_equal(mint_state_load(dir, &back, &err), 0);
	assert_true(mint_cpuset_has(&back.cpus, 3));
	assert_true(mint_cpuset_has(&back.cpus, 7));
	assert_int_equal(mint_cpuset_count(&back.cpus), 2);
	assert_int_equal(back.nmem, 2);
	assert_true(mint_state_has_mem(&back, 14) && mint_state_has_mem(&back, 15));
	assert_int_equal(back.ndevs, 1);
	assert_non_null(mint_state_dev(&back, &rel.bdf));
	assert_string_equal(mint_state_dev(&back, &rel.bdf)->driver, "virtio-pci");
	assert_string_equal(mint_state_dev(&back, &rel.bdf)->module, "virtio_pci");
	assert_int_equal(back.apic_ids[2], 4);
	assert_int_equal(back.apic_ids[3], 6);
	assert_int_equal(back.apic_ids[0], -1);

	mint_state_del_mem(&back, 14);
	mint_state_del_dev(&back, &rel.bdf);
	assert_false(mint_state_has_mem(&back, 14));
	assert_null(mint_state_dev(&back, &rel.bdf));
}

static void corrupt_file_names_the_file(void **state)
{
	struct mint_error err = {0};
	struct mint_state st;

	(void)state;
	write_file("state.json", "{\"version\": 1, \"released_cpus\": [");
	assert_int_equal(mint_state_load(dir, &st, &err), -1);
	assert_non_null(strstr(err.msg, "state.json"));
	assert_non_null(strstr(err.msg, "not valid JSON"));

	write_file("state.json", "{\"version\": 1, \"released_cpus\": [-4], "
				 "\"released_memory_blocks\": [], \"released_devices\": []}");
	assert_int_equal(mint_state_load(dir, &st, &err), -1);
	assert_non_null(strstr(err.msg, "unexpected layout"));
	assert_true(mint_cpuset_empty(&st.cpus));

	write_file("state.json", "{\"version\": 2, \"released_cpus\": [], "
				 "\"released_memory_blocks\": [], \"released_devices\": []}");
	assert_int_equal(mint_state_load(dir, &st, &err), -1);

	write_file("state.json", "{\"version\": 1, \"released_cpus\": [], "
				 "\"released_memory_blocks\": [], "
				 "\"released_devices\": [{\"address\": \"zz:00.0\"}]}");
	assert_int_equal(mint_state_load(dir, &st, &err), -1);
	unlink("state.json");
}

/* Load @text as state.json: 0 or -1 (then the state is empty and the message names the file). */
static int load_text(const char *text, struct mint_state *st)
{
	struct mint_error err = {0};
	int ret;

	write_file("state.json", text);
	ret = mint_state_load(dir, st, &err);
	if (ret) {
		assert_non_null(strstr(err.msg, "unexpected layout"));
		assert_true(mint_cpuset_empty(&st->cpus));
		assert_int_equal(st->ndevs, 0);
	}
	return ret;
}

#define STATE_WITH(cpus, devs, apics)                                                              \
	"{\"version\": 1, \"released_cpus\": " cpus ", \"released_memory_blocks\": [], "           \
	"\"released_devices\": " devs ", \"apic_ids\": " apics "}"
#define DEV(driver) "[{\"address\": \"0000:00:05.0\", \"driver\": " driver "}]"
#define NAME63                                                                                     \
	"\""                                                                                       \
	"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"                          \
	"\""
#define NAME64                                                                                     \
	"\""                                                                                       \
	"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"                         \
	"\""

/*
 * Found by tests/fuzz (state): a driver or module name longer than its field
 * was cut, and values of the wrong JSON type were read as something else
 * ("2" or 2.5 as CPU 2, true as CPU 1, a string as CPU 0). Such a file is corrupt.
 */
static void wrong_values_are_refused_not_cut(void **state)
{
	struct mint_state st;

	(void)state;
	assert_int_equal(load_text(STATE_WITH("[2]", DEV(NAME63), "[]"), &st), 0);
	assert_int_equal(st.ndevs, 1);
	assert_int_equal(strlen(st.devs[0].driver), 63);
	assert_int_equal(load_text(STATE_WITH("[]", DEV(NAME64), "[]"), &st), -1);
	assert_int_equal(load_text(STATE_WITH("[]",
					      "[{\"address\": \"0000:00:05.0\", "
					      "\"module\": " NAME64 "}]",
					      "[]"),
				   &st),
			 -1);
	assert_int_equal(load_text(STATE_WITH("[]", DEV("5"), "[]"), &st), -1);
	assert_int_equal(load_text(STATE_WITH("[]", DEV("\"virtio\\u0000pci\""), "[]"), &st), -1);
	assert_int_equal(load_text(STATE_WITH("[\"2\"]", "[]", "[]"), &st), -1);
	assert_int_equal(load_text(STATE_WITH("[2.5]", "[]", "[]"), &st), -1);
	assert_int_equal(load_text(STATE_WITH("[true]", "[]", "[]"), &st), -1);
	assert_int_equal(load_text(STATE_WITH("[1024]", "[]", "[]"), &st), -1);
	assert_int_equal(
	    load_text(STATE_WITH("[]", "[]", "[{\"cpu\": 2, \"apic_id\": \"4\"}]"), &st), -1);
	assert_int_equal(
	    load_text(STATE_WITH("[]", "[]", "[{\"cpu\": 2, \"apic_id\": 5000000000}]"), &st), -1);
	assert_int_equal(load_text(STATE_WITH("[]", "[]", "[{\"cpu\": 2, \"apic_id\": 4}]"), &st),
			 0);
	assert_int_equal(st.apic_ids[2], 4);
	unlink("state.json");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(missing_file_is_empty_state, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(round_trip, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(corrupt_file_names_the_file, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(wrong_values_are_refused_not_cut, make_dir, remove_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
