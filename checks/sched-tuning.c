/*
 * Scheduler tuning (spec/checks.md §3): the 6.12 fair server, stalld, NUMA balancing, timer
 * migration and the throttling-vs-starvation cross-check (§12); the descriptors of the kthread
 * and RCU checks whose code is in sched-tuning-kthreads.c; task helpers shared with it (sys.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tasks.h"
#include "units.h"
#include "sys.h"
#include "util.h"

#define FS_DIR "/sys/kernel/debug/sched/fair_server"
#define RT_RUNTIME "/proc/sys/kernel/sched_rt_runtime_us"
#define NUMA_BALANCING "/proc/sys/kernel/numa_balancing"
#define TIMER_MIGRATION "/proc/sys/kernel/timer_migration"
#define STALLD "stalld.service"

enum { POLICY_FIFO = 1, POLICY_RR = 2 };

bool rthc_sys_is_rt_policy(unsigned policy)
{
	return policy == POLICY_FIFO || policy == POLICY_RR;
}

/* The ISO set is not empty; else not_applicable. */
bool rthc_sys_have_iso(struct rthc_ctx *ctx, struct rthc_result *r)
{
	if (!rthc_cpuset_empty(&ctx->facts->isolation.isolated))
		return true;
	rthc_na(r, "no isolated CPUs");
	return false;
}

/*
 * The process list; else a result: skipped (needs_live_host) for a tree without /proc/<pid>
 * (most snapshots), error when the running system's /proc cannot be listed.
 */
const struct rthc_tasks *rthc_sys_need_tasks(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_tasks *ts = rthc_facts_tasks(ctx->facts, ctx->host);

	if (!ts) {
		rthc_result_errorf(r, -ENOMEM, "out of memory reading the process list");
		return NULL;
	}
	if (ts->err == 0 && !ts->have_pids && !rthc_host_is_live(ctx->host)) {
		rthc_skip(r, "needs_live_host: the tree %s has no process list (/proc/<pid>)",
			  rthc_host_root(ctx->host));
		return NULL;
	}
	if (ts->err < 0 || !ts->have_pids) {
		rthc_result_errorf(r, ts->err < 0 ? ts->err : -ENOENT,
				   "no process list: /proc/<pid>/stat cannot be read under %s",
				   rthc_host_root(ctx->host));
		return NULL;
	}
	return ts;
}

/* The highest RT priority of user threads allowed on cpu (or on any ISO CPU when cpu < 0). */
unsigned rthc_sys_user_rt_prio(const struct rthc_tasks *ts, const struct rthc_cpuset *iso, int cpu)
{
	unsigned best = 0;

	for (size_t i = 0; ts && i < ts->n; i++) {
		const struct rthc_task *t = &ts->v[i];

		if (rthc_task_is_kthread(t) || !rthc_sys_is_rt_policy(t->policy) || !t->has_allowed)
			continue;
		if (cpu >= 0 ? !rthc_cpuset_test(&t->allowed, (unsigned)cpu)
			     : !rthc_cpuset_intersects(&t->allowed, iso))
			continue;
		if (t->rt_priority > best)
			best = t->rt_priority;
	}
	return best;
}

/* The vCPU priority to assume where no RT thread is visible (libvirt's example uses 1). */
unsigned rthc_sys_assumed_vcpu_prio(struct rthc_ctx *ctx, struct rthc_result *r)
{
	int err;
	long long v = rthc_ctx_var_int(ctx, "vcpu_prio", 1, &err);

	if (err < 0 || v < 1 || v > 99) {
		rthc_evidence(r, "--set vcpu_prio", "%s is not a priority 1-99; using 1",
			      rthc_ctx_var(ctx, "vcpu_prio"));
		v = 1;
	}
	return (unsigned)v;
}

/* ---- the fair server (6.12+) ---- */

static bool fair_server_kernel(const struct rthc_kernel_facts *k)
{
	return k->major > 6 || (k->major == 6 && k->minor >= 12);
}

struct fair {
	struct rthc_cpuset zero, active; /* ISO CPUs whose server runtime is 0 / > 0 */
	int64_t runtime, period; /* of the first active CPU, else of the first CPU */
	char path[128]; /* the file that failed */
};

static void fair_done(struct fair *fs)
{
	rthc_cpuset_done(&fs->zero);
	rthc_cpuset_done(&fs->active);
}

