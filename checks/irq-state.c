/*
 * Per-IRQ state for the irq checks: names from /proc/interrupts, affinities from /proc/irq/N,
 * the kind of each IRQ (movable, managed, per-CPU, pinned) and the PCI device that owns it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw-pci.h"
#include "interrupts.h"
#include "irq.h"
#include "util.h"

#define DEBUGFS_IRQS "/sys/kernel/debug/irq/irqs"

const char *irq_kind_name(enum irq_kind k)
{
	switch (k) {
	case IRQ_MANAGED:
		return "managed";
	case IRQ_PERCPU:
		return "per-CPU";
	case IRQ_PINNED:
		return "not balanceable";
	default:
		return "movable";
	}
}

bool irq_no_isolated(struct rthc_ctx *ctx, struct rthc_result *r, const char *why)
{
	if (!rthc_cpuset_empty(&ctx->facts->isolation.isolated))
		return false;
	rthc_na(r, "no isolated CPUs%s%s", why ? ": " : "", why ? why : "");
	return true;
}

int irq_read_mask(struct rthc_ctx *ctx, struct rthc_result *r, const char *path,
		  struct rthc_cpuset *set, char **str)
{
	int k = rthc_host_read_cpumask(ctx->host, path, set);

	if (k < 0) {
		rthc_result_error(r, k, path);
		return k;
	}
	*str = rthc_cpuset_str(set);
	rthc_evidence(r, path, "CPUs %s", cpus_or_none(*str));
	return 0;
}

/*
 * Drivers known to allocate their queue vectors with PCI_IRQ_AFFINITY (kernel-managed spreading),
 * recognised by the action names they register. Used only when debugfs cannot say.
 */
const char *irq_managed_by_name(const char *a)
{
	unsigned x, y;
	int n = -1;

	if (sscanf(a, "nvme%uq%u%n", &x, &y, &n) == 2 && n > 0 && !a[n])
		return y > 0 ? "name of an NVMe I/O queue" : NULL; /* q0 is the admin queue */
	n = -1;
	if (sscanf(a, "virtio%u-req.%u%n", &x, &y, &n) == 2 && n > 0 && !a[n])
		return "name of a virtio-blk request queue";
	n = -1;
	if (sscanf(a, "virtio%u-request%n", &x, &n) == 1 && n > 0 && !a[n])
		return "name of a virtio-scsi request queue";
	n = -1;
	if ((sscanf(a, "hpsa%u-msix%u%n", &x, &y, &n) == 2 ||
	     sscanf(a, "mpt3sas%u-msix%u%n", &x, &y, &n) == 2 ||
	     sscanf(a, "megasas%u-msix%u%n", &x, &y, &n) == 2) && n > 0 && !a[n])
		return "name of a SCSI HBA queue vector";
	if (streq(a, "smartpqi"))
		return "name of a smartpqi queue vector";
	return NULL;
}

static bool line_has(const char *text, const char *word)
{
	size_t l = strlen(word);

	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word))
		if ((p == text || p[-1] == ' ' || p[-1] == '\n' || p[-1] == '\t') &&
		    (p[l] == '\n' || p[l] == '\0' || p[l] == ' '))
			return true;
	return false;
}

/* /sys/kernel/debug/irq/irqs/N (kernel/irq/debugfs.c irq_debug_show()). 1 if read. */
static int read_debugfs(struct rthc_host *h, struct irq_info *q)
{
	_cleanup_free_ char *text = NULL;
	char path[96];
	const char *dev;

	snprintf(path, sizeof(path), DEBUGFS_IRQS "/%u", q->irq);
	if (rthc_host_read_file(h, path, &text, NULL) < 0)
		return 0;
	if (line_has(text, "IRQD_PER_CPU")) {
		q->kind = IRQ_PERCPU;
		q->kind_source = "debugfs IRQD_PER_CPU";
	} else if (line_has(text, "IRQD_AFFINITY_MANAGED")) {
		q->kind = IRQ_MANAGED;
		q->kind_source = "debugfs IRQD_AFFINITY_MANAGED";
	} else if (line_has(text, "IRQD_NO_BALANCING")) {
		q->kind = IRQ_PINNED;
		q->kind_source = "debugfs IRQD_NO_BALANCING";
	}
	dev = strstr(text, "device:");
	if (dev && (dev == text || dev[-1] == '\n')) {
		size_t l;

		dev += 7;
		dev += strspn(dev, " \t");
		l = strcspn(dev, " \t\n");
		if (l > 0 && l < sizeof(q->slot) && !strneq(dev, "(null)", 6))
			snprintf(q->slot, sizeof(q->slot), "%.*s", (int)l, dev);
	}
	return 1;
}

