/*
 * The kernel log (spec/checks.md §1 kernel.dmesg), machine-check polling (cmdline.mce) and syscall
 * auditing (cmdline.audit). Descriptors in timer.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bootcfg.h"
#include "report.h"
#include "sys.h"
#include "util.h"

#define KMSG "/dev/kmsg"
#define MCE_DIR "/sys/devices/system/machinecheck"
#define AUDIT_RULES "/etc/audit/audit.rules"

/* ---- cmdline.mce ---- */

void rthc_sys_mce(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	char **names = NULL;
	bool off = false, ignore_param = false, known;
	unsigned cpus = 0, zero = 0;
	char buf[8];
	int64_t interval = -1;
	int err;

	if (!cl)
		return;
	/* Every mce= occurrence is applied (mcheck_enable() runs per occurrence). */
	for (size_t i = 0; i < cl->nparams; i++) {
		const struct rthc_cmdline_param *p = &cl->params[i];

		if (!rthc_cmdline_key_eq(p->key, "mce") || !p->value)
			continue;
		rthc_evidence(r, "/proc/cmdline", "mce=%s", p->value);
		off |= streq(p->value, "off");
		ignore_param |= streq(p->value, "ignore_ce");
	}
	if (off) {
		rthc_info(r, "mce=off: machine-check handling is disabled; vendors differ — "
			     "OpenShift boots with mce=off [NTO], RHEL's realtime profiles use "
			     "mce=ignore_ce [T-RT], which keeps fatal error handling "
			     "(recommended)");
		return;
	}
	err = rthc_host_list_dir(ctx->host, MCE_DIR, &names, NULL);
	if (err == -ENOENT && ctx->facts->cpuinfo && !rthc_facts_cpu_flag(ctx->facts, "mce")) {
		rthc_na(r, "no x86 machine-check architecture (no mce CPU flag)");
		return;
	}
	if (err == -ENOENT &&
	    !rthc_facts_kconfig(ctx->facts, "CONFIG_X86_MCE", &known, buf, sizeof(buf)) && known) {
		rthc_na(r, "the kernel is built without CONFIG_X86_MCE: no machine-check polling");
		return;
	}
	if (err < 0) {
		rthc_result_error(r, err, MCE_DIR);
		return;
	}
	for (char **n = names; *n; n++) {
		char path[256];
		int64_t v;

		if (!strneq(*n, "machinecheck", 12))
			continue;
		snprintf(path, sizeof(path), "%s/%s/ignore_ce", MCE_DIR, *n);
		err = rthc_host_read_s64(ctx->host, path, &v);
		if (err == 0 && interval < 0) {
			snprintf(path, sizeof(path), "%s/%s/check_interval", MCE_DIR, *n);
			err = rthc_host_read_s64(ctx->host, path, &interval);
		}
		if (err < 0) {
			rthc_result_error(r, err, path);
			goto out;
		}
		cpus++;
		if (!v) {
			zero++;
			rthc_item(r, *n,
				  "ignore_ce is 0: corrected-error polling and CMCI run on this "
				  "CPU");
		}
	}
	if (!cpus) {
		rthc_result_errorf(r, -ENODATA, "%s holds no machinecheck<N> directory", MCE_DIR);
		goto out;
	}
	rthc_evidence(r, MCE_DIR, "ignore_ce 0 on %u of %u CPUs; check_interval %" PRId64 " s",
		      zero, cpus, interval);
	rthc_expect_int(r, "ignore_ce_off", 0);
	rthc_observe_int(r, "ignore_ce_off", zero);
	rthc_observe_int(r, "check_interval", interval);
	if (!zero) {
		rthc_pass(r,
			  "corrected machine-check errors are ignored on all %u CPUs (ignore_ce)",
			  cpus);
		goto out;
	}
	rthc_warn(r, "the MCE poll timer (every %" PRId64 " s) and CMCI run on %u CPUs%s", interval,
		  zero,
		  ignore_param
			  ? " although mce=ignore_ce is given (changed at runtime; the kernel wins)"
			  : "");
	rthc_remedy(r, true, false, "echo 1 > %s/machinecheck*/ignore_ce; BOOT mce=ignore_ce",
		    MCE_DIR);
	rthc_remedy_action(r, RTHC_ACTION_SYSFS, MCE_DIR "/machinecheck*/ignore_ce", "1");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "mce", "ignore_ce");
out:
	rthc_strv_free(names);
}

/* ---- cmdline.audit ---- */

void rthc_sys_audit(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	_cleanup_free_ char *rules = NULL;
	unsigned n = 0;
	const char *v;
	int err;

	if (!cl)
		return;
	rthc_evidence_param(r, cl, "audit");
	v = rthc_cmdline_get(cl, "audit");
	rthc_observe_str(r, "audit", v);
	if (v && (streq(v, "0") || !strcasecmp(v, "off"))) {
		rthc_pass(r, "audit=%s: syscall auditing is off", v);
		return;
	}
	err = rthc_host_read_file(ctx->host, AUDIT_RULES, &rules, NULL);
	if (err < 0 && err != -ENOENT) {
		rthc_result_error(r, err, AUDIT_RULES);
		return;
	}
	for (const char *p = rules; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		n += strneq(p, "-a ", 3) || strneq(p, "-A ", 3) || strneq(p, "-w ", 3);
	if (err == -ENOENT)
		rthc_evidence(r, AUDIT_RULES, "absent");
	else
		rthc_evidence(r, AUDIT_RULES, "%u rules", n);
	rthc_observe_int(r, "rules", n);
	if (!n) {
		rthc_pass(r, "no audit rules are loaded at boot (%s)",
			  err == -ENOENT ? "no audit.rules" : "empty");
		return;
	}
	rthc_info(r, "%u audit rules are loaded: every audited syscall on an RT path pays for it",
		  n);
	rthc_remedy(r, true, true, "boot with audit=0 if auditing is not required");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "audit", "0");
}

