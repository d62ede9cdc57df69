// SPDX-License-Identifier: GPL-2.0
/* Releasing a PCI function (unbind, pci-stub, unload the module, free it) and reclaiming it. */
#include "ops.h"

#include "intent.h"

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

int ops_dev_check_release(struct mintd *d, const struct mint_bdf *bdf, struct mint_pcidev *dev,
			  struct mint_error *err)
{
	struct mint_model m;
	int ret;

	if (ops_scan(d, MODEL_PCI, &m, err))
		return -1;
	ret = mint_model_check_pci_release(&m, bdf, err);
	if (!ret)
		*dev = *mint_model_pci(&m, bdf);
	mint_model_free(&m);
	return ret;
}

json_object *ops_dev_intent(const struct mint_bdf *bdf, const char *driver, const char *module)
{
	json_object *o = json_object_new_object();
	char name[MINT_BDF_STRLEN];

	mint_format_bdf(bdf, name);
	json_object_object_add(o, "address", json_object_new_string(name));
	json_object_object_add(o, "driver", json_object_new_string(driver));
	json_object_object_add(o, "module", json_object_new_string(module));
	return o;
}

/* Undo a give-up: the table entry back to this node, the driver back. */
static void take_back(struct mintd *d, const struct mint_bdf *bdf, struct mint_pci_release *rel)
{
	struct table_res tr;
	struct mint_plan plan;

	mint_plan_init(&plan);
	ops_add_table_step(d, &plan, &tr, MINT_RES_PCI, mint_bdf_res_id(bdf), false,
			   "the PCI device");
	mint_pci_plan_reclaim(&plan, rel, NULL);
	mint_plan_run(&plan, NULL, NULL, NULL);
	mint_plan_free(&plan);
}

int ops_dev_give_up(struct mintd *d, const struct mint_pcidev *dev, struct mint_pci_release *rel,
		    struct mint_error *err)
{
	struct table_res tr;
	struct mint_plan plan;
	int ret;

	mint_plan_init(&plan);
	ret = mint_pci_plan_release(&plan, dev, rel, err);
	if (!ret && ops_add_table_step(d, &plan, &tr, MINT_RES_PCI, mint_bdf_res_id(&dev->bdf),
				       true, "the PCI device"))
		ret = mint_fail(err, MINT_E_SYSTEM, "out of memory");
	if (!ret)
		ret = mint_plan_run(&plan, NULL, NULL, err);
	mint_plan_free(&plan);
	return ret;
}

int ops_release_dev(struct mintd *d, const struct mint_bdf *bdf, struct mint_pci_release *res,
		    struct mint_error *err)
{
	struct mint_pcidev dev;
	json_object *intent;
	uint64_t id;
	int ret;

	if (ops_dev_check_release(d, bdf, &dev, err))
		return -1;
	intent = ops_dev_intent(bdf, dev.driver, dev.module);
	ret = intent_begin(d, "dev-release", intent, &id, err);
	json_object_put(intent);
	if (ret)
		return -1;
	ret = ops_dev_give_up(d, &dev, res, err);
	if (!ret && record_release(d, res, err)) {
		take_back(d, bdf, res);
		ret = -1;
	}
	intent_end(d, id, ret, err);
	return ret;
}

int ops_reclaim_dev(struct mintd *d, const struct mint_bdf *bdf, struct mint_pci_release *res,
		    struct mint_error *err)
{
	struct mint_state *saved;
	struct table_res tr;
	struct mint_plan plan;
	struct mint_model m;
	json_object *intent;
	uint64_t id;
	int ret;

	if (ops_scan(d, MODEL_PCI, &m, err))
		return -1;
	ret = mint_model_check_pci_reclaim(&m, bdf, err);
	mint_model_free(&m);
	if (ret)
		return -1;
	*res = *mint_state_dev(&d->state, bdf);
	intent = ops_dev_intent(bdf, res->driver, res->module);
	ret = intent_begin(d, "dev-reclaim", intent, &id, err);
	json_object_put(intent);
	if (ret)
		return -1;
	mint_plan_init(&plan);
	ret = ops_add_table_step(d, &plan, &tr, MINT_RES_PCI, mint_bdf_res_id(bdf), false,
				 "the PCI device");
	if (!ret)
		ret = mint_pci_plan_reclaim(&plan, res, err);
	if (!ret)
		ret = mint_plan_run(&plan, NULL, NULL, err);
	mint_plan_free(&plan);
	if (!ret) {
		saved = mintd_state_begin(d, err);
		if (saved)
			mint_state_del_dev(&d->state, bdf);
		ret = saved ? mintd_state_commit(d, saved, err) : -1;
	}
	intent_end(d, id, ret, err);
	return ret;
}
