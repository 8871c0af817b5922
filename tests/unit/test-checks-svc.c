/* Unit tests of svc.tuned, svc.fwupd and svc.rtentsk (checks/svc.c, checks/svc-tuned.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "kmod-tree.h"

/* A host with CPUs 0-3 (packages 0 and 1), CPUs 2-3 isolated, tuned's RT profiles installed. */
static void tuned_host(struct kt *t, const char *active)
{
	t->tmp = tmpdir_new();
	kt_topology(t->tmp, 4, "2-3");
	if (active)
		write_file(t->tmp, "etc/tuned/active_profile", active);
	write_file(t->tmp, "usr/lib/tuned/realtime/tuned.conf",
		   "[main]\nsummary=Optimize for realtime workloads\ninclude = "
		   "network-latency\n\n[variables]\n# isolated_cores=X-Y\ninclude = "
		   "/etc/tuned/realtime-variables.conf\nisolated_cores_assert_check = "
		   "\\\\${isolated_cores}\nisolated_cores = ${isolated_cores}\n\n[rtentsk]\n");
	write_file(t->tmp, "usr/lib/tuned/realtime-virtual-host/tuned.conf",
		   "[main]\ninclude=realtime\n\n[variables]\n"
		   "include=/etc/tuned/realtime-virtual-host-variables.conf\n");
	write_file(t->tmp, "usr/lib/tuned/network-latency/tuned.conf",
		   "[main]\ninclude=latency-performance\n");
	write_file(t->tmp, "usr/lib/tuned/balanced/tuned.conf",
		   "[main]\nsummary=General non-specialized\n");
}

static void test_tuned_pass(void **state)
{
	struct kt t = {0};
	const struct rthc_result *r;

	(void)state;
	tuned_host(&t, "realtime-virtual-host\n");
	write_file(t.tmp, "etc/tuned/realtime-virtual-host-variables.conf",
		   "# Examples:\n# isolated_cores=2,4-7\nisolated_cores=2-3\n");
	r = kt_run(&t, NULL, "svc.tuned", false);
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "active_profile", "realtime-virtual-host");
	kt_obs_str(r, "rt_profile", "realtime-virtual-host");
	kt_obs_str(r, "isolated_cores", "2-3");
	assert_true(kt_evidence_has(r, "/etc/tuned/realtime-virtual-host-variables.conf",
				    "isolated_cores=2-3"));
	r = run_check(t.ctx, "svc.rtentsk");
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_bool(r, "rtentsk", true);
	kt_reason_has(r, "from profile realtime");
	kt_done(&t);
}

/* The parent's variables file applies when the child's has no isolated_cores. */
static void test_tuned_mismatch_parent(void **state)
{
	struct kt t = {0};
	const struct rthc_result *r;

	(void)state;
	tuned_host(&t, "realtime-virtual-host\n");
	write_file(t.tmp, "etc/tuned/realtime-virtual-host-variables.conf",
		   "# isolated_cores=2-3\n");
	write_file(t.tmp, "etc/tuned/realtime-variables.conf", "isolated_cores = 1-3\n");
	r = kt_run(&t, NULL, "svc.tuned", false);
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "isolated_cores", "1-3");
	assert_non_null(kt_item(r, "cpu 1"));
	assert_null(kt_item(r, "cpu 2"));
	assert_true(kt_evidence_has(r, "/etc/tuned/realtime-variables.conf", "isolated_cores=1-3"));
	kt_done(&t);
}

/* tuned's default ${f:calc_isolated_cores:1}: one CPU per package kept, the rest isolated. */
static void test_tuned_calc(void **state)
{
	struct kt t = {0};
	const struct rthc_result *r;

	(void)state;
	tuned_host(&t, "realtime\n");
	write_file(t.tmp, "etc/tuned/realtime-variables.conf",
		   "isolated_cores=${f:calc_isolated_cores:1}\n");
	r = kt_run(&t, NULL, "svc.tuned", false);
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "isolated_cores", "1,3");
	write_file(t.tmp, "sys/devices/system/cpu/isolated", "1,3\n");
	r = kt_run(&t, NULL, "svc.tuned", false);
	assert_status(r, RTHC_STATUS_PASS);
	write_file(t.tmp, "etc/tuned/realtime-variables.conf",
		   "isolated_cores=${f:calc_isolated_cores}\n");
	r = kt_run(&t, NULL, "svc.tuned", false);
	assert_status(r, RTHC_STATUS_PASS);
	kt_done(&t);
}

