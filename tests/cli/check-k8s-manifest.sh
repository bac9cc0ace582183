#!/bin/sh
# The DaemonSet in docs/kubernetes/: it parses, sees the node's processes
# and namespace, has the capabilities docs/kubernetes.md names, and runs a
# tcptune command whose every option this tcptune takes, writing where a
# host directory is mounted.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
python3 -c 'import yaml' 2>/dev/null || skip_all "python3-yaml is not installed"
M=$TESTS_DIR/../docs/kubernetes/tcptune-daemonset.yaml
"$TCPTUNE" help --options check | sed 's/ ARG$//' >"$SCRATCH/check-options"
"$TCPTUNE" help --options | sed 's/ ARG$//' >>"$SCRATCH/check-options"
python3 - "$M" "$SCRATCH/check-options" >"$SCRATCH/out" 2>&1 <<'EOP'
import shlex, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
known = set(open(sys.argv[2]).read().split())
ds = [d for d in docs if d.get("kind") == "DaemonSet"]
assert len(ds) == 1, "one DaemonSet"
pod = ds[0]["spec"]["template"]["spec"]
assert ds[0]["spec"]["selector"]["matchLabels"].items() <= ds[0]["spec"]["template"]["metadata"]["labels"].items(), "selector matches the template"
assert pod.get("hostPID") is True, "hostPID"
assert pod.get("hostNetwork") is True, "hostNetwork"
c = pod["containers"][0]
caps = set(c["securityContext"]["capabilities"]["add"])
assert {"SYS_ADMIN", "SYS_PTRACE"} <= caps, caps
script = c["command"][-1]
line = next(l for l in script.splitlines() if l.strip().startswith("tcptune "))
args = shlex.split(line)
for a in args:
    if a.startswith("--"):
        assert a.split("=")[0] in known, "tcptune does not take " + a
assert "check" in args and "--all-namespaces" in args, args
out = args[args.index("--output") + 1]
mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
vols = {v["name"]: v for v in pod["volumes"]}
d = out.rsplit("/", 1)[0]
assert d in mounts and "hostPath" in vols[mounts[d]], "the output is on a host directory"
sd = args[args.index("--state-dir") + 1]
assert sd in mounts and "hostPath" in vols[mounts[sd]], "the state directory is on the host"
print("manifest ok")
EOP
rc=$?
cat "$SCRATCH/out"
check "the DaemonSet parses and runs a command tcptune takes" [ $rc -eq 0 ]
finish
