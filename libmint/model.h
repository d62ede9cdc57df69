/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The resource model: one node's view of the machine's CPUs, memory blocks
 * and PCI functions and who holds each of them. Every resource has exactly
 * one owner (a node id) or is FREE. A node may release only what it owns and
 * reclaim only what is FREE. The functions here only validate and choose;
 * the sysfs backends (cpu.c, memory.c, pcidev.c) change the machine.
 */
#ifndef MINT_MODEL_H
#define MINT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpuset.h"
#include "error.h"
#include "parse.h"

#define MINT_FREE (-1)

struct mint_cpu {
	unsigned id; /* logical CPU number in this kernel */
	int apic_id; /* -1 when unknown (CPU never came online here) */
	bool online;
	bool hotpluggable; /* sysfs has cpuN/online */
	int owner;	   /* node id or MINT_FREE */
};

struct mint_memblock {
	unsigned index; /* /sys/devices/system/memory/memory<index> */
	uint64_t base;	/* physical address = index * block_size */
	bool online;
	bool removable; /* the kernel may be able to offline it */
	bool movable;	/* lies in ZONE_MOVABLE: offlining is expected to succeed */
	bool absent;	/* FREE in the table, never in this kernel (no memoryN in sysfs) */
	int owner;
};

struct mint_pcidev {
	struct mint_bdf bdf;
	uint16_t vendor;
	uint16_t device;
	uint32_t class;	  /* 24-bit class code */
	char name[128];	  /* human-readable, from libpci */
	char driver[64];  /* bound driver, "" when none */
	char module[64];  /* module providing the driver, "" when built in or none */
	char in_use[160]; /* non-empty: why it must not be released now */
	bool msi;	  /* has an MSI or MSI-X capability */
	int owner;
};

struct mint_model {
	int self;	     /* id of the node this model belongs to */
	uint64_t block_size; /* memory block size in bytes */
	size_t ncpus;
	struct mint_cpu *cpus; /* sorted by id */
	size_t nmem;
	struct mint_memblock *mem; /* sorted by index */
	size_t npci;
	struct mint_pcidev *pci; /* sorted by BDF */
};

void mint_model_init(struct mint_model *m, int self, uint64_t block_size);
void mint_model_free(struct mint_model *m);
/*
 * Append a copy; keep arrays sorted. An element with the same key (CPU id,
 * block index, BDF) is overwritten. Return pointer to the stored element
 * (valid until the next add) or NULL (ENOMEM).
 */
struct mint_cpu *mint_model_add_cpu(struct mint_model *m, const struct mint_cpu *cpu);
struct mint_memblock *mint_model_add_mem(struct mint_model *m, const struct mint_memblock *b);
struct mint_pcidev *mint_model_add_pci(struct mint_model *m, const struct mint_pcidev *d);

struct mint_cpu *mint_model_cpu(const struct mint_model *m, unsigned id);
struct mint_memblock *mint_model_mem(const struct mint_model *m, unsigned index);
struct mint_pcidev *mint_model_pci(const struct mint_model *m, const struct mint_bdf *bdf);

/*
 * Release checks, all-or-nothing (nothing is chosen when one item fails):
 *   unknown CPU        -> MINT_E_NOTFOUND "CPU 99 does not exist (this machine has CPUs 0-3)"
 *   CPU 0              -> MINT_E_INVALID  "CPU 0 is the boot CPU and cannot be released"
 *   owned elsewhere    -> MINT_E_BUSY     "CPU 3 belongs to node1"
 *   already released   -> MINT_E_STATE    "CPU 3 is already released"
 *   not hotpluggable   -> MINT_E_UNSUPPORTED "CPU 3 cannot be taken offline (no hotplug support)"
 *   releasing all remaining online CPUs of self is refused (MINT_E_INVALID).
 */
int mint_model_check_cpu_release(const struct mint_model *m, const struct mint_cpuset *cpus,
				 struct mint_error *err);
/*   unknown -> NOTFOUND; owned by self -> MINT_E_STATE "CPU 3 is not released (it is in use by
 * node0)"; owned elsewhere -> BUSY "CPU 3 belongs to node1". */
int mint_model_check_cpu_reclaim(const struct mint_model *m, const struct mint_cpuset *cpus,
				 struct mint_error *err);

/*
 * Choose blocks to release for @bytes: online, owned by self, removable;
 * ZONE_MOVABLE blocks first, then the others, each group highest address first.
 * Size rules via mint_check_mem_size(); not enough candidates ->
 * MINT_E_BUSY "only 256M of memory can be released (asked for 512M)"
 * ("no memory can be released (asked for 512M)" when there is none).
 * Writes block indexes (positions in m->mem, not memblock.index) to @out
 * (capacity @cap; too small -> MINT_E_INVALID), count to @n. Nothing is
 * written to @out and *n is 0 on error.
 */
int mint_model_pick_mem_release(const struct mint_model *m, uint64_t bytes, size_t *out, size_t cap,
				size_t *n, struct mint_error *err);
/*
 * Choose FREE blocks to take back for @bytes, lowest address first. Not enough ->
 * MINT_E_STATE "only 128M of released memory can be reclaimed (asked for 256M)".
 */
int mint_model_pick_mem_reclaim(const struct mint_model *m, uint64_t bytes, size_t *out, size_t cap,
				size_t *n, struct mint_error *err);

/*
 * CPUs for a new node: each is this node's and releasable (as for a release),
 * or FREE and offline here (released earlier, or left free at boot). This node
 * keeps at least one online CPU.
 */
int mint_model_check_cpu_boot(const struct mint_model *m, const struct mint_cpuset *cpus,
			      struct mint_error *err);

/*
 * Choose @bytes of physically contiguous blocks for a new node, each either
 * releasable or FREE and offline (also absent ones): windows that are all FREE
 * first (nothing has to go offline), then all ZONE_MOVABLE, each the highest.
 * None -> MINT_E_BUSY "no 512M range of contiguous releasable memory (the largest is 256M)".
 */
int mint_model_pick_mem_range(const struct mint_model *m, uint64_t bytes, size_t *out, size_t cap,
			      size_t *n, struct mint_error *err);

/*
 *   unknown BDF        -> NOTFOUND "PCI device 0000:07:00.0 does not exist"
 *   owned elsewhere    -> BUSY "PCI device ... belongs to node1"
 *   already released   -> STATE "PCI device ... is already released"
 *   in use             -> BUSY "PCI device ... is in use: <in_use>"
 */
int mint_model_check_pci_release(const struct mint_model *m, const struct mint_bdf *bdf,
				 struct mint_error *err);
int mint_model_check_pci_reclaim(const struct mint_model *m, const struct mint_bdf *bdf,
				 struct mint_error *err);

/* True when [a, a+alen) and [b, b+blen) share at least one byte. */
bool mint_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen);

/* "node3" into buf; MINT_FREE -> "free". */
void mint_owner_name(int owner, char *buf, size_t len);

#endif
