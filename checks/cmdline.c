/*
 * Boot command line checks for CPU isolation (spec/checks.md §1). Each judges what the running
 * kernel made of the parameters (the sysfs files, or the kernel's own rules when they are
 * absent), not the text alone: see iso-kernel.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iso-kernel.h"
#include "util.h"

#define ISOL_FLAGS (RTHC_ISOL_MANAGED_IRQ | RTHC_ISOL_DOMAIN)

/* Remedy: boot with isolcpus=[managed_irq,][domain,]<cpus>. */
static void remedy_isolcpus(struct rthc_result *r, const struct rthc_facts *f,
			    const struct rthc_cpuset *cpus, unsigned flags, const char *why)
{
	_cleanup_free_ char *val = rthc_iso_isolcpus_value(f, cpus, flags);

	if (!val) {
		r->oom = true;
		return;
	}
	rthc_remedy(r, true, true, "boot with isolcpus=%s%s", val, why);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", val);
}

/* Remedy: boot with KEY=<cpus> (a reboot is required). */
static void remedy_list(struct rthc_result *r, const char *key, const struct rthc_cpuset *cpus,
			const char *extra)
{
	_cleanup_free_ char *list = rthc_iso_list_or_placeholder(cpus);

	if (!list) {
		r->oom = true;
		return;
	}
	rthc_remedy(r, true, true, "boot with %s%s=%s", extra, key, list);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, key, list);
}

/* The CPUs a remedy isolates: ISO, or, with nothing isolated, all but one core per NUMA node. */
static int suggested_iso(const struct rthc_facts *f, struct rthc_cpuset *out)
{
	if (!rthc_cpuset_empty(&f->isolation.isolated))
		return rthc_cpuset_copy(out, &f->isolation.isolated);
	return rthc_iso_reserve_hk(f, NULL, out);
}

static void observe_isolcpus(struct rthc_result *r, const struct rthc_isolation *iso)
{
	char flags[64] = "";

	if (!iso->isolcpus.present || iso->isolcpus.err) {
		rthc_observe_null(r, "cmdline");
		rthc_observe_null(r, "flags");
		return;
	}
	rthc_observe_cpus(r, "cmdline", &iso->isolcpus.cpus);
	for (size_t i = 0; iso->isolcpus_flag_names[i]; i++) {
		if (i)
			strcat(flags, ",");
		strcat(flags, iso->isolcpus_flag_names[i]); /* at most "nohz,domain,managed_irq" */
	}
	rthc_observe_str(r, "flags", flags);
}

/* Why nothing is domain-isolated, as one sentence. */
static void fail_no_isolation(struct rthc_result *r, const struct rthc_cmdline *cl,
			      const struct rthc_isolation *iso)
{
	const char *v = rthc_cmdline_get(cl, "isolcpus");

	if (iso->isolcpus.present && iso->isolcpus.err)
		rthc_fail(r, "isolcpus=%s is malformed, so the kernel ignored it and no CPU is "
			  "isolated", v);
	else if (iso->isolcpus.present && !(iso->isolcpus_flags & RTHC_ISOL_DOMAIN))
		rthc_fail(r, "isolcpus=%s has no domain flag, so every CPU stays in scheduler "
			  "load balancing", v);
	else if (iso->isolcpus.present && !rthc_cpuset_empty(&iso->isolcpus.cpus))
		rthc_fail(r, "isolcpus=%s is on the command line but the kernel isolated no CPU "
			  "(%s is empty)", v, iso->isolated_effective.path);
	else
		rthc_fail(r, "no CPU is isolated from the scheduler: no isolcpus= and no "
			  "isolated cpuset partition");
}

static void isolcpus_observe(struct rthc_result *r, const struct rthc_isolation *iso, bool isolated)
{
	rthc_expect_bool(r, "isolated", true);
	rthc_observe_bool(r, "isolated", isolated);
	observe_isolcpus(r, iso);
	if (iso->isolated_effective.state == 1)
		rthc_observe_cpus(r, "effective", &iso->isolated_effective.cpus);
	else
		rthc_observe_null(r, "effective");
	if (iso->cgroup_isolated.state == 1)
		rthc_observe_cpus(r, "cgroup_isolated", &iso->cgroup_isolated.cpus);
}

