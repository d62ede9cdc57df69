#!/bin/bash
# node1's own checks (COM2): it reached its init every time it booted.
n=$(tr -d '\r' <"$1/ttyS1.log" | grep -c "NODE1 BEGIN")
if [ "$n" -ge 3 ]; then echo "PASS node1 reached its init 3 times (COM2)"; else
	echo "FAIL node1 reached its init 3 times (COM2: $n)"; fi
