// SPDX-License-Identifier: GPL-2.0
#include "param.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "cpuset.h"
#include "util.h"

const char *param_type_name(enum param_type type)
{
	static const char *const names[] = {
	    [PARAM_INT] = "int",	  [PARAM_BOOL] = "bool",	 [PARAM_STRING] = "string",
	    [PARAM_INT_LIST] = "[]int", [PARAM_STRING_LIST] = "[]string", [PARAM_OBJECT] = "object",
	};

	return (unsigned)type < ARRAY_SIZE(names) ? names[type] : "object";
}

static bool array_of(json_object *v, json_type t)
{
	if (!json_object_is_type(v, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(v); i++)
		if (!json_object_is_type(json_object_array_get_idx(v, i), t))
			return false;
	return true;
}

bool param_type_matches(enum param_type type, json_object *v)
{
	switch (type) {
	case PARAM_INT:
		return json_object_is_type(v, json_type_int);
	case PARAM_BOOL:
		return json_object_is_type(v, json_type_boolean);
	case PARAM_STRING:
		return json_object_is_type(v, json_type_string);
	case PARAM_INT_LIST:
		return array_of(v, json_type_int);
	case PARAM_STRING_LIST:
		return array_of(v, json_type_string);
	case PARAM_OBJECT:
		return json_object_is_type(v, json_type_object);
	}
	return false;
}

static const struct param_spec *find_spec(const struct param_spec *specs, size_t n,
					  const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(specs[i].name, name))
			return &specs[i];
	return NULL;
}

int param_decode(const struct param_spec *specs, size_t n, json_object *params, void *args,
		 const char **bad, struct mint_error *err)
{
	json_object_object_foreach(params, key, val)
	{
		(void)val;
		if (!find_spec(specs, n, key)) {
			*bad = key;
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		json_object *v;

		/* varlink: an optional parameter may be absent or null. */
		if (!json_object_object_get_ex(params, specs[i].name, &v) ||
		    (specs[i].optional && !v)) {
			if (specs[i].optional)
				continue;
			*bad = specs[i].name;
			return -1;
		}
		if (!param_type_matches(specs[i].type, v)) {
			*bad = specs[i].name;
			return -1;
		}
		if (specs[i].parse(&specs[i], v, (char *)args + specs[i].offset, err))
			return -2;
	}
	return 0;
}

int param_cpus(const struct param_spec *p, json_object *v, void *target, struct mint_error *err)
{
	struct mint_cpuset *set = target;
	size_t n = json_object_array_length(v);

	mint_cpuset_clear(set);
	if (n == 0)
		return mint_fail(err, MINT_E_INVALID, "parameter %s: the list of CPUs is empty",
				 p->name);
	for (size_t i = 0; i < n; i++) {
		int64_t cpu = json_object_get_int64(json_object_array_get_idx(v, i));

		if (cpu < 0)
			return mint_fail(err, MINT_E_INVALID,
					 "parameter %s: %" PRId64 " is not a CPU number", p->name,
					 cpu);
		if (cpu >= MINT_CPUSET_MAX)
			return mint_fail(err, MINT_E_NOTFOUND, "CPU %" PRId64 " does not exist",
					 cpu);
		mint_cpuset_add(set, (unsigned)cpu);
	}
	return 0;
}

int param_bytes(const struct param_spec *p, json_object *v, void *target, struct mint_error *err)
{
	int64_t bytes = json_object_get_int64(v);

	if (bytes <= 0)
		return mint_fail(err, MINT_E_INVALID,
				 "parameter %s must be a positive number of bytes", p->name);
	*(uint64_t *)target = (uint64_t)bytes;
	return 0;
}

int param_seconds(const struct param_spec *p, json_object *v, void *target,
		  struct mint_error *err)
{
	int64_t s = json_object_get_int64(v);

	if (s <= 0 || s > 86400)
		return mint_fail(err, MINT_E_INVALID,
				 "parameter %s must be a number of seconds from 1 to 86400",
				 p->name);
	*(unsigned *)target = (unsigned)s;
	return 0;
}

int param_bdf(const struct param_spec *p, json_object *v, void *target, struct mint_error *err)
{
	return mint_parse_bdf(json_object_get_string(v), target, err);
}

int param_bdf_list(const struct param_spec *p, json_object *v, void *target,
		   struct mint_error *err)
{
	struct bdf_list *list = target;
	size_t n = json_object_array_length(v);

	list->n = 0;
	if (n > PARAM_MAX_BDFS)
		return mint_fail(err, MINT_E_INVALID, "parameter %s: at most %d PCI devices",
				 p->name, PARAM_MAX_BDFS);
	for (size_t i = 0; i < n; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(v, i));

		if (mint_parse_bdf(s, &list->v[list->n++], err))
			return -1;
	}
	return 0;
}

int param_node(const struct param_spec *p, json_object *v, void *target, struct mint_error *err)
{
	return mint_parse_node_name(json_object_get_string(v), target, err);
}

int param_path(const struct param_spec *p, json_object *v, void *target, struct mint_error *err)
{
	const char *path = json_object_get_string(v);

	if (path[0] != '/')
		return mint_fail(err, MINT_E_INVALID,
				 "parameter %s: \"%s\" is not an absolute path", p->name, path);
	if (access(path, R_OK))
		return mint_fail(err, MINT_E_NOTFOUND, "%s file %s: %s", p->name, path,
				 strerror(errno));
	*(const char **)target = path;
	return 0;
}

int param_abs_path(const struct param_spec *p, json_object *v, void *target,
		   struct mint_error *err)
{
	const char *path = json_object_get_string(v);

	if (path[0] != '/')
		return mint_fail(err, MINT_E_INVALID,
				 "parameter %s: \"%s\" is not an absolute path", p->name, path);
	*(const char **)target = path;
	return 0;
}

int param_text(const struct param_spec *p, json_object *v, void *target, struct mint_error *err)
{
	*(const char **)target = json_object_get_string(v);
	return 0;
}

int param_flag(const struct param_spec *p, json_object *v, void *target, struct mint_error *err)
{
	*(bool *)target = json_object_get_boolean(v);
	return 0;
}

int param_json(const struct param_spec *p, json_object *v, void *target, struct mint_error *err)
{
	*(json_object **)target = v;
	return 0;
}

int param_id_set(const struct param_spec *p, json_object *v, void *target,
		 struct mint_error *err)
{
	struct mint_cpuset *set = target;

	mint_cpuset_clear(set);
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		int64_t id = json_object_get_int64(json_object_array_get_idx(v, i));

		if (id < 0 || id >= MINT_CPUSET_MAX)
			return mint_fail(err, MINT_E_INVALID, "parameter %s: %" PRId64
					 " is out of range", p->name, id);
		mint_cpuset_add(set, (unsigned)id);
	}
	return 0;
}

int param_u64_list(const struct param_spec *p, json_object *v, void *target,
		   struct mint_error *err)
{
	struct u64_list *list = target;
	size_t n = json_object_array_length(v);

	list->n = 0;
	if (n > MINT_MAX_MEM_BLOCKS)
		return mint_fail(err, MINT_E_INVALID, "parameter %s: at most %d values", p->name,
				 MINT_MAX_MEM_BLOCKS);
	for (size_t i = 0; i < n; i++) {
		int64_t x = json_object_get_int64(json_object_array_get_idx(v, i));

		if (x < 0)
			return mint_fail(err, MINT_E_INVALID, "parameter %s: %" PRId64
					 " is negative", p->name, x);
		list->v[list->n++] = (uint64_t)x;
	}
	return 0;
}
