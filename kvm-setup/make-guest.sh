#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make-guest.sh DIR [KERNEL]: the small test guest in DIR: bzImage (KERNEL:
# default the Mint kernel from kernel-mint/build.sh; Debian's
# /boot/vmlinuz-* works too) and initrd.cpio.gz (static busybox and
# guest-init.sh, which prints "MINT-GUEST-UP: ..." on the guest's console).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: make-guest.sh DIR [KERNEL]}
kernel=${2:-}
if [ -z "$kernel" ]; then
	kernel=$("$here/../kernel-mint/build.sh" | tail -n1)/bzImage
fi
[ -r "$kernel" ] || { echo "make-guest.sh: no kernel $kernel" >&2; exit 1; }
busybox=/bin/busybox
ldd "$busybox" >/dev/null 2>&1 && { echo "make-guest.sh: $busybox is not static (busybox-static)" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,proc,sys,dev,tmp}
# The kernel opens the init's stdin/stdout on /dev/console before anything is mounted.
mknod -m 600 "$root/dev/console" c 5 1
cp "$busybox" "$root/bin/busybox"
for a in $("$root/bin/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"; done
install -m 0755 "$here/guest-init.sh" "$root/init"
mkdir -p "$out"
(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet) |
	gzip -9n >"$out/initrd.cpio.gz"
cp "$kernel" "$out/bzImage"
