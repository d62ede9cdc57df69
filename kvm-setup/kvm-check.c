// SPDX-License-Identifier: GPL-2.0
/*
 * mint-kvm-check: does KVM really run guest code on this node? Opens
 * /dev/kvm, creates a VM with one vCPU in real mode whose code writes a byte
 * to an I/O port COUNT times and halts, and checks every exit. Prints one
 * line, "KVM-CHECK: ok: ..." with the exits per second (a measure of the
 * cost of a VM exit on this node), or "KVM-CHECK: FAIL: <why>" (exit 1).
 *
 *   mint-kvm-check [COUNT]     (default 2000)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define GUEST_MEM 0x10000
#define PORT	  0x10

static int fail(const char *what)
{
	printf("KVM-CHECK: FAIL: %s: %s\n", what, strerror(errno));
	return 1;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	/* 16-bit code at 0x1000: again: mov al, 0x42; out 0x10, al; jmp again (hlt never reached)
	 */
	static const uint8_t code[] = {0xb0, 0x42, 0xe6, PORT, 0xeb, 0xfa, 0xf4};
	long count = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	int kvm, vm, vcpu, api;
	long exits = 0;
	double t0, t1;
	uint8_t *mem;
	int runsz;

	if (count < 1)
		count = 1;
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return fail("open /dev/kvm");
	api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		printf("KVM-CHECK: FAIL: KVM API version %d, expected %d\n", api, KVM_API_VERSION);
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return fail("KVM_CREATE_VM");
	mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return fail("mmap guest memory");
	memcpy(mem + 0x1000, code, sizeof(code));
	region = (struct kvm_userspace_memory_region){.slot = 0,
						      .guest_phys_addr = 0,
						      .memory_size = GUEST_MEM,
						      .userspace_addr = (uintptr_t)mem};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region))
		return fail("KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return fail("KVM_CREATE_VCPU");
	runsz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (runsz <= 0)
		return fail("KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, (size_t)runsz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return fail("mmap kvm_run");
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs))
		return fail("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs))
		return fail("KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = 0x1000;
	regs.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs))
		return fail("KVM_SET_REGS");
	t0 = now_ms();
	while (exits < count) {
		if (ioctl(vcpu, KVM_RUN, 0))
			return fail("KVM_RUN");
		if (run->exit_reason != KVM_EXIT_IO || run->io.direction != KVM_EXIT_IO_OUT ||
		    run->io.port != PORT || ((uint8_t *)run)[run->io.data_offset] != 0x42) {
			printf("KVM-CHECK: FAIL: unexpected exit %u after %ld good ones\n",
			       run->exit_reason, exits);
			return 1;
		}
		exits++;
	}
	t1 = now_ms();
	printf("KVM-CHECK: ok: API %d, guest code ran, %ld I/O exits in %.1f ms (%.0f exits/s)\n",
	       api, exits, t1 - t0, exits / ((t1 - t0) / 1e3));
	return 0;
}
