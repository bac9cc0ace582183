#!/bin/sh
# tcptune trace against real connections in namespaces made here: each
# process counts what it did, and the tracer must say the same of it.
#  A: two clients (200/s, in a cgroup named as a Kubernetes pod's, and
#     20/s) to one server that closes after them: opens and TIME_WAIT
#     charged to each client within 1 %, none to the server; a third
#     client whose server closes first: the server's closes and TIME_WAIT.
#  B: a client out of local ports (EADDRNOTAVAIL), and sockets left in
#     CLOSE_WAIT at times the test records.
# And the ways tracing cannot start: no BTF, no CAP_BPF, lockdown, and a
# SIGKILLed tracer leaving no program behind.  The tracer sees every
# namespace of the host; each run is limited to the namespace made here.
set -u
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"

command -v ip >/dev/null && command -v jq >/dev/null && command -v bpftool >/dev/null ||
	skip_all "needs ip, jq and bpftool"
[ "$(id -u)" = 0 ] || skip_all "needs root"
PEER="$HELPERS/trace-peer"
rc=0
"$TCPTUNE" trace --duration 0.1 >/dev/null 2>"${TMPDIR:-/tmp}/trace-nb.$$" || rc=$?
if grep -q 'not built in' "${TMPDIR:-/tmp}/trace-nb.$$"; then
	# Built --without-bpf (or without clang, libbpf or bpftool): only what
	# that build promises is tested.
	rm -f "${TMPDIR:-/tmp}/trace-nb.$$"
	check "built without the tracer: trace exits 69 ($rc)" [ "$rc" -eq 69 ]
	rc=0
	err=$(unshare -n sh -c "ip link set lo up; exec '$TCPTUNE' check --interval 0.2" 2>&1 >/dev/null) || rc=$?
	check "... and check --interval still runs, saying nothing of tracing ($rc)" \
		sh -c '[ "$1" -le 2 ] && ! echo "$2" | grep -qi "tracing\|bpf"' sh "$rc" "$err"
	finish
	exit $?
fi
rm -f "${TMPDIR:-/tmp}/trace-nb.$$"

tag="tr$$"
A="$tag-a"
B="$tag-b"
C="$tag-c"
# A pod of its own: two runs at once (CI's fresh root beside the host's
# suite) never share a cgroup.
POD_UID=$(cat /proc/sys/kernel/random/uuid)
CID="bb22cc33dd44ee55ff6600778899aa11bb22cc33dd44ee55ff6600778899aa11"
pids=
tpid=
cgdir=
scratch
cleanup() {
	[ -n "$tpid" ] && kill "$tpid" 2>/dev/null
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	ip netns del "$C" 2>/dev/null
	if [ -n "$cgdir" ]; then
		rmdir "$cgdir/cri-containerd-$CID.scope" "$cgdir" 2>/dev/null
	fi
	rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add "$A" && ip netns add "$B" && ip netns add "$C" || skip_all "ip netns add is not permitted here"
ip netns exec "$A" ip link set lo up
ip netns exec "$B" ip link set lo up
ip netns exec "$C" ip link set lo up
before=$(host_sysctls)

# attached PID: the tracer of that pid holds its programs' links.
attached() { ls -l "/proc/$1/fd" 2>/dev/null | grep -q 'bpf_link'; }
# progs PID: the ids of the programs the process holds.
progs() { cat "/proc/$1"/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" { print $2 }' | sort -u; }
# loaded ID...: whether any of these programs is still in the kernel.
loaded() {
	for id in "$@"; do bpftool prog show id "$id" >/dev/null 2>&1 && return 0; done
	return 1
}
# trace_start NS OUT: a tracer of NS in the background ($tpid), attached.
trace_start() {
	"$TCPTUNE" trace --duration 120 --netns "$1" --format json >"$2" 2>"$2.err" &
	tpid=$!
	i=0
	until attached "$tpid"; do
		i=$((i + 1))
		[ $i -lt 100 ] && kill -0 "$tpid" 2>/dev/null ||
			bail "the tracer did not attach: $(cat "$2.err")"
		sleep 0.1
	done
}
trace_stop() {
	kill -INT "$tpid"
	wait "$tpid"
	tpid=
}
ready() { # FILE
	i=0
	until grep -q '^ready' "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || bail "$1 did not get ready"
		sleep 0.1
	done
}
# tvalid FILE [SCHEMA]: the trace (or another document) is valid against
# docs/schema/SCHEMA.schema.json (trace when not given).
tvalid() {
	python3 -c 'import jsonschema' 2>/dev/null || return 0
	check "$(basename "$1") is valid against ${2:-trace}.schema.json" python3 -c '
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
errs = list(jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))))
for e in errs: print("#", "/".join(map(str, e.absolute_path)), e.message[:200])
sys.exit(1 if errs else 0)' "$TESTS_DIR/../docs/schema/${2:-trace}.schema.json" "$1"
}
within() { # GOT WANT PERCENT
	awk -v g="$1" -v w="$2" -v p="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(w > 0 && d <= w * p / 100) }'
}

