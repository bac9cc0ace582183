# sysctl.d: the reader against the machine's own systemd-sysctl on random
# trees (root; a private mount and network namespace per tree), the boot
# configuration findings against what it does with a few trees, and
# `make bench` timing the reader on 1,000 and 10,000 files.
check_PROGRAMS += tests/bench/sysctld-winners
tests_bench_sysctld_winners_SOURCES = tests/bench/sysctld-winners.c
tests_bench_sysctld_winners_CFLAGS = $(AM_CFLAGS)
tests_bench_sysctld_winners_CPPFLAGS = $(AM_CPPFLAGS)
tests_bench_sysctld_winners_LDADD = src/lib/libtcptune.a $(LIB_LIBS)

AM_TESTS_ENVIRONMENT += \
	SYSCTLD_WINNERS='$(abs_top_builddir)/tests/bench/sysctld-winners'; \
	export SYSCTLD_WINNERS;

SYSCTLD_TESTS = tests/diff/check-sysctld-diff.sh tests/cli/check-boot-config.sh
dist_check_SCRIPTS += $(SYSCTLD_TESTS)
TESTS += $(SYSCTLD_TESTS)

EXTRA_DIST += tests/bench/sysctld-bench.sh
.PHONY: bench-sysctld
bench: bench-sysctld
bench-sysctld: tests/bench/sysctld-winners
	SYSCTLD_WINNERS='$(abs_top_builddir)/tests/bench/sysctld-winners' \
	    $(SHELL) $(srcdir)/tests/bench/sysctld-bench.sh
