/* Cross-checks between isolation settings (spec/checks.md §12). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iso-kernel.h"
#include "tasks.h"
#include "util.h"

#define ISOL_FLAGS (RTHC_ISOL_MANAGED_IRQ | RTHC_ISOL_DOMAIN)

static void nohz_in_iso(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	_cleanup_cpuset_ struct rthc_cpuset nohz = RTHC_CPUSET_INIT, outside = RTHC_CPUSET_INIT,
					    want = RTHC_CPUSET_INIT;
	_cleanup_free_ char *nohz_s = NULL, *out_s = NULL, *val = NULL;

	if (!rthc_iso_inputs_ok(ctx, r))
		return;
	if (rthc_iso_nohz(ctx->facts, &nohz) < 0 || rthc_cpuset_copy(&outside, &nohz) < 0) {
		r->oom = true;
		return;
	}
	if (rthc_cpuset_empty(&nohz)) {
		rthc_na(r, "no CPU runs with adaptive ticks (nohz_full), so there is nothing to "
			"cross-check");
		return;
	}
	rthc_cpuset_andnot(&outside, &iso->domain);
	if (iso->cgroup_isolated.state == 1)
		rthc_cpuset_andnot(&outside, &iso->cgroup_isolated.cpus);
	nohz_s = rthc_cpuset_str(&nohz);
	rthc_observe_cpus(r, "nohz_full", &nohz);
	rthc_observe_cpus(r, "domain_isolated", &iso->domain);
	if (iso->cgroup_isolated.state == 1)
		rthc_observe_cpus(r, "cgroup_isolated", &iso->cgroup_isolated.cpus);
	rthc_expect_str(r, "outside_isolation", "");
	rthc_observe_cpus(r, "outside_isolation", &outside);
	if (rthc_cpuset_empty(&outside)) {
		rthc_pass(r, "every nohz_full CPU (%s) is also isolated from load balancing",
			  cpus_or_none(nohz_s));
		return;
	}
	out_s = rthc_cpuset_str(&outside);
	rthc_items_cpus(r, &outside, "nohz_full, but still load-balanced, so the tick rarely "
			"stops");
	rthc_warn(r, "the nohz_full %s %s %s not isolated from load balancing, so the scheduler "
		  "keeps more than one task runnable there and the tick rarely stops",
		  rthc_iso_plural(&outside, "CPU", "CPUs"), cpus_or_none(out_s),
		  rthc_iso_plural(&outside, "is", "are"));
	if (rthc_cpuset_copy(&want, &iso->domain) < 0 || rthc_cpuset_or(&want, &nohz) < 0 ||
	    !(val = rthc_iso_isolcpus_value(ctx->facts, &want, ISOL_FLAGS))) {
		r->oom = true;
		return;
	}
	rthc_remedy(r, true, true, "isolate the nohz_full CPUs from load balancing too: boot with "
		    "isolcpus=%s", val);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", val);
}

/* Remedy for "no housekeeping CPU": keep one core per NUMA node out of every isolation list. */
static void hk_remedy_lists(struct rthc_result *r, const struct rthc_facts *f)
{
	_cleanup_cpuset_ struct rthc_cpuset keep = RTHC_CPUSET_INIT;
	_cleanup_free_ char *val = NULL, *list = NULL;

	if (rthc_iso_reserve_hk(f, &f->isolation.isolated, &keep) < 0 ||
	    !(val = rthc_iso_isolcpus_value(f, &keep, ISOL_FLAGS)) ||
	    !(list = rthc_iso_list_or_placeholder(&keep))) {
		r->oom = true;
		return;
	}
	rthc_remedy(r, true, true, "keep the first core of each NUMA node for housekeeping: boot "
		    "with isolcpus=%s nohz_full=%s rcu_nocbs=%s", val, list, list);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", val);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "nohz_full", list);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "rcu_nocbs", list);
}

