// SPDX-License-Identifier: GPL-2.0
/* kexec-ext: parse a bzImage, build boot_params, boot a Mint node. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "mint_kexec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <asm/bootparam.h>

#define HDR_OFF		 0x1f1
#define PAGE		 4096ULL
#define ALIGN_UP(x, a)	 (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define E820_RAM	 1
#define E820_RESERVED	 2

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int mint_bzimage_parse(const uint8_t *buf, size_t len, const char *name, struct mint_bzimage *img,
		       char *err, size_t errlen)
{
	const size_t min_hdr = 0x268; /* through init_size (protocol 2.10+) */
	uint32_t setup_size;

	if (!name)
		name = "bzImage";
	memset(img, 0, sizeof(*img));
	if (len < min_hdr)
		return fail(err, errlen, -EINVAL,
			    "%s: truncated: %zu bytes, too short for a bzImage setup header", name,
			    len);
	if (le16(buf + 0x1fe) != 0xaa55)
		return fail(err, errlen, -EINVAL,
			    "%s: not a bzImage: boot sector signature 0xaa55 missing", name);
	if (le32(buf + 0x202) != 0x53726448) /* "HdrS" */
		return fail(err, errlen, -EINVAL,
			    "%s: not a bzImage: setup header magic \"HdrS\" missing", name);
	img->version = le16(buf + 0x206);
	if (img->version < 0x020c)
		return fail(err, errlen, -EINVAL,
			    "%s: boot protocol %u.%02u is too old (need 2.12 or later)", name,
			    img->version >> 8, img->version & 0xff);
	img->header_len = 0x202 + buf[0x201] - HDR_OFF;
	if (img->header_len < 0x268 - HDR_OFF || HDR_OFF + img->header_len > len)
		return fail(err, errlen, -EINVAL, "%s: malformed setup header (length %u)", name,
			    img->header_len);
	if (!(buf[0x211] & 0x01)) /* loadflags & LOADED_HIGH */
		return fail(err, errlen, -EINVAL, "%s: not a bzImage (zImage loaded low)", name);
	img->xloadflags = le16(buf + 0x236);
	if (!(img->xloadflags & 0x1)) /* XLF_KERNEL_64 */
		return fail(err, errlen, -EINVAL,
			    "%s: kernel has no 64-bit entry point (XLF_KERNEL_64 not set)", name);
	if (!buf[0x234]) /* relocatable_kernel */
		return fail(err, errlen, -EINVAL,
			    "%s: kernel is not relocatable (CONFIG_RELOCATABLE=n)", name);
	img->setup_sects = buf[0x1f1] ? buf[0x1f1] : 4;
	setup_size = (img->setup_sects + 1U) * 512U;
	if (setup_size >= len)
		return fail(err, errlen, -EINVAL,
			    "%s: truncated: setup (%u bytes) leaves no kernel in %zu bytes", name,
			    setup_size, len);
	img->setup_size = setup_size;
	img->payload_offset = setup_size;
	img->payload_size = len - setup_size;
	if (le32(buf + 0x1f4) * 16ULL > img->payload_size)
		return fail(err, errlen, -EINVAL,
			    "%s: truncated: header says %llu kernel bytes, file has %llu", name,
			    le32(buf + 0x1f4) * 16ULL, (unsigned long long)img->payload_size);
	img->kernel_alignment = le32(buf + 0x230);
	if (!img->kernel_alignment || (img->kernel_alignment & (img->kernel_alignment - 1)))
		return fail(err, errlen, -EINVAL, "%s: bad kernel_alignment %#x", name,
			    img->kernel_alignment);
	img->initrd_addr_max = le32(buf + 0x22c);
	img->cmdline_size = le32(buf + 0x238);
	img->init_size = le32(buf + 0x260);
	if (img->init_size < img->payload_size)
		return fail(err, errlen, -EINVAL, "%s: bad init_size %#x (kernel is %llu bytes)",
			    name, img->init_size, (unsigned long long)img->payload_size);
	return 0;
}

static int read_file(const char *path, uint8_t **out, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, -errno, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, errlen, -EINVAL, "%s: not a regular file", path);
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return fail(err, errlen, -ENOMEM, "%s: out of memory", path);
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			free(buf);
			close(fd);
			return fail(err, errlen, -e, "%s: read failed: %s", path, strerror(e));
		}
		done += (size_t)n;
	}
	close(fd);
	*out = buf;
	*len = done;
	return 0;
}

