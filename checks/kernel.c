/* Kernel build checks (spec/checks.md §1): PREEMPT_RT and friends. */
#include <errno.h>
#include <stdio.h>

#include "util.h"

static void preempt_rt(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_kernel_facts *k = &ctx->facts->kernel;

	rthc_expect_bool(r, "preempt_rt", true);
	if (k->version)
		rthc_evidence(r, "/proc/sys/kernel/version", "%s", k->version);
	if (k->realtime_sysfs >= 0)
		rthc_evidence(r, "/sys/kernel/realtime", "%d", k->realtime_sysfs);
	if (k->config_path)
		rthc_evidence(r, k->config_path, "kernel config read");
	if (k->preempt_rt) {
		rthc_observe_bool(r, "preempt_rt", true);
		rthc_observe_str(r, "source", k->preempt_rt_evidence);
		rthc_pass(r, "kernel %s is a PREEMPT_RT kernel (%s)", k->release ? k->release : "(unknown release)",
			  k->preempt_rt_evidence);
		return;
	}
	if (!k->version && !k->config && k->realtime_sysfs < 0) {
		rthc_result_error(r, k->version_err.err ? k->version_err.err : -ENODATA, "/proc/sys/kernel/version");
		return;
	}
	rthc_observe_bool(r, "preempt_rt", false);
	rthc_observe_str(r, "preempt_model", rthc_preempt_model_to_string(k->preempt_model));
	rthc_fail(r, "kernel %s is not a PREEMPT_RT kernel (preemption model: %s)",
		  k->release ? k->release : "(unknown release)", rthc_preempt_model_to_string(k->preempt_model));
	rthc_remedy(r, false, true,
		    "install and boot a PREEMPT_RT kernel (Debian: linux-image-rt-amd64; RHEL: kernel-rt; "
		    "Ubuntu: pro enable realtime-kernel)");
	rthc_remedy_action(r, RTHC_ACTION_MANUAL, "kernel", "PREEMPT_RT");
}

const struct rthc_check rthc_checks_kernel[] = {
	{
		.id = "kernel.preempt_rt",
		.title = "Kernel is built with PREEMPT_RT",
		.category = RTHC_CAT_KERNEL,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "/sys/kernel/realtime, /proc/sys/kernel/version (uname -v), "
			 "/boot/config-$(uname -r) or /proc/config.gz (CONFIG_PREEMPT_RT)",
		.why = "A non-RT kernel has non-preemptible spinlocks and softirq sections: a vCPU or RT task "
		       "can wait an unbounded time behind them.",
		.pass = "any positive signal: /sys/kernel/realtime is 1, the version string contains "
			"PREEMPT_RT (older: \"PREEMPT RT\"), or CONFIG_PREEMPT_RT=y",
		.remedy = "BOOT: install and boot the distribution's RT kernel (linux-image-rt-amd64, "
			  "kernel-rt, Ubuntu Pro realtime-kernel)",
		.sources = "[RTSYSFS] [UBU-VM] [LV]",
		.run = preempt_rt,
	},
	{0},
};
