#!/bin/sh
# clang-tidy.sh SRCDIR BUILDDIR: clang-tidy, configured by SRCDIR/.clang-tidy,
# on every C file of the library, the command and the tests, compiled as
# the Makefile compiles them (BUILDDIR holds config.h); fails on any
# finding.
set -eu
if [ "${1:-}" = --one ]; then
	# One file, from the xargs below: only findings are printed, not the
	# "N warnings generated" lines about system headers.
	shift
	# shellcheck disable=SC2086
	out=$(clang-tidy --quiet "$@" -- $TIDY_FLAGS 2>&1) && rc=0 || rc=$?
	printf '%s\n' "$out" | grep -v -E '^[0-9]+ warnings?( and [0-9]+ errors?)? generated\.?$|^$' || true
	exit $rc
fi
src=$(cd "$1" && pwd) build=$(cd "$2" && pwd)
# Unquoted in --one, so each word is one argument and the string macros
# keep their double quotes, as the compiler gets them from make.
TIDY_FLAGS="-std=gnu11 -I$build -I$src/src -DTCPTUNE_STATE_DIR=\"/var/lib/tcptune\"
 -DFIXTURES=\"$src/tests/fixtures\" -DPROFILES=\"$src/profiles\"
 $(pkg-config --cflags libnl-3.0 libnl-route-3.0 inih cmocka)"
export TIDY_FLAGS
cd "$src"
# Two at a time, for the two cores CI has.
# BPF programs (*.bpf.c) are for clang's BPF target, built by the Makefile.
find src tests -name '*.c' ! -name '*.bpf.c' | sort | xargs -P 2 -n 1 sh "$src/tests/analysis/clang-tidy.sh" --one
