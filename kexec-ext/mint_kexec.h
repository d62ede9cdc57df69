/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kexec-ext: the user-space half of Mint's extended kexec.
 *
 * mint_kexec_check() reads a bzImage and an initrd into memory (once) and
 * validates them; mint_kexec_boot() builds the new node's boot_params from
 * those buffers (setup header copied from the image, an e820 map that lists
 * only the node's RAM and its low-memory slot, the command line, the initrd
 * and a SETUP_MINT setup_data record) and hands the segments to the kernel
 * half through /dev/mint, which copies them into the node's memory and
 * starts the node's first CPU.
 *
 * Every function that can fail returns 0 or -1 and fills a struct
 * mint_error (libmint/error.h): a kind, one sentence naming the file or
 * resource and the reason, and the errno of a failed system call.
 */
#ifndef MINT_KEXEC_H
#define MINT_KEXEC_H

#include <stddef.h>
#include <stdint.h>

#include <asm/bootparam.h>
#include <linux/mint.h>

#include "error.h"

/*
 * The setup_data type of the Mint record.  The Mint kernel defines it in
 * <asm/bootparam.h> next to the other setup_data types; the system's copy
 * of that header (linux-libc-dev) is older and does not have it.
 */
#ifndef SETUP_MINT
#define SETUP_MINT 10
#endif
_Static_assert(SETUP_MINT == 10, "SETUP_MINT is setup_data type 10");

#define MINT_KEXEC_MAX_CPUS MINT_BOOT_MAX_CPUS
#define MINT_KEXEC_MAX_PCI  MINT_BOOT_MAX_PCI

struct mint_kexec_spec {
	uint32_t node_id;			/* 1..MINT_MAX_NODES-1 */
	const char *name;			/* node name, may be NULL */
	const char *kernel_path;		/* bzImage */
	const char *initrd_path;		/* may be NULL */
	const char *cmdline;			/* may be NULL */
	uint32_t apic_ids[MINT_KEXEC_MAX_CPUS]; /* [0] boots first */
	unsigned int nr_cpus;
	uint64_t mem_base;  /* block aligned */
	uint64_t mem_size;  /* multiple of the memory block size */
	uint16_t uart_port; /* e.g. 0x2f8 for COM2, 0: none */
	struct mint_pci_func pci[MINT_KEXEC_MAX_PCI];
	unsigned int nr_pci;
	/* 0: take them from the running kernel (MINT_IOC_INFO) */
	uint32_t tsc_khz;
	uint32_t lapic_khz;
	const char *dev_path; /* NULL: /dev/mint */
};

/* Where the setup header starts in a bzImage (and in boot_params). */
#define MINT_BZIMAGE_HDR_OFF 0x1f1

/* What the parser learned about a bzImage. */
struct mint_bzimage {
	/*
	 * The setup header as the file has it (little endian): the first
	 * header_len bytes from MINT_BZIMAGE_HDR_OFF, the rest zero. It is
	 * what boot_params starts from.
	 */
	struct setup_header hdr;
	uint16_t version; /* boot protocol, e.g. 0x020f */
	uint8_t setup_sects;
	uint32_t setup_size;	 /* bytes of real-mode setup incl. boot sector */
	uint32_t payload_offset; /* == setup_size */
	uint64_t payload_size;	 /* protected-mode kernel bytes in the file */
	uint32_t init_size;	 /* memory the kernel needs from its load address */
	uint32_t kernel_alignment;
	uint32_t cmdline_size; /* max command line length (without NUL) */
	uint32_t initrd_addr_max;
	uint16_t xloadflags;
	uint32_t header_len; /* bytes of setup header in the file (from 0x1f1) */
};

/* A bzImage and an initrd read into memory once: checked, then loaded from here. */
struct mint_kexec_image {
	uint8_t *kernel; /* the whole bzImage file */
	size_t kernel_len;
	struct mint_bzimage bz; /* its parsed setup header */
	uint8_t *initrd;	/* NULL: no initrd */
	size_t initrd_len;
};

