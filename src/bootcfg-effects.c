/*
 * Whether the running kernel applied the RT parameters of its command line (see bootcfg.h).
 * Misspelt and unsupported parameters are ignored silently ("Unknown kernel command line
 * parameters ... will be passed to user space"), so each is checked against the interface that
 * shows its effect.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg.h"
#include "cmdline.h"
#include "cpuset.h"
#include "facts.h"
#include "host.h"
#include "strbuf.h"
#include "tasks.h"

struct effects {
	struct rthc_host *h;
	const struct rthc_facts *f;
	const struct rthc_tasks *ts;
	struct rthc_bootcfg_effect_of *v;
	size_t n;
};

void rthc_bootcfg_effects_free(struct rthc_bootcfg_effect_of *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].param);
		free(v[i].seen);
	}
	free(v);
}

static int add(struct effects *e, const struct rthc_cmdline_param *p, enum rthc_bootcfg_effect eff,
	       const char *where, const char *fmt, ...) _printf_format_(5, 6);

static int add(struct effects *e, const struct rthc_cmdline_param *p, enum rthc_bootcfg_effect eff,
	       const char *where, const char *fmt, ...)
{
	struct rthc_bootcfg_effect_of *nv = realloc(e->v, (e->n + 1) * sizeof(*nv));
	struct rthc_strbuf sb;
	va_list ap;
	int r;

	if (!nv)
		return -ENOMEM;
	e->v = nv;
	rthc_strbuf_init(&sb);
	va_start(ap, fmt);
	r = rthc_strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	nv = &e->v[e->n];
	nv->effect = eff;
	nv->where = where;
	nv->seen = NULL;
	if (r >= 0)
		r = rthc_strbuf_steal(&sb, &nv->seen);
	rthc_strbuf_done(&sb);
	if (r >= 0 && asprintf(&nv->param, "%s%s%s", p->key, p->value ? "=" : "",
			       p->value ? p->value : "") < 0)
		r = -ENOMEM;
	if (r < 0) {
		free(nv->seen);
		return r;
	}
	e->n++;
	return 0;
}

static const struct rthc_task *task_of(const struct rthc_tasks *ts, int pid)
{
	for (size_t i = 0; ts && ts->have_pids && i < ts->n; i++)
		if (ts->v[i].pid == pid)
			return &ts->v[i];
	return NULL;
}

/*
 * A CPU list parameter against a set the kernel shows: up to missing_ok of the wanted (possible)
 * CPUs may be absent there; with exact, the kernel's set may hold no other CPU.
 */
static int cpus_effect(struct effects *e, const struct rthc_cmdline_param *p,
		       const struct rthc_cpuset *want, const struct rthc_cpuset *seen,
		       unsigned missing_ok, bool exact, const char *where)
{
	struct rthc_cpuset w = RTHC_CPUSET_INIT, diff = RTHC_CPUSET_INIT;
	_cleanup_free_ char *s = rthc_cpuset_str(seen);
	int r = rthc_cpuset_copy(&w, want);

	if (r >= 0)
		r = rthc_cpuset_copy(&diff, &w);
	if (r >= 0) {
		rthc_cpuset_and(&w, &e->f->topology.possible);
		rthc_cpuset_and(&diff, &e->f->topology.possible);
		rthc_cpuset_andnot(&diff, seen);
		r = add(e, p,
			rthc_cpuset_count(&diff) <= missing_ok &&
					(!exact || rthc_cpuset_subset(seen, &w))
				? RTHC_BOOTCFG_APPLIED
				: RTHC_BOOTCFG_NOT_APPLIED,
			where, "%s", s ? (*s ? s : "none") : "?");
	}
	rthc_cpuset_done(&w);
	rthc_cpuset_done(&diff);
	return r;
}

static bool no_hz_full_missing(const struct rthc_facts *f)
{
	char buf[8];
	bool known;
	const char *v = rthc_facts_kconfig(f, "CONFIG_NO_HZ_FULL", &known, buf, sizeof(buf));

	return known && !(v && streq(v, "y"));
}

