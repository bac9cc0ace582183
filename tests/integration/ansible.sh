#!/bin/sh
# The Ansible example (docs/ansible/tcptune.yml) run for real with
# ansible-playbook --connection=local, inside a network namespace of its
# own so the host's keys are never touched: the first run applies and
# reports changed, the second finds nothing to do.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
command -v ansible-playbook >/dev/null || skip_all "ansible-playbook is not installed (Debian package ansible)"
[ "$(id -u)" -eq 0 ] || skip_all "a private network namespace needs root"
unshare -n true 2>/dev/null || skip_all "unshare -n is not permitted here"
"$TCPTUNE" help | grep -q '^  apply' || skip_all "this tcptune has no apply command"
PLAYBOOK=$TESTS_DIR/../docs/ansible/tcptune.yml
before=$(host_sysctls)

cat >"$SCRATCH/profile.ini" <<'EOP'
[profile]
description = ansible test
[sysctl]
net.ipv4.tcp_fin_timeout = 31
net.ipv4.tcp_keepalive_time = 601
EOP
printf 'tcptune ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' >"$SCRATCH/inventory"
cat >"$SCRATCH/vars.json" <<EOV
{ "tcptune": "$TCPTUNE", "tcptune_profile": "$SCRATCH/profile.ini",
  "tcptune_opts": ["--state-dir", "$SCRATCH/state", "--sysctl-root", "$SCRATCH/sysroot"],
  "tcptune_become": false, "tcptune_enable_at_boot": false }
EOV
mkdir "$SCRATCH/sysroot"
# No ansible.cfg of the caller's: the test says everything it needs.
printf '[defaults]\n' >"$SCRATCH/ansible.cfg"

# Both runs and the reading in between share one namespace.
cat >"$SCRATCH/runs.sh" <<EOS
export ANSIBLE_HOME='$SCRATCH/ansible' ANSIBLE_LOCAL_TEMP='$SCRATCH/ansible/tmp'
export ANSIBLE_CONFIG='$SCRATCH/ansible.cfg' ANSIBLE_STDOUT_CALLBACK=json ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
play() { ansible-playbook --connection=local -i '$SCRATCH/inventory' -e @'$SCRATCH/vars.json' '$PLAYBOOK'; }
cat /proc/sys/net/ipv4/tcp_fin_timeout >'$SCRATCH/fin.before'
play >'$SCRATCH/run1.json' 2>'$SCRATCH/run1.err'; echo \$? >'$SCRATCH/run1.rc'
cat /proc/sys/net/ipv4/tcp_fin_timeout >'$SCRATCH/fin.after'
cat /proc/sys/net/ipv4/tcp_keepalive_time >'$SCRATCH/ka.after'
play >'$SCRATCH/run2.json' 2>'$SCRATCH/run2.err'; echo \$? >'$SCRATCH/run2.rc'
EOS
unshare -n sh "$SCRATCH/runs.sh"

stat_of() { jq -r ".stats.tcptune.$2" "$SCRATCH/$1.json"; }
task_changed() { jq -r --arg t "$2" '.plays[0].tasks[] | select(.task.name == $t) | .hosts.tcptune.changed' "$SCRATCH/$1.json"; }

check "first run succeeds" [ "$(cat "$SCRATCH/run1.rc")" -eq 0 ]
check "first run: apply reports changed" [ "$(task_changed run1 'Apply the profile')" = true ]
check "first run: only the apply changed something" [ "$(stat_of run1 changed)" = 1 ]
check "first run: no failure" [ "$(stat_of run1 failures)" = 0 ]
check "audit and plan never report changed" [ "$(task_changed run1 'Plan the writes')" = false ] &&
	[ "$(task_changed run1 'Audit the host against the profile')" = false ]
check "the namespace started at the kernel default" [ "$(cat "$SCRATCH/fin.before")" = 60 ]
check "the namespace has the profile's values after the first run" \
	[ "$(cat "$SCRATCH/fin.after")" = 31 ] && [ "$(cat "$SCRATCH/ka.after")" = 601 ]
check "second run succeeds" [ "$(cat "$SCRATCH/run2.rc")" -eq 0 ]
check "second run: apply not changed" [ "$(task_changed run2 'Apply the profile')" = false ]
check "second run: nothing changed" [ "$(stat_of run2 changed)" = 0 ]
check "a journal in the test's state directory" [ -f "$(ls "$SCRATCH"/state/* 2>/dev/null | head -1)" ]
if [ "$nfail" -ne 0 ]; then
	cat "$SCRATCH/run1.err" "$SCRATCH/run2.err" | tail -n 20
	jq -c '.plays[0].tasks[] | [.task.name, .hosts.tcptune.changed, .hosts.tcptune.rc, .hosts.tcptune.stderr]' "$SCRATCH/run1.json"
fi
check "the host's own keys are untouched" [ "$(host_sysctls)" = "$before" ]
finish
