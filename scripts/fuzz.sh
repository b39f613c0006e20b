#!/usr/bin/env bash
# Fuzz the series, bounded: build the debug kernel, boot it and run in the
# guest (guest/nsid-fuzz) Debian's trinity on every system call it knows
# (but those that would end the guest), in throwaway user and pid
# namespaces, as root and as an unprivileged user, while nsfuzz's awkward
# churn drops the last references of namespaces from the awkward places
# 6.12 has; then guest/nsfuzz.c, our fuzzer of file handles and listns()
# with an oracle for SPEC.md 4, 5 and 6, with that churn beside it, the
# same two ways. Fails on any kernel splat, any nsfuzz violation (the
# churn's too), a trinity or churn that did not run, or a guest that did
# not finish.
#   FUZZ_SEED         seed of trinity and nsfuzz (default 1)
#   FUZZ_CALLS        nsfuzz calls per run, two runs (default 500000)
#   FUZZ_TRINITY_OPS  trinity system calls per run, two runs (default 2000)
#   SKIP_BUILD=1      boot the kernel already built in build/out-debug
#   FUZZ_KERNEL=PATH  boot this bzImage instead (implies SKIP_BUILD=1; the
#                     guest tools build against build/out-debug's headers)
#   DEBUG=0           the guest config instead of the debug config
#   RUN_NAME=NAME     keep this boot's image and console log apart
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
only_x86_64 "make fuzz"

need_cmd qemu-system-x86_64 qemu-system-x86
need_cmd trinity trinity
need_cmd python3 python3
seed=${FUZZ_SEED:-1}
calls=${FUZZ_CALLS:-500000}
tops=${FUZZ_TRINITY_OPS:-2000}
for v in seed calls tops; do
	[[ "${!v}" =~ ^[0-9]+$ ]] || die "FUZZ_${v^^} must be a number, not '${!v}'"
done
fl=debug
[ "${DEBUG:-1}" != 0 ] || fl=guest
out=$(outdir "$fl")
log=$BUILD/logs/fuzz-$fl${RUN_NAME:+-$RUN_NAME}.log

if [ -z "${FUZZ_KERNEL:-}" ] && [ "${SKIP_BUILD:-0}" != 1 ]; then
	need_build_deps
	LENIENT=1 "$TOP/scripts/tree.sh" >&2
	"$TOP/scripts/build.sh" "$fl" >&2
fi
kernel=${FUZZ_KERNEL:-$out/arch/x86/boot/bzImage}
[ -f "$kernel" ] || die "no kernel $kernel: run make fuzz without SKIP_BUILD=1"
start=$(date +%s)
image=$(CMD="nsid-fuzz $seed $calls $tops" "$TOP/scripts/initramfs.sh" "$fl" fuzz)
mkdir -p "$BUILD/logs"
# loglevel=5: warnings and worse on the console, not the chatter trinity
# provokes. The debug kernel under software emulation is slow: the stages
# have 1200 s each in the guest, the whole boot TIMEOUT.
VM_APPEND="loglevel=5" TIMEOUT=${TIMEOUT:-2400} \
	"$TOP/scripts/vm.sh" "$kernel" "$image" fuzz "$log"

# The user-space lines, as report.py splits them from kernel messages.
user=$(python3 - "$log" "$TOP/scripts" <<'EOF'
import sys
sys.path.insert(0, sys.argv[2])
import report
with open(sys.argv[1], 'rb') as f:
    text = f.read().decode('utf-8', errors='replace')
for line in report.split_console(text)[1]:
    print(line.text)
EOF
)

failed=()
# Notices, not bugs, that fuzzing every system call provokes and that
# look like splats to report.py (they start with "WARNING:"): mount()
# with MS_MANDLOCK. Shown, not counted.
benign=(-e 'SPLAT WARNING: The mand mount option has been deprecated')
allsplats=$(python3 "$TOP/scripts/report.py" --splats-only "$log" || true)
splats=$(grep -v -F "${benign[@]}" <<<"$allsplats" || true)
ignored=$(grep -F "${benign[@]}" <<<"$allsplats" || true)
nsplats=$(grep -c '^SPLAT' <<<"$splats" || true)
[ "$nsplats" = 0 ] || failed+=("$nsplats kernel splat(s)")
grep -qx 'nsid-guest: done' <<<"$user" ||
	failed+=("the guest did not finish (hung, panicked or timed out)")