static int isolation_effect(struct effects *e, const struct rthc_cmdline_param *p)
{
	const struct rthc_isolation *iso = &e->f->isolation;
	const char *k = p->key;

	if (rthc_cmdline_key_eq(k, "isolcpus")) {
		if (iso->isolcpus.err)
			return add(e, p, RTHC_BOOTCFG_NOT_APPLIED, "/proc/cmdline",
				   "malformed: the kernel ignores it");
		if (!(iso->isolcpus_flags & RTHC_ISOL_DOMAIN))
			return 0; /* nohz/managed_irq only: judged through nohz_full and the IRQ
				     checks */
		if (iso->isolated_effective.state != 1)
			return add(e, p, RTHC_BOOTCFG_UNVERIFIED, iso->isolated_effective.path,
				   "not readable");
		return cpus_effect(e, p, &iso->isolcpus.cpus, &iso->isolated_effective.cpus, 0,
				   false, iso->isolated_effective.path);
	}
	/* nohz_full: the kernel drops the boot CPU, which keeps the tick for timekeeping. */
	if (iso->nohz_full.err)
		return add(e, p, RTHC_BOOTCFG_NOT_APPLIED, "/proc/cmdline",
			   "malformed: the kernel ignores it");
	if (iso->nohz_full_effective.state == 1)
		return cpus_effect(e, p, &iso->nohz_full.cpus, &iso->nohz_full_effective.cpus, 1,
				   true, iso->nohz_full_effective.path);
	if (no_hz_full_missing(e->f))
		return add(e, p, RTHC_BOOTCFG_NOT_APPLIED, iso->nohz_full_effective.path,
			   "absent: the kernel has no CONFIG_NO_HZ_FULL");
	return add(e, p, RTHC_BOOTCFG_UNVERIFIED, iso->nohz_full_effective.path, "absent");
}

static int rcu_nocbs_effect(struct effects *e, const struct rthc_cmdline_param *p)
{
	const struct rthc_isolation *iso = &e->f->isolation;
	struct rthc_cpuset threads = RTHC_CPUSET_INIT;
	int r = 0;

	if (!p->value || !*p->value)
		return 0; /* bare rcu_nocbs: runtime offloading enabled, no CPU offloaded at boot */
	if (iso->rcu_nocbs.err)
		return add(e, p, RTHC_BOOTCFG_NOT_APPLIED, "/proc/cmdline",
			   "malformed: the kernel ignores it");
	if (!e->ts || !e->ts->have_pids)
		return add(e, p, RTHC_BOOTCFG_UNVERIFIED, "/proc/<pid>/stat", "no process list");
	for (size_t i = 0; i < e->ts->n && r >= 0; i++) {
		const char *c = e->ts->v[i].comm;
		char *end;
		long n;

		if (!strneq(c, "rcuop/", 6) && !strneq(c, "rcuos/", 6))
			continue;
		n = strtol(c + 6, &end, 10);
		if (end != c + 6 && !*end && n >= 0)
			r = rthc_cpuset_set(&threads, (unsigned)n);
	}
	if (r >= 0) {
		struct rthc_cpuset want = RTHC_CPUSET_INIT;

		r = rthc_cpuset_copy(&want, &iso->rcu_nocbs.cpus);
		if (r >= 0) {
			rthc_cpuset_and(&want, &e->f->topology.possible);
			rthc_cpuset_and(&threads, &want);
			r = cpus_effect(e, p, &want, &threads, 0, true, "rcuop/N kthreads");
		}
		rthc_cpuset_done(&want);
	}
	rthc_cpuset_done(&threads);
	return r;
}

static int affinity_effect(struct effects *e, const struct rthc_cmdline_param *p, int pid,
			   const char *where)
{
	const struct rthc_task *t = task_of(e->ts, pid);
	struct rthc_cpuset want = RTHC_CPUSET_INIT;
	int r;

	if (!t || !t->has_allowed)
		return add(e, p, RTHC_BOOTCFG_UNVERIFIED, where, "not readable");
	if (!p->value || rthc_cpuset_parse_list(&want, p->value, e->f->topology.nr_cpu_ids) < 0)
		return add(e, p, RTHC_BOOTCFG_NOT_APPLIED, "/proc/cmdline", "malformed");
	r = cpus_effect(e, p, &want, &t->allowed, 0, true, where);
	rthc_cpuset_done(&want);
	return r;
}

