/*
 * Profiles: key names, variables (built-in and user), ${var} expansion and value validation
 * (see profile.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "profile.h"
#include "strbuf.h"

#define MAX_EXPAND_DEPTH 16

/* Built-ins computed from the facts: a profile or --set cannot assign them. */
static const char *const computed_vars[] = {
	"housekeeping_cores", "housekeeping_mask", "isolated_mask", "online_cores",
	"numa_nodes",         "isolated_nodes",    NULL,
};


static bool in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; list[i]; i++)
		if (streq(list[i], s))
			return true;
	return false;
}

static bool is_ident(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static bool charset(const char *s, const char *extra)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

static bool is_module(const char *s)
{
	return charset(s, "_-");
}

int rthc_profile_parse_pagesize(const char *s, unsigned long *kb)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || v == 0)
		return -EINVAL;
	if (streq(end, "kB") || streq(end, "K") || streq(end, "k"))
		*kb = v;
	else if (streq(end, "M"))
		*kb = v * 1024;
	else if (streq(end, "G"))
		*kb = v * 1024 * 1024;
	else
		return -EINVAL;
	return 0;
}

/* "size", "per_node", "nodes", "SIZE", "SIZE.nodeN", "SIZE.per_node", "SIZE.nodes". */
static bool hugepages_key(const char *key)
{
	char size[32];
	const char *dot = strchr(key, '.');
	size_t n = dot ? (size_t)(dot - key) : strlen(key);
	unsigned long kb;

	if (streq(key, "size") || streq(key, "per_node") || streq(key, "nodes"))
		return true;
	if (n >= sizeof(size))
		return false;
	memcpy(size, key, n);
	size[n] = '\0';
	if (rthc_profile_parse_pagesize(size, &kb) < 0)
		return false;
	if (!dot)
		return true;
	dot++;
	if (streq(dot, "per_node") || streq(dot, "nodes"))
		return true;
	return strneq(dot, "node", 4) && charset(dot + 4, "") && strspn(dot + 4, "0123456789") == strlen(dot + 4);
}

static const char *const fixed_keys[][5] = {
	{"main", "summary", "mode", "include", NULL},
	{"cpu", "governor", "idle_max_latency_us", "smt", NULL},
	{"irq", "default_affinity", "affinity", NULL, NULL},
	{"irqbalance", "banned_cpus", NULL, NULL, NULL},
	{"guest", "idle", NULL, NULL, NULL},
};

int rthc_profile_check_key(const char *section, const char *key, char *msg, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(fixed_keys); i++) {
		if (!streq(fixed_keys[i][0], section))
			continue;
		for (size_t k = 1; k < 5 && fixed_keys[i][k]; k++)
			if (streq(fixed_keys[i][k], key))
				return 0;
		goto unknown;
	}
	if (streq(section, "variables")) {
		if (!is_ident(key)) {
			snprintf(msg, n, "bad variable name '%s' (letters, digits and '_')", key);
			return -EINVAL;
		}
		if (in_list(computed_vars, key)) {
			snprintf(msg, n, "'%s' is computed from the host and isolated_cores; it cannot be set",
				 key);
			return -EINVAL;
		}
		return 0;
	}
	if (streq(section, "cmdline") && charset(key, "_.-"))
		return 0;
	if (streq(section, "sysctl") && charset(key, "_.-/:@") && key[0] != '.' && key[0] != '/' &&
	    !strstr(key, ".."))
		return 0;
	if (streq(section, "sysfs") && strneq(key, "/sys/", 5) && charset(key, "_.-/:*?[]!@+,") &&
	    !strstr(key, "/../") && !strstr(key, "/./"))
		return 0;
	if (streq(section, "modules") &&
	    (streq(key, "disable") || (strneq(key, "options.", 8) && is_module(key + 8))))
		return 0;
	if (streq(section, "hugepages") && hugepages_key(key))
		return 0;
unknown:
	snprintf(msg, n, "unknown key '%s' in [%s]", key, section);
	return -EINVAL;
}

