#!/bin/sh
# The confirmation timer dies while it undoes an apply: the journal says
# `rolling-back` before the first key goes back, so rollback recognises
# the keys the timer already restored and finishes the job.  SIGTERM is
# held off until the undo is done.
. "$(dirname "$0")/lib.sh"
ns_enter
setup_work

orig=$(snap)
web=$PROFILES/web-server.ini
proxy=$PROFILES/proxy-client.ini

# The timer: the apply --confirm process left running on this state dir.
timers() { pgrep -f -- "--state-dir $STATE apply --confirm"; }

# undo_killed SIG: apply A, apply B --confirm 1 with slow restores, and
# SIG to the timer once it has put tcp_keepalive_probes back to A's value
# but not yet tcp_keepalive_time.
undo_killed() {
	$T apply "$web" >/dev/null || fail "apply A: exit $?"
	after_a=$(snap)
	TCPTUNE_TEST_WRITE_DELAY_MS=700 $T apply --confirm 1 "$proxy" >/dev/null 2>&1 ||
		fail "apply B --confirm: exit $?"
	t=$(timers)
	[ -n "$t" ] || fail "no timer"
	i=0
	while [ "$(val net.ipv4.tcp_keepalive_probes)" != 6 ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	expect_val net.ipv4.tcp_keepalive_time 300 "$1 before the timer restored it"
	kill -$1 $t
}

undo_killed KILL
grep -q '^state rolling-back' $STATE/journal || fail "the journal does not say rolling-back"
$T status >/dev/null && fail "status does not flag the interrupted undo"
$T confirm >/dev/null 2>&1 && fail "confirm accepted an apply being undone"
$T rollback >$WORK/out 2>&1
rc=$?
[ $rc = 0 ] || fail "rollback after the timer was killed: exit $rc: $(cat $WORK/out)"
[ "$(snap)" = "$orig" ] || fail "rollback after the timer was killed: $(snap)"
ok "timer killed mid-undo: rolling-back recorded, rollback restores every original"

undo_killed TERM
i=0
while [ -n "$(timers)" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ "$(snap)" = "$after_a" ] || fail "SIGTERM to the timer: not back at A: $(snap)"
$T status >/dev/null || fail "status after the undo: exit $?"
$T rollback >/dev/null || fail "rollback: exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback: $(snap)"
ok "SIGTERM to the timer mid-undo: the undo finishes first"

# The matrix: apply A, then B --confirm 2, and the timer, traced once it
# runs, killed as it begins putting back each key of B in turn.  Then
# rollback restores every original from wherever the undo stopped.
if command -v strace >/dev/null; then
	$T apply "$web" >/dev/null || fail "apply A: exit $?"
	keys=$($T plan --format json "$proxy" | jq -r '.plan[] | select(.action == "write") | .key')
	$T rollback >/dev/null || fail "rollback: exit $?"
	n=0
	for key in $keys; do
		path=/proc/sys/$(echo "$key" | tr . /)
		$T apply "$web" >/dev/null || fail "apply A: exit $?"
		$T apply --confirm 2 "$proxy" >/dev/null 2>&1 || fail "apply B --confirm: exit $?"
		t=$(timers)
		[ -n "$t" ] || fail "no timer for $key"
		strace -o /dev/null -p "$t" -P "$path" -e trace=write -e inject=write:signal=KILL 2>/dev/null
		[ -z "$(timers)" ] || fail "timer killed at $key: still running"
		grep -q '^state rolling-back' $STATE/journal && n=$((n + 1))
		$T status >/dev/null 2>&1 && fail "timer killed at $key: status does not flag it"
		$T rollback >$WORK/out 2>&1 || fail "rollback after the timer was killed at $key: exit $?: $(cat $WORK/out)"
		[ "$(snap)" = "$orig" ] || fail "rollback after the timer was killed at $key: $(snap)"
	done
	[ $n = "$(echo $keys | wc -w)" ] || fail "the timer was caught mid-undo $n times, not at each key"
	ok "timer killed at each of the $n keys of its undo: rollback restores every original"
fi
