/* irq.affinity and irq.managed: where device interrupts are delivered (spec/checks.md §5). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw-pci.h"
#include "interrupts.h"
#include "irq.h"
#include "util.h"

static void state_evidence(struct rthc_result *r, const struct irq_state *st)
{
	rthc_evidence(r, RTHC_INTERRUPTS_PATH, "%zu IRQs with a handler over %zu CPU columns", st->n,
		      st->tab->ncols);
	if (st->vanished)
		rthc_evidence(r, "/proc/irq", "%zu IRQs listed in /proc/interrupts have no /proc/irq/N "
			      "directory (freed while reading)", st->vanished);
	rthc_evidence(r, "/sys/kernel/debug/irq/irqs", "%s",
		      st->debugfs ? "readable: managed and per-CPU IRQs from IRQD_* flags"
				  : "not readable: managed IRQs recognised by driver queue names");
	if (!st->pci)
		rthc_evidence(r, RTHC_PCI_SYSFS, "no PCI information: IRQs named without devices");
	else if (!st->pci->libpci)
		rthc_evidence(r, RTHC_PCI_SYSFS, "%zu devices read through sysfs (libpci not used: %s)",
			      st->pci->ndevs, st->pci->fallback_reason);
	else
		rthc_evidence(r, RTHC_PCI_SYSFS, "%zu devices read with libpci", st->pci->ndevs);
}

/* Whether the IRQ's requested (smp_affinity) mask avoids ISO. */
static bool requested_avoids(const struct irq_info *q, const struct rthc_cpuset *iso)
{
	return !rthc_cpuset_intersects(&q->requested, iso);
}

enum pass_kind {
	PASS_EFFECTIVE, /* delivered to ISO and requested there too: a failure */
	PASS_PENDING,   /* requested off ISO, effective still on it: moved when it next fires */
	PASS_REQUESTED, /* effective off ISO, requested on it: latent */
};

/* One item (and remedy action) per movable IRQ of that kind; returns how many. */
static size_t affinity_items(struct rthc_result *r, const struct irq_state *st,
			     const struct rthc_cpuset *iso, const char *hk_s, enum pass_kind kind,
			     struct rthc_cpuset *hit)
{
	bool effective = kind != PASS_REQUESTED;

	struct rthc_cpuset tmp = RTHC_CPUSET_INIT;
	size_t n = 0;

	for (size_t i = 0; i < st->n; i++) {
		const struct irq_info *q = &st->v[i];
		_cleanup_free_ char *mask_s = NULL, *on_s = NULL, *eff_s = NULL;
		char obj[128], detail[96], target[64];

		if (q->kind != IRQ_MOVABLE ||
		    rthc_cpuset_copy(&tmp, effective ? &q->effective : &q->requested) < 0)
			continue;
		/*
		 * x86 moves an IRQ (IO-APIC, MSI without remapping) only when it next fires: right
		 * after a write the effective mask still shows the old CPUs [IRQA].
		 */
		if (kind == PASS_EFFECTIVE && q->has_effective && requested_avoids(q, iso))
			continue;
		if (kind == PASS_PENDING && (!q->has_effective || !requested_avoids(q, iso)))
			continue;
		rthc_cpuset_and(&tmp, iso);
		if (rthc_cpuset_empty(&tmp))
			continue;
		n++;
		if (hit && rthc_cpuset_or(hit, &tmp) < 0)
			r->oom = true;
		mask_s = rthc_cpuset_str(effective ? &q->effective : &q->requested);
		on_s = rthc_cpuset_str(&tmp);
		irq_object(q, obj, sizeof(obj));
		irq_device_detail(q, detail, sizeof(detail));
		if (kind == PASS_PENDING)
			rthc_item(r, obj, "effective affinity %s still includes isolated CPUs %s, but the "
				  "requested affinity avoids them: the kernel moves the IRQ when it next "
				  "fires%s", cpus_or_none(mask_s), cpus_or_none(on_s), detail);
		else if (effective)
			rthc_item(r, obj, "%s affinity %s includes isolated CPUs %s%s",
				  q->has_effective ? "effective" : "smp", cpus_or_none(mask_s),
				  cpus_or_none(on_s), detail);
		else if ((eff_s = rthc_cpuset_str(&q->effective)))
			rthc_item(r, obj, "requested affinity %s includes isolated CPUs %s (effective %s "
				  "for now)%s", cpus_or_none(mask_s), cpus_or_none(on_s), eff_s, detail);
		if (kind != PASS_PENDING && n <= RTHC_RESULT_MAX_ITEMS && hk_s && *hk_s) {
			snprintf(target, sizeof(target), "/proc/irq/%u/smp_affinity_list", q->irq);
			rthc_remedy_action(r, RTHC_ACTION_IRQ_AFFINITY, target, hk_s);
		}
	}
	rthc_cpuset_done(&tmp);
	return n;
}

