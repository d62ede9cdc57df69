// SPDX-License-Identifier: GPL-2.0
#include "cpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "sysfs.h"
#include "sysroot.h"

#define CPU_SYSFS "/sys/devices/system/cpu"

static int read_cpulist(const char *file, struct mint_cpuset *set, struct mint_error *err)
{
	char path[PATH_MAX], buf[4096];

	mint_path(path, CPU_SYSFS "/%s", file);
	if (mint_read_file(path, buf, sizeof(buf)) < 0)
		return mint_fail(err, MINT_E_SYSTEM, "cannot read %s", path);
	if (!buf[0]) {
		mint_cpuset_clear(set);
		return 0;
	}
	return mint_parse_cpulist(buf, set, err);
}

/* Fill @apic_cache from /proc/cpuinfo ("processor : N" ... "apicid : A"). */
static void read_apic_ids(int *apic_cache)
{
	char line[256], path[PATH_MAX];
	int cpu = -1;
	FILE *f;

	f = fopen(mint_path(path, "/proc/cpuinfo"), "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		const char *colon = strchr(line, ':');

		if (!colon)
			continue;
		if (!strncmp(line, "processor", 9))
			cpu = atoi(colon + 1);
		else if (!strncmp(line, "apicid", 6) && cpu >= 0 && cpu < MINT_CPUSET_MAX)
			apic_cache[cpu] = atoi(colon + 1);
	}
	fclose(f);
}

int mint_cpu_scan(struct mint_model *m, int *apic_cache, struct mint_error *err)
{
	struct mint_cpuset present, online;
	int local_cache[MINT_CPUSET_MAX];
	char path[PATH_MAX];

	if (!apic_cache) {
		for (int i = 0; i < MINT_CPUSET_MAX; i++)
			local_cache[i] = -1;
		apic_cache = local_cache;
	}
	if (read_cpulist("present", &present, err) || read_cpulist("online", &online, err))
		return -1;
	/* /proc/cpuinfo is slow to generate: read it only when an online CPU is not cached. */
	for (int c = mint_cpuset_next(&online, 0); c >= 0; c = mint_cpuset_next(&online, c + 1))
		if (apic_cache[c] < 0) {
			read_apic_ids(apic_cache);
			break;
		}

	for (int c = mint_cpuset_next(&present, 0); c >= 0; c = mint_cpuset_next(&present, c + 1)) {
		struct mint_cpu cpu = {
		    .id = (unsigned)c,
		    .apic_id = apic_cache[c],
		    .online = mint_cpuset_has(&online, (unsigned)c),
		    .owner = m->self,
		};

		cpu.hotpluggable = mint_path_exists(mint_path(path, CPU_SYSFS "/cpu%d/online", c));
		if (!mint_model_add_cpu(m, &cpu))
			return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	}
	return 0;
}

bool mint_cpu_is_online(unsigned cpu)
{
	char path[PATH_MAX], buf[8];

	if (mint_read_file(mint_path(path, CPU_SYSFS "/cpu%u/online", cpu), buf, sizeof(buf)) < 0)
		return cpu == 0; /* no online file: the boot CPU, always online */
	return buf[0] == '1';
}

int mint_cpu_set_online(unsigned cpu, bool online, struct mint_error *err)
{
	char path[PATH_MAX], what[64];

	if (mint_cpu_is_online(cpu) == online)
		return 0;
	mint_path(path, CPU_SYSFS "/cpu%u/online", cpu);
	snprintf(what, sizeof(what), "CPU %u", cpu);
	if (mint_write_attr(path, online ? "1" : "0", what, err))
		return -1;
	if (mint_cpu_is_online(cpu) != online)
		return mint_fail(err, MINT_E_SYSTEM, "CPU %u did not go %s", cpu,
				 online ? "online" : "offline");
	return 0;
}
