#!/usr/bin/env bash
# Benchmark the series against the unpatched base: build both kernels with
# the same guest config, boot them alternately (base, patched, base, ...)
# and run guest/nsbench.c's benchmarks on each, then print patched/base
# ratios (build/bench.txt). A measurement, not a test: the exit status is
# non-zero only when a build or a boot fails.
#   INSN=1       count guest instructions instead of wall time: QEMU TCG
#                with -icount shift=0,sleep=off (one guest nanosecond per
#                guest instruction), table in build/bench-insn.txt
#   BENCH_BOOTS  boots of each kernel (default 3; 1 with INSN=1)
#   BENCH_REPS   runs of "nsbench all" per boot (default 3)
#   BENCH_CMD    what each run runs instead (e.g. "nsbench create uts")
#   BENCH_APPEND more kernel parameters for every boot
#   SKIP_BUILD=1 use the kernels already built in build/out-base-guest and
#                build/out-guest as they are
#   BENCH_PATCHED_OUT=DIR  the patched kernel's build directory instead of
#                build/out-guest (one of your own: built with OUT=DIR
#                scripts/build.sh guest TREE); nothing is built in it
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
only_x86_64 "make bench"

need_build_deps
need_cmd qemu-system-x86_64 qemu-system-x86
insn=${INSN:-0}
case "$insn" in
0) boots=${BENCH_BOOTS:-3} tag=bench ;;
1) boots=${BENCH_BOOTS:-1} tag=bench-insn ;;
*) die "INSN must be 0 or 1, not '$insn'" ;;
esac
reps=${BENCH_REPS:-3}
[[ "$boots" =~ ^[1-9][0-9]*$ ]] || die "BENCH_BOOTS must be a positive number, not '$boots'"
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPS must be a positive number, not '$reps'"
start=$(date +%s)

# base-guest: the pristine base; guest: the patched tree (build/linux).
declare -A out
out[base-guest]=$(outdir base-guest)
out[guest]=${BENCH_PATCHED_OUT:-$(outdir guest)}
build_base_and_patched
declare -A image
for fl in base-guest guest; do
	[ -f "${out[$fl]}/arch/x86/boot/bzImage" ] ||
		die "no kernel in ${out[$fl]}: run make bench without SKIP_BUILD=1"
	image[$fl]=$(OUT=${out[$fl]} CMD=${BENCH_CMD:-nsbench all} "$TOP/scripts/initramfs.sh" "$fl" bench)
done

# INSN=1: the guest clock is the instruction count (sleep=off: an idle
# guest jumps to its next timer at once instead of waiting in real time).
# icount needs TCG, and runs the vCPUs in turn on one host thread, so the
# count is every guest instruction on every vCPU in the timed interval.
qemu_extra=${VM_QEMU_EXTRA:-}
accel=${ACCEL:-}
timeout=${TIMEOUT:-1800}
if [ "$insn" = 1 ]; then
	qemu_extra="-icount shift=0,sleep=off${qemu_extra:+ $qemu_extra}"
	[ "${accel:-tcg}" = tcg ] || die "INSN=1 needs TCG (QEMU's -icount), not ACCEL=$accel"
	accel=tcg
	timeout=${TIMEOUT:-3600}
fi

mkdir -p "$BUILD/logs"
rm -f "$BUILD"/logs/"$tag"-base-*.log "$BUILD"/logs/"$tag"-patched-*.log
info "bench: $boots boots of each kernel, $reps runs of nsbench per boot$([ "$insn" = 0 ] || echo ", counting instructions")"
info "bench: base ${out[base-guest]}, patched ${out[guest]}"
failed=0
for i in $(seq "$boots"); do
	for fl in base-guest guest; do
		kernel=patched
		[ "$fl" = guest ] || kernel=base
		log=$BUILD/logs/$tag-$kernel-$i.log
		# loglevel=5: warnings and worse only, not chatter in the BENCH lines
		VM_APPEND="nsid.reps=$reps loglevel=5${BENCH_APPEND:+ $BENCH_APPEND}" \
			VM_QEMU_EXTRA=$qemu_extra ACCEL=$accel TIMEOUT=$timeout \
			"$TOP/scripts/vm.sh" "${out[$fl]}/arch/x86/boot/bzImage" "${image[$fl]}" bench "$log"
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

mode=()
[ "$insn" = 0 ] || mode=(--insn)
python3 "$TOP/scripts/benchreport.py" "${mode[@]}" \
	--base "$BUILD"/logs/"$tag"-base-*.log --patched "$BUILD"/logs/"$tag"-patched-*.log |
	tee "$BUILD/$tag.txt"
info "bench: done in $(($(date +%s) - start))s; table in $BUILD/$tag.txt, consoles in $BUILD/logs/$tag-*.log"
[ "$failed" = 0 ] || die "some nsbench runs failed (see above): their results are missing from the table"
