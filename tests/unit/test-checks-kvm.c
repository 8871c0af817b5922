/* Unit tests of the kvm.* checks (checks/kvm.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmod-tree.h"

static void test_rt_host(void **state)
{
	struct kt t = {0};
	const char *root = fixture_dir("kmod-kvm-rt");
	const struct rthc_result *r;

	(void)state;
	r = kt_run(&t, root, "kvm.kvmclock_periodic_sync", false);
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "running", "N");
	kt_obs_str(r, "modprobe_d", "0");
	kt_obs_str(r, "cmdline", NULL);
	assert_true(kt_evidence_has(r, "/etc/modprobe.d/kvm-realtime.conf",
				    "options kvm kvmclock_periodic_sync=0"));
	r = kt_run(&t, root, "kvm.ple", false);
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "running", "0");
	kt_obs_str(r, "modprobe_d", "0");
	assert_true(kt_evidence_has(r, "/sys/module/kvm_intel/parameters/ple_gap", "0"));
	r = kt_run(&t, root, "kvm.nx_huge_pages", false);
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "nx_huge_pages", "N");
	r = kt_run(&t, root, "kvm.apicv", false);
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "running", "Y");
	r = kt_run(&t, root, "kvm.halt_poll_ns", false);
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_int(r, "halt_poll_ns", 200000);
	r = kt_run(&t, root, "kvm.lapic_timer_advance", false);
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_int(r, "lapic_timer_advance_ns", -1);
	kt_done(&t);
}

static void test_default_host(void **state)
{
	struct kt t = {0};
	const char *root = fixture_dir("kmod-kvm-default");
	const struct rthc_result *r;

	(void)state;
	r = kt_run(&t, root, "kvm.kvmclock_periodic_sync", false);
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "running", "Y");
	kt_obs_str(r, "modprobe_d", NULL);
	assert_int_equal(r->remediation->actions[0].type, RTHC_ACTION_MODPROBE);
	assert_string_equal(r->remediation->actions[0].target, "kvm");
	assert_string_equal(r->remediation->actions[0].value, "kvmclock_periodic_sync=N");
	assert_true(r->remediation->requires_reboot);
	r = kt_run(&t, root, "kvm.ple", false);
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "running", "128");
	kt_reason_has(r, "kvm_intel.ple_gap is 128");
	assert_string_equal(r->remediation->actions[0].value, "ple_gap=0");
	r = kt_run(&t, root, "kvm.nx_huge_pages", false);
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "itlb_multihit", "KVM: Mitigation: Split huge pages");
	assert_int_equal(r->remediation->actions[0].type, RTHC_ACTION_SYSFS);
	kt_done(&t);
}

/* Persisted right, running wrong: pending_reboot; the command line (either spelling) wins. */
static void test_pending_and_cmdline(void **state)
{
	struct kt t = { .tmp = kt_copy_fixture("kmod-kvm-default") };
	const struct rthc_result *r;

	(void)state;
	write_file(t.tmp, "etc/modprobe.d/kvm.conf",
		   "options kvm kvmclock-periodic-sync=0\noptions kvm_intel ple_gap=0\n");
	r = kt_run(&t, t.tmp, "kvm.kvmclock_periodic_sync", false);
	assert_status(r, RTHC_STATUS_PENDING_REBOOT);
	kt_reason_has(r, "modprobe.d sets kvm.kvmclock_periodic_sync=N");
	r = kt_run(&t, t.tmp, "kvm.ple", false);
	assert_status(r, RTHC_STATUS_PENDING_REBOOT);

	/* kvm-intel.ple_gap=64 on the command line overrides modprobe.d for the next load. */
	write_file(t.tmp, "proc/cmdline", "ro kvm-intel.ple_gap=64\n");
	r = kt_run(&t, t.tmp, "kvm.ple", false);
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "cmdline", "64");
	kt_obs_str(r, "modprobe_d", "0");
	write_file(t.tmp, "proc/cmdline", "ro kvm-intel.ple-gap=64 kvm_intel.ple_gap=0\n");
	r = kt_run(&t, t.tmp, "kvm.ple", false);
	assert_status(r, RTHC_STATUS_PENDING_REBOOT);
	kt_reason_has(r, "the kernel command line sets");

	/* Running right, but the next load would undo it. */
	write_file(t.tmp, "sys/module/kvm_intel/parameters/ple_gap", "0\n");
	write_file(t.tmp, "proc/cmdline", "ro\n");
	write_file(t.tmp, "etc/modprobe.d/kvm.conf", "options kvm_intel ple_gap=4096\n");
	r = kt_run(&t, t.tmp, "kvm.ple", false);
	assert_status(r, RTHC_STATUS_WARN);
	kt_reason_has(r, "modprobe.d sets 4096 for the next load");
	kt_done(&t);
}

static void test_amd(void **state)
{
	struct kt t = { .tmp = tmpdir_new() };
	const struct rthc_result *r;

	(void)state;
	write_file(t.tmp, "proc/sys/kernel/osrelease", KT_RELEASE "\n");
	write_file(t.tmp, "sys/module/kvm/parameters/kvmclock_periodic_sync", "Y\n");
	write_file(t.tmp, "sys/module/kvm_amd/parameters/pause_filter_count", "0\n");
	write_file(t.tmp, "sys/module/kvm_amd/parameters/avic", "0\n");
	write_file(t.tmp, "etc/modprobe.d/kvm-amd.conf", "options kvm_amd avic=1\n");
	r = kt_run(&t, t.tmp, "kvm.ple", false);
	assert_status(r, RTHC_STATUS_PASS);
	assert_true(kt_evidence_has(r, "/sys/module/kvm_amd/parameters/pause_filter_count", "0"));
	r = kt_run(&t, t.tmp, "kvm.apicv", false);
	assert_status(r, RTHC_STATUS_PENDING_REBOOT);
	kt_obs_str(r, "running", "N");
	kt_obs_str(r, "modprobe_d", "1");
	kt_done(&t);
}

