/*
 * Checks of the irq family (spec/checks.md §5, with cmdline.irqaffinity, cmdline.iommu and the
 * IRQ cross-checks of §12). The run hooks live in checks/irq-*.c.
 */
#include "check.h"
#include "irq.h"

const struct rthc_check rthc_checks_irq[] = {
	{
		.id = "cmdline.irqaffinity",
		.title = "The default IRQ affinity avoids isolated CPUs",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/proc/cmdline irqaffinity=; /proc/irq/default_smp_affinity (hex mask)",
		.why = "New and unmanaged IRQs (device probe, SR-IOV VF hot-add, driver reload) start on "
		       "the default affinity; if it includes isolated CPUs they land there.",
		.pass = "default_smp_affinity ∩ ISO = ∅, and irqaffinity= (if given) will not put isolated "
			"CPUs back at the next boot",
		.remedy = "RT write the housekeeping mask to /proc/irq/default_smp_affinity; BOOT "
			  "irqaffinity=<HK>",
		.sources = "[UBU] [T-RVH] [IRQA]",
		.run = irq_check_cmdline_irqaffinity,
	},
	{
		.id = "cmdline.iommu",
		.title = "IOMMU configuration for device passthrough",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_HOST,
		.reads = "/proc/cmdline intel_iommu=, amd_iommu=, iommu=; /sys/class/iommu/*; PCI devices "
			 "bound to vfio-pci (/sys/bus/pci/devices/*/driver)",
		.why = "VFIO and SR-IOV passthrough need an active IOMMU; iommu=pt spares host-owned devices "
		       "the DMA remapping cost.",
		.pass = "informational: IOMMU units, parameters and vfio-pci devices are reported",
		.remedy = "BOOT intel_iommu=on iommu=pt (AMD: iommu=pt)",
		.sources = "[NTO]",
		.run = irq_check_cmdline_iommu,
	},
	{
		.id = "irq.affinity",
		.title = "Movable device IRQs avoid isolated CPUs",
		.category = RTHC_CAT_IRQ,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/proc/interrupts (names); /proc/irq/N/{effective_affinity_list,smp_affinity_list,"
			 "node}; /sys/kernel/debug/irq/irqs/N when readable; PCI devices (msi_irqs/, net/, "
			 "numa_node) through libpci and sysfs",
		.why = "A device interrupt (NIC, NVMe, HBA) on an isolated CPU preempts the RT task for the "
		       "hard IRQ and its softirq work.",
		.pass = "for every movable IRQ with a handler, the effective affinity "
			"(effective_affinity_list, else smp_affinity_list) ∩ ISO = ∅; a requested mask that "
			"includes ISO while the effective one avoids it warns; managed and per-CPU IRQs are "
			"left to irq.managed",
		.remedy = "RT echo <HK> > /proc/irq/N/smp_affinity_list (managed IRQs refuse with EIO: see "
			  "irq.managed); keep irqbalance off ISO",
		.sources = "[IRQA] [T-RT] [NTO-IRQ] [UBU-IRQ]",
		.run = irq_check_affinity,
	},
	{
		.id = "irq.managed",
		.title = "Kernel-managed IRQs on isolated CPUs",
		.category = RTHC_CAT_IRQ,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "/sys/kernel/debug/irq/irqs/N (IRQD_AFFINITY_MANAGED, IRQD_PER_CPU, "
			 "IRQD_NO_BALANCING); without debugfs, driver queue names (nvmeXqN with N > 0, "
			 "virtioX-req.N, virtioX-request, hpsa/mpt3sas/megasas msix vectors, smartpqi); "
			 "/proc/irq/N/effective_affinity_list; /proc/interrupts counts on isolated CPUs",
		.why = "Managed (per-queue) IRQs cannot be moved: writes to smp_affinity fail with EIO. A "
		       "managed queue on an isolated CPU fires only for I/O submitted there.",
		.pass = "every managed IRQ's effective affinity ⊆ HK (pass), or it targets ISO but has never "
			"fired there (info); one that has fired on ISO warns",
		.remedy = "BOOT isolcpus=managed_irq,domain,<ISO>; fewer queues (ethtool -L <if> combined "
			  "<#HK>)",
		.sources = "[MIRQ] [T-RT] [SUSE]",
		.run = irq_check_managed,
	},
	{
		.id = "irq.counts",
		.title = "No device IRQ fires on isolated CPUs during a sample",
		.category = RTHC_CAT_IRQ,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_SAMPLED | RTHC_CHECK_NEEDS_LIVE,
		.reads = "/proc/interrupts twice, --sample seconds apart",
		.why = "Masks say where IRQs may go; counts say where they went. Managed queues and "
		       "misreporting controllers show up only here.",
		.pass = "device rows: delta 0 on every isolated CPU; LOC (arm64 arch_timer) ≤ "
			"irq_loc_max_rate (default 2/s) on nohz_full CPUs; RES, CAL, TLB, IWI, MCP, THR and "
			"IPIn ≤ irq_ipi_max_rate (default 1/s) on isolated CPUs",
		.remedy = "diagnose the source of each counter (irq.affinity, irq.managed, timers, IPIs)",
		.sources = "[IRQA] [NOHZ] [KTH]",
		.run = irq_check_counts,
	},
	{
		.id = "irq.irqbalance",
		.title = "irqbalance keeps IRQs off isolated CPUs",
		.category = RTHC_CAT_IRQ,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "irqbalance.service unit state (systemd unit files, /run/systemd/units on a live "
			 "host); its EnvironmentFile= files, else /etc/default/irqbalance (Debian) and "
			 "/etc/sysconfig/irqbalance (RHEL): IRQBALANCE_BANNED_CPUS, IRQBALANCE_BANNED_CPULIST, "
			 "IRQBALANCE_ARGS",
		.why = "irqbalance rewrites IRQ affinities every 10 s; unless it bans the isolated CPUs it "
		       "moves IRQs back onto them.",
		.pass = "irqbalance absent, masked or disabled; or its banned set ⊇ ISO. The banned set is "
			"IRQBALANCE_BANNED_CPUS (hex, deprecated) when non-empty, else "
			"IRQBALANCE_BANNED_CPULIST; with neither set, isolated ∪ nohz_full; a set but empty "
			"or unparsable variable bans nothing and disables the automatic ban",
		.remedy = "CFG IRQBALANCE_BANNED_CPULIST=<ISO> in the environment file and restart "
			  "irqbalance, or disable it; tuned [irqbalance] banned_cpus",
		.sources = "[IRQB] [T-RT] [NTO-IB] [UBU-IRQ]",
		.run = irq_check_irqbalance,
	},
	{
		.id = "irq.threads",
		.title = "Threaded IRQ handlers stay on housekeeping CPUs",
		.category = RTHC_CAT_IRQ,
		.modes = RTHC_MODE_BOTH,
		.reads = "PREEMPT_RT or threadirqs; /proc/<pid>/status Cpus_allowed_list of the irq/N-name "
			 "kernel threads; debugfs or queue names for managed IRQs",
		.why = "On PREEMPT_RT handlers run in irq/N-name SCHED_FIFO threads; one on an isolated CPU "
		       "preempts the RT task like the hard IRQ would.",
		.pass = "every irq/N thread's allowed CPUs ⊆ HK (threads of managed IRQs excepted)",
		.remedy = "move the IRQ (its thread follows smp_affinity)",
		.sources = "[KTH]",
		.run = irq_check_threads,
	},
	{
		.id = "wq.unbound_cpumask",
		.title = "Unbound workqueues avoid isolated CPUs",
		.category = RTHC_CAT_WQ,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/sys/devices/virtual/workqueue/cpumask (hex); per-workqueue "
			 "/sys/devices/virtual/workqueue/*/cpumask for evidence",
		.why = "Unbound kworkers run anywhere in this mask; on an isolated CPU they preempt the RT "
		       "task.",
		.pass = "cpumask ∩ ISO = ∅ (the kernel excludes isolcpus domain and nohz_full CPUs by "
			"default)",
		.remedy = "RT write the housekeeping hex mask to /sys/devices/virtual/workqueue/cpumask",
		.sources = "[T-RT] [T-CP] [WQ] [KTH]",
		.run = irq_check_wq_unbound,
	},
	{
		.id = "wq.writeback",
		.title = "Writeback work avoids isolated CPUs",
		.category = RTHC_CAT_WQ,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/sys/bus/workqueue/devices/writeback/cpumask (+ numa on old kernels); "
			 "/sys/devices/virtual/workqueue/cpumask",
		.why = "Dirty-page flushing runs in the writeback workqueue; the kernel clips its mask by "
		       "the unbound workqueue mask.",
		.pass = "writeback cpumask ∩ unbound cpumask ∩ ISO = ∅ (the kernel's effective mask)",
		.remedy = "RT write the housekeeping hex mask to the writeback cpumask (partrt also numa=0)",
		.sources = "[T-RT] [PARTRT]",
		.run = irq_check_wq_writeback,
	},
	{
		.id = "net.rps",
		.title = "RPS does not steer packets to isolated CPUs",
		.category = RTHC_CAT_NET,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/sys/class/net/*/queues/rx-*/rps_cpus; /proc/sys/net/core/rps_default_mask "
			 "(6.3+)",
		.why = "Receive Packet Steering runs the receive softirq on the listed CPUs.",
		.pass = "every mask is 0 or ⊆ HK",
		.remedy = "RT write 0 (or a housekeeping mask); CFG udev rule and sysctl "
			  "net.core.rps_default_mask",
		.sources = "[NTO-RPS]",
		.run = irq_check_net_rps,
	},
	{
		.id = "net.queues",
		.title = "NIC queue counts fit the housekeeping CPUs",
		.category = RTHC_CAT_NET,
		.modes = RTHC_MODE_HOST,
		.reads = "/sys/class/net/*/queues/rx-* of interfaces with a device link (the channels in "
			 "use, as ethtool -l reports them; no ioctl needed)",
		.why = "Each queue has an IRQ; more queues than housekeeping CPUs spreads (managed) IRQs "
		       "onto isolated CPUs.",
		.pass = "informational: NICs with more receive queues than housekeeping CPUs are listed",
		.remedy = "RT ethtool -L <if> combined <#HK>",
		.sources = "[T-RT]",
		.run = irq_check_net_queues,
	},
	{
		.id = "net.busy_poll",
		.title = "Socket busy polling",
		.category = RTHC_CAT_NET,
		.modes = RTHC_MODE_BOTH,
		.reads = "/proc/sys/net/core/busy_read, /proc/sys/net/core/busy_poll",
		.why = "Busy polling trades CPU for latency; vendors disagree (tuned network-latency 50 µs, "
		       "OpenShift's RT profile 0).",
		.pass = "informational",
		.remedy = "sysctl net.core.busy_read / net.core.busy_poll",
		.sources = "[T-NL] [NTO]",
		.run = irq_check_net_busy_poll,
	},
	{
		.id = "xcheck.irq_vs_iso",
		.title = "No interrupt or unbound-work path reaches isolated CPUs",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.reads = "/proc/irq/default_smp_affinity; movable IRQs' effective affinity; RPS masks; "
			 "workqueue and writeback cpumasks; /proc/sys/kernel/watchdog_cpumask; "
			 "Cpus_allowed_list of PID 1 and kthreadd",
		.why = "Each is a separate jitter path; one summary shows all of them at once.",
		.pass = "every mask ∩ ISO = ∅ (fail for device IRQs, warn for the others)",
		.remedy = "see irq.affinity, cmdline.irqaffinity, net.rps, wq.*, wd.watchdog_cpumask, "
			  "cmdline.systemd_affinity",
		.sources = "§5, §9",
		.run = irq_check_xirq_vs_iso,
	},
	{
		.id = "xcheck.irqaffinity_complement",
		.title = "irqaffinity= is the complement of the isolated set",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline irqaffinity=; online and isolated CPUs",
		.why = "tuned's realtime-virtual-* profiles derive irqaffinity from isolated_cores; a "
		       "mismatch either leaks IRQs onto ISO or idles housekeeping CPUs.",
		.pass = "irqaffinity= ∩ online == HK (not applicable without irqaffinity=)",
		.remedy = "BOOT irqaffinity=<HK>",
		.sources = "[T-RVH]",
		.run = irq_check_xirqaffinity,
	},
	{
		.id = "xcheck.irqbalance_ban",
		.title = "The irqbalance ban list covers the isolated CPUs",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.reads = "the irqbalance environment files (see irq.irqbalance), whether or not it runs",
		.why = "An explicitly set (even empty) IRQBALANCE_BANNED_CPULIST turns off irqbalance's "
		       "automatic ban of isolated and nohz_full CPUs; a stale list breaks the next start.",
		.pass = "banned ⊇ ISO",
		.remedy = "CFG IRQBALANCE_BANNED_CPULIST=<ISO>",
		.sources = "[IRQB]",
		.run = irq_check_xirqbalance,
	},
	{0},
};
