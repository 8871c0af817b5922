/*
 * Frequency checks: power.governor, power.pstate_params, power.turbo (spec/checks.md §6),
 * cmdline.pstate (§1) and xcheck.pstate_governor (§12).
 *
 * cpuN/cpufreq is a link to ../cpufreq/policyN; without a cpufreq driver it does not exist and
 * the firmware alone picks the frequency. intel_pstate/status reads active (intel_pstate),
 * passive (intel_cpufreq) or off; amd_pstate/status reads active, passive, guided or disable.
 * energy_performance_preference exists only where the hardware manages P-states (HWP, CPPC EPP).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "power.h"

struct freq {
	char *driver, *governor, *epp; /* owned; epp NULL without HWP/EPP */
	uint64_t min, max; /* kHz */
};

static void freq_done(struct freq *f)
{
	free(f->driver);
	free(f->governor);
	free(f->epp);
	memset(f, 0, sizeof(*f));
}

static int read_word(struct rthc_host *h, const char *path, char **ret)
{
	int err = rthc_host_read_str(h, path, ret);

	if (err == 0 && (!**ret || strpbrk(*ret, " \t\n")))
		err = **ret ? -EINVAL : -ENODATA;
	if (err < 0) {
		free(*ret);
		*ret = NULL;
	}
	return err;
}

/* 1 read, 0 when the CPU has no cpufreq directory, or a negative errno after an error result. */
static int read_freq(struct rthc_ctx *ctx, struct rthc_result *r, unsigned cpu, struct freq *f)
{
	char path[160];
	int err;

	memset(f, 0, sizeof(*f));
	snprintf(path, sizeof(path), RTHC_CPU_DIR "/cpu%u/cpufreq", cpu);
	if (rthc_host_is_dir(ctx->host, path) <= 0)
		return 0;
	snprintf(path, sizeof(path), RTHC_CPU_DIR "/cpu%u/cpufreq/scaling_driver", cpu);
	err = read_word(ctx->host, path, &f->driver);
	if (err == 0) {
		snprintf(path, sizeof(path), RTHC_CPU_DIR "/cpu%u/cpufreq/scaling_governor", cpu);
		err = read_word(ctx->host, path, &f->governor);
	}
	if (err == 0) {
		snprintf(path, sizeof(path), RTHC_CPU_DIR "/cpu%u/cpufreq/scaling_min_freq", cpu);
		err = rthc_host_read_u64(ctx->host, path, &f->min);
	}
	if (err == 0) {
		snprintf(path, sizeof(path), RTHC_CPU_DIR "/cpu%u/cpufreq/scaling_max_freq", cpu);
		err = rthc_host_read_u64(ctx->host, path, &f->max);
	}
	if (err == 0) {
		snprintf(path, sizeof(path),
			 RTHC_CPU_DIR "/cpu%u/cpufreq/energy_performance_preference", cpu);
		err = read_word(ctx->host, path, &f->epp);
		if (err == -ENOENT)
			err = 0;
	}
	if (err < 0) {
		freq_done(f);
		rthc_result_reset(r);
		rthc_result_error(r, err, path);
		return err;
	}
	return 1;
}

/* The frequency cannot drop: the performance governor, or a range of one frequency. */
static bool pinned(const struct freq *f)
{
	return streq(f->governor, "performance") || f->min == f->max;
}

/* ISO, or every online CPU when nothing is isolated (xcheck.pstate_governor). */
static const struct rthc_cpuset *audited_cpus(const struct rthc_facts *f)
{
	return rthc_cpuset_empty(&f->isolation.isolated) ? &f->topology.online
							 : &f->isolation.isolated;
}

