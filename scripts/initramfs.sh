#!/usr/bin/env bash
# Pack the guest's initramfs: busybox-static, guest/init, the guest tools
# built from guest/*.c, for MODE=check the kselftests and the documentation's
# examples, for MODE=regress 6.12's own selftests (scripts/regress.sh), and
# for MODE=fuzz Debian's trinity (with the shared libraries it
# needs) and guest/nsid-fuzz.
#   initramfs.sh FLAVOUR MODE [FILE...]
# FILEs go to /usr/local/bin; CMD (environment) becomes /etc/nsid/cmd.
# OUT (environment): the kernel build to pack for, if not build/out-FLAVOUR.
# RUN_NAME (environment) names the image apart, for boots side by side.
# Prints the path of the image.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: initramfs.sh FLAVOUR MODE [FILE...]"
fl=$1 mode=$2
shift 2
out=${OUT:-$(outdir "$fl")}
need_guest_cc
need_cmd cpio cpio
[ -f "$out/usr/include/linux/nsfs.h" ] || die "no uapi headers in $out: run make build"

root=$out/initramfs-$mode${RUN_NAME:+-$RUN_NAME}
image=$root.cpio.gz
rm -rf "$root"
mkdir -p "$root"/{bin,dev,etc/nsid,proc,sys,tmp,run,root,usr/lib/nsid,usr/local/bin}
cp "$GUEST_BUSYBOX" "$root/bin/busybox"
install -m 755 "$TOP/guest/init" "$root/init"
printf 'root:x:0:0:root:/root:/bin/sh\nnsid:x:1000:1000:nsid:/tmp:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnsid:x:1000:\n' >"$root/etc/group"
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$root/dev/console" c 5 1
	mknod -m 666 "$root/dev/null" c 1 3
fi

# Guest tools: every guest/*.c (sharing guest/nsid-guest.h), static, against
# this kernel's uapi headers.
for src in "$TOP"/guest/*.c; do
	bin=$out/guest-bin/$(basename "$src" .c)
	mkdir -p "$out/guest-bin"
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ "$TOP/guest/nsid-guest.h" -nt "$bin" ] ||
		[ "$out/usr/include/linux/nsfs.h" -nt "$bin" ]; then
		ccache "$GUEST_CC" -O2 -Wall -Wextra -Werror -static -isystem "$out/usr/include" \
			-o "$bin" "$src" || die "cannot build $src"
	fi
	cp "$bin" "$root/usr/lib/nsid/"
done
# nsctl (tools/nsctl), on PATH in every mode: plain C, libc only.
nsctl=$(CC=$GUEST_CC NSCTL_OUT=$out/nsctl "$TOP/tools/nsctl/build.sh") || die "cannot build nsctl"
cp "$nsctl" "$root/usr/lib/nsid/"

if [ "$mode" = check ]; then
	inst=$out/kselftest-install
	[ -s "$inst/kselftest-list.txt" ] || die "no kselftests in $inst: run scripts/selftests.sh"
	mkdir -p "$root/usr/lib/kselftests"
	cp -a "$inst/." "$root/usr/lib/kselftests/"
	# Every program runs twice: as root in the initial namespaces, and as
	# uid 1000 inside a user namespace of its own.
	while IFS=: read -r coll prog || [ -n "${prog:-}" ]; do
		[ -n "$prog" ] || continue
		echo "$coll/$prog root"
		echo "$coll/$prog userns"
	done <"$inst/kselftest-list.txt" >"$root/usr/lib/nsid/tests.list"
	# The i386 builds of the programs guest/kselftests-m32 names, run the
	# same two ways, as m32/COLLECTION/PROGRAM (x86_64 guests).
	if [ "$GUEST_ARCH" = x86_64 ]; then
		inst32=$out/kselftest-install-m32
		[ -s "$inst32/kselftest-list.txt" ] || die "no i386 kselftests in $inst32: run scripts/selftests.sh"
		mkdir -p "$root/usr/lib/kselftests/m32"
		cp -a "$inst32/." "$root/usr/lib/kselftests/m32/"
		while IFS=: read -r coll prog || [ -n "${prog:-}" ]; do
			[ -n "$prog" ] || continue
			[ -x "$inst32/$coll/$prog" ] || die "guest/kselftests-m32: no i386 build of $coll:$prog"
			echo "m32/$coll/$prog root"
			echo "m32/$coll/$prog userns"
		done < <(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/guest/kselftests-m32") \
			>>"$root/usr/lib/nsid/tests.list"
	fi
	# nsctl's tests (TAP), run like a kselftest program: as root and as
	# uid 1000 in a user namespace of its own.
	install -D -m 755 "$TOP/tools/nsctl/test-nsctl.sh" \
		"$root/usr/lib/kselftests/nsctl/test-nsctl.sh"
	printf '%s\n' "nsctl/test-nsctl.sh root" "nsctl/test-nsctl.sh userns" \
		>>"$root/usr/lib/nsid/tests.list"
	# The documentation's example programs (scripts/docexamples.sh), run
	# the same two ways.
	if [ -d "$out/doc-examples" ]; then
		mkdir -p "$root/usr/lib/kselftests/docs"
		for ex in "$out"/doc-examples/*; do
			[ -f "$ex" ] || continue
			cp "$ex" "$root/usr/lib/kselftests/docs/"
			echo "docs/$(basename "$ex") root"
			echo "docs/$(basename "$ex") userns"
		done >>"$root/usr/lib/nsid/tests.list"
	fi
fi

# make regress: 6.12's own selftests (scripts/regress.sh built them into
# REGRESS_SELFTESTS), each run once, as root in the initial namespaces.
if [ "$mode" = regress ]; then
	sel=${REGRESS_SELFTESTS:-$BUILD/regress/selftests}
	[ -s "$sel/tests" ] || die "no regression selftests in $sel: run make regress"
	mkdir -p "$root/usr/lib/kselftests"
	cp -a "$sel/." "$root/usr/lib/kselftests/"
	sed 's/$/ root/' "$sel/tests" >"$root/usr/lib/nsid/tests.list"
fi

if [ "$mode" = fuzz ]; then
	trinity=$(command -v trinity) || die "trinity is not installed: run make deps"
	install -D -m 755 "$trinity" "$root/usr/bin/trinity"
	# Debian builds it dynamically: its libraries and loader, same paths.
	while read -r lib; do
		install -D -m 755 "$lib" "$root$lib"
	done < <(ldd "$trinity" | grep -o '/[^ ]*')
	install -m 755 "$TOP/guest/nsid-fuzz" "$root/usr/lib/nsid/"
fi

for f in "$@"; do
	[ -f "$f" ] || die "ADD: no such file $f"
	install -m 755 "$f" "$root/usr/local/bin/"
done
printf '%s\n' "${CMD:-}" >"$root/etc/nsid/cmd"

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet -R 0:0 | gzip -1) >"$image.tmp"
mv "$image.tmp" "$image"
echo "$image"
