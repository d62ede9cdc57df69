#!/bin/bash
# node0's root ($1) gets the Mint kernel, cpuloop, and node1's initramfs
# (busybox, cpuloop, node1-init.sh). A copy of that initramfs also goes to the
# log dir for the fresh-QEMU comparison (eval/run-boot-bench).
set -euo pipefail
root=$1
here=$(cd "$(dirname "$0")" && pwd)
cpuloop=$E2E_BUILD/eval/cpuloop
[ -x "$cpuloop" ] || { echo "stage.sh: $cpuloop is not built" >&2; exit 1; }
mkdir -p "$root/boot" "$root/usr/bin"
cp "$E2E_KERNEL" "$root/boot/bzImage"
install -m 0755 "$cpuloop" "$root/usr/bin/cpuloop"

n1=$(mktemp -d)
trap 'rm -rf "$n1"' EXIT
mkdir -p "$n1"/{bin,proc,sys,dev,tmp}
cp /bin/busybox "$n1/bin/busybox"
for applet in $("$n1/bin/busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$n1/bin/$applet"
done
install -m 0755 "$cpuloop" "$n1/bin/cpuloop"
install -m 0755 "$here/node1-init.sh" "$n1/init"
(cd "$n1" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet) |
	gzip -1 >"$root/boot/node1.cpio.gz"
cp "$root/boot/node1.cpio.gz" "$E2E_LOG/node1.cpio.gz"
cp "$E2E_KERNEL" "$E2E_LOG/bzImage"
