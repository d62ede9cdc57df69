#!/bin/sh
# shellcheck shell=dash
# shellcheck disable=SC2317
# boot-node: node0 boots node1 on CPUs 2,3, 512M and the second disk through
# mintctl, keeps working meanwhile, and refuses bad boot requests cleanly.
# node1 checks itself on COM2 (node1-init.sh, collected by host-check.sh).
# shellcheck source=SCRIPTDIR/../../guest-lib.sh
. "${E2E_LIB:-/e2e/guest-lib.sh}"

SOCK=/run/mint/mintd.sock
CPU=/sys/devices/system/cpu
MIB=1024

vdb_absent() { ! test -e /dev/vdb; }
mintd_alive() { kill -0 "$MINTD_PID" 2>/dev/null; }
counter() { cat /tmp/work.count; }
counter_advances() {
	a=$(counter)
	sleep 2
	[ "$(counter)" -gt "$a" ]
}
snapshot() {
	SNAP_CPUS=$(online_cpu_list)
	SNAP_MEM=$(memtotal_kib)
	SNAP_VDB=$(test -b /dev/vdb && echo yes || echo no)
}
check_unchanged() {
	_vdb=$(test -b /dev/vdb && echo yes || echo no)
	_dm=$(($(memtotal_kib) - SNAP_MEM))
	if [ "$(online_cpu_list)" = "$SNAP_CPUS" ] && [ "$_vdb" = "$SNAP_VDB" ] &&
		[ "$_dm" -le 4096 ] && [ "$_dm" -ge -4096 ]; then
		e2e_pass "$1"
	else
		e2e_fail "$1" "before: cpus $SNAP_CPUS, MemTotal $SNAP_MEM, vdb $SNAP_VDB; after: cpus $(online_cpu_list), MemTotal $(memtotal_kib), vdb $_vdb"
	fi
}
refused() { # DESC SUBSTRING CMD...
	_rd=$1
	shift
	snapshot
	check_fails_output "$_rd" "$@"
	check_unchanged "$_rd: nothing changed"
}

e2e_section "setup"
check "/dev/mint exists (Mint kernel)" test -c /dev/mint
check "pci-stub is there" have_pci_stub
wait_until 10 test -b /dev/vdb
set -- $(disk_bdfs)
DISK0=${1:-}
DISK1=${2:-}
check "two virtio disks found ($DISK0, $DISK1)" test -n "$DISK1"
check_eq "second disk readable in node0 before the boot" "MINT-DISK-1" "$(read_head /dev/vdb 11)"

# A workload that must keep running while node1 boots.
echo 0 >/tmp/work.count
# The counter file is replaced by rename, so a reader never sees it half written.
(n=0; while :; do n=$((n + 1)); echo $n >/tmp/work.new && mv /tmp/work.new /tmp/work.count; sleep 0.1; done) &
WORK_PID=$!

mintd >/tmp/mintd.log 2>&1 &
MINTD_PID=$!
check "mintd socket appears" wait_for_socket "$SOCK" 30

e2e_section "resource table on node0"
# Single-node release/reclaim also move the table entry, and the kernel
# enforces the table: a released CPU cannot be onlined behind mintd's back.
online_cpu1() { echo 1 >$CPU/cpu1/online; }
check "cpu release 1" mintctl cpu release 1
check "status shows CPU 1 free in the table" status_is '.cpus[] | select(.id == 1) | .owner == "free"'
check_fails_output "the kernel refuses to online a CPU node0 does not own" "not permitted" online_cpu1
check_eq "CPU 1 still offline" 0 "$(cat $CPU/cpu1/online)"
check "cpu reclaim 1" mintctl cpu reclaim 1
check_eq "CPU 1 online again" 1 "$(cat $CPU/cpu1/online)"
MEMA=$(memtotal_kib)
check "mem release 128M" mintctl mem release 128M
check "status shows 128M free in the table" status_is '[.memory.blocks[] | select(.owner == "free" and (.online | not))] | length == 1'
check "mem reclaim 128M" mintctl mem reclaim 128M
check_near "MemTotal back after mem reclaim" "$MEMA" "$(memtotal_kib)" $((4 * MIB))
check "dev release $DISK1" mintctl dev release "$DISK1"
check "status shows $DISK1 free in the table" status_is ".devices[] | select(.address == \"$DISK1\") | .owner == \"free\""
check "dev reclaim $DISK1" mintctl dev reclaim "$DISK1"
check "second disk readable again in node0" wait_until 5 test -b /dev/vdb
check_eq "second disk pattern after reclaim" "MINT-DISK-1" "$(read_head /dev/vdb 11)"

