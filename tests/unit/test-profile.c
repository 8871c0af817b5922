/* Profiles: loading, includes, variables, --set, isolated_cores = auto, every error with file:line. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "helpers.h"
#include "host.h"
#include "profile.h"

struct env {
	char *dir;  /* built-in profile directory for this test */
	char *root; /* a writable target tree */
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	e->dir = tmpdir_new();
	e->root = tmpdir_new();
	setenv("RTHC_PROFILE_DIR", e->dir, 1);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	tmpdir_remove(e->dir);
	tmpdir_remove(e->root);
	free(e->dir);
	free(e->root);
	free(e);
	unsetenv("RTHC_PROFILE_DIR");
	return 0;
}

static void builtin_dir(void)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/profiles", getenv("top_srcdir") ? getenv("top_srcdir") : ".");
	setenv("RTHC_PROFILE_DIR", dir, 1);
}

/* Load and resolve name over the tree at root; returns the error code, fills *ret on success. */
static int load(const char *root, const char *name, const char *const *sets, struct rthc_profile **ret,
		char *msg, size_t n)
{
	struct rthc_host *h = NULL;
	struct rthc_facts *f = NULL;
	struct rthc_profile *p = NULL;
	struct rthc_profile_error err;
	size_t nsets = 0;
	int r;

	while (sets && sets[nsets])
		nsets++;
	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_facts_gather(h, &f), 0);
	r = rthc_profile_load(h, name, &p, &err);
	if (r == 0)
		r = rthc_profile_resolve(p, f, (char *const *)sets, nsets, &err);
	rthc_profile_error_format(&err, msg, n);
	if (r == 0)
		*ret = p;
	else
		rthc_profile_free(p);
	rthc_facts_free(f);
	rthc_host_free(h);
	return r;
}

static void expect_error(const char *root, const char *name, const char *const *sets, const char *want)
{
	struct rthc_profile *p = NULL;
	char msg[1024];
	int r = load(root, name, sets, &p, msg, sizeof(msg));

	if (r != -EINVAL || !strstr(msg, want))
		fail_msg("%s: got %d '%s', wanted -EINVAL with '%s'", name, r, msg, want);
}

static void test_builtin_host(void **state)
{
	struct rthc_profile *p = NULL;
	char msg[1024];

	(void)state;
	builtin_dir();
	assert_int_equal(load(fixture_dir("apply-host"), "realtime-virtual-host", NULL, &p, msg, sizeof(msg)), 0);
	/* Interleaved IDs: node 0 = 0,2,4,6, node 1 = 1,3,5,7, siblings N and N+4. */
	assert_string_equal(rthc_profile_var(p, "isolated_cores"), "2-3,6-7");
	assert_string_equal(rthc_profile_var(p, "housekeeping_cores"), "0-1,4-5");
	assert_string_equal(rthc_profile_var(p, "housekeeping_mask"), "33");
	assert_string_equal(rthc_profile_var(p, "online_cores"), "0-7");
	assert_string_equal(rthc_profile_var(p, "numa_nodes"), "0-1");
	assert_string_equal(rthc_profile_var(p, "isolated_nodes"), "0-1");
	/* From the parent (realtime) and from the child, expanded. */
	assert_string_equal(rthc_profile_value(p, "cmdline", "isolcpus"), "managed_irq,domain,2-3,6-7");
	assert_string_equal(rthc_profile_value(p, "cmdline", "nohz_full"), "2-3,6-7");
	assert_string_equal(rthc_profile_value(p, "cpu", "governor"), "performance");
	assert_string_equal(rthc_profile_value(p, "sysfs", "/sys/kernel/mm/ksm/run"), "2");
	assert_string_equal(rthc_profile_value(p, "cmdline", "nosoftlockup"), "");
	/* The variables the checks read: the profile's expectations. */
	assert_string_equal(rthc_profile_var(p, "cstate_max_latency_us"), "2");
	assert_string_equal(rthc_profile_value(p, "cpu", "idle_max_latency_us"), "2");
	assert_string_equal(rthc_profile_var(p, "timer_migration"), "0");
	assert_string_equal(rthc_profile_value(p, "sysctl", "kernel.timer_migration"), "0");
	assert_string_equal(rthc_profile_var(p, "hugepage_size"), "1G");
	assert_string_equal(rthc_profile_var(p, "hugepages_per_node"), "4");
	assert_string_equal(rthc_profile_value(p, "hugepages", "size"), "1G");
	assert_string_equal(rthc_profile_value(p, "hugepages", "per_node"), "4");
	assert_string_equal(rthc_profile_value(p, "hugepages", "nodes"), "0-1");
	assert_string_equal(rthc_profile_var(p, "vcpu_prio"), "1");
	assert_string_equal(rthc_profile_var(p, "irq_loc_max_rate"), "2");
	assert_string_equal(rthc_profile_var(p, "irq_ipi_max_rate"), "1");
	assert_null(rthc_profile_var(p, "rcu_nocb_poll"));
	assert_null(rthc_profile_var(p, "rt_users"));
	assert_false(p->guest);
	assert_string_equal(p->source, "builtin");
	rthc_profile_free(p);
}

