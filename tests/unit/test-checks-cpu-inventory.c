/* Unit tests of cpu.inventory, cpu.iso_offline, cpu.hk_per_node, cpu.host_flags,
 * cpu.cgroup_partition. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "kmod-tree.h"

/* Two NUMA nodes: node0 = CPUs 0-1, node1 = CPUs 2-3. */
static void numa(const char *root)
{
	write_file(root, "sys/devices/system/node/node0/cpulist", "0-1\n");
	write_file(root, "sys/devices/system/node/node0/cpumap", "3\n");
	write_file(root, "sys/devices/system/node/node1/cpulist", "2-3\n");
	write_file(root, "sys/devices/system/node/node1/cpumap", "c\n");
}

static void test_inventory(void **state)
{
	struct kt t = { .tmp = tmpdir_new() };
	const struct rthc_result *r;

	(void)state;
	kt_topology(t.tmp, 4, NULL);
	numa(t.tmp);
	r = kt_run(&t, t.tmp, "cpu.inventory", false);
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_str(r, "online", "0-3");
	kt_obs_str(r, "offline", "");
	kt_obs_int(r, "numa_nodes", 2);
	kt_obs_int(r, "sockets", 2);
	kt_item_is(r, "node 1", "CPUs 2-3");
	kt_done(&t);

	t.tmp = tmpdir_new();
	write_file(t.tmp, "proc/cpuinfo", "processor\t: 0\n");
	r = kt_run(&t, t.tmp, "cpu.inventory", false);
	assert_status(r, RTHC_STATUS_ERROR);
	r = run_check(t.ctx, "cpu.iso_offline");
	assert_status(r, RTHC_STATUS_ERROR);
	r = run_check(t.ctx, "cpu.hk_per_node");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_done(&t);
}

static void test_iso_offline(void **state)
{
	struct kt t = { .tmp = tmpdir_new() };
	const struct rthc_result *r;

	(void)state;
	kt_topology(t.tmp, 4, "2-3");
	r = kt_run(&t, t.tmp, "cpu.iso_offline", false);
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "isolated", "2-3");
	/* nosmt took CPU 3 offline; the command line still names it. */
	write_file(t.tmp, "sys/devices/system/cpu/online", "0-2\n");
	write_file(t.tmp, "sys/devices/system/cpu/offline", "3\n");
	write_file(t.tmp, "proc/cmdline", "ro isolcpus=2-3 nohz_full=2-3\n");
	r = kt_run(&t, t.tmp, "cpu.iso_offline", false);
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "isolated_offline", "3");
	assert_non_null(kt_item(r, "cpu 3"));
	assert_null(kt_item(r, "cpu 2"));
	kt_done(&t);
}

static void test_hk_per_node(void **state)
{
	struct kt t = { .tmp = tmpdir_new() };
	const struct rthc_result *r;

	(void)state;
	kt_topology(t.tmp, 4, "1,3");
	r = kt_run(&t, t.tmp, "cpu.hk_per_node", false);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	kt_reason_has(r, "/sys/devices/system/node is absent");
	numa(t.tmp);
	r = kt_run(&t, t.tmp, "cpu.hk_per_node", false);
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_int(r, "nodes_without_housekeeping", 0);
	write_file(t.tmp, "sys/devices/system/cpu/isolated", "2-3\n");
	r = kt_run(&t, t.tmp, "cpu.hk_per_node", false);
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_int(r, "nodes_without_housekeeping", 1);
	assert_non_null(kt_item(r, "node 1"));
	assert_null(kt_item(r, "node 0"));
	kt_done(&t);
}

static void test_host_flags(void **state)
{
	struct kt t = { .tmp = tmpdir_new() };
	const struct rthc_result *r;

	(void)state;
	write_file(t.tmp, "proc/cpuinfo",
		   "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme de pse tsc msr "
		   "pae mce cx8 apic sep vmx constant_tsc nonstop_tsc x2apic tsc_deadline_timer\n");
	r = kt_run(&t, t.tmp, "cpu.host_flags", false);
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_bool(r, "vmx", true);
	kt_obs_bool(r, "svm", false);
	kt_obs_bool(r, "tsc_deadline_timer", true);
	write_file(t.tmp, "proc/cpuinfo",
		   "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu tsc hypervisor\n");
	r = kt_run(&t, t.tmp, "cpu.host_flags", false);
	assert_status(r, RTHC_STATUS_FAIL);
	kt_obs_bool(r, "vmx", false);
	kt_obs_bool(r, "constant_tsc", false);
	write_file(t.tmp, "proc/cpuinfo",
		   "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm\n");
	r = kt_run(&t, t.tmp, "cpu.host_flags", false);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	kt_reason_has(r, "not an x86 host");
	kt_done(&t);

	t.tmp = tmpdir_new();
	write_file(t.tmp, "etc/hostname", "x\n");
	r = kt_run(&t, t.tmp, "cpu.host_flags", false);
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/proc/cpuinfo");
	kt_done(&t);
}

