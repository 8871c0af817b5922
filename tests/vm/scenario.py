#!/usr/bin/env python3
"""Scenarios of the VM test level: parse, generate the guest's /init and QEMU's arguments,
and judge the results the guest printed (TAP on stdout).

  scenario.py parse  SCN                      check the file; print the shell variables that
                                              run-scenario.sh needs (KERNEL, TIMEOUT)
  scenario.py prepare SCN WORK MODDIR         write WORK/init, WORK/etc/default/grub and
                                              WORK/modules (the .ko files to insmod, dependencies
                                              first, from MODDIR/modules.dep)
  scenario.py qemu SCN ACCEL KERNEL INITRD CONSOLE RESULTS
                                              print QEMU's argument vector, one per line
  scenario.py check SCN WORK                  read WORK/results.log (the guest's second serial port)
                                              and WORK/console.log; print TAP (vmcheck.py)

The file format is described in tests/vm/README.
"""

import json
import os
import re
import shlex
import sys

from vmcheck import MARK, check

STATUSES = {"pass", "warn", "fail", "pending_reboot", "fixed", "error", "skipped",
            "not_applicable", "info"}
VM_KEYS = {"kernel", "smp", "numa", "memory", "cmdline", "qemu", "cpu", "machine", "modules",
           "timeout", "requires"}
SNAPSHOT_KEYS = {"paths", "trees", "ignore"}


class ScenarioError(Exception):
    pass


# ---- parsing ---------------------------------------------------------------------------------

def parse(path):
    """The scenario as a dict: vm (key -> value), runs [(kind, name, command)], snapshot
    (key -> [words]), expects [(lineno, text, expectation)]."""
    scn = {"name": os.path.basename(path).rsplit(".", 1)[0], "path": path, "vm": {},
           "runs": [], "snapshot": {"paths": [], "trees": [], "ignore": []}, "expects": []}
    section = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    joined = []
    for n, raw in enumerate(lines, 1):
        # A line that ends in a backslash continues on the next one.
        if joined and joined[-1][1].endswith("\\"):
            joined[-1] = (joined[-1][0], joined[-1][1][:-1].rstrip() + " " + raw.strip())
        else:
            joined.append((n, raw.strip()))
    for n, line in joined:
        if not line or line.startswith("#"):
            continue

        def err(msg):
            return ScenarioError("%s:%d: %s" % (path, n, msg))

        m = re.fullmatch(r"\[(\w+)\]", line)
        if m:
            section = m.group(1)
            if section not in ("vm", "run", "snapshot", "expect"):
                raise err("unknown section [%s]" % section)
            continue
        if section is None:
            raise err("text before the first [section]")
        if section == "expect":
            scn["expects"].append((n, line, parse_expect(line, err)))
            continue
        if section == "run" and line.startswith("snapshot "):
            name = line.split(None, 1)[1].strip()
            if not re.fullmatch(r"[\w.-]+", name):
                raise err("bad snapshot name '%s'" % name)
            scn["runs"].append(("snapshot", name, None))
            continue
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise err("expected KEY = VALUE")
        if section == "vm":
            if key not in VM_KEYS:
                raise err("unknown key '%s' in [vm]" % key)
            scn["vm"][key] = value
        elif section == "snapshot":
            if key not in SNAPSHOT_KEYS:
                raise err("unknown key '%s' in [snapshot]" % key)
            scn["snapshot"][key] += value.split()
        else:
            if not re.fullmatch(r"[\w.-]+", key) or key.startswith("_"):
                raise err("bad run name '%s'" % key)
            if any(r[1] == key for r in scn["runs"]):
                raise err("run '%s' defined twice" % key)
            scn["runs"].append(("cmd", key, value))
    if not scn["runs"]:
        scn["runs"].append(("cmd", "audit", "rthostcheck --json"))
    vm = scn["vm"]
    vm.setdefault("kernel", "rt")
    if vm["kernel"] not in ("rt", "std"):
        raise ScenarioError("%s: kernel must be rt or std" % path)
    vm.setdefault("smp", "2")
    if not re.fullmatch(r"\d*", vm.get("timeout", "")):
        raise ScenarioError("%s: timeout must be a number of seconds" % path)
    numa_nodes(scn)
    names = {r[1] for r in scn["runs"]}
    for n, line, e in scn["expects"]:
        run = e["run"]
        if run is not None and run not in names:
            raise ScenarioError("%s:%d: no run or snapshot named '%s'" % (path, n, run))
    return scn


