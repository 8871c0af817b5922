/*
 * Checks of the guest family (spec/checks.md §11), run inside the RT VM: the descriptor table.
 * The check functions live in checks/guest-cpu.c (virtual CPU), checks/guest-dev.c (emulated
 * devices), checks/guest-rt.c (detection, idle, isolation, steal time) and
 * checks/guest-jitter.c (the optional busy-loop probe).
 */
#include "check.h"
#include "guest.h"

const struct rthc_check rthc_checks_guest[] = {
	{
		.id = "guest.detect",
		.title = "The audited system is a KVM guest",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.reads = "CPUID.1:ECX[31] and the 0x40000000 signature (live x86); /proc/cpuinfo "
			 "hypervisor flag and platform; /sys/hypervisor/type, "
			 "/proc/xen/capabilities, /sys/hypervisor/uuid; /proc/sysinfo (s390); "
			 "/proc/device-tree; "
			 "/sys/class/dmi/id/{sys_vendor,product_name,bios_vendor}; "
			 "/proc/bus/pci/devices",
		.why = "Selects guest mode: inside the VM the RT rules are about the vCPUs the "
		       "host gives and the devices it emulates. Only evidence that exists in "
		       "virtual machines alone makes a guest, so bare metal never switches the "
		       "check set.",
		.pass = "a KVM guest (info for other hypervisors, and when --guest forced guest "
			"mode without a hypervisor)",
		.remedy = "—",
		.sources = "[KVMID]; util-linux lscpu-virt.c",
		.run = rthc_guest_detect,
	},
	{
		.id = "guest.vcpus",
		.title = "At least two vCPUs, with vCPU 0 for housekeeping",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.reads = "/sys/devices/system/cpu/online; the guest's isolated set",
		.why = "An RT guest needs one housekeeping vCPU for timers, I/O and RCU plus the "
		       "RT vCPUs; vCPU 0 keeps timekeeping and legacy IRQs.",
		.pass = "≥ 2 online vCPUs, vCPU 0 not isolated, at least one housekeeping vCPU",
		.remedy = "host: more vCPUs in the domain XML; guest: keep vCPU 0 out of the "
			  "isolation parameters",
		.sources = "[LV]",
		.run = rthc_guest_vcpus,
	},
	{
		.id = "guest.clocksource",
		.title = "The guest clock reads without exits (tsc or kvm-clock)",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.reads = "/sys/devices/system/clocksource/clocksource0/current_clocksource and "
			 "available_clocksource; "
			 "CPUID 0x40000001 EAX bit 24 CLOCKSOURCE_STABLE_BIT (live KVM guest)",
		.why = "hpet and acpi_pm are emulated devices: every clock read exits to the host. "
		       "kvm-clock without the stable bit has no vDSO, so each clock_gettime() is a "
		       "system call.",
		.pass = "tsc or kvm-clock (other architectures: their CPU counter, e.g. "
			"arch_sys_counter, timebase, tod); fail on hpet, acpi_pm, jiffies, pit; "
			"warn on kvm-clock without the stable bit",
		.remedy = "RT echo tsc > current_clocksource; host: expose invtsc",
		.sources = "[KVMID] [UBU-TCC]",
		.run = rthc_guest_clocksource,
	},
	{
		.id = "guest.tsc_deadline",
		.title = "The vCPUs have and use the TSC-deadline timer",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "/proc/cpuinfo flag tsc_deadline_timer; "
			 "/sys/devices/system/clockevents/clockevent0/current_device",
		.why = "libvirt's RT configuration requires it; KVM's timer advance and VMX "
		       "preemption-timer paths are built around TSC-deadline mode.",
		.pass = "the flag is present and clockevent0 (when readable) is lapic-deadline; "
			"the kernel wins when it runs another device despite the flag",
		.remedy = "host XML <feature policy='require' name='tsc-deadline'/> or "
			  "host-passthrough",
		.sources = "[LV] [UBU-VM]",
		.run = rthc_guest_tsc_deadline,
	},
	{
		.id = "guest.invtsc",
		.title = "The guest sees an invariant TSC",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.reads = "/proc/cpuinfo flags constant_tsc, nonstop_tsc, tsc_known_freq",
		.why = "Without an invariant TSC the guest kernel may refuse the TSC as its clock "
		       "and fall back to slower clocksources.",
		.pass = "constant_tsc and nonstop_tsc present (info otherwise)",
		.remedy = "host <feature policy='require' name='invtsc'/>",
		.sources = "—",
		.run = rthc_guest_invtsc,
	},
	{
		.id = "guest.cpu_model",
		.title = "The vCPU model is the host's (host-passthrough)",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.reads = "/proc/cpuinfo model name and flags tsc_deadline_timer, x2apic, "
			 "constant_tsc, nonstop_tsc",
		.why = "Generic (QEMU Virtual CPU, Common KVM processor) and named models "
		       "(Skylake, EPYC, ...) hide features an RT guest needs: tsc-deadline, "
		       "invtsc, x2apic.",
		.pass = "the host's model name with the expected flags; warn on generic or named "
			"QEMU models, info when a real name lacks expected flags",
		.remedy = "host <cpu mode='host-passthrough'>",
		.sources = "[LV]",
		.run = rthc_guest_cpu_model,
	},
	{
		.id = "guest.topology",
		.title = "The guest does not see SMT it does not have",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.reads = "/sys/devices/system/cpu/cpuN/topology/thread_siblings_list (or "
			 "core_cpus_list)",
		.why = "A guest that believes in SMT siblings balances and isolates by them; that "
		       "is only true when the host pins vCPU pairs to host sibling pairs.",
		.pass = "one thread per core (info otherwise)",
		.remedy = "host <topology ... threads='1'/>",
		.sources = "[LV] [UBU-VM]",
		.run = rthc_guest_topology,
	},
	{
		.id = "guest.pmu",
		.title = "No virtual PMU",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.reads = "/sys/bus/event_source/devices/{cpu,cpu_core,cpu_atom}; /proc/cpuinfo "
			 "flag arch_perfmon",
		.why = "A vPMU adds exit and entry cost (counter MSR switching) and perf NMIs.",
		.pass = "no CPU PMU registered; the kernel wins over the arch_perfmon flag",
		.remedy = "host <pmu state='off'/>",
		.sources = "[LV] [UBU-VM]",
		.run = rthc_guest_pmu,
	},
	{
		.id = "guest.memballoon",
		.title = "No memory balloon device",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.reads = "PCI 1af4:1002 and 1af4:1045 under /sys/bus/pci/devices (libpci); "
			 "/sys/bus/virtio/devices/*/device == 0x0005; /sys/module/virtio_balloon",
		.why = "Balloon inflation and statistics polling fault guest pages and make the "
		       "host madvise guest memory.",
		.pass = "no balloon device on PCI or the virtio bus",
		.remedy = "host <memballoon model='none'/>",
		.sources = "[LV] [UBU-VM]",
		.run = rthc_guest_memballoon,
	},
	{
		.id = "guest.usb",
		.title = "No emulated USB controller",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.reads = "PCI class 0x0c03xx under /sys/bus/pci/devices (libpci)",
		.why = "Emulated USB controllers poll and interrupt the guest.",
		.pass = "no PCI device of class 0x0c03xx",
		.remedy = "host <controller type='usb' model='none'/>",
		.sources = "[LV]",
		.run = rthc_guest_usb,
	},
	{
		.id = "guest.graphics",
		.title = "No emulated graphics",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.reads = "PCI class 0x03xxxx under /sys/bus/pci/devices (libpci)",
		.why = "An emulated framebuffer and its console are work the RT guest does not "
		       "need.",
		.pass = "no display controller (SSH and a serial console); info otherwise",
		.remedy = "host: remove <graphics> and <video>",
		.sources = "[LV]",
		.run = rthc_guest_graphics,
	},
	{
		.id = "guest.steal",
		.title = "No steal time on RT vCPUs during a sample",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.flags = RTHC_CHECK_SAMPLED | RTHC_CHECK_NEEDS_LIVE,
		.reads = "/proc/stat cpuN lines, 8th value (steal), twice --sample seconds apart; "
			 "CPUID 0x40000001 EAX bit 5 STEAL_TIME",
		.why = "Steal time on an RT vCPU means the host preempted it: the guest lost the "
		       "CPU for that long.",
		.pass = "steal delta 0 on every isolated vCPU (every vCPU when none is isolated); "
			"not applicable when KVM does not expose steal time",
		.remedy = "host: vm.vcpu_pinning, vm.vcpu_policy, vm.emulator_threads, "
			  "xcheck.vcpu_on_iso",
		.sources = "[KVMID] (STEAL_TIME)",
		.run = rthc_guest_steal,
	},
	{
		.id = "guest.kvm_hints",
		.title = "KVM tells the guest its vCPUs are dedicated (KVM_HINTS_REALTIME)",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.flags = RTHC_CHECK_NEEDS_LIVE,
		.reads = "CPUID 0x40000001 EDX bit 0 (KVM_HINTS_REALTIME) and EAX bits 3, 5, 6, 7, "
			 "9, 11, 12, 13, 24 (live x86 KVM guest)",
		.why = "KVM_HINTS_REALTIME says vCPUs are never preempted for long: the guest "
		       "enables cpuidle-haltpoll and disables PV spinlocks and PV TLB flushes.",
		.pass = "the hint is set (info when not: set it only when the host pins vCPUs 1:1)",
		.remedy = "host <kvm><hint-dedicated state='on'/></kvm> (QEMU "
			  "kvm-hint-dedicated=on)",
		.sources = "[KVMID] [HPOLL]",
		.run = rthc_guest_kvm_hints,
	},
	{
		.id = "guest.idle",
		.title = "Idle vCPUs poll instead of halting",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "idle= on /proc/cmdline; "
			 "/sys/devices/system/cpu/cpuidle/{current_driver,current_governor}; "
			 "/sys/module/haltpoll/parameters/guest_halt_poll_ns",
		.why = "HLT in a guest exits to the host, and the wake-up waits for the host to "
		       "re-enter the vCPU. cpuidle-haltpoll loads only with KVM_HINTS_REALTIME (or "
		       "force) and never with idle=.",
		.pass = "idle=poll, or the haltpoll cpuidle driver with guest_halt_poll_ns > 0; "
			"warn on acpi_idle, intel_idle or no driver",
		.remedy = "BOOT idle=poll; or hint-dedicated + cpuidle_haltpoll",
		.sources = "[HPOLL] [UBU-VM]",
		.run = rthc_guest_idle,
	},
	{
		.id = "guest.x2apic",
		.title = "The vCPUs have x2APIC",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.reads = "/proc/cpuinfo flag x2apic",
		.why = "x2APIC accesses are MSR writes that KVM handles fast; xAPIC accesses are "
		       "MMIO exits.",
		.pass = "x2apic present (info otherwise)",
		.remedy = "host CPU model with x2apic",
		.sources = "—",
		.run = rthc_guest_x2apic,
	},
	{
		.id = "guest.isolation",
		.title = "The guest isolates its RT vCPUs",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "the guest's isolated set (isolcpus, nohz_full, cpuset partitions), "
			 "rcu_nocbs and irqaffinity on /proc/cmdline, "
			 "/sys/devices/system/cpu/{isolated,nohz_full}",
		.why = "Inside the VM the same isolation applies as on the host: the RT vCPUs need "
		       "no load balancing, no tick, no RCU callbacks and no default IRQs. The "
		       "detailed rows are the `both` checks, which run with the guest's isolated "
		       "set.",
		.pass = "some vCPUs isolated, a housekeeping vCPU left, and every isolated vCPU "
			"domain-isolated, in nohz_full, RCU-offloaded and outside irqaffinity=",
		.remedy = "BOOT isolcpus=domain,managed_irq,1-N nohz_full=1-N rcu_nocbs=1-N "
			  "irqaffinity=0 (tuned realtime-virtual-guest)",
		.sources = "[T-RVG] [UBU-VM]",
		.run = rthc_guest_isolation,
	},
	{
		.id = "guest.jitter_probe",
		.title = "Isolated vCPUs run a busy loop without long gaps",
		.category = RTHC_CAT_GUEST,
		.modes = RTHC_MODE_GUEST,
		.flags = RTHC_CHECK_SAMPLED | RTHC_CHECK_NEEDS_LIVE,
		.reads = "CLOCK_MONOTONIC (the TSC via the vDSO) in a loop pinned to each isolated "
			 "vCPU in turn, sharing the --sample window; budget --set "
			 "guest_jitter_max_us (default 20)",
		.why = "A gap in a tight loop is time the vCPU did not run: a host exit, host "
		       "preemption, or a guest interrupt. It measures what the settings only "
		       "promise.",
		.pass = "the largest gap on every isolated vCPU ≤ guest_jitter_max_us; not "
			"applicable without isolated vCPUs",
		.remedy = "investigate the host (pinning, priorities, host IRQs and timers) and "
			  "the guest's IRQs",
		.sources = "rt-tests oslat",
		.run = rthc_guest_jitter_probe,
	},
	{0},
};
