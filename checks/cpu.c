/* CPU topology and partitioning checks (spec/checks.md §2). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

int rthc_iso_sibling_leaks(const struct rthc_facts *f, struct rthc_cpuset *out, struct rthc_result *r)
{
	const struct rthc_isolation *iso = &f->isolation;
	int c, ret = 1;

	rthc_cpuset_zero(out);
	rthc_cpuset_foreach(c, &iso->isolated) {
		const struct rthc_cpu *cpu = rthc_facts_cpu(f, (unsigned)c);
		int s;

		if (!cpu || !cpu->online)
			continue;
		if (cpu->siblings_err < 0)
			return cpu->siblings_err;
		if (!cpu->has_siblings) {
			ret = 0;
			continue;
		}
		rthc_cpuset_foreach(s, &cpu->siblings) {
			char obj[32];

			if (rthc_cpuset_test(&iso->isolated, (unsigned)s))
				continue;
			if (rthc_cpuset_set(out, (unsigned)c) < 0)
				return -ENOMEM;
			if (r) {
				snprintf(obj, sizeof(obj), "cpu %d", c);
				rthc_item(r, obj, "SMT sibling %d is a housekeeping CPU", s);
			}
		}
	}
	return ret;
}

static bool smt_off(const char *control)
{
	return control && (streq(control, "off") || streq(control, "forceoff") ||
			   streq(control, "notsupported") || streq(control, "notimplemented"));
}

static void smt(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_topology *t = &f->topology;
	struct rthc_cpuset leaks = RTHC_CPUSET_INIT;
	_cleanup_free_ char *leak_s = NULL;
	int k;

	if (t->err.err) {
		rthc_result_error(r, t->err.err, t->err.path);
		return;
	}
	if (t->smt_control)
		rthc_evidence(r, "/sys/devices/system/cpu/smt/control", "%s", t->smt_control);
	rthc_observe_str(r, "control", t->smt_control);
	if (t->smt_active >= 0)
		rthc_observe_bool(r, "active", t->smt_active);
	else
		rthc_observe_null(r, "active");
	rthc_observe_int(r, "threads_per_core", t->threads_per_core);
	if (smt_off(t->smt_control)) {
		rthc_pass(r, "SMT is %s", t->smt_control);
		return;
	}
	if (t->smt_active == 0 || (!t->smt_control && t->threads_per_core == 1)) {
		rthc_pass(r, "no active SMT siblings (%u thread per core)", t->threads_per_core ? t->threads_per_core : 1);
		return;
	}
	if (t->smt_active < 0 && t->threads_per_core == 0) {
		rthc_na(r, "no SMT information: no smt/control and no thread sibling lists");
		return;
	}
	k = rthc_iso_sibling_leaks(f, &leaks, NULL);
	if (k < 0) {
		rthc_result_errorf(r, k, "cannot read the SMT sibling list of an isolated CPU: %s",
				   k == -ENOMEM ? "out of memory" : "unreadable or malformed");
		goto out;
	}
	if (rthc_cpuset_empty(&f->isolation.isolated)) {
		rthc_warn(r, "SMT is active (%u threads per core) and no CPU is isolated", t->threads_per_core);
	} else if (rthc_cpuset_empty(&leaks)) {
		rthc_pass(r, "SMT is active, but every isolated CPU's siblings are isolated too");
		goto out;
	} else {
		leak_s = rthc_cpuset_str(&leaks);
		rthc_warn(r, "SMT is active and isolated CPUs %s share a core with housekeeping CPUs "
			     "(see xcheck.smt_siblings)", cpus_or_none(leak_s));
	}
	rthc_remedy(r, true, false, "turn SMT off (echo off > /sys/devices/system/cpu/smt/control, or boot "
				     "with nosmt), or isolate sibling pairs together");
	rthc_remedy_action(r, RTHC_ACTION_SYSFS, "/sys/devices/system/cpu/smt/control", "off");
out:
	rthc_cpuset_done(&leaks);
}

static void boot_cpu(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;

	if (f->topology.err.err) {
		rthc_result_error(r, f->topology.err.err, f->topology.err.path);
		return;
	}
	if (!rthc_cpuset_test(&f->topology.possible, 0)) {
		rthc_na(r, "CPU 0 does not exist on this host");
		return;
	}
	rthc_expect_bool(r, "cpu0_housekeeping", true);
	rthc_observe_bool(r, "cpu0_housekeeping", !rthc_cpuset_test(&iso->isolated, 0));
	if (!rthc_cpuset_test(&iso->isolated, 0)) {
		rthc_pass(r, "CPU 0 is a housekeeping CPU");
		return;
	}
	rthc_item(r, "cpu 0", "isolated, but it keeps timekeeping and legacy IRQs");
	rthc_warn(r, "CPU 0 is in the isolated set: it keeps timekeeping and legacy IRQs, and nohz_full "
		     "silently drops it");
	rthc_remedy(r, true, true, "leave CPU 0 (and its SMT siblings) out of isolcpus=, nohz_full= and rcu_nocbs=");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", NULL);
}

const struct rthc_check rthc_checks_cpu[] = {
	{
		.id = "cpu.smt",
		.title = "SMT is off or isolated CPUs own whole cores",
		.category = RTHC_CAT_CPU,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/sys/devices/system/cpu/smt/{control,active}; cpuN/topology/thread_siblings_list "
			 "(or core_cpus_list, or the thread_siblings mask)",
		.why = "SMT siblings share execution units, caches and TLBs: a busy housekeeping sibling adds "
		       "jitter to the RT thread on the same core. libvirt calls hyper-threading incompatible "
		       "with real time.",
		.pass = "SMT control is off/forceoff/notsupported, the host has one thread per core, or every "
			"isolated CPU's siblings are isolated too",
		.remedy = "RT echo off > /sys/devices/system/cpu/smt/control (offlines siblings: re-validate CPU "
			  "lists); BOOT nosmt; BIOS hyper-threading off",
		.sources = "[LV] [NTO-PPC]",
		.run = smt,
	},
	{
		.id = "cpu.boot_cpu",
		.title = "CPU 0 stays a housekeeping CPU",
		.category = RTHC_CAT_CPU,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "the isolated set (isolcpus, nohz_full, cpuset partitions)",
		.why = "CPU 0 keeps timekeeping duty and legacy IRQs; nohz_full silently drops it, so "
		       "isolating it gives a CPU that is neither isolated nor a good housekeeper.",
		.pass = "CPU 0 is not in the isolated set",
		.remedy = "BOOT: leave CPU 0 out of the isolation lists",
		.sources = "[NOHZ] [UBU-VM]",
		.run = boot_cpu,
	},
	{0},
};
