#!/bin/bash
# node0's root ($1) gets the Mint kernel, cpuloop, and node1's initramfs
# (busybox, cpuloop, node1-init.sh). A copy of that initramfs and of the
# kernel also goes to the log dir for the fresh-QEMU comparison.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# A copy of this scenario elsewhere (run-boot-bench's boot from FREE resources) names the tree.
[ -x "$repo/tests/e2e/make-node-initrd" ] || repo=$MINT_REPO
cpuloop=$E2E_BUILD/eval/cpuloop
[ -x "$cpuloop" ] || { echo "stage.sh: $cpuloop is not built" >&2; exit 1; }
mkdir -p "$1/boot" "$1/usr/bin"
cp "$E2E_KERNEL" "$1/boot/bzImage"
install -m 0755 "$cpuloop" "$1/usr/bin/cpuloop"
"$repo/tests/e2e/make-node-initrd" "$1/boot/node1.cpio.gz" "$here/node1-init.sh" \
	"$cpuloop:bin/cpuloop"
cp "$1/boot/node1.cpio.gz" "$E2E_LOG/node1.cpio.gz"
cp "$E2E_KERNEL" "$E2E_LOG/bzImage"
