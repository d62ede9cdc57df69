#!/bin/bash
# node0's root ($1) gets the kernel (the same bzImage) and node1's initramfs;
# node1's initramfs holds the kernel again and node2's initramfs, so node1 can
# boot node2. Both further nodes run mintd.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
e2e=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
tools=$E2E_BUILD/tests/e2e
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$1/boot"
cp "$E2E_KERNEL" "$1/boot/bzImage"
"$e2e/make-node-initrd" --mint "$E2E_BUILD" "$work/node2.cpio.gz" "$here/node2-init.sh" \
	"$tools/mint-chan:/usr/bin/mint-chan"
"$e2e/make-node-initrd" --mint "$E2E_BUILD" "$1/boot/node1.cpio.gz" "$here/node1-init.sh" \
	"$tools/mint-chan:/usr/bin/mint-chan" \
	"$E2E_KERNEL:/boot/bzImage" "$work/node2.cpio.gz:/boot/node2.cpio.gz"
