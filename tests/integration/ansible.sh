#!/bin/sh
# The tcptune Ansible module (docs/ansible/library/tcptune.py) and the
# example playbook (docs/ansible/tcptune.yml) run for real with
# ansible-playbook --connection=local, inside a network namespace of its
# own so the host's keys are never touched: --check on a first rollout
# reports the change and writes nothing, the first run applies and reports
# changed, the second finds nothing to do, --diff shows the keys, a
# confirmation is kept after reconnecting, --check while a confirmation is
# pending fails as the real run does (exit 75), a bad profile and a refused key
# fail with tcptune's message and write nothing, and a rollback restores.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
command -v ansible-playbook >/dev/null || skip_all "ansible-playbook is not installed (Debian package ansible-core)"
[ "$(id -u)" -eq 0 ] || skip_all "a private network namespace needs root"
unshare -n true 2>/dev/null || skip_all "unshare -n is not permitted here"
DOCS=$TESTS_DIR/../docs/ansible
before=$(host_sysctls)
S=$SCRATCH

cat >"$S/web.ini" <<'EOP'
[profile]
description = ansible test
[sysctl]
net.ipv4.tcp_fin_timeout = 31
net.ipv4.tcp_keepalive_time = 601
EOP
sed 's/= 31$/= 32/' "$S/web.ini" >"$S/web2.ini"
printf '[profile]\nnat = yes\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 44\nnet.ipv4.tcp_tw_recycle = 1\n' >"$S/refused.ini"
printf '[sysctl]\nnet.ipv4.tcp_fin_timeot = 44\n' >"$S/bad.ini"
printf 'tcptune ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' >"$S/inventory"
cat >"$S/vars.json" <<EOV
{ "tcptune_bin": "$TCPTUNE", "tcptune_profile": "$S/etc/tcptune.ini",
  "tcptune_state_dir": "$S/state", "tcptune_sysctl_root": "$S/sysroot",
  "tcptune_become": false, "tcptune_enable_at_boot": false }
EOV
mkdir "$S/sysroot" "$S/etc"
# The module on its own, for the failures and the rollback.
cat >"$S/module.yml" <<EOY
- hosts: tcptune
  gather_facts: false
  tasks:
    - name: module
      tcptune:
        state: "{{ st | default('applied') }}"
        profile: "{{ prof | default(omit) }}"
        confirm: "{{ conf | default(omit) }}"
        confirm_later: "{{ later | default(false) }}"
        tcptune: "$TCPTUNE"
        state_dir: "$S/state"
        sysctl_root: "$S/sysroot"
EOY
# No ansible.cfg of the caller's: the test says everything it needs.
printf '[defaults]\n' >"$S/ansible.cfg"

# Every run and every reading in between share one namespace.
cat >"$S/runs.sh" <<EOS
export ANSIBLE_HOME='$S/ansible' ANSIBLE_LOCAL_TEMP='$S/ansible/tmp' ANSIBLE_LIBRARY='$DOCS/library'
export ANSIBLE_CONFIG='$S/ansible.cfg' ANSIBLE_STDOUT_CALLBACK=json_report ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
export ANSIBLE_CALLBACK_PLUGINS='$TESTS_DIR/integration'
# play NAME PLAYBOOK ARGS...: the JSON report in NAME.json, the exit in NAME.rc,
# then the two keys as they are in NAME.keys.
play() {
	n=\$1 pb=\$2; shift 2
	ansible-playbook --connection=local -i '$S/inventory' -e @'$S/vars.json' "\$@" "\$pb" \
	    >"$S/\$n.json" 2>"$S/\$n.err"
	echo \$? >"$S/\$n.rc"
	echo "\$(cat /proc/sys/net/ipv4/tcp_fin_timeout) \$(cat /proc/sys/net/ipv4/tcp_keepalive_time)" >"$S/\$n.keys"
	ls '$S/state' >"$S/\$n.state" 2>/dev/null
}
echo "\$(cat /proc/sys/net/ipv4/tcp_fin_timeout) \$(cat /proc/sys/net/ipv4/tcp_keepalive_time)" >"$S/start.keys"
play check1 '$DOCS/tcptune.yml' -e tcptune_profile_src='$S/web.ini' --check --diff
ls '$S/etc' >'$S/check1.etc'
play run1 '$DOCS/tcptune.yml' -e tcptune_profile_src='$S/web.ini' --diff
play run2 '$DOCS/tcptune.yml' -e tcptune_profile_src='$S/web.ini'
play check2 '$DOCS/tcptune.yml' -e tcptune_profile_src='$S/web.ini' --check
play confirm '$DOCS/tcptune.yml' -e tcptune_profile_src='$S/web2.ini' -e tcptune_confirm=60
'$TCPTUNE' --state-dir '$S/state' status --format json >'$S/confirm.status'
play modconfirm '$S/module.yml' -e prof='$S/web.ini' -e conf=60
'$TCPTUNE' --state-dir '$S/state' status --format json >'$S/modconfirm.status'
play pending '$S/module.yml' -e prof='$S/web2.ini' -e conf=60 -e later=true
play pendcheck '$S/module.yml' -e prof='$S/web.ini' --check
play pendrun '$S/module.yml' -e prof='$S/web.ini'
'$TCPTUNE' --state-dir '$S/state' confirm >/dev/null
play back '$S/module.yml' -e prof='$S/web.ini'
play bad '$S/module.yml' -e prof='$S/bad.ini'
play refused '$S/module.yml' -e prof='$S/refused.ini'
play audit '$S/module.yml' -e st=checked -e prof='$S/web2.ini'
play noname '$S/module.yml' -e st=checked -e prof=no-such-profile
play rbcheck '$S/module.yml' -e st=rolled_back --check --diff
play rb '$S/module.yml' -e st=rolled_back
play rb2 '$S/module.yml' -e st=rolled_back
EOS
unshare -n sh "$S/runs.sh"

