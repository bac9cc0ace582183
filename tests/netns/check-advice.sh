#!/bin/sh
# Findings an operator acts on, each reproduced with real sockets in a
# private network namespace: what the wording, the severity and the exit
# code say must match what the host does now.
set -eu
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"

SOCKETS="$HELPERS/census-sockets"

private_netns "$0" "$@"

scratch
helper=
cleanup() {
	[ -n "$helper" ] && kill "$helper" 2>/dev/null
	rm -rf "$SCRATCH"
}
trap cleanup EXIT
ip link set lo up

# finding FILE ID FIELD: one field of the first finding with that id.
finding() {
	jq -r --arg id "$2" "[.findings[] | select(.id == \$id)][0].$3" "$1"
}
expect() { # what, got, want
	if [ "$2" = "$3" ]; then pass "$1 = $2"; else failed "$1: got '$2', expected '$3'"; fi
}
contains() { # what, text, fixed string
	if printf '%s\n' "$2" | grep -qF -- "$3"; then pass "$1"; else
		failed "$1: '$2' lacks '$3'"
	fi
}
start_helper() { helper_start "$SCRATCH/made" "$SOCKETS" "$@"; }

# 1. A profile that fixes a live risk: keepalive 7200 s behind NAT now,
# 120 s in the profile.  The finding is about now (warn), and says the
# profile fixes it; never a bare ok while the host is at risk.
cat >"$SCRATCH/nat.ini" <<'INI'
[profile]
nat = yes
[sysctl]
net.ipv4.tcp_keepalive_time = 120
INI
rc=0
"$TCPTUNE" check --no-census --profile "$SCRATCH/nat.ini" --format json >"$SCRATCH/j1" || rc=$?
expect "profile fixes keepalive: exit" "$rc" 1
expect "profile fixes keepalive: severity" \
	"$(finding "$SCRATCH/j1" keepalive_exceeds_nat_idle severity)" warn
contains "profile fixes keepalive: message" \
	"$(finding "$SCRATCH/j1" keepalive_exceeds_nat_idle message)" "warn now; fixed by this profile"
contains "profile fixes keepalive: live value in evidence" \
	"$(finding "$SCRATCH/j1" keepalive_exceeds_nat_idle evidence)" "tcp_keepalive_time = 7200 s (current)"
"$TCPTUNE" check --no-census --no-color --all --profile "$SCRATCH/nat.ini" >"$SCRATCH/t1" || true
if grep -q '^\[ok\] *keepalive_exceeds_nat_idle' "$SCRATCH/t1"; then
	failed "text: keepalive_exceeds_nat_idle is a bare ok while the host is at risk"
else
	pass "text: no bare ok for keepalive_exceeds_nat_idle"
fi
# The reverse: fine now, the profile would cause it.
cat >"$SCRATCH/ts.ini" <<'INI'
[sysctl]
net.ipv4.tcp_timestamps = 0
INI
"$TCPTUNE" check --no-census --profile "$SCRATCH/ts.ini" --format json >"$SCRATCH/j1b" || true
expect "profile causes timestamps off: severity" \
	"$(finding "$SCRATCH/j1b" timestamps_off severity)" warn
contains "profile causes timestamps off: message" \
	"$(finding "$SCRATCH/j1b" timestamps_off message)" "ok now; caused by this profile"

# 5. A TIME_WAIT overflow long past: tcp_max_tw_buckets = 0 while a few
# connections close, then the limit back and no TIME_WAIT socket left.
# The counter is cumulative: info, and said to be since the namespace was
# made; no warning about now.
echo 0 >/proc/sys/net/ipv4/tcp_max_tw_buckets
start_helper -t 5
helper_stop
echo 131072 >/proc/sys/net/ipv4/tcp_max_tw_buckets
rc=0
"$TCPTUNE" check --format json >"$SCRATCH/j5" || rc=$?
expect "overflow counted" "$(jq -r '.counters.netns["TcpExt.TCPTimeWaitOverflow"] > 0' "$SCRATCH/j5")" true
expect "no TIME_WAIT now" "$(jq -r '.sockets.TIME_WAIT' "$SCRATCH/j5")" 0
expect "past overflow: severity" "$(finding "$SCRATCH/j5" census_time_wait severity)" info
contains "past overflow: since when" \
	"$(finding "$SCRATCH/j5" census_time_wait message)" "since this network namespace was made"
