#!/bin/sh
# check --profile and the sysctl.d files of a tree: the conflicts named.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
command -v jq >/dev/null || skip_all "jq is not installed"
T=$TCPTUNE
R618=$FIXTURES/proc-6.18
S=$SCRATCH/root
mkdir -p "$S/etc/sysctl.d" "$S/usr/lib/sysctl.d" "$S/run/sysctl.d"
printf 'net.ipv4.tcp_fin_timeout = 45\nvm.swappiness = 10\n' >"$S/usr/lib/sysctl.d/50-vendor.conf"
printf 'net.ipv4.tcp_fin_timeout = 20\n' >"$S/usr/lib/sysctl.d/60-local.conf"
printf '# mine\nnet.ipv4.tcp_fin_timeout = 50\n' >"$S/etc/sysctl.d/60-local.conf"
printf 'net.ipv4.tcp_tw_reuse = 0\n' >"$S/etc/sysctl.conf"
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\nnet.ipv4.tcp_tw_reuse = 1\nnet.ipv4.tcp_keepalive_time = 600\n' >"$SCRATCH/p.ini"

"$T" check --proc-root "$R618" --sysctl-root "$S" --profile "$SCRATCH/p.ini" --format json >"$SCRATCH/json"
check "warnings exit 1" [ $? -eq 1 ]
check "two conflicts" jq -e '[.findings[] | select(.id == "sysctld_conflict")] | length == 2' "$SCRATCH/json" >/dev/null
check "the /etc file hides the same name in /usr/lib" jq -e '.findings[] | select(.id == "sysctld_conflict" and .keys == ["net.ipv4.tcp_fin_timeout"]) | .message | contains("/etc/sysctl.d/60-local.conf:2 sets 50")' "$SCRATCH/json" >/dev/null
check "sysctl.conf only matters for sysctl --system" jq -e '.findings[] | select(.id == "sysctld_conflict" and .keys == ["net.ipv4.tcp_tw_reuse"]) | .evidence | contains("leaves it alone at boot")' "$SCRATCH/json" >/dev/null

# Debian's link makes sysctl.conf part of the boot as well.
ln -s ../sysctl.conf "$S/etc/sysctl.d/99-sysctl.conf"
"$T" check --proc-root "$R618" --sysctl-root "$S" --profile "$SCRATCH/p.ini" >"$SCRATCH/out"
check "text names the file that wins at boot" grep -q "sysctld_conflict: net.ipv4.tcp_tw_reuse: /etc/sysctl.d/99-sysctl.conf:1 sets 0, the profile 1" "$SCRATCH/out"

# Agreeing files, and no profile: nothing to say.
printf 'net.ipv4.tcp_fin_timeout = 30\n' >"$S/etc/sysctl.d/60-local.conf"
printf 'net.ipv4.tcp_tw_reuse = 1\n' >"$S/etc/sysctl.conf"
"$T" check --proc-root "$R618" --sysctl-root "$S" --profile "$SCRATCH/p.ini" --format json >"$SCRATCH/json"
check "agreeing files: the rule says ok" jq -e '[.findings[] | select(.id == "sysctld_conflict")] | length == 1 and .[0].severity == "ok"' "$SCRATCH/json" >/dev/null
"$T" check --proc-root "$R618" --sysctl-root "$S" --format json >"$SCRATCH/json"
check "without a profile the rule is silent" jq -e '[.findings[] | select(.id == "sysctld_conflict")] | length == 0' "$SCRATCH/json" >/dev/null
"$T" --sysctl-root "" check >/dev/null 2>&1
check "empty --sysctl-root is a usage error" [ $? -eq 64 ]
finish
