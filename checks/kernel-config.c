/*
 * Kernel build and boot checks (spec/checks.md §1): preemption model, debug builds, the
 * configuration options isolation needs, RT group scheduling, HZ, boot parameters waiting for a
 * reboot, and the kernel log.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg.h"
#include "strbuf.h"
#include "sys.h"
#include "util.h"

#define PREEMPT_DEBUGFS "/sys/kernel/debug/sched/preempt"

/* The kernel config is there; else an error result naming where it was looked for. */
static bool have_config(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_kernel_facts *k = &ctx->facts->kernel;

	if (k->config) {
		rthc_evidence(r, k->config_path, "kernel config read");
		return true;
	}
	if (k->release) {
		rthc_result_errorf(r, -ENOENT,
				   "no kernel config: neither /boot/config-%s nor /proc/config.gz "
				   "exists",
				   k->release);
		rthc_evidence(r, "/proc/config.gz", "absent");
	} else {
		rthc_result_errorf(r, -ENOENT,
				   "no kernel config: the release is unknown and /proc/config.gz "
				   "does not exist");
	}
	return false;
}

static bool kconfig_y(const struct rthc_facts *f, const char *opt)
{
	char buf[16];
	bool known;
	const char *v = rthc_facts_kconfig(f, opt, &known, buf, sizeof(buf));

	return v && streq(v, "y");
}

/* ---- kernel.preempt_model ---- */

static void model_verdict(struct rthc_result *r, const char *model, const char *how)
{
	rthc_expect_str(r, "model", "full");
	rthc_observe_str(r, "model", model);
	if (streq(model, "full")) {
		rthc_pass(r, "preemption model full (%s): the best model short of PREEMPT_RT", how);
		return;
	}
	if (streq(model, "lazy")) {
		rthc_pass(r,
			  "preemption model lazy (%s): RT tasks preempt at once, only SCHED_OTHER "
			  "preemption is deferred",
			  how);
		return;
	}
	rthc_info(r,
		  "preemption model %s (%s): kernel code runs non-preemptibly for long stretches; "
		  "full is the best fallback without PREEMPT_RT",
		  model, how);
	rthc_remedy(r, true, true,
		    "boot with preempt=full (PREEMPT_DYNAMIC kernels) or boot an RT kernel");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "preempt", "full");
}

static void preempt_model(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_kernel_facts *k = &ctx->facts->kernel;
	_cleanup_free_ char *s = NULL;
	const char *p = k->cmdline ? rthc_cmdline_get(k->cmdline, "preempt") : NULL;
	char model[32];
	int err;

	if (p)
		rthc_evidence(r, "/proc/cmdline", "preempt=%s", p);
	if (k->preempt_rt) {
		rthc_observe_str(r, "model", "rt");
		rthc_pass(r, "PREEMPT_RT kernel (%s)", k->preempt_rt_evidence);
		return;
	}
	err = rthc_host_read_str(ctx->host, PREEMPT_DEBUGFS, &s);
	if (err == 0) {
		const char *open = strchr(s, '('), *close = open ? strchr(open, ')') : NULL;
		size_t len = close ? (size_t)(close - open - 1) : 0;

		rthc_evidence(r, PREEMPT_DEBUGFS, "%s", s);
		if (!len || len >= sizeof(model)) {
			rthc_result_errorf(r, -EINVAL,
					   "%s does not mark the selected model: \"%s\"",
					   PREEMPT_DEBUGFS, s);
			return;
		}
		memcpy(model, open + 1, len);
		model[len] = '\0';
		rthc_observe_str(r, "source", PREEMPT_DEBUGFS);
		/* The running kernel wins over the command line (the model can change). */
		if (p && !streq(p, model))
			rthc_evidence(r, PREEMPT_DEBUGFS,
				      "selected model %s differs from preempt=%s on the command "
				      "line: changed at runtime; the running kernel wins",
				      model, p);
		model_verdict(r, model, "selected at runtime");
		return;
	}
	if (err != -ENOENT && err != -EACCES && err != -EPERM) {
		rthc_result_error(r, err, PREEMPT_DEBUGFS);
		return;
	}
	/* No debugfs view (not PREEMPT_DYNAMIC, debugfs not mounted, or not root). */
	if (k->preempt_model == RTHC_PREEMPT_UNKNOWN) {
		rthc_result_error(r, err, PREEMPT_DEBUGFS);
		if (k->version)
			rthc_evidence(r, "/proc/sys/kernel/version", "%s", k->version);
		return;
	}
	if (k->version)
		rthc_evidence(r, "/proc/sys/kernel/version", "%s", k->version);
	if (k->config_path)
		rthc_evidence(r, k->config_path, "CONFIG_PREEMPT* read");
	rthc_observe_str(r, "source", "kernel version, config and command line");
	model_verdict(r, rthc_preempt_model_to_string(k->preempt_model), "from the kernel build");
}

