/*
 * Memory checks (spec/checks.md §7): hugepage pools per page size, globally and per NUMA node.
 * free_hugepages counts pages not yet faulted in, including those promised to mappings
 * (resv_hugepages), so what a new guest can get is free − resv; surplus pages come from
 * overcommit and are not a reservation. Node pools have no resv count.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iso-kernel.h"
#include "util.h"

#define HP_DIR "/sys/kernel/mm/hugepages"
#define NODE_DIR "/sys/devices/system/node"
#define MAX_SIZES 8

struct pool {
	uint64_t kb; /* page size */
	uint64_t total, free, resv, surplus;
};

struct pools {
	struct pool v[MAX_SIZES];
	size_t n;
};

/* "hugepages-2048kB" → 2048; 0 for any other name. */
static uint64_t size_from_name(const char *name)
{
	char *end;
	unsigned long long kb;

	if (!strneq(name, "hugepages-", 10) || name[10] < '1' || name[10] > '9')
		return 0;
	kb = strtoull(name + 10, &end, 10);
	return streq(end, "kB") ? kb : 0;
}

static int read_value(struct rthc_ctx *ctx, struct rthc_result *r, const char *dir, uint64_t kb,
		      const char *file, uint64_t *ret)
{
	char path[256];
	int err;

	snprintf(path, sizeof(path), "%s/hugepages-%" PRIu64 "kB/%s", dir, kb, file);
	err = rthc_host_read_u64(ctx->host, path, ret);
	if (err < 0)
		rthc_result_error(r, err, path);
	return err;
}

/*
 * The pools under dir (HP_DIR or a node's hugepages directory). Returns 0, -ENOENT when dir is
 * absent (no result set), or another error after setting an error result.
 */
static int read_pools(struct rthc_ctx *ctx, struct rthc_result *r, const char *dir, bool global,
		      struct pools *ps)
{
	char **names = NULL;
	int err = rthc_host_list_dir(ctx->host, dir, &names, NULL);

	ps->n = 0;
	if (err == -ENOENT)
		return err;
	if (err < 0) {
		rthc_result_error(r, err, dir);
		return err;
	}
	for (char **nm = names; *nm && ps->n < MAX_SIZES; nm++) {
		struct pool *p = &ps->v[ps->n];

		*p = (struct pool){.kb = size_from_name(*nm)};
		if (!p->kb)
			continue;
		err = read_value(ctx, r, dir, p->kb, "nr_hugepages", &p->total);
		if (!err)
			err = read_value(ctx, r, dir, p->kb, "free_hugepages", &p->free);
		if (!err)
			err = read_value(ctx, r, dir, p->kb, "surplus_hugepages", &p->surplus);
		if (!err && global)
			err = read_value(ctx, r, dir, p->kb, "resv_hugepages", &p->resv);
		if (!err && (p->free > p->total || p->surplus > p->total || p->resv > p->free)) {
			err = -ERANGE;
			rthc_result_errorf(r, err,
					   "cannot read %s/hugepages-%" PRIu64 "kB: free %" PRIu64
					   ", reserved "
					   "%" PRIu64 " and surplus %" PRIu64 " do not fit %" PRIu64
					   " pages",
					   dir, p->kb, p->free, p->resv, p->surplus, p->total);
		}
		if (err < 0)
			break;
		ps->n++;
	}
	rthc_strv_free(names);
	return err < 0 ? err : 0;
}

static const struct pool *find_pool(const struct pools *ps, uint64_t kb)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ps->v[i].kb == kb)
			return &ps->v[i];
	return NULL;
}

static uint64_t persistent(const struct pools *ps)
{
	uint64_t n = 0;

	for (size_t i = 0; i < ps->n; i++)
		n += ps->v[i].total - ps->v[i].surplus;
	return n;
}

