#!/bin/sh
# /init of the paper benchmark's KVM guests: run paperbench on the guest's
# one vCPU against a file on its own virtio disk (an ext4 image, mounted
# read-only), print the results on the console (ttyS0: the node's console log
# of the guest) and power off. paperbench.env= on the command line names the
# run, paperbench.k= is the first read of the disk test (paperbench -k).
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec >/dev/console 2>&1
env=$(sed -n 's/.*paperbench\.env=\([^ ]*\).*/\1/p' /proc/cmdline)
first=$(sed -n 's/.*paperbench\.k=\([0-9]*\).*/\1/p' /proc/cmdline)
mkdir -p /mnt
file=
if mount -t ext4 -o ro,noload /dev/vda /mnt; then
	file=/mnt/data
else
	echo "PAPERBENCH env=${env:-guest} test=error no ext4 file system on /dev/vda"
fi
sleep 2
paperbench -e "${env:-guest}" -k "${first:-0}" ${file:+-f "$file"}
echo "PAPERBENCH-GUEST DONE status=$?"
poweroff -f
