// SPDX-License-Identifier: GPL-2.0
/*
 * mintctl check: the probing against the fake /sys and /proc of fakesys.c,
 * and every verdict from made-up facts (a Mint node0 that is ready, then one
 * thing wrong at a time).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "fakesys.h"

#define MIB (1ULL << 20)

static struct check_result results[CHECK_COUNT];

static const struct check_result *find(const char *name)
{
	for (size_t i = 0; i < CHECK_COUNT; i++)
		if (!strcmp(results[i].name, name))
			return &results[i];
	fail_msg("no check named %s", name);
	return NULL;
}

static enum check_verdict verdict_of(const struct check_facts *f, const char *name)
{
	check_results_free(results);
	check_evaluate(f, results);
	return find(name)->verdict;
}

static void assert_detail(const char *name, const char *text)
{
	const struct check_result *r = find(name);

	if (!strstr(r->detail, text))
		fail_msg("%s: \"%s\" not in \"%s\"", name, text, r->detail);
}

static void assert_advice(const char *name, const char *text)
{
	const struct check_result *r = find(name);

	if (!strstr(r->advice, text))
		fail_msg("%s: \"%s\" not in advice \"%s\"", name, text, r->advice);
}

static void add_pci(struct check_facts *f, const char *bdf, uint32_t class, bool msi)
{
	struct check_pci_fn *fn = &f->pci[f->npci++];

	assert_int_equal(mint_parse_bdf(bdf, &fn->bdf, NULL), 0);
	fn->class = class;
	fn->msi = msi;
	fn->caps_known = true;
	fn->other_node = -1;
	snprintf(fn->name, sizeof(fn->name), "test function");
}

/* node0 on the Mint kernel with everything Mint wants. */
static void ready_node0(struct check_facts *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->kernel, sizeof(f->kernel), "6.1.192-mint");
	snprintf(f->cmdline, sizeof(f->cmdline),
		 "root=/dev/sda1 ro nox2apic no_ipi_broadcast=1 movablecore=4G quiet");
	f->mint = CHECK_MINT_OK;
	f->mint_info = (struct mint_info){.version = MINT_VERSION,
					  .node_id = 0,
					  .table_phys = 0x1f000000,
					  .table_size = MINT_TABLE_SIZE,
					  .mem_block_size = 128 * MIB};
	f->low_slots = 3;
	f->low_slots_free = 3;
	f->ncpus = 8;
	f->max_apic_id = 7;
	f->cpu_hotplug = true;
	f->smt = CHECK_NO;
	f->flag_x2apic = true;
	f->flag_svm = true;
	f->x2apic_mode = CHECK_NO;
	snprintf(f->x2apic_source, sizeof(f->x2apic_source), "IA32_APIC_BASE");
	f->irq_remap = CHECK_NO;
	f->mem_hotplug = true;
	f->block_size = 128 * MIB;
	f->mem_total = 16384 * MIB;
	f->movable_bytes = 4096 * MIB;
	f->uarts_known = true;
	for (unsigned i = 0; i < 4; i++)
		f->uarts[f->nuarts++] =
		    (struct check_uart){.index = i, .port = 0x3f8 - 0x100 * (i & 1)};
	f->console_uart = 0;
	f->pci_scanned = true;
	add_pci(f, "0000:00:00.0", 0x060000, false);
	add_pci(f, "0000:00:02.0", 0x010000, true);
	add_pci(f, "0000:00:1f.2", 0x010601, false);
	f->nested = CHECK_YES;
}

