/*
 * irq.counts: /proc/interrupts read twice, --sample seconds apart. Device IRQs that fired on an
 * isolated CPU fail; high local-timer and IPI rates on isolated CPUs warn.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "interrupts.h"
#include "irq.h"
#include "util.h"

/* Architecture rows that count IPIs and similar per-CPU noise. */
static bool ipi_row(const struct rthc_irq_entry *e)
{
	static const char *const labels[] = {"RES", "CAL", "TLB", "IWI", "MCP", "THR"};

	if (strneq(e->label, "IPI", 3))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(labels); i++)
		if (streq(e->label, labels[i]))
			return true;
	return false;
}

/* The per-CPU tick: x86 LOC, or the arm64 arch_timer PPI (a numeric row). */
static bool tick_row(const struct rthc_irq_entry *e)
{
	return streq(e->label, "LOC") || (e->numeric && strstr(e->desc, "arch_timer"));
}

/* A per-CPU row that is not a device interrupt (GIC PPIs other than the timer). */
static bool percpu_row(const struct rthc_irq_entry *e)
{
	int hw = atoi(e->hwirq);

	return e->numeric && strneq(e->chip, "GIC", 3) && *e->hwirq && hw >= 16 && hw < 32;
}

static const struct rthc_irq_entry *match(const struct rthc_interrupts *t,
					  const struct rthc_irq_entry *e)
{
	return e->numeric ? rthc_interrupts_find(t, e->irq) : rthc_interrupts_find_named(t, e->label);
}

struct budget {
	double loc, ipi;
};

/* Deltas of one row on the isolated CPUs; returns the total and the CPUs that saw any. */
static uint64_t row_delta(const struct rthc_interrupts *before, const struct rthc_interrupts *after,
			  const struct rthc_irq_entry *a, const struct rthc_irq_entry *b,
			  const struct rthc_cpuset *cpus, struct rthc_cpuset *hit, uint64_t *max_cpu)
{
	uint64_t total = 0;

	*max_cpu = 0;
	rthc_cpuset_zero(hit);
	for (size_t c = 0; c < after->ncols; c++) {
		int bc;
		uint64_t d;

		if (!rthc_cpuset_test(cpus, after->cpus[c]))
			continue;
		bc = rthc_interrupts_column(before, after->cpus[c]);
		d = a->counts[c];
		if (b && bc >= 0 && b->counts[bc] <= d)
			d -= b->counts[bc];
		if (d == 0)
			continue;
		total += d;
		if (d > *max_cpu)
			*max_cpu = d;
		if (rthc_cpuset_set(hit, after->cpus[c]) < 0)
			return total;
	}
	return total;
}

