# Shared by the applier's tests: sourced, never run on its own.
#
# Each test runs its body inside a fresh network namespace (unshare -n),
# whose net.* keys start at the kernel's defaults and vanish with it; the
# host's own keys are compared before and after, and any change fails the
# test.  A test calls ns_enter (or ns_enter -m for a private mount
# namespace too) at the top: in the parent it re-runs the script inside
# the namespace and guards the host; inside it returns and the test goes on.

set -u

: "${TCPTUNE:?}" "${FIXTURES:?}" "${PROFILES:?}"

# The assertions and the other common helpers.
. "$(dirname "$0")/../lib.sh"

# These tests stop at their first failure, since each step builds on the
# state the one before left: fail is lib.sh's bail, ok its pass.
skip() { skip_all "$@"; }
fail() { bail "$@"; }
ok() { pass "$@"; }

ns_enter() {
	[ "${TCPTUNE_IN_NS:-}" = 1 ] && return 0
	[ "$(id -u)" = 0 ] || skip "needs root to create network namespaces"
	unshare -n true 2>/dev/null || skip "network namespaces are not available here"
	if [ "${1:-}" = -m ]; then
		unshare -n -m true 2>/dev/null || skip "mount namespaces are not available here"
	fi
	before=$(host_sysctls)
	TCPTUNE_IN_NS=1 unshare -n ${1:-} "$0"
	rc=$?
	after=$(host_sysctls)
	if [ "$before" != "$after" ]; then
		echo "  before: $before"
		echo "  after:  $after"
		bail "the host's keys changed"
	fi
	exit $rc
}

# Scratch space, removed at the end; the state directory lives in it.
setup_work() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/tcptune-test.XXXXXX") || fail "mktemp"
	trap 'rm -rf "$WORK"' EXIT
	STATE=$WORK/state
	T="$TCPTUNE --state-dir $STATE"
}

# The live value of a key in this namespace ("net.ipv4.tcp_fin_timeout").
val() {
	tr '\t' ' ' </proc/sys/$(echo "$1" | tr . /)
}

# expect_val KEY VALUE [what]
expect_val() {
	got=$(val "$1")
	[ "$got" = "$2" ] || fail "${3:-}: $1 is '$got', expected '$2'"
}

# All keys a test may touch (the catalog's), as KEY=VALUE lines, for
# comparing snapshots; a key this kernel or namespace lacks has no value.
snap() {
	for k in $(catalog_keys); do
		echo "$k=$(val "$k" 2>/dev/null)"
	done
}

# Whether the live values are those of a profile's [sysctl] section.
profile_ok() {
	sed -n '/^\[sysctl\]/,/^\[/p' "$1" | grep -E '^net\.' | {
		while IFS='=' read -r k v; do
			k=$(echo $k)
			v=$(echo $v)
			[ "$(val "$k")" = "$v" ] || return 1
		done
		return 0
	}
}

expect_profile() {
	profile_ok "$1" || fail "${2:-}: live values differ from $1: $(snap)"
}
