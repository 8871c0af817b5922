/*
 * PCI inventory of the target (host or guest) through libpci, pointed at the root's sysfs:
 * pci_set_param(pacc, "sysfs.path", ROOT/sys/bus/pci) with the linux-sysfs access method, so a
 * --root tree is never mixed with the live host (the device links of a tree are checked to stay
 * inside it first; the ID database is never consulted: no names, only numbers). What libpci does
 * not expose (MSI/MSI-X vectors, SR-IOV, network interfaces) is read from the same sysfs
 * directories through the host accessor, which is also the fallback when libpci cannot be used
 * for a tree.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

struct rthc_host;

#define RTHC_PCI_SYSFS "/sys/bus/pci/devices"

/* PCI base classes (the top byte of the 24-bit class code). */
enum {
	RTHC_PCI_CLASS_STORAGE = 0x01,
	RTHC_PCI_CLASS_NETWORK = 0x02,
	RTHC_PCI_CLASS_DISPLAY = 0x03,
	RTHC_PCI_CLASS_BRIDGE = 0x06,
	RTHC_PCI_CLASS_SERIAL = 0x0c, /* 0x0c03xx: USB controllers */
};

struct rthc_pci_dev {
	unsigned domain, bus, dev, func;
	char slot[24];           /* "0000:01:00.0" */
	unsigned vendor, device; /* 16-bit IDs */
	unsigned class_code;     /* 24-bit: base class, subclass, programming interface */
	int numa_node;           /* sysfs numa_node; -1 when unknown or not NUMA */
	char *driver;            /* owned; bound driver ("nvme", "vfio-pci"), NULL when unbound */
	int irq;                 /* legacy INTx IRQ from sysfs irq; 0 when none */
	unsigned *msi_irqs;      /* owned, ascending: MSI/MSI-X vectors (msi_irqs/ directory) */
	size_t nmsi;
	int sriov_totalvfs, sriov_numvfs; /* -1 when the device has no SR-IOV capability */
	bool is_vf;              /* a virtual function (physfn link present) */
	int iommu_group;         /* -1 when not in an IOMMU group */
	char **net;              /* owned NULL-terminated interface names (net/, virtioN/net/) */
	size_t nnet;
};

struct rthc_pci_irq_ref {
	unsigned irq;
	size_t dev; /* index into devs */
	bool msi;
};

struct rthc_pci {
	struct rthc_pci_dev *devs; /* owned, sorted by slot */
	size_t ndevs;
	struct rthc_pci_irq_ref *irqs; /* owned, sorted by IRQ: MSI vectors, then legacy lines */
	size_t nirqs;
	bool libpci;     /* whether libpci enumerated the devices (else the accessor fallback) */
	const char *fallback_reason; /* static: why libpci was not used, NULL if it was */
};

enum {
	RTHC_PCI_NO_LIBPCI = 1u << 0, /* enumerate through the accessor only */
};

/*
 * Enumerate RTHC_PCI_SYSFS. -ENOENT when the directory is missing (no PCI bus, or a tree
 * without it); a device whose files are unreadable or garbage is skipped (only its slot is
 * recorded when libpci saw it).
 */
int rthc_pci_scan(struct rthc_host *h, unsigned flags, struct rthc_pci **ret) _must_check_;
struct rthc_pci *rthc_pci_free(struct rthc_pci *p);

/* The device that owns an IRQ (an MSI vector first, then a legacy line), or NULL. */
const struct rthc_pci_dev *rthc_pci_find_irq(const struct rthc_pci *p, unsigned irq, bool *msi);
const struct rthc_pci_dev *rthc_pci_find_slot(const struct rthc_pci *p, const char *slot);
/* Whether a device is a network controller or has network interfaces. */
bool rthc_pci_is_net(const struct rthc_pci_dev *d);