# --- A: attribution -------------------------------------------------------
cg2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
[ -n "$cg2" ] && [ -w "$cg2" ] || skip_all "no writable cgroup2 hierarchy"
u=$(echo "$POD_UID" | tr - _)
cgdir="$cg2/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod$u.slice"
mkdir -p "$cgdir/cri-containerd-$CID.scope" || skip_all "cannot make a cgroup"

ip netns exec "$A" "$PEER" serve 7100 >"$SCRATCH/srv" &
srv=$!
pids="$pids $srv"
ip netns exec "$A" "$PEER" serve 7101 first >"$SCRATCH/srv1" &
srv1=$!
pids="$pids $srv1"
ip netns exec "$A" "$PEER" serve 7102 >"$SCRATCH/srv2" &
pids="$pids $!"
ready "$SCRATCH/srv"
ready "$SCRATCH/srv1"
ready "$SCRATCH/srv2"
trace_start "$A" "$SCRATCH/a.json"
# Client 1 enters the pod's cgroup before it runs (ip netns exec mounts a
# /sys of its own, without the cgroup hierarchy).
sh -c 'echo $$ >"$1/cgroup.procs" && exec ip netns exec "$2" "$3" client 7100 200 5' sh \
    "$cgdir/cri-containerd-$CID.scope" "$A" "$PEER" >"$SCRATCH/c1" &
c1=$!
ip netns exec "$A" "$PEER" client 7100 20 5 >"$SCRATCH/c2" &
c2=$!
ip netns exec "$A" "$PEER" client 7101 20 5 wait >"$SCRATCH/c3" &
c3=$!
ip netns exec "$A" "$PEER" abort 7102 6 >"$SCRATCH/c4" &
c4=$!
# watch traces too: one sample of 3 s while the clients run.
nsenter --net="/run/netns/$A" "$TCPTUNE" watch --interval 3 --count 1 --format json \
    >"$SCRATCH/watch.json" 2>"$SCRATCH/watch.err" &
wpid=$!
wait $c1 $c2 $c3 $c4 $wpid
sleep 1 # the last FINs
trace_stop
check "the trace of $A parses" jq -e . "$SCRATCH/a.json" >/dev/null || bail "no JSON: $(cat "$SCRATCH/a.json.err")"
tvalid "$SCRATCH/a.json"

row() { # PID SIDE PORT FILTER
	jq -r --argjson p "$1" --arg s "$2" --argjson port "$3" \
	    "[.rows[] | select(.pid == \$p and .side == \$s and (.peer.port // .local_port) == \$port)] | if length == 0 then 0 else (.[0] | $4) end" \
	    "$SCRATCH/a.json"
}
for c in c1 c2; do
	eval "cp=\$$c"
	made=$(awk '/^made/ { print $2 }' "$SCRATCH/$c")
	got=$(row "$cp" opened 7100 .counts.opened)
	check "$c: opened $got = its own count $made (1 %)" within "$got" "$made" 1
	got=$(row "$cp" opened 7100 .counts.time_wait)
	check "$c: TIME_WAIT $got = its own count $made (1 %)" within "$got" "$made" 1
	got=$(row "$cp" opened 7100 .counts.closed_first)
	check "$c: it closed first $got times ($made)" within "$got" "$made" 1