e2e_section "bad requests"
BOOT="mintctl boot node1 --kernel /boot/bzImage --initrd /boot/node1.cpio.gz"
refused "boot on CPU 0 refused" "CPU 0" $BOOT --cores 0,2 --mem 512M
refused "boot on a missing CPU refused" "CPU 9 does not exist" $BOOT --cores 2,9 --mem 512M
refused "boot with unaligned memory refused" "not a multiple of the 128M memory block size" $BOOT --cores 2,3 --mem 100M
refused "boot with too much memory refused" "contiguous releasable memory" $BOOT --cores 2,3 --mem 4G
refused "boot with a missing device refused" "PCI device 0000:00:1f.7 does not exist" $BOOT --cores 2,3 --mem 512M --dev 0000:00:1f.7
refused "boot of a kernel that is not a bzImage refused" "bzImage" mintctl boot node1 --cores 2,3 --mem 512M --kernel /etc/passwd
refused "log of a bad node name is bad usage" "invalid node name" mintctl log nodeX
refused "boot of node0 refused" "node0 is this node" mintctl boot node0 --cores 2,3 --mem 512M --kernel /boot/bzImage
check "mintd still alive" mintd_alive

e2e_section "failed boot"
# mem=16M leaves node1's kernel no memory it can use: it dies early and never
# reports running. mintd must give up after the timeout and take everything back.
snapshot
check_fails_output "a node that never comes up times out" "did not report running within 8 s" \
	$BOOT --cores 2,3 --mem 512M --dev "$DISK1" --timeout 8 --append "mem=16M"
printf '%s\n' "$E2E_OUT"
check_eq "the failed boot was rolled back without errors" "" "$(printf '%s' "$E2E_OUT" | grep -o rollback)"
check_unchanged "after the failed boot everything is back in node0"
check_eq "$DISK1 back with virtio-pci after the failed boot" virtio-pci "$(pci_driver "$DISK1")"
# Marked failed, then stopped from outside (INIT, bus mastering off, scrubbed): halted, reason kept.
check "status shows node1 stopped because it did not come up" \
	status_is '.nodes[] | select(.name == "node1") | (.state == "halted" or .state == "failed") and .reason == "did not come up in time"'

e2e_section "boot"
MEM0=$(memtotal_kib)
check "mintctl boot node1 --cores 2,3 --mem 512M --dev $DISK1" \
	$BOOT --cores 2,3 --mem 512M --dev "$DISK1" --timeout 600
printf '%s\n' "$E2E_OUT"
check_eq "CPU 2 offline in node0" 0 "$(cat $CPU/cpu2/online)"
check_eq "CPU 3 offline in node0" 0 "$(cat $CPU/cpu3/online)"
check_near "node0 MemTotal down by 512M" $((MEM0 - 512 * MIB)) "$(memtotal_kib)" $((4 * MIB))
check "/dev/vdb gone from node0" wait_until 5 vdb_absent
check_eq "$DISK1 held by pci-stub in node0" pci-stub "$(pci_driver "$DISK1")"
check_eq "node0 keeps its own disk" "MINT-DISK-0" "$(read_head /dev/vda 11)"
check "node0's workload kept running" counter_advances
check "status lists node1 running" status_is '.nodes[] | select(.name == "node1") | .state == "running"'
check "status gives node1 APIC IDs 2-3, 512M and the disk" status_is ".nodes[] | select(.name == \"node1\") | .apic_ids == [2, 3] and .memory_bytes == 536870912 and .devices == [\"$DISK1\"]"
check "status shows CPU 2 owned by node1" status_is '.cpus[] | select(.id == 2) | .owner == "node1"'
check_output "status (table) lists node1" "node1" mintctl status
refused "booting node1 again refused" "node1 is already running" mintctl boot node1 --cores 1 --mem 128M --kernel /boot/bzImage
refused "releasing node1's CPU from node0 refused" "CPU 2 belongs to node1" mintctl cpu reclaim 2
check_output "mintctl log node1 shows node1's kernel console" "Run /init as init process" mintctl log node1
mintctl status

# node1 runs its own checks on COM2; give it time before the machine powers off.
sleep 20
check "node0 still responsive after node1's checks" counter_advances
kill "$WORK_PID" 2>/dev/null

e2e_section "mintctl check (Mint kernel, node1 running)"
# check_is JQ-FILTER: the filter holds for `mintctl check --json`.
check_is() { mintctl check --json | jq -e "$1" >/dev/null; }
check_exit_output "mintctl check passes on the Mint kernel" 0 "PASS  Mint kernel" mintctl check
printf '%s\n' "$E2E_OUT"
check "check --json: ok, mint-kernel PASS, node0" check_is '.ok and (.checks[] | select(.name == "mint-kernel") | .verdict == "PASS" and .data.node_id == 0)'
# In this QEMU machine nothing is expected to WARN: 4 UARTs, no IOMMU, movablecore=1G, svm (TCG -cpu max).
check "check --json: every check passes" check_is '[.checks[] | select(.verdict != "PASS") | .name] == []'
check "check --json: xAPIC mode" check_is '.checks[] | select(.name == "apic") | .data.x2apic == false'
check "check --json: node1 holds one of the 3 low-memory slots" check_is '.checks[] | select(.name == "low-memory-slots") | .data.slots == 3 and .data.free == 2'
check "check --json: ttyS1-ttyS3 for nodes" check_is '.checks[] | select(.name == "uarts") | .data.for_nodes == 3'
check "check --json: $DISK0 can be handed over, $DISK1 is node1's" check_is ".checks[] | select(.name == \"pci\") | (.data.can_move | index(\"$DISK0\") != null and index(\"$DISK1\") == null)"

stop_mintd "$MINTD_PID" /tmp/mintd.log
exit 0
