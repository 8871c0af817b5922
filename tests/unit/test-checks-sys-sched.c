/*
 * Unit tests of checks/sched-tuning.c: the fair server, stalld, kthread priorities and placement,
 * NUMA balancing, timer migration, RCU parameters and the throttling cross-check.
 */
#include <string.h>
#include <errno.h>
#include <stdlib.h>

#include "host.h"
#include "sys-helpers.h"

#define ISO23 "/sys/devices/system/cpu/isolated", "2-3"
#define FS "/sys/kernel/debug/sched/fair_server/"

static void fair_server(void **state)
{
	static const char *const garbage[] = {
		ISO23,	      FS "cpu2/runtime",
		"50000000",   FS "cpu2/period",
		"0",	      FS "cpu3/runtime",
		"0",	      FS "cpu3/period",
		"1000000000", NULL,
	};
	static const char *const active[] = {
		ISO23,	      FS "cpu2/runtime",
		"50000000",   FS "cpu2/period",
		"1000000000", FS "cpu3/runtime",
		"50000000",   FS "cpu3/period",
		"1000000000", NULL,
	};
	static const char *const backport[] = {
		ISO23,	      FS "cpu2/runtime",
		"0",	      FS "cpu2/period",
		"1000000000", FS "cpu3/runtime",
		"0",	      FS "cpu3/period",
		"1000000000", NULL,
	};
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "sched.fair_server");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "runtime_zero", "2-3");
	sys_obs_str(r, "runtime_nonzero", "");
	sys_obs_str(r, "stalld", "enabled");
	sys_done(&c);

	/* a pinned FIFO vCPU on CPU 2, whose fair server still runs */
	r = sys_on_fixture(&c, "sys-fairserver", NULL, "sched.fair_server");
	assert_status(r, RTHC_STATUS_FAIL);
	sys_obs_str(r, "runtime_nonzero", "2");
	sys_obs_str(r, "runtime_zero", "3");
	sys_obs_int(r, "runtime_ns", 50000000);
	sys_obs_int(r, "period_ns", 1000000000);
	sys_item(r, "cpu 2", "preempted");
	sys_nitems(r, 1);
	sys_action(r, RTHC_ACTION_SERVICE, "stalld.service", "enable");
	sys_done(&c);

	/* no process list: the default server on the isolated CPUs warns */
	r = sys_on_tree(&c, "6.12.0", "ro isolcpus=2-3", active, "sched.fair_server");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_str(r, "runtime_nonzero", "2-3");
	sys_done(&c);

	/* an older release with the interface (backport): the kernel wins; off and no stalld */
	r = sys_on_tree(&c, "5.14.0-503.el9.x86_64", "ro isolcpus=2-3", backport,
			"sched.fair_server");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_str(r, "stalld", "absent");
	sys_reason(r, "stalld is not running");
	sys_done(&c);

	/* before 6.12 without the interface */
	r = sys_on_fixture(&c, "sys-bad", NULL, "sched.fair_server");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_reason(r, "older than 6.12");
	sys_done(&c);

	/* 6.12 without debugfs: could not evaluate */
	r = sys_on_tree(&c, "6.12.0", "ro isolcpus=2-3", (const char *const[]){ ISO23, NULL },
			"sched.fair_server");
	sys_error(r, -ENOENT, "/sys/kernel/debug/sched/fair_server");
	sys_done(&c);

	r = sys_on_tree(&c, "6.12.0", "ro isolcpus=2-3", garbage, "sched.fair_server");
	sys_error(r, -EINVAL, FS "cpu2/period");
	sys_done(&c);

	r = sys_on_tree(&c, "6.12.0", "ro", NULL, "sched.fair_server");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_done(&c);
}

