// SPDX-License-Identifier: GPL-2.0
/* Plan steps that move entries of the shared resource table (Mint kernels only). */
#include "ops.h"

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
