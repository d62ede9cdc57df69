// SPDX-License-Identifier: GPL-2.0
/*
 * The saved-state loader (libmint/state.c): the input is <dir>/state.json.
 * A load either fails with an empty state and a message naming the file, or
 * gives a state within the limits that survives a save and a second load
 * unchanged.
 */
#include "fuzz.h"

#include <fcntl.h>
#include <unistd.h>

#include <json-c/json.h>

#include "state.h"

static char dir[64], file[96];

static int cleanup_dir(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/state.json", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/state.json.tmp", dir);
	unlink(path);
	return rmdir(dir);
}

static void at_exit(void)
{
	cleanup_dir();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* tmpfs when there is one: every input is a file write and a rename. */
	const char *base = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/mint-fuzz-state-XXXXXX", base);
	if (!mkdtemp(dir))
		abort();
	snprintf(file, sizeof(file), "%s/state.json", dir);
	atexit(at_exit);
	return 0;
}

static void write_input(const uint8_t *data, size_t size)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	FUZZ_CHECK(fd >= 0, "cannot create %s", file);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size, "short write");
	close(fd);
}

static void check_limits(const struct mint_state *st)
{
	FUZZ_CHECK(st->nmem <= MINT_STATE_MAX_MEM, "%zu memory blocks", st->nmem);
	FUZZ_CHECK(st->ndevs <= MINT_STATE_MAX_DEVS, "%zu devices", st->ndevs);
	for (size_t i = 0; i < st->nmem; i++)
		for (size_t k = i + 1; k < st->nmem; k++)
			FUZZ_CHECK(st->mem[i] != st->mem[k], "block %u twice", st->mem[i]);
	for (size_t i = 0; i < st->ndevs; i++) {
		FUZZ_CHECK(memchr(st->devs[i].driver, 0, sizeof(st->devs[i].driver)),
			   "driver name not terminated");
		FUZZ_CHECK(memchr(st->devs[i].module, 0, sizeof(st->devs[i].module)),
			   "module name not terminated");
		for (size_t k = i + 1; k < st->ndevs; k++)
			FUZZ_CHECK(mint_bdf_cmp(&st->devs[i].bdf, &st->devs[k].bdf),
				   "a device twice");
	}
}

/* Every element of the array @key of @root (if any) is a JSON integer. */
static void check_ints(json_object *root, const char *key)
{
	json_object *arr;

	if (!json_object_object_get_ex(root, key, &arr))
		return;
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		FUZZ_CHECK(json_object_is_type(json_object_array_get_idx(arr, i), json_type_int),
			   "%s: %s accepted as an index", key,
			   json_object_to_json_string(json_object_array_get_idx(arr, i)));
}

/*
 * What was accepted is what the file says: indexes are integers, names are
 * kept whole or the file is refused, never cut (docs/CODING_STYLE.md).
 */
static void check_as_written(const uint8_t *data, size_t size, const struct mint_state *st)
{
	char *text = fuzz_str(data, size);
	json_object *root = json_tokener_parse(text), *devs;

	free(text);
	if (root) {
		check_ints(root, "released_cpus");
		check_ints(root, "released_memory_blocks");
	}
	if (!root || !json_object_object_get_ex(root, "released_devices", &devs) ||
	    !json_object_is_type(devs, json_type_array)) {
		json_object_put(root);
		return;
	}
	for (size_t i = 0; i < json_object_array_length(devs); i++) {
		json_object *o = json_object_array_get_idx(devs, i), *a, *d, *m;
		struct mint_pci_release *rel;
		struct mint_bdf bdf;

		if (!json_object_object_get_ex(o, "address", &a) ||
		    mint_parse_bdf(json_object_get_string(a), &bdf, NULL))
			continue;
		rel = mint_state_dev((struct mint_state *)st, &bdf);
		if (!rel)
			continue;
		/* The last entry for an address wins. */
		for (size_t k = i + 1; k < json_object_array_length(devs); k++) {
			json_object *later = json_object_array_get_idx(devs, k), *la;
			struct mint_bdf lb;

			if (json_object_object_get_ex(later, "address", &la) &&
			    !mint_parse_bdf(json_object_get_string(la), &lb, NULL) &&
			    !mint_bdf_cmp(&lb, &bdf))
				rel = NULL;
		}
		if (!rel)
			continue;
		if (json_object_object_get_ex(o, "driver", &d) &&
		    json_object_is_type(d, json_type_string))
			FUZZ_CHECK(!strcmp(rel->driver, json_object_get_string(d)),
				   "driver \"%s\" loaded as \"%s\"", json_object_get_string(d),
				   rel->driver);
		if (json_object_object_get_ex(o, "module", &m) &&
		    json_object_is_type(m, json_type_string))
			FUZZ_CHECK(!strcmp(rel->module, json_object_get_string(m)),
				   "module \"%s\" loaded as \"%s\"", json_object_get_string(m),
				   rel->module);
	}
	json_object_put(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mint_state st, again, empty;
	struct mint_error err = {0};

	write_input(data, size);
	if (mint_state_load(dir, &st, &err)) {
		mint_state_init(&empty);
		FUZZ_CHECK(err.kind == MINT_E_SYSTEM && strstr(err.msg, file), "message \"%s\"",
			   err.msg);
		FUZZ_CHECK(!memcmp(&st, &empty, sizeof(st)), "a failed load left a state behind");
		return 0;
	}
	check_limits(&st);
	check_as_written(data, size, &st);
	/* What was loaded is saved and loaded back unchanged. */
	FUZZ_CHECK(!mint_state_save(dir, &st, &err), "save: %s", err.msg);
	FUZZ_CHECK(!mint_state_load(dir, &again, &err), "reload: %s", err.msg);
	FUZZ_CHECK(!memcmp(&st.cpus, &again.cpus, sizeof(st.cpus)), "CPUs differ after a reload");
	FUZZ_CHECK(st.nmem == again.nmem && !memcmp(st.mem, again.mem, st.nmem * sizeof(st.mem[0])),
		   "memory blocks differ after a reload");
	FUZZ_CHECK(st.ndevs == again.ndevs, "devices differ after a reload");
	for (size_t i = 0; i < st.ndevs; i++)
		FUZZ_CHECK(!mint_bdf_cmp(&st.devs[i].bdf, &again.devs[i].bdf) &&
			       !strcmp(st.devs[i].driver, again.devs[i].driver) &&
			       !strcmp(st.devs[i].module, again.devs[i].module),
			   "device %zu differs after a reload", i);
	FUZZ_CHECK(!memcmp(st.apic_ids, again.apic_ids, sizeof(st.apic_ids)),
		   "APIC IDs differ after a reload");
	return 0;
}
