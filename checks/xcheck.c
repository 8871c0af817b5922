/* Cross-checks between settings (spec/checks.md §12). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tasks.h"
#include "util.h"

static void nohz_in_iso(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	struct rthc_cpuset outside = RTHC_CPUSET_INIT;
	_cleanup_free_ char *nohz_s = NULL, *out_s = NULL;

	if (rthc_cpuset_empty(&iso->nohz)) {
		rthc_na(r, "no nohz_full CPUs");
		return;
	}
	nohz_s = rthc_cpuset_str(&iso->nohz);
	if (rthc_cpuset_copy(&outside, &iso->nohz) < 0) {
		rthc_result_errorf(r, -ENOMEM, "out of memory");
		return;
	}
	rthc_cpuset_andnot(&outside, &iso->domain);
	if (iso->cgroup_isolated.state == 1)
		rthc_cpuset_andnot(&outside, &iso->cgroup_isolated.cpus);
	rthc_observe_cpus(r, "nohz_full", &iso->nohz);
	rthc_observe_cpus(r, "domain_isolated", &iso->domain);
	rthc_expect_cpus(r, "outside_isolation", &(struct rthc_cpuset)RTHC_CPUSET_INIT);
	rthc_observe_cpus(r, "outside_isolation", &outside);
	if (rthc_cpuset_empty(&outside)) {
		rthc_pass(r, "every nohz_full CPU (%s) is also domain-isolated", cpus_or_none(nohz_s));
	} else {
		out_s = rthc_cpuset_str(&outside);
		rthc_items_cpus(r, &outside, "nohz_full but still load-balanced: adaptive ticks rarely engage");
		rthc_warn(r, "nohz_full CPUs %s are not domain-isolated: load balancing keeps more than one task "
			     "runnable there, so the tick rarely stops", cpus_or_none(out_s));
		rthc_remedy(r, true, true, "isolate the same CPUs with isolcpus=managed_irq,domain,%s",
			    cpus_or_none(nohz_s));
		rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", nohz_s);
	}
	rthc_cpuset_done(&outside);
}

static void hk_left(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	struct rthc_cpuset hk_possible = RTHC_CPUSET_INIT;
	_cleanup_free_ char *hk_s = NULL, *hkp_s = NULL;

	if (f->topology.err.err) {
		rthc_result_error(r, f->topology.err.err, f->topology.err.path);
		return;
	}
	hk_s = rthc_cpuset_str(&iso->housekeeping);
	rthc_observe_cpus(r, "housekeeping", &iso->housekeeping);
	rthc_observe_cpus(r, "isolated", &iso->isolated);
	rthc_expect_bool(r, "housekeeping_online", true);
	if (!rthc_cpuset_empty(&iso->housekeeping)) {
		rthc_pass(r, "housekeeping CPUs %s are online (%u)", cpus_or_none(hk_s),
			  rthc_cpuset_count(&iso->housekeeping));
		return;
	}
	if (rthc_cpuset_copy(&hk_possible, &f->topology.possible) < 0) {
		rthc_result_errorf(r, -ENOMEM, "out of memory");
		return;
	}
	rthc_cpuset_andnot(&hk_possible, &iso->isolated);
	hkp_s = rthc_cpuset_str(&hk_possible);
	if (rthc_cpuset_empty(&hk_possible))
		rthc_fail(r, "every CPU is isolated: timekeeping, timers and unbound work have no home");
	else
		rthc_fail(r, "the housekeeping CPUs %s are all offline", cpus_or_none(hkp_s));
	rthc_remedy(r, true, true, "keep at least one online CPU (per NUMA node) out of the isolation lists");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", NULL);
	rthc_cpuset_done(&hk_possible);
}

static void smt_siblings(struct rthc_ctx *ctx, struct rthc_result *r)
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
	if (rthc_cpuset_empty(&f->isolation.isolated)) {
		rthc_na(r, "no isolated CPUs");
		return;
	}
	if (t->smt_active == 0 || (t->smt_control && (streq(t->smt_control, "off") ||
						      streq(t->smt_control, "forceoff") ||
						      streq(t->smt_control, "notsupported")))) {
		rthc_pass(r, "SMT is not active");
		return;
	}
	k = rthc_iso_sibling_leaks(f, &leaks, r);
	if (k < 0) {
		rthc_result_errorf(r, k, "cannot read the SMT sibling list of an isolated CPU: %s",
				   k == -ENOMEM ? "out of memory" : "unreadable or malformed");
		if (t->bad.path)
			rthc_evidence(r, t->bad.path, "unreadable or malformed");
		goto out;
	}
	rthc_expect_cpus(r, "isolated_with_hk_sibling", &(struct rthc_cpuset)RTHC_CPUSET_INIT);
	rthc_observe_cpus(r, "isolated_with_hk_sibling", &leaks);
	if (!rthc_cpuset_empty(&leaks)) {
		leak_s = rthc_cpuset_str(&leaks);
		rthc_fail(r, "isolated CPUs %s share a core with housekeeping CPUs", cpus_or_none(leak_s));
		rthc_remedy(r, true, true, "isolate SMT siblings in pairs, or turn SMT off (smt/control, nosmt)");
		rthc_remedy_action(r, RTHC_ACTION_SYSFS, "/sys/devices/system/cpu/smt/control", "off");
	} else if (k == 0) {
		rthc_na(r, "no SMT sibling information for the isolated CPUs");
	} else {
		rthc_pass(r, "every SMT sibling of an isolated CPU is isolated too");
	}
out:
	rthc_cpuset_done(&leaks);
}

/* CPUs with an rcuop/N (or older rcuos/N) offload kthread. */
static int rcuo_threads(const struct rthc_tasks *ts, struct rthc_cpuset *out)
{
	for (size_t i = 0; i < ts->n; i++) {
		const char *c = ts->v[i].comm;
		char *end;
		long n;

		if (!strneq(c, "rcuop/", 6) && !strneq(c, "rcuos/", 6))
			continue;
		n = strtol(c + 6, &end, 10);
		if (end != c + 6 && !*end && n >= 0 && rthc_cpuset_set(out, (unsigned)n) < 0)
			return -ENOMEM;
	}
	return 0;
}

