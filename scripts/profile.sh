#!/usr/bin/env bash
# Where the instructions of a benchmark go, function by function, in the
# unpatched base and the patched kernel (make profile). Each kernel boots
# twice under QEMU TCG with -icount and the insnprof plugin
# (tools/insnprof), which counts the guest instructions executed in kernel
# text: once running PROFILE_CMD with -c PROFILE_N1, once with -c
# PROFILE_N2. The difference of the two, divided by N2 - N1, is the cost of
# one operation, free of boot and setup; it is mapped to functions with
# each kernel's System.map and the two kernels are compared
# (scripts/profilereport.py; table in build/profile.txt).
#   PROFILE_CMD  the nsbench command without -c (default "create uts")
#   PROFILE_N1, PROFILE_N2  the two counts (default 2000 and 12000)
#   PROFILE_TOP  how many functions the table lists (default 40)
#   PROFILE_SETTLE  seconds the guest idles after the benchmark (default 2)
#   SKIP_BUILD=1 use the kernels already built (build/out-base-guest,
#                build/out-guest); BENCH_PATCHED_OUT=DIR as for make bench
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
only_x86_64 "make profile"

need_build_deps
need_cmd qemu-system-x86_64 qemu-system-x86
cmd=${PROFILE_CMD:-create uts}
n1=${PROFILE_N1:-2000} n2=${PROFILE_N2:-12000}
if ! [[ "$n1" =~ ^[0-9]+$ && "$n2" =~ ^[0-9]+$ ]] || [ "$n2" -le "$n1" ]; then
	die "PROFILE_N1 and PROFILE_N2 must be numbers, N2 above N1"
fi

declare -A out
out[base-guest]=$(outdir base-guest)
out[guest]=${BENCH_PATCHED_OUT:-$(outdir guest)}
build_base_and_patched

plugin_dir=$BUILD/insnprof
plugin=$plugin_dir/insnprof.so
src=$TOP/tools/insnprof/insnprof.c
mkdir -p "$plugin_dir"
if [ ! -f "$plugin" ] || [ "$src" -nt "$plugin" ]; then
	gcc -O2 -Wall -Wextra -Werror -shared -fPIC -pthread -o "$plugin" "$src" ||
		die "cannot build the insnprof plugin ($src)"
fi

dir=$BUILD/profile
mkdir -p "$dir" "$BUILD/logs"
args=()
for fl in base-guest guest; do
	o=${out[$fl]}
	if [ ! -f "$o/arch/x86/boot/bzImage" ] || [ ! -f "$o/System.map" ]; then
		die "no kernel or System.map in $o: run make profile without SKIP_BUILD=1"
	fi
	for n in "$n1" "$n2"; do
		prof=$dir/$fl-$n.txt log=$BUILD/logs/profile-$fl-$n.log
		rm -f "$prof"
		# The sleep lets deferred teardown (RCU callbacks, work items: ipc,
		# user and net namespaces are freed from those) finish inside the
		# profile; an idle guest under -icount sleep=off costs nearly nothing.
		image=$(OUT=$o RUN_NAME=profile CMD="nsbench -c $n $cmd && sleep ${PROFILE_SETTLE:-2}" \
			"$TOP/scripts/initramfs.sh" "$fl" run)
		ACCEL=tcg VM_CPUS=${VM_CPUS:-2} \
			VM_QEMU_EXTRA="-icount shift=0,sleep=off -plugin $plugin,out=$prof" \
			"$TOP/scripts/vm.sh" "$o/arch/x86/boot/bzImage" "$image" run "$log"
		grep -q '^nsid-guest: cmd exit=0' "$log" ||
			die "$fl: nsbench -c $n $cmd did not finish (console: $log)"
		[ -s "$prof" ] || die "$fl: the plugin wrote no profile ($prof)"
	done
	args+=("$fl" "$o/System.map" "$dir/$fl-$n1.txt" "$dir/$fl-$n2.txt")
done
python3 "$TOP/scripts/profilereport.py" --ops "$((n2 - n1))" --top "${PROFILE_TOP:-40}" \
	--title "nsbench $cmd" "${args[@]}" | tee "$BUILD/profile.txt"
