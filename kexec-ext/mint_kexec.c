// SPDX-License-Identifier: GPL-2.0
/* kexec-ext: parse a bzImage (through struct setup_header), build boot_params, boot a Mint node. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "mint_kexec.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE		 4096ULL
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define E820_RAM	 1
#define E820_RESERVED	 2
#define HDRS_MAGIC	 0x53726448 /* "HdrS" */
#define BOOT_FLAG	 0xaa55
#define HDR_END(field)                                                                             \
	(MINT_BZIMAGE_HDR_OFF + offsetof(struct setup_header, field) +                             \
	 sizeof(((struct setup_header *)0)->field))

/*
 * The boot protocol's layout (Documentation/x86/boot.rst) as the UAPI
 * header declares it: the setup header is packed and sits at 0x1f1 both in
 * the file and in boot_params; its fields are little endian. Everything the
 * kernel reads here (boot_params, setup_data) is written in host order, so
 * the host must be little endian too.
 */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "boot_params is little endian");
_Static_assert(sizeof(struct boot_params) == MINT_BOOT_PARAMS_SIZE, "boot_params is one page");
_Static_assert(offsetof(struct boot_params, hdr) == MINT_BZIMAGE_HDR_OFF, "hdr at 0x1f1");
_Static_assert(sizeof(struct setup_header) == 0x26c - MINT_BZIMAGE_HDR_OFF, "setup_header size");
_Static_assert(MINT_BZIMAGE_HDR_OFF + offsetof(struct setup_header, syssize) == 0x1f4, "syssize");
_Static_assert(MINT_BZIMAGE_HDR_OFF + offsetof(struct setup_header, boot_flag) == 0x1fe,
	       "boot_flag");
_Static_assert(MINT_BZIMAGE_HDR_OFF + offsetof(struct setup_header, jump) == 0x200, "jump");
_Static_assert(MINT_BZIMAGE_HDR_OFF + offsetof(struct setup_header, header) == 0x202, "header");
_Static_assert(MINT_BZIMAGE_HDR_OFF + offsetof(struct setup_header, version) == 0x206, "version");
_Static_assert(MINT_BZIMAGE_HDR_OFF + offsetof(struct setup_header, loadflags) == 0x211,
	       "loadflags");
_Static_assert(MINT_BZIMAGE_HDR_OFF + offsetof(struct setup_header, initrd_addr_max) == 0x22c,
	       "initrd_addr_max");
_Static_assert(MINT_BZIMAGE_HDR_OFF + offsetof(struct setup_header, kernel_alignment) == 0x230,
	       "kernel_alignment");
_Static_assert(MINT_BZIMAGE_HDR_OFF + offsetof(struct setup_header, relocatable_kernel) == 0x234,
	       "relocatable_kernel");
_Static_assert(MINT_BZIMAGE_HDR_OFF + offsetof(struct setup_header, xloadflags) == 0x236,
	       "xloadflags");
_Static_assert(MINT_BZIMAGE_HDR_OFF + offsetof(struct setup_header, cmdline_size) == 0x238,
	       "cmdline_size");
_Static_assert(MINT_BZIMAGE_HDR_OFF + offsetof(struct setup_header, init_size) == 0x260,
	       "init_size");
_Static_assert(MINT_SETUP_DATA_SIZE == 16 + sizeof(struct mint_boot_info), "setup_data record");

/* The kind of a failed system call, the way libmint reports them. */
static enum mint_errkind errno_kind(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
	case ENODEV:
		return MINT_E_NOTFOUND;
	case EACCES:
	case EPERM:
		return MINT_E_PERM;
	case EBUSY:
		return MINT_E_BUSY;
	default:
		return MINT_E_SYSTEM;
	}
}

int mint_bzimage_parse(const uint8_t *buf, size_t len, const char *name, struct mint_bzimage *img,
		       struct mint_error *err)
{
	/* Through handover_offset: the fields of protocol 2.10+ that are read here. */
	const size_t min_hdr = HDR_END(handover_offset);
	const struct setup_header *h = &img->hdr;
	uint32_t setup_size, syssize;

