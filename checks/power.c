/*
 * Checks of the power family (spec/checks.md §6, with cmdline.pstate, cmdline.cstate_limits and
 * the power cross-checks of §12). The run functions live in power-idle.c, power-cmdline.c and
 * power-freq.c; this file holds the descriptors and the helpers they share.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "power.h"

bool rthc_power_budget(struct rthc_ctx *ctx, struct rthc_result *r, int64_t *budget)
{
	int err;
	long long v =
		rthc_ctx_var_int(ctx, RTHC_CSTATE_BUDGET_VAR, RTHC_CSTATE_BUDGET_DEFAULT, &err);

	if (err == 0 && v < 0)
		err = -ERANGE;
	if (err < 0) {
		rthc_result_errorf(r, err, "--set %s=%s is not a number of microseconds (≥ 0)",
				   RTHC_CSTATE_BUDGET_VAR,
				   rthc_ctx_var(ctx, RTHC_CSTATE_BUDGET_VAR));
		rthc_evidence(r, "--set", "%s=%s", RTHC_CSTATE_BUDGET_VAR,
			      rthc_ctx_var(ctx, RTHC_CSTATE_BUDGET_VAR));
		return false;
	}
	*budget = v;
	return true;
}

/*
 * intel_pstate_setup() runs once per occurrence: "disable" sets no_load for good, "active" and
 * "passive" pick the default driver (the last one wins). amd_pstate= keeps the last mode.
 */
const char *rthc_power_pstate_request(const struct rthc_cmdline *cl, const char *key)
{
	static const char *const modes[] = {"disable", "passive", "active", "guided"};
	bool intel = rthc_cmdline_key_eq(key, "intel_pstate");
	const char *mode = NULL;

	for (size_t i = 0; i < cl->nparams; i++) {
		const struct rthc_cmdline_param *p = &cl->params[i];

		if (!rthc_cmdline_key_eq(p->key, key) || !p->value)
			continue;
		for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
			if (!streq(p->value, modes[m]) || (intel && m == 3))
				continue;
			if (!(intel && mode && streq(mode, "disable")))
				mode = modes[m];
		}
	}
	return mode;
}

