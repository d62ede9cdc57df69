// SPDX-License-Identifier: GPL-2.0
/* Plan steps that move entries of the shared resource table (Mint kernels only). */
#include "ops.h"

static uint32_t owner_of(const struct table_res *r)
{
	switch (r->type) {
	case MINT_RES_CPU:
		return mint_dev_cpu_owner(&r->d->dev, (unsigned)r->id);
	case MINT_RES_MEM:
		return mint_dev_mem_owner(&r->d->dev, r->id);
	default: {
		struct mint_bdf bdf = mint_bdf_from_devfn((uint16_t)(r->id >> 16),
							  (uint8_t)(r->id >> 8), (uint8_t)r->id);

		return mint_dev_pci_owner(&r->d->dev, &bdf);
	}
	}
}

int ops_table_release_self(void *ctx, struct mint_error *err)
{
	struct table_res *r = ctx;

	return mint_dev_release(&r->d->dev, r->type, (uint32_t)r->d->self, r->id, err);
}

int ops_table_claim_self(void *ctx, struct mint_error *err)
{
	struct table_res *r = ctx;

	return mint_dev_claim(&r->d->dev, r->type, (uint32_t)r->d->self, r->id, err);
}

int ops_table_claim_node(void *ctx, struct mint_error *err)
{
	struct table_res *r = ctx;

	return mint_dev_claim(&r->d->dev, r->type, r->node, r->id, err);
}

int ops_table_release_node(void *ctx, struct mint_error *err)
{
	struct table_res *r = ctx;

	/* Stopping a node (MINT_IOC_STOP) may have set it FREE already. */
	if (owner_of(r) == MINT_OWNER_FREE)
		return 0;
	return mint_dev_release(&r->d->dev, r->type, r->node, r->id, err);
}

int ops_add_table_step(struct mintd *d, struct mint_plan *plan, struct table_res *r,
		       uint32_t type, uint64_t id, bool release, const char *what)
{
	if (!d->mint_kernel)
		return 0;
	*r = (struct table_res){.d = d, .type = type, .id = id};
	return release ? mint_plan_add(plan, ops_table_release_self, ops_table_claim_self, r,
				       "free %s in the resource table", what)
		       : mint_plan_add(plan, ops_table_claim_self, ops_table_release_self, r,
				       "claim %s in the resource table", what);
}
