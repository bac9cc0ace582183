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
