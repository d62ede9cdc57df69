#!/bin/sh
# node1's native runs of the paper benchmark (mint-paperbench.service). Once
# systemd has no other job left and a few seconds more, it waits on port 9
# of the inter-node channel for "run ENV FIRST" from node0 and then runs
# paperbench on node1's CPU 1 against a file on node1's root disk (its
# lseek+read test starting at read FIRST). The result lines go to the kernel
# log, so to node1's console (COM2) in one piece (a getty starting on the
# console may flush what a tty writer has not sent yet); the end mark
# "PAPERBENCH-NODE1 DONE env=ENV" also lands in node1's console tail in the
# resource table, where node0 waits for it (`mintctl log node1`).
dir=/usr/lib/mint/paperbench
i=0
while [ "$(systemctl list-jobs --no-legend 2>/dev/null | wc -l)" -gt 1 ] && [ "$i" -lt 300 ]; do
	sleep 1
	i=$((i + 1))
done
sleep 5
echo "<5>PAPERBENCH-NODE1 READY: listening on channel port 9" >/dev/kmsg
while :; do
	# shellcheck disable=SC2046
	set -- $("$dir/mint-chan" listen -n 1 9 | sed -n 's/^from node[0-9]* port [0-9]*: //p')
	[ "${1:-}" = run ] && [ $# = 3 ] || continue
	"$dir/paperbench" -e "$2" -c 1 -k "$3" -f /var/lib/mint-bench/data >/run/paperbench.txt 2>&1
	rc=$?
	while IFS= read -r line; do
		echo "<5>$line" >/dev/kmsg
	done </run/paperbench.txt
	echo "<5>PAPERBENCH-NODE1 DONE env=$2 status=$rc" >/dev/kmsg
done
