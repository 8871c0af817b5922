/*
 * Guest checks of the virtual CPU (checks/guest-cpu.c) and guest.detect, on the fixture trees
 * guest-good (a well-configured RT guest) and guest-bad (generic CPU model, hpet, vPMU, SMT),
 * and on scratch trees for the missing, garbage and kernel-wins cases. The CPUID judges are fed
 * values, so no test depends on the machine running it.
 */
#include "guest.h"
#include "test-guest-helpers.h"

#define GOOD_FLAGS "fpu tsc msr constant_tsc nonstop_tsc tsc_known_freq x2apic tsc_deadline_timer"

/* ---- guest.detect ---------------------------------------------------------------------------- */

static void test_detect(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r;
	char *t;

	(void)state;
	r = g_run(&ctx, fixture_dir("guest-good"), "guest.detect");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "role", "guest");
	kt_obs_str(r, "hypervisor", "kvm");
	kt_obs_str(r, "evidence",
		   "/proc/cpuinfo flags include \"hypervisor\"; DMI sys_vendor \"QEMU\"");
	kt_obs_str(r, "cpuid_signature", NULL);
	kt_obs_str(r, "mode", "auto");
	assert_string_equal(r->evidence[0].source, "/proc/cpuinfo");
	ctx_free(ctx);

	/* Another hypervisor: info. */
	t = tmpdir_new();
	write_file(t, "proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu hypervisor\n");
	write_file(t, "sys/class/dmi/id/sys_vendor", "VMware, Inc.\n");
	r = g_run(&ctx, t, "guest.detect");
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_str(r, "hypervisor", "vmware");
	kt_reason_has(r, "a guest of vmware");
	ctx_free(ctx);
	g_tree_free(t);

	/* Bare metal with --guest: nothing detected, the mode was forced. */
	t = g_tree("fpu tsc vmx", "ro\n");
	write_file(t, "proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu tsc vmx\n");
	ctx = ctx_new(t, NULL, true);
	ctx->opts.mode = RTHC_MODEOPT_GUEST;
	r = run_check(ctx, "guest.detect");
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_str(r, "role", "host");
	kt_obs_str(r, "hypervisor", "none");
	kt_obs_str(r, "evidence", NULL);
	kt_obs_str(r, "mode", "forced");
	kt_reason_has(r, "no hypervisor was detected; the guest checks run because guest mode "
			 "was forced");
	ctx_free(ctx);
	g_tree_free(t);
}

/* ---- guest.vcpus ----------------------------------------------------------------------------- */

static void test_vcpus(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r;
	char *t;

	(void)state;
	r = g_run(&ctx, fixture_dir("guest-good"), "guest.vcpus");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_int(r, "online_vcpus", 4);
	kt_obs_str(r, "isolated", "1-3");
	kt_obs_str(r, "housekeeping", "0");
	ctx_free(ctx);

	/* vCPU 0 isolated. */
	t = g_tree(GOOD_FLAGS, "isolcpus=0-2\n");
	r = g_run(&ctx, t, "guest.vcpus");
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "isolated", "0-2");
	g_item_has(r, "cpu 0", "isolated");
	assert_non_null(r->remediation);
	ctx_free(ctx);

	/* One vCPU. */
	write_file(t, "sys/devices/system/cpu/online", "0\n");
	write_file(t, "sys/devices/system/cpu/possible", "0\n");
	write_file(t, "sys/devices/system/cpu/present", "0\n");
	write_file(t, "proc/cmdline", "ro\n");
	r = g_run(&ctx, t, "guest.vcpus");
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_int(r, "online_vcpus", 1);
	kt_reason_has(r, "1 vCPU");
	ctx_free(ctx);

	/* vCPU 0 offline and every online vCPU isolated. */
	write_file(t, "sys/devices/system/cpu/possible", "0-3\n");
	write_file(t, "sys/devices/system/cpu/present", "0-3\n");
	write_file(t, "sys/devices/system/cpu/online", "1-3\n");
	write_file(t, "sys/devices/system/cpu/isolated", "1-3\n");
	r = g_run(&ctx, t, "guest.vcpus");
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "housekeeping", "");
	kt_reason_has(r, "none is left for housekeeping");
	ctx_free(ctx);

	/* Garbage in the isolation inputs: error, never pass. */
	write_file(t, "sys/devices/system/cpu/online", "0-3\n");
	write_file(t, "sys/devices/system/cpu/isolated", "garbage\n");
	r = g_run(&ctx, t, "guest.vcpus");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/sys/devices/system/cpu/isolated");
	ctx_free(ctx);
	g_tree_free(t);
}