static void all_pass_on_a_ready_node0(void **state)
{
	struct check_facts f;

	ready_node0(&f);
	check_evaluate(&f, results);
	for (size_t i = 0; i < CHECK_COUNT; i++)
		if (results[i].verdict != CHECK_PASS)
			fail_msg("%s: %s %s", results[i].name,
				 check_verdict_name(results[i].verdict), results[i].detail);
	assert_true(check_ok(results));
	assert_detail("mint-kernel", "this is node0");
	assert_detail("memory", "4G of 16G is movable");
	assert_detail("uarts", "consoles for nodes 1-3");
	assert_detail("pci", "1 of 3 can be handed over: 0000:00:02.0");
	assert_detail("pci", "0000:00:1f.2 (INTx only, no MSI/MSI-X)");
	assert_detail("pci", "0000:00:00.0 (a bridge)");
	assert_detail("low-memory-slots", "3 of 3 slots below 1 MiB free");
	assert_detail("kernel-parameters", "movablecore=4G");
	assert_detail("kvm", "AMD-V (svm)");
	/* typed data for --json */
	assert_int_equal(
	    json_object_get_int64(json_object_object_get(find("memory")->data, "movable_bytes")),
	    4096 * MIB);
	assert_int_equal(
	    json_object_array_length(json_object_object_get(find("pci")->data, "can_move")), 1);
	check_results_free(results);
}

static void stock_kernel_fails(void **state)
{
	struct check_facts f;

	ready_node0(&f);
	f.mint = CHECK_MINT_ABSENT;
	snprintf(f.kernel, sizeof(f.kernel), "6.1.0-28-amd64");
	assert_int_equal(verdict_of(&f, "mint-kernel"), CHECK_FAIL);
	assert_detail("mint-kernel", "6.1.0-28-amd64");
	assert_advice("mint-kernel", "linux-image-*-mint");
	assert_false(check_ok(results));
	assert_int_equal(verdict_of(&f, "low-memory-slots"), CHECK_SKIP);
	check_results_free(results);
}

static void mint_kernel_states(void **state)
{
	struct check_facts f;

	ready_node0(&f);
	f.mint_info.version = MINT_VERSION + 1;
	assert_int_equal(verdict_of(&f, "mint-kernel"), CHECK_FAIL);
	assert_detail("mint-kernel", "version");
	ready_node0(&f);
	f.mint = CHECK_MINT_NOACCESS;
	snprintf(f.mint_error, sizeof(f.mint_error), "cannot open /dev/mint: Permission denied");
	assert_int_equal(verdict_of(&f, "mint-kernel"), CHECK_WARN);
	assert_advice("mint-kernel", "root");
	assert_int_equal(verdict_of(&f, "low-memory-slots"), CHECK_SKIP);
	assert_true(check_ok(results));
	ready_node0(&f);
	f.mint = CHECK_MINT_ERROR;
	snprintf(f.mint_error, sizeof(f.mint_error), "MINT_IOC_INFO failed");
	assert_int_equal(verdict_of(&f, "mint-kernel"), CHECK_FAIL);
	ready_node0(&f);
	f.mint_info.node_id = 2;
	assert_int_equal(verdict_of(&f, "mint-kernel"), CHECK_PASS);
	assert_detail("mint-kernel", "this is node2");
	check_results_free(results);
}

static void cpus(void **state)
{
	struct check_facts f;

	ready_node0(&f);
	f.ncpus = 1;
	assert_int_equal(verdict_of(&f, "cpus"), CHECK_FAIL);
	ready_node0(&f);
	f.cpu_hotplug = false;
	assert_int_equal(verdict_of(&f, "cpus"), CHECK_FAIL);
	assert_advice("cpus", "CONFIG_HOTPLUG_CPU");
	ready_node0(&f);
	f.smt = CHECK_YES;
	assert_int_equal(verdict_of(&f, "cpus"), CHECK_PASS);
	assert_detail("cpus", "SMT is on");
	check_results_free(results);
}

static void apic_modes(void **state)
{
	struct check_facts f;

	ready_node0(&f);
	f.max_apic_id = 255;
	assert_int_equal(verdict_of(&f, "apic"), CHECK_FAIL);
	assert_detail("apic", "APIC ID 255");
	ready_node0(&f);
	f.x2apic_by_firmware = true;
	assert_int_equal(verdict_of(&f, "apic"), CHECK_FAIL);
	assert_advice("apic", "firmware");
	/* a stock kernel that turned x2APIC on itself: nox2apic fixes it */
	ready_node0(&f);
	f.mint = CHECK_MINT_ABSENT;
	f.x2apic_mode = CHECK_YES;
	assert_int_equal(verdict_of(&f, "apic"), CHECK_WARN);
	assert_advice("apic", "nox2apic");
	ready_node0(&f);
	f.x2apic_mode = CHECK_UNKNOWN;
	assert_int_equal(verdict_of(&f, "apic"), CHECK_WARN);
	assert_advice("apic", "root");
	ready_node0(&f);
	f.irq_remap = CHECK_YES;
	assert_int_equal(verdict_of(&f, "irq-remapping"), CHECK_WARN);
	assert_advice("irq-remapping", "intremap=off");
	assert_true(check_ok(results));
	check_results_free(results);
}