	if (!name)
		name = "bzImage";
	memset(img, 0, sizeof(*img));
	if (len < min_hdr)
		return mint_fail(err, MINT_E_INVALID,
				 "%s: truncated: %zu bytes, too short for a bzImage setup header",
				 name, len);
	memcpy(&img->hdr, buf + MINT_BZIMAGE_HDR_OFF,
	       len - MINT_BZIMAGE_HDR_OFF < sizeof(img->hdr) ? len - MINT_BZIMAGE_HDR_OFF
							     : sizeof(img->hdr));
	if (le16toh(h->boot_flag) != BOOT_FLAG)
		return mint_fail(err, MINT_E_INVALID,
				 "%s: not a bzImage: boot sector signature 0xaa55 missing", name);
	if (le32toh(h->header) != HDRS_MAGIC)
		return mint_fail(err, MINT_E_INVALID,
				 "%s: not a bzImage: setup header magic \"HdrS\" missing", name);
	img->version = le16toh(h->version);
	if (img->version < 0x020c)
		return mint_fail(err, MINT_E_INVALID,
				 "%s: boot protocol %u.%02u is too old (need 2.12 or later)", name,
				 img->version >> 8, img->version & 0xff);
	/* The setup header ends where the short jump at 0x200 (eb xx) lands: 0x202 + xx. */
	img->header_len = offsetof(struct setup_header, header) + (le16toh(h->jump) >> 8);
	if (img->header_len < min_hdr - MINT_BZIMAGE_HDR_OFF ||
	    MINT_BZIMAGE_HDR_OFF + img->header_len > len)
		return mint_fail(err, MINT_E_INVALID, "%s: malformed setup header (length %u)",
				 name, img->header_len);
	/* Bytes past the header belong to the setup code, not to boot_params. */
	if (img->header_len < sizeof(img->hdr))
		memset((uint8_t *)&img->hdr + img->header_len, 0,
		       sizeof(img->hdr) - img->header_len);
	if (!(h->loadflags & LOADED_HIGH))
		return mint_fail(err, MINT_E_INVALID, "%s: not a bzImage (zImage loaded low)",
				 name);
	img->xloadflags = le16toh(h->xloadflags);
	if (!(img->xloadflags & XLF_KERNEL_64))
		return mint_fail(err, MINT_E_INVALID,
				 "%s: kernel has no 64-bit entry point (XLF_KERNEL_64 not set)",
				 name);
	if (!h->relocatable_kernel)
		return mint_fail(err, MINT_E_INVALID,
				 "%s: kernel is not relocatable (CONFIG_RELOCATABLE=n)", name);
	img->setup_sects = h->setup_sects ? h->setup_sects : 4;
	setup_size = (img->setup_sects + 1U) * 512U;
	if (setup_size >= len)
		return mint_fail(err, MINT_E_INVALID,
				 "%s: truncated: setup (%u bytes) leaves no kernel in %zu bytes",
				 name, setup_size, len);
	img->setup_size = setup_size;
	img->payload_offset = setup_size;
	img->payload_size = len - setup_size;
	syssize = le32toh(h->syssize);
	if (syssize * 16ULL > img->payload_size)
		return mint_fail(err, MINT_E_INVALID,
				 "%s: truncated: header says %llu kernel bytes, file has %llu",
				 name, syssize * 16ULL, (unsigned long long)img->payload_size);
	img->kernel_alignment = le32toh(h->kernel_alignment);
	if (!img->kernel_alignment || (img->kernel_alignment & (img->kernel_alignment - 1)))
		return mint_fail(err, MINT_E_INVALID, "%s: bad kernel_alignment %#x", name,
				 img->kernel_alignment);
	img->initrd_addr_max = le32toh(h->initrd_addr_max);
	img->cmdline_size = le32toh(h->cmdline_size);
	img->init_size = le32toh(h->init_size);
	if (img->init_size < img->payload_size)
		return mint_fail(err, MINT_E_INVALID,
				 "%s: bad init_size %#x (kernel is %llu bytes)", name,
				 img->init_size, (unsigned long long)img->payload_size);
	return 0;
}

/* Why @path could not be opened; the initrd keeps the wording of its earlier stat() check. */
static int open_failed(const char *path, bool initrd, int e, struct mint_error *err)
{
	if (!initrd)
		return mint_fail_errno(err, errno_kind(e), e, "%s: cannot open: %s", path,
				       strerror(e));
	if (e == EACCES)
		return mint_fail_errno(err, MINT_E_PERM, e, "%s: not readable: %s", path,
				       strerror(e));
	return mint_fail_errno(err, errno_kind(e), e, "%s: %s", path, strerror(e));
}