static void stalld(void **state)
{
	static const char *const rt[] = { ISO23, "/proc/sys/kernel/sched_rt_runtime_us", "-1",
					  NULL };
	static const char *const garbage[] = { ISO23, "/proc/sys/kernel/sched_rt_runtime_us", "-1x",
					       NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "sched.stalld");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "unthrottled", "2-3");
	sys_obs_str(r, "stalld", "enabled");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-fairserver", NULL, "sched.stalld");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_str(r, "unthrottled", "3");
	sys_obs_str(r, "stalld", "installed");
	sys_done(&c);
	/* before 6.12: rt_runtime -1 takes the protection away from every isolated CPU */
	r = sys_on_tree(&c, "6.1.0", "ro isolcpus=2-3", rt, "sched.stalld");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_str(r, "unthrottled", "2-3");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "sched.stalld");
	assert_status(r, RTHC_STATUS_INFO);
	sys_obs_str(r, "unthrottled", "");
	sys_done(&c);
	r = sys_on_tree(&c, "6.18.0", "ro", NULL, "sched.stalld");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro isolcpus=2-3", garbage, "sched.stalld");
	sys_error(r, -EINVAL, "/proc/sys/kernel/sched_rt_runtime_us");
	sys_done(&c);
}

static void throttle_vs_starvation(void **state)
{
	static const char *const rt[] = { ISO23, "/proc/sys/kernel/sched_rt_runtime_us", "-1",
					  NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "xcheck.throttle_vs_starvation");
	assert_status(r, RTHC_STATUS_PASS);
	sys_reason(r, "stalld");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "xcheck.throttle_vs_starvation");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "unthrottled", "");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-fairserver", NULL, "xcheck.throttle_vs_starvation");
	assert_status(r, RTHC_STATUS_WARN);
	sys_item(r, "cpu 3", "starve");
	sys_nitems(r, 1);
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro isolcpus=2-3", rt, "xcheck.throttle_vs_starvation");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_str(r, "unthrottled", "2-3");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro isolcpus=2-3", (const char *const[]){ ISO23, NULL },
			"xcheck.throttle_vs_starvation");
	sys_error(r, -ENOENT, "/proc/sys/kernel/sched_rt_runtime_us");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", NULL, "xcheck.throttle_vs_starvation");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_done(&c);
}

static void percpu_kthread_prio(void **state)
{
	static const char *const prio3[] = { "vcpu_prio=3", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "sched.percpu_kthread_prio");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_int(r, "kthreads",
		    6); /* ksoftirqd, ktimers, rcuc of CPUs 2-3; rcub/0 stays on 0-1 */
	sys_obs_int(r, "below_rt_prio", 0);
	sys_done(&c);
	/* with no RT thread visible on a CPU, the assumed vCPU priority counts */
	c.root = sys_tree("6.1.0", "ro isolcpus=2-3", (const char *const[]){ ISO23, NULL });
	sys_task(c.root, 9, "ksoftirqd/2", true, "2", 1, 2);
	c.ctx = ctx_new(c.root, prio3, false);
	r = run_check(c.ctx, "sched.percpu_kthread_prio");
	assert_status(r, RTHC_STATUS_WARN);
	sys_item(r, "pid 9 ksoftirqd/2", "SCHED_FIFO prio 2, must be FIFO above 3");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-fairserver", NULL, "sched.percpu_kthread_prio");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_int(r, "below_rt_prio", 5);
	sys_item(r, "pid 10 ksoftirqd/2", "SCHED_OTHER");
	sys_item(r, "pid 11 ksoftirqd/3", "above 3"); /* rt-app runs RR 3 on CPU 3 */
	sys_item(r, "pid 15 ktimers/3", "SCHED_RR prio 2");
	sys_done(&c);
	/* a tree without /proc/<pid> cannot be judged: it needs the live host */
	r = sys_on_tree(&c, "6.1.0", "ro isolcpus=2-3", (const char *const[]){ ISO23, NULL },
			"sched.percpu_kthread_prio");
	assert_status(r, RTHC_STATUS_SKIPPED);
	assert_non_null(strstr(r->reason, "needs_live_host"));
	assert_non_null(strstr(r->reason, "/proc/<pid>"));
	sys_done(&c);
	/* a process list without any per-CPU kthread of the isolated CPUs */
	c.root = sys_tree("6.1.0", "ro isolcpus=2-3", (const char *const[]){ ISO23, NULL });
	sys_task(c.root, 7, "kworker/2:1", true, "2", 0, 0);
	sys_task(c.root, 8, "ksoftirqd/0", true, "0", 0, 0);
	c.ctx = ctx_new(c.root, NULL, false);
	r = run_check(c.ctx, "sched.percpu_kthread_prio");
	sys_error(r, -ENODATA, "ksoftirqd/N");
	sys_done(&c);
}

