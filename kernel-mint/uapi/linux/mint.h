/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Mint: several Linux kernels ("OS nodes") on disjoint CPUs and memory of
 * one x86-64 machine.  This header is shared by the kernel and by user
 * space (kexec-ext, mintd).  It defines:
 *
 *  - the shared resource table that node0 creates at boot, including
 *    a ring with the tail of each secondary node's kernel console,
 *  - the Mint setup_data record that a booting node receives,
 *  - the ioctls of the /dev/mint character device.
 *
 * All structures have fixed layout (explicit padding, little endian).
 */
#ifndef _UAPI_LINUX_MINT_H
#define _UAPI_LINUX_MINT_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define MINT_VERSION		1

#define MINT_MAX_NODES		64
#define MINT_MAX_CPUS		256	/* indexed by APIC ID */
#define MINT_MAX_MEM_BLOCKS	1024
#define MINT_MAX_PCI		256
#define MINT_NAME_LEN		32

/* Owner value of a resource nobody owns. */
#define MINT_OWNER_FREE		0xffffffffU
/* Owner value of a table slot that describes no resource. */
#define MINT_OWNER_NONE		0xfffffffeU

/* Resource table */
#define MINT_TABLE_MAGIC	0x4c4241544e494dULL	/* "MINTABL" */
#define MINT_TABLE_SIZE		0x10000			/* 64 KiB */

/*
 * Low-memory (< 1 MiB) slot of a node: its start trampoline and, later,
 * the node's own real-mode area.
 */
#define MINT_LOW_SLOT_SIZE	0x10000			/* 64 KiB */

enum mint_cpu_state {
	MINT_CPU_OFFLINE = 0,
	MINT_CPU_ONLINE = 1,
};

enum mint_node_state {
	MINT_NODE_UNUSED = 0,
	MINT_NODE_BOOTING = 1,
	MINT_NODE_RUNNING = 2,
	MINT_NODE_HALTED = 3,
	MINT_NODE_FAILED = 4,
};

struct mint_cpu_entry {
	__u32 apic_id;		/* == index; MINT_OWNER_NONE in owner if absent */
	__u32 owner;		/* node id, MINT_OWNER_FREE or MINT_OWNER_NONE */
	__u32 state;		/* enum mint_cpu_state, written by the owner */
	__u32 reserved;
};

struct mint_mem_entry {
	__u64 base;		/* physical base of the block */
	__u32 owner;		/* node id, MINT_OWNER_FREE or MINT_OWNER_NONE */
	__u32 reserved;
};

struct mint_pci_entry {
	__u16 segment;
	__u8 bus;
	__u8 devfn;
	__u32 owner;		/* node id, MINT_OWNER_FREE or MINT_OWNER_NONE */
};

struct mint_node_entry {
	char name[MINT_NAME_LEN];
	__u32 state;		/* enum mint_node_state */
	__u32 boot_cpu;		/* APIC ID of the node's first CPU */
	__u64 heartbeat;	/* incremented about once a second */
	__u64 boot_params;	/* physical address of its boot_params */
	__u64 low_slot;		/* physical address of its < 1 MiB slot, 0: none */
	__u64 reserved[2];
};

/*
 * Tail of a node's kernel console.  The node's kernel appends every byte
 * it prints: buf[seq % MINT_LOG_SIZE] = byte, then (after a write
 * barrier) seq = seq + 1.  The node that starts the node clears it
 * (seq = 0, buf zeroed) before starting it, so it holds only the current
 * boot.  A reader reads seq, then buf, then seq again: the last
 * min(seq, MINT_LOG_SIZE) bytes up to the first seq are valid unless the
 * second read shows they have been overwritten since.
 */
#define MINT_LOG_SIZE		480

struct mint_node_log {
	__u32 seq;		/* bytes ever written; next at buf[seq % size] */
	__u32 reserved[7];
	char buf[MINT_LOG_SIZE];
};				/* 512 bytes */

/*
 * Layout (bytes): header 0x0000, cpu[] 0x0040, mem[] 0x1040,
 * pci[] 0x5040, node[] 0x5840, log[] 0x6c40, end 0xec40 (<= 64 KiB).
 */
