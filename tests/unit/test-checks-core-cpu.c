/*
 * Unit tests of cpu.smt and cpu.boot_cpu (checks/cpu.c) and of the isolation cross-checks
 * xcheck.nohz_in_iso, xcheck.hk_left, xcheck.smt_siblings and xcheck.rcu_nocbs (checks/xcheck.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core-helpers.h"
#include "facts.h"

#define CPU "/sys/devices/system/cpu"
#define SMT_CONTROL CPU "/smt/control"
#define SMT_ACTIVE CPU "/smt/active"
#define CONFIG "/boot/config-6.1.0-27-rt-amd64"
#define CMDLINE_23 "ro isolcpus=managed_irq,domain,2-3 nohz_full=2-3 rcu_nocbs=2-3"
#define CMDLINE_CORES "ro isolcpus=managed_irq,domain,2-3,6-7 nohz_full=2-3,6-7 rcu_nocbs=2-3,6-7"

static const struct rthc_result *on_fixture(struct rthc_ctx **ctx, const char *fixture,
					    const char *id)
{
	return core_run(ctx, fixture_dir(fixture), id);
}

/* ---- cpu.smt -------------------------------------------------------------------------------- */

static void smt_pass_whole_cores(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-rt-good", "cpu.smt");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_reason_has(r, "every SMT sibling of an isolated CPU is isolated too");
	core_obs_str(r, "control", "on");
	core_obs_bool(r, "active", true);
	core_obs_int(r, "threads_per_core", 2);
	ctx_free(ctx);
}

static void smt_warn_split(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-siblings-split", "cpu.smt");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "the isolated CPUs 2,4,6 share a core with housekeeping CPUs");
	core_nitems(r, 3);
	core_item(r, "cpu 4", "SMT sibling");
	core_action(r, RTHC_ACTION_SYSFS, SMT_CONTROL, "off");
	ctx_free(ctx);
}

static void smt_pass_off(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_23, "2-3", "2-3");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_put(root, SMT_CONTROL, "off");
	core_put(root, SMT_ACTIVE, "0");
	r = core_run(&ctx, root, "cpu.smt");
	assert_status(r, RTHC_STATUS_PASS);
	core_reason_has(r, "SMT is off");
	core_obs_bool(r, "active", false);
	ctx_free(ctx);
	core_tree_free(root);
}

static void smt_pass_notsupported(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-nohz-outside", "cpu.smt");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_reason_has(r, "no SMT threads");
	core_obs_str(r, "control", "notsupported");
	ctx_free(ctx);
}

static void smt_warn_no_isolation(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-nonrt", "cpu.smt");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "no CPU is isolated");
	core_action(r, RTHC_ACTION_SYSFS, SMT_CONTROL, "off");
	ctx_free(ctx);
}

/* "notimplemented" means the kernel cannot switch SMT, not that it is off: siblings decide. */
static void smt_warn_notimplemented(void **state)
{
	char *root = core_tree(8, 1, "ro isolcpus=2 nohz_full=2", "2", "2");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_put(root, SMT_CONTROL, "notimplemented");
	core_rm(root, SMT_ACTIVE);
	r = core_run(&ctx, root, "cpu.smt");
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "the isolated CPU 2 shares a core");
	core_item(r, "cpu 2", NULL);
	ctx_free(ctx);
	core_tree_free(root);
}

static void smt_na_no_information(void **state)
{
	char *root = core_tree(4, 1, "ro isolcpus=2-3", "2-3", "2-3");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;
	char path[128];

	(void)state;
	core_rm(root, SMT_CONTROL);
	core_rm(root, SMT_ACTIVE);
	for (int c = 0; c < 4; c++) {
		snprintf(path, sizeof(path), CPU "/cpu%d/topology/thread_siblings_list", c);
		core_rm(root, path);
	}
	r = core_run(&ctx, root, "cpu.smt");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	core_reason_has(r, SMT_CONTROL);
	core_obs_null(r, "control");
	core_obs_null(r, "active");
	ctx_free(ctx);
	core_tree_free(root);
}

