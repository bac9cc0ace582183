#!/bin/sh
# keepalive_exceeds_nat_idle with real connections: a pod with only a
# private address talks through a router that masquerades to a public
# address.  The rule weighs the ESTABLISHED sockets that cross the NAT
# with keepalive on, their timers as sock_diag shows them, the period
# max(keepalive_time, keepalive_intvl), and conntrack's own established
# timeout where conntrack tracks the pod's connections.  A pod with no
# such connection, and the router for its own keepalive, get no warning.
#
# Everything happens in namespaces this script makes, inside a private pid
# and mount namespace; the host's own sysctls are never touched.
set -u
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"

for tool in ip nft jq unshare; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "$tool is not installed"
done
private_host "$0" "$@"
PEER=$HELPERS/nat-peer
[ -x "$PEER" ] || bail "$PEER is not built"

P=ttkp R=ttkr
tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	ip netns del "$P" 2>/dev/null
	ip netns del "$R" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$P" 2>/dev/null || skip_all "cannot make network namespaces here"
ip netns add "$R" || bail "ip netns add"
# The pod: 10.77.0.2 only.  The router: 10.77.0.1 towards the pod, and
# 11.7.0.1 (a public address, on its loopback) where the server listens;
# it masquerades what leaves towards it.
set -e
ip -n "$R" link add r-p type veth peer name p-r netns "$P"
ip -n "$P" addr add 10.77.0.2/24 dev p-r
ip -n "$R" addr add 10.77.0.1/24 dev r-p
ip -n "$R" addr add 11.7.0.1/32 dev lo
for n in $P $R; do
	ip -n "$n" link set lo up
done
ip -n "$P" link set p-r up
ip -n "$R" link set r-p up
ip -n "$P" route add default via 10.77.0.1
ip netns exec "$R" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
ip netns exec "$R" nft -f - <<'EOF'
table ip ttkr {
	chain post {
		type nat hook postrouting priority 100; policy accept;
		ip saddr 10.77.0.0/24 masquerade
	}
}
EOF
set +e

peer() { # NS OUT ARGS...: a nat-peer, once it said it is ready
	ns=$1 out=$2
	shift 2
	ip netns exec "$ns" "$PEER" "$@" >"$out" 2>&1 &
	pids="$pids $!"
	i=0
	until grep -q '^listening\|^connected' "$out"; do
		i=$((i + 1))
		[ $i -lt 100 ] || bail "nat-peer $* did not get ready: $(cat "$out")"
		sleep 0.1
	done
}
stop_peers() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	pids=
}
# look NS [ARGS]: tcptune check --format json in NS into $tmp/j
look() {
	ns=$1
	shift
	ip netns exec "$ns" "$TCPTUNE" check --format json "$@" >"$tmp/j" 2>"$tmp/err"
	[ $? -le 2 ] || failed "tcptune check in $ns: $(cat "$tmp/err")"
}
field() { # FIELD: of the keepalive finding in $tmp/j
	jq -r "[.findings[] | select(.id == \"keepalive_exceeds_nat_idle\")][0].$1" "$tmp/j"
}
expect() { # what, got, want
	if [ "$2" = "$3" ]; then pass "$1 = $2"; else failed "$1: got '$2', expected '$3'"; fi
}
contains() { # what, text, fixed string
	if printf '%s\n' "$2" | grep -qF -- "$3"; then pass "$1"; else
		failed "$1: '$2' lacks '$3'"
	fi
}
pod_keys() { # TIME INTVL: the pod's own keepalive keys
	ip netns exec "$P" sh -c "echo $1 > /proc/sys/net/ipv4/tcp_keepalive_time;
		echo $2 > /proc/sys/net/ipv4/tcp_keepalive_intvl"
}

# 1. The pod, behind the NAT, with no connection at all: no warning.
look "$P"
expect "pod behind NAT" "$(jq -r .nat.verdict "$tmp/j")" behind_nat_likely
expect "pod without connections: keepalive" "$(field severity)" ok

