#!/bin/sh
# The census's per-socket detail against real sockets in a private network
# namespace: CLOSE_WAIT sockets made 3 s before the check are reported with
# an age of at least 3 s, per owner; 300 ESTABLISHED sockets of which 100
# set SO_KEEPALIVE give a coverage of 100 of 300; the timers left on
# TIME_WAIT and orphaned FIN_WAIT2 sockets agree with `ss -o`; a listener
# that never accepts, with a full backlog, is reported with its queue, its
# backlog, its owner and ListenOverflows; FIN_WAIT2 sockets shut down but
# not closed are named with their owner.
set -eu
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"

SOCKETS="$HELPERS/census-sockets"
N_CW=20
N_EST=150 # pairs: 300 ESTABLISHED sockets
N_KEEP=100
N_TW=50
BACKLOG=4
N_HALF=5

private_netns "$0" "$@"

tmp=$(mktemp -d)
helper=
cleanup() {
	[ -n "$helper" ] && kill "$helper" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ip link set lo up
echo 0 >/proc/sys/net/ipv4/tcp_tw_reuse

got() { # FILE JQ
	jq -r "$2" "$1"
}
expect() { # what, got, want
	[ "$2" = "$3" ] || bail "$1: tcptune says $2, expected $3"
	pass "$1 = $2"
}
at_least() { # what, got, least
	[ "$2" -ge "$3" ] 2>/dev/null || bail "$1: tcptune says $2, expected at least $3"
	pass "$1 = $2 (at least $3)"
}

# --- Part 1: CLOSE_WAIT ages, keepalive coverage, TIME_WAIT timers ------

helper_start "$tmp/made1" "$SOCKETS" -c "$N_CW" -e "$N_EST" -k "$N_KEEP" -t "$N_TW"
cw_pid=$(awk '$4 == "close_wait" { print $3 }' "$tmp/made1")
cw_port=$(awk '$4 == "close_wait" { print $2 }' "$tmp/made1")
# The CLOSE_WAIT sockets are at least 3 s old at the check.
sleep 3.2

printf '[profile]\ndescription = detail test\n[thresholds]\nclose_wait_age_warn = 3\n' \
	>"$tmp/age.ini"
rc=0
ss -tanoH state time-wait >"$tmp/ss-tw"
ss -tanoH state fin-wait-2 >"$tmp/ss-fw"
"$TCPTUNE" check --format json --profile "$tmp/age.ini" >"$tmp/j1" || rc=$?
ss -tanoH state time-wait >"$tmp/ss-tw2"
ss -tanoH state fin-wait-2 >"$tmp/ss-fw2"
[ $rc -le 2 ] || bail "check exited $rc"
J=$tmp/j1

expect "detail asked for" "$(got "$J" .census.detail)" true
expect "CLOSE_WAIT with an age" "$(got "$J" .close_wait_age.sockets)" "$N_CW"
at_least "oldest CLOSE_WAIT ms" "$(got "$J" .close_wait_age.oldest_ms)" 3000
at_least "median CLOSE_WAIT ms" "$(got "$J" .close_wait_age.median_ms)" $((3000 - 3000 / 8))
[ "$(got "$J" .close_wait_age.oldest_ms)" -lt 60000 ] || bail "CLOSE_WAIT older than made"
expect "age buckets add up" "$(got "$J" '.close_wait_age.ages | add')" "$N_CW"
expect "owner of the old CLOSE_WAIT" "$(got "$J" '.close_wait_owners[0].pid')" "$cw_pid"
expect "owner port" "$(got "$J" '.close_wait_owners[0].port')" "$cw_port"
at_least "owner's oldest ms" "$(got "$J" '.close_wait_owners[0].oldest_ms')" 3000
at_least "port's oldest ms" \
	"$(got "$J" ".close_wait_ports[] | select(.port == $cw_port) | .oldest_ms")" 3000
expect "age finding" \
	"$(got "$J" '[.findings[] | select(.id == "census_close_wait_age")][0].severity')" warn
got "$J" '.findings[] | select(.id == "census_close_wait_age") | .evidence' |
	grep -Eq "pid $cw_pid \(census-sockets\) port $cw_port: $N_CW sockets, oldest ([3-9]|[1-5][0-9]) s" ||
	bail "the age finding does not name pid $cw_pid with its oldest socket"
pass "the age finding names the owner and its oldest socket"

# 100 of the 300 ESTABLISHED sockets set SO_KEEPALIVE.
expect "ESTABLISHED" "$(got "$J" .keepalive.established)" $((2 * N_EST))
expect "keepalive armed" "$(got "$J" .keepalive.armed)" "$N_KEEP"
expect "keepalive none" "$(got "$J" .keepalive.none)" $((2 * N_EST - N_KEEP))
expect "keepalive unknown" "$(got "$J" .keepalive.unknown)" 0
got "$J" '.findings[] | select(.id == "census_keepalive_coverage") | .message' |
	grep -q "$N_KEEP of $((2 * N_EST)) ESTABLISHED sockets have keepalive armed" ||
	bail "coverage finding"
pass "coverage finding says $N_KEEP of $((2 * N_EST))"

# TIME_WAIT timers left against ss -o, read just before and just after.
ss_secs() { # FILE: the least and the most seconds left, "min max"
	sed -n 's/.*timer:(timewait,\([0-9.]*\)\(sec\|ms\|min\).*/\1 \2/p' "$1" |
		awk '{ v = $2 == "ms" ? $1 / 1000 : $2 == "min" ? $1 * 60 : $1
			if (n++ == 0 || v < lo) lo = v; if (v > hi) hi = v }
			END { printf "%d %d\n", lo, hi }'
}
expect "TIME_WAIT timers" "$(got "$J" .timers.time_wait.sockets)" "$N_TW"
ss_max_before=$(ss_secs "$tmp/ss-tw" | cut -d' ' -f2)
ss_min_after=$(ss_secs "$tmp/ss-tw2" | cut -d' ' -f1)
tt_max=$(($(got "$J" .timers.time_wait.max_ms) / 1000))
tt_min=$(($(got "$J" .timers.time_wait.min_ms) / 1000))
# ss shows whole seconds; tcptune ran between the two readings.
[ "$tt_max" -le $((ss_max_before + 1)) ] && [ "$tt_min" -ge $((ss_min_after - 1)) ] ||
	bail "TIME_WAIT left: tcptune $tt_min..$tt_max s, ss -o $ss_min_after..$ss_max_before s"
