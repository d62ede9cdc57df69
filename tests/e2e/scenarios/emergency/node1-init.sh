#!/bin/sh
# shellcheck shell=dash
# /init of node1 (emergency): waits until node0 is gone (its heartbeat
# stops after its panic), checks from inside that node0 is marked failed
# and that node1 still runs, then ends the run: "E2E MONITOR: quit" on
# COM2 asks the harness to quit QEMU. Results are "NODE1 PASS:" and
# "NODE1 FAIL:" lines on COM2, collected by host-check.sh.
NODE=NODE1
. /node-lib.sh

# beats NODE: how far NODE's heartbeat moved in one second
beats() {
	mint-chan heartbeat "$1" 1000 |
		sed -n 's/.*heartbeat \([0-9]*\) -> \([0-9]*\):.*/\2 - \1/p' |
		{ read -r e && echo $((e)); }
}

echo "NODE1 BEGIN: $(uname -r), CPUs $(cat /sys/devices/system/cpu/online)"
i=0
while [ "$(beats 0)" != 0 ] && [ $i -lt 300 ]; do i=$((i + 1)); done
echo "node1: node0's heartbeat stopped after about $i s"
if [ "$(beats 0)" = 0 ]; then
	pass "node0's heartbeat stopped (node0 halted)"
else
	fail "node0's heartbeat stopped" "still beating after 300 s"
fi
n0=$(mint-chan node 0)
case $n0 in
*"state=failed reason=panic "*) pass "the table says node0 failed, reason panic" ;;
*) fail "the table says node0 failed, reason panic" "$n0" ;;
esac
# node1 lives on: its heartbeat, its state, its CPUs doing work.
sleep 3
b=$(beats 1)
if [ "${b:-0}" -gt 0 ]; then
	pass "node1's heartbeat still moves ($b per second)"
else
	fail "node1's heartbeat still moves" "moved '$b'"
fi
case $(mint-chan node 1) in
*"state=running "*) pass "node1 is still running" ;;
*) fail "node1 is still running" "$(mint-chan node 1)" ;;
esac
sum() { dd if=/dev/zero bs=1M count=32 2>/dev/null | md5sum | cut -d' ' -f1; }
s1=$(sum)
if [ -n "$s1" ] && [ "$s1" = "$(sum)" ]; then
	pass "node1 still computes (md5 of 32 MiB, twice)"
else
	fail "node1 still computes" "sums '$s1'"
fi
if [ "$(beats 0)" = 0 ]; then
	pass "node0 stays halted"
else
	fail "node0 stays halted" "it beats again"
fi
echo "NODE1 DONE"
sleep 1
echo "E2E MONITOR: quit"
while :; do sleep 60; done
