/*
 * irqbalance (irq.irqbalance, xcheck.irqbalance_ban: Debian and RHEL files, quoting, empty and
 * unparsable lists, the deprecated hex mask winning, automatic banning), workqueue masks,
 * networking (RPS, queues, busy polling), threaded IRQs and cmdline.iommu.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-checks-irq-helpers.h"

#define DEB_UNIT \
	"[Service]\nEnvironmentFile=-/etc/default/irqbalance\nExecStart=/usr/sbin/irqbalance\n"

static void drop(char *root)
{
	tmpdir_remove(root);
	free(root);
}

/* ISO 2-7 on 8 CPUs with an enabled Debian irqbalance unit and the given /etc/default file. */
static char *balance_tree(const char *env)
{
	char *root = tmpdir_new();

	base_tree(root, "0-7", "2-7", "isolcpus=2-7 nohz_full=2-7");
	write_file(root, "lib/systemd/system/irqbalance.service", DEB_UNIT);
	make_symlink(root, "etc/systemd/system/multi-user.target.wants/irqbalance.service",
		     "/lib/systemd/system/irqbalance.service");
	if (env)
		write_file(root, "etc/default/irqbalance", env);
	return root;
}

static void test_irqbalance_fixtures(void **state)
{
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r = run_on(&ctx, "irq-irqbalance-deb", "irq.irqbalance");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	assert_string_equal(obs_str(r, "unit"), "enabled");
	assert_null(obs_str(r, "active")); /* cannot be known from a tree */
	assert_string_equal(obs_str(r, "decided_by"), "IRQBALANCE_BANNED_CPULIST");
	assert_string_equal(obs_str(r, "banned"), "2-5");
	assert_string_equal(obs_str(r, "isolated_not_banned"), "6-7");
	assert_true(has_item(r, "cpu 6", NULL) && has_item(r, "cpu 7", NULL));
	assert_true(reason_has(r, "irqbalance is enabled: IRQBALANCE_BANNED_CPULIST bans CPUs 2-5, not "
			       "the isolated CPUs 6-7"));
	assert_true(has_evidence(r, "/etc/default/irqbalance", "IRQBALANCE_BANNED_CPULIST=\"2-5\""));
	assert_true(has_action(r, "/etc/default/irqbalance", "IRQBALANCE_BANNED_CPULIST=2-7"));
	assert_true(has_action(r, "irqbalance.service", "restart"));
	r = run_check(ctx, "xcheck.irqbalance_ban");
	assert_status(r, RTHC_STATUS_WARN);
	assert_string_equal(obs_str(r, "isolated_not_banned"), "6-7");

	r = run_on(&ctx, "irq-irqbalance-rhel", "irq.irqbalance");
	assert_status(r, RTHC_STATUS_PASS);
	assert_string_equal(obs_str(r, "decided_by"), "IRQBALANCE_BANNED_CPUS");
	assert_string_equal(obs_str(r, "banned"), "2-7");
	assert_true(reason_has(r, "bans 2-7, by IRQBALANCE_BANNED_CPUS"));
	assert_true(has_evidence(r, "/etc/sysconfig/irqbalance", "IRQBALANCE_BANNED_CPUS=\"000000fc\""));
	assert_true(has_evidence(r, "/etc/sysconfig/irqbalance", "IRQBALANCE_BANNED_CPULIST=\"2-3\""));
	assert_true(has_evidence(r, "/etc/sysconfig/irqbalance",
				 "IRQBALANCE_ARGS=\"--hintpolicy=ignore\""));
	assert_status(run_check(ctx, "xcheck.irqbalance_ban"), RTHC_STATUS_PASS);

	/* explicitly empty: irqbalance's own ban of isolated and nohz_full CPUs is off */
	r = run_on(&ctx, "irq-iso-leak", "irq.irqbalance");
	assert_status(r, RTHC_STATUS_WARN);
	assert_string_equal(obs_str(r, "banned"), "");
	assert_true(reason_has(r, "IRQBALANCE_BANNED_CPULIST is set but bans no CPU, which also turns "
			       "off irqbalance's own banning"));
	r = run_on(&ctx, "irq-hk-clean", "irq.irqbalance");
	assert_status(r, RTHC_STATUS_PASS); /* export, double quotes, a trailing comment */
	assert_string_equal(obs_str(r, "banned"), "2-7");
	ctx_free(ctx);
}

