#!/bin/sh
# End-to-end: the tcptune binary on fixture proc roots and on this kernel.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
command -v jq >/dev/null || skip_all "jq is not installed"
T=$TCPTUNE
R618=$FIXTURES/proc-6.18
R49=$FIXTURES/proc-4.9

# --- the command layer
"$T" >/dev/null 2>&1; check "no command is a usage error (64)" [ $? -eq 64 ]
"$T" help >"$SCRATCH/help"; check "help exits 0" [ $? -eq 0 ]
check "help lists check and explain" grep -q "^  check" "$SCRATCH/help"
"$T" --version | grep -Eq '^tcptune [0-9]+\.[0-9]+'; check "--version" [ $? -eq 0 ]
"$T" chec >/dev/null 2>&1; check "no prefix matching of commands (64)" [ $? -eq 64 ]
"$T" check --help | grep -q "usage: tcptune check"; check "check --help" [ $? -eq 0 ]
"$T" help explain | grep -q "usage: tcptune explain"; check "help explain" [ $? -eq 0 ]
"$T" help --help | grep -q "^usage: tcptune "; check "help --help" [ $? -eq 0 ]
"$T" explain --bogus >/dev/null 2>&1; check "explain: unknown option (64)" [ $? -eq 64 ]
"$T" check --bogus >/dev/null 2>&1; check "unknown option (64)" [ $? -eq 64 ]
"$T" check --format yaml >/dev/null 2>&1; check "unknown format (64)" [ $? -eq 64 ]
"$T" check --proc-root "$SCRATCH/nothing" >/dev/null 2>&1; check "empty proc root (66)" [ $? -eq 66 ]

# --- -v / --verbose: the library's debug messages reach standard error
mkdir -p "$SCRATCH/sysroot"
V="--proc-root $R618 --sysctl-root $SCRATCH/sysroot"
"$T" check $V --profile "$PROFILES/web-server.ini" >/dev/null 2>"$SCRATCH/err"
check "without -v no debug message" [ ! -s "$SCRATCH/err" ]
"$T" check -v $V --profile "$PROFILES/web-server.ini" >/dev/null 2>"$SCRATCH/err"
check "-v shows the library's debug messages" \
    grep -q "^tcptune: debug: .*/web-server.ini: profile loaded$" "$SCRATCH/err"
check "-v: every line on stderr is a debug message" \
    sh -c "! grep -qv '^tcptune: debug: ' '$SCRATCH/err'"
"$T" --verbose plan $V "$PROFILES/web-server.ini" >/dev/null 2>"$SCRATCH/err"
check "--verbose before the command" grep -q "^tcptune: debug: .*profile loaded$" "$SCRATCH/err"
"$T" plan $V "$PROFILES/web-server.ini" >/dev/null 2>"$SCRATCH/err"
check "plan without --verbose: no debug message" [ ! -s "$SCRATCH/err" ]
"$T" status --help | grep -q -- "-v|--verbose"; check "the common options name -v" [ $? -eq 0 ]

# --- check on a current kernel tree, without a profile
"$T" check --proc-root "$R618" --all >"$SCRATCH/out"; rc=$?
check "clean 6.18 tree exits 0" [ $rc -eq 0 ]
nkeys=0
for k in $(catalog_keys); do
	nkeys=$((nkeys + 1))
	grep -q "^$k " "$SCRATCH/out" || failed "text report lacks $k"
done
check "the catalog lists keys ($nkeys)" [ "$nkeys" -gt 10 ]
check "text report lists net.core.somaxconn" grep -q "^net.core.somaxconn  *4096" "$SCRATCH/out"
check "absent key says absent" grep -Eq "^net.ipv4.tcp_tw_recycle +absent" "$SCRATCH/out"
check "two-value key shown as low high" grep -Eq "^net.ipv4.ip_local_port_range +32768 60999" "$SCRATCH/out"
check "the verdict line, with the counts" \
	sh -c "sed -n 1p '$SCRATCH/out' | grep -Eq '^OK: nothing wrong \\(0 critical, 0 warn, 0 info, [0-9]+ ok\\)$'"
check "no colour when not a terminal" sh -c "! grep -q \"$(printf '\033')\" '$SCRATCH/out'"

