// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model.h"

#include "util.h"
#define M	      (UINT64_C(1) << 20)
#define BLOCK	      (128 * M)
#define FREE	      MINT_FREE

#define assert_msg_contains(msg, part)                                                             \
	do {                                                                                       \
		if (!strstr((msg), (part)))                                                        \
			fail_msg("message \"%s\" does not contain \"%s\"", (msg), (part));         \
	} while (0)

static void fresh(struct mint_error *err)
{
	err->kind = MINT_OK;
	strcpy(err->msg, "untouched");
}

static void add_cpu(struct mint_model *m, unsigned id, bool online, bool hp, int owner)
{
	struct mint_cpu c = {
	    .id = id, .apic_id = (int)id * 2, .online = online, .hotpluggable = hp, .owner = owner};

	assert_non_null(mint_model_add_cpu(m, &c));
}

static void add_mem(struct mint_model *m, unsigned index, bool online, bool removable, bool movable,
		    int owner)
{
	struct mint_memblock b = {.index = index,
				  .base = (uint64_t)index * m->block_size,
				  .online = online,
				  .removable = removable,
				  .movable = movable,
				  .owner = owner};

	assert_non_null(mint_model_add_mem(m, &b));
}

static struct mint_bdf bdf(unsigned bus, unsigned dev, unsigned fn)
{
	struct mint_bdf b = {0, (uint8_t)bus, (uint8_t)dev, (uint8_t)fn};

	return b;
}

static void add_pci(struct mint_model *m, struct mint_bdf b, int owner, const char *in_use)
{
	struct mint_pcidev d;

	memset(&d, 0, sizeof(d));
	d.bdf = b;
	d.vendor = 0x1af4;
	d.device = 0x1000;
	d.msi = true;
	d.owner = owner;
	snprintf(d.in_use, sizeof(d.in_use), "%s", in_use);
	assert_non_null(mint_model_add_pci(m, &d));
}

static struct mint_cpuset cpus(const char *list)
{
	struct mint_cpuset s;
	struct mint_error err;

	if (mint_parse_cpulist(list, &s, &err))
		fail_msg("bad test CPU list %s: %s", list, err.msg);
	return s;
}

/*
 * node0's view of a 4-CPU machine: CPU 0 (boot, no hotplug) and 1 are node0's
 * and online, 2 belongs to node1, 3 is free.
 */
static void machine(struct mint_model *m, int self)
{
	mint_model_init(m, self, BLOCK);
	add_cpu(m, 3, false, true, FREE);
	add_cpu(m, 1, true, true, 0);
	add_cpu(m, 0, true, false, 0);
	add_cpu(m, 2, false, true, 1);
}

/* ---- insertion and lookup ---- */

static void test_add_sorted(void **state)
{
	struct mint_model m;

	machine(&m, 0);
	assert_int_equal(m.ncpus, 4);
	for (size_t i = 0; i < m.ncpus; i++)
		assert_int_equal(m.cpus[i].id, i);
	assert_non_null(mint_model_cpu(&m, 2));
	assert_int_equal(mint_model_cpu(&m, 2)->owner, 1);
	assert_int_equal(mint_model_cpu(&m, 3)->apic_id, 6);
	assert_null(mint_model_cpu(&m, 4));
	assert_null(mint_model_cpu(&m, 99));

	/* same id again: replaced, not duplicated */
	add_cpu(&m, 2, true, true, 0);
	assert_int_equal(m.ncpus, 4);
	assert_int_equal(mint_model_cpu(&m, 2)->owner, 0);
	assert_true(mint_model_cpu(&m, 2)->online);
	mint_model_free(&m);
	assert_int_equal(m.ncpus, 0);
	assert_null(m.cpus);
	assert_null(mint_model_cpu(&m, 0));
	mint_model_free(&m);
}