done
check "client 1 is named by its pod's cgroup" [ "$(row "$c1" opened 7100 .cgroup.workload)" = "pod/$POD_UID" ]
check "client 1's cgroup path is the pod's container scope" \
	[ "$(row "$c1" opened 7100 .cgroup.path)" = "${cgdir#"$cg2"}/cri-containerd-$CID.scope" ]
check "client 2 is in no pod" [ "$(row "$c2" opened 7100 .cgroup.workload)" = null ]
check "nothing opened or in TIME_WAIT is charged to the server" \
	[ "$(jq --argjson p "$srv" '[.rows[] | select(.pid == $p) | .counts.opened + .counts.time_wait] | add // 0' "$SCRATCH/a.json")" = 0 ]
made1=$(awk '/^made/ { print $2 }' "$SCRATCH/c1")
made2=$(awk '/^made/ { print $2 }' "$SCRATCH/c2")
got=$(row "$srv" accepted 7100 .counts.accepted)
check "the server accepted $got = the clients' $((made1 + made2)) (1 %)" within "$got" $((made1 + made2)) 1
got=$(jq --argjson p "$c1" '[.trace.rows[] | select(.pid == $p and .side == "opened") | .counts.opened] | add // 0' "$SCRATCH/watch.json")
check "watch's sample carries the trace: client 1 opened $got in 3 s (about 600)" \
	[ "$got" -gt 300 ] && [ "$got" -le "$made1" ]
check "... named by its pod" \
	[ "$(jq -r --argjson p "$c1" '[.trace.rows[] | select(.pid == $p)][0].cgroup.workload' "$SCRATCH/watch.json")" = "pod/$POD_UID" ]
aborted=$(awk '/^aborted/ { print $2 }' "$SCRATCH/c4")
got=$(row "$c4" opened 7102 .counts.resets_sent)
check "a client that aborts (SO_LINGER 0): resets sent $got = its own count $aborted" \
	[ "$got" = "$aborted" ] && [ "$aborted" -eq 6 ]
check "... and no TIME_WAIT for it" [ "$(row "$c4" opened 7102 .counts.time_wait)" = 0 ]
made3=$(awk '/^made/ { print $2 }' "$SCRATCH/c3")
got=$(row "$srv1" accepted 7101 .counts.closed_first)
check "the server that closes first: its closes $got = client 3's $made3 (1 %)" within "$got" "$made3" 1
got=$(row "$srv1" accepted 7101 .counts.time_wait)
check "... and its TIME_WAIT $got (1 %)" within "$got" "$made3" 1
check "... and client 3 has none" [ "$(row "$c3" opened 7101 .counts.time_wait)" = 0 ]
got=$(row "$c3" opened 7101 .counts.peer_closed_first)
check "... client 3 saw the peer close first $got times ($made3)" within "$got" "$made3" 1
check "every row is of $A's namespace, none of another's" \
	[ "$(jq -c '[.rows[].netns.inode] | unique' "$SCRATCH/a.json")" = "[$(stat -L -c %i "/run/netns/$A")]" ]
check "nothing was lost" [ "$(jq '.lost.table_full + .lost.close_wait_table_full' "$SCRATCH/a.json")" = 0 ]

# --- B: EADDRNOTAVAIL and CLOSE_WAIT ---------------------------------------
ip netns exec "$B" sh -c 'echo "40000 40009" >/proc/sys/net/ipv4/ip_local_port_range'
# SYNs to port 7998 vanish (ETIMEDOUT after one retransmission); nothing
# listens on 7999 (ECONNREFUSED).
ip netns exec "$B" sh -c 'echo 1 >/proc/sys/net/ipv4/tcp_syn_retries &&
	nft add table inet tt && nft add chain inet tt in "{ type filter hook input priority 0; }" &&
	nft add rule inet tt in tcp dport 7998 drop' || bail "cannot set up $B"
