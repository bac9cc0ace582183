#!/bin/sh
# apply --netns refuses an unsafe state directory before it writes anything,
# exactly as a plain apply does: one owned by another user, one others can
# write to, one that is a symlink, and a planted symlink in place of the
# namespace's name file that leads to a root-owned file outside.  Each
# refusal exits 77, the file outside keeps its contents, nothing is made
# in the state directory, and the namespace's keys do not move.
set -u
. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"

command -v ip >/dev/null || skip_all "needs ip"
[ "$(id -u)" = 0 ] || skip_all "needs root"
private_host "$0" "$@"
scratch
A=tt-state-a
cleanup() {
	ip netns del "$A" 2>/dev/null
	rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "$A" || bail "ip netns add failed"
P="$SCRATCH/p.ini"
printf '[profile]\nnat = no\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 21\n' >"$P"
# The namespace's state directory is keyed on its cookie, which plan
# --netns names (and which touches no state directory).
KEY=cookie-$("$TCPTUNE" --state-dir "$SCRATCH/none" plan --netns "$A" "$P" 2>&1 >/dev/null |
	sed -n "s/.*network namespace $A: cookie \([1-9][0-9]*\),.*/\1/p")
[ "$KEY" != cookie- ] || bail "plan --netns does not name the namespace's cookie"
VICTIM="$SCRATCH/victim"
in_ns() { ip netns exec "$A" sysctl -n net.ipv4.tcp_fin_timeout; }
before_ns=$(in_ns)

# plant DIR: the namespace's directory below DIR, its name file a symlink
# to the victim (a root-owned file outside the state directory).
plant() {
	mkdir -p "$1/netns/$KEY"
	ln -sf "$VICTIM" "$1/netns/$KEY/name"
}
# refused WHAT STATEDIR [plain]: apply (with --netns unless plain) exits 77,
# the victim keeps its contents, and the state directory gains nothing.
refused() {
	what=$1 dir=$2
	ip netns exec "$A" sysctl -qw net.ipv4.tcp_fin_timeout="$before_ns"
	printf 'precious\n' >"$VICTIM"
	chmod 0644 "$VICTIM"
	listing=$(find "$dir/" -printf '%p %y %m %U\n' 2>/dev/null | sort)
	rc=0
	if [ "${3:-}" = plain ]; then
		# inside the namespace, so that not even a bug could reach the host's keys
		ip netns exec "$A" "$TCPTUNE" apply --state-dir "$dir" "$P" >"$SCRATCH/out" 2>&1 ||
		    rc=$?
	else
		"$TCPTUNE" apply --state-dir "$dir" --netns "$A" "$P" >"$SCRATCH/out" 2>&1 || rc=$?
	fi
	check "$what: exit 77 ($rc)" [ "$rc" -eq 77 ]
	check "$what: the file outside keeps its contents" [ "$(cat "$VICTIM")" = precious ]
	check "$what: nothing made or changed in the state directory" \
	    [ "$listing" = "$(find "$dir/" -printf '%p %y %m %U\n' 2>/dev/null | sort)" ]
	check "$what: the namespace's keys did not move" [ "$(in_ns)" = "$before_ns" ]
	check "$what: says why" grep -q "refusing a state" "$SCRATCH/out"
}

# Owned by another user.
S="$SCRATCH/other"
mkdir -m 0700 "$S" && plant "$S"
chown -R 65534:65534 "$S"
refused "a state directory owned by another user" "$S"

# Others can write to it.
S="$SCRATCH/open"
mkdir -m 0777 "$S" && plant "$S"
chmod 0777 "$S"
refused "a state directory others can write to (0777)" "$S"
refused "the same, a plain apply" "$S" plain

# A symlink to a directory of root's.
S="$SCRATCH/link"
mkdir -m 0700 "$SCRATCH/real" && plant "$SCRATCH/real"
ln -s "$SCRATCH/real" "$S"
refused "a state directory that is a symlink" "$S"
refused "the same, a plain apply" "$S" plain

# A safe state directory in a directory others can write to (not sticky).
mkdir -m 0777 "$SCRATCH/openparent" && chmod 0777 "$SCRATCH/openparent"
S="$SCRATCH/openparent/state"
mkdir -m 0700 "$S" && plant "$S"
refused "a state directory in a directory others can write to" "$S"
refused "the same, a plain apply" "$S" plain
chmod 1777 "$SCRATCH/openparent"
rc=0
ip netns exec "$A" sysctl -qw net.ipv4.tcp_fin_timeout="$before_ns"
rm -f "$S/netns/$KEY/name"
"$TCPTUNE" apply --state-dir "$S" --netns "$A" "$P" >"$SCRATCH/out" 2>&1 || rc=$?
check "a state directory in a sticky directory (as /tmp): apply --netns exits 0 ($rc)" \
    [ "$rc" -eq 0 ]
"$TCPTUNE" rollback --state-dir "$S" --netns "$A" >/dev/null 2>&1

# A safe state directory whose namespace directory others can write to.
S="$SCRATCH/inner"
mkdir -m 0700 "$S" && plant "$S"
chmod 0777 "$S/netns/$KEY"
refused "a namespace directory others can write to" "$S"

# A safe state directory, but the name file is a planted symlink.
S="$SCRATCH/safe"
mkdir -m 0700 "$S" && plant "$S"
refused "a symlink in place of the namespace's name file" "$S"

# And the safe case still works: a fresh state directory.
S="$SCRATCH/fresh"
ip netns exec "$A" sysctl -qw net.ipv4.tcp_fin_timeout="$before_ns"
rc=0
"$TCPTUNE" apply --state-dir "$S" --netns "$A" "$P" >"$SCRATCH/out" 2>&1 || rc=$?
check "a fresh state directory: apply --netns exits 0 ($rc)" [ "$rc" -eq 0 ]
check "a fresh state directory: the name is recorded" \
    [ "$(cat "$S/netns/$KEY/name" 2>/dev/null)" = "$A" ]
check "a fresh state directory: the journal is the namespace's" [ -f "$S/netns/$KEY/journal" ]
"$TCPTUNE" rollback --state-dir "$S" --netns "$A" >/dev/null 2>&1
check "rollback puts the namespace's key back" [ "$(in_ns)" = "$before_ns" ]
finish
