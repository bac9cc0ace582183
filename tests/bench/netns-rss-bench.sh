#!/bin/sh
# Peak memory of check --all-namespaces against the number of namespaces
# (make bench-netns-rss; not part of make check).
#
# In a private pid and mount namespace with its own /run/netns, it makes
# empty namespaces with `ip netns add`, up to each count of
# BENCH_NETNS_COUNTS (default "10 500 2000"), and runs `tcptune check
# --all-namespaces` once in each format, printing the wall time and the
# peak RSS.  Target: at most 8 MiB at 2,000 namespaces in text and JSON,
# flat in the number of namespaces.  The Prometheus report merges every
# namespace's metrics family by family, so it reads all parts at once (a
# mapped temporary file): its peak grows with the namespaces.
set -eu

: "${TCPTUNE:?}" "${BUILDDIR:?}"
COUNTS=${BENCH_NETNS_COUNTS:-10 500 2000}

if [ -z "${NETNS_RSS_PRIVATE:-}" ]; then
	if [ "$(id -u)" != 0 ] || ! unshare -m -p -f --mount-proc true 2>/dev/null; then
		echo "netns-rss-bench: needs root and unshare -m -p" >&2
		exit 1
	fi
	NETNS_RSS_PRIVATE=1 exec unshare -m -p -f --mount-proc "$0" "$@"
fi

mkdir -p /run/netns
mount -t tmpfs -o mode=0755 tcptune-bench /run/netns
made=0
printf '%-10s %-11s %9s %14s\n' namespaces format seconds "peak RSS KiB"
for n in $COUNTS; do
	while [ "$made" -lt "$n" ]; do
		made=$((made + 1))
		ip netns add "rss$made"
	done
	for fmt in text json prometheus; do
		# shellcheck disable=SC2046
		set -- $("$BUILDDIR/tests/bench/census-timeit" 1 "$TCPTUNE" check --all-namespaces \
		    --format "$fmt")
		printf '%-10s %-11s %9s %14s\n' "$((n + 1))" "$fmt" "$2" "$3"
	done
done
