/*
 * [hugepages]: pool sizes. "size = SIZE" with "per_node = N" (and "nodes = LIST") is the pool the
 * checks audit (hugepage_size, hugepages_per_node): N pages on each listed node. "SIZE = N" is the
 * total pool of a size, "SIZE.nodeK = N" the pool of node K, "SIZE.per_node = N" with
 * "SIZE.nodes = LIST" N pages on each listed node. Nodes default to ${isolated_nodes}. The kernel
 * may give fewer pages than asked (fragmentation, 1 GiB pages): the read-back is a shortfall.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "cpuset.h"
#include "host.h"
#include "plan.h"
#include "profile.h"

#define CHECKS "mem.hugepages xcheck.hugepages_node cmdline.hugepages"

static int plan_pool(struct rthc_apply_ctx *a, unsigned long kb, int node, const char *n)
{
	char path[160], id[96];

	if (node < 0) {
		snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%lukB/nr_hugepages", kb);
		snprintf(id, sizeof(id), "hugepages:%lukB", kb);
	} else {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/hugepages/hugepages-%lukB/nr_hugepages",
			 node, kb);
		snprintf(id, sizeof(id), "hugepages:%lukB:node%d", kb, node);
	}
	if (rthc_host_exists(a->h, path) <= 0) {
		rthc_plan_note(a->plan, "%s: %s, pool not changed", path,
			       node < 0 ? "page size not supported" : "no such node or page size");
		return 0;
	}
	return rthc_plan_attr(a, id, CHECKS, "hugepages", path, RTHC_FORM_PLAIN, n, RTHC_CHG_PARTIAL_OK);
}

/* n pages of kb on each node of the list in [hugepages] nodes_key (default: the isolated nodes). */
static int plan_per_node(struct rthc_apply_ctx *a, const char *nodes_key, unsigned long kb, const char *n)
{
	const char *nodes;
	struct rthc_cpuset set = RTHC_CPUSET_INIT;
	int c, r;

	nodes = rthc_profile_value(a->p, "hugepages", nodes_key);
	if (!nodes)
		nodes = rthc_profile_var(a->p, "isolated_nodes");
	r = rthc_cpuset_parse_list(&set, nodes ? nodes : "", 0);
	rthc_cpuset_foreach(c, &set)
	{
		if (r < 0)
			break;
		r = plan_pool(a, kb, c, n);
	}
	rthc_cpuset_done(&set);
	return r;
}

static int plan_hugepages(struct rthc_apply_ctx *a)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < a->p->nentries; i++) {
		const struct rthc_profile_entry *e = &a->p->entries[i];
		const char *dot = strchr(e->key, '.');
		char size[32], nodes_key[48];
		unsigned long kb;

		if (!streq(e->section, "hugepages"))
			continue;
		if (streq(e->key, "per_node")) {
			const char *sz = rthc_profile_value(a->p, "hugepages", "size");

			if (sz && rthc_profile_parse_pagesize(sz, &kb) == 0) /* validated: size is there */
				r = plan_per_node(a, "nodes", kb, e->value);
			continue;
		}
		snprintf(size, sizeof(size), "%.*s", (int)(dot ? dot - e->key : (long)strlen(e->key)), e->key);
		if (rthc_profile_parse_pagesize(size, &kb) < 0)
			continue;
		snprintf(nodes_key, sizeof(nodes_key), "%s.nodes", size);
		if (!dot)
			r = plan_pool(a, kb, -1, e->value);
		else if (streq(dot, ".per_node"))
			r = plan_per_node(a, nodes_key, kb, e->value);
		else if (strneq(dot, ".node", 5) && !streq(dot, ".nodes"))
			r = plan_pool(a, kb, atoi(dot + 5), e->value);
	}
	return r;
}

const struct rthc_applier rthc_applier_hugepages = {"hugepages", plan_hugepages};
