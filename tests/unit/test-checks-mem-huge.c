/*
 * Unit tests: mem.hugetlbfs, xcheck.hugepages_node, xcheck.hk_per_node
 * (checks/mem-tuning-huge.c) and cmdline.hugepages (checks/mem-tuning-hpcmd.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "test-checks-power-helpers.h"

#define HP "/sys/kernel/mm/hugepages"
#define NODE "/sys/devices/system/node"

/* Pools of a temp tree: 2 MiB and 1 GiB globally and per node; default size in KiB. */
static void pools(const char *root, unsigned gib0, unsigned gib1, unsigned mib0, unsigned mib1,
		  unsigned default_kb)
{
	const struct {
		const char *size;
		unsigned n[2];
	} p[] = {{"1048576kB", {gib0, gib1}}, {"2048kB", {mib0, mib1}}};
	char path[160], v[64];

	for (size_t i = 0; i < 2; i++) {
		snprintf(v, sizeof(v), "%u\n", p[i].n[0] + p[i].n[1]);
		snprintf(path, sizeof(path), HP "/hugepages-%s/nr_hugepages", p[i].size);
		write_file(root, path, v);
		snprintf(path, sizeof(path), HP "/hugepages-%s/free_hugepages", p[i].size);
		write_file(root, path, v);
		for (int n = 0; n < 2; n++) {
			snprintf(v, sizeof(v), "%u\n", p[i].n[n]);
			snprintf(path, sizeof(path),
				 NODE "/node%d/hugepages/hugepages-%s/nr_hugepages", n, p[i].size);
			write_file(root, path, v);
			snprintf(path, sizeof(path),
				 NODE "/node%d/hugepages/hugepages-%s/free_hugepages", n,
				 p[i].size);
			write_file(root, path, v);
		}
	}
	snprintf(v, sizeof(v), "MemTotal: 1000000 kB\nHugepagesize:    %u kB\n", default_kb);
	write_file(root, "/proc/meminfo", v);
}

static void hugetlbfs(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-tuned", "mem.hugetlbfs", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	assert_string_equal(pm_obs_str(r, "mount"), "/dev/hugepages1G");
	assert_int_equal(pm_obs_int(r, "gib_pages"), 4);
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-misconfigured", "mem.hugetlbfs", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	assert_null(pm_obs_str(r, "mount"));
	pm_assert_item(r, "/dev/hugepages", "pagesize=2M");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-garbage", "mem.hugetlbfs", NULL);
	pm_assert_error(r, HP "/hugepages-1048576kB/nr_hugepages");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-missing", "mem.hugetlbfs", NULL);
	pm_assert_error(r, HP);
	ctx_free(ctx);
}