/* ---- guest.clocksource ----------------------------------------------------------------------- */

#define CS "sys/devices/system/clocksource/clocksource0/"

static void test_clocksource(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r;
	char *t;

	(void)state;
	r = g_run(&ctx, fixture_dir("guest-good"), "guest.clocksource");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "current", "tsc");
	kt_obs_str(r, "available", "tsc kvm-clock acpi_pm");
	kt_obs_str(r, "kvmclock_stable_bit", NULL); /* CPUID is not read in a tree */
	ctx_free(ctx);

	/* hpet and no TSC to switch to: the host must expose one. */
	r = g_run(&ctx, fixture_dir("guest-bad"), "guest.clocksource");
	assert_status(r, RTHC_STATUS_FAIL);
	kt_obs_str(r, "current", "hpet");
	assert_non_null(r->remediation);
	assert_int_equal(r->remediation->actions[0].type, RTHC_ACTION_MANUAL);
	assert_true(r->remediation->requires_reboot);
	ctx_free(ctx);

	/* acpi_pm with tsc available: a runtime switch. */
	t = g_tree(GOOD_FLAGS, "ro\n");
	write_file(t, CS "current_clocksource", "acpi_pm\n");
	write_file(t, CS "available_clocksource", "tsc hpet acpi_pm \n");
	r = g_run(&ctx, t, "guest.clocksource");
	assert_status(r, RTHC_STATUS_FAIL);
	assert_int_equal(r->remediation->actions[0].type, RTHC_ACTION_SYSFS);
	assert_string_equal(r->remediation->actions[0].target,
			    "/sys/devices/system/clocksource/clocksource0/current_clocksource");
	assert_string_equal(r->remediation->actions[0].value, "tsc");
	ctx_free(ctx);

	/* kvm-clock in a tree: its stable bit is CPUID, unknown here. */
	write_file(t, CS "current_clocksource", "kvm-clock\n");
	r = g_run(&ctx, t, "guest.clocksource");
	assert_status(r, RTHC_STATUS_PASS);
	kt_reason_has(r, "readable only on the running guest");
	/* Inputs that are unreadable or garbage. */
	assert_int_equal(rthc_host_inject_error(ctx->host, "/" CS "available_clocksource",
						RTHC_HOST_OP_READ, -EACCES), 0);
	r = run_check(ctx, "guest.clocksource");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "available_clocksource");
	ctx_free(ctx);

	write_file(t, CS "current_clocksource", "tsc hpet\n");
	r = g_run(&ctx, t, "guest.clocksource");
	assert_status(r, RTHC_STATUS_ERROR);
	ctx_free(ctx);
	write_file(t, CS "current_clocksource", "\n");
	r = g_run(&ctx, t, "guest.clocksource");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_int_equal(r->err, -ENODATA);
	ctx_free(ctx);
	g_tree_free(t);

	/* Missing entirely. */
	t = g_tree(GOOD_FLAGS, "ro\n");
	r = g_run(&ctx, t, "guest.clocksource");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_int_equal(r->err, -ENOENT);
	kt_reason_has(r, "current_clocksource");
	ctx_free(ctx);
	g_tree_free(t);
}

/* The judge with the CPUID stable bit, and other architectures' counters. */
static void test_clocksource_judge(void **state)
{
	struct rthc_ctx *ctx = ctx_new(fixture_dir("guest-good"), NULL, true);
	const struct rthc_check *c = rthc_checks_find("guest.clocksource");
	struct rthc_result r;

	(void)state;
	rthc_result_init(&r, c);
	rthc_guest_clocksource_judge(&r, "kvm-clock", "kvm-clock tsc", 0);
	assert_status(&r, RTHC_STATUS_WARN);
	kt_obs_bool(&r, "kvmclock_stable_bit", false);
	kt_reason_has(&r, "no vDSO");
	rthc_result_reset(&r);
	rthc_guest_clocksource_judge(&r, "kvm-clock", "kvm-clock tsc", 1);
	assert_status(&r, RTHC_STATUS_PASS);
	kt_obs_bool(&r, "kvmclock_stable_bit", true);
	rthc_result_reset(&r);
	rthc_guest_clocksource_judge(&r, "arch_sys_counter", NULL, -1);
	assert_status(&r, RTHC_STATUS_PASS);
	kt_obs_str(&r, "available", NULL);
	rthc_result_reset(&r);
	rthc_guest_clocksource_judge(&r, "refined-jiffies", "refined-jiffies", -1);
	assert_status(&r, RTHC_STATUS_FAIL);
	rthc_result_reset(&r);
	rthc_guest_clocksource_judge(&r, "mystery", "mystery", -1);
	assert_status(&r, RTHC_STATUS_WARN);
	kt_reason_has(&r, "unrecognized clocksource mystery");
	rthc_result_done(&r);
	ctx_free(ctx);
}

