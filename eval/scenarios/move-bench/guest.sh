#!/bin/sh
# shellcheck shell=dash
# node0 of the move benchmark: every line is "BENCH ...". Rounds alternate
# the move and the local pair so both see the same machine load.
. "${E2E_LIB:-/e2e/guest-lib.sh}"

ms() { "$@" | sed -n 's/^\([0-9.]*\) ms$/\1/p'; }
have_pci_stub
mintd 2>/tmp/mintd.log &
check "mintd is up" wait_for_socket /run/mint/mintd.sock 30
check "mintctl boot node1" mintctl boot node1 --cores 2 --mem 512M --kernel /boot/bzImage \
	--initrd /boot/node1.cpio.gz
up() { mintctl -n node1 status >/dev/null 2>&1; }
check "node1's mintd answers" wait_until 120 up
for round in 1 2 3 4 5 6 7; do
	echo "BENCH round $round exec $(ms timeit mintctl --version)"
	echo "BENCH round $round cpu-local $(ms timeit sh -c 'mintctl cpu release 3 && mintctl cpu reclaim 3')"
	echo "BENCH round $round cpu-sysfs $(ms timeit sh -c 'echo 0 >/sys/devices/system/cpu/cpu3/online && echo 1 >/sys/devices/system/cpu/cpu3/online')"
	echo "BENCH round $round cpu-move $(ms timeit mintctl cpu move 3 --to node1)"
	n1=$(mintctl -n node1 status --json | jq '[.cpus[] | select(.online and .id != 0) | .id][0]')
	echo "BENCH round $round cpu-move-back $(ms timeit mintctl -n node1 cpu move "$n1" --to node0)"
	echo "BENCH round $round mem-local $(ms timeit sh -c 'mintctl mem release 256M && mintctl mem reclaim 256M')"
	echo "BENCH round $round mem-move $(ms timeit mintctl mem move 256M --to node1)"
	echo "BENCH round $round mem-move-back $(ms timeit mintctl -n node1 mem move 256M --to node0)"
done
check_eq "CPU 3 is node0's at the end" 1 "$(cat /sys/devices/system/cpu/cpu3/online)"
stop_mintd "$!" /tmp/mintd.log
exit 0
