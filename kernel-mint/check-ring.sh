#!/bin/sh
# The canonical Mint channel ring algorithm is kernel-mint/ring/mint_ring.h
# (unit-tested in user space by tests/unit/test_ring.c).  The patch series
# adds exactly that file as include/linux/mint_ring.h; fail if the patch's
# copy and the canonical file differ.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
canon="$here/ring/mint_ring.h"
patch=$(grep -l '^+++ b/include/linux/mint_ring.h' "$here"/patches/*.patch | head -n1)
[ -n "$patch" ] || { echo "no patch adds include/linux/mint_ring.h" >&2; exit 1; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
awk '
	/^\+\+\+ b\/include\/linux\/mint_ring.h/ { f = 1; next }
	f && /^@@/ { next }
	f && /^(diff --git|-- $)/ { exit }
	f && /^\+/ { print substr($0, 2) }
' "$patch" > "$tmp"
if ! cmp -s "$tmp" "$canon"; then
	echo "$(basename "$patch") and $canon differ:" >&2
	diff -u "$canon" "$tmp" >&2 || true
	exit 1
fi
echo "ring header in sync ($(basename "$patch"))"