static void test_add_many_shuffled(void **state)
{
	enum { N = 1000 };
	static unsigned ids[N];
	struct mint_model m;

	mint_model_init(&m, 0, BLOCK);
	/* a permutation of 0..N-1 (7 and 1000 are coprime), with gaps: id*3 */
	for (unsigned i = 0; i < N; i++)
		ids[i] = ((i * 7) % N) * 3;
	for (unsigned i = 0; i < N; i++) {
		struct mint_memblock b = {.index = ids[i], .base = (uint64_t)ids[i] * BLOCK};
		struct mint_memblock *p = mint_model_add_mem(&m, &b);

		assert_non_null(p);
		assert_int_equal(p->index, ids[i]);
		add_cpu(&m, ids[i] % MINT_CPUSET_MAX, true, true, 0);
		add_pci(&m, bdf((ids[i] / 32) & 0xff, ids[i] % 32, ids[i] % 8), 0, "");
	}
	assert_int_equal(m.nmem, N);
	for (size_t i = 1; i < m.nmem; i++)
		assert_true(m.mem[i - 1].index < m.mem[i].index);
	for (size_t i = 1; i < m.ncpus; i++)
		assert_true(m.cpus[i - 1].id < m.cpus[i].id);
	for (size_t i = 1; i < m.npci; i++)
		assert_true(mint_bdf_cmp(&m.pci[i - 1].bdf, &m.pci[i].bdf) < 0);
	for (unsigned i = 0; i < 3 * N; i++) {
		struct mint_memblock *b = mint_model_mem(&m, i);

		if (i % 3) {
			assert_null(b);
		} else {
			assert_non_null(b);
			assert_int_equal(b->index, i);
			assert_int_equal(b->base, (uint64_t)i * BLOCK);
		}
	}
	mint_model_free(&m);
}

static void test_pci_lookup(void **state)
{
	struct mint_model m;
	struct mint_bdf b1 = bdf(3, 0, 0), b2 = bdf(3, 0, 1), b3 = bdf(0, 0x1f, 7);
	struct mint_bdf other = {1, 3, 0, 0};

	mint_model_init(&m, 0, BLOCK);
	add_pci(&m, b2, 0, "");
	add_pci(&m, b1, 1, "");
	add_pci(&m, b3, FREE, "");
	assert_int_equal(m.npci, 3);
	assert_int_equal(mint_bdf_cmp(&m.pci[0].bdf, &b3), 0);
	assert_int_equal(mint_bdf_cmp(&m.pci[1].bdf, &b1), 0);
	assert_int_equal(mint_bdf_cmp(&m.pci[2].bdf, &b2), 0);
	assert_int_equal(mint_model_pci(&m, &b1)->owner, 1);
	assert_int_equal(mint_model_pci(&m, &b3)->owner, FREE);
	assert_null(mint_model_pci(&m, &other));
	mint_model_free(&m);
}

/* ---- CPU release ---- */

struct cpu_case {
	int self;
	const char *list;
	enum mint_errkind kind;
	const char *msg; /* exact message */
};

static void run_cpu_cases(const struct cpu_case *cases, size_t n, bool release)
{
	for (size_t i = 0; i < n; i++) {
		struct mint_model m;
		struct mint_cpuset s = cpus(cases[i].list);
		struct mint_error err;
		int r;

		machine(&m, cases[i].self);
		fresh(&err);
		r = release ? mint_model_check_cpu_release(&m, &s, &err)
			    : mint_model_check_cpu_reclaim(&m, &s, &err);
		if (cases[i].kind == MINT_OK) {
			if (r)
				fail_msg("node%d %s %s refused: %s", cases[i].self,
					 release ? "release" : "reclaim", cases[i].list, err.msg);
		} else {
			if (!r)
				fail_msg("node%d %s %s accepted", cases[i].self,
					 release ? "release" : "reclaim", cases[i].list);
			assert_int_equal(err.kind, cases[i].kind);
			assert_string_equal(err.msg, cases[i].msg);
		}
		mint_model_free(&m);
	}
}

static void test_cpu_release(void **state)
{
	static const struct cpu_case cases[] = {
	    {0, "1", MINT_OK, NULL},
	    {0, "99", MINT_E_NOTFOUND, "CPU 99 does not exist (this machine has CPUs 0-3)"},
	    {0, "4", MINT_E_NOTFOUND, "CPU 4 does not exist (this machine has CPUs 0-3)"},
	    {0, "0", MINT_E_INVALID, "CPU 0 is the boot CPU and cannot be released"},
	    {0, "2", MINT_E_BUSY, "CPU 2 belongs to node1"},
	    {0, "3", MINT_E_STATE, "CPU 3 is already released"},
	    /* all or nothing: the first bad CPU fails the whole request */
	    {0, "1-2", MINT_E_BUSY, "CPU 2 belongs to node1"},
	    {0, "1,3", MINT_E_STATE, "CPU 3 is already released"},
	    {0, "1,99", MINT_E_NOTFOUND, "CPU 99 does not exist (this machine has CPUs 0-3)"},
	    {0, "0-1", MINT_E_INVALID, "CPU 0 is the boot CPU and cannot be released"},
	    /* seen from node1 */
	    {1, "1", MINT_E_BUSY, "CPU 1 belongs to node0"},
	    {1, "2", MINT_E_INVALID, "cannot release CPU 2: node1 would have no online CPU left"},
	    {2, "2", MINT_E_BUSY, "CPU 2 belongs to node1"},
	};

	run_cpu_cases(cases, ARRAY_SIZE(cases), true);
}