/* Remedy for "housekeeping CPUs offline": bring them back online. */
static void hk_remedy_online(struct rthc_result *r, const struct rthc_cpuset *offline)
{
	_cleanup_free_ char *list = rthc_cpuset_str(offline);
	char path[96];
	int c;

	rthc_remedy(r, true, false, "bring the housekeeping CPUs %s back online (echo 1 > "
				     "/sys/devices/system/cpu/cpuN/online)", cpus_or_none(list));
	rthc_cpuset_foreach(c, offline) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", c);
		rthc_remedy_action(r, RTHC_ACTION_SYSFS, path, "1");
	}
}

#define FALLBACK_NOTE                                                                              \
	" (the command line isolates every CPU, so the kernel kept the boot CPU for housekeeping)"

/* isolcpus= or nohz_full= names every present CPU: housekeeping_setup() then keeps the boot CPU. */
static bool cmdline_names_all(const struct rthc_facts *f)
{
	const struct rthc_cmdline_cpus *lists[] = {&f->isolation.isolcpus, &f->isolation.nohz_full};

	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		if (lists[i]->present && !lists[i]->err &&
		    !rthc_cpuset_empty(&f->topology.present) &&
		    rthc_cpuset_subset(&f->topology.present, &lists[i]->cpus))
			return true;
	return false;
}

static const char *source_phrase(const char *source)
{
	if (streq(source, "override"))
		return "by the configured isolated set";
	return streq(source, "sysfs") ? "by the running kernel" : "by the command line";
}

static void hk_left(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	_cleanup_cpuset_ struct rthc_cpuset hk_offline = RTHC_CPUSET_INIT;
	_cleanup_free_ char *hk_s = NULL, *off_s = NULL;

	if (!rthc_iso_inputs_ok(ctx, r))
		return;
	rthc_expect_bool(r, "housekeeping_online", true);
	rthc_observe_bool(r, "housekeeping_online", !rthc_cpuset_empty(&iso->housekeeping));
	rthc_observe_cpus(r, "housekeeping", &iso->housekeeping);
	rthc_observe_cpus(r, "isolated", &iso->isolated);
	rthc_observe_cpus(r, "online", &f->topology.online);
	if (!rthc_cpuset_empty(&iso->housekeeping)) {
		hk_s = rthc_cpuset_str(&iso->housekeeping);
		rthc_pass(r, "the housekeeping %s %s %s online%s",
			  rthc_iso_plural(&iso->housekeeping, "CPU", "CPUs"), cpus_or_none(hk_s),
			  rthc_iso_plural(&iso->housekeeping, "is", "are"),
			  cmdline_names_all(f) ? FALLBACK_NOTE : "");
		return;
	}
	if (rthc_cpuset_copy(&hk_offline, &f->topology.possible) < 0) {
		r->oom = true;
		return;
	}
	rthc_cpuset_andnot(&hk_offline, &iso->isolated);
	if (rthc_cpuset_empty(&hk_offline)) {
		rthc_fail(r, "every CPU is isolated (%s), so timekeeping, timers and unbound work "
			  "have no home", source_phrase(iso->isolated_source));
		hk_remedy_lists(r, f);
		return;
	}
	off_s = rthc_cpuset_str(&hk_offline);
	rthc_items_cpus(r, &hk_offline, "housekeeping CPU, but offline");
	rthc_fail(r, "every online CPU is isolated and the housekeeping %s %s %s offline",
		  rthc_iso_plural(&hk_offline, "CPU", "CPUs"), cpus_or_none(off_s),
		  rthc_iso_plural(&hk_offline, "is", "are"));
	hk_remedy_online(r, &hk_offline);
}

static bool smt_not_active(const struct rthc_topology *t)
{
	const char *c = t->smt_control;

	return t->smt_active == 0 ||
	       (c && (streq(c, "off") || streq(c, "forceoff") || streq(c, "notsupported")));
}

