/*
 * Boot parameter tuning beyond the isolation lists (spec/checks.md §1) and the lockup watchdogs
 * (§4 wd.*): dyntick-idle, RCU polling, kthread_cpus, tick skew, softlockup and NMI watchdogs,
 * systemd's CPU affinity, tuned's non_isolcpus.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tasks.h"
#include "units.h"
#include "sys.h"
#include "util.h"

/* ---- cmdline.nohz ---- */

static void nohz(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	const char *v;

	if (!cl)
		return;
	rthc_evidence_param(r, cl, "nohz");
	v = rthc_cmdline_get(cl, "nohz");
	rthc_expect_str(r, "nohz", "on");
	rthc_observe_str(r, "nohz", v);
	if (!v || streq(v, "on") || streq(v, "1") || streq(v, "y") || streq(v, "Y")) {
		rthc_pass(r, "dyntick-idle is on (%s)", v ? "nohz=on" : "the default");
		return;
	}
	if (streq(v, "off") || streq(v, "0") || streq(v, "n") || streq(v, "N"))
		rthc_warn(r, "nohz=%s disables dyntick-idle and with it adaptive ticks (nohz_full)",
			  v);
	else
		rthc_warn(r,
			  "nohz=%s is not a boolean: the kernel ignores it (dyntick-idle stays on)",
			  v);
	rthc_remedy(r, true, true, "remove nohz=%s from the command line (or boot with nohz=on)",
		    v);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "nohz", "on");
}

/* ---- cmdline.rcu_nocb_poll ---- */

static void rcu_nocb_poll(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	const char *want = rthc_ctx_var(ctx, "rcu_nocb_poll");
	bool has, strict;

	if (!cl)
		return;
	if (rthc_cpuset_empty(&ctx->facts->isolation.offloaded)) {
		rthc_na(r, "no CPU has its RCU callbacks offloaded (rcu_nocbs=, nohz_full=)");
		return;
	}
	/* __setup("rcu_nocb_poll"): any form, even rcu_nocb_poll=0, turns polling on. */
	has = rthc_cmdline_has(cl, "rcu_nocb_poll");
	rthc_evidence_param(r, cl, "rcu_nocb_poll");
	rthc_observe_bool(r, "rcu_nocb_poll", has);
	if (want && (streq(want, "1") || streq(want, "0"))) {
		strict = streq(want, "1");
		rthc_expect_bool(r, "rcu_nocb_poll", strict);
		if (has == strict) {
			rthc_pass(r, "rcu_nocb_poll is %s as the profile asks",
				  has ? "set" : "not set");
			return;
		}
		rthc_warn(r, "rcu_nocb_poll is %s, the profile asks for %s",
			  has ? "set" : "not set", strict ? "it" : "no polling");
		rthc_remedy(r, true, true, "%s rcu_nocb_poll on the command line",
			    strict ? "add" : "remove");
		rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "rcu_nocb_poll", strict ? "" : NULL);
		return;
	}
	rthc_info(r,
		  "rcu_nocb_poll is %s; vendors differ: RHEL and Ubuntu RT guides add it so "
		  "offloaded CPUs never wake their rcuog kthread [RH7] [UBU], at the cost of rcuog "
		  "polling every jiffy on housekeeping CPUs; set --set rcu_nocb_poll=1|0 to judge",
		  has ? "set" : "not set");
}

/* ---- cmdline.kthread_cpus ---- */