static void test_cpu_release_not_hotpluggable(void **state)
{
	struct mint_model m;
	struct mint_cpuset s = cpus("1-2");
	struct mint_error err;

	mint_model_init(&m, 0, BLOCK);
	add_cpu(&m, 0, true, false, 0);
	add_cpu(&m, 1, true, true, 0);
	add_cpu(&m, 2, true, false, 0);
	fresh(&err);
	assert_int_equal(mint_model_check_cpu_release(&m, &s, &err), -1);
	assert_int_equal(err.kind, MINT_E_UNSUPPORTED);
	assert_string_equal(err.msg, "CPU 2 cannot be taken offline (no hotplug support)");
	mint_model_free(&m);
}

static void test_cpu_release_last_online(void **state)
{
	struct mint_model m;
	struct mint_cpuset s;
	struct mint_error err;

	/* node1 owns 1-3 (all online) and nothing else runs it */
	mint_model_init(&m, 1, BLOCK);
	add_cpu(&m, 0, true, false, 0);
	add_cpu(&m, 1, true, true, 1);
	add_cpu(&m, 2, true, true, 1);
	add_cpu(&m, 3, true, true, 1);
	add_cpu(&m, 4, false, true, 1); /* owned but offline: does not count */

	s = cpus("1-3");
	fresh(&err);
	assert_int_equal(mint_model_check_cpu_release(&m, &s, &err), -1);
	assert_int_equal(err.kind, MINT_E_INVALID);
	assert_string_equal(err.msg,
			    "cannot release CPUs 1-3: node1 would have no online CPU left");

	s = cpus("1-4");
	fresh(&err);
	assert_int_equal(mint_model_check_cpu_release(&m, &s, &err), -1);
	assert_string_equal(err.msg,
			    "cannot release CPUs 1-4: node1 would have no online CPU left");

	/* keeping one online CPU is fine; an offline owned CPU may be released */
	s = cpus("1-2,4");
	assert_int_equal(mint_model_check_cpu_release(&m, &s, NULL), 0);
	s = cpus("4");
	assert_int_equal(mint_model_check_cpu_release(&m, &s, NULL), 0);
	mint_model_free(&m);
}

static void test_cpu_release_empty(void **state)
{
	struct mint_model m;
	struct mint_cpuset s;
	struct mint_error err;

	machine(&m, 0);
	mint_cpuset_clear(&s);
	fresh(&err);
	assert_int_equal(mint_model_check_cpu_release(&m, &s, &err), -1);
	assert_int_equal(err.kind, MINT_E_INVALID);
	fresh(&err);
	assert_int_equal(mint_model_check_cpu_reclaim(&m, &s, &err), -1);
	assert_int_equal(err.kind, MINT_E_INVALID);
	mint_model_free(&m);
}

static void test_cpu_notfound_lists(void **state)
{
	struct mint_model m;
	struct mint_cpuset s = cpus("5");
	struct mint_error err;

	mint_model_init(&m, 0, BLOCK);
	fresh(&err);
	assert_int_equal(mint_model_check_cpu_release(&m, &s, &err), -1);
	assert_int_equal(err.kind, MINT_E_NOTFOUND);
	assert_msg_contains(err.msg, "CPU 5 does not exist");

	add_cpu(&m, 0, true, false, 0);
	fresh(&err);
	assert_int_equal(mint_model_check_cpu_release(&m, &s, &err), -1);
	assert_string_equal(err.msg, "CPU 5 does not exist (this machine has CPU 0)");

	add_cpu(&m, 2, true, true, 0);
	add_cpu(&m, 3, true, true, 0);
	add_cpu(&m, 8, true, true, 0);
	fresh(&err);
	assert_int_equal(mint_model_check_cpu_reclaim(&m, &s, &err), -1);
	assert_string_equal(err.msg, "CPU 5 does not exist (this machine has CPUs 0,2-3,8)");
	mint_model_free(&m);
}

/* ---- CPU reclaim ---- */

