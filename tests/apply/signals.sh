#!/bin/sh
# Signals and dead outputs between two key writes: the transaction
# finishes first.  SIGPIPE is ignored, every other catchable signal is held
# until the keys and the journal agree; an output that fails afterwards is
# reported and does not change what the exit code says about the kernel.
. "$(dirname "$0")/lib.sh"
ns_enter
setup_work

orig=$(snap)
web=$PROFILES/web-server.ini

# signal_apply SIG: kills an apply with SIG after its second write.
signal_apply() {
	TCPTUNE_TEST_WRITE_DELAY_MS=300 $T apply "$web" >$WORK/out 2>$WORK/err &
	pid=$!
	i=0
	while [ "$(val net.ipv4.tcp_keepalive_intvl)" = "$(echo "$orig" |
	    sed -n 's/^net.ipv4.tcp_keepalive_intvl=//p')" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -$1 $pid
	wait $pid
	rc=$?
}

for sig in PIPE USR1 USR2 ALRM TERM VTALRM; do
	signal_apply $sig
	expect_profile "$web" "SIG$sig between two writes"
	grep -q '^state applied' $STATE/journal || fail "SIG$sig: the journal is not finished"
	[ $rc = 0 ] || [ $sig != PIPE ] || fail "SIGPIPE: exit $rc, expected 0"
	$T rollback >/dev/null 2>&1 || fail "rollback after SIG$sig: exit $?"
	[ "$(snap)" = "$orig" ] || fail "rollback after SIG$sig: $(snap)"
	ok "SIG$sig between two writes: the apply finished (exit $rc), rollback restores"
done

# Standard output and error a pipe nobody reads any more (a dropped SSH
# connection): the apply finishes and its exit code still says so.
(sleep 0.3; TCPTUNE_TEST_WRITE_DELAY_MS=100 $T apply "$web" 2>&1; echo $? >$WORK/rc) | true
[ "$(cat $WORK/rc)" = 0 ] || fail "apply into a closed pipe: exit $(cat $WORK/rc)"
expect_profile "$web" "apply into a closed pipe"
(sleep 0.3; TCPTUNE_TEST_WRITE_DELAY_MS=100 $T rollback 2>&1; echo $? >$WORK/rc) | true
[ "$(cat $WORK/rc)" = 0 ] || fail "rollback into a closed pipe: exit $(cat $WORK/rc)"
[ "$(snap)" = "$orig" ] || fail "rollback into a closed pipe: $(snap)"
ok "closed pipe: apply and rollback finish, exit 0"

# A full standard output: the rollback is complete, so its exit code is 0;
# the lost output is reported on standard error.
$T apply "$web" >/dev/null || fail "apply: exit $?"
$T rollback >/dev/full 2>$WORK/err
rc=$?
[ $rc = 0 ] || fail "rollback into /dev/full: exit $rc, expected 0"
[ "$(snap)" = "$orig" ] || fail "rollback into /dev/full: $(snap)"
grep -q 'standard output' $WORK/err || fail "the lost output is not reported: $(cat $WORK/err)"
ok "/dev/full: rollback exits 0 and reports the lost output"

# Closed descriptors 0, 1 and 2: they are opened on /dev/null first, so
# neither the journal nor the timer's pipe lands on them.
$T apply --confirm 30 "$web" <&- >&- 2>&-
rc=$?
[ $rc = 0 ] || fail "apply --confirm with fds 0-2 closed: exit $rc"
expect_profile "$web" "apply --confirm with fds 0-2 closed"
grep -q '^confirm ' $STATE/journal || fail "no pending confirmation"
$T rollback >/dev/null || fail "rollback: exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback: $(snap)"
ok "closed fds 0-2: apply --confirm starts its timer"

# The matrix: at each key's write, SIGKILL (the apply dies there: status
# says interrupted, rollback restores every original) and SIGTERM (held
# until the apply is complete, then taken).  strace delivers the signal as that key's write()
# begins.
if command -v strace >/dev/null; then
	keys=$($T plan --format json "$web" | jq -r '.plan[] | select(.action == "write") | .key')
	[ -n "$keys" ] || fail "the plan writes nothing here"
	n=0
	for key in $keys; do
		path=/proc/sys/$(echo "$key" | tr . /)
		for sig in KILL TERM; do
			ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null -P "$path" -e trace=write \
			    -e inject=write:signal=$sig $T apply "$web" >$WORK/out 2>&1
			rc=$?
			if [ $sig = KILL ]; then
				[ $rc = 137 ] || fail "SIGKILL at $key: exit $rc, expected 137 (killed)"
				grep -q '^state applying' $STATE/journal || fail "SIGKILL at $key: the journal does not say applying"
				$T status >/dev/null 2>&1
				[ $? = 1 ] || fail "SIGKILL at $key: status does not warn"
			else
				# Held until the keys and the journal agree, then
				# taken: killed (143) after a complete apply.
				[ $rc = 0 ] || [ $rc = 143 ] || fail "SIGTERM at $key: exit $rc: $(cat $WORK/out)"
				grep -q '^state applied' $STATE/journal || fail "SIGTERM at $key: the journal is not finished"
				expect_profile "$web" "SIGTERM at $key"
			fi
			$T rollback >/dev/null 2>&1 || fail "rollback after SIG$sig at $key: exit $?"
			[ "$(snap)" = "$orig" ] || fail "rollback after SIG$sig at $key: $(snap)"
			n=$((n + 1))
		done
	done
	ok "SIGKILL and SIGTERM at each of the $(echo $keys | wc -w) keys' writes ($n runs): rollback restores every original"
fi
