#!/usr/bin/env bash
# Build and install the kselftests named in guest/kselftests with the
# kernel's own selftests Makefile, statically linked against the uapi
# headers of the kernel built for FLAVOUR (cross-built for ARCH=arm64). On
# x86_64, then the same TARGETS again as i386 programs (Debian's
# i686-linux-gnu-gcc), which the guest runs through IA32_EMULATION (the
# 32-bit syscall table and the compat paths); guest/kselftests-m32 says
# which of them the guest runs.
#   selftests.sh [FLAVOUR]  ->  build/out-FLAVOUR/kselftest-install
#                               build/out-FLAVOUR/kselftest-install-m32
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_build_deps
need_guest_cc
fl=${1:-$(flavour)}
out=$(outdir "$fl")
[ -f "$out/usr/include/linux/nsfs.h" ] || die "no uapi headers in $out: run make build"
mapfile -t targets < <(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/guest/kselftests")

# build_selftests DIR ARCH CROSS WHAT: the TARGETS built for ARCH with
# ${CROSS}gcc, installed in $out/DIR (objects in $out/DIR.obj).
build_selftests() {
	local inst=$out/$1
	rm -rf "$inst"
	info "selftests[$fl]: building ${targets[*]}$4"
	make -s -C "$TREE/tools/testing/selftests" O="$inst.obj" ARCH="$2" CROSS_COMPILE="$3" \
		TARGETS="${targets[*]}" KHDR_INCLUDES="-isystem $out/usr/include" \
		CC="ccache ${3}gcc" LDFLAGS=-static INSTALL_PATH="$inst" install >/dev/null
	[ -s "$inst/kselftest-list.txt" ] || die "selftests[$fl]: nothing was installed in $inst"
}

build_selftests kselftest-install "$GUEST_ARCH" "$CROSS" " for $GUEST_ARCH"
[ "$GUEST_ARCH" = x86_64 ] || exit 0
# i386: Debian's cross compiler and its static 32-bit libc.
need_cmd i686-linux-gnu-gcc gcc-i686-linux-gnu
[ -f "$(i686-linux-gnu-gcc -print-file-name=libc.a)" ] ||
	die "i686-linux-gnu-gcc has no static libc (libc6-dev-i386-cross): run make deps"
build_selftests kselftest-install-m32 x86 i686-linux-gnu- " as i386 programs"
