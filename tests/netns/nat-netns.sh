#!/bin/sh
# NAT detection on the real kernel.  Builds client -> router -> server out
# of three network namespaces joined by veth pairs; the router masquerades
# with nftables and forwards a port with dnat; TCP connections cross it on
# the test's own addresses while tcptune looks from each namespace.  Also
# a fresh empty namespace (none), the router without CAP_NET_ADMIN
# (conntrack "not permitted", never "none"), and legacy iptables rules.
#
# Everything happens inside namespaces this script makes and removes: the
# host's own ruleset and sysctls are never touched.
set -u
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root to make network namespaces"
for tool in ip nft jq setpriv unshare; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "$tool is not installed"
done
: "${TCPTUNE:?}"
PEER=$HELPERS/nat-peer
[ -x "$PEER" ] || bail "$PEER is not built"

tag=ttn$$
C=${tag}c R=${tag}r S=${tag}s
tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	for n in $C $R $S; do
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$C" 2>/dev/null || skip_all "cannot make network namespaces here"
ip netns add "$R" && ip netns add "$S" || bail "ip netns add"

# The test's own addresses: 10.201.0.0/24 behind the router, and
# 203.0.113.0/24 (documentation space) between router and server.  The
# server has no route back to 10.201.0.0/24: only masquerade makes the
# connections work at all.
set -e
ip -n "$R" link add r-c type veth peer name c-r netns "$C"
ip -n "$R" link add r-s type veth peer name s-r netns "$S"
ip -n "$C" addr add 10.201.0.2/24 dev c-r
ip -n "$R" addr add 10.201.0.1/24 dev r-c
ip -n "$R" addr add 203.0.113.1/24 dev r-s
ip -n "$S" addr add 203.0.113.2/24 dev s-r
for n in $C $R $S; do
	ip -n "$n" link set lo up
done
ip -n "$C" link set c-r up
ip -n "$R" link set r-c up
ip -n "$R" link set r-s up
ip -n "$S" link set s-r up
ip -n "$C" route add default via 10.201.0.1
# ip_forward is per network namespace: this is the router's own.
ip netns exec "$R" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
ip netns exec "$R" nft -f - <<'EOF'
table ip ttnat {
	chain post {
		type nat hook postrouting priority 100; policy accept;
		oifname "r-s" masquerade
	}
}
EOF
set +e

# Starts a nat-peer in a namespace and waits for its ready line.
peer() {
	ns=$1 out=$2
	shift 2
	ip netns exec "$ns" "$PEER" "$@" >"$out" 2>&1 &
	pids="$pids $!"
	i=0
	while [ $i -lt 50 ]; do
		grep -qs '^\(listening\|connected\)' "$out" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	bail "nat-peer $* in $ns: $(cat "$out")"
}

# check NS [extra args]: tcptune's JSON report from inside a namespace.
check_json() {
	ns=$1
	shift
	ip netns exec "$ns" "$@" "$TCPTUNE" check --format json >"$tmp/out.json" 2>"$tmp/err"
	rc=$?
	if [ $rc -gt 2 ]; then
		failed "tcptune check in $ns exited $rc: $(cat "$tmp/err")"
		echo '{}' >"$tmp/out.json"
	fi
}
# expect DESCRIPTION JQ-FILTER: the filter must be true on the last report.
expect() {
	if jq -e "$2" "$tmp/out.json" >/dev/null; then
		pass "$1"
	else
		failed "$1"
		jq '.nat' "$tmp/out.json"
	fi
}

peer "$S" "$tmp/server" listen 203.0.113.2 8080
peer "$C" "$tmp/client" connect 203.0.113.2 8080 3

# --- the router: it translates, and says why --------------------------------
check_json "$R"
expect "router: verdict this_host_translates" '.nat.verdict == "this_host_translates"'
expect "router: the masquerade rule is evidence" \
	'any(.nat.evidence[]; .kind == "nat_rule" and (.detail | test("ttnat/post.*masquerade")) and .strength == "strong")'
expect "router: conntrack counts the 3 source-NAT connections" \
	'.nat.sources.conntrack == "ok" and .nat.conntrack.snat >= 3'