static void smt_error_control_garbage(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_23, "2-3", "2-3");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_put(root, SMT_CONTROL, "maybe");
	r = core_run(&ctx, root, "cpu.smt");
	core_error(r, -EINVAL, SMT_CONTROL);
	ctx_free(ctx);
	core_tree_free(root);
}

static void smt_error_active_garbage(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_23, "2-3", "2-3");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_put(root, SMT_ACTIVE, "2");
	r = core_run(&ctx, root, "cpu.smt");
	core_error(r, -EINVAL, SMT_ACTIVE);
	ctx_free(ctx);
	core_tree_free(root);
}

static void smt_error_siblings_garbage(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_23, "2-3", "2-3");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_put(root, CPU "/cpu3/topology/thread_siblings_list", "3,x");
	r = core_run(&ctx, root, "cpu.smt");
	core_error(r, -EINVAL, CPU "/cpu3/topology/thread_siblings_list");
	ctx_free(ctx);
	core_tree_free(root);
}

static void smt_error_siblings_eacces(void **state)
{
	struct rthc_ctx *ctx = core_ctx(fixture_dir("core-siblings-split"), NULL,
					CPU "/cpu4/topology/thread_siblings_list", -EACCES);
	const struct rthc_result *r = run_check(ctx, "cpu.smt");

	(void)state;
	core_error(r, -EACCES, CPU "/cpu4/topology/thread_siblings_list");
	ctx_free(ctx);
}

static void smt_error_broken(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-broken", "cpu.smt");

	(void)state;
	core_error(r, -EINVAL, CPU "/isolated");
	ctx_free(ctx);
}

/* ---- cpu.boot_cpu --------------------------------------------------------------------------- */

static void boot_pass(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-rt-good", "cpu.boot_cpu");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_exp_bool(r, "cpu0_housekeeping", true);
	core_obs_bool(r, "cpu0_housekeeping", true);
	core_obs_bool(r, "cpu0_requested", false);
	assert_null(r->remediation);
	ctx_free(ctx);
}

/* CPU 0 isolated on a 3.18 kernel: the remedy lists carry no isolcpus flags (before 4.15). */
static void boot_warn_isolated(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-old-rt", "cpu.boot_cpu");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "CPU 0 is in the isolated set");
	core_obs_bool(r, "cpu0_housekeeping", false);
	core_obs_bool(r, "cpu0_requested", true);
	core_item(r, "cpu 0", "timekeeping");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", "1-2");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "nohz_full", "1-2");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "rcu_nocbs", "1-2");
	ctx_free(ctx);
}

/* Kernel wins: CPU 0 named but dropped; still a finding, with CPU 0's sibling 4 left out too. */
static void boot_warn_requested(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-boot-fallback", "cpu.boot_cpu");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "names CPU 0, which the kernel silently dropped");
	core_obs_bool(r, "cpu0_housekeeping", true);
	core_obs_bool(r, "cpu0_requested", true);
	core_item(r, "cpu 0", "dropped");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", "managed_irq,domain,1-3,5-7");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "nohz_full", "1-3,5-7");
	ctx_free(ctx);
}

static void boot_na_no_cpu0(void **state)
{
	char *root = core_tree(4, 1, "ro isolcpus=2-3", "2-3", "");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_put(root, CPU "/possible", "1-3");
	core_put(root, CPU "/present", "1-3");
	core_put(root, CPU "/online", "1-3");
	r = core_run(&ctx, root, "cpu.boot_cpu");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	core_reason_has(r, CPU "/possible");
	ctx_free(ctx);
	core_tree_free(root);
}

static void boot_error_missing(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-missing", "cpu.boot_cpu");

	(void)state;
	core_error(r, -ENOENT, CPU "/possible");
	ctx_free(ctx);
}

static void boot_error_cmdline(void **state)
{
	struct rthc_ctx *ctx = core_ctx(fixture_dir("core-rt-good"), NULL, "/proc/cmdline", -EIO);
	const struct rthc_result *r = run_check(ctx, "cpu.boot_cpu");

	(void)state;
	core_error(r, -EIO, "/proc/cmdline");
	ctx_free(ctx);
}

