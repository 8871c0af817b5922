/*
 * IRQ placement checks: irq.affinity, irq.managed, cmdline.irqaffinity,
 * xcheck.irqaffinity_complement, xcheck.irq_vs_iso and irq.counts, on the irq-* fixtures
 * (IRQs on isolated CPUs, all on housekeeping CPUs, managed queues, effective vs requested
 * affinity, 72 CPUs with multi-group masks) and on broken trees built by the tests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interrupts.h"
#include "irq.h"
#include "report.h"
#include "test-checks-irq-helpers.h"

static char *leak_tree(void)
{
	char *root = tmpdir_new();

	base_tree(root, "0-7", "2-7", "isolcpus=domain,2-7 nohz_full=2-7");
	write_file(root, "proc/interrupts", "  CPU0 CPU1 CPU2 CPU3 CPU4 CPU5 CPU6 CPU7\n"
		   " 24:  1 0 0 0 0 0 0 0  PCI-MSI 1-edge  eth0-rx-0\n"
		   "LOC:  9 9 9 9 9 9 9 9  Local timer interrupts\n");
	write_file(root, "proc/irq/24/smp_affinity_list", "0-7\n");
	write_file(root, "proc/irq/24/effective_affinity_list", "4\n");
	return root;
}

static void drop(char *root)
{
	tmpdir_remove(root);
	free(root);
}

static void test_affinity_leak(void **state)
{
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r = run_on(&ctx, "irq-iso-leak", "irq.affinity");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	assert_int_equal(obs_int(r, "irqs"), 12);
	assert_int_equal(obs_int(r, "movable"), 8);
	assert_int_equal(obs_int(r, "managed"), 3);
	assert_int_equal(obs_int(r, "per_cpu"), 1); /* the timer, IRQF_NOBALANCING */
	assert_int_equal(obs_int(r, "movable_on_isolated"), 2);
	assert_string_equal(obs_str(r, "isolated_cpus_hit"), "3,6");
	assert_int_equal(r->nitems, 2);
	assert_true(has_item(r, "irq 41 (i40e-ens1f0-TxRx-1, 0000:01:00.0)",
			     "effective affinity 3 includes isolated CPUs 3, NIC ens1f0, driver i40e, "
			     "NUMA node 1"));
	assert_true(has_item(r, "irq 42 (i40e-ens1f0-TxRx-2, 0000:01:00.0)", "isolated CPUs 6"));
	assert_false(has_item(r, "nvme0q3", NULL)); /* managed: irq.managed judges it */
	assert_true(has_action(r, "/proc/irq/41/smp_affinity_list", "0-1"));
	assert_true(has_action(r, "/proc/irq/42/smp_affinity_list", "0-1"));
	assert_true(reason_has(r, "2 movable IRQs are delivered to isolated CPUs 3,6"));
	assert_true(has_evidence(r, "/sys/kernel/debug/irq/irqs", "not readable"));
	assert_true(has_evidence(r, "/sys/bus/pci/devices", "3 devices read with libpci"));
	ctx_free(ctx);
}

static void test_affinity_clean(void **state)
{
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r = run_on(&ctx, "irq-hk-clean", "irq.affinity");

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(obs_int(r, "irqs"), 13);
	assert_int_equal(obs_int(r, "movable"), 8);
	assert_int_equal(obs_int(r, "managed"), 4); /* debugfs: also the mlx5 queue */
	assert_int_equal(obs_int(r, "movable_on_isolated"), 0);
	assert_int_equal(r->nitems, 0);
	assert_null(r->remediation);
	assert_true(has_evidence(r, "/sys/kernel/debug/irq/irqs", "readable"));
	ctx_free(ctx);
}

static void test_affinity_effective_vs_requested(void **state)
{
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r = run_on(&ctx, "irq-effective", "irq.affinity");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	assert_int_equal(obs_int(r, "movable_on_isolated"), 0);
	assert_int_equal(obs_int(r, "requested_on_isolated"), 2);
	assert_true(has_item(r, "irq 40 (eth0-rx-0)", "requested affinity 0-7 includes isolated CPUs "
			     "2-7 (effective 0 for now)"));
	assert_true(has_item(r, "irq 41 (eth0-rx-1)", "(effective 1 for now)"));
	assert_false(has_item(r, "irq 42", NULL));
	assert_true(has_evidence(r, "/sys/bus/pci/devices", "no PCI information"));
	ctx_free(ctx);
}

