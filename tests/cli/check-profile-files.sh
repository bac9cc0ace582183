#!/bin/sh
# The files operators already have, read as profiles as their own tools
# read them: sysctl.d files as systemd-sysctl does, tuned profiles with
# their includes, from a tuned directory tree built here out of the real
# profiles in tests/fixtures/realworld.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
T=$TCPTUNE
R618=$FIXTURES/proc-6.18
RW=$FIXTURES/realworld
N=$SCRATCH/none
mkdir "$N"
# exits WANT GOT CMD...: GOT is WANT and the command succeeds.
exits() {
	want=$1 got=$2
	shift 2
	[ "$got" -eq "$want" ] && "$@"
}
plan() { "$T" plan --proc-root "$R618" --sysctl-root "$N" "$@"; }

# "-key": ignored where the kernel lacks it (tcp_tw_recycle is gone in 6.18).
printf -- '-net.ipv4.tcp_tw_recycle = 0\n-net.ipv4.tcp_fin_timeout = 30\n' >"$SCRATCH/dash.conf"
plan --format json "$SCRATCH/dash.conf" >"$SCRATCH/out" 2>"$SCRATCH/err"
check "-key: exit 0" [ $? -eq 0 ]
check "-key absent here: not planned, not refused" \
	jq -e '[.plan[].key] == ["net.ipv4.tcp_fin_timeout"] and .refused == 0' "$SCRATCH/out" >/dev/null
check "-key present: written like any key" jq -e '.plan[0].target == "30" and .writes == 1' "$SCRATCH/out" >/dev/null
check "-key: no error about an unknown key" [ ! -s "$SCRATCH/err" ]
"$T" check --proc-root "$R618" --sysctl-root "$N" --no-census --format json --profile "$SCRATCH/dash.conf" >"$SCRATCH/out"
check "-key absent: no profile_key_absent finding" \
	jq -e '[.findings[] | select(.id == "profile_key_absent" and .severity != "ok")] == []' "$SCRATCH/out" >/dev/null
printf 'net.ipv4.tcp_tw_recycle = 0\n' >"$SCRATCH/nodash.conf"
plan "$SCRATCH/nodash.conf" >/dev/null 2>&1
check "without the dash an absent key is still refused (65)" [ $? -eq 65 ]
printf -- '-net.ipv4.tcp_fin_timeoutt = 30\n' >"$SCRATCH/slip.conf"
plan --ignore-unknown "$SCRATCH/slip.conf" >/dev/null 2>"$SCRATCH/err"
check "-key with a slip of a managed key is still an error" exits 65 $? grep -q 'did you mean' "$SCRATCH/err"

# A later duplicate wins, with a warning naming both lines.
printf 'net.ipv4.tcp_fin_timeout = 30\nnet.ipv4.tcp_keepalive_time = 600\nnet/ipv4/tcp_fin_timeout = 40\n' >"$SCRATCH/dup.conf"
plan --format json "$SCRATCH/dup.conf" >"$SCRATCH/out" 2>"$SCRATCH/err"
check "duplicate in a sysctl.d file: exit 0" [ $? -eq 0 ]
check "duplicate: the later value wins" \
	jq -e '.plan[] | select(.key == "net.ipv4.tcp_fin_timeout") | .target == "40" and .line == 3' "$SCRATCH/out" >/dev/null
check "duplicate: a warning with file and lines" grep -q 'dup.conf:3: net.ipv4.tcp_fin_timeout: warning\|warning: .*dup.conf:3: net.ipv4.tcp_fin_timeout: set again (first on line 1)' "$SCRATCH/err"

plan --quiet "$SCRATCH/dup.conf" >/dev/null 2>"$SCRATCH/err"
check "--quiet: no warning" exits 0 $? test ! -s "$SCRATCH/err"
plan -q "$SCRATCH/slip.conf" >/dev/null 2>"$SCRATCH/err"
check "-q: errors still said" exits 65 $? grep -q 'error: .*slip.conf:1' "$SCRATCH/err"

# Debian's stock /etc/sysctl.conf: comments only.  An empty profile that
# plans nothing, like a file whose keys are all someone else's.
printf '#\n# /etc/sysctl.conf - Configuration file for setting system variables\n#\n#net.ipv4.tcp_syncookies=1\n' >"$SCRATCH/sysctl.conf"
plan "$SCRATCH/sysctl.conf" >"$SCRATCH/out" 2>"$SCRATCH/err"
check "comment-only file: exit 0" [ $? -eq 0 ]
check "comment-only file: a note, no error" grep -q 'notice: .*sysctl.conf: no setting at all: an empty profile' "$SCRATCH/err" &&
	! grep -q error "$SCRATCH/err"
