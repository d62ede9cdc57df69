/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Mint: several Linux kernels ("OS nodes") on disjoint CPUs and memory of
 * one x86-64 machine.  This header is shared by the kernel and by user
 * space (kexec-ext, mintd).  It defines:
 *
 *  - the shared resource table that node0 creates at boot, including
 *    a ring with the tail of each secondary node's kernel console,
 *  - the node life cycle (states, who may change them, epochs),
 *  - the inter-node channel: one message ring per ordered pair of nodes
 *    in a channel area next to the table, and an IPI doorbell,
 *  - the Mint setup_data record that a booting node receives,
 *  - the ioctls and the read/write message interface of /dev/mint.
 *
 * All structures have fixed layout (explicit padding, little endian).
 */
#ifndef _UAPI_LINUX_MINT_H
#define _UAPI_LINUX_MINT_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define MINT_VERSION		2

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

/*
 * Node life cycle.  A state changes only by compare-and-swap, each
 * transition by one actor:
 *
 *   UNUSED|HALTED -> LOADING   a node that boots it (MINT_IOC_SET_STATE,
 *                              sets parent = that node)
 *   LOADING -> HALTED          the parent abandons the load (SET_STATE)
 *   LOADING -> BOOTING         the parent starts it (MINT_IOC_START:
 *                              epoch++, doorbell_apic, reason NONE)
 *   BOOTING -> RUNNING         the node itself at late init
 *   RUNNING -> HALTING         the node itself (reboot/halt/poweroff)
 *   HALTING -> HALTED          the node itself, once its other CPUs stopped
 *   BOOTING -> FAILED          a watcher (boot timeout, SET_STATE)
 *   RUNNING|HALTING -> FAILED  a watcher (heartbeat lost, SET_STATE), or
 *                              the node itself on panic
 *   FAILED|HALTED -> HALTED    MINT_IOC_STOP from another node, after it
 *                              stopped the node's CPUs and devices and
 *                              scrubbed its memory
 *   any running state -> FAILED  MINT_IOC_STOP with MINT_STOP_FORCE
 *
 * FAILED is final until someone stops the node: a node marked failed
 * never goes back to running by itself (it parks its CPUs when it sees
 * it).  While MINT_IOC_STOP works on a HALTED node it holds it in LOADING
 * (parent = the stopping node), so nobody loads it meanwhile.
 */
enum mint_node_state {
	MINT_NODE_UNUSED = 0,
	MINT_NODE_BOOTING = 1,
	MINT_NODE_RUNNING = 2,
	MINT_NODE_HALTED = 3,
	MINT_NODE_FAILED = 4,
	MINT_NODE_LOADING = 5,	/* a node is loading it; parent says which */
	MINT_NODE_HALTING = 6,	/* it is shutting down; its CPUs are stopping */
};

/*
 * Why a node failed or halted (mint_node_entry.reason).  The actor that
 * wins a state change writes the reason right after it: a reader that
 * sees FAILED or HALTED with reason NONE reads again a moment later.
 */
enum mint_fail_reason {
	MINT_REASON_NONE = 0,
	MINT_REASON_PANIC = 1,
	MINT_REASON_HEARTBEAT = 2,	/* heartbeat stopped, set by a watcher */
	MINT_REASON_BOOT_TIMEOUT = 3,
	MINT_REASON_KILLED = 4,		/* forced stop from another node */
	MINT_REASON_HALT = 5,		/* halted itself (poweroff/reboot/halt) */
	/* refused its boot information: not all of it was its own */
	MINT_REASON_REFUSED = 6,
};

/*
 * Every running node increments its heartbeat every MINT_HEARTBEAT_MS
 * from a timer interrupt.  Watchers declare a node failed when its
 * heartbeat has not changed for more than 2 s.
 */
#define MINT_HEARTBEAT_MS	250

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
	__u64 heartbeat;	/* +1 every MINT_HEARTBEAT_MS while it runs */
	__u64 boot_params;	/* physical address of its boot_params */
	__u64 low_slot;		/* physical address of its < 1 MiB slot, 0: none */
	__u32 parent;		/* node that started it; MINT_OWNER_NONE: node0 */
	__u32 epoch;		/* +1 at every MINT_IOC_START; node0: 1 */
	/* APIC ID of its logical CPU 0, where channel doorbells go */
	__u32 doorbell_apic;	/* valid while RUNNING; NONE once halted */
	__u32 reason;		/* enum mint_fail_reason */
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
	__u64 chan_phys;	/* channel area (struct mint_ring[][]) */
	__u32 chan_size;	/* bytes */
	__u32 chan_nodes;	/* nodes 0..chan_nodes-1 have rings */
	/*
	 * PCI configuration through ECAM (MMCONFIG), published by node0 when
	 * its platform has it: secondaries use it instead of the 0xcf8/0xcfc
	 * port pair, whose address/data sequence two kernels could interleave.
	 * ecam_phys 0: none.
	 */
	__u64 ecam_phys;
	__u16 ecam_segment;
	__u8 ecam_bus_start;
	__u8 ecam_bus_end;
	__u32 reserved;
	struct mint_cpu_entry cpu[MINT_MAX_CPUS];
	struct mint_mem_entry mem[MINT_MAX_MEM_BLOCKS];
	struct mint_pci_entry pci[MINT_MAX_PCI];
	struct mint_node_entry node[MINT_MAX_NODES];
	struct mint_node_log log[MINT_MAX_NODES];	/* console tails */
};

