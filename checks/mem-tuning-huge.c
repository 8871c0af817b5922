/*
 * Hugepage placement and housekeeping per NUMA node: mem.hugetlbfs (spec/checks.md §7),
 * xcheck.hugepages_node and xcheck.hk_per_node (§12). The boot-time hugepage parameters
 * (cmdline.hugepages) are in mem-tuning-hpcmd.c.
 *
 * hugetlbfs prints its page size in /proc/mounts as "pagesize=<n>K" or "<n>M" (1 GiB pages:
 * pagesize=1024M); a mount without the option uses the default size (/proc/meminfo
 * Hugepagesize).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem-tuning.h"

#define GIB_POOL RTHC_HUGEPAGES_DIR "/hugepages-1048576kB"
#define NODE_GIB_POOLS RTHC_NODE_DIR "/node*/hugepages/hugepages-1048576kB/nr_hugepages"

int rthc_mem_default_hugepage_kb(struct rthc_ctx *ctx, struct rthc_result *r, uint64_t *kb)
{
	_cleanup_free_ char *mi = NULL;
	const char *p;
	int err = rthc_host_read_str(ctx->host, "/proc/meminfo", &mi);

	if (err == 0) {
		p = strstr(mi, "Hugepagesize:");
		if (!p || sscanf(p + strlen("Hugepagesize:"), " %" SCNu64, kb) != 1 || *kb == 0)
			err = -EINVAL;
	}
	if (err < 0)
		rthc_result_error(r, err, "/proc/meminfo");
	return err;
}

/* Does a hugetlbfs mount of 1 GiB pages exist? Items list the other hugetlbfs mounts. */
static int gib_mount(struct rthc_ctx *ctx, struct rthc_result *r, char *where, size_t wsz)
{
	_cleanup_free_ char *text = NULL;
	char *line, *save = NULL;
	uint64_t def = 0;
	int found = 0, err = rthc_host_read_file(ctx->host, "/proc/mounts", &text, NULL);

	if (err < 0) {
		rthc_result_error(r, err, "/proc/mounts");
		return err;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char dev[256], mnt[512], type[64], opts[1024];
		const char *ps;
		bool gib;

		if (sscanf(line, "%255s %511s %63s %1023s", dev, mnt, type, opts) != 4) {
			rthc_result_errorf(r, -EINVAL,
					   "cannot read /proc/mounts: unexpected line \"%s\"",
					   line);
			return -EINVAL;
		}
		if (!streq(type, "hugetlbfs"))
			continue;
		rthc_evidence(r, "/proc/mounts", "%s %s %s", mnt, type, opts);
		ps = strstr(opts, "pagesize=");
		if (ps) {
			gib = strneq(ps + 9, "1024M", 5) || strneq(ps + 9, "1G", 2);
		} else {
			if (!def && rthc_mem_default_hugepage_kb(ctx, r, &def) < 0)
				return -EINVAL;
			gib = def == 1048576;
		}
		if (!gib) {
			rthc_item(r, mnt, "hugetlbfs with %s", ps ? ps : "the default page size");
			continue;
		}
		if (!found)
			snprintf(where, wsz, "%s", mnt);
		found = 1;
	}
	return found;
}

