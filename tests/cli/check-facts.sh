#!/bin/sh
# Every shipped example agrees with the kernel: port ranges with ends of
# different parity, no retired facts in the explanations, the man pages or
# the docs.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
T=$TCPTUNE
SRC=$(cd "${TESTS_DIR:-$(dirname "$0")/..}/.." && pwd)

# Port ranges in every shipped profile, doc and example file.
grep -rhoE 'ip_local_port_range *=? *"?[0-9]+[ 	]+[0-9]+' \
    "$SRC/profiles" "$SRC/docs" "$SRC/data" "$SRC/README.md" >"$SCRATCH/ranges"
check "shipped files give port ranges" [ -s "$SCRATCH/ranges" ]
while read -r line; do
	set -- $(echo "$line" | grep -oE '[0-9]+[ 	]+[0-9]+$')
	if [ $(($1 % 2)) -eq $(($2 % 2)) ]; then
		failed "same-parity port range shipped: $line"
	else
		pass "port range $1 $2 has ends of different parity"
	fi
done <"$SCRATCH/ranges"

# What explain says for every key, with the retired statements.
"$T" explain >"$SCRATCH/list" || failed "explain lists the keys"
for k in $(awk '/^  net\./ { print $1 }' "$SCRATCH/list"); do
	"$T" explain "$k" --proc-root "$FIXTURES/proc-6.18"
done >"$SCRATCH/all"
for wrong in "PAWSPassiveRejected" "0 and negative values mean no TIME_WAIT" \
    "0 or -1 switch" "next release dropped" "131072 on a typical machine" \
    "random per-connection offset" "10240 65000" "fixed one second"; do
	check "explain no longer says \"$wrong\"" sh -c "! grep -q \"$wrong\" '$SCRATCH/all'"
	check "docs no longer say \"$wrong\"" sh -c "! grep -rq \"$wrong\" '$SRC/docs' '$SRC/profiles' '$SRC/README.md'"
done
check "explain: a negative tw_buckets means no limit" grep -q "negative value means no limit" "$SCRATCH/all"
check "explain: tw_recycle worked again in 4.11" grep -q "4.11 went back" "$SCRATCH/all"
check "explain: the jiffies bound depends on HZ" grep -q "INT_MAX/HZ, which depends" "$SCRATCH/all"
check "explain: port range parity" grep -q "different parity" "$SCRATCH/all"
check "explain: new namespaces start from defaults" grep -q "starts from the kernel default" "$SCRATCH/all"

# A profile with a same-parity range: the kernel takes it with a warning,
# so plan writes it and warns, with the reason (never refuses).
printf '[sysctl]\nnet.ipv4.ip_local_port_range = 10240 65000\n' >"$SCRATCH/p.ini"
"$T" plan --proc-root "$FIXTURES/proc-6.18" "$SCRATCH/p.ini" >"$SCRATCH/plan" 2>&1; rc=$?
check "plan takes a same-parity range (0)" [ $rc -eq 0 ]
check "plan writes it" grep -q "ip_local_port_range .* -> 10240 65000" "$SCRATCH/plan"
check "plan warns why: parity" grep -q "warning: ends 10240 and 65000 have the same parity" "$SCRATCH/plan"
# Folk misspellings: suggested, never skipped silently.
"$T" explain tcp_recycle >"$SCRATCH/ex" 2>&1; rc=$?
check "explain tcp_recycle explains tcp_tw_recycle (0)" [ $rc -eq 0 ]
check "explain tcp_recycle names the key meant" grep -q "most likely net.ipv4.tcp_tw_recycle" "$SCRATCH/ex"
"$T" explain nosuchkey >/dev/null 2>&1
check "explain of an unknown key is a usage error (64)" [ $? -eq 64 ]
printf '[sysctl]\nnet.ipv4.tcp_recycle = 1\nnet.ipv4.tcp_rmem = 4096 87380 6291456\n' >"$SCRATCH/folk.ini"
"$T" plan --ignore-unknown --proc-root "$FIXTURES/proc-6.18" "$SCRATCH/folk.ini" >"$SCRATCH/plan" 2>&1; rc=$?
check "a near-miss fails even with --ignore-unknown (65)" [ $rc -eq 65 ]
check "the near-miss names the key meant and its line" grep -q "folk.ini:2: net.ipv4.tcp_recycle: unknown key; did you mean net.ipv4.tcp_tw_recycle" "$SCRATCH/plan"
printf '[sysctl]\nnet.ipv4.tcp_rmem = 4096 87380 6291456\nnet.ipv4.tcp_fin_timeout = 30\n' >"$SCRATCH/other.ini"
"$T" plan --ignore-unknown --proc-root "$FIXTURES/proc-6.18" "$SCRATCH/other.ini" >"$SCRATCH/plan" 2>&1; rc=$?
check "a key far from every catalog key is still ignored with a warning (0)" [ $rc -eq 0 ]
check "the ignored key is named" grep -q "tcp_rmem: unknown key, ignored" "$SCRATCH/plan"
finish
