/* Unit tests: power.cstates, power.pm_qos, power.idle_poll (power-idle.c, power-cmdline.c). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "host.h"
#include "test-checks-power-helpers.h"

#define CPU "/sys/devices/system/cpu"

static void cstates_tuned_pass(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-tuned", "power.cstates", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	/* POLL never counts; C1E and C6 are disabled on the isolated CPUs, C1 (2 µs) remains. */
	assert_int_equal(pm_obs_int(r, "max_exit_latency_us"), 2);
	assert_int_equal(pm_exp_int(r, "max_exit_latency_us"), 2);
	assert_string_equal(pm_obs_str(r, "cpus_with_deep_states"), "");
	assert_string_equal(pm_obs_str(r, "driver"), "intel_idle");
	assert_string_equal(pm_obs_str(r, "governor"), "menu");
	assert_int_equal(r->nitems, 0);
	ctx_free(ctx);
}

static void cstates_misconfigured_warn(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-misconfigured", "power.cstates", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	assert_int_equal(pm_obs_int(r, "max_exit_latency_us"), 133);
	assert_string_equal(pm_obs_str(r, "cpus_with_deep_states"), "4-7");
	/* C1E and C6 on each of the four isolated CPUs; housekeeping CPUs are not judged. */
	assert_int_equal(r->nitems, 8);
	pm_assert_item(r, "cpu 4", "C6 (state3) is enabled with exit latency 133 µs > 2 µs");
	pm_assert_item(r, "cpu 7", "C1E (state2)");
	pm_assert_reason(r, "8 enabled idle states on isolated CPUs 4-7");
	pm_assert_action(r, CPU "/cpu4/cpuidle/state3/disable", "1");
	assert_false(r->remediation->requires_reboot);
	ctx_free(ctx);
}

static void cstates_guest_info(void **state)
{
	struct rthc_ctx *ctx = ctx_new(fixture_dir("pm-misconfigured"), NULL, true);
	const struct rthc_result *r = run_check(ctx, "power.cstates");

	(void)state;
	assert_status(r, RTHC_STATUS_INFO);
	assert_int_equal(pm_obs_int(r, "max_exit_latency_us"), 133);
	ctx_free(ctx);
}

static void cstates_budget(void **state)
{
	const char *const wide[] = {"cstate_max_latency_us=20", NULL};
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-amd-pstate", "power.cstates", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	assert_int_equal(pm_obs_int(r, "max_exit_latency_us"), 18);
	pm_assert_item(r, "cpu 2", "C2 (state2) is enabled with exit latency 18 µs > 2 µs");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-amd-pstate", "power.cstates", wide);
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(pm_exp_int(r, "max_exit_latency_us"), 20);
	assert_int_equal(pm_obs_int(r, "max_exit_latency_us"), 18);
	ctx_free(ctx);
}

static void cstates_bad_budget(void **state)
{
	const char *const word[] = {"cstate_max_latency_us=fast", NULL};
	const char *const neg[] = {"cstate_max_latency_us=-1", NULL};
	const char *const ids[] = {"power.cstates", "power.pm_qos", "cmdline.cstate_limits"};
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		r = pm_run(&ctx, "pm-tuned", ids[i], word);
		pm_assert_error(r, "cstate_max_latency_us=fast");
		assert_int_equal(r->err, -EINVAL);
		ctx_free(ctx);
	}
	r = pm_run(&ctx, "pm-tuned", "power.cstates", neg);
	pm_assert_error(r, "cstate_max_latency_us=-1");
	ctx_free(ctx);
}

static void cstates_no_driver(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-no-cpuidle", "power.cstates", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	pm_assert_reason(r, "no cpuidle");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-idle-poll", "power.cstates", NULL);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	pm_assert_reason(r, "current_driver is none");
	assert_string_equal(pm_obs_str(r, "driver"), "none");
	ctx_free(ctx);
}

