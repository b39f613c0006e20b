#!/usr/bin/env bash
# Benchmark the series against the unpatched base: build both kernels with
# the same guest config, boot them alternately (base, patched, base, ...)
# and run guest/nsbench.c's benchmarks on each, then print patched/base
# ratios (build/bench.txt). A measurement, not a test: the exit status is
# non-zero only when a build or a boot fails.
#   BENCH_BOOTS  boots of each kernel (default 3)
#   BENCH_REPS   runs of "nsbench all" per boot (default 3)
#   BENCH_CMD    what each run runs instead (e.g. "nsbench create uts")
#   SKIP_BUILD=1 use the kernels already built in build/out-base-guest and
#                build/out-guest as they are
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_build_deps
need_cmd qemu-system-x86_64 qemu-system-x86
boots=${BENCH_BOOTS:-3}
reps=${BENCH_REPS:-3}
[[ "$boots" =~ ^[1-9][0-9]*$ ]] || die "BENCH_BOOTS must be a positive number, not '$boots'"
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPS must be a positive number, not '$reps'"
start=$(date +%s)

# base-guest: the pristine base; guest: the patched tree (build/linux).
if [ "${SKIP_BUILD:-0}" != 1 ]; then
	"$TOP/scripts/base.sh" >/dev/null
	"$TOP/scripts/build.sh" base-guest "$BASE_DIR" >&2
	LENIENT=1 "$TOP/scripts/tree.sh" >&2
	"$TOP/scripts/build.sh" guest >&2
fi
declare -A image
for fl in base-guest guest; do
	out=$(outdir "$fl")
	[ -f "$out/arch/x86/boot/bzImage" ] ||
		die "no kernel in $out: run make bench without SKIP_BUILD=1"
	image[$fl]=$(CMD=${BENCH_CMD:-nsbench all} "$TOP/scripts/initramfs.sh" "$fl" bench)
done

mkdir -p "$BUILD/logs"
rm -f "$BUILD"/logs/bench-*.log
info "bench: $boots boots of each kernel, $reps runs of nsbench per boot"
failed=0
for i in $(seq "$boots"); do
	for fl in base-guest guest; do
		kernel=patched
		[ "$fl" = guest ] || kernel=base
		log=$BUILD/logs/bench-$kernel-$i.log
		# loglevel=5: warnings and worse only, not chatter in the BENCH lines
		VM_APPEND="nsid.reps=$reps loglevel=5" TIMEOUT=${TIMEOUT:-1800} "$TOP/scripts/vm.sh" \
			"$(outdir "$fl")/arch/x86/boot/bzImage" "${image[$fl]}" bench "$log"
		if ! grep -q '^nsid-guest: done' "$log"; then
			tail -n 30 "$log" >&2
			die "the $kernel kernel's boot $i did not finish (console: $log)"
		fi
		python3 "$TOP/scripts/report.py" --splats-only "$log" >&2 ||
			info "bench: the $kernel kernel logged a splat (see above, $log)"
		bad=$(grep -c -e '^nsid-guest: bench rep=[0-9]* exit=[1-9]' -e '^nsbench: ' "$log" || true)
		if [ "$bad" != 0 ]; then
			grep -e '^nsid-guest: bench rep=[0-9]* exit=[1-9]' -e '^nsbench: ' "$log" >&2
			info "bench: nsbench failed on the $kernel kernel, boot $i (console: $log)"
			failed=1
		fi
		info "bench: $kernel boot $i: $(grep -c '^BENCH ' "$log" || true) results"
	done
done

python3 "$TOP/scripts/benchreport.py" \
	--base "$BUILD"/logs/bench-base-*.log --patched "$BUILD"/logs/bench-patched-*.log |
	tee "$BUILD/bench.txt"
info "bench: done in $(($(date +%s) - start))s; table in $BUILD/bench.txt, consoles in $BUILD/logs/bench-*.log"
[ "$failed" = 0 ] || die "some nsbench runs failed (see above): their results are missing from the table"
