#!/bin/sh
# Bad input to the applier: a profile path the journal cannot record, a
# hand-edited or hard-linked journal, a missing state directory.  Each a
# clear message, a documented exit code, and no key written.
. "$(dirname "$0")/lib.sh"
ns_enter
setup_work

orig=$(snap)
web=$PROFILES/web-server.ini

# 1. Profile paths with a newline, a tab, a carriage return.
for c in '\n' '\t' '\r'; do
	p=$WORK/$(printf "a${c}b").ini
	cp "$web" "$p"
	$T apply "$p" >/dev/null 2>$WORK/err
	rc=$?
	[ $rc = 65 ] || fail "profile path with $c: exit $rc, expected 65"
	grep -q 'nothing was written' $WORK/err || fail "profile path with $c: no message"
	[ "$(snap)" = "$orig" ] || fail "profile path with $c: keys written"
	rm -f "$p"
done
ok "profile paths with control characters: exit 65, a message, nothing written"

# 2. A hand-edited journal with a value outside the kernel's bounds: refused
# whole (exit 65) before any key is restored.
$T apply "$web" >/dev/null || fail "apply: exit $?"
cp $STATE/journal $WORK/good
sed 's/^\(key\tnet.core.somaxconn\t\)[0-9]*/\199999999999/' $WORK/good >$STATE/journal
$T rollback >/dev/null 2>$WORK/err
rc=$?
[ $rc = 65 ] || fail "out-of-bounds journal: exit $rc, expected 65"
grep -q 'outside what the kernel accepts' $WORK/err || fail "no reason given: $(cat $WORK/err)"
expect_profile "$web" "rollback of an out-of-bounds journal"
ok "a value outside the kernel's bounds: the journal is refused, nothing restored"

# 3. A hard-linked journal (someone else could keep and change it).
cp $WORK/good $STATE/journal
ln $STATE/journal $WORK/link
$T rollback >/dev/null 2>$WORK/err
rc=$?
[ $rc = 77 ] || fail "hard-linked journal: exit $rc, expected 77"
grep -q 'single link' $WORK/err || fail "no reason given: $(cat $WORK/err)"
expect_profile "$web" "rollback of a hard-linked journal"
rm -f $WORK/link
$T rollback >/dev/null || fail "rollback: exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback: $(snap)"
ok "a hard-linked journal: refused (77), nothing restored"

# 4. status without a state directory: nothing applied, no error.
$TCPTUNE --state-dir $WORK/none status >$WORK/out 2>$WORK/err
rc=$?
[ $rc = 0 ] || fail "status without a state directory: exit $rc"
[ ! -s $WORK/err ] || fail "status without a state directory complains: $(cat $WORK/err)"
ok "status without a state directory: exit 0, no error"

# 5. A state directory whose parents do not exist yet (a fresh prefix):
# created, parents 0755 and the directory 0700, all root's.
$TCPTUNE --state-dir $WORK/new/lib/tcptune apply "$web" >/dev/null 2>$WORK/err ||
	fail "apply with missing parents: exit $?: $(cat $WORK/err)"
[ "$(stat -c %a:%u $WORK/new/lib/tcptune)" = 700:0 ] || fail "state directory: $(stat -c %a:%u $WORK/new/lib/tcptune)"
for d in $WORK/new $WORK/new/lib; do
	[ "$(( 0$(stat -c %a $d) & 022 ))" = 0 ] || fail "$d is writable by others"
done
$TCPTUNE --state-dir $WORK/new/lib/tcptune rollback >/dev/null || fail "rollback: exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback: $(snap)"
ok "missing parents of the state directory: created, not writable by others"