static void test_cpu_reclaim(void **state)
{
	static const struct cpu_case cases[] = {
	    {0, "3", MINT_OK, NULL},
	    {1, "3", MINT_OK, NULL},
	    {0, "99", MINT_E_NOTFOUND, "CPU 99 does not exist (this machine has CPUs 0-3)"},
	    {0, "1", MINT_E_STATE, "CPU 1 is not released (it is in use by node0)"},
	    {0, "2", MINT_E_BUSY, "CPU 2 belongs to node1"},
	    {1, "2", MINT_E_STATE, "CPU 2 is not released (it is in use by node1)"},
	    {1, "0", MINT_E_BUSY, "CPU 0 belongs to node0"},
	    {0, "2-3", MINT_E_BUSY, "CPU 2 belongs to node1"},
	    {0, "3,99", MINT_E_NOTFOUND, "CPU 99 does not exist (this machine has CPUs 0-3)"},
	};

	run_cpu_cases(cases, ARRAY_SIZE(cases), false);
}

/* ---- memory picks ---- */

/*
 * Blocks (index: online removable movable owner):
 *   0: node0 online, not removable          (never picked)
 *   1: node0 online removable
 *   2: node0 online removable movable
 *   3: node0 online removable
 *   4: node1                                 (someone else's)
 *   5: free
 *   6: node0 online removable movable
 *   7: node0 offline removable movable      (not online: not picked)
 *   8: free
 *   9: node0 online removable movable
 *  10: free
 */
static void mem_machine(struct mint_model *m)
{
	mint_model_init(m, 0, BLOCK);
	add_mem(m, 10, false, false, false, FREE);
	add_mem(m, 9, true, true, true, 0);
	add_mem(m, 0, true, false, false, 0);
	add_mem(m, 1, true, true, false, 0);
	add_mem(m, 2, true, true, true, 0);
	add_mem(m, 3, true, true, false, 0);
	add_mem(m, 4, true, true, true, 1);
	add_mem(m, 5, false, false, false, FREE);
	add_mem(m, 6, true, true, true, 0);
	add_mem(m, 7, false, true, true, 0);
	add_mem(m, 8, false, false, false, FREE);
	assert_int_equal(m->nmem, 11);
}

static void assert_picked(const struct mint_model *m, const size_t *out, size_t n,
			  const unsigned *want, size_t nwant)
{
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++) {
		assert_true(out[i] < m->nmem);
		if (m->mem[out[i]].index != want[i])
			fail_msg("pick %zu: block %u, expected %u", i, m->mem[out[i]].index,
				 want[i]);
	}
}

static void test_mem_release_order(void **state)
{
	static const unsigned all[] = {9, 6, 2, 3, 1};
	struct mint_model m;
	struct mint_error err;
	size_t out[16], n = 99;

	mem_machine(&m);
	for (size_t k = 1; k <= ARRAY_SIZE(all); k++) {
		fresh(&err);
		n = 99;
		if (mint_model_pick_mem_release(&m, k * BLOCK, out, ARRAY_SIZE(out), &n, &err))
			fail_msg("release %zu blocks: %s", k, err.msg);
		assert_picked(&m, out, n, all, k);
	}
	mint_model_free(&m);
}

static void test_mem_release_not_enough(void **state)
{
	struct mint_model m;
	struct mint_error err;
	size_t out[16], n = 99;

	mem_machine(&m);
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_release(&m, 6 * BLOCK, out, ARRAY_SIZE(out), &n, &err),
			 -1);
	assert_int_equal(err.kind, MINT_E_BUSY);
	assert_string_equal(err.msg, "only 640M of memory can be released (asked for 768M)");
	assert_int_equal(n, 0);
	mint_model_free(&m);

	mint_model_init(&m, 0, BLOCK);
	add_mem(&m, 0, true, false, false, 0);
	add_mem(&m, 1, true, true, true, 0);
	add_mem(&m, 2, true, true, false, 0);
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_release(&m, 512 * M, out, ARRAY_SIZE(out), &n, &err),
			 -1);
	assert_int_equal(err.kind, MINT_E_BUSY);
	assert_string_equal(err.msg, "only 256M of memory can be released (asked for 512M)");
	mint_model_free(&m);

	/* nothing releasable at all */
	mint_model_init(&m, 0, BLOCK);
	add_mem(&m, 0, true, false, false, 0);
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_release(&m, BLOCK, out, ARRAY_SIZE(out), &n, &err),
			 -1);
	assert_int_equal(err.kind, MINT_E_BUSY);
	assert_msg_contains(err.msg, "(asked for 128M)");
	mint_model_free(&m);

	/* empty model */
	mint_model_init(&m, 0, BLOCK);
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_release(&m, BLOCK, out, ARRAY_SIZE(out), &n, &err),
			 -1);
	assert_int_equal(err.kind, MINT_E_BUSY);
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_reclaim(&m, BLOCK, out, ARRAY_SIZE(out), &n, &err),
			 -1);
	assert_int_equal(err.kind, MINT_E_STATE);
	mint_model_free(&m);
}

