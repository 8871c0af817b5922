/* CPU topology and partitioning checks (spec/checks.md §2). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iso-kernel.h"
#include "util.h"

#define SMT_CONTROL "/sys/devices/system/cpu/smt/control"
#define SMT_ACTIVE "/sys/devices/system/cpu/smt/active"

int rthc_iso_sibling_leaks(const struct rthc_facts *f, struct rthc_cpuset *out,
			   struct rthc_result *r)
{
	const struct rthc_isolation *iso = &f->isolation;
	int c, ret = 1;

	rthc_cpuset_zero(out);
	rthc_cpuset_foreach(c, &iso->isolated) {
		const struct rthc_cpu *cpu = rthc_facts_cpu(f, (unsigned)c);
		int s;

		if (!cpu || !cpu->online)
			continue;
		if (cpu->siblings_err < 0)
			return cpu->siblings_err;
		if (!cpu->has_siblings) {
			ret = 0;
			continue;
		}
		rthc_cpuset_foreach(s, &cpu->siblings) {
			char obj[32];

			if (rthc_cpuset_test(&iso->isolated, (unsigned)s))
				continue;
			if (rthc_cpuset_set(out, (unsigned)c) < 0)
				return -ENOMEM;
			if (r) {
				snprintf(obj, sizeof(obj), "cpu %d", c);
				rthc_item(r, obj, "SMT sibling %d is a housekeeping CPU", s);
			}
		}
	}
	return ret;
}

/*
 * SMT is known to be off: control says so, or the hardware has none. "notimplemented" only says
 * the kernel cannot switch SMT (no CONFIG_HOTPLUG_SMT), so the sibling lists decide.
 */
static bool smt_off(const char *control)
{
	return control && (streq(control, "off") || streq(control, "forceoff") ||
			   streq(control, "notsupported"));
}

static const char *smt_off_phrase(const char *control)
{
	if (streq(control, "notsupported"))
		return "the CPUs have no SMT threads";
	return streq(control, "off") ? "SMT is off" : "SMT is forced off";
}

/* control is one of the kernel's states, or a thread count (numeric control, 6.6+). */
static bool smt_control_valid(const char *s)
{
	static const char *const states[] = {"on", "off", "forceoff", "notsupported",
					     "notimplemented"};

	for (size_t i = 0; i < ARRAY_SIZE(states); i++)
		if (streq(s, states[i]))
			return true;
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* smt/control and smt/active are optional, but garbage in them is an error. */
static bool smt_files_ok(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_topology *t = &ctx->facts->topology;
	_cleanup_free_ char *active = NULL;
	int err;

	if (t->smt_control && !smt_control_valid(t->smt_control)) {
		rthc_result_errorf(r, -EINVAL, "cannot read %s: \"%s\" is not an SMT control state",
				   SMT_CONTROL, t->smt_control);
		return false;
	}
	err = rthc_host_read_str(ctx->host, SMT_ACTIVE, &active);
	if (err == 0 && !streq(active, "0") && !streq(active, "1"))
		err = *active ? -EINVAL : -ENODATA;
	if (err < 0 && err != -ENOENT) {
		rthc_result_error(r, err, SMT_ACTIVE);
		return false;
	}
	return true;
}

static void smt_remedy(struct rthc_result *r)
{
	rthc_remedy(r, true, false, "turn SMT off (echo off > %s, or boot with nosmt), or isolate "
		    "every SMT sibling of an isolated CPU together with it", SMT_CONTROL);
	rthc_remedy_action(r, RTHC_ACTION_SYSFS, SMT_CONTROL, "off");
}

static void smt_observe(struct rthc_result *r, const struct rthc_topology *t)
{
	if (t->smt_control)
		rthc_evidence(r, SMT_CONTROL, "%s", t->smt_control);
	rthc_observe_str(r, "control", t->smt_control);
	if (t->smt_active >= 0)
		rthc_observe_bool(r, "active", t->smt_active);
	else
		rthc_observe_null(r, "active");
	rthc_observe_int(r, "threads_per_core", t->threads_per_core);
}

static void smt(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_topology *t = &f->topology;
	_cleanup_cpuset_ struct rthc_cpuset leaks = RTHC_CPUSET_INIT;
	_cleanup_free_ char *leak_s = NULL;
	char path[128] = "/sys/devices/system/cpu";
	int k;

	if (!rthc_iso_inputs_ok(ctx, r) || !smt_files_ok(ctx, r))
		return;
	smt_observe(r, t);
	if (smt_off(t->smt_control)) {
		rthc_pass(r, "%s", smt_off_phrase(t->smt_control));
		return;
	}
	if (t->smt_active == 0) {
		rthc_pass(r, "no core runs more than one thread (SMT is not active)");
		return;
	}
	if (t->smt_active < 0) {
		rthc_na(r, "no SMT information: neither %s nor thread sibling lists of online CPUs",
			SMT_CONTROL);
		return;
	}
	k = rthc_iso_sibling_leaks(f, &leaks, NULL);
	if (k == -ENOMEM) {
		r->oom = true;
		return;
	}
	if (k < 0) {
		k = rthc_iso_sibling_error(ctx, path, sizeof(path));
		rthc_result_error(r, k < 0 ? k : -EIO, path);
		return;
	}
	if (rthc_cpuset_empty(&f->isolation.isolated)) {
		rthc_warn(r, "SMT is active (%u threads per core) and no CPU is isolated, so RT "
			  "work shares cores with everything else", t->threads_per_core);
	} else if (rthc_cpuset_empty(&leaks)) {
		rthc_pass(r, "SMT is active, but every SMT sibling of an isolated CPU is "
			  "isolated too");
		return;
	} else {
		leak_s = rthc_cpuset_str(&leaks);
		rthc_items_cpus(r, &leaks, "isolated, but an SMT sibling is a housekeeping CPU");
		rthc_warn(r, "SMT is active and the isolated %s %s share%s a core with "
			  "housekeeping CPUs (see xcheck.smt_siblings)",
			  rthc_iso_plural(&leaks, "CPU", "CPUs"), cpus_or_none(leak_s),
			  rthc_iso_plural(&leaks, "s", ""));
	}
	smt_remedy(r);
}

/* CPU 0 asked for on the command line, where the kernel may have dropped it already. */
static const char *boot_cpu_requested(const struct rthc_isolation *iso)
{
	if (iso->nohz_full.present && !iso->nohz_full.err &&
	    rthc_cpuset_test(&iso->nohz_full.cpus, 0))
		return "nohz_full=";
	if (iso->isolcpus.present && !iso->isolcpus.err && rthc_cpuset_test(&iso->isolcpus.cpus, 0))
		return "isolcpus=";
	return NULL;
}

static void boot_cpu_remedy(struct rthc_result *r, const struct rthc_facts *f)
{
	_cleanup_cpuset_ struct rthc_cpuset core = RTHC_CPUSET_INIT, rest = RTHC_CPUSET_INIT;
	_cleanup_free_ char *core_s = NULL, *val = NULL, *list = NULL;

	if (rthc_iso_boot_core(f, &core) < 0 ||
	    rthc_cpuset_copy(&rest, &f->isolation.isolated) < 0) {
		r->oom = true;
		return;
	}
	rthc_cpuset_andnot(&rest, &core);
	core_s = rthc_cpuset_str(&core);
	val = rthc_iso_isolcpus_value(f, &rest, RTHC_ISOL_MANAGED_IRQ | RTHC_ISOL_DOMAIN);
	list = rthc_iso_list_or_placeholder(&rest);
	if (!val || !list) {
		r->oom = true;
		return;
	}
	rthc_remedy(r, true, true, "leave CPU 0 and its SMT siblings (%s) out of the isolation "
		    "lists: boot with isolcpus=%s nohz_full=%s rcu_nocbs=%s", cpus_or_none(core_s),
		    val, list, list);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", val);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "nohz_full", list);
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "rcu_nocbs", list);
}

