// SPDX-License-Identifier: GPL-2.0
/* Releasing a PCI function (unbind, pci-stub, unload the module, free it) and reclaiming it. */
#include "ops.h"

#include <stdlib.h>
#include <string.h>

/* Remember a release (0), or fail when it cannot be saved (-1). */
static int record_release(struct mintd *d, const struct mint_pci_release *res,
			  struct mint_error *err)
{
	struct mint_state *saved = mintd_state_begin(d, err);

	if (!saved)
		return -1;
	if (mint_state_add_dev(&d->state, res)) {
		pthread_mutex_unlock(&d->lock);
		free(saved);
		return mint_fail(err, MINT_E_SYSTEM, "too many released devices (at most %d)",
				 MINT_STATE_MAX_DEVS);
	}
	return mintd_state_commit(d, saved, err);
}

int ops_release_dev(struct mintd *d, const struct mint_bdf *bdf, struct mint_pci_release *res,
		    struct mint_error *err)
{
	struct table_res tr;
	struct mint_plan plan;
	struct mint_model m;
	int ret;

	if (ops_scan(d, MODEL_PCI, &m, err))
		return -1;
	ret = mint_model_check_pci_release(&m, bdf, err);
	mint_plan_init(&plan);
	if (!ret)
		ret = mint_pci_plan_release(&plan, mint_model_pci(&m, bdf), res, err);
	if (!ret && ops_add_table_step(d, &plan, &tr, MINT_RES_PCI, mint_bdf_res_id(bdf), true,
				   "the PCI device"))
		ret = mint_fail(err, MINT_E_SYSTEM, "out of memory");
	mint_model_free(&m);
	if (!ret)
		ret = mint_plan_run(&plan, NULL, NULL, err);
	if (!ret && record_release(d, res, err)) {
		plan.done = plan.n;
		mint_plan_free(&plan);
		mint_plan_init(&plan);
		ops_add_table_step(d, &plan, &tr, MINT_RES_PCI, mint_bdf_res_id(bdf), false,
			       "the PCI device");
		mint_pci_plan_reclaim(&plan, res, NULL);
		mint_plan_run(&plan, NULL, NULL, NULL);
		ret = -1;
	}
	mint_plan_free(&plan);
	return ret;
}

int ops_reclaim_dev(struct mintd *d, const struct mint_bdf *bdf, struct mint_pci_release *res,
		    struct mint_error *err)
{
	struct mint_state *saved;
	struct table_res tr;
	struct mint_plan plan;
	struct mint_model m;
	int ret;

	if (ops_scan(d, MODEL_PCI, &m, err))
		return -1;
	ret = mint_model_check_pci_reclaim(&m, bdf, err);
	mint_model_free(&m);
	if (ret)
		return -1;
	*res = *mint_state_dev(&d->state, bdf);
	mint_plan_init(&plan);
	ret = ops_add_table_step(d, &plan, &tr, MINT_RES_PCI, mint_bdf_res_id(bdf), false,
			     "the PCI device");
	if (!ret)
		ret = mint_pci_plan_reclaim(&plan, res, err);
	if (!ret)
		ret = mint_plan_run(&plan, NULL, NULL, err);
	mint_plan_free(&plan);
	if (ret)
		return -1;
	saved = mintd_state_begin(d, err);
	if (!saved)
		return -1;
	mint_state_del_dev(&d->state, bdf);
	return mintd_state_commit(d, saved, err);
}
