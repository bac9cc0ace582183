#!/bin/sh
# plan, apply, read back, rollback, idempotent re-apply, apply A then B.
. "$(dirname "$0")/lib.sh"
ns_enter
setup_work

orig=$(snap)
web=$PROFILES/web-server.ini
proxy=$PROFILES/proxy-client.ini

# plan on a real namespace: exit 0, the writes it lists, nothing written.
$T plan --format json "$web" >$WORK/plan.json || fail "plan exit $?"
[ "$(jq -r .applicable $WORK/plan.json)" = true ] || fail "plan not applicable"
[ "$(jq -r .writes $WORK/plan.json)" = 7 ] || fail "plan: expected 7 writes, got $(jq -r .writes $WORK/plan.json)"
[ "$(jq -r '.plan[] | select(.key == "net.ipv4.tcp_fin_timeout") | .current + " " + .target + " " + .action' $WORK/plan.json)" = "60 30 write" ] ||
	fail "plan: tcp_fin_timeout row"
[ "$(snap)" = "$orig" ] || fail "plan wrote something"
[ ! -e "$STATE/journal" ] || fail "plan wrote a journal"
ok "plan lists the writes and writes nothing"

# apply: every value read back from /proc/sys.
$T apply --format json "$web" >$WORK/a1.json || fail "apply exit $?"
[ "$(jq -r .changed $WORK/a1.json)" = true ] || fail "first apply: changed is not true"
expect_profile "$web" "after apply"
[ "$(stat -c %a "$STATE/journal")" = 600 ] || fail "journal mode is not 0600"
[ "$(stat -c %a "$STATE")" = 700 ] || fail "state directory mode is not 0700"
ok "apply: every key reads back at the profile's value"

$T status >/dev/null || fail "status after apply: exit $?"
$T status --format json >$WORK/st.json
[ "$(jq -r .live_matches $WORK/st.json)" = true ] || fail "status: live values do not match"
[ "$(jq -r .state $WORK/st.json)" = applied ] || fail "status: state"

# rollback: every original.
$T rollback --format json >$WORK/r1.json || fail "rollback exit $?"
[ "$(jq -r .changed $WORK/r1.json)" = true ] || fail "rollback: changed is not true"
[ "$(snap)" = "$orig" ] || fail "rollback did not restore: $(snap)"
[ ! -e "$STATE/journal" ] || fail "a completed rollback left the journal"
$T rollback --format json >$WORK/r2.json || fail "second rollback exit $?"
[ "$(jq -r .changed $WORK/r2.json)" = false ] || fail "empty rollback says changed"
ok "rollback restores every original and clears the journal"

# apply twice: changed false the second time, rollback still restores.
$T apply --format json "$web" >$WORK/a2.json || fail "apply exit $?"
$T apply --format json "$web" >$WORK/a3.json || fail "re-apply exit $?"
[ "$(jq -r .changed $WORK/a2.json)" = true ] || fail "apply: changed is not true"
[ "$(jq -r .changed $WORK/a3.json)" = false ] || fail "idempotent re-apply says changed"
[ "$(jq -r .result $WORK/a3.json)" = unchanged ] || fail "re-apply result"
expect_profile "$web" "after re-apply"
$T rollback >/dev/null || fail "rollback exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback after re-apply did not restore: $(snap)"
ok "re-apply is idempotent and rollback still finds every original"

# apply A then B, rollback: the values from before A.
$T apply "$web" >/dev/null || fail "apply A exit $?"
after_a=$(snap)
$T apply "$proxy" >/dev/null || fail "apply B exit $?"
expect_profile "$proxy" "after B"
# keys A set and B does not keep A's values
expect_val net.core.somaxconn 8192 "after B"
expect_val net.ipv4.tcp_orphan_retries 3 "after B"
[ "$(snap)" != "$after_a" ] || fail "B changed nothing"
$T rollback >/dev/null || fail "rollback exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback after A and B: $(snap), expected $orig"
ok "apply A, apply B, rollback: the values from before A"

# Someone else changes a key after the apply: left alone without --force.
$T apply "$web" >/dev/null || fail "apply exit $?"
echo 45 >/proc/sys/net/ipv4/tcp_fin_timeout
$T status >/dev/null && fail "status does not notice a changed key"
$T rollback >$WORK/r3.txt
rc=$?
[ $rc = 1 ] || fail "rollback with a foreign change: exit $rc, expected 1"
expect_val net.ipv4.tcp_fin_timeout 45 "foreign change"
expect_val net.ipv4.tcp_keepalive_time 7200 "other keys"
grep -q 'left-alone' $WORK/r3.txt || fail "rollback does not say it left a key alone"
[ -e "$STATE/journal" ] || fail "journal gone while a key is still owed"
$T rollback --force >/dev/null || fail "rollback --force exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback --force did not restore"
[ ! -e "$STATE/journal" ] || fail "journal left after rollback --force"
ok "a key changed by someone else is left alone unless --force"
