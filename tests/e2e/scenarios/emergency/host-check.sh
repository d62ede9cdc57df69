#!/bin/bash
# emergency: node0's console (COM1) shows the panic and the refused reset;
# node1's console (COM2) shows that it outlived node0; QEMU ended on node1's
# "quit", not on a reset (the harness runs QEMU with -no-reboot).
log0=$(mktemp)
log1=$(mktemp)
trap 'rm -f "$log0" "$log1"' EXIT
tr -d '\r' <"$1/ttyS0.log" >"$log0" 2>/dev/null || true
tr -d '\r' <"$1/ttyS1.log" >"$log1" 2>/dev/null || true

expect() { # DESC FILE REGEX
	case $2 in
	"$log0") where=COM1 ;;
	"$log1") where=COM2 ;;
	*) where=$(basename "$2") ;;
	esac
	if grep -q -e "$3" "$2"; then echo "PASS $1"; else echo "FAIL $1 (no '$3' on $where)"; fi
}
expect "COM1: node0 panicked" "$log0" "Kernel panic - not syncing: sysrq triggered crash"
expect "COM1: panic=1 led to an emergency restart" "$log0" "Rebooting in 1 seconds"
expect "COM1: node0 refused to reset the machine under node1" "$log0" \
	"node0 does not reset the machine while node1 (node1) is running; node0 halts alone"
n=$(grep -c "SeaBIOS" "$log0")
[ "$n" = 1 ] && echo "PASS COM1: the firmware ran once (no reset)" ||
	echo "FAIL COM1: the firmware ran once (no reset) ($n times)"

if ! grep -q "NODE1 BEGIN" "$log1"; then
	echo "FAIL node1 reached its init (no NODE1 BEGIN on COM2; last lines: $(tail -n 5 "$log1" | tr '\n' ' '))"
	exit 0
fi
echo "PASS node1 reached its init (COM2)"
sed -n 's/^NODE1 PASS: /PASS /p; s/^NODE1 FAIL: /FAIL /p' "$log1"
expect "node1 finished its checks" "$log1" "NODE1 DONE"
expect "QEMU quit on node1's request" "$1/monitor.log" "^\[ *[0-9.]*\] > quit"
