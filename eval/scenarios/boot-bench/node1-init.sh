#!/bin/sh
# node1's /init for the benchmarks. Prints its uptime when init starts, then
# (as a Mint node) waits for node0's own cpuloop to finish and runs the same
# loop; booted as a fresh QEMU guest (bench_fresh on the cmdline) it powers off.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec >/dev/console 2>&1
echo "BENCH-NODE1 init reached, uptime $(cut -d' ' -f1 /proc/uptime) s"
if grep -q bench_fresh /proc/cmdline; then
	poweroff -f
fi
sleep "${CPULOOP_DELAY:-40}"
echo "BENCH-NODE1 $(cpuloop 9 20000000)"
echo "BENCH-NODE1 DONE"
while :; do sleep 3600; done
