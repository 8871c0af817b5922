/* Unit tests of hw.vulnerabilities, hw.split_lock and hw.bios_power (checks/hw.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "kmod-tree.h"

#define VULN "sys/devices/system/cpu/vulnerabilities/"
#define X86 "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vmx constant_tsc "

static void test_vulnerabilities(void **state)
{
	struct kt t = { .tmp = tmpdir_new() };
	const struct rthc_result *r;

	(void)state;
	r = kt_run(&t, NULL, "hw.vulnerabilities", false);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	kt_reason_has(r, "vulnerabilities is absent");
	write_file(t.tmp, VULN "meltdown", "Not affected\n");
	write_file(t.tmp, VULN "l1tf",
		   "Mitigation: PTE Inversion; VMX: conditional cache flushes, SMT vulnerable\n");
	write_file(t.tmp, VULN "itlb_multihit", "KVM: Mitigation: Split huge pages\n");
	write_file(t.tmp, VULN "spectre_v1",
		   "Mitigation: usercopy/swapgs barriers and __user pointer sanitization\n");
	write_file(t.tmp, VULN "srbds", "Vulnerable: No microcode\n");
	r = kt_run(&t, NULL, "hw.vulnerabilities", false);
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_int(r, "not_affected", 1);
	kt_obs_int(r, "mitigated", 3);
	kt_obs_int(r, "vulnerable", 1);
	kt_obs_int(r, "latency_relevant", 2);
	kt_item_is(r, "itlb_multihit",
		   "KVM: Mitigation: Split huge pages (latency cost: guest huge pages split (see "
		   "kvm.nx_huge_pages))");
	kt_item_is(r, "srbds", "Vulnerable: No microcode");
	assert_null(kt_item(r, "meltdown"));
	assert_int_equal(
		rthc_host_inject_error(t.ctx->host, "/" VULN "l1tf", RTHC_HOST_OP_READ, -EIO), 0);
	r = run_check(t.ctx, "hw.vulnerabilities");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/sys/devices/system/cpu/vulnerabilities/l1tf");
	kt_done(&t);
}

static void test_split_lock(void **state)
{
	struct kt t = { .tmp = tmpdir_new() };
	const struct rthc_result *r;

	(void)state;
	write_file(t.tmp, "etc/hostname", "x\n");
	r = kt_run(&t, NULL, "hw.split_lock", false);
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/proc/cpuinfo");
	write_file(t.tmp, "proc/cpuinfo", "processor\t: 0\nFeatures\t: fp asimd\n");
	r = kt_run(&t, NULL, "hw.split_lock", false);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	kt_reason_has(r, "not an x86 host");
	write_file(t.tmp, "proc/cpuinfo", X86 "\n");
	r = kt_run(&t, NULL, "hw.split_lock", false);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	kt_reason_has(r, "no split-lock or bus-lock detection");
	write_file(t.tmp, "proc/cpuinfo", X86 "split_lock_detect\n");
	write_file(t.tmp, "proc/sys/kernel/split_lock_mitigate", "1\n");
	r = kt_run(&t, NULL, "hw.split_lock", false);
	/* A tree has no kernel log: the configuration is reported, traps are not judged. */
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_str(r, "split_lock_detect", "warn");
	kt_obs_str(r, "split_lock_mitigate", "1");
	kt_reason_has(r, "only on a live host");
	write_file(t.tmp, "proc/cmdline", "ro split_lock_detect=off\n");
	r = kt_run(&t, NULL, "hw.split_lock", false);
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_str(r, "split_lock_detect", "off");
	assert_true(kt_evidence_has(r, "/proc/cmdline", "split_lock_detect=off"));
	kt_done(&t);
}

static void test_bios_power(void **state)
{
	struct kt t = { .tmp = tmpdir_new() };
	const struct rthc_result *r;

	(void)state;
	write_file(t.tmp, "proc/cpuinfo", X86 "hwp\n");
	r = kt_run(&t, NULL, "hw.bios_power", false);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	write_file(t.tmp, "sys/class/dmi/id/bios_vendor", "Dell Inc.\n");
	write_file(t.tmp, "sys/class/dmi/id/bios_version", "2.19.0\n");
	write_file(t.tmp, "sys/devices/system/cpu/cpuidle/current_driver", "intel_idle\n");
	write_file(t.tmp, "sys/devices/system/cpu/cpu0/cpuidle/state0/name", "POLL\n");
	write_file(t.tmp, "sys/devices/system/cpu/cpu0/cpuidle/state1/name", "C1\n");
	write_file(t.tmp, "sys/devices/system/cpu/cpu0/cpuidle/state2/name", "C6\n");
	write_file(t.tmp, "sys/devices/system/cpu/intel_pstate/status", "active\n");
	write_file(t.tmp, "sys/devices/system/cpu/cpu0/cpufreq/scaling_driver", "intel_pstate\n");
	r = kt_run(&t, NULL, "hw.bios_power", false);
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_str(r, "bios_vendor", "Dell Inc.");
	kt_obs_str(r, "bios_date", NULL);
	kt_obs_str(r, "cpuidle_states", "POLL C1 C6");
	kt_obs_str(r, "intel_pstate", "active");
	kt_obs_bool(r, "hwp", true);
	kt_reason_has(r, "cpuidle intel_idle (POLL C1 C6)");
	kt_done(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vulnerabilities),
		cmocka_unit_test(test_split_lock),
		cmocka_unit_test(test_bios_power),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
