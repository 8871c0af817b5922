/*
 * Unit tests of the kernel build and boot checks (checks/kernel-config.c, kernel.dmesg from
 * checks/timer.c): pass, fail/warn and missing/garbage input for each.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "sys-helpers.h"

#define BLS_ENTRY                                                \
	"/boot/loader/entries/3a1b2c3d4e5f60718293a4b5c6d7e8f9-" \
	"5.14.0-427.13.1.el9_4.x86_64+rt.conf"

/* ---- kernel.preempt_model ---- */

static void preempt_model(void **state)
{
	static const char *const dyn[] = {
		"/sys/kernel/debug/sched/preempt",
		"none voluntary (full) lazy",
		"/proc/sys/kernel/version",
		"#1 SMP PREEMPT_DYNAMIC",
		NULL,
	};
	static const char *const bad[] = { "/sys/kernel/debug/sched/preempt", "none voluntary full",
					   NULL };
	static const char *const plain[] = { "/proc/sys/kernel/version", "#1 SMP PREEMPT Tue Jan 1",
					     NULL };
	static const char *const none[] = { "/proc/sys/kernel/version", "#1 SMP Tue Jan 1", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "kernel.preempt_model");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "model", "rt");
	sys_done(&c);

	r = sys_on_fixture(&c, "sys-bad", NULL, "kernel.preempt_model");
	assert_status(r, RTHC_STATUS_INFO);
	sys_obs_str(r, "model", "voluntary");
	sys_action(r, RTHC_ACTION_KERNEL_ARG, "preempt", "full");
	sys_done(&c);

	/* The running model wins over the command line. */
	r = sys_on_tree(&c, "6.8.0", "ro preempt=voluntary", dyn, "kernel.preempt_model");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "model", "full");
	sys_evidence(r, "/sys/kernel/debug/sched/preempt", "the running kernel wins");
	sys_done(&c);

	r = sys_on_tree(&c, "6.8.0", "ro", plain, "kernel.preempt_model");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "model", "full");
	sys_obs_str(r, "source", "kernel version, config and command line");
	sys_done(&c);

	r = sys_on_tree(&c, "6.8.0", "ro", bad, "kernel.preempt_model");
	sys_error(r, -EINVAL, "/sys/kernel/debug/sched/preempt");
	sys_done(&c);

	r = sys_on_tree(&c, "6.8.0", "ro", none, "kernel.preempt_model");
	sys_error(r, -ENOENT, "/sys/kernel/debug/sched/preempt");
	sys_done(&c);
}

/* ---- kernel.debug_variant ---- */

static void debug_variant(void **state)
{
	static const char *const pagealloc[] = {
		"/boot/config-6.8.0",
		"CONFIG_DEBUG_PAGEALLOC=y\n# CONFIG_KASAN is not set\n",
		NULL,
	};
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "kernel.debug_variant");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "debug_options", "");
	sys_obs_bool(r, "debug_release", false);
	sys_evidence(r, "/boot/config-6.12.9-rt-amd64", "off at runtime");
	sys_done(&c);

	r = sys_on_fixture(&c, "sys-debug", NULL, "kernel.debug_variant");
	assert_status(r, RTHC_STATUS_FAIL);
	sys_obs_str(
		r, "debug_options",
		"CONFIG_PROVE_LOCKING,CONFIG_DEBUG_LOCK_ALLOC,CONFIG_KASAN,CONFIG_DEBUG_OBJECTS");
	sys_obs_bool(r, "debug_release", true);
	sys_item(r, "release", "debug kernel build");
	sys_item(r, "CONFIG_KASAN", NULL);
	sys_nitems(r, 5);
	sys_done(&c);

	/* debug_pagealloc=on turns a built-in DEBUG_PAGEALLOC on */
	r = sys_on_tree(&c, "6.8.0", "ro debug_pagealloc=on", pagealloc, "kernel.debug_variant");
	assert_status(r, RTHC_STATUS_FAIL);
	sys_obs_str(r, "debug_options", "CONFIG_DEBUG_PAGEALLOC");
	sys_done(&c);

	/* the release alone is enough to fail */
	r = sys_on_tree(&c, "6.8.0-1.fc40.x86_64+debug", "ro", NULL, "kernel.debug_variant");
	assert_status(r, RTHC_STATUS_FAIL);
	sys_item(r, "release", NULL);
	sys_done(&c);

	r = sys_on_tree(&c, "6.8.0", "ro", NULL, "kernel.debug_variant");
	sys_error(r, -ENOENT, "/boot/config-6.8.0");
	sys_done(&c);
}

