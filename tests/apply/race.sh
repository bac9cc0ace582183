#!/bin/sh
# A key written by someone else between the plan and tcptune's write of it
# is not overwritten: each key is read again immediately before its write
# and compared with what the plan (and so the journal) holds as its
# original.  A difference stops the apply: the keys written before it are
# put back, the journal is as before, the other writer's value stays, and
# the exit (75) and message say which key changed.  Rollback afterwards
# has nothing stale to restore.
. "$(dirname "$0")/lib.sh"
ns_enter
setup_work

P=$WORK/race.ini
cat >"$P" <<'INI'
[sysctl]
net.ipv4.tcp_fin_timeout = 31
net.ipv4.tcp_keepalive_time = 601
net.ipv4.tcp_keepalive_intvl = 31
INI
keys="net.ipv4.tcp_fin_timeout net.ipv4.tcp_keepalive_time net.ipv4.tcp_keepalive_intvl"
orig=$(snap)

# race: an apply with a second between its writes; once its first key is
# written, another writer changes a key the apply has not reached yet.
race() {
	TCPTUNE_TEST_WRITE_DELAY_MS=1000 $T apply "$P" >$WORK/out 2>$WORK/err &
	pid=$!
	first=
	i=0
	while [ -z "$first" ] && [ $i -lt 200 ]; do
		for k in $keys; do
			[ "$k=$(val $k)" = "$(echo "$orig" | grep "^$k=")" ] || first=$k
		done
		[ -n "$first" ] || sleep 0.02
		i=$((i + 1))
	done
	raced=
	for k in $keys; do
		if [ -z "$raced" ] && [ "$k=$(val $k)" = "$(echo "$orig" | grep "^$k=")" ]; then
			raced=$k
			racedval=$(($(val $k) + 7))
			sysctl -q -w "$k=$racedval"
		fi
	done
	wait $pid
	rc=$?
}

race
check "a key was written first ($first), another raced ($raced)" [ -n "$first" ] && [ -n "$raced" ]
check "apply stopped: exit 75 (got $rc)" [ "$rc" -eq 75 ]
check "the other writer's value stays ($raced = $racedval)" [ "$(val "$raced")" = "$racedval" ]
check "the message names the key that changed" grep -q "$raced" $WORK/err
check "the message says it changed since the plan" grep -q "since the plan" $WORK/err
check "the key written before it is put back ($first)" \
	[ "$first=$(val $first)" = "$(echo "$orig" | grep "^$first=")" ]
check "no journal is left" [ ! -s $STATE/journal ]
$T rollback >$WORK/rb 2>&1
check "rollback: nothing to roll back" grep -q "nothing to roll back" $WORK/rb
check "rollback leaves the other writer's value" [ "$(val "$raced")" = "$racedval" ]

# Over an earlier apply: the earlier journal is kept as it was.
sysctl -q -w "$raced=$(echo "$orig" | sed -n "s/^$raced=//p")"
printf '[sysctl]\nnet.ipv4.tcp_keepalive_probes = 5\n' >$WORK/first.ini
$T apply $WORK/first.ini >/dev/null 2>&1 || fail "a first apply failed"
cp $STATE/journal $WORK/journal.before
orig=$(snap)
race
check "over a journal: exit 75 (got $rc)" [ "$rc" -eq 75 ]
check "over a journal: the journal is as before" cmp -s $STATE/journal $WORK/journal.before
$T rollback >/dev/null 2>&1
check "over a journal: rollback leaves the raced key ($raced)" [ "$(val "$raced")" = "$racedval" ]
finish
