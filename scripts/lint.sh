#!/usr/bin/env bash
# checkpatch --strict on every patch in the series and shellcheck on the
# project's scripts. Both must be clean.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd shellcheck shellcheck
need_cmd perl perl
"$TOP/scripts/base.sh" >/dev/null
bad=0
n=0
while read -r p; do
	n=$((n + 1))
	if ! out=$(cd "$BASE_DIR" && perl scripts/checkpatch.pl --strict -q "$PATCHES/$p" 2>&1); then
		printf '%s\n' "$out"
		bad=1
	fi
done < <(series_patches)
info "lint: checkpatch --strict on $n patches: $([ $bad = 0 ] && echo clean || echo FAILED)"

mapfile -t scripts < <(cd "$TOP" && { ls scripts/*.sh .ci/run; echo guest/init; })
if (cd "$TOP" && shellcheck -x -s bash "${scripts[@]:0:${#scripts[@]}-1}" &&
	shellcheck -s sh guest/init); then
	info "lint: shellcheck on ${#scripts[@]} scripts: clean"
else
	bad=1
fi
[ $bad = 0 ] || die "make lint found problems (above)"