rc_of() { cat "$S/$1.rc"; }
keys_of() { cat "$S/$1.keys"; }
stat_of() { jq -r ".stats.tcptune.$2" "$S/$1.json"; }
# task RUN NAME FIELD: a field of the host's result of a task.
task() { jq -r --arg t "$2" ".plays[0].tasks[] | select(.task.name == \$t) | .hosts.tcptune.$3" "$S/$1.json"; }
applied() { task "$1" 'Apply the profile' "$2"; }

check "the namespace starts at the kernel defaults (60 7200)" [ "$(keys_of start)" = "60 7200" ]

# --- --check --diff on a first rollout: the copy is only simulated
check "--check: succeeds" [ "$(rc_of check1)" -eq 0 ]
check "--check: the apply would change the kernel" [ "$(applied check1 changed)" = true ]
check "--check: the profile was not installed" [ ! -s "$S/check1.etc" ]
check "--check: no key written" [ "$(keys_of check1)" = "60 7200" ]
check "--check: no journal" sh -c "! grep -qx journal '$S/check1.state'"
check "--check --diff: before has the current values" \
	sh -c "printf '%s' '$(applied check1 diff.before)' | grep -qx 'net.ipv4.tcp_fin_timeout = 60'"
check "--check --diff: after has the profile's" \
	sh -c "printf '%s' '$(applied check1 diff.after)' | grep -qx 'net.ipv4.tcp_fin_timeout = 31'" &&
	sh -c "printf '%s' '$(applied check1 diff.after)' | grep -qx 'net.ipv4.tcp_keepalive_time = 601'"

# --- the first real run, with --diff
check "first run succeeds" [ "$(rc_of run1)" -eq 0 ]
check "first run: the apply changed" [ "$(applied run1 changed)" = true ]
check "first run: the audit never reports changed" [ "$(task run1 'Audit the host against the profile' changed)" = false ]
check "first run: the copy and the apply changed, nothing else" [ "$(stat_of run1 changed)" = 2 ]
check "first run: the profile's values in the namespace" [ "$(keys_of run1)" = "31 601" ]
check "first run --diff: 7200 -> 601" \
	sh -c "printf '%s' '$(applied run1 diff.before)' | grep -qx 'net.ipv4.tcp_keepalive_time = 7200'" &&
	sh -c "printf '%s' '$(applied run1 diff.after)' | grep -qx 'net.ipv4.tcp_keepalive_time = 601'"
check "first run: a journal in the state directory" grep -qx journal "$S/run1.state"

# --- again: nothing to do
check "second run succeeds" [ "$(rc_of run2)" -eq 0 ]
check "second run: the apply did not change" [ "$(applied run2 changed)" = false ]
check "second run: nothing changed at all" [ "$(stat_of run2 changed)" = 0 ]
check "--check after the rollout: nothing would change" [ "$(rc_of check2)" -eq 0 ] &&
	[ "$(applied check2 changed)" = false ]

# --- a confirmed apply: reconnect, then tcptune confirm
check "confirm: succeeds" [ "$(rc_of confirm)" -eq 0 ]
check "confirm: the apply waited for a confirmation" [ "$(applied confirm confirm_deadline)" != null ]
check "confirm: the play reached the host again and confirmed" \
	[ "$(task confirm 'Keep the apply' rc)" = 0 ] && [ "$(task confirm 'Reach the host again after the apply' skipped)" != true ]
check "confirm: nothing pending afterwards" [ "$(jq -r .confirm "$S/confirm.status")" = none ]
check "confirm: the new value stays" [ "$(keys_of confirm)" = "32 601" ]