/* Remedy: isolate whole cores (the siblings of every isolated CPU, except CPU 0's core). */
static void smt_siblings_remedy(struct rthc_result *r, const struct rthc_facts *f)
{
	_cleanup_cpuset_ struct rthc_cpuset cores = RTHC_CPUSET_INIT, boot = RTHC_CPUSET_INIT;
	_cleanup_free_ char *val = NULL, *list = NULL;
	int c;

	if (rthc_cpuset_copy(&cores, &f->isolation.isolated) < 0 ||
	    rthc_iso_boot_core(f, &boot) < 0)
		goto oom;
	rthc_cpuset_foreach(c, &f->isolation.isolated) {
		const struct rthc_cpu *cpu = rthc_facts_cpu(f, (unsigned)c);

		if (cpu && cpu->has_siblings && rthc_cpuset_or(&cores, &cpu->siblings) < 0)
			goto oom;
	}
	if (!rthc_cpuset_test(&f->isolation.isolated, 0))
		rthc_cpuset_andnot(&cores, &boot);
	val = rthc_iso_isolcpus_value(f, &cores, ISOL_FLAGS);
	list = rthc_iso_list_or_placeholder(&cores);
	if (!val || !list)
		goto oom;
	rthc_remedy(r, true, true, "isolate whole cores: boot with isolcpus=%s nohz_full=%s "
		    "rcu_nocbs=%s (or turn SMT off: echo off > "
		    "/sys/devices/system/cpu/smt/control, or boot with nosmt)", val, list, list);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", val);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "nohz_full", list);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "rcu_nocbs", list);
	return;
oom:
	r->oom = true;
}

static void smt_siblings(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	_cleanup_cpuset_ struct rthc_cpuset leaks = RTHC_CPUSET_INIT;
	_cleanup_free_ char *leak_s = NULL;
	char path[128] = "/sys/devices/system/cpu";
	int k;

	if (!rthc_iso_inputs_ok(ctx, r))
		return;
	if (rthc_cpuset_empty(&f->isolation.isolated)) {
		rthc_na(r, "no CPU is isolated, so no sibling can leak into the isolated set");
		return;
	}
	if (smt_not_active(&f->topology)) {
		if (f->topology.smt_control && !streq(f->topology.smt_control, "on"))
			rthc_pass(r, "SMT is not active (smt/control: %s), so isolated CPUs do "
				  "not share cores", f->topology.smt_control);
		else
			rthc_pass(r, "no core runs more than one thread, so isolated CPUs do not "
				  "share cores");
		return;
	}
	k = rthc_iso_sibling_leaks(f, &leaks, r);
	if (k == -ENOMEM) {
		r->oom = true;
		return;
	}
	if (k < 0 || (k == 0 && rthc_cpuset_empty(&leaks))) {
		k = rthc_iso_sibling_error(ctx, path, sizeof(path));
		rthc_result_error(r, k < 0 ? k : -EIO, path);
		return;
	}
	rthc_expect_str(r, "isolated_with_hk_sibling", "");
	rthc_observe_cpus(r, "isolated_with_hk_sibling", &leaks);
	if (rthc_cpuset_empty(&leaks)) {
		rthc_pass(r, "every SMT sibling of an isolated CPU is isolated too");
		return;
	}
	leak_s = rthc_cpuset_str(&leaks);
	rthc_fail(r, "the isolated %s %s share%s a core with housekeeping CPUs",
		  rthc_iso_plural(&leaks, "CPU", "CPUs"), cpus_or_none(leak_s),
		  rthc_iso_plural(&leaks, "s", ""));
	smt_siblings_remedy(r, f);
}

