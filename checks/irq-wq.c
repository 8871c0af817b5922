/*
 * Work that follows CPU masks rather than IRQ affinity: unbound workqueues (wq.unbound_cpumask),
 * the writeback workqueue (wq.writeback) and threaded IRQ handlers (irq.threads).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irq.h"
#include "tasks.h"
#include "util.h"

#define WQ_DIR "/sys/devices/virtual/workqueue"
#define WQ_MASK WQ_DIR "/cpumask"
#define WB_MASK "/sys/bus/workqueue/devices/writeback/cpumask"
#define WB_NUMA "/sys/bus/workqueue/devices/writeback/numa"

static void remedy_mask(struct rthc_ctx *ctx, struct rthc_result *r, const char *path)
{
	const struct rthc_cpuset *hk = &ctx->facts->isolation.housekeeping;
	_cleanup_free_ char *mask = NULL;

	if (rthc_cpuset_empty(hk)) {
		rthc_remedy(r, false, false, "no housekeeping CPU is left (xcheck.hk_left)");
		return;
	}
	if (rthc_cpuset_format_mask(hk, ctx->facts->topology.nr_cpu_ids, &mask) < 0) {
		r->oom = true;
		return;
	}
	rthc_remedy(r, true, false, "write the housekeeping mask %s to %s", mask, path);
	rthc_remedy_action(r, RTHC_ACTION_SYSFS, path, mask);
}

/* Per-workqueue masks that still name isolated CPUs once clipped by the global mask (evidence). */
static void wq_per_queue_evidence(struct rthc_ctx *ctx, struct rthc_result *r,
				  const struct rthc_cpuset *global)
{
	struct rthc_cpuset m = RTHC_CPUSET_INIT;
	char **names = NULL, path[256];
	size_t shown = 0, total = 0;

	if (rthc_host_list_dir(ctx->host, WQ_DIR, &names, NULL) < 0)
		return;
	for (char **n = names; *n; n++) {
		snprintf(path, sizeof(path), WQ_DIR "/%s/cpumask", *n);
		if (rthc_host_read_cpumask(ctx->host, path, &m) < 0)
			continue;
		rthc_cpuset_and(&m, global);
		rthc_cpuset_and(&m, &ctx->facts->isolation.isolated);
		if (rthc_cpuset_empty(&m))
			continue;
		total++;
		if (shown++ < 8) {
			_cleanup_free_ char *s = rthc_cpuset_str(&m);

			rthc_evidence(r, path, "workqueue %s may run on isolated CPUs %s", *n, cpus_or_none(s));
		}
	}
	if (total > shown)
		rthc_evidence(r, WQ_DIR, "%zu more workqueues may run on isolated CPUs", total - shown);
	rthc_strv_free(names);
	rthc_cpuset_done(&m);
}

void irq_check_wq_unbound(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	struct rthc_cpuset mask = RTHC_CPUSET_INIT, leak = RTHC_CPUSET_INIT;
	_cleanup_free_ char *mask_s = NULL, *leak_s = NULL;

	if (irq_no_isolated(ctx, r, NULL))
		return;
	if (irq_read_mask(ctx, r, WQ_MASK, &mask, &mask_s) < 0)
		goto out;
	if (rthc_cpuset_copy(&leak, &mask) < 0) {
		r->oom = true;
		goto out;
	}
	rthc_cpuset_and(&leak, &iso->isolated);
	rthc_observe_cpus(r, "cpumask", &mask);
	rthc_observe_cpus(r, "on_isolated", &leak);
	rthc_expect_cpus(r, "on_isolated", &(struct rthc_cpuset)RTHC_CPUSET_INIT);
	if (rthc_cpuset_empty(&leak)) {
		rthc_pass(r, "unbound workqueues are restricted to CPUs %s, outside the isolated set",
			  cpus_or_none(mask_s));
		goto out;
	}
	leak_s = rthc_cpuset_str(&leak);
	rthc_items_cpus(r, &leak, "in the unbound workqueue cpumask");
	wq_per_queue_evidence(ctx, r, &mask);
	rthc_warn(r, "unbound kworkers may run on isolated CPUs %s (cpumask %s)", cpus_or_none(leak_s),
		  cpus_or_none(mask_s));
	remedy_mask(ctx, r, WQ_MASK);
out:
	rthc_cpuset_done(&mask);
	rthc_cpuset_done(&leak);
}

