// SPDX-License-Identifier: GPL-2.0
/*
 * mint-syscall: make one of the system calls a Mint node must refuse (or
 * allow) and say what the kernel answered, for e2e scenarios:
 *
 *   mint-syscall kexec-load [--crash]        kexec_load(2): unload, or a crash load
 *   mint-syscall kexec-file-load [--crash]   kexec_file_load(2) with KEXEC_FILE_UNLOAD
 *   mint-syscall reboot restart|halt|poweroff|kexec
 *
 * Prints "OK" or "<call>: <strerror> (<ERRNO NAME>)" on stdout and exits 0
 * on success, 1 on failure, 2 on bad usage.
 *
 * The calls are the smallest ones the kernel still has to decide on: a
 * kexec_load() without segments and a kexec_file_load() with UNLOAD only
 * unload an image, but a kernel that refuses kexec refuses them as well.
 * reboot really goes through: if it succeeds the machine (or the node) goes
 * down, which is what a scenario that calls it wants to see.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/kexec.h>
#include <linux/reboot.h>

#include "errname.h"

static int usage(FILE *f, int status)
{
	fprintf(f,
		"usage: mint-syscall kexec-load [--crash]\n"
		"       mint-syscall kexec-file-load [--crash]\n"
		"       mint-syscall reboot restart|halt|poweroff|kexec\n"
		"  kexec-load       kexec_load(2) with no segments (unload), KEXEC_ARCH_DEFAULT\n"
		"                   (--crash: load a one-page crash kernel, | KEXEC_ON_CRASH)\n"
		"  kexec-file-load  kexec_file_load(2) with KEXEC_FILE_UNLOAD\n"
		"                   (--crash: | KEXEC_FILE_ON_CRASH)\n"
		"  reboot           reboot(2) with LINUX_REBOOT_CMD_RESTART, _HALT,\n"
		"                   _POWER_OFF or _KEXEC: if it succeeds, this machine\n"
		"                   or node really goes down\n"
		"Prints OK or \"<call>: <reason> (<ERRNO>)\"; exit 0 on success, 1 on failure.\n");
	return status;
}

/* One line for the call's outcome; the exit status. */
static int report(const char *call, long ret)
{
	int e = errno;

	if (ret == 0) {
		printf("OK\n");
		return 0;
	}
	printf("%s: %s (%s)\n", call, strerror(e), e2e_errname(e));
	return 1;
}

/* --crash or nothing after the command. */
static int crash_flag(int argc, char **argv, int *crash)
{
	*crash = 0;
	if (argc == 2)
		return 0;
	if (argc == 3 && !strcmp(argv[2], "--crash")) {
		*crash = 1;
		return 0;
	}
	return -1;
}

/*
 * Without --crash: no segments, i.e. unload the kexec image (harmless where it
 * is allowed). With --crash: load a crash kernel of one 4 KiB page at 16 MiB;
 * a kernel that allows it still fails it (no crashkernel= region), with
 * another errno than the EPERM of a refusal.
 */
static int do_kexec_load(int crash)
{
	static unsigned char page[4096];
	struct kexec_segment seg = {
	    .buf = page, .bufsz = sizeof(page), .mem = (void *)(16UL << 20), .memsz = sizeof(page)};
	unsigned long flags = KEXEC_ARCH_DEFAULT | (crash ? KEXEC_ON_CRASH : 0);

	errno = 0;
	if (!crash)
		return report("kexec_load", syscall(SYS_kexec_load, 0UL, 0UL, NULL, flags));
	return report("kexec_load", syscall(SYS_kexec_load, 16UL << 20, 1UL, &seg, flags));
}

static int do_kexec_file_load(int crash)
{
	unsigned long flags = KEXEC_FILE_UNLOAD | (crash ? KEXEC_FILE_ON_CRASH : 0);

	errno = 0;
	return report("kexec_file_load", syscall(SYS_kexec_file_load, -1, -1, 0UL, "", flags));
}

static int do_reboot(const char *what)
{
	static const struct {
		const char *name;
		unsigned int cmd;
	} cmds[] = {
	    {"restart", LINUX_REBOOT_CMD_RESTART},
	    {"halt", LINUX_REBOOT_CMD_HALT},
	    {"poweroff", LINUX_REBOOT_CMD_POWER_OFF},
	    {"kexec", LINUX_REBOOT_CMD_KEXEC},
	};

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(what, cmds[i].name))
			continue;
		/* As reboot(8) does: what was written is on the disks if the call goes through. */
		sync();
		errno = 0;
		return report("reboot", syscall(SYS_reboot, LINUX_REBOOT_MAGIC1,
						LINUX_REBOOT_MAGIC2, cmds[i].cmd, NULL));
	}
	fprintf(stderr, "mint-syscall: unknown reboot command \"%s\"\n", what);
	return usage(stderr, 2);
}

int main(int argc, char **argv)
{
	int crash;

	if (argc < 2)
		return usage(stderr, 2);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout, 0);
	if (!strcmp(argv[1], "kexec-load") && !crash_flag(argc, argv, &crash))
		return do_kexec_load(crash);
	if (!strcmp(argv[1], "kexec-file-load") && !crash_flag(argc, argv, &crash))
		return do_kexec_file_load(crash);
	if (!strcmp(argv[1], "reboot") && argc == 3)
		return do_reboot(argv[2]);
	return usage(stderr, 2);
}