static void test_builtin_guest(void **state)
{
	struct rthc_profile *p = NULL;
	char msg[1024];

	(void)state;
	builtin_dir();
	/* No SMT, no NUMA directory: vCPU 0 is the housekeeping CPU. */
	assert_int_equal(load(fixture_dir("apply-guest"), "realtime-virtual-guest", NULL, &p, msg, sizeof(msg)), 0);
	assert_string_equal(rthc_profile_var(p, "isolated_cores"), "1-3");
	assert_string_equal(rthc_profile_var(p, "housekeeping_cores"), "0");
	assert_string_equal(rthc_profile_var(p, "housekeeping_mask"), "1");
	assert_string_equal(rthc_profile_value(p, "guest", "idle"), "poll");
	assert_true(p->guest);
	rthc_profile_free(p);
}

/* 16 CPUs on two nodes, interleaved (even on node 0), SMT siblings N and N+8. */
static void smt_numa_tree(const char *root)
{
	char path[128], val[32];

	write_file(root, "/sys/devices/system/cpu/possible", "0-15\n");
	write_file(root, "/sys/devices/system/cpu/present", "0-15\n");
	write_file(root, "/sys/devices/system/cpu/online", "0-15\n");
	for (int c = 0; c < 16; c++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", c);
		snprintf(val, sizeof(val), "%d,%d\n", c % 8, c % 8 + 8);
		write_file(root, path, val);
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", c);
		write_file(root, path, c % 2 ? "1\n" : "0\n");
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/topology/core_id", c);
		snprintf(val, sizeof(val), "%d\n", (c % 8) / 2);
		write_file(root, path, val);
	}
	write_file(root, "/sys/devices/system/node/node0/cpulist", "0,2,4,6,8,10,12,14\n");
	write_file(root, "/sys/devices/system/node/node1/cpulist", "1,3,5,7,9,11,13,15\n");
}

/* --set of a variable the checks read moves the profile's fix with it. */
static void test_builtin_sets(void **state)
{
	const char *sets[] = {"hugepages_per_node=8", "timer_migration=1", "cstate_max_latency_us=10", NULL};
	struct rthc_profile *p = NULL;
	char msg[1024];

	(void)state;
	builtin_dir();
	assert_int_equal(load(fixture_dir("apply-host"), "realtime-virtual-host", sets, &p, msg, sizeof(msg)), 0);
	assert_string_equal(rthc_profile_value(p, "hugepages", "per_node"), "8");
	assert_string_equal(rthc_profile_var(p, "hugepages_per_node"), "8");
	assert_string_equal(rthc_profile_value(p, "sysctl", "kernel.timer_migration"), "1");
	assert_string_equal(rthc_profile_value(p, "cpu", "idle_max_latency_us"), "10");
	p = rthc_profile_free(p);
	/* realtime keeps its 2 MiB pool; the guest profile its smaller one. */
	assert_int_equal(load(fixture_dir("apply-host"), "realtime", NULL, &p, msg, sizeof(msg)), 0);
	assert_string_equal(rthc_profile_var(p, "hugepage_size"), "2M");
	assert_string_equal(rthc_profile_var(p, "hugepages_per_node"), "512");
	p = rthc_profile_free(p);
	assert_int_equal(load(fixture_dir("apply-guest"), "realtime-virtual-guest", NULL, &p, msg, sizeof(msg)), 0);
	assert_string_equal(rthc_profile_var(p, "hugepage_size"), "2M");
	assert_string_equal(rthc_profile_var(p, "hugepages_per_node"), "128");
	assert_string_equal(rthc_profile_var(p, "guest_jitter_max_us"), "20");
	rthc_profile_free(p);
}

