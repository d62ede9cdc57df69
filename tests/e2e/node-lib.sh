# shellcheck shell=dash
# What the /init of every further node shares (make-node-initrd installs it
# as /node-lib.sh; set NODE=NODEn, then source it): PATH and the library
# path, mounts, the console as output, result lines on the node's own console
# ("NODEn PASS: ...", collected by host-check.sh), and mintd for the nodes
# that run one.
export PATH=/bin:/usr/bin
LD_LIBRARY_PATH=$(cat /etc/ld-library-path)
export LD_LIBRARY_PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /run
exec >/dev/console 2>&1

pass() { echo "$NODE PASS: $1"; }
fail() { echo "$NODE FAIL: $1 ($2)"; }
check() { # DESC CMD...
	_d=$1
	shift
	if _out=$("$@" 2>&1); then pass "$_d"; else fail "$_d" "$(echo "$_out" | tail -n 2 | tr '\n' ' ')"; fi
}
json_is() { mintctl "$@" | jq -e "$JQ" >/dev/null; }

start_mintd() {
	mintd >/run/mintd.log 2>&1 &
	for _i in $(seq 1 100); do [ -S /run/mint/mintd.sock ] && return 0; sleep 0.2; done
	cat /run/mintd.log
	return 1
}
