/*
 * Kernel thread priorities and placement, RCU parameters (spec/checks.md §3
 * sched.percpu_kthread_prio, §1 cmdline.rcu_kthread_prio, cmdline.rcu_normal,
 * cmdline.rcu_patience, §4 rcu.offload_threads). Descriptors in sched-tuning.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys.h"
#include "tasks.h"
#include "util.h"

#define KTHREAD_PRIO "/sys/module/rcutree/parameters/kthread_prio"

/* ---- per-CPU kthread priorities ---- */

/*
 * The CPU of a per-CPU kthread (ksoftirqd/N, ktimers/N, ktimersoftd/N, rcuc/N), -1 for rcub/N,
 * -2 for any other thread.
 */
static int percpu_kthread_cpu(const char *comm)
{
	static const char *const prefixes[] = { "ksoftirqd/", "ktimers/", "ktimersoftd/", "rcuc/" };
	char *end;

	if (strneq(comm, "rcub/", 5))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t l = strlen(prefixes[i]);
		long n;

		if (!strneq(comm, prefixes[i], l))
			continue;
		n = strtol(comm + l, &end, 10);
		return end != comm + l && !*end && n >= 0 ? (int)n : -2;
	}
	return -2;
}

void rthc_sys_percpu_kthread_prio(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cpuset *iso = &ctx->facts->isolation.isolated;
	const struct rthc_tasks *ts;
	unsigned assumed, seen = 0, bad = 0;

	if (!rthc_sys_have_iso(ctx, r) || !(ts = rthc_sys_need_tasks(ctx, r)))
		return;
	assumed = rthc_sys_assumed_vcpu_prio(ctx, r);
	for (size_t i = 0; i < ts->n; i++) {
		const struct rthc_task *t = &ts->v[i];
		int cpu = percpu_kthread_cpu(t->comm);
		unsigned need;
		char obj[96];

		if (cpu == -2 || !rthc_task_is_kthread(t))
			continue;
		if (cpu >= 0 ? !rthc_cpuset_test(iso, (unsigned)cpu)
			     : !(t->has_allowed && rthc_cpuset_intersects(&t->allowed, iso)))
			continue;
		seen++;
		need = rthc_sys_user_rt_prio(ts, iso, cpu);
		if (!need)
			need = assumed;
		if (rthc_sys_is_rt_policy(t->policy) && t->rt_priority > need)
			continue;
		snprintf(obj, sizeof(obj), "pid %d %s", t->pid, t->comm);
		rthc_item(r, obj, "%s prio %u, must be FIFO above %u",
			  rthc_task_policy_name(t->policy), t->rt_priority, need);
		bad++;
	}
	rthc_observe_int(r, "kthreads", seen);
	rthc_observe_int(r, "below_rt_prio", bad);
	rthc_expect_int(r, "below_rt_prio", 0);
	if (!seen) {
		rthc_result_errorf(r, -ENODATA,
				   "no ksoftirqd/N, ktimers/N or rcuc/N kthread for the isolated "
				   "CPUs in the process list under %s",
				   rthc_host_root(ctx->host));
		return;
	}
	if (!bad) {
		rthc_pass(r,
			  "the %u per-CPU kthreads of the isolated CPUs run FIFO above the RT "
			  "threads there",
			  seen);
		return;
	}
	rthc_warn(r,
		  "%u of %u per-CPU kthreads (ksoftirqd, ktimers, rcuc, rcub) on isolated CPUs are "
		  "not FIFO above the RT threads there: timers, softirqs and RCU starve",
		  bad, seen);
	rthc_remedy(r, true, false,
		    "chrt -f -p <prio> on them (tuned realtime-virtual-host: ksoftirqd/ktimers 2, "
		    "rcuc/rcub 4; above the vCPU priority)");
	rthc_remedy_action(r, RTHC_ACTION_MANUAL, "sched_setscheduler", "SCHED_FIFO");
}

