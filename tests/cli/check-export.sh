#!/bin/sh
# tcptune export: a profile's keys as a Kubernetes pod spec sets them.  The
# YAML parses and its sysctls are exactly the keys Kubernetes calls safe;
# the others are named with the kubelet flag, or as the node's; the JSON
# matches its schema; bad arguments are usage errors.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
python3 -c 'import yaml' 2>/dev/null || skip_all "python3-yaml is not installed"
T=$TCPTUNE
P=$SCRATCH/p.ini
cat >"$P" <<'INI'
[profile]
description = export test
[sysctl]
net.ipv4.tcp_keepalive_time = 600
net.ipv4.tcp_fin_timeout = 30
net.ipv4.ip_local_port_range = 10240 65001
net.ipv4.tcp_tw_reuse = 1
net.core.somaxconn = 4096
net.ipv4.tcp_max_orphans = 65536
INI

# names FILE: the names and values of the document's sysctls, one a line.
cat >"$SCRATCH/names.py" <<'EOP'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for s in doc["securityContext"]["sysctls"]:
    assert isinstance(s["value"], str), s
    print(s["name"], "=", s["value"])
EOP
names() { python3 "$SCRATCH/names.py" "$1"; }

"$T" export "$P" >"$SCRATCH/k8s.yaml"
check "export: exit 0" [ $? -eq 0 ]
names "$SCRATCH/k8s.yaml" >"$SCRATCH/names" 2>"$SCRATCH/err"
check "export: the YAML parses, values are strings" [ $? -eq 0 ]
cat >"$SCRATCH/want" <<'W'
net.ipv4.tcp_keepalive_time = 600
net.ipv4.tcp_fin_timeout = 30
net.ipv4.ip_local_port_range = 10240 65001
W
check "export: exactly the safe keys, with their values" cmp -s "$SCRATCH/want" "$SCRATCH/names"
check "export: the kubelet flag for the unsafe keys" \
	grep -qx '#   --allowed-unsafe-sysctls=net.ipv4.tcp_tw_reuse,net.core.somaxconn' "$SCRATCH/k8s.yaml"
check "export: the host-only key is the node's" \
	grep -qx '#   net.ipv4.tcp_max_orphans = 65536' "$SCRATCH/k8s.yaml"

# Before 1.29 the keepalive and fin_timeout keys were not on the list.
"$T" export --kubernetes-version 1.28 "$P" >"$SCRATCH/k28.yaml"
names "$SCRATCH/k28.yaml" >"$SCRATCH/names28"
check "1.28: only the port range is safe" [ "$(cat "$SCRATCH/names28")" = "net.ipv4.ip_local_port_range = 10240 65001" ]
check "1.28: keepalive and fin_timeout need the flag" grep -qx \
	'#   --allowed-unsafe-sysctls=net.ipv4.tcp_keepalive_time,net.ipv4.tcp_fin_timeout,net.ipv4.tcp_tw_reuse,net.core.somaxconn' \
	"$SCRATCH/k28.yaml"

# JSON, against its schema when the validator is there.
"$T" export --format json "$P" >"$SCRATCH/k.json"
check "json: safe" [ "$(jq -r '[.safe[].name] | join(",")' "$SCRATCH/k.json")" = \
	net.ipv4.tcp_keepalive_time,net.ipv4.tcp_fin_timeout,net.ipv4.ip_local_port_range ]
check "json: unsafe and the flag" [ "$(jq -r '.allowed_unsafe_sysctls' "$SCRATCH/k.json")" = \
	net.ipv4.tcp_tw_reuse,net.core.somaxconn ]
check "json: node_only" [ "$(jq -r '[.node_only[] | .name + "=" + .value] | join(",")' "$SCRATCH/k.json")" = \
	net.ipv4.tcp_max_orphans=65536 ]
if python3 -c 'import jsonschema' 2>/dev/null; then
	python3 - "$TESTS_DIR/../docs/schema/export.schema.json" "$SCRATCH/k.json" <<'EOP'
import json, sys, jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))
EOP
	check "json: valid against export.schema.json" [ $? -eq 0 ]
fi

# A profile with nothing a pod can set still gives a document.
printf '[sysctl]\nnet.ipv4.tcp_max_orphans = 65536\n' >"$SCRATCH/node.ini"
"$T" export "$SCRATCH/node.ini" >"$SCRATCH/node.yaml"
check "node-only profile: an empty list that parses" [ "$(names "$SCRATCH/node.yaml" | wc -l)" -eq 0 ]

# Usage errors: 64, nothing on standard output.
"$T" export --kubernetes-version 2.0 "$P" >"$SCRATCH/out" 2>"$SCRATCH/err"
check "a bad version: exit 64" [ $? -eq 64 ] && [ ! -s "$SCRATCH/out" ] && grep -q 'kubernetes-version' "$SCRATCH/err"
"$T" export --format yaml "$P" >/dev/null 2>&1
check "a bad format: exit 64" [ $? -eq 64 ]
"$T" export >/dev/null 2>&1
check "no profile: exit 64" [ $? -eq 64 ]
"$T" export "$SCRATCH/none.ini" >/dev/null 2>&1
check "a missing profile: exit 66" [ $? -eq 66 ]
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = soon\n' >"$SCRATCH/bad.ini"
"$T" export "$SCRATCH/bad.ini" >"$SCRATCH/out" 2>"$SCRATCH/err"
rc=$?
check "a bad profile: exit 65, file and line named" [ $rc -eq 65 ] && grep -q 'bad.ini:2' "$SCRATCH/err"
finish
