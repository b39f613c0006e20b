#!/usr/bin/env bash
# Build and install the kselftests named in guest/kselftests with the
# kernel's own selftests Makefile, statically linked against the uapi
# headers of the kernel built for FLAVOUR.
#   selftests.sh [FLAVOUR]  ->  build/out-FLAVOUR/kselftest-install
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