/* Read all of the regular file @path into a new buffer (*out, *len). */
static int read_file(const char *path, bool initrd, uint8_t **out, size_t *len,
		     struct mint_error *err)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd;

	*out = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO must not hang us before fstat() can refuse it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return open_failed(path, initrd, errno, err);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return mint_fail(err, MINT_E_INVALID, "%s: not a regular file", path);
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return mint_fail_errno(err, MINT_E_SYSTEM, ENOMEM, "%s: out of memory", path);
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			free(buf);
			close(fd);
			return mint_fail_errno(err, MINT_E_SYSTEM, e, "%s: read failed: %s", path,
					       strerror(e));
		}
		done += (size_t)n;
	}
	close(fd);
	*out = buf;
	*len = done;
	return 0;
}

/* The node, its CPUs and its PCI functions: what the boot info record holds. */
static int check_node(const struct mint_kexec_spec *spec, struct mint_error *err)
{
	if (spec->node_id == 0 || spec->node_id >= MINT_MAX_NODES)
		return mint_fail(err, MINT_E_INVALID, "node id %u out of range 1..%d",
				 spec->node_id, MINT_MAX_NODES - 1);
	if (!spec->nr_cpus || spec->nr_cpus > MINT_KEXEC_MAX_CPUS)
		return mint_fail(err, MINT_E_INVALID, "need 1..%d CPUs, got %u",
				 MINT_KEXEC_MAX_CPUS, spec->nr_cpus);
	if (spec->nr_pci > MINT_KEXEC_MAX_PCI)
		return mint_fail(err, MINT_E_INVALID, "at most %d PCI functions",
				 MINT_KEXEC_MAX_PCI);
	return 0;
}

/* The values of the spec that need no file and no /dev/mint. */
static int check_spec(const struct mint_kexec_spec *spec, struct mint_error *err)
{
	if (check_node(spec, err))
		return -1;
	if (!spec->mem_size)
		return mint_fail(err, MINT_E_INVALID, "no memory given to node%u", spec->node_id);
	if (!spec->kernel_path)
		return mint_fail(err, MINT_E_INVALID, "no kernel image given");
	return 0;
}

void mint_kexec_image_free(struct mint_kexec_image *im)
{
	free(im->kernel);
	free(im->initrd);
	memset(im, 0, sizeof(*im));
}

static int check_image(const struct mint_kexec_spec *spec, struct mint_kexec_image *im,
		       struct mint_error *err)
{
	if (read_file(spec->kernel_path, false, &im->kernel, &im->kernel_len, err) ||
	    mint_bzimage_parse(im->kernel, im->kernel_len, spec->kernel_path, &im->bz, err))
		return -1;
	if (spec->cmdline && strlen(spec->cmdline) > im->bz.cmdline_size)
		return mint_fail(err, MINT_E_INVALID, "command line is %zu bytes, %s accepts %u",
				 strlen(spec->cmdline), spec->kernel_path, im->bz.cmdline_size);
	if (!spec->initrd_path)
		return 0;
	if (read_file(spec->initrd_path, true, &im->initrd, &im->initrd_len, err))
		return -1;
	if (!im->initrd_len)
		return mint_fail(err, MINT_E_INVALID, "%s: initrd is empty", spec->initrd_path);
	return 0;
}

int mint_kexec_check(const struct mint_kexec_spec *spec, struct mint_kexec_image *im,
		     struct mint_error *err)
{
	memset(im, 0, sizeof(*im));
	if (check_spec(spec, err))
		return -1;
	if (check_image(spec, im, err)) {
		mint_kexec_image_free(im);
		return -1;
	}
	return 0;
}

/* *out = a + b; false when that wraps. */
static bool add(uint64_t a, uint64_t b, uint64_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}

/* *out = x rounded up to @a (a power of two); false when that wraps. */
static bool align_up(uint64_t x, uint64_t a, uint64_t *out)
{
	if (!add(x, a - 1, out))
		return false;
	*out &= ~(a - 1);
	return true;
}

