/*
 * Guest checks of the RT setup inside the VM (spec/checks.md §11): detection, idle, the guest's
 * isolation summary, and steal time sampled from /proc/stat.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guest.h"
#include "iso-kernel.h"
#include "power.h"
#include "util.h"

#define HALTPOLL_NS "/sys/module/haltpoll/parameters/guest_halt_poll_ns"
#define PROC_STAT "/proc/stat"
/* /proc/stat counts in USER_HZ, 100 on every architecture the tool supports. */
#define USER_HZ 100

/* ---- guest.detect ---------------------------------------------------------------------------- */

void rthc_guest_detect(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_virt *v = &ctx->facts->virt;
	const char *hv = rthc_hypervisor_to_string(v->hypervisor);
	bool guest = v->role == RTHC_ROLE_GUEST;

	rthc_expect_str(r, "hypervisor", "kvm");
	rthc_observe_str(r, "role", guest ? "guest" : "host");
	rthc_observe_str(r, "hypervisor", hv);
	rthc_observe_str(r, "evidence", v->evidence);
	rthc_observe_str(r, "cpuid_signature", *v->signature ? v->signature : NULL);
	rthc_observe_str(r, "mode", ctx->opts.mode == RTHC_MODEOPT_GUEST ? "forced" : "auto");
	if (v->evidence)
		rthc_evidence(r, v->evidence_source ? v->evidence_source : "detection", "%s",
			      v->evidence);
	if (!guest) {
		rthc_info(r, "no hypervisor was detected%s%s; the guest checks run because guest "
			  "mode was forced", v->host_note ? ": " : "",
			  v->host_note ? v->host_note : "");
		return;
	}
	if (v->hypervisor == RTHC_HV_KVM)
		rthc_pass(r, "a KVM guest (%s)", v->evidence);
	else
		rthc_info(r, "a guest of %s (%s): the guest rules follow KVM and libvirt", hv,
			  v->evidence);
}

/* ---- guest.idle ------------------------------------------------------------------------------ */

static void idle_remedy(struct rthc_result *r)
{
	rthc_remedy(r, true, true, "BOOT idle=poll (strict: vCPUs never exit on idle); or, with "
		    "vCPUs pinned 1:1, host <hint-dedicated state='on'/> and the cpuidle_haltpoll "
		    "driver in the guest");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "idle", "poll");
}

void rthc_guest_idle(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	_cleanup_free_ char *driver = NULL, *gov = NULL;
	const char *idle;
	int64_t poll_ns;
	int k;

	if (!cl || (k = rthc_power_idle_driver(ctx, r, &driver)) < 0)
		return;
	if (rthc_host_read_str(ctx->host, RTHC_CPUIDLE_DIR "/current_governor", &gov) < 0 &&
	    rthc_host_read_str(ctx->host, RTHC_CPUIDLE_DIR "/current_governor_ro", &gov) < 0)
		gov = NULL;
	idle = rthc_cmdline_get(cl, "idle");
	rthc_expect_str(r, "driver", "haltpoll, or none with idle=poll");
	rthc_observe_str(r, "idle", idle);
	rthc_observe_str(r, "driver", driver);
	rthc_observe_str(r, "governor", gov);
	rthc_evidence_param(r, cl, "idle");
	if (driver)
		rthc_evidence(r, RTHC_CPUIDLE_DIR "/current_driver", "%s", driver);
	if (idle && streq(idle, "poll")) {
		rthc_pass(r, "idle=poll: idle vCPUs spin and never exit to the host");
		return;
	}
	if (driver && streq(driver, "haltpoll")) {
		k = rthc_host_read_s64(ctx->host, HALTPOLL_NS, &poll_ns);
		if (k < 0 && k != -ENOENT) {
			rthc_result_error(r, k, HALTPOLL_NS);
			return;
		}
		if (k == 0)
			rthc_observe_int(r, "guest_halt_poll_ns", poll_ns);
		else
			rthc_observe_null(r, "guest_halt_poll_ns");
		if (k == 0 && poll_ns <= 0) {
			rthc_evidence(r, HALTPOLL_NS, "%" PRId64, poll_ns);
			rthc_warn(r, "cpuidle-haltpoll with guest_halt_poll_ns %" PRId64 ": it "
				  "never polls, so idle vCPUs halt at once", poll_ns);
			rthc_remedy(r, false, false, "echo 200000 > %s (the default), or boot "
				    "with idle=poll", HALTPOLL_NS);
			rthc_remedy_action(r, RTHC_ACTION_SYSFS, HALTPOLL_NS, "200000");
			return;
		}
		rthc_pass(r, "cpuidle-haltpoll: idle vCPUs poll before they halt");
		return;
	}
	if (k == 0) {
		char buf[8];
		bool known;

		if (rthc_facts_kconfig(ctx->facts, "CONFIG_CPU_IDLE", &known, buf, sizeof(buf)) ||
		    !known) {
			rthc_result_error(r, -ENOENT, RTHC_CPUIDLE_DIR "/current_driver");
			return;
		}
		rthc_warn(r, "no cpuidle (CONFIG_CPU_IDLE is not set): idle vCPUs halt, and every "
			  "HLT exits to the host");
	} else {
		rthc_warn(r, "idle vCPUs halt through %s%s%s: every HLT exits to the host and the "
			  "wake-up waits for it", driver, idle ? " with idle=" : "",
			  idle ? idle : "");
	}
	idle_remedy(r);
}

