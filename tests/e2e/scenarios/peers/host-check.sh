#!/bin/bash
# node1's and node2's own checks, from their consoles (COM2, COM3).
for n in 1 2; do
	log=$(mktemp)
	tr -d '\r' <"$1/ttyS$n.log" >"$log" 2>/dev/null || true
	if grep -q "NODE$n BEGIN" "$log"; then
		echo "PASS node$n reached its init (COM$((n + 1)))"
	else
		echo "FAIL node$n reached its init (no NODE$n BEGIN on COM$((n + 1)); last lines: $(tail -n 5 "$log" | tr '\n' ' '))"
	fi
	sed -n "s/^NODE$n PASS: /PASS node$n: /p; s/^NODE$n FAIL: /FAIL node$n: /p" "$log"
	rm -f "$log"
done
# node2 was rebooted with a marker on its command line: its second boot shows it.
if tr -d '\r' <"$1/ttyS2.log" | grep -q "NODE2 BEGIN: cmdline: .*mint.reboot=2"; then
	echo "PASS node2 came back with the new command line (COM3)"
else
	echo "FAIL node2 came back with the new command line (no second NODE2 BEGIN with mint.reboot=2 on COM3)"
fi
