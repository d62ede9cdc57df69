#!/bin/bash
# Manual end-to-end run: boot node0 in QEMU (TCG), let it offline CPUs 2,3
# and four 128 MiB memory blocks, and boot node1 on them with mint-kexec.
# node0's console is COM1, node1's is COM2; both go to files in $OUT.
#
# Success: node1's marker "MINT-NODE1-UP" shows on COM2 while node0 still
# prints "MINT-NODE0-ALIVE" on COM1.
#
# node0 also reads node1's console tail from the resource table (the ring
# node1's kernel writes, see kernel-mint/tools/mint-log.c) and prints it on
# COM1 as "node1-log| ..." lines, then "MINT-NODE1-LOG-READ".
#
# With MINT_TRY_REBOOT=1, node1 powers itself off after booting; node0
# waits until the table says node1 is halted and boots it again (same CPUs
# and memory, still owned by node1).
#
# Usage: kernel-mint/try-boot-node.sh [timeout-seconds]
# Env:   OUT (default /tmp/mint-try), KERNEL_DIR (skip build.sh),
#        MINT_TRY_REBOOT=1, QEMU_EXTRA (more QEMU options),
#        MINT_TRY_DISK=1: a virtio-blk disk at 00:05.0 is unbound in node0
#        and handed to node1, which reads its first bytes with dd,
#        MINT_TRY_MOVE=1: after node1 is up, node0 offlines and releases
#        the CPU with APIC ID 1 and the memory block below node1's;
#        node1 claims them and onlines them (memory via memory/probe),
#        MINT_TRY_PANIC=1: node1's init exits, so node1 panics; node0 sees
#        it failed in the table and shows the panic from node1's ring,
#        MINT_TRY_PEERS=1: the inter-node channel and the node life cycle
#        (implies MINT_TRY_DISK=1): messages both ways (also 64 KiB ones),
#        kernel ping, round-trip times against a Unix socket, unreachable
#        ports, EHOSTDOWN, stop request -> halted -> reap -> boot again
#        (freed and kept resources), panic -> kill -> node0 onlines the
#        CPUs again, a node marked failed parks itself, heartbeat rate.
#        Prints "PASS peers: ..." / "FAIL peers: ..." lines
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
peers=${MINT_TRY_PEERS:-0}
[ "$peers" = 1 ] && MINT_TRY_DISK=1
timeout=${1:-$([ "$peers" = 1 ] && echo 1500 || echo 300)}
out=${OUT:-/tmp/mint-try}
busybox=${BUSYBOX:-/bin/busybox}

rm -rf "$out"
mkdir -p "$out"
if [ -z "${KERNEL_DIR:-}" ]; then
	KERNEL_DIR=$("$here/build.sh" | tail -n1)
fi
bz="$KERNEL_DIR/bzImage"
[ -f "$bz" ] || { echo "no bzImage in $KERNEL_DIR" >&2; exit 1; }

# Static mint-kexec for the initramfs.
gcc -std=c11 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror -static \
	-I"$repo/kexec-ext" -I"$repo/libmint" -I"$repo/kernel-mint/uapi" \
	"$repo/kexec-ext/mint_kexec.c" "$repo/kexec-ext/boot_opts.c" \
	"$repo/kexec-ext/mint-kexec.c" "$repo/libmint/error.c" "$repo/libmint/util.c" \
	-o "$out/mint-kexec"
# Static mint-log for node0: prints a node's console tail from the table.
gcc -std=c11 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror -static \
	-I"$repo/kernel-mint/uapi" "$here/tools/mint-log.c" -o "$out/mint-log"
# Static mint-chan for both nodes: channel messages and life-cycle ioctls.
gcc -std=c11 -O2 -Wall -Wextra -Werror -static \
	-I"$repo/kernel-mint/uapi" "$here/tools/mint-chan.c" -o "$out/mint-chan"

mkroot() {
	local d=$1
	mkdir -p "$d"/{bin,sbin,proc,sys,dev,tmp,etc}
	cp "$busybox" "$d/bin/busybox"
}

# node1's initramfs.
n1="$out/root-node1"
mkroot "$n1"
cp "$out/mint-kexec" "$n1/bin/mint-kexec"
cp "$out/mint-chan" "$n1/bin/mint-chan"
cat > "$n1/init" <<'EOS'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
echo "MINT-NODE1-UP"
echo "node1: online CPUs: $(cat /sys/devices/system/cpu/online)"
echo "node1: $(grep MemTotal /proc/meminfo)"
echo "node1: kernel: $(uname -r)"
cpu=/sys/devices/system/cpu
if [ -e $cpu/cpu1/online ]; then
	echo 0 > $cpu/cpu1/online && echo "node1: cpu1 offlined, online: $(cat $cpu/online)"
	echo 1 > $cpu/cpu1/online && echo "node1: cpu1 onlined again, online: $(cat $cpu/online)"