static void boot_cpu(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	const char *asked;
	bool isolated;

	if (!rthc_iso_inputs_ok(ctx, r) || !rthc_check_cmdline(ctx, r))
		return;
	if (!rthc_cpuset_test(&f->topology.possible, 0)) {
		rthc_na(r, "CPU 0 does not exist on this host (/sys/devices/system/cpu/possible)");
		return;
	}
	isolated = rthc_cpuset_test(&iso->isolated, 0);
	asked = boot_cpu_requested(iso);
	rthc_expect_bool(r, "cpu0_housekeeping", true);
	rthc_observe_bool(r, "cpu0_housekeeping", !isolated);
	rthc_observe_bool(r, "cpu0_requested", asked != NULL);
	if (!isolated && !asked) {
		rthc_pass(r, "CPU 0 is a housekeeping CPU");
		return;
	}
	rthc_item(r, "cpu 0", "%s", isolated ? "isolated, but it keeps timekeeping and legacy IRQs"
					     : "named for isolation, which the kernel dropped");
	if (isolated)
		rthc_warn(r, "CPU 0 is in the isolated set: it keeps timekeeping and legacy "
			  "IRQs, and nohz_full silently drops it");
	else
		rthc_warn(r, "%s names CPU 0, which the kernel silently dropped: the boot CPU "
			  "keeps the tick for timekeeping", asked);
	boot_cpu_remedy(r, f);
}

const struct rthc_check rthc_checks_cpu[] = {
	{
		.id = "cpu.smt",
		.title = "SMT is off or isolated CPUs own whole cores",
		.category = RTHC_CAT_CPU,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/sys/devices/system/cpu/smt/{control,active}; "
			 "cpuN/topology/thread_siblings_list (or core_cpus_list, or the "
			 "thread_siblings mask)",
		.why = "SMT siblings share execution units, caches and TLBs: a busy housekeeping "
		       "sibling adds jitter to the RT thread on the same core. libvirt calls "
		       "hyper-threading incompatible with real time.",
		.pass = "SMT control is off/forceoff/notsupported, no core runs two threads, or "
			"every isolated CPU's siblings are isolated too (\"notimplemented\" only "
			"means the kernel cannot switch SMT, so the sibling lists decide)",
		.remedy = "RT echo off > /sys/devices/system/cpu/smt/control (offlines siblings: "
			  "re-validate CPU lists); BOOT nosmt; BIOS hyper-threading off",
		.sources = "[LV] [NTO-PPC]",
		.run = smt,
	},
	{
		.id = "cpu.boot_cpu",
		.title = "CPU 0 stays a housekeeping CPU",
		.category = RTHC_CAT_CPU,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_AUTOFIX | RTHC_CHECK_REBOOT,
		.reads = "the isolated set (isolcpus, nohz_full, cpuset partitions); "
			 "/proc/cmdline isolcpus= and nohz_full=",
		.why = "CPU 0 keeps timekeeping duty and legacy IRQs; nohz_full silently drops "
		       "it, so isolating it gives a CPU that is neither isolated nor a good "
		       "housekeeper.",
		.pass = "CPU 0 is not in the isolated set and no isolation parameter names it",
		.remedy = "BOOT: leave CPU 0 and its SMT siblings out of isolcpus=, nohz_full= "
			  "and rcu_nocbs=",
		.sources = "[NOHZ] [UBU-VM]",
		.run = boot_cpu,
	},
	{0},
};
