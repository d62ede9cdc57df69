#!/bin/bash
# COM2 (ttyS1.log) is node1's console: what the lying boots said before they
# halted, node1's own checks (its first real boot), and how it went down when
# node0 kexec'ed itself with force.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
tr -d '\r' <"$1/ttyS1.log" >"$log" 2>/dev/null || true

expect() { # DESC REGEX
	if grep -q -e "$2" "$log"; then echo "PASS $1"; else echo "FAIL $1 (no '$2' on COM2)"; fi
}
expect "COM2: node1 refused the e820 lie" "node1 refuses its boot information: e820 entry .* belongs to node0"
expect "COM2: node1 refused the CPU lie" "node1 refuses its boot information: CPU with APIC ID 0 belongs to node0"
expect "COM2: node1 refused the boot CPU lie" "node1 refuses its boot information: its boot CPU is APIC ID 3"
expect "COM2: node1 refused the PCI lie" "node1 refuses its boot information: PCI function .* belongs to node0"
expect "COM2: the kernel handed node2's id refused it" "node2 refuses its boot information: the table has node2 unused"

# node1's own checks, from its first real boot (it boots three times).
if ! grep -q "NODE1 BEGIN" "$log"; then
	echo "FAIL node1 reached its init (no NODE1 BEGIN on COM2; last lines: $(tail -n 5 "$log" | tr '\n' ' '))"
	exit 0
fi
echo "PASS node1 reached its init (COM2)"
awk '/NODE1 BEGIN/ { on = 1 } on { print } /NODE1 DONE/ { exit }' "$log" |
	sed -n 's/^NODE1 PASS: /PASS /p; s/^NODE1 FAIL: /FAIL /p'
awk '/NODE1 BEGIN/ { on = 1 } on { print } /NODE1 DONE/ { exit }' "$log" | grep -q "NODE1 DONE" &&
	echo "PASS node1 finished its checks" || echo "FAIL node1 finished its checks (no NODE1 DONE)"

# node0's forced kexec: node1, running, was asked to stop and parked itself.
last=$(awk '/NODE1 BEGIN/ { n = NR } END { print n }' "$log")
tail -n +"$last" "$log" >"$log.last"
if grep -q "node0 asks node1 to stop: powering off" "$log.last"; then
	echo "PASS at node0's forced kexec node1 was asked to stop"
else
	echo "FAIL at node0's forced kexec node1 was asked to stop (last lines: $(tail -n 5 "$log.last" | tr '\n' ' '))"
fi
if grep -q "node1 halted; its CPUs are parked" "$log.last"; then
	echo "PASS node1 halted itself before node0 kexec'ed"
else
	echo "FAIL node1 halted itself before node0 kexec'ed (last lines: $(tail -n 5 "$log.last" | tr '\n' ' '))"
fi
rm -f "$log.last"