/* CPUs with an rcuop/N (rcuos/N on non-preemptible RCU) offload kthread. */
static int rcuo_threads(const struct rthc_tasks *ts, struct rthc_cpuset *out)
{
	for (size_t i = 0; i < ts->n; i++) {
		const char *c = ts->v[i].comm;
		char *end;
		long n;

		if (!strneq(c, "rcuop/", 6) && !strneq(c, "rcuos/", 6))
			continue;
		n = strtol(c + 6, &end, 10);
		if (end != c + 6 && !*end && n >= 0 && n < (long)RTHC_CPUSET_MAX_CPUS &&
		    rthc_cpuset_set(out, (unsigned)n) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Verify the rcuop/N kthreads of the offloaded isolated CPUs. */
static void rcu_threads_verdict(struct rthc_ctx *ctx, struct rthc_result *r,
				const struct rthc_cpuset *off)
{
	struct rthc_facts *f = ctx->facts;
	const struct rthc_tasks *ts;
	_cleanup_cpuset_ struct rthc_cpuset want = RTHC_CPUSET_INIT, threads = RTHC_CPUSET_INIT;
	_cleanup_free_ char *want_s = NULL, *miss_s = NULL;

	if (rthc_cpuset_copy(&want, off) < 0) {
		r->oom = true;
		return;
	}
	/* rcuop/N exists only for online CPUs (rcu_spawn_cpu_nocb_kthread() at CPU online). */
	rthc_cpuset_and(&want, &f->isolation.isolated);
	rthc_cpuset_and(&want, &f->topology.online);
	if (rthc_cpuset_empty(&want)) {
		rthc_na(r, "no online isolated CPU is offloaded, so there is no rcuop/N kthread "
			"to verify (see cmdline.rcu_nocbs)");
		return;
	}
	ts = rthc_facts_tasks(f, ctx->host);
	if (!ts || rcuo_threads(ts, &threads) < 0) {
		r->oom = true;
		return;
	}
	if (ts->err) {
		rthc_result_error(r, ts->err, "/proc");
		return;
	}
	if (!ts->have_pids) {
		rthc_skip(r, "needs_live_host: no process list under /proc in this tree, so the rcuop/N kthreads "
			  "cannot be verified");
		return;
	}
	want_s = rthc_cpuset_str(&want);
	rthc_expect_cpus(r, "rcuo_threads", &want);
	rthc_observe_cpus(r, "rcuo_threads", &threads);
	rthc_cpuset_andnot(&want, &threads);
	if (rthc_cpuset_empty(&want)) {
		rthc_pass(r, "every offloaded isolated CPU has its rcuop/N kthread (%s)",
			  cpus_or_none(want_s));
		return;
	}
	miss_s = rthc_cpuset_str(&want);
	rthc_items_cpus(r, &want, "offloaded, but no rcuop/N kthread exists for it");
	rthc_warn(r, "no rcuop/N kthread exists for the offloaded %s %s, so %s RCU callbacks are "
		  "not offloaded", rthc_iso_plural(&want, "CPU", "CPUs"), cpus_or_none(miss_s),
		  rthc_iso_plural(&want, "its", "their"));
	rthc_remedy(r, false, true, "boot a kernel built with CONFIG_RCU_NOCB_CPU=y and check "
		    "the kernel log for \"Offload RCU callbacks from CPUs\"");
	rthc_remedy_action(r, RTHC_ACTION_MANUAL, "kernel", "CONFIG_RCU_NOCB_CPU=y");
}

static void xrcu_nocbs(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_cmdline *cl;
	_cleanup_cpuset_ struct rthc_cpuset nohz = RTHC_CPUSET_INIT, off = RTHC_CPUSET_INIT,
					    not_off = RTHC_CPUSET_INIT;
	_cleanup_free_ char *miss_s = NULL;
	const char *how = NULL;

	if (!rthc_iso_inputs_ok(ctx, r) || !(cl = rthc_check_cmdline(ctx, r)))
		return;
	rthc_evidence_param(r, cl, "rcu_nocbs");
	if (rthc_cpuset_empty(&f->isolation.isolated)) {
		rthc_na(r, "no CPU is isolated, so there is no offloading to verify");
		return;
	}
	if (rthc_iso_nohz(f, &nohz) < 0 || rthc_iso_offloaded(f, &off, &how) < 0 ||
	    rthc_cpuset_copy(&not_off, &nohz) < 0) {
		r->oom = true;
		return;
	}
	rthc_cpuset_andnot(&not_off, &off);
	rthc_expect_cpus(r, "offloaded_superset_of", &nohz);
	rthc_observe_cpus(r, "offloaded", &off);
	if (how && rthc_cpuset_empty(&off)) {
		miss_s = rthc_cpuset_str(&nohz);
		rthc_items_cpus(r, &not_off, "nohz_full, but its RCU callbacks cannot be "
				"offloaded");
		rthc_warn(r, "%s, so no isolated CPU can offload its RCU callbacks (nohz_full: %s)",
			  how, cpus_or_none(miss_s));
		rthc_remedy(r, false, true, "boot a kernel built with CONFIG_RCU_NOCB_CPU=y");
		rthc_remedy_action(r, RTHC_ACTION_MANUAL, "kernel", "CONFIG_RCU_NOCB_CPU=y");
		return;
	}
	rcu_threads_verdict(ctx, r, &off);
}

const struct rthc_check rthc_checks_xcheck[] = {
	{
		.id = "xcheck.nohz_in_iso",
		.title = "nohz_full CPUs are also isolated from load balancing",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "the kernel's nohz_full set (/sys/devices/system/cpu/nohz_full, else "
			 "nohz_full= without the boot CPU), /sys/devices/system/cpu/isolated, "
			 "/sys/fs/cgroup/cpuset.cpus.isolated",
		.why = "Adaptive ticks stop the tick only while one task is runnable; "
		       "load-balanced CPUs rarely have just one.",
		.pass = "nohz_full ⊆ isolcpus domain set ∪ isolated cgroup partitions; not "
			"applicable without nohz_full CPUs",
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
		.reads = "possible/online CPUs and the isolated set (domain ∪ nohz_full ∪ cgroup "
			 "partitions)",
		.why = "Timekeeping, the timer-migration hierarchy and unbound work need at least "
		       "one online CPU outside nohz_full and the isolcpus domain set; the kernel "
		       "forces the boot CPU back when a list names every CPU.",
		.pass = "online − ISO is not empty",
		.remedy = "BOOT: keep the first core of each NUMA node out of the isolation "
			  "lists; RT: bring offline housekeeping CPUs online",
		.sources = "[HK] [NOHZ]",
		.run = hk_left,
	},
	{
		.id = "xcheck.rcu_nocbs",
		.title = "Every nohz_full CPU has its RCU callbacks offloaded",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "rcu_nocbs=, the kernel's nohz_full set, CONFIG_RCU_NOCB_CPU, rcuop/N "
			 "(rcuos/N) kthreads in /proc/<pid>/stat",
		.why = "The kernel adds nohz_full CPUs to the offloaded set itself, but only with "
		       "CONFIG_RCU_NOCB_CPU; an rcuop/N kthread must exist for every offloaded "
		       "online CPU. Since 5.17 the kernel creates rcuop/N for every CPU once "
		       "offloading is set up, so the threads prove the setup, not each CPU's "
		       "offload.",
		.pass = "offloaded ⊇ nohz_full and an rcuop/N kthread exists for every offloaded, "
			"online, isolated CPU; skipped when the tree has no process list",
		.remedy = "BOOT rcu_nocbs=<ISO> on a kernel with CONFIG_RCU_NOCB_CPU=y",
		.sources = "[KP] [NOHZ] [KTH]",
		.run = xrcu_nocbs,
	},
	{
		.id = "xcheck.smt_siblings",
		.title = "SMT siblings of isolated CPUs are isolated too",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "cpuN/topology/thread_siblings_list (or core_cpus_list, or the "
			 "thread_siblings mask); /sys/devices/system/cpu/smt/{control,active}",
		.why = "A housekeeping sibling injects jitter through the shared core; NTO and "
		       "libvirt prefer SMT off.",
		.pass = "for every online isolated CPU, all its thread siblings are isolated (or "
			"SMT is off)",
		.remedy = "BOOT: isolate whole cores (sibling pairs together); or RT echo off > "
			  "/sys/devices/system/cpu/smt/control",
		.sources = "[LV]",
		.run = smt_siblings,
	},
	{0},
};