fi
# A kernel console line that node0 looks for in node1's ring.
echo "MINT-NODE1-KMSG-MARK: node1 init is running" > /dev/kmsg
if grep -q mint_test=panic /proc/cmdline; then
	sleep 2
	echo "node1: init exits, the kernel panics (mint_test=panic)"
	exit 1
fi
if [ -e /sys/block/vda ]; then
	echo "node1: PCI devices: $(ls /sys/bus/pci/devices | tr '\n' ' ')"
	echo "node1: disk vda: $(dd if=/dev/vda bs=64 count=1 2>/dev/null | head -n 1)"
	grep -i virtio /proc/interrupts | head -n 3
fi
if grep -q mint_test=move /proc/cmdline; then
	# node0 offlines and releases the CPU with APIC ID 1; take it.
	# Own CPUs are registered first (APIC 2, 3), then APIC 0, 1.
	for t in $(seq 1 60); do
		mint-kexec --status | grep -q "^cpu apic=1 free" && break
		sleep 1
	done
	echo 1 > $cpu/cpu3/online 2>/dev/null || echo "node1: onlining APIC 1 before claiming it refused (expected)"
	mint-kexec --node 1 --claim cpu:1 && echo "node1: claimed APIC ID 1"
	echo 1 > $cpu/cpu3/online && echo "MINT-NODE1-CPU-MOVED: online $(cat $cpu/online), APIC IDs $(grep '^apicid' /proc/cpuinfo | awk '{print $3}' | tr '\n' ' ')"
	# Then node0 releases the memory block below ours; add it here.
	mb=$(grep -o 'mint_move_mem=0x[0-9a-f]*' /proc/cmdline | cut -d= -f2)
	for t in $(seq 1 120); do
		mint-kexec --status | grep -q "^mem $mb free" && break
		sleep 1
	done
	echo $mb > /sys/devices/system/memory/probe 2>/dev/null || echo "node1: adding $mb before claiming it refused (expected)"
	mint-kexec --node 1 --claim mem:$mb && echo "node1: claimed memory block $mb"
	echo $mb > /sys/devices/system/memory/probe
	n=$(($mb / 0x$(cat /sys/devices/system/memory/block_size_bytes)))
	echo online_movable > /sys/devices/system/memory/memory$n/state &&
		echo "MINT-NODE1-MEM-MOVED: memory$n online, $(grep MemTotal /proc/meminfo)"
fi
if grep -q mint_test=halt /proc/cmdline; then
	sleep 5
	echo "node1: powering off (mint_test=halt)"
	poweroff -f
fi
if grep -q mint_test=peers /proc/cmdline; then
	round=$(grep -o 'mint_round=[0-9]*' /proc/cmdline | cut -d= -f2)
	echo "node1: peers test, round $round: $(mint-chan node 1)"
	echo "node1: logical CPUs -> APIC IDs: $(mint-chan cpumap | tr '\n' ' ')"
	# Port 7 echoes, port 8 prints; port 9 stays unbound (unreachable).
	mint-chan listen -e 7 &
	mint-chan listen 8 &
	sleep 1
	if [ "$round" = 1 ]; then
		mint-chan ping 0 3
		mint-chan send 0 5 "hello from node1"
		dd if=/dev/urandom of=/tmp/big bs=1024 count=64 2>/dev/null
		crc=$(mint-chan send -f /tmp/big 0 5 | sed -n 's/.*crc32 \(0x[0-9a-f]*\).*/\1/p')
		echo "node1: sent 64 KiB to node0 port 5, crc32 $crc"
		mint-chan send 0 5 "node1 big crc32 $crc"
	fi
	# Port 10: commands from node0.
	while :; do
		cmd=$(mint-chan listen -n 1 10 | sed -n 's/^from node[0-9]* port [0-9]*: //p')
		echo "node1: command from node0: $cmd"
		case "$cmd" in
		panic)
			echo "node1: init exits, the kernel panics"
			exit 1
			;;
		esac
	done
fi
i=0
while true; do
	sleep 5
	i=$((i + 5))
	echo "MINT-NODE1-ALIVE ${i}s"