/* Where the segments go in physical memory. */
struct mint_layout {
	uint64_t kernel;      /* load address; 64-bit entry = kernel + 0x200 */
	uint64_t kernel_end;  /* kernel + init_size */
	uint64_t boot_params; /* one page */
	uint64_t cmdline;
	uint64_t setup_data;
	uint64_t initrd;
	uint64_t initrd_size;
};

/* Environment the running kernel reports (or a test supplies). */
struct mint_node_env {
	uint64_t table_phys;
	uint64_t table_size;
	uint64_t slot_phys;
	uint64_t slot_size;
	uint64_t mem_block_size;
	uint32_t tsc_khz;
	uint32_t lapic_khz;
};

#define MINT_BOOT_PARAMS_SIZE 4096
#define MINT_SETUP_DATA_SIZE  (sizeof(struct setup_data) + sizeof(struct mint_boot_info))

/* Parse the setup header of the bzImage in @buf; @name (may be NULL) names it in errors. */
int mint_bzimage_parse(const uint8_t *buf, size_t len, const char *name, struct mint_bzimage *img,
		       struct mint_error *err);

/*
 * Validate the spec's values, read the kernel and the initrd into @im and
 * check them, before anything is touched. On failure @im is left empty;
 * on success the caller frees it with mint_kexec_image_free().
 */
int mint_kexec_check(const struct mint_kexec_spec *spec, struct mint_kexec_image *im,
		     struct mint_error *err);
void mint_kexec_image_free(struct mint_kexec_image *im);

int mint_kexec_layout(const struct mint_kexec_spec *spec, const struct mint_bzimage *img,
		      uint64_t initrd_size, struct mint_layout *lay, struct mint_error *err);

/*
 * Build boot_params (MINT_BOOT_PARAMS_SIZE bytes) and the Mint setup_data
 * (MINT_SETUP_DATA_SIZE bytes) for the node, from the image's setup header.
 */
int mint_kexec_build(const struct mint_kexec_spec *spec, const struct mint_bzimage *img,
		     const struct mint_layout *lay, const struct mint_node_env *env,
		     uint8_t *boot_params, uint8_t *setup_data, struct mint_error *err);

/* Release the spec's CPUs, memory blocks and PCI functions from this
 * node (they must be offline/unbound already) and claim them for the
 * spec's node. */
int mint_kexec_claim(const struct mint_kexec_spec *spec, struct mint_error *err);

/*
 * Lay out, build, load and start the node from @im (as mint_kexec_check()
 * read it; nothing is read again). Resources must already be claimed.
 */
int mint_kexec_boot(const struct mint_kexec_spec *spec, const struct mint_kexec_image *im,
		    struct mint_error *err);

/*
 * A test seam, so that tests can hand a node what a buggy or hostile loader
 * would (tests/e2e/tools/mint-liar.c) and check that the kernels refuse it.
 * It is called with the built boot_params (MINT_BOOT_PARAMS_SIZE bytes), the
 * Mint setup_data (MINT_SETUP_DATA_SIZE bytes: struct setup_data, then struct
 * mint_boot_info) and the layout, after they were built and checked and
 * before the node is moved to "loading" and anything is loaded. It may change
 * any of them; nothing is checked again. The layout says where the segments
 * are loaded and what MINT_IOC_START gets (entry = kernel + 0x200,
 * boot_params). Returning -1 (with @err filled) abandons the boot before
 * /dev/mint changed anything.
 */
typedef int (*mint_kexec_hook)(uint8_t *boot_params, uint8_t *setup_data, struct mint_layout *lay,
			       void *user, struct mint_error *err);

/* mint_kexec_boot() with @hook (may be NULL: exactly mint_kexec_boot()) and its @user pointer. */
int mint_kexec_boot_hooked(const struct mint_kexec_spec *spec, const struct mint_kexec_image *im,
			   mint_kexec_hook hook, void *user, struct mint_error *err);

#endif /* MINT_KEXEC_H */