expect "router: conntrack evidence shows the translated source" \
	'any(.nat.evidence[]; .kind == "conntrack" and (.detail | test("10\\.201\\.0\\.2.* leaves as 203\\.0\\.113\\.1")))'
expect "router: forwarding is evidence" \
	'any(.nat.evidence[]; .kind == "forwarding" and (.detail | test("ip_forward = 1")))'
expect "router: NAT is in play for safety decisions" '.nat.nat_in_play == "yes"'
expect "router: the translating-host rule speaks" \
	'any(.findings[]; .id == "nat_translating_host" and .severity == "info")'

ip netns exec "$R" "$TCPTUNE" check --all >"$tmp/out.txt" 2>&1
grep -q 'verdict:  this_host_translates' "$tmp/out.txt" ||
	failed "router: text report lacks the verdict"
grep -q 'masquerade' "$tmp/out.txt" || failed "router: text report lacks the masquerade rule"
# What a reader in the router namespace sees, kept in the test log.
sed -n '/^NAT$/,/^SOCKETS /p' "$tmp/out.txt"

# A profile that says nat = no is overruled, and the report says so.
printf '[profile]\nnat = no\n' >"$tmp/nonat.ini"
ip netns exec "$R" "$TCPTUNE" check --format json --profile "$tmp/nonat.ini" \
	>"$tmp/out.json" 2>"$tmp/err"
expect "router: nat = no against the evidence is a conflict" \
	'.nat.declared == "no" and .nat.conflict != null and .nat.nat_in_play == "yes"'
expect "router: the conflict is a warning finding" \
	'any(.findings[]; .id == "nat_declaration_conflict" and .severity == "warn")'

# --- a port forward (dnat) is found, in the ruleset and in conntrack ----------
ip netns exec "$R" nft -f - <<'EOF'
table ip ttnat {
	chain pre {
		type nat hook prerouting priority -100; policy accept;
		iifname "r-c" tcp dport 8081 dnat to 203.0.113.2:8080
	}
}
EOF
[ $? = 0 ] || failed "could not add the dnat rule"
peer "$C" "$tmp/client2" connect 10.201.0.1 8081 2
check_json "$R"
expect "router: the dnat rule is evidence" \
	'any(.nat.evidence[]; .kind == "nat_rule" and (.detail | test("ttnat/pre.*dnat")))'
expect "router: conntrack counts the port-forwarded connections" '.nat.conntrack.dnat >= 2'
expect "router: conntrack shows where the port forward goes" \
	'any(.nat.evidence[]; .kind == "conntrack" and (.detail | test("10\\.201\\.0\\.1:8081 goes to 203\\.0\\.113\\.2:8080")))'
expect "router: two nat chains seen" '[.nat.evidence[] | select(.kind == "nat_chain")] | length == 2'


# The counts are conntrack-tools' own: the same table listed by
# `conntrack -L --src-nat` / `--dst-nat`.
if command -v conntrack >/dev/null 2>&1; then
	check_json "$R"
	n_s=$(ip netns exec "$R" conntrack -L --src-nat 2>/dev/null | wc -l)
	n_d=$(ip netns exec "$R" conntrack -L --dst-nat 2>/dev/null | wc -l)
	expect "router: snat equals conntrack -L --src-nat ($n_s)" ".nat.conntrack.snat == $n_s"
	expect "router: dnat equals conntrack -L --dst-nat ($n_d)" ".nat.conntrack.dnat == $n_d"
	expect "router: the whole table was read" '.nat.conntrack.lower_bound == false'
fi

# --- without CAP_NET_ADMIN: "not permitted", never "none" --------------------
check_json "$R" setpriv --bounding-set -net_admin --inh-caps -net_admin
expect "no CAP_NET_ADMIN: conntrack is not permitted" '.nat.sources.conntrack == "not_permitted"'
expect "no CAP_NET_ADMIN: evidence says not permitted" \
	'any(.nat.evidence[]; .kind == "conntrack" and (.detail | test("not permitted")))'
expect "no CAP_NET_ADMIN: verdict unknown, not none" '.nat.verdict == "unknown"'
expect "no CAP_NET_ADMIN: NAT is not ruled out" '.nat.nat_in_play != "no"'

