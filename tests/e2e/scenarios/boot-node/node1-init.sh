#!/bin/sh
# /init of node1: check from inside the node what it was given, print one
# "NODE1 PASS:"/"NODE1 FAIL:" line per check on its console (COM2), then idle.
# shellcheck shell=dash
NODE=NODE1
. /node-lib.sh

check_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi; }

echo "NODE1 BEGIN: $(uname -r), cmdline: $(cat /proc/cmdline)"
check_eq "node1 has 2 online CPUs" 2 "$(grep -c ^processor /proc/cpuinfo)"
check_eq "node1's online CPU list" "0-1" "$(cat /sys/devices/system/cpu/online)"
mem=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
if [ "$mem" -gt $((384 * 1024)) ] && [ "$mem" -le $((512 * 1024)) ]; then
	pass "node1 MemTotal ${mem} kB is close to 512M"
else
	fail "node1 MemTotal close to 512M" "MemTotal ${mem} kB"
fi
for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; sleep 1; done
if [ -b /dev/vda ]; then
	pass "node1 sees its disk as /dev/vda"
	check_eq "node1 reads the second disk's pattern" "MINT-DISK-1" "$(dd if=/dev/vda bs=11 count=1 2>/dev/null)"
else
	fail "node1 sees its disk as /dev/vda" "no /dev/vda"
fi
check_eq "node1 sees no other disk" "" "$(ls /sys/block | grep -v -e ^loop -e ^ram -e ^vda)"
check_eq "node1 sees exactly one PCI function" 1 "$(ls /sys/bus/pci/devices | wc -l)"
echo "NODE1 DONE"
while :; do sleep 3600; done
