#!/bin/sh
# callgraph.sh BUILDDIR: fails when files of src/ call each other in a
# loop (A calls B and B, or something B calls, calls A), and prints each
# loop.
#
# The graph is the linker's: for each object file of src/ and src/lib/
# (built by make), the global functions it defines (nm: T) and the symbols
# it uses but does not define (U).  A file calls another when one of its
# undefined symbols is a function defined there (called, or its address
# taken).  Static functions stay inside their file, and tables of data
# (a rule set read by the engine) are not calls.  tsort(1) finds the
# loops.
set -eu
build=$(cd "${1:-.}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

objs=$(find "$build/src" -name '*.o' ! -path '*/tests/*' | sort)
[ -n "$objs" ] || { echo "callgraph: no object files below $build/src: build first" >&2; exit 2; }

# "SYMBOL FILE" for every global function, "FILE SYMBOL" for every use.
for o in $objs; do
	f=${o#"$build/"}
	f=${f%.o}.c
	nm "$o" | awk -v f="$f" -v defs="$tmp/defs" -v uses="$tmp/uses" '
		$1 == "U" { print f, $2 >>uses; next }
		NF == 3 && $2 == "T" { print $3, f >>defs }'
done
sort -u "$tmp/defs" >"$tmp/defs.s"
# Edges "USER DEFINER" between two different files.
awk 'NR == FNR { def[$1] = $2; next }
	($2 in def) && def[$2] != $1 { print $1, def[$2] }' "$tmp/defs.s" "$tmp/uses" |
    sort -u >"$tmp/edges"
n=$(wc -l <"$tmp/edges")
if tsort "$tmp/edges" >/dev/null 2>"$tmp/loops"; then
	echo "callgraph: $n file-to-file uses in src/, no loop"
	exit 0
fi
# tsort names each loop's files one a line after "input contains a loop:";
# one line a loop, then the calls between its files.
awk '/input contains a loop/ { if (l != "") print l; l = ""; next }
	{ sub(/^tsort: /, ""); l = l " " $0 }
	END { if (l != "") print l }' "$tmp/loops" >"$tmp/loops.l"
echo "callgraph: files of src/ that call each other in a loop:"
while read -r files; do
	echo "  loop: $files"
	# shellcheck disable=SC2086
	printf '%s\n' $files >"$tmp/in"
	awk 'NR == FNR { in_loop[$1] = 1; next }
		FILENAME ~ /defs.s$/ { def[$1] = $2; next }
		($1 in in_loop) && ($2 in def) && (def[$2] in in_loop) && def[$2] != $1 {
			print "    " $1 " -> " def[$2] ": " $2 }' "$tmp/in" "$tmp/defs.s" "$tmp/uses" |
	    sort -u
done <"$tmp/loops.l"
exit 1
