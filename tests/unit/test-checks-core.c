/*
 * Unit tests of kernel.preempt_rt (checks/kernel.c), sched.rt_runtime (checks/sched.c) and
 * mem.hugepages (checks/mem.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "core-helpers.h"

#define VERSION_FILE "/proc/sys/kernel/version"
#define CONFIG "/boot/config-6.1.0-27-rt-amd64"
#define RUNTIME "/proc/sys/kernel/sched_rt_runtime_us"
#define PERIOD "/proc/sys/kernel/sched_rt_period_us"
#define HP "/sys/kernel/mm/hugepages"
#define NODE "/sys/devices/system/node"
#define CMDLINE_RT "ro isolcpus=managed_irq,domain,2-3,6-7 nohz_full=2-3,6-7 rcu_nocbs=2-3,6-7"

/* ---- kernel.preempt_rt ---------------------------------------------------------------------- */

static void rt_pass_version(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-rt-good"), "kernel.preempt_rt");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_reason_has(r, "kernel 6.1.0-27-rt-amd64 is a PREEMPT_RT kernel");
	core_exp_bool(r, "preempt_rt", true);
	core_obs_bool(r, "preempt_rt", true);
	core_obs_str(r, "source", "the version string (uname -v) says PREEMPT_RT");
	core_evidence(r, VERSION_FILE, "PREEMPT_RT");
	core_evidence(r, CONFIG, "CONFIG_PREEMPT_RT=y");
	ctx_free(ctx);
}

static void rt_pass_old_string(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-old-rt"), "kernel.preempt_rt");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_reason_has(r, "PREEMPT RT (older RT patch sets)");
	core_evidence(r, "/boot/config-3.18.48-rt54", "CONFIG_PREEMPT_RT_FULL=y");
	ctx_free(ctx);
}

