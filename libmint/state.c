// SPDX-License-Identifier: GPL-2.0
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define STATE_FILE    "state.json"
#define STATE_VERSION 1

void mint_state_init(struct mint_state *st)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < MINT_CPUSET_MAX; i++)
		st->apic_ids[i] = -1;
}

bool mint_state_has_mem(const struct mint_state *st, unsigned index)
{
	for (size_t i = 0; i < st->nmem; i++)
		if (st->mem[i] == index)
			return true;
	return false;
}

int mint_state_add_mem(struct mint_state *st, unsigned index)
{
	if (mint_state_has_mem(st, index))
		return 0;
	if (st->nmem >= MINT_STATE_MAX_MEM)
		return -1;
	st->mem[st->nmem++] = index;
	return 0;
}

void mint_state_del_mem(struct mint_state *st, unsigned index)
{
	for (size_t i = 0; i < st->nmem; i++)
		if (st->mem[i] == index) {
			st->mem[i] = st->mem[--st->nmem];
			return;
		}
}

struct mint_pci_release *mint_state_dev(struct mint_state *st, const struct mint_bdf *bdf)
{
	for (size_t i = 0; i < st->ndevs; i++)
		if (!mint_bdf_cmp(&st->devs[i].bdf, bdf))
			return &st->devs[i];
	return NULL;
}

int mint_state_add_dev(struct mint_state *st, const struct mint_pci_release *rel)
{
	struct mint_pci_release *old = mint_state_dev(st, &rel->bdf);

	if (old) {
		*old = *rel;
		return 0;
	}
	if (st->ndevs >= MINT_STATE_MAX_DEVS)
		return -1;
	st->devs[st->ndevs++] = *rel;
	return 0;
}

void mint_state_del_dev(struct mint_state *st, const struct mint_bdf *bdf)
{
	for (size_t i = 0; i < st->ndevs; i++)
		if (!mint_bdf_cmp(&st->devs[i].bdf, bdf)) {
			st->devs[i] = st->devs[--st->ndevs];
			return;
		}
}

static void path_of(const char *dir, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* An index the file holds as a JSON integer in 0..@max; -1 for anything else. */
static int get_index(json_object *v, int64_t max, int *out)
{
	int64_t n;

	if (!json_object_is_type(v, json_type_int))
		return -1;
	n = json_object_get_int64(v);
	if (n < 0 || n > max)
		return -1;
	*out = (int)n;
	return 0;
}

/*
 * The optional name @key of @o into @buf ("" when absent); -1 when it is not a
 * string or does not fit: a name is kept whole or the file is refused.
 */
static int get_name(json_object *o, const char *key, char *buf, size_t len)
{
	json_object *v;

	buf[0] = '\0';
	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string) ||
	    (size_t)json_object_get_string_len(v) != strlen(json_object_get_string(v)))
		return -1;
	return mint_fmt(buf, len, "%s", json_object_get_string(v)) ? 0 : -1;
}

static int parse_devs(json_object *arr, struct mint_state *st)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct mint_pci_release rel = {0};
		const char *addr = get_str(o, "address");

		if (!addr || mint_parse_bdf(addr, &rel.bdf, NULL) ||
		    get_name(o, "driver", rel.driver, sizeof(rel.driver)) ||
		    get_name(o, "module", rel.module, sizeof(rel.module)))
			return -1;
		if (mint_state_add_dev(st, &rel))
			return -1;
	}
	return 0;
}

/* Optional (older files lack it): [{"cpu": 2, "apic_id": 2}, ...]. */
static int parse_apic_ids(json_object *root, struct mint_state *st)
{
	json_object *arr, *cpu, *apic;

	if (!json_object_object_get_ex(root, "apic_ids", &arr))
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return -1;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		int c, a;

		if (!json_object_object_get_ex(o, "cpu", &cpu) ||
		    !json_object_object_get_ex(o, "apic_id", &apic) ||
		    get_index(cpu, MINT_CPUSET_MAX - 1, &c) || get_index(apic, INT_MAX, &a))
			return -1;
		st->apic_ids[c] = a;
	}
	return 0;
}