static void kthread_cpus(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	struct rthc_cpuset want = RTHC_CPUSET_INIT;
	const struct rthc_tasks *ts;
	const char *v;

	if (!cl)
		return;
	v = rthc_cmdline_get(cl, "kthread_cpus");
	if (!v) {
		rthc_pass(r, "kthread_cpus= is not used (not upstream; nohz_full= moves kthreads "
			     "to housekeeping)");
		return;
	}
	rthc_evidence_param(r, cl, "kthread_cpus");
	if (rthc_cpuset_parse_list(&want, v, f->topology.nr_cpu_ids) < 0) {
		rthc_warn(r, "kthread_cpus=%s is malformed", v);
		goto out;
	}
	rthc_expect_cpus(r, "cpus", &f->isolation.housekeeping);
	rthc_observe_cpus(r, "cpus", &want);
	ts = rthc_facts_tasks(ctx->facts, ctx->host);
	for (size_t i = 0; ts && ts->have_pids && i < ts->n; i++) {
		const struct rthc_task *t = &ts->v[i];

		if (t->pid != 2 || !t->has_allowed)
			continue;
		rthc_observe_cpus(r, "kthreadd_allowed", &t->allowed);
		if (!rthc_cpuset_equal(&t->allowed, &want)) {
			rthc_warn(r,
				  "kthread_cpus=%s has no effect: kthreadd may run elsewhere (the "
				  "parameter needs the StarlingX/Ubuntu patch; mainline ignores "
				  "it)",
				  v);
			rthc_remedy(r, false, true,
				    "rely on nohz_full= housekeeping and affinity fixes instead");
			goto out;
		}
	}
	if (!rthc_cpuset_equal(&want, &f->isolation.housekeeping)) {
		rthc_warn(r, "kthread_cpus=%s is not the housekeeping set", v);
		rthc_remedy(r, true, true,
			    "boot with kthread_cpus=<housekeeping CPUs>, or drop it");
		rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "kthread_cpus", NULL);
		goto out;
	}
	rthc_info(r,
		  "kthread_cpus=%s equals the housekeeping set; it is not upstream (StarlingX "
		  "patch), so do not rely on it",
		  v);
out:
	rthc_cpuset_done(&want);
}

/* ---- cmdline.skew_tick ---- */

static void skew_tick(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	const char *v;
	char *end;
	long n;

	if (!cl)
		return;
	rthc_evidence_param(r, cl, "skew_tick");
	v = rthc_cmdline_get(cl, "skew_tick");
	rthc_expect_str(r, "skew_tick", "1");
	rthc_observe_str(r, "skew_tick", v);
	n = v ? strtol(v, &end, 0) : 0;
	if (v && *v && !*end && n) {
		rthc_pass(r, "per-CPU ticks are skewed (skew_tick=%s)", v);
		return;
	}
	if (v && (!*v || *end))
		rthc_warn(r, "skew_tick=%s is not a number: ticks stay aligned", v);
	else
		rthc_warn(r, "per-CPU ticks fire at the same time on every CPU and contend on "
			     "timekeeping and RCU locks");
	rthc_remedy(r, true, true, "boot with skew_tick=1");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "skew_tick", "1");
}

/* ---- cmdline.systemd_affinity ---- */

/* The last CPUAffinity= of system.conf and its drop-ins (value and file), "" when reset. */
static int systemd_cpu_affinity(struct rthc_host *h, char **value, char *src, size_t srcsz)
{
	static const char *const dirs[] = { "/usr/lib/systemd/system.conf.d",
					    "/run/systemd/system.conf.d",
					    "/etc/systemd/system.conf.d" };
	char path[512];
	int err = 0;

	for (size_t d = 0; d <= ARRAY_SIZE(dirs) && err >= 0; d++) {
		char **names = NULL;

		if (d > 0) {
			err = rthc_host_list_dir(h, dirs[d - 1], &names, NULL);
			if (err == -ENOENT) {
				err = 0;
				continue;
			}
		}
		for (size_t i = 0; err >= 0 && (d == 0 ? i < 1 : names[i] != NULL); i++) {
			_cleanup_free_ char *text = NULL;

			if (d == 0)
				snprintf(path, sizeof(path), "/etc/systemd/system.conf");
			else
				snprintf(path, sizeof(path), "%s/%s", dirs[d - 1], names[i]);
			err = rthc_host_read_file(h, path, &text, NULL);
			if (err == -ENOENT || err == -EISDIR) {
				err = 0;
				continue;
			}
			for (char *l = text; err >= 0 && l && *l;
			     l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
				size_t len = strcspn(l, "\n");

				while (len && (l[len - 1] == ' ' || l[len - 1] == '\t' ||
					       l[len - 1] == '\r'))
					len--;
				if (len < 12 || !strneq(l, "CPUAffinity=", 12))
					continue;
				free(*value);
				*value = strndup(l + 12, len - 12);
				snprintf(src, srcsz, "%s", path);
				if (!*value)
					err = -ENOMEM;
			}
		}
		rthc_strv_free(names);
	}
	return err < 0 ? err : 0;
}

