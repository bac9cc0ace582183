#!/bin/sh
# cppcheck.sh SRCDIR BUILDDIR: cppcheck on every C file of the source tree;
# fails on any finding.  BUILDDIR holds config.h.
#
# Left out, with the reason:
#   variableScope  declarations at the top of a block are the house style
#   missingIncludeSystem  system headers are the compiler's business
#   readdirCalled  readdir_r() is deprecated; tcptune has one thread
#   usleepCalled   the short waits between lock attempts are fine with it
#   redundantAssignment in tests/unit/test-rules.c, unreadVariable in
#                  tests/unit/test-sysctld.c: cppcheck does not see that the rule
#                  input points at the structs assigned between checks
# A false positive is silenced where it stands, with a
# "cppcheck-suppress ID" comment that says why.
set -eu
src=$1 build=$2
# BPF programs (*.bpf.c) are for clang's BPF target, built by the Makefile.
files=$(cd "$src" && find src tests -name '*.c' ! -name '*.bpf.c' | sort)
cd "$src"
# shellcheck disable=SC2086
exec cppcheck --quiet --error-exitcode=1 --std=c11 --library=posix \
	--enable=warning,style,performance,portability --inline-suppr \
	--suppress=variableScope --suppress=missingIncludeSystem \
	--suppress=readdirCalled --suppress=usleepCalled \
	--suppress=redundantAssignment:tests/unit/test-rules.c \
	--suppress=unreadVariable:tests/unit/test-sysctld.c \
	-j 2 -I "$build" -I src -D__GNUC__ -D__linux__ $files