static void isolcpus(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	const struct rthc_cmdline *cl;
	_cleanup_cpuset_ struct rthc_cpuset want = RTHC_CPUSET_INIT;
	_cleanup_free_ char *eff = NULL, *cg = NULL, *given = NULL;
	const char *v;
	bool by_domain, by_cgroup;

	if (!rthc_iso_inputs_ok(ctx, r) || !(cl = rthc_check_cmdline(ctx, r)))
		return;
	rthc_evidence_param(r, cl, "isolcpus");
	v = rthc_cmdline_get(cl, "isolcpus");
	eff = rthc_cpuset_str(&iso->domain);
	if (iso->isolated_effective.state == 1)
		rthc_evidence(r, iso->isolated_effective.path, "%s", cpus_or_none(eff));
	if (iso->cgroup_isolated.state == 1) {
		cg = rthc_cpuset_str(&iso->cgroup_isolated.cpus);
		rthc_evidence(r, iso->cgroup_isolated.path, "%s", cpus_or_none(cg));
	}
	by_domain = !rthc_cpuset_empty(&iso->domain);
	by_cgroup =
		iso->cgroup_isolated.state == 1 && !rthc_cpuset_empty(&iso->cgroup_isolated.cpus);
	isolcpus_observe(r, iso, by_domain || by_cgroup);

	if (!by_domain && !by_cgroup) {
		fail_no_isolation(r, cl, iso);
		if (suggested_iso(f, &want) < 0)
			r->oom = true;
		else
			remedy_isolcpus(r, f, &want, ISOL_FLAGS, " (or use a cgroup v2 isolated "
					"cpuset partition)");
	} else if (iso->isolcpus.present && iso->isolcpus.err) {
		rthc_warn(r, "isolcpus=%s is malformed and ignored by the kernel; only the cgroup "
			  "partition isolates CPUs %s", v, cpus_or_none(cg));
		remedy_isolcpus(r, f, &iso->isolated, ISOL_FLAGS, "");
	} else if (iso->isolcpus.present && !by_domain) {
		rthc_warn(r, "isolcpus=%s has no domain flag; only the cgroup partition isolates "
			  "CPUs %s", v, cpus_or_none(cg));
		remedy_isolcpus(r, f, &iso->isolated, ISOL_FLAGS, "");
	} else if (iso->isolcpus.present && iso->isolated_effective.state == 1 &&
		   !rthc_cpuset_equal(&iso->isolcpus.cpus, &iso->isolated_effective.cpus)) {
		given = rthc_cpuset_str(&iso->isolcpus.cpus);
		rthc_warn(r, "the kernel isolated CPUs %s, not the %s that isolcpus= asks for",
			  cpus_or_none(eff), cpus_or_none(given));
		remedy_isolcpus(r, f, &iso->isolated_effective.cpus, ISOL_FLAGS,
				", so that the command line says what the kernel does");
	} else if (by_domain) {
		rthc_pass(r, "CPUs %s are isolated from scheduler load balancing",
			  cpus_or_none(eff));
	} else {
		rthc_pass(r, "CPUs %s are isolated by a cgroup v2 isolated partition",
			  cpus_or_none(cg));
	}
}