static void cstates_garbage(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-garbage", "power.cstates", NULL);

	(void)state;
	pm_assert_error(r, CPU "/cpu2/cpuidle/state1/latency");
	assert_int_equal(r->nitems, 0);
	ctx_free(ctx);
}

static void cstates_tmp_errors(void **state)
{
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pm_base(root, "", "2-3");
	/* A kernel with cpuidle, but no cpuidle directory in the tree. */
	write_file(root, "/boot/config-6.6.0-rt15", "CONFIG_CPU_IDLE=y\n");
	r = pm_run_root(&ctx, root, "power.cstates", NULL);
	pm_assert_error(r, CPU "/cpuidle");
	ctx_free(ctx);
	/* A driver but no per-CPU directory for an isolated CPU. */
	write_file(root, CPU "/cpuidle/current_driver", "intel_idle\n");
	r = pm_run_root(&ctx, root, "power.cstates", NULL);
	pm_assert_error(r, CPU "/cpu2/cpuidle");
	ctx_free(ctx);
	/* A driver name that is no word. */
	write_file(root, CPU "/cpuidle/current_driver", "intel idle\n");
	r = pm_run_root(&ctx, root, "power.cstates", NULL);
	pm_assert_error(r, CPU "/cpuidle/current_driver");
	ctx_free(ctx);
	write_file(root, CPU "/cpuidle/current_driver", "\n");
	r = pm_run_root(&ctx, root, "power.idle_poll", NULL);
	pm_assert_error(r, CPU "/cpuidle/current_driver");
	assert_int_equal(r->err, -ENODATA);
	ctx_free(ctx);
	tmpdir_remove(root);
	free(root);
}

static void cstates_no_iso(void **state)
{
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pm_base(root, "", "");
	write_file(root, CPU "/cpuidle/current_driver", "intel_idle\n");
	r = pm_run_root(&ctx, root, "power.cstates", NULL);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	pm_assert_reason(r, "no isolated CPUs");
	ctx_free(ctx);
	tmpdir_remove(root);
	free(root);
}

static void pm_qos_tuned_pass(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-tuned", "power.pm_qos", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(pm_obs_int(r, "max_resume_latency_us"), 2);
	assert_string_equal(pm_obs_str(r, "cpus_without_limit"), "");
	assert_null(pm_obs_str(r, "cpu_dma_latency_us"));
	ctx_free(ctx);
}

static void pm_qos_misconfigured_info(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-misconfigured", "power.pm_qos", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_INFO);
	assert_string_equal(pm_obs_str(r, "cpus_without_limit"), "4-7");
	assert_null(pm_obs_str(r, "max_resume_latency_us")); /* no limit at all */
	assert_int_equal(r->nitems, 4);
	pm_assert_item(r, "cpu 5", "allows no limit");
	pm_assert_action(r, CPU "/cpu5/power/pm_qos_resume_latency_us", "2");
	ctx_free(ctx);
}

static void pm_qos_dma_latency(void **state)
{
	char *root = tmpdir_new();
	int32_t zero = 0;
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pm_base(root, "", "2-3");
	write_file(root, CPU "/cpu2/power/pm_qos_resume_latency_us", "0\n");
	write_file(root, CPU "/cpu3/power/pm_qos_resume_latency_us", "n/a\n");
	/* The binary s32 a live read returns: a request of 0 µs is held. */
	pm_write_bytes(root, "/dev/cpu_dma_latency", &zero, sizeof(zero));
	r = pm_run_root(&ctx, root, "power.pm_qos", NULL);
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(pm_obs_int(r, "cpu_dma_latency_us"), 0);
	assert_int_equal(pm_obs_int(r, "max_resume_latency_us"), 0);
	ctx_free(ctx);
	/* A snapshot holding the value as text; 5 µs is over the budget. */
	write_file(root, "/dev/cpu_dma_latency", "5\n");
	r = pm_run_root(&ctx, root, "power.pm_qos", NULL);
	assert_status(r, RTHC_STATUS_INFO);
	assert_int_equal(pm_obs_int(r, "cpu_dma_latency_us"), 5);
	assert_string_equal(pm_obs_str(r, "cpus_without_limit"), "2");
	ctx_free(ctx);
	/* Unreadable (not root) while only the global request could meet the budget. */
	ctx = ctx_new(root, NULL, false);
	assert_int_equal(rthc_host_inject_error(ctx->host, "/dev/cpu_dma_latency",
						RTHC_HOST_OP_READ, -EACCES),
			 0);
	r = run_check(ctx, "power.pm_qos");
	pm_assert_error(r, "/dev/cpu_dma_latency");
	assert_int_equal(r->err, -EACCES);
	ctx_free(ctx);
	write_file(root, "/dev/cpu_dma_latency", "soon\n");
	r = pm_run_root(&ctx, root, "power.pm_qos", NULL);
	pm_assert_error(r, "/dev/cpu_dma_latency");
	ctx_free(ctx);
	tmpdir_remove(root);
	free(root);
}

