// SPDX-License-Identifier: GPL-2.0
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * Parse the decimal number at @p. Unlike plain strtoull() this refuses
 * anything that does not start with a digit (signs, spaces), so "-1" is not
 * silently turned into a huge value. Returns 0, -1 when @p does not start
 * with a digit, -2 on overflow. *end is set past the digits in every case.
 */
static int parse_u64(const char *p, const char **end, uint64_t *val)
{
	unsigned long long v;
	char *e;

	*end = p;
	*val = 0;
	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	v = strtoull(p, &e, 10);
	*end = e;
	*val = v; /* ULLONG_MAX on overflow */
	return errno == ERANGE ? -2 : 0;
}

static bool has_space(const char *s)
{
	for (; *s; s++)
		if (isspace((unsigned char)*s))
			return true;
	return false;
}

/* One item of a CPU list: [item, item + len). */
static int parse_cpu_item(const char *s, const char *item, size_t len, struct mint_cpuset *out,
			  struct mint_error *err)
{
	const char *lim = item + len, *p;
	uint64_t lo, hi;
	int r;

	if (!len) {
		if (item == s)
			return mint_fail(err, MINT_E_INVALID,
					 "invalid CPU list \"%s\": empty item before \",\"", s);
		if (!*lim)
			return mint_fail(err, MINT_E_INVALID,
					 "invalid CPU list \"%s\": empty item after \",\"", s);
		return mint_fail(err, MINT_E_INVALID,
				 "invalid CPU list \"%s\": empty item in \",,\"", s);
	}
	if (*item == '-')
		return mint_fail(err, MINT_E_INVALID,
				 "invalid CPU list \"%s\": range \"%.*s\" has no start", s,
				 (int)len, item);
	r = parse_u64(item, &p, &lo);
	if (r == -1)
		return mint_fail(err, MINT_E_INVALID,
				 "invalid CPU list \"%s\": \"%.*s\" is not a CPU number or range",
				 s, (int)len, item);
	if (r == -2 || lo >= MINT_CPUSET_MAX)
		return mint_fail(err, MINT_E_INVALID,
				 "invalid CPU list \"%s\": CPU %.*s is out of range (maximum %d)",
				 s, (int)(p - item), item, MINT_CPUSET_MAX - 1);
	hi = lo;
	if (p < lim && *p == '-') {
		const char *q = p + 1;

		if (q == lim)
			return mint_fail(err, MINT_E_INVALID,
					 "invalid CPU list \"%s\": range \"%.*s\" has no end", s,
					 (int)len, item);
		r = parse_u64(q, &p, &hi);
		if (r == -1)
			return mint_fail(
			    err, MINT_E_INVALID,
			    "invalid CPU list \"%s\": range \"%.*s\" has an invalid end", s,
			    (int)len, item);
		if (r == -2 || hi >= MINT_CPUSET_MAX)
			return mint_fail(
			    err, MINT_E_INVALID,
			    "invalid CPU list \"%s\": CPU %.*s is out of range (maximum %d)", s,
			    (int)(p - q), q, MINT_CPUSET_MAX - 1);
	}
	if (p != lim)
		return mint_fail(err, MINT_E_INVALID,
				 "invalid CPU list \"%s\": unexpected \"%.*s\" in \"%.*s\"", s,
				 (int)(lim - p), p, (int)len, item);
	if (hi < lo)
		return mint_fail(err, MINT_E_INVALID,
				 "invalid CPU list \"%s\": range %llu-%llu is descending", s,
				 (unsigned long long)lo, (unsigned long long)hi);
	for (uint64_t c = lo; c <= hi; c++)
		mint_cpuset_add(out, (unsigned)c);
	return 0;
}

