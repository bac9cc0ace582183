#!/bin/sh
# A port range whose ends share their parity (the common 20000 60000 or
# 1024 65000): the kernel takes it and logs a warning, so check, plan and
# apply warn and none refuses; apply --boot, as the boot unit runs it,
# writes it.  Every write happens in a private network namespace.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
[ "$(id -u)" -eq 0 ] || skip_all "writing keys in a private network namespace needs root"
unshare -n true 2>/dev/null || skip_all "unshare -n is not permitted here"
command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
T=$TCPTUNE
before=$(host_sysctls)
printf '[sysctl]\nnet.ipv4.ip_local_port_range = 20000 60000\n' >"$SCRATCH/even.ini"
printf '[sysctl]\nnet.ipv4.ip_local_port_range = 1024 65000\n' >"$SCRATCH/low.ini"

cat >"$SCRATCH/run.sh" <<EOS
t() { "$T" --state-dir "$SCRATCH/state" "\$@"; }
t plan "$SCRATCH/even.ini" >"$SCRATCH/plan.out" 2>&1; echo \$? >"$SCRATCH/plan.rc"
t plan --format json "$SCRATCH/even.ini" >"$SCRATCH/plan.json" 2>/dev/null
t check --no-census --format json --profile "$SCRATCH/even.ini" >"$SCRATCH/check.json" 2>/dev/null
t apply "$SCRATCH/even.ini" >"$SCRATCH/apply.out" 2>&1; echo \$? >"$SCRATCH/apply.rc"
tr '\t' ' ' </proc/sys/net/ipv4/ip_local_port_range >"$SCRATCH/range1"
t check --no-census --format json >"$SCRATCH/check2.json" 2>/dev/null
t rollback >/dev/null 2>&1
t apply --boot "$SCRATCH/low.ini" >"$SCRATCH/boot.out" 2>&1; echo \$? >"$SCRATCH/boot.rc"
tr '\t' ' ' </proc/sys/net/ipv4/ip_local_port_range >"$SCRATCH/range2"
EOS
unshare -n sh "$SCRATCH/run.sh"

check "plan does not refuse a same-parity range (0)" [ "$(cat "$SCRATCH/plan.rc")" -eq 0 ]
check "plan writes it" grep -q 'ip_local_port_range *32768 60999 -> 20000 60000' "$SCRATCH/plan.out"
check "plan warns: parity" grep -q 'warning: ends 20000 and 60000 have the same parity' "$SCRATCH/plan.out"
check "plan JSON: a write with a caution" [ "$(jq -r '.plan[0].action + " " + (.plan[0].caution | test("same parity") | tostring)' "$SCRATCH/plan.json")" = "write true" ]
check "plan JSON: nothing refused" [ "$(jq -r .refused "$SCRATCH/plan.json")" = 0 ]
check "check with the profile warns" [ "$(jq -r '[.findings[] | select(.severity == "warn" and (.message | test("same parity")))] | length' "$SCRATCH/check.json")" -ge 1 ]
check "check says nothing refuses it" sh -c "jq -r '.findings[] | select(.message | test(\"same parity\")) | .advice' '$SCRATCH/check.json' | grep -q 'plan and apply write it'"
check "apply writes it (0)" [ "$(cat "$SCRATCH/apply.rc")" -eq 0 ]
check "the kernel holds it" [ "$(cat "$SCRATCH/range1")" = "20000 60000" ]
check "apply warns: parity" grep -q 'warning: ends 20000 and 60000 have the same parity' "$SCRATCH/apply.out"
check "check of the host warns" [ "$(jq -r '[.findings[] | select(.id == "unsafe_value" and .severity == "warn" and (.message | test("same parity")))] | length' "$SCRATCH/check2.json")" = 1 ]
check "apply --boot writes it (0)" [ "$(cat "$SCRATCH/boot.rc")" -eq 0 ]
check "the boot unit's range is in the kernel" [ "$(cat "$SCRATCH/range2")" = "1024 65000" ]
check "apply --boot logs a warning" grep -q '^<4>net.ipv4.ip_local_port_range: ends 1024 and 65000 have the same parity' "$SCRATCH/boot.out"
check "the host's own keys are untouched" [ "$(host_sysctls)" = "$before" ]
finish
