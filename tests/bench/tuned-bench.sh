#!/bin/sh
# tuned include fan-out (`make bench-tuned`): nine profiles, each
# including the next six times (about 600 bytes), against the same nine
# profiles each including the next once.  tuned reads every profile once,
# and so must tcptune: the fan-out may cost at most three times the
# chain.  Prints the best of three runs of `tcptune plan` for each and the
# ratio; fails past the target.
: "${TCPTUNE:?TCPTUNE must point at the tcptune binary}"
: "${FIXTURES:?FIXTURES must point at tests/fixtures}"
dir=$(mktemp -d "${TMPDIR:-/tmp}/tcptune-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/empty"

# tree NAME FANOUT: l1 .. l9, each including l(i+1) FANOUT times.
tree() {
	for i in 1 2 3 4 5 6 7 8 9; do
		mkdir -p "$dir/$1/l$i"
		{
			printf '[main]\n'
			if [ "$i" -lt 9 ]; then
				printf 'include=l%s' $((i + 1))
				k=1
				while [ $k -lt "$2" ]; do printf ',l%s' $((i + 1)); k=$((k + 1)); done
				printf '\n'
			fi
			printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = %s\n' $((20 + i))
		} >"$dir/$1/l$i/tuned.conf"
	done
}

# best NAME: the best of three plans of the tree, in microseconds.
best() {
	b=
	for _ in 1 2 3; do
		t0=$(date +%s%N)
		"$TCPTUNE" plan --proc-root "$FIXTURES/proc-6.18" --sysctl-root "$dir/empty" \
			--tuned-dir "$dir/$1" "$dir/$1/l1" >/dev/null 2>&1 || { echo "plan of $1 failed"; exit 1; }
		t=$((($(date +%s%N) - t0) / 1000))
		[ -z "$b" ] || [ "$t" -lt "$b" ] && b=$t
	done
	echo "$b"
}

tree chain 1
tree fan 6
echo "fan-out tree: $(cat "$dir"/fan/*/tuned.conf | wc -c) bytes"
c=$(best chain)
f=$(best fan)
echo "chain of 9: ${c} us; nine levels of six-fold fan-out: ${f} us"
awk -v c="$c" -v f="$f" 'BEGIN { r = f / c; printf "ratio %.2f (target at most 3)\n", r; exit !(r <= 3) }'
