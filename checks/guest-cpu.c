/*
 * Guest checks of the virtual CPU (spec/checks.md §11): vCPU count, clocksource, TSC-deadline,
 * invariant TSC, CPU model, SMT topology, vPMU, x2APIC, and the KVM paravirt hints of CPUID.
 * The CPU flags are those the guest kernel kept in /proc/cpuinfo: a flag the kernel cleared
 * (errata, a boot parameter) is missing there even when the host exposes it, and the kernel wins.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "guest.h"
#include "iso-kernel.h"
#include "util.h"

#define CLOCKSOURCE_DIR "/sys/devices/system/clocksource/clocksource0"
#define CLOCKEVENT0 "/sys/devices/system/clockevents/clockevent0/current_device"
#define EVENT_SOURCES "/sys/bus/event_source/devices"

bool rthc_guest_x86(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	char flags[8];

	if (!f->cpuinfo) {
		rthc_result_error(r, f->cpuinfo_err.err ? f->cpuinfo_err.err : -ENODATA,
				  "/proc/cpuinfo");
		return false;
	}
	if (!rthc_facts_cpuinfo_field(f, "flags", flags, sizeof(flags))) {
		rthc_na(r, "not an x86 guest: /proc/cpuinfo has no x86 \"flags\" line");
		return false;
	}
	return true;
}

/* Observe a CPU flag under its own name and return it. */
static bool flag(struct rthc_ctx *ctx, struct rthc_result *r, const char *name)
{
	bool on = rthc_facts_cpu_flag(ctx->facts, name);

	rthc_observe_bool(r, name, on);
	return on;
}

bool rthc_guest_kvm_cpuid(struct rthc_guest_kvm_cpuid *out)
{
	*out = (struct rthc_guest_kvm_cpuid){0};
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 31)))
		return false;
	/* As the kernel's hypervisor_cpuid_base(): KVM may sit behind Hyper-V's leaves. */
	for (unsigned base = 0x40000000; base < 0x40010000; base += 0x100) {
		char sig[12];

		__cpuid(base, a, b, c, d);
		memcpy(sig, &b, 4);
		memcpy(sig + 4, &c, 4);
		memcpy(sig + 8, &d, 4);
		if (memcmp(sig, "KVMKVMKVM\0\0\0", 12) != 0)
			continue;
		out->kvm = true;
		out->base = base;
		if (a >= base + 1 || a == 0) { /* old KVM reports 0 leaves */
			__cpuid(base + 1, a, b, c, d);
			out->features = a;
			out->hints = d;
		}
		return true;
	}
#endif
	return false;
}

/* ---- guest.vcpus ----------------------------------------------------------------------------- */

void rthc_guest_vcpus(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	unsigned n;
	bool cpu0_iso;

	if (!rthc_iso_inputs_ok(ctx, r))
		return;
	n = rthc_cpuset_count(&f->topology.online);
	cpu0_iso = rthc_cpuset_test(&iso->isolated, 0);
	rthc_expect_int(r, "min_vcpus", 2);
	rthc_expect_bool(r, "vcpu0_housekeeping", true);
	rthc_observe_int(r, "online_vcpus", n);
	rthc_observe_cpus(r, "online", &f->topology.online);
	rthc_observe_cpus(r, "isolated", &iso->isolated);
	rthc_observe_cpus(r, "housekeeping", &iso->housekeeping);
	if (n < 2) {
		rthc_warn(r, "the guest has %u vCPU: RT work and housekeeping (timers, I/O, RCU) "
			  "share it", n);
	} else if (cpu0_iso) {
		rthc_item(r, "cpu 0", "isolated");
		rthc_warn(r, "vCPU 0 is isolated: it keeps timekeeping and legacy IRQs, so it must "
			  "be the housekeeping vCPU");
	} else if (rthc_cpuset_empty(&iso->housekeeping)) {
		rthc_warn(r, "every vCPU is isolated: none is left for housekeeping");
	} else if (!rthc_cpuset_test(&iso->housekeeping, 0)) {
		rthc_warn(r, "vCPU 0 is not online: the boot CPU should be the housekeeping vCPU");
	} else {
		_cleanup_free_ char *hk = rthc_cpuset_str(&iso->housekeeping);
		_cleanup_free_ char *rt = rthc_cpuset_str(&iso->isolated);

		rthc_pass(r, "%u vCPUs: housekeeping %s (with vCPU 0), RT %s", n, cpus_or_none(hk),
			  cpus_or_none(rt));
		return;
	}
	rthc_remedy(r, false, true, "host: give the guest one housekeeping vCPU plus one per RT "
		    "task (<vcpu> in the domain XML); guest: keep vCPU 0 out of isolcpus=, "
		    "nohz_full= and rcu_nocbs=");
	rthc_remedy_action(r, RTHC_ACTION_MANUAL, "domain XML <vcpu>", ">= 2");
}