/*
 * The fair server of every ISO CPU: 1 read, 0 this kernel has none (older than 6.12 and no
 * backport: the directory is missing), or a negative errno with fs->path.
 */
static int fair_read(struct rthc_ctx *ctx, struct fair *fs)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	char **names = NULL;
	bool first = true;
	int c, err;

	rthc_cpuset_init(&fs->zero);
	rthc_cpuset_init(&fs->active);
	snprintf(fs->path, sizeof(fs->path), "%s", FS_DIR);
	err = rthc_host_list_dir(ctx->host, FS_DIR, &names, NULL);
	rthc_strv_free(names);
	if (err == -ENOENT && ctx->facts->kernel.major >= 0 &&
	    !fair_server_kernel(&ctx->facts->kernel))
		return 0;
	if (err < 0)
		return err;
	rthc_cpuset_foreach (c, &iso->isolated) {
		int64_t rt, per;

		snprintf(fs->path, sizeof(fs->path), "%s/cpu%d/runtime", FS_DIR, c);
		err = rthc_host_read_s64(ctx->host, fs->path, &rt);
		if (err == 0) {
			snprintf(fs->path, sizeof(fs->path), "%s/cpu%d/period", FS_DIR, c);
			err = rthc_host_read_s64(ctx->host, fs->path, &per);
		}
		if (err == 0 && (rt < 0 || per <= 0))
			err = -EINVAL;
		if (err == 0)
			err = rthc_cpuset_set(rt ? &fs->active : &fs->zero, (unsigned)c);
		if (err < 0)
			return err;
		if (first || (rt && rthc_cpuset_count(&fs->active) == 1)) {
			fs->runtime = rt;
			fs->period = per;
			first = false;
		}
	}
	return 1;
}

/* stalld running (live) or enabled (tree); evidence either way. */
static bool stalld_on(struct rthc_ctx *ctx, struct rthc_result *r)
{
	enum rthc_unit_file_state st = rthc_unit_file_state(ctx->host, STALLD);
	int active = rthc_unit_active(ctx->host, STALLD);

	rthc_evidence(r, "/etc/systemd/system", "stalld.service %s%s",
		      rthc_unit_file_state_to_string(st),
		      active == 1   ? ", active"
		      : active == 0 ? ", not active"
				    : "");
	rthc_observe_str(r, "stalld", active == 1 ? "active" : rthc_unit_file_state_to_string(st));
	return active == 1 || (active < 0 && st == RTHC_UNIT_ENABLED);
}

static void remedy_stalld(struct rthc_result *r)
{
	rthc_remedy(r, true, false, "systemctl enable --now stalld");
	rthc_remedy_action(r, RTHC_ACTION_SERVICE, STALLD, "enable");
}

/* CPUs of ISO with a user FIFO/RR thread pinned to exactly that CPU (busy-polling vCPUs). */
static int fifo_pinned(const struct rthc_tasks *ts, const struct rthc_cpuset *iso,
		       struct rthc_cpuset *out)
{
	for (size_t i = 0; ts && ts->have_pids && i < ts->n; i++) {
		const struct rthc_task *t = &ts->v[i];
		int c;

		if (rthc_task_is_kthread(t) || !rthc_sys_is_rt_policy(t->policy) ||
		    !t->has_allowed || rthc_cpuset_count(&t->allowed) != 1)
			continue;
		c = rthc_cpuset_first(&t->allowed);
		if (rthc_cpuset_test(iso, (unsigned)c) && rthc_cpuset_set(out, (unsigned)c) < 0)
			return -ENOMEM;
	}
	return 0;
}

