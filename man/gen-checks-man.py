#!/usr/bin/env python3
"""Generate man/rthostcheck-checks.7 from the built binary (a dev-time step: `make update-man`).

Usage: gen-checks-man.py RTHOSTCHECK > rthostcheck-checks.7

Reads `RTHOSTCHECK --list-checks --json` and `RTHOSTCHECK --explain ID --json` for every ID, and
writes man(7) roff: one entry per check, in catalog order, grouped by category. The output is
committed, so that building the project needs no generator; tests/cli/test-man.sh fails when a
check ID is missing from the committed page.
"""
import json
import os
import subprocess
import sys
import textwrap
import time

CATEGORIES = {
    "kernel": "Kernel build",
    "cmdline": "Kernel command line",
    "cpu": "CPU topology and partitioning",
    "sched": "Scheduler and RT throttling",
    "timer": "Ticks and clocks",
    "wd": "Watchdogs",
    "rcu": "RCU",
    "irq": "Interrupts",
    "wq": "Workqueues",
    "net": "Networking",
    "power": "Power management",
    "mem": "Memory",
    "kvm": "KVM",
    "mod": "Kernel modules",
    "svc": "Services",
    "proc": "Processes and threads",
    "vm": "Running virtual machines",
    "hw": "Hardware and firmware",
    "guest": "Guest-only checks",
    "xcheck": "Cross-checks between settings",
}

# The source tags that the checks' "sources" fields use (spec/checks.md, section 0.3).
TAGS = {
    "KP": "Linux: Documentation/admin-guide/kernel-parameters.txt",
    "NOHZ": "Linux: Documentation/timers/no_hz.rst",
    "KTH": "Linux: Documentation/admin-guide/kernel-per-CPU-kthreads.rst",
    "IRQA": "Linux: Documentation/core-api/irq/irq-affinity.rst",
    "CG2": "Linux: Documentation/admin-guide/cgroup-v2.rst (cpuset partitions)",
    "SYSK": "Linux: Documentation/admin-guide/sysctl/kernel.rst",
    "SYSVM": "Linux: Documentation/admin-guide/sysctl/vm.rst",
    "HUGE": "Linux: Documentation/admin-guide/mm/hugetlbpage.rst",
    "KVMID": "Linux: Documentation/virt/kvm/x86/cpuid.rst",
    "HK": "Linux: kernel/sched/isolation.c, housekeeping_setup()",
    "MIRQ": "Linux commit 11ea68f553e2, \"genirq, sched/isolation: Isolate from handling "
            "managed interrupts\"",
    "WQ": "Linux commits b5149873a0c2 and 1bda3f8087fc (unbound workqueues and isolated CPUs)",
    "FAIR": "Linux commits d741f297bcea (fair server), 5f6bd380c7bd, b1536481c81f",
    "CPISO": "Linux commit f28e22441f35, \"cgroup/cpuset: Add a new isolated cpus.partition "
             "type\"",
    "RTGS": "Linux commit 20d46283f5d6 (RT tasks and the cgroup v2 cpu controller); "
            "systemd issue 13781",
    "HPOLL": "Linux: arch_haltpoll_want() (cpuidle-haltpoll and KVM_HINTS_REALTIME)",
    "RTSYSFS": "PREEMPT_RT patch \"sysfs: Add /sys/kernel/realtime entry\"",
    "T-RT": "tuned: profiles/realtime/tuned.conf",
    "T-RVH": "tuned: profiles/realtime-virtual-host/{tuned.conf,script.sh}",
    "T-RVG": "tuned: profiles/realtime-virtual-guest/tuned.conf",
    "T-NL": "tuned: profiles/network-latency",
    "T-LP": "tuned: profiles/latency-performance",
    "T-CP": "tuned: profiles/cpu-partitioning",
    "T-FN": "tuned: profiles/functions",
    "T-CPU": "tuned: tuned/plugins/plugin_cpu.py",
    "T-ENT": "tuned: tuned/plugins/plugin_rtentsk.py",
    "NTO": "OpenShift cluster-node-tuning-operator: performance profile tuned assets",
    "NTO-IRQ": "OpenShift cluster-node-tuning-operator: docs/performanceprofile/"
               "irq-load-balancing.md",
    "NTO-HP": "OpenShift cluster-node-tuning-operator: hugepages-allocation.sh",
    "NTO-IB": "OpenShift cluster-node-tuning-operator: clear-irqbalance-banned-cpus.sh",
    "NTO-RPS": "OpenShift cluster-node-tuning-operator: set-rps-mask.sh",
    "NTO-PPC": "OpenShift cluster-node-tuning-operator: profilecreator (nosmt)",
    "RH7": "Red Hat Enterprise Linux for Real Time 7, Tuning Guide",
    "RH8": "Optimizing RHEL 8 for Real Time for low latency operation",
    "UBU": "Ubuntu real-time documentation (documentation.ubuntu.com/real-time)",
    "UBU-VM": "Ubuntu real-time documentation: create an RT Ubuntu VM using KVM",
    "UBU-CS": "Ubuntu real-time documentation: isolate workloads with cpusets",
    "UBU-IRQ": "Ubuntu real-time documentation: tune IRQ affinity",
    "UBU-TCC": "Ubuntu real-time documentation: Intel TCC kernel parameters",
    "LV": "libvirt: KVM real time guest configuration (libvirt.org/kbase/kvm-realtime.html)",
    "SUSE": "SUSE Edge telco documentation: kernel arguments",
    "STX": "StarlingX kernel patch \"Kernel Threads Compute CPU Affinity\" (kthread_cpus=)",
    "PARTRT": "OpenEneaLinux rt-tools: partrt",
    "IRQB": "irqbalance: cputree.c setup_banned_cpus() and misc/irqbalance.env",
    "ICE": "Linux ice driver patch \"use irq_update_affinity_hint\"",
    "MPT": "multipath-tools 0.9.9 release notes (multipathd real-time priority)",
}


