// SPDX-License-Identifier: GPL-2.0
/* The CPU, memory block or PCI function mint-race races on: sysfs use and table owner. */
#include "race_res.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysfs.h"
#include "sysroot.h"

/* Write @val to a sysfs attribute: 0 or the errno the kernel answered with. */
static int write_attr(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, e;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = write(fd, val, len);
	e = n < 0 ? errno : n == (ssize_t)len ? 0 : EIO;
	close(fd);
	return e;
}

static int parse_index(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || end == s || *end || *s == '-' || *out > max ? -1 : 0;
}

static int setup_cpu(struct race_res *r, const char *arg, struct mint_dev *dev,
		     struct mint_error *err)
{
	int apic[MINT_MAX_CPUS];
	unsigned long cpu;

	if (parse_index(arg, MINT_MAX_CPUS - 1, &cpu))
		return mint_fail(err, MINT_E_INVALID, "bad CPU \"%s\" (a logical CPU number)", arg);
	if (mint_dev_cpu_map(dev, apic, MINT_MAX_CPUS, err))
		return -1;
	if (apic[cpu] < 0)
		return mint_fail(err, MINT_E_NOTFOUND, "CPU %lu is not present in this kernel",
				 cpu);
	mint_path(r->state_path, "/sys/devices/system/cpu/cpu%lu/online", cpu);
	if (!mint_path_exists(r->state_path))
		return mint_fail(err, MINT_E_UNSUPPORTED, "CPU %lu cannot go offline (no %s)", cpu,
				 r->state_path);
	r->type = MINT_RES_CPU;
	r->id = (uint64_t)apic[cpu];
	snprintf(r->name, sizeof(r->name), "CPU %lu (APIC ID %d)", cpu, apic[cpu]);
	return 0;
}

static int setup_mem(struct race_res *r, const char *arg, struct mint_dev *dev,
		     struct mint_error *err)
{
	char path[PATH_MAX];
	unsigned long block;
	uint64_t bs;

	if (parse_index(arg, ULONG_MAX, &block))
		return mint_fail(err, MINT_E_INVALID,
				 "bad memory block \"%s\" (a number N of "
				 "/sys/devices/system/memory/memoryN)",
				 arg);
	mint_path(path, "/sys/devices/system/memory/block_size_bytes");
	if (mint_read_u64(path, 16, &bs) || !bs)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "%s: cannot read it: %s", path,
				       strerror(errno));
	mint_path(r->state_path, "/sys/devices/system/memory/memory%lu/state", block);
	if (!mint_path_exists(r->state_path))
		return mint_fail(err, MINT_E_NOTFOUND, "memory block %lu does not exist (no %s)",
				 block, r->state_path);
	r->type = MINT_RES_MEM;
	r->id = (uint64_t)block * bs;
	if (mint_dev_mem_owner(dev, r->id) == MINT_OWNER_NONE)
		return mint_fail(err, MINT_E_NOTFOUND,
				 "memory block %lu (%#llx) is not in the resource table", block,
				 (unsigned long long)r->id);
	snprintf(r->name, sizeof(r->name), "memory block %lu (%#llx)", block,
		 (unsigned long long)r->id);
	return 0;
}

static int setup_pci(struct race_res *r, const char *arg, struct mint_error *err)
{
	char link[PATH_MAX];

	if (mint_parse_bdf(arg, &r->bdf, err))
		return -1;
	mint_format_bdf(&r->bdf, r->bdf_name);
	mint_path(link, "/sys/bus/pci/devices/%s", r->bdf_name);
	if (!mint_path_exists(link))
		return mint_fail(err, MINT_E_NOTFOUND,
				 "PCI function %s does not exist in this kernel", r->bdf_name);
	mint_path(r->state_path, "/sys/bus/pci/devices/%s/driver", r->bdf_name);
	if (mint_link_basename(r->state_path, r->driver, sizeof(r->driver)) < 0 || !*r->driver)
		return mint_fail(err, MINT_E_STATE,
				 "PCI function %s has no driver bound: nothing to bind and unbind",
				 r->bdf_name);
	if (!strcmp(r->driver, "pci-stub"))
		return mint_fail(err, MINT_E_STATE,
				 "PCI function %s is bound to pci-stub: bind its own driver first",
				 r->bdf_name);
	mint_path(r->bind_path, "/sys/bus/pci/drivers/%s/bind", r->driver);
	mint_path(r->unbind_path, "/sys/bus/pci/drivers/%s/unbind", r->driver);
	r->type = MINT_RES_PCI;
	r->id = mint_bdf_res_id(&r->bdf);
	snprintf(r->name, sizeof(r->name), "PCI %s (driver %s)", r->bdf_name, r->driver);
	return 0;
}

int race_res_setup(struct race_res *r, enum race_kind kind, const char *arg, struct mint_dev *dev,
		   struct mint_error *err)
{
	uint32_t owner, self = dev->info.node_id;
	int ret, use;

	memset(r, 0, sizeof(*r));
	r->kind = kind;
	if (kind == RACE_CPU)
		ret = setup_cpu(r, arg, dev, err);
	else if (kind == RACE_MEM)
		ret = setup_mem(r, arg, dev, err);
	else
		ret = setup_pci(r, arg, err);
	if (ret)
		return -1;
	owner = race_res_owner(r, dev);
	if (owner != self) {
		char who[32];

		if (owner == MINT_OWNER_FREE)
			snprintf(who, sizeof(who), "FREE");
		else if (owner == MINT_OWNER_NONE)
			snprintf(who, sizeof(who), "not in the table");
		else
			snprintf(who, sizeof(who), "node%u's", owner);
		return mint_fail(err, MINT_E_STATE, "%s is %s, not this node's (node%u)", r->name,
				 who, self);
	}
	use = race_res_in_use(r);
	if (use < 0)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "%s: cannot read %s: %s", r->name,
				       r->state_path, strerror(errno));
	r->in_use_at_start = use;
	return 0;
}

int race_res_use(const struct race_res *r)
{
	switch (r->kind) {
	case RACE_CPU:
		return write_attr(r->state_path, "1");
	case RACE_MEM:
		return write_attr(r->state_path, "online_movable");
	default:
		return write_attr(r->bind_path, r->bdf_name);
	}
}

int race_res_unuse(const struct race_res *r)
{
	switch (r->kind) {
	case RACE_CPU:
		return write_attr(r->state_path, "0");
	case RACE_MEM:
		return write_attr(r->state_path, "offline");
	default:
		return write_attr(r->unbind_path, r->bdf_name);
	}
}

int race_res_in_use(const struct race_res *r)
{
	char buf[64];

	if (r->kind == RACE_PCI) {
		/* A function without a driver, or held by pci-stub, is out of use. */
		if (mint_link_basename(r->state_path, buf, sizeof(buf)) < 0)
			return errno == ENOENT ? 0 : -1;
		return *buf && strcmp(buf, "pci-stub");
	}
	if (mint_read_file(r->state_path, buf, sizeof(buf)) < 0)
		return -1;
	if (r->kind == RACE_CPU)
		return strcmp(buf, "0") != 0;
	/* "online", and "going-offline" while an offline runs, are in use. */
	return strcmp(buf, "offline") != 0;
}

uint32_t race_res_owner(const struct race_res *r, const struct mint_dev *dev)
{
	switch (r->kind) {
	case RACE_CPU:
		return mint_dev_cpu_owner(dev, (unsigned)r->id);
	case RACE_MEM:
		return mint_dev_mem_owner(dev, r->id);
	default:
		return mint_dev_pci_owner(dev, &r->bdf);
	}
}
