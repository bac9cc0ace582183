#!/bin/sh
# apply --guard under real load on loopback, in a private network
# namespace: a profile that makes things worse (tcp_max_tw_buckets cut
# below the TIME_WAIT sockets there while connections keep closing) is
# undone by itself within two samples, every key back, and status names
# the counter and its figures; a harmless profile under the same load is
# kept and, with --confirm-if-healthy, confirmed; a baseline with +-30 %
# noise is no harm; connect() failing for want of a port, which no kernel
# counter shows, undoes the apply where tcptune trace runs (and is said to
# be out of sight where it cannot); the watchdog killed during the
# window leaves a journal that rollback undoes; a bad [guard] section is
# refused with its file, line and key, nothing written.
. "$(dirname "$0")/lib.sh"
# promtool is found (or unpacked) out here, where the archive can be reached.
[ "${TCPTUNE_IN_NS:-}" = 1 ] || { PROMTOOL=$(promtool_path) && export PROMTOOL; }
ns_enter
setup_work
ip link set lo up

CHURN=$HELPERS/churn
SOCKETS=$HELPERS/census-sockets
[ -x "$CHURN" ] && [ -x "$SOCKETS" ] || fail "$CHURN and $SOCKETS are not built"
orig=$(snap)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT

# churn_bg PORT RATE SECONDS [ARGS]: connections closed by the client, in
# the background, once listening.
churn_bg() {
	"$CHURN" -p "$1" -r "$2" -d "$3" ${4:+"$4"} ${5:+"$5"} >"$WORK/churn.$1" 2>&1 &
	pids="$pids $!"
	i=0
	until grep -q ready "$WORK/churn.$1"; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "churn on port $1 did not start: $(cat "$WORK/churn.$1")"
		sleep 0.1
	done
}
# jget FILE FILTER
jget() { jq -r "$2" "$1"; }

cat >"$WORK/harm.ini" <<'EOF'
[profile]
description = TIME_WAIT buckets cut below what is in use
[sysctl]
net.ipv4.tcp_max_tw_buckets = 8192
[guard]
baseline = 2
interval = 1
EOF
cat >"$WORK/fine.ini" <<'EOF'
[profile]
description = harmless
[sysctl]
net.ipv4.tcp_fin_timeout = 31
[guard]
baseline = 2
EOF

# --- 1. worse: 10,000 TIME_WAIT sockets held, 200 connections closing a
# second; the profile cuts the buckets to 8,192, so every new TIME_WAIT
# overflows (TcpExt.TCPTimeWaitOverflow rises at ~200/s).
"$SOCKETS" -t 10000 -b 7000 >"$WORK/made" 2>&1 &
pids="$pids $!"
i=0
until grep -q '^ready' "$WORK/made"; do
	i=$((i + 1))
	[ $i -lt 300 ] || fail "census-sockets did not get ready: $(cat "$WORK/made")"
	sleep 0.1
done
churn_bg 6000 200 60
$T apply --guard --guard-window 15 --wait --format json "$WORK/harm.ini" >"$WORK/j1" 2>"$WORK/e1"
rc=$?
[ $rc = 3 ] || fail "a harmful apply under --guard --wait: exit $rc, expected 3: $(cat "$WORK/e1")"
[ "$(snap)" = "$orig" ] || fail "undone by the guard, yet the keys are not back: $(snap)"
[ "$(jget "$WORK/j1" .guard_verdict.outcome)" = worse ] ||
	fail "apply JSON: guard_verdict.outcome is not worse: $(jget "$WORK/j1" .guard_verdict)"
$T status --format json >"$WORK/s1" || fail "status after the guard's undo: exit $?"
[ "$(jget "$WORK/s1" .last_undo.reason)" = guard ] ||
	fail "status: last_undo.reason is not guard: $(jget "$WORK/s1" .last_undo)"
[ "$(jget "$WORK/s1" .last_undo.guard.counter)" = TcpExt.TCPTimeWaitOverflow ] ||
	fail "status: the counter is not named: $(jget "$WORK/s1" .last_undo.guard)"
after=$(jget "$WORK/s1" .last_undo.guard.after_seconds)
last=$(jget "$WORK/s1" '.last_undo.guard.samples_per_second[-1]')
thr=$(jget "$WORK/s1" .last_undo.guard.threshold_per_second)
# Two samples of one second each, and the readings' own time: 3.5 s.
awk -v a="$after" 'BEGIN { exit !(a > 0 && a <= 3.5) }' ||
	fail "undone $after s after the apply: more than two samples"
