/* Boot command line checks for CPU isolation (spec/checks.md §1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

/* The suggested isolated set for a remedy: ISO when known, else a placeholder. */
static const char *iso_or_placeholder(const char *iso)
{
	return iso && *iso ? iso : "<isolated-cpus>";
}

static void remedy_isolcpus(struct rthc_result *r, const char *iso)
{
	char val[256];

	snprintf(val, sizeof(val), "managed_irq,domain,%s", iso_or_placeholder(iso));
	rthc_remedy(r, true, true, "boot with isolcpus=%s (or use a cgroup v2 isolated cpuset partition)", val);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", val);
}

static void isolcpus(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	_cleanup_free_ char *want = NULL, *eff = NULL, *given = NULL, *cg = NULL;

	if (!cl)
		return;
	rthc_evidence_param(r, cl, "isolcpus");
	if (iso->isolated_effective.state < 0) {
		rthc_result_error(r, iso->isolated_effective.state, iso->isolated_effective.path);
		return;
	}
	want = rthc_cpuset_str(&iso->isolated);
	eff = rthc_cpuset_str(&iso->domain);
	cg = iso->cgroup_isolated.state == 1 ? rthc_cpuset_str(&iso->cgroup_isolated.cpus) : NULL;
	rthc_expect_bool(r, "domain", true);
	if (iso->isolated_effective.state == 1)
		rthc_evidence(r, iso->isolated_effective.path, "%s", cpus_or_none(eff));
	if (iso->isolcpus.present && !iso->isolcpus.err)
		given = rthc_cpuset_str(&iso->isolcpus.cpus);
	rthc_observe_str(r, "cmdline", given);
	rthc_observe_str(r, "effective", iso->isolated_effective.state == 1 ? eff : NULL);
	if (cg)
		rthc_observe_str(r, "cgroup_isolated", cg);

	if (iso->isolcpus.present && iso->isolcpus.err) {
		rthc_fail(r, "isolcpus=%s is malformed, so the kernel ignores it",
			  rthc_cmdline_get(cl, "isolcpus"));
		remedy_isolcpus(r, want);
		return;
	}
	if (iso->isolcpus.present && !(iso->isolcpus_flags & RTHC_ISOL_DOMAIN)) {
		rthc_fail(r, "isolcpus= has no domain flag: CPUs %s stay in scheduler load balancing",
			  cpus_or_none(given));
		remedy_isolcpus(r, given);
		return;
	}
	if (rthc_cpuset_empty(&iso->domain) && (!cg || !*cg)) {
		if (iso->isolcpus.present && !rthc_cpuset_empty(&iso->isolcpus.cpus))
			rthc_fail(r, "isolcpus=%s is on the command line but the kernel isolated no CPU "
				     "(rejected range?)", rthc_cmdline_get(cl, "isolcpus"));
		else
			rthc_fail(r, "no CPU is isolated from the scheduler: no isolcpus= and no isolated "
				     "cpuset partition");
		remedy_isolcpus(r, want);
		return;
	}
	if (iso->isolcpus.present && iso->isolated_effective.state == 1 &&
	    !rthc_cpuset_equal(&iso->isolcpus.cpus, &iso->isolated_effective.cpus)) {
		rthc_warn(r, "the kernel isolated CPUs %s, not the %s the command line asks for",
			  cpus_or_none(eff), cpus_or_none(given));
		remedy_isolcpus(r, given);
		return;
	}
	if (rthc_cpuset_empty(&iso->domain))
		rthc_pass(r, "CPUs %s are isolated by a cgroup v2 isolated partition", cpus_or_none(cg));
	else
		rthc_pass(r, "CPUs %s are isolated from scheduler domains", cpus_or_none(eff));
}

