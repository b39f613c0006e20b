#!/usr/bin/env bash
# Fetch Debian's newest mainline binary kernel from the suite sid, to boot in
# QEMU as a reference ("oracle") kernel; its source is never read.
#   mainline.sh
# The package is the newest linux-binary-unsigned-VERSION-cloud-amd64 in sid
# (by the kernel version in its name), or, where sid has none, the newest
# linux-image-VERSION-cloud-amd64-unsigned. apt-get runs with a private
# configuration under build/mainline/apt/ (its own sources.list, lists,
# cache and an empty dpkg status), so the system's apt stays untouched.
# Outputs:
#   build/mainline/vmlinuz    the kernel image taken from the package
#   build/mainline/version    one line: "PACKAGE VERSION"
# The last line on stdout is the path of the vmlinuz; all else goes to
# stderr. A second run downloads nothing when sid's newest is the cached one.
# Environment:
#   MAINLINE_MIRROR=URL   Debian mirror (default: the one this machine's apt
#                         uses, from /etc/apt/sources.list.d/*.sources or
#                         /etc/apt/sources.list)
#   MAINLINE_OFFLINE=1    use the cached kernel without asking the mirror
#   MAINLINE_REFRESH=1    update the private lists even when they are fresh
#                         (else they are updated at most once a day)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
only_x86_64 "REF=mainline (Debian's amd64 mainline kernel)"

suite=sid
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
pattern_new='^linux-binary-unsigned-[0-9].*-cloud-amd64$'
pattern_old='^linux-image-[0-9].*-cloud-amd64-unsigned$'
dir=$BUILD/mainline
aptdir=$dir/apt
kernel=$dir/vmlinuz
verfile=$dir/version

warn() {
	printf 'warning: %s\n' "$*" >&2
}

# The cached kernel, if there is one: prints "NAME VERSION".
cached() {
	[ -s "$kernel" ] && [ -s "$verfile" ] && head -n 1 "$verfile"
}

use_cached() {
	info "mainline: $1 (cached)"
	echo "$kernel"
	exit 0
}

# The mirror this machine's apt uses for Debian: the first URIs of a deb822
# stanza (Types deb, not disabled) whose Suites are not a -security suite,
# else the first "deb URL" line of a one-line sources file.
system_mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '
			function flush() {
				if (uri != "" && deb && enabled && !security) { print uri; found = 1; exit }
				uri = ""; deb = 0; enabled = 1; security = 0
			}
			BEGIN { enabled = 1 }
			/^[[:space:]]*#/ { next }
			/^[[:space:]]*$/ { flush(); next }
			tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
			tolower($1) == "uris:" { uri = $2 }
			tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i ~ /-security$/) security = 1 }
			tolower($1) == "enabled:" { enabled = (tolower($2) != "no") }
			END { if (!found) flush() }
		' "$f" | head -n 1 | grep . && return 0
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '
			$1 != "deb" { next }
			{
				i = 2
				if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
				if ($(i + 1) ~ /-security$/) next
				print $i; exit
			}
		' "$f" | grep . && return 0
	done
	return 1
}

