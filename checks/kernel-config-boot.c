/*
 * Boot configuration checks (spec/checks.md §1 kernel.cmdline_pending, §12
 * xcheck.nohz_equals_isolcpus and xcheck.cmdline_vs_runtime): the next boot's command line, and
 * whether the running kernel applied the one it booted with. Descriptors in kernel-config.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg.h"
#include "sys.h"
#include "util.h"

/* ---- kernel.cmdline_pending ---- */

/* tuned's parameters that the boot loader configuration does not carry (tuned#528). */
static int tuned_unwired(struct rthc_result *r, const struct rthc_bootcfg *cfg,
			 const struct rthc_cmdline *next)
{
	struct rthc_cmdline *tl = NULL;
	struct rthc_bootcfg_diff *d = NULL;
	size_t n = 0;
	int err;

	if (!cfg->tuned || cfg->tuned_only)
		return 0;
	err = rthc_cmdline_parse(cfg->tuned, &tl);
	if (err == 0)
		err = rthc_bootcfg_compare(tl, next, tl, &d, &n);
	for (size_t i = 0; err == 0 && i < n; i++)
		rthc_item(r, d[i].key,
			  "%s is in /etc/tuned/bootcmdline but the boot loader configuration has "
			  "%s",
			  d[i].running, d[i].next ? d[i].next : "nothing");
	rthc_bootcfg_diffs_free(d, n);
	rthc_cmdline_free(tl);
	return err < 0 ? err : (int)n;
}