static void managed_irq_warn(struct rthc_result *r, const struct rthc_facts *f, bool managed,
			     const struct rthc_cpuset *outside)
{
	const struct rthc_isolation *iso = &f->isolation;
	_cleanup_free_ char *out_s = rthc_cpuset_str(outside);
	/* With cgroup partitions doing the domain isolation, managed_irq alone is the fix. */
	bool cgroup_only = rthc_cpuset_empty(&iso->domain) && iso->cgroup_isolated.state == 1 &&
			   !rthc_cpuset_empty(&iso->cgroup_isolated.cpus);
	unsigned flags = RTHC_ISOL_MANAGED_IRQ | (cgroup_only ? 0 : RTHC_ISOL_DOMAIN);

	rthc_items_cpus(r, outside, "isolated, but not covered by isolcpus=managed_irq");
	if (!iso->isolcpus.present || iso->isolcpus.err)
		rthc_warn(r, "no valid isolcpus= parameter carries managed_irq, so multi-queue "
			  "devices spread their managed IRQ vectors onto the isolated %s %s",
			  rthc_iso_plural(outside, "CPU", "CPUs"), cpus_or_none(out_s));
	else if (!managed)
		rthc_warn(r, "isolcpus= lacks the managed_irq flag, so multi-queue devices spread "
			  "their managed IRQ vectors onto the isolated %s %s",
			  rthc_iso_plural(outside, "CPU", "CPUs"), cpus_or_none(out_s));
	else
		rthc_warn(r, "the isolated %s %s %s outside the isolcpus=managed_irq list, so "
			  "managed IRQ vectors can land there",
			  rthc_iso_plural(outside, "CPU", "CPUs"), cpus_or_none(out_s),
			  rthc_iso_plural(outside, "is", "are"));
	remedy_isolcpus(r, f, &iso->isolated, flags, "");
}

static void isolcpus_managed_irq(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	const struct rthc_cmdline *cl;
	_cleanup_cpuset_ struct rthc_cpuset covered = RTHC_CPUSET_INIT, outside = RTHC_CPUSET_INIT;
	_cleanup_free_ char *iso_s = NULL;
	bool managed;

	if (!rthc_iso_inputs_ok(ctx, r) || !(cl = rthc_check_cmdline(ctx, r)))
		return;
	rthc_evidence_param(r, cl, "isolcpus");
	if (rthc_cpuset_empty(&iso->isolated)) {
		rthc_na(r, "no CPU is isolated, so there is nothing to keep managed IRQs off "
			"(see cmdline.isolcpus)");
		return;
	}
	managed = iso->isolcpus.present && !iso->isolcpus.err &&
		  (iso->isolcpus_flags & RTHC_ISOL_MANAGED_IRQ);
	if (!rthc_iso_has_managed_irq(f))
		managed = false; /* before 5.6 the kernel skips the flag as unknown */
	if ((managed && rthc_cpuset_copy(&covered, &iso->isolcpus.cpus) < 0) ||
	    rthc_cpuset_copy(&outside, &iso->isolated) < 0) {
		r->oom = true;
		return;
	}
	rthc_cpuset_andnot(&outside, &covered);
	rthc_expect_bool(r, "managed_irq", true);
	rthc_expect_cpus(r, "cpus", &iso->isolated);
	rthc_observe_bool(r, "managed_irq", managed);
	rthc_observe_cpus(r, "cpus", &covered);
	iso_s = rthc_cpuset_str(&iso->isolated);
	if (!rthc_iso_has_managed_irq(f)) {
		rthc_items_cpus(r, &outside, "isolated, but the kernel cannot keep managed IRQs "
				"off it");
		rthc_warn(r, "kernel %s predates isolcpus=managed_irq (5.6), so managed IRQ "
			  "vectors can land on the isolated CPUs %s", f->kernel.release,
			  cpus_or_none(iso_s));
		rthc_remedy(r, false, true, "boot a 5.6 or newer RT kernel with "
			    "isolcpus=managed_irq,domain,%s", cpus_or_none(iso_s));
		rthc_remedy_action(r, RTHC_ACTION_MANUAL, "kernel", ">= 5.6");
	} else if (rthc_cpuset_empty(&outside)) {
		rthc_pass(r, "isolcpus= carries managed_irq for every isolated CPU (%s), so "
			  "managed IRQ vectors avoid them", cpus_or_none(iso_s));
	} else {
		managed_irq_warn(r, f, managed, &outside);
	}
}

