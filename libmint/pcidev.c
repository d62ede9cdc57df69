// SPDX-License-Identifier: GPL-2.0
#include "pcidev.h"

#include <dirent.h>
#include <limits.h>
#include <pci/pci.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "module.h"
#include "sysfs.h"
#include "sysroot.h"
#include "util.h"

#define PCI_SYSFS "/sys/bus/pci"

static void dev_path(const struct mint_bdf *bdf, const char *attr, char path[PATH_MAX])
{
	char name[MINT_BDF_STRLEN];

	mint_format_bdf(bdf, name);
	mint_path(path, PCI_SYSFS "/devices/%s/%s", name, attr);
}

static void current_driver(const struct mint_bdf *bdf, char *drv, size_t len)
{
	char path[PATH_MAX];

	dev_path(bdf, "driver", path);
	if (mint_link_basename(path, drv, len) < 0)
		drv[0] = '\0';
}

static void driver_module(const char *drv, char *mod, size_t len)
{
	char path[PATH_MAX];

	mod[0] = '\0';
	if (!drv[0])
		return;
	mint_path(path, PCI_SYSFS "/drivers/%s/module", drv);
	if (mint_link_basename(path, mod, len) < 0)
		mod[0] = '\0';
}

/* ---- in-use detection: block devices below the function that are mounted, swapped or held ---- */

struct blockdev {
	char name[64];
	char devno[16]; /* "254:0" */
};

static bool devno_in_file(const char *file, int field, const struct blockdev *b)
{
	char line[1024];
	bool found = false;
	FILE *f = fopen(file, "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *save = NULL, *tok = strtok_r(line, " ", &save);

		for (int i = 1; tok && i < field; i++)
			tok = strtok_r(NULL, " ", &save);
		found = tok && !strcmp(tok, b->devno);
	}
	fclose(f);
	return found;
}

static bool swapped(const struct blockdev *b)
{
	char line[1024], dev[80], path[PATH_MAX];
	bool found = false;
	FILE *f = fopen(mint_path(path, "/proc/swaps"), "re");

	if (!f)
		return false;
	snprintf(dev, sizeof(dev), "/dev/%s ", b->name);
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, dev, strlen(dev));
	fclose(f);
	return found;
}

static bool dir_nonempty(const char *path)
{
	struct dirent *de;
	bool any = false;
	DIR *d = opendir(path);

	if (!d)
		return false;
	while (!any && (de = readdir(d)))
		any = de->d_name[0] != '.';
	closedir(d);
	return any;
}

/* Why block device @b (a disk or partition under /sys/block/@disk) may not go away, or "". */
static bool blockdev_busy(const char *sysdir, const struct blockdev *b, char *why, size_t len)
{
	char path[PATH_MAX];

	if (devno_in_file(mint_path(path, "/proc/self/mountinfo"), 3, b)) {
		snprintf(why, len, "/dev/%s is mounted", b->name);
		return true;
	}
	if (swapped(b)) {
		snprintf(why, len, "/dev/%s is used as swap", b->name);
		return true;
	}
	if (mint_fmt(path, sizeof(path), "%s/holders", sysdir) && dir_nonempty(path)) {
		snprintf(why, len, "/dev/%s is held by another block device", b->name);
		return true;
	}
	return false;
}

static bool read_blockdev(const char *sysdir, const char *name, struct blockdev *b)
{
	char path[PATH_MAX];

	return mint_fmt(b->name, sizeof(b->name), "%s", name) &&
	       mint_fmt(path, sizeof(path), "%s/dev", sysdir) &&
	       mint_read_file(path, b->devno, sizeof(b->devno)) > 0;
}

/* Check a disk and its partitions. */
static bool disk_busy(const char *disk, char *why, size_t len)
{
	char sysdir[PATH_MAX], partdir[PATH_MAX];
	struct blockdev b;
	struct dirent *de;
	bool busy = false;
	DIR *d;

	mint_path(sysdir, "/sys/block/%s", disk);
	if (read_blockdev(sysdir, disk, &b) && blockdev_busy(sysdir, &b, why, len))
		return true;
	d = opendir(sysdir);
	if (!d)
		return false;
	while (!busy && (de = readdir(d))) {
		if (strncmp(de->d_name, disk, strlen(disk)))
			continue;
		busy = mint_fmt(partdir, sizeof(partdir), "%s/%s", sysdir, de->d_name) &&
		       read_blockdev(partdir, de->d_name, &b) && blockdev_busy(partdir, &b, why, len);
	}
	closedir(d);
	return busy;
}