/*
 * Inter-node channel.
 *
 * node0 allocates the channel area at boot next to the table (below
 * 4 GiB, never in a movable block, zeroed) and fills chan_phys,
 * chan_size and chan_nodes.  It holds one single-producer/single-consumer
 * ring per ordered pair of nodes (src, dst), src, dst < chan_nodes, at
 *
 *   chan_phys + (src * MINT_CHAN_NODES + dst) * sizeof(struct mint_ring)
 *
 * Only src's kernel writes head and the slots, only dst's kernel writes
 * tail.  A slot is visible once head passed it (store-release); it is
 * free again once tail passed it.  A full ring is never overwritten.
 * A message longer than one slot takes consecutive slots (fragments with
 * the same msg_seq, increasing offset); the receiver reassembles it and
 * discards a partial message when the next one starts at offset 0, when
 * the sender's epoch changes, when the sender stops running or after 2 s
 * without progress.  Everything in the area is untrusted: the receiver
 * checks seq, len, offset and msg_len of every slot.  A (re)starting
 * node sets tail = head on its inbound rings (stale messages are
 * dropped) and continues from head on its outbound rings.
 *
 * Doorbell: after publishing, the sender sends the IPI vector
 * MINT_DOORBELL_VECTOR (fixed, physical destination) to the receiver's
 * doorbell_apic if the receiver is RUNNING.  Receivers also poll their
 * rings every 125 ms, so a lost IPI only delays a message.
 */
#define MINT_CHAN_NODES		16
#define MINT_RING_SLOTS		16	/* power of two */
#define MINT_SLOT_SIZE		512

struct mint_slot_hdr {
	__u32 seq;		/* == the head value it was written at */
	__u32 msg_seq;		/* message number from this sender */
	__u32 msg_len;		/* total bytes of the message */
	__u32 offset;		/* of this fragment in the message */
	__u16 len;		/* payload bytes in this slot */
	__u16 src_port;
	__u16 dst_port;
	__u16 flags;		/* MINT_MSG_F_* */
	__u32 src_epoch;	/* sender's epoch */
	/* receiver's epoch as the sender saw it; stale if not its own */
	__u32 dst_epoch;
};

#define MINT_SLOT_DATA		(MINT_SLOT_SIZE - sizeof(struct mint_slot_hdr))

struct mint_slot {
	struct mint_slot_hdr hdr;
	__u8 data[MINT_SLOT_DATA];
};

struct mint_ring {
	__u32 head;		/* slots ever written; only the sender writes */
	__u32 pad0[15];
	__u32 tail;		/* slots ever consumed; only the receiver writes */
	__u32 pad1[15];
	struct mint_slot slot[MINT_RING_SLOTS];
};				/* 8320 bytes */

#define MINT_CHAN_SIZE \
	(MINT_CHAN_NODES * MINT_CHAN_NODES * sizeof(struct mint_ring))

/*
 * Ports: a file of /dev/mint binds one port (MINT_IOC_CHAN_BIND); port 0
 * is the kernel's own (struct mint_kmsg).
 */
#define MINT_CHAN_MAX_PORT	64	/* ports 1..63 for user space */
#define MINT_PORT_KERNEL	0
#define MINT_PORT_MINTD		1	/* mintd's port */

/* Largest message payload */
#define MINT_CHAN_MSG_MAX	(1024 * 1024 + 64 * 1024)

/*
 * Message flags.  The low byte is the kernel's, the high byte is passed
 * through for user space.
 */
#define MINT_MSG_F_UNREACHABLE	0x0001	/* reply: nobody bound the port */
#define MINT_MSG_F_KERNEL_MASK	0x00ff

/*
 * write() on /dev/mint: this header followed by len payload bytes, in one
 * call (n == sizeof(struct mint_chan_msg) + len).  read() returns one
 * whole message in the same form.
 */
struct mint_chan_msg {
	__u32 node;		/* write: destination; read: source */
	__u16 port;		/* write: destination port; read: source port */
	__u16 flags;		/* MINT_MSG_F_*; write: high byte only */
	__u32 len;		/* payload bytes after this header */
	/*
	 * read: the sender's epoch; write: 0, or the destination's epoch
	 * the message is meant for (-ESTALE if it restarted since)
	 */
	__u32 epoch;
};

