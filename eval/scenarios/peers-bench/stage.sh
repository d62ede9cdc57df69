#!/bin/bash
# node0's root ($1) gets the kernel and node1's initramfs (an echo server on
# channel port 9, the mint-chan tool).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
mkdir -p "$1/boot"
cp "$E2E_KERNEL" "$1/boot/bzImage"
"$repo/tests/e2e/make-node-initrd" "$1/boot/node1.cpio.gz" "$here/node1-init.sh" \
	"$E2E_BUILD/tests/e2e/mint-chan:/usr/bin/mint-chan"