/* A profile without those variables: the checks' budgets come from its typed keys. */
static void test_budgets_from_keys(void **state)
{
	struct env *e = *state;
	struct rthc_profile *p = NULL;
	const char *poll0[] = {"rcu_nocb_poll=0", NULL};
	char msg[1024];

	smt_numa_tree(e->root);
	write_file(e->dir, "keys.conf", "[cpu]\nidle_max_latency_us = 5\n[sysctl]\nkernel.timer_migration = 1\n"
					"[cmdline]\nrcu_nocb_poll =\n[hugepages]\n2M.per_node = 100\n1G.per_node = 3\n"
					"1G.nodes = 1\n2M = 64\n");
	assert_int_equal(load(e->root, "keys", NULL, &p, msg, sizeof(msg)), 0);
	assert_string_equal(rthc_profile_var(p, "cstate_max_latency_us"), "5");
	assert_string_equal(rthc_profile_var(p, "timer_migration"), "1");
	assert_string_equal(rthc_profile_var(p, "rcu_nocb_poll"), "1");
	/* The largest page size with a per-node pool. */
	assert_string_equal(rthc_profile_var(p, "hugepage_size"), "1G");
	assert_string_equal(rthc_profile_var(p, "hugepages_per_node"), "3");
	p = rthc_profile_free(p);
	/* A variable of that name (here from --set) wins over the key. */
	assert_int_equal(load(e->root, "keys", poll0, &p, msg, sizeof(msg)), 0);
	assert_string_equal(rthc_profile_var(p, "rcu_nocb_poll"), "0");
	p = rthc_profile_free(p);
	/* size and per_node name the pool directly. */
	write_file(e->dir, "pool.conf", "[hugepages]\nsize = 2048kB\nper_node = 7\n1G.per_node = 1\n");
	assert_int_equal(load(e->root, "pool", NULL, &p, msg, sizeof(msg)), 0);
	assert_string_equal(rthc_profile_var(p, "hugepage_size"), "2048kB");
	assert_string_equal(rthc_profile_var(p, "hugepages_per_node"), "7");
	p = rthc_profile_free(p);
	write_file(e->dir, "none.conf", "[hugepages]\n1G.node0 = 2\n");
	assert_int_equal(load(e->root, "none", NULL, &p, msg, sizeof(msg)), 0);
	assert_null(rthc_profile_var(p, "hugepage_size"));
	assert_null(rthc_profile_var(p, "hugepages_per_node"));
	assert_null(rthc_profile_var(p, "timer_migration"));
	rthc_profile_free(p);
}

static void test_auto_per_node(void **state)
{
	struct env *e = *state;
	struct rthc_profile *p = NULL;
	const char *two[] = {"housekeeping_cores_per_node=2", NULL};
	char msg[1024];

	smt_numa_tree(e->root);
	write_file(e->dir, "a.conf", "[main]\nsummary = auto\n");
	assert_int_equal(load(e->root, "a", NULL, &p, msg, sizeof(msg)), 0);
	/* First core of each node with its sibling: 0+8 and 1+9. */
	assert_string_equal(rthc_profile_var(p, "housekeeping_cores"), "0-1,8-9");
	assert_string_equal(rthc_profile_var(p, "isolated_cores"), "2-7,10-15");
	assert_string_equal(rthc_profile_var(p, "housekeeping_mask"), "0303");
	p = rthc_profile_free(p);
	assert_int_equal(load(e->root, "a", two, &p, msg, sizeof(msg)), 0);
	assert_string_equal(rthc_profile_var(p, "housekeeping_cores"), "0-3,8-11");
	assert_string_equal(rthc_profile_var(p, "isolated_cores"), "4-7,12-15");
	rthc_profile_free(p);
}

