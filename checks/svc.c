/* Service checks (spec/checks.md §8): tuned, fwupd, tuned's rtentsk plugin. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc-tuned.h"
#include "units.h"
#include "util.h"

static const char *const rt_profiles_host[] = {
	"realtime", "realtime-virtual-host", "cpu-partitioning", "cpu-partitioning-powersave", NULL,
};
static const char *const rt_profiles_guest[] = {
	"realtime", "realtime-virtual-guest", "cpu-partitioning", "cpu-partitioning-powersave",
	NULL,
};

/* Read the chain; set not_applicable/error and return < 0 when there is nothing to judge. */
static int chain_or_result(struct rthc_ctx *ctx, struct rthc_result *r, struct rthc_tuned_chain *c)
{
	int err = rthc_tuned_chain_read(ctx->host, c);

	if (err == -ENOENT) {
		rthc_na(r, "tuned is not set up: /etc/tuned/active_profile is absent");
		return err;
	}
	if (err < 0) {
		rthc_result_error(r, err, "/etc/tuned/active_profile");
		return err;
	}
	rthc_evidence(r, "/etc/tuned/active_profile", "%s", c->active);
	rthc_observe_str(r, "active_profile", c->active);
	if (c->nactive == 0) {
		rthc_na(r, "tuned has no active profile (/etc/tuned/active_profile is empty)");
		return -ENODATA;
	}
	return 0;
}

/* The most specific RT profile for the mode in the chain (active profiles, then what they include).
 */
static const char *rt_profile(const struct rthc_ctx *ctx, const struct rthc_tuned_chain *c)
{
	const char *const *list = ctx->guest ? rt_profiles_guest : rt_profiles_host;

	for (size_t i = 0; i < c->n; i++)
		for (size_t j = 0; list[j]; j++)
			if (streq(c->p[i].name, list[j]))
				return list[j];
	return NULL;
}

/* Items for CPUs in one set but not the other. */
static void diff_items(struct rthc_result *r, const struct rthc_cpuset *tuned,
		       const struct rthc_cpuset *iso)
{
	char obj[32];
	int c;

	rthc_cpuset_foreach (c, tuned) {
		if (rthc_cpuset_test(iso, (unsigned)c))
			continue;
		snprintf(obj, sizeof(obj), "cpu %d", c);
		rthc_item(r, obj, "in tuned's isolated_cores, not isolated by the running kernel");
	}
	rthc_cpuset_foreach (c, iso) {
		if (rthc_cpuset_test(tuned, (unsigned)c))
			continue;
		snprintf(obj, sizeof(obj), "cpu %d", c);
		rthc_item(r, obj, "isolated by the running kernel, not in tuned's isolated_cores");
	}
}

static void judge_cores(struct rthc_ctx *ctx, struct rthc_result *r,
			const struct rthc_tuned_chain *c, const char *profile)
{
	const struct rthc_cpuset *iso = &ctx->facts->isolation.isolated;
	struct rthc_cpuset cores = RTHC_CPUSET_INIT;
	_cleanup_free_ char *value = NULL, *src = NULL, *s = NULL;
	int err;

	err = rthc_tuned_isolated_cores(ctx->host, c, &value, &src);
	if (err < 0) {
		rthc_result_errorf(r, err, "cannot read tuned's variables");
		return;
	}
	if (!err) {
		rthc_warn(r, "tuned profile %s is active but no isolated_cores is set", profile);
		rthc_remedy(r, false, false,
			    "set isolated_cores=<ISO> in /etc/tuned/%s-variables.conf", profile);
		rthc_remedy_action(r, RTHC_ACTION_FILE, "/etc/tuned/realtime-variables.conf",
				   "isolated_cores=");
		return;
	}
	rthc_evidence(r, src, "isolated_cores=%s", value);
	err = rthc_tuned_eval_cores(ctx->facts, value, &cores);
	if (err < 0) {
		rthc_result_errorf(r, err, "cannot evaluate isolated_cores=%s in %s", value, src);
		goto out;
	}
	rthc_expect_cpus(r, "isolated_cores", iso);
	rthc_observe_cpus(r, "isolated_cores", &cores);
	s = rthc_cpuset_str(&cores);
	if (rthc_cpuset_equal(&cores, iso)) {
		rthc_pass(r,
			  "tuned profile %s is active and its isolated_cores (%s) equal the "
			  "isolated CPUs",
			  profile, cpus_or_none(s));
		goto out;
	}
	diff_items(r, &cores, iso);
	rthc_warn(r,
		  "tuned profile %s believes isolated_cores=%s, but the running kernel isolates %s",
		  profile, cpus_or_none(s), "other CPUs (see items)");
	rthc_remedy(r, false, true,
		    "make %s and the boot parameters name the same CPUs, then tuned-adm profile %s "
		    "and reboot",
		    src, profile);
	rthc_remedy_action(r, RTHC_ACTION_FILE, src, NULL);
out:
	rthc_cpuset_done(&cores);
}

