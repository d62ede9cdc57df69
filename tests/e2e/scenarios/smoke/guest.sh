#!/bin/sh
# shellcheck shell=dash
# Harness self-test: the guest sees what scenario.conf asked for.
# shellcheck source=SCRIPTDIR/../../guest-lib.sh
. "${E2E_LIB:-/e2e/guest-lib.sh}"

check_eq "4 CPUs online" 4 "$(online_cpus)"
mem=$(memtotal_kib)
check "MemTotal close to 2G ($mem KiB)" test "$mem" -gt 1800000 -a "$mem" -le 2097152
check "second serial port exists" test -c /dev/ttyS1
check "mintd staged" test -x /usr/bin/mintd
check "mintctl --help runs" mintctl --help
check_exit "sock-send staged (usage error exits 2)" 2 sock-send
check_fails "sock-send without a server fails" sock-send /run/nonexistent.sock
check "modules.dep.bin generated" test -s "/lib/modules/$(uname -r)/modules.dep.bin"
check "modprobe virtio_pci virtio_blk" modprobe -a virtio_pci virtio_blk
wait_until 10 test -b /dev/vda
check "disk /dev/vda appears" test -b /dev/vda
check_eq "disk pattern readable" "MINT-DISK-0" "$(read_head /dev/vda 11)"
check "/var/lib and /run writable" sh -c ': >/var/lib/x && : >/run/x'
echo "hello from ttyS1" >/dev/ttyS1
