// SPDX-License-Identifier: GPL-2.0
/* cmocka tests for the kexec-ext bzImage parser and boot_params builder. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <asm/bootparam.h>

#include "mint_kexec.h"

#define SETUP_SECTS 1
#define PAYLOAD	    8192
#define IMG_LEN	    ((SETUP_SECTS + 1) * 512 + PAYLOAD)

static uint8_t img[IMG_LEN];

static void put16(size_t off, uint16_t v)
{
	img[off] = (uint8_t)v;
	img[off + 1] = (uint8_t)(v >> 8);
}

static void put32(size_t off, uint32_t v)
{
	put16(off, (uint16_t)v);
	put16(off + 2, (uint16_t)(v >> 16));
}

/* A minimal, valid bzImage header (boot protocol 2.15). */
static int make_image(void **state)
{
	(void)state;
	memset(img, 0, sizeof(img));
	img[0x1f1] = SETUP_SECTS;
	put32(0x1f4, PAYLOAD / 16); /* syssize */
	put16(0x1fe, 0xaa55);
	img[0x200] = 0xeb;	  /* jmp */
	img[0x201] = 0x6a;	  /* header ends at 0x26c */
	put32(0x202, 0x53726448); /* HdrS */
	put16(0x206, 0x020f);
	img[0x211] = 0x01;	  /* LOADED_HIGH */
	put32(0x22c, 0x7fffffff); /* initrd_addr_max */
	put32(0x230, 0x200000);	  /* kernel_alignment */
	img[0x234] = 1;		  /* relocatable */
	put16(0x236, 0x3);	  /* XLF_KERNEL_64 | CAN_BE_LOADED_ABOVE_4G */
	put32(0x238, 2047);	  /* cmdline_size */
	put32(0x260, 0x1000000);  /* init_size */
	return 0;
}

static void parse_expect_error(size_t len, const char *needle)
{
	struct mint_bzimage bz;
	struct mint_error err = {0};

	assert_int_equal(mint_bzimage_parse(img, len, "test.img", &bz, &err), -1);
	assert_int_equal(err.kind, MINT_E_INVALID);
	assert_non_null(strstr(err.msg, "test.img"));
	if (!strstr(err.msg, needle))
		fail_msg("error \"%s\" does not mention \"%s\"", err.msg, needle);
}

static void test_valid(void **state)
{
	struct mint_bzimage bz;
	struct mint_error err = {0};

	(void)state;
	assert_int_equal(mint_bzimage_parse(img, IMG_LEN, "test.img", &bz, &err), 0);
	assert_int_equal(bz.version, 0x020f);
	assert_int_equal(bz.setup_size, 1024);
	assert_int_equal(bz.payload_offset, 1024);
	assert_int_equal(bz.payload_size, PAYLOAD);
	assert_int_equal(bz.init_size, 0x1000000);
	assert_int_equal(bz.kernel_alignment, 0x200000);
	assert_int_equal(bz.cmdline_size, 2047);
	assert_int_equal(bz.header_len, 0x26c - 0x1f1);
}

static void test_setup_sects_zero_means_four(void **state)
{
	struct mint_bzimage bz;
	struct mint_error err = {0};

	(void)state;
	img[0x1f1] = 0;
	put32(0x1f4, (IMG_LEN - 2560) / 16);
	assert_int_equal(mint_bzimage_parse(img, IMG_LEN, "t", &bz, &err), 0);
	assert_int_equal(bz.setup_size, 5 * 512);
}

static void test_bad_magic(void **state)
{
	(void)state;
	img[0x202] = 'X';
	parse_expect_error(IMG_LEN, "HdrS");
}

static void test_bad_boot_signature(void **state)
{
	(void)state;
	put16(0x1fe, 0);
	parse_expect_error(IMG_LEN, "0xaa55");
}

static void test_truncated_header(void **state)
{
	(void)state;
	parse_expect_error(0x100, "truncated");
}

static void test_truncated_payload(void **state)
{
	(void)state;
	parse_expect_error(IMG_LEN - 4096, "truncated");
}

static void test_no_payload(void **state)
{
	(void)state;
	parse_expect_error(1024, "truncated");
}

static void test_old_protocol(void **state)
{
	(void)state;
	put16(0x206, 0x020b);
	parse_expect_error(IMG_LEN, "2.11 is too old");
}

static void test_not_64bit(void **state)
{
	(void)state;
	put16(0x236, 0x2);
	parse_expect_error(IMG_LEN, "64-bit");
}

