// SPDX-License-Identifier: GPL-2.0
/*
 * Every parser of what a user types (libmint/parse.c): CPU lists, sizes,
 * PCI addresses, node names, on the same input string. What a parser
 * accepts must survive the round trip through its formatter; what it
 * rejects gets a message of kind MINT_E_INVALID that quotes the input.
 */
#include "fuzz.h"

#include <strings.h>

#include "parse.h"

static void check_error(const struct mint_error *err, const char *what)
{
	FUZZ_CHECK(err->kind == MINT_E_INVALID, "%s: kind %d", what, err->kind);
	FUZZ_CHECK(err->msg[0] && strlen(err->msg) < sizeof(err->msg), "%s: empty message", what);
}

static void fuzz_cpulist(const char *s)
{
	struct mint_cpuset set, again;
	struct mint_error err = {0};
	char text[8192];

	if (mint_parse_cpulist(s, &set, &err)) {
		check_error(&err, "cpulist");
		return;
	}
	FUZZ_CHECK(!mint_cpuset_empty(&set), "\"%s\" gave an empty set", s);
	FUZZ_CHECK(!mint_cpuset_format(&set, text, sizeof(text)), "format of \"%s\"", s);
	FUZZ_CHECK(!mint_parse_cpulist(text, &again, &err), "\"%s\" -> \"%s\": %s", s, text,
		   err.msg);
	FUZZ_CHECK(!memcmp(&set, &again, sizeof(set)), "\"%s\" -> \"%s\" differs", s, text);
}

static void fuzz_size(const char *s)
{
	struct mint_error err = {0};
	uint64_t bytes, again;
	char text[32];

	if (mint_parse_size(s, &bytes, &err)) {
		check_error(&err, "size");
		return;
	}
	FUZZ_CHECK(bytes > 0, "\"%s\" is zero bytes", s);
	mint_format_size(bytes, text, sizeof(text));
	FUZZ_CHECK(!mint_parse_size(text, &again, &err), "\"%s\" -> \"%s\": %s", s, text, err.msg);
	FUZZ_CHECK(again == bytes, "\"%s\" -> \"%s\" differs", s, text);
	/* The memory-size check against a few block sizes, and a bogus one. */
	FUZZ_CHECK(mint_check_mem_size(bytes, 0, &err) == -1, "block size 0 accepted");
	FUZZ_CHECK((mint_check_mem_size(bytes, 128ULL << 20, &err) == 0) ==
		       (bytes % (128ULL << 20) == 0),
		   "\"%s\" vs 128M blocks", s);
	FUZZ_CHECK((mint_check_mem_size(bytes, bytes, NULL) == 0), "\"%s\" vs itself", s);
}

static void fuzz_bdf(const char *s)
{
	struct mint_bdf bdf, again, unpacked;
	struct mint_error err = {0};
	char text[MINT_BDF_STRLEN];
	uint64_t id;

	if (mint_parse_bdf(s, &bdf, &err)) {
		check_error(&err, "bdf");
		return;
	}
	FUZZ_CHECK(bdf.dev <= 0x1f && bdf.fn <= 7, "\"%s\": dev %u fn %u", s, bdf.dev, bdf.fn);
	mint_format_bdf(&bdf, text);
	FUZZ_CHECK(!mint_parse_bdf(text, &again, &err), "\"%s\" -> \"%s\": %s", s, text, err.msg);
	FUZZ_CHECK(!mint_bdf_cmp(&bdf, &again), "\"%s\" -> \"%s\" differs", s, text);
	/* The canonical form is the input, up to case (and the domain 0000 added). */
	FUZZ_CHECK(!strcasecmp(s, strlen(s) == 12 ? text : text + 5), "\"%s\" -> \"%s\"", s, text);
	unpacked = mint_bdf_from_devfn(bdf.domain, bdf.bus, mint_bdf_devfn(&bdf));
	FUZZ_CHECK(!mint_bdf_cmp(&bdf, &unpacked), "devfn of \"%s\"", s);
	id = mint_bdf_res_id(&bdf);
	FUZZ_CHECK(id >> 16 == bdf.domain && ((id >> 8) & 0xff) == bdf.bus &&
		       (id & 0xff) == mint_bdf_devfn(&bdf),
		   "resource id of \"%s\"", s);
}

static void fuzz_node_name(const char *s)
{
	struct mint_error err = {0};
	char text[32];
	int node = -1;

	if (mint_parse_node_name(s, &node, &err)) {
		check_error(&err, "node name");
		return;
	}
	FUZZ_CHECK(node >= 0 && node < MINT_NODES_MAX, "\"%s\" -> %d", s, node);
	/* Only the canonical spelling is accepted. */
	snprintf(text, sizeof(text), "node%d", node);
	FUZZ_CHECK(!strcmp(text, s), "\"%s\" accepted as node%d", s, node);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);

	fuzz_cpulist(s);
	fuzz_size(s);
	fuzz_bdf(s);
	fuzz_node_name(s);
	free(s);
	return 0;
}