static void systemd_affinity(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	const struct rthc_tasks *ts;
	struct rthc_cpuset cfg = RTHC_CPUSET_INIT;
	_cleanup_free_ char *conf = NULL, *hk = NULL;
	const struct rthc_cpuset *judged = NULL;
	const char *v, *from = NULL;
	char src[512] = "";
	int err;

	if (!cl)
		return;
	if (rthc_cpuset_empty(&iso->isolated)) {
		rthc_na(r, "no isolated CPUs");
		return;
	}
	hk = rthc_cpuset_str(&iso->housekeeping);
	rthc_expect_cpus(r, "allowed_subset_of", &iso->housekeeping);
	err = systemd_cpu_affinity(ctx->host, &conf, src, sizeof(src));
	if (err < 0) {
		rthc_result_error(r, err, "/etc/systemd/system.conf");
		goto out;
	}
	if (conf)
		rthc_evidence(r, src, "CPUAffinity=%s", conf);
	v = rthc_cmdline_get(cl, "systemd.cpu_affinity");
	if (v)
		rthc_evidence_param(r, cl, "systemd.cpu_affinity");
	ts = rthc_facts_tasks(ctx->facts, ctx->host);
	for (size_t i = 0; ts && ts->have_pids && i < ts->n && !judged; i++)
		if (ts->v[i].pid == 1 && ts->v[i].has_allowed) {
			judged = &ts->v[i].allowed;
			from = "/proc/1/status";
		}
	if (!judged && (v || (conf && *conf))) {
		/* systemd.cpu_affinity= on the command line wins over system.conf. */
		from = v ? "/proc/cmdline" : src;
		if (rthc_cpuset_parse_list(&cfg, v ? v : conf, ctx->facts->topology.nr_cpu_ids) <
		    0) {
			rthc_warn(r, "the CPU affinity in %s is malformed: systemd ignores it",
				  from);
			goto out;
		}
		judged = &cfg;
	}
	if (!judged) {
		rthc_warn(r, "no systemd CPU affinity: PID 1 and every service inherit all CPUs, "
			     "isolated ones too");
	} else if (rthc_cpuset_subset(judged, &iso->housekeeping)) {
		rthc_observe_cpus(r, "allowed", judged);
		rthc_pass(r, "PID 1 and the services it starts are kept on housekeeping CPUs (%s)",
			  from);
		goto out;
	} else {
		_cleanup_free_ char *a = rthc_cpuset_str(judged);

		rthc_observe_cpus(r, "allowed", judged);
		rthc_warn(r,
			  "PID 1 and its services may run on CPUs %s (%s), which include isolated "
			  "CPUs",
			  cpus_or_none(a), from);
	}
	rthc_remedy(r, true, true,
		    "boot with systemd.cpu_affinity=%s (or CPUAffinity= in system.conf); on cgroup "
		    "v2 at runtime: systemctl set-property --runtime {init.scope,system.slice,"
		    "user.slice} AllowedCPUs=%s",
		    cpus_or_none(hk), cpus_or_none(hk));
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "systemd.cpu_affinity", hk);
out:
	rthc_cpuset_done(&cfg);
}

/* ---- cmdline.tuned_non_isolcpus ---- */