"$T" --proc-root "$R618" check --format json >"$SCRATCH/json"
check "JSON parses" jq -e . "$SCRATCH/json" >/dev/null
check "JSON kernel" jq -e '.kernel == "6.18.44-generic"' "$SCRATCH/json" >/dev/null
check "JSON value, default, present" jq -e '.sysctl["net.ipv4.tcp_fin_timeout"] | .value == "60" and .default == "60" and .present == true' "$SCRATCH/json" >/dev/null
check "JSON absent key" jq -e '.sysctl["net.ipv4.tcp_tw_recycle"] | .present == false and .value == null and .state == "absent"' "$SCRATCH/json" >/dev/null
check "JSON boot-sized default is null" jq -e '.sysctl["net.ipv4.tcp_max_tw_buckets"].default == null' "$SCRATCH/json" >/dev/null
check "JSON has every catalog key ($nkeys)" jq -e --argjson n "$nkeys" '.sysctl | length == $n' "$SCRATCH/json" >/dev/null
check "JSON summary" jq -e '.summary | .warn == 0 and .critical == 0 and .ok > 0' "$SCRATCH/json" >/dev/null
check "JSON findings carry id and severity" jq -e '[.findings[] | has("id","severity","keys","message","advice")] | all' "$SCRATCH/json" >/dev/null

# --- the 4.9 tree with a NAT profile asking for tw_recycle: critical, exit 2
cat >"$SCRATCH/recycle.ini" <<'INI'
[profile]
description = folk advice
nat = yes
[sysctl]
net.ipv4.tcp_tw_recycle = 1
INI
"$T" check --proc-root "$R49" --profile "$SCRATCH/recycle.ini" --format json >"$SCRATCH/json"; rc=$?
check "tw_recycle requested behind NAT exits 2" [ $rc -eq 2 ]
check "critical tw_recycle_requested finding" jq -e '[.findings[] | select(.id == "tw_recycle_requested" and .severity == "critical" and .explain == "tcp_tw_recycle")] | length == 1' "$SCRATCH/json" >/dev/null
check "JSON profile and target" jq -e '.profile.nat == "yes" and .sysctl["net.ipv4.tcp_tw_recycle"].target == "1"' "$SCRATCH/json" >/dev/null
check "4.9 defaults: tw_reuse 0, somaxconn 128" jq -e '.sysctl["net.ipv4.tcp_tw_reuse"].default == "0" and .sysctl["net.core.somaxconn"].default == "128"' "$SCRATCH/json" >/dev/null
"$T" check --proc-root "$R49" --profile "$SCRATCH/recycle.ini" >"$SCRATCH/out"
check "text names the critical finding" grep -q "^\[CRITICAL\] *tw_recycle_requested" "$SCRATCH/out"
check "text gives the explain pointer" grep -q "explain:  tcptune explain tcp_tw_recycle" "$SCRATCH/out"

# --- a folk-tuned 4.9 host: warnings, exit 1; the same with nat = yes: 2
"$T" check --proc-root "$FIXTURES/proc-4.9-folk" --format json >"$SCRATCH/json"; rc=$?
check "folk host without profile exits 1" [ $rc -eq 1 ]
check "folk host findings" jq -e '[.findings[] | select(.severity == "warn") | .id] | contains(["tw_recycle_enabled","timestamps_off","tw_reuse_without_timestamps","unsafe_value"])' "$SCRATCH/json" >/dev/null
"$T" check --proc-root "$FIXTURES/proc-4.9-folk" --profile "$PROFILES/behind-nat.ini" >/dev/null; rc=$?
check "folk host audited against behind-nat exits 2" [ $rc -eq 2 ]

# --- the vendor tree has tcp_tw_timeout
"$T" check --proc-root "$FIXTURES/proc-vendor" --format json | jq -e '.sysctl["net.ipv4.tcp_tw_timeout"].value == "60"' >/dev/null
check "vendor tcp_tw_timeout read" [ $? -eq 0 ]