void mint_pci_in_use(const struct mint_bdf *bdf, char *why, size_t len)
{
	char name[MINT_BDF_STRLEN], needle[MINT_BDF_STRLEN + 2], link[PATH_MAX], real[PATH_MAX];
	struct dirent *de;
	DIR *d;

	why[0] = '\0';
	mint_format_bdf(bdf, name);
	snprintf(needle, sizeof(needle), "/%s/", name);
	d = opendir(mint_path(link, "/sys/block"));
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		mint_path(link, "/sys/block/%s", de->d_name);
		if (!realpath(link, real) || !strstr(real, needle))
			continue;
		if (disk_busy(de->d_name, why, len))
			break;
	}
	closedir(d);
}

/* ---- enumeration through libpci ---- */

static void quiet_pci_msg(char *msg, ...)
{
	(void)msg;
}

/*
 * libpci's error handler must not return and its default one exits the
 * process; a daemon jumps back to mint_pci_scan() and reports the error.
 */
static jmp_buf pci_error_jump;
static char pci_error_text[160];
/* libpci's error path above is process-wide: one scan at a time. */
static pthread_mutex_t pci_lock = PTHREAD_MUTEX_INITIALIZER;

static _Noreturn void pci_error(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(pci_error_text, sizeof(pci_error_text), msg, ap);
	va_end(ap);
	longjmp(pci_error_jump, 1);
}

/*
 * Loading the PCI ID database (pci.ids) costs far more than a bus scan, so
 * the process keeps one libpci handle for names, loaded on first use.
 */
static struct pci_access *names_pacc;

static struct pci_access *names_db(void)
{
	if (!names_pacc) {
		names_pacc = pci_alloc();
		names_pacc->error = pci_error;
		names_pacc->warning = quiet_pci_msg;
		pci_init(names_pacc);
	}
	return names_pacc;
}

void mint_pci_cleanup(void)
{
	pthread_mutex_lock(&pci_lock);
	if (names_pacc)
		pci_cleanup(names_pacc);
	names_pacc = NULL;
	pthread_mutex_unlock(&pci_lock);
}

static void fill_pcidev(struct pci_dev *pd, bool names, struct mint_pcidev *d)
{
	pci_fill_info(pd, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CAPS | PCI_FILL_EXT_CAPS);
	d->bdf = (struct mint_bdf){
	    .domain = (uint16_t)pd->domain, .bus = pd->bus, .dev = pd->dev, .fn = pd->func};
	d->vendor = pd->vendor_id;
	d->device = pd->device_id;
	d->class = (uint32_t)pd->device_class << 8;
	if (!names ||
	    !pci_lookup_name(names_db(), d->name, sizeof(d->name),
			     PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE, pd->vendor_id, pd->device_id))
		snprintf(d->name, sizeof(d->name), "device %04x:%04x", d->vendor, d->device);
	d->msi = pci_find_cap(pd, PCI_CAP_ID_MSI, PCI_CAP_NORMAL) ||
		 pci_find_cap(pd, PCI_CAP_ID_MSIX, PCI_CAP_NORMAL);
	current_driver(&d->bdf, d->driver, sizeof(d->driver));
	driver_module(d->driver, d->module, sizeof(d->module));
	mint_pci_in_use(&d->bdf, d->in_use, sizeof(d->in_use));
}

static int scan_locked(struct mint_model *m, bool names, struct mint_error *err)
{
	struct pci_access *pacc = pci_alloc();
	int ret = 0;

	if (!pacc)
		return mint_fail(err, MINT_E_SYSTEM, "libpci: out of memory");
	pacc->error = pci_error;
	pacc->warning = quiet_pci_msg;
	if (setjmp(pci_error_jump)) {
		pci_cleanup(pacc);
		return mint_fail(err, MINT_E_SYSTEM, "libpci: %s", pci_error_text);
	}
	if (mint_sysroot()[0]) {
		char path[PATH_MAX];

		/* libpci copies the value: the buffer may go. */
		mint_path(path, PCI_SYSFS);
		pci_set_param(pacc, "sysfs.path", path);
		pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	}
	pci_init(pacc);
	pci_scan_bus(pacc);
	for (struct pci_dev *pd = pacc->devices; pd && !ret; pd = pd->next) {
		struct mint_pcidev d = {.owner = m->self};

		fill_pcidev(pd, names, &d);
		if (!mint_model_add_pci(m, &d))
			ret = mint_fail(err, MINT_E_SYSTEM, "out of memory");
	}
	pci_cleanup(pacc);
	return ret;
}

int mint_pci_scan(struct mint_model *m, bool names, struct mint_error *err)
{
	int ret;

	pthread_mutex_lock(&pci_lock);
	ret = scan_locked(m, names, err);
	pthread_mutex_unlock(&pci_lock);
	return ret;
}

/* ---- release and reclaim steps ---- */

static int write_bdf(const char *attr_path, const struct mint_bdf *bdf, const char *what,
		     struct mint_error *err)
{
	char name[MINT_BDF_STRLEN];