/* ---- guest.clocksource ----------------------------------------------------------------------- */

static bool in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (streq(name, list[i]))
			return true;
	return false;
}

/* Whether a space-separated list holds word. */
static bool has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; p && (p = strstr(p, word)); p += wl)
		if ((p == list || p[-1] == ' ') && (p[wl] == ' ' || p[wl] == '\0'))
			return true;
	return false;
}

void rthc_guest_clocksource_judge(struct rthc_result *r, const char *current, const char *available,
				  int stable)
{
	/* Slow, MMIO or port reads: every clock read exits to the host. */
	static const char *const bad[] = {"hpet", "acpi_pm", "refined-jiffies", "jiffies", "pit"};
	/* Read without an exit: the TSC, kvm-clock, and other architectures' CPU counters. */
	static const char *const good[] = {"tsc", "kvm-clock", "arch_sys_counter", "timebase",
					   "tod", "riscv_clocksource",
					   "hyperv_clocksource_tsc_page", "xen"};
	bool tsc_avail = available && has_word(available, "tsc");

	rthc_expect_str(r, "current", "tsc or kvm-clock");
	rthc_observe_str(r, "current", current);
	rthc_observe_str(r, "available", available);
	if (stable >= 0)
		rthc_observe_bool(r, "kvmclock_stable_bit", stable);
	else
		rthc_observe_null(r, "kvmclock_stable_bit");
	rthc_evidence(r, CLOCKSOURCE_DIR "/current_clocksource", "%s", current);
	if (in_list(current, bad, ARRAY_SIZE(bad))) {
		rthc_fail(r, "the guest clock is %s: every clock read exits to the host", current);
		if (tsc_avail) {
			rthc_remedy(r, false, false, "echo tsc > %s/current_clocksource (persist "
				    "with clocksource=tsc)", CLOCKSOURCE_DIR);
			rthc_remedy_action(r, RTHC_ACTION_SYSFS,
					   CLOCKSOURCE_DIR "/current_clocksource", "tsc");
		} else {
			rthc_remedy(r, false, true, "host: expose an invariant TSC (libvirt "
				    "<feature policy='require' name='invtsc'/>) so the guest can "
				    "use tsc or kvm-clock");
			rthc_remedy_action(r, RTHC_ACTION_MANUAL, "domain XML <cpu>",
					   "<feature policy='require' name='invtsc'/>");
		}
		return;
	}
	if (streq(current, "kvm-clock") && stable == 0) {
		rthc_warn(r, "kvm-clock without KVM_FEATURE_CLOCKSOURCE_STABLE_BIT: no vDSO, every "
			  "clock_gettime() is a system call");
		rthc_remedy(r, false, true, "host: a stable TSC (invtsc, a host with constant_tsc "
			    "and nonstop_tsc); or use tsc in the guest if it is available");
		return;
	}
	if (in_list(current, good, ARRAY_SIZE(good))) {
		if (streq(current, "kvm-clock") && stable < 0)
			rthc_pass(r, "kvm-clock (its stable bit is in CPUID, readable only on the "
				  "running guest)");
		else
			rthc_pass(r, "the guest clock is %s", current);
		return;
	}
	rthc_warn(r, "unrecognized clocksource %s", current);
	rthc_remedy(r, false, false, "use tsc or kvm-clock (see %s/available_clocksource)",
		    CLOCKSOURCE_DIR);
}

