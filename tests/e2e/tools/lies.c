// SPDX-License-Identifier: GPL-2.0
/* The lies mint-liar tells a booting node: choosing the target, then changing the bytes. */
#include "lies.h"

#include <endian.h>
#include <stdio.h>
#include <string.h>

#include <asm/bootparam.h>

#include "boot_opts.h"
#include "parse.h"

#define E820_RAM	  1
#define PAGE		  4096U
#define BLOCK_FALLBACK	  (128ULL << 20) /* if the table says no block size */
#define RANGE_FMT	  "[0x%llx-0x%llx]"
#define RANGE(base, size) (unsigned long long)(base), (unsigned long long)((base) + (size)-1)

static const char *const kind_names[LIE_COUNT] = {
    [LIE_E820] = "e820",       [LIE_NODE] = "node",	[LIE_CPU] = "cpu",
    [LIE_BOOTCPU] = "bootcpu", [LIE_PCI] = "pci",	[LIE_INITRD] = "initrd",
    [LIE_CMDLINE] = "cmdline", [LIE_KERNEL] = "kernel", [LIE_SETUP_DATA] = "setup-data",
};

int lie_kind_parse(const char *name)
{
	for (int k = 0; k < LIE_COUNT; k++)
		if (!strcmp(name, kind_names[k]))
			return k;
	return -1;
}

const char *lie_kind_name(enum lie_kind kind)
{
	return kind < LIE_COUNT ? kind_names[kind] : "?";
}

const char *lie_kinds(void)
{
	return "e820|node|cpu|bootcpu|pci|initrd|cmdline|kernel|setup-data";
}

/* "node0's block", "FREE", "not in the table". */
static void whose(char *buf, size_t len, uint32_t owner, const char *what)
{
	if (owner == MINT_OWNER_NONE)
		snprintf(buf, len, "not in the table");
	else if (owner == MINT_OWNER_FREE)
		snprintf(buf, len, "FREE");
	else
		snprintf(buf, len, "node%u's%s%s", owner, *what ? " " : "", what);
}

static uint64_t block_size_of(const struct mint_dev *dev)
{
	return dev->table && dev->table->mem_block_size ? dev->table->mem_block_size
							: BLOCK_FALLBACK;
}

/* Owner of the memory block that holds @addr. */
static uint32_t addr_owner(const struct mint_dev *dev, uint64_t addr)
{
	uint64_t bs = block_size_of(dev);

	return mint_dev_mem_owner(dev, addr - addr % bs);
}

static int number(const char *s, uint64_t max, uint64_t *out)
{
	return mint_boot_parse_size(s, out) || *out > max ? -1 : 0;
}

/* e820, initrd, cmdline, setup-data: the first block of another node, or --lie-arg ADDR. */
static int resolve_block(struct lie *l, uint32_t self, const struct mint_dev *dev,
			 struct mint_error *err)
{
	uint32_t n = dev->table ? dev->table->nr_mem_blocks : 0;

	if (l->arg) {
		if (number(l->arg, UINT64_MAX, &l->value))
			return mint_fail(err, MINT_E_INVALID, "bad --lie-arg \"%s\" (an address)",
					 l->arg);
		whose(l->whose, sizeof(l->whose), addr_owner(dev, l->value), "block");
		return 0;
	}
	for (uint32_t i = 0; i < n && i < MINT_MAX_MEM_BLOCKS; i++) {
		uint32_t owner = dev->table->mem[i].owner;

		/* A pointer of 0 in boot_params means "none": never lie with it. */
		if (owner == self || owner == MINT_OWNER_FREE || owner == MINT_OWNER_NONE ||
		    !dev->table->mem[i].base)
			continue;
		l->value = dev->table->mem[i].base;
		whose(l->whose, sizeof(l->whose), owner, "block");
		return 0;
	}
	return mint_fail(err, MINT_E_NOTFOUND,
			 "%s: no memory block of another node in the table (give --lie-arg ADDR)",
			 lie_kind_name(l->kind));
}

