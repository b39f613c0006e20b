#!/usr/bin/env bash
# Build Debian packages (make bindeb-pkg) of the patched kernel.
#   deb.sh                      Debian's own amd64 config for 6.12, from the
#                               linux-config-6.12 package
#   DEB_CONFIG=guest deb.sh     the small guest config (kconfig/guest.config)
#   DEB_CONFIG=PATH deb.sh      any .config (or .config.xz) you name
# The packages (linux-image, linux-headers, linux-libc-dev) land in
# build/deb/; the build tree is build/deb/linux. At the end the script
# checks that linux-libc-dev carries the series' uapi (struct ns_id_req,
# __NR_listns, FD_NSFS_ROOT).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
only_x86_64 "make deb"

need_build_deps
need_cmd dpkg-buildpackage dpkg-dev
need_cmd rsync rsync
debian_config=/usr/src/linux-config-6.12/config.amd64_none_amd64.xz
cfg=${DEB_CONFIG:-debian}
dst=$BUILD/deb
obj=$dst/linux

"$TOP/scripts/tree.sh"
rm -rf "$dst"
mkdir -p "$obj"
case "$cfg" in
debian)
	[ -f "$debian_config" ] ||
		die "$debian_config is missing: run make deps (package linux-config-6.12)"
	xz -dc "$debian_config" >"$obj/.config"
	;;
guest)
	"$TOP/scripts/build.sh" guest >&2
	cp "$(outdir guest)/.config" "$obj/.config"
	;;
*.xz)
	[ -f "$cfg" ] || die "DEB_CONFIG=$cfg: no such file"
	xz -dc "$cfg" >"$obj/.config"
	;;
*)
	[ -f "$cfg" ] || die "DEB_CONFIG=$cfg: no such file (or use debian or guest)"
	cp "$cfg" "$obj/.config"
	;;
esac

# Debian's config signs modules with Debian's key and trusts its certs,
# which only Debian's build has: build unsigned, like any local kernel.
"$TREE/scripts/config" --file "$obj/.config" \
	--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
	--disable MODULE_SIG_ALL --set-str MODULE_SIG_KEY "certs/signing_key.pem" \
	--set-str LOCALVERSION "-nsid"
# LOCALVERSION= on the command line: no "+" for a tree past its tag.
make -s -C "$TREE" O="$obj" LOCALVERSION= olddefconfig
version=$(make -s -C "$TREE" O="$obj" LOCALVERSION= kernelrelease)
info "deb: building $version packages ($cfg config) in $obj"
start=$(date +%s)
make -s -C "$TREE" O="$obj" -j"$(nproc)" CC="ccache gcc" LOCALVERSION= \
	KDEB_PKGVERSION="$(make -s -C "$TREE" kernelversion)-1nsid" bindeb-pkg >&2
info "deb: done in $(($(date +%s) - start))s"

libc=$(find "$dst" -maxdepth 1 -name 'linux-libc-dev_*.deb' | head -n 1)
[ -n "$libc" ] || die "deb: no linux-libc-dev package was built"
chk=$dst/libc-dev-check
rm -rf "$chk"
dpkg-deb -x "$libc" "$chk"
grep -q 'struct ns_id_req' "$chk/usr/include/linux/nsfs.h" ||
	die "deb: $libc lacks struct ns_id_req in linux/nsfs.h"
grep -q 'FD_NSFS_ROOT' "$chk/usr/include/linux/fcntl.h" ||
	die "deb: $libc lacks FD_NSFS_ROOT in linux/fcntl.h"
grep -rq '__NR_listns' "$chk/usr/include/" ||
	die "deb: $libc lacks __NR_listns"
rm -rf "$chk"
info "deb: the uapi headers in $(basename "$libc") have listns(), ns_id_req, FD_NSFS_ROOT"
ls -1 "$dst"/*.deb
