#!/bin/sh
# Benchmark of the socket census (make bench; not part of make check).
#
# Fills a private network namespace with about 640,000 sockets: 500,000
# TIME_WAIT over 50 destinations, 100,000 CLOSE_WAIT held by 6 child
# processes (a process may hold 20,000 descriptors) with their 100,000
# orphaned FIN_WAIT2 peers, and 20,000 ESTABLISHED pairs.  Then times, in
# the same namespace and the same minute (TIME_WAIT lasts 60 s):
#   floor     a raw sock_diag dump that only counts states
#   floor -i  the same asking for tcp_info (what the detail costs the kernel)
#   floor -s  split: every state but CLOSE_WAIT, then CLOSE_WAIT with tcp_info
#   census    tcptune check (with the CLOSE_WAIT owner walk turned off), the
#             per-socket detail included (CLOSE_WAIT ages, timers, keepalive)
#   owners    tcptune check as shipped (walks /proc/PID/fd for owners)
#   ss        ss -tan piped to a state count
#   fd walk   tests/bench/owner-floor: readlink() of every /proc/PID/fd link
#   ss -p     ss -tanp piped to a state count (sockets and their owners)
# and prints the ratios and tcptune's peak RSS.
set -eu

. "$(dirname "$0")/lib.sh"
TW=${BENCH_TW:-500000}
CW=${BENCH_CW:-100000}
EST=${BENCH_EST:-20000}
REPS=${BENCH_REPS:-5}

bench_netns census-bench "$0" "$@"
bench_scratch

ip link set lo up
echo "1024 65535" >/proc/sys/net/ipv4/ip_local_port_range
echo 2000000 >/proc/sys/net/ipv4/tcp_max_tw_buckets
# Loopback connects would otherwise take over TIME_WAIT ports (reuse = 2).
echo 0 >/proc/sys/net/ipv4/tcp_tw_reuse

printf '[profile]\ndescription = census benchmark without the owner walk\n' >"$tmp/noowners.ini"
printf '[thresholds]\nclose_wait_warn = 100000000\n' >>"$tmp/noowners.ini"

calc() {
	awk "BEGIN { printf \"%.2f\", $1 }"
}

start=$(date +%s.%N)
"$BUILDDIR/tests/helpers/census-sockets" -t "$TW" -T 50 -c "$CW" -C 6 -e "$EST" -E 3 >"$tmp/made" &
helper=$!
until grep -q '^ready' "$tmp/made"; do
	kill -0 "$helper" 2>/dev/null || { echo "census-bench: socket helper died" >&2; exit 1; }
	sleep 0.2
done
filled=$(date +%s.%N)
echo "filled in $(calc "$filled - $start") s"
"$BUILDDIR/tests/bench/census-floor"

timeit() {
	"$BUILDDIR/tests/bench/census-timeit" "$REPS" "$@"
}
# The floors and the census take turns, one run each per round, so they
# see the same sockets: TIME_WAIT ones expire while the benchmark runs.
# BENCH_BASE: another tcptune (an older build) timed in the same rounds.
: >"$tmp/t.floor"; : >"$tmp/t.floor_i"; : >"$tmp/t.census"; : >"$tmp/t.base"
: >"$tmp/t.owners"; : >"$tmp/t.fdwalk"; : >"$tmp/t.sstanp"; : >"$tmp/t.ss"
r=0
while [ $r -lt "$REPS" ]; do
	"$BUILDDIR/tests/bench/census-timeit" 1 "$BUILDDIR/tests/bench/census-floor" >>"$tmp/t.floor"
	"$BUILDDIR/tests/bench/census-timeit" 1 "$BUILDDIR/tests/bench/census-floor" -i >>"$tmp/t.floor_i"
	"$BUILDDIR/tests/bench/census-timeit" 1 "$TCPTUNE" check --format json \
		--profile "$tmp/noowners.ini" >>"$tmp/t.census"
	# The whole check as shipped, against the raw dump plus a raw fd
	# walk (its two floors) and against ss -tanp, which does both too.
	"$BUILDDIR/tests/bench/census-timeit" 1 "$TCPTUNE" check --format json >>"$tmp/t.owners"
	"$BUILDDIR/tests/bench/census-timeit" 1 "$BUILDDIR/tests/bench/owner-floor" >>"$tmp/t.fdwalk"
	"$BUILDDIR/tests/bench/census-timeit" 1 sh -c \
		'ss -tan | awk "NR > 1 { n[\$1]++ } END { for (s in n) print s, n[s] }"' >>"$tmp/t.ss"
	# ss -tanp takes many seconds here: once, in the first round, while
	# every socket is still there.
	[ $r -gt 0 ] || "$BUILDDIR/tests/bench/census-timeit" 1 sh -c \
		'ss -tanp | awk "NR > 1 { n[\$1]++ } END { for (s in n) print s, n[s] }"' >>"$tmp/t.sstanp"
	[ -z "${BENCH_BASE:-}" ] || "$BUILDDIR/tests/bench/census-timeit" 1 "$BENCH_BASE" check \
		--format json --profile "$tmp/noowners.ini" >>"$tmp/t.base"
	r=$((r + 1))
