#!/bin/sh
# shellcheck shell=dash
# node1: say where it runs, run mintd (so that a halt goes through it).
NODE=NODE1
. /node-lib.sh
echo "NODE1 BEGIN: $(grep -c ^processor /proc/cpuinfo) CPUs, $(grep MemTotal /proc/meminfo)"
check "node1's mintd starts" start_mintd
while :; do sleep 3600; done
