/*
 * Unit tests of the boot command line isolation checks (checks/cmdline.c): cmdline.isolcpus,
 * cmdline.isolcpus.managed_irq, cmdline.nohz_full and cmdline.rcu_nocbs, on the core-* fixture
 * trees and on small trees built per test.
 */
#include <errno.h>
#include <stdlib.h>

#include "core-helpers.h"

#define ISOLATED "/sys/devices/system/cpu/isolated"
#define NOHZ_FULL "/sys/devices/system/cpu/nohz_full"
#define CGROUP_ISOLATED "/sys/fs/cgroup/cpuset.cpus.isolated"
#define CONFIG "/boot/config-6.1.0-27-rt-amd64"
#define CMDLINE_RT "ro isolcpus=managed_irq,domain,2-3,6-7 nohz_full=2-3,6-7 rcu_nocbs=2-3,6-7"

/* ---- cmdline.isolcpus --------------------------------------------------------------------- */

static void isolcpus_pass(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-rt-good"), "cmdline.isolcpus");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_reason_has(r, "CPUs 2-3,6-7 are isolated");
	core_exp_bool(r, "isolated", true);
	core_obs_bool(r, "isolated", true);
	core_obs_str(r, "cmdline", "2-3,6-7");
	core_obs_str(r, "flags", "managed_irq,domain");
	core_obs_str(r, "effective", "2-3,6-7");
	core_evidence(r, "/proc/cmdline", "isolcpus=managed_irq,domain,2-3,6-7");
	core_evidence(r, ISOLATED, "2-3,6-7");
	assert_null(r->remediation);
	ctx_free(ctx);
}

static void isolcpus_fail_none(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, fixture_dir("core-nonrt"), "cmdline.isolcpus");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "no isolcpus=");
	core_obs_bool(r, "isolated", false);
	core_obs_null(r, "cmdline");
	core_obs_str(r, "effective", "");
	/* Nothing isolated: suggest all but the first core (0 and its sibling 4) of the node. */
	core_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", "managed_irq,domain,1-3,5-7");
	assert_true(r->remediation->requires_reboot);
	ctx_free(ctx);
}

static void isolcpus_fail_no_domain(void **state)
{
	char *root = core_tree(8, 1, "ro isolcpus=nohz,managed_irq,2-3", "", "2-3");
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "cmdline.isolcpus");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "has no domain flag");
	core_obs_str(r, "flags", "nohz,managed_irq");
	core_obs_str(r, "cmdline", "2-3");
	/* The nohz flag the user gave is kept. */
	core_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", "nohz,managed_irq,domain,2-3");
	ctx_free(ctx);
	core_tree_free(root);
}

static void isolcpus_fail_malformed(void **state)
{
	char *root = core_tree(8, 1, "ro isolcpus=domain,2-x", "", "");
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "cmdline.isolcpus");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "isolcpus=domain,2-x is malformed");
	core_obs_null(r, "cmdline");
	ctx_free(ctx);
	core_tree_free(root);
}

/* The kernel ignored a well-formed isolcpus= ("nohz_full= must match isolcpus=" before 5.17). */
static void isolcpus_fail_kernel_ignored(void **state)
{
	char *root = core_tree(8, 1, "ro nohz_full=2-3 isolcpus=2-5", "", "2-3");
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "cmdline.isolcpus");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "the kernel isolated no CPU (" ISOLATED " is empty)");
	core_obs_str(r, "cmdline", "2-5");
	core_obs_str(r, "effective", "");
	ctx_free(ctx);
	core_tree_free(root);
}

/* Kernel wins: every CPU listed, the kernel kept the boot CPU (housekeeping_setup()). */
static void isolcpus_warn_kernel_differs(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-boot-fallback"), "cmdline.isolcpus");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "the kernel isolated CPUs 1-7, not the 0-7");
	core_obs_str(r, "cmdline", "0-7");
	core_obs_str(r, "effective", "1-7");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", "managed_irq,domain,1-7");
	ctx_free(ctx);
}