awk -v s="$last" -v t="$thr" 'BEGIN { exit !(s > t && s >= 50) }' ||
	fail "the figures do not show the rise: last sample $last/s, threshold $thr/s"
# The same for a fleet's alerts: status --format prometheus names the
# guard, the counter, its last rate and threshold; promtool finds nothing
# to complain of.
$T status --format prometheus >"$WORK/s1.prom" || fail "status --format prometheus: exit $?"
sample() { sed -n "s/^$1{counter=\"TcpExt.TCPTimeWaitOverflow\"} //p" "$WORK/s1.prom"; }
grep -q '^tcptune_apply_journal 0$' "$WORK/s1.prom" &&
	grep -Eq '^tcptune_apply_last_undo_timestamp_seconds\{reason="guard"\} [0-9]{10}$' "$WORK/s1.prom" &&
	awk -v a="$(sample tcptune_apply_last_undo_rate_per_second)" -v b="$last" \
	    -v c="$(sample tcptune_apply_last_undo_threshold_per_second)" -v d="$thr" \
	    'BEGIN { exit !(a != "" && a == b + 0 && c != "" && c == d + 0) }' ||
	fail "status --format prometheus does not say the guard undid it ($last/s over $thr/s): $(cat "$WORK/s1.prom")"
if [ -n "${PROMTOOL:-}" ]; then
	promtool_ok "$WORK/s1.prom" || fail "promtool on status: $(cat "$WORK/s1.prom.lint")"
fi
# Both documents as their schemas say (a guard object where one is named).
for d in apply:j1 status:s1; do
	python3 -c 'import json, sys, jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
	    "$TESTS_DIR/../docs/schema/${d%%:*}.schema.json" "$WORK/${d#*:}" ||
		fail "the ${d%%:*} JSON with a guard does not match its schema"
done
$T status >"$WORK/s1.txt"
grep -q "undone .* after the apply: TcpExt.TCPTimeWaitOverflow rose from" "$WORK/s1.txt" ||
	fail "status text does not say why: $(cat "$WORK/s1.txt")"
ok "worse: undone after $after s, TcpExt.TCPTimeWaitOverflow $last/s over $thr/s, every key back; status says so in text, JSON and Prometheus's format"

# --- 2. harmless under the same load: kept, and confirmed by itself.
$T apply --guard --guard-window 4 --confirm-if-healthy --wait "$WORK/fine.ini" >"$WORK/o2" 2>&1
rc=$?
[ $rc = 0 ] || fail "a harmless apply under --guard: exit $rc: $(cat "$WORK/o2")"
expect_val net.ipv4.tcp_fin_timeout 31 "harmless, kept"
grep -q "guard: healthy for 4 s" "$WORK/o2" || fail "apply does not say healthy: $(cat "$WORK/o2")"
$T status --format json >"$WORK/s2"
[ "$(jget "$WORK/s2" .confirm)" = none ] && [ "$(jget "$WORK/s2" .guard.outcome)" = healthy ] ||
	fail "status: not confirmed healthy: $(cat "$WORK/s2")"
$T status --format prometheus >"$WORK/s2.prom" || fail "status --format prometheus: exit $?"
grep -q '^tcptune_apply_guard_outcome{outcome="healthy"} 1$' "$WORK/s2.prom" &&
	grep -q '^tcptune_apply_confirm_pending 0$' "$WORK/s2.prom" &&
	grep -q '^tcptune_apply_live_matches 1$' "$WORK/s2.prom" ||
	fail "status --format prometheus does not say healthy: $(cat "$WORK/s2.prom")"
if [ -n "${PROMTOOL:-}" ]; then
	promtool_ok "$WORK/s2.prom" || fail "promtool on status: $(cat "$WORK/s2.prom.lint")"
fi
$T rollback >/dev/null || fail "rollback after the harmless apply: exit $?"
ok "harmless: kept and confirmed by itself; status in Prometheus's format says so${PROMTOOL:+ (promtool: nothing to complain of)}"