/* ---- kernel.config.isolation ---- */

static void config_isolation(void **state)
{
	static const char *const plain[] = {
		"/boot/config-6.8.0",
		"# CONFIG_NO_HZ_FULL is not set\nCONFIG_RCU_NOCB_CPU=y\nCONFIG_HIGH_RES_TIMERS=y\n",
		NULL,
	};
	static const char *const wins[] = {
		"/boot/config-6.8.0",
		"# CONFIG_NO_HZ_FULL is not set\nCONFIG_HIGH_RES_TIMERS=y\n",
		"/sys/devices/system/cpu/nohz_full",
		"2-3",
		NULL,
	};
	static const char *const sysfs_only[] = { "/sys/devices/system/cpu/nohz_full", "2-3",
						  NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "kernel.config.isolation");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "missing", "");
	sys_obs_bool(r, "isolation_requested", true);
	sys_done(&c);

	r = sys_on_fixture(&c, "sys-bad", NULL, "kernel.config.isolation");
	assert_status(r, RTHC_STATUS_FAIL);
	sys_obs_str(r, "missing", "CONFIG_NO_HZ_FULL");
	sys_reason(r, "dropped");
	sys_done(&c);

	r = sys_on_tree(&c, "6.8.0", "ro quiet", plain, "kernel.config.isolation");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_str(r, "missing", "CONFIG_NO_HZ_FULL,CONFIG_CPU_ISOLATION");
	sys_obs_bool(r, "isolation_requested", false);
	sys_done(&c);

	/* The nohz_full file proves NO_HZ_FULL (and what it selects): the kernel wins. */
	r = sys_on_tree(&c, "6.8.0", "ro nohz_full=2-3", wins, "kernel.config.isolation");
	assert_status(r, RTHC_STATUS_PASS);
	sys_evidence(r, "/boot/config-6.8.0", "the kernel wins");
	sys_done(&c);

	r = sys_on_tree(&c, "6.8.0", "ro nohz_full=2-3", sysfs_only, "kernel.config.isolation");
	assert_status(r, RTHC_STATUS_INFO);
	sys_reason(r, "CONFIG_HIGH_RES_TIMERS not verified");
	sys_done(&c);

	r = sys_on_tree(&c, "6.8.0", "ro", NULL, "kernel.config.isolation");
	sys_error(r, -ENOENT, "/boot/config-6.8.0");
	sys_done(&c);
}

/* ---- kernel.config.rt_group_sched ---- */

static void rt_group_sched(void **state)
{
	static const char *const v1[] = {
		"/sys/fs/cgroup/cpu,cpuacct/cpu.rt_runtime_us",
		"950000",
		"/sys/fs/cgroup/cpu,cpuacct/machine.slice/cpu.rt_runtime_us",
		"0",
		"/sys/fs/cgroup/cpu,cpuacct/system.slice/cpu.rt_runtime_us",
		"50000",
		"/sys/fs/cgroup/cpu,cpuacct/system.slice/tasks",
		"1",
		NULL,
	};
	static const char *const v1_ok[] = {
		"/sys/fs/cgroup/cpu,cpuacct/cpu.rt_runtime_us",
		"950000",
		"/sys/fs/cgroup/cpu,cpuacct/machine.slice/cpu.rt_runtime_us",
		"100000",
		NULL,
	};
	static const char *const off[] = { "/boot/config-6.16.0", "CONFIG_RT_GROUP_SCHED=y\n",
					   NULL };
	static const char *const dflt[] = {
		"/boot/config-6.16.0",
		"CONFIG_RT_GROUP_SCHED=y\nCONFIG_RT_GROUP_SCHED_DEFAULT_DISABLED=y\n",
		NULL,
	};
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "kernel.config.rt_group_sched");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_bool(r, "rt_group_sched", false);
	sys_done(&c);

	r = sys_on_fixture(&c, "sys-bad", NULL, "kernel.config.rt_group_sched");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_bool(r, "rt_group_sched", true);
	sys_reason(r, "EPERM");
	sys_action(r, RTHC_ACTION_KERNEL_ARG, "rt_group_sched", "0");
	sys_done(&c);

	/* cgroup v1 proves RT group scheduling without any config; one group has no budget */
	r = sys_on_tree(&c, "5.4.0", "ro", v1, "kernel.config.rt_group_sched");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_int(r, "cgroups_without_budget", 1);
	sys_item(r, "/sys/fs/cgroup/cpu,cpuacct/machine.slice", "EPERM");
	sys_nitems(r, 1);
	sys_done(&c);

	r = sys_on_tree(&c, "5.4.0", "ro", v1_ok, "kernel.config.rt_group_sched");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_int(r, "cgroups_without_budget", 0);
	sys_done(&c);

	r = sys_on_tree(&c, "6.16.0", "ro rt_group_sched=0", off, "kernel.config.rt_group_sched");
	assert_status(r, RTHC_STATUS_PASS);
	sys_reason(r, "rt_group_sched=0");
	sys_done(&c);

	r = sys_on_tree(&c, "6.16.0", "ro", dflt, "kernel.config.rt_group_sched");
	assert_status(r, RTHC_STATUS_PASS);
	sys_reason(r, "DEFAULT_DISABLED");
	sys_done(&c);

	r = sys_on_tree(&c, "6.8.0", "ro", NULL, "kernel.config.rt_group_sched");
	sys_error(r, -ENOENT, "/boot/config-6.8.0");
	sys_done(&c);
}

