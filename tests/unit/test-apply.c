/*
 * Apply and rollback against writable copies of the apply-* fixtures: plan, apply, re-audit,
 * apply again (nothing), rollback, then the tree is byte-for-byte the pristine copy. Also a write
 * failing midway, a managed IRQ, a rollback conflict, the lock and the permission rule.
 */
#include "exec.h"
#include "host.h"
#include "test-apply-util.h"

static unsigned count_status(const struct rthc_report *rep, enum rthc_change_status st)
{
	unsigned n = 0;

	for (size_t i = 0; i < rep->nchanges; i++)
		n += rep->changes[i].status == st;
	return n;
}

static int64_t expected_int(const struct rthc_result *r, const char *key)
{
	for (size_t i = 0; r->expected && i < r->expected->n; i++)
		if (streq(r->expected->v[i].key, key) && r->expected->v[i].type == RTHC_VALUE_INT)
			return r->expected->v[i].i;
	fail_msg("%s: no expected %s", r->check->id, key);
	return -1;
}

static void test_host_cycle(void **state)
{
	struct env *e = *state;
	const struct rthc_result *r;
	struct rthc_ctx *ctx;
	char path[PATH_MAX + 8];
	unsigned mc = 0;

	copies(e, "apply-host");
	/* Plan only: every change planned, nothing written, not even the journal. */
	ctx = apply_ctx(e->work, "realtime-virtual-host", true);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(ctx->report->run_mode, RTHC_RUNMODE_DRY_RUN);
	assert_int_equal(ctx->report->outcome_exit, 0);
	assert_true(ctx->report->nchanges > 30);
	assert_int_equal(count_status(ctx->report, RTHC_CHANGE_PLANNED), ctx->report->nchanges);
	assert_string_equal(change_of(ctx->report, "/proc/sys/kernel/sched_rt_runtime_us")->old_value, "950000");
	assert_string_equal(change_of(ctx->report, "/proc/sys/kernel/sched_rt_runtime_us")->new_value, "-1");
	assert_null(change_of(ctx->report, "/etc/default/grub.d/rthostcheck.cfg")->old_value);
	assert_int_equal(change_of(ctx->report, "/etc/default/grub.d/rthostcheck.cfg")->persistence,
			 RTHC_PERSIST_BOOT);
	/* IRQ 1 is on CPU 0 already: no change for it. */
	assert_null(find_change(ctx->report, "/proc/irq/1/smp_affinity_list"));
	/* The profile's expectations reach the checks: its hugepage pool, timer_migration. */
	r = find_result(ctx->report, "mem.hugepages");
	assert_int_equal(r->status, RTHC_STATUS_FAIL);
	assert_int_equal(expected_int(r, "free_per_node"), 4);
	assert_int_equal(expected_int(r, "page_size_kb"), 1048576);
	assert_int_equal(r->nitems, 2); /* both nodes hold isolated CPUs */
	r = find_result(ctx->report, "sched.timer_migration");
	assert_int_equal(r->status, RTHC_STATUS_WARN);
	assert_int_equal(expected_int(r, "value"), 0);
	apply_ctx_free(ctx);
	assert_same_tree(e->work, e->pristine);
	snprintf(path, sizeof(path), "%s/var", e->work);
	assert_int_not_equal(access(path, F_OK), 0);

	/* Apply. */
	ctx = apply_ctx(e->work, "realtime-virtual-host", false);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(ctx->report->run_mode, RTHC_RUNMODE_APPLY);
	assert_int_equal(ctx->report->outcome_exit, 0);
	assert_int_equal(count_status(ctx->report, RTHC_CHANGE_APPLIED), ctx->report->nchanges);
	for (size_t i = 0; i < ctx->report->nchanges; i++)
		mc += strstr(ctx->report->changes[i].target, "/machinecheck/machinecheck") != NULL;
	assert_int_equal(mc, 8); /* the [sysfs] glob */
	assert_int_equal(find_result(ctx->report, "sched.rt_runtime")->status, RTHC_STATUS_FIXED);
	assert_int_equal(find_result(ctx->report, "sched.timer_migration")->status, RTHC_STATUS_FIXED);
	assert_int_equal(find_result(ctx->report, "cmdline.isolcpus")->status, RTHC_STATUS_PENDING_REBOOT);
	assert_int_equal(find_result(ctx->report, "cmdline.nohz_full")->status, RTHC_STATUS_PENDING_REBOOT);
	apply_ctx_free(ctx);
	assert_file(e->work, "/proc/sys/kernel/sched_rt_runtime_us", "-1");
	assert_file(e->work, "/sys/kernel/mm/transparent_hugepage/enabled", "never");
	assert_file(e->work, "/sys/devices/virtual/workqueue/cpumask", "33");
	assert_file(e->work, "/proc/irq/default_smp_affinity", "33");
	assert_file(e->work, "/proc/irq/25/smp_affinity_list", "0-1,4-5");
	assert_file(e->work, "/proc/irq/1/smp_affinity_list", "0\n");
	assert_file(e->work, "/sys/devices/system/cpu/cpu2/cpuidle/state2/disable", "1");
	assert_file(e->work, "/sys/devices/system/cpu/cpu0/cpuidle/state2/disable", "0\n");
	assert_file(e->work, "/sys/devices/system/cpu/cpu5/cpufreq/scaling_governor", "performance");
	/* realtime-virtual-host's pool: 1 GiB pages on both nodes (isolated CPUs on each), no 2 MiB. */
	assert_file(e->work, "/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages", "4");
	assert_file(e->work, "/sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages", "4");
	assert_file(e->work, "/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages", "0\n");
	assert_file(e->work, "/etc/sysctl.d/90-rthostcheck.conf",
		    "# Written by rthostcheck --apply realtime-virtual-host; removed by --rollback.\n"
		    "kernel.sched_rt_runtime_us = -1\nkernel.nmi_watchdog = 0\nkernel.timer_migration = 0\n"
		    "kernel.numa_balancing = 0\nkernel.hung_task_timeout_secs = 600\nvm.stat_interval = 10\n"
		    "vm.swappiness = 10\n");
	assert_file(e->work, "/etc/default/grub.d/rthostcheck.cfg",
		    "# Written by rthostcheck --apply realtime-virtual-host; removed by --rollback.\n"
		    "GRUB_CMDLINE_LINUX_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT} isolcpus=managed_irq,domain,2-3,6-7 "
		    "skew_tick=1 tsc=reliable nosoftlockup nmi_watchdog=0 mce=ignore_ce nohz=on nohz_full=2-3,6-7 "
		    "rcu_nocbs=2-3,6-7 irqaffinity=0-1,4-5\"\n");
	assert_file(e->work, "/etc/default/irqbalance",
		    "# irqbalance configuration\nENABLED=1\n#IRQBALANCE_BANNED_CPULIST=\n"
		    "IRQBALANCE_BANNED_CPULIST=2-3,6-7\n");
	assert_file(e->work, "/etc/modprobe.d/rthostcheck-disable.conf",
		    "# Written by rthostcheck --apply realtime-virtual-host; removed by --rollback.\n"
		    "install dm_multipath /bin/false\n");
	assert_file(e->work, "/etc/modprobe.d/rthostcheck-kvm_intel.conf",
		    "# Written by rthostcheck --apply realtime-virtual-host; removed by --rollback.\n"
		    "options kvm_intel ple_gap=0\n");

	/* The same profile again changes nothing. */
	ctx = apply_ctx(e->work, "realtime-virtual-host", false);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(ctx->report->nchanges, 0);
	assert_int_equal(ctx->report->outcome_exit, 0);
	assert_int_equal(find_result(ctx->report, "cmdline.isolcpus")->status, RTHC_STATUS_PENDING_REBOOT);
	apply_ctx_free(ctx);

	/* A dry rollback changes nothing; the rollback restores the pristine tree. */
	assert_int_equal(rollback(e->work, true), 0);
	assert_file(e->work, "/proc/sys/kernel/sched_rt_runtime_us", "-1");
	assert_int_equal(rollback(e->work, false), 0);
	assert_same_tree(e->work, e->pristine);
	/* Nothing left to roll back. */
	assert_int_equal(rollback(e->work, false), 0);
	assert_same_tree(e->work, e->pristine);
}