# --- broken tree: unreadable and odd keys are reported, not fatal
"$T" check --proc-root "$FIXTURES/proc-broken" --format json >"$SCRATCH/json" 2>"$SCRATCH/err"
check "broken tree still reports" jq -e '.sysctl["net.ipv4.tcp_fin_timeout"].state == "failed" and .sysctl["net.ipv4.tcp_keepalive_time"].value == "7200"' "$SCRATCH/json" >/dev/null
check "broken value is named on stderr" grep -q "net.ipv4.tcp_fin_timeout: unexpected contents" "$SCRATCH/err"

# --- every shipped profile audits cleanly against a tree at its own values
for p in "$PROFILES"/*.ini; do
	"$T" check --proc-root "$R618" --profile "$p" --format json >"$SCRATCH/json" 2>"$SCRATCH/err"
	rc=$?
	if [ $rc -le 1 ] && [ ! -s "$SCRATCH/err" ] && jq -e . "$SCRATCH/json" >/dev/null; then
		pass "profile $(basename "$p") loads and audits (exit $rc)"
	else
		failed "profile $(basename "$p"): exit $rc"; cat "$SCRATCH/err"
	fi
done

# --- explain
"$T" explain tcp_tw_recycle >"$SCRATCH/ex"; rc=$?
check "explain tcp_tw_recycle exits 0" [ $rc -eq 0 ]
for word in NAT timestamp PAWS 4.10 4.12 "60 s" tcp_tw_reuse "silent\|without a word"; do
	grep -qi "$word" "$SCRATCH/ex" || failed "explain tcp_tw_recycle lacks '$word'"
done
pass "explain tcp_tw_recycle covers NAT, PAWS, 4.10, 4.12 and what to do"
"$T" explain net.ipv4.tcp_fin_timeout | grep -q "not the length of TIME_WAIT"
check "explain by full name" [ $? -eq 0 ]
"$T" explain net/core/somaxconn | grep -q "^Default: *4096"
check "explain by slash name" [ $? -eq 0 ]
"$T" --proc-root "$R49" explain tcp_tw_recycle | grep -q "^This host: *net.ipv4.tcp_tw_recycle = 0"
check "explain shows the host's value" [ $? -eq 0 ]
"$T" explain >"$SCRATCH/list"
check "explain lists every catalog key, once ($nkeys)" \
    [ "$(grep -c '^  net\.' "$SCRATCH/list")" -eq "$nkeys" ]
for k in $(catalog_keys); do
	grep -q "^  $k " "$SCRATCH/list" || failed "explain's list lacks $k"
done
"$T" explain kernel.core_pattern >/dev/null 2>&1; check "explain unknown key (64)" [ $? -eq 64 ]

# --- this kernel: what check reads equals the kernel's own files
"$T" check --format json >"$SCRATCH/live"
rc=$?
check "check on this host runs" [ $rc -le 2 ]
for k in $(jq -r '.sysctl | to_entries[] | select(.value.present) | .key' "$SCRATCH/live"); do
	f=/proc/sys/$(echo "$k" | tr . /)
	want=$(tr -s '\t ' ' ' <"$f")
	got=$(jq -r --arg k "$k" '.sysctl[$k].value' "$SCRATCH/live")
	[ "$want" = "$got" ] || failed "$k: tcptune says $got, kernel says $want"
	if command -v sysctl >/dev/null; then
		s=$(sysctl -n "$k" | tr -s '\t ' ' ')
		[ "$s" = "$got" ] || failed "$k: tcptune says $got, sysctl -n says $s"
	fi
done
pass "live values equal the kernel's files"

# In a private namespace changed values are seen (and the host is untouched).
if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
	before=$(host_sysctls)
	unshare -n sh -c 'echo 33 >/proc/sys/net/ipv4/tcp_fin_timeout &&
	    echo 0 >/proc/sys/net/ipv4/tcp_timestamps && "$0" check --format json' "$T" >"$SCRATCH/ns"
	rc=$?
	check "namespace: timestamps off warns (exit 1)" [ $rc -eq 1 ]
	check "namespace: changed value read" jq -e '.sysctl["net.ipv4.tcp_fin_timeout"].value == "33" and .netns == "child" and .sysctl["net.ipv4.tcp_max_orphans"].present == false' "$SCRATCH/ns" >/dev/null
	check "host sysctls untouched" [ "$before" = "$(host_sysctls)" ]
else
	echo "# no private network namespace here: live change not tested"
fi

finish
