/*
 * Topology and isolation facts on topo-* fixtures and temp trees, the /proc/<pid>/stat parser,
 * memory on a 1024-CPU host, and a run of every registered check that must open no path twice.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "facts.h"
#include "helpers.h"
#include "host.h"
#include "macro.h"
#include "report.h"
#include "run.h"
#include "tasks.h"

struct env {
	struct rthc_host *h;
	struct rthc_facts *f;
	char *tmp; /* temp tree, or NULL for a fixture */
};

static struct env *env_open(const char *root)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	assert_int_equal(rthc_host_new(root, &e->h), 0);
	assert_int_equal(rthc_facts_gather(e->h, &e->f), 0);
	return e;
}

static void env_close(struct env *e)
{
	rthc_facts_free(e->f);
	rthc_host_free(e->h);
	if (e->tmp) {
		tmpdir_remove(e->tmp);
		free(e->tmp);
	}
	free(e);
}

static void assert_cpus(const struct rthc_cpuset *s, const char *want)
{
	char *got = rthc_cpuset_str(s);

	assert_non_null(got);
	if (!streq(got, want))
		fail_msg("CPU set %s, expected %s", got, want);
	free(got);
}

static void assert_cpu(const struct rthc_facts *f, unsigned id, bool online, int package, int core,
		       int node, const char *siblings)
{
	const struct rthc_cpu *c = rthc_facts_cpu(f, id);

	if (!c)
		fail_msg("no CPU %u", id);
	assert_int_equal(c->online, online);
	assert_int_equal(c->package, package);
	assert_int_equal(c->core, core);
	assert_int_equal(c->node, node);
	if (siblings) {
		assert_true(c->has_siblings);
		assert_cpus(&c->siblings, siblings);
	} else {
		assert_false(c->has_siblings);
	}
}

static void assert_counts(const struct rthc_topology *t, unsigned sockets, unsigned cores,
			  unsigned tpc, size_t nodes, int smt)
{
	assert_int_equal(t->sockets, sockets);
	assert_int_equal(t->cores, cores);
	assert_int_equal(t->threads_per_core, tpc);
	assert_int_equal(t->nnodes, nodes);
	assert_int_equal(t->smt_active, smt);
}

static void test_topo_sparse(void **state)
{
	struct env *e = env_open(fixture_dir("topo-sparse"));
	const struct rthc_topology *t = &e->f->topology;

	(void)state;
	assert_int_equal(t->err.err, 0);
	assert_int_equal(t->bad.err, 0);
	assert_cpus(&t->possible, "0,2,5,8");
	assert_cpus(&t->online, "0,2,8"); /* cpu0 has no online file: online */
	assert_cpus(&t->offline, "5");
	assert_int_equal(t->nr_cpu_ids, 9);
	assert_int_equal(t->ncpus, 4);
	assert_cpu(e->f, 0, true, 0, 0, 0, "0,8");
	assert_cpu(e->f, 2, true, 0, 1, 0, "2");
	assert_cpu(e->f, 5, false, -1, -1, 1, NULL); /* offline, no topology, node from its link */
	assert_false(rthc_facts_cpu(e->f, 5)->has_topology);
	assert_cpu(e->f, 8, true, 0, 0, 1, "0,8");
	assert_null(rthc_facts_cpu(e->f, 1));
	assert_null(rthc_facts_cpu(e->f, 9));
	/* nodes from cpuN/nodeK links only */
	assert_int_equal(t->nodes[0].id, 0);
	assert_cpus(&t->nodes[0].cpus, "0,2");
	assert_int_equal(t->nodes[1].id, 1);
	assert_cpus(&t->nodes[1].cpus, "5,8");
	assert_counts(t, 1, 2, 2, 2, 1); /* no smt/active: threads_per_core > 1 */
	assert_null(t->smt_control);
	env_close(e);
}