static void test_guest_kernel_cmdline(void **state)
{
	struct env *e = *state;
	struct rthc_ctx *ctx;

	copies(e, "apply-guest");
	ctx = apply_ctx(e->work, "realtime-virtual-guest", false);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(ctx->report->outcome_exit, 0);
	assert_true(ctx->guest);
	apply_ctx_free(ctx);
	/* nohz=off is replaced where it stood; the rest is appended in profile order. */
	assert_file(e->work, "/etc/kernel/cmdline",
		    "root=/dev/vda1 ro console=ttyS0 nohz=on isolcpus=managed_irq,domain,1-3 skew_tick=1 "
		    "tsc=reliable nosoftlockup nmi_watchdog=0 mce=ignore_ce nohz_full=1-3 rcu_nocbs=1-3 "
		    "irqaffinity=0 idle=poll\n");
	assert_file(e->work, "/proc/irq/default_smp_affinity", "1");
	assert_file(e->work, "/sys/kernel/mm/transparent_hugepage/enabled", "never");
	assert_int_equal(rollback(e->work, false), 0);
	assert_same_tree(e->work, e->pristine);
}

static void test_failure_midway(void **state)
{
	struct env *e = *state;
	const struct rthc_change *c;
	struct rthc_ctx *ctx;

	copies(e, "apply-host");
	ctx = apply_ctx(e->work, "realtime", false);
	assert_int_equal(rthc_host_inject_error(ctx->host, "/proc/sys/vm/swappiness", RTHC_HOST_OP_WRITE, -EIO), 0);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(ctx->report->outcome_exit, RTHC_EXIT_APPLY_FAILED);
	rthc_report_finalize(ctx->report);
	assert_int_equal(ctx->report->exit_code, RTHC_EXIT_APPLY_FAILED);
	c = change_of(ctx->report, "/proc/sys/vm/swappiness");
	assert_int_equal(c->status, RTHC_CHANGE_FAILED);
	assert_int_equal(change_of(ctx->report, "/proc/sys/kernel/sched_rt_runtime_us")->status,
			 RTHC_CHANGE_ROLLED_BACK);
	assert_int_equal(change_of(ctx->report, "/etc/sysctl.d/90-rthostcheck.conf")->status,
			 RTHC_CHANGE_UNCHANGED);
	apply_ctx_free(ctx);
	assert_same_tree(e->work, e->pristine);
	/* That run is closed: nothing left to roll back. */
	assert_int_equal(rollback(e->work, false), 0);
	assert_same_tree(e->work, e->pristine);
}

