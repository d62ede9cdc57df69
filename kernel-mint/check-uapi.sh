#!/bin/sh
# The canonical Mint UAPI header is kernel-mint/uapi/linux/mint.h.  The
# patch series adds it as include/uapi/linux/mint.h (and later patches may
# extend it); fail if the header the whole series leaves in the kernel tree
# and the canonical file differ.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
canon="$here/uapi/linux/mint.h"
file=include/uapi/linux/mint.h
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
while read -r p; do
	p=${p%%#*}
	[ -n "$p" ] || continue
	grep -q "^+++ b/$file\$" "$here/patches/$p" || continue
	# Only this file's hunks, into an empty tree.
	if ! (cd "$tmp" && git apply --include="$file" "$here/patches/$p"); then
		echo "$p: its hunks of $file do not apply" >&2
		exit 1
	fi
	n=$((n + 1))
done <"$here/series"
[ "$n" -gt 0 ] || { echo "no patch of the series adds $file" >&2; exit 1; }
if ! cmp -s "$tmp/$file" "$canon"; then
	echo "the series' $file and $canon differ:" >&2
	diff -u "$canon" "$tmp/$file" >&2 || true
	exit 1
fi
echo "uapi header in sync ($n patches touch it)"