static void test_irqbalance_variants(void **state)
{
	static const struct {
		const char *env; /* NULL: no file */
		enum rthc_status st;
		const char *banned, *reason;
	} cases[] = {
		{NULL, RTHC_STATUS_PASS, "2-7", "its automatic ban"},
		{"# nothing set\nIRQBALANCE_ARGS=--oneshot\n", RTHC_STATUS_PASS, "2-7", "automatic"},
		{"IRQBALANCE_BANNED_CPULIST=4-N\n", RTHC_STATUS_WARN, "", "=\"4-N\" does not parse"},
		{"IRQBALANCE_BANNED_CPULIST='2-7'\n", RTHC_STATUS_PASS, "2-7", NULL},
		{"IRQBALANCE_BANNED_CPULIST=\"2,3\"\\\n\n", RTHC_STATUS_WARN, "2-3", "not the isolated CPUs 4-7"},
		{"IRQBALANCE_BANNED_CPUS=\"\"\n", RTHC_STATUS_WARN, "",
		 "IRQBALANCE_BANNED_CPUS is set but bans no"},
		{"IRQBALANCE_BANNED_CPUS=0\n", RTHC_STATUS_WARN, "", "bans no CPU"},
		{"IRQBALANCE_BANNED_CPUS=fc\nIRQBALANCE_BANNED_CPULIST=2-3\n", RTHC_STATUS_PASS, "2-7", NULL},
		{"IRQBALANCE_BANNED_CPUS=0c\nIRQBALANCE_BANNED_CPULIST=2-7\n", RTHC_STATUS_WARN, "2-3",
		 "IRQBALANCE_BANNED_CPUS bans CPUs 2-3"},
		{"IRQBALANCE_BANNED_CPUS=\nIRQBALANCE_BANNED_CPULIST=2-7\n", RTHC_STATUS_PASS, "2-7", NULL},
		{"  export IRQBALANCE_BANNED_CPULIST=2-\\\n7 # isolated\n", RTHC_STATUS_PASS, "2-7", NULL},
		{"IRQBALANCE_BANNED_CPULIST=\"2-3\"\"4-7\"\n", RTHC_STATUS_WARN, "", "does not parse"},
		{"IRQBALANCE_BANNED_CPULIST=2-7\nIRQBALANCE_BANNED_CPULIST=2\n", RTHC_STATUS_WARN, "2", NULL},
		{"garbage line\n=x\nIRQBALANCE_BANNED_CPULIST = 2-7\n", RTHC_STATUS_PASS, "2-7", NULL},
	};
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *root = balance_tree(cases[i].env);

		r = run_on(&ctx, root, "irq.irqbalance");
		if (r->status != cases[i].st || !obs_str(r, "banned") ||
		    strcmp(obs_str(r, "banned"), cases[i].banned) ||
		    (cases[i].reason && !reason_has(r, cases[i].reason)))
			fail_msg("case %zu: %s, banned %s: %s", i, rthc_status_to_string(r->status),
				 obs_str(r, "banned"), r->reason);
		r = run_check(ctx, "xcheck.irqbalance_ban");
		assert_status(r, cases[i].st);
		drop(root);
	}
	ctx_free(ctx);
}

