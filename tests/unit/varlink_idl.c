// SPDX-License-Identifier: GPL-2.0
#include "varlink_idl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *skip_space(const char *s)
{
	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s != '#')
			return s;
		while (*s && *s != '\n')
			s++;
	}
}

static const char *read_word(const char *s, char *out, size_t len)
{
	size_t n = 0;

	s = skip_space(s);
	while (isalnum((unsigned char)*s) || *s == '_' || *s == '.') {
		if (n + 1 < len)
			out[n++] = *s;
		s++;
	}
	out[n] = '\0';
	return s;
}

/* The balanced "( ... )" at s (after spaces), copied without comments; end in *end. */
static char *read_parens(const char *s, const char **end)
{
	size_t depth = 0, n = 0, cap = strlen(s) + 1;
	char *out = malloc(cap);

	s = skip_space(s);
	if (*s != '(' || !out) {
		free(out);
		return NULL;
	}
	do {
		if (*s == '#') {
			while (*s && *s != '\n')
				s++;
			continue;
		}
		if (*s == '(')
			depth++;
		else if (*s == ')')
			depth--;
		out[n++] = *s == '\n' ? ' ' : *s;
		s++;
	} while (*s && depth);
	out[n] = '\0';
	*end = s;
	return depth ? (free(out), NULL) : out;
}

int idl_parse(const char *text, struct idl *idl, char *why, size_t whylen)
{
	const char *s = text;
	char kw[32];

	memset(idl, 0, sizeof(*idl));
	for (;;) {
		struct idl_entry *e;

		s = read_word(s, kw, sizeof(kw));
		if (!kw[0]) {
			if (*skip_space(s))
				return snprintf(why, whylen, "unexpected text: %.30s", skip_space(s)),
				       -1;
			return 0;
		}
		if (!strcmp(kw, "interface")) {
			s = read_word(s, idl->interface, sizeof(idl->interface));
			continue;
		}
		if (!strcmp(kw, "method") && idl->nmethods < IDL_MAX)
			e = &idl->methods[idl->nmethods++];
		else if (!strcmp(kw, "type") && idl->ntypes < IDL_MAX)
			e = &idl->types[idl->ntypes++];
		else if (!strcmp(kw, "error") && idl->nerrors < IDL_MAX)
			e = &idl->errors[idl->nerrors++];
		else
			return snprintf(why, whylen, "unknown keyword \"%s\"", kw), -1;
		s = read_word(s, e->name, sizeof(e->name));
		e->in = read_parens(s, &s);
		if (!e->name[0] || !e->in)
			return snprintf(why, whylen, "bad %s declaration", kw), -1;
		if (!strcmp(kw, "method")) {
			s = skip_space(s);
			if (strncmp(s, "->", 2))
				return snprintf(why, whylen, "method %s has no ->", e->name), -1;
			e->out = read_parens(s + 2, &s);
			if (!e->out)
				return snprintf(why, whylen, "method %s: bad return type", e->name),
				       -1;
		}
	}
}

void idl_free(struct idl *idl)
{
	struct idl_entry *all[] = {idl->methods, idl->types, idl->errors};
	size_t n[] = {idl->nmethods, idl->ntypes, idl->nerrors};

	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < n[k]; i++) {
			free(all[k][i].in);
			free(all[k][i].out);
		}
}

const struct idl_entry *idl_method(const struct idl *idl, const char *name)
{
	for (size_t i = 0; i < idl->nmethods; i++)
		if (!strcmp(idl->methods[i].name, name))
			return &idl->methods[i];
	return NULL;
}

static const struct idl_entry *find_type(const struct idl *idl, const char *name)
{
	for (size_t i = 0; i < idl->ntypes; i++)
		if (!strcmp(idl->types[i].name, name))
			return &idl->types[i];
	return NULL;
}

/* Split "(a: T, b: (c: U), d)" into members at depth 1. */
struct member {
	char name[64];
	char type[512]; /* "" for enum values */
};

static size_t split_members(const char *st, struct member *m, size_t max)
{
	size_t n = 0, depth = 0, len = strlen(st);
	const char *start = st + 1;

	for (size_t i = 1; i < len && n < max; i++) {
		char c = st[i];

		if (c == '(' || c == '[')
			depth++;
		else if ((c == ')' || c == ']') && depth)
			depth--;
		else if ((c == ',' || c == ')') && !depth) {
			char item[600], *colon;
			size_t l = (size_t)(st + i - start);

			snprintf(item, sizeof(item), "%.*s", (int)l, start);
			start = st + i + 1;
			colon = strchr(item, ':');
			if (colon)
				*colon = '\0';
			read_word(item, m[n].name, sizeof(m[n].name));
			m[n].type[0] = '\0';
			if (colon)
				snprintf(m[n].type, sizeof(m[n].type), "%s",
					 skip_space(colon + 1));
			for (size_t k = strlen(m[n].type); k && isspace((unsigned char)m[n].type[k - 1]);)
				m[n].type[--k] = '\0';
			if (m[n].name[0])
				n++;
		}
	}
	return n;
}

