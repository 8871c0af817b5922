/*
 * Unit tests of checks/cmdline-tuning.c: boot parameter tuning and the lockup watchdogs. Each
 * check: pass, fail/warn, and missing or garbage input.
 */
#include <errno.h>
#include <stdlib.h>

#include "host.h"
#include "sys-helpers.h"

#define WD_FILES(wd, soft, nmi, mask)                                            \
	"/proc/sys/kernel/watchdog", wd, "/proc/sys/kernel/soft_watchdog", soft, \
		"/proc/sys/kernel/nmi_watchdog", nmi, "/proc/sys/kernel/watchdog_cpumask", mask
#define ISO23 "/sys/devices/system/cpu/isolated", "2-3"

/* A case that only needs /proc/cmdline. */
static const struct rthc_result *on_cmdline(struct sys_case *c, const char *cmdline, const char *id)
{
	return sys_on_tree(c, "6.8.0", cmdline, NULL, id);
}

static void nohz(void **state)
{
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "cmdline.nohz");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_null(r, "nohz");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "cmdline.nohz");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_str(r, "nohz", "off");
	sys_action(r, RTHC_ACTION_KERNEL_ARG, "nohz", "on");
	sys_done(&c);
	r = on_cmdline(&c, "ro nohz=maybe", "cmdline.nohz");
	assert_status(r, RTHC_STATUS_WARN);
	sys_reason(r, "not a boolean");
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", NULL, NULL, "cmdline.nohz");
	sys_error(r, -ENOENT, "/proc/cmdline");
	sys_done(&c);
}

static void rcu_nocb_poll(void **state)
{
	static const char *const want[] = { "rcu_nocb_poll=1", NULL };
	static const char *const no[] = { "rcu_nocb_poll=0", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "cmdline.rcu_nocb_poll");
	assert_status(r, RTHC_STATUS_INFO); /* vendors disagree: info by default */
	sys_obs_bool(r, "rcu_nocb_poll", true);
	sys_reason(r, "[RH7]");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-good", want, "cmdline.rcu_nocb_poll");
	assert_status(r, RTHC_STATUS_PASS);
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-good", no, "cmdline.rcu_nocb_poll");
	assert_status(r, RTHC_STATUS_WARN);
	sys_done(&c);
	/* any form turns polling on */
	r = on_cmdline(&c, "ro rcu_nocbs=1-3 rcu_nocb_poll=0", "cmdline.rcu_nocb_poll");
	assert_status(r, RTHC_STATUS_INFO);
	sys_obs_bool(r, "rcu_nocb_poll", true);
	sys_done(&c);
	r = on_cmdline(&c, "ro", "cmdline.rcu_nocb_poll");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", NULL, NULL, "cmdline.rcu_nocb_poll");
	sys_error(r, -ENOENT, "/proc/cmdline");
	sys_done(&c);
}

static void kthread_cpus(void **state)
{
	static const char *const iso[] = { ISO23, NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "cmdline.kthread_cpus");
	assert_status(r, RTHC_STATUS_PASS);
	sys_done(&c);
	/* kthreadd is allowed on 0-3: mainline ignores the parameter (the kernel wins) */
	r = sys_on_fixture(&c, "sys-bad", NULL, "cmdline.kthread_cpus");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_str(r, "cpus", "0-1");
	sys_obs_str(r, "kthreadd_allowed", "0-3");
	sys_reason(r, "mainline ignores it");
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", "ro isolcpus=2-3 kthread_cpus=0-1", iso,
			"cmdline.kthread_cpus");
	assert_status(r, RTHC_STATUS_INFO);
	sys_reason(r, "do not rely on it");
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", "ro isolcpus=2-3 kthread_cpus=0", iso, "cmdline.kthread_cpus");
	assert_status(r, RTHC_STATUS_WARN);
	sys_reason(r, "not the housekeeping set");
	sys_done(&c);
	r = on_cmdline(&c, "ro kthread_cpus=0-x", "cmdline.kthread_cpus");
	assert_status(r, RTHC_STATUS_WARN);
	sys_reason(r, "malformed");
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", NULL, NULL, "cmdline.kthread_cpus");
	sys_error(r, -ENOENT, "/proc/cmdline");
	sys_done(&c);
}

static void skew_tick(void **state)
{
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "cmdline.skew_tick");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "skew_tick", "1");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "cmdline.skew_tick");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_str(r, "skew_tick", "0");
	sys_action(r, RTHC_ACTION_KERNEL_ARG, "skew_tick", "1");
	sys_done(&c);
	r = on_cmdline(&c, "ro skew_tick=yes", "cmdline.skew_tick");
	assert_status(r, RTHC_STATUS_WARN);
	sys_reason(r, "not a number");
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", NULL, NULL, "cmdline.skew_tick");
	sys_error(r, -ENOENT, "/proc/cmdline");
	sys_done(&c);
}