int rthc_profile_split_words(const char *s, char ***words, size_t *n)
{
	char **v = NULL;
	size_t cnt = 0;

	for (;;) {
		size_t len;
		char **nv;

		s += strspn(s, ", \t");
		if (!*s)
			break;
		len = strcspn(s, ", \t");
		nv = realloc(v, (cnt + 2) * sizeof(*v));
		if (!nv)
			goto oom;
		v = nv;
		v[cnt] = strndup(s, len);
		if (!v[cnt])
			goto oom;
		v[++cnt] = NULL;
		s += len;
	}
	*words = v;
	*n = cnt;
	return 0;
oom:
	for (size_t i = 0; i < cnt; i++)
		free(v[i]);
	free(v);
	return -ENOMEM;
}

/* ---- variables ----------------------------------------------------------------------------- */

struct var {
	char *name;       /* owned */
	const char *raw;  /* borrowed: as written (NULL for built-ins) */
	char *value;      /* owned once resolved */
	const char *file; /* borrowed */
	unsigned line;
	bool visiting;
};

struct vars {
	struct var *v;
	size_t n;
	const struct rthc_profile *p;
};

static struct var *find_var(struct vars *vs, const char *name)
{
	for (size_t i = 0; i < vs->n; i++)
		if (streq(vs->v[i].name, name))
			return &vs->v[i];
	return NULL;
}

static int expand_rec(struct vars *vs, const char *in, char **out, char *msg, size_t n, unsigned depth);

static int var_value(struct vars *vs, struct var *v, const char **ret, char *msg, size_t n, unsigned depth)
{
	int r;

	if (!v->value) {
		if (v->visiting || depth > MAX_EXPAND_DEPTH) {
			snprintf(msg, n, "variable '%s' refers to itself", v->name);
			return -EINVAL;
		}
		v->visiting = true;
		r = expand_rec(vs, v->raw, &v->value, msg, n, depth + 1);
		v->visiting = false;
		if (r < 0)
			return r;
	}
	*ret = v->value;
	return 0;
}

static int expand_rec(struct vars *vs, const char *in, char **out, char *msg, size_t n, unsigned depth)
{
	struct rthc_strbuf sb;
	int r = 0;

	rthc_strbuf_init(&sb);
	while (*in && r == 0) {
		const char *d = strstr(in, "${"), *close, *val;
		char name[128];
		struct var *v;

		if (!d) {
			r = rthc_strbuf_puts(&sb, in);
			break;
		}
		r = rthc_strbuf_append(&sb, in, (size_t)(d - in));
		close = strchr(d + 2, '}');
		if (r < 0)
			break;
		if (!close) {
			snprintf(msg, n, "unterminated '${' in '%s'", d);
			r = -EINVAL;
			break;
		}
		if ((size_t)(close - d - 2) >= sizeof(name) || close == d + 2) {
			snprintf(msg, n, "bad variable reference '%.*s'", (int)(close - d + 1), d);
			r = -EINVAL;
			break;
		}
		memcpy(name, d + 2, (size_t)(close - d - 2));
		name[close - d - 2] = '\0';
		v = find_var(vs, name);
		if (!v) {
			snprintf(msg, n, "undefined variable ${%s}", name);
			r = -EINVAL;
			break;
		}
		r = var_value(vs, v, &val, msg, n, depth);
		if (r == 0)
			r = rthc_strbuf_puts(&sb, val);
		in = close + 1;
	}
	if (r == 0)
		r = rthc_strbuf_steal(&sb, out);
	rthc_strbuf_done(&sb);
	return r;
}

static int add_var(struct vars *vs, const char *name, const char *raw, char *value, const char *file,
		   unsigned line)
{
	struct var *v = find_var(vs, name), *nv;
	char *nm;

	if (v) {
		free(v->value);
		v->raw = raw;
		v->value = value;
		v->file = file;
		v->line = line;
		return 0;
	}
	nm = strdup(name);
	nv = nm ? realloc(vs->v, (vs->n + 1) * sizeof(*nv)) : NULL;
	if (!nv) {
		free(nm);
		free(value);
		return -ENOMEM;
	}
	vs->v = nv;
	nv[vs->n++] = (struct var){nm, raw, value, file, line, false};
	return 0;
}