static void test_includes_and_vars(void **state)
{
	struct env *e = *state;
	struct rthc_profile *p = NULL;
	const char *sets[] = {"base_gov=schedutil", "isolated_cores=2-3", NULL};
	char msg[1024];

	smt_numa_tree(e->root);
	write_file(e->dir, "base.conf", "[main]\nsummary = base\n[variables]\nbase_gov = powersave\nx = ${y}-x\n"
					"y = why\n[cpu]\ngovernor = ${base_gov}\nsmt = on\n[sysctl]\nvm.swappiness = 10\n");
	write_file(e->dir, "child.conf", "; a comment\n[main]\ninclude = base\nsummary = child\n[variables]\n"
					 "y = child-y\n[cpu]\nsmt = off\n[sysctl]\nvm.stat_interval = ${x}\n"
					 "[cmdline]\nisolcpus = domain,${isolated_cores}\n[modules]\ndisable = a\n  b\n");
	assert_int_equal(load(e->root, "child", NULL, &p, msg, sizeof(msg)), 0);
	assert_string_equal(rthc_profile_value(p, "main", "summary"), "child");
	assert_string_equal(rthc_profile_value(p, "cpu", "governor"), "powersave");
	assert_string_equal(rthc_profile_value(p, "cpu", "smt"), "off");
	assert_string_equal(rthc_profile_value(p, "sysctl", "vm.swappiness"), "10");
	/* Variables resolve late: the child's y reaches the parent's x. */
	assert_string_equal(rthc_profile_value(p, "sysctl", "vm.stat_interval"), "child-y-x");
	assert_string_equal(rthc_profile_value(p, "cmdline", "isolcpus"), "domain,2-7,10-15");
	/* A continuation line joins with a space. */
	assert_string_equal(rthc_profile_value(p, "modules", "disable"), "a b");
	p = rthc_profile_free(p);
	assert_int_equal(load(e->root, "child", sets, &p, msg, sizeof(msg)), 0);
	assert_string_equal(rthc_profile_value(p, "cpu", "governor"), "schedutil");
	assert_string_equal(rthc_profile_var(p, "isolated_cores"), "2-3");
	assert_string_equal(rthc_profile_var(p, "housekeeping_cores"), "0-1,4-15");
	rthc_profile_free(p);
}