static void iommu(void **state)
{
	struct check_facts f;

	ready_node0(&f);
	f.iommus = 1;
	f.iommu_groups = 14;
	snprintf(f.iommu_name, sizeof(f.iommu_name), "dmar0");
	assert_int_equal(verdict_of(&f, "iommu"), CHECK_WARN);
	assert_detail("iommu", "dmar0, 14 IOMMU groups");
	assert_advice("iommu", "intel_iommu=off");
	assert_true(check_ok(results));
	check_results_free(results);
}

static void memory(void **state)
{
	struct check_facts f;

	ready_node0(&f);
	f.movable_bytes = 0;
	assert_int_equal(verdict_of(&f, "memory"), CHECK_WARN);
	assert_advice("memory", "movablecore=");
	snprintf(f.cmdline, sizeof(f.cmdline), "nox2apic no_ipi_broadcast=1 mint_free_mem=1G");
	assert_int_equal(verdict_of(&f, "memory"), CHECK_PASS);
	assert_detail("memory", "mint_free_mem=1G");
	/* memory left free replaces movablecore= among the parameters too */
	assert_int_equal(verdict_of(&f, "kernel-parameters"), CHECK_PASS);
	ready_node0(&f);
	f.mem_hotplug = false;
	assert_int_equal(verdict_of(&f, "memory"), CHECK_FAIL);
	check_results_free(results);
}

static void uarts(void **state)
{
	struct check_facts f;

	ready_node0(&f);
	f.nuarts = 1;
	assert_int_equal(verdict_of(&f, "uarts"), CHECK_WARN);
	assert_detail("uarts", "only ttyS0 (0x3f8)");
	f.nuarts = 0;
	assert_int_equal(verdict_of(&f, "uarts"), CHECK_WARN);
	f.uarts_known = false;
	assert_int_equal(verdict_of(&f, "uarts"), CHECK_WARN);
	assert_advice("uarts", "root");
	/* the console on ttyS1 leaves ttyS2 and ttyS3 */
	ready_node0(&f);
	f.console_uart = 1;
	assert_int_equal(verdict_of(&f, "uarts"), CHECK_PASS);
	assert_detail("uarts", "nodes 1-2");
	check_results_free(results);
}

static void pci(void **state)
{
	struct check_facts f;
	struct check_pci_fn fn = {
	    .class = 0x020000, .msi = true, .caps_known = true, .other_node = -1};

	assert_null(check_pci_why_not(&fn));
	/* behind a bridge (node0 keeps the bridge) */
	fn.bdf.bus = 3;
	assert_null(check_pci_why_not(&fn));
	fn.class = 0x060400;
	assert_string_equal(check_pci_why_not(&fn), "a bridge");
	fn.class = 0x020000;
	fn.msi = false;
	assert_string_equal(check_pci_why_not(&fn), "INTx only, no MSI/MSI-X");
	fn.caps_known = false;
	assert_string_equal(check_pci_why_not(&fn), "its capabilities are readable by root only");
	fn.other_node = 1;
	assert_string_equal(check_pci_why_not(&fn), "another node's");

	ready_node0(&f);
	f.npci = 0;
	add_pci(&f, "0000:00:1f.2", 0x010601, false);
	assert_int_equal(verdict_of(&f, "pci"), CHECK_WARN);
	assert_detail("pci", "none of 1 PCI functions");
	f.pci_scanned = false;
	snprintf(f.pci_error, sizeof(f.pci_error), "cannot load libpci: not found");
	assert_int_equal(verdict_of(&f, "pci"), CHECK_WARN);
	assert_detail("pci", "cannot load libpci");
	/* a long list is cut, not overflowed */
	ready_node0(&f);
	f.npci = 0;
	for (int i = 0; i < 200; i++) {
		char bdf[16];

		snprintf(bdf, sizeof(bdf), "0000:00:%02x.%d", i / 8, i % 8);
		add_pci(&f, bdf, 0x020000, i % 2);
	}
	assert_int_equal(verdict_of(&f, "pci"), CHECK_PASS);
	assert_detail("pci", "100 of 200 can be handed over");
	assert_detail("pci", "...");
	assert_int_equal(
	    json_object_array_length(json_object_object_get(find("pci")->data, "cannot_move")),
	    100);
	check_results_free(results);
}

