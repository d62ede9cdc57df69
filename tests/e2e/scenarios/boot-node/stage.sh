#!/bin/bash
# Put node1's kernel (the same bzImage node0 runs) and node1's initramfs
# (busybox plus node1-init.sh as /init) into node0's root ($1).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
e2e=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
mkdir -p "$1/boot"
cp "$E2E_KERNEL" "$1/boot/bzImage"
"$e2e/make-node-initrd" "$1/boot/node1.cpio.gz" "$here/node1-init.sh"
