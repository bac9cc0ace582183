# NAT detection: unit tests of the verdict and parsers, and namespace tests
# of the real kernel (client -> router with masquerade -> server).
check_PROGRAMS += tests/test-nat tests/nat-peer
TESTS += tests/test-nat tests/nat-netns.sh tests/check-keepalive-nat.sh
dist_check_SCRIPTS += tests/nat-netns.sh tests/check-keepalive-nat.sh

tests_test_nat_SOURCES = tests/test-nat.c
tests_test_nat_CFLAGS = $(TEST_CFLAGS)
tests_test_nat_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_nat_LDADD = $(TEST_LDADD)

# A TCP peer for the namespace tests: holds connections open so conntrack
# shows them while tcptune looks.
tests_nat_peer_SOURCES = tests/nat-peer.c
tests_nat_peer_CFLAGS = $(AM_CFLAGS)
