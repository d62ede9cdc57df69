#!/bin/bash
# node1's kernel (the bzImage node0 runs) and its initramfs: busybox, the
# node1 agent as /init, and mint-chan to read the table.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
e2e=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
mkdir -p "$1/boot"
cp "$E2E_KERNEL" "$1/boot/bzImage"
"$e2e/make-node-initrd" "$1/boot/node1.cpio.gz" "$here/node1-init.sh" \
	"$E2E_BUILD/tests/e2e/mint-chan:/bin/mint-chan"