int mint_kexec_layout(const struct mint_kexec_spec *spec, const struct mint_bzimage *img,
		      uint64_t initrd_size, struct mint_layout *lay, struct mint_error *err)
{
	uint64_t end = spec->mem_base + spec->mem_size;
	uint64_t cmdlen = spec->cmdline ? strlen(spec->cmdline) + 1 : 1;
	uint64_t next, top;

	memset(lay, 0, sizeof(*lay));
	if (end < spec->mem_base)
		return mint_fail(err, MINT_E_INVALID, "memory range wraps");
	/* Memory at the very top of the address space would wrap these sums around. */
	if (!align_up(spec->mem_base, img->kernel_alignment, &lay->kernel) ||
	    !add(lay->kernel, img->init_size, &lay->kernel_end) ||
	    !align_up(lay->kernel_end, PAGE, &lay->boot_params) ||
	    !add(lay->boot_params, PAGE, &lay->cmdline) || !add(lay->cmdline, cmdlen, &next) ||
	    !align_up(next, PAGE, &lay->setup_data) ||
	    !add(lay->setup_data, MINT_SETUP_DATA_SIZE, &next) || !align_up(next, PAGE, &next)) {
		memset(lay, 0, sizeof(*lay));
		return mint_fail(err, MINT_E_INVALID,
				 "kernel and boot_params must lie below 4 GiB");
	}
	if (next > end)
		return mint_fail(err, MINT_E_INVALID,
				 "node memory %#llx-%#llx too small for the kernel (needs %#llx "
				 "bytes from %#llx)",
				 (unsigned long long)spec->mem_base, (unsigned long long)end,
				 (unsigned long long)(next - lay->kernel),
				 (unsigned long long)lay->kernel);
	if (lay->kernel + 0x200 >= (1ULL << 32) || next > (1ULL << 32))
		return mint_fail(err, MINT_E_INVALID,
				 "kernel and boot_params must lie below 4 GiB");
	lay->initrd_size = initrd_size;
	if (initrd_size) {
		top = end;
		if (top > (uint64_t)img->initrd_addr_max + 1)
			top = (uint64_t)img->initrd_addr_max + 1;
		if (top < initrd_size || ALIGN_DOWN(top - initrd_size, PAGE) < next)
			return mint_fail(err, MINT_E_INVALID,
					 "no room for the %llu byte initrd in node memory below "
					 "%#llx",
					 (unsigned long long)initrd_size, (unsigned long long)top);
		lay->initrd = ALIGN_DOWN(top - initrd_size, PAGE);
	}
	return 0;
}

static void e820_add(struct boot_params *bp, uint64_t addr, uint64_t size, uint32_t type)
{
	struct boot_e820_entry *e = &bp->e820_table[bp->e820_entries++];

	e->addr = addr;
	e->size = size;
	e->type = type;
}

