#!/bin/sh
# The boot configuration findings (boot_config) against what this machine's
# own systemd-sysctl does with the same sysctl.d tree, in a private mount
# and network namespace: a "-KEY" line for a key this kernel lacks is
# skipped without a word; without the '-' it is logged ("Couldn't write
# ..., ignoring") and the unit still succeeds; a glob reaches only keys
# that exist; the harmful settings (timestamps or SYN cookies off) come
# before a harmless leftover.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
SD=/lib/systemd/systemd-sysctl
[ "$(id -u)" -eq 0 ] || skip_all "not root"
command -v unshare >/dev/null || skip_all "unshare is missing"
command -v jq >/dev/null || skip_all "jq is missing"
[ -x "$SD" ] || skip_all "$SD is missing"
unshare -m -n true 2>/dev/null || skip_all "no private mount and network namespaces"
if [ -z "${BOOT_CONFIG_NS:-}" ]; then
	BOOT_CONFIG_NS=1 exec unshare -m sh "$0" "$@"
fi
scratch
unshare -n sh -c '[ ! -e /proc/sys/net/ipv4/tcp_tw_recycle ]' ||
	skip_all "this kernel has tcp_tw_recycle"
host_sysctls >"$SCRATCH/host.before"

# The configuration directories, bound to a scratch tree once.
live=$SCRATCH/live
mount --make-rprivate /
mkdir -p "$live/etc/sysctl.d" "$live/run" "$live/usr/lib/sysctl.d" "$live/empty"
: >"$live/etc/sysctl.conf"
mount --bind "$live/etc/sysctl.d" /etc/sysctl.d
mount --bind "$live/etc/sysctl.conf" /etc/sysctl.conf
mount --bind "$live/run" /run
mount --bind "$live/usr/lib/sysctl.d" /usr/lib/sysctl.d
if [ -d /usr/local/lib/sysctl.d ]; then mount --bind "$live/empty" /usr/local/lib/sysctl.d; fi
if [ ! -L /lib ] && [ -d /lib/sysctl.d ]; then mount --bind "$live/empty" /lib/sysctl.d; fi
mkdir -p "$SCRATCH/state"

# tree NAME FILE=TEXT...: writes the tree, then in a network namespace of
# its own runs tcptune (NAME.json) and systemd-sysctl (NAME.log, its info
# level, what the journal keeps at boot; NAME.rc its exit status).
tree() {
	name=$1
	shift
	find "$live/etc/sysctl.d" -mindepth 1 -delete
	for f in "$@"; do printf '%s\n' "${f#*=}" >"$live/etc/sysctl.d/${f%%=*}"; done
	unshare -n sh -c '
	"$TCPTUNE" --sysctl-root "$1" --state-dir "$2/state" check --format json >"$2/$3.json"
	SYSTEMD_LOG_LEVEL=info "$4" >"$2/$3.log" 2>&1
	echo $? >"$2/$3.rc"
	ls /proc/sys/net/ipv4 >"$2/$3.keys"' sh "$live" "$SCRATCH" "$name" "$SD"
}
# findings NAME: "SEVERITY<TAB>MESSAGE" of the boot_config findings, in order.
findings() {
	jq -r '.findings[] | select(.id == "boot_config" and .severity != "ok") |
	    "\(.severity)\t\(.message)"' "$SCRATCH/$1.json"
}

# A "-KEY" line for a key this kernel lacks.
tree optional '10-old.conf=-net.ipv4.tcp_tw_recycle = 1'
check "systemd-sysctl succeeds on a -KEY line for a missing key" [ "$(cat "$SCRATCH/optional.rc")" = 0 ]
check "... and says nothing about it" sh -c "! grep -q tcp_tw_recycle '$SCRATCH/optional.log'"
findings optional >"$SCRATCH/optional.f"
check "tcptune names the line" grep -q 'tcp_tw_recycle' "$SCRATCH/optional.f"
check "... without saying that it fails" sh -c "! grep -qi 'fail' '$SCRATCH/optional.f'"
check "... saying that the '-' makes systemd-sysctl skip it" grep -q "'-'" "$SCRATCH/optional.f"
check "... as info" sh -c "grep tcp_tw_recycle '$SCRATCH/optional.f' | grep -q '^info'"

# The same key without '-'.
tree plain '10-old.conf=net.ipv4.tcp_tw_recycle = 1'
check "systemd-sysctl succeeds on a missing key" [ "$(cat "$SCRATCH/plain.rc")" = 0 ]
check "... and logs that it could not write it, ignoring it" \
	grep -q "Couldn't write '1' to 'net/ipv4/tcp_tw_recycle', ignoring" "$SCRATCH/plain.log"
findings plain >"$SCRATCH/plain.f"
check "tcptune says systemd-sysctl logs \"Couldn't write ..., ignoring\"" \
	grep -q "Couldn't write '1' to 'net/ipv4/tcp_tw_recycle', ignoring" "$SCRATCH/plain.f"