static void test_mem_size_rules(void **state)
{
	struct mint_model m;
	struct mint_error err;
	size_t out[16], n = 99;

	mem_machine(&m);
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_release(&m, 100 * M, out, ARRAY_SIZE(out), &n, &err),
			 -1);
	assert_int_equal(err.kind, MINT_E_INVALID);
	assert_string_equal(err.msg, "100M is not a multiple of the 128M memory block size");
	assert_int_equal(n, 0);

	fresh(&err);
	assert_int_equal(mint_model_pick_mem_reclaim(&m, 200 * M, out, ARRAY_SIZE(out), &n, &err),
			 -1);
	assert_int_equal(err.kind, MINT_E_INVALID);
	assert_string_equal(err.msg, "200M is not a multiple of the 128M memory block size");

	fresh(&err);
	assert_int_equal(mint_model_pick_mem_release(&m, 0, out, ARRAY_SIZE(out), &n, &err), -1);
	assert_int_equal(err.kind, MINT_E_INVALID);

	/* the size check comes first: 100G+1M is both unaligned and more than there is */
	fresh(&err);
	assert_int_equal(
	    mint_model_pick_mem_release(&m, 100 * 1024 * M + M, out, ARRAY_SIZE(out), &n, &err),
	    -1);
	assert_int_equal(err.kind, MINT_E_INVALID);
	assert_msg_contains(err.msg, "is not a multiple of the 128M memory block size");
	mint_model_free(&m);
}

static void test_mem_cap(void **state)
{
	struct mint_model m;
	struct mint_error err;
	size_t out[4] = {77, 77, 77, 77}, n = 99;

	mem_machine(&m);
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_release(&m, 3 * BLOCK, out, 2, &n, &err), -1);
	assert_int_equal(err.kind, MINT_E_INVALID);
	assert_int_equal(n, 0);
	assert_int_equal(out[0], 77); /* nothing written */
	assert_int_equal(out[2], 77);

	fresh(&err);
	assert_int_equal(mint_model_pick_mem_reclaim(&m, 3 * BLOCK, out, 2, &n, &err), -1);
	assert_int_equal(err.kind, MINT_E_INVALID);

	/* exactly enough room */
	assert_int_equal(mint_model_pick_mem_release(&m, 2 * BLOCK, out, 2, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[2], 77);
	mint_model_free(&m);
}

static void test_mem_reclaim(void **state)
{
	static const unsigned all[] = {5, 8, 10};
	struct mint_model m;
	struct mint_error err;
	size_t out[16], n;

	mem_machine(&m);
	for (size_t k = 1; k <= ARRAY_SIZE(all); k++) {
		fresh(&err);
		if (mint_model_pick_mem_reclaim(&m, k * BLOCK, out, ARRAY_SIZE(out), &n, &err))
			fail_msg("reclaim %zu blocks: %s", k, err.msg);
		assert_picked(&m, out, n, all, k);
	}
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_reclaim(&m, 4 * BLOCK, out, ARRAY_SIZE(out), &n, &err),
			 -1);
	assert_int_equal(err.kind, MINT_E_STATE);
	assert_string_equal(err.msg,
			    "only 384M of released memory can be reclaimed (asked for 512M)");
	mint_model_free(&m);

	mint_model_init(&m, 1, BLOCK);
	add_mem(&m, 0, true, true, true, 0);
	add_mem(&m, 1, false, false, false, FREE);
	add_mem(&m, 2, true, true, true, 1);
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_reclaim(&m, 256 * M, out, ARRAY_SIZE(out), &n, &err),
			 -1);
	assert_int_equal(err.kind, MINT_E_STATE);
	assert_string_equal(err.msg,
			    "only 128M of released memory can be reclaimed (asked for 256M)");

	/* nothing free */
	mint_model_free(&m);
	mint_model_init(&m, 1, BLOCK);
	add_mem(&m, 0, true, true, true, 0);
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_reclaim(&m, BLOCK, out, ARRAY_SIZE(out), &n, &err),
			 -1);
	assert_int_equal(err.kind, MINT_E_STATE);
	assert_msg_contains(err.msg, "(asked for 128M)");
	mint_model_free(&m);
}

