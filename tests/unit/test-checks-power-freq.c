/*
 * Unit tests: power.governor, power.pstate_params, power.turbo, cmdline.pstate and
 * xcheck.pstate_governor (checks/power-freq.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "test-checks-power-helpers.h"

#define CPU "/sys/devices/system/cpu"

/* cpufreq for one CPU of a temp tree, linked the way sysfs does. */
static void freq(const char *root, int cpu, const char *driver, const char *gov, const char *min,
		 const char *max)
{
	char path[128], target[32], v[64];

	snprintf(path, sizeof(path), CPU "/cpufreq/policy%d/scaling_driver", cpu);
	snprintf(v, sizeof(v), "%s\n", driver);
	write_file(root, path, v);
	snprintf(path, sizeof(path), CPU "/cpufreq/policy%d/scaling_governor", cpu);
	snprintf(v, sizeof(v), "%s\n", gov);
	write_file(root, path, v);
	snprintf(path, sizeof(path), CPU "/cpufreq/policy%d/scaling_min_freq", cpu);
	snprintf(v, sizeof(v), "%s\n", min);
	write_file(root, path, v);
	snprintf(path, sizeof(path), CPU "/cpufreq/policy%d/scaling_max_freq", cpu);
	snprintf(v, sizeof(v), "%s\n", max);
	write_file(root, path, v);
	snprintf(path, sizeof(path), CPU "/cpu%d/cpufreq", cpu);
	snprintf(target, sizeof(target), "../cpufreq/policy%d", cpu);
	make_symlink(root, path, target);
}

static void governor_tuned_pass(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-tuned", "power.governor", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	assert_string_equal(pm_obs_str(r, "driver"), "intel_pstate");
	assert_string_equal(pm_obs_str(r, "governor"), "performance");
	assert_string_equal(pm_obs_str(r, "energy_performance_preference"), "performance");
	assert_string_equal(pm_obs_str(r, "cpus_not_pinned"), "");
	ctx_free(ctx);
}

static void governor_misconfigured_warn(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-misconfigured", "power.governor", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	assert_string_equal(pm_obs_str(r, "governor"), "schedutil");
	assert_string_equal(pm_obs_str(r, "cpus_not_pinned"), "4-7");
	assert_null(pm_obs_str(r, "energy_performance_preference"));
	assert_int_equal(r->nitems, 4);
	pm_assert_item(r, "cpu 6", "governor schedutil scales between 800000 and 3500000 kHz");
	pm_assert_action(r, CPU "/cpu6/cpufreq/scaling_governor", "performance");
	ctx_free(ctx);
}

static void governor_epp_warn(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-amd-pstate", "power.governor", NULL);

	(void)state;
	/* performance governor, but EPP balance_performance on the isolated CPUs. */
	assert_status(r, RTHC_STATUS_WARN);
	assert_string_equal(pm_obs_str(r, "energy_performance_preference"), "balance_performance");
	assert_string_equal(pm_obs_str(r, "cpus_not_pinned"), "2-3,6-7");
	pm_assert_item(r, "cpu 3", "energy_performance_preference is balance_performance");
	pm_assert_action(r, CPU "/cpu3/cpufreq/energy_performance_preference", "performance");
	ctx_free(ctx);
}

static void governor_fixed_frequency(void **state)
{
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pm_base(root, "", "2-3");
	/* powersave, but the range is a single frequency: nothing can change. */
	freq(root, 2, "intel_cpufreq", "powersave", "3000000", "3000000");
	freq(root, 3, "intel_cpufreq", "powersave", "3000000", "3000000");
	r = pm_run_root(&ctx, root, "power.governor", NULL);
	assert_status(r, RTHC_STATUS_PASS);
	assert_string_equal(pm_obs_str(r, "governor"), "powersave");
	ctx_free(ctx);
	/* One isolated CPU without cpufreq while the other has it. */
	tmpdir_remove(root);
	pm_base(root, "", "2-3");
	freq(root, 2, "acpi-cpufreq", "performance", "800000", "3000000");
	r = pm_run_root(&ctx, root, "power.governor", NULL);
	pm_assert_error(r, CPU "/cpu3/cpufreq");
	ctx_free(ctx);
	/* Nothing isolated: nothing to hold (xcheck.pstate_governor then looks at every CPU). */
	tmpdir_remove(root);
	pm_base(root, "intel_pstate=disable", "");
	freq(root, 1, "acpi-cpufreq", "ondemand", "800000", "3000000");
	r = pm_run_root(&ctx, root, "power.governor", NULL);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	ctx_free(ctx);
	r = pm_run_root(&ctx, root, "xcheck.pstate_governor", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_item(r, "cpu 1", "governor ondemand");
	pm_assert_item(r, "cpu 0", "no cpufreq driver");
	ctx_free(ctx);
	tmpdir_remove(root);
	free(root);
}

static void governor_no_cpufreq_garbage(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-no-cpuidle", "power.governor", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	pm_assert_reason(r, "the BIOS controls frequency");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-garbage", "power.governor", NULL);
	pm_assert_error(r, CPU "/cpu2/cpufreq/scaling_min_freq");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-pstate-off", "power.governor", NULL);
	assert_status(r, RTHC_STATUS_PASS);
	assert_string_equal(pm_obs_str(r, "driver"), "acpi-cpufreq");
	ctx_free(ctx);
}