static int irqaffinity_effect(struct effects *e, const struct rthc_cmdline_param *p)
{
	const struct rthc_isolation *iso = &e->f->isolation;
	struct rthc_cpuset seen = RTHC_CPUSET_INIT;
	int r;

	if (iso->irqaffinity.err)
		return add(e, p, RTHC_BOOTCFG_NOT_APPLIED, "/proc/cmdline",
			   "malformed: the kernel ignores it");
	r = rthc_host_read_cpumask(e->h, "/proc/irq/default_smp_affinity", &seen);
	if (r < 0)
		r = add(e, p, RTHC_BOOTCFG_UNVERIFIED, "/proc/irq/default_smp_affinity",
			"not readable");
	else
		r = cpus_effect(e, p, &iso->irqaffinity.cpus, &seen, 0, true,
				"/proc/irq/default_smp_affinity");
	rthc_cpuset_done(&seen);
	return r;
}

static bool parse_bool(const char *s, bool *b)
{
	static const char *const yes[] = { "y", "Y", "1", "on", "true", "yes" };
	static const char *const no[] = { "n", "N", "0", "off", "false", "no" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (streq(s, yes[i]))
			return (*b = true);
		if (streq(s, no[i]))
			return !(*b = false);
	}
	return false;
}

static bool parse_ll(const char *s, long long *v)
{
	char *end;

	*v = strtoll(s, &end, 0);
	return end != s && !*end;
}

static bool values_equal(const char *key, const char *want, const char *seen)
{
	long long a, b;
	bool x, y;

	if (streq(want, seen))
		return true;
	if (parse_bool(want, &x) && parse_bool(seen, &y))
		return x == y;
	if (!parse_ll(want, &a) || !parse_ll(seen, &b))
		return false;
	/* rcutree clamps kthread_prio to 0..99, and to >= 2 with RCU_BOOST. */
	if (rthc_cmdline_key_eq(key, "rcutree.kthread_prio"))
		return a == b || (a < 2 && b <= 2 && b >= 0) || (a > 99 && b == 99);
	return a == b;
}

/*
 * A sysfs/sysctl value against the value the parameter implies; where is a static name for path
 * (path itself when it is a literal).
 */
static int value_at(struct effects *e, const struct rthc_cmdline_param *p, const char *path,
		    const char *want, const char *where)
{
	_cleanup_free_ char *s = NULL;
	int r = rthc_host_read_str(e->h, path, &s);

	if (r < 0)
		return add(e, p, RTHC_BOOTCFG_UNVERIFIED, where, "%s not readable", path);
	if (!want) /* "[never]"-style selection lists */
		return add(e, p,
			   strstr(s, "[never]") ? RTHC_BOOTCFG_APPLIED : RTHC_BOOTCFG_NOT_APPLIED,
			   where, "%s", s);
	return add(e, p,
		   values_equal(p->key, want, s) ? RTHC_BOOTCFG_APPLIED : RTHC_BOOTCFG_NOT_APPLIED,
		   where, "%s", s);
}

/* The same for a path that is a string literal (it names itself in the result). */
static int value_effect(struct effects *e, const struct rthc_cmdline_param *p, const char *path,
			const char *want)
{
	return value_at(e, p, path, want, path);
}

static int module_param_effect(struct effects *e, const struct rthc_cmdline_param *p)
{
	static const char *const modules[] = {
		"rcutree", "rcupdate", "intel_idle", "processor", "kvm", "kvm_intel", "kvm_amd",
		"workqueue",
	};
	const char *dot = strchr(p->key, '.');
	char mod[64], path[256];
	size_t ml = dot ? (size_t)(dot - p->key) : 0;
	bool known = false;

	if (!ml || ml >= sizeof(mod))
		return 0;
	for (size_t i = 0; i < ml; i++)
		mod[i] = p->key[i] == '-' ? '_' : p->key[i];
	mod[ml] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(modules); i++)
		known |= streq(mod, modules[i]);
	if (!known)
		return 0;
	if (snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mod, dot + 1) >=
	    (int)sizeof(path))
		return 0;
	for (char *c = path + strlen("/sys/module/") + ml + strlen("/parameters/"); *c; c++)
		if (*c == '-')
			*c = '_';
	if (rthc_host_exists(e->h, path) > 0)
		return value_at(e, p, path, p->value ? p->value : "Y", "/sys/module");
	snprintf(path, sizeof(path), "/sys/module/%s", mod);
	if (rthc_host_is_dir(e->h, path) > 0)
		return add(e, p, RTHC_BOOTCFG_NOT_APPLIED, "/sys/module",
			   "%s has no such parameter", mod);
	return add(e, p, RTHC_BOOTCFG_UNVERIFIED, "/sys/module", "module %s not loaded", mod);
}

