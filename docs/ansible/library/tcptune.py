#!/usr/bin/python3
# Ansible module for tcptune: apply, roll back or audit a profile on the
# managed node through tcptune's JSON output.  Kept with tcptune; see
# docs/fleet.md for a complete rollout.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: tcptune
short_description: Apply, roll back or audit a tcptune profile
description:
  - Runs tcptune on the managed node and reports from its JSON output.
  - C(changed) is true exactly when a kernel key changed (or, in check
    mode, would change).
  - Check mode runs C(tcptune status) and C(tcptune plan) and writes
    nothing; where the journal would make the real apply fail (a
    confirmation pending: exit 75), check mode fails with the same rc.
    Diff mode shows
    every key of the profile as C(key = value), before and after.
  - A failure carries tcptune's message and exit code (C(rc)); a refused
    key fails the task with nothing written.
options:
  state:
    description:
      - C(applied) writes the profile's keys (C(tcptune apply)).
      - C(rolled_back) restores every key tcptune changed (C(tcptune rollback)).
      - C(checked) audits the host (C(tcptune check)), against the profile
        when one is given; it never changes anything.
    type: str
    choices: [applied, rolled_back, checked]
    default: applied
  profile:
    description:
      - A path on the managed node, or the name of a profile shipped with
        tcptune (C(web-server) or C(web-server.ini)), looked up in the
        profiles directory beside the binary, then
        C(/usr/share/tcptune/profiles) and C(/usr/local/share/tcptune/profiles).
      - Required for C(applied).
    type: str
  content:
    description:
      - The text the file at I(profile) holds once the play has installed
        it. In check mode the plan is made against this text, so the first
        rollout, whose copy task is only simulated, still reports the kernel
        changes. In a real run the file must hold this text (the task fails
        otherwise) and the file is applied.
    type: str
  confirm:
    description:
      - Seconds. Apply with C(--confirm), so that the host restores the
        previous values by itself unless the apply is confirmed in time.
      - Unless I(confirm_later) is set, the module confirms once it has
        checked that the host still runs tcptune and the apply is pending.
    type: int
  confirm_later:
    description:
      - Leave the confirmation to a later task (C(tcptune confirm) after
        C(wait_for_connection)), so that only a controller that can still
        reach the host keeps the change.
    type: bool
    default: false
  guard:
    description:
      - Apply with C(--guard --wait): tcptune reads the kernel's counters
        that show harm before writing and during a window after it, and
        undoes the apply at once when one rises past its threshold. The
        task then fails with the counter and its figures, so a play with
        C(serial) stops at the first host that got worse.
      - A window that passes healthy confirms the apply (C(--confirm-if-healthy)),
        unless I(confirm_later) is set.
    type: bool
    default: false
  guard_window:
    description: Seconds the guard watches after the apply (C(--guard-window)); the profile's C([guard]) or 30 by default.
    type: int
  force:
    description: With C(rolled_back), also restore keys someone else changed since.
    type: bool
    default: false
  tcptune:
    description: The tcptune binary; found in the PATH, C(/usr/sbin) or C(/usr/local/sbin) by default.
    type: path
  netns:
    description: C(--netns), the network namespace (name, pid or path) to act in; the host's by default.
    type: str
  proc_root:
    description: C(--proc-root), for tests against a copied tree.
    type: path
  state_dir:
    description: C(--state-dir), where the journal lives.
    type: path
  sysctl_root:
    description: C(--sysctl-root), the root whose sysctl.d files are read.
    type: path
"""

EXAMPLES = r"""
- name: Install the profile
  ansible.builtin.copy:
    src: profiles/web-server.ini
    dest: /etc/tcptune/tcptune.ini
    mode: "0644"

- name: Apply it, kept only if the host still answers
  tcptune:
    profile: /etc/tcptune/tcptune.ini
    content: "{{ lookup('ansible.builtin.file', 'profiles/web-server.ini', rstrip=false) }}"
    confirm: 120

- name: Audit against a shipped profile
  tcptune:
    state: checked
    profile: web-server

- name: Undo everything tcptune changed
  tcptune:
    state: rolled_back
"""

RETURN = r"""
rc:
  description: tcptune's exit code.
  type: int
  returned: always
