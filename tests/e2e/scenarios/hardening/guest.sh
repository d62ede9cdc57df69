#!/bin/sh
# shellcheck shell=dash
# shellcheck disable=SC2317
# hardening (node0's side): the kernels keep the resource table's promises
# when user space gets things wrong or tries what it must not:
#  - releases racing onlines and driver binds (CPU, memory block, PCI);
#  - a loader that lies: a node refuses boot information that is not its
#    own, MINT_IOC_START refuses segments outside the node's memory;
#  - node0 touching node1's PCI function: configuration writes, reset,
#    remove and rescan; writes to node0's root port above it (q35,
#    DISKS_BEHIND_BRIDGE) that would cut it off or reset it;
#  - kexec and reboot: no crash kernel on node0, none of it while node1 runs;
#  - an external NMI and machine checks: node0's, never node1's;
#  - node1 restarting itself or dying of a machine check parks only node1;
#  - at the end node0 kexecs itself with force: node1 is stopped cleanly
#    first, and the next kernel (second-life.sh) builds a fresh table and
#    brings up all CPUs (host-check.sh reads node1's console, COM2).
# node1's own checks run on COM2 (node1-init.sh).
# shellcheck source=SCRIPTDIR/../../guest-lib.sh
. "${E2E_LIB:-/e2e/guest-lib.sh}"

SOCK=/run/mint/mintd.sock
CPU=/sys/devices/system/cpu
MEMDIR=/sys/devices/system/memory
KERNEL=/boot/bzImage
INITRD=/boot/node1.cpio.gz

node1() { mint-chan node 1; }
node1_is() { node1 | grep -q "state=$1 "; }
node1_reason_is() { node1 | grep -q "reason=$1 "; }
tail1() { mint-log 1 2>/dev/null; }
tail1_has() { tail1 | grep -q -e "$1"; }
dmesg_has() { dmesg | grep -q -e "$1"; }
nmi_count() {
	awk '/^ *NMI:/ { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; print s + 0 }' /proc/interrupts
}
pci_command() { od -An -tx2 -j4 -N2 "/sys/bus/pci/devices/$1/config" | tr -d ' '; }
# cfg_rd BDF OFFSET: one byte of configuration space, two hex digits.
cfg_rd() { od -An -tx1 -j$(($2)) -N1 "/sys/bus/pci/devices/$1/config" | tr -d ' '; }
# cfg_wr BDF OFFSET VALUE: write one byte through sysfs (the kernel's accessor).
cfg_wr() {
	printf "\\$(printf %o $(($3)))" |
		dd of="/sys/bus/pci/devices/$1/config" bs=1 seek=$(($2)) count=1 conv=notrunc 2>/dev/null
}
# pci_cap BDF ID: offset (decimal) of capability ID, walking the list.
pci_cap() {
	_p=$((0x$(cfg_rd "$1" 0x34) & ~3))
	_n=0
	while [ "$_p" -ge 64 ] && [ "$_n" -lt 48 ]; do
		[ $((0x$(cfg_rd "$1" "$_p"))) = $(($2)) ] && echo "$_p" && return 0
		_p=$((0x$(cfg_rd "$1" $((_p + 1))) & ~3))
		_n=$((_n + 1))
	done
	return 1
}
bus_master_on() { [ $((0x$1 & 4)) != 0 ]; }

# ask_node1 REQUEST: node1's answer (node1-init.sh), or "" after 30 s.
ask_node1() {
	rm -f /tmp/answer
	mint-chan listen -n 1 10 >/tmp/answer 2>&1 &
	_l=$!
	wait_until 10 grep -q "listening on port" /tmp/answer
	mint-chan send 1 9 "$1" >/dev/null 2>&1
	wait_until 30 grep -q "^from node1" /tmp/answer
	kill "$_l" 2>/dev/null
	wait "$_l" 2>/dev/null
	sed -n 's/^from node1 port [0-9]*: //p' /tmp/answer
}
node1_disk_ok_quiet() { ask_node1 disk | grep -q "^disk MINT-DISK-1"; }
node1_disk_ok() { # DESC: node1 still reads its disk with bus mastering on
	_a=$(ask_node1 disk)
	case $_a in
	"disk MINT-DISK-1 command="*) bus_master_on "${_a#*command=}" &&
		e2e_pass "$1" || e2e_fail "$1" "bus mastering off: $_a" ;;
	*) e2e_fail "$1" "node1 answered '$_a'" ;;
	esac
}

