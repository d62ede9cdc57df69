#!/bin/sh
# shellcheck shell=dash
# node0 of the boot benchmark: time `mintctl boot node1`, then run cpuloop
# here while node1 waits; node1 runs the same loop afterwards (node1-init.sh).
# shellcheck source=/dev/null
. "${E2E_LIB:-/e2e/guest-lib.sh}"

[ -d /sys/bus/pci/drivers/pci-stub ] || modprobe pci-stub
mintd 2>/tmp/mintd.log &
check "mintd is up" wait_for_socket /run/mint/mintd.sock 30
t0=$(cut -d' ' -f1 /proc/uptime)
# Progress lines are stamped with node0's uptime: where the boot time goes.
mintctl boot node1 --cores 2,3 --mem 512M --kernel /boot/bzImage --initrd /boot/node1.cpio.gz 2>&1 |
	while read -r line; do echo "$(cut -d' ' -f1 /proc/uptime) $line"; done >/tmp/boot.log
t1=$(cut -d' ' -f1 /proc/uptime)
cat /tmp/boot.log
check_output "mintctl boot node1" "node1 is running" cat /tmp/boot.log
echo "BENCH mintctl boot node1 until it runs: $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}') s"
echo "BENCH node0 $(cpuloop 9 20000000)"
# node1 starts its loop 40 s after its init; wait until it is surely done.
sleep 75
exit 0