/* ---- kernel.debug_variant ---- */

static bool release_is_debug(const char *rel)
{
	for (const char *p = strstr(rel, "debug"); p; p = strstr(p + 1, "debug"))
		if (p > rel && strchr("+-._", p[-1]))
			return true;
	return false;
}

static void debug_variant(struct rthc_ctx *ctx, struct rthc_result *r)
{
	static const char *const opts[] = { "CONFIG_PROVE_LOCKING", "CONFIG_DEBUG_LOCK_ALLOC",
					    "CONFIG_KASAN",	    "CONFIG_DEBUG_PAGEALLOC",
					    "CONFIG_DEBUG_OBJECTS", "CONFIG_SLUB_DEBUG_ON" };
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_kernel_facts *k = &f->kernel;
	struct rthc_strbuf found;
	bool rel_debug = k->release && release_is_debug(k->release);
	unsigned n = 0;

	rthc_strbuf_init(&found);
	rthc_expect_str(r, "debug_options", "");
	if (rel_debug) {
		rthc_evidence(r, "/proc/sys/kernel/osrelease", "%s", k->release);
		rthc_item(r, "release", "%s is a debug kernel build", k->release);
	}
	if (!k->config && !rel_debug) {
		have_config(ctx, r);
		goto out;
	}
	for (size_t i = 0; k->config && i < ARRAY_SIZE(opts); i++) {
		const char *pa;

		if (!kconfig_y(f, opts[i]))
			continue;
		pa = k->cmdline ? rthc_cmdline_get(k->cmdline, "debug_pagealloc") : NULL;
		/* DEBUG_PAGEALLOC is off unless enabled by default or on the command line. */
		if (streq(opts[i], "CONFIG_DEBUG_PAGEALLOC") &&
		    !kconfig_y(f, "CONFIG_DEBUG_PAGEALLOC_ENABLE_DEFAULT") &&
		    !(pa && streq(pa, "on"))) {
			rthc_evidence(r, k->config_path,
				      "CONFIG_DEBUG_PAGEALLOC=y but off at runtime (no "
				      "debug_pagealloc=on)");
			continue;
		}
		rthc_item(r, opts[i], "set in %s", k->config_path);
		rthc_strbuf_printf(&found, "%s%s", n++ ? "," : "", opts[i]);
	}
	if (k->config)
		rthc_evidence(r, k->config_path, "kernel config read");
	rthc_observe_str(r, "debug_options", rthc_strbuf_str(&found));
	rthc_observe_bool(r, "debug_release", rel_debug);
	if (!n && !rel_debug) {
		rthc_pass(r, "kernel %s is not a debug build",
			  k->release ? k->release : "(unknown release)");
		goto out;
	}
	if (n)
		rthc_fail(r,
			  "kernel %s is a debug build (%s): lock and memory debugging add hundreds "
			  "of µs",
			  k->release ? k->release : "(unknown release)", rthc_strbuf_str(&found));
	else
		rthc_fail(r,
			  "kernel %s is a debug build variant: lock and memory debugging add "
			  "hundreds of µs",
			  k->release);
	rthc_remedy(r, false, true,
		    "install and boot the non-debug RT kernel (e.g. kernel-rt, not "
		    "kernel-rt-debug)");
	rthc_remedy_action(r, RTHC_ACTION_MANUAL, "kernel", "non-debug build");
out:
	rthc_strbuf_done(&found);
}

/* ---- kernel.config.isolation ---- */

