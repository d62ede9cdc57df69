// SPDX-License-Identifier: GPL-2.0
#include "model.h"

#include <inttypes.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mint_model_init(struct mint_model *m, int self, uint64_t block_size)
{
	memset(m, 0, sizeof(*m));
	m->self = self;
	m->block_size = block_size;
}

void mint_model_free(struct mint_model *m)
{
	free(m->cpus);
	free(m->mem);
	free(m->pci);
	m->cpus = NULL;
	m->mem = NULL;
	m->pci = NULL;
	m->ncpus = m->nmem = m->npci = 0;
}

/*
 * The model keeps no capacity fields: an array of n elements has room for
 * max(8, next power of two >= n), so it has to grow exactly when n is 0 or a
 * power of two >= 8.
 */
static int grow(void **arr, size_t n, size_t elem)
{
	size_t cap;
	void *p;

	if (n && (n < 8 || (n & (n - 1))))
		return 0;
	cap = n ? n * 2 : 8;
	if (cap > SIZE_MAX / elem)
		return -1;
	p = realloc(*arr, cap * elem);
	if (!p)
		return -1;
	*arr = p;
	return 0;
}

/*
 * Insert @elem into the sorted array *arr of *n elements at position @pos,
 * or overwrite the element at @pos when @replace. Returns the stored element.
 */
static void *insert_at(void **arr, size_t *n, size_t elem, size_t pos, bool replace,
		       const void *src)
{
	char *base;

	if (!replace) {
		if (grow(arr, *n, elem))
			return NULL;
		base = *arr;
		memmove(base + (pos + 1) * elem, base + pos * elem, (*n - pos) * elem);
		(*n)++;
	}
	base = *arr;
	memcpy(base + pos * elem, src, elem);
	return base + pos * elem;
}

/*
 * Lower bound over a sorted array: the first position whose element is not
 * below @key (cmp(elem, key) >= 0); *found when it is equal.
 */
static size_t lower_bound(const void *base, size_t n, size_t elem, const void *key,
			  int (*cmp)(const void *elem, const void *key), bool *found)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp((const char *)base + mid * elem, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < n && cmp((const char *)base + lo * elem, key) == 0;
	return lo;
}

static int cmp_cpu(const void *elem, const void *key)
{
	unsigned a = ((const struct mint_cpu *)elem)->id, b = *(const unsigned *)key;

	return (a > b) - (a < b);
}

static int cmp_mem(const void *elem, const void *key)
{
	unsigned a = ((const struct mint_memblock *)elem)->index, b = *(const unsigned *)key;

	return (a > b) - (a < b);
}

static int cmp_pci(const void *elem, const void *key)
{
	return mint_bdf_cmp(&((const struct mint_pcidev *)elem)->bdf, key);
}

static size_t cpu_pos(const struct mint_model *m, unsigned id, bool *found)
{
	return lower_bound(m->cpus, m->ncpus, sizeof(*m->cpus), &id, cmp_cpu, found);
}

static size_t mem_pos(const struct mint_model *m, unsigned index, bool *found)
{
	return lower_bound(m->mem, m->nmem, sizeof(*m->mem), &index, cmp_mem, found);
}

static size_t pci_pos(const struct mint_model *m, const struct mint_bdf *bdf, bool *found)
{
	return lower_bound(m->pci, m->npci, sizeof(*m->pci), bdf, cmp_pci, found);
}

struct mint_cpu *mint_model_add_cpu(struct mint_model *m, const struct mint_cpu *cpu)
{
	bool found;
	size_t pos = cpu_pos(m, cpu->id, &found);

	return insert_at((void **)&m->cpus, &m->ncpus, sizeof(*cpu), pos, found, cpu);
}

struct mint_memblock *mint_model_add_mem(struct mint_model *m, const struct mint_memblock *b)
{
	bool found;
	size_t pos = mem_pos(m, b->index, &found);

	return insert_at((void **)&m->mem, &m->nmem, sizeof(*b), pos, found, b);
}

struct mint_pcidev *mint_model_add_pci(struct mint_model *m, const struct mint_pcidev *d)
{
	bool found;
	size_t pos = pci_pos(m, &d->bdf, &found);

	return insert_at((void **)&m->pci, &m->npci, sizeof(*d), pos, found, d);
}

struct mint_cpu *mint_model_cpu(const struct mint_model *m, unsigned id)
{
	bool found;
	size_t pos = cpu_pos(m, id, &found);

	return found ? &m->cpus[pos] : NULL;
}

