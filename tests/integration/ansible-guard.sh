#!/bin/sh
# A canary rollout with the Ansible module's guard: a play with serial: 1
# over two hosts (here two network namespaces of this machine, each a host
# of the inventory with connection local and its own netns), applying a
# profile that cuts tcp_max_tw_buckets below the TIME_WAIT sockets the
# first one holds while connections keep closing.  The first host's guard
# undoes the apply and fails its task with the counter and its figures;
# the play stops there, and the second host is never touched.  Runs in a
# private pid and mount namespace with its own /run/netns.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
command -v ansible-playbook >/dev/null || skip_all "ansible-playbook is not installed (Debian package ansible-core)"
command -v ip >/dev/null || skip_all "needs ip"
private_host "$0" "$@"
scratch
S=$SCRATCH
DOCS=$TESTS_DIR/../docs/ansible
before=$(host_sysctls)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	ip netns del canary 2>/dev/null
	ip netns del second 2>/dev/null
	rm -rf "$S"
}
trap cleanup EXIT
ip netns add canary && ip netns add second || bail "ip netns add"
ip -n canary link set lo up
ip -n second link set lo up

# The canary's load: 10,000 TIME_WAIT sockets and 200 closing a second.
ip netns exec canary "$HELPERS/census-sockets" -t 10000 -b 7000 >"$S/made" 2>&1 &
pids="$pids $!"
i=0
until grep -q '^ready' "$S/made"; do
	i=$((i + 1))
	[ $i -lt 300 ] || bail "census-sockets did not get ready: $(cat "$S/made")"
	sleep 0.1
done
ip netns exec canary "$HELPERS/churn" -p 6000 -r 200 -d 120 >"$S/churn" 2>&1 &
pids="$pids $!"

cat >"$S/cut.ini" <<'EOP'
[profile]
description = TIME_WAIT buckets cut
[sysctl]
net.ipv4.tcp_max_tw_buckets = 8192
[guard]
baseline = 2
EOP
cat >"$S/inventory" <<EOI
canary ansible_connection=local ansible_python_interpreter=/usr/bin/python3 ns=canary
second ansible_connection=local ansible_python_interpreter=/usr/bin/python3 ns=second
EOI
cat >"$S/canary.yml" <<EOY
- hosts: all
  serial: 1
  gather_facts: false
  tasks:
    - name: guarded apply
      tcptune:
        profile: "$S/cut.ini"
        guard: true
        guard_window: 8
        netns: "{{ ns }}"
        tcptune: "$TCPTUNE"
        state_dir: "$S/state-{{ ns }}"
EOY
printf '[defaults]\n' >"$S/ansible.cfg"
want0=$(ip netns exec canary cat /proc/sys/net/ipv4/tcp_max_tw_buckets)
want1=$(ip netns exec second cat /proc/sys/net/ipv4/tcp_max_tw_buckets)
ANSIBLE_HOME=$S/ansible ANSIBLE_LOCAL_TEMP=$S/ansible/tmp ANSIBLE_LIBRARY=$DOCS/library \
	ANSIBLE_CONFIG=$S/ansible.cfg ANSIBLE_STDOUT_CALLBACK=json_report \
	ANSIBLE_CALLBACK_PLUGINS=$TESTS_DIR/integration ANSIBLE_NOCOLOR=1 \
	ANSIBLE_RETRY_FILES_ENABLED=0 \
	ansible-playbook -i "$S/inventory" "$S/canary.yml" >"$S/out.json" 2>"$S/err"
rc=$?

check "the play fails" [ $rc -ne 0 ]
res() { jq -r "[.plays[].tasks[].hosts.$1 // empty][0] | $2" "$S/out.json"; }
check "the canary's task failed" [ "$(res canary .failed)" = true ]
msg=$(res canary .msg)
check "its message names the guard's counter: $msg" \
	sh -c "printf '%s' '$msg' | grep -q 'undone by its guard .*TcpExt.TCPTimeWaitOverflow rose from'"
check "the canary's key is back" [ "$(ip netns exec canary cat /proc/sys/net/ipv4/tcp_max_tw_buckets)" = "$want0" ]
check "the second host was never reached" [ "$(res second .changed)" = null ]
check "the second host's key is untouched" [ "$(ip netns exec second cat /proc/sys/net/ipv4/tcp_max_tw_buckets)" = "$want1" ]
check "the second host has no journal" [ ! -e "$S/state-second/journal" ]
check "the host's own keys are untouched" [ "$(host_sysctls)" = "$before" ]
[ $nfail -eq 0 ] || { cat "$S/err"; jq -c '.plays[].tasks[] | .hosts' "$S/out.json" 2>/dev/null; }
finish
