#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make-node-image.sh OUT.img [--kernel-build DIR] [--mint-build DIR] [--guest-kernel FILE]
#
# The disk image a KVM host node boots from (`mintctl boot NODE ... --dev
# <that disk> --append root=/dev/vda`): the cached base root file system of
# build-rootfs.sh, plus
#   - kvm-setup/rootfs/ (units, libvirt and journald configuration, the
#     kvm-setup script),
#   - mintd and mintctl from the Mint build dir (default <repo>/build) with
#     configs/mintd.service and mintd.socket, enabled,
#   - mint-kvm-check (kvm-check.c) for the setup's self-test,
#   - the Mint kernel's modules (kvm, kvm_amd, kvm_intel, ...) from the kernel
#     build dir (default: kernel-mint/build.sh's result),
#   - the test guest in /usr/share/mint/guest/ (make-guest.sh),
# as an ext4 file system labelled mint-root, sized to its contents plus
# MINT_NODE_IMAGE_FREE (default 256M) of free space. Needs root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
die() { echo "make-node-image: error: $*" >&2; exit 1; }
log() { echo "make-node-image: $*" >&2; }

out=
kbuild=
mbuild=$repo/build
gkernel=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel-build) kbuild=$2; shift ;;
	--mint-build) mbuild=$2; shift ;;
	--guest-kernel) gkernel=$2; shift ;;
	-*) die "unknown option $1" ;;
	*) [ -z "$out" ] || die "one image at a time"; out=$1 ;;
	esac
	shift
done
[ -n "$out" ] || die "usage: make-node-image.sh OUT.img [--kernel-build DIR] [--mint-build DIR] [--guest-kernel FILE]"
[ "$(id -u)" = 0 ] || die "needs root (the image's files belong to root)"
[ -n "$kbuild" ] || kbuild=$("$repo/kernel-mint/build.sh" | tail -n1)
[ -r "$kbuild/bzImage" ] || die "no bzImage in kernel build $kbuild"
[ -x "$mbuild/mintd/mintd" ] && [ -x "$mbuild/mintctl/mintctl" ] || die "no mintd/mintctl in $mbuild (ninja -C $mbuild)"
kver=$(ls "$kbuild/modules/lib/modules")
[ -n "$kver" ] && [ -d "$kbuild/modules/lib/modules/$kver" ] || die "no modules in $kbuild/modules"

start=$(date +%s)
base=$("$here/build-rootfs.sh" | tail -n1)
stage=$(mktemp -d /var/tmp/mint-node-image.XXXXXX)
trap 'rm -rf "$stage"' EXIT
cp -a "$base/root/." "$stage/"
cp -a "$here/rootfs/." "$stage/"
install -D -m 0755 "$mbuild/mintd/mintd" "$stage/usr/sbin/mintd"
install -D -m 0755 "$mbuild/mintctl/mintctl" "$stage/usr/bin/mintctl"
install -D -m 0644 "$repo/configs/mintd.service" "$stage/etc/systemd/system/mintd.service"
install -D -m 0644 "$repo/configs/mintd.socket" "$stage/etc/systemd/system/mintd.socket"
${CC:-cc} -O2 -Wall -Wextra -Werror -o "$stage/usr/lib/mint/mint-kvm-check" "$here/kvm-check.c" ||
	die "cannot compile kvm-check.c"
mkdir -p "$stage/usr/lib/modules"
cp -a "$kbuild/modules/lib/modules/$kver" "$stage/usr/lib/modules/"
depmod -b "$stage" "$kver"
"$here/make-guest.sh" "$stage/usr/share/mint/guest" "${gkernel:-$kbuild/bzImage}"
# Units: what `systemctl enable` would do; systemd-firstboot would wait for
# answers on the console.
wants=$stage/etc/systemd/system/multi-user.target.wants
mkdir -p "$wants" "$stage/etc/systemd/system/sockets.target.wants"
for u in mint-kvm-setup.service libvirtd.service mintd.service; do
	ln -sf "/etc/systemd/system/$u" "$wants/$u"
done
ln -sf /etc/systemd/system/mintd.socket "$stage/etc/systemd/system/sockets.target.wants/mintd.socket"
ln -sf /dev/null "$stage/etc/systemd/system/systemd-firstboot.service"
systemd-sysusers --root "$stage" "$stage/usr/lib/sysusers.d/mint-libvirt.conf" ||
	die "systemd-sysusers failed"
: >"$stage/etc/machine-id"

free_mib=$(( $(numfmt --from=iec "${MINT_NODE_IMAGE_FREE:-256M}") >> 20 ))
size_mib=$(( $(du -sm "$stage" | awk '{print $1}') * 11 / 10 + free_mib ))
rm -f "$out"
mke2fs -q -F -t ext4 -L mint-root -E root_owner=0:0 -d "$stage" "$out" "${size_mib}M" ||
	die "mke2fs failed"
log "$out: ${size_mib} MiB, kernel modules $kver, in $(($(date +%s) - start)) s"
