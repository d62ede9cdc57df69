#!/bin/bash
# node1's kernel (the bzImage node0 runs) and its initramfs: busybox, the
# node1 agent as /init, and the tools it uses.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
e2e=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
tools=$E2E_BUILD/tests/e2e
mkdir -p "$1/boot"
cp "$E2E_KERNEL" "$1/boot/bzImage"
"$e2e/make-node-initrd" "$1/boot/node1.cpio.gz" "$here/node1-init.sh" \
	"$tools/mint-chan:/bin/mint-chan" "$tools/mint-syscall:/bin/mint-syscall"
# mint-kexec: node0 claims back what the lying boots left free.
install -D -m 0755 "$E2E_BUILD/kexec-ext/mint-kexec" "$1/usr/bin/mint-kexec"