static void tuned_non_isolcpus(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	struct rthc_cpuset mask = RTHC_CPUSET_INIT, want = RTHC_CPUSET_INIT;
	const char *v;

	if (!cl)
		return;
	v = rthc_cmdline_get(cl, "tuned.non_isolcpus");
	if (!v) {
		rthc_na(r, "no tuned.non_isolcpus= (only tuned's cpu-partitioning profile sets "
			   "it)");
		return;
	}
	rthc_evidence_param(r, cl, "tuned.non_isolcpus");
	/* tuned inverts isolated_cores over the present CPUs. */
	if (rthc_cpuset_copy(&want, rthc_cpuset_empty(&f->topology.present)
					    ? &f->topology.online
					    : &f->topology.present) < 0) {
		rthc_result_errorf(r, -ENOMEM, "out of memory");
		goto out;
	}
	rthc_cpuset_andnot(&want, &f->isolation.isolated);
	rthc_expect_cpus(r, "cpus", &want);
	if (rthc_cpuset_parse_mask(&mask, v) < 0) {
		rthc_warn(r,
			  "tuned.non_isolcpus=%s is not a hex CPU mask: tuned's early-boot "
			  "affinity hook cannot use it",
			  v);
		goto out;
	}
	rthc_observe_cpus(r, "cpus", &mask);
	if (rthc_cpuset_equal(&mask, &want)) {
		rthc_pass(r, "tuned.non_isolcpus is the complement of the isolated CPUs");
	} else {
		_cleanup_free_ char *m = rthc_cpuset_str(&mask), *w = rthc_cpuset_str(&want);

		rthc_warn(r,
			  "tuned.non_isolcpus names CPUs %s, the complement of the isolated set is "
			  "%s: early boot affinity does not match the isolation",
			  cpus_or_none(m), cpus_or_none(w));
		rthc_remedy(r, true, true,
			    "re-apply tuned's cpu-partitioning profile so that it rewrites the "
			    "boot parameters");
		rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "tuned.non_isolcpus", NULL);
	}
out:
	rthc_cpuset_done(&mask);
	rthc_cpuset_done(&want);
}

