#!/bin/sh
# Every kind of bad profile gets its own clear error (file, line, key,
# reason), the right exit code, and no report.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
BAD=$TESTS_DIR/bad-profiles
ROOT=$FIXTURES/proc-6.18

# expect FILE EXIT-CODE TEXT...: each TEXT must appear in standard error.
expect() {
	file=$1 code=$2
	shift 2
	"$TCPTUNE" check --proc-root "$ROOT" --profile "$file" >"$SCRATCH/out" 2>"$SCRATCH/err"
	rc=$?
	ok=1
	[ "$rc" -eq "$code" ] || { ok=0; echo "# $file: exit $rc, want $code"; }
	[ -s "$SCRATCH/out" ] && { ok=0; echo "# $file: printed a report"; }
	for text in "$@"; do
		grep -qF -- "$text" "$SCRATCH/err" || { ok=0; echo "# $file: no '$text' in:"; sed 's/^/#   /' "$SCRATCH/err"; }
	done
	if [ $ok -eq 1 ]; then pass "$(basename "$file") -> $code"; else failed "$(basename "$file")"; fi
}

expect "$BAD/unknown-key.ini" 65 "unknown-key.ini:4: net.ipv4.tcp_fin_timeoutt: unknown key"
expect "$BAD/kernel-bounds.ini" 65 "kernel-bounds.ini:2: net.ipv4.tcp_tw_reuse: bad value \"3\": 3 is outside what the kernel accepts 0..2"
expect "$BAD/octal.ini" 65 "octal.ini:1: net.ipv4.tcp_fin_timeout:" "octal"
expect "$BAD/hex.ini" 65 "hex.ini:1: net.ipv4.tcp_keepalive_time:" "hexadecimal"
expect "$BAD/malformed-line.ini" 65 "malformed-line.ini:2: malformed line"
expect "$BAD/duplicate.ini" 65 "duplicate.ini:5: net.ipv4.tcp_fin_timeout: duplicate key (first set on line 3)"
expect "$BAD/multi-value.ini" 65 "multi-value.ini:1: net.ipv4.tcp_fin_timeout:" "one number expected"
expect "$BAD/port-range-one.ini" 65 "port-range-one.ini:1: net.ipv4.ip_local_port_range:" "two numbers expected"
expect "$BAD/port-range-reversed.ini" 65 "low 60000 is above high 1024"
expect "$BAD/bad-nat.ini" 65 "bad-nat.ini:2: nat: bad value \"maybe\""
expect "$BAD/unknown-section.ini" 65 "unknown-section.ini:4: unknown section [sysctll]"
expect "$BAD/negative.ini" 65 "negative.ini:1: net.ipv4.tcp_keepalive_probes:" "-1 is outside"
expect "$BAD/huge.ini" 65 "huge.ini:1: net.ipv4.tcp_max_tw_buckets:" "too large"
expect "$BAD/path-escape.ini" 65 "path-escape.ini:1: net/ipv4/../../kernel/core_pattern: unknown key"
expect "$BAD/other-subtree.ini" 65 "other-subtree.ini:1: kernel.core_pattern: unknown key"
expect "$BAD/absolute-path.ini" 65 "absolute-path.ini:1: /proc/sys/net/ipv4/tcp_fin_timeout: unknown key"
# tuned's ">N" compares one number with the live value: on a key of two
# numbers tuned writes the text as it is and the kernel refuses it.
expect "$BAD/tuned-conditional.ini" 65 "tuned-conditional.ini:4: net.ipv4.ip_local_port_range: conditional value"
expect "$BAD/bad-threshold.ini" 65 "bad-threshold.ini:4: close_wait_warn: bad value \"lots\""
expect "$BAD/bad-section.ini" 65 "bad-section.ini:1: malformed section header"
expect "$BAD/unknown-threshold.ini" 65 "unknown-threshold.ini:3: close_wait_alarm: unknown threshold"
expect "$BAD/unknown-profile-key.ini" 65 "unknown-profile-key.ini:2: name: unknown key in [profile]"
expect "$BAD/empty-value.ini" 65 "empty-value.ini:1: net.ipv4.tcp_fin_timeout: bad value \"\""
expect "$BAD/value-newline.ini" 65 "value-newline.ini:1: net.ipv4.tcp_fin_timeout:" "value-newline.ini:2: malformed line"
expect "$BAD/long-line.ini" 65 "long-line.ini:1: line is longer than"

