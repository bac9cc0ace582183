# Helpers for the shell tests; sourced, never run.
# Every test prints what it checks and ends with "N passed, N failed".

: "${TCPTUNE:?TCPTUNE must point at the tcptune binary}"
: "${FIXTURES:?FIXTURES must point at tests/fixtures}"
# The programs the tests run beside tcptune (tests/helpers), built in the
# same tree as the binary.
HELPERS=${HELPERS:-$(dirname "$TCPTUNE")/../tests/helpers}

npass=0
nfail=0

# The verdict lines go to descriptor 7, the test's own standard output as
# it was when this file was read, so that `check DESC CMD >/dev/null`
# silences CMD, never the line that says whether it passed.
exec 7>&1
pass() { npass=$((npass + 1)); echo "ok - $*" >&7; }
failed() { nfail=$((nfail + 1)); echo "not ok - $*" >&7; }

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	desc=$1
	shift
	if "$@"; then pass "$desc"; else failed "$desc"; fi
}

# bail DESCRIPTION: a failure the test cannot go on from.
bail() {
	failed "$*"
	finish
	exit 1
}

skip_all() {
	echo "SKIP: $*"
	exit 77
}

finish() {
	echo "$npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
}

# A scratch directory removed on exit.
scratch() {
	SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/tcptune-test.XXXXXX")
	trap 'rm -rf "$SCRATCH"' EXIT
}

# The catalog's keys, one a line ("net.ipv4.tcp_fin_timeout"), from the
# binary under test, so that a key added to the catalog needs no test edit.
catalog_keys() {
	"$TCPTUNE" explain --format json | jq -r '.keys[].key'
}

# The host's TCP keys (every catalog key, and ip_unprivileged_port_start,
# which a test could touch), to prove a test left them alone.
host_sysctls() {
	for k in $(catalog_keys) net.ipv4.ip_unprivileged_port_start; do
		printf '%s=%s\n' "$k" "$(tr '\t' ' ' 2>/dev/null </proc/sys/$(echo "$k" | tr . /))"
	done
}

# unpacked_tool PACKAGE FILE: prints the path of FILE (e.g. usr/bin/promtool)
# inside Debian's PACKAGE, unpacked into the test cache the first time
# (apt-get download + dpkg-deb -x: the package is never installed, so none
# of its scripts run and no service of it starts).  Fails, saying why on
# standard error, when the package cannot be had.
unpacked_tool() {
	ut_cache=${TCPTUNE_TEST_CACHE:-/var/cache/tcptune-test}/unpacked
	ut_ver=$(apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }')
	if [ -z "$ut_ver" ] || [ "$ut_ver" = "(none)" ]; then
		echo "apt knows no package $1 (run apt-get update)" >&2
		return 1
	fi
	ut_dir=$ut_cache/$1_$(echo "$ut_ver" | tr ':' '_')
	if [ ! -e "$ut_dir/$2" ]; then
		mkdir -p "$ut_cache" || return 1
		(
			flock 9
			[ -e "$ut_dir/$2" ] && exit 0
			tmp=$(mktemp -d "$ut_cache/.unpack.XXXXXX") || exit 1
			if (cd "$tmp" && apt-get download -q "$1=$ut_ver") >"$tmp/log" 2>&1 &&
			    dpkg-deb -x "$tmp"/*.deb "$tmp/root"; then
				rm -rf "$ut_dir" && mv "$tmp/root" "$ut_dir"
			else
				grep -E '^(E|W):' "$tmp/log" | head -3 >&2
			fi
			rm -rf "$tmp"
		) 9>"$ut_cache/.lock"
		[ -e "$ut_dir/$2" ] || { echo "cannot unpack $1" >&2; return 1; }
	fi
	echo "$ut_dir/$2"
}

# promtool_path: prints the path of a promtool to check metrics and rules
# with: $PROMTOOL when set, the one on PATH, else the one of Debian's
# prometheus package unpacked into the test cache (never installed: its
# postinst would start a server).  Fails when none can be had; the caller
# skips with a reason.
promtool_path() {
	if [ -n "${PROMTOOL:-}" ] && [ -x "$PROMTOOL" ]; then
		echo "$PROMTOOL"
		return 0
	fi
	command -v promtool 2>/dev/null && return 0
	unpacked_tool prometheus usr/bin/promtool 2>/dev/null
}

# need_promtool: sets PROMTOOL, or skips the whole test saying why.
need_promtool() {
	PROMTOOL=$(promtool_path) ||
		skip_all "no promtool: none on PATH, and Debian's prometheus package could not be unpacked into the test cache"
}

# promtool_ok FILE [LINT]: `promtool check metrics` exits 0 on FILE and
# finds nothing at all to complain of (its complaints are left in LINT,
# by default FILE.lint).
promtool_ok() {
	[ -n "${PROMTOOL:-}" ] || PROMTOOL=$(promtool_path) || return 1
	"$PROMTOOL" check metrics <"$1" >"${2:-$1.lint}" 2>&1 && ! grep -q . "${2:-$1.lint}"
}

# helper_start OUT CMD...: CMD in the background (a socket maker such as
# tests/helpers/census-sockets), its output in OUT, until it prints "ready"; its
# pid in $helper.  Bails when it dies or is not ready in 30 s.
helper_start() {
	hs_out=$1
	shift
	: >"$hs_out"
	"$@" >"$hs_out" &
	helper=$!
	hs_i=0
	until grep -q '^ready' "$hs_out"; do
		hs_i=$((hs_i + 1))
		[ $hs_i -lt 300 ] || bail "socket helper did not get ready"
		kill -0 "$helper" 2>/dev/null || bail "socket helper died"
		sleep 0.1
	done
}

# helper_stop: ends the helper helper_start started and waits for it (its
# own children end before it does, so its ports are free then).
helper_stop() {
	kill "$helper" 2>/dev/null
	wait "$helper" 2>/dev/null
	helper=
}

# private_netns [-m] "$0" "$@": re-run the calling test in a network
# namespace of its own (with -m, a mount namespace too), whose sysctls,
# sockets and loopback are the test's alone; in there it returns.  Needs
# root; skips the test otherwise.
private_netns() {
	pn_m=
	if [ "$1" = -m ]; then
		pn_m=-m
		shift
	fi
	[ -z "${TT_PRIVATE_NETNS:-}" ] || return 0
	[ "$(id -u)" = 0 ] || skip_all "needs root for a private network namespace"
	unshare -n $pn_m true 2>/dev/null || skip_all "unshare -n $pn_m is not permitted here"
	TT_PRIVATE_NETNS=1 exec unshare -n $pn_m "$@"
}

# private_host "$0" "$@": re-run the calling test as PID 1 of a private pid
# and mount namespace with its own /proc and an empty /run/netns, so that
# "every namespace of the host" is the host's own and the ones the test
# makes, never those of another test or program running beside it.  Needs
# root; skips the test otherwise.
private_host() {
	if [ -n "${TT_PRIVATE_HOST:-}" ]; then
		mkdir -p /run/netns
		mount -t tmpfs -o mode=0755 tcptune-test /run/netns ||
			bail "cannot mount a private /run/netns"
		return 0
	fi
	[ "$(id -u)" = 0 ] || skip_all "needs root for a private pid and mount namespace"
	unshare -m -p -f --mount-proc true 2>/dev/null ||
		skip_all "unshare -m -p is not permitted here"
	TT_PRIVATE_HOST=1 exec unshare -m -p -f --mount-proc "$@"
}