static void test_managed_irq(void **state)
{
	struct env *e = *state;
	const struct rthc_change *c;
	struct rthc_ctx *ctx;

	copies(e, "apply-host");
	ctx = apply_ctx(e->work, "realtime", false);
	assert_int_equal(rthc_host_inject_error(ctx->host, "/proc/irq/24/smp_affinity_list", RTHC_HOST_OP_WRITE,
						-EIO), 0);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(ctx->report->outcome_exit, 0);
	c = change_of(ctx->report, "/proc/irq/24/smp_affinity_list");
	assert_int_equal(c->status, RTHC_CHANGE_UNCHANGED);
	assert_non_null(strstr(c->reason, "managed IRQ"));
	assert_int_equal(change_of(ctx->report, "/proc/irq/25/smp_affinity_list")->status, RTHC_CHANGE_APPLIED);
	apply_ctx_free(ctx);
	assert_file(e->work, "/proc/irq/24/smp_affinity_list", "0-7\n");
	assert_int_equal(rollback(e->work, false), 0);
	assert_same_tree(e->work, e->pristine);
}

static void test_rollback_conflict(void **state)
{
	struct env *e = *state;
	struct rthc_ctx *ctx;

	copies(e, "apply-host");
	ctx = apply_ctx(e->work, "realtime", false);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	apply_ctx_free(ctx);
	/* Someone else changes a value this run wrote, and edits a file it created. */
	write_file(e->work, "/proc/sys/vm/swappiness", "33\n");
	write_file(e->work, "/etc/sysctl.d/90-rthostcheck.conf", "# mine now\n");
	assert_int_equal(rollback(e->work, false), RTHC_EXIT_ROLLBACK_INCOMPLETE);
	assert_file(e->work, "/proc/sys/vm/swappiness", "33\n");
	assert_file(e->work, "/etc/sysctl.d/90-rthostcheck.conf", "# mine now\n");
	assert_file(e->work, "/proc/sys/kernel/sched_rt_runtime_us", "950000\n");
	/* Put the written values back: the next rollback finishes the job. */
	write_file(e->work, "/proc/sys/vm/swappiness", "10");
	write_file(e->work, "/etc/sysctl.d/90-rthostcheck.conf",
		   "# Written by rthostcheck --apply realtime; removed by --rollback.\n"
		   "kernel.sched_rt_runtime_us = -1\nkernel.nmi_watchdog = 0\nkernel.timer_migration = 0\n"
		   "kernel.numa_balancing = 0\nkernel.hung_task_timeout_secs = 600\nvm.stat_interval = 10\n"
		   "vm.swappiness = 10\n");
	assert_int_equal(rollback(e->work, false), 0);
	assert_same_tree(e->work, e->pristine);
}