static void isolcpus_pass_cgroup(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-cgroup-partition"), "cmdline.isolcpus");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_reason_has(r, "CPUs 4-7 are isolated by a cgroup v2 isolated partition");
	core_obs_str(r, "cgroup_isolated", "4-7");
	core_obs_str(r, "effective", "");
	core_evidence(r, CGROUP_ISOLATED, "4-7");
	ctx_free(ctx);
}

/* No sysfs isolated file (3.18): judged from the command line. */
static void isolcpus_pass_cmdline_only(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-old-rt"), "cmdline.isolcpus");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_reason_has(r, "CPUs 0-2 are isolated");
	core_obs_null(r, "effective");
	core_obs_str(r, "cmdline", "0-2");
	core_obs_str(r, "flags", "domain");
	ctx_free(ctx);
}

static void isolcpus_fail_old_kernel_remedy(void **state)
{
	char *root = core_tree(8, 1, "ro quiet", "", "");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_put(root, "/proc/sys/kernel/osrelease", "4.9.0-19-rt-amd64");
	r = core_run(&ctx, root, "cmdline.isolcpus");
	assert_status(r, RTHC_STATUS_FAIL);
	/* Before 4.15 a flag makes the kernel reject the whole list. */
	core_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", "1-3,5-7");
	ctx_free(ctx);
	core_tree_free(root);
}

static void isolcpus_error_garbage(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-broken"), "cmdline.isolcpus");

	(void)state;
	core_error(r, -EINVAL, ISOLATED);
	core_evidence(r, ISOLATED, "unexpected content");
	ctx_free(ctx);
}

/* A zero-length file is truncated: the kernel always writes at least a newline. */
static void isolcpus_error_truncated(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_RT, "2-3,6-7", "2-3,6-7");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	write_file(root, ISOLATED, "");
	r = core_run(&ctx, root, "cmdline.isolcpus");
	core_error(r, -ENODATA, ISOLATED);
	ctx_free(ctx);
	core_tree_free(root);
}

static void isolcpus_error_eacces(void **state)
{
	struct rthc_ctx *ctx = core_ctx(fixture_dir("core-rt-good"), NULL, ISOLATED, -EACCES);
	const struct rthc_result *r = run_check(ctx, "cmdline.isolcpus");

	(void)state;
	core_error(r, -EACCES, ISOLATED);
	core_reason_has(r, "Permission denied");
	ctx_free(ctx);
}

static void isolcpus_error_no_cmdline(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_RT, "2-3,6-7", "2-3,6-7");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_rm(root, "/proc/cmdline");
	r = core_run(&ctx, root, "cmdline.isolcpus");
	core_error(r, -ENOENT, "/proc/cmdline");
	ctx_free(ctx);
	core_tree_free(root);
}

static void isolcpus_error_cgroup_garbage(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_RT, "2-3,6-7", "2-3,6-7");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_put(root, CGROUP_ISOLATED, "4-");
	r = core_run(&ctx, root, "cmdline.isolcpus");
	core_error(r, -EINVAL, CGROUP_ISOLATED);
	ctx_free(ctx);
	core_tree_free(root);
}

static void isolcpus_error_missing_tree(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-missing"), "cmdline.isolcpus");

	(void)state;
	core_error(r, -ENOENT, "/sys/devices/system/cpu/possible");
	ctx_free(ctx);
}

/* ---- cmdline.isolcpus.managed_irq ----------------------------------------------------------- */

static void managed_pass(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-rt-good"), "cmdline.isolcpus.managed_irq");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_exp_bool(r, "managed_irq", true);
	core_obs_bool(r, "managed_irq", true);
	core_exp_str(r, "cpus", "2-3,6-7");
	core_obs_str(r, "cpus", "2-3,6-7");
	core_nitems(r, 0);
	ctx_free(ctx);
}

