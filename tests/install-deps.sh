#!/usr/bin/env bash
# Install every Debian package Mint's build, tests, demo and benchmarks need.
# Does nothing when they are all present, so it is cheap to call every time.
set -euo pipefail

PACKAGES=(
	# build
	gcc libc6-dev meson ninja-build pkg-config libjson-c-dev libpci-dev pci.ids libkmod-dev
	libsystemd-dev libcmocka-dev libmount-dev
	# end-to-end tests: QEMU, a stock kernel, busybox for the initramfs
	qemu-system-x86 linux-image-amd64 busybox-static cpio kmod jq e2fsprogs
	# the Mint kernel build
	linux-source-6.1 make patch bc bison flex libelf-dev libssl-dev xz-utils python3 perl
	# the hardening scenario kexecs node0 (kexec-tools' kexec in the guest)
	kexec-tools
	# KVM guests: libvirt's headers for mintd; the node root file system of kvm-setup/
	# (mmdebstrap; systemd-sysusers for its users)
	libvirt-dev mmdebstrap systemd
	# fuzzing (tests/fuzz): clang, and libFuzzer and the sanitizer runtimes for clang 14
	clang libclang-rt-14-dev
	# Debian packages (packaging/): dpkg-shlibdeps and the kernel's bindeb-pkg, man pages
	# (scdoc), bash completion's directory; the install test's root file system is mmdebstrap's
	dpkg-dev fakeroot rsync scdoc bash-completion
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages: ${missing[*]} (run as root to install them)" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