# The kernel version in a package name: linux-binary-unsigned-V-cloud-amd64
# or linux-image-V-cloud-amd64-unsigned gives V.
kver() {
	local v=${1#linux-binary-unsigned-}
	v=${v#linux-image-}
	v=${v%-unsigned}
	echo "${v%-cloud-amd64}"
}

# newest PATTERN: the package name in sid matching PATTERN with the highest
# kernel version, or nothing.
newest() {
	local name best=
	while read -r name; do
		if [ -z "$best" ] || dpkg --compare-versions "$(kver "$name")" gt "$(kver "$best")"; then
			best=$name
		fi
	done < <(apt-cache "${aptopts[@]}" pkgnames | grep -E "$1" || true)
	echo "$best"
}

need_cmd apt-get apt
need_cmd apt-cache apt
need_cmd dpkg dpkg
need_cmd dpkg-deb dpkg

if [ "${MAINLINE_OFFLINE:-0}" = 1 ]; then
	have=$(cached) ||
		die "MAINLINE_OFFLINE=1 but no cached kernel in $dir: run scripts/mainline.sh without MAINLINE_OFFLINE once, with network"
	use_cached "$have"
fi

[ -f "$keyring" ] || die "$keyring is missing: apt-get install debian-archive-keyring"
mirror=${MAINLINE_MIRROR:-}
if [ -z "$mirror" ]; then
	mirror=$(system_mirror) ||
		die "cannot tell which Debian mirror apt uses (no deb line in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources): set MAINLINE_MIRROR=URL"
fi
mirror=${mirror%/}

# The private apt configuration.
mkdir -p "$aptdir"/{sources.list.d,preferences.d,lists/partial,cache/archives/partial} "$dir/debs"
[ -f "$aptdir/status" ] || : >"$aptdir/status"
sources="deb [signed-by=$keyring] $mirror $suite main"
if [ "$(cat "$aptdir/sources.list" 2>/dev/null || true)" != "$sources" ]; then
	printf '%s\n' "$sources" >"$aptdir/sources.list"
	rm -f "$aptdir/updated"	# another mirror: the lists are stale
fi
aptopts=(
	-o Dir::Etc::SourceList="$aptdir/sources.list"
	-o Dir::Etc::SourceParts="$aptdir/sources.list.d"
	-o Dir::Etc::Preferences=/dev/null
	-o Dir::Etc::PreferencesParts="$aptdir/preferences.d"
	-o Dir::State="$aptdir"
	-o Dir::State::Lists="$aptdir/lists"
	-o Dir::State::status="$aptdir/status"
	-o Dir::Cache="$aptdir/cache"
	-o APT::Architecture=amd64
	-o APT::Architectures=amd64
	-o Acquire::Languages=none
	-o Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false
)

# Update sid's lists, at most once a day (MAINLINE_REFRESH=1: now).
if [ "${MAINLINE_REFRESH:-0}" != 1 ] && [ -n "$(find "$aptdir/updated" -mmin -1440 2>/dev/null)" ]; then
	info "mainline: $suite lists from $mirror are less than a day old, not updating them"
else
	info "mainline: updating the $suite lists from $mirror"
	if apt-get "${aptopts[@]}" -q --error-on=any update >"$dir/update.log" 2>&1; then
		touch "$aptdir/updated"
	else
		if have=$(cached); then
			warn "cannot update the $suite lists from $mirror (see $dir/update.log); using the cached kernel"
			use_cached "$have"
		fi
		cat "$dir/update.log" >&2
		die "cannot update the $suite lists from $mirror (log: $dir/update.log): check the network, or set MAINLINE_MIRROR=URL to another Debian mirror"
	fi
fi

pkg=$(newest "$pattern_new")
[ -n "$pkg" ] || pkg=$(newest "$pattern_old")
[ -n "$pkg" ] ||
	die "no package in $suite from $mirror matches $pattern_new or $pattern_old: see 'apt-cache search --names-only cloud-amd64' with the options in this script, or MAINLINE_REFRESH=1 to update the lists"
version=$(apt-cache "${aptopts[@]}" madison "$pkg" | awk -F' *[|] *' 'NR == 1 { print $2 }')
[ -n "$version" ] || die "apt-cache madison $pkg gives no version: run again with MAINLINE_REFRESH=1"
[ "$(cached || true)" != "$pkg $version" ] || use_cached "$pkg $version"
info "mainline: $pkg $version"

# Download (as _apt when root, so that apt keeps its sandbox) and extract.
debs=$dir/debs
rm -f "$debs"/*.deb
[ "$(id -u)" != 0 ] || ! id _apt >/dev/null 2>&1 || chown _apt "$debs"
info "mainline: downloading $pkg $version"
(cd "$debs" && apt-get "${aptopts[@]}" -q download "$pkg=$version" >&2) ||
	die "cannot download $pkg $version from $mirror: check the network, or run again with MAINLINE_REFRESH=1 (the lists may be out of date)"
deb=$(find "$debs" -maxdepth 1 -name '*.deb' | head -n 1)
[ -n "$deb" ] || die "apt-get download $pkg left no .deb in $debs"
tmp=$(mktemp -d "$dir/extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp" || die "cannot extract $deb (corrupt download? delete it and run again)"
image=$(find "$tmp" -type f -name 'vmlinuz*' | sort | head -n 1)
[ -n "$image" ] ||
	die "$pkg $version ($deb) has no vmlinuz* file: the package's layout changed, look with dpkg-deb -c $deb"
info "mainline: kernel image ${image#"$tmp"/}"
cp "$image" "$kernel.new"
mv "$kernel.new" "$kernel"
echo "$pkg $version" >"$verfile"
rm -f "$deb"
echo "$kernel"
