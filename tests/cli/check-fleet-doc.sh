#!/bin/sh
# docs/fleet.md's Prometheus section against the real output: its alerts
# pass `promtool check rules`, every metric it names is one tcptune writes,
# and every metric tcptune writes is in its table.  The shipped rules file
# holds the same alerts; every query of the Grafana dashboard parses
# (promtool, each wrapped in a recording rule) and names only metrics
# tcptune writes.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
need_promtool
T=$TCPTUNE
DOC=$TESTS_DIR/../docs/fleet.md
RULES=$TESTS_DIR/../docs/prometheus/tcptune-alerts.yml
DASH=$TESTS_DIR/../docs/grafana/tcptune.json
R618=$FIXTURES/proc-6.18
N=$SCRATCH/none
mkdir "$N"

# The alerts: the yaml block of section 4, as one rule group.
awk '/^## 4\./ { s = 1 } s && /^```yaml/ { y = 1; next } y && /^```/ { exit } y' "$DOC" >"$SCRATCH/alerts"
check "the section has alerts" grep -q '^- alert:' "$SCRATCH/alerts"
{ printf 'groups:\n- name: tcptune\n  rules:\n'; sed 's/^/  /' "$SCRATCH/alerts"; } >"$SCRATCH/rules.yml"
"$PROMTOOL" check rules "$SCRATCH/rules.yml" >"$SCRATCH/lint" 2>&1
check "promtool check rules on the documented alerts" [ $? -eq 0 ]
"$PROMTOOL" check rules "$RULES" >"$SCRATCH/lint" 2>&1
check "promtool check rules on the shipped rules file" [ $? -eq 0 ]
sed -n '/^    rules:$/,$p' "$RULES" | sed '1d; s/^      //' >"$SCRATCH/shipped"
check "the shipped rules are the documented alerts" cmp -s "$SCRATCH/alerts" "$SCRATCH/shipped"

# What tcptune writes: a check with a profile, a failed one, and one with
# the census of a namespace of its own.
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n' >"$SCRATCH/p.ini"
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = soon\n' >"$SCRATCH/bad.ini"
{
	"$T" check --proc-root "$R618" --sysctl-root "$N" --profile "$SCRATCH/p.ini" --format prometheus
	"$T" check --proc-root "$R618" --sysctl-root "$N" --profile "$SCRATCH/bad.ini" --format prometheus 2>/dev/null
	if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
		# Connections to one destination while the rates are taken, and
		# CLOSE_WAIT past the threshold, so the owners are looked for.
		unshare -n sh -c "ip link set lo up; '$HELPERS/churn' -p 5000 -r 50 -d 3 >/dev/null &
			'$HELPERS/census-sockets' -c 120 >'$SCRATCH/made' & cs=\$!
			until grep -q ready '$SCRATCH/made'; do sleep 0.1; done
			'$T' check --interval 0.5 --sysctl-root '$N' --format prometheus
			kill \$cs; wait"
	fi
} >"$SCRATCH/all.prom"
sed -n 's/^# TYPE \([A-Za-z_]*\) .*/\1/p' "$SCRATCH/all.prom" | sort -u >"$SCRATCH/written"
check "the namespace's counters, as counters" grep -q '^# TYPE tcptune_netstat_total counter$' "$SCRATCH/all.prom"
check "tcptune wrote metrics" [ -s "$SCRATCH/written" ]

# Named in the section: the table's first column and the alerts' exprs.
awk '/^## 4\./ { s = 1 } /^## 5\./ { s = 0 } s' "$DOC" |
	sed -n 's/^| `\(tcptune_[a-z_]*\)`.*/\1/p' | sort -u >"$SCRATCH/table"
grep -o 'tcptune_[a-z_]*' "$SCRATCH/alerts" | sort -u >"$SCRATCH/in-alerts"
missing=$(sort -u "$SCRATCH/table" "$SCRATCH/in-alerts" | comm -23 - "$SCRATCH/written")
check "every metric the section names is written${missing:+ (not written: $missing)}" [ -z "$missing" ]
undocumented=$(comm -13 "$SCRATCH/table" "$SCRATCH/written")
check "every metric written is in the table${undocumented:+ (missing: $undocumented)}" [ -z "$undocumented" ]

