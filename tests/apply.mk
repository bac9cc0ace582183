# The applier's tests: unit tests of the plan and the journal format, and
# end-to-end tests that write real kernel keys inside throwaway network
# namespaces (they skip, exit 77, without root or namespaces).
check_PROGRAMS += tests/unit/test-plan tests/unit/test-journal tests/unit/test-guard
tests_unit_test_plan_SOURCES = tests/unit/test-plan.c tests/unit/testutil.h
tests_unit_test_plan_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_plan_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_plan_LDADD = $(TEST_LDADD)
tests_unit_test_journal_SOURCES = tests/unit/test-journal.c
tests_unit_test_journal_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_journal_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_journal_LDADD = $(TEST_LDADD)
tests_unit_test_guard_SOURCES = tests/unit/test-guard.c
tests_unit_test_guard_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_guard_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_guard_LDADD = $(TEST_LDADD)

APPLY_SHELL_TESTS = \
	tests/apply/basic.sh \
	tests/apply/concurrent.sh \
	tests/apply/confirm.sh \
	tests/apply/crash.sh \
	tests/apply/netns.sh \
	tests/apply/netns-identity.sh \
	tests/apply/netns-state.sh \
	tests/apply/fault.sh \
	tests/apply/guard.sh \
	tests/apply/input.sh \
	tests/apply/full.sh \
	tests/apply/origin.sh \
	tests/apply/race.sh \
	tests/apply/refusals.sh \
	tests/apply/security.sh \
	tests/apply/signals.sh \
	tests/apply/symlink.sh \
	tests/apply/timer.sh \
	tests/apply/utf8.sh

TESTS += tests/unit/test-plan tests/unit/test-journal tests/unit/test-guard $(APPLY_SHELL_TESTS)
dist_check_SCRIPTS += $(APPLY_SHELL_TESTS)
EXTRA_DIST += tests/apply/lib.sh
