// SPDX-License-Identifier: GPL-2.0
/* mint-kexec: boot a Mint node from the command line (manual testing). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "boot_opts.h"
#include "mint_kexec.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(
	    f, "usage: mint-kexec --node N --kernel BZIMAGE --cpus A[,B...] --mem BASE:SIZE\n"
	       "                  [--initrd FILE] [--append CMDLINE] [--name NAME]\n"
	       "                  [--uart PORT] [--pci SSSS:BB:DD.F[,...]]\n"
	       "                  [--no-claim] [--check] [--tsc-khz K] [--lapic-khz K]\n"
	       "       mint-kexec --status   (nodes, CPUs and non-node0 memory in the table)\n"
	       "       mint-kexec --node N --claim|--release cpu:APICID|mem:BASE|pci:SSSS:BB:DD.F\n"
	       "  --cpus   APIC IDs; the first one boots the node\n"
	       "  --mem    physical base and size, e.g. 0x60000000:512M\n"
	       "  --check  validate the image and print the layout, touch nothing\n");
}

static const char *node_state(uint32_t s)
{
	static const char *const names[] = {"unused",	"booting", "running", "halted",
					    "failed",	"loading", "halting"};

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* Print the resource table as this kernel sees it (read-only mmap). */
static int show_status(void)
{
	const struct mint_table *t;
	unsigned int i;
	int fd;

	fd = open("/dev/mint", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror("mint-kexec: /dev/mint");
		return 1;
	}
	t = mmap(NULL, MINT_TABLE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (t == MAP_FAILED) {
		perror("mint-kexec: mmap /dev/mint");
		return 1;
	}
	for (i = 0; i < MINT_MAX_NODES; i++) {
		const struct mint_node_entry *n = &t->node[i];

		if (n->state == MINT_NODE_UNUSED)
			continue;
		printf("node%u %s state=%s heartbeat=%llu boot_cpu=%u epoch=%u parent=%d reason=%u\n",
		       i, n->name, node_state(n->state), (unsigned long long)n->heartbeat,
		       n->boot_cpu, n->epoch, n->parent == MINT_OWNER_NONE ? -1 : (int)n->parent,
		       n->reason);
	}
	for (i = 0; i < MINT_MAX_CPUS; i++) {
		const struct mint_cpu_entry *c = &t->cpu[i];

		if (c->owner == MINT_OWNER_NONE)
			continue;
		if (c->owner == MINT_OWNER_FREE)
			printf("cpu apic=%u free\n", i);
		else
			printf("cpu apic=%u node%u %s\n", i, c->owner,
			       c->state == MINT_CPU_ONLINE ? "online" : "offline");
	}
	for (i = 0; i < t->nr_mem_blocks && i < MINT_MAX_MEM_BLOCKS; i++) {
		const struct mint_mem_entry *m = &t->mem[i];

		if (m->owner == 0)
			continue;
		if (m->owner == MINT_OWNER_FREE)
			printf("mem %#llx free\n", (unsigned long long)m->base);
		else
			printf("mem %#llx node%u\n", (unsigned long long)m->base, m->owner);
	}
	munmap((void *)t, MINT_TABLE_SIZE);
	return 0;
}

/* --claim / --release TYPE:ID for node N: cpu:APICID, mem:BASE,
 * pci:SSSS:BB:DD.F */
static int res_cmd(unsigned long op, const char *arg, uint32_t node)
{
	struct mint_res r = {.node = node};
	unsigned int s, b, d, f;
	int fd;

	if (!strncmp(arg, "cpu:", 4)) {
		r.type = MINT_RES_CPU;
		r.id = strtoull(arg + 4, NULL, 0);
	} else if (!strncmp(arg, "mem:", 4)) {
		uint64_t base;

		r.type = MINT_RES_MEM;
		if (mint_boot_parse_size(arg + 4, &base))
			goto bad;
		r.id = base;
	} else if (!strncmp(arg, "pci:", 4) &&
		   sscanf(arg + 4, "%x:%x:%x.%x", &s, &b, &d, &f) == 4 && s <= 0xffff &&
		   b <= 0xff && d <= 31 && f <= 7) {
		r.type = MINT_RES_PCI;
		r.id = (uint64_t)s << 16 | b << 8 | d << 3 | f;
	} else {
		goto bad;
	}
	fd = open("/dev/mint", O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, op, &r) < 0) {
		fprintf(stderr, "mint-kexec: %s %s for node%u: %s\n",
			op == MINT_IOC_CLAIM ? "claim" : "release", arg, node, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	close(fd);
	return 0;
bad:
	fprintf(stderr, "mint-kexec: bad resource %s (cpu:APICID, mem:BASE, pci:SSSS:BB:DD.F)\n",
		arg);
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    MINT_BOOT_OPTIONS,
	    {"check", no_argument, NULL, 'x'},
	    {"status", no_argument, NULL, 's'},
	    {"claim", required_argument, NULL, 'A'},
	    {"release", required_argument, NULL, 'R'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct mint_boot_opts o;
	struct mint_kexec_spec *spec = &o.spec;
	struct mint_kexec_image im;
	struct mint_error err = {0};
	const char *claim_arg = NULL, *release_arg = NULL;
	int c, check = 0, ret;

	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		ret = mint_boot_opt(&o, c, optarg, &err);
		if (ret < 0) {
			fprintf(stderr, "mint-kexec: %s\n", err.msg);
			return 2;
		}
		if (ret)
			continue;
		switch (c) {
		case 'x':
			check = 1;
			break;
		case 's':
			return show_status();
		case 'A':
			claim_arg = optarg;
			break;
		case 'R':
			release_arg = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (claim_arg || release_arg) {
		if (optind != argc) {
			usage(stderr);
			return 2;
		}
		return res_cmd(claim_arg ? MINT_IOC_CLAIM : MINT_IOC_RELEASE,
			       claim_arg ? claim_arg : release_arg, spec->node_id);
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (mint_boot_opts_complete(&o, &err)) {
		fprintf(stderr, "mint-kexec: %s\n", err.msg);
		usage(stderr);
		return 2;
	}

	/* The image and the initrd are read once, checked, and booted from memory. */
	if (mint_kexec_check(spec, &im, &err)) {
		fprintf(stderr, "mint-kexec: %s\n", err.msg);
		return 1;
	}
	if (check) {
		struct mint_layout lay;

		ret = mint_kexec_layout(spec, &im.bz, im.initrd_len, &lay, &err);
		if (ret) {
			fprintf(stderr, "mint-kexec: %s\n", err.msg);
			mint_kexec_image_free(&im);
			return 1;
		}
		printf("boot protocol %u.%02u, setup %u bytes, kernel %llu bytes, init_size %#x\n",
		       im.bz.version >> 8, im.bz.version & 0xff, im.bz.setup_size,
		       (unsigned long long)im.bz.payload_size, im.bz.init_size);
		printf("kernel %#llx-%#llx entry %#llx\nboot_params %#llx cmdline %#llx setup_data "
		       "%#llx\ninitrd %#llx size %llu\n",
		       (unsigned long long)lay.kernel, (unsigned long long)lay.kernel_end,
		       (unsigned long long)lay.kernel + 0x200, (unsigned long long)lay.boot_params,
		       (unsigned long long)lay.cmdline, (unsigned long long)lay.setup_data,
		       (unsigned long long)lay.initrd, (unsigned long long)lay.initrd_size);
		mint_kexec_image_free(&im);
		return 0;
	}
	ret = o.no_claim ? 0 : mint_kexec_claim(spec, &err);
	if (!ret)
		ret = mint_kexec_boot(spec, &im, &err);
	mint_kexec_image_free(&im);
	if (ret) {
		fprintf(stderr, "mint-kexec: %s\n", err.msg);
		return 1;
	}
	printf("mint-kexec: node%u started on APIC ID %u\n", spec->node_id, spec->apic_ids[0]);
	return 0;
}
