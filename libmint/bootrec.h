/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How this node booted another node: the kernel, initrd and the command line
 * the user asked for, kept in <state dir>/boot-nodeN.json, so that
 * `mintctl reboot NODE` can boot it again the same way (or with changes).
 */
#ifndef MINT_BOOTREC_H
#define MINT_BOOTREC_H

#include <limits.h>

#include "error.h"

#define MINT_BOOTREC_APPEND_MAX 4096

struct mint_boot_record {
	int node;
	char kernel[PATH_MAX];
	char initrd[PATH_MAX]; /* "" when none */
	char append[MINT_BOOTREC_APPEND_MAX];
};

int mint_bootrec_save(const char *dir, const struct mint_boot_record *r, struct mint_error *err);
/* MINT_E_NOTFOUND when this node has no record of booting @node. */
int mint_bootrec_load(const char *dir, int node, struct mint_boot_record *r,
		      struct mint_error *err);

#endif
