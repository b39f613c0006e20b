#!/usr/bin/env bash
# Build the example programs of the series' documentation page
# (Documentation/userspace-api/namespaces.rst in the kernel tree) the way a
# user would: extracted from the page as it stands, compiled statically
# against the uapi headers of the kernel built for FLAVOUR. make check runs
# them in the guest like the kselftests.
#   docexamples.sh [FLAVOUR]  ->  build/out-FLAVOUR/doc-examples/NAME
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

fl=${1:-$(flavour)}
out=$(outdir "$fl")
page=$TREE/Documentation/userspace-api/namespaces.rst
dst=$out/doc-examples
[ -f "$out/usr/include/linux/nsfs.h" ] || die "no uapi headers in $out: run make build"
[ -f "$page" ] || die "$page is missing: run make tree"

rm -rf "$dst"
mkdir -p "$dst/src"
python3 "$TOP/scripts/extract-examples.py" "$page" "$dst/src" >/dev/null ||
	die "cannot extract the examples from $page"
n=0
for src in "$dst"/src/*.c; do
	ccache "$GUEST_CC" -O2 -Wall -Wextra -Werror -static -isystem "$out/usr/include" \
		-o "$dst/$(basename "$src" .c)" "$src" ||
		die "the documentation example $(basename "$src") does not build"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || die "no examples found in $page"
info "docexamples[$fl]: $n examples built from $(basename "$page")"