/* Order by base, not by array position, even if base and index disagree. */
/* Contiguous ranges for a new node: all-movable windows first, highest first; holes break runs. */
static void test_mem_range(void **state)
{
	static const unsigned top_movable[] = {12, 13};
	static const unsigned normal_ok[] = {2, 3, 4};
	struct mint_model m;
	struct mint_error err;
	size_t out[16], n;

	(void)state;
	mint_model_init(&m, 0, BLOCK);
	add_mem(&m, 0, true, false, false, 0); /* not removable */
	add_mem(&m, 1, true, true, false, 0);
	add_mem(&m, 2, true, true, false, 0);
	add_mem(&m, 3, true, true, false, 0);
	add_mem(&m, 4, true, true, false, 0);
	add_mem(&m, 10, true, true, true, 0); /* 5-9 missing: a hole in the address space */
	add_mem(&m, 11, true, true, true, 0);
	add_mem(&m, 12, true, true, true, 0);
	add_mem(&m, 13, true, true, true, 0);
	add_mem(&m, 14, true, true, true, 1);  /* owned by node1 */
	add_mem(&m, 15, true, false, true, 0); /* firmware hole inside */

	fresh(&err);
	assert_int_equal(mint_model_pick_mem_range(&m, 2 * BLOCK, out, 16, &n, &err), 0);
	assert_picked(&m, out, n, top_movable, 2);

	/* 5 blocks: no movable window that long, and 1-4 + 10 are not neighbours. */
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_range(&m, 5 * BLOCK, out, 16, &n, &err), -1);
	assert_int_equal(err.kind, MINT_E_BUSY);
	assert_msg_contains(err.msg,
			    "no 640M range of contiguous releasable memory (the largest is 512M)");
	assert_int_equal(n, 0);

	/* Every movable window is only 4 long: 4 blocks come from movable 10-13. */
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_range(&m, 4 * BLOCK, out, 16, &n, &err), 0);
	assert_int_equal(m.mem[out[0]].index, 10);

	/* With the movable ones taken, the normal run is used. */
	for (size_t i = 0; i < m.nmem; i++)
		if (m.mem[i].movable)
			m.mem[i].online = false;
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_range(&m, 3 * BLOCK, out, 16, &n, &err), 0);
	assert_picked(&m, out, n, normal_ok, 3);

	fresh(&err);
	assert_int_equal(mint_model_pick_mem_range(&m, 100 * 1024 * 1024, out, 16, &n, &err), -1);
	assert_msg_contains(err.msg, "not a multiple");
	mint_model_free(&m);
}

/* A boot takes FREE blocks (released here, or never in this kernel) before it offlines any. */
static void test_mem_range_free_first(void **state)
{
	struct mint_model m;
	struct mint_error err;
	size_t out[16], n;

	(void)state;
	mint_model_init(&m, 0, BLOCK);
	add_mem(&m, 3, true, true, false, 0);
	add_mem(&m, 4, false, false, false, MINT_FREE); /* released by this node */
	add_mem(&m, 5, false, false, false, MINT_FREE);
	{
		struct mint_memblock b = {.index = 6, .base = 6 * BLOCK, .absent = true,
					  .owner = MINT_FREE}; /* left free at boot */

		assert_non_null(mint_model_add_mem(&m, &b));
	}
	add_mem(&m, 7, true, true, true, 0);
	add_mem(&m, 12, true, true, true, 0);
	add_mem(&m, 13, true, true, true, 0);
	add_mem(&m, 14, true, true, true, MINT_FREE + 3); /* node2's */

	/* 4-6 are all FREE: the highest FREE window wins over the movable 12-13. */
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_range(&m, 2 * BLOCK, out, 16, &n, &err), 0);
	assert_int_equal(m.mem[out[0]].index, 5);
	assert_int_equal(m.mem[out[1]].index, 6);
	/* 3 blocks: 4-6 are FREE, all of them. */
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_range(&m, 3 * BLOCK, out, 16, &n, &err), 0);
	assert_int_equal(m.mem[out[0]].index, 4);
	/* 4 blocks: no FREE window that long; 4-7 is FREE plus a movable block, 3-6 is not movable. */
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_range(&m, 4 * BLOCK, out, 16, &n, &err), 0);
	assert_int_equal(m.mem[out[0]].index, 4);
	/* A FREE block that is still online here (inconsistent) is never taken: 5-7 instead. */
	m.mem[1].online = true;
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_range(&m, 3 * BLOCK, out, 16, &n, &err), 0);
	assert_int_equal(m.mem[out[0]].index, 5);
	/* Absent blocks are not "released" here: a reclaim never picks them. */
	m.mem[1].online = false;
	fresh(&err);
	assert_int_equal(mint_model_pick_mem_reclaim(&m, 3 * BLOCK, out, 16, &n, &err), -1);
	assert_int_equal(mint_model_pick_mem_reclaim(&m, 2 * BLOCK, out, 16, &n, &err), 0);
	mint_model_free(&m);
}

