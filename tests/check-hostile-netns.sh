#!/bin/sh
# Hostile profiles against the live kernel, in a private network namespace:
# whatever the profile, /proc/sys/net in the namespace is exactly as before,
# the host's settings are untouched, every profile is answered with an exit
# code of its own (never a crash), and tcptune opens no file for writing.
. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
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
{ printf 'net.ipv4.tcp_fin_timeout = '; head -c 1048576 /dev/zero | tr '\000' 7; printf '\n'; } >"$H/mb-line.ini"
printf 'kernel.core_pattern = |/bin/false\nnet/ipv4/../../kernel/core_pattern = x\n' >"$H/core-pattern.ini"
printf 'net.ipv4.tcp_fin_timeout = 30\nnet.ipv4.tcp_fin_timeout = 31\n' >"$H/duplicate-again.ini"
printf 'net.ipv4.tcp_fin_timeout = 30\n1\n' >"$H/newline-value.ini"
: >"$H/empty-again.ini"
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
done
dump >"$S/after"
NS

check "namespace dump is not empty" [ "$(wc -l <"$SCRATCH/before")" -gt 100 ]
check "every profile was tried ($nprof)" [ "$(wc -l <"$SCRATCH/codes")" -eq "$nprof" ]
if cmp -s "$SCRATCH/before" "$SCRATCH/after"; then
	pass "/proc/sys/net in the namespace exactly as before ($(wc -l <"$SCRATCH/before") lines)"
else
	failed "/proc/sys/net in the namespace changed:"; diff "$SCRATCH/before" "$SCRATCH/after" | sed 's/^/#   /'
fi
check "host kernel.core_pattern untouched" [ "$core_before" = "$(cat /proc/sys/kernel/core_pattern)" ]
check "host sysctls untouched" [ "$host_before" = "$(host_sysctls)" ]

# Exit codes: a bad profile is 65 (bad data) or 66 (not a profile file);
# a good one 0, 1 or 2 (what the audit found).  Never a crash (>= 128),
# never an internal error (70).
bad_codes=$nfail
for f in codes codes-ignore; do
	while read -r name rc; do
		case $name in
		ok-*|behind-nat.ini|kernel-defaults.ini|proxy-client.ini|web-server.ini) want="0 1 2" ;;
		*) want="65 66" ;;
		esac
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
[ "$nfail" -eq "$bad_codes" ] && pass "every hostile profile gets 65 or 66, every good one 0-2"
check "no sanitizer or crash report" sh -c "! grep -Eq 'Sanitizer|runtime error|Segmentation|Aborted' '$SCRATCH/stderr'"
check "each refusal says why (file: reason)" grep -q "garbage-raw.ini:[0-9]*: NUL byte" "$SCRATCH/stderr"

# No file opened for writing, by any hostile profile: check only reads.
if command -v strace >/dev/null; then
	: >"$SCRATCH/trace"
	for p in "$H"/*; do
		# LeakSanitizer cannot run under ptrace; the other checks stay on.
		ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=open,openat,openat2,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,truncate,symlink,symlinkat,link,linkat \
		    -o "$SCRATCH/one" "$TCPTUNE" check --profile "$p" >/dev/null 2>&1
		cat "$SCRATCH/one" >>"$SCRATCH/trace"
	done
	check "strace saw the profiles opened" grep -q 'open.*hostile/web-server.ini' "$SCRATCH/trace"
	if grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|creat\(|mkdir|rename|unlink|truncate|symlink|link\(' "$SCRATCH/trace" |
	    grep -v -E '= -1 E' >"$SCRATCH/writes"; then
		failed "check opened files for writing:"; sed 's/^/#   /' "$SCRATCH/writes"
	else
		pass "check opened no file for writing, made, moved or removed none"
	fi
else
	echo "# strace is not installed: the no-write trace is not run"
fi

finish
