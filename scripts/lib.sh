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

# The guest's architecture (make ... ARCH=arm64): x86_64, the default, or
# arm64, cross-built with Debian's gcc-aarch64-linux-gnu and booted in
# qemu-system-aarch64 -M virt. Every make of a kernel or of the selftests
# is given ARCH (and CROSS_COMPILE) explicitly; the environment's ARCH is
# taken out, so that no other make sees an alias such as aarch64, and
# GUEST_ARCH passes the choice on to the scripts this one calls.
GUEST_ARCH=${GUEST_ARCH:-${ARCH:-x86_64}}
unset ARCH
case "$GUEST_ARCH" in
x86_64 | x86 | amd64)
	GUEST_ARCH=x86_64
	CROSS=""			# CROSS_COMPILE
	KIMAGE=arch/x86/boot/bzImage	# the image make builds and QEMU boots
	QEMU=qemu-system-x86_64 QEMU_PKG=qemu-system-x86
	GUEST_CONSOLE=ttyS0		# the 8250 UART
	GUEST_BUSYBOX=/bin/busybox	# busybox-static
	;;
arm64 | aarch64)
	GUEST_ARCH=arm64
	CROSS=aarch64-linux-gnu-
	KIMAGE=arch/arm64/boot/Image
	QEMU=qemu-system-aarch64 QEMU_PKG=qemu-system-arm
	GUEST_CONSOLE=ttyAMA0		# the virt board's PL011
	# Debian's arm64 busybox-static, unpacked by make deps (scripts/deps.sh)
	GUEST_BUSYBOX=$BUILD/deps-arm64/bin/busybox
	;;
*)
	printf 'error: ARCH=%s: the guest is x86_64 (default) or arm64\n' "$GUEST_ARCH" >&2
	exit 1
	;;
esac
export GUEST_ARCH
GUEST_CC=${CROSS}gcc			# for the guest's programs (static)

# need_guest_cc: the compiler and busybox for the guest's architecture.
need_guest_cc() {
	case "$GUEST_ARCH" in
	x86_64) need_cmd gcc gcc ;;
	arm64)
		need_cmd "$GUEST_CC" gcc-aarch64-linux-gnu
		[ -f "$("$GUEST_CC" -print-file-name=libc.a)" ] ||
			die "$GUEST_CC has no static libc (libc6-dev-arm64-cross): run make deps"
		;;
	esac
	[ -x "$GUEST_BUSYBOX" ] || die "no $GUEST_ARCH busybox-static ($GUEST_BUSYBOX): run make deps"
}

# only_x86_64 WHAT: fail for the targets that run on x86_64 guests only.
only_x86_64() {
	[ "$GUEST_ARCH" = x86_64 ] ||
		die "$1 runs on x86_64 only; ARCH=$GUEST_ARCH has make run, check, shell and bisect"
}

# Which kernel configuration: guest or debug (DEBUG=1).
flavour() {
	if [ "${DEBUG:-0}" = 1 ]; then echo debug; else echo guest; fi
}

# Output directory of a build flavour (guest, debug, base-guest, ...):
# build/out-FLAVOUR on x86_64, build/out-arm64-FLAVOUR on arm64.
outdir() {
	if [ "$GUEST_ARCH" = x86_64 ]; then
		echo "$BUILD/out-$1"
	else
		echo "$BUILD/out-$GUEST_ARCH-$1"
	fi
}

# The name of a flavour's logs: FLAVOUR on x86_64, arm64-FLAVOUR on arm64.
logname() {
	local d
	d=$(outdir "$1")
	echo "${d##*/out-}"
}

# build_base_and_patched: for make bench and make profile, build the
# unpatched base (build/out-base-guest) and, unless BENCH_PATCHED_OUT names
# a build of one's own, the patched kernel (build/out-guest); nothing with
# SKIP_BUILD=1.
build_base_and_patched() {
	[ "${SKIP_BUILD:-0}" != 1 ] || return 0
	"$TOP/scripts/base.sh" >/dev/null
	"$TOP/scripts/build.sh" base-guest "$BASE_DIR" >&2
	if [ -z "${BENCH_PATCHED_OUT:-}" ]; then
		LENIENT=1 "$TOP/scripts/tree.sh" >&2
		"$TOP/scripts/build.sh" guest >&2
	fi
}

series_patches() {
	[ -f "$PATCHES/series" ] || return 0
	grep -v -e '^#' -e '^[[:space:]]*$' "$PATCHES/series" || true
}
