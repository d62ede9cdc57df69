#!/bin/bash
# test-completion.sh MINTCTL: the bash completion of mintctl against the real
# mintctl's --help and a canned Status reply (test-status.json, as mintctl
# --json prints it), once with jq and once with the awk fallback.
set -u
here=$(cd "$(dirname "$0")" && pwd)
real=$(readlink -f "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/jq" "$tmp/nojq"
# A mintctl whose "status --json" is the canned reply; everything else is the real one.
cat >"$tmp/mintctl" <<EOS
#!/bin/bash
for a in "\$@"; do [ "\$a" = status ] && exec cat "$here/test-status.json"; done
exec "$real" "\$@"
EOS
chmod +x "$tmp/mintctl"
for b in bash awk timeout grep sort cat readlink; do ln -s "$(command -v $b)" "$tmp/nojq/$b"; done
cp -a "$tmp/nojq/." "$tmp/jq/"
ln -s "$tmp/mintctl" "$tmp/nojq/mintctl"
ln -s "$tmp/mintctl" "$tmp/jq/mintctl"
command -v jq >/dev/null && ln -s "$(command -v jq)" "$tmp/jq/jq"

cat >"$tmp/cases.sh" <<'EOS'
. "$COMPLETION"
pass=0 fail=0
expect() { # "WORDS..." EXPECTED
	local -a w
	read -r -a w <<<"$1"
	[[ $1 == *" " ]] && w+=("")
	COMP_WORDS=("${w[@]}") COMP_CWORD=$((${#w[@]} - 1)) COMPREPLY=()
	_mintctl
	if [ "${COMPREPLY[*]}" = "$2" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL ($MODE) '$1': got '${COMPREPLY[*]}', expected '$2'"
		fail=$((fail + 1))
	fi
}
expect "mintctl " "boot check cpu dev disk halt kill log mem reboot status vm"
expect "mintctl c" "check cpu"
expect "mintctl cpu " "release reclaim move"
expect "mintctl --json vm s" "start stop"
expect "mintctl cpu release " "1 4"
expect "mintctl cpu release 1," "1,4"
expect "mintctl cpu reclaim " "3"
expect "mintctl cpu move 4 --to " "node0 node1"
expect "mintctl dev release " "0000:00:02.0"
expect "mintctl dev reclaim " "0000:00:03.0 0000:00:04.0"
expect "mintctl boot " "node2 node3"
expect "mintctl boot node3 --cores 1,4 --dev " "0000:00:02.0"
expect "mintctl boot node3 --m" "--mem="
expect "mintctl halt " "node1 node2"
expect "mintctl -n node1 vm console " "g1"
expect "mintctl check --" "--json --socket= --node= --help --version --sysroot="
expect "mintctl status " ""
echo "$MODE: $pass passed, $fail failed"
[ "$fail" = 0 ]
EOS
rc=0
for mode in jq nojq; do
	[ "$mode" = nojq ] || command -v jq >/dev/null || continue
	PATH=$tmp/$mode MODE=$mode COMPLETION=$here/mintctl.bash bash "$tmp/cases.sh" || rc=1
done
exit $rc