int mint_kexec_check(const struct mint_kexec_spec *spec, struct mint_bzimage *img,
		     uint64_t *initrd_size, char *err, size_t errlen)
{
	uint8_t *buf = NULL;
	struct stat st;
	size_t len;
	int ret;

	if (spec->node_id == 0 || spec->node_id >= MINT_MAX_NODES)
		return fail(err, errlen, -EINVAL, "node id %u out of range 1..%d", spec->node_id,
			    MINT_MAX_NODES - 1);
	if (!spec->nr_cpus || spec->nr_cpus > MINT_KEXEC_MAX_CPUS)
		return fail(err, errlen, -EINVAL, "need 1..%d CPUs, got %u", MINT_KEXEC_MAX_CPUS,
			    spec->nr_cpus);
	if (spec->nr_pci > MINT_KEXEC_MAX_PCI)
		return fail(err, errlen, -EINVAL, "at most %d PCI functions", MINT_KEXEC_MAX_PCI);
	if (!spec->mem_size)
		return fail(err, errlen, -EINVAL, "no memory given to node%u", spec->node_id);
	if (!spec->kernel_path)
		return fail(err, errlen, -EINVAL, "no kernel image given");
	ret = read_file(spec->kernel_path, &buf, &len, err, errlen);
	if (ret)
		return ret;
	ret = mint_bzimage_parse(buf, len, spec->kernel_path, img, err, errlen);
	free(buf);
	if (ret)
		return ret;
	if (spec->cmdline && strlen(spec->cmdline) > img->cmdline_size)
		return fail(err, errlen, -E2BIG, "command line is %zu bytes, %s accepts %u",
			    strlen(spec->cmdline), spec->kernel_path, img->cmdline_size);
	*initrd_size = 0;
	if (spec->initrd_path) {
		if (stat(spec->initrd_path, &st) < 0)
			return fail(err, errlen, -errno, "%s: %s", spec->initrd_path,
				    strerror(errno));
		if (!S_ISREG(st.st_mode))
			return fail(err, errlen, -EINVAL, "%s: not a regular file",
				    spec->initrd_path);
		if (access(spec->initrd_path, R_OK) < 0)
			return fail(err, errlen, -errno, "%s: not readable: %s", spec->initrd_path,
				    strerror(errno));
		if (!st.st_size)
			return fail(err, errlen, -EINVAL, "%s: initrd is empty", spec->initrd_path);
		*initrd_size = (uint64_t)st.st_size;
	}
	return 0;
}

