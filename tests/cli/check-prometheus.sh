#!/bin/sh
# check --format prometheus, validated by the real promtool.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
need_promtool
T=$TCPTUNE
R618=$FIXTURES/proc-6.18
M=$SCRATCH/tcptune.prom
mkdir "$SCRATCH/none"

# promtool itself must be able to fail, or the checks below prove nothing.
printf 'bad metric{x="1"} 1\n' >"$SCRATCH/bad.prom"
"$PROMTOOL" check metrics <"$SCRATCH/bad.prom" >/dev/null 2>&1
check "promtool rejects a malformed exposition" [ $? -ne 0 ]

"$T" check --proc-root "$R618" --sysctl-root "$SCRATCH/none" --format prometheus >"$M"
check "clean tree exits 0 in prometheus format too" [ $? -eq 0 ]
check "promtool check metrics: no problem at all" promtool_ok "$M"
check "HELP and TYPE for every family" [ "$(grep -c '^# HELP' "$M")" -eq "$(grep -c '^# TYPE' "$M")" ]
check "a time in seconds" grep -qx 'tcptune_sysctl_value_seconds{key="net.ipv4.tcp_fin_timeout"} 60' "$M"
check "milliseconds as seconds" grep -qx 'tcptune_sysctl_value_seconds{key="net.ipv4.tcp_tw_reuse_delay"} 1.000' "$M"
check "a count" grep -qx 'tcptune_sysctl_value{key="net.core.somaxconn"} 4096' "$M"
check "a port range's ends, each in a family of its own" \
	grep -qx 'tcptune_sysctl_value_port_range_high{key="net.ipv4.ip_local_port_range"} 60999' "$M"
check "no family mixes label sets: only key (and netns) on the key families" \
	sh -c "! grep '^tcptune_sysctl_[a-z_]*{' '$M' | grep -v '^tcptune_sysctl_state' | grep -q 'field='"
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
check "promtool check metrics with a profile" promtool_ok "$M"
check "label escaping of the profile path" grep -qF 'profile="'"$SCRATCH"'/we\"b\\x.ini"' "$M"
check "target" grep -qx 'tcptune_sysctl_target_seconds{key="net.ipv4.tcp_fin_timeout"} 30' "$M"
check "mismatch" grep -qx 'tcptune_sysctl_matches_profile{key="net.ipv4.tcp_fin_timeout"} 0' "$M"
check "match" grep -qx 'tcptune_sysctl_matches_profile{key="net.ipv4.tcp_keepalive_time"} 1' "$M"
check "sysctl.d conflict: one series for the rule, its severity as the value" \
	grep -qx 'tcptune_finding_severity{id="sysctld_conflict"} 2' "$M"
check "no series moves its severity label any more" sh -c "! grep -q '^tcptune_finding{' '$M'"
check "declared NAT" grep -qx 'tcptune_nat{answer="yes"} 1' "$M"
check "worst severity 2 (warn)" grep -qx 'tcptune_worst_severity 2' "$M"
check "the run succeeded" grep -qx 'tcptune_last_run_success 1' "$M"
now=$(date +%s)
ts=$(sed -n 's/^tcptune_last_run_timestamp_seconds //p' "$M")
check "the run's timestamp is now ($ts)" [ "$((now - ts))" -ge 0 ] && [ "$((now - ts))" -lt 120 ]
grep '^tcptune_finding_severity{' "$M" | sed 's/ [0-9]*$//' | sort >"$SCRATCH/series.warn"
check "one series per rule id" [ -z "$(sort "$SCRATCH/series.warn" | uniq -d)" ] && [ -s "$SCRATCH/series.warn" ]

# The same rules with the conflict gone: the same series, other values.
rm "$SCRATCH/root/etc/sysctl.d/90-local.conf"
"$T" check --proc-root "$R618" --sysctl-root "$SCRATCH/root" --profile "$P" --format prometheus >"$M"
grep '^tcptune_finding_severity{' "$M" | sed 's/ [0-9]*$//' | sort >"$SCRATCH/series.ok"
check "series stable across runs whose findings differ" cmp -s "$SCRATCH/series.warn" "$SCRATCH/series.ok"
check "the rule's series now says ok" grep -qx 'tcptune_finding_severity{id="sysctld_conflict"} 0' "$M"

# --output: written whole through a temporary file beside it, for every
# format; the textfile collector never sees half a file.
O=$SCRATCH/textfile/tcptune.prom
mkdir "$SCRATCH/textfile"
printf 'old\n' >"$O"
(umask 022 && exec "$T" check --proc-root "$R618" --sysctl-root "$SCRATCH/none" \
    --format prometheus --output "$O" >"$SCRATCH/stdout")
