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
	tests/unit/test-value \
	tests/unit/test-catalog \
	tests/unit/test-sysctl \
	tests/unit/test-profile \
	tests/unit/test-rules \
	tests/unit/test-sysctld \
	tests/unit/test-netns
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

tests_unit_test_value_SOURCES = tests/unit/test-value.c tests/unit/testutil.h
tests_unit_test_value_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_value_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_value_LDADD = $(TEST_LDADD)
tests_unit_test_catalog_SOURCES = tests/unit/test-catalog.c tests/unit/testutil.h
tests_unit_test_catalog_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_catalog_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_catalog_LDADD = $(TEST_LDADD)
tests_unit_test_sysctl_SOURCES = tests/unit/test-sysctl.c tests/unit/testutil.h
tests_unit_test_sysctl_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_sysctl_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_sysctl_LDADD = $(TEST_LDADD)
tests_unit_test_profile_SOURCES = tests/unit/test-profile.c tests/unit/testutil.h
tests_unit_test_profile_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_profile_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_profile_LDADD = $(TEST_LDADD)
tests_unit_test_rules_SOURCES = tests/unit/test-rules.c tests/unit/testutil.h
tests_unit_test_rules_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_rules_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_rules_LDADD = $(TEST_LDADD)

tests_unit_test_sysctld_SOURCES = tests/unit/test-sysctld.c tests/unit/testutil.h
tests_unit_test_sysctld_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_sysctld_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_sysctld_LDADD = $(TEST_LDADD)

tests_unit_test_netns_SOURCES = tests/unit/test-netns.c
tests_unit_test_netns_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_netns_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_netns_LDADD = $(TEST_LDADD)

# End-to-end tests of the binary.
SCRIPT_TESTS = \
	tests/cli/check-cli.sh \
	tests/cli/check-bad-profiles.sh \
	tests/netns/check-hostile-netns.sh \
	tests/cli/check-facts.sh \
	tests/cli/check-port-parity.sh \
	tests/netns/check-small-facts.sh \
	tests/cli/check-profiles.sh \
	tests/cli/check-export.sh \
	tests/cli/check-k8s-manifest.sh \
	tests/cli/check-fleet-doc.sh \
	tests/cli/check-profile-files.sh \
	tests/diff/check-tuned-diff.sh \
	tests/cli/check-json-schema.sh \
	tests/cli/check-completion.sh \
	tests/netns/check-netns.sh \
	tests/diff/check-prom-lint.sh \
	tests/cli/check-output.sh \
	tests/netns/check-netns-input.sh \
	tests/cli/check-hostile-text.sh
dist_check_SCRIPTS += $(SCRIPT_TESTS)
TESTS += $(SCRIPT_TESTS)
EXTRA_DIST += tests/lib.sh tests/bad-profiles tests/helpers/tuned-oracle.py tests/bench/tuned-bench.sh

# tuned include fan-out against a plain chain: `make bench-tuned`.
.PHONY: bench-tuned
bench: bench-tuned
bench-tuned: src/tcptune
	TCPTUNE='$(abs_top_builddir)/src/tcptune' FIXTURES='$(abs_top_srcdir)/tests/fixtures' \
	    $(SHELL) $(srcdir)/tests/bench/tuned-bench.sh
EXTRA_DIST += docs/schema

# tuned's variable expansion and ini dialect, for tests/helpers/tuned-oracle.py
# --expand and --ini.
check_PROGRAMS += tests/helpers/tuned-expand
tests_helpers_tuned_expand_SOURCES = tests/helpers/tuned-expand.c
tests_helpers_tuned_expand_CFLAGS = $(AM_CFLAGS)
tests_helpers_tuned_expand_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src
tests_helpers_tuned_expand_LDADD = src/lib/libtcptune.a $(LIB_LIBS)
AM_TESTS_ENVIRONMENT += \
	TUNED_EXPAND='$(abs_top_builddir)/tests/helpers/tuned-expand'; \
	export TUNED_EXPAND;
check_PROGRAMS += tests/helpers/tuned-ini
tests_helpers_tuned_ini_SOURCES = tests/helpers/tuned-ini.c
tests_helpers_tuned_ini_CFLAGS = $(AM_CFLAGS)
tests_helpers_tuned_ini_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src
tests_helpers_tuned_ini_LDADD = src/lib/libtcptune.a $(LIB_LIBS)
AM_TESTS_ENVIRONMENT += \
	TUNED_INI='$(abs_top_builddir)/tests/helpers/tuned-ini'; \
	export TUNED_INI;