/* Without debugfs: per-CPU GIC PPIs, the pinned x86 timer, managed queue names. */
static void classify_by_row(struct irq_info *q)
{
	const struct rthc_irq_entry *e = q->row;
	const char *why;

	if (strneq(e->chip, "GIC", 3) && *e->hwirq && atoi(e->hwirq) >= 16 && atoi(e->hwirq) < 32) {
		q->kind = IRQ_PERCPU;
		q->kind_source = "GIC PPI (hardware IRQ 16-31)";
	} else if (streq(e->trigger, "percpu") || streq(e->trigger, "percpu_devid")) {
		q->kind = IRQ_PERCPU;
		q->kind_source = "per-CPU flow handler";
	} else if (e->nactions == 1 && streq(e->desc, "timer")) {
		q->kind = IRQ_PINNED;
		q->kind_source = "the timer interrupt is requested with IRQF_NOBALANCING";
	} else if (e->nactions == 1 && (why = irq_managed_by_name(e->desc))) {
		q->kind = IRQ_MANAGED;
		q->kind_source = why;
	}
}

/* 1 read, 0 the IRQ vanished, or a negative errno with the failing path in errpath. */
static int read_irq(struct rthc_host *h, unsigned nbits, struct irq_info *q, char *errpath,
		    size_t sz)
{
	char path[96];
	int64_t node;
	int r;

	snprintf(path, sizeof(path), "/proc/irq/%u/smp_affinity_list", q->irq);
	r = rthc_host_read_cpulist(h, path, nbits, &q->requested);
	if (r == -ENOENT) {
		snprintf(path, sizeof(path), "/proc/irq/%u/smp_affinity", q->irq);
		r = rthc_host_read_cpumask(h, path, &q->requested);
		if (r == -ENOENT) {
			snprintf(path, sizeof(path), "/proc/irq/%u", q->irq);
			if (rthc_host_is_dir(h, path) <= 0)
				return 0;
		}
	}
	if (r < 0)
		goto err;
	snprintf(path, sizeof(path), "/proc/irq/%u/effective_affinity_list", q->irq);
	r = rthc_host_read_cpulist(h, path, nbits, &q->effective);
	if (r == -ENOENT)
		r = rthc_cpuset_copy(&q->effective, &q->requested);
	else if (r >= 0)
		q->has_effective = true;
	if (r < 0)
		goto err;
	snprintf(path, sizeof(path), "/proc/irq/%u/node", q->irq);
	q->node = rthc_host_read_s64(h, path, &node) == 0 && node >= 0 && node < 65536 ? (int)node : -1;
	return 1;
err:
	snprintf(errpath, sz, "%s", path);
	return r;
}

static void state_done(struct irq_state *st)
{
	for (size_t i = 0; i < st->n; i++) {
		rthc_cpuset_done(&st->v[i].requested);
		rthc_cpuset_done(&st->v[i].effective);
	}
	free(st->v);
	rthc_interrupts_free(st->tab);
	rthc_pci_free(st->pci);
	*st = (struct irq_state){0};
}

static void state_free(void *p)
{
	if (p)
		state_done(p);
	free(p);
}

static void attach_device(struct irq_state *st, struct irq_info *q)
{
	if (!st->pci)
		return;
	q->dev = rthc_pci_find_irq(st->pci, q->irq, NULL);
	if (!q->dev && *q->slot)
		q->dev = rthc_pci_find_slot(st->pci, q->slot);
	if (q->dev)
		snprintf(q->slot, sizeof(q->slot), "%s", q->dev->slot);
}

