#!/bin/bash
# node0's root ($1) gets the kernel (the same bzImage) and node1's initramfs
# (mintd, mint-chan, and the checks node1 runs when node0 asks).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
e2e=$(cd "$here/../.." && pwd)
tools=$E2E_BUILD/tests/e2e
mkdir -p "$1/boot"
cp "$E2E_KERNEL" "$1/boot/bzImage"
"$e2e/make-node-initrd" --mint "$E2E_BUILD" "$1/boot/node1.cpio.gz" "$here/node1-init.sh" \
	"$tools/mint-chan:/usr/bin/mint-chan"