static void managed_warn_missing(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, fixture_dir("core-managed-missing"),
					       "cmdline.isolcpus.managed_irq");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "lacks the managed_irq flag");
	core_reason_has(r, "2-3,6-7");
	core_obs_bool(r, "managed_irq", false);
	core_obs_str(r, "cpus", "");
	core_nitems(r, 4);
	core_item(r, "cpu 6", "not covered");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", "managed_irq,domain,2-3,6-7");
	ctx_free(ctx);
}

static void managed_warn_partial(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-nohz-outside"), "cmdline.isolcpus.managed_irq");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "the isolated CPUs 2-3 are outside the isolcpus=managed_irq list");
	core_obs_bool(r, "managed_irq", true);
	core_obs_str(r, "cpus", "4-7");
	core_exp_str(r, "cpus", "2-7");
	core_nitems(r, 2);
	core_item(r, "cpu 2", NULL);
	core_no_item(r, "cpu 4");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", "managed_irq,domain,2-7");
	ctx_free(ctx);
}

/* Isolation by a cgroup partition: the fix is managed_irq alone, without domain. */
static void managed_warn_cgroup(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, fixture_dir("core-cgroup-partition"),
					       "cmdline.isolcpus.managed_irq");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "no valid isolcpus= parameter");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", "managed_irq,4-7");
	ctx_free(ctx);
}

static void managed_na(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-nonrt"), "cmdline.isolcpus.managed_irq");

	(void)state;
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	core_reason_has(r, "no CPU is isolated");
	ctx_free(ctx);
}

/* Kernel wins: before 5.6 the flag is skipped as unknown. */
static void managed_warn_old_kernel(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_RT, "2-3,6-7", "2-3,6-7");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_put(root, "/proc/sys/kernel/osrelease", "5.4.0-1030-realtime");
	r = core_run(&ctx, root, "cmdline.isolcpus.managed_irq");
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "predates isolcpus=managed_irq (5.6)");
	core_obs_bool(r, "managed_irq", false);
	core_action(r, RTHC_ACTION_MANUAL, "kernel", ">= 5.6");
	ctx_free(ctx);
	core_tree_free(root);
}

static void managed_warn_old_fixture(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-old-rt"), "cmdline.isolcpus.managed_irq");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "kernel 3.18.48-rt54 predates isolcpus=managed_irq");
	core_nitems(r, 3);
	ctx_free(ctx);
}

static void managed_error_nohz_eio(void **state)
{
	struct rthc_ctx *ctx = core_ctx(fixture_dir("core-rt-good"), NULL, NOHZ_FULL, -EIO);
	const struct rthc_result *r = run_check(ctx, "cmdline.isolcpus.managed_irq");

	(void)state;
	core_error(r, -EIO, NOHZ_FULL);
	ctx_free(ctx);
}

static void managed_error_cmdline_eacces(void **state)
{
	struct rthc_ctx *ctx =
		core_ctx(fixture_dir("core-rt-good"), NULL, "/proc/cmdline", -EACCES);
	const struct rthc_result *r = run_check(ctx, "cmdline.isolcpus.managed_irq");

	(void)state;
	core_error(r, -EACCES, "/proc/cmdline");
	ctx_free(ctx);
}

/* ---- cmdline.nohz_full ---------------------------------------------------------------------- */

static void nohz_pass(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-rt-good"), "cmdline.nohz_full");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_exp_str(r, "cpus", "2-3,6-7");
	core_obs_str(r, "cpus", "2-3,6-7");
	core_evidence(r, NOHZ_FULL, "2-3,6-7");
	core_evidence(r, "/proc/cmdline", "nohz_full=2-3,6-7");
	ctx_free(ctx);
}

static void nohz_fail_none(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-nonrt"), "cmdline.nohz_full");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "no CPU is isolated");
	core_obs_str(r, "cpus", ""); /* "  (null)": padded to nr_cpu_ids columns */
	core_evidence(r, NOHZ_FULL, "none");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "nohz_full", "1-3,5-7");
	ctx_free(ctx);
}

