// SPDX-License-Identifier: GPL-2.0
/*
 * mintctl check, first half: what this machine says about itself. Only
 * reads (procfs, sysfs, /dev/mint's MINT_IOC_INFO and table, the kernel log,
 * IA32_APIC_BASE through /dev/cpu/0/msr where it is readable), every path
 * below mint_sysroot() so that unit tests can hand in a fake tree. Anything
 * that cannot be read stays unknown; the verdicts (check_eval.c) say so.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cpuset.h"
#include "mintdev.h"
#include "sysfs.h"
#include "sysroot.h"
#include "util.h"

#define MSR_IA32_APICBASE 0x1b
#define APICBASE_EXTD	  (1ULL << 10) /* x2APIC mode */

static FILE *open_proc(const char *path)
{
	char p[PATH_MAX];

	return fopen(mint_path(p, "%s", path), "re");
}

static void read_text(const char *path, char *buf, size_t len)
{
	char p[PATH_MAX];

	if (mint_read_file(mint_path(p, "%s", path), buf, len) < 0)
		buf[0] = '\0';
}

static bool exists(const char *path)
{
	char p[PATH_MAX];

	return mint_path_exists(mint_path(p, "%s", path));
}

/* Entries of directory @path not starting with '.'; the first one's name in @first. */
static unsigned count_entries(const char *path, char *first, size_t len)
{
	char p[PATH_MAX];
	struct dirent *de;
	unsigned n = 0;
	DIR *d = opendir(mint_path(p, "%s", path));

	if (first && len)
		first[0] = '\0';
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			if (!n && first)
				snprintf(first, len, "%s", de->d_name);
			n++;
		}
	closedir(d);
	return n;
}

/* "key\t: value" of a /proc/cpuinfo line, NULL when the line has another key. */
static const char *cpuinfo_value(const char *line, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n) || (line[n] != '\t' && line[n] != ' ' && line[n] != ':'))
		return NULL;
	line = strchr(line, ':');
	return line ? line + 1 + strspn(line + 1, " \t") : NULL;
}

