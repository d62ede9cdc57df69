#!/bin/bash
# node0's root ($1) gets the kernel (the same bzImage boots node1), a static
# mint-kvm-check, and the test guest with QEMU's firmware; node1's root file
# system becomes a disk image (kvm-setup/make-node-image.sh: the cached Debian
# base, mintd and mintctl of this build, the kernel's modules, the test
# guest), attached as a prebuilt disk with the serial disk-root.
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "$0")")/../../../.." && pwd)
mkdir -p "$1/boot"
cp "$E2E_KERNEL" "$1/boot/bzImage"
${CC:-cc} -static -O2 -Wall -Wextra -Werror -o "$1/usr/bin/mint-kvm-check" "$repo/kvm-setup/kvm-check.c"
"$repo/kvm-setup/make-node-image.sh" "$E2E_LOG/disk-root.img" --kernel-build "$(dirname "$E2E_KERNEL")" \
	--mint-build "$E2E_BUILD" >&2
echo "$E2E_LOG/disk-root.img" >>"$E2E_DISK_IMAGES"
# The test guest and what QEMU needs to boot it in node0 (BIOS, -kernel loader).
"$repo/kvm-setup/make-guest.sh" "$1/guest" "$E2E_KERNEL"
for f in /usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin \
	/usr/share/qemu/kvmvapic.bin; do
	install -D -m 0644 "$(readlink -f "$f")" "$1$f"
done
