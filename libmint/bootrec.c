// SPDX-License-Identifier: GPL-2.0
#include "bootrec.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "state.h"
#include "util.h"

static void file_name(int node, char *buf, size_t len)
{
	snprintf(buf, len, "boot-node%d.json", node);
}

int mint_bootrec_save(const char *dir, const struct mint_boot_record *r, struct mint_error *err)
{
	json_object *o = json_object_new_object();
	char name[32];
	int ret;

	json_object_object_add(o, "node", json_object_new_int(r->node));
	json_object_object_add(o, "kernel", json_object_new_string(r->kernel));
	json_object_object_add(o, "initrd", json_object_new_string(r->initrd));
	json_object_object_add(o, "append", json_object_new_string(r->append));
	file_name(r->node, name, sizeof(name));
	ret = mint_write_file_atomic(dir, name, json_object_to_json_string(o), err);
	json_object_put(o);
	return ret;
}

static int copy_field(json_object *o, const char *key, char *out, size_t len, const char *path,
		      struct mint_error *err)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string) ||
	    !mint_fmt(out, len, "%s", json_object_get_string(v)))
		return mint_fail(err, MINT_E_SYSTEM, "%s: field %s is missing or too long", path,
				 key);
	return 0;
}

int mint_bootrec_load(const char *dir, int node, struct mint_boot_record *r,
		      struct mint_error *err)
{
	char name[32], path[PATH_MAX];
	json_object *o;
	int ret;

	memset(r, 0, sizeof(*r));
	file_name(node, name, sizeof(name));
	if (!mint_fmt(path, sizeof(path), "%s/%s", dir, name))
		return mint_fail(err, MINT_E_INVALID, "state directory %s: path too long", dir);
	if (access(path, F_OK))
		return mint_fail(err, MINT_E_NOTFOUND, "this node has no record of booting node%d",
				 node);
	o = json_object_from_file(path);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return mint_fail(err, MINT_E_SYSTEM, "%s is not a JSON object", path);
	}
	r->node = node;
	ret = copy_field(o, "kernel", r->kernel, sizeof(r->kernel), path, err) ||
	      copy_field(o, "initrd", r->initrd, sizeof(r->initrd), path, err) ||
	      copy_field(o, "append", r->append, sizeof(r->append), path, err);
	json_object_put(o);
	return ret ? -1 : 0;
}