static int parse_state(json_object *root, struct mint_state *st)
{
	json_object *cpus, *mem, *devs, *ver;

	if (!json_object_object_get_ex(root, "version", &ver) ||
	    !json_object_is_type(ver, json_type_int) ||
	    json_object_get_int64(ver) != STATE_VERSION ||
	    !json_object_object_get_ex(root, "released_cpus", &cpus) ||
	    !json_object_object_get_ex(root, "released_memory_blocks", &mem) ||
	    !json_object_object_get_ex(root, "released_devices", &devs) ||
	    !json_object_is_type(cpus, json_type_array) ||
	    !json_object_is_type(mem, json_type_array) ||
	    !json_object_is_type(devs, json_type_array))
		return -1;
	for (size_t i = 0; i < json_object_array_length(cpus); i++) {
		int c;

		if (get_index(json_object_array_get_idx(cpus, i), MINT_CPUSET_MAX - 1, &c))
			return -1;
		mint_cpuset_add(&st->cpus, (unsigned)c);
	}
	for (size_t i = 0; i < json_object_array_length(mem); i++) {
		int b;

		/* Saved as an int (state_to_json): an index above INT_MAX cannot come back. */
		if (get_index(json_object_array_get_idx(mem, i), INT_MAX, &b) ||
		    mint_state_add_mem(st, (unsigned)b))
			return -1;
	}
	if (parse_devs(devs, st))
		return -1;
	return parse_apic_ids(root, st);
}

int mint_state_load(const char *dir, struct mint_state *st, struct mint_error *err)
{
	char path[512];
	json_object *root;
	int ret;

	mint_state_init(st);
	path_of(dir, STATE_FILE, path, sizeof(path));
	if (access(path, F_OK) && errno == ENOENT)
		return 0;
	root = json_object_from_file(path);
	if (!root)
		return mint_fail(err, MINT_E_SYSTEM, "state file %s is not valid JSON: %s", path,
				 json_util_get_last_err());
	ret = parse_state(root, st);
	json_object_put(root);
	if (ret) {
		mint_state_init(st);
		return mint_fail(err, MINT_E_SYSTEM, "state file %s has an unexpected layout",
				 path);
	}
	return 0;
}

static json_object *state_to_json(const struct mint_state *st)
{
	json_object *root = json_object_new_object();
	json_object *cpus = json_object_new_array();
	json_object *mem = json_object_new_array();
	json_object *devs = json_object_new_array(), *apics;
	char name[MINT_BDF_STRLEN];

	for (int c = mint_cpuset_next(&st->cpus, 0); c >= 0; c = mint_cpuset_next(&st->cpus, c + 1))
		json_object_array_add(cpus, json_object_new_int(c));
	for (size_t i = 0; i < st->nmem; i++)
		json_object_array_add(mem, json_object_new_int((int)st->mem[i]));
	for (size_t i = 0; i < st->ndevs; i++) {
		json_object *o = json_object_new_object();

		mint_format_bdf(&st->devs[i].bdf, name);
		json_object_object_add(o, "address", json_object_new_string(name));
		json_object_object_add(o, "driver", json_object_new_string(st->devs[i].driver));
		json_object_object_add(o, "module", json_object_new_string(st->devs[i].module));
		json_object_array_add(devs, o);
	}
	json_object_object_add(root, "version", json_object_new_int(STATE_VERSION));
	json_object_object_add(root, "released_cpus", cpus);
	json_object_object_add(root, "released_memory_blocks", mem);
	json_object_object_add(root, "released_devices", devs);
	apics = json_object_new_array();
	for (int c = 0; c < MINT_CPUSET_MAX; c++) {
		json_object *o;

		if (st->apic_ids[c] < 0)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "cpu", json_object_new_int(c));
		json_object_object_add(o, "apic_id", json_object_new_int(st->apic_ids[c]));
		json_object_array_add(apics, o);
	}
	json_object_object_add(root, "apic_ids", apics);
	return root;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -1;
	ret = fsync(fd);
	close(fd);
	return ret;
}

int mint_write_file_atomic(const char *dir, const char *name, const char *text,
			   struct mint_error *err)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int fd, ret;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno,
				       "cannot create state directory %s: %s", dir,
				       strerror(errno));
	if (!mint_fmt(path, sizeof(path), "%s/%s", dir, name) ||
	    !mint_fmt(tmp, sizeof(tmp), "%s.tmp", path))
		return mint_fail(err, MINT_E_INVALID, "state directory %s: path too long", dir);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "cannot write %s: %s", tmp,
				       strerror(errno));
	ret = write_all(fd, text, strlen(text));
	ret = ret ? ret : fsync(fd);
	if (close(fd) || ret || rename(tmp, path) || fsync_dir(dir)) {
		int e = errno;

		unlink(tmp);
		return mint_fail_errno(err, MINT_E_SYSTEM, e, "cannot save %s: %s", path,
				       strerror(e));
	}
	return 0;
}

int mint_state_save(const char *dir, const struct mint_state *st, struct mint_error *err)
{
	json_object *root = state_to_json(st);
	char *text;
	int ret;

	if (asprintf(&text, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY)) < 0) {
		json_object_put(root);
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	}
	json_object_put(root);
	ret = mint_write_file_atomic(dir, STATE_FILE, text, err);
	free(text);
	return ret;
}