/* The lowest node id above @self that nobody uses, or --lie-arg N. */
static int resolve_node(struct lie *l, uint32_t self, const struct mint_dev *dev,
			struct mint_error *err)
{
	if (l->arg) {
		if (number(l->arg, MINT_MAX_NODES - 1, &l->value))
			return mint_fail(err, MINT_E_INVALID,
					 "bad --lie-arg \"%s\" (a node id 0..%d)", l->arg,
					 MINT_MAX_NODES - 1);
	} else {
		for (l->value = self + 1; l->value < MINT_MAX_NODES; l->value++)
			if (dev->table && dev->table->node[l->value].state == MINT_NODE_UNUSED)
				break;
		if (l->value >= MINT_MAX_NODES)
			return mint_fail(err, MINT_E_NOTFOUND,
					 "node: no unused node id above %u in the table (give "
					 "--lie-arg N)",
					 self);
	}
	if (l->value == self)
		return mint_fail(err, MINT_E_INVALID, "node: node%u is the node itself, no lie",
				 self);
	snprintf(l->whose, sizeof(l->whose), "%s in the table",
		 dev->table ? mint_node_state_name(dev->table->node[l->value].state) : "unknown");
	return 0;
}

static int own_cpu_index(const struct mint_kexec_spec *spec, uint64_t apic_id)
{
	for (unsigned int i = 0; i < spec->nr_cpus; i++)
		if (spec->apic_ids[i] == apic_id)
			return (int)i;
	return -1;
}

/* node0's boot CPU, or --lie-arg APICID. */
static int resolve_cpu(struct lie *l, const struct mint_kexec_spec *spec,
		       const struct mint_dev *dev, struct mint_error *err)
{
	uint32_t owner;

	if (l->arg) {
		if (number(l->arg, MINT_MAX_CPUS - 1, &l->value))
			return mint_fail(err, MINT_E_INVALID,
					 "bad --lie-arg \"%s\" (an APIC ID 0..%d)", l->arg,
					 MINT_MAX_CPUS - 1);
	} else {
		if (!dev->table)
			return mint_fail(err, MINT_E_NOTFOUND,
					 "cpu: no table (give --lie-arg APICID)");
		l->value = dev->table->node[0].boot_cpu;
	}
	if (own_cpu_index(spec, l->value) >= 0)
		return mint_fail(err, MINT_E_INVALID,
				 "cpu: APIC ID %llu is one of node%u's own CPUs, no lie",
				 (unsigned long long)l->value, spec->node_id);
	owner = mint_dev_cpu_owner(dev, (unsigned)l->value);
	if (owner == 0 && dev->table && dev->table->node[0].boot_cpu == l->value)
		snprintf(l->whose, sizeof(l->whose), "node0's boot CPU");
	else
		whose(l->whose, sizeof(l->whose), owner, "");
	return 0;
}

/* The node's second CPU, or --lie-arg APICID (one of the node's others): its index goes first. */
static int resolve_bootcpu(struct lie *l, const struct mint_kexec_spec *spec,
			   struct mint_error *err)
{
	uint64_t id;
	int i;

	if (spec->nr_cpus < 2)
		return mint_fail(err, MINT_E_INVALID,
				 "bootcpu: node%u has %u CPU; the lie needs 2 or more (--cpus A,B)",
				 spec->node_id, spec->nr_cpus);
	if (!l->arg) {
		l->value = 1;
		return 0;
	}
	if (number(l->arg, MINT_MAX_CPUS - 1, &id))
		return mint_fail(err, MINT_E_INVALID, "bad --lie-arg \"%s\" (an APIC ID)", l->arg);
	i = own_cpu_index(spec, id);
	if (i <= 0)
		return mint_fail(err, MINT_E_INVALID,
				 "bootcpu: APIC ID %llu is not one of node%u's other CPUs",
				 (unsigned long long)id, spec->node_id);
	l->value = (uint64_t)i;
	return 0;
}

/* The first PCI function of another node in the table, or --lie-arg BDF. */
static int resolve_pci(struct lie *l, uint32_t self, const struct mint_dev *dev,
		       struct mint_error *err)
{
	uint32_t n = dev->table ? dev->table->nr_pci : 0;
	struct mint_bdf bdf;

	if (l->arg) {
		if (mint_parse_bdf(l->arg, &bdf, err))
			return -1;
		l->value = mint_bdf_res_id(&bdf);
		whose(l->whose, sizeof(l->whose), mint_dev_pci_owner(dev, &bdf), "");
		return 0;
	}
	for (uint32_t i = 0; i < n && i < MINT_MAX_PCI; i++) {
		const volatile struct mint_pci_entry *p = &dev->table->pci[i];
		uint32_t owner = p->owner;

		if (owner == self || owner == MINT_OWNER_FREE || owner == MINT_OWNER_NONE)
			continue;
		l->value = (uint64_t)p->segment << 16 | (uint64_t)p->bus << 8 | p->devfn;
		whose(l->whose, sizeof(l->whose), owner, "");
		return 0;
	}
	return mint_fail(err, MINT_E_NOTFOUND,
			 "pci: no PCI function of another node in the table (give --lie-arg BDF)");
}

