// SPDX-License-Identifier: GPL-2.0
/*
 * The rules for guests (see vm.h): what a node can give, which CPU each vCPU
 * gets, and how guests move off CPUs that leave the node. Pure functions, so
 * that unit tests cover every refusal.
 */
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "vm.h"

int vm_check_name(const char *name, struct mint_error *err)
{
	size_t len = strlen(name);

	if (!len || len >= VM_NAME_MAX)
		return mint_fail(err, MINT_E_INVALID, "a guest name has 1 to %d characters",
				 VM_NAME_MAX - 1);
	if (name[0] == '.' || name[0] == '-')
		return mint_fail(err, MINT_E_INVALID,
				 "guest name \"%s\" must not start with '.' or '-'", name);
	for (size_t i = 0; i < len; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.'))
			return mint_fail(err, MINT_E_INVALID,
					 "guest name \"%s\": only letters, digits, '_', '-' and "
					 "'.' are allowed",
					 name);
	}
	return 0;
}

static uint64_t guests_memory(const struct vm_guests *g)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < g->n; i++)
		sum += g->g[i].memory_bytes;
	return sum;
}

int vm_check_start(const struct vm_node *n, const struct vm_guests *g, const char *name,
		   unsigned vcpus, uint64_t mem, struct mint_error *err)
{
	unsigned ncpus = mint_cpuset_count(&n->cpus);
	uint64_t others = guests_memory(g), room = 0;
	char want[32], can[32], total[32], used[32], reserve[32];

	if (vm_check_name(name, err))
		return -1;
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->g[i].name, name))
			return mint_fail(err, MINT_E_BUSY, "guest %s is already running on %s",
					 name, n->name);
	if (!vcpus || vcpus > VM_MAX_VCPUS)
		return mint_fail(err, MINT_E_INVALID, "a guest has 1 to %d vCPUs", VM_MAX_VCPUS);
	if (vcpus > ncpus)
		return mint_fail(err, MINT_E_BUSY,
				 "%s asks for %u vCPUs but %s has %u CPU%s (a guest gets at most "
				 "one vCPU per CPU of its node)",
				 name, vcpus, n->name, ncpus, ncpus == 1 ? "" : "s");
	mint_format_size(mem, want, sizeof(want));
	if (mem < VM_MEM_MIN || mem % (1ULL << 20))
		return mint_fail(
		    err, MINT_E_INVALID,
		    "guest memory must be a whole number of MiB, at least 16M (got %s)", want);
	if (n->mem_total > VM_MEM_RESERVE + others)
		room = n->mem_total - VM_MEM_RESERVE - others;
	if (mem > room) {
		mint_format_size(room, can, sizeof(can));
		mint_format_size(n->mem_total, total, sizeof(total));
		mint_format_size(others, used, sizeof(used));
		mint_format_size(VM_MEM_RESERVE, reserve, sizeof(reserve));
		return mint_fail(err, MINT_E_BUSY,
				 "%s asks for %s of memory but %s can give a guest at most %s "
				 "(%s less %s kept for the node and %s of its other guests)",
				 name, want, n->name, can, total, reserve, used);
	}
	if (mem > n->mem_available) {
		mint_format_size(n->mem_available, can, sizeof(can));
		return mint_fail(err, MINT_E_BUSY,
				 "%s asks for %s of memory but %s has only %s available now", name,
				 want, n->name, can);
	}
	return 0;
}

void vm_cpu_load(const struct vm_guests *g, const struct mint_cpuset *cpus,
		 unsigned load[MINT_CPUSET_MAX])
{
	memset(load, 0, MINT_CPUSET_MAX * sizeof(load[0]));
	for (size_t i = 0; i < g->n; i++)
		for (unsigned v = 0; v < g->g[i].vcpus && v < VM_MAX_VCPUS; v++)
			for (int c = mint_cpuset_next(&g->g[i].vcpu_pin[v], 0); c >= 0;
			     c = mint_cpuset_next(&g->g[i].vcpu_pin[v], (unsigned)c + 1))
				if (mint_cpuset_has(cpus, (unsigned)c))
					load[c]++;
}

