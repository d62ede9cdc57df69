#!/bin/bash
# node1's own checks, from its console (COM2).
log=$(mktemp)
tr -d '\r' <"$1/ttyS1.log" >"$log" 2>/dev/null || true
if grep -q "NODE1 BEGIN" "$log"; then
	echo "PASS node1 reached its init (COM2)"
else
	echo "FAIL node1 reached its init (no NODE1 BEGIN on COM2; last lines: $(tail -n 5 "$log" | tr '\n' ' '))"
fi
sed -n "s/^NODE1 PASS: /PASS node1: /p; s/^NODE1 FAIL: /FAIL node1: /p" "$log"
grep -q "NODE1 CHECKS DONE" "$log" || echo "FAIL node1 ran its own move checks (no NODE1 CHECKS DONE on COM2)"
rm -f "$log"
