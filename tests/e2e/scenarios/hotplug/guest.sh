#!/bin/sh
# shellcheck shell=dash
# Helper functions below are run through check*, which shellcheck cannot see:
# shellcheck disable=SC2317
# hotplug: release and reclaim a CPU, memory and a PCI device on node0
# through mintctl/mintd, then check that bad requests are refused cleanly.
# shellcheck source=SCRIPTDIR/../../guest-lib.sh
. "${E2E_LIB:-/e2e/guest-lib.sh}"

SOCK=/run/mint/mintd.sock
CPU=/sys/devices/system/cpu
MIB=1024 # KiB per MiB

# ---------------------------------------------------------------- helpers

# The virtio-blk PCI function: vendor 0x1af4, bound to virtio-pci, with a
# block device below it.
find_disk_bdf() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x1af4 ] || continue
		[ "$(pci_driver "${d##*/}")" = virtio-pci ] || continue
		ls -d "$d"/virtio*/block/* >/dev/null 2>&1 || continue
		echo "${d##*/}"
		return 0
	done
	return 1
}

# status_lists_cpu N TEXT: the status text names CPU N, either as a row of a
# table headed "CPU ..." (first column N) or on a line mentioning CPUs, alone
# or in a range ("CPU 3 ...", "cpus: 0-3").
status_lists_cpu() {
	printf '%s\n' "$2" | awk -v n="$1" '
		toupper($1) ~ /^CPUS?:?$/ && NF > 1 && $2 !~ /^[0-9]/ { table = 1; next }
		NF == 0 { table = 0; next }
		table && $1 == n { found = 1 }
		tolower($0) ~ /cpu/ {
			line = $0; gsub(/[^0-9-]+/, " ", line)
			k = split(line, w, " ")
			for (i = 1; i <= k; i++) {
				if (w[i] !~ /^[0-9]+(-[0-9]+)?$/) continue
				j = split(w[i], r, "-"); if (j == 1) r[2] = r[1]
				if (n + 0 >= r[1] + 0 && n + 0 <= r[2] + 0) found = 1
			}
		}
		END { exit !found }'
}

json_object() { # TEXT looks like one JSON object
	case $(printf '%s' "$1" | tr -d ' \n\t\r') in
	\{*\}) return 0 ;;
	*) return 1 ;;
	esac
}

vda_present() { test -b /dev/vda; }
vda_absent() { ! test -e /dev/vda; }
mintd_alive() { kill -0 "$MINTD_PID" 2>/dev/null; }

# What a refused request must not change.
snapshot() {
	SNAP_CPUS=$(online_cpu_list)
	SNAP_MEM=$(memtotal_kib)
	if vda_present; then SNAP_VDA=yes; else SNAP_VDA=no; fi
}
check_unchanged() { # DESC
	_now_vda=no
	vda_present && _now_vda=yes
	_now_mem=$(memtotal_kib)
	_dm=$((_now_mem - SNAP_MEM))
	if [ "$(online_cpu_list)" = "$SNAP_CPUS" ] && [ "$_now_vda" = "$SNAP_VDA" ] &&
		[ "$_dm" -le 4096 ] && [ "$_dm" -ge -4096 ]; then
		e2e_pass "$1"
	else
		e2e_fail "$1" "before: cpus $SNAP_CPUS, MemTotal $SNAP_MEM, vda $SNAP_VDA; after: cpus $(online_cpu_list), MemTotal $_now_mem, vda $_now_vda"
	fi
}

# refused DESC SUBSTRING CMD...: CMD fails with SUBSTRING in its output and
# changes nothing (two result lines).
refused() {
	_rd=$1
	shift
	snapshot
	check_fails_output "$_rd" "$@"
	check_unchanged "$_rd: nothing changed"
}

send_truncated() { printf '{"method":\000' | sock-send "$SOCK"; }
send_garbage() { printf 'this is not json at all\000' | sock-send "$SOCK"; }
send_unknown_method() { printf '{"method":"org.mint.NoSuchMethod","parameters":{}}\000' | sock-send "$SOCK"; }
send_huge() { head -c 2097152 /dev/zero | tr '\000' 'x' | sock-send "$SOCK"; }

# ---------------------------------------------------------------- setup
e2e_section "setup"
check "modprobe virtio_pci virtio_blk pci-stub" modprobe -a virtio_pci virtio_blk pci-stub
wait_until 10 vda_present
BDF=$(find_disk_bdf)
check "virtio-blk PCI function found (${BDF:-none})" test -n "$BDF"
check_eq "disk pattern readable before release" "MINT-DISK-0" "$(read_head /dev/vda 11)"