void rthc_mem_hugetlbfs(struct rthc_ctx *ctx, struct rthc_result *r)
{
	char where[512];
	uint64_t nr;
	int k, err;

	if (rthc_host_is_dir(ctx->host, RTHC_HUGEPAGES_DIR) <= 0) {
		if (rthc_mem_built_without(ctx->facts, "CONFIG_HUGETLBFS"))
			rthc_na(r, "the kernel is built without CONFIG_HUGETLBFS: no hugepages");
		else
			rthc_result_error(r, -ENOENT, RTHC_HUGEPAGES_DIR);
		return;
	}
	if (rthc_host_is_dir(ctx->host, GIB_POOL) <= 0) {
		rthc_na(r, "no 1 GiB hugepage pool on this kernel/CPU (no %s)", GIB_POOL);
		return;
	}
	err = rthc_host_read_u64(ctx->host, GIB_POOL "/nr_hugepages", &nr);
	if (err < 0) {
		rthc_result_error(r, err, GIB_POOL "/nr_hugepages");
		return;
	}
	rthc_evidence(r, GIB_POOL "/nr_hugepages", "%" PRIu64, nr);
	if (nr == 0) {
		rthc_na(r, "no 1 GiB hugepages are reserved");
		return;
	}
	k = gib_mount(ctx, r, where, sizeof(where));
	if (k < 0)
		return;
	rthc_expect_str(r, "pagesize", "1024M");
	rthc_observe_int(r, "gib_pages", (int64_t)nr);
	rthc_observe_str(r, "mount", k ? where : NULL);
	if (k) {
		rthc_pass(r,
			  "%" PRIu64
			  " reserved 1 GiB pages are usable through the hugetlbfs mount at %s",
			  nr, where);
		return;
	}
	rthc_warn(r,
		  "%" PRIu64
		  " 1 GiB pages are reserved but no hugetlbfs is mounted with pagesize=1G: "
		  "QEMU/libvirt cannot back guest memory with them",
		  nr);
	rthc_remedy(r, false, false,
		    "mount hugetlbfs -o pagesize=1G (e.g. a dev-hugepages1G.mount unit "
		    "at /dev/hugepages1G) and point libvirt's hugetlbfs_mount at it");
	rthc_remedy_action(r, RTHC_ACTION_FILE, "/etc/systemd/system/dev-hugepages1G.mount", NULL);
}

/* Nodes that hold isolated CPUs, or a note why the check cannot run (error/not_applicable set). */
static bool iso_nodes_ready(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;

	if (f->topology.err.err) {
		rthc_result_error(r, f->topology.err.err, f->topology.err.path);
		return false;
	}
	if (rthc_cpuset_empty(&f->isolation.isolated)) {
		rthc_na(r, "no isolated CPUs");
		return false;
	}
	if (f->topology.nnodes == 0) {
		rthc_na(r, "no NUMA node information (%s)", RTHC_NODE_DIR);
		return false;
	}
	return true;
}

void rthc_mem_hk_per_node(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	unsigned bad = 0, nodes = 0;

	if (!iso_nodes_ready(ctx, r))
		return;
	for (size_t n = 0; n < f->topology.nnodes; n++) {
		const struct rthc_node *node = &f->topology.nodes[n];
		_cleanup_free_ char *cpus = NULL;
		char obj[32];

		if (!rthc_cpuset_intersects(&node->cpus, &iso->isolated))
			continue;
		nodes++;
		if (rthc_cpuset_intersects(&node->cpus, &iso->housekeeping))
			continue;
		bad++;
		cpus = rthc_cpuset_str(&node->cpus);
		snprintf(obj, sizeof(obj), "node %u", node->id);
		rthc_item(r, obj, "CPUs %s are all isolated or offline: no housekeeping CPU",
			  cpus_or_none(cpus));
	}
	rthc_expect_int(r, "nodes_without_housekeeping", 0);
	rthc_observe_int(r, "nodes_with_isolated", nodes);
	rthc_observe_int(r, "nodes_without_housekeeping", bad);
	if (!bad) {
		rthc_pass(r,
			  "each of the %u NUMA node%s with isolated CPUs keeps a housekeeping CPU",
			  nodes, nodes == 1 ? "" : "s");
		return;
	}
	rthc_warn(r,
		  "%u NUMA node%s with isolated CPUs ha%s no housekeeping CPU: managed IRQ sets, "
		  "kswapd/kcompactd and per-node work run remote or on isolated CPUs",
		  bad, bad == 1 ? "" : "s", bad == 1 ? "s" : "ve");
	rthc_remedy(r, true, true,
		    "keep at least one CPU (core) per NUMA node out of the isolation "
		    "lists");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", NULL);
}

/* Sum of nr_hugepages of the pools under dir into *total; per-size values into obj. */
static int node_pool_total(struct rthc_ctx *ctx, struct rthc_result *r, const char *dir,
			   struct rthc_kvlist **obj, uint64_t *total)
{
	char **names = NULL;
	int err = rthc_host_list_dir(ctx->host, dir, &names, NULL);

