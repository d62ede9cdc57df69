#!/bin/sh
# shellcheck shell=dash
# demo: start mintd on node0, show mintctl status, boot node1 on CPUs 2,3,
# 512M and the second disk, show mintctl status again.
# shellcheck source=SCRIPTDIR/../../guest-lib.sh
. "${E2E_LIB:-/e2e/guest-lib.sh}"

say() { printf '\n\033[1m### %s\033[0m\n' "$*"; }

[ -d /sys/bus/pci/drivers/pci-stub ] || modprobe pci-stub
wait_until 10 test -b /dev/vdb
DISK1=$(basename "$(readlink -f /sys/block/vdb/device/..)")
mintd 2>/tmp/mintd.log &
check "mintd is up" wait_for_socket /run/mint/mintd.sock 30

say "node0 before: mintctl status"
mintctl status
say "mintctl boot node1 --cores 2,3 --mem 512M --dev $DISK1"
check "node1 booted" mintctl boot node1 --cores 2,3 --mem 512M --dev "$DISK1" \
	--kernel /boot/bzImage --initrd /boot/node1.cpio.gz
printf '%s\n' "$E2E_OUT"
say "node0 after: mintctl status"
mintctl status
sleep 5
exit 0
