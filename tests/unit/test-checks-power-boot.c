/* Unit tests: cmdline.cstate_limits and xcheck.idle_conflicts (checks/power-cmdline.c). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "test-checks-power-helpers.h"

#define CPU "/sys/devices/system/cpu"
#define INTEL_CAP "/sys/module/intel_idle/parameters/max_cstate"
#define ACPI_CAP "/sys/module/processor/parameters/max_cstate"

static void limits_none_info(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-tuned", "cmdline.cstate_limits", NULL);
	const char *const running[] = {"intel_idle_max_cstate", "running", NULL};

	(void)state;
	assert_status(r, RTHC_STATUS_INFO);
	pm_assert_reason(r, "no boot-time C-state caps");
	assert_int_equal(pm_nested_int(r->observed, running), 9);
	ctx_free(ctx);
}

static void limits_idle_poll_pass(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-idle-poll", "cmdline.cstate_limits", NULL);
	const char *const running[] = {"processor_max_cstate", "running", NULL};

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(pm_nested_int(r->observed, running), 1);
	assert_string_equal(pm_obs_str(r, "idle"), "poll");
	assert_string_equal(pm_obs_str(r, "cpuidle_driver"), "none");
	assert_string_equal(pm_obs_str(r, "cpus_with_deep_states"), "");
	ctx_free(ctx);
}

static void limits_deep_states_warn(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		pm_run(&ctx, "pm-pstate-passive", "cmdline.cstate_limits", NULL);

	(void)state;
	/* intel_idle.max_cstate=0 is in effect, but acpi_idle brings C2/C3 back. */
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_reason(r, "not consistent with power.cstates");
	pm_assert_reason(r, "driver acpi_idle, worst 1048 µs");
	assert_string_equal(pm_obs_str(r, "cpus_with_deep_states"), "2-3,6-7");
	assert_int_equal(r->nitems, 0);
	pm_assert_action(r, "processor.max_cstate", "1");
	assert_true(r->remediation->requires_reboot);
	ctx_free(ctx);
}

static void limits_kernel_wins(void **state)
{
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pm_base(root, "intel_idle.max_cstate=0 processor.max_cstate=abc", "2-3");
	write_file(root, INTEL_CAP, "9\n");
	write_file(root, ACPI_CAP, "8\n");
	r = pm_run_root(&ctx, root, "cmdline.cstate_limits", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_reason(r, "the kernel wins");
	pm_assert_item(r, "intel_idle.max_cstate", "asks for 0, the kernel runs with 9");
	pm_assert_item(r, "processor.max_cstate", "not a valid cap");
	ctx_free(ctx);
	/* A DMI quirk may lower the cap below the request: that is not a conflict. */
	tmpdir_remove(root);
	pm_base(root, "processor.max_cstate=3", "2-3");
	write_file(root, ACPI_CAP, "2\n");
	write_file(root, CPU "/cpuidle/current_driver", "none\n");
	r = pm_run_root(&ctx, root, "cmdline.cstate_limits", NULL);
	assert_status(r, RTHC_STATUS_PASS);
	ctx_free(ctx);
	tmpdir_remove(root);
	free(root);
}

static void limits_errors(void **state)
{
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-garbage", "cmdline.cstate_limits", NULL);

	(void)state;
	pm_assert_error(r, INTEL_CAP);
	assert_int_equal(r->err, -EINVAL);
	ctx_free(ctx);
	/* The caps hold, but an idle state of an isolated CPU is unreadable. */
	pm_base(root, "intel_idle.max_cstate=0", "2");
	write_file(root, CPU "/cpuidle/current_driver", "acpi_idle\n");
	write_file(root, CPU "/cpu2/cpuidle/state0/name", "POLL\n");
	write_file(root, CPU "/cpu2/cpuidle/state0/latency", "0\n");
	r = pm_run_root(&ctx, root, "cmdline.cstate_limits", NULL);
	pm_assert_error(r, CPU "/cpu2/cpuidle/state0/disable");
	ctx_free(ctx);
	tmpdir_remove(root);
	pm_base(root, "", "2");
	write_file(root, "/proc/cmdline", "");
	r = pm_run_root(&ctx, root, "cmdline.cstate_limits", NULL);
	assert_status(r, RTHC_STATUS_INFO); /* an empty command line is a command line */
	ctx_free(ctx);
	tmpdir_remove(root);
	free(root);
}

static void conflicts_idle_poll(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-idle-poll", "xcheck.idle_conflicts", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_INFO);
	assert_int_equal(r->nitems, 2);
	pm_assert_item(r, "cpuidle_haltpoll.force", "refuses to load with idle=");
	pm_assert_item(r, "processor.max_cstate", "redundant with idle=poll");
	pm_assert_reason(r, "2 idle settings");
	ctx_free(ctx);
}

static void conflicts_intel_idle_alone(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		pm_run(&ctx, "pm-pstate-passive", "xcheck.idle_conflicts", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_INFO);
	pm_assert_item(r, "processor.max_cstate", "hands idle to acpi_idle");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-tuned", "xcheck.idle_conflicts", NULL);
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(r->nitems, 0);
	ctx_free(ctx);
}

static void conflicts_tmp(void **state)
{
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pm_base(root, "intel_idle.max_cstate=0 processor.max_cstate=1", "2-3");
	r = pm_run_root(&ctx, root, "xcheck.idle_conflicts", NULL);
	assert_status(r, RTHC_STATUS_PASS);
	ctx_free(ctx);
	tmpdir_remove(root);
	/* idle=poll, yet a driver registered; the haltpoll governor chosen too. */
	pm_base(root, "idle=poll cpuidle.governor=haltpoll", "2-3");
	write_file(root, CPU "/cpuidle/current_driver", "haltpoll\n");
	r = pm_run_root(&ctx, root, "xcheck.idle_conflicts", NULL);
	assert_status(r, RTHC_STATUS_INFO);
	pm_assert_item(r, "cpuidle.governor", "haltpoll governor");
	pm_assert_item(r, "idle", "cpuidle driver haltpoll is registered");
	ctx_free(ctx);
	write_file(root, CPU "/cpuidle/current_driver", "two words\n");
	r = pm_run_root(&ctx, root, "xcheck.idle_conflicts", NULL);
	pm_assert_error(r, CPU "/cpuidle/current_driver");
	ctx_free(ctx);
	tmpdir_remove(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(limits_none_info),
		cmocka_unit_test(limits_idle_poll_pass),
		cmocka_unit_test(limits_deep_states_warn),
		cmocka_unit_test(limits_kernel_wins),
		cmocka_unit_test(limits_errors),
		cmocka_unit_test(conflicts_idle_poll),
		cmocka_unit_test(conflicts_intel_idle_alone),
		cmocka_unit_test(conflicts_tmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
