#!/bin/sh
# Two applies at once never interleave: the second waits for the first,
# or gives up with a clear message having written nothing.
. "$(dirname "$0")/lib.sh"
ns_enter
setup_work

orig=$(snap)
web=$PROFILES/web-server.ini
proxy=$PROFILES/proxy-client.ini

# Samples two keys while the applies run: web-server writes somaxconn
# last, proxy-client writes tcp_keepalive_time first.  Had proxy-client
# started writing before web-server finished, some sample would show its
# keepalive (300) next to the old somaxconn (4096).
sample() {
	while [ -d $WORK ] && [ ! -e $WORK/stop ]; do
		echo "$(val net.ipv4.tcp_keepalive_time) $(val net.core.somaxconn)"
		sleep 0.02
	done >$WORK/samples
}

# 1. B starts while A is writing; A finishes within B's wait.
sample &
sampler=$!
TCPTUNE_TEST_WRITE_DELAY_MS=300 $T apply "$web" >$WORK/a.out 2>&1 &
a=$!
sleep 0.5
TCPTUNE_TEST_WRITE_DELAY_MS=300 $T apply "$proxy" >$WORK/b.out 2>&1 &
b=$!
wait $a || fail "apply A: exit $?: $(cat $WORK/a.out)"
wait $b || fail "apply B: exit $?: $(cat $WORK/b.out)"
touch $WORK/stop
wait $sampler
grep -q '^300 4096$' $WORK/samples && fail "B wrote while A was still writing"
grep -q '^600 ' $WORK/samples || fail "the sampler never saw A's values"
expect_profile "$proxy" "after A then B"
expect_val net.core.somaxconn 8192 "after A then B"
expect_val net.ipv4.tcp_orphan_retries 3 "after A then B"
$T rollback >/dev/null || fail "rollback: exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback after two concurrent applies: $(snap)"
ok "a second apply waits for the first; rollback finds every original"

# 2. A takes longer than B is willing to wait: B gives up, writes nothing.
TCPTUNE_TEST_WRITE_DELAY_MS=1000 $T apply "$web" >$WORK/a.out 2>&1 &
a=$!
sleep 0.3
$T apply "$proxy" >$WORK/b.out 2>&1
rc=$?
[ $rc = 75 ] || fail "apply B while A holds the lock: exit $rc, expected 75"
grep -q 'another tcptune apply or rollback is still running' $WORK/b.out ||
	fail "no clear message: $(cat $WORK/b.out)"
wait $a || fail "apply A: exit $?"
expect_profile "$web" "after A"
expect_val net.ipv4.tcp_tw_reuse 2 "B must not have written"
expect_val net.ipv4.ip_local_port_range "32768 60999" "B must not have written"
$T rollback >/dev/null || fail "rollback: exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback: $(snap)"
ok "a second apply that cannot wait long enough fails with exit 75, writing nothing"