static void observe_pools(struct rthc_result *r, struct rthc_kvlist **parent, const char *key,
			  const struct pools *ps, bool global)
{
	struct rthc_kvlist **o = rthc_kv_add_object(r, parent, key);

	for (size_t i = 0; o && i < ps->n; i++) {
		const struct pool *p = &ps->v[i];
		char name[32];
		struct rthc_kvlist **pl;

		snprintf(name, sizeof(name), "%" PRIu64 "kB", p->kb);
		pl = rthc_kv_add_object(r, o, name);
		if (!pl)
			return;
		rthc_kv_add_int(r, pl, "total", (int64_t)p->total);
		rthc_kv_add_int(r, pl, "free", (int64_t)p->free);
		if (global)
			rthc_kv_add_int(r, pl, "reserved", (int64_t)p->resv);
		rthc_kv_add_int(r, pl, "surplus", (int64_t)p->surplus);
	}
}

/* The need from --set hugepages_per_node=N [hugepage_size=1G]: 0 none, 1 given, < 0 error. */
static int demand(struct rthc_ctx *ctx, struct rthc_result *r, const struct pools *global,
		  uint64_t *pages, uint64_t *kb)
{
	const char *size = rthc_ctx_var(ctx, "hugepage_size");
	long long n;
	int err;

	n = rthc_ctx_var_int(ctx, "hugepages_per_node", -1, &err);
	if (err < 0 || n < -1) {
		rthc_result_errorf(r, -EINVAL, "--set hugepages_per_node=%s is not a page count",
				   rthc_ctx_var(ctx, "hugepages_per_node"));
		return -EINVAL;
	}
	*kb = find_pool(global, 1048576) || !global->n ? 1048576 : global->v[global->n - 1].kb;
	if (size) {
		char *end;
		unsigned long long v = strtoull(size, &end, 10);

		if (streq(end, "G") || streq(end, "GB"))
			v *= 1048576;
		else if (streq(end, "M") || streq(end, "MB"))
			v *= 1024;
		else if (*end && !streq(end, "kB") && !streq(end, "K"))
			v = 0;
		if (!v || end == size) {
			rthc_result_errorf(r, -EINVAL, "--set hugepage_size=%s is not a page size "
					   "(1G, 2M, 2048kB)", size);
			return -EINVAL;
		}
		*kb = v;
	}
	if (n < 0)
		return 0;
	*pages = (uint64_t)n;
	return 1;
}

/* Nodes that need pages: those with isolated CPUs, or, with none isolated, every node with CPUs. */
static bool node_needed(const struct rthc_facts *f, const struct rthc_node *node)
{
	if (rthc_cpuset_empty(&f->isolation.isolated))
		return !rthc_cpuset_empty(&node->cpus);
	return rthc_cpuset_intersects(&node->cpus, &f->isolation.isolated);
}

static void remedy_node(struct rthc_result *r, unsigned node, uint64_t kb, uint64_t target)
{
	char path[160], val[24];

	snprintf(path, sizeof(path),
		 NODE_DIR "/node%u/hugepages/hugepages-%" PRIu64 "kB/nr_hugepages", node, kb);
	snprintf(val, sizeof(val), "%" PRIu64, target);
	rthc_remedy_action(r, RTHC_ACTION_SYSFS, path, target ? val : NULL);
}

struct judge {
	unsigned short_nodes; /* nodes short of pages */
	bool have_nodes;      /* any node had a hugepages directory */
	bool demand;
	bool iso_empty; /* no isolated CPUs: every node with CPUs counts */
	uint64_t pages, kb;
};

