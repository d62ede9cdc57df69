// SPDX-License-Identifier: GPL-2.0
/*
 * Start-up reconciliation: the saved state says what this node released;
 * sysfs says what is offline or held by pci-stub now. Entries that no longer
 * match are dropped with a warning for `mintctl status`.
 */
#include "ops.h"

#include <string.h>

static void reconcile_cpus(struct mintd *d, const struct mint_model *m)
{
	for (size_t i = 0; i < m->ncpus; i++) {
		const struct mint_cpu *c = &m->cpus[i];
		bool released = mint_cpuset_has(&d->state.cpus, c->id);

		if (released && c->online) {
			mintd_warn(
			    d, "CPU %u was released but is online: counting it as node%d's again",
			    c->id, d->self);
			mint_cpuset_del(&d->state.cpus, c->id);
		} else if (!released && !c->online) {
			mintd_warn(d, "CPU %u is offline but was not released through mintd",
				   c->id);
		}
	}
	for (int c = mint_cpuset_next(&d->state.cpus, 0); c >= 0;
	     c = mint_cpuset_next(&d->state.cpus, c + 1))
		if (!mint_model_cpu(m, (unsigned)c)) {
			mintd_warn(d, "released CPU %d no longer exists: forgetting it", c);
			mint_cpuset_del(&d->state.cpus, (unsigned)c);
		}
}

static void reconcile_mem(struct mintd *d, const struct mint_model *m)
{
	for (size_t i = 0; i < d->state.nmem;) {
		const struct mint_memblock *b = mint_model_mem(m, d->state.mem[i]);

		if (b && !b->online) {
			i++;
			continue;
		}
		mintd_warn(d, "memory block %u was released but is %s: forgetting the release",
			   d->state.mem[i], b ? "online" : "gone");
		mint_state_del_mem(&d->state, d->state.mem[i]);
	}
}

static void reconcile_devs(struct mintd *d, const struct mint_model *m)
{
	char name[MINT_BDF_STRLEN];

	for (size_t i = 0; i < d->state.ndevs;) {
		const struct mint_pcidev *p = mint_model_pci(m, &d->state.devs[i].bdf);

		if (p && !strcmp(p->driver, MINT_PCI_STUB)) {
			i++;
			continue;
		}
		mint_format_bdf(&d->state.devs[i].bdf, name);
		mintd_warn(d, "PCI device %s was released but is %s: forgetting the release", name,
			   p ? "no longer held by pci-stub" : "gone");
		mint_state_del_dev(&d->state, &d->state.devs[i].bdf);
	}
}

void ops_reconcile(struct mintd *d)
{
	struct mint_error err = {0};
	struct mint_model m;

	if (!ops_scan_raw(d, MODEL_CPUS | MODEL_PCI, &m, &err)) {
		reconcile_cpus(d, &m);
		reconcile_devs(d, &m);
		mint_model_free(&m);
	} else {
		mintd_warn(d, "cannot check saved state: %s", err.msg);
	}
	if (!ops_scan_raw(d, MODEL_MEM, &m, &err)) {
		reconcile_mem(d, &m);
		mint_model_free(&m);
	}
	/* Saved at every start: keeps the APIC IDs learned now, and shows early if the
	 * state directory is not writable. */
	if (mintd_save_state(d, &err))
		mintd_warn(d, "%s", err.msg);
}