	mint_format_bdf(bdf, name);
	return mint_write_attr(attr_path, name, what, err);
}

/* Wait briefly for the driver link to become @want ("" = unbound). */
static bool driver_becomes(const struct mint_bdf *bdf, const char *want)
{
	struct timespec ts = {.tv_nsec = 20 * 1000000L};
	char drv[64];

	for (int i = 0; i < 100; i++) {
		current_driver(bdf, drv, sizeof(drv));
		if (!strcmp(drv, want))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

static int unbind(const struct mint_bdf *bdf, struct mint_error *err)
{
	char path[PATH_MAX], drv[64], what[96];

	current_driver(bdf, drv, sizeof(drv));
	if (!drv[0])
		return 0;
	dev_path(bdf, "driver/unbind", path);
	snprintf(what, sizeof(what), "unbinding %s", drv);
	if (write_bdf(path, bdf, what, err))
		return -1;
	if (!driver_becomes(bdf, ""))
		return mint_fail(err, MINT_E_SYSTEM, "driver %s did not let go of the device", drv);
	return 0;
}

static int bind_to(const struct mint_bdf *bdf, const char *drv, struct mint_error *err)
{
	char path[PATH_MAX], what[96], name[MINT_BDF_STRLEN];

	if (drv[0]) {
		mint_path(path, PCI_SYSFS "/drivers/%s/bind", drv);
		snprintf(what, sizeof(what), "binding %s", drv);
		if (write_bdf(path, bdf, what, err))
			return -1;
		if (!driver_becomes(bdf, drv))
			return mint_fail(err, MINT_E_SYSTEM, "driver %s did not bind", drv);
		return 0;
	}
	mint_format_bdf(bdf, name);
	return mint_write_attr(mint_path(path, PCI_SYSFS "/drivers_probe"), name, "probing drivers",
			       err);
}

static int set_override(const struct mint_bdf *bdf, const char *drv, struct mint_error *err)
{
	char path[PATH_MAX];

	dev_path(bdf, "driver_override", path);
	return mint_write_attr(path, drv[0] ? drv : "\n", "setting driver_override", err);
}

static int step_load_stub(void *ctx, struct mint_error *err)
{
	char path[PATH_MAX];

	(void)ctx;
	if (mint_path_exists(mint_path(path, PCI_SYSFS "/drivers/" MINT_PCI_STUB)))
		return 0;
	return mint_module_load("pci_stub", err);
}

static int step_unbind(void *ctx, struct mint_error *err)
{
	struct mint_pci_release *rel = ctx;

	return unbind(&rel->bdf, err);
}

static int step_rebind(void *ctx, struct mint_error *err)
{
	struct mint_pci_release *rel = ctx;

	if (!rel->driver[0])
		return 0;
	return bind_to(&rel->bdf, rel->driver, err);
}

static int step_stub_claim(void *ctx, struct mint_error *err)
{
	struct mint_pci_release *rel = ctx;

	if (set_override(&rel->bdf, MINT_PCI_STUB, err))
		return -1;
	if (bind_to(&rel->bdf, MINT_PCI_STUB, err)) {
		set_override(&rel->bdf, "", NULL);
		return -1;
	}
	return 0;
}

static int step_stub_unclaim(void *ctx, struct mint_error *err)
{
	struct mint_pci_release *rel = ctx;

	if (unbind(&rel->bdf, err))
		return -1;
	return set_override(&rel->bdf, "", err);
}

/* True when another PCI function is still bound to @drv. */
static bool driver_has_devices(const char *drv)
{
	char path[PATH_MAX];
	struct dirent *de;
	bool any = false;
	DIR *d;

	mint_path(path, PCI_SYSFS "/drivers/%s", drv);
	d = opendir(path);
	if (!d)
		return false;
	while (!any && (de = readdir(d))) {
		struct mint_bdf b;

		any = !mint_parse_bdf(de->d_name, &b, NULL) && strchr(de->d_name, ':') &&
		      strlen(de->d_name) == MINT_BDF_STRLEN - 1;
	}
	closedir(d);
	return any;
}

static int step_unload_module(void *ctx, struct mint_error *err)
{
	struct mint_pci_release *rel = ctx;
	int ret;

	rel->module_unloaded = 0;
	if (!rel->module[0])
		return 0;
	if (driver_has_devices(rel->driver)) {
		snprintf(rel->module_note, sizeof(rel->module_note),
			 "module %s kept: other devices use %s", rel->module, rel->driver);
		return 0;
	}
	ret =
	    mint_module_unload_unused(rel->module, rel->module_note, sizeof(rel->module_note), err);
	if (ret < 0)
		return -1;
	rel->module_unloaded = ret;
	return 0;
}

static int step_reload_module(void *ctx, struct mint_error *err)
{
	struct mint_pci_release *rel = ctx;

	/* Only what the release unloaded comes back (a built-in driver never went away). */
	if (!rel->module_unloaded || mint_module_loaded(rel->module))
		return 0;
	return mint_module_load(rel->module, err);
}

int mint_pci_plan_release(struct mint_plan *plan, const struct mint_pcidev *dev,
			  struct mint_pci_release *rel, struct mint_error *err)
{
	char name[MINT_BDF_STRLEN];
	int ret = 0;

	memset(rel, 0, sizeof(*rel));
	rel->bdf = dev->bdf;
	snprintf(rel->driver, sizeof(rel->driver), "%s", dev->driver);
	snprintf(rel->module, sizeof(rel->module), "%s", dev->module);
	mint_format_bdf(&dev->bdf, name);

	ret |= mint_plan_add(plan, step_load_stub, NULL, rel, "load %s", MINT_PCI_STUB);
	if (rel->driver[0])
		ret |= mint_plan_add(plan, step_unbind, step_rebind, rel, "unbind %s from %s",
				     rel->driver, name);
	ret |= mint_plan_add(plan, step_stub_claim, step_stub_unclaim, rel, "claim %s with %s",
			     name, MINT_PCI_STUB);
	if (rel->module[0])
		ret |= mint_plan_add(plan, step_unload_module, step_reload_module, rel,
				     "unload module %s", rel->module);
	if (ret)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	return 0;
}

static int step_unstub_for_reclaim(void *ctx, struct mint_error *err)
{
	return step_stub_unclaim(ctx, err);
}

static int step_restub(void *ctx, struct mint_error *err)
{
	return step_stub_claim(ctx, err);
}

static int step_bind_original(void *ctx, struct mint_error *err)
{
	struct mint_pci_release *rel = ctx;

	return bind_to(&rel->bdf, rel->driver, err);
}

static int step_load_module_for_reclaim(void *ctx, struct mint_error *err)
{
	struct mint_pci_release *rel = ctx;

	rel->module_unloaded = rel->module[0] && !mint_module_loaded(rel->module);
	if (!rel->module_unloaded)
		return 0;
	return mint_module_load(rel->module, err);
}

static int step_unload_again(void *ctx, struct mint_error *err)
{
	struct mint_pci_release *rel = ctx;
	char why[160];

	if (!rel->module_unloaded)
		return 0;
	return mint_module_unload_unused(rel->module, why, sizeof(why), err) < 0 ? -1 : 0;
}

int mint_pci_plan_reclaim(struct mint_plan *plan, struct mint_pci_release *rel,
			  struct mint_error *err)
{
	char name[MINT_BDF_STRLEN];
	int ret = 0;

	mint_format_bdf(&rel->bdf, name);
	if (rel->module[0])
		ret |= mint_plan_add(plan, step_load_module_for_reclaim, step_unload_again, rel,
				     "load module %s", rel->module);
	ret |= mint_plan_add(plan, step_unstub_for_reclaim, step_restub, rel,
			     "take %s back from %s", name, MINT_PCI_STUB);
	ret |= mint_plan_add(plan, step_bind_original, step_unbind, rel, "bind %s to %s", name,
			     rel->driver[0] ? rel->driver : "its driver");
	if (ret)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	return 0;
}

/* ---- adopting a function from another node ---- */

/* Wait up to 5 s for a driver other than pci-stub to bind. */
static bool driver_bound(const struct mint_bdf *bdf, char *drv, size_t len)
{
	struct timespec ts = {.tv_nsec = 50 * 1000000L};

	for (int i = 0; i < 100; i++) {
		current_driver(bdf, drv, len);
		if (drv[0] && strcmp(drv, MINT_PCI_STUB))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

int mint_pci_adopt(const struct mint_bdf *bdf, char *driver, size_t len, struct mint_error *err)
{
	char path[PATH_MAX], drv[64], alias[256], name[MINT_BDF_STRLEN];
	struct mint_error ignored = {0};

	mint_format_bdf(bdf, name);
	current_driver(bdf, drv, sizeof(drv));
	if (drv[0] && strcmp(drv, MINT_PCI_STUB))
		goto done;
	if (drv[0] && unbind(bdf, err))
		return -1;
	if (set_override(bdf, "", err))
		return -1;
	dev_path(bdf, "modalias", path);
	/* No module for the alias is fine: the driver may be built in. */
	if (mint_read_file(path, alias, sizeof(alias)) > 0)
		mint_module_load(alias, &ignored);
	if (bind_to(bdf, "", err))
		return -1;
	if (!driver_bound(bdf, drv, sizeof(drv)))
		return mint_fail(err, MINT_E_NOTFOUND,
				 "PCI device %s: no driver of this kernel binds it", name);
done:
	if (driver)
		snprintf(driver, len, "%s", drv);
	return 0;
}