int mint_kexec_build(const struct mint_kexec_spec *spec, const struct mint_bzimage *img,
		     const struct mint_layout *lay, const struct mint_node_env *env,
		     uint8_t *boot_params, uint8_t *setup_data, struct mint_error *err)
{
	struct boot_params *bp = (struct boot_params *)boot_params;
	struct setup_data *sd = (struct setup_data *)setup_data;
	struct mint_boot_info info;
	unsigned int i;

	/* The record has room for MINT_KEXEC_MAX_CPUS and _PCI: never trust the caller's counts. */
	if (check_node(spec, err))
		return -1;
	if (!env->slot_phys || !env->slot_size)
		return mint_fail(err, MINT_E_UNSUPPORTED, "node%u has no low-memory slot",
				 spec->node_id);
	if (env->slot_phys + env->slot_size > 0x100000)
		return mint_fail(err, MINT_E_INVALID, "low slot above 1 MiB");

	memset(bp, 0, MINT_BOOT_PARAMS_SIZE);
	/* The setup header as the image has it (zero past its length), loader fields set. */
	memcpy(&bp->hdr, &img->hdr, sizeof(bp->hdr));
	bp->hdr.type_of_loader = 0xff;
	bp->hdr.loadflags =
	    (uint8_t)((bp->hdr.loadflags | LOADED_HIGH) & ~(QUIET_FLAG | KEEP_SEGMENTS));
	bp->hdr.code32_start = htole32((uint32_t)lay->kernel);
	bp->hdr.cmd_line_ptr = htole32((uint32_t)lay->cmdline);
	bp->ext_cmd_line_ptr = htole32((uint32_t)(lay->cmdline >> 32));
	bp->hdr.ramdisk_image = htole32((uint32_t)lay->initrd);
	bp->hdr.ramdisk_size = htole32((uint32_t)lay->initrd_size);
	bp->ext_ramdisk_image = htole32((uint32_t)(lay->initrd >> 32));
	bp->ext_ramdisk_size = htole32((uint32_t)(lay->initrd_size >> 32));
	bp->hdr.setup_data = htole64(lay->setup_data);

	/* e820: the node's slot below 1 MiB, the table, the node's RAM. */
	e820_add(bp, env->slot_phys, env->slot_size, E820_RAM);
	if (env->table_phys && env->table_phys < spec->mem_base)
		e820_add(bp, env->table_phys, env->table_size, E820_RESERVED);
	e820_add(bp, spec->mem_base, spec->mem_size, E820_RAM);
	if (env->table_phys && env->table_phys >= spec->mem_base)
		e820_add(bp, env->table_phys, env->table_size, E820_RESERVED);

	memset(&info, 0, sizeof(info));
	info.version = MINT_VERSION;
	info.node_id = spec->node_id;
	snprintf(info.name, sizeof(info.name), "%s", spec->name ? spec->name : "");
	info.tsc_khz = spec->tsc_khz ? spec->tsc_khz : env->tsc_khz;
	info.lapic_khz = spec->lapic_khz ? spec->lapic_khz : env->lapic_khz;
	info.table_phys = env->table_phys;
	info.table_size = env->table_size;
	info.low_slot_phys = env->slot_phys;
	info.low_slot_size = env->slot_size;
	info.uart_port = spec->uart_port;
	info.nr_cpus = (uint16_t)spec->nr_cpus;
	for (i = 0; i < spec->nr_cpus; i++)
		info.apic_ids[i] = spec->apic_ids[i];
	info.nr_pci = (uint16_t)spec->nr_pci;
	for (i = 0; i < spec->nr_pci; i++)
		info.pci[i] = spec->pci[i];

	memset(sd, 0, MINT_SETUP_DATA_SIZE);
	sd->next = 0;
	sd->type = SETUP_MINT;
	sd->len = sizeof(info);
	memcpy(sd->data, &info, sizeof(info));
	return 0;
}

static int mint_open(const struct mint_kexec_spec *spec, struct mint_error *err)
{
	const char *path = spec->dev_path ? spec->dev_path : "/dev/mint";
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return mint_fail_errno(err, errno_kind(errno), errno, "%s: %s", path,
				       strerror(errno));
	return fd;
}

static int res_op(int fd, unsigned long op, uint32_t type, uint32_t node, uint64_t id)
{
	struct mint_res r = {.type = type, .node = node, .id = id};

	return ioctl(fd, op, &r) < 0 ? errno : 0;
}

