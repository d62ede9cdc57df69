// SPDX-License-Identifier: GPL-2.0
/*
 * mintctl check, second half: the verdicts. Pure functions of struct
 * check_facts (unit-tested with made-up facts): PASS, WARN (Mint runs, but
 * something it offers will not work, or could not be checked) or FAIL (Mint
 * cannot run on this machine as it is booted), each with one sentence of what
 * was found and one of what to do.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "parse.h"
#include "util.h"

const char *check_verdict_name(enum check_verdict v)
{
	switch (v) {
	case CHECK_PASS:
		return "PASS";
	case CHECK_WARN:
		return "WARN";
	case CHECK_FAIL:
		return "FAIL";
	default:
		return "SKIP";
	}
}

const char *check_cmdline_param(const char *cmdline, const char *name, char *val, size_t len)
{
	size_t n = strlen(name);

	for (const char *p = cmdline; *p;) {
		size_t w;

		p += strspn(p, " \t\n");
		w = strcspn(p, " \t\n");
		if (w >= n && !strncmp(p, name, n) && (w == n || p[n] == '=')) {
			size_t vl = w > n ? w - n - 1 : 0;

			snprintf(val, len, "%.*s", (int)vl, p + (w > n ? n + 1 : n));
			return val;
		}
		p += w;
	}
	return NULL;
}

const char *check_pci_why_not(const struct check_pci_fn *fn)
{
	if (fn->other_node >= 0)
		return "another node's";
	if ((fn->class >> 16) == 0x06)
		return "a bridge";
	if (!fn->msi && !fn->caps_known)
		return "its capabilities are readable by root only";
	if (!fn->msi)
		return "INTx only, no MSI/MSI-X";
	return NULL;
}

bool check_ok(const struct check_result r[CHECK_COUNT])
{
	for (size_t i = 0; i < CHECK_COUNT; i++)
		if (r[i].verdict == CHECK_FAIL)
			return false;
	return true;
}

void check_results_free(struct check_result r[CHECK_COUNT])
{
	for (size_t i = 0; i < CHECK_COUNT; i++) {
		json_object_put(r[i].data);
		r[i].data = NULL;
	}
}

/* ---- building a result ---- */

static void say(char *buf, const char *fmt, va_list ap)
{
	vsnprintf(buf, CHECK_TEXT, fmt, ap);
}