void irq_check_affinity(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	struct rthc_cpuset hit = RTHC_CPUSET_INIT;
	_cleanup_free_ char *hk_s = NULL, *iso_s = NULL, *hit_s = NULL;
	size_t count[4] = {0}, bad, pending, latent = 0;
	const struct irq_state *st;

	if (irq_no_isolated(ctx, r, "every CPU may take interrupts"))
		return;
	st = irq_state_get(ctx, r);
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++)
		count[st->v[i].kind]++;
	hk_s = rthc_cpuset_str(&iso->housekeeping);
	iso_s = rthc_cpuset_str(&iso->isolated);
	state_evidence(r, st);
	bad = affinity_items(r, st, &iso->isolated, hk_s, PASS_EFFECTIVE, &hit);
	pending = affinity_items(r, st, &iso->isolated, hk_s, PASS_PENDING, &hit);
	if (bad == 0 && pending == 0)
		latent = affinity_items(r, st, &iso->isolated, hk_s, PASS_REQUESTED, NULL);
	rthc_expect_int(r, "movable_on_isolated", 0);
	rthc_observe_int(r, "irqs", (int64_t)st->n);
	rthc_observe_int(r, "movable", (int64_t)count[IRQ_MOVABLE]);
	rthc_observe_int(r, "managed", (int64_t)count[IRQ_MANAGED]);
	rthc_observe_int(r, "per_cpu", (int64_t)(count[IRQ_PERCPU] + count[IRQ_PINNED]));
	rthc_observe_int(r, "movable_on_isolated", (int64_t)bad);
	rthc_observe_int(r, "move_pending", (int64_t)pending);
	rthc_observe_int(r, "requested_on_isolated", (int64_t)latent);
	rthc_observe_cpus(r, "isolated_cpus_hit", &hit);
	hit_s = rthc_cpuset_str(&hit);
	if (bad + latent > 0 && hk_s && *hk_s)
		rthc_remedy(r, true, false, "write the housekeeping CPUs %s to each IRQ's "
			    "smp_affinity_list, and keep irqbalance off the isolated CPUs (irq.irqbalance)",
			    hk_s);
	else if (bad + latent > 0)
		rthc_remedy(r, false, false, "no housekeeping CPU is left to move IRQs to (xcheck.hk_left)");
	if (bad > 0)
		rthc_fail(r, "%zu movable IRQs are delivered to isolated CPUs %s", bad, cpus_or_none(hit_s));
	else if (pending > 0)
		rthc_warn(r, "%zu movable IRQs still target isolated CPUs %s, but their requested affinity "
			     "avoids them: the kernel moves each when it next fires", pending,
			  cpus_or_none(hit_s));
	else if (latent > 0)
		rthc_warn(r, "%zu movable IRQs avoid isolated CPUs only for now: their requested affinity "
			     "includes isolated CPUs, so a re-activation or irqbalance can move them there",
			  latent);
	else
		rthc_pass(r, "all %zu movable IRQs avoid isolated CPUs %s (%zu managed and %zu per-CPU IRQs "
			     "are judged by irq.managed)", count[IRQ_MOVABLE], cpus_or_none(iso_s),
			  count[IRQ_MANAGED], count[IRQ_PERCPU] + count[IRQ_PINNED]);
	rthc_cpuset_done(&hit);
}

void irq_check_managed(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	struct rthc_cpuset tmp = RTHC_CPUSET_INIT;
	size_t managed = 0, on_iso = 0, fired = 0;
	const struct irq_state *st;

	if (irq_no_isolated(ctx, r, NULL))
		return;
	st = irq_state_get(ctx, r);
	if (!st)
		return;
	state_evidence(r, st);
	for (size_t i = 0; i < st->n; i++) {
		const struct irq_info *q = &st->v[i];
		_cleanup_free_ char *eff_s = NULL, *on_s = NULL;
		char obj[128], detail[96];

		if (q->kind != IRQ_MANAGED)
			continue;
		managed++;
		if (rthc_cpuset_copy(&tmp, &q->effective) < 0) {
			r->oom = true;
			break;
		}
		rthc_cpuset_and(&tmp, &iso->isolated);
		if (rthc_cpuset_empty(&tmp))
			continue;
		on_iso++;
		fired += q->row->selected > 0;
		eff_s = rthc_cpuset_str(&q->effective);
		on_s = rthc_cpuset_str(&tmp);
		irq_object(q, obj, sizeof(obj));
		irq_device_detail(q, detail, sizeof(detail));
		rthc_item(r, obj, "managed (%s), effective affinity %s includes isolated CPUs %s; %s%s",
			  q->kind_source, cpus_or_none(eff_s), cpus_or_none(on_s),
			  q->row->selected ? "has fired there" : "has not fired there since boot", detail);
	}
	rthc_cpuset_done(&tmp);
	rthc_observe_int(r, "managed", (int64_t)managed);
	rthc_observe_int(r, "managed_on_isolated", (int64_t)on_iso);
	rthc_observe_int(r, "fired_on_isolated", (int64_t)fired);
	rthc_observe_bool(r, "isolcpus_managed_irq", iso->isolcpus_flags & RTHC_ISOL_MANAGED_IRQ);
	rthc_expect_int(r, "fired_on_isolated", 0);
	if (on_iso > 0)
		rthc_remedy(r, false, true, "boot with isolcpus=managed_irq,... so managed vectors prefer "
			    "housekeeping CPUs, and reduce the queues of multi-queue devices to the number "
			    "of housekeeping CPUs (ethtool -L <if> combined <n>)");
	if (fired > 0)
		rthc_warn(r, "%zu of %zu kernel-managed IRQs target isolated CPUs, %zu of them fired there: "
			     "their affinity cannot be changed (writes fail with EIO)", on_iso, managed, fired);
	else if (on_iso > 0)
		rthc_info(r, "%zu of %zu kernel-managed IRQs target isolated CPUs but have not fired there: "
			     "they fire only for I/O submitted from those CPUs", on_iso, managed);
	else if (managed > 0)
		rthc_pass(r, "all %zu kernel-managed IRQs target housekeeping CPUs", managed);
	else
		rthc_pass(r, "no kernel-managed IRQ found (%s)",
			  st->debugfs ? "per debugfs" : "by driver queue names; debugfs not readable");
}