/* Messages to and from port 0, the kernel of a node */
enum mint_kmsg_type {
	MINT_KMSG_PING = 1,		/* answered with PONG, same data */
	MINT_KMSG_PONG = 2,
	MINT_KMSG_STOP = 3,		/* orderly shutdown of the node */
	MINT_KMSG_RES_NOTICE = 4,	/* arg: enum mint_res_type, data: id */
};

struct mint_kmsg {
	__u32 type;		/* enum mint_kmsg_type */
	__u32 arg;
	__u64 data;
};

/*
 * Mint setup_data record (struct setup_data of type SETUP_MINT, defined in
 * <asm/bootparam.h>; see Documentation/x86/boot.rst).  Its presence makes
 * a kernel a secondary node.
 */
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
/*
 * LOAD and START need the node LOADING with parent == the calling node
 * (MINT_IOC_SET_STATE UNUSED|HALTED -> LOADING first): -EBUSY if it is not
 * LOADING, -EPERM if another node loads it.  START: epoch + 1,
 * doorbell_apic = apic_id, reason NONE, LOADING -> BOOTING, INIT/SIPI.
 */
#define MINT_IOC_LOAD		_IOW(MINT_IOC_MAGIC, 4, struct mint_load)
#define MINT_IOC_START		_IOW(MINT_IOC_MAGIC, 5, struct mint_start)
/*
 * Mark a node that is still "booting" (it never reached late init, e.g.
 * user space timed out waiting for it) as "failed", so that its
 * resources can be released.  Argument: the node id (__u32).  Same as
 * MINT_IOC_SET_STATE BOOTING -> FAILED, reason BOOT_TIMEOUT.
 */
#define MINT_IOC_MARK_FAILED	_IOW(MINT_IOC_MAGIC, 6, __u32)

/*
 * APIC IDs of this kernel's logical CPUs: apic_ids[i] = APIC ID of CPU i
 * (MINT_OWNER_NONE if not present) for i < min(nr, nr_cpu_ids); nr is
 * set to nr_cpu_ids.
 */
struct mint_cpu_map {
	__u32 nr;
	__u32 reserved;
	__u64 apic_ids;		/* user pointer to __u32[nr] */
};

#define MINT_IOC_CPU_MAP	_IOWR(MINT_IOC_MAGIC, 8, struct mint_cpu_map)

/*
 * Bind this open file to a channel port 1..MINT_CHAN_MAX_PORT-1 (the
 * source port of what it writes, the port it reads).  -EADDRINUSE when
 * another file holds it; one port per file; released on close.
 */
#define MINT_IOC_CHAN_BIND	_IOW(MINT_IOC_MAGIC, 9, __u32)

/*
 * Compare-and-swap of another node's state (see enum mint_node_state):
 * -EBUSY if it is not @from, -EINVAL for any other transition than
 * UNUSED|HALTED -> LOADING, LOADING -> HALTED (parent only),
 * BOOTING -> FAILED (reason NONE means BOOT_TIMEOUT) and
 * RUNNING|HALTING -> FAILED (reason NONE means HEARTBEAT).
 */
struct mint_state_change {
	__u32 node;
	__u32 from;
	__u32 to;
	__u32 reason;		/* enum mint_fail_reason, for -> FAILED */
};

#define MINT_IOC_SET_STATE	_IOW(MINT_IOC_MAGIC, 10, struct mint_state_change)

/*
 * Stop another node from outside: INIT each of its CPUs, clear bus
 * mastering on its PCI functions, scrub its memory, then set its
 * resources FREE (unless MINT_STOP_KEEP) and its state HALTED (reason
 * kept).  Without MINT_STOP_FORCE the node must be HALTED or FAILED.
 * Caveat: a CPU in VMX root mode (a running KVM host) ignores INIT.
 */
/* It may still run: mark it FAILED (reason KILLED) first. */
#define MINT_STOP_FORCE		1
/* Leave its resources owned by it (to boot it again on them). */
#define MINT_STOP_KEEP		2

struct mint_stop {
	__u32 node;		/* in */
	__u32 flags;		/* in: MINT_STOP_* */
	__u32 cpus;		/* out: CPUs sent INIT */
	__u32 pci;		/* out: functions whose bus mastering was cleared */
	__u64 bytes;		/* out: bytes of memory scrubbed */
};

#define MINT_IOC_STOP		_IOWR(MINT_IOC_MAGIC, 11, struct mint_stop)

/*
 * Add a PCI function the table gives this node (handed over after it
 * booted) to this kernel: scanned alone, its BARs kept where they are,
 * then probed like any new device.  Already present: 0.  Not this
 * node's: -EPERM; no such bus or function: -ENODEV; a BAR that cannot be
 * claimed: -EBUSY (the function is not added).
 */
#define MINT_IOC_PCI_ADD	_IOW(MINT_IOC_MAGIC, 12, struct mint_pci_func)

#endif /* _UAPI_LINUX_MINT_H */