static void test_not_relocatable(void **state)
{
	(void)state;
	img[0x234] = 0;
	parse_expect_error(IMG_LEN, "relocatable");
}

static void test_zimage(void **state)
{
	(void)state;
	img[0x211] = 0;
	parse_expect_error(IMG_LEN, "zImage");
}

static struct mint_kexec_spec spec_node1(void)
{
	struct mint_kexec_spec s;

	memset(&s, 0, sizeof(s));
	s.node_id = 1;
	s.name = "node1";
	s.cmdline = "console=ttyS1";
	s.apic_ids[0] = 2;
	s.apic_ids[1] = 3;
	s.nr_cpus = 2;
	s.mem_base = 0x60000000;
	s.mem_size = 512ULL << 20;
	s.uart_port = 0x2f8;
	s.pci[0].segment = 0;
	s.pci[0].bus = 0;
	s.pci[0].devfn = 5 << 3;
	s.nr_pci = 1;
	return s;
}

static void test_layout(void **state)
{
	struct mint_kexec_spec s = spec_node1();
	struct mint_bzimage bz;
	struct mint_layout lay;
	struct mint_error err = {0};

	(void)state;
	assert_int_equal(mint_bzimage_parse(img, IMG_LEN, "t", &bz, &err), 0);
	assert_int_equal(mint_kexec_layout(&s, &bz, 1000000, &lay, &err), 0);
	assert_int_equal(lay.kernel, 0x60000000);
	assert_int_equal(lay.kernel_end, 0x61000000);
	assert_int_equal(lay.boot_params, 0x61000000);
	assert_int_equal(lay.cmdline, 0x61001000);
	assert_int_equal(lay.setup_data, 0x61002000);
	assert_true(lay.initrd >= lay.setup_data + MINT_SETUP_DATA_SIZE);
	assert_true(lay.initrd + lay.initrd_size <= 0x80000000ULL);
	assert_int_equal(lay.initrd % 4096, 0);

	/* Too little memory for init_size. */
	s.mem_size = 8 << 20;
	assert_int_not_equal(mint_kexec_layout(&s, &bz, 0, &lay, &err), 0);
	assert_non_null(strstr(err.msg, "too small"));

	/* The initrd does not fit. */
	s.mem_size = 32 << 20;
	assert_int_not_equal(mint_kexec_layout(&s, &bz, 64 << 20, &lay, &err), 0);
	assert_non_null(strstr(err.msg, "initrd"));
}

/*
 * Found by tests/fuzz (bzimage): node memory at the very top of the address
 * space wrapped the layout's sums around, and a kernel "at" 0 (or a kernel_end
 * below the kernel) was accepted below 4 GiB.
 */
static void test_layout_does_not_wrap(void **state)
{
	struct mint_kexec_spec s = spec_node1();
	struct mint_bzimage bz;
	struct mint_layout lay;
	struct mint_error err = {0};

	(void)state;
	assert_int_equal(mint_bzimage_parse(img, IMG_LEN, "t", &bz, &err), 0);
	s.mem_base = 0xffffffffffe00001ULL; /* aligned up to 2 MiB: 0 */
	s.mem_size = 0x1ffffe;
	assert_int_equal(mint_kexec_layout(&s, &bz, 0, &lay, &err), -1);
	assert_non_null(strstr(err.msg, "below 4 GiB"));
	assert_int_equal(lay.kernel, 0);

	put32(0x230, 1); /* kernel_alignment 1: the kernel at the base, its end wraps */
	assert_int_equal(mint_bzimage_parse(img, IMG_LEN, "t", &bz, &err), 0);
	s.mem_base = 0xffffffffffffff00ULL;
	s.mem_size = 0xff;
	assert_int_equal(mint_kexec_layout(&s, &bz, 0, &lay, &err), -1);
	assert_non_null(strstr(err.msg, "below 4 GiB"));

	s.mem_base = 0xfffffffff0000000ULL;
	s.mem_size = 0x8000000;
	assert_int_equal(mint_kexec_layout(&s, &bz, 0, &lay, &err), -1);
	assert_non_null(strstr(err.msg, "below 4 GiB"));
}

