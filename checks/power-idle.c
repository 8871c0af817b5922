/*
 * Idle-state checks: power.cstates, power.pm_qos, power.idle_poll (spec/checks.md §6),
 * cmdline.cstate_limits (§1) and xcheck.idle_conflicts (§12).
 *
 * cpuidle sysfs (drivers/cpuidle/sysfs.c): cpuidle/current_driver reads "none" when no driver is
 * registered (idle=poll, cpuidle.off=1); cpuN/cpuidle/stateK/latency is the exit latency in µs,
 * stateK/disable is 1 when the state was disabled through sysfs. The POLL state (state0 on x86)
 * busy-waits and never adds wake-up latency. A CPU's effective PM QoS wake-up limit is the lower
 * of its pm_qos_resume_latency_us ("0" = no limit, "n/a" = 0 µs) and the system-wide
 * /dev/cpu_dma_latency request (binary s32, 2000000000 when nobody holds a request).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "power.h"

#define NO_LIMIT INT64_MAX
#define DMA_LATENCY "/dev/cpu_dma_latency"

int rthc_power_idle_driver(struct rthc_ctx *ctx, struct rthc_result *r, char **driver)
{
	const char *path = RTHC_CPUIDLE_DIR "/current_driver";
	int err;

	*driver = NULL;
	if (rthc_host_is_dir(ctx->host, RTHC_CPUIDLE_DIR) <= 0)
		return 0;
	err = rthc_host_read_str(ctx->host, path, driver);
	if (err == 0 && (!**driver || strpbrk(*driver, " \t\n")))
		err = **driver ? -EINVAL : -ENODATA;
	if (err < 0) {
		free(*driver);
		*driver = NULL;
		rthc_result_error(r, err, path);
		return err;
	}
	return 1;
}

void rthc_idle_scan_done(struct rthc_idle_scan *s)
{
	rthc_cpuset_done(&s->deep);
}

/* name, latency and disable of one state; on failure path names the file. */
static int read_state(struct rthc_host *h, const char *dir, char **name, int64_t *latency,
		      int64_t *disable, char *path, size_t pathsz)
{
	int err;

	snprintf(path, pathsz, "%s/name", dir);
	err = rthc_host_read_str(h, path, name);
	if (err == 0 && !**name)
		err = -ENODATA;
	if (err < 0)
		return err;
	snprintf(path, pathsz, "%s/latency", dir);
	err = rthc_host_read_s64(h, path, latency);
	if (err == 0 && *latency < 0)
		err = -ERANGE;
	if (err < 0)
		return err;
	snprintf(path, pathsz, "%s/disable", dir);
	err = rthc_host_read_s64(h, path, disable);
	if (err == 0 && *disable != 0 && *disable != 1)
		err = -EINVAL;
	return err;
}

static bool is_state_dir(const char *name)
{
	return strneq(name, "state", 5) && name[5] >= '0' && name[5] <= '9' &&
	       strspn(name + 5, "0123456789") == strlen(name + 5);
}

static int scan_cpu(struct rthc_ctx *ctx, struct rthc_result *r, unsigned cpu, int64_t budget,
		    bool items, struct rthc_idle_scan *s)
{
	char dir[128], sdir[160], path[192], obj[32];
	char **names = NULL;
	int err;

	snprintf(dir, sizeof(dir), RTHC_CPU_DIR "/cpu%u/cpuidle", cpu);
	err = rthc_host_list_dir(ctx->host, dir, &names, NULL);
	if (err < 0) {
		rthc_result_reset(r);
		rthc_result_error(r, err, dir);
		return err;
	}
	for (char **nm = names; *nm; nm++) {
		_cleanup_free_ char *name = NULL;
		int64_t latency, disable;

		if (!is_state_dir(*nm))
			continue;
		snprintf(sdir, sizeof(sdir), "%s/%s", dir, *nm);
		err = read_state(ctx->host, sdir, &name, &latency, &disable, path, sizeof(path));
		if (err < 0) {
			rthc_result_reset(r);
			rthc_result_error(r, err, path);
			break;
		}
		if (streq(name, "POLL") || disable)
			continue;
		if (latency > s->worst_latency)
			s->worst_latency = latency;
		if (latency <= budget)
			continue;
		s->ndeep++;
		if (rthc_cpuset_set(&s->deep, cpu) < 0) {
			err = -ENOMEM;
			rthc_result_errorf(r, err, "out of memory");
			break;
		}
		if (!items)
			continue;
		snprintf(obj, sizeof(obj), "cpu %u", cpu);
		rthc_item(r, obj,
			  "%s (%s) is enabled with exit latency %" PRId64 " µs > %" PRId64 " µs",
			  name, *nm, latency, budget);
		snprintf(path, sizeof(path), "%s/disable", sdir);
		rthc_remedy_action(r, RTHC_ACTION_SYSFS, path, "1");
	}
	rthc_strv_free(names);
	return err < 0 ? err : 0;
}

