#!/bin/sh
# shellcheck shell=dash
# node2: print its command line (a reboot must bring the new one), run mintd.
NODE=NODE2
. /node-lib.sh
echo "NODE2 BEGIN: cmdline: $(cat /proc/cmdline)"
check "node2's mintd starts" start_mintd
JQ='.node.name == "node2" and ([.cpus[] | select(.online)] | length) == 1'
check "node2's own status: node2 with 1 CPU" json_is status --json
echo "NODE2 READY"
while :; do sleep 3600; done