static void kvm(void **state)
{
	struct check_facts f;

	ready_node0(&f);
	f.flag_svm = false;
	assert_int_equal(verdict_of(&f, "kvm"), CHECK_WARN);
	assert_advice("kvm", "firmware");
	f.flag_hypervisor = true;
	assert_int_equal(verdict_of(&f, "kvm"), CHECK_WARN);
	assert_advice("kvm", "nested");
	f.flag_vmx = true;
	f.nested = CHECK_NO;
	assert_int_equal(verdict_of(&f, "kvm"), CHECK_PASS);
	assert_detail("kvm", "VT-x (vmx)");
	assert_detail("kvm", "nested virtualisation off");
	check_results_free(results);
}

static void slots(void **state)
{
	struct check_facts f;

	ready_node0(&f);
	f.low_slots_free = 0;
	assert_int_equal(verdict_of(&f, "low-memory-slots"), CHECK_WARN);
	f.low_slots = 0;
	assert_int_equal(verdict_of(&f, "low-memory-slots"), CHECK_FAIL);
	assert_advice("low-memory-slots", "mint_low_slots=");
	ready_node0(&f);
	f.low_slots_free = 1;
	assert_int_equal(verdict_of(&f, "low-memory-slots"), CHECK_PASS);
	assert_detail("low-memory-slots", "1 more node can boot");
	check_results_free(results);
}

static void kernel_parameters(void **state)
{
	struct check_facts f;
	json_object *missing;
	char val[64];

	assert_string_equal(
	    check_cmdline_param("a movablecore=1G b", "movablecore", val, sizeof(val)), "1G");
	assert_string_equal(check_cmdline_param("nox2apic", "nox2apic", val, sizeof(val)), "");
	assert_null(check_cmdline_param("nox2apicx x2nox2apic", "nox2apic", val, sizeof(val)));
	assert_null(check_cmdline_param("", "nox2apic", val, sizeof(val)));
	assert_string_equal(check_cmdline_param("movablecore=", "movablecore", val, sizeof(val)),
			    "");

	ready_node0(&f);
	snprintf(f.cmdline, sizeof(f.cmdline), "root=/dev/sda1 no_ipi_broadcast=0 nox2apic");
	assert_int_equal(verdict_of(&f, "kernel-parameters"), CHECK_WARN);
	assert_detail("kernel-parameters", "missing: no_ipi_broadcast=1, movablecore=");
	assert_detail("kernel-parameters", "present: nox2apic");
	missing = json_object_object_get(find("kernel-parameters")->data, "missing");
	assert_int_equal(json_object_array_length(missing), 2);
	assert_true(check_ok(results));
	check_results_free(results);
}

/* ---- the probing, against the fake tree ---- */

static int setup_tree(void **state)
{
	fakesys_create();
	return 0;
}

static int teardown_tree(void **state)
{
	fakesys_destroy();
	return 0;
}