static void boot_error_online_eacces(void **state)
{
	struct rthc_ctx *ctx = core_ctx(fixture_dir("core-rt-good"), NULL, CPU "/online", -EACCES);
	const struct rthc_result *r = run_check(ctx, "cpu.boot_cpu");

	(void)state;
	core_error(r, -EACCES, CPU "/online");
	ctx_free(ctx);
}

/* ---- xcheck.nohz_in_iso --------------------------------------------------------------------- */

static void nohz_in_iso_pass(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-rt-good", "xcheck.nohz_in_iso");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_obs_str(r, "nohz_full", "2-3,6-7");
	core_obs_str(r, "domain_isolated", "2-3,6-7");
	core_exp_str(r, "outside_isolation", "");
	core_obs_str(r, "outside_isolation", "");
	ctx_free(ctx);
}

static void nohz_in_iso_warn(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-nohz-outside", "xcheck.nohz_in_iso");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "the nohz_full CPUs 2-3 are not isolated from load balancing");
	core_obs_str(r, "outside_isolation", "2-3");
	core_nitems(r, 2);
	core_item(r, "cpu 3", "load-balanced");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", "managed_irq,domain,2-7");
	ctx_free(ctx);
}

static void nohz_in_iso_pass_cgroup(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		on_fixture(&ctx, "core-cgroup-partition", "xcheck.nohz_in_iso");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_obs_str(r, "cgroup_isolated", "4-7");
	core_obs_str(r, "outside_isolation", "");
	ctx_free(ctx);
}

static void nohz_in_iso_na(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-nonrt", "xcheck.nohz_in_iso");

	(void)state;
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	ctx_free(ctx);
}

/* Kernel wins: nohz_full= on a kernel without CONFIG_NO_HZ_FULL gives no adaptive-tick CPU. */
static void nohz_in_iso_na_unsupported(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-no-nohz-full", "xcheck.nohz_in_iso");

	(void)state;
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	core_reason_has(r, "no CPU runs with adaptive ticks");
	ctx_free(ctx);
}

/* Judged from the command line only: the boot CPU in nohz_full= is dropped, so it is no finding. */
static void nohz_in_iso_cmdline_boot_cpu(void **state)
{
	char *root = core_tree(8, 1, "ro isolcpus=2-3 nohz_full=0,2-3", NULL, NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "xcheck.nohz_in_iso");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_obs_str(r, "nohz_full", "2-3");
	ctx_free(ctx);
	core_tree_free(root);
}

static void nohz_in_iso_error_eio(void **state)
{
	struct rthc_ctx *ctx =
		core_ctx(fixture_dir("core-nohz-outside"), NULL, CPU "/nohz_full", -EIO);
	const struct rthc_result *r = run_check(ctx, "xcheck.nohz_in_iso");

	(void)state;
	core_error(r, -EIO, CPU "/nohz_full");
	ctx_free(ctx);
}

/* ---- xcheck.hk_left ------------------------------------------------------------------------- */

static void hk_pass(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-rt-good", "xcheck.hk_left");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_reason_has(r, "the housekeeping CPUs 0-1,4-5 are online");
	core_exp_bool(r, "housekeeping_online", true);
	core_obs_bool(r, "housekeeping_online", true);
	core_obs_str(r, "housekeeping", "0-1,4-5");
	core_obs_str(r, "isolated", "2-3,6-7");
	ctx_free(ctx);
}

/* Kernel wins: every CPU listed, yet housekeeping_setup() kept the boot CPU. */
static void hk_pass_kernel_fallback(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-boot-fallback", "xcheck.hk_left");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_reason_has(r, "the housekeeping CPU 0 is online (the command line isolates every "
			"CPU, so the kernel kept the boot CPU");
	core_obs_str(r, "housekeeping", "0");
	ctx_free(ctx);
}

/* The same judged from the command line alone (no sysfs files): the facts model the fallback. */
static void hk_pass_cmdline_fallback(void **state)
{
	char *root = core_tree(4, 1, "ro isolcpus=0-3 nohz_full=0-3", NULL, NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "xcheck.hk_left");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_obs_str(r, "housekeeping", "0");
	core_reason_has(r, "kept the boot CPU");
	ctx_free(ctx);
	core_tree_free(root);
}