static void pm_qos_garbage_missing(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-garbage", "power.pm_qos", NULL);

	(void)state;
	pm_assert_error(r, CPU "/cpu2/power/pm_qos_resume_latency_us");
	assert_int_equal(r->err, -EINVAL);
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-missing", "power.pm_qos", NULL);
	pm_assert_error(r, CPU "/cpu2/power/pm_qos_resume_latency_us");
	assert_int_equal(r->err, -ENOENT);
	ctx_free(ctx);
}

static void idle_poll_info(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-idle-poll", "power.idle_poll", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_INFO);
	assert_string_equal(pm_obs_str(r, "idle"), "poll");
	assert_string_equal(pm_obs_str(r, "cpuidle_driver"), "none");
	pm_assert_reason(r, "busy-poll");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-tuned", "power.idle_poll", NULL);
	assert_status(r, RTHC_STATUS_INFO);
	assert_null(pm_obs_str(r, "idle"));
	assert_string_equal(pm_obs_str(r, "cpuidle_driver"), "intel_idle");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-no-cpuidle", "power.idle_poll", NULL);
	assert_status(r, RTHC_STATUS_INFO);
	assert_null(pm_obs_str(r, "cpuidle_driver"));
	ctx_free(ctx);
}

static void idle_poll_kernel_wins(void **state)
{
	char *root = tmpdir_new(), path[512];
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pm_base(root, "idle=poll", "2-3");
	write_file(root, CPU "/cpuidle/current_driver", "intel_idle\n");
	r = pm_run_root(&ctx, root, "power.idle_poll", NULL);
	assert_status(r, RTHC_STATUS_INFO);
	pm_assert_reason(r, "the kernel wins");
	assert_string_equal(pm_obs_str(r, "cpuidle_driver"), "intel_idle");
	ctx_free(ctx);
	/* No command line at all. */
	snprintf(path, sizeof(path), "%s/proc/cmdline", root);
	assert_int_equal(remove(path), 0);
	r = pm_run_root(&ctx, root, "power.idle_poll", NULL);
	pm_assert_error(r, "/proc/cmdline");
	ctx_free(ctx);
	tmpdir_remove(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cstates_tuned_pass),
		cmocka_unit_test(cstates_misconfigured_warn),
		cmocka_unit_test(cstates_guest_info),
		cmocka_unit_test(cstates_budget),
		cmocka_unit_test(cstates_bad_budget),
		cmocka_unit_test(cstates_no_driver),
		cmocka_unit_test(cstates_garbage),
		cmocka_unit_test(cstates_tmp_errors),
		cmocka_unit_test(cstates_no_iso),
		cmocka_unit_test(pm_qos_tuned_pass),
		cmocka_unit_test(pm_qos_misconfigured_info),
		cmocka_unit_test(pm_qos_dma_latency),
		cmocka_unit_test(pm_qos_garbage_missing),
		cmocka_unit_test(idle_poll_info),
		cmocka_unit_test(idle_poll_kernel_wins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