static void fair_server(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_kernel_facts *k = &ctx->facts->kernel;
	struct rthc_cpuset busy = RTHC_CPUSET_INIT;
	struct fair fs = { .zero = RTHC_CPUSET_INIT, .active = RTHC_CPUSET_INIT };
	_cleanup_free_ char *act_s = NULL, *zero_s = NULL, *busy_s = NULL;
	int err;

	if (!rthc_sys_have_iso(ctx, r))
		return;
	err = fair_read(ctx, &fs);
	if (err == 0) {
		rthc_na(r,
			"kernel %s is older than 6.12 and has no %s: RT throttling applies instead "
			"(see sched.rt_runtime)",
			k->release ? k->release : "?", FS_DIR);
		goto out;
	}
	if (err < 0) {
		rthc_result_error(r, err, fs.path);
		goto out;
	}
	if (fifo_pinned(rthc_facts_tasks(ctx->facts, ctx->host), &ctx->facts->isolation.isolated,
			&busy) < 0) {
		rthc_result_errorf(r, -ENOMEM, "out of memory");
		goto out;
	}
	act_s = rthc_cpuset_str(&fs.active);
	zero_s = rthc_cpuset_str(&fs.zero);
	rthc_cpuset_and(&busy, &fs.active);
	busy_s = rthc_cpuset_str(&busy);
	rthc_evidence(r, FS_DIR,
		      "runtime %" PRId64 " ns per %" PRId64 " ns on CPUs %s; runtime 0 on CPUs %s",
		      fs.runtime, fs.period, cpus_or_none(act_s), cpus_or_none(zero_s));
	rthc_observe_cpus(r, "runtime_nonzero", &fs.active);
	rthc_observe_cpus(r, "runtime_zero", &fs.zero);
	rthc_observe_int(r, "runtime_ns", fs.runtime);
	rthc_observe_int(r, "period_ns", fs.period);
	rthc_expect_cpus(r, "runtime_nonzero", &(struct rthc_cpuset)RTHC_CPUSET_INIT);
	if (!rthc_cpuset_empty(&fs.active)) {
		rthc_remedy(r, true, false,
			    "echo 0 > %s/cpuN/runtime for the isolated CPUs that run busy-polling "
			    "FIFO threads (not persistent), and enable stalld",
			    FS_DIR);
		rthc_remedy_action(r, RTHC_ACTION_SYSFS, FS_DIR "/cpu<ISO>/runtime", "0");
		rthc_remedy_action(r, RTHC_ACTION_SERVICE, STALLD, "enable");
	}
	if (!rthc_cpuset_empty(&busy)) {
		rthc_items_cpus(r, &busy,
				"a pinned FIFO/RR thread is preempted whenever CFS work is queued "
				"here");
		rthc_fail(r,
			  "the fair server gives CFS tasks %" PRId64 " of every %" PRId64
			  " ns on CPUs %s, where "
			  "pinned FIFO threads run: they are preempted for up to %" PRId64 " ms",
			  fs.runtime, fs.period, cpus_or_none(busy_s), fs.runtime / 1000000);
	} else if (!rthc_cpuset_empty(&fs.active)) {
		rthc_warn(r,
			  "the fair server gives CFS tasks %" PRId64 " of every %" PRId64
			  " ns on isolated CPUs %s: a busy FIFO vCPU there is preempted whenever "
			  "CFS work is queued",
			  fs.runtime, fs.period, cpus_or_none(act_s));
	} else if (stalld_on(ctx, r)) {
		rthc_pass(r,
			  "the fair server is off on the isolated CPUs %s and stalld guards "
			  "starving threads",
			  cpus_or_none(zero_s));
	} else {
		rthc_warn(r,
			  "the fair server is off on CPUs %s and stalld is not running: CFS work "
			  "queued there starves (see xcheck.throttle_vs_starvation)",
			  cpus_or_none(zero_s));
		remedy_stalld(r);
	}
out:
	fair_done(&fs);
	rthc_cpuset_done(&busy);
}

/* CPUs where nothing bounds how long CFS work waits behind FIFO tasks; 0 or an error result. */
static int throttle_off(struct rthc_ctx *ctx, struct rthc_result *r, struct rthc_cpuset *out)
{
	struct fair fs;
	int64_t rt;
	int err = fair_read(ctx, &fs);

	if (err > 0) {
		_cleanup_free_ char *z = rthc_cpuset_str(&fs.zero);

		rthc_evidence(r, FS_DIR, "runtime 0 on CPUs %s", cpus_or_none(z));
		err = rthc_cpuset_copy(out, &fs.zero);
		fair_done(&fs);
		return err;
	}
	fair_done(&fs);
	if (err < 0) {
		rthc_result_error(r, err, fs.path);
		return err;
	}
	err = rthc_host_read_s64(ctx->host, RT_RUNTIME, &rt);
	if (err < 0) {
		rthc_result_error(r, err, RT_RUNTIME);
		return err;
	}
	rthc_evidence(r, RT_RUNTIME, "%" PRId64, rt);
	return rt == -1 ? rthc_cpuset_copy(out, &ctx->facts->isolation.isolated) : 0;
}