e2e_section "setup"
check "/dev/mint exists (Mint kernel)" test -c /dev/mint
check "pci-stub is there" have_pci_stub
wait_until 10 test -b /dev/vdb
set -- $(disk_bdfs)
DISK0=${1:-}
DISK1=${2:-}
check "two virtio disks found ($DISK0, $DISK1)" test -n "$DISK1"
check "node0 publishes ECAM for the secondaries (q35)" dmesg_has "PCI ECAM for secondaries at"
BS=$(printf '%d' "0x$(cat $MEMDIR/block_size_bytes)")

e2e_section "kexec on node0"
check_fails_output "node0 refuses to load a crash kernel" EPERM mint-syscall kexec-load --crash
check "and says why" dmesg_has "node0 does not load a crash kernel"
check_output "unloading (no crash kernel) is fine" OK mint-syscall kexec-load

e2e_section "releases race onlines and binds"
# mint-race fails on any moment where the table says FREE (or another node)
# while this kernel still uses the resource.
check "CPU 1: release vs online/offline" mint-race -n 100 cpu 1
printf '%s\n' "$E2E_OUT" | tail -n 3
check_eq "CPU 1 online and node0's afterwards" 1 "$(cat $CPU/cpu1/online)"
# The highest memory block that can really go offline (and comes back).
MOVABLE=
for b in $(ls -d $MEMDIR/memory* | sed 's/.*memory//' | sort -rn); do
	[ "$(cat $MEMDIR/memory$b/state)" = online ] || continue
	echo offline >"$MEMDIR/memory$b/state" 2>/dev/null || continue
	echo online_movable >"$MEMDIR/memory$b/state" && MOVABLE=$b && break
done
check "a movable memory block to race on (memory$MOVABLE)" test -n "$MOVABLE"
check "memory block: release vs online/offline" mint-race -n 25 mem "$MOVABLE"
printf '%s\n' "$E2E_OUT" | tail -n 3
check "PCI function $DISK0: release vs bind/unbind" mint-race -n 60 pci "$DISK0"
printf '%s\n' "$E2E_OUT" | tail -n 3
check_eq "$DISK0 bound to virtio-pci afterwards" virtio-pci "$(pci_driver "$DISK0")"

e2e_section "a loader that lies"
# Hand CPUs 2-3, four contiguous movable memory blocks and the second disk
# over by hand (no mintd yet): offline, unbound, then mint-liar claims them.
echo 0 >$CPU/cpu2/online
echo 0 >$CPU/cpu3/online
FIRST=
for start in $(seq $((MOVABLE - 3)) -1 1); do
	ok=1
	for b in $start $((start + 1)) $((start + 2)) $((start + 3)); do
		echo offline >"$MEMDIR/memory$b/state" 2>/dev/null || { ok=0; break; }
	done
	[ "$ok" = 1 ] && FIRST=$start && break
	for b in $start $((start + 1)) $((start + 2)) $((start + 3)); do
		echo online_movable >"$MEMDIR/memory$b/state" 2>/dev/null
	done
done
check "four contiguous memory blocks offline (from memory$FIRST)" test -n "$FIRST"
BASE=$(printf '%#x' $((FIRST * BS)))
echo "$DISK1" >"/sys/bus/pci/devices/$DISK1/driver/unbind"
echo pci-stub >"/sys/bus/pci/devices/$DISK1/driver_override"
echo "$DISK1" >/sys/bus/pci/drivers_probe
check_eq "$DISK1 held by pci-stub" pci-stub "$(pci_driver "$DISK1")"
LIAR="mint-liar --node 1 --name node1 --cpus 2,3 --mem $BASE:512M --kernel $KERNEL --initrd $INITRD --uart 0x2f8 --pci $DISK1"
CLAIM=
# lie_at_boot KIND WHAT: node1 starts, refuses, says WHAT, is marked
# failed (refused); then stopped from outside with its resources kept.
lie_at_boot() {
	check "lie '$1': node1 is started" $LIAR $CLAIM --lie "$1"
	printf '%s\n' "$E2E_OUT"
	CLAIM=--no-claim
	check "lie '$1': node1 refuses and is marked failed" wait_until 120 node1_is failed
	check "lie '$1': reason 'refused'" node1_reason_is refused
	check "lie '$1': its console tail says why ($2)" tail1_has "refuses its boot information: $2"
	tail1 | sed 's/^/node1-tail| /'
	check "lie '$1': stopped from outside, resources kept" mint-chan kill -k 1
	check "lie '$1': node1 halted" node1_is halted
}
lie_at_boot e820 "e820 entry .* belongs to node0, not to node1"
lie_at_boot cpu "CPU with APIC ID 0 belongs to node0, not to node1"
lie_at_boot bootcpu "its boot CPU is APIC ID 3, but it runs on APIC ID 2"
lie_at_boot pci "PCI function .* belongs to node0, not to node1"

