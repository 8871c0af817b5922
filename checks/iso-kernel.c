/* The kernel's view of the isolation parameters (see iso-kernel.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iso-kernel.h"
#include "util.h"

/* A sysfs CPU list that is present must be well-formed and end with the kernel's newline. */
static int sysfs_list_ok(struct rthc_host *h, const struct rthc_sysfs_cpus *s)
{
	_cleanup_free_ char *raw = NULL;
	size_t len = 0;
	int err;

	if (s->state < 0)
		return s->state;
	if (s->state == 0)
		return 0;
	err = rthc_host_read_file(h, s->path, &raw, &len);
	if (err < 0)
		return err;
	return len == 0 ? -ENODATA : 0;
}

static bool online_file(const char *path)
{
	static const char *const lists[] = {
		"/sys/devices/system/cpu/possible",
		"/sys/devices/system/cpu/present",
		"/sys/devices/system/cpu/online",
	};
	size_t len = path ? strlen(path) : 0;

	for (size_t i = 0; path && i < ARRAY_SIZE(lists); i++)
		if (streq(path, lists[i]))
			return true;
	return len > 7 && streq(path + len - 7, "/online");
}

bool rthc_iso_inputs_ok(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	const struct rthc_sysfs_cpus *files[] = {
		&iso->isolated_effective, &iso->nohz_full_effective, &iso->cgroup_isolated,
	};

	if (f->topology.err.err) {
		rthc_result_error(r, f->topology.err.err, f->topology.err.path);
		return false;
	}
	/* A bad possible/present/online list would make the housekeeping set up. */
	if (f->topology.bad.err && online_file(f->topology.bad.path)) {
		rthc_result_error(r, f->topology.bad.err, f->topology.bad.path);
		return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		int err = sysfs_list_ok(ctx->host, files[i]);

		if (err < 0) {
			rthc_result_error(r, err, files[i]->path);
			return false;
		}
	}
	/* The command line decides what a missing sysfs file would have said. */
	if ((iso->isolated_effective.state == 0 || iso->nohz_full_effective.state == 0) &&
	    !rthc_check_cmdline(ctx, r))
		return false;
	return true;
}

static int kconfig_is(const struct rthc_facts *f, const char *option)
{
	char buf[16];
	bool known;
	const char *v = rthc_facts_kconfig(f, option, &known, buf, sizeof(buf));

	if (!known)
		return -1;
	return v && streq(v, "y");
}

bool rthc_iso_boot_cpu_dropped(const struct rthc_facts *f)
{
	int sleep = kconfig_is(f, "CONFIG_PM_SLEEP_SMP");

	return sleep != 0 && kconfig_is(f, "CONFIG_PM_SLEEP_SMP_NONZERO_CPU") != 1;
}

int rthc_iso_nohz_supported(const struct rthc_facts *f)
{
	const struct rthc_isolation *iso = &f->isolation;
	int cfg;

	if (iso->nohz_full_effective.state == 1)
		return 1;
	cfg = kconfig_is(f, "CONFIG_NO_HZ_FULL");
	if (cfg >= 0)
		return cfg;
	/* drivers/base/cpu.c creates nohz_full next to isolated only with CONFIG_NO_HZ_FULL. */
	if (iso->isolated_effective.state == 1)
		return 0;
	return -1;
}

int rthc_iso_nohz(const struct rthc_facts *f, struct rthc_cpuset *out)
{
	const struct rthc_isolation *iso = &f->isolation;
	int r;

	rthc_cpuset_zero(out);
	if (iso->nohz_full_effective.state == 1)
		return rthc_cpuset_copy(out, &iso->nohz_full_effective.cpus);
	if (rthc_iso_nohz_supported(f) == 0)
		return 0;
	r = rthc_cpuset_copy(out, &iso->nohz);
	if (r < 0)
		return r;
	if (rthc_iso_boot_cpu_dropped(f))
		rthc_cpuset_clear(out, 0);
	rthc_cpuset_and(out, &f->topology.possible);
	return 0;
}

int rthc_iso_offloaded(const struct rthc_facts *f, struct rthc_cpuset *out, const char **how)
{
	const struct rthc_isolation *iso = &f->isolation;
	const char *rule = NULL;
	int r;

	rthc_cpuset_zero(out);
	if (kconfig_is(f, "CONFIG_RCU_NOCB_CPU") == 0) {
		rule = "the kernel is built without CONFIG_RCU_NOCB_CPU";
		r = 0;
	} else if (iso->rcu_nocbs.present && iso->rcu_nocbs.err) {
		rule = "rcu_nocbs= is malformed, so the kernel offloads every CPU";
		r = rthc_cpuset_copy(out, &f->topology.possible);
	} else {
		r = rthc_iso_nohz(f, out);
		if (r >= 0 && iso->rcu_nocbs.present)
			r = rthc_cpuset_or(out, &iso->rcu_nocbs.cpus);
		if (r >= 0 && !iso->rcu_nocbs.present && rthc_cpuset_empty(out) &&
		    kconfig_is(f, "CONFIG_RCU_NOCB_CPU_DEFAULT_ALL") == 1) {
			rule = "CONFIG_RCU_NOCB_CPU_DEFAULT_ALL offloads every CPU";
			r = rthc_cpuset_copy(out, &f->topology.possible);
		}
	}
	if (r < 0)
		return r;
	rthc_cpuset_and(out, &f->topology.possible);
	if (how)
		*how = rule;
	return 0;
}

