"""The judging half of the VM test level (used by scenario.py check): read what the guest
printed between its markers, and turn a scenario's expectations into TAP."""

import fnmatch
import hashlib
import json
import os
import re

MARK = "@@RTHC-VM"
CONSOLE_TAIL = 40
JSON_RE = re.compile(r"--json\b|--format[= ]json\b")


# ---- results ---------------------------------------------------------------------------------

def read_results(path):
    """Sections the guest printed: runs {name: {out, err, rc}}, snapshots {name: {path: value}},
    modules [(ko, rc)], started, done."""
    res = {"runs": {}, "snapshots": {}, "modules": [], "started": False, "done": False}
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return res
    text = text.replace("\r\n", "\n")
    cur = None
    buf = []
    pat = re.compile(re.escape(MARK) + r" (.*)@@$")
    for line in text.split("\n"):
        m = pat.fullmatch(line)
        if not m:
            if cur is not None:
                buf.append(line)
            continue
        words = m.group(1).split()
        tag = words[0]
        if tag == "START":
            res["started"] = True
        elif tag == "DONE":
            res["done"] = True
        elif tag == "MODULE":
            res["modules"].append((words[1], int(words[2].split("=")[1])))
        elif tag == "BEGIN":
            cur, buf = (words[1], words[2]), []
        elif tag == "STDERR" and cur:
            res["runs"][cur[1]] = {"out": "\n".join(buf)}
            buf = []
        elif tag == "END" and cur:
            if cur[0] == "run":
                r = res["runs"].setdefault(cur[1], {"out": ""})
                r["err"] = "\n".join(buf)
                r["rc"] = int(words[3].split("=")[1])
            else:
                snap = {}
                for entry in buf:
                    p, sep, v = entry.partition("\t")
                    if sep:
                        snap[p] = v.replace("\037", "\n")
                res["snapshots"][cur[1]] = snap
            cur = None
    return res


def json_path(doc, path):
    cur = doc
    for part in path.split("."):
        if isinstance(cur, list) and re.fullmatch(r"\d+", part):
            if int(part) >= len(cur):
                raise KeyError(path)
            cur = cur[int(part)]
        elif isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            raise KeyError(path)
    return cur


def cpulist(s):
    out = set()
    if s == "":
        return out
    for part in s.split(","):
        a, _, b = part.partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out


def normalize(v):
    v = v.strip()
    m = re.search(r"\[([^\]]*)\]", v)
    return m.group(1) if m else v


def same_value(a, b):
    """A sysfs/procfs value as read against one a change reports: equal as text, as "[choice]"
    lists, as hex masks, or as cpulists."""
    a, b = normalize(a), normalize(b)
    if a == b:
        return True
    if re.fullmatch(r"[0-9a-fA-F,]+", a) and re.fullmatch(r"[0-9a-fA-F,]+", b):
        if int(a.replace(",", ""), 16) == int(b.replace(",", ""), 16):
            return True
    if re.fullmatch(r"[\d,-]*", a) and re.fullmatch(r"[\d,-]*", b):
        try:
            return cpulist(a) == cpulist(b)
        except ValueError:
            return False
    return False


def md5(text):
    return "md5:" + hashlib.md5(text.encode()).hexdigest()


class Tap:
    def __init__(self):
        self.lines = []
        self.failed = 0

    def ok(self, cond, desc, diag=()):
        self.lines.append(("ok" if cond else "not ok", desc, list(diag)))
        if not cond:
            self.failed += 1

    def skip(self, desc, reason):
        self.lines.append(("ok", "%s # SKIP %s" % (desc, reason), []))

    def emit(self, tail):
        for i, (st, desc, diag) in enumerate(self.lines, 1):
            print("%s %d - %s" % (st, i, desc))
            for d in (diag if st != "ok" else []):
                for dl in str(d).splitlines() or [""]:
                    print("#   " + dl)
        print("1..%d" % len(self.lines))
        if self.failed and tail:
            print("# ---- the end of the serial console (%s) ----" % tail[0])
            for line in tail[1]:
                print("# " + line)


