// SPDX-License-Identifier: GPL-2.0
/*
 * mintctl check: the PCI functions through libpci. mintctl does not link
 * libpci (every other command would load it and its libraries at start);
 * `mintctl check` loads libpci.so.3 with dlopen() when it runs. The types
 * come from <pci/pci.h>, libpci's stable ABI.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sysfs.h"
#include "sysroot.h"

#define LIBPCI_SONAME "libpci.so.3"
#define PCI_SYSFS     "/sys/bus/pci"

static struct {
	__typeof__(pci_alloc) *alloc;
	__typeof__(pci_init) *init;
	__typeof__(pci_cleanup) *cleanup;
	__typeof__(pci_scan_bus) *scan_bus;
	__typeof__(pci_fill_info) *fill_info;
	__typeof__(pci_find_cap) *find_cap;
	__typeof__(pci_lookup_name) *lookup_name;
	__typeof__(pci_set_param) *set_param;
} lib;

static const char *load_libpci(void)
{
	static void *handle;
	static char error[200];

	if (handle)
		return NULL;
	if (error[0])
		return error;
	handle = dlopen(LIBPCI_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		snprintf(error, sizeof(error), "%s", dlerror());
		return error;
	}
#define SYM(field, name)                                                                           \
	do {                                                                                       \
		*(void **)&lib.field = dlsym(handle, name);                                        \
		if (!lib.field) {                                                                  \
			snprintf(error, sizeof(error), LIBPCI_SONAME " has no %s", name);          \
			dlclose(handle);                                                           \
			handle = NULL;                                                             \
			return error;                                                              \
		}                                                                                  \
	} while (0)
	SYM(alloc, "pci_alloc");
	SYM(init, "pci_init");
	SYM(cleanup, "pci_cleanup");
	SYM(scan_bus, "pci_scan_bus");
	SYM(fill_info, "pci_fill_info");
	SYM(find_cap, "pci_find_cap");
	SYM(lookup_name, "pci_lookup_name");
	SYM(set_param, "pci_set_param");
#undef SYM
	return NULL;
}

/* libpci's error handler must not return; its default one exits the process. */
static jmp_buf pci_jump;
static char pci_text[160];

static __attribute__((noreturn)) void pci_error(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(pci_text, sizeof(pci_text), msg, ap);
	va_end(ap);
	longjmp(pci_jump, 1);
}

static void pci_quiet(char *msg, ...)
{
	(void)msg;
}

/* Only root reads a function's config space beyond its first 64 bytes, where capabilities are. */
static bool caps_readable(const char *name)
{
	char path[PATH_MAX];
	uint8_t byte;
	bool ok;
	int fd;

	fd = open(mint_path(path, PCI_SYSFS "/devices/%s/config", name), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = pread(fd, &byte, 1, 0x40) == 1;
	close(fd);
	return ok;
}

static void fill(struct pci_access *pacc, struct pci_dev *pd, struct check_pci_fn *fn)
{
	char name[MINT_BDF_STRLEN], path[PATH_MAX];

	lib.fill_info(pd, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CAPS);
	fn->bdf = (struct mint_bdf){
	    .domain = (uint16_t)pd->domain, .bus = pd->bus, .dev = pd->dev, .fn = pd->func};
	fn->class = (uint32_t)pd->device_class << 8;
	fn->msi = lib.find_cap(pd, PCI_CAP_ID_MSI, PCI_CAP_NORMAL) ||
		  lib.find_cap(pd, PCI_CAP_ID_MSIX, PCI_CAP_NORMAL);
	if (!lib.lookup_name(pacc, fn->name, sizeof(fn->name),
			     PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS,
			     pd->vendor_id, pd->device_id))
		snprintf(fn->name, sizeof(fn->name), "device %04x:%04x", pd->vendor_id,
			 pd->device_id);
	mint_format_bdf(&fn->bdf, name);
	fn->caps_known = caps_readable(name);
	fn->other_node = -1;
	mint_path(path, PCI_SYSFS "/devices/%s/driver", name);
	if (mint_link_basename(path, fn->driver, sizeof(fn->driver)) < 0)
		fn->driver[0] = '\0';
}

static int cmp_fn(const void *a, const void *b)
{
	return mint_bdf_cmp(&((const struct check_pci_fn *)a)->bdf,
			    &((const struct check_pci_fn *)b)->bdf);
}

int check_probe_pci(struct check_facts *f)
{
	struct pci_access *volatile pacc;
	const char *why = load_libpci();

	f->npci = 0;
	if (why) {
		snprintf(f->pci_error, sizeof(f->pci_error), "cannot load libpci: %s", why);
		return -1;
	}
	pacc = lib.alloc();
	if (!pacc) {
		snprintf(f->pci_error, sizeof(f->pci_error), "libpci: out of memory");
		return -1;
	}
	pacc->error = pci_error;
	pacc->warning = pci_quiet;
	if (setjmp(pci_jump)) {
		lib.cleanup(pacc);
		f->npci = 0;
		snprintf(f->pci_error, sizeof(f->pci_error), "libpci: %s", pci_text);
		return -1;
	}
	if (mint_sysroot()[0]) {
		char path[PATH_MAX];

		mint_path(path, PCI_SYSFS);
		lib.set_param(pacc, "sysfs.path", path);
		pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	}
	lib.init(pacc);
	lib.scan_bus(pacc);
	for (struct pci_dev *pd = pacc->devices; pd && f->npci < CHECK_MAX_PCI; pd = pd->next)
		fill(pacc, pd, &f->pci[f->npci++]);
	lib.cleanup(pacc);
	qsort(f->pci, f->npci, sizeof(f->pci[0]), cmp_fn);
	f->pci_scanned = true;
	return 0;
}