/* ---- guest.tsc_deadline, guest.invtsc, guest.x2apic ------------------------------------------ */

#define CE0 "sys/devices/system/clockevents/clockevent0/current_device"

static void test_tsc_deadline(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r;
	char *t;

	(void)state;
	r = g_run(&ctx, fixture_dir("guest-good"), "guest.tsc_deadline");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_bool(r, "tsc_deadline_timer", true);
	kt_obs_str(r, "clockevent0", "lapic-deadline");
	ctx_free(ctx);

	r = g_run(&ctx, fixture_dir("guest-bad"), "guest.tsc_deadline");
	assert_status(r, RTHC_STATUS_FAIL);
	kt_obs_bool(r, "tsc_deadline_timer", false);
	kt_obs_str(r, "clockevent0", "lapic");
	assert_string_equal(r->remediation->actions[0].value,
			    "<feature policy='require' name='tsc-deadline'/>");
	ctx_free(ctx);

	/* The flag is there, the kernel does not use it: the kernel wins. */
	t = g_tree(GOOD_FLAGS, "ro\n");
	write_file(t, CE0, "lapic\n");
	r = g_run(&ctx, t, "guest.tsc_deadline");
	assert_status(r, RTHC_STATUS_FAIL);
	kt_obs_bool(r, "tsc_deadline_timer", true);
	kt_reason_has(r, "the kernel wins");
	/* clockevent0 unreadable: error. */
	assert_int_equal(rthc_host_inject_error(ctx->host, "/" CE0, RTHC_HOST_OP_READ, -EACCES), 0);
	r = run_check(ctx, "guest.tsc_deadline");
	assert_status(r, RTHC_STATUS_ERROR);
	ctx_free(ctx);
	g_tree_free(t);

	/* No clockevents directory (older kernels): the flag decides. */
	t = g_tree(GOOD_FLAGS, "ro\n");
	r = g_run(&ctx, t, "guest.tsc_deadline");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "clockevent0", NULL);
	ctx_free(ctx);
	/* Another architecture. */
	write_file(t, "proc/cpuinfo", "processor\t: 0\nFeatures\t: fp asimd evtstrm\n");
	r = g_run(&ctx, t, "guest.tsc_deadline");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	ctx_free(ctx);
	/* No /proc/cpuinfo. */
	assert_int_equal(unlink_under(t, "proc/cpuinfo"), 0);
	r = g_run(&ctx, t, "guest.tsc_deadline");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/proc/cpuinfo");
	ctx_free(ctx);
	g_tree_free(t);
}

static void test_invtsc_x2apic(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r;
	char *t;

	(void)state;
	ctx = ctx_new(fixture_dir("guest-good"), NULL, true);
	r = run_check(ctx, "guest.invtsc");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_bool(r, "constant_tsc", true);
	kt_obs_bool(r, "nonstop_tsc", true);
	kt_obs_bool(r, "tsc_known_freq", true);
	r = run_check(ctx, "guest.x2apic");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_bool(r, "x2apic", true);
	ctx_free(ctx);

	ctx = ctx_new(fixture_dir("guest-bad"), NULL, true);
	r = run_check(ctx, "guest.invtsc");
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_bool(r, "constant_tsc", false);
	kt_obs_bool(r, "nonstop_tsc", false);
	kt_obs_bool(r, "tsc_known_freq", true);
	kt_reason_has(r, "constant_tsc, nonstop_tsc missing");
	ctx_free(ctx);

	t = g_tree("fpu tsc constant_tsc", "ro\n");
	ctx = ctx_new(t, NULL, true);
	r = run_check(ctx, "guest.invtsc");
	assert_status(r, RTHC_STATUS_INFO);
	kt_reason_has(r, "(nonstop_tsc missing)");
	r = run_check(ctx, "guest.x2apic");
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_bool(r, "x2apic", false);
	ctx_free(ctx);
	write_file(t, "proc/cpuinfo", "processor\t: 0\ncpu\t\t: POWER9\nplatform\t: pSeries\n");
	ctx = ctx_new(t, NULL, true);
	assert_status(run_check(ctx, "guest.invtsc"), RTHC_STATUS_NOT_APPLICABLE);
	assert_status(run_check(ctx, "guest.x2apic"), RTHC_STATUS_NOT_APPLICABLE);
	ctx_free(ctx);
	g_tree_free(t);
}

