#!/bin/sh
# check --all-namespaces and --netns against real namespaces made here:
# two `ip netns` names (own values; TIME_WAIT sockets in the second), one
# `unshare -n` process holding CLOSE_WAIT sockets, and, when a cgroup2
# hierarchy is writable, a process in a cgroup named as a Kubernetes pod's.
# Values are compared with `ip netns exec NS sysctl -n` and `nsenter`,
# counts with ss(8) inside, and the host's keys must not move.  It runs in
# a private pid and mount namespace, so "every namespace" is the host's and
# the ones made here, whatever else runs on the machine.
set -u
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"

command -v ip >/dev/null && command -v jq >/dev/null && command -v nsenter >/dev/null ||
	skip_all "needs ip, jq and nsenter"
private_host "$0" "$@"
SOCKETS="$HELPERS/census-sockets"

tag="tt$$"
A="$tag-a"
B="$tag-b"
# A pod of its own: two runs at once (a CI stage beside another) never
# share a cgroup.
POD_UID=$(cat /proc/sys/kernel/random/uuid)
CID="aa11bb22cc33dd44ee55ff6600778899aa11bb22cc33dd44ee55ff6600778899"
pids=
cgdir=
scratch
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	if [ -n "$cgdir" ]; then
		rmdir "$cgdir/cri-containerd-$CID.scope" "$cgdir" "$(dirname "$cgdir")" \
		    "$(dirname "$(dirname "$cgdir")")" 2>/dev/null
	fi
	rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "$A" && ip netns add "$B" || skip_all "ip netns add is not permitted here"
before=$(host_sysctls)

# A: tuned by hand, no sockets.
ip netns exec "$A" sh -c 'echo 33 >/proc/sys/net/ipv4/tcp_fin_timeout &&
	echo 600 >/proc/sys/net/ipv4/tcp_keepalive_time' || bail "cannot tune $A"
# B: TIME_WAIT sockets.
ip netns exec "$B" sh -c 'ip link set lo up; echo 0 >/proc/sys/net/ipv4/tcp_tw_reuse;
	echo 44 >/proc/sys/net/ipv4/tcp_fin_timeout'
ip netns exec "$B" "$SOCKETS" -t 60 -b 6000 >"$SCRATCH/b.made" &
pids="$pids $!"
# C: a process of its own namespace holding CLOSE_WAIT sockets (above the
# default close_wait_warn of 100, so their owner is looked for).
unshare -n sh -c 'ip link set lo up; echo 45 >/proc/sys/net/ipv4/tcp_fin_timeout;
	exec "$0" -c 120 -b 7000' "$SOCKETS" >"$SCRATCH/c.made" &
c_pid=$!
pids="$pids $c_pid"

# D: a process in a cgroup named as a pod's, under a writable cgroup2.
cg2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
d_pid=
if [ -n "$cg2" ] && [ -w "$cg2" ]; then
	u=$(echo "$POD_UID" | tr - _)
	cgdir="$cg2/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod$u.slice"
	if mkdir -p "$cgdir/cri-containerd-$CID.scope" 2>/dev/null; then
		unshare -n sleep 300 &
		d_pid=$!
		pids="$pids $d_pid"
		echo "$d_pid" >"$cgdir/cri-containerd-$CID.scope/cgroup.procs" 2>/dev/null || d_pid=
	fi
fi

for f in b c; do
	i=0
	until grep -q '^ready' "$SCRATCH/$f.made" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 300 ] || bail "socket helper $f did not get ready"
		sleep 0.1
	done
done
cw_pid=$(awk '$4 == "close_wait" { print $3 }' "$SCRATCH/c.made")
# TIME_WAIT in B settles once every close() is through.
i=0
while [ "$(ip netns exec "$B" ss -tanH state time-wait | wc -l)" -ne 60 ] && [ $i -lt 50 ]; do
	i=$((i + 1))
	sleep 0.1
done