size_t idl_fields(const char *struct_type, char names[][64], bool *optional, size_t max)
{
	struct member m[64];
	size_t n = split_members(struct_type, m, 64);

	for (size_t i = 0; i < n && i < max; i++) {
		memcpy(names[i], m[i].name, sizeof(m[i].name));
		optional[i] = m[i].type[0] == '?';
	}
	return n < max ? n : max;
}

#define FAIL(...) (snprintf(why, whylen, __VA_ARGS__), false)

static bool check_struct(const struct idl *idl, const char *st, json_object *v, char *why,
			 size_t whylen)
{
	struct member m[64];
	size_t n = split_members(st, m, 64);
	bool is_enum = n && !m[0].type[0];

	if (is_enum) {
		if (!json_object_is_type(v, json_type_string))
			return FAIL("expected an enum string, got %s", json_object_to_json_string(v));
		for (size_t i = 0; i < n; i++)
			if (!strcmp(m[i].name, json_object_get_string(v)))
				return true;
		return FAIL("\"%s\" is not a value of %s", json_object_get_string(v), st);
	}
	if (!json_object_is_type(v, json_type_object))
		return FAIL("expected an object, got %s", json_object_to_json_string(v));
	for (size_t i = 0; i < n; i++) {
		json_object *f;

		if (!json_object_object_get_ex(v, m[i].name, &f)) {
			if (m[i].type[0] == '?')
				continue;
			return FAIL("field %s is missing", m[i].name);
		}
		if (!idl_check(idl, m[i].type, f, why, whylen)) {
			char inner[512];

			snprintf(inner, sizeof(inner), "%s", why);
			return FAIL("field %s: %s", m[i].name, inner);
		}
	}
	json_object_object_foreach(v, key, val)
	{
		bool declared = false;

		(void)val;
		for (size_t i = 0; i < n && !declared; i++)
			declared = !strcmp(m[i].name, key);
		if (!declared)
			return FAIL("field %s is not declared", key);
	}
	return true;
}

bool idl_check(const struct idl *idl, const char *type, json_object *v, char *why, size_t whylen)
{
	const struct idl_entry *named;

	type = skip_space(type);
	if (type[0] == '?')
		return !v || idl_check(idl, type + 1, v, why, whylen);
	if (!v)
		return FAIL("null for non-optional %s", type);
	if (!strncmp(type, "[]", 2)) {
		if (!json_object_is_type(v, json_type_array))
			return FAIL("expected an array (%s)", type);
		for (size_t i = 0; i < json_object_array_length(v); i++)
			if (!idl_check(idl, type + 2, json_object_array_get_idx(v, i), why, whylen))
				return false;
		return true;
	}
	if (!strncmp(type, "[string]", 8)) {
		if (!json_object_is_type(v, json_type_object))
			return FAIL("expected a map (%s)", type);
		json_object_object_foreach(v, key, val)
		{
			(void)key;
			if (!idl_check(idl, type + 8, val, why, whylen))
				return false;
		}
		return true;
	}
	if (type[0] == '(')
		return check_struct(idl, type, v, why, whylen);
	if (!strcmp(type, "int"))
		return json_object_is_type(v, json_type_int) ? true : FAIL("expected int, got %s",
									    json_object_to_json_string(v));
	if (!strcmp(type, "float"))
		return json_object_is_type(v, json_type_double) ||
			       json_object_is_type(v, json_type_int)
			   ? true
			   : FAIL("expected float");
	if (!strcmp(type, "bool"))
		return json_object_is_type(v, json_type_boolean) ? true : FAIL("expected bool, got %s",
									       json_object_to_json_string(v));
	if (!strcmp(type, "string"))
		return json_object_is_type(v, json_type_string) ? true : FAIL("expected string, got %s",
									      json_object_to_json_string(v));
	if (!strcmp(type, "object"))
		return true;
	named = find_type(idl, type);
	if (!named)
		return FAIL("unknown type %s", type);
	return check_struct(idl, named->in, v, why, whylen);
}
