#!/bin/sh
# The README's quick start on a fresh machine: a minbase Debian root
# (debootstrap from this machine's own archive, cached between runs, see
# debian-root.sh) with git and nothing else, a clean clone of the commit
# under test (HEAD of SRCDIR), and the two commands of the README's "Quick
# start" section, read from that clone's README.md and run as written, as
# root, in a chroot that behaves like a machine: its own mount namespace,
# /proc, /sys and /dev of the host, fresh /tmp and /run, the host's DNS and
# archive.  The commands run one after the other in one clone, as a reader
# following the page would.
#
#   tests/integration/fresh-root.sh [SRCDIR]    (make check-fresh)
#
# Exit 0 when both commands pass and make check skips nothing; 1 with the
# first error, the end of the log and config.log's or the failed tests'
# lines when one fails; 77 when the Debian archive cannot be reached (or
# without root or a tool this needs).  TCPTUNE_FRESH_KEEP=1 keeps the
# root (its path is printed).  Not part of make check: inside the root,
# make check runs the whole suite, the boot test included.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "${1:-$HERE/../..}" && pwd) || exit 1
. "$HERE/debian-root.sh"

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
now() { date +%s; }

[ "$(id -u)" -eq 0 ] || skip "debootstrap, chroot and mounts need root"
for tool in debootstrap unshare chroot mount git flock; do
	command -v $tool >/dev/null || skip "$tool is not installed"
done
COMMIT=$(git -C "$SRC" rev-parse --verify -q HEAD) || fail "$SRC is not a git checkout"
echo "# commit under test: $(git -C "$SRC" log -1 --format='%h %s' "$COMMIT")"
git -C "$SRC" diff --quiet HEAD 2>/dev/null || echo "# (uncommitted changes in $SRC are not tested)"

# --- the archive, reachable now; the cached root: minbase and git
t0=$(now)
debian_mirror
case $? in 0) ;; 77) skip "$DEBIAN_ROOT_WHY" ;; *) fail "$DEBIAN_ROOT_WHY" ;; esac
debian_root git,systemd
case $? in 0) ;; 77) skip "$DEBIAN_ROOT_WHY" ;; *) fail "$DEBIAN_ROOT_WHY" ;; esac
echo "# cached root ready in $(($(now) - t0)) s ($BASE)"
# A cached root needs no network; the README's commands do.
SCRATCH=$(mktemp -d "${TMPDIR:-/var/tmp}/tcptune-fresh.XXXXXX") || exit 1
ROOT=$SCRATCH/root
if ! /usr/lib/apt/apt-helper download-file "$MIRROR/dists/$SUITE/InRelease" \
    "$SCRATCH/InRelease" >"$SCRATCH/reach.log" 2>&1; then
	why=$(grep -E '^E:' "$SCRATCH/reach.log" | head -1)
	rm -rf "$SCRATCH"
	skip "apt-get cannot reach $MIRROR: $why"
fi

# Processes left running in the root (none should be), by id, then the
# root itself.  The mounts were in the namespace, gone with them.
cleanup() {
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && kill -9 "${p#/proc/}" 2>/dev/null
	done
	if [ "${TCPTUNE_FRESH_KEEP:-0}" = 1 ]; then
		echo "# root kept in $ROOT"
	else
		rm -rf "$SCRATCH"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# --- a copy of the cached root for this run
t0=$(now)
cp -a --reflink=auto "$BASE" "$ROOT" || fail "cannot copy $BASE"
echo "deb $MIRROR $SUITE main" >"$ROOT/etc/apt/sources.list"
rm -f "$ROOT"/etc/apt/sources.list.d/*
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
# Packages are installed, not started: a service started in the root would
# run on this machine.
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
echo "# fresh copy in $(($(now) - t0)) s"

# The packages apt-get downloads are kept between runs, beside the cached
# root, and linked into each run's own apt cache: apt-get still resolves
# and installs every one from the archive's index, only the download is
# saved.  debs_keep: the root's packages back into the cache, and those
# the root's apt-get autoclean dropped out of it.
DEBS=$CACHE/$SUITE-debs
A=$ROOT/var/cache/apt/archives
mkdir -p "$DEBS" || fail "cannot create $DEBS"
for f in "$DEBS"/*.deb; do
	[ -f "$f" ] && { ln "$f" "$A/" 2>/dev/null || cp "$f" "$A/"; }
done
debs_keep() {
	for f in "$A"/*.deb; do
		[ -f "$f" ] && [ ! -e "$DEBS/${f##*/}" ] && { ln "$f" "$DEBS/" 2>/dev/null || cp "$f" "$DEBS/"; }
	done
	[ "${1:-}" = prune ] || return 0
	for f in "$DEBS"/*.deb; do
		[ -f "$f" ] && [ ! -e "$A/${f##*/}" ] && rm -f "$f"
	done
}

# The command $2... in the root, in a mount namespace of its own, with the
# environment of a root login, output to the log $1.
in_root() {
	log=$1
	shift
	TT_CACHE=$CACHE unshare -m sh -c '
		set -e
		R=$1
		shift
		mount --bind "$R" "$R"
		for d in proc sys dev; do
			mount --rbind "/$d" "$R/$d"
			mount --make-rslave "$R/$d"
		done
		mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
		mount -t tmpfs -o mode=755 tmpfs "$R/run"
		# The boot test inside makes its container root from the same
		# cache as on this machine: the README is what is proven here,
		# not debootstrap a second time.
		mkdir -p "$R/var/cache/tcptune-test"
		mount --bind "$TT_CACHE" "$R/var/cache/tcptune-test"
		exec chroot "$R" /usr/bin/env -i HOME=/root USER=root LOGNAME=root SHELL=/bin/sh \
		    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
	' in-root "$ROOT" "$@" >"$log" 2>&1 </dev/null &
	# In the background, so that a signal reaches the trap at once.
	wait $!
}

