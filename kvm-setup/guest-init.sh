#!/bin/sh
# /init of the small test guest: say who it is on its console (the guest's
# ttyS0, which libvirt writes to the node's console log), then tick.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "MINT-GUEST-UP: $(uname -r), $(grep -c ^processor /proc/cpuinfo) vCPU(s), $(sed -n 's/^MemTotal: *//p' /proc/meminfo), cmdline: $(cat /proc/cmdline)"
n=0
while :; do
	sleep 5
	n=$((n + 1))
	echo "MINT-GUEST-TICK $n"
done
