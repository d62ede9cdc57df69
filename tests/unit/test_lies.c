// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for the lies of the e2e loader mint-liar (tests/e2e/tools/lies.c):
 * the default targets it picks from a made-up resource table, and what each
 * lie changes in the boot_params, Mint record and layout kexec-ext built.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <asm/bootparam.h>

#include "lies.h"

#define BLOCK	 (128ULL << 20)
#define SLOT	 0x80000ULL
#define NODE_MEM 0x60000000ULL

static struct mint_table *table;
static struct mint_dev dev;
static struct mint_kexec_spec spec;
static uint8_t bp_buf[MINT_BOOT_PARAMS_SIZE], sd_buf[MINT_SETUP_DATA_SIZE];
static struct boot_params *bp = (struct boot_params *)bp_buf;
static struct mint_boot_info *info;
static struct mint_layout lay;

/*
 * 16 blocks of 128M: node0 owns 0-7, 8-11 are FREE, 12-15 (0x60000000) are
 * node1's; APIC IDs 0-1 node0 (boot CPU 0), 2-3 node1; node0 owns PCI 00:03.0
 * and 00:04.0, node1 00:05.0; node2 runs, the rest is unused.
 */
static int setup(void **state)
{
	(void)state;
	table = calloc(1, sizeof(*table));
	assert_non_null(table);
	table->magic = MINT_TABLE_MAGIC;
	table->mem_block_size = BLOCK;
	table->nr_mem_blocks = 16;
	for (unsigned int i = 0; i < 16; i++) {
		table->mem[i].base = i * BLOCK;
		table->mem[i].owner = i < 8 ? 0 : i < 12 ? MINT_OWNER_FREE : 1;
	}
	for (unsigned int i = 0; i < MINT_MAX_CPUS; i++)
		table->cpu[i].owner = i < 2 ? 0 : i < 4 ? 1 : MINT_OWNER_NONE;
	table->nr_pci = 3;
	table->pci[0] = (struct mint_pci_entry){.devfn = 3 << 3, .owner = 0};
	table->pci[1] = (struct mint_pci_entry){.devfn = 4 << 3, .owner = 0};
	table->pci[2] = (struct mint_pci_entry){.devfn = 5 << 3, .owner = 1};
	table->node[0].state = MINT_NODE_RUNNING;
	table->node[0].boot_cpu = 0;
	table->node[1].state = MINT_NODE_LOADING;
	table->node[2].state = MINT_NODE_RUNNING;
	mint_dev_attach_table(&dev, table, 0);

	memset(&spec, 0, sizeof(spec));
	spec.node_id = 1;
	spec.apic_ids[0] = 2;
	spec.apic_ids[1] = 3;
	spec.nr_cpus = 2;
	spec.mem_base = NODE_MEM;
	spec.mem_size = 4 * BLOCK;
	spec.pci[0].devfn = 5 << 3;
	spec.nr_pci = 1;

	/* What mint_kexec_build() would hand node1 (the fields the lies touch). */
	memset(bp_buf, 0, sizeof(bp_buf));
	memset(sd_buf, 0, sizeof(sd_buf));
	lay = (struct mint_layout){.kernel = NODE_MEM,
				   .kernel_end = NODE_MEM + 0x1000000,
				   .boot_params = NODE_MEM + 0x1000000,
				   .cmdline = NODE_MEM + 0x1001000,
				   .setup_data = NODE_MEM + 0x1002000};
	bp->hdr.init_size = 0x1000000;
	bp->hdr.cmd_line_ptr = (uint32_t)lay.cmdline;
	bp->hdr.setup_data = lay.setup_data;
	bp->e820_entries = 2;
	bp->e820_table[0] = (struct boot_e820_entry){.addr = SLOT, .size = 0x10000, .type = 1};
	bp->e820_table[1] =
	    (struct boot_e820_entry){.addr = NODE_MEM, .size = spec.mem_size, .type = 1};
	info = (struct mint_boot_info *)((struct setup_data *)sd_buf)->data;
	info->node_id = 1;
	info->nr_cpus = 2;
	info->apic_ids[0] = 2;
	info->apic_ids[1] = 3;
	info->nr_pci = 1;
	info->pci[0].devfn = 5 << 3;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(table);
	return 0;
}

/* Resolve and apply @kind (with @arg); the lie's told line must contain @needle. */
static struct lie tell(enum lie_kind kind, const char *arg, const char *needle)
{
	struct lie l = {.kind = kind, .arg = arg};
	struct mint_error err = {0};

	if (lie_resolve(&l, &spec, &dev, &err))
		fail_msg("resolve: %s", err.msg);
	if (lie_apply(&l, &spec, BLOCK, bp_buf, sd_buf, &lay, &err))
		fail_msg("apply: %s", err.msg);
	if (!strstr(l.told, needle))
		fail_msg("\"%s\" lacks \"%s\"", l.told, needle);
	return l;
}

static void test_kind_names(void **state)
{
	(void)state;
	for (int k = 0; k < LIE_COUNT; k++)
		assert_int_equal(lie_kind_parse(lie_kind_name((enum lie_kind)k)), k);
	assert_int_equal(lie_kind_parse("setup-data"), LIE_SETUP_DATA);
	assert_int_equal(lie_kind_parse("nonsense"), -1);
}

