#!/bin/sh
# Generate configure and Makefile.in from a git checkout.
#
#   ./autogen.sh           generate the build system
#   ./autogen.sh --deps       first install what building and running need
#                             (Debian/Ubuntu, as root, with apt-get)
#   ./autogen.sh --test-deps  the same, and what `make check` needs
#   ./autogen.sh --ci-deps    the same, and the analysers CI runs besides
#                             make check (fuzzing, valgrind, static analysis)
#
# No list holds a package whose installation starts a service: a tool that
# the tests want only as an oracle (promtool, tuned's profile loader) is
# unpacked from its package into the test cache by the test that uses it
# (tests/lib.sh: unpacked_tool), never installed.
set -e
cd "$(dirname "$0")"

# Building and running, one Debian package a line.  Installed without
# recommended packages, so each one named here is needed: gcc only
# recommends the C library's headers and start files (libc6-dev).  clang
# (its BPF target), libbpf-dev and bpftool build the tracer, `tcptune
# trace`.  `make check-fresh` proves the list on a fresh minbase root.
DEPS="
autoconf
automake
make
gcc
libc6-dev
pkg-config
libnl-3-dev
libnl-route-3-dev
libnftnl-dev
libmnl-dev
libinih-dev
clang
libbpf-dev
bpftool
"

# What the test suite needs besides: the unit test framework, the tools
# the tests compare tcptune with (iproute2, conntrack, nftables, iptables,
# systemd-sysctl and systemd-analyze, ansible-playbook), the tools that
# check the installed files (groff, mandoc, man-db, which systemd-analyze
# verify runs for Documentation= pages, bash-completion), the boot test's
# debootstrap and systemd-nspawn, and strace for the fault injections.
TEST_DEPS="
libcmocka-dev
iproute2
util-linux
jq
nftables
conntrack
iptables
procps
mount
systemd
groff
mandoc
man-db
bash-completion
debootstrap
systemd-container
ansible-core
python3
python3-jsonschema
python3-yaml
strace
"

# What CI runs besides `make check`: clang's libFuzzer runtime for `make
# fuzz`, valgrind, cppcheck, clang-tidy, scan-build, clang-format.  A
# separate list, so that building and testing tcptune does not pull the
# analysers onto a user's machine; tests/fuzz.mk and tests/analysis.mk say
# what needs what.  (clang itself is in DEPS: it builds the tracer's BPF
# program.)
CI_DEPS="
libclang-rt-14-dev
valgrind
cppcheck
clang-tidy
clang-tools
clang-format
"

case "${1:-}" in
--deps) ;;
--test-deps) DEPS="$DEPS $TEST_DEPS" ;;
--ci-deps) DEPS="$DEPS $TEST_DEPS $CI_DEPS" ;;
*) DEPS= ;;
esac
if [ -n "$DEPS" ]; then
	shift
	missing=
	for p in $DEPS; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "autogen.sh: installing:$missing"
		export DEBIAN_FRONTEND=noninteractive
		# Quiet when it works; apt-get's own words when it does not.
		log=$(mktemp)
		# shellcheck disable=SC2086
		if ! { apt-get update -q && apt-get install -y -q --no-install-recommends $missing; } \
		    >"$log" 2>&1; then
			echo "autogen.sh: apt-get failed; the end of its output:" >&2
			tail -n 25 "$log" >&2
			rm -f "$log"
			exit 1
		fi
		rm -f "$log"
	fi
fi

mkdir -p m4
autoreconf --install --force --warnings=all "$@"