static int add_builtin(struct vars *vs, const char *name, const struct rthc_cpuset *set, bool mask,
		       unsigned nbits)
{
	char *s = NULL;
	int r = mask ? rthc_cpuset_format_mask(set, nbits, &s) : rthc_cpuset_format_list(set, &s);

	return r < 0 ? r : add_var(vs, name, NULL, s, NULL, 0);
}

/* The first n cores of every NUMA node, each with its online SMT siblings. */
static int auto_housekeeping(const struct rthc_facts *f, unsigned per_node, struct rthc_cpuset *hk)
{
	const struct rthc_topology *t = &f->topology;
	struct rthc_cpuset cand = RTHC_CPUSET_INIT;
	size_t groups = t->nnodes ? t->nnodes : 1;
	int r = 0;

	rthc_cpuset_zero(hk);
	for (size_t g = 0; g < groups && r == 0; g++) {
		r = rthc_cpuset_copy(&cand, t->nnodes ? &t->nodes[g].cpus : &t->online);
		rthc_cpuset_and(&cand, &t->online);
		for (unsigned taken = 0; r == 0 && taken < per_node && !rthc_cpuset_empty(&cand); taken++) {
			int c = rthc_cpuset_first(&cand);
			const struct rthc_cpu *cpu = rthc_facts_cpu(f, (unsigned)c);

			r = rthc_cpuset_set(hk, (unsigned)c);
			if (r == 0 && cpu && cpu->has_siblings) {
				struct rthc_cpuset sib = RTHC_CPUSET_INIT;

				r = rthc_cpuset_copy(&sib, &cpu->siblings);
				rthc_cpuset_and(&sib, &t->online);
				if (r == 0)
					r = rthc_cpuset_or(hk, &sib);
				rthc_cpuset_done(&sib);
			}
			rthc_cpuset_andnot(&cand, hk);
		}
	}
	rthc_cpuset_done(&cand);
	return r;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *ret)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*ret = strtoul(s, &end, 10);
	return errno || *end || *ret > max ? -EINVAL : 0;
}

/* isolated_cores and housekeeping_cores_per_node decide ISO; the rest follows from ISO. */
static int compute_isolated(struct rthc_profile *p, struct vars *vs, const struct rthc_facts *f,
			    struct rthc_profile_error *err)
{
	struct var *iv = find_var(vs, "isolated_cores"), *hv = find_var(vs, "housekeeping_cores_per_node");
	const char *iso = "auto", *hkn = "1";
	unsigned long per_node;
	char msg[256];
	int r;

	if (iv && (r = var_value(vs, iv, &iso, msg, sizeof(msg), 0)) < 0)
		return r == -EINVAL ? rthc_profile_set_error(err, iv->file, iv->line, "%s", msg) : r;
	if (hv && (r = var_value(vs, hv, &hkn, msg, sizeof(msg), 0)) < 0)
		return r == -EINVAL ? rthc_profile_set_error(err, hv->file, hv->line, "%s", msg) : r;
	if (parse_uint(hkn, 4096, &per_node) < 0 || per_node == 0)
		return rthc_profile_set_error(err, hv->file, hv->line, "housekeeping_cores_per_node: '%s' is not a number >= 1", hkn);
	if (streq(iso, "auto")) {
		struct rthc_cpuset hk = RTHC_CPUSET_INIT;

		r = auto_housekeeping(f, (unsigned)per_node, &hk);
		if (r == 0)
			r = rthc_cpuset_copy(&p->isolated, &p->online);
		rthc_cpuset_andnot(&p->isolated, &hk);
		rthc_cpuset_done(&hk);
		if (r < 0)
			return r;
		if (rthc_cpuset_empty(&p->isolated))
			return rthc_profile_set_error(err, iv ? iv->file : p->path, iv ? iv->line : 0,
				    "isolated_cores = auto leaves no CPU to isolate (%u online CPUs)",
				    rthc_cpuset_count(&p->online));
	} else {
		r = rthc_cpuset_parse_list(&p->isolated, iso, p->nr_cpu_ids);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return rthc_profile_set_error(err, iv->file, iv->line, "isolated_cores: bad CPU list '%s' (%s)", iso,
				    r == -ERANGE ? "CPU beyond the possible CPUs" : "syntax");
		if (rthc_cpuset_empty(&p->isolated))
			return rthc_profile_set_error(err, iv->file, iv->line, "isolated_cores is empty");
	}
	r = rthc_cpuset_copy(&p->housekeeping, &p->online);
	rthc_cpuset_andnot(&p->housekeeping, &p->isolated);
	if (r == 0 && rthc_cpuset_empty(&p->housekeeping))
		return rthc_profile_set_error(err, iv ? iv->file : p->path, iv ? iv->line : 0,
			    "isolated_cores leaves no online housekeeping CPU");
	return r;
}