check "confirm by the module: it confirmed" [ "$(rc_of modconfirm)" -eq 0 ] &&
	[ "$(task modconfirm module confirmed)" = true ] && [ "$(task modconfirm module confirm_deadline)" = null ]
check "confirm by the module: nothing pending, the value stays" \
	[ "$(jq -r .confirm "$S/modconfirm.status")" = none ] && [ "$(keys_of modconfirm)" = "31 601" ]

# --- check mode while a confirmation is pending predicts the real run
check "pending: the apply waits for confirmation" [ "$(rc_of pending)" -eq 0 ] &&
	[ "$(task pending module confirm_deadline)" != null ]
check "pending, --check: fails as the real run does" [ "$(rc_of pendcheck)" -ne 0 ] &&
	[ "$(task pendcheck module failed)" = true ]
check "pending, --check: exit 75, as the real run" [ "$(task pendcheck module rc)" = 75 ] &&
	[ "$(task pendrun module rc)" = 75 ] && [ "$(task pendrun module failed)" = true ]
check "pending, --check: says a confirmation is pending" \
	sh -c "jq -r '.plays[0].tasks[0].hosts.tcptune.msg' '$S/pendcheck.json' | grep -q 'waiting for confirmation'"
check "pending: check mode and the real run wrote nothing" [ "$(keys_of pendrun)" = "32 601" ]
check "back to the first profile" [ "$(rc_of back)" -eq 0 ] && [ "$(keys_of back)" = "31 601" ]

# --- failures: tcptune's message and exit code, nothing written
check "a bad profile fails the play" [ "$(rc_of bad)" -ne 0 ] && [ "$(task bad module failed)" = true ]
check "a bad profile: tcptune's message" sh -c "jq -r '.plays[0].tasks[0].hosts.tcptune.msg' '$S/bad.json' | grep -q 'bad.ini:2: net.ipv4.tcp_fin_timeot: unknown key'"
check "a bad profile: exit 65" [ "$(task bad module rc)" = 65 ]
check "a bad profile: nothing written" [ "$(keys_of bad)" = "31 601" ]
check "a refused key fails the play" [ "$(rc_of refused)" -ne 0 ] && [ "$(task refused module failed)" = true ]
check "a refused key: the key and the reason" \
	sh -c "jq -r '.plays[0].tasks[0].hosts.tcptune.msg' '$S/refused.json' | grep -q 'net.ipv4.tcp_tw_recycle refused: .*removed in Linux 4.12'"
check "a refused key: exit 65" [ "$(task refused module rc)" = 65 ]
check "a refused key: nothing written, not even the other key" [ "$(keys_of refused)" = "31 601" ]

# --- audit, and a shipped profile's name that does not exist
check "state=checked: succeeds and changes nothing" [ "$(rc_of audit)" -eq 0 ] && [ "$(task audit module changed)" = false ]
check "state=checked: the summary" [ "$(task audit module summary.critical)" = 0 ]
check "an unknown profile name: fails, naming the directories" \
	sh -c "jq -r '.plays[0].tasks[0].hosts.tcptune.msg' '$S/noname.json' | grep -q 'no-such-profile: no such file, and no shipped profile of that name in .*/usr/share/tcptune/profiles'"

# --- rollback
check "rollback --check: would change" [ "$(rc_of rbcheck)" -eq 0 ] && [ "$(task rbcheck module changed)" = true ]
check "rollback --check --diff: back to 60" \
	sh -c "printf '%s' '$(task rbcheck module diff.after)' | grep -qx 'net.ipv4.tcp_fin_timeout = 60'"
check "rollback --check: nothing written" [ "$(keys_of rbcheck)" = "31 601" ]
check "rollback: changed, the defaults back" [ "$(task rb module changed)" = true ] && [ "$(keys_of rb)" = "60 7200" ]
check "rollback: the journal is gone" sh -c "! grep -qx journal '$S/rb.state'"
check "rollback again: nothing to do" [ "$(rc_of rb2)" -eq 0 ] && [ "$(task rb2 module changed)" = false ]

if [ "$nfail" -ne 0 ]; then
	for r in check1 run1 run2 check2 confirm modconfirm pending pendcheck pendrun back bad refused audit noname rbcheck rb rb2; do
		echo "--- $r: exit $(rc_of $r), keys $(keys_of $r)"
		tail -n 5 "$S/$r.err"
		jq -c '.plays[0].tasks[] | [.task.name, .hosts.tcptune.changed, .hosts.tcptune.rc, .hosts.tcptune.msg]' "$S/$r.json" 2>/dev/null
	done
fi
check "the host's own keys are untouched" [ "$(host_sysctls)" = "$before" ]
finish
