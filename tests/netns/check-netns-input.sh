#!/bin/sh
# --netns and profile arguments that are not what they should be: a FIFO
# or a device given to --netns is refused at once (never opened for
# reading, so nothing blocks) by every command that takes it; a name too
# long for the file system is a usage error (64) and a profile that is a
# device without a terminal (ENXIO) a missing input (66), not an internal
# error.  Everything runs in a network namespace of its own, with a
# scratch state directory, and /proc/sys is as before.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root"
unshare -n true 2>/dev/null || skip_all "unshare -n is not permitted here"
scratch
T=$TCPTUNE
P=${PROFILES:-$(dirname "$0")/../../profiles}/web-server.ini
S=$SCRATCH/state
mkfifo "$SCRATCH/fifo"
mknod "$SCRATCH/null" c 1 3
before=$(unshare -n sh -c 'cat /proc/sys/net/ipv4/tcp_fin_timeout')

# run CMD...: in a namespace of its own, bounded in time.
run() { unshare -n timeout 20 "$T" "$@" </dev/null >"$SCRATCH/out" 2>"$SCRATCH/err"; }

for target in fifo null; do
	for c in check plan status apply rollback confirm; do
		case $c in
		plan | apply) set -- "$P" ;;
		check) set -- --no-census ;;
		*) set -- ;;
		esac
		run "$c" --state-dir "$S" --netns "$SCRATCH/$target" "$@"
		rc=$?
		check "$c --netns $target: refused at once, exit 65 (got $rc)" [ "$rc" -eq 65 ]
		check "$c --netns $target: says it is not a network namespace" \
			grep -q "not a network namespace" "$SCRATCH/err"
	done
done
check "the FIFO and device are still what they were" [ -p "$SCRATCH/fifo" ] && [ -c "$SCRATCH/null" ]
check "no journal was made" [ ! -e "$S/netns" ]

long=$(printf 'n%.0s' $(seq 300))
for c in check status plan; do
	case $c in
	plan) set -- "$P" ;;
	check) set -- --no-census ;;
	*) set -- ;;
	esac
	run "$c" --state-dir "$S" --netns "$long" "$@"
	rc=$?
	check "$c --netns (300 characters): exit 64 (got $rc)" [ "$rc" -eq 64 ]
	check "$c --netns (300 characters): says the name is too long" \
		grep -q "too long" "$SCRATCH/err"
done

# /dev/tty without a controlling terminal: ENXIO.
for c in plan check; do
	case $c in
	plan) set -- plan /dev/tty ;;
	check) set -- check --no-census --profile /dev/tty ;;
	esac
	unshare -n setsid timeout 20 "$T" "$@" </dev/null >"$SCRATCH/out" 2>"$SCRATCH/err"
	rc=$?
	check "$c /dev/tty without a terminal: exit 66 (got $rc)" [ "$rc" -eq 66 ]
done
check "the host's tcp_fin_timeout is as before" \
	[ "$(unshare -n sh -c 'cat /proc/sys/net/ipv4/tcp_fin_timeout')" = "$before" ]
finish