check "... and that it does not fail" sh -c "! grep -qi 'fails' '$SCRATCH/plain.f'"

# A glob over keys of which one is missing.
tree glob '20-folk.conf=net.ipv4.tcp_tw_* = 1'
check "systemd-sysctl writes the keys that exist" grep -q tcp_tw_reuse "$SCRATCH/glob.keys"
check "... and never tries tcp_tw_recycle" sh -c "! grep -q tcp_tw_recycle '$SCRATCH/glob.log'"
check "tcptune's boot configuration has tcp_tw_reuse from the glob" \
	sh -c "jq -e '.boot_config.keys[\"net.ipv4.tcp_tw_reuse\"].pattern' '$SCRATCH/glob.json' >/dev/null"
check "... and no tcp_tw_recycle" \
	sh -c "jq -e '.boot_config.keys | has(\"net.ipv4.tcp_tw_recycle\") | not' '$SCRATCH/glob.json' >/dev/null"
findings glob >"$SCRATCH/glob.f"
check "... and no finding about it" sh -c "! grep -q tcp_tw_recycle '$SCRATCH/glob.f'"

# Harm first: timestamps and SYN cookies off before the leftover key.
tree harm '10-old.conf=net.ipv4.tcp_tw_recycle = 1' \
	'30-folk.conf=net.ipv4.tcp_syncookies = 0
net.ipv4.tcp_timestamps = 0'
findings harm >"$SCRATCH/harm.f"
sed 's/^/    /' "$SCRATCH/harm.f"
at() { grep -n "$1" "$SCRATCH/harm.f" | head -1 | cut -d: -f1; }
ts=$(at 'timestamps off')
sc=$(at 'tcp_syncookies')
rc=$(at 'tcp_tw_recycle')
check "all three are found" [ -n "$ts" ] && [ -n "$sc" ] && [ -n "$rc" ]
check "timestamps off comes before the removed key" [ "${ts:-99}" -lt "${rc:-0}" ]
check "SYN cookies off comes before the removed key" [ "${sc:-99}" -lt "${rc:-0}" ]
check "the text report lists them in the same order" sh -c "
	unshare -n '$TCPTUNE' --sysctl-root '$live' --state-dir '$SCRATCH/state' check >'$SCRATCH/harm.txt'
	a=\$(grep -n 'timestamps off' '$SCRATCH/harm.txt' | head -1 | cut -d: -f1)
	b=\$(grep -n 'tcp_tw_recycle = 1,' '$SCRATCH/harm.txt' | head -1 | cut -d: -f1)
	[ -n \"\$a\" ] && [ -n \"\$b\" ] && [ \"\$a\" -lt \"\$b\" ]"

# A refused value: the unit fails, the key keeps its default.
tree refused '40-bad.conf=net.ipv4.tcp_tw_reuse = 5'
check "systemd-sysctl fails on a value the kernel refuses" [ "$(cat "$SCRATCH/refused.rc")" != 0 ]
findings refused >"$SCRATCH/refused.f"
check "tcptune says the kernel refuses it and the key keeps its default" \
	sh -c "grep tcp_tw_reuse '$SCRATCH/refused.f' | grep -q 'refuses.*default'"
check "boot_config marks it refused, holding nothing from the line" \
	sh -c "jq -e '.boot_config.keys[\"net.ipv4.tcp_tw_reuse\"] | .refused and .kernel_value == null' '$SCRATCH/refused.json' >/dev/null"

# Bad input keeps its rules: a line too long, a FIFO; nothing is written.
tree long '50-long.conf=net.ipv4.tcp_fin_timeout = 30'
head -c 1048576 /dev/zero | tr '\0' x >>"$live/etc/sysctl.d/50-long.conf"
printf '\nnet.ipv4.tcp_keepalive_time = 600\n' >>"$live/etc/sysctl.d/50-long.conf"
mkfifo "$live/etc/sysctl.d/60-fifo.conf"
unshare -n "$TCPTUNE" --sysctl-root "$live" --state-dir "$SCRATCH/state" check --format json \
	>"$SCRATCH/long.json" 2>"$SCRATCH/long.err"
check "a line of 1 MiB is named with its file and line" \
	grep -q '50-long.conf:2.*1048576 bytes' "$SCRATCH/long.err"
check "... the line before it counts" \
	sh -c "jq -e '.boot_config.keys[\"net.ipv4.tcp_fin_timeout\"].kernel_value == \"30\"' '$SCRATCH/long.json' >/dev/null"
check "... nothing after it" \
	sh -c "jq -e '.boot_config.keys | has(\"net.ipv4.tcp_keepalive_time\") | not' '$SCRATCH/long.json' >/dev/null"
check "a FIFO is named and skipped" grep -q '60-fifo.conf.*not a regular file' "$SCRATCH/long.err"

host_sysctls >"$SCRATCH/host.after"
check "the host's own keys are untouched" cmp -s "$SCRATCH/host.before" "$SCRATCH/host.after"
finish
