#!/bin/bash
# node1's checks are printed on its own console, COM2 (ttyS1.log).
log=$(mktemp)
trap 'rm -f "$log"' EXIT
tr -d '\r' <"$1/ttyS1.log" >"$log" 2>/dev/null || true
if ! grep -q "NODE1 BEGIN" "$log" 2>/dev/null; then
	echo "FAIL node1 reached its init (no NODE1 BEGIN on COM2; last lines: $(tail -n 5 "$log" 2>/dev/null | tr '\n' ' '))"
	exit 0
fi
echo "PASS node1 reached its init (COM2)"
sed -n 's/^NODE1 PASS: /PASS /p; s/^NODE1 FAIL: /FAIL /p' "$log"
grep -q "NODE1 DONE" "$log" && echo "PASS node1 finished its checks" ||
	echo "FAIL node1 finished its checks (no NODE1 DONE on COM2)"
