#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the base root file system of a KVM host node (systemd, libvirtd, QEMU)
# from Debian packages with mmdebstrap, once per package list: the result is
# cached outside the repository, by the hash of packages.list and this script,
# like the kernel (kernel-mint/build.sh).
#
#   kvm-setup/build-rootfs.sh            # prints the cache directory on the last line
#
# Result: $MINT_ROOTFS_CACHE/<hash>/root/ (the file system tree, owned by root)
# and packages.txt (every installed package with its version). An existing
# result is reused. make-node-image.sh turns it into a bootable disk image.
#
# Environment:
#   MINT_ROOTFS_CACHE   cache dir (default /var/cache/mint-rootfs)
#   MINT_ROOTFS_MIRROR  Debian mirror (default http://deb.debian.org/debian)
#   MINT_ROOTFS_SUITE   suite (default bookworm)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${MINT_ROOTFS_CACHE:-/var/cache/mint-rootfs}
mirror=${MINT_ROOTFS_MIRROR:-http://deb.debian.org/debian}
suite=${MINT_ROOTFS_SUITE:-bookworm}

die() { echo "build-rootfs: error: $*" >&2; exit 1; }
log() { echo "build-rootfs: $*" >&2; }

[ "$(id -u)" = 0 ] || die "needs root (mmdebstrap --mode=root keeps the files' owners)"
command -v mmdebstrap >/dev/null || die "mmdebstrap missing (apt-get install mmdebstrap)"

mapfile -t packages < <(sed 's/#.*//' "$here/packages.list" | xargs -n1)
[ ${#packages[@]} -gt 0 ] || die "no packages in $here/packages.list"

hash=$( {
	echo "suite: $suite"
	sha256sum "$here/packages.list" "$0" | awk '{print $1}'
} | sha256sum | cut -c1-16)
out=$cache/$hash
mkdir -p "$cache"
exec 9>"$cache/lock"
flock 9

if [ -f "$out/done" ]; then
	log "up to date: $out"
	echo "$out"
	exit 0
fi

tmp=$out.tmp.$$
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
log "building $suite root file system with ${#packages[@]} packages into $out"
start=$(date +%s)
# Docs, manuals and translations are never read on a node; they are a third of
# the size. Recommends stay out: the list names everything the node needs.
# SOURCE_DATE_EPOCH makes the file times (and so the image) reproducible for
# the same package versions.
SOURCE_DATE_EPOCH=1700000000 mmdebstrap --variant=essential --mode=root --format=directory \
	--aptopt='APT::Install-Recommends "false"' \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/info/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-include=/usr/share/locale/locale.alias' \
	--include="$(
		IFS=,
		echo "${packages[*]}"
	)" \
	--customize-hook='chroot "$1" dpkg-query -W -f="\${Package} \${Version}\n" >"$1/../packages.txt"' \
	--customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/*.log' \
	"$suite" "$tmp/root" \
	"deb $mirror $suite main" "deb $mirror $suite-updates main" \
	"deb ${mirror%/debian}/debian-security $suite-security main" >&2 ||
	die "mmdebstrap failed"
du -sm "$tmp/root" | awk '{print $1}' >"$tmp/size-mib"
touch "$tmp/done"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
log "done in $(($(date +%s) - start)) s: $out ($(cat "$out/size-mib") MiB, $(wc -l <"$out/packages.txt") packages)"
echo "$out"
