#!/usr/bin/env bash
# Make build/linux: a git repo holding the pristine base as one commit
# (tagged nsid-base) with the series applied on top by git am.
#
# Idempotent: when the tree already holds exactly the series, it is left
# alone. When it holds commits or edits that patches/ does not, it refuses
# (run make export first) unless FORCE=1; LENIENT=1 (make run, make shell)
# uses it as it is.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd git git
version=$("$TOP/scripts/base.sh")

git_t() { git -C "$TREE" "$@"; }

series_ids() {
	local p
	series_patches | while read -r p; do cat "$PATCHES/$p"; done |
		git patch-id --stable | awk '{print $1}'
}

tree_ids() {
	git_t log -p --reverse --format='commit %H' "$BASE_TAG..HEAD" |
		git patch-id --stable | awk '{print $1}'
}

base_sum=$(cat "$BASE_DIR/.nsid-sha256")
if [ -d "$TREE/.git" ]; then
	tree_sum=$(git_t config --get nsid.basesha256 || true)
	dirty=$(git_t status --porcelain --untracked-files=no | head -n 3)
	if [ "$tree_sum" = "$base_sum" ] && [ -z "$dirty" ] &&
		[ "$(tree_ids)" = "$(series_ids)" ]; then
		info "tree: $TREE is up to date (base $version + $(series_patches | wc -l) patches)"
		exit 0
	fi
	if [ "${FORCE:-0}" != 1 ] && [ "${LENIENT:-0}" = 1 ]; then
		info "tree: $TREE differs from patches/ (local work?): using it as it is"
		exit 0
	fi
	if [ "${FORCE:-0}" != 1 ]; then
		[ -n "$dirty" ] && info "tree: uncommitted edits in $TREE"
		die "$TREE differs from patches/: run make export to keep its work, or make tree FORCE=1 to discard it"
	fi
	info "tree: FORCE=1, rebuilding $TREE"
	rm -rf "$TREE"
fi

info "tree: creating $TREE from base $version"
mkdir -p "$TREE"
# Hard links are safe: git checkout and editors replace files, never
# rewrite them in place... except some do, so copy instead.
cp -a "$BASE_DIR/." "$TREE/"
rm -f "$TREE/.nsid-sha256"
git_t init -q -b base
git_t config nsid.basesha256 "$base_sum"
git_t config core.abbrev 12
git_t config user.name "$(git config user.name || echo nsid)"
git_t config user.email "$(git config user.email || echo nsid@invalid)"
git_t add -A -f .
GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
	git_t commit -q -m "Linux $version (Debian linux-source-6.12 base)"
git_t tag -f "$BASE_TAG" >/dev/null
git_t checkout -q -b work

n=0
while read -r p; do
	[ -f "$PATCHES/$p" ] || die "patches/series names $p, which is missing"
	if ! git_t am -q --keep-cr --committer-date-is-author-date "$PATCHES/$p" >/dev/null 2>&1; then
		git_t am --abort >/dev/null 2>&1 || true
		die "patch $p does not apply to base Linux $version (sha256 $base_sum)"
	fi
	n=$((n + 1))
done < <(series_patches)
info "tree: applied $n patches on base $version"