done
EOS
chmod +x "$n1/init"
(cd "$n1" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$out/node1.cpio.gz"

# node0's initramfs.
n0="$out/root-node0"
mkroot "$n0"
cp "$out/mint-kexec" "$n0/bin/mint-kexec"
cp "$out/mint-log" "$n0/bin/mint-log"
cp "$out/mint-chan" "$n0/bin/mint-chan"
cp "$bz" "$n0/bzImage"
cp "$out/node1.cpio.gz" "$n0/node1.cpio.gz"
cat > "$n0/init" <<'EOS'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
echo "node0: online CPUs before: $(cat /sys/devices/system/cpu/online)"
for c in 2 3; do
	echo 0 > /sys/devices/system/cpu/cpu$c/online || echo "node0: cannot offline cpu$c"
done
echo "node0: online CPUs after: $(cat /sys/devices/system/cpu/online)"
mem=/sys/devices/system/memory
bs=$((0x$(cat $mem/block_size_bytes)))
max=$(ls -d $mem/memory* | sed 's/.*memory//' | sort -n | tail -n1)
base=
top=$max
while [ $top -ge 3 ]; do
	done_blocks=
	ok=1
	for n in $top $((top - 1)) $((top - 2)) $((top - 3)); do
		if [ -d $mem/memory$n ] && echo offline > $mem/memory$n/state 2>/dev/null; then
			done_blocks="$done_blocks $n"
		else
			ok=0
			break
		fi
	done
	if [ $ok = 1 ]; then
		base=$(( (top - 3) * bs ))
		break
	fi
	for n in $done_blocks; do echo online_movable > $mem/memory$n/state 2>/dev/null; done
	top=$((top - 1))
done
[ -n "$base" ] || { echo "node0: found no 4 offlinable memory blocks"; exec sh; }
printf 'node0: offlined memory blocks %d-%d (base 0x%x, %d MiB)\n' $((top - 3)) $top $base $((4 * bs >> 20))
append="console=ttyS1,115200 earlyprintk=serial,ttyS1,115200 nox2apic tsc=reliable no_ipi_broadcast=1 rdinit=/init"
pci=
if grep -q mint_try_disk=1 /proc/cmdline; then
	dev=0000:00:05.0
	echo $dev > /sys/bus/pci/devices/$dev/driver/unbind && echo "node0: unbound $dev"
	pci="--pci $dev"
fi
reboot_test=0
grep -q mint_try_reboot=1 /proc/cmdline && reboot_test=1
panic_test=0
grep -q mint_try_panic=1 /proc/cmdline && panic_test=1
peers_test=0
grep -q mint_try_peers=1 /proc/cmdline && peers_test=1
# node1 sends to node0's port 5 as soon as it is up.
[ $peers_test = 1 ] && { mint-chan listen 5 > /tmp/port5.log 2>&1 & }
boot_node1() {
	set -- --node 1 --name node1 --cpus 2,3 --mem $(printf '0x%x' $base):$((4 * bs)) \
		--uart 0x2f8 --kernel /bzImage --initrd /node1.cpio.gz $pci --append "$1"
	mint-kexec --check "$@"
	echo "node0: running mint-kexec $*"
	mint-kexec "$@" && echo "node0: mint-kexec returned ok" || echo "node0: mint-kexec failed"
}
wait_node1() {
	for t in $(seq 1 60); do
		mint-kexec --status | grep -q "^node1 .*state=$1" && return 0
		sleep 2
	done
	return 1
}
# Wait until node1's console tail in the table contains $1 (at most $2
# seconds), print the tail and succeed if it does.
show_node1_log() {
	for t in $(seq 1 $2); do
		mint-log 1 2>/dev/null | grep -q "$1" && break
		sleep 1
	done
	echo "node0: node1's console tail, read from the resource table:"
	mint-log -p "node1-log| " 1
	mint-log 1 2>/dev/null | grep -q "$1"
}
if grep -q mint_try_move=1 /proc/cmdline; then
	boot_node1 "$append mint_test=move mint_move_mem=$(printf '0x%x' $((base - bs)))"
elif [ $reboot_test = 1 ]; then
	boot_node1 "$append mint_test=halt"
elif [ $panic_test = 1 ]; then
	boot_node1 "$append mint_test=panic"
elif [ $peers_test = 1 ]; then
	boot_node1 "$append mint_test=peers mint_round=1"
else
	boot_node1 "$append"
fi
echo "node0: bringing cpu2 back must fail now:"
echo 1 > /sys/devices/system/cpu/cpu2/online 2>&1 || echo "node0: onlining cpu2 refused (expected)"
echo "node0: onlining memory$((top - 3)) (now node1's) must fail:"
echo online_movable > $mem/memory$((top - 3))/state || echo "node0: onlining memory$((top - 3)) refused (expected)"
if [ -n "$pci" ]; then
	echo "node0: binding $dev (now node1's) must fail:"
	echo $dev > /sys/bus/pci/drivers/virtio-pci/bind || echo "node0: binding $dev refused (expected)"
fi
if show_node1_log MINT-NODE1-KMSG-MARK 180; then
	echo "MINT-NODE1-LOG-READ: node1's kernel console tail read back from the table"
	seq1=$(mint-log -s 1)
else
	echo "node0: node1's ring does not show its marker"
fi
if [ $panic_test = 1 ]; then
	if wait_node1 failed; then
		sleep 2
		echo "node0: node1 failed: $(mint-kexec --status | grep '^node1')"
		show_node1_log "Kernel panic" 10 &&
			echo "MINT-NODE1-PANIC-LOGGED: node1's panic read back from the table"
	else
		echo "node0: node1 did not fail"
	fi
fi
if grep -q mint_try_move=1 /proc/cmdline; then
	echo 0 > /sys/devices/system/cpu/cpu1/online
	mint-kexec --node 0 --release cpu:1 && echo "node0: released APIC ID 1 (cpu1)"
	for t in $(seq 1 120); do
		mint-kexec --status | grep -q "^cpu apic=1 node1 online" && break
		sleep 1
	done
	echo "node0: $(mint-kexec --status | grep '^cpu apic=1 ') ; node0 online CPUs: $(cat /sys/devices/system/cpu/online)"
	n=$((top - 4))
	echo offline > $mem/memory$n/state && echo "node0: offlined memory$n"
	mint-kexec --node 0 --release mem:$(printf '0x%x' $((n * bs))) && echo "node0: released (scrubbed) memory$n"
fi
if [ $reboot_test = 1 ]; then
	if wait_node1 halted; then
		echo "node0: node1 halted: $(mint-kexec --status | grep '^node1')"
		show_node1_log "CPUs are parked" 10
		boot_node1 "$append"
		wait_node1 running && echo "MINT-NODE1-REBOOTED: $(mint-kexec --status | grep '^node1')"
		# Without the clear in MINT_IOC_START, seq would have doubled.
		if show_node1_log MINT-NODE1-KMSG-MARK 120; then
			seq2=$(mint-log -s 1)
			echo "node0: node1 printed $seq1 bytes up to its marker in the first boot, $seq2 in the second"
			[ $seq2 -lt $((seq1 + seq1 / 2)) ] &&
				echo "MINT-NODE1-LOG-CLEARED: the ring holds only node1's second boot"
		fi
	else
		echo "node0: node1 did not halt"
	fi
fi
if [ $peers_test = 1 ]; then
	. /peers.sh
fi
i=0
while true; do
	sleep 5
	i=$((i + 5))
	echo "MINT-NODE0-ALIVE ${i}s"
	[ $((i % 10)) = 0 ] && mint-kexec --status | grep '^node'
done
EOS
chmod +x "$n0/init"
# node0's part of MINT_TRY_PEERS, sourced by its /init once node1 is up
# (it uses boot_node1, show_node1_log, $append, $base, $bs, $top, $mem, $dev).
cat > "$n0/peers.sh" <<'EOS'
P=0
F=0
pass() { P=$((P + 1)); echo "PASS peers: $*"; }
fail() { F=$((F + 1)); echo "FAIL peers: $*"; }
show() { sed 's/^/    | /' /tmp/o; }
# expect DESC CMD...: CMD succeeds.
expect() {
	d=$1
	shift
	if "$@" > /tmp/o 2>&1; then pass "$d"; else fail "$d"; fi
	show
}
# expect_fail DESC PATTERN CMD...: CMD fails and says PATTERN.
expect_fail() {
	d=$1
	pat=$2
	shift 2
	if "$@" > /tmp/o 2>&1; then
		fail "$d (it succeeded)"
	elif grep -q "$pat" /tmp/o; then
		pass "$d"
	else
		fail "$d (no \"$pat\")"
	fi
	show
}
field() { mint-chan node 1 | tr ' ' '\n' | sed -n "s/^$1=//p"; }
wait_state() {
	for t in $(seq 1 $2); do
		[ "$(field state)" = "$1" ] && return 0
		sleep 1
	done
	return 1
}
rate() { mint-chan heartbeat $1 $2 | sed -n 's/.*: \([0-9.]*\) per second/\1/p'; }
in_range() { awk "BEGIN { exit !($1 >= $2 && $1 <= $3) }"; }
crc_of() { sed -n "s/$1/\\1/p" /tmp/o | head -n 1; }
# Bus mastering bit of the disk's PCI command register, read by node0.
busmaster() { echo $(( 0x$(od -An -tx1 -j4 -N1 /sys/bus/pci/devices/$dev/config | tr -d ' ') & 4 )); }
boot_round() {
	boot_node1 "$append mint_test=peers mint_round=$1"
	if wait_state running 180; then
		pass "node1 boots (round $1): $(mint-chan node 1)"
	else
		fail "node1 does not come up in round $1: $(mint-chan node 1)"
		show_node1_log XXX 1
	fi
}
# stop_node1 ROUND: MINT_KMSG_STOP, then node1 must halt by itself.
stop_node1() {
	(for i in $(seq 1 400); do field state; sleep 0.05; done | uniq | tr '\n' ' ' > /tmp/states) &
	sampler=$!
	expect "stop request (MINT_KMSG_STOP) to node1 (round $1)" mint-chan stop 1
	if wait_state halted 60; then
		pass "node1 halted itself after the stop request: $(mint-chan node 1)"
	else
		fail "node1 did not halt: $(mint-chan node 1)"
	fi
	kill $sampler 2>/dev/null
	wait $sampler 2>/dev/null
	echo "node0: node1's states as sampled every 50 ms: $(cat /tmp/states)"
	[ "$(field reason)" = halt ] && pass "node1's reason is halt" || fail "node1's reason is $(field reason), not halt"
	if show_node1_log "node1 halted; its CPUs are parked" 10 &&
	   ! mint-log 1 | grep -q "did not stop"; then
		pass "node1 wrote halted only after its other CPUs stopped (its console tail)"
	else
		fail "node1's console tail does not show its CPUs parked"
	fi
}

echo "===== peers: node1 is up ($(mint-chan node 1)) ====="
wait_state running 120 || fail "node1 is not running: $(mint-chan node 1)"
echo "node0: logical CPUs -> APIC IDs: $(mint-chan cpumap | tr '\n' ' ')"

echo "===== peers (7): heartbeat ====="
r1=$(rate 1 4000)
r0=$(rate 0 2000)
echo "node0: heartbeat node1 $r1/s, node0 $r0/s"
in_range "$r1" 3.0 5.0 && pass "node1's heartbeat advances ~4/s ($r1/s)" || fail "node1's heartbeat: $r1/s, not ~4/s"
in_range "$r0" 3.0 5.0 && pass "node0's heartbeat advances ~4/s ($r0/s)" || fail "node0's heartbeat: $r0/s, not ~4/s"

echo "===== peers (1): messages both ways ====="
for t in $(seq 1 90); do
	grep -q "node1 big crc32" /tmp/port5.log && break
	sleep 1
done
sed 's/^/    port5| /' /tmp/port5.log
grep -q "^from node1 port [0-9]*: hello from node1$" /tmp/port5.log &&
	pass "message node1 -> node0 (port 5)" || fail "no message from node1 on port 5"
a=$(sed -n 's/.*node1 big crc32 \(0x[0-9a-f]*\).*/\1/p' /tmp/port5.log | head -n 1)
b=$(sed -n 's/^from node1 port [0-9]*: <65536 bytes, crc32 \(0x[0-9a-f]*\)>/\1/p' /tmp/port5.log | head -n 1)
[ -n "$a" ] && [ "$a" = "$b" ] && pass "64 KiB message node1 -> node0, crc32 $a on both sides" ||
	fail "64 KiB message node1 -> node0: crc32 \"$a\" sent, \"$b\" received"
expect "message node0 -> node1 (port 8, shown on COM2)" mint-chan send 1 8 "hello node1, this is node0"
expect "message node0 -> node1 -> node0 (echo on port 7)" sh -c \
	'mint-chan send 1 7 "hello from node0" | tee /dev/stderr | grep -q "^answer: from node1 port 7: hello from node0$"'
dd if=/dev/urandom of=/tmp/big bs=1024 count=64 2>/dev/null
mint-chan -t 10000 send -f /tmp/big 1 7 > /tmp/o 2>&1
show
a=$(crc_of '^sent 65536 bytes.*crc32 \(0x[0-9a-f]*\)')
b=$(crc_of '^answer: from node1 port 7: <65536 bytes, crc32 \(0x[0-9a-f]*\)>')
[ -n "$a" ] && [ "$a" = "$b" ] && pass "64 KiB message node0 -> node1 -> node0 (fragmented, echoed), crc32 $a both ways" ||
	fail "64 KiB echo: crc32 \"$a\" sent, \"$b\" back"
dd if=/dev/urandom of=/tmp/huge bs=1024 count=1024 2>/dev/null
mint-chan -t 30000 send -f /tmp/huge 1 7 > /tmp/o 2>&1
show
a=$(crc_of '^sent 1048576 bytes.*crc32 \(0x[0-9a-f]*\)')
b=$(crc_of '^answer: from node1 port 7: <1048576 bytes, crc32 \(0x[0-9a-f]*\)>')
[ -n "$a" ] && [ "$a" = "$b" ] && pass "1 MiB message node0 -> node1 -> node0, crc32 $a both ways" ||
	fail "1 MiB echo: crc32 \"$a\" sent, \"$b\" back"

echo "===== peers (2): kernel ping ====="
expect "kernel PING/PONG node0 -> node1" mint-chan ping 1 5
expect "kernel PING/PONG node0 -> node0 (loopback)" mint-chan ping 0 2

echo "===== peers: round-trip times ====="
mint-chan rtt 1 7 200 64 > /tmp/rtt1 2>&1 && pass "200 round trips node0 -> node1 -> node0" || fail "rtt: $(cat /tmp/rtt1)"
mint-chan unixrtt 200 64 > /tmp/rtt2 2>&1
mint-chan rtt 1 7 50 4096 > /tmp/rtt3 2>&1
cat /tmp/rtt1 /tmp/rtt3 /tmp/rtt2
echo "MINT-PEERS-RTT: channel node0<->node1 64 B: $(sed -n 's/.*\(min .*us\), max.*/\1/p' /tmp/rtt1); 4 KiB: $(sed -n 's/.*\(min .*us\), max.*/\1/p' /tmp/rtt3); unix socket pair in node0 64 B: $(sed -n 's/.*\(min .*us\), max.*/\1/p' /tmp/rtt2)"
echo "node0: $(grep MNT /proc/interrupts)"
[ "$(grep MNT /proc/interrupts | awk '{s = 0; for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; print s}')" -gt 0 ] &&
	pass "node0 receives doorbell IPIs (MNT in /proc/interrupts)" || fail "no doorbell IPI counted in node0"

echo "===== peers (3): errors ====="
expect_fail "send to an unbound port of node1 is answered UNREACHABLE" "unreachable" mint-chan send 1 9 "anyone?"
expect_fail "send to node2 (not running) fails with EHOSTDOWN" EHOSTDOWN mint-chan send 2 1 hello
expect_fail "send to node16 (outside the channel) fails with ENXIO" ENXIO mint-chan send 16 1 hello
expect_fail "a second listener on port 5 fails with EADDRINUSE" EADDRINUSE mint-chan listen 5
expect_fail "reap of a running node1 is refused (EBUSY)" EBUSY mint-chan reap 1
expect_fail "running -> halted is not a transition anyone else may make (EINVAL)" EINVAL mint-chan state 1 running halted
expect_fail "loading -> halted of a running node1 refused (EBUSY)" EBUSY mint-chan state 1 loading halted

echo "===== peers (4): stop request, halt, reap, boot again ====="
stop_node1 1
r1=$(rate 1 1500)
in_range "$r1" 0 0 && pass "node1's heartbeat stopped once halted" || fail "node1's heartbeat still advances ($r1/s)"
expect_fail "send to the halted node1 fails with EHOSTDOWN" EHOSTDOWN mint-chan send 1 7 hello
[ "$(busmaster)" = 4 ] && pass "node1's disk still has bus mastering on before the reap" ||
	fail "node1's disk has bus mastering off before the reap"
expect "reap node1 (MINT_IOC_STOP)" mint-chan reap 1
grep -q "INIT to 2 CPUs, bus mastering off on 1 PCI functions, 512 MiB scrubbed, resources freed" /tmp/o &&
	pass "reap stopped 2 CPUs, 1 PCI function and scrubbed 512 MiB" || fail "reap counts wrong"
[ "$(busmaster)" = 0 ] && pass "bus mastering of node1's disk is off after the reap" ||
	fail "bus mastering of node1's disk still on after the reap"
[ "$(field state)" = halted ] && [ "$(field reason)" = halt ] && pass "node1 halted (reason halt kept) after the reap" ||
	fail "node1 after the reap: $(mint-chan node 1)"
mint-kexec --status > /tmp/o
if grep -q "^cpu apic=2 free" /tmp/o && grep -q "^cpu apic=3 free" /tmp/o &&
   grep -q "^mem $(printf '0x%x' $base) free" /tmp/o; then
	pass "node1's CPUs and memory are free after the reap"
else
	fail "node1's resources not free after the reap"
	show
fi
boot_round 2
[ "$(field epoch)" = 2 ] && pass "node1's epoch is 2 after the second start" || fail "node1's epoch: $(field epoch)"
expect "kernel PING/PONG with the restarted node1" mint-chan ping 1 2
stop_node1 2
expect "reap -k node1 (resources kept)" mint-chan reap -k 1
mint-kexec --status > /tmp/o
grep -q "^cpu apic=2 node1" /tmp/o && grep -q "^mem $(printf '0x%x' $base) node1" /tmp/o &&
	pass "node1 keeps its CPUs and memory after reap -k" || { fail "node1's resources not kept"; show; }
boot_round 3

echo "===== peers (5): panic, kill, node0 takes everything back ====="
expect "ask node1 to panic (port 10)" mint-chan send 1 10 panic
if wait_state failed 60; then
	pass "node1 failed after its panic: $(mint-chan node 1)"
else
	fail "node1 did not fail: $(mint-chan node 1)"
fi
[ "$(field reason)" = panic ] && pass "node1's reason is panic" || fail "node1's reason is $(field reason), not panic"
sleep 2
show_node1_log "Kernel panic - not syncing" 10 && pass "node1's panic is in its console tail" ||
	fail "no panic in node1's console tail"
mint-log 1 | grep -q "failed (reason 1, panic: Attempted to kill init.*its CPUs are parked" && pass "node1 parked its CPUs after the panic" ||
	fail "node1 did not park after the panic"
r1=$(rate 1 1500)
in_range "$r1" 0 0 && pass "node1's heartbeat stopped after the panic" || fail "node1's heartbeat still advances ($r1/s)"
expect "kill node1 (MINT_IOC_STOP, MINT_STOP_FORCE)" mint-chan kill 1
[ "$(field state)" = halted ] && [ "$(field reason)" = panic ] && pass "node1 halted after kill, reason panic kept" ||
	fail "node1 after kill: $(mint-chan node 1)"
ok=1
for c in 2 3; do
	mint-kexec --node 0 --claim cpu:$c && echo 1 > /sys/devices/system/cpu/cpu$c/online || ok=0
done
[ $ok = 1 ] && pass "node0 onlines CPUs 2,3 again: online $(cat /sys/devices/system/cpu/online)" ||
	fail "node0 cannot online CPUs 2,3: online $(cat /sys/devices/system/cpu/online)"
ok=1
for n in $((top - 3)) $((top - 2)) $((top - 1)) $top; do
	mint-kexec --node 0 --claim mem:$(printf '0x%x' $((n * bs))) &&
		echo online_movable > $mem/memory$n/state || ok=0
done
[ $ok = 1 ] && pass "node0 onlines node1's memory again: $(grep MemTotal /proc/meminfo)" ||
	fail "node0 cannot online node1's memory again"
mint-kexec --node 0 --claim pci:$dev && echo $dev > /sys/bus/pci/drivers/virtio-pci/bind
for t in $(seq 1 10); do [ -e /dev/vda ] && break; sleep 1; done
d=$(dd if=/dev/vda bs=64 count=1 2>/dev/null | head -n 1)
echo "node0: disk: $d"
echo "$d" | grep -q MINT-DISK-MARKER && pass "node0 drives node1's disk again" || fail "node0 cannot read node1's disk"
# Give everything back for the next round.
for c in 2 3; do echo 0 > /sys/devices/system/cpu/cpu$c/online; done
for n in $((top - 3)) $((top - 2)) $((top - 1)) $top; do echo offline > $mem/memory$n/state; done
echo $dev > /sys/bus/pci/devices/$dev/driver/unbind

echo "===== peers (6): a node marked failed parks itself ====="
boot_round 4
expect "mark the running node1 failed (SET_STATE running -> failed)" mint-chan state 1 running failed
sleep 2
r1=$(rate 1 2000)
in_range "$r1" 0 0 && pass "node1 stopped beating once marked failed" || fail "node1 still beats ($r1/s)"
show_node1_log "failed (reason 2); its CPUs are parked" 10 && pass "node1 parked itself (its console tail)" ||
	fail "node1 did not park itself"
expect_fail "send to the failed node1 fails with EHOSTDOWN" EHOSTDOWN mint-chan send 1 7 hello
expect "kill the failed node1" mint-chan kill 1
[ "$(field state)" = halted ] && [ "$(field reason)" = heartbeat ] && pass "node1 halted after kill, reason heartbeat kept" ||
	fail "node1 after kill: $(mint-chan node 1)"
mint-kexec --status | grep -q "^cpu apic=2 free" && pass "node1's CPUs are free after kill" || fail "node1's CPUs not free after kill"

echo "MINT-PEERS-DONE: $P passed, $F failed"
EOS
(cd "$n0" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$out/node0.cpio.gz"

disk_args=()
if [ "${MINT_TRY_DISK:-0}" = 1 ]; then
	printf 'MINT-DISK-MARKER: sector 0 of the disk handed to node1\n' > "$out/disk.img"
	truncate -s 16M "$out/disk.img"
	disk_args=(-drive file="$out/disk.img",if=none,id=d1,format=raw
		   -device virtio-blk-pci,drive=d1,addr=0x5)
fi
echo "try-boot-node: logs in $out/com{1,2,3,4}.log" >&2
qemu-system-x86_64 -M pc -cpu max -smp 4 -m 2G -display none -monitor none \
	-no-reboot \
	-chardev file,id=com1,path="$out/com1.log" -serial chardev:com1 \
	-chardev file,id=com2,path="$out/com2.log" -serial chardev:com2 \
	-chardev file,id=com3,path="$out/com3.log" -serial chardev:com3 \
	-chardev file,id=com4,path="$out/com4.log" -serial chardev:com4 \
	-kernel "$bz" -initrd "$out/node0.cpio.gz" \
	-append "console=ttyS0,115200 nox2apic movablecore=1G no_ipi_broadcast=1 rdinit=/init mint_try_reboot=${MINT_TRY_REBOOT:-0} mint_try_disk=${MINT_TRY_DISK:-0} mint_try_move=${MINT_TRY_MOVE:-0} mint_try_panic=${MINT_TRY_PANIC:-0} mint_try_peers=$peers" \
	"${disk_args[@]}" ${QEMU_EXTRA:-} &
qpid=$!
trap 'kill $qpid 2>/dev/null || true' EXIT

rc=1
for ((t = 0; t < timeout; t += 2)); do
	sleep 2
	if ! kill -0 $qpid 2>/dev/null; then
		echo "try-boot-node: QEMU exited" >&2
		break
	fi
	if { grep -q MINT-NODE1-ALIVE "$out/com2.log" 2>/dev/null ||
	     [ "${MINT_TRY_PANIC:-0}" = 1 ] || [ "$peers" = 1 ]; } &&
	   grep -q "MINT-NODE0-ALIVE" "$out/com1.log" 2>/dev/null &&
	   grep -q MINT-NODE1-LOG-READ "$out/com1.log" 2>/dev/null &&
	   { [ "${MINT_TRY_REBOOT:-0}" != 1 ] ||
	     { grep -q MINT-NODE1-REBOOTED "$out/com1.log" &&
	       grep -q MINT-NODE1-LOG-CLEARED "$out/com1.log"; }; } &&
	   { [ "${MINT_TRY_PANIC:-0}" != 1 ] ||
	     grep -q MINT-NODE1-PANIC-LOGGED "$out/com1.log"; } &&
	   { [ "${MINT_TRY_MOVE:-0}" != 1 ] ||
	     grep -q MINT-NODE1-MEM-MOVED "$out/com2.log"; } &&
	   { [ "$peers" != 1 ] || grep -q MINT-PEERS-DONE "$out/com1.log"; }; then
		sleep 6
		rc=0
		break
	fi
done
echo "===== COM1 (node0), node1's console tail read from the table ====="
grep -a -e '^node1-log| ' -e MINT-NODE1-LOG -e MINT-NODE1-PANIC "$out/com1.log" || true
echo "===== COM1 (node0), last lines ====="
tail -n 25 "$out/com1.log" || true
echo "===== COM2 (node1), last lines ====="
tail -n 40 "$out/com2.log" || true
if [ "$peers" = 1 ]; then
	echo "===== COM2 (node1), channel messages it printed ====="
	grep -a -e '^from node' -e '^pong' -e '^ping' -e 'node1: sent' -e 'node1: command' "$out/com2.log" || true
	echo "===== peers: summary (COM1) ====="
	grep -a -e '^PASS peers' -e '^FAIL peers' -e '^MINT-PEERS' "$out/com1.log" || true
	if ! grep -q "^MINT-PEERS-DONE: [0-9]* passed, 0 failed" "$out/com1.log" ||
	   grep -q '^FAIL peers' "$out/com1.log"; then
		rc=1
	fi
fi
if [ $rc = 0 ] && tail -n 3 "$out/com1.log" | grep -q MINT-NODE0-ALIVE; then
	echo "try-boot-node: SUCCESS: node1 up on COM2, node0 alive on COM1"
else
	rc=1
	echo "try-boot-node: FAILED (see $out)"
fi
exit $rc
