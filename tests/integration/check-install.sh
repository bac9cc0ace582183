#!/bin/sh
# make install DESTDIR=...: the layout, the default tcptune.ini, the unit
# (systemd-analyze verify), the man pages (groff and mandoc), the usage
# text against the man page, and the bash completion.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
: "${TOP_BUILDDIR:?}" "${INST_SBINDIR:?}" "${INST_SYSCONFDIR:?}" "${INST_UNITDIR:?}"
for tool in systemd-analyze groff mandoc bash; do
	command -v $tool >/dev/null || skip_all "$tool is not installed"
done
[ -f /usr/share/bash-completion/bash_completion ] || skip_all "bash-completion is not installed"
D=$SCRATCH/dest
T=$D$INST_SBINDIR/tcptune
INI=$D$INST_SYSCONFDIR/tcptune/tcptune.ini
UNIT=$D$INST_UNITDIR/tcptune.service
MAN8=$D$INST_MANDIR/man8/tcptune.8
MAN5=$D$INST_MANDIR/man5/tcptune.ini.5
before=$(host_sysctls)
mkdir "$SCRATCH/none"

inst() { ${MAKE:-make} -C "$TOP_BUILDDIR" "$@" DESTDIR="$D" >"$SCRATCH/make.log" 2>&1; }
inst install; check "make install DESTDIR" [ $? -eq 0 ]
check "binary in sbindir" [ -x "$T" ]
check "the installed binary runs" sh -c "'$T' --version | grep -q '^tcptune '"
n=$(ls "$D$INST_PKGDATADIR"/profiles/*.ini 2>/dev/null | wc -l)
check "profiles in \$(datadir)/tcptune/profiles ($n)" [ "$n" -ge 4 ]
check "the Grafana dashboard in \$(datadir)/tcptune/grafana" \
	cmp -s "$D$INST_PKGDATADIR/grafana/tcptune.json" "$TESTS_DIR/../docs/grafana/tcptune.json"
check "the alert rules in \$(datadir)/tcptune/prometheus" \
	cmp -s "$D$INST_PKGDATADIR/prometheus/tcptune-alerts.yml" "$TESTS_DIR/../docs/prometheus/tcptune-alerts.yml"
check "tcptune.ini in \$(sysconfdir)/tcptune" [ -f "$INI" ]
check "unit in the systemd unit directory" [ -f "$UNIT" ]
check "bash completion installed" [ -f "$D$INST_COMPLETIONDIR/tcptune" ]
check "tcptune(8) and tcptune.ini(5)" [ -f "$MAN8" ] && [ -f "$MAN5" ]
check "make install does not enable the unit" sh -c "! find '$D' -path '*.wants/*' | grep -q ."

# --- the default tcptune.ini: valid, every key commented out, says so
"$T" check --proc-root "$FIXTURES/proc-6.18" --sysctl-root "$SCRATCH/none" --profile "$INI" --format json >"$SCRATCH/json"
check "shipped tcptune.ini loads" [ $? -le 1 ]
check "it sets no key" jq -e '[.sysctl[] | .target] | all(. == null)' "$SCRATCH/json" >/dev/null
check "it says that applying it changes nothing" grep -qi "changes nothing" "$INI"
check "its keys are there to uncomment" [ "$(grep -c '^# net\.' "$INI")" -ge 5 ]
sed 's/^# net.ipv4.tcp_fin_timeout = 30/net.ipv4.tcp_fin_timeout = 30/' "$INI" >"$SCRATCH/ini"
"$T" check --proc-root "$FIXTURES/proc-6.18" --sysctl-root "$SCRATCH/none" --profile "$SCRATCH/ini" --format json >"$SCRATCH/json"
check "an uncommented key is a valid setting" jq -e '.sysctl["net.ipv4.tcp_fin_timeout"].target == "30"' "$SCRATCH/json" >/dev/null

# --- reinstall keeps the administrator's file; uninstall keeps it too
printf '# mine\n' >>"$INI"
inst install; check "reinstall" [ $? -eq 0 ]
check "reinstall keeps a changed tcptune.ini" grep -qx '# mine' "$INI"
inst uninstall; check "uninstall" [ $? -eq 0 ]
check "uninstall keeps a changed tcptune.ini" grep -qx '# mine' "$INI"
check "uninstall removes the binary and the unit" [ ! -e "$T" ] && [ ! -e "$UNIT" ]
check "uninstall removes the dashboard and the rules" \
	[ ! -e "$D$INST_PKGDATADIR/grafana/tcptune.json" ] && [ ! -e "$D$INST_PKGDATADIR/prometheus/tcptune-alerts.yml" ]
rm -f "$INI"
inst install && inst uninstall
check "uninstall removes an unchanged tcptune.ini" [ ! -e "$INI" ]
inst install

# --- the unit
check "oneshot, RemainAfterExit" grep -qx 'Type=oneshot' "$UNIT" && grep -qx 'RemainAfterExit=yes' "$UNIT"
check "after systemd-sysctl, before network-pre" grep -q '^After=.*systemd-sysctl.service' "$UNIT" &&
	grep -q '^Before=.*network-pre.target' "$UNIT"
check "ExecStart is the installed binary with --boot on tcptune.ini" \
	grep -qx "ExecStart=$INST_SBINDIR/tcptune --state-dir %t/tcptune apply --boot $INST_SYSCONFDIR/tcptune/tcptune.ini" "$UNIT"
MANPATH=$D$INST_MANDIR systemd-analyze verify --root="$D" "$INST_UNITDIR/tcptune.service" >"$SCRATCH/verify" 2>&1
rc=$?
check "systemd-analyze verify (exit $rc)" [ $rc -eq 0 ] && [ ! -s "$SCRATCH/verify" ]
sed 's/^ExecStart=/ExecStrat=/' "$UNIT" >"$UNIT.bad" && mv "$UNIT.bad" "$UNIT"
MANPATH=$D$INST_MANDIR systemd-analyze verify --root="$D" "$INST_UNITDIR/tcptune.service" >"$SCRATCH/verify" 2>&1
check "systemd-analyze verify catches a broken unit" [ -s "$SCRATCH/verify" ]
[ -s "$SCRATCH/verify" ] || cat "$SCRATCH/verify"

# --- man pages
for m in "$MAN8" "$MAN5"; do
	groff -man -ww -z "$m" >"$SCRATCH/groff" 2>&1
	check "groff -man -ww -z $(basename "$m")" [ $? -eq 0 ] && [ ! -s "$SCRATCH/groff" ]
	mandoc -T lint -W warning "$m" >"$SCRATCH/mandoc" 2>&1
	check "mandoc -T lint $(basename "$m")" [ $? -eq 0 ] && [ ! -s "$SCRATCH/mandoc" ]
done
# Every command and every option of its --help is in tcptune(8).
man_text=$SCRATCH/man.txt
sed 's/\\-/-/g' "$MAN8" >"$man_text"
for c in $("$T" help | awk '/^  [a-z]/ { print $1 }'); do
	grep -q "^\.B tcptune $c" "$man_text" || failed "tcptune(8) SYNOPSIS lacks $c"
	grep -qx "\.B $c" "$man_text" || failed "tcptune(8) COMMANDS lacks $c"
	# `help --help` is `help` for a command named --help: ask help for itself.
	if [ "$c" = help ]; then "$T" help help; else "$T" "$c" --help; fi >"$SCRATCH/usage"
	for o in $(head -1 "$SCRATCH/usage" | grep -o -- '--[a-z-]*'); do
		grep -q -- "$o" "$man_text" || failed "tcptune(8) lacks $c $o"
	done
	sed -n 's/^common options: //p' "$SCRATCH/usage" | grep -o -- '--[a-z-]*' >"$SCRATCH/common"
done
pass "every command of \`tcptune help\` and its options are in tcptune(8)"
for o in $(cat "$SCRATCH/common"); do
	grep -q -- "^\.BI* $o" "$man_text" || failed "tcptune(8) OPTIONS lacks $o"
done
pass "every common option is in tcptune(8) OPTIONS"

# --- bash completion, in bash with the completion framework
cat >"$SCRATCH/comp.bash" <<EOS
. /usr/share/bash-completion/bash_completion
. '$D$INST_COMPLETIONDIR/tcptune'
PATH='$D$INST_SBINDIR':\$PATH
complete_words() {
	COMP_WORDS=("\$@"); COMP_CWORD=\$((\$# - 1))
	COMP_LINE="\$*"; COMP_POINT=\${#COMP_LINE}
	COMPREPLY=(); _tcptune tcptune "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
	echo "\${COMPREPLY[*]}"
}
echo "cmds: \$(complete_words tcptune ch)"
echo "opts: \$(complete_words tcptune check --f)"
echo "fmt: \$(complete_words tcptune check --format p)"
echo "key: \$(complete_words tcptune explain net.ipv4.tcp_fin)"
EOS
bash "$SCRATCH/comp.bash" >"$SCRATCH/comp" 2>&1
check "completes the command" grep -qx 'cmds: check' "$SCRATCH/comp"
check "completes an option from --help" grep -qx 'opts: --format' "$SCRATCH/comp"
check "completes a format" grep -qx 'fmt: prometheus' "$SCRATCH/comp"
check "completes a key for explain" grep -qx 'key: net.ipv4.tcp_fin_timeout' "$SCRATCH/comp"
[ "$nfail" -eq 0 ] || cat "$SCRATCH/comp"

check "the host's own keys are untouched" [ "$(host_sysctls)" = "$before" ]
finish