/* Real dumps: an AMD EPYC host has svm; a VirtualBox guest has no vmx; an arm board is not x86. */
static void test_host_flags_realdata(void **state)
{
	static const struct {
		const char *dump;
		enum rthc_status st;
	} cases[] = {
		{ "x86_64-epyc_7451", RTHC_STATUS_INFO },
		{ "vbox-win", RTHC_STATUS_FAIL },
		{ "arm-A510-A710-A715-X3", RTHC_STATUS_NOT_APPLICABLE },
	};
	const char *dir = kt_realdata("lscpu-dumps");

	(void)state;
	if (!dir)
		skip();
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kt t = { .tmp = tmpdir_new() };
		char cmd[PATH_MAX * 3], root[PATH_MAX + 64];
		const struct rthc_result *r;

		snprintf(cmd, sizeof(cmd), "tar -xzf '%s/%s.tar.gz' -C '%s'", dir, cases[i].dump,
			 t.tmp);
		assert_int_equal(system(cmd), 0);
		snprintf(root, sizeof(root), "%s/%s", t.tmp, cases[i].dump);
		r = kt_run(&t, root, "cpu.host_flags", false);
		assert_status(r, cases[i].st);
		if (i == 0)
			kt_obs_bool(r, "svm", true);
		r = run_check(t.ctx, "hw.vulnerabilities");
		if (i == 0) {
			assert_status(r, RTHC_STATUS_INFO);
			kt_obs_int(r, "not_affected", 2);
			assert_non_null(kt_item(r, "spectre_v2"));
		}
		kt_done(&t);
	}
}

static void test_cgroup_partition(void **state)
{
	struct kt t = { .tmp = tmpdir_new() };
	const struct rthc_result *r;

	(void)state;
	kt_topology(t.tmp, 4, NULL);
	r = kt_run(&t, t.tmp, "cpu.cgroup_partition", false);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	kt_reason_has(r, "cgroup.controllers is absent");
	write_file(t.tmp, "sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
	write_file(t.tmp, "sys/fs/cgroup/system.slice/cpuset.cpus.partition", "member\n");
	r = kt_run(&t, t.tmp, "cpu.cgroup_partition", false);
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_int(r, "valid_partitions", 0);
	write_file(t.tmp, "sys/fs/cgroup/rt.slice/cpuset.cpus.partition", "isolated\n");
	write_file(t.tmp, "sys/fs/cgroup/rt.slice/cpuset.cpus.effective", "2-3\n");
	write_file(t.tmp, "sys/fs/cgroup/rt.slice/vm1.scope/cpuset.cpus.partition", "member\n");
	r = kt_run(&t, t.tmp, "cpu.cgroup_partition", false);
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "isolated_partitions", "2-3");
	kt_item_is(r, "/rt.slice", "isolated, CPUs 2-3");
	write_file(t.tmp, "sys/fs/cgroup/other.slice/deep/cpuset.cpus.partition",
		   "isolated invalid (Cpu list in cpuset.cpus not exclusive)\n");
	r = kt_run(&t, t.tmp, "cpu.cgroup_partition", false);
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_int(r, "invalid_partitions", 1);
	assert_non_null(kt_item(r, "/other.slice/deep"));
	assert_int_equal(rthc_host_inject_error(t.ctx->host,
						"/sys/fs/cgroup/rt.slice/cpuset.cpus.partition",
						RTHC_HOST_OP_READ, -EACCES),
			 0);
	r = run_check(t.ctx, "cpu.cgroup_partition");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/sys/fs/cgroup/rt.slice/cpuset.cpus.partition");
	kt_done(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inventory),	    cmocka_unit_test(test_iso_offline),
		cmocka_unit_test(test_hk_per_node),	    cmocka_unit_test(test_host_flags),
		cmocka_unit_test(test_host_flags_realdata), cmocka_unit_test(test_cgroup_partition),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