static void rt_group_sched_garbage(void **state)
{
	static const char *const v1[] = {
		"/sys/fs/cgroup/cpu/cpu.rt_runtime_us",
		"950000",
		"/sys/fs/cgroup/cpu/vm/cpu.rt_runtime_us",
		"lots",
		NULL,
	};
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_tree(&c, "5.4.0", "ro", v1, "kernel.config.rt_group_sched");
	sys_error(r, -EINVAL, "/sys/fs/cgroup/cpu/vm/cpu.rt_runtime_us");
	sys_done(&c);
}

/* ---- kernel.config.hz ---- */

static void config_hz(void **state)
{
	static const char *const garbage[] = { "/boot/config-6.8.0", "CONFIG_HZ=fast\n", NULL };
	static const char *const none[] = { "/boot/config-6.8.0", "CONFIG_NO_HZ_FULL=y\n", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "kernel.config.hz");
	assert_status(r, RTHC_STATUS_INFO);
	sys_obs_int(r, "hz", 1000);
	sys_obs_bool(r, "no_hz_full", true);
	sys_done(&c);

	r = sys_on_fixture(&c, "sys-bad", NULL, "kernel.config.hz");
	assert_status(r, RTHC_STATUS_INFO);
	sys_obs_int(r, "hz", 250);
	sys_reason(r, "4.00 ms");
	sys_done(&c);

	r = sys_on_tree(&c, "6.8.0", "ro", garbage, "kernel.config.hz");
	sys_error(r, -EINVAL, "/boot/config-6.8.0");
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", "ro", none, "kernel.config.hz");
	sys_error(r, -ENODATA, "CONFIG_HZ");
	sys_done(&c);
	r = sys_on_tree(&c, "6.8.0", "ro", NULL, "kernel.config.hz");
	sys_error(r, -ENOENT, "/proc/config.gz");
	sys_done(&c);
}

/* ---- kernel.cmdline_pending ---- */

static void cmdline_pending(void **state)
{
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "kernel.cmdline_pending");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "source", "/etc/default/grub");
	sys_obs_int(r, "differences", 0);
	sys_done(&c);

	r = sys_on_fixture(&c, "sys-bls", NULL, "kernel.cmdline_pending");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_int(r, "differences", 0);
	sys_evidence(r, BLS_ENTRY, "$tuned_params from grubenv");
	sys_done(&c);

	r = sys_on_fixture(&c, "sys-bad", NULL, "kernel.cmdline_pending");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_int(r, "differences", 11);
	sys_item(r, "nohz_full", "running: nohz_full=1-3; next boot: nohz_full=2-3");
	sys_item(r, "rcu_nocbs", "running: absent; next boot: rcu_nocbs=2-3");
	sys_reason(r, "/etc/default/grub");
	sys_done(&c);

	r = sys_on_fixture(&c, "sys-grub-dropin", NULL, "kernel.cmdline_pending");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_int(r, "differences", 6); /* nohz=on equals the default */
	sys_item(r, "isolcpus", "next boot: isolcpus=managed_irq,domain,2-3");
	sys_item(r, "tsc", "next boot: tsc=nowatchdog");
	sys_done(&c);
}

