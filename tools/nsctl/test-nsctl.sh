#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# test-nsctl.sh: the tests of nsctl, printed as TAP ("ok N - name",
# "not ok N - name", "ok N - name # SKIP reason"; diagnostics of a failed
# test as "# " lines above its result). POSIX sh: runs under busybox sh in
# the guest and under dash or bash on a development machine.
#
# It runs as root in the initial namespaces ("privileged") or as root of a
# user namespace of its own (make check's "(userns)" run, make nsctl-test's
# run under nsid-asuser): tests whose answer depends on that say so. Every
# test runs in a fresh shell of its own, with a temporary directory, and
# kills the processes it started.
#
# Environment:
#   NSCTL                the nsctl to test (default: nsctl on PATH)
#   NSCTL_EXPECT_LISTNS  1: the kernel has listns(), 0: it has not
#   NSCTL_EXPECT_IDONLY  1: the kernel opens id-only nsfs handles and opens
#                        handles only for members of the namespace (or
#                        callers that may see all namespaces), as the 6.12
#                        namespace-id series does; 0: it opens full handles
#                        only, for anyone privileged over the namespace
#                        (Linux 6.18)
#                        Unset: probed with python3 when there is one, else
#                        1 (the guest runs the patched kernel, no python3).
#   NSCTL_TEST_SH        the shell that runs each test (default: sh)
# "test-nsctl.sh --probe" prints what the probe finds: LISTNS IDONLY (1/0).
# Exit status: 0 every test passed or skipped, 1 a test failed, 4 nothing
# could run (no nsctl).
set -eu

TESTS="help usage id_self id_all_types handle_decode handle_same not_nsfs
permission enter_handle enter_id enter_user enter_pid enter_status
enter_unknown malformed save_verify verify_change verify_gone verify_bad_file
list_own list_type list_userns list_json list_tree list_fallback"

NSCTL=${NSCTL:-nsctl}

# The CLONE_NEW* value of each type, as in the handle's ns_type.
type_flag() {
	case $1 in
	cgroup) echo 33554432 ;;
	ipc) echo 134217728 ;;
	mnt) echo 131072 ;;
	net) echo 1073741824 ;;
	pid) echo 536870912 ;;
	time) echo 128 ;;
	user) echo 268435456 ;;
	uts) echo 67108864 ;;
	esac
}
TYPES="cgroup ipc mnt net pid time user uts"

# ---- Helpers for the tests (each test runs in its own shell) ----

# run CMD [ARG...]: stdout to $T/out, stderr to $T/err, exit status to $rc.
run() {
	rc=0
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	last="$*"
}

fail() {
	echo "FAIL: $*"
	echo "last command: ${last:-}"
	echo "exit status: ${rc:-}"
	echo "stdout:"
	sed 's/^/  | /' "$T/out" 2>/dev/null || true
	echo "stderr:"
	sed 's/^/  | /' "$T/err" 2>/dev/null || true
	exit 1
}

skip() {
	printf '%s\n' "$*" >"$NSCTL_TEST_SKIPFILE"
	exit 4
}

want_rc() {
	[ "$rc" = "$1" ] || fail "exit status $rc, expected $1"
}

# want_out/want_err/want_no_out ERE: a line of stdout/stderr matches.
want_out() {
	grep -Eq -e "$1" "$T/out" || fail "no line of stdout matches /$1/"
}

want_err() {
	grep -Eq -e "$1" "$T/err" || fail "no line of stderr matches /$1/"
}

want_no_out() {
	! grep -Eq -e "$1" "$T/out" || fail "a line of stdout matches /$1/"
}

want_eq() {
	[ "$1" = "$2" ] || fail "$3: '$1' != '$2'"
}

# Root in the initial user namespace: may see (and enter) every namespace.
privileged() {
	[ "$(id -u)" = 0 ] &&
		awk 'NR == 1 && $1 == 0 && $2 == 0 && $3 == 4294967295 { ok = 1 }
			END { exit !(ok && NR == 1) }' /proc/self/uid_map
}

ns_id() {
	"$NSCTL" id "$1"
}

ns_handle() {
	"$NSCTL" handle "$1"
}

