# Shared by the benchmarks (make bench): sourced, never run.

: "${TCPTUNE:?TCPTUNE must point at the tcptune binary}" "${BUILDDIR:?BUILDDIR must point at the build tree}"

# bench_netns NAME "$0" "$@": re-run the benchmark in a network namespace
# of its own, whose sockets and sysctls are its alone; in there it
# returns.  Without root or unshare -n it fails, saying so as NAME.
bench_netns() {
	bn_name=$1
	shift
	[ -z "${TT_BENCH_NETNS:-}" ] || return 0
	if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
		echo "$bn_name: needs root and unshare -n" >&2
		exit 1
	fi
	TT_BENCH_NETNS=1 exec unshare -n "$@"
}

# bench_scratch: a scratch directory $tmp, and $helper for the pid of a
# socket helper; on exit the helper is killed and the directory removed.
bench_scratch() {
	tmp=$(mktemp -d)
	helper=
	trap '[ -n "$helper" ] && kill "$helper" 2>/dev/null; rm -rf "$tmp"' EXIT
}