expect "past overflow: exit" "$rc" 0
expect "cumulative counters named" \
	"$(jq -r '.counters.cumulative | index("TcpExt.TCPTimeWaitOverflow") != null' "$SCRATCH/j5")" true
expect "current counts not cumulative" \
	"$(jq -r '.counters.cumulative | index("TCP.tw") == null' "$SCRATCH/j5")" true
expect "cumulative since" "$(jq -r '.counters.cumulative_since' "$SCRATCH/j5")" namespace
"$TCPTUNE" check --no-color --all >"$SCRATCH/t5" || true
check "text: COUNTERS NOW section" grep -q '^COUNTERS NOW' "$SCRATCH/t5"
check "text: cumulative section" \
	grep -q '^COUNTERS SINCE THIS NETWORK NAMESPACE WAS MADE' "$SCRATCH/t5"
check "text: overflow among the cumulative ones" \
	sh -c "sed -n '/^COUNTERS SINCE/,\$p' '$SCRATCH/t5' | grep -q '^TcpExt.TCPTimeWaitOverflow'"

# 8. Orphaned FIN_WAIT2 minisockets towards a destination are not
# TIME_WAIT: the peers of 5 CLOSE_WAIT sockets.
start_helper -c 5
cw_port=$(awk '$4 == "close_wait" { print $2 }' "$SCRATCH/made")
i=0
while [ "$(ss -tanH state fin-wait-2 | wc -l)" -lt 5 ] && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
"$TCPTUNE" check --format json >"$SCRATCH/j8" || true
dest=".top_destinations[] | select(.destination == \"127.0.0.1:$cw_port\")"
expect "destination: TIME_WAIT proper" \
	"$(jq -r "$dest | .time_wait - .fin_wait2_orphaned" "$SCRATCH/j8")" 0
expect "destination: orphaned FIN_WAIT2" "$(jq -r "$dest | .fin_wait2_orphaned" "$SCRATCH/j8")" 5
"$TCPTUNE" check --no-color --all >"$SCRATCH/t8" || true
check "text: FIN_WAIT2 column" grep -Eq '^DESTINATION +SOCKETS +TIME_WAIT +FIN_WAIT2' "$SCRATCH/t8"
check "text: destination row" grep -Eq "^127\.0\.0\.1:$cw_port +5 +0 +5 " "$SCRATCH/t8"
helper_stop

# 2. CLOSE_WAIT sockets no process has accept()ed yet sit in a listener's
# accept queue: they are the listener's (its port), and the application
# is not accepting; other processes' sockets are not to blame.
start_helper -c 120 -u 30
cw_pid=$(awk '$4 == "close_wait" { print $3 }' "$SCRATCH/made")
cw_port=$(awk '$4 == "close_wait" { print $2 }' "$SCRATCH/made")
un_port=$(awk '$4 == "unaccepted" { print $2 }' "$SCRATCH/made")
sleep 0.3
rc=0
"$TCPTUNE" check --format json >"$SCRATCH/j2" || rc=$?
expect "CLOSE_WAIT made" "$(jq -r '.sockets.CLOSE_WAIT' "$SCRATCH/j2")" 150
q="[.findings[] | select(.id == \"census_close_wait\") | .message] | join(\"|\")"
contains "unaccepted attributed to the listener" "$(jq -r "$q" "$SCRATCH/j2")" \
	"30 CLOSE_WAIT sockets wait in the accept queue of the listener on port $un_port: the application is not accepting"
