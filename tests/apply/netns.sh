#!/bin/sh
# plan/apply/status/confirm/rollback --netns and apply --all-namespaces on
# namespaces made here.  The test runs in a private pid and mount
# namespace with its own /run/netns, so that "every namespace" is the ones
# it made (and the host's), never another test's running beside it.
# Each namespace keeps its own journal; the host's keys never move; a
# namespace deleted between apply and rollback is reported.
set -u
. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

command -v ip >/dev/null && command -v nsenter >/dev/null || skip_all "needs ip and nsenter"
private_host "$0" "$@"
scratch
A=tt-a
B=tt-b
S="$SCRATCH/state"
c_pid=
cleanup() {
	[ -n "$c_pid" ] && kill "$c_pid" 2>/dev/null
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "$A" && ip netns add "$B" || bail "ip netns add failed"
unshare -n sleep 300 &
c_pid=$!
before=$(host_sysctls)

P="$SCRATCH/p.ini"
cat >"$P" <<'EOF'
[profile]
nat = no
[sysctl]
net.ipv4.tcp_fin_timeout = 21
net.ipv4.tcp_keepalive_time = 900
EOF
in_ns() { ip netns exec "$1" sysctl -n "net.ipv4.$2"; }
tt() { cmd=$1; shift; "$TCPTUNE" "$cmd" --state-dir "$S" "$@"; }

rc=0
tt plan --netns "$A" "$P" >"$SCRATCH/plan" 2>&1 || rc=$?
check "plan --netns: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "plan --netns reads the namespace's values (60 -> 21)" grep -q "tcp_fin_timeout *60 -> 21" "$SCRATCH/plan"

rc=0
tt apply --netns "$A" "$P" >"$SCRATCH/out" 2>&1 || rc=$?
check "apply --netns: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "apply --netns wrote $A" [ "$(in_ns "$A" tcp_fin_timeout)" = 21 ] &&
	[ "$(in_ns "$A" tcp_keepalive_time)" = 900 ]
check "apply --netns left $B alone" [ "$(in_ns "$B" tcp_fin_timeout)" = 60 ]
check "apply --netns left the host alone" [ "$before" = "$(host_sysctls)" ]
ino_a=$(stat -L -c %i "/run/netns/$A")
cookie_a=$(sed -n "s/.*network namespace $A: cookie \([0-9]*\), inode $ino_a\$/\1/p" "$SCRATCH/out")
check "apply --netns names the namespace, its cookie and inode ($cookie_a)" [ -n "$cookie_a" ]
check "the journal is the namespace's own, by its cookie" [ -f "$S/netns/cookie-$cookie_a/journal" ] &&
	[ ! -e "$S/journal" ] &&
	grep -q "^netns $(stat -L -c %d "/run/netns/$A") $ino_a $cookie_a\$" "$S/netns/cookie-$cookie_a/journal"

rc=0
tt status --netns "$A" >"$SCRATCH/status" 2>&1 || rc=$?
check "status --netns: the namespace's apply, live values matching ($rc)" [ "$rc" -eq 0 ] &&
	grep -q "state: applied" "$SCRATCH/status"
rc=0
tt status >"$SCRATCH/status-host" 2>&1 || rc=$?
check "status without --netns: no apply on the host" sh -c "! grep -q 'state: applied' '$SCRATCH/status-host'"

rc=0
tt rollback --netns "$B" >"$SCRATCH/out" 2>&1 || rc=$?
check "rollback --netns of a namespace never applied: nothing changes ($rc)" \
	[ "$(in_ns "$A" tcp_fin_timeout)" = 21 ]

rc=0
tt rollback --netns "$A" >"$SCRATCH/out" 2>&1 || rc=$?
check "rollback --netns: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "rollback --netns restored $A" [ "$(in_ns "$A" tcp_fin_timeout)" = 60 ] &&
	[ "$(in_ns "$A" tcp_keepalive_time)" = 7200 ]

# The timed confirmation, inside one namespace.
rc=0
tt apply --netns "$B" --confirm 60 "$P" >"$SCRATCH/out" 2>&1 || rc=$?
check "apply --netns --confirm: exit 0 ($rc)" [ "$rc" -eq 0 ] && [ "$(in_ns "$B" tcp_fin_timeout)" = 21 ]
rc=0
tt confirm --netns "$A" >/dev/null 2>&1 || rc=$?
check "confirm --netns of another namespace finds nothing waiting ($rc)" [ "$rc" -eq 1 ]
rc=0
tt confirm --netns "$B" >"$SCRATCH/out" 2>&1 || rc=$?
check "confirm --netns: the namespace's apply kept ($rc)" [ "$rc" -eq 0 ]
tt rollback --netns "$B" >/dev/null 2>&1

# Host-only keys are refused inside a child namespace.
cat >"$SCRATCH/orphans.ini" <<'EOF'
[profile]
nat = no
[sysctl]
net.ipv4.tcp_max_orphans = 65536
EOF
rc=0
tt plan --netns "$A" "$SCRATCH/orphans.ini" >"$SCRATCH/out" 2>&1 || rc=$?
check "plan --netns refuses a host-only key (exit $rc)" [ "$rc" -eq 65 ]

# A namespace deleted between apply and rollback.
tt apply --netns "$A" "$P" >/dev/null 2>&1
ip netns del "$A"
rc=0
tt rollback --netns "$A" >"$SCRATCH/out" 2>&1 || rc=$?
check "rollback --netns of a namespace gone: exit 66 ($rc)" [ "$rc" -eq 66 ]
check "... and it is reported, with where its journal stays" grep -q "is gone.*journal" "$SCRATCH/out"

# Every namespace at once: B and the unshare -n process's, not the host.
rc=0
tt apply --all-namespaces "$P" >"$SCRATCH/all" 2>&1 || rc=$?
cat "$SCRATCH/all"
check "apply --all-namespaces: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "apply --all-namespaces wrote $B" [ "$(in_ns "$B" tcp_fin_timeout)" = 21 ]
check "apply --all-namespaces wrote the unshare -n namespace" \
	[ "$(nsenter -t "$c_pid" -n sysctl -n net.ipv4.tcp_fin_timeout)" = 21 ]
check "apply --all-namespaces says how many" grep -q "^2 namespaces applied, 0 failed" "$SCRATCH/all"
check "apply --all-namespaces left the host alone" [ "$before" = "$(host_sysctls)" ]
rc=0
tt apply --all-namespaces --format json "$P" >/dev/null 2>&1 || rc=$?
check "apply --all-namespaces --format json: usage error ($rc)" [ "$rc" -eq 64 ]

tt rollback --netns "$c_pid" >/dev/null 2>&1
check "rollback --netns PID restored that namespace" \
	[ "$(nsenter -t "$c_pid" -n sysctl -n net.ipv4.tcp_fin_timeout)" = 60 ]
tt rollback --netns "$B" >/dev/null 2>&1
check "rollback --netns NAME restored $B" [ "$(in_ns "$B" tcp_fin_timeout)" = 60 ]
check "the host's keys did not move" [ "$before" = "$(host_sysctls)" ]
finish
