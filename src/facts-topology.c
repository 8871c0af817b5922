/*
 * CPU topology from sysfs, tolerant of what real machines and old kernels show: no possible/online
 * files (enumerate cpuN directories), no cpuN/online for CPU 0 (always online), offline CPUs
 * without a topology directory, sparse and interleaved CPU IDs, NUMA membership from node
 * cpulist files, node cpumap masks or cpuN/nodeK links, memory-only nodes, SMT siblings from
 * thread_siblings_list, core_cpus_list or the thread_siblings mask of old kernels, s390 books and
 * drawers, and /proc/cpuinfo ids where a dump has no topology directory at all.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "host.h"
#include "macro.h"

#define CPU_DIR "/sys/devices/system/cpu"
#define NODE_DIR "/sys/devices/system/node"

/* Parse "cpuN"/"nodeN" names; returns N or -1. */
static long numbered(const char *name, const char *prefix)
{
	size_t pl = strlen(prefix);
	char *end;
	long v;

	if (!strneq(name, prefix, pl) || name[pl] < '0' || name[pl] > '9')
		return -1;
	v = strtol(name + pl, &end, 10);
	return *end || v < 0 || v >= (long)RTHC_CPUSET_MAX_CPUS ? -1 : v;
}

static void note_bad(struct rthc_topology *t, int err, const char *path)
{
	if (!t->bad.err)
		rthc_fact_err_set(&t->bad, err, path);
}

/*
 * Read a cpulist file (or with nbits UINT_MAX, a hex mask file) into set; 1 if read, 0 if absent,
 * < 0 on a bad file (noted).
 */
static int read_list(struct rthc_host *h, struct rthc_topology *t, const char *path, unsigned nbits,
		     struct rthc_cpuset *set)
{
	int r = nbits == UINT_MAX ? rthc_host_read_cpumask(h, path, set)
				  : rthc_host_read_cpulist(h, path, nbits, set);

	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		note_bad(t, r, path);
		return r;
	}
	return 1;
}

static int enumerate_cpu_dirs(struct rthc_host *h, struct rthc_cpuset *dirs)
{
	char **names = NULL;
	int r = rthc_host_list_dir(h, CPU_DIR, &names, NULL);

	if (r < 0)
		return r;
	for (char **n = names; *n; n++) {
		long id = numbered(*n, "cpu");

		if (id >= 0 && (r = rthc_cpuset_set(dirs, (unsigned)id)) < 0)
			break;
	}
	rthc_strv_free(names);
	return r < 0 ? r : 0;
}

static int read_int(struct rthc_host *h, struct rthc_topology *t, const char *path, int *ret)
{
	int64_t v;
	int r = rthc_host_read_s64(h, path, &v);

	if (r == -ENOENT)
		return 0;
	if (r < 0 || v < -1 || v > 0x7fffffff) {
		note_bad(t, r < 0 ? r : -ERANGE, path);
		return r < 0 ? r : -ERANGE;
	}
	*ret = (int)v;
	return 1;
}

