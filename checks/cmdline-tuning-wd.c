/*
 * The lockup watchdogs (spec/checks.md §1 cmdline.softlockup, cmdline.nmi_watchdog, §4 wd.*).
 * Descriptors in cmdline-tuning.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys.h"
#include "util.h"

#define WD "/proc/sys/kernel/watchdog"
#define SOFT_WD "/proc/sys/kernel/soft_watchdog"
#define NMI_WD "/proc/sys/kernel/nmi_watchdog"
#define WD_MASK "/proc/sys/kernel/watchdog_cpumask"
#define HUNG_TASK "/proc/sys/kernel/hung_task_timeout_secs"

static bool kconfig_unset(const struct rthc_facts *f, const char *opt)
{
	char buf[8];
	bool known;
	const char *v = rthc_facts_kconfig(f, opt, &known, buf, sizeof(buf));

	return known && !(v && streq(v, "y"));
}

/*
 * A lockup-detector sysctl: 1 read (with evidence), 0 absent because the kernel has no such
 * detector (config), or a negative errno after an error result.
 */
static int read_wd(struct rthc_ctx *ctx, struct rthc_result *r, const char *path, const char *opt,
		   int64_t *v)
{
	int err = rthc_host_read_s64(ctx->host, path, v);

	if (err == 0) {
		rthc_evidence(r, path, "%" PRId64, *v);
		return 1;
	}
	if (err == -ENOENT && kconfig_unset(ctx->facts, opt)) {
		rthc_evidence(r, path, "absent: the kernel has no %s", opt);
		return 0;
	}
	rthc_result_error(r, err, path);
	return err;
}

/* ---- lockup watchdogs ---- */

/* nmi_watchdog= as hardlockup_panic_setup() reads it: the last "0"/"1" token, or -1. */
static int nmi_param(const char *v)
{
	int on = -1;

	for (const char *t = v; t && *t; t = strchr(t, ',') ? strchr(t, ',') + 1 : NULL)
		if (*t == '0' || *t == '1')
			on = *t - '0';
	return on;
}

void rthc_sys_cmdline_nmi_watchdog(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	bool no_detector = false;
	int64_t v = -1;
	int param, err;

	if (!cl)
		return;
	rthc_evidence_param(r, cl, "nmi_watchdog");
	param = nmi_param(rthc_cmdline_get(cl, "nmi_watchdog"));
	err = rthc_host_read_s64(ctx->host, NMI_WD, &v);
	if (err == 0) {
		rthc_evidence(r, NMI_WD, "%" PRId64, v);
	} else if (err == -ENOENT && kconfig_unset(ctx->facts, "CONFIG_LOCKUP_DETECTOR")) {
		no_detector = true;
	} else if (param != 0) {
		rthc_result_error(r, err, NMI_WD);
		return;
	} else {
		rthc_evidence(r, NMI_WD, "not readable (%s)", strerror(-err));
	}
	rthc_observe_int(r, "runtime", err == 0 ? v : -1);
	if (err == 0 && v != 0 && param == 0) {
		rthc_warn(r,
			  "nmi_watchdog=0 is on the command line but the NMI watchdog runs (%s "
			  "is %" PRId64 "): re-enabled at runtime; the running kernel wins",
			  NMI_WD, v);
	} else if (param == 0 || no_detector || v == 0) {
		rthc_pass(r, "the NMI watchdog is off (%s)",
			  param == 0	? "nmi_watchdog=0"
			  : no_detector ? "no lockup detector in this kernel"
					: "runtime 0");
		return;
	} else {
		rthc_warn(r, "the NMI (hard lockup) watchdog is on: a perf NMI every "
			     "watchdog_thresh seconds on every CPU");
	}
	rthc_remedy(r, true, true,
		    "boot with nmi_watchdog=0 (runtime: sysctl kernel.nmi_watchdog=0)");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "nmi_watchdog", "0");
}

void rthc_sys_wd_nmi_watchdog(struct rthc_ctx *ctx, struct rthc_result *r)
{
	int64_t v;
	int k = read_wd(ctx, r, NMI_WD, "CONFIG_LOCKUP_DETECTOR", &v);

	if (k < 0)
		return;
	rthc_expect_int(r, "value", 0);
	if (!k) {
		rthc_observe_null(r, "value");
		rthc_pass(r, "the kernel has no lockup detector");
		return;
	}
	rthc_observe_int(r, "value", v);
	if (v == 0) {
		rthc_pass(r, "the NMI watchdog is off");
		return;
	}
	rthc_warn(r,
		  "the NMI watchdog is on (%" PRId64
		  "): a perf NMI every watchdog_thresh seconds per CPU, and it holds a PMU counter",
		  v);
	rthc_remedy(r, true, false,
		    "sysctl kernel.nmi_watchdog=0 (persist in /etc/sysctl.d; or boot with "
		    "nmi_watchdog=0)");
	rthc_remedy_action(r, RTHC_ACTION_SYSCTL, "kernel.nmi_watchdog", "0");
}

/*
 * Whether the softlockup hrtimer stays off the isolated CPUs: 1 yes (reason set in why), 0 no
 * (offending CPUs in on_iso), < 0 error result.
 */
static int wd_off_iso(struct rthc_ctx *ctx, struct rthc_result *r, const char **why,
		      struct rthc_cpuset *on_iso)
{
	const struct rthc_facts *f = ctx->facts;
	int64_t wd, soft, nmi;
	int k, err;