/* ---- guest.cpu_model ------------------------------------------------------------------------- */

static void test_cpu_model(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r;
	char *t;

	(void)state;
	r = g_run(&ctx, fixture_dir("guest-good"), "guest.cpu_model");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "model_name", "Intel(R) Xeon(R) Gold 6338N CPU @ 2.20GHz");
	kt_obs_str(r, "model_kind", "host");
	kt_obs_int(r, "missing_flags", 0);
	ctx_free(ctx);

	r = g_run(&ctx, fixture_dir("guest-bad"), "guest.cpu_model");
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "model_name", "Common KVM processor");
	kt_obs_str(r, "model_kind", "generic");
	kt_obs_int(r, "missing_flags", 3);
	assert_int_equal(r->nitems, 3);
	g_item_has(r, "tsc_deadline_timer", "not in the guest's CPU flags");
	g_item_has(r, "constant_tsc", "not in the guest's CPU flags");
	g_item_has(r, "nonstop_tsc", "not in the guest's CPU flags");
	assert_null(kt_item(r, "x2apic"));
	ctx_free(ctx);

	/* A named QEMU model with every expected flag still hides the rest. */
	t = tmpdir_new();
	write_file(t, "proc/cpuinfo", "processor\t: 0\nmodel name\t: Intel Xeon Processor "
				      "(Icelake)\nflags\t\t: " GOOD_FLAGS " hypervisor\n");
	r = g_run(&ctx, t, "guest.cpu_model");
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "model_kind", "named");
	assert_int_equal(r->nitems, 0);
	assert_string_equal(r->remediation->actions[0].value, "mode='host-passthrough'");
	ctx_free(ctx);

	/* The host's name, but x2apic hidden: info. */
	write_file(t, "proc/cpuinfo", "processor\t: 0\nmodel name\t: AMD EPYC 7452 32-Core "
				      "Processor\nflags\t\t: fpu constant_tsc nonstop_tsc "
				      "tsc_deadline_timer\n");
	r = g_run(&ctx, t, "guest.cpu_model");
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_str(r, "model_kind", "host");
	g_item_has(r, "x2apic", "not in the guest's CPU flags");
	ctx_free(ctx);

	/* No model name line. */
	write_file(t, "proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu\n");
	r = g_run(&ctx, t, "guest.cpu_model");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "model name");
	ctx_free(ctx);
	g_tree_free(t);
}

/* ---- guest.topology -------------------------------------------------------------------------- */

static void test_topology(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r;
	char *t;

	(void)state;
	r = g_run(&ctx, fixture_dir("guest-good"), "guest.topology");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_int(r, "threads_per_core", 1);
	assert_int_equal(r->nitems, 0);
	ctx_free(ctx);

	r = g_run(&ctx, fixture_dir("guest-bad"), "guest.topology");
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_int(r, "threads_per_core", 2);
	assert_int_equal(r->nitems, 4);
	g_item_has(r, "cpu 0", "SMT siblings 0-1");
	g_item_has(r, "cpu 3", "SMT siblings 2-3");
	ctx_free(ctx);

	/* Garbage sibling list: error naming the file. */
	t = g_tree(GOOD_FLAGS, "ro\n");
	write_file(t, "sys/devices/system/cpu/cpu2/topology/thread_siblings_list", "x-y\n");
	r = g_run(&ctx, t, "guest.topology");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "cpu2/topology/thread_siblings_list");
	ctx_free(ctx);
	g_tree_free(t);

	/* No topology at all. */
	t = tmpdir_new();
	write_file(t, "proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu hypervisor\n");
	write_file(t, "sys/devices/system/cpu/online", "0\n");
	r = g_run(&ctx, t, "guest.topology");
	assert_status(r, RTHC_STATUS_ERROR);
	ctx_free(ctx);
	g_tree_free(t);
}

/* ---- guest.pmu ------------------------------------------------------------------------------- */

#define EVS "sys/bus/event_source/devices/"

