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

# The host's TCP teardown keys, to prove a test left them alone.
host_sysctls() {
	for k in tcp_keepalive_time tcp_keepalive_intvl tcp_keepalive_probes \
	    tcp_fin_timeout tcp_tw_reuse tcp_timestamps tcp_max_tw_buckets; do
		printf '%s=%s\n' "$k" "$(cat /proc/sys/net/ipv4/$k 2>/dev/null)"
	done
}