static void probe_fake_tree(void **state)
{
	static struct check_facts f;

	fakesys_write("/proc/sys/kernel/osrelease", "6.1.0-28-amd64\n");
	fakesys_write("/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda movablecore=512M\n");
	fakesys_write("/proc/cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\napicid\t\t: 0\n"
				       "flags\t\t: fpu apic x2apic svm hypervisor\n\n"
				       "processor\t: 1\napicid\t\t: 6\nflags\t\t: fpu\n\n");
	fakesys_write("/sys/devices/system/cpu/smt/active", "0\n");
	fakesys_write("/proc/meminfo", "MemTotal:        2030000 kB\nMemFree: 1000 kB\n");
	fakesys_write("/proc/zoneinfo", "Node 0, zone      DMA\n  pages free     3000\n"
					"        present  3998\n"
					"Node 0, zone   Normal\n        present  200000\n"
					"Node 0, zone  Movable\n  pages free     131072\n"
					"        spanned  131072\n        present  131072\n"
					"        managed  131072\n");
	fakesys_write("/proc/tty/driver/serial",
		      "serinfo:1.0 driver revision:\n"
		      "0: uart:16550A port:000003F8 irq:4 tx:100 rx:0 RTS|DTR\n"
		      "1: uart:16550A port:000002F8 irq:3 tx:0 rx:0\n"
		      "2: uart:unknown port:000003E8 irq:4\n");
	fakesys_write("/proc/consoles", "ttyS0                -W- (EC p a)    4:64\n");
	fakesys_write("/proc/interrupts",
		      "           CPU0       CPU1\n"
		      "  0:         40          0   IO-APIC   2-edge      timer\n"
		      " 24:       1000          0  PCI-MSI 81920-edge  virtio0\n");
	fakesys_write("/dev/kmsg", "6,1,0,-;Linux version 6.1.0\n"
				   "6,2,0,-;x2apic enabled\n"
				   "6,3,0,-;Switched APIC routing to physical x2apic.\n");
	fakesys_write("/sys/module/kvm_amd/parameters/nested", "1\n");
	fakesys_write("/sys/kernel/iommu_groups/0/type", "DMA\n");
	fakesys_write("/sys/class/iommu/ivhd0/name", "ivhd0\n");

	check_probe(&f);
	assert_string_equal(f.kernel, "6.1.0-28-amd64");
	assert_int_equal(f.mint, CHECK_MINT_ABSENT);
	assert_int_equal(f.ncpus, 4);
	assert_int_equal(f.max_apic_id, 6);
	assert_true(f.cpu_hotplug);
	assert_int_equal(f.smt, CHECK_NO);
	assert_string_equal(f.cpu_vendor, "AuthenticAMD");
	assert_true(f.flag_x2apic);
	assert_true(f.flag_svm);
	assert_false(f.flag_vmx);
	assert_true(f.flag_hypervisor);
	assert_int_equal(f.x2apic_mode, CHECK_YES);
	assert_false(f.x2apic_by_firmware);
	assert_int_equal(f.irq_remap, CHECK_NO);
	assert_int_equal(f.iommus, 1);
	assert_string_equal(f.iommu_name, "ivhd0");
	assert_int_equal(f.iommu_groups, 1);
	assert_true(f.mem_hotplug);
	assert_int_equal(f.block_size, 128 * MIB);
	assert_int_equal(f.mem_total, 2030000ULL * 1024);
	assert_int_equal(f.movable_bytes, 512 * MIB);
	assert_true(f.uarts_known);
	assert_int_equal(f.nuarts, 2);
	assert_int_equal(f.uarts[1].index, 1);
	assert_int_equal(f.uarts[1].port, 0x2f8);
	assert_int_equal(f.console_uart, 0);
	assert_int_equal(f.nested, CHECK_YES);
	assert_false(f.dev_kvm);
	/* fakesys: a virtio-blk function with MSI-X and an INTx-only one */
	assert_true(f.pci_scanned);
	assert_int_equal(f.npci, 2);
	for (size_t i = 0; i < f.npci; i++) {
		char bdf[MINT_BDF_STRLEN];

		mint_format_bdf(&f.pci[i].bdf, bdf);
		if (!strcmp(bdf, FAKE_DISK_BDF))
			assert_null(check_pci_why_not(&f.pci[i]));
		else
			assert_string_equal(check_pci_why_not(&f.pci[i]),
					    "INTx only, no MSI/MSI-X");
	}

	check_evaluate(&f, results);
	assert_int_equal(find("mint-kernel")->verdict, CHECK_FAIL);
	assert_int_equal(find("apic")->verdict, CHECK_WARN);
	assert_int_equal(find("iommu")->verdict, CHECK_WARN);
	assert_int_equal(find("memory")->verdict, CHECK_PASS);
	assert_int_equal(find("uarts")->verdict, CHECK_PASS);
	assert_int_equal(find("pci")->verdict, CHECK_PASS);
	assert_detail("pci", "1 of 2 can be handed over: " FAKE_DISK_BDF);
	assert_int_equal(find("kvm")->verdict, CHECK_PASS);
	assert_int_equal(find("kernel-parameters")->verdict, CHECK_WARN);
	assert_false(check_ok(results));
	check_results_free(results);
}

