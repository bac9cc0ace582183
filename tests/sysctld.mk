# sysctl.d: the reader against the machine's own systemd-sysctl on random
# trees (root; a private mount and network namespace per tree), the boot
# configuration findings against what it does with a few trees, and
# `make bench` timing the reader on 1,000 and 10,000 files.
check_PROGRAMS += tests/sysctld-winners
tests_sysctld_winners_SOURCES = tests/sysctld-winners.c
tests_sysctld_winners_CFLAGS = $(AM_CFLAGS)
tests_sysctld_winners_CPPFLAGS = $(AM_CPPFLAGS)
tests_sysctld_winners_LDADD = src/lib/libtcptune.a $(LIB_LIBS)

AM_TESTS_ENVIRONMENT += \
	SYSCTLD_WINNERS='$(abs_top_builddir)/tests/sysctld-winners'; \
	export SYSCTLD_WINNERS;

SYSCTLD_TESTS = tests/check-sysctld-diff.sh tests/check-boot-config.sh
dist_check_SCRIPTS += $(SYSCTLD_TESTS)
TESTS += $(SYSCTLD_TESTS)

EXTRA_DIST += tests/sysctld-bench.sh
.PHONY: bench-sysctld
bench: bench-sysctld
bench-sysctld: tests/sysctld-winners
	SYSCTLD_WINNERS='$(abs_top_builddir)/tests/sysctld-winners' \
	    $(SHELL) $(srcdir)/tests/sysctld-bench.sh