static void cmdline_pending_tuned_unwired(void **state)
{
	static const char *const files[] = {
		"/boot/loader/entries/a-6.1.0.conf",
		"options root=/dev/a isolcpus=2-3",
		"/etc/tuned/bootcmdline",
		"TUNED_BOOT_CMDLINE=\"isolcpus=2-3 skew_tick=1\"",
		NULL,
	};
	static const char *const bad[] = { "/etc/default/grub",
					   "GRUB_CMDLINE_LINUX='isolcpus=2-3\n", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	/* tuned#528: tuned wrote skew_tick=1 but the entry has no $tuned_params */
	r = sys_on_tree(&c, "6.1.0", "ro isolcpus=2-3", files, "kernel.cmdline_pending");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_int(r, "differences", 0);
	sys_obs_int(r, "tuned_not_in_bootloader", 1);
	sys_item(r, "skew_tick", "/etc/tuned/bootcmdline");
	sys_done(&c);

	r = sys_on_tree(&c, "6.1.0", "ro", bad, "kernel.cmdline_pending");
	sys_error(r, -EINVAL, "/etc/default/grub");
	sys_reason(r, "unterminated quote");
	sys_done(&c);

	/* no boot loader configuration at all: direct kernel boot, nothing to compare */
	r = sys_on_tree(&c, "6.1.0", "ro", NULL, "kernel.cmdline_pending");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_reason(r, "/etc/default/grub");
	sys_done(&c);

	r = sys_on_tree(&c, "6.1.0", NULL, NULL, "kernel.cmdline_pending");
	sys_error(r, -ENOENT, "/proc/cmdline");
	sys_done(&c);
}

/* ---- kernel.dmesg ---- */

static void dmesg(void **state)
{
	static const char *const warn[] = { "/dev/kmsg",
					    "4,1,1,-;hrtimer: interrupt took 120000 ns", NULL };
	static const char *const empty[] = { "/dev/kmsg", "", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	/* On a tree the runner skips it: it needs the live kernel. */
	r = sys_on_fixture(&c, "sys-bad", NULL, "kernel.dmesg");
	assert_status(r, RTHC_STATUS_SKIPPED);
	r = sys_run_direct(c.ctx, "kernel.dmesg");
	assert_status(r, RTHC_STATUS_FAIL);
	sys_obs_int(r, "nohz_full_mismatch", 1);
	sys_obs_int(r, "rt_throttling", 1);
	sys_obs_int(r, "hrtimer_slow", 2);
	sys_obs_int(r, "problem_messages", 6);
	sys_item(r, "sched: RT throttling activated", "1 message");
	sys_item(r, "hrtimer: interrupt took", "2 messages");
	sys_evidence(r, "/dev/kmsg", "Housekeeping: nohz_full= must match isolcpus=");
	sys_done(&c);

	r = sys_on_fixture(&c, "sys-good", NULL, "kernel.dmesg");
	r = sys_run_direct(c.ctx, "kernel.dmesg");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_int(r, "problem_messages", 0);
	sys_obs_int(r, "nohz_full_cpus", 1);
	sys_evidence(r, "/dev/kmsg", "Offload RCU callbacks from CPUs: 2-3");
	sys_done(&c);

	r = sys_on_tree(&c, "6.1.0", "ro", warn, "kernel.dmesg");
	r = sys_run_direct(c.ctx, "kernel.dmesg");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_int(r, "hrtimer_slow", 1);
	sys_done(&c);

	r = sys_on_tree(&c, "6.1.0", "ro", empty, "kernel.dmesg");
	r = sys_run_direct(c.ctx, "kernel.dmesg");
	sys_error(r, -ENODATA, "/dev/kmsg");
	assert_int_equal(rthc_host_inject_error(c.ctx->host, "/dev/kmsg", RTHC_HOST_OP_READ,
						-EPERM),
			 0);
	r = sys_run_direct(c.ctx, "kernel.dmesg");
	sys_error(r, -EPERM, "/dev/kmsg");
	sys_done(&c);

	r = sys_on_tree(&c, "6.1.0", "ro", NULL, "kernel.dmesg");
	r = sys_run_direct(c.ctx, "kernel.dmesg");
	sys_error(r, -ENOENT, "/dev/kmsg");
	sys_done(&c);
}

/* ---- xcheck.nohz_equals_isolcpus ---- */

static void nohz_equals_isolcpus(void **state)
{
	static const char *const applied[] = {
		"/sys/devices/system/cpu/isolated",
		"2-3",
		"/sys/devices/system/cpu/nohz_full",
		"1-3",
		NULL,
	};
	static const char *const other[] = {
		"/sys/devices/system/cpu/isolated",
		"2-3",
		"/sys/devices/system/cpu/nohz_full",
		"",
		NULL,
	};
	static const char *const dropped[] = {
		"/sys/devices/system/cpu/isolated",
		"1-3",
		"/sys/devices/system/cpu/nohz_full",
		"",
		NULL,
	};
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "xcheck.nohz_equals_isolcpus");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "isolcpus", "2-3");
	sys_done(&c);

	/* 6.8: isolcpus= without nohz is another housekeeping type (nohz_full fails elsewhere) */
	r = sys_on_fixture(&c, "sys-bad", NULL, "xcheck.nohz_equals_isolcpus");
	assert_status(r, RTHC_STATUS_PASS);
	sys_reason(r, "separate housekeeping types");
	sys_done(&c);

	/* before 5.17 the later one is ignored */
	r = sys_on_tree(&c, "5.4.0-150-generic", "ro isolcpus=2-3 nohz_full=1-3", NULL,
			"xcheck.nohz_equals_isolcpus");
	assert_status(r, RTHC_STATUS_FAIL);
	sys_reason(r, "before the 5.17");
	sys_obs_str(r, "nohz_full", "1-3");
	sys_done(&c);

	/* ... unless the kernel shows both applied (backport): the kernel wins */
	r = sys_on_tree(&c, "4.18.0-553.el8_10.x86_64", "ro isolcpus=2-3 nohz_full=1-3", applied,
			"xcheck.nohz_equals_isolcpus");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_bool(r, "both_applied", true);
	sys_reason(r, "backported");
	sys_done(&c);

	/* 5.17+ with isolcpus=nohz: the same type, nohz_full= dropped */
	r = sys_on_tree(&c, "6.1.0", "ro isolcpus=nohz,domain,1-3 nohz_full=2-3", dropped,
			"xcheck.nohz_equals_isolcpus");
	assert_status(r, RTHC_STATUS_FAIL);
	sys_obs_bool(r, "both_applied", false);
	sys_reason(r, "ignored nohz_full=");
	sys_done(&c);

	r = sys_on_tree(&c, "6.1.0", "ro isolcpus=2-3 nohz_full=1-3", other,
			"xcheck.nohz_equals_isolcpus");
	assert_status(r, RTHC_STATUS_PASS);
	sys_evidence(r, "/sys/devices/system/cpu/nohz_full", "another reason");
	sys_done(&c);

	r = sys_on_tree(&c, "6.1.0", "ro nohz_full=2-3", NULL, "xcheck.nohz_equals_isolcpus");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_done(&c);

	/* no release and no sysfs: cannot tell */
	r = sys_on_tree(&c, NULL, "ro isolcpus=2-3 nohz_full=1-3", NULL,
			"xcheck.nohz_equals_isolcpus");
	sys_error(r, -ENODATA, "/sys/devices/system/cpu/nohz_full");
	sys_done(&c);
}