# --- 3. noise: TIME_WAIT overflowing already (buckets at 100) at a rate
# that changes every second by up to 30 % either way; the profile changes
# nothing that matters.  The baseline's noise is not harm.
for p in $pids; do kill "$p" 2>/dev/null; done
for p in $pids; do wait "$p" 2>/dev/null; done
pids=
echo 100 >/proc/sys/net/ipv4/tcp_max_tw_buckets
churn_bg 6001 200 30 -v 30
sleep 1
$T apply --guard --guard-window 8 --confirm-if-healthy --wait "$WORK/fine.ini" >"$WORK/o3" 2>&1
rc=$?
[ $rc = 0 ] || fail "noise +-30 % undid a harmless apply: exit $rc: $(cat "$WORK/o3")"
grep -q "TcpExt.TCPTimeWaitOverflow" "$WORK/o3" || fail "the overflow counter is not watched: $(cat "$WORK/o3")"
$T rollback >/dev/null || fail "rollback after the noise: exit $?"
echo "$(echo "$orig" | sed -n 's/^net.ipv4.tcp_max_tw_buckets=//p')" >/proc/sys/net/ipv4/tcp_max_tw_buckets
ok "noise of +-30 % in the baseline: no undo"

# --- 4. what no counter shows: a narrower port range makes connect()
# fail with EADDRNOTAVAIL, which no kernel counter counts.  Where tcptune
# trace runs, the guard counts those failures and undoes the apply; where
# it cannot, the guard says it cannot see them rather than call the host
# healthy on that score.
printf '[profile]\n[sysctl]\nnet.ipv4.ip_local_port_range = 40000 40099\n[guard]\nbaseline = 2\n' >"$WORK/narrow.ini"
churn_bg 6002 200 40
if "$TCPTUNE" trace --duration 1 >/dev/null 2>&1; then
	$T apply --guard --guard-window 10 --wait --format json "$WORK/narrow.ini" >"$WORK/j4" 2>"$WORK/e4"
	rc=$?
	[ $rc = 3 ] || fail "a port range too narrow for the client, traced: exit $rc, expected 3: $(cat "$WORK/e4")"
	[ "$(jget "$WORK/j4" .guard_verdict.counter)" = trace.ConnectFailures ] ||
		fail "the traced connect() failures are not named: $(jget "$WORK/j4" .guard_verdict)"
	[ "$(snap)" = "$orig" ] || fail "undone for connect() failures, yet the keys are not back: $(snap)"
	ok "connect() failures for want of a port, traced: undone after $(jget "$WORK/j4" .guard_verdict.after_seconds) s at $(jget "$WORK/j4" '.guard_verdict.samples_per_second[-1]')/s"
else
	$T apply --guard --guard-window 3 --confirm-if-healthy --wait "$WORK/narrow.ini" >"$WORK/o4" 2>&1
	grep -q "EADDRNOTAVAIL.*cannot see them" "$WORK/o4" ||
		fail "the guard does not say what the counters cannot see: $(cat "$WORK/o4")"
	$T rollback >/dev/null || fail "rollback after the narrow range: exit $?"
	[ "$(snap)" = "$orig" ] || fail "rollback after the narrow range: $(snap)"
	ok "connect() failures for want of a port, untraced: said to be out of the guard's sight"
fi

# --- 5. the watchdog killed during the window: rollback restores.
$T apply --guard --guard-window 30 "$WORK/fine.ini" >/dev/null 2>&1 || fail "apply --guard: exit $?"
t=$(pgrep -f -- "--state-dir $STATE apply --guard")
[ -n "$t" ] || fail "no watchdog left running"
kill -9 $t
$T rollback >/dev/null || fail "rollback after the watchdog was killed: exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback after the watchdog was killed: $(snap)"
ok "watchdog killed during the window: rollback restores every original"

# --- 6. a bad [guard] section: refused with file, line and key; nothing
# written.
printf '[profile]\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 33\n[guard]\nTcpExt.ListenDrops = lots\n' >"$WORK/bad.ini"
$T apply --guard "$WORK/bad.ini" >/dev/null 2>"$WORK/e6"
rc=$?
[ $rc = 65 ] || fail "a bad [guard] value: exit $rc, expected 65"
grep -q "bad.ini:5: TcpExt.ListenDrops: bad value" "$WORK/e6" || fail "no file, line and key: $(cat "$WORK/e6")"
[ "$(snap)" = "$orig" ] || fail "a bad [guard] section wrote keys: $(snap)"
ok "bad [guard]: refused with file, line and key, nothing written"
