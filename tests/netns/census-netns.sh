#!/bin/sh
# The census against real sockets: in a private network namespace, make
# known numbers of TIME_WAIT, CLOSE_WAIT (held by a known child), orphaned
# FIN_WAIT2 and ESTABLISHED sockets, then compare tcptune's counts with
# what was made and with what ss(8) sees in the same namespace.
set -eu
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"

SOCKETS="$HELPERS/census-sockets"
N_TW=800	# towards 127.0.0.1:5000, from a 1000-port range: 80 % pressure
N_CW=150	# above the default close_wait_warn (100), so owners are searched
N_EST=20	# pairs over ::1

private_netns "$0" "$@"

tmp=$(mktemp -d)
helper=
cleanup() {
	[ -n "$helper" ] && kill "$helper" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ip link set lo up
echo "40000 40999" >/proc/sys/net/ipv4/ip_local_port_range
# Loopback connects would otherwise take over TIME_WAIT ports (reuse = 2)
# once they are a second old, and the count would drift.
echo 0 >/proc/sys/net/ipv4/tcp_tw_reuse

helper_start "$tmp/made" "$SOCKETS" -t "$N_TW" -c "$N_CW" -e "$N_EST" -6
cw_pid=$(awk '$4 == "close_wait" { print $3 }' "$tmp/made")
cw_port=$(awk '$4 == "close_wait" { print $2 }' "$tmp/made")

# "ready" means every close() was called; the kernel may still be
# finishing a few handshakes.  Wait (at most 10 s) until no socket is in a
# passing state and every TIME_WAIT is in place, so the counts hold still.
i=0
while :; do
	tw=$(ss -tanH state time-wait | wc -l)
	moving=$(ss -tanH state fin-wait-1 state last-ack state closing state syn-sent | wc -l)
	[ "$tw" -eq "$N_TW" ] && [ "$moving" -eq 0 ] && break
	i=$((i + 1))
	[ $i -lt 100 ] || break
	sleep 0.1
done

rc=0
"$TCPTUNE" check --format json >"$tmp/json" || rc=$?
[ $rc -le 2 ] || bail "check exited $rc"
ss -tan | awk 'NR > 1 { n[$1]++ } END { for (s in n) print s, n[s] }' >"$tmp/ss"
cat "$tmp/ss"

ss_count() {
	awk -v s="$1" '$1 == s { print $2; f = 1 } END { if (!f) print 0 }' "$tmp/ss"
}
got() {
	jq -r "$1" "$tmp/json"
}
expect() { # what, got, want
	[ "$2" = "$3" ] || bail "$1: tcptune says $2, expected $3"
	pass "$1 = $2"
}

# What was made.
expect "TIME_WAIT" "$(got .sockets.TIME_WAIT)" "$N_TW"
expect "CLOSE_WAIT" "$(got .sockets.CLOSE_WAIT)" "$N_CW"
# The peers are orphans: nearly all become timewait minisockets at once,
# but one whose ACK arrived while close() still held the socket lock stays
# a full (ownerless) socket until its FIN_WAIT2 timer runs.
expect "orphaned FIN_WAIT2" \
	"$(got '.sockets.FIN_WAIT2_ORPHANED + .sockets.fin_wait2_full_orphans')" "$N_CW"
expect "no owned FIN_WAIT2" "$(got .sockets.FIN_WAIT2)" "$(got .sockets.fin_wait2_full_orphans)"
expect "ESTABLISHED" "$(got .sockets.ESTABLISHED)" $((2 * N_EST))
expect "IPv6 ESTABLISHED" "$(got .sockets.by_family.ipv6.ESTABLISHED)" $((2 * N_EST))
expect "IPv4 ESTABLISHED" "$(got .sockets.by_family.ipv4.ESTABLISHED)" 0
expect "LISTEN" "$(got .sockets.LISTEN)" 3
expect "total" "$(got .sockets.total)" $((N_TW + 2 * N_CW + 2 * N_EST + 3))
expect "families add up" \
	"$(got '.sockets.by_family.ipv4.total + .sockets.by_family.ipv6.total')" \
	"$(got .sockets.total)"

# What ss sees in the same namespace.
expect "TIME_WAIT vs ss" "$(got .sockets.TIME_WAIT)" "$(ss_count TIME-WAIT)"
expect "CLOSE_WAIT vs ss" "$(got .sockets.CLOSE_WAIT)" "$(ss_count CLOSE-WAIT)"
expect "FIN_WAIT2 vs ss" "$(got '.sockets.FIN_WAIT2 + .sockets.FIN_WAIT2_ORPHANED')" \
	"$(ss_count FIN-WAIT-2)"
expect "ESTABLISHED vs ss" "$(got .sockets.ESTABLISHED)" "$(ss_count ESTAB)"
expect "LISTEN vs ss" "$(got .sockets.LISTEN)" "$(ss_count LISTEN)"
expect "total vs ss" "$(got .sockets.total)" "$(awk '{ t += $2 } END { print t }' "$tmp/ss")"

# sockstat's tw is this namespace's: timewait minisockets of both kinds,
# as the dump of the same run counted them.  sockstat is read a moment
# after the dump, and on a loaded machine a minisocket made a minute ago
# may end in between: a difference of two is allowed, one kind missing
# (hundreds) is not.
tw_sockstat=$(got '.counters.netns["TCP.tw"]')
tw_dump=$(got '.sockets.TIME_WAIT + .sockets.FIN_WAIT2_ORPHANED')
d=$((tw_dump - tw_sockstat))
if [ "$tw_dump" -le $((N_TW + N_CW)) ] && [ "${d#-}" -le 2 ]; then
	pass "sockstat tw = $tw_sockstat, the dump's timewait minisockets $tw_dump (made $((N_TW + N_CW)))"
else
	failed "sockstat tw: tcptune says $tw_sockstat, its dump $tw_dump, made $((N_TW + N_CW))"
fi
[ "$(got '.counters.global | has("TCP.orphan")')" = true ] ||
	bail "orphan count is not marked as the whole host's"

# Who holds CLOSE_WAIT.
expect "owners searched" "$(got .census.owners_searched)" true
expect "CLOSE_WAIT owner pid" "$(got '.close_wait_owners[0].pid')" "$cw_pid"
expect "CLOSE_WAIT owner port" "$(got '.close_wait_owners[0].port')" "$cw_port"
expect "CLOSE_WAIT owner count" "$(got '.close_wait_owners[0].sockets')" "$N_CW"
expect "CLOSE_WAIT owner command" "$(got '.close_wait_owners[0].command')" census-sockets
expect "CLOSE_WAIT finding" \
	"$(got '[.findings[] | select(.id == "census_close_wait")][0].severity')" warn
got '.findings[] | select(.id == "census_close_wait") | .evidence' | grep -q "pid $cw_pid" ||
	bail "the CLOSE_WAIT finding does not name pid $cw_pid"

# The top destination and its pressure on the 1000-port range.
expect "top destination" "$(got '.top_destinations[0].destination')" 127.0.0.1:5000
expect "top destination sockets" "$(got '.top_destinations[0].sockets')" "$N_TW"
expect "top destination exact" "$(got '.top_destinations[0].max_overcount')" 0
expect "port range" "$(got '.top_destinations[0].port_range')" 1000
expect "port range used" "$(got '.top_destinations[0].port_range_used_pct')" 80
expect "port pressure finding" \
	"$(got '[.findings[] | select(.id == "census_port_pressure")][0].severity')" warn
# The CLOSE_WAIT peers went to 127.0.0.1:5100 from the same range.
expect "second destination" "$(got '.top_destinations[1].destination')" 127.0.0.1:$cw_port
expect "second destination sockets" "$(got ".top_destinations[1].sockets")" "$N_CW"

# The text report (its tables, with --all) shows the same.
"$TCPTUNE" check --no-color --all >"$tmp/text" || true
grep -Eq "^TIME_WAIT +$N_TW +$N_TW +0\$" "$tmp/text" || bail "text: TIME_WAIT row"
grep -Eq "^$cw_pid +census-sockets +$cw_port +$N_CW +[0-9]+ (s|min)\$" "$tmp/text" ||
	bail "text: owner row"

# --no-census: no dump, no census findings.
"$TCPTUNE" check --no-census --format json >"$tmp/quick" || true
[ "$(jq -r '.sockets' "$tmp/quick")" = null ] || bail "--no-census still counted"
[ "$(jq '[.findings[] | select(.id | startswith("census_"))] | length' "$tmp/quick")" = 0 ] ||
	bail "--no-census still ran census rules"

# A fixture proc root is not this namespace: no live sockets mixed in.
"$TCPTUNE" check --proc-root "$FIXTURES/proc-6.18" --format json >"$tmp/fix" || true
[ "$(jq -r '.sockets' "$tmp/fix")" = null ] || bail "census ran against a fixture proc root"

finish
