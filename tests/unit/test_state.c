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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(missing_file_is_empty_state, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(round_trip, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(corrupt_file_names_the_file, make_dir, remove_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
