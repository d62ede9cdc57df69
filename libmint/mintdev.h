/* SPDX-License-Identifier: GPL-2.0 */
/*
 * This node's handle on the Mint kernel: /dev/mint's ioctls (claim, release,
 * node state) and a read-only mapping of the shared resource table. Absent
 * on kernels without Mint support.
 */
#ifndef MINT_MINTDEV_H
#define MINT_MINTDEV_H

#include <linux/mint.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpuset.h"
#include "error.h"
#include "parse.h"

#define MINT_DEV_PATH "/dev/mint"

struct mint_dev {
	int fd;
	struct mint_info info;
	const volatile struct mint_table *table; /* other kernels write it concurrently */
};

/* MINT_E_UNSUPPORTED "this kernel has no Mint support (/dev/mint is missing)" when absent. */
int mint_dev_open(struct mint_dev *dev, struct mint_error *err);
void mint_dev_close(struct mint_dev *dev);

/* FREE -> @node, and @node -> FREE; messages name the resource and the kernel's reason. */
int mint_dev_claim(struct mint_dev *dev, uint32_t type, uint32_t node, uint64_t id,
		   struct mint_error *err);
int mint_dev_release(struct mint_dev *dev, uint32_t type, uint32_t node, uint64_t id,
		     struct mint_error *err);
int mint_dev_node_state(struct mint_dev *dev, uint32_t node, uint32_t *state,
			struct mint_error *err);

/* A node stuck in "booting" becomes "failed", so that its resources can be taken back. */
int mint_dev_mark_failed(struct mint_dev *dev, uint32_t node, struct mint_error *err);

/* Compare-and-swap of @node's state (MINT_IOC_SET_STATE): MINT_E_BUSY when it is not @from. */
int mint_dev_set_state(struct mint_dev *dev, uint32_t node, uint32_t from, uint32_t to,
		       uint32_t reason, struct mint_error *err);

/*
 * Stop @node from outside (MINT_IOC_STOP, flags MINT_STOP_*): INIT its CPUs,
 * clear bus mastering on its devices, scrub its memory, free its resources
 * unless MINT_STOP_KEEP. @out (may be NULL) gets what was done.
 */
int mint_dev_stop(struct mint_dev *dev, uint32_t node, uint32_t flags, struct mint_stop *out,
		  struct mint_error *err);

/*
 * Add a PCI function the table gives this node but this kernel never scanned
 * (it came from another node): scanned alone, its BARs kept as they are.
 */
int mint_dev_pci_add(struct mint_dev *dev, const struct mint_bdf *bdf, struct mint_error *err);

/* APIC ID of each logical CPU of this kernel (-1: not present), @n entries. */
int mint_dev_cpu_map(struct mint_dev *dev, int *apic, size_t n, struct mint_error *err);

/*
 * The tail of @node's console, kept by that node's kernel in the table's ring:
 * at most @len - 1 bytes, NUL-terminated, carriage returns dropped and other
 * control characters but newlines shown as '?'. Returns the length.
 */
size_t mint_dev_node_log(const struct mint_dev *dev, uint32_t node, char *buf, size_t len);

/* Table look-ups: owner of a CPU (APIC ID), memory block (base) or PCI function; MINT_OWNER_NONE if
 * absent. */
uint32_t mint_dev_cpu_owner(const struct mint_dev *dev, unsigned apic_id);
uint32_t mint_dev_mem_owner(const struct mint_dev *dev, uint64_t base);
uint32_t mint_dev_pci_owner(const struct mint_dev *dev, const struct mint_bdf *bdf);
/* Bases of the memory blocks that are FREE in the table (at most @cap); returns how many. */
size_t mint_dev_free_blocks(const struct mint_dev *dev, uint64_t *bases, size_t cap);

const char *mint_node_state_name(uint32_t state);

const char *mint_node_reason_name(uint32_t reason);

/* A consistent-enough copy of one node's entry of the table and what it owns. */
struct mint_node_view {
	uint32_t id;
	char name[MINT_NAME_LEN + 1];
	uint32_t state;
	uint32_t reason; /* enum mint_fail_reason */
	uint32_t parent; /* MINT_OWNER_NONE: none */
	uint32_t epoch;
	uint32_t boot_cpu; /* APIC ID of its first CPU */
	uint64_t heartbeat;
	struct mint_cpuset apic_ids; /* APIC IDs of the CPUs it owns */
	uint64_t memory_bytes;
	size_t ndevs;
	struct mint_bdf devs[MINT_MAX_PCI];
	size_t nblocks;
	uint64_t blocks[MINT_MAX_MEM_BLOCKS]; /* bases of the memory blocks it owns */
};

/* Physical address of @node's low-memory (< 1 MiB) slot; 0 when it has none or there is no table. */
uint64_t mint_dev_low_slot(const struct mint_dev *dev, uint32_t node);

/* Fill @v for @node; -1 when there is no table or no such node. */
int mint_dev_node_view(const struct mint_dev *dev, uint32_t node, struct mint_node_view *v);

/* Use @table (e.g. a test's copy) as the table, without /dev/mint: read-only accessors only. */
void mint_dev_attach_table(struct mint_dev *dev, const struct mint_table *table,
			   uint32_t self);

#endif
