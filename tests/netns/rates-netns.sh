#!/bin/sh
# Rates against real connections, in a private network and mount
# namespace: a client making a known rate of connections to one
# destination while `check --interval 2` runs; the forecast's failing rate
# against the ports connect() really gets; `watch` as JSON lines; the
# counters file kept between checks, set against nstat's deltas.
set -eu
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"

CHURN="$HELPERS/churn"
RATE=40 # connections a second to 127.0.0.1:5000

private_netns -m "$0" "$@"

tmp=$(mktemp -d)
churn=
cleanup() {
	[ -n "$churn" ] && kill "$churn" 2>/dev/null
	umount "$tmp/ro" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

ip link set lo up
# 1000 ports, 100 of them reserved: 900 available to connect().
echo "40000 40999" >/proc/sys/net/ipv4/ip_local_port_range
echo "40100-40199" >/proc/sys/net/ipv4/ip_local_reserved_ports
# No reuse of TIME_WAIT ports (loopback would otherwise reuse them after
# a second, with the default 2): every port is held its 60 s.
echo 0 >/proc/sys/net/ipv4/tcp_tw_reuse
mkdir "$tmp/state"

within() { # what got want pct: |got - want| <= want * pct / 100
	if awk -v g="$2" -v w="$3" -v p="$4" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= w * p / 100) }'; then
		pass "$1: $2, expected $3 within $4%"
	else
		failed "$1: $2, expected $3 within $4%"
	fi
}
got() { jq -r "$1" "$tmp/json"; }

# --- a known rate while check --interval 2 runs ---------------------------
"$CHURN" -p 5000 -r "$RATE" -d 6 >"$tmp/churn" &
churn=$!
sleep 1
rc=0
"$TCPTUNE" check --interval 2 --format json --state-dir "$tmp/state" >"$tmp/json" || rc=$?
[ $rc -le 2 ] || bail "check --interval exited $rc"
wait "$churn" || bail "the client failed"
churn=
cat "$tmp/churn"
grep -q "failed 0" "$tmp/churn" || bail "the client's connect() failed: $(cat "$tmp/churn")"

check "rates measured over the interval" [ "$(got .rates.source)" = interval ]
# Two seconds of sleep, plus the second reading's NAT and sysctl.d work.
check "interval measured: $(got .rates.seconds) s" \
	awk -v s="$(got .rates.seconds)" 'BEGIN { exit !(s >= 2 && s < 3) }'
within "Tcp.ActiveOpens per second" "$(got '.rates.counters["Tcp.ActiveOpens"].per_second')" $RATE 20
within "Tcp.PassiveOpens per second" "$(got '.rates.counters["Tcp.PassiveOpens"].per_second')" $RATE 20
check "the busiest destination is the client's" \
	[ "$(got '.rates.destinations[0].destination')" = 127.0.0.1:5000 ]
within "new connections to it per second" "$(got '.rates.destinations[0].new_per_second')" $RATE 20
within "TIME_WAIT entering per second" "$(got '.rates.destinations[0].time_wait_per_second')" $RATE 20
check "ports available: the range less the reserved" \
	[ "$(got '.rates.destinations[0].forecast.ports_available')" = 900 ]
check "tw_reuse does not apply (0)" \
	[ "$(got '.rates.destinations[0].forecast.tw_reuse_applies')" = false ]
fails_at=$(got '.rates.destinations[0].forecast.fails_at_per_second')
forecast=$(got '[.findings[] | select(.id == "census_port_forecast")][0]')
echo "$forecast" | jq -r .message
check "the forecast finding is critical (40/s is past what 900 ports sustain)" \
	[ "$(echo "$forecast" | jq -r .severity)" = critical ]
check "the forecast names the destination" \
	sh -c "echo '$forecast' | jq -r .message | grep -q 'to 127.0.0.1:5000 you use'"

# --- Prometheus: counters as counters, destinations bounded ---------------
"$TCPTUNE" check --interval 0.5 --format prometheus --state-dir "$tmp/none" >"$tmp/prom" || true
check "the counters as one counter family with _total" \
	grep -qx '# TYPE tcptune_netstat_total counter' "$tmp/prom"
