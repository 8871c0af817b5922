/*
 * The isolation sets: what the command line asks for (isolcpus=, nohz_full=, rcu_nocbs=,
 * irqaffinity=), what the running kernel reports (/sys/devices/system/cpu/{isolated,nohz_full},
 * cgroup v2 isolated partitions), and from them ISO, the RT CPU set every check uses, and the
 * housekeeping set. Where the kernel and the command line disagree, the kernel wins.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "facts.h"
#include "host.h"
#include "macro.h"

static void cmdline_list(const struct rthc_cmdline *cl, const char *key, unsigned nbits,
			 bool bare_ok, struct rthc_cmdline_cpus *out)
{
	const char *v = rthc_cmdline_get(cl, key);

	rthc_cpuset_init(&out->cpus);
	if (!v)
		return;
	out->present = true;
	if (!*v && bare_ok)
		return;
	out->err = rthc_cpuset_parse_list(&out->cpus, v, nbits);
}

static void sysfs_list(struct rthc_host *h, const char *path, unsigned nbits, struct rthc_sysfs_cpus *out)
{
	int r;

	rthc_cpuset_init(&out->cpus);
	out->path = path;
	r = rthc_host_read_cpulist(h, path, nbits, &out->cpus);
	out->state = r == 0 ? 1 : r == -ENOENT ? 0 : r;
}

int rthc_facts_gather_isolation(struct rthc_host *h, const struct rthc_kernel_facts *k,
				const struct rthc_topology *t, struct rthc_isolation *iso)
{
	const struct rthc_cmdline *cl = k->cmdline;
	unsigned nbits = t->nr_cpu_ids;
	const char *v;
	int r;

	rthc_cpuset_init(&iso->domain);
	rthc_cpuset_init(&iso->nohz);
	rthc_cpuset_init(&iso->offloaded);
	rthc_cpuset_init(&iso->isolated);
	rthc_cpuset_init(&iso->housekeeping);
	rthc_cpuset_init(&iso->isolcpus.cpus);

	v = rthc_cmdline_get(cl, "isolcpus");
	if (v) {
		iso->isolcpus.present = true;
		iso->isolcpus.err = rthc_cmdline_parse_isolcpus(v, nbits, &iso->isolcpus_flags,
								iso->isolcpus_flag_names, &iso->isolcpus.cpus);
		if (iso->isolcpus.err < 0)
			iso->isolcpus_flags = 0;
	}
	cmdline_list(cl, "nohz_full", nbits, false, &iso->nohz_full);
	/* A bare rcu_nocbs (5.17+) enables runtime offloading without offloading any CPU. */
	cmdline_list(cl, "rcu_nocbs", nbits, true, &iso->rcu_nocbs);
	cmdline_list(cl, "irqaffinity", nbits, false, &iso->irqaffinity);

	sysfs_list(h, "/sys/devices/system/cpu/isolated", nbits, &iso->isolated_effective);
	sysfs_list(h, "/sys/devices/system/cpu/nohz_full", nbits, &iso->nohz_full_effective);
	sysfs_list(h, "/sys/fs/cgroup/cpuset.cpus.isolated", nbits, &iso->cgroup_isolated);

	/* Domain isolation: the kernel's view, else what the command line asked for. */
	if (iso->isolated_effective.state == 1)
		r = rthc_cpuset_copy(&iso->domain, &iso->isolated_effective.cpus);
	else if (iso->isolcpus.present && !iso->isolcpus.err && (iso->isolcpus_flags & RTHC_ISOL_DOMAIN))
		r = rthc_cpuset_copy(&iso->domain, &iso->isolcpus.cpus);
	else
		r = 0;
	if (r < 0)
		return r;

	/* Adaptive ticks: nohz_full= and isolcpus=nohz both feed the kernel's nohz_full mask. */
	if (iso->nohz_full_effective.state == 1) {
		r = rthc_cpuset_copy(&iso->nohz, &iso->nohz_full_effective.cpus);
	} else {
		if (iso->nohz_full.present && !iso->nohz_full.err)
			r = rthc_cpuset_or(&iso->nohz, &iso->nohz_full.cpus);
		if (r >= 0 && iso->isolcpus.present && !iso->isolcpus.err &&
		    (iso->isolcpus_flags & RTHC_ISOL_NOHZ))
			r = rthc_cpuset_or(&iso->nohz, &iso->isolcpus.cpus);
	}
	if (r < 0)
		return r;

	r = rthc_cpuset_copy(&iso->offloaded, &iso->nohz);
	if (r >= 0 && iso->rcu_nocbs.present && !iso->rcu_nocbs.err)
		r = rthc_cpuset_or(&iso->offloaded, &iso->rcu_nocbs.cpus);
	if (r < 0)
		return r;

	r = rthc_cpuset_copy(&iso->isolated, &iso->domain);
	if (r >= 0)
		r = rthc_cpuset_or(&iso->isolated, &iso->nohz);
	if (r >= 0 && iso->cgroup_isolated.state == 1)
		r = rthc_cpuset_or(&iso->isolated, &iso->cgroup_isolated.cpus);
	if (r < 0)
		return r;
	rthc_cpuset_and(&iso->isolated, &t->possible);

	if (rthc_cpuset_empty(&iso->isolated))
		iso->isolated_source = "none";
	else if (iso->isolated_effective.state == 1 || iso->nohz_full_effective.state == 1)
		iso->isolated_source = "sysfs";
	else
		iso->isolated_source = "cmdline";

	r = rthc_cpuset_copy(&iso->housekeeping, &t->online);
	if (r >= 0)
		rthc_cpuset_andnot(&iso->housekeeping, &iso->isolated);
	return r;
}

int rthc_facts_override_isolated(struct rthc_facts *f, const struct rthc_cpuset *iso)
{
	int r = rthc_cpuset_copy(&f->isolation.isolated, iso);

	if (r < 0)
		return r;
	f->isolation.isolated_source = "override";
	r = rthc_cpuset_copy(&f->isolation.housekeeping, &f->topology.online);
	if (r >= 0)
		rthc_cpuset_andnot(&f->isolation.housekeeping, &f->isolation.isolated);
	return r;
}
