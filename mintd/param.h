/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Method parameters, declared once. Each method lists its parameters (name,
 * JSON type, required or optional, where the parsed value goes and the
 * parser that checks it); the same list drives the validation of every call
 * and the varlink interface description.
 */
#ifndef MINTD_PARAM_H
#define MINTD_PARAM_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "mint_limits.h"
#include "parse.h"

enum param_type {
	PARAM_INT,
	PARAM_BOOL,
	PARAM_STRING,
	PARAM_INT_LIST,
	PARAM_STRING_LIST,
	PARAM_OBJECT,
};

struct param_spec;

/*
 * Turn a value whose JSON type is already checked into the C value at
 * @target; fail with MINT_E_INVALID (or NOTFOUND) naming the parameter.
 */
typedef int (*param_parse_fn)(const struct param_spec *p, json_object *v, void *target,
			      struct mint_error *err);

struct param_spec {
	const char *name;
	enum param_type type;
	bool optional;
	size_t offset; /* of the target in the method's argument struct */
	param_parse_fn parse;
};

#define PARAM(name, type, optional, args, field, parse)                                            \
	{ name, type, optional, offsetof(args, field), parse }

/* The varlink type of a parameter: "int", "[]string", ... */
const char *param_type_name(enum param_type type);
bool param_type_matches(enum param_type type, json_object *v);

/*
 * Check @params (a JSON object) against the declared list and fill @args.
 * Returns 0; or -1 with *@bad naming the parameter that is unknown, missing
 * or of the wrong JSON type (varlink's InvalidParameter); or -2 with @err
 * filled when a value is well-typed but wrong (io.mint.Node.InvalidArgument...).
 */
int param_decode(const struct param_spec *specs, size_t n, json_object *params, void *args,
		 const char **bad, struct mint_error *err);

/* Parsers. Targets in brackets. */
int param_cpus(const struct param_spec *p, json_object *v, void *target,
	       struct mint_error *err); /* [struct mint_cpuset], non-empty */
int param_bytes(const struct param_spec *p, json_object *v, void *target,
		struct mint_error *err); /* [uint64_t], > 0 */
int param_seconds(const struct param_spec *p, json_object *v, void *target,
		  struct mint_error *err); /* [unsigned], 1..86400 */
int param_bdf(const struct param_spec *p, json_object *v, void *target,
	      struct mint_error *err); /* [struct mint_bdf] */
int param_bdf_list(const struct param_spec *p, json_object *v, void *target,
		   struct mint_error *err); /* [struct bdf_list] */
int param_node(const struct param_spec *p, json_object *v, void *target,
	       struct mint_error *err); /* [int], "nodeN" */
int param_path(const struct param_spec *p, json_object *v, void *target,
	       struct mint_error *err); /* [const char *], absolute, readable */
int param_abs_path(const struct param_spec *p, json_object *v, void *target,
		   struct mint_error *err); /* [const char *], absolute (maybe on another node) */
int param_text(const struct param_spec *p, json_object *v, void *target,
	       struct mint_error *err); /* [const char *], any string */
int param_flag(const struct param_spec *p, json_object *v, void *target,
	       struct mint_error *err); /* [bool] */
int param_json(const struct param_spec *p, json_object *v, void *target,
	       struct mint_error *err); /* [json_object *], borrowed for the call */

#define PARAM_MAX_BDFS MINT_MAX_PCI /* as many as the resource table has */

struct bdf_list {
	size_t n;
	struct mint_bdf v[PARAM_MAX_BDFS];
};

int param_id_set(const struct param_spec *p, json_object *v, void *target,
		 struct mint_error *err); /* [struct mint_cpuset] of ids < MINT_CPUSET_MAX, may be empty */

struct u64_list {
	size_t n;
	uint64_t v[MINT_MAX_MEM_BLOCKS];
};

int param_u64_list(const struct param_spec *p, json_object *v, void *target,
		   struct mint_error *err); /* [struct u64_list], non-negative */

#endif
