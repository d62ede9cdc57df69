#!/bin/sh
# node1 of the channel benchmark: echo every message on channel port 9.
export PATH=/bin:/usr/bin
LD_LIBRARY_PATH=$(cat /etc/ld-library-path)
export LD_LIBRARY_PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec >/dev/console 2>&1
echo "BENCH-NODE1 init reached, uptime $(cut -d' ' -f1 /proc/uptime) s"
mint-chan listen -e 9 >/dev/null &
while :; do sleep 3600; done
