#!/bin/sh
# shellcheck shell=dash
# emergency (node0's side): boot node1, then panic with panic=1 set. The
# panic's emergency restart must leave the machine running: node0 says why
# and halts alone. What follows is checked by node1 (node1-init.sh, COM2)
# and host-check.sh.
# shellcheck source=SCRIPTDIR/../../guest-lib.sh
. "${E2E_LIB:-/e2e/guest-lib.sh}"

SOCK=/run/mint/mintd.sock
node1_running() { mint-chan node 1 | grep -q "state=running "; }

e2e_section "setup"
check "/dev/mint exists (Mint kernel)" test -c /dev/mint
mintd >/tmp/mintd.log 2>&1 &
MINTD_PID=$!
check "mintd socket appears" wait_for_socket "$SOCK" 30
check "mintctl boot node1 --cores 2,3 --mem 256M" \
	mintctl boot node1 --cores 2,3 --mem 256M --kernel /boot/bzImage \
	--initrd /boot/node1.cpio.gz --timeout 600
printf '%s\n' "$E2E_OUT"
check "node1 is running" wait_until 60 node1_running
check_eq "mint.force_shutdown is off" N "$(cat /sys/module/mint/parameters/force_shutdown)"
stop_mintd "$MINTD_PID" /tmp/mintd.log

e2e_section "node0 panics with panic=1"
echo 1 >/proc/sys/kernel/panic
check_eq "panic=1 (an emergency restart 1 s after a panic)" 1 "$(cat /proc/sys/kernel/panic)"
# The harness's end of the run is node1's "quit" now; this shell's part is done.
echo "E2E DONE"
sync
echo c >/proc/sysrq-trigger
e2e_fail "node0 panicked" "sysrq-c returned"
