#!/usr/bin/env bash
# Choose QEMU's accelerator for booting KERNEL: prints "kvm" or "tcg".
#   accel.sh KERNEL
# KVM is used only when a probe boot of KERNEL under KVM (-cpu host) shows
# that it runs: a busybox /init in a tiny initramfs prints a marker on the
# serial console within ACCEL_PROBE_TIMEOUT seconds (default 30). Some
# /dev/kvm devices cannot run an ordinary x86 guest (kvm_pvm: QEMU aborts
# on an MSR, or the guest prints nothing), so a /dev/kvm that merely exists
# proves nothing. The verdict is cached in build/accel/, keyed by this
# machine (kernel, KVM modules, CPU) and QEMU's version, and told in one
# line on stderr.
#   ACCEL=tcg  software emulation, no probe
#   ACCEL=kvm  KVM or a clear error at once (probed, or the cached verdict)
#   KVM_DEV    the KVM device (default /dev/kvm; the harness's tests fake it)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: accel.sh KERNEL"
kernel=$1
want=${ACCEL:-auto}
dev=${KVM_DEV:-/dev/kvm}
bound=${ACCEL_PROBE_TIMEOUT:-30}
case "$want" in
auto | kvm | tcg) ;;
*) die "ACCEL must be kvm or tcg (or unset: probe), not '$want'" ;;
esac
[[ "$bound" =~ ^[1-9][0-9]*$ ]] || die "ACCEL_PROBE_TIMEOUT must be a positive number, not '$bound'"

if [ "$want" = tcg ]; then
	info "vm: TCG (ACCEL=tcg)"
	echo tcg
	exit 0
fi

# unusable REASON: no KVM; with ACCEL=kvm that is an error.
unusable() {
	if [ "$want" = kvm ]; then
		die "ACCEL=kvm, but KVM cannot run the guest here: $1 (unset ACCEL to fall back to TCG)"
	fi
	info "vm: KVM unusable here ($1), using TCG"
	echo tcg
	exit 0
}

if [ ! -e "$dev" ]; then
	unusable "no $dev"
elif [ ! -r "$dev" ] || [ ! -w "$dev" ]; then
	unusable "$dev is not readable and writable by $(id -un)"
fi
need_cmd qemu-system-x86_64 qemu-system-x86
[ -f "$kernel" ] || die "no kernel image $kernel: run make build"

qemu_version=$(qemu-system-x86_64 --version 2>/dev/null | head -n 1 || true)
modules=$(find /sys/module -maxdepth 1 -name 'kvm*' -printf '%f ' 2>/dev/null || true)
cpu=$(grep -m 1 '^model name' /proc/cpuinfo 2>/dev/null || true)
key=$(printf '%s\n' "$(uname -nr)" "$modules" "$cpu" "$qemu_version" | sha256sum | cut -c1-16)
cache=$BUILD/accel/verdict-$key
mkdir -p "$BUILD/accel"

if [ ! -f "$cache" ]; then
	probe=$BUILD/accel/probe-$key
	rm -rf "$probe"
	mkdir -p "$probe/root/bin" "$probe/root/dev" "$probe/root/proc"
	[ -x /bin/busybox ] || die "busybox-static is not installed: run make deps"
	cp /bin/busybox "$probe/root/bin/busybox"
	# The marker goes to the serial port itself: no /dev/console node is
	# needed in the archive (mknod needs root).
	cat >"$probe/root/init" <<-'EOF'
		#!/bin/busybox sh
		/bin/busybox mount -t devtmpfs devtmpfs /dev
		echo nsid-accel-probe: userspace runs >/dev/ttyS0
		/bin/busybox poweroff -f
	EOF
	chmod 755 "$probe/root/init"
	(cd "$probe/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1) \
		>"$probe/initramfs.cpio.gz"
	: >"$probe/console.log"
	start=$(date +%s)
	# In a subshell whose stderr is discarded: bash's own "Aborted" line
	# for a QEMU killed by a signal must not add to the one-line verdict.
	(timeout -k 5 "$bound" qemu-system-x86_64 -machine q35,accel=kvm -cpu host -smp 1 -m 512 \
		-nodefaults -no-reboot -display none -monitor none \
		-serial "file:$probe/console.log" -kernel "$kernel" -initrd "$probe/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 rdinit=/init" \
		</dev/null >"$probe/qemu.out" 2>&1; echo $? >"$probe/rc") 2>/dev/null || true
	rc=$(cat "$probe/rc")
	took=$(($(date +%s) - start))
	if grep -q '^nsid-accel-probe: userspace runs' "$probe/console.log"; then
		echo "kvm probe boot reached userspace in ${took}s" >"$cache"
	elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "tcg a probe boot under KVM printed no marker in ${bound}s" >"$cache"
	else
		why=$(grep -m 1 -v '^[[:space:]]*$' "$probe/qemu.out" | cut -c1-120 || true)
		echo "tcg a probe boot under KVM failed: QEMU exited with status $rc${why:+: $why}" >"$cache"
	fi
fi

read -r verdict reason <"$cache"
if [ "$verdict" != kvm ]; then
	unusable "$reason; verdict cached in $cache"
fi
info "vm: KVM ($reason; verdict cached in $cache)"
echo kvm
