/*
 * Boot-time idle settings: power.idle_poll (spec/checks.md §6), cmdline.cstate_limits (§1) and
 * xcheck.idle_conflicts (§12).
 *
 * idle=poll makes every idle CPU busy-poll; no cpuidle driver registers then (intel_idle and
 * acpi_idle both refuse when an idle= override is given, so current_driver reads "none"), and
 * cpuidle-haltpoll refuses to load whenever idle= is given (arch_haltpoll_want()).
 * intel_idle.max_cstate=0 keeps intel_idle from registering; acpi_idle then takes over with the
 * firmware's _CST states unless processor.max_cstate=1 caps it at C1 (the lowest cap acpi_idle
 * knows). The module parameters in /sys/module show the caps the running kernel uses; a DMI
 * quirk may lower processor.max_cstate further.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "power.h"

#define INTEL_CAP "/sys/module/intel_idle/parameters/max_cstate"
#define ACPI_CAP "/sys/module/processor/parameters/max_cstate"

void rthc_power_idle_poll(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	_cleanup_free_ char *driver = NULL;
	const char *idle;
	int k;

	if (!cl)
		return;
	idle = rthc_cmdline_get(cl, "idle");
	rthc_evidence_param(r, cl, "idle");
	k = rthc_power_idle_driver(ctx, r, &driver);
	if (k < 0)
		return;
	if (driver)
		rthc_evidence(r, RTHC_CPUIDLE_DIR "/current_driver", "%s", driver);
	rthc_observe_str(r, "idle", idle);
	rthc_observe_str(r, "cpuidle_driver", driver);
	if (idle && streq(idle, "poll")) {
		if (driver && !streq(driver, "none"))
			rthc_info(r,
				  "idle=poll is on the command line, yet cpuidle driver %s is "
				  "registered: the running kernel does not poll (the kernel wins "
				  "over the command line)",
				  driver);
		else
			rthc_info(r,
				  "idle=poll: idle CPUs busy-poll, the lowest wake-up latency, but "
				  "full power and heat, less turbo headroom, and no cpuidle or "
				  "haltpoll; keep it only if intended");
	} else if (idle) {
		rthc_info(r, "idle=%s: not polling; idle CPUs %s", idle,
			  streq(idle, "halt") ? "use HLT only (no deeper C-states)"
					      : "use the idle method this option selects");
	} else if (driver && !streq(driver, "none")) {
		rthc_info(r,
			  "no idle= parameter: idle CPUs enter the states of cpuidle driver %s "
			  "(limited by power.cstates)",
			  driver);
	} else {
		rthc_info(r,
			  "no idle= parameter and no cpuidle driver: idle CPUs use the "
			  "architecture's default idle instruction");
	}
}

/* A boot cap: what the command line asks for and what the kernel runs with. */
struct cap {
	const char *key, *path;
	const char *asked; /* command-line value or NULL */
	long long want; /* parsed asked value, -1 if absent or not a number */
	int64_t running; /* /sys/module value, -1 if the module is not there */
	long long floor; /* the lowest cap the driver can express */
};

static int read_cap(struct rthc_ctx *ctx, struct rthc_result *r, const struct rthc_cmdline *cl,
		    struct cap *c)
{
	char *end;
	int err;

	c->asked = rthc_cmdline_get(cl, c->key);
	c->want = -1;
	if (c->asked && *c->asked) {
		c->want = strtoll(c->asked, &end, 0);
		if (*end || c->want < 0)
			c->want = -1;
	}
	rthc_evidence_param(r, cl, c->key);
	err = rthc_host_read_s64(ctx->host, c->path, &c->running);
	if (err == -ENOENT) {
		c->running = -1;
		return 0;
	}
	if (err == 0 && c->running < 0)
		err = -ERANGE;
	if (err < 0) {
		rthc_result_error(r, err, c->path);
		return err;
	}
	rthc_evidence(r, c->path, "%" PRId64, c->running);
	return 0;
}

