#!/usr/bin/env bash
# Build the guest kernel at every patch of the series, to prove that the
# series is bisectable. Uses build/linux (checked out patch by patch and
# restored afterwards) and its own output directory build/out-bisect.
# BISECT_FROM=N starts at the Nth patch (the earlier ones were done before).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_build_deps
"$TOP/scripts/tree.sh"
git_t() { git -C "$TREE" "$@"; }
head=$(git_t rev-parse HEAD)
branch=$(git_t symbolic-ref -q --short HEAD || true)
restore() { git_t checkout -q "${branch:-$head}"; }
trap restore EXIT

mkdir -p "$BUILD/logs"
n=0
for c in $(git_t rev-list --reverse "$BASE_TAG..$head"); do
	n=$((n + 1))
	[ "$n" -ge "${BISECT_FROM:-1}" ] || continue
	subject=$(git_t log -1 --format=%s "$c")
	git_t checkout -q "$c"
	info "bisect: [$n] $subject"
	# Configure afresh at each patch: options appear with the patches.
	rm -f "$BUILD/out-bisect/.nsid-config"
	if ! OUT=$BUILD/out-bisect KCONFIG_LENIENT=1 "$TOP/scripts/build.sh" guest \
		>"$BUILD/logs/bisect-$n.log" 2>&1; then
		tail -n 30 "$BUILD/logs/bisect-$n.log" >&2
		die "patch $n ($subject) does not build"
	fi
done
info "bisect: patches ${BISECT_FROM:-1} to $n of $n build"
