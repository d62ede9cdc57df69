#!/bin/sh
# shellcheck shell=dash
# /init of node1 (hardening): checks from inside the node what a secondary
# may and may not do ("NODE1 PASS:"/"NODE1 FAIL:" lines on its console,
# COM2, collected by host-check.sh), then answers node0's questions over
# the channel: a request on port 9, the answer to node0's port 10.
NODE=NODE1
. /node-lib.sh

# expect DESC SUBSTRING CMD...: CMD fails and says SUBSTRING
expect_refused() {
	_d=$1
	_s=$2
	shift 2
	if _o=$("$@" 2>&1); then
		fail "$_d" "succeeded: $_o"
	elif echo "$_o" | grep -q -E "$_s"; then
		pass "$_d"
	else
		fail "$_d" "$_o"
	fi
}
nmi_count() { # NMIs this kernel took, all CPUs
	awk '/^ *NMI:/ { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; print s + 0 }' /proc/interrupts
}
pci_command() { # the command register of the node's disk, as this kernel reads it
	od -An -tx2 -j4 -N2 "/sys/bus/pci/devices/$BDF/config" | tr -d ' '
}

echo "NODE1 BEGIN: $(uname -r), cmdline: $(cat /proc/cmdline)"
BDF=$(ls /sys/bus/pci/devices | head -n1)

# kexec: a secondary never replaces its kernel (nor loads a crash kernel).
expect_refused "kexec_load is refused in a secondary" EPERM mint-syscall kexec-load
expect_refused "a crash kernel is refused in a secondary" EPERM mint-syscall kexec-load --crash
expect_refused "kexec_file_load is refused (or not built)" "EPERM|ENOSYS" mint-syscall kexec-file-load

# NMIs and machine checks belong to node0.
case " $(cat /proc/cmdline) " in
*" apic_extnmi=none "*) pass "the external NMI line is masked (apic_extnmi=none)" ;;
*) fail "the external NMI line is masked" "no apic_extnmi=none in /proc/cmdline" ;;
esac
ce=/sys/devices/system/machinecheck/machinecheck0/ignore_ce
if [ "$(cat $ce 2>/dev/null)" = 1 ]; then
	pass "corrected machine checks are left to node0 (ignore_ce)"
else
	fail "corrected machine checks are left to node0" "$ce: $(cat $ce 2>&1)"
fi

# PCI: ECAM from node0 (q35), only its own function, also after a rescan.
if dmesg | grep -q "PCI configuration through ECAM"; then
	pass "PCI configuration goes through ECAM, not the 0xcf8/0xcfc ports"
else
	fail "PCI configuration goes through ECAM" "$(dmesg | grep -i -e ecam -e mmconfig -e 'configuration type' | tail -n 2)"
fi
echo 1 >/sys/bus/pci/rescan
n=$(ls /sys/bus/pci/devices | wc -l)
[ "$n" = 1 ] && pass "a rescan finds only node1's own PCI function" ||
	fail "a rescan finds only node1's own PCI function" "$n functions: $(ls /sys/bus/pci/devices)"
for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; sleep 1; done
disk=$(dd if=/dev/vda bs=11 count=1 2>/dev/null)
[ "$disk" = MINT-DISK-1 ] && pass "node1 reads its disk" || fail "node1 reads its disk" "read '$disk'"
echo "NODE1 DONE"

# Answer node0: "disk" (read the disk past the page cache, and the command
# register), "nmi" (NMI count), "reboot" (restart this node: it must park,
# not reset the machine).
while :; do
	req=$(mint-chan listen -n 1 9 2>/dev/null | sed -n 's/^from node0 port [0-9]*: //p')
	case $req in
	disk)
		echo 3 >/proc/sys/vm/drop_caches
		ans="disk $(dd if=/dev/vda bs=11 count=1 2>/dev/null) command=$(pci_command)"
		;;
	nmi) ans="nmi $(nmi_count)" ;;
	reboot)
		mint-chan send 0 10 "rebooting"
		echo "NODE1 REBOOTING"
		mint-syscall reboot restart
		ans="reboot returned: $?"
		;;
	*) ans="unknown request '$req'" ;;
	esac
	mint-chan send 0 10 "$ans" >/dev/null 2>&1
done
