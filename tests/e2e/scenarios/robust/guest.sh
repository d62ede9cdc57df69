#!/bin/sh
# shellcheck shell=dash
# shellcheck disable=SC2317
# robust: nobody can wedge mintd, and a mintd killed at any step loses
# nothing: after its restart every resource is this node's or recorded as
# released, and reclaiming brings the node back to where it started.
# shellcheck source=SCRIPTDIR/../../guest-lib.sh
. "${E2E_LIB:-/e2e/guest-lib.sh}"

SOCK=/run/mint/mintd.sock
STATE=/var/lib/mint
CPU=/sys/devices/system/cpu
MIB=1024

find_disk_bdf() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x1af4 ] || continue
		ls -d "$d"/virtio*/block/* >/dev/null 2>&1 || continue
		echo "${d##*/}"
		return 0
	done
	return 1
}
# Not through check (a subshell): $MINTD_PID must reach this shell.
start_mintd() { # [ARGS...]: mintd in the background, $MINTD_PID; fails if it does not answer
	rm -f "$SOCK"
	mintd "$@" >>/tmp/mintd.log 2>&1 &
	MINTD_PID=$!
	wait_for_socket "$SOCK" 30 && kill -0 "$MINTD_PID" 2>/dev/null &&
		timeout 20 mintctl status >/dev/null 2>&1
}
mintd_dead() { ! kill -0 "$MINTD_PID" 2>/dev/null; }
stop_it() {
	kill "$MINTD_PID" 2>/dev/null
	if ! wait_until 20 mintd_dead; then
		e2e_fail "mintd $MINTD_PID stopped within 20 s of SIGTERM (last log lines: $(tail -n 5 /tmp/mintd.log | tr '\n' ' '))"
		kill -9 "$MINTD_PID" 2>/dev/null
	fi
	wait "$MINTD_PID" 2>/dev/null
	rm -f "$SOCK"
}
as_nobody() { su -s /bin/sh nobody -c "$*"; }
fast() { timeout 10 "$@"; } # a caller always gets an answer within seconds

# Where the node is when everything is its own.
snapshot() {
	echo "cpus=$(online_cpu_list) mem=$(($(memtotal_kib) / MIB / 16)) dev=$(pci_driver "$BDF")"
}

e2e_section "setup"
check "modprobe virtio_pci virtio_blk pci-stub" sh -c 'modprobe virtio_pci && modprobe virtio_blk && modprobe pci-stub'
check "a virtio disk" wait_until 10 find_disk_bdf
BDF=$(find_disk_bdf)
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
echo 'nogroup:x:65534:' >>/etc/group
start_mintd
check "mintd starts" kill -0 "$MINTD_PID"
START=$(snapshot)
echo "start: $START"

e2e_section "no client can block another"
as_nobody "sock-hold $SOCK 40 > /tmp/idle.log" &
IDLE=$!
as_nobody "sock-hold $SOCK 40 '{\"method\":\"io.mint.Node.Sta' > /tmp/half.log" &
HALF=$!
sleep 3
echo "idle: $(head -n1 /tmp/idle.log), half-sent: $(head -n1 /tmp/half.log)"
check "root's mintctl status answers while nobody holds 80 connections" fast mintctl status
check "root's cpu release answers" fast mintctl cpu release 3
check "root's cpu reclaim answers" fast mintctl cpu reclaim 3
check "a mint group member gets through" sh -c 'echo "mint:x:900:alice" >>/etc/group; echo "alice:x:1000:1000::/:/bin/sh" >>/etc/passwd; su -s /bin/sh alice -c "timeout 10 mintctl status" >/dev/null'
check "nobody's own status is still served or refused with a message" \
	sh -c 'timeout 10 su -s /bin/sh nobody -c "mintctl status" >/dev/null 2>/tmp/nobody.err || grep -q . /tmp/nobody.err'
half_dropped() { tail -n1 /tmp/half.log | grep -q "closed [1-9]"; }
check "half-sent messages are dropped within a few seconds" wait_until 15 half_dropped
long_release() { mintctl mem release 512M >/tmp/rel.out 2>&1; }
(long_release; echo $? >/tmp/rel.rc) &
sleep 0.3
check "status answers during a memory release" fast mintctl status
wait_until 120 test -s /tmp/rel.rc
check_eq "the memory release worked" 0 "$(cat /tmp/rel.rc)"
check "and is reclaimed" fast mintctl mem reclaim 512M
kill "$IDLE" "$HALF" 2>/dev/null
pkill sock-hold 2>/dev/null

e2e_section "one mintd per node"
check_fails_output "a second mintd refuses to start, naming the first" "already running" \
	timeout 10 mintd
check "the first one still answers" fast mintctl status
check "its socket is still there" test -S "$SOCK"

