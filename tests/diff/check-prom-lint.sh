#!/bin/sh
# Every Prometheus output through the real `promtool check metrics`, which
# must exit 0 and complain of nothing: a fixture tree, a failed check, the
# host with and without --interval, --netns and --all-namespaces, each
# twice over one state directory so the second run carries the counters'
# rates since the first.  Two namespaces known only by the same command
# keep their netns labels whatever order they are listed in.  It runs in a
# private pid and mount namespace (private_host), so "every namespace" is
# the host's and the ones made here.
set -u
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"

need_promtool
command -v nsenter >/dev/null && command -v python3 >/dev/null ||
	skip_all "needs nsenter and python3"
private_host "$0" "$@"
T=$TCPTUNE
R618=$FIXTURES/proc-6.18
pids=
scratch
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
S=$SCRATCH/state
mkdir -m 0700 "$S" "$SCRATCH/none"
n=0

# lint NAME FILE: promtool exits 0 and says nothing.
lint() {
	n=$((n + 1))
	if promtool_ok "$2"; then
		pass "promtool: $1"
	else
		failed "promtool: $1: $(head -3 "$2.lint" | tr '\n' ' ')"
	fi
}

# The linter must be able to fail: camelCase, and a label set that moves.
printf '# HELP a_fooBar_total x\n# TYPE a_fooBar_total counter\na_fooBar_total 1\n' >"$SCRATCH/bad.prom"
promtool_ok "$SCRATCH/bad.prom"
check "promtool complains of a camelCase counter name" [ $? -ne 0 ]

printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\nnet.ipv4.ip_local_port_range = 20000 60999\n' >"$SCRATCH/p.ini"
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = soon\n' >"$SCRATCH/bad.ini"
"$T" check --proc-root "$R618" --sysctl-root "$SCRATCH/none" --profile "$SCRATCH/p.ini" \
    --format prometheus >"$SCRATCH/fixture.prom" 2>/dev/null
lint "a fixture tree with a profile" "$SCRATCH/fixture.prom"
"$T" check --sysctl-root "$SCRATCH/none" --profile "$SCRATCH/bad.ini" --format prometheus \
    --output "$SCRATCH/failed.prom" 2>/dev/null
lint "a failed check" "$SCRATCH/failed.prom"

# Two namespaces known only by their command (sleep), each with a value of
# its own, and a third holding connections made between two checks.
unshare -n sleep 600 &
x1=$!
unshare -n sleep 600 &
y=$!
pids="$x1 $y"
i=0
while [ "$(readlink /proc/$x1/ns/net)" = "$(readlink /proc/self/ns/net)" ] ||
    [ "$(readlink /proc/$y/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || bail "the sleeps did not get namespaces of their own"
	sleep 0.05
done
nsenter --net=/proc/$x1/ns/net sysctl -qw net.ipv4.tcp_fin_timeout=31 net.ipv4.tcp_keepalive_probes=3 ||
	bail "cannot tune the first namespace"
nsenter --net=/proc/$y/ns/net sysctl -qw net.ipv4.tcp_fin_timeout=32 ||
	bail "cannot tune the second namespace"
nsenter --net=/proc/$x1/ns/net ip link set lo up || bail "no loopback in the first namespace"

# label FILE VALUE: the netns label of the namespace whose fin_timeout is VALUE.
label() {
	sed -n "s/^tcptune_sysctl_value_seconds{netns=\"\\([^\"]*\\)\",key=\"net.ipv4.tcp_fin_timeout\"} $2\$/\\1/p" "$1"
}
# connections N in the first namespace: N connections over its loopback.
connections() {
	nsenter --net=/proc/$x1/ns/net python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
for _ in range(int(sys.argv[1])):
    c = socket.create_connection(s.getsockname()); a, _ = s.accept(); c.close(); a.close()
' "$1"
}

for mode in all netns host; do
	case $mode in
	all) args=--all-namespaces ;;
	netns) args="--netns $x1" ;;
	host) args= ;;
	esac
	rm -f "$S"/counters-*
	"$T" --state-dir "$S" check $args --sysctl-root "$SCRATCH/none" --format prometheus \
	    >"$SCRATCH/$mode.1.prom" 2>"$SCRATCH/$mode.err"
	lint "check ${args:-(the host)}" "$SCRATCH/$mode.1.prom"
	check "check ${args:-(the host)}: no rates on a first run" \
		sh -c "! grep -q '^tcptune_rate_interval_seconds' '$SCRATCH/$mode.1.prom'"
	connections 7
	printf 'tcptune-counters 1\nboot -\nbtime 0\ntime 1\n' >"$S/counters-1-2"
	"$T" --state-dir "$S" check $args --sysctl-root "$SCRATCH/none" --format prometheus \
	    >"$SCRATCH/$mode.2.prom" 2>>"$SCRATCH/$mode.err"
	lint "check ${args:-(the host)}, again over the same state directory" "$SCRATCH/$mode.2.prom"
	check "check ${args:-(the host)}: the second run has rates since the first" \
		grep -q '^tcptune_rate_interval_seconds[{ ]' "$SCRATCH/$mode.2.prom"
	ls "$S" >"$SCRATCH/files.$mode"
done
check "--netns: the namespace's counters file, no other removed" \
	[ "$(grep -c '^counters-' "$SCRATCH/files.netns")" -eq 2 ] && grep -qx counters-1-2 "$SCRATCH/files.netns"
check "--all-namespaces: the file of a namespace no longer there removed" \
	sh -c "! grep -qx counters-1-2 '$SCRATCH/files.all'"