/* One item and fix per CPU that does not hold its frequency; returns whether it was bad. */
static bool judge_cpu(struct rthc_result *r, unsigned cpu, const struct freq *f)
{
	bool bad_gov = !pinned(f), bad_epp = f->epp && !streq(f->epp, "performance");
	char obj[32], path[160];

	if (!bad_gov && !bad_epp)
		return false;
	snprintf(obj, sizeof(obj), "cpu %u", cpu);
	if (bad_gov) {
		rthc_item(r, obj,
			  "governor %s scales between %" PRIu64 " and %" PRIu64 " kHz (driver %s)",
			  f->governor, f->min, f->max, f->driver);
		snprintf(path, sizeof(path), RTHC_CPU_DIR "/cpu%u/cpufreq/scaling_governor", cpu);
		rthc_remedy_action(r, RTHC_ACTION_SYSFS, path, "performance");
	}
	if (bad_epp) {
		rthc_item(r, obj, "energy_performance_preference is %s under HWP", f->epp);
		snprintf(path, sizeof(path),
			 RTHC_CPU_DIR "/cpu%u/cpufreq/energy_performance_preference", cpu);
		rthc_remedy_action(r, RTHC_ACTION_SYSFS, path, "performance");
	}
	return true;
}

/* The per-CPU walk shared by power.governor and xcheck.pstate_governor. */
struct walk {
	struct rthc_cpuset bad, nofreq;
	unsigned nread, nother_driver;
	char *driver, *governor, *epp; /* owned: those of the first CPU read */
	char missing[160]; /* the first absent cpufreq directory */
};

static void walk_done(struct walk *w)
{
	rthc_cpuset_done(&w->bad);
	rthc_cpuset_done(&w->nofreq);
	free(w->driver);
	free(w->governor);
	free(w->epp);
}

static int walk_cpus(struct rthc_ctx *ctx, struct rthc_result *r, const char *want_driver,
		     struct walk *w)
{
	const struct rthc_facts *fa = ctx->facts;
	int c;

	rthc_cpuset_foreach(c, audited_cpus(fa)) {
		struct freq f;
		int k;

		if (!rthc_cpuset_test(&fa->topology.online, (unsigned)c))
			continue;
		k = read_freq(ctx, r, (unsigned)c, &f);
		if (k < 0)
			return k;
		if (k == 0) {
			if (rthc_cpuset_empty(&w->nofreq))
				snprintf(w->missing, sizeof(w->missing),
					 RTHC_CPU_DIR "/cpu%d/cpufreq", c);
			if (rthc_cpuset_set(&w->nofreq, (unsigned)c) < 0)
				goto oom;
			continue;
		}
		if (w->nread++ == 0) {
			w->driver = strdup(f.driver);
			w->governor = strdup(f.governor);
			w->epp = f.epp ? strdup(f.epp) : NULL;
			if (!w->driver || !w->governor || (f.epp && !w->epp)) {
				freq_done(&f);
				goto oom;
			}
		}
		if (want_driver && !streq(f.driver, want_driver)) {
			char obj[32];

			snprintf(obj, sizeof(obj), "cpu %d", c);
			rthc_item(r, obj, "scaling driver is %s, not %s", f.driver, want_driver);
			w->nother_driver++;
		}
		if (judge_cpu(r, (unsigned)c, &f) && rthc_cpuset_set(&w->bad, (unsigned)c) < 0) {
			freq_done(&f);
			goto oom;
		}
		freq_done(&f);
	}
	return 0;
oom:
	rthc_result_errorf(r, -ENOMEM, "out of memory");
	return -ENOMEM;
}

static void observe_walk(struct rthc_result *r, const struct walk *w)
{
	rthc_observe_str(r, "driver", w->driver);
	rthc_observe_str(r, "governor", w->governor);
	rthc_observe_str(r, "energy_performance_preference", w->epp);
	rthc_observe_cpus(r, "cpus_not_pinned", &w->bad);
	if (w->driver)
		rthc_evidence(r, RTHC_CPU_DIR "/cpuN/cpufreq", "driver %s, governor %s%s%s",
			      w->driver, w->governor, w->epp ? ", EPP " : "", w->epp ? w->epp : "");
}