int mint_kexec_claim(const struct mint_kexec_spec *spec, struct mint_error *err)
{
	static const char *const names[] = {"", "CPU", "memory block", "PCI"};
	struct mint_info info;
	uint64_t a, ids[MINT_MAX_MEM_BLOCKS + MINT_KEXEC_MAX_CPUS + MINT_KEXEC_MAX_PCI];
	uint32_t types[MINT_MAX_MEM_BLOCKS + MINT_KEXEC_MAX_CPUS + MINT_KEXEC_MAX_PCI];
	unsigned int n = 0, i;
	int fd, e, ret = 0;

	fd = mint_open(spec, err);
	if (fd < 0)
		return -1;
	if (ioctl(fd, MINT_IOC_INFO, &info) < 0) {
		ret = mint_fail_errno(err, MINT_E_SYSTEM, errno, "MINT_IOC_INFO: %s",
				      strerror(errno));
		goto out;
	}
	if (!info.mem_block_size || spec->mem_base % info.mem_block_size ||
	    spec->mem_size % info.mem_block_size) {
		ret = mint_fail(err, MINT_E_INVALID,
				"memory %#llx+%#llx is not a whole number of %llu MiB blocks",
				(unsigned long long)spec->mem_base,
				(unsigned long long)spec->mem_size,
				(unsigned long long)(info.mem_block_size >> 20));
		goto out;
	}
	for (i = 0; i < spec->nr_cpus; i++) {
		types[n] = MINT_RES_CPU;
		ids[n++] = spec->apic_ids[i];
	}
	for (a = spec->mem_base; a < spec->mem_base + spec->mem_size; a += info.mem_block_size) {
		if (n >= sizeof(ids) / sizeof(ids[0]))
			break;
		types[n] = MINT_RES_MEM;
		ids[n++] = a;
	}
	for (i = 0; i < spec->nr_pci; i++) {
		types[n] = MINT_RES_PCI;
		ids[n++] = (uint64_t)spec->pci[i].segment << 16 | (uint64_t)spec->pci[i].bus << 8 |
			   spec->pci[i].devfn;
	}
	for (i = 0; i < n; i++) {
		e = res_op(fd, MINT_IOC_RELEASE, types[i], info.node_id, ids[i]);
		if (e && e != EPERM) {
			ret = mint_fail_errno(
			    err, errno_kind(e), e, "release %s %#llx from node%u: %s",
			    names[types[i]], (unsigned long long)ids[i], info.node_id, strerror(e));
			goto out;
		}
		e = res_op(fd, MINT_IOC_CLAIM, types[i], spec->node_id, ids[i]);
		if (e) {
			ret = mint_fail_errno(
			    err, errno_kind(e), e, "claim %s %#llx for node%u: %s", names[types[i]],
			    (unsigned long long)ids[i], spec->node_id, strerror(e));
			goto out;
		}
	}
out:
	close(fd);
	return ret;
}

static int load(int fd, uint32_t node, uint64_t dest, const void *buf, uint64_t len,
		const char *what, struct mint_error *err)
{
	struct mint_load l = {
	    .node = node,
	    .dest = dest,
	    .buf = (uint64_t)(uintptr_t)buf,
	    .len = len,
	};

	if (ioctl(fd, MINT_IOC_LOAD, &l) < 0)
		return mint_fail_errno(err, errno_kind(errno), errno,
				       "loading %s (%llu bytes at %#llx) for node%u: %s", what,
				       (unsigned long long)len, (unsigned long long)dest, node,
				       strerror(errno));
	return 0;
}

static const char *state_name(uint32_t s)
{
	static const char *const names[] = {"unused", "booting", "running", "halted",
					    "failed", "loading", "halting"};

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "in an unknown state";
}

/*
 * Loading needs the node LOADING with this node as its parent: move it
 * there from UNUSED or HALTED.  A node that FAILED earlier (a boot that
 * timed out, a panic) is stopped first, keeping its resources: its CPUs
 * get INIT, its devices stop DMA and its memory is scrubbed.
 */
static int begin_loading(int fd, uint32_t node, struct mint_error *err)
{
	struct mint_node_query q = {.node = node};
	struct mint_state_change c = {.node = node, .to = MINT_NODE_LOADING};
	struct mint_stop st = {.node = node, .flags = MINT_STOP_KEEP};

	if (ioctl(fd, MINT_IOC_NODE, &q) < 0)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "/dev/mint query of node%u: %s",
				       node, strerror(errno));
	if (q.state == MINT_NODE_FAILED) {
		if (ioctl(fd, MINT_IOC_STOP, &st) < 0)
			return mint_fail_errno(err, errno_kind(errno), errno,
					       "node%u failed earlier; stopping it: %s", node,
					       strerror(errno));
		q.state = MINT_NODE_HALTED;
	}
	if (q.state != MINT_NODE_UNUSED && q.state != MINT_NODE_HALTED)
		return mint_fail(err, MINT_E_STATE, "node%u is %s, not unused or halted", node,
				 state_name(q.state));
	c.from = q.state;
	if (ioctl(fd, MINT_IOC_SET_STATE, &c) < 0)
		return mint_fail_errno(err, errno == EBUSY ? MINT_E_STATE : MINT_E_SYSTEM, errno,
				       "node%u: moving it from %s to loading: %s", node,
				       state_name(c.from), strerror(errno));
	return 0;
}

/* A load that did not start the node gives it back: LOADING -> HALTED. */
static void abandon_loading(int fd, uint32_t node)
{
	struct mint_state_change c = {
	    .node = node, .from = MINT_NODE_LOADING, .to = MINT_NODE_HALTED};

	ioctl(fd, MINT_IOC_SET_STATE, &c);
}

