#!/bin/bash
# Put node1's kernel (the same bzImage node0 runs) and node1's initramfs into
# node0's root ($1). node1's initramfs is busybox plus node1-init.sh as /init.
set -euo pipefail
root=$1
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$root/boot"
cp "$E2E_KERNEL" "$root/boot/bzImage"

n1=$(mktemp -d)
trap 'rm -rf "$n1"' EXIT
mkdir -p "$n1"/{bin,proc,sys,dev,tmp}
cp /bin/busybox "$n1/bin/busybox"
for applet in $("$n1/bin/busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$n1/bin/$applet"
done
install -m 0755 "$here/node1-init.sh" "$n1/init"
(cd "$n1" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet) |
	gzip -1 >"$root/boot/node1.cpio.gz"
