#!/bin/sh
# shellcheck shell=dash
# paper-bench (node0's side). node0 boots node1 from kvm-setup's root file
# system (as the kvm scenario does), whose mint-paperbench.service runs
# paperbench when node0 asks over the channel. Then, in each of two passes,
# one after the other so only one of them keeps a CPU busy: paperbench
# natively in node0, natively in node1, in a KVM guest on node0 (plain QEMU
# -accel kvm) and in a KVM guest on node1 (`mintctl -n node1 vm start`).
# Every result is a "PAPERBENCH env=<where>-p<pass> ..." line, on COM1
# except node1's native ones (COM2). Each run reads other blocks of its file
# (paperbench -k), so no cache below it has seen them.
# shellcheck source=/dev/null
. "${E2E_LIB:-/e2e/guest-lib.sh}"

SOCK=/run/mint/mintd.sock
GUEST_MEM=256M
PASSES="1 2"
now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# The PCI address of the virtio disk with serial $1, and its block device.
disk_with_serial() {
	for s in /sys/bus/pci/devices/*/virtio*/block/*/serial; do
		[ -r "$s" ] && [ "$(cat "$s")" = "$1" ] && echo "$s" | cut -d/ -f6
	done
}
block_of() { basename "$(dirname /sys/bus/pci/devices/"$1"/virtio*/block/*/serial)"; }
# poll SECS TIMEOUT CMD...: CMD every SECS seconds, not every 0.1 s as
# wait_until does: the polls must not disturb what is being measured.
poll() {
	_every=$1 _left=$2
	shift 2
	while [ "$_left" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep "$_every"
		_left=$((_left - _every))
	done
	return 1
}
ran_ok() { grep -q "^PAPERBENCH env=$1 test=end status=ok" "$2"; }

e2e_section "setup"
check "modprobe pci-stub" modprobe pci-stub
ROOT=$(disk_with_serial disk-root)
BENCH=$(disk_with_serial disk-bench0)
check "node1's root disk is attached (serial disk-root: $ROOT)" test -n "$ROOT"
check "node0's benchmark disk is attached (serial disk-bench0: $BENCH)" test -n "$BENCH"
mkdir -p /bench
check "node0 mounts its benchmark disk (/dev/$(block_of "$BENCH"))" mount -t ext4 "/dev/$(block_of "$BENCH")" /bench
mintd >/tmp/mintd.log 2>&1 &
MINTD_PID=$!
check "mintd socket appears" wait_for_socket "$SOCK" 30

e2e_section "node0 boots node1 from its root file system disk"
T0=$(now)
check "mintctl boot node1 --cores 2,3 --mem 1G --dev $ROOT --append root=/dev/vda" \
	mintctl boot node1 --cores 2,3 --mem 1G --dev "$ROOT" --kernel /boot/bzImage \
	--append "root=/dev/vda rw rootwait" --timeout 600
echo "E2E TIME: node1 kernel running after $(since "$T0") s"
libvirtd_up() { mintctl -n node1 vm list >/dev/null 2>&1; }
check "node1's libvirtd answers (mintctl -n node1 vm list)" poll 2 600 libvirtd_up

for pass in $PASSES; do
	# Reads FIRST.. of the disk test: 320 a run, 16384 blocks in each file.
	first=$(((pass - 1) * 1024))

	e2e_section "pass $pass: natively in node0 (CPU 1)"
	paperbench -e "node0-p$pass" -c 1 -k "$first" -f /bench/data | tee /tmp/node0.txt
	check "pass $pass: node0's native run succeeded" ran_ok "node0-p$pass" /tmp/node0.txt

	e2e_section "pass $pass: natively in node1 (its CPU 1)"
	T1=$(now)
	# Unreachable until node1's systemd has settled and its unit listens.
	check "pass $pass: node0 asks node1 for a run (mint-chan send 1 9)" \
		poll 2 600 mint-chan -t 1000 send 1 9 "run node1-p$pass $first"
	echo "E2E TIME: pass $pass: node1 took the request $(since "$T0") s after its boot began"
	node1_done() { mintctl log node1 | grep -q "PAPERBENCH-NODE1 DONE env=node1-p$pass"; }
	check "pass $pass: node1 finished its native run (mintctl log node1)" poll 3 600 node1_done
	check_output "pass $pass: node1's native run succeeded" "DONE env=node1-p$pass status=0" mintctl log node1
	echo "E2E TIME: pass $pass: node1's native run took $(since "$T1") s"

	e2e_section "pass $pass: a KVM guest on node0 (plain QEMU -accel kvm, vCPU on CPU 1)"
	check "modprobe kvm_amd or kvm_intel" sh -c 'modprobe kvm_amd 2>/dev/null || modprobe kvm_intel'
	T1=$(now)
	: >/tmp/pb0.log
	# As mintd does it in node1: QEMU's threads on all the node's CPUs, the
	# vCPU thread on one of them.
	taskset -c 0-1 qemu-system-x86_64 -accel kvm -M pc -m "$GUEST_MEM" -smp 1 -nodefaults \
		-display none -no-reboot -name pb0,debug-threads=on -kernel /guest/bzImage \
		-initrd /guest/paperbench.cpio.gz \
		-append "console=ttyS0 quiet paperbench.env=guest-node0-p$pass paperbench.k=$first" \
		-drive file=/bench/guest-disk.img,if=virtio,format=raw -serial file:/tmp/pb0.log \
		</dev/null >/tmp/qemu0.log 2>&1 &
	QEMU0=$!
	vcpu_tid() { grep -l "^CPU 0/KVM" /proc/"$QEMU0"/task/*/comm 2>/dev/null | cut -d/ -f5 | head -n1; }
	have_vcpu() { [ -n "$(vcpu_tid)" ]; }
	check "pass $pass: QEMU in node0 starts its vCPU thread" wait_until 120 have_vcpu
	check "pass $pass: its vCPU thread goes to CPU 1" taskset -p -c 1 "$(vcpu_tid)"
	# Its console, not kill -0: check runs the test in a subshell, for which
	# QEMU, a child of this shell, would stay a zombie.
	pb0_done() { grep -q "PAPERBENCH-GUEST DONE" /tmp/pb0.log; }
	check "pass $pass: the guest on node0 runs paperbench (PAPERBENCH-GUEST DONE)" poll 2 600 pb0_done
	echo "E2E TIME: pass $pass: guest on node0, launch to its results $(since "$T1") s"
	pb0_done || { echo "the guest on node0 did not finish; the end of its console:"; tail -n 20 /tmp/pb0.log; }
	# It powers off, and QEMU exits (-no-reboot).
	qemu0_gone() { ! kill -0 "$QEMU0" 2>/dev/null; }
	poll 1 30 qemu0_gone || kill "$QEMU0" 2>/dev/null
	wait "$QEMU0" 2>/dev/null
	tr -d '\r' </tmp/pb0.log | grep -a "^PAPERBENCH" | tee /tmp/guest0.txt
	[ -s /tmp/qemu0.log ] && cat /tmp/qemu0.log
	check "pass $pass: the guest on node0's run succeeded" ran_ok "guest-node0-p$pass" /tmp/guest0.txt
	# No VM is left; KVM goes until the next pass.
	rmmod kvm_amd kvm_intel 2>/dev/null
	rmmod kvm 2>/dev/null

	e2e_section "pass $pass: a KVM guest on node1 (mintctl -n node1 vm start)"
	T2=$(now)
	name=pb1p$pass
	check "pass $pass: mintctl -n node1 vm start $name --vcpus 1 --mem $GUEST_MEM --disk .../guest-disk.img" \
		mintctl -n node1 vm start "$name" --vcpus 1 --mem "$GUEST_MEM" \
		--kernel /usr/share/mint/guest/bzImage --initrd /usr/lib/mint/paperbench/guest.cpio.gz \
		--disk /var/lib/mint-bench/guest-disk.img \
		--append "quiet paperbench.env=guest-node1-p$pass paperbench.k=$first"
	printf '%s\n' "$E2E_OUT"
	mintctl -n node1 status --json | jq -c '.guests' | sed 's/^/E2E INFO: node1 guests: /'
	pb1_done() { mintctl -n node1 vm console "$name" 2>/dev/null | grep -q "PAPERBENCH-GUEST DONE"; }
	check "pass $pass: the guest on node1 runs paperbench (PAPERBENCH-GUEST DONE)" poll 10 600 pb1_done
	echo "E2E TIME: pass $pass: guest on node1, vm start to its results $(since "$T2") s"
	pb1_done || mintctl -n node1 vm console "$name"
	mintctl -n node1 vm console "$name" 2>/dev/null | tr -d '\r' | grep -a "^PAPERBENCH" |
		sed 's/ *$//' | tee /tmp/guest1.txt
	check "pass $pass: the guest on node1's run succeeded" ran_ok "guest-node1-p$pass" /tmp/guest1.txt
	guest_gone() { mintctl -n node1 status --json | jq -e '.guests == []' >/dev/null; }
	poll 2 30 guest_gone || mintctl -n node1 vm stop "$name" --force
done

stop_mintd "$MINTD_PID" /tmp/mintd.log
exit 0