static void verdict(struct check_result *r, enum check_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void verdict(struct check_result *r, enum check_verdict v, const char *fmt, ...)
{
	va_list ap;

	r->verdict = v;
	va_start(ap, fmt);
	say(r->detail, fmt, ap);
	va_end(ap);
}

static void advise(struct check_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void advise(struct check_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(r->advice, fmt, ap);
	va_end(ap);
}

/* Append ", text" (or "text" to an empty buffer), cut with "..." when full. */
static void list_add(char *buf, size_t len, const char *text)
{
	size_t used = strlen(buf);

	if (used + strlen(text) + 6 >= len) {
		if (used + 4 < len && !strstr(buf, "..."))
			strcat(buf, ", ...");
		return;
	}
	if (used)
		strcat(buf, ", ");
	strcat(buf, text);
}

static void data_int(struct check_result *r, const char *key, int64_t v)
{
	json_object_object_add(r->data, key, json_object_new_int64(v));
}

static void data_bool(struct check_result *r, const char *key, bool v)
{
	json_object_object_add(r->data, key, json_object_new_boolean(v));
}

static void data_str(struct check_result *r, const char *key, const char *v)
{
	json_object_object_add(r->data, key, json_object_new_string(v));
}

static void data_tristate(struct check_result *r, const char *key, enum check_tristate v)
{
	json_object_object_add(r->data, key,
			       v == CHECK_UNKNOWN ? NULL : json_object_new_boolean(v == CHECK_YES));
}

static bool on_mint(const struct check_facts *f)
{
	return f->mint == CHECK_MINT_OK || f->mint == CHECK_MINT_NOACCESS;
}

/* ---- the checks ---- */

static void check_mint_kernel(const struct check_facts *f, struct check_result *r)
{
	char size[32];

	data_str(r, "kernel", f->kernel);
	switch (f->mint) {
	case CHECK_MINT_ABSENT:
		verdict(r, CHECK_FAIL, "this kernel (%s) has no Mint support: /dev/mint is missing",
			f->kernel[0] ? f->kernel : "unknown");
		advise(r, "install the Mint kernel package (linux-image-*-mint) and boot its "
			  "\"Mint node0\" entry");
		return;
	case CHECK_MINT_NOACCESS:
		verdict(r, CHECK_WARN, "%s runs with /dev/mint, but %s", f->kernel, f->mint_error);
		advise(r, "run mintctl check as root to see the resource table");
		return;
	case CHECK_MINT_ERROR:
		verdict(r, CHECK_FAIL, "%s: %s", f->kernel, f->mint_error);
		advise(r, "boot the Mint kernel of the installed linux-image-*-mint package");
		return;
	case CHECK_MINT_OK:
		break;
	}
	data_int(r, "version", f->mint_info.version);
	data_int(r, "node_id", f->mint_info.node_id);
	data_int(r, "table_phys", (int64_t)f->mint_info.table_phys);
	data_int(r, "mem_block_size", (int64_t)f->mint_info.mem_block_size);
	if (f->mint_info.version != MINT_VERSION) {
		verdict(r, CHECK_FAIL, "%s speaks /dev/mint version %u, this mintctl version %u",
			f->kernel, f->mint_info.version, MINT_VERSION);
		advise(r, "install the mint and linux-image-*-mint packages built from one tree");
		return;
	}
	mint_format_size(f->mint_info.mem_block_size, size, sizeof(size));
	verdict(r, CHECK_PASS,
		"%s, /dev/mint version %u, this is node%u; resource table at %#llx, memory blocks "
		"of %s",
		f->kernel, f->mint_info.version, f->mint_info.node_id,
		(unsigned long long)f->mint_info.table_phys, size);
}

static void check_cpus(const struct check_facts *f, struct check_result *r)
{
	const char *smt = f->smt == CHECK_YES
			      ? "; SMT is on: give both threads of a core to one node"
			  : f->smt == CHECK_NO ? "; SMT is off"
					       : "";

	data_int(r, "cpus", f->ncpus);
	data_int(r, "max_apic_id", f->max_apic_id);
	data_bool(r, "hotplug", f->cpu_hotplug);
	data_tristate(r, "smt", f->smt);
	if (f->ncpus < 2) {
		verdict(r, CHECK_FAIL, "%u CPU: nothing to give another node", f->ncpus);
		advise(r, "Mint needs at least two CPUs (check CPU cores and SMT in the firmware, "
			  "and nr_cpus=/maxcpus= on the kernel command line)");
	} else if (!f->cpu_hotplug) {
		verdict(r, CHECK_FAIL, "%u CPUs, but none can go offline (no CPU hotplug)",
			f->ncpus);
		advise(r, "boot a kernel with CONFIG_HOTPLUG_CPU (the Mint kernel has it)");
	} else {
		verdict(r, CHECK_PASS, "%u CPUs, CPU 1 and up can go offline%s", f->ncpus, smt);
	}
}

static void check_apic(const struct check_facts *f, struct check_result *r)
{
	data_tristate(r, "x2apic", f->x2apic_mode);
	data_bool(r, "x2apic_by_firmware", f->x2apic_by_firmware);
	data_str(r, "source", f->x2apic_source);
	if (f->max_apic_id >= 255) {
		verdict(r, CHECK_FAIL, "APIC ID %d does not fit xAPIC's 8 bits", f->max_apic_id);
		advise(r, "Mint runs the APIC in xAPIC mode: disable cores or SMT in the firmware "
			  "until every APIC ID is below 255");
	} else if (f->x2apic_by_firmware) {
		verdict(r, CHECK_FAIL,
			"the firmware turned x2APIC on; the Mint kernel has no x2APIC "
			"support and would run without its APIC");
		advise(r,
		       "turn x2APIC off in the firmware setup (\"x2APIC\", \"X2APIC opt-out\" or "
		       "\"Local APIC mode: xAPIC\", often under CPU or VT-d settings)");
	} else if (f->x2apic_mode == CHECK_YES) {
		verdict(r, on_mint(f) ? CHECK_FAIL : CHECK_WARN,
			"the APIC runs in x2APIC mode (%s)", f->x2apic_source);
		advise(r, "boot with nox2apic (the \"Mint node0\" boot entry adds it); Mint needs "
			  "xAPIC mode");
	} else if (f->x2apic_mode == CHECK_NO) {
		verdict(r, CHECK_PASS, "xAPIC mode (%s)", f->x2apic_source);
	} else {
		verdict(r, CHECK_WARN, "cannot tell whether the APIC runs in x2APIC mode");
		advise(r, "run mintctl check as root (it reads the kernel log and, with the msr "
			  "module loaded, IA32_APIC_BASE); Mint needs nox2apic");
	}
}

static void check_irq_remap(const struct check_facts *f, struct check_result *r)
{
	data_tristate(r, "active", f->irq_remap);
	if (f->irq_remap == CHECK_YES) {
		verdict(r, CHECK_WARN,
			"interrupts are remapped (IR- chips in /proc/interrupts); "
			"Mint nodes program MSI without remapping");
		advise(r, "boot with intremap=off, or turn VT-d / AMD-Vi off in the firmware");
	} else if (f->irq_remap == CHECK_NO) {
		verdict(r, CHECK_PASS, "off");
	} else {
		verdict(r, CHECK_WARN, "cannot read /proc/interrupts");
		advise(r, "boot with intremap=off if the machine has VT-d or AMD-Vi");
	}
}

static void check_iommu(const struct check_facts *f, struct check_result *r)
{
	data_int(r, "iommus", f->iommus);
	data_int(r, "groups", f->iommu_groups);
	if (f->iommu_groups || f->iommus) {
		verdict(r, CHECK_WARN,
			"an IOMMU is active (%s%s%u IOMMU groups): Mint hands no PCI device to "
			"another node while one is",
			f->iommu_name, f->iommu_name[0] ? ", " : "", f->iommu_groups);
		advise(r, "turn VT-d / AMD-Vi off in the firmware, or boot with intel_iommu=off "
			  "or amd_iommu=off; CPUs and memory move either way");
	} else {
		verdict(r, CHECK_PASS, "no IOMMU active");
	}
}

static void check_memory(const struct check_facts *f, struct check_result *r)
{
	char movable[32], total[32], block[32], val[64];
	bool free_mem = check_cmdline_param(f->cmdline, "mint_free_mem", val, sizeof(val));

	data_bool(r, "hotplug", f->mem_hotplug);
	data_int(r, "block_size", (int64_t)f->block_size);
	data_int(r, "total_bytes", (int64_t)f->mem_total);
	data_int(r, "movable_bytes", (int64_t)f->movable_bytes);
	if (!f->mem_hotplug) {
		verdict(r, CHECK_FAIL, "no memory hotplug (/sys/devices/system/memory is missing)");
		advise(r, "boot a kernel with CONFIG_MEMORY_HOTREMOVE (the Mint kernel has it)");
		return;
	}
	mint_format_size(f->movable_bytes & ~((1ULL << 20) - 1), movable, sizeof(movable));
	mint_format_size(f->mem_total & ~((1ULL << 20) - 1), total, sizeof(total));
	mint_format_size(f->block_size, block, sizeof(block));
	if (f->movable_bytes >= f->block_size && f->movable_bytes) {
		verdict(r, CHECK_PASS, "%s of %s is movable (ZONE_MOVABLE), in blocks of %s",
			movable, total, block);
	} else if (free_mem) {
		verdict(
		    r, CHECK_PASS,
		    "no movable memory, but node0 leaves memory free at boot (mint_free_mem=%s)",
		    val);
	} else {
		verdict(r, CHECK_WARN,
			"no movable memory (ZONE_MOVABLE is empty): memory can be "
			"given to nodes only where offlining succeeds by chance");
		advise(r, "boot node0 with movablecore= (e.g. movablecore=50%% or a size such as "
			  "movablecore=8G), or leave memory free with mint_free_mem=");
	}
}

static void check_uarts(const struct check_facts *f, struct check_result *r)
{
	json_object *list = json_object_new_array();
	char names[CHECK_TEXT / 2] = "";
	unsigned spare = 0;

	for (size_t i = 0; i < f->nuarts; i++) {
		char one[48];

		json_object_array_add(list, json_object_new_int(f->uarts[i].index));
		if (f->uarts[i].port)
			snprintf(one, sizeof(one), "ttyS%u (%#x)", f->uarts[i].index,
				 f->uarts[i].port);
		else
			snprintf(one, sizeof(one), "ttyS%u", f->uarts[i].index);
		list_add(names, sizeof(names), one);
		if (f->uarts[i].index > 0 && (int)f->uarts[i].index != f->console_uart)
			spare++;
	}
	json_object_object_add(r->data, "uarts", list);
	data_int(r, "console", f->console_uart);
	data_int(r, "for_nodes", spare);
	if (!f->uarts_known) {
		verdict(r, CHECK_WARN, "cannot list the serial ports");
		advise(r, "run mintctl check as root (it reads /proc/tty/driver/serial)");
	} else if (!spare) {
		verdict(r, CHECK_WARN,
			"%s%s: no serial port for another node's console (node N "
			"uses ttyS<N>, COM<N+1>)",
			f->nuarts ? "only " : "no UART", names);
		advise(r, "enable COM2 (and more) in the firmware; without one a node runs without "
			  "a console and `mintctl log NODE` shows its last lines");
	} else {
		verdict(r, CHECK_PASS,
			"%s: consoles for nodes 1-%u (node N uses ttyS<N>, COM<N+1>)", names,
			spare);
	}
}

static void check_pci(const struct check_facts *f, struct check_result *r)
{
	json_object *can = json_object_new_array(), *cannot = json_object_new_array();
	char yes[CHECK_TEXT / 2] = "", no[CHECK_TEXT / 2] = "";
	size_t nyes = 0;

	for (size_t i = 0; i < f->npci; i++) {
		const char *why = check_pci_why_not(&f->pci[i]);
		char bdf[MINT_BDF_STRLEN], one[96];

		mint_format_bdf(&f->pci[i].bdf, bdf);
		if (!why) {
			nyes++;
			json_object_array_add(can, json_object_new_string(bdf));
			list_add(yes, sizeof(yes), bdf);
		} else {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "address", json_object_new_string(bdf));
			json_object_object_add(o, "reason", json_object_new_string(why));
			json_object_array_add(cannot, o);
			snprintf(one, sizeof(one), "%s (%s)", bdf, why);
			list_add(no, sizeof(no), one);
		}
	}
	json_object_object_add(r->data, "can_move", can);
	json_object_object_add(r->data, "cannot_move", cannot);
	if (!f->pci_scanned) {
		verdict(r, CHECK_WARN, "%s", f->pci_error[0] ? f->pci_error : "PCI not scanned");
		advise(r, "install libpci3");
	} else if (!nyes && f->npci && !f->pci[f->npci - 1].caps_known) {
		verdict(r, CHECK_WARN, "cannot tell which of %zu PCI functions have MSI or MSI-X",
			f->npci);
		advise(r, "run mintctl check as root");
	} else if (!nyes) {
		verdict(r, CHECK_WARN, "none of %zu PCI functions can be handed over%s%s", f->npci,
			no[0] ? ": " : "", no);
		advise(r, "nodes can still boot from an initramfs; give them devices with MSI or "
			  "MSI-X");
	} else {
		verdict(r, CHECK_PASS, "%zu of %zu can be handed over: %s%s%s", nyes, f->npci, yes,
			no[0] ? "; not: " : "", no);
	}
}

static void check_kvm(const struct check_facts *f, struct check_result *r)
{
	const char *what = f->flag_svm ? "AMD-V (svm)" : "VT-x (vmx)";
	const char *nested = f->nested == CHECK_YES  ? ", nested virtualisation on"
			     : f->nested == CHECK_NO ? ", nested virtualisation off"
						     : "";

	data_bool(r, "vmx", f->flag_vmx);
	data_bool(r, "svm", f->flag_svm);
	data_tristate(r, "nested", f->nested);
	data_bool(r, "hypervisor", f->flag_hypervisor);
	if (!f->flag_svm && !f->flag_vmx) {
		verdict(r, CHECK_WARN, "no svm/vmx CPU flag: nodes cannot run KVM guests%s",
			f->flag_hypervisor ? " (this machine is itself a virtual machine)" : "");
		advise(r, f->flag_hypervisor
			      ? "let the hypervisor pass virtualisation on (nested: "
				"kvm_amd nested=1 / kvm_intel nested=1, QEMU -cpu host)"
			      : "turn SVM / VT-x on in the firmware");
	} else {
		verdict(r, CHECK_PASS, "%s for KVM guests in every node%s%s", what, nested,
			f->flag_hypervisor ? "; this machine is itself a virtual machine" : "");
	}
}

static void check_slots(const struct check_facts *f, struct check_result *r)
{
	data_int(r, "slots", f->low_slots);
	data_int(r, "free", f->low_slots_free);
	if (f->mint != CHECK_MINT_OK) {
		verdict(r, CHECK_SKIP, "needs the Mint kernel%s",
			f->mint == CHECK_MINT_NOACCESS ? " and root" : "");
		return;
	}
	if (!f->low_slots) {
		verdict(r, CHECK_FAIL, "no slot below 1 MiB for another node's start trampoline");
		advise(r, "boot node0 with mint_low_slots=3 (or more), and free low memory in the "
			  "firmware (legacy option ROMs, CSM)");
	} else if (!f->low_slots_free) {
		verdict(r, CHECK_WARN, "all %u low-memory slots are taken by running nodes",
			f->low_slots);
		advise(r, "halt a node before booting another, or boot node0 with mint_low_slots=");
	} else {
		verdict(r, CHECK_PASS, "%u of %u slots below 1 MiB free: %u more node%s can boot",
			f->low_slots_free, f->low_slots, f->low_slots_free,
			f->low_slots_free == 1 ? "" : "s");
	}
}

static void check_params(const struct check_facts *f, struct check_result *r)
{
	static const char *const wanted[] = {"nox2apic", "no_ipi_broadcast", "movablecore"};
	json_object *missing = json_object_new_array();
	char have[256] = "", lack[256] = "", val[64];

	for (size_t i = 0; i < ARRAY_SIZE(wanted); i++) {
		char one[96];

		if (!check_cmdline_param(f->cmdline, wanted[i], val, sizeof(val)) ||
		    (!strcmp(wanted[i], "no_ipi_broadcast") && strcmp(val, "1"))) {
			/* memory left free at boot serves instead of movable memory */
			if (!strcmp(wanted[i], "movablecore") &&
			    check_cmdline_param(f->cmdline, "mint_free_mem", val, sizeof(val)))
				continue;
			snprintf(one, sizeof(one), "%s%s", wanted[i],
				 !strcmp(wanted[i], "no_ipi_broadcast") ? "=1"
				 : !strcmp(wanted[i], "movablecore")	? "="
									: "");
			json_object_array_add(missing, json_object_new_string(one));
			list_add(lack, sizeof(lack), one);
		} else {
			snprintf(one, sizeof(one), "%s%s%s", wanted[i], val[0] ? "=" : "", val);
			list_add(have, sizeof(have), one);
		}
	}
	json_object_object_add(r->data, "missing", missing);
	data_str(r, "cmdline", f->cmdline);
	if (lack[0]) {
		verdict(r, CHECK_WARN, "missing: %s%s%s", lack, have[0] ? "; present: " : "", have);
		advise(r, "boot node0 with nox2apic no_ipi_broadcast=1 movablecore=SIZE (the mint "
			  "package's \"Mint node0\" boot entry adds them; see /etc/default/mint)");
	} else {
		verdict(r, CHECK_PASS, "%s", have);
	}
}

void check_evaluate(const struct check_facts *f, struct check_result out[CHECK_COUNT])
{
	static const struct {
		const char *name, *title;
		void (*fn)(const struct check_facts *f, struct check_result *r);
	} checks[CHECK_COUNT] = {
	    {"mint-kernel", "Mint kernel", check_mint_kernel},
	    {"cpus", "CPUs and CPU hotplug", check_cpus},
	    {"apic", "xAPIC mode", check_apic},
	    {"irq-remapping", "interrupt remapping", check_irq_remap},
	    {"iommu", "IOMMU", check_iommu},
	    {"memory", "movable memory", check_memory},
	    {"uarts", "serial ports for nodes", check_uarts},
	    {"pci", "PCI functions", check_pci},
	    {"kvm", "virtualisation for KVM", check_kvm},
	    {"low-memory-slots", "low-memory slots", check_slots},
	    {"kernel-parameters", "kernel parameters", check_params},
	};

	for (size_t i = 0; i < CHECK_COUNT; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].name = checks[i].name;
		out[i].title = checks[i].title;
		out[i].data = json_object_new_object();
		checks[i].fn(f, &out[i]);
	}
}