# The router, for its own keepalive (7200 s): no warning.
look "$R"
expect "router translates" "$(jq -r .nat.verdict "$tmp/j")" this_host_translates
expect "router, its own keepalive" "$(field severity)" ok

# A connection inside the private network only: still nothing crosses.
peer "$R" "$tmp/s0" listen 10.77.0.1 7000
peer "$P" "$tmp/c0" connect 10.77.0.1 7000 3 keepalive
look "$P"
expect "pod, private peer only: keepalive" "$(field severity)" ok
stop_peers

# 2. Long-lived connections beyond the NAT with keepalive at 7200 s:
# warn, with their owner and their timers.
peer "$R" "$tmp/s1" listen 11.7.0.1 7001
peer "$P" "$tmp/c1" connect 11.7.0.1 7001 4 keepalive
cpid=$(echo $pids | awk '{print $2}')
look "$P"
expect "pod, 7200 s keepalive across the NAT" "$(field severity)" warn
contains "their count" "$(field evidence)" "4 with keepalive"
contains "their owner" "$(field evidence)" "(nat-peer) to port 7001"
contains "the probe period" "$(field evidence)" "a probe every max of the two = 7200 s"
stop_peers

# 3. 45/75 against a 60 s middlebox: after the first probe the timer
# re-arms at the interval, so packets cross every 75 s.  (The pod's
# own sockets then carry timers of at most 45 s.)
pod_keys 45 75
printf '[thresholds]\nnat_idle_timeout = 60\n' >"$tmp/t60.ini"
peer "$R" "$tmp/s2" listen 11.7.0.1 7002
peer "$P" "$tmp/c2" connect 11.7.0.1 7002 2 keepalive
look "$P" --profile "$tmp/t60.ini"
expect "45/75 against 60 s" "$(field severity)" warn
contains "45/75: period" "$(field message)" "every 75 s"
stop_peers

# 4. keepalive_time lowered after the connections were made: the
# sysctls are fine, the sockets still carry 7200 s timers until those
# fire.  Warn, and say when they pick it up.
pod_keys 7200 75
peer "$R" "$tmp/s3" listen 11.7.0.1 7003
peer "$P" "$tmp/c3" connect 11.7.0.1 7003 3 keepalive
pod_keys 30 30
look "$P"
expect "lowered after connect: still at risk" "$(field severity)" warn
contains "lowered after connect: timers" "$(field evidence)" "3 of them with a timer over 240 s"
contains "lowered after connect: when" "$(field advice)" "pick a lowered value up only when those fire, within 7"
stop_peers

# New connections after the lowering: their timers follow it; clean.
peer "$R" "$tmp/s4" listen 11.7.0.1 7004
peer "$P" "$tmp/c4" connect 11.7.0.1 7004 3 keepalive
look "$P"
expect "lowered before connect: keepalive" "$(field severity)" ok

# 5. Conntrack in the pod itself tracks its connections and forgets
# established ones after 50 s: that is the timeout to beat.
ip netns exec "$P" nft -f - <<'EOF'
table inet ttkp {
	chain in {
		type filter hook input priority 0; policy accept;
		ct state established accept
	}
}
EOF
if ip netns exec "$P" sh -c 'echo 50 > /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established' 2>/dev/null; then
	stop_peers
	pod_keys 55 30
	peer "$R" "$tmp/s5" listen 11.7.0.1 7005
	peer "$P" "$tmp/c5" connect 11.7.0.1 7005 2 keepalive
	look "$P"
	expect "conntrack 50 s against keepalive 55 s" "$(field severity)" warn
	contains "conntrack's timeout named" "$(field evidence)" "nf_conntrack_tcp_timeout_established"
else
	failed "cannot set the pod's nf_conntrack_tcp_timeout_established"
fi
finish
