#!/usr/bin/env python3
"""Differential test driver: tuned's own loader, merger, unit manager and
sysctl plugin (python3 `tuned` from its Debian package, unpacked, never
installed) against `tcptune plan` on the same profile trees.

    tuned-oracle.py --pkg ROOT --tcptune BIN --proc DIR --empty DIR --virt 0|1
                    [--seed N --chains N --work DIR] [--shipped DIR]
    ... --seed N --chains N --expand tests/helpers/tuned-expand
    ... --seed N --chains N --work DIR --ini tests/helpers/tuned-ini

The first form plans profile trees with both; --expand compares tuned's
Variables.expand() with tcptune's on random strings (N cases of four);
--ini compares Python's configparser, set up as tuned's loader sets it
up, with tcptune's reader on N random files.  Each prints its seed, its
disagreements and a last line "... N disagree"; exit 1 on any.

ROOT is the unpacked package (ROOT/usr/lib/python3/dist-packages/tuned).
DIR (--proc) is a proc root with sys/... files holding the live values
both sides read; nothing is written anywhere but --work.

What is stubbed, and why: the sysctl plugin's _read_sysctl/_write_sysctl
read the --proc tree and write into a dictionary (a model of the kernel
that takes a value only when it is as many integers as the key holds);
the unit manager gets a plugin repository that knows only the sysctl
plugin (the other plugins touch hardware, and their units are not sysctl
instances either way); virt_check's `virt-what` answers as --virt says
(the shell script takes it from systemd-detect-virt); ${f:exec} returns
a fixed string instead of running a command; [variables] files under
/etc/tuned/ and /usr/lib/tuned/ are looked up in the tree, as tcptune
does with --tuned-dir; reapply_sysctl (the host's sysctl.d files applied
again after the profile) is off: the comparison is about the profile.
"""

import argparse
import functools
import json
import logging
import os
import random
import re
import subprocess
import sys

# ---------------------------------------------------------------- tuned side


def import_tuned(root):
    sys.path.insert(0, os.path.join(root, "usr/lib/python3/dist-packages"))
    logging.disable(logging.CRITICAL)
    import tuned.consts as consts
    import tuned.plugins.base as base
    import tuned.plugins.plugin_sysctl as ps
    import tuned.profiles.functions.function_exec as fexec
    import tuned.profiles.functions.function_virt_check as fvirt
    import tuned.profiles.loader as loader
    import tuned.profiles.locator as locator
    import tuned.profiles.merger as merger
    import tuned.profiles.factory as factory
    import tuned.profiles.variables as variables
    import tuned.units.manager as manager
    from tuned.utils.commands import commands

    return dict(consts=consts, base=base, ps=ps, fexec=fexec, fvirt=fvirt,
                loader=loader, locator=locator, merger=merger, factory=factory,
                variables=variables, manager=manager, commands=commands)


class Kernel:
    """The --proc tree as the kernel: reads, and writes it would take."""

    def __init__(self, proc):
        self.proc = proc
        self.state = {}
        self.rejected = []

    def path(self, option):
        return "sys/" + option.replace(".", "/")

    def read(self, option):
        p = self.path(option)
        if p in self.state:
            return self.state[p]
        try:
            with open(os.path.join(self.proc, p)) as f:
                lines = f.read().splitlines()
        except OSError:
            return None
        if len(lines) != 1:
            return None
        return lines[0].strip()

    def write(self, option, value, ignore_missing=False):
        p = self.path(option)
        if os.path.basename(p) in ("base_reachable_time", "retrans_time"):
            return False
        live = self.read(option)
        if live is None:
            return False
        fields = str(value).split()
        if len(fields) != len(live.split()) or not all(re.fullmatch(r"-?[0-9]+", x) for x in fields):
            self.rejected.append((option, value))
            return False
        self.state[p] = " ".join(str(int(x)) for x in fields)
        return True


class FakeInstance:
    def __init__(self, plugin, name, options):
        self.plugin = plugin
        self.name = name
        self._sysctl = options
        self._sysctl_original = {}


class FakePlugin:
    def __init__(self, captured):
        self.captured = captured

    def create_instance(self, name, devices, udev, pre, post, options):
        inst = FakeInstance(self, name, options)
        self.captured.append(inst)
        return inst

    def init_devices(self):
        pass

    def assign_free_devices(self, instance):
        pass

    def initialize_instance(self, instance):
        pass


