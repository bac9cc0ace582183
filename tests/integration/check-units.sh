#!/bin/sh
# The shipped units, installed into a DESTDIR: each verifies cleanly
# (systemd-analyze verify) and asks for no more than it uses, by
# systemd-analyze security --offline: an overall exposure of at most 4.0.
# The metrics service is only analysed here, never started.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
: "${TOP_BUILDDIR:?}" "${INST_SBINDIR:?}" "${INST_SYSCONFDIR:?}" "${INST_UNITDIR:?}" "${INST_MANDIR:?}"
command -v systemd-analyze >/dev/null || skip_all "systemd-analyze is not installed"
systemd-analyze security --help 2>/dev/null | grep -q -- '--offline' ||
	skip_all "this systemd-analyze has no security --offline"
D=$SCRATCH/dest
MAX=4.0
${MAKE:-make} -C "$TOP_BUILDDIR" install DESTDIR="$D" >"$SCRATCH/make.log" 2>&1
check "make install DESTDIR" [ $? -eq 0 ]

# exposure FILE: the overall exposure level systemd-analyze gives the unit.
exposure() {
	systemd-analyze security --offline=yes "$1" 2>"$SCRATCH/security.err" |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9.]*\) .*/\1/p'
}
# at_most A B: A <= B, as decimals.
at_most() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 <= b + 0) }'; }

for u in tcptune.service tcptune-metrics.service tcptune-metrics.timer; do
	check "$u installed" [ -f "$D$INST_UNITDIR/$u" ]
done
check "make install enables no unit" sh -c "! find '$D' -path '*.wants/*' | grep -q ."
# Verified outside the DESTDIR (its root has no sysinit.target), each
# naming the binary installed there.
mkdir "$SCRATCH/units"
for u in tcptune-metrics.service tcptune-metrics.timer; do
	sed "s|$INST_SBINDIR/tcptune |$D$INST_SBINDIR/tcptune |" "$D$INST_UNITDIR/$u" >"$SCRATCH/units/$u"
done
MANPATH=$D$INST_MANDIR systemd-analyze verify "$SCRATCH/units/tcptune-metrics.service" \
    "$SCRATCH/units/tcptune-metrics.timer" >"$SCRATCH/verify" 2>&1
rc=$?
check "systemd-analyze verify tcptune-metrics.service and .timer (exit $rc)" [ $rc -eq 0 ] && [ ! -s "$SCRATCH/verify" ]
[ -s "$SCRATCH/verify" ] && cat "$SCRATCH/verify"

for u in tcptune.service tcptune-metrics.service; do
	f=$D$INST_UNITDIR/$u
	e=$(exposure "$f")
	echo "# $u: exposure $e"
	check "$u: an exposure is reported" [ -n "$e" ]
	check "$u: exposure $e is at most $MAX" at_most "$e" "$MAX"
	[ -n "$e" ] || cat "$SCRATCH/security.err"
	# Every unit keeps a bounding set, the syscall filter, no new
	# privileges, and sees neither other hosts nor devices.
	for line in 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'PrivateTmp=yes' \
	    'PrivateDevices=yes' 'IPAddressDeny=any' 'UMask=0[0-7]*' 'ProtectProc=invisible' \
	    'SystemCallFilter=@system-service' 'RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET'; do
		check "$u: $line" grep -qx "$line" "$f"
	done
done
B=$D$INST_UNITDIR/tcptune.service
M=$D$INST_UNITDIR/tcptune-metrics.service
check "boot unit: only the network capabilities" grep -qx 'CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW' "$B"
check "boot unit: /proc/sys stays writable (ProtectKernelTunables=no)" grep -qx 'ProtectKernelTunables=no' "$B"
check "boot unit: private umask" grep -qx 'UMask=0077' "$B"
check "boot unit: its state in the runtime directory" grep -qx 'RuntimeDirectory=tcptune' "$B" &&
	grep -q '^ExecStart=.* --state-dir %t/tcptune apply --boot ' "$B"
check "metrics unit: ptrace and read-search only for the owner walk" \
	grep -qx 'CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_SYS_PTRACE CAP_DAC_READ_SEARCH' "$M"
check "metrics unit: /proc/sys read-only" grep -qx 'ProtectKernelTunables=yes' "$M"
check "metrics unit: keeps the counters between runs in its state directory" \
	grep -qx 'StateDirectory=tcptune' "$M" && grep -qx 'StateDirectoryMode=0700' "$M" &&
	grep -q '^ExecStart=.*tcptune --state-dir %S/tcptune check ' "$M"
check "metrics unit: writes the textfile directory, atomically through --output" \
	grep -qx 'ExecStart=.*tcptune --state-dir %S/tcptune check --profile .*/tcptune/tcptune.ini --format prometheus --output ${TCPTUNE_TEXTFILE_DIR}/tcptune.prom' "$M" &&
	grep -qx 'Environment=TCPTUNE_TEXTFILE_DIR=/var/lib/prometheus/node-exporter' "$M" &&
	grep -qx 'ReadWritePaths=-/var/lib/prometheus/node-exporter' "$M"
check "metrics unit: findings (exit 1, 2) are no failure" grep -qx 'SuccessExitStatus=1 2' "$M"
check "metrics timer: every minute, into timers.target" grep -qx 'OnUnitActiveSec=1min' "$D$INST_UNITDIR/tcptune-metrics.timer" &&
	grep -qx 'WantedBy=timers.target' "$D$INST_UNITDIR/tcptune-metrics.timer"

# The measure itself: the boot unit without its hardening is rated far
# above the limit, so a parse that always said 0 would be caught.
sed '/^# What it uses/,/^\[Install\]/{/^\[Install\]/!d}' "$B" >"$SCRATCH/bare.service"
e=$(exposure "$SCRATCH/bare.service")
echo "# tcptune.service without its hardening: exposure $e"
check "the unhardened boot unit is rated above $MAX ($e)" sh -c "[ -n '$e' ] && ! awk -v a='$e' -v b='$MAX' 'BEGIN { exit !(a + 0 <= b + 0) }'"
finish
