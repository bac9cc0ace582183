# The socket census: decoder and parser unit tests, its rules, and the
# real-socket test in a private network namespace.  `make bench` runs the
# benchmark (not part of make check).

check_PROGRAMS += tests/unit/test-census tests/unit/test-census-rules tests/helpers/census-sockets
TESTS += tests/unit/test-census tests/unit/test-census-rules tests/netns/census-netns.sh tests/netns/census-detail.sh \
    tests/netns/check-advice.sh tests/netns/check-close-wait.sh tests/netns/check-layout.sh
dist_check_SCRIPTS += tests/netns/census-netns.sh tests/netns/census-detail.sh tests/netns/check-advice.sh \
    tests/netns/check-close-wait.sh tests/netns/check-layout.sh

tests_unit_test_census_SOURCES = tests/unit/test-census.c
tests_unit_test_census_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_census_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_census_LDADD = $(TEST_LDADD)

tests_unit_test_census_rules_SOURCES = tests/unit/test-census-rules.c
tests_unit_test_census_rules_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_census_rules_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_census_rules_LDADD = $(TEST_LDADD)

tests_helpers_census_sockets_SOURCES = tests/helpers/census-sockets.c

# The benchmark: `make bench` (root; makes its own network namespace).
check_PROGRAMS += tests/bench/census-floor tests/bench/census-timeit tests/bench/ct-fill tests/bench/fd-hold tests/bench/owner-floor
tests_bench_census_floor_SOURCES = tests/bench/census-floor.c
tests_bench_census_timeit_SOURCES = tests/bench/census-timeit.c
tests_bench_ct_fill_SOURCES = tests/bench/ct-fill.c
tests_bench_ct_fill_CFLAGS = $(AM_CFLAGS) $(LIBMNL_CFLAGS)
tests_bench_ct_fill_LDADD = $(LIBMNL_LIBS)
tests_bench_fd_hold_SOURCES = tests/bench/fd-hold.c
tests_bench_owner_floor_SOURCES = tests/bench/owner-floor.c
EXTRA_DIST += tests/bench/lib.sh tests/bench/census-bench.sh tests/bench/ct-bench.sh tests/bench/owner-bench.sh tests/bench/netns-bench.sh \
    tests/bench/rates-bench.sh \
	tests/bench/netns-rss-bench.sh

.PHONY: bench bench-census bench-conntrack bench-owners bench-netns bench-rates bench-netns-rss
bench: bench-census bench-conntrack bench-owners bench-netns bench-rates bench-netns-rss
check_PROGRAMS += tests/bench/rates-timeit
tests_bench_rates_timeit_SOURCES = tests/bench/rates-timeit.c
tests_bench_rates_timeit_CFLAGS = $(TEST_CFLAGS)
tests_bench_rates_timeit_CPPFLAGS = $(TEST_CPPFLAGS)
tests_bench_rates_timeit_LDADD = $(TEST_LDADD)
bench-rates: src/tcptune tests/helpers/census-sockets tests/bench/census-timeit tests/bench/rates-timeit
	TCPTUNE='$(abs_top_builddir)/src/tcptune' BUILDDIR='$(abs_top_builddir)' \
	    $(SHELL) $(srcdir)/tests/bench/rates-bench.sh
bench-netns-rss: src/tcptune tests/bench/census-timeit
	TCPTUNE='$(abs_top_builddir)/src/tcptune' BUILDDIR='$(abs_top_builddir)' \
	    $(SHELL) $(srcdir)/tests/bench/netns-rss-bench.sh
bench-netns: src/tcptune tests/helpers/census-sockets tests/bench/census-floor tests/bench/owner-floor tests/bench/census-timeit
	TCPTUNE='$(abs_top_builddir)/src/tcptune' BUILDDIR='$(abs_top_builddir)' \
	    $(SHELL) $(srcdir)/tests/bench/netns-bench.sh
bench-conntrack: src/tcptune tests/bench/ct-fill tests/bench/census-timeit
	TCPTUNE='$(abs_top_builddir)/src/tcptune' BUILDDIR='$(abs_top_builddir)' \
	    $(SHELL) $(srcdir)/tests/bench/ct-bench.sh
bench-owners: src/tcptune tests/helpers/census-sockets tests/bench/fd-hold tests/bench/owner-floor tests/bench/census-timeit
	TCPTUNE='$(abs_top_builddir)/src/tcptune' BUILDDIR='$(abs_top_builddir)' \
	    $(SHELL) $(srcdir)/tests/bench/owner-bench.sh
bench-census: src/tcptune tests/helpers/census-sockets tests/bench/census-floor tests/bench/census-timeit tests/bench/owner-floor
	TCPTUNE='$(abs_top_builddir)/src/tcptune' BUILDDIR='$(abs_top_builddir)' \
	    $(SHELL) $(srcdir)/tests/bench/census-bench.sh

# Rates over two readings, the port forecast, the counters file; and the
# rates against real connections in a private network namespace.
check_PROGRAMS += tests/unit/test-rates tests/helpers/churn tests/helpers/rate-client
TESTS += tests/unit/test-rates tests/netns/rates-netns.sh tests/netns/rates-exact.sh
dist_check_SCRIPTS += tests/netns/rates-netns.sh tests/netns/rates-exact.sh
tests_unit_test_rates_SOURCES = tests/unit/test-rates.c
tests_unit_test_rates_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_rates_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_rates_LDADD = $(TEST_LDADD)
tests_helpers_churn_SOURCES = tests/helpers/churn.c tests/helpers/loadgen.c tests/helpers/loadgen.h
tests_helpers_rate_client_SOURCES = tests/helpers/rate-client.c tests/helpers/loadgen.c tests/helpers/loadgen.h
tests_helpers_rate_client_LDADD = -lm
