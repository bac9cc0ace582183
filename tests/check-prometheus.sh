#!/bin/sh
# check --format prometheus, validated by the real promtool.
. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
scratch
command -v promtool >/dev/null || skip_all "promtool is not installed (Debian package prometheus)"
T=$TCPTUNE
R618=$FIXTURES/proc-6.18
M=$SCRATCH/tcptune.prom
mkdir "$SCRATCH/none"

# promtool itself must be able to fail, or the checks below prove nothing.
printf 'bad metric{x="1"} 1\n' >"$SCRATCH/bad.prom"
promtool check metrics <"$SCRATCH/bad.prom" >/dev/null 2>&1
check "promtool rejects a malformed exposition" [ $? -ne 0 ]

"$T" check --proc-root "$R618" --sysctl-root "$SCRATCH/none" --format prometheus >"$M"
check "clean tree exits 0 in prometheus format too" [ $? -eq 0 ]
promtool check metrics <"$M" >"$SCRATCH/lint" 2>&1
check "promtool check metrics: no problem at all" [ $? -eq 0 ] && [ ! -s "$SCRATCH/lint" ]
check "HELP and TYPE for every family" [ "$(grep -c '^# HELP' "$M")" -eq "$(grep -c '^# TYPE' "$M")" ]
check "key value" grep -qx 'tcptune_sysctl_value{key="net.ipv4.tcp_fin_timeout"} 60' "$M"
check "two-value key as two fields" grep -qx 'tcptune_sysctl_value{key="net.ipv4.ip_local_port_range",field="2"} 60999' "$M"
check "absent key has no value but a state" sh -c "! grep -q 'tcptune_sysctl_value{key=\"net.ipv4.tcp_tw_recycle\"' '$M' &&
	grep -qx 'tcptune_sysctl_state{key=\"net.ipv4.tcp_tw_recycle\",state=\"absent\"} 1' '$M'"
check "findings by severity" grep -qx 'tcptune_findings{severity="critical"} 0' "$M"
check "worst severity 0" grep -qx 'tcptune_worst_severity 0' "$M"
check "one NAT answer" [ "$(grep -c '^tcptune_nat{answer="[a-z]*"} 1$' "$M")" -eq 1 ]
check "no sample timestamps (the textfile collector refuses them)" \
	sh -c "! grep -v '^#' '$M' | sed 's/{[^}]*}//' | awk 'NF != 2' | grep -q ."
check "every series once" sh -c "[ -z \"\$(grep -v '^#' '$M' | sed 's/ [^ ]*\$//' | sort | uniq -d)\" ]"
n=$(grep -v '^#' "$M" | grep -c .)
check "a key table's worth of series ($n)" [ "$n" -gt 80 ]

# A profile whose path needs escaping, a key off its target and a
# sysctl.d file that disagrees: warnings, counted per rule id.
mkdir -p "$SCRATCH/root/etc/sysctl.d"
printf 'net.ipv4.tcp_fin_timeout = 45\n' >"$SCRATCH/root/etc/sysctl.d/90-local.conf"
P="$SCRATCH/we\"b\\x.ini"
printf '[profile]\nnat = yes\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\nnet.ipv4.tcp_keepalive_time = 7200\n' >"$P"
"$T" check --proc-root "$R618" --sysctl-root "$SCRATCH/root" --profile "$P" --format prometheus >"$M"
check "warnings exit 1" [ $? -eq 1 ]
promtool check metrics <"$M" >"$SCRATCH/lint" 2>&1
check "promtool check metrics with a profile" [ $? -eq 0 ] && [ ! -s "$SCRATCH/lint" ]
check "label escaping of the profile path" grep -qF 'profile="'"$SCRATCH"'/we\"b\\x.ini"' "$M"
check "target" grep -qx 'tcptune_sysctl_target{key="net.ipv4.tcp_fin_timeout"} 30' "$M"
check "mismatch" grep -qx 'tcptune_sysctl_matches_profile{key="net.ipv4.tcp_fin_timeout"} 0' "$M"
check "match" grep -qx 'tcptune_sysctl_matches_profile{key="net.ipv4.tcp_keepalive_time"} 1' "$M"
check "sysctl.d conflict counted" grep -qx 'tcptune_finding{id="sysctld_conflict",severity="warn"} 1' "$M"
check "declared NAT" grep -qx 'tcptune_nat{answer="yes"} 1' "$M"
check "worst severity 2 (warn)" grep -qx 'tcptune_worst_severity 2' "$M"
w=$(sed -n 's/^tcptune_findings{severity="warn"} //p' "$M")
sum=$(sed -n 's/^tcptune_finding{id="[^"]*",severity="warn"} //p' "$M" | awk '{ s += $1 } END { print s + 0 }')
check "per-rule counts add up to the severity count ($sum = $w)" [ "$sum" = "$w" ] && [ "$w" -ge 2 ]

"$T" check --format prometheus --proc-root "$R618" --format yaml >/dev/null 2>&1
check "unknown format is still a usage error" [ $? -eq 64 ]
finish