	k = read_wd(ctx, r, WD, "CONFIG_LOCKUP_DETECTOR", &wd);
	if (k <= 0) {
		*why = "the kernel has no lockup detector";
		return k < 0 ? k : 1;
	}
	if (wd == 0) {
		*why = "kernel.watchdog is 0";
		return 1;
	}
	/* The per-CPU hrtimer runs while either detector is on. */
	k = read_wd(ctx, r, SOFT_WD, "CONFIG_SOFTLOCKUP_DETECTOR", &soft);
	if (k < 0)
		return k;
	if (k == 0 || soft == 0) {
		k = read_wd(ctx, r, NMI_WD, "CONFIG_LOCKUP_DETECTOR", &nmi);
		if (k < 0)
			return k;
		if (k == 0 || nmi == 0) {
			*why = "both the soft and the NMI lockup detectors are off";
			return 1;
		}
	}
	err = rthc_host_read_cpulist(ctx->host, WD_MASK, f->topology.nr_cpu_ids, on_iso);
	if (err < 0) {
		rthc_result_error(r, err, WD_MASK);
		return err;
	}
	{
		_cleanup_free_ char *m = rthc_cpuset_str(on_iso);

		rthc_evidence(r, WD_MASK, "%s", cpus_or_none(m));
	}
	rthc_cpuset_and(on_iso, &f->isolation.isolated);
	*why = "watchdog_cpumask excludes the isolated CPUs";
	return rthc_cpuset_empty(on_iso);
}

void rthc_sys_softlockup(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	struct rthc_cpuset on_iso = RTHC_CPUSET_INIT;
	const char *why = NULL;
	int k;

	if (!cl)
		return;
	rthc_evidence_param(r, cl, "nosoftlockup");
	if (rthc_cmdline_has(cl, "nowatchdog"))
		rthc_evidence_param(r, cl, "nowatchdog");
	if (rthc_cmdline_has(cl, "nosoftlockup") || rthc_cmdline_has(cl, "nowatchdog")) {
		rthc_pass(r, "the softlockup detector is off at boot (%s)",
			  rthc_cmdline_has(cl, "nowatchdog") ? "nowatchdog" : "nosoftlockup");
		return;
	}
	if (rthc_cpuset_empty(&ctx->facts->isolation.isolated)) {
		rthc_na(r, "no nosoftlockup and no isolated CPUs to keep the watchdog off");
		return;
	}
	k = wd_off_iso(ctx, r, &why, &on_iso);
	if (k > 0) {
		rthc_pass(r, "no nosoftlockup, but %s", why);
	} else if (k == 0) {
		rthc_items_cpus(r, &on_iso, "the softlockup hrtimer and watchdog kthread run here");
		rthc_warn(r, "the softlockup watchdog runs on isolated CPUs: a per-CPU hrtimer and "
			     "kthread");
		rthc_remedy(r, true, true,
			    "boot with nosoftlockup, or set kernel.watchdog_cpumask to the "
			    "housekeeping CPUs");
		rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "nosoftlockup", "");
	}
	rthc_cpuset_done(&on_iso);
}

void rthc_sys_watchdog_cpumask(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct rthc_cpuset on_iso = RTHC_CPUSET_INIT;
	_cleanup_free_ char *hk = NULL, *bad = NULL;
	const char *why = NULL;
	int k;

	if (rthc_cpuset_empty(&ctx->facts->isolation.isolated)) {
		rthc_na(r, "no isolated CPUs");
		return;
	}
	k = wd_off_iso(ctx, r, &why, &on_iso);
	rthc_expect_cpus(r, "watchdog_on_isolated", &(struct rthc_cpuset)RTHC_CPUSET_INIT);
	if (k > 0) {
		rthc_observe_cpus(r, "watchdog_on_isolated", &on_iso);
		rthc_pass(r, "the lockup watchdog stays off the isolated CPUs: %s", why);
	} else if (k == 0) {
		hk = rthc_cpuset_str(&ctx->facts->isolation.housekeeping);
		bad = rthc_cpuset_str(&on_iso);
		rthc_observe_cpus(r, "watchdog_on_isolated", &on_iso);
		rthc_items_cpus(r, &on_iso,
				"in watchdog_cpumask: softlockup hrtimer and kthread run here");
		rthc_warn(r, "the lockup watchdog runs on isolated CPUs %s", cpus_or_none(bad));
		rthc_remedy(r, true, false,
			    "sysctl kernel.watchdog_cpumask=%s (or kernel.watchdog=0)",
			    cpus_or_none(hk));
		rthc_remedy_action(r, RTHC_ACTION_SYSCTL, "kernel.watchdog_cpumask", hk);
	}
	rthc_cpuset_done(&on_iso);
}

void rthc_sys_hung_task(struct rthc_ctx *ctx, struct rthc_result *r)
{
	int64_t v;
	int k = read_wd(ctx, r, HUNG_TASK, "CONFIG_DETECT_HUNG_TASK", &v);

	if (k < 0)
		return;
	if (!k) {
		rthc_na(r, "the kernel has no hung task detector");
		return;
	}
	rthc_expect_int(r, "value", 600);
	rthc_observe_int(r, "value", v);
	if (v == 600)
		rthc_pass(r, "hung task timeout is 600 s");
	else
		rthc_info(r, "hung task timeout is %" PRId64 " s%s (RT profiles use 600)", v,
			  v == 0 ? " (detector off)" : "");
}