# The dashboard: every query a recording rule of a throwaway group (the
# dashboard's variables given values), which promtool parses; the names
# in its queries and variables, against what tcptune writes.
jq -e '.panels | length > 0' "$DASH" >/dev/null
check "the dashboard is JSON with panels" [ $? -eq 0 ]
jq -r '.. | objects | select(has("expr")) | .expr' "$DASH" >"$SCRATCH/exprs"
nexpr=$(jq '[.. | objects | select(has("expr"))] | length' "$DASH")
# rules FILE: the queries of FILE (one a line) as a rule file.
rules() {
	printf 'groups:\n- name: dashboard\n  rules:\n'
	i=0
	while IFS= read -r e; do
		i=$((i + 1))
		printf -- '  - record: dashboard:query:%d\n    expr: |\n      %s\n' "$i" \
		    "$(printf '%s' "$e" | sed 's/\$__rate_interval/5m/g; s/\$__interval/1m/g; s/\$[a-z_]*/.*/g')"
	done <"$1"
}
rules "$SCRATCH/exprs" >"$SCRATCH/dash-rules.yml"
"$PROMTOOL" check rules "$SCRATCH/dash-rules.yml" >"$SCRATCH/lint" 2>&1
check "promtool parses the dashboard's $nexpr queries ($(grep -c 'record:' "$SCRATCH/dash-rules.yml") rules)" \
	[ $? -eq 0 ] && [ "$nexpr" -gt 10 ] && [ "$(grep -c 'record:' "$SCRATCH/dash-rules.yml")" -eq "$nexpr" ] ||
	cat "$SCRATCH/lint"
printf 'sum by (netns (tcptune_findings)\n' >"$SCRATCH/bad-expr"
rules "$SCRATCH/bad-expr" >"$SCRATCH/bad-rules.yml"
"$PROMTOOL" check rules "$SCRATCH/bad-rules.yml" >/dev/null 2>&1
check "the same wrapping refuses a query that does not parse" [ $? -ne 0 ]
{ cat "$SCRATCH/exprs"; jq -r '.templating.list[] | .definition // empty' "$DASH"; } |
	grep -o 'tcptune_[a-z_]*' | sort -u >"$SCRATCH/in-dash"
unknown=$(comm -23 "$SCRATCH/in-dash" "$SCRATCH/written" | tr '\n' ' ')
check "the dashboard names only metrics tcptune writes${unknown:+ (not written: $unknown)}" [ -z "$unknown" ]
for what in 'tcptune_findings' 'state=~"TIME_WAIT' 'state="CLOSE_WAIT"' 'tcptune_orphan_sockets' 'tcp_max_orphans' \
    'tcp_max_tw_buckets' 'tcptune_destination_port_use_ratio' 'tcptune_destination_fails_at_per_second' \
    'rate(tcptune_netstat_total' 'tcptune_netstat_rate_per_second'; do
	check "the dashboard shows $what" grep -qF "$what" "$SCRATCH/exprs"
done