rc=0
"$TCPTUNE" --state-dir "$SCRATCH/state" check --all-namespaces --format json >"$SCRATCH/all.json" 2>"$SCRATCH/all.err" || rc=$?
check "--all-namespaces exits with the worst namespace's code (CLOSE_WAIT warns: $rc)" [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]
jq -e . "$SCRATCH/all.json" >/dev/null || bail "--all-namespaces JSON does not parse"

ns() { # NAME FILTER: the value FILTER gives for the namespace named NAME
	jq -r --arg n "$1" ".namespaces[] | select(.netns.name == \$n) | $2" "$SCRATCH/all.json"
}
byino() { # INODE FILTER
	jq -r --argjson i "$1" ".namespaces[] | select(.netns.inode == \$i) | $2" "$SCRATCH/all.json"
}
ino_of() { stat -L -c %i "$1"; }

check "the host is listed first, as kind host" \
	[ "$(jq -r '.namespaces | map(select(.netns.kind == "host")) | length' "$SCRATCH/all.json")" = 1 ]
check "host-only keys are shown once, as the host's" \
	[ "$(jq -r '.host_only["net.ipv4.tcp_max_orphans"]' "$SCRATCH/all.json")" = "$(cat /proc/sys/net/ipv4/tcp_max_orphans)" ]
check "the headline counts the namespaces on defaults" \
	jq -e '.headline.text | test("namespaces? on kernel defaults$")' "$SCRATCH/all.json" >/dev/null

for key in tcp_fin_timeout tcp_keepalive_time tcp_tw_reuse; do
	want=$(ip netns exec "$A" sysctl -n "net.ipv4.$key")
	got=$(ns "$A" ".sysctl[\"net.ipv4.$key\"].value")
	check "$A: $key $got = ip netns exec sysctl -n ($want)" [ "$got" = "$want" ]
done
check "$A is kind named, with its path" [ "$(ns "$A" .netns.kind)" = named ] &&
	[ "$(ns "$A" .netns.path)" = "/run/netns/$A" ]
check "$A: no socket" [ "$(ns "$A" .sockets.total)" = 0 ]

want=$(ip netns exec "$B" ss -tanH state time-wait | wc -l)
check "$B: TIME_WAIT $(ns "$B" .sockets.TIME_WAIT) = ss inside ($want)" \
	[ "$(ns "$B" .sockets.TIME_WAIT)" = "$want" ]
check "$B: tcp_fin_timeout = ip netns exec sysctl -n" \
	[ "$(ns "$B" '.sysctl["net.ipv4.tcp_fin_timeout"].value')" = "$(ip netns exec "$B" sysctl -n net.ipv4.tcp_fin_timeout)" ]

c_ino=$(ino_of "/proc/$c_pid/ns/net")
check "the unshare -n namespace is found, named by its process" \
	[ "$(byino "$c_ino" .netns.kind)" = process ] &&
	byino "$c_ino" .netns.name | grep -q "\[$c_pid\]$"
check "its tcp_fin_timeout = nsenter -n sysctl -n" \
	[ "$(byino "$c_ino" '.sysctl["net.ipv4.tcp_fin_timeout"].value')" = "$(nsenter -t "$c_pid" -n sysctl -n net.ipv4.tcp_fin_timeout)" ]
want=$(nsenter -t "$c_pid" -n ss -tanH state close-wait | wc -l)
check "its CLOSE_WAIT $(byino "$c_ino" .sockets.CLOSE_WAIT) = ss inside ($want)" \
	[ "$(byino "$c_ino" .sockets.CLOSE_WAIT)" = "$want" ]
check "the CLOSE_WAIT owner (pid $cw_pid) is named in that namespace" \
	[ "$(byino "$c_ino" '.close_wait_owners[0].pid')" = "$cw_pid" ]
