/*
 * Unit tests of checks/timer.c: clocksource, TSC, clock events, high-resolution timers, tsc=,
 * machine-check polling and audit.
 */
#include <errno.h>
#include <stdlib.h>

#include "host.h"
#include "sys-helpers.h"

#define CS "/sys/devices/system/clocksource/clocksource0/"
#define CE0 "/sys/devices/system/clockevents/clockevent0/current_device"
#define MC "/sys/devices/system/machinecheck/"
#define INVARIANT \
	"/proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu tsc mce constant_tsc nonstop_tsc\n"
#define ARM "/proc/cpuinfo", "processor\t: 0\nFeatures\t: fp asimd evtstrm\n"

static void clocksource(void **state)
{
	static const char *const kvm[] = { INVARIANT,
					   CS "current_clocksource",
					   "kvm-clock",
					   CS "available_clocksource",
					   "kvm-clock tsc hpet",
					   NULL };
	static const char *const arm[] = { ARM, CS "current_clocksource", "arch_sys_counter",
					   NULL };
	static const char *const empty[] = { CS "current_clocksource", "", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "timer.clocksource");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "clocksource", "tsc");
	sys_done(&c);
	/* hpet, and the TSC is not even available: a firmware problem */
	r = sys_on_fixture(&c, "sys-bad", NULL, "timer.clocksource");
	assert_status(r, RTHC_STATUS_FAIL);
	sys_obs_str(r, "clocksource", "hpet");
	sys_action(r, RTHC_ACTION_MANUAL, "BIOS", "TSC");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", kvm, "timer.clocksource");
	assert_status(r, RTHC_STATUS_WARN);
	sys_action(r, RTHC_ACTION_SYSFS, CS "current_clocksource", "tsc");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", arm, "timer.clocksource");
	assert_status(r, RTHC_STATUS_INFO);
	sys_obs_str(r, "clocksource", "arch_sys_counter");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", empty, "timer.clocksource");
	sys_error(r, -ENODATA, CS "current_clocksource");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", NULL, "timer.clocksource");
	sys_error(r, -ENOENT, CS "current_clocksource");
	sys_done(&c);
}

static void tsc_stable(void **state)
{
	static const char *const gone[] = { INVARIANT, CS "available_clocksource", "hpet acpi_pm",
					    NULL };
	static const char *const logged[] = {
		INVARIANT,
		CS "available_clocksource",
		"tsc hpet",
		"/dev/kmsg",
		"4,9,100,-;clocksource: Marking clocksource 'tsc' as unstable because the skew is "
		"too large:",
		NULL,
	};
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "timer.tsc_stable");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_bool(r, "stable", true);
	sys_obs_bool(r, "tsc_known_freq", true);
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "timer.tsc_stable");
	assert_status(r, RTHC_STATUS_FAIL);
	sys_obs_bool(r, "constant_tsc", false);
	sys_item(r, "clocksource", "marked unstable");
	sys_item(r, "kernel log", "Marking TSC unstable");
	sys_done(&c);
	/* invariant flags, but the kernel dropped the TSC from the clocksources */
	r = sys_on_tree(&c, "6.1.0", "ro", gone, "timer.tsc_stable");
	assert_status(r, RTHC_STATUS_FAIL);
	sys_reason(r, "marked the TSC unstable (1 sign)");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", logged, "timer.tsc_stable");
	assert_status(r, RTHC_STATUS_FAIL);
	sys_item(r, "kernel log", "(1 message)");
	sys_nitems(r, 1);
	sys_done(&c);
	/* invariant flags but no available_clocksource: stability cannot be told */
	r = sys_on_tree(&c, "6.1.0", "ro", (const char *const[]){ INVARIANT, NULL },
			"timer.tsc_stable");
	sys_error(r, -ENOENT, CS "available_clocksource");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", (const char *const[]){ ARM, NULL }, "timer.tsc_stable");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", NULL, "timer.tsc_stable");
	sys_error(r, -ENOENT, "/proc/cpuinfo");
	sys_done(&c);
}

