#!/bin/sh
# A full or read-only state directory.  apply reserves the journal's room
# before its first write, so no later store can fail for space: without
# the room nothing is written (exit 73).  rollback restores the keys even
# when the journal cannot be updated, and says how to finish (exit 73).
. "$(dirname "$0")/lib.sh"
ns_enter -m
setup_work
mount --make-rprivate / 2>/dev/null

orig=$(snap)
web=$PROFILES/web-server.ini
mkdir $WORK/fs
mount -t tmpfs -o size=64k,mode=0700 tcptune-test $WORK/fs || skip "cannot mount a tmpfs"
trap 'umount $WORK/fs; rm -rf "$WORK"' EXIT
STATE=$WORK/fs/state
T="$TCPTUNE --state-dir $STATE"
mkdir -m 0700 $STATE

fill() { dd if=/dev/zero of=$WORK/fs/$1 bs=4096 2>/dev/null; }

# 1. One page left: room for the first journal, not for the reserve.
fill fill
truncate -s -4096 $WORK/fs/fill
$T apply "$web" >$WORK/out 2>$WORK/err
rc=$?
[ $rc = 73 ] || fail "apply on a full state directory: exit $rc, expected 73"
[ "$(snap)" = "$orig" ] || fail "apply on a full state directory wrote: $(snap)"
grep -q 'nothing was written' $WORK/err || fail "no message: $(cat $WORK/err)"
ok "no room for the journal: nothing written, exit 73"

# 2. Room for the reserve, and the rest filled while the apply writes.
rm -f $WORK/fs/fill
fill fill
truncate -s -32768 $WORK/fs/fill
TCPTUNE_TEST_WRITE_DELAY_MS=300 $T apply "$web" >$WORK/out 2>$WORK/err &
pid=$!
i=0
while [ "$(val net.ipv4.tcp_keepalive_time)" != 600 ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
fill fill2
wait $pid
rc=$?
[ $rc = 0 ] || fail "apply filled meanwhile: exit $rc: $(cat $WORK/err)"
expect_profile "$web" "apply filled meanwhile"
grep -q '^state applied' $STATE/journal || fail "the journal is not finished"
$T rollback >$WORK/out 2>$WORK/err
rc=$?
[ $rc = 0 ] || [ $rc = 73 ] || fail "rollback on a full state directory: exit $rc: $(cat $WORK/err)"
[ "$(snap)" = "$orig" ] || fail "rollback on a full state directory: $(snap)"
rm -f $WORK/fs/fill $WORK/fs/fill2
$T rollback >/dev/null || fail "rollback again: exit $?"
[ ! -e $STATE/journal ] || fail "the journal is still there"
ok "full during the apply: it finishes (exit 0), rollback restores"

# 3. A read-only state directory: apply writes nothing, rollback restores
# the keys and says the journal still has to be cleared.
$T apply "$web" >/dev/null || fail "apply: exit $?"
mount -o remount,ro $WORK/fs || skip "cannot remount read-only"
$T apply $PROFILES/proxy-client.ini >/dev/null 2>$WORK/err
rc=$?
[ $rc = 73 ] || fail "apply on a read-only state directory: exit $rc, expected 73"
grep -q 'read-only' $WORK/err || fail "the message does not say read-only: $(cat $WORK/err)"
expect_profile "$web" "apply on a read-only state directory"
$T rollback >$WORK/out 2>$WORK/err
rc=$?
[ $rc = 73 ] || fail "rollback on a read-only state directory: exit $rc, expected 73"
[ "$(snap)" = "$orig" ] || fail "rollback on a read-only state directory: $(snap)"
grep -q 'run `tcptune rollback` again' $WORK/err || fail "no command to finish: $(cat $WORK/err)"
mount -o remount,rw $WORK/fs
$T rollback >/dev/null || fail "rollback once writable: exit $?"
[ ! -e $STATE/journal ] || fail "the journal is still there"
ok "read-only: apply writes nothing (73), rollback restores the keys (73) and says how to finish"
