// SPDX-License-Identifier: GPL-2.0
/* The boot options of mint-kexec and mint-liar, parsed into a struct mint_kexec_spec. */
#include "boot_opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mint_boot_parse_size(const char *s, uint64_t *out)
{
	unsigned int shift = 0;
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'G':
	case 'g':
		shift = 30;
		end++;
		break;
	case 'M':
	case 'm':
		shift = 20;
		end++;
		break;
	case 'K':
	case 'k':
		shift = 10;
		end++;
		break;
	default:
		break;
	}
	if (*end || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* A whole number (any base strtoul() takes) no larger than @max. */
static int parse_num(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int bad(struct mint_error *err, const char *opt, const char *arg, const char *want)
{
	return mint_fail(err, MINT_E_INVALID, "bad %s value \"%s\" (%s)", opt, arg, want);
}

static int parse_cpus(struct mint_kexec_spec *s, char *arg, struct mint_error *err)
{
	char *tok, *save;
	uint32_t id;

	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (s->nr_cpus >= MINT_KEXEC_MAX_CPUS)
			return mint_fail(err, MINT_E_INVALID, "--cpus: more than %d CPUs",
					 MINT_KEXEC_MAX_CPUS);
		if (parse_num(tok, MINT_MAX_CPUS - 1, &id))
			return bad(err, "--cpus", tok, "an APIC ID 0..255");
		s->apic_ids[s->nr_cpus++] = id;
	}
	return 0;
}

static int parse_mem(struct mint_kexec_spec *s, char *arg, struct mint_error *err)
{
	char *colon = strchr(arg, ':');

	if (!colon)
		return bad(err, "--mem", arg, "BASE:SIZE, e.g. 0x60000000:512M");
	*colon = 0;
	if (mint_boot_parse_size(arg, &s->mem_base) ||
	    mint_boot_parse_size(colon + 1, &s->mem_size)) {
		*colon = ':';
		return bad(err, "--mem", arg, "BASE:SIZE, e.g. 0x60000000:512M");
	}
	return 0;
}

static int parse_pci(struct mint_kexec_spec *s, char *arg, struct mint_error *err)
{
	char *tok, *save;

	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned int seg, b, d, f;
		char tail;

		if (sscanf(tok, "%x:%x:%x.%x%c", &seg, &b, &d, &f, &tail) != 4 || seg > 0xffff ||
		    b > 0xff || d > 31 || f > 7)
			return bad(err, "--pci", tok, "SSSS:BB:DD.F");
		if (s->nr_pci >= MINT_KEXEC_MAX_PCI)
			return mint_fail(err, MINT_E_INVALID, "--pci: more than %d functions",
					 MINT_KEXEC_MAX_PCI);
		s->pci[s->nr_pci].segment = (uint16_t)seg;
		s->pci[s->nr_pci].bus = (uint8_t)b;
		s->pci[s->nr_pci].devfn = (uint8_t)(d << 3 | f);
		s->nr_pci++;
	}
	return 0;
}

/* --tsc-khz and --lapic-khz: a frequency in kHz (suffixes allowed, as mint-kexec always took). */
static int parse_khz(const char *opt, const char *arg, uint32_t *out, struct mint_error *err)
{
	uint64_t v;

	if (mint_boot_parse_size(arg, &v) || v > UINT32_MAX)
		return bad(err, opt, arg, "a frequency in kHz");
	*out = (uint32_t)v;
	return 0;
}

int mint_boot_opt(struct mint_boot_opts *o, int c, char *arg, struct mint_error *err)
{
	struct mint_kexec_spec *s = &o->spec;
	uint32_t v;

	switch (c) {
	case 'n':
		if (parse_num(arg, UINT32_MAX, &s->node_id))
			return bad(err, "--node", arg, "a node number");
		return 1;
	case 'N':
		s->name = arg;
		return 1;
	case 'k':
		s->kernel_path = arg;
		return 1;
	case 'i':
		s->initrd_path = arg;
		return 1;
	case 'a':
		s->cmdline = arg;
		return 1;
	case 'c':
		return parse_cpus(s, arg, err) ? -1 : 1;
	case 'm':
		return parse_mem(s, arg, err) ? -1 : 1;
	case 'u':
		if (parse_num(arg, 0xffff, &v))
			return bad(err, "--uart", arg, "an I/O port, e.g. 0x2f8");
		s->uart_port = (uint16_t)v;
		return 1;
	case 'p':
		return parse_pci(s, arg, err) ? -1 : 1;
	case 'C':
		o->no_claim = true;
		return 1;
	case 't':
		return parse_khz("--tsc-khz", arg, &s->tsc_khz, err) ? -1 : 1;
	case 'l':
		return parse_khz("--lapic-khz", arg, &s->lapic_khz, err) ? -1 : 1;
	default:
		return 0;
	}
}

int mint_boot_opts_complete(const struct mint_boot_opts *o, struct mint_error *err)
{
	const struct mint_kexec_spec *s = &o->spec;

	if (!s->node_id)
		return mint_fail(err, MINT_E_INVALID,
				 "--node is missing (or 0: node0 is not booted this way)");
	if (!s->kernel_path)
		return mint_fail(err, MINT_E_INVALID, "--kernel is missing");
	if (!s->nr_cpus)
		return mint_fail(err, MINT_E_INVALID, "--cpus is missing");
	if (!s->mem_size)
		return mint_fail(err, MINT_E_INVALID, "--mem is missing (or its size is 0)");
	return 0;
}