static void softlockup(void **state)
{
	static const char *const masked[] = { ISO23, WD_FILES("1", "1", "1", "0-1"), NULL };
	static const char *const garbage[] = { ISO23, WD_FILES("1", "1", "1", "0-x"), NULL };
	static const char *const missing[] = { ISO23, "/proc/sys/kernel/hostname", "h", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "cmdline.softlockup");
	assert_status(r, RTHC_STATUS_PASS);
	sys_reason(r, "nosoftlockup");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "cmdline.softlockup");
	assert_status(r, RTHC_STATUS_WARN);
	/* ISO is 1-3 there: nohz_full=1-3 counts while the kernel has no nohz_full file */
	sys_item(r, "cpu 2", "hrtimer");
	sys_nitems(r, 3);
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", "ro isolcpus=2-3", masked, "cmdline.softlockup");
	assert_status(r, RTHC_STATUS_PASS);
	sys_reason(r, "watchdog_cpumask excludes");
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", "ro isolcpus=2-3", garbage, "cmdline.softlockup");
	sys_error(r, -EINVAL, "/proc/sys/kernel/watchdog_cpumask");
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", "ro isolcpus=2-3", missing, "cmdline.softlockup");
	sys_error(r, -ENOENT, "/proc/sys/kernel/watchdog");
	sys_done(&c);
	r = on_cmdline(&c, "ro", "cmdline.softlockup");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_done(&c);
}

static void cmdline_nmi_watchdog(void **state)
{
	static const char *const on[] = { "/proc/sys/kernel/nmi_watchdog", "1", NULL };
	static const char *const off[] = { "/proc/sys/kernel/nmi_watchdog", "0", NULL };
	static const char *const garbage[] = { "/proc/sys/kernel/nmi_watchdog", "on", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "cmdline.nmi_watchdog");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_int(r, "runtime", 0);
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "cmdline.nmi_watchdog");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_int(r, "runtime", 1);
	sys_action(r, RTHC_ACTION_KERNEL_ARG, "nmi_watchdog", "0");
	sys_done(&c);
	/* re-enabled at runtime: the running kernel wins over nmi_watchdog=0 */
	r = sys_on_tree(&c, "6.8.0", "ro nmi_watchdog=nopanic,0", on, "cmdline.nmi_watchdog");
	assert_status(r, RTHC_STATUS_WARN);
	sys_reason(r, "the running kernel wins");
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", "ro", off, "cmdline.nmi_watchdog");
	assert_status(r, RTHC_STATUS_PASS);
	sys_reason(r, "runtime 0");
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", "ro", garbage, "cmdline.nmi_watchdog");
	sys_error(r, -EINVAL, "/proc/sys/kernel/nmi_watchdog");
	sys_done(&c);
	r = on_cmdline(&c, "ro", "cmdline.nmi_watchdog");
	sys_error(r, -ENOENT, "/proc/sys/kernel/nmi_watchdog");
	sys_done(&c);
}

static void systemd_affinity(void **state)
{
	static const char *const conf[] = {
		ISO23,
		"/etc/systemd/system.conf",
		"[Manager]\nCPUAffinity=0-3\n",
		"/etc/systemd/system.conf.d/50-rt.conf",
		"[Manager]\nCPUAffinity=0 1\n",
		NULL,
	};
	static const char *const bad[] = { ISO23, "/etc/systemd/system.conf",
					   "[Manager]\nCPUAffinity=0-z\n", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "cmdline.systemd_affinity");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "allowed", "0-1");
	sys_reason(r, "/proc/1/status");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "cmdline.systemd_affinity");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_str(r, "allowed", "0-3");
	sys_action(r, RTHC_ACTION_KERNEL_ARG, "systemd.cpu_affinity", "0");
	sys_done(&c);
	/* no process list: the last CPUAffinity= of system.conf and its drop-ins */
	r = sys_on_tree(&c, "6.8.0", "ro isolcpus=2-3", conf, "cmdline.systemd_affinity");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "allowed", "0-1");
	sys_evidence(r, "/etc/systemd/system.conf.d/50-rt.conf", "CPUAffinity=0 1");
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", "ro isolcpus=2-3", bad, "cmdline.systemd_affinity");
	assert_status(r, RTHC_STATUS_WARN);
	sys_reason(r, "malformed");
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", "ro isolcpus=2-3", (const char *const[]){ ISO23, NULL },
			"cmdline.systemd_affinity");
	assert_status(r, RTHC_STATUS_WARN);
	sys_reason(r, "no systemd CPU affinity");
	sys_done(&c);
	r = on_cmdline(&c, "ro", "cmdline.systemd_affinity");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", NULL, NULL, "cmdline.systemd_affinity");
	sys_error(r, -ENOENT, "/proc/cmdline");
	sys_done(&c);
}