check "TcpExt TCPTimeWaitOverflow in it" \
	grep -q '^tcptune_netstat_total{counter="TcpExt_TCPTimeWaitOverflow"} [0-9]*$' "$tmp/prom"
check "the busiest destination, ranked" \
	grep -q '^tcptune_destination_sockets{rank="1",destination="127.0.0.1:5000"} ' "$tmp/prom"
check "its forecast" \
	grep -q '^tcptune_destination_fails_at_per_second{rank="1",destination="127.0.0.1:5000"} ' "$tmp/prom"
# The client has stopped: no new connections, so the ports never run out
# (+Inf), none is exhausted, and the rate (0) is exact.
check "time to exhaustion: +Inf at no new connections" \
	grep -q '^tcptune_destination_seconds_to_exhaustion{rank="1",destination="127.0.0.1:5000"} +Inf$' "$tmp/prom"
check "not exhausted" \
	grep -q '^tcptune_destination_ports_exhausted{rank="1",destination="127.0.0.1:5000"} 0$' "$tmp/prom"
check "the rate exact" \
	grep -q '^tcptune_destination_rate_exact{rank="1",destination="127.0.0.1:5000"} 1$' "$tmp/prom"
check "the rate of a counter" \
	grep -q '^tcptune_netstat_rate_per_second{counter="Tcp_ActiveOpens"} ' "$tmp/prom"
if PROMTOOL=$(promtool_path); then
	check "promtool: nothing to complain of" promtool_ok "$tmp/prom"
fi

# --- where connect() really fails -----------------------------------------
# As fast as it can towards a fresh destination until connect() finds no
# local port: the ports it really gets, each held 60 s in TIME_WAIT, are
# the most connections a second that this destination can take.
"$CHURN" -p 5001 -f >"$tmp/fill"
cat "$tmp/fill"
grep -q "failed 1" "$tmp/fill" || bail "connect() never failed: $(cat "$tmp/fill")"
real=$(awk '/^made/ { print $2 / 60 }' "$tmp/fill")
within "forecast failing rate against connect()'s" "$fails_at" "$real" 20

# --- watch as JSON lines -----------------------------------------------
"$TCPTUNE" watch --interval 0.5 --count 3 --format json >"$tmp/watch"
check "watch --count 3 gives 3 lines" [ "$(wc -l <"$tmp/watch")" -eq 3 ]
n=0
while IFS= read -r line; do
	n=$((n + 1))
	check "watch line $n is valid JSON with its sample number and rates" \
		sh -c "printf '%s\n' '$line' | jq -e '.sample == $n and .rates.source == \"interval\" and (.sockets.TIME_WAIT | type) == \"number\"' >/dev/null"
done <"$tmp/watch"
"$TCPTUNE" watch --interval 0.2 --count 2 >"$tmp/watch.txt"
check "watch without a terminal: one line per sample" [ "$(wc -l <"$tmp/watch.txt")" -eq 2 ]
check "watch refuses --count 0" sh -c "! '$TCPTUNE' watch --count 0 2>/dev/null"
rc=0
"$TCPTUNE" watch --proc-root "$FIXTURES/proc-6.18" --count 1 >/dev/null 2>&1 || rc=$?
check "watch without a live census exits 66" [ $rc -eq 66 ]

# watch's samples follow one another: over the whole watch their deltas add
# up to what nstat saw from before the first census to after the last, when
# the connections all fall inside (60 of them, from 0.3 s to about 1.5 s).
NSTAT_HISTORY="$tmp/nstat.watch" nstat -n
"$TCPTUNE" watch --interval 1 --count 3 --format json >"$tmp/watch" &
watcher=$!
sleep 0.3
"$CHURN" -p 5004 -r 50 -d 1.2 >/dev/null
wait "$watcher" || failed "watch exited non-zero"
NSTAT_HISTORY="$tmp/nstat.watch" nstat -z TcpActiveOpens TcpExtTW >"$tmp/nstat"
for pair in "Tcp.ActiveOpens TcpActiveOpens" "TcpExt.TW TcpExtTW"; do
	# shellcheck disable=SC2086 # two words, split on purpose
	set -- $pair
	sum=$(jq -s "map(.rates.counters[\"$1\"].delta) | add" "$tmp/watch")
	want=$(awk -v k="$2" '$1 == k { print $2 }' "$tmp/nstat")
	check "watch: $1 deltas add up to nstat's $2 ($sum, $want)" [ "$sum" = "$want" ]
