#!/bin/sh
# /init of node1 in the demo: say hello on its console (COM2) and idle.
# shellcheck shell=dash
NODE=NODE1
. /node-lib.sh
echo
echo "node1: hello from $(uname -sr) on its own CPUs and memory"
echo "node1: online CPUs $(cat /sys/devices/system/cpu/online), $(grep MemTotal /proc/meminfo)"
echo "node1: block devices: $(ls /sys/block | tr '\n' ' ')"
echo "node1: first bytes of /dev/vda: $(dd if=/dev/vda bs=11 count=1 2>/dev/null)"
echo "DEMO NODE1 UP"
while :; do sleep 3600; done