static void tuned_non_isolcpus(void **state)
{
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "cmdline.tuned_non_isolcpus");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "cpus", "0-1");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "cmdline.tuned_non_isolcpus");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_str(r, "cpus", "0-3");
	sys_done(&c);
	r = on_cmdline(&c, "ro tuned.non_isolcpus=xyz", "cmdline.tuned_non_isolcpus");
	assert_status(r, RTHC_STATUS_WARN);
	sys_reason(r, "not a hex CPU mask");
	sys_done(&c);
	r = on_cmdline(&c, "ro", "cmdline.tuned_non_isolcpus");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", NULL, NULL, "cmdline.tuned_non_isolcpus");
	sys_error(r, -ENOENT, "/proc/cmdline");
	sys_done(&c);
}

static void wd_nmi_watchdog(void **state)
{
	static const char *const garbage[] = { "/proc/sys/kernel/nmi_watchdog", "", NULL };
	static const char *const nodet[] = { "/boot/config-6.8.0",
					     "# CONFIG_LOCKUP_DETECTOR is not set\n", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "wd.nmi_watchdog");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_int(r, "value", 0);
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "wd.nmi_watchdog");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_int(r, "value", 1);
	sys_action(r, RTHC_ACTION_SYSCTL, "kernel.nmi_watchdog", "0");
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", "ro", nodet, "wd.nmi_watchdog");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_null(r, "value");
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", "ro", garbage, "wd.nmi_watchdog");
	sys_error(r, -ENODATA, "/proc/sys/kernel/nmi_watchdog");
	sys_done(&c);
	r = on_cmdline(&c, "ro", "wd.nmi_watchdog");
	sys_error(r, -ENOENT, "/proc/sys/kernel/nmi_watchdog");
	sys_done(&c);
}

static void wd_watchdog_cpumask(void **state)
{
	static const char *const masked[] = { ISO23, WD_FILES("1", "1", "0", "0-1"), NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "wd.watchdog_cpumask");
	assert_status(r, RTHC_STATUS_PASS);
	sys_reason(r, "both the soft and the NMI lockup detectors are off");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "wd.watchdog_cpumask");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_str(r, "watchdog_on_isolated", "1-3");
	sys_action(r, RTHC_ACTION_SYSCTL, "kernel.watchdog_cpumask", "0");
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", "ro isolcpus=2-3", masked, "wd.watchdog_cpumask");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "watchdog_on_isolated", "");
	sys_evidence(r, "/proc/sys/kernel/watchdog_cpumask", "0-1");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "wd.watchdog_cpumask");
	assert_int_equal(rthc_host_inject_error(c.ctx->host, "/proc/sys/kernel/watchdog_cpumask",
						RTHC_HOST_OP_READ, -EACCES),
			 0);
	r = run_check(c.ctx, "wd.watchdog_cpumask");
	sys_error(r, -EACCES, "/proc/sys/kernel/watchdog_cpumask");
	sys_done(&c);
	r = on_cmdline(&c, "ro", "wd.watchdog_cpumask");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_done(&c);
}

static void wd_hung_task(void **state)
{
	static const char *const garbage[] = { "/proc/sys/kernel/hung_task_timeout_secs", "10m",
					       NULL };
	static const char *const nodet[] = { "/boot/config-6.8.0",
					     "# CONFIG_DETECT_HUNG_TASK is not set\n", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "wd.hung_task");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_int(r, "value", 600);
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "wd.hung_task");
	assert_status(r, RTHC_STATUS_INFO);
	sys_obs_int(r, "value", 120);
	sys_exp_int(r, "value", 600);
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", "ro", nodet, "wd.hung_task");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", "ro", garbage, "wd.hung_task");
	sys_error(r, -EINVAL, "/proc/sys/kernel/hung_task_timeout_secs");
	sys_done(&c);
	r = on_cmdline(&c, "ro", "wd.hung_task");
	sys_error(r, -ENOENT, "/proc/sys/kernel/hung_task_timeout_secs");
	sys_done(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nohz),
		cmocka_unit_test(rcu_nocb_poll),
		cmocka_unit_test(kthread_cpus),
		cmocka_unit_test(skew_tick),
		cmocka_unit_test(softlockup),
		cmocka_unit_test(cmdline_nmi_watchdog),
		cmocka_unit_test(systemd_affinity),
		cmocka_unit_test(tuned_non_isolcpus),
		cmocka_unit_test(wd_nmi_watchdog),
		cmocka_unit_test(wd_watchdog_cpumask),
		cmocka_unit_test(wd_hung_task),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
