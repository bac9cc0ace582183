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

# Socket counts from the census, on sockets this test makes in a network
# namespace of its own: one listener and three connections over loopback.
if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null && command -v python3 >/dev/null; then
	cat >"$SCRATCH/sockets.py" <<'EOP'
import socket, subprocess, sys
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(8)
cli = [socket.create_connection(srv.getsockname()) for _ in range(3)]
acc = [srv.accept()[0] for _ in range(3)]
with open(sys.argv[2], "w") as out:
    sys.exit(subprocess.call([sys.argv[1], "check", "--sysctl-root", sys.argv[3],
                              "--format", "prometheus"], stdout=out))
EOP
	unshare -n sh -c "ip link set lo up && python3 '$SCRATCH/sockets.py' '$T' '$M' '$SCRATCH/none'"
	check "census in a namespace: check ran (exit $?)" [ -s "$M" ]
	promtool check metrics <"$M" >"$SCRATCH/lint" 2>&1
	check "promtool check metrics with socket counts" [ $? -eq 0 ] && [ ! -s "$SCRATCH/lint" ]
	check "one listener" grep -qx 'tcptune_sockets{family="ipv4",state="LISTEN"} 1' "$M"
	check "six established sockets (both ends of three)" grep -qx 'tcptune_sockets{family="ipv4",state="ESTABLISHED"} 6' "$M"
	check "empty states still there as 0" grep -qx 'tcptune_sockets{family="ipv6",state="TIME_WAIT"} 0' "$M"
	check "a NAT verdict" [ "$(grep -c '^tcptune_nat_verdict{verdict="[a-z_]*"} 1$' "$M")" -eq 1 ]
else
	echo "# socket counts not checked: a private network namespace needs root and python3"
fi

"$T" check --format prometheus --proc-root "$R618" --format yaml >/dev/null 2>&1
check "unknown format is still a usage error" [ $? -eq 64 ]
finish