static void test_topo_interleaved(void **state)
{
	struct env *e = env_open(fixture_dir("topo-interleaved"));
	const struct rthc_topology *t = &e->f->topology;

	(void)state;
	assert_cpus(&t->possible, "0-7");
	assert_cpus(&t->online, "0-7");
	assert_cpus(&t->offline, "");
	assert_cpu(e->f, 0, true, 0, 0, 0, "0,4");
	assert_cpu(e->f, 1, true, 1, 0, 1, "1,5");
	assert_cpu(e->f, 2, true, 0, 1, 0, "2,6");
	assert_cpu(e->f, 7, true, 1, 1, 1, "3,7");
	assert_int_equal(rthc_facts_cpu(e->f, 5)->die, 0);
	assert_counts(t, 2, 4, 2, 3, 1);
	/* node2 has memory only */
	assert_int_equal(t->nodes[2].id, 2);
	assert_true(rthc_cpuset_empty(&t->nodes[2].cpus));
	assert_string_equal(t->smt_control, "on");
	env_close(e);
}

static void test_topo_mask(void **state)
{
	struct env *e = env_open(fixture_dir("topo-mask"));
	const struct rthc_topology *t = &e->f->topology;

	(void)state;
	assert_cpus(&t->possible, "0-5");
	assert_cpus(&t->online, "0-3");
	assert_cpus(&t->offline, "4-5");
	assert_cpu(e->f, 0, true, 0, 0, 0, "0,2");
	assert_cpu(e->f, 3, true, 0, 1, 1, "1,3");
	assert_cpu(e->f, 4, false, -1, -1, -1, NULL);
	assert_cpus(&t->nodes[0].cpus, "0-1");
	assert_cpus(&t->nodes[1].cpus, "2-3");
	assert_counts(t, 1, 2, 2, 2, 1);
	env_close(e);
}

static void test_topo_cpuinfo(void **state)
{
	struct env *e = env_open(fixture_dir("topo-cpuinfo"));
	const struct rthc_topology *t = &e->f->topology;

	(void)state;
	assert_cpus(&t->online, "0-3");
	assert_cpu(e->f, 0, true, 0, 0, 0, "0,2");
	assert_cpu(e->f, 1, true, 1, 0, 0, "1,3");
	assert_counts(t, 2, 2, 2, 1, 1);
	env_close(e);
}

static void test_topo_books(void **state)
{
	struct env *e = env_open(fixture_dir("topo-books"));
	const struct rthc_topology *t = &e->f->topology;

	(void)state;
	assert_int_equal(rthc_facts_cpu(e->f, 2)->book, 1);
	assert_int_equal(rthc_facts_cpu(e->f, 2)->drawer, 0);
	/* package 0 of book 0 and package 0 of book 1 are two sockets; no sibling files */
	assert_counts(t, 2, 4, 0, 0, -1);
	env_close(e);
}

/* A temp tree: files given as path, content pairs (NULL-terminated). */
static struct env *tree_open(const char *const *files)
{
	char *dir = tmpdir_new();
	struct env *e;

	for (size_t i = 0; files[i]; i += 2)
		write_file(dir, files[i], files[i + 1]);
	e = env_open(dir);
	e->tmp = dir;
	return e;
}

#define CPU "/sys/devices/system/cpu/"