def parse_expect(line, err):
    """One [expect] line as a dict (see the README for the forms)."""
    def fail(msg):
        raise (err(msg) if err else ScenarioError(msg))

    m = re.fullmatch(r"(check|fact|exit)(?:@([\w.-]+))?\s+(?:(\S+)\s+)?(=|!=)\s*(.*)", line)
    if m:
        kind, run, subject, op, value = m.groups()
        if kind == "exit":
            if subject is not None:
                fail("exit takes no subject: exit[@RUN] = N")
            try:
                want = [int(v) for v in value.split("|")]
            except ValueError:
                fail("exit wants integers separated by |")
            return {"kind": kind, "run": run, "op": op, "want": want}
        if subject is None:
            fail("%s needs a subject" % kind)
        if kind == "check":
            want = value.split("|")
            bad = [s for s in want if s not in STATUSES]
            if bad:
                fail("unknown status '%s'" % bad[0])
            return {"kind": kind, "run": run, "subject": subject, "op": op, "want": want}
        try:
            want = json.loads(value)
        except ValueError:
            want = value
        return {"kind": kind, "run": run, "subject": subject, "op": op, "want": want}
    m = re.fullmatch(r"result(?:@([\w.-]+))?\s+(\S+)\s+(\S+)\s+(=|!=)\s*(.*)", line)
    if m:
        run, check_id, path, op, value = m.groups()
        try:
            want = json.loads(value)
        except ValueError:
            want = value
        return {"kind": "result", "run": run, "subject": check_id, "path": path, "op": op,
                "want": want}
    m = re.fullmatch(r"unchanged\s+([\w.-]+)\s+([\w.-]+)", line)
    if m:
        return {"kind": "unchanged", "run": None, "a": m.group(1), "b": m.group(2)}
    m = re.fullmatch(r"(applied|restored)@([\w.-]+)\s+([\w.-]+)\s+([\w.-]+)", line)
    if m:
        return {"kind": m.group(1), "run": m.group(2), "a": m.group(3), "b": m.group(4)}
    m = re.fullmatch(r"changed@([\w.-]+)\s+(\S+)(?:\s+if\s+([\w.-]+)\s+has\s+(\S+))?", line)
    if m:
        return {"kind": "changed", "run": m.group(1), "prefix": m.group(2),
                "if_snap": m.group(3), "if_has": m.group(4)}
    fail("cannot parse expectation: %s" % line)
    return None


def size_mib(text):
    m = re.fullmatch(r"(\d+)([MG])", text.strip())
    if not m:
        raise ScenarioError("bad memory size '%s' (use e.g. 512M or 1G)" % text)
    return int(m.group(1)) * (1024 if m.group(2) == "G" else 1)


def numa_nodes(scn):
    """[(cpulist, MiB)] from `numa = CPUS:SIZE ...`, or []."""
    nodes = []
    for word in scn["vm"].get("numa", "").split():
        cpus, _, size = word.partition(":")
        if not re.fullmatch(r"\d+(-\d+)?(,\d+(-\d+)?)*", cpus) or not size:
            raise ScenarioError("%s: bad numa node '%s' (CPUS:SIZE)" % (scn["path"], word))
        nodes.append((cpus, size_mib(size)))
    return nodes


def memory_mib(scn):
    nodes = numa_nodes(scn)
    if nodes:
        return sum(m for _, m in nodes)
    return size_mib(scn["vm"].get("memory", "512M"))


# ---- the guest's /init -----------------------------------------------------------------------