static void no_hugetlbfs(void **state)
{
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pm_base(root, "hugepagesz=1G hugepages=2", "2-3");
	write_file(root, "/boot/config-6.6.0-rt15", "# CONFIG_HUGETLBFS is not set\n");
	r = pm_run_root(&ctx, root, "mem.hugetlbfs", NULL);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	ctx_free(ctx);
	r = pm_run_root(&ctx, root, "cmdline.hugepages", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_reason(r, "ignores the hugepage parameters");
	ctx_free(ctx);
	r = pm_run_root(&ctx, root, "xcheck.hugepages_node", NULL);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	ctx_free(ctx);
	/* The global pools exist, node 1 has none (memory-less): no pool there. */
	tmpdir_remove(root);
	pm_base(root, "", "2-3,6-7");
	write_file(root, HP "/hugepages-1048576kB/nr_hugepages", "2\n");
	write_file(root, NODE "/node0/hugepages/hugepages-1048576kB/nr_hugepages", "2\n");
	write_file(root, NODE "/node0/hugepages/hugepages-1048576kB/free_hugepages", "2\n");
	r = pm_run_root(&ctx, root, "xcheck.hugepages_node", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_item(r, "node 1", "no hugepage pool");
	ctx_free(ctx);
	tmpdir_remove(root);
	free(root);
}

static void hugetlbfs_tmp(void **state)
{
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pm_base(root, "", "2-3");
	pools(root, 0, 0, 0, 0, 2048);
	r = pm_run_root(&ctx, root, "mem.hugetlbfs", NULL);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	pm_assert_reason(r, "no 1 GiB hugepages are reserved");
	ctx_free(ctx);
	/* A mount without pagesize= serves the default size, here 1 GiB. */
	pools(root, 1, 1, 0, 0, 1048576);
	write_file(root, "/proc/mounts", "hugetlbfs /dev/hugepages hugetlbfs rw,relatime 0 0\n");
	r = pm_run_root(&ctx, root, "mem.hugetlbfs", NULL);
	assert_status(r, RTHC_STATUS_PASS);
	assert_string_equal(pm_obs_str(r, "mount"), "/dev/hugepages");
	ctx_free(ctx);
	write_file(root, "/proc/mounts", "hugetlbfs /dev/hugepages\n");
	r = pm_run_root(&ctx, root, "mem.hugetlbfs", NULL);
	pm_assert_error(r, "/proc/mounts");
	ctx_free(ctx);
	tmpdir_remove(root);
	/* A CPU without 1 GiB pages has no such pool. */
	pm_base(root, "", "2-3");
	write_file(root, HP "/hugepages-2048kB/nr_hugepages", "0\n");
	r = pm_run_root(&ctx, root, "mem.hugetlbfs", NULL);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	pm_assert_reason(r, "no 1 GiB hugepage pool");
	ctx_free(ctx);
	tmpdir_remove(root);
	free(root);
}

static void cmdline_fixtures(void **state)
{
	const char *const gib[] = {"pages", "1048576kB", NULL};
	const char *const mib[] = {"pages", "2048kB", NULL};
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-tuned", "cmdline.hugepages", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(pm_nested_int(r->expected, gib), 4);
	assert_int_equal(pm_nested_int(r->observed, gib), 4);
	assert_int_equal(pm_obs_int(r, "ignored_parameters"), 0);
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-misconfigured", "cmdline.hugepages", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	assert_int_equal(pm_nested_int(r->expected, gib), 8);
	assert_int_equal(pm_nested_int(r->observed, gib), 4);
	assert_int_equal(pm_nested_int(r->expected, mib), 512);
	assert_int_equal(pm_obs_int(r, "ignored_parameters"), 1);
	pm_assert_item(r, "hugepages=256", "twice without a hugepagesz= in between");
	pm_assert_item(r, "hugepages-1048576kB", "requested 8, allocated 4");
	pm_assert_item(r, "node 1 hugepages-1048576kB", "requested 4, allocated 0");
	assert_int_equal(r->nitems, 3);
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-no-cpuidle", "cmdline.hugepages", NULL);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-garbage", "cmdline.hugepages", NULL);
	pm_assert_error(r, HP "/hugepages-1048576kB/nr_hugepages");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-missing", "cmdline.hugepages", NULL);
	pm_assert_error(r, HP);
	ctx_free(ctx);
}

/* Replay cmdline on a tree with 1 GiB pools (gib0, gib1) and 2 MiB (mib total on node 0). */
static const struct rthc_result *replay(struct rthc_ctx **ctx, char *root, const char *cmdline,
					unsigned gib0, unsigned gib1, unsigned mib,
					unsigned default_kb)
{
	tmpdir_remove(root);
	pm_base(root, cmdline, "2-3,6-7");
	pools(root, gib0, gib1, mib, 0, default_kb);
	return pm_run_root(ctx, root, "cmdline.hugepages", NULL);
}

static void cmdline_order(void **state)
{
	const char *const gib[] = {"pages", "1048576kB", NULL};
	const char *const mib[] = {"pages", "2048kB", NULL};
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	/* A first bare hugepages= counts pages of the default size, even if named later. */
	r = replay(&ctx, root, "hugepages=3 default_hugepagesz=1G", 2, 1, 0, 1048576);
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(pm_nested_int(r->expected, gib), 3);
	ctx_free(ctx);
	/* Without default_hugepagesz= it is the running default (meminfo), here 2 MiB. */
	r = replay(&ctx, root, "hugepages=64", 0, 0, 64, 2048);
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(pm_nested_int(r->expected, mib), 64);
	ctx_free(ctx);
	/* An unsupported size voids its hugepages= too. */
	r = replay(&ctx, root, "hugepagesz=3M hugepages=5", 0, 0, 0, 2048);
	assert_status(r, RTHC_STATUS_WARN);
	assert_int_equal(pm_obs_int(r, "ignored_parameters"), 2);
	pm_assert_item(r, "hugepagesz=3M", "page size not supported");
	pm_assert_item(r, "hugepages=5", "does not follow a valid hugepagesz=");
	ctx_free(ctx);
	/* A size given twice: the second pair is ignored, the first one counts. */
	r = replay(&ctx, root, "hugepagesz=1G hugepages=2 hugepagesz=1G hugepages=4", 1, 1, 0,
		   2048);
	assert_status(r, RTHC_STATUS_WARN);
	assert_int_equal(pm_nested_int(r->expected, gib), 2);
	pm_assert_item(r, "hugepagesz=1G", "given twice");
	pm_assert_item(r, "hugepages=4", "does not follow a valid hugepagesz=");
	assert_int_equal(r->nitems, 2);
	ctx_free(ctx);
	/* The node form names a node that is not online: the whole parameter is void. */
	r = replay(&ctx, root, "hugepagesz=1G hugepages=0:1,5:1", 1, 0, 0, 2048);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_item(r, "hugepages=0:1,5:1", "not a count or a valid node:count list");
	ctx_free(ctx);
	/* Two sizes in order, both allocated. */
	r = replay(&ctx, root, "hugepagesz=2M hugepages=128 hugepagesz=1G hugepages=1:2", 0, 2, 128,
		   2048);
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(pm_nested_int(r->expected, gib), 2);
	assert_int_equal(pm_nested_int(r->expected, mib), 128);
	ctx_free(ctx);
	/* A pool grown at runtime beyond the request still satisfies it. */
	r = replay(&ctx, root, "hugepagesz=1G hugepages=1", 2, 2, 0, 2048);
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(pm_nested_int(r->observed, gib), 4);
	ctx_free(ctx);
	/* An implicit count needs the default size. */
	tmpdir_remove(root);
	pm_base(root, "hugepages=8", "2-3");
	write_file(root, HP "/hugepages-2048kB/nr_hugepages", "8\n");
	r = pm_run_root(&ctx, root, "cmdline.hugepages", NULL);
	pm_assert_error(r, "/proc/meminfo");
	ctx_free(ctx);
	tmpdir_remove(root);
	free(root);
}

static void hugepages_node(void **state)
{
	const char *const node1[] = {"nodes", "1", "1048576kB", "total", NULL};
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-tuned", "xcheck.hugepages_node", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(pm_nested_int(r->observed, node1), 2);
	assert_int_equal(pm_obs_int(r, "nodes_without_pool"), 0);
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-misconfigured", "xcheck.hugepages_node", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	assert_int_equal(pm_nested_int(r->observed, node1), 0);
	assert_int_equal(pm_obs_int(r, "nodes_without_pool"), 1);
	pm_assert_item(r, "node 1", "no hugepage pool");
	assert_int_equal(r->nitems, 1);
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-garbage", "xcheck.hugepages_node", NULL);
	pm_assert_error(r, NODE "/node0/hugepages/hugepages-1048576kB");
	ctx_free(ctx);
	/* No hugetlb interface at all: cannot tell. */
	r = pm_run(&ctx, "pm-missing", "xcheck.hugepages_node", NULL);
	pm_assert_error(r, HP);
	ctx_free(ctx);
}

static void hk_per_node(void **state)
{
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-tuned", "xcheck.hk_per_node", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(pm_obs_int(r, "nodes_with_isolated"), 2);
	assert_int_equal(pm_obs_int(r, "nodes_without_housekeeping"), 0);
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-misconfigured", "xcheck.hk_per_node", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	assert_int_equal(pm_obs_int(r, "nodes_with_isolated"), 1);
	assert_int_equal(pm_obs_int(r, "nodes_without_housekeeping"), 1);
	pm_assert_item(r, "node 1", "CPUs 4-7 are all isolated or offline");
	assert_true(r->remediation->requires_reboot);
	ctx_free(ctx);
	/* No CPU information at all. */
	write_file(root, "/proc/cmdline", "ro\n");
	r = pm_run_root(&ctx, root, "xcheck.hk_per_node", NULL);
	pm_assert_error(r, "/sys/devices/system/cpu");
	ctx_free(ctx);
	r = pm_run_root(&ctx, root, "xcheck.hugepages_node", NULL);
	pm_assert_error(r, "/sys/devices/system/cpu");
	ctx_free(ctx);
	tmpdir_remove(root);
	pm_base(root, "", "");
	r = pm_run_root(&ctx, root, "xcheck.hk_per_node", NULL);
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	ctx_free(ctx);
	tmpdir_remove(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hugetlbfs),	 cmocka_unit_test(hugetlbfs_tmp),
		cmocka_unit_test(no_hugetlbfs),	 cmocka_unit_test(cmdline_fixtures),
		cmocka_unit_test(cmdline_order), cmocka_unit_test(hugepages_node),
		cmocka_unit_test(hk_per_node),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