static void pstate_params(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-tuned", "power.pstate_params", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(pm_obs_int(r, "min_perf_pct"), 100);
	assert_int_equal(pm_exp_int(r, "min_perf_pct"), 100);
	assert_false(pm_obs_bool(r, "no_turbo"));
	assert_string_equal(pm_obs_str(r, "intel_pstate"), "active");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-pstate-passive", "power.pstate_params", NULL);
	assert_status(r, RTHC_STATUS_INFO);
	assert_int_equal(pm_obs_int(r, "min_perf_pct"), 8);
	assert_true(pm_obs_bool(r, "no_turbo"));
	pm_assert_reason(r, "min_perf_pct 8");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-pstate-off", "power.pstate_params", NULL);
	assert_status(r, RTHC_STATUS_INFO);
	pm_assert_reason(r, "intel_pstate is off");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-amd-pstate", "power.pstate_params", NULL);
	assert_status(r, RTHC_STATUS_INFO);
	assert_string_equal(pm_obs_str(r, "amd_pstate"), "active");
	assert_null(pm_obs_str(r, "intel_pstate"));
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-no-cpuidle", "power.pstate_params", NULL);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	ctx_free(ctx);
}

static void pstate_params_bad(void **state)
{
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-garbage", "power.pstate_params", NULL);

	(void)state;
	pm_assert_error(r, CPU "/intel_pstate/status");
	ctx_free(ctx);
	pm_base(root, "", "2-3");
	write_file(root, CPU "/intel_pstate/status", "active\n");
	r = pm_run_root(&ctx, root, "power.pstate_params", NULL);
	pm_assert_error(r, CPU "/intel_pstate/min_perf_pct");
	assert_int_equal(r->err, -ENOENT);
	ctx_free(ctx);
	write_file(root, CPU "/intel_pstate/min_perf_pct", "100\n");
	r = pm_run_root(&ctx, root, "power.pstate_params", NULL);
	pm_assert_error(r, CPU "/intel_pstate/no_turbo");
	ctx_free(ctx);
	write_file(root, CPU "/intel_pstate/min_perf_pct", "150\n");
	r = pm_run_root(&ctx, root, "power.pstate_params", NULL);
	pm_assert_error(r, CPU "/intel_pstate/min_perf_pct");
	assert_int_equal(r->err, -ERANGE);
	ctx_free(ctx);
	tmpdir_remove(root);
	free(root);
}

static void turbo(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-tuned", "power.turbo", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_INFO);
	assert_true(pm_obs_bool(r, "turbo"));
	assert_string_equal(pm_obs_str(r, "source"), CPU "/intel_pstate/no_turbo");
	pm_assert_reason(r, "[T-LP]");
	pm_assert_reason(r, "[T-CP]");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-pstate-passive", "power.turbo", NULL);
	assert_status(r, RTHC_STATUS_INFO);
	assert_false(pm_obs_bool(r, "turbo"));
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-misconfigured", "power.turbo", NULL);
	assert_status(r, RTHC_STATUS_INFO);
	assert_true(pm_obs_bool(r, "turbo"));
	assert_string_equal(pm_obs_str(r, "source"), CPU "/cpufreq/boost");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-no-cpuidle", "power.turbo", NULL);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-garbage", "power.turbo", NULL);
	pm_assert_error(r, CPU "/intel_pstate/no_turbo");
	ctx_free(ctx);
}

