/*
 * xcheck.irq_vs_iso: every path that routes interrupts or unbound work to CPUs, held against ISO
 * in one place: default_smp_affinity, movable IRQs, RPS masks, the unbound and writeback
 * workqueue masks, watchdog_cpumask, PID 1 and kthreadd.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interrupts.h"
#include "irq.h"
#include "tasks.h"
#include "util.h"

struct xstate {
	size_t irq_leaks, other_leaks, inputs;
	int err;
	char errpath[512];
};

static void note_err(struct xstate *x, int err, const char *path)
{
	if (x->err)
		return;
	x->err = err;
	snprintf(x->errpath, sizeof(x->errpath), "%s", path);
}

/* One mask file against ISO: one item when it meets ISO. clip (optional) restricts it first. */
static void mask_input(struct rthc_ctx *ctx, struct rthc_result *r, struct xstate *x,
		       const char *path, bool list, bool optional, const struct rthc_cpuset *clip,
		       const char *what)
{
	struct rthc_cpuset m = RTHC_CPUSET_INIT;
	int k = list ? rthc_host_read_cpulist(ctx->host, path, ctx->facts->topology.nr_cpu_ids, &m)
		     : rthc_host_read_cpumask(ctx->host, path, &m);

	if (k == -ENOENT && optional)
		goto out;
	if (k < 0) {
		note_err(x, k, path);
		goto out;
	}
	x->inputs++;
	if (clip)
		rthc_cpuset_and(&m, clip);
	rthc_cpuset_and(&m, &ctx->facts->isolation.isolated);
	if (!rthc_cpuset_empty(&m)) {
		_cleanup_free_ char *s = rthc_cpuset_str(&m);

		x->other_leaks++;
		rthc_item(r, path, "%s reaches isolated CPUs %s", what, cpus_or_none(s));
	}
out:
	rthc_cpuset_done(&m);
}

static void irq_inputs(struct rthc_ctx *ctx, struct rthc_result *r, struct xstate *x)
{
	struct rthc_cpuset m = RTHC_CPUSET_INIT;
	const struct irq_state *st = irq_state_get(ctx, NULL);
	const struct irq_state *failed = ctx->facts->irq;

	if (!st) {
		note_err(x, failed ? failed->err : -ENOMEM, failed ? failed->errpath : "/proc/interrupts");
		return;
	}
	x->inputs += st->n;
	for (size_t i = 0; i < st->n; i++) {
		const struct irq_info *q = &st->v[i];
		_cleanup_free_ char *s = NULL;
		char obj[128];

		if (q->kind != IRQ_MOVABLE || rthc_cpuset_copy(&m, &q->effective) < 0)
			continue;
		rthc_cpuset_and(&m, &ctx->facts->isolation.isolated);
		if (rthc_cpuset_empty(&m))
			continue;
		x->irq_leaks++;
		s = rthc_cpuset_str(&m);
		irq_object(q, obj, sizeof(obj));
		rthc_item(r, obj, "movable IRQ delivered to isolated CPUs %s", cpus_or_none(s));
	}
	rthc_cpuset_done(&m);
}

static void wq_inputs(struct rthc_ctx *ctx, struct rthc_result *r, struct xstate *x)
{
	struct rthc_cpuset global = RTHC_CPUSET_INIT;
	int64_t wd = 1;
	int k;

	mask_input(ctx, r, x, "/sys/devices/virtual/workqueue/cpumask", false, false, NULL,
		   "the unbound workqueue cpumask");
	k = rthc_host_read_cpumask(ctx->host, "/sys/devices/virtual/workqueue/cpumask", &global);
	mask_input(ctx, r, x, "/sys/bus/workqueue/devices/writeback/cpumask", false, false,
		   k == 0 ? &global : NULL, "the writeback workqueue (clipped by the unbound mask)");
	rthc_cpuset_done(&global);
	k = rthc_host_read_s64(ctx->host, "/proc/sys/kernel/watchdog", &wd);
	if (k < 0 && k != -ENOENT)
		note_err(x, k, "/proc/sys/kernel/watchdog");
	if (wd != 0)
		mask_input(ctx, r, x, "/proc/sys/kernel/watchdog_cpumask", true, true, NULL,
			   "the soft/hard lockup watchdog");
}

