/* Hardware and firmware checks (spec/checks.md §10). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu-inventory.h"
#include "util.h"

#define VULN_DIR "/sys/devices/system/cpu/vulnerabilities"

/* Mitigations that cost latency on VM entry/exit or in the guest's memory path. */
static const char *latency_cost(const char *name, const char *state)
{
	if (!strneq(state, "Mitigation", 10) && !strneq(state, "KVM: Mitigation", 15))
		return NULL;
	if (streq(name, "l1tf") && strstr(state, "flush"))
		return "L1D flush on VM entry";
	if (streq(name, "itlb_multihit") && strstr(state, "Split huge pages"))
		return "guest huge pages split (see kvm.nx_huge_pages)";
	if (strstr(state, "Clear CPU buffers"))
		return "CPU buffers cleared on kernel exit and VM entry";
	if (strstr(state, "IBRS") && !strstr(state, "Enhanced"))
		return "IBRS on kernel entry";
	if (streq(name, "srso") && strstr(state, "IBPB"))
		return "IBPB on VM exit";
	return NULL;
}

static void vulnerabilities(struct rthc_ctx *ctx, struct rthc_result *r)
{
	unsigned mitigated = 0, vulnerable = 0, unaffected = 0, costly = 0;
	char **names = NULL;
	int err;

	err = rthc_host_list_dir(ctx->host, VULN_DIR, &names, NULL);
	if (err == -ENOENT) {
		rthc_na(r, "the kernel lists no CPU vulnerabilities (" VULN_DIR " is absent)");
		return;
	}
	if (err < 0) {
		rthc_result_error(r, err, VULN_DIR);
		return;
	}
	for (char **nm = names; *nm; nm++) {
		_cleanup_free_ char *state = NULL;
		const char *cost;

		err = rthc_host_read_strf(ctx->host, &state, VULN_DIR "/%s", *nm);
		if (err < 0) {
			char path[256];

			snprintf(path, sizeof(path), VULN_DIR "/%s", *nm);
			rthc_result_error(r, err, path);
			goto out;
		}
		if (strneq(state, "Not affected", 12)) {
			unaffected++;
			continue;
		}
		if (strneq(state, "Vulnerable", 10) || strneq(state, "KVM: Vulnerable", 15) ||
		    strneq(state, "Processor vulnerable", 20))
			vulnerable++;
		else
			mitigated++;
		cost = latency_cost(*nm, state);
		costly += cost != NULL;
		if (cost)
			rthc_item(r, *nm, "%s (latency cost: %s)", state, cost);
		else
			rthc_item(r, *nm, "%s", state);
	}
	rthc_observe_int(r, "mitigated", mitigated);
	rthc_observe_int(r, "vulnerable", vulnerable);
	rthc_observe_int(r, "not_affected", unaffected);
	rthc_observe_int(r, "latency_relevant", costly);
	rthc_info(r,
		  "%u mitigated, %u vulnerable, %u not affected; %u mitigation%s with a latency "
		  "cost (see items)",
		  mitigated, vulnerable, unaffected, costly, costly == 1 ? "" : "s");
out:
	rthc_strv_free(names);
}

/* Split-lock traps in the kernel log (live only); count or negative errno. */
static int kmsg_traps(struct rthc_ctx *ctx, struct rthc_result *r)
{
	char buf[8192];
	int fd, n = 0;

	fd = rthc_host_open(ctx->host, "/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	for (;;) {
		ssize_t l = read(fd, buf, sizeof(buf) - 1);
		const char *ac, *took;

		if (l < 0 && errno == EPIPE)
			continue; /* overwritten records: go on with the next */
		if (l <= 0)
			break;
		buf[l] = '\0';
		took = strstr(buf, " took a split_lock trap");
		if (!took && !strstr(buf, "split_lock trap"))
			continue;
		n++;
		ac = strstr(buf, "#AC: ");
		if (ac && took && ac < took)
			rthc_item(r, "task", "%.*s took a split_lock trap", (int)(took - ac - 5),
				  ac + 5);
	}
	close(fd);
	return n;
}

