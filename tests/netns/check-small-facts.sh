#!/bin/sh
# Small facts an operator reads at first contact, each on the real thing:
# documentation addresses are not public (a private network namespace
# with one), a Kubernetes release without securityContext.sysctls is a
# usage error, the text table says which FIN_WAIT2 sockets are orphaned
# (real sockets, tcp_fin_timeout over 60 s so orphans stay whole), and a
# binary run from its build tree finds the shipped profiles.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
T=$TCPTUNE
SOCKETS="$HELPERS/census-sockets"
command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
[ "$(id -u)" -eq 0 ] || skip_all "needs root for a private network namespace"
unshare -n true 2>/dev/null || skip_all "unshare -n is not permitted here"
unset TCPTUNE_PROFILE_PATH

# 1. Documentation ranges: an example or lab network, never "public".
for a in 192.0.2.7/24 198.51.100.7/24 203.0.113.7/24; do
	unshare -n sh -c "ip link set lo up && ip link add d0 type veth peer name d1 &&
		ip addr add $a dev d0 && ip link set d0 up &&
		'$T' check --no-census --format json" >"$SCRATCH/doc.json" 2>/dev/null
	ip=${a%/*}
	check "$ip is a documentation address" [ "$(jq -r --arg ip "$ip" \
		'[.nat.evidence[].detail | select(startswith("address " + $ip))][0]' \
		"$SCRATCH/doc.json" | sed 's/.*: //')" = documentation ]
done
unshare -n sh -c "ip link set lo up && ip link add d0 type veth peer name d1 &&
	ip addr add 2001:db8::7/64 dev d0 && ip link set d0 up &&
	'$T' check --no-census --format json" >"$SCRATCH/doc6.json" 2>/dev/null
check "2001:db8::7 is a documentation address" [ "$(jq -r \
	'[.nat.evidence[].detail | select(startswith("address 2001:db8::7"))][0]' \
	"$SCRATCH/doc6.json" | sed 's/.*: //')" = documentation ]

# 2. Kubernetes releases before securityContext.sysctls (1.11).
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n' >"$SCRATCH/p.ini"
for v in 1.3 1.10 v1.4; do
	"$T" export --kubernetes-version "$v" "$SCRATCH/p.ini" >"$SCRATCH/out" 2>"$SCRATCH/err"
	rc=$?
	check "--kubernetes-version $v: usage error (64), nothing written" \
		[ $rc -eq 64 ] && [ ! -s "$SCRATCH/out" ] && grep -q 'securityContext.sysctls' "$SCRATCH/err"
done
"$T" export --kubernetes-version 1.11 "$SCRATCH/p.ini" >"$SCRATCH/out" 2>&1
check "--kubernetes-version 1.11 is taken" [ $? -eq 0 ]

# 3. FIN_WAIT2 rows: 3 orphans kept whole (tcp_fin_timeout 120) and 2
# sockets a process shut down but holds.
cat >"$SCRATCH/fw2.sh" <<EOS
ip link set lo up
echo 120 >/proc/sys/net/ipv4/tcp_fin_timeout
"$SOCKETS" -b 5000 -c 3 -w 2 >"$SCRATCH/made" &
h=\$!
i=0
until grep -q '^ready' "$SCRATCH/made"; do
	i=\$((i + 1)); [ \$i -lt 300 ] || break; sleep 0.1
done
"$T" check --all >"$SCRATCH/fw2.txt" 2>/dev/null
"$T" check --format json >"$SCRATCH/fw2.json" 2>/dev/null
kill \$h; wait \$h
EOS
unshare -n sh "$SCRATCH/fw2.sh"
check "FIN_WAIT2 full sockets counted" [ "$(jq -r .sockets.FIN_WAIT2 "$SCRATCH/fw2.json")" = 5 ]
check "text: the owned ones" grep -Eq '^  owned +2$' "$SCRATCH/fw2.txt"
check "text: the orphaned ones" grep -Eq '^  orphaned +3$' "$SCRATCH/fw2.txt"

# 4. From the build tree, before make install: the shipped profiles.
case $T in
*/src/tcptune)
	"$T" profiles >"$SCRATCH/profiles" 2>&1
	check "profiles from the build tree lists web-server" grep -q '^web-server ' "$SCRATCH/profiles"
	"$T" plan --proc-root "$FIXTURES/proc-6.18" --sysctl-root "$SCRATCH/none" web-server \
		>"$SCRATCH/plan" 2>&1
	check "plan web-server from the build tree (0)" [ $? -eq 0 ] &&
		grep -q 'profiles/web-server.ini' "$SCRATCH/plan"
	cp "$T" "$SCRATCH/tcptune"
	"$SCRATCH/tcptune" profiles >"$SCRATCH/profiles2" 2>&1
	check "a copy elsewhere does not look into the source tree" \
		sh -c "! grep -q '^web-server ' '$SCRATCH/profiles2'"
	;;
*) echo "# not a build tree binary: profile lookup not tested" ;;
esac
finish