int mint_parse_cpulist(const char *s, struct mint_cpuset *out, struct mint_error *err)
{
	struct mint_cpuset set;
	const char *item;

	if (!s || !*s)
		return mint_fail(err, MINT_E_INVALID, "invalid CPU list \"\": the list is empty");
	if (has_space(s))
		return mint_fail(err, MINT_E_INVALID,
				 "invalid CPU list \"%s\": spaces are not allowed", s);
	mint_cpuset_clear(&set);
	item = s;
	for (;;) {
		size_t len = strcspn(item, ",");

		if (parse_cpu_item(s, item, len, &set, err))
			return -1;
		if (!item[len])
			break;
		item += len + 1;
	}
	*out = set;
	return 0;
}

static const char units[] = "KMGT";

int mint_parse_size(const char *s, uint64_t *bytes, struct mint_error *err)
{
	const char *p, *u;
	unsigned shift = 0;
	uint64_t v;
	int r;

	if (!s || !*s)
		return mint_fail(err, MINT_E_INVALID, "invalid size \"\": the size is empty");
	if (has_space(s))
		return mint_fail(err, MINT_E_INVALID, "invalid size \"%s\": spaces are not allowed",
				 s);
	if (*s == '-')
		return mint_fail(err, MINT_E_INVALID,
				 "invalid size \"%s\": negative sizes are not allowed", s);
	r = parse_u64(s, &p, &v);
	if (r == -1)
		return mint_fail(err, MINT_E_INVALID, "invalid size \"%s\": not a number", s);
	if (*p == '.' || *p == ',')
		return mint_fail(
		    err, MINT_E_INVALID,
		    "invalid size \"%s\": fractions are not allowed (use a smaller unit)", s);
	if (r == -2)
		return mint_fail(err, MINT_E_INVALID,
				 "invalid size \"%s\": the number is too large", s);
	if (*p && strcasecmp(p, "B")) { /* "512B" is plain bytes */
		/* *p is not NUL here, so strchr() cannot match the terminator */
		u = strchr(units, toupper((unsigned char)*p));
		if (!u || (p[1] && strcasecmp(p + 1, "B") && strcasecmp(p + 1, "iB")))
			return mint_fail(
			    err, MINT_E_INVALID,
			    "invalid size \"%s\": unknown unit \"%s\" (use K, M, G or T)", s, p);
		shift = 10 * (unsigned)(u - units + 1);
	}
	if (!v)
		return mint_fail(err, MINT_E_INVALID,
				 "invalid size \"%s\": size must be greater than zero", s);
	if (v > (UINT64_MAX >> shift))
		return mint_fail(err, MINT_E_INVALID, "invalid size \"%s\": the size is too large",
				 s);
	*bytes = v << shift;
	return 0;
}

int mint_check_mem_size(uint64_t bytes, uint64_t block_size, struct mint_error *err)
{
	char a[32], b[32];

	if (!block_size)
		return mint_fail(err, MINT_E_INVALID, "the memory block size is unknown");
	if (!bytes)
		return mint_fail(err, MINT_E_INVALID, "the memory size must be greater than zero");
	if (bytes % block_size) {
		mint_format_size(bytes, a, sizeof(a));
		mint_format_size(block_size, b, sizeof(b));
		return mint_fail(err, MINT_E_INVALID,
				 "%s is not a multiple of the %s memory block size", a, b);
	}
	return 0;
}

void mint_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char sfx[] = "TGMK";
	unsigned i;

	if (!buf || !len)
		return;
	for (i = 0; bytes && i < 4; i++) {
		unsigned shift = 10 * (4 - i);

		if (!(bytes & ((UINT64_C(1) << shift) - 1))) {
			snprintf(buf, len, "%llu%c", (unsigned long long)(bytes >> shift), sfx[i]);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)bytes);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Read @n hex digits at @p into *val; -1 when one of them is not a hex digit. */
static int hexn(const char *p, int n, unsigned *val)
{
	unsigned v = 0;

	for (int i = 0; i < n; i++) {
		int h = hexval(p[i]);

		if (h < 0)
			return -1;
		v = v * 16 + (unsigned)h;
	}
	*val = v;
	return 0;
}

