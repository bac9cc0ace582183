#!/bin/sh
# A real boot: a minimal Debian root (debootstrap from this machine's own
# archive, cached between runs), tcptune installed into it with make install
# DESTDIR= and its runtime libraries, tcptune.service enabled with a
# profile, a sysctl.d file that sets one of the profile's keys to another
# value, booted with systemd-nspawn in a private network.  A checker unit
# inside records what the container's /proc/sys holds and how the unit
# ended, then powers the container off.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
: "${TOP_BUILDDIR:?}" "${INST_SBINDIR:?}" "${INST_SYSCONFDIR:?}" "${INST_UNITDIR:?}"
[ "$(id -u)" -eq 0 ] || skip_all "debootstrap and systemd-nspawn need root"
for tool in debootstrap systemd-nspawn systemctl flock; do
	command -v $tool >/dev/null || skip_all "$tool is not installed"
done
before=$(host_sysctls)

# --- the archive this machine installs from, and the cached root made
# from it (tests/integration/debian-root.sh)
. "${TESTS_DIR:-$(dirname "$0")/..}/integration/debian-root.sh"
debian_mirror
case $? in 0) ;; 77) skip_all "$DEBIAN_ROOT_WHY" ;; *) failed "$DEBIAN_ROOT_WHY"; finish; exit 1 ;; esac
t0=$(date +%s)
debian_root systemd,systemd-sysv,procps
case $? in 0) ;; 77) skip_all "$DEBIAN_ROOT_WHY" ;; *) failed "$DEBIAN_ROOT_WHY"; finish; exit 1 ;; esac
t1=$(date +%s)
echo "# root ready in $((t1 - t0)) s ($BASE)"

ROOT=$SCRATCH/root
cp -a --reflink=auto "$BASE" "$ROOT"
check "a fresh copy of the cached root" [ -x "$ROOT/sbin/init" ]

