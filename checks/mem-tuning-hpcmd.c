/*
 * cmdline.hugepages (spec/checks.md §1): replay the boot-time hugepage parameters the way
 * mm/hugetlb.c parses them, then compare each request with the pool the kernel allocated.
 *
 * The parser's rules (hugepagesz_setup, default_hugepagesz_setup, hugepages_setup):
 * - hugepagesz=S selects size S for the next hugepages=; an unsupported size, or a size given
 *   twice, is ignored and so is the hugepages= after it. A repeated hugepagesz= of the default
 *   size is allowed once default_hugepagesz= has created it and its count is still unset.
 * - default_hugepagesz=S may appear once; if the hstate is new, the next hugepages= binds to it.
 * - hugepages=N before any size parameter counts pages of the default size (default_hugepagesz=
 *   even when it comes later, else the architecture's); it wins over a later explicit count.
 * - hugepages= twice for the same size without a hugepagesz= in between: the second is ignored.
 * - node form hugepages=0:N,1:M (5.18+); a node beyond the online nodes voids the parameter.
 * The kernel's supported sizes are the hugepages-<kB>kB directories it created, and the default
 * size the running kernel settled on is /proc/meminfo Hugepagesize.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem-tuning.h"

#define MAX_TARGETS 8
#define MAX_NODES 64
#define IMPLICIT 0 /* kb of the "first hugepages=, default size" target */

struct target {
	uint64_t kb; /* page size, IMPLICIT for the implicit default count */
	bool set; /* a hugepages= assigned a count */
	bool nodes; /* node form */
	uint64_t count;
	uint64_t node[MAX_NODES];
};

struct replay {
	struct target t[MAX_TARGETS + 1];
	size_t nt;
	uint64_t hstates[MAX_TARGETS];
	size_t nh;
	bool valid, default_parsed;
	uint64_t default_kb;
	int parsed, last; /* indexes into t, -1 none */
	unsigned nnodes;
	unsigned nignored;
};

/* memparse(): a number (any base prefix) with an optional K/M/G/T suffix, in KiB. */
static int size_kb(const char *s, uint64_t *kb)
{
	static const char units[] = "KMGT";
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	const char *u = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
	unsigned shift = 0;

	if (u) {
		shift = 10 * (unsigned)(u - units + 1);
		end++;
	}
	if (end == s || *end || v == 0 || (shift && v > (UINT64_MAX >> shift)))
		return -EINVAL;
	*kb = (v << shift) / 1024;
	return 0;
}

static bool supported(struct rthc_ctx *ctx, uint64_t kb)
{
	return rthc_host_existsf(ctx->host, RTHC_HUGEPAGES_DIR "/hugepages-%" PRIu64 "kB", kb) > 0;
}

static int target_of(struct replay *p, uint64_t kb)
{
	for (size_t i = 0; i < p->nt; i++)
		if (p->t[i].kb == kb)
			return (int)i;
	if (p->nt == ARRAY_SIZE(p->t))
		return -1;
	memset(&p->t[p->nt], 0, sizeof(p->t[0]));
	p->t[p->nt].kb = kb;
	return (int)p->nt++;
}

static bool have_hstate(const struct replay *p, uint64_t kb)
{
	for (size_t i = 0; i < p->nh; i++)
		if (p->hstates[i] == kb)
			return true;
	return false;
}

/* hugetlb_add_hstate(): a new hstate becomes the one the next hugepages= binds to. */
static void add_hstate(struct replay *p, uint64_t kb)
{
	if (have_hstate(p, kb) || p->nh == ARRAY_SIZE(p->hstates))
		return;
	p->hstates[p->nh++] = kb;
	p->parsed = target_of(p, kb);
}

/* A bare first hugepages= now knows its page size. */
static void move_implicit(struct replay *p, uint64_t kb)
{
	int i = -1, d;

	for (size_t k = 0; k < p->nt; k++)
		if (p->t[k].kb == IMPLICIT && p->t[k].set)
			i = (int)k;
	if (i < 0 || (d = target_of(p, kb)) < 0)
		return;
	p->t[d] = p->t[i];
	p->t[d].kb = kb;
	p->t[i].set = false;
}

static void ignored(struct rthc_result *r, struct replay *p, const struct rthc_cmdline_param *pr,
		    const char *why)
{
	char obj[96];

	snprintf(obj, sizeof(obj), "%s=%s", pr->key, pr->value ? pr->value : "");
	rthc_item(r, obj, "ignored by the kernel: %s", why);
	p->nignored++;
}