tcptune:
  description: The JSON document tcptune printed (plan, apply, rollback or check).
  type: dict
  returned: when tcptune printed one
plan:
  description: The plan's items (key, action, current, target, line, why).
  type: list
  returned: with state=applied
confirm_deadline:
  description: Seconds since the epoch until which the apply waits for C(tcptune confirm); null when confirmed or not asked.
  type: int
  returned: with state=applied
confirmed:
  description: Whether the module confirmed the apply itself.
  type: bool
  returned: with state=applied
findings:
  description: The audit's findings worse than ok.
  type: list
  returned: with state=checked
stderr:
  description: What tcptune wrote on standard error.
  type: str
  returned: always
"""

import json
import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule

SHARED_DIRS = ["/usr/share/tcptune/profiles", "/usr/local/share/tcptune/profiles"]


def tcptune_binary(module):
    path = module.params["tcptune"]
    if path:
        if not os.access(path, os.X_OK):
            module.fail_json(msg="%s: not an executable tcptune" % path, rc=None)
        return path
    return module.get_bin_path("tcptune", required=True, opt_dirs=["/usr/sbin", "/usr/local/sbin", "/sbin"])


def resolve_profile(module, binary):
    """The path of the profile: a path as given, else a shipped name."""
    profile = module.params["profile"]
    if profile is None:
        return None
    if "/" in profile or module.params["content"] is not None or os.path.exists(profile):
        return profile
    names = [profile] if profile.endswith(".ini") else [profile + ".ini", profile]
    beside = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(binary))), "share", "tcptune", "profiles")
    dirs = [beside] + [d for d in SHARED_DIRS if d != beside]
    for d in dirs:
        for n in names:
            if os.path.isfile(os.path.join(d, n)):
                return os.path.join(d, n)
    module.fail_json(msg="profile %s: no such file, and no shipped profile of that name in %s" % (profile, ", ".join(dirs)), rc=None)


def run(module, binary, args):
    """Runs tcptune with the global options; returns rc, parsed JSON (or None), stdout, stderr."""
    cmd = [binary]
    for opt in ("proc_root", "state_dir", "sysctl_root"):
        if module.params[opt]:
            cmd += ["--" + opt.replace("_", "-"), module.params[opt]]
    if module.params["netns"]:
        args = args[:1] + ["--netns", module.params["netns"]] + args[1:]
    rc, out, err = module.run_command(cmd + args, environ_update={"LC_ALL": "C"})
    doc = None
    if out.strip().startswith("{"):
        try:
            doc = json.loads(out)
        except ValueError:
            doc = None
    return rc, doc, out, err


def fail(module, what, rc, doc, out, err, **extra):
    """Fails the task with tcptune's own words and exit code."""
    reasons = []
    if doc:
        for item in doc.get("plan") or []:
            if item.get("action") == "refuse":
                reasons.append("%s refused: %s" % (item.get("key"), item.get("why")))
        for item in doc.get("keys") or []:
            if item.get("error"):
                reasons.append("%s: %s (%s)" % (item.get("key"), item.get("outcome"), item.get("error")))
    message = err.strip() or out.strip() or "no message"
    msg = "tcptune %s failed (exit %d): %s" % (what, rc, message)
    if reasons:
        msg += "; " + "; ".join(reasons)
    result = dict(msg=msg, rc=rc, stderr=err, changed=False)
    if doc is not None:
        result["tcptune"] = doc
    result.update(extra)
    module.fail_json(**result)


# apply --guard --wait's exit when the guard undid the apply.
GUARD_UNDONE = 3


def guard_failed(module, rc, doc, err):
    """Fails the task with the guard's verdict: the keys are back already."""
    v = doc.get("guard_verdict") or {}
    samples = v.get("samples_per_second") or [0]
    msg = ("tcptune apply was undone by its guard %.1f s after writing: %s rose from %.1f/s "
           "to %.1f/s (threshold %.1f/s); every key is back at its value before the apply"
           % (v.get("after_seconds", 0), v.get("counter"), v.get("baseline_per_second", 0),
              samples[-1], v.get("threshold_per_second", 0)))
    module.fail_json(msg=msg, rc=rc, stderr=err, changed=False, tcptune=doc, guard=v)