/* Block 0 is skipped: an address of 0 means "none" in boot_params. */
static void test_e820_default_is_another_nodes_first_block(void **state)
{
	(void)state;
	tell(LIE_E820, NULL,
	     "e820: added RAM [0x8000000-0xfffffff] (node0's block) to node1's map");
	/* Inserted in address order, after the slot, before the node's memory. */
	assert_int_equal(bp->e820_entries, 3);
	assert_int_equal(bp->e820_table[0].addr, SLOT);
	assert_int_equal(bp->e820_table[1].addr, BLOCK);
	assert_int_equal(bp->e820_table[1].size, BLOCK);
	assert_int_equal(bp->e820_table[1].type, 1);
	assert_int_equal(bp->e820_table[2].addr, NODE_MEM);
}

static void test_e820_skips_free_blocks_and_takes_an_address(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < 8; i++)
		table->mem[i].owner = MINT_OWNER_FREE;
	table->mem[10].owner = 2; /* the first block of another node is node2's */
	tell(LIE_E820, NULL, "[0x50000000-0x57ffffff] (node2's block)");
	assert_int_equal(bp->e820_table[1].addr, 0x50000000);

	tell(LIE_E820, "0x48000000", "[0x48000000-0x4fffffff] (FREE)");
}

static void test_e820_without_another_nodes_block_fails(void **state)
{
	struct lie l = {.kind = LIE_E820};
	struct mint_error err = {0};

	(void)state;
	for (unsigned int i = 0; i < 12; i++)
		table->mem[i].owner = MINT_OWNER_FREE;
	assert_int_equal(lie_resolve(&l, &spec, &dev, &err), -1);
	assert_non_null(strstr(err.msg, "--lie-arg ADDR"));
}

static void test_node(void **state)
{
	(void)state;
	/* node2 runs: the lowest unused id above 1 is 3. */
	tell(LIE_NODE, NULL, "the record says node3 (unused in the table), the node is node1");
	assert_int_equal(info->node_id, 3);
	tell(LIE_NODE, "2", "node2 (running in the table)");
	assert_int_equal(info->node_id, 2);
}

static void test_cpu(void **state)
{
	struct lie l = {.kind = LIE_CPU, .arg = "3"};
	struct mint_error err = {0};

	(void)state;
	tell(LIE_CPU, NULL,
	     "added APIC ID 0 (node0's boot CPU) to node1's CPUs, the record says 2,3,0");
	assert_int_equal(info->nr_cpus, 3);
	assert_int_equal(info->apic_ids[2], 0);
	/* One of its own is no lie. */
	assert_int_equal(lie_resolve(&l, &spec, &dev, &err), -1);
	assert_non_null(strstr(err.msg, "own"));
}

static void test_bootcpu(void **state)
{
	struct lie l = {.kind = LIE_BOOTCPU};
	struct mint_error err = {0};

	(void)state;
	tell(LIE_BOOTCPU, NULL, "the record says node1 boots on APIC ID 3, START wakes APIC ID 2");
	assert_int_equal(info->apic_ids[0], 3);
	assert_int_equal(info->apic_ids[1], 2);
	spec.nr_cpus = 1;
	assert_int_equal(lie_resolve(&l, &spec, &dev, &err), -1);
	assert_non_null(strstr(err.msg, "2 or more"));
}

static void test_pci(void **state)
{
	(void)state;
	tell(LIE_PCI, NULL, "pci: added 0000:00:03.0 (node0's) to node1's PCI functions");
	assert_int_equal(info->nr_pci, 2);
	assert_int_equal(info->pci[1].devfn, 3 << 3);
	tell(LIE_PCI, "00:04.0", "0000:00:04.0 (node0's)");
	assert_int_equal(info->pci[2].devfn, 4 << 3);
}

static void test_pointers(void **state)
{
	(void)state;
	tell(LIE_INITRD, NULL, "initrd: ramdisk_image 0x8000000 (node0's block), 4096 bytes");
	assert_int_equal(bp->hdr.ramdisk_image, BLOCK);
	assert_int_equal(bp->hdr.ramdisk_size, 4096);
	tell(LIE_CMDLINE, "0x8000000", "cmdline: cmd_line_ptr 0x8000000 (node0's block)");
	assert_int_equal(bp->hdr.cmd_line_ptr, 0x8000000);
	assert_int_equal(bp->ext_cmd_line_ptr, 0);
	tell(LIE_SETUP_DATA, "0x123456789",
	     "setup-data: hdr.setup_data 0x123456789 (not in the table)");
	assert_int_equal(bp->hdr.setup_data, 0x123456789ULL);
}

static void test_kernel(void **state)
{
	(void)state;
	/* The node's 512M from the kernel on, plus one block. */
	tell(LIE_KERNEL, NULL,
	     "kernel: init_size 0x28000000: [0x60000000-0x87ffffff] runs 0x8000000 bytes past "
	     "node1's memory [0x60000000-0x7fffffff]");
	assert_int_equal(bp->hdr.init_size, 0x28000000);
	assert_int_equal(lay.kernel_end, 0x88000000);
	tell(LIE_KERNEL, "0x2000000", "stays inside");
	assert_int_equal(bp->hdr.init_size, 0x2000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_kind_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_e820_default_is_another_nodes_first_block, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_e820_skips_free_blocks_and_takes_an_address, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_e820_without_another_nodes_block_fails, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_node, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cpu, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bootcpu, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pci, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pointers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_kernel, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
