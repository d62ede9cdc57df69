/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kernel-mint/ring/mint_ring.h needs from the kernel, for user space:
 * the kernel's marked accesses and barriers as C11 memory-model atomics
 * (GCC's __atomic builtins, which <stdatomic.h> is built on; they also
 * work on the plain, non-_Atomic fields of the shared layout).
 */
#ifndef MINT_RING_COMPAT_H
#define MINT_RING_COMPAT_H

#include <errno.h>
#include <string.h>
#include <linux/types.h>

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

#endif
