/*
 * Clocks, timers and the kernel log (spec/checks.md §4, §1 kernel.dmesg, cmdline.tsc, §12
 * xcheck.tsc_reliable): clocksource and TSC health, clock event device, high-resolution timers;
 * also the machine-check poll timer (cmdline.mce) and syscall auditing (cmdline.audit).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bootcfg.h"
#include "report.h"
#include "sys.h"
#include "util.h"

#define CS_CURRENT "/sys/devices/system/clocksource/clocksource0/current_clocksource"
#define CS_AVAILABLE "/sys/devices/system/clocksource/clocksource0/available_clocksource"
#define CE_FMT "/sys/devices/system/clockevents/clockevent%u/current_device"
#define TIMER_LIST "/proc/timer_list"
#define KMSG "/dev/kmsg"
#define MCE_DIR "/sys/devices/system/machinecheck"
#define AUDIT_RULES "/etc/audit/audit.rules"

/* Kernel messages saying the TSC cannot be trusted. */
static const char *const tsc_unstable_msgs[] = {
	"Marking clocksource 'tsc' as unstable",
	"Marking TSC unstable",
	"TSC found unstable",
	"TSC warp",
};

/* /proc/cpuinfo is there; else an error result. */
static bool have_cpuinfo(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;

	if (f->cpuinfo)
		return true;
	rthc_result_error(r, f->cpuinfo_err.err ? f->cpuinfo_err.err : -ENODATA, "/proc/cpuinfo");
	return false;
}

static bool word_in(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = strstr(list, word); p; p = strstr(p + 1, word))
		if ((p == list || p[-1] == ' ') && (p[wl] == ' ' || p[wl] == '\0' || p[wl] == '\n'))
			return true;
	return false;
}

/* Invariant TSC flags, observed into r. */
static bool tsc_invariant(struct rthc_ctx *ctx, struct rthc_result *r)
{
	bool c = rthc_facts_cpu_flag(ctx->facts, "constant_tsc"),
	     n = rthc_facts_cpu_flag(ctx->facts, "nonstop_tsc");

	rthc_observe_bool(r, "constant_tsc", c);
	rthc_observe_bool(r, "nonstop_tsc", n);
	rthc_observe_bool(r, "tsc_known_freq", rthc_facts_cpu_flag(ctx->facts, "tsc_known_freq"));
	rthc_evidence(r, "/proc/cpuinfo", "constant_tsc %s, nonstop_tsc %s",
		      c ? "present" : "absent", n ? "present" : "absent");
	return c && n;
}

/*
 * Signs that the kernel marked the TSC unstable: it vanished from available_clocksource (unstable
 * clocksources lose CLOCK_SOURCE_VALID_FOR_HRES), or the kernel log says so (when readable). Each
 * sign is an item. When the TSC is invariant the verdict depends on them, so an unreadable
 * available_clocksource is then an error result (negative return); otherwise it is only noted.
 */
static int tsc_unstable_signs(struct rthc_ctx *ctx, struct rthc_result *r, bool invariant)
{
	_cleanup_free_ char *avail = NULL, *log = NULL;
	int signs = 0, err;

	err = rthc_host_read_str(ctx->host, CS_AVAILABLE, &avail);
	if (err < 0 && invariant) {
		rthc_result_error(r, err, CS_AVAILABLE);
		return err;
	}
	if (err == 0) {
		rthc_evidence(r, CS_AVAILABLE, "%s", avail);
		if (!word_in(avail, "tsc")) {
			rthc_item(r, "clocksource",
				  "tsc is not among the available clocksources: marked unstable");
			signs++;
		}
	}
	err = rthc_bootcfg_kmsg_read(ctx->host, ctx->report->privileged, &log, NULL);
	if (err < 0) {
		rthc_evidence(r, KMSG, "kernel log not read (%s)",
			      err == -EACCES ? "needs root" : strerror(-err));
		return signs;
	}
	for (size_t i = 0; i < ARRAY_SIZE(tsc_unstable_msgs); i++) {
		char first[160];
		unsigned n =
			rthc_bootcfg_kmsg_count(log, tsc_unstable_msgs[i], first, sizeof(first));

		if (!n)
			continue;
		rthc_evidence(r, KMSG, "%s", first);
		rthc_item(r, "kernel log", "\"%s\" (%u message%s)", tsc_unstable_msgs[i], n,
			  n == 1 ? "" : "s");
		signs++;
	}
	return signs;
}

/* ---- timer.clocksource ---- */