def esc(text):
    """Escape text for roff: backslashes, minus signs and non-ASCII characters."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\e")
        elif ch == "-":
            out.append("\\-")
        elif ord(ch) > 126 or (ord(ch) < 32 and ch != "\n"):
            out.append("\\[u%04X]" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def para(text):
    """Escaped text, wrapped for the lint's 80 columns; no line starts as a request."""
    lines = textwrap.wrap(esc(text), 79, break_long_words=False, break_on_hyphens=False)
    return "\n".join("\\&" + line if line[:1] in (".", "'") else line for line in lines)


def run_json(binary, *args):
    out = subprocess.run([binary, *args], check=True, stdout=subprocess.PIPE).stdout
    return json.loads(out)


def yes_no(flag):
    return "yes" if flag else "no"


def entry(c):
    lines = [".SS %s" % esc(c["id"]), para(c["title"] + "."), ".TP 10", ".B Facts"]
    facts = "Category %s; modes: %s; fixed by --apply: %s; the fix needs a reboot: %s." % (
        c["category"], c["modes"], yes_no(c["automated_fix"]), yes_no(c["needs_reboot"]))
    if c.get("needs_live_host"):
        facts += " Needs the live host: skipped under --root."
    if c.get("sampled"):
        facts += " A timed check: runs only with --sample."
    lines.append(para(facts))
    for key, label in (("reads", "Reads"), ("why", "Why"), ("pass", "Passes"),
                       ("remedy", "Remedy"), ("sources", "Sources")):
        lines += [".TP", ".B " + label, para(c.get(key) or "\u2014")]
    return lines


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    version = subprocess.run([binary, "--version"], check=True, stdout=subprocess.PIPE,
                             universal_newlines=True).stdout.split()[-1]
    date = time.strftime("%Y-%m-%d", time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH",
                                                                     time.time()))))
    checks = [run_json(binary, "--explain", c["id"], "--json")
              for c in run_json(binary, "--list-checks", "--json")["checks"]]

    out = [
        ".\\\" Generated by man/gen-checks-man.py from `rthostcheck --list-checks --json` and",
        ".\\\" `rthostcheck --explain ID --json`: do not edit, run `make update-man`.",
        ".TH RTHOSTCHECK\\-CHECKS 7 %s \"rthostcheck %s\" \"Miscellaneous Information\""
        % (date, version),
        ".SH NAME",
        "rthostcheck\\-checks \\- the checks of rthostcheck",
        ".SH DESCRIPTION",
        para("This page lists every check of rthostcheck(8) in catalog order, which is also "
             "the order of the reports. Each check has a stable dotted ID, used by --check, "
             "--skip and --explain, as the JSON id, the JUnit test name, the Prometheus check "
             "label and in profiles. For each check: what it reads, why it matters for "
             "real-time work, when it passes, and the remedy. Remedy tags: RT is a runtime "
             "write (lost at reboot unless persisted), CFG a persistent configuration file, "
             "BOOT a kernel command line change and a reboot, BIOS a firmware setting. "
             "ISO is the set of isolated (RT) CPUs, HK the housekeeping CPUs (online CPUs "
             "minus ISO)."),
        ".PP",
        para("A check that cannot read what it needs reports error, never pass; a missing "
             "interface is not_applicable only where the interface is optional."),
    ]
    category = None
    for c in checks:
        if c["category"] != category:
            category = c["category"]
            out.append(".SH \"%s\"" % esc(CATEGORIES.get(category, category).upper()))
        out += entry(c)

    used = sorted({t.strip("[]") for c in checks for t in (c.get("sources") or "").split()
                   if t.startswith("[") and t.endswith("]") and t.strip("[]") in TAGS})
    if used:
        out += [".SH SOURCES", para("The tags in the Sources fields:")]
        for tag in used:
            out += [".TP", ".B [%s]" % esc(tag), para(TAGS[tag])]
    out += [".SH SEE ALSO", ".BR rthostcheck (8),", ".BR rthostcheck.profile (5)"]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