check "--output: exit 0" [ $? -eq 0 ]
check "--output: nothing on standard output" [ ! -s "$SCRATCH/stdout" ]
check "--output: the file replaced" grep -qx 'tcptune_last_run_success 1' "$O"
check "--output: promtool accepts the file" promtool_ok "$O" "$SCRATCH/lint"
check "--output: no temporary file left" [ "$(ls -A "$SCRATCH/textfile")" = tcptune.prom ]
check "--output: readable by the collector's user (umask 022)" [ "$(stat -c %a "$O")" = 644 ]
if command -v strace >/dev/null; then
	ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=openat,fsync,rename,renameat,renameat2 -o "$SCRATCH/trace" \
	    "$T" check --proc-root "$R618" --sysctl-root "$SCRATCH/none" --format json --output "$O"
	check "--output: temporary file in the same directory, synced, renamed" \
	    awk -v d="$SCRATCH/textfile/.tcptune.prom." '
		/openat\(/ && index($0, d) { o = 1 }
		/fsync\(/ && o { s = 1 }
		/rename/ && s && index($0, d) { r = 1 }
		END { exit !(o && s && r) }' "$SCRATCH/trace"
	check "--output with json: the file is JSON" jq -e .findings "$O" >/dev/null
fi
"$T" check --proc-root "$R618" --sysctl-root "$SCRATCH/none" --output "$O" --no-color
check "--output with text: the report" grep -q '^OK: nothing wrong' "$O"
"$T" check --proc-root "$R618" --output "$SCRATCH/missing-dir/x.prom" 2>"$SCRATCH/err"
check "--output into a missing directory: 66" [ $? -eq 66 ] && grep -q 'cannot write' "$SCRATCH/err"
"$T" check --proc-root "$R618" --profile "$SCRATCH/no-such.ini" --format prometheus --output "$O" 2>/dev/null
check "a failed check keeps its exit code (66)" [ $? -eq 66 ]
check "a failed check says so in the file" grep -qx 'tcptune_last_run_success 0' "$O"
check "promtool accepts the failure file" promtool_ok "$O" "$SCRATCH/lint"
check "the failure file has no stale findings" sh -c "! grep -q '^tcptune_finding_severity' '$O'"

# Labels with odd bytes: a profile path with a byte that is not UTF-8, a
# tab, a newline, a quote and a backslash is still a valid exposition.
P2=$(printf '%s/odd\377\tna\nme"\\.ini' "$SCRATCH")
cp "$P" "$P2"
"$T" check --proc-root "$R618" --sysctl-root "$SCRATCH/none" --profile "$P2" --format prometheus >"$M"
check "promtool accepts labels with odd bytes" promtool_ok "$M"
check "a byte that is not UTF-8 becomes U+FFFD, a newline \\n" \
	grep -qF "$(printf 'odd\357\277\275\tna\\nme\\"\\\\.ini')" "$M"

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
	check "promtool check metrics with socket counts" promtool_ok "$M"
	check "the counters are there" grep -qx 'tcptune_netstat_total{counter="Tcp_PassiveOpens"} 3' "$M"
	check "one listener" grep -qx 'tcptune_sockets{family="ipv4",state="LISTEN"} 1' "$M"
	check "six established sockets (both ends of three)" grep -qx 'tcptune_sockets{family="ipv4",state="ESTABLISHED"} 6' "$M"
	check "empty states still there as 0" grep -qx 'tcptune_sockets{family="ipv6",state="TIME_WAIT"} 0' "$M"
	o=$(sed -n 's/^tcptune_orphan_sockets //p' "$M")
	k=$(awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "orphan") print $(i + 1) }' /proc/net/sockstat)
	# The host's count moves with what else runs: near, not equal.
	check "the host's orphans ($o) near sockstat's ($k)" \
		awk -v o="${o:--1}" -v k="$k" 'BEGIN { d = o - k; exit !(o >= 0 && d < 100 && d > -100) }'
	check "a NAT verdict" [ "$(grep -c '^tcptune_nat_verdict{verdict="[a-z_]*"} 1$' "$M")" -eq 1 ]
else
	echo "# socket counts not checked: a private network namespace needs root and python3"
fi

"$T" check --format prometheus --proc-root "$R618" --format yaml >/dev/null 2>&1
check "unknown format is still a usage error" [ $? -eq 64 ]
finish
