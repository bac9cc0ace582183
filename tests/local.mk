# Tests: one cmocka binary per library module, and end-to-end scripts.
# Each module's tests live in their own fragment, included at the end.
# cmocka assertions do not tell the compiler they stop the test.
TEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -Wno-null-dereference
TEST_LDADD = src/lib/libtcptune.a $(LIB_LIBS) $(CMOCKA_LIBS)
TEST_CPPFLAGS = $(AM_CPPFLAGS) -DFIXTURES='"$(abs_top_srcdir)/tests/fixtures"' \
	-DPROFILES='"$(abs_top_srcdir)/profiles"'

AM_TESTS_ENVIRONMENT = \
	TCPTUNE='$(abs_top_builddir)/src/tcptune'; \
	FIXTURES='$(abs_top_srcdir)/tests/fixtures'; \
	PROFILES='$(abs_top_srcdir)/profiles'; \
	TESTS_DIR='$(abs_top_srcdir)/tests'; \
	export TCPTUNE FIXTURES PROFILES TESTS_DIR;

EXTRA_DIST += tests/fixtures

UNIT_TESTS = \
	tests/test-value \
	tests/test-catalog \
	tests/test-sysctl \
	tests/test-profile \
	tests/test-rules \
	tests/test-sysctld \
	tests/test-netns
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

tests_test_value_SOURCES = tests/test-value.c tests/testutil.h
tests_test_value_CFLAGS = $(TEST_CFLAGS)
tests_test_value_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_value_LDADD = $(TEST_LDADD)
tests_test_catalog_SOURCES = tests/test-catalog.c tests/testutil.h
tests_test_catalog_CFLAGS = $(TEST_CFLAGS)
tests_test_catalog_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_catalog_LDADD = $(TEST_LDADD)
tests_test_sysctl_SOURCES = tests/test-sysctl.c tests/testutil.h
tests_test_sysctl_CFLAGS = $(TEST_CFLAGS)
tests_test_sysctl_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_sysctl_LDADD = $(TEST_LDADD)
tests_test_profile_SOURCES = tests/test-profile.c tests/testutil.h
tests_test_profile_CFLAGS = $(TEST_CFLAGS)
tests_test_profile_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_profile_LDADD = $(TEST_LDADD)
tests_test_rules_SOURCES = tests/test-rules.c tests/testutil.h
tests_test_rules_CFLAGS = $(TEST_CFLAGS)
tests_test_rules_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_rules_LDADD = $(TEST_LDADD)

tests_test_sysctld_SOURCES = tests/test-sysctld.c tests/testutil.h
tests_test_sysctld_CFLAGS = $(TEST_CFLAGS)
tests_test_sysctld_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_sysctld_LDADD = $(TEST_LDADD)

tests_test_netns_SOURCES = tests/test-netns.c
tests_test_netns_CFLAGS = $(TEST_CFLAGS)
tests_test_netns_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_netns_LDADD = $(TEST_LDADD)

# End-to-end tests of the binary.
SCRIPT_TESTS = \
	tests/check-cli.sh \
	tests/check-bad-profiles.sh \
	tests/check-hostile-netns.sh \
	tests/check-facts.sh \
	tests/check-port-parity.sh \
	tests/check-small-facts.sh \
	tests/check-profiles.sh \
	tests/check-export.sh \
	tests/check-k8s-manifest.sh \
	tests/check-fleet-doc.sh \
	tests/check-profile-files.sh \
	tests/check-tuned-diff.sh \
	tests/check-json-schema.sh \
	tests/check-completion.sh \
	tests/check-netns.sh \
	tests/check-prom-lint.sh \
	tests/check-output.sh \
	tests/check-netns-input.sh \
	tests/check-hostile-text.sh
dist_check_SCRIPTS += $(SCRIPT_TESTS)
TESTS += $(SCRIPT_TESTS)
EXTRA_DIST += tests/lib.sh tests/bad-profiles tests/tuned-oracle.py tests/tuned-bench.sh

# tuned include fan-out against a plain chain: `make bench-tuned`.
.PHONY: bench-tuned
bench: bench-tuned
bench-tuned: src/tcptune
	TCPTUNE='$(abs_top_builddir)/src/tcptune' FIXTURES='$(abs_top_srcdir)/tests/fixtures' \
	    $(SHELL) $(srcdir)/tests/tuned-bench.sh
EXTRA_DIST += docs/schema

# tuned's variable expansion and ini dialect, for tests/tuned-oracle.py
# --expand and --ini.
check_PROGRAMS += tests/tuned-expand
tests_tuned_expand_SOURCES = tests/tuned-expand.c
tests_tuned_expand_CFLAGS = $(AM_CFLAGS)
tests_tuned_expand_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src
tests_tuned_expand_LDADD = src/lib/libtcptune.a $(LIB_LIBS)
AM_TESTS_ENVIRONMENT += \
	TUNED_EXPAND='$(abs_top_builddir)/tests/tuned-expand'; \
	export TUNED_EXPAND;
check_PROGRAMS += tests/tuned-ini
tests_tuned_ini_SOURCES = tests/tuned-ini.c
tests_tuned_ini_CFLAGS = $(AM_CFLAGS)
tests_tuned_ini_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src
tests_tuned_ini_LDADD = src/lib/libtcptune.a $(LIB_LIBS)
AM_TESTS_ENVIRONMENT += \
	TUNED_INI='$(abs_top_builddir)/tests/tuned-ini'; \
	export TUNED_INI;
