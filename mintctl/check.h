/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mintctl check: can this machine run Mint? Two halves so that the verdicts
 * can be unit-tested without the hardware: check_probe() reads what the
 * machine says (procfs, sysfs, /dev/mint, libpci) into struct check_facts,
 * read-only and below mint_sysroot(); check_evaluate() turns facts into one
 * verdict per check, with what to do about it.
 */
#ifndef MINTCTL_CHECK_H
#define MINTCTL_CHECK_H

#include <json-c/json.h>
#include <linux/mint.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "parse.h"

enum check_verdict { CHECK_PASS, CHECK_WARN, CHECK_FAIL, CHECK_SKIP };

enum check_tristate { CHECK_UNKNOWN, CHECK_NO, CHECK_YES };

enum check_mint_state {
	CHECK_MINT_ABSENT,   /* no /dev/mint: not a Mint kernel */
	CHECK_MINT_OK,	     /* /dev/mint answered MINT_IOC_INFO */
	CHECK_MINT_NOACCESS, /* /dev/mint exists, but only root may open it */
	CHECK_MINT_ERROR,    /* /dev/mint exists and does not work */
};

#define CHECK_MAX_PCI	256
#define CHECK_MAX_UARTS 32
#define CHECK_TEXT	1024

struct check_pci_fn {
	struct mint_bdf bdf;
	uint32_t class;	 /* 24-bit class code */
	bool msi;	 /* has an MSI or MSI-X capability */
	bool caps_known; /* the capability list was readable (beyond 64 bytes: root only) */
	int other_node;	 /* the Mint table gives it to this other node; -1: not so */
	char driver[64];
	char name[128];
};

struct check_uart {
	unsigned index; /* ttyS<index> */
	unsigned port;	/* I/O port, 0 when memory-mapped or unknown */
	char type[24];	/* "16550A" */
};

struct check_facts {
	char kernel[128];   /* release, /proc/sys/kernel/osrelease */
	char cmdline[4096]; /* /proc/cmdline */

	/* /dev/mint */
	enum check_mint_state mint;
	char mint_error[MINT_ERR_MSG_MAX];
	struct mint_info mint_info;
	unsigned low_slots;	 /* nodes 1.. with a low-memory slot */
	unsigned low_slots_free; /* of those, nodes not booting or running */

	/* CPUs (/proc/cpuinfo, /sys/devices/system/cpu) */
	unsigned ncpus;
	int max_apic_id;  /* -1: unknown */
	bool cpu_hotplug; /* a CPU other than 0 has an online switch */
	enum check_tristate smt;
	char cpu_vendor[32];
	bool flag_x2apic, flag_vmx, flag_svm, flag_hypervisor;

	/* APIC mode and interrupt remapping */
	enum check_tristate x2apic_mode;
	bool x2apic_by_firmware; /* the firmware had it on before the kernel started */
	char x2apic_source[64];	 /* how x2apic_mode was found out */
	enum check_tristate irq_remap;

	/* IOMMU */
	unsigned iommus, iommu_groups;
	char iommu_name[256]; /* first entry of /sys/class/iommu */

	/* memory */
	bool mem_hotplug;
	uint64_t block_size, mem_total, movable_bytes;

	/* serial ports */
	bool uarts_known;
	size_t nuarts;
	struct check_uart uarts[CHECK_MAX_UARTS];
	int console_uart; /* ttyS index of the console, -1: none */

	/* PCI */
	bool pci_scanned;
	char pci_error[256];
	size_t npci;
	struct check_pci_fn pci[CHECK_MAX_PCI];

	/* KVM */
	enum check_tristate nested;
	bool dev_kvm;
};

struct check_result {
	const char *name;  /* "mint-kernel" */
	const char *title; /* "Mint kernel" */
	enum check_verdict verdict;
	char detail[CHECK_TEXT];
	char advice[CHECK_TEXT]; /* what to do; "" for PASS */
	json_object *data;	 /* typed facts for --json; owned by the result */
};

#define CHECK_COUNT 11

/* Fill @f from the machine below mint_sysroot(); never fails, unknowns stay unknown. */
void check_probe(struct check_facts *f);

/* The PCI functions through libpci (loaded with dlopen() on first use). */
int check_probe_pci(struct check_facts *f);

/* One result per check, in a fixed order, into @out[CHECK_COUNT]; free with check_results_free().
 */
void check_evaluate(const struct check_facts *f, struct check_result out[CHECK_COUNT]);
void check_results_free(struct check_result r[CHECK_COUNT]);

/* Why function @fn cannot be handed over to another node, or NULL when it can. */
const char *check_pci_why_not(const struct check_pci_fn *fn);

/* True when no result is FAIL: the machine can run Mint. */
bool check_ok(const struct check_result r[CHECK_COUNT]);

const char *check_verdict_name(enum check_verdict v);

/* The parameter @name ("nox2apic", "movablecore") in @cmdline: its value ("" for a flag), or NULL.
 */
const char *check_cmdline_param(const char *cmdline, const char *name, char *val, size_t len);

#endif
