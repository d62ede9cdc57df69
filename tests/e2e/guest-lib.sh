# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# Guest-side helpers for Mint e2e scenarios (busybox ash). Source it first:
#   . "${E2E_LIB:-/e2e/guest-lib.sh}"
#
# Every check_* prints exactly one line on the console:
#   E2E PASS: <desc>
#   E2E FAIL: <desc> (<detail>)
# The harness counts those lines. Output of a failed command follows the FAIL
# line, indented with "    | ".
#
# External commands run under `timeout $E2E_CMD_TIMEOUT` (default 60 s) so one
# hung command fails its check instead of the whole scenario; shell functions
# run directly.

# shellcheck source=/dev/null
[ -r /e2e/env ] && . /e2e/env
E2E_CMD_TIMEOUT=${E2E_CMD_TIMEOUT:-60}
E2E_NPASS=0
E2E_NFAIL=0

# Single line, at most 400 characters.
_e2e_oneline() {
	printf '%s' "$1" | tr '\n\r\t' '   ' | cut -c1-400
}

e2e_pass() {
	E2E_NPASS=$((E2E_NPASS + 1))
	printf 'E2E PASS: %s\n' "$(_e2e_oneline "$1")"
}

# e2e_fail DESC DETAIL [OUTPUT]
e2e_fail() {
	E2E_NFAIL=$((E2E_NFAIL + 1))
	: >/run/e2e-failed 2>/dev/null
	printf 'E2E FAIL: %s (%s)\n' "$(_e2e_oneline "$1")" "$(_e2e_oneline "$2")"
	if [ -n "${3:-}" ]; then
		printf '%s\n' "$3" | head -n 40 | sed 's/^/    | /'
	fi
}

# Run "$@" with stdout+stderr in $E2E_OUT and the status in $E2E_RC.
e2e_run() {
	case $(command -v "$1" 2>/dev/null) in
	/*) E2E_OUT=$(timeout "$E2E_CMD_TIMEOUT" "$@" 2>&1) ;;
	*) E2E_OUT=$("$@" 2>&1) ;;
	esac
	E2E_RC=$?
}

# check DESC CMD... : PASS if CMD exits 0.
check() {
	_d=$1
	shift
	e2e_run "$@"
	if [ "$E2E_RC" = 0 ]; then
		e2e_pass "$_d"
	else
		e2e_fail "$_d" "exit $E2E_RC: $*" "$E2E_OUT"
	fi
}

# check_fails DESC CMD... : PASS if CMD exits non-zero.
check_fails() {
	_d=$1
	shift
	e2e_run "$@"
	if [ "$E2E_RC" != 0 ]; then
		e2e_pass "$_d"
	else
		e2e_fail "$_d" "unexpectedly succeeded: $*" "$E2E_OUT"
	fi
}

# check_output DESC SUBSTRING CMD... : PASS if the output contains SUBSTRING
# (exit status ignored).
check_output() {
	_d=$1
	_s=$2
	shift 2
	e2e_run "$@"
	case $E2E_OUT in
	*"$_s"*) e2e_pass "$_d" ;;
	*) e2e_fail "$_d" "output of '$*' (exit $E2E_RC) lacks '$_s'" "$E2E_OUT" ;;
	esac
}

# check_fails_output DESC SUBSTRING CMD... : PASS if CMD exits non-zero AND
# its output contains SUBSTRING.
check_fails_output() {
	_d=$1
	_s=$2
	shift 2
	e2e_run "$@"
	if [ "$E2E_RC" = 0 ]; then
		e2e_fail "$_d" "unexpectedly succeeded: $*" "$E2E_OUT"
		return
	fi
	case $E2E_OUT in
	*"$_s"*) e2e_pass "$_d" ;;
	*) e2e_fail "$_d" "output of '$*' (exit $E2E_RC) lacks '$_s'" "$E2E_OUT" ;;
	esac
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		e2e_pass "$1"
	else
		e2e_fail "$1" "expected '$2', got '$3'"
	fi
}

# check_exit DESC CODE CMD... : PASS if CMD exits with exactly CODE.
check_exit() {
	_d=$1
	_c=$2
	shift 2
	e2e_run "$@"
	if [ "$E2E_RC" = "$_c" ]; then
		e2e_pass "$_d"
	else
		e2e_fail "$_d" "expected exit $_c, got $E2E_RC: $*" "$E2E_OUT"
	fi
}

# check_exit_output DESC CODE SUBSTRING CMD... : exit CODE and SUBSTRING in output.
check_exit_output() {
	_d=$1
	_c=$2
	_s=$3
	shift 3
	e2e_run "$@"
	if [ "$E2E_RC" != "$_c" ]; then
		e2e_fail "$_d" "expected exit $_c, got $E2E_RC: $*" "$E2E_OUT"
		return
	fi
	case $E2E_OUT in
	*"$_s"*) e2e_pass "$_d" ;;
	*) e2e_fail "$_d" "output of '$*' lacks '$_s'" "$E2E_OUT" ;;
	esac
}

# check_near DESC EXPECTED ACTUAL TOLERANCE : |EXPECTED - ACTUAL| <= TOLERANCE
check_near() {
	_diff=$(($3 - $2))
	[ "$_diff" -lt 0 ] && _diff=$((-_diff))
	if [ "$_diff" -le "$4" ]; then
		e2e_pass "$1"
	else
		e2e_fail "$1" "expected $2 +- $4, got $3"
	fi
}

# ---------------------------------------------------------------- facts

# Number of online CPUs, from /sys/devices/system/cpu/online ("0-2,5" -> 4).
online_cpus() {
	tr ',' '\n' </sys/devices/system/cpu/online | awk -F- '
		NF == 1 && $1 != "" { n++ }
		NF == 2 { n += $2 - $1 + 1 }
		END { print n + 0 }'
}

# The raw online CPU list, e.g. "0-3".
online_cpu_list() {
	cat /sys/devices/system/cpu/online
}

memtotal_kib() {
	awk '/^MemTotal:/ { print $2 }' /proc/meminfo
}

# wait_until TIMEOUT_S CMD... : poll CMD every 0.1 s; 0 once it succeeds.
wait_until() {
	_w=$(($1 * 10))
	shift
	while [ "$_w" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		_w=$((_w - 1))
	done
	"$@" >/dev/null 2>&1
}

# wait_for_socket PATH TIMEOUT_S
wait_for_socket() {
	wait_until "$2" test -S "$1"
}

# disk_bdfs: the PCI functions of the virtio-blk disks, in address order.
disk_bdfs() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x1af4 ] && ls -d "$d"/virtio*/block/* >/dev/null 2>&1 &&
			echo "${d##*/}"
	done
}

