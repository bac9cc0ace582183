#!/bin/sh
# Benchmark of check --interval (make bench-rates; not part of make check).
#
# Fills a private network namespace with TIME_WAIT sockets (200,000 over
# 50 destinations by default), then:
#   tests/bench/rates-timeit: rounds of two plain censuses (no socket
#     identities) against two censuses keeping every outgoing socket's
#     identity and the rates between them (sorted and merged), taking
#     turns so both see the same sockets (TIME_WAIT lasts 60 s), timed in
#     the process's CPU seconds (the kernel's dump work included, other
#     builds' load not) and wall seconds: medians and their ratio;
#   the whole commands, wall time: check --no-census, check (one census)
#     and check --interval 0.1, with their peak RSS;
#   the census's sort of the identities against qsort(), same input.
# shellcheck disable=SC2046 # fields of a line, split on purpose
set -eu

. "$(dirname "$0")/lib.sh"
TW=${BENCH_TW:-200000}
REPS=${BENCH_REPS:-5}

bench_netns rates-bench "$0" "$@"
bench_scratch

ip link set lo up
echo "1024 65535" >/proc/sys/net/ipv4/ip_local_port_range
echo 2000000 >/proc/sys/net/ipv4/tcp_max_tw_buckets
echo 0 >/proc/sys/net/ipv4/tcp_tw_reuse
mkdir "$tmp/sysctl"

calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }

start=$(date +%s.%N)
"$BUILDDIR/tests/helpers/census-sockets" -t "$TW" -T 50 >"$tmp/made" &
helper=$!
until grep -q '^ready' "$tmp/made"; do
	kill -0 "$helper" 2>/dev/null || { echo "rates-bench: socket helper died" >&2; exit 1; }
	sleep 0.2
done
filled=$(date +%s.%N)
echo "filled $TW TIME_WAIT sockets in $(calc "$filled - $start") s"

"$BUILDDIR/tests/bench/rates-timeit" "$REPS" >"$tmp/timeit"
cat "$tmp/timeit"
one() { "$BUILDDIR/tests/bench/census-timeit" 1 "$TCPTUNE" check --format json --sysctl-root "$tmp/sysctl" "$@"; }
: >"$tmp/t.quick"; : >"$tmp/t.plain"; : >"$tmp/t.interval"
r=0
while [ $r -lt "$REPS" ]; do
	one --no-census >>"$tmp/t.quick"
	one >>"$tmp/t.plain"
	one --interval 0.1 >>"$tmp/t.interval"
	r=$((r + 1))
done
"$TCPTUNE" check --interval 0.1 --format json --sysctl-root "$tmp/sysctl" >"$tmp/json" || true
jq -r '"sockets \(.sockets.total), TIME_WAIT \(.sockets.TIME_WAIT); top \(.rates.destinations[0].destination) \(.rates.destinations[0].new_per_second)/s exact \(.rates.destinations[0].exact)"' "$tmp/json"
echo "elapsed since filled: $(calc "$(date +%s.%N) - $filled") s (TIME_WAIT lasts 60 s)"

stats() { # FILE of "s s rss" lines: "best median largest-rss"
	sort -n "$1" | awk '{ t[NR] = $1; if ($3 > m) m = $3 }
		END { printf "%s %s %s\n", t[1], t[int((NR + 1) / 2)], m }'
}
set -- $(awk '$1 == "plain" { print $2, $3 }' "$tmp/timeit"); pc=$1 pw=$2
set -- $(awk '$1 == "interval" { print $2, $3 }' "$tmp/timeit"); ic=$1 iw=$2
nid=$(awk '$1 == "identities" { print $2 }' "$tmp/timeit")
set -- $(stats "$tmp/t.quick"); q_best=$1 q_med=$2
set -- $(stats "$tmp/t.plain"); p_best=$1 p_med=$2 p_rss=$3
set -- $(stats "$tmp/t.interval"); i_best=$1 i_med=$2 i_rss=$3
echo
echo "two censuses, median     CPU s   wall s"
printf "%-22s %8s %8s\n" "plain" "$pc" "$pw"
printf "%-22s %8s %8s\n" "with identities, rates" "$ic" "$iw"
echo "interval / two plain censuses: CPU $(calc "$ic / $pc"), wall $(calc "$iw / $pw")  (target about 1)"
set -- $(awk '$1 == "sort" { print $2, $4 }' "$tmp/timeit")
echo "sorting $nid identities, CPU s: radix on the cookie $1, qsort() $2 ($(calc "$2 / $1") times)"
echo
echo "whole commands, wall     best s  median s  peak RSS KiB"
printf "%-22s %8s %9s\n" "check --no-census" "$q_best" "$q_med"
printf "%-22s %8s %9s %13s\n" "check (one census)" "$p_best" "$p_med" "$p_rss"
printf "%-22s %8s %9s %13s\n" "check --interval 0.1" "$i_best" "$i_med" "$i_rss"
echo "RSS interval - plain: $((i_rss - p_rss)) KiB for 2 x $nid identities of 16 bytes ($((nid * 16 / 1024)) KiB each)"