/* An isolated set that takes every CPU (a profile's isolated_cores, --set isolated_cores). */
static void hk_fail_every_cpu(void **state)
{
	struct rthc_ctx *ctx = core_ctx(fixture_dir("core-rt-good"), NULL, NULL, 0);
	struct rthc_cpuset all = RTHC_CPUSET_INIT;
	const struct rthc_result *r;

	(void)state;
	assert_int_equal(rthc_cpuset_set_range(&all, 0, 7), 0);
	assert_int_equal(rthc_facts_override_isolated(ctx->facts, &all), 0);
	rthc_cpuset_done(&all);
	r = run_check(ctx, "xcheck.hk_left");
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "every CPU is isolated (by the configured isolated set)");
	core_obs_bool(r, "housekeeping_online", false);
	core_obs_str(r, "housekeeping", "");
	/* keep the first core of each node: 0,4 on node 0 and 1,5 on node 1 */
	core_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", "managed_irq,domain,2-3,6-7");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "nohz_full", "2-3,6-7");
	ctx_free(ctx);
}

static void hk_fail_offline(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-all-isolated", "xcheck.hk_left");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "every online CPU is isolated and the housekeeping CPUs 0-1 are "
			"offline");
	core_obs_bool(r, "housekeeping_online", false);
	core_obs_str(r, "online", "2-3");
	core_nitems(r, 2);
	core_item(r, "cpu 1", "offline");
	core_action(r, RTHC_ACTION_SYSFS, CPU "/cpu0/online", "1");
	core_action(r, RTHC_ACTION_SYSFS, CPU "/cpu1/online", "1");
	assert_false(r->remediation->requires_reboot);
	ctx_free(ctx);
}

static void hk_error_missing(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-missing", "xcheck.hk_left");

	(void)state;
	core_error(r, -ENOENT, CPU "/possible");
	ctx_free(ctx);
}

static void hk_error_isolated_eacces(void **state)
{
	struct rthc_ctx *ctx =
		core_ctx(fixture_dir("core-rt-good"), NULL, CPU "/isolated", -EACCES);
	const struct rthc_result *r = run_check(ctx, "xcheck.hk_left");

	(void)state;
	core_error(r, -EACCES, CPU "/isolated");
	ctx_free(ctx);
}

static void hk_error_online_garbage(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_23, "2-3", "2-3");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_put(root, CPU "/online", "0-");
	r = core_run(&ctx, root, "xcheck.hk_left");
	core_error(r, -EINVAL, CPU "/online");
	ctx_free(ctx);
	core_tree_free(root);
}

/* ---- xcheck.smt_siblings -------------------------------------------------------------------- */

static void siblings_pass(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-rt-good", "xcheck.smt_siblings");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_exp_str(r, "isolated_with_hk_sibling", "");
	core_obs_str(r, "isolated_with_hk_sibling", "");
	core_nitems(r, 0);
	ctx_free(ctx);
}

static void siblings_fail(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		on_fixture(&ctx, "core-siblings-split", "xcheck.smt_siblings");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "the isolated CPUs 2,4,6 share a core with housekeeping CPUs");
	core_obs_str(r, "isolated_with_hk_sibling", "2,4,6");
	core_nitems(r, 3);
	core_item(r, "cpu 2", "SMT sibling 3 is a housekeeping CPU");
	core_item(r, "cpu 6", "SMT sibling 7");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", "managed_irq,domain,2-7");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "nohz_full", "2-7");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "rcu_nocbs", "2-7");
	ctx_free(ctx);
}

/* A leak into CPU 0's core: the remedy grows the set but keeps CPU 0's core for housekeeping. */
static void siblings_fail_boot_core(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-boot-fallback", "xcheck.smt_siblings");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "the isolated CPU 4 shares a core");
	core_item(r, "cpu 4", "SMT sibling 0");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "nohz_full", "1-3,5-7");
	ctx_free(ctx);
}

