#!/usr/bin/env bash
# Build and install the kselftests named in guest/kselftests with the
# kernel's own selftests Makefile, statically linked against the uapi
# headers of the kernel built for FLAVOUR; then the same TARGETS again as
# i386 programs (gcc -m32), which the guest runs through IA32_EMULATION
# (the 32-bit syscall table and the compat paths); guest/kselftests-m32
# says which of them the guest runs.
#   selftests.sh [FLAVOUR]  ->  build/out-FLAVOUR/kselftest-install
#                               build/out-FLAVOUR/kselftest-install-m32
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_build_deps
fl=${1:-$(flavour)}
out=$(outdir "$fl")
[ -f "$out/usr/include/linux/nsfs.h" ] || die "no uapi headers in $out: run make build"
mapfile -t targets < <(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/guest/kselftests")

# build_selftests DIR CC WHAT: the TARGETS built with CC, installed in
# $out/DIR (objects in $out/DIR.obj).
build_selftests() {
	local inst=$out/$1
	rm -rf "$inst"
	info "selftests[$fl]: building ${targets[*]}$3"
	make -s -C "$TREE/tools/testing/selftests" O="$inst.obj" \
		TARGETS="${targets[*]}" KHDR_INCLUDES="-isystem $out/usr/include" \
		CC="$2" LDFLAGS=-static INSTALL_PATH="$inst" install >/dev/null
	[ -s "$inst/kselftest-list.txt" ] || die "selftests[$fl]: nothing was installed in $inst"
}

build_selftests kselftest-install "ccache gcc" ""
# i386: Debian's gcc-multilib brings the 32-bit static libc.
[ -f "$(gcc -m32 -print-file-name=libc.a)" ] ||
	die "gcc -m32 has no static libc: gcc-multilib is not installed: run make deps"
build_selftests kselftest-install-m32 "ccache gcc -m32" " as i386 programs"