e2e_section "killed after every step: nothing lost, nothing owned twice"
# after_crash OP: what must hold after mintd died during OP and was restarted.
released_or_ours() { # the CPU/memory/device is online/bound, or recorded as released
	kill -0 "$MINTD_PID" || return 1
	timeout 30 mintctl status --json >/tmp/st.json || return 1
	c=$(jq -r '.cpus[] | select(.id == 3) | if .online then "ours" elif .owner == "free" then "released" else "LOST" end' /tmp/st.json)
	d=$(jq -r ".devices[] | select(.address == \"$BDF\") | if .owner == \"free\" then \"released\" elif .driver == \"virtio-pci\" then \"ours\" else \"LOST\" end" /tmp/st.json)
	m=$(jq -r '.memory | (.released_bytes / 1048576 | floor)' /tmp/st.json)
	off=$(jq -r '[.memory.blocks[] | select(.online | not)] | length * 128' /tmp/st.json)
	echo "cpu3=$c dev=$d mem_released=${m}M offline=${off}M"
	[ "$c" != LOST ] && [ "$d" != LOST ] && [ "$m" = "$off" ]
}
back_to_start() { # reclaim whatever is recorded as released; the node is where it started
	timeout 30 mintctl status --json >/tmp/st.json || return 1
	if [ "$(jq -r '.cpus[] | select(.id == 3) | .owner' /tmp/st.json)" = free ]; then
		timeout 60 mintctl cpu reclaim 3 || return 1
	fi
	r=$(jq -r '.memory.released_bytes' /tmp/st.json)
	if [ "$r" -gt 0 ]; then
		timeout 60 mintctl mem reclaim "$((r / 1048576))M" || return 1
	fi
	if [ "$(jq -r ".devices[] | select(.address == \"$BDF\") | .owner" /tmp/st.json)" = free ]; then
		timeout 60 mintctl dev reclaim "$BDF" || return 1
	fi
	now=$(snapshot)
	[ "$now" = "$START" ] || { echo "start: $START, now: $now"; return 1; }
}
# crash_op NAME PREP-CMD OP-CMD: for N = 1, 2, ...: mintd dies after step N of OP.
crash_op() {
	_name=$1 _prep=$2 _op=$3
	_n=1
	while [ "$_n" -le 12 ]; do
		if [ -n "$_prep" ]; then
			stop_it
			start_mintd || e2e_fail "$_name: mintd starts for the preparation"
			timeout 60 sh -c "$_prep" >/dev/null 2>&1 || e2e_fail "$_name: preparation ($_prep)"
		fi
		stop_it
		start_mintd --crash-after-step "$_n" || e2e_fail "$_name: mintd --crash-after-step $_n starts"
		timeout 60 sh -c "$_op" >/tmp/op.out 2>&1
		_rc=$?
		echo "$_name, step $_n: exit $_rc: $(tail -n 1 /tmp/op.out)"
		if ! wait_until 5 mintd_dead; then
			# The operation ended before step N: every step has been tried.
			check_eq "$_name: runs to the end without a crash (after $((_n - 1)) steps)" 0 "$_rc"
			stop_it
			start_mintd || e2e_fail "$_name: mintd restarts"
			check "$_name: back to the start" back_to_start
			return
		fi
		wait "$MINTD_PID" 2>/dev/null
		start_mintd || e2e_fail "$_name, killed after step $_n: mintd restarts"
		check "$_name, killed after step $_n: restarted, nothing lost" released_or_ours
		check "$_name, killed after step $_n: the restart says what it recovered" \
			status_is '[.warnings[] | select(test("mintd had stopped during"))] | length > 0'
		check "$_name, killed after step $_n: reclaiming brings the node back" back_to_start
		_n=$((_n + 1))
	done
	e2e_fail "$_name: more than 12 steps"
}
crash_op "cpu release" "" "mintctl cpu release 3"
crash_op "cpu reclaim" "mintctl cpu release 3" "mintctl cpu reclaim 3"
crash_op "mem release" "" "mintctl mem release 256M"
crash_op "mem reclaim" "mintctl mem release 256M" "mintctl mem reclaim 256M"
crash_op "dev release" "" "mintctl dev release $BDF"
crash_op "dev reclaim" "mintctl dev release $BDF" "mintctl dev reclaim $BDF"

e2e_section "audit trail"
stop_it
start_mintd || e2e_fail "mintd restarts"
check "mintctl cpu release 3" mintctl cpu release 3
check "mintctl cpu reclaim 3" mintctl cpu reclaim 3
check "the journal names the caller, the method and the outcome" \
	sh -c "grep -q '\"by\":\"uid 0 pid [0-9]*\".*ReleaseCpus' $STATE/journal && grep -q '\"outcome\":\"done\"' $STATE/journal"
check "refused calls are recorded as failed" sh -c "mintctl cpu release 0 >/dev/null 2>&1; tail -n 1 $STATE/journal | grep -q '\"outcome\":\"failed\".*CPU 0'"

e2e_section "corrupted state file and journal"
stop_it
printf '{"version": 1, "cpus": [3' >"$STATE/state.json"
printf '\377\376garbage\n{"id":99,"phase":"begin","op":"cpu-rel' >>"$STATE/journal"
start_mintd
check "mintd starts with a corrupt state file and journal" kill -0 "$MINTD_PID"
check "the state file's damage is reported" status_is '[.warnings[] | select(test("state"))] | length > 0'
check "the journal's damage is reported" status_is '[.warnings[] | select(test("journal"))] | length > 0'
check "and it works" mintctl cpu release 3
check "and it works (reclaim)" mintctl cpu reclaim 3
check_eq "the node is where it started" "$START" "$(snapshot)"

stop_it
check_fails "no sanitizer report from mintd" grep -q -E "Sanitizer|runtime error" /tmp/mintd.log
e2e_section "mintd log (last 60 lines)"
tail -n 60 /tmp/mintd.log | sed 's/^/mintd| /'
exit 0
