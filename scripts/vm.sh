#!/usr/bin/env bash
# Boot a guest kernel with an initramfs under QEMU, serial console only.
#   vm.sh BZIMAGE INITRAMFS MODE LOG
# MODE is nsid.mode for the guest's init (check, run, bench, shell). For
# check, run and bench the console goes to LOG (no TTY or stdin needed) and
# the boot is killed after TIMEOUT seconds; shell is interactive on this
# terminal. VM_APPEND (environment) adds kernel parameters (nsid.reps=R),
# VM_QEMU_EXTRA QEMU options (words, e.g. "-icount shift=0,sleep=off").
# ARCH=arm64: qemu-system-aarch64 -M virt -cpu max, under TCG, with the
# console on the board's PL011.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd "$QEMU" "$QEMU_PKG"
[ $# -eq 4 ] || die "usage: vm.sh BZIMAGE INITRAMFS MODE LOG"
kernel=$1 initrd=$2 mode=$3 log=$4
[ -f "$kernel" ] || die "no kernel image $kernel: run make build"
[ -f "$initrd" ] || die "no initramfs $initrd"

append="console=$GUEST_CONSOLE,115200 panic=-1 oops=panic nsid.mode=$mode"
append+=" no_hash_pointers printk.devkmsg=on"
# KUnit suites run at boot only for make check.
[ "$mode" = check ] || append+=" kunit.enable=0"
[ "$mode" = shell ] || append+=" loglevel=7"
[ -z "${VM_APPEND:-}" ] || append+=" $VM_APPEND"

case "$GUEST_ARCH" in
x86_64)
	# KVM only where a probe boot proved it runs this kernel (scripts/accel.sh).
	accel=$("$TOP/scripts/accel.sh" "$kernel")
	cpu=max
	[ "$accel" = tcg ] || cpu=host
	machine=q35,accel=$accel
	;;
arm64)
	# Always emulated on this x86_64 host. pauth-impdef: QEMU's own pointer
	# authentication algorithm, much cheaper to emulate than the
	# architected QARMA one; the guest sees the same features.
	accel=tcg cpu=max,pauth-impdef=on machine=virt,accel=tcg
	;;
esac
qemu=("$QEMU" -machine "$machine" -cpu "$cpu" -smp "${VM_CPUS:-2}"
	-m "${VM_MEM:-2048}" -nodefaults -no-reboot -display none
	-kernel "$kernel" -initrd "$initrd" -append "$append")
if [ -n "${VM_QEMU_EXTRA:-}" ]; then
	read -ra extra <<<"$VM_QEMU_EXTRA"
	qemu+=("${extra[@]}")
fi

if [ "$mode" = shell ]; then
	exec "${qemu[@]}" -serial mon:stdio
fi

timeout=${TIMEOUT:-900}
mkdir -p "$(dirname "$log")"
: >"$log"
info "vm: booting $(basename "$kernel") ($accel, mode $mode, timeout ${timeout}s), console: $log"
rc=0
timeout -k 10 "$timeout" "${qemu[@]}" -serial "file:$log" -monitor none </dev/null || rc=$?
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "nsid-host: timeout after ${timeout}s, guest killed" >>"$log"
	info "vm: timeout after ${timeout}s, guest killed"
elif [ "$rc" != 0 ]; then
	info "vm: qemu exited with status $rc"
fi
exit 0