static void clockevent(void **state)
{
	static const char *const mixed[] = {
		"/sys/devices/system/cpu/isolated",
		"2-3",
		CE0,
		"lapic-deadline",
		"/sys/devices/system/clockevents/clockevent3/current_device",
		"hpet",
		NULL,
	};
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "timer.clockevent");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "device", "lapic-deadline");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "timer.clockevent");
	assert_status(r, RTHC_STATUS_INFO);
	sys_obs_str(r, "device", "lapic");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro isolcpus=2-3", mixed, "timer.clockevent");
	assert_status(r, RTHC_STATUS_INFO);
	sys_item(r, "cpu 3", "hpet");
	sys_nitems(r, 1);
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", (const char *const[]){ CE0, "", NULL }, "timer.clockevent");
	sys_error(r, -ENODATA, CE0);
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", NULL, "timer.clockevent");
	sys_error(r, -ENOENT, CE0);
	sys_done(&c);
}

static void hres(void **state)
{
	static const char *const garbage[] = { "/proc/timer_list",
					       "cpu: 0\n  .hres_active    : yes\n", NULL };
	static const char *const none[] = { "/proc/timer_list", "Timer List Version: v0.9\n",
					    NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "timer.hres");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "hres_active", "0-3");
	sys_obs_str(r, "hres_inactive", "");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "timer.hres");
	assert_status(r, RTHC_STATUS_INFO);
	sys_obs_str(r, "hres_inactive", "1");
	sys_item(r, "cpu 1", "jiffy");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", garbage, "timer.hres");
	sys_error(r, -EINVAL, "/proc/timer_list");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", none, "timer.hres");
	sys_error(r, -ENODATA, "/proc/timer_list");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-good", NULL, "cpu.inventory");
	assert_int_equal(rthc_host_inject_error(c.ctx->host, "/proc/timer_list", RTHC_HOST_OP_READ,
						-EACCES),
			 0);
	r = run_check(c.ctx, "timer.hres");
	sys_error(r, -EACCES, "/proc/timer_list");
	sys_done(&c);
}

static void cmdline_tsc(void **state)
{
	static const char *const inv[] = { INVARIANT, CS "available_clocksource", "tsc hpet",
					   NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "cmdline.tsc");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_bool(r, "watchdog_relaxed", true);
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "cmdline.tsc");
	assert_status(r, RTHC_STATUS_WARN);
	sys_reason(r, "not invariant");
	sys_action(r, RTHC_ACTION_KERNEL_ARG, "tsc", NULL);
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", inv, "cmdline.tsc");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_bool(r, "watchdog_relaxed", false);
	sys_action(r, RTHC_ACTION_KERNEL_ARG, "tsc", "nowatchdog");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro tsc=unstable", inv, "cmdline.tsc");
	assert_status(r, RTHC_STATUS_WARN);
	sys_reason(r, "tsc=unstable");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", (const char *const[]){ ARM, NULL }, "cmdline.tsc");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", NULL, "cmdline.tsc");
	sys_error(r, -ENOENT, "/proc/cpuinfo");
	sys_done(&c);
}

