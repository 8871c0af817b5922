/* Memory checks (spec/checks.md §7). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define HP_DIR "/sys/kernel/mm/hugepages"

struct pool {
	char name[48]; /* "hugepages-2048kB" */
	uint64_t total, free;
};

/* Read nr_hugepages/free_hugepages under dir/name; error result on failure. */
static int read_pool(struct rthc_ctx *ctx, struct rthc_result *r, const char *dir, struct pool *p)
{
	char path[512];
	int err;

	snprintf(path, sizeof(path), "%s/%s/nr_hugepages", dir, p->name);
	err = rthc_host_read_u64(ctx->host, path, &p->total);
	if (err == 0) {
		snprintf(path, sizeof(path), "%s/%s/free_hugepages", dir, p->name);
		err = rthc_host_read_u64(ctx->host, path, &p->free);
	}
	if (err < 0)
		rthc_result_error(r, err, path);
	return err;
}

static const char *size_of(const char *name)
{
	return name + strlen("hugepages-");
}

/* Per NUMA node pools; returns < 0 after setting an error result. */
static int node_pools(struct rthc_ctx *ctx, struct rthc_result *r, unsigned *nodes_without_iso_pages)
{
	const struct rthc_facts *f = ctx->facts;
	struct rthc_kvlist **per_node = rthc_kv_add_object(r, &r->observed, "nodes");

	*nodes_without_iso_pages = 0;
	for (size_t n = 0; n < f->topology.nnodes; n++) {
		const struct rthc_node *node = &f->topology.nodes[n];
		char dir[256], obj[32], key[32];
		char **names = NULL;
		uint64_t node_total = 0;
		struct rthc_kvlist **nl;
		int err;

		snprintf(dir, sizeof(dir), "/sys/devices/system/node/node%u/hugepages", node->id);
		err = rthc_host_list_dir(ctx->host, dir, &names, NULL);
		if (err == -ENOENT)
			continue; /* memory-less or old kernel: the global pools still count */
		if (err < 0) {
			rthc_result_error(r, err, dir);
			return err;
		}
		snprintf(key, sizeof(key), "%u", node->id);
		nl = per_node ? rthc_kv_add_object(r, per_node, key) : NULL;
		for (char **nm = names; *nm; nm++) {
			struct pool p = {0};
			struct rthc_kvlist **pl;

			if (!strneq(*nm, "hugepages-", 10) || strlen(*nm) >= sizeof(p.name))
				continue;
			strcpy(p.name, *nm);
			if (read_pool(ctx, r, dir, &p) < 0) {
				rthc_strv_free(names);
				return -EIO;
			}
			node_total += p.total;
			pl = nl ? rthc_kv_add_object(r, nl, size_of(p.name)) : NULL;
			if (pl) {
				rthc_kv_add_int(r, pl, "total", (int64_t)p.total);
				rthc_kv_add_int(r, pl, "free", (int64_t)p.free);
			}
			if (p.total) {
				snprintf(obj, sizeof(obj), "node %u", node->id);
				rthc_item(r, obj, "%s: %" PRIu64 " total, %" PRIu64 " free", size_of(p.name), p.total,
					  p.free);
			}
		}
		rthc_strv_free(names);
		if (node_total == 0 && rthc_cpuset_intersects(&node->cpus, &f->isolation.isolated)) {
			snprintf(obj, sizeof(obj), "node %u", node->id);
			rthc_item(r, obj, "has isolated CPUs but no hugepages reserved");
			(*nodes_without_iso_pages)++;
		}
	}
	return 0;
}

static void hugepages(struct rthc_ctx *ctx, struct rthc_result *r)
{
	char **names = NULL;
	uint64_t total = 0, free_ = 0;
	struct rthc_kvlist **pools;
	unsigned bad_nodes;
	int err;

	err = rthc_host_list_dir(ctx->host, HP_DIR, &names, NULL);
	if (err < 0) {
		rthc_result_error(r, err, HP_DIR);
		return;
	}
	pools = rthc_kv_add_object(r, &r->observed, "pools");
	for (char **nm = names; *nm; nm++) {
		struct pool p = {0};
		struct rthc_kvlist **pl;

		if (!strneq(*nm, "hugepages-", 10) || strlen(*nm) >= sizeof(p.name))
			continue;
		strcpy(p.name, *nm);
		if (read_pool(ctx, r, HP_DIR, &p) < 0)
			goto out;
		rthc_evidence(r, HP_DIR, "%s: nr_hugepages %" PRIu64 ", free_hugepages %" PRIu64, p.name, p.total,
			      p.free);
		pl = pools ? rthc_kv_add_object(r, pools, size_of(p.name)) : NULL;
		if (pl) {
			rthc_kv_add_int(r, pl, "total", (int64_t)p.total);
			rthc_kv_add_int(r, pl, "free", (int64_t)p.free);
		}
		total += p.total;
		free_ += p.free;
	}
	if (node_pools(ctx, r, &bad_nodes) < 0)
		goto out;
	rthc_expect_str(r, "reserved", "hugepages on every NUMA node with isolated CPUs");
	if (total == 0) {
		rthc_warn(r, "no hugepages are reserved: RT guest memory cannot be hugepage-backed");
		rthc_remedy(r, true, false, "reserve hugepages per NUMA node of the isolated CPUs "
					     "(echo N > /sys/devices/system/node/nodeN/hugepages/hugepages-1048576kB/nr_hugepages, "
					     "or boot with hugepagesz=1G hugepages=N)");
		rthc_remedy_action(r, RTHC_ACTION_SYSFS,
				   "/sys/devices/system/node/node*/hugepages/hugepages-1048576kB/nr_hugepages", NULL);
	} else if (bad_nodes) {
		rthc_warn(r, "%u NUMA node%s with isolated CPUs ha%s no hugepages: guests pinned there get "
			     "remote memory", bad_nodes, bad_nodes == 1 ? "" : "s", bad_nodes == 1 ? "s" : "ve");
		rthc_remedy(r, true, false, "reserve hugepages on the NUMA nodes of the isolated CPUs");
		rthc_remedy_action(r, RTHC_ACTION_SYSFS,
				   "/sys/devices/system/node/node*/hugepages/hugepages-1048576kB/nr_hugepages", NULL);
	} else {
		rthc_pass(r, "%" PRIu64 " hugepages reserved, %" PRIu64 " free", total, free_);
	}
out:
	rthc_strv_free(names);
}

const struct rthc_check rthc_checks_mem[] = {
	{
		.id = "mem.hugepages",
		.title = "Hugepage pools are reserved where the RT guests run",
		.category = RTHC_CAT_MEM,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/sys/kernel/mm/hugepages/hugepages-*/{nr,free}_hugepages; "
			 "/sys/devices/system/node/nodeN/hugepages/hugepages-*/{nr,free}_hugepages",
		.why = "RT guest memory must be hugepage-backed, locked and on the NUMA node of its vCPUs; "
		       "4 KiB pages mean TLB misses and page faults in the guest's hot path.",
		.pass = "hugepages are reserved, and every NUMA node with isolated CPUs has a pool",
		.remedy = "RT echo N > /sys/devices/system/node/nodeN/hugepages/hugepages-1048576kB/nr_hugepages "
			  "then read back (may partially succeed); BOOT hugepagesz=1G hugepages=N",
		.sources = "[LV] [NTO-HP] [HUGE]",
		.run = hugepages,
	},
	{0},
};
