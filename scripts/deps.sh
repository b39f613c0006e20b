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
	gcc-multilib	# the i386 selftests (static 32-bit libc)
	sparse shellcheck	# make lint, C=1
	linux-config-6.12 dpkg-dev debhelper rsync	# make deb: Debian's config, bindeb-pkg
)

missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 ||
		{ echo "error: run make deps as root (missing: ${missing[*]})" >&2; exit 1; }
	sudo=(sudo)
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done" >&2
