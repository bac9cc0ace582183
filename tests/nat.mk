# NAT detection: unit tests of the verdict and parsers, and namespace tests
# of the real kernel (client -> router with masquerade -> server).
check_PROGRAMS += tests/unit/test-nat tests/helpers/nat-peer
TESTS += tests/unit/test-nat tests/netns/nat-netns.sh tests/netns/check-keepalive-nat.sh
dist_check_SCRIPTS += tests/netns/nat-netns.sh tests/netns/check-keepalive-nat.sh

tests_unit_test_nat_SOURCES = tests/unit/test-nat.c
tests_unit_test_nat_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_nat_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_nat_LDADD = $(TEST_LDADD)

# A TCP peer for the namespace tests: holds connections open so conntrack
# shows them while tcptune looks.
tests_helpers_nat_peer_SOURCES = tests/helpers/nat-peer.c
tests_helpers_nat_peer_CFLAGS = $(AM_CFLAGS)