# Another node's id: node1 must not write anything of node2's; it says so on
# its UART only (host-check.sh) and stays "booting" until its parent gives up.
check "lie 'node': node1 is started" $LIAR $CLAIM --lie node
printf '%s\n' "$E2E_OUT"
sleep 15
check "lie 'node': node1 is still booting (it wrote nothing)" node1_is booting
check "lie 'node': node2's entry is untouched" sh -c 'mint-chan node 2 | grep -q "state=unused reason=none"'
check "lie 'node': nothing in node2's console tail" sh -c '! mint-log 2'
check "lie 'node': the parent gives up" mint-chan state 1 booting failed
check "lie 'node': stopped from outside, resources kept" mint-chan kill -k 1

# Lies MINT_IOC_START catches before node1 runs at all.
lie_at_start() { # KIND WHAT
	check_fails_output "lie '$1': MINT_IOC_START refuses" EPERM $LIAR $CLAIM --lie "$1"
	printf '%s\n' "$E2E_OUT"
	check "lie '$1': node0's kernel says why" dmesg_has "not starting node1: its $2 .* is not in its memory"
	check "lie '$1': node1 did not start" sh -c 'mint-chan node 1 | grep -q -e state=halted -e state=loading'
}
lie_at_start initrd initrd
lie_at_start cmdline "command line"
lie_at_start kernel kernel
lie_at_start setup-data setup_data

e2e_section "everything back to node0"
check "node1 stopped from outside, resources freed" mint-chan kill 1
claim0() { mint-kexec --node 0 --claim "$1"; }
for c in cpu:2 cpu:3 pci:$DISK1; do check "node0 claims $c" claim0 "$c"; done
for b in $FIRST $((FIRST + 1)) $((FIRST + 2)) $((FIRST + 3)); do
	check "node0 claims memory$b" claim0 "mem:$(printf '%#x' $((b * BS)))"
	check "node0 onlines memory$b again" sh -c "echo online_movable >$MEMDIR/memory$b/state"
done
check "node0 onlines CPU 2 again" sh -c "echo 1 >$CPU/cpu2/online"
check "node0 onlines CPU 3 again" sh -c "echo 1 >$CPU/cpu3/online"
echo >"/sys/bus/pci/devices/$DISK1/driver_override"
echo "$DISK1" >"/sys/bus/pci/devices/$DISK1/driver/unbind"
echo "$DISK1" >/sys/bus/pci/drivers_probe
check_eq "$DISK1 back with virtio-pci" virtio-pci "$(pci_driver "$DISK1")"
check "node0 reads the second disk again" wait_until 10 test -b /dev/vdb

e2e_section "node1 booted for real"
mintd >/tmp/mintd.log 2>&1 &
MINTD_PID=$!
check "mintd socket appears" wait_for_socket "$SOCK" 30
BOOT="mintctl boot node1 --cores 2,3 --mem 512M --dev $DISK1 --kernel $KERNEL --initrd $INITRD --timeout 600"
check "mintctl boot node1 --cores 2,3 --mem 512M --dev $DISK1" $BOOT
printf '%s\n' "$E2E_OUT"
check "node1 answers over the channel" wait_until 120 node1_disk_ok_quiet
node1_disk_ok "node1 reads its disk, bus mastering on"

