#!/bin/sh
# The sysctl.d reader on 1,000 and on 10,000 files (`make bench`): the
# names are deduplicated across directories, which must cost n log n, not
# n squared.  Half the names of /etc/sysctl.d are also in /usr/lib/sysctl.d.
# Prints the best of three runs for each size and the ratio; fails when
# 10,000 files take more than 12 times as long as 1,000.
: "${SYSCTLD_WINNERS:?SYSCTLD_WINNERS must point at tests/bench/sysctld-winners}"
dir=$(mktemp -d "${TMPDIR:-/tmp}/tcptune-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT

# make_tree N: N files in etc/sysctl.d, N/2 of the names again in usr/lib.
make_tree() {
	root=$dir/r$1
	mkdir -p "$root/etc/sysctl.d" "$root/usr/lib/sysctl.d"
	awk -v n="$1" -v root="$root" 'BEGIN {
		for (i = 0; i < n; i++) {
			f = sprintf("%s/etc/sysctl.d/%07d-x.conf", root, (i * 7919) % n)
			print "net.ipv4.tcp_fin_timeout = " (i % 50 + 10) > f; close(f)
			if (i % 2) {
				f = sprintf("%s/usr/lib/sysctl.d/%07d-x.conf", root, i)
				print "vm.swappiness = 1" > f; close(f)
			}
		}
	}'
}

# best N: the best of three runs on the tree of N files, in microseconds.
best() {
	b=
	for run in 1 2 3; do
		s=$(date +%s%N)
		"$SYSCTLD_WINNERS" "$dir/r$1" >/dev/null || exit 1
		e=$(date +%s%N)
		t=$(((e - s) / 1000))
		[ -z "$b" ] || [ "$t" -lt "$b" ] && b=$t
	done
	echo "$b"
}

make_tree 1000
make_tree 10000
t1=$(best 1000)
t2=$(best 10000)
ratio=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.1f", b / a }')
echo "sysctl.d reader: 1,000 files ${t1} us, 10,000 files ${t2} us, ratio ${ratio} (at most 12)"
awk -v r="$ratio" 'BEGIN { exit !(r <= 12) }'