ip netns exec "$B" "$PEER" serve 7200 >"$SCRATCH/srvb" &
pids="$pids $!"
ready "$SCRATCH/srvb"
trace_start "$B" "$SCRATCH/b.json"
# Beside it, every namespace at once, as Prometheus metrics.
"$TCPTUNE" trace --all-namespaces --duration 120 --format prometheus >"$SCRATCH/all.prom" \
    2>"$SCRATCH/all.err" &
apid=$!
pids="$pids $apid"
i=0
until attached "$apid"; do
	i=$((i + 1))
	[ $i -lt 100 ] || bail "the tracer of every namespace did not attach: $(cat "$SCRATCH/all.err")"
	sleep 0.1
done
ip netns exec "$B" "$PEER" exhaust 7200 40 >"$SCRATCH/ex" &
ex=$!
pids="$pids $ex"
ip netns exec "$B" "$PEER" closewait 7300 5 200 >"$SCRATCH/cw" &
cw=$!
pids="$pids $cw"
ip netns exec "$B" "$PEER" fail 127.0.0.1 7998 5 >"$SCRATCH/tmo" &
tmo=$!
ip netns exec "$B" "$PEER" fail 127.0.0.1 7999 7 >"$SCRATCH/ref" &
ref=$!
pids="$pids $tmo $ref"
i=0
until grep -q '^done' "$SCRATCH/cw" && grep -q '^made' "$SCRATCH/ex" &&
    grep -q '^refused' "$SCRATCH/tmo" && grep -q '^refused' "$SCRATCH/ref"; do
	i=$((i + 1))
	[ $i -lt 100 ] || bail "the helpers of $B did not finish"
	sleep 0.1
done
trace_stop
kill -INT "$apid"
wait "$apid"
tvalid "$SCRATCH/b.json"
bsum() { # PID COUNTER: the trace of B's sum of COUNTER over PID's rows
	jq --argjson p "$1" "[.rows[] | select(.pid == \$p) | .counts.$2] | add // 0" "$SCRATCH/b.json"
}
want=$(awk '/^refused/ { print $4 }' "$SCRATCH/tmo")
check "ETIMEDOUT: $(bsum "$tmo" connect_failed_etimedout) = the client's own count $want" \
	[ "$(bsum "$tmo" connect_failed_etimedout)" = "$want" ] && [ "$want" -eq 5 ]
# The namespace's own counter is the oracle: nothing else there sends a SYN
# twice.
syn=$(ip netns exec "$B" nstat -az TcpExtTCPSynRetrans | awk '$1 == "TcpExtTCPSynRetrans" { print $2 }')
check "... SYN retransmissions $(bsum "$tmo" syn_retransmits) = the kernel's TcpExtTCPSynRetrans $syn" \
	[ "$(bsum "$tmo" syn_retransmits)" = "$syn" ] && [ "$syn" -gt 0 ]
want=$(awk '/^refused/ { print $2 }' "$SCRATCH/ref")
check "ECONNREFUSED: $(bsum "$ref" connect_failed_econnrefused) = the client's own count $want" \
	[ "$(bsum "$ref" connect_failed_econnrefused)" = "$want" ] && [ "$want" -eq 7 ]
check "... each a reset received ($(bsum "$ref" resets_received))" \
	[ "$(bsum "$ref" resets_received)" = "$want" ]
failed=$(awk '/^made/ { print $4 }' "$SCRATCH/ex")
got=$(jq --argjson p "$ex" '[.rows[] | select(.pid == $p) | .counts.connect_failed_eaddrnotavail] | add // 0' "$SCRATCH/b.json")
check "EADDRNOTAVAIL: $got = the client's own count $failed" [ "$got" = "$failed" ] && [ "$failed" -gt 0 ]
made=$(awk '/^made/ { print $2 }' "$SCRATCH/ex")
got=$(jq --argjson p "$ex" '[.rows[] | select(.pid == $p) | .counts.opened] | add // 0' "$SCRATCH/b.json")
check "... its opens $got = its connections made $made" [ "$got" = "$made" ]
got=$(awk -v p="pid=\"$ex\"" -v n="netns=\"$B\"" \
    'index($0, p) && index($0, n) && index($0, "event=\"connect_failed_eaddrnotavail\"") { print $NF }' \
    "$SCRATCH/all.prom")