struct mint_memblock *mint_model_mem(const struct mint_model *m, unsigned index)
{
	bool found;
	size_t pos = mem_pos(m, index, &found);

	return found ? &m->mem[pos] : NULL;
}

struct mint_pcidev *mint_model_pci(const struct mint_model *m, const struct mint_bdf *bdf)
{
	bool found;
	size_t pos = pci_pos(m, bdf, &found);

	return found ? &m->pci[pos] : NULL;
}

void mint_owner_name(int owner, char *buf, size_t len)
{
	if (!buf || !len)
		return;
	if (owner == MINT_FREE)
		snprintf(buf, len, "free");
	else if (owner < 0)
		snprintf(buf, len, "invalid owner %d", owner);
	else
		snprintf(buf, len, "node%d", owner);
}

bool mint_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	if (!alen || !blen)
		return false;
	/* Differences instead of ends, so ranges reaching 2^64 do not wrap. */
	if (a <= b)
		return b - a < alen;
	return a - b < blen;
}

/* "CPU 99 does not exist (this machine has CPUs 0-3)" */
static int cpu_notfound(const struct mint_model *m, unsigned id, struct mint_error *err)
{
	struct mint_cpuset all;
	char list[MINT_ERR_MSG_MAX];

	if (!m->ncpus)
		return mint_fail(err, MINT_E_NOTFOUND,
				 "CPU %u does not exist (this machine has no CPUs)", id);
	mint_cpuset_clear(&all);
	for (size_t i = 0; i < m->ncpus; i++)
		mint_cpuset_add(&all, m->cpus[i].id);
	mint_cpuset_format(&all, list, sizeof(list)); /* truncation is fine in a message */
	return mint_fail(err, MINT_E_NOTFOUND, "CPU %u does not exist (this machine has CPU%s %s)",
			 id, m->ncpus > 1 ? "s" : "", list);
}

int mint_model_check_cpu_release(const struct mint_model *m, const struct mint_cpuset *cpus,
				 struct mint_error *err)
{
	char owner[32], list[MINT_ERR_MSG_MAX];
	unsigned left = 0;

	if (mint_cpuset_empty(cpus))
		return mint_fail(err, MINT_E_INVALID, "no CPU given to release");
	for (int c = mint_cpuset_next(cpus, 0); c >= 0;
	     c = mint_cpuset_next(cpus, (unsigned)c + 1)) {
		const struct mint_cpu *cpu = mint_model_cpu(m, (unsigned)c);

		if (!cpu)
			return cpu_notfound(m, (unsigned)c, err);
		if (c == 0)
			return mint_fail(err, MINT_E_INVALID,
					 "CPU 0 is the boot CPU and cannot be released");
		if (cpu->owner == MINT_FREE)
			return mint_fail(err, MINT_E_STATE, "CPU %d is already released", c);
		if (cpu->owner != m->self) {
			mint_owner_name(cpu->owner, owner, sizeof(owner));
			return mint_fail(err, MINT_E_BUSY, "CPU %d belongs to %s", c, owner);
		}
		if (!cpu->hotpluggable)
			return mint_fail(err, MINT_E_UNSUPPORTED,
					 "CPU %d cannot be taken offline (no hotplug support)", c);
	}
	for (size_t i = 0; i < m->ncpus; i++) {
		const struct mint_cpu *cpu = &m->cpus[i];

		if (cpu->owner == m->self && cpu->online && !mint_cpuset_has(cpus, cpu->id))
			left++;
	}
	if (!left) {
		mint_cpuset_format(cpus, list, sizeof(list));
		mint_owner_name(m->self, owner, sizeof(owner));
		return mint_fail(err, MINT_E_INVALID,
				 "cannot release CPU%s %s: %s would have no online CPU left",
				 mint_cpuset_count(cpus) > 1 ? "s" : "", list, owner);
	}
	return 0;
}

int mint_model_check_cpu_boot(const struct mint_model *m, const struct mint_cpuset *cpus,
			      struct mint_error *err)
{
	struct mint_cpuset own;

	mint_cpuset_clear(&own);
	if (mint_cpuset_empty(cpus))
		return mint_fail(err, MINT_E_INVALID, "no CPU given");
	for (int c = mint_cpuset_next(cpus, 0); c >= 0;
	     c = mint_cpuset_next(cpus, (unsigned)c + 1)) {
		const struct mint_cpu *cpu = mint_model_cpu(m, (unsigned)c);

		if (cpu && cpu->owner == MINT_FREE && !cpu->online)
			continue; /* free already: nothing to take offline */
		mint_cpuset_add(&own, (unsigned)c);
	}
	return mint_cpuset_empty(&own) ? 0 : mint_model_check_cpu_release(m, &own, err);
}

