#!/bin/sh
# shellcheck shell=dash
# shellcheck disable=SC2317
# peers (node0's side): node0 boots node1 (CPUs 2,3, 768M, a disk); node1 boots
# node2 from one of its CPUs and 256M; every node reaches the others' mintd;
# node0 reboots node2 with a new command line and halts it (its resources go
# back to node1); node1 panics and node0 sees it failed, kills it and gets
# the CPUs, memory and disk back. node0's workload never stops.
# shellcheck source=SCRIPTDIR/../../guest-lib.sh
. "${E2E_LIB:-/e2e/guest-lib.sh}"

SOCK=/run/mint/mintd.sock
CPU=/sys/devices/system/cpu
MIB=1024

counter() { cat /tmp/work.count; }
counter_advances() {
	a=$(counter)
	sleep 2
	[ "$(counter)" -gt "$a" ]
}
# node_is NODE JQ: the filter holds for NODE's entry in this node's status.
node_is() { mintctl status --json | jq -e ".nodes[] | select(.name == \"$1\") | $2" >/dev/null; }
# remote_is NODE JQ: the filter holds for `mintctl -n NODE status --json`.
remote_is() { mintctl -n "$1" status --json | jq -e "$2" >/dev/null; }
vdb_present() { test -b /dev/vdb; }
failed_within() { # NODE SECONDS: state failed seen within SECONDS
	_t=0
	while [ "$_t" -lt $(($2 * 10)) ]; do
		node_is "$1" '.state == "failed"' && return 0
		sleep 0.1
		_t=$((_t + 1))
	done
	return 1
}

e2e_section "setup"
check "pci-stub is there" have_pci_stub
wait_until 10 vdb_present
set -- $(disk_bdfs)
DISK1=${2:-}
check "two virtio disks found (second: $DISK1)" test -n "$DISK1"
echo 0 >/tmp/work.count
(n=0; while :; do n=$((n + 1)); echo $n >/tmp/work.new && mv /tmp/work.new /tmp/work.count; sleep 0.1; done) &
WORK_PID=$!
mintd >/tmp/mintd.log 2>&1 &
MINTD_PID=$!
check "mintd socket appears" wait_for_socket "$SOCK" 30
MEM0=$(memtotal_kib)

e2e_section "node0 boots node1"
check "mintctl boot node1 --cores 2,3 --mem 768M --dev $DISK1" \
	mintctl boot node1 --cores 2,3 --mem 768M --dev "$DISK1" --kernel /boot/bzImage \
	--initrd /boot/node1.cpio.gz --append "movablecore=512M" --timeout 600
remote_up() { mintctl -n node1 status >/dev/null 2>&1; }
check "node1's mintd answers (mintctl -n node1 status)" wait_until 120 remote_up
check "mintctl -n node1 status shows node1's own view (2 CPUs, about 768M)" \
	remote_is node1 '.node.name == "node1" and ([.cpus[] | select(.online)] | length) == 2 and .memory.online_bytes > 600000000'
check "mintctl -n node1 --json status is the same reply shape as a local one" \
	remote_is node1 'has("cpus") and has("memory") and has("devices") and has("nodes")'
check "node1's view lists its disk $DISK1" remote_is node1 ".devices | map(.address) == [\"$DISK1\"]"
check_exit "mintctl -n node1 with an unknown command is still bad usage (exit 2)" 2 mintctl -n node1 stauts

e2e_section "node1 boots node2 from its own resources"
# node1's logical CPU 1 is APIC ID 3; paths are node1's.
check "mintctl -n node1 boot node2 --cores 1 --mem 256M" \
	mintctl -n node1 boot node2 --cores 1 --mem 256M --kernel /boot/bzImage \
	--initrd /boot/node2.cpio.gz --timeout 600
printf '%s\n' "$E2E_OUT"
node2_up() { mintctl -n node2 status >/dev/null 2>&1; }
check "node2's mintd answers (mintctl -n node2 status)" wait_until 120 node2_up
check "node0 lists node0, node1 and node2 running" \
	sh -c 'mintctl status --json | jq -e "[.nodes[] | select(.state == \"running\") | .name] == [\"node0\", \"node1\", \"node2\"]" >/dev/null'
