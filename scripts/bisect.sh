#!/usr/bin/env bash
# Build the guest kernel at every patch of the series, to prove that the
# series is bisectable, and hold the touched files to the base's warnings:
#  - at every patch, the C files the series touches (that the guest config
#    compiles) are compiled again with W=1; a warning the base did not have
#    for them fails the run;
#  - at the last patch, sparse (C=2) checks the same files; a sparse warning
#    the base did not have fails the run.
# "The base's warnings" come from the same files compiled in the unpatched
# base first (patch 0). Warnings are compared without line numbers, so code
# that only moves does not count as new.
# Uses build/linux (checked out patch by patch and restored afterwards) and
# its own output directory build/out-bisect. Logs in build/logs/bisect-*.
# BISECT_FROM=N starts at the Nth patch (the earlier ones were done before);
# the base and the last patch are always built.
# ARCH=arm64 builds the arm64 guest kernel (build/out-arm64-bisect) at the
# base, at every patch that touches architecture code (arch/, the generic
# syscall table scripts/syscall.tbl, include/uapi/asm-generic/) and at the
# last patch, with the same W=1 and sparse gates: every other patch changes
# only code that both architectures compile alike, which the x86_64 bisect
# builds at every patch.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_build_deps
need_cmd sparse sparse
"$TOP/scripts/tree.sh"
git_t() { git -C "$TREE" "$@"; }
head=$(git_t rev-parse HEAD)
branch=$(git_t symbolic-ref -q --short HEAD || true)
restore() { git_t checkout -q "${branch:-$head}"; }
trap restore EXIT

out=$(outdir bisect)
logs=$BUILD/logs
mkdir -p "$logs"
rm -f "$logs"/bisect-*
start=$(date +%s)
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=nsid KBUILD_BUILD_HOST=nsid
kmake=(make -C "$TREE" O="$out" ARCH="$GUEST_ARCH" CROSS_COMPILE="$CROSS"
	CC="ccache ${CROSS}gcc" HOSTCC="ccache gcc" -j"$JOBS")

# touches_arch COMMIT: whether the commit changes architecture code.
touches_arch() {
	git_t diff-tree --no-commit-id --name-only -r "$1" |
		grep -q -E '^(arch/|scripts/syscall\.tbl$|include/uapi/asm-generic/)'
}

# The kernel C files the series touches (not tools/, scripts/ or docs).
mapfile -t touched < <(git_t diff --name-only "$BASE_TAG" "$head" -- '*.c' |
	grep -v -e '^tools/' -e '^scripts/' -e '^Documentation/' -e '^samples/')

# build N LABEL: configure afresh (options appear with the patches) and
# build the checked-out tree.
build() {
	rm -f "$out/.nsid-config"
	if ! OUT=$out KCONFIG_LENIENT=1 "$TOP/scripts/build.sh" guest >"$logs/bisect-$1.log" 2>&1; then
		tail -n 30 "$logs/bisect-$1.log" >&2
		die "$2 does not build (log: $logs/bisect-$1.log)"
	fi
}

# objects: the objects of the touched files that this tree and config
# build, as make targets.
objects() {
	local f
	for f in "${touched[@]}"; do
		[ -f "$TREE/$f" ] && [ -f "$out/${f%.c}.o" ] && echo "${f%.c}.o"
	done
	return 0
}

# warnings: the compiler's or sparse's diagnostics on stdin, one per line,
# as "path: warning: text" (path relative to the tree, no line numbers).
warnings() {
	sed -e "s#^$TREE/##" -e 's#^\(\.\./\)*linux/##' |
		sed -n -E 's#^([^: ]+\.[ch]):[0-9]+(:[0-9]+)?: (warning|error): #\1: \3: #p' |
		sort -u
}

# recheck N KIND MAKEARGS...: compile the touched objects again with the
# extra make arguments (W=1, or C=2 for sparse); their diagnostics go to
# bisect-N-KIND.txt.
recheck() {
	local n=$1 kind=$2
	shift 2
	local objs
	mapfile -t objs < <(objects)
	[ "${#objs[@]}" -gt 0 ] || { : >"$logs/bisect-$n-$kind.txt"; return 0; }
	# No touching needed: W=1 changes the command line, so make rebuilds them;
	# C=2 runs sparse whether or not they are rebuilt.
	"${kmake[@]}" "$@" "${objs[@]}" >"$logs/bisect-$n-$kind.log" 2>&1 ||
		die "patch $n: the $kind build of the touched files failed (log: $logs/bisect-$n-$kind.log)"
	warnings <"$logs/bisect-$n-$kind.log" >"$logs/bisect-$n-$kind.txt"
}

# compare N KIND: fail on diagnostics that the base did not have.
compare() {
	local new
	new=$(comm -13 "$logs/bisect-0-$2.txt" "$logs/bisect-$1-$2.txt")
	if [ -n "$new" ]; then
		printf '%s\n' "$new" >&2
		die "patch $1: new $2 warnings in touched files (above; full log: $logs/bisect-$1-$2.log)"
	fi
}

info "bisect: [0] the base ($BASE_TAG): build, W=1 and sparse of the ${#touched[@]} touched files"
git_t checkout -q "$BASE_TAG"
build 0 "the base"
recheck 0 w1 W=1
recheck 0 sparse C=2

patches=$(git_t rev-list --reverse "$BASE_TAG..$head")
total=$(wc -w <<<"$patches")
n=0 built=0
for c in $patches; do
	n=$((n + 1))
	[ "$n" -ge "${BISECT_FROM:-1}" ] || [ "$n" = "$total" ] || continue
	[ "$GUEST_ARCH" = x86_64 ] || [ "$n" = "$total" ] || touches_arch "$c" || continue
	subject=$(git_t log -1 --format=%s "$c")
	git_t checkout -q "$c"
	info "bisect: [$n] $subject"
	build "$n" "patch $n ($subject)"
	built=$((built + 1))
	recheck "$n" w1 W=1
	compare "$n" w1
done
info "bisect: [$n] sparse of the touched files"
recheck "$n" sparse C=2
compare "$n" sparse
which="patches ${BISECT_FROM:-1} to $n of $n"
[ "$GUEST_ARCH" = x86_64 ] || which="$built of $n patches (those that touch arch code, and the last)"
info "bisect[$GUEST_ARCH]: $which build, with no new W=1 warnings in the" \
	"touched files and no new sparse warnings, in $(($(date +%s) - start))s"