static void stalld(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct rthc_cpuset off = RTHC_CPUSET_INIT;
	_cleanup_free_ char *conf = NULL, *off_s = NULL;
	bool on;

	if (!rthc_sys_have_iso(ctx, r) || throttle_off(ctx, r, &off) < 0)
		goto out;
	if (rthc_host_read_str(ctx->host, "/etc/sysconfig/stalld", &conf) == 0)
		rthc_evidence(r, "/etc/sysconfig/stalld", "present");
	on = stalld_on(ctx, r);
	off_s = rthc_cpuset_str(&off);
	rthc_observe_cpus(r, "unthrottled", &off);
	if (rthc_cpuset_empty(&off)) {
		rthc_info(r,
			  "RT throttling (or the fair server) still protects CFS work; stalld is "
			  "%s and optional",
			  on ? "on" : "off");
	} else if (on) {
		rthc_pass(r,
			  "stalld guards the CPUs %s where nothing else protects starving threads",
			  cpus_or_none(off_s));
	} else {
		rthc_warn(r,
			  "throttling is off on CPUs %s and stalld is not running: starved "
			  "kworkers and ksoftirqd there can hang the host",
			  cpus_or_none(off_s));
		remedy_stalld(r);
	}
out:
	rthc_cpuset_done(&off);
}

static void throttle_vs_starvation(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct rthc_cpuset off = RTHC_CPUSET_INIT;
	_cleanup_free_ char *off_s = NULL;

	if (!rthc_sys_have_iso(ctx, r) || throttle_off(ctx, r, &off) < 0)
		goto out;
	off_s = rthc_cpuset_str(&off);
	rthc_observe_cpus(r, "unthrottled", &off);
	if (rthc_cpuset_empty(&off)) {
		rthc_pass(r, "CFS work on the isolated CPUs keeps a bounded share (RT throttling "
			     "or the fair server)");
	} else if (stalld_on(ctx, r)) {
		rthc_pass(r,
			  "nothing bounds FIFO tasks on CPUs %s, and stalld boosts threads that "
			  "starve there",
			  cpus_or_none(off_s));
	} else {
		rthc_items_cpus(r, &off,
				"per-CPU kworkers/ksoftirqd can starve behind a spinning FIFO "
				"thread");
		rthc_warn(r,
			  "nothing bounds FIFO tasks on CPUs %s and stalld is off: per-CPU CFS "
			  "work (kworkers, ksoftirqd) queued there starves and can hang the host",
			  cpus_or_none(off_s));
		remedy_stalld(r);
	}
out:
	rthc_cpuset_done(&off);
}

/* ---- sysctls ---- */

static void numa_balancing(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = ctx->facts->kernel.cmdline;
	int64_t v;
	int err;

	if (cl && rthc_cmdline_has(cl, "numa_balancing"))
		rthc_evidence_param(r, cl, "numa_balancing");
	rthc_expect_int(r, "value", 0);
	err = rthc_host_read_s64(ctx->host, NUMA_BALANCING, &v);
	if (err == -ENOENT && rthc_host_is_dir(ctx->host, "/proc/sys/kernel") > 0) {
		rthc_observe_null(r, "value");
		rthc_pass(r, "%s is absent: the kernel has no automatic NUMA balancing",
			  NUMA_BALANCING);
		return;
	}
	if (err < 0) {
		rthc_result_error(r, err, NUMA_BALANCING);
		return;
	}
	rthc_evidence(r, NUMA_BALANCING, "%" PRId64, v);
	rthc_observe_int(r, "value", v);
	if (v == 0) {
		rthc_pass(r, "automatic NUMA balancing is off");
		return;
	}
	rthc_warn(r,
		  "automatic NUMA balancing is on (%" PRId64
		  "): NUMA hinting faults and task_work hit RT tasks",
		  v);
	rthc_remedy(r, true, false,
		    "sysctl kernel.numa_balancing=0 (persist in /etc/sysctl.d; or boot with "
		    "numa_balancing=disable)");
	rthc_remedy_action(r, RTHC_ACTION_SYSCTL, "kernel.numa_balancing", "0");
}

