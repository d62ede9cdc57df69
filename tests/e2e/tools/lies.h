/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lies mint-liar tells a booting node: each one changes the boot_params,
 * the Mint record (struct mint_boot_info) or the layout that kexec-ext built
 * so that the node is handed something that is not its own. Choosing the
 * target (lie_resolve(), from the resource table, before the boot) is kept
 * apart from telling it (lie_apply(), in kexec-ext's boot hook), so both can
 * be tested on a made-up table.
 */
#ifndef E2E_LIES_H
#define E2E_LIES_H

#include <stdint.h>

#include "mint_kexec.h"
#include "mintdev.h"

enum lie_kind {
	LIE_E820,	/* an E820 RAM entry for a block the node does not own */
	LIE_NODE,	/* the record's node_id is another node's */
	LIE_CPU,	/* an APIC ID the node does not own in the record */
	LIE_BOOTCPU,	/* the record's boot CPU is not the one START wakes */
	LIE_PCI,	/* a PCI function the node does not own in the record */
	LIE_INITRD,	/* ramdisk_image outside the node's memory */
	LIE_CMDLINE,	/* cmd_line_ptr outside the node's memory */
	LIE_KERNEL,	/* init_size runs past the node's memory */
	LIE_SETUP_DATA, /* the setup_data chain starts outside the node's memory */
	LIE_COUNT
};

struct lie {
	enum lie_kind kind;
	const char *arg; /* --lie-arg, NULL: the default target */
	uint64_t value;	 /* resolved: address, node id, APIC ID, PCI resource id or init_size */
	char whose[64];	 /* who owns the target, for the message: "node0's block" */
	char told[512];	 /* the line that says what lie was told, set by lie_apply() */
};

/* "e820", "node", ... -> LIE_*; -1 for an unknown name. */
int lie_kind_parse(const char *name);
const char *lie_kind_name(enum lie_kind kind);
/* "e820|node|cpu|..." for usage texts. */
const char *lie_kinds(void);

/*
 * Choose the target of @l for booting @spec: @l->arg if given, else the
 * default from the table of @dev (see mint-liar --help). Fails when the lie
 * cannot be told (no block of another node, fewer than 2 CPUs, ...).
 */
int lie_resolve(struct lie *l, const struct mint_kexec_spec *spec, const struct mint_dev *dev,
		struct mint_error *err);

/* Tell the lie: change @boot_params, @setup_data or @lay, and fill @l->told. */
int lie_apply(struct lie *l, const struct mint_kexec_spec *spec, uint64_t block_size,
	      uint8_t *boot_params, uint8_t *setup_data, struct mint_layout *lay,
	      struct mint_error *err);

#endif