# --- the README's two commands: the sh blocks of its "Quick start"
readme_blocks() {
	awk -v out="$2" '
		/^## / { in_qs = ($0 == "## Quick start") }
		in_qs && /^```sh[ \t]*$/ { n++; f = out "." n; printf "" >f; inb = 1; next }
		inb && /^```[ \t]*$/ { inb = 0; close(f); next }
		inb { print >f }
		END { print n + 0 }' "$1"
}

# config.log from the last check before configure's first error to it.
config_log_error() {
	awk 'done && !/^configure:[0-9]+: error:/ { exit }
		/^## Cache variables/ { exit }
		/^configure:[0-9]+: checking / { n = 0 }
		{ buf[++n] = $0 }
		/^configure:[0-9]+: error:/ && !done { for (i = 1; i < n; i++) print buf[i]; done = 1 }
		done { print }' "$1" |
		grep -v -E '^\| |failed program was|unrecognized command-line option|no input files' | tail -n 30
}

# What a failed command printed first, the end of its log, and what
# configure or the tests left behind in the clone $2.
explain() {
	log=$1
	tree=$2
	echo "--- first error:"
	grep -v "error: in \`" "$log" |
		grep -m1 -E '^E: |error:|^FAIL: |^ERROR: |Error [0-9]+' || echo "(none found)"
	echo "--- end of the output:"
	tail -n 25 "$log"
	if grep -q '^configure: error' "$log" && [ -f "$tree/config.log" ]; then
		echo "--- config.log, the failed check:"
		config_log_error "$tree/config.log"
	fi
	for trs in $(grep -l -E '^:test-result: (FAIL|ERROR)' "$tree"/tests/*.trs "$tree"/tests/*/*.trs 2>/dev/null); do
		echo "--- ${trs%.trs}.log (end):" | sed "s|$ROOT||"
		tail -n 40 "${trs%.trs}.log"
	done
}

# --- a clean clone of the commit under test, in root's home
C=$ROOT/root/tcptune
git clone -q "$SRC" "$C" >"$SCRATCH/clone.log" 2>&1 &&
	git -C "$C" checkout -q "$COMMIT" >>"$SCRATCH/clone.log" 2>&1 &&
	[ "$(git -C "$C" rev-parse HEAD)" = "$COMMIT" ] ||
	{ cat "$SCRATCH/clone.log"; fail "cannot clone $COMMIT from $SRC"; }

# enabled_units: every unit enabled in the root (the links in .wants and
# .requires directories), one a line.
enabled_units() {
	find "$ROOT/etc/systemd" -path '*.wants/*' -o -path '*.requires/*' 2>/dev/null |
		sed "s|^$ROOT||" | sort
}
enabled_units >"$SCRATCH/units.before"

# --- the README's two commands, as its Quick start writes them
n=$(readme_blocks "$C/README.md" "$SCRATCH/block")
[ "$n" -eq 2 ] || fail "README.md's Quick start has $n sh blocks, not the two commands this runs"
for i in 1 2; do
	cp "$SCRATCH/block.$i" "$ROOT/root/quick-start-$i.sh"
	echo "# command $i: $(cat "$SCRATCH/block.$i")"
	t0=$(now)
	in_root "$SCRATCH/command-$i.log" sh -c "cd /root/tcptune && sh -e /root/quick-start-$i.sh"
	rc=$?
	echo "# command $i: exit $rc after $(($(now) - t0)) s"
	debs_keep
	if [ $rc -ne 0 ]; then
		explain "$SCRATCH/command-$i.log" "$C"
		fail "README command $i failed (exit $rc) on a fresh $SUITE root"
	fi
	# Neither command may enable a service or a socket: an install that
	# starts a daemon on the user's host is a bug.  Other units a package
	# enables for the system's own upkeep (man-db's timer, machines.target)
	# are listed.
	enabled_units >"$SCRATCH/units.after"
	comm -13 "$SCRATCH/units.before" "$SCRATCH/units.after" >"$SCRATCH/units.new"
	if grep -Eq '\.(service|socket)$' "$SCRATCH/units.new"; then
		echo "--- services and sockets enabled by README command $i:"
		grep -E '\.(service|socket)$' "$SCRATCH/units.new"
		fail "README command $i enabled a service on a fresh $SUITE root"
	fi
	echo "# command $i: no service or socket enabled$(sed 's/^/; enabled: /' "$SCRATCH/units.new" | tr -d '\n')"
	cp "$SCRATCH/units.after" "$SCRATCH/units.before"
done

# --- nothing skipped: a skip means a dependency --deps does not install.
# The boot test inside may skip when the archive cannot be reached.
T=$C/tests
grep -h -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$SCRATCH/command-2.log" | tr '\n' ' '
echo
bad=0
for trs in $(grep -l '^:test-result: SKIP' "$T"/*.trs "$T"/*/*.trs 2>/dev/null); do
	log=${trs%.trs}.log
	if grep -q '^SKIP: debootstrap cannot reach' "$log"; then
		echo "# allowed skip: $(grep '^SKIP:' "$log")"
		continue
	fi
	echo "--- skipped on the fresh root: ${log#"$ROOT"}"
	grep '^SKIP:' "$log"
	bad=1
done
[ $bad -eq 0 ] || fail "make check skipped tests on a fresh $SUITE root"
# Packages the archive no longer has leave the download cache.
in_root "$SCRATCH/autoclean.log" apt-get autoclean -q && debs_keep prune
echo "PASS: both README commands on a fresh $SUITE root"