const struct rthc_check rthc_checks_power[] = {
	{
		.id = "power.cstates",
		.title = "Isolated CPUs cannot enter slow-exit idle states",
		.category = RTHC_CAT_POWER,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/sys/devices/system/cpu/cpuidle/{current_driver,current_governor}; "
			 "cpuN/cpuidle/stateK/{name,latency,disable} of every isolated CPU",
		.why = "The exit latency of a deep C-state (C6 ≈ 100 µs) is added to every wake-up "
		       "of an isolated CPU.",
		.pass = "on every isolated CPU, every enabled idle state other than POLL has an "
			"exit latency ≤ the budget (--set cstate_max_latency_us=N, default 2 µs: "
			"POLL/C1); not applicable without a cpuidle driver; info instead of warn "
			"in a guest",
		.remedy = "RT echo 1 > /sys/devices/system/cpu/cpuN/cpuidle/stateK/disable per "
			  "isolated CPU, or PM QoS (power.pm_qos); BOOT intel_idle.max_cstate=0 "
			  "processor.max_cstate=1; BIOS C-state limits (Intel TCC mode)",
		.sources = "[NTO] [T-LP] [UBU-TCC] [NOHZ]",
		.run = rthc_power_cstates,
	},
	{
		.id = "power.pm_qos",
		.title = "PM QoS caps the wake-up latency of isolated CPUs",
		.category = RTHC_CAT_POWER,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/dev/cpu_dma_latency (binary s32, live only); "
			 "/sys/devices/system/cpu/cpuN/power/pm_qos_resume_latency_us (0 = no "
			 "limit, n/a = 0 µs)",
		.why = "PM QoS is the preferred knob: the idle governor never picks a state whose "
		       "exit latency exceeds the CPU's limit.",
		.pass = "the lower of both limits is ≤ the budget (cstate_max_latency_us) on every "
			"isolated CPU; otherwise info",
		.remedy = "RT write the budget to cpuN/power/pm_qos_resume_latency_us (until "
			  "reboot); /dev/cpu_dma_latency holds only while an fd stays open (tuned "
			  "force_latency)",
		.sources = "[T-CPU] [T-LP] [NOHZ]",
		.run = rthc_power_pm_qos,
	},
	{
		.id = "power.idle_poll",
		.title = "idle=poll is a deliberate choice",
		.category = RTHC_CAT_POWER,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "idle= on /proc/cmdline; /sys/devices/system/cpu/cpuidle/current_driver",
		.why = "idle=poll gives the lowest wake-up latency but burns full power, costs "
		       "turbo headroom and disables cpuidle and haltpoll.",
		.pass = "reported as info: only the operator knows whether it is intended",
		.remedy = "BOOT add or remove idle=poll",
		.sources = "[NOHZ] [NTO] [UBU-VM]",
		.run = rthc_power_idle_poll,
	},
	{
		.id = "power.governor",
		.title = "Isolated CPUs hold their frequency",
		.category = RTHC_CAT_POWER,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/sys/devices/system/cpu/cpuN/cpufreq/{scaling_driver,scaling_governor,"
			 "scaling_min_freq,scaling_max_freq,energy_performance_preference}",
		.why = "ondemand, schedutil and powersave change frequency at runtime: transition "
		       "stalls and governor kworkers on the isolated CPUs.",
		.pass = "on every isolated CPU the governor is performance (or scaling_min_freq == "
			"scaling_max_freq), and EPP is performance where HWP exposes it; not "
			"applicable without cpufreq (the BIOS controls frequency)",
		.remedy = "RT echo performance > cpuN/cpufreq/scaling_governor (and "
			  "energy_performance_preference)",
		.sources = "[T-LP] [NTO] [KTH]",
		.run = rthc_power_governor,
	},
	{
		.id = "power.pstate_params",
		.title = "P-state driver limits",
		.category = RTHC_CAT_POWER,
		.modes = RTHC_MODE_HOST,
		.reads = "/sys/devices/system/cpu/intel_pstate/{status,no_turbo,min_perf_pct}; "
			 "/sys/devices/system/cpu/amd_pstate/status",
		.why = "With intel_pstate a min_perf_pct below 100 lets the hardware clock "
		       "isolated CPUs down between bursts.",
		.pass = "intel_pstate min_perf_pct = 100 (latency-performance); info otherwise and "
			"for amd_pstate",
		.remedy = "RT echo 100 > /sys/devices/system/cpu/intel_pstate/min_perf_pct",
		.sources = "[T-LP] [T-CPU]",
		.run = rthc_power_pstate_params,
	},
	{
		.id = "power.turbo",
		.title = "Turbo state",
		.category = RTHC_CAT_POWER,
		.modes = RTHC_MODE_HOST,
		.reads = "/sys/devices/system/cpu/intel_pstate/no_turbo or "
			 "/sys/devices/system/cpu/cpufreq/boost",
		.why = "Turbo adds peak speed but thermal and frequency variance; vendors "
		       "disagree.",
		.pass = "reported as info with both positions",
		.remedy = "RT echo 1 > …/intel_pstate/no_turbo (or 0 > cpufreq/boost) if the "
			  "policy says off",
		.sources = "[T-LP] [T-CP]",
		.run = rthc_power_turbo,
	},
	{
		.id = "cmdline.pstate",
		.title = "P-state driver mode matches the command line",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "intel_pstate=, amd_pstate= on /proc/cmdline; "
			 "/sys/devices/system/cpu/{intel_pstate,amd_pstate}/status; "
			 "cpuN/cpufreq/scaling_driver",
		.why = "Vendors differ: RHEL realtime/cpu-partitioning disable intel_pstate, "
		       "-powersave uses passive, OpenShift active/guided; firmware-enabled HWP "
		       "overrides intel_pstate=disable.",
		.pass = "info with the vendor positions; warn when the running mode is not the one "
			"the command line asks for (the kernel wins)",
		.remedy = "BOOT intel_pstate=/amd_pstate=; RT echo passive > "
			  "/sys/devices/system/cpu/intel_pstate/status",
		.sources = "[T-RT] [T-CP] [NTO]",
		.run = rthc_power_cmdline_pstate,
	},
	{
		.id = "cmdline.cstate_limits",
		.title = "Boot-time C-state caps are in effect",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "intel_idle.max_cstate=, processor.max_cstate=, idle=poll on "
			 "/proc/cmdline; /sys/module/{intel_idle,processor}/parameters/max_cstate; "
			 "the idle states of the isolated CPUs",
		.why = "Boot caps are the persistent form of power.cstates; a misspelt or ignored "
		       "cap leaves deep states enabled.",
		.pass = "the running caps equal the requested ones and no enabled idle state of an "
			"isolated CPU exceeds the budget; info when no cap is given",
		.remedy = "BOOT intel_idle.max_cstate=0 processor.max_cstate=1",
		.sources = "[NTO] [NOHZ]",
		.run = rthc_power_cstate_limits,
	},
	{
		.id = "xcheck.idle_conflicts",
		.title = "Idle settings on the command line do not conflict",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "idle=, intel_idle.max_cstate=, processor.max_cstate=, cpuidle.governor=, "
			 "cpuidle_haltpoll.*/haltpoll.* on /proc/cmdline; cpuidle/current_driver",
		.why = "idle=poll disables cpuidle and haltpoll, so their tuning does nothing; "
		       "intel_idle.max_cstate=0 alone hands idle to acpi_idle with deeper "
		       "C-states.",
		.pass = "no conflicting or dead idle settings; info listing each conflict "
			"otherwise",
		.remedy = "BOOT: idle=poll alone, or intel_idle.max_cstate=0 "
			  "processor.max_cstate=1",
		.sources = "[NTO] [HPOLL]",
		.run = rthc_power_idle_conflicts,
	},
	{
		.id = "xcheck.pstate_governor",
		.title = "A disabled P-state driver is replaced by acpi-cpufreq at performance",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_HOST,
		.reads = "intel_pstate=, amd_pstate= on /proc/cmdline; "
			 "cpuN/cpufreq/{scaling_driver,scaling_governor,scaling_min_freq,"
			 "scaling_max_freq}",
		.why = "With intel_pstate=disable the frequency is governed by acpi-cpufreq, or by "
		       "the BIOS alone when no cpufreq driver loads.",
		.pass = "with intel_pstate=disable (or amd_pstate=disable): acpi-cpufreq with the "
			"performance governor on the isolated CPUs",
		.remedy = "RT echo performance > cpuN/cpufreq/scaling_governor; BIOS performance "
			  "profile",
		.sources = "[T-RT]",
		.run = rthc_power_pstate_governor,
	},
	{0},
};