ns_ino() {
	stat -L -c %i "$1"
}

# le HEX: the number whose little-endian bytes HEX spells.
le() {
	h=$1 r=
	while [ -n "$h" ]; do
		rest=${h#??}
		r=${h%"$rest"}$r
		h=$rest
	done
	echo $((0x$r))
}

# spawn NAME|- [UNSHARE-OPTION...]: start "sleep" in new namespaces, in the
# background, with the hostname NAME (- leaves it); $bg is its pid.
spawn() {
	name=$1
	shift
	rm -f "$T/ready"
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare "$@" sh -c '
		read -r pid _ </proc/self/stat
		[ "$1" = - ] || hostname "$1"
		echo "$pid" >"$0.tmp" && mv "$0.tmp" "$0"
		exec sleep 300' "$T/ready" "$name" &
	echo $! >>"$T/pids"
	i=0
	while [ ! -s "$T/ready" ]; do
		i=$((i + 1))
		[ $i -le 300 ] || fail "spawn $*: the process did not start"
		sleep 0.1
	done
	bg=$(cat "$T/ready")
	echo "$bg" >>"$T/inner"
}

# Kill what spawn started: SIGKILL, which alone reaches the init of a pid
# namespace from outside (and util-linux unshare -f ignores SIGTERM); the
# sleep first, so that its unshare parent reaps it, then that parent.
cleanup() {
	for f in "$T/inner" "$T/pids"; do
		[ -f "$f" ] || continue
		while read -r p; do
			kill -KILL "$p" 2>/dev/null || true
		done <"$f"
	done
	wait
	rm -rf "$T"
}

# ---- The tests ----

t_help() {
	run "$NSCTL" --help
	want_rc 0
	for c in list id handle enter save verify; do
		want_out "^  $c "
	done
	want_out "Exit status"
	run "$NSCTL" list --help
	want_rc 0
	want_out "^Usage: nsctl"
	run "$NSCTL" --version
	want_rc 0
	want_out "^nsctl [0-9]"
}

t_usage() {
	for args in "" "frobnicate" "list -t bogus" "list -t net,,x" "list -u abc" \
		"list -u 0" "list extra" "list -x" "list -t" "id" "handle" "id -x /proc/self/ns/net" \
		"enter" "enter -- true" "enter 5" "enter 5 --" "enter -x 5 -- true" \
		"save" "save a b" "verify" "verify --bogus x" "verify a b"; do
		# shellcheck disable=SC2086 # split into arguments on purpose
		run "$NSCTL" $args
		want_rc 2
		want_err "^nsctl: "
		want_err "^Try 'nsctl --help'"
	done
}

t_id_self() {
	run "$NSCTL" id /proc/self/ns/net
	want_rc 0
	[ "$(wc -l <"$T/out")" = 1 ] || fail "not one line"
	want_out '^[1-9][0-9]*$'
	[ ! -s "$T/err" ] || fail "stderr is not empty"
	# The same namespace from another process: the same id.
	want_eq "$(cat "$T/out")" "$(ns_id /proc/$$/ns/net)" "id of /proc/self and /proc/\$\$"
}

t_id_all_types() {
	paths=
	for t in $TYPES; do
		paths="$paths /proc/self/ns/$t"
	done
	# shellcheck disable=SC2086
	run "$NSCTL" id $paths
	want_rc 0
	[ "$(grep -Ec '^[1-9][0-9]*$' "$T/out")" = 8 ] || fail "not 8 ids"
	# One id space for all types: eight namespaces, eight different ids.
	[ "$(sort -u "$T/out" | wc -l)" = 8 ] || fail "two of the ids are equal"
}

t_handle_decode() {
	for t in $TYPES; do
		p=/proc/self/ns/$t
		run "$NSCTL" handle "$p"
		want_rc 0
		want_out '^f1:[0-9a-f]{32}$'
		h=$(cat "$T/out")
		hex=${h#f1:}
		id_hex=$(echo "$hex" | cut -c1-16)
		type_hex=$(echo "$hex" | cut -c17-24)
		inum_hex=$(echo "$hex" | cut -c25-32)
		want_eq "$(le "$id_hex")" "$(ns_id "$p")" "$t: handle's ns_id vs nsctl id"
		want_eq "$(le "$type_hex")" "$(type_flag "$t")" "$t: handle's ns_type vs CLONE_NEW*"
		want_eq "$(le "$inum_hex")" "$(ns_ino "$p")" "$t: handle's ns_inum vs stat -L"
	done
}

t_handle_same() {
	want_eq "$(ns_handle /proc/self/ns/net)" "$(ns_handle /proc/$$/ns/net)" \
		"handles of one namespace from two processes"
	run "$NSCTL" handle /proc/self/ns/net /proc/self/ns/uts
	want_rc 0
	[ "$(grep -c '^f1:' "$T/out")" = 2 ] || fail "not two handles"
	spawn nsctl-test -u
	[ "$(ns_handle "/proc/$bg/ns/uts")" != "$(ns_handle /proc/self/ns/uts)" ] ||
		fail "a new uts namespace has the old one's handle"
	want_eq "$(ns_handle "/proc/$bg/ns/net")" "$(ns_handle /proc/self/ns/net)" \
		"net handle of a process that made only a new uts namespace"
}

t_not_nsfs() {
	echo plain >"$T/plain"
	for c in id handle; do
		run "$NSCTL" "$c" "$T/plain"
		want_rc 1
		want_eq "$(cat "$T/out")" "-" "stdout for a failed path"
		want_err "not a namespace file"
		run "$NSCTL" "$c" "$T/nonexistent"
		want_rc 1
		want_err "nonexistent: No such file or directory"
		# Good and bad paths: one line each, in order, status of the worst.
		run "$NSCTL" "$c" /proc/self/ns/net "$T/plain" /proc/self/ns/net
		want_rc 1
		[ "$(sed -n 2p "$T/out")" = "-" ] || fail "second line is not -"
		[ "$(sed -n 1p "$T/out")" = "$(sed -n 3p "$T/out")" ] || fail "lines 1 and 3 differ"
		[ "$(wc -l <"$T/out")" = 3 ] || fail "not three lines"
	done
}

t_permission() {
	if privileged; then
		# After entering a user namespace of its own, nsctl is no longer
		# privileged over the initial network namespace.
		spawn - -U -r
		run "$NSCTL" enter "$(ns_handle "/proc/$bg/ns/user")" "$(ns_handle /proc/self/ns/net)" -- true
		want_rc 1
		want_err "cannot enter this net namespace: permission denied"
	else
		# Init's namespace files are not ours to open.
		run "$NSCTL" id /proc/1/ns/net
		want_rc 1
		want_err "^nsctl: /proc/1/ns/net: permission denied$"
	fi
}

t_enter_handle() {
	spawn nsctl-test -u
	h=$(ns_handle "/proc/$bg/ns/uts")
	run "$NSCTL" enter "$h" -- hostname
	if privileged || [ "$EXPECT_IDONLY" = 0 ]; then
		want_rc 0
		want_eq "$(cat "$T/out")" nsctl-test "hostname inside"
		run "$NSCTL" enter "$h" -- readlink /proc/self/ns/uts
		want_rc 0
		want_eq "$(cat "$T/out")" "$(readlink "/proc/$bg/ns/uts")" "uts namespace inside"
	else
		# Not a member, not privileged in the initial namespaces.
		want_rc 1
		want_err "^nsctl: $h: no such namespace, or not visible to you$"
	fi
}

t_enter_id() {
	spawn nsctl-test -u
	id=$(ns_id "/proc/$bg/ns/uts")
	run "$NSCTL" enter "$id" -- hostname
	if [ "$EXPECT_IDONLY" = 0 ]; then
		want_rc 3
		want_err "^nsctl: $id: this kernel cannot open a namespace by its id alone"
	elif privileged; then
		want_rc 0
		want_eq "$(cat "$T/out")" nsctl-test "hostname inside"
	else
		want_rc 1
		want_err "^nsctl: $id: no such namespace, or not visible to you$"
		# Its own namespaces a caller opens by id whoever it is.
		run "$NSCTL" enter "$(ns_id /proc/self/ns/user)" -- true
		want_rc 0
	fi
}

t_enter_user() {
	privileged || [ "$EXPECT_IDONLY" = 0 ] ||
		skip "needs to open another process's namespaces"
	spawn nsctl-test -U -r -u
	# The uts namespace first on the command line: the user one is entered first.
	run "$NSCTL" enter "$(ns_handle "/proc/$bg/ns/uts")" "$(ns_handle "/proc/$bg/ns/user")" -- \
		sh -c 'hostname; readlink /proc/self/ns/user; cat /proc/self/uid_map'
	want_rc 0
	want_eq "$(sed -n 1p "$T/out")" nsctl-test "hostname inside"
	want_eq "$(sed -n 2p "$T/out")" "$(readlink "/proc/$bg/ns/user")" "user namespace inside"
	sed -n 3p "$T/out" | awk '$1 == 0 && $3 == 1 { ok = 1 } END { exit !ok }' ||
		fail "uid_map inside is not one uid mapped to 0"
}

t_enter_pid() {
	spawn - -p -f
	pidns=$(readlink "/proc/$bg/ns/pid")
	h=$(ns_handle "/proc/$bg/ns/pid")
	# shellcheck disable=SC2016 # expanded by the inner shell
	run "$NSCTL" enter "$h" -- sh -c '
		readlink /proc/self/ns/pid
		read -r hostpid _ </proc/self/stat
		echo "$$ $hostpid"
		exit 5'
	if privileged || [ "$EXPECT_IDONLY" = 0 ]; then
		# CMD runs in a child, in the pid namespace; its status is ours.
		want_rc 5
		want_eq "$(sed -n 1p "$T/out")" "$pidns" "pid namespace inside"
		# Its pid there is not its pid in /proc's (the initial) namespace.
		sed -n 2p "$T/out" | awk '$1 > 1 && $2 > 1 && $1 != $2 { ok = 1 } END { exit !ok }' ||
			fail "pid inside the namespace equals the pid outside"
	else
		want_rc 1
		want_err "no such namespace, or not visible to you"
	fi
}

t_enter_status() {
	# The caller's own user namespace: entering it changes nothing.
	uh=$(ns_handle /proc/self/ns/user)
	run "$NSCTL" enter "$uh" -- sh -c 'exit 7'
	want_rc 7
	run "$NSCTL" enter "$uh" -- false
	want_rc 1
	run "$NSCTL" enter "$uh" -- sh -c 'printf "%s|" "$@"' sh 'a b' '' c
	want_rc 0
	want_eq "$(cat "$T/out")" "a b||c|" "arguments"
	run "$NSCTL" enter "$uh" -- "$T/nonexistent"
	want_rc 127
	want_err "nonexistent: No such file or directory"
	echo plain >"$T/plain"
	chmod 644 "$T/plain"
	run "$NSCTL" enter "$uh" -- "$T/plain"
	want_rc 126
	want_err "plain: Permission denied"
	if privileged; then
		run "$NSCTL" enter "$(ns_handle /proc/self/ns/net)" "$uh" -- true
		want_rc 0
	fi
}

t_enter_unknown() {
	h=$(ns_handle /proc/self/ns/net)
	hex=${h#f1:}
	tail=$(echo "$hex" | cut -c17-32)
	# An id no namespace has, with the net namespace's type and inode.
	bad=f1:ffffffffffffff7f$tail
	run "$NSCTL" enter "$bad" -- true
	want_rc 1
	want_err "^nsctl: $bad: no such namespace, or not visible to you$"
	# The right id with a wrong inode, or a wrong type.
	idpart=$(echo "$hex" | cut -c1-24)
	run "$NSCTL" enter "f1:${idpart}01000000" -- true
	want_rc 1
	want_err "no such namespace, or not visible to you"
	run "$NSCTL" enter "f1:$(echo "$hex" | cut -c1-16)00000004$(echo "$hex" | cut -c25-32)" -- true
	want_rc 1
	want_err "no such namespace, or not visible to you"
	# Another handle type, and a too short handle.
	run "$NSCTL" enter "1:$hex" -- true
	want_rc 1
	run "$NSCTL" enter f1:0102 -- true
	want_rc 1
	want_err "no such namespace, or not visible to you"
	for id in 9223372036854775807 0; do
		run "$NSCTL" enter "$id" -- true
		if [ "$EXPECT_IDONLY" = 1 ]; then
			want_rc 1
			want_err "^nsctl: $id: no such namespace, or not visible to you$"
		else
			want_rc 3
		fi
	done
}

t_malformed() {
	long=f1:$(printf '%0258d' 0)
	for ref in f1:zz f1:abc zz:00 :00 f1: 12x 18446744073709551616 \
		123456789:00 "f1:00 00" "$long"; do
		run "$NSCTL" enter "$ref" -- true
		want_rc 2
		want_err "malformed namespace '$ref'"
	done
	run "$NSCTL" enter -5 -- true
	want_rc 2
	want_err "unknown option -5"
	# Both of one type.
	h=$(ns_handle /proc/self/ns/user)
	run "$NSCTL" enter "$h" "$h" -- true
	want_rc 2
	want_err "both user namespaces"
}

count_status() {
	grep -Ec "^[a-z]+ +$1 " "$T/out" || true
}

t_save_verify() {
	f=$T/saved
	run "$NSCTL" save "$f"
	want_rc 0
	[ "$(grep -vc '^#' "$f")" = 8 ] || fail "not 8 lines in the file"
	for t in $TYPES; do
		grep -qx "$t $(ns_handle /proc/self/ns/"$t")" "$f" || fail "no line '$t HANDLE'"
	done
	# The shell saves, then becomes nsctl verify: a new program, same namespaces.
	run sh -c '"$0" save "$1" && exec "$0" verify "$1"' "$NSCTL" "$T/saved2"
	want_rc 0
	[ "$(count_status same)" = 8 ] || fail "not 8 'same' lines"
	run "$NSCTL" verify "$f"
	want_rc 0
	[ "$(count_status same)" = 8 ] || fail "not 8 'same' lines"
	run "$NSCTL" verify --alive "$f"
	want_rc 0
	[ "$(count_status alive)" = 8 ] || fail "not 8 'alive' lines"
	run sh -c '"$0" save - | "$0" verify -' "$NSCTL"
	want_rc 0
	[ "$(count_status same)" = 8 ] || fail "not 8 'same' lines (through a pipe)"
}

t_verify_change() {
	f=$T/saved
	"$NSCTL" save "$f"
	for opt in -u -i; do
		case $opt in -u) t=uts ;; -i) t=ipc ;; esac
		old=$(ns_id "/proc/self/ns/$t")
		run unshare "$opt" "$NSCTL" verify "$f"
		want_rc 1
		[ "$(count_status same)" = 7 ] || fail "not 7 'same' lines"
		want_err "^nsctl: verify $f: 1 of 8 namespaces changed or gone$"
		if privileged; then
			want_out "^$t +changed +saved id $old, now id [0-9]+$"
			# They all still exist.
			run unshare "$opt" "$NSCTL" verify --alive "$f"
			want_rc 0
			[ "$(count_status alive)" = 8 ] || fail "not 8 'alive' lines"
		else
			# Outside the old namespace, not privileged: it may be out
			# of sight (the 6.12 series and 6.18 both hide it).
			want_out "^$t +changed +saved id $old(: no such namespace, or not visible to you;|,) now id [0-9]+$"
			run unshare "$opt" "$NSCTL" verify --alive "$f"
			[ "$(count_status alive)" -ge 7 ] || fail "not 7 'alive' lines"
		fi
	done
}

t_verify_gone() {
	f=$T/saved
	# Saved inside a uts namespace that ends with the process.
	unshare -u "$NSCTL" save "$f"
	old=$(awk '$1 == "uts" { print $2 }' "$f")
	[ "$old" != "$(ns_handle /proc/self/ns/uts)" ] || fail "no new uts namespace saved"
	run "$NSCTL" verify --alive "$f"
	want_rc 1
	want_out "^uts +gone +saved id [0-9]+: no such namespace, or not visible to you$"
	[ "$(count_status alive)" = 7 ] || fail "not 7 'alive' lines"
	want_err "^nsctl: verify $f: 1 of 8 namespaces gone$"
	# Not the caller's namespace either.
	run "$NSCTL" verify "$f"
	want_rc 1
	want_out "^uts +changed +saved id [0-9]+: no such namespace, or not visible to you; now id $(ns_id /proc/self/ns/uts)$"
	[ "$(count_status same)" = 7 ] || fail "not 7 'same' lines"
	# A namespace the caller is in never looks gone.
	# shellcheck disable=SC2016 # expanded by the inner shell
	run unshare -u sh -c '"$0" save "$1" && "$0" verify "$1"' "$NSCTL" "$T/inside"
	want_rc 0
}

t_verify_bad_file() {
	f=$T/bad
	net=$(ns_handle /proc/self/ns/net)
	for content in "garbage" "net" "net $net extra" "bogus $net" "net f1:zz" \
		"uts $net"; do
		printf '# comment\n%s\n' "$content" >"$f"
		run "$NSCTL" verify "$f"
		want_rc 2
		want_err "^nsctl: $f:2: "
	done
	: >"$f"
	run "$NSCTL" verify "$f"
	want_rc 2
	want_err "no namespaces recorded"
	run "$NSCTL" verify "$T/nonexistent"
	want_rc 1
	want_err "nonexistent: No such file or directory"
}

# The row of list -n output whose id is $1, as "ID TYPE INODE USERNS PARENT".
row() {
	awk -v id="$1" '$1 == id' "$T/out"
}

t_list_own() {
	run "$NSCTL" list
	want_rc 0
	want_out '^ +ID TYPE +INODE +USERNS +PARENT$'
	run "$NSCTL" list -n
	want_rc 0
	want_no_out 'ID TYPE'
	user=$(ns_id /proc/self/ns/user)
	for t in $TYPES; do
		p=/proc/self/ns/$t
		r=$(row "$(ns_id "$p")")
		[ -n "$r" ] || fail "no row for the $t namespace, id $(ns_id "$p")"
		# shellcheck disable=SC2086 # the row's fields
		set -- $r
		want_eq "$2 $3" "$t $(ns_ino "$p")" "type and inode of $t"
		if ! privileged; then
			want_eq "$4" - "owner of $t (the initial user namespace, not visible)"
		elif [ "$t" != user ]; then
			want_eq "$4" "$user" "owner of $t"
		fi
	done
}

t_list_type() {
	# A mount namespace newer than every net and uts one: with two types
	# listns() walks all namespaces, and its last page is a count of 0
	# (namespaces follow, none of them net or uts), with one type the
	# type's own, and it ends with ENOENT. Either ends the list.
	spawn - -m
	run "$NSCTL" list -n -t net,uts
	want_rc 0
	[ "$EXPECT_LISTNS" = 0 ] || [ ! -s "$T/err" ] || fail "stderr is not empty"
	awk '$2 != "net" && $2 != "uts" { exit 1 }' "$T/out" || fail "a row of another type"
	[ -n "$(row "$(ns_id /proc/self/ns/net)")" ] || fail "own net namespace missing"
	[ -n "$(row "$(ns_id /proc/self/ns/uts)")" ] || fail "own uts namespace missing"
	run "$NSCTL" list -n --type=user
	want_rc 0
	[ "$EXPECT_LISTNS" = 0 ] || [ ! -s "$T/err" ] || fail "stderr is not empty"
	awk '$2 != "user" { exit 1 }' "$T/out" || fail "a row of another type"
	[ -n "$(row "$(ns_id /proc/self/ns/user)")" ] || fail "own user namespace missing"
	run "$NSCTL" list -n -t mnt
	want_rc 0
	awk '$2 != "mnt" { exit 1 }' "$T/out" || fail "a row of another type"
	[ -n "$(row "$(ns_id /proc/self/ns/mnt)")" ] || fail "own mnt namespace missing"
	if privileged; then
		[ -n "$(row "$(ns_id "/proc/$bg/ns/mnt")")" ] || fail "the new mnt namespace is missing"
	fi
}

t_list_userns() {
	user=$(ns_id /proc/self/ns/user)
	spawn nsctl-test -u
	run "$NSCTL" list -n -u "$user"
	want_rc 0
	awk -v u="$user" '$4 != u { exit 1 }' "$T/out" || fail "a row owned by another user namespace"
	cp "$T/out" "$T/by-id"
	# Other processes may create or drop namespaces between two calls
	# (natively, on a busy machine), so -u self must list only rows of
	# the same owner, and every row that both calls by id saw.
	run "$NSCTL" list -n -u self
	want_rc 0
	awk -v u="$user" '$4 != u { exit 1 }' "$T/out" ||
		fail "-u self lists a row owned by another user namespace than $user"
	cp "$T/out" "$T/by-self"
	run "$NSCTL" list -n -u "$user"
	want_rc 0
	missing=$(awk 'FILENAME == ARGV[1] { self[$0] = 1; next }
		FILENAME == ARGV[2] { first[$0] = 1; next }
		($0 in first) && !($0 in self)' "$T/by-self" "$T/by-id" "$T/out")
	[ -z "$missing" ] || fail "-u self misses rows that -u $user listed twice: $missing"
	if privileged; then
		[ -n "$(row "$(ns_id /proc/self/ns/net)")" ] || fail "own net namespace missing"
		[ -n "$(row "$(ns_id "/proc/$bg/ns/uts")")" ] || fail "the new uts namespace is missing"
	fi
	run "$NSCTL" list -n -u 9223372036854775807
	want_rc 1
	want_err "^nsctl: -u 9223372036854775807: no such user namespace$"
}

t_list_json() {
	net=$(ns_id /proc/self/ns/net)
	for opts in --json "--json --tree" "-j -t time" "-j -T -t net"; do
		# shellcheck disable=SC2086
		run "$NSCTL" list $opts
		want_rc 0
		if command -v python3 >/dev/null 2>&1; then
			python3 -m json.tool <"$T/out" >/dev/null 2>&1 || fail "list $opts: not valid JSON"
		fi
		[ "$(head -c1 "$T/out")" = "[" ] || fail "list $opts: not an array"
		[ "$(tail -n1 "$T/out")" = "]" ] || fail "list $opts: not an array"
	done
	run "$NSCTL" list --json
	want_out "^  \\{\"id\": $net, \"type\": \"net\", \"inode\": $(ns_ino /proc/self/ns/net), \"userns\": ([0-9]+|null), \"parent\": null\\},?$"
	run "$NSCTL" list --json --tree
	want_out "\\{\"id\": $net, \"type\": \"net\", .*\"children\": \\[\\]\\}"
	if privileged; then
		spawn - -U
		run "$NSCTL" list --json -u "$(ns_id "/proc/$bg/ns/user")"
		want_rc 0
		want_eq "$(cat "$T/out")" "[]" "an empty list"
	fi
}

t_list_tree() {
	user=$(ns_id /proc/self/ns/user)
	net=$(ns_id /proc/self/ns/net)
	privileged && spawn - -U -r -u
	run "$NSCTL" list --tree
	want_rc 0
	# Every line is a node: the branches, then TYPE id=ID inode=INODE.
	grep -Ev '^([|`]-- |\|   |    )*[a-z]+ id=([0-9]+|-) inode=[0-9]+( userns=([0-9]+|-))?( parent=([0-9]+|-))?$' \
		"$T/out" >"$T/odd" && fail "lines that are no tree node: $(cat "$T/odd")"
	if privileged; then
		# The initial user namespace is a root, owning the others.
		want_out "^user id=$user inode=[0-9]+ userns=-$"
		want_out "^[|\`]-- net id=$net inode=[0-9]+$"
		want_out "^[|\`]-- user id=$(ns_id "/proc/$bg/ns/user") inode="
		want_out "^[| ]   [|\`]-- uts id=$(ns_id "/proc/$bg/ns/uts") inode="
	else
		# Owned by the initial user namespace, which it cannot see.
		want_out "^net id=$net inode=[0-9]+ userns=-$"
		want_out "^user id=$user inode=[0-9]+ userns=-$"
	fi
}

t_list_fallback() {
	run "$NSCTL" list -n
	want_rc 0
	if [ "$EXPECT_LISTNS" = 1 ]; then
		[ ! -s "$T/err" ] || fail "stderr is not empty"
	else
		want_eq "$(cat "$T/err")" "nsctl: listns() not available, scanning /proc" "stderr"
	fi
	cp "$T/out" "$T/listed"
	# The /proc scan, asked for: the caller's namespaces look the same.
	run env NSCTL_FORCE_PROC=1 "$NSCTL" list -n
	want_rc 0
	want_eq "$(cat "$T/err")" "nsctl: listns() not used (NSCTL_FORCE_PROC is set), scanning /proc" "stderr"
	for t in $TYPES; do
		id=$(ns_id "/proc/self/ns/$t")
		want_eq "$(row "$id")" "$(awk -v id="$id" '$1 == id' "$T/listed")" "row of $t"
	done
}

# ---- The runner ----

if [ "${1:-}" = --one ]; then
	T=$(mktemp -d)
	trap cleanup EXIT
	trap 'exit 1' INT TERM
	"t_$2"
	exit 0
fi

if ! command -v "$NSCTL" >/dev/null 2>&1; then
	echo "TAP version 13"
	echo "1..0 # SKIP no nsctl ($NSCTL)"
	exit 4
fi

# What the kernel has, unless the environment says.
probe() {
	command -v python3 >/dev/null 2>&1 || { echo "1 1"; return; }
	python3 - <<'EOF' 2>/dev/null || echo "1 1"
import ctypes, errno, os, struct
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
req = ctypes.create_string_buffer(struct.pack('IIQIIQ', 32, 0, 0, 0, 0, 0))
ids = (ctypes.c_uint64 * 1)()
r = libc.syscall(ctypes.c_long(470), req, ids, ctypes.c_long(1), ctypes.c_long(0))
listns = int(not (r < 0 and ctypes.get_errno() == errno.ENOSYS))
fd = os.open('/proc/self/ns/uts', os.O_RDONLY)
fh = ctypes.create_string_buffer(8 + 128)
struct.pack_into('Ii', fh, 0, 128, 0)
mnt = ctypes.c_int()
idonly = 0
if libc.name_to_handle_at(fd, b'', fh, ctypes.byref(mnt), 0x1000) == 0:
    struct.pack_into('II', fh, 16, 0, 0)
    nfd = libc.open_by_handle_at(-10003, fh, os.O_RDONLY)
    if nfd >= 0:
        idonly = 1
        os.close(nfd)
print(listns, idonly)
EOF
}
if [ "${1:-}" = --probe ]; then
	probe
	exit 0
fi
if [ -z "${NSCTL_EXPECT_LISTNS:-}" ] || [ -z "${NSCTL_EXPECT_IDONLY:-}" ]; then
	# shellcheck disable=SC2046 # two words
	set -- $(probe)
	: "${NSCTL_EXPECT_LISTNS:=$1}" "${NSCTL_EXPECT_IDONLY:=$2}"
fi
EXPECT_LISTNS=$NSCTL_EXPECT_LISTNS EXPECT_IDONLY=$NSCTL_EXPECT_IDONLY
export EXPECT_LISTNS EXPECT_IDONLY NSCTL

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NSCTL_TEST_SKIPFILE="$work/skip"
# shellcheck disable=SC2086 # one word per test
set -- $TESTS
echo "TAP version 13"
echo "1..$#"
who=unprivileged
privileged && who=privileged
echo "# $NSCTL, $who, uid $(id -u), kernel $(uname -r), expect listns=$EXPECT_LISTNS id-only=$EXPECT_IDONLY"
n=0 failed=0
for t in $TESTS; do
	n=$((n + 1))
	rm -f "$work/skip"
	rc=0
	# shellcheck disable=SC2086 # NSCTL_TEST_SH may be "busybox sh"
	${NSCTL_TEST_SH:-sh} "$0" --one "$t" >"$work/log" 2>&1 </dev/null || rc=$?
	case $rc in
	0) echo "ok $n - $t" ;;
	4) echo "ok $n - $t # SKIP $(cat "$work/skip" 2>/dev/null)" ;;
	*)
		sed 's/^/# /' "$work/log"
		echo "not ok $n - $t"
		failed=$((failed + 1))
		;;
	esac
done
echo "# $((n - failed)) of $n passed"
[ "$failed" = 0 ]