static void nohz_fail_missing(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-all-isolated"), "cmdline.nohz_full");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "the isolated CPUs 2-3 still take the periodic tick");
	core_exp_str(r, "cpus", "2-3");
	core_obs_str(r, "cpus", "");
	core_nitems(r, 2);
	core_item(r, "cpu 3", "periodic tick");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "nohz_full", "2-3");
	ctx_free(ctx);
}

static void nohz_fail_one_missing(void **state)
{
	char *root =
		core_tree(8, 1, "ro isolcpus=domain,2-3,6-7 nohz_full=2-3,6", "2-3,6-7", "2-3,6");
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "cmdline.nohz_full");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "the isolated CPU 7 still takes the periodic tick");
	core_nitems(r, 1);
	core_item(r, "cpu 7", NULL);
	core_action(r, RTHC_ACTION_KERNEL_ARG, "nohz_full", "2-3,6-7");
	ctx_free(ctx);
	core_tree_free(root);
}

static void nohz_fail_kernel_ignored(void **state)
{
	char *root = core_tree(8, 1, "ro isolcpus=nohz,domain,2-3 nohz_full=2-5", "2-3", "");
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "cmdline.nohz_full");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "the kernel ignored nohz_full=2-5 (" NOHZ_FULL " is empty)");
	ctx_free(ctx);
	core_tree_free(root);
}

static void nohz_fail_unsupported(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-no-nohz-full"), "cmdline.nohz_full");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "without CONFIG_NO_HZ_FULL (no " NOHZ_FULL ")");
	core_obs_str(r, "cpus", "");
	core_action(r, RTHC_ACTION_MANUAL, "kernel", "CONFIG_NO_HZ_FULL=y");
	ctx_free(ctx);
}

/* No config and no nohz_full file, but an isolated file: the kernel has no CONFIG_NO_HZ_FULL. */
static void nohz_fail_unsupported_no_config(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_RT, "2-3,6-7", NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_rm(root, CONFIG);
	r = core_run(&ctx, root, "cmdline.nohz_full");
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "CONFIG_NO_HZ_FULL");
	ctx_free(ctx);
	core_tree_free(root);
}

/* Kernel wins: tick_nohz_init() drops the boot CPU, so nohz_full=0-2 means 1-2. */
static void nohz_pass_boot_cpu_dropped(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-old-rt"), "cmdline.nohz_full");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_exp_str(r, "cpus", "1-2");
	core_obs_str(r, "cpus", "1-2");
	ctx_free(ctx);
}

/* With CONFIG_PM_SLEEP_SMP_NONZERO_CPU the boot CPU may run nohz_full. */
static void nohz_pass_boot_cpu_kept(void **state)
{
	char *root = core_tree(4, 1, "ro isolcpus=0-2 nohz_full=0-2", NULL, NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	write_file(root, CONFIG, "CONFIG_PM_SLEEP_SMP=y\nCONFIG_PM_SLEEP_SMP_NONZERO_CPU=y\n"
				 "CONFIG_NO_HZ_FULL=y\n");
	r = core_run(&ctx, root, "cmdline.nohz_full");
	assert_status(r, RTHC_STATUS_PASS);
	core_exp_str(r, "cpus", "0-2");
	core_obs_str(r, "cpus", "0-2");
	ctx_free(ctx);
	core_tree_free(root);
}

static void nohz_na_only_boot_cpu(void **state)
{
	char *root = core_tree(8, 1, "ro isolcpus=0", "0", "");
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "cmdline.nohz_full");

	(void)state;
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	core_reason_has(r, "boot CPU 0");
	ctx_free(ctx);
	core_tree_free(root);
}

static void nohz_error_garbage(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_RT, "2-3,6-7", "2-3,zz");
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "cmdline.nohz_full");

	(void)state;
	core_error(r, -EINVAL, NOHZ_FULL);
	ctx_free(ctx);
	core_tree_free(root);
}

