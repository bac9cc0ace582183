#!/bin/sh
# Invalid UTF-8 in a profile's path and description: JSON output stays
# readable by a strict parser (Python's json) and Prometheus output is
# accepted by promtool.  Each bad byte becomes U+FFFD.
. "$(dirname "$0")/lib.sh"
ns_enter
setup_work
command -v python3 >/dev/null || skip "python3 is not installed"

p=$WORK/$(printf 'bad\377\376name').ini
printf '[profile]\ndescription = caf\303 \355\240\200 \300\257 ok \303\251\nnat = no\n[sysctl]\nnet.core.somaxconn = 4096\n' >"$p"
fix="--proc-root $FIXTURES/proc-6.18"
$T $fix check --no-census --profile "$p" --format json >$WORK/out.json 2>$WORK/err
python3 -c 'import json,sys; d=json.load(open(sys.argv[1], encoding="utf-8")); print(d["profile"]["description"])' \
    $WORK/out.json >$WORK/desc || fail "Python's json refuses the output: $(cat $WORK/err)"
grep -q 'ok é' $WORK/desc || fail "valid UTF-8 was not kept: $(cat $WORK/desc)"
ok "JSON with invalid UTF-8 in the profile: Python's json reads it, valid text kept"

if PROMTOOL=$(promtool_path); then
	$T $fix check --no-census --profile "$p" --format prometheus >$WORK/out.prom 2>$WORK/err
	promtool_ok $WORK/out.prom ||
		fail "promtool refuses the output: $(cat $WORK/out.prom.lint)"
	ok "Prometheus with invalid UTF-8 in the profile path: promtool accepts it"
fi