/* Right after a write, x86 keeps the old effective CPU until the IRQ next fires. */
static void test_affinity_move_pending(void **state)
{
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r = run_on(&ctx, "irq-pending", "irq.affinity");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	assert_int_equal(obs_int(r, "movable_on_isolated"), 0);
	assert_int_equal(obs_int(r, "move_pending"), 1);
	assert_string_equal(obs_str(r, "isolated_cpus_hit"), "3");
	assert_true(has_item(r, "irq 40 (eth0-rx-0)", "effective affinity 3 still includes isolated "
			     "CPUs 3, but the requested affinity avoids them"));
	assert_false(has_item(r, "irq 41", NULL));
	assert_false(has_action(r, "/proc/irq/40/smp_affinity_list", NULL));
	ctx_free(ctx);
}

/* 72 CPUs: masks of several comma groups, an old kernel's smp_affinity without _list. */
static void test_affinity_many_cpus(void **state)
{
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r = run_on(&ctx, "irq-64cpu", "irq.affinity");

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	assert_int_equal(obs_int(r, "irqs"), 3);
	assert_int_equal(obs_int(r, "movable_on_isolated"), 1);
	assert_string_equal(obs_str(r, "isolated_cpus_hit"), "64");
	assert_true(has_item(r, "irq 31 (eth0-rx-1)", "effective affinity 64 includes isolated CPUs 64"));
	assert_false(has_item(r, "irq 30", NULL)); /* smp_affinity 00,00000000,00000003 */
	assert_true(has_action(r, "/proc/irq/31/smp_affinity_list", "0-3"));
	ctx_free(ctx);
}

static void test_affinity_errors(void **state)
{
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r;
	char *root = tmpdir_new();

	(void)state;
	base_tree(root, "0-7", "2-7", "isolcpus=2-7");
	r = run_on(&ctx, root, "irq.affinity");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_string_equal(r->reason, "cannot read /proc/interrupts: No such file or directory");

	write_file(root, "proc/interrupts", "hello world\n");
	r = run_on(&ctx, root, "irq.affinity");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_true(reason_has(r, "/proc/interrupts: unexpected content"));

	write_file(root, "proc/interrupts", "CPU0 CPU1\n 24: 1 2 PCI-MSI 1-edge eth0\n");
	r = run_on(&ctx, root, "irq.affinity");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_true(reason_has(r, "cannot read /proc/irq:"));

	write_file(root, "proc/irq/24/smp_affinity_list", "x-y\n");
	r = run_on(&ctx, root, "irq.affinity");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_true(reason_has(r, "/proc/irq/24/smp_affinity_list"));
	assert_true(has_evidence(r, "/proc/irq/24/smp_affinity_list", NULL));

	write_file(root, "proc/irq/24/smp_affinity_list", "0-1\n");
	write_file(root, "proc/irq/24/effective_affinity_list", "0-99\n"); /* beyond nr_cpu_ids */
	r = run_on(&ctx, root, "irq.affinity");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_true(reason_has(r, "/proc/irq/24/effective_affinity_list"));

	/* an injected read failure of /proc/interrupts */
	write_file(root, "proc/irq/24/effective_affinity_list", "0\n");
	ctx_free(ctx);
	ctx = ctx_new(root, NULL, false);
	assert_int_equal(rthc_host_inject_error(ctx->host, "/proc/interrupts", RTHC_HOST_OP_READ, -EACCES),
			 0);
	r = run_check(ctx, "irq.affinity");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_true(reason_has(r, "Permission denied"));
	r = run_check(ctx, "irq.managed");
	assert_status(r, RTHC_STATUS_ERROR);

	/* a vanished IRQ is noted, not an error */
	write_file(root, "proc/interrupts",
		   "CPU0 CPU1\n 24: 1 2 PCI-MSI 1-edge eth0\n 25: 0 0 X 2-edge y\n");
	r = run_on(&ctx, root, "irq.affinity");
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(obs_int(r, "irqs"), 1);
	assert_true(has_evidence(r, "/proc/irq", "1 IRQs listed in /proc/interrupts have no"));

	/* no isolated CPU */
	base_tree(root, "0-7", "", "quiet");
	r = run_on(&ctx, root, "irq.affinity");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	r = run_check(ctx, "irq.managed");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	ctx_free(ctx);
	drop(root);
}

