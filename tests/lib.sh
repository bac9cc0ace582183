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

# The catalog's keys, one a line ("net.ipv4.tcp_fin_timeout"), from the
# binary under test, so that a key added to the catalog needs no test edit.
catalog_keys() {
	"$TCPTUNE" explain --format json | jq -r '.keys[].key'
}

# The host's TCP keys (every catalog key, and ip_unprivileged_port_start,
# which a test could touch), to prove a test left them alone.
host_sysctls() {
	for k in $(catalog_keys) net.ipv4.ip_unprivileged_port_start; do
		printf '%s=%s\n' "$k" "$(tr '\t' ' ' 2>/dev/null </proc/sys/$(echo "$k" | tr . /))"
	done
}

# promtool_ok FILE: `promtool check metrics` finds nothing in FILE but the
# case of the kernel's counters, which keep node_exporter's netstat names
# (tcptune_netstat_TcpExt_ListenDrops_total) and which its linter calls
# camelCase.
promtool_ok() {
	promtool check metrics <"$1" >"$1.lint" 2>&1
	! grep -v '^tcptune_netstat_[A-Za-z]*_[A-Za-z]*_total metric names should be written in .snake_case. not .camelCase.$' "$1.lint" | grep -q .
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