int mint_model_check_cpu_reclaim(const struct mint_model *m, const struct mint_cpuset *cpus,
				 struct mint_error *err)
{
	char owner[32];

	if (mint_cpuset_empty(cpus))
		return mint_fail(err, MINT_E_INVALID, "no CPU given to reclaim");
	for (int c = mint_cpuset_next(cpus, 0); c >= 0;
	     c = mint_cpuset_next(cpus, (unsigned)c + 1)) {
		const struct mint_cpu *cpu = mint_model_cpu(m, (unsigned)c);

		if (!cpu)
			return cpu_notfound(m, (unsigned)c, err);
		if (cpu->owner == MINT_FREE)
			continue;
		mint_owner_name(cpu->owner, owner, sizeof(owner));
		if (cpu->owner == m->self)
			return mint_fail(err, MINT_E_STATE,
					 "CPU %d is not released (it is in use by %s)", c, owner);
		return mint_fail(err, MINT_E_BUSY, "CPU %d belongs to %s", c, owner);
	}
	return 0;
}

/* Release order: movable blocks first, then the others; each group highest base first. */
static int cmp_release(const void *pa, const void *pb, void *arg)
{
	const struct mint_memblock *mem = arg;
	const struct mint_memblock *a = &mem[*(const size_t *)pa], *b = &mem[*(const size_t *)pb];

	if (a->movable != b->movable)
		return a->movable ? -1 : 1;
	return (a->base < b->base) - (a->base > b->base);
}

/* Reclaim order: lowest base first. */
static int cmp_reclaim(const void *pa, const void *pb, void *arg)
{
	const struct mint_memblock *mem = arg;
	const struct mint_memblock *a = &mem[*(const size_t *)pa], *b = &mem[*(const size_t *)pb];

	return (a->base > b->base) - (a->base < b->base);
}

static int pick_mem(const struct mint_model *m, uint64_t bytes, bool release, size_t *out,
		    size_t cap, size_t *n, struct mint_error *err)
{
	char want[32], have[32];
	size_t need, ncand = 0, *cand;

	*n = 0;
	if (mint_check_mem_size(bytes, m->block_size, err))
		return -1;
	need = bytes / m->block_size;
	cand = malloc((m->nmem ? m->nmem : 1) * sizeof(*cand));
	if (!cand)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	for (size_t i = 0; i < m->nmem; i++) {
		const struct mint_memblock *b = &m->mem[i];

		if (release ? (b->online && b->owner == m->self && b->removable)
			    : b->owner == MINT_FREE && !b->absent)
			cand[ncand++] = i;
	}
	mint_format_size(bytes, want, sizeof(want));
	if (ncand < need) {
		free(cand);
		mint_format_size((uint64_t)ncand * m->block_size, have, sizeof(have));
		if (release && ncand)
			return mint_fail(err, MINT_E_BUSY,
					 "only %s of memory can be released (asked for %s)", have,
					 want);
		if (release)
			return mint_fail(err, MINT_E_BUSY,
					 "no memory can be released (asked for %s)", want);
		if (ncand)
			return mint_fail(
			    err, MINT_E_STATE,
			    "only %s of released memory can be reclaimed (asked for %s)", have,
			    want);
		return mint_fail(err, MINT_E_STATE,
				 "no released memory can be reclaimed (asked for %s)", want);
	}
	if (need > cap) {
		free(cand);
		return mint_fail(
		    err, MINT_E_INVALID,
		    "%s needs %zu memory blocks, but at most %zu can be handled at once", want,
		    need, cap);
	}
	qsort_r(cand, ncand, sizeof(*cand), release ? cmp_release : cmp_reclaim, m->mem);
	memcpy(out, cand, need * sizeof(*cand));
	*n = need;
	free(cand);
	return 0;
}

int mint_model_pick_mem_release(const struct mint_model *m, uint64_t bytes, size_t *out, size_t cap,
				size_t *n, struct mint_error *err)
{
	return pick_mem(m, bytes, true, out, cap, n, err);
}

int mint_model_pick_mem_reclaim(const struct mint_model *m, uint64_t bytes, size_t *out, size_t cap,
				size_t *n, struct mint_error *err)
{
	return pick_mem(m, bytes, false, out, cap, n, err);
}