/* ---- xcheck.cmdline_vs_runtime ---- */

static void cmdline_vs_runtime(void **state)
{
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "xcheck.cmdline_vs_runtime");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_int(r, "not_applied", 0);
	sys_obs_int(r, "applied", 11);
	sys_obs_int(r, "unverified", 0);
	sys_done(&c);

	r = sys_on_fixture(&c, "sys-bad", NULL, "xcheck.cmdline_vs_runtime");
	assert_status(r, RTHC_STATUS_FAIL);
	sys_obs_int(r, "not_applied", 3);
	sys_item(r, "kthread_cpus=0-1", "/proc/2/status");
	sys_item(r, "rcutree.kthread_prioo=5", "no such parameter");
	sys_item(r, "nohz_full=1-3", "no CONFIG_NO_HZ_FULL");
	sys_done(&c);

	r = sys_on_tree(&c, "6.1.0", "ro quiet", NULL, "xcheck.cmdline_vs_runtime");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_done(&c);

	/* rcu_nocbs without a process list, irqaffinity without /proc/irq: nothing verifiable */
	r = sys_on_tree(&c, "6.1.0", "ro rcu_nocbs=1-3 irqaffinity=0", NULL,
			"xcheck.cmdline_vs_runtime");
	sys_error(r, -ENODATA, "could be verified");
	sys_obs_int(r, "unverified", 2);
	sys_done(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(preempt_model),
		cmocka_unit_test(debug_variant),
		cmocka_unit_test(config_isolation),
		cmocka_unit_test(rt_group_sched),
		cmocka_unit_test(rt_group_sched_garbage),
		cmocka_unit_test(config_hz),
		cmocka_unit_test(cmdline_pending),
		cmocka_unit_test(cmdline_pending_tuned_unwired),
		cmocka_unit_test(dmesg),
		cmocka_unit_test(nohz_equals_isolcpus),
		cmocka_unit_test(cmdline_vs_runtime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