static void test_managed(void **state)
{
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r = run_on(&ctx, "irq-iso-leak", "irq.managed");

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	assert_int_equal(obs_int(r, "managed"), 3);
	assert_int_equal(obs_int(r, "managed_on_isolated"), 2);
	assert_int_equal(obs_int(r, "fired_on_isolated"), 1);
	assert_true(has_item(r, "irq 27 (nvme0q3, 0000:02:00.0)",
			     "managed (name of an NVMe I/O queue), effective affinity 5 includes isolated "
			     "CPUs 5; has fired there, driver nvme, NUMA node 0"));
	assert_true(has_item(r, "irq 26 (nvme0q2, 0000:02:00.0)", "has not fired there since boot"));
	assert_false(has_item(r, "nvme0q1", NULL));
	assert_non_null(r->remediation);
	assert_true(r->remediation->requires_reboot);

	r = run_on(&ctx, "irq-hk-clean", "irq.managed");
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(obs_int(r, "managed"), 4);
	assert_int_equal(obs_int(r, "managed_on_isolated"), 0);
	assert_true(reason_has(r, "all 4 kernel-managed IRQs target housekeeping CPUs"));
	ctx_free(ctx);
}

/* A managed queue that targets an isolated CPU but never fired there is information only. */
static void test_managed_idle(void **state)
{
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r;
	char *root = tmpdir_new();

	(void)state;
	base_tree(root, "0-3", "2-3", "isolcpus=2-3");
	write_file(root, "proc/interrupts", "CPU0 CPU1 CPU2 CPU3\n"
		   " 24: 5 0 0 0 IR-PCI-MSI 1-edge nvme0q0\n 25: 0 0 0 0 IR-PCI-MSI 2-edge nvme0q1\n");
	write_file(root, "proc/irq/24/smp_affinity_list", "0-1\n");
	write_file(root, "proc/irq/25/smp_affinity_list", "2\n");
	r = run_on(&ctx, root, "irq.managed");
	assert_status(r, RTHC_STATUS_INFO);
	assert_int_equal(obs_int(r, "fired_on_isolated"), 0);
	assert_true(has_item(r, "irq 25 (nvme0q1)", "has not fired there since boot"));
	r = run_check(ctx, "irq.affinity");
	assert_status(r, RTHC_STATUS_PASS); /* the admin queue is movable and on CPUs 0-1 */

	write_file(root, "proc/interrupts",
		   "CPU0 CPU1 CPU2 CPU3\n 24: 5 0 0 0 IR-PCI-MSI 1-edge nvme0q0\n");
	r = run_on(&ctx, root, "irq.managed");
	assert_status(r, RTHC_STATUS_PASS);
	assert_true(reason_has(r, "no kernel-managed IRQ found (by driver queue names"));
	ctx_free(ctx);
	drop(root);
}

static void test_cmdline_irqaffinity(void **state)
{
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r = run_on(&ctx, "irq-iso-leak", "cmdline.irqaffinity");
	char *root;

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	assert_string_equal(obs_str(r, "default_smp_affinity"), "0-7");
	assert_string_equal(obs_str(r, "default_on_isolated"), "2-7");
	assert_string_equal(obs_str(r, "irqaffinity"), "0-1");
	assert_true(has_item(r, "cpu 2", NULL) && has_item(r, "cpu 7", NULL));
	assert_true(has_action(r, "/proc/irq/default_smp_affinity", "03"));
	assert_true(has_action(r, "irqaffinity", "0-1"));

	r = run_on(&ctx, "irq-hk-clean", "cmdline.irqaffinity");
	assert_status(r, RTHC_STATUS_PASS);
	assert_string_equal(obs_str(r, "default_on_isolated"), "");

	r = run_on(&ctx, "irq-64cpu", "cmdline.irqaffinity");
	assert_status(r, RTHC_STATUS_PASS);
	assert_string_equal(obs_str(r, "default_smp_affinity"), "0-3");

	/* clean now, but the command line brings isolated CPUs back at the next boot */
	root = tmpdir_new();
	base_tree(root, "0-7", "2-7", "isolcpus=2-7 irqaffinity=0-3");
	write_file(root, "proc/irq/default_smp_affinity", "03\n");
	r = run_on(&ctx, root, "cmdline.irqaffinity");
	assert_status(r, RTHC_STATUS_WARN);
	assert_true(reason_has(r, "puts isolated CPUs 2-3 back at the next boot"));
	assert_true(has_action(r, "irqaffinity", "0-1"));

	write_file(root, "proc/irq/default_smp_affinity", "zz\n");
	r = run_on(&ctx, root, "cmdline.irqaffinity");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_true(reason_has(r, "/proc/irq/default_smp_affinity"));
	drop(root);

	root = tmpdir_new();
	base_tree(root, "0-7", "2-7", "isolcpus=2-7");
	r = run_on(&ctx, root, "cmdline.irqaffinity");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_string_equal(r->reason, "cannot read /proc/irq/default_smp_affinity: No such file or "
			    "directory");
	ctx_free(ctx);
	drop(root);
}

