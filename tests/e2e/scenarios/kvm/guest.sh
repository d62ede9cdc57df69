#!/bin/sh
# shellcheck shell=dash
# shellcheck disable=SC2317
# kvm (node0's side): KVM in node0 itself; node0 boots node1 from the root
# file system disk (systemd, mintd, libvirtd); guests inside node1 through
# `mintctl -n node1 vm ...`: start, console, status, pinning to node1's CPUs,
# refusals, CPUs leaving node1, stop; halting node1 shuts its guests down first.
# shellcheck source=SCRIPTDIR/../../guest-lib.sh
. "${E2E_LIB:-/e2e/guest-lib.sh}"

SOCK=/run/mint/mintd.sock
CPU=/sys/devices/system/cpu
GUEST=/usr/share/mint/guest
MIB=1024

# The PCI address of the virtio disk with serial $1.
disk_with_serial() {
	for s in /sys/bus/pci/devices/*/virtio*/block/*/serial; do
		[ -r "$s" ] && [ "$(cat "$s")" = "$1" ] && echo "$s" | cut -d/ -f6
	done
}
now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# remote_is NODE JQ: the filter holds for `mintctl -n NODE status --json`.
remote_is() { mintctl -n "$1" status --json | jq -e "$2" >/dev/null; }
node_is() { mintctl status --json | jq -e ".nodes[] | select(.name == \"$1\") | $2" >/dev/null; }
vm_start() { # NAME VCPUS MEM [more options]
	_n=$1 _v=$2 _m=$3
	shift 3
	mintctl -n node1 vm start "$_n" --vcpus "$_v" --mem "$_m" --kernel "$GUEST/bzImage" \
		--initrd "$GUEST/initrd.cpio.gz" "$@"
}
guest_said() { mintctl -n node1 vm console "$1" 2>/dev/null | grep -q "$2"; }

e2e_section "KVM in node0"
check "modprobe kvm_amd or kvm_intel" sh -c 'modprobe kvm_amd 2>/dev/null || modprobe kvm_intel'
check "/dev/kvm exists in node0" test -c /dev/kvm
check_output "guest code runs under KVM in node0 (mint-kvm-check)" "KVM-CHECK: ok" mint-kvm-check 2000
echo "E2E INFO: node0: $E2E_OUT"
# The same test guest as in node1, with plain QEMU (no libvirt) in node0.
T0=$(now)
qemu-system-x86_64 -accel kvm -M pc -m 128M -smp 1 -nodefaults -display none -no-reboot \
	-kernel /guest/bzImage -initrd /guest/initrd.cpio.gz -append "console=ttyS0 mint.guest=g0" \
	-serial file:/tmp/g0.log </dev/null >/tmp/qemu0.log 2>&1 &
QEMU0=$!
g0_up() { grep -q MINT-GUEST-UP /tmp/g0.log 2>/dev/null; }
check "the test guest boots under KVM in node0 (plain QEMU -accel kvm)" wait_until 300 g0_up
echo "E2E TIME: guest marker in node0 (plain QEMU) after $(since "$T0") s"
grep -a MINT-GUEST-UP /tmp/g0.log
[ -s /tmp/qemu0.log ] && cat /tmp/qemu0.log
kill "$QEMU0" 2>/dev/null
wait "$QEMU0" 2>/dev/null
# KVM leaves SVM/VMX on only while a VM exists; unload it anyway before CPUs
# go to node1 (a CPU in VMX root mode ignores the INIT that starts it).
rmmod kvm_amd kvm_intel 2>/dev/null
rmmod kvm 2>/dev/null

e2e_section "setup"
check "modprobe pci-stub" modprobe pci-stub
ROOT=$(disk_with_serial disk-root)
check "the root file system disk is attached (serial disk-root: $ROOT)" test -n "$ROOT"
mintd >/tmp/mintd.log 2>&1 &
MINTD_PID=$!
check "mintd socket appears" wait_for_socket "$SOCK" 30
MEM0=$(memtotal_kib)

e2e_section "node0 boots node1 from its root file system disk"
T0=$(now)
check "mintctl boot node1 --cores 2,3 --mem 1G --dev $ROOT --append root=/dev/vda" \
	mintctl boot node1 --cores 2,3 --mem 1G --dev "$ROOT" --kernel /boot/bzImage \
	--append "root=/dev/vda rw rootwait" --timeout 600
echo "E2E TIME: node1 kernel running after $(since "$T0") s"
node1_mintd() { mintctl -n node1 status >/dev/null 2>&1; }
check "node1's mintd answers (systemd started it from the root disk)" wait_until 900 node1_mintd
echo "E2E TIME: node1's mintd (systemd) answers after $(since "$T0") s"
libvirtd_up() { mintctl -n node1 vm list >/dev/null 2>&1; }
check "node1's libvirtd answers (mintctl -n node1 vm list)" wait_until 600 libvirtd_up
echo "E2E TIME: node1's libvirtd answers after $(since "$T0") s"
check "node1: 2 CPUs, about 1G, only the root disk" \
	remote_is node1 '([.cpus[] | select(.online)] | length) == 2 and .memory.online_bytes > 900000000 and (.devices | length) == 1'
check "node1 lists its guests: none yet" remote_is node1 '.guests == []'

e2e_section "a guest inside node1"
T1=$(now)
check "mintctl -n node1 vm start g1 --vcpus 1 --mem 128M --kernel ... --initrd ..." \
	vm_start g1 1 128M --append "mint.guest=g1"
printf '%s\n' "$E2E_OUT"
echo "E2E TIME: vm start g1 in node1 returned after $(since "$T1") s"
check "g1 prints its marker on its console (mintctl -n node1 vm console g1)" wait_until 600 guest_said g1 MINT-GUEST-UP
echo "E2E TIME: g1's marker after $(since "$T1") s"
check_output "vm console g1 shows the guest's own line" "MINT-GUEST-UP" mintctl -n node1 vm console g1
printf '%s\n' "$E2E_OUT" | grep MINT-GUEST-UP
# The guest's timer (node1's hrtimers behind its emulated LAPIC timer) ticks.
check "g1's timer runs (MINT-GUEST-TICK 2 on its console)" wait_until 120 guest_said g1 "MINT-GUEST-TICK 2"
check "mintctl -n node1 status lists g1 with 1 vCPU and 128M" \
	remote_is node1 '(.guests | map(.name)) == ["g1"] and .guests[0].vcpus == 1 and .guests[0].memory_bytes == 134217728'
check "g1's vCPU is pinned to one CPU of node1 (0 or 1)" \
	remote_is node1 '.guests[0].vcpu_pins == ["0"] or .guests[0].vcpu_pins == ["1"]'
check "QEMU's emulator threads are pinned to node1's CPUs (0-1)" remote_is node1 '.guests[0].emulator_pin == "0-1"'
check_output "mintctl -n node1 vm list shows g1" "g1" mintctl -n node1 vm list
check_output "mintctl -n node1 status has a guest section" "Guests:" mintctl -n node1 status

e2e_section "requests node1 cannot give"
check_fails_output "3 vCPUs on node1's 2 CPUs are refused" "asks for 3 vCPUs but node1 has 2 CPUs" \
	vm_start g2 3 64M
check_fails_output "4G on node1's 1G is refused" "can give a guest at most" vm_start g2 1 4G
check_fails_output "a second g1 is refused" "guest g1 is already running on node1" vm_start g1 1 64M
check_fails_output "a kernel node1 does not have is refused" "/nonexistent" \
	mintctl -n node1 vm start g2 --mem 64M --kernel /nonexistent
check_fails_output "a bad guest name is refused" "only letters" vm_start 'g;2' 1 64M
check_exit "vm start without --mem is bad usage (exit 2)" 2 mintctl -n node1 vm start g2 --kernel /x
check "nothing else started" remote_is node1 '(.guests | map(.name)) == ["g1"]'

e2e_section "CPUs leaving node1"
check "node1 releases CPU 1: g1 moves to CPU 0 first" mintctl -n node1 cpu release 1
check "g1's vCPU and QEMU's threads are on CPU 0" \
	remote_is node1 '.guests[0].vcpu_pins == ["0"] and .guests[0].emulator_pin == "0"'
check "node1 takes CPU 1 back" mintctl -n node1 cpu reclaim 1
check "g2 with 2 vCPUs starts (one per CPU of node1)" vm_start g2 2 64M
check "g2's vCPUs are on CPUs 1 and 0 (the least loaded first)" \
	remote_is node1 '.guests[] | select(.name == "g2") | .vcpu_pins == ["1", "0"]'
# g2 starting its second vCPU needs KVM to kick a vCPU thread on node1's other
# CPU (an IPI inside node1).
check "g2 boots on both of its vCPUs (2 vCPU(s) on its console)" wait_until 600 guest_said g2 "2 vCPU(s)"
check_fails_output "node1 refuses to release CPU 1 while g2 needs 2 CPUs" \
	"guest g2 has 2 vCPUs and node1 would keep 1 CPU" mintctl -n node1 cpu release 1
check "CPU 1 is still node1's and online" remote_is node1 '.cpus[] | select(.id == 1) | .online and .owner == "node1"'
check_output "vm stop g2 --force" "stopped by force" mintctl -n node1 vm stop g2 --force

e2e_section "vm stop"
check_output "vm stop g1 --timeout 3 (it ignores the power button: stopped by force)" "stopped by force after 3 s" \
	mintctl -n node1 vm stop g1 --timeout 3
check "node1 has no guests" remote_is node1 '.guests == []'
check_fails_output "stopping g1 again: no such guest" "no guest g1 runs on this node" mintctl -n node1 vm stop g1
check_output "g1's console log stays" "MINT-GUEST-UP" mintctl -n node1 vm console g1

e2e_section "halting node1 shuts its guests down first"
check "g1 starts again" vm_start g1 1 128M
check "g1 runs" wait_until 600 guest_said g1 MINT-GUEST-UP
T2=$(now)
check "mintctl halt node1 --timeout 300" mintctl halt node1 --timeout 300
printf '%s\n' "$E2E_OUT"
echo "E2E TIME: halt node1 (guests first, then systemd's power-off) took $(since "$T2") s"
check "node1 is halted" node_is node1 '.state == "halted"'
check_eq "CPU 2 online in node0 again" 1 "$(cat $CPU/cpu2/online)"
check_eq "CPU 3 online in node0 again" 1 "$(cat $CPU/cpu3/online)"
check_near "node0 MemTotal back" "$MEM0" "$(memtotal_kib)" $((8 * MIB))
check "the root disk is node0's again" sh -c "mintctl status --json | jq -e '.devices[] | select(.address == \"$ROOT\") | .owner == \"node0\"' >/dev/null"

stop_mintd "$MINTD_PID" /tmp/mintd.log
exit 0
