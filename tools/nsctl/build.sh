#!/usr/bin/env bash
# Build nsctl (make nsctl): build/nsctl/nsctl, static, from tools/nsctl/nsctl.c
# and nothing but libc. "build.sh test" also builds what make nsctl-test
# needs: build/nsctl/nsctl-fakelistns (nsctl linked with fake-listns.c) and
# build/nsctl/nsid-asuser (guest/nsid-asuser.c). CC (environment): the
# compiler, gcc by default; NSCTL_OUT: where to build, build/nsctl by default.
#   build.sh [test]
# Prints the path of nsctl.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../../scripts/lib.sh"

if [ $# -gt 1 ] || [ "${1:-test}" != test ]; then
	die "usage: build.sh [test]"
fi
out=${NSCTL_OUT:-$BUILD/nsctl}
src=$TOP/tools/nsctl
cc=${CC:-gcc}
need_cmd "$cc" gcc
mkdir -p "$out"

# build OUTPUT FLAGS... -- SOURCE...: compile when OUTPUT is older than a source.
build() {
	local target=$1 flags=() srcs=() s stale=0
	shift
	while [ "$1" != -- ]; do
		flags+=("$1")
		shift
	done
	shift
	srcs=("$@")
	[ -x "$target" ] || stale=1
	for s in "${srcs[@]}"; do
		[ "$s" -nt "$target" ] && stale=1
	done
	[ $stale = 1 ] || return 0
	info "nsctl: $cc ${flags[*]} -o ${target#"$TOP"/} ${srcs[*]#"$TOP"/}"
	"$cc" -O2 -Wall -Wextra -Werror "${flags[@]}" -o "$target.tmp" "${srcs[@]}" ||
		die "cannot build $target"
	mv "$target.tmp" "$target"
}

build "$out/nsctl" -static -- "$src/nsctl.c"
if [ "${1:-}" = test ]; then
	build "$out/nsctl-fakelistns" -static -Wl,--wrap=syscall -- \
		"$src/nsctl.c" "$src/fake-listns.c"
	build "$out/nsid-asuser" -- "$TOP/guest/nsid-asuser.c"
fi
echo "$out/nsctl"