/* The kernel does not run with the cap the command line asks for. */
static bool cap_ignored(const struct cap *c)
{
	long long want = c->want > c->floor ? c->want : c->floor;

	return c->asked && (c->want < 0 || (c->running >= 0 && c->running > want));
}

static void item_ignored(struct rthc_result *r, const struct cap *c)
{
	if (!cap_ignored(c))
		return;
	if (c->want < 0)
		rthc_item(r, c->key, "%s=%s is not a valid cap: the kernel ignores it", c->key,
			  c->asked);
	else
		rthc_item(r, c->key, "the command line asks for %s, the kernel runs with %" PRId64,
			  c->asked, c->running);
}

static void observe_cap(struct rthc_result *r, const char *name, const struct cap *c)
{
	struct rthc_kvlist **o = rthc_kv_add_object(r, &r->observed, name);

	if (!o)
		return;
	rthc_kv_add_str(r, o, "cmdline", c->asked);
	if (c->running >= 0)
		rthc_kv_add_int(r, o, "running", c->running);
	else
		rthc_kv_add_null(r, o, "running");
}

void rthc_power_cstate_limits(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	struct cap intel = {.key = "intel_idle.max_cstate", .path = INTEL_CAP, .floor = 0};
	struct cap acpi = {.key = "processor.max_cstate", .path = ACPI_CAP, .floor = 1};
	struct rthc_idle_scan s = {.deep = RTHC_CPUSET_INIT};
	_cleanup_free_ char *driver = NULL, *deep_s = NULL;
	const char *idle;
	bool poll, ignored;
	int64_t budget;
	int k;

	if (!cl || !rthc_power_budget(ctx, r, &budget))
		return;
	if (read_cap(ctx, r, cl, &intel) < 0 || read_cap(ctx, r, cl, &acpi) < 0)
		return;
	idle = rthc_cmdline_get(cl, "idle");
	poll = idle && streq(idle, "poll");
	observe_cap(r, "intel_idle_max_cstate", &intel);
	observe_cap(r, "processor_max_cstate", &acpi);
	rthc_observe_str(r, "idle", idle);
	k = rthc_power_idle_driver(ctx, r, &driver);
	if (k < 0)
		return;
	rthc_observe_str(r, "cpuidle_driver", driver);
	ignored = cap_ignored(&intel) || cap_ignored(&acpi) ||
		  (poll && driver && !streq(driver, "none"));
	if (ignored) {
		item_ignored(r, &intel);
		item_ignored(r, &acpi);
		if (poll && driver && !streq(driver, "none"))
			rthc_item(r, "idle", "idle=poll given, yet cpuidle driver %s is registered",
				  driver);
		rthc_warn(r,
			  "the running kernel does not apply the boot C-state caps on its command "
			  "line (the kernel wins: judge power.cstates)");
		rthc_remedy(r, false, true, "check the spelling and values of the caps and reboot");
		return;
	}
	if (!intel.asked && !acpi.asked && !poll) {
		rthc_info(r,
			  "no boot-time C-state caps (intel_idle.max_cstate=, "
			  "processor.max_cstate=, idle=poll): idle states are limited at runtime, "
			  "see power.cstates");
		return;
	}
	if (rthc_cpuset_empty(&ctx->facts->isolation.isolated)) {
		rthc_na(r, "no isolated CPUs to hold the caps against");
		return;
	}
	if (k > 0 && !streq(driver, "none") && rthc_power_scan_idle(ctx, r, budget, false, &s) < 0)
		goto out;
	rthc_expect_int(r, "max_exit_latency_us", budget);
	rthc_observe_cpus(r, "cpus_with_deep_states", &s.deep);
	if (s.ndeep == 0) {
		rthc_pass(r,
			  "the boot caps are in effect: no enabled idle state of the isolated CPUs "
			  "exits slower than %" PRId64 " µs (driver %s)",
			  budget, driver ? driver : "none");
		goto out;
	}
	deep_s = rthc_cpuset_str(&s.deep);
	rthc_warn(r,
		  "the boot caps leave idle states slower than %" PRId64 " µs enabled on isolated "
		  "CPUs %s (driver %s, worst %" PRId64 " µs): not consistent with power.cstates",
		  budget, cpus_or_none(deep_s), driver, s.worst_latency);
	rthc_remedy(r, true, true,
		    "boot with intel_idle.max_cstate=0 processor.max_cstate=1, or disable "
		    "the deep states at runtime (power.cstates)");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "intel_idle.max_cstate", "0");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "processor.max_cstate", "1");