static void config_isolation(struct rthc_ctx *ctx, struct rthc_result *r)
{
	static const char *const opts[] = { "CONFIG_NO_HZ_FULL", "CONFIG_RCU_NOCB_CPU",
					    "CONFIG_CPU_ISOLATION", "CONFIG_HIGH_RES_TIMERS" };
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	const struct rthc_cmdline *cl = f->kernel.cmdline;
	struct rthc_strbuf missing, unknown;
	bool sysfs_nohz = iso->nohz_full_effective.state == 1, requested;

	requested = cl && (rthc_cmdline_has(cl, "nohz_full") || rthc_cmdline_has(cl, "rcu_nocbs") ||
			   rthc_cmdline_has(cl, "isolcpus"));
	if (iso->nohz_full_effective.state < 0) {
		rthc_result_error(r, iso->nohz_full_effective.state, iso->nohz_full_effective.path);
		return;
	}
	rthc_strbuf_init(&missing);
	rthc_strbuf_init(&unknown);
	rthc_evidence(r, iso->nohz_full_effective.path, "%s", sysfs_nohz ? "present" : "absent");
	rthc_observe_bool(r, "isolation_requested", requested);
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		/* NO_HZ_FULL selects RCU_NOCB_CPU and CPU_ISOLATION; its sysfs file proves it. */
		bool proven = sysfs_nohz && i < 3;
		struct rthc_strbuf *to = NULL;

		if (f->kernel.config && kconfig_y(f, opts[i]))
			continue;
		if (proven) {
			if (f->kernel.config)
				rthc_evidence(r, f->kernel.config_path,
					      "%s is not set there, but the running kernel has "
					      "nohz_full: the kernel wins",
					      opts[i]);
			continue;
		}
		to = f->kernel.config ? &missing : &unknown;
		rthc_strbuf_printf(to, "%s%s", to->len ? "," : "", opts[i]);
	}
	rthc_expect_str(r, "missing", "");
	rthc_observe_str(r, "missing", rthc_strbuf_str(&missing));
	if (missing.len) {
		rthc_remedy(r, false, true,
			    "boot a kernel built with CONFIG_NO_HZ_FULL, CONFIG_RCU_NOCB_CPU, "
			    "CONFIG_CPU_ISOLATION and CONFIG_HIGH_RES_TIMERS (an RT kernel)");
		rthc_remedy_action(r, RTHC_ACTION_MANUAL, "kernel", "isolation-capable build");
		if (requested)
			rthc_fail(r,
				  "isolation is requested on the command line but the kernel lacks "
				  "%s: those parameters are dropped",
				  rthc_strbuf_str(&missing));
		else
			rthc_warn(r, "the kernel lacks %s: CPUs cannot be isolated with it",
				  rthc_strbuf_str(&missing));
	} else if (unknown.len && !sysfs_nohz) {
		have_config(ctx, r);
	} else if (unknown.len) {
		rthc_info(r,
			  "no kernel config; the running kernel has nohz_full (so NO_HZ_FULL, "
			  "RCU_NOCB_CPU and CPU_ISOLATION), %s not verified (see timer.hres)",
			  rthc_strbuf_str(&unknown));
	} else {
		rthc_pass(r, "the kernel has NO_HZ_FULL, RCU_NOCB_CPU, CPU_ISOLATION and "
			     "HIGH_RES_TIMERS");
	}
	rthc_strbuf_done(&missing);
	rthc_strbuf_done(&unknown);
}

/* ---- kernel.config.rt_group_sched ---- */

struct walk {
	struct rthc_ctx *ctx;
	struct rthc_result *r;
	unsigned dirs, zero;
};

/* Interface files of a v1 cgroup directory (the rest are child groups, "machine.slice" too). */
static bool is_cgroup_file(const char *n)
{
	return strneq(n, "cpu.", 4) || strneq(n, "cpuacct.", 8) || strneq(n, "cgroup.", 7) ||
	       streq(n, "tasks") || streq(n, "notify_on_release") || streq(n, "release_agent");
}