static int one(struct effects *e, const struct rthc_cmdline_param *p)
{
	const char *k = p->key, *v = p->value;

	if (rthc_cmdline_key_eq(k, "isolcpus") || rthc_cmdline_key_eq(k, "nohz_full"))
		return isolation_effect(e, p);
	if (rthc_cmdline_key_eq(k, "rcu_nocbs"))
		return rcu_nocbs_effect(e, p);
	if (rthc_cmdline_key_eq(k, "irqaffinity"))
		return irqaffinity_effect(e, p);
	if (rthc_cmdline_key_eq(k, "kthread_cpus"))
		return affinity_effect(e, p, 2, "/proc/2/status Cpus_allowed_list");
	if (rthc_cmdline_key_eq(k, "systemd.cpu_affinity"))
		return affinity_effect(e, p, 1, "/proc/1/status Cpus_allowed_list");
	if (rthc_cmdline_key_eq(k, "nosoftlockup") && !v)
		return value_effect(e, p, "/proc/sys/kernel/soft_watchdog", "0");
	if (rthc_cmdline_key_eq(k, "nowatchdog") && !v)
		return value_effect(e, p, "/proc/sys/kernel/watchdog", "0");
	if (rthc_cmdline_key_eq(k, "nmi_watchdog") && v && streq(v, "0"))
		return value_effect(e, p, "/proc/sys/kernel/nmi_watchdog", "0");
	if (rthc_cmdline_key_eq(k, "mce") && v && streq(v, "ignore_ce"))
		return value_effect(e, p,
				    "/sys/devices/system/machinecheck/machinecheck0/ignore_ce",
				    "1");
	if (rthc_cmdline_key_eq(k, "transparent_hugepage") && v && streq(v, "never"))
		return value_effect(e, p, "/sys/kernel/mm/transparent_hugepage/enabled", NULL);
	if (rthc_cmdline_key_eq(k, "numa_balancing") && v && streq(v, "disable"))
		return value_effect(e, p, "/proc/sys/kernel/numa_balancing", "0");
	if (rthc_cmdline_key_eq(k, "clocksource") && v)
		return value_effect(
			e, p, "/sys/devices/system/clocksource/clocksource0/current_clocksource",
			v);
	if (rthc_cmdline_key_eq(k, "nosmt") && !v) {
		const char *c = e->f->topology.smt_control;

		if (!c)
			return add(e, p, RTHC_BOOTCFG_UNVERIFIED,
				   "/sys/devices/system/cpu/smt/control", "absent");
		return add(e, p, streq(c, "on") ? RTHC_BOOTCFG_NOT_APPLIED : RTHC_BOOTCFG_APPLIED,
			   "/sys/devices/system/cpu/smt/control", "%s", c);
	}
	return module_param_effect(e, p);
}

int rthc_bootcfg_effects(struct rthc_host *h, const struct rthc_facts *f,
			 const struct rthc_tasks *tasks, struct rthc_bootcfg_effect_of **out,
			 size_t *n)
{
	const struct rthc_cmdline *cl = f->kernel.cmdline;
	struct effects e = { .h = h, .f = f, .ts = tasks };
	int r = 0;

	for (size_t i = 0; cl && i < cl->nparams && r >= 0; i++) {
		/* The last occurrence is the one in effect. */
		if (rthc_cmdline_find(cl, cl->params[i].key) != &cl->params[i])
			continue;
		r = one(&e, &cl->params[i]);
	}
	if (r < 0) {
		rthc_bootcfg_effects_free(e.v, e.n);
		return r;
	}
	*out = e.v;
	*n = e.n;
	return 0;
}