out:
	rthc_idle_scan_done(&s);
}

/* Whether key is a parameter of module mod ("mod.param"; '-' and '_' compare equal). */
static bool key_of_module(const char *key, const char *mod)
{
	size_t i;

	for (i = 0; mod[i]; i++) {
		char a = key[i] == '-' ? '_' : key[i], b = mod[i] == '-' ? '_' : mod[i];

		if (a != b)
			return false;
	}
	return key[i] == '.';
}

/* processor.max_cstate= value that keeps acpi_idle at C1. */
static bool acpi_capped(const char *v)
{
	char *end;
	long n;

	if (!v || !*v)
		return false;
	n = strtol(v, &end, 0);
	return !*end && n >= 0 && n <= 1;
}

void rthc_power_idle_conflicts(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	_cleanup_free_ char *driver = NULL;
	const char *idle, *intel, *acpi, *gov;
	unsigned n = 0;

	if (!cl || rthc_power_idle_driver(ctx, r, &driver) < 0)
		return;
	idle = rthc_cmdline_get(cl, "idle");
	intel = rthc_cmdline_get(cl, "intel_idle.max_cstate");
	acpi = rthc_cmdline_get(cl, "processor.max_cstate");
	gov = rthc_cmdline_get(cl, "cpuidle.governor");
	rthc_evidence_param(r, cl, "idle");
	rthc_evidence_param(r, cl, "intel_idle.max_cstate");
	rthc_evidence_param(r, cl, "processor.max_cstate");
	rthc_observe_str(r, "idle", idle);
	rthc_observe_str(r, "cpuidle_driver", driver);
	if (idle && streq(idle, "poll")) {
		for (size_t i = 0; i < cl->nparams; i++) {
			const char *key = cl->params[i].key;

			if (key_of_module(key, "cpuidle_haltpoll") ||
			    key_of_module(key, "haltpoll")) {
				rthc_item(r, key,
					  "haltpoll is configured, but cpuidle-haltpoll refuses to "
					  "load with idle= [HPOLL]");
				n++;
			}
		}
		if (gov && streq(gov, "haltpoll")) {
			rthc_item(r, "cpuidle.governor",
				  "haltpoll governor chosen, but idle=poll disables "
				  "cpuidle");
			n++;
		}
		if (intel || acpi) {
			rthc_item(r, intel ? "intel_idle.max_cstate" : "processor.max_cstate",
				  "redundant with idle=poll: no cpuidle driver registers, so "
				  "C-state caps change nothing");
			n++;
		}
		if (driver && !streq(driver, "none")) {
			rthc_item(r, "idle",
				  "idle=poll given, yet cpuidle driver %s is registered (the "
				  "kernel wins)",
				  driver);
			n++;
		}
	} else if (intel && streq(intel, "0") && !acpi_capped(acpi)) {
		rthc_item(r, "processor.max_cstate",
			  "intel_idle.max_cstate=0 hands idle to acpi_idle, "
			  "which still uses the firmware's deeper C-states "
			  "without processor.max_cstate=1");
		n++;
	}
	if (n == 0) {
		rthc_pass(r, "no conflicting idle settings on the command line");
		return;
	}
	rthc_info(r, "%u idle setting%s on the command line conflict%s or do%s nothing", n,
		  n == 1 ? "" : "s", n == 1 ? "s" : "", n == 1 ? "es" : "");
	rthc_remedy(r, false, true,
		    "pick one idle strategy: idle=poll alone, or intel_idle.max_cstate=0 "
		    "processor.max_cstate=1, or haltpoll in guests (without idle=)");
}
