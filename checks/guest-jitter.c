/*
 * guest.jitter_probe (spec/checks.md §11, optional): an oslat-style probe. The process pins
 * itself to each isolated vCPU in turn and spins reading CLOCK_MONOTONIC (the TSC through the
 * vDSO); the largest gap between two reads is time the vCPU did not run the loop: host exits and
 * preemption, or guest interrupts. The --sample window is shared among the probed vCPUs, and the
 * original CPU affinity is restored afterwards. Nothing else runs: no threads, no RT priority.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guest.h"
#include "util.h"

#define BUDGET_VAR "guest_jitter_max_us"
#define BUDGET_DEFAULT 20
#define MIN_WINDOW 0.05

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Pin to cpu (nbits possible CPUs) and spin for seconds; the largest gap in ns or -errno. */
static int64_t spin_on(unsigned cpu, unsigned nbits, double seconds)
{
	size_t size = CPU_ALLOC_SIZE(nbits);
	cpu_set_t *set = CPU_ALLOC(nbits);
	uint64_t start, prev, now, end, worst = 0;

	if (!set)
		return -ENOMEM;
	CPU_ZERO_S(size, set);
	CPU_SET_S(cpu, size, set);
	if (sched_setaffinity(0, size, set) < 0) {
		int err = errno;

		CPU_FREE(set);
		return -err;
	}
	CPU_FREE(set);
	start = prev = mono_ns();
	end = start + (uint64_t)(seconds * 1e9);
	do {
		now = mono_ns();
		if (now - prev > worst)
			worst = now - prev;
		prev = now;
	} while (now < end);
	return (int64_t)worst;
}

void rthc_guest_jitter_judge(struct rthc_result *r, const struct rthc_guest_jitter *v, size_t n,
			     int64_t budget_us, double window)
{
	int64_t worst = -1;
	size_t over = 0, failed = 0;

	rthc_expect_int(r, "max_gap_us", budget_us);
	for (size_t i = 0; i < n; i++) {
		char obj[32];

		snprintf(obj, sizeof(obj), "cpu %u", v[i].cpu);
		if (v[i].gap_ns < 0) {
			rthc_item(r, obj, "cannot pin the probe: %s", strerror((int)-v[i].gap_ns));
			failed++;
			continue;
		}
		if (v[i].gap_ns / 1000 > worst)
			worst = v[i].gap_ns / 1000;
		if (v[i].gap_ns / 1000 > budget_us) {
			rthc_item(r, obj, "max gap %" PRId64 " µs", v[i].gap_ns / 1000);
			over++;
		}
	}
	rthc_observe_int(r, "probed_vcpus", (int64_t)(n - failed));
	rthc_observe_double(r, "window_seconds_per_vcpu", window);
	if (worst >= 0)
		rthc_observe_int(r, "max_gap_us", worst);
	else
		rthc_observe_null(r, "max_gap_us");
	if (failed == n) {
		rthc_result_errorf(r, n ? -EPERM : -ENODATA,
				   "the probe could not run on any isolated vCPU");
		return;
	}
	if (over) {
		rthc_warn(r, "%zu isolated vCPU%s stalled longer than %" PRId64 " µs (worst %"
			  PRId64 " µs)", over, over == 1 ? "" : "s", budget_us, worst);
		rthc_remedy(r, false, false, "investigate the host: vCPU pinning and priority, "
			    "IRQs and timers on the host CPUs behind these vCPUs "
			    "(xcheck.vcpu_on_iso, irq.counts on the host), and the guest's own "
			    "IRQs (irq.counts)");
		return;
	}
	rthc_pass(r, "the worst gap on %zu isolated vCPU%s was %" PRId64 " µs (budget %" PRId64
		  " µs)", n - failed, n - failed == 1 ? "" : "s", worst, budget_us);
}

void rthc_guest_jitter_probe(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_cpuset *iso = &f->isolation.isolated;
	unsigned nbits = f->topology.nr_cpu_ids ? f->topology.nr_cpu_ids : 1;
	size_t size = CPU_ALLOC_SIZE(nbits), n = 0, k = rthc_cpuset_count(iso);
	struct rthc_guest_jitter *v;
	cpu_set_t *saved;
	int64_t budget;
	double window;
	int c, err;

	budget = rthc_ctx_var_int(ctx, BUDGET_VAR, BUDGET_DEFAULT, &err);
	if (err < 0 || budget < 0) {
		rthc_result_errorf(r, -EINVAL, "--set %s: not a number of microseconds",
				   BUDGET_VAR);
		return;
	}
	if (!k) {
		rthc_na(r, "no isolated vCPU to probe");
		return;
	}
	window = ctx->opts.sample / (double)k;
	if (window < MIN_WINDOW)
		window = MIN_WINDOW;
	v = calloc(k, sizeof(*v));
	saved = CPU_ALLOC(nbits);
	if (!v || !saved || sched_getaffinity(0, size, saved) < 0) {
		err = !v || !saved ? -ENOMEM : -errno;
		rthc_result_errorf(r, err, "cannot prepare the probe: %s", strerror(-err));
		goto out;
	}
	rthc_cpuset_foreach(c, iso) {
		v[n].cpu = (unsigned)c;
		v[n++].gap_ns = (unsigned)c < nbits ? spin_on((unsigned)c, nbits, window) : -EINVAL;
	}
	(void)sched_setaffinity(0, size, saved);
	rthc_guest_jitter_judge(r, v, n, budget, window);
out:
	free(v);
	if (saved)
		CPU_FREE(saved);
}