/* Per node: pools, observed values, items for nodes that fall short. */
static int judge_nodes(struct rthc_ctx *ctx, struct rthc_result *r, struct judge *j)
{
	const struct rthc_facts *f = ctx->facts;
	struct rthc_kvlist **nodes = NULL;
	int err;

	for (size_t n = 0; n < f->topology.nnodes; n++) {
		const struct rthc_node *node = &f->topology.nodes[n];
		char dir[128], key[16], obj[24];
		struct pools ps;
		const struct pool *p;

		snprintf(dir, sizeof(dir), NODE_DIR "/node%u/hugepages", node->id);
		err = read_pools(ctx, r, dir, false, &ps);
		if (err == -ENOENT)
			continue; /* kernels before 2.6.33 have no per-node pools */
		if (err < 0)
			return err;
		j->have_nodes = true;
		if (!nodes)
			nodes = rthc_kv_add_object(r, &r->observed, "nodes");
		snprintf(key, sizeof(key), "%u", node->id);
		if (nodes)
			observe_pools(r, nodes, key, &ps, false);
		if (!node_needed(f, node))
			continue;
		snprintf(obj, sizeof(obj), "node %u", node->id);
		p = find_pool(&ps, j->kb);
		if (j->demand && (!p || p->free < j->pages)) {
			rthc_item(r, obj,
				  "%" PRIu64 " free of the %" PRIu64 " %" PRIu64
				  "kB pages needed (pool of %" PRIu64 ")",
				  p ? p->free : 0, j->pages, j->kb, p ? p->total : 0);
			remedy_node(r, node->id, j->kb, (p ? p->total - p->free : 0) + j->pages);
			j->short_nodes++;
		} else if (!j->demand && persistent(&ps) == 0) {
			rthc_item(r, obj, "has %sCPUs, but no hugepages are reserved on it",
				  j->iso_empty ? "" : "isolated ");
			remedy_node(r, node->id, j->kb, 0);
			j->short_nodes++;
		}
	}
	return 0;
}

static void pools_summary(const struct pools *ps, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ps->n && len < size; i++) {
		if (!ps->v[i].total)
			continue;
		len += (size_t)snprintf(buf + len, size - len,
					"%s%" PRIu64 " of %" PRIu64 " %" PRIu64 "kB pages",
					len ? ", " : "", ps->v[i].free - ps->v[i].resv,
					ps->v[i].total, ps->v[i].kb);
	}
}

static void verdict(struct rthc_result *r, const struct pools *global, const struct judge *j)
{
	const struct pool *p = find_pool(global, j->kb);
	char sum[256];

	pools_summary(global, sum, sizeof(sum));
	if (j->demand && !j->have_nodes && (!p || p->free - p->resv < j->pages)) {
		rthc_fail(r,
			  "only %" PRIu64 " %" PRIu64
			  "kB hugepages are free (free − reserved), but %" PRIu64 " are needed",
			  p ? p->free - p->resv : 0, j->kb, j->pages);
	} else if (j->demand && j->short_nodes) {
		rthc_fail(r,
			  "%u NUMA node%s with %sCPUs ha%s fewer than the %" PRIu64 " free %" PRIu64
			  "kB "
			  "hugepages the RT guests need there",
			  j->short_nodes, j->short_nodes == 1 ? "" : "s",
			  j->iso_empty ? "" : "isolated ", j->short_nodes == 1 ? "s" : "ve",
			  j->pages, j->kb);
	} else if (!j->demand && persistent(global) == 0) {
		rthc_warn(r, "no hugepages are reserved, so RT guest memory cannot be backed by "
			  "hugepages");
	} else if (!j->demand && j->short_nodes) {
		rthc_warn(r, "%u NUMA node%s with %sCPUs ha%s no hugepages, so guests pinned "
			  "there get remote memory", j->short_nodes, j->short_nodes == 1 ? "" : "s",
			  j->iso_empty ? "" : "isolated ", j->short_nodes == 1 ? "s" : "ve");
	} else {
		rthc_pass(r, "hugepages are reserved%s%s (free for new guests: %s)",
			  j->have_nodes ? " on every NUMA node with " : "",
			  !j->have_nodes ? "" : j->iso_empty ? "CPUs" : "isolated CPUs", sum);
		return;
	}
	rthc_remedy(r, true, false,
		    "reserve %" PRIu64 "kB hugepages on the NUMA nodes of the isolated CPUs "
		    "(echo N > " NODE_DIR "/nodeN/hugepages/hugepages-%" PRIu64 "kB/nr_hugepages, "
		    "then read it back; 1 GiB pages are reliable only at boot: hugepagesz=1G "
		    "hugepages=<node>:<N>)%s",
		    j->kb, j->kb, j->demand ? "" : "; give the need: --set hugepages_per_node=N");
	if (!j->have_nodes)
		rthc_remedy_action(r, RTHC_ACTION_SYSFS, HP_DIR "/hugepages-1048576kB/nr_hugepages",
				   NULL);
}

