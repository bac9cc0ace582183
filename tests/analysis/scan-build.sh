#!/bin/sh
# scan-build.sh SRCDIR BUILDDIR: configures and builds the library and the
# program in BUILDDIR under the clang static analyser; fails on any report.
# The reports stay in BUILDDIR/scan-build.  The tests get the same analyser
# through clang-tidy's clang-analyzer-* checks, where tests/.clang-tidy can
# excuse cmocka's assertions that the analyser does not know stop a test.
set -eu
src=$(cd "$1" && pwd)
mkdir -p "$2"
cd "$2"
# scan-build's exit code does not tell whether configure worked.
scan-build -o scan-build "$src/configure" -q
[ -f Makefile ] || { echo "scan-build.sh: configure failed" >&2; exit 1; }
# Checkers left out, as in .clang-tidy: valist.Uninitialized has false
# positives on vsnprintf() after va_start() (clang 14), and the Annex K
# advice asks for *_s functions glibc does not have.
# Reports inside the skeleton bpftool generates (BUILDDIR/skel/, included
# by src/lib/trace.c) are dropped: that code is not ours.  trace.c itself
# is analysed as every other file.  (--exclude matches the directory of
# the file a report is in, as a regular expression.)
scan-build -o scan-build --status-bugs \
	--exclude '/skel$' \
	-disable-checker valist.Uninitialized \
	-disable-checker security.insecureAPI.DeprecatedOrUnsafeBufferHandling \
	make -j2 all
