#!/bin/bash
# shellcheck disable=SC2046,SC2086 # $g and the files found are lists of words
# Every command's output (text, JSON, Prometheus) on every fixture and
# profile, for comparing two builds byte for byte:
#
#   tests/analysis/outputs.sh TCPTUNE OUTDIR     write one file per run
#   diff -r OUTDIR.before OUTDIR.after           what changed
#
# Each run gets scratch copies of its proc root and an empty state directory,
# so apply and rollback write only there. The --all-namespaces runs happen in
# a private pid, mount and network namespace holding only namespaces made
# here (skipped when unshare cannot make them). Times and namespace inodes
# are replaced by words, since they differ from run to run.
set -u
bin=$(realpath "$1")
out=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

profiles=$(ls "$src"/profiles/*.ini "$src"/tests/bad-profiles/*.ini)
fixtures=$(ls -d "$src"/tests/fixtures/proc-*)

# run NAME ARGS...: stdout, stderr and the exit code of tcptune ARGS into
# $out/NAME, with paths of the scratch tree and the source tree made neutral;
# runx NAME COMMAND ARGS... the same for another command.
run() {
	local name=$1
	shift
	runx "$name" "$bin" "$@"
}
runx() {
	local name=$1
	shift
	local rc=0
	"$@" >"$tmp/o" 2>"$tmp/e" || rc=$?
	{
		cat "$tmp/o"
		echo "--- stderr"
		cat "$tmp/e"
		echo "--- exit $rc"
	} | sed -E -e "s|$tmp|TMP|g" -e "s|$src|SRC|g" \
	    -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}/DATE/g' \
	    -e 's/(timestamp_seconds(\{[^}]*\})? )[0-9]+/\1T/' \
	    -e 's/("(time|deadline|btime)": )[0-9]+/\1T/' \
	    -e 's/(inode[" :=]*)[0-9]{6,}/\1N/g' -e 's/("TCP\.(mem|alloc|orphan)": )[0-9]+/\1M/' >"$out/$name"
}

fresh() {
	rm -rf "$tmp/proc" "$tmp/state"
	cp -a "$1" "$tmp/proc"
	mkdir -m 0700 "$tmp/state"
}

for fx in $fixtures; do
	f=$(basename "$fx")
	for fmt in text json prometheus; do
		fresh "$fx"
		run "$f.check.$fmt" --proc-root "$tmp/proc" --state-dir "$tmp/state" \
		    check --no-color --format "$fmt"
		for p in $profiles; do
			pn=$(basename "$(dirname "$p")").$(basename "$p" .ini)
			fresh "$fx"
			g="--proc-root $tmp/proc --state-dir $tmp/state"
			run "$f.$pn.check.$fmt" $g check --no-color --format "$fmt" --profile "$p"
			[ "$fmt" = prometheus ] && continue
			run "$f.$pn.plan.$fmt" $g plan --format "$fmt" "$p"
			run "$f.$pn.status0.$fmt" $g status --format "$fmt"
			run "$f.$pn.apply.$fmt" $g apply --format "$fmt" "$p"
			run "$f.$pn.status1.$fmt" $g status --format "$fmt"
			runx "$f.$pn.keys1" cat $(find "$tmp/proc/" -path "*/sys/*" -type f | sort)
			run "$f.$pn.rollback.$fmt" $g rollback --format "$fmt"
			run "$f.$pn.status2.$fmt" $g status --format "$fmt"
			runx "$f.$pn.keys2" cat $(find "$tmp/proc/" -path "*/sys/*" -type f | sort)
		done
	done
done
# --output: written whole, and for Prometheus also when the check fails.
fx=$src/tests/fixtures/proc-6.18
for fmt in text json prometheus; do
	for p in "$src/profiles/web-server.ini" "$src/tests/bad-profiles/hex.ini"; do
		pn=$(basename "$p" .ini)
		rm -f "$tmp/out.file"
		run "output.$pn.$fmt" --proc-root "$fx" check --format "$fmt" --profile "$p" \
		    --output "$tmp/out.file"
		runx "output.$pn.$fmt.file" cat "$tmp/out.file"
	done
done
for fmt in text json; do
	run "explain.$fmt" explain --format "$fmt"
	for k in $("$bin" explain --format json | jq -r '.keys[].key' 2>/dev/null); do
		run "explain.$k.$fmt" explain --format "$fmt" "$k"
	done
	run "profiles.$fmt" profiles --format "$fmt"
	for p in $profiles; do
		pn=$(basename "$(dirname "$p")").$(basename "$p" .ini)
		run "export.$pn.$fmt" export --format "$fmt" "$p"
	done
done

# Live namespaces: a private pid+mount+net namespace with three of our own.
if [ "$(id -u)" = 0 ] && unshare -p -m -n --fork --mount-proc true 2>/dev/null; then
	export -f run runx
	export bin out tmp src
	unshare -p -m -n --fork --mount-proc bash -c '
		mount -t tmpfs tmpfs /run
		mkdir -p /run/netns
		for n in alpha beta gamma; do ip netns add $n; done
		ip netns exec beta sysctl -qw net.ipv4.tcp_fin_timeout=5
		for fmt in text json prometheus; do
			run "allns.check.$fmt" check --no-color --no-census --all-namespaces --format "$fmt"
			run "allns.prof.check.$fmt" check --no-color --no-census --all-namespaces \
			    --profile "$src/profiles/web-server.ini" --format "$fmt"
			run "allns.census.check.$fmt" check --no-color --all-namespaces --format "$fmt"
			run "netns.beta.check.$fmt" check --no-color --no-census --netns beta --format "$fmt"
		done
		for fmt in text json; do
			mkdir -p "$tmp/nsstate"
			g="--state-dir $tmp/nsstate"
			run "netns.plan.$fmt" $g plan --netns alpha --format "$fmt" "$src/profiles/web-server.ini"
			run "netns.apply.$fmt" $g apply --netns alpha --format "$fmt" "$src/profiles/web-server.ini"
			run "netns.status.$fmt" $g status --netns alpha --format "$fmt"
			run "netns.rollback.$fmt" $g rollback --netns alpha --format "$fmt"
			rm -rf "$tmp/nsstate"
		done
	'
fi
echo "$(ls "$out" | wc -l) outputs in $out"