static void siblings_pass_smt_off(void **state)
{
	char *root = core_tree(8, 1, "ro isolcpus=2 nohz_full=2", "2", "2");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_put(root, SMT_CONTROL, "forceoff");
	core_put(root, SMT_ACTIVE, "0");
	r = core_run(&ctx, root, "xcheck.smt_siblings");
	assert_status(r, RTHC_STATUS_PASS);
	core_reason_has(r, "forceoff");
	ctx_free(ctx);
	core_tree_free(root);
}

static void siblings_na(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-nonrt", "xcheck.smt_siblings");

	(void)state;
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	ctx_free(ctx);
}

static void siblings_error_missing_list(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_CORES, "2-3,6-7", "2-3,6-7");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_rm(root, CPU "/cpu2/topology/thread_siblings_list");
	r = core_run(&ctx, root, "xcheck.smt_siblings");
	core_error(r, -ENOENT, CPU "/cpu2/topology/thread_siblings_list");
	ctx_free(ctx);
	core_tree_free(root);
}

static void siblings_error_garbage(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_CORES, "2-3,6-7", "2-3,6-7");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_put(root, CPU "/cpu3/topology/thread_siblings_list", "3-");
	r = core_run(&ctx, root, "xcheck.smt_siblings");
	core_error(r, -EINVAL, CPU "/cpu3/topology/thread_siblings_list");
	ctx_free(ctx);
	core_tree_free(root);
}

static void siblings_error_broken(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-broken", "xcheck.smt_siblings");

	(void)state;
	core_error(r, -EINVAL, CPU "/isolated");
	ctx_free(ctx);
}

/* ---- xcheck.rcu_nocbs ----------------------------------------------------------------------- */

static void xrcu_pass(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-rt-good", "xcheck.rcu_nocbs");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_exp_str(r, "offloaded_superset_of", "2-3,6-7");
	core_obs_str(r, "offloaded", "2-3,6-7");
	core_exp_str(r, "rcuo_threads", "2-3,6-7");
	core_obs_str(r, "rcuo_threads", "0-7"); /* 5.17+: one per CPU once offloading is set up */
	ctx_free(ctx);
}

static void xrcu_warn_thread_missing(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_23, "2-3", "2-3");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_kthread(root, 2, "kthreadd");
	core_kthread(root, 17, "rcuop/2");
	r = core_run(&ctx, root, "xcheck.rcu_nocbs");
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "no rcuop/N kthread exists for the offloaded CPU 3");
	core_obs_str(r, "rcuo_threads", "2");
	core_nitems(r, 1);
	core_item(r, "cpu 3", "no rcuop/N kthread");
	core_action(r, RTHC_ACTION_MANUAL, "kernel", "CONFIG_RCU_NOCB_CPU=y");
	ctx_free(ctx);
	core_tree_free(root);
}

/* Non-preemptible RCU names them rcuos/N; an offline isolated CPU has none yet. */
static void xrcu_pass_rcuos_offline(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_23, "2-3", "2-3");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_put(root, CPU "/online", "0-2,4-7");
	core_kthread(root, 17, "rcuos/2");
	r = core_run(&ctx, root, "xcheck.rcu_nocbs");
	assert_status(r, RTHC_STATUS_PASS);
	core_exp_str(r, "rcuo_threads", "2");
	ctx_free(ctx);
	core_tree_free(root);
}

static void xrcu_skip_no_processes(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-managed-missing", "xcheck.rcu_nocbs");

	(void)state;
	assert_status(r, RTHC_STATUS_SKIPPED);
	core_reason_has(r, "/proc");
	ctx_free(ctx);
}

static void xrcu_na(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-nonrt", "xcheck.rcu_nocbs");

	(void)state;
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	ctx_free(ctx);
}

static void xrcu_na_nothing_offloaded(void **state)
{
	char *root = core_tree(8, 1, "ro isolcpus=2-3", "2-3", "(null)");
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "xcheck.rcu_nocbs");

	(void)state;
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	core_reason_has(r, "cmdline.rcu_nocbs");
	ctx_free(ctx);
	core_tree_free(root);
}

