# Tests with the real tools around tcptune: promtool, the install tree with
# systemd-analyze, groff and mandoc, and (in check-integration, see
# docs/fleet.md) ansible and a booted Debian container.
AM_TESTS_ENVIRONMENT += \
	MAKE='$(MAKE)'; TOP_BUILDDIR='$(abs_top_builddir)'; \
	INST_SBINDIR='$(sbindir)'; INST_SYSCONFDIR='$(sysconfdir)'; \
	INST_PKGDATADIR='$(pkgdatadir)'; INST_MANDIR='$(mandir)'; \
	INST_UNITDIR='$(systemdunitdir)'; INST_COMPLETIONDIR='$(bashcompletiondir)'; \
	export MAKE TOP_BUILDDIR INST_SBINDIR INST_SYSCONFDIR INST_PKGDATADIR \
	    INST_MANDIR INST_UNITDIR INST_COMPLETIONDIR;

FLEET_TESTS = \
	tests/diff/check-sysctld.sh \
	tests/cli/check-prometheus.sh \
	tests/integration/check-install.sh \
	tests/integration/check-apply-boot.sh
dist_check_SCRIPTS += $(FLEET_TESTS)
TESTS += $(FLEET_TESTS)

# The Ansible example in a private network namespace, and a real boot of
# a Debian root in systemd-nspawn (root; network to the machine's Debian
# archive the first time only: the root is cached in /var/cache/tcptune-test).
# `make check-integration` runs just these two.
INTEGRATION_TESTS = \
	tests/integration/ansible.sh \
	tests/integration/ansible-guard.sh \
	tests/integration/boot.sh
dist_check_SCRIPTS += $(INTEGRATION_TESTS)
TESTS += $(INTEGRATION_TESTS)
check-integration: all
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(INTEGRATION_TESTS)'
.PHONY: check-integration

# The README's quick start on a fresh minbase Debian root with only git
# (root; network to the Debian archive): tests/integration/fresh-root.sh.
# Not in make check, which it runs inside the root; CI runs it.
EXTRA_DIST += tests/integration/debian-root.sh tests/integration/fresh-root.sh \
	tests/integration/json_report.py
check-fresh:
	$(SHELL) $(srcdir)/tests/integration/fresh-root.sh $(abs_top_srcdir)
.PHONY: check-fresh