static void test_build(void **state)
{
	static uint8_t bpbuf[MINT_BOOT_PARAMS_SIZE], sdbuf[MINT_SETUP_DATA_SIZE];
	struct mint_kexec_spec s = spec_node1();
	struct mint_node_env env = {
	    .table_phys = 0x1fff0000,
	    .table_size = MINT_TABLE_SIZE,
	    .slot_phys = 0x80000,
	    .slot_size = MINT_LOW_SLOT_SIZE,
	    .mem_block_size = 128 << 20,
	    .tsc_khz = 2000000,
	    .lapic_khz = 1000000,
	};
	const struct boot_params *bp = (const void *)bpbuf;
	const struct setup_data *sd = (const void *)sdbuf;
	const struct mint_boot_info *info = (const void *)sd->data;
	struct mint_bzimage bz;
	struct mint_layout lay;
	struct mint_error err = {0};

	(void)state;
	assert_int_equal(mint_bzimage_parse(img, IMG_LEN, "t", &bz, &err), 0);
	assert_int_equal(mint_kexec_layout(&s, &bz, 4096, &lay, &err), 0);
	assert_int_equal(mint_kexec_build(&s, &bz, &lay, &env, bpbuf, sdbuf, &err), 0);

	/* Setup header copied from the image, loader fields filled in. */
	assert_int_equal(bp->hdr.version, 0x020f);
	assert_int_equal(bp->hdr.header, 0x53726448);
	assert_int_equal(bp->hdr.init_size, 0x1000000);
	assert_int_equal(bp->hdr.type_of_loader, 0xff);
	assert_true(bp->hdr.loadflags & LOADED_HIGH);
	assert_int_equal(bp->hdr.code32_start, 0x60000000);
	assert_int_equal(bp->hdr.cmd_line_ptr, lay.cmdline);
	assert_int_equal(bp->ext_cmd_line_ptr, 0);
	assert_int_equal(bp->hdr.ramdisk_image, lay.initrd);
	assert_int_equal(bp->hdr.ramdisk_size, 4096);
	assert_int_equal(bp->hdr.setup_data, lay.setup_data);

	/* e820: slot (RAM), table (reserved), node memory (RAM), sorted. */
	assert_int_equal(bp->e820_entries, 3);
	assert_int_equal(bp->e820_table[0].addr, 0x80000);
	assert_int_equal(bp->e820_table[0].size, MINT_LOW_SLOT_SIZE);
	assert_int_equal(bp->e820_table[0].type, 1);
	assert_int_equal(bp->e820_table[1].addr, 0x1fff0000);
	assert_int_equal(bp->e820_table[1].type, 2);
	assert_int_equal(bp->e820_table[2].addr, 0x60000000);
	assert_int_equal(bp->e820_table[2].size, 512ULL << 20);
	assert_int_equal(bp->e820_table[2].type, 1);

	/* The Mint record. */
	assert_int_equal(sd->type, 10); /* SETUP_MINT in the kernel's <asm/bootparam.h> */
	assert_int_equal(sd->next, 0);
	assert_int_equal(sd->len, sizeof(struct mint_boot_info));
	assert_int_equal(info->version, MINT_VERSION);
	assert_int_equal(info->node_id, 1);
	assert_string_equal(info->name, "node1");
	assert_int_equal(info->tsc_khz, 2000000);
	assert_int_equal(info->lapic_khz, 1000000);
	assert_int_equal(info->table_phys, 0x1fff0000);
	assert_int_equal(info->low_slot_phys, 0x80000);
	assert_int_equal(info->uart_port, 0x2f8);
	assert_int_equal(info->nr_cpus, 2);
	assert_int_equal(info->apic_ids[0], 2);
	assert_int_equal(info->apic_ids[1], 3);
	assert_int_equal(info->nr_pci, 1);
	assert_int_equal(info->pci[0].devfn, 5 << 3);

	/* No slot: refused. */
	env.slot_phys = 0;
	assert_int_not_equal(mint_kexec_build(&s, &bz, &lay, &env, bpbuf, sdbuf, &err), 0);
	assert_non_null(strstr(err.msg, "slot"));
}

/*
 * Found by tests/fuzz (bzimage): mint_kexec_build() copied nr_cpus APIC IDs
 * and nr_pci functions into the boot info record without checking the counts,
 * overflowing it (on the stack) for a spec mint_kexec_check() never saw.
 */
