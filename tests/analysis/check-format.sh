#!/bin/sh
# check-format.sh SRCDIR [--fix]: every C file of the source tree must be
# as clang-format (SRCDIR/.clang-format) writes it; prints the difference
# and fails otherwise.  --fix rewrites the files instead.
set -eu
cd "$1"
files=$(find src tests -name '*.[ch]' ! -name '*.skel.h' | sort)
if [ "${2:-}" = --fix ]; then
	# shellcheck disable=SC2086
	exec clang-format -i $files
fi
bad=0
for f in $files; do
	if ! clang-format "$f" | diff -u "$f" - >/tmp/check-format.$$ 2>&1; then
		sed "s|^--- $f|--- $f (as it is)|; s|^+++ -|+++ $f (as clang-format writes it)|" /tmp/check-format.$$
		bad=$((bad + 1))
	fi
done
rm -f /tmp/check-format.$$
if [ $bad -ne 0 ]; then
	echo "check-format: $bad file(s) differ from .clang-format; make format rewrites them" >&2
	exit 1
fi
echo "check-format: $(echo "$files" | wc -l) files as .clang-format writes them"
