/* Host facts: gathering, kernel facts and lookups (see facts.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "facts.h"
#include "host.h"
#include "macro.h"
#include "tasks.h"

void rthc_fact_err_set(struct rthc_fact_err *e, int err, const char *path)
{
	free(e->path);
	e->err = err;
	e->path = path ? strdup(path) : NULL;
}

void rthc_fact_err_done(struct rthc_fact_err *e)
{
	free(e->path);
	e->path = NULL;
	e->err = 0;
}

const char *rthc_preempt_model_to_string(enum rthc_preempt_model m)
{
	static const char *const names[_RTHC_PREEMPT_MAX] = {
		[RTHC_PREEMPT_UNKNOWN] = "unknown", [RTHC_PREEMPT_NONE] = "none",
		[RTHC_PREEMPT_VOLUNTARY] = "voluntary", [RTHC_PREEMPT_FULL] = "full",
		[RTHC_PREEMPT_RT] = "rt",
	};
	return (unsigned)m < _RTHC_PREEMPT_MAX ? names[m] : "unknown";
}

const char *rthc_hypervisor_to_string(enum rthc_hypervisor hv)
{
	static const char *const names[_RTHC_HV_MAX] = {
		[RTHC_HV_NONE] = "none", [RTHC_HV_KVM] = "kvm", [RTHC_HV_XEN] = "xen",
		[RTHC_HV_VMWARE] = "vmware", [RTHC_HV_HYPERV] = "hyperv", [RTHC_HV_OTHER] = "other",
		[RTHC_HV_UNKNOWN] = "unknown",
	};
	return (unsigned)hv < _RTHC_HV_MAX ? names[hv] : "unknown";
}

/* Does the uname -v string carry a PREEMPT_RT marker ("PREEMPT_RT", older "PREEMPT RT")? */
static bool version_says_rt(const char *v)
{
	return strstr(v, "PREEMPT_RT") || strstr(v, "PREEMPT RT");
}

static enum rthc_preempt_model model_from_version(const char *v)
{
	if (version_says_rt(v))
		return RTHC_PREEMPT_RT;
	if (strstr(v, "PREEMPT_DYNAMIC"))
		return RTHC_PREEMPT_UNKNOWN; /* selected at boot: see the preempt= parameter */
	if (strstr(v, "PREEMPT"))
		return RTHC_PREEMPT_FULL;
	return RTHC_PREEMPT_UNKNOWN;
}

static void load_config(struct rthc_host *h, struct rthc_kernel_facts *k)
{
	char path[512];
	size_t len;

	if (k->release) {
		snprintf(path, sizeof(path), "/boot/config-%s", k->release);
		if (rthc_host_read_file(h, path, &k->config, &len) == 0) {
			k->config_path = strdup(path);
			return;
		}
	}
	if (rthc_host_read_gz(h, "/proc/config.gz", &k->config, &len) == 0)
		k->config_path = strdup("/proc/config.gz");
}