static void test_pmu(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r;
	char *t;

	(void)state;
	r = g_run(&ctx, fixture_dir("guest-good"), "guest.pmu");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_bool(r, "arch_perfmon", false);
	kt_obs_str(r, "pmu_device", NULL);
	ctx_free(ctx);

	r = g_run(&ctx, fixture_dir("guest-bad"), "guest.pmu");
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_bool(r, "arch_perfmon", true);
	kt_obs_str(r, "pmu_device", "cpu");
	assert_string_equal(r->remediation->actions[0].value, "<pmu state='off'/>");
	ctx_free(ctx);

	/* arch_perfmon in the flags, but no PMU registered: the kernel wins. */
	t = g_tree(GOOD_FLAGS " arch_perfmon", "ro\n");
	make_symlink(t, EVS "software", "../../../devices/software");
	r = g_run(&ctx, t, "guest.pmu");
	assert_status(r, RTHC_STATUS_PASS);
	kt_reason_has(r, "the kernel wins");
	ctx_free(ctx);
	/* A hybrid PMU. */
	make_symlink(t, EVS "cpu_core", "../../../devices/cpu_core");
	make_symlink(t, EVS "cpu_atom", "../../../devices/cpu_atom");
	r = g_run(&ctx, t, "guest.pmu");
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "pmu_device", "cpu_core");
	ctx_free(ctx);
	g_tree_free(t);

	/* No event_source bus: the flag is evidence of a vPMU; without it nothing is known. */
	t = g_tree(GOOD_FLAGS " arch_perfmon", "ro\n");
	r = g_run(&ctx, t, "guest.pmu");
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "pmu_device", NULL);
	ctx_free(ctx);
	g_tree_free(t);
	t = g_tree(GOOD_FLAGS, "ro\n");
	r = g_run(&ctx, t, "guest.pmu");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/sys/bus/event_source/devices");
	ctx_free(ctx);
	g_tree_free(t);
}

/* ---- guest.kvm_hints ------------------------------------------------------------------------- */

static void test_kvm_hints(void **state)
{
	struct rthc_ctx *ctx = ctx_new(fixture_dir("guest-good"), NULL, true);
	const struct rthc_check *c = rthc_checks_find("guest.kvm_hints");
	struct rthc_guest_kvm_cpuid k = {.kvm = true, .base = 0x40000000};
	struct rthc_result r;

	(void)state;
	/* Live only: skipped in a tree. */
	assert_status(run_check(ctx, "guest.kvm_hints"), RTHC_STATUS_SKIPPED);
	kt_reason_has(run_check(ctx, "guest.kvm_hints"), "needs_live_host");

	rthc_result_init(&r, c);
	k.features = 1u << 24 | 1u << 13 | 1u << 5 | 1u << 3; /* stable, sched_yield, steal, cs2 */
	k.hints = 1u << 0;
	rthc_guest_kvm_hints_judge(&r, &k);
	assert_status(&r, RTHC_STATUS_PASS);
	kt_obs_bool(&r, "realtime_hint", true);
	kt_obs_bool(&r, "steal_time", true);
	kt_obs_bool(&r, "pv_unhalt", false);
	kt_obs_bool(&r, "clocksource_stable_bit", true);
	kt_obs_str(&r, "features", "0x01002028");
	kt_obs_str(&r, "hints", "0x00000001");
	assert_string_equal(r.evidence[0].source, "CPUID");
	assert_non_null(strstr(r.evidence[0].excerpt, "leaf 0x40000001"));

	rthc_result_reset(&r);
	k.hints = 0;
	k.base = 0x40000100; /* behind Hyper-V enlightenments */
	rthc_guest_kvm_hints_judge(&r, &k);
	assert_status(&r, RTHC_STATUS_INFO);
	kt_obs_bool(&r, "realtime_hint", false);
	assert_non_null(strstr(r.evidence[0].excerpt, "leaf 0x40000101"));
	assert_string_equal(r.remediation->actions[0].value, "<hint-dedicated state='on'/>");

	rthc_result_reset(&r);
	k.kvm = false;
	rthc_guest_kvm_hints_judge(&r, &k);
	assert_status(&r, RTHC_STATUS_NOT_APPLICABLE);
	rthc_result_done(&r);
	ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_vcpus),
		cmocka_unit_test(test_clocksource),
		cmocka_unit_test(test_clocksource_judge),
		cmocka_unit_test(test_tsc_deadline),
		cmocka_unit_test(test_invtsc_x2apic),
		cmocka_unit_test(test_cpu_model),
		cmocka_unit_test(test_topology),
		cmocka_unit_test(test_pmu),
		cmocka_unit_test(test_kvm_hints),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
