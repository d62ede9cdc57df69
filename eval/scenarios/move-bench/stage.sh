#!/bin/bash
# node0's root ($1) gets the kernel and node1's initramfs (with mintd).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
mkdir -p "$1/boot"
cp "$E2E_KERNEL" "$1/boot/bzImage"
"$repo/tests/e2e/make-node-initrd" --mint "$E2E_BUILD" "$1/boot/node1.cpio.gz" \
	"$repo/tests/e2e/scenarios/boot-free/node1-init.sh"
install -D -m 0755 "$E2E_BUILD/eval/timeit" "$1/usr/bin/timeit"