static void timer_migration(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const char *want = rthc_ctx_var(ctx, "timer_migration");
	int64_t v;
	int err;

	err = rthc_host_read_s64(ctx->host, TIMER_MIGRATION, &v);
	if (err == 0 && v != 0 && v != 1)
		err = -EINVAL;
	if (err < 0) {
		rthc_result_error(r, err, TIMER_MIGRATION);
		return;
	}
	rthc_evidence(r, TIMER_MIGRATION, "%" PRId64, v);
	rthc_observe_int(r, "value", v);
	if (want && (streq(want, "0") || streq(want, "1"))) {
		rthc_expect_int(r, "value", want[0] - '0');
		if (v == want[0] - '0') {
			rthc_pass(r, "timer_migration is %" PRId64 " as the profile asks", v);
			return;
		}
		rthc_warn(r, "timer_migration is %" PRId64 ", the profile asks for %s", v, want);
		rthc_remedy(r, true, false, "sysctl kernel.timer_migration=%s", want);
		rthc_remedy_action(r, RTHC_ACTION_SYSCTL, "kernel.timer_migration", want);
		return;
	}
	rthc_info(r,
		  "timer_migration is %" PRId64
		  ": vendors disagree — RHEL's realtime profiles set 0 (timers stay on the CPU "
		  "that armed them, for static partitioning) [T-NL], OpenShift keeps 1 (needed for "
		  "dynamic pinning) [NTO]; set --set timer_migration=N to judge",
		  v);
}