/* The verdict of cmdline.nohz_full once the sets are known. */
static void nohz_verdict(struct rthc_result *r, const struct rthc_facts *f, const char *v,
			 const struct rthc_cpuset *nohz, const struct rthc_cpuset *want,
			 const struct rthc_cpuset *missing)
{
	const struct rthc_isolation *iso = &f->isolation;
	_cleanup_free_ char *want_s = rthc_cpuset_str(want), *miss_s = rthc_cpuset_str(missing);

	if (rthc_iso_nohz_supported(f) == 0) {
		rthc_fail(r, "the kernel is built without CONFIG_NO_HZ_FULL (no %s), so no CPU "
			  "can run with adaptive ticks", iso->nohz_full_effective.path);
		rthc_remedy(r, false, true, "boot a kernel built with CONFIG_NO_HZ_FULL=y (the "
			    "distribution's RT kernel), with nohz_full=%s", cpus_or_none(want_s));
		rthc_remedy_action(r, RTHC_ACTION_MANUAL, "kernel", "CONFIG_NO_HZ_FULL=y");
		return;
	}
	if (rthc_cpuset_empty(&iso->isolated)) {
		rthc_fail(r, "no CPU is isolated, so every CPU takes the periodic tick");
	} else if (rthc_cpuset_empty(want)) {
		rthc_na(r, "the only isolated CPU is the boot CPU 0, which keeps its tick for "
			"timekeeping (see cpu.boot_cpu)");
		return;
	} else if (rthc_cpuset_empty(missing)) {
		rthc_pass(r, "the isolated CPUs %s run with adaptive ticks (nohz_full)",
			  cpus_or_none(want_s));
		return;
	} else if (v && rthc_cpuset_empty(nohz) && iso->nohz_full_effective.state == 1) {
		rthc_items_cpus(r, missing, "isolated, but the periodic tick still runs (not in "
				"nohz_full)");
		rthc_fail(r, "the kernel ignored nohz_full=%s (%s is empty), so the isolated %s "
			  "%s still take%s the periodic tick", v, iso->nohz_full_effective.path,
			  rthc_iso_plural(missing, "CPU", "CPUs"), cpus_or_none(miss_s),
			  rthc_iso_plural(missing, "s", ""));
	} else {
		rthc_items_cpus(r, missing, "isolated, but the periodic tick still runs (not in "
				"nohz_full)");
		rthc_fail(r, "the isolated %s %s still take%s the periodic tick (not in nohz_full)",
			  rthc_iso_plural(missing, "CPU", "CPUs"), cpus_or_none(miss_s),
			  rthc_iso_plural(missing, "s", ""));
	}
	remedy_list(r, "nohz_full", want, "nohz=on ");
}

static void nohz_full(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	const struct rthc_cmdline *cl;
	_cleanup_cpuset_ struct rthc_cpuset nohz = RTHC_CPUSET_INIT, want = RTHC_CPUSET_INIT,
					    missing = RTHC_CPUSET_INIT;
	_cleanup_free_ char *nohz_s = NULL;
	const char *v;

	if (!rthc_iso_inputs_ok(ctx, r) || !(cl = rthc_check_cmdline(ctx, r)))
		return;
	rthc_evidence_param(r, cl, "nohz_full");
	if (rthc_iso_nohz(f, &nohz) < 0 || suggested_iso(f, &want) < 0) {
		r->oom = true;
		return;
	}
	/* tick_nohz_init() keeps the boot CPU's tick for timekeeping. */
	if (rthc_iso_boot_cpu_dropped(f))
		rthc_cpuset_clear(&want, 0);
	if (rthc_cpuset_copy(&missing, &want) < 0) {
		r->oom = true;
		return;
	}
	rthc_cpuset_andnot(&missing, &nohz);
	nohz_s = rthc_cpuset_str(&nohz);
	if (iso->nohz_full_effective.state == 1)
		rthc_evidence(r, iso->nohz_full_effective.path, "%s", cpus_or_none(nohz_s));
	v = rthc_cmdline_get(cl, "nohz_full");
	if (iso->nohz_full.present && iso->nohz_full.err)
		rthc_evidence(r, "/proc/cmdline", "nohz_full=%s is malformed, so the kernel "
			      "ignores it", v);
	rthc_expect_cpus(r, "cpus", &want);
	rthc_observe_cpus(r, "cpus", &nohz);
	nohz_verdict(r, f, v, &nohz, &want, &missing);
}