/* CPUs for a boot: this node's releasable ones, or FREE offline ones; one stays. */
static void test_cpu_boot(void **state)
{
	struct mint_model m;
	struct mint_error err;
	struct mint_cpuset set;

	(void)state;
	mint_model_init(&m, 0, BLOCK);
	add_cpu(&m, 0, true, false, 0);
	add_cpu(&m, 1, true, true, 0);
	add_cpu(&m, 2, false, true, MINT_FREE);
	add_cpu(&m, 3, false, true, MINT_FREE);
	set = cpus("2-3");
	fresh(&err);
	assert_int_equal(mint_model_check_cpu_boot(&m, &set, &err), 0);
	set = cpus("1-3");
	fresh(&err);
	assert_int_equal(mint_model_check_cpu_boot(&m, &set, &err), 0);
	set = cpus("0,2");
	fresh(&err);
	assert_int_equal(mint_model_check_cpu_boot(&m, &set, &err), -1);
	assert_msg_contains(err.msg, "CPU 0");
	m.cpus[1].online = false; /* CPU 1 offline and node0's: not free, not releasable */
	m.cpus[1].owner = 1;
	set = cpus("1");
	fresh(&err);
	assert_int_equal(mint_model_check_cpu_boot(&m, &set, &err), -1);
	assert_msg_contains(err.msg, "belongs to node1");
	mint_model_free(&m);
}

static void test_mem_order_by_base(void **state)
{
	struct mint_model m;
	size_t out[4], n;
	struct mint_memblock b = {.online = true, .removable = true, .owner = 0};

	mint_model_init(&m, 0, BLOCK);
	b.index = 1;
	b.base = 5 * BLOCK;
	mint_model_add_mem(&m, &b);
	b.index = 2;
	b.base = 9 * BLOCK;
	mint_model_add_mem(&m, &b);
	b.index = 3;
	b.base = 2 * BLOCK;
	mint_model_add_mem(&m, &b);
	assert_int_equal(mint_model_pick_mem_release(&m, 3 * BLOCK, out, 4, &n, NULL), 0);
	assert_int_equal(n, 3);
	assert_int_equal(m.mem[out[0]].index, 2);
	assert_int_equal(m.mem[out[1]].index, 1);
	assert_int_equal(m.mem[out[2]].index, 3);
	mint_model_free(&m);
}

/* ---- PCI ---- */

static void pci_machine(struct mint_model *m, int self)
{
	mint_model_init(m, self, BLOCK);
	add_pci(m, bdf(3, 0, 0), 0, "");
	add_pci(m, bdf(4, 0, 0), 1, "");
	add_pci(m, bdf(5, 0, 0), FREE, "");
	add_pci(m, bdf(6, 0, 0), 0, "mounted at /data");
}

static void check_pci(int self, bool release, struct mint_bdf b, enum mint_errkind kind,
		      const char *msg)
{
	struct mint_model m;
	struct mint_error err;
	int r;

	pci_machine(&m, self);
	fresh(&err);
	r = release ? mint_model_check_pci_release(&m, &b, &err)
		    : mint_model_check_pci_reclaim(&m, &b, &err);
	if (kind == MINT_OK) {
		if (r)
			fail_msg("refused: %s", err.msg);
	} else {
		assert_int_equal(r, -1);
		assert_int_equal(err.kind, kind);
		assert_string_equal(err.msg, msg);
	}
	mint_model_free(&m);
}

static void test_pci_release(void **state)
{
	check_pci(0, true, bdf(3, 0, 0), MINT_OK, NULL);
	check_pci(0, true, bdf(7, 0, 0), MINT_E_NOTFOUND, "PCI device 0000:07:00.0 does not exist");
	check_pci(0, true, bdf(3, 0, 1), MINT_E_NOTFOUND, "PCI device 0000:03:00.1 does not exist");
	check_pci(0, true, bdf(4, 0, 0), MINT_E_BUSY, "PCI device 0000:04:00.0 belongs to node1");
	check_pci(0, true, bdf(5, 0, 0), MINT_E_STATE,
		  "PCI device 0000:05:00.0 is already released");
	check_pci(0, true, bdf(6, 0, 0), MINT_E_BUSY,
		  "PCI device 0000:06:00.0 is in use: mounted at /data");
	check_pci(1, true, bdf(4, 0, 0), MINT_OK, NULL);
	check_pci(1, true, bdf(3, 0, 0), MINT_E_BUSY, "PCI device 0000:03:00.0 belongs to node0");
}