pass "TIME_WAIT left $tt_min..$tt_max s, as ss -o shows"
[ "$tt_max" -le 60 ] && [ "$tt_min" -ge 40 ] || bail "TIME_WAIT left out of 40..60 s"
pass "TIME_WAIT left within the 60 s TIME_WAIT"
# The CLOSE_WAIT sockets' peers: orphaned FIN_WAIT2 minisockets, whose
# timer ss -o shows as timewait too.
expect "FIN_WAIT2 orphan timers" "$(got "$J" .timers.fin_wait2_orphaned.sockets)" "$N_CW"
ss_max_before=$(ss_secs "$tmp/ss-fw" | cut -d' ' -f2)
ss_min_after=$(ss_secs "$tmp/ss-fw2" | cut -d' ' -f1)
tt_max=$(($(got "$J" .timers.fin_wait2_orphaned.max_ms) / 1000))
tt_min=$(($(got "$J" .timers.fin_wait2_orphaned.min_ms) / 1000))
[ "$tt_max" -le $((ss_max_before + 1)) ] && [ "$tt_min" -ge $((ss_min_after - 1)) ] &&
	[ "$tt_min" -gt 0 ] ||
	bail "FIN_WAIT2 left: tcptune $tt_min..$tt_max s, ss -o $ss_min_after..$ss_max_before s"
pass "FIN_WAIT2 orphans left $tt_min..$tt_max s, as ss -o shows"

# The same in the other formats.
"$TCPTUNE" check --no-color --all --profile "$tmp/age.ini" >"$tmp/text1" || true
grep -Eq "^armed $N_KEEP, none $((2 * N_EST - N_KEEP)), unknown \(retransmitting\) 0, of $((2 * N_EST))\$" \
	"$tmp/text1" || bail "text: keepalive line"
pass "text: keepalive line"
# (a loaded machine may take a few seconds more between the runs)
grep -Eq "^$cw_port +$N_CW +0 +([3-9]|[1-5][0-9]) s\$" "$tmp/text1" ||
	bail "text: CLOSE_WAIT port row"
pass "text: CLOSE_WAIT port row with its oldest"
"$TCPTUNE" check --format prometheus --profile "$tmp/age.ini" >"$tmp/prom1" || true
grep -qx "tcptune_established_keepalive_sockets{keepalive=\"armed\"} $N_KEEP" "$tmp/prom1" ||
	bail "prometheus: keepalive armed"
