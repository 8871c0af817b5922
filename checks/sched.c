/* Scheduler and RT throttling checks (spec/checks.md §3). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "util.h"

#define RT_RUNTIME "/proc/sys/kernel/sched_rt_runtime_us"
#define RT_PERIOD "/proc/sys/kernel/sched_rt_period_us"
#define FAIR_SERVER_DIR "/sys/kernel/debug/sched/fair_server"

/*
 * 6.12 replaced RT throttling by the deadline fair server [FAIR] ("sched/rt: Remove default
 * bandwidth control": throttling stays only with CONFIG_RT_GROUP_SCHED). The debugfs directory
 * proves it on backports; else the release decides. Returns the evidence, or NULL.
 */
static const char *fair_server(struct rthc_ctx *ctx)
{
	const struct rthc_kernel_facts *k = &ctx->facts->kernel;

	if (rthc_host_is_dir(ctx->host, FAIR_SERVER_DIR) > 0)
		return FAIR_SERVER_DIR " exists";
	if (k->major > 6 || (k->major == 6 && k->minor >= 12))
		return "the kernel is 6.12 or newer";
	return NULL;
}

/* 1 when CONFIG_RT_GROUP_SCHED=y, 0 when not set, -1 when the config is unknown. */
static int rt_group_sched(const struct rthc_facts *f)
{
	char buf[8];
	bool known;
	const char *v = rthc_facts_kconfig(f, "CONFIG_RT_GROUP_SCHED", &known, buf, sizeof(buf));

	return !known ? -1 : v && streq(v, "y");
}

#define GROUP_NOTE " (CONFIG_RT_GROUP_SCHED keeps throttling next to the fair server)"

static void remedy(struct rthc_result *r)
{
	rthc_remedy(r, true, false, "sysctl -w kernel.sched_rt_runtime_us=-1 and persist it as "
				     "kernel.sched_rt_runtime_us = -1 in /etc/sysctl.d/");
	rthc_remedy_action(r, RTHC_ACTION_SYSCTL, "kernel.sched_rt_runtime_us", "-1");
}

static void rt_runtime(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const char *fs;
	int64_t runtime, period;
	int err, group;

	err = rthc_host_read_s64(ctx->host, RT_RUNTIME, &runtime);
	if (err < 0) {
		rthc_result_error(r, err, RT_RUNTIME);
		return;
	}
	rthc_evidence(r, RT_RUNTIME, "%" PRId64, runtime);
	rthc_expect_int(r, "value", -1);
	rthc_observe_int(r, "value", runtime);
	if (runtime == -1) {
		rthc_pass(r, "RT throttling is disabled (sched_rt_runtime_us is -1)");
		return;
	}
	if (runtime < -1) {
		rthc_result_errorf(r, -ERANGE,
				   "cannot read %s: %" PRId64 " is not a value the kernel accepts",
				   RT_RUNTIME, runtime);
		return;
	}
	/* The kernel rejects runtime > period, and runtime == period never throttles. */
	err = rthc_host_read_s64(ctx->host, RT_PERIOD, &period);
	if (err == 0 && period <= 0)
		err = -ERANGE;
	if (err < 0) {
		rthc_result_error(r, err, RT_PERIOD);
		return;
	}
	rthc_evidence(r, RT_PERIOD, "%" PRId64, period);
	rthc_observe_int(r, "period", period);
	if (runtime >= period) {
		rthc_pass(r,
			  "RT throttling never engages: sched_rt_runtime_us (%" PRId64
			  ") is not below "
			  "sched_rt_period_us (%" PRId64 ")",
			  runtime, period);
		return;
	}
	fs = fair_server(ctx);
	group = rt_group_sched(ctx->facts);
	rthc_observe_bool(r, "fair_server", fs != NULL);
	if (fs && group == 0) {
		rthc_info(r,
			  "sched_rt_runtime_us is %" PRId64
			  ", but with the fair server (%s) and without "
			  "CONFIG_RT_GROUP_SCHED it is admission control only, not throttling (see "
			  "sched.fair_server)",
			  runtime, fs);
		return;
	}
	remedy(r);
	if (fs && group < 0)
		rthc_warn(r,
			  "sched_rt_runtime_us is %" PRId64 " of %" PRId64 " µs: with the fair "
			  "server (%s) it throttles FIFO tasks only with CONFIG_RT_GROUP_SCHED, "
			  "and the kernel config is not available",
			  runtime, period, fs);
	else
		rthc_fail(r,
			  "RT throttling is active: FIFO tasks get at most %" PRId64
			  " µs of every %" PRId64 " µs and then wait %" PRId64 " µs%s",
			  runtime, period, period - runtime, fs ? GROUP_NOTE : "");
}

const struct rthc_check rthc_checks_sched[] = {
	{
		.id = "sched.rt_runtime",
		.title = "RT throttling is disabled",
		.category = RTHC_CAT_SCHED,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/proc/sys/kernel/sched_rt_runtime_us, "
			 "/proc/sys/kernel/sched_rt_period_us; "
			 "/sys/kernel/debug/sched/fair_server and the kernel release (6.12+); "
			 "CONFIG_RT_GROUP_SCHED",
		.why = "On kernels before 6.12, RT throttling takes 50 ms of every second from a "
		       "busy FIFO vCPU (sched_rt_runtime_us 950000 of 1000000).",
		.pass = "sched_rt_runtime_us is -1 (or not below the period). On 6.12+ kernels "
			"without CONFIG_RT_GROUP_SCHED the value is only admission control and is "
			"reported as info, because the fair server replaced throttling",
		.remedy = "RT/CFG sysctl kernel.sched_rt_runtime_us=-1, persisted in /etc/sysctl.d",
		.sources = "[T-RT] [NTO] [PARTRT] [FAIR]",
		.run = rt_runtime,
	},
	{0},
};
