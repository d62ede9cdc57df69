// SPDX-License-Identifier: GPL-2.0
/*
 * kexec-ext's bzImage checks and what is built from a parsed image
 * (kexec-ext/mint_kexec.c): mint_bzimage_parse(), then mint_kexec_layout()
 * and mint_kexec_build() on the parsed header with a node spec taken from
 * the input. Input: a struct fuzz_spec (FUZZ_SPEC_SIZE bytes, little
 * endian), then the bzImage.
 * What is checked: the parsed values agree with the file; a layout that is
 * accepted puts every segment inside the node's memory, in order, without
 * overlaps, aligned, and the kernel and boot_params below 4 GiB; the built
 * boot_params carry the image's header and the layout.
 */
#include "fuzz.h"

#include <endian.h>

#include "mint_kexec.h"

#define FUZZ_SPEC_SIZE 40
#define PAGE	       4096ULL

struct fuzz_spec {
	uint64_t mem_base, mem_size, initrd_size, table_phys;
	uint16_t cmdline_len;
	uint16_t slot_phys; /* in 16-byte units: below 1 MiB */
	uint8_t node_id, nr_cpus, nr_pci, slot_pages;
};

static struct fuzz_spec take_spec(const uint8_t **data, size_t *size)
{
	struct fuzz_spec f;

	f.mem_base = fuzz_take(data, size, 8);
	f.mem_size = fuzz_take(data, size, 8);
	f.initrd_size = fuzz_take(data, size, 8);
	f.table_phys = fuzz_take(data, size, 8);
	f.cmdline_len = (uint16_t)fuzz_take(data, size, 2);
	f.slot_phys = (uint16_t)fuzz_take(data, size, 2);
	f.node_id = (uint8_t)fuzz_take(data, size, 1);
	f.nr_cpus = (uint8_t)fuzz_take(data, size, 1);
	f.nr_pci = (uint8_t)fuzz_take(data, size, 1);
	f.slot_pages = (uint8_t)fuzz_take(data, size, 1);
	return f;
}

static void check_image(const uint8_t *buf, size_t len, const struct mint_bzimage *bz)
{
	const uint8_t *hdr = (const uint8_t *)&bz->hdr;
	size_t copied = bz->header_len < sizeof(bz->hdr) ? bz->header_len : sizeof(bz->hdr);

	FUZZ_CHECK(bz->setup_size == (bz->setup_sects + 1U) * 512U && bz->setup_sects,
		   "setup %u for %u sectors", bz->setup_size, bz->setup_sects);
	FUZZ_CHECK(bz->payload_offset == bz->setup_size && bz->payload_offset < len &&
		       bz->payload_offset + bz->payload_size == len,
		   "payload %u+%llu of %zu", bz->payload_offset,
		   (unsigned long long)bz->payload_size, len);
	FUZZ_CHECK(bz->kernel_alignment && !(bz->kernel_alignment & (bz->kernel_alignment - 1)),
		   "alignment %#x", bz->kernel_alignment);
	FUZZ_CHECK(bz->init_size >= bz->payload_size, "init_size");
	FUZZ_CHECK(MINT_BZIMAGE_HDR_OFF + bz->header_len <= len, "header past the file");
	FUZZ_CHECK(bz->version >= 0x020c, "protocol %#x", bz->version);
	FUZZ_CHECK(!memcmp(hdr, buf + MINT_BZIMAGE_HDR_OFF, copied), "header differs from file");
	for (size_t i = copied; i < sizeof(bz->hdr); i++)
		FUZZ_CHECK(!hdr[i], "header byte %zu past its length is not zero", i);
	FUZZ_CHECK(le32toh(bz->hdr.header) == 0x53726448, "HdrS");
	FUZZ_CHECK(le32toh(bz->hdr.init_size) == bz->init_size, "init_size field");
}

static void check_layout(const struct mint_kexec_spec *s, const struct mint_bzimage *bz,
			 uint64_t initrd_size, const struct mint_layout *l)
{
	uint64_t end = s->mem_base + s->mem_size;
	uint64_t cmdlen = s->cmdline ? strlen(s->cmdline) + 1 : 1;
	uint64_t sd_end = l->setup_data + MINT_SETUP_DATA_SIZE;

	FUZZ_CHECK(end > s->mem_base, "memory %#llx+%#llx wraps", (unsigned long long)s->mem_base,
		   (unsigned long long)s->mem_size);
	FUZZ_CHECK(l->kernel >= s->mem_base && l->kernel % bz->kernel_alignment == 0,
		   "kernel %#llx for memory at %#llx", (unsigned long long)l->kernel,
		   (unsigned long long)s->mem_base);
	FUZZ_CHECK(l->kernel_end == l->kernel + bz->init_size && l->kernel_end > l->kernel,
		   "kernel_end");
	FUZZ_CHECK(l->boot_params >= l->kernel_end && l->boot_params % PAGE == 0, "boot_params");
	FUZZ_CHECK(l->cmdline == l->boot_params + PAGE, "cmdline");
	FUZZ_CHECK(l->setup_data >= l->cmdline + cmdlen && l->setup_data % PAGE == 0, "setup_data");
	FUZZ_CHECK(sd_end > l->setup_data && sd_end <= end, "setup_data %#llx past %#llx",
		   (unsigned long long)sd_end, (unsigned long long)end);
	FUZZ_CHECK(l->kernel + 0x200 < (1ULL << 32) && sd_end <= (1ULL << 32), "above 4 GiB");
	FUZZ_CHECK(l->initrd_size == initrd_size, "initrd size");
	if (!initrd_size) {
		FUZZ_CHECK(!l->initrd, "an initrd address without an initrd");
		return;
	}
	FUZZ_CHECK(l->initrd % PAGE == 0 && l->initrd >= sd_end, "initrd %#llx overlaps",
		   (unsigned long long)l->initrd);
	FUZZ_CHECK(l->initrd + initrd_size > l->initrd && l->initrd + initrd_size <= end,
		   "initrd past the node's memory");
	FUZZ_CHECK(l->initrd + initrd_size - 1 <= bz->initrd_addr_max, "initrd above its maximum");
}

