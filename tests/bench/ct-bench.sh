#!/bin/sh
# Benchmark of the conntrack evidence (make bench; not part of make check).
#
# In a private network namespace with a nat chain, fills the conntrack
# table through ctnetlink (tests/bench/ct-fill: UDP entries, one in 4 with a
# source-translated reply tuple) to each size in turn, and times:
#   tcptune   tcptune check --format json (the whole check)
#   list      conntrack -L | wc -l
#   count     conntrack -C
# Prints a table with tcptune's peak RSS and the ratios of the medians.
set -eu

. "$(dirname "$0")/lib.sh"
SIZES=${BENCH_CT_SIZES:-10000 100000 262144}
REPS=${BENCH_REPS:-5}

command -v conntrack >/dev/null || { echo "ct-bench: needs conntrack" >&2; exit 1; }
bench_netns ct-bench "$0" "$@"
bench_scratch
nft add table ip ctbench
nft add chain ip ctbench post '{ type nat hook postrouting priority 100; }'
nft add rule ip ctbench post oifname "lo" masquerade

calc() {
	awk "BEGIN { printf \"%.2f\", $1 }"
}
timeit() {
	"$BUILDDIR/tests/bench/census-timeit" "$REPS" "$@"
}

printf '%8s %9s %9s %9s %9s %7s %7s %8s\n' entries "tcptune" "RSS KiB" "-L|wc" "-C" \
	"tt/-L" "tt/-C" snat
for n in $SIZES; do
	conntrack -F 2>/dev/null
	"$BUILDDIR/tests/bench/ct-fill" "$n" 4
	got=$(cat /proc/sys/net/netfilter/nf_conntrack_count)
	[ "$got" = "$n" ] || { echo "ct-bench: $got entries, not $n" >&2; exit 1; }
	"$TCPTUNE" check --format json >"$tmp/json" || true
	snat=$(jq '.nat.conntrack.snat' "$tmp/json")
	want=$(((n + 3) / 4))
	[ "$snat" = "$want" ] || echo "ct-bench: tcptune counted $snat source NAT, not $want" >&2
	set -- $(timeit "$TCPTUNE" check --format json)
	t_med=$2 t_rss=$3
	set -- $(timeit sh -c 'conntrack -L 2>/dev/null | wc -l')
	l_med=$2
	set -- $(timeit conntrack -C)
	c_med=$2
	printf '%8s %9s %9s %9s %9s %7s %7s %8s\n' "$n" "$t_med" "$t_rss" "$l_med" "$c_med" \
		"$(calc "$t_med / $l_med")" "$(calc "$t_med / $c_med")" "$snat"
done
echo
echo "targets at 262144: tcptune / (conntrack -L | wc -l) <= 0.5, peak RSS <= 8192 KiB"