int rthc_power_scan_idle(struct rthc_ctx *ctx, struct rthc_result *r, int64_t budget, bool items,
			 struct rthc_idle_scan *s)
{
	const struct rthc_facts *f = ctx->facts;
	int c, err;

	rthc_cpuset_init(&s->deep);
	s->worst_latency = -1;
	s->ndeep = 0;
	rthc_cpuset_foreach(c, &f->isolation.isolated) {
		if (!rthc_cpuset_test(&f->topology.online, (unsigned)c))
			continue;
		err = scan_cpu(ctx, r, (unsigned)c, budget, items, s);
		if (err < 0)
			return err;
	}
	return 0;
}

/* Topology and ISO are usable; otherwise an error or not_applicable result is set. */
static bool have_iso(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_topology *t = &ctx->facts->topology;

	if (t->err.err) {
		rthc_result_error(r, t->err.err, t->err.path);
		return false;
	}
	if (rthc_cpuset_empty(&ctx->facts->isolation.isolated)) {
		rthc_na(r, "no isolated CPUs");
		return false;
	}
	return true;
}

static void idle_governor_evidence(struct rthc_ctx *ctx, struct rthc_result *r)
{
	_cleanup_free_ char *gov = NULL;
	const char *path = RTHC_CPUIDLE_DIR "/current_governor";

	if (rthc_host_read_str(ctx->host, path, &gov) < 0) {
		path = RTHC_CPUIDLE_DIR "/current_governor_ro";
		if (rthc_host_read_str(ctx->host, path, &gov) < 0)
			return;
	}
	rthc_evidence(r, path, "%s", gov);
	rthc_observe_str(r, "governor", gov);
}

void rthc_power_cstates(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct rthc_idle_scan s;
	_cleanup_free_ char *driver = NULL, *deep_s = NULL;
	int64_t budget;
	int k;

	if (!rthc_power_budget(ctx, r, &budget) || !have_iso(ctx, r))
		return;
	k = rthc_power_idle_driver(ctx, r, &driver);
	if (k < 0)
		return;
	if (k == 0) {
		bool known;
		char buf[8];
		const char *v = rthc_facts_kconfig(ctx->facts, "CONFIG_CPU_IDLE", &known, buf,
						   sizeof(buf));

		/* The kernel has cpuidle, so its directory must be there: a partial tree. */
		if (v && streq(v, "y"))
			rthc_result_error(r, -ENOENT, RTHC_CPUIDLE_DIR);
		else
			rthc_na(r, "no cpuidle: %s does not exist (kernel without CONFIG_CPU_IDLE)",
				RTHC_CPUIDLE_DIR);
		return;
	}
	rthc_evidence(r, RTHC_CPUIDLE_DIR "/current_driver", "%s", driver);
	rthc_observe_str(r, "driver", driver);
	if (streq(driver, "none")) {
		rthc_na(r,
			"no cpuidle driver is registered (current_driver is none): there are no "
			"idle states to limit (see power.idle_poll)");
		return;
	}
	idle_governor_evidence(ctx, r);
	if (rthc_power_scan_idle(ctx, r, budget, true, &s) < 0)
		goto out;
	rthc_expect_int(r, "max_exit_latency_us", budget);
	if (s.worst_latency >= 0)
		rthc_observe_int(r, "max_exit_latency_us", s.worst_latency);
	else
		rthc_observe_null(r, "max_exit_latency_us");
	rthc_observe_cpus(r, "cpus_with_deep_states", &s.deep);
	if (s.ndeep == 0) {
		rthc_pass(r,
			  "no enabled idle state of the isolated CPUs exits slower than %" PRId64
			  " µs (driver %s)",
			  budget, driver);
		goto out;
	}
	deep_s = rthc_cpuset_str(&s.deep);
	rthc_result_set(r, ctx->guest ? RTHC_STATUS_INFO : RTHC_STATUS_WARN,
			"%u enabled idle state%s on isolated CPUs %s exit%s slower than the "
			"%" PRId64 " µs budget (worst %" PRId64 " µs, driver %s)%s",
			s.ndeep, s.ndeep == 1 ? "" : "s", cpus_or_none(deep_s),
			s.ndeep == 1 ? "s" : "", budget, s.worst_latency, driver,
			ctx->guest ? "; in a guest the host decides what a halted vCPU costs" : "");
	rthc_remedy(r, true, false,
		    "disable those states on the isolated CPUs (echo 1 > "
		    ".../cpuN/cpuidle/stateK/disable) or cap the wake-up latency with PM QoS "
		    "(power.pm_qos); at boot intel_idle.max_cstate=0 processor.max_cstate=1; in "
		    "the BIOS limit C-states (Intel TCC mode)");
out:
	rthc_idle_scan_done(&s);
}