void rthc_power_governor(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	struct walk w = {.bad = RTHC_CPUSET_INIT, .nofreq = RTHC_CPUSET_INIT};
	_cleanup_free_ char *bad_s = NULL, *cpus_s = NULL;

	if (f->topology.err.err) {
		rthc_result_error(r, f->topology.err.err, f->topology.err.path);
		return;
	}
	if (rthc_cpuset_empty(&f->isolation.isolated)) {
		rthc_na(r, "no isolated CPUs");
		return;
	}
	if (walk_cpus(ctx, r, NULL, &w) < 0)
		goto out;
	cpus_s = rthc_cpuset_str(audited_cpus(f));
	if (w.nread == 0) {
		rthc_na(r,
			"no cpufreq driver on CPUs %s: the BIOS controls frequency (see "
			"hw.bios_power)",
			cpus_or_none(cpus_s));
		goto out;
	}
	if (!rthc_cpuset_empty(&w.nofreq)) {
		/* Some CPUs have cpufreq and others not: a broken or partial tree. */
		rthc_result_reset(r);
		rthc_result_error(r, -ENOENT, w.missing);
		goto out;
	}
	rthc_expect_str(r, "governor", "performance");
	observe_walk(r, &w);
	if (rthc_cpuset_empty(&w.bad)) {
		rthc_pass(r, "CPUs %s hold their frequency (governor %s%s%s)", cpus_or_none(cpus_s),
			  w.governor, w.epp ? ", EPP " : "", w.epp ? w.epp : "");
		goto out;
	}
	bad_s = rthc_cpuset_str(&w.bad);
	rthc_warn(r,
		  "CPUs %s do not hold their frequency (governor %s%s%s): frequency transitions "
		  "and the governor's kworkers disturb them",
		  cpus_or_none(bad_s), w.governor, w.epp ? ", EPP " : "", w.epp ? w.epp : "");
	rthc_remedy(r, true, false,
		    "set the performance governor (and EPP performance under HWP) on "
		    "those CPUs");
out:
	walk_done(&w);
}

/* A status word from one of the P-state directories; NULL when the directory is absent. */
static int pstate_status(struct rthc_ctx *ctx, struct rthc_result *r, const char *dir,
			 const char *const *allowed, char **ret)
{
	char path[128];
	int err;

	*ret = NULL;
	if (rthc_host_is_dir(ctx->host, dir) <= 0)
		return 0;
	snprintf(path, sizeof(path), "%s/status", dir);
	err = read_word(ctx->host, path, ret);
	if (err == 0) {
		err = -EINVAL;
		for (const char *const *a = allowed; *a; a++)
			if (streq(*ret, *a))
				err = 0;
	}
	if (err < 0) {
		free(*ret);
		*ret = NULL;
		rthc_result_error(r, err, path);
		return err;
	}
	rthc_evidence(r, path, "%s", *ret);
	return 1;
}

static const char *const intel_modes[] = {"active", "passive", "off", NULL};
static const char *const amd_modes[] = {"active", "passive", "guided", "disable", NULL};

/* A 0/1 file; 1 read, 0 absent, < 0 after an error result. */
static int read_flag(struct rthc_ctx *ctx, struct rthc_result *r, const char *path, bool *v)
{
	int64_t n;
	int err = rthc_host_read_s64(ctx->host, path, &n);

	if (err == -ENOENT)
		return 0;
	if (err == 0 && n != 0 && n != 1)
		err = -EINVAL;
	if (err < 0) {
		rthc_result_error(r, err, path);
		return err;
	}
	*v = n;
	rthc_evidence(r, path, "%d", (int)n);
	return 1;
}

