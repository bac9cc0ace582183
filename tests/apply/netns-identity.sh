#!/bin/sh
# A network namespace is known by its cookie, never by its inode number,
# which the kernel gives to the next namespace made after one is freed.
# A namespace that got a deleted one's inode finds no journal and no
# counters of the deleted one: rollback restores nothing into it, and the
# counters show no rise "since the last check".  A name or pid taken by
# another namespace since its apply is refused by rollback (exit 66) and
# starts afresh for apply; every --netns run names the namespace it acts
# on.  Runs in private network, mount and pid namespaces, with a private
# /run/netns.
. "$(dirname "$0")/lib.sh"
ns_enter -m
setup_work
mkdir -p /run/netns
mount -t tmpfs tcptune-test /run/netns || skip "cannot mount a private /run/netns"

P=$WORK/p.ini
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 31\n' >"$P"
ino() { stat -L -c %i "/run/netns/$1"; }
fin() { ip netns exec "$1" cat /proc/sys/net/ipv4/tcp_fin_timeout; }

# reuse OLD NEW: deletes namespace OLD and makes namespaces until one gets
# OLD's inode, which the kernel frees a moment after the delete and gives
# to the next namespace made (the lowest free number: those that got
# another number are kept until then); that one is then NEW.  False if
# none does within 60 s (another program on the machine took the number:
# the case is then said to be not reached, not failed).
nhunt=0
reuse() {
	want=$(ino "$1")
	ip netns del "$1"
	i=0
	while [ $i -lt 600 ]; do
		nhunt=$((nhunt + 1))
		ip netns add "hunt$nhunt"
		if [ "$(ino "hunt$nhunt")" = "$want" ]; then
			touch "/run/netns/$2"
			mount --bind "/run/netns/hunt$nhunt" "/run/netns/$2"
			umount "/run/netns/hunt$nhunt"
			rm -f "/run/netns/hunt$nhunt"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# del NAME: an `ip netns` name gone, as ip netns del does it.
del() { umount "/run/netns/$1" && rm -f "/run/netns/$1"; }

# --- a new namespace with a deleted one's inode
ip netns add A
$T apply --netns A "$P" >$WORK/out 2>$WORK/err
check "apply --netns A: exit 0" [ $? -eq 0 ]
check "apply --netns A: written" [ "$(fin A)" = 31 ]
check "apply --netns A: names the namespace and its cookie" \
	grep -q "network namespace A: cookie [1-9]" $WORK/err
$T status --netns A --format json >$WORK/st 2>/dev/null
check "status --netns A --format json: netns_entered names A, its cookie and inode" \
	python3 -c 'import json, sys; e = json.load(open(sys.argv[1]))["netns_entered"]
assert e["name"] == "A" and e["cookie"] > 0 and e["inode"] == int(sys.argv[2]), e' $WORK/st "$(ino A)"
$T status --format json >$WORK/st 2>/dev/null
check "status --format json without --netns: netns_entered null" \
	python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["netns_entered"] is None' $WORK/st
if reuse A B; then
	ip netns exec B sysctl -q -w net.ipv4.tcp_fin_timeout=45
	$T rollback --netns B >$WORK/out 2>$WORK/err
	rc=$?
	check "B has A's inode; rollback --netns B: exit 0 (got $rc)" [ $rc -eq 0 ]
	check "rollback --netns B: nothing to roll back" grep -q "nothing to roll back" $WORK/out
	check "rollback --netns B: A's original not written into B" [ "$(fin B)" = 45 ]
	$T status --netns B --format json >$WORK/st 2>/dev/null
	check "status --netns B: no journal" grep -q '"journal": false' $WORK/st
	del B
else
	echo "# not reached: no namespace got A's inode again in 60 s; the kernel gives a freed"
	echo "# number to whoever makes a namespace first, and another program on this"
	echo "# machine took it"
fi

# --- the same name, a new namespace
ip netns add X
$T apply --netns X "$P" >/dev/null 2>&1 || failed "apply --netns X"
del X
ip netns add X
ip netns exec X sysctl -q -w net.ipv4.tcp_fin_timeout=46
$T rollback --netns X >$WORK/out 2>$WORK/err
rc=$?
check "X made again: rollback --netns X refused, exit 66 (got $rc)" [ $rc -eq 66 ]
check "rollback --netns X: says it is not the namespace of the journal" \
	grep -q "not the one its journal" $WORK/err
check "rollback --netns X: the new X untouched" [ "$(fin X)" = 46 ]
$T apply --netns X "$P" >$WORK/out 2>$WORK/err
check "apply --netns X over the old one's journal: exit 0" [ $? -eq 0 ]
check "apply --netns X: says the earlier journal stays" grep -q "earlier one stays" $WORK/err
$T rollback --netns X >/dev/null 2>&1
check "rollback --netns X: its own original back (46)" [ "$(fin X)" = 46 ]
del X

# --- a journal an earlier tcptune kept by device and inode only
ip netns add L
$T apply --netns L "$P" >$WORK/out 2>&1 || failed "apply --netns L"
cookie=$(sed -n 's/.*network namespace L: cookie \([0-9]*\),.*/\1/p' $WORK/out)
legacy=$STATE/netns/$(stat -L -c %d /run/netns/L)-$(ino L)
mv "$STATE/netns/cookie-$cookie" "$legacy"
sed -i 's/^\(netns [0-9]* [0-9]*\) [0-9]*$/\1/' "$legacy/journal"
for c in rollback status; do
	$T $c --netns L >$WORK/out 2>$WORK/err
	rc=$?
	check "$c --netns L over an inode-only journal: refused, exit 65 (got $rc)" [ $rc -eq 65 ]
	check "$c --netns L: says it cannot be proven" grep -q "cannot be proven" $WORK/err
done
check "rollback --netns L: nothing restored from the unproven journal" [ "$(fin L)" = 31 ]
del L
rm -r "$legacy" # a later namespace may get L's inode, and would be refused too

# --- a journal that carries another cookie for this inode (its namespace
# is gone): rollback refuses it, apply sets it aside and starts afresh
ip netns add G
$T apply --netns G "$P" >$WORK/out 2>&1 || failed "apply --netns G"
cookie=$(sed -n 's/.*network namespace G: cookie \([0-9]*\),.*/\1/p' $WORK/out)
J=$STATE/netns/cookie-$cookie/journal
sed -i "s/^\(netns [0-9]* [0-9]*\) $cookie\$/\1 $((cookie + 100000))/" "$J"
ip netns exec G sysctl -q -w net.ipv4.tcp_fin_timeout=48
$T rollback --netns G >$WORK/out 2>$WORK/err
rc=$?
check "a journal of a namespace gone: rollback refuses, exit 65 (got $rc)" [ $rc -eq 65 ]
check "rollback says the journal's namespace is gone" grep -q "namespace that is gone" $WORK/err
check "rollback restored nothing from it" [ "$(fin G)" = 48 ]
$T status --netns G --format json >$WORK/st 2>/dev/null
check "status says netns-gone" grep -q '"journal_from": "netns-gone"' $WORK/st
$T apply --netns G "$P" >$WORK/out 2>$WORK/err
check "apply over it: exit 0" [ $? -eq 0 ]
check "apply over it: set aside as journal.netns-COOKIE" \
	[ -s "$STATE/netns/cookie-$cookie/journal.netns-$((cookie + 100000))" ]
$T rollback --netns G >/dev/null 2>&1
check "rollback after it: this namespace's own original (48)" [ "$(fin G)" = 48 ]
del G

# --- the counters file: a namespace with a deleted one's inode starts afresh
ip netns add C
ip netns exec C $T check >/dev/null 2>&1
ip netns exec C $T check --all >$WORK/c2 2>&1
check "check twice in C: the second shows the rise since the first" \
	grep -q "since the last check" $WORK/c2
if reuse C D; then
	ip netns exec D $T check --all >$WORK/d1 2>&1
	check "D has C's inode: no rise 'since the last check' of C's counters" \
		sh -c "! grep -q 'since the last check' $WORK/d1"
	del D
else
	echo "# not reached: no namespace got C's inode again in 60 s; the kernel gives a freed"
	echo "# number to whoever makes a namespace first, and another program on this"
	echo "# machine took it"
fi

# --- a pid taken by a process in another namespace (here: this test's own)
printf '[sysctl]\nnet.ipv4.tcp_keepalive_time = 601\n' >$WORK/own.ini
$T apply $WORK/own.ini >/dev/null 2>&1 || failed "apply here"
unshare -p -f --mount-proc sh -c '
	T=$1 P=$2 W=$3
	unshare -n sleep 600 &
	pid=$!
	sleep 0.2
	$T apply --netns $pid "$P" >/dev/null 2>&1; echo $? >$W/pid.apply
	kill $pid; wait $pid 2>/dev/null
	sleep 0.2
	echo $((pid - 1)) >/proc/sys/kernel/ns_last_pid
	sleep 600 &
	echo "$pid $!" >$W/pid.again
	$T rollback --netns $pid >$W/pid.out 2>$W/pid.err; echo $? >$W/pid.rc
	kill $!
' sh "$T" "$P" "$WORK"
check "apply --netns PID: exit 0" [ "$(cat $WORK/pid.apply)" = 0 ]
set -- $(cat $WORK/pid.again)
if [ "$1" = "$2" ]; then
	check "the pid went to a process here; rollback --netns PID: exit 66 (got $(cat $WORK/pid.rc))" \
		[ "$(cat $WORK/pid.rc)" = 66 ]
	check "rollback --netns PID: names the namespace it found" grep -q "cookie [1-9]" $WORK/pid.err
	check "rollback --netns PID: this namespace's own apply stays" \
		[ "$(val net.ipv4.tcp_keepalive_time)" = 601 ]
else
	failed "the pid was not given again ($1, then $2): the case is not reached"
fi
$T rollback >/dev/null 2>&1
for n in $(ls /run/netns); do del "$n"; done

# --- rollback --all-namespaces: each namespace's journal; one gone is
# reported and the others go on.  In a private pid namespace, so that
# "every namespace" is this test's.
for n in R1 R2 R3; do
	ip netns add $n
	$T apply --netns $n "$P" >/dev/null 2>&1 || failed "apply --netns $n"
done
ip netns add R4 # no journal: left alone
ip netns exec R4 sysctl -q -w net.ipv4.tcp_fin_timeout=47
del R3
unshare -p -f --mount-proc sh -c '$0 rollback --all-namespaces >$1/all.out 2>$1/all.err; echo $? >$1/all.rc' \
	"$T" "$WORK"
check "rollback --all-namespaces: exit 0 (got $(cat $WORK/all.rc))" [ "$(cat $WORK/all.rc)" = 0 ]
check "rollback --all-namespaces: R1 and R2 back to 60" [ "$(fin R1) $(fin R2)" = "60 60" ]
check "rollback --all-namespaces: R4, without a journal, untouched" [ "$(fin R4)" = 47 ]
check "rollback --all-namespaces: R3 reported gone, its journal kept" \
	grep -q "^== R3 (gone)" $WORK/all.out
check "rollback --all-namespaces: the count" \
	grep -q "^2 namespaces rolled back, 0 failed, [1-9][0-9]* gone" $WORK/all.out
$T rollback --all-namespaces --format json >/dev/null 2>&1
check "rollback --all-namespaces --format json: a usage error" [ $? -eq 64 ]
for n in $(ls /run/netns); do del "$n"; done
finish