int lie_resolve(struct lie *l, const struct mint_kexec_spec *spec, const struct mint_dev *dev,
		struct mint_error *err)
{
	l->whose[0] = '\0';
	l->told[0] = '\0';
	l->value = 0;
	switch (l->kind) {
	case LIE_E820:
	case LIE_INITRD:
	case LIE_CMDLINE:
	case LIE_SETUP_DATA:
		return resolve_block(l, spec->node_id, dev, err);
	case LIE_NODE:
		return resolve_node(l, spec->node_id, dev, err);
	case LIE_CPU:
		return resolve_cpu(l, spec, dev, err);
	case LIE_BOOTCPU:
		return resolve_bootcpu(l, spec, err);
	case LIE_PCI:
		return resolve_pci(l, spec->node_id, dev, err);
	case LIE_KERNEL:
		/* The default depends on where the kernel goes: lie_apply() works it out. */
		if (l->arg && number(l->arg, UINT32_MAX, &l->value))
			return mint_fail(err, MINT_E_INVALID,
					 "bad --lie-arg \"%s\" (an init_size below 4G)", l->arg);
		return 0;
	default:
		return mint_fail(err, MINT_E_INVALID, "unknown lie %d", (int)l->kind);
	}
}

/* Insert a RAM entry in address order, as a real loader would sort its map. */
static int add_e820(struct boot_params *bp, uint64_t addr, uint64_t size, struct mint_error *err)
{
	unsigned int n = bp->e820_entries, i;

	if (n >= sizeof(bp->e820_table) / sizeof(bp->e820_table[0]))
		return mint_fail(err, MINT_E_INVALID, "e820: the map is full");
	for (i = n; i > 0 && bp->e820_table[i - 1].addr > addr; i--)
		bp->e820_table[i] = bp->e820_table[i - 1];
	bp->e820_table[i].addr = addr;
	bp->e820_table[i].size = size;
	bp->e820_table[i].type = E820_RAM;
	bp->e820_entries = (uint8_t)(n + 1);
	return 0;
}

static void cpu_list(const struct mint_boot_info *info, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < info->nr_cpus && off < len; i++)
		off +=
		    (size_t)snprintf(buf + off, len - off, "%s%u", i ? "," : "", info->apic_ids[i]);
}

static int apply_kernel(struct lie *l, const struct mint_kexec_spec *spec, uint64_t block_size,
			struct boot_params *bp, struct mint_layout *lay, struct mint_error *err)
{
	uint64_t end = spec->mem_base + spec->mem_size;
	uint64_t size = l->value;

	/* Default: one block (or the rest of the node plus one block) past the node's end. */
	if (!l->arg)
		size = end - lay->kernel + block_size;
	if (size > UINT32_MAX)
		return mint_fail(err, MINT_E_INVALID,
				 "kernel: init_size 0x%llx does not fit 32 bits",
				 (unsigned long long)size);
	bp->hdr.init_size = htole32((uint32_t)size);
	lay->kernel_end = lay->kernel + size;
	if (lay->kernel_end > end)
		snprintf(l->told, sizeof(l->told),
			 "kernel: init_size 0x%llx: " RANGE_FMT " runs 0x%llx bytes past node%u's "
			 "memory " RANGE_FMT,
			 (unsigned long long)size, RANGE(lay->kernel, size),
			 (unsigned long long)(lay->kernel_end - end), spec->node_id,
			 RANGE(spec->mem_base, spec->mem_size));
	else
		snprintf(l->told, sizeof(l->told),
			 "kernel: init_size 0x%llx: " RANGE_FMT
			 " stays inside node%u's memory " RANGE_FMT " (no lie with this --lie-arg)",
			 (unsigned long long)size, RANGE(lay->kernel, size), spec->node_id,
			 RANGE(spec->mem_base, spec->mem_size));
	return 0;
}

int lie_apply(struct lie *l, const struct mint_kexec_spec *spec, uint64_t block_size,
	      uint8_t *boot_params, uint8_t *setup_data, struct mint_layout *lay,
	      struct mint_error *err)
{
	struct boot_params *bp = (struct boot_params *)boot_params;
	struct mint_boot_info *info =
	    (struct mint_boot_info *)((struct setup_data *)setup_data)->data;
	unsigned long long v = l->value;
	uint32_t tmp, self = spec->node_id;
	char cpus[MINT_BOOT_MAX_CPUS * 4];
	struct mint_bdf bdf;
	char name[MINT_BDF_STRLEN];