# Inputs made here: they cannot live in the source tree as they are.
printf 'net.ipv4.tcp_fin_timeout = 30\nnet.ipv4.tcp_\000keepalive_time = 1\n' >"$SCRATCH/nul.ini"
expect "$SCRATCH/nul.ini" 65 "nul.ini:2: NUL byte"
head -c 4096 /dev/urandom | tr -d '\000' >"$SCRATCH/garbage.ini"
printf '\n\377\376garbage with no equals sign\n' >>"$SCRATCH/garbage.ini"
expect "$SCRATCH/garbage.ini" 65 "garbage.ini:"
expect "$SCRATCH/missing.ini" 66 "missing.ini: cannot open: No such file or directory"
mkdir "$SCRATCH/dir.ini"
expect "$SCRATCH/dir.ini" 66 "dir.ini: is a directory"
mkfifo "$SCRATCH/fifo.ini"
expect "$SCRATCH/fifo.ini" 66 "fifo.ini: not a regular file"
# A line past libinih's limit must not be cut into pieces that parse.
{ printf 'net.ipv4.tcp_fin_timeout = 30 ;'; head -c 200 /dev/zero | tr '\000' ' '; printf 'net.ipv4.tcp_tw_reuse = 1\n'; } >"$SCRATCH/padded.ini"
expect "$SCRATCH/padded.ini" 65 "padded.ini:1: line is longer than"

# A single 1 MB line: refused as too long, not cut, not read for minutes.
{ printf 'net.ipv4.tcp_fin_timeout = '; head -c 1048576 /dev/zero | tr '\000' 7; printf '\n'; } >"$SCRATCH/mb-line.ini"
expect "$SCRATCH/mb-line.ini" 65 "mb-line.ini:1: line is longer than"
# Past the 4 MB a profile may have: refused before it is read.
head -c 4194305 /dev/zero | tr '\000' '#' >"$SCRATCH/huge-file.ini"
expect "$SCRATCH/huge-file.ini" 65 "huge-file.ini: file is larger than 4194304 bytes"
# Devices and kernel files named as profiles.
expect /dev/zero 66 "/dev/zero: not a regular file"
expect /proc/sys/kernel/core_pattern 66 "/proc/sys/kernel/core_pattern: not a file on disk"
ln -s /proc/sys/net/ipv4/tcp_fin_timeout "$SCRATCH/link.ini"
expect "$SCRATCH/link.ini" 66 "link.ini: not a file on disk"
# Key spellings that try to leave net.* or the catalog: each is an unknown
# key, never a path.
printf 'net.ipv4.tcp_fin_timeout/../../../kernel/core_pattern = 1\n' >"$SCRATCH/k1.ini"
expect "$SCRATCH/k1.ini" 65 "k1.ini:1: net.ipv4.tcp_fin_timeout/../../../kernel/core_pattern: unknown key"
printf 'net.ipv4.tcp_fin_timeout. = 30\n' >"$SCRATCH/k2.ini"
expect "$SCRATCH/k2.ini" 65 "k2.ini:1: net.ipv4.tcp_fin_timeout.: unknown key"
printf 'NET.IPV4.TCP_FIN_TIMEOUT = 30\n' >"$SCRATCH/k3.ini"
expect "$SCRATCH/k3.ini" 65 "k3.ini:1: NET.IPV4.TCP_FIN_TIMEOUT: unknown key"
printf 'tcp_fin_timeout = 30\n' >"$SCRATCH/k4.ini"
expect "$SCRATCH/k4.ini" 65 "k4.ini:1: tcp_fin_timeout: unknown key"
printf 'kernel.core_pattern = |/tmp/x %%p\n' >"$SCRATCH/k5.ini"
expect "$SCRATCH/k5.ini" 65 "k5.ini:1: kernel.core_pattern: unknown key"
# Values: signs, spaces inside, trailing words, a second value.
printf 'net.ipv4.tcp_fin_timeout = +30\n' >"$SCRATCH/v1.ini"
expect "$SCRATCH/v1.ini" 65 "v1.ini:1: net.ipv4.tcp_fin_timeout:" "'+' sign"
printf 'net.ipv4.tcp_fin_timeout = 30 seconds\n' >"$SCRATCH/v2.ini"
expect "$SCRATCH/v2.ini" 65 "v2.ini:1: net.ipv4.tcp_fin_timeout: bad value \"30 seconds\""
printf 'net.ipv4.tcp_keepalive_time = -9223372036854775809\n' >"$SCRATCH/v3.ini"
expect "$SCRATCH/v3.ini" 65 "v3.ini:1: net.ipv4.tcp_keepalive_time:" "too large"
printf 'net.ipv4.ip_local_port_range = 1024 65000 9\n' >"$SCRATCH/v4.ini"
expect "$SCRATCH/v4.ini" 65 "v4.ini:1: net.ipv4.ip_local_port_range:" "two numbers expected, found more"
printf 'net.ipv4.tcp_fin_timeout = "30\n' >"$SCRATCH/v5.ini"
expect "$SCRATCH/v5.ini" 65 "v5.ini:1: net.ipv4.tcp_fin_timeout: bad value"