check "comment-only file: nothing to do" grep -q 'nothing to do' "$SCRATCH/out"
: >"$SCRATCH/empty.conf"
plan "$SCRATCH/empty.conf" >/dev/null 2>&1
check "an empty file: exit 0" [ $? -eq 0 ]
printf 'vm.swappiness = 10\nkernel.pid_max = 65536\n' >"$SCRATCH/foreign.conf"
plan --ignore-unknown "$SCRATCH/foreign.conf" >"$SCRATCH/out" 2>"$SCRATCH/err"
check "all keys ignored: exit 0, the same note" exits 0 $? \
	grep -q 'foreign.conf: sets no key tcptune manages: an empty profile' "$SCRATCH/err" &&
	grep -q 'nothing to do' "$SCRATCH/out"
"$T" check --proc-root "$R618" --sysctl-root "$N" --no-census --profile "$SCRATCH/sysctl.conf" >/dev/null 2>&1
check "check with a comment-only profile: exit 0" [ $? -eq 0 ]

# tuned: a tree as tuned installs it, the real profiles in it, and a
# throughput-performance of this test's own for them to include.
TD=$SCRATCH/tuned
for n in network-throughput oracle spectrumscale-ece openshift; do
	mkdir -p "$TD/profiles/$n"
	cp "$RW/tuned-$n.conf" "$TD/profiles/$n/tuned.conf"
done
mkdir -p "$TD/profiles/throughput-performance"
printf '[main]\nsummary=base for the test\n[sysctl]\nnet.ipv4.ip_local_port_range = 1024 65001\nnet.ipv4.tcp_fin_timeout = 20\nvm.dirty_ratio = 40\n' \
	>"$TD/profiles/throughput-performance/tuned.conf"
tplan() { plan --tuned-dir "$TD" --ignore-unknown --format json "$@"; }

tplan "$TD/profiles/oracle" >"$SCRATCH/out" 2>"$SCRATCH/err"
check "tuned profile directory accepted (oracle): exit 0" [ $? -eq 0 ]
check "oracle: its own port range over the included one" \
	jq -e '.plan[] | select(.key == "net.ipv4.ip_local_port_range") | .target == "9000 65499"' "$SCRATCH/out" >/dev/null
check "oracle: a key only the include sets" \
	jq -e '.plan[] | select(.key == "net.ipv4.tcp_fin_timeout") | .target == "20"' "$SCRATCH/out" >/dev/null
check "oracle: a key from the include names the include's file and line" \
	jq -e --arg f "$TD/profiles/throughput-performance/tuned.conf" \
	'.plan[] | select(.key == "net.ipv4.tcp_fin_timeout") | .why | startswith($f + " line 5: ")' "$SCRATCH/out" >/dev/null
check "oracle: known by the directory's name, described by its summary" \
	jq -e '.profile.name == "oracle" and .profile.description == "Optimize for Oracle RDBMS"' "$SCRATCH/out" >/dev/null
check "the include's foreign keys are warned about in its own file" \
	grep -q 'throughput-performance/tuned.conf:6: vm.dirty_ratio: unknown key, ignored' "$SCRATCH/err"
tplan "$TD/profiles/spectrumscale-ece/tuned.conf" >"$SCRATCH/out" 2>/dev/null
check "spectrumscale-ece (the file itself): timestamps and the include" \
	jq -e '([.plan[].key] | index("net.ipv4.tcp_timestamps") != null) and
	       (.plan[] | select(.key == "net.ipv4.ip_local_port_range") | .target == "1024 65001")' "$SCRATCH/out" >/dev/null
tplan "$TD/profiles/network-throughput" >"$SCRATCH/out" 2>/dev/null
check "network-throughput: its include read" \
	jq -e '.plan[] | select(.key == "net.ipv4.tcp_fin_timeout") | .target == "20"' "$SCRATCH/out" >/dev/null