check "no other namespace claims that owner" \
	[ "$(jq --argjson p "$cw_pid" '[.namespaces[] | select(.close_wait_owners != null) | .close_wait_owners[] | select(.pid == $p)] | length' "$SCRATCH/all.json")" = 1 ]
check "its CLOSE_WAIT finding is in its own namespace's findings" \
	[ "$(byino "$c_ino" '[.findings[] | select(.id == "census_close_wait" and .severity == "warn")] | length')" -ge 1 ]

if [ -n "$d_pid" ]; then
	d_ino=$(ino_of "/proc/$d_pid/ns/net")
	check "the process in a pod's cgroup is named as the pod" \
		[ "$(byino "$d_ino" .netns.kind)" = pod ] &&
		[ "$(byino "$d_ino" .netns.pod.uid)" = "$POD_UID" ] &&
		[ "$(byino "$d_ino" .netns.name)" = "pod/$POD_UID" ] &&
		[ "$(byino "$d_ino" .netns.container.id)" = "$CID" ]
	# With a profile: which of the pod's differences its spec can fix.
	# The pod's namespace is on kernel defaults (keepalive_time 7200).
	printf '[sysctl]\nnet.ipv4.tcp_keepalive_time = 600\nnet.ipv4.tcp_tw_reuse = 1\nnet.ipv4.tcp_max_orphans = 4096\n' >"$SCRATCH/pod.ini"
	"$TCPTUNE" --state-dir "$SCRATCH/state" check --all-namespaces --profile "$SCRATCH/pod.ini" --format json >"$SCRATCH/pod.json" 2>/dev/null
	podj() { jq -r --argjson i "$d_ino" ".namespaces[] | select(.netns.inode == \$i) | $1" "$SCRATCH/pod.json"; }
	check "a pod off the profile: the spec can set keepalive_time" \
		[ "$(podj '.pod_spec.safe | join(",")')" = net.ipv4.tcp_keepalive_time ]
	check "a pod off the profile: tw_reuse needs the kubelet's flag" \
		[ "$(podj '.pod_spec.unsafe | join(",")')" = net.ipv4.tcp_tw_reuse ]
	"$TCPTUNE" --state-dir "$SCRATCH/state" check --netns "$d_pid" --profile "$SCRATCH/pod.ini" >"$SCRATCH/pod.txt" 2>/dev/null
	check "a pod off the profile: said in text" \
		grep -q "the pod spec can set (securityContext.sysctls): net.ipv4.tcp_keepalive_time" "$SCRATCH/pod.txt"
	check "a pod off the profile: the export to run" grep -q "tcptune export $SCRATCH/pod.ini" "$SCRATCH/pod.txt"
	# Applying it by hand lasts until the pod restarts: the advice says
	# what survives (the pod spec, export), not "apply it".
	check "a pod's drift advice: what survives a restart" \
		[ "$(podj '[.findings[] | select(.id == "profile_mismatch" and .severity == "warn")][0].advice | test("pod spec.*tcptune export")')" = true ]
	check "a pod's drift advice: not 'then apply it'" \
		[ "$(podj '[.findings[] | select(.id == "profile_mismatch") | .advice | select(. != null) | test("then apply it")] | any')" = false ]
else
	echo "# no writable cgroup2 hierarchy: the pod's naming is left to test-netns"
fi

# The document against its schema (docs/schema), the plain check's parts
# by reference.
if python3 -c 'import jsonschema, referencing' 2>/dev/null; then
	cat >"$SCRATCH/validate.py" <<'EOP'
import json, sys
import jsonschema
from referencing import Registry, Resource
d = sys.argv[1]
main = json.load(open(d + "/check-namespaces.schema.json"))
check = json.load(open(d + "/check.schema.json"))
reg = Registry().with_resource(check["$id"], Resource.from_contents(check))
jsonschema.Draft202012Validator.check_schema(main)
v = jsonschema.Draft202012Validator(main, registry=reg)
errors = list(v.iter_errors(json.load(open(sys.argv[2]))))
for e in errors:
    print("#", "/".join(str(p) for p in e.absolute_path), e.message[:200])
