#!/bin/sh
# Per-destination rates and the port forecast against a real client's own
# count, in a private network and mount namespace.  tests/helpers/rate-client
# connects at a paced rate and logs the CLOCK_MONOTONIC time of every
# connect(); every sample of tcptune names the monotonic times of its two
# censuses, so both count over the same window:
#   ramp        10/s rising to 40/s over 20 s: each sample within 10%
#   recovery    the client stopped: 0/s, nothing left over
#   reuse       loopback at 300/s with tcp_tw_reuse = 2: within 10%
#   exhaustion  300/s into 1024 ports: "exhausted now" within 2 s of the
#               client's first EADDRNOTAVAIL, and no rate it did not make
#   runs out    30/s into 1024 ports, asked at about a quarter held: the
#               time to exhaustion within 15% of the client's first failure
# A scenario whose client fell behind its own schedule (a loaded machine)
# is run once more, and says so.
set -eu
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"

CLIENT="$HELPERS/rate-client"
SCHEMA="${TESTS_DIR:-$(dirname "$0")/..}/../docs/schema"

private_netns -m "$0" "$@"

tmp=$(mktemp -d)
client=
cleanup() {
	[ -n "$client" ] && kill "$client" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ip link set lo up
IPV4=/proc/sys/net/ipv4

# The client in the background: rate_client PORT ARGS...
rate_client() {
	port=$1
	shift
	"$CLIENT" -p "$port" -o "$tmp/log.$port" "$@" >"$tmp/ready.$port" &
	client=$!
	n=0
	until grep -q ready "$tmp/ready.$port" 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt 100 ] || bail "the client on port $port never got ready"
		sleep 0.05
	done
}
client_wait() {
	wait "$client" || bail "the client failed"
	client=
}
# The client's summary field: summary PORT FIELD
summary() { awk -v k="$2" '$1 == "#" { for (i = 2; i < NF; i++) if ($i == k) print $(i + 1) }' "$tmp/log.$1"; }
# Behind its schedule by more than a tenth of a second at worst.
client_late() { awk -v l="$(summary "$1" max_late)" 'BEGIN { exit !(l > 0.1) }'; }
# Connections the client made from FROM to TO (monotonic seconds).
made_between() { awk -v a="$2" -v b="$3" '$2 == "ok" && $1 > a && $1 <= b { n++ } END { print n + 0 }' "$tmp/log.$1"; }
first_ok() { awk '$2 == "ok" { print $1; exit }' "$tmp/log.$1"; }
last_ok() { awk '$2 == "ok" { t = $1 } END { print t }' "$tmp/log.$1"; }

# One destination of one sample (a JSON object) as "from to rate exact
# exhausted tte held available"; nothing when it is not among them.
dest_of() { # LINE DEST
	printf '%s\n' "$1" | jq -r --arg d "$2" '.rates as $r | $r.destinations[] | select(.destination == $d) |
	    "\($r.monotonic_from) \($r.monotonic_to) \(.new_per_second) \(.exact) \(.forecast.exhausted_now) \(.forecast.seconds_to_exhaustion) \(.forecast.ports_held_live + .forecast.ports_held_time_wait) \(.forecast.ports_available)"'
}

# within GOT WANT PCT FLOOR: |got - want| <= max(want * pct / 100, floor)
within() {
	awk -v g="$1" -v w="$2" -v p="$3" -v f="$4" \
	    'BEGIN { d = g - w; if (d < 0) d = -d; m = w * p / 100; if (m < f) m = f; exit !(d <= m) }'
}

# is_zero N...: every argument is 0.
is_zero() { awk 'BEGIN { for (i = 1; i < ARGC; i++) if (ARGV[i] != 0) exit 1 }' "$@"; }