/* ---- guest.isolation ------------------------------------------------------------------------- */

/* Items for the ISO CPUs outside have, with the reason; returns how many. */
static unsigned lacking(struct rthc_result *r, const struct rthc_cpuset *iso,
			const struct rthc_cpuset *have, const char *reason)
{
	_cleanup_cpuset_ struct rthc_cpuset miss = RTHC_CPUSET_INIT;

	if (rthc_cpuset_copy(&miss, iso) < 0) {
		r->oom = true;
		return 0;
	}
	rthc_cpuset_andnot(&miss, have);
	rthc_items_cpus(r, &miss, reason);
	return rthc_cpuset_count(&miss);
}

static void isolation_remedy(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cpuset *online = &ctx->facts->topology.online;
	int last = rthc_cpuset_last(online);
	char rt[32];

	if (last < 1) {
		rthc_remedy(r, false, true, "host: give the guest at least two vCPUs");
		return;
	}
	snprintf(rt, sizeof(rt), last == 1 ? "1" : "1-%d", last);
	rthc_remedy(r, true, true, "BOOT isolcpus=domain,managed_irq,%s nohz_full=%s rcu_nocbs=%s "
		    "irqaffinity=0 (profile realtime-virtual-guest, tuned realtime-virtual-guest)",
		    rt, rt, rt);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", "domain,managed_irq,<rt-vcpus>");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "nohz_full", "<rt-vcpus>");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "rcu_nocbs", "<rt-vcpus>");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "irqaffinity", "0");
}