static void rt_pass_sysfs(void **state)
{
	char *root = core_tree(4, 1, "ro", NULL, NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_put(root, VERSION_FILE, "#1 SMP PREEMPT Thu Jan 5 10:00:00 UTC 2023");
	core_put(root, "/sys/kernel/realtime", "1");
	core_rm(root, CONFIG);
	r = core_run(&ctx, root, "kernel.preempt_rt");
	assert_status(r, RTHC_STATUS_PASS);
	core_obs_str(r, "source", "/sys/kernel/realtime is 1");
	core_evidence(r, "/sys/kernel/realtime", "1");
	ctx_free(ctx);
	core_tree_free(root);
}

static void rt_pass_config_only(void **state)
{
	char *root = core_tree(4, 1, "ro", NULL, NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_rm(root, VERSION_FILE);
	r = core_run(&ctx, root, "kernel.preempt_rt");
	assert_status(r, RTHC_STATUS_PASS);
	core_obs_str(r, "source", "the kernel config selects PREEMPT_RT");
	ctx_free(ctx);
	core_tree_free(root);
}

static void rt_fail(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-nonrt"), "kernel.preempt_rt");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "kernel 6.1.0-27-amd64 is not a PREEMPT_RT kernel (preemption model: "
			"voluntary");
	core_obs_bool(r, "preempt_rt", false);
	core_obs_str(r, "preempt_model", "voluntary");
	core_evidence(r, "/boot/config-6.1.0-27-amd64", "CONFIG_PREEMPT_RT is not set");
	core_action(r, RTHC_ACTION_MANUAL, "kernel", "PREEMPT_RT");
	assert_true(r->remediation->requires_reboot);
	ctx_free(ctx);
}

static void rt_fail_config_only(void **state)
{
	char *root = core_tree(4, 1, "ro", NULL, NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_rm(root, VERSION_FILE);
	write_file(root, CONFIG, "CONFIG_PREEMPT_VOLUNTARY=y\n");
	r = core_run(&ctx, root, "kernel.preempt_rt");
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "judged from " CONFIG);
	ctx_free(ctx);
	core_tree_free(root);
}

static void rt_error_garbage(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-broken"), "kernel.preempt_rt");

	(void)state;
	core_error(r, -EINVAL, VERSION_FILE);
	core_reason_has(r, "\"garbage\" is not a kernel version string");
	ctx_free(ctx);
}

static void rt_error_missing(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-missing"), "kernel.preempt_rt");

	(void)state;
	core_error(r, -ENOENT, VERSION_FILE);
	ctx_free(ctx);
}

static void rt_error_empty(void **state)
{
	char *root = core_tree(4, 1, "ro", NULL, NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	write_file(root, VERSION_FILE, "\n");
	core_rm(root, CONFIG);
	r = core_run(&ctx, root, "kernel.preempt_rt");
	core_error(r, -ENODATA, VERSION_FILE);
	ctx_free(ctx);
	core_tree_free(root);
}

static void rt_error_eacces(void **state)
{
	char *root = core_tree(4, 1, "ro", NULL, NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_rm(root, CONFIG);
	ctx = core_ctx(root, NULL, VERSION_FILE, -EACCES);
	r = run_check(ctx, "kernel.preempt_rt");
	core_error(r, -EACCES, VERSION_FILE);
	ctx_free(ctx);
	core_tree_free(root);
}

/* ---- sched.rt_runtime ----------------------------------------------------------------------- */

static char *sched_tree(const char *release, const char *runtime, const char *config)
{
	char *root = core_tree(4, 1, "ro", NULL, NULL);

	if (release)
		core_put(root, "/proc/sys/kernel/osrelease", release);
	core_put(root, RUNTIME, runtime);
	if (config) {
		char path[128];

		snprintf(path, sizeof(path), "/boot/config-%s", release);
		write_file(root, path, config);
	}
	return root;
}

static void sched_pass(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-rt-good"), "sched.rt_runtime");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_exp_int(r, "value", -1);
	core_obs_int(r, "value", -1);
	core_evidence(r, RUNTIME, "-1");
	assert_null(r->remediation);
	ctx_free(ctx);
}

static void sched_fail(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, fixture_dir("core-nonrt"), "sched.rt_runtime");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "at most 950000 µs of every 1000000 µs and then wait 50000 µs");
	core_obs_int(r, "value", 950000);
	core_obs_int(r, "period", 1000000);
	core_obs_bool(r, "fair_server", false);
	core_action(r, RTHC_ACTION_SYSCTL, "kernel.sched_rt_runtime_us", "-1");
	assert_true(r->remediation->automated);
	assert_false(r->remediation->requires_reboot);
	ctx_free(ctx);
}

/* runtime == period never throttles (sched_rt_runtime_exceeded()). */
static void sched_pass_equal_period(void **state)
{
	char *root = sched_tree(NULL, "1000000", NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "sched.rt_runtime");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_reason_has(r, "never engages");
	core_obs_int(r, "period", 1000000);
	ctx_free(ctx);
	core_tree_free(root);
}

/* Kernel wins over the catalog's "-1": on 6.12+ the fair server replaced throttling. */
static void sched_info_fair_server(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-6.12-fair-server"), "sched.rt_runtime");

	(void)state;
	assert_status(r, RTHC_STATUS_INFO);
	core_reason_has(r, "admission control only");
	core_reason_has(r, "/sys/kernel/debug/sched/fair_server exists");
	core_obs_int(r, "value", 950000);
	core_obs_bool(r, "fair_server", true);
	assert_null(r->remediation);
	ctx_free(ctx);
}

static void sched_info_release(void **state)
{
	char *root = sched_tree("6.12.1-rt1", "950000", "# CONFIG_RT_GROUP_SCHED is not set\n");
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "sched.rt_runtime");

	(void)state;
	assert_status(r, RTHC_STATUS_INFO);
	core_reason_has(r, "6.12 or newer");
	ctx_free(ctx);
	core_tree_free(root);
}

static void sched_fail_rt_group(void **state)
{
	char *root = sched_tree("6.13.0", "950000", "CONFIG_RT_GROUP_SCHED=y\n");
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "sched.rt_runtime");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "CONFIG_RT_GROUP_SCHED keeps throttling");
	core_action(r, RTHC_ACTION_SYSCTL, "kernel.sched_rt_runtime_us", "-1");
	ctx_free(ctx);
	core_tree_free(root);
}

static void sched_warn_no_config(void **state)
{
	char *root = sched_tree("7.0.0", "900000", NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "sched.rt_runtime");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "kernel config is not available");
	ctx_free(ctx);
	core_tree_free(root);
}

static void sched_error_garbage(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-broken"), "sched.rt_runtime");

	(void)state;
	core_error(r, -EINVAL, RUNTIME);
	ctx_free(ctx);
}

static void sched_error_missing(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		core_run(&ctx, fixture_dir("core-missing"), "sched.rt_runtime");

	(void)state;
	core_error(r, -ENOENT, RUNTIME);
	ctx_free(ctx);
}