# tuned >= 2.23 keeps profiles in DIR/profiles/NAME, older ones in DIR/NAME.
mkdir -p "$SCRATCH/old/throughput-performance"
cp "$TD/profiles/throughput-performance/tuned.conf" "$SCRATCH/old/throughput-performance/"
plan --tuned-dir "$SCRATCH/old" --ignore-unknown "$TD/profiles/oracle" >/dev/null 2>&1
check "the older layout DIR/NAME too" [ $? -eq 0 ]
# openshift includes ${f:virt_check:virtual-guest:network-throughput}:
# tuned decides it from virt-what, tcptune from the facts
# systemd-detect-virt reads; the real systemd-detect-virt is the oracle.
mkdir -p "$TD/profiles/virtual-guest"
printf '[main]\nsummary=guest\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 21\n' >"$TD/profiles/virtual-guest/tuned.conf"
tplan "$TD/profiles/openshift" >"$SCRATCH/out" 2>"$SCRATCH/err"
check "openshift: virt_check decided here: exit 0" [ $? -eq 0 ]
if systemd-detect-virt -q 2>/dev/null; then want=21 virt=virtual-guest; else want=20 virt=network-throughput; fi
check "openshift: includes $virt, as systemd-detect-virt says ($(systemd-detect-virt 2>/dev/null))" \
	jq -e --arg w "$want" '.plan[] | select(.key == "net.ipv4.tcp_fin_timeout") | .target == $w' "$SCRATCH/out" >/dev/null
plan --tuned-dir "$SCRATCH/none" --ignore-unknown "$TD/profiles/oracle" >/dev/null 2>"$SCRATCH/err"
check "an include no tuned directory has: 65, naming it" exits 65 $? \
	grep -q 'oracle/tuned.conf:7: include: no tuned profile "throughput-performance"' "$SCRATCH/err"
# An include cycle ends as tuned ends it: each file is read once, so
# loop-b's include of loop-a (already read) is skipped.
printf '[main]\ninclude=loop-b\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n' >"$SCRATCH/loop-a.conf"
mkdir -p "$TD/profiles/loop-b" "$TD/profiles/loop-a"
printf '[main]\ninclude=loop-a\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 31\nnet.ipv4.tcp_keepalive_time = 600\n' >"$TD/profiles/loop-b/tuned.conf"
cp "$SCRATCH/loop-a.conf" "$TD/profiles/loop-a/tuned.conf"
tplan "$TD/profiles/loop-a" >"$SCRATCH/out" 2>"$SCRATCH/err"
check "an include cycle: each profile once, exit 0" [ $? -eq 0 ]
check "an include cycle: the including profile's value over the included one's" \
	jq -e '([.plan[] | select(.key == "net.ipv4.tcp_fin_timeout") | .target] == ["30"]) and
	       ([.plan[] | select(.key == "net.ipv4.tcp_keepalive_time") | .target] == ["600"])' "$SCRATCH/out" >/dev/null
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = ${fin}\n' >"$SCRATCH/var.conf"
tplan "$SCRATCH/var.conf" >/dev/null 2>"$SCRATCH/err"
check "an undefined \${variable} in a value: 65" [ $? -eq 65 ]
check "an undefined \${variable}: file, line, key and the variable named" \
	grep -qF 'var.conf:2: net.ipv4.tcp_fin_timeout: bad value "${fin}": a tuned variable that is not defined' "$SCRATCH/err"
mkdir "$SCRATCH/emptydir"
plan "$SCRATCH/emptydir" >/dev/null 2>"$SCRATCH/err"
check "a directory without tuned.conf is still not a profile (66)" exits 66 $? grep -q 'is a directory' "$SCRATCH/err"
# tuned's include order: include=b,a with a including c merges b, c, a,
# then the profile itself, each later one winning; so c's value beats b's
# although c is deeper.  "-name" is skipped when missing; a space is part
# of a name, not a separator.
O=$SCRATCH/order
mkdir -p "$O/top" "$O/a" "$O/b" "$O/c"
printf '[main]\ninclude=b,a;-missing\n[sysctl]\nnet.ipv4.tcp_keepalive_time = 600\n' >"$O/top/tuned.conf"
printf '[main]\ninclude=c\n[sysctl]\nnet.ipv4.tcp_keepalive_probes = 5\n' >"$O/a/tuned.conf"
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 40\nnet.ipv4.tcp_keepalive_probes = 4\n' >"$O/b/tuned.conf"
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 50\n' >"$O/c/tuned.conf"
plan --tuned-dir "$O" --format json "$O/top" >"$SCRATCH/out" 2>"$SCRATCH/err"
check "include=b,a;-missing: planned (exit 0)" [ $? -eq 0 ]
check "... c (read after b) beats b, a beats both, in tuned's order" \
	jq -e '([.plan[] | select(.key == "net.ipv4.tcp_fin_timeout") | .target] == ["50"]) and
	       ([.plan[] | select(.key == "net.ipv4.tcp_keepalive_probes") | .target] == ["5"])' "$SCRATCH/out" >/dev/null