static void test_irqbalance_service_states(void **state)
{
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r;
	char *root = tmpdir_new();

	(void)state;
	base_tree(root, "0-7", "2-7", "isolcpus=2-7");
	r = run_on(&ctx, root, "irq.irqbalance");
	assert_status(r, RTHC_STATUS_PASS);
	assert_true(reason_has(r, "not installed"));
	assert_status(run_check(ctx, "xcheck.irqbalance_ban"), RTHC_STATUS_NOT_APPLICABLE);

	/* installed, not enabled, with a bad ban list: the service is fine, the xcheck is not */
	write_file(root, "usr/lib/systemd/system/irqbalance.service", "[Service]\nExecStart=/x\n");
	write_file(root, "etc/sysconfig/irqbalance", "IRQBALANCE_BANNED_CPULIST=2-3\n");
	r = run_on(&ctx, root, "irq.irqbalance");
	assert_status(r, RTHC_STATUS_PASS);
	assert_true(reason_has(r, "installed but not enabled"));
	r = run_check(ctx, "xcheck.irqbalance_ban");
	assert_status(r, RTHC_STATUS_WARN);
	assert_true(has_action(r, "/etc/sysconfig/irqbalance", "IRQBALANCE_BANNED_CPULIST=2-7"));

	/* masked */
	make_symlink(root, "etc/systemd/system/irqbalance.service", "/dev/null");
	r = run_on(&ctx, root, "irq.irqbalance");
	assert_status(r, RTHC_STATUS_PASS);
	assert_string_equal(obs_str(r, "unit"), "masked");
	assert_status(run_check(ctx, "xcheck.irqbalance_ban"), RTHC_STATUS_NOT_APPLICABLE);
	drop(root);

	/* a drop-in replaces the environment files */
	root = balance_tree("IRQBALANCE_BANNED_CPULIST=2\n");
	write_file(root, "etc/systemd/system/irqbalance.service.d/rt.conf",
		   "[Service]\nEnvironmentFile=\nEnvironmentFile=-/etc/irqbalance.env\n");
	write_file(root, "etc/irqbalance.env", "IRQBALANCE_BANNED_CPULIST=2-7\n");
	r = run_on(&ctx, root, "irq.irqbalance");
	assert_status(r, RTHC_STATUS_PASS);
	assert_true(has_evidence(r, "/etc/irqbalance.env", "2-7"));

	/* unreadable configuration: error, never pass */
	ctx_free(ctx);
	ctx = ctx_new(root, NULL, false);
	assert_int_equal(rthc_host_inject_error(ctx->host, "/etc/irqbalance.env", RTHC_HOST_OP_READ,
						-EACCES), 0);
	r = run_check(ctx, "irq.irqbalance");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_string_equal(r->reason, "cannot read /etc/irqbalance.env: Permission denied");
	assert_status(run_check(ctx, "xcheck.irqbalance_ban"), RTHC_STATUS_ERROR);
	drop(root);

	/* isolated by a cgroup partition too: the automatic ban misses those CPUs */
	root = balance_tree(NULL);
	write_file(root, "sys/devices/system/cpu/isolated", "2-5\n");
	write_file(root, "sys/devices/system/cpu/nohz_full", "2-5\n");
	write_file(root, "sys/fs/cgroup/cpuset.cpus.isolated", "6-7\n");
	r = run_on(&ctx, root, "irq.irqbalance");
	assert_status(r, RTHC_STATUS_WARN);
	assert_true(reason_has(r, "its automatic ban covers only isolated ∪ nohz_full (2-5); CPUs 6-7"));
	drop(root);

	/* no isolated CPUs */
	root = balance_tree(NULL);
	base_tree(root, "0-7", "", "quiet");
	assert_status(run_on(&ctx, root, "irq.irqbalance"), RTHC_STATUS_NOT_APPLICABLE);
	assert_status(run_check(ctx, "xcheck.irqbalance_ban"), RTHC_STATUS_NOT_APPLICABLE);
	ctx_free(ctx);
	drop(root);
}