void rthc_sys_cmdline_pending(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	struct rthc_bootcfg cfg;
	struct rthc_cmdline *next = NULL;
	struct rthc_bootcfg_diff *d = NULL;
	size_t n = 0;
	int err, unwired = 0;

	if (!cl)
		return;
	err = rthc_bootcfg_next(ctx->host, &cfg);
	if (err == -ENOENT && !cfg.source) {
		/*
		 * Nothing to compare with: a direct kernel boot (most VMs), a unified kernel image
		 * or a firmware-provided command line. The interface is optional, not unreadable.
		 */
		rthc_na(r, "no boot loader configuration found (none of /boot/loader/entries/*.conf, "
			   "/etc/kernel/cmdline, /etc/default/grub, /etc/tuned/bootcmdline exists): the "
			   "command line comes from elsewhere (direct kernel boot, UKI, firmware)");
		goto out;
	}
	if (err < 0) {
		if (cfg.detail)
			rthc_result_errorf(r, err, "cannot read %s: %s",
					   cfg.source ? cfg.source : "?", cfg.detail);
		else
			rthc_result_error(r, err, cfg.source ? cfg.source : "/etc/default/grub");
		goto out;
	}
	rthc_evidence(r, cfg.source, "%s", cfg.line);
	if (cfg.detail)
		rthc_evidence(r, cfg.source, "%s", cfg.detail);
	rthc_observe_str(r, "source", cfg.source);
	err = rthc_cmdline_parse(cfg.line, &next);
	if (err == 0)
		err = rthc_bootcfg_compare(cl, next, cfg.tuned_only ? next : NULL, &d, &n);
	if (err == 0)
		unwired = tuned_unwired(r, &cfg, next);
	if (err < 0 || unwired < 0) {
		rthc_result_errorf(r, err < 0 ? err : unwired,
				   "cannot compare the command lines of %s", cfg.source);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		rthc_item(r, d[i].key, "running: %s; next boot: %s",
			  d[i].running ? d[i].running : "absent", d[i].next ? d[i].next : "absent");
	rthc_expect_int(r, "differences", 0);
	rthc_observe_int(r, "differences", (int64_t)n);
	rthc_observe_int(r, "tuned_not_in_bootloader", unwired);
	if (n) {
		rthc_warn(r,
			  "%zu RT boot parameter%s differ%s between the running kernel and the "
			  "next boot (%s): a reboot is pending",
			  n, n == 1 ? "" : "s", n == 1 ? "s" : "", cfg.source);
		rthc_remedy(r, false, true,
			    "reboot to apply the boot loader configuration (or revert it)");
		rthc_remedy_action(r, RTHC_ACTION_MANUAL, "reboot", NULL);
	} else if (unwired) {
		rthc_warn(r,
			  "tuned's boot parameters (/etc/tuned/bootcmdline) are missing from %s: "
			  "its bootloader plugin did not take effect",
			  cfg.source);
		rthc_remedy(r, false, true,
			    "add $tuned_params to the kernel options (or re-run tuned-adm profile) "
			    "and reboot");
		rthc_remedy_action(r, RTHC_ACTION_MANUAL, "tuned bootloader", NULL);
	} else {
		rthc_pass(r,
			  "the RT boot parameters of the next boot (%s%s) match the running kernel",
			  cfg.source, cfg.tuned_only ? ", tuned's parameters only" : "");
	}
out:
	rthc_bootcfg_diffs_free(d, n);
	rthc_cmdline_free(next);
	rthc_bootcfg_done(&cfg);
}

/* ---- xcheck.nohz_equals_isolcpus ---- */

/* Whether the kernel shows a command-line list in its sysfs set: 1, 0, or -1 (cannot tell). */
static int list_applied(const struct rthc_facts *f, const struct rthc_cpuset *given,
			const struct rthc_sysfs_cpus *eff, unsigned missing_ok)
{
	struct rthc_cpuset want = RTHC_CPUSET_INIT;
	int applied;

	if (eff->state != 1)
		return -1;
	if (rthc_cpuset_copy(&want, given) < 0)
		return -1;
	rthc_cpuset_and(&want, &f->topology.possible);
	applied = rthc_cpuset_subset(&eff->cpus, &want);
	rthc_cpuset_andnot(&want, &eff->cpus);
	applied = applied && rthc_cpuset_count(&want) <= missing_ok;
	rthc_cpuset_done(&want);
	return applied;
}

void rthc_sys_nohz_equals_isolcpus(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	const struct rthc_kernel_facts *k = &f->kernel;
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	bool per_type = k->major > 5 || (k->major == 5 && k->minor >= 17);
	int dom, tick;

	if (!cl)
		return;
	if (!iso->isolcpus.present || !iso->nohz_full.present || iso->isolcpus.err ||
	    iso->nohz_full.err) {
		rthc_na(r, "needs both nohz_full= and isolcpus= (well-formed) on the command line");
		return;
	}
	rthc_evidence_param(r, cl, "isolcpus");
	rthc_evidence_param(r, cl, "nohz_full");
	rthc_observe_cpus(r, "isolcpus", &iso->isolcpus.cpus);
	rthc_observe_cpus(r, "nohz_full", &iso->nohz_full.cpus);
	rthc_expect_bool(r, "both_applied", true);
	if (rthc_cpuset_equal(&iso->isolcpus.cpus, &iso->nohz_full.cpus)) {
		rthc_pass(r, "nohz_full= and isolcpus= name the same CPUs");
		return;
	}
	/* The kernel decides whether it kept both (it drops the boot CPU from nohz_full). */
	dom = iso->isolcpus_flags & RTHC_ISOL_DOMAIN
		      ? list_applied(f, &iso->isolcpus.cpus, &iso->isolated_effective, 0)
		      : 1;
	tick = list_applied(f, &iso->nohz_full.cpus, &iso->nohz_full_effective, 1);
	if (k->major >= 0 && per_type && !(iso->isolcpus_flags & RTHC_ISOL_NOHZ)) {
		if (tick == 0)
			rthc_evidence(r, iso->nohz_full_effective.path,
				      "nohz_full= is not in effect for another reason (see "
				      "kernel.config.isolation, xcheck.cmdline_vs_runtime)");
		rthc_pass(r,
			  "the lists differ, which kernel %s allows: isolcpus= without nohz and "
			  "nohz_full= are separate housekeeping types (5.17+)",
			  k->release);
		return;
	}
	if (dom >= 0 && tick >= 0) {
		rthc_observe_bool(r, "both_applied", dom && tick);
		if (dom && tick) {
			rthc_pass(r,
				  "the lists differ but the kernel applied both (per-type "
				  "housekeeping%s)",
				  per_type ? "" : ", backported to this kernel: the kernel wins");
			return;
		}
		rthc_fail(r,
			  "the kernel ignored %s: \"Housekeeping: nohz_full= must match "
			  "isolcpus=\"",
			  !tick ? "nohz_full=" : "isolcpus=");
	} else if (k->major < 0) {
		rthc_result_errorf(r, -ENODATA,
				   "the lists differ and neither the kernel version nor %s and %s "
				   "tell whether both were applied",
				   iso->isolated_effective.path, iso->nohz_full_effective.path);
		return;
	} else if (!per_type) {
		rthc_fail(r,
			  "kernel %s (before the 5.17 per-type housekeeping split) ignores the "
			  "later of nohz_full= and isolcpus= when they differ",
			  k->release);
	} else {
		rthc_fail(r, "isolcpus=nohz,... and nohz_full= set the same housekeeping type with "
			     "different lists: the later one is ignored");
	}
	rthc_remedy(r, true, true, "boot with the same CPU list in nohz_full= and isolcpus=");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "nohz_full", NULL);
}