e2e_section "node0 keeps its hands off node1's PCI function"
CMD0=$(pci_command "$DISK1")
write_command_zero() { printf '\000\000' | dd of="/sys/bus/pci/devices/$DISK1/config" bs=1 seek=4 count=2 conv=notrunc 2>/dev/null; }
write_command_zero
check "node0's kernel refuses the configuration write" dmesg_has "$DISK1 belongs to another Mint node; configuration write at 0x4 refused"
check_eq "the command register is unchanged" "$CMD0" "$(pci_command "$DISK1")"
node1_disk_ok "after node0's write, node1 still reads its disk with bus mastering on"
if [ -e "/sys/bus/pci/devices/$DISK1/reset" ]; then
	echo 1 >"/sys/bus/pci/devices/$DISK1/reset" 2>/dev/null
	node1_disk_ok "after node0's reset attempt, node1 still reads its disk"
fi

e2e_section "node0's root port above node1's disk"
# The bridge is node0's, the disk behind it node1's: a write to the bridge
# that would cut the disk off or reset it is refused, others pass.
RPDIR=$(dirname "$(readlink -f "/sys/bus/pci/devices/$DISK1")")
RP=${RPDIR##*/}
check "$DISK1 sits behind a bridge of node0's ($RP)" test -e "/sys/bus/pci/devices/$RP/config"
# bridge_write_refused DESC OFFSET VALUE
bridge_write_refused() {
	_old=$(cfg_rd "$RP" "$2")
	cfg_wr "$RP" "$2" "$3"
	check "$1: refused" dmesg_has "bridge $RP leads to $DISK1 of another Mint node; configuration write at $(printf '0x%x' $(($2))) refused"
	check_eq "$1: the register is unchanged" "$_old" "$(cfg_rd "$RP" "$2")"
	node1_disk_ok "$1: node1 still reads its disk"
}
BC=$(cfg_rd "$RP" 0x3e)
bridge_write_refused "secondary bus reset" 0x3e $((0x$BC | 0x40))
bridge_write_refused "memory decoding and bus mastering off" 0x04 $((0x$(cfg_rd "$RP" 0x04) & ~0x06))
bridge_write_refused "new subordinate bus number" 0x1a $((0x$(cfg_rd "$RP" 0x1a) + 1))
bridge_write_refused "moved memory window" 0x21 $((0x$(cfg_rd "$RP" 0x21) ^ 0x10))
EXP=$(pci_cap "$RP" 0x10)
check "$RP has a PCI Express capability (at $EXP)" test -n "$EXP"
bridge_write_refused "link disabled" $((EXP + 0x10)) $((0x$(cfg_rd "$RP" $((EXP + 0x10))) | 0x10))
if [ $((0x$(cfg_rd "$RP" $((EXP + 0x14))) & 0x02)) != 0 ]; then
	# Slot Control bit 10: power controller off.
	bridge_write_refused "slot powered off" $((EXP + 0x19)) $((0x$(cfg_rd "$RP" $((EXP + 0x19))) | 0x04))
fi
if PM=$(pci_cap "$RP" 0x01); then
	bridge_write_refused "D3hot" $((PM + 4)) $((0x$(cfg_rd "$RP" $((PM + 4))) | 0x03))
fi
# Error reporting bits are no threat: SERR# enable toggles and comes back.
cfg_wr "$RP" 0x3e $((0x$BC ^ 0x02))
check_eq "a harmless bridge control write passes" "$(printf '%02x' $((0x$BC ^ 0x02)))" "$(cfg_rd "$RP" 0x3e)"
cfg_wr "$RP" 0x3e $((0x$BC))
check_eq "and is undone" "$BC" "$(cfg_rd "$RP" 0x3e)"
check "the kernel offers a bus reset of $DISK1" sh -c "echo bus >/sys/bus/pci/devices/$DISK1/reset_method"
check_fails "node0's bus reset of $DISK1 fails" sh -c "echo 1 >/sys/bus/pci/devices/$DISK1/reset"
check "the PCI core was told why" dmesg_has "$RP: no bus reset: $DISK1 behind it is not node0's"
node1_disk_ok "after node0's bus reset attempt, node1 still reads its disk"

e2e_section "node0 refuses to go down while node1 runs"
for cmd in restart halt poweroff kexec; do
	check_fails_output "reboot($cmd) refused with EBUSY" EBUSY mint-syscall reboot $cmd
done
check "the kernel names node1" dmesg_has "node0 refuses to .* while node1 (node1) is running"
check "node1 still runs" node1_is running
check "node1's heartbeat still moves" mint-chan heartbeat 1 1000

e2e_section "an external NMI is node0's"
N1=$(ask_node1 nmi)
N0=$(nmi_count)
monitor nmi
check "node0 took the NMI" wait_until 20 sh -c "[ \$(awk '/^ *NMI:/ { for (i = 2; i <= NF; i++) if (\$i ~ /^[0-9]+\$/) s += \$i; print s + 0 }' /proc/interrupts) -gt $N0 ]"
check_eq "node1 took none" "$N1" "$(ask_node1 nmi)"

e2e_section "node1 restarts itself: it parks, the machine stays"
check_eq "node1 acknowledges the restart" rebooting "$(ask_node1 reboot)"
check "node1 is halted" wait_until 60 node1_is halted
check "reason 'halt'" node1_reason_is halt
check "its CPUs parked" tail1_has "node1 halted; its CPUs are parked"
check "node0 carries on" test -c /dev/mint
check "mintctl halt node1 (stopped from outside, resources back)" mintctl halt node1 --timeout 30
check "mintctl boot node1 again" $BOOT
check "node1 answers again" wait_until 120 node1_disk_ok_quiet

e2e_section "a machine check in node1 fails node1 only"
# Uncorrected, processor context corrupt, on CPU 3 (node1's second CPU).
monitor mce 3 1 0xb200000000000000 0x5 0 0
check "node1 is failed" wait_until 60 node1_is failed
check "reason 'panic'" node1_reason_is panic
check "its console tail shows the machine check" tail1_has "[Mm]achine [Cc]heck"
check "node0's kernel log has no hardware error" sh -c '! dmesg | grep -q "Hardware Error"'
check "mintctl halt node1 (stopped from outside)" mintctl halt node1 --timeout 30
check "mintctl boot node1 a third time" $BOOT
check "node1 answers a third time" wait_until 120 node1_disk_ok_quiet

e2e_section "remove and rescan on node0 leave node1's function alone"
echo 1 >"/sys/bus/pci/devices/$DISK1/remove"
echo 1 >/sys/bus/pci/rescan
check "node0's rescan does not take $DISK1 back" test ! -e "/sys/bus/pci/devices/$DISK1"
node1_disk_ok "node1 still reads its disk after node0's remove and rescan"

stop_mintd "$MINTD_PID" /tmp/mintd.log

e2e_section "node0 kexecs itself with force"
# node0's next kernel (the same bzImage) with a copy of this root whose /init
# is second-life.sh. Refused while node1 runs; with force, node0 asks node1 to
# halt, stops it from outside, and only then starts the new kernel, which
# builds a fresh table and brings up all four CPUs (host-check.sh reads
# node1's side on COM2).
splat=$(dmesg | grep -E 'BUG: |Oops|WARNING: CPU|general protection fault|Unable to handle kernel|INFO: task .* blocked|soft lockup' | head -n1)
check_eq "node0's kernel log is clean before the kexec" "" "$splat"
pack_root() {
	# The mount points themselves, not what is mounted on them.
	cd / && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run -o -path ./tmp \) -prune -print -o -print |
		cpio -o -H newc >/tmp/second.cpio 2>/dev/null
}
check "a copy of this root for the next kernel" pack_root
NEXT="console=ttyS0 loglevel=4 panic=-1 rdinit=/e2e/second-life.sh $(sed 's/.*rdinit=[^ ]* //' /proc/cmdline)"
check "kexec -l the next kernel" kexec -l "$KERNEL" --initrd=/tmp/second.cpio --append="$NEXT"
check_fails_output "kexec -e refused while node1 runs" "busy" kexec -e
check "node1 still runs" node1_is running
echo 1 >/sys/module/mint/parameters/force_shutdown
check_eq "mint.force_shutdown set" Y "$(cat /sys/module/mint/parameters/force_shutdown)"
echo "E2E: kexec -e with force"
kexec -e
e2e_fail "kexec -e with force" "it returned: $?"
exit 0