static void rcu_kthread_prio(void **state)
{
	static const char *const low[] = { ISO23, "/sys/module/rcutree/parameters/kthread_prio",
					   "1", NULL };
	static const char *const garbage[] = { ISO23, "/sys/module/rcutree/parameters/kthread_prio",
					       "high", NULL };
	static const char *const prio20[] = { "vcpu_prio=20", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "cmdline.rcu_kthread_prio");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_int(r, "kthread_prio", 11);
	sys_obs_int(r, "highest_rt_prio", 1);
	sys_obs_str(r, "rt_prio_source", "threads on the isolated CPUs");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "cmdline.rcu_kthread_prio");
	assert_status(r, RTHC_STATUS_WARN);
	sys_action(r, RTHC_ACTION_KERNEL_ARG, "rcutree.kthread_prio", "11");
	sys_done(&c);
	/* no process list: the assumed vCPU priority (default 1) */
	r = sys_on_tree(&c, "6.1.0", "ro isolcpus=2-3", low, "cmdline.rcu_kthread_prio");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_str(r, "rt_prio_source", "assumed (--set vcpu_prio)");
	sys_obs_int(r, "highest_rt_prio", 1);
	sys_done(&c);
	/* --set vcpu_prio stands in for the RT priority when no thread is visible */
	c.root = sys_tree("6.1.0", "ro isolcpus=2-3",
			  (const char *const[]){ ISO23,
						 "/sys/module/rcutree/parameters/kthread_prio",
						 "11", NULL });
	c.ctx = ctx_new(c.root, prio20, false);
	r = run_check(c.ctx, "cmdline.rcu_kthread_prio");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_int(r, "highest_rt_prio", 20);
	sys_action(r, RTHC_ACTION_KERNEL_ARG, "rcutree.kthread_prio", "21");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro isolcpus=2-3", garbage, "cmdline.rcu_kthread_prio");
	sys_error(r, -EINVAL, "/sys/module/rcutree/parameters/kthread_prio");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro isolcpus=2-3", (const char *const[]){ ISO23, NULL },
			"cmdline.rcu_kthread_prio");
	sys_error(r, -ENOENT, "/sys/module/rcutree/parameters/kthread_prio");
	sys_done(&c);
}

static void rcu_normal(void **state)
{
	static const char *const rt[] = {
		"/sys/module/rcupdate/parameters/rcu_normal",
		"1",
		"/sys/module/rcupdate/parameters/rcu_expedited",
		"0",
		NULL,
	};
	static const char *const garbage[] = {
		"/sys/module/rcupdate/parameters/rcu_normal",
		"maybe",
		"/sys/module/rcupdate/parameters/rcu_expedited",
		"0",
		NULL,
	};
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "cmdline.rcu_normal");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_int(r, "rcu_normal_after_boot", 1);
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "cmdline.rcu_normal");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_int(r, "rcu_normal", 0);
	sys_obs_int(r, "rcu_expedited", 1);
	sys_action(r, RTHC_ACTION_KERNEL_ARG, "rcupdate.rcu_normal_after_boot", "1");
	sys_done(&c);
	/* RT kernels without NO_HZ_FULL have no rcu_normal_after_boot parameter */
	r = sys_on_tree(&c, "6.1.0", "ro", rt, "cmdline.rcu_normal");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_int(r, "rcu_normal_after_boot", -1);
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", garbage, "cmdline.rcu_normal");
	sys_error(r, -EINVAL, "/sys/module/rcupdate/parameters/rcu_normal");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", NULL, "cmdline.rcu_normal");
	sys_error(r, -ENOENT, "/sys/module/rcupdate/parameters/rcu_normal");
	sys_done(&c);
}

