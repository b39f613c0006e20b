#!/usr/bin/env bash
# checkpatch --strict on every patch in the series and shellcheck on the
# project's scripts. Both must be clean.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd shellcheck shellcheck
need_cmd perl perl
"$TOP/scripts/base.sh" >/dev/null
[ -f "$TREE/MAINTAINERS" ] || die "no work tree at $TREE: run make tree"

# covered FILE: whether a MAINTAINERS F: pattern of the series' final tree
# names FILE (a directory prefix, the file itself or a glob).
covered() {
	local f=$1 pat
	while read -r pat; do
		case "$pat" in
		*/) [[ "$f" == "$pat"* ]] && return 0 ;;
		*) # shellcheck disable=SC2053 # the pattern is a glob
			[[ "$f" == $pat ]] && return 0 ;;
		esac
	done < <(sed -n 's/^F:[[:space:]]*//p' "$TREE/MAINTAINERS" |
		grep -vx -e '\*' -e '\*/')	# THE REST covers everything
	return 1
}

bad=0
n=0
while read -r p; do
	n=$((n + 1))
	# checkpatch asks "does MAINTAINERS need updating?" for every added
	# file; answer it here: each added file must be covered by an entry.
	if ! out=$(cd "$BASE_DIR" && perl scripts/checkpatch.pl --strict -q \
		--ignore FILE_PATH_CHANGES "$PATCHES/$p" 2>&1); then
		printf '%s\n' "$out"
		bad=1
	fi
	while read -r f; do
		if ! covered "$f"; then
			info "lint: $p adds $f, which no MAINTAINERS entry covers"
			bad=1
		fi
	done < <(awk '/^diff --git /{f=substr($4, 3)} /^new file mode/{print f}' "$PATCHES/$p")
done < <(series_patches)
info "lint: checkpatch --strict on $n patches: $([ $bad = 0 ] && echo clean || echo FAILED)"

mapfile -t scripts < <(cd "$TOP" && ls scripts/*.sh tools/nsctl/build.sh tools/nsctl/check.sh .ci/run)
sh_scripts=(guest/init guest/nsid-fuzz tools/nsctl/test-nsctl.sh)	# POSIX sh, for busybox
if (cd "$TOP" && shellcheck -x -s bash "${scripts[@]}" &&
	shellcheck -s sh "${sh_scripts[@]}"); then
	info "lint: shellcheck on $((${#scripts[@]} + ${#sh_scripts[@]})) scripts: clean"
else
	bad=1
fi
[ $bad = 0 ] || die "make lint found problems (above)"