# The counter label's values against the table that maps them to the
# kernel's files: each one written is there, with its section and field.
grep -o 'counter="[A-Za-z]*_[A-Za-z]*"' "$SCRATCH/all.prom" | sed 's/counter="\(.*\)"/\1/' | sort -u >"$SCRATCH/counters"
check "the counters are written ($(wc -l <"$SCRATCH/counters"))" [ "$(wc -l <"$SCRATCH/counters")" -ge 10 ]
unmapped=
while read -r c; do
	sec=${c%%_*}
	fld=${c#*_}
	grep -qx "| \`$c\` | \`/proc/net/[a-z]*\` | \`$sec:\` \`$fld\` |" "$DOC" || unmapped="$unmapped $c"
done <"$SCRATCH/counters"
check "every counter label is mapped to its file and field${unmapped:+ (not:$unmapped)}" [ -z "$unmapped" ]

# "Alerting on an undo": status's metrics for a state directory that holds
# the record of an apply its guard undid (journal.undone, in the format
# docs/journal.md gives, its mtime the time of the undo).  Its alerts pass
# promtool, every metric the section names is one status writes, and
# promtool finds nothing to complain of in what it writes.
awk '/^### Alerting on an undo/ { s = 1; next } s && /^###? / { exit } s' "$DOC" >"$SCRATCH/undo-doc"
awk '/^```yaml/ { y = 1; next } y && /^```/ { exit } y' "$SCRATCH/undo-doc" >"$SCRATCH/undo-alerts"
{ printf 'groups:\n- name: tcptune-apply\n  rules:\n'; sed 's/^/  /' "$SCRATCH/undo-alerts"; } >"$SCRATCH/undo-rules.yml"
"$PROMTOOL" check rules "$SCRATCH/undo-rules.yml" >"$SCRATCH/lint" 2>&1
check "promtool check rules on the alerts on an undo" [ $? -eq 0 ] && grep -q '^- alert:' "$SCRATCH/undo-alerts"
# (tcptune reads a journal only when root owns it, as in a real state
# directory.)
[ "$(id -u)" -eq 0 ] || { finish; exit; }
S=$SCRATCH/state
mkdir -m 700 "$S"
printf 'tcptune-journal 1\nstate applied\ntime 1796600000\nprofile /etc/tcptune/tcptune.ini\n%s\n%s\nend\n' \
    'guard worse 2001 60000 9 TcpExt.TCPTimeWaitOverflow 0 1000 199200,199900' \
    "$(printf 'key\tnet.ipv4.tcp_max_tw_buckets\t131072\t8192\t131072')" >"$S/journal.undone"
# And the journal of a later apply, which its guard found healthy.
printf 'tcptune-journal 1\nstate applied\ntime 1796600100\nprofile /etc/tcptune/tcptune.ini\n%s\n%s\nend\n' \
    'guard healthy 30000 30000 9 - 0 0 -' \
    "$(printf 'key\tnet.ipv4.tcp_fin_timeout\t60\t30\t60')" >"$S/journal"
chmod 600 "$S/journal.undone" "$S/journal"
touch -d @1796600002 "$S/journal.undone"
"$T" --state-dir "$S" --proc-root "$R618" status --format prometheus --output "$SCRATCH/status.prom"
rc=$?
check "status --format prometheus: exit 1, the fixture's key is not what the journal says ($rc)" [ $rc -eq 1 ]
check "the journal's apply, healthy by its guard" \
	grep -qx 'tcptune_apply_guard_outcome{outcome="healthy"} 1' "$SCRATCH/status.prom" &&
	grep -qx 'tcptune_apply_live_matches 0' "$SCRATCH/status.prom" &&
	grep -qx 'tcptune_apply_timestamp_seconds 1796600100' "$SCRATCH/status.prom"
check "promtool finds nothing to complain of in it" promtool_ok "$SCRATCH/status.prom"
check "it names the guard, the counter and its figures" \
	grep -qx 'tcptune_apply_last_undo_timestamp_seconds{reason="guard"} 1796600002' "$SCRATCH/status.prom" &&
	grep -qx 'tcptune_apply_last_undo_rate_per_second{counter="TcpExt.TCPTimeWaitOverflow"} 199.900' "$SCRATCH/status.prom" &&
	grep -qx 'tcptune_apply_last_undo_threshold_per_second{counter="TcpExt.TCPTimeWaitOverflow"} 1.000' "$SCRATCH/status.prom"
sed -n 's/^# TYPE \([A-Za-z_]*\) .*/\1/p' "$SCRATCH/status.prom" >"$SCRATCH/status-written"
grep -o 'tcptune_[a-z_]*' "$SCRATCH/undo-doc" | grep -v '^tcptune_apply\.prom$' | sort -u >"$SCRATCH/undo-named"
missing=$(sort -u "$SCRATCH/status-written" | comm -23 "$SCRATCH/undo-named" -)
check "every metric the section names is one status writes${missing:+ (not: $missing)}" [ -z "$missing" ]
finish
