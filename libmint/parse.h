/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsers for everything a user types: CPU lists, memory sizes, PCI
 * addresses and node names. Each one rejects bad input with a message that
 * quotes the input and says what is wrong, kind MINT_E_INVALID.
 */
#ifndef MINT_PARSE_H
#define MINT_PARSE_H

#include <stdint.h>

#include "cpuset.h"
#include "error.h"

#include "mint_limits.h"

/*
 * "2,3", "2-5", "0-3,8": decimal numbers and inclusive ranges separated by
 * commas. No spaces, no empty items, no descending ranges, every number
 * < MINT_CPUSET_MAX. Duplicates are accepted and merged ("2,2-3" = {2,3}).
 */
int mint_parse_cpulist(const char *s, struct mint_cpuset *out, struct mint_error *err);

/*
 * "512M", "1G", "1536M", "4096K", "2T" (binary units, case-insensitive,
 * optional trailing "B"/"iB": "512MB", "512MiB"). A plain number is bytes.
 * Zero, negative numbers, fractions, overflow and unknown suffixes are errors.
 */
int mint_parse_size(const char *s, uint64_t *bytes, struct mint_error *err);

/*
 * A memory request must be a non-zero multiple of the memory block size:
 * "100M is not a multiple of the 128M memory block size".
 */
int mint_check_mem_size(uint64_t bytes, uint64_t block_size, struct mint_error *err);

/* Shortest exact form: 536870912 -> "512M", 1073741824 -> "1G", 1000 -> "1000". */
void mint_format_size(uint64_t bytes, char *buf, size_t len);

struct mint_bdf {
	uint16_t domain;
	uint8_t bus;
	uint8_t dev; /* 0..31 */
	uint8_t fn;  /* 0..7 */
};

#define MINT_BDF_STRLEN 13 /* "0000:03:00.0" + NUL */

/* "0000:03:00.0" or "03:00.0" (domain 0); hex, case-insensitive. */
int mint_parse_bdf(const char *s, struct mint_bdf *out, struct mint_error *err);
void mint_format_bdf(const struct mint_bdf *bdf, char buf[MINT_BDF_STRLEN]);
int mint_bdf_cmp(const struct mint_bdf *a, const struct mint_bdf *b);

/*
 * The packed forms of a PCI address, the one place they are computed:
 * devfn (dev << 3 | fn, as in the kernel and the Mint boot info) and the
 * resource id of the Mint table and /dev/mint (segment << 16 | bus << 8 | devfn).
 */
uint8_t mint_bdf_devfn(const struct mint_bdf *bdf);
struct mint_bdf mint_bdf_from_devfn(uint16_t domain, uint8_t bus, uint8_t devfn);
uint64_t mint_bdf_res_id(const struct mint_bdf *bdf);

/* "node0" .. "node63" -> 0 .. 63. No leading zeros ("node01" is rejected). */
int mint_parse_node_name(const char *s, int *node_id, struct mint_error *err);

#endif