static void check_build(const struct mint_kexec_spec *s, const struct mint_bzimage *bz,
			const struct mint_layout *l, const uint8_t *bpbuf, const uint8_t *sdbuf)
{
	const struct boot_params *bp = (const void *)bpbuf;
	const struct setup_data *sd = (const void *)sdbuf;
	const struct mint_boot_info *info = (const void *)sd->data;

	FUZZ_CHECK(bp->hdr.header == bz->hdr.header && bp->hdr.version == bz->hdr.version &&
		       bp->hdr.init_size == bz->hdr.init_size,
		   "header not copied");
	FUZZ_CHECK(bp->hdr.type_of_loader == 0xff && (bp->hdr.loadflags & LOADED_HIGH), "loader");
	FUZZ_CHECK(bp->hdr.code32_start == (uint32_t)l->kernel, "code32_start");
	FUZZ_CHECK(bp->hdr.cmd_line_ptr == (uint32_t)l->cmdline, "cmd_line_ptr");
	FUZZ_CHECK(bp->hdr.ramdisk_image == (uint32_t)l->initrd, "ramdisk_image");
	FUZZ_CHECK(bp->hdr.setup_data == l->setup_data, "setup_data");
	FUZZ_CHECK(bp->e820_entries >= 2 && bp->e820_entries <= 3, "%u e820 entries",
		   bp->e820_entries);
	FUZZ_CHECK(sd->type == SETUP_MINT && sd->len == sizeof(*info) && !sd->next, "setup_data");
	FUZZ_CHECK(info->node_id == s->node_id && info->nr_cpus == s->nr_cpus &&
		       info->nr_pci == s->nr_pci,
		   "boot info");
	FUZZ_CHECK(memchr(info->name, 0, sizeof(info->name)), "node name not terminated");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bpbuf[MINT_BOOT_PARAMS_SIZE], sdbuf[MINT_SETUP_DATA_SIZE];
	struct fuzz_spec f = take_spec(&data, &size);
	uint8_t *image = malloc(size ? size : 1);
	struct mint_kexec_spec s = {0};
	struct mint_node_env env = {0};
	struct mint_error err = {0};
	struct mint_bzimage bz;
	struct mint_layout lay;
	char *cmdline = NULL;

	/* The image in a buffer of exactly its size: ASan sees any read past it. */
	FUZZ_CHECK(image, "out of memory");
	memcpy(image, data, size);
	if (mint_bzimage_parse(image, size, "fuzz.img", &bz, &err)) {
		FUZZ_CHECK(err.kind == MINT_E_INVALID && strstr(err.msg, "fuzz.img"), "\"%s\"",
			   err.msg);
		goto out;
	}
	check_image(image, size, &bz);

	s.node_id = f.node_id;
	s.name = "node1";
	s.nr_cpus = f.nr_cpus;
	s.nr_pci = f.nr_pci;
	for (unsigned i = 0; i < MINT_KEXEC_MAX_CPUS; i++)
		s.apic_ids[i] = i;
	s.mem_base = f.mem_base;
	s.mem_size = f.mem_size;
	if (f.cmdline_len % 4) { /* else no command line at all */
		cmdline = malloc(f.cmdline_len + 1U);
		FUZZ_CHECK(cmdline, "out of memory");
		memset(cmdline, 'a', f.cmdline_len);
		cmdline[f.cmdline_len] = '\0';
		s.cmdline = cmdline;
	}
	if (mint_kexec_layout(&s, &bz, f.initrd_size, &lay, &err)) {
		FUZZ_CHECK(err.kind == MINT_E_INVALID && err.msg[0], "layout: kind %d", err.kind);
		goto out;
	}
	check_layout(&s, &bz, f.initrd_size, &lay);

	env.table_phys = f.table_phys;
	env.table_size = MINT_TABLE_SIZE;
	env.slot_phys = (uint64_t)f.slot_phys * 16;
	env.slot_size = (uint64_t)f.slot_pages * PAGE;
	if (!mint_kexec_build(&s, &bz, &lay, &env, bpbuf, sdbuf, &err)) {
		FUZZ_CHECK(s.node_id && s.node_id < MINT_MAX_NODES && s.nr_cpus &&
			       s.nr_cpus <= MINT_KEXEC_MAX_CPUS && s.nr_pci <= MINT_KEXEC_MAX_PCI,
			   "built for node %u with %u CPUs and %u PCI functions", s.node_id,
			   s.nr_cpus, s.nr_pci);
		check_build(&s, &bz, &lay, bpbuf, sdbuf);
	} else {
		FUZZ_CHECK(err.msg[0], "build failed without a message");
	}
out:
	free(cmdline);
	free(image);
	return 0;
}
