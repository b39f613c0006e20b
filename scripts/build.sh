#!/usr/bin/env bash
# Build a guest kernel out of tree with ccache.
#   build.sh [FLAVOUR [SRC]]
# FLAVOUR: guest (default; debug when DEBUG=1) or debug; SRC: the kernel
# source (default build/linux). Output: build/out-FLAVOUR/arch/x86/boot/bzImage
# and the exported uapi headers in build/out-FLAVOUR/usr/include; with
# ARCH=arm64 (cross-built): build/out-arm64-FLAVOUR/arch/arm64/boot/Image.
# Every line of the config fragments must land in .config. For a tree that
# predates some options (the unpatched base, or an early patch of the
# series: KCONFIG_LENIENT=1), options its Kconfig does not know are skipped.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_build_deps
fl=${1:-$(flavour)}
src=${2:-$TREE}
out=${OUT:-$(outdir "$fl")}
[ -f "$src/Makefile" ] || die "no kernel tree at $src: run make tree"

[ "$GUEST_ARCH" = x86_64 ] || need_cmd "${CROSS}gcc" "gcc-${CROSS%-}"
frags=("$TOP/kconfig/guest.config" "$TOP/kconfig/guest-$GUEST_ARCH.config")
case "$fl" in
guest | base-guest) ;;
debug | base-debug)
	[ "$GUEST_ARCH" = x86_64 ] || die "the debug kernel (DEBUG=1) is x86_64 only"
	frags+=("$TOP/kconfig/debug.config") ;;
*) die "unknown flavour $fl (guest or debug)" ;;
esac
# The config fragments of the kselftests the guest runs must hold too.
while read -r t; do
	[ ! -f "$src/tools/testing/selftests/$t/config" ] ||
		frags+=("$src/tools/testing/selftests/$t/config")
done < <(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/guest/kselftests")

lenient=${KCONFIG_LENIENT:-0}
case "$fl" in base-*) lenient=1 ;; esac
# known_option CONFIG_X: whether the tree's Kconfig defines X.
known_option() {
	grep -rqsx --include='Kconfig*' "config ${1#CONFIG_}" "$src"
}

mkdir -p "$out"
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=nsid KBUILD_BUILD_HOST=nsid
kmake=(make -s -C "$src" O="$out" ARCH="$GUEST_ARCH" CROSS_COMPILE="$CROSS"
	CC="ccache ${CROSS}gcc" HOSTCC="ccache gcc" -j"$JOBS")

want=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.nsid-config" 2>/dev/null)" != "$want" ]; then
	info "build[$fl]: configuring (tinyconfig + ${frags[*]##*/})"
	"${kmake[@]}" tinyconfig >/dev/null
	KCONFIG_CONFIG="$out/.config" "$src/scripts/kconfig/merge_config.sh" \
		-m -O "$out" "$out/.config" "${frags[@]}" >/dev/null
	"${kmake[@]}" olddefconfig >/dev/null
	# Every line of the fragments must have landed: a silently dropped
	# option would make the tests prove nothing.
	bad=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=n) opt=${line%%=*}
			if grep -q "^$opt=" "$out/.config"; then
				info "build[$fl]: $opt is set, the fragment says n"; bad=1
			fi ;;
		CONFIG_*) if grep -qx "$line" "$out/.config"; then
				:
			elif [ "$lenient" = 1 ] && ! known_option "${line%%=*}"; then
				info "build[$fl]: skipping ${line%%=*}, which this tree does not have"
			else
				info "build[$fl]: $line did not land in .config"; bad=1
			fi ;;
		esac
	done < <(cat "${frags[@]}")
	[ "$bad" = 0 ] || die "kernel configuration for $fl is incomplete (see above)"
	echo "$want" >"$out/.nsid-config"
fi

info "build[$fl]: building $src -> $out"
start=$(date +%s)
"${kmake[@]}" "$(basename "$KIMAGE")"
"${kmake[@]}" headers_install >/dev/null
info "build[$fl]: done in $(($(date +%s) - start))s: $out/$KIMAGE"
