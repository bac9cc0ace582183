#!/bin/sh
# Hostile profiles against the live kernel, in a private network namespace:
# whatever the profile, /proc/sys/net in the namespace is exactly as before
# (after check, plan, and an apply that must refuse it; and after apply and
# rollback of each good profile), the host's settings are untouched, every
# profile is answered with an exit code of its own (never a crash), check
# and plan open no file for writing, and apply writes only below
# /proc/sys/net and in its state directory.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
[ "$(id -u)" -eq 0 ] || skip_all "needs root to make a private network namespace"
unshare -n true 2>/dev/null || skip_all "cannot make a network namespace here (unshare -n)"

BAD=$TESTS_DIR/bad-profiles
H=$SCRATCH/hostile
mkdir "$H"
cp "$BAD"/*.ini "$H"/
# The ones that cannot live in the source tree as they are.
head -c 65536 /dev/urandom >"$H/garbage-raw.ini"
head -c 65536 /dev/urandom | tr -d '\000' >"$H/garbage-text.ini"
printf 'net.ipv4.tcp_fin_timeout = 30\n\000net.ipv4.tcp_tw_reuse = 1\n' >"$H/nul.ini"
# A file that opens with a section is read the way tuned reads it; its
# refusals name the line too (a random file starting with '[' did not).
printf '[main]\r\nsummary = x\r\000\n' >"$H/tuned-nul.ini"
printf '[main]\nsummary = x\n[sysctl]\r\377\n' >"$H/tuned-latin1.ini"
{ printf 'net.ipv4.tcp_fin_timeout = '; head -c 1048576 /dev/zero | tr '\000' 7; printf '\n'; } >"$H/mb-line.ini"
printf 'kernel.core_pattern = |/bin/false\nnet/ipv4/../../kernel/core_pattern = x\n' >"$H/core-pattern.ini"
printf '[profile]\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\nnet.ipv4.tcp_fin_timeout = 31\n' >"$H/duplicate-again.ini"
printf 'net.ipv4.tcp_fin_timeout = 30\n1\n' >"$H/newline-value.ini"
: >"$H/ok-empty.ini"
mkdir "$H/directory.ini"
mkfifo "$H/fifo.ini"
ln -s /proc/sys/kernel/core_pattern "$H/kernel-file.ini"
# And profiles that are fine, some asking for values far from this host's:
# check must only read, whatever a profile asks for.
cp "$PROFILES"/*.ini "$H"/
printf '[profile]\nnat = yes\n[sysctl]\nnet.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_fin_timeout = 5\n' >"$H/ok-recycle.ini"
nprof=$(ls "$H" | wc -l)

core_before=$(cat /proc/sys/kernel/core_pattern)
host_before=$(host_sysctls)

# Inside the namespace: a full dump of /proc/sys/net, every profile through
# `check` (and the same with --ignore-unknown), the dump again.  Files
# that cannot be read (route/flush) are left out of both dumps.
unshare -n sh -s "$TCPTUNE" "$H" "$SCRATCH" <<'NS'
T=$1 H=$2 S=$3
dump() { grep -rs '' /proc/sys/net | sort; }
dump >"$S/before"
for p in "$H"/*; do
	"$T" check --profile "$p" >/dev/null 2>>"$S/stderr"
	echo "$(basename "$p") $?" >>"$S/codes"
	"$T" check --ignore-unknown --format json --profile "$p" >/dev/null 2>>"$S/stderr"
	echo "$(basename "$p") $?" >>"$S/codes-ignore"
	"$T" --state-dir "$S/state" plan "$p" >/dev/null 2>>"$S/stderr"
	echo "$(basename "$p") $?" >>"$S/codes-plan"
done
dump >"$S/after"
# apply must refuse every bad profile and write nothing; each good one is
# applied and rolled back, which must leave every file as it was.
for p in "$H"/*; do
	"$T" --state-dir "$S/state" apply "$p" >/dev/null 2>>"$S/stderr"
	rc=$?
	echo "$(basename "$p") $rc" >>"$S/codes-apply"
	if [ $rc -le 2 ]; then
		"$T" --state-dir "$S/state" rollback >/dev/null 2>>"$S/stderr"
		echo "$(basename "$p") $?" >>"$S/codes-rollback"
	fi
done
dump >"$S/after-apply"
NS

check "namespace dump is not empty" [ "$(wc -l <"$SCRATCH/before")" -gt 100 ]
check "every profile was tried ($nprof)" [ "$(wc -l <"$SCRATCH/codes")" -eq "$nprof" ]
if cmp -s "$SCRATCH/before" "$SCRATCH/after"; then
	pass "/proc/sys/net in the namespace exactly as before ($(wc -l <"$SCRATCH/before") lines)"
else
	failed "/proc/sys/net in the namespace changed:"; diff "$SCRATCH/before" "$SCRATCH/after" | sed 's/^/#   /'
fi
if cmp -s "$SCRATCH/before" "$SCRATCH/after-apply"; then
	pass "/proc/sys/net exactly as before after apply of every profile and rollback of the good ones"
else
	failed "/proc/sys/net changed by apply and rollback:"; diff "$SCRATCH/before" "$SCRATCH/after-apply" | sed 's/^/#   /'
fi
check "good profiles were applied and rolled back" [ "$(grep -c ' 0$' "$SCRATCH/codes-rollback" 2>/dev/null)" -ge 4 ]
check "host kernel.core_pattern untouched" [ "$core_before" = "$(cat /proc/sys/kernel/core_pattern)" ]
check "host sysctls untouched" [ "$host_before" = "$(host_sysctls)" ]

# Exit codes: a bad profile is 65 (bad data) or 66 (not a profile file);
# a good one 0, 1 or 2 (what the audit found).  Never a crash (>= 128),
# never an internal error (70).
bad_codes=$nfail
for f in codes codes-ignore codes-plan codes-apply; do
	while read -r name rc; do
		case $name in
		ok-*|behind-nat.ini|kernel-defaults.ini|proxy-client.ini|web-server.ini) want="0 1 2" ;;
		*) want="65 66" ;;
		esac
		# tcp_tw_recycle is gone from current kernels: plan and apply
		# refuse it (65), whatever the profile says about NAT.
		[ "$name" = ok-recycle.ini ] && case $f in codes-plan|codes-apply) want="0 65" ;; esac
		# --ignore-unknown makes unknown keys warnings: those profiles
		# may then load, if nothing else is wrong with them.
		[ $f = codes-ignore ] && case $name in
			unknown-key.ini|other-subtree.ini|path-escape.ini|absolute-path.ini|core-pattern.ini) want="$want 0 1 2" ;;
		esac
		case " $want " in
		*" $rc "*) ;;
		*) failed "$name ($f): exit $rc, want one of $want" ;;
		esac
	done <"$SCRATCH/$f"
done
[ "$nfail" -eq "$bad_codes" ] && pass "check, plan and apply: every hostile profile gets 65 or 66, every good one 0-2"
check "no sanitizer or crash report" sh -c "! grep -Eq 'Sanitizer|runtime error|Segmentation|Aborted' '$SCRATCH/stderr'"
check "each refusal says why (file: reason)" grep -q "garbage-raw.ini:[0-9][0-9]*: NUL byte" "$SCRATCH/stderr"
check "a NUL byte in a tuned-style file: file, line, reason" grep -q "tuned-nul.ini:3: NUL byte" "$SCRATCH/stderr"
check "bytes that are not UTF-8 in a tuned-style file: file, line, reason" grep -q "tuned-latin1.ini:4: not UTF-8" "$SCRATCH/stderr"

# No file opened for writing, by any hostile profile: check only reads.
if command -v strace >/dev/null; then
	: >"$SCRATCH/trace"
	SYSCALLS=open,openat,openat2,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,truncate,symlink,symlinkat,link,linkat
	WRITES='O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|creat\(|mkdir|rename|unlink|truncate|symlink|link(at)?\('
	for p in "$H"/*; do
		# LeakSanitizer cannot run under ptrace; the other checks stay on.
		for cmd in "check --profile" "--state-dir $SCRATCH/state plan"; do
			# shellcheck disable=SC2086
			ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=$SYSCALLS \
			    -o "$SCRATCH/one" "$TCPTUNE" $cmd "$p" >/dev/null 2>&1
			cat "$SCRATCH/one" >>"$SCRATCH/trace"
		done
	done
	check "strace saw the profiles opened" grep -q 'open.*hostile/web-server.ini' "$SCRATCH/trace"
	if grep -E "$WRITES" "$SCRATCH/trace" | grep -v -E '= -1 E' >"$SCRATCH/writes"; then
		failed "check or plan opened files for writing:"; sed 's/^/#   /' "$SCRATCH/writes"
	else
		pass "check and plan opened no file for writing, made, moved or removed none"
	fi

	# apply and rollback of good profiles, in a namespace: every write
	# goes below /proc/sys/net/ or into the state directory.
	unshare -n sh -s "$TCPTUNE" "$H" "$SCRATCH" "$SYSCALLS" <<'NS'
T=$1 H=$2 S=$3 SYSCALLS=$4
for p in "$H"/web-server.ini "$H"/proxy-client.ini "$H"/behind-nat.ini; do
	ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace="$SYSCALLS" -o "$S/one" \
	    "$T" --state-dir "$S/state2" apply "$p" >/dev/null 2>&1
	cat "$S/one" >>"$S/trace-apply"
	ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace="$SYSCALLS" -o "$S/one" \
	    "$T" --state-dir "$S/state2" rollback >/dev/null 2>&1
	cat "$S/one" >>"$S/trace-apply"
done
NS
	grep -E "$WRITES" "$SCRATCH/trace-apply" | grep -v -E '= -1 E' >"$SCRATCH/writes-apply"
	# Keys are opened relative to the proc root (openat2(3, "sys/net/...")).
	check "strace saw apply write kernel keys" grep -q -E '"(/proc/)?sys/net/ipv4/tcp_fin_timeout", (\{flags=)?O_WRONLY' "$SCRATCH/writes-apply"
	check "strace saw apply write its journal" grep -q "$SCRATCH/state2" "$SCRATCH/writes-apply"
	# Every path a write names: below /proc/sys/net/ or the state dir.
	# Names relative to a directory descriptor are the keys' (sys/net/...,
	# below the proc root) or the journal's (journal.tmp, journal.reserve), in the state directory, the only directory apply
	# opens to work in.
	if grep -o -E '"[^"]*"' "$SCRATCH/writes-apply" | tr -d '"' |
	    grep -v -E "^(/proc/)?sys/net/|^$SCRATCH/state2(/|\$)|^journal(\.tmp|\.reserve)?\$" >"$SCRATCH/elsewhere"; then
		failed "apply or rollback wrote outside /proc/sys/net and the state directory:"
		sed 's/^/#   /' "$SCRATCH/elsewhere"
	else
		pass "apply and rollback wrote only below /proc/sys/net and in the state directory"
	fi
else
	echo "# strace is not installed: the no-write trace is not run"
fi

finish
