# The tracer (tcptune trace): real connections in private network
# namespaces, counted by the processes that make them and by the tracer.
check_PROGRAMS += tests/helpers/trace-peer
tests_helpers_trace_peer_SOURCES = tests/helpers/trace-peer.c
TESTS += tests/netns/trace-netns.sh
dist_check_SCRIPTS += tests/netns/trace-netns.sh
EXTRA_DIST += tests/bench/trace-bench.sh

# `make bench-trace` (root; not part of make check): the CPU time of a
# loopback workload of at least 20,000 connections a second with and
# without tracing, and the tracer's loss counters at that rate.
.PHONY: bench-trace
bench: bench-trace
bench-trace: src/tcptune tests/helpers/trace-peer
	TCPTUNE='$(abs_top_builddir)/src/tcptune' BUILDDIR='$(abs_top_builddir)' \
	    $(SHELL) $(srcdir)/tests/bench/trace-bench.sh