done
check "watch: the 60 connections all seen" \
	[ "$(jq -s 'map(.rates.counters["Tcp.ActiveOpens"].delta) | add' "$tmp/watch")" = 60 ]

# On a terminal the view is redrawn in place: the screen is cleared and
# drawn again for each sample.
if command -v script >/dev/null; then
	script -qec "'$TCPTUNE' watch --interval 0.2 --count 2" /dev/null >"$tmp/tty" </dev/null || true
	check "watch on a terminal: redrawn once per sample" \
		[ "$(grep -o "$(printf '\033')\\[H$(printf '\033')\\[2J" "$tmp/tty" | wc -l)" -eq 2 ]
	check "watch on a terminal: the RATES section" grep -q '^RATES (over 0\.[0-9] s)' "$tmp/tty"
fi

# --- since the last check, against nstat --------------------------------
ls "$tmp/state" >"$tmp/files"
check "one counters file in the state directory" [ "$(grep -c '^counters-' "$tmp/files")" -eq 1 ]
check "nothing else in it" [ "$(wc -l <"$tmp/files")" -eq 1 ]
# The previous check keeps the counters, nstat -n its history at the same
# moment (nothing else uses TCP here); then 100 connections; the rise
# both see since must agree.
export NSTAT_HISTORY="$tmp/nstat.history"
"$TCPTUNE" check --format json --state-dir "$tmp/state" >/dev/null || true
nstat -n
"$CHURN" -p 5002 -r 100 -d 1 >/dev/null
nstat -z TcpActiveOpens TcpPassiveOpens TcpExtTW >"$tmp/nstat"
"$TCPTUNE" check --format json --state-dir "$tmp/state" >"$tmp/json" || true
nstat_delta() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/nstat"; }
cat "$tmp/nstat"
check "rates since the last check" [ "$(got .rates.source)" = last_check ]
for pair in "Tcp.ActiveOpens TcpActiveOpens" "Tcp.PassiveOpens TcpPassiveOpens" "TcpExt.TW TcpExtTW"; do
	# shellcheck disable=SC2086 # two words, split on purpose
	set -- $pair
	check "$1 since the last check = nstat's $2 delta ($(nstat_delta "$2"))" \
		[ "$(got ".rates.counters[\"$1\"].delta")" = "$(nstat_delta "$2")" ]
done
check "100 connections made since the last check" \
	[ "$(got '.rates.counters["Tcp.ActiveOpens"].delta')" = 100 ]
"$TCPTUNE" check --no-color --all --state-dir "$tmp/state" >"$tmp/text" || true
check "text: counters since the last check" grep -q '^RATES (since the last check [0-9]* s ago)' "$tmp/text"

# --- an unwritable or missing state directory: since boot, nothing kept -----
mkdir "$tmp/ro"
mount -t tmpfs -o ro tmpfs "$tmp/ro"
"$TCPTUNE" check --format json --state-dir "$tmp/ro" >"$tmp/json" || true
check "read-only state directory: no rates" [ "$(got .rates)" = null ]
check "read-only state directory: nothing written" [ -z "$(ls -A "$tmp/ro")" ]
"$TCPTUNE" check --no-color --all --state-dir "$tmp/ro" >"$tmp/text" || true
check "read-only state directory: counters since boot, as before" \
	grep -q '^COUNTERS SINCE' "$tmp/text"
check "read-only state directory: no RATES section" sh -c "! grep -q '^RATES' '$tmp/text'"
"$TCPTUNE" check --format json --state-dir "$tmp/missing/dir" >"$tmp/json" || true
check "missing state directory: not created" [ ! -e "$tmp/missing" ]

finish