static int add_node_vars(struct rthc_profile *p, struct vars *vs, const struct rthc_facts *f)
{
	struct rthc_cpuset all = RTHC_CPUSET_INIT, iso = RTHC_CPUSET_INIT;
	int r = 0;

	for (size_t i = 0; i < f->topology.nnodes && r == 0; i++) {
		r = rthc_cpuset_set(&all, f->topology.nodes[i].id);
		if (r == 0 && rthc_cpuset_intersects(&f->topology.nodes[i].cpus, &p->isolated))
			r = rthc_cpuset_set(&iso, f->topology.nodes[i].id);
	}
	if (r == 0 && f->topology.nnodes == 0)
		r = rthc_cpuset_set(&all, 0) ?: rthc_cpuset_set(&iso, 0);
	if (r == 0)
		r = add_builtin(vs, "numa_nodes", &all, false, 0);
	if (r == 0)
		r = add_builtin(vs, "isolated_nodes", &iso, false, 0);
	rthc_cpuset_done(&all);
	rthc_cpuset_done(&iso);
	return r;
}

static int apply_sets(struct vars *vs, char *const *sets, size_t nsets, struct rthc_profile_error *err)
{
	for (size_t i = 0; i < nsets; i++) {
		const char *eq = strchr(sets[i], '=');
		char name[128];
		size_t k = eq ? (size_t)(eq - sets[i]) : 0;

		if (!eq || k >= sizeof(name))
			continue;
		memcpy(name, sets[i], k);
		name[k] = '\0';
		if (in_list(computed_vars, name))
			return rthc_profile_set_error(err, "--set", 0, "'%s' is computed from the host and isolated_cores; "
				    "set isolated_cores instead", name);
		if (!is_ident(name))
			continue;
		/* The raw value lives in sets[] (owned by the opts) and may use ${var} too. */
		if (add_var(vs, name, eq + 1, NULL, "--set", 0) < 0)
			return -ENOMEM;
	}
	return 0;
}

int rthc_profile_compute_vars(struct rthc_profile *p, const struct rthc_facts *f, char *const *sets,
			      size_t nsets, struct rthc_profile_error *err)
{
	struct vars vs = {.p = p};
	char msg[256];
	int r;

	p->nr_cpu_ids = f->topology.nr_cpu_ids;
	r = rthc_cpuset_copy(&p->online, &f->topology.online);
	if (r == 0)
		r = add_builtin(&vs, "online_cores", &p->online, false, 0);
	for (size_t i = 0; r == 0 && i < p->nentries; i++) {
		const struct rthc_profile_entry *e = &p->entries[i];

		if (streq(e->section, "variables"))
			r = add_var(&vs, e->key, e->raw, NULL, e->file, e->line);
	}
	if (r == 0)
		r = apply_sets(&vs, sets, nsets, err);
	if (r == 0)
		r = compute_isolated(p, &vs, f, err);
	if (r == 0)
		r = add_builtin(&vs, "housekeeping_cores", &p->housekeeping, false, 0);
	if (r == 0)
		r = add_builtin(&vs, "housekeeping_mask", &p->housekeeping, true, p->nr_cpu_ids);
	if (r == 0)
		r = add_builtin(&vs, "isolated_mask", &p->isolated, true, p->nr_cpu_ids);
	if (r == 0)
		r = add_builtin(&vs, "isolated_cores", &p->isolated, false, 0);
	if (r == 0)
		r = add_node_vars(p, &vs, f);
	for (size_t i = 0; r == 0 && i < vs.n; i++) {
		const char *val;

		r = var_value(&vs, &vs.v[i], &val, msg, sizeof(msg), 0);
		if (r == -EINVAL)
			r = rthc_profile_set_error(err, vs.v[i].file, vs.v[i].line, "%s", msg);
	}
	if (r == 0) {
		p->vars = calloc(vs.n ? vs.n : 1, sizeof(*p->vars));
		r = p->vars ? 0 : -ENOMEM;
	}
	for (size_t i = 0; r == 0 && i < vs.n; i++) {
		p->vars[i].name = TAKE_PTR(vs.v[i].name);
		p->vars[i].value = TAKE_PTR(vs.v[i].value);
		p->nvars++;
	}
	for (size_t i = 0; i < vs.n; i++) {
		free(vs.v[i].name);
		free(vs.v[i].value);
	}
	free(vs.v);
	return r;
}

