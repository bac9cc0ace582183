#!/bin/sh
# Benchmark of the CLOSE_WAIT owner walk (make bench; not part of make check).
#
# 1,000 CLOSE_WAIT sockets held by one process in a private network
# namespace; FDS_TOTAL other descriptors (default 200,000) held by 20
# processes in another private namespace.  Times, from the first
# namespace:
#   floor     tests/bench/owner-floor: readlink() of every /proc/PID/fd link
#   census    tcptune check with the owner walk turned off
#   owners    tcptune check as shipped (1,000 CLOSE_WAIT: owners looked up)
# The owner lookup is owners - census; its ratio to the floor is printed.
set -eu

: "${TCPTUNE:?}" "${BUILDDIR:?}"
CW=${BENCH_OWNER_CW:-1000}
FDS=${BENCH_OWNER_FDS:-200000}
REPS=${BENCH_REPS:-5}

calc() {
	awk "BEGIN { printf \"%.3f\", $1 }"
}

if [ -z "${OWNER_IN_NETNS:-}" ]; then
	if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
		echo "owner-bench: needs root and unshare -n" >&2
		exit 1
	fi
	out=$(mktemp)
	unshare -n "$BUILDDIR/tests/bench/fd-hold" 20 $((FDS / 20)) >"$out" &
	hold=$!
	trap 'kill $hold 2>/dev/null; rm -f "$out"' EXIT
	until grep -q '^ready' "$out"; do
		kill -0 "$hold" 2>/dev/null || { echo "owner-bench: fd-hold died" >&2; exit 1; }
		sleep 0.2
	done
	OWNER_IN_NETNS=1 unshare -n "$0" "$@"
	exit $?
fi

tmp=$(mktemp -d)
helper=
trap '[ -n "$helper" ] && kill "$helper" 2>/dev/null; rm -rf "$tmp"' EXIT
ip link set lo up
"$BUILDDIR/tests/helpers/census-sockets" -t 0 -c "$CW" -C 1 -e 0 >"$tmp/made" &
helper=$!
until grep -q '^ready' "$tmp/made"; do
	kill -0 "$helper" 2>/dev/null || { echo "owner-bench: socket helper died" >&2; exit 1; }
	sleep 0.2
done
printf '[thresholds]\nclose_wait_warn = 100000000\n' >"$tmp/noowners.ini"
"$BUILDDIR/tests/bench/owner-floor"
"$TCPTUNE" check --format json >"$tmp/json" || true
jq -r '"owners: \(.close_wait_owners | length) rows, \(.close_wait_owners[0].sockets) sockets, \(.census.owner_fds_read) fd links read, partial \(.census.owners_partial)"' "$tmp/json"

timeit() {
	"$BUILDDIR/tests/bench/census-timeit" "$REPS" "$@"
}
set -- $(timeit "$BUILDDIR/tests/bench/owner-floor"); f_med=$2
set -- $(timeit "$TCPTUNE" check --format json --profile "$tmp/noowners.ini"); c_med=$2
set -- $(timeit "$TCPTUNE" check --format json); o_med=$2 o_rss=$3
echo
printf '%-28s %9s\n' "" "median s"
printf '%-28s %9s\n' "raw fd walk (owner-floor)" "$f_med"
printf '%-28s %9s\n' "tcptune, no owner walk" "$c_med"
printf '%-28s %9s   peak RSS %s KiB\n' "tcptune with owners" "$o_med" "$o_rss"
echo
echo "owner lookup / raw fd walk  $(calc "($o_med - $c_med) / $f_med")  (target <= 0.2)"