# Runs scenario FUNCTION PORT, and once more on the next port when it
# failed and its client fell behind its schedule, or the scenario says
# (in $slow) that tcptune's own samples came late.
scenario() {
	fails=$nfail passes=$npass slow=
	"$1" "$2"
	[ "$nfail" -gt "$fails" ] || return 0
	if client_late "$2"; then
		slow="the client fell behind its schedule by $(summary "$2" max_late) s"
	fi
	if [ -n "$slow" ]; then
		echo "# $1: $slow (a loaded machine): running it once more"
		nfail=$fails npass=$passes
		"$1" $(($2 + 1))
	fi
}

# --- a ramp, then the client stops --------------------------------------
ramp() {
	port=$1 dest=127.0.0.1:$1
	echo 0 >$IPV4/tcp_tw_reuse
	echo "32768 60999" >$IPV4/ip_local_port_range
	rate_client "$port" -r 10 -R 40 -d 20
	"$TCPTUNE" watch --interval 2 --count 12 --format json >"$tmp/watch.$port"
	client_wait
	start=$(first_ok "$port") end=$(last_ok "$port")
	n=0 inside=0 after=0
	while IFS= read -r line; do
		n=$((n + 1))
		# shellcheck disable=SC2046 # the fields, split on purpose
		set -- $(dest_of "$line" "$dest")
		if [ $# -eq 0 ]; then
			# Before the first or long after the last connection.
			continue
		fi
		want=$(made_between "$port" "$1" "$2")
		wrate=$(awk -v m="$want" -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", m / (b - a) }')
		if awk -v a="$1" -v s="$start" -v e="$end" 'BEGIN { exit !(a > e + 0.05) }'; then
			after=$((after + 1))
			check "recovery: sample $n after the client stopped shows $3/s (0 wanted)" \
			    is_zero "$want" "$3"
			check "recovery: sample $n is exact" [ "$4" = true ]
			continue
		fi
		inside=$((inside + 1))
		if within "$3" "$wrate" 10 "$(awk -v a="$1" -v b="$2" 'BEGIN { print 1 / (b - a) }')"; then
			pass "ramp: sample $n $3/s, the client made $want ($wrate/s) over the same window"
		else
			failed "ramp: sample $n $3/s, the client made $want ($wrate/s) over the same window"
		fi
	done <"$tmp/watch.$port"
	check "ramp: samples during the ramp ($inside)" [ "$inside" -ge 8 ]
	check "recovery: samples after the client stopped ($after)" [ "$after" -ge 1 ]
}

# --- loopback reuse: ports taken again while in TIME_WAIT ---------------
reuse() {
	port=$1 dest=127.0.0.1:$1
	echo 2 >$IPV4/tcp_tw_reuse
	echo "40000 41023" >$IPV4/ip_local_port_range
	rate_client "$port" -r 300 -d 12
	# 512 ports of one parity at 300/s: every port is taken again after
	# about 1.7 s, still in TIME_WAIT, once the first 2 s are over.
	sleep 3
	"$TCPTUNE" watch --interval 2 --count 4 --format json >"$tmp/watch.$port"
	client_wait
	check "reuse: TIME_WAIT ports were reused (TcpExt.TWRecycled)" \
	    [ "$(jq -s 'map(.rates.counters["TcpExt.TWRecycled"].delta) | add' "$tmp/watch.$port")" -gt 1000 ]
	n=0
	while IFS= read -r line; do
		n=$((n + 1))
		# shellcheck disable=SC2046 # the fields, split on purpose
		set -- $(dest_of "$line" "$dest")
		[ $# -gt 0 ] || { failed "reuse: sample $n has no $dest"; continue; }
		want=$(made_between "$port" "$1" "$2")
		wrate=$(awk -v m="$want" -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", m / (b - a) }')
		if within "$3" "$wrate" 10 0; then
			pass "reuse: sample $n $3/s, the client made $wrate/s over the same window"
		else
			failed "reuse: sample $n $3/s, the client made $wrate/s over the same window"
		fi
	done <"$tmp/watch.$port"
	echo 0 >$IPV4/tcp_tw_reuse
}

# --- exhaustion: no port left ---------------------------------------------
exhaust() {
	port=$1 dest=127.0.0.1:$1
	echo 0 >$IPV4/tcp_tw_reuse
	echo "40000 41023" >$IPV4/ip_local_port_range
	rate_client "$port" -r 300 -d 8
	"$TCPTUNE" watch --interval 0.5 --count 16 --format json >"$tmp/watch.$port"
	client_wait
	ff=$(summary "$port" first_fail)
	check "exhaustion: the client's connect() failed (first at $ff)" \
	    awk -v f="$ff" 'BEGIN { exit !(f > 0) }'
	seen='' n=0 invented=0
	while IFS= read -r line; do
		n=$((n + 1))
		# shellcheck disable=SC2046 # the fields, split on purpose
		set -- $(dest_of "$line" "$dest")
		[ $# -gt 0 ] || continue
		if [ -z "$seen" ] && [ "$5" = true ]; then
			seen=$2
			echo "# exhausted now at sample $n: held $7 of $8, at $2 (first failure $ff)"
		fi
		if awk -v a="$1" -v b="$2" 'BEGIN { exit !(b - a > 1) }'; then
			slow="a sample of tcptune's took $(awk -v a="$1" -v b="$2" 'BEGIN { print b - a }') s instead of 0.5 s"
		fi
		want=$(made_between "$port" "$1" "$2")
		if [ "$want" = 0 ] && ! awk -v g="$3" 'BEGIN { exit !(g == 0) }'; then
			invented=$((invented + 1))
			echo "# sample $n: $3/s shown while the client made none"
		fi
	done <"$tmp/watch.$port"
	check "exhaustion: \"exhausted now\" shown" [ -n "$seen" ]
	check "exhaustion: within 2 s of the first EADDRNOTAVAIL (${seen:-never} vs $ff)" \
	    awk -v s="${seen:-0}" -v f="$ff" 'BEGIN { exit !(s - f <= 2 && f - s <= 0.5) }'
	check "exhaustion: no rate shown where the client made no connection ($invented)" \
	    [ "$invented" = 0 ]
	line=$(tail -n 3 "$tmp/watch.$port" | head -n 1)
	"$TCPTUNE" check --interval 0.5 --no-color >"$tmp/text.$port" 2>&1 || true
	check "exhaustion: the report says so, with its evidence" \
	    grep -q "exhausted now.*1024 of 1024 ports held" "$tmp/text.$port"
	check "exhaustion: and that failed connect() calls are not visible" \
	    grep -q "connect() failures are not visible" "$tmp/text.$port"
}

# --- time to exhaustion ---------------------------------------------------
runs_out() {
	port=$1 dest=127.0.0.1:$1
	echo 0 >$IPV4/tcp_tw_reuse
	echo "40000 41023" >$IPV4/ip_local_port_range
	rate_client "$port" -r 30 -d 60 -s
	# A quarter of 1024 ports at 30/s: 8.5 s.
	sleep 7.5
	"$TCPTUNE" check --interval 2 --format json >"$tmp/json.$port" || true
	client_wait
	line=$(jq -c . "$tmp/json.$port")
	# shellcheck disable=SC2046 # the fields, split on purpose
	set -- $(dest_of "$line" "$dest")
	[ $# -gt 0 ] || bail "runs out: no $dest in the rates"
	ff=$(summary "$port" first_fail)
	real=$(awk -v f="$ff" -v t="$2" 'BEGIN { printf "%.2f", f - t }')
	echo "# runs out: held $7 of $8 at $2; forecast $6 s, the first failure came $real s later"
	check "runs out: asked at about a quarter held ($7 of $8)" \
	    awk -v h="$7" -v a="$8" 'BEGIN { exit !(h >= a * 0.2 && h <= a * 0.35) }'
	check "runs out: the forecast $6 s within 15% of $real s" within "$6" "$real" 15 0
	if python3 -c 'import jsonschema' 2>/dev/null; then
		check "runs out: check --interval's JSON is valid against check.schema.json" \
		    python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
		    "$SCHEMA/check.schema.json" "$tmp/json.$port"
	fi
}

scenario ramp 5000
scenario reuse 5100
scenario exhaust 5200
scenario runs_out 5300
finish