check "--all-namespaces --format prometheus: $B named, the same $failed failures ($got)" \
	[ "$got" = "$failed" ]
if command -v promtool >/dev/null; then
	check "promtool check metrics accepts the trace's metrics" promtool_ok "$SCRATCH/all.prom"
fi
jq -r --argjson p "$cw" '[.close_wait[] | select(.pid == $p) | .entered] | sort | .[]' "$SCRATCH/b.json" >"$SCRATCH/cw.got"
awk '/^closed/ { print $2 }' "$SCRATCH/cw" >"$SCRATCH/cw.want"
check "five sockets in CLOSE_WAIT, all the helper's" [ "$(wc -l <"$SCRATCH/cw.got")" = 5 ]
check "each entered CLOSE_WAIT when the test closed its peer (50 ms)" \
	awk 'NR == FNR { w[FNR] = $1; next } { d = $1 - w[FNR]; if (d < 0) d = -d; if (d > 0.05) bad = 1 } END { exit bad || NR != 10 }' \
	"$SCRATCH/cw.want" "$SCRATCH/cw.got"

# --- C: check --interval traces, and the port finding names the opener --
ip netns exec "$C" sh -c 'echo "40000 40009" >/proc/sys/net/ipv4/ip_local_port_range'
ip netns exec "$C" "$PEER" serve 7400 >"$SCRATCH/srvc" &
pids="$pids $!"
ready "$SCRATCH/srvc"
# nsenter keeps the host's /sys, where the cgroup hierarchy is.
nsenter --net="/run/netns/$C" "$TCPTUNE" check --interval 6 --format json \
    >"$SCRATCH/check.json" 2>"$SCRATCH/check.err" &
tpid=$!
i=0
until attached "$tpid"; do
	i=$((i + 1))
	[ $i -lt 100 ] || bail "check --interval did not start its tracer: $(cat "$SCRATCH/check.err")"
	sleep 0.1
done
sh -c 'echo $$ >"$1/cgroup.procs" && exec ip netns exec "$2" "$3" exhaust 7400 30 50' sh \
    "$cgdir/cri-containerd-$CID.scope" "$C" "$PEER" >"$SCRATCH/exc" &
exc=$!
pids="$pids $exc"
wait "$tpid"
tpid=
failed=$(awk '/^made/ { print $4 }' "$SCRATCH/exc")
msg=$(jq -r '.findings[] | select(.id == "census_port_pressure") | .message' "$SCRATCH/check.json")
echo "# $msg"
check "the port finding names the process and its pod" \
	sh -c 'echo "$1" | grep -qF "opened by trace-peer[$2] in pod/$3"' sh "$msg" "$exc" "$POD_UID"
check "... and the connect() calls that failed ($failed)" \
	sh -c 'echo "$1" | grep -qF "and $2 connect() calls already failed"' sh "$msg" "$failed"
got=$(jq --argjson p "$exc" '[.trace.rows[] | select(.pid == $p) | .counts.connect_failed_eaddrnotavail] | add // 0' "$SCRATCH/check.json")
check "check's JSON carries the trace: the same $failed failures ($got)" [ "$got" = "$failed" ]
tvalid "$SCRATCH/check.json" check
rc=0
nsenter --net="/run/netns/$C" capsh --drop=cap_bpf,cap_perfmon,cap_sys_admin -- -c \
    "exec '$TCPTUNE' check --interval 1 --format json" >"$SCRATCH/check2.json" 2>"$SCRATCH/check2.err" || rc=$?
msg=$(jq -r '.findings[] | select(.id == "census_port_pressure") | .message' "$SCRATCH/check2.json")
check "without CAP_BPF check --interval still reports the port finding (exit $rc)" \
	sh -c 'echo "$1" | grep -q "hold 100% of the ephemeral ports"' sh "$msg"
check "... without naming anyone, and says nothing of tracing" \
	sh -c '! echo "$1" | grep -q "opened by" && ! grep -qi "tracing\|bpf" "$2"' sh "$msg" "$SCRATCH/check2.err"

