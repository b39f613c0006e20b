#!/usr/bin/env bash
# Boot the patched kernel into an interactive shell, with the kselftests in
# /usr/lib/kselftests and the guest tools on PATH. Ctrl-A X quits QEMU.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_build_deps
fl=$(flavour)
out=$(outdir "$fl")
[ -t 0 ] || die "make shell needs a terminal; use make run CMD=... instead"
LENIENT=1 "$TOP/scripts/tree.sh"
"$TOP/scripts/build.sh" "$fl"
"$TOP/scripts/selftests.sh" "$fl"
image=$("$TOP/scripts/initramfs.sh" "$fl" check "$@")
# The check image holds the tests; init's shell mode ignores its test list.
exec "$TOP/scripts/vm.sh" "$out/$KIMAGE" "$image" shell "$BUILD/logs/shell-$(logname "$fl").log"