sys.exit(1 if errors else 0)
EOP
	SCHEMA=$TESTS_DIR/../docs/schema
	check "--all-namespaces JSON against check-namespaces.schema.json" \
		python3 "$SCRATCH/validate.py" "$SCHEMA" "$SCRATCH/all.json"
	jq '.namespaces[0].error = "gone"' "$SCRATCH/all.json" >"$SCRATCH/bad.json"
	check "the schema refuses a namespace both read and gone" \
		sh -c "! python3 '$SCRATCH/validate.py' '$SCHEMA' '$SCRATCH/bad.json' >/dev/null"
fi

# The text report: the table, the headline, worst first.
"$TCPTUNE" --state-dir "$SCRATCH/state" check --all-namespaces --no-color >"$SCRATCH/all.txt" 2>/dev/null
check "text: the headline" grep -q "namespaces\? on kernel defaults$" "$SCRATCH/all.txt"
check "text: the table has $A's tuned tcp_fin_timeout, marked off the default" \
	grep -Eq "^$A +named .*33\*" "$SCRATCH/all.txt"
# Worst first: the namespace warning of CLOSE_WAIT before $A, which has
# nothing above info (other tests' namespaces may come anywhere).
c_line=$(grep -n "^== .*\[$c_pid\] " "$SCRATCH/all.txt" | cut -d: -f1)
a_line=$(grep -n "^== $A " "$SCRATCH/all.txt" | cut -d: -f1)
check "text: $A has nothing above info" \
	[ "$(ns "$A" '.summary.warn + .summary.critical')" = 0 ]
check "text: worst first, the namespace with the CLOSE_WAIT warning before $A ($c_line < $a_line)" \
	[ -n "$c_line" ] && [ -n "$a_line" ] && [ "$c_line" -lt "$a_line" ]

# One namespace, by name, by path and by pid.
"$TCPTUNE" --state-dir "$SCRATCH/state" check --netns "$A" --format json >"$SCRATCH/a.json" 2>/dev/null
check "--netns NAME: one namespace, that one" \
	[ "$(jq -r '.namespaces | length' "$SCRATCH/a.json")" = 1 ] &&
	[ "$(jq -r '.namespaces[0].netns.name' "$SCRATCH/a.json")" = "$A" ]
"$TCPTUNE" --state-dir "$SCRATCH/state" check --netns "/run/netns/$B" --format json >"$SCRATCH/b.json" 2>/dev/null
check "--netns PATH" [ "$(jq -r '.namespaces[0].netns.name' "$SCRATCH/b.json")" = "$B" ]
rc=0
"$TCPTUNE" --state-dir "$SCRATCH/state" check --netns "$c_pid" --format json >"$SCRATCH/c.json" 2>/dev/null || rc=$?
check "--netns PID, with its warning's exit code ($rc)" [ "$rc" -eq 1 ] &&
	[ "$(jq -r '.namespaces[0].netns.inode' "$SCRATCH/c.json")" = "$c_ino" ]

rc=0
"$TCPTUNE" --state-dir "$SCRATCH/state" check --netns "$tag-none" >/dev/null 2>"$SCRATCH/err" || rc=$?
check "--netns with an unknown name: exit 66 and why ($rc)" [ "$rc" -eq 66 ] &&
	grep -q "no such" "$SCRATCH/err"
rc=0
"$TCPTUNE" --state-dir "$SCRATCH/state" check --netns /etc/hostname >/dev/null 2>"$SCRATCH/err" || rc=$?
check "--netns with a file that is no namespace: exit 65 ($rc)" [ "$rc" -eq 65 ] &&
	grep -q "not a network namespace" "$SCRATCH/err"
