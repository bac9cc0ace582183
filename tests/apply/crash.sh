#!/bin/sh
# kill -9 between two writes: status shows the interrupted apply, apply
# refuses to run over it, and rollback restores every original.
# TCPTUNE_TEST_WRITE_DELAY_MS (test-only, see docs/journal.md) slows the
# writes so the kill lands between them.
. "$(dirname "$0")/lib.sh"
ns_enter
setup_work

orig=$(snap)
web=$PROFILES/web-server.ini
proxy=$PROFILES/proxy-client.ini

# wait_changed N: until N of the web-server keys left their originals.
changed_count() {
	n=0
	for k in net.ipv4.tcp_keepalive_time net.ipv4.tcp_keepalive_intvl \
	    net.ipv4.tcp_keepalive_probes net.ipv4.tcp_fin_timeout \
	    net.ipv4.tcp_max_tw_buckets net.ipv4.tcp_orphan_retries net.core.somaxconn; do
		[ "$(echo "$orig" | grep "^$k=")" = "$k=$(val $k)" ] || n=$((n + 1))
	done
	echo $n
}

crash_apply() {
	TCPTUNE_TEST_WRITE_DELAY_MS=1000 $T apply "$1" >/dev/null 2>&1 &
	pid=$!
	i=0
	while [ "$(changed_count)" -lt "$2" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -9 $pid
	wait $pid 2>/dev/null
}

# 1. A first apply killed after two of its seven writes.
crash_apply "$web" 2
n=$(changed_count)
[ "$n" -ge 2 ] && [ "$n" -lt 7 ] || fail "the kill did not land between writes ($n keys changed)"
$T status --format json >$WORK/st.json
rc=$?
[ $rc = 1 ] || fail "status after a crash: exit $rc, expected 1"
[ "$(jq -r .interrupted $WORK/st.json)" = true ] || fail "status does not show the interrupted apply"
$T status | grep -q INTERRUPTED || fail "status text does not say INTERRUPTED"
$T apply "$web" >/dev/null 2>&1
rc=$?
[ $rc = 75 ] || fail "apply over an interrupted one: exit $rc, expected 75"
$T rollback >/dev/null || fail "rollback after a crash: exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback after a crash: $(snap)"
[ ! -e "$STATE/journal" ] || fail "journal left after rollback"
ok "killed after $n writes: status shows it, rollback restores everything"

# 2. Apply A, then kill apply B between its writes: rollback goes back to
# the values from before A, through keys B had and had not yet written.
$T apply "$web" >/dev/null || fail "apply A: exit $?"
TCPTUNE_TEST_WRITE_DELAY_MS=400 $T apply "$proxy" >/dev/null 2>&1 &
pid=$!
i=0
while [ "$(val net.ipv4.tcp_keepalive_time)" != 300 ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -9 $pid
wait $pid 2>/dev/null
expect_val net.ipv4.tcp_keepalive_time 300 "B's first write"
expect_val net.ipv4.ip_local_port_range "32768 60999" "B's last write must not have happened"
$T rollback >/dev/null || fail "rollback after a crashed B: exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback after a crashed B: $(snap)"
ok "A, then B killed mid-way: rollback reaches the values from before A"

# 3. SIGTERM, SIGINT and SIGHUP (a dropped SSH session) do not cut an
# apply short: it finishes, then the signal takes effect.
for sig in TERM INT HUP; do
	crash_orig=$(snap)
	TCPTUNE_TEST_WRITE_DELAY_MS=200 $T apply "$web" >/dev/null 2>&1 &
	pid=$!
	i=0
	while [ "$(changed_count)" -lt 2 ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -$sig $pid
	wait $pid
	expect_profile "$web" "after SIG$sig mid-apply"
	$T status >/dev/null || fail "status after SIG$sig: exit $? (interrupted?)"
	$T rollback >/dev/null || fail "rollback: exit $?"
	[ "$(snap)" = "$orig" ] || fail "rollback after SIG$sig"
done
ok "SIGTERM, SIGINT and SIGHUP mid-apply: the apply completes first"

# 4. A rollback killed between two restores: status shows it, apply
# refuses to run over it, and running rollback again finishes the job.
$T apply "$web" >/dev/null || fail "apply: exit $?"
TCPTUNE_TEST_WRITE_DELAY_MS=400 $T rollback >/dev/null 2>&1 &
pid=$!
i=0
while [ "$(val net.core.somaxconn)" != 4096 ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -9 $pid
wait $pid 2>/dev/null
expect_val net.core.somaxconn 4096 "the first restore"
expect_val net.ipv4.tcp_keepalive_time 600 "the last restore must not have happened"
grep -q '^state rolling-back' $STATE/journal || fail "the journal does not say rolling-back"
$T status --format json >$WORK/st.json
[ "$(jq -r .interrupted $WORK/st.json)" = true ] || fail "status does not show the interrupted rollback"
$T apply "$web" >/dev/null 2>&1
rc=$?
[ $rc = 75 ] || fail "apply over an interrupted rollback: exit $rc, expected 75"
$T rollback >/dev/null || fail "second rollback: exit $?"
[ "$(snap)" = "$orig" ] || fail "after the second rollback: $(snap)"
[ ! -e "$STATE/journal" ] || fail "journal left after the second rollback"
ok "rollback killed mid-way: running it again restores everything"
