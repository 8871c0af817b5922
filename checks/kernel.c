/* Kernel build checks (spec/checks.md §1): PREEMPT_RT. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define VERSION_PATH "/proc/sys/kernel/version"

/*
 * CONFIG_PREEMPT_RT=y (mainline and RT patch sets since 5.3) or CONFIG_PREEMPT_RT_FULL=y (the RT
 * patch sets before 5.3).
 */
static const char *config_says_rt(const struct rthc_facts *f)
{
	static const char *const opts[] = {"CONFIG_PREEMPT_RT", "CONFIG_PREEMPT_RT_FULL"};
	char buf[8];
	bool known;

	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		const char *v = rthc_facts_kconfig(f, opts[i], &known, buf, sizeof(buf));

		if (v && streq(v, "y"))
			return opts[i];
	}
	return NULL;
}

/* uname -v is UTS_VERSION: "#1 SMP PREEMPT_RT Debian ..." always starts with '#'. */
static bool version_looks_valid(const char *v)
{
	return v && v[0] == '#';
}

static bool version_says_rt(const char *v)
{
	return version_looks_valid(v) && (strstr(v, "PREEMPT_RT") || strstr(v, "PREEMPT RT"));
}

static void preempt_rt(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_kernel_facts *k = &f->kernel;
	const char *release = k->release ? k->release : "(unknown release)";
	const char *source = NULL;

	if (k->version)
		rthc_evidence(r, VERSION_PATH, "%s", k->version);
	if (k->realtime_sysfs >= 0)
		rthc_evidence(r, "/sys/kernel/realtime", "%d", k->realtime_sysfs);
	if (k->config_path && config_says_rt(f))
		rthc_evidence(r, k->config_path, "%s=y", config_says_rt(f));
	else if (k->config_path)
		rthc_evidence(r, k->config_path, "CONFIG_PREEMPT_RT is not set");
	if (k->realtime_sysfs == 1)
		source = "/sys/kernel/realtime is 1";
	else if (version_says_rt(k->version) && strstr(k->version, "PREEMPT_RT"))
		source = "the version string (uname -v) says PREEMPT_RT";
	else if (version_says_rt(k->version))
		source = "the version string (uname -v) says PREEMPT RT (older RT patch sets)";
	else if (config_says_rt(f))
		source = "the kernel config selects PREEMPT_RT";
	rthc_expect_bool(r, "preempt_rt", true);
	if (source) {
		rthc_observe_bool(r, "preempt_rt", true);
		rthc_observe_str(r, "source", source);
		rthc_pass(r, "kernel %s is a PREEMPT_RT kernel: %s", release, source);
		return;
	}
	/* No positive signal: say "not RT" only on a signal that can be trusted. */
	if (k->version && !version_looks_valid(k->version)) {
		rthc_result_errorf(r, -EINVAL, "cannot read %s: \"%s\" is not a kernel version "
				   "string", VERSION_PATH, k->version);
		return;
	}
	if (!k->version && !k->config) {
		rthc_result_error(r, k->version_err.err ? k->version_err.err : -ENODATA,
				  VERSION_PATH);
		return;
	}
	rthc_observe_bool(r, "preempt_rt", false);
	rthc_observe_str(r, "preempt_model", rthc_preempt_model_to_string(k->preempt_model));
	rthc_fail(r, "kernel %s is not a PREEMPT_RT kernel (preemption model: %s, judged from %s)",
		  release, rthc_preempt_model_to_string(k->preempt_model),
		  k->version ? "uname -v" : k->config_path);
	rthc_remedy(r, false, true,
		    "install and boot a PREEMPT_RT kernel (Debian: linux-image-rt-amd64; RHEL: "
		    "kernel-rt; Ubuntu: pro enable realtime-kernel)");
	rthc_remedy_action(r, RTHC_ACTION_MANUAL, "kernel", "PREEMPT_RT");
}

const struct rthc_check rthc_checks_kernel[] = {
	{
		.id = "kernel.preempt_rt",
		.title = "Kernel is built with PREEMPT_RT",
		.category = RTHC_CAT_KERNEL,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "/sys/kernel/realtime (RT patch sets only), /proc/sys/kernel/version "
			 "(uname -v), /boot/config-$(uname -r) or /proc/config.gz "
			 "(CONFIG_PREEMPT_RT, older CONFIG_PREEMPT_RT_FULL)",
		.why = "A non-RT kernel has non-preemptible spinlocks and softirq sections: a "
		       "vCPU or RT task can wait an unbounded time behind them.",
		.pass = "any positive signal: /sys/kernel/realtime is 1, the version string "
			"contains PREEMPT_RT (older: \"PREEMPT RT\"), or CONFIG_PREEMPT_RT=y "
			"(CONFIG_PREEMPT_RT_FULL=y); mainline PREEMPT_RT (6.12+) has no "
			"/sys/kernel/realtime",
		.remedy = "BOOT: install and boot the distribution's RT kernel "
			  "(linux-image-rt-amd64, kernel-rt, Ubuntu Pro realtime-kernel)",
		.sources = "[RTSYSFS] [UBU-VM] [LV]",
		.run = preempt_rt,
	},
	{0},
};