/* What the running kernel tells about itself and the node's low-memory slot. */
static int node_env(int fd, uint32_t node, struct mint_node_env *env, struct mint_error *err)
{
	struct mint_node_query q = {.node = node};
	struct mint_info info;

	if (ioctl(fd, MINT_IOC_INFO, &info) < 0 || ioctl(fd, MINT_IOC_NODE, &q) < 0)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "/dev/mint query: %s",
				       strerror(errno));
	memset(env, 0, sizeof(*env));
	env->table_phys = info.table_phys;
	env->table_size = info.table_size;
	env->mem_block_size = info.mem_block_size;
	env->slot_phys = q.low_slot_phys;
	env->slot_size = q.low_slot_size;
	env->tsc_khz = info.tsc_khz;
	env->lapic_khz = info.lapic_khz;
	return 0;
}

/* The segments, in the order the node's memory gets them. */
static int load_all(int fd, const struct mint_kexec_spec *spec, const struct mint_kexec_image *im,
		    const struct mint_layout *lay, const uint8_t *bp, const uint8_t *sd,
		    struct mint_error *err)
{
	uint32_t node = spec->node_id;

	if (load(fd, node, lay->kernel, im->kernel + im->bz.payload_offset, im->bz.payload_size,
		 "kernel", err) ||
	    load(fd, node, lay->boot_params, bp, MINT_BOOT_PARAMS_SIZE, "boot_params", err) ||
	    load(fd, node, lay->cmdline, spec->cmdline ? spec->cmdline : "",
		 spec->cmdline ? strlen(spec->cmdline) + 1 : 1, "command line", err) ||
	    load(fd, node, lay->setup_data, sd, MINT_SETUP_DATA_SIZE, "setup_data", err))
		return -1;
	if (im->initrd_len &&
	    load(fd, node, lay->initrd, im->initrd, im->initrd_len, "initrd", err))
		return -1;
	return 0;
}

int mint_kexec_boot(const struct mint_kexec_spec *spec, const struct mint_kexec_image *im,
		    struct mint_error *err)
{
	return mint_kexec_boot_hooked(spec, im, NULL, NULL, err);
}

int mint_kexec_boot_hooked(const struct mint_kexec_spec *spec, const struct mint_kexec_image *im,
			   mint_kexec_hook hook, void *user, struct mint_error *err)
{
	uint8_t bp[MINT_BOOT_PARAMS_SIZE], sd[MINT_SETUP_DATA_SIZE];
	struct mint_node_env env;
	struct mint_layout lay;
	struct mint_start st;
	int fd = -1, ret, loading = 0;

	/* Everything is validated before /dev/mint is touched. */
	if (check_spec(spec, err))
		return -1;
	if (!im->kernel)
		return mint_fail(err, MINT_E_INVALID, "%s: the kernel image was not read",
				 spec->kernel_path);
	if (mint_kexec_layout(spec, &im->bz, im->initrd_len, &lay, err))
		return -1;

	fd = mint_open(spec, err);
	if (fd < 0)
		return -1;
	ret = node_env(fd, spec->node_id, &env, err);
	if (!ret)
		ret = mint_kexec_build(spec, &im->bz, &lay, &env, bp, sd, err);
	/* Last chance to change what the node gets, before its state or memory is touched. */
	if (!ret && hook)
		ret = hook(bp, sd, &lay, user, err);
	if (!ret)
		ret = begin_loading(fd, spec->node_id, err);
	if (ret)
		goto out;
	loading = 1;
	ret = load_all(fd, spec, im, &lay, bp, sd, err);
	if (ret)
		goto out;

	memset(&st, 0, sizeof(st));
	st.node = spec->node_id;
	st.apic_id = spec->apic_ids[0];
	st.entry = lay.kernel + 0x200;
	st.boot_params = lay.boot_params;
	snprintf(st.name, sizeof(st.name), "%s", spec->name ? spec->name : "");
	if (ioctl(fd, MINT_IOC_START, &st) < 0)
		ret = mint_fail_errno(err, errno_kind(errno), errno,
				      "starting node%u on APIC ID %u: %s", spec->node_id,
				      st.apic_id, strerror(errno));
	else
		loading = 0;
out:
	if (loading)
		abandon_loading(fd, spec->node_id);
	close(fd);
	return ret;
}