static void test_topo_missing_and_garbage(void **state)
{
	static const char *const none[] = {"/proc/cmdline", "ro\n", NULL};
	static const char *const garbage[] = {
		CPU "possible",
		"0-x\n",
		CPU "online",
		"0-1\n",
		CPU "cpu0/topology/core_id",
		"zz\n",
		CPU "cpu1/topology/core_id",
		"1\n",
		CPU "cpu1/topology/thread_siblings_list",
		"1-\n",
		NULL,
	};
	static const char *const onlinefiles[] = {
		CPU "cpu0/online", "1\n", CPU "cpu1/online", "0\n", CPU "cpu2/online", "x\n",
		CPU "cpu3/topology/core_id", "3\n", NULL,
	};
	struct env *e;

	(void)state;
	/* no CPU directory at all: an error fact, never a guess */
	e = tree_open(none);
	assert_int_equal(e->f->topology.err.err, -ENOENT);
	assert_int_equal(e->f->topology.ncpus, 0);
	assert_counts(&e->f->topology, 0, 0, 0, 0, -1);
	env_close(e);

	/* a garbage possible file falls back to the directories; bad files are noted */
	e = tree_open(garbage);
	assert_cpus(&e->f->topology.possible, "0-1");
	assert_int_equal(e->f->topology.bad.err, -EINVAL);
	assert_string_equal(e->f->topology.bad.path, CPU "possible");
	assert_int_equal(rthc_facts_cpu(e->f, 0)->core, -1);
	assert_int_equal(rthc_facts_cpu(e->f, 1)->siblings_err, -EINVAL);
	assert_false(rthc_facts_cpu(e->f, 1)->has_siblings);
	env_close(e);

	/* per-CPU online files: 1 online, 0 offline, garbage offline and noted, absent online */
	e = tree_open(onlinefiles);
	assert_cpus(&e->f->topology.possible, "0-3");
	assert_cpus(&e->f->topology.online, "0,3");
	assert_int_equal(e->f->topology.bad.err, -EINVAL);
	assert_string_equal(e->f->topology.bad.path, CPU "cpu2/online");
	env_close(e);
}

static void test_isolation_cmdline(void **state)
{
	static const char *const files[] = {
		"/proc/cmdline", "isolcpus=nohz,domain,managed_irq,2-5 nohz_full=2-5 rcu_nocbs=2-6 "
				 "irqaffinity=0-1\n",
		CPU "possible", "0-7\n", CPU "online", "0-6\n", NULL,
	};
	struct env *e = tree_open(files);
	const struct rthc_isolation *i = &e->f->isolation;

	(void)state;
	assert_true(i->isolcpus.present);
	assert_int_equal(i->isolcpus.err, 0);
	assert_int_equal(i->isolcpus_flags,
			 RTHC_ISOL_NOHZ | RTHC_ISOL_DOMAIN | RTHC_ISOL_MANAGED_IRQ);
	assert_string_equal(i->isolcpus_flag_names[0], "nohz");
	assert_string_equal(i->isolcpus_flag_names[2], "managed_irq");
	assert_null(i->isolcpus_flag_names[3]);
	assert_cpus(&i->isolcpus.cpus, "2-5");
	assert_cpus(&i->nohz_full.cpus, "2-5");
	assert_cpus(&i->rcu_nocbs.cpus, "2-6");
	assert_cpus(&i->irqaffinity.cpus, "0-1");
	/* no sysfs files: the command line decides */
	assert_int_equal(i->isolated_effective.state, 0);
	assert_int_equal(i->nohz_full_effective.state, 0);
	assert_cpus(&i->domain, "2-5");
	assert_cpus(&i->nohz, "2-5");
	assert_cpus(&i->offloaded, "2-6");
	assert_cpus(&i->isolated, "2-5");
	assert_cpus(&i->housekeeping, "0-1,6");
	assert_string_equal(i->isolated_source, "cmdline");
	env_close(e);
}

/* The running kernel's view (sysfs) wins over the command line. */
static void test_isolation_kernel_wins(void **state)
{
	static const char *const files[] = {
		"/proc/cmdline", "isolcpus=2-3 nohz_full=2-3\n",
		CPU "possible", "0-7\n", CPU "online", "0-7\n",
		CPU "isolated", "4-5\n", CPU "nohz_full", "4-6\n",
		"/sys/fs/cgroup/cpuset.cpus.isolated", "7\n", NULL,
	};
	struct env *e = tree_open(files);
	const struct rthc_isolation *i = &e->f->isolation;

	(void)state;
	assert_cpus(&i->isolcpus.cpus, "2-3"); /* as on the command line */
	assert_int_equal(i->isolated_effective.state, 1);
	assert_cpus(&i->domain, "4-5");
	assert_cpus(&i->nohz, "4-6");
	assert_cpus(&i->isolated, "4-7");
	assert_cpus(&i->housekeeping, "0-3");
	assert_string_equal(i->isolated_source, "sysfs");
	env_close(e);
}