def diff_of(pairs):
    before = "".join("%s = %s\n" % (k, "" if b is None else b) for k, b, a in pairs)
    after = "".join("%s = %s\n" % (k, "" if a is None else a) for k, b, a in pairs)
    return dict(before=before, after=after)


def plan_pairs(plan):
    return [(i["key"], i.get("current"), i.get("target")) for i in plan if i.get("action") in ("write", "keep")]


def content_matches(path, content):
    try:
        with open(path) as f:
            text = f.read()
    except (IOError, OSError):
        return False
    return text.rstrip("\n") == content.rstrip("\n")


def with_profile(module, profile, args):
    """Runs tcptune ARGS + [path]: the file, or a copy of content when the
    file does not hold it yet (check mode on a first rollout)."""
    content = module.params["content"]
    if content is None or content_matches(profile, content):
        return run(module, module.binary, args + [profile])
    tmpdir = tempfile.mkdtemp(prefix="tcptune.")
    try:
        target = os.path.join(tmpdir, os.path.basename(profile) or "profile.ini")
        with open(target, "w") as f:
            f.write(content if content.endswith("\n") else content + "\n")
        return run(module, module.binary, args + [target])
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


# What the journal says that makes tcptune apply refuse before it writes,
# with the exit code and message apply gives: check mode fails the same way.
def journal_refusal(status):
    if not status or not status.get("journal"):
        return None
    if status.get("interrupted"):
        return 75, "an earlier apply or rollback was interrupted; run `tcptune rollback` (see `tcptune status`) before applying again"
    if status.get("confirm") in ("pending", "expired"):
        return 75, "an earlier apply is waiting for confirmation; run `tcptune confirm` or `tcptune rollback` first"
    if status.get("journal_from") in ("another-proc-root", "another-netns", "netns-unproven"):
        return 65, "the journal was written for another proc root or network namespace (%s)" % status.get("journal_from")
    return None


def plan_profile(module, binary, profile):
    """Check mode: the plan against the file, or against content; fails as
    the real apply would when the journal makes apply refuse."""
    rc, status, out, err = run(module, binary, ["status", "--format", "json"])
    if status is None:
        fail(module, "status", rc, status, out, err)
    refusal = journal_refusal(status)
    if refusal is not None:
        module.fail_json(msg="tcptune apply would fail (exit %d): %s" % refusal, rc=refusal[0],
                         changed=False, tcptune=status)
    rc, doc, out, err = with_profile(module, profile, ["plan", "--format", "json"])
    if rc != 0 or doc is None:
        fail(module, "plan", rc, doc, out, err)
    plan = doc.get("plan") or []
    result = dict(changed=doc.get("writes", 0) > 0, rc=rc, stderr=err, tcptune=doc, plan=plan,
                  confirm_deadline=None, confirmed=False)
    if module._diff:
        result["diff"] = diff_of(plan_pairs(plan))
    module.exit_json(**result)


def confirm_apply(module, binary, doc):
    """The module's own confirmation: tcptune still runs and waits for it."""
    rc, status, out, err = run(module, binary, ["status", "--format", "json"])
    if status is None or status.get("confirm") != "pending":
        fail(module, "status before confirming", rc, status, out, err)
    rc, _, out, err = run(module, binary, ["confirm"])
    if rc != 0:
        fail(module, "confirm", rc, doc, out, err)