void irq_check_wq_writeback(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	struct rthc_cpuset wb = RTHC_CPUSET_INIT, global = RTHC_CPUSET_INIT, eff = RTHC_CPUSET_INIT;
	struct rthc_cpuset req = RTHC_CPUSET_INIT;
	_cleanup_free_ char *wb_s = NULL, *eff_s = NULL, *req_s = NULL, *g_s = NULL;
	int64_t numa;

	if (irq_no_isolated(ctx, r, NULL))
		return;
	if (irq_read_mask(ctx, r, WB_MASK, &wb, &wb_s) < 0)
		goto out;
	if (rthc_host_read_s64(ctx->host, WB_NUMA, &numa) == 0)
		rthc_evidence(r, WB_NUMA, "%lld%s", (long long)numa,
			      numa ? " (per-node pools: partrt writes 0)" : "");
	if (rthc_cpuset_copy(&eff, &wb) < 0 || rthc_cpuset_copy(&req, &wb) < 0) {
		r->oom = true;
		goto out;
	}
	/* The kernel clips a workqueue's mask by the global unbound mask (empty: the global mask). */
	if (rthc_host_read_cpumask(ctx->host, WQ_MASK, &global) == 0) {
		g_s = rthc_cpuset_str(&global);
		rthc_evidence(r, WQ_MASK, "CPUs %s", cpus_or_none(g_s));
		rthc_cpuset_and(&eff, &global);
		if (rthc_cpuset_empty(&eff) && rthc_cpuset_copy(&eff, &global) < 0) {
			r->oom = true;
			goto out;
		}
	}
	rthc_cpuset_and(&eff, &iso->isolated);
	rthc_cpuset_and(&req, &iso->isolated);
	rthc_observe_cpus(r, "cpumask", &wb);
	rthc_observe_cpus(r, "on_isolated", &eff);
	rthc_expect_cpus(r, "on_isolated", &(struct rthc_cpuset)RTHC_CPUSET_INIT);
	if (!rthc_cpuset_empty(&eff)) {
		eff_s = rthc_cpuset_str(&eff);
		rthc_items_cpus(r, &eff, "writeback work may run here");
		rthc_warn(r, "writeback (flusher) work may run on isolated CPUs %s", cpus_or_none(eff_s));
		remedy_mask(ctx, r, WB_MASK);
	} else if (!rthc_cpuset_empty(&req)) {
		req_s = rthc_cpuset_str(&req);
		rthc_pass(r, "the writeback cpumask %s names isolated CPUs %s, but the kernel clips it by "
			     "the unbound workqueue cpumask %s, so writeback stays on housekeeping CPUs",
			  cpus_or_none(wb_s), cpus_or_none(req_s), cpus_or_none(g_s));
	} else {
		rthc_pass(r, "writeback work is restricted to CPUs %s, outside the isolated set",
			  cpus_or_none(wb_s));
	}
out:
	rthc_cpuset_done(&wb);
	rthc_cpuset_done(&global);
	rthc_cpuset_done(&eff);
	rthc_cpuset_done(&req);
}

/* "irq/24-nvme0q1": the IRQ number and the (truncated) action name. */
static bool irq_thread(const char *comm, unsigned *irq, const char **name)
{
	char *end;
	unsigned long n;

	if (!strneq(comm, "irq/", 4))
		return false;
	n = strtoul(comm + 4, &end, 10);
	if (end == comm + 4 || *end != '-' || n > 0x7fffffff)
		return false;
	*irq = (unsigned)n;
	*name = end + 1;
	return true;
}