static void test_isolation_null_and_empty(void **state)
{
	static const char *const null_files[] = {
		"/proc/cmdline", "nohz_full=2-3\n", CPU "possible", "0-3\n", CPU "online", "0-3\n",
		CPU "isolated", "\n", CPU "nohz_full", "(null)\n", NULL,
	};
	static const char *const empty_files[] = {
		"/proc/cmdline", "isolcpus=1 nohz_full=1\n", CPU "possible", "0-3\n", CPU "online",
		"0-3\n", CPU "isolated", "", CPU "nohz_full", "\n", NULL,
	};
	struct env *e;

	(void)state;
	/* "(null)": the kernel runs no adaptive-tick CPU, whatever the command line says */
	e = tree_open(null_files);
	assert_int_equal(e->f->isolation.nohz_full_effective.state, 1);
	assert_true(rthc_cpuset_empty(&e->f->isolation.nohz_full_effective.cpus));
	assert_true(rthc_cpuset_empty(&e->f->isolation.nohz));
	assert_true(rthc_cpuset_empty(&e->f->isolation.isolated));
	assert_string_equal(e->f->isolation.isolated_source, "none");
	assert_cpus(&e->f->isolation.housekeeping, "0-3");
	env_close(e);
	e = tree_open(empty_files);
	assert_int_equal(e->f->isolation.isolated_effective.state, 1);
	assert_true(rthc_cpuset_empty(&e->f->isolation.domain));
	assert_true(rthc_cpuset_empty(&e->f->isolation.isolated));
	env_close(e);
}

static void test_isolation_malformed(void **state)
{
	static const char *const files[] = {
		"/proc/cmdline", "isolcpus=2-x nohz_full=99 rcu_nocbs irqaffinity=foo\n",
		CPU "possible", "0-7\n", CPU "online", "0-7\n", CPU "isolated", "garbage\n", NULL,
	};
	static const char *const managed[] = {
		"/proc/cmdline",
		"isolcpus=managed_irq,2-3\n",
		CPU "possible",
		"0-7\n",
		CPU "online",
		"0-7\n",
		NULL,
	};
	static const char *const nocmdline[] = {CPU "possible", "0-1\n", CPU "online", "0-1\n",
						NULL};
	struct env *e;

	(void)state;
	e = tree_open(files);
	assert_true(e->f->isolation.isolcpus.present);
	assert_int_equal(e->f->isolation.isolcpus.err, -EINVAL);
	assert_int_equal(e->f->isolation.isolcpus_flags, 0);
	assert_int_equal(e->f->isolation.nohz_full.err, -ERANGE);
	assert_true(e->f->isolation.rcu_nocbs.present); /* bare rcu_nocbs: no CPU, no error */
	assert_int_equal(e->f->isolation.rcu_nocbs.err, 0);
	assert_true(rthc_cpuset_empty(&e->f->isolation.rcu_nocbs.cpus));
	assert_int_equal(e->f->isolation.irqaffinity.err, -EINVAL);
	assert_false(e->f->isolation.nohz_full.refused);
	assert_int_equal(e->f->isolation.isolated_effective.state, -EINVAL);
	/* rejected parameters isolate nothing */
	assert_true(rthc_cpuset_empty(&e->f->isolation.domain));
	assert_true(rthc_cpuset_empty(&e->f->isolation.nohz));
	assert_true(rthc_cpuset_empty(&e->f->isolation.isolated));
	env_close(e);

	/* managed_irq alone keeps the CPUs in the scheduler domains */
	e = tree_open(managed);
	assert_int_equal(e->f->isolation.isolcpus_flags, RTHC_ISOL_MANAGED_IRQ);
	assert_true(rthc_cpuset_empty(&e->f->isolation.domain));
	assert_true(rthc_cpuset_empty(&e->f->isolation.isolated));
	env_close(e);

	/* no /proc/cmdline at all */
	e = tree_open(nocmdline);
	assert_null(e->f->kernel.cmdline);
	assert_int_equal(e->f->kernel.cmdline_err.err, -ENOENT);
	assert_false(e->f->isolation.isolcpus.present);
	assert_cpus(&e->f->isolation.housekeeping, "0-1");
	env_close(e);
}