static void probe_firmware_x2apic_and_remapping(void **state)
{
	static struct check_facts f;

	fakesys_write("/proc/cmdline", "nox2apic\n");
	fakesys_write("/dev/kmsg", "6,2,0,-;x2apic: enabled by BIOS, switching to x2apic ops\n");
	fakesys_write("/proc/interrupts",
		      " 24:       1000          0  IR-PCI-MSI 81920-edge  nvme0q0\n");
	check_probe(&f);
	assert_int_equal(f.x2apic_mode, CHECK_YES);
	assert_true(f.x2apic_by_firmware);
	assert_int_equal(f.irq_remap, CHECK_YES);
	check_evaluate(&f, results);
	assert_int_equal(find("apic")->verdict, CHECK_FAIL);
	assert_int_equal(find("irq-remapping")->verdict, CHECK_WARN);
	check_results_free(results);

	/* nothing in the log: nox2apic decides; no serial list for root: sysfs */
	fakesys_write("/dev/kmsg", "6,1,0,-;Linux version 6.1.0\n");
	fakesys_write("/proc/tty/driver/serial", "");
	check_probe(&f);
	assert_int_equal(f.x2apic_mode, CHECK_NO);
	assert_string_equal(f.x2apic_source, "nox2apic");
}

static void probe_sysfs_uarts(void **state)
{
	static struct check_facts f;

	/* without /proc/tty/driver/serial (not root): /sys/class/tty/ttyS* type and port */
	fakesys_write("/sys/class/tty/ttyS0/type", "4\n");
	fakesys_write("/sys/class/tty/ttyS0/port", "0x3F8\n");
	fakesys_write("/sys/class/tty/ttyS1/type", "0\n");
	fakesys_write("/sys/class/tty/ttyS2/type", "4\n");
	fakesys_write("/sys/class/tty/ttyS2/port", "0x3E8\n");
	fakesys_write("/sys/class/tty/tty0/dev", "4:0\n");
	check_probe(&f);
	assert_true(f.uarts_known);
	assert_int_equal(f.nuarts, 2);
	assert_int_equal(f.uarts[0].index, 0);
	assert_int_equal(f.uarts[1].index, 2);
	assert_int_equal(f.uarts[1].port, 0x3e8);
	assert_string_equal(f.uarts[1].type, "16550A");
	assert_int_equal(f.console_uart, -1);
	/* no /dev/mint in the tree: not a Mint kernel; a file there is not the device */
	assert_int_equal(f.mint, CHECK_MINT_ABSENT);
	fakesys_write("/dev/mint", "");
	check_probe(&f);
	assert_int_equal(f.mint, CHECK_MINT_ERROR);
	assert_non_null(strstr(f.mint_error, "is not a Mint device"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(all_pass_on_a_ready_node0),
	    cmocka_unit_test(stock_kernel_fails),
	    cmocka_unit_test(mint_kernel_states),
	    cmocka_unit_test(cpus),
	    cmocka_unit_test(apic_modes),
	    cmocka_unit_test(iommu),
	    cmocka_unit_test(memory),
	    cmocka_unit_test(uarts),
	    cmocka_unit_test(pci),
	    cmocka_unit_test(kvm),
	    cmocka_unit_test(slots),
	    cmocka_unit_test(kernel_parameters),
	    cmocka_unit_test_setup_teardown(probe_fake_tree, setup_tree, teardown_tree),
	    cmocka_unit_test_setup_teardown(probe_firmware_x2apic_and_remapping, setup_tree,
					    teardown_tree),
	    cmocka_unit_test_setup_teardown(probe_sysfs_uarts, setup_tree, teardown_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
