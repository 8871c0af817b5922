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

/* The last occurrence of a CPU-list parameter; a bare one is an error unless bare_ok. */
static void cmdline_list(const struct rthc_cmdline *cl, const char *key, unsigned nbits,
			 bool bare_ok, struct rthc_cmdline_cpus *out)
{
	const struct rthc_cmdline_param *p = rthc_cmdline_find(cl, key);

	rthc_cpuset_init(&out->cpus);
	if (!p)
		return;
	out->present = true;
	if (!p->value)
		out->err = bare_ok ? 0 : -EINVAL; /* __setup("irqaffinity=") needs the '=' */
	else
		out->err = rthc_cpuset_parse_list(&out->cpus, p->value, nbits);
}

static void sysfs_list(struct rthc_host *h, const char *path, unsigned nbits, struct rthc_sysfs_cpus *out)
{
	int r;

	rthc_cpuset_init(&out->cpus);
	out->path = path;
	r = rthc_host_read_cpulist(h, path, nbits, &out->cpus);
	out->state = r == 0 ? 1 : r == -ENOENT ? 0 : r;
}

/*
 * kernel/sched/isolation.c housekeeping_setup(), called for every isolcpus= and nohz_full= in
 * command-line order: the first call sets the non-housekeeping set of each of its flags; a later
 * call whose flags were set already must name the same CPUs ("nohz_full= must match isolcpus=")
 * or the kernel ignores it whole; its new flags are added. Parsing is done by the caller.
 */
struct hk_model {
	unsigned flags;
	struct rthc_cpuset set[3]; /* RTHC_ISOL_NOHZ, _DOMAIN, _MANAGED_IRQ */
};

static int hk_setup(struct hk_model *m, const struct rthc_topology *t, unsigned flags,
		    struct rthc_cpuset *cpus, bool *applied)
{
	struct rthc_cpuset keep = RTHC_CPUSET_INIT;
	int r;

	*applied = false;
	/* A present CPU must stay housekeeping: else the boot CPU (the first present) does. */
	r = rthc_cpuset_copy(&keep, &t->present);
	if (r < 0)
		return r;
	rthc_cpuset_andnot(&keep, cpus);
	if (rthc_cpuset_empty(&keep) && !rthc_cpuset_empty(&t->present))
		rthc_cpuset_clear(cpus, (unsigned)rthc_cpuset_first(&t->present));
	rthc_cpuset_done(&keep);
	rthc_cpuset_and(cpus, &t->possible);
	if (rthc_cpuset_empty(cpus))
		return 0;
	for (unsigned b = 0; b < 3; b++)
		if ((flags & m->flags & (1u << b)) && !rthc_cpuset_equal(&m->set[b], cpus))
			return 0;
	for (unsigned b = 0; b < 3; b++)
		if ((flags & ~m->flags & (1u << b)) && (r = rthc_cpuset_copy(&m->set[b], cpus)) < 0)
			return r;
	m->flags |= flags;
	*applied = true;
	return 0;
}

/* Merge flag names (static strings) into a NULL-terminated list of at most 3. */
static void merge_names(const char **dst, const char *const *src)
{
	size_t n = 0;

	while (dst[n])
		n++;
	for (; *src && n < 3; src++) {
		bool dup = false;

		for (size_t i = 0; i < n; i++)
			dup = dup || streq(dst[i], *src);
		if (!dup)
			dst[n++] = *src;
	}
	dst[n] = NULL;
}

/*
 * isolcpus= and nohz_full= as the kernel applies them. iso->isolcpus and iso->nohz_full show the
 * first well-formed occurrence (the kernel's first call wins; a later isolcpus= with the same
 * CPUs adds its flags), else the first malformed one with its error; `refused` marks a parameter
 * of which the kernel ignored an occurrence because it named other CPUs than an earlier one.
 */
static int housekeeping(const struct rthc_cmdline *cl, const struct rthc_topology *t,
			struct rthc_isolation *iso, struct hk_model *m)
{
	bool shown[2] = {false, false}; /* a well-formed isolcpus= / nohz_full= is shown */
	int r = 0;

