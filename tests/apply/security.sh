#!/bin/sh
# The state directory and journal must be safe to trust, and an
# unprivileged user gets exit 77 having changed nothing.
. "$(dirname "$0")/lib.sh"
ns_enter
setup_work

orig=$(snap)
web=$PROFILES/web-server.ini

# refused WHAT ARGS...: exit 77, nothing changed.
refused() {
	what=$1
	shift
	"$@" >$WORK/out 2>&1
	rc=$?
	[ $rc = 77 ] || fail "$what: exit $rc, expected 77: $(cat $WORK/out)"
	[ "$(snap)" = "$orig" ] || fail "$what: keys changed: $(snap)"
}

# A journal that is a symlink: refused, and nothing written through it.
mkdir -m 700 $STATE
ln -s $WORK/elsewhere $STATE/journal
refused "symlinked journal" $T apply "$web"
grep -q 'symlink' $WORK/out || fail "symlinked journal: message does not say why"
[ ! -e $WORK/elsewhere ] || fail "something was written through the symlink"
refused "rollback with a symlinked journal" $T rollback
rm $STATE/journal
ok "a symlinked journal is refused"

# A state directory that is a symlink.
mkdir -m 700 $WORK/real
ln -s $WORK/real $WORK/link
refused "symlinked state directory" $TCPTUNE --state-dir $WORK/link apply "$web"
[ -z "$(ls $WORK/real)" ] || fail "something was written into the symlink's target"
ok "a symlinked state directory is refused"

# State directories others could write to or that root does not own.
for mode in 777 770 1777 720; do
	chmod $mode $STATE
	refused "state directory mode $mode" $T apply "$web"
	grep -q 'others can write' $WORK/out || fail "mode $mode: message does not say why"
done
chmod 700 $STATE
chown nobody $STATE
refused "state directory owned by nobody" $T apply "$web"
grep -q 'not owned by root' $WORK/out || fail "owner: message does not say why"
chown root $STATE
ok "state directories writable by others or not owned by root are refused"

# A journal file that others could have written.
$T apply "$web" >/dev/null || fail "apply: exit $?"
applied=$(snap)
chmod 644 $STATE/journal
$T rollback >$WORK/out 2>&1
rc=$?
[ $rc = 77 ] || fail "rollback with a 0644 journal: exit $rc"
[ "$(snap)" = "$applied" ] || fail "rollback with a 0644 journal changed keys"
chmod 600 $STATE/journal
$T rollback >/dev/null || fail "rollback: exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback"
ok "a journal others could read or write is refused"

# A state directory under a missing parent is created with its parents
# (input.sh tests it).

# An unprivileged user: exit 77 and a clear message, nothing changed,
# whichever state directory it is given.
command -v setpriv >/dev/null || skip "setpriv (util-linux) is needed"
pub=$WORK/pub
mkdir -m 755 $pub
cp "$TCPTUNE" "$web" $pub/
chmod 755 $WORK $pub/tcptune
chmod 644 $pub/web-server.ini
asnobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
asnobody $pub/tcptune --state-dir $STATE plan $pub/web-server.ini >/dev/null ||
	fail "plan as nobody: exit $? (reading needs no privilege)"
refused "apply as nobody" asnobody $pub/tcptune --state-dir $STATE apply $pub/web-server.ini
grep -q 'needs root' $WORK/out || fail "apply as nobody: no clear message: $(cat $WORK/out)"
refused "rollback as nobody" asnobody $pub/tcptune --state-dir $STATE rollback
mkdir -m 755 $WORK/pubstate
refused "apply as nobody, readable state dir" asnobody $pub/tcptune --state-dir $WORK/pubstate apply $pub/web-server.ini
mkdir -m 700 $WORK/ownstate
chown nobody $WORK/ownstate
refused "apply as nobody, its own state dir" asnobody $pub/tcptune --state-dir $WORK/ownstate apply $pub/web-server.ini
[ ! -e $STATE/journal ] && [ ! -e $WORK/pubstate/journal ] && [ ! -e $WORK/ownstate/journal ] ||
	fail "an unprivileged run left a journal"
ok "an unprivileged user gets exit 77 and changes nothing"
