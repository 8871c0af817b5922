/*
 * Shared parts of the irq family (checks/irq*.c): the per-IRQ state (names from /proc/interrupts,
 * affinities from /proc/irq/N, managed/per-CPU classification, owning PCI device), the irqbalance
 * configuration, and the check functions that checks/irq.c puts in its table.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cpuset.h"

struct rthc_ctx;
struct rthc_interrupts;
struct rthc_irq_entry;
struct rthc_pci;
struct rthc_pci_dev;
struct rthc_result;

/* How an IRQ's affinity can be changed. */
enum irq_kind {
	IRQ_MOVABLE,   /* smp_affinity writes work */
	IRQ_MANAGED,   /* kernel-managed (IRQD_AFFINITY_MANAGED): writes fail with EIO */
	IRQ_PERCPU,    /* a per-CPU interrupt (IRQD_PER_CPU, GIC PPI) */
	IRQ_PINNED,    /* IRQF_NOBALANCING (the x86 timer): writes fail with EIO */
};

struct irq_info {
	unsigned irq;
	const struct rthc_irq_entry *row; /* borrowed from irq_state.tab */
	struct rthc_cpuset requested;     /* smp_affinity_list (or smp_affinity) */
	struct rthc_cpuset effective;     /* effective_affinity_list, else a copy of requested */
	bool has_effective;
	int node;                         /* /proc/irq/N/node, -1 when absent */
	enum irq_kind kind;
	const char *kind_source;          /* static: what decided the kind, NULL for movable */
	const struct rthc_pci_dev *dev;   /* borrowed from irq_state.pci, NULL when unknown */
	char slot[24];                    /* the device's PCI address (also from debugfs), or "" */
};

struct irq_state {
	struct rthc_interrupts *tab; /* owned */
	struct rthc_pci *pci;        /* owned; NULL when there is no PCI information */
	struct irq_info *v;          /* owned: IRQs with at least one action, by IRQ number */
	size_t n;
	bool debugfs;                /* /sys/kernel/debug/irq/irqs was readable */
	size_t vanished;             /* listed in /proc/interrupts, but /proc/irq/N is gone */
	int err;                     /* the gathering failed: a negative errno */
	char errpath[96];            /* the input that failed */
};

/*
 * The IRQ state of this run: /proc/interrupts, /proc/irq/N/{smp_affinity_list,
 * effective_affinity_list,node}, debugfs when readable, and the PCI inventory, gathered on first
 * use and kept with the facts (so /proc/interrupts is read once per run). NULL after setting r to
 * error (naming the input that failed) when it could not be read.
 */
const struct irq_state *irq_state_get(struct rthc_ctx *ctx, struct rthc_result *r);
/* "irq 24 (nvme0q1, 0000:01:00.0)" */
void irq_object(const struct irq_info *q, char *buf, size_t size);
/* ", NIC ens1f0, NUMA node 1" (or "") for item reasons. */
void irq_device_detail(const struct irq_info *q, char *buf, size_t size);
const char *irq_kind_name(enum irq_kind k);
/* True, with the result set to not_applicable ("no isolated CPUs[: why]"), when ISO is empty. */
bool irq_no_isolated(struct rthc_ctx *ctx, struct rthc_result *r, const char *why);
/* A hex mask file with its CPUs as evidence; on failure an error result and a negative errno. */
int irq_read_mask(struct rthc_ctx *ctx, struct rthc_result *r, const char *path,
		  struct rthc_cpuset *set, char **str);
/* Managed-queue heuristics on an action name (used without debugfs); the reason or NULL. */
const char *irq_managed_by_name(const char *action);

/* The effective irqbalance configuration. */
#define IRQBALANCE_MAX_FILES 8
struct irqbalance_conf {
	bool cpus_set, cpulist_set;  /* the variables are assigned (possibly empty) */
	char *cpus, *cpulist, *args; /* owned values, NULL when unset */
	char cpus_file[128], cpulist_file[128]; /* where they were set */
	char files[IRQBALANCE_MAX_FILES][128];  /* environment files of the unit, in order */
	size_t nfiles, nread;        /* considered, and present */
	const char *winner;          /* static: the variable that decides, NULL = auto-banning */
	const char *winner_file;     /* borrowed: where it is set */
	int parse_err;               /* the winning value does not parse: irqbalance bans nothing */
	struct rthc_cpuset banned;   /* the CPUs irqbalance keeps IRQs off */
};

int irqbalance_conf_read(struct rthc_ctx *ctx, struct irqbalance_conf *c, struct rthc_result *r);
void irqbalance_conf_done(struct irqbalance_conf *c);

/* RPS masks of every receive queue and rps_default_mask. */
struct irq_rps {
	size_t queues, enabled, leaks; /* rx queues with rps_cpus, with RPS on, masks meeting ISO */
	bool has_default;              /* rps_default_mask exists */
	int err;                       /* first unreadable mask (the walk goes on) */
	char errpath[512];
};

/*
 * Walk /sys/class/net/X/queues/rx-N/rps_cpus and rps_default_mask; with r, one item and remedy
 * action per mask that meets ISO. Negative errno (errpath set) when /sys/class/net is unreadable.
 */
int irq_rps_collect(struct rthc_ctx *ctx, struct rthc_result *r, struct irq_rps *out);

/* Check functions (run hooks). */
void irq_check_affinity(struct rthc_ctx *ctx, struct rthc_result *r);
void irq_check_managed(struct rthc_ctx *ctx, struct rthc_result *r);
void irq_check_counts(struct rthc_ctx *ctx, struct rthc_result *r);
void irq_check_irqbalance(struct rthc_ctx *ctx, struct rthc_result *r);
void irq_check_threads(struct rthc_ctx *ctx, struct rthc_result *r);
void irq_check_cmdline_irqaffinity(struct rthc_ctx *ctx, struct rthc_result *r);
void irq_check_cmdline_iommu(struct rthc_ctx *ctx, struct rthc_result *r);
void irq_check_wq_unbound(struct rthc_ctx *ctx, struct rthc_result *r);
void irq_check_wq_writeback(struct rthc_ctx *ctx, struct rthc_result *r);
void irq_check_net_rps(struct rthc_ctx *ctx, struct rthc_result *r);
void irq_check_net_queues(struct rthc_ctx *ctx, struct rthc_result *r);
void irq_check_net_busy_poll(struct rthc_ctx *ctx, struct rthc_result *r);
void irq_check_xirq_vs_iso(struct rthc_ctx *ctx, struct rthc_result *r);
void irq_check_xirqaffinity(struct rthc_ctx *ctx, struct rthc_result *r);
void irq_check_xirqbalance(struct rthc_ctx *ctx, struct rthc_result *r);

/*
 * irq.counts without the wait: judge two snapshots taken seconds apart (exposed for tests; the
 * check itself reads /proc/interrupts twice with --sample).
 */
void irq_counts_judge(struct rthc_ctx *ctx, struct rthc_result *r,
		      const struct rthc_interrupts *before, const struct rthc_interrupts *after,
		      double seconds);