/* Repeated and combined isolcpus=/nohz_full=: housekeeping_setup() keeps the first. */
static void test_isolation_repeated(void **state)
{
	static const char *const base[] = {CPU "possible", "0-7\n", CPU "online", "0-7\n"};
	static const struct {
		const char *cmdline;
		int err;
		const char *shown, *domain, *nohz;
		unsigned flags;
		bool refused;
	} vecs[] = {
		{"isolcpus=2-3 isolcpus=4-5", 0, "2-3", "2-3", "", RTHC_ISOL_DOMAIN, true},
		{"isolcpus=2-3 isolcpus=domain,2-3", 0, "2-3", "2-3", "", RTHC_ISOL_DOMAIN, false},
		{"isolcpus=nohz,2-3 isolcpus=domain,2-3", 0, "2-3", "2-3", "2-3",
		 RTHC_ISOL_NOHZ | RTHC_ISOL_DOMAIN, false},
		/* its nohz flag conflicts with the earlier nohz_full=: the kernel ignores it whole */
		{"nohz_full=2-3 isolcpus=nohz,domain,4-5", 0, "4-5", "", "2-3",
		 RTHC_ISOL_NOHZ | RTHC_ISOL_DOMAIN, true},
		{"isolcpus=nohz,domain,4-5 nohz_full=4-5", 0, "4-5", "4-5", "4-5",
		 RTHC_ISOL_NOHZ | RTHC_ISOL_DOMAIN, false},
		{"isolcpus=2-x isolcpus=3", 0, "3", "3", "", RTHC_ISOL_DOMAIN, false},
		{"isolcpus=2-x isolcpus=y", -EINVAL, "", "", "", 0, false},
		{"isolcpus", -EINVAL, "", "", "", 0, false},
		/* every present CPU isolated: the boot CPU stays housekeeping */
		{"isolcpus=0-7", 0, "0-7", "1-7", "", RTHC_ISOL_DOMAIN, false},
		{"isolcpus=all", -EINVAL, "", "", "", 0, false},
		{"nohz_full=all", 0, "", "", "1-7", 0, false},
	};

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(vecs); k++) {
		char line[256];
		const char *files[] = {base[0],		base[1], base[2], base[3],
				       "/proc/cmdline", line,	 NULL};
		struct env *e;
		const struct rthc_isolation *i;

		snprintf(line, sizeof(line), "%s\n", vecs[k].cmdline);
		e = tree_open(files);
		i = &e->f->isolation;
		if (strstr(vecs[k].cmdline, "isolcpus")) {
			assert_true(i->isolcpus.present);
			if (i->isolcpus.err != vecs[k].err)
				fail_msg("[%s]: err %d", vecs[k].cmdline, i->isolcpus.err);
			assert_cpus(&i->isolcpus.cpus, vecs[k].shown);
			if (i->isolcpus_flags != vecs[k].flags ||
			    i->isolcpus.refused != vecs[k].refused)
				fail_msg("[%s]: flags %#x refused %d", vecs[k].cmdline,
					 i->isolcpus_flags, i->isolcpus.refused);
		}
		assert_cpus(&i->domain, vecs[k].domain);
		assert_cpus(&i->nohz, vecs[k].nohz);
		env_close(e);
	}
}

static void test_isolation_override(void **state)
{
	static const char *const files[] = {
		"/proc/cmdline", "isolcpus=2-3\n", CPU "possible", "0-7\n",
		CPU "online",	 "0-7\n",	   NULL,
	};
	struct env *e = tree_open(files);
	struct rthc_cpuset iso = RTHC_CPUSET_INIT;

	(void)state;
	assert_int_equal(rthc_cpuset_parse_list(&iso, "4-7", 8), 0);
	assert_int_equal(rthc_facts_override_isolated(e->f, &iso), 0);
	assert_cpus(&e->f->isolation.isolated, "4-7");
	assert_cpus(&e->f->isolation.housekeeping, "0-3");
	assert_string_equal(e->f->isolation.isolated_source, "override");
	rthc_cpuset_done(&iso);
	env_close(e);
}

