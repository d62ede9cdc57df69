/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mint's limits, each defined once. Where the kernel sets a limit (the
 * resource table, the boot information of a node), it comes from the UAPI
 * header and the user-space limits that depend on it are checked at compile
 * time.
 */
#ifndef MINT_MINT_LIMITS_H
#define MINT_MINT_LIMITS_H

#include <linux/mint.h>

#include "cpuset.h"

#define MINT_NODES_MAX	     MINT_MAX_NODES	 /* node0 .. node63 */
#define MINT_NODE_MAX_CPUS   MINT_BOOT_MAX_CPUS	 /* CPUs a node is booted with */
#define MINT_NODE_MAX_DEVS   MINT_BOOT_MAX_PCI	 /* PCI functions a node is booted with */
#define MINT_NODE_MAX_BLOCKS MINT_MAX_MEM_BLOCKS /* memory blocks of the whole table */

_Static_assert(MINT_CPUSET_MAX >= MINT_MAX_CPUS, "a CPU set must hold every APIC ID");

#endif
