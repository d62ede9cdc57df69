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
#        it failed in the table and shows the panic from node1's ring
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
timeout=${1:-300}
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
gcc -std=c11 -O2 -Wall -Wextra -Werror -static \
	-I"$repo/kexec-ext" -I"$repo/kernel-mint/uapi" \
	"$repo/kexec-ext/mint_kexec.c" "$repo/kexec-ext/mint-kexec.c" \
	-o "$out/mint-kexec"
# Static mint-log for node0: prints a node's console tail from the table.
gcc -std=c11 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror -static \
	-I"$repo/kernel-mint/uapi" "$here/tools/mint-log.c" -o "$out/mint-log"

mkroot() {
	local d=$1
	mkdir -p "$d"/{bin,sbin,proc,sys,dev,tmp,etc}
	cp "$busybox" "$d/bin/busybox"
}

# node1's initramfs.
n1="$out/root-node1"
mkroot "$n1"
cp "$out/mint-kexec" "$n1/bin/mint-kexec"
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
i=0
while true; do
	sleep 5
	i=$((i + 5))
	echo "MINT-NODE0-ALIVE ${i}s"
	[ $((i % 10)) = 0 ] && mint-kexec --status | grep '^node'
done
EOS
chmod +x "$n0/init"
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
	-append "console=ttyS0,115200 nox2apic movablecore=1G no_ipi_broadcast=1 rdinit=/init mint_try_reboot=${MINT_TRY_REBOOT:-0} mint_try_disk=${MINT_TRY_DISK:-0} mint_try_move=${MINT_TRY_MOVE:-0} mint_try_panic=${MINT_TRY_PANIC:-0}" \
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
	     [ "${MINT_TRY_PANIC:-0}" = 1 ]; } &&
	   grep -q "MINT-NODE0-ALIVE" "$out/com1.log" 2>/dev/null &&
	   grep -q MINT-NODE1-LOG-READ "$out/com1.log" 2>/dev/null &&
	   { [ "${MINT_TRY_REBOOT:-0}" != 1 ] ||
	     { grep -q MINT-NODE1-REBOOTED "$out/com1.log" &&
	       grep -q MINT-NODE1-LOG-CLEARED "$out/com1.log"; }; } &&
	   { [ "${MINT_TRY_PANIC:-0}" != 1 ] ||
	     grep -q MINT-NODE1-PANIC-LOGGED "$out/com1.log"; } &&
	   { [ "${MINT_TRY_MOVE:-0}" != 1 ] ||
	     grep -q MINT-NODE1-MEM-MOVED "$out/com2.log"; }; then
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
if [ $rc = 0 ] && tail -n 3 "$out/com1.log" | grep -q MINT-NODE0-ALIVE; then
	echo "try-boot-node: SUCCESS: node1 up on COM2, node0 alive on COM1"
else
	rc=1
	echo "try-boot-node: FAILED (see $out)"
fi
exit $rc