static void on_size(struct rthc_ctx *ctx, struct rthc_result *r, struct replay *p,
		    const struct rthc_cmdline_param *pr, bool is_default)
{
	uint64_t kb;

	p->valid = false;
	if (is_default && p->default_parsed) {
		ignored(r, p, pr, "default_hugepagesz= may be given only once");
		return;
	}
	if (!pr->value || size_kb(pr->value, &kb) < 0 || !supported(ctx, kb)) {
		ignored(r, p, pr, "page size not supported by this kernel/CPU");
		return;
	}
	if (is_default) {
		add_hstate(p, kb);
		p->valid = p->default_parsed = true;
		p->default_kb = kb;
		move_implicit(p, kb);
		return;
	}
	if (have_hstate(p, kb)) {
		int d = target_of(p, kb);

		if (!p->default_parsed || kb != p->default_kb || d < 0 || p->t[d].set) {
			ignored(r, p, pr, "hugepagesz= given twice for this size");
			return;
		}
		p->parsed = d;
		p->valid = true;
		return;
	}
	add_hstate(p, kb);
	p->valid = true;
}

/* "N" or the node form "0:N,1:M" into t; -EINVAL for what the kernel rejects. */
static int parse_count(const char *v, unsigned nnodes, struct target *t)
{
	char *end;
	unsigned long long n;

	memset(t->node, 0, sizeof(t->node));
	t->nodes = strchr(v, ':') != NULL;
	t->count = 0;
	while (*v) {
		unsigned long long node = 0;

		n = strtoull(v, &end, 10);
		if (end == v)
			return -EINVAL;
		if (t->nodes) {
			node = n;
			if (*end != ':' || node >= nnodes || node >= MAX_NODES)
				return -EINVAL;
			v = end + 1;
			n = strtoull(v, &end, 10);
			if (end == v)
				return -EINVAL;
			t->node[node] = n;
		}
		t->count += n;
		if (*end == ',' && t->nodes)
			end++;
		else if (*end)
			return -EINVAL;
		v = end;
	}
	return 0;
}

static void on_count(struct rthc_result *r, struct replay *p, const struct rthc_cmdline_param *pr)
{
	struct target tmp = {0};
	int d;

	if (!p->valid) {
		p->valid = true;
		ignored(r, p, pr, "it does not follow a valid hugepagesz=");
		return;
	}
	d = p->nh == 0 ? target_of(p, IMPLICIT) : p->parsed;
	if (d < 0) {
		ignored(r, p, pr, "too many hugepage parameters to follow");
		return;
	}
	if (d == p->last) {
		ignored(r, p, pr, "hugepages= given twice without a hugepagesz= in between");
		return;
	}
	if (!pr->value || parse_count(pr->value, p->nnodes, &tmp) < 0) {
		ignored(r, p, pr, "not a count or a valid node:count list");
		return;
	}
	tmp.kb = p->t[d].kb;
	tmp.set = true;
	p->t[d] = tmp;
	p->last = d;
}

/* nr_hugepages of a pool (node < 0: the global one); < 0 after an error result. */
static int allocated(struct rthc_ctx *ctx, struct rthc_result *r, uint64_t kb, int node,
		     uint64_t *nr)
{
	char path[160];
	int err;

	if (node < 0)
		snprintf(path, sizeof(path),
			 RTHC_HUGEPAGES_DIR "/hugepages-%" PRIu64 "kB/nr_hugepages", kb);
	else
		snprintf(path, sizeof(path),
			 RTHC_NODE_DIR "/node%d/hugepages/hugepages-%" PRIu64 "kB/nr_hugepages",
			 node, kb);
	err = rthc_host_read_u64(ctx->host, path, nr);
	if (err < 0)
		rthc_result_error(r, err, path);
	return err;
}

/* Compare one request with the pools; returns the number of shortfalls or < 0. */
static int verify(struct rthc_ctx *ctx, struct rthc_result *r, const struct target *t,
		  struct rthc_kvlist **req, struct rthc_kvlist **got)
{
	char key[32], obj[64];
	uint64_t nr;
	int bad = 0;