static void test_pci_reclaim(void **state)
{
	check_pci(0, false, bdf(5, 0, 0), MINT_OK, NULL);
	check_pci(1, false, bdf(5, 0, 0), MINT_OK, NULL);
	check_pci(0, false, bdf(7, 0, 0), MINT_E_NOTFOUND,
		  "PCI device 0000:07:00.0 does not exist");
	check_pci(0, false, bdf(3, 0, 0), MINT_E_STATE,
		  "PCI device 0000:03:00.0 is not released (it is in use by node0)");
	check_pci(0, false, bdf(4, 0, 0), MINT_E_BUSY, "PCI device 0000:04:00.0 belongs to node1");
	check_pci(1, false, bdf(3, 0, 0), MINT_E_BUSY, "PCI device 0000:03:00.0 belongs to node0");
}

/* ---- helpers ---- */

static void test_ranges_overlap(void **state)
{
	assert_true(mint_ranges_overlap(0, 10, 5, 10));
	assert_true(mint_ranges_overlap(5, 10, 0, 10));
	assert_true(mint_ranges_overlap(0, 10, 0, 10));
	assert_true(mint_ranges_overlap(0, 10, 9, 1));
	assert_true(mint_ranges_overlap(9, 1, 0, 10));
	assert_true(mint_ranges_overlap(0, 100, 10, 5)); /* contained */
	assert_true(mint_ranges_overlap(10, 5, 0, 100));
	assert_false(mint_ranges_overlap(0, 10, 10, 10)); /* adjacent */
	assert_false(mint_ranges_overlap(10, 10, 0, 10));
	assert_false(mint_ranges_overlap(0, 10, 20, 10));
	assert_false(mint_ranges_overlap(20, 10, 0, 10));
	assert_false(mint_ranges_overlap(5, 0, 0, 10)); /* empty ranges share nothing */
	assert_false(mint_ranges_overlap(0, 10, 5, 0));
	assert_false(mint_ranges_overlap(0, 0, 0, 0));
	/* near the top of the address space, no wrap-around */
	assert_true(mint_ranges_overlap(UINT64_MAX - 9, 10, UINT64_MAX, 1));
	assert_true(mint_ranges_overlap(UINT64_MAX - 9, 10, 0, UINT64_MAX));
	assert_false(mint_ranges_overlap(UINT64_MAX - 9, 10, 0, UINT64_MAX - 9));
	assert_false(mint_ranges_overlap(0, 16, UINT64_MAX - 15, 16));
	assert_true(mint_ranges_overlap(0, UINT64_MAX, UINT64_MAX - 1, 1));
}

static void test_owner_name(void **state)
{
	char buf[16];

	mint_owner_name(0, buf, sizeof(buf));
	assert_string_equal(buf, "node0");
	mint_owner_name(63, buf, sizeof(buf));
	assert_string_equal(buf, "node63");
	mint_owner_name(MINT_FREE, buf, sizeof(buf));
	assert_string_equal(buf, "free");
	mint_owner_name(12, buf, 4);
	assert_string_equal(buf, "nod");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_sorted),
	    cmocka_unit_test(test_add_many_shuffled),
	    cmocka_unit_test(test_pci_lookup),
	    cmocka_unit_test(test_cpu_release),
	    cmocka_unit_test(test_cpu_release_not_hotpluggable),
	    cmocka_unit_test(test_cpu_release_last_online),
	    cmocka_unit_test(test_cpu_release_empty),
	    cmocka_unit_test(test_cpu_notfound_lists),
	    cmocka_unit_test(test_cpu_reclaim),
	    cmocka_unit_test(test_mem_release_order),
	    cmocka_unit_test(test_mem_release_not_enough),
	    cmocka_unit_test(test_mem_size_rules),
	    cmocka_unit_test(test_mem_cap),
	    cmocka_unit_test(test_mem_reclaim),
	    cmocka_unit_test(test_mem_order_by_base),
	    cmocka_unit_test(test_mem_range),
	    cmocka_unit_test(test_mem_range_free_first),
	    cmocka_unit_test(test_cpu_boot),
	    cmocka_unit_test(test_pci_release),
	    cmocka_unit_test(test_pci_reclaim),
	    cmocka_unit_test(test_ranges_overlap),
	    cmocka_unit_test(test_owner_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
