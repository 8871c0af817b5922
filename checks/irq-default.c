/*
 * The default IRQ affinity: cmdline.irqaffinity (irqaffinity= and /proc/irq/default_smp_affinity)
 * and xcheck.irqaffinity_complement (irqaffinity= == housekeeping).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "irq.h"
#include "util.h"

#define DEFAULT_AFFINITY "/proc/irq/default_smp_affinity"

static void remedy_default(struct rthc_ctx *ctx, struct rthc_result *r, bool runtime)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	_cleanup_free_ char *hk_s = rthc_cpuset_str(&iso->housekeeping), *mask = NULL;

	if (!hk_s || !*hk_s) {
		rthc_remedy(r, false, false, "no housekeeping CPU is left to route IRQs to (xcheck.hk_left)");
		return;
	}
	if (runtime &&
	    rthc_cpuset_format_mask(&iso->housekeeping, ctx->facts->topology.nr_cpu_ids, &mask) < 0) {
		r->oom = true;
		return;
	}
	if (runtime) {
		rthc_remedy(r, true, false, "write the housekeeping mask %s to %s now, and boot with "
			    "irqaffinity=%s so it survives a reboot", mask, DEFAULT_AFFINITY, hk_s);
		rthc_remedy_action(r, RTHC_ACTION_SYSFS, DEFAULT_AFFINITY, mask);
	} else {
		rthc_remedy(r, true, true, "boot with irqaffinity=%s", hk_s);
	}
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "irqaffinity", hk_s);
}

void irq_check_cmdline_irqaffinity(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	struct rthc_cpuset def = RTHC_CPUSET_INIT, leak = RTHC_CPUSET_INIT, boot = RTHC_CPUSET_INIT;
	_cleanup_free_ char *def_s = NULL, *leak_s = NULL, *boot_s = NULL;

	if (!cl)
		return;
	if (irq_no_isolated(ctx, r, NULL))
		return;
	rthc_evidence_param(r, cl, "irqaffinity");
	if (irq_read_mask(ctx, r, DEFAULT_AFFINITY, &def, &def_s) < 0)
		goto out;
	rthc_observe_cpus(r, "default_smp_affinity", &def);
	if (iso->irqaffinity.present && !iso->irqaffinity.err)
		rthc_observe_cpus(r, "irqaffinity", &iso->irqaffinity.cpus);
	else
		rthc_observe_null(r, "irqaffinity");
	rthc_expect_cpus(r, "default_on_isolated", &(struct rthc_cpuset)RTHC_CPUSET_INIT);
	if (rthc_cpuset_copy(&leak, &def) < 0 || rthc_cpuset_copy(&boot, &iso->irqaffinity.cpus) < 0) {
		r->oom = true;
		goto out;
	}
	rthc_cpuset_and(&leak, &iso->isolated);
	rthc_cpuset_and(&boot, &iso->isolated);
	rthc_observe_cpus(r, "default_on_isolated", &leak);
	if (iso->irqaffinity.present && iso->irqaffinity.err)
		rthc_evidence(r, "/proc/cmdline", "irqaffinity=%s is malformed: the kernel ignores it",
			      rthc_cmdline_get(cl, "irqaffinity"));
	if (!rthc_cpuset_empty(&leak)) {
		leak_s = rthc_cpuset_str(&leak);
		rthc_items_cpus(r, &leak, "in the default IRQ affinity");
		rthc_warn(r, "the default IRQ affinity %s includes isolated CPUs %s: new and unmanaged IRQs "
			     "(device probe, VF hot-add) land there", cpus_or_none(def_s), cpus_or_none(leak_s));
		remedy_default(ctx, r, true);
	} else if (iso->irqaffinity.present && !iso->irqaffinity.err && !rthc_cpuset_empty(&boot)) {
		boot_s = rthc_cpuset_str(&boot);
		rthc_items_cpus(r, &boot, "in irqaffinity= on the command line");
		rthc_warn(r, "the default IRQ affinity %s avoids isolated CPUs now, but irqaffinity= puts "
			     "isolated CPUs %s back at the next boot", cpus_or_none(def_s), cpus_or_none(boot_s));
		remedy_default(ctx, r, false);
	} else {
		rthc_pass(r, "the default IRQ affinity %s avoids isolated CPUs", cpus_or_none(def_s));
	}
out:
	rthc_cpuset_done(&def);
	rthc_cpuset_done(&leak);
	rthc_cpuset_done(&boot);
}

void irq_check_xirqaffinity(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	struct rthc_cpuset online_aff = RTHC_CPUSET_INIT, extra = RTHC_CPUSET_INIT,
			   missing = RTHC_CPUSET_INIT;
	_cleanup_free_ char *aff_s = NULL, *hk_s = NULL, *x_s = NULL, *m_s = NULL;

	if (!cl)
		return;
	if (irq_no_isolated(ctx, r, NULL))
		return;
	rthc_evidence_param(r, cl, "irqaffinity");
	if (!iso->irqaffinity.present) {
		rthc_na(r, "no irqaffinity= on the command line (cmdline.irqaffinity judges the default "
			   "IRQ affinity)");
		return;
	}
	hk_s = rthc_cpuset_str(&iso->housekeeping);
	rthc_expect_cpus(r, "irqaffinity", &iso->housekeeping);
	if (iso->irqaffinity.err) {
		rthc_observe_str(r, "irqaffinity", rthc_cmdline_get(cl, "irqaffinity"));
		rthc_warn(r, "irqaffinity=%s is malformed, so the kernel ignores it and spreads IRQs over "
			     "all CPUs", rthc_cmdline_get(cl, "irqaffinity"));
		remedy_default(ctx, r, false);
		return;
	}
	if (rthc_cpuset_copy(&online_aff, &iso->irqaffinity.cpus) < 0 ||
	    rthc_cpuset_copy(&missing, &iso->housekeeping) < 0) {
		r->oom = true;
		goto out;
	}
	rthc_cpuset_and(&online_aff, &ctx->facts->topology.online);
	if (rthc_cpuset_copy(&extra, &online_aff) < 0) {
		r->oom = true;
		goto out;
	}
	rthc_cpuset_and(&extra, &iso->isolated);
	rthc_cpuset_andnot(&missing, &online_aff);
	aff_s = rthc_cpuset_str(&iso->irqaffinity.cpus);
	rthc_observe_cpus(r, "irqaffinity", &iso->irqaffinity.cpus);
	rthc_observe_cpus(r, "isolated_in_irqaffinity", &extra);
	rthc_observe_cpus(r, "housekeeping_not_in_irqaffinity", &missing);
	x_s = rthc_cpuset_str(&extra);
	m_s = rthc_cpuset_str(&missing);
	if (!rthc_cpuset_empty(&extra)) {
		rthc_items_cpus(r, &extra, "isolated, but in irqaffinity=");
		rthc_warn(r, "irqaffinity=%s includes isolated CPUs %s; the complement of the isolated set "
			     "is %s", cpus_or_none(aff_s), cpus_or_none(x_s), cpus_or_none(hk_s));
		remedy_default(ctx, r, false);
	} else if (!rthc_cpuset_empty(&missing)) {
		rthc_items_cpus(r, &missing, "housekeeping, but not in irqaffinity=");
		rthc_warn(r, "irqaffinity=%s is not the complement of the isolated set (%s): housekeeping "
			     "CPUs %s take no IRQs by default", cpus_or_none(aff_s), cpus_or_none(hk_s),
			  cpus_or_none(m_s));
		remedy_default(ctx, r, false);
	} else {
		rthc_pass(r, "irqaffinity=%s is the housekeeping set", cpus_or_none(aff_s));
	}
out:
	rthc_cpuset_done(&online_aff);
	rthc_cpuset_done(&extra);
	rthc_cpuset_done(&missing);
}
