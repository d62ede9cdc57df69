// SPDX-License-Identifier: GPL-2.0
/*
 * mint-liar: boot a Mint node the way mint-kexec does, but hand it one lie
 * (an E820 RAM range, a node id, a CPU, a PCI function or a boot_params
 * pointer that is not its own), for e2e tests of the kernels' checks: the
 * kernel half must refuse what it can see (MINT_IOC_START: segments outside
 * the node's memory), the booting node must refuse the rest and park.
 *
 * Takes mint-kexec's boot options (kexec-ext/boot_opts.h) plus
 *   --lie KIND [--lie-arg VALUE] [--dry-run]
 * and prints one line saying what lie was told, e.g.
 *   mint-liar: e820: added RAM [0x0-0x7ffffff] (node0's block) to node1's map
 * Exit 0: the node was started (whatever it makes of the lie); 1: the load
 * or the start was refused (the errno is printed) or the lie could not be
 * told; 2: bad usage. Either way the node may be left loading, booting or
 * failed with its resources claimed: cleaning up is the test's business
 * (mint-chan kill N, MINT_IOC_STOP).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <endian.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/bootparam.h>

#include "boot_opts.h"
#include "errname.h"
#include "lies.h"
#include "mint_kexec.h"
#include "mintdev.h"

struct liar {
	struct lie lie;
	const struct mint_kexec_spec *spec;
	uint64_t block_size;
	bool dry_run;
	bool dry_run_done; /* the hook stopped the boot on purpose */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mint-liar --lie KIND [--lie-arg VALUE] [--dry-run]\n    " MINT_BOOT_USAGE
		"  --lie KIND       the lie (KIND: %s):\n"
		"    e820        E820 RAM for a block the node does not own (default: the\n"
		"                table's first block of another node; VALUE: an address)\n"
		"    node        the Mint record's node id is another one (default: the lowest\n"
		"                unused id above --node; VALUE: a node id)\n"
		"    cpu         an APIC ID the node does not own added to the record\n"
		"                (default: node0's boot CPU; VALUE: an APIC ID)\n"
		"    bootcpu     the record's first CPU swapped with another of the node's\n"
		"                (needs 2 CPUs; default: the second; VALUE: its APIC ID)\n"
		"    pci         a PCI function the node does not own added to the record\n"
		"                (default: the table's first of another node; VALUE: a BDF)\n"
		"    initrd      hdr.ramdisk_image in memory the node does not own (default: as\n"
		"                e820; VALUE: an address)\n"
		"    cmdline     hdr.cmd_line_ptr, likewise\n"
		"    kernel      hdr.init_size runs past the node's memory (default: one block\n"
		"                past its end; VALUE: the init_size)\n"
		"    setup-data  hdr.setup_data (the chain head), likewise as e820\n"
		"  --dry-run        tell the lie and print what the node would get; claim, load\n"
		"                   and start nothing\n"
		"Exit 0: node started; 1: the kernel refused the load or start (errno printed),\n"
		"or the lie could not be told; 2: bad usage. The node may be left loading,\n"
		"booting or failed with its resources claimed: the test cleans up.\n",
		lie_kinds());
}

/* What the node would be handed, for --dry-run. */
static void print_handover(const uint8_t *boot_params, const uint8_t *setup_data,
			   const struct mint_layout *lay)
{
	const struct boot_params *bp = (const struct boot_params *)boot_params;
	const struct mint_boot_info *info =
	    (const struct mint_boot_info *)((const struct setup_data *)setup_data)->data;

	printf("dry run: nothing claimed, loaded or started\n");
	for (unsigned int i = 0; i < bp->e820_entries; i++)
		printf("e820 [%#llx-%#llx] type %u\n", (unsigned long long)bp->e820_table[i].addr,
		       (unsigned long long)(bp->e820_table[i].addr + bp->e820_table[i].size - 1),
		       bp->e820_table[i].type);
	printf("kernel %#llx init_size %#x entry %#llx boot_params %#llx\n",
	       (unsigned long long)lay->kernel, le32toh(bp->hdr.init_size),
	       (unsigned long long)lay->kernel + 0x200, (unsigned long long)lay->boot_params);
	printf("cmd_line_ptr %#llx ramdisk_image %#llx ramdisk_size %u setup_data %#llx\n",
	       (unsigned long long)le32toh(bp->hdr.cmd_line_ptr) |
		   (unsigned long long)bp->ext_cmd_line_ptr << 32,
	       (unsigned long long)le32toh(bp->hdr.ramdisk_image) |
		   (unsigned long long)bp->ext_ramdisk_image << 32,
	       le32toh(bp->hdr.ramdisk_size), (unsigned long long)le64toh(bp->hdr.setup_data));
	printf("record node %u cpus", info->node_id);
	for (unsigned int i = 0; i < info->nr_cpus && i < MINT_BOOT_MAX_CPUS; i++)
		printf("%s%u", i ? "," : " ", info->apic_ids[i]);
	printf(" pci");
	for (unsigned int i = 0; i < info->nr_pci && i < MINT_BOOT_MAX_PCI; i++)
		printf("%s%04x:%02x:%02x.%x", i ? "," : " ", info->pci[i].segment, info->pci[i].bus,
		       info->pci[i].devfn >> 3, info->pci[i].devfn & 7);
	printf("%s\n", info->nr_pci ? "" : " none");
}