static const struct mint_pcidev *pci_lookup(const struct mint_model *m, const struct mint_bdf *bdf,
					    char name[MINT_BDF_STRLEN], struct mint_error *err)
{
	const struct mint_pcidev *d = mint_model_pci(m, bdf);

	mint_format_bdf(bdf, name);
	if (!d)
		mint_fail(err, MINT_E_NOTFOUND, "PCI device %s does not exist", name);
	return d;
}

int mint_model_check_pci_release(const struct mint_model *m, const struct mint_bdf *bdf,
				 struct mint_error *err)
{
	char name[MINT_BDF_STRLEN], owner[32];
	const struct mint_pcidev *d = pci_lookup(m, bdf, name, err);

	if (!d)
		return -1;
	if (d->owner == MINT_FREE)
		return mint_fail(err, MINT_E_STATE, "PCI device %s is already released", name);
	if (d->owner != m->self) {
		mint_owner_name(d->owner, owner, sizeof(owner));
		return mint_fail(err, MINT_E_BUSY, "PCI device %s belongs to %s", name, owner);
	}
	if (d->in_use[0])
		return mint_fail(err, MINT_E_BUSY, "PCI device %s is in use: %.*s", name,
				 (int)sizeof(d->in_use), d->in_use);
	return 0;
}

int mint_model_check_pci_reclaim(const struct mint_model *m, const struct mint_bdf *bdf,
				 struct mint_error *err)
{
	char name[MINT_BDF_STRLEN], owner[32];
	const struct mint_pcidev *d = pci_lookup(m, bdf, name, err);

	if (!d)
		return -1;
	if (d->owner == MINT_FREE)
		return 0;
	mint_owner_name(d->owner, owner, sizeof(owner));
	if (d->owner == m->self)
		return mint_fail(err, MINT_E_STATE,
				 "PCI device %s is not released (it is in use by %s)", name, owner);
	return mint_fail(err, MINT_E_BUSY, "PCI device %s belongs to %s", name, owner);
}

static bool releasable(const struct mint_model *m, const struct mint_memblock *b)
{
	return b->online && b->owner == m->self && b->removable;
}

/* A block a new node can boot on: this node can release it, or it is FREE already. */
static bool bootable(const struct mint_model *m, const struct mint_memblock *b)
{
	return releasable(m, b) || (b->owner == MINT_FREE && !b->online);
}

/* Blocks i and i+1 of m->mem are neighbours in physical memory. */
static bool adjacent(const struct mint_model *m, size_t i)
{
	return m->mem[i + 1].base == m->mem[i].base + m->block_size;
}

int mint_model_pick_mem_range(const struct mint_model *m, uint64_t bytes, size_t *out, size_t cap,
			      size_t *n, struct mint_error *err)
{
	size_t need, best = SIZE_MAX, longest = 0;
	int best_rank = -1;
	char want[32], have[32];

	*n = 0;
	if (mint_check_mem_size(bytes, m->block_size, err))
		return -1;
	need = bytes / m->block_size;
	if (need > cap)
		return mint_fail(err, MINT_E_INVALID,
				 "%" PRIu64
				 " bytes need %zu memory blocks, at most %zu are supported",
				 bytes, need, cap);
	/* Walk runs of releasable neighbours; the window ending at the run's top is the candidate.
	 */
	for (size_t i = 0, run = 0; i < m->nmem; i++) {
		bool movable = true, all_free = true;
		int rank;

		run = bootable(m, &m->mem[i]) ? (run && adjacent(m, i - 1) ? run + 1 : 1) : 0;
		longest = run > longest ? run : longest;
		if (run < need)
			continue;
		for (size_t k = i + 1 - need; k <= i; k++) {
			movable &= m->mem[k].movable || m->mem[k].owner == MINT_FREE;
			all_free &= m->mem[k].owner == MINT_FREE;
		}
		/* All FREE (nothing to offline) first, then all movable; the highest wins ties. */
		rank = all_free ? 2 : movable ? 1 : 0;
		if (rank >= best_rank) {
			best = i + 1 - need;
			best_rank = rank;
		}
	}
	if (best == SIZE_MAX) {
		mint_format_size(bytes, want, sizeof(want));
		mint_format_size((uint64_t)longest * m->block_size, have, sizeof(have));
		return mint_fail(err, MINT_E_BUSY,
				 "no %s range of contiguous releasable memory (the largest is %s)",
				 want, longest ? have : "0");
	}
	for (size_t k = 0; k < need; k++)
		out[k] = best + k;
	*n = need;
	return 0;
}