void rthc_power_pstate_params(struct rthc_ctx *ctx, struct rthc_result *r)
{
	_cleanup_free_ char *intel = NULL, *amd = NULL;
	const char *path = RTHC_PSTATE_DIR "/min_perf_pct";
	int64_t min_pct;
	bool no_turbo;
	int err;

	if (pstate_status(ctx, r, RTHC_PSTATE_DIR, intel_modes, &intel) < 0 ||
	    pstate_status(ctx, r, RTHC_AMD_PSTATE_DIR, amd_modes, &amd) < 0)
		return;
	rthc_observe_str(r, "intel_pstate", intel);
	rthc_observe_str(r, "amd_pstate", amd);
	if (intel && !streq(intel, "off")) {
		err = rthc_host_read_s64(ctx->host, path, &min_pct);
		if (err == 0 && (min_pct < 0 || min_pct > 100))
			err = -ERANGE;
		if (err < 0) {
			rthc_result_error(r, err, path);
			return;
		}
		err = read_flag(ctx, r, RTHC_PSTATE_DIR "/no_turbo", &no_turbo);
		if (err == 0)
			rthc_result_error(r, -ENOENT, RTHC_PSTATE_DIR "/no_turbo");
		if (err <= 0)
			return;
		rthc_evidence(r, path, "%" PRId64, min_pct);
		rthc_expect_int(r, "min_perf_pct", 100);
		rthc_observe_int(r, "min_perf_pct", min_pct);
		rthc_observe_bool(r, "no_turbo", no_turbo);
		if (min_pct == 100)
			rthc_pass(r,
				  "intel_pstate %s with min_perf_pct 100: the P-state floor is the "
				  "highest performance level",
				  intel);
		else
			rthc_info(r,
				  "intel_pstate %s with min_perf_pct %" PRId64
				  ": isolated CPUs may clock "
				  "down (latency-performance sets 100 [T-LP])",
				  intel, min_pct);
		return;
	}
	if (amd) {
		rthc_info(r,
			  "amd_pstate runs in %s mode: it has no min_perf_pct; hold the frequency "
			  "with the governor and EPP (power.governor)",
			  amd);
		return;
	}
	if (intel)
		rthc_info(r,
			  "intel_pstate is off: its performance limits do not apply (see "
			  "power.governor)");
	else
		rthc_na(r, "no intel_pstate or amd_pstate driver");
}

void rthc_power_turbo(struct rthc_ctx *ctx, struct rthc_result *r)
{
	bool no_turbo = false, boost = false, turbo;
	const char *src = RTHC_PSTATE_DIR "/no_turbo";
	int k;

	k = read_flag(ctx, r, src, &no_turbo);
	if (k < 0)
		return;
	if (k > 0) {
		turbo = !no_turbo;
	} else {
		src = RTHC_CPU_DIR "/cpufreq/boost";
		k = read_flag(ctx, r, src, &boost);
		if (k < 0)
			return;
		if (k == 0) {
			rthc_na(r,
				"no turbo control is exposed (no intel_pstate/no_turbo, no "
				"cpufreq/boost)");
			return;
		}
		turbo = boost;
	}
	rthc_observe_bool(r, "turbo", turbo);
	rthc_observe_str(r, "source", src);
	rthc_info(r,
		  "turbo is %s (%s); vendors differ: latency-performance keeps turbo on for peak "
		  "speed [T-LP], cpu-partitioning-powersave may turn it off to cut thermal and "
		  "frequency variance [T-CP]",
		  turbo ? "on" : "off", src);
}

/* scaling_driver of the first online CPU with cpufreq, or NULL. */
static char *first_driver(struct rthc_ctx *ctx)
{
	int c;

	rthc_cpuset_foreach(c, &ctx->facts->topology.online) {
		char *d = NULL;

		if (rthc_host_read_strf(ctx->host, &d, RTHC_CPU_DIR "/cpu%d/cpufreq/scaling_driver",
					c) == 0)
			return d;
	}
	return NULL;
}

/* Whether the running P-state mode differs from what the command line asked for. */
static bool mode_differs(const char *asked, const char *running, bool intel)
{
	if (!asked || !running)
		return false;
	if (intel && streq(asked, "disable"))
		return !streq(running, "off");
	return !streq(asked, running);
}