	for (size_t i = 0; cl && i < cl->nparams && r >= 0; i++) {
		const struct rthc_cmdline_param *p = &cl->params[i];
		struct rthc_cpuset cpus = RTHC_CPUSET_INIT;
		const char *names[4] = {NULL};
		bool is_iso = rthc_cmdline_key_eq(p->key, "isolcpus"), applied = false;
		struct rthc_cmdline_cpus *out = is_iso ? &iso->isolcpus : &iso->nohz_full;
		unsigned flags = RTHC_ISOL_NOHZ;
		bool first;
		int err;

		if (!is_iso && !rthc_cmdline_key_eq(p->key, "nohz_full"))
			continue;
		out->present = true;
		if (!p->value) /* __setup("isolcpus=") and ("nohz_full=") need the '=' */
			err = -EINVAL;
		else if (is_iso)
			err = rthc_cmdline_parse_isolcpus(p->value, t->nr_cpu_ids, &flags, names,
							  &cpus);
		else
			err = rthc_cpuset_parse_list(&cpus, p->value, t->nr_cpu_ids);
		if (err < 0) {
			if (!shown[is_iso])
				out->err = err; /* nothing well-formed yet: show this error */
			if (err == -ENOMEM)
				r = err;
			rthc_cpuset_done(&cpus);
			continue;
		}
		first = !shown[is_iso];
		if (first) {
			shown[is_iso] = true;
			out->err = 0;
			r = rthc_cpuset_copy(&out->cpus, &cpus);
			if (is_iso) {
				iso->isolcpus_flags = flags;
				iso->isolcpus_flag_names[0] = NULL;
				merge_names(iso->isolcpus_flag_names, names);
			}
		}
		if (r >= 0)
			r = hk_setup(m, t, flags, &cpus, &applied);
		if (r >= 0 && !applied && !rthc_cpuset_empty(&cpus)) {
			out->refused = true;
		} else if (r >= 0 && applied && is_iso && !first) {
			iso->isolcpus_flags |= flags;
			merge_names(iso->isolcpus_flag_names, names);
		}
		rthc_cpuset_done(&cpus);
	}
	return r;
}

int rthc_facts_gather_isolation(struct rthc_host *h, const struct rthc_kernel_facts *k,
				const struct rthc_topology *t, struct rthc_isolation *iso)
{
	const struct rthc_cmdline *cl = k->cmdline;
	unsigned nbits = t->nr_cpu_ids;
	struct hk_model m = {0};
	int r;

	rthc_cpuset_init(&iso->domain);
	rthc_cpuset_init(&iso->nohz);
	rthc_cpuset_init(&iso->offloaded);
	rthc_cpuset_init(&iso->isolated);
	rthc_cpuset_init(&iso->housekeeping);
	rthc_cpuset_init(&iso->isolcpus.cpus);
	rthc_cpuset_init(&iso->nohz_full.cpus);
	for (unsigned b = 0; b < 3; b++)
		rthc_cpuset_init(&m.set[b]);

	r = housekeeping(cl, t, iso, &m);
	if (r < 0)
		goto out;
	/* A bare rcu_nocbs (5.17+) enables runtime offloading without offloading any CPU. */
	cmdline_list(cl, "rcu_nocbs", nbits, true, &iso->rcu_nocbs);
	cmdline_list(cl, "irqaffinity", nbits, false, &iso->irqaffinity);

	sysfs_list(h, "/sys/devices/system/cpu/isolated", nbits, &iso->isolated_effective);
	sysfs_list(h, "/sys/devices/system/cpu/nohz_full", nbits, &iso->nohz_full_effective);
	sysfs_list(h, "/sys/fs/cgroup/cpuset.cpus.isolated", nbits, &iso->cgroup_isolated);

	/* Domain isolation: the kernel's view, else what the command line makes the kernel do. */
	if (iso->isolated_effective.state == 1)
		r = rthc_cpuset_copy(&iso->domain, &iso->isolated_effective.cpus);
	else if (m.flags & RTHC_ISOL_DOMAIN)
		r = rthc_cpuset_copy(&iso->domain, &m.set[1]);
	if (r < 0)
		goto out;

	/* Adaptive ticks: nohz_full= and isolcpus=nohz both set the kernel's nohz_full mask. */
	if (iso->nohz_full_effective.state == 1)
		r = rthc_cpuset_copy(&iso->nohz, &iso->nohz_full_effective.cpus);
	else if (m.flags & RTHC_ISOL_NOHZ)
		r = rthc_cpuset_copy(&iso->nohz, &m.set[0]);
	if (r < 0)
		goto out;

	r = rthc_cpuset_copy(&iso->offloaded, &iso->nohz);
	if (r >= 0 && iso->rcu_nocbs.present && !iso->rcu_nocbs.err)
		r = rthc_cpuset_or(&iso->offloaded, &iso->rcu_nocbs.cpus);
	if (r < 0)
		goto out;

	r = rthc_cpuset_copy(&iso->isolated, &iso->domain);
	if (r >= 0)
		r = rthc_cpuset_or(&iso->isolated, &iso->nohz);
	if (r >= 0 && iso->cgroup_isolated.state == 1)
		r = rthc_cpuset_or(&iso->isolated, &iso->cgroup_isolated.cpus);
	if (r < 0)
		goto out;
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
out:
	for (unsigned b = 0; b < 3; b++)
		rthc_cpuset_done(&m.set[b]);
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