pass "prometheus: keepalive armed"
[ "$(awk '/^tcptune_close_wait_sockets_by_age\{age="(0-10s|10s-1min)"\}/ { n += $2 }
	END { print n + 0 }' "$tmp/prom1")" = "$N_CW" ] || bail "prometheus: CLOSE_WAIT by age"
pass "prometheus: CLOSE_WAIT by age"
grep -Eq "^tcptune_close_wait_owner_oldest_seconds\{command=\"census-sockets\",port=\"$cw_port\"\} ([3-9]|[1-5][0-9])\." \
	"$tmp/prom1" || bail "prometheus: owner's oldest"
pass "prometheus: owner's oldest"

helper_stop

# --- Part 2: a full listener and shut-down FIN_WAIT2 sockets ------------

overflows() {
	awk '/^TcpExt:/ { if (!n) { split($0, k); n = 1 } else { split($0, v)
		for (i in k) if (k[i] == "ListenOverflows") print v[i] } }' /proc/net/netstat
}
before=$(overflows)
helper_start "$tmp/made2" "$SOCKETS" -b 6000 -f "$BACKLOG" -w "$N_HALF"
lport=$(awk '$4 == "full" { print $2 }' "$tmp/made2")
lpid=$(awk '$4 == "full" { print $3 }' "$tmp/made2")
hport=$(awk '$4 == "fin_wait2" { print $2 }' "$tmp/made2")
# Let the dropped connections retry their SYN once (1 s).
sleep 1.5
"$TCPTUNE" check --format json >"$tmp/j2" || true
J=$tmp/j2
L=".listeners[] | select(.port == $lport)"
expect "full listener's queue" "$(got "$J" "$L | .accept_queue")" $((BACKLOG + 1))
expect "full listener's backlog" "$(got "$J" "$L | .backlog")" "$BACKLOG"
expect "full listener's owner" "$(got "$J" "$L | .pid")" "$lpid"
expect "full listener's command" "$(got "$J" "$L | .command")" census-sockets
at_least "ListenOverflows rose" "$(got "$J" '.counters.netns["TcpExt.ListenOverflows"]')" \
	$((before + 1))
expect "full listener finding" \
	"$(got "$J" '[.findings[] | select(.id == "census_listener_full")][0].severity')" warn
got "$J" '.findings[] | select(.id == "census_listener_full") | .message' |
	grep -q "port $lport (pid $lpid, census-sockets)" || bail "the finding does not name the owner"
pass "the full listener finding names its owner"
"$TCPTUNE" check --no-color --all >"$tmp/text2" || true
grep -Eq "^$lport +ipv4 +$((BACKLOG + 1)) +$BACKLOG +$lpid +census-sockets\$" "$tmp/text2" ||
	bail "text: listener row"
pass "text: listener row with its owner"

# FIN_WAIT2 sockets shut down, not closed: owned, named once they reach
# fin_wait2_warn (and only then: the walk looks for what a rule needs).
expect "owned FIN_WAIT2" "$(got "$J" '.sockets.FIN_WAIT2 - .sockets.fin_wait2_full_orphans')" \
	"$N_HALF"
expect "FIN_WAIT2 owners not looked for" "$(got "$J" '.fin_wait2_owners')" null
# The accepting ends of those connections are CLOSE_WAIT: any CLOSE_WAIT
# has its owners named, however few.
expect "CLOSE_WAIT owners looked for, however few" "$(got "$J" '.close_wait_owners[0].pid')" "$lpid"
printf '[profile]\ndescription = detail test\n[thresholds]\nfin_wait2_warn = %d\n' "$N_HALF" \
	>"$tmp/fw2.ini"
"$TCPTUNE" check --format json --profile "$tmp/fw2.ini" >"$tmp/j3" || true
J=$tmp/j3
expect "FIN_WAIT2 owner" "$(got "$J" '.fin_wait2_owners[0].pid')" "$lpid"
expect "FIN_WAIT2 owner's port" "$(got "$J" '.fin_wait2_owners[0].port')" "$hport"
expect "FIN_WAIT2 owner's sockets" "$(got "$J" '.fin_wait2_owners[0].sockets')" "$N_HALF"
got "$J" '.findings[] | select(.id == "census_fin_wait2") | .evidence' |
	grep -q "held by pid $lpid (census-sockets) port $hport: $N_HALF" ||
	bail "the FIN_WAIT2 finding does not name pid $lpid"
pass "the FIN_WAIT2 finding names its owner"

finish