int vm_pick_cpus(const struct mint_cpuset *cpus, unsigned load[MINT_CPUSET_MAX], unsigned n,
		 unsigned *out)
{
	struct mint_cpuset left = *cpus;

	if (mint_cpuset_count(cpus) < n)
		return -1;
	for (unsigned k = 0; k < n; k++) {
		int best = -1;

		for (int c = mint_cpuset_next(&left, 0); c >= 0;
		     c = mint_cpuset_next(&left, (unsigned)c + 1))
			if (best < 0 || load[c] < load[best])
				best = c;
		out[k] = (unsigned)best;
		load[best]++;
		mint_cpuset_del(&left, (unsigned)best);
	}
	return 0;
}

static bool subset(const struct mint_cpuset *a, const struct mint_cpuset *b)
{
	for (int c = mint_cpuset_next(a, 0); c >= 0; c = mint_cpuset_next(a, (unsigned)c + 1))
		if (!mint_cpuset_has(b, (unsigned)c))
			return false;
	return true;
}

static void add_step(struct vm_repin *plan, size_t guest, int vcpu, const struct mint_cpuset *cpus)
{
	struct vm_repin_step *s = &plan->step[plan->n++];

	s->guest = guest;
	s->vcpu = vcpu;
	s->cpus = *cpus;
}

int vm_plan_leaving(const struct vm_node *n, const struct mint_cpuset *leaving,
		    const struct vm_guests *g, struct vm_repin *plan, struct mint_error *err)
{
	struct mint_cpuset stay = n->cpus;
	unsigned load[MINT_CPUSET_MAX];
	unsigned nstay;

	for (int c = mint_cpuset_next(leaving, 0); c >= 0;
	     c = mint_cpuset_next(leaving, (unsigned)c + 1))
		mint_cpuset_del(&stay, (unsigned)c);
	nstay = mint_cpuset_count(&stay);
	plan->n = 0;
	for (size_t i = 0; i < g->n; i++)
		if (g->g[i].vcpus > nstay)
			return mint_fail(
			    err, MINT_E_BUSY,
			    "guest %s has %u vCPUs and %s would keep %u CPU%s: stop it "
			    "first (a guest needs one CPU of its node per vCPU)",
			    g->g[i].name, g->g[i].vcpus, n->name, nstay, nstay == 1 ? "" : "s");
	/* vCPUs that stay where they are count first, so the moved ones spread out. */
	vm_cpu_load(g, &stay, load);
	for (size_t i = 0; i < g->n; i++) {
		const struct vm_guest *gu = &g->g[i];
		struct mint_cpuset used;

		/* A guest's own vCPUs keep distinct CPUs: the ones it keeps are taken. */
		mint_cpuset_clear(&used);
		for (unsigned v = 0; v < gu->vcpus && v < VM_MAX_VCPUS; v++)
			if (subset(&gu->vcpu_pin[v], &stay) &&
			    mint_cpuset_count(&gu->vcpu_pin[v]) == 1)
				mint_cpuset_add(&used,
						(unsigned)mint_cpuset_next(&gu->vcpu_pin[v], 0));
		for (unsigned v = 0; v < gu->vcpus && v < VM_MAX_VCPUS; v++) {
			struct mint_cpuset free = stay, one;
			unsigned cpu;

			if (subset(&gu->vcpu_pin[v], &stay) && !mint_cpuset_empty(&gu->vcpu_pin[v]))
				continue;
			for (int c = mint_cpuset_next(&used, 0); c >= 0;
			     c = mint_cpuset_next(&used, (unsigned)c + 1))
				mint_cpuset_del(&free, (unsigned)c);
			if (mint_cpuset_empty(&free))
				free = stay; /* pinned to sets before: share */
			vm_pick_cpus(&free, load, 1, &cpu);
			mint_cpuset_clear(&one);
			mint_cpuset_add(&one, cpu);
			mint_cpuset_add(&used, cpu);
			add_step(plan, i, (int)v, &one);
		}
		if (!subset(&gu->emulator_pin, &stay) || mint_cpuset_empty(&gu->emulator_pin))
			add_step(plan, i, -1, &stay);
	}
	return 0;
}