/* pm_qos_resume_latency_us of a CPU in µs, NO_LIMIT for "0"; error result on failure. */
static int resume_latency(struct rthc_ctx *ctx, struct rthc_result *r, unsigned cpu, int64_t *limit)
{
	_cleanup_free_ char *v = NULL;
	char path[128], *end;
	long long n;
	int err;

	snprintf(path, sizeof(path), RTHC_CPU_DIR "/cpu%u/power/pm_qos_resume_latency_us", cpu);
	err = rthc_host_read_str(ctx->host, path, &v);
	if (err == 0 && !*v)
		err = -ENODATA;
	if (err == 0) {
		if (streq(v, "n/a")) {
			*limit = 0;
			return 0;
		}
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno || end == v || *end || n < 0)
			err = -EINVAL;
		else
			*limit = n == 0 ? NO_LIMIT : n;
	}
	if (err < 0) {
		rthc_result_reset(r);
		rthc_result_error(r, err, path);
	}
	return err;
}

/* The system-wide request: 1 known, 0 absent (a snapshot), or a negative errno. */
static int dma_latency(struct rthc_ctx *ctx, int64_t *v)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int32_t raw;
	char *end;
	int err = rthc_host_read_file(ctx->host, DMA_LATENCY, &buf, &len);

	if (err == -ENOENT)
		return 0;
	if (err < 0)
		return err;
	if (len == sizeof(raw)) {
		memcpy(&raw, buf, sizeof(raw));
		*v = raw;
	} else {
		/* A snapshot may hold the value as text. */
		errno = 0;
		*v = strtoll(buf, &end, 10);
		if (errno || end == buf || (*end && *end != '\n'))
			return -EINVAL;
	}
	return *v < 0 ? -EINVAL : 1;
}

static void format_limit(char *buf, size_t sz, int64_t v)
{
	if (v == NO_LIMIT)
		snprintf(buf, sz, "no limit");
	else
		snprintf(buf, sz, "%" PRId64 " µs", v);
}

void rthc_power_pm_qos(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	struct rthc_cpuset loose = RTHC_CPUSET_INIT;
	_cleanup_free_ char *loose_s = NULL;
	int64_t budget, global = NO_LIMIT, worst = -1;
	int c, known;
	char buf[32], path[128];

	if (!rthc_power_budget(ctx, r, &budget) || !have_iso(ctx, r))
		return;
	known = dma_latency(ctx, &global);
	if (known > 0) {
		rthc_evidence(r, DMA_LATENCY, "%" PRId64 " µs", global);
		rthc_observe_int(r, "cpu_dma_latency_us", global);
	} else {
		rthc_observe_null(r, "cpu_dma_latency_us");
	}
	rthc_cpuset_foreach(c, &f->isolation.isolated) {
		int64_t limit = NO_LIMIT, eff;

		if (!rthc_cpuset_test(&f->topology.online, (unsigned)c))
			continue;
		if (resume_latency(ctx, r, (unsigned)c, &limit) < 0)
			goto out;
		eff = known > 0 && global < limit ? global : limit;
		if (eff > worst)
			worst = eff;
		if (eff <= budget)
			continue;
		if (rthc_cpuset_set(&loose, (unsigned)c) < 0) {
			rthc_result_errorf(r, -ENOMEM, "out of memory");
			goto out;
		}
		format_limit(buf, sizeof(buf), limit);
		snprintf(path, sizeof(path), "cpu %d", c);
		rthc_item(r, path, "pm_qos_resume_latency_us allows %s", buf);
		snprintf(path, sizeof(path), RTHC_CPU_DIR "/cpu%d/power/pm_qos_resume_latency_us",
			 c);
		snprintf(buf, sizeof(buf), "%" PRId64, budget);
		rthc_remedy_action(r, RTHC_ACTION_SYSFS, path, budget == 0 ? "n/a" : buf);
	}
	rthc_expect_int(r, "max_resume_latency_us", budget);
	if (worst == NO_LIMIT)
		rthc_observe_null(r, "max_resume_latency_us");
	else
		rthc_observe_int(r, "max_resume_latency_us", worst);
	rthc_observe_cpus(r, "cpus_without_limit", &loose);
	if (rthc_cpuset_empty(&loose)) {
		rthc_pass(r,
			  "PM QoS keeps the wake-up latency of every isolated CPU within %" PRId64
			  " µs",
			  budget);
		goto out;
	}
	if (known < 0) {
		/* Only the system-wide request could still satisfy the budget: it is unknown. */
		rthc_result_reset(r);
		rthc_result_error(r, known, DMA_LATENCY);
		goto out;
	}
	loose_s = rthc_cpuset_str(&loose);
	rthc_info(r,
		  "PM QoS does not cap the wake-up latency of isolated CPUs %s at %" PRId64
		  " µs%s: "
		  "deep idle states must then be disabled (power.cstates)",
		  cpus_or_none(loose_s), budget,
		  known == 0 ? " (no " DMA_LATENCY " in this tree)" : "");
	rthc_remedy(r, true, false,
		    "write the budget to pm_qos_resume_latency_us of each isolated CPU "
		    "(lasts until reboot); /dev/cpu_dma_latency holds only while a process "
		    "keeps it open (tuned force_latency)");
out:
	rthc_cpuset_done(&loose);
}