	snprintf(key, sizeof(key), "%" PRIu64 "kB", t->kb);
	if (allocated(ctx, r, t->kb, -1, &nr) < 0)
		return -EIO;
	rthc_kv_add_int(r, req, key, (int64_t)t->count);
	rthc_kv_add_int(r, got, key, (int64_t)nr);
	if (nr < t->count) {
		snprintf(obj, sizeof(obj), "hugepages-%s", key);
		rthc_item(r, obj, "requested %" PRIu64 ", allocated %" PRIu64, t->count, nr);
		bad++;
	}
	for (int n = 0; t->nodes && n < MAX_NODES; n++) {
		if (!t->node[n])
			continue;
		if (allocated(ctx, r, t->kb, n, &nr) < 0)
			return -EIO;
		if (nr >= t->node[n])
			continue;
		snprintf(obj, sizeof(obj), "node %d hugepages-%s", n, key);
		rthc_item(r, obj, "requested %" PRIu64 ", allocated %" PRIu64, t->node[n], nr);
		bad++;
	}
	return bad;
}

static bool is_hp_param(const char *key)
{
	return rthc_cmdline_key_eq(key, "hugepagesz") ||
	       rthc_cmdline_key_eq(key, "default_hugepagesz") ||
	       rthc_cmdline_key_eq(key, "hugepages");
}

void rthc_mem_cmdline_hugepages(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	struct replay *p;
	struct rthc_kvlist **req, **got;
	unsigned nparams = 0;
	int bad = 0;

	if (!cl)
		return;
	for (size_t i = 0; i < cl->nparams; i++)
		if (is_hp_param(cl->params[i].key)) {
			rthc_evidence(r, "/proc/cmdline", "%s=%s", cl->params[i].key,
				      cl->params[i].value ? cl->params[i].value : "");
			nparams++;
		}
	if (!nparams) {
		rthc_na(r,
			"no hugepage parameters on the command line (runtime pools: "
			"mem.hugepages)");
		return;
	}
	if (rthc_host_is_dir(ctx->host, RTHC_HUGEPAGES_DIR) <= 0) {
		if (!rthc_mem_built_without(ctx->facts, "CONFIG_HUGETLBFS")) {
			rthc_result_error(r, -ENOENT, RTHC_HUGEPAGES_DIR);
			return;
		}
		rthc_warn(r,
			  "the kernel is built without CONFIG_HUGETLBFS: it ignores the hugepage "
			  "parameters");
		rthc_remedy(r, false, true, "boot a kernel with CONFIG_HUGETLBFS=y");
		return;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		rthc_result_errorf(r, -ENOMEM, "out of memory");
		return;
	}
	p->valid = true;
	p->parsed = p->last = -1;
	p->nnodes = ctx->facts->topology.nnodes ? (unsigned)ctx->facts->topology.nnodes : 1;
	for (size_t i = 0; i < cl->nparams; i++) {
		const struct rthc_cmdline_param *pr = &cl->params[i];

		if (rthc_cmdline_key_eq(pr->key, "hugepagesz"))
			on_size(ctx, r, p, pr, false);
		else if (rthc_cmdline_key_eq(pr->key, "default_hugepagesz"))
			on_size(ctx, r, p, pr, true);
		else if (rthc_cmdline_key_eq(pr->key, "hugepages"))
			on_count(r, p, pr);
	}
	/* hugetlb_init(): an implicit count goes to the default size, over an explicit one. */
	for (size_t i = 0; i < p->nt; i++) {
		uint64_t def;

		if (p->t[i].kb != IMPLICIT || !p->t[i].set)
			continue;
		if (rthc_mem_default_hugepage_kb(ctx, r, &def) < 0)
			goto out;
		move_implicit(p, def);
		break;
	}
	req = rthc_kv_add_object(r, &r->expected, "pages");
	got = rthc_kv_add_object(r, &r->observed, "pages");
	for (size_t i = 0; i < p->nt; i++) {
		int k;

		if (!p->t[i].set || p->t[i].kb == IMPLICIT)
			continue;
		k = verify(ctx, r, &p->t[i], req, got);
		if (k < 0)
			goto out;
		bad += k;
	}
	rthc_observe_int(r, "ignored_parameters", p->nignored);
	if (!bad && !p->nignored) {
		rthc_pass(r, "every boot-time hugepage request was allocated");
		goto out;
	}
	rthc_warn(r, "%s%s%s", p->nignored ? "the kernel ignored some hugepage parameters" : "",
		  p->nignored && bad ? "; " : "",
		  bad ? "boot-time hugepage pools fell short of the request (fragmentation or too "
			"little memory on the node)"
		      : "");
	rthc_remedy(r, true, true,
		    "fix the parameters (hugepagesz=1G hugepages=<node>:<n> pairs, in "
		    "order) and reboot; or grow the pools per node at runtime (mem.hugepages)");
out:
	free(p);
}