void rthc_sys_rcu_kthread_prio(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cpuset *iso = &ctx->facts->isolation.isolated;
	const struct rthc_tasks *ts;
	unsigned need;
	int64_t prio;
	char val[16];
	int err;

	err = rthc_host_read_s64(ctx->host, KTHREAD_PRIO, &prio);
	if (err < 0) {
		rthc_result_error(r, err, KTHREAD_PRIO);
		return;
	}
	rthc_evidence(r, KTHREAD_PRIO, "%" PRId64, prio);
	if (!rthc_sys_have_iso(ctx, r))
		return;
	ts = rthc_facts_tasks(ctx->facts, ctx->host);
	need = ts && ts->have_pids ? rthc_sys_user_rt_prio(ts, iso, -1) : 0;
	rthc_observe_str(r, "rt_prio_source",
			 need ? "threads on the isolated CPUs" : "assumed (--set vcpu_prio)");
	if (!need)
		need = rthc_sys_assumed_vcpu_prio(ctx, r);
	rthc_observe_int(r, "kthread_prio", prio);
	rthc_observe_int(r, "highest_rt_prio", need);
	rthc_expect_int(r, "kthread_prio_above", need);
	if (prio > (int64_t)need) {
		rthc_pass(r,
			  "RCU kthreads run at FIFO %" PRId64
			  ", above the highest RT priority %u on the isolated CPUs",
			  prio, need);
		return;
	}
	snprintf(val, sizeof(val), "%u", need + 1 > 11 ? need + 1 : 11);
	rthc_warn(r,
		  "RCU kthreads (rcuc, rcub, rcu_preempt) run at prio %" PRId64
		  ", not above the RT priority %u on the isolated CPUs: they starve and RCU stalls "
		  "follow",
		  prio, need);
	rthc_remedy(r, true, true, "boot with rcutree.kthread_prio=%s (OpenShift uses 11)", val);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "rcutree.kthread_prio", val);
}

static bool is_rcu_offload_thread(const char *comm)
{
	return strneq(comm, "rcuop/", 6) || strneq(comm, "rcuos/", 6) ||
	       strneq(comm, "rcuog/", 6) || streq(comm, "rcu_preempt") || streq(comm, "rcu_sched");
}

void rthc_sys_rcu_offload_threads(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	const struct rthc_tasks *ts;
	unsigned seen = 0, bad = 0;
	_cleanup_free_ char *hk = NULL;

	if (!rthc_sys_have_iso(ctx, r) || !(ts = rthc_sys_need_tasks(ctx, r)))
		return;
	for (size_t i = 0; i < ts->n; i++) {
		const struct rthc_task *t = &ts->v[i];
		_cleanup_free_ char *allowed = NULL;
		char obj[96];

		if (!rthc_task_is_kthread(t) || !is_rcu_offload_thread(t->comm))
			continue;
		seen++;
		if (!t->has_allowed || !rthc_cpuset_intersects(&t->allowed, &iso->isolated))
			continue;
		allowed = rthc_cpuset_str(&t->allowed);
		snprintf(obj, sizeof(obj), "pid %d %s", t->pid, t->comm);
		rthc_item(r, obj, "allowed on CPUs %s, which include isolated CPUs",
			  cpus_or_none(allowed));
		bad++;
	}
	hk = rthc_cpuset_str(&iso->housekeeping);
	rthc_observe_int(r, "threads", seen);
	rthc_observe_int(r, "on_isolated", bad);
	rthc_expect_int(r, "on_isolated", 0);
	if (!seen) {
		rthc_na(r, "no RCU offload or grace-period kthreads (rcuop/N, rcuog/N, "
			   "rcu_preempt) in the process list");
		return;
	}
	if (!bad) {
		rthc_pass(r,
			  "the %u RCU offload and grace-period kthreads stay on housekeeping CPUs "
			  "%s",
			  seen, cpus_or_none(hk));
		return;
	}
	rthc_warn(r, "%u of %u RCU offload/grace-period kthreads may run on isolated CPUs", bad,
		  seen);
	rthc_remedy(r, true, false,
		    "move them to the housekeeping CPUs: tuna -t 'rcu*' -c %s -m "
		    "(sched_setaffinity)",
		    cpus_or_none(hk));
	rthc_remedy_action(r, RTHC_ACTION_MANUAL, "sched_setaffinity rcuo*/rcu_preempt", hk);
}