	if (!block_size)
		block_size = BLOCK_FALLBACK;
	switch (l->kind) {
	case LIE_E820:
		if (add_e820(bp, l->value, block_size, err))
			return -1;
		snprintf(l->told, sizeof(l->told),
			 "e820: added RAM " RANGE_FMT " (%s) to node%u's map",
			 RANGE(l->value, block_size), l->whose, self);
		return 0;
	case LIE_NODE:
		info->node_id = (uint32_t)l->value;
		snprintf(l->told, sizeof(l->told),
			 "node: the record says node%llu (%s), the node is node%u", v, l->whose,
			 self);
		return 0;
	case LIE_CPU:
		if (info->nr_cpus >= MINT_BOOT_MAX_CPUS)
			return mint_fail(err, MINT_E_INVALID,
					 "cpu: the record has no room for a CPU");
		info->apic_ids[info->nr_cpus++] = (uint32_t)l->value;
		cpu_list(info, cpus, sizeof(cpus));
		snprintf(l->told, sizeof(l->told),
			 "cpu: added APIC ID %llu (%s) to node%u's CPUs, the record says %s", v,
			 l->whose, self, cpus);
		return 0;
	case LIE_BOOTCPU:
		tmp = info->apic_ids[0];
		info->apic_ids[0] = info->apic_ids[l->value];
		info->apic_ids[l->value] = tmp;
		snprintf(
		    l->told, sizeof(l->told),
		    "bootcpu: the record says node%u boots on APIC ID %u, START wakes APIC ID %u",
		    self, info->apic_ids[0], spec->apic_ids[0]);
		return 0;
	case LIE_PCI:
		if (info->nr_pci >= MINT_BOOT_MAX_PCI)
			return mint_fail(err, MINT_E_INVALID,
					 "pci: the record has no room for a PCI function");
		bdf = mint_bdf_from_devfn((uint16_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v);
		info->pci[info->nr_pci].segment = bdf.domain;
		info->pci[info->nr_pci].bus = bdf.bus;
		info->pci[info->nr_pci].devfn = (uint8_t)v;
		info->nr_pci++;
		mint_format_bdf(&bdf, name);
		snprintf(l->told, sizeof(l->told), "pci: added %s (%s) to node%u's PCI functions",
			 name, l->whose, self);
		return 0;
	case LIE_INITRD:
		bp->hdr.ramdisk_image = htole32((uint32_t)l->value);
		bp->ext_ramdisk_image = htole32((uint32_t)(l->value >> 32));
		/* Without an initrd the size is 0 and the kernel would not look: make it a page. */
		if (!bp->hdr.ramdisk_size && !bp->ext_ramdisk_size)
			bp->hdr.ramdisk_size = htole32(PAGE);
		snprintf(
		    l->told, sizeof(l->told),
		    "initrd: ramdisk_image 0x%llx (%s), %u bytes; node%u's memory is " RANGE_FMT, v,
		    l->whose, le32toh(bp->hdr.ramdisk_size), self,
		    RANGE(spec->mem_base, spec->mem_size));
		return 0;
	case LIE_CMDLINE:
		bp->hdr.cmd_line_ptr = htole32((uint32_t)l->value);
		bp->ext_cmd_line_ptr = htole32((uint32_t)(l->value >> 32));
		snprintf(l->told, sizeof(l->told),
			 "cmdline: cmd_line_ptr 0x%llx (%s); node%u's memory is " RANGE_FMT, v,
			 l->whose, self, RANGE(spec->mem_base, spec->mem_size));
		return 0;
	case LIE_KERNEL:
		return apply_kernel(l, spec, block_size, bp, lay, err);
	case LIE_SETUP_DATA:
		bp->hdr.setup_data = htole64(l->value);
		snprintf(l->told, sizeof(l->told),
			 "setup-data: hdr.setup_data 0x%llx (%s); node%u's memory is " RANGE_FMT
			 "; the Mint record stays at 0x%llx",
			 v, l->whose, self, RANGE(spec->mem_base, spec->mem_size),
			 (unsigned long long)lay->setup_data);
		return 0;
	default:
		return mint_fail(err, MINT_E_INVALID, "unknown lie %d", (int)l->kind);
	}
}