static bool has_flag(const char *flags, const char *flag)
{
	size_t n = strlen(flag);

	for (const char *p = flags; (p = strstr(p, flag)); p += n)
		if ((p == flags || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

static void probe_cpus(struct check_facts *f)
{
	char line[8192], buf[256], path[64];
	struct mint_cpuset present;
	bool flags_seen = false;
	FILE *in;

	f->max_apic_id = -1;
	in = open_proc("/proc/cpuinfo");
	while (in && fgets(line, sizeof(line), in)) {
		const char *v;

		if ((v = cpuinfo_value(line, "apicid"))) {
			int id = atoi(v);

			if (id > f->max_apic_id)
				f->max_apic_id = id;
		} else if ((v = cpuinfo_value(line, "vendor_id")) && !f->cpu_vendor[0]) {
			snprintf(f->cpu_vendor, sizeof(f->cpu_vendor), "%.*s",
				 (int)strcspn(v, "\n"), v);
		} else if ((v = cpuinfo_value(line, "flags")) && !flags_seen) {
			flags_seen = true;
			f->flag_x2apic = has_flag(v, "x2apic");
			f->flag_vmx = has_flag(v, "vmx");
			f->flag_svm = has_flag(v, "svm");
			f->flag_hypervisor = has_flag(v, "hypervisor");
		}
	}
	if (in)
		fclose(in);
	read_text("/sys/devices/system/cpu/present", buf, sizeof(buf));
	if (buf[0] && !mint_parse_cpulist(buf, &present, NULL)) {
		f->ncpus = mint_cpuset_count(&present);
		for (int c = mint_cpuset_next(&present, 1); c >= 0 && !f->cpu_hotplug;
		     c = mint_cpuset_next(&present, (unsigned)c + 1)) {
			snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", c);
			f->cpu_hotplug = exists(path);
		}
	}
	read_text("/sys/devices/system/cpu/smt/active", buf, sizeof(buf));
	f->smt = !strcmp(buf, "1") ? CHECK_YES : !strcmp(buf, "0") ? CHECK_NO : CHECK_UNKNOWN;
}

/* ---- APIC mode ---- */

static void set_x2apic(struct check_facts *f, enum check_tristate mode, const char *source)
{
	f->x2apic_mode = mode;
	snprintf(f->x2apic_source, sizeof(f->x2apic_source), "%s", source);
}

/*
 * What the kernel said about the APIC at boot (the kernel log, while it still
 * holds the boot messages). /dev/kmsg gives one record per read; a plain file
 * in a test tree gives lines.
 */
static void scan_kernel_log(struct check_facts *f)
{
	char p[PATH_MAX], rec[8192];
	int fd = open(mint_path(p, "/dev/kmsg"), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	FILE *in;

	if (fd < 0)
		return;
	in = fdopen(fd, "r");
	if (!in) {
		close(fd);
		return;
	}
	for (;;) {
		if (!fgets(rec, sizeof(rec), in)) {
			if (ferror(in) && errno == EPIPE) { /* a record was overwritten: go on */
				clearerr(in);
				continue;
			}
			break;
		}
		if (strstr(rec, "x2apic: enabled by BIOS")) {
			f->x2apic_by_firmware = true;
			set_x2apic(f, CHECK_YES, "the kernel log");
		} else if (strstr(rec, "Kernel does not support x2APIC")) {
			/* The firmware left it on and this kernel disabled the APIC. */
			f->x2apic_by_firmware = true;
		} else if (strstr(rec, "x2apic already enabled")) {
			f->x2apic_by_firmware = true;
		} else if (strstr(rec, "cannot enforce nox2apic") ||
			   strstr(rec, "x2apic enabled") ||
			   strstr(rec, "routing to cluster x2apic") ||
			   strstr(rec, "routing to physical x2apic") ||
			   strstr(rec, "routing to: cluster x2apic") ||
			   strstr(rec, "routing to: physical x2apic")) {
			set_x2apic(f, CHECK_YES, "the kernel log");
		}
	}
	fclose(in);
}

static void probe_apic(struct check_facts *f)
{
	char p[PATH_MAX], line[1024];
	uint64_t base;
	int fd;
	FILE *in;

	f->x2apic_mode = CHECK_UNKNOWN;
	scan_kernel_log(f);
	/* The register itself is the answer, where the msr driver lets root read it. */
	fd = open(mint_path(p, "/dev/cpu/0/msr"), O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (pread(fd, &base, sizeof(base), MSR_IA32_APICBASE) == sizeof(base))
			set_x2apic(f, base & APICBASE_EXTD ? CHECK_YES : CHECK_NO,
				   "IA32_APIC_BASE");
		close(fd);
	}
	if (f->x2apic_mode == CHECK_UNKNOWN) {
		char val[8];

		if (f->mint == CHECK_MINT_OK)
			set_x2apic(f, CHECK_NO, "the Mint kernel has no x2APIC support");
		else if (check_cmdline_param(f->cmdline, "nox2apic", val, sizeof(val)))
			set_x2apic(f, CHECK_NO, "nox2apic");
		else if (!f->flag_x2apic)
			set_x2apic(f, CHECK_NO, "the CPU shows no x2APIC");
	}
	/* Remapped interrupts show up as IR-IO-APIC / IR-PCI-MSI chips. */
	in = open_proc("/proc/interrupts");
	if (!in)
		return;
	f->irq_remap = CHECK_NO;
	while (fgets(line, sizeof(line), in))
		if (strstr(line, "IR-IO-APIC") || strstr(line, "IR-PCI-MSI") ||
		    strstr(line, "AMD-IR") || strstr(line, "INTEL-IR"))
			f->irq_remap = CHECK_YES;
	fclose(in);
}

/* ---- memory ---- */

static void probe_memory(struct check_facts *f)
{
	char line[256], zone[32] = "";
	long page = sysconf(_SC_PAGESIZE);
	uint64_t v;
	FILE *in;

	if (page <= 0)
		page = 4096;
	{
		char p[PATH_MAX];

		if (!mint_read_u64(mint_path(p, "/sys/devices/system/memory/block_size_bytes"), 16,
				   &v)) {
			f->block_size = v;
			f->mem_hotplug = true;
		}
	}
	in = open_proc("/proc/meminfo");
	while (in && fgets(line, sizeof(line), in)) {
		unsigned long long kib;

		if (sscanf(line, "MemTotal: %llu kB", &kib) == 1)
			f->mem_total = kib * 1024;
	}
	if (in)
		fclose(in);
	/* "Node 0, zone  Movable" starts a zone; its "present" pages are the ones online. */
	in = open_proc("/proc/zoneinfo");
	while (in && fgets(line, sizeof(line), in)) {
		unsigned long long pages;
		int node;

		if (sscanf(line, "Node %d, zone %31s", &node, zone) == 2)
			continue;
		if (!strcmp(zone, "Movable") && sscanf(line, " present %llu", &pages) == 1)
			f->movable_bytes += pages * (uint64_t)page;
	}
	if (in)
		fclose(in);
}

/* ---- serial ports ---- */

static void add_uart(struct check_facts *f, unsigned index, unsigned port, const char *type)
{
	struct check_uart *u;

	if (f->nuarts >= CHECK_MAX_UARTS)
		return;
	u = &f->uarts[f->nuarts++];
	u->index = index;
	u->port = port;
	snprintf(u->type, sizeof(u->type), "%s", type);
}

static int cmp_uart(const void *a, const void *b)
{
	const struct check_uart *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

/* 8250 port types as sysfs numbers them (include/uapi/linux/serial_core.h). */
static const char *uart_type_name(unsigned type)
{
	static const char *const names[] = {"unknown", "8250",	"16450",   "16550", "16550A",
					    "Cirrus",  "16650", "16650V2", "16750", "Startech",
					    "16C950",  "16654", "16850",   "RSA"};

	return type < ARRAY_SIZE(names) ? names[type] : "other";
}

static void probe_uarts(struct check_facts *f)
{
	char line[256], p[PATH_MAX], buf[64];
	struct dirent *de;
	FILE *in;
	DIR *d;

	/* The 8250 driver's own list (root only): "1: uart:16550A port:000002F8 irq:3 ..." */
	in = open_proc("/proc/tty/driver/serial");
	if (in) {
		f->uarts_known = true;
		while (fgets(line, sizeof(line), in)) {
			unsigned index, port = 0;
			char type[24];
			const char *ps;

			if (sscanf(line, "%u: uart:%23s", &index, type) != 2 ||
			    !strcmp(type, "unknown"))
				continue;
			ps = strstr(line, "port:");
			if (ps)
				port = (unsigned)strtoul(ps + 5, NULL, 16);
			add_uart(f, index, port, type);
		}
		fclose(in);
	} else if ((d = opendir(mint_path(p, "/sys/class/tty")))) {
		f->uarts_known = true;
		while ((de = readdir(d))) {
			unsigned index, type, port = 0;
			char path[PATH_MAX];

			if (sscanf(de->d_name, "ttyS%u", &index) != 1)
				continue;
			snprintf(path, sizeof(path), "/sys/class/tty/%s/type", de->d_name);
			read_text(path, buf, sizeof(buf));
			if (!buf[0] || sscanf(buf, "%u", &type) != 1 || type == 0)
				continue;
			snprintf(path, sizeof(path), "/sys/class/tty/%s/port", de->d_name);
			read_text(path, buf, sizeof(buf));
			if (buf[0])
				port = (unsigned)strtoul(buf, NULL, 0);
			add_uart(f, index, port, uart_type_name(type));
		}
		closedir(d);
	}
	qsort(f->uarts, f->nuarts, sizeof(f->uarts[0]), cmp_uart);
	/* The console: the first ttyS in /proc/consoles. */
	f->console_uart = -1;
	in = open_proc("/proc/consoles");
	while (in && f->console_uart < 0 && fgets(line, sizeof(line), in)) {
		unsigned index;

		if (sscanf(line, "ttyS%u", &index) == 1)
			f->console_uart = (int)index;
	}
	if (in)
		fclose(in);
}

/* ---- KVM ---- */

static void probe_kvm(struct check_facts *f)
{
	static const char *const files[] = {"/sys/module/kvm_amd/parameters/nested",
					    "/sys/module/kvm_intel/parameters/nested"};
	char buf[16];

	f->nested = CHECK_UNKNOWN;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		read_text(files[i], buf, sizeof(buf));
		if (buf[0])
			f->nested =
			    buf[0] == '1' || buf[0] == 'Y' || buf[0] == 'y' ? CHECK_YES : CHECK_NO;
	}
	f->dev_kvm = exists("/dev/kvm");
}

/* ---- the Mint kernel ---- */

static void probe_mint(struct check_facts *f)
{
	struct mint_error err = {0};
	struct mint_dev dev;

	f->mint = CHECK_MINT_ABSENT;
	if (mint_sysroot()[0]) {
		/* A test tree has no device to ask; only its absence means something. */
		if (exists(MINT_DEV_PATH)) {
			f->mint = CHECK_MINT_ERROR;
			snprintf(f->mint_error, sizeof(f->mint_error), "%s%s is not a Mint device",
				 mint_sysroot(), MINT_DEV_PATH);
		}
		return;
	}
	if (mint_dev_open(&dev, &err)) {
		if (err.kind == MINT_E_UNSUPPORTED)
			return;
		f->mint = err.kind == MINT_E_PERM ? CHECK_MINT_NOACCESS : CHECK_MINT_ERROR;
		snprintf(f->mint_error, sizeof(f->mint_error), "%s", err.msg);
		return;
	}
	f->mint = CHECK_MINT_OK;
	f->mint_info = dev.info;
	for (uint32_t n = 1; n < MINT_MAX_NODES; n++) {
		struct mint_node_view v;

		if (!mint_dev_low_slot(&dev, n) || mint_dev_node_view(&dev, n, &v))
			continue;
		f->low_slots++;
		if (v.state == MINT_NODE_UNUSED || v.state == MINT_NODE_HALTED)
			f->low_slots_free++;
	}
	mint_dev_close(&dev);
}

/* On the Mint kernel, functions this kernel sees may be another node's (given away, pci-stub). */
static void pci_owners(struct check_facts *f)
{
	struct mint_dev dev;

	if (f->mint != CHECK_MINT_OK || mint_sysroot()[0] || mint_dev_open(&dev, NULL))
		return;
	for (size_t i = 0; i < f->npci; i++) {
		uint32_t owner = mint_dev_pci_owner(&dev, &f->pci[i].bdf);

		if (owner < MINT_MAX_NODES && owner != dev.info.node_id)
			f->pci[i].other_node = (int)owner;
	}
	mint_dev_close(&dev);
}

void check_probe(struct check_facts *f)
{
	memset(f, 0, sizeof(*f));
	read_text("/proc/sys/kernel/osrelease", f->kernel, sizeof(f->kernel));
	read_text("/proc/cmdline", f->cmdline, sizeof(f->cmdline));
	probe_mint(f);
	probe_cpus(f);
	probe_apic(f);
	f->iommus = count_entries("/sys/class/iommu", f->iommu_name, sizeof(f->iommu_name));
	f->iommu_groups = count_entries("/sys/kernel/iommu_groups", NULL, 0);
	probe_memory(f);
	probe_uarts(f);
	probe_kvm(f);
	if (!check_probe_pci(f))
		pci_owners(f);
}