# Name of the driver bound to a PCI function ("" if none).
pci_driver() {
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
	fi
}

# module_loaded NAME : NAME (with underscores) is in /proc/modules.
# pci-stub holds released PCI functions: built into the Mint kernel, a module elsewhere.
have_pci_stub() { [ -d /sys/bus/pci/drivers/pci-stub ] || modprobe pci-stub; }
module_loaded() {
	grep -q "^$1 " /proc/modules
}

# First N bytes of a file/device.
read_head() {
	head -c "$2" "$1" 2>/dev/null
}

# monitor CMD...: have the harness send CMD to QEMU's human monitor (HMP),
# e.g. `monitor nmi`, `monitor system_reset`. Needs MONITOR=1 in scenario.conf.
# It prints "E2E MONITOR: CMD" on the console (COM1), which the harness's
# relay (monitor-relay.py) follows; it returns at once, the command reaches
# QEMU about 0.1 s later: wait for its effect yourself (wait_until ...).
# Commands and QEMU's answers are in monitor.log in the log dir. Written to
# /dev/console, so it also works where stdout is captured (inside check).
monitor() {
	printf 'E2E MONITOR: %s\n' "$*" >/dev/console
}

# e2e_section TITLE: a visual separator in the console log.
# stop_mintd PID LOG: stop a mintd this shell started, check that its log has
# no sanitizer report (the ASan/UBSan runs of tests/run-all), print the log.
stop_mintd() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	check_fails "no sanitizer report from mintd" grep -q -E "Sanitizer|runtime error" "$2"
	e2e_section "mintd log"
	sed 's/^/mintd| /' "$2"
}

e2e_section() {
	printf -- '---- %s ----\n' "$1"
}

# status_is JQ-FILTER: true when the filter holds for `mintctl status --json`
# (jq -e: the last output is neither false nor null). E.g.
#   check "CPU 3 is free" status_is '.cpus[] | select(.id == 3) | .owner == "free"'
status_is() {
	mintctl status --json | jq -e "$1" >/dev/null
}