/* v1 cpu controller: cgroups below the root whose cpu.rt_runtime_us is 0 (FIFO there → EPERM). */
static int walk_rt_runtime(struct walk *w, const char *dir, unsigned depth)
{
	char **names = NULL, path[1024];
	int err;

	if (depth > 8 || ++w->dirs > 4096)
		return 0;
	err = rthc_host_list_dir(w->ctx->host, dir, &names, NULL);
	if (err < 0)
		return err;
	for (char **n = names; *n && err >= 0; n++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, *n) >= (int)sizeof(path))
			continue;
		if (streq(*n, "cpu.rt_runtime_us") && depth > 0) {
			int64_t v;

			err = rthc_host_read_s64(w->ctx->host, path, &v);
			if (err == 0 && v == 0 && w->zero++ < RTHC_RESULT_MAX_ITEMS)
				rthc_item(w->r, dir,
					  "cpu.rt_runtime_us is 0: SCHED_FIFO/RR fails with EPERM "
					  "here");
			if (err < 0)
				rthc_result_error(w->r, err, path);
		} else if (!is_cgroup_file(*n) && rthc_host_is_dir(w->ctx->host, path) > 0) {
			err = walk_rt_runtime(w, path, depth + 1);
		}
	}
	rthc_strv_free(names);
	return err;
}

static void rt_group_sched(struct rthc_ctx *ctx, struct rthc_result *r)
{
	static const char *const v1_roots[] = { "/sys/fs/cgroup/cpu,cpuacct",
						"/sys/fs/cgroup/cpu" };
	const struct rthc_facts *f = ctx->facts;
	const char *param =
		f->kernel.cmdline ? rthc_cmdline_get(f->kernel.cmdline, "rt_group_sched") : NULL;
	const char *v1 = NULL;
	bool built;
	int err;

	for (size_t i = 0; i < ARRAY_SIZE(v1_roots) && !v1; i++)
		if (rthc_host_existsf(ctx->host, "%s/cpu.rt_runtime_us", v1_roots[i]) > 0)
			v1 = v1_roots[i];
	if (v1) {
		/* The running kernel has RT group scheduling whatever the config file says. */
		rthc_evidence(r, v1, "cpu.rt_runtime_us present: RT group scheduling is active");
		built = true;
	} else {
		if (!have_config(ctx, r))
			return;
		built = kconfig_y(f, "CONFIG_RT_GROUP_SCHED");
	}
	rthc_expect_bool(r, "rt_group_sched", false);
	if (!built) {
		rthc_observe_bool(r, "rt_group_sched", false);
		rthc_pass(r, "the kernel is built without CONFIG_RT_GROUP_SCHED");
		return;
	}
	if (param)
		rthc_evidence(r, "/proc/cmdline", "rt_group_sched=%s", param);
	if (!v1 && ((param && strchr("0nN", *param)) ||
		    (!param && kconfig_y(f, "CONFIG_RT_GROUP_SCHED_DEFAULT_DISABLED")))) {
		rthc_observe_bool(r, "rt_group_sched", false);
		rthc_pass(r, "CONFIG_RT_GROUP_SCHED=y but disabled at boot (%s)",
			  param ? "rt_group_sched=0" : "CONFIG_RT_GROUP_SCHED_DEFAULT_DISABLED");
		return;
	}
	rthc_observe_bool(r, "rt_group_sched", true);
	rthc_remedy(r, false, true,
		    "boot a kernel without CONFIG_RT_GROUP_SCHED (or with rt_group_sched=0 on "
		    "6.16+); on cgroup v1 give every level a cpu.rt_runtime_us budget");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "rt_group_sched", "0");
	if (v1) {
		struct walk w = { ctx, r, 0, 0 };

		err = walk_rt_runtime(&w, v1, 0);
		if (err < 0) {
			if (r->status != RTHC_STATUS_ERROR)
				rthc_result_error(r, err, v1);
			return;
		}
		rthc_observe_int(r, "cgroups_without_budget", w.zero);
		if (!w.zero) {
			rthc_pass(r, "RT group scheduling is on, and every cgroup v1 cpu group has "
				     "an RT budget");
			return;
		}
		rthc_warn(r,
			  "RT group scheduling is on and %u cgroup%s ha%s no RT budget: FIFO/RR "
			  "threads there fail with EPERM",
			  w.zero, w.zero == 1 ? "" : "s", w.zero == 1 ? "s" : "ve");
		return;
	}
	rthc_warn(r, "CONFIG_RT_GROUP_SCHED=y: with cgroup v2 (no cpu.rt_runtime_us) "
		     "sched_setscheduler(FIFO) fails with EPERM outside the root cgroup (libvirt "
		     "vcpusched, RT daemons)");
}

/* ---- kernel.config.hz ---- */