static void clocksource(struct rthc_ctx *ctx, struct rthc_result *r)
{
	static const char *const slow[] = { "hpet", "acpi_pm", "jiffies", "refined-jiffies",
					    "pit" };
	_cleanup_free_ char *cur = NULL, *avail = NULL;
	bool tsc_avail;
	int err;

	err = rthc_host_read_str(ctx->host, CS_CURRENT, &cur);
	if (err == 0 && !*cur)
		err = -ENODATA;
	if (err < 0) {
		rthc_result_error(r, err, CS_CURRENT);
		return;
	}
	rthc_evidence(r, CS_CURRENT, "%s", cur);
	if (rthc_host_read_str(ctx->host, CS_AVAILABLE, &avail) == 0)
		rthc_evidence(r, CS_AVAILABLE, "%s", avail);
	tsc_avail = avail && word_in(avail, "tsc");
	rthc_expect_str(r, "clocksource", "tsc");
	rthc_observe_str(r, "clocksource", cur);
	if (streq(cur, "tsc")) {
		rthc_pass(r, "the clocksource is tsc");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(slow); i++) {
		if (!streq(cur, slow[i]))
			continue;
		rthc_fail(r,
			  "the clocksource is %s: every clock read costs µs and the vDSO falls "
			  "back to a system call",
			  cur);
		if (tsc_avail) {
			rthc_remedy(r, true, false, "echo tsc > %s (and boot with clocksource=tsc)",
				    CS_CURRENT);
			rthc_remedy_action(r, RTHC_ACTION_SYSFS, CS_CURRENT, "tsc");
		} else {
			rthc_remedy(r, false, false,
				    "the TSC is not usable (see timer.tsc_stable): check BIOS and "
				    "firmware settings");
			rthc_remedy_action(r, RTHC_ACTION_MANUAL, "BIOS", "TSC");
		}
		return;
	}
	if (!rthc_facts_cpu_flag(ctx->facts, "tsc")) {
		rthc_info(r, "the clocksource is %s (no TSC on this CPU architecture)", cur);
		return;
	}
	rthc_warn(r, "the clocksource is %s, not tsc", cur);
	if (tsc_avail) {
		rthc_remedy(r, true, false, "echo tsc > %s", CS_CURRENT);
		rthc_remedy_action(r, RTHC_ACTION_SYSFS, CS_CURRENT, "tsc");
	}
}

/* ---- timer.tsc_stable ---- */

static void tsc_stable(struct rthc_ctx *ctx, struct rthc_result *r)
{
	bool inv;
	int signs;

	if (!have_cpuinfo(ctx, r))
		return;
	if (!rthc_facts_cpu_flag(ctx->facts, "tsc")) {
		rthc_na(r, "no TSC: /proc/cpuinfo has no tsc flag (not x86)");
		return;
	}
	inv = tsc_invariant(ctx, r);
	signs = tsc_unstable_signs(ctx, r, inv);
	if (signs < 0)
		return;
	rthc_expect_bool(r, "stable", true);
	rthc_observe_bool(r, "stable", inv && !signs);
	if (inv && !signs) {
		rthc_pass(r,
			  "the TSC is invariant (constant_tsc, nonstop_tsc) and not marked "
			  "unstable%s",
			  rthc_facts_cpu_flag(ctx->facts, "tsc_known_freq")
				  ? ""
				  : "; its frequency is calibrated (no tsc_known_freq)");
		return;
	}
	rthc_remedy(r, false, false,
		    "check BIOS/firmware (TSC sync, C-state and frequency settings); use "
		    "tsc=reliable only where the hardware guarantees a synchronised TSC");
	rthc_remedy_action(r, RTHC_ACTION_MANUAL, "BIOS", "TSC");
	if (!inv)
		rthc_fail(r, "the TSC is not invariant (constant_tsc and nonstop_tsc are "
			     "required): it changes rate or stops in idle");
	else
		rthc_fail(r,
			  "the kernel marked the TSC unstable (%d sign%s): timekeeping falls back "
			  "to a slow clocksource",
			  signs, signs == 1 ? "" : "s");
}

/* ---- timer.clockevent ---- */