# --- the client: only a private address, so it sits behind a NAT -----------
check_json "$C"
expect "client: verdict behind_nat_likely" '.nat.verdict == "behind_nat_likely"'
expect "client: the private address is the reason" \
	'any(.nat.evidence[]; .kind == "address" and .points == "behind")'

# --- the server: connections arrive, nothing is translated here -------------
check_json "$S"
expect "server: verdict none" '.nat.verdict == "none"'

# --- a fresh, empty namespace: none, with the reasons -----------------------
unshare -n "$TCPTUNE" check --format json >"$tmp/out.json" 2>"$tmp/err"
[ $? -le 2 ] || failed "tcptune check in a fresh namespace: $(cat "$tmp/err")"
expect "fresh namespace: verdict none" '.nat.verdict == "none"'
expect "fresh namespace: every source was read" \
	'[.nat.sources[]] | all(. == "ok" or . == "unavailable")'
expect "fresh namespace: the empty ruleset is a reason" \
	'any(.nat.evidence[]; .kind == "nat_rule" and .points == "no_nat")'
printf '[profile]\nnat = no\n' >"$tmp/nonat.ini"
unshare -n "$TCPTUNE" check --format json --profile "$tmp/nonat.ini" >"$tmp/out.json" 2>"$tmp/err"
expect "fresh namespace with nat = no: NAT is not in play" '.nat.nat_in_play == "no"'
unshare -n setpriv --bounding-set -net_admin --inh-caps -net_admin \
	"$TCPTUNE" check --format json >"$tmp/out.json" 2>"$tmp/err"
expect "fresh namespace without CAP_NET_ADMIN: unknown" \
	'.nat.verdict == "unknown" and .nat.sources.conntrack == "not_permitted"'

# --- legacy iptables: the nat table's rules are read, not only its name ------
# In a namespace of its own, so that only the legacy rules can say NAT.
if command -v iptables-legacy >/dev/null 2>&1; then
	unshare -n sh -c '
		iptables-legacy -t nat -N ttchain &&
		iptables-legacy -t nat -A ttchain -p tcp --dport 81 -j REDIRECT --to-ports 8080 &&
		iptables-legacy -t nat -A PREROUTING -j ttchain &&
		iptables-legacy -t nat -A POSTROUTING -o lo -j MASQUERADE || exit 99
		"$0" check --format json >"$1/out.json"
		setpriv --bounding-set -net_admin --inh-caps -net_admin \
			"$0" check --format json >"$1/noadmin.json"
		iptables-legacy -t nat -F && iptables-legacy -t nat -X &&
		"$0" check --format json >"$1/empty.json"
		exit 0' "$TCPTUNE" "$tmp" 2>"$tmp/err"
	rc=$?
	if [ $rc = 99 ]; then
		echo "note: this kernel has no legacy iptables nat; that part was not run"
	elif [ $rc != 0 ]; then
		failed "legacy iptables namespace: $(cat "$tmp/err")"
	else
		expect "legacy: translates from the legacy rules alone" \
			'.nat.verdict == "this_host_translates"'
		expect "legacy: the masquerade rule in POSTROUTING" \
			'any(.nat.evidence[]; .kind == "iptables_legacy" and .strength == "strong" and (.detail | test("POSTROUTING: masquerade")))'
		expect "legacy: the redirect rule in a user chain" \
			'any(.nat.evidence[]; .kind == "iptables_legacy" and (.detail | test("ttchain: redirect")))'
		cp "$tmp/noadmin.json" "$tmp/out.json"
		expect "legacy without CAP_NET_ADMIN: a hint, verdict unknown" \
			'.nat.verdict == "unknown" and any(.nat.evidence[]; .kind == "iptables_legacy" and .strength == "weak" and (.detail | test("not permitted")))'
		cp "$tmp/empty.json" "$tmp/out.json"
		expect "legacy table without rules: none" \
			'.nat.verdict == "none" and any(.nat.evidence[]; .kind == "iptables_legacy" and .points == "no_nat")'
	fi
else
	echo "note: iptables-legacy is not installed; the legacy part was not run"
fi

