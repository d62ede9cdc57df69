#!/bin/sh
# shellcheck shell=dash
# shellcheck disable=SC2317
# boot-free (node0's side): see scenario.conf.
# shellcheck source=SCRIPTDIR/../../guest-lib.sh
. "${E2E_LIB:-/e2e/guest-lib.sh}"

SOCK=/run/mint/mintd.sock
CPU=/sys/devices/system/cpu
MIB=1024

boot1() { mintctl boot node1 --cores 2,3 --mem 512M --kernel /boot/bzImage --initrd /boot/node1.cpio.gz --timeout 600; }
node1_runs() { status_is '.nodes[] | select(.name == "node1") | .state == "running"'; }
node1_answers() { mintctl -n node1 status >/dev/null 2>&1; }
no_offlining() { ! printf '%s\n' "$E2E_OUT" | grep -q "offline"; }

e2e_section "node0 left CPUs 2-3 and 512M free at boot"
check "pci-stub is there" have_pci_stub
check_eq "CPU 2 was never brought up" 0 "$(cat $CPU/cpu2/online)"
check_eq "CPU 3 was never brought up" 0 "$(cat $CPU/cpu3/online)"
check "the kernel says so" sh -c 'dmesg | grep -q "leaves \[mem .*512 MiB) free"'
mintd >/tmp/mintd.log 2>&1 &
MINTD_PID=$!
check "mintd socket appears" wait_for_socket "$SOCK" 30
check "CPUs 2 and 3 are free in the table" status_is '[.cpus[] | select(.id == 2 or .id == 3) | .owner == "free"] == [true, true]'
MEM0=$(memtotal_kib)
check "node0 has about 1.5G" test "$MEM0" -lt $((1600 * MIB))

e2e_section "node1 boots on them without anything going offline"
check "mintctl boot node1 --cores 2,3 --mem 512M" boot1
printf '%s\n' "$E2E_OUT"
check "nothing went offline for it" no_offlining
check "node1 runs" node1_runs
check "node1's mintd answers" wait_until 120 node1_answers
check "on APIC IDs 2 and 3 with 512M" status_is '.nodes[] | select(.name == "node1") | .apic_ids == [2, 3] and .memory_bytes == 536870912'
check_near "node0's memory did not change" "$MEM0" "$(memtotal_kib)" $((2 * MIB))

e2e_section "halted: its resources become node0's"
check "mintctl halt node1" mintctl halt node1 --timeout 20
printf '%s\n' "$E2E_OUT"
check_eq "CPU 2 online in node0" 1 "$(cat $CPU/cpu2/online)"
check_eq "CPU 3 online in node0" 1 "$(cat $CPU/cpu3/online)"
check_near "node0 gained the 512M it never had" $((MEM0 + 512 * MIB)) "$(memtotal_kib)" $((8 * MIB))

e2e_section "booting from node0's own resources still works"
check "mintctl boot node1 again" boot1
check "node1 runs again" node1_runs
check "node1's mintd answers again" wait_until 120 node1_answers
check "mintctl halt node1 --no-reclaim" mintctl halt node1 --timeout 20 --no-reclaim
printf '%s\n' "$E2E_OUT"
check "CPUs 2 and 3 are free" status_is '[.cpus[] | select(.id == 2 or .id == 3) | .owner == "free"] == [true, true]'
check "a boot takes the free resources first" boot1
printf '%s\n' "$E2E_OUT"
check "and needs no offlining" no_offlining
check "node1 runs a third time" node1_runs
check "node1's mintd answers a third time" wait_until 120 node1_answers

e2e_section "moves take FREE memory first"
check "mintctl mem release 256M" mintctl mem release 256M
MEMR=$(memtotal_kib)
N1=$(mintctl -n node1 status --json | jq '.memory.online_bytes')
check "mintctl mem move 256M --to node1 (the released blocks)" mintctl mem move 256M --to node1
printf '%s\n' "$E2E_OUT"
check "nothing more went offline in node0" no_offlining
check_near "node0's memory did not change" "$MEMR" "$(memtotal_kib)" $((2 * MIB))
check_eq "node1 has 256M more" $((N1 + 268435456)) "$(mintctl -n node1 status --json | jq '.memory.online_bytes')"
check "nothing is recorded as released in node0 any more" status_is '.memory.released_bytes == 0'

e2e_section "mintd killed after every step of a boot"
check "mintctl halt node1" mintctl halt node1 --timeout 20
mintd_dead() { ! kill -0 "$MINTD_PID" 2>/dev/null; }
restart_mintd() { # [ARGS...]: not through check (a subshell): $MINTD_PID must reach this shell
	kill "$MINTD_PID" 2>/dev/null
	wait_until 20 mintd_dead || kill -9 "$MINTD_PID" 2>/dev/null
	wait "$MINTD_PID" 2>/dev/null
	rm -f "$SOCK"
	mintd "$@" >>/tmp/mintd.log 2>&1 &
	MINTD_PID=$!
	wait_for_socket "$SOCK" 60 && timeout 60 mintctl status >/dev/null 2>&1
}
MEM_START=$(memtotal_kib)
# node1 runs on APIC ID 3 and 256M, or it does not run and owns nothing.
one_or_the_other() {
	status_is '.nodes[] | select(.name == "node1") |
		(.state == "running" and .apic_ids == [3] and .memory_bytes == 268435456) or
		(.state != "running" and .apic_ids == [] and .memory_bytes == 0)'
}
back_to_start() {
	if status_is '.nodes[] | select(.name == "node1") | .state == "running"'; then
		timeout 120 mintctl halt node1 --timeout 20 || return 1
	fi
	if status_is '.cpus[] | select(.id == 3) | .owner == "free"'; then
		timeout 60 mintctl cpu reclaim 3 || return 1
	fi
	r=$(mintctl status --json | jq '.memory.released_bytes')
	if [ "$r" -gt 0 ]; then timeout 120 mintctl mem reclaim "$((r / 1048576))M" || return 1; fi
	[ "$(cat $CPU/cpu3/online)" = 1 ] || { echo "CPU 3 offline"; return 1; }
	m=$(memtotal_kib)
	[ $((m - MEM_START)) -lt $((4 * MIB)) ] && [ $((MEM_START - m)) -lt $((4 * MIB)) ] ||
		{ echo "MemTotal $m, at the start $MEM_START"; return 1; }
}
n=1
while [ "$n" -le 24 ]; do
	restart_mintd --crash-after-step "$n" || e2e_fail "mintd --crash-after-step $n starts"
	timeout 300 mintctl boot node1 --cores 3 --mem 256M --kernel /boot/bzImage \
		--initrd /boot/node1.cpio.gz --timeout 300 >/tmp/boot.out 2>&1
	rc=$?
	echo "boot, step $n: exit $rc: $(tail -n 1 /tmp/boot.out)"
	if ! wait_until 5 mintd_dead; then
		check_eq "boot runs to the end without a crash (after $((n - 1)) steps)" 0 "$rc"
		check "node1 runs" node1_runs
		restart_mintd
		check "and back to the start" back_to_start
		break
	fi
	restart_mintd || e2e_fail "boot, killed after step $n: mintd restarts"
	check "boot, killed after step $n: node1 runs with all of it or has none of it" one_or_the_other
	check "boot, killed after step $n: back to the start" back_to_start
	n=$((n + 1))
done
[ "$n" -le 24 ] || e2e_fail "a boot has more than 24 steps"

stop_mintd "$MINTD_PID" /tmp/mintd.log
exit 0