static void test_not_loaded_and_missing(void **state)
{
	struct kt t = { .tmp = tmpdir_new() };
	const struct rthc_result *r;
	static const char *const ids[] = {
		"kvm.kvmclock_periodic_sync", "kvm.ple",   "kvm.nx_huge_pages", "kvm.halt_poll_ns",
		"kvm.lapic_timer_advance",    "kvm.apicv",
	};

	(void)state;
	/* No /sys/module at all: cannot tell whether kvm is loaded. */
	write_file(t.tmp, "proc/sys/kernel/osrelease", KT_RELEASE "\n");
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		r = kt_run(&t, t.tmp, ids[i], false);
		assert_status(r, RTHC_STATUS_ERROR);
		kt_reason_has(r, "/proc/modules");
	}

	write_file(t.tmp, "sys/module/dm_mod/initstate", "live\n");
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		r = kt_run(&t, t.tmp, ids[i], false);
		assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	}
	r = kt_run(&t, t.tmp, "kvm.ple", false);
	kt_reason_has(r, "neither kvm_intel nor kvm_amd is loaded");

	/* kvm loaded, but a parameter file is missing: the kernel disagrees with the catalog. */
	write_file(t.tmp, "sys/module/kvm/initstate", "live\n");
	write_file(t.tmp, "sys/module/kvm_intel/initstate", "live\n");
	r = kt_run(&t, t.tmp, "kvm.kvmclock_periodic_sync", false);
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/sys/module/kvm/parameters/kvmclock_periodic_sync");
	r = kt_run(&t, t.tmp, "kvm.ple", false);
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/sys/module/kvm_intel/parameters/ple_gap");
	r = kt_run(&t, t.tmp, "kvm.nx_huge_pages", false);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	kt_reason_has(r, "/sys/module/kvm/parameters/nx_huge_pages is absent");
	r = kt_run(&t, t.tmp, "kvm.halt_poll_ns", false);
	assert_status(r, RTHC_STATUS_ERROR);
	kt_done(&t);
}

static void test_garbage(void **state)
{
	struct kt t = { .tmp = kt_copy_fixture("kmod-kvm-default") };
	const struct rthc_result *r;

	(void)state;
	write_file(t.tmp, "sys/module/kvm/parameters/kvmclock_periodic_sync", "maybe\n");
	write_file(t.tmp, "sys/module/kvm_intel/parameters/ple_gap", "12x\n");
	write_file(t.tmp, "sys/module/kvm/parameters/halt_poll_ns", "\n");
	write_file(t.tmp, "sys/module/kvm/parameters/nx_huge_pages", "sometimes\n");
	write_file(t.tmp, "sys/module/kvm_intel/parameters/enable_apicv", "2\n");
	static const char *const ids[] = {
		"kvm.kvmclock_periodic_sync", "kvm.ple",   "kvm.halt_poll_ns",
		"kvm.nx_huge_pages",	      "kvm.apicv",
	};
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		r = kt_run(&t, t.tmp, ids[i], false);
		assert_status(r, RTHC_STATUS_ERROR);
	}
	r = kt_run(&t, t.tmp, "kvm.ple", false);
	kt_reason_has(r, "'12x'");
	kt_done(&t);
}

static void test_nx_itlb(void **state)
{
	struct kt t = { .tmp = kt_copy_fixture("kmod-kvm-default") };
	const char *vuln = "sys/devices/system/cpu/vulnerabilities/itlb_multihit";
	const struct rthc_result *r;
	char path[PATH_MAX];

	(void)state;
	write_file(t.tmp, vuln, "Not affected\n");
	r = kt_run(&t, t.tmp, "kvm.nx_huge_pages", false);
	assert_status(r, RTHC_STATUS_INFO);
	kt_reason_has(r, "forces the page splitting anyway");
	write_file(t.tmp, vuln, "KVM: Mitigation: VMX disabled\n");
	r = kt_run(&t, t.tmp, "kvm.nx_huge_pages", false);
	assert_status(r, RTHC_STATUS_PASS);
	write_file(t.tmp, "sys/module/kvm/parameters/nx_huge_pages", "never\n");
	r = kt_run(&t, t.tmp, "kvm.nx_huge_pages", false);
	assert_status(r, RTHC_STATUS_PASS);
	write_file(t.tmp, "sys/module/kvm/parameters/nx_huge_pages", "Y\n");
	snprintf(path, sizeof(path), "%s/%s", t.tmp, vuln);
	assert_int_equal(unlink(path), 0);
	r = kt_run(&t, t.tmp, "kvm.nx_huge_pages", false);
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/sys/devices/system/cpu/vulnerabilities/itlb_multihit");
	kt_done(&t);
}

static void test_lapic_bool(void **state)
{
	struct kt t = { .tmp = kt_copy_fixture("kmod-kvm-default") };
	const struct rthc_result *r;
	char path[PATH_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/sys/module/kvm/parameters/lapic_timer_advance_ns", t.tmp);
	assert_int_equal(unlink(path), 0);
	write_file(t.tmp, "sys/module/kvm/parameters/lapic_timer_advance", "Y\n");
	r = kt_run(&t, t.tmp, "kvm.lapic_timer_advance", false);
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_bool(r, "lapic_timer_advance", true);
	kt_done(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rt_host),
		cmocka_unit_test(test_default_host),
		cmocka_unit_test(test_pending_and_cmdline),
		cmocka_unit_test(test_amd),
		cmocka_unit_test(test_not_loaded_and_missing),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_nx_itlb),
		cmocka_unit_test(test_lapic_bool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
