#!/bin/sh
# shellcheck shell=dash
# node1: run mintd, reach node0's mintd, then wait for node0's signal to panic.
NODE=NODE1
. /node-lib.sh
echo "NODE1 BEGIN: $(uname -r), cmdline: $(cat /proc/cmdline)"
check "node1's mintd starts" start_mintd
JQ='.node.name == "node0" and (.nodes | length) >= 2'
check "node1 reaches node0's mintd (mintctl -n node0 status)" json_is -n node0 status --json
JQ='.node.name == "node1" and ([.cpus[] | select(.online)] | length) == 2'
check "node1's own status: node1 with 2 CPUs" json_is status --json
echo "NODE1 READY"
# node0 tells node1 when to panic (the scenario's last part).
mint-chan listen 7 | while read -r line; do
	case $line in
	*panic*)
		echo "NODE1 PANICKING"
		echo c >/proc/sysrq-trigger
		;;
	esac
done
while :; do sleep 3600; done
