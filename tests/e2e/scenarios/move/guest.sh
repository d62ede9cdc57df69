#!/bin/sh
# shellcheck shell=dash
# shellcheck disable=SC2317
# move (node0's side): node0 boots node1 on CPU 2 and 512M; CPU 3 and 256M
# move to node1 and back, checked in both nodes; node1 moves a CPU from
# node0 to itself and back; a disk with an ext4 file system and a file moves
# to node1 (unmounted here, mounted there), node1 checks it and writes a
# second file, and it comes back; bad moves change nothing; node1 panics in
# the middle of a memory move and node0 gets everything back.
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
vdb_present() { test -b /dev/vdb; }
# node1's view, from its own mintd.
n1() { mintctl -n node1 status --json | jq -e "$1" >/dev/null; }
n1_val() { mintctl -n node1 status --json | jq -r "$1"; }
n0_val() { mintctl status --json | jq -r "$1"; }
node1_up() { mintctl -n node1 status >/dev/null 2>&1; }
# Ask node1 (channel port 7) and wait for its answer on port 8.
ask_node1() { # MESSAGE SECONDS: prints node1's answer
	mint-chan -t 100 listen -n 1 8 >/tmp/answer 2>&1 &
	_l=$!
	sleep 0.3
	mint-chan send 1 7 "$1" >/dev/null
	_t=0
	while kill -0 "$_l" 2>/dev/null && [ "$_t" -lt $(($2 * 10)) ]; do
		sleep 0.1
		_t=$((_t + 1))
	done
	kill "$_l" 2>/dev/null
	sed -n 's/^from node1 port [0-9]*: //p' /tmp/answer
}
rng_bdf() {
	for d in /sys/bus/pci/devices/*; do
		case "$(cat "$d/device")" in 0x1005 | 0x1044) echo "${d##*/}" ;; esac
	done
}
online_bytes1() { n1_val '.memory.online_bytes'; }

e2e_section "setup"
check "pci-stub is there" have_pci_stub
check "two disks" wait_until 10 vdb_present
echo 0 >/tmp/work.count
(n=0; while :; do n=$((n + 1)); echo $n >/tmp/work.new && mv /tmp/work.new /tmp/work.count; sleep 0.1; done) &
WORK_PID=$!
mintd >/tmp/mintd.log 2>&1 &
MINTD_PID=$!
check "mintd socket appears" wait_for_socket "$SOCK" 30
MEM_ALL=$(memtotal_kib)
check "mintctl boot node1 --cores 2 --mem 512M" \
	mintctl boot node1 --cores 2 --mem 512M --kernel /boot/bzImage \
	--initrd /boot/node1.cpio.gz --timeout 600
check "node1's mintd answers" wait_until 120 node1_up
MEM0=$(memtotal_kib)
M1=$(online_bytes1)
check "node1 starts with 1 CPU" n1 '[.cpus[] | select(.online)] | length == 1'

e2e_section "CPU 3 to node1 and back"
check "mintctl cpu move 3 --to node1" mintctl cpu move 3 --to node1
printf '%s\n' "$E2E_OUT"
check_eq "CPU 3 offline in node0" 0 "$(cat $CPU/cpu3/online)"
check "node0's status: CPU 3 belongs to node1" status_is '.cpus[] | select(.id == 3) | .owner == "node1"'
check "node1 has 2 CPUs online (its own view)" n1 '[.cpus[] | select(.online)] | length == 2'
N1CPU=$(n1_val '[.cpus[] | select(.online and .id != 0) | .id][0]')
check "node1's new CPU is APIC ID 3" n1 ".cpus[] | select(.id == $N1CPU) | .apic_id == 3"
check "back: mintctl -n node1 cpu move $N1CPU --to node0" mintctl -n node1 cpu move "$N1CPU" --to node0
check_eq "CPU 3 online in node0 again" 1 "$(cat $CPU/cpu3/online)"
check "node1 has 1 CPU online again" n1 '[.cpus[] | select(.online)] | length == 1'
check "node0's status: CPU 3 is node0's" status_is '.cpus[] | select(.id == 3) | .owner == "node0" and .online'

e2e_section "256M to node1 and back"
check "mintctl mem move 256M --to node1" mintctl mem move 256M --to node1
printf '%s\n' "$E2E_OUT"
check_near "node0's MemTotal fell by 256M" $((MEM0 - 256 * MIB)) "$(memtotal_kib)" $((4 * MIB))
check_eq "node1's online memory grew by 256M (its own view)" $((M1 + 268435456)) "$(online_bytes1)"
check "the 2 blocks it got are movable in node1" n1 '[.memory.blocks[] | select(.online and .movable)] | length >= 2'
check "back: mintctl -n node1 mem move 256M --to node0" mintctl -n node1 mem move 256M --to node0
printf '%s\n' "$E2E_OUT"
check_near "node0's MemTotal is back" "$MEM0" "$(memtotal_kib)" $((4 * MIB))
check_eq "node1's online memory is back" "$M1" "$(online_bytes1)"

