#!/bin/sh
# Generate configure and Makefile.in from a git checkout.
#
#   ./autogen.sh           generate the build system
#   ./autogen.sh --deps    first install what building and testing need
#                          (Debian/Ubuntu, as root, with apt-get)
#   ./autogen.sh --ci-deps the same, and the analysers CI runs besides
#                          make check (fuzzing, valgrind, static analysis)
set -e
cd "$(dirname "$0")"

# Build and test dependencies, one Debian package a line.
DEPS="
autoconf
automake
make
gcc
pkg-config
libnl-3-dev
libnl-route-3-dev
libnl-nf-3-dev
libnftnl-dev
libmnl-dev
libinih-dev
libcmocka-dev
iproute2
util-linux
jq
nftables
iptables
procps
mount
prometheus
systemd
groff
mandoc
bash-completion
debootstrap
systemd-container
ansible
"

# What CI runs besides `make check`: clang and its libFuzzer runtime for
# `make fuzz`, valgrind, cppcheck, clang-tidy, scan-build, clang-format,
# and strace for the no-write test.  A separate list, so that building and
# testing tcptune does not pull a second compiler and the analysers onto a
# user's machine; tests/fuzz.mk and tests/analysis.mk say what needs what.
CI_DEPS="
clang
libclang-rt-14-dev
valgrind
cppcheck
clang-tidy
clang-tools
clang-format
strace
"

if [ "${1:-}" = "--deps" ] || [ "${1:-}" = "--ci-deps" ]; then
	[ "$1" = "--ci-deps" ] && DEPS="$DEPS $CI_DEPS"
	shift
	missing=
	for p in $DEPS; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "autogen.sh: installing:$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing >/dev/null
	fi
fi

mkdir -p m4
autoreconf --install --force --warnings=all "$@"