static int gather_fail(struct irq_state *st, int err, const char *path)
{
	state_done(st);
	st->err = err;
	snprintf(st->errpath, sizeof(st->errpath), "%s", path);
	return err;
}

static int gather(struct rthc_ctx *ctx, struct irq_state *st)
{
	unsigned nbits = ctx->facts->topology.nr_cpu_ids;
	char errpath[96];
	int k;

	k = rthc_interrupts_read(ctx->host, RTHC_INTERRUPTS_PATH, 0, &ctx->facts->isolation.isolated,
				 &st->tab);
	if (k < 0)
		return gather_fail(st, k, RTHC_INTERRUPTS_PATH);
	if (rthc_host_is_dir(ctx->host, "/proc/irq") <= 0)
		return gather_fail(st, -ENOENT, "/proc/irq");
	st->v = calloc(st->tab->nnumeric ? st->tab->nnumeric : 1, sizeof(*st->v));
	if (!st->v)
		return gather_fail(st, -ENOMEM, RTHC_INTERRUPTS_PATH);
	if (rthc_pci_scan(ctx->host, 0, &st->pci) < 0)
		st->pci = NULL; /* names without devices: PCI is decoration here */
	st->debugfs = rthc_host_is_dir(ctx->host, DEBUGFS_IRQS) > 0;
	for (size_t i = 0; i < st->tab->nnumeric; i++) {
		const struct rthc_irq_entry *e = &st->tab->rows[st->tab->by_irq[i]];
		struct irq_info *q = &st->v[st->n];

		if (e->nactions == 0 || (st->n > 0 && st->v[st->n - 1].irq == e->irq))
			continue; /* no handler: it cannot fire; or a repeated row */
		*q = (struct irq_info){.irq = e->irq, .row = e, .node = -1};
		rthc_cpuset_init(&q->requested);
		rthc_cpuset_init(&q->effective);
		k = read_irq(ctx->host, nbits, q, errpath, sizeof(errpath));
		if (k <= 0) {
			rthc_cpuset_done(&q->requested);
			rthc_cpuset_done(&q->effective);
		}
		if (k < 0)
			return gather_fail(st, k, errpath);
		if (k == 0) {
			st->vanished++;
			continue;
		}
		if (!(st->debugfs && read_debugfs(ctx->host, q)))
			classify_by_row(q);
		attach_device(st, q);
		st->n++;
	}
	return 0;
}

const struct irq_state *irq_state_get(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct rthc_facts *f = ctx->facts;
	struct irq_state *st = f->irq;

	if (!st) {
		st = calloc(1, sizeof(*st));
		if (!st) {
			rthc_result_errorf(r, -ENOMEM, "out of memory");
			return NULL;
		}
		(void)gather(ctx, st);
		if (f->irq_free)
			f->irq_free(f->irq);
		f->irq = st;
		f->irq_free = state_free;
	}
	if (st->err) {
		if (r)
			rthc_result_error(r, st->err, st->errpath);
		return NULL;
	}
	return st;
}

void irq_object(const struct irq_info *q, char *buf, size_t size)
{
	const char *names = q->row->desc;

	if (*q->slot)
		snprintf(buf, size, "irq %u (%.60s, %s)", q->irq, names, q->slot);
	else
		snprintf(buf, size, "irq %u (%.60s)", q->irq, names);
}

void irq_device_detail(const struct irq_info *q, char *buf, size_t size)
{
	int node = q->dev && q->dev->numa_node >= 0 ? q->dev->numa_node : q->node;
	size_t len = 0;

	buf[0] = '\0';
	if (q->dev && q->dev->nnet > 0)
		len += (size_t)snprintf(buf + len, size - len, ", NIC %s", q->dev->net[0]);
	if (q->dev && q->dev->driver && len < size)
		len += (size_t)snprintf(buf + len, size - len, ", driver %s", q->dev->driver);
	if (node >= 0 && len < size)
		snprintf(buf + len, size - len, ", NUMA node %d", node);
}