static void rcu_patience(void **state)
{
	static const char *const dflt[] = {
		"/sys/devices/system/cpu/nohz_full",
		"2-3",
		"/sys/module/rcutree/parameters/nohz_full_patience_delay",
		"0",
		NULL,
	};
	static const char *const nohz[] = { "/sys/devices/system/cpu/nohz_full", "2-3", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "cmdline.rcu_patience");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_int(r, "ms", 1000);
	sys_done(&c);
	r = sys_on_tree(&c, "6.10.0", "ro", dflt, "cmdline.rcu_patience");
	assert_status(r, RTHC_STATUS_INFO);
	sys_obs_int(r, "ms", 0);
	sys_action(r, RTHC_ACTION_KERNEL_ARG, "rcutree.nohz_full_patience_delay", "1000");
	sys_done(&c);
	r = sys_on_tree(&c, "6.9.0", "ro", nohz, "cmdline.rcu_patience");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_reason(r, "older than 6.10");
	sys_done(&c);
	r = sys_on_tree(&c, "6.11.0", "ro", nohz, "cmdline.rcu_patience");
	sys_error(r, -ENOENT, "/sys/module/rcutree/parameters/nohz_full_patience_delay");
	sys_done(&c);
	r = sys_on_tree(&c, "6.11.0", "ro", NULL, "cmdline.rcu_patience");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_reason(r, "no nohz_full CPUs");
	sys_done(&c);
}

static void rcu_offload_threads(void **state)
{
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "rcu.offload_threads");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_int(r, "threads", 4);
	sys_obs_int(r, "on_isolated", 0);
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "rcu.offload_threads");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_int(r, "on_isolated", 3); /* ISO is 1-3 there (nohz_full=1-3, no sysfs file) */
	sys_item(r, "pid 13 rcuop/2", "0-3");
	sys_item(r, "pid 14 rcuog/0", "0-1");
	sys_item(r, "pid 12 rcu_preempt", NULL);
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-fairserver", NULL, "rcu.offload_threads");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro isolcpus=2-3", (const char *const[]){ ISO23, NULL },
			"rcu.offload_threads");
	assert_status(r, RTHC_STATUS_SKIPPED);
	assert_non_null(strstr(r->reason, "needs_live_host"));
	sys_done(&c);
}

static void numa_balancing(void **state)
{
	static const char *const garbage[] = { "/proc/sys/kernel/numa_balancing", "on", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "sched.numa_balancing");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_int(r, "value", 0);
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "sched.numa_balancing");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_int(r, "value", 1);
	sys_action(r, RTHC_ACTION_SYSCTL, "kernel.numa_balancing", "0");
	sys_done(&c);
	/* absent next to other sysctls: a kernel without NUMA balancing (the catalog's pass) */
	r = sys_on_fixture(&c, "sys-fairserver", NULL, "sched.numa_balancing");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_null(r, "value");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", garbage, "sched.numa_balancing");
	sys_error(r, -EINVAL, "/proc/sys/kernel/numa_balancing");
	sys_done(&c);
	/* no /proc/sys/kernel at all: the tree lacks the sysctls, not the kernel the feature */
	c.root = tmpdir_new();
	write_file(c.root, "/proc/cmdline", "ro\n");
	c.ctx = ctx_new(c.root, NULL, false);
	r = run_check(c.ctx, "sched.numa_balancing");
	sys_error(r, -ENOENT, "/proc/sys/kernel/numa_balancing");
	sys_done(&c);
}

static void timer_migration(void **state)
{
	static const char *const want0[] = { "timer_migration=0", NULL };
	static const char *const garbage[] = { "/proc/sys/kernel/timer_migration", "2", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "sched.timer_migration");
	assert_status(r, RTHC_STATUS_INFO); /* vendors disagree: never fail */
	sys_obs_int(r, "value", 0);
	sys_reason(r, "[T-NL]");
	sys_reason(r, "[NTO]");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-good", want0, "sched.timer_migration");
	assert_status(r, RTHC_STATUS_PASS);
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", want0, "sched.timer_migration");
	assert_status(r, RTHC_STATUS_WARN);
	sys_exp_int(r, "value", 0);
	sys_action(r, RTHC_ACTION_SYSCTL, "kernel.timer_migration", "0");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", garbage, "sched.timer_migration");
	sys_error(r, -EINVAL, "/proc/sys/kernel/timer_migration");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", NULL, "sched.timer_migration");
	sys_error(r, -ENOENT, "/proc/sys/kernel/timer_migration");
	sys_done(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fair_server),
		cmocka_unit_test(stalld),
		cmocka_unit_test(throttle_vs_starvation),
		cmocka_unit_test(percpu_kthread_prio),
		cmocka_unit_test(rcu_kthread_prio),
		cmocka_unit_test(rcu_normal),
		cmocka_unit_test(rcu_patience),
		cmocka_unit_test(rcu_offload_threads),
		cmocka_unit_test(numa_balancing),
		cmocka_unit_test(timer_migration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