expect "unaccepted finding severity" "$(jq -r "[.findings[] | select(.id == \"census_close_wait\" and
	(.message | contains(\"accept queue\")))][0].severity" "$SCRATCH/j2")" warn
expect "listener in JSON" "$(jq -r ".close_wait_ports[] | select(.port == $un_port) | .not_accepted" "$SCRATCH/j2")" 30
expect "accepted port in JSON" "$(jq -r ".close_wait_ports[] | select(.port == $cw_port) | .close_wait" "$SCRATCH/j2")" 120
expect "listener queue in JSON" "$(jq -r ".listeners[] | select(.port == $un_port) | .accept_queue" "$SCRATCH/j2")" 30
got=$(jq -r '[.findings[] | select(.id == "census_close_wait") | .evidence] | join("|")' "$SCRATCH/j2")
contains "CLOSE_WAIT grouped by port" "$got" "port $cw_port: 120"
contains "owner of the accepted ones" "$got" "pid $cw_pid"
expect "exit with CLOSE_WAIT warnings" "$rc" 1
# 3. Without root no owner is readable: say so, and still group by port.
if command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$TCPTUNE" check --format json \
	    >"$SCRATCH/j3" 2>/dev/null || true
	got=$(jq -r '[.findings[] | select(.id == "census_close_wait") | .evidence + " " + .advice] | join("|")' "$SCRATCH/j3")
	contains "no root: says owners need root" "$got" "naming the owners needs root"
	contains "no root: grouped by port" "$got" "port $cw_port: 120"
	case $got in
	*"program named above"*) failed "no root: advice points at a program it did not name" ;;
	*) pass "no root: no program named above" ;;
	esac
fi
helper_stop

# 4. Port pressure towards loopback with tcp_tw_reuse = 2 (the default):
# 2 already reuses TIME_WAIT ports there, so advising 1 changes nothing;
# what holds connects back is tcp_tw_reuse_delay.
if [ -e /proc/sys/net/ipv4/tcp_tw_reuse_delay ]; then
	echo "40000 40999" >/proc/sys/net/ipv4/ip_local_port_range
	echo 2 >/proc/sys/net/ipv4/tcp_tw_reuse
	# no reuse while the sockets are made, so the count holds still
	echo 60000 >/proc/sys/net/ipv4/tcp_tw_reuse_delay
	start_helper -t 800 -b 6000
	"$TCPTUNE" check --format json >"$SCRATCH/j4" || true
	helper_stop
	expect "loopback pressure: severity" "$(finding "$SCRATCH/j4" census_port_pressure severity)" warn
	adv=$(finding "$SCRATCH/j4" census_port_pressure advice)
	case $adv in
	*"set net.ipv4.tcp_tw_reuse = 1"*) failed "loopback pressure: advises tcp_tw_reuse = 1: $adv" ;;
	*) pass "loopback pressure: no tcp_tw_reuse = 1" ;;
	esac
	contains "loopback pressure: reuse 2 already applies" "$adv" "tcp_tw_reuse = 2 already reuses"
	contains "loopback pressure: names the delay" "$adv" "tcp_tw_reuse_delay"
	contains "loopback pressure: delay in the evidence" \
		"$(finding "$SCRATCH/j4" census_port_pressure evidence)" "tcp_tw_reuse_delay = 60000 ms"
	echo 1000 >/proc/sys/net/ipv4/tcp_tw_reuse_delay
	echo "32768 60999" >/proc/sys/net/ipv4/ip_local_port_range
fi

# 7. A range that covers a port a local service listens on: the profile
# proxy-client.ini widens the range over 27017; ports reserved in
# ip_local_reserved_ports are not in it, and not counted as available.
start_helper -e 1 -b 26817
lport=$(awk '$4 == "established" { print $2 }' "$SCRATCH/made")
expect "listener made" "$lport" 27017
rc=0
"$TCPTUNE" check --profile "$PROFILES/proxy-client.ini" --format json >"$SCRATCH/j7" || rc=$?
expect "range over a listener: severity" "$(finding "$SCRATCH/j7" census_port_range_listeners severity)" warn
contains "range over a listener: message" \
	"$(finding "$SCRATCH/j7" census_port_range_listeners message)" "ok now; caused by this profile"
contains "range over a listener: port named" \
	"$(finding "$SCRATCH/j7" census_port_range_listeners evidence)" 27017
contains "range over a listener: advice" \
	"$(finding "$SCRATCH/j7" census_port_range_listeners advice)" "net.ipv4.ip_local_reserved_ports = 27017"
