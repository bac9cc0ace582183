#!/bin/sh
# A write fails mid-apply: every key written before it goes back.  The
# failures are real, not simulated: a read-only file mounted over a key
# (EROFS), and a value the kernel itself rejects (EINVAL).
. "$(dirname "$0")/lib.sh"
ns_enter -m
setup_work

# The mounts below stay in this test's private mount namespace.
mount --make-rprivate / 2>/dev/null

orig=$(snap)
web=$PROFILES/web-server.ini

# 1. tcp_fin_timeout is the fourth key web-server writes: make it read-only.
echo 60 >$WORK/ro
mount --bind $WORK/ro /proc/sys/net/ipv4/tcp_fin_timeout || skip "cannot bind-mount over /proc/sys"
mount -o remount,bind,ro /proc/sys/net/ipv4/tcp_fin_timeout || skip "cannot remount read-only"
(echo 30 >/proc/sys/net/ipv4/tcp_fin_timeout) 2>/dev/null && skip "the read-only mount does not refuse writes"

$T apply "$web" >$WORK/out 2>$WORK/err
rc=$?
[ $rc = 74 ] || fail "failed apply: exit $rc, expected 74"
grep -q 'apply failed at net.ipv4.tcp_fin_timeout' $WORK/err || fail "no message naming the key: $(cat $WORK/err)"
grep -q 'put back' $WORK/err || fail "the message does not say the keys were put back"
for k in net.ipv4.tcp_keepalive_time net.ipv4.tcp_keepalive_intvl net.ipv4.tcp_keepalive_probes; do
	grep -q "^  $k .*: restored" $WORK/out || fail "$k not reported restored"
done
umount /proc/sys/net/ipv4/tcp_fin_timeout
[ "$(snap)" = "$orig" ] || fail "not every key is back: $(snap)"
[ ! -e "$STATE/journal" ] || fail "a failed first apply left a journal"
ok "read-only key: exit 74, the three keys before it restored, no journal"

# 2. After a good apply A, apply B fails on a value the kernel rejects: a
# port range that starts below ip_unprivileged_port_start.  The host must
# be back at A, and rollback must still reach the values from before A.
$T apply "$web" >/dev/null || fail "apply A: exit $?"
after_a=$(snap)
echo 2000 >/proc/sys/net/ipv4/ip_unprivileged_port_start
cat >$WORK/b.ini <<'INI'
[profile]
nat = no
[sysctl]
net.ipv4.tcp_keepalive_time = 900
net.ipv4.tcp_fin_timeout = 20
net.ipv4.tcp_tw_reuse = 1
net.ipv4.ip_local_port_range = 1500 60001
net.core.somaxconn = 2048
INI
$T apply --format json $WORK/b.ini >$WORK/b.json 2>$WORK/err
rc=$?
[ $rc = 74 ] || fail "apply B: exit $rc, expected 74"
grep -q 'apply failed at net.ipv4.ip_local_port_range (Invalid argument)' $WORK/err ||
	fail "no message naming the rejected key: $(cat $WORK/err)"
[ "$(jq -r .result $WORK/b.json)" = failed-restored ] || fail "json result"
[ "$(jq -r .changed $WORK/b.json)" = false ] || fail "json says changed"
[ "$(jq -r '[.keys[] | select(.outcome == "restored")] | length' $WORK/b.json)" = 3 ] ||
	fail "json: expected 3 restored keys"
[ "$(jq -r '.keys[] | select(.key == "net.core.somaxconn") | .outcome' $WORK/b.json)" = not-reached ] ||
	fail "json: somaxconn should not have been reached"
[ "$(snap)" = "$after_a" ] || fail "the host is not back at A: $(snap)"
$T status >/dev/null || fail "status after a failed B: exit $? (journal should be A's)"
$T rollback >/dev/null || fail "rollback: exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback after failed B: $(snap)"
ok "kernel-rejected value: exit 74, back at A, rollback reaches the originals"

# 3. The restore itself fails: after the first key is written, both it and
# the next key become read-only.  The apply must say loudly which key is
# wrong, what it holds and how to fix it, exit 70, and keep the journal so
# that rollback finishes the job once the key can be written again.
cat >$WORK/c.ini <<'INI'
[profile]
nat = no
[sysctl]
net.ipv4.tcp_keepalive_time = 900
net.ipv4.tcp_fin_timeout = 20
INI
TCPTUNE_TEST_WRITE_DELAY_MS=1500 $T apply $WORK/c.ini >$WORK/out 2>$WORK/err &
pid=$!
i=0
while [ "$(val net.ipv4.tcp_keepalive_time)" != 900 ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
expect_val net.ipv4.tcp_keepalive_time 900 "the first write"
echo 900 >$WORK/ro1
echo 60 >$WORK/ro2
for k in tcp_keepalive_time:ro1 tcp_fin_timeout:ro2; do
	mount --bind $WORK/${k#*:} /proc/sys/net/ipv4/${k%:*} &&
	    mount -o remount,bind,ro /proc/sys/net/ipv4/${k%:*} || fail "mount over ${k%:*}"
done
wait $pid
rc=$?
[ $rc = 70 ] || fail "failed restore: exit $rc, expected 70"
grep -q 'COULD NOT BE PUT BACK' $WORK/err || fail "no loud message: $(cat $WORK/err)"
grep -q 'net.ipv4.tcp_keepalive_time is 900 and should be 7200' $WORK/err ||
	fail "the message does not give the wrong and the right value: $(cat $WORK/err)"
grep -q "printf '%s\\\\n' '7200' > /proc/sys/net/ipv4/tcp_keepalive_time" $WORK/err ||
	fail "the message does not say how to fix it by hand: $(cat $WORK/err)"
grep -q 'tcptune rollback' $WORK/err || fail "the message does not point to rollback"
umount /proc/sys/net/ipv4/tcp_keepalive_time /proc/sys/net/ipv4/tcp_fin_timeout
expect_val net.ipv4.tcp_keepalive_time 900 "the key that could not be restored"
grep -q '^state applying' $STATE/journal || fail "the journal was not kept"
$T status >/dev/null && fail "status does not flag the half-done apply"
$T rollback >/dev/null || fail "rollback after a failed restore: exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback after a failed restore: $(snap)"
ok "a failed restore: exit 70, loud, with the fix; rollback finishes it"