# Unreadable: a root-owned 0600 file read by an unprivileged user.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	printf 'net.ipv4.tcp_fin_timeout = 30\n' >"$SCRATCH/secret.ini"
	chmod 0600 "$SCRATCH/secret.ini"
	chmod 0755 "$SCRATCH"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$TCPTUNE" check --proc-root "$ROOT" --profile "$SCRATCH/secret.ini" >/dev/null 2>"$SCRATCH/err"
	rc=$?
	if [ $rc -eq 77 ] && grep -qF "secret.ini: cannot open: Permission denied" "$SCRATCH/err"; then
		pass "unreadable profile -> 77"
	else
		failed "unreadable profile: exit $rc"; cat "$SCRATCH/err"
	fi
else
	echo "# not root: unreadable-file case not run"
fi

# --ignore-unknown turns unknown keys into warnings, not the rest; a slip
# of a key tcptune manages (tcp_fin_timeoutt) is never ignored.
"$TCPTUNE" check --proc-root "$ROOT" --profile "$BAD/unknown-key.ini" --ignore-unknown >/dev/null 2>"$SCRATCH/err"
rc=$?
if [ $rc -eq 65 ] && grep -qF "error: $BAD/unknown-key.ini:4: net.ipv4.tcp_fin_timeoutt: unknown key; did you mean net.ipv4.tcp_fin_timeout?" "$SCRATCH/err"; then
	pass "--ignore-unknown does not excuse a misspelt catalog key"
else
	failed "--ignore-unknown with a near-miss: exit $rc"; cat "$SCRATCH/err"
fi
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 60\nnet.ipv4.tcp_notakey_at_all = 1\n' >"$SCRATCH/far.ini"
"$TCPTUNE" check --proc-root "$ROOT" --profile "$SCRATCH/far.ini" --ignore-unknown >/dev/null 2>"$SCRATCH/err"
rc=$?
if [ $rc -eq 0 ] && grep -qF "warning: $SCRATCH/far.ini:3: net.ipv4.tcp_notakey_at_all: unknown key, ignored" "$SCRATCH/err"; then
	pass "--ignore-unknown warns and goes on"
else
	failed "--ignore-unknown: exit $rc"; cat "$SCRATCH/err"
fi
"$TCPTUNE" check --proc-root "$ROOT" --profile "$BAD/octal.ini" --ignore-unknown >/dev/null 2>&1
check "--ignore-unknown does not excuse a bad value" [ $? -eq 65 ]

finish
