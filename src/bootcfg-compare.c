/* Comparing the RT-relevant parameters of two kernel command lines (see bootcfg.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg.h"
#include "cmdline.h"
#include "cpuset.h"
#include "strbuf.h"

enum kind {
	K_PLAIN, /* last occurrence wins */
	K_CPUS, /* a cpulist, compared canonically */
	K_ISOLCPUS, /* flags + cpulist */
	K_ALL, /* every occurrence counts, in order (mce=, hugepage parameters) */
};

struct rt_key {
	const char *name;
	enum kind kind;
	const char *const *also; /* further names that belong to the same ordered sequence */
	const char *dflt; /* the kernel's default as written ("nohz=on"): same as absent */
};

static const char *const hugepage_seq[] = { "hugepagesz", "default_hugepagesz", NULL };

/* The boot parameters the RT checks of this tool judge. */
static const struct rt_key rt_keys[] = {
	{ "isolcpus", K_ISOLCPUS, NULL },
	{ "nohz_full", K_CPUS, NULL },
	{ "nohz", K_PLAIN, NULL, "nohz=on" },
	{ "rcu_nocbs", K_CPUS, NULL },
	{ "rcu_nocb_poll", K_PLAIN, NULL },
	{ "irqaffinity", K_CPUS, NULL },
	{ "kthread_cpus", K_CPUS, NULL },
	{ "skew_tick", K_PLAIN, NULL },
	{ "tsc", K_PLAIN, NULL },
	{ "clocksource", K_PLAIN, NULL },
	{ "nosoftlockup", K_PLAIN, NULL },
	{ "nowatchdog", K_PLAIN, NULL },
	{ "nmi_watchdog", K_PLAIN, NULL },
	{ "mce", K_ALL, NULL },
	{ "audit", K_PLAIN, NULL },
	{ "intel_pstate", K_PLAIN, NULL },
	{ "amd_pstate", K_PLAIN, NULL },
	{ "intel_idle.max_cstate", K_PLAIN, NULL },
	{ "processor.max_cstate", K_PLAIN, NULL },
	{ "idle", K_PLAIN, NULL },
	{ "cpuidle.off", K_PLAIN, NULL },
	{ "hugepages", K_ALL, hugepage_seq },
	{ "transparent_hugepage", K_PLAIN, NULL },
	{ "intel_iommu", K_PLAIN, NULL },
	{ "amd_iommu", K_PLAIN, NULL },
	{ "iommu", K_PLAIN, NULL },
	{ "nosmt", K_PLAIN, NULL },
	{ "preempt", K_PLAIN, NULL },
	{ "numa_balancing", K_PLAIN, NULL },
	{ "systemd.cpu_affinity", K_CPUS, NULL },
	{ "tuned.non_isolcpus", K_PLAIN, NULL },
	{ "rcutree.kthread_prio", K_PLAIN, NULL },
	{ "rcupdate.rcu_normal_after_boot", K_PLAIN, NULL },
	{ "rcupdate.rcu_expedited", K_PLAIN, NULL },
	{ "rcutree.nohz_full_patience_delay", K_PLAIN, NULL },
	{ "rt_group_sched", K_PLAIN, NULL },
};

static bool key_in(const struct rt_key *k, const char *key)
{
	if (rthc_cmdline_key_eq(key, k->name))
		return true;
	for (const char *const *a = k->also; a && *a; a++)
		if (rthc_cmdline_key_eq(key, *a))
			return true;
	return false;
}

static int put_param(struct rthc_strbuf *sb, const struct rthc_cmdline_param *p)
{
	int r = sb->len ? rthc_strbuf_putc(sb, ' ') : 0;

	if (r >= 0)
		r = rthc_strbuf_puts(sb, p->key);
	if (r >= 0 && p->value)
		r = rthc_strbuf_printf(sb, "=%s", p->value);
	return r;
}

/* The key's canonical form (for comparing) and how it is written (for the report). */
static int key_value(const struct rthc_cmdline *cl, const struct rt_key *k, char **canon,
		     char **shown)
{
	const struct rthc_cmdline_param *last = NULL;
	struct rthc_strbuf sb;
	struct rthc_cpuset set = RTHC_CPUSET_INIT;
	char *list = NULL;
	unsigned flags = 0;
	int r = 0;

	*canon = *shown = NULL;
	rthc_strbuf_init(&sb);
	for (size_t i = 0; i < cl->nparams && r >= 0; i++) {
		if (!key_in(k, cl->params[i].key))
			continue;
		last = &cl->params[i];
		if (k->kind == K_ALL)
			r = put_param(&sb, last);
	}
	if (r < 0 || !last)
		goto out;
	if (k->kind != K_ALL)
		r = put_param(&sb, last);
	if (r < 0)
		goto out;
	r = rthc_strbuf_steal(&sb, shown);
	if (r < 0)
		goto out;
	if (k->kind == K_CPUS && last->value && rthc_cpuset_parse_list(&set, last->value, 0) == 0)
		r = rthc_cpuset_format_list(&set, &list);
	else if (k->kind == K_ISOLCPUS && last->value &&
		 rthc_cmdline_parse_isolcpus(last->value, 0, &flags, NULL, &set) == 0)
		r = rthc_cpuset_format_list(&set, &list);
	if (r >= 0 && list) {
		r = rthc_strbuf_printf(&sb, "%u:%s", flags, list);
		if (r >= 0)
			r = rthc_strbuf_steal(&sb, canon);
	} else if (r >= 0) {
		*canon = strdup(*shown);
		if (!*canon)
			r = -ENOMEM;
	}
out:
	free(list);
	rthc_cpuset_done(&set);
	rthc_strbuf_done(&sb);
	if (r < 0) {
		free(*canon);
		free(*shown);
		*canon = *shown = NULL;
	}
	return r;
}

static bool same_value(const struct rt_key *k, const char *a, const char *b)
{
	if (!a || !b)
		return a == b || (k->dflt && streq(a ? a : b, k->dflt));
	return streq(a, b);
}

void rthc_bootcfg_diffs_free(struct rthc_bootcfg_diff *diffs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(diffs[i].running);
		free(diffs[i].next);
	}
	free(diffs);
}

int rthc_bootcfg_compare(const struct rthc_cmdline *running, const struct rthc_cmdline *next,
			 const struct rthc_cmdline *only_in, struct rthc_bootcfg_diff **diffs,
			 size_t *ndiffs)
{
	struct rthc_bootcfg_diff *v = NULL;
	size_t n = 0;
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(rt_keys) && r >= 0; i++) {
		const struct rt_key *k = &rt_keys[i];
		char *rc = NULL, *rs = NULL, *nc = NULL, *ns = NULL, *oc = NULL, *os = NULL;

		if (only_in) {
			r = key_value(only_in, k, &oc, &os);
			free(oc);
			free(os);
			if (r < 0 || !os)
				continue;
		}
		r = key_value(running, k, &rc, &rs);
		if (r >= 0)
			r = key_value(next, k, &nc, &ns);
		if (r >= 0 && !same_value(k, rc, nc)) {
			struct rthc_bootcfg_diff *nv = realloc(v, (n + 1) * sizeof(*nv));

			if (!nv) {
				r = -ENOMEM;
			} else {
				v = nv;
				v[n].key = k->name;
				v[n].running = TAKE_PTR(rs);
				v[n].next = TAKE_PTR(ns);
				n++;
			}
		}
		free(rc);
		free(rs);
		free(nc);
		free(ns);
	}
	if (r < 0) {
		rthc_bootcfg_diffs_free(v, n);
		return r;
	}
	*diffs = v;
	*ndiffs = n;
	return 0;
}
