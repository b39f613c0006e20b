#!/usr/bin/env bash
# Install every package the project needs with apt-get. Idempotent and
# quiet when everything is already there.
set -euo pipefail

pkgs=(
	linux-source-6.12	# the base: /usr/src/linux-source-6.12.tar.xz
	gcc make libc6-dev flex bison bc libelf-dev libssl-dev	# kernel build
	xz-utils git ccache python3 perl dwarves kmod
	cpio busybox-static qemu-system-x86	# the guest
	trinity	# make fuzz (runs in the guest only)
	libcap-dev	# selftests
	# The i386 selftests and ARCH=arm64: Debian's cross toolchains, which
	# install side by side (gcc-multilib conflicts with every one of them).
	gcc-i686-linux-gnu libc6-dev-i386-cross
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
	sparse shellcheck	# make lint, C=1
	linux-config-6.12 dpkg-dev debhelper rsync	# make deb: Debian's config, bindeb-pkg
)

# ARCH=arm64 guests: Debian's arm64 busybox-static, which cannot be
# installed beside the amd64 one: it is unpacked into build/deps-arm64.
arm64_debs=(busybox-static)
top=$(cd "$(dirname "$0")/.." && pwd)
arm64_dir=${BUILD:-$top/build}/deps-arm64

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f '${db:Status-Status}\n' "$p" 2>/dev/null | grep -qx installed ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && [ -x "$arm64_dir/bin/busybox" ] && exit 0

sudo=()
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 ||
		{ echo "error: run make deps as root (missing: ${missing[*]})" >&2; exit 1; }
	sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# apt's lists must have Debian's arm64 packages for the busybox download.
updated=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	"${sudo[@]}" dpkg --add-architecture arm64
	"${sudo[@]}" apt-get update -qq
	updated=1
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}" >&2
	[ "$updated" = 1 ] || "${sudo[@]}" apt-get update -qq
	updated=1
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -x "$arm64_dir/bin/busybox" ]; then
	echo "deps: unpacking Debian's arm64 ${arm64_debs[*]} into $arm64_dir" >&2
	dl=$(mktemp -d)
	trap 'rm -rf "$dl"' EXIT
	download() { (cd "$dl" && apt-get download -qq "${arm64_debs[@]/%/:arm64}"); }
	if ! download 2>/dev/null; then
		[ "$updated" = 0 ] || { echo "error: cannot download ${arm64_debs[*]}:arm64" >&2; exit 1; }
		"${sudo[@]}" apt-get update -qq
		download
	fi
	rm -rf "$arm64_dir"
	mkdir -p "$arm64_dir"
	for deb in "$dl"/*.deb; do
		dpkg-deb -x "$deb" "$dl/root"
	done
	install -D -m 755 "$dl/root/bin/busybox" "$arm64_dir/bin/busybox"
	file_says=$(od -An -tx1 -j18 -N2 "$arm64_dir/bin/busybox" | tr -d ' ')
	[ "$file_says" = b700 ] ||
		{ echo "error: $arm64_dir/bin/busybox is not an arm64 program" >&2; exit 1; }
fi
echo "deps: done" >&2
