// SPDX-License-Identifier: GPL-2.0
/*
 * Disk migration from this node to another: find the disk's controller and
 * every disk on it, refuse what is in use (mounted without --unmount,
 * swapped, held), unmount and flush, then move the controller like any PCI
 * device; the target waits for the disk and mounts it if asked. A failed
 * move brings the controller back and mounts again what was unmounted.
 */
#include "op_disk.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define DISK_APPEAR_MS 15000 /* a disk shows up this long after its driver binds */

static void progress(const struct ops_disk_move *dm, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void progress(const struct ops_disk_move *dm, const char *fmt, ...)
{
	char desc[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	log_msg(LOG_INFO, "disk move: %s", desc);
	if (dm->mv.progress)
		dm->mv.progress(0, 0, desc, dm->mv.data);
}

static void join_names(const struct ops_disk_move *dm, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < dm->ndisks; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "", dm->disks[i]);
}

/* Which disks move, and is that what the user asked for? */
static int find_disks(struct ops_disk_move *dm, struct mint_error *err)
{
	char name[MINT_DISK_NAME_MAX], ctl[MINT_BDF_STRLEN], list[256];

	if (mint_disk_resolve(dm->disk, &dm->mv.devs[0], name, sizeof(name), err))
		return -1;
	dm->mv.ndevs = 1;
	mint_format_bdf(&dm->mv.devs[0], ctl);
	dm->ndisks = mint_disk_list(&dm->mv.devs[0], dm->disks, MINT_DISK_MAX);
	join_names(dm, list, sizeof(list));
	if (!dm->ndisks)
		return mint_fail(err, MINT_E_NOTFOUND,
				 "PCI device %s has no disk (mintctl dev move moves other devices)",
				 ctl);
	if (dm->ndisks > 1 && !dm->all)
		return mint_fail(err, MINT_E_INVALID,
				 "disks %s are all on PCI device %s and can only move together: "
				 "add --all",
				 list, ctl);
	if (dm->mv.mount && dm->ndisks > 1)
		return mint_fail(err, MINT_E_INVALID,
				 "--mount needs one disk, but %s moves with %s: mount them on the "
				 "other node yourself",
				 ctl, list);
	return 0;
}

/* Mounted disks are unmounted only when asked to; a refusal changes nothing. */
static int check_mounts(struct ops_disk_move *dm, struct mint_error *err)
{
	size_t n;

	dm->nmounts = 0;
	for (size_t i = 0; i < dm->ndisks; i++) {
		if (mint_disk_mounts(dm->disks[i], dm->mounts + dm->nmounts,
				     MINT_DISK_MOUNTS - dm->nmounts, &n, err))
			return -1;
		dm->nmounts += n;
	}
	if (dm->nmounts && !dm->unmount)
		return mint_fail(err, MINT_E_BUSY,
				 "disk %s is mounted on %s: add --unmount to unmount it first",
				 dm->mounts[0].disk, dm->mounts[0].target);
	return 0;
}

/* Mount @dm's mounts [from, to) again, in their original order (nested ones last). */
static void remount(struct ops_disk_move *dm, size_t from, size_t to, char *note, size_t len)
{
	/* The message names the mount point and libmount's reason; both are short. */
	note[0] = '\0';
	for (size_t i = from; i < to; i++) {
		struct mint_disk_mount *m = &dm->mounts[i];
		struct mint_error err = {0};

		if (mint_disk_mount(m->disk, m->partno, m->target, m->fstype, m->options, &err)) {
			if (!mint_fmt(note, len, "it could not be mounted on %s again: %.300s",
				      m->target, err.msg))
				snprintf(note, len, "it could not be mounted again");
			log_msg(LOG_ERR, "%s", err.msg);
		}
	}
}

static int unmount_all(struct ops_disk_move *dm, struct mint_error *err)
{
	char note[512];

	if (!dm->nmounts)
		return 0;
	sync();
	/* The last mount first: nested mounts come off before the ones below them. */
	for (size_t i = dm->nmounts; i-- > 0;) {
		progress(dm, "unmount %s", dm->mounts[i].target);
		if (mint_disk_unmount(&dm->mounts[i], err)) {
			remount(dm, i + 1, dm->nmounts, note, sizeof(note));
			dm->nmounts = 0;
			mint_error_append(err, "%s", note);
			return -1;
		}
	}
	return 0;
}

/* The controller is back here: wait for its disks and mount what was unmounted. */
static void restore(struct ops_disk_move *dm, struct mint_error *err)
{
	mint_disk_name names[MINT_DISK_MAX];
	char note[512];

	if (!dm->nmounts)
		return;
	if (!mint_disk_wait(&dm->mv.devs[0], DISK_APPEAR_MS, names, MINT_DISK_MAX)) {
		mint_error_append(err, "its disks did not come back, so nothing was mounted again");
		return;
	}
	/* The disks may come back under other names: follow them by position. */
	for (size_t i = 0; i < dm->nmounts; i++)
		for (size_t k = 0; k < dm->ndisks; k++)
			if (!strcmp(dm->mounts[i].disk, dm->disks[k]) && k < MINT_DISK_MAX)
				snprintf(dm->mounts[i].disk, sizeof(dm->mounts[i].disk), "%s",
					 names[k]);
	remount(dm, 0, dm->nmounts, note, sizeof(note));
	mint_error_append(err, "%s", note[0] ? note : "it is mounted again where it was");
}

int ops_move_disk(struct mintd *d, struct ops_disk_move *dm, struct mint_error *err)
{
	char list[256];

	if (find_disks(dm, err) || ops_move_check_target(d, dm->mv.to, err) ||
	    check_mounts(dm, err))
		return -1;
	if (unmount_all(dm, err))
		return -1;
	for (size_t i = 0; i < dm->ndisks; i++) {
		progress(dm, "flush disk %s", dm->disks[i]);
		if (mint_disk_flush(dm->disks[i], err)) {
			restore(dm, err);
			return -1;
		}
	}
	join_names(dm, list, sizeof(list));
	dm->mv.kind = "disk";
	if (ops_move_devs(d, &dm->mv, err)) {
		/* Mounted again only where the controller came back to this node. */
		if (mint_dev_pci_owner(&d->dev, &dm->mv.devs[0]) == (uint32_t)d->self)
			restore(dm, err);
		return -1;
	}
	log_msg(LOG_NOTICE, "disk %s moved to node%d", list, dm->mv.to);
	return 0;
}