# The rise of ActiveOpens since the previous check is the 7 connections.
for mode in all netns; do
	l=$(label "$SCRATCH/$mode.2.prom" 31)
	sel="{netns=\"$l\"}"
	csel="{netns=\"$l\",counter=\"Tcp_ActiveOpens\"}"
	iv=$(grep -F "tcptune_rate_interval_seconds$sel " "$SCRATCH/$mode.2.prom" | grep -v '^#' | sed 's/.* //')
	rt=$(grep -F "tcptune_netstat_rate_per_second$csel " "$SCRATCH/$mode.2.prom" | grep -v '^#' | sed 's/.* //')
	check "$mode: Tcp_ActiveOpens rose by 7 since the previous check (${rt:-none}/s over ${iv:-none} s)" \
		awk -v i="${iv:-0}" -v r="${rt:--1}" 'BEGIN { d = i * r; exit !(i > 0 && d > 6.9 && d < 7.1) }'
done
check "--all-namespaces: a counters file per namespace read ($(grep -c '^counters-' "$SCRATCH/files.all"))" \
	[ "$(grep -c '^counters-' "$SCRATCH/files.all")" -ge 3 ]

# The same rise in the JSON document of the namespaces.
if command -v jq >/dev/null; then
	"$T" --state-dir "$S" check --all-namespaces --format json >/dev/null 2>&1
	connections 5
	"$T" --state-dir "$S" check --all-namespaces --format json >"$SCRATCH/all.json" 2>/dev/null
	d=$(jq -r '.namespaces[] | select(.sysctl["net.ipv4.tcp_fin_timeout"].value == "31") |
		.rates.counters["Tcp.ActiveOpens"].delta' "$SCRATCH/all.json" 2>/dev/null)
	check "json: Tcp.ActiveOpens rose by 5 since the previous check, in its namespace ($d)" [ "$d" = 5 ]
	check "json: the rates say since when" \
		[ "$(jq -r '[.namespaces[] | select(.rates != null) | .rates.source] | unique | join(",")' "$SCRATCH/all.json")" = last_check ]
fi

"$T" --state-dir "$S" check --interval 0.3 --sysctl-root "$SCRATCH/none" --format prometheus \
    >"$SCRATCH/interval.prom" 2>/dev/null
lint "check --interval" "$SCRATCH/interval.prom"
check "check --interval: measured rates" grep -q '^tcptune_destination_sockets\|^tcptune_rate_interval_seconds ' "$SCRATCH/interval.prom"

# Stable labels: the first namespace listed first, then (its first process
# gone, a later one holding it) listed after the second.
lx=$(label "$SCRATCH/all.2.prom" 31)
ly=$(label "$SCRATCH/all.2.prom" 32)
check "two namespaces of one command, two labels ($lx, $ly)" \
	[ -n "$lx" ] && [ -n "$ly" ] && [ "$lx" != "$ly" ]
nsenter --net=/proc/$x1/ns/net sleep 600 &
x2=$!
pids="$pids $x2"
sleep 0.2
kill "$x1"
wait "$x1" 2>/dev/null
pids="$y $x2"
"$T" check --all-namespaces --sysctl-root "$SCRATCH/none" --profile "$SCRATCH/p.ini" \
    --format prometheus >"$SCRATCH/swapped.prom" 2>/dev/null
lint "check --all-namespaces --profile, listed in the other order" "$SCRATCH/swapped.prom"
check "with the profile's targets, per namespace" \
	grep -q '^tcptune_sysctl_target_port_range_low{netns="host",key="net.ipv4.ip_local_port_range"} 20000$' "$SCRATCH/swapped.prom"
"$T" check --all-namespaces --no-census --format prometheus >"$SCRATCH/nocensus.prom" 2>/dev/null
lint "check --all-namespaces --no-census" "$SCRATCH/nocensus.prom"
"$T" check --all-namespaces --profile "$SCRATCH/bad.ini" --format prometheus \
    --output "$SCRATCH/all-failed.prom" 2>/dev/null
lint "check --all-namespaces that fails" "$SCRATCH/all-failed.prom"
check "the first namespace keeps its label when listed second ($(label "$SCRATCH/swapped.prom" 31))" \
	[ "$(label "$SCRATCH/swapped.prom" 31)" = "$lx" ]
check "the second keeps its own ($(label "$SCRATCH/swapped.prom" 32))" \
	[ "$(label "$SCRATCH/swapped.prom" 32)" = "$ly" ]
# No room for temporary files (a full /tmp, where the namespaces' metrics
# are merged): never a file that looks whole; the failure's own metrics,
# and an exit that says so.
# The binary is copied out first: the build tree itself may be below /tmp.
full=$(mktemp -d /var/tmp/tcptune-full.XXXXXX)
chmod 700 "$full"
cp "$TCPTUNE" "$full/tcptune"
unshare -m sh -c 'mount -t tmpfs -o size=8k tcptune-full /tmp &&
	dd if=/dev/zero of=/tmp/fill bs=4k count=4 2>/dev/null
	exec "$0" --state-dir "$1" check --all-namespaces --no-census --format prometheus \
	    --output "$1/full.prom"' "$full/tcptune" "$full" 2>/dev/null
rc=$?
check "a full /tmp: exit 70 (got $rc)" [ $rc -eq 70 ]
check "a full /tmp: the failure's metrics, not part of a report" \
	sh -c "grep -qx 'tcptune_last_run_success 0' '$full/full.prom' && ! grep -q '^tcptune_sysctl' '$full/full.prom'"
lint "check --all-namespaces with /tmp full" "$full/full.prom"
rm -rf "$full"
check "every output linted ($n)" [ "$n" -ge 12 ]
finish
