#!/bin/sh
# CLOSE_WAIT and listen queue findings with real sockets in a private
# network namespace: severity follows the harm (how long a process holds
# them, whether they grow), owners are named whenever there is CLOSE_WAIT,
# a client's CLOSE_WAIT is grouped by destination rather than by its
# ephemeral ports, sockets never accepted are not called a leak, and an
# overflowing listen queue drops connections (it does not refuse them).
set -eu
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"

SOCKETS="$HELPERS/census-sockets"

private_netns "$0" "$@"
command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"

scratch
helper=
cleanup() {
	if [ -n "$helper" ]; then
		kill "$helper" 2>/dev/null
		wait "$helper" 2>/dev/null
	fi
	rm -rf "$SCRATCH"
}
trap cleanup EXIT
ip link set lo up

expect() { # what, got, want
	if [ "$2" = "$3" ]; then pass "$1 = $2"; else failed "$1: got '$2', expected '$3'"; fi
}
contains() { # what, text, fixed string
	if printf '%s\n' "$2" | grep -qF -- "$3"; then pass "$1"; else
		failed "$1: '$2' lacks '$3'"
	fi
}
lacks() { # what, text, fixed string
	if printf '%s\n' "$2" | grep -qF -- "$3"; then failed "$1: '$2' has '$3'"; else
		pass "$1"
	fi
}
# field FILE ID FIELD: one field of the first finding with that id.
field() {
	jq -r --arg id "$2" "[.findings[] | select(.id == \$id)][0].$3" "$1"
}
start_helper() { helper_start "$SCRATCH/made" "$SOCKETS" "$@"; }
# during SECONDS HELPER-ARGS...: check --interval SECONDS into $SCRATCH/j
# while the helper starts after the first reading (and, with STOP=1,
# ends before the second).
during() {
	secs=$1
	shift
	"$TCPTUNE" check --interval "$secs" --format json >"$SCRATCH/j" 2>"$SCRATCH/err" &
	chk=$!
	sleep 1
	start_helper "$@"
	[ "${STOP:-0}" = 1 ] && helper_stop
	wait "$chk" || [ $? -le 2 ] || failed "check --interval: $(cat "$SCRATCH/err")"
}
printf '[thresholds]\nclose_wait_age_warn = 2\n' >"$SCRATCH/age2.ini"

# 1. Five CLOSE_WAIT sockets, fresh, one process: below every threshold,
# yet their owner is looked up and named.
start_helper -b 5000 -c 5
pid=$(awk '$1 == "listen" && $2 == 5100 {print $3}' "$SCRATCH/made")
"$TCPTUNE" check --format json >"$SCRATCH/j1" || true
expect "few fresh CLOSE_WAIT: info" "$(field "$SCRATCH/j1" census_close_wait severity)" info
contains "few fresh CLOSE_WAIT: owner named" \
	"$(field "$SCRATCH/j1" census_close_wait evidence)" "pid $pid (census-sockets)"

# 2. The same sockets held past the age that marks a stuck program:
# warn, though fewer than close_wait_warn.
sleep 3
"$TCPTUNE" check --format json --profile "$SCRATCH/age2.ini" >"$SCRATCH/j2" 2>/dev/null || true
expect "few CLOSE_WAIT held long: warn" "$(field "$SCRATCH/j2" census_close_wait severity)" warn
contains "few CLOSE_WAIT held long: how long" \
	"$(field "$SCRATCH/j2" census_close_wait message)" "held for up to"
# The same leak beside a profile the host has drifted from: the leak,
# harm of now, comes before the drift of the same severity.
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n[thresholds]\nclose_wait_warn = 3\n' \
	>"$SCRATCH/drift.ini"
"$TCPTUNE" check --format json --profile "$SCRATCH/drift.ini" >"$SCRATCH/j2b" 2>/dev/null || true
expect "leak and drift: both warn" "$(jq -r '[.findings[] | select((.id == "census_close_wait" or .id == "profile_mismatch") and .severity == "warn")] | length' "$SCRATCH/j2b")" 2
expect "leak before drift" "$(jq -r '[.findings[] | select(.severity == "warn") | .id] |
	index("census_close_wait") as $l | index("profile_mismatch") as $d |
	$l != null and $d != null and $l < $d' "$SCRATCH/j2b")" true
helper_stop

# 3. A client's CLOSE_WAIT: eight connections whose server closed, each on
# its own ephemeral port, are one row for their destination.
start_helper -b 5000 -x 8
"$TCPTUNE" check --format json >"$SCRATCH/j3" || true
expect "client CLOSE_WAIT: rows" "$(jq '[.close_wait_ports[] | select(.close_wait > 0)] | length' "$SCRATCH/j3")" 1
expect "client CLOSE_WAIT: destination" \
	"$(jq -r '.close_wait_ports[0].destination' "$SCRATCH/j3")" "127.0.0.1:5600"
expect "client CLOSE_WAIT: count" "$(jq -r '.close_wait_ports[0].close_wait' "$SCRATCH/j3")" 8
helper_stop

# 4. A client's CLOSE_WAIT growing: one finding for its destination and
# owner, not one per ephemeral port.
during 3 -b 5000 -x 2 -g 100
expect "client growth: findings" \
	"$(jq '[.findings[] | select(.id == "census_close_wait_growth" and .severity != "ok")] | length' "$SCRATCH/j")" 1
contains "client growth: by destination" \
	"$(field "$SCRATCH/j" census_close_wait_growth message)" "on connections to 127.0.0.1:5600"
contains "client growth: owner" \
	"$(field "$SCRATCH/j" census_close_wait_growth evidence)" "(census-sockets)"
lacks "client growth: no port to serve" \
	"$(field "$SCRATCH/j" census_close_wait_growth advice)" "serving this port"
helper_stop

# 5. Sockets never accepted appear during the interval, and a listen
# queue overflows: not a leak; dropped, not refused; the full listener
# named.
during 4 -b 5000 -u 5 -f 4
contains "never accepted: accept queue" \
	"$(field "$SCRATCH/j" census_close_wait_growth message)" "in the accept queue of port 5300"
lacks "never accepted: not a leak" \
	"$(field "$SCRATCH/j" census_close_wait_growth advice)" "leak"
msg=$(field "$SCRATCH/j" census_listen_overflow message)
contains "overflow: dropped" "$msg" "dropped"
lacks "overflow: not refused" "$msg" "refused"
contains "overflow: clients retry" "$msg" "retransmit"
contains "overflow: the full listener" \
	"$(field "$SCRATCH/j" census_listen_overflow evidence)" "port 5400"
helper_stop

# 6. An overflow whose listener is gone by the second reading: the advice
# names no listener it did not name.
STOP=1 during 4 -b 5000 -f 4
expect "overflow, listener gone: severity" "$(field "$SCRATCH/j" census_listen_overflow severity)" warn
lacks "overflow, listener gone: nothing 'named above'" \
	"$(field "$SCRATCH/j" census_listen_overflow advice)" "named above"
finish
