# shellcheck shell=bash disable=SC2034  # the variables are for the sourcing scripts
# Common settings and helpers, sourced by every script in scripts/.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
PATCHES=$TOP/patches
BASE_TARBALL=${BASE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
BASE_DIR=$BUILD/base			# pristine extracted base, read-only use
TREE=${TREE:-$BUILD/linux}		# git work tree: base commit + the series
BASE_TAG=nsid-base			# tag on the base commit in $TREE
JOBS=${JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-${HOME:-$BUILD}/.cache/nsid-ccache}
# Paths under build/ are hashed relative to it, so that every clone of the
# repository (CI's included) shares the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$BUILD}

die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

info() {
	printf '%s\n' "$*" >&2
}

# need_cmd CMD PACKAGE: fail with a hint when a tool is missing.
need_cmd() {
	command -v "$1" >/dev/null 2>&1 ||
		die "$1 is not installed (package $2): run make deps"
}

need_base() {
	[ -f "$BASE_TARBALL" ] ||
		die "linux-source-6.12 is not installed ($BASE_TARBALL missing): run make deps"
}

need_build_deps() {
	need_cmd gcc gcc
	need_cmd make make
	need_cmd flex flex
	need_cmd bison bison
	need_cmd bc bc
	need_cmd ccache ccache
	need_cmd cpio cpio
	need_cmd python3 python3
	[ -f /usr/include/libelf.h ] || die "libelf-dev is not installed: run make deps"
	[ -f /usr/include/openssl/ssl.h ] || die "libssl-dev is not installed: run make deps"
}

# Which kernel configuration: guest or debug (DEBUG=1).
flavour() {
	if [ "${DEBUG:-0}" = 1 ]; then echo debug; else echo guest; fi
}

# Output directory of a build flavour (guest, debug, base-guest, ...).
outdir() {
	echo "$BUILD/out-$1"
}

series_patches() {
	[ -f "$PATCHES/series" ] || return 0
	grep -v -e '^#' -e '^[[:space:]]*$' "$PATCHES/series" || true
}
