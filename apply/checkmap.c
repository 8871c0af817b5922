/*
 * Which catalog checks a change addresses: the report names the check of each change, and after
 * an apply a check that an applied change addresses and that now passes is "fixed" (one that
 * waits for a reboot is "pending_reboot").
 */
#include <string.h>

#include "apply.h"
#include "macro.h"

struct map {
	const char *type;   /* applier kind */
	const char *prefix; /* key or path prefix; an entry ending in '=' matches the key exactly */
	const char *checks;
};

static const struct map maps[] = {
	{"sysctl", "kernel.sched_rt_runtime_us=", "sched.rt_runtime xcheck.throttle_vs_starvation"},
	{"sysctl", "kernel.sched_rt_period_us=", "sched.rt_runtime"},
	{"sysctl", "kernel.nmi_watchdog=", "wd.nmi_watchdog cmdline.nmi_watchdog"},
	{"sysctl", "kernel.watchdog=", "wd.watchdog_cpumask cmdline.softlockup"},
	{"sysctl", "kernel.watchdog_cpumask=", "wd.watchdog_cpumask cmdline.softlockup"},
	{"sysctl", "kernel.timer_migration=", "sched.timer_migration"},
	{"sysctl", "kernel.numa_balancing=", "sched.numa_balancing"},
	{"sysctl", "kernel.hung_task_timeout_secs=", "wd.hung_task"},
	{"sysctl", "vm.stat_interval=", "mem.stat_interval"},
	{"sysctl", "vm.swappiness=", "mem.swap xcheck.swap_lock"},
	{"sysctl", "vm.compact_unevictable_allowed=", "mem.compact_unevictable"},
	{"sysctl", "vm.dirty_", "mem.dirty"},
	{"sysctl", "net.core.busy_", "net.busy_poll"},
	{"sysctl", "net.core.rps_default_mask=", "net.rps"},
	{"sysfs", "/sys/kernel/mm/transparent_hugepage/", "mem.thp"},
	{"sysfs", "/sys/kernel/mm/ksm/", "mem.ksm"},
	{"sysfs", "/sys/devices/virtual/workqueue/", "wq.unbound_cpumask"},
	{"sysfs", "/sys/bus/workqueue/devices/writeback/", "wq.writeback"},
	{"sysfs", "/sys/devices/system/machinecheck/", "cmdline.mce"},
	{"sysfs", "/sys/devices/system/clocksource/", "timer.clocksource"},
	{"sysfs", "/sys/module/kvm/parameters/halt_poll_ns", "kvm.halt_poll_ns"},
	{"sysfs", "/sys/module/kvm/parameters/nx_huge_pages", "kvm.nx_huge_pages"},
	{"sysfs", "/sys/devices/system/cpu/intel_pstate/", "power.pstate_params power.turbo"},
	{"sysfs", "/sys/devices/system/cpu/cpufreq/boost", "power.turbo"},
	{"sysfs", "/sys/class/net/", "net.rps"},
	{"sysfs", "/sys/devices/system/cpu/cpu", "power.pm_qos power.cstates power.governor"},
	{"modprobe", "kvmclock_periodic_sync", "kvm.kvmclock_periodic_sync"},
	{"modprobe", "ple_gap", "kvm.ple"},
	{"modprobe", "pause_filter_count", "kvm.ple"},
	{"modprobe", "nx_huge_pages", "kvm.nx_huge_pages"},
	{"modprobe", "halt_poll_ns", "kvm.halt_poll_ns"},
	{"modprobe", "enable_apicv", "kvm.apicv"},
	{"modprobe", "avic", "kvm.apicv"},
	{"disable", "dm_multipath=", "mod.dm_multipath"},
	{"disable", "dm-multipath=", "mod.dm_multipath"},
	{"cmdline", "isolcpus=", "cmdline.isolcpus cmdline.isolcpus.managed_irq xcheck.nohz_equals_isolcpus "
				"xcheck.smt_siblings xcheck.hk_per_node cpu.smt"},
	{"cmdline", "nohz_full=", "cmdline.nohz_full xcheck.nohz_in_iso xcheck.nohz_equals_isolcpus"},
	{"cmdline", "nohz=", "cmdline.nohz"},
	{"cmdline", "rcu_nocbs=", "cmdline.rcu_nocbs xcheck.rcu_nocbs"},
	{"cmdline", "rcu_nocb_poll=", "cmdline.rcu_nocb_poll"},
	{"cmdline", "irqaffinity=", "cmdline.irqaffinity xcheck.irqaffinity_complement"},
	{"cmdline", "kthread_cpus=", "cmdline.kthread_cpus"},
	{"cmdline", "skew_tick=", "cmdline.skew_tick"},
	{"cmdline", "tsc=", "cmdline.tsc xcheck.tsc_reliable"},
	{"cmdline", "nosoftlockup=", "cmdline.softlockup"},
	{"cmdline", "nowatchdog=", "cmdline.softlockup"},
	{"cmdline", "nmi_watchdog=", "cmdline.nmi_watchdog"},
	{"cmdline", "intel_pstate=", "cmdline.pstate"},
	{"cmdline", "amd_pstate=", "cmdline.pstate"},
	{"cmdline", "intel_idle.max_cstate=", "cmdline.cstate_limits"},
	{"cmdline", "processor.max_cstate=", "cmdline.cstate_limits"},
	{"cmdline", "idle=", "cmdline.cstate_limits power.idle_poll guest.idle"},
	{"cmdline", "cpuidle_haltpoll.force=", "guest.idle"},
	{"cmdline", "mce=", "cmdline.mce"},
	{"cmdline", "audit=", "cmdline.audit"},
	{"cmdline", "hugepages=", "cmdline.hugepages"},
	{"cmdline", "hugepagesz=", "cmdline.hugepages"},
	{"cmdline", "default_hugepagesz=", "cmdline.hugepages"},
	{"cmdline", "intel_iommu=", "cmdline.iommu"},
	{"cmdline", "iommu=", "cmdline.iommu"},
	{"cmdline", "systemd.cpu_affinity=", "cmdline.systemd_affinity"},
	{"cmdline", "rcutree.kthread_prio=", "cmdline.rcu_kthread_prio"},
	{"cmdline", "rcupdate.rcu_normal_after_boot=", "cmdline.rcu_normal"},
	{"cmdline", "rcutree.nohz_full_patience_delay=", "cmdline.rcu_patience"},
	{"cmdline", "transparent_hugepage=", "mem.thp"},
	{"cmdline", "nosmt=", "cpu.smt xcheck.smt_siblings"},
	{"cmdline", "preempt=", "kernel.preempt_model"},
};

const char *rthc_apply_checks_for(const char *type, const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(maps); i++) {
		size_t n = strlen(maps[i].prefix);

		if (!streq(maps[i].type, type))
			continue;
		if (maps[i].prefix[n - 1] == '=') {
			if (strlen(key) == n - 1 && strneq(key, maps[i].prefix, n - 1))
				return maps[i].checks;
		} else if (strneq(key, maps[i].prefix, n)) {
			return maps[i].checks;
		}
	}
	return "";
}
