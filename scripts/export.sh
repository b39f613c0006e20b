#!/usr/bin/env bash
# Regenerate patches/*.patch and patches/series from the commits on top of
# the base in build/linux. Byte-stable: exporting a tree that `make tree`
# just made reproduces patches/ exactly.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd git git
[ -d "$TREE/.git" ] || die "no work tree at $TREE: run make tree"
git_t() { git -C "$TREE" "$@"; }

git_t rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null ||
	die "$TREE has no $BASE_TAG tag: run make tree FORCE=1"
dirty=$(git_t status --porcelain --untracked-files=no)
[ -z "$dirty" ] || die "uncommitted edits in $TREE: commit them (git commit / --fixup) first"
if [ -d "$TREE/.git/rebase-apply" ] || [ -d "$TREE/.git/rebase-merge" ]; then
	die "$TREE is in the middle of a git am or rebase: finish it first"
fi

mkdir -p "$PATCHES"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Pin every setting that changes format-patch output.
git_t -c core.abbrev=12 -c diff.algorithm=myers -c diff.renames=true \
	-c diff.noprefix=false -c diff.mnemonicPrefix=false \
	-c diff.relative=false -c diff.suppressBlankEmpty=false \
	-c format.signature= -c format.coverLetter=false \
	-c format.numbered=auto \
	format-patch -q --zero-commit --no-signature --abbrev=12 \
	--no-attach --no-thread --stat=80 -o "$tmp" "$BASE_TAG..HEAD" >/dev/null

find "$PATCHES" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' -delete
n=0
{
	echo "# Applied in this order on Debian's linux-source-6.12 (quilt series)."
	for f in "$tmp"/*.patch; do
		[ -e "$f" ] || continue
		cp "$f" "$PATCHES/"
		basename "$f"
		n=$((n + 1))
	done
} >"$PATCHES/series"
info "export: $n patches written to $PATCHES"