static void isolcpus_managed_irq(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	_cleanup_free_ char *given = NULL;
	char val[256];

	if (!cl)
		return;
	rthc_evidence_param(r, cl, "isolcpus");
	if (!iso->isolcpus.present) {
		rthc_na(r, "no isolcpus= parameter (see cmdline.isolcpus)");
		return;
	}
	if (iso->isolcpus.err) {
		rthc_na(r, "isolcpus= is malformed and ignored by the kernel (see cmdline.isolcpus)");
		return;
	}
	rthc_expect_bool(r, "managed_irq", true);
	rthc_observe_bool(r, "managed_irq", iso->isolcpus_flags & RTHC_ISOL_MANAGED_IRQ);
	if (iso->isolcpus_flags & RTHC_ISOL_MANAGED_IRQ) {
		rthc_pass(r, "isolcpus= has the managed_irq flag: managed IRQ vectors avoid isolated CPUs");
		return;
	}
	given = rthc_cpuset_str(&iso->isolcpus.cpus);
	rthc_warn(r, "isolcpus= lacks managed_irq: multi-queue devices spread managed vectors onto CPUs %s",
		  cpus_or_none(given));
	snprintf(val, sizeof(val), "managed_irq,domain,%s", iso_or_placeholder(given));
	rthc_remedy(r, true, true, "add managed_irq: isolcpus=%s", val);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", val);
}

static void nohz_full(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	struct rthc_cpuset want = RTHC_CPUSET_INIT, missing = RTHC_CPUSET_INIT;
	_cleanup_free_ char *want_s = NULL, *eff_s = NULL, *miss_s = NULL;
	char val[256];
	bool known;
	char buf[8];

	if (!cl)
		return;
	rthc_evidence_param(r, cl, "nohz_full");
	if (iso->nohz_full_effective.state < 0) {
		rthc_result_error(r, iso->nohz_full_effective.state, iso->nohz_full_effective.path);
		return;
	}
	if (iso->nohz_full_effective.state == 0) {
		const char *v = rthc_facts_kconfig(f, "CONFIG_NO_HZ_FULL", &known, buf, sizeof(buf));

		if (known && (!v || !streq(v, "y"))) {
			rthc_fail(r, "the kernel is built without CONFIG_NO_HZ_FULL: nohz_full= cannot take effect");
			rthc_remedy(r, false, true, "boot a kernel built with CONFIG_NO_HZ_FULL=y");
			return;
		}
		rthc_evidence(r, iso->nohz_full_effective.path, "absent: judged from the command line");
	} else {
		eff_s = rthc_cpuset_str(&iso->nohz_full_effective.cpus);
		rthc_evidence(r, iso->nohz_full_effective.path, "%s", cpus_or_none(eff_s));
	}
	if (iso->nohz_full.present && iso->nohz_full.err)
		rthc_evidence(r, "/proc/cmdline", "nohz_full=%s is malformed and ignored by the kernel",
			      rthc_cmdline_get(cl, "nohz_full"));

	/* The boot CPU keeps the tick for timekeeping: the kernel drops it from nohz_full. */
	if (rthc_cpuset_copy(&want, &iso->isolated) < 0 || rthc_cpuset_copy(&missing, &want) < 0) {
		rthc_result_errorf(r, -ENOMEM, "out of memory");
		goto out;
	}
	rthc_cpuset_clear(&missing, 0);
	rthc_cpuset_andnot(&missing, &iso->nohz);
	want_s = rthc_cpuset_str(&iso->isolated);
	rthc_expect_cpus(r, "cpus", &iso->isolated);
	rthc_observe_cpus(r, "cpus", &iso->nohz);
	if (rthc_cpuset_empty(&iso->isolated)) {
		rthc_fail(r, "no CPU runs with adaptive ticks (nohz_full): no isolated CPUs");
		rthc_remedy(r, true, true, "boot with nohz=on nohz_full=<isolated-cpus>");
		rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "nohz_full", "<isolated-cpus>");
		goto out;
	}
	if (rthc_cpuset_empty(&missing)) {
		rthc_pass(r, "nohz_full covers the isolated CPUs %s", cpus_or_none(want_s));
		goto out;
	}
	miss_s = rthc_cpuset_str(&missing);
	rthc_items_cpus(r, &missing, "isolated but the periodic tick still runs (not in nohz_full)");
	rthc_fail(r, "isolated CPUs %s still take the periodic tick (not in nohz_full)", cpus_or_none(miss_s));
	snprintf(val, sizeof(val), "%s", iso_or_placeholder(want_s));
	rthc_remedy(r, true, true, "boot with nohz=on nohz_full=%s (a reboot is required)", val);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "nohz_full", val);
out:
	rthc_cpuset_done(&want);
	rthc_cpuset_done(&missing);
}

