#!/bin/sh
# shellcheck shell=dash
# node1: run mintd, then do what node0 asks over the channel (port 7):
#   checks  run node1's own move checks and answer "checks-done" on node0's port 8;
#   disk    check the file node0 wrote on the migrated disk, write a second one,
#           answer "sum <sha256>";
#   panic   panic.
NODE=NODE1
. /node-lib.sh
echo "NODE1 BEGIN: $(uname -r), cmdline: $(cat /proc/cmdline)"
check "node1's mintd starts" start_mintd
check_fails_with() { # DESC TEXT CMD...: CMD fails and says TEXT
	_d=$1 _t=$2
	shift 2
	if _out=$("$@" 2>&1); then
		fail "$_d" "it succeeded: $(echo "$_out" | tail -n 1)"
	elif echo "$_out" | grep -q "$_t"; then
		pass "$_d"
	else
		fail "$_d" "no \"$_t\" in: $(echo "$_out" | tail -n 2 | tr '\n' ' ')"
	fi
}
online() { grep -c ^processor /proc/cpuinfo; }
own_checks() {
	check_fails_with "from node1: CPU 0 cannot move (node1 keeps its boot CPU)" "CPU 0" \
		mintctl cpu move 0 --to node0
	check "from node1: mintctl -n node0 cpu move 1 --to node1" mintctl -n node0 cpu move 1 --to node1
	n=$(mintctl status --json | jq '[.cpus[] | select(.online and .owner == "node1")] | length')
	if [ "$n" = 2 ] && [ "$(online)" = 2 ]; then pass "node1 has 2 CPUs online"; else
		fail "node1 has 2 CPUs online" "status says $n, /proc/cpuinfo $(online)"; fi
	mine=$(mintctl status --json | jq '[.cpus[] | select(.online and .id != 0) | .id][0]')
	check "from node1: the CPU goes back (mintctl cpu move $mine --to node0)" \
		mintctl cpu move "$mine" --to node0
	check_fails_with "from node1: its last CPU cannot move" "CPU 0" mintctl cpu move 0 --to node0
	echo "NODE1 CHECKS DONE"
}
echo "NODE1 READY"
mint-chan listen 7 | while read -r line; do
	case $line in
	*checks*)
		own_checks
		mint-chan send 0 8 checks-done >/dev/null
		;;
	*disk*)
		sum=$(sha256sum /mnt/file1 | cut -d' ' -f1)
		echo "written by node1" >/mnt/file2 && sync
		echo "NODE1 disk: file1 $sum"
		mint-chan send 0 8 "sum $sum" >/dev/null
		;;
	*panic*)
		echo "NODE1 PANICKING"
		echo c >/proc/sysrq-trigger
		;;
	esac
done
while :; do sleep 3600; done