void rthc_guest_clocksource(struct rthc_ctx *ctx, struct rthc_result *r)
{
	_cleanup_free_ char *cur = NULL, *avail = NULL;
	struct rthc_guest_kvm_cpuid k;
	int err, stable = -1;

	err = rthc_host_read_str(ctx->host, CLOCKSOURCE_DIR "/current_clocksource", &cur);
	if (err == 0 && (!*cur || strchr(cur, ' ')))
		err = *cur ? -EINVAL : -ENODATA;
	if (err < 0) {
		rthc_result_error(r, err, CLOCKSOURCE_DIR "/current_clocksource");
		return;
	}
	err = rthc_host_read_str(ctx->host, CLOCKSOURCE_DIR "/available_clocksource", &avail);
	if (err < 0 && err != -ENOENT) {
		rthc_result_error(r, err, CLOCKSOURCE_DIR "/available_clocksource");
		return;
	}
	if (rthc_host_is_live(ctx->host) && rthc_guest_kvm_cpuid(&k))
		stable = !!(k.features & (1u << RTHC_KVM_FEATURE_CLOCKSOURCE_STABLE_BIT));
	rthc_guest_clocksource_judge(r, cur, avail, stable);
}

/* ---- guest.tsc_deadline, guest.invtsc, guest.x2apic ------------------------------------------ */

void rthc_guest_tsc_deadline(struct rthc_ctx *ctx, struct rthc_result *r)
{
	_cleanup_free_ char *dev = NULL;
	bool on;
	int err;

	if (!rthc_guest_x86(ctx, r))
		return;
	err = rthc_host_read_str(ctx->host, CLOCKEVENT0, &dev);
	if (err < 0 && err != -ENOENT) {
		rthc_result_error(r, err, CLOCKEVENT0);
		return;
	}
	rthc_expect_bool(r, "tsc_deadline_timer", true);
	on = flag(ctx, r, "tsc_deadline_timer");
	rthc_observe_str(r, "clockevent0", dev);
	if (dev)
		rthc_evidence(r, CLOCKEVENT0, "%s", dev);
	if (!on) {
		rthc_fail(r, "the vCPUs have no TSC-deadline timer: the LAPIC timer runs in "
			  "one-shot mode, and KVM's timer advance and preemption-timer paths do "
			  "not apply");
	} else if (dev && !streq(dev, "lapic-deadline")) {
		rthc_fail(r, "tsc_deadline_timer is in the CPU flags, but the kernel runs "
			  "clockevent0 as %s (the kernel wins: it disabled TSC-deadline, e.g. for "
			  "a microcode erratum)", dev);
		rthc_remedy(r, false, true, "host: update the CPU microcode; guest: check dmesg "
			    "for \"TSC_DEADLINE disabled\"");
		return;
	} else {
		rthc_pass(r, "TSC-deadline timer%s", dev ? " in use (lapic-deadline)" : "");
		return;
	}
	rthc_remedy(r, false, true, "host: expose it (libvirt <feature policy='require' "
		    "name='tsc-deadline'/>, or <cpu mode='host-passthrough'>)");
	rthc_remedy_action(r, RTHC_ACTION_MANUAL, "domain XML <cpu>",
			   "<feature policy='require' name='tsc-deadline'/>");
}