e2e_section "node1 moves a CPU of node0 to itself, and back"
check_eq "node1 answers after its checks" "checks-done" "$(ask_node1 checks 120)"
check_eq "CPU 1 online in node0 again" 1 "$(cat $CPU/cpu1/online)"
check "node0's status: CPU 1 is node0's" status_is '.cpus[] | select(.id == 1) | .owner == "node0"'

e2e_section "disk migration with data"
check "mkfs.ext4 /dev/vdb" /usr/sbin/mke2fs -q -t ext4 -F /dev/vdb
mkdir -p /mnt
check "mount /dev/vdb /mnt" mount -t ext4 /dev/vdb /mnt
check "write a file" dd if=/dev/urandom of=/mnt/file1 bs=64k count=16
SUM=$(sha256sum /mnt/file1 | cut -d' ' -f1)
check_fails_output "a mounted disk does not move without --unmount" "--unmount" \
	mintctl disk move vdb --to node1
check "it is still mounted" grep -q " /mnt " /proc/mounts
check "mintctl disk move vdb --to node1 --unmount --mount /mnt" \
	mintctl disk move vdb --to node1 --unmount --mount /mnt
printf '%s\n' "$E2E_OUT"
check_fails "/mnt is no longer mounted in node0" grep -q " /mnt " /proc/mounts
check_fails "/dev/vdb is gone from node0" test -b /dev/vdb
check "node1 lists the disk's controller" n1 '.devices | length == 1'
check_eq "node1 reads the same file (sha256)" "sum $SUM" "$(ask_node1 disk 30)"
DISK_IN_1=$(mintctl -n node1 status --json | jq -r '.devices[0].address')
check "back: mintctl -n node1 disk move $DISK_IN_1 --to node0 --unmount --mount /mnt" \
	mintctl -n node1 disk move "$DISK_IN_1" --to node0 --unmount --mount /mnt
printf '%s\n' "$E2E_OUT"
check "node0 has the disk mounted on /mnt again" grep -q " /mnt " /proc/mounts
check_eq "file1 is intact" "$SUM" "$(sha256sum /mnt/file1 | cut -d' ' -f1)"
check_eq "file2 from node1 is there" "written by node1" "$(cat /mnt/file2)"

e2e_section "bad moves change nothing"
snap() { mintctl status --json | jq -c '[.cpus[] | {id, owner, online}], .memory.online_bytes, [.devices[] | {address, owner}]'; }
SNAP=$(snap)
SNAP1=$(mintctl -n node1 status --json | jq -c '[.cpus[] | {id, owner, online}], .memory.online_bytes')
RNG=$(rng_bdf)
check_fails_output "CPU 0" "CPU 0" mintctl cpu move 0 --to node1
check_fails_output "a CPU node0 does not own" "belongs to node1" mintctl cpu move 2 --to node1
check_fails_output "a node that does not exist" "node5 does not exist" mintctl cpu move 3 --to node5
check_fails_output "to this node" "node0 is this node" mintctl cpu move 3 --to node0
check_exit_output "a bad node name is bad usage" 2 "node" mintctl cpu move 3 --to nodeX
check_exit_output "no --to is bad usage" 2 "--to" mintctl cpu move 3
check_fails_output "more memory than is movable" "can be released" mintctl mem move 1536M --to node1
check_fails_output "a mounted disk without --unmount" "--unmount" mintctl disk move vdb --to node1
check_fails_output "a device without MSI/MSI-X ($RNG)" "MSI" mintctl dev move "$RNG" --to node1
check_fails_output "a disk that does not exist" "does not exist" mintctl disk move vdq --to node1
check_eq "nothing changed in node0" "$SNAP" "$(snap)"
check_eq "nothing changed in node1" "$SNAP1" \
	"$(mintctl -n node1 status --json | jq -c '[.cpus[] | {id, owner, online}], .memory.online_bytes')"
check "unmount /mnt" umount /mnt

e2e_section "node1 dies in the middle of a memory move"
(mintctl mem move 256M --to node1 >/tmp/mv.out 2>&1; echo $? >/tmp/mv.rc) &
sleep 0.5
check "node0 tells node1 to panic" mint-chan send 1 7 panic
move_done() { test -s /tmp/mv.rc; }
check "the move ends" wait_until 120 move_done
echo "move exit status $(cat /tmp/mv.rc): $(tail -n 3 /tmp/mv.out)"
node1_failed() { status_is '.nodes[] | select(.name == "node1") | .state == "failed"'; }
check "node1 is failed" wait_until 10 node1_failed
check "no memory block is node0's and node1's at once (node0 owns the online ones)" \
	status_is '[.memory.blocks[]? | select(.online and .owner != "node0")] | length == 0'
check "mintctl kill node1" mintctl kill node1
printf '%s\n' "$E2E_OUT"
check_near "node0 has all its memory back, node1's too" "$MEM_ALL" "$(memtotal_kib)" $((8 * MIB))
check_eq "CPU 2 online in node0 again" 1 "$(cat $CPU/cpu2/online)"
check_fails_output "a node that is not running" "node1 is not running" mintctl cpu move 3 --to node1
check "node0's workload kept running" counter_advances

kill "$WORK_PID" 2>/dev/null
stop_mintd "$MINTD_PID" /tmp/mintd.log
exit 0