static void test_lock_and_permission(void **state)
{
	struct env *e = *state;
	struct rthc_host *other, *live;
	struct rthc_ctx *ctx;
	char why[512];
	int fd = -1;

	copies(e, "apply-host");
	/* Another apply holds the lock: this one refuses and changes nothing. */
	assert_int_equal(rthc_host_new(e->work, &other), 0);
	assert_int_equal(rthc_exec_lock(other, &fd), 0);
	ctx = apply_ctx(e->work, "realtime", false);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(ctx->report->outcome_exit, RTHC_EXIT_APPLY_FAILED);
	assert_true(ctx->report->nchanges > 0);
	assert_int_equal(count_status(ctx->report, RTHC_CHANGE_UNCHANGED), ctx->report->nchanges);
	assert_non_null(strstr(ctx->report->diags[ctx->report->ndiags - 1].message, "holds"));
	apply_ctx_free(ctx);
	assert_same_tree(e->work, e->pristine);
	rthc_exec_unlock(fd);
	rthc_host_free(other);
	/* The running system needs root; a tree needs write access. */
	assert_int_equal(rthc_host_new("/", &live), 0);
	assert_int_equal(rthc_exec_permitted(live, 1000, why, sizeof(why)), -EPERM);
	assert_non_null(strstr(why, "needs root"));
	assert_int_equal(rthc_exec_permitted(live, 0, why, sizeof(why)), 0);
	rthc_host_free(live);
	if (geteuid() != 0) {
		assert_int_equal(chmod(e->work, 0555), 0);
		assert_int_equal(rthc_host_new(e->work, &other), 0);
		assert_int_equal(rthc_exec_permitted(other, geteuid(), why, sizeof(why)), -EPERM);
		rthc_host_free(other);
		assert_int_equal(chmod(e->work, 0755), 0);
	}
}

static void test_cpu_smt_policy(void **state)
{
	struct env *e = *state;
	struct rthc_ctx *ctx;
	char prof[PATH_MAX];

	/* Two CPUs sharing one cpufreq policy: one change, on the policy. */
	write_file(e->work, "/sys/devices/system/cpu/possible", "0-1\n");
	write_file(e->work, "/sys/devices/system/cpu/online", "0-1\n");
	write_file(e->work, "/sys/devices/system/cpu/smt/control", "on\n");
	write_file(e->work, "/sys/devices/system/cpu/cpufreq/policy0/scaling_governor", "schedutil\n");
	write_file(e->work, "/sys/devices/system/cpu/cpufreq/policy0/scaling_available_governors",
		   "performance schedutil\n");
	make_symlink(e->work, "/sys/devices/system/cpu/cpu0/cpufreq", "../cpufreq/policy0");
	make_symlink(e->work, "/sys/devices/system/cpu/cpu1/cpufreq", "../cpufreq/policy0");
	copy_tree(e->work, e->pristine);
	snprintf(prof, sizeof(prof), "%s/cpu.conf", e->tmp);
	write_file(e->tmp, "cpu.conf", "[variables]\nisolated_cores = 1\n[cpu]\ngovernor = performance\nsmt = off\n");
	ctx = apply_ctx(e->work, prof, false);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(ctx->report->outcome_exit, 0);
	assert_int_equal(ctx->report->nchanges, 2);
	assert_string_equal(ctx->report->changes[0].target, "/sys/devices/system/cpu/cpufreq/policy0/scaling_governor");
	assert_string_equal(ctx->report->changes[1].target, "/sys/devices/system/cpu/smt/control");
	/* rthc_ctx_var() sees the profile's variables and budgets. */
	assert_string_equal(rthc_ctx_var(ctx, "isolated_cores"), "1");
	assert_string_equal(rthc_ctx_var(ctx, "housekeeping_cores"), "0");
	assert_null(rthc_ctx_var(ctx, "nosuchvar"));
	apply_ctx_free(ctx);
	assert_file(e->work, "/sys/devices/system/cpu/smt/control", "off");
	assert_file(e->work, "/sys/devices/system/cpu/cpufreq/policy0/scaling_governor", "performance");
	assert_int_equal(rollback(e->work, false), 0);
	assert_same_tree(e->work, e->pristine);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_host_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_kernel_cmdline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_midway, setup, teardown),
		cmocka_unit_test_setup_teardown(test_managed_irq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_and_permission, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_smt_policy, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