static void hugepages(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct pools global;
	struct judge j = {0};
	char buf[8];
	bool known;
	const char *cfg;
	int err;

	err = read_pools(ctx, r, HP_DIR, true, &global);
	if (err == -ENOENT) {
		cfg = rthc_facts_kconfig(ctx->facts, "CONFIG_HUGETLBFS", &known, buf, sizeof(buf));
		if (known && !cfg) {
			rthc_warn(r, "the kernel is built without CONFIG_HUGETLBFS (no %s), so "
				  "guests cannot use hugepages", HP_DIR);
			rthc_remedy(r, false, true, "boot a kernel built with CONFIG_HUGETLBFS=y");
		} else {
			rthc_result_error(r, err, HP_DIR);
		}
		return;
	}
	if (err < 0)
		return;
	if (global.n == 0) {
		rthc_result_errorf(r, -ENODATA, "cannot read %s: no hugepages-<size>kB pool in it",
				   HP_DIR);
		return;
	}
	err = demand(ctx, r, &global, &j.pages, &j.kb);
	if (err < 0)
		return;
	j.demand = err > 0;
	j.iso_empty = rthc_cpuset_empty(&ctx->facts->isolation.isolated);
	for (size_t i = 0; i < global.n; i++)
		rthc_evidence(r, HP_DIR,
			      "hugepages-%" PRIu64 "kB: nr %" PRIu64 ", free %" PRIu64
			      ", resv %" PRIu64 ", surplus %" PRIu64,
			      global.v[i].kb, global.v[i].total, global.v[i].free, global.v[i].resv,
			      global.v[i].surplus);
	observe_pools(r, &r->observed, "pools", &global, true);
	if (j.demand) {
		rthc_expect_int(r, "free_per_node", (int64_t)j.pages);
		rthc_expect_int(r, "page_size_kb", (int64_t)j.kb);
	} else {
		rthc_expect_str(r, "reserved", "hugepages on every NUMA node with isolated CPUs");
	}
	/* Which nodes need pages depends on the isolated set. */
	if (!rthc_iso_inputs_ok(ctx, r) || judge_nodes(ctx, r, &j) < 0)
		return;
	verdict(r, &global, &j);
}

const struct rthc_check rthc_checks_mem[] = {
	{
		.id = "mem.hugepages",
		.title = "Hugepage pools are reserved where the RT guests run",
		.category = RTHC_CAT_MEM,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/sys/kernel/mm/hugepages/hugepages-*/{nr,free,resv,surplus}_hugepages; "
			 "/sys/devices/system/node/nodeN/hugepages/hugepages-*/"
			 "{nr,free,surplus}_hugepages; --set hugepages_per_node=N and "
			 "hugepage_size=1G|2M (the need per node)",
		.why = "RT guest memory must be hugepage-backed, locked and on the NUMA node of "
		       "its vCPUs; 4 KiB pages mean TLB misses and page faults in the guest's hot "
		       "path.",
		.pass = "with a need given: every NUMA node with isolated CPUs has that many free "
			"pages of the size (globally free − reserved without node pools); "
			"without: hugepages are reserved, on every node with isolated CPUs",
		.remedy = "RT echo N > /sys/devices/system/node/nodeN/hugepages/"
			  "hugepages-1048576kB/nr_hugepages then read back (may partially "
			  "succeed); BOOT hugepagesz=1G hugepages=<node>:<N>",
		.sources = "[LV] [NTO-HP] [HUGE]",
		.run = hugepages,
	},
	{ 0 },
};
