#!/bin/sh
# shellcheck shell=dash
# node0 of the channel benchmark. Rounds alternate the channel and the Unix
# socket so both see the same machine load; every line is "BENCH ...".
. "${E2E_LIB:-/e2e/guest-lib.sh}"

now() { cut -d' ' -f1 /proc/uptime; }
[ -d /sys/bus/pci/drivers/pci-stub ] || modprobe pci-stub
mintd 2>/tmp/mintd.log &
check "mintd is up" wait_for_socket /run/mint/mintd.sock 30
t0=$(now)
check "mintctl boot node1" mintctl boot node1 --cores 2,3 --mem 512M --kernel /boot/bzImage \
	--initrd /boot/node1.cpio.gz
t1=$(now)
echo "BENCH first boot until running: $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}') s"
echo_up() { mint-chan -t 500 send 1 9 ping 2>&1 | grep -qv unreachable; }
check "node1 echoes on port 9" wait_until 60 echo_up
for round in 1 2 3 4 5; do
	for size in 64 4096; do
		echo "BENCH round $round size $size $(mint-chan rtt 1 9 200 $size)"
		echo "BENCH round $round size $size $(mint-chan unixrtt 200 $size)"
	done
done
echo "BENCH $(mint-chan ping 1 20 | tail -n 1)"
t0=$(now)
check "mintctl reboot node1" mintctl reboot node1 --stop-timeout 10
t1=$(now)
echo "BENCH reboot until running: $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}') s"
printf '%s\n' "$E2E_OUT"
stop_mintd "$!" /tmp/mintd.log
exit 0