void rthc_guest_invtsc(struct rthc_ctx *ctx, struct rthc_result *r)
{
	bool c, n, k;

	if (!rthc_guest_x86(ctx, r))
		return;
	c = flag(ctx, r, "constant_tsc");
	n = flag(ctx, r, "nonstop_tsc");
	k = flag(ctx, r, "tsc_known_freq");
	if (c && n) {
		rthc_pass(r, "invariant TSC (constant_tsc, nonstop_tsc)%s",
			  k ? ", frequency given by the host (tsc_known_freq)" : "");
		return;
	}
	rthc_info(r, "no invariant TSC in the guest (%s%s%s missing): the guest kernel may not "
		  "trust the TSC as its clock", c ? "" : "constant_tsc", !c && !n ? ", " : "",
		  n ? "" : "nonstop_tsc");
	rthc_remedy(r, false, true, "host: <feature policy='require' name='invtsc'/> (the host "
		    "needs an invariant TSC itself; it blocks migration)");
}

void rthc_guest_x2apic(struct rthc_ctx *ctx, struct rthc_result *r)
{
	if (!rthc_guest_x86(ctx, r))
		return;
	if (flag(ctx, r, "x2apic")) {
		rthc_pass(r, "x2APIC: IPIs and timer writes are MSR writes, not MMIO exits");
		return;
	}
	rthc_info(r, "no x2apic flag: the guest uses the xAPIC (MMIO) interface");
	rthc_remedy(r, false, true, "host: a CPU model with x2apic (host-passthrough)");
}

/* ---- guest.cpu_model ------------------------------------------------------------------------- */

/* QEMU's generic models and the model_id strings of its named models (target/i386/cpu.c). */
static const char *const generic_models[] = {
	"QEMU Virtual CPU", "Common KVM processor", "Common 32-bit KVM processor", "QEMU TCG CPU",
};
static const char *const named_models[] = {
	"Intel Core Processor (", "Intel Xeon Processor (", "Intel Atom Processor (",
	"Intel Core i7 9xx", "Westmere E56xx", "Intel Xeon E312xx", "Intel Core 2 Duo P9xxx",
	"Intel Celeron_4x0", "AMD EPYC Processor", "AMD EPYC-", "AMD Opteron 2", "AMD Opteron 6",
	"Hygon Dhyana Processor", "Zhaoxin ",
};

void rthc_guest_cpu_model(struct rthc_ctx *ctx, struct rthc_result *r)
{
	static const char *const expected[] = {"tsc_deadline_timer", "x2apic", "constant_tsc",
					       "nonstop_tsc"};
	char model[128];
	const char *kind = NULL;
	size_t missing = 0;

	if (!rthc_guest_x86(ctx, r))
		return;
	if (!rthc_facts_cpuinfo_field(ctx->facts, "model name", model, sizeof(model)) || !*model) {
		rthc_result_errorf(r, -ENODATA,
				   "cannot read /proc/cpuinfo: no \"model name\" line");
		return;
	}
	rthc_observe_str(r, "model_name", model);
	rthc_evidence(r, "/proc/cpuinfo", "model name : %s", model);
	for (size_t i = 0; i < ARRAY_SIZE(generic_models); i++)
		if (strneq(model, generic_models[i], strlen(generic_models[i])))
			kind = "generic";
	for (size_t i = 0; !kind && i < ARRAY_SIZE(named_models); i++)
		if (strneq(model, named_models[i], strlen(named_models[i])))
			kind = "named";
	rthc_observe_str(r, "model_kind", kind ? kind : "host");
	for (size_t i = 0; i < ARRAY_SIZE(expected); i++)
		if (!rthc_facts_cpu_flag(ctx->facts, expected[i])) {
			rthc_item(r, expected[i], "not in the guest's CPU flags");
			missing++;
		}
	rthc_observe_int(r, "missing_flags", (int64_t)missing);
	if (kind) {
		rthc_warn(r, "a %s CPU model (\"%s\") hides host features%s", kind, model,
			  missing ? " (see items)" : "");
	} else if (missing) {
		rthc_info(r, "the host's model name, but %zu expected flag%s missing: host-model, "
			  "a disabled feature, or a host CPU without it", missing,
			  missing == 1 ? " is" : "s are");
		return;
	} else {
		rthc_pass(r, "host CPU model passed through (\"%s\")", model);
		return;
	}
	rthc_remedy(r, false, true, "host: <cpu mode='host-passthrough'> in the domain XML");
	rthc_remedy_action(r, RTHC_ACTION_MANUAL, "domain XML <cpu>", "mode='host-passthrough'");
}

