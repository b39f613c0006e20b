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

inst=$out/kselftest-install
rm -rf "$inst"
info "selftests[$fl]: building ${targets[*]}"
make -s -C "$TREE/tools/testing/selftests" O="$out/kselftest" \
	TARGETS="${targets[*]}" KHDR_INCLUDES="-isystem $out/usr/include" \
	CC="ccache gcc" LDFLAGS=-static INSTALL_PATH="$inst" install >/dev/null
[ -s "$inst/kselftest-list.txt" ] || die "selftests[$fl]: nothing was installed"

# i386: Debian's gcc-multilib brings the 32-bit static libc.
[ -f "$(gcc -m32 -print-file-name=libc.a)" ] ||
	die "gcc -m32 has no static libc: gcc-multilib is not installed: run make deps"
inst32=$out/kselftest-install-m32
rm -rf "$inst32"
info "selftests[$fl]: building ${targets[*]} as i386 programs"
make -s -C "$TREE/tools/testing/selftests" O="$out/kselftest-m32" \
	TARGETS="${targets[*]}" KHDR_INCLUDES="-isystem $out/usr/include" \
	CC="ccache gcc -m32" LDFLAGS=-static INSTALL_PATH="$inst32" install >/dev/null
[ -s "$inst32/kselftest-list.txt" ] || die "selftests[$fl]: no i386 program was installed"
