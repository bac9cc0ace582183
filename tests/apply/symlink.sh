#!/bin/sh
# A symlinked directory inside --proc-root: apply must not follow it out
# of the proc root, so nothing outside is written or truncated.
. "$(dirname "$0")/lib.sh"
ns_enter
setup_work

cp -R "$FIXTURES/proc-6.18" $WORK/proc
chmod -R u+w $WORK/proc
mkdir $WORK/outside
cp -R $WORK/proc/sys/net/core/. $WORK/outside/
rm -rf $WORK/proc/sys/net/core
ln -s $WORK/outside $WORK/proc/sys/net/core
before=$(cat $WORK/outside/somaxconn)
cat >$WORK/p.ini <<'INI'
[profile]
nat = no
[sysctl]
net.core.somaxconn = 1024
INI
$T --proc-root $WORK/proc apply $WORK/p.ini >$WORK/out 2>$WORK/err
rc=$?
[ "$(cat $WORK/outside/somaxconn)" = "$before" ] || fail "apply wrote through a symlinked directory (exit $rc)"
[ $rc != 0 ] || fail "apply through a symlinked directory: exit 0"
ok "a symlinked directory in the proc root: not followed (exit $rc)"

# Reading goes the same way: check does not report the value of a file
# outside the proc root as the key's.
echo 777 >$WORK/outside/somaxconn
$T --proc-root $WORK/proc check --no-census --format json >$WORK/c.json 2>$WORK/err
[ "$(jq -r '.sysctl["net.core.somaxconn"].value' $WORK/c.json)" != 777 ] ||
	fail "check read a key through a symlinked directory"
[ "$(jq -r '.sysctl["net.core.somaxconn"].state' $WORK/c.json)" = failed ] ||
	fail "check: the key behind a symlink is not 'failed': $(jq -c '.sysctl["net.core.somaxconn"]' $WORK/c.json)"
echo "$before" >$WORK/outside/somaxconn
ok "a symlinked directory in the proc root: not read through"

# The same where the kernel has no openat2 (or a seccomp filter refuses
# it): the component-by-component walk refuses the symlink too, and still
# writes a real key.
if command -v strace >/dev/null 2>&1; then
	nos="env ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null -e trace=openat2 -e inject=openat2:error=ENOSYS"
	$nos $T --proc-root $WORK/proc apply $WORK/p.ini >/dev/null 2>&1
	rc=$?
	[ "$(cat $WORK/outside/somaxconn)" = "$before" ] || fail "the walk followed the symlink (exit $rc)"
	[ $rc != 0 ] || fail "the walk: exit 0"
	$nos $T apply $PROFILES/web-server.ini >/dev/null 2>&1 || fail "apply without openat2: exit $?"
	expect_profile $PROFILES/web-server.ini "apply without openat2"
	$nos $T rollback >/dev/null 2>&1 || fail "rollback without openat2: exit $?"
	ok "without openat2: the walk refuses the symlink and writes real keys"
fi