static void split_lock(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const char *detect = rthc_cmdline_get(f->kernel.cmdline, "split_lock_detect");
	_cleanup_free_ char *mitigate = NULL;
	int traps;

	if (!f->cpuinfo) {
		rthc_result_error(r, f->cpuinfo_err.err ? f->cpuinfo_err.err : -ENODATA,
				  "/proc/cpuinfo");
		return;
	}
	if (!rthc_cpuinfo_is_x86(f->cpuinfo)) {
		rthc_na(r, "not an x86 host: split-lock detection is an x86 feature");
		return;
	}
	if (!rthc_facts_cpu_flag(f, "split_lock_detect") && !rthc_facts_cpu_flag(f, "bus_lock_detect")) {
		rthc_na(r, "the CPU has no split-lock or bus-lock detection (no "
			   "split_lock_detect/bus_lock_detect flag in /proc/cpuinfo)");
		return;
	}
	if (rthc_host_read_str(ctx->host, "/proc/sys/kernel/split_lock_mitigate", &mitigate) < 0)
		mitigate = NULL;
	else
		rthc_evidence(r, "/proc/sys/kernel/split_lock_mitigate", "%s", mitigate);
	if (detect)
		rthc_evidence_param(r, f->kernel.cmdline, "split_lock_detect");
	rthc_observe_str(r, "split_lock_detect", detect ? detect : "warn");
	rthc_observe_str(r, "split_lock_mitigate", mitigate);
	if (detect && streq(detect, "off")) {
		rthc_info(r, "split-lock detection is off (split_lock_detect=off): split locks "
			     "stall all cores unnoticed");
		return;
	}
	if (!rthc_host_is_live(ctx->host)) {
		rthc_info(r,
			  "split-lock detection: %s, split_lock_mitigate=%s; traps are read from "
			  "the kernel log only on a live host",
			  detect ? detect : "warn (default)", mitigate ? mitigate : "absent");
		return;
	}
	traps = kmsg_traps(ctx, r);
	if (traps < 0) {
		rthc_result_error(r, traps, "/dev/kmsg");
		return;
	}
	rthc_expect_int(r, "traps", 0);
	rthc_observe_int(r, "traps", traps);
	if (!traps) {
		rthc_pass(r, "no split_lock trap in the kernel log");
		return;
	}
	rthc_warn(r, "%d split_lock trap%s in the kernel log%s", traps, traps == 1 ? "" : "s",
		  mitigate && streq(mitigate, "1") ? ": split_lock_mitigate=1 slows the offender "
						     "down (it may "
						     "be a vCPU)"
						   : "");
	rthc_remedy(r, false, false,
		    "fix the offending program; consider sysctl kernel.split_lock_mitigate=0");
	rthc_remedy_action(r, RTHC_ACTION_SYSCTL, "kernel.split_lock_mitigate", "0");
}

