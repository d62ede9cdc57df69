/* SPDX-License-Identifier: GPL-2.0 */
/* "Did you mean ...?": the closest of some names to what the user typed. */
#ifndef MINTCTL_SUGGEST_H
#define MINTCTL_SUGGEST_H

#include <stddef.h>

/* The name closest to @word (edit distance at most 2, or @word is a prefix), or NULL. */
const char *mint_suggest(const char *word, const char *const *names, size_t n);

/* Optimal string alignment distance (insertions, deletions, substitutions, swaps). */
size_t mint_edit_distance(const char *a, const char *b);

#endif