# plan says it too, beside the plan: the issue's own example.
"$TCPTUNE" plan "$PROFILES/proxy-client.ini" >"$SCRATCH/p7" || true
check "plan: the listener the range would cover" grep -q 'census_port_range_listeners' "$SCRATCH/p7"
check "plan: the port to reserve" grep -q 'ip_local_reserved_ports = 27017' "$SCRATCH/p7"
"$TCPTUNE" plan --format json "$PROFILES/proxy-client.ini" >"$SCRATCH/p7.json" || true
expect "plan JSON: the note" "$(jq -r '.notes[] | select(.id == "census_port_range_listeners") | .severity' "$SCRATCH/p7.json")" warn
echo 27017 >/proc/sys/net/ipv4/ip_local_reserved_ports
"$TCPTUNE" plan --format json "$PROFILES/proxy-client.ini" >"$SCRATCH/p7b.json" || true
expect "plan JSON: reserved, no note" "$(jq -r '.notes | length' "$SCRATCH/p7b.json")" 0
"$TCPTUNE" check --profile "$PROFILES/proxy-client.ini" --format json >"$SCRATCH/j7b" || true
expect "reserved listener: severity" "$(finding "$SCRATCH/j7b" census_port_range_listeners severity)" ok
echo "40000 40999" >/proc/sys/net/ipv4/ip_local_port_range
echo "40000-40099" >/proc/sys/net/ipv4/ip_local_reserved_ports
"$TCPTUNE" check --format json >"$SCRATCH/j7c" || true
expect "reserved ports in JSON" "$(jq -r '.census.reserved_in_range' "$SCRATCH/j7c")" 100
expect "ports really available" "$(jq -r '.census.ephemeral_available' "$SCRATCH/j7c")" 900
echo "" >/proc/sys/net/ipv4/ip_local_reserved_ports
echo "32768 60999" >/proc/sys/net/ipv4/ip_local_port_range
# Inside the current range: info (a listener may have its port from it).
echo "20000 30001" >/proc/sys/net/ipv4/ip_local_port_range
"$TCPTUNE" check --format json >"$SCRATCH/j7d" || true
expect "listener in the current range: severity" \
	"$(finding "$SCRATCH/j7d" census_port_range_listeners severity)" info
echo "32768 60999" >/proc/sys/net/ipv4/ip_local_port_range
helper_stop

# 8. CLOSE_WAIT sockets shared by a parent and its forked child: each
# socket counts once, under the first holder found, so the rows add up to
# the sockets.
start_helper -c 110 -S
sleep 0.3
"$TCPTUNE" check --format json >"$SCRATCH/j8b" || true
expect "shared: counted once" \
	"$(jq -r '[.close_wait_owners[].sockets] | add' "$SCRATCH/j8b")" 110
helper_stop

# somaxconn is read at listen(): a profile that raises it leaves the
# listeners capped now at their old backlog until they are restarted.
start_helper -e 1 -b 26817
cat >"$SCRATCH/somax.ini" <<'INI'
[sysctl]
net.core.somaxconn = 8192
INI
"$TCPTUNE" check --profile "$SCRATCH/somax.ini" --format json >"$SCRATCH/jsx" || true
expect "capped listeners: severity" "$(finding "$SCRATCH/jsx" census_listener_backlog severity)" info
contains "capped listeners: port named" \
	"$(finding "$SCRATCH/jsx" census_listener_backlog message)" "27017"
contains "capped listeners: restart" \
	"$(finding "$SCRATCH/jsx" census_listener_backlog advice)" "restart"
# apply names them when it raises somaxconn: they keep the old cap.
"$TCPTUNE" --state-dir "$SCRATCH/state" apply "$SCRATCH/somax.ini" >"$SCRATCH/asx" 2>&1
expect "apply raising somaxconn: exit" "$?" 0
contains "apply: names the capped listener" "$(grep -A3 'census_listener_backlog' "$SCRATCH/asx")" 27017
"$TCPTUNE" --state-dir "$SCRATCH/state" rollback >/dev/null 2>&1
expect "rollback: somaxconn back" "$(cat /proc/sys/net/core/somaxconn)" 4096
helper_stop