/* ---- kernel.dmesg ---- */

struct kmsg_pattern {
	const char *needle;
	const char *key; /* observed counter */
	enum rthc_status status;
	const char *why;
};

static const struct kmsg_pattern kmsg_patterns[] = {
	{ "Housekeeping: nohz_full= must match isolcpus=", "nohz_full_mismatch", RTHC_STATUS_FAIL,
	  "the later of nohz_full=/isolcpus= was ignored" },
	{ "Housekeeping: nohz unsupported", "nohz_unsupported", RTHC_STATUS_FAIL,
	  "nohz_full= was dropped: no CONFIG_NO_HZ_FULL" },
	{ "Housekeeping: must include one present CPU", "no_housekeeping_cpu", RTHC_STATUS_WARN,
	  "the lists left no housekeeping CPU; the kernel chose one" },
	{ "sched: RT throttling activated", "rt_throttling", RTHC_STATUS_FAIL,
	  "RT tasks were throttled (see sched.rt_runtime)" },
	{ "Marking clocksource 'tsc' as unstable", "tsc_unstable", RTHC_STATUS_FAIL,
	  "timekeeping left the TSC (see timer.tsc_stable)" },
	{ "Marking TSC unstable", "tsc_unstable_tsc", RTHC_STATUS_FAIL,
	  "timekeeping left the TSC (see timer.tsc_stable)" },
	{ "detected stall", "rcu_stall", RTHC_STATUS_FAIL,
	  "an RCU stall: a CPU did not pass a quiescent state" },
	{ "soft lockup", "soft_lockup", RTHC_STATUS_FAIL, "a CPU was stuck in the kernel" },
	{ "hrtimer: interrupt took", "hrtimer_slow", RTHC_STATUS_WARN,
	  "a timer interrupt ran far too long" },
	{ "NOHZ tick-stop error", "tick_stop_error", RTHC_STATUS_WARN,
	  "the tick could not stop (softirq pending)" },
	{ "NOHZ: local_softirq_pending", "tick_stop_error_old", RTHC_STATUS_WARN,
	  "the tick could not stop (softirq pending)" },
	{ "took a split_lock trap", "split_lock", RTHC_STATUS_WARN,
	  "split locks stall every core (see hw.split_lock)" },
	{ "Fair server disabled", "fair_server_disabled", RTHC_STATUS_WARN,
	  "CFS tasks on that CPU can starve (see xcheck.throttle_vs_starvation)" },
	{ "NO_HZ: Full dynticks CPUs:", "nohz_full_cpus", RTHC_STATUS_INFO,
	  "adaptive-tick CPUs at boot" },
	{ "Offload RCU callbacks from CPUs", "rcu_offload_cpus", RTHC_STATUS_INFO,
	  "RCU-offloaded CPUs at boot" },
};

void rthc_sys_dmesg(struct rthc_ctx *ctx, struct rthc_result *r)
{
	_cleanup_free_ char *log = NULL;
	enum rthc_status worst = RTHC_STATUS_PASS;
	unsigned bad = 0;
	size_t len = 0;
	int err;

	err = rthc_bootcfg_kmsg_read(ctx->host, ctx->report->privileged, &log, &len);
	if (err == -EACCES && rthc_host_is_live(ctx->host) && !ctx->report->privileged) {
		rthc_result_errorf(r, err,
				   "reading the kernel log (%s) needs root: a partial log proves "
				   "nothing",
				   KMSG);
		return;
	}
	if (err == 0 && strspn(log, " \n") == len)
		err = -ENODATA; /* no record at all: nothing was read */
	if (err < 0) {
		rthc_result_error(r, err, KMSG);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(kmsg_patterns); i++) {
		const struct kmsg_pattern *p = &kmsg_patterns[i];
		char first[200];
		unsigned n = rthc_bootcfg_kmsg_count(log, p->needle, first, sizeof(first));

		if (!n)
			continue;
		rthc_evidence(r, KMSG, "%s", first);
		rthc_observe_int(r, p->key, n);
		if (p->status == RTHC_STATUS_INFO)
			continue;
		rthc_item(r, p->needle, "%u message%s: %s", n, n == 1 ? "" : "s", p->why);
		bad += n;
		if (p->status == RTHC_STATUS_FAIL || worst == RTHC_STATUS_PASS)
			worst = p->status;
	}
	rthc_expect_int(r, "problem_messages", 0);
	rthc_observe_int(r, "problem_messages", bad);
	if (worst == RTHC_STATUS_PASS) {
		rthc_pass(r, "no known RT problem message in the kernel log");
		return;
	}
	rthc_result_set(r, worst, "the kernel log has %u RT problem message%s (%zu kind%s)", bad,
			bad == 1 ? "" : "s", r->nitems + r->items_omitted,
			r->nitems + r->items_omitted == 1 ? "" : "s");
	rthc_remedy(r, false, false,
		    "follow the check named for each message; most need a boot parameter or "
		    "firmware fix");
}
