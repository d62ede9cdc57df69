#!/bin/bash
# node0's root ($1) gets the kernel (the same bzImage) and node1's initramfs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
e2e=$(cd "$here/../.." && pwd)
mkdir -p "$1/boot"
cp "$E2E_KERNEL" "$1/boot/bzImage"
"$e2e/make-node-initrd" --mint "$E2E_BUILD" "$1/boot/node1.cpio.gz" "$here/node1-init.sh"