static void clockevent(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	_cleanup_free_ char *dev = NULL;
	char path[128];
	unsigned other = 0;
	int c, err;

	snprintf(path, sizeof(path), CE_FMT, 0u);
	err = rthc_host_read_str(ctx->host, path, &dev);
	if (err == 0 && !*dev)
		err = -ENODATA;
	if (err < 0) {
		rthc_result_error(r, err, path);
		return;
	}
	rthc_evidence(r, path, "%s", dev);
	rthc_expect_str(r, "device", "lapic-deadline");
	rthc_observe_str(r, "device", dev);
	rthc_cpuset_foreach (c, &iso->isolated) {
		_cleanup_free_ char *d = NULL;
		char obj[32];

		snprintf(path, sizeof(path), CE_FMT, (unsigned)c);
		if (rthc_host_read_str(ctx->host, path, &d) < 0 || streq(d, "lapic-deadline"))
			continue;
		snprintf(obj, sizeof(obj), "cpu %d", c);
		rthc_item(r, obj, "clock event device %s", d);
		other++;
	}
	if (streq(dev, "lapic-deadline") && !other) {
		rthc_pass(r, "timer interrupts come from the local APIC in TSC-deadline mode");
		return;
	}
	rthc_info(r,
		  "the clock event device is %s%s: TSC-deadline mode (lapic-deadline) programs "
		  "timers with one MSR write",
		  dev, other ? " (other devices on isolated CPUs)" : "");
}

/* ---- timer.hres ---- */

struct hres_walk {
	int cpu; /* current "cpu: N" section, -1 before the first */
	unsigned sections;
	struct rthc_cpuset on, off;
};

static int hres_line(const char *line, size_t len, void *ud)
{
	struct hres_walk *w = ud;
	const char *p = line;
	char *end;
	long v;

	(void)len;
	if (strneq(line, "cpu: ", 5)) {
		v = strtol(line + 5, &end, 10);
		w->cpu = end != line + 5 && v >= 0 ? (int)v : -1;
		w->sections++;
		return 0;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (w->cpu < 0 || !strneq(p, ".hres_active", 12))
		return 0;
	p = strchr(p, ':');
	if (!p)
		return -EINVAL;
	v = strtol(p + 1, &end, 10);
	if (end == p + 1)
		return -EINVAL;
	return rthc_cpuset_set(v ? &w->on : &w->off, (unsigned)w->cpu);
}

static void hres(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct hres_walk w = { .cpu = -1 };
	_cleanup_free_ char *off_s = NULL;
	int err;

	rthc_cpuset_init(&w.on);
	rthc_cpuset_init(&w.off);
	err = rthc_host_foreach_line(ctx->host, TIMER_LIST, hres_line, &w);
	if (err == 0 && rthc_cpuset_empty(&w.on) && rthc_cpuset_empty(&w.off))
		err = -ENODATA;
	if (err < 0) {
		if (err == -EINVAL || err == -ENODATA)
			rthc_result_errorf(r, err, "%s has no readable per-CPU .hres_active lines",
					   TIMER_LIST);
		else
			rthc_result_error(r, err, TIMER_LIST);
		goto out;
	}
	rthc_evidence(r, TIMER_LIST, "%u CPU sections", w.sections);
	rthc_observe_cpus(r, "hres_active", &w.on);
	rthc_expect_cpus(r, "hres_inactive", &(struct rthc_cpuset)RTHC_CPUSET_INIT);
	rthc_observe_cpus(r, "hres_inactive", &w.off);
	if (rthc_cpuset_empty(&w.off)) {
		rthc_pass(r, "high-resolution timers are active on every CPU (%u)",
			  rthc_cpuset_count(&w.on));
		goto out;
	}
	off_s = rthc_cpuset_str(&w.off);
	rthc_items_cpus(r, &w.off, "hres_active is 0: timers fire with jiffy resolution");
	rthc_info(r, "high-resolution timers are not active on CPUs %s", cpus_or_none(off_s));
out:
	rthc_cpuset_done(&w.on);
	rthc_cpuset_done(&w.off);
}

/* ---- cmdline.tsc ---- */

static bool relaxed_watchdog(const char *tsc)
{
	return tsc && (streq(tsc, "reliable") || streq(tsc, "nowatchdog"));
}

static void cmdline_tsc(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	const char *tsc;
	bool inv;
	int signs;

	if (!cl || !have_cpuinfo(ctx, r))
		return;
	if (!rthc_facts_cpu_flag(ctx->facts, "tsc")) {
		rthc_na(r, "no TSC: /proc/cpuinfo has no tsc flag (not x86)");
		return;
	}
	rthc_evidence_param(r, cl, "tsc");
	if (rthc_cmdline_has(cl, "clocksource"))
		rthc_evidence_param(r, cl, "clocksource");
	tsc = rthc_cmdline_get(cl, "tsc");
	inv = tsc_invariant(ctx, r);
	signs = tsc_unstable_signs(ctx, r, inv);
	if (signs < 0)
		return;
	rthc_expect_bool(r, "watchdog_relaxed", inv && !signs);
	rthc_observe_bool(r, "watchdog_relaxed", relaxed_watchdog(tsc));
	if (tsc && streq(tsc, "unstable")) {
		rthc_warn(r, "tsc=unstable forces timekeeping off the TSC");
	} else if (inv && !signs && relaxed_watchdog(tsc)) {
		rthc_pass(r,
			  "tsc=%s on an invariant, stable TSC: the clocksource watchdog leaves it "
			  "alone",
			  tsc);
		return;
	} else if (inv && !signs) {
		rthc_warn(r, "invariant TSC without tsc=reliable/nowatchdog: the clocksource "
			     "watchdog keeps cross-checking it, and a false \"unstable\" verdict "
			     "falls back to HPET");
		rthc_remedy(r, true, true, "boot with tsc=nowatchdog (or tsc=reliable)");
		rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "tsc", "nowatchdog");
		return;
	} else if (relaxed_watchdog(tsc)) {
		rthc_warn(r,
			  "tsc=%s on a TSC that is %s: the watchdog that would catch its problems "
			  "is off",
			  tsc, inv ? "marked unstable" : "not invariant");
	} else {
		rthc_pass(r, "no tsc=reliable: right for a TSC that is %s",
			  inv ? "marked unstable" : "not invariant");
		return;
	}
	rthc_remedy(r, true, true, "remove tsc=%s from the command line", tsc);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "tsc", NULL);
}

