#!/bin/sh
# apply --boot, as tcptune.service runs it, in a network namespace of its
# own: journal lines with priorities, a refused profile writes nothing and
# fails, sysctl.d conflicts logged as warnings.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
[ "$(id -u)" -eq 0 ] || skip_all "writing keys in a private network namespace needs root"
unshare -n true 2>/dev/null || skip_all "unshare -n is not permitted here"
T=$TCPTUNE
before=$(host_sysctls)
mkdir -p "$SCRATCH/root/etc/sysctl.d"
printf 'net.ipv4.tcp_fin_timeout = 45\n' >"$SCRATCH/root/etc/sysctl.d/80-x.conf"
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 33\nnet.ipv4.tcp_keepalive_time = 900\n' >"$SCRATCH/good.ini"
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 34\nnet.ipv4.tcp_tw_recycle = 1\n' >"$SCRATCH/refused.ini"
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 012\n' >"$SCRATCH/bad.ini"

# Every run in one namespace, so the second sees what the first wrote.
cat >"$SCRATCH/run.sh" <<EOS
b() { "$T" --state-dir "$SCRATCH/state" --sysctl-root "$SCRATCH/root" apply --boot "\$@"; }
b "$SCRATCH/good.ini" >"$SCRATCH/1.out" 2>"$SCRATCH/1.err"; echo \$? >"$SCRATCH/1.rc"
cat /proc/sys/net/ipv4/tcp_fin_timeout >"$SCRATCH/fin1"
b "$SCRATCH/good.ini" >"$SCRATCH/2.out" 2>"$SCRATCH/2.err"; echo \$? >"$SCRATCH/2.rc"
b "$SCRATCH/refused.ini" >"$SCRATCH/3.out" 2>"$SCRATCH/3.err"; echo \$? >"$SCRATCH/3.rc"
cat /proc/sys/net/ipv4/tcp_fin_timeout >"$SCRATCH/fin3"
b "$SCRATCH/bad.ini" >"$SCRATCH/4.out" 2>"$SCRATCH/4.err"; echo \$? >"$SCRATCH/4.rc"
EOS
unshare -n sh "$SCRATCH/run.sh"

check "boot apply exits 0" [ "$(cat "$SCRATCH/1.rc")" -eq 0 ]
check "the value is written" [ "$(cat "$SCRATCH/fin1")" = 33 ]
check "one info line per key" grep -qx '<6>net.ipv4.tcp_fin_timeout: 60 -> 33: written' "$SCRATCH/1.out"
check "a notice sums it up" grep -q '^<5>.*good.ini: applied, 2 keys written' "$SCRATCH/1.out"
check "the sysctl.d conflict is a warning naming the file" \
	grep -q '^<4>net.ipv4.tcp_fin_timeout: /etc/sysctl.d/80-x.conf:1 sets 45, the profile 33' "$SCRATCH/1.out"
check "every line carries a priority" sh -c "! grep -v '^<[0-7]>' '$SCRATCH/1.out' '$SCRATCH/1.err' | grep -q ."
check "again: exit 0, already at target" [ "$(cat "$SCRATCH/2.rc")" -eq 0 ] &&
	grep -q '^<5>.*every key already at its target (2)' "$SCRATCH/2.out"
check "a refused profile fails (65)" [ "$(cat "$SCRATCH/3.rc")" -eq 65 ]
check "and writes nothing, not even its other keys" [ "$(cat "$SCRATCH/fin3")" = 33 ]
check "the refusal is an error line" grep -q '^<3>net.ipv4.tcp_tw_recycle = 1 refused: ' "$SCRATCH/3.out" &&
	grep -q '^<3>.*refused.ini: 1 key refused, so nothing was written' "$SCRATCH/3.out"
check "an invalid profile fails (65) with error lines" [ "$(cat "$SCRATCH/4.rc")" -eq 65 ] &&
	grep -q '^<3>tcptune: error: .*bad.ini:2' "$SCRATCH/4.err"
for opt in "--confirm 5" --skip-refused "--format json"; do
	# shellcheck disable=SC2086
	"$T" --state-dir "$SCRATCH/state" apply --boot $opt "$SCRATCH/good.ini" >/dev/null 2>&1
	check "--boot with $opt is a usage error" [ $? -eq 64 ]
done
check "the host's own keys are untouched" [ "$(host_sysctls)" = "$before" ]
finish
