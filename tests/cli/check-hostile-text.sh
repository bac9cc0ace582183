#!/bin/sh
# What others name goes to a terminal escaped: a process name with
# control characters (the CLOSE_WAIT owner and a listener's process) and a
# profile path with them appear as \xNN in the text report, never as raw
# escape sequences.  Profiles found by name in a directory anyone can write
# to are warned about when root.  The hints after `apply --netns` name the
# namespace.  Runs in network namespaces of its own.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root"
unshare -n true 2>/dev/null || skip_all "unshare -n is not permitted here"
command -v python3 >/dev/null || skip_all "python3 is not installed"
scratch
T=$TCPTUNE
P=${PROFILES:-$(dirname "$0")/../../profiles}/web-server.ini
esc=$(printf '\033')
bel=$(printf '\007')

cat >"$SCRATCH/hold.py" <<'EOP'
import socket, sys, time
open("/proc/self/comm", "w").write("\x1b[31mev\x07il")
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
# closed by the peer before it was accepted: CLOSE_WAIT in the accept
# queue, which makes the listener (and its process) worth naming
c = socket.create_connection(s.getsockname()); c.close()
time.sleep(0.3)
open(sys.argv[1], "w").write("ready\n")
time.sleep(60)
EOP
unshare -n sh -c '
	ip link set lo up
	python3 "$1/hold.py" "$1/ready" & hp=$!
	i=0; while [ ! -s "$1/ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
	"$2" check --all --no-color >"$1/report" 2>&1
	kill $hp; wait $hp 2>/dev/null
' sh "$SCRATCH" "$T"
check "the listener's process is in the report" grep -q 'x1b\[31mev' "$SCRATCH/report"
check "no escape character in the text report" sh -c "! grep -q '$esc' '$SCRATCH/report'"
check "no bell character in the text report" sh -c "! grep -q '$bel' '$SCRATCH/report'"
check "the name is shown escaped" grep -q '\\x1b\[31mev\\x07il' "$SCRATCH/report"

# A profile path with control characters.
evil="$SCRATCH/a${esc}]0;title${bel}.ini"
cp "$P" "$evil"
unshare -n "$T" check --no-census --no-color --profile "$evil" >"$SCRATCH/report" 2>&1
check "profile path: no escape character in the text report" \
	sh -c "! grep -q '$esc' '$SCRATCH/report'"
check "profile path: shown escaped" grep -q 'a\\x1b\]0;title\\x07\.ini' "$SCRATCH/report"
unshare -n "$T" plan "$evil" >"$SCRATCH/report" 2>&1
check "plan: no escape character" sh -c "! grep -q '$esc' '$SCRATCH/report'"

# Profiles by name from a directory anyone can write to.
mkdir -m 0777 "$SCRATCH/ww" "$SCRATCH/safe"
chmod 0755 "$SCRATCH/safe"
cp "$P" "$SCRATCH/ww/mine.ini"
cp "$P" "$SCRATCH/safe/mine.ini"
TCPTUNE_PROFILE_PATH=$SCRATCH/ww unshare -n "$T" plan mine >/dev/null 2>"$SCRATCH/err"
check "world-writable profile directory: warned about" grep -q "writable by anyone" "$SCRATCH/err"
chmod 1777 "$SCRATCH/ww"
TCPTUNE_PROFILE_PATH=$SCRATCH/ww unshare -n "$T" check --no-census --profile mine >/dev/null 2>"$SCRATCH/err"
check "world-writable (sticky) profile directory: warned about by check too" \
	grep -q "writable by anyone" "$SCRATCH/err"
chmod 0755 "$SCRATCH/ww" && chmod 0666 "$SCRATCH/ww/mine.ini"
TCPTUNE_PROFILE_PATH=$SCRATCH/ww unshare -n "$T" plan mine >/dev/null 2>"$SCRATCH/err"
check "world-writable profile file: warned about" grep -q "writable by anyone" "$SCRATCH/err"
TCPTUNE_PROFILE_PATH=$SCRATCH/safe unshare -n "$T" plan mine >/dev/null 2>"$SCRATCH/err"
check "profile directory only root writes: no warning" sh -c "! grep -q 'writable by anyone' '$SCRATCH/err'"

# The hints after apply --netns name the namespace.
unshare -n sh -c '
	mkdir -p /run/netns
	exec unshare -m sh -c "
		mount -t tmpfs tcptune-test /run/netns || exit 1
		touch /run/netns/hint-ns
		unshare -n mount --bind /proc/self/ns/net /run/netns/hint-ns || exit 1
		\"\$0\" apply --state-dir \"\$1/state\" --netns hint-ns --confirm 60 \"\$2\" >\"\$1/apply\" 2>&1
		\"\$0\" status --state-dir \"\$1/state\" --netns hint-ns >\"\$1/status\" 2>&1
		\"\$0\" rollback --state-dir \"\$1/state\" --netns hint-ns >/dev/null 2>&1
		umount /run/netns/hint-ns
	" "$1" "$2" "$3"
' sh "$T" "$SCRATCH" "$P"
check "apply --netns: the confirm hint names the namespace" \
	grep -q 'tcptune confirm --netns hint-ns' "$SCRATCH/apply"
check "apply --netns: the rollback hint names the namespace" \
	grep -q 'tcptune rollback --netns hint-ns' "$SCRATCH/apply"
check "status --netns: the confirm hint names the namespace" \
	grep -q 'tcptune confirm --netns hint-ns' "$SCRATCH/status"

# The manual describes watch without --netns, which watch refuses.
if command -v man >/dev/null; then
	man -l "${TESTS_DIR:-$(dirname "$0")/..}/../docs/tcptune.8" 2>/dev/null |
		sed -n '/^       watch/,/^       explain/p' >"$SCRATCH/watch.man"
	check "the manual has a watch section" grep -q "socket census every" "$SCRATCH/watch.man"
	check "the manual's watch section does not offer --netns" \
		sh -c "! grep -q -- --netns '$SCRATCH/watch.man'"
fi
"$T" watch --netns x >/dev/null 2>&1
check "watch --netns: a usage error" [ $? -eq 64 ]
finish