/* A 1024-CPU host (2 sockets x 256 cores x SMT2, 4 nodes): facts stay within a few MiB. */
static void test_memory_1024(void **state)
{
	char *dir = tmpdir_new(), path[256], list[64];
	struct env *e;
	size_t bytes, nlog;
	const struct rthc_host_log_entry *log;

	(void)state;
	write_file(dir, CPU "possible", "0-1023\n");
	write_file(dir, CPU "online", "0-1023\n");
	write_file(dir, "/proc/cmdline", "isolcpus=4-1023 nohz_full=4-1023\n");
	for (unsigned c = 0; c < 1024; c++) {
		unsigned core = c % 512;

		snprintf(path, sizeof(path), CPU "cpu%u/topology/physical_package_id", c);
		snprintf(list, sizeof(list), "%u\n", core / 256);
		write_file(dir, path, list);
		snprintf(path, sizeof(path), CPU "cpu%u/topology/core_id", c);
		snprintf(list, sizeof(list), "%u\n", core % 256);
		write_file(dir, path, list);
		snprintf(path, sizeof(path), CPU "cpu%u/topology/thread_siblings_list", c);
		snprintf(list, sizeof(list), "%u,%u\n", core, core + 512);
		write_file(dir, path, list);
	}
	for (unsigned n = 0; n < 4; n++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%u/cpulist", n);
		snprintf(list, sizeof(list), "%u-%u,%u-%u\n", n * 128, n * 128 + 127, 512 + n * 128,
			 512 + n * 128 + 127);
		write_file(dir, path, list);
	}
	e = env_open(dir);
	e->tmp = dir;
	assert_counts(&e->f->topology, 2, 512, 2, 4, 1);
	assert_cpus(&e->f->isolation.housekeeping, "0-3");
	bytes = e->f->topology.ncpus * sizeof(struct rthc_cpu);
	for (size_t i = 0; i < e->f->topology.ncpus; i++)
		bytes += e->f->topology.cpus[i].siblings.nwords * sizeof(uint64_t);
	for (size_t i = 0; i < e->f->topology.nnodes; i++)
		bytes += e->f->topology.nodes[i].cpus.nwords * sizeof(uint64_t);
	assert_true(bytes < 1024 * 1024);
	/* and the accessor opened each file once */
	nlog = rthc_host_log(e->h, &log);
	assert_true(nlog > 3 * 1024);
	for (size_t i = 0; i < nlog; i++)
		if (log[i].opens > 1 || (log[i].opens == 0 && !log[i].touched))
			fail_msg("%s opened %u times", log[i].path, log[i].opens);
	env_close(e);
}

struct stat_vec {
	const char *line;
	int err;
	int pid, ppid, processor;
	const char *comm;
	char state;
	unsigned flags, rt_priority, policy;
};

#define STAT_TAIL " 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"

