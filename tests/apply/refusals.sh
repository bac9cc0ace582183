#!/bin/sh
# Refusals, planned before any write: tcp_tw_recycle by NAT answer and by
# kernel, host-only keys in a child namespace, values outside the safe
# bounds; --skip-refused applies the rest and never the refused.
. "$(dirname "$0")/lib.sh"
ns_enter
setup_work

orig=$(snap)

# profile NAME NAT LINES...: a profile file in $WORK.
profile() {
	f=$WORK/$1.ini
	printf '[profile]\nnat = %s\n[sysctl]\n' "$2" >$f
	shift 2
	for l in "$@"; do
		echo "$l" >>$f
	done
}

# plan_of PROFILE [ARGS]: the plan as JSON in $WORK/plan.json, exit in $rc.
plan_of() {
	p=$1
	shift
	$T "$@" plan --format json "$p" >$WORK/plan.json 2>$WORK/err
	rc=$?
}
why_of() { jq -r ".plan[] | select(.key == \"$1\") | .why" $WORK/plan.json; }
action_of() { jq -r ".plan[] | select(.key == \"$1\") | .action" $WORK/plan.json; }

# A 4.9-era tree that still has tcp_tw_recycle, copied: nothing may write
# into the source tree.
cp -R "$FIXTURES/proc-4.9" $WORK/proc
chmod -R u+w $WORK/proc
old="--proc-root $WORK/proc"
recycle=net.ipv4.tcp_tw_recycle

profile yes yes "$recycle = 1" "net.ipv4.tcp_fin_timeout = 30"
plan_of $WORK/yes.ini $old
[ $rc = 65 ] || fail "4.9, nat = yes: plan exit $rc, expected 65"
[ "$(action_of $recycle)" = refuse ] || fail "4.9, nat = yes: not refused"
why_of $recycle | grep -q 'NAT' || fail "4.9, nat = yes: no explanation: $(why_of $recycle)"
why_of $recycle | grep -q 'cannot be overridden' || fail "4.9, nat = yes: does not say it cannot be overridden"
$T $old apply $WORK/yes.ini >/dev/null 2>&1
rc=$?
[ $rc = 65 ] || fail "4.9, nat = yes: apply exit $rc, expected 65"
$T $old apply --skip-refused $WORK/yes.ini >$WORK/skip.out 2>&1 || fail "4.9: apply --skip-refused: exit $?"
grep -q 'skipped (refused)' $WORK/skip.out || fail "--skip-refused does not say what it skipped: $(cat $WORK/skip.out)"
[ "$(awk 'length > 80' $WORK/skip.out)" = "" ] || fail "--skip-refused: lines over 80 columns: $(awk 'length > 80' $WORK/skip.out)"
[ "$(cat $WORK/proc/sys/net/ipv4/tcp_tw_recycle)" = 0 ] || fail "--skip-refused wrote tcp_tw_recycle"
[ "$(cat $WORK/proc/sys/net/ipv4/tcp_fin_timeout)" = 30 ] || fail "--skip-refused did not apply the rest"
$T $old rollback >/dev/null || fail "4.9: rollback: exit $?"
[ "$(cat $WORK/proc/sys/net/ipv4/tcp_fin_timeout)" = 60 ] || fail "4.9: rollback of the fixture copy"
ok "4.9, nat = yes: tcp_tw_recycle refused, even with --skip-refused"

profile auto auto "$recycle = 1"
plan_of $WORK/auto.ini $old
[ $rc = 65 ] || fail "4.9, nat = auto: plan exit $rc, expected 65"
why_of $recycle | grep -q 'nat = auto' || fail "4.9, nat = auto: no explanation: $(why_of $recycle)"
ok "4.9, nat = auto and no evidence: refused"

profile no no "$recycle = 1"
# NAT evidence in this namespace: forwarding and a masquerade rule.  The
# profile says nat = no; the evidence wins.
command -v nft >/dev/null || skip "nft (nftables) is needed to make NAT evidence"
echo 1 >/proc/sys/net/ipv4/ip_forward
nft -f - <<'NFT' || fail "cannot add a NAT rule"
table ip t {
	chain post {
		type nat hook postrouting priority 100;
		masquerade
	}
}
NFT
plan_of $WORK/no.ini $old
[ $rc = 65 ] || fail "4.9, nat = no with NAT evidence: plan exit $rc, expected 65"
[ "$(jq -r .nat $WORK/plan.json)" = yes ] || fail "NAT evidence: the answer is not yes"
why_of $recycle | grep -q 'NAT' || fail "NAT evidence: no explanation: $(why_of $recycle)"
nft delete table ip t
echo 0 >/proc/sys/net/ipv4/ip_forward
ok "4.9, nat = no but NAT evident in this namespace: refused"

plan_of $WORK/no.ini $old
[ $rc = 0 ] || fail "4.9, nat = no, no evidence: plan exit $rc, expected 0: $(cat $WORK/err)"
[ "$(action_of $recycle)" = write ] || fail "4.9, nat = no: not planned as a write"
ok "4.9, nat = no and no evidence: the plan allows tcp_tw_recycle"

# This kernel has no tcp_tw_recycle at all.
plan_of $WORK/no.ini
[ $rc = 65 ] || fail "live kernel: plan exit $rc, expected 65"
why_of $recycle | grep -q 'removed in Linux 4.12' || fail "live kernel: $(why_of $recycle)"
ok "this kernel: tcp_tw_recycle refused as removed in 4.12"

# A host-only key in this child namespace, and a value outside the safe range.
profile mixed no "net.ipv4.tcp_max_orphans = 65536" "net.ipv4.tcp_fin_timeout = 5" \
    "net.ipv4.tcp_keepalive_time = 900"
plan_of $WORK/mixed.ini
[ $rc = 65 ] || fail "mixed: plan exit $rc, expected 65"
why_of net.ipv4.tcp_max_orphans | grep -q 'initial network namespace' ||
	fail "host-only key: $(why_of net.ipv4.tcp_max_orphans)"
why_of net.ipv4.tcp_fin_timeout | grep -q 'safe range' ||
	fail "unsafe value: $(why_of net.ipv4.tcp_fin_timeout)"
[ "$(action_of net.ipv4.tcp_keepalive_time)" = write ] || fail "keepalive not planned"
$T apply $WORK/mixed.ini >/dev/null 2>&1
rc=$?
[ $rc = 65 ] || fail "mixed: apply exit $rc, expected 65"
[ "$(snap)" = "$orig" ] || fail "a refused apply changed keys"
$T apply --skip-refused $WORK/mixed.ini >/dev/null 2>&1 || fail "mixed --skip-refused: exit $?"
expect_val net.ipv4.tcp_keepalive_time 900 "--skip-refused"
expect_val net.ipv4.tcp_fin_timeout 60 "--skip-refused must not write a refused key"
$T rollback >/dev/null || fail "rollback: exit $?"
[ "$(snap)" = "$orig" ] || fail "rollback"
ok "host-only key and unsafe value refused; --skip-refused applies only the rest"
