#!/usr/bin/env bash
# make nsctl-test: build nsctl and run its tests (test-nsctl.sh) on this
# machine, four ways:
#   root         as root in the initial namespaces
#   busybox      the same under busybox sh, the guest's shell (if installed)
#   userns       as uid 1000 inside a user namespace of its own
#                (guest/nsid-asuser), like make check's "(userns)" runs
#   fake-listns  as root, with nsctl linked with fake-listns.c, which
#                answers listns() and id-only handles from /proc: list's
#                listns() path runs even where the kernel lacks listns()
# What the kernel has (listns(), id-only handles) is probed once, as root.
# Each run's TAP goes to stdout and build/nsctl/test-RUN.log; the exit
# status is non-zero when a test failed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../../scripts/lib.sh"

[ "$(id -u)" = 0 ] ||
	die "nsctl-test needs root: it unshares namespaces and runs tests as uid 1000"
"$TOP/tools/nsctl/build.sh" test >/dev/null
out=$BUILD/nsctl
test=$TOP/tools/nsctl/test-nsctl.sh
read -r listns idonly < <(NSCTL=$out/nsctl sh "$test" --probe)
info "nsctl-test: kernel $(uname -r): listns()=$listns id-only handles=$idonly"

failed=()
# run NAME CMD...: one run of the tests.
run() {
	local name=$1
	shift
	info "nsctl-test: run $name"
	if ! "$@" 2>&1 | tee "$out/test-$name.log"; then
		failed+=("$name")
	fi
}

export NSCTL=$out/nsctl NSCTL_EXPECT_LISTNS=$listns NSCTL_EXPECT_IDONLY=$idonly
run root sh "$test"
if command -v busybox >/dev/null 2>&1; then
	run busybox env NSCTL_TEST_SH="busybox sh" busybox sh "$test"
else
	info "nsctl-test: no busybox, busybox run skipped"
fi
run userns env TMPDIR=/tmp "$out/nsid-asuser" 1000 sh "$test"
run fake-listns env NSCTL="$out/nsctl-fakelistns" NSCTL_EXPECT_LISTNS=1 \
	NSCTL_EXPECT_IDONLY=1 sh "$test"

if [ ${#failed[@]} -gt 0 ]; then
	die "nsctl-test: failed runs: ${failed[*]} (logs: $out/test-RUN.log)"
fi
info "nsctl-test: every run passed"
