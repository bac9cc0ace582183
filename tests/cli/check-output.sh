#!/bin/sh
# check --output FILE (and status --output, which shares its writer): only
# a regular file (or no file) is replaced.  In a
# private mount namespace with its own /dev (a tmpfs with a null device, a
# FIFO, a symlink to standard output), each of them and a directory is
# refused with exit 73 and left as it was, with no temporary file beside
# it.  A signal that ends the process while the file is being written
# (SIGTERM, SIGINT, SIGHUP, held at the file's fsync by strace) removes the
# temporary file and leaves the old file whole.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
if [ -z "${TT_PRIVATE_DEV:-}" ]; then
	[ "$(id -u)" = 0 ] || skip_all "needs root for a private /dev"
	unshare -m true 2>/dev/null || skip_all "unshare -m is not permitted here"
	TT_PRIVATE_DEV=1 exec unshare -m sh "$0" "$@"
fi
mount -t tmpfs -o mode=0755 tcptune-test /dev || bail "cannot mount a private /dev"
mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/zero c 1 5 &&
	mknod -m 666 /dev/full c 1 7 &&
	mkfifo -m 666 /dev/fifo && ln -s /proc/self/fd/1 /dev/stdout &&
	mkdir /dev/dir || bail "cannot make the private /dev's entries"
scratch
T=$TCPTUNE

# ident PATH: type, device numbers and inode, as lstat sees them.
ident() { stat -c '%F %t:%T %i' "$1"; }
before=$(ls -A /dev | grep -v '^full$')
for target in /dev/null /dev/zero /dev/fifo /dev/stdout /dev/dir; do
	id0=$(ident "$target")
	timeout 20 "$T" check --no-census --format prometheus --output "$target" \
		>"$SCRATCH/out" 2>"$SCRATCH/err"
	rc=$?
	check "--output $target ($id0): exit 73 (got $rc)" [ "$rc" -eq 73 ]
	check "--output $target: left as it was" [ "$(ident "$target")" = "$id0" ]
	check "--output $target: says it is not a regular file" \
		grep -q "not a regular file" "$SCRATCH/err"
	check "--output $target: nothing on standard output" [ ! -s "$SCRATCH/out" ]
	check "--output $target: no temporary file left" [ "$(ls -A /dev | grep -v '^full$')" = "$before" ]
done
# The refusal does not hang on a FIFO no one reads, and the text format
# is refused the same way.
timeout 20 "$T" check --no-census --output /dev/fifo >/dev/null 2>&1
check "--output FIFO, text: exit 73" [ $? -eq 73 ]

# A regular file, and a name not yet taken, are written.
echo old >"$SCRATCH/reg"
"$T" check --no-census --format prometheus --output "$SCRATCH/reg" >/dev/null 2>&1
rc=$?
check "--output regular file: written (exit $rc)" grep -q '^tcptune_last_run_success 1' "$SCRATCH/reg"
"$T" check --no-census --format prometheus --output "$SCRATCH/new.prom" >/dev/null 2>&1
check "--output new file: written" grep -q '^tcptune_last_run_success 1' "$SCRATCH/new.prom"
ln -s reg "$SCRATCH/link"
"$T" check --no-census --output "$SCRATCH/link" >/dev/null 2>&1
check "--output symlink to a regular file: exit 73" [ $? -eq 73 ]
check "--output symlink: still a symlink" [ -L "$SCRATCH/link" ]

# status --output shares the writer: the same refusals, the same file.
for target in /dev/null /dev/fifo /dev/stdout /dev/dir "$SCRATCH/link"; do
	id0=$(ident "$target")
	timeout 20 "$T" --state-dir "$SCRATCH/state" status --format prometheus --output "$target" \
		>"$SCRATCH/out" 2>"$SCRATCH/err"
	rc=$?
	check "status --output $target: exit 73 (got $rc), left as it was, nothing written" \
		[ "$rc" -eq 73 ] && [ "$(ident "$target")" = "$id0" ] && [ ! -s "$SCRATCH/out" ] &&
		[ "$(ls -A /dev | grep -v '^full$')" = "$before" ]
done
"$T" --state-dir "$SCRATCH/state" status --format prometheus --output "$SCRATCH/reg" >/dev/null 2>&1
check "status --output regular file: written" grep -q '^tcptune_apply_journal 0$' "$SCRATCH/reg"
check "status --output: no temporary file left" [ "$(ls -A "$SCRATCH" | grep -c '^\.reg\.')" -eq 0 ]

# Signals during the write: the process is held at the temporary file's
# fsync (strace delays it), and signalled there (SIGINT set back to its
# default, which sh ignores in a background job).
if strace -qq -e trace=none -e inject=fsync:delay_enter=1 true 2>/dev/null; then
	for sig in TERM INT HUP; do
		d=$SCRATCH/sig-$sig
		mkdir "$d" && echo old >"$d/t.prom"
		strace -qq -f -o /dev/null -e trace=fsync -e inject=fsync:delay_enter=5000000 \
			sh -c 'echo $$ >"$0/pid"; exec env --default-signal=INT "$1" check --no-census --format prometheus --output "$0/t.prom"' \
			"$d" "$T" >/dev/null 2>&1 &
		spid=$!
		i=0
		while [ $i -lt 100 ] && ! ls -A "$d" | grep -q '^\.t\.prom\.'; do
			sleep 0.1
			i=$((i + 1))
		done
		if ! ls -A "$d" | grep -q '^\.t\.prom\.'; then
			failed "SIG$sig: the temporary file never appeared"
			kill "$spid" 2>/dev/null
			wait "$spid"
			continue
		fi
		kill -s "$sig" "$(cat "$d/pid")"
		wait "$spid"
		check "SIG$sig during the write: temporary file removed ($(ls -A "$d" | tr '\n' ' '))" \
			[ "$(ls -A "$d" | grep -c '^\.t\.prom\.')" -eq 0 ]
		check "SIG$sig during the write: the old file is whole" [ "$(cat "$d/t.prom")" = old ]
	done
else
	echo "# strace cannot delay a system call here: the signal cases are left out"
fi

# watch stops at the first write that fails: a reader gone (EPIPE) or a
# full device (ENOSPC), in text and JSON, exit 74 with a message.
for fmt in text json; do
	{
		timeout 30 "$T" watch --interval 0.1 --format $fmt 2>"$SCRATCH/werr"
		echo $? >"$SCRATCH/wrc"
	} | head -n 1 >"$SCRATCH/wout"
	rc=$(cat "$SCRATCH/wrc")
	check "watch --format $fmt | head -1: ends, exit 74 (got $rc)" [ "$rc" -eq 74 ]
	check "watch --format $fmt | head -1: one sample read" [ "$(wc -l <"$SCRATCH/wout")" -eq 1 ]
	check "watch --format $fmt | head -1: says standard output failed" \
		grep -q "standard output" "$SCRATCH/werr"
	timeout 30 "$T" watch --interval 0.1 --format $fmt >/dev/full 2>"$SCRATCH/werr"
	rc=$?
	check "watch --format $fmt >/dev/full: ends, exit 74 (got $rc)" [ "$rc" -eq 74 ]
	check "watch --format $fmt >/dev/full: says no space" grep -q "No space" "$SCRATCH/werr"
done
finish