static const struct stat_vec stat_vecs[] = {
	{"1 (systemd) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 10 100 200 "
	 "18446744073709551615 1 1 0 0 0 0 671173123 4096 1260 0 0 0 17 3 0 0 0 0 0",
	 0, 1, 0, 3, "systemd", 'S', 4194560, 0, 0},
	{"42 (ktimers/3) S 2 0 0 0 -1 69238848 0 0 0 0 0 0 0 0 -2 0 1 0 9 0 0 "
	 "18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 3 1 1 0 0 0",
	 0, 42, 2, 3, "ktimers/3", 'S', 69238848, 1, 1},
	/* a comm with spaces and parentheses ends at the last ')' */
	{"7 (a) b (c)) R 1 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5 "
	 "99 2", 0, 7, 1, 5, "a) b (c)", 'R', 0, 99, 2},
	{"", -EINVAL, 0, 0, 0, NULL, 0, 0, 0, 0},
	{"1 (x", -EINVAL, 0, 0, 0, NULL, 0, 0, 0, 0},
	{"1 (x)", -EINVAL, 0, 0, 0, NULL, 0, 0, 0, 0},
	{"1 (x) S", -EINVAL, 0, 0, 0, NULL, 0, 0, 0, 0},
	{"1 (x) S 1 2 3", -EINVAL, 0, 0, 0, NULL, 0, 0, 0, 0},
	{"x (x) S 1" STAT_TAIL " 0 0 0 0 0 0 0 0 0", -EINVAL, 0, 0, 0, NULL, 0, 0, 0, 0},
	{"-1 (x) S 1" STAT_TAIL " 0 0 0 0 0 0 0 0 0", -EINVAL, 0, 0, 0, NULL, 0, 0, 0, 0},
	{"1 (x) S 1 z" STAT_TAIL " 0 0 0 0 0 0 0 0 0", -EINVAL, 0, 0, 0, NULL, 0, 0, 0, 0},
	{"99999999999 (x) S 1" STAT_TAIL " 0 0 0 0 0 0 0 0 0", -EINVAL, 0, 0, 0, NULL, 0, 0, 0, 0},
};

static void test_task_stat(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(stat_vecs); i++) {
		const struct stat_vec *v = &stat_vecs[i];
		struct rthc_task t = {0};
		int r = rthc_task_parse_stat(v->line, &t);

		if (r != v->err)
			fail_msg("stat [%s]: %d, expected %d", v->line, r, v->err);
		if (r < 0)
			continue;
		assert_int_equal(t.pid, v->pid);
		assert_int_equal(t.ppid, v->ppid);
		assert_string_equal(t.comm, v->comm);
		assert_int_equal(t.state, v->state);
		assert_int_equal(t.flags, v->flags);
		assert_int_equal(t.processor, v->processor);
		assert_int_equal(t.rt_priority, v->rt_priority);
		assert_int_equal(t.policy, v->policy);
	}
	{
		struct rthc_task t = {.pid = 5, .flags = RTHC_PF_KTHREAD};

		assert_true(rthc_task_is_kthread(&t));
		t.flags = 0;
		t.ppid = 2;
		assert_true(rthc_task_is_kthread(&t));
		t.ppid = 1;
		assert_false(rthc_task_is_kthread(&t));
	}
	assert_string_equal(rthc_task_policy_name(1), "SCHED_FIFO");
	assert_string_equal(rthc_task_policy_name(6), "SCHED_DEADLINE");
	assert_string_equal(rthc_task_policy_name(4), "unknown");
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random, mutated and truncated stat lines: never a crash, a leak or an over-long comm. */
static void test_task_stat_fuzz(void **state)
{
	static const char alpha[] = "0123456789 ()-SRZx\n";
	const char *base = stat_vecs[1].line;
	size_t blen = strlen(base);
	uint64_t seed = 4242;
	char buf[512];

	(void)state;
	for (int i = 0; i < 20000; i++) {
		struct rthc_task t = {0};
		size_t n;
		int r;

		if (i % 2) {
			n = rng_next(&seed) % 200;
			for (size_t k = 0; k < n; k++)
				buf[k] = alpha[rng_next(&seed) % (sizeof(alpha) - 1)];
		} else {
			n = rng_next(&seed) % (blen + 1);
			memcpy(buf, base, n);
			for (int m = 0; m < 3 && n; m++)
				buf[rng_next(&seed) % n] =
					alpha[rng_next(&seed) % (sizeof(alpha) - 1)];
		}
		buf[n] = '\0';
		r = rthc_task_parse_stat(buf, &t);
		assert_true(r == 0 || r == -EINVAL);
		assert_true(strlen(t.comm) < sizeof(t.comm));
		if (r == 0)
			assert_true(t.pid >= 0);
	}
	/* a comm longer than the field is cut */
	{
		struct rthc_task t = {0};
		char line[400];

		snprintf(line, sizeof(line), "3 (%0100d) S 1" STAT_TAIL " 0 0 0 0 0 0 0 0 0", 0);
		assert_int_equal(rthc_task_parse_stat(line, &t), 0);
		assert_int_equal(strlen(t.comm), sizeof(t.comm) - 1);
	}
}

