# Helpers for the shell tests; sourced, never run.
# Every test prints what it checks and ends with "N passed, N failed".

: "${TCPTUNE:?TCPTUNE must point at the tcptune binary}"
: "${FIXTURES:?FIXTURES must point at tests/fixtures}"

npass=0
nfail=0

pass() { npass=$((npass + 1)); echo "ok - $*"; }
failed() { nfail=$((nfail + 1)); echo "not ok - $*"; }

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	desc=$1
	shift
	if "$@"; then pass "$desc"; else failed "$desc"; fi
}

# bail DESCRIPTION: a failure the test cannot go on from.
bail() {
	failed "$*"
	finish
	exit 1
}

skip_all() {
	echo "SKIP: $*"
	exit 77
}

finish() {
	echo "$npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
}

# A scratch directory removed on exit.
scratch() {
	SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/tcptune-test.XXXXXX")
	trap 'rm -rf "$SCRATCH"' EXIT
}

# The host's TCP keys (every one a test could touch), to prove a test left
# them alone.
host_sysctls() {
	for k in ipv4/tcp_fin_timeout ipv4/tcp_keepalive_time ipv4/tcp_keepalive_intvl \
	    ipv4/tcp_keepalive_probes ipv4/tcp_tw_reuse ipv4/ip_local_port_range \
	    ipv4/tcp_max_tw_buckets ipv4/tcp_orphan_retries ipv4/tcp_syncookies \
	    ipv4/tcp_timestamps ipv4/ip_unprivileged_port_start core/somaxconn; do
		printf '%s=%s\n' "$k" "$(tr '\t' ' ' </proc/sys/net/$k 2>/dev/null)"
	done
}

# promtool_path: prints the path of a promtool to check metrics and rules
# with: the one on PATH, else the one unpacked from Debian's prometheus
# package into $TCPTUNE_TEST_CACHE/prometheus (default
# /var/cache/tcptune-test), unpacking it there the first time.  The package
# is never installed: its postinst would start a server.  Fails, saying
# nothing, when neither can be had; the caller skips with a reason.
promtool_path() {
	if [ -n "${PROMTOOL:-}" ] && [ -x "$PROMTOOL" ]; then
		echo "$PROMTOOL"
		return 0
	fi
	if command -v promtool >/dev/null 2>&1; then
		command -v promtool
		return 0
	fi
	_pc=${TCPTUNE_TEST_CACHE:-/var/cache/tcptune-test}/prometheus
	if [ ! -x "$_pc/usr/bin/promtool" ]; then
		command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 ||
			return 1
		mkdir -p "$(dirname "$_pc")" 2>/dev/null || return 1
		_pd=$(mktemp -d "$(dirname "$_pc")/.prometheus.XXXXXX") || return 1
		# Unpacked aside and renamed into place: two tests at once never
		# see half a tree.
		if (cd "$_pd" && apt-get download -q prometheus >/dev/null 2>&1 &&
		    dpkg-deb -x prometheus_*.deb root) && [ -x "$_pd/root/usr/bin/promtool" ]; then
			mv "$_pd/root" "$_pc" 2>/dev/null
		fi
		rm -rf "$_pd"
	fi
	[ -x "$_pc/usr/bin/promtool" ] || return 1
	echo "$_pc/usr/bin/promtool"
}

# need_promtool: sets PROMTOOL, or skips the whole test saying why.
need_promtool() {
	PROMTOOL=$(promtool_path) ||
		skip_all "no promtool: none on PATH, and Debian's prometheus package could not be unpacked into ${TCPTUNE_TEST_CACHE:-/var/cache/tcptune-test}/prometheus"
}

# promtool_ok FILE [LINT]: `promtool check metrics` exits 0 on FILE and
# finds nothing at all to complain of (its complaints are left in LINT,
# by default FILE.lint).
promtool_ok() {
	[ -n "${PROMTOOL:-}" ] || PROMTOOL=$(promtool_path) || return 1
	"$PROMTOOL" check metrics <"$1" >"${2:-$1.lint}" 2>&1 && ! grep -q . "${2:-$1.lint}"
}

# private_host "$0" "$@": re-run the calling test as PID 1 of a private pid
# and mount namespace with its own /proc and an empty /run/netns, so that
# "every namespace of the host" is the host's own and the ones the test
# makes, never those of another test or program running beside it.  Needs
# root; skips the test otherwise.
private_host() {
	if [ -n "${TT_PRIVATE_HOST:-}" ]; then
		mkdir -p /run/netns
		mount -t tmpfs -o mode=0755 tcptune-test /run/netns ||
			bail "cannot mount a private /run/netns"
		return 0
	fi
	[ "$(id -u)" = 0 ] || skip_all "needs root for a private pid and mount namespace"
	unshare -m -p -f --mount-proc true 2>/dev/null ||
		skip_all "unshare -m -p is not permitted here"
	TT_PRIVATE_HOST=1 exec unshare -m -p -f --mount-proc "$@"
}