def console_tail(work):
    path = os.path.join(work, "console.log")
    try:
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").replace("\r", "").splitlines()
    except OSError:
        return None
    return (path, lines[-CONSOLE_TAIL:])


def check(scn, work):
    res = read_results(os.path.join(work, "results.log"))
    for name, run in res["runs"].items():
        for stream in ("out", "err"):
            with open(os.path.join(work, "%s.%s" % (name, stream)), "w", encoding="utf-8") as f:
                f.write(run.get(stream, ""))
    tail = console_tail(work)
    tap = Tap()
    why = ""
    if not res["done"]:
        why = ("the guest never started /init" if not res["started"] else
               "the guest stopped before the end of its commands")
        try:
            with open(os.path.join(work, "qemu.status"), encoding="utf-8") as f:
                why += " (%s)" % f.read().strip()
        except OSError:
            pass
    tap.ok(res["done"], "%s: the guest booted and ran every command" % scn["name"], [why] if why
           else [])
    if not res["done"]:
        tap.emit(tail)
        return 0

    catalog = set()
    try:
        catalog = {c["id"] for c in json.loads(res["runs"]["_catalog"]["out"])["checks"]}
    except (KeyError, ValueError, TypeError):
        pass
    help_text = res["runs"].get("_help", {}).get("out", "")
    for req in scn["vm"].get("requires", "").split():
        have = (re.search(r"(^|\s)%s(\s|=|$)" % re.escape(req), help_text, re.M)
                if req.startswith("--") else req in catalog)
        if not have:
            print("1..0 # SKIP %s: the installed rthostcheck has no %s yet"
                  % (scn["name"], req))
            return 0
    tap.ok(bool(catalog), "rthostcheck --list-checks --json lists the catalog",
           [res["runs"].get("_catalog", {}).get("err", "")])

    for ko, rc in res["modules"]:
        tap.ok(rc == 0, "insmod %s" % ko, [] if rc == 0 else ["exit status %d" % rc])

    docs = {}
    first = default_run(scn)
    for kind, name, cmd in scn["runs"]:
        if kind != "cmd":
            continue
        run = res["runs"].get(name)
        if run is None:
            tap.ok(False, "run %s: printed its output" % name)
            continue
        if JSON_RE.search(cmd):
            try:
                docs[name] = json.loads(run["out"])
                tap.ok(True, "run %s: stdout is one JSON document (exit %d)"
                       % (name, run["rc"]))
            except ValueError as e:
                tap.ok(False, "run %s: stdout is one JSON document" % name,
                       ["%s" % e, "stdout: " + run["out"][:2000],
                        "stderr: " + run["err"][:2000]])

    for n, line, e in scn["expects"]:
        run = e["run"] or first
        desc = line if e["run"] or e["kind"] == "unchanged" else "%s: %s" % (run, line)
        try:
            expect_one(tap, e, desc, run, res, docs, catalog, scn)
        except KeyError as ex:
            tap.ok(False, desc, ["missing: %s" % ex])
    tap.emit(tail)
    return 0


def default_run(scn):
    """The run an expectation without @RUN is about: the first that prints JSON, else the
    first command."""
    cmds = [(name, cmd) for kind, name, cmd in scn["runs"] if kind == "cmd"]
    for name, cmd in cmds:
        if JSON_RE.search(cmd):
            return name
    return cmds[0][0] if cmds else None


def status_ok(status, e):
    return (status in e["want"]) == (e["op"] == "=")