static void xrcu_warn_no_config(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_23, "2-3", "2-3");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	write_file(root, CONFIG, "CONFIG_NO_HZ_FULL=y\n# CONFIG_RCU_NOCB_CPU is not set\n");
	r = core_run(&ctx, root, "xcheck.rcu_nocbs");
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "without CONFIG_RCU_NOCB_CPU");
	core_obs_str(r, "offloaded", "");
	core_nitems(r, 2);
	core_item(r, "cpu 2", "cannot be offloaded");
	ctx_free(ctx);
	core_tree_free(root);
}

static void xrcu_error_proc(void **state)
{
	struct rthc_ctx *ctx = core_ctx(fixture_dir("core-rt-good"), NULL, "/proc", -EACCES);
	const struct rthc_result *r = run_check(ctx, "xcheck.rcu_nocbs");

	(void)state;
	core_error(r, -EACCES, "/proc");
	ctx_free(ctx);
}

static void xrcu_error_broken(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = on_fixture(&ctx, "core-broken", "xcheck.rcu_nocbs");

	(void)state;
	core_error(r, -EINVAL, CPU "/isolated");
	ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(smt_pass_whole_cores),
		cmocka_unit_test(smt_warn_split),
		cmocka_unit_test(smt_pass_off),
		cmocka_unit_test(smt_pass_notsupported),
		cmocka_unit_test(smt_warn_no_isolation),
		cmocka_unit_test(smt_warn_notimplemented),
		cmocka_unit_test(smt_na_no_information),
		cmocka_unit_test(smt_error_control_garbage),
		cmocka_unit_test(smt_error_active_garbage),
		cmocka_unit_test(smt_error_siblings_garbage),
		cmocka_unit_test(smt_error_siblings_eacces),
		cmocka_unit_test(smt_error_broken),
		cmocka_unit_test(boot_pass),
		cmocka_unit_test(boot_warn_isolated),
		cmocka_unit_test(boot_warn_requested),
		cmocka_unit_test(boot_na_no_cpu0),
		cmocka_unit_test(boot_error_missing),
		cmocka_unit_test(boot_error_cmdline),
		cmocka_unit_test(boot_error_online_eacces),
		cmocka_unit_test(nohz_in_iso_pass),
		cmocka_unit_test(nohz_in_iso_warn),
		cmocka_unit_test(nohz_in_iso_pass_cgroup),
		cmocka_unit_test(nohz_in_iso_na),
		cmocka_unit_test(nohz_in_iso_na_unsupported),
		cmocka_unit_test(nohz_in_iso_cmdline_boot_cpu),
		cmocka_unit_test(nohz_in_iso_error_eio),
		cmocka_unit_test(hk_pass),
		cmocka_unit_test(hk_pass_kernel_fallback),
		cmocka_unit_test(hk_pass_cmdline_fallback),
		cmocka_unit_test(hk_fail_every_cpu),
		cmocka_unit_test(hk_fail_offline),
		cmocka_unit_test(hk_error_missing),
		cmocka_unit_test(hk_error_isolated_eacces),
		cmocka_unit_test(hk_error_online_garbage),
		cmocka_unit_test(siblings_pass),
		cmocka_unit_test(siblings_fail),
		cmocka_unit_test(siblings_fail_boot_core),
		cmocka_unit_test(siblings_pass_smt_off),
		cmocka_unit_test(siblings_na),
		cmocka_unit_test(siblings_error_missing_list),
		cmocka_unit_test(siblings_error_garbage),
		cmocka_unit_test(siblings_error_broken),
		cmocka_unit_test(xrcu_pass),
		cmocka_unit_test(xrcu_warn_thread_missing),
		cmocka_unit_test(xrcu_pass_rcuos_offline),
		cmocka_unit_test(xrcu_skip_no_processes),
		cmocka_unit_test(xrcu_na),
		cmocka_unit_test(xrcu_na_nothing_offloaded),
		cmocka_unit_test(xrcu_warn_no_config),
		cmocka_unit_test(xrcu_error_proc),
		cmocka_unit_test(xrcu_error_broken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