/* ---- cmdline.rcu_normal, cmdline.rcu_patience ---- */

#define RCUPDATE "/sys/module/rcupdate/parameters"
#define PATIENCE "/sys/module/rcutree/parameters/nohz_full_patience_delay"

/* A module parameter as a number ("Y"/"N" as 1/0): 0, or an error result. */
static int read_param(struct rthc_ctx *ctx, struct rthc_result *r, const char *path, int64_t *v)
{
	_cleanup_free_ char *s = NULL;
	char *end;
	int err = rthc_host_read_str(ctx->host, path, &s);

	if (err == 0 && (streq(s, "Y") || streq(s, "N"))) {
		*v = s[0] == 'Y';
	} else if (err == 0) {
		*v = strtoll(s, &end, 10);
		if (end == s || *end)
			err = -EINVAL;
	}
	if (err < 0) {
		rthc_result_error(r, err, path);
		return err;
	}
	rthc_evidence(r, path, "%s", s);
	return 0;
}

void rthc_sys_rcu_normal(struct rthc_ctx *ctx, struct rthc_result *r)
{
	int64_t normal, expedited, after_boot = -1;

	if (read_param(ctx, r, RCUPDATE "/rcu_normal", &normal) < 0 ||
	    read_param(ctx, r, RCUPDATE "/rcu_expedited", &expedited) < 0)
		return;
	/* rcu_normal_after_boot is only a parameter on !PREEMPT_RT or NO_HZ_FULL kernels. */
	if (rthc_host_exists(ctx->host, RCUPDATE "/rcu_normal_after_boot") > 0 &&
	    read_param(ctx, r, RCUPDATE "/rcu_normal_after_boot", &after_boot) < 0)
		return;
	rthc_expect_int(r, "rcu_normal", 1);
	rthc_expect_int(r, "rcu_expedited", 0);
	rthc_observe_int(r, "rcu_normal", normal);
	rthc_observe_int(r, "rcu_expedited", expedited);
	rthc_observe_int(r, "rcu_normal_after_boot", after_boot);
	/* rcu_normal is what runs now: rcu_normal_after_boot sets it at the end of boot. */
	if (normal && !expedited) {
		rthc_pass(r, "RCU uses normal grace periods only: no expedited IPIs to every CPU");
		return;
	}
	if (expedited)
		rthc_warn(r, "rcu_expedited is set: every synchronize_rcu() sends IPIs to all "
			     "CPUs");
	else
		rthc_warn(r, "rcu_normal is 0: expedited grace periods IPI every CPU, isolated "
			     "ones too");
	rthc_remedy(r, true, true,
		    "boot with rcupdate.rcu_normal_after_boot=1 (and without rcu_expedited)");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "rcupdate.rcu_normal_after_boot", "1");
}

void rthc_sys_rcu_patience(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_kernel_facts *k = &ctx->facts->kernel;
	int64_t ms;
	int err;

	if (rthc_cpuset_empty(&ctx->facts->isolation.nohz)) {
		rthc_na(r, "no nohz_full CPUs");
		return;
	}
	err = rthc_host_exists(ctx->host, PATIENCE);
	if (err == 0 && k->major >= 0 && (k->major < 6 || (k->major == 6 && k->minor < 10))) {
		rthc_na(r, "kernel %s is older than 6.10, which added %s", k->release, PATIENCE);
		return;
	}
	if (read_param(ctx, r, PATIENCE, &ms) < 0)
		return;
	rthc_expect_int(r, "ms", 1000);
	rthc_observe_int(r, "ms", ms);
	if (ms >= 1000) {
		rthc_pass(r,
			  "RCU lets a nohz_full CPU stay in the kernel %" PRId64
			  " ms before forcing the tick",
			  ms);
		return;
	}
	rthc_info(r,
		  "RCU forces the tick on a nohz_full CPU after %" PRId64
		  " ms in the kernel (network-latency uses 1000)",
		  ms);
	rthc_remedy(r, true, true, "boot with rcutree.nohz_full_patience_delay=1000");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "rcutree.nohz_full_patience_delay", "1000");
}