int mint_parse_bdf(const char *s, struct mint_bdf *out, struct mint_error *err)
{
	unsigned dom = 0, bus, dev, fn;
	const char *p;
	size_t len;

	if (!s)
		s = "";
	len = strlen(s);
	p = s;
	if (len == 12) {
		if (hexn(p, 4, &dom) || p[4] != ':')
			goto bad;
		p += 5;
	} else if (len != 7) {
		goto bad;
	}
	if (hexn(p, 2, &bus) || p[2] != ':' || hexn(p + 3, 2, &dev) || p[5] != '.' ||
	    hexn(p + 6, 1, &fn))
		goto bad;
	if (dev > 0x1f)
		return mint_fail(err, MINT_E_INVALID,
				 "invalid PCI address \"%s\": device number 0x%02x is above 0x1f",
				 s, dev);
	if (fn > 7)
		return mint_fail(err, MINT_E_INVALID,
				 "invalid PCI address \"%s\": function number %x is above 7", s,
				 fn);
	out->domain = (uint16_t)dom;
	out->bus = (uint8_t)bus;
	out->dev = (uint8_t)dev;
	out->fn = (uint8_t)fn;
	return 0;
bad:
	return mint_fail(err, MINT_E_INVALID, "invalid PCI address \"%s\": expected [DDDD:]BB:DD.F",
			 s);
}

void mint_format_bdf(const struct mint_bdf *bdf, char buf[MINT_BDF_STRLEN])
{
	snprintf(buf, MINT_BDF_STRLEN, "%04x:%02x:%02x.%x", (unsigned)bdf->domain,
		 (unsigned)bdf->bus, (unsigned)(bdf->dev & 0x1f), (unsigned)(bdf->fn & 7));
}

static int cmp_u(unsigned a, unsigned b)
{
	return (a > b) - (a < b);
}

int mint_bdf_cmp(const struct mint_bdf *a, const struct mint_bdf *b)
{
	if (a->domain != b->domain)
		return cmp_u(a->domain, b->domain);
	if (a->bus != b->bus)
		return cmp_u(a->bus, b->bus);
	if (a->dev != b->dev)
		return cmp_u(a->dev, b->dev);
	return cmp_u(a->fn, b->fn);
}

int mint_parse_node_name(const char *s, int *node_id, struct mint_error *err)
{
	const char *p;
	uint64_t v;
	int r;

	if (!s)
		s = "";
	if (strncmp(s, "node", 4))
		return mint_fail(
		    err, MINT_E_INVALID,
		    "invalid node name \"%s\": expected \"node\" and a number (node0 to node%d)", s,
		    MINT_NODES_MAX - 1);
	r = parse_u64(s + 4, &p, &v);
	if (r == -1 || *p)
		return mint_fail(
		    err, MINT_E_INVALID,
		    "invalid node name \"%s\": expected \"node\" and a number (node0 to node%d)", s,
		    MINT_NODES_MAX - 1);
	if (s[4] == '0' && s[5])
		return mint_fail(err, MINT_E_INVALID,
				 "invalid node name \"%s\": the node number has a leading zero", s);
	if (r == -2 || v >= MINT_NODES_MAX)
		return mint_fail(err, MINT_E_INVALID,
				 "invalid node name \"%s\": node number must be 0 to %d", s,
				 MINT_NODES_MAX - 1);
	*node_id = (int)v;
	return 0;
}

uint8_t mint_bdf_devfn(const struct mint_bdf *bdf)
{
	return (uint8_t)((bdf->dev & 0x1f) << 3 | (bdf->fn & 7));
}

struct mint_bdf mint_bdf_from_devfn(uint16_t domain, uint8_t bus, uint8_t devfn)
{
	return (struct mint_bdf){.domain = domain, .bus = bus, .dev = devfn >> 3, .fn = devfn & 7};
}

uint64_t mint_bdf_res_id(const struct mint_bdf *bdf)
{
	return (uint64_t)bdf->domain << 16 | (uint64_t)bdf->bus << 8 | mint_bdf_devfn(bdf);
}
