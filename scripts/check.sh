#!/usr/bin/env bash
# Everything a reviewer and CI need, from patches/ alone: test the report
# parser on recorded logs, apply the series to the pristine base, build the
# guest kernel (debug config with DEBUG=1), the kselftests, nsctl and the
# examples of the documentation, boot, run every KUnit suite, kselftest,
# nsctl test and example in the guest, and print the report. nsctl's tests
# also run natively, on this machine's own kernel. REF=mainline then boots
# Debian's mainline binary kernel with the same tests (scripts/mainline.sh)
# and compares the verdicts (scripts/compare.py oracle). ARCH=arm64 does the
# same for an arm64 guest, cross-built and emulated (no REF=mainline, no
# DEBUG=1: those are x86_64 only).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_build_deps
[ -z "${REF:-}" ] || only_x86_64 "REF=mainline"
fl=$(flavour)
[ "$fl" = guest ] || only_x86_64 "DEBUG=1"
out=$(outdir "$fl")
log=$BUILD/logs/check-$(logname "$fl").log

mkdir -p "$BUILD/logs"
info "check: the report parser on recorded console logs"
harness_log=$BUILD/logs/harness-tests.log
rc=0
(cd "$TOP" && python3 -m unittest discover -s tests) >"$harness_log" 2>&1 || rc=$?
ran=$(grep -E '^Ran [0-9]+ tests' "$harness_log" || true)
if [ "$rc" != 0 ] || [ -z "$ran" ] || [ "$ran" = "Ran 0 tests" ]; then
	cat "$harness_log" >&2
	die "the harness's own tests failed"
fi
info "check: $ran, all passed"

# nsctl on this machine's own kernel, whatever it has (tools/nsctl/check.sh).
nsctl_log=$BUILD/logs/nsctl-native.log
if [ "$(id -u)" = 0 ]; then
	info "check: nsctl's tests on this machine's kernel ($(uname -r))"
	"$TOP/tools/nsctl/check.sh" >"$nsctl_log" 2>&1 || {
		tail -n 40 "$nsctl_log" >&2
		die "nsctl's tests failed on this machine (see $nsctl_log)"
	}
	info "check: nsctl: $(grep -c '^ok' "$nsctl_log") ok, $(grep -c '^not ok' "$nsctl_log") not ok"
else
	info "check: nsctl's native tests skipped: they need root"
fi

"$TOP/scripts/tree.sh"
"$TOP/scripts/build.sh" "$fl"
"$TOP/scripts/selftests.sh" "$fl"
"$TOP/scripts/docexamples.sh" "$fl"
image=$("$TOP/scripts/initramfs.sh" "$fl" check)
# The debug kernel under software emulation is several times slower.
[ "$fl" = debug ] && : "${TIMEOUT:=2400}"
# So is an arm64 guest on an x86_64 host.
[ "$GUEST_ARCH" = arm64 ] && : "${TIMEOUT:=1800}"
TIMEOUT=${TIMEOUT:-900} "$TOP/scripts/vm.sh" "$out/$KIMAGE" "$image" check "$log"
rc=0
python3 "$TOP/scripts/report.py" --expect-kunit --expect-kselftest "$log" |
	tee "$BUILD/logs/report-$(logname "$fl").txt" || rc=$?

# REF=mainline: the same tests on Debian's mainline binary kernel, as an
# oracle of mainline's ABI; every test that passes here and not there is
# listed in guest/mainline-differences, with the reason, or fails the run.
case "${REF:-}" in
"") ;;
mainline)
	ref_kernel=$("$TOP/scripts/mainline.sh" | tail -n 1)
	ref_log=$BUILD/logs/check-mainline.log
	info "check: the same tests on mainline ($(cat "$BUILD/mainline/version"))"
	TIMEOUT=${TIMEOUT:-900} "$TOP/scripts/vm.sh" "$ref_kernel" "$image" check "$ref_log"
	python3 "$TOP/scripts/compare.py" oracle "$log" "$ref_log" "$TOP/guest/mainline-differences" |
		tee "$BUILD/logs/report-mainline.txt" || rc=1
	tail -n 1 "$BUILD/logs/report-$(logname "$fl").txt"
	;;
*) die "REF must be mainline (or unset), not '$REF'" ;;
esac
exit "$rc"
