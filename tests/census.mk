# The socket census: decoder and parser unit tests, its rules, and the
# real-socket test in a private network namespace.  `make bench` runs the
# benchmark (not part of make check).

check_PROGRAMS += tests/test-census tests/test-census-rules tests/census-sockets
TESTS += tests/test-census tests/test-census-rules tests/census-netns.sh tests/census-detail.sh \
    tests/check-advice.sh tests/check-close-wait.sh tests/check-layout.sh
dist_check_SCRIPTS += tests/census-netns.sh tests/census-detail.sh tests/check-advice.sh \
    tests/check-close-wait.sh tests/check-layout.sh

tests_test_census_SOURCES = tests/test-census.c
tests_test_census_CFLAGS = $(TEST_CFLAGS)
tests_test_census_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_census_LDADD = $(TEST_LDADD)

tests_test_census_rules_SOURCES = tests/test-census-rules.c
tests_test_census_rules_CFLAGS = $(TEST_CFLAGS)
tests_test_census_rules_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_census_rules_LDADD = $(TEST_LDADD)

tests_census_sockets_SOURCES = tests/census-sockets.c

# The benchmark: `make bench` (root; makes its own network namespace).
check_PROGRAMS += tests/census-floor tests/census-timeit tests/ct-fill tests/fd-hold tests/owner-floor
tests_census_floor_SOURCES = tests/census-floor.c
tests_census_timeit_SOURCES = tests/census-timeit.c
tests_ct_fill_SOURCES = tests/ct-fill.c
tests_ct_fill_CFLAGS = $(AM_CFLAGS) $(LIBMNL_CFLAGS)
tests_ct_fill_LDADD = $(LIBMNL_LIBS)
tests_fd_hold_SOURCES = tests/fd-hold.c
tests_owner_floor_SOURCES = tests/owner-floor.c
EXTRA_DIST += tests/census-bench.sh tests/ct-bench.sh tests/owner-bench.sh tests/netns-bench.sh \
    tests/rates-bench.sh \
	tests/netns-rss-bench.sh

.PHONY: bench bench-census bench-conntrack bench-owners bench-netns bench-rates bench-netns-rss
bench: bench-census bench-conntrack bench-owners bench-netns bench-rates bench-netns-rss
check_PROGRAMS += tests/rates-timeit
tests_rates_timeit_SOURCES = tests/rates-timeit.c
tests_rates_timeit_CFLAGS = $(TEST_CFLAGS)
tests_rates_timeit_CPPFLAGS = $(TEST_CPPFLAGS)
tests_rates_timeit_LDADD = $(TEST_LDADD)
bench-rates: src/tcptune tests/census-sockets tests/census-timeit tests/rates-timeit
	TCPTUNE='$(abs_top_builddir)/src/tcptune' BUILDDIR='$(abs_top_builddir)' \
	    $(SHELL) $(srcdir)/tests/rates-bench.sh
bench-netns-rss: src/tcptune tests/census-timeit
	TCPTUNE='$(abs_top_builddir)/src/tcptune' BUILDDIR='$(abs_top_builddir)' \
	    $(SHELL) $(srcdir)/tests/netns-rss-bench.sh
bench-netns: src/tcptune tests/census-sockets tests/census-floor tests/owner-floor tests/census-timeit
	TCPTUNE='$(abs_top_builddir)/src/tcptune' BUILDDIR='$(abs_top_builddir)' \
	    $(SHELL) $(srcdir)/tests/netns-bench.sh
bench-conntrack: src/tcptune tests/ct-fill tests/census-timeit
	TCPTUNE='$(abs_top_builddir)/src/tcptune' BUILDDIR='$(abs_top_builddir)' \
	    $(SHELL) $(srcdir)/tests/ct-bench.sh
bench-owners: src/tcptune tests/census-sockets tests/fd-hold tests/owner-floor tests/census-timeit
	TCPTUNE='$(abs_top_builddir)/src/tcptune' BUILDDIR='$(abs_top_builddir)' \
	    $(SHELL) $(srcdir)/tests/owner-bench.sh
bench-census: src/tcptune tests/census-sockets tests/census-floor tests/census-timeit tests/owner-floor
	TCPTUNE='$(abs_top_builddir)/src/tcptune' BUILDDIR='$(abs_top_builddir)' \
	    $(SHELL) $(srcdir)/tests/census-bench.sh

# Rates over two readings, the port forecast, the counters file; and the
# rates against real connections in a private network namespace.
check_PROGRAMS += tests/test-rates tests/churn tests/rate-client
TESTS += tests/test-rates tests/rates-netns.sh tests/rates-exact.sh
dist_check_SCRIPTS += tests/rates-netns.sh tests/rates-exact.sh
tests_test_rates_SOURCES = tests/test-rates.c
tests_test_rates_CFLAGS = $(TEST_CFLAGS)
tests_test_rates_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_rates_LDADD = $(TEST_LDADD)
tests_churn_SOURCES = tests/churn.c tests/loadgen.c tests/loadgen.h
tests_rate_client_SOURCES = tests/rate-client.c tests/loadgen.c tests/loadgen.h
tests_rate_client_LDADD = -lm
