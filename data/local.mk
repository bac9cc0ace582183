# Installed beside the binary: the boot unit, the default profile and
# the bash completion (the manual pages: docs/local.mk).

# The units name the installed paths, known only at make time.  The
# metrics service and its timer are installed, not enabled.
systemdunit_DATA = data/tcptune.service data/tcptune-metrics.service \
	data/tcptune-metrics.timer
CLEANFILES += data/tcptune.service data/tcptune-metrics.service
EXTRA_DIST += data/tcptune.service.in data/tcptune-metrics.service.in \
	data/tcptune-metrics.timer data/tcptune.ini
data/tcptune.service: data/tcptune.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(srcdir)/data/tcptune.service.in >$@.tmp && mv $@.tmp $@
data/tcptune-metrics.service: data/tcptune-metrics.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(srcdir)/data/tcptune-metrics.service.in >$@.tmp && mv $@.tmp $@

bashcompletion_DATA = data/tcptune
CLEANFILES += data/tcptune
EXTRA_DIST += data/tcptune.bash-completion
data/tcptune: data/tcptune.bash-completion
	$(AM_V_GEN)$(MKDIR_P) data && cp $(srcdir)/data/tcptune.bash-completion $@

# /etc/tcptune/tcptune.ini belongs to the administrator once installed: a
# reinstall never overwrites it, and uninstall removes it only when it is
# still the file as shipped.
tcptuneconfdir = $(sysconfdir)/tcptune
install-data-hook: install-tcptune-ini
install-tcptune-ini:
	$(MKDIR_P) '$(DESTDIR)$(tcptuneconfdir)'
	@if test -e '$(DESTDIR)$(tcptuneconfdir)/tcptune.ini'; then \
	    echo "keeping the existing $(DESTDIR)$(tcptuneconfdir)/tcptune.ini"; \
	else \
	    echo " $(INSTALL_DATA) data/tcptune.ini '$(DESTDIR)$(tcptuneconfdir)/tcptune.ini'"; \
	    $(INSTALL_DATA) $(srcdir)/data/tcptune.ini '$(DESTDIR)$(tcptuneconfdir)/tcptune.ini'; \
	fi
uninstall-local:
	@f='$(DESTDIR)$(tcptuneconfdir)/tcptune.ini'; \
	if test -f "$$f" && cmp -s "$$f" $(srcdir)/data/tcptune.ini; then \
	    echo " rm -f $$f"; rm -f "$$f"; \
	    rmdir '$(DESTDIR)$(tcptuneconfdir)' 2>/dev/null || :; \
	fi
.PHONY: install-tcptune-ini

# distcheck installs below a prefix of its own: the unit and the completion
# must follow it there, not go to the system's directories.
AM_DISTCHECK_CONFIGURE_FLAGS = \
	--with-systemdunitdir='$${dc_install_base}/lib/systemd/system' \
	--with-bashcompletiondir='$${dc_install_base}/share/bash-completion/completions'