void rthc_power_cmdline_pstate(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	_cleanup_free_ char *intel = NULL, *amd = NULL, *driver = NULL;
	const char *ask_i, *ask_a;

	if (!cl)
		return;
	ask_i = rthc_power_pstate_request(cl, "intel_pstate");
	ask_a = rthc_power_pstate_request(cl, "amd_pstate");
	rthc_evidence_param(r, cl, "intel_pstate");
	rthc_evidence_param(r, cl, "amd_pstate");
	if (pstate_status(ctx, r, RTHC_PSTATE_DIR, intel_modes, &intel) < 0 ||
	    pstate_status(ctx, r, RTHC_AMD_PSTATE_DIR, amd_modes, &amd) < 0)
		return;
	driver = first_driver(ctx);
	rthc_observe_str(r, "cmdline_intel_pstate", ask_i);
	rthc_observe_str(r, "cmdline_amd_pstate", ask_a);
	rthc_observe_str(r, "intel_pstate_status", intel);
	rthc_observe_str(r, "amd_pstate_status", amd);
	rthc_observe_str(r, "scaling_driver", driver);
	if (mode_differs(ask_i, intel, true) || mode_differs(ask_a, amd, false)) {
		bool i = mode_differs(ask_i, intel, true);

		rthc_warn(r,
			  "the command line asks for %s=%s but the running kernel reports %s "
			  "status %s (the kernel wins%s)",
			  i ? "intel_pstate" : "amd_pstate", i ? ask_i : ask_a,
			  i ? "intel_pstate" : "amd_pstate", i ? intel : amd,
			  i && streq(ask_i, "disable")
				  ? "; firmware-enabled HWP keeps intel_pstate loaded"
				  : "");
		rthc_remedy(r, false, true,
			    "choose a mode the platform honours, or switch at runtime: "
			    "echo passive > /sys/devices/system/cpu/intel_pstate/status");
		return;
	}
	rthc_info(r,
		  "P-state driver %s (intel_pstate %s, amd_pstate %s); vendors differ: RHEL "
		  "realtime and cpu-partitioning boot with intel_pstate=disable [T-RT] [T-CP], "
		  "cpu-partitioning-powersave uses passive, OpenShift uses active or guided [NTO]: "
		  "choose one and hold power.governor to it",
		  driver ? driver : "none", intel ? intel : "not loaded", amd ? amd : "not loaded");
}

void rthc_power_pstate_governor(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	struct walk w = {.bad = RTHC_CPUSET_INIT, .nofreq = RTHC_CPUSET_INIT};
	_cleanup_free_ char *cpus_s = NULL;
	const char *ask_i, *ask_a, *param;

	if (!cl)
		return;
	ask_i = rthc_power_pstate_request(cl, "intel_pstate");
	ask_a = rthc_power_pstate_request(cl, "amd_pstate");
	if (ask_i && streq(ask_i, "disable"))
		param = "intel_pstate=disable";
	else if (ask_a && streq(ask_a, "disable"))
		param = "amd_pstate=disable";
	else
		param = NULL;
	if (!param) {
		rthc_na(r, "no intel_pstate=disable or amd_pstate=disable on the command line");
		return;
	}
	rthc_evidence(r, "/proc/cmdline", "%s", param);
	if (ctx->facts->topology.err.err) {
		rthc_result_error(r, ctx->facts->topology.err.err, ctx->facts->topology.err.path);
		return;
	}
	if (walk_cpus(ctx, r, "acpi-cpufreq", &w) < 0)
		goto out;
	cpus_s = rthc_cpuset_str(audited_cpus(ctx->facts));
	rthc_expect_str(r, "driver", "acpi-cpufreq");
	rthc_expect_str(r, "governor", "performance");
	observe_walk(r, &w);
	if (w.nread == 0) {
		rthc_warn(r,
			  "%s and no cpufreq driver took over on CPUs %s: the BIOS alone controls "
			  "frequency; set its power profile to maximum performance",
			  param, cpus_or_none(cpus_s));
		rthc_remedy(r, false, false,
			    "BIOS: performance power profile, or load acpi-cpufreq");
	} else if (w.nother_driver || !rthc_cpuset_empty(&w.bad) || !rthc_cpuset_empty(&w.nofreq)) {
		if (!rthc_cpuset_empty(&w.nofreq))
			rthc_items_cpus(r, &w.nofreq, "no cpufreq driver");
		rthc_warn(r,
			  "%s, but CPUs %s do not all run acpi-cpufreq with the performance "
			  "governor",
			  param, cpus_or_none(cpus_s));
		rthc_remedy(r, true, false, "set the performance governor on acpi-cpufreq");
	} else {
		rthc_pass(r, "%s: acpi-cpufreq holds CPUs %s at their frequency", param,
			  cpus_or_none(cpus_s));
	}
out:
	walk_done(&w);
}