INIT_HEAD = r"""#!/bin/busybox sh
# Generated by tests/vm/scenario.py for the scenario "@NAME@". Runs as PID 1 in the initramfs:
# mounts the kernel file systems, loads modules, runs the scenario's commands and prints their
# output between markers on the second serial port (the first is the kernel console), then powers
# off.
/bin/busybox --install -s
export PATH=@PATH@
export LD_LIBRARY_PATH=$(cat /rthc/ld-library-path 2>/dev/null)
export HOME=/root TERM=dumb NO_COLOR=1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t debugfs debugfs /sys/kernel/debug
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
hostname rthc-vm
stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec 3>/dev/ttyS1
nl=$(printf '\nx')
nl=${nl%x}

mark() {
	echo "@MARK@ $*@@" >&3
}

# snap NAME: one "path<TAB>value" line per readable file of the snapshot (newlines in a value
# become \037), and for the trees: "path<TAB>dir", "link:TARGET" or "md5:SUM".
snap() {
	mark BEGIN snapshot "$1"
	for f in @PATHS@; do
		[ -f "$f" ] || continue
		v=$(cat "$f" 2>/dev/null) || continue
		case $v in
		*"$nl"*) v=$(printf '%s' "$v" | tr '\n' '\037') ;;
		esac
		printf '%s\t%s\n' "$f" "$v" >&3
	done
	for t in @TREES@; do
		[ -e "$t" ] || continue
		find "$t" | sort | while read -r f; do
			if [ -L "$f" ]; then
				printf '%s\tlink:%s\n' "$f" "$(readlink "$f")"
			elif [ -d "$f" ]; then
				printf '%s\tdir\n' "$f"
			else
				printf '%s\tmd5:%s\n' "$f" "$(md5sum <"$f" | cut -d' ' -f1)"
			fi
		done >&3
	done
	mark END snapshot "$1"
}

# run NAME COMMAND: stdout, then stderr, then the exit status.
run() {
	name=$1
	shift
	( eval "$*" ) >/tmp/rthc.out 2>/tmp/rthc.err </dev/null
	rc=$?
	mark BEGIN run "$name"
	cat /tmp/rthc.out >&3
	echo >&3
	mark STDERR run "$name"
	cat /tmp/rthc.err >&3
	echo >&3
	mark END run "$name" rc=$rc
}

mark START
run _kernel 'uname -r; uname -v; cat /proc/cmdline'
while read -r ko; do
	[ -n "$ko" ] || continue
	insmod "/lib/modules/$(uname -r)/$ko"
	mark MODULE "$ko" rc=$?
done </rthc/modules
run _help 'rthostcheck --help'
run _catalog 'rthostcheck --list-checks --json'
"""

INIT_TAIL = r"""mark DONE
sync
poweroff -f
"""


def shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def write_init(scn, work):
    snap = scn["snapshot"]
    paths = " ".join(snap["paths"]) or ":"
    trees = " ".join(snap["trees"]) or ":"
    text = (INIT_HEAD.replace("@NAME@", scn["name"]).replace("@MARK@", MARK)
            .replace("@PATHS@", paths if snap["paths"] else "")
            .replace("@TREES@", trees if snap["trees"] else "")
            .replace("@PATH@", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"))
    body = []
    for kind, name, cmd in scn["runs"]:
        if kind == "snapshot":
            body.append("snap %s" % name)
        else:
            body.append("run %s %s" % (name, shell_quote(cmd)))
    with open(os.path.join(work, "init"), "w", encoding="utf-8") as f:
        f.write(text + "\n".join(body) + "\n" + INIT_TAIL)
    os.chmod(os.path.join(work, "init"), 0o755)


GRUB = """# A Debian host's GRUB defaults, written by tests/vm/scenario.py: the scenario's boot
# parameters, persisted as the running kernel got them.
GRUB_DEFAULT=0
GRUB_TIMEOUT=5
GRUB_DISTRIBUTOR=Debian
GRUB_CMDLINE_LINUX_DEFAULT="%s"
GRUB_CMDLINE_LINUX=""
"""


def write_grub(scn, work):
    os.makedirs(os.path.join(work, "etc", "default"), exist_ok=True)
    with open(os.path.join(work, "etc", "default", "grub"), "w", encoding="utf-8") as f:
        f.write(GRUB % scn["vm"].get("cmdline", ""))


def mod_key(name):
    base = os.path.basename(name)
    base = re.sub(r"\.ko(\.(xz|zst|gz))?$", "", base)
    return base.replace("-", "_")


def module_order(scn, moddir):
    """The .ko paths (relative to moddir) to insmod, every module after its dependencies."""
    wanted = scn["vm"].get("modules", "").split()
    if not wanted:
        return []
    deps = {}
    with open(os.path.join(moddir, "modules.dep"), encoding="utf-8") as f:
        for line in f:
            mod, _, rest = line.partition(":")
            deps[mod.strip()] = rest.split()
    by_name = {mod_key(m): m for m in deps}
    order = []

    def visit(path, stack):
        if path in order:
            return
        if path in stack:
            raise ScenarioError("module dependency cycle at %s" % path)
        for d in deps.get(path, []):
            visit(d, stack + [path])
        order.append(path)

    for name in wanted:
        path = by_name.get(mod_key(name))
        if path is None:
            raise ScenarioError("%s: module '%s' is not in %s/modules.dep"
                                % (scn["path"], name, moddir))
        visit(path, [])
    return order


# ---- QEMU ------------------------------------------------------------------------------------

def qemu_args(scn, accel, kernel, initrd, console, results):
    vm = scn["vm"]
    if vm.get("cpu"):
        cpu = vm["cpu"]
    elif accel == "kvm":
        cpu = "Skylake-Client,-hle,-rtm"
    else:
        # TCG's "max" model says AuthenticAMD, and TCG cannot give the topoext leaf that an
        # AMD guest needs to see SMT siblings; an Intel vendor string makes the guest read the
        # topology from CPUID leaf 0xb, which TCG fills from -smp.
        cpu = "max,vendor=GenuineIntel"
    cpu = os.environ.get("RTHC_VM_CPU") or cpu
    args = ["-accel", accel, "-cpu", cpu, "-m", "%dM" % memory_mib(scn), "-smp", vm["smp"]]
    if vm.get("machine"):
        args += ["-machine", vm["machine"]]
    for i, (cpus, mib) in enumerate(numa_nodes(scn)):
        args += ["-object", "memory-backend-ram,id=m%d,size=%dM" % (i, mib), "-numa",
                 "node,nodeid=%d,%s,memdev=m%d"
                 % (i, ",".join("cpus=" + r for r in cpus.split(",")), i)]
    append = "console=ttyS0 panic=-1 " + vm.get("cmdline", "")
    args += ["-kernel", kernel, "-initrd", initrd, "-append", append.strip(),
             "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
             "-serial", "file:" + console, "-serial", "file:" + results]
    args += shlex.split(vm.get("qemu", ""))
    return args


# ---- main ------------------------------------------------------------------------------------

def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 64
    cmd, path = argv[1], argv[2]
    try:
        scn = parse(path)
        if cmd == "parse":
            print("KERNEL=%s" % shell_quote(scn["vm"]["kernel"]))
            print("TIMEOUT=%s" % shell_quote(scn["vm"].get("timeout", "")))
            return 0
        if cmd == "prepare":
            work, moddir = argv[3], argv[4]
            write_init(scn, work)
            write_grub(scn, work)
            with open(os.path.join(work, "modules"), "w", encoding="utf-8") as f:
                for ko in module_order(scn, moddir):
                    f.write(ko + "\n")
            return 0
        if cmd == "qemu":
            for a in qemu_args(scn, *argv[3:8]):
                print(a)
            return 0
        if cmd == "check":
            return check(scn, argv[3])
    except (ScenarioError, OSError) as e:
        print("scenario.py: %s" % e, file=sys.stderr)
        return 65
    print("scenario.py: unknown command %s" % cmd, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
