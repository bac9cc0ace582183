#!/bin/sh
# Benchmark of check --all-namespaces (make bench; not part of make check).
#
# NS network namespaces (default 50) made with `ip netns add`, each with
# SOCKS sockets (default 1,000: 500 ESTABLISHED pairs on loopback, held by
# a process inside).  The run is in a private pid and mount namespace with
# its own /run/netns, so only these namespaces (and the host's) are seen.
# Times:
#   all       tcptune check --all-namespaces
#   per-ns    `ip netns exec NS tcptune check` for each namespace in turn,
#             the way to do it without --all-namespaces
#   floor     a raw sock_diag count in each namespace (census-floor, one
#             process entering each) plus one raw fd walk (owner-floor)
# Targets: all faster than per-ns, within 1.5x of the floor, peak RSS
# <= 8 MB and flat in the number of namespaces.
set -eu

: "${TCPTUNE:?}" "${BUILDDIR:?}"
NS=${BENCH_NETNS:-50}
SOCKS=${BENCH_NETNS_SOCKETS:-1000}
REPS=${BENCH_REPS:-5}

calc() {
	awk "BEGIN { printf \"%.3f\", $1 }"
}

if [ -z "${NETNS_BENCH_PRIVATE:-}" ]; then
	if [ "$(id -u)" != 0 ] || ! unshare -m -p -f --mount-proc true 2>/dev/null; then
		echo "netns-bench: needs root and unshare -m -p" >&2
		exit 1
	fi
	NETNS_BENCH_PRIVATE=1 exec unshare -m -p -f --mount-proc "$0" "$@"
fi

mkdir -p /run/netns
mount -t tmpfs -o mode=0755 tcptune-bench /run/netns
tmp=$(mktemp -d)
cleanup() {
	for p in $(cat "$tmp/pids" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
	for i in $(seq 1 "$NS"); do ip netns del "bench$i" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

make_ns() { # N SOCKETS
	ip netns add "bench$1"
	ip netns exec "bench$1" ip link set lo up
	ip netns exec "bench$1" "$BUILDDIR/tests/helpers/census-sockets" -t 0 -c 0 -e $(($2 / 2)) -E 1 \
	    >"$tmp/made$1" &
	echo $! >>"$tmp/pids"
}
wait_ready() { # N
	until grep -q '^ready' "$tmp/made$1" 2>/dev/null; do sleep 0.1; done
}
timeit() {
	"$BUILDDIR/tests/bench/census-timeit" "$REPS" "$@"
}

# Peak memory at 10 namespaces first, then at NS: it must stay flat.
for i in $(seq 1 10); do make_ns "$i" "$SOCKS"; done
for i in $(seq 1 10); do wait_ready "$i"; done
set -- $(timeit "$TCPTUNE" check --all-namespaces --format json); rss10=$3
for i in $(seq 11 "$NS"); do make_ns "$i" "$SOCKS"; done
for i in $(seq 11 "$NS"); do wait_ready "$i"; done

"$TCPTUNE" check --all-namespaces --format json >"$tmp/all.json" || true
jq -r '"namespaces: \(.namespaces | length), sockets: \([.namespaces[].sockets.total] | add)"' \
    "$tmp/all.json"

paths=""
for i in $(seq 1 "$NS"); do paths="$paths /run/netns/bench$i"; done
cat >"$tmp/per-ns.sh" <<EOF
for i in \$(seq 1 $NS); do ip netns exec bench\$i "$TCPTUNE" check --format json >/dev/null || true; done
EOF
cat >"$tmp/floor.sh" <<EOF
"$BUILDDIR/tests/bench/census-floor" $paths >/dev/null
"$BUILDDIR/tests/bench/owner-floor" >/dev/null
EOF

set -- $(timeit "$TCPTUNE" check --all-namespaces --format json); a_med=$2 a_rss=$3
set -- $(timeit sh "$tmp/per-ns.sh"); p_med=$2
set -- $(timeit sh "$tmp/floor.sh"); f_med=$2
echo
printf '%-44s %9s\n' "" "median s"
printf '%-44s %9s\n' "raw sock_diag count in each + one fd walk" "$f_med"
printf '%-44s %9s\n' "ip netns exec NS tcptune check, each" "$p_med"
printf '%-44s %9s   peak RSS %s KiB (%s KiB at 10)\n' "tcptune check --all-namespaces" "$a_med" \
    "$a_rss" "$rss10"
echo
echo "all / per-ns      $(calc "$a_med / $p_med")  (target < 1)"
echo "all / floor       $(calc "$a_med / $f_med")  (target <= 1.5)"
echo "peak RSS          $a_rss KiB at $NS namespaces, $rss10 KiB at 10  (target <= 8192, flat)"