/* Whether the thread's IRQ is kernel-managed (debugfs, else the name heuristics). */
static bool thread_irq_managed(struct rthc_ctx *ctx, unsigned irq, const char *name)
{
	_cleanup_free_ char *text = NULL;
	char path[96];

	snprintf(path, sizeof(path), "/sys/kernel/debug/irq/irqs/%u", irq);
	if (rthc_host_read_file(ctx->host, path, &text, NULL) == 0)
		return strstr(text, "IRQD_AFFINITY_MANAGED") != NULL;
	return irq_managed_by_name(name) != NULL;
}

void irq_check_threads(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct rthc_facts *f = ctx->facts;
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	struct rthc_cpuset leak = RTHC_CPUSET_INIT;
	size_t threads = 0, bad = 0, managed = 0;
	const struct rthc_tasks *ts;

	if (!cl)
		return;
	if (!f->kernel.preempt_rt && !rthc_cmdline_has(cl, "threadirqs")) {
		rthc_na(r, "IRQ handlers run in hard interrupt context: no PREEMPT_RT and no threadirqs");
		return;
	}
	if (irq_no_isolated(ctx, r, NULL))
		return;
	ts = rthc_facts_tasks(f, ctx->host);
	if (!ts) {
		rthc_result_errorf(r, -ENOMEM, "out of memory");
		return;
	}
	if (ts->err) {
		rthc_result_error(r, ts->err, "/proc");
		return;
	}
	if (!ts->have_pids) {
		rthc_skip(r, "no process list under %s/proc: the irq/N threads cannot be checked",
			  rthc_host_root(ctx->host));
		return;
	}
	for (size_t i = 0; i < ts->n; i++) {
		const struct rthc_task *t = &ts->v[i];
		_cleanup_free_ char *allowed_s = NULL, *leak_s = NULL;
		const char *name;
		unsigned irq;
		char obj[96];

		if (!rthc_task_is_kthread(t) || !irq_thread(t->comm, &irq, &name) || !t->has_allowed)
			continue;
		threads++;
		if (rthc_cpuset_copy(&leak, &t->allowed) < 0) {
			r->oom = true;
			break;
		}
		rthc_cpuset_and(&leak, &f->isolation.isolated);
		if (rthc_cpuset_empty(&leak))
			continue;
		if (thread_irq_managed(ctx, irq, name)) {
			managed++;
			continue;
		}
		bad++;
		allowed_s = rthc_cpuset_str(&t->allowed);
		leak_s = rthc_cpuset_str(&leak);
		snprintf(obj, sizeof(obj), "%s (pid %d)", t->comm, t->pid);
		rthc_item(r, obj, "allowed on CPUs %s, including isolated CPUs %s", cpus_or_none(allowed_s),
			  cpus_or_none(leak_s));
	}
	rthc_cpuset_done(&leak);
	rthc_observe_int(r, "irq_threads", (int64_t)threads);
	rthc_observe_int(r, "on_isolated", (int64_t)bad);
	rthc_observe_int(r, "managed_on_isolated", (int64_t)managed);
	rthc_expect_int(r, "on_isolated", 0);
	rthc_evidence(r, "/proc", "%zu irq/N kernel threads (%s)", threads,
		      f->kernel.preempt_rt ? "PREEMPT_RT" : "threadirqs");
	if (bad > 0) {
		rthc_warn(r, "%zu IRQ threads may run on isolated CPUs: they follow their IRQ's affinity",
			  bad);
		rthc_remedy(r, true, false, "move the IRQs themselves off the isolated CPUs (irq.affinity); "
			    "their threads follow smp_affinity");
	} else {
		rthc_pass(r, "all %zu IRQ threads are confined to housekeeping CPUs%s", threads,
			  managed ? " (threads of managed IRQs excepted, see irq.managed)" : "");
	}
}
