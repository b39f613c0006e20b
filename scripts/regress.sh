#!/usr/bin/env bash
# The regression gate: the series must take nothing away from 6.12.
# Builds 6.12's own selftests for the paths the series touches (the list in
# guest/regress-tests) once, from the unpatched base with its kselftest
# Makefiles, statically, against the base's uapi headers; boots the
# unpatched base kernel and the patched kernel with them, runs each as
# root, and prints both verdicts side by side (scripts/compare.py). Fails
# when a test that passes on the base does not pass on the patched kernel,
# or on a splat in the patched guest.
#   SKIP_BUILD=1  boot the kernels already built (build/out-base-guest and
#                 build/out-guest) with the selftests already built
# Consoles: build/logs/regress-{base,patched}.log; the table in
# build/logs/report-regress.txt.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
only_x86_64 "make regress"

need_build_deps
start=$(date +%s)
mapfile -t tests < <(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/guest/regress-tests")
[ ${#tests[@]} -gt 0 ] || die "guest/regress-tests lists no test"
inst=$BUILD/regress/selftests

if [ "${SKIP_BUILD:-0}" != 1 ]; then
	"$TOP/scripts/base.sh" >/dev/null
	"$TOP/scripts/build.sh" base-guest "$BASE_DIR" >&2
	"$TOP/scripts/tree.sh"
	"$TOP/scripts/build.sh" guest >&2

	hdr=$(outdir base-guest)/usr/include
	[ -f "$hdr/linux/sched.h" ] || die "no uapi headers in $hdr: the base build failed"
	info "regress: building ${#tests[@]} of 6.12's own selftests from the base"
	rm -rf "$inst"
	for t in "${tests[@]}"; do
		dir=${t%/*} prog=${t##*/}
		[ -d "$BASE_DIR/tools/testing/selftests/$dir" ] ||
			die "guest/regress-tests: no selftests directory $dir in the base"
		mkdir -p "$inst/$dir"
		# Only the named program, by the directory's own Makefile (its
		# flags and libraries), into build/regress/selftests/DIR.
		make -s -C "$BASE_DIR/tools/testing/selftests/$dir" OUTPUT="$inst/$dir" \
			KHDR_INCLUDES="-isystem $hdr" CC="ccache gcc" LDFLAGS=-static \
			"$inst/$dir/$prog" >"$BUILD/regress/build.log" 2>&1 || {
			tail -n 20 "$BUILD/regress/build.log" >&2
			die "regress: cannot build $t with its kselftest Makefile"
		}
	done
	printf '%s\n' "${tests[@]}" >"$inst/tests"
fi
for t in "${tests[@]}"; do
	[ -x "$inst/$t" ] || die "regress: $t is not built: run make regress without SKIP_BUILD=1"
done

mkdir -p "$BUILD/logs"
for fl in base-guest guest; do
	kernel=patched
	[ "$fl" = guest ] || kernel=base
	bz=$(outdir "$fl")/arch/x86/boot/bzImage
	[ -f "$bz" ] || die "no kernel in $(outdir "$fl"): run make regress without SKIP_BUILD=1"
	image=$(REGRESS_SELFTESTS=$inst "$TOP/scripts/initramfs.sh" "$fl" regress)
	# pidfd_test's recycled-pid case forks up to 32768 times: minutes
	# under TCG, more on a busy machine. The kernel hands NSID_TEST_TIMEOUT
	# to init as an environment variable.
	VM_APPEND="NSID_TEST_TIMEOUT=${REGRESS_TEST_TIMEOUT:-1200}" TIMEOUT=${TIMEOUT:-2400} \
		"$TOP/scripts/vm.sh" "$bz" "$image" regress \
		"$BUILD/logs/regress-$kernel.log"
done

rc=0
python3 "$TOP/scripts/compare.py" regress "$BUILD/logs/regress-base.log" \
	"$BUILD/logs/regress-patched.log" | tee "$BUILD/logs/report-regress.txt" || rc=$?
info "regress: done in $(($(date +%s) - start))s"
exit "$rc"