# --- what cannot start ----------------------------------------------------
rc=0
"$TCPTUNE" trace --duration 1 --btf "$SCRATCH/no-such-btf" 2>"$SCRATCH/e" || rc=$?
check "no BTF: exit 69 ($rc)" [ "$rc" -eq 69 ]
check "... saying so" grep -q "no BTF type information at $SCRATCH/no-such-btf" "$SCRATCH/e"
# Hostile --btf paths: each refused as no BTF, none followed or blocked on.
mkfifo "$SCRATCH/fifo"
ln -s "$SCRATCH/nothing" "$SCRATCH/dangling"
for p in "$SCRATCH/fifo" /dev/null "$SCRATCH" "$SCRATCH/dangling"; do
	rc=0
	timeout 10 "$TCPTUNE" trace --duration 0.1 --btf "$p" 2>"$SCRATCH/e" || rc=$?
	check "--btf $(basename "$p"): exit 69 ($rc), no BTF there" \
		sh -c '[ "$1" -eq 69 ] && grep -q "no BTF type information" "$2"' sh "$rc" "$SCRATCH/e"
done
rc=0
timeout 10 env TCPTUNE_LOCKDOWN_FILE="$SCRATCH/fifo" "$TCPTUNE" trace --duration 0.1 \
    --netns "$A" >/dev/null 2>&1 || rc=$?
check "a FIFO as the lockdown file is not waited on ($rc)" [ "$rc" -eq 0 ]
for d in 0 -1 abc 1e9 nan; do
	rc=0
	"$TCPTUNE" trace --duration "$d" 2>/dev/null || rc=$?
	check "--duration $d: usage error ($rc)" [ "$rc" -eq 64 ]
done
rc=0
"$TCPTUNE" trace --netns "$A" --all-namespaces 2>/dev/null || rc=$?
check "--netns with --all-namespaces: usage error ($rc)" [ "$rc" -eq 64 ]
rc=0
"$TCPTUNE" trace --netns "$tag-none" 2>/dev/null || rc=$?
check "a namespace that does not exist: exit 66 ($rc)" [ "$rc" -eq 66 ]
rc=0
"$TCPTUNE" trace --duration 0.1 --netns "$A" >/dev/full 2>/dev/null || rc=$?
check "a report that cannot be written: exit 70 ($rc)" [ "$rc" -eq 70 ]
echo "none integrity [confidentiality]" >"$SCRATCH/lockdown"
rc=0
TCPTUNE_LOCKDOWN_FILE="$SCRATCH/lockdown" "$TCPTUNE" trace --duration 1 2>"$SCRATCH/e" || rc=$?
check "lockdown (confidentiality): exit 77 ($rc)" [ "$rc" -eq 77 ]
check "... saying so" grep -q "lockdown" "$SCRATCH/e"
if command -v capsh >/dev/null; then
	rc=0
	capsh --drop=cap_bpf,cap_perfmon,cap_sys_admin -- -c "exec '$TCPTUNE' trace --duration 1" \
	    2>"$SCRATCH/e" || rc=$?
	check "without CAP_BPF: exit 77 ($rc)" [ "$rc" -eq 77 ]
	check "... saying which capabilities" grep -q "CAP_BPF and CAP_PERFMON" "$SCRATCH/e"
fi
"$TCPTUNE" trace --duration 60 --netns "$A" >/dev/null 2>&1 &
tpid=$!
i=0
until attached "$tpid" || [ $i -ge 100 ]; do i=$((i + 1)); sleep 0.1; done
check "a running tracer has its programs attached" attached "$tpid"
ids=$(progs "$tpid")
check "... $(echo $ids | wc -w) programs, loaded" loaded $ids
kill -KILL "$tpid"
wait "$tpid" 2>/dev/null
tpid=
i=0
while loaded $ids && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
check "a SIGKILLed tracer leaves none of its programs behind" sh -c "! bpftool prog list | grep -qE '^($(echo $ids | tr ' ' '|')):'"
check "the host's keys did not move" [ "$(host_sysctls)" = "$before" ]
finish
