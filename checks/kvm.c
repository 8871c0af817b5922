/* KVM module parameter checks (spec/checks.md §8). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hw-kmod.h"
#include "util.h"

/* One parameter of a loaded module whose value takes effect when the module loads. */
struct param_rule {
	const char *module; /* sysfs spelling: "kvm_intel" */
	const char *param;
	bool boolean; /* Y/N parameter; else an integer */
	long long good; /* the RT value (0/1 for booleans) */
	const char *why; /* what a bad value costs, for the reason */
};

/* Module boolean values as the kernel prints and accepts them: Y/N, 1/0, on/off. */
static int parse_bool(const char *s, long long *v)
{
	if (!s)
		return -EINVAL;
	if (streq(s, "Y") || streq(s, "y") || streq(s, "1") || strcasecmp(s, "on") == 0) {
		*v = 1;
		return 0;
	}
	if (streq(s, "N") || streq(s, "n") || streq(s, "0") || strcasecmp(s, "off") == 0) {
		*v = 0;
		return 0;
	}
	return -EINVAL;
}

static int parse_value(const struct param_rule *p, const char *s, long long *v)
{
	char *end;

	if (p->boolean)
		return parse_bool(s, v);
	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	*v = strtoll(s, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

static const char *show(const struct param_rule *p, long long v, char buf[static 24])
{
	if (p->boolean)
		return v ? "Y" : "N";
	snprintf(buf, 24, "%lld", v);
	return buf;
}

/*
 * Whether a module is loaded or built in (/proc/modules, /sys/module): 1, 0, or a negative errno
 * after setting an error result (neither file exists, or libkmod cannot be set up).
 */
static int module_present(struct rthc_ctx *ctx, struct rthc_result *r, const char *module)
{
	_cleanup_kmod_ struct rthc_kmod *k = NULL;
	enum rthc_kmod_load_state st;
	int err;

	err = rthc_kmod_new(ctx->host, ctx->facts->kernel.release, &k);
	if (err < 0) {
		rthc_result_errorf(r, err, "cannot set up libkmod");
		return err;
	}
	err = rthc_kmod_load_state(k, module, &st);
	if (err < 0) {
		rthc_result_error(r, err, rthc_kmod_err_path(k));
		return err;
	}
	return st != RTHC_KMOD_NOT_LOADED;
}

/* The running value of a parameter; error result on failure. */
static int read_param(struct rthc_ctx *ctx, struct rthc_result *r, const char *module,
		      const char *param, char **raw)
{
	char path[192];
	int err;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", module, param);
	err = rthc_host_read_str(ctx->host, path, raw);
	if (err < 0) {
		rthc_result_error(r, err, path);
		return err;
	}
	rthc_evidence(r, path, "%s", *raw);
	return 0;
}

/*
 * The value the module gets at its next load: module.param= on the target's command line wins over
 * modprobe.d (modprobe appends the command-line options last). *src names where it came from.
 */
static int next_value(struct rthc_ctx *ctx, struct rthc_result *r, struct rthc_kmod *k,
		      const struct param_rule *p, long long *v, const char **src)
{
	const struct rthc_cmdline *cl = ctx->facts->kernel.cmdline;
	_cleanup_free_ char *opt = NULL;
	char key[128];
	const char *cv;
	int err;

	snprintf(key, sizeof(key), "%s.%s", p->module, p->param);
	cv = rthc_cmdline_get(cl, key);
	err = rthc_kmod_option(k, p->module, p->param, &opt);
	if (err < 0)
		return err;
	rthc_observe_str(r, "modprobe_d", opt);
	rthc_observe_str(r, "cmdline", cv);
	if (opt) {
		_cleanup_free_ char *path = NULL, *line = NULL;

		if (rthc_kmod_config_line(k, "options", p->module, &path, &line) > 0)
			rthc_evidence(r, path, "%s", line);
	}
	if (cv) {
		rthc_evidence(r, "/proc/cmdline", "%s=%s", key, cv);
		*src = "the kernel command line";
		return parse_value(p, cv, v) < 0 ? 0 : 1;
	}
	*src = "modprobe.d";
	return opt && parse_value(p, opt, v) == 0;
}

/*
 * Judge a read-only parameter: pass when the running value is the RT value; pending_reboot when
 * only the persisted configuration has it; warn otherwise (or when the next load would undo a good
 * running value).
 */
static void judge_param(struct rthc_ctx *ctx, struct rthc_result *r, const struct param_rule *p)
{
	_cleanup_kmod_ struct rthc_kmod *k = NULL;
	_cleanup_free_ char *raw = NULL;
	const char *src = NULL;
	char b1[24], b2[24], value[128];
	long long cur, next = 0;
	int err, has_next;

	if (read_param(ctx, r, p->module, p->param, &raw) < 0)
		return;
	if (parse_value(p, raw, &cur) < 0) {
		rthc_result_errorf(r, -EINVAL, "cannot parse /sys/module/%s/parameters/%s: '%s'",
				   p->module, p->param, raw);
		return;
	}
	err = rthc_kmod_new(ctx->host, ctx->facts->kernel.release, &k);
	has_next = err < 0 ? err : next_value(ctx, r, k, p, &next, &src);
	if (has_next < 0) {
		rthc_result_errorf(r, has_next,
				   "cannot read the modprobe.d configuration through libkmod");
		return;
	}
	rthc_expect_str(r, "running", show(p, p->good, b1));
	rthc_observe_str(r, "running", show(p, cur, b2));
	if (cur == p->good && (!has_next || next == p->good)) {
		rthc_pass(r, "%s.%s is %s", p->module, p->param, raw);
		return;
	}
	if (cur == p->good) {
		rthc_warn(r, "%s.%s is %s now, but %s sets %s for the next load of %s", p->module,
			  p->param, raw, src, show(p, next, b1), p->module);
	} else if (has_next && next == p->good) {
		rthc_result_set(r, RTHC_STATUS_PENDING_REBOOT,
				"%s sets %s.%s=%s, but the loaded module still has %s: reload %s "
				"with no VMs running, or reboot",
				src, p->module, p->param, show(p, next, b1), raw, p->module);
		rthc_remedy(r, false, true, "reload %s (no VMs running) or reboot", p->module);
		rthc_remedy_action(r, RTHC_ACTION_MANUAL, p->module, "reload");
		return;
	} else {
		rthc_warn(r, "%s.%s is %s: %s", p->module, p->param, raw, p->why);
	}
	rthc_remedy(r, true, true,
		    "options %s %s=%s in /etc/modprobe.d (read-only parameter: reload %s with no "
		    "VMs running, or reboot)",
		    p->module, p->param, show(p, p->good, b1), p->module);
	snprintf(value, sizeof(value), "%s=%s", p->param, show(p, p->good, b1));
	rthc_remedy_action(r, RTHC_ACTION_MODPROBE, p->module, value);
}

static void kvmclock_periodic_sync(struct rthc_ctx *ctx, struct rthc_result *r)
{
	static const struct param_rule p = {
		"kvm",
		"kvmclock_periodic_sync",
		true,
		0,
		"every VM gets a kvmclock update work item every 300 s",
	};
	int present = module_present(ctx, r, "kvm");

	if (present < 0)
		return;
	if (!present) {
		rthc_na(r, "the kvm module is not loaded (not in /proc/modules or /sys/module)");
		return;
	}
	judge_param(ctx, r, &p);
}

/* Judge the Intel or the AMD parameter, whichever module is loaded. */
static void judge_vendor(struct rthc_ctx *ctx, struct rthc_result *r,
			 const struct param_rule *intel, const struct param_rule *amd)
{
	int i = module_present(ctx, r, "kvm_intel"), a;

	if (i < 0)
		return;
	a = i ? 0 : module_present(ctx, r, "kvm_amd");
	if (a < 0)
		return;
	if (!i && !a) {
		rthc_na(r, "neither kvm_intel nor kvm_amd is loaded (not in /proc/modules or "
			   "/sys/module)");
		return;
	}
	judge_param(ctx, r, i ? intel : amd);
}

static void ple(struct rthc_ctx *ctx, struct rthc_result *r)
{
	static const struct param_rule intel = {
		"kvm_intel",
		"ple_gap",
		false,
		0,
		"Pause-Loop Exiting turns guest spin loops into VM exits",
	};
	static const struct param_rule amd = {
		"kvm_amd",
		"pause_filter_count",
		false,
		0,
		"the pause filter turns guest spin loops into VM exits",
	};

	judge_vendor(ctx, r, &intel, &amd);
}

static void apicv(struct rthc_ctx *ctx, struct rthc_result *r)
{
	static const struct param_rule intel = {
		"kvm_intel",
		"enable_apicv",
		true,
		1,
		"without APIC virtualization every interrupt and timer injection exits to the host",
	};
	static const struct param_rule amd = {
		"kvm_amd",
		"avic",
		true,
		1,
		"without AVIC every interrupt and timer injection exits to the host",
	};

	judge_vendor(ctx, r, &intel, &amd);
}

#define VULN_ITLB "/sys/devices/system/cpu/vulnerabilities/itlb_multihit"

static void nx_huge_pages(struct rthc_ctx *ctx, struct rthc_result *r)
{
	_cleanup_free_ char *raw = NULL, *itlb = NULL;
	int present = module_present(ctx, r, "kvm"), err;
	long long on = 0;

	if (present < 0)
		return;
	if (!present) {
		rthc_na(r, "the kvm module is not loaded (not in /proc/modules or /sys/module)");
		return;
	}
	if (rthc_host_exists(ctx->host, "/sys/module/kvm/parameters/nx_huge_pages") == 0) {
		rthc_na(r, "kvm has no nx_huge_pages parameter (not x86, or a kernel before 5.4): "
			   "/sys/module/kvm/parameters/nx_huge_pages is absent");
		return;
	}
	if (read_param(ctx, r, "kvm", "nx_huge_pages", &raw) < 0)
		return;
	rthc_expect_str(r, "mitigation", "off, or the CPU is not affected");
	rthc_observe_str(r, "nx_huge_pages", raw);
	if (streq(raw, "never") || (parse_bool(raw, &on) == 0 && !on)) {
		rthc_pass(r, "kvm.nx_huge_pages is %s: huge pages are not split", raw);
		return;
	}
	if (parse_bool(raw, &on) < 0) {
		rthc_result_errorf(r, -EINVAL,
				   "cannot parse /sys/module/kvm/parameters/nx_huge_pages: '%s'",
				   raw);
		return;
	}
	err = rthc_host_read_str(ctx->host, VULN_ITLB, &itlb);
	if (err < 0) {
		rthc_result_error(r, err, VULN_ITLB);
		return;
	}
	rthc_evidence(r, VULN_ITLB, "%s", itlb);
	rthc_observe_str(r, "itlb_multihit", itlb);
	if (streq(itlb, "Not affected")) {
		/* The kernel wins: a forced Y still splits pages even where the CPU is not
		 * affected. */
		rthc_info(r, "the CPU is not affected by iTLB multihit, but kvm.nx_huge_pages=Y "
			     "forces the page splitting anyway");
		return;
	}
	if (strstr(itlb, "VMX disabled") || strstr(itlb, "VMX unsupported")) {
		rthc_pass(r, "kvm.nx_huge_pages is Y, but VMX is off (%s): no guest is affected",
			  itlb);
		return;
	}
	rthc_warn(r,
		  "the iTLB multihit mitigation is active (%s): KVM splits guest huge pages and "
		  "runs kvm-nx-lpage-recovery threads",
		  itlb);
	rthc_remedy(r, true, false,
		    "echo off > /sys/module/kvm/parameters/nx_huge_pages (a security trade-off: "
		    "only with trusted guests), persist with 'options kvm nx_huge_pages=off'");
	rthc_remedy_action(r, RTHC_ACTION_SYSFS, "/sys/module/kvm/parameters/nx_huge_pages", "off");
	rthc_remedy_action(r, RTHC_ACTION_MODPROBE, "kvm", "nx_huge_pages=off");
}

/* Report an integer parameter of kvm as info. */
static void report_int(struct rthc_ctx *ctx, struct rthc_result *r, const char *param,
		       const char *what)
{
	_cleanup_free_ char *raw = NULL;
	int present = module_present(ctx, r, "kvm");
	long long v;
	char *end;

	if (present < 0)
		return;
	if (!present) {
		rthc_na(r, "the kvm module is not loaded (not in /proc/modules or /sys/module)");
		return;
	}
	if (read_param(ctx, r, "kvm", param, &raw) < 0)
		return;
	errno = 0;
	v = strtoll(raw, &end, 10);
	if (errno || end == raw || *end) {
		rthc_result_errorf(r, -EINVAL, "cannot parse /sys/module/kvm/parameters/%s: '%s'",
				   param, raw);
		return;
	}
	rthc_observe_int(r, param, v);
	rthc_info(r, "kvm.%s = %lld (%s)", param, v, what);
}

static void halt_poll_ns(struct rthc_ctx *ctx, struct rthc_result *r)
{
	report_int(ctx, r, "halt_poll_ns",
		   "how long the host polls before halting an idle vCPU; guests with idle=poll or "
		   "haltpoll turn it off through MSR_KVM_POLL_CONTROL");
}

static void lapic_timer_advance(struct rthc_ctx *ctx, struct rthc_result *r)
{
	_cleanup_free_ char *raw = NULL;
	long long on;

	/* Kernels since 6.x replaced lapic_timer_advance_ns (-1 adaptive) with a boolean. */
	if (rthc_host_exists(ctx->host, "/sys/module/kvm/parameters/lapic_timer_advance_ns") != 0 ||
	    rthc_host_exists(ctx->host, "/sys/module/kvm/parameters/lapic_timer_advance") <= 0) {
		report_int(ctx, r, "lapic_timer_advance_ns",
			   "-1 = adaptive; tuned dropped its tuning for a 3-4 us gain");
		return;
	}
	if (read_param(ctx, r, "kvm", "lapic_timer_advance", &raw) < 0)
		return;
	if (parse_bool(raw, &on) < 0) {
		rthc_result_errorf(r, -EINVAL,
				   "cannot parse /sys/module/kvm/parameters/lapic_timer_advance: "
				   "'%s'",
				   raw);
		return;
	}
	rthc_observe_bool(r, "lapic_timer_advance", on);
	rthc_info(r, "kvm.lapic_timer_advance = %s (%s)", raw,
		  on ? "adaptive timer advance for TSC-deadline guests" : "timer advance off");
}

const struct rthc_check rthc_checks_kvm[] = {
	{
		.id = "kvm.kvmclock_periodic_sync",
		.title = "KVM does not resync kvmclock every 300 s",
		.category = RTHC_CAT_KVM,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/sys/module/kvm/parameters/kvmclock_periodic_sync; modprobe.d 'options "
			 "kvm' through libkmod; kvm.kvmclock_periodic_sync= on /proc/cmdline",
		.why = "With periodic sync KVM queues a kvmclock update work item for every VM "
		       "every 300 s, which interrupts the vCPUs.",
		.pass = "the loaded kvm module has N, and the next load keeps it (pending_reboot "
			"when only modprobe.d or the command line has it yet)",
		.remedy = "CFG options kvm kvmclock_periodic_sync=0 (read-only parameter: reload "
			  "kvm with no VMs running, or reboot)",
		.sources = "[T-RVH] [T-FN]",
		.run = kvmclock_periodic_sync,
	},
	{
		.id = "kvm.ple",
		.title = "Pause-loop exiting is off",
		.category = RTHC_CAT_KVM,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/sys/module/kvm_intel/parameters/ple_gap or "
			 "/sys/module/kvm_amd/parameters/pause_filter_count; modprobe.d options; "
			 "the command line",
		.why = "Pause-Loop Exiting turns a guest's spin loop into a VM exit and a yield on "
		       "the host: an RT vCPU pinned alone on its CPU only loses time by it.",
		.pass = "ple_gap (Intel) or pause_filter_count (AMD) is 0; not applicable when "
			"neither module is loaded",
		.remedy = "CFG options kvm_intel ple_gap=0 / options kvm_amd pause_filter_count=0 "
			  "(read-only: reload or reboot)",
		.sources = "[T-RVH] [T-FN]",
		.run = ple,
	},
	{
		.id = "kvm.nx_huge_pages",
		.title = "The iTLB multihit mitigation does not split guest huge pages",
		.category = RTHC_CAT_KVM,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/sys/module/kvm/parameters/nx_huge_pages; "
			 "/sys/devices/system/cpu/vulnerabilities/itlb_multihit",
		.why = "With the mitigation active KVM maps guest huge pages non-executable, "
		       "splits them on instruction fetches and runs kvm-nx-lpage-recovery threads "
		       "per VM.",
		.pass = "nx_huge_pages is N/never, or VMX is off; warn only when itlb_multihit "
			"reports the mitigation active; info when the CPU is not affected but Y "
			"forces it",
		.remedy = "RT echo off > /sys/module/kvm/parameters/nx_huge_pages (security "
			  "trade-off: trusted guests only); CFG options kvm nx_huge_pages=off",
		.sources = "[T-RVH] [T-FN] [KP]",
		.run = nx_huge_pages,
	},
	{
		.id = "kvm.halt_poll_ns",
		.title = "KVM halt polling",
		.category = RTHC_CAT_KVM,
		.modes = RTHC_MODE_HOST,
		.reads = "/sys/module/kvm/parameters/halt_poll_ns",
		.why = "Host-side polling before halting an idle vCPU trades host CPU time for "
		       "wake-up latency; irrelevant when the guest uses idle=poll or haltpoll.",
		.pass = "reported (info)",
		.remedy = "RT write /sys/module/kvm/parameters/halt_poll_ns",
		.sources = "[KVMID]",
		.run = halt_poll_ns,
	},
	{
		.id = "kvm.lapic_timer_advance",
		.title = "KVM LAPIC timer advance",
		.category = RTHC_CAT_KVM,
		.modes = RTHC_MODE_HOST,
		.reads = "/sys/module/kvm/parameters/lapic_timer_advance_ns (or "
			 "lapic_timer_advance on newer kernels)",
		.why = "KVM can fire a guest's TSC-deadline timer early to hide the injection "
		       "latency; adaptive (-1) by default; tuned dropped its tuning (a 3-4 us "
		       "gain).",
		.pass = "reported (info)",
		.remedy = "none needed",
		.sources = "tuned 51c50a3",
		.run = lapic_timer_advance,
	},
	{
		.id = "kvm.apicv",
		.title = "APIC virtualization (APICv/AVIC) is on",
		.category = RTHC_CAT_KVM,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "/sys/module/kvm_intel/parameters/enable_apicv, "
			 "/sys/module/kvm_amd/parameters/avic; modprobe.d options",
		.why = "Posted interrupts deliver interrupts and timer ticks to a running vCPU "
		       "without a VM exit. KVM clears the parameter at load when the CPU lacks the "
		       "feature, so the running value is what the hardware allows.",
		.pass = "enable_apicv (Intel) or avic (AMD) is Y",
		.remedy = "CFG options kvm_intel enable_apicv=1 / options kvm_amd avic=1, reload "
			  "or reboot",
		.sources = "—",
		.run = apicv,
	},
	{0},
};