# section NAME: what the stage printed between its begin and end lines.
section() {
	awk -v b="nsid-fuzz: $1 begin" -v e="nsid-fuzz: $1 exit=" \
		'$0 == b { on = 1; next } index($0, e) == 1 { on = 0 } on' <<<"$user"
}
# stage NAME: the "exit=N secs=S ops=N" fields of its end line.
stage() {
	grep "^nsid-fuzz: $1 exit=" <<<"$user" | tail -n 1 | cut -d' ' -f3-
}
field() {	# field NAME "k=v k=v": v of k=NAME
	tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"
}
# awkward RUN SECTION: the awkward churn's summary line in SECTION; a
# failure if there is none, it ran no iteration at all, or an iteration
# was stuck for a minute (its watchdog killed it).
awkward() {
	local a
	a=$(sed -n 's/^nsfuzz: churn-awkward \(setown=.*\)/\1/p' <<<"$2" | tail -n 1)
	if [ -z "$a" ] || [ "$(field iterations "$a")" = 0 ]; then
		failed+=("the awkward churn ($1) did not run")
		return
	fi
	[ "$(field watchdog "$a")" = 0 ] ||
		failed+=("the awkward churn ($1): $(field watchdog "$a") iteration(s) stuck for 60 s")
	summary+=("$(printf 'churn-awkward (%s) %s' "$1" "$a")")
}

summary=()
for who in root user; do
	end=$(stage "trinity-$who")
	if [ -z "$end" ]; then
		failed+=("trinity ($who) did not finish")
		continue
	fi
	rc=$(field exit "$end") secs=$(field secs "$end") ops=$(field ops "$end")
	crc=$(field churn "$end")
	[ "$rc" = 0 ] || failed+=("trinity ($who) exited with status $rc")
	[ "${ops:-0}" -gt 0 ] || failed+=("trinity ($who) ran no system calls")
	out=$(section "trinity-$who")
	if ! grep -q 'Added [1-9][0-9]* filenames' <<<"$out" ||
		grep -q '^nsid-fuzz: cannot pin' <<<"$out"; then
		failed+=("trinity ($who) had no namespace file to fuzz with")
	fi
	if [ "$crc" != 0 ] || ! grep -qx 'nsfuzz: PASS' <<<"$out"; then
		failed+=("the awkward churn beside trinity ($who): $(sed -n \
			's/.*lingering=\([0-9]*\).*/\1/p' <<<"$out" | tail -n 1) violation(s), exit status ${crc:-?}")
	fi
	n=$(sed -n 's/^trinity: \([0-9]*\) different system calls attempted, \([0-9]*\) excluded.*/\1 system calls (\2 excluded)/p' \
		<<<"$out")
	summary+=("$(printf 'trinity (%s)  %8s ops in %4ss: %6s ops/s, %s' \
		"$who" "$ops" "$secs" "$((ops / (secs > 0 ? secs : 1)))" "${n:-? system calls}")")
	awkward "trinity-$who" "$out"
done

for who in root user; do
	end=$(stage "nsfuzz-$who")
	out=$(section "nsfuzz-$who")
	t=$(sed -n 's/^nsfuzz: total //p' <<<"$out" | tail -n 1)
	if [ -z "$end" ] || [ -z "$t" ]; then
		failed+=("nsfuzz ($who) did not finish")
		continue
	fi
	rc=$(field exit "$end")
	if [ "$rc" != 0 ] || ! grep -qx 'nsfuzz: PASS' <<<"$out"; then
		failed+=("nsfuzz ($who): $(field violations "$t") violation(s), exit status $rc")
	fi
	summary+=("$(printf 'nsfuzz (%s)   %8s calls in %s: %s, %s violations' "$who" \
		"$(field calls "$t")" "$(field time "$t")" "$(field rate "$t")" \
		"$(field violations "$t")")")
	awkward "nsfuzz-$who" "$out"
done

echo "console log: $log"
grep -e '^nsfuzz: VIOLATION' -e '^nsfuzz: setup error' -e '^nsfuzz: worker .* died' \
	-e '^nsid-fuzz: killed' -e '^nsid-fuzz: cannot' -e '^trinity: .*\(BUG\|taint\|Stuck\)' \
	<<<"$user" || true
for who in root user; do
	out=$(section "trinity-$who")
	grep -e 'Ran [0-9]* syscalls' -e 'filenames from' -e 'system calls attempted' \
		<<<"$out" | sed "s/^trinity: /  trinity ($who): /" || true
	grep -e '^nsfuzz: awkward ' <<<"$out" |
		sed "s/^nsfuzz: /  churn beside trinity ($who): /" || true
	out=$(section "nsfuzz-$who")
	grep -e '^nsfuzz: [a-z_]* *calls=' -e '^nsfuzz: churn:' -e '^nsfuzz: note:' \
		-e '^nsfuzz: listns() is not' -e '^nsfuzz: awkward ' <<<"$out" |
		sed "s/^nsfuzz: /  nsfuzz ($who): /" || true
done
[ -z "$splats" ] || printf '%s\n' "$splats"
[ -z "$ignored" ] || printf '%s\n' "${ignored//SPLAT /benign notice (not counted): }"
printf '%s\n' "${summary[@]}"
echo "splats: ${nsplats:-0}"
echo "time: $(($(date +%s) - start))s without the kernel build (seed $seed)"
if [ ${#failed[@]} -gt 0 ]; then
	printf 'FAIL: %s\n' "${failed[@]}"
	exit 1
fi
echo "PASS"