static void tuned(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct rthc_tuned_chain c;
	const char *profile;

	if (chain_or_result(ctx, r, &c) < 0)
		goto out;
	for (size_t i = 0; i < c.n; i++)
		if (c.p[i].conf_path)
			rthc_evidence(r, c.p[i].conf_path, "profile %s", c.p[i].name);
	profile = rt_profile(ctx, &c);
	if (!profile) {
		rthc_observe_null(r, "rt_profile");
		rthc_warn(r, "the active tuned profile (%s) is not a real-time profile for a %s",
			  c.active, ctx->guest ? "guest" : "host");
		rthc_remedy(r, false, false, "tuned-adm profile %s",
			    ctx->guest ? "realtime-virtual-guest" : "realtime-virtual-host");
		rthc_remedy_action(r, RTHC_ACTION_MANUAL, "tuned-adm profile",
				   ctx->guest ? "realtime-virtual-guest" : "realtime-virtual-host");
		goto out;
	}
	rthc_observe_str(r, "rt_profile", profile);
	judge_cores(ctx, r, &c, profile);
out:
	rthc_tuned_chain_done(&c);
}

static void rtentsk(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct rthc_tuned_chain c;
	const char *with = NULL;

	if (chain_or_result(ctx, r, &c) < 0)
		goto out;
	for (size_t i = 0; i < c.n && !with; i++)
		if (c.p[i].rtentsk)
			with = c.p[i].name;
	rthc_observe_bool(r, "rtentsk", with != NULL);
	if (with) {
		rthc_evidence(r, c.p[0].conf_path ? c.p[0].conf_path : "/etc/tuned/active_profile",
			      "[rtentsk] from profile %s", with);
		rthc_info(r,
			  "tuned's rtentsk plugin is active (from profile %s): it keeps a "
			  "timestamping socket open so the static key never flips",
			  with);
	} else {
		rthc_info(r, "no profile of the active tuned profile (%s) has an [rtentsk] section",
			  c.active);
	}
out:
	rthc_tuned_chain_done(&c);
}

static const char *const unit_dirs[] = {
	"/etc/systemd/system",
	"/usr/lib/systemd/system",
	"/lib/systemd/system",
};