static void test_tasks_gather(void **state)
{
	static const char *const files[] = {
		"/proc/1/stat", "1 (init) S 0" STAT_TAIL " 0 0 0 0 0 0 0 0 0\n",
		"/proc/1/status", "Name:\tinit\nCpus_allowed_list:\t0-3\n",
		"/proc/2/stat", "garbage\n",
		"/proc/3/status", "Name:\tnostat\n",
		"/proc/cmdline", "ro\n", NULL,
	};
	struct env *e = tree_open(files);
	const struct rthc_tasks *ts = rthc_facts_tasks(e->f, e->h);

	(void)state;
	assert_non_null(ts);
	assert_true(ts->have_pids);
	assert_int_equal(ts->n, 1); /* bad and missing stat files are skipped */
	assert_int_equal(ts->v[0].pid, 1);
	assert_true(ts->v[0].has_allowed);
	assert_cpus(&ts->v[0].allowed, "0-3");
	assert_ptr_equal(rthc_facts_tasks(e->f, e->h), ts); /* gathered once */
	env_close(e);
}

/*
 * Run every registered check (host or guest set) and count the paths opened more than once
 * (each named on stderr).
 */
static unsigned run_all_once(const char *root, bool guest)
{
	struct rthc_ctx *ctx = ctx_new(root, NULL, guest);
	const struct rthc_host_log_entry *log;
	unsigned bad = 0;
	size_t n;

	rthc_run_checks(ctx);
	assert_true(ctx->report->nresults > 0);
	n = rthc_host_log(ctx->host, &log);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++)
		if (log[i].opens > 1) {
			fprintf(stderr, "# %s (%s): %s opened %u times\n", root,
				guest ? "guest" : "host", log[i].path, log[i].opens);
			bad++;
		}
	ctx_free(ctx);
	return bad;
}

static void test_every_check_opens_once(void **state)
{
	char fixtures[PATH_MAX];
	struct dirent *de;
	unsigned bad = 0;
	DIR *d;

	(void)state;
	bad += run_all_once(fixture_dir("topo-interleaved"), false);
	bad += run_all_once(fixture_dir("topo-interleaved"), true);
	bad += run_all_once(fixture_dir("topo-sparse"), false);
	/* and every other fixture tree of the project */
	snprintf(fixtures, sizeof(fixtures), "%s", fixture_dir(""));
	d = opendir(fixtures);
	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[PATH_MAX];

		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		snprintf(path, sizeof(path), "%s", fixture_dir(de->d_name));
		bad += run_all_once(path, false);
		bad += run_all_once(path, true);
	}
	closedir(d);
	if (bad)
		fail_msg("%u paths were opened more than once in a run (see above)", bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_topo_sparse),
		cmocka_unit_test(test_topo_interleaved),
		cmocka_unit_test(test_topo_mask),
		cmocka_unit_test(test_topo_cpuinfo),
		cmocka_unit_test(test_topo_books),
		cmocka_unit_test(test_topo_missing_and_garbage),
		cmocka_unit_test(test_isolation_cmdline),
		cmocka_unit_test(test_isolation_kernel_wins),
		cmocka_unit_test(test_isolation_null_and_empty),
		cmocka_unit_test(test_isolation_malformed),
		cmocka_unit_test(test_isolation_repeated),
		cmocka_unit_test(test_isolation_override),
		cmocka_unit_test(test_memory_1024),
		cmocka_unit_test(test_task_stat),
		cmocka_unit_test(test_task_stat_fuzz),
		cmocka_unit_test(test_tasks_gather),
		cmocka_unit_test(test_every_check_opens_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