static void test_wq(void **state)
{
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r = run_on(&ctx, "irq-iso-leak", "wq.unbound_cpumask");
	char *root;

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	assert_string_equal(obs_str(r, "on_isolated"), "2-7");
	assert_true(has_action(r, "/sys/devices/virtual/workqueue/cpumask", "03"));
	assert_true(has_evidence(r, "/sys/devices/virtual/workqueue/writeback/cpumask",
				 "workqueue writeback may run on isolated CPUs 2-7"));
	r = run_check(ctx, "wq.writeback");
	assert_status(r, RTHC_STATUS_WARN);
	assert_string_equal(obs_str(r, "on_isolated"), "2-7");
	assert_true(has_action(r, "/sys/bus/workqueue/devices/writeback/cpumask", "03"));

	r = run_on(&ctx, "irq-hk-clean", "wq.unbound_cpumask");
	assert_status(r, RTHC_STATUS_PASS);
	assert_string_equal(obs_str(r, "cpumask"), "0-1");
	/* the kernel wins: writeback's mask names CPUs 0-7 but is clipped by the unbound mask */
	r = run_check(ctx, "wq.writeback");
	assert_status(r, RTHC_STATUS_PASS);
	assert_string_equal(obs_str(r, "cpumask"), "0-7");
	assert_string_equal(obs_str(r, "on_isolated"), "");
	assert_true(reason_has(r, "the kernel clips it by the unbound workqueue cpumask 0-1"));

	r = run_on(&ctx, "irq-64cpu", "wq.unbound_cpumask");
	assert_status(r, RTHC_STATUS_WARN);
	assert_string_equal(obs_str(r, "on_isolated"), "4-71");
	assert_true(has_action(r, "/sys/devices/virtual/workqueue/cpumask", "00,00000000,0000000f"));
	assert_int_equal(r->nitems, 64); /* capped: 68 CPUs */
	assert_int_equal(r->items_omitted, 4);
	assert_status(run_check(ctx, "wq.writeback"), RTHC_STATUS_PASS);

	root = tmpdir_new();
	base_tree(root, "0-7", "2-7", "isolcpus=2-7");
	r = run_on(&ctx, root, "wq.unbound_cpumask");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_true(reason_has(r, "/sys/devices/virtual/workqueue/cpumask"));
	r = run_check(ctx, "wq.writeback");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_true(reason_has(r, "/sys/bus/workqueue/devices/writeback/cpumask"));
	write_file(root, "sys/devices/virtual/workqueue/cpumask", "not hex\n");
	write_file(root, "sys/bus/workqueue/devices/writeback/cpumask", "ff\n");
	write_file(root, "sys/bus/workqueue/devices/writeback/numa", "1\n");
	assert_status(run_on(&ctx, root, "wq.unbound_cpumask"), RTHC_STATUS_ERROR);
	r = run_check(ctx, "wq.writeback"); /* the global mask is garbage: judged unclipped */
	assert_status(r, RTHC_STATUS_WARN);
	assert_true(has_evidence(r, "/sys/bus/workqueue/devices/writeback/numa", "partrt writes 0"));
	base_tree(root, "0-7", "", "quiet");
	assert_status(run_on(&ctx, root, "wq.unbound_cpumask"), RTHC_STATUS_NOT_APPLICABLE);
	assert_status(run_check(ctx, "wq.writeback"), RTHC_STATUS_NOT_APPLICABLE);
	ctx_free(ctx);
	drop(root);
}