/* ---- xcheck.tsc_reliable ---- */

static void xtsc_reliable(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	const char *tsc;
	bool inv;
	int signs;

	if (!cl)
		return;
	tsc = rthc_cmdline_get(cl, "tsc");
	if (!relaxed_watchdog(tsc)) {
		rthc_na(r, "no tsc=reliable or tsc=nowatchdog on the command line");
		return;
	}
	rthc_evidence_param(r, cl, "tsc");
	if (!have_cpuinfo(ctx, r))
		return;
	inv = tsc_invariant(ctx, r);
	signs = tsc_unstable_signs(ctx, r, inv);
	if (signs < 0)
		return;
	rthc_expect_bool(r, "invariant_and_stable", true);
	rthc_observe_bool(r, "invariant_and_stable", inv && !signs);
	if (inv && !signs) {
		rthc_pass(r, "tsc=%s is backed by an invariant TSC with no sign of instability",
			  tsc);
		return;
	}
	rthc_warn(r, "tsc=%s hides real TSC problems here: the TSC is %s", tsc,
		  !inv ? "not invariant (constant_tsc/nonstop_tsc missing)" : "marked unstable");
	rthc_remedy(r, true, true, "remove tsc=%s and fix the TSC in firmware", tsc);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "tsc", NULL);
}

