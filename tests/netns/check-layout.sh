#!/bin/sh
# The text report an operator reads first, on real sockets in private
# network namespaces: the verdict on the first line, the problems next,
# worst first, on the first screen; a quiet host on one screen (24
# lines); the [ok] lines and the tables only with --all; and an overall
# summary first for --all-namespaces.
set -u
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"

for tool in ip jq unshare; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "$tool is not installed"
done
private_host "$0" "$@"
SOCKETS="$HELPERS/census-sockets"
[ -x "$SOCKETS" ] || bail "$SOCKETS is not built"

N=ttlay
tmp=$(mktemp -d)
helper=
cleanup() {
	if [ -n "$helper" ]; then
		kill "$helper" 2>/dev/null
		wait "$helper" 2>/dev/null
	fi
	ip netns del "$N" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
ip netns add "$N" 2>/dev/null || skip_all "cannot make network namespaces here"
ip -n "$N" link set lo up
inns() { ip netns exec "$N" "$@"; }

start_helper() { helper_start "$tmp/made" inns "$SOCKETS" "$@"; }
# line N FILE: line N of FILE
line() { sed -n "${1}p" "$2"; }
# first LINE-PATTERN FILE: the number of the first line matching, or 999
first() { n=$(grep -n -m1 -E -- "$1" "$2" | cut -d: -f1); echo "${n:-999}"; }

# 1. A quiet host: a few connections without keepalive (an info note),
# nothing wrong.  One screen, the verdict first, no [ok] lines.
start_helper -b 5000 -e 3
inns "$TCPTUNE" check --no-color >"$tmp/quiet" 2>&1
rc=$?
check "quiet: exit 0" [ $rc -eq 0 ]
n=$(wc -l <"$tmp/quiet")
check "quiet: fits one screen ($n lines <= 24)" [ "$n" -le 24 ]
check "quiet: the verdict first ($(line 1 "$tmp/quiet"))" \
	sh -c "sed -n 1p '$tmp/quiet' | grep -Eq '^OK: nothing wrong \\(0 critical, 0 warn, [1-9][0-9]* info, [0-9]+ ok\\)$'"
check "quiet: no [ok] lines" sh -c "! grep -q '^\\[ok\\]' '$tmp/quiet'"
check "quiet: the info note, in one line" grep -Eq '^\[info\] +census_keepalive_coverage: ' "$tmp/quiet"
check "quiet: says how to see the rest" grep -q 'tcptune check --all' "$tmp/quiet"

# --all: everything, the findings before the tables.
inns "$TCPTUNE" check --no-color --all >"$tmp/all" 2>&1
check "--all: the verdict first" sh -c "sed -n 1p '$tmp/all' | grep -q '^OK: nothing wrong'"
check "--all: the [ok] lines" grep -q '^\[ok\] *census_close_wait: ' "$tmp/all"
check "--all: the key table" grep -q '^KEY  ' "$tmp/all"
check "--all: the socket table" grep -q '^SOCKETS ' "$tmp/all"
check "--all: findings before the tables" \
	[ "$(first '^\[info\]' "$tmp/all")" -lt "$(first '^KEY  ' "$tmp/all")" ]
check "--all: the info note's evidence" grep -q '^    evidence: ESTABLISHED by timer' "$tmp/all"
helper_stop

# 2. Problems: a CLOSE_WAIT leak (harm now) and a port range of one
# parity (a caution), both warn.  The verdict names the leak; the leak's
# finding is on the first screen, before the caution.
echo "20000 60000" | inns tee /proc/sys/net/ipv4/ip_local_port_range >/dev/null
start_helper -b 5000 -c 150
inns "$TCPTUNE" check --no-color >"$tmp/bad" 2>&1
rc=$?
check "problem: exit 1" [ $rc -eq 1 ]
check "problem: the verdict names the worst ($(line 1 "$tmp/bad" | cut -c1-60))" \
	sh -c "sed -n 1p '$tmp/bad' | grep -Eq '^WARN: census_close_wait: 150 sockets in CLOSE_WAIT.*\\(0 critical, [2-9] warn, [0-9]+ info, [0-9]+ ok\\)$'"
leak=$(first '^\[WARN\] +census_close_wait: ' "$tmp/bad")
caution=$(first '^\[WARN\] +unsafe_value: ' "$tmp/bad")
check "problem: the leak on the first screen (line $leak)" [ "$leak" -le 24 ]
check "problem: the leak before the caution" [ "$leak" -lt "$caution" ]
check "problem: the leak's owner on the first screen" \
	sh -c "head -n 24 '$tmp/bad' | grep -q 'held by.*census-sockets'"
check "problem: no [ok] lines" sh -c "! grep -q '^\\[ok\\]' '$tmp/bad'"
check "problem: no tables" sh -c "! grep -Eq '^(KEY|SOCKETS|COUNTERS) ' '$tmp/bad'"
helper_stop

# 3. Every namespace: an overall summary first, the worst named.
"$TCPTUNE" check --all-namespaces --no-color >"$tmp/ns" 2>&1
check "all namespaces: the overall verdict first ($(line 1 "$tmp/ns" | cut -c1-70))" \
	sh -c "sed -n 1p '$tmp/ns' | grep -Eq '^WARN: 2 network namespaces, 1 with a warning or worse; worst $N: '"
check "all namespaces: the totals" \
	sh -c "sed -n 1p '$tmp/ns' | grep -Eq '\\([0-9]+ critical, [1-9][0-9]* warn, [0-9]+ info, [0-9]+ ok\\)$'"
check "all namespaces: no [ok] lines" sh -c "! grep -q '^\\[ok\\]' '$tmp/ns'"
"$TCPTUNE" check --all-namespaces --format json >"$tmp/ns.json" 2>/dev/null
check "all namespaces JSON: the summary counts namespaces" \
	[ "$(jq -r '.summary.namespaces' "$tmp/ns.json")" = 2 ]
finish