static void test_net(void **state)
{
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r = run_on(&ctx, "irq-iso-leak", "net.rps");
	char *root;

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	assert_int_equal(obs_int(r, "rx_queues"), 9);
	assert_int_equal(obs_int(r, "rps_enabled"), 1);
	assert_int_equal(obs_int(r, "on_isolated"), 1);
	assert_true(has_item(r, "ens1f0 rx-0", "isolated CPUs 2-3"));
	assert_true(has_action(r, "/sys/class/net/ens1f0/queues/rx-0/rps_cpus", "0"));
	r = run_check(ctx, "net.queues");
	assert_status(r, RTHC_STATUS_INFO);
	assert_int_equal(obs_int(r, "nics"), 1);
	assert_int_equal(obs_int(r, "nics_with_more_queues"), 1);
	assert_true(has_item(r, "ens1f0", "8 receive queues for 2 housekeeping CPUs"));
	r = run_check(ctx, "net.busy_poll");
	assert_status(r, RTHC_STATUS_INFO);
	assert_int_equal(obs_int(r, "busy_read"), 0);
	assert_int_equal(obs_int(r, "busy_poll"), 50);

	r = run_on(&ctx, "irq-hk-clean", "net.rps");
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(obs_int(r, "rps_enabled"), 0);
	assert_status(run_check(ctx, "net.busy_poll"), RTHC_STATUS_NOT_APPLICABLE);

	r = run_on(&ctx, "irq-64cpu", "net.rps");
	assert_status(r, RTHC_STATUS_WARN);
	assert_true(has_item(r, "eth0 rx-0", "isolated CPUs 4-5"));
	assert_false(has_item(r, "eth0 rx-1", NULL));
	assert_status(run_check(ctx, "net.queues"), RTHC_STATUS_NOT_APPLICABLE); /* no device link */

	root = tmpdir_new();
	base_tree(root, "0-7", "2-7", "isolcpus=2-7");
	r = run_on(&ctx, root, "net.rps");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_true(reason_has(r, "/sys/class/net"));
	assert_status(run_check(ctx, "net.queues"), RTHC_STATUS_ERROR);
	write_file(root, "sys/class/net/lo/addr_len", "6\n");
	assert_status(run_on(&ctx, root, "net.rps"), RTHC_STATUS_NOT_APPLICABLE); /* no CONFIG_RPS */
	write_file(root, "sys/class/net/lo/queues/rx-0/rps_cpus", "garbage\n");
	r = run_on(&ctx, root, "net.rps");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_true(reason_has(r, "/sys/class/net/lo/queues/rx-0/rps_cpus"));
	write_file(root, "sys/class/net/lo/queues/rx-0/rps_cpus", "0\n");
	write_file(root, "proc/sys/net/core/rps_default_mask", "f0\n");
	r = run_on(&ctx, root, "net.rps");
	assert_status(r, RTHC_STATUS_WARN);
	assert_true(has_item(r, "rps_default_mask", "isolated CPUs 4-7"));
	assert_true(has_action(r, "net.core.rps_default_mask", "0"));
	write_file(root, "proc/sys/net/core/busy_read", "fifty\n");
	r = run_on(&ctx, root, "net.busy_poll");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_true(reason_has(r, "/proc/sys/net/core/busy_read"));
	ctx_free(ctx);
	drop(root);
}

/* /proc/PID/{stat,status} of a kernel thread. */
static void kthread(const char *root, int pid, const char *comm, const char *allowed)
{
	char path[64], buf[512];

	snprintf(path, sizeof(path), "proc/%d/stat", pid);
	snprintf(buf, sizeof(buf), "%d (%s) S 2 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 -51 0 1 0 10 0 0 "
		 "18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 0 50 1 0 0 0 0 0 0 0 0 0 0 "
		 "0\n", pid, comm);
	write_file(root, path, buf);
	snprintf(path, sizeof(path), "proc/%d/status", pid);
	snprintf(buf, sizeof(buf), "Name:\t%s\nCpus_allowed_list:\t%s\n", comm, allowed);
	write_file(root, path, buf);
}