def apply_profile(module, binary, profile):
    if module.params["content"] is not None and not content_matches(profile, module.params["content"]):
        module.fail_json(msg="%s does not hold the content given: install it first (copy task)" % profile, rc=None)
    args = ["apply", "--format", "json"]
    if module.params["confirm"]:
        args += ["--confirm", str(module.params["confirm"])]
    if module.params["guard"]:
        args += ["--guard", "--wait"]
        if module.params["guard_window"]:
            args += ["--guard-window", str(module.params["guard_window"])]
        if not module.params["confirm_later"]:
            args += ["--confirm-if-healthy"]
    rc, doc, out, err = run(module, binary, args + [profile])
    if rc == GUARD_UNDONE and doc is not None:
        guard_failed(module, rc, doc, err)
    if rc != 0 or doc is None:
        fail(module, "apply", rc, doc, out, err)
    deadline = doc.get("confirm_deadline")
    confirmed = False
    if module.params["guard"] and not module.params["confirm_later"]:
        deadline, confirmed = None, doc.get("changed", False)  # by the guard, healthy
    elif deadline is not None and not module.params["confirm_later"]:
        confirm_apply(module, binary, doc)
        deadline, confirmed = None, True
    plan = doc.get("plan") or []
    result = dict(changed=bool(doc.get("changed")), rc=rc, stderr=err, tcptune=doc, plan=plan,
                  confirm_deadline=deadline, confirmed=confirmed)
    if module._diff:
        result["diff"] = diff_of(plan_pairs(plan))
    module.exit_json(**result)


def roll_back(module, binary):
    if module.check_mode:
        rc, doc, out, err = run(module, binary, ["status", "--format", "json"])
        if doc is None:
            fail(module, "status", rc, doc, out, err)
        keys = doc.get("keys") or []
        pairs = [(k["key"], k.get("live"), k.get("original")) for k in keys]
        changed = any(b != a for _, b, a in pairs)
    else:
        rc, doc, out, err = run(module, binary, ["rollback", "--format", "json"] + (["--force"] if module.params["force"] else []))
        if rc != 0 or doc is None:
            fail(module, "rollback", rc, doc, out, err)
        keys = doc.get("keys") or []
        pairs = [(k["key"], k.get("from"), k.get("now")) for k in keys]
        changed = bool(doc.get("changed"))
    result = dict(changed=changed, rc=rc, stderr=err, tcptune=doc)
    if module._diff:
        result["diff"] = diff_of(pairs)
    module.exit_json(**result)


def audit(module, binary, profile):
    args = ["check", "--format", "json"]
    if profile:
        rc, doc, out, err = with_profile(module, profile, args + ["--profile"])
    else:
        rc, doc, out, err = run(module, binary, args)
    # 0 clean, 1 warnings, 2 critical: reports, not failures.
    if rc > 2 or doc is None:
        fail(module, "check", rc, doc, out, err)
    findings = [f for f in doc.get("findings") or [] if f.get("severity") != "ok"]
    # A non-zero rc alone would mark the task failed.
    module.exit_json(changed=False, failed=False, rc=rc, stderr=err, tcptune=doc, findings=findings,
                     summary=doc.get("summary"))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type="str", default="applied", choices=["applied", "rolled_back", "checked"]),
            profile=dict(type="str"),
            content=dict(type="str"),
            confirm=dict(type="int"),
            confirm_later=dict(type="bool", default=False),
            guard=dict(type="bool", default=False),
            guard_window=dict(type="int"),
            force=dict(type="bool", default=False),
            tcptune=dict(type="path"),
            proc_root=dict(type="path"),
            state_dir=dict(type="path"),
            sysctl_root=dict(type="path"),
            netns=dict(type="str"),
        ),
        required_if=[("state", "applied", ["profile"])],
        supports_check_mode=True,
    )
    if module.params["confirm"] is not None and module.params["confirm"] <= 0:
        module.fail_json(msg="confirm: a number of seconds above 0", rc=None)
    if module.params["guard_window"] is not None and not 1 <= module.params["guard_window"] <= 3600:
        module.fail_json(msg="guard_window: seconds from 1 to 3600", rc=None)
    binary = module.binary = tcptune_binary(module)
    profile = resolve_profile(module, binary)
    state = module.params["state"]
    if state == "checked":
        if profile and not os.path.exists(profile) and module.params["content"] is None:
            module.fail_json(msg="%s: no such profile" % profile, rc=None)
        audit(module, binary, profile)
    elif state == "rolled_back":
        roll_back(module, binary)
    elif module.check_mode:
        if not os.path.exists(profile) and module.params["content"] is None:
            module.fail_json(msg="%s: no such profile (give content to plan the first rollout in check mode)" % profile, rc=None)
        plan_profile(module, binary, profile)
    else:
        apply_profile(module, binary, profile)


if __name__ == "__main__":
    main()