done
stats() { # FILE of "s s rss" lines: "best median largest-rss"
	sort -n "$1" | awk '{ t[NR] = $1; if ($3 > m) m = $3 }
		END { printf "%s %s %s\n", t[1], t[int((NR + 1) / 2)], m }'
}
floor=$(stats "$tmp/t.floor")
floor_i=$(stats "$tmp/t.floor_i")
census=$(stats "$tmp/t.census")
base=
[ -z "${BENCH_BASE:-}" ] || base=$(stats "$tmp/t.base")
owners=$(stats "$tmp/t.owners")
fdwalk=$(stats "$tmp/t.fdwalk")
sstanp=$(stats "$tmp/t.sstanp")
quick=$(timeit "$TCPTUNE" check --format json --no-census)
ss=$(stats "$tmp/t.ss")
# Last, with the fewest sockets left: it is slower all the same.
floor_s=$(timeit "$BUILDDIR/tests/bench/census-floor" -s)
"$TCPTUNE" check --format json >"$tmp/json" || true
ss -tan | awk 'NR > 1 { n[$1]++; t++ } END { printf "ss total %d:", t; for (s in n) printf " %s %d", s, n[s]; print "" }'
jq -r '"tcptune total \(.sockets.total): TIME_WAIT \(.sockets.TIME_WAIT), CLOSE_WAIT \(.sockets.CLOSE_WAIT), FIN_WAIT2 \(.sockets.FIN_WAIT2 + .sockets.FIN_WAIT2_ORPHANED), ESTABLISHED \(.sockets.ESTABLISHED); owners \(.close_wait_owners | length), top \(.top_destinations[0].destination) \(.top_destinations[0].port_range_used_pct)%"' "$tmp/json"
jq -r '"detail: CLOSE_WAIT aged \(.close_wait_age.sockets) (oldest \(.close_wait_age.oldest_ms) ms), keepalive \(.keepalive.armed) of \(.keepalive.established), TIME_WAIT timers \(.timers.time_wait.sockets)"' "$tmp/json"
echo "elapsed since filled: $(calc "$(date +%s.%N) - $filled") s (TIME_WAIT lasts 60 s)"

set -- $floor; f_best=$1 f_med=$2
set -- $floor_i; fi_best=$1 fi_med=$2
set -- $floor_s; fs_best=$1 fs_med=$2
set -- $census; c_best=$1 c_med=$2 c_rss=$3
set -- $owners; o_best=$1 o_med=$2 o_rss=$3
set -- $quick; q_best=$1
set -- $ss; s_best=$1 s_med=$2
set -- $fdwalk; w_best=$1 w_med=$2
set -- $sstanp; p_best=$1 p_med=$2
echo
echo "                      best s  median s  peak RSS KiB"
printf "%-20s %8s %9s\n" "raw floor" "$f_best" "$f_med"
printf "%-20s %8s %9s\n" "floor + tcp_info" "$fi_best" "$fi_med"
printf "%-20s %8s %9s\n" "floor, split dump" "$fs_best" "$fs_med"
printf "%-20s %8s %9s %13s\n" "tcptune census" "$c_best" "$c_med" "$c_rss"
if [ -n "$base" ]; then
	set -- $base
	printf "%-20s %8s %9s %13s\n" "BENCH_BASE census" "$1" "$2" "$3"
fi
printf "%-20s %8s %9s %13s\n" "tcptune + owners" "$o_best" "$o_med" "$o_rss"
printf "%-20s %8s\n" "tcptune --no-census" "$q_best"
printf "%-20s %8s %9s\n" "ss -tan | count" "$s_best" "$s_med"
printf "%-20s %8s %9s\n" "raw fd walk" "$w_best" "$w_med"
printf "%-20s %8s %9s\n" "ss -tanp | count" "$p_best" "$p_med"
echo
echo "census / floor     $(calc "$c_med / $f_med")  (target <= 1.2; detail included)"
echo "tcp_info / floor   $(calc "$fi_med / $f_med")  (one dump asking for tcp_info)"
echo "split / floor      $(calc "$fs_med / $f_med")  (a second dump for CLOSE_WAIT)"
echo "ss / census        $(calc "$s_med / $c_med")  (target >= 3)"
echo "owners / floor     $(calc "$o_med / $f_med")"
echo "whole check / (floor + fd walk)  $(calc "$o_med / ($f_med + $w_med)")  (target <= 1.3)"
echo "ss -tanp / whole check           $(calc "$p_med / $o_med")  (target >= 3)"
echo "census peak RSS    $c_rss KiB (target < 8192)"