def expect_one(tap, e, desc, run, res, docs, catalog, scn):
    kind = e["kind"]
    if kind == "exit":
        rc = res["runs"][run]["rc"]
        good = (rc in e["want"]) == (e["op"] == "=")
        tap.ok(good, desc, [] if good else ["exit status %d; stderr: %s"
                                            % (rc, res["runs"][run]["err"][:1500])])
        return
    if kind in ("check", "fact", "result"):
        if run not in docs:
            tap.ok(False, desc, ["run %s printed no JSON report" % run])
            return
        doc = docs[run]
    if kind == "check":
        pattern = e["subject"]
        known = [c for c in catalog if fnmatch.fnmatchcase(c, pattern)]
        if not known:
            tap.skip(desc, "%s is not in --list-checks yet" % pattern)
            return
        results = [r for r in doc.get("results", []) if fnmatch.fnmatchcase(r["id"], pattern)]
        if not results:
            tap.ok(False, desc, ["no result matches %s in run %s (wrong --mode?)" % (pattern, run)])
            return
        bad = [r for r in results if not status_ok(r["status"], e)]
        tap.ok(not bad, desc, ["%s is %s: %s" % (r["id"], r["status"], r.get("reason", ""))
                               for r in bad])
        return
    if kind == "result":
        if e["subject"] not in catalog:
            tap.skip(desc, "%s is not in --list-checks yet" % e["subject"])
            return
        results = [r for r in doc.get("results", []) if r["id"] == e["subject"]]
        if not results:
            tap.ok(False, desc, ["no result for %s in run %s" % (e["subject"], run)])
            return
        doc = results[0]
    if kind in ("fact", "result"):
        path = e["path"] if kind == "result" else e["subject"]
        try:
            got = json_path(doc, path)
        except KeyError:
            tap.ok(False, desc, ["%s is not in the %s" % (path, kind == "fact" and "report"
                                                          or "result")])
            return
        good = (got == e["want"]) == (e["op"] == "=")
        tap.ok(good, desc, [] if good else ["got %s" % json.dumps(got)])
        return
    snaps = res["snapshots"]
    if kind == "unchanged":
        a, b = snaps[e["a"]], snaps[e["b"]]
        ignore = scn["snapshot"]["ignore"]
        diffs = []
        for p in sorted(set(a) | set(b)):
            if any(fnmatch.fnmatchcase(p, g) for g in ignore):
                continue
            if a.get(p) != b.get(p):
                diffs.append("%s: %r -> %r" % (p, a.get(p), b.get(p)))
        tap.ok(not diffs and bool(a), desc + " (%d values)" % len(a),
               diffs[:30] or ([] if a else ["snapshot %s is empty" % e["a"]]))
        return
    if run not in docs:
        tap.ok(False, desc, ["run %s printed no JSON report" % run])
        return
    changes = [c for c in docs[run].get("changes", []) if c.get("status") == "applied"]
    if kind == "changed":
        if e["if_snap"] and not any(e["if_has"] in p for p in snaps[e["if_snap"]]):
            tap.skip(desc, "no path in snapshot %s has %s" % (e["if_snap"], e["if_has"]))
            return
        hit = [c["id"] for c in changes if c["id"].startswith(e["prefix"])]
        tap.ok(bool(hit), desc + " (%d)" % len(hit),
               [] if hit else ["applied: " + " ".join(c["id"] for c in changes)])
        return
    a, b = snaps[e["a"]], snaps[e["b"]]
    problems = []
    for c in changes:
        target = c["target"]
        if target not in a and target not in b and c["old"] is not None:
            problems.append("%s: %s is not in the snapshots" % (c["id"], target))
            continue
        if kind == "applied":
            pairs = [(e["a"], a, c["old"]), (e["b"], b, c["new"])]
        else:
            pairs = [(e["a"], a, c["old"]), (e["b"], b, c["old"])]
        for sname, snap, want in pairs:
            got = snap.get(target)
            if got is not None and got.startswith(("md5:", "dir", "link:")):
                want = None if want is None else ("dir" if got == "dir" and want == ""
                                                  else md5(want))
                good = got == want
            elif want is None:
                good = got is None
            else:
                good = got is not None and same_value(got, want)
            if not good:
                problems.append("%s: %s in %s is %r, expected %r"
                                % (c["id"], target, sname, got, want))
    tap.ok(bool(changes) and not problems, desc + " (%d changes)" % len(changes),
           problems[:30] or ([] if changes else ["run %s applied no change" % run]))