/* ---- guest.topology -------------------------------------------------------------------------- */

void rthc_guest_topology(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_topology *t = &ctx->facts->topology;
	int c;

	if (t->err.err < 0 || t->bad.err < 0) {
		const struct rthc_fact_err *e = t->err.err < 0 ? &t->err : &t->bad;

		rthc_result_error(r, e->err, e->path);
		return;
	}
	if (t->threads_per_core == 0) {
		rthc_result_error(r, -ENOENT,
				  "/sys/devices/system/cpu/cpu0/topology/thread_siblings_list");
		return;
	}
	rthc_expect_int(r, "threads_per_core", 1);
	rthc_observe_int(r, "threads_per_core", t->threads_per_core);
	if (t->threads_per_core == 1) {
		rthc_pass(r, "one thread per core: the guest sees no SMT siblings");
		return;
	}
	rthc_cpuset_foreach(c, &t->online) {
		const struct rthc_cpu *cpu = rthc_facts_cpu(ctx->facts, (unsigned)c);
		_cleanup_free_ char *s = NULL;
		char obj[32];

		if (!cpu || !cpu->has_siblings || rthc_cpuset_count(&cpu->siblings) < 2)
			continue;
		s = rthc_cpuset_str(&cpu->siblings);
		snprintf(obj, sizeof(obj), "cpu %d", c);
		rthc_item(r, obj, "SMT siblings %s", cpus_or_none(s));
	}
	rthc_info(r, "the guest sees %u threads per core: right only when the host pins each "
		  "sibling pair of vCPUs to a sibling pair of host CPUs", t->threads_per_core);
	rthc_remedy(r, false, true, "host: <topology ... threads='1'/> unless sibling pairs are "
		    "pinned deliberately");
}

/* ---- guest.pmu ------------------------------------------------------------------------------- */

void rthc_guest_pmu(struct rthc_ctx *ctx, struct rthc_result *r)
{
	static const char *const pmus[] = {"cpu", "cpu_core", "cpu_atom"};
	char **names = NULL;
	const char *pmu = NULL;
	bool perfmon;
	int err;

	if (!rthc_guest_x86(ctx, r))
		return;
	err = rthc_host_list_dir(ctx->host, EVENT_SOURCES, &names, NULL);
	if (err < 0 && err != -ENOENT) {
		rthc_result_error(r, err, EVENT_SOURCES);
		return;
	}
	perfmon = rthc_facts_cpu_flag(ctx->facts, "arch_perfmon");
	if (err == -ENOENT && !perfmon) {
		/* AMD has no arch_perfmon flag: without the PMU list nothing is known. */
		rthc_result_error(r, err, EVENT_SOURCES);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(pmus) && !pmu; i++)
		for (char **n = names; n && *n; n++)
			if (streq(*n, pmus[i])) {
				pmu = pmus[i];
				break;
			}
	rthc_strv_free(names);
	rthc_expect_bool(r, "vpmu", false);
	rthc_observe_bool(r, "arch_perfmon", perfmon);
	rthc_observe_str(r, "pmu_device", pmu);
	if (pmu) {
		rthc_evidence(r, EVENT_SOURCES, "%s", pmu);
		rthc_warn(r, "a vPMU is exposed (%s/%s): counter MSRs and perf NMIs add exits",
			  EVENT_SOURCES, pmu);
	} else if (err == -ENOENT) {
		rthc_warn(r, "the CPU flags include arch_perfmon (a vPMU), and %s is absent",
			  EVENT_SOURCES);
	} else {
		if (perfmon)
			rthc_pass(r, "no CPU PMU registered, although the flags include "
				  "arch_perfmon (the kernel wins: it found no usable PMU)");
		else
			rthc_pass(r, "no vPMU: the guest has software perf events only");
		return;
	}
	rthc_remedy(r, false, true, "host: <pmu state='off'/> in the domain XML (QEMU -cpu "
		    "...,pmu=off)");
	rthc_remedy_action(r, RTHC_ACTION_MANUAL, "domain XML <features>", "<pmu state='off'/>");
}