static void nohz_error_truncated(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_RT, "2-3,6-7", NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	write_file(root, NOHZ_FULL, "");
	r = core_run(&ctx, root, "cmdline.nohz_full");
	core_error(r, -ENODATA, NOHZ_FULL);
	core_reason_has(r, "file is empty");
	ctx_free(ctx);
	core_tree_free(root);
}

static void nohz_error_eacces(void **state)
{
	struct rthc_ctx *ctx = core_ctx(fixture_dir("core-rt-good"), NULL, NOHZ_FULL, -EACCES);
	const struct rthc_result *r = run_check(ctx, "cmdline.nohz_full");

	(void)state;
	core_error(r, -EACCES, NOHZ_FULL);
	ctx_free(ctx);
}

/* ---- cmdline.rcu_nocbs ---------------------------------------------------------------------- */

static void rcu_pass(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-rt-good"), "cmdline.rcu_nocbs");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_exp_str(r, "cpus", "2-3,6-7");
	core_obs_str(r, "cpus", "2-3,6-7");
	core_evidence(r, "/proc/cmdline", "rcu_nocbs=2-3,6-7");
	ctx_free(ctx);
}

/* The kernel adds nohz_full CPUs to the offloaded set (rcu_init_nohz()). */
static void rcu_pass_implicit(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-nohz-outside"), "cmdline.rcu_nocbs");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_obs_str(r, "cpus", "2-7");
	ctx_free(ctx);
}

static void rcu_warn_missing(void **state)
{
	char *root =
		core_tree(8, 1, "ro isolcpus=domain,2-3,6-7 rcu_nocbs=2-3", "2-3,6-7", "(null)");
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "cmdline.rcu_nocbs");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "the isolated CPUs 6-7 still run their RCU callbacks");
	core_obs_str(r, "cpus", "2-3");
	core_nitems(r, 2);
	core_item(r, "cpu 7", "not offloaded");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "rcu_nocbs", "2-3,6-7");
	ctx_free(ctx);
	core_tree_free(root);
}

/* Kernel wins: a malformed list offloads every CPU ("rcu_nocbs= bad CPU range, all CPUs set"). */
static void rcu_warn_malformed(void **state)
{
	char *root = core_tree(8, 1, "ro isolcpus=domain,2-3,6-7 rcu_nocbs=2-3,6-x", "2-3,6-7",
			       "(null)");
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "cmdline.rcu_nocbs");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "rcu_nocbs=2-3,6-x is malformed, so the kernel offloads every CPU");
	core_obs_str(r, "cpus", "0-7");
	core_evidence(r, "/proc/cmdline", "offloads every CPU");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "rcu_nocbs", "2-3,6-7");
	ctx_free(ctx);
	core_tree_free(root);
}

static void rcu_warn_no_config(void **state)
{
	char *root = core_tree(8, 1, CMDLINE_RT, "2-3,6-7", "2-3,6-7");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	write_file(root, CONFIG, "CONFIG_NO_HZ_FULL=y\n# CONFIG_RCU_NOCB_CPU is not set\n");
	r = core_run(&ctx, root, "cmdline.rcu_nocbs");
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "built without CONFIG_RCU_NOCB_CPU");
	core_obs_str(r, "cpus", "");
	core_evidence(r, CONFIG, "CONFIG_RCU_NOCB_CPU");
	core_action(r, RTHC_ACTION_MANUAL, "kernel", "CONFIG_RCU_NOCB_CPU=y");
	ctx_free(ctx);
	core_tree_free(root);
}

static void rcu_pass_default_all(void **state)
{
	char *root = core_tree(8, 1, "ro isolcpus=2-3", "2-3", "(null)");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	write_file(root, CONFIG, "CONFIG_NO_HZ_FULL=y\nCONFIG_RCU_NOCB_CPU=y\n"
				 "CONFIG_RCU_NOCB_CPU_DEFAULT_ALL=y\n");
	r = core_run(&ctx, root, "cmdline.rcu_nocbs");
	assert_status(r, RTHC_STATUS_PASS);
	core_obs_str(r, "cpus", "0-7");
	core_evidence(r, CONFIG, "CONFIG_RCU_NOCB_CPU_DEFAULT_ALL");
	ctx_free(ctx);
	core_tree_free(root);
}

