#!/bin/bash
# Runs on the host after QEMU exits: $1 = log dir.
set -euo pipefail
if tr -d '\r' <"$1/ttyS1.log" | grep -q 'hello from ttyS1'; then
	echo "PASS second serial port logged"
else
	echo "FAIL second serial port logged (ttyS1.log lacks the line)"
fi
