/*
 * [irq]: the default affinity of new IRQs (/proc/irq/default_smp_affinity, a hex mask) and the
 * affinity of every existing IRQ that reaches outside the given CPUs. A managed IRQ refuses the
 * write with EIO: that is reported (see irq.managed), not treated as a failure.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "cpuset.h"
#include "facts.h"
#include "host.h"
#include "plan.h"
#include "profile.h"

static bool numeric(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static int plan_default(struct rthc_apply_ctx *a, const struct rthc_cpuset *set)
{
	_cleanup_free_ char *mask = NULL;
	int r = rthc_cpuset_format_mask(set, a->f->topology.nr_cpu_ids, &mask);

	if (r < 0)
		return r;
	return rthc_plan_attr(a, "irq:default_smp_affinity", "cmdline.irqaffinity xcheck.irqaffinity_complement",
			      "irq", "/proc/irq/default_smp_affinity", RTHC_FORM_MASK, mask, 0);
}

static int plan_irqs(struct rthc_apply_ctx *a, const struct rthc_cpuset *set)
{
	_cleanup_free_ char *list = NULL;
	char **names = NULL;
	int r = rthc_cpuset_format_list(set, &list);

	if (r < 0)
		return r;
	r = rthc_host_list_dir(a->h, "/proc/irq", &names, NULL);
	if (r < 0) {
		rthc_plan_note(a->plan, "/proc/irq: %s, IRQ affinities not changed", strerror(-r));
		return r == -ENOMEM ? r : 0;
	}
	for (size_t i = 0; names[i] && r == 0; i++) {
		struct rthc_cpuset cur = RTHC_CPUSET_INIT;
		char path[64], id[64];

		if (!numeric(names[i]))
			continue;
		snprintf(path, sizeof(path), "/proc/irq/%s/smp_affinity_list", names[i]);
		if (rthc_host_read_cpulist(a->h, path, 0, &cur) == 0 && rthc_cpuset_subset(&cur, set)) {
			rthc_cpuset_done(&cur);
			continue; /* already off the isolated CPUs */
		}
		rthc_cpuset_done(&cur);
		snprintf(id, sizeof(id), "irq:%s", names[i]);
		r = rthc_plan_attr(a, id, "irq.affinity xcheck.irq_vs_iso irq.threads", "irq", path,
				   RTHC_FORM_CPULIST, list, RTHC_CHG_TOLERATE_EIO);
	}
	rthc_strv_free(names);
	return r;
}

static int plan_irq(struct rthc_apply_ctx *a)
{
	const char *def = rthc_profile_value(a->p, "irq", "default_affinity");
	const char *all = rthc_profile_value(a->p, "irq", "affinity");
	struct rthc_cpuset set = RTHC_CPUSET_INIT;
	int r = 0;

	if (def) {
		r = rthc_cpuset_parse_list(&set, def, a->p->nr_cpu_ids);
		if (r == 0)
			r = plan_default(a, &set);
	}
	if (r == 0 && all) {
		r = rthc_cpuset_parse_list(&set, all, a->p->nr_cpu_ids);
		if (r == 0)
			r = plan_irqs(a, &set);
	}
	rthc_cpuset_done(&set);
	return r;
}

const struct rthc_applier rthc_applier_irq = {"irq", plan_irq};