int mint_kexec_layout(const struct mint_kexec_spec *spec, const struct mint_bzimage *img,
		      uint64_t initrd_size, struct mint_layout *lay, char *err, size_t errlen)
{
	uint64_t end = spec->mem_base + spec->mem_size;
	uint64_t cmdlen = spec->cmdline ? strlen(spec->cmdline) + 1 : 1;
	uint64_t next, top;

	memset(lay, 0, sizeof(*lay));
	if (end < spec->mem_base)
		return fail(err, errlen, -EINVAL, "memory range wraps");
	lay->kernel = ALIGN_UP(spec->mem_base, img->kernel_alignment);
	lay->kernel_end = lay->kernel + img->init_size;
	lay->boot_params = ALIGN_UP(lay->kernel_end, PAGE);
	lay->cmdline = lay->boot_params + PAGE;
	lay->setup_data = ALIGN_UP(lay->cmdline + cmdlen, PAGE);
	next = ALIGN_UP(lay->setup_data + MINT_SETUP_DATA_SIZE, PAGE);
	if (next > end)
		return fail(err, errlen, -ENOSPC,
			    "node memory %#llx-%#llx too small for the kernel (needs %#llx bytes "
			    "from %#llx)",
			    (unsigned long long)spec->mem_base, (unsigned long long)end,
			    (unsigned long long)(next - lay->kernel),
			    (unsigned long long)lay->kernel);
	if (lay->kernel + 0x200 >= (1ULL << 32) || next > (1ULL << 32))
		return fail(err, errlen, -ERANGE, "kernel and boot_params must lie below 4 GiB");
	lay->initrd_size = initrd_size;
	if (initrd_size) {
		top = end;
		if (top > (uint64_t)img->initrd_addr_max + 1)
			top = (uint64_t)img->initrd_addr_max + 1;
		if (top < initrd_size || ALIGN_DOWN(top - initrd_size, PAGE) < next)
			return fail(err, errlen, -ENOSPC,
				    "no room for the %llu byte initrd in node memory below %#llx",
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
		     const uint8_t *image, const struct mint_layout *lay,
		     const struct mint_node_env *env, uint8_t *boot_params, uint8_t *setup_data,
		     char *err, size_t errlen)
{
	struct boot_params *bp = (struct boot_params *)boot_params;
	struct setup_data *sd = (struct setup_data *)setup_data;
	struct mint_boot_info info;
	unsigned int i;

	_Static_assert(sizeof(struct boot_params) == MINT_BOOT_PARAMS_SIZE,
		       "boot_params is one page");
	if (!env->slot_phys || !env->slot_size)
		return fail(err, errlen, -ENOSPC, "node%u has no low-memory slot", spec->node_id);
	if (env->slot_phys + env->slot_size > 0x100000)
		return fail(err, errlen, -EINVAL, "low slot above 1 MiB");

	memset(bp, 0, MINT_BOOT_PARAMS_SIZE);
	memcpy(&bp->hdr, image + HDR_OFF,
	       img->header_len < sizeof(bp->hdr) ? img->header_len : sizeof(bp->hdr));
	bp->hdr.type_of_loader = 0xff;
	bp->hdr.loadflags =
	    (uint8_t)((bp->hdr.loadflags | LOADED_HIGH) & ~(QUIET_FLAG | KEEP_SEGMENTS));
	bp->hdr.code32_start = (uint32_t)lay->kernel;
	bp->hdr.cmd_line_ptr = (uint32_t)lay->cmdline;
	bp->ext_cmd_line_ptr = (uint32_t)(lay->cmdline >> 32);
	bp->hdr.ramdisk_image = (uint32_t)lay->initrd;
	bp->hdr.ramdisk_size = (uint32_t)lay->initrd_size;
	bp->ext_ramdisk_image = (uint32_t)(lay->initrd >> 32);
	bp->ext_ramdisk_size = (uint32_t)(lay->initrd_size >> 32);
	bp->hdr.setup_data = lay->setup_data;

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

static int mint_open(const struct mint_kexec_spec *spec, char *err, size_t errlen)
{
	const char *path = spec->dev_path ? spec->dev_path : "/dev/mint";
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return fail(err, errlen, -errno, "%s: %s", path, strerror(errno));
	return fd;
}

static int res_op(int fd, unsigned long op, uint32_t type, uint32_t node, uint64_t id)
{
	struct mint_res r = {.type = type, .node = node, .id = id};

	return ioctl(fd, op, &r) < 0 ? -errno : 0;
}

int mint_kexec_claim(const struct mint_kexec_spec *spec, char *err, size_t errlen)
{
	static const char *const names[] = {"", "CPU", "memory block", "PCI"};
	struct mint_info info;
	uint64_t a, ids[MINT_MAX_MEM_BLOCKS + MINT_KEXEC_MAX_CPUS + MINT_KEXEC_MAX_PCI];
	uint32_t types[MINT_MAX_MEM_BLOCKS + MINT_KEXEC_MAX_CPUS + MINT_KEXEC_MAX_PCI];
	unsigned int n = 0, i;
	int fd, ret = 0;

	fd = mint_open(spec, err, errlen);
	if (fd < 0)
		return fd;
	if (ioctl(fd, MINT_IOC_INFO, &info) < 0) {
		ret = fail(err, errlen, -errno, "MINT_IOC_INFO: %s", strerror(errno));
		goto out;
	}
	if (!info.mem_block_size || spec->mem_base % info.mem_block_size ||
	    spec->mem_size % info.mem_block_size) {
		ret = fail(err, errlen, -EINVAL,
			   "memory %#llx+%#llx is not a whole number of %llu MiB blocks",
			   (unsigned long long)spec->mem_base, (unsigned long long)spec->mem_size,
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
		ret = res_op(fd, MINT_IOC_RELEASE, types[i], info.node_id, ids[i]);
		if (ret && ret != -EPERM) {
			fail(err, errlen, ret, "release %s %#llx from node%u: %s", names[types[i]],
			     (unsigned long long)ids[i], info.node_id, strerror(-ret));
			goto out;
		}
		ret = res_op(fd, MINT_IOC_CLAIM, types[i], spec->node_id, ids[i]);
		if (ret) {
			fail(err, errlen, ret, "claim %s %#llx for node%u: %s", names[types[i]],
			     (unsigned long long)ids[i], spec->node_id, strerror(-ret));
			goto out;
		}
	}
out:
	close(fd);
	return ret;
}

static int load(int fd, uint32_t node, uint64_t dest, const void *buf, uint64_t len,
		const char *what, char *err, size_t errlen)
{
	struct mint_load l = {
	    .node = node,
	    .dest = dest,
	    .buf = (uint64_t)(uintptr_t)buf,
	    .len = len,
	};

	if (ioctl(fd, MINT_IOC_LOAD, &l) < 0)
		return fail(err, errlen, -errno, "loading %s (%llu bytes at %#llx) for node%u: %s",
			    what, (unsigned long long)len, (unsigned long long)dest, node,
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
static int begin_loading(int fd, uint32_t node, char *err, size_t errlen)
{
	struct mint_node_query q = {.node = node};
	struct mint_state_change c = {.node = node, .to = MINT_NODE_LOADING};
	struct mint_stop st = {.node = node, .flags = MINT_STOP_KEEP};

	if (ioctl(fd, MINT_IOC_NODE, &q) < 0)
		return fail(err, errlen, -errno, "/dev/mint query of node%u: %s", node,
			    strerror(errno));
	if (q.state == MINT_NODE_FAILED) {
		if (ioctl(fd, MINT_IOC_STOP, &st) < 0)
			return fail(err, errlen, -errno, "node%u failed earlier; stopping it: %s",
				    node, strerror(errno));
		q.state = MINT_NODE_HALTED;
	}
	if (q.state != MINT_NODE_UNUSED && q.state != MINT_NODE_HALTED)
		return fail(err, errlen, -EBUSY, "node%u is %s, not unused or halted", node,
			    state_name(q.state));
	c.from = q.state;
	if (ioctl(fd, MINT_IOC_SET_STATE, &c) < 0)
		return fail(err, errlen, -errno, "node%u: moving it from %s to loading: %s", node,
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

int mint_kexec_boot(const struct mint_kexec_spec *spec, char *err, size_t errlen)
{
	uint8_t bp[MINT_BOOT_PARAMS_SIZE], sd[MINT_SETUP_DATA_SIZE];
	uint8_t *image = NULL, *initrd = NULL;
	size_t image_len, initrd_len = 0;
	struct mint_node_query q = {.node = spec->node_id};
	struct mint_node_env env;
	struct mint_bzimage img;
	struct mint_layout lay;
	struct mint_start st;
	struct mint_info info;
	uint64_t initrd_size;
	int fd = -1, ret, loading = 0;

	/* Everything is validated before /dev/mint is touched. */
	ret = mint_kexec_check(spec, &img, &initrd_size, err, errlen);
	if (ret)
		return ret;
	ret = mint_kexec_layout(spec, &img, initrd_size, &lay, err, errlen);
	if (ret)
		return ret;
	ret = read_file(spec->kernel_path, &image, &image_len, err, errlen);
	if (ret)
		return ret;
	ret = mint_bzimage_parse(image, image_len, spec->kernel_path, &img, err, errlen);
	if (ret)
		goto out;
	if (spec->initrd_path) {
		ret = read_file(spec->initrd_path, &initrd, &initrd_len, err, errlen);
		if (ret)
			goto out;
		if (initrd_len != lay.initrd_size) {
			ret =
			    fail(err, errlen, -EIO, "%s changed while loading", spec->initrd_path);
			goto out;
		}
	}

	fd = mint_open(spec, err, errlen);
	if (fd < 0) {
		ret = fd;
		goto out;
	}
	if (ioctl(fd, MINT_IOC_INFO, &info) < 0 || ioctl(fd, MINT_IOC_NODE, &q) < 0) {
		ret = fail(err, errlen, -errno, "/dev/mint query: %s", strerror(errno));
		goto out;
	}
	memset(&env, 0, sizeof(env));
	env.table_phys = info.table_phys;
	env.table_size = info.table_size;
	env.mem_block_size = info.mem_block_size;
	env.slot_phys = q.low_slot_phys;
	env.slot_size = q.low_slot_size;
	env.tsc_khz = info.tsc_khz;
	env.lapic_khz = info.lapic_khz;
	ret = mint_kexec_build(spec, &img, image, &lay, &env, bp, sd, err, errlen);
	if (ret)
		goto out;

	ret = begin_loading(fd, spec->node_id, err, errlen);
	if (ret)
		goto out;
	loading = 1;
	ret = load(fd, spec->node_id, lay.kernel, image + img.payload_offset, img.payload_size,
		   "kernel", err, errlen);
	if (!ret)
		ret = load(fd, spec->node_id, lay.boot_params, bp, sizeof(bp), "boot_params", err,
			   errlen);
	if (!ret)
		ret = load(fd, spec->node_id, lay.cmdline, spec->cmdline ? spec->cmdline : "",
			   spec->cmdline ? strlen(spec->cmdline) + 1 : 1, "command line", err,
			   errlen);
	if (!ret)
		ret = load(fd, spec->node_id, lay.setup_data, sd, sizeof(sd), "setup_data", err,
			   errlen);
	if (!ret && initrd_len)
		ret =
		    load(fd, spec->node_id, lay.initrd, initrd, initrd_len, "initrd", err, errlen);
	if (ret)
		goto out;

	memset(&st, 0, sizeof(st));
	st.node = spec->node_id;
	st.apic_id = spec->apic_ids[0];
	st.entry = lay.kernel + 0x200;
	st.boot_params = lay.boot_params;
	snprintf(st.name, sizeof(st.name), "%s", spec->name ? spec->name : "");
	if (ioctl(fd, MINT_IOC_START, &st) < 0)
		ret = fail(err, errlen, -errno, "starting node%u on APIC ID %u: %s", spec->node_id,
			   st.apic_id, strerror(errno));
	else
		loading = 0;
out:
	if (loading)
		abandon_loading(fd, spec->node_id);
	if (fd >= 0)
		close(fd);
	free(image);
	free(initrd);
	return ret;
}