struct mint_table {
	__u64 magic;		/* MINT_TABLE_MAGIC */
	__u32 version;		/* MINT_VERSION */
	__u32 size;		/* bytes, MINT_TABLE_SIZE */
	__u64 mem_block_size;	/* bytes per memory block */
	__u32 nr_mem_blocks;	/* used entries of mem[] */
	__u32 nr_pci;		/* used entries of pci[] */
	__u64 reserved[4];
	struct mint_cpu_entry cpu[MINT_MAX_CPUS];
	struct mint_mem_entry mem[MINT_MAX_MEM_BLOCKS];
	struct mint_pci_entry pci[MINT_MAX_PCI];
	struct mint_node_entry node[MINT_MAX_NODES];
	struct mint_node_log log[MINT_MAX_NODES];	/* console tails */
};

/*
 * Mint setup_data record (struct setup_data type SETUP_MINT, see
 * Documentation/x86/boot.rst).  Its presence makes a kernel a secondary
 * node.
 */
#define SETUP_MINT		0x544e494dU	/* "MINT" */
#define MINT_BOOT_MAX_CPUS	64
#define MINT_BOOT_MAX_PCI	32

struct mint_pci_func {
	__u16 segment;
	__u8 bus;
	__u8 devfn;
};

struct mint_boot_info {
	__u32 version;		/* MINT_VERSION */
	__u32 node_id;
	char name[MINT_NAME_LEN];
	__u32 tsc_khz;
	__u32 lapic_khz;	/* LAPIC timer input frequency */
	__u64 table_phys;	/* resource table */
	__u64 table_size;
	__u64 low_slot_phys;	/* this node's < 1 MiB slot */
	__u64 low_slot_size;
	__u16 uart_port;	/* I/O port of the node's own 8250, 0: none */
	__u16 nr_cpus;
	__u16 nr_pci;
	__u16 reserved;
	__u32 apic_ids[MINT_BOOT_MAX_CPUS];	/* [0] is the boot CPU */
	struct mint_pci_func pci[MINT_BOOT_MAX_PCI];
};

/* /dev/mint ioctls (CAP_SYS_ADMIN) */

struct mint_info {
	__u32 version;		/* MINT_VERSION */
	__u32 node_id;		/* the calling kernel's node id */
	__u64 table_phys;
	__u64 table_size;
	__u64 mem_block_size;
	__u32 tsc_khz;
	__u32 lapic_khz;
};

enum mint_res_type {
	MINT_RES_CPU = 1,	/* id = APIC ID */
	MINT_RES_MEM = 2,	/* id = physical base of a memory block */
	MINT_RES_PCI = 3,	/* id = segment << 16 | bus << 8 | devfn */
};

struct mint_res {
	__u32 type;		/* enum mint_res_type */
	__u32 node;		/* node to claim for / release from */
	__u64 id;
};

struct mint_node_query {
	__u32 node;		/* in */
	__u32 state;		/* out: enum mint_node_state */
	__u64 low_slot_phys;	/* out */
	__u64 low_slot_size;	/* out */
};

struct mint_load {
	__u32 node;
	__u32 reserved;
	__u64 dest;		/* physical destination, inside the node's memory */
	__u64 buf;		/* user pointer */
	__u64 len;
};

struct mint_start {
	__u32 node;
	__u32 apic_id;		/* first CPU, owned by node, offline here */
	__u64 entry;		/* 64-bit entry (kernel load address + 0x200) */
	__u64 boot_params;	/* physical address of struct boot_params */
	char name[MINT_NAME_LEN];
};

#define MINT_IOC_MAGIC		0xb7
#define MINT_IOC_INFO		_IOR(MINT_IOC_MAGIC, 0, struct mint_info)
#define MINT_IOC_CLAIM		_IOW(MINT_IOC_MAGIC, 1, struct mint_res)
#define MINT_IOC_RELEASE	_IOW(MINT_IOC_MAGIC, 2, struct mint_res)
#define MINT_IOC_NODE		_IOWR(MINT_IOC_MAGIC, 3, struct mint_node_query)
#define MINT_IOC_LOAD		_IOW(MINT_IOC_MAGIC, 4, struct mint_load)
#define MINT_IOC_START		_IOW(MINT_IOC_MAGIC, 5, struct mint_start)
/*
 * Mark a node that is still "booting" (it never reached late init, e.g.
 * user space timed out waiting for it) as "failed", so that its
 * resources can be released.  Argument: the node id (__u32).
 */
#define MINT_IOC_MARK_FAILED	_IOW(MINT_IOC_MAGIC, 6, __u32)

#endif /* _UAPI_LINUX_MINT_H */