# 6. Plain check audits the boot configuration: what systemd-sysctl will
# write at the next boot, from the winner of each key in sysctl.d.
mkdir -p "$SCRATCH/root/etc/sysctl.d"
cat >"$SCRATCH/root/etc/sysctl.d/90-folk.conf" <<'CONF'
net.ipv4.tcp_tw_recycle = 1
net.ipv4.tcp_timestamps = 0
net.ipv4.tcp_tw_reuse = 1
net.ipv4.tcp_fin_timeout = 1
net.ipv4.ip_local_port_range = 10240 65000
CONF
rc=0
"$TCPTUNE" check --no-census --sysctl-root "$SCRATCH/root" --format json >"$SCRATCH/j6" || rc=$?
expect "boot config: exit" "$rc" 1
boot() { # key: the boot_config finding about it
	jq -r --arg k "$1" '[.findings[] | select(.id == "boot_config" and
	    (.keys | index($k) != null))][0] | "\(.severity) \(.message)"' "$SCRATCH/j6"
}
f=$(boot net.ipv4.tcp_tw_recycle)
contains "boot: tw_recycle severity (harmless)" "$f" "info "
contains "boot: tw_recycle is logged and skipped" "$f" "systemd-sysctl logs \"Couldn't write '1' to 'net/ipv4/tcp_tw_recycle', ignoring\" and goes on"
contains "boot: tw_recycle names the file" "$f" "/etc/sysctl.d/90-folk.conf:1"
f=$(boot net.ipv4.tcp_timestamps)
contains "boot: timestamps off" "$f" "at the next boot, /etc/sysctl.d/90-folk.conf:2 turns TCP timestamps off"
contains "boot: timestamps off leaves reuse idle" "$f" "tcp_tw_reuse = 1 has no effect"
f=$(boot net.ipv4.tcp_fin_timeout)
contains "boot: fin_timeout 1" "$f" "at the next boot, /etc/sysctl.d/90-folk.conf:4 sets net.ipv4.tcp_fin_timeout = 1"
f=$(boot net.ipv4.ip_local_port_range)
contains "boot: same parity" "$f" "10240 65000"
check "boot: parity in the evidence" sh -c "jq -r '.findings[] | select(.id == \"boot_config\") | .evidence' '$SCRATCH/j6' | grep -q 'same parity'"
expect "boot_config section: winner file" \
	"$(jq -r '.boot_config.keys["net.ipv4.tcp_fin_timeout"].file' "$SCRATCH/j6")" \
	/etc/sysctl.d/90-folk.conf
expect "boot_config section: winner value" \
	"$(jq -r '.boot_config.keys["net.ipv4.tcp_fin_timeout"].value' "$SCRATCH/j6")" 1
expect "boot_config section: files read" "$(jq -r '.boot_config.files' "$SCRATCH/j6")" 1
# Nothing in the boot configuration: one ok, no warning.
mkdir -p "$SCRATCH/empty"
rc=0
"$TCPTUNE" check --no-census --sysctl-root "$SCRATCH/empty" --format json >"$SCRATCH/j6b" || rc=$?
expect "empty boot config: finding" \
	"$(jq -r '[.findings[] | select(.id == "boot_config")] | map(.severity) | join(",")' "$SCRATCH/j6b")" ok

# 11. Colour on a terminal: NO_COLOR set and not empty turns it off, set
# but empty does not (no-color.org); TERM=dumb turns it off.
if command -v script >/dev/null 2>&1; then
	colour() { # ENV...: whether check on a terminal prints escapes
		env "$@" script -qec "'$TCPTUNE' check --no-census --sysctl-root '$SCRATCH/empty'" \
		    /dev/null >"$SCRATCH/tty" 2>&1 || true
		if grep -q "$(printf '\033')\[" "$SCRATCH/tty"; then echo yes; else echo no; fi
	}
	expect "colour on a terminal" "$(colour TERM=xterm)" yes
	expect "NO_COLOR=1" "$(colour TERM=xterm NO_COLOR=1)" no
	expect "NO_COLOR set but empty" "$(colour TERM=xterm NO_COLOR=)" yes
	expect "TERM=dumb" "$(colour TERM=dumb)" no
fi

finish