static void test_irqaffinity_complement(void **state)
{
	static const struct {
		const char *cmdline;
		enum rthc_status st;
		const char *reason;
	} cases[] = {
		{"isolcpus=2-7 irqaffinity=0-1", RTHC_STATUS_PASS, "irqaffinity=0-1 is the housekeeping set"},
		{"isolcpus=2-7", RTHC_STATUS_NOT_APPLICABLE, "no irqaffinity="},
		{"isolcpus=2-7 irqaffinity=abc", RTHC_STATUS_WARN, "malformed"},
		{"isolcpus=2-7 irqaffinity=0-2", RTHC_STATUS_WARN, "includes isolated CPUs 2"},
		{"isolcpus=2-7 irqaffinity=0", RTHC_STATUS_WARN, "housekeeping CPUs 1 take no IRQs"},
	};
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *root = tmpdir_new();

		base_tree(root, "0-7", "2-7", cases[i].cmdline);
		r = run_on(&ctx, root, "xcheck.irqaffinity_complement");
		assert_status(r, cases[i].st);
		if (cases[i].reason && !reason_has(r, cases[i].reason))
			fail_msg("case %zu: reason %s", i, r->reason);
		drop(root);
	}
	r = run_on(&ctx, "irq-iso-leak", "xcheck.irqaffinity_complement");
	assert_status(r, RTHC_STATUS_PASS);
	assert_string_equal(obs_str(r, "isolated_in_irqaffinity"), "");
	r = run_on(&ctx, "irq-64cpu", "xcheck.irqaffinity_complement");
	assert_status(r, RTHC_STATUS_PASS);
	ctx_free(ctx);
}

