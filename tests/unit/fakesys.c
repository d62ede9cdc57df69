// SPDX-License-Identifier: GPL-2.0
#include "fakesys.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysroot.h"
#include "util.h"

static char root[PATH_MAX];

static void die(const char *what)
{
	perror(what);
	abort();
}

static void mkdirs(const char *path)
{
	char tmp[PATH_MAX];

	if (!mint_fmt(tmp, sizeof(tmp), "%s", path))
		die("path too long");
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(tmp, 0755) && errno != EEXIST)
				die(tmp);
			*p = '/';
		}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		die(tmp);
}

static void full(char out[PATH_MAX], const char *path)
{
	if (!mint_fmt(out, PATH_MAX, "%s%s", root, path))
		die("path too long");
}

static void write_bytes(const char *path, const void *buf, size_t len)
{
	char p[PATH_MAX], dir[PATH_MAX];
	FILE *f;

	full(p, path);
	memcpy(dir, p, sizeof(dir));
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	f = fopen(p, "w");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		die(p);
}

void fakesys_write(const char *path, const char *content)
{
	write_bytes(path, content, strlen(content));
}

const char *fakesys_read(const char *path)
{
	static char buf[4096];
	char p[PATH_MAX];
	size_t n;
	FILE *f;

	full(p, path);
	f = fopen(p, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

static void symlink_at(const char *target, const char *path)
{
	char p[PATH_MAX], dir[PATH_MAX];

	full(p, path);
	memcpy(dir, p, sizeof(dir));
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	if (symlink(target, p))
		die(p);
}

static void make_cpus(void)
{
	char path[128], cpuinfo[1024] = "";

	fakesys_write("/sys/devices/system/cpu/present", "0-3\n");
	fakesys_write("/sys/devices/system/cpu/possible", "0-3\n");
	fakesys_write("/sys/devices/system/cpu/online", "0-3\n");
	for (int c = 0; c < 4; c++) {
		char entry[128];

		if (c) {
			snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", c);
			fakesys_write(path, "1\n");
		}
		snprintf(entry, sizeof(entry), "processor\t: %d\napicid\t\t: %d\n\n", c, c);
		strcat(cpuinfo, entry);
	}
	fakesys_write("/proc/cpuinfo", cpuinfo);
}

static void make_memory(void)
{
	char path[128];

	fakesys_write("/sys/devices/system/memory/block_size_bytes", "8000000\n");
	for (int b = 0; b < 16; b++) {
		snprintf(path, sizeof(path), "/sys/devices/system/memory/memory%d/state", b);
		fakesys_write(path, "online\n");
		snprintf(path, sizeof(path), "/sys/devices/system/memory/memory%d/removable", b);
		fakesys_write(path, "1\n");
		snprintf(path, sizeof(path), "/sys/devices/system/memory/memory%d/valid_zones", b);
		fakesys_write(path, b >= 12 ? "Movable\n" : "Normal\n");
	}
	/* Block 0 holds the low 1 MiB hole: not all System RAM, so never offered. */
	fakesys_write("/proc/iomem", "00001000-0009fbff : System RAM\n"
				     "00100000-7fffffff : System RAM\n"
				     "  01000000-01ffffff : Kernel code\n");
}

/* A config space: ids, class, and an MSI-X capability when @msix. */
static void make_config(const char *dir, uint16_t vendor, uint16_t device, uint32_t class,
			bool msix)
{
	uint8_t c[256] = {0};
	char path[PATH_MAX];

	c[0] = vendor & 0xff;
	c[1] = vendor >> 8;
	c[2] = device & 0xff;
	c[3] = device >> 8;
	c[4] = 0x07;
	c[9] = class & 0xff;
	c[10] = (class >> 8) & 0xff;
	c[11] = (class >> 16) & 0xff;
	if (msix) {
		c[6] = 0x10; /* status: capability list */
		c[0x34] = 0x40;
		c[0x40] = 0x11; /* MSI-X, end of list */
	}
	snprintf(path, sizeof(path), "%s/config", dir);
	write_bytes(path, c, sizeof(c));
}

static void make_function(const char *bdf, uint16_t vendor, uint16_t device, uint32_t class,
			  bool msix, const char *driver)
{
	char dir[256], path[300], val[64];

	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", bdf);
	make_config(dir, vendor, device, class, msix);
	snprintf(path, sizeof(path), "%s/vendor", dir);
	snprintf(val, sizeof(val), "0x%04x\n", vendor);
	fakesys_write(path, val);
	snprintf(path, sizeof(path), "%s/device", dir);
	snprintf(val, sizeof(val), "0x%04x\n", device);
	fakesys_write(path, val);
	snprintf(path, sizeof(path), "%s/class", dir);
	snprintf(val, sizeof(val), "0x%06x\n", class);
	fakesys_write(path, val);
	snprintf(path, sizeof(path), "%s/irq", dir);
	fakesys_write(path, "11\n");
	snprintf(path, sizeof(path), "%s/resource", dir);
	fakesys_write(path, "0x000000000000c000 0x000000000000c07f 0x0000000000040101\n");
	snprintf(path, sizeof(path), "%s/driver_override", dir);
	fakesys_write(path, "(null)\n");
	if (driver) {
		snprintf(path, sizeof(path), "%s/driver", dir);
		snprintf(val, sizeof(val), "../../drivers/%s", driver);
		symlink_at(val, path);
	}
}

static void make_pci(void)
{
	char path[PATH_MAX];

	make_function(FAKE_DISK_BDF, 0x1af4, 0x1001, 0x010000, true, "virtio-pci");
	make_function(FAKE_INTX_BDF, 0x8086, 0x100e, 0x020000, false, NULL);
	fakesys_write("/sys/bus/pci/drivers/virtio-pci/bind", "");
	fakesys_write("/sys/bus/pci/drivers/virtio-pci/unbind", "");
	symlink_at("../../../../module/virtio_pci", "/sys/bus/pci/drivers/virtio-pci/module");
	fakesys_write("/sys/module/virtio_pci/refcnt", "0\n");
	fakesys_write("/sys/bus/pci/drivers_probe", "");
	/* vda hangs below the function, as in sysfs. */
	fakesys_write("/sys/bus/pci/devices/" FAKE_DISK_BDF "/virtio1/block/vda/dev", "254:0\n");
	full(path, "/sys/bus/pci/devices/" FAKE_DISK_BDF "/virtio1/block/vda/holders");
	mkdirs(path);
	symlink_at("../bus/pci/devices/" FAKE_DISK_BDF "/virtio1/block/vda", "/sys/block/vda");
	fakesys_write("/proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n");
	fakesys_mount_disk(false);
}

void fakesys_mount_disk(bool mounted)
{
	fakesys_write("/proc/self/mountinfo",
		      mounted ? "21 1 0:20 / / rw - tmpfs tmpfs rw\n"
				"30 21 254:0 / /mnt rw,relatime - ext4 /dev/vda rw\n"
			      : "21 1 0:20 / / rw - tmpfs tmpfs rw\n");
}

const char *fakesys_create(void)
{
	snprintf(root, sizeof(root), "%s/mint-fakesys-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		die("mkdtemp");
	make_cpus();
	make_memory();
	make_pci();
	if (mint_sysroot_set(root, NULL))
		abort();
	return root;
}

void fakesys_destroy(void)
{
	char cmd[PATH_MAX + 16];

	mint_sysroot_set("", NULL);
	if (!mint_fmt(cmd, sizeof(cmd), "rm -rf '%s'", root))
		return;
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", root);
}