static void bios_power(struct rthc_ctx *ctx, struct rthc_result *r)
{
	static const char *const dmi[] = { "bios_vendor", "bios_version", "bios_date" };
	_cleanup_free_ char *idle = NULL, *pstate = NULL, *freq = NULL;
	char states[256] = "";
	char **names = NULL;
	bool any = false, hwp = rthc_facts_cpu_flag(ctx->facts, "hwp");

	for (size_t i = 0; i < ARRAY_SIZE(dmi); i++) {
		_cleanup_free_ char *v = NULL;

		if (rthc_host_read_strf(ctx->host, &v, "/sys/class/dmi/id/%s", dmi[i]) < 0)
			v = NULL;
		rthc_observe_str(r, dmi[i], v);
		any |= v != NULL;
	}
	if (rthc_host_read_str(ctx->host, "/sys/devices/system/cpu/cpuidle/current_driver", &idle) <
	    0)
		idle = NULL;
	if (rthc_host_read_str(ctx->host, "/sys/devices/system/cpu/intel_pstate/status", &pstate) <
	    0)
		pstate = NULL;
	if (rthc_host_read_str(ctx->host, "/sys/devices/system/cpu/cpu0/cpufreq/scaling_driver",
			       &freq) < 0)
		freq = NULL;
	if (rthc_host_list_dir(ctx->host, "/sys/devices/system/cpu/cpu0/cpuidle", &names, NULL) ==
	    0) {
		for (char **nm = names; *nm; nm++) {
			_cleanup_free_ char *s = NULL;
			size_t l = strlen(states);

			if (!strneq(*nm, "state", 5) || rthc_host_read_strf(ctx->host, &s,
									    "/sys/devices/system/cpu/cpu0/cpuidle/%s/name",
									    *nm) < 0)
				continue;
			snprintf(states + l, sizeof(states) - l, "%s%s", l ? " " : "", s);
		}
		rthc_strv_free(names);
	}
	rthc_observe_str(r, "cpuidle_driver", idle);
	rthc_observe_str(r, "cpuidle_states", *states ? states : NULL);
	rthc_observe_str(r, "intel_pstate", pstate);
	rthc_observe_str(r, "cpufreq_driver", freq);
	rthc_observe_bool(r, "hwp", hwp);
	any |= idle || pstate || freq || *states;
	if (!any) {
		rthc_na(r, "no DMI, cpuidle or cpufreq information to infer the firmware's power "
			   "settings from");
		return;
	}
	rthc_info(r, "cpuidle %s (%s), frequency driver %s%s%s; %s", idle ? idle : "none",
		  *states ? states : "no states",
		  freq ? freq : "none (the firmware controls frequency)",
		  pstate ? ", intel_pstate " : "", pstate ? pstate : "",
		  hwp ? "HWP lets the CPU pick frequencies itself unless the BIOS disables it"
		      : "no HWP");
}

const struct rthc_check rthc_checks_hw[] = {
	{
		.id = "hw.bios_power",
		.title = "Firmware power management (inferred)",
		.category = RTHC_CAT_HW,
		.modes = RTHC_MODE_HOST,
		.reads = "/sys/class/dmi/id/bios_{vendor,version,date}; "
			 "/sys/devices/system/cpu/cpuidle/current_driver; "
			 "cpu0/cpuidle/state*/name; intel_pstate/status; "
			 "cpu0/cpufreq/scaling_driver; the hwp flag",
		.why = "The BIOS can override OS power control: exposed C-states, HWP and the "
		       "frequency driver show what it left to the OS.",
		.pass = "reported (info)",
		.remedy = "BIOS: power management off or performance profile, minimal EDAC",
		.sources = "[RH7] [UBU-TCC]",
		.run = bios_power,
	},
	{
		.id = "hw.split_lock",
		.title = "No split-lock traps",
		.category = RTHC_CAT_HW,
		.modes = RTHC_MODE_BOTH,
		.reads = "/proc/sys/kernel/split_lock_mitigate; split_lock_detect= on "
			 "/proc/cmdline; the split_lock_detect/bus_lock_detect flags; live: "
			 "/dev/kmsg 'split_lock trap'",
		.why = "A split lock stalls every core; since 6.2 split_lock_mitigate also sleeps "
		       "and serializes the offender, which may be a vCPU thread.",
		.pass = "no split_lock trap in the kernel log (live host); info on a tree or with "
			"detection off; not applicable without the CPU feature",
		.remedy = "fix the offender; consider sysctl kernel.split_lock_mitigate=0",
		.sources = "kernel sysctl docs",
		.run = split_lock,
	},
	{
		.id = "hw.vulnerabilities",
		.title = "CPU vulnerability mitigations",
		.category = RTHC_CAT_HW,
		.modes = RTHC_MODE_BOTH,
		.reads = VULN_DIR "/*",
		.why = "Some mitigations cost latency on every VM entry or exit (L1D flush, buffer "
		       "clearing, IBRS) or split guest huge pages (iTLB multihit).",
		.pass = "reported (info), latency-relevant mitigations marked",
		.remedy = "none (security trade-offs: mitigations= on the command line)",
		.sources = "[KP]",
		.run = vulnerabilities,
	},
	{0},
};
