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
	tests/check-sysctld.sh \
	tests/check-prometheus.sh \
	tests/check-install.sh
dist_check_SCRIPTS += $(FLEET_TESTS)
TESTS += $(FLEET_TESTS)