printf '[main]\ninclude=b a\n' >"$O/top/tuned.conf"
plan --tuned-dir "$O" "$O/top" >/dev/null 2>"$SCRATCH/err"
check "include=b a (a space): one name tuned cannot find, 65" exits 65 $? \
	grep -q 'top/tuned.conf:2: include: no tuned profile "b a"' "$SCRATCH/err"

# tuned's ">N" is compared with the live value (4096 in the fixture).
mkdir -p "$SCRATCH/cond"
printf '[main]\n[sysctl]\nnet.core.somaxconn=>2048\nnet.ipv4.tcp_fin_timeout=<30\n' >"$SCRATCH/cond/tuned.conf"
plan "$SCRATCH/cond" >"$SCRATCH/out" 2>"$SCRATCH/err"
check "tuned's >2048 against a live 4096: planned (exit 0)" [ $? -eq 0 ]
check "... the text plan says why the key stays" grep -q "^      tuned's >2048: live 4096, unchanged$" "$SCRATCH/out"
plan --format json "$SCRATCH/cond" >"$SCRATCH/out" 2>/dev/null
check "... <30 against a live 60 writes 30, saying so" \
	jq -e '.plan[] | select(.key == "net.ipv4.tcp_fin_timeout") | .action == "write" and .target == "30" and
	       (.why | endswith("tuned'"'"'s <30: live 60, written"))' "$SCRATCH/out" >/dev/null

# Include fan-out: nine levels, each including the next six times, in
# about 600 bytes.  tuned reads each profile once; so does tcptune.
F=$SCRATCH/fan
for i in 1 2 3 4 5 6 7 8 9; do
	mkdir -p "$F/l$i"
	n=$((i + 1))
	{
		printf '[main]\n'
		[ "$i" -lt 9 ] && printf 'include=l%s,l%s,l%s,l%s,l%s,l%s\n' $n $n $n $n $n $n
		printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = %s\n' $((20 + i))
	} >"$F/l$i/tuned.conf"
done
echo "# fan-out tree: $(cat "$F"/*/tuned.conf | wc -c) bytes"
t0=$(date +%s%N)
timeout 60 "$T" plan --proc-root "$R618" --sysctl-root "$N" --tuned-dir "$F" --format json "$F/l1" >"$SCRATCH/out" 2>"$SCRATCH/err"
rc=$?
echo "# fan-out tree planned in $((($(date +%s%N) - t0) / 1000000)) ms"
check "fan-out of six over nine levels: planned (exit 0)" [ "$rc" -eq 0 ]
check "fan-out: the top profile's value, each profile read once" \
	jq -e '(.plan[] | select(.key == "net.ipv4.tcp_fin_timeout") | .target == "21")' "$SCRATCH/out" >/dev/null
# The total work is bounded: a chain of 300 distinct profiles is refused.
C=$SCRATCH/chain
i=1
while [ $i -le 300 ]; do
	mkdir -p "$C/c$i"
	printf '[main]\ninclude=c%s\n' $((i + 1)) >"$C/c$i/tuned.conf"
	i=$((i + 1))
done
mkdir -p "$C/c301" && printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n' >"$C/c301/tuned.conf"
plan --tuned-dir "$C" "$C/c1" >/dev/null 2>"$SCRATCH/err"
check "300 profiles in one chain: refused (65) past the bound, saying so" exits 65 $? \
	grep -q 'include: more than 256 tuned files in one profile: refused' "$SCRATCH/err"
# ... and so are more bytes than 8 MiB in all.
B=$SCRATCH/big
for i in 1 2 3; do
	mkdir -p "$B/b$i"
	{
		printf '[main]\n'
		[ "$i" -lt 3 ] && printf 'include=b%s\n' $((i + 1))
		head -c 3500000 /dev/zero | tr '\0' '#' | fold -w 100
		printf '\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n'
	} >"$B/b$i/tuned.conf"
done
plan --tuned-dir "$B" "$B/b1" >/dev/null 2>"$SCRATCH/err"
check "tuned files over 8 MiB in all: refused (65), saying so" exits 65 $? \
	grep -q 'larger than 8388608 bytes in all: refused' "$SCRATCH/err"
# ... and so is expanding: tuned's functions rebuild the value at every
# call, and variables made of variables double at every step.
mkdir -p "$B/funcs" "$B/double"
awk 'BEGIN { printf "[sysctl]\nvm.x = "; for (i = 0; i < 60000; i++) printf "${f:strip:x}"; printf "\n" }' \
	>"$B/funcs/tuned.conf"
timeout 60 "$T" plan --proc-root "$R618" --sysctl-root "$N" --tuned-dir "$B" --ignore-unknown "$B/funcs" >/dev/null 2>"$SCRATCH/err"
check "60,000 function calls in one value: refused (65) past the bound, saying so" exits 65 $? \
	grep -q 'funcs/tuned.conf:2: vm.x: tuned.s variables and functions expand to more than 16777216 bytes in this profile: refused' "$SCRATCH/err"
awk 'BEGIN { printf "[variables]\nv0 = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"; for (i = 1; i < 40; i++) printf "v%d = ${v%d}${v%d}\n", i, i - 1, i - 1 }' \
	>"$B/double/tuned.conf"
timeout 60 "$T" plan --proc-root "$R618" --sysctl-root "$N" --tuned-dir "$B" --ignore-unknown "$B/double" >/dev/null 2>"$SCRATCH/err"
check "variables doubling at every step: refused (65) past the bound, saying so" exits 65 $? \
	grep -q 'double/tuned.conf:[0-9]*: v[0-9]*: tuned.s variables and functions expand to more than' "$SCRATCH/err"
mkdir -p "$B/args"
awk 'BEGIN { printf "[sysctl]\nnet.ipv4.tcp_fin_timeout = ${f:strip"; for (i = 0; i < 80; i++) printf ":1"; printf "}\n" }' \
	>"$B/args/tuned.conf"
plan --tuned-dir "$B" "$B/args" >/dev/null 2>"$SCRATCH/err"
check "a function call of 80 arguments: refused (65) as bad input, not an internal error" exits 65 $? \
	grep -q 'args/tuned.conf:2: net.ipv4.tcp_fin_timeout: its value needs a tuned function call of more than 62 arguments' "$SCRATCH/err"
# An include that is a FIFO or a directory is no profile: refused, never
# waited on; a variables file that is a FIFO likewise.
H=$SCRATCH/hostile
mkdir -p "$H/top" "$H/fifo" "$H/dir/tuned.conf"
mkfifo "$H/fifo/tuned.conf"
printf '[main]\ninclude=fifo\n' >"$H/top/tuned.conf"
timeout 20 "$T" plan --proc-root "$R618" --sysctl-root "$N" --tuned-dir "$H" "$H/top" >/dev/null 2>"$SCRATCH/err"
check "an include that is a FIFO: refused (65), not waited on" exits 65 $? \
	grep -q 'top/tuned.conf:2: include: no tuned profile "fifo"' "$SCRATCH/err"
printf '[main]\ninclude=dir\n' >"$H/top/tuned.conf"
plan --tuned-dir "$H" "$H/top" >/dev/null 2>"$SCRATCH/err"
check "an include whose tuned.conf is a directory: refused (65)" [ $? -eq 65 ]
mkfifo "$H/vars"
printf '[variables]\ninclude=%s\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n' "$H/vars" >"$H/top/tuned.conf"
timeout 20 "$T" plan --proc-root "$R618" --sysctl-root "$N" --tuned-dir "$H" "$H/top" >/dev/null 2>"$SCRATCH/err"
check "a variables file that is a FIFO: refused (65) with its name, not waited on" exits 65 $? \
	grep -q "$H/vars" "$SCRATCH/err"
# Bad input keeps its rules: file, line, key and reason, and nothing written.
mkdir -p "$H/bad" "$H/base"
printf '[main]\ninclude=base\n[sysctl]\nnet.ipv4.tcp_keepalive_time = 600\n' >"$H/bad/tuned.conf"
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30 # fine\nnet.ipv4.tcp_keepalive_probes = 5#glued\n' >"$H/base/tuned.conf"
cp -r "$R618" "$SCRATCH/live"
"$T" apply --proc-root "$SCRATCH/live" --sysctl-root "$N" --state-dir "$SCRATCH/state" --tuned-dir "$H" "$H/bad" >/dev/null 2>"$SCRATCH/err"
check "a bad value in an include: apply exits 65" [ $? -eq 65 ]
check "... naming file, line, key and the value tuned would write" \
	grep -qF "base/tuned.conf:3: net.ipv4.tcp_keepalive_probes: bad value \"5#glued\"" "$SCRATCH/err"
check "... and writing nothing" diff -r "$R618" "$SCRATCH/live"
finish