# --- entries made through ctnetlink: translated by their tuples ---------------
# conntrackd (and `conntrack -I`) can make an entry whose reply tuple is not
# the inverted original without the kernel's NAT status bits.  Counted by
# comparing the tuples, as `conntrack -L` prints them, besides the entries
# the kernel translated itself (`conntrack -I --src-nat`, with the bits).
# tuple_nat TEXT: "SNAT DNAT" counted from `conntrack -L` lines.
tuple_nat() {
	awk '{
		n = 0; delete v
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "src" || kv[1] == "dst" || kv[1] == "sport" || kv[1] == "dport") {
				if (kv[1] == "src") n++
				v[n, kv[1]] = kv[2]
			}
		}
		if (v[1, "src"] != v[2, "dst"] || v[1, "sport"] != v[2, "dport"]) s++
		if (v[1, "dst"] != v[2, "src"] || v[1, "dport"] != v[2, "sport"]) d++
	} END { print s + 0, d + 0 }' "$1"
}
if command -v conntrack >/dev/null 2>&1; then
	unshare -n sh -c '
		nft add table ip t && nft add chain ip t c "{ type nat hook postrouting priority 100; }" || exit 99
		i=1
		while [ $i -le 20 ]; do
			conntrack -I -p tcp -s 10.9.0.$i -d 10.9.9.9 --sport 1000 --dport 80 \
				--src-nat 192.0.2.1 --state ESTABLISHED -t 300 &&
			conntrack -I -p udp -s 10.9.0.$i -d 10.9.9.9 --sport 1000 --dport 53 \
				--dst-nat 192.0.2.2 -t 300 &&
			conntrack -I -p tcp -s 10.9.1.$i -d 10.9.9.9 --sport 2000 --dport 80 \
				--reply-src 10.9.9.9 --reply-dst 192.0.2.3 --reply-port-src 80 \
				--reply-port-dst $((2000 + i)) --state ESTABLISHED -t 300 &&
			conntrack -I -p tcp -s 10.9.2.$i -d 10.9.9.9 --sport 3000 --dport 443 \
				--reply-src 192.0.2.4 --reply-dst 10.9.2.$i --reply-port-src 8443 \
				--reply-port-dst 3000 --state ESTABLISHED -t 300 &&
			conntrack -I -p tcp -s 10.9.3.$i -d 10.9.9.9 --sport 4000 --dport 80 \
				--state ESTABLISHED -t 300 || exit 98
			i=$((i + 1))
		done 2>/dev/null
		conntrack -L >"$1/ct.txt" 2>/dev/null
		conntrack -L --src-nat 2>/dev/null | wc -l >"$1/ct-snat"
		conntrack -L --dst-nat 2>/dev/null | wc -l >"$1/ct-dnat"
		"$0" check --format json >"$1/out.json"
		[ $? -le 2 ]' "$TCPTUNE" "$tmp" 2>"$tmp/err"
	rc=$?
	if [ $rc = 99 ]; then
		echo "note: no nat chain could be made; the ctnetlink part was not run"
	elif [ $rc != 0 ]; then
		failed "ctnetlink namespace exited $rc: $(cat "$tmp/err")"
	else
		set -- $(tuple_nat "$tmp/ct.txt")
		expect "ctnetlink: 100 entries made" '.nat.conntrack.total == 100'
		expect "ctnetlink: snat counts every translated tuple ($1)" \
			".nat.conntrack.snat == $1 and .nat.conntrack.snat == 40"
		expect "ctnetlink: dnat counts every translated tuple ($2)" \
			".nat.conntrack.dnat == $2 and .nat.conntrack.dnat == 40"
		expect "ctnetlink: at least what conntrack -L --src-nat lists ($(cat "$tmp/ct-snat"))" \
			".nat.conntrack.snat >= $(cat "$tmp/ct-snat")"
		expect "ctnetlink: at least what conntrack -L --dst-nat lists ($(cat "$tmp/ct-dnat"))" \
			".nat.conntrack.dnat >= $(cat "$tmp/ct-dnat")"
		expect "ctnetlink: the verdict is translates" '.nat.verdict == "this_host_translates"'
	fi
else
	echo "note: conntrack is not installed; the ctnetlink part was not run"
fi

finish