/* ---- guest.kvm_hints ------------------------------------------------------------------------- */

void rthc_guest_kvm_hints_judge(struct rthc_result *r, const struct rthc_guest_kvm_cpuid *k)
{
	static const struct {
		const char *name;
		unsigned bit;
	} feats[] = {
		{"clocksource2", RTHC_KVM_FEATURE_CLOCKSOURCE2},
		{"steal_time", RTHC_KVM_FEATURE_STEAL_TIME},
		{"pv_eoi", RTHC_KVM_FEATURE_PV_EOI},
		{"pv_unhalt", RTHC_KVM_FEATURE_PV_UNHALT},
		{"pv_tlb_flush", RTHC_KVM_FEATURE_PV_TLB_FLUSH},
		{"pv_send_ipi", RTHC_KVM_FEATURE_PV_SEND_IPI},
		{"poll_control", RTHC_KVM_FEATURE_POLL_CONTROL},
		{"pv_sched_yield", RTHC_KVM_FEATURE_PV_SCHED_YIELD},
		{"clocksource_stable_bit", RTHC_KVM_FEATURE_CLOCKSOURCE_STABLE_BIT},
	};
	char hex[16];
	bool rt;

	if (!k->kvm) {
		rthc_na(r, "not a KVM guest: no KVMKVMKVM signature in the CPUID hypervisor "
			"leaves");
		return;
	}
	rt = k->hints & (1u << RTHC_KVM_HINTS_REALTIME);
	snprintf(hex, sizeof(hex), "0x%08x", k->features);
	rthc_observe_str(r, "features", hex);
	snprintf(hex, sizeof(hex), "0x%08x", k->hints);
	rthc_observe_str(r, "hints", hex);
	for (size_t i = 0; i < ARRAY_SIZE(feats); i++)
		rthc_observe_bool(r, feats[i].name, k->features & (1u << feats[i].bit));
	rthc_expect_bool(r, "realtime_hint", true);
	rthc_observe_bool(r, "realtime_hint", rt);
	rthc_evidence(r, "CPUID", "leaf 0x%08x: EAX 0x%08x EDX 0x%08x", k->base + 1, k->features,
		      k->hints);
	if (rt) {
		rthc_pass(r, "KVM_HINTS_REALTIME is set: vCPUs are dedicated, so the guest polls "
			  "(haltpoll) and drops PV spinlocks and PV TLB flushes");
		return;
	}
	rthc_info(r, "KVM_HINTS_REALTIME is not set: cpuidle-haltpoll will not load, and PV "
		  "spinlocks assume vCPUs can be preempted");
	rthc_remedy(r, false, true, "host, once every vCPU is pinned 1:1 to an isolated CPU: "
		    "<kvm><hint-dedicated state='on'/></kvm> (QEMU -cpu "
		    "...,kvm-hint-dedicated=on)");
	rthc_remedy_action(r, RTHC_ACTION_MANUAL, "domain XML <features><kvm>",
			   "<hint-dedicated state='on'/>");
}

void rthc_guest_kvm_hints(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct rthc_guest_kvm_cpuid k;

	if (!rthc_guest_x86(ctx, r))
		return;
	(void)rthc_guest_kvm_cpuid(&k);
	rthc_guest_kvm_hints_judge(r, &k);
}