static void test_paths_and_etc(void **state)
{
	struct env *e = *state;
	struct rthc_profile *p = NULL;
	char path[PATH_MAX], msg[1024];
	struct rthc_host *h;
	struct rthc_profile_info *v;
	size_t n;

	smt_numa_tree(e->root);
	write_file(e->dir, "realtime.conf", "[main]\nsummary = builtin one\n");
	write_file(e->dir, "other.conf", "[main]\nsummary = other\n");
	write_file(e->root, "/etc/rthostcheck/profiles/realtime.conf", "[main]\nsummary = local one\n");
	assert_int_equal(load(e->root, "realtime", NULL, &p, msg, sizeof(msg)), 0);
	assert_string_equal(p->source, "etc");
	assert_string_equal(rthc_profile_value(p, "main", "summary"), "local one");
	p = rthc_profile_free(p);
	/* A path, including a sibling file by relative path. */
	write_file(e->dir, "sub/parent.txt", "[sysctl]\nvm.swappiness = 1\n");
	write_file(e->dir, "sub/x.conf", "[main]\ninclude = ./parent.txt\n");
	snprintf(path, sizeof(path), "%s/sub/x.conf", e->dir);
	assert_int_equal(load(e->root, path, NULL, &p, msg, sizeof(msg)), 0);
	assert_string_equal(p->source, "file");
	assert_string_equal(rthc_profile_value(p, "sysctl", "vm.swappiness"), "1");
	p = rthc_profile_free(p);
	assert_int_equal(load(e->root, "nosuch", NULL, &p, msg, sizeof(msg)), -ENOENT);
	assert_non_null(strstr(msg, "unknown profile 'nosuch'"));
	/* --list-profiles: the /etc one hides the built-in one. */
	assert_int_equal(rthc_host_new(e->root, &h), 0);
	assert_int_equal(rthc_profile_list(h, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "other");
	assert_string_equal(v[0].source, "builtin");
	assert_string_equal(v[1].name, "realtime");
	assert_string_equal(v[1].source, "etc");
	assert_true(v[1].overridden);
	assert_string_equal(v[1].summary, "local one");
	rthc_profile_infos_free(v, n);
	rthc_host_free(h);
}

static void test_errors(void **state)
{
	struct env *e = *state;
	const char *bad_set[] = {"housekeeping_mask=ff", NULL};
	char want[PATH_MAX + 64];

	smt_numa_tree(e->root);
#define CASE(name, text, msg)                                                                      \
	do {                                                                                       \
		write_file(e->dir, name ".conf", text);                                            \
		snprintf(want, sizeof(want), "%s/%s.conf:%s", e->dir, name, msg);                  \
		expect_error(e->root, name, NULL, want);                                           \
	} while (0)
	CASE("sect", "[main]\nsummary = x\n\n[bogus]\n", "4: unknown section [bogus]");
	CASE("emptysect", "[cpu]\n[sysctl\n", "2: syntax error: missing ']'");
	CASE("key", "[cpu]\ngovernor = performance\nturbo = on\n", "3: unknown key 'turbo' in [cpu]");
	CASE("outside", "x = 1\n", "1: key 'x' outside a section");
	CASE("syntax", "[cpu]\n\ngovernor\n", "3: syntax error");
	CASE("dup", "[cpu]\nsmt = on\nsmt = off\n", "3: duplicate key 'smt' in [cpu] (first set on line 2)");
	CASE("value", "[cpu]\n\nsmt = maybe\n", "3: [cpu] smt: bad value 'maybe' (on or off)");
	CASE("undef", "[sysctl]\nvm.swappiness = ${nope}\n", "2: undefined variable ${nope}");
	CASE("unterm", "[sysctl]\nvm.swappiness = ${nope\n", "2: unterminated '${'");
	CASE("selfref", "[variables]\na = ${b}\nb = ${a}\n", "2: variable 'a' refers to itself");
	CASE("isol", "[variables]\nisolated_cores = 3-x\n", "2: isolated_cores: bad CPU list '3-x'");
	CASE("nohk", "[variables]\nisolated_cores = 0-15\n", "2: isolated_cores leaves no online housekeeping CPU");
	CASE("computed", "[variables]\nhousekeeping_cores = 1\n", "2: 'housekeeping_cores' is computed");
	CASE("irqlist", "[irq]\naffinity = 99-100\n", "2: affinity: bad CPU list '99-100'");
	CASE("hp", "[hugepages]\n3X = 4\n", "2: unknown key '3X' in [hugepages]");
	CASE("hpval", "[hugepages]\n1G.node0 = many\n", "2: [hugepages] 1G.node0: bad value 'many'");
	CASE("hpsize", "[hugepages]\nsize = 3X\nper_node = 2\n", "2: [hugepages] size: bad value '3X' (2M, 1G or NkB)");
	CASE("hpnosize", "[hugepages]\n\nper_node = 2\n", "3: [hugepages] per_node: no size for the pool");
	CASE("hpnodes", "[hugepages]\nnodes = x\n", "2: [hugepages] nodes: bad value 'x' (a node list)");
	CASE("mods", "[modules]\ndisable = ok bad/name\n", "2: disable: bad module name 'bad/name'");
	CASE("mode", "[main]\nmode = both\n", "2: [main] mode: bad value 'both'");
	CASE("cmdsp", "[cmdline]\nfoo = a b\n", "2: [cmdline] foo: bad value 'a b'");
	CASE("sysfs", "[sysfs]\n/proc/x = 1\n", "2: unknown key '/proc/x' in [sysfs]");
	CASE("incvar", "[main]\ninclude = ${x}\n", "2: include cannot use variables");
	CASE("incmiss", "[main]\n\ninclude = missing\n", "3: include 'missing': no such profile");
	/* An include cycle: reported at the include line of the file that closes it. */
	write_file(e->dir, "cyc-a.conf", "[main]\ninclude = cyc-b\n");
	write_file(e->dir, "cyc-b.conf", "[main]\nsummary = b\ninclude = cyc-a\n");
	snprintf(want, sizeof(want), "%s/cyc-b.conf:3: include cycle", e->dir);
	expect_error(e->root, "cyc-a", NULL, want);
	write_file(e->dir, "self.conf", "[main]\ninclude = self\n");
	snprintf(want, sizeof(want), "%s/self.conf:2: include cycle", e->dir);
	expect_error(e->root, "self", NULL, want);
	/* A line too long for inih. */
	{
		char text[400];

		snprintf(text, sizeof(text), "[sysctl]\nvm.x = %0300d\n", 1);
		write_file(e->dir, "long.conf", text);
		snprintf(want, sizeof(want), "%s/long.conf:2: line too long", e->dir);
		expect_error(e->root, "long", NULL, want);
	}
	/* --set of a computed variable. */
	write_file(e->dir, "ok.conf", "[main]\nsummary = ok\n");
	expect_error(e->root, "ok", bad_set, "--set: 'housekeeping_mask' is computed");
#undef CASE
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_builtin_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_builtin_sets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budgets_from_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_builtin_guest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_per_node, setup, teardown),
		cmocka_unit_test_setup_teardown(test_includes_and_vars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths_and_etc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
