#!/bin/bash
# Show what node1 printed on its own console (COM2).


if tr -d '\r' <"$1/ttyS1.log" | grep -q "DEMO NODE1 UP"; then
	echo "PASS node1 reached its init"
else
	echo "FAIL node1 reached its init"
fi