/* ---- xcheck.cmdline_vs_runtime ---- */

void rthc_sys_cmdline_vs_runtime(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	struct rthc_bootcfg_effect_of *v = NULL;
	unsigned count[3] = { 0 };
	size_t n = 0;
	int err;

	if (!cl)
		return;
	err = rthc_bootcfg_effects(ctx->host, ctx->facts, rthc_facts_tasks(ctx->facts, ctx->host),
				   &v, &n);
	if (err < 0) {
		rthc_result_errorf(r, err, "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		count[v[i].effect]++;
		if (v[i].effect == RTHC_BOOTCFG_NOT_APPLIED)
			rthc_item(r, v[i].param, "not in effect: %s shows %s", v[i].where,
				  v[i].seen);
		else
			rthc_evidence(r, v[i].where, "%s: %s%s", v[i].param,
				      v[i].effect == RTHC_BOOTCFG_UNVERIFIED ? "not verified, "
									     : "",
				      v[i].seen);
	}
	rthc_bootcfg_effects_free(v, n);
	rthc_expect_int(r, "not_applied", 0);
	rthc_observe_int(r, "applied", count[RTHC_BOOTCFG_APPLIED]);
	rthc_observe_int(r, "not_applied", count[RTHC_BOOTCFG_NOT_APPLIED]);
	rthc_observe_int(r, "unverified", count[RTHC_BOOTCFG_UNVERIFIED]);
	if (!n) {
		rthc_na(r, "no RT parameter on the command line whose effect can be checked");
	} else if (count[RTHC_BOOTCFG_NOT_APPLIED]) {
		rthc_fail(r,
			  "%u RT boot parameter%s had no effect (misspelt, unsupported by this "
			  "kernel, rejected or undone at runtime)",
			  count[RTHC_BOOTCFG_NOT_APPLIED],
			  count[RTHC_BOOTCFG_NOT_APPLIED] == 1 ? "" : "s");
		rthc_remedy(r, false, true,
			    "fix the spelling or the value, or use a kernel that supports the "
			    "parameter, and reboot");
		rthc_remedy_action(r, RTHC_ACTION_MANUAL, "kernel command line", NULL);
	} else if (count[RTHC_BOOTCFG_APPLIED]) {
		rthc_pass(r, "%u RT boot parameter%s took effect%s", count[RTHC_BOOTCFG_APPLIED],
			  count[RTHC_BOOTCFG_APPLIED] == 1 ? "" : "s",
			  count[RTHC_BOOTCFG_UNVERIFIED] ? " (some could not be verified)" : "");
	} else {
		rthc_result_errorf(r, -ENODATA,
				   "none of the %zu RT boot parameters could be verified: their "
				   "runtime interfaces are missing",
				   n);
	}
}
