#!/bin/sh
# shellcheck shell=dash
# /init of node0's next kernel, kexec'ed with force at the end of guest.sh:
# node1 was stopped before the kexec, so this kernel built a fresh table,
# owns every CPU (it sent INIT only to CPUs nobody used any more) and node1
# is unused. Then the test ends here.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /tmp
exec </dev/console >/dev/console 2>&1
set -a
. /e2e/env
set +a
# shellcheck source=SCRIPTDIR/../../guest-lib.sh
. "${E2E_LIB:-/e2e/guest-lib.sh}"

e2e_section "node0 after the forced kexec"
check_eq "all four CPUs online" 0-3 "$(online_cpu_list)"
check "a resource table again" test -c /dev/mint
check "node1 unused in the new table" sh -c 'mint-chan node 1 | grep -q "state=unused"'
check "the kernel log is clean" sh -c '! dmesg | grep -q -E "BUG: |Oops|WARNING: CPU|general protection fault|Unable to handle kernel"'
echo "E2E DONE"
sync
poweroff -f
