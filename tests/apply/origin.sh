#!/bin/sh
# A journal describes one kernel: the proc root, network namespace and
# boot it was written for.  rollback and confirm refuse one from
# elsewhere (exit 65), so a fixture's or another namespace's "originals"
# never reach this kernel; apply refuses one from another proc root or
# namespace, and over one from an earlier boot starts a new journal,
# keeping the old one aside.
. "$(dirname "$0")/lib.sh"
ns_enter
setup_work

orig=$(snap)
web=$PROFILES/web-server.ini
cat >$WORK/fix.ini <<'INI'
[profile]
nat = no
[sysctl]
net.core.somaxconn = 1024
net.ipv4.tcp_keepalive_time = 900
INI

# 1. A fixture proc root, then the live one, on the same state directory.
cp -R "$FIXTURES/proc-6.18" $WORK/proc
chmod -R u+w $WORK/proc
fix="--proc-root $WORK/proc"
echo 17 >$WORK/proc/sys/net/core/somaxconn
echo 11 >$WORK/proc/sys/net/ipv4/tcp_keepalive_time
$T $fix apply $WORK/fix.ini >/dev/null 2>&1 || fail "apply to the fixture: exit $?"
grep -q "^root $WORK/proc\$" $STATE/journal || fail "the journal does not record the proc root"
$T apply "$web" >/dev/null 2>$WORK/err
rc=$?
[ $rc = 65 ] || fail "live apply over a fixture's journal: exit $rc, expected 65"
grep -q "proc root" $WORK/err || fail "no message naming the proc root: $(cat $WORK/err)"
$T rollback >/dev/null 2>$WORK/err
rc=$?
[ $rc = 65 ] || fail "live rollback of a fixture's journal: exit $rc, expected 65"
[ "$(snap)" = "$orig" ] || fail "the fixture's values reached the kernel: $(snap)"
$T status >$WORK/out 2>&1
rc=$?
[ $rc = 1 ] || fail "status of a fixture's journal: exit $rc, expected 1"
grep -q "another proc root" $WORK/out || fail "status does not explain: $(cat $WORK/out)"
$T $fix rollback >/dev/null || fail "rollback of the fixture: exit $?"
[ "$(cat $WORK/proc/sys/net/core/somaxconn)" = 17 ] || fail "fixture not rolled back"
ok "a fixture's journal: live apply and rollback refuse (65), status explains"

# 2. Another network namespace.
$T apply "$web" >/dev/null || fail "apply: exit $?"
grep -q '^netns [0-9]* [0-9]* [1-9][0-9]*$' $STATE/journal ||
	fail "the journal does not record the namespace with its cookie"
unshare -n $T rollback >/dev/null 2>$WORK/err
rc=$?
[ $rc = 65 ] || fail "rollback from another namespace: exit $rc, expected 65"
grep -q "network namespace" $WORK/err || fail "no message naming the namespace: $(cat $WORK/err)"
unshare -n $T confirm >/dev/null 2>&1
rc=$?
[ $rc = 65 ] || fail "confirm from another namespace: exit $rc, expected 65"
unshare -n $T apply "$web" >/dev/null 2>&1
rc=$?
[ $rc = 65 ] || fail "apply from another namespace: exit $rc, expected 65"
expect_profile "$web" "after the refusals"
$T rollback >/dev/null || fail "rollback: exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback: $(snap)"
ok "another namespace: apply, rollback and confirm refuse (65)"

# 3. Another boot, on a copied proc root whose boot id and boot time
# change.
mkdir -p $WORK/proc/sys/kernel/random
echo 11111111-2222-3333-4444-555555555555 >$WORK/proc/sys/kernel/random/boot_id
printf 'cpu  1 2 3 4\nbtime 1795400000\nprocesses 9\n' >$WORK/proc/stat
$T $fix apply $WORK/fix.ini >/dev/null || fail "apply to the fixture: exit $?"
grep -q '^boot 11111111-2222-3333-4444-555555555555 1795400000$' $STATE/journal ||
	fail "no boot id and time in the journal: $(grep ^boot $STATE/journal)"
# Another id with the same boot time is the same boot seen through a
# container's own boot id.
echo 22222222-2222-3333-4444-555555555555 >$WORK/proc/sys/kernel/random/boot_id
$T $fix status >$WORK/out 2>&1 || fail "status with a container's boot id, same boot time: exit $?: $(cat $WORK/out)"
# The reboot: a new boot id, a new boot time, and the keys back at their
# defaults.
echo 66666666-2222-3333-4444-555555555555 >$WORK/proc/sys/kernel/random/boot_id
printf 'cpu  1 2 3 4\nbtime 1795409999\nprocesses 9\n' >$WORK/proc/stat
echo 17 >$WORK/proc/sys/net/core/somaxconn
echo 11 >$WORK/proc/sys/net/ipv4/tcp_keepalive_time
$T $fix rollback >/dev/null 2>$WORK/err
rc=$?
[ $rc = 65 ] || fail "rollback after a reboot: exit $rc, expected 65"
grep -q "boot" $WORK/err || fail "no message naming the boot: $(cat $WORK/err)"
$T $fix status >$WORK/out 2>&1
[ $? = 1 ] || fail "status after a reboot: exit 0"
grep -q "earlier boot" $WORK/out || fail "status does not explain the reboot: $(cat $WORK/out)"
$T $fix apply $WORK/fix.ini >/dev/null 2>$WORK/err || fail "apply after a reboot: exit $?"
grep -q "set aside" $WORK/err || fail "apply does not say the old journal was set aside: $(cat $WORK/err)"
ls $STATE | grep -q '^journal\.boot-11111111' || fail "the old journal is not kept: $(ls $STATE)"
grep -q '^boot 66666666' $STATE/journal || fail "the new journal is not this boot's"
ok "another boot: rollback refuses (65), apply starts a new journal and keeps the old"
