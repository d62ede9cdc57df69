#!/bin/sh
# check-commands.sh MINTCTL MINTCTL.8.SCD MINTD MINTD.8.SCD: the man pages
# document exactly the commands of `mintctl --help` and the options of
# `mintctl --help` and `mintd --help` (a meson test: the pages stay in step).
set -eu
mintctl=$1 mintctl_man=$2 mintd=$3 mintd_man=$4
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The command names: the lower-case words of the left column of "Commands:".
"$mintctl" --help | awk '
	/^Commands:/ { on = 1; next }
	on && /^$/ { exit }
	on { n = split(substr($0, 3, 24), w, " "); name = ""
	     for (i = 1; i <= n && w[i] ~ /^[a-z]+$/; i++) name = name (name ? " " : "") w[i]
	     print name }' | sort >"$tmp/help"
# In the page: "*name*" opening a line of the COMMANDS section.
awk '
	/^# / { on = ($0 == "# COMMANDS"); next }
	on && /^\*[a-z][a-z ]*\*/ { sub(/^\*/, ""); sub(/\*.*/, ""); print }' "$mintctl_man" |
	sort >"$tmp/man"
if ! cmp -s "$tmp/help" "$tmp/man"; then
	echo "mintctl --help and $mintctl_man list different commands (< --help, > man page):"
	diff "$tmp/help" "$tmp/man" | grep '^[<>]' || true
	fail=1
fi
[ -s "$tmp/help" ] || { echo "no commands found in mintctl --help"; fail=1; }

# Long options: every --option of --help appears in the page's OPTIONS section.
options() { grep -o -- '--[a-z][a-z-]*' | sort -u; }
man_options() { awk '/^# / { on = ($0 == "# OPTIONS"); next } on' "$1" | options; }
for prog in mintctl mintd; do
	eval "bin=\$$prog man=\$${prog}_man"
	"$bin" --help | awk '/^Commands:/ { skip = 1 } /^$/ { skip = 0 } !skip' | options >"$tmp/opts-help"
	man_options "$man" >"$tmp/opts-man"
	if ! cmp -s "$tmp/opts-help" "$tmp/opts-man"; then
		echo "$prog --help and $man document different options (< --help, > man page):"
		diff "$tmp/opts-help" "$tmp/opts-man" | grep '^[<>]' || true
		fail=1
	fi
done
[ "$fail" = 0 ] && echo "man pages and --help agree: $(wc -l <"$tmp/help") commands"
exit "$fail"