# --- tcptune, as a package would install it, plus the libraries it needs
${MAKE:-make} -C "$TOP_BUILDDIR" install DESTDIR="$ROOT" >"$SCRATCH/install.log" 2>&1
check "make install DESTDIR=root" [ $? -eq 0 ]
T=$INST_SBINDIR/tcptune
for lib in $(ldd "$ROOT$T" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
	dest=$lib
	# Merged /usr: /lib is a link to usr/lib; write through the real path.
	case $dest in
	/lib/*) [ -L "$ROOT/lib" ] && dest=/usr$dest ;;
	/lib64/*) [ -L "$ROOT/lib64" ] && dest=/usr$dest ;;
	esac
	[ -e "$ROOT$dest" ] && continue
	mkdir -p "$ROOT$(dirname "$dest")"
	cp -L "$lib" "$ROOT$dest"
done
chroot "$ROOT" /sbin/ldconfig
# The root's own loader finds them all.  (Not by running it: a sanitizer
# build cannot run in a chroot without /proc.)
chroot "$ROOT" ldd "$T" >"$SCRATCH/ldd" 2>&1
check "every library tcptune needs is in the root" [ $? -eq 0 ] && ! grep -q 'not found' "$SCRATCH/ldd"

# --- the profile, a conflicting sysctl.d file, the unit enabled
cat >"$ROOT$INST_SYSCONFDIR/tcptune/tcptune.ini" <<'EOP'
[profile]
description = boot test
[sysctl]
net.ipv4.tcp_fin_timeout = 37
net.ipv4.tcp_keepalive_time = 1234
net.ipv4.tcp_tw_reuse = 1
EOP
mkdir -p "$ROOT/etc/sysctl.d"
printf 'net.ipv4.tcp_fin_timeout = 45\nnet.ipv4.tcp_keepalive_intvl = 31\n' >"$ROOT/etc/sysctl.d/80-conflict.conf"
case $INST_UNITDIR in
/lib/systemd/system | /usr/lib/systemd/system | /etc/systemd/system) unit=tcptune.service ;;
*) unit=$INST_UNITDIR/tcptune.service ;; # linked in, as for a --prefix build
esac
systemctl --root="$ROOT" enable "$unit" >"$SCRATCH/enable.log" 2>&1
# The unit hides /tmp, /var/tmp and the home directories from itself
# (PrivateTmp=, ProtectHome=).  A tree installed there (distcheck's prefix
# may be) would be hidden from it too: for such a tree only, a drop-in
# shows them.  An installed tcptune lives in none of them.
case "$INST_SBINDIR $INST_SYSCONFDIR" in
*/tmp/* | */home/* | /root/* | *" /root/"*)
	mkdir -p "$ROOT/etc/systemd/system/tcptune.service.d"
	printf '[Service]\nPrivateTmp=no\nProtectHome=no\n' >"$ROOT/etc/systemd/system/tcptune.service.d/test-prefix.conf"
	echo "# installed below /tmp or a home directory: PrivateTmp= and ProtectHome= off for this test" ;;
esac
check "systemctl --root enable tcptune.service" [ $? -eq 0 ]
# A sanitizer build's leak checker stops the process's threads with
# ptrace, which the unit's system call filter refuses: under the unit it
# is off (the rest of the suite checks for leaks); every other check stays.
if grep -qa __asan_init "$ROOT$T"; then
	mkdir -p "$ROOT/etc/systemd/system/tcptune.service.d"
	printf '[Service]\nEnvironment=ASAN_OPTIONS=detect_leaks=0\n' >"$ROOT/etc/systemd/system/tcptune.service.d/test-sanitizer.conf"
	echo "# sanitizer build: leak checking off under the unit"
fi

# The checker: after tcptune.service, writes its findings to /boot-result,
# then powers the container off.
cat >"$ROOT/usr/local/sbin/tcptune-boot-check" <<EOC
#!/bin/sh
exec >/boot-result 2>&1
for k in tcp_fin_timeout tcp_keepalive_time tcp_tw_reuse tcp_keepalive_intvl; do
	echo "\$k=\$(cat /proc/sys/net/ipv4/\$k)"
done
systemctl show -p Result -p ActiveState -p ExecMainStatus tcptune.service
systemctl show -p CapabilityBoundingSet -p ProtectSystem -p ProtectKernelTunables -p PrivateTmp tcptune.service
systemctl show -p Result -p ActiveState systemd-sysctl.service | sed 's/^/sysctl_/'
echo "order=\$(systemctl show -p After tcptune.service | grep -c systemd-sysctl.service)"
journalctl -b -u tcptune.service -o cat --no-pager | sed 's/^/journal: /'
journalctl -b -u tcptune.service -p warning -o cat --no-pager | sed 's/^/journal-warning: /'
/usr/local/sbin/tcptune-for-check --state-dir /run/tcptune status 2>&1 | sed "s/^/status: /"; /usr/local/sbin/tcptune-for-check --state-dir /run/tcptune status >/dev/null 2>&1; echo "status_rc=\$?"
# What a later sysctl --system does: the file's value comes back.
sysctl --system >/dev/null 2>&1
echo "after_system_fin=\$(cat /proc/sys/net/ipv4/tcp_fin_timeout)"
echo done
systemctl poweroff --no-block
EOC
chmod 755 "$ROOT/usr/local/sbin/tcptune-boot-check"
# A copy for the checker: a tree installed below /tmp (distcheck's) is
# gone by the time it runs, emptied by systemd-tmpfiles after
# tcptune.service has used it.
cp "$ROOT$T" "$ROOT/usr/local/sbin/tcptune-for-check"
cat >"$ROOT/etc/systemd/system/tcptune-boot-check.service" <<'EOU'
[Unit]
Description=Record what tcptune.service did, then power off
After=tcptune.service systemd-sysctl.service systemd-journald.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/tcptune-boot-check

[Install]
WantedBy=multi-user.target
EOU
systemctl --root="$ROOT" enable tcptune-boot-check.service >/dev/null 2>&1
# A tree installed below /tmp (distcheck's prefix) must outlive boot:
# systemd-tmpfiles empties /tmp early in boot, racing tcptune.service,
# which has no default dependencies.  The container keeps its /tmp.
mkdir -p "$ROOT/etc/tmpfiles.d"
ln -sf /dev/null "$ROOT/etc/tmpfiles.d/tmp.conf"
# No login prompt on the console: nobody is there.
systemctl --root="$ROOT" mask console-getty.service getty@.service >/dev/null 2>&1

# --- boot
t2=$(date +%s)
# nspawn mounts an empty tmpfs on /tmp, over any bind; a tree installed
# below /tmp (as distcheck's prefix may be) must stay visible, so /tmp is
# the root's own.
SYSTEMD_NSPAWN_TMPFS_TMP=0 timeout 300 systemd-nspawn --register=no --keep-unit --quiet \
    -D "$ROOT" --private-network --console=pipe -b </dev/null >"$SCRATCH/console.log" 2>&1
rc=$?
t3=$(date +%s)
echo "# boot to power-off in $((t3 - t2)) s"
check "the container powered itself off (nspawn exit $rc)" [ $rc -eq 0 ]
R=$ROOT/boot-result
check "the checker ran to the end" grep -qx done "$R"
check "profile value at boot: tcp_fin_timeout=37 (sysctl.d said 45)" grep -qx 'tcp_fin_timeout=37' "$R"
check "profile value at boot: tcp_keepalive_time=1234" grep -qx 'tcp_keepalive_time=1234' "$R"
check "profile value at boot: tcp_tw_reuse=1" grep -qx 'tcp_tw_reuse=1' "$R"
check "systemd-sysctl ran (a key only sysctl.d sets: intvl=31)" grep -qx 'tcp_keepalive_intvl=31' "$R"
check "systemd-sysctl.service succeeded" grep -qx 'sysctl_Result=success' "$R"
check "tcptune.service succeeded" grep -qx 'Result=success' "$R" && grep -qx 'ExecMainStatus=0' "$R"
check "tcptune.service stays active (RemainAfterExit)" grep -qx 'ActiveState=active' "$R"
check "tcptune.service ran hardened: bounding set, ProtectSystem=strict" \
	grep -qx 'CapabilityBoundingSet=cap_net_admin cap_net_raw' "$R" && grep -qx 'ProtectSystem=strict' "$R"
check "journal: the keys written" grep -q '^journal: net.ipv4.tcp_fin_timeout: 45 -> 37: written' "$R"
check "journal: the conflict, as a warning, naming the file" \
	grep -q '^journal-warning: net.ipv4.tcp_fin_timeout: /etc/sysctl.d/80-conflict.conf:1 sets 45' "$R"
check "journal: no priority prefix left in the text" sh -c "! grep -q '^journal: <' '$R'"
check "status sees the boot apply in /run/tcptune" grep -qx 'status_rc=0' "$R"
check "a later sysctl --system puts the file's value back, as check warns" grep -qx 'after_system_fin=45' "$R"
if [ "$nfail" -ne 0 ]; then
	echo "--- boot-result"; cat "$R"
	echo "--- console"; tail -n 40 "$SCRATCH/console.log"
fi
check "the host's own keys are untouched" [ "$(host_sysctls)" = "$before" ]
finish
