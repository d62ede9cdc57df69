#!/bin/bash
# Build the Mint kernel: unpack Debian's linux-source-6.1, apply the patch
# series, configure (tinyconfig + configs/kernel-mint.config), build.
#
# Result: $MINT_KERNEL_CACHE/builds/<hash>/{bzImage,config,modules/}
# where <hash> = sha256(series, patches, config fragment, this script,
# tarball identity).  An existing result is reused.  The path of the build
# directory is printed on the last line of stdout.
#
# Environment:
#   MINT_KERNEL_CACHE   cache dir (default /var/cache/mint-kernel)
#   MINT_KERNEL_TARBALL source tarball (default /usr/src/linux-source-6.1.tar.xz)
#   MINT_KERNEL_JOBS    make -j (default 2)
#   MINT_KERNEL_FRAGMENT config fragment (default configs/kernel-mint.config)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cache=${MINT_KERNEL_CACHE:-/var/cache/mint-kernel}
tarball=${MINT_KERNEL_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
jobs=${MINT_KERNEL_JOBS:-2}
series="$here/series"
fragment=${MINT_KERNEL_FRAGMENT:-$repo/configs/kernel-mint.config}

die() { echo "build.sh: error: $*" >&2; exit 1; }
log() { echo "build.sh: $*" >&2; }

[ -r "$tarball" ] || die "kernel source tarball $tarball not readable"
[ -r "$series" ] || die "series file $series missing"
[ -r "$fragment" ] || die "config fragment $fragment missing"

# Patches named by the series file (comments and blank lines ignored).
patches=()
while read -r line; do
	line=${line%%#*}
	line=$(echo "$line" | xargs)
	[ -n "$line" ] || continue
	[ -r "$here/patches/$line" ] || die "series names missing patch patches/$line"
	patches+=("$here/patches/$line")
done < "$series"

tar_id=$(stat -c '%n %s %Y' "$tarball")
hash=$( {
	echo "tarball: $tar_id"
	sha256sum "$series" "$fragment" "$0" | awk '{print $1}'
	for p in "${patches[@]}"; do sha256sum "$p" | awk '{print $1}'; done
} | sha256sum | awk '{print $1}')

out="$cache/builds/$hash"
mkdir -p "$cache/builds"
exec 9>"$cache/lock"
flock 9

if [ -f "$out/bzImage" ] && [ -f "$out/config" ]; then
	log "up to date: $out"
	echo "$out"
	exit 0
fi

work="$cache/work"
src="$work/linux"
obj="$work/obj"
applied="$work/applied"

unpack() {
	log "unpacking $tarball"
	rm -rf "$src" "$applied" "$work/tar-id"
	mkdir -p "$work/tmp"
	tar -C "$work/tmp" -xf "$tarball"
	mv "$work/tmp"/linux-source-* "$src"
	rmdir "$work/tmp"
	mkdir -p "$applied"
	echo "$tar_id" > "$work/tar-id"
}

mkdir -p "$work"
if [ ! -d "$src" ] || [ "$(cat "$work/tar-id" 2>/dev/null)" != "$tar_id" ]; then
	unpack
fi

# One work tree: revert what is applied (newest first) unless it is the
# same patch, then apply the rest of the series.
mapfile -t old < <(ls "$applied" 2>/dev/null | sort)
keep=0
for i in "${!old[@]}"; do
	[ "$i" -lt "${#patches[@]}" ] || break
	cmp -s "$applied/${old[$i]}" "${patches[$i]}" || break
	[ "${old[$i]}" = "$(printf '%03d-%s' "$i" "$(basename "${patches[$i]}")")" ] || break
	keep=$((i + 1))
done
for ((i = ${#old[@]} - 1; i >= keep; i--)); do
	log "reverting ${old[$i]}"
	if ! patch -p1 -R -s -d "$src" < "$applied/${old[$i]}"; then
		log "revert of ${old[$i]} failed; unpacking a fresh tree"
		unpack
		keep=0
		break
	fi
	rm -f "$applied/${old[$i]}"
done
for ((i = keep; i < ${#patches[@]}; i++)); do
	p=${patches[$i]}
	log "applying $(basename "$p")"
	if ! patch -p1 -s --forward --no-backup-if-mismatch -d "$src" < "$p"; then
		die "patch $(basename "$p") does not apply (tree left in $src; rerun after fixing)"
	fi
	cp "$p" "$applied/$(printf '%03d-%s' "$i" "$(basename "$p")")"
done

# Configuration: tinyconfig + fragment, then verify every fragment line.
mkdir -p "$obj"
log "configuring"
make -s -C "$src" O="$obj" tinyconfig >/dev/null
(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$fragment" >/dev/null)
make -s -C "$src" O="$obj" olddefconfig >/dev/null
bad=()
while read -r line; do
	if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
		sym=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]}
		if [ "$val" = n ]; then
			grep -q "^$sym=" "$obj/.config" && bad+=("$sym (wanted n, got $(grep "^$sym=" "$obj/.config"))")
		else
			grep -qxF "$sym=$val" "$obj/.config" ||
				bad+=("$sym (wanted $val, got $(grep "^$sym=" "$obj/.config" || echo 'not set'))")
		fi
	elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
		sym=${BASH_REMATCH[1]}
		if grep -q "^$sym=" "$obj/.config"; then
			bad+=("$sym (wanted not set, got $(grep "^$sym=" "$obj/.config"))")
		fi
	fi
done < "$fragment"
if [ "${#bad[@]}" -gt 0 ]; then
	for b in "${bad[@]}"; do echo "build.sh: config option not as requested: $b" >&2; done
	die "config fragment $fragment not satisfied (see above)"
fi

log "building (make -j$jobs)"
make -s -C "$src" O="$obj" -j"$jobs" bzImage modules >&2 || die "kernel build failed"

tmp="$out.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp/modules"
make -s -C "$src" O="$obj" INSTALL_MOD_PATH="$tmp/modules" modules_install >&2 ||
	die "modules_install failed"
cp "$obj/arch/x86/boot/bzImage" "$tmp/bzImage"
cp "$obj/.config" "$tmp/config"
cp "$obj/System.map" "$tmp/System.map"
rm -rf "$out"
mv "$tmp" "$out"
log "done: $out"
echo "$out"
