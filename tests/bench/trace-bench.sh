#!/bin/sh
# make bench-trace: what tracing costs a connection-heavy workload.  In a
# network namespace of its own, `trace-peer bench` makes N loopback
# connections from two client processes to a server (the clients close
# first, so every connection ends in TIME_WAIT) and reports its wall time
# and the CPU time of all its processes.  Rounds alternate a run without
# the tracer and a run with `tcptune trace --netns` attached, so both see
# the same machine; the table gives medians, the ratio of CPU time per
# connection, and the tracer's loss counters, which should stay 0.
#   BENCH_CONNS (default 20000), BENCH_ROUNDS (default 7)
set -u
: "${TCPTUNE:?}" "${BUILDDIR:?}"
PEER="$BUILDDIR/tests/helpers/trace-peer"
N=${BENCH_CONNS:-20000}
R=${BENCH_ROUNDS:-7}
[ "$(id -u)" = 0 ] || { echo "bench-trace: needs root" >&2; exit 77; }
NS="ttbench$$"
dir=$(mktemp -d)
tpid=
cleanup() {
	[ -n "$tpid" ] && kill "$tpid" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add "$NS" || exit 1
ip netns exec "$NS" sh -c 'ip link set lo up && echo "1024 65535" >/proc/sys/net/ipv4/ip_local_port_range'

attached() { ls -l "/proc/$1/fd" 2>/dev/null | grep -q bpf_link; }
run() { # OUT: one workload run, its line into OUT
	ip netns exec "$NS" "$PEER" bench 7600 "$N" 2 >>"$1" || {
		echo "bench-trace: the workload failed" >&2
		exit 1
	}
	sleep 1 # let TIME_WAIT reuse catch up between runs
}
for r in $(seq "$R"); do
	run "$dir/plain"
	"$TCPTUNE" trace --netns "$NS" --duration 600 --format json >"$dir/t$r.json" &
	tpid=$!
	until attached "$tpid"; do sleep 0.05; done
	run "$dir/traced"
	kill -INT "$tpid"
	wait "$tpid"
	tpid=
done

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
col() { awk -v f="$2" '{ for (i = 1; i < NF; i++) if ($i == f) print $(i + 1) }' "$1"; }
per() { awk '{ for (i = 1; i < NF; i++) { if ($i == "conns") n = $(i + 1); if ($i == "cpu") c = $(i + 1) } print c / n * 1e6 }' "$1"; }
rate() { awk '{ for (i = 1; i < NF; i++) { if ($i == "conns") n = $(i + 1); if ($i == "seconds") s = $(i + 1) } print n / s }' "$1"; }
p_cpu=$(per "$dir/plain" | median)
t_cpu=$(per "$dir/traced" | median)
p_rate=$(rate "$dir/plain" | median)
t_rate=$(rate "$dir/traced" | median)
lost=$(cat "$dir"/t*.json | jq -s 'map(.lost.table_full + .lost.close_wait_table_full) | add')
noowner=$(cat "$dir"/t*.json | jq -s 'map(.lost.no_owner) | add')
opened=$(cat "$dir"/t*.json | jq -s 'map([.rows[] | select(.side == "opened") | .counts.opened] | add) | add')
tw=$(cat "$dir"/t*.json | jq -s 'map([.rows[] | .counts.time_wait] | add) | add')

echo "tcptune trace: $R rounds of $N loopback connections (2 clients, 1 server)"
echo
echo "| | connections/s (median) | CPU us per connection (median) |"
echo "|---|---|---|"
printf '| without tracing | %.0f | %.2f |\n' "$p_rate" "$p_cpu"
printf '| with tcptune trace | %.0f | %.2f |\n' "$t_rate" "$t_cpu"
echo
awk -v a="$t_cpu" -v b="$p_cpu" 'BEGIN { printf "- CPU time with / without tracing: **%.3f** (goal at most 1.05)\n", a / b }'
echo "- connections the tracer counted opened: $opened of $((R * N)); TIME_WAIT entries: $tw"
echo "- lost (tables full): **$lost** (goal 0); events on sockets opened before tracing: $noowner"
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