class Repository:
    def __init__(self, captured):
        self.captured = captured

    def create(self, name):
        if name == "sysctl":
            return FakePlugin(self.captured)
        raise Exception("plugin %s left out of the comparison" % name)


class Hardware:
    def start_processing_events(self):
        pass


class Storage:
    def get(self, key, default=None):
        return default

    def set(self, key, value):
        pass

    def unset(self, key):
        pass


class GlobalCfg:
    def get_bool(self, key, default=None):
        return False


def tuned_run(t, tree, name, proc, cpuinfo):
    """What tuned's sysctl plugin leaves in the --proc keys: a dict."""
    kernel = Kernel(proc)
    t["ps"]._read_sysctl = kernel.read
    t["ps"]._write_sysctl = kernel.write
    variables = t["variables"].Variables()
    ld = t["loader"].Loader(t["locator"].Locator([tree]), t["factory"].Factory(),
                            t["merger"].Merger(), None, variables)
    try:
        prof = ld.load(name)
        captured = []
        m = t["manager"].Manager(Repository(captured), None, 0, Hardware(),
                                 config={t["consts"].CFG_CPUINFO_STRING: cpuinfo,
                                         t["consts"].CFG_UNAME_STRING: None})
        m.create(prof.units)

        class Self:
            pass
        s = Self()
        s._variables = variables
        s._cmd = t["commands"]()
        s._storage = Storage()
        s._storage_key = lambda n: n
        s._global_cfg = GlobalCfg()
        s._process_assignment_modifiers = functools.partial(
            t["base"].Plugin._process_assignment_modifiers, s)
        for inst in captured:
            t["ps"].SysctlPlugin._instance_apply_static(s, inst)
    except Exception as e:  # tuned refuses the profile
        return {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
    return {"ok": True, "state": kernel.state, "rejected": kernel.rejected}


def patch_tuned(t, tree, virt):
    orig = t["variables"].Variables.add_from_file

    def add_from_file(self, filename):
        for d in ("/etc/tuned/", "/usr/lib/tuned/"):
            if filename.startswith(d):
                filename = os.path.join(tree, filename[len(d):])
        return orig(self, filename)
    t["variables"].Variables.add_from_file = add_from_file

    def virt_execute(self, args):
        if not t["fvirt"].base.Function.execute(self, args):
            return None
        return args[0] if virt else args[1]
    t["fvirt"].virt_check.execute = virt_execute

    def exec_execute(self, args):
        if not t["fexec"].base.Function.execute(self, args):
            return None
        return "/tmp/not-run"
    t["fexec"].execute.execute = exec_execute


# -------------------------------------------------------------- tcptune side


def tcptune_run(binary, tree, name, proc, empty):
    r = subprocess.run([binary, "plan", "--format", "json", "--proc-root", proc,
                        "--sysctl-root", empty, "--tuned-dir", tree, "--ignore-unknown",
                        os.path.join(tree, name)], capture_output=True, text=True)
    try:
        out = json.loads(r.stdout)
    except ValueError:
        out = None
    return r.returncode, out, r.stderr


# The keys tcptune manages that the proc tree has (set in main()).
CATALOG = set()

DOCUMENTED = ("cannot be decided here", "does not evaluate", "is not supported",
              "did you mean")


def compare(tuned, rc, out, err, live_keys, proc):
    """'agree', 'refusal' (documented) or a disagreement's description."""
    if not tuned["ok"] or tuned["rejected"]:
        if out is None and rc == 65:
            # ... and for the same reason: the profile not found, or the
            # key whose value the kernel refuses
            m = re.search(r"Cannot find profile '([^']*)'", tuned.get("error") or "")
            if m and 'no tuned profile "%s"' % m.group(1) not in err:
                return "tuned cannot find %r, tcptune says: %s" % (m.group(1), err.strip()[-300:])
            for key, value in tuned.get("rejected", []):
                k = key.replace("/", ".")
                if k in CATALOG and ": %s: " % k not in err:
                    return "tuned's write of %r to %s fails, tcptune says: %s" % (
                        value, k, err.strip()[-300:])
            if os.environ.get("TT_DEBUG"):
                print("REFUSE", tuned.get("error"), tuned.get("rejected"))
            return "both refuse"
        return "tuned %s, tcptune rc %d" % (
            tuned.get("error") or "writes a value the kernel refuses: %s" % tuned["rejected"], rc)
    if out is None:
        if rc == 65 and any(d in err for d in DOCUMENTED):
            return "refusal"
        return "tuned loads it, tcptune rc %d: %s" % (rc, err.strip()[-300:])
    k = Kernel(proc)
    planned = {"sys/" + i["key"].replace(".", "/"): i["target"] for i in out["plan"]}
    for p in live_keys:
        live = k.read(p[4:].replace("/", "."))
        want = tuned["state"].get(p, live)
        got = planned.get(p, live)
        if " ".join(want.split()) != " ".join(got.split()):
            return "%s: tuned leaves %r, tcptune %r" % (p, want, got)
    return "agree"


# ----------------------------------------------------------------- generator

NAMES = ["a", "b", "c", "d", "e", "f"]
SINGLE = {  # catalog keys of one number, values the kernel and tcptune take
    "net.ipv4.tcp_fin_timeout": (10, 120),
    "net.ipv4.tcp_keepalive_time": (60, 7200),
    "net.ipv4.tcp_keepalive_intvl": (10, 75),
    "net.ipv4.tcp_keepalive_probes": (3, 9),
    "net.core.somaxconn": (1024, 65535),
    "net.ipv4.tcp_max_tw_buckets": (65536, 262144),
}
RANGES = ["1024 65000", "32768 60999", "10000 61000", "40000 65535"]
FOREIGN = ["vm.swappiness", "kernel.pid_max", "net.ipv4.tcp_rmem"]


def gen_value(r, key, var_names):
    if key == "net.ipv4.ip_local_port_range":
        v = r.choice(RANGES)
        x = r.random()
        if x < 0.1:
            lo, hi = v.split()
            return "%s\n        %s" % (lo, hi)  # an indented continuation
        if x < 0.15:
            lo, hi = v.split()
            return "%s\n\n  %s" % (lo, hi)  # a blank line inside it
        if x < 0.3:
            return '"%s"' % v
        return v
    if key in SINGLE:
        lo, hi = SINGLE[key]
        n = r.randint(lo, hi)
        x = r.random()
        if x < 0.3:
            return r.choice([">", "<"]) + str(n)
        if x < 0.4 and var_names:
            return "${%s}" % r.choice(var_names)
        if x < 0.41 and var_names:
            return "\\${%s}" % r.choice(var_names)  # escaped: written as it is
        if x < 0.45:
            return '"%d"' % n
        if x < 0.47:
            return "${f:cpulist_pack:%d}" % n  # a function tcptune leaves undecided
        return str(n)
    return str(r.randint(1, 100))


def gen_key(r):
    x = r.random()
    if x < 0.15:
        k = r.choice(FOREIGN)
    elif x < 0.3:
        k = "net.ipv4.ip_local_port_range"
    else:
        k = r.choice(list(SINGLE))
    if r.random() < 0.1:
        k = k.replace(".", "/")
    return k


def gen_lines(r, var_names, keys):
    out = []
    for _ in range(r.randint(0, 4)):
        k = gen_key(r)
        keys.append(k)
        v = gen_value(r, k.replace("/", "."), var_names)
        x = r.random()
        if x < 0.1:
            v += " # a comment"
        elif x < 0.11:
            v += "#glued"  # not a comment: tuned keeps it in the value
        elif x < 0.12:
            v += " ; not a comment either"
        out.append("%s%s=%s" % (k, r.choice(["", " "]), r.choice(["", " "]) + v))
        if r.random() < 0.05:  # the same key again: the later value, in place
            out.append("%s = %s" % (k, gen_value(r, k.replace("/", "."), var_names)))
    return out


def gen_include(r, me, names_here):
    names = []
    for _ in range(r.randint(0, 3)):
        x = r.random()
        n = r.choice(names_here)
        if x < 0.1:
            n = "-missing"
        elif x < 0.25:
            n = "-" + n
        elif x < 0.32:
            n = "../x/" + n
        elif x < 0.36:
            n = me  # itself
        elif x < 0.37:
            n = "nosuch"  # tuned refuses it
        names.append(n)
    if r.random() < 0.06:
        names.append("${f:virt_check:%s:%s}" % (r.choice(names_here), r.choice(names_here)))
    if not names:
        return None
    out = names[0]
    for n in names[1:]:
        out += r.choice([",", ";", " , ", " ;", ", "]) + n
    x = r.random()
    if x < 0.02:
        out = out.replace(",", " ", 1)  # a space is not a separator
    elif x < 0.03:
        out += ","  # an empty name: tuned looks for DIR/tuned.conf
    elif x < 0.04:
        out += ",${v0}"  # no variables yet when tuned reads include=
    return out


def gen_profile(r, name, pdir, names_here):
    lines = ["# generated", "[main]", "summary=profile %s" % name]
    inc = gen_include(r, name, names_here)
    if inc is not None:
        lines.append("include=%s" % inc)
    var_names = []
    if r.random() < 0.35:
        lines.append("[variables]")
        for i in range(r.randint(1, 2)):
            vn = "v%d" % r.randint(0, 2)
            lo, hi = SINGLE["net.ipv4.tcp_fin_timeout"]
            if var_names and r.random() < 0.3:
                lines.append("%s = ${%s}" % (vn, r.choice(var_names)))
            else:
                lines.append("%s = %d" % (vn, r.randint(lo, hi)))
            var_names.append(vn)
        if r.random() < 0.3:
            vn = "w%d" % r.randint(0, 1)
            var_names.append(vn)
            with open(os.path.join(pdir, "vars.conf"), "w") as f:
                f.write("# variables\n%s=%d\n" % (vn, r.randint(10, 120)))
            lines.append("include=${i:PROFILE_DIR}/vars.conf")
    keys = []
    if r.random() < 0.9:
        lines.append("[sysctl]")
        x = r.random()
        if x < 0.06:
            lines.append("replace=1")
        elif x < 0.08:
            lines.append(r.choice(["replace=true", "replace=yes", "enabled=True"]))
        elif x < 0.12:
            lines.append(r.choice(["enabled=false", "enabled=0", "enabled=no"]))
        elif x < 0.15:
            lines.append("type=vm")
        elif x < 0.2:
            lines.append("priority=%d" % r.randint(-2, 2))
        lines += gen_lines(r, var_names, keys)
        if r.random() < 0.15:
            lines.append("drop=%s" % r.choice(list(SINGLE) + ["net.ipv4.ip_local_port_range"]))
    if r.random() < 0.3:
        lines.append("[sysctl.%s]" % r.choice(["extra", "thunderx"]))
        x = r.random()
        if x < 0.8:
            lines.append("type=sysctl")
        if r.random() < 0.5:
            lines.append(r.choice(["uname_regex=x86_64", "uname_regex=aarch64",
                                   "uname_regex=^Linux", "cpuinfo_regex=processor",
                                   "cpuinfo_regex=ThunderX", "cpuinfo_regex=^flags\\s+:.*\\bfpu\\b"]))
        if r.random() < 0.3:
            lines.append("priority=%d" % r.randint(-2, 2))
        lines += gen_lines(r, var_names, keys)
    if r.random() < 0.1:
        lines.append("[vm]")
        lines.append("transparent_hugepages=never")
    if r.random() < 0.1:
        lines.append("  ; an indented comment")
    if r.random() < 0.04:  # inherited by every section of the file
        lines.append("[DEFAULT]")
        lines += gen_lines(r, var_names, keys)
    if r.random() < 0.05:  # the same section again, later in the file
        lines.append("[sysctl]")
        lines += gen_lines(r, var_names, keys)
    if r.random() < 0.05:
        return "\r\n".join(lines) + "\r\n"
    return "\n".join(lines) + "\n"


def gen_tree(r, tree):
    os.makedirs(os.path.join(tree, "x"), exist_ok=True)
    names_here = NAMES[:r.randint(2, len(NAMES))]
    for n in names_here:
        pdir = os.path.join(tree, n)
        os.makedirs(pdir, exist_ok=True)
        with open(os.path.join(pdir, "tuned.conf"), "w") as f:
            f.write(gen_profile(r, n, pdir, names_here))


# ------------------------------------------------- ${variables} and ${f:...}

TOKENS = ["${", "}", "\\", "$", "{", ":", "f", "a", "b", " ", "x", "\\:", "${a}", "${b}",
          "\\${a}", "$${a}", "${f:strip: x :y}", "${f:strip:", "${f:virt_check:p:q}",
          "${f:virt_check:p}", "${f:", "${f:nosuch:1}", "${f:assertion:m:1:1}",
          "${f:assertion_non_equal:m:1:2}", "${f:assertion:m:1:2}", "${f:strip}",
          "${f:exec:ls}", "${f}", "${ f:strip:z}", "${f:strip:${a}}", "\\${f:strip:k}"]


def expand_cases(r, n):
    """Lines for tests/helpers/tuned-expand: a few variables, then strings."""
    out = []
    for _ in range(n):
        lines = []
        for name in ("a", "b"):
            if r.random() < 0.7:
                lines.append("V %s %s" % (name, "".join(
                    r.choice(TOKENS[:14] + ["${f:strip: 7 }", "${a}"]) for _ in range(r.randint(0, 3)))))
        for _ in range(4):
            lines.append("E " + "".join(r.choice(TOKENS) for _ in range(r.randint(1, 8))))
        out.append(lines)
    return out


def tuned_expand(t, lines):
    v = t["variables"].Variables()
    res = []
    for line in lines:
        kind, rest = line[0], line[2:]
        try:
            if kind == "V":
                name, _, value = rest.partition(" ")
                v.add_variable(name, value)
            else:
                res.append("= %s" % v.expand(rest))
        except Exception:  # tuned refuses the profile (IndexError on "${f}" too)
            if kind == "E":
                res.append("! FAILED")
    return res


def expand_diff(t, binary, seed, n, virt):
    r = random.Random(seed)
    agree = undecided = 0
    bad = []
    env = dict(os.environ, TUNED_VIRT=str(virt))
    for lines in expand_cases(r, n):
        want = tuned_expand(t, lines)
        got = subprocess.run([binary], input="\n".join(lines) + "\n", capture_output=True,
                             text=True, env=env).stdout.splitlines()
        es = [x for x in lines if x[0] == "E"]
        for i, (w, g) in enumerate(zip(want, got)):
            if g == "? UNDECIDED":
                undecided += 1
            elif w == g:
                agree += 1
            else:
                bad.append((lines, es[i], w, g))
        if len(want) != len(got):
            bad.append((lines, "", want, got))
    for b in bad[:10]:
        print("DISAGREE (expand): %r: tuned %r, tcptune %r (after %r)" % (b[1], b[2], b[3], b[0]))
    print("%d expansions: %d agree, %d undecided here, %d disagree" % (
        agree + undecided + len(bad), agree, undecided, len(bad)))
    return 1 if bad else 0


# ---------------------------------------------------------- the ini dialect

INI_LINES = ["[main]", "[sysctl]", "[a]b]", "[ sp ]", "[x] junk", "[x]#c", "key=value",
             "key = value # c", "key=v#x", "k2 = a ; b", "  indented", "    deeper = 1",
             "\t tab", "", "   ", "# c", "; c", "   # c", "  ; c", "k =",
             "k=\"q\"", "k = = 2", "K=upper", "k=1", "k=2", "a b = c", "k=\x0b",
             "[sysctl]", "x = 1 #", "x=#", "#x=1", "k=a\\b", "  # indented comment",
             "\t\tk=tabbed", "[DEFAULT]", "[DEFAULT]", "d=from default"]
INI_BAD = ["[]", "k:v", "=v", "just words", "[unclosed"]


def ini_text(r):
    lines = [r.choice(["[main]", "[sysctl]", "[main]", "[sysctl]", "[DEFAULT]", "k=1", "  x", ""])]
    for _ in range(r.randint(0, 10)):
        lines.append(r.choice(INI_BAD if r.random() < 0.03 else INI_LINES))
    eol = r.choice(["\n", "\n", "\r\n", "\r"])
    return eol.join(lines) + r.choice([eol, ""])


def ini_esc(v):
    out = []
    for c in v:
        if c == "\n":
            out.append("\\n")
        elif c == "\\":
            out.append("\\\\")
        elif ord(c) < 0x20 or ord(c) == 0x7f:
            out.append("\\x%02x" % ord(c))
        else:
            out.append(c)
    return "".join(out)


def tuned_ini(path):
    """What tuned's loader gets from the file: its own parser settings."""
    from tuned.utils.config_parser import ConfigParser, Error
    cp = ConfigParser(delimiters=('='), inline_comment_prefixes=('#'), strict=False)
    cp.optionxform = str
    try:
        with open(path) as f:
            cp.read_file(f, path)
    except Error.__bases__:
        return ["ERR"]
    out = []
    for sec in cp.sections():
        out.append("S " + ini_esc(sec))
        for o in cp.options(sec):
            out.append("O %s=%s" % (ini_esc(o), ini_esc(cp.get(sec, o, raw=True))))
    return out


def ini_diff(binary, seed, n, work):
    r = random.Random(seed)
    agree = refused = 0
    bad = []
    for i in range(n):
        path = os.path.join(work, "ini-%d.conf" % i)
        with open(path, "w", newline="") as f:
            f.write(ini_text(r))
        want = tuned_ini(path)
        got = subprocess.run([binary, path], capture_output=True, text=True).stdout.splitlines()
        if want == got:
            agree += 1
            refused += want == ["ERR"]
        else:
            bad.append((path, want, got))
    for b in bad[:10]:
        with open(b[0], newline="") as f:
            print("DISAGREE (ini): %r: tuned %r, tcptune %r" % (f.read(), b[1], b[2]))
    print("%d files: %d agree (%d refused by both), %d disagree" % (
        n, agree, refused, len(bad)))
    return 1 if bad else 0


# ---------------------------------------------------------------------- main


def live_keys(proc):
    keys = []
    for d, _, files in os.walk(os.path.join(proc, "sys/net")):
        keys += [os.path.relpath(os.path.join(d, f), proc) for f in files]
    return sorted(keys)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pkg", required=True)
    ap.add_argument("--tcptune", required=True)
    ap.add_argument("--proc", required=True)
    ap.add_argument("--empty", required=True)
    ap.add_argument("--virt", type=int, required=True)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--chains", type=int, default=0)
    ap.add_argument("--work")
    ap.add_argument("--shipped")
    ap.add_argument("--expand", help="tests/helpers/tuned-expand: compare ${...} expansion instead")
    ap.add_argument("--ini", help="tests/helpers/tuned-ini: compare the ini dialect instead")
    a = ap.parse_args()
    t = import_tuned(a.pkg)
    if a.ini:
        print("seed %d" % a.seed)
        return ini_diff(a.ini, a.seed, a.chains, a.work)
    if a.expand:
        patch_tuned(t, "/nonexistent", a.virt)
        print("seed %d" % a.seed)
        return expand_diff(t, a.expand, a.seed, a.chains, a.virt)
    with open(os.path.join(a.proc, "cpuinfo")) as f:
        cpuinfo = f.read()
    keys = live_keys(a.proc)
    CATALOG.update(k[4:].replace("/", ".") for k in keys)
    cases = []
    if a.shipped:
        for n in sorted(os.listdir(a.shipped)):
            if os.path.isfile(os.path.join(a.shipped, n, "tuned.conf")):
                cases.append(("shipped", a.shipped, n))
    if a.chains:
        print("seed %d" % a.seed)
        r = random.Random(a.seed)
        for i in range(a.chains):
            tree = os.path.join(a.work, "chain-%d" % i)
            gen_tree(r, tree)
            cases.append(("chain %d" % i, tree, "a"))
    counts = {"agree": 0, "both refuse": 0, "refusal": 0, "disagree": 0}
    for label, tree, name in cases:
        patch_tuned(t, tree, a.virt)
        tu = tuned_run(t, tree, name, a.proc, cpuinfo)
        rc, out, err = tcptune_run(a.tcptune, tree, name, a.proc, a.empty)
        v = compare(tu, rc, out, err, keys, a.proc)
        if v in counts:
            counts[v] += 1
            if v == "refusal":
                print("documented refusal: %s %s: %s" % (label, name,
                      [x for x in err.splitlines() if "error" in x][:1]))
        else:
            counts["disagree"] += 1
            print("DISAGREE: %s (%s/%s): %s" % (label, tree, name, v))
    print("%d cases: %d agree (%d planned alike, %d refused by both), "
          "%d documented refusals, %d disagree" % (
              len(cases), counts["agree"] + counts["both refuse"], counts["agree"],
              counts["both refuse"], counts["refusal"], counts["disagree"]))
    return 1 if counts["disagree"] else 0


if __name__ == "__main__":
    sys.exit(main())