static void xrcu_nocbs(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	struct rthc_cpuset threads = RTHC_CPUSET_INIT, missing = RTHC_CPUSET_INIT;
	const struct rthc_tasks *ts;
	_cleanup_free_ char *miss_s = NULL, *nohz_s = NULL;
	char buf[8];
	bool known;
	const char *v;

	if (!cl)
		return;
	if (rthc_cpuset_empty(&iso->nohz)) {
		rthc_na(r, "no nohz_full CPUs");
		return;
	}
	nohz_s = rthc_cpuset_str(&iso->nohz);
	rthc_evidence_param(r, cl, "rcu_nocbs");
	rthc_expect_cpus(r, "offloaded_superset_of", &iso->nohz);
	rthc_observe_cpus(r, "offloaded", &iso->offloaded);
	v = rthc_facts_kconfig(f, "CONFIG_RCU_NOCB_CPU", &known, buf, sizeof(buf));
	if (known && (!v || !streq(v, "y"))) {
		rthc_warn(r, "the kernel is built without CONFIG_RCU_NOCB_CPU: nohz_full CPUs %s cannot offload "
			     "their RCU callbacks", cpus_or_none(nohz_s));
		rthc_remedy(r, false, true, "boot a kernel built with CONFIG_RCU_NOCB_CPU=y");
		return;
	}
	ts = rthc_facts_tasks(f, ctx->host);
	if (!ts || !ts->have_pids) {
		rthc_pass(r, "nohz_full CPUs %s are offloaded (the kernel adds them to rcu_nocbs); offload "
			     "threads not verified: no process list in %s", cpus_or_none(nohz_s),
			  rthc_host_root(ctx->host));
		return;
	}
	if (rcuo_threads(ts, &threads) < 0 || rthc_cpuset_copy(&missing, &iso->offloaded) < 0) {
		rthc_result_errorf(r, -ENOMEM, "out of memory");
		goto out;
	}
	rthc_cpuset_andnot(&missing, &threads);
	rthc_observe_cpus(r, "rcuo_threads", &threads);
	if (rthc_cpuset_empty(&missing)) {
		rthc_pass(r, "every offloaded CPU has its rcuop/N kthread");
	} else {
		miss_s = rthc_cpuset_str(&missing);
		rthc_items_cpus(r, &missing, "offload requested but no rcuop/N kthread exists");
		rthc_warn(r, "no rcuop kthread for offloaded CPUs %s: their callbacks are not offloaded",
			  cpus_or_none(miss_s));
		rthc_remedy(r, false, true, "check that the kernel supports rcu_nocbs= (CONFIG_RCU_NOCB_CPU)");
	}
out:
	rthc_cpuset_done(&threads);
	rthc_cpuset_done(&missing);
}

const struct rthc_check rthc_checks_xcheck[] = {
	{
		.id = "xcheck.nohz_in_iso",
		.title = "nohz_full CPUs are also domain-isolated",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "effective nohz_full and isolated sets, cgroup isolated partitions",
		.why = "Adaptive ticks need a single runnable task; load-balanced CPUs rarely have one.",
		.pass = "nohz_full ⊆ isolcpus-domain ∪ isolated partitions",
		.remedy = "BOOT isolcpus=managed_irq,domain,<nohz_full CPUs>",
		.sources = "[NOHZ] [HK]",
		.run = nohz_in_iso,
	},
	{
		.id = "xcheck.hk_left",
		.title = "Housekeeping CPUs remain online",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "possible/online CPUs and the isolated set",
		.why = "Timekeeping, the timer-migration hierarchy and unbound work need at least one "
		       "non-isolated online CPU.",
		.pass = "online − ISO is not empty",
		.remedy = "BOOT: keep at least one CPU per NUMA node out of the isolation lists",
		.sources = "[HK] [NOHZ]",
		.run = hk_left,
	},
	{
		.id = "xcheck.rcu_nocbs",
		.title = "Every nohz_full CPU has its RCU callbacks offloaded",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "rcu_nocbs=, nohz_full, CONFIG_RCU_NOCB_CPU, rcuop/N kthreads in /proc/*/stat",
		.why = "The kernel adds nohz_full CPUs to the offloaded set implicitly, but only with "
		       "CONFIG_RCU_NOCB_CPU; the rcuop/N kthreads prove it happened.",
		.pass = "offloaded ⊇ nohz_full and an rcuop/N (rcuos/N) kthread exists for every offloaded CPU",
		.remedy = "BOOT rcu_nocbs=<ISO> on a kernel with CONFIG_RCU_NOCB_CPU=y",
		.sources = "[KP] [NOHZ]",
		.run = xrcu_nocbs,
	},
	{
		.id = "xcheck.smt_siblings",
		.title = "SMT siblings of isolated CPUs are isolated too",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "cpuN/topology/thread_siblings_list (or core_cpus_list, or the thread_siblings mask); "
			 "/sys/devices/system/cpu/smt/control",
		.why = "A housekeeping sibling injects jitter through the shared core; NTO and libvirt prefer "
		       "SMT off.",
		.pass = "for every isolated CPU, all its thread siblings are isolated (or SMT is off)",
		.remedy = "BOOT: isolate sibling pairs together; or RT echo off > /sys/devices/system/cpu/smt/control",
		.sources = "[LV]",
		.run = smt_siblings,
	},
	{0},
};