int rthc_profile_expand(const struct rthc_profile *p, const char *in, char **out, char *msg, size_t n)
{
	struct vars vs = {.p = p};
	int r;

	vs.v = calloc(p->nvars ? p->nvars : 1, sizeof(*vs.v));
	if (!vs.v)
		return -ENOMEM;
	/* Names and values are borrowed from p: every variable is resolved already. */
	for (size_t i = 0; i < p->nvars; i++)
		vs.v[vs.n++] = (struct var){p->vars[i].name, NULL, p->vars[i].value, NULL, 0, false};
	r = expand_rec(&vs, in, out, msg, n, 0);
	free(vs.v);
	return r;
}

const char *rthc_profile_var(const struct rthc_profile *p, const char *name)
{
	for (size_t i = 0; i < p->nvars; i++)
		if (streq(p->vars[i].name, name))
			return p->vars[i].value;
	return NULL;
}

/* ---- budgets the checks read, from the typed keys ------------------------------------------ */

static int add_budget(struct rthc_profile *p, const char *name, const char *value)
{
	struct rthc_profile_var *v;

	if (!value || rthc_profile_var(p, name))
		return 0; /* a variable of that name (from the profile or --set) wins */
	v = realloc(p->vars, (p->nvars + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	p->vars = v;
	v[p->nvars] = (struct rthc_profile_var){strdup(name), strdup(value)};
	if (!v[p->nvars].name || !v[p->nvars].value) {
		free(v[p->nvars].name);
		free(v[p->nvars].value);
		return -ENOMEM;
	}
	p->nvars++;
	return 0;
}

/* The per-node pool the checks audit: [hugepages] size/per_node, else the largest SIZE.per_node. */
static int hugepage_budgets(struct rthc_profile *p)
{
	const char *size = rthc_profile_value(p, "hugepages", "size");
	const char *n = rthc_profile_value(p, "hugepages", "per_node");
	unsigned long best = 0;
	char buf[32] = "";

	if (size && n)
		return add_budget(p, "hugepage_size", size) ?:
		       add_budget(p, "hugepages_per_node", n);
	for (size_t i = 0; i < p->nentries; i++) {
		const struct rthc_profile_entry *e = &p->entries[i];
		const char *dot = strchr(e->key, '.');
		unsigned long kb;

		if (!streq(e->section, "hugepages") || !dot || !streq(dot, ".per_node") ||
		    (size_t)(dot - e->key) >= sizeof(buf))
			continue;
		snprintf(buf, sizeof(buf), "%.*s", (int)(dot - e->key), e->key);
		if (rthc_profile_parse_pagesize(buf, &kb) == 0 && kb > best) {
			best = kb;
			n = e->value;
			size = e->key;
		}
	}
	if (!best)
		return 0;
	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(size, "."), size);
	return add_budget(p, "hugepage_size", buf) ?: add_budget(p, "hugepages_per_node", n);
}

int rthc_profile_add_budgets(struct rthc_profile *p)
{
	const char *tm = rthc_profile_value(p, "sysctl", "kernel.timer_migration");
	const char *idle = rthc_profile_value(p, "cpu", "idle_max_latency_us");
	bool poll = rthc_profile_get(p, "cmdline", "rcu_nocb_poll") != NULL;

	if (!tm)
		tm = rthc_profile_value(p, "sysctl", "kernel/timer_migration");
	return add_budget(p, "cstate_max_latency_us", idle) ?: add_budget(p, "timer_migration", tm) ?:
	       add_budget(p, "rcu_nocb_poll", poll ? "1" : NULL) ?: hugepage_budgets(p);
}