static void test_build_checks_the_counts(void **state)
{
	static uint8_t bpbuf[MINT_BOOT_PARAMS_SIZE], sdbuf[MINT_SETUP_DATA_SIZE];
	struct mint_kexec_spec s = spec_node1();
	struct mint_node_env env = {.slot_phys = 0x80000, .slot_size = MINT_LOW_SLOT_SIZE};
	struct mint_bzimage bz;
	struct mint_layout lay;
	struct mint_error err = {0};

	(void)state;
	assert_int_equal(mint_bzimage_parse(img, IMG_LEN, "t", &bz, &err), 0);
	assert_int_equal(mint_kexec_layout(&s, &bz, 0, &lay, &err), 0);
	s.nr_cpus = MINT_KEXEC_MAX_CPUS + 1;
	assert_int_equal(mint_kexec_build(&s, &bz, &lay, &env, bpbuf, sdbuf, &err), -1);
	assert_int_equal(err.kind, MINT_E_INVALID);
	assert_non_null(strstr(err.msg, "CPUs"));
	s.nr_cpus = 0;
	assert_int_equal(mint_kexec_build(&s, &bz, &lay, &env, bpbuf, sdbuf, &err), -1);
	s.nr_cpus = 2;
	s.nr_pci = MINT_KEXEC_MAX_PCI + 1;
	assert_int_equal(mint_kexec_build(&s, &bz, &lay, &env, bpbuf, sdbuf, &err), -1);
	assert_non_null(strstr(err.msg, "PCI"));
	s.nr_pci = MINT_KEXEC_MAX_PCI;
	assert_int_equal(mint_kexec_build(&s, &bz, &lay, &env, bpbuf, sdbuf, &err), 0);
	s.node_id = MINT_MAX_NODES;
	assert_int_equal(mint_kexec_build(&s, &bz, &lay, &env, bpbuf, sdbuf, &err), -1);
	assert_non_null(strstr(err.msg, "node id"));
}