	*total = 0;
	if (err < 0)
		return err;
	for (char **nm = names; *nm; nm++) {
		uint64_t nr, fr;
		struct rthc_kvlist **pl;

		if (!strneq(*nm, "hugepages-", 10))
			continue;
		err = rthc_host_read_u64f(ctx->host, &nr, "%s/%s/nr_hugepages", dir, *nm);
		if (err == 0)
			err = rthc_host_read_u64f(ctx->host, &fr, "%s/%s/free_hugepages", dir, *nm);
		if (err < 0) {
			rthc_result_errorf(r, err, "cannot read %s/%s/{nr,free}_hugepages", dir,
					   *nm);
			break;
		}
		*total += nr;
		pl = obj ? rthc_kv_add_object(r, obj, *nm + 10) : NULL;
		if (pl) {
			rthc_kv_add_int(r, pl, "total", (int64_t)nr);
			rthc_kv_add_int(r, pl, "free", (int64_t)fr);
		}
	}
	rthc_strv_free(names);
	return err < 0 ? -EIO : 0;
}

void rthc_mem_hugepages_node(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	struct rthc_kvlist **nodes;
	unsigned bad = 0, checked = 0;

	if (!iso_nodes_ready(ctx, r))
		return;
	if (rthc_host_is_dir(ctx->host, RTHC_HUGEPAGES_DIR) <= 0) {
		if (rthc_mem_built_without(f, "CONFIG_HUGETLBFS"))
			rthc_na(r, "the kernel is built without CONFIG_HUGETLBFS: no hugepages");
		else
			rthc_result_error(r, -ENOENT, RTHC_HUGEPAGES_DIR);
		return;
	}
	nodes = rthc_kv_add_object(r, &r->observed, "nodes");
	for (size_t n = 0; n < f->topology.nnodes; n++) {
		const struct rthc_node *node = &f->topology.nodes[n];
		struct rthc_kvlist **nl = NULL;
		char dir[128], key[16], obj[32];
		uint64_t total;
		int err;

		if (!rthc_cpuset_intersects(&node->cpus, &f->isolation.isolated))
			continue;
		checked++;
		snprintf(key, sizeof(key), "%u", node->id);
		snprintf(obj, sizeof(obj), "node %u", node->id);
		nl = nodes ? rthc_kv_add_object(r, nodes, key) : NULL;
		snprintf(dir, sizeof(dir), RTHC_NODE_DIR "/node%u/hugepages", node->id);
		err = node_pool_total(ctx, r, dir, nl, &total);
		if (err == -ENOENT && f->topology.nnodes == 1)
			err = node_pool_total(ctx, r, RTHC_HUGEPAGES_DIR, nl, &total);
		if (err == -ENOENT) {
			total = 0; /* a memory-less node has no pools */
		} else if (err < 0) {
			if (!r->status_set)
				rthc_result_error(r, err, dir);
			return;
		}
		if (total)
			continue;
		bad++;
		rthc_item(r, obj,
			  "has isolated CPUs but no hugepage pool: guests pinned there get remote "
			  "or 4 KiB memory");
	}
	rthc_expect_int(r, "nodes_without_pool", 0);
	rthc_observe_int(r, "nodes_without_pool", bad);
	if (!bad) {
		rthc_pass(r, "each of the %u NUMA node%s with isolated CPUs has a hugepage pool",
			  checked, checked == 1 ? "" : "s");
		return;
	}
	rthc_warn(r,
		  "%u of %u NUMA node%s with isolated CPUs ha%s no hugepages (VM demand unknown: "
		  "no VM definitions were read)",
		  bad, checked, checked == 1 ? "" : "s", bad == 1 ? "s" : "ve");
	rthc_remedy(r, true, false,
		    "reserve hugepages on those nodes: echo N > "
		    "/sys/devices/system/node/nodeN/hugepages/hugepages-1048576kB/nr_hugepages, "
		    "or boot with hugepagesz=1G hugepages=<node>:<n>");
	rthc_remedy_action(r, RTHC_ACTION_SYSFS, NODE_GIB_POOLS, NULL);
}
