/* Kernel module checks (spec/checks.md §8): dm-multipath and multipathd. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw-kmod.h"
#include "tasks.h"
#include "util.h"

#define DM_MP "dm_multipath"
#define BLOCK_RULE "install dm_multipath /bin/false"
/* multipath-tools 0.9.9 caps multipathd with LimitRTPRIO=10. */
#define MPATHD_MAX_PRIO 10

/* Whether the kernel's own module_blacklist= names dm_multipath (compared literally, as the kernel
 * does). */
static bool kernel_blacklisted(const struct rthc_cmdline *cl)
{
	const char *v = rthc_cmdline_get(cl, "module_blacklist");
	size_t l = strlen(DM_MP);

	for (const char *p = v; p && *p;) {
		size_t n = strcspn(p, ",");

		if (n == l && strneq(p, DM_MP, l))
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

static void evidence_line(struct rthc_result *r, struct rthc_kmod *k, const char *keyword)
{
	_cleanup_free_ char *path = NULL, *line = NULL;

	if (rthc_kmod_config_line(k, keyword, DM_MP, &path, &line) > 0)
		rthc_evidence(r, path, "%s", line);
}

/* Multipath maps (dm-N whose dm/uuid starts with "mpath-") as items; count or negative errno. */
static int mpath_maps(struct rthc_ctx *ctx, struct rthc_result *r)
{
	char **names = NULL;
	int n = 0, err;

	err = rthc_host_list_dir(ctx->host, "/sys/block", &names, NULL);
	if (err == -ENOENT)
		return 0;
	if (err < 0) {
		rthc_result_error(r, err, "/sys/block");
		return err;
	}
	for (char **nm = names; *nm; nm++) {
		_cleanup_free_ char *uuid = NULL, *name = NULL;
		char path[256];

		if (!strneq(*nm, "dm-", 3))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/dm/uuid", *nm);
		if (rthc_host_read_str(ctx->host, path, &uuid) < 0 || !strneq(uuid, "mpath-", 6))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/dm/name", *nm);
		if (rthc_host_read_str(ctx->host, path, &name) < 0)
			name = NULL;
		rthc_item(r, *nm, "multipath map %s (%s)", name ? name : "?", uuid);
		n++;
	}
	rthc_strv_free(names);
	return n;
}

struct mpathd {
	bool found, rt_prio_high, on_iso;
	char *cpus; /* owned */
};

/* multipathd's scheduling and affinity, where /proc has tasks (live, or a tree with /proc/<pid>).
 */
static void find_multipathd(struct rthc_ctx *ctx, struct rthc_result *r, struct mpathd *d)
{
	const struct rthc_tasks *ts = rthc_facts_tasks(ctx->facts, ctx->host);
	const struct rthc_isolation *iso = &ctx->facts->isolation;

	for (size_t i = 0; ts && i < ts->n; i++) {
		const struct rthc_task *t = &ts->v[i];
		char obj[32];

		if (!streq(t->comm, "multipathd") || rthc_task_is_kthread(t))
			continue;
		d->found = true;
		d->rt_prio_high =
			(t->policy == 1 || t->policy == 2) && t->rt_priority > MPATHD_MAX_PRIO;
		d->on_iso = t->has_allowed && !rthc_cpuset_empty(&iso->isolated) &&
			    rthc_cpuset_intersects(&t->allowed, &iso->isolated);
		d->cpus = t->has_allowed ? rthc_cpuset_str(&t->allowed) : NULL;
		rthc_observe_str(r, "multipathd_policy", rthc_task_policy_name(t->policy));
		rthc_observe_int(r, "multipathd_rt_priority", t->rt_priority);
		if (t->has_allowed)
			rthc_observe_cpus(r, "multipathd_cpus", &t->allowed);
		snprintf(obj, sizeof(obj), "pid %d", t->pid);
		rthc_item(r, obj, "multipathd: %s priority %u, CPUs %s",
			  rthc_task_policy_name(t->policy), t->rt_priority, cpus_or_none(d->cpus));
		return;
	}
}

static void loaded(struct rthc_ctx *ctx, struct rthc_result *r, enum rthc_kmod_load_state st,
		   bool blocked)
{
	const char *how = st == RTHC_KMOD_BUILTIN ? "built into the kernel" : "loaded";
	struct mpathd d = {0};
	int maps;

	maps = mpath_maps(ctx, r);
	if (maps < 0)
		return;
	rthc_observe_int(r, "multipath_maps", maps);
	find_multipathd(ctx, r, &d);
	if (d.rt_prio_high || d.on_iso) {
		rthc_fail(r, "dm_multipath is %s (%d multipath map%s) and multipathd %s%s%s", how,
			  maps, maps == 1 ? "" : "s",
			  d.rt_prio_high ? "runs above RT priority 10" : "",
			  d.rt_prio_high && d.on_iso ? " and " : "",
			  d.on_iso ? "may run on isolated CPUs" : "");
		rthc_remedy(r, false, false,
			    "%s; if multipath is needed: LimitRTPRIO=%d and CPUAffinity=<HK> in a "
			    "multipathd.service drop-in",
			    maps ? "keep dm_multipath (maps use it)"
				 : "disable multipathd and block dm_multipath",
			    MPATHD_MAX_PRIO);
		rthc_remedy_action(r, RTHC_ACTION_SERVICE, "multipathd.service", "LimitRTPRIO=10");
		goto out;
	}
	if (st == RTHC_KMOD_LOADED && blocked && maps == 0) {
		rthc_result_set(r, RTHC_STATUS_PENDING_REBOOT,
				"dm_multipath is still loaded, although an install rule now blocks "
				"loading it: unload it (modprobe -r dm_multipath) or reboot");
		rthc_remedy(r, false, true, "modprobe -r dm_multipath, or reboot");
		rthc_remedy_action(r, RTHC_ACTION_MANUAL, "modprobe -r dm_multipath", NULL);
		goto out;
	}
	if (maps)
		rthc_warn(r,
			  "dm_multipath is %s and %d multipath map%s use%s it: keep multipathd "
			  "capped (RT priority <= 10) and on housekeeping CPUs",
			  how, maps, maps == 1 ? "" : "s", maps == 1 ? "s" : "");
	else
		rthc_warn(r, "dm_multipath is %s but no multipath map uses it", how);
	rthc_remedy(r, !maps, true, "%s",
		    maps ? "cap multipathd: LimitRTPRIO=10 and CPUAffinity=<HK> in a "
			   "multipathd.service drop-in"
			 : "disable and mask multipathd, block the module with '" BLOCK_RULE
			   "' in /etc/modprobe.d, then unload it or reboot");
	if (maps)
		rthc_remedy_action(r, RTHC_ACTION_SERVICE, "multipathd.service", "LimitRTPRIO=10");
	else
		rthc_remedy_action(r, RTHC_ACTION_MODPROBE, DM_MP, BLOCK_RULE);
out:
	free(d.cpus);
}

static void not_loaded(struct rthc_ctx *ctx, struct rthc_result *r, struct rthc_kmod *k,
		       const char *cmd, bool blocked, bool kbl, int bl)
{
	const char *release = ctx->facts->kernel.release;
	int in;

	if (blocked) {
		rthc_pass(r,
			  "dm_multipath is not loaded, and modprobe runs '%s' instead of loading it",
			  cmd);
		return;
	}
	if (kbl) {
		rthc_pass(r, "dm_multipath is not loaded, and module_blacklist= on the command "
			     "line makes the kernel refuse it");
		return;
	}
	in = rthc_kmod_in_kernel(k, DM_MP);
	if (in < 0) {
		rthc_result_error(r, in, rthc_kmod_err_path(k));
		return;
	}
	rthc_observe_bool(r, "in_kernel", in);
	if (!in) {
		rthc_pass(r, "dm_multipath is not loaded, and kernel %s has no such module",
			  release);
		return;
	}
	if (cmd)
		rthc_warn(r,
			  "dm_multipath is not loaded but can be: the install command '%s' is not "
			  "known to block loading",
			  cmd);
	else if (bl)
		rthc_warn(r, "dm_multipath is not loaded but can be: a blacklist line only stops "
			     "alias-based autoloading, and multipathd runs 'modprobe dm_multipath' "
			     "itself");
	else
		rthc_warn(r, "dm_multipath is not loaded but can be: nothing in modprobe.d blocks "
			     "it");
	rthc_remedy(r, true, false,
		    "add '" BLOCK_RULE "' to /etc/modprobe.d/ and disable multipathd if multipath "
		    "is unused");
	rthc_remedy_action(r, RTHC_ACTION_MODPROBE, DM_MP, BLOCK_RULE);
}

static void dm_multipath(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_kernel_facts *kf = &ctx->facts->kernel;
	_cleanup_kmod_ struct rthc_kmod *k = NULL;
	_cleanup_free_ char *cmd = NULL;
	enum rthc_kmod_load_state st;
	bool blocked, kbl;
	int err, bl;

	err = rthc_kmod_new(ctx->host, kf->release, &k);
	if (err < 0) {
		rthc_result_errorf(r, err,
				   "cannot set up libkmod for the module directory and modprobe.d");
		return;
	}
	err = rthc_kmod_load_state(k, DM_MP, &st);
	if (err < 0) {
		rthc_result_error(r, err, rthc_kmod_err_path(k));
		return;
	}
	err = rthc_kmod_install_command(k, DM_MP, &cmd);
	bl = rthc_kmod_blacklisted(k, DM_MP);
	if (err < 0 || bl < 0) {
		rthc_result_errorf(r, err < 0 ? err : bl,
				   "libkmod could not evaluate modprobe.d for dm_multipath");
		return;
	}
	blocked = rthc_kmod_install_blocks(cmd);
	kbl = kernel_blacklisted(kf->cmdline);
	evidence_line(r, k, "install");
	evidence_line(r, k, "blacklist");
	if (kbl)
		rthc_evidence_param(r, kf->cmdline, "module_blacklist");
	rthc_expect_str(r, "state", "not loaded");
	rthc_expect_bool(r, "loadable", false);
	rthc_observe_str(r, "state", rthc_kmod_load_state_to_string(st));
	rthc_observe_str(r, "install_command", cmd);
	rthc_observe_bool(r, "install_blocks", blocked);
	rthc_observe_bool(r, "blacklisted", bl > 0);
	if (st == RTHC_KMOD_NOT_LOADED)
		not_loaded(ctx, r, k, cmd, blocked, kbl, bl);
	else
		loaded(ctx, r, st, blocked || kbl);
}

const struct rthc_check rthc_checks_modules[] = {
	{
		.id = "mod.dm_multipath",
		.title = "dm-multipath is not loaded and cannot be loaded",
		.category = RTHC_CAT_MOD,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_AUTOFIX,
		.reads = "/proc/modules; /sys/module/dm_multipath; "
			 "/lib/modules/<release>/modules.{dep,builtin,alias}; modprobe.d (etc, "
			 "run, usr/local/lib, lib, usr/lib) through libkmod; /proc/cmdline "
			 "module_blacklist=; /sys/block/dm-*/dm/{uuid,name}; multipathd's "
			 "/proc/<pid>/{stat,status}",
		.why = "multipathd ran at SCHED_RR 99 before multipath-tools 0.9.9 (about 150 us "
		       "latency seen on Ubuntu RT) and is often installed but unused. A "
		       "'blacklist' line does not stop it: blacklisting only affects alias "
		       "lookups, and multipathd runs 'modprobe dm_multipath' by name.",
		.pass = "dm_multipath is not loaded and cannot be loaded: an install rule that "
			"certainly does nothing (false, true or ':' by any path, 'exit N', or sh "
			"-c running one of those; scripts, echo and commands with shell operators "
			"do not count), module_blacklist= on the kernel command line, or no such "
			"module in the kernel. A loaded module is warn (fail when multipathd runs "
			"above RT priority 10 or may run on isolated CPUs); loaded but blocked for "
			"the future and unused is pending_reboot",
		.remedy = "CFG 'install dm_multipath /bin/false' in /etc/modprobe.d, disable and "
			  "mask multipathd if unused; else LimitRTPRIO=10 and CPUAffinity=<HK> for "
			  "multipathd.service",
		.sources = "[MPT]",
		.run = dm_multipath,
	},
	{0},
};
