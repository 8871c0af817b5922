/*
 * Power-management checks (spec/checks.md §6 and the power cross-checks of §12), split over
 * checks/power.c (descriptor table, shared helpers), checks/power-idle.c (cpuidle, PM QoS, idle=)
 * and checks/power-freq.c (cpufreq, P-state drivers, turbo).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

#define RTHC_CPU_DIR "/sys/devices/system/cpu"
#define RTHC_CPUIDLE_DIR RTHC_CPU_DIR "/cpuidle"
#define RTHC_PSTATE_DIR RTHC_CPU_DIR "/intel_pstate"
#define RTHC_AMD_PSTATE_DIR RTHC_CPU_DIR "/amd_pstate"

/* The idle-state exit-latency budget in µs (--set cstate_max_latency_us=N, default 2). */
#define RTHC_CSTATE_BUDGET_VAR "cstate_max_latency_us"
#define RTHC_CSTATE_BUDGET_DEFAULT 2

/*
 * The budget from ctx; on a value that is not a non-negative number, sets an error result naming
 * the variable and returns false.
 */
bool rthc_power_budget(struct rthc_ctx *ctx, struct rthc_result *r, int64_t *budget);

/*
 * The running cpuidle driver: 1 with *driver set (malloc'd, may be "none"), 0 when there is no
 * cpuidle directory at all (CONFIG_CPU_IDLE=n), or a negative errno after an error result.
 */
int rthc_power_idle_driver(struct rthc_ctx *ctx, struct rthc_result *r, char **driver);

/* What the scan of the idle states of the isolated CPUs found. */
struct rthc_idle_scan {
	struct rthc_cpuset deep; /* ISO CPUs with an enabled state above the budget */
	int64_t worst_latency; /* highest exit latency among enabled non-POLL states; -1 if none */
	unsigned ndeep; /* enabled (CPU, state) pairs above the budget */
};

/*
 * Walk cpuN/cpuidle/stateK/{name,latency,disable} of every online ISO CPU. With items, each
 * enabled state above the budget becomes an item ("cpu 3": "C6 (state3): exit latency 133 µs")
 * and a disable action. Returns 0, or a negative errno after an error result naming the file.
 */
int rthc_power_scan_idle(struct rthc_ctx *ctx, struct rthc_result *r, int64_t budget, bool items,
			 struct rthc_idle_scan *s);
void rthc_idle_scan_done(struct rthc_idle_scan *s);

/*
 * The last P-state mode a parameter (intel_pstate= or amd_pstate=) asks for: "disable",
 * "passive", "active" or "guided" (only those words; other options such as no_hwp are ignored),
 * or NULL. Every occurrence is applied in order, as the kernel's __setup handlers do.
 */
const char *rthc_power_pstate_request(const struct rthc_cmdline *cl, const char *key);

/* The run functions (one per check). */
void rthc_power_cstates(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_power_pm_qos(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_power_idle_poll(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_power_cstate_limits(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_power_idle_conflicts(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_power_governor(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_power_pstate_params(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_power_turbo(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_power_cmdline_pstate(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_power_pstate_governor(struct rthc_ctx *ctx, struct rthc_result *r);
