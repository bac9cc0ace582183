#!/bin/sh
# Profiles by name: `tcptune profiles` lists them, every command that takes
# a profile takes a name, and a path that exists wins over a name.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
T=$TCPTUNE
R618=$FIXTURES/proc-6.18
mkdir "$SCRATCH/none" "$SCRATCH/etc" "$SCRATCH/shipped"
cp "$PROFILES"/*.ini "$SCRATCH/shipped/"
# The administrator's web-server.ini hides the shipped one.
printf '[profile]\ndescription = Local web tier\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 20\n' \
	>"$SCRATCH/etc/web-server.ini"
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 0x10\n' >"$SCRATCH/etc/broken.ini"
printf 'not a profile\n' >"$SCRATCH/etc/README"
TCPTUNE_PROFILE_PATH="$SCRATCH/etc:$SCRATCH/shipped"
export TCPTUNE_PROFILE_PATH

"$T" profiles >"$SCRATCH/list"
check "profiles: exit 0" [ $? -eq 0 ]
check "profiles: every shipped profile listed" \
	sh -c "for n in behind-nat kernel-defaults proxy-client web-server; do grep -q \"^\$n \" '$SCRATCH/list' || exit 1; done"
check "profiles: a shipped description" grep -q '^proxy-client  *Proxy or client-heavy host' "$SCRATCH/list"
check "profiles: the first directory's web-server wins" grep -q '^web-server  *Local web tier$' "$SCRATCH/list"
check "profiles: each name once" [ "$(grep -c '^web-server ' "$SCRATCH/list")" -eq 1 ]
check "profiles: an invalid one is listed as invalid" grep -q '^broken .*invalid' "$SCRATCH/list"
check "profiles: files not ending in .ini are not profiles" sh -c "! grep -q README '$SCRATCH/list'"
"$T" profiles --format json >"$SCRATCH/list.json"
check "profiles --format json" jq -e --arg p "$SCRATCH/etc/web-server.ini" \
	'.profiles | map(select(.name == "web-server"))[0] | .path == $p and .valid' "$SCRATCH/list.json" >/dev/null
check "profiles --format json: sorted by name" \
	jq -e '[.profiles[].name] == ([.profiles[].name] | sort)' "$SCRATCH/list.json" >/dev/null

"$T" plan --proc-root "$R618" --sysctl-root "$SCRATCH/none" --format json proxy-client >"$SCRATCH/plan.json"
check "plan takes a name" [ $? -eq 0 ]
check "plan by name: the profile's path and name" jq -e --arg p "$SCRATCH/shipped/proxy-client.ini" \
	'.profile.path == $p and .profile.name == "proxy-client"' "$SCRATCH/plan.json" >/dev/null
"$T" check --proc-root "$R618" --sysctl-root "$SCRATCH/none" --no-census --format json \
	--profile web-server >"$SCRATCH/check.json"
check "check --profile takes a name" jq -e '.profile.description == "Local web tier"
	and .sysctl["net.ipv4.tcp_fin_timeout"].target == "20"' "$SCRATCH/check.json" >/dev/null
# apply by name, in a copied proc tree so that nothing of the host changes.
cp -r "$R618" "$SCRATCH/proc"
if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
	unshare -n "$T" apply --proc-root "$SCRATCH/proc" --state-dir "$SCRATCH/state" \
	    --sysctl-root "$SCRATCH/none" web-server >/dev/null 2>&1
	check "apply takes a name" [ "$(cat "$SCRATCH/proc/sys/net/ipv4/tcp_fin_timeout")" = 20 ]
fi

# A path that exists wins over a name.
mkdir "$SCRATCH/cwd"
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 45\n' >"$SCRATCH/cwd/web-server"
(cd "$SCRATCH/cwd" && "$T" plan --proc-root "$R618" --sysctl-root "$SCRATCH/none" \
    --format json web-server) >"$SCRATCH/plan.json"
check "a file named like a profile wins" jq -e '.plan[0].target == "45"' "$SCRATCH/plan.json" >/dev/null

# A missing profile: one line, exit 66.
"$T" plan --proc-root "$R618" no-such-profile >/dev/null 2>"$SCRATCH/err"
check "unknown name: exit 66" [ $? -eq 66 ]
check "unknown name: one error line" [ "$(wc -l <"$SCRATCH/err")" -eq 1 ] &&
	grep -q 'no-such-profile: no such profile' "$SCRATCH/err"
"$T" check --proc-root "$R618" --profile "$SCRATCH/no-such.ini" >/dev/null 2>"$SCRATCH/err"
check "missing path: exit 66" [ $? -eq 66 ]
check "missing path: one error line" [ "$(wc -l <"$SCRATCH/err")" -eq 1 ] &&
	grep -q 'no-such.ini: cannot open: No such file or directory' "$SCRATCH/err"
"$T" plan --proc-root "$R618" --sysctl-root "$SCRATCH/none" broken >/dev/null 2>"$SCRATCH/err"
check "an invalid profile by name: 65 with its file and line" [ $? -eq 65 ] &&
	grep -q "$SCRATCH/etc/broken.ini:2:" "$SCRATCH/err"
TCPTUNE_PROFILE_PATH= "$T" profiles >/dev/null
check "profiles without the variable: the built-in directories, exit 0" [ $? -eq 0 ]
finish
