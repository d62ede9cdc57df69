/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output tables: rows of text printed as aligned columns for people (--json prints
 * mintd's reply instead).
 */
#ifndef MINTCTL_TABLE_H
#define MINTCTL_TABLE_H

#include <json-c/json.h>
#include <stdio.h>

enum col_type { COL_STR, COL_INT, COL_BOOL };

struct column {
	const char *name; /* header; lower-cased as the JSON key */
	enum col_type type;
};

struct table {
	size_t ncols;
	const struct column *cols;
	size_t nrows;
	char **cells; /* nrows * ncols strings */
};

void table_init(struct table *t, const struct column *cols, size_t ncols);
void table_free(struct table *t);
/* Add a row of ncols printf-formatted strings (each argument one cell, already text). */
void table_add(struct table *t, ...);
void table_print(const struct table *t, FILE *out);

#endif
