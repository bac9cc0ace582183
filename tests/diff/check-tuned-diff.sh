#!/bin/sh
# tuned profiles read as tuned 2.20 reads them, judged by tuned itself:
# The tuned package (apt-get download) is unpacked into a cache (never
# installed: installing it starts a daemon that retunes the host), and
# its own Python loader, merger, unit manager and sysctl plugin
# (tests/helpers/tuned-oracle.py says what is stubbed and why) load the same
# trees as `tcptune plan`: every profile the package ships, and seeded
# random include chains.  Nothing here writes to /proc/sys: both sides
# read a private copy of a proc tree.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
T=$TCPTUNE
HERE=${TESTS_DIR:-$(dirname "$0")/..}
# The cache: /var/cache/tcptune-test, or the user's own when that cannot
# be written; TCPTUNE_TEST_CACHE says otherwise.
CACHE=${TCPTUNE_TEST_CACHE:-/var/cache/tcptune-test}
mkdir -p "$CACHE/tuned" 2>/dev/null && [ -w "$CACHE/tuned" ] ||
	CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/tcptune-test
CACHE=$CACHE/tuned
PKG=$CACHE/root

command -v python3 >/dev/null || bail "python3 (a test dependency: ./autogen.sh --deps) is needed to run tuned's own loader"
if [ ! -d "$PKG/usr/lib/python3/dist-packages/tuned" ]; then
	mkdir -p "$CACHE" || bail "cannot make the cache directory $CACHE"
	(cd "$CACHE" && apt-get download tuned) >"$SCRATCH/download" 2>&1 ||
		skip_all "cannot fetch the tuned package with apt-get download: $(tail -1 "$SCRATCH/download")"
	# Unpacked beside the cache and renamed into place, so that two runs
	# at once never see half a tree.
	new=$(mktemp -d "$CACHE/root.XXXXXX") || bail "cannot unpack in $CACHE"
	dpkg-deb -x "$(ls "$CACHE"/tuned_*.deb | tail -1)" "$new" || bail "cannot unpack the tuned package in $CACHE"
	mv -T "$new" "$PKG" 2>/dev/null || rm -rf "$new"
	[ -d "$PKG/usr/lib/python3/dist-packages/tuned" ] || bail "no tuned in the package unpacked in $PKG"
fi
echo "# tuned $(dpkg-deb -f "$(ls "$CACHE"/tuned_*.deb | tail -1)" Version 2>/dev/null) unpacked in $CACHE"

# A proc tree of its own: the 6.18 fixture's keys, this host's cpuinfo and
# pid 1's environment (what virt_check and cpuinfo_regex= look at).
P=$SCRATCH/proc
mkdir -p "$P/1" "$SCRATCH/empty"
cp -r "$FIXTURES/proc-6.18/sys" "$P/"
cat /proc/cpuinfo >"$P/cpuinfo"
cat /proc/1/environ >"$P/1/environ" 2>/dev/null || : >"$P/1/environ"
# The shipped tree, with the [variables] files the package puts in
# /etc/tuned: with --tuned-dir, tcptune (and the driver) look them up there.
TD=$SCRATCH/tuned
cp -r "$PKG/usr/lib/tuned" "$TD"
cp "$PKG"/etc/tuned/*-variables.conf "$TD/"
if systemd-detect-virt -q 2>/dev/null; then VIRT=1; else VIRT=0; fi
echo "# systemd-detect-virt: $(systemd-detect-virt 2>/dev/null), so virt-what answers virt=$VIRT"

# --- all the profiles tuned ships plan with --ignore-unknown
n=0 ok=0
for d in "$TD"/*/; do
	[ -f "$d/tuned.conf" ] || continue
	n=$((n + 1))
	if "$T" plan --proc-root "$P" --sysctl-root "$SCRATCH/empty" --tuned-dir "$TD" \
	    --ignore-unknown -q --format json "$d" >"$SCRATCH/out" 2>"$SCRATCH/err"; then
		ok=$((ok + 1))
	else
		echo "# $(basename "$d"): $(grep error "$SCRATCH/err" | head -1)"
	fi
done
check "every profile tuned ships plans with --ignore-unknown ($ok of $n)" [ "$n" -ge 37 -a "$ok" -eq "$n" ]
"$T" plan --proc-root "$P" --sysctl-root "$SCRATCH/empty" --tuned-dir "$TD" --ignore-unknown -q \
	--format json "$TD/throughput-performance" >"$SCRATCH/out" 2>/dev/null