check "node2's parent is node1, on APIC ID 3 with 256M" \
	node_is node2 '.parent == "node1" and .apic_ids == [3] and .memory_bytes == 268435456'
check "node1 lists node2 running" remote_is node1 '.nodes[] | select(.name == "node2") | .state == "running"'
check "node2 lists node0 and node1" remote_is node2 '[.nodes[].name] | contains(["node0", "node1"])'
check "node1 gave CPU 1 to node2" remote_is node1 '.cpus[] | select(.id == 1) | .owner == "node2"'

e2e_section "reboot node2 from node0"
EPOCH=$(mintctl status --json | jq '.nodes[] | select(.name == "node2") | .epoch')
check "mintctl reboot node2 --append mint.reboot=2 (from node0; node1 booted it)" \
	mintctl reboot node2 --append "mint.reboot=2" --timeout 600
printf '%s\n' "$E2E_OUT"
check "node2's mintd answers again" wait_until 120 node2_up
check "node2 runs again, a new epoch, the same resources" \
	node_is node2 ".state == \"running\" and .epoch > $EPOCH and .apic_ids == [3] and .memory_bytes == 268435456"
check "node1 kept running through node2's reboot" node_is node1 '.state == "running"'

e2e_section "halt node2: its resources go back to node1"
check "mintctl halt node2" mintctl halt node2
printf '%s\n' "$E2E_OUT"
check "node2 is halted" node_is node2 '.state == "halted"'
check "node1 has CPU 1 online again" remote_is node1 '.cpus[] | select(.id == 1) | .online and .owner == "node1"'
check "node1 has its 768M online again" remote_is node1 '.memory.online_bytes > 700000000'

e2e_section "bad requests change nothing"
snap() { mintctl status --json | jq -c '[.nodes[] | {name, state, apic_ids, memory_bytes, devices}]'; }
SNAP=$(snap)
check_fails_output "halt of node0 from itself is refused" "node0 is this node" mintctl halt node0
check_fails_output "kill of node0 from itself is refused" "node0 is this node" mintctl kill node0
check_fails_output "reboot of node0 is refused" "node0" mintctl reboot node0
check_fails_output "halt of a node that does not exist is refused" "node7 does not exist" mintctl halt node7
check_fails_output "kill of a node that does not exist is refused" "node7 does not exist" mintctl kill node7
check_fails_output "-n to a node that is not running is refused" "node2 is not running" mintctl -n node2 status
check_fails_output "-n to a node that was never booted is refused" "node5 is not running" mintctl -n node5 status
check_exit_output "-n with a bad node name is bad usage" 2 "invalid node name" mintctl -n nodeX status
check_eq "nothing changed" "$SNAP" "$(snap)"

e2e_section "node1 panics; node0 sees it and kills it"
check "node0 tells node1 to panic" mint-chan send 1 7 panic
check "node0 shows node1 failed within 3 s" failed_within node1 3
check "the reason is a panic" node_is node1 '.reason == "panic"'
check "node1's console tail shows the panic" node_is node1 '.console | test("Kernel panic")'
check "mintctl kill node1" mintctl kill node1
printf '%s\n' "$E2E_OUT"
check "node1 is halted" node_is node1 '.state == "halted"'
check_eq "CPU 2 online in node0 again" 1 "$(cat $CPU/cpu2/online)"
check_eq "CPU 3 online in node0 again" 1 "$(cat $CPU/cpu3/online)"
check_near "node0 MemTotal back" "$MEM0" "$(memtotal_kib)" $((8 * MIB))
check "/dev/vdb back in node0" wait_until 10 vdb_present
check_eq "the disk works in node0 again" "MINT-DISK-1" "$(read_head /dev/vdb 11)"
check "node0's workload kept running" counter_advances

kill "$WORK_PID" 2>/dev/null
stop_mintd "$MINTD_PID" /tmp/mintd.log
exit 0
