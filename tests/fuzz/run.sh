#!/bin/sh
# run.sh SRCDIR NAME: runs the harness tests/fuzz/fuzz-NAME (in the build
# tree) for $FUZZ_SECONDS seconds on the seed corpus SRCDIR/corpus/NAME.
# Prints one line with the executions reached; fails, showing the report,
# on a crash, leak, timeout or sanitizer finding.
set -u
src=$1 name=$2
secs=${FUZZ_SECONDS:-60}
bin=tests/fuzz/fuzz-$name
work=tests/fuzz/work
seeds=$src/corpus/$name
# NAME.seeds lists more seed directories of the source tree, one a line,
# so the profiles and fixtures the tests use seed the fuzzer as they change.
if [ -f "$src/$name.seeds" ]; then
	while read -r d; do
		[ -d "$src/../../$d" ] && seeds="$seeds $src/../../$d"
	done <"$src/$name.seeds"
fi
mkdir -p "$work/$name"

set -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$work/$name-"
[ -f "$src/$name.dict" ] && set -- "$@" -dict="$src/$name.dict"
[ -f "$src/$name.options" ] && set -- "$@" $(cat "$src/$name.options")

# The working corpus comes first: new inputs go there, never into the seeds.
# shellcheck disable=SC2086
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
	"$bin" "$@" "$work/$name" $seeds >"$work/$name.log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log" | tail -n 1)
cov=$(grep -Eo 'cov: [0-9]+' "$work/$name.log" | tail -n 1)
corpus=$(ls "$work/$name" | wc -l)
if [ $rc -ne 0 ]; then
	echo "fuzz $name: FAILED (exit $rc) after ${runs:-?} runs; the report:"
	grep -v '^#' "$work/$name.log" | tail -n 60
	ls "$work/$name"-* 2>/dev/null | sed 's/^/fuzz: input saved as /'
	exit 1
fi
echo "fuzz $name: ${runs:-?} runs in $secs s, ${cov:-cov: ?}, $corpus new inputs, no finding"