static void test_tuned_not_rt(void **state)
{
	struct kt t = {0};
	const struct rthc_result *r;

	(void)state;
	tuned_host(&t, "balanced\n");
	r = kt_run(&t, NULL, "svc.tuned", false);
	assert_status(r, RTHC_STATUS_WARN);
	kt_reason_has(r, "(balanced) is not a real-time profile for a host");
	r = run_check(t.ctx, "svc.rtentsk");
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_bool(r, "rtentsk", false);
	/* The host profile in a guest does not fit either. */
	write_file(t.tmp, "etc/tuned/active_profile", "realtime-virtual-host\n");
	write_file(t.tmp, "etc/tuned/realtime-virtual-host-variables.conf", "isolated_cores=2-3\n");
	r = kt_run(&t, NULL, "svc.tuned", true);
	assert_status(r, RTHC_STATUS_PASS); /* realtime (included) fits a guest too */
	write_file(t.tmp, "usr/lib/tuned/realtime-virtual-host/tuned.conf", "[main]\n");
	r = kt_run(&t, NULL, "svc.tuned", true);
	assert_status(r, RTHC_STATUS_WARN);
	kt_reason_has(r, "for a guest");
	kt_done(&t);
}

static void test_tuned_missing_garbage(void **state)
{
	struct kt t = {0};
	const struct rthc_result *r;

	(void)state;
	tuned_host(&t, NULL);
	r = kt_run(&t, NULL, "svc.tuned", false);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	kt_reason_has(r, "/etc/tuned/active_profile is absent");
	r = run_check(t.ctx, "svc.rtentsk");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	write_file(t.tmp, "etc/tuned/active_profile", "\n");
	r = kt_run(&t, NULL, "svc.tuned", false);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	write_file(t.tmp, "etc/tuned/active_profile", "realtime\n");
	r = kt_run(&t, NULL, "svc.tuned", false);
	assert_status(r, RTHC_STATUS_WARN);
	kt_reason_has(r, "no isolated_cores is set");
	write_file(t.tmp, "etc/tuned/realtime-variables.conf", "isolated_cores=2-x\n");
	r = kt_run(&t, NULL, "svc.tuned", false);
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "isolated_cores=2-x");
	write_file(t.tmp, "etc/tuned/realtime-variables.conf",
		   "isolated_cores=${f:cpulist_invert:0}\n");
	r = kt_run(&t, NULL, "svc.tuned", false);
	assert_status(r, RTHC_STATUS_ERROR);
	ctx_free(t.ctx);
	t.ctx = ctx_new(t.tmp, NULL, false);
	assert_int_equal(rthc_host_inject_error(t.ctx->host, "/etc/tuned/active_profile",
						RTHC_HOST_OP_READ, -EACCES),
			 0);
	r = run_check(t.ctx, "svc.tuned");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/etc/tuned/active_profile");
	kt_done(&t);
}

static void test_fwupd(void **state)
{
	struct kt t = { .tmp = tmpdir_new() };
	const struct rthc_result *r;

	(void)state;
	r = kt_run(&t, NULL, "svc.fwupd", false);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	write_file(t.tmp, "usr/lib/systemd/system/fwupd-refresh.timer",
		   "[Timer]\nOnCalendar=*-*-* 6,18:00\n");
	r = kt_run(&t, NULL, "svc.fwupd", false);
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "unit_file_state", "installed");
	make_symlink(t.tmp, "etc/systemd/system/timers.target.wants/fwupd-refresh.timer",
		     "/usr/lib/systemd/system/fwupd-refresh.timer");
	r = kt_run(&t, NULL, "svc.fwupd", false);
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "unit_file_state", "enabled");
	kt_obs_str(r, "active", NULL);
	assert_int_equal(r->remediation->actions[0].type, RTHC_ACTION_SERVICE);
	make_symlink(t.tmp, "etc/systemd/system/fwupd-refresh.timer", "/dev/null");
	r = kt_run(&t, NULL, "svc.fwupd", false);
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "unit_file_state", "masked");
	kt_done(&t);

	t.tmp = tmpdir_new();
	write_file(t.tmp, "lib/systemd/system/other.service", "[Service]\n");
	r = kt_run(&t, NULL, "svc.fwupd", false);
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "unit_file_state", "absent");
	kt_done(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tuned_pass),
		cmocka_unit_test(test_tuned_mismatch_parent),
		cmocka_unit_test(test_tuned_calc),
		cmocka_unit_test(test_tuned_not_rt),
		cmocka_unit_test(test_tuned_missing_garbage),
		cmocka_unit_test(test_fwupd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