rc=0
"$TCPTUNE" --state-dir "$SCRATCH/state" check --netns "$A" --all-namespaces >/dev/null 2>&1 || rc=$?
check "--netns and --all-namespaces together: usage error ($rc)" [ "$rc" -eq 64 ]

# Prometheus: one family once, every sample with a netns label, no pid in it.
"$TCPTUNE" --state-dir "$SCRATCH/state" check --all-namespaces --format prometheus >"$SCRATCH/all.prom" 2>/dev/null
if PROMTOOL=$(promtool_path); then
	check "promtool accepts the namespaces' metrics" promtool_ok "$SCRATCH/all.prom"
fi
check "each family's HELP once" [ -z "$(grep '^# HELP' "$SCRATCH/all.prom" | sort | uniq -d)" ]
check "the netns label names $A" grep -q "^tcptune_sysctl_value_seconds{netns=\"$A\",key=\"net.ipv4.tcp_fin_timeout\"} 33$" "$SCRATCH/all.prom"
check "no netns label carries a pid" sh -c "! grep -o 'netns=\"[^\"]*\"' '$SCRATCH/all.prom' | grep -q '\\['"

# Without CAP_SYS_ADMIN: said, and what can be seen is audited.
if command -v setpriv >/dev/null &&
	setpriv --bounding-set -sys_admin --inh-caps -sys_admin true 2>/dev/null; then
	nocap() { setpriv --bounding-set -sys_admin --inh-caps -sys_admin "$TCPTUNE" "$@"; }
	rc=0
	nocap check --all-namespaces --format json >"$SCRATCH/nocap.json" 2>"$SCRATCH/nocap.err" || rc=$?
	check "without CAP_SYS_ADMIN: said on standard error ($rc)" grep -q "CAP_SYS_ADMIN" "$SCRATCH/nocap.err"
	check "without CAP_SYS_ADMIN: the own namespace is still audited" \
		[ "$(jq -r '[.namespaces[] | select(.netns.kind == "host" and .error == null)] | length' "$SCRATCH/nocap.json")" = 1 ]
	check "without CAP_SYS_ADMIN: $A is listed as not permitted" \
		[ "$(jq -r --arg n "$A" '.namespaces[] | select(.netns.name == $n) | .error' "$SCRATCH/nocap.json")" = "not permitted" ]
	rc=0
	nocap check --netns "$A" >/dev/null 2>"$SCRATCH/nocap.err" || rc=$?
	check "without CAP_SYS_ADMIN: --netns exits 77 ($rc)" [ "$rc" -eq 77 ]
fi

# A namespace gone between the listing and its turn: its file no longer
# leads to a namespace.  On a copied proc tree every listed namespace is
# such a file; each is reported as gone and the run is no failure.
cp -r "$FIXTURES/proc-6.18" "$SCRATCH/proc"
mkdir -p "$SCRATCH/proc/77/ns"
: >"$SCRATCH/proc/77/ns/net"
echo vanished >"$SCRATCH/proc/77/comm"
rc=0
"$TCPTUNE" --state-dir "$SCRATCH/state" check --all-namespaces --proc-root "$SCRATCH/proc" --format json >"$SCRATCH/gone.json" 2>"$SCRATCH/gone.err" || rc=$?
check "a namespace gone before its turn: reported, exit 0 ($rc)" [ "$rc" -eq 0 ] &&
	[ "$(jq -r '.namespaces[] | select(.netns.name == "vanished[77]") | .error' "$SCRATCH/gone.json")" = gone ]
check "... and said on standard error" grep -q "went away while being read" "$SCRATCH/gone.err"

# Plain check is unchanged: no namespaces array.
"$TCPTUNE" --state-dir "$SCRATCH/state" check --format json >"$SCRATCH/plain.json" 2>/dev/null
check "plain check JSON has no namespaces member" [ "$(jq -r 'has("namespaces")' "$SCRATCH/plain.json")" = false ]

after=$(host_sysctls)
check "the host's keys did not move" [ "$before" = "$after" ]
finish