static void test_check_rejects_before_touching(void **state)
{
	struct mint_kexec_spec s = spec_node1();
	struct mint_kexec_image im;
	struct mint_error err = {0};

	(void)state;
	s.kernel_path = "/nonexistent/bzImage";
	assert_int_equal(mint_kexec_check(&s, &im, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/bzImage"));
	/* A failed open is reported the way libmint does: kind, and the errno kept. */
	assert_int_equal(err.kind, MINT_E_NOTFOUND);
	assert_int_equal(err.errnum, ENOENT);
	assert_null(im.kernel);

	s.node_id = 0;
	assert_int_equal(mint_kexec_check(&s, &im, &err), -1);
	assert_non_null(strstr(err.msg, "node id"));
	assert_int_equal(err.kind, MINT_E_INVALID);
}

/* Write @len bytes of @buf to a new temporary file; its path goes to @path. */
static void write_temp(char path[64], const void *buf, size_t len)
{
	int fd;

	snprintf(path, 64, "/tmp/test_kexec-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

/*
 * mint_kexec_check() reads the kernel and the initrd once; mint_kexec_boot()
 * works from those buffers: with both files gone it gets as far as /dev/mint.
 */
static void test_check_reads_once_boot_uses_buffers(void **state)
{
	static const char initrd[] = "070701 an initrd";
	struct mint_kexec_spec s = spec_node1();
	char kpath[64], ipath[64];
	struct mint_kexec_image im;
	struct mint_error err = {0};

	(void)state;
	write_temp(kpath, img, IMG_LEN);
	write_temp(ipath, initrd, sizeof(initrd));
	s.kernel_path = kpath;
	s.initrd_path = ipath;
	s.dev_path = "/nonexistent/mint";
	assert_int_equal(mint_kexec_check(&s, &im, &err), 0);
	assert_int_equal(im.kernel_len, IMG_LEN);
	assert_memory_equal(im.kernel, img, IMG_LEN);
	assert_int_equal(im.bz.payload_size, PAYLOAD);
	assert_int_equal(im.initrd_len, sizeof(initrd));
	assert_memory_equal(im.initrd, initrd, sizeof(initrd));
	unlink(kpath);
	unlink(ipath);

	assert_int_equal(mint_kexec_boot(&s, &im, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/mint"));
	assert_int_equal(err.errnum, ENOENT);
	mint_kexec_image_free(&im);
	assert_null(im.kernel);
	assert_null(im.initrd);
}

static void test_check_rejects_empty_initrd_and_long_cmdline(void **state)
{
	struct mint_kexec_spec s = spec_node1();
	char kpath[64], ipath[64], cmdline[4096];
	struct mint_kexec_image im;
	struct mint_error err = {0};

	(void)state;
	write_temp(kpath, img, IMG_LEN);
	write_temp(ipath, "", 0);
	s.kernel_path = kpath;
	s.initrd_path = ipath;
	assert_int_equal(mint_kexec_check(&s, &im, &err), -1);
	assert_non_null(strstr(err.msg, "initrd is empty"));
	assert_null(im.kernel); /* nothing is kept after a failure */

	s.initrd_path = NULL;
	memset(cmdline, 'x', sizeof(cmdline) - 1);
	cmdline[sizeof(cmdline) - 1] = '\0';
	s.cmdline = cmdline;
	assert_int_equal(mint_kexec_check(&s, &im, &err), -1);
	assert_non_null(strstr(err.msg, "accepts 2047"));
	unlink(kpath);
	unlink(ipath);
}

/* boot_params gets the setup header as the file has it, and nothing past its length. */
static void test_header_copied_through_setup_header(void **state)
{
	static uint8_t bpbuf[MINT_BOOT_PARAMS_SIZE], sdbuf[MINT_SETUP_DATA_SIZE];
	struct mint_kexec_spec s = spec_node1();
	struct mint_node_env env = {.slot_phys = 0x80000, .slot_size = MINT_LOW_SLOT_SIZE};
	const struct boot_params *bp = (const void *)bpbuf;
	struct mint_bzimage bz;
	struct mint_layout lay;
	struct mint_error err = {0};

	(void)state;
	put32(0x264, 0x12345678); /* handover_offset: inside the header (ends at 0x26c) */
	put32(0x268, 0x9abcdef0); /* kernel_info_offset */
	assert_int_equal(mint_bzimage_parse(img, IMG_LEN, "t", &bz, &err), 0);
	assert_int_equal(bz.hdr.handover_offset, 0x12345678);
	assert_int_equal(bz.hdr.kernel_info_offset, 0x9abcdef0);

	/* A 2.12 header ends at 0x268: kernel_info_offset is setup code, not header. */
	img[0x201] = 0x66;
	assert_int_equal(mint_bzimage_parse(img, IMG_LEN, "t", &bz, &err), 0);
	assert_int_equal(bz.header_len, 0x268 - 0x1f1);
	assert_int_equal(bz.hdr.handover_offset, 0x12345678);
	assert_int_equal(bz.hdr.kernel_info_offset, 0);
	assert_int_equal(mint_kexec_layout(&s, &bz, 0, &lay, &err), 0);
	assert_int_equal(mint_kexec_build(&s, &bz, &lay, &env, bpbuf, sdbuf, &err), 0);
	assert_int_equal(bp->hdr.handover_offset, 0x12345678);
	assert_int_equal(bp->hdr.kernel_info_offset, 0);
	assert_int_equal(bp->hdr.syssize, PAYLOAD / 16);
	assert_int_equal(bp->hdr.boot_flag, 0xaa55);
}

/* The shared ABI must keep its layout. */
_Static_assert(sizeof(struct mint_table) <= MINT_TABLE_SIZE, "table fits");
_Static_assert(offsetof(struct mint_table, cpu) == 64, "cpu[] offset");
_Static_assert(sizeof(struct mint_cpu_entry) == 16, "cpu entry");
_Static_assert(sizeof(struct mint_mem_entry) == 16, "mem entry");
_Static_assert(sizeof(struct mint_pci_entry) == 8, "pci entry");
_Static_assert(sizeof(struct mint_node_entry) == 80, "node entry");
_Static_assert(offsetof(struct mint_boot_info, apic_ids) == 88, "apic_ids");
_Static_assert(sizeof(struct mint_boot_info) == 88 + 4 * 64 + 4 * 32, "boot info");

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_valid, make_image),
	    cmocka_unit_test_setup(test_setup_sects_zero_means_four, make_image),
	    cmocka_unit_test_setup(test_bad_magic, make_image),
	    cmocka_unit_test_setup(test_bad_boot_signature, make_image),
	    cmocka_unit_test_setup(test_truncated_header, make_image),
	    cmocka_unit_test_setup(test_truncated_payload, make_image),
	    cmocka_unit_test_setup(test_no_payload, make_image),
	    cmocka_unit_test_setup(test_old_protocol, make_image),
	    cmocka_unit_test_setup(test_not_64bit, make_image),
	    cmocka_unit_test_setup(test_not_relocatable, make_image),
	    cmocka_unit_test_setup(test_zimage, make_image),
	    cmocka_unit_test_setup(test_layout, make_image),
	    cmocka_unit_test_setup(test_layout_does_not_wrap, make_image),
	    cmocka_unit_test_setup(test_build, make_image),
	    cmocka_unit_test_setup(test_build_checks_the_counts, make_image),
	    cmocka_unit_test_setup(test_check_rejects_before_touching, make_image),
	    cmocka_unit_test_setup(test_check_reads_once_boot_uses_buffers, make_image),
	    cmocka_unit_test_setup(test_check_rejects_empty_initrd_and_long_cmdline, make_image),
	    cmocka_unit_test_setup(test_header_copied_through_setup_header, make_image),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