static void rcu_warn_none(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-nonrt"), "cmdline.rcu_nocbs");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	core_obs_str(r, "cpus", "");
	core_action(r, RTHC_ACTION_KERNEL_ARG, "rcu_nocbs", "1-3,5-7");
	ctx_free(ctx);
}

static void rcu_error_cmdline_missing(void **state)
{
	struct rthc_ctx *ctx =
		core_ctx(fixture_dir("core-rt-good"), NULL, "/proc/cmdline", -ENOENT);
	const struct rthc_result *r = run_check(ctx, "cmdline.rcu_nocbs");

	(void)state;
	core_error(r, -ENOENT, "/proc/cmdline");
	ctx_free(ctx);
}

static void rcu_error_garbage(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-broken"), "cmdline.rcu_nocbs");

	(void)state;
	core_error(r, -EINVAL, ISOLATED);
	ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(isolcpus_pass),
		cmocka_unit_test(isolcpus_fail_none),
		cmocka_unit_test(isolcpus_fail_no_domain),
		cmocka_unit_test(isolcpus_fail_malformed),
		cmocka_unit_test(isolcpus_fail_kernel_ignored),
		cmocka_unit_test(isolcpus_warn_kernel_differs),
		cmocka_unit_test(isolcpus_pass_cgroup),
		cmocka_unit_test(isolcpus_pass_cmdline_only),
		cmocka_unit_test(isolcpus_fail_old_kernel_remedy),
		cmocka_unit_test(isolcpus_error_garbage),
		cmocka_unit_test(isolcpus_error_truncated),
		cmocka_unit_test(isolcpus_error_eacces),
		cmocka_unit_test(isolcpus_error_no_cmdline),
		cmocka_unit_test(isolcpus_error_cgroup_garbage),
		cmocka_unit_test(isolcpus_error_missing_tree),
		cmocka_unit_test(managed_pass),
		cmocka_unit_test(managed_warn_missing),
		cmocka_unit_test(managed_warn_partial),
		cmocka_unit_test(managed_warn_cgroup),
		cmocka_unit_test(managed_na),
		cmocka_unit_test(managed_warn_old_kernel),
		cmocka_unit_test(managed_warn_old_fixture),
		cmocka_unit_test(managed_error_nohz_eio),
		cmocka_unit_test(managed_error_cmdline_eacces),
		cmocka_unit_test(nohz_pass),
		cmocka_unit_test(nohz_fail_none),
		cmocka_unit_test(nohz_fail_missing),
		cmocka_unit_test(nohz_fail_one_missing),
		cmocka_unit_test(nohz_fail_kernel_ignored),
		cmocka_unit_test(nohz_fail_unsupported),
		cmocka_unit_test(nohz_fail_unsupported_no_config),
		cmocka_unit_test(nohz_pass_boot_cpu_dropped),
		cmocka_unit_test(nohz_pass_boot_cpu_kept),
		cmocka_unit_test(nohz_na_only_boot_cpu),
		cmocka_unit_test(nohz_error_garbage),
		cmocka_unit_test(nohz_error_truncated),
		cmocka_unit_test(nohz_error_eacces),
		cmocka_unit_test(rcu_pass),
		cmocka_unit_test(rcu_pass_implicit),
		cmocka_unit_test(rcu_warn_missing),
		cmocka_unit_test(rcu_warn_malformed),
		cmocka_unit_test(rcu_warn_no_config),
		cmocka_unit_test(rcu_pass_default_all),
		cmocka_unit_test(rcu_warn_none),
		cmocka_unit_test(rcu_error_cmdline_missing),
		cmocka_unit_test(rcu_error_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
