/* Scheduler and RT throttling checks (spec/checks.md §3). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "util.h"

#define RT_RUNTIME "/proc/sys/kernel/sched_rt_runtime_us"
#define RT_PERIOD "/proc/sys/kernel/sched_rt_period_us"

/* 6.12 moved CFS starvation protection to the deadline fair server [FAIR]. */
static bool has_fair_server(const struct rthc_facts *f)
{
	const struct rthc_kernel_facts *k = &f->kernel;

	return k->major > 6 || (k->major == 6 && k->minor >= 12);
}

static void rt_runtime(struct rthc_ctx *ctx, struct rthc_result *r)
{
	int64_t runtime, period;
	int err;

	err = rthc_host_read_s64(ctx->host, RT_RUNTIME, &runtime);
	if (err < 0) {
		rthc_result_error(r, err, RT_RUNTIME);
		return;
	}
	rthc_evidence(r, RT_RUNTIME, "%" PRId64, runtime);
	rthc_expect_int(r, "value", -1);
	rthc_observe_int(r, "value", runtime);
	if (rthc_host_read_s64(ctx->host, RT_PERIOD, &period) == 0) {
		rthc_evidence(r, RT_PERIOD, "%" PRId64, period);
		rthc_observe_int(r, "period", period);
	}
	if (runtime == -1) {
		rthc_pass(r, "RT throttling is disabled (sched_rt_runtime_us = -1)");
		return;
	}
	if (runtime < -1) {
		rthc_result_errorf(r, -EINVAL, "%s holds %" PRId64 ", which no kernel accepts", RT_RUNTIME, runtime);
		return;
	}
	rthc_remedy(r, true, false, "sysctl kernel.sched_rt_runtime_us=-1 (and persist it in /etc/sysctl.d)");
	rthc_remedy_action(r, RTHC_ACTION_SYSCTL, "kernel.sched_rt_runtime_us", "-1");
	if (has_fair_server(ctx->facts)) {
		rthc_info(r, "sched_rt_runtime_us is %" PRId64 ": on %s (6.12+) it is admission control only; the "
			     "fair server bounds CFS starvation (see sched.fair_server)",
			  runtime, ctx->facts->kernel.release);
		return;
	}
	rthc_fail(r, "RT throttling is active: FIFO tasks get at most %" PRId64 " µs per period and are then "
		     "preempted", runtime);
}

const struct rthc_check rthc_checks_sched[] = {
	{
		.id = "sched.rt_runtime",
		.title = "RT throttling is disabled",
		.category = RTHC_CAT_SCHED,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/proc/sys/kernel/sched_rt_runtime_us, /proc/sys/kernel/sched_rt_period_us",
		.why = "On kernels before 6.12, RT throttling takes 50 ms of every second from a busy FIFO "
		       "vCPU (sched_rt_runtime_us 950000 of 1000000).",
		.pass = "sched_rt_runtime_us is -1; on 6.12+ kernels any value is reported as info, as the "
			"fair server replaced throttling",
		.remedy = "RT/CFG sysctl kernel.sched_rt_runtime_us=-1",
		.sources = "[T-RT] [NTO] [PARTRT] [FAIR]",
		.run = rt_runtime,
	},
	{0},
};