static void config_hz(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	char buf[32], *end;
	bool known;
	const char *v;
	long hz;

	if (!have_config(ctx, r))
		return;
	v = rthc_facts_kconfig(f, "CONFIG_HZ", &known, buf, sizeof(buf));
	if (!v) {
		rthc_result_errorf(r, -ENODATA, "CONFIG_HZ is not in %s", f->kernel.config_path);
		return;
	}
	hz = strtol(v, &end, 10);
	if (end == v || *end || hz <= 0) {
		rthc_result_errorf(r, -EINVAL, "%s: CONFIG_HZ=%s is not a number",
				   f->kernel.config_path, v);
		return;
	}
	rthc_observe_int(r, "hz", hz);
	rthc_observe_bool(r, "no_hz_full", kconfig_y(f, "CONFIG_NO_HZ_FULL"));
	rthc_info(r, "CONFIG_HZ=%ld: the periodic tick fires every %.2f ms where it is not stopped",
		  hz, 1000.0 / (double)hz);
}

const struct rthc_check rthc_checks_kernel_config[] = {
	{
		.id = "kernel.preempt_model",
		.title = "Kernel preemption model",
		.category = RTHC_CAT_KERNEL,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/sys/kernel/debug/sched/preempt (PREEMPT_DYNAMIC: the selected model in "
			 "parentheses); /proc/cmdline preempt=; /proc/sys/kernel/version; "
			 "CONFIG_PREEMPT*",
		.why = "Without PREEMPT_RT, the preemption model decides how long kernel code may "
		       "run before a woken RT task gets the CPU; full is the best non-RT fallback.",
		.pass = "a PREEMPT_RT kernel, or the selected model is full (lazy also preempts RT "
			"tasks at once); other models are reported as info. The running model "
			"(debugfs) wins over the command line",
		.remedy = "BOOT preempt=full (PREEMPT_DYNAMIC kernels) or an RT kernel",
		.sources = "kernel/Kconfig.preempt",
		.run = preempt_model,
	},
	{
		.id = "kernel.debug_variant",
		.title = "Kernel is not a debug build",
		.category = RTHC_CAT_KERNEL,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "/proc/sys/kernel/osrelease (+debug, -debug); kernel config "
			 "CONFIG_PROVE_LOCKING, CONFIG_DEBUG_LOCK_ALLOC, CONFIG_KASAN, "
			 "CONFIG_DEBUG_PAGEALLOC (with _ENABLE_DEFAULT or debug_pagealloc=on), "
			 "CONFIG_DEBUG_OBJECTS, CONFIG_SLUB_DEBUG_ON",
		.why = "Lockdep, KASAN and page/object debugging add hundreds of µs to kernel "
		       "paths.",
		.pass = "the release is not a debug variant and none of the options is active",
		.remedy = "BOOT the non-debug RT kernel",
		.sources = "[RH8]",
		.run = debug_variant,
	},
	{
		.id = "kernel.config.isolation",
		.title = "Kernel is built for CPU isolation",
		.category = RTHC_CAT_KERNEL,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "kernel config CONFIG_NO_HZ_FULL, CONFIG_RCU_NOCB_CPU, "
			 "CONFIG_CPU_ISOLATION, CONFIG_HIGH_RES_TIMERS; existence of "
			 "/sys/devices/system/cpu/nohz_full",
		.why = "Without these options nohz_full= is dropped (\"Housekeeping: nohz "
		       "unsupported\") and rcu_nocbs= is unknown, so the isolation parameters "
		       "silently do nothing.",
		.pass = "all four options are y (the nohz_full sysfs file proves the first three "
			"even when the config file says otherwise: the running kernel wins); fail "
			"when isolation is requested on the command line, warn otherwise",
		.remedy = "BOOT a kernel built with these options (RT kernels are)",
		.sources = "[NOHZ] siderolabs/pkgs#1692",
		.run = config_isolation,
	},
	{
		.id = "kernel.config.rt_group_sched",
		.title = "RT group scheduling does not block SCHED_FIFO in cgroups",
		.category = RTHC_CAT_KERNEL,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "kernel config CONFIG_RT_GROUP_SCHED, "
			 "CONFIG_RT_GROUP_SCHED_DEFAULT_DISABLED; /proc/cmdline rt_group_sched=; "
			 "/sys/fs/cgroup/cpu,cpuacct/**/cpu.rt_runtime_us (v1)",
		.why = "With CONFIG_RT_GROUP_SCHED=y every cgroup needs an RT budget; cgroup v2 "
		       "has none, so sched_setscheduler(SCHED_FIFO) fails with EPERM for libvirt "
		       "vcpusched, multipathd and RT applications outside the root cgroup.",
		.pass = "not built, disabled at boot (rt_group_sched=0, 6.16+), or on cgroup v1 "
			"every cpu group below the root has cpu.rt_runtime_us > 0",
		.remedy = "BOOT a kernel without it (or rt_group_sched=0); cgroup v1: write "
			  "cpu.rt_runtime_us at every level",
		.sources = "[RTGS]",
		.run = rt_group_sched,
	},
	{
		.id = "kernel.config.hz",
		.title = "Kernel tick rate (CONFIG_HZ)",
		.category = RTHC_CAT_KERNEL,
		.modes = RTHC_MODE_BOTH,
		.reads = "kernel config CONFIG_HZ",
		.why = "The periodic tick rate on CPUs that keep their tick; context for timer.* "
		       "and cmdline.nohz_full.",
		.pass = "reported as info (1000 is typical for RT kernels)",
		.remedy = "none",
		.sources = "[NOHZ]",
		.run = config_hz,
	},
	{
		.id = "kernel.cmdline_pending",
		.title = "Boot parameters of the next boot match the running kernel",
		.category = RTHC_CAT_KERNEL,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline vs the next boot: the default /boot/loader/entries/*.conf "
			 "`options` (grubenv saved_entry or loader.conf default, "
			 "$kernelopts/$tuned_params from /boot/grub2/grubenv), else "
			 "/etc/kernel/cmdline, else /etc/default/grub + /etc/default/grub.d/*.cfg "
			 "GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT; "
			 "/etc/tuned/bootcmdline. All optional: with none of them (direct kernel "
			 "boot, UKI) the check is not_applicable",
		.why = "Tuning written for the next boot is not running yet (or was removed but is "
		       "still active); tuned's bootloader plugin can fail silently on some GRUB "
		       "layouts.",
		.pass = "the RT-relevant parameters (isolation lists, tick, RCU, watchdogs, power, "
			"hugepages, ...) are equal, compared canonically, and tuned's parameters "
			"are part of the boot loader configuration",
		.remedy = "reboot (or revert the boot loader change)",
		.sources = "tuned#528 [UBU-VM]",
		.run = rthc_sys_cmdline_pending,
	},
	{
		.id = "xcheck.nohz_equals_isolcpus",
		.title = "nohz_full= and isolcpus= do not cancel each other",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline nohz_full=, isolcpus=; /sys/devices/system/cpu/{isolated,"
			 "nohz_full}; the kernel release",
		.why = "Before the per-type housekeeping split (5.17; enterprise kernels backport "
		       "it) the later parameter is ignored when the lists differ (\"Housekeeping: "
		       "nohz_full= must match isolcpus=\"); since then isolcpus=nohz,... and "
		       "nohz_full= must still match.",
		.pass = "the lists are equal, or the kernel's sysfs sets show both applied (the "
			"kernel wins), or a 5.17+ kernel with isolcpus= lacking the nohz flag",
		.remedy = "BOOT the same list in both",
		.sources = "[HK]",
		.run = rthc_sys_nohz_equals_isolcpus,
	},
	{
		.id = "xcheck.cmdline_vs_runtime",
		.title = "RT boot parameters took effect",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline and the interface showing each parameter's effect: "
			 "/sys/devices/system/cpu/{isolated,nohz_full}, rcuop/N kthreads, "
			 "/proc/irq/default_smp_affinity, /proc/{1,2}/status, "
			 "/proc/sys/kernel/{soft_watchdog,watchdog,nmi_watchdog,numa_balancing}, "
			 "machinecheck0/ignore_ce, transparent_hugepage/enabled, smt/control, "
			 "current_clocksource, /sys/module/<module>/parameters/<param>",
		.why = "Misspelt or unsupported parameters are silently ignored (kthread_cpus on "
		       "mainline, a typo in a module parameter).",
		.pass = "every verifiable RT parameter shows its effect; error when none can be "
			"verified",
		.remedy = "fix the parameter or the kernel, then reboot",
		.sources = "[KP]",
		.run = rthc_sys_cmdline_vs_runtime,
	},
	{ 0 },
};