static const char *config_lookup(const char *config, const char *option, char *buf, size_t bufsz)
{
	size_t ol = strlen(option);

	for (const char *p = config; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > ol && strneq(p, option, ol) && p[ol] == '=') {
			size_t vl = len - ol - 1;
			const char *v = p + ol + 1;

			if (vl > 1 && v[0] == '"' && v[vl - 1] == '"') {
				v++;
				vl -= 2;
			}
			if (vl >= bufsz)
				vl = bufsz - 1;
			memcpy(buf, v, vl);
			buf[vl] = '\0';
			return buf;
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

const char *rthc_facts_kconfig(const struct rthc_facts *f, const char *option, bool *known, char *buf,
			       size_t bufsz)
{
	*known = f->kernel.config != NULL;
	if (!f->kernel.config)
		return NULL;
	return config_lookup(f->kernel.config, option, buf, bufsz);
}

int rthc_facts_gather_kernel(struct rthc_host *h, struct rthc_kernel_facts *k)
{
	_cleanup_free_ char *line = NULL, *rt = NULL;
	char buf[64];
	int r;

	k->major = k->minor = -1;
	r = rthc_host_read_str(h, "/proc/sys/kernel/osrelease", &k->release);
	if (r == 0 && !*k->release)
		r = -ENODATA;
	if (r < 0) {
		free(k->release);
		k->release = NULL;
		rthc_fact_err_set(&k->release_err, r, "/proc/sys/kernel/osrelease");
	} else if (sscanf(k->release, "%d.%d", &k->major, &k->minor) != 2) {
		k->major = k->minor = -1;
	}
	r = rthc_host_read_str(h, "/proc/sys/kernel/version", &k->version);
	if (r == 0 && !*k->version)
		r = -ENODATA;
	if (r < 0) {
		free(k->version);
		k->version = NULL;
		rthc_fact_err_set(&k->version_err, r, "/proc/sys/kernel/version");
	}
	r = rthc_host_read_str(h, "/proc/cmdline", &line);
	if (r == 0)
		r = rthc_cmdline_parse(line, &k->cmdline);
	if (r < 0)
		rthc_fact_err_set(&k->cmdline_err, r, "/proc/cmdline");

	k->realtime_sysfs = -1;
	if (rthc_host_read_str(h, "/sys/kernel/realtime", &rt) == 0)
		k->realtime_sysfs = streq(rt, "1") ? 1 : 0;

	load_config(h, k);

	if (k->realtime_sysfs == 1) {
		k->preempt_rt = true;
		k->preempt_rt_evidence = "/sys/kernel/realtime is 1";
	} else if (k->version && version_says_rt(k->version)) {
		k->preempt_rt = true;
		k->preempt_rt_evidence = "kernel version string contains PREEMPT_RT";
	} else if (k->config && config_lookup(k->config, "CONFIG_PREEMPT_RT", buf, sizeof(buf)) &&
		   streq(buf, "y")) {
		k->preempt_rt = true;
		k->preempt_rt_evidence = "kernel config has CONFIG_PREEMPT_RT=y";
	}

	k->preempt_model = k->preempt_rt ? RTHC_PREEMPT_RT
					 : (k->version ? model_from_version(k->version) : RTHC_PREEMPT_UNKNOWN);
	if (!k->preempt_rt && k->config) {
		/* A PREEMPT_DYNAMIC kernel boots with its default model unless preempt= says otherwise. */
		const char *p = k->cmdline ? rthc_cmdline_get(k->cmdline, "preempt") : NULL;

		if (p && streq(p, "full"))
			k->preempt_model = RTHC_PREEMPT_FULL;
		else if (p && streq(p, "voluntary"))
			k->preempt_model = RTHC_PREEMPT_VOLUNTARY;
		else if (p && streq(p, "none"))
			k->preempt_model = RTHC_PREEMPT_NONE;
		else if (config_lookup(k->config, "CONFIG_PREEMPT", buf, sizeof(buf)) && streq(buf, "y"))
			k->preempt_model = RTHC_PREEMPT_FULL;
		else if (config_lookup(k->config, "CONFIG_PREEMPT_VOLUNTARY", buf, sizeof(buf)) &&
			 streq(buf, "y"))
			k->preempt_model = RTHC_PREEMPT_VOLUNTARY;
		else if (config_lookup(k->config, "CONFIG_PREEMPT_NONE", buf, sizeof(buf)) && streq(buf, "y"))
			k->preempt_model = RTHC_PREEMPT_NONE;
	}
	return 0;
}

static void kernel_done(struct rthc_kernel_facts *k)
{
	free(k->release);
	free(k->version);
	rthc_fact_err_done(&k->release_err);
	rthc_fact_err_done(&k->version_err);
	rthc_fact_err_done(&k->cmdline_err);
	rthc_cmdline_free(k->cmdline);
	free(k->config);
	free(k->config_path);
}

static void topology_done(struct rthc_topology *t)
{
	rthc_cpuset_done(&t->possible);
	rthc_cpuset_done(&t->present);
	rthc_cpuset_done(&t->online);
	rthc_cpuset_done(&t->offline);
	for (size_t i = 0; i < t->ncpus; i++)
		rthc_cpuset_done(&t->cpus[i].siblings);
	free(t->cpus);
	for (size_t i = 0; i < t->nnodes; i++)
		rthc_cpuset_done(&t->nodes[i].cpus);
	free(t->nodes);
	free(t->smt_control);
	rthc_fact_err_done(&t->err);
	rthc_fact_err_done(&t->bad);
}

static void isolation_done(struct rthc_isolation *i)
{
	rthc_cpuset_done(&i->isolcpus.cpus);
	rthc_cpuset_done(&i->nohz_full.cpus);
	rthc_cpuset_done(&i->rcu_nocbs.cpus);
	rthc_cpuset_done(&i->irqaffinity.cpus);
	rthc_cpuset_done(&i->isolated_effective.cpus);
	rthc_cpuset_done(&i->nohz_full_effective.cpus);
	rthc_cpuset_done(&i->cgroup_isolated.cpus);
	rthc_cpuset_done(&i->domain);
	rthc_cpuset_done(&i->nohz);
	rthc_cpuset_done(&i->offloaded);
	rthc_cpuset_done(&i->isolated);
	rthc_cpuset_done(&i->housekeeping);
}

struct rthc_facts *rthc_facts_free(struct rthc_facts *f)
{
	if (!f)
		return NULL;
	free(f->hostname);
	kernel_done(&f->kernel);
	topology_done(&f->topology);
	isolation_done(&f->isolation);
	free(f->virt.evidence);
	rthc_fact_err_done(&f->cpuinfo_err);
	rthc_tasks_free(f->tasks);
	if (f->irq_free)
		f->irq_free(f->irq);
	free(f);
	return NULL;
}

int rthc_facts_gather(struct rthc_host *h, struct rthc_facts **ret)
{
	struct rthc_facts *f;
	size_t len;
	int r;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	if (rthc_host_read_str(h, "/proc/sys/kernel/hostname", &f->hostname) < 0)
		f->hostname = NULL;
	r = rthc_host_read_ref(h, "/proc/cpuinfo", &f->cpuinfo, &len);
	if (r < 0)
		rthc_fact_err_set(&f->cpuinfo_err, r, "/proc/cpuinfo");
	r = rthc_facts_gather_kernel(h, &f->kernel);
	if (r >= 0)
		r = rthc_facts_gather_topology(h, &f->topology);
	if (r >= 0)
		r = rthc_facts_gather_isolation(h, &f->kernel, &f->topology, &f->isolation);
	if (r >= 0)
		r = rthc_facts_gather_virt(h, f, &f->virt);
	if (r < 0) {
		rthc_facts_free(f);
		return r;
	}
	*ret = f;
	return 0;
}

const struct rthc_cpu *rthc_facts_cpu(const struct rthc_facts *f, unsigned id)
{
	size_t lo = 0, hi = f->topology.ncpus;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (f->topology.cpus[mid].id == id)
			return &f->topology.cpus[mid];
		if (f->topology.cpus[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool rthc_facts_cpu_flag(const struct rthc_facts *f, const char *flag)
{
	size_t fl = strlen(flag);

	for (const char *p = f->cpuinfo; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *colon = memchr(p, ':', len);

		if (colon && (strneq(p, "flags", 5) || strneq(p, "Features", 8))) {
			const char *q = colon + 1, *end = p + len;

			while (q < end) {
				const char *w;

				while (q < end && isspace((unsigned char)*q))
					q++;
				w = q;
				while (q < end && !isspace((unsigned char)*q))
					q++;
				if ((size_t)(q - w) == fl && strneq(w, flag, fl))
					return true;
			}
		}
		p = eol ? eol + 1 : NULL;
	}
	return false;
}

const struct rthc_tasks *rthc_facts_tasks(struct rthc_facts *f, struct rthc_host *h)
{
	if (!f->tasks && rthc_tasks_gather(h, &f->tasks) < 0)
		f->tasks = NULL;
	return f->tasks;
}