static void rcu_verdict(struct rthc_result *r, const struct rthc_cmdline *cl,
			const struct rthc_isolation *iso, const char *how,
			const struct rthc_cpuset *off, const struct rthc_cpuset *want,
			const struct rthc_cpuset *missing)
{
	_cleanup_free_ char *want_s = rthc_cpuset_str(want), *miss_s = rthc_cpuset_str(missing),
			    *off_s = rthc_cpuset_str(off);

	if (rthc_cpuset_empty(&iso->isolated)) {
		rthc_warn(r, "no CPU is isolated, so no CPU has its RCU callbacks offloaded for "
			  "RT work");
	} else if (!rthc_cpuset_empty(missing) && how) {
		rthc_items_cpus(r, missing, "isolated, but RCU callbacks still run on it (not "
				"offloaded)");
		rthc_warn(r, "%s, so the isolated %s %s still run%s %s RCU callbacks", how,
			  rthc_iso_plural(missing, "CPU", "CPUs"), cpus_or_none(miss_s),
			  rthc_iso_plural(missing, "s", ""),
			  rthc_iso_plural(missing, "its", "their"));
		rthc_remedy(r, false, true, "boot a kernel built with CONFIG_RCU_NOCB_CPU=y, with "
			    "rcu_nocbs=%s", cpus_or_none(want_s));
		rthc_remedy_action(r, RTHC_ACTION_MANUAL, "kernel", "CONFIG_RCU_NOCB_CPU=y");
		return;
	} else if (!rthc_cpuset_empty(missing)) {
		rthc_items_cpus(r, missing, "isolated, but RCU callbacks still run on it (not "
				"offloaded)");
		rthc_warn(r, "the isolated %s %s still run%s %s RCU callbacks (in neither "
			  "rcu_nocbs= nor nohz_full)", rthc_iso_plural(missing, "CPU", "CPUs"),
			  cpus_or_none(miss_s), rthc_iso_plural(missing, "s", ""),
			  rthc_iso_plural(missing, "its", "their"));
	} else if (iso->rcu_nocbs.present && iso->rcu_nocbs.err) {
		rthc_warn(r, "rcu_nocbs=%s is malformed, so the kernel offloads every CPU instead "
			  "of the isolated CPUs %s", rthc_cmdline_get(cl, "rcu_nocbs"),
			  cpus_or_none(want_s));
	} else {
		rthc_pass(r, "the RCU callbacks of the isolated CPUs %s are offloaded (offloaded: "
			  "%s)", cpus_or_none(want_s), cpus_or_none(off_s));
		return;
	}
	remedy_list(r, "rcu_nocbs", want, "");
}

static void rcu_nocbs(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	const struct rthc_cmdline *cl;
	_cleanup_cpuset_ struct rthc_cpuset off = RTHC_CPUSET_INIT, want = RTHC_CPUSET_INIT,
					    missing = RTHC_CPUSET_INIT;
	const char *how = NULL;

	if (!rthc_iso_inputs_ok(ctx, r) || !(cl = rthc_check_cmdline(ctx, r)))
		return;
	rthc_evidence_param(r, cl, "rcu_nocbs");
	if (rthc_iso_offloaded(f, &off, &how) < 0 || suggested_iso(f, &want) < 0 ||
	    rthc_cpuset_copy(&missing, &iso->isolated) < 0) {
		r->oom = true;
		return;
	}
	rthc_cpuset_andnot(&missing, &off);
	if (how && strstr(how, "CONFIG_") && f->kernel.config_path)
		rthc_evidence(r, f->kernel.config_path, "%s", how);
	else if (how)
		rthc_evidence(r, "/proc/cmdline", "%s", how);
	rthc_expect_cpus(r, "cpus", &want);
	rthc_observe_cpus(r, "cpus", &off);
	rcu_verdict(r, cl, iso, how, &off, &want, &missing);
}