static void fwupd(struct rthc_ctx *ctx, struct rthc_result *r)
{
	enum rthc_unit_file_state st;
	bool any = false;
	int active;

	for (size_t i = 0; i < ARRAY_SIZE(unit_dirs); i++)
		any |= rthc_host_is_dir(ctx->host, unit_dirs[i]) > 0;
	if (!any) {
		rthc_na(r, "no systemd unit directories (/etc/systemd/system, "
			   "/usr/lib/systemd/system, /lib/systemd/system)");
		return;
	}
	st = rthc_unit_file_state(ctx->host, "fwupd-refresh.timer");
	active = rthc_unit_active(ctx->host, "fwupd-refresh.timer");
	rthc_expect_str(r, "unit_file_state", "disabled, masked or absent");
	rthc_observe_str(r, "unit_file_state", rthc_unit_file_state_to_string(st));
	if (active >= 0)
		rthc_observe_bool(r, "active", active);
	else
		rthc_observe_null(r, "active");
	switch (st) {
	case RTHC_UNIT_ENABLED:
		rthc_warn(r,
			  "fwupd-refresh.timer is enabled%s: firmware metadata refreshes can "
			  "trigger SMIs",
			  active > 0 ? " and active" : "");
		rthc_remedy(r, true, false, "systemctl disable --now fwupd-refresh.timer");
		rthc_remedy_action(r, RTHC_ACTION_SERVICE, "fwupd-refresh.timer", "disable");
		return;
	case RTHC_UNIT_MASKED:
		rthc_pass(r, "fwupd-refresh.timer is masked");
		return;
	case RTHC_UNIT_INSTALLED:
		if (active > 0) {
			rthc_warn(r, "fwupd-refresh.timer is not enabled but active (started by "
				     "hand or another unit)");
			rthc_remedy(r, true, false, "systemctl stop fwupd-refresh.timer");
			rthc_remedy_action(r, RTHC_ACTION_SERVICE, "fwupd-refresh.timer", "stop");
			return;
		}
		rthc_pass(r, "fwupd-refresh.timer is installed but not enabled");
		return;
	default:
		rthc_pass(r, "fwupd-refresh.timer is not installed");
	}
}

const struct rthc_check rthc_checks_svc[] = {
	{
		.id = "svc.tuned",
		.title = "tuned's active profile fits the mode and the isolated CPUs",
		.category = RTHC_CAT_SVC,
		.modes = RTHC_MODE_BOTH,
		.reads = "/etc/tuned/active_profile; the profiles' tuned.conf (/etc/tuned, "
			 "/usr/lib/tuned, and their profiles/ subdirectories) and include= chains; "
			 "[variables] isolated_cores and the variables files "
			 "(/etc/tuned/<profile>-variables.conf)",
		.why = "tuned applies its own view of the isolated CPUs (IRQ bans, workqueue "
		       "masks, the boot line); when it disagrees with the running kernel, tuned "
		       "and the kernel fight.",
		.pass = "a real-time profile for the mode is active (realtime, "
			"realtime-virtual-host or -guest, cpu-partitioning) and isolated_cores (a "
			"cpulist, or ${f:calc_isolated_cores[:N]} evaluated as tuned does) equals "
			"the isolated set; not applicable without tuned",
		.remedy = "tuned-adm profile realtime-virtual-host (guest: "
			  "realtime-virtual-guest); set isolated_cores in "
			  "/etc/tuned/<profile>-variables.conf",
		.sources = "[T-RT] [T-RVH] [T-RVG]",
		.run = tuned,
	},
	{
		.id = "svc.fwupd",
		.title = "fwupd's refresh timer is disabled",
		.category = RTHC_CAT_SVC,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "fwupd-refresh.timer links in /etc/systemd/system/*.wants and the unit "
			 "directories; live: /run/systemd/units/invocation:fwupd-refresh.timer",
		.why = "fwupd-refresh.timer queries firmware metadata and devices, which can "
		       "trigger SMIs that stop every CPU.",
		.pass = "fwupd-refresh.timer is disabled, masked or not installed (and not active "
			"on a live host)",
		.remedy = "CFG systemctl disable --now fwupd-refresh.timer",
		.sources = "[NTO]",
		.run = fwupd,
	},
	{
		.id = "svc.rtentsk",
		.title = "tuned's rtentsk plugin",
		.category = RTHC_CAT_SVC,
		.modes = RTHC_MODE_BOTH,
		.reads = "/etc/tuned/active_profile and the included profiles' tuned.conf "
			 "([rtentsk] section)",
		.why = "Opening and closing SO_TIMESTAMP sockets flips a static key, which patches "
		       "kernel text with IPIs to every CPU; tuned's rtentsk plugin keeps one "
		       "socket open.",
		.pass = "reported (info): present for strict setups",
		.remedy = "a tuned profile with [rtentsk] (realtime includes it)",
		.sources = "[T-ENT] [T-NL]",
		.run = rtentsk,
	},
	{0},
};
