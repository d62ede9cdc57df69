/* SPDX-License-Identifier: GPL-2.0 */
/* Memory backend: enumerate and offline/online memory blocks through /sys/devices/system/memory. */
#ifndef MINT_MEMORY_H
#define MINT_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

/* block_size_bytes; MINT_E_UNSUPPORTED when the kernel has no memory hotplug. */
int mint_mem_block_size(uint64_t *size, struct mint_error *err);

/* Add every memory block to @m, owned by m->self. m->block_size must be set. */
int mint_mem_scan(struct mint_model *m, struct mint_error *err);

/* Tries for mint_mem_offline(): pauses of 0.1 s, 0.2 s, ... add up to 3.6 s. */
#define MINT_MEM_OFFLINE_TRIES 8

/*
 * Offline a block, retrying up to @tries times with a growing pause (the
 * kernel answers EBUSY while pages are still being migrated), or online it
 * back, into ZONE_MOVABLE when the kernel offers that zone for it.
 */
int mint_mem_offline(unsigned index, unsigned tries, struct mint_error *err);
int mint_mem_online(unsigned index, struct mint_error *err);
bool mint_mem_is_online(unsigned index);
/* Does the kernel have memory block @index (present, online or not)? */
bool mint_mem_block_exists(unsigned index);
/*
 * Add the memory block at physical @base to the kernel (memory/probe); it
 * appears offline. Needs CONFIG_ARCH_MEMORY_PROBE; a Mint kernel adds only
 * blocks the resource table gives it.
 */
int mint_mem_probe(uint64_t base, struct mint_error *err);

#endif