static void test_irq_vs_iso(void **state)
{
	struct rthc_ctx *ctx = NULL;
	const struct rthc_result *r = run_on(&ctx, "irq-iso-leak", "xcheck.irq_vs_iso");
	char *root;

	(void)state;
	assert_status(r, RTHC_STATUS_FAIL);
	assert_int_equal(obs_int(r, "irqs_on_isolated"), 2);
	assert_int_equal(obs_int(r, "other_on_isolated"), 5);
	assert_true(has_item(r, "irq 41 (i40e-ens1f0-TxRx-1, 0000:01:00.0)", "isolated CPUs 3"));
	assert_true(has_item(r, "/proc/irq/default_smp_affinity", "isolated CPUs 2-7"));
	assert_true(has_item(r, "/sys/devices/virtual/workqueue/cpumask", NULL));
	assert_true(has_item(r, "/sys/bus/workqueue/devices/writeback/cpumask", NULL));
	assert_true(has_item(r, "/proc/sys/kernel/watchdog_cpumask", "2-7"));
	assert_true(has_item(r, "rps_cpus", "1 RPS masks"));
	assert_true(has_evidence(r, "/proc", "PID 1 and kthreadd not checked"));

	r = run_on(&ctx, "irq-hk-clean", "xcheck.irq_vs_iso");
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(obs_int(r, "irqs_on_isolated"), 0);
	assert_int_equal(obs_int(r, "other_on_isolated"), 0);

	/* a clean tree with one unreadable input is an error, never a pass */
	root = leak_tree();
	write_file(root, "proc/irq/24/effective_affinity_list", "0\n");
	write_file(root, "proc/irq/default_smp_affinity", "03\n");
	write_file(root, "sys/class/net/lo/queues/rx-0/rps_cpus", "0\n");
	write_file(root, "sys/bus/workqueue/devices/writeback/cpumask", "3\n");
	r = run_on(&ctx, root, "xcheck.irq_vs_iso");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_true(reason_has(r, "/sys/devices/virtual/workqueue/cpumask"));
	write_file(root, "sys/devices/virtual/workqueue/cpumask", "3\n");
	r = run_on(&ctx, root, "xcheck.irq_vs_iso");
	assert_status(r, RTHC_STATUS_PASS);
	/* PID 1 allowed everywhere: a warning */
	write_file(root, "proc/1/stat", "1 (systemd) S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 "
		   "1 1 1 1 1 1 1 1 1 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
	write_file(root, "proc/1/status", "Name:\tsystemd\nCpus_allowed_list:\t0-7\n");
	r = run_on(&ctx, root, "xcheck.irq_vs_iso");
	assert_status(r, RTHC_STATUS_WARN);
	assert_true(has_item(r, "pid 1 (systemd)", "isolated CPUs 2-7"));
	ctx_free(ctx);
	drop(root);
}

static struct rthc_result *result_of(struct rthc_ctx *ctx, const char *id)
{
	for (size_t i = 0; i < ctx->report->nresults; i++)
		if (streq(ctx->report->results[i].check->id, id)) {
			rthc_result_reset(&ctx->report->results[i]);
			return &ctx->report->results[i];
		}
	fail_msg("no %s", id);
	return NULL;
}

static struct rthc_interrupts *table(struct rthc_ctx *ctx, const char *path)
{
	struct rthc_interrupts *t = NULL;

	assert_int_equal(rthc_interrupts_read(ctx->host, path, RTHC_INTERRUPTS_COUNTS, NULL, &t), 0);
	return t;
}

static void test_counts(void **state)
{
	static const char *const sets[] = {"irq_loc_max_rate=50", NULL};
	static const char *const bad_sets[] = {"irq_ipi_max_rate=lots", NULL};
	struct rthc_interrupts *a, *b;
	struct rthc_ctx *ctx = NULL;
	struct rthc_result *r;
	char *root = tmpdir_new();

	(void)state;
	base_tree(root, "0-3", "2-3", "isolcpus=2-3 nohz_full=2-3");
	write_file(root, "proc/interrupts", "CPU0 CPU1 CPU2 CPU3\n"
		   " 24: 10 0 0 0 PCI-MSI 1-edge eth0-rx-0\n 25: 0 0 5 0 PCI-MSI 2-edge nvme0q1\n"
		   "LOC: 100 100 100 100 Local timer interrupts\nRES: 1 1 1 1 Rescheduling interrupts\n"
		   "ERR: 0\n");
	write_file(root, "proc/interrupts.quiet", "CPU0 CPU1 CPU2 CPU3\n"
		   " 24: 500 0 0 0 PCI-MSI 1-edge eth0-rx-0\n 25: 0 0 5 0 PCI-MSI 2-edge nvme0q1\n"
		   "LOC: 10100 10100 110 115 Local timer interrupts\nRES: 90 90 1 2 Rescheduling "
		   "interrupts\nERR: 0\n");
	/* CPU 2 went offline in between: its column is gone, CPU 3 keeps its own counts */
	write_file(root, "proc/interrupts.noisy", "CPU0 CPU1 CPU3\n"
		   " 24: 500 0 7 PCI-MSI 1-edge eth0-rx-0\n 25: 0 0 0 PCI-MSI 2-edge nvme0q1\n"
		   "LOC: 10100 10100 400 Local timer interrupts\nRES: 90 90 50 Rescheduling interrupts\n"
		   "ERR: 0\n");
	ctx = ctx_new(root, NULL, false);

	/* not sampled: skipped by the runner */
	assert_status(run_check(ctx, "irq.counts"), RTHC_STATUS_SKIPPED);

	a = table(ctx, "/proc/interrupts");
	b = table(ctx, "/proc/interrupts.quiet");
	r = result_of(ctx, "irq.counts");
	irq_counts_judge(ctx, r, a, b, 10.0);
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(obs_int(r, "device_irqs_on_isolated"), 0);
	assert_true(reason_has(r, "tick at most 1.5/s on nohz_full CPUs"));
	rthc_interrupts_free(b);

	b = table(ctx, "/proc/interrupts.noisy");
	r = result_of(ctx, "irq.counts");
	irq_counts_judge(ctx, r, a, b, 10.0);
	assert_status(r, RTHC_STATUS_FAIL);
	assert_int_equal(obs_int(r, "device_irqs_on_isolated"), 1);
	assert_true(has_item(r, "irq 24 (eth0-rx-0)", "fired 7 times on isolated CPUs 3 in 10.0 s"));
	assert_true(has_item(r, "LOC", "30.0 ticks/s on nohz_full CPUs 3 (budget 2/s)"));
	assert_true(has_item(r, "RES", "4.9/s"));
	assert_false(has_item(r, "nvme0q1", NULL)); /* its CPU went away: no delta */

	/* a raised tick budget (--set irq_loc_max_rate=50): the IPI rate still warns */
	rthc_interrupts_free(a);
	a = table(ctx, "/proc/interrupts.noisy");
	ctx_free(ctx);
	ctx = ctx_new(root, sets, false);
	r = result_of(ctx, "irq.counts");
	irq_counts_judge(ctx, r, b, a, 10.0);
	assert_status(r, RTHC_STATUS_PASS);
	rthc_interrupts_free(a);
	a = table(ctx, "/proc/interrupts");
	r = result_of(ctx, "irq.counts");
	write_file(root, "proc/interrupts.ipi", "CPU0 CPU1 CPU2 CPU3\n"
		   " 24: 10 0 0 0 PCI-MSI 1-edge eth0-rx-0\n 25: 0 0 5 0 PCI-MSI 2-edge nvme0q1\n"
		   "LOC: 100 100 200 100 Local timer interrupts\nRES: 1 1 51 1 Rescheduling interrupts\n");
	rthc_interrupts_free(b);
	b = table(ctx, "/proc/interrupts.ipi");
	irq_counts_judge(ctx, r, a, b, 10.0);
	assert_status(r, RTHC_STATUS_WARN);
	assert_false(has_item(r, "LOC", NULL)); /* 10/s is within the raised budget */
	assert_true(has_item(r, "RES", "5.0/s (Rescheduling interrupts) on isolated CPUs 2"));
	/* the check itself: two reads of the same tree file 10 ms apart see no delta */
	ctx->opts.sample = 0.01;
	r = result_of(ctx, "irq.counts");
	irq_check_counts(ctx, r);
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(obs_int(r, "device_irqs_on_isolated"), 0);
	assert_int_equal(rthc_host_inject_error(ctx->host, "/proc/interrupts", RTHC_HOST_OP_READ, -EIO),
			 0);
	r = result_of(ctx, "irq.counts");
	irq_check_counts(ctx, r);
	assert_status(r, RTHC_STATUS_ERROR);
	assert_true(reason_has(r, "/proc/interrupts"));

	/* a budget that is not a number */
	ctx_free(ctx);
	ctx = ctx_new(root, bad_sets, false);
	r = result_of(ctx, "irq.counts");
	irq_counts_judge(ctx, r, a, b, 10.0);
	assert_status(r, RTHC_STATUS_ERROR);
	assert_true(reason_has(r, "irq_loc_max_rate"));
	rthc_interrupts_free(a);
	rthc_interrupts_free(b);
	ctx_free(ctx);
	drop(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_affinity_leak),
		cmocka_unit_test(test_affinity_clean),
		cmocka_unit_test(test_affinity_effective_vs_requested),
		cmocka_unit_test(test_affinity_move_pending),
		cmocka_unit_test(test_affinity_many_cpus),
		cmocka_unit_test(test_affinity_errors),
		cmocka_unit_test(test_managed),
		cmocka_unit_test(test_managed_idle),
		cmocka_unit_test(test_cmdline_irqaffinity),
		cmocka_unit_test(test_irqaffinity_complement),
		cmocka_unit_test(test_irq_vs_iso),
		cmocka_unit_test(test_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
