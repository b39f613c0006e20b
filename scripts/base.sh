#!/usr/bin/env bash
# Extract Debian's linux-source-6.12 into build/base (once per tarball) and
# print the base version and the tarball's sha256.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_base
mkdir -p "$BUILD"
sum=$(sha256sum "$BASE_TARBALL" | cut -d' ' -f1)
stamp=$BASE_DIR/.nsid-sha256
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
	info "extracting $BASE_TARBALL ..."
	rm -rf "$BASE_DIR" "$BASE_DIR.tmp"
	mkdir -p "$BASE_DIR.tmp"
	tar -xJf "$BASE_TARBALL" -C "$BASE_DIR.tmp" --strip-components=1
	echo "$sum" >"$BASE_DIR.tmp/.nsid-sha256"
	mv "$BASE_DIR.tmp" "$BASE_DIR"
fi
version=$(make -s -C "$BASE_DIR" kernelversion 2>/dev/null)
pkg=$(dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null || echo unknown)
info "base: Linux $version (Debian linux-source-6.12 $pkg)"
info "base: $BASE_TARBALL sha256 $sum"
echo "$version"
