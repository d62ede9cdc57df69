/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM guests of this node, through libvirt (qemu:///system). Three layers:
 *   vm_policy.c   the rules, pure: what a node can give a guest, which of its
 *                 CPUs each vCPU gets, re-pinning when CPUs leave the node
 *   vm_xml.c      the libvirt domain XML of a guest
 *   vm.c          the operations (start, stop, list, console, CPUs leaving,
 *                 shut everything down) on a backend
 *   vm_libvirt.c  the backend: libvirt's C API, loaded with dlopen() on first
 *                 use, so mintd runs (and its vm methods fail with a clear
 *                 message) where libvirt is not installed or libvirtd is down
 * Unit tests put a fake backend in with vm_set_backend().
 *
 * The rules (also in kvm-setup/README.md):
 *   - a guest gets at most one vCPU per online CPU of the node, and each vCPU
 *     is pinned to one CPU of the node, the least loaded first; QEMU's
 *     emulator threads are pinned to all of the node's CPUs;
 *   - its memory, plus the memory of the node's other guests, plus
 *     VM_MEM_RESERVE for the node itself, must fit in the node's MemTotal, and
 *     it must fit in MemAvailable now;
 *   - CPUs may leave the node only while every guest keeps at least as many
 *     of the remaining CPUs as it has vCPUs: vCPUs on leaving CPUs move to the
 *     least loaded remaining CPUs and emulator threads to the remaining CPUs
 *     first, else the release is refused and nothing changes.
 */
#ifndef MINTD_VM_H
#define MINTD_VM_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpuset.h"
#include "error.h"
#include "mintd.h"
#include "service.h"

#define VM_NAME_MAX	64
#define VM_MAX_VCPUS	64
#define VM_MAX_GUESTS	64
#define VM_MEM_MIN	(16ULL << 20)
#define VM_MEM_RESERVE	(256ULL << 20) /* kept for the node itself and QEMU's own use */
#define VM_STOP_TIMEOUT 10	       /* seconds a guest gets to shut down */
#define VM_CONSOLE_TAIL 4096	       /* bytes of a console log VmConsole returns */
#define VM_URI		"qemu:///system"

struct vm_guest {
	char name[VM_NAME_MAX];
	int id; /* libvirt's domain id */
	unsigned vcpus;
	uint64_t memory_bytes;
	struct mint_cpuset vcpu_pin[VM_MAX_VCPUS]; /* where each vCPU may run */
	struct mint_cpuset emulator_pin;	   /* where QEMU's other threads may run */
};

struct vm_guests {
	size_t n;
	struct vm_guest g[VM_MAX_GUESTS];
};

/* What this node can give guests. */
struct vm_node {
	char name[16];		 /* "node1", for messages */
	struct mint_cpuset cpus; /* its online CPUs */
	uint64_t mem_total;	 /* MemTotal */
	uint64_t mem_available;	 /* MemAvailable */
};

/* ---- vm_libvirt.c and tests: where guests live ---- */

struct vm_backend {
	/* The running guests. MINT_E_UNSUPPORTED when there is no hypervisor to ask. */
	int (*list)(struct vm_guests *out, struct mint_error *err);
	int (*create)(const char *xml, struct mint_error *err);
	int (*shutdown)(const char *name, struct mint_error *err); /* ask it to power off */
	int (*destroy)(const char *name, struct mint_error *err);  /* stop it at once */
	int (*running)(const char *name);			   /* 1, 0, -1: cannot tell */
	int (*pin_vcpu)(const char *name, unsigned vcpu, const struct mint_cpuset *cpus,
			struct mint_error *err);
	int (*pin_emulator)(const char *name, const struct mint_cpuset *cpus,
			    struct mint_error *err);
};

extern const struct vm_backend vm_libvirt_backend;
/* The backend in use (libvirt unless a test set another; NULL: libvirt again). */
const struct vm_backend *vm_backend(void);
void vm_set_backend(const struct vm_backend *b);

/* ---- vm_policy.c ---- */

/* A guest name: 1-63 of [A-Za-z0-9_.-], not starting with '.' or '-'. */
int vm_check_name(const char *name, struct mint_error *err);
/* May a guest of @vcpus and @mem start next to @g on @n? */
int vm_check_start(const struct vm_node *n, const struct vm_guests *g, const char *name,
		   unsigned vcpus, uint64_t mem, struct mint_error *err);
/* vCPUs pinned to each CPU of @cpus (a vCPU pinned to several CPUs counts on each). */
void vm_cpu_load(const struct vm_guests *g, const struct mint_cpuset *cpus,
		 unsigned load[MINT_CPUSET_MAX]);
/*
 * Choose @n distinct CPUs of @cpus, the least loaded first (lowest number on a
 * tie), into @out, and count them in @load. -1 if @cpus has fewer than @n.
 */
int vm_pick_cpus(const struct mint_cpuset *cpus, unsigned load[MINT_CPUSET_MAX], unsigned n,
		 unsigned *out);

struct vm_repin_step {
	size_t guest; /* index in the guest list */
	int vcpu;     /* -1: the emulator threads */
	struct mint_cpuset cpus;
};

struct vm_repin {
	size_t n;
	struct vm_repin_step step[VM_MAX_GUESTS * (VM_MAX_VCPUS + 1)];
};

/*
 * Re-pinning that moves every guest of @g off @leaving (CPUs of @n about to
 * leave the node), or a refusal naming the guest that would keep fewer CPUs
 * than it has vCPUs.
 */
int vm_plan_leaving(const struct vm_node *n, const struct mint_cpuset *leaving,
		    const struct vm_guests *g, struct vm_repin *plan, struct mint_error *err);

/* ---- vm_xml.c ---- */

struct vm_domain {
	const char *name;
	unsigned vcpus;
	uint64_t memory_bytes;
	const char *kernel, *initrd, *disk, *append; /* initrd, disk, append may be NULL */
	const char *console_path;		     /* the guest's serial port goes here */
	const unsigned *vcpu_cpu;		     /* the CPU of each vCPU */
	const struct mint_cpuset *emulator_cpus;
};

/* The libvirt domain XML (malloc'd), or NULL with @err. */
char *vm_domain_xml(const struct vm_domain *dom, struct mint_error *err);

/* ---- vm.c: the operations ---- */

struct vm_start_request {
	const char *name;
	unsigned vcpus;
	uint64_t memory_bytes;
	const char *kernel, *initrd, *disk, *append;
};

/* Check against the rules, pin, create. On success *@out is the running guest. */
int vm_start(struct mintd *d, const struct vm_start_request *req, struct vm_guest *out,
	     char *console, size_t console_len, struct mint_error *err);
/*
 * Stop a guest: ask it to shut down and wait up to @timeout seconds, then stop
 * it by force; @force: at once. @how says which happened.
 */
int vm_stop(struct mintd *d, const char *name, bool force, unsigned timeout, char *how,
	    size_t how_len, struct mint_error *err);
/* The running guests (caller frees *@out). */
int vm_list(struct mintd *d, struct vm_guests **out, struct mint_error *err);
/* Where a guest's console log is (whether or not it exists). */
int vm_console_path(struct mintd *d, const char *name, char *buf, size_t len,
		    struct mint_error *err);
/* The node's CPUs and memory as the rules see them. */
int vm_node_now(struct mintd *d, struct vm_node *n, struct mint_error *err);

/*
 * Before @cpus leave this node: re-pin its guests to the CPUs that stay, or
 * refuse (nothing changes) when a guest would keep fewer CPUs than vCPUs.
 * 0 when there are no guests or no hypervisor.
 */
int vm_cpus_leaving(struct mintd *d, const struct mint_cpuset *cpus, struct mint_error *err);
/*
 * Before the node shuts down: ask every guest to shut down, wait up to
 * VM_STOP_TIMEOUT seconds, stop the rest by force. Returns how many guests
 * were stopped (0 without a hypervisor).
 */
int vm_shutdown_all(struct mintd *d);

/* JSON of a guest (type Guest) and the list for Status (NULL: no hypervisor here). */
json_object *vm_guest_json(const struct vm_guest *g, const char *console);
json_object *vm_status_guests(struct mintd *d);
extern const struct vtype vm_guest_type;

#endif
