/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI backend. Releasing a function unbinds its driver, keeps it claimed by
 * pci-stub (driver_override) so this kernel never binds it again, and unloads
 * the driver's module when no other device uses it. Reclaiming reverses that.
 * Functions are never removed and rescanned: that would reassign BARs.
 */
#ifndef MINT_PCIDEV_H
#define MINT_PCIDEV_H

#include "model.h"
#include "plan.h"

#define MINT_PCI_STUB "pci-stub"

/*
 * Add every PCI function to @m (driver, module, MSI, in-use reason), and with
 * @names their human-readable names from libpci's ID database, which is slow
 * to load the first time: only listings need them.
 */
int mint_pci_scan(struct mint_model *m, bool names, struct mint_error *err);

/* Free the cached PCI ID database (at exit, to keep leak checkers quiet). */
void mint_pci_cleanup(void);

/* Fill in the in-use reason (mounted or swapped block devices, holders). */
void mint_pci_in_use(const struct mint_bdf *bdf, char *why, size_t len);

/*
 * What a release did, kept so the reclaim can restore it: the driver that
 * was bound and the module that provided it, and whether it was unloaded.
 */
struct mint_pci_release {
	struct mint_bdf bdf;
	char driver[64];
	char module[64];
	int module_unloaded;
	char module_note[160]; /* why the module stayed loaded, if it did */
};

/* Append the release steps for @dev to @plan; @rel (caller-owned) records what happened. */
int mint_pci_plan_release(struct mint_plan *plan, const struct mint_pcidev *dev,
			  struct mint_pci_release *rel, struct mint_error *err);
/* Append the reclaim steps; @rel says which driver and module to bring back. */
int mint_pci_plan_reclaim(struct mint_plan *plan, struct mint_pci_release *rel,
			  struct mint_error *err);

/*
 * Bring a function this kernel sees but does not drive (it came from another
 * node, or was left with pci-stub) to its driver: leave pci-stub, load the
 * modules its modalias names (libkmod; a built-in driver needs none), let the
 * kernel probe it, and wait until a driver other than pci-stub holds it. Its
 * BARs are not touched. @driver (may be NULL) gets the driver's name.
 */
int mint_pci_adopt(const struct mint_bdf *bdf, char *driver, size_t len, struct mint_error *err);

#endif