static void test_threads(void **state)
{
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r;
	char *root = tmpdir_new();

	(void)state;
	base_tree(root, "0-7", "2-7", "isolcpus=managed_irq,domain,2-7");
	r = run_on(&ctx, root, "irq.threads");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	assert_true(reason_has(r, "no PREEMPT_RT and no threadirqs"));

	write_file(root, "proc/sys/kernel/version", "#1 SMP PREEMPT_RT Debian 6.1.76-1\n");
	r = run_on(&ctx, root, "irq.threads");
	assert_status(r, RTHC_STATUS_SKIPPED);
	assert_true(reason_has(r, "no process list"));

	kthread(root, 2, "kthreadd", "0-1");
	kthread(root, 101, "irq/29-ahci", "0-1");
	kthread(root, 102, "irq/25-nvme0q1", "2");
	r = run_on(&ctx, root, "irq.threads");
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(obs_int(r, "irq_threads"), 2);
	assert_int_equal(obs_int(r, "managed_on_isolated"), 1);
	assert_true(reason_has(r, "threads of managed IRQs excepted"));

	kthread(root, 103, "irq/41-i40e-ens1", "0-7");
	r = run_on(&ctx, root, "irq.threads");
	assert_status(r, RTHC_STATUS_WARN);
	assert_int_equal(obs_int(r, "on_isolated"), 1);
	assert_true(has_item(r, "irq/41-i40e-ens1 (pid 103)", "allowed on CPUs 0-7, including "
			     "isolated CPUs 2-7"));

	/* threadirqs on a non-RT kernel threads the handlers too */
	write_file(root, "proc/sys/kernel/version", "#1 SMP PREEMPT_DYNAMIC\n");
	write_file(root, "proc/cmdline", "isolcpus=2-7 threadirqs\n");
	r = run_on(&ctx, root, "irq.threads");
	assert_status(r, RTHC_STATUS_WARN);
	assert_true(has_evidence(r, "/proc", "threadirqs"));
	ctx_free(ctx);
	drop(root);
}

static void test_iommu(void **state)
{
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r = run_on(&ctx, "irq-iso-leak", "cmdline.iommu");
	char *root;

	(void)state;
	assert_status(r, RTHC_STATUS_INFO);
	assert_int_equal(obs_int(r, "iommu_units"), 1);
	assert_int_equal(obs_int(r, "vfio_devices"), 0);
	assert_string_equal(obs_str(r, "intel_iommu"), "on");
	assert_string_equal(obs_str(r, "iommu"), "pt");
	assert_true(has_evidence(r, "/sys/class/iommu", "dmar0"));

	root = tmpdir_new();
	base_tree(root, "0-3", "2-3", "isolcpus=2-3");
	write_file(root, "sys/devices/pci0000:00/0000:05:00.0/vendor", "0x8086\n");
	write_file(root, "sys/devices/pci0000:00/0000:05:00.0/device", "0x154c\n");
	write_file(root, "sys/devices/pci0000:00/0000:05:00.0/class", "0x020000\n");
	make_symlink(root, "sys/devices/pci0000:00/0000:05:00.0/driver",
		     "../../../bus/pci/drivers/vfio-pci");
	make_symlink(root, "sys/bus/pci/devices/0000:05:00.0", "../../../devices/pci0000:00/0000:05:00.0");
	r = run_on(&ctx, root, "cmdline.iommu");
	assert_status(r, RTHC_STATUS_INFO);
	assert_int_equal(obs_int(r, "vfio_devices"), 1);
	assert_int_equal(obs_int(r, "iommu_units"), 0);
	assert_true(reason_has(r, "without an IOMMU"));
	assert_null(obs_str(r, "intel_iommu"));
	write_file(root, "proc/cmdline", "");
	ctx_free(ctx);
	ctx = ctx_new(root, NULL, false);
	assert_int_equal(rthc_host_inject_error(ctx->host, "/sys/class/iommu", RTHC_HOST_OP_READ,
						-EIO), 0);
	assert_status(run_check(ctx, "cmdline.iommu"), RTHC_STATUS_ERROR);
	ctx_free(ctx);
	drop(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_irqbalance_fixtures),
		cmocka_unit_test(test_irqbalance_variants),
		cmocka_unit_test(test_irqbalance_service_states),
		cmocka_unit_test(test_wq),
		cmocka_unit_test(test_net),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_iommu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
