#!/bin/sh
# apply --confirm: undone by itself after the deadline, even when the
# session that ran it hangs up and exits; kept with `tcptune confirm`.
. "$(dirname "$0")/lib.sh"
ns_enter
setup_work

orig=$(snap)
web=$PROFILES/web-server.ini
proxy=$PROFILES/proxy-client.ini

# wait_for SECONDS CONDITION...: polls until the condition holds.
wait_for() {
	limit=$(($1 * 10))
	shift
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -ge $limit ] && return 1
		sleep 0.1
	done
}
is_orig() { [ "$(snap)" = "$orig" ]; }
no_journal() { [ ! -e "$STATE/journal" ]; }

# 1. Run apply --confirm 6 from a shell in a session of its own, as a login
# would, then hang up on that session and kill its shell: the SSH
# connection dropped.  The values must come back by themselves.
setsid sh -c "$T apply --confirm 6 '$web' >'$WORK/out' 2>&1; echo \$? >'$WORK/rc'; exec sleep 60" &
wait_for 5 test -s $WORK/rc || fail "apply --confirm did not finish"
[ "$(cat $WORK/rc)" = 0 ] || fail "apply --confirm: exit $(cat $WORK/rc): $(cat $WORK/out)"
expect_profile "$web" "right after apply --confirm"
$T status --format json >$WORK/st.json
[ "$(jq -r .confirm $WORK/st.json)" = pending ] || fail "status does not show the pending confirmation"
sid=$(ps -o sid= -p $! | tr -d ' ')
[ -n "$sid" ] || fail "cannot find the session"
pkill -HUP -s "$sid"
pkill -KILL -s "$sid"
wait 2>/dev/null
[ -z "$(ps -o pid= -s "$sid")" ] || fail "the session's processes are still there"
wait_for 14 is_orig || fail "values did not come back after the deadline: $(snap)"
wait_for 3 no_journal || fail "the journal is still there after the undo"
# status says what was undone, when and why.
$T status --format json >$WORK/st.json
[ "$(jq -r .last_undo.reason $WORK/st.json)" = unconfirmed ] || fail "status: no undo, or not why: $(cat $WORK/st.json)"
[ "$(jq -r '.last_undo.keys[] | select(.key == "net.ipv4.tcp_fin_timeout") | .from + ">" + .to' $WORK/st.json)" = "30>60" ] ||
	fail "status: the undone fin_timeout: $(jq -c .last_undo.keys $WORK/st.json)"
[ "$(jq -r .last_undo.profile.path $WORK/st.json)" = "$(readlink -f "$web")" ] || fail "status: the undone profile"
$T status >$WORK/st.txt
grep -q 'last undo: .*was not confirmed by its deadline' $WORK/st.txt || fail "status text: no undo: $(cat $WORK/st.txt)"
grep -q 'net.ipv4.tcp_fin_timeout *30 -> 60' $WORK/st.txt || fail "status text: no key: $(cat $WORK/st.txt)"
ok "unconfirmed: values back by themselves after the session hung up; status tells"

# 2. Confirmed in time: the values stay.
$T apply --confirm 2 "$web" >/dev/null 2>&1 || fail "apply --confirm: exit $?"
$T confirm >/dev/null || fail "confirm: exit $?"
sleep 4
expect_profile "$web" "confirmed"
$T status --format json >$WORK/st.json || fail "status after confirm: exit $?"
[ "$(jq -r .confirm $WORK/st.json)" = none ] || fail "status still shows a confirmation"
$T confirm >/dev/null 2>&1 && fail "a second confirm succeeded with nothing pending"
ok "confirmed: values stay past the deadline"

# 3. An unconfirmed B over a confirmed A goes back to A, not further; a
# confirm after the deadline is refused.
$T apply --confirm 3 "$proxy" >/dev/null 2>&1 || fail "apply B --confirm: exit $?"
expect_profile "$proxy" "B"
sleep 5
$T confirm >/dev/null 2>&1
rc=$?
[ $rc = 1 ] || fail "confirm after the deadline: exit $rc, expected 1"
wait_for 5 profile_ok "$web"
expect_profile "$web" "after B was undone"
expect_val net.ipv4.tcp_tw_reuse 2 "after B was undone"
expect_val net.ipv4.ip_local_port_range "32768 60999" "after B was undone"
$T status >/dev/null || fail "status after the undo: exit $?"
$T rollback >/dev/null || fail "rollback: exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback after an undone B: $(snap)"
ok "unconfirmed B over A: back at A; rollback reaches the originals"

# The timers: tcptune processes in this test's network namespace.
# The tcptune processes of this network namespace: one pgrep, not a fork
# per process of the machine, which a busy machine made slower than the
# deadlines here.
timers() {
	pgrep --ns $$ --nslist net -x tcptune
}
no_timer() { [ -z "$(timers)" ]; }

# 4. A confirmed apply leaves no timer behind for long.
$T apply --confirm 30 "$web" >/dev/null 2>&1 || fail "apply --confirm 30: exit $?"
[ -n "$(timers)" ] || fail "no timer process after apply --confirm"
$T confirm >/dev/null || fail "confirm: exit $?"
wait_for 3 no_timer || fail "the timer outlived the confirmation"
$T rollback >/dev/null || fail "rollback: exit $?"
ok "the timer exits once the apply is confirmed"

# 5. The timer is gone (killed here; a reboot or logout would do it): status
# says the deadline passed, confirm refuses, rollback restores.
# The deadline leaves time to find the timer on a busy machine (the scan
# of /proc forks for every process).
$T apply --confirm 5 "$web" >/dev/null 2>&1 || fail "apply --confirm 5: exit $?"
t=$(timers)
[ -n "$t" ] || fail "no timer process"
kill -9 $t || fail "the timer was gone before the deadline"
sleep 6
expect_profile "$web" "with the timer gone"
$T status --format json >$WORK/st.json
rc=$?
[ $rc = 1 ] || fail "status with an expired confirmation: exit $rc, expected 1"
[ "$(jq -r .confirm $WORK/st.json)" = expired ] || fail "status does not say expired"
$T status | grep -q 'deadline passed' || fail "status text does not say the deadline passed"
$T confirm >/dev/null 2>&1 && fail "confirm after the deadline succeeded"
$T rollback >/dev/null || fail "rollback: exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback with an expired confirmation: $(snap)"
ok "a lost timer: status says the deadline passed, rollback restores"

# 7. The timer cannot be started (fork fails): the apply is undone at once,
# every key is back, and the exit code says so (74, not 70).
if command -v strace >/dev/null; then
	ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null -e trace=clone,clone3 -e inject=clone:error=EAGAIN -e inject=clone3:error=ENOSYS \
		$T apply --confirm 30 "$web" >$WORK/out 2>&1
	rc=$?
	[ $rc = 74 ] || fail "apply --confirm without a timer: exit $rc, expected 74: $(cat $WORK/out)"
	grep -q 'cannot start the confirmation timer' $WORK/out || fail "no message: $(cat $WORK/out)"
	[ "$(snap)" = "$orig" ] || fail "apply --confirm without a timer left keys: $(snap)"
	[ -z "$(timers)" ] || fail "a timer runs after all"
	[ "$($T status --format json | jq -r .last_undo.reason)" = no_timer ] || fail "status: not why"
	$T apply "$web" >/dev/null || fail "apply after: exit $?"
	[ "$($T status --format json | jq -r .last_undo)" = null ] || fail "status: an undo older than the apply"
	$T rollback >/dev/null || fail "rollback: exit $?"
	ok "no timer: undone at once, exit 74"
fi