static void task_inputs(struct rthc_ctx *ctx, struct rthc_result *r, struct xstate *x)
{
	const struct rthc_tasks *ts = rthc_facts_tasks(ctx->facts, ctx->host);
	struct rthc_cpuset m = RTHC_CPUSET_INIT;

	if (!ts || ts->err || !ts->have_pids) {
		rthc_evidence(r, "/proc", "PID 1 and kthreadd not checked: no process list");
		return;
	}
	for (size_t i = 0; i < ts->n; i++) {
		const struct rthc_task *t = &ts->v[i];
		_cleanup_free_ char *s = NULL;
		char obj[96];

		if ((t->pid != 1 && t->pid != 2) || !t->has_allowed)
			continue;
		x->inputs++;
		if (rthc_cpuset_copy(&m, &t->allowed) < 0)
			break;
		rthc_cpuset_and(&m, &ctx->facts->isolation.isolated);
		if (rthc_cpuset_empty(&m))
			continue;
		x->other_leaks++;
		s = rthc_cpuset_str(&m);
		snprintf(obj, sizeof(obj), "pid %d (%s)", t->pid, t->comm);
		rthc_item(r, obj, "%s is allowed on isolated CPUs %s",
			  t->pid == 1 ? "init, and every service it starts," : "kthreadd, and every kthread "
			  "it creates,", cpus_or_none(s));
	}
	rthc_cpuset_done(&m);
}

void irq_check_xirq_vs_iso(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct xstate x = {0};
	struct irq_rps rps;
	int k;

	if (irq_no_isolated(ctx, r, NULL))
		return;
	mask_input(ctx, r, &x, "/proc/irq/default_smp_affinity", false, false, NULL,
		   "the default affinity of new IRQs");
	irq_inputs(ctx, r, &x);
	k = irq_rps_collect(ctx, NULL, &rps);
	if (k < 0 || rps.err)
		note_err(&x, k < 0 ? k : rps.err, rps.errpath);
	if (k >= 0) {
		x.inputs += rps.queues + rps.has_default;
		x.other_leaks += rps.leaks;
		if (rps.leaks)
			rthc_item(r, "/sys/class/net/*/queues/rx-*/rps_cpus", "%zu RPS masks reach isolated "
				  "CPUs (net.rps lists them)", rps.leaks);
	}
	wq_inputs(ctx, r, &x);
	task_inputs(ctx, r, &x);
	rthc_observe_int(r, "inputs", (int64_t)x.inputs);
	rthc_observe_int(r, "irqs_on_isolated", (int64_t)x.irq_leaks);
	rthc_observe_int(r, "other_on_isolated", (int64_t)x.other_leaks);
	rthc_expect_int(r, "irqs_on_isolated", 0);
	rthc_expect_int(r, "other_on_isolated", 0);
	if (x.err)
		rthc_evidence(r, x.errpath, "unreadable: %s", strerror(-x.err));
	if (x.irq_leaks + x.other_leaks > 0)
		rthc_remedy(r, false, false, "fix each path: irq.affinity, cmdline.irqaffinity, net.rps, "
			    "wq.unbound_cpumask, wq.writeback, wd.watchdog_cpumask, cmdline.systemd_affinity");
	if (x.irq_leaks > 0) {
		rthc_fail(r, "%zu device IRQs and %zu other paths reach isolated CPUs", x.irq_leaks,
			  x.other_leaks);
	} else if (x.other_leaks > 0) {
		rthc_warn(r, "%zu paths route interrupts or unbound work to isolated CPUs", x.other_leaks);
	} else if (x.err) {
		rthc_result_reset(r);
		rthc_result_error(r, x.err, x.errpath);
	} else {
		rthc_pass(r, "none of %zu IRQ, RPS, workqueue, watchdog and task masks reaches an isolated "
			     "CPU", x.inputs);
	}
}
