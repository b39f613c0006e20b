#!/usr/bin/env bash
# Build the patched kernel if needed, boot it and run one command as root in
# the guest's initial namespaces. Its output goes to stdout, its exit status
# is ours.
#   run.sh [FILE...]   FILEs are copied to the guest's /usr/local/bin;
#                      CMD (environment) is the command line, default
#                      nsinfo, then nsctl list --tree.
# REF=mainline boots Debian's mainline binary kernel (scripts/mainline.sh)
# instead, with the same initramfs, and builds nothing: the guest tools need
# only the uapi headers of an earlier make build; REF=FILE boots the kernel
# image FILE the same way. RUN_NAME=NAME keeps the
# image and console log of this boot apart from others running meanwhile.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_build_deps
fl=$(flavour)
out=$(outdir "$fl")
log=$BUILD/logs/run-$(logname "$fl")${RUN_NAME:+-$RUN_NAME}.log
export CMD=${CMD:-"nsinfo && echo && echo 'nsctl list --tree:' && nsctl list --tree"}

case "${REF:-}" in
"")
	LENIENT=1 "$TOP/scripts/tree.sh" >&2
	"$TOP/scripts/build.sh" "$fl" >&2
	kernel=$out/$KIMAGE
	;;
mainline)
	kernel=$("$TOP/scripts/mainline.sh" | tail -n 1)
	log=$BUILD/logs/run-mainline${RUN_NAME:+-$RUN_NAME}.log
	;;
*)
	# A kernel image of one's own, booted as it is (nothing is built).
	[ -f "$REF" ] || die "REF must be mainline, a kernel image or unset, not '$REF'"
	kernel=$REF
	log=$BUILD/logs/run-ref${RUN_NAME:+-$RUN_NAME}.log
	;;
esac
image=$("$TOP/scripts/initramfs.sh" "$fl" run "$@")
TIMEOUT=${TIMEOUT:-900} "$TOP/scripts/vm.sh" "$kernel" "$image" run "$log"

# The command's lines sit between the begin and exit markers; kernel
# messages (printk timestamps) are left out of stdout.
awk '
	/^\[ *[0-9]+\.[0-9]+\]/ { next }
	/^nsid-guest: cmd begin/ { on = 1; next }
	/^nsid-guest: cmd exit=/ { on = 0; next }
	on { sub(/\r$/, ""); print }
' "$log"
python3 "$TOP/scripts/report.py" --splats-only "$log" >&2 ||
	info "run: the kernel logged a splat while the command ran (see above, $log)"
status=$(sed -n 's/^nsid-guest: cmd exit=\([0-9]*\).*/\1/p' "$log" | tail -n 1)
if [ -z "$status" ]; then
	tail -n 30 "$log" >&2
	die "the guest did not finish the command (console: $log)"
fi
# make can only exit 0 or 2: say the exact status for make run's users.
[ "$status" = 0 ] || info "run: the command exited with status $status"
exit "$status"