void rthc_guest_isolation(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	_cleanup_cpuset_ struct rthc_cpuset nohz = RTHC_CPUSET_INIT, off = RTHC_CPUSET_INIT;
	_cleanup_cpuset_ struct rthc_cpuset domain = RTHC_CPUSET_INIT;
	_cleanup_free_ char *iso_s = NULL, *hk_s = NULL;
	unsigned missing = 0;

	if (!rthc_iso_inputs_ok(ctx, r))
		return;
	if (rthc_iso_nohz(f, &nohz) < 0 || rthc_iso_offloaded(f, &off, NULL) < 0 ||
	    rthc_cpuset_copy(&domain, &iso->domain) < 0 ||
	    (iso->cgroup_isolated.state > 0 &&
	     rthc_cpuset_or(&domain, &iso->cgroup_isolated.cpus) < 0)) {
		r->oom = true;
		return;
	}
	rthc_observe_cpus(r, "isolated", &iso->isolated);
	rthc_observe_str(r, "isolated_source", iso->isolated_source);
	rthc_observe_cpus(r, "domain", &domain);
	rthc_observe_cpus(r, "nohz_full", &nohz);
	rthc_observe_cpus(r, "rcu_offloaded", &off);
	rthc_observe_cpus(r, "housekeeping", &iso->housekeeping);
	if (iso->irqaffinity.present && !iso->irqaffinity.err)
		rthc_observe_cpus(r, "irqaffinity", &iso->irqaffinity.cpus);
	else
		rthc_observe_null(r, "irqaffinity");
	iso_s = rthc_cpuset_str(&iso->isolated);
	hk_s = rthc_cpuset_str(&iso->housekeeping);
	if (rthc_cpuset_empty(&iso->isolated)) {
		rthc_warn(r, "no vCPU is isolated inside the guest: RT tasks share their vCPUs "
			  "with ticks, RCU callbacks, IRQs and every other task");
		isolation_remedy(ctx, r);
		return;
	}
	if (rthc_cpuset_empty(&iso->housekeeping)) {
		rthc_fail(r, "every online vCPU is isolated (%s): no vCPU is left for housekeeping",
			  cpus_or_none(iso_s));
		isolation_remedy(ctx, r);
		return;
	}
	missing += lacking(r, &iso->isolated, &domain,
			   "not domain-isolated (isolcpus=domain or an isolated cpuset partition)");
	missing += lacking(r, &iso->isolated, &nohz, "keeps the scheduler tick (not nohz_full)");
	missing += lacking(r, &iso->isolated, &off, "runs RCU callbacks (not offloaded)");
	if (iso->irqaffinity.present && !iso->irqaffinity.err &&
	    rthc_cpuset_intersects(&iso->irqaffinity.cpus, &iso->isolated)) {
		_cleanup_cpuset_ struct rthc_cpuset hit = RTHC_CPUSET_INIT;

		if (rthc_cpuset_copy(&hit, &iso->irqaffinity.cpus) < 0) {
			r->oom = true;
			return;
		}
		rthc_cpuset_and(&hit, &iso->isolated);
		rthc_items_cpus(r, &hit, "in irqaffinity=: takes IRQs by default");
		missing += rthc_cpuset_count(&hit);
	}
	if (missing) {
		rthc_warn(r, "the isolated vCPUs %s are only partly isolated (see items); "
			  "housekeeping %s", cpus_or_none(iso_s), cpus_or_none(hk_s));
		isolation_remedy(ctx, r);
		return;
	}
	rthc_pass(r, "vCPUs %s are domain-isolated, tickless and RCU-offloaded; housekeeping %s",
		  cpus_or_none(iso_s), cpus_or_none(hk_s));
}

/* ---- guest.steal ----------------------------------------------------------------------------- */

void rthc_guest_stat_done(struct rthc_guest_stat *s)
{
	free(s->steal);
	free(s->have);
	*s = (struct rthc_guest_stat){0};
}

int rthc_guest_stat_line(const char *line, size_t len, unsigned *cpu, uint64_t *steal)
{
	char buf[512], *p, *end;
	unsigned long long v[8];
	unsigned long id;
	size_t n = 0;

	if (len < 4 || !strneq(line, "cpu", 3) || line[3] < '0' || line[3] > '9')
		return 0;
	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, line, len);
	buf[len] = '\0';
	id = strtoul(buf + 3, &end, 10);
	if (*end != ' ' || id >= RTHC_CPUSET_MAX_CPUS)
		return -EINVAL;
	for (p = end; n < ARRAY_SIZE(v); n++) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v[n] = strtoull(p, &end, 10);
		if (*end && *end != ' ')
			return -EINVAL;
		p = end;
	}
	if (n < 4)
		return -EINVAL;
	if (n < 8)
		return -ENODATA;
	*cpu = (unsigned)id;
	*steal = v[7];
	return 1;
}

static int stat_cb(const char *line, size_t len, void *userdata)
{
	struct rthc_guest_stat *s = userdata;
	uint64_t steal;
	unsigned cpu;
	int k = rthc_guest_stat_line(line, len, &cpu, &steal);

	if (k <= 0)
		return k;
	if (cpu >= s->n) {
		unsigned n = cpu + 1;
		uint64_t *st = realloc(s->steal, n * sizeof(*st));
		bool *hv;

		if (!st)
			return -ENOMEM;
		s->steal = st;
		hv = realloc(s->have, n * sizeof(*hv));
		if (!hv)
			return -ENOMEM;
		s->have = hv;
		memset(s->have + s->n, 0, (n - s->n) * sizeof(*hv));
		memset(s->steal + s->n, 0, (n - s->n) * sizeof(*st));
		s->n = n;
	}
	s->steal[cpu] = steal;
	s->have[cpu] = true;
	return 0;
}

int rthc_guest_stat_read(struct rthc_ctx *ctx, struct rthc_guest_stat *s)
{
	int k;

	*s = (struct rthc_guest_stat){0};
	k = rthc_host_foreach_line(ctx->host, PROC_STAT, stat_cb, s);
	if (k >= 0 && !s->n)
		k = -ENODATA;
	if (k < 0)
		rthc_guest_stat_done(s);
	return k;
}

