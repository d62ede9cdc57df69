// SPDX-License-Identifier: GPL-2.0
/* The daemon's life: start-up (which node, saved state, reconciliation) and shared helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "mintd.h"
#include "ops.h"
#include "pcidev.h"
#include "sysroot.h"

void mintd_warn(struct mintd *d, const char *fmt, ...)
{
	char msg[MINTD_WARNING_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(LOG_WARNING, "%s", msg);
	if (d->nwarnings < MINTD_MAX_WARNINGS)
		memcpy(d->warnings[d->nwarnings++], msg, sizeof(msg));
}

int mintd_save_state(struct mintd *d, struct mint_error *err)
{
	memcpy(d->state.apic_ids, d->apic_cache, sizeof(d->state.apic_ids));
	if (!mint_state_save(d->state_dir, &d->state, err))
		return 0;
	log_msg(LOG_ERR, "%s", err->msg);
	return -1;
}

int mintd_init(struct mintd *d, struct mint_error *err)
{
	struct mint_error state_err = {0};
	char path[PATH_MAX];

	d->dev.fd = -1;
	mint_state_init(&d->state);
	if (access(mint_path(path, MINT_DEV_PATH), F_OK) == 0) {
		if (mint_dev_open(&d->dev, err))
			return -1;
		d->mint_kernel = true;
		d->self = (int)d->dev.info.node_id;
		log_msg(LOG_INFO, "Mint kernel: this is node%d", d->self);
	}
	if (mint_state_load(d->state_dir, &d->state, &state_err))
		mintd_warn(d, "%s; starting with an empty state", state_err.msg);
	/* APIC IDs of CPUs that are offline now are known only from earlier runs. */
	memcpy(d->apic_cache, d->state.apic_ids, sizeof(d->apic_cache));
	ops_reconcile(d);
	return 0;
}

void mintd_fini(struct mintd *d)
{
	mint_pci_cleanup();
	if (d->mint_kernel)
		mint_dev_close(&d->dev);
}