int rthc_iso_boot_core(const struct rthc_facts *f, struct rthc_cpuset *out)
{
	const struct rthc_cpu *c0 = rthc_facts_cpu(f, 0);

	rthc_cpuset_zero(out);
	if (!c0)
		return 0;
	if (c0->has_siblings)
		return rthc_cpuset_copy(out, &c0->siblings);
	return rthc_cpuset_set(out, 0);
}

/* Remove the first online CPU of set and its SMT siblings from out. */
static void drop_first_core(const struct rthc_facts *f, const struct rthc_cpuset *set,
			    struct rthc_cpuset *out)
{
	const struct rthc_cpu *cpu;
	int c;

	rthc_cpuset_foreach(c, set) {
		if (rthc_cpuset_test(&f->topology.online, (unsigned)c))
			break;
	}
	if (c < 0)
		return;
	cpu = rthc_facts_cpu(f, (unsigned)c);
	rthc_cpuset_clear(out, (unsigned)c);
	if (cpu && cpu->has_siblings)
		rthc_cpuset_andnot(out, &cpu->siblings);
}

int rthc_iso_reserve_hk(const struct rthc_facts *f, const struct rthc_cpuset *base,
			struct rthc_cpuset *out)
{
	const struct rthc_topology *t = &f->topology;
	bool any_node = false;
	int r = rthc_cpuset_copy(out, base ? base : &t->online);

	if (r < 0)
		return r;
	for (size_t n = 0; n < t->nnodes; n++) {
		if (!rthc_cpuset_intersects(&t->nodes[n].cpus, &t->online))
			continue;
		drop_first_core(f, &t->nodes[n].cpus, out);
		any_node = true;
	}
	if (!any_node)
		drop_first_core(f, &t->online, out);
	return 0;
}

static bool kernel_at_least(const struct rthc_facts *f, int major, int minor)
{
	const struct rthc_kernel_facts *k = &f->kernel;

	return k->major < 0 || k->major > major || (k->major == major && k->minor >= minor);
}

bool rthc_iso_has_managed_irq(const struct rthc_facts *f)
{
	return kernel_at_least(f, 5, 6);
}

char *rthc_iso_isolcpus_value(const struct rthc_facts *f, const struct rthc_cpuset *cpus,
			      unsigned flags)
{
	const struct rthc_isolation *iso = &f->isolation;
	_cleanup_free_ char *list = rthc_iso_list_or_placeholder(cpus);
	char *v;

	if (iso->isolcpus.present && !iso->isolcpus.err)
		flags |= iso->isolcpus_flags & RTHC_ISOL_NOHZ;
	if (!kernel_at_least(f, 4, 15))
		flags = 0;
	if (!rthc_iso_has_managed_irq(f))
		flags &= ~RTHC_ISOL_MANAGED_IRQ;
	if (!list || asprintf(&v, "%s%s%s%s", flags & RTHC_ISOL_NOHZ ? "nohz," : "",
			      flags & RTHC_ISOL_MANAGED_IRQ ? "managed_irq," : "",
			      flags & RTHC_ISOL_DOMAIN ? "domain," : "", list) < 0)
		return NULL;
	return v;
}

char *rthc_iso_list_or_placeholder(const struct rthc_cpuset *cpus)
{
	return rthc_cpuset_empty(cpus) ? strdup("<isolated-cpus>") : rthc_cpuset_str(cpus);
}

int rthc_iso_sibling_error(struct rthc_ctx *ctx, char *path, size_t size)
{
	static const char *const files[] = {"thread_siblings_list", "core_cpus_list",
					    "thread_siblings"};
	const struct rthc_facts *f = ctx->facts;
	_cleanup_cpuset_ struct rthc_cpuset tmp = RTHC_CPUSET_INIT;
	int c;

	rthc_cpuset_foreach(c, &f->isolation.isolated) {
		const struct rthc_cpu *cpu = rthc_facts_cpu(f, (unsigned)c);
		int err = -ENOENT;

		if (!cpu || !cpu->online || (cpu->has_siblings && cpu->siblings_err == 0))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(files) && err == -ENOENT; i++) {
			snprintf(path, size, "/sys/devices/system/cpu/cpu%d/topology/%s", c,
				 files[i]);
			err = i < 2 ? rthc_host_read_cpulist(ctx->host, path, 0, &tmp)
				    : rthc_host_read_cpumask(ctx->host, path, &tmp);
			if (err == 0)
				err = -ENODATA; /* read fine, yet no sibling: empty list */
		}
		if (err == -ENOENT)
			snprintf(path, size, "/sys/devices/system/cpu/cpu%d/topology/%s", c,
				 files[0]);
		return err;
	}
	return 0;
}