static uint64_t delta(const struct rthc_guest_stat *a, const struct rthc_guest_stat *b, unsigned c)
{
	if (c >= a->n || c >= b->n || !a->have[c] || !b->have[c] || b->steal[c] < a->steal[c])
		return 0;
	return b->steal[c] - a->steal[c];
}

void rthc_guest_steal_judge(struct rthc_ctx *ctx, struct rthc_result *r,
			    const struct rthc_guest_stat *before,
			    const struct rthc_guest_stat *after, double seconds)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	const struct rthc_cpuset *judged = &iso->isolated;
	_cleanup_cpuset_ struct rthc_cpuset hit = RTHC_CPUSET_INIT;
	_cleanup_free_ char *judged_s = NULL, *hit_s = NULL;
	uint64_t total = 0, hk = 0;
	int c;

	if (rthc_cpuset_empty(judged))
		judged = &ctx->facts->topology.online; /* no RT vCPUs named: all of them count */
	rthc_cpuset_foreach(c, &iso->housekeeping)
		hk += delta(before, after, (unsigned)c);
	rthc_cpuset_foreach(c, judged) {
		uint64_t d = delta(before, after, (unsigned)c);
		char obj[32];

		if (!d)
			continue;
		total += d;
		if (rthc_cpuset_set(&hit, (unsigned)c) < 0) {
			r->oom = true;
			return;
		}
		snprintf(obj, sizeof(obj), "cpu %d", c);
		rthc_item(r, obj, "%" PRIu64 " ticks of steal time (%" PRIu64 " ms)", d,
			  d * 1000 / USER_HZ);
	}
	judged_s = rthc_cpuset_str(judged);
	rthc_expect_int(r, "steal_ms", 0);
	rthc_observe_double(r, "window_seconds", seconds);
	rthc_observe_cpus(r, "judged", judged);
	rthc_observe_int(r, "steal_ms", (int64_t)(total * 1000 / USER_HZ));
	rthc_observe_int(r, "housekeeping_steal_ms", (int64_t)(hk * 1000 / USER_HZ));
	rthc_evidence(r, PROC_STAT, "cpuN steal column read twice, %.1f s apart", seconds);
	if (!total) {
		rthc_pass(r, "no steal time on vCPUs %s during %.1f s", cpus_or_none(judged_s),
			  seconds);
		return;
	}
	hit_s = rthc_cpuset_str(&hit);
	rthc_fail(r, "the host preempted vCPUs %s: %" PRIu64 " ms of steal time in %.1f s",
		  cpus_or_none(hit_s), total * 1000 / USER_HZ, seconds);
	rthc_remedy(r, false, false, "host: pin each RT vCPU to its own isolated CPU with nothing "
		    "else on it (vm.vcpu_pinning, vm.emulator_threads, xcheck.vcpu_on_iso) and "
		    "give vCPU threads an RT policy (vm.vcpu_policy)");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void rthc_guest_steal(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct rthc_guest_stat a, b;
	struct rthc_guest_kvm_cpuid k;
	double secs = ctx->opts.sample, t0;
	struct timespec wait;
	int err;

	if (rthc_guest_kvm_cpuid(&k) && !(k.features & (1u << RTHC_KVM_FEATURE_STEAL_TIME))) {
		rthc_na(r, "KVM does not expose steal time to this guest (no "
			"KVM_FEATURE_STEAL_TIME): /proc/stat cannot show host preemption");
		return;
	}
	err = rthc_guest_stat_read(ctx, &a);
	if (err < 0) {
		if (err == -ENODATA)
			rthc_result_errorf(r, err, "cannot read " PROC_STAT ": no cpuN lines "
					   "with a steal column");
		else
			rthc_result_error(r, err, PROC_STAT);
		return;
	}
	t0 = now();
	wait.tv_sec = (time_t)secs;
	wait.tv_nsec = (long)((secs - (double)wait.tv_sec) * 1e9);
	while (nanosleep(&wait, &wait) < 0 && errno == EINTR)
		;
	err = rthc_guest_stat_read(ctx, &b);
	if (err < 0)
		rthc_result_error(r, err, PROC_STAT);
	else
		rthc_guest_steal_judge(ctx, r, &a, &b, now() - t0);
	rthc_guest_stat_done(&a);
	rthc_guest_stat_done(&b);
}