static void cmdline_pstate(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-tuned", "cmdline.pstate", NULL);

	(void)state;
	/* Vendors disagree: info citing both positions. */
	assert_status(r, RTHC_STATUS_INFO);
	pm_assert_reason(r, "[T-RT]");
	pm_assert_reason(r, "[NTO]");
	assert_null(pm_obs_str(r, "cmdline_intel_pstate"));
	assert_string_equal(pm_obs_str(r, "intel_pstate_status"), "active");
	assert_string_equal(pm_obs_str(r, "scaling_driver"), "intel_pstate");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-pstate-passive", "cmdline.pstate", NULL);
	assert_status(r, RTHC_STATUS_INFO);
	assert_string_equal(pm_obs_str(r, "cmdline_intel_pstate"), "passive");
	assert_string_equal(pm_obs_str(r, "intel_pstate_status"), "passive");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-amd-pstate", "cmdline.pstate", NULL);
	assert_status(r, RTHC_STATUS_INFO);
	assert_string_equal(pm_obs_str(r, "cmdline_amd_pstate"), "active");
	assert_string_equal(pm_obs_str(r, "amd_pstate_status"), "active");
	ctx_free(ctx);
	/* The command line asks for passive, the kernel runs with intel_pstate off: the kernel
	 * wins. */
	r = pm_run(&ctx, "pm-pstate-off", "cmdline.pstate", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_reason(r, "the kernel wins");
	assert_string_equal(pm_obs_str(r, "cmdline_intel_pstate"), "passive");
	assert_string_equal(pm_obs_str(r, "intel_pstate_status"), "off");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-garbage", "cmdline.pstate", NULL);
	pm_assert_error(r, CPU "/intel_pstate/status");
	ctx_free(ctx);
}

static void cmdline_pstate_tmp(void **state)
{
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	/* HWP enabled by the firmware keeps intel_pstate loaded despite intel_pstate=disable. */
	pm_base(root, "intel_pstate=disable", "2-3");
	write_file(root, CPU "/intel_pstate/status", "active\n");
	r = pm_run_root(&ctx, root, "cmdline.pstate", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_reason(r, "firmware-enabled HWP");
	ctx_free(ctx);
	/* disable holds over a later passive (intel_pstate_setup() sets no_load for good). */
	tmpdir_remove(root);
	pm_base(root, "intel_pstate=disable intel_pstate=passive intel-pstate=no_hwp", "2-3");
	r = pm_run_root(&ctx, root, "cmdline.pstate", NULL);
	assert_status(r, RTHC_STATUS_INFO);
	assert_string_equal(pm_obs_str(r, "cmdline_intel_pstate"), "disable");
	assert_null(pm_obs_str(r, "intel_pstate_status"));
	ctx_free(ctx);
	/* amd_pstate keeps the last mode; the kernel reports another one. */
	tmpdir_remove(root);
	pm_base(root, "amd_pstate=active amd_pstate=guided", "2-3");
	write_file(root, CPU "/amd_pstate/status", "passive\n");
	r = pm_run_root(&ctx, root, "cmdline.pstate", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	assert_string_equal(pm_obs_str(r, "cmdline_amd_pstate"), "guided");
	ctx_free(ctx);
	tmpdir_remove(root);
	free(root);
}

static void pstate_governor(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-tuned", "xcheck.pstate_governor", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-misconfigured", "xcheck.pstate_governor", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	assert_string_equal(pm_obs_str(r, "driver"), "acpi-cpufreq");
	assert_string_equal(pm_obs_str(r, "cpus_not_pinned"), "4-7");
	pm_assert_item(r, "cpu 4", "governor schedutil");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-no-cpuidle", "xcheck.pstate_governor", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_reason(r, "the BIOS alone controls frequency");
	assert_null(pm_obs_str(r, "driver"));
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-garbage", "xcheck.pstate_governor", NULL);
	pm_assert_error(r, CPU "/cpu2/cpufreq/scaling_min_freq");
	ctx_free(ctx);
}

static void pstate_governor_tmp(void **state)
{
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pm_base(root, "intel_pstate=disable", "2-3");
	freq(root, 2, "acpi-cpufreq", "performance", "800000", "3000000");
	freq(root, 3, "acpi-cpufreq", "performance", "800000", "3000000");
	r = pm_run_root(&ctx, root, "xcheck.pstate_governor", NULL);
	assert_status(r, RTHC_STATUS_PASS);
	ctx_free(ctx);
	tmpdir_remove(root);
	pm_base(root, "intel_pstate=disable", "2-3");
	freq(root, 2, "intel_pstate", "performance", "800000", "3000000");
	freq(root, 3, "acpi-cpufreq", "performance", "800000", "3000000");
	r = pm_run_root(&ctx, root, "xcheck.pstate_governor", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_item(r, "cpu 2", "scaling driver is intel_pstate, not acpi-cpufreq");
	ctx_free(ctx);
	tmpdir_remove(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(governor_tuned_pass),
		cmocka_unit_test(governor_misconfigured_warn),
		cmocka_unit_test(governor_epp_warn),
		cmocka_unit_test(governor_fixed_frequency),
		cmocka_unit_test(governor_no_cpufreq_garbage),
		cmocka_unit_test(pstate_params),
		cmocka_unit_test(pstate_params_bad),
		cmocka_unit_test(turbo),
		cmocka_unit_test(cmdline_pstate),
		cmocka_unit_test(cmdline_pstate_tmp),
		cmocka_unit_test(pstate_governor),
		cmocka_unit_test(pstate_governor_tmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
