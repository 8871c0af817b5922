#!/usr/bin/env python3
"""Generate a large synthetic host tree for `make bench`.

Usage: gen-tree.py DIR [--cpus 1024] [--threads 2] [--nodes 8] [--irqs 4096]

A two-socket host: CPUs 0..N/2-1 are the first threads of the cores, N/2..N-1 their SMT
siblings (the x86 enumeration order), NUMA nodes split the cores evenly, the first core of each
node (with its sibling) is housekeeping and every other CPU is isolated on the command line and
in sysfs. IRQs have /proc/irq/N/{smp_affinity,smp_affinity_list,effective_affinity_list,node}
and a matching /proc/interrupts; plus the other files the checks read, as a recent kernel has
them (topology, node cpulists, hugepage pools, cpufreq, cpuidle, machine check, per-CPU clock
event devices, sysctls, workqueue masks).
Deterministic: the same arguments give the same tree.
"""
import argparse
import os
import shutil


def cpulist(cpus):
    """Canonical cpulist of an iterable of CPU numbers."""
    out, cpus = [], sorted(set(cpus))
    i = 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        out.append(str(cpus[i]) if i == j else "%d-%d" % (cpus[i], cpus[j]))
        i = j + 1
    return ",".join(out)


def cpumask(cpus, ncpus):
    """The kernel's hex mask format: comma-separated 32-bit groups, most significant first."""
    bits = 0
    for c in cpus:
        bits |= 1 << c
    groups = max(1, (ncpus + 31) // 32)
    return ",".join("%08x" % ((bits >> (32 * g)) & 0xFFFFFFFF) for g in reversed(range(groups)))


class Tree:
    def __init__(self, root):
        self.root = root
        self.dirs = set()

    def write(self, path, content):
        full = os.path.join(self.root, path.lstrip("/"))
        d = os.path.dirname(full)
        if d not in self.dirs:
            os.makedirs(d, exist_ok=True)
            self.dirs.add(d)
        with open(full, "w") as f:
            f.write(content if content.endswith("\n") else content + "\n")


def generate(root, ncpus, threads, nnodes, nirqs):
    t = Tree(root)
    ncores = ncpus // threads
    cores_per_node = ncores // nnodes
    sockets = 2 if nnodes % 2 == 0 else 1

    def siblings(core):
        return [core + k * ncores for k in range(threads)]

    node_cpus = [[c for core in range(n * cores_per_node, (n + 1) * cores_per_node)
                  for c in siblings(core)] for n in range(nnodes)]
    hk = sorted(c for n in range(nnodes) for c in siblings(n * cores_per_node))
    iso = sorted(set(range(ncpus)) - set(hk))
    all_cpus = range(ncpus)
    iso_s, hk_s = cpulist(iso), cpulist(hk)

    # Kernel, command line, sysctls.
    release = "6.1.0-28-rt-amd64"
    t.write("/proc/sys/kernel/osrelease", release)
    t.write("/proc/sys/kernel/version", "#1 SMP PREEMPT_RT Debian 6.1.119-1 (2024-11-22)")
    t.write("/proc/sys/kernel/hostname", "bench-%dcpu" % ncpus)
    t.write("/proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz-%s root=/dev/mapper/vg-root ro quiet "
            "isolcpus=managed_irq,domain,%s nohz=on nohz_full=%s rcu_nocbs=%s irqaffinity=%s "
            "skew_tick=1 tsc=reliable nosoftlockup nmi_watchdog=0 mce=ignore_ce audit=0 "
            "intel_iommu=on iommu=pt default_hugepagesz=1G hugepagesz=1G hugepages=%d "
            "rcupdate.rcu_normal_after_boot=1 rcutree.kthread_prio=11"
            % (release, iso_s, iso_s, iso_s, hk_s, 4 * nnodes))
    sysctls = {
        "kernel/sched_rt_runtime_us": "-1", "kernel/sched_rt_period_us": "1000000",
        "kernel/numa_balancing": "0", "kernel/timer_migration": "0",
        "kernel/nmi_watchdog": "0", "kernel/watchdog": "0", "kernel/soft_watchdog": "0",
        "kernel/watchdog_cpumask": hk_s, "kernel/hung_task_timeout_secs": "600",
        "kernel/split_lock_mitigate": "0", "vm/stat_interval": "10", "vm/swappiness": "10",
        "vm/compact_unevictable_allowed": "0", "net/core/busy_read": "0",
        "net/core/busy_poll": "0", "net/core/rps_default_mask": "0",
    }
    for k, v in sysctls.items():
        t.write("/proc/sys/" + k, v)
    t.write("/proc/cpuinfo", "".join(
        "processor\t: %d\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\n"
        "model name\t: Synthetic Xeon\nphysical id\t: %d\nsiblings\t: %d\ncore id\t\t: %d\n"
        "cpu cores\t: %d\nflags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca "
        "cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm "
        "constant_tsc nonstop_tsc tsc_deadline_timer x2apic vmx avx avx2 avx512f\n\n"
        % (c, (c % ncores) * sockets // ncores, ncpus // sockets, c % ncores,
           ncores // sockets) for c in all_cpus))
    t.write("/proc/meminfo", "MemTotal:       2113929216 kB\nHugePages_Total:   %d\n"
            "Hugepagesize:       2048 kB\n" % (4 * nnodes))
    t.write("/proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority")

    # CPU topology, cpufreq, cpuidle, machine check.
    cpu = "/sys/devices/system/cpu"
    for name, v in (("possible", "0-%d" % (ncpus - 1)), ("present", "0-%d" % (ncpus - 1)),
                    ("online", "0-%d" % (ncpus - 1)), ("offline", ""), ("kernel_max", "8191"),
                    ("isolated", iso_s), ("nohz_full", iso_s), ("smt/control", "on"),
                    ("smt/active", "1"), ("cpuidle/current_driver", "intel_idle"),
                    ("cpuidle/current_governor", "menu"), ("intel_pstate/status", "passive"),
                    ("intel_pstate/no_turbo", "1")):
        t.write("%s/%s" % (cpu, name), v)
    states = (("POLL", 0), ("C1", 2), ("C1E", 10), ("C6", 170))
    package_cpus = [[c for c in all_cpus if (c % ncores) * sockets // ncores == p]
                    for p in range(sockets)]
    for c in all_cpus:
        core = c % ncores
        d = "%s/cpu%d" % (cpu, c)
        sib = cpulist(siblings(core))
        node = next(n for n in range(nnodes) if c in node_cpus[n])
        if c:
            t.write(d + "/online", "1")
        t.write(d + "/topology/physical_package_id", str(core * sockets // ncores))
        t.write(d + "/topology/die_id", "0")
        t.write(d + "/topology/core_id", str(core))
        t.write(d + "/topology/thread_siblings_list", sib)
        t.write(d + "/topology/core_cpus_list", sib)
        t.write(d + "/topology/thread_siblings", cpumask(siblings(core), ncpus))
        t.write(d + "/topology/package_cpus_list",
                cpulist(package_cpus[core * sockets // ncores]))
        t.write(d + "/cpufreq/scaling_governor", "performance")
        t.write(d + "/cpufreq/scaling_driver", "intel_cpufreq")
        t.write(d + "/power/pm_qos_resume_latency_us", "0")
        for i, (name, lat) in enumerate(states):
            t.write("%s/cpuidle/state%d/name" % (d, i), name)
            t.write("%s/cpuidle/state%d/latency" % (d, i), str(lat))
            t.write("%s/cpuidle/state%d/disable" % (d, i), "1" if lat > 10 and c in iso else "0")
        os.symlink("../../node/node%d" % node, os.path.join(root, d.lstrip("/"), "node%d" % node))
        t.write("/sys/devices/system/machinecheck/machinecheck%d/ignore_ce" % c, "1")
        t.write("/sys/devices/system/machinecheck/machinecheck%d/check_interval" % c, "300")
        t.write("/sys/devices/system/clockevents/clockevent%d/current_device" % c,
                "lapic-deadline")

    # NUMA nodes and hugepages.
    pools = (("hugepages-2048kB", 0), ("hugepages-1048576kB", 4))
    for n in range(nnodes):
        d = "/sys/devices/system/node/node%d" % n
        t.write(d + "/cpulist", cpulist(node_cpus[n]))
        t.write(d + "/cpumap", cpumask(node_cpus[n], ncpus))
        for pool, count in pools:
            for f in ("nr_hugepages", "free_hugepages", "surplus_hugepages"):
                t.write("%s/hugepages/%s/%s" % (d, pool, f), str(count if f != "surplus_hugepages"
                                                                 else 0))
    t.write("/sys/devices/system/node/possible", "0-%d" % (nnodes - 1))
    t.write("/sys/devices/system/node/online", "0-%d" % (nnodes - 1))
    for pool, count in pools:
        for f in ("nr_hugepages", "free_hugepages", "resv_hugepages", "surplus_hugepages"):
            t.write("/sys/kernel/mm/hugepages/%s/%s" % (pool, f),
                    str(count * nnodes if f in ("nr_hugepages", "free_hugepages") else 0))
    t.write("/sys/kernel/mm/transparent_hugepage/enabled", "always madvise [never]")
    t.write("/sys/kernel/mm/transparent_hugepage/defrag", "always defer defer+madvise madvise "
            "[never]")
    t.write("/sys/kernel/mm/ksm/run", "2")
    t.write("/sys/devices/virtual/workqueue/cpumask", cpumask(hk, ncpus))
    t.write("/sys/bus/workqueue/devices/writeback/cpumask", cpumask(hk, ncpus))
    t.write("/sys/devices/system/clocksource/clocksource0/current_clocksource", "tsc")
    t.write("/sys/devices/system/clocksource/clocksource0/available_clocksource", "tsc hpet "
            "acpi_pm")

    # IRQs: the first quarter are per-CPU-less legacy/platform IRQs on housekeeping CPUs, the
    # rest are managed multi-queue vectors, one per CPU in turn (those on isolated CPUs are what
    # the IRQ checks report).
    t.write("/proc/irq/default_smp_affinity", cpumask(hk, ncpus))
    prec = len(str(nirqs))
    lines = [(" " * (prec + 8) + "".join("CPU%-8d" % c for c in all_cpus)).rstrip()]
    zero_row = "%10u " % 0 * ncpus
    for irq in range(nirqs):
        if irq < nirqs // 4:
            aff = hk
        else:
            aff = [irq % ncpus]
        node = next(n for n in range(nnodes) if aff[0] in node_cpus[n])
        d = "/proc/irq/%d" % irq
        t.write(d + "/smp_affinity", cpumask(aff, ncpus))
        t.write(d + "/smp_affinity_list", cpulist(aff))
        t.write(d + "/effective_affinity_list", str(aff[0]))
        t.write(d + "/effective_affinity", cpumask(aff[:1], ncpus))
        t.write(d + "/node", str(node))
        counts = zero_row
        if irq % 7 == 0:
            c = aff[0]
            counts = zero_row[:11 * c] + "%10u " % (1000 + irq) + zero_row[11 * (c + 1):]
        kind = ("IR-IO-APIC    %d-edge      timer" % irq if irq < nirqs // 4
                else "IR-PCI-MSIX-0000:%02x:00.0 %d-edge      nvme0q%d" % (irq // 256, irq, irq))
        lines.append("%*d: %s %s" % (prec, irq, counts, kind))
    for name, desc in (("NMI", "Non-maskable interrupts"), ("LOC", "Local timer interrupts"),
                       ("RES", "Rescheduling interrupts"), ("CAL", "Function call interrupts"),
                       ("TLB", "TLB shootdowns")):
        lines.append("%*s: %s %s" % (prec, name, zero_row, desc))
    lines.append("%*s: %10u" % (prec, "ERR", 0))
    lines.append("%*s: %10u" % (prec, "MIS", 0))
    t.write("/proc/interrupts", "\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--cpus", type=int, default=1024)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--nodes", type=int, default=8)
    ap.add_argument("--irqs", type=int, default=4096)
    a = ap.parse_args()
    if a.cpus % (a.threads * a.nodes):
        ap.error("--cpus must be a multiple of --threads x --nodes")
    if os.path.exists(a.dir):
        shutil.rmtree(a.dir)
    os.makedirs(a.dir)
    generate(a.dir, a.cpus, a.threads, a.nodes, a.irqs)


if __name__ == "__main__":
    main()