check "throughput-performance: somaxconn=>2048 against the live 4096 keeps it, saying so" \
	jq -e '.plan[] | select(.key == "net.core.somaxconn") |
	       .action == "keep" and .target == "4096" and (.why | endswith("tuned'"'"'s >2048: live 4096, unchanged"))' \
	"$SCRATCH/out" >/dev/null
mkdir -p "$SCRATCH/p2" && cp -r "$P"/* "$SCRATCH/p2/" && printf '1024\n' >"$SCRATCH/p2/sys/net/core/somaxconn"
"$T" plan --proc-root "$SCRATCH/p2" --sysctl-root "$SCRATCH/empty" --tuned-dir "$TD" --ignore-unknown -q \
	--format json "$TD/throughput-performance" >"$SCRATCH/out" 2>/dev/null
check "throughput-performance: somaxconn=>2048 against a live 1024 writes 2048" \
	jq -e '.plan[] | select(.key == "net.core.somaxconn") | .action == "write" and .target == "2048"' "$SCRATCH/out" >/dev/null

# --- the differential: shipped profiles and seeded random chains
SEED=${TCPTUNE_SEED:-$(date +%s)}
echo "# seed $SEED (TCPTUNE_SEED=$SEED reproduces it)"
mkdir "$SCRATCH/chains"
python3 "$HERE/helpers/tuned-oracle.py" --pkg "$PKG" --tcptune "$T" --proc "$P" --empty "$SCRATCH/empty" \
	--virt "$VIRT" --seed "$SEED" --chains 200 --work "$SCRATCH/chains" --shipped "$TD" \
	>"$SCRATCH/diff" 2>&1
rc=$?
sed 's/^/# /' "$SCRATCH/diff"
check "tuned's loader and tcptune agree on every shipped profile and 200 random chains" \
	grep -q ' 0 disagree$' "$SCRATCH/diff"
check "the driver ran to its end (exit 0)" [ "$rc" -eq 0 ]
cases=$(sed -n 's/^\([0-9]*\) cases.*/\1/p' "$SCRATCH/diff")
check "the comparison covered the 37 shipped profiles and 200 chains ($cases)" [ "${cases:-0}" -ge 237 ]

# --- ${variables} and ${f:functions}: tuned's own Variables.expand()
# against tcptune's on seeded random strings of their pieces (escapes,
# nesting, unpaired braces, functions decided here and not).
: "${TUNED_EXPAND:?TUNED_EXPAND must point at tests/helpers/tuned-expand}"
python3 "$HERE/helpers/tuned-oracle.py" --pkg "$PKG" --tcptune "$T" --proc "$P" --empty "$SCRATCH/empty" \
	--virt "$VIRT" --seed "$SEED" --chains 500 --expand "$TUNED_EXPAND" >"$SCRATCH/exp" 2>&1
rc=$?
sed 's/^/# /' "$SCRATCH/exp"
check "tuned's expansion and tcptune's agree on 2,000 random strings" grep -q '^2000 expansions: .* 0 disagree$' "$SCRATCH/exp"
check "the expansion driver ran to its end (exit 0)" [ "$rc" -eq 0 ]

# --- the ini dialect: Python's configparser with tuned's settings against
# tcptune's reader on seeded random files (comments, continuations, blank
# lines inside values, CR and CRLF line ends, odd headers, bad lines).
: "${TUNED_INI:?TUNED_INI must point at tests/helpers/tuned-ini}"
mkdir "$SCRATCH/ini"
python3 "$HERE/helpers/tuned-oracle.py" --pkg "$PKG" --tcptune "$T" --proc "$P" --empty "$SCRATCH/empty" \
	--virt "$VIRT" --seed "$SEED" --chains 1000 --ini "$TUNED_INI" --work "$SCRATCH/ini" >"$SCRATCH/ini.out" 2>&1
rc=$?
sed 's/^/# /' "$SCRATCH/ini.out"
check "tuned's parser and tcptune's agree on 1,000 random files" grep -q '^1000 files: .* 0 disagree$' "$SCRATCH/ini.out"
check "the ini driver ran to its end (exit 0)" [ "$rc" -eq 0 ]

finish