static void rcu_nocbs(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	struct rthc_cpuset missing = RTHC_CPUSET_INIT;
	_cleanup_free_ char *want_s = NULL, *miss_s = NULL;

	if (!cl)
		return;
	rthc_evidence_param(r, cl, "rcu_nocbs");
	if (iso->rcu_nocbs.present && iso->rcu_nocbs.err)
		rthc_evidence(r, "/proc/cmdline", "rcu_nocbs=%s is malformed and ignored by the kernel",
			      rthc_cmdline_get(cl, "rcu_nocbs"));
	want_s = rthc_cpuset_str(&iso->isolated);
	rthc_expect_cpus(r, "cpus", &iso->isolated);
	rthc_observe_cpus(r, "cpus", &iso->offloaded);
	if (rthc_cpuset_empty(&iso->isolated)) {
		rthc_warn(r, "no CPU has its RCU callbacks offloaded: no isolated CPUs");
		rthc_remedy(r, true, true, "boot with rcu_nocbs=<isolated-cpus>");
		rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "rcu_nocbs", "<isolated-cpus>");
		return;
	}
	if (rthc_cpuset_copy(&missing, &iso->isolated) < 0) {
		rthc_result_errorf(r, -ENOMEM, "out of memory");
		return;
	}
	rthc_cpuset_andnot(&missing, &iso->offloaded);
	if (rthc_cpuset_empty(&missing)) {
		rthc_pass(r, "RCU callbacks of the isolated CPUs %s are offloaded (rcu_nocbs ∪ nohz_full)",
			  cpus_or_none(want_s));
	} else {
		miss_s = rthc_cpuset_str(&missing);
		rthc_items_cpus(r, &missing, "RCU callbacks run on this isolated CPU (not offloaded)");
		rthc_warn(r, "isolated CPUs %s still run their RCU callbacks (not in rcu_nocbs or nohz_full)",
			  cpus_or_none(miss_s));
		rthc_remedy(r, true, true, "boot with rcu_nocbs=%s", want_s ? want_s : "<isolated-cpus>");
		rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "rcu_nocbs", want_s);
	}
	rthc_cpuset_done(&missing);
}

const struct rthc_check rthc_checks_cmdline[] = {
	{
		.id = "cmdline.isolcpus",
		.title = "Isolated CPUs are removed from scheduler load balancing",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline isolcpus=[flags,]list; /sys/devices/system/cpu/isolated; "
			 "/sys/fs/cgroup/cpuset.cpus.isolated",
		.why = "Without isolation, load balancing, unbound kthreads and timers land on the RT CPUs.",
		.pass = "the isolated set is non-empty and isolated from scheduler domains (isolcpus= with the "
			"domain flag, implied when no flag is given, or a cgroup v2 isolated partition); the "
			"kernel's isolated file agrees with the command line",
		.remedy = "BOOT isolcpus=managed_irq,domain,<ISO>; runtime alternative: a cgroup v2 isolated "
			  "cpuset partition",
		.sources = "[KP] [T-RT] [NTO] [LV] [SUSE]",
		.run = isolcpus,
	},
	{
		.id = "cmdline.isolcpus.managed_irq",
		.title = "isolcpus= keeps managed IRQs off isolated CPUs",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline isolcpus= flags",
		.why = "Without managed_irq, multi-queue devices (NVMe, virtio, HBAs, NICs) spread their "
		       "kernel-managed vectors onto the isolated CPUs, and those cannot be moved at runtime.",
		.pass = "isolcpus= carries the managed_irq flag",
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
		.reads = "/proc/cmdline nohz_full= (or isolcpus=nohz,...); /sys/devices/system/cpu/nohz_full "
			 "(\"(null)\" or empty when unset); CONFIG_NO_HZ_FULL",
		.why = "The periodic tick interrupts a CPU running one FIFO vCPU or RT task every jiffy.",
		.pass = "the effective nohz_full set equals the isolated set (the boot CPU is always removed "
			"by the kernel)",
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
		.reads = "/proc/cmdline rcu_nocbs= and nohz_full=",
		.why = "CPUs whose RCU callbacks are not offloaded run them in softirq or rcuc/N context.",
		.pass = "the isolated set is a subset of rcu_nocbs ∪ nohz_full (nohz_full CPUs are offloaded "
			"implicitly)",
		.remedy = "BOOT rcu_nocbs=<ISO>",
		.sources = "[NOHZ] [KTH] [RH7]",
		.run = rcu_nocbs,
	},
	{0},
};