static void tsc_reliable(void **state)
{
	static const char *const inv[] = { INVARIANT, CS "available_clocksource", "tsc hpet",
					   NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-bad", NULL, "xcheck.tsc_reliable");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_bool(r, "invariant_and_stable", false);
	sys_nitems(r, 3);
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro tsc=reliable", inv, "xcheck.tsc_reliable");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_bool(r, "invariant_and_stable", true);
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bls", NULL, "xcheck.tsc_reliable");
	sys_error(r, -ENOENT, "/proc/cpuinfo"); /* tsc=reliable given, the flags unknown */
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", inv, "xcheck.tsc_reliable");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_done(&c);
}

static void mce(void **state)
{
	static const char *const off[] = { MC "machinecheck0/ignore_ce", "0", NULL };
	static const char *const garbage[] = {
		MC "machinecheck0/ignore_ce", "x", MC "machinecheck0/check_interval", "300", NULL,
	};
	static const char *const empty[] = { MC "README", "not a CPU", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "cmdline.mce");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_int(r, "ignore_ce_off", 0);
	sys_obs_int(r, "check_interval", 300);
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "cmdline.mce");
	assert_status(r, RTHC_STATUS_WARN);
	sys_obs_int(r, "ignore_ce_off", 4);
	sys_item(r, "machinecheck3", "ignore_ce is 0");
	sys_action(r, RTHC_ACTION_KERNEL_ARG, "mce", "ignore_ce");
	sys_done(&c);
	/* vendors disagree on mce=off: info citing both */
	r = sys_on_tree(&c, "6.1.0", "ro mce=off", NULL, "cmdline.mce");
	assert_status(r, RTHC_STATUS_INFO);
	sys_reason(r, "[NTO]");
	sys_reason(r, "[T-RT]");
	sys_done(&c);
	/* a machinecheck directory without check_interval */
	r = sys_on_tree(&c, "6.1.0", "ro", off, "cmdline.mce");
	sys_error(r, -ENOENT, MC "machinecheck0/check_interval");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", garbage, "cmdline.mce");
	sys_error(r, -EINVAL, MC "machinecheck0/ignore_ce");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", empty, "cmdline.mce");
	sys_error(r, -ENODATA, "machinecheck<N>");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", (const char *const[]){ ARM, NULL }, "cmdline.mce");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", (const char *const[]){ INVARIANT, NULL }, "cmdline.mce");
	sys_error(r, -ENOENT, "/sys/devices/system/machinecheck");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro",
			(const char *const[]){ INVARIANT, "/boot/config-6.1.0",
					       "# CONFIG_X86_MCE is not set", NULL },
			"cmdline.mce");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	sys_reason(r, "CONFIG_X86_MCE");
	sys_done(&c);
}

static void mce_runtime_wins(void **state)
{
	static const char *const undone[] = {
		MC "machinecheck0/ignore_ce", "0", MC "machinecheck0/check_interval", "300", NULL,
	};
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_tree(&c, "6.1.0", "ro mce=ignore_ce", undone, "cmdline.mce");
	assert_status(r, RTHC_STATUS_WARN);
	sys_reason(r, "the kernel wins");
	sys_done(&c);
}

static void audit(void **state)
{
	static const char *const empty[] = { "/etc/audit/audit.rules", "-D\n-b 8192\n", NULL };
	const struct rthc_result *r;
	struct sys_case c;

	(void)state;
	r = sys_on_fixture(&c, "sys-good", NULL, "cmdline.audit");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_str(r, "audit", "0");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "cmdline.audit");
	assert_status(r, RTHC_STATUS_INFO);
	sys_obs_int(r, "rules", 2);
	sys_action(r, RTHC_ACTION_KERNEL_ARG, "audit", "0");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", empty, "cmdline.audit");
	assert_status(r, RTHC_STATUS_PASS);
	sys_obs_int(r, "rules", 0);
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", "ro", NULL, "cmdline.audit");
	assert_status(r, RTHC_STATUS_PASS);
	sys_evidence(r, "/etc/audit/audit.rules", "absent");
	sys_done(&c);
	r = sys_on_fixture(&c, "sys-bad", NULL, "cpu.inventory");
	assert_int_equal(rthc_host_inject_error(c.ctx->host, "/etc/audit/audit.rules",
						RTHC_HOST_OP_READ, -EACCES),
			 0);
	r = run_check(c.ctx, "cmdline.audit");
	sys_error(r, -EACCES, "/etc/audit/audit.rules");
	sys_done(&c);
	r = sys_on_tree(&c, "6.1.0", NULL, NULL, "cmdline.audit");
	sys_error(r, -ENOENT, "/proc/cmdline");
	sys_done(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clocksource), cmocka_unit_test(tsc_stable),
		cmocka_unit_test(clockevent),  cmocka_unit_test(hres),
		cmocka_unit_test(cmdline_tsc), cmocka_unit_test(tsc_reliable),
		cmocka_unit_test(mce),	       cmocka_unit_test(mce_runtime_wins),
		cmocka_unit_test(audit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
