/*
 * Checks of the mem-tuning family: memory settings of spec/checks.md §7 (mem.hugepages is in
 * checks/mem.c), cmdline.hugepages (§1) and the memory cross-checks of §12. The run functions
 * live in mem-tuning-{vm,swap,huge,hpcmd}.c.
 */
#include "mem-tuning.h"

const struct rthc_check rthc_checks_mem_tuning[] = {
	{
		.id = "mem.hugetlbfs",
		.title = "1 GiB hugepages have a hugetlbfs mount",
		.category = RTHC_CAT_MEM,
		.modes = RTHC_MODE_HOST,
		.reads = "/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages; /proc/mounts "
			 "(type hugetlbfs, option pagesize=1024M); /proc/meminfo Hugepagesize",
		.why = "QEMU/libvirt map 1 GiB pages through a hugetlbfs mount of that page size; "
		       "without one the reserved pages sit unused.",
		.pass = "when 1 GiB pages are reserved, a hugetlbfs is mounted with pagesize=1024M "
			"(or without the option while 1 GiB is the default size)",
		.remedy = "CFG a mount unit: hugetlbfs -o pagesize=1G at /dev/hugepages1G",
		.sources = "[LV]",
		.run = rthc_mem_hugetlbfs,
	},
	{
		.id = "mem.thp",
		.title = "Transparent hugepages are off",
		.category = RTHC_CAT_MEM,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/sys/kernel/mm/transparent_hugepage/{enabled,defrag}, "
			 "hugepages-<size>kB/enabled (6.8+ per-size THP)",
		.why = "khugepaged scans and collapses, and fault-time compaction stalls the "
		       "faulting task; QEMU madvises guest RAM, so madvise mode still applies to "
		       "guests.",
		.pass = "enabled is [never] and no per-size control is always/madvise (defrag "
			"reported); a kernel without CONFIG_TRANSPARENT_HUGEPAGE passes",
		.remedy = "RT echo never > /sys/kernel/mm/transparent_hugepage/enabled; "
			  "BOOT transparent_hugepage=never",
		.sources = "[T-NL] [NTO]",
		.run = rthc_mem_thp,
	},
	{
		.id = "mem.ksm",
		.title = "KSM is stopped",
		.category = RTHC_CAT_MEM,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/sys/kernel/mm/ksm/run; ksm.service and ksmtuned.service unit files (and "
			 "state when live)",
		.why = "ksmd scans (it has been seen running on isolated CPUs) and merged pages "
		       "take copy-on-write faults.",
		.pass = "run is 0 or 2, and neither ksm.service nor ksmtuned.service is enabled or "
			"running",
		.remedy = "RT echo 2 > /sys/kernel/mm/ksm/run; CFG systemctl disable --now ksm "
			  "ksmtuned; libvirt <nosharepages/>",
		.sources = "[T-RVH] [T-FN] [LV] [UBU-CS]",
		.run = rthc_mem_ksm,
	},
	{
		.id = "mem.swap",
		.title = "No swap, or RT memory is locked; low swappiness",
		.category = RTHC_CAT_MEM,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/proc/swaps; /proc/sys/vm/swappiness; /proc/<pid>/status VmLck/VmRSS of "
			 "QEMU and FIFO/RR processes (live)",
		.why = "Unlocked RT or guest memory that was swapped out takes major faults "
		       "(milliseconds).",
		.pass = "no active swap area, or every QEMU/RT process locks its memory; and "
			"vm.swappiness ≤ 10",
		.remedy = "RT swapoff -a (and /etc/fstab); sysctl vm.swappiness=10",
		.sources = "[T-LP] [NTO]",
		.run = rthc_mem_swap,
	},
	{
		.id = "mem.compact_unevictable",
		.title = "Compaction leaves locked pages alone",
		.category = RTHC_CAT_MEM,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/proc/sys/vm/compact_unevictable_allowed",
		.why = "Compaction that migrates mlocked pages makes the RT task fault on them.",
		.pass = "0 (the PREEMPT_RT default); a kernel without CONFIG_COMPACTION passes",
		.remedy = "RT/CFG sysctl vm.compact_unevictable_allowed=0",
		.sources = "[SYSVM]",
		.run = rthc_mem_compact_unevictable,
	},
	{
		.id = "mem.stat_interval",
		.title = "vmstat work runs rarely",
		.category = RTHC_CAT_MEM,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/proc/sys/vm/stat_interval",
		.why = "vmstat_update work is queued on every CPU once per interval.",
		.pass = "≥ 10 seconds (tuned, OpenShift; partrt uses 1000)",
		.remedy = "RT/CFG sysctl vm.stat_interval=10",
		.sources = "[T-NL] [NTO] [KTH] [PARTRT]",
		.run = rthc_mem_stat_interval,
	},
	{
		.id = "mem.mlock_limit",
		.title = "RT users and QEMU may lock memory",
		.category = RTHC_CAT_MEM,
		.modes = RTHC_MODE_BOTH,
		.reads = "/etc/security/limits.conf and limits.d/*.conf memlock entries; "
			 "/proc/<pid>/limits \"Max locked memory\" of running QEMU; "
			 "/proc/self/limits (live)",
		.why = "An RT application or QEMU that cannot mlock its memory takes page faults.",
		.pass = "running QEMU processes have unlimited memlock; the users of --set "
			"rt_users=u1,@group (else some limits domain) have soft and hard memlock "
			"unlimited",
		.remedy = "CFG '@realtime - memlock unlimited' in /etc/security/limits.d; "
			  "LimitMEMLOCK=infinity for services; libvirt <locked/>",
		.sources = "[NOHZ] [RH8]",
		.run = rthc_mem_mlock_limit,
	},
	{
		.id = "mem.dirty",
		.title = "Dirty page writeback thresholds",
		.category = RTHC_CAT_MEM,
		.modes = RTHC_MODE_HOST,
		.reads = "/proc/sys/vm/{dirty_ratio,dirty_background_ratio,dirty_bytes,"
			 "dirty_background_bytes}",
		.why = "Large dirty thresholds produce long writeback bursts.",
		.pass = "dirty_ratio ≤ 10 and dirty_background_ratio ≤ 3 (latency-performance); "
			"info otherwise",
		.remedy = "sysctl vm.dirty_ratio=10 vm.dirty_background_ratio=3",
		.sources = "[T-LP] [NTO]",
		.run = rthc_mem_dirty,
	},
	{
		.id = "cmdline.hugepages",
		.title = "Boot-time hugepage requests were allocated",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "default_hugepagesz=, hugepagesz=, hugepages= (in order; node form "
			 "hugepages=0:N,1:M) on /proc/cmdline; "
			 "/sys/kernel/mm/hugepages/hugepages-*/nr_hugepages; "
			 "nodeN/hugepages/hugepages-*/nr_hugepages; /proc/meminfo Hugepagesize",
		.why = "1 GiB pages can be reserved reliably only at boot; a parameter out of "
		       "order or of an unsupported size is silently ignored, and allocation may "
		       "fall short.",
		.pass = "no parameter is ignored and every pool holds at least the requested pages "
			"(per node for the node form)",
		.remedy = "BOOT hugepagesz=1G hugepages=<node>:<n> pairs in order; RT per node "
			  "(mem.hugepages)",
		.sources = "[LV] [NTO] [HUGE]",
		.run = rthc_mem_cmdline_hugepages,
	},
	{
		.id = "xcheck.hk_per_node",
		.title = "Every NUMA node with isolated CPUs keeps a housekeeping CPU",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "/sys/devices/system/node/nodeN/cpulist; the isolated and housekeeping "
			 "sets",
		.why = "Managed IRQ sets, kswapd/kcompactd and per-node work need a CPU of their "
		       "node.",
		.pass = "node CPUs ∩ housekeeping ≠ ∅ for every node with isolated CPUs",
		.remedy = "BOOT: keep at least one core per NUMA node out of the isolation lists",
		.sources = "[UBU-VM] [LV]",
		.run = rthc_mem_hk_per_node,
	},
	{
		.id = "xcheck.hugepages_node",
		.title = "Hugepage pools exist on the NUMA nodes of the isolated CPUs",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/sys/devices/system/node/nodeN/hugepages/hugepages-*/{nr,free}_hugepages",
		.why = "Guests pinned to a node's isolated CPUs need hugepages on that node; "
		       "cross-node memory adds latency. Without VM definitions the demand is "
		       "unknown, so a missing pool is a warning.",
		.pass = "every NUMA node with isolated CPUs has a non-empty hugepage pool "
			"(reported per node)",
		.remedy = "RT echo N > /sys/devices/system/node/nodeN/hugepages/"
			  "hugepages-1048576kB/nr_hugepages; BOOT hugepagesz=1G "
			  "hugepages=<node>:<n>",
		.sources = "[LV]",
		.run = rthc_mem_hugepages_node,
	},
	{
		.id = "xcheck.swap_lock",
		.title = "With swap on, VM and RT memory is locked",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.reads = "/proc/swaps; /proc/<pid>/status VmLck/VmRSS of QEMU and FIFO/RR "
			 "processes (live), else /etc/libvirt/qemu/*.xml <locked/>",
		.why = "Swapped-out guest or RT memory faults back in with millisecond latency.",
		.pass = "no swap, or every VM/RT process (or libvirt domain) locks its memory",
		.remedy = "libvirt <memoryBacking><locked/>, QEMU -overcommit mem-lock=on, "
			  "mlockall; or swapoff",
		.sources = "[LV]",
		.run = rthc_mem_swap_lock,
	},
	{0},
};
