// SPDX-License-Identifier: GPL-2.0
#include "table.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void table_init(struct table *t, const struct column *cols, size_t ncols)
{
	t->cols = cols;
	t->ncols = ncols;
	t->nrows = 0;
	t->cells = NULL;
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}

void table_add(struct table *t, ...)
{
	char **cells = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*cells));
	va_list ap;

	if (!cells) {
		perror("mintctl");
		exit(1);
	}
	t->cells = cells;
	va_start(ap, t);
	for (size_t c = 0; c < t->ncols; c++) {
		const char *v = va_arg(ap, const char *);

		cells[t->nrows * t->ncols + c] = strdup(v ? v : "");
	}
	va_end(ap);
	t->nrows++;
}

void table_print(const struct table *t, FILE *out)
{
	size_t width[16] = {0};

	for (size_t c = 0; c < t->ncols && c < 16; c++) {
		width[c] = strlen(t->cols[c].name);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t w = strlen(t->cells[r * t->ncols + c]);

			width[c] = w > width[c] ? w : width[c];
		}
	}
	for (size_t r = 0; r <= t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *v = r ? t->cells[(r - 1) * t->ncols + c] : t->cols[c].name;
			if (c + 1 == t->ncols)
				fputs(v, out);
			else
				fprintf(out, "%-*s  ", (int)width[c], v);
		}
		fputc('\n', out);
	}
}
