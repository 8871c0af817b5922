/* Unit tests of mod.dm_multipath (checks/modules.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmod-tree.h"

#define ID "mod.dm_multipath"

static void test_blocked_false(void **state)
{
	struct kt t = {0};
	const struct rthc_result *r = kt_run(&t, fixture_dir("kmod-dm-false"), ID, false);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	kt_reason_has(r, "'/bin/false'");
	kt_obs_str(r, "state", "not loaded");
	kt_obs_str(r, "install_command", "/bin/false");
	kt_obs_bool(r, "install_blocks", true);
	kt_obs_bool(r, "blacklisted", false);
	assert_true(kt_evidence_has(r, "/etc/modprobe.d/multipath.conf",
				    "install dm-multipath /bin/false"));
	assert_null(r->remediation);
	kt_done(&t);
}

static void test_blocked_true(void **state)
{
	struct kt t = {0};
	const struct rthc_result *r = kt_run(&t, fixture_dir("kmod-dm-true"), ID, false);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "install_command", "/usr/bin/true");
	assert_true(kt_evidence_has(r, "/usr/lib/modprobe.d/50-multipath.conf",
				    "install dm_multipath"));
	kt_done(&t);
}

static void test_blacklist_only(void **state)
{
	struct kt t = {0};
	const struct rthc_result *r = kt_run(&t, fixture_dir("kmod-dm-blacklist"), ID, false);

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	kt_reason_has(r, "multipathd runs 'modprobe dm_multipath' itself");
	kt_obs_str(r, "install_command", NULL);
	kt_obs_bool(r, "blacklisted", true);
	kt_obs_bool(r, "in_kernel", true);
	assert_true(
		kt_evidence_has(r, "/etc/modprobe.d/blacklist-dm.conf", "blacklist dm_multipath"));
	assert_non_null(r->remediation);
	assert_int_equal(r->remediation->nactions, 1);
	assert_int_equal(r->remediation->actions[0].type, RTHC_ACTION_MODPROBE);
	assert_string_equal(r->remediation->actions[0].value, "install dm_multipath /bin/false");
	kt_done(&t);
}

static void test_absent(void **state)
{
	struct kt t = {0};
	const struct rthc_result *r = kt_run(&t, fixture_dir("kmod-dm-absent"), ID, false);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	kt_reason_has(r, "has no such module");
	kt_obs_bool(r, "in_kernel", false);
	kt_done(&t);
}

static void test_loaded_rt_multipathd(void **state)
{
	struct kt t = {0};
	const struct rthc_result *r = kt_run(&t, fixture_dir("kmod-dm-loaded"), ID, false);
	const struct rthc_item *it;

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	kt_reason_has(r, "runs above RT priority 10 and may run on isolated CPUs");
	kt_obs_str(r, "state", "loaded");
	kt_obs_int(r, "multipath_maps", 2);
	kt_obs_str(r, "multipathd_policy", "SCHED_RR");
	kt_obs_int(r, "multipathd_rt_priority", 99);
	kt_obs_str(r, "multipathd_cpus", "0-3");
	it = kt_item(r, "dm-0");
	assert_non_null(it);
	if (it)
		assert_string_equal(it->reason, "multipath map mpatha "
						"(mpath-3600508b400105e210000900000490000)");
	assert_non_null(kt_item(r, "dm-2"));
	assert_null(kt_item(r, "dm-1")); /* an LVM volume */
	assert_non_null(kt_item(r, "pid 734"));
	kt_done(&t);
}

/* Loaded, multipathd capped and on housekeeping CPUs, maps in use: still warn, never pass. */
static void test_loaded_capped(void **state)
{
	struct kt t = { .tmp = kt_copy_fixture("kmod-dm-loaded") };
	const struct rthc_result *r;

	(void)state;
	write_file(t.tmp, "proc/734/stat",
		   "734 (multipathd) S 1 734 734 0 -1 4194560 1650 0 0 0 120 340 0 0 -11 0 7 0 "
		   "1024 242061312 5632 18446744073709551615 1 1 0 0 0 0 0 0 16386 0 0 0 17 1 10 1 "
		   "0 0 0\n");
	write_file(t.tmp, "proc/734/status", "Name:\tmultipathd\nCpus_allowed_list:\t0-1\n");
	r = kt_run(&t, t.tmp, ID, false);
	assert_status(r, RTHC_STATUS_WARN);
	kt_reason_has(r, "2 multipath maps use it");
	kt_obs_str(r, "multipathd_policy", "SCHED_FIFO");
	kt_obs_int(r, "multipathd_rt_priority", 10);
	kt_done(&t);
}