static void sched_error_eacces(void **state)
{
	struct rthc_ctx *ctx = core_ctx(fixture_dir("core-rt-good"), NULL, RUNTIME, -EACCES);
	const struct rthc_result *r = run_check(ctx, "sched.rt_runtime");

	(void)state;
	core_error(r, -EACCES, RUNTIME);
	ctx_free(ctx);
}

static void sched_error_range(void **state)
{
	char *root = sched_tree(NULL, "-5", NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r = core_run(&ctx, root, "sched.rt_runtime");

	(void)state;
	core_error(r, -ERANGE, RUNTIME);
	ctx_free(ctx);
	core_tree_free(root);
}

static void sched_error_period(void **state)
{
	char *root = sched_tree(NULL, "950000", NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_put(root, PERIOD, "1e6");
	r = core_run(&ctx, root, "sched.rt_runtime");
	core_error(r, -EINVAL, PERIOD);
	ctx_free(ctx);
	core_tree_free(root);
}

static void sched_pass_no_period(void **state)
{
	char *root = sched_tree(NULL, "-1", NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_rm(root, PERIOD);
	r = core_run(&ctx, root, "sched.rt_runtime");
	assert_status(r, RTHC_STATUS_PASS);
	ctx_free(ctx);
	core_tree_free(root);
}

/* ---- mem.hugepages -------------------------------------------------------------------------- */

static void pool(const char *root, const char *dir, unsigned kb, unsigned nr, unsigned free_,
		 int resv, unsigned surplus)
{
	char path[256], val[32];

	snprintf(path, sizeof(path), "%s/hugepages-%ukB/nr_hugepages", dir, kb);
	snprintf(val, sizeof(val), "%u", nr);
	core_put(root, path, val);
	snprintf(path, sizeof(path), "%s/hugepages-%ukB/free_hugepages", dir, kb);
	snprintf(val, sizeof(val), "%u", free_);
	core_put(root, path, val);
	snprintf(path, sizeof(path), "%s/hugepages-%ukB/surplus_hugepages", dir, kb);
	snprintf(val, sizeof(val), "%u", surplus);
	core_put(root, path, val);
	if (resv >= 0) {
		snprintf(path, sizeof(path), "%s/hugepages-%ukB/resv_hugepages", dir, kb);
		snprintf(val, sizeof(val), "%d", resv);
		core_put(root, path, val);
	}
}

static const struct rthc_result *hp_run(struct rthc_ctx **ctx, const char *root,
					const char *const *sets)
{
	*ctx = core_ctx(root, sets, NULL, 0);
	return run_check(*ctx, "mem.hugepages");
}

static void hp_pass(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = hp_run(&ctx, fixture_dir("core-rt-good"), NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_reason_has(r, "on every NUMA node with isolated CPUs");
	core_reason_has(r, "2 of 4 1048576kB pages"); /* free − resv of total */
	core_obs_path_int(r, (const char *const[]){"pools", "1048576kB", "total", NULL}, 4);
	core_obs_path_int(r, (const char *const[]){"pools", "1048576kB", "free", NULL}, 3);
	core_obs_path_int(r, (const char *const[]){"pools", "1048576kB", "reserved", NULL}, 1);
	core_obs_path_int(r, (const char *const[]){"pools", "2048kB", "free", NULL}, 896);
	core_obs_path_int(r, (const char *const[]){"nodes", "0", "1048576kB", "free", NULL}, 1);
	core_obs_path_int(r, (const char *const[]){"nodes", "1", "2048kB", "total", NULL}, 512);
	core_evidence(r, HP, "hugepages-1048576kB: nr 4, free 3, resv 1, surplus 0");
	core_nitems(r, 0);
	ctx_free(ctx);
}

static void hp_warn_none(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = hp_run(&ctx, fixture_dir("core-nonrt"), NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "no hugepages are reserved");
	core_obs_path_int(r, (const char *const[]){"pools", "2048kB", "total", NULL}, 0);
	core_item(r, "node 0", "has CPUs, but no hugepages");
	ctx_free(ctx);
}

static void hp_warn_node(void **state)
{
	char *root = core_tree(8, 2, CMDLINE_RT, "2-3,6-7", "2-3,6-7");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pool(root, HP, 1048576, 4, 4, 0, 0);
	pool(root, NODE "/node0/hugepages", 1048576, 4, 4, -1, 0);
	pool(root, NODE "/node1/hugepages", 1048576, 0, 0, -1, 0);
	r = hp_run(&ctx, root, NULL);
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "1 NUMA node with isolated CPUs has no hugepages");
	core_nitems(r, 1);
	core_item(r, "node 1", "has isolated CPUs");
	core_no_item(r, "node 0");
	core_action(r, RTHC_ACTION_SYSFS, NODE "/node1/hugepages/hugepages-1048576kB/nr_hugepages",
		    NULL);
	ctx_free(ctx);
	core_tree_free(root);
}

static void hp_demand_pass(void **state)
{
	const char *const sets[] = {"hugepages_per_node=1", NULL};
	struct rthc_ctx *ctx;
	const struct rthc_result *r = hp_run(&ctx, fixture_dir("core-rt-good"), sets);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	core_exp_int(r, "free_per_node", 1);
	core_exp_int(r, "page_size_kb", 1048576);
	ctx_free(ctx);
}

static void hp_demand_fail(void **state)
{
	const char *const sets[] = {"hugepages_per_node=2", NULL};
	struct rthc_ctx *ctx;
	const struct rthc_result *r = hp_run(&ctx, fixture_dir("core-rt-good"), sets);

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "1 NUMA node with isolated CPUs has fewer than the 2 free 1048576kB "
			"hugepages");
	core_nitems(r, 1);
	core_item(r, "node 0", "1 free of the 2 1048576kB pages needed");
	/* one page in use plus the two needed */
	core_action(r, RTHC_ACTION_SYSFS, NODE "/node0/hugepages/hugepages-1048576kB/nr_hugepages",
		    "3");
	ctx_free(ctx);
}

static void hp_demand_2m(void **state)
{
	const char *const sets[] = {"hugepages_per_node=400", "hugepage_size=2M", NULL};
	struct rthc_ctx *ctx;
	const struct rthc_result *r = hp_run(&ctx, fixture_dir("core-rt-good"), sets);

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	core_exp_int(r, "page_size_kb", 2048);
	core_item(r, "node 0", "384 free of the 400 2048kB pages");
	core_no_item(r, "node 1");
	core_action(r, RTHC_ACTION_SYSFS, NODE "/node0/hugepages/hugepages-2048kB/nr_hugepages",
		    "528");
	ctx_free(ctx);
}

/* Without node pools the global free − reserved count decides. */
static void hp_demand_global(void **state)
{
	const char *const sets[] = {"hugepages_per_node=4", NULL};
	char *root = core_tree(8, 1, CMDLINE_RT, "2-3,6-7", "2-3,6-7");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pool(root, HP, 1048576, 4, 4, 1, 0);
	r = hp_run(&ctx, root, sets);
	assert_status(r, RTHC_STATUS_FAIL);
	core_reason_has(r, "only 3 1048576kB hugepages are free (free − reserved), but 4 are "
			"needed");
	ctx_free(ctx);
	core_tree_free(root);
}

static void hp_error_bad_demand(void **state)
{
	const char *const sets[] = {"hugepages_per_node=lots", NULL};
	struct rthc_ctx *ctx;
	const struct rthc_result *r = hp_run(&ctx, fixture_dir("core-rt-good"), sets);

	(void)state;
	core_error(r, -EINVAL, "--set hugepages_per_node=lots");
	ctx_free(ctx);
}

static void hp_error_bad_size(void **state)
{
	const char *const sets[] = {"hugepages_per_node=1", "hugepage_size=huge", NULL};
	struct rthc_ctx *ctx;
	const struct rthc_result *r = hp_run(&ctx, fixture_dir("core-rt-good"), sets);

	(void)state;
	core_error(r, -EINVAL, "--set hugepage_size=huge");
	ctx_free(ctx);
}

static void hp_warn_no_hugetlbfs(void **state)
{
	char *root = core_tree(4, 1, "ro", NULL, NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	write_file(root, CONFIG, "CONFIG_PREEMPT_RT=y\n# CONFIG_HUGETLBFS is not set\n");
	r = hp_run(&ctx, root, NULL);
	assert_status(r, RTHC_STATUS_WARN);
	core_reason_has(r, "without CONFIG_HUGETLBFS (no " HP ")");
	ctx_free(ctx);
	core_tree_free(root);
}

static void hp_error_missing(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = hp_run(&ctx, fixture_dir("core-missing"), NULL);

	(void)state;
	core_error(r, -ENOENT, HP);
	ctx_free(ctx);
}

static void hp_error_garbage(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = hp_run(&ctx, fixture_dir("core-broken"), NULL);

	(void)state;
	core_error(r, -EINVAL, HP "/hugepages-2048kB/nr_hugepages");
	ctx_free(ctx);
}

static void hp_error_inconsistent(void **state)
{
	char *root = core_tree(4, 1, "ro", NULL, NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pool(root, HP, 2048, 4, 9, 0, 0);
	r = hp_run(&ctx, root, NULL);
	core_error(r, -ERANGE, HP "/hugepages-2048kB");
	ctx_free(ctx);
	core_tree_free(root);
}

static void hp_error_node_eacces(void **state)
{
	const char *path = NODE "/node1/hugepages/hugepages-1048576kB/free_hugepages";
	struct rthc_ctx *ctx = core_ctx(fixture_dir("core-rt-good"), NULL, path, -EACCES);
	const struct rthc_result *r = run_check(ctx, "mem.hugepages");

	(void)state;
	core_error(r, -EACCES, path);
	ctx_free(ctx);
}

static void hp_error_dir_eacces(void **state)
{
	struct rthc_ctx *ctx = core_ctx(fixture_dir("core-rt-good"), NULL, HP, -EACCES);
	const struct rthc_result *r = run_check(ctx, "mem.hugepages");

	(void)state;
	core_error(r, -EACCES, HP);
	ctx_free(ctx);
}

/* Which nodes need pages depends on the isolated set: a garbage isolated file is an error. */
static void hp_error_isolated(void **state)
{
	char *root = core_tree(8, 2, CMDLINE_RT, "2-3,6-", "2-3,6-7");
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pool(root, HP, 1048576, 4, 4, 0, 0);
	r = hp_run(&ctx, root, NULL);
	core_error(r, -EINVAL, "/sys/devices/system/cpu/isolated");
	ctx_free(ctx);
	core_tree_free(root);
}

static void hp_error_no_pools(void **state)
{
	char *root = core_tree(4, 1, "ro", NULL, NULL);
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	core_put(root, HP "/README", "not a pool");
	r = hp_run(&ctx, root, NULL);
	core_error(r, -ENODATA, HP);
	ctx_free(ctx);
	core_tree_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rt_pass_version),
		cmocka_unit_test(rt_pass_old_string),
		cmocka_unit_test(rt_pass_sysfs),
		cmocka_unit_test(rt_pass_config_only),
		cmocka_unit_test(rt_fail),
		cmocka_unit_test(rt_fail_config_only),
		cmocka_unit_test(rt_error_garbage),
		cmocka_unit_test(rt_error_missing),
		cmocka_unit_test(rt_error_empty),
		cmocka_unit_test(rt_error_eacces),
		cmocka_unit_test(sched_pass),
		cmocka_unit_test(sched_fail),
		cmocka_unit_test(sched_pass_equal_period),
		cmocka_unit_test(sched_info_fair_server),
		cmocka_unit_test(sched_info_release),
		cmocka_unit_test(sched_fail_rt_group),
		cmocka_unit_test(sched_warn_no_config),
		cmocka_unit_test(sched_error_garbage),
		cmocka_unit_test(sched_error_missing),
		cmocka_unit_test(sched_error_eacces),
		cmocka_unit_test(sched_error_range),
		cmocka_unit_test(sched_error_period),
		cmocka_unit_test(sched_pass_no_period),
		cmocka_unit_test(hp_pass),
		cmocka_unit_test(hp_warn_none),
		cmocka_unit_test(hp_warn_node),
		cmocka_unit_test(hp_demand_pass),
		cmocka_unit_test(hp_demand_fail),
		cmocka_unit_test(hp_demand_2m),
		cmocka_unit_test(hp_demand_global),
		cmocka_unit_test(hp_error_bad_demand),
		cmocka_unit_test(hp_error_bad_size),
		cmocka_unit_test(hp_warn_no_hugetlbfs),
		cmocka_unit_test(hp_error_missing),
		cmocka_unit_test(hp_error_garbage),
		cmocka_unit_test(hp_error_inconsistent),
		cmocka_unit_test(hp_error_node_eacces),
		cmocka_unit_test(hp_error_dir_eacces),
		cmocka_unit_test(hp_error_isolated),
		cmocka_unit_test(hp_error_no_pools),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
