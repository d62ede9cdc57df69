/* SPDX-License-Identifier: GPL-2.0 */
/* CPU backend: enumerate and hot(un)plug CPUs through /sys/devices/system/cpu. */
#ifndef MINT_CPU_H
#define MINT_CPU_H

#include <stdbool.h>

#include "model.h"

/*
 * Add every present CPU to @m, owned by m->self. APIC IDs come from
 * /proc/cpuinfo for online CPUs; @apic_cache (MINT_CPUSET_MAX entries, -1 =
 * unknown, may be NULL) remembers them for CPUs that are offline now.
 */
int mint_cpu_scan(struct mint_model *m, int *apic_cache, struct mint_error *err);

/* Write cpuN/online. Already in the requested state is success. */
int mint_cpu_set_online(unsigned cpu, bool online, struct mint_error *err);
bool mint_cpu_is_online(unsigned cpu);

#endif