static struct rthc_cpu *find_cpu(struct rthc_topology *t, unsigned id)
{
	size_t lo = 0, hi = t->ncpus;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (t->cpus[mid].id == id)
			return &t->cpus[mid];
		if (t->cpus[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * A sibling set: the first of the cpulist files that exists, else the hex mask file. 1 if read,
 * 0 if none exists, < 0 on a bad file (noted).
 */
static int read_siblings(struct rthc_host *h, struct rthc_topology *t, unsigned cpu,
			 const char *const names[3], struct rthc_cpuset *set)
{
	char path[256];
	int r = 0;

	for (size_t i = 0; i < 3 && r == 0; i++) {
		snprintf(path, sizeof(path), CPU_DIR "/cpu%u/topology/%s", cpu, names[i]);
		r = read_list(h, t, path, i < 2 ? 0 : UINT_MAX, set);
	}
	return r;
}

static void cpu_topology(struct rthc_host *h, struct rthc_topology *t, struct rthc_cpu *c,
			 bool books, struct rthc_cpuset *package_cpus)
{
	static const char *const thread_files[3] = {"thread_siblings_list", "core_cpus_list",
						    "thread_siblings"};
	static const char *const package_files[3] = {"package_cpus_list", "core_siblings_list",
						     "core_siblings"};
	char path[256];
	int r;

	snprintf(path, sizeof(path), CPU_DIR "/cpu%u/topology", c->id);
	c->has_topology = rthc_host_is_dir(h, path) > 0;
	if (!c->has_topology)
		return;
	snprintf(path, sizeof(path), CPU_DIR "/cpu%u/topology/physical_package_id", c->id);
	(void)read_int(h, t, path, &c->package);
	snprintf(path, sizeof(path), CPU_DIR "/cpu%u/topology/die_id", c->id);
	(void)read_int(h, t, path, &c->die);
	snprintf(path, sizeof(path), CPU_DIR "/cpu%u/topology/core_id", c->id);
	(void)read_int(h, t, path, &c->core);
	if (books) {
		snprintf(path, sizeof(path), CPU_DIR "/cpu%u/topology/book_id", c->id);
		(void)read_int(h, t, path, &c->book);
		snprintf(path, sizeof(path), CPU_DIR "/cpu%u/topology/drawer_id", c->id);
		(void)read_int(h, t, path, &c->drawer);
	}
	r = read_siblings(h, t, c->id, thread_files, &c->siblings);
	if (r > 0 && !rthc_cpuset_empty(&c->siblings))
		c->has_siblings = true;
	else if (r < 0)
		c->siblings_err = r;
	/* The package set only counts sockets: online CPUs only, as the kernel lists them. */
	if (c->online && read_siblings(h, t, c->id, package_files, package_cpus) <= 0)
		rthc_cpuset_zero(package_cpus);
}

/*
 * Old x86 kernels (and trimmed dumps) have no topology directory: take "physical id" and
 * "core id" from /proc/cpuinfo for the online CPUs that lack one; CPUs with the same pair are
 * SMT siblings.
 */
static int topology_from_cpuinfo(struct rthc_host *h, struct rthc_topology *t)
{
	_cleanup_free_ char *text = NULL;
	struct rthc_cpu *cur = NULL;
	bool any = false;
	int r;

	for (size_t i = 0; i < t->ncpus; i++)
		if (t->cpus[i].online && !t->cpus[i].has_topology)
			any = true;
	if (!any || rthc_host_read_file(h, "/proc/cpuinfo", &text, NULL) < 0)
		return 0;
	for (char *line = text, *eol; line && *line; line = eol ? eol + 1 : NULL) {
		char *colon;
		long v;

		eol = strchr(line, '\n');
		if (eol)
			*eol = '\0';
		colon = strchr(line, ':');
		if (!colon || sscanf(colon + 1, "%ld", &v) != 1 || v < 0 || v > 0x7fffffff)
			continue;
		if (strneq(line, "processor", 9) && isspace((unsigned char)line[9]))
			cur = find_cpu(t, (unsigned)v);
		else if (!cur || cur->has_topology)
			continue;
		else if (strneq(line, "physical id", 11))
			cur->package = (int)v;
		else if (strneq(line, "core id", 7))
			cur->core = (int)v;
	}
	for (size_t i = 0; i < t->ncpus; i++) {
		struct rthc_cpu *c = &t->cpus[i];

		if (!c->online || c->has_topology || c->package < 0 || c->core < 0)
			continue;
		for (size_t j = 0; j < t->ncpus; j++) {
			const struct rthc_cpu *d = &t->cpus[j];

			if (d->online && !d->has_topology && d->package == c->package &&
			    d->core == c->core && (r = rthc_cpuset_set(&c->siblings, d->id)) < 0)
				return r;
		}
		c->has_siblings = true;
	}
	for (size_t i = 0; i < t->ncpus; i++)
		if (t->cpus[i].online && !t->cpus[i].has_topology && t->cpus[i].package >= 0)
			t->cpus[i].has_topology = true;
	return 0;
}

static struct rthc_node *add_node(struct rthc_topology *t, unsigned id)
{
	struct rthc_node *n;

	for (size_t i = 0; i < t->nnodes; i++)
		if (t->nodes[i].id == id)
			return &t->nodes[i];
	n = realloc(t->nodes, (t->nnodes + 1) * sizeof(*n));
	if (!n)
		return NULL;
	t->nodes = n;
	n = &t->nodes[t->nnodes++];
	n->id = id;
	rthc_cpuset_init(&n->cpus);
	return n;
}

static int cmp_node(const void *a, const void *b)
{
	const struct rthc_node *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* NUMA nodes from /sys/devices/system/node/nodeN/{cpulist,cpumap}. */
static int gather_nodes(struct rthc_host *h, struct rthc_topology *t)
{
	char **names = NULL;
	char path[256];
	int r = rthc_host_list_dir(h, NODE_DIR, &names, NULL);

	if (r == -ENOENT || r == -ENOTDIR)
		return 0;
	if (r < 0) {
		note_bad(t, r, NODE_DIR);
		return 0;
	}
	for (char **nm = names; *nm; nm++) {
		long id = numbered(*nm, "node");
		struct rthc_node *n;

		if (id < 0)
			continue;
		n = add_node(t, (unsigned)id);
		if (!n) {
			r = -ENOMEM;
			break;
		}
		snprintf(path, sizeof(path), NODE_DIR "/node%ld/cpulist", id);
		r = read_list(h, t, path, 0, &n->cpus);
		if (r == 0) {
			snprintf(path, sizeof(path), NODE_DIR "/node%ld/cpumap", id);
			(void)read_list(h, t, path, UINT_MAX, &n->cpus);
		}
		r = 0;
	}
	rthc_strv_free(names);
	return r;
}

/* Fall back to cpuN/nodeK links when there is no node directory. */
static int nodes_from_links(struct rthc_host *h, struct rthc_topology *t)
{
	char path[256];

	for (size_t i = 0; i < t->ncpus; i++) {
		char **names = NULL;
		int r;

		snprintf(path, sizeof(path), CPU_DIR "/cpu%u", t->cpus[i].id);
		if (rthc_host_list_dir(h, path, &names, NULL) < 0)
			continue;
		for (char **nm = names; *nm; nm++) {
			long id = numbered(*nm, "node");
			struct rthc_node *n;

			if (id < 0)
				continue;
			n = add_node(t, (unsigned)id);
			if (!n || (r = rthc_cpuset_set(&n->cpus, t->cpus[i].id)) < 0) {
				rthc_strv_free(names);
				return -ENOMEM;
			}
		}
		rthc_strv_free(names);
	}
	return 0;
}

static int possible_and_online(struct rthc_host *h, struct rthc_topology *t)
{
	struct rthc_cpuset dirs = RTHC_CPUSET_INIT;
	char path[256];
	int r, have_possible, have_online;

	r = enumerate_cpu_dirs(h, &dirs);
	if (r < 0 && r != -ENOENT) {
		rthc_cpuset_done(&dirs);
		rthc_fact_err_set(&t->err, r, CPU_DIR);
		return 0;
	}
	have_possible = read_list(h, t, CPU_DIR "/possible", 0, &t->possible);
	if (have_possible <= 0 && (r = rthc_cpuset_copy(&t->possible, &dirs)) < 0)
		goto out;
	if (rthc_cpuset_empty(&t->possible)) {
		rthc_fact_err_set(&t->err, -ENOENT, CPU_DIR "/possible");
		r = 0;
		goto out;
	}
	t->nr_cpu_ids = (unsigned)rthc_cpuset_last(&t->possible) + 1;
	if (read_list(h, t, CPU_DIR "/present", t->nr_cpu_ids, &t->present) <= 0 &&
	    (r = rthc_cpuset_copy(&t->present, rthc_cpuset_empty(&dirs) ? &t->possible : &dirs)) <
		    0)
		goto out;

	have_online = read_list(h, t, CPU_DIR "/online", t->nr_cpu_ids, &t->online);
	if (have_online <= 0) {
		/* Per-CPU online files; a CPU directory without one (often cpu0) is online. */
		int c;

		rthc_cpuset_zero(&t->online);
		rthc_cpuset_foreach(c, &t->possible) {
			int64_t v;

			if (!rthc_cpuset_test(&dirs, (unsigned)c))
				continue;
			snprintf(path, sizeof(path), CPU_DIR "/cpu%d/online", c);
			r = rthc_host_read_s64(h, path, &v);
			if (r == -ENOENT || (r == 0 && v == 1))
				r = rthc_cpuset_set(&t->online, (unsigned)c);
			else if (r < 0)
				note_bad(t, r, path), r = 0;
			if (r < 0)
				goto out;
		}
	}
	r = rthc_cpuset_copy(&t->offline, &t->possible);
	if (r >= 0)
		rthc_cpuset_andnot(&t->offline, &t->online);
out:
	rthc_cpuset_done(&dirs);
	return r < 0 ? r : 0;
}

static bool same_core_ids(const struct rthc_cpu *a, const struct rthc_cpu *b)
{
	return a->drawer == b->drawer && a->book == b->book && a->package == b->package &&
	       a->die == b->die && a->core == b->core;
}

/*
 * Is c the first online CPU of its core? Cores are told apart by their sibling sets where the
 * kernel gives them (every member lists the same set), else by their ids.
 */
static bool first_of_core(const struct rthc_topology *t, size_t i)
{
	const struct rthc_cpu *c = &t->cpus[i];

	for (size_t j = 0; j < i; j++) {
		const struct rthc_cpu *d = &t->cpus[j];

		if (!d->online || !d->has_topology || d->has_siblings != c->has_siblings)
			continue;
		if (c->has_siblings ? rthc_cpuset_equal(&d->siblings, &c->siblings)
				    : same_core_ids(d, c))
			return false;
	}
	return c->has_siblings || c->core >= 0;
}

static bool first_of_package(const struct rthc_topology *t, const struct rthc_cpuset *pkg, size_t i)
{
	const struct rthc_cpu *c = &t->cpus[i];
	bool has_set = !rthc_cpuset_empty(&pkg[i]);

	for (size_t j = 0; j < i; j++) {
		const struct rthc_cpu *d = &t->cpus[j];

		if (!d->online || !d->has_topology || rthc_cpuset_empty(&pkg[j]) == has_set)
			continue;
		if (has_set ? rthc_cpuset_equal(&pkg[j], &pkg[i])
			    : d->drawer == c->drawer && d->book == c->book &&
				      d->package == c->package)
			return false;
	}
	return has_set || c->package >= 0;
}

static void aggregate(struct rthc_topology *t, const struct rthc_cpuset *pkg)
{
	unsigned tpc = 0, sockets = 0, cores = 0;

	for (size_t i = 0; i < t->ncpus; i++) {
		const struct rthc_cpu *c = &t->cpus[i];

		if (!c->online || !c->has_topology)
			continue;
		if (c->has_siblings && rthc_cpuset_count(&c->siblings) > tpc)
			tpc = rthc_cpuset_count(&c->siblings);
		if (first_of_package(t, pkg, i))
			sockets++;
		if (first_of_core(t, i))
			cores++;
	}
	t->sockets = sockets;
	t->cores = cores;
	t->threads_per_core = tpc;
}

int rthc_facts_gather_topology(struct rthc_host *h, struct rthc_topology *t)
{
	_cleanup_free_ char *active = NULL;
	struct rthc_cpuset *pkg = NULL;
	bool books;
	int c, r;

	t->smt_active = -1;
	r = possible_and_online(h, t);
	if (r < 0 || t->err.err)
		return r;
	t->cpus = calloc(rthc_cpuset_count(&t->possible), sizeof(*t->cpus));
	pkg = calloc(rthc_cpuset_count(&t->possible), sizeof(*pkg));
	if (!t->cpus || !pkg) {
		free(pkg);
		return -ENOMEM;
	}
	/* s390 numbers sockets within a book and books within a drawer. */
	books = rthc_host_existsf(h, CPU_DIR "/cpu%d/topology/book_id",
				  rthc_cpuset_first(&t->online)) > 0;
	rthc_cpuset_foreach(c, &t->possible) {
		struct rthc_cpu *cpu = &t->cpus[t->ncpus];

		cpu->id = (unsigned)c;
		cpu->online = rthc_cpuset_test(&t->online, (unsigned)c);
		cpu->package = cpu->die = cpu->core = cpu->node = cpu->book = cpu->drawer = -1;
		rthc_cpuset_init(&cpu->siblings);
		rthc_cpuset_init(&pkg[t->ncpus]);
		cpu_topology(h, t, cpu, books, &pkg[t->ncpus]);
		t->ncpus++;
	}
	r = topology_from_cpuinfo(h, t);
	if (r >= 0)
		r = gather_nodes(h, t);
	if (r >= 0 && t->nnodes == 0)
		r = nodes_from_links(h, t);
	if (r < 0)
		goto out;
	if (t->nnodes > 1)
		qsort(t->nodes, t->nnodes, sizeof(*t->nodes), cmp_node);
	for (size_t n = 0; n < t->nnodes; n++)
		rthc_cpuset_foreach(c, &t->nodes[n].cpus) {
			struct rthc_cpu *cpu = find_cpu(t, (unsigned)c);

			if (cpu && cpu->node < 0)
				cpu->node = (int)t->nodes[n].id;
		}
	aggregate(t, pkg);

	if (rthc_host_read_str(h, CPU_DIR "/smt/control", &t->smt_control) < 0)
		t->smt_control = NULL;
	if (rthc_host_read_str(h, CPU_DIR "/smt/active", &active) == 0 &&
	    (streq(active, "0") || streq(active, "1")))
		t->smt_active = streq(active, "1");
	else if (t->threads_per_core > 0)
		t->smt_active = t->threads_per_core > 1;
out:
	for (size_t i = 0; i < t->ncpus; i++)
		rthc_cpuset_done(&pkg[i]);
	free(pkg);
	return r < 0 ? r : 0;
}
