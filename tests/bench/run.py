#!/usr/bin/env python3
"""`make bench`: audit a large synthetic host tree and compare with the cost of reading it.

Usage: run.py RTHOSTCHECK GEN-TREE.PY RUSAGE OUTDIR [--runs 7] [--cpus 1024] [--irqs 4096] ...

Generates OUTDIR/tree with GEN-TREE.PY (kept between runs with the same parameters), audits it
--runs times and prints: the median wall time, the peak RSS of the audit (wait4's rusage, taken
by the small RUSAGE helper built from tests/bench/rusage.c), the number of files it opened
(strace -f -c, when strace is installed), the median time of merely reading the same files,
cat-style (the floor), and the ratio to the floor. Targets: <= 1.5x the floor and <= 8 MiB RSS.
The CPU time (user + system) of both is printed too: on a busy machine it varies less than the
wall time. The numbers are printed, never asserted.
"""
import argparse
import hashlib
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time


def run_child(rusage, argv):
    """Run argv through the rusage helper: (exit status, wall seconds, peak RSS in KiB,
    CPU seconds)."""
    out = subprocess.run([rusage] + argv, check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout.split()
    return int(out[2]), float(out[0]), int(out[1]), float(out[3]) + float(out[4])


def cpu_seconds():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def opened_files(binary, tree, outdir):
    """(number of open calls, [regular files opened]) from strace, or (None, None)."""
    strace = shutil.which("strace")
    if not strace:
        return None, None
    summary = os.path.join(outdir, "strace-summary.txt")
    subprocess.run([strace, "-f", "-c", "-o", summary, "-e", "trace=open,openat,openat2",
                    binary, "--root", tree], stdout=subprocess.DEVNULL, check=False)
    calls = 0
    with open(summary) as f:
        for line in f:
            cols = line.split()
            if cols and cols[-1] in ("open", "openat", "openat2") and len(cols) >= 5:
                calls += int(cols[3])
    trace = os.path.join(outdir, "strace-trace.txt")
    subprocess.run([strace, "-f", "-s", "4096", "-o", trace, "-e",
                    "trace=open,openat,openat2", binary, "--root", tree],
                   stdout=subprocess.DEVNULL, check=False)
    files = []
    pat = re.compile(r'open(?:at2?)?\((?:[^,]+, )?"([^"]*)".*\)\s+=\s+(\d+)')
    with open(trace) as f:
        for line in f:
            m = pat.search(line)
            if not m or "O_DIRECTORY" in line:
                continue
            path = m.group(1)
            full = path if path.startswith("/") else os.path.join(tree, path)
            if full.startswith(tree.rstrip("/") + "/") and os.path.isfile(full):
                files.append(full)
    return calls, files


def floor_time(files, tree):
    """(wall, CPU) seconds of merely reading files, cat-style: open relative to the root, read
    to EOF in 64 KiB chunks, close (in this process: no exec, no parsing)."""
    root = os.open(tree, os.O_PATH | os.O_DIRECTORY)
    rel = [os.path.relpath(p, tree) for p in files]
    cpu = cpu_seconds()
    start = time.perf_counter()
    for path in rel:
        fd = os.open(path, os.O_RDONLY, dir_fd=root)
        while os.read(fd, 65536):
            pass
        os.close(fd)
    wall = time.perf_counter() - start
    cpu = cpu_seconds() - cpu
    os.close(root)
    return wall, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary")
    ap.add_argument("generator")
    ap.add_argument("rusage")
    ap.add_argument("outdir")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--cpus", type=int, default=1024)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--nodes", type=int, default=8)
    ap.add_argument("--irqs", type=int, default=4096)
    a = ap.parse_args()

    binary = os.path.abspath(a.binary)
    rusage = os.path.abspath(a.rusage)
    outdir = os.path.abspath(a.outdir)
    tree = os.path.join(outdir, "tree")
    params = "cpus=%d threads=%d nodes=%d irqs=%d" % (a.cpus, a.threads, a.nodes, a.irqs)
    with open(a.generator, "rb") as f:  # a changed generator makes a new tree
        gen_id = hashlib.sha1(f.read()).hexdigest()[:12]
    stamp = os.path.join(outdir, "tree.stamp")
    os.makedirs(outdir, exist_ok=True)
    if not os.path.exists(stamp) or open(stamp).read() != params + " " + gen_id:
        print("bench: generating %s (%s)" % (tree, params), flush=True)
        subprocess.run([sys.executable, a.generator, tree, "--cpus", str(a.cpus), "--threads",
                        str(a.threads), "--nodes", str(a.nodes), "--irqs", str(a.irqs)],
                       check=True)
        with open(stamp, "w") as f:
            f.write(params + " " + gen_id)

    argv = [binary, "--root", tree]
    run_child(rusage, argv)  # warm the page cache
    walls, rss, cpus, codes = [], [], [], set()
    for _ in range(a.runs):
        code, wall, maxrss, cpu = run_child(rusage, argv)
        walls.append(wall)
        rss.append(maxrss)
        cpus.append(cpu)
        codes.add(code)
    json_walls = [run_child(rusage, argv + ["--json"])[1] for _ in range(a.runs)]

    calls, files = opened_files(binary, tree, outdir)
    if files is None:
        files = [os.path.join(d, f) for d, _, fs in os.walk(tree) for f in fs]
        what = "every file of the tree (no strace: an upper bound)"
    else:
        what = "the %d regular files the audit opened" % len(files)
    floor_time(files, tree)  # warm
    floors = [floor_time(files, tree) for _ in range(a.runs)]

    wall, floor = statistics.median(walls), statistics.median(f[0] for f in floors)
    cpu, floor_cpu = statistics.median(cpus), statistics.median(f[1] for f in floors)
    print("bench: %s, %d runs, exit status %s" % (params, a.runs, sorted(codes)))
    print("  wall time (median, text):   %8.1f ms   (min %.1f, max %.1f)"
          % (wall * 1e3, min(walls) * 1e3, max(walls) * 1e3))
    print("  wall time (median, --json): %8.1f ms" % (statistics.median(json_walls) * 1e3))
    print("  peak RSS:                   %8.1f MiB  (target <= 8 MiB)" % (max(rss) / 1024))
    print("  files opened:               %8s      (open/openat/openat2 calls)"
          % (calls if calls is not None else "n/a (no strace)"))
    print("  floor (reading %s): %.1f ms" % (what, floor * 1e3))
    print("  ratio to the floor:         %8.2fx     (target <= 1.5x)" % (wall / floor))
    print("  CPU time (median, text):    %8.1f ms   (floor %.1f ms: %.2fx)"
          % (cpu * 1e3, floor_cpu * 1e3, cpu / floor_cpu if floor_cpu else float("inf")))


if __name__ == "__main__":
    main()