const struct rthc_check rthc_checks_cmdline[] = {
	{
		.id = "cmdline.isolcpus",
		.title = "Isolated CPUs are removed from scheduler load balancing",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline isolcpus=[flags,]list; /sys/devices/system/cpu/isolated "
			 "(what the kernel isolated); /sys/fs/cgroup/cpuset.cpus.isolated",
		.why = "Without isolation, load balancing, unbound kthreads and timers land on "
		       "the RT CPUs.",
		.pass = "some CPUs are isolated from scheduler domains (isolcpus= with the domain "
			"flag, implied when no flag is given, or a cgroup v2 isolated partition), "
			"and the kernel's isolated file agrees with the command line (the kernel "
			"ignores a malformed list and keeps the boot CPU when every CPU is listed)",
		.remedy = "BOOT isolcpus=managed_irq,domain,<ISO> (with nothing isolated: every "
			  "CPU except the first core of each NUMA node); runtime alternative: a "
			  "cgroup v2 isolated partition",
		.sources = "[KP] [HK] [T-RT] [NTO] [LV] [SUSE]",
		.run = isolcpus,
	},
	{
		.id = "cmdline.isolcpus.managed_irq",
		.title = "isolcpus= keeps managed IRQs off isolated CPUs",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline isolcpus= flags and list; the isolated set",
		.why = "Without managed_irq, multi-queue devices (NVMe, virtio, HBAs, NICs) "
		       "spread their kernel-managed vectors onto the isolated CPUs, and those "
		       "cannot be moved at runtime.",
		.pass = "isolcpus= carries the managed_irq flag and its list covers every "
			"isolated CPU; not applicable when no CPU is isolated",
		.remedy = "BOOT isolcpus=managed_irq,domain,<ISO>",
		.sources = "[MIRQ] [KP] [T-RT]",
		.run = isolcpus_managed_irq,
	},
	{
		.id = "cmdline.nohz_full",
		.title = "Isolated CPUs run with adaptive ticks (nohz_full)",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline nohz_full= (or isolcpus=nohz,...); "
			 "/sys/devices/system/cpu/nohz_full (\"(null)\" or empty when unset; "
			 "absent without CONFIG_NO_HZ_FULL); the kernel config",
		.why = "The periodic tick interrupts a CPU running one FIFO vCPU or RT task every "
		       "jiffy.",
		.pass = "every isolated CPU is in the kernel's nohz_full set, except the boot "
			"CPU, which tick_nohz_init() always keeps for timekeeping",
		.remedy = "BOOT nohz=on nohz_full=<ISO>; there is no runtime reconfiguration",
		.sources = "[NOHZ] [T-RVH] [T-CP]",
		.run = nohz_full,
	},
	{
		.id = "cmdline.rcu_nocbs",
		.title = "RCU callbacks are offloaded from isolated CPUs",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline rcu_nocbs= and nohz_full=; the kernel config "
			 "(CONFIG_RCU_NOCB_CPU, CONFIG_RCU_NOCB_CPU_DEFAULT_ALL)",
		.why = "CPUs whose RCU callbacks are not offloaded run them in softirq or rcuc/N "
		       "context.",
		.pass = "every isolated CPU is offloaded: rcu_nocbs= ∪ nohz_full (the kernel adds "
			"nohz_full CPUs itself; a malformed rcu_nocbs= offloads every CPU, which "
			"is reported as a warning)",
		.remedy = "BOOT rcu_nocbs=<ISO>",
		.sources = "[NOHZ] [KTH] [RH7] [KP]",
		.run = rcu_nocbs,
	},
	{0},
};