void irq_counts_judge(struct rthc_ctx *ctx, struct rthc_result *r,
		      const struct rthc_interrupts *before, const struct rthc_interrupts *after,
		      double seconds)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	struct rthc_cpuset hit = RTHC_CPUSET_INIT;
	size_t dev = 0, noisy = 0;
	struct budget bud;
	double worst_tick = 0;
	int e1 = 0, e2 = 0;

	bud.loc = (double)rthc_ctx_var_int(ctx, "irq_loc_max_rate", 2, &e1);
	bud.ipi = (double)rthc_ctx_var_int(ctx, "irq_ipi_max_rate", 1, &e2);
	if (e1 || e2) {
		rthc_result_errorf(r, -EINVAL, "--set irq_loc_max_rate/irq_ipi_max_rate must be integers");
		return;
	}
	if (seconds <= 0)
		seconds = 1;
	for (size_t i = 0; i < after->nrows; i++) {
		const struct rthc_irq_entry *a = &after->rows[i], *b = match(before, a);
		_cleanup_free_ char *hit_s = NULL;
		uint64_t total, max_cpu;
		bool tick = tick_row(a), ipi = ipi_row(a) || (percpu_row(a) && !tick);
		const struct rthc_cpuset *cpus = tick ? &iso->nohz : &iso->isolated;
		char obj[128];

		if (!a->counts || (a->numeric && !tick && !ipi && a->nactions == 0) ||
		    (!a->numeric && !tick && !ipi))
			continue;
		total = row_delta(before, after, a, b, cpus, &hit, &max_cpu);
		if (total == 0)
			continue;
		hit_s = rthc_cpuset_str(&hit);
		if (tick) {
			double rate = (double)max_cpu / seconds;

			worst_tick = rate > worst_tick ? rate : worst_tick;
			if (rate <= bud.loc)
				continue;
			noisy++;
			rthc_item(r, a->label, "%.1f ticks/s on nohz_full CPUs %s (budget %.0f/s)", rate,
				  cpus_or_none(hit_s), bud.loc);
		} else if (ipi) {
			double rate = (double)max_cpu / seconds;

			if (rate <= bud.ipi)
				continue;
			noisy++;
			rthc_item(r, a->label, "%.1f/s (%s) on isolated CPUs %s (budget %.0f/s)", rate,
				  a->desc, cpus_or_none(hit_s), bud.ipi);
		} else {
			dev++;
			snprintf(obj, sizeof(obj), "irq %u (%.60s)", a->irq, a->desc);
			rthc_item(r, obj, "fired %llu times on isolated CPUs %s in %.1f s",
				  (unsigned long long)total, cpus_or_none(hit_s), seconds);
		}
	}
	rthc_cpuset_done(&hit);
	rthc_observe_double(r, "seconds", seconds);
	rthc_observe_int(r, "device_irqs_on_isolated", (int64_t)dev);
	rthc_observe_int(r, "noisy_counters", (int64_t)noisy);
	rthc_observe_double(r, "max_tick_rate_nohz", worst_tick);
	rthc_expect_int(r, "device_irqs_on_isolated", 0);
	rthc_evidence(r, RTHC_INTERRUPTS_PATH, "read twice, %.1f s apart (%zu CPU columns)", seconds,
		      after->ncols);
	if (dev > 0) {
		rthc_fail(r, "%zu device IRQs fired on isolated CPUs during the %.1f s sample", dev, seconds);
		rthc_remedy(r, false, false, "move those IRQs (irq.affinity, irq.managed) and find what "
			    "submits I/O from isolated CPUs");
	} else if (noisy > 0) {
		rthc_warn(r, "%zu per-CPU interrupt counters run above budget on isolated CPUs", noisy);
		rthc_remedy(r, false, false, "find the source: timers (LOC), IPIs from other CPUs (RES, CAL, "
			    "TLB), irq_work (IWI); raise the budget with --set irq_loc_max_rate=N");
	} else {
		rthc_pass(r, "no device IRQ fired on isolated CPUs during %.1f s; tick at most %.1f/s on "
			     "nohz_full CPUs", seconds, worst_tick);
	}
}

static struct timespec now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

void irq_check_counts(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct rthc_interrupts *t1 = NULL, *t2 = NULL;
	struct timespec a, b, wait;
	double secs = ctx->opts.sample;
	int k;

	if (irq_no_isolated(ctx, r, NULL))
		return;
	k = rthc_interrupts_read(ctx->host, RTHC_INTERRUPTS_PATH, RTHC_INTERRUPTS_COUNTS, NULL, &t1);
	if (k < 0) {
		rthc_result_error(r, k, RTHC_INTERRUPTS_PATH);
		return;
	}
	a = now();
	wait.tv_sec = (time_t)secs;
	wait.tv_nsec = (long)((secs - (double)wait.tv_sec) * 1e9);
	while (nanosleep(&wait, &wait) < 0 && errno == EINTR)
		;
	k = rthc_interrupts_read(ctx->host, RTHC_INTERRUPTS_PATH, RTHC_INTERRUPTS_COUNTS, NULL, &t2);
	b = now();
	if (k < 0)
		rthc_result_error(r, k, RTHC_INTERRUPTS_PATH);
	else
		irq_counts_judge(ctx, r, t1, t2,
				 (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
	rthc_interrupts_free(t1);
	rthc_interrupts_free(t2);
}