/* kexec-ext's boot hook: tell the lie right before the segments are loaded. */
static int tell_lie(uint8_t *boot_params, uint8_t *setup_data, struct mint_layout *lay, void *user,
		    struct mint_error *err)
{
	struct liar *liar = user;

	if (lie_apply(&liar->lie, liar->spec, liar->block_size, boot_params, setup_data, lay, err))
		return -1;
	printf("mint-liar: %s\n", liar->lie.told);
	if (liar->dry_run) {
		print_handover(boot_params, setup_data, lay);
		liar->dry_run_done = true;
		return mint_fail(err, MINT_E_INVALID, "dry run");
	}
	/* The line must be out before the kernel may answer by taking the machine down. */
	fflush(stdout);
	return 0;
}

static int failed(const struct mint_error *err)
{
	if (err->errnum)
		fprintf(stderr, "mint-liar: %s (%s)\n", err->msg, e2e_errname(err->errnum));
	else
		fprintf(stderr, "mint-liar: %s\n", err->msg);
	return 1;
}

/* Options; 0 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct mint_boot_opts *o, struct liar *liar)
{
	static const struct option opts[] = {
	    MINT_BOOT_OPTIONS,
	    {"lie", required_argument, NULL, 'L'},
	    {"lie-arg", required_argument, NULL, 'g'},
	    {"dry-run", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct mint_error err = {0};
	const char *kind = NULL;
	int c, r, k;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		r = mint_boot_opt(o, c, optarg, &err);
		if (r < 0) {
			fprintf(stderr, "mint-liar: %s\n", err.msg);
			return 2;
		}
		if (r)
			continue;
		switch (c) {
		case 'L':
			kind = optarg;
			break;
		case 'g':
			liar->lie.arg = optarg;
			break;
		case 'd':
			liar->dry_run = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !kind) {
		fprintf(stderr, "mint-liar: %s\n",
			kind ? "unexpected arguments" : "--lie is missing");
		usage(stderr);
		return 2;
	}
	k = lie_kind_parse(kind);
	if (k < 0) {
		fprintf(stderr, "mint-liar: unknown lie \"%s\" (one of %s)\n", kind, lie_kinds());
		return 2;
	}
	liar->lie.kind = (enum lie_kind)k;
	if (mint_boot_opts_complete(o, &err)) {
		fprintf(stderr, "mint-liar: %s\n", err.msg);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct mint_boot_opts o;
	struct liar liar;
	struct mint_dev dev;
	struct mint_kexec_image im;
	struct mint_error err = {0};
	int ret;

	memset(&o, 0, sizeof(o));
	memset(&liar, 0, sizeof(liar));
	liar.spec = &o.spec;
	ret = parse_args(argc, argv, &o, &liar);
	if (ret)
		return ret < 0 ? 0 : ret;

	/* The table says whose resources the lie hands over; it is read before anything changes. */
	if (mint_dev_open(&dev, &err))
		return failed(&err);
	liar.block_size = dev.table->mem_block_size;
	ret = lie_resolve(&liar.lie, &o.spec, &dev, &err);
	mint_dev_close(&dev);
	if (ret)
		return failed(&err);

	if (mint_kexec_check(&o.spec, &im, &err))
		return failed(&err);
	ret = liar.dry_run || o.no_claim ? 0 : mint_kexec_claim(&o.spec, &err);
	if (!ret)
		ret = mint_kexec_boot_hooked(&o.spec, &im, tell_lie, &liar, &err);
	mint_kexec_image_free(&im);
	if (liar.dry_run_done)
		return 0;
	if (ret)
		return failed(&err);
	printf("mint-liar: node%u started on APIC ID %u\n", o.spec.node_id, o.spec.apic_ids[0]);
	return 0;
}
