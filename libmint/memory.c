// SPDX-License-Identifier: GPL-2.0
#include "memory.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sysfs.h"
#include "sysroot.h"

#define MEM_SYSFS "/sys/devices/system/memory"

int mint_mem_block_size(uint64_t *size, struct mint_error *err)
{
	char path[PATH_MAX];

	if (mint_read_u64(mint_path(path, MEM_SYSFS "/block_size_bytes"), 16, size) || *size == 0)
		return mint_fail(err, MINT_E_UNSUPPORTED,
				 "this kernel has no memory hotplug (" MEM_SYSFS
				 "/block_size_bytes is missing)");
	return 0;
}

static void block_attr(unsigned index, const char *attr, char path[PATH_MAX])
{
	mint_path(path, MEM_SYSFS "/memory%u/%s", index, attr);
}

bool mint_mem_is_online(unsigned index)
{
	char path[PATH_MAX], buf[32];

	block_attr(index, "state", path);
	return mint_read_file(path, buf, sizeof(buf)) > 0 && !strcmp(buf, "online");
}

/*
 * The kernel refuses to offline a block with holes ("memory holes": parts
 * that are not System RAM, such as firmware tables at the top of low
 * memory), so such blocks are not offered for release. The System RAM
 * ranges come from the top level of /proc/iomem (real addresses only for root).
 */
struct ram_ranges {
	size_t n;
	uint64_t start[256];
	uint64_t end[256]; /* inclusive */
};

static void read_ram_ranges(struct ram_ranges *r)
{
	char line[256], path[PATH_MAX];
	FILE *f = fopen(mint_path(path, "/proc/iomem"), "re");

	r->n = 0;
	if (!f)
		return;
	while (r->n < 256 && fgets(line, sizeof(line), f)) {
		unsigned long long s, e;

		if (line[0] == ' ' || !strstr(line, ": System RAM"))
			continue;
		if (sscanf(line, "%llx-%llx", &s, &e) == 2 && e > s) {
			r->start[r->n] = s;
			r->end[r->n++] = e;
		}
	}
	fclose(f);
}

/* True when [base, base+size) lies inside one System RAM range, or when we cannot tell. */
static bool all_ram(const struct ram_ranges *r, uint64_t base, uint64_t size)
{
	if (r->n == 0)
		return true;
	for (size_t i = 0; i < r->n; i++)
		if (base >= r->start[i] && base + size - 1 <= r->end[i])
			return true;
	return false;
}

static int scan_block(struct mint_model *m, unsigned index, const struct ram_ranges *ram,
		      struct mint_error *err)
{
	struct mint_memblock b = {.index = index, .owner = m->self};
	char path[PATH_MAX], buf[128];
	uint64_t removable = 1;

	b.base = (uint64_t)index * m->block_size;
	b.online = mint_mem_is_online(index);
	block_attr(index, "removable", path);
	if (mint_path_exists(path))
		mint_read_u64(path, 10, &removable);
	b.removable = removable != 0 && all_ram(ram, b.base, m->block_size);
	/* For an online block valid_zones names the zone it lies in. */
	block_attr(index, "valid_zones", path);
	if (b.online && mint_read_file(path, buf, sizeof(buf)) > 0)
		b.movable = !strcmp(buf, "Movable");
	if (!mint_model_add_mem(m, &b))
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	return 0;
}

int mint_mem_scan(struct mint_model *m, struct mint_error *err)
{
	char path[PATH_MAX];
	struct ram_ranges ram;
	struct dirent *de;
	DIR *dir;
	int ret = 0;

	read_ram_ranges(&ram);
	dir = opendir(mint_path(path, MEM_SYSFS));
	if (!dir)
		return mint_fail(err, MINT_E_UNSUPPORTED, "this kernel has no memory hotplug");
	while (!ret && (de = readdir(dir))) {
		char *end;
		unsigned long idx;

		if (strncmp(de->d_name, "memory", 6))
			continue;
		idx = strtoul(de->d_name + 6, &end, 10);
		if (end == de->d_name + 6 || *end)
			continue;
		ret = scan_block(m, (unsigned)idx, &ram, err);
	}
	closedir(dir);
	return ret;
}

static void pause_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

int mint_mem_offline(unsigned index, unsigned tries, struct mint_error *err)
{
	char path[PATH_MAX], what[64];

	block_attr(index, "state", path);
	snprintf(what, sizeof(what), "memory block %u", index);
	for (unsigned i = 0; i < tries || i == 0; i++) {
		if (!mint_mem_is_online(index))
			return 0;
		if (!mint_write_attr(path, "offline", what, err))
			return 0;
		if (err && err->kind != MINT_E_BUSY)
			return -1;
		pause_ms(100 * (i + 1));
	}
	if (err)
		mint_error_append(err, "gave up after %u tries", tries);
	return -1;
}

int mint_mem_online(unsigned index, struct mint_error *err)
{
	char path[PATH_MAX], zones[128], what[64];
	const char *how = "online";

	if (mint_mem_is_online(index))
		return 0;
	block_attr(index, "valid_zones", path);
	if (mint_read_file(path, zones, sizeof(zones)) > 0 && strstr(zones, "Movable"))
		how = "online_movable";
	block_attr(index, "state", path);
	snprintf(what, sizeof(what), "memory block %u", index);
	return mint_write_attr(path, how, what, err);
}

bool mint_mem_block_exists(unsigned index)
{
	char path[PATH_MAX];

	block_attr(index, "state", path);
	return mint_path_exists(path);
}

int mint_mem_probe(uint64_t base, struct mint_error *err)
{
	char path[PATH_MAX], val[32], what[64];

	mint_path(path, MEM_SYSFS "/probe");
	if (!mint_path_exists(path))
		return mint_fail(err, MINT_E_UNSUPPORTED,
				 "this kernel cannot add memory (" MEM_SYSFS "/probe is missing)");
	snprintf(val, sizeof(val), "0x%llx", (unsigned long long)base);
	snprintf(what, sizeof(what), "adding the memory block at 0x%llx",
		 (unsigned long long)base);
	return mint_write_attr(path, val, what, err);
}
