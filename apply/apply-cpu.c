/*
 * [cpu]: cpufreq governor on every online CPU (one write per cpufreq policy), idle states whose
 * exit latency exceeds idle_max_latency_us disabled on the isolated CPUs, SMT on/off. The SMT
 * switch is planned last: turning SMT off takes sibling CPUs (and their sysfs files) offline.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "facts.h"
#include "host.h"
#include "plan.h"
#include "profile.h"

#define CPU_DIR "/sys/devices/system/cpu"

static bool word_in(const char *list, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = list; (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/* The governor file of a CPU: its policy's when cpuN/cpufreq is a link, else its own. */
static int governor_path(struct rthc_host *h, unsigned cpu, char *buf, size_t n)
{
	_cleanup_free_ char *link = NULL;
	char p[128];
	const char *base;

	snprintf(p, sizeof(p), CPU_DIR "/cpu%u/cpufreq", cpu);
	if (rthc_host_readlink(h, p, &link) == 0) {
		base = strrchr(link, '/');
		snprintf(buf, n, CPU_DIR "/cpufreq/%s/scaling_governor", base ? base + 1 : link);
		if (rthc_host_exists(h, buf) > 0)
			return 0;
	}
	snprintf(buf, n, "%s/scaling_governor", p);
	return rthc_host_exists(h, buf) > 0 ? 0 : -ENOENT;
}

static int plan_governor(struct rthc_apply_ctx *a, const char *gov)
{
	const char *ck = "power.governor xcheck.pstate_governor";
	char path[256], avail[256], id[300];
	unsigned none = 0;
	int c, r = 0;

	rthc_cpuset_foreach(c, &a->f->topology.online)
	{
		_cleanup_free_ char *list = NULL;

		if (governor_path(a->h, (unsigned)c, path, sizeof(path)) < 0) {
			none++;
			continue;
		}
		if (rthc_plan_find(a->plan, path))
			continue;
		snprintf(avail, sizeof(avail), "%.*s/scaling_available_governors",
			 (int)(strrchr(path, '/') - path), path);
		if (rthc_host_read_str(a->h, avail, &list) == 0 && !word_in(list, gov)) {
			rthc_plan_note(a->plan, "%s: governor '%s' is not available (%s), not changed", path, gov,
				       list);
			continue;
		}
		snprintf(id, sizeof(id), "cpu:governor:%s", path + sizeof(CPU_DIR));
		r = rthc_plan_attr(a, id, ck, "cpu", path, RTHC_FORM_PLAIN, gov, 0);
		if (r < 0)
			break;
	}
	if (none)
		rthc_plan_note(a->plan, "%u online CPUs have no cpufreq governor, not changed", none);
	return r;
}

static int plan_idle_cpu(struct rthc_apply_ctx *a, unsigned cpu, uint64_t limit)
{
	char dir[128], path[192], id[256];
	char **states = NULL;
	int r;

	snprintf(dir, sizeof(dir), CPU_DIR "/cpu%u/cpuidle", cpu);
	r = rthc_host_list_dir(a->h, dir, &states, NULL);
	if (r < 0)
		return r == -ENOMEM ? r : 1;
	r = 0;
	for (size_t i = 0; states[i] && r == 0; i++) {
		uint64_t lat;

		if (!strneq(states[i], "state", 5))
			continue;
		snprintf(path, sizeof(path), "%s/%s/latency", dir, states[i]);
		if (rthc_host_read_u64(a->h, path, &lat) < 0 || lat <= limit)
			continue;
		snprintf(path, sizeof(path), "%s/%s/disable", dir, states[i]);
		snprintf(id, sizeof(id), "cpu:idle:cpu%u/%s", cpu, states[i]);
		r = rthc_plan_attr(a, id, "power.cstates xcheck.idle_conflicts", "cpu", path, RTHC_FORM_PLAIN,
				   "1", 0);
	}
	rthc_strv_free(states);
	return r;
}

static int plan_idle(struct rthc_apply_ctx *a, const char *limit_s)
{
	uint64_t limit = strtoull(limit_s, NULL, 10);
	unsigned none = 0;
	int c, r;

	rthc_cpuset_foreach(c, &a->p->isolated)
	{
		if (!rthc_cpuset_test(&a->f->topology.online, (unsigned)c))
			continue;
		r = plan_idle_cpu(a, (unsigned)c, limit);
		if (r < 0)
			return r;
		none += r > 0;
	}
	if (none)
		rthc_plan_note(a->plan, "%u isolated CPUs have no cpuidle states, idle limit not applied", none);
	return 0;
}

static int plan_smt(struct rthc_apply_ctx *a, const char *want)
{
	_cleanup_free_ char *cur = NULL;
	const char *path = CPU_DIR "/smt/control";
	int r = rthc_host_read_str(a->h, path, &cur);

	if (r < 0) {
		rthc_plan_note(a->plan, "%s: %s, SMT not changed", path, strerror(-r));
		return r == -ENOMEM ? r : 0;
	}
	if (streq(cur, "notsupported") || streq(cur, "notimplemented") ||
	    (streq(cur, "forceoff") && streq(want, "off"))) {
		rthc_plan_note(a->plan, "SMT control is '%s', not changed", cur);
		return 0;
	}
	if (streq(cur, "forceoff")) {
		rthc_plan_note(a->plan, "SMT is forced off until reboot, cannot turn it on");
		return 0;
	}
	return rthc_plan_attr(a, "cpu:smt", "cpu.smt xcheck.smt_siblings", "cpu", path, RTHC_FORM_PLAIN, want,
			      0);
}

static int plan_cpu(struct rthc_apply_ctx *a)
{
	const char *gov = rthc_profile_value(a->p, "cpu", "governor");
	const char *lat = rthc_profile_value(a->p, "cpu", "idle_max_latency_us");
	const char *smt = rthc_profile_value(a->p, "cpu", "smt");
	int r = 0;

	if (gov)
		r = plan_governor(a, gov);
	if (r == 0 && lat)
		r = plan_idle(a, lat);
	if (r == 0 && smt)
		r = plan_smt(a, smt);
	return r;
}

const struct rthc_applier rthc_applier_cpu = {"cpu", plan_cpu};