mintd >/tmp/mintd.log 2>&1 &
MINTD_PID=$!
check "mintd socket $SOCK appears" wait_for_socket "$SOCK" 30
if ! test -S "$SOCK"; then
	echo "---- mintd.log (mintd did not come up) ----"
	cat /tmp/mintd.log
	exit 1
fi

# ---------------------------------------------------------------- 1. status
e2e_section "status"
check "mintctl status succeeds" mintctl status
STATUS=$E2E_OUT
check "status lists CPU 3" status_lists_cpu 3 "$STATUS"
check_output "status lists the disk $BDF" "$BDF" mintctl status
check 'status --json: CPU 3 online, owned by node0' status_is '.cpus[] | select(.id == 3) | .online and .owner == "node0"'
check "status --json: the disk $BDF with a number for its vendor" status_is ".devices[] | select(.address == \"$BDF\") | .vendor == 6900"
check "status --json: memory sizes are numbers" status_is '.memory.block_size > 0 and (.memory.blocks | length) > 0'
check "status --json is a JSON object" json_object "$(mintctl status --json)"

# ---------------------------------------------------------------- 2. CPU
e2e_section "cpu"
check "cpu release 3" mintctl cpu release 3
check_eq "CPU 3 offline after release" 0 "$(cat $CPU/cpu3/online)"
check_eq "3 CPUs online after release" 3 "$(online_cpus)"
check "cpu reclaim 3" mintctl cpu reclaim 3
check_eq "CPU 3 online after reclaim" 1 "$(cat $CPU/cpu3/online)"
check_eq "4 CPUs online after reclaim" 4 "$(online_cpus)"

# ---------------------------------------------------------------- 3. memory
e2e_section "memory"
MEM0=$(memtotal_kib)
check "mem release 256M" mintctl mem release 256M
check_near "MemTotal down by 256M after release" $((MEM0 - 256 * MIB)) "$(memtotal_kib)" $((4 * MIB))
check "mem reclaim 256M" mintctl mem reclaim 256M
check_near "MemTotal back after reclaim" "$MEM0" "$(memtotal_kib)" $((4 * MIB))

# ---------------------------------------------------------------- 4. device
e2e_section "device"
check "dev release $BDF" mintctl dev release "$BDF"
check "/dev/vda gone after release" wait_until 3 vda_absent
check_eq "$BDF bound to pci-stub after release" pci-stub "$(pci_driver "$BDF")"
check_fails "virtio_pci unloaded after release" module_loaded virtio_pci
check "dev reclaim $BDF" mintctl dev reclaim "$BDF"
check "/dev/vda back after reclaim" wait_until 5 vda_present
check_eq "disk pattern readable after reclaim" "MINT-DISK-0" "$(read_head /dev/vda 11)"
check_eq "$BDF bound to virtio-pci after reclaim" virtio-pci "$(pci_driver "$BDF")"

# ---------------------------------------------------------------- 5. bad requests
e2e_section "bad requests"
refused "cpu release 0 refused" "CPU 0" mintctl cpu release 0
refused "cpu release 99 refused" "CPU 99 does not exist" mintctl cpu release 99
check "errors go to stderr as 'mintctl: ...'" sh -c 'mintctl cpu release 99 2>&1 >/dev/null | grep -q "^mintctl: "'
refused "mem release 100M refused" "not a multiple" mintctl mem release 100M
refused "dev release of a missing function refused" "does not exist" mintctl dev release 0000:00:1f.7

check "cpu release 3 (first)" mintctl cpu release 3
refused "cpu release 3 again refused" "already released" mintctl cpu release 3
check "cpu reclaim 3 after double release" mintctl cpu reclaim 3
check_eq "4 CPUs online after double release + reclaim" 4 "$(online_cpus)"

snapshot
check_exit_output "cpu release 2- is bad usage (exit 2)" 2 "invalid CPU list" mintctl cpu release 2-
check_unchanged "cpu release 2-: nothing changed"

check_output "truncated JSON message gets an error reply" "error" send_truncated
check_output "garbage message gets an error reply" "error" send_garbage
check_output "unknown method gets an error reply" "error" send_unknown_method
check "mintd alive after malformed messages" mintd_alive
check "mintctl status works after malformed messages" mintctl status
e2e_run send_huge
echo "2 MiB message without NUL: sock-send exit $E2E_RC: $(printf '%s' "$E2E_OUT" | head -c 200)"
check "mintd alive after a 2 MiB message" mintd_alive
check "mintctl status works after a 2 MiB message" mintctl status

