// SPDX-License-Identifier: GPL-2.0
/*
 * The model of this node: what sysfs shows, with the resources this node
 * released marked FREE and, with a Mint kernel, the owners the shared
 * resource table records.
 */
#include "ops.h"

#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "memory.h"

static void mark_released(struct mintd *d, struct mint_model *m)
{
	pthread_mutex_lock(&d->lock);
	for (size_t i = 0; i < m->ncpus; i++)
		if (mint_cpuset_has(&d->state.cpus, m->cpus[i].id))
			m->cpus[i].owner = MINT_FREE;
	for (size_t i = 0; i < m->nmem; i++)
		if (mint_state_has_mem(&d->state, m->mem[i].index))
			m->mem[i].owner = MINT_FREE;
	for (size_t i = 0; i < m->npci; i++)
		if (mint_state_dev(&d->state, &m->pci[i].bdf))
			m->pci[i].owner = MINT_FREE;
	pthread_mutex_unlock(&d->lock);
}

/* CPUs, with the APIC IDs learned so far; what the scan learns is kept. */
static int scan_cpus(struct mintd *d, struct mint_model *m, struct mint_error *err)
{
	int *apic = malloc(sizeof(d->apic_cache));
	int ret;

	if (!apic)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	pthread_mutex_lock(&d->lock);
	memcpy(apic, d->apic_cache, sizeof(d->apic_cache));
	pthread_mutex_unlock(&d->lock);
	ret = mint_cpu_scan(m, apic, err);
	pthread_mutex_lock(&d->lock);
	for (size_t c = 0; c < MINT_CPUSET_MAX; c++)
		if (d->apic_cache[c] < 0)
			d->apic_cache[c] = apic[c];
	pthread_mutex_unlock(&d->lock);
	free(apic);
	return ret;
}

int ops_scan_raw(struct mintd *d, unsigned what, struct mint_model *m, struct mint_error *err)
{
	uint64_t block_size = 0;

	if ((what & MODEL_MEM) && mint_mem_block_size(&block_size, err))
		return -1;
	mint_model_init(m, d->self, block_size);
	if (((what & MODEL_CPUS) && scan_cpus(d, m, err)) ||
	    ((what & MODEL_MEM) && mint_mem_scan(m, err)) ||
	    ((what & MODEL_PCI) && mint_pci_scan(m, what & MODEL_PCI_NAMES, err))) {
		mint_model_free(m);
		return -1;
	}
	return 0;
}

/* A table slot without a resource (MINT_OWNER_NONE) leaves what sysfs said. */
static int table_owner(uint32_t owner, int fallback)
{
	if (owner == MINT_OWNER_NONE)
		return fallback;
	return owner == MINT_OWNER_FREE ? MINT_FREE : (int)owner;
}

static void apply_table(struct mintd *d, struct mint_model *m)
{
	for (size_t i = 0; i < m->ncpus; i++)
		if (m->cpus[i].apic_id >= 0)
			m->cpus[i].owner =
			    table_owner(mint_dev_cpu_owner(&d->dev, (unsigned)m->cpus[i].apic_id),
					m->cpus[i].owner);
	for (size_t i = 0; i < m->nmem; i++)
		m->mem[i].owner =
		    table_owner(mint_dev_mem_owner(&d->dev, m->mem[i].base), m->mem[i].owner);
	for (size_t i = 0; i < m->npci; i++)
		m->pci[i].owner =
		    table_owner(mint_dev_pci_owner(&d->dev, &m->pci[i].bdf), m->pci[i].owner);
}

/* Blocks FREE in the table that this kernel never had (left free at boot, or by another node). */
static void add_absent_free(struct mintd *d, struct mint_model *m)
{
	uint64_t *bases = calloc(MINT_MAX_MEM_BLOCKS, sizeof(*bases));
	size_t n;

	if (!bases || !m->block_size) {
		free(bases);
		return;
	}
	n = mint_dev_free_blocks(&d->dev, bases, MINT_MAX_MEM_BLOCKS);
	for (size_t i = 0; i < n; i++) {
		struct mint_memblock b = {.index = (unsigned)(bases[i] / m->block_size),
					  .base = bases[i],
					  .absent = true,
					  .owner = MINT_FREE};

		if (bases[i] % m->block_size || mint_model_mem(m, b.index))
			continue;
		mint_model_add_mem(m, &b);
	}
	free(bases);
}

/* What a never-online CPU's APIC ID is, from the kernel (a Mint kernel knows them all). */
static void learn_apic_ids(struct mintd *d, struct mint_model *m)
{
	int *map = calloc(MINT_CPUSET_MAX, sizeof(*map));

	if (map && !mint_dev_cpu_map(&d->dev, map, MINT_CPUSET_MAX, NULL)) {
		pthread_mutex_lock(&d->lock);
		for (size_t i = 0; i < m->ncpus; i++) {
			unsigned c = m->cpus[i].id;

			if (m->cpus[i].apic_id < 0 && c < MINT_CPUSET_MAX && map[c] >= 0)
				m->cpus[i].apic_id = d->apic_cache[c] = map[c];
		}
		pthread_mutex_unlock(&d->lock);
	}
	free(map);
}

int ops_scan(struct mintd *d, unsigned what, struct mint_model *m, struct mint_error *err)
{
	if (ops_scan_raw(d, what, m, err))
		return -1;
	mark_released(d, m);
	if (d->mint_kernel) {
		if (what & MODEL_CPUS)
			learn_apic_ids(d, m);
		apply_table(d, m);
		if ((what & MODEL_MEM) && (what & MODEL_FREE_MEM))
			add_absent_free(d, m);
	}
	return 0;
}
