#!/bin/sh
# The canonical Mint UAPI header is kernel-mint/uapi/linux/mint.h.  The
# patch series adds exactly that file as include/uapi/linux/mint.h; fail if
# the patch's copy and the canonical file differ.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
canon="$here/uapi/linux/mint.h"
patch=$(grep -l '^+++ b/include/uapi/linux/mint.h' "$here"/patches/*.patch | head -n1)
[ -n "$patch" ] || { echo "no patch adds include/uapi/linux/mint.h" >&2; exit 1; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
awk '
	/^\+\+\+ b\/include\/uapi\/linux\/mint.h/ { f = 1; next }
	f && /^@@/ { next }
	f && /^(diff --git|-- $)/ { exit }
	f && /^\+/ { print substr($0, 2) }
' "$patch" > "$tmp"
if ! cmp -s "$tmp" "$canon"; then
	echo "$(basename "$patch") and $canon differ:" >&2
	diff -u "$canon" "$tmp" >&2 || true
	exit 1
fi
echo "uapi header in sync ($(basename "$patch"))"