const struct rthc_check rthc_checks_timer[] = {
	{
		.id = "kernel.dmesg",
		.title = "Kernel log has no RT problem messages",
		.category = RTHC_CAT_KERNEL,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_NEEDS_LIVE,
		.reads = "/dev/kmsg, read non-blocking to its end (needs root): Housekeeping: "
			 "nohz_full= must match isolcpus= / nohz unsupported, sched: RT throttling "
			 "activated, Marking clocksource 'tsc' as unstable, detected stalls, soft "
			 "lockup, hrtimer: interrupt took, NOHZ tick-stop error, split_lock trap, "
			 "Fair server disabled; NO_HZ: Full dynticks CPUs and Offload RCU "
			 "callbacks from CPUs as context",
		.why = "The kernel says so when it drops an isolation parameter, throttles RT "
		       "tasks, gives up on the TSC or sees stalls; these are invisible in sysfs.",
		.pass = "none of the problem messages; fail for ignored parameters, throttling, "
			"TSC unstable, stalls and lockups, warn for the rest; error when not root",
		.remedy = "per message (see the check each item names)",
		.sources = "[HK] [NOHZ] [FAIR]",
		.run = rthc_sys_dmesg,
	},
	{
		.id = "cmdline.tsc",
		.title = "tsc= matches the TSC's reliability",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline tsc=, clocksource=; /proc/cpuinfo constant_tsc, "
			 "nonstop_tsc; available_clocksource; /dev/kmsg when readable",
		.why = "The clocksource watchdog keeps cross-checking the TSC; a false "
		       "\"unstable\" verdict falls back to HPET, whose reads cost µs.",
		.pass = "tsc=reliable or tsc=nowatchdog is given exactly when the TSC is invariant "
			"(constant_tsc + nonstop_tsc) and not marked unstable",
		.remedy = "BOOT tsc=nowatchdog (or reliable) on invariant TSCs; remove it "
			  "otherwise",
		.sources = "[T-NL] [NTO] [UBU-TCC]",
		.run = cmdline_tsc,
	},
	{
		.id = "timer.clocksource",
		.title = "Clocksource is the TSC",
		.category = RTHC_CAT_TIMER,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/sys/devices/system/clocksource/clocksource0/{current_clocksource,"
			 "available_clocksource}",
		.why = "hpet and acpi_pm reads cost microseconds and disable the vDSO fast path.",
		.pass = "current_clocksource is tsc (other architectures' clocksources are "
			"reported as info)",
		.remedy = "RT echo tsc > .../current_clocksource; BOOT clocksource=tsc",
		.sources = "[UBU-TCC]",
		.run = clocksource,
	},
	{
		.id = "timer.tsc_stable",
		.title = "TSC is invariant and stable",
		.category = RTHC_CAT_TIMER,
		.modes = RTHC_MODE_HOST,
		.reads = "/proc/cpuinfo flags constant_tsc, nonstop_tsc, tsc_known_freq; "
			 "available_clocksource (an unstable TSC disappears from it); /dev/kmsg "
			 "(Marking clocksource 'tsc' as unstable, TSC warp) when readable",
		.why = "A TSC marked unstable moves timekeeping to a slow clocksource.",
		.pass = "constant_tsc and nonstop_tsc present and no sign that the kernel marked "
			"the TSC unstable",
		.remedy = "BIOS/firmware; tsc=reliable only if the hardware guarantees it",
		.sources = "[T-NL]",
		.run = tsc_stable,
	},
	{
		.id = "timer.clockevent",
		.title = "Clock event device",
		.category = RTHC_CAT_TIMER,
		.modes = RTHC_MODE_BOTH,
		.reads = "/sys/devices/system/clockevents/clockevent{0,<ISO>}/current_device",
		.why = "lapic-deadline (TSC-deadline mode) programs a timer with one MSR write; "
		       "KVM's timer paths are built around it.",
		.pass = "lapic-deadline on CPU 0 and the isolated CPUs; anything else is reported "
			"as info",
		.remedy = "none (hardware and hypervisor CPU model)",
		.sources = "—",
		.run = clockevent,
	},
	{
		.id = "timer.hres",
		.title = "High-resolution timers are active",
		.category = RTHC_CAT_TIMER,
		.modes = RTHC_MODE_BOTH,
		.reads = "/proc/timer_list .hres_active per CPU (root only)",
		.why = "Without high-resolution mode, timers expire on jiffy boundaries.",
		.pass = "hres_active is 1 on every CPU; otherwise info with the CPUs",
		.remedy = "none (CONFIG_HIGH_RES_TIMERS, a usable clock event device)",
		.sources = "[NOHZ]",
		.run = hres,
	},
	{
		.id = "xcheck.tsc_reliable",
		.title = "tsc=reliable only on a reliable TSC",
		.category = RTHC_CAT_XCHECK,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline tsc=; /proc/cpuinfo constant_tsc, nonstop_tsc; "
			 "available_clocksource; /dev/kmsg when readable",
		.why = "tsc=reliable (or nowatchdog) switches off the watchdog that would catch a "
		       "TSC that drifts or is unsynchronised.",
		.pass = "tsc=reliable/nowatchdog only with constant_tsc + nonstop_tsc and no "
			"unstable sign",
		.remedy = "BOOT: remove tsc=reliable where the TSC is not invariant",
		.sources = "[KP]",
		.run = xtsc_reliable,
	},
	{
		.id = "cmdline.mce",
		.title = "Corrected machine-check polling stays off RT CPUs",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/proc/cmdline mce= (every occurrence); "
			 "/sys/devices/system/machinecheck/machinecheck<N>/{ignore_ce,"
			 "check_interval}",
		.why = "The MCE poll timer (check_interval, 300 s per CPU) and CMCI interrupts hit "
		       "the isolated CPUs.",
		.pass = "ignore_ce is 1 on every CPU; mce=off is reported as info (OpenShift uses "
			"it, RHEL uses ignore_ce; it drops MCE handling and is not recommended)",
		.remedy = "RT echo 1 > .../machinecheck*/ignore_ce; BOOT mce=ignore_ce",
		.sources = "[T-RT] [T-CP] [NTO] [PARTRT]",
		.run = rthc_sys_mce,
	},
	{
		.id = "cmdline.audit",
		.title = "Syscall auditing",
		.category = RTHC_CAT_CMDLINE,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "/proc/cmdline audit=; /etc/audit/audit.rules (-a/-A/-w rules)",
		.why = "Audited syscalls pay for rule matching and record generation on RT paths.",
		.pass = "audit=0 (or off), or no audit rules; otherwise info",
		.remedy = "BOOT audit=0",
		.sources = "[NTO]",
		.run = rthc_sys_audit,
	},
	{ 0 },
};
