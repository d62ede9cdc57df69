/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What this node has released and must remember across a daemon restart:
 * CPUs, memory blocks, PCI functions with the driver and module they had,
 * and the APIC IDs of CPUs.
 * Stored as JSON in <dir>/state.json, written atomically (temp file, fsync,
 * rename, fsync of the directory).
 */
#ifndef MINT_STATE_H
#define MINT_STATE_H

#include "cpuset.h"
#include "error.h"
#include "pcidev.h"

#define MINT_STATE_MAX_MEM  4096
#define MINT_STATE_MAX_DEVS 64

struct mint_state {
	struct mint_cpuset cpus;
	size_t nmem;
	unsigned mem[MINT_STATE_MAX_MEM]; /* memory block indexes */
	size_t ndevs;
	struct mint_pci_release devs[MINT_STATE_MAX_DEVS];
	/*
	 * APIC ID of each CPU (-1: unknown). Linux shows it only while the CPU is
	 * online, and a node boots on offline CPUs: remember it across restarts.
	 */
	int apic_ids[MINT_CPUSET_MAX];
};

void mint_state_init(struct mint_state *st);
/* A missing file is an empty state; a corrupt one is an error naming the file. */
int mint_state_load(const char *dir, struct mint_state *st, struct mint_error *err);
int mint_state_save(const char *dir, const struct mint_state *st, struct mint_error *err);

/* Write <dir>/<name> atomically: a temporary file, fsync, rename, fsync of the directory. */
int mint_write_file_atomic(const char *dir, const char *name, const char *text,
			   struct mint_error *err);

bool mint_state_has_mem(const struct mint_state *st, unsigned index);
int mint_state_add_mem(struct mint_state *st, unsigned index);
void mint_state_del_mem(struct mint_state *st, unsigned index);
struct mint_pci_release *mint_state_dev(struct mint_state *st, const struct mint_bdf *bdf);
int mint_state_add_dev(struct mint_state *st, const struct mint_pci_release *rel);
void mint_state_del_dev(struct mint_state *st, const struct mint_bdf *bdf);

#endif