const struct rthc_check rthc_checks_sched_tuning[] = {
	{
		.id = "cmdline.rcu_kthread_prio",
		.title = "RCU kthreads run above the RT priorities",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/sys/module/rcutree/parameters/kthread_prio; FIFO/RR user threads "
			 "allowed on isolated CPUs from /proc/<pid>/{stat,status} (else --set "
			 "vcpu_prio, default 1)",
		.why = "RCU boost and rcuc kthreads at a FIFO priority below a spinning vCPU or RT "
		       "task starve, and RCU stalls follow.",
		.pass = "kthread_prio > the highest RT priority on the isolated CPUs (OpenShift "
			"uses 11)",
		.remedy = "BOOT rcutree.kthread_prio=N; RT chrt -f -p on rcuc/N, rcub/N",
		.sources = "[NTO] [T-RVH]",
		.run = rthc_sys_rcu_kthread_prio,
	},
	{
		.id = "cmdline.rcu_normal",
		.title = "RCU avoids expedited grace periods",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/sys/module/rcupdate/parameters/{rcu_normal,rcu_expedited,"
			 "rcu_normal_after_boot}",
		.why = "Expedited grace periods send IPIs to every CPU, isolated ones included.",
		.pass = "rcu_normal 1 (set at the end of boot by rcu_normal_after_boot=1, the RT "
			"default) and rcu_expedited 0",
		.remedy = "BOOT rcupdate.rcu_normal_after_boot=1",
		.sources = "[T-NL]",
		.run = rthc_sys_rcu_normal,
	},
	{
		.id = "cmdline.rcu_patience",
		.title = "RCU patience before forcing the tick on nohz_full CPUs",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/sys/module/rcutree/parameters/nohz_full_patience_delay (6.10+)",
		.why = "How long (ms) RCU lets a nohz_full CPU stay in the kernel before it forces "
		       "the tick back on.",
		.pass = "≥ 1000; other values are info; not_applicable before 6.10 or without "
			"nohz_full CPUs",
		.remedy = "BOOT rcutree.nohz_full_patience_delay=1000",
		.sources = "[T-NL]",
		.run = rthc_sys_rcu_patience,
	},
	{
		.id = "sched.fair_server",
		.title = "The fair server does not preempt RT threads on isolated CPUs",
		.category = RTHC_CAT_SCHED,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/sys/kernel/debug/sched/fair_server/cpu<N>/{runtime,period} for N in ISO "
			 "(6.12+, debugfs, root); FIFO/RR threads pinned to one isolated CPU; "
			 "stalld.service state",
		.why = "Since 6.12 the deadline fair server gives runnable CFS tasks "
		       "runtime/period (default 50 ms / 1 s) even on a CPU hogged by a FIFO vCPU; "
		       "sched_rt_runtime_us is only admission control now.",
		.pass = "runtime 0 on the isolated CPUs and stalld running; fail where a pinned "
			"FIFO thread shares a CPU with a running fair server, warn otherwise; "
			"not_applicable before 6.12 unless the kernel has the interface "
			"(backports: the kernel wins)",
		.remedy = "RT echo 0 > /sys/kernel/debug/sched/fair_server/cpuN/runtime (not "
			  "persistent; the kernel logs \"Fair server disabled\"), plus stalld",
		.sources = "[FAIR]",
		.run = fair_server,
	},
	{
		.id = "sched.stalld",
		.title = "stalld guards CPUs without RT throttling",
		.category = RTHC_CAT_SCHED,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "stalld.service (systemctl is-active equivalent on a live host, unit "
			 "files in a tree); /etc/sysconfig/stalld; sched_rt_runtime_us; "
			 "fair_server runtime",
		.why = "With throttling off, stalld boosts threads that starve behind FIFO tasks; "
		       "OpenShift enables it with the RT hint.",
		.pass = "stalld active (enabled, in a tree) where sched_rt_runtime_us is -1 "
			"(before 6.12) or the fair server is off on isolated CPUs; info otherwise; "
			"not_applicable without isolated CPUs",
		.remedy = "CFG systemctl enable --now stalld",
		.sources = "[NTO]",
		.run = stalld,
	},
	{
		.id = "sched.percpu_kthread_prio",
		.title = "Per-CPU kthreads on isolated CPUs run above the RT threads",
		.category = RTHC_CAT_SCHED,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/proc/<pid>/stat fields 40 (rt_priority) and 41 (policy) of ksoftirqd/N, "
			 "ktimers/N (ktimersoftd/N), rcuc/N, rcub/N; the RT user threads allowed "
			 "on each CPU (else --set vcpu_prio, default 1)",
		.why = "Per-CPU kthreads below the vCPU or RT priority starve: timers, softirqs "
		       "and RCU stop on that CPU.",
		.pass = "each is SCHED_FIFO/RR with a priority above the highest RT thread on its "
			"CPU",
		.remedy = "RT sched_setscheduler (chrt); CFG tuned [scheduler] group.* (ksoftirqd "
			  "2, ktimers 2, rcuc/rcub 4)",
		.sources = "[T-RVH] [T-RVG] [NTO]",
		.run = rthc_sys_percpu_kthread_prio,
	},
	{
		.id = "sched.numa_balancing",
		.title = "Automatic NUMA balancing is off",
		.category = RTHC_CAT_SCHED,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/proc/sys/kernel/numa_balancing (absent on some RT builds); "
			 "/proc/cmdline numa_balancing=",
		.why = "NUMA hinting faults and task_work run in the context of RT tasks.",
		.pass = "0, or the sysctl is absent (kernel without NUMA balancing)",
		.remedy = "RT/CFG sysctl kernel.numa_balancing=0",
		.sources = "[T-NL] [NTO]",
		.run = numa_balancing,
	},
	{
		.id = "sched.timer_migration",
		.title = "Timer migration setting",
		.category = RTHC_CAT_SCHED,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/proc/sys/kernel/timer_migration",
		.why = "0 keeps timers on the CPU that armed them (static partitioning, RHEL); 1 "
		       "lets them move to busy CPUs (OpenShift, for dynamic pinning).",
		.pass = "info: vendors disagree; with --set timer_migration=N it must equal N",
		.remedy = "RT/CFG sysctl kernel.timer_migration",
		.sources = "[T-NL] [NTO] [UBU]",
		.run = timer_migration,
	},
	{
		.id = "rcu.offload_threads",
		.title = "RCU offload kthreads stay on housekeeping CPUs",
		.category = RTHC_CAT_RCU,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/proc/<pid>/status Cpus_allowed_list of rcuop/N, rcuos/N, rcuog/N, "
			 "rcu_preempt, rcu_sched",
		.why = "Offloaded callbacks run in these kthreads; on an isolated CPU they bring "
		       "back the jitter offloading removed.",
		.pass = "every such kthread is allowed only on housekeeping CPUs",
		.remedy = "RT sched_setaffinity (tuna -t 'rcu*' -c <HK> -m)",
		.sources = "[RH7] [KTH] [UBU]",
		.run = rthc_sys_rcu_offload_threads,
	},
	{
		.id = "xcheck.throttle_vs_starvation",
		.title = "CPUs without RT throttling are guarded against starvation",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "fair_server runtime of the isolated CPUs (6.12+) or sched_rt_runtime_us; "
			 "stalld.service",
		.why = "With rt_runtime -1 (or fair server runtime 0), per-CPU kworkers and "
		       "ksoftirqd queued behind a spinning FIFO thread starve, which can hang the "
		       "host.",
		.pass = "throttling (or the fair server) still bounds FIFO tasks, or stalld is "
			"running",
		.remedy = "CFG enable stalld",
		.sources = "[FAIR] [NTO]",
		.run = throttle_vs_starvation,
	},
	{ 0 },
};
