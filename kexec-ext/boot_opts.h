/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The boot options of mint-kexec (--node, --kernel, --cpus, --mem, ...)
 * parsed into a struct mint_kexec_spec.  They live here, not in mint-kexec.c,
 * because the e2e test loader (tests/e2e/tools/mint-liar.c) must take exactly
 * the same options: a test that boots a node with mint-kexec can then tell
 * the same boot as a lie by changing only the program name.
 */
#ifndef MINT_BOOT_OPTS_H
#define MINT_BOOT_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "mint_kexec.h"

/*
 * getopt_long() entries of the boot options; a program puts them into its
 * own table and hands every option it gets to mint_boot_opt().  The short
 * codes are theirs: a program's own options must use other ones.
 */
/* clang-format off */
#define MINT_BOOT_OPTIONS					\
	{"node", required_argument, NULL, 'n'},			\
	{"name", required_argument, NULL, 'N'},			\
	{"kernel", required_argument, NULL, 'k'},		\
	{"initrd", required_argument, NULL, 'i'},		\
	{"append", required_argument, NULL, 'a'},		\
	{"cpus", required_argument, NULL, 'c'},			\
	{"mem", required_argument, NULL, 'm'},			\
	{"uart", required_argument, NULL, 'u'},			\
	{"pci", required_argument, NULL, 'p'},			\
	{"no-claim", no_argument, NULL, 'C'},			\
	{"tsc-khz", required_argument, NULL, 't'},		\
	{"lapic-khz", required_argument, NULL, 'l'}
/* clang-format on */

/* The lines of a usage text that describe the boot options. */
#define MINT_BOOT_USAGE                                                                            \
	"--node N --kernel BZIMAGE --cpus A[,B...] --mem BASE:SIZE\n"                              \
	"    [--initrd FILE] [--append CMDLINE] [--name NAME]\n"                                   \
	"    [--uart PORT] [--pci SSSS:BB:DD.F[,...]]\n"                                           \
	"    [--no-claim] [--tsc-khz K] [--lapic-khz K]\n"                                         \
	"  --cpus      APIC IDs; the first one boots the node\n"                                   \
	"  --mem       physical base and size, e.g. 0x60000000:512M\n"                             \
	"  --no-claim  the resources are already the node's in the table\n"

struct mint_boot_opts {
	struct mint_kexec_spec spec;
	bool no_claim; /* --no-claim: do not release and claim the resources first */
};

/*
 * Apply option @c (a getopt_long() return value) with argument @arg (may be
 * modified). Returns 1 when @c is a boot option and its value is good, 0 when
 * @c is not a boot option, -1 (with @err naming the option and the value) for
 * a bad value.
 */
int mint_boot_opt(struct mint_boot_opts *o, int c, char *arg, struct mint_error *err);

/* The options every boot needs are there: --node, --kernel, --cpus, --mem. */
int mint_boot_opts_complete(const struct mint_boot_opts *o, struct mint_error *err);

/* "0x60000000", "512M", "1G", "64k": a number (any base strtoull() takes) and an optional K/M/G. */
int mint_boot_parse_size(const char *s, uint64_t *out);

#endif /* MINT_BOOT_OPTS_H */