# ---------------------------------------------------------------- 6. who may change things
e2e_section "permissions"
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
echo 'alice:x:1000:1000:alice:/:/bin/sh' >>/etc/passwd
printf 'nogroup:x:65534:\nalice:x:1000:\nmint:x:990:alice\n' >>/etc/group
# su (run by root: no password) sets the user's uid, gid and supplementary groups.
as_nobody() { su -s /bin/sh nobody -c "$*"; }
as_alice() { su -s /bin/sh alice -c "$*"; }
check "status works for an unprivileged user" as_nobody mintctl status
refused "cpu release by an unprivileged user refused" "only root or members of the mint group" as_nobody mintctl cpu release 3
check "cpu release by a member of the mint group" as_alice mintctl cpu release 3
check_eq "CPU 3 offline after the mint group's release" 0 "$(cat $CPU/cpu3/online)"
check "cpu reclaim by a member of the mint group" as_alice mintctl cpu reclaim 3

# ---------------------------------------------------------------- 7. device in use
e2e_section "device in use"
mkswap /dev/vda >/dev/null 2>&1 && swapon /dev/vda
refused "dev release of a disk used as swap refused" "/dev/vda is used as swap" mintctl dev release "$BDF"
check_eq "$BDF still bound to virtio-pci" virtio-pci "$(pci_driver "$BDF")"
swapoff /dev/vda

# ---------------------------------------------------------------- 8. saved state across a restart
e2e_section "restart"
check "cpu release 3 before restarting mintd" mintctl cpu release 3
state_has_cpu3() { tr -d ' \n' </var/lib/mint/state.json | grep -q '"released_cpus":\[3\]'; }
check "state file records CPU 3" state_has_cpu3
echo "---- mintctl status with CPU 3 released ----"
mintctl status
# Runs in this shell (not through check, which uses a subshell) so MINTD_PID sticks.
restart_mintd() {
	kill "$MINTD_PID" 2>/dev/null
	wait "$MINTD_PID" 2>/dev/null
	check "old mintd removed its socket" test ! -e "$SOCK"
	mintd >>/tmp/mintd.log 2>&1 &
	MINTD_PID=$!
}
restart_mintd
check "mintd restarts" wait_for_socket "$SOCK" 30
check "CPU 3 still released after the restart" status_is '.cpus[] | select(.id == 3) | .owner == "free"'
check "cpu reclaim 3 after the restart" mintctl cpu reclaim 3
check "cpu release 3 again" mintctl cpu release 3
echo 1 >$CPU/cpu3/online # behind mintd's back
restart_mintd
check "mintd restarts with a stale state" wait_for_socket "$SOCK" 30
check_output "mismatch reported as a warning" "CPU 3 was released but is online" mintctl status
check "the warning is in status --json" status_is '.warnings | any(test("CPU 3 was released but is online"))'
check "CPU 3 counted as node0's again" status_is '.cpus[] | select(.id == 3) | .owner == "node0"'

# ---------------------------------------------------------------- 9. mintctl check (stock kernel)
e2e_section "mintctl check"
# check_is JQ-FILTER: the filter holds for `mintctl check --json` (which exits 1 here).
check_is() { mintctl check --json | jq -e "$1" >/dev/null; }
check_exit_output "mintctl check fails on the stock kernel" 1 "FAIL  Mint kernel" mintctl check
printf '%s\n' "$E2E_OUT"
check_exit "mintctl check needs no mintd" 1 mintctl --socket /nonexistent/mintd.sock check
check_is_verdict() { check_is ".checks[] | select(.name == \"$1\") | .verdict == \"$2\""; }
check "check --json: not ok, mint-kernel FAIL" check_is '.ok == false and ([.checks[] | select(.verdict == "FAIL") | .name] == ["mint-kernel"])'
check "check --json: movablecore=1G gives about 1G of movable memory" check_is '.checks[] | select(.name == "memory") | .data.movable_bytes | . > 1000 * 1048576 and . <= 1073741824'
check "check --json: the virtio disk can be handed over" check_is ".checks[] | select(.name == \"pci\") | .data.can_move | index(\"$BDF\") != null"
check "check --json: one serial port, none for nodes (WARN)" check_is_verdict uarts WARN
check "check --json: low-memory slots need the Mint kernel (SKIP)" check_is_verdict low-memory-slots SKIP
check "check --json: nox2apic and no_ipi_broadcast=1 missing (WARN)" check_is '.checks[] | select(.name == "kernel-parameters") | .verdict == "WARN" and .data.missing == ["nox2apic", "no_ipi_broadcast=1"]'
check_exit "check -n node1 is refused" 2 mintctl -n node1 check

# ---------------------------------------------------------------- done
stop_mintd "$MINTD_PID" /tmp/mintd.log
exit 0
