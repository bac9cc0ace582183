#!/bin/sh
# Every command's JSON, real output, against its schema in docs/schema/.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
python3 -c 'import jsonschema' 2>/dev/null || skip_all "python3-jsonschema is not installed"
T=$TCPTUNE
R618=$FIXTURES/proc-6.18
SCHEMA=$TESTS_DIR/../docs/schema
N=$SCRATCH/none
mkdir "$N"

# valid SCHEMA-NAME FILE: the document is valid against the schema.
cat >"$SCRATCH/validate.py" <<'EOP'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))))
for e in errors:
    print("#", "/".join(str(p) for p in e.absolute_path), e.message[:200])
sys.exit(1 if errors else 0)
EOP
valid() { python3 "$SCRATCH/validate.py" "$SCHEMA/$1.schema.json" "$2"; }

"$T" check --proc-root "$R618" --sysctl-root "$N" --no-census --format json >"$SCRATCH/check.json"
check "check (no profile) against check.schema.json" valid check "$SCRATCH/check.json"
check "format_version 1" jq -e '.format_version == 1' "$SCRATCH/check.json" >/dev/null
# The validator must be able to fail, or the checks prove nothing.
jq 'del(.format_version)' "$SCRATCH/check.json" >"$SCRATCH/bad.json"
check "a document without format_version is refused" sh -c "! python3 '$SCRATCH/validate.py' '$SCHEMA/check.schema.json' '$SCRATCH/bad.json' >/dev/null"
jq '.profile = "web.ini"' "$SCRATCH/check.json" >"$SCRATCH/bad.json"
check "a profile given as a string is refused" sh -c "! python3 '$SCRATCH/validate.py' '$SCHEMA/check.schema.json' '$SCRATCH/bad.json' >/dev/null"
"$T" check --proc-root "$FIXTURES/proc-4.9-folk" --sysctl-root "$N" --format json \
	--profile "$PROFILES/web-server.ini" >"$SCRATCH/check.json"
check "check with a profile and findings" valid check "$SCRATCH/check.json"
if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
	unshare -n sh -c "ip link set lo up; exec '$T' check --sysctl-root '$N' --format json" >"$SCRATCH/check.json"
	check "check with the census of a live namespace" valid check "$SCRATCH/check.json"
fi

"$T" plan --proc-root "$R618" --sysctl-root "$N" --format json "$PROFILES/web-server.ini" >"$SCRATCH/plan.json"
check "plan" valid plan "$SCRATCH/plan.json"
check "plan: profile is an object" jq -e '.profile.name == "web-server"' "$SCRATCH/plan.json" >/dev/null
"$T" explain --format json >"$SCRATCH/explain.json"
check "explain (the list)" valid explain "$SCRATCH/explain.json"
"$T" explain --proc-root "$R618" --format json tcp_fin_timeout >"$SCRATCH/explain.json"
check "explain KEY" valid explain "$SCRATCH/explain.json"
check "explain KEY: the key, its default and this host's value" jq -e \
	'.key == "net.ipv4.tcp_fin_timeout" and .default == "60" and .value == "60" and .state == "ok"' \
	"$SCRATCH/explain.json" >/dev/null
"$T" explain --proc-root "$R618" --format json tcp_tw_recycle >"$SCRATCH/explain.json"
check "explain a removed key" valid explain "$SCRATCH/explain.json"
check "explain a removed key: absent, removed in 4.12" jq -e '.state == "absent" and .value == null and .removed == "4.12"' \
	"$SCRATCH/explain.json" >/dev/null
TCPTUNE_PROFILE_PATH=$PROFILES "$T" profiles --format json >"$SCRATCH/profiles.json"
check "profiles" valid profiles "$SCRATCH/profiles.json"

# The applier's documents, on a copied proc tree in a namespace of its own.
if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
	cp -r "$R618" "$SCRATCH/proc"
	A="--proc-root $SCRATCH/proc --state-dir $SCRATCH/state --sysctl-root $N --format json"
	unshare -n sh -c "
	    '$T' status $A >'$SCRATCH/status0.json'
	    '$T' confirm $A >'$SCRATCH/confirm0.json'
	    '$T' apply $A --confirm 300 '$PROFILES/web-server.ini' >'$SCRATCH/apply.json'
	    '$T' status $A >'$SCRATCH/status.json'
	    '$T' confirm $A >'$SCRATCH/confirm.json'
	    '$T' apply $A '$PROFILES/web-server.ini' >'$SCRATCH/apply2.json'
	    '$T' rollback $A >'$SCRATCH/rollback.json'
	    '$T' rollback $A >'$SCRATCH/rollback2.json'"
	unshare -n "$T" confirm $A >/dev/null 2>&1
	check "confirm with nothing pending exits 1, as tcptune(8) says" [ $? -eq 1 ] &&
		grep -q 'no apply waits for confirmation' "$TESTS_DIR/../docs/tcptune.8"
	check "status without a journal" valid status "$SCRATCH/status0.json"
	check "confirm with nothing pending" valid confirm "$SCRATCH/confirm0.json"
	check "confirm with nothing pending: the result" jq -e '.result == "nothing_pending"' "$SCRATCH/confirm0.json" >/dev/null
	check "apply --confirm" valid apply "$SCRATCH/apply.json"
	check "status with a pending confirmation" valid status "$SCRATCH/status.json"
	check "status: profile is an object" jq -e '.profile.name == "web-server" and .confirm == "pending"' "$SCRATCH/status.json" >/dev/null
	check "confirm" valid confirm "$SCRATCH/confirm.json"
	check "confirm: confirmed, changed false" jq -e '.result == "confirmed" and .changed == false' "$SCRATCH/confirm.json" >/dev/null
	check "apply with nothing to do" valid apply "$SCRATCH/apply2.json"
	check "rollback" valid rollback "$SCRATCH/rollback.json"
	check "rollback with nothing to do" valid rollback "$SCRATCH/rollback2.json"
	# A key someone else changed since: rollback leaves it, result partial, exit 1.
	unshare -n sh -c "
	    '$T' apply $A '$PROFILES/web-server.ini' >/dev/null
	    echo 45 >'$SCRATCH/proc/sys/net/ipv4/tcp_fin_timeout'
	    '$T' rollback $A >'$SCRATCH/partial.json'
	    echo \$? >'$SCRATCH/partial.rc'"
	check "rollback partial exits 1, as tcptune(8) says" [ "$(cat "$SCRATCH/partial.rc")" = 1 ] &&
		grep -q '^\.BR partial ),' "$TESTS_DIR/../docs/tcptune.8"
	check "rollback partial" valid rollback "$SCRATCH/partial.json"
	check "rollback partial: the result" jq -e '.result == "partial"' "$SCRATCH/partial.json" >/dev/null
	for f in status0 confirm0 apply status confirm apply2 rollback rollback2; do
		jq -e '.format_version == 1' "$SCRATCH/$f.json" >/dev/null || failed "format_version in $f"
	done
else
	echo "# the applier's documents not checked: a private network namespace needs root"
fi
finish