const struct rthc_check rthc_checks_cmdline_tuning[] = {
	{
		.id = "cmdline.nohz",
		.title = "Dyntick-idle is not disabled (nohz=)",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline nohz=",
		.why = "nohz=off disables dyntick-idle and with it adaptive ticks on nohz_full "
		       "CPUs.",
		.pass = "nohz= absent or on",
		.remedy = "BOOT remove nohz=off",
		.sources = "[NOHZ] [T-RVH]",
		.run = nohz,
	},
	{
		.id = "cmdline.rcu_nocb_poll",
		.title = "RCU callback offload polling (rcu_nocb_poll)",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "the token rcu_nocb_poll in /proc/cmdline (not exposed in /sys/module)",
		.why = "Without it an offloaded CPU must wake its rcuog kthread; with it rcuog "
		       "polls every jiffy on housekeeping CPUs.",
		.pass = "info: vendors differ; with --set rcu_nocb_poll=1|0 it must match; "
			"not_applicable without offloaded CPUs",
		.remedy = "BOOT rcu_nocb_poll",
		.sources = "[RH7] [UBU] [UBU-VM]",
		.run = rcu_nocb_poll,
	},
	{
		.id = "cmdline.kthread_cpus",
		.title = "kthread_cpus= (not upstream) matches housekeeping",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline kthread_cpus=; /proc/2/status Cpus_allowed_list",
		.why = "A StarlingX patch used in Ubuntu RT docs; mainline and SUSE RT ignore it, "
		       "so relying on it leaves kthreads on isolated CPUs.",
		.pass = "absent, or equal to the housekeeping set and honoured by kthreadd "
			"(reported as info: do not rely on it)",
		.remedy = "upstream equivalent: nohz_full= housekeeping plus affinity fixes",
		.sources = "[STX] [SUSE] [UBU-VM]",
		.run = kthread_cpus,
	},
	{
		.id = "cmdline.skew_tick",
		.title = "Per-CPU ticks are skewed (skew_tick=1)",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline skew_tick=",
		.why = "Aligned per-CPU ticks contend on the timekeeping and RCU locks at the same "
		       "instant.",
		.pass = "skew_tick= is a non-zero number",
		.remedy = "BOOT skew_tick=1",
		.sources = "[RH7] [T-NL] [NTO]",
		.run = skew_tick,
	},
	{
		.id = "cmdline.softlockup",
		.title = "Softlockup watchdog is off or away from isolated CPUs",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline nosoftlockup, nowatchdog; /proc/sys/kernel/{watchdog,"
			 "soft_watchdog,nmi_watchdog,watchdog_cpumask}",
		.why = "The softlockup detector runs a per-CPU hrtimer and watchdog kthread.",
		.pass = "nosoftlockup/nowatchdog, or at runtime the watchdog is off or its cpumask "
			"excludes the isolated CPUs",
		.remedy = "BOOT nosoftlockup; RT see wd.watchdog_cpumask",
		.sources = "[T-RT] [T-CP] [UBU-TCC]",
		.run = rthc_sys_softlockup,
	},
	{
		.id = "cmdline.nmi_watchdog",
		.title = "NMI watchdog is disabled at boot",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline nmi_watchdog= (tokens 0/1/panic/nopanic); "
			 "/proc/sys/kernel/nmi_watchdog",
		.why = "The hard lockup detector fires a perf NMI on every CPU every "
		       "watchdog_thresh seconds.",
		.pass = "nmi_watchdog=0, or the runtime value is 0 (a runtime 1 despite "
			"nmi_watchdog=0 warns: the running kernel wins)",
		.remedy = "BOOT nmi_watchdog=0; RT sysctl kernel.nmi_watchdog=0",
		.sources = "[NTO] [UBU-TCC]",
		.run = rthc_sys_cmdline_nmi_watchdog,
	},
	{
		.id = "cmdline.systemd_affinity",
		.title = "systemd keeps services on housekeeping CPUs",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/proc/1/status Cpus_allowed_list (the running kernel wins); "
			 "/proc/cmdline systemd.cpu_affinity=; CPUAffinity= in "
			 "/etc/systemd/system.conf and system.conf.d/*.conf",
		.why = "Without it PID 1 and every service inherit all CPUs, the isolated ones "
		       "included.",
		.pass = "PID 1's allowed CPUs (else the configured affinity) ⊆ housekeeping",
		.remedy = "BOOT systemd.cpu_affinity=<HK> or CFG CPUAffinity=; cgroup v2 RT: "
			  "systemctl set-property --runtime {init.scope,system.slice,user.slice} "
			  "AllowedCPUs=<HK>",
		.sources = "[NTO] [T-CP] [UBU-CS]",
		.run = systemd_affinity,
	},
	{
		.id = "cmdline.tuned_non_isolcpus",
		.title = "tuned.non_isolcpus= is the complement of the isolated CPUs",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline tuned.non_isolcpus=<hex mask>",
		.why = "tuned's dracut pre-udev hook uses it for early-boot affinity, before tuned "
		       "runs.",
		.pass = "the mask equals present CPUs − ISO; not_applicable when absent",
		.remedy = "tuned cpu-partitioning (re-apply the profile)",
		.sources = "[T-CP] [NTO]",
		.run = tuned_non_isolcpus,
	},
	{
		.id = "wd.nmi_watchdog",
		.title = "NMI watchdog is off",
		.category = RTHC_CAT_WD,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/proc/sys/kernel/nmi_watchdog",
		.why = "A perf NMI every watchdog_thresh seconds on every CPU; it also occupies a "
		       "PMU counter.",
		.pass = "0 (or a kernel without lockup detector)",
		.remedy = "RT/CFG sysctl kernel.nmi_watchdog=0; BOOT nmi_watchdog=0",
		.sources = "[T-NL] [NTO]",
		.run = rthc_sys_wd_nmi_watchdog,
	},
	{
		.id = "wd.watchdog_cpumask",
		.title = "Lockup watchdog stays off isolated CPUs",
		.category = RTHC_CAT_WD,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/proc/sys/kernel/{watchdog,soft_watchdog,nmi_watchdog,watchdog_cpumask}",
		.why = "The softlockup hrtimer and watchdog kthread run on every CPU in "
		       "watchdog_cpumask.",
		.pass = "watchdog 0, both detectors off, or watchdog_cpumask ∩ ISO = ∅ (the "
			"kernel defaults it to housekeeping when nohz_full is set)",
		.remedy = "RT sysctl kernel.watchdog_cpumask=<HK> or kernel.watchdog=0",
		.sources = "[SYSK] [PARTRT]",
		.run = rthc_sys_watchdog_cpumask,
	},
	{
		.id = "wd.hung_task",
		.title = "Hung task timeout",
		.category = RTHC_CAT_WD,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/proc/sys/kernel/hung_task_timeout_secs",
		.why = "A task starved behind a FIFO thread trips the hung task detector; RT "
		       "profiles raise the timeout.",
		.pass = "600 (RT profiles); other values are reported as info",
		.remedy = "sysctl kernel.hung_task_timeout_secs=600",
		.sources = "[T-NL] [NTO]",
		.run = rthc_sys_hung_task,
	},
	{ 0 },
};
