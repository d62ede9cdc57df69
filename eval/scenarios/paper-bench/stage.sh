#!/bin/bash
# node0's root ($1) gets the kernel (it boots node1 and the guests too),
# paperbench, the guests' initramfs (busybox, paperbench, guest-init.sh) and
# QEMU's firmware for its own guest. Two disk images:
#   disk-bench0  node0's own disk: ext4 with data (64 MiB of random bytes)
#                and guest-disk.img, the disk of node0's guest
#   disk-root    node1's root disk: kvm-setup/make-node-image.sh (as in the
#                kvm scenario), then, with debugfs, paperbench, mint-chan and
#                the unit that runs paperbench when node0 asks over the
#                channel, the guests' initramfs, data and guest-disk.img
# guest-disk.img is ext4 with another 64 MiB data file. 64 MiB = 16384 blocks
# of 4 KiB, more than a run reads, so no block is read twice.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# A copy of this scenario elsewhere (run-paper-bench --node0-hpet) names the tree.
[ -x "$repo/kvm-setup/make-node-image.sh" ] || repo=$MINT_REPO
die() { echo "paper-bench stage.sh: $*" >&2; exit 1; }
pb=$E2E_BUILD/eval/paperbench
chan=$E2E_BUILD/tests/e2e/mint-chan
[ -x "$pb" ] && [ -x "$chan" ] || die "$pb or $chan is not built (ninja -C $E2E_BUILD)"
command -v debugfs >/dev/null || die "debugfs (e2fsprogs) is missing"

mkdir -p "$1/boot" "$1/usr/bin" "$1/guest"
cp "$E2E_KERNEL" "$1/boot/bzImage"
install -m 0755 "$pb" "$1/usr/bin/paperbench"
cp "$E2E_KERNEL" "$1/guest/bzImage"
"$repo/tests/e2e/make-node-initrd" "$1/guest/paperbench.cpio.gz" "$here/guest-init.sh" \
	"$pb:bin/paperbench"
for f in /usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin \
	/usr/share/qemu/kvmvapic.bin; do
	install -D -m 0644 "$(readlink -f "$f")" "$1$f"
done

work=$(mktemp -d /var/tmp/paper-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/guest" "$work/node0"
head -c 64M /dev/urandom >"$work/guest/data"
mke2fs -q -F -t ext4 -L pb-guest -E root_owner=0:0 -d "$work/guest" "$work/node0/guest-disk.img" 80M
head -c 64M /dev/urandom >"$work/node0/data"
mke2fs -q -F -t ext4 -L pb-node0 -E root_owner=0:0 -d "$work/node0" "$E2E_LOG/disk-bench0.img" 176M
echo "$E2E_LOG/disk-bench0.img" >>"$E2E_DISK_IMAGES"

img=$E2E_LOG/disk-root.img
MINT_NODE_IMAGE_FREE=512M "$repo/kvm-setup/make-node-image.sh" "$img" \
	--kernel-build "$(dirname "$E2E_KERNEL")" --mint-build "$E2E_BUILD" >&2
head -c 64M /dev/urandom >"$work/data"
install -m 0755 "$here/node1-bench.sh" "$work/node1-bench"
install -m 0644 "$here/mint-paperbench.service" "$work/mint-paperbench.service"
install -m 0644 "$1/guest/paperbench.cpio.gz" "$work/guest.cpio.gz"
install -m 0644 "$work/node0/guest-disk.img" "$work/guest-disk.img"
debugfs -w -f - "$img" >"$work/debugfs.log" 2>&1 <<EOF
mkdir /usr/lib/mint/paperbench
write $pb /usr/lib/mint/paperbench/paperbench
write $chan /usr/lib/mint/paperbench/mint-chan
write $work/node1-bench /usr/lib/mint/paperbench/node1-bench
write $work/guest.cpio.gz /usr/lib/mint/paperbench/guest.cpio.gz
write $work/mint-paperbench.service /etc/systemd/system/mint-paperbench.service
symlink /etc/systemd/system/multi-user.target.wants/mint-paperbench.service /etc/systemd/system/mint-paperbench.service
mkdir /var/lib/mint-bench
write $work/data /var/lib/mint-bench/data
write $work/guest-disk.img /var/lib/mint-bench/guest-disk.img
EOF
# debugfs exits 0 whatever happened: check that everything is there.
for f in /usr/lib/mint/paperbench/paperbench /usr/lib/mint/paperbench/mint-chan \
	/usr/lib/mint/paperbench/node1-bench \
	/usr/lib/mint/paperbench/guest.cpio.gz /etc/systemd/system/mint-paperbench.service \
	/etc/systemd/system/multi-user.target.wants/mint-paperbench.service \
	/var/lib/mint-bench/data /var/lib/mint-bench/guest-disk.img; do
	debugfs -R "stat $f" "$img" 2>/dev/null | grep -q '^Inode:' ||
		die "debugfs did not write $f into $img: $(tr '\n' ' ' <"$work/debugfs.log")"
done
echo "$img" >>"$E2E_DISK_IMAGES"
