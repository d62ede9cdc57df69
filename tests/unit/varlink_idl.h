/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small reader of varlink interface descriptions for tests: it finds the
 * methods, types and errors a description declares and checks JSON values
 * against the declared types, so a test can prove that what mintd sends is
 * what its interface description says.
 */
#ifndef VARLINK_IDL_H
#define VARLINK_IDL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#define IDL_MAX 64

struct idl_entry {
	char name[64];
	char *in;  /* method: parameter struct "(a: int)"; type/error: its type text */
	char *out; /* method: return struct; NULL otherwise */
};

struct idl {
	char interface[128];
	size_t nmethods, ntypes, nerrors;
	struct idl_entry methods[IDL_MAX], types[IDL_MAX], errors[IDL_MAX];
};

/* Parse @text; -1 with a reason in @why on syntax errors. */
int idl_parse(const char *text, struct idl *idl, char *why, size_t whylen);
void idl_free(struct idl *idl);
const struct idl_entry *idl_method(const struct idl *idl, const char *name);

/* Does @v match @type (a varlink type text)? false with a reason in @why. */
bool idl_check(const struct idl *idl, const char *type, json_object *v, char *why, size_t whylen);

/* The names of a struct type's fields, in order ("(a: int, b: ?string)" -> a, b). */
size_t idl_fields(const char *struct_type, char names[][64], bool *optional, size_t max);

#endif
