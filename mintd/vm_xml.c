// SPDX-License-Identifier: GPL-2.0
/*
 * The libvirt domain XML of a guest: a KVM machine that boots a kernel (and
 * initrd) directly, with its serial port written to a file (the console log),
 * optionally one raw virtio disk, no network, no graphics, and every vCPU and
 * QEMU's emulator threads pinned to CPUs of this node.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"

/* Text for an XML attribute or element, escaped. */
static void put_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void put_elem(FILE *f, const char *indent, const char *tag, const char *text)
{
	fprintf(f, "%s<%s>", indent, tag);
	put_text(f, text);
	fprintf(f, "</%s>\n", tag);
}

static bool has_control(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20)
			return true;
	return false;
}

char *vm_domain_xml(const struct vm_domain *dom, struct mint_error *err)
{
	const char *strings[] = {dom->name, dom->kernel, dom->initrd,
				 dom->disk, dom->append, dom->console_path};
	char emu[512], *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!dom->name || !dom->kernel || !dom->console_path || !dom->vcpu_cpu ||
	    !dom->emulator_cpus || !dom->vcpus || dom->vcpus > VM_MAX_VCPUS)
		return mint_fail(err, MINT_E_INVALID, "incomplete guest description"), NULL;
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if (has_control(strings[i]))
			return mint_fail(err, MINT_E_INVALID,
					 "guest %s: control characters are not allowed in names, "
					 "paths or the command line",
					 dom->name),
			       NULL;
	if (mint_cpuset_format(dom->emulator_cpus, emu, sizeof(emu)) || !emu[0])
		return mint_fail(err, MINT_E_INVALID, "guest %s: no CPUs for QEMU's threads",
				 dom->name),
		       NULL;
	f = open_memstream(&buf, &len);
	if (!f)
		return mint_fail_errno(err, MINT_E_SYSTEM, 0, "out of memory"), NULL;
	fputs("<domain type='kvm'>\n", f);
	put_elem(f, "  ", "name", dom->name);
	fprintf(f, "  <memory unit='KiB'>%llu</memory>\n",
		(unsigned long long)(dom->memory_bytes >> 10));
	fprintf(f, "  <vcpu placement='static'>%u</vcpu>\n", dom->vcpus);
	fputs("  <cputune>\n", f);
	for (unsigned v = 0; v < dom->vcpus; v++)
		fprintf(f, "    <vcpupin vcpu='%u' cpuset='%u'/>\n", v, dom->vcpu_cpu[v]);
	fprintf(f, "    <emulatorpin cpuset='%s'/>\n", emu);
	fputs("  </cputune>\n", f);
	fputs("  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n", f);
	put_elem(f, "    ", "kernel", dom->kernel);
	if (dom->initrd)
		put_elem(f, "    ", "initrd", dom->initrd);
	/* The guest's console is its first serial port, which goes to the log. */
	fputs("    <cmdline>console=ttyS0", f);
	if (dom->append && dom->append[0]) {
		fputc(' ', f);
		put_text(f, dom->append);
	}
	fputs("</cmdline>\n  </os>\n", f);
	fputs("  <features><acpi/></features>\n", f);
	fputs("  <clock offset='utc'/>\n", f);
	fputs("  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>destroy</on_reboot>\n"
	      "  <on_crash>destroy</on_crash>\n",
	      f);
	fputs("  <devices>\n", f);
	if (dom->disk) {
		fputs("    <disk type='file' device='disk'>\n"
		      "      <driver name='qemu' type='raw'/>\n      <source file='",
		      f);
		put_text(f, dom->disk);
		fputs("'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n", f);
	}
	fputs("    <serial type='file'>\n      <source path='", f);
	put_text(f, dom->console_path);
	fputs("'/>\n      <target port='0'/>\n    </serial>\n", f);
	fputs("    <controller type='usb' model='none'/>\n", f);
	fputs("    <memballoon model='none'/>\n", f);
	fputs("  </devices>\n</domain>\n", f);
	if (fclose(f) || !buf) {
		free(buf);
		return mint_fail(err, MINT_E_SYSTEM, "out of memory"), NULL;
	}
	return buf;
}
