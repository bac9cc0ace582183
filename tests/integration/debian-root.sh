# A minimal Debian root made with debootstrap from the archive this
# machine installs from, cached between runs.  Sourced, never run; used by
# tests/integration/boot.sh and tests/integration/fresh-root.sh.
#
#   debian_mirror       sets SUITE and MIRROR (TCPTUNE_TEST_MIRROR overrides
#                       the archive, to try the skip without a network)
#   debian_root INCLUDE sets BASE: the cached minbase root of SUITE with the
#                       packages INCLUDE (comma-separated) and what they
#                       depend on, made the first time
# Both return 0, or 77 with DEBIAN_ROOT_WHY when the archive is not there
# (the caller skips with it), or 1 with DEBIAN_ROOT_WHY on any other
# failure.  The cache is TCPTUNE_TEST_CACHE, else $XDG_CACHE_HOME or
# /var/cache, in tcptune-test; debootstrap's log is $CACHE/debootstrap.log.

# The first URI of a deb822 .sources file that lists suite $1.
debian_sources_uri() {
	awk -v suite="$1" '
		/^[ \t]*$/ { if (ok && uri != "") { print uri; exit } ok = 0; uri = ""; next }
		/^#/ { next }
		tolower($1) == "uris:" { uri = $2 }
		tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
		END { if (ok && uri != "") print uri }' "$2" | head -1
}

debian_mirror() {
	. /etc/os-release
	SUITE=${VERSION_CODENAME:-}
	if [ -z "$SUITE" ]; then
		DEBIAN_ROOT_WHY="no VERSION_CODENAME in /etc/os-release"
		return 1
	fi
	MIRROR=${TCPTUNE_TEST_MIRROR:-}
	# deb822 sources first, then the one-line format.
	[ -n "$MIRROR" ] || for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		MIRROR=$(debian_sources_uri "$SUITE" "$f")
		[ -n "$MIRROR" ] && break
	done
	if [ -z "$MIRROR" ]; then
		MIRROR=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk -v suite="$SUITE" '$1 == "deb" && $3 == suite { print $2; exit }')
	fi
	if [ -z "$MIRROR" ]; then
		DEBIAN_ROOT_WHY="no archive for $SUITE in this machine's apt sources"
		return 77
	fi
	return 0
}

# Whether the log $1 (of debootstrap or apt-get) says the archive could not
# be reached, rather than that something in it is broken.
debian_unreachable() {
	grep -Eqi 'release file|resolve|connection|unable to (fetch|connect)|could not|couldn.t download|network|failed to fetch|temporary failure' "$1"
}

debian_root() {
	CACHE=${TCPTUNE_TEST_CACHE:-${XDG_CACHE_HOME:-/var/cache}/tcptune-test}
	BASE=$CACHE/$SUITE-minbase-$(echo "$1" | cksum | cut -d' ' -f1)
	if ! mkdir -p "$CACHE"; then
		DEBIAN_ROOT_WHY="cannot create the cache directory $CACHE"
		return 1
	fi
	# One debootstrap at a time; a root is complete once renamed.
	(
		flock 9
		[ -x "$BASE/bin/sh" ] && exit 0
		rm -rf "$BASE.tmp"
		if ! debootstrap --variant=minbase --include="$1" "$SUITE" "$BASE.tmp" "$MIRROR" \
		    >"$CACHE/debootstrap.log" 2>&1; then
			rm -rf "$BASE.tmp"
			exit 3
		fi
		rm -f "$BASE.tmp"/var/cache/apt/archives/*.deb
		mv "$BASE.tmp" "$BASE"
	) 9>"$CACHE/.lock"
	case $? in
	0) return 0 ;;
	3)
		if debian_unreachable "$CACHE/debootstrap.log"; then
			DEBIAN_ROOT_WHY="debootstrap cannot reach $MIRROR: $(grep -E '^E:' "$CACHE/debootstrap.log" | head -1)"
			return 77
		fi
		DEBIAN_ROOT_WHY="debootstrap failed; the end of $CACHE/debootstrap.log:
$(tail -n 20 "$CACHE/debootstrap.log")"
		return 1 ;;
	*)
		DEBIAN_ROOT_WHY="cannot make the root in $CACHE"
		return 1 ;;
	esac
}