/* Loaded, unused, no multipathd: warn; with a blocking rule already persisted: pending_reboot. */
static void test_loaded_unused(void **state)
{
	struct kt t = { .tmp = kt_copy_fixture("kmod-dm-loaded") };
	char cmd[PATH_MAX + 64];
	const struct rthc_result *r;

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/proc/734' '%s/sys/block' '%s/sys/devices/virtual'",
		 t.tmp, t.tmp, t.tmp);
	assert_int_equal(system(cmd), 0);
	r = kt_run(&t, t.tmp, ID, false);
	assert_status(r, RTHC_STATUS_WARN);
	kt_reason_has(r, "no multipath map uses it");
	kt_obs_int(r, "multipath_maps", 0);
	assert_int_equal(r->remediation->actions[0].type, RTHC_ACTION_MODPROBE);

	write_file(t.tmp, "etc/modprobe.d/rthostcheck.conf", "install dm_multipath /bin/false\n");
	r = kt_run(&t, t.tmp, ID, false);
	assert_status(r, RTHC_STATUS_PENDING_REBOOT);
	assert_true(r->remediation->requires_reboot);
	kt_done(&t);
}

static void test_builtin(void **state)
{
	struct kt t = { .tmp = kt_copy_fixture("kmod-dm-false") };
	const struct rthc_result *r;

	(void)state;
	write_file(t.tmp, "sys/module/dm_multipath/parameters/queue_if_no_path_timeout_secs",
		   "0\n");
	r = kt_run(&t, t.tmp, ID, false);
	/* The kernel wins: an install rule cannot stop a built-in module. */
	assert_status(r, RTHC_STATUS_WARN);
	kt_reason_has(r, "built into the kernel");
	kt_obs_str(r, "state", "builtin");
	kt_done(&t);
}

static void test_unknown_install_and_cmdline(void **state)
{
	struct kt t = { .tmp = kt_copy_fixture("kmod-dm-blacklist") };
	const struct rthc_result *r;

	(void)state;
	write_file(t.tmp, "etc/modprobe.d/x.conf",
		   "install dm_multipath /usr/bin/disabled-by-policy\n");
	r = kt_run(&t, t.tmp, ID, false);
	assert_status(r, RTHC_STATUS_WARN);
	kt_reason_has(r, "is not known to block loading");
	kt_obs_bool(r, "install_blocks", false);

	/* module_blacklist= compares literally: the dashed spelling does not match. */
	write_file(t.tmp, "proc/cmdline", "ro module_blacklist=dm-multipath\n");
	r = kt_run(&t, t.tmp, ID, false);
	assert_status(r, RTHC_STATUS_WARN);
	write_file(t.tmp, "proc/cmdline", "ro module_blacklist=floppy,dm_multipath\n");
	r = kt_run(&t, t.tmp, ID, false);
	assert_status(r, RTHC_STATUS_PASS);
	kt_reason_has(r, "module_blacklist=");
	assert_true(kt_evidence_has(r, "/proc/cmdline", "module_blacklist=floppy,dm_multipath"));
	kt_done(&t);
}

static void test_missing_inputs(void **state)
{
	struct kt t = { .tmp = tmpdir_new() };
	const struct rthc_result *r;

	(void)state;
	write_file(t.tmp, "proc/sys/kernel/osrelease", KT_RELEASE "\n");
	r = kt_run(&t, t.tmp, ID, false);
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/proc/modules");

	write_file(t.tmp, "proc/modules", "dm_mod 184320 0 - Live 0x0000000000000000\n");
	r = kt_run(&t, t.tmp, ID, false);
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/lib/modules/" KT_RELEASE "/modules.dep");

	/* Garbage /proc/modules (no such line) with nothing else: not loaded, and unknown kernel.
	 */
	write_file(t.tmp, "proc/modules", "\x01\x02garbage\n");
	r = kt_run(&t, t.tmp, ID, false);
	assert_status(r, RTHC_STATUS_ERROR);
	kt_done(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocked_false),
		cmocka_unit_test(test_blocked_true),
		cmocka_unit_test(test_blacklist_only),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_loaded_rt_multipathd),
		cmocka_unit_test(test_loaded_capped),
		cmocka_unit_test(test_loaded_unused),
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_unknown_install_and_cmdline),
		cmocka_unit_test(test_missing_inputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
