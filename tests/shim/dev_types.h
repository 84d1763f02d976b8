/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: CUSTOM.
 *
 * The device, PCI and IOMMU-core objects the framework touches, reduced to
 * the fields it (and pci_for_each_dma_alias()) reads. Field names follow
 * the kernel's so the framework's code reads the same in both builds; the
 * PCI model (tests/model/pci.c) creates and links them, the IOMMU-core model
 * (tests/model/iommu_core.c) implements the iommu_* functions over them.
 */
#ifndef _SHIM_DEV_TYPES_H
#define _SHIM_DEV_TYPES_H

#include <stdbool.h>
#include <stdint.h>
#include "shim_types.h"

struct iommu_device {
	void *priv;			/* model: the hardware unit */
};

struct dev_iommu {
	struct iommu_device *iommu_dev;
	void *priv;
};

struct iommu_group;

struct device {
	char name[32];			/* dev_name() */
	bool is_pci;
	struct dev_iommu *iommu;	/* NULL: no IOMMU translates for it */
	struct iommu_group *iommu_group;
	void *model;			/* back pointer for the models */
};

/* The domain types, duplicated from include/linux/iommu.h (kind: DUPLICATE). */
#define __IOMMU_DOMAIN_PAGING	(1U << 0)
#define __IOMMU_DOMAIN_DMA_API	(1U << 1)
#define __IOMMU_DOMAIN_PT	(1U << 2)
#define __IOMMU_DOMAIN_DMA_FQ	(1U << 3)
#define __IOMMU_DOMAIN_SVA	(1U << 4)
#define __IOMMU_DOMAIN_PLATFORM	(1U << 5)
#define __IOMMU_DOMAIN_NESTED	(1U << 6)
#define IOMMU_DOMAIN_BLOCKED	(0U)
#define IOMMU_DOMAIN_IDENTITY	(__IOMMU_DOMAIN_PT)
#define IOMMU_DOMAIN_UNMANAGED	(__IOMMU_DOMAIN_PAGING)
#define IOMMU_DOMAIN_DMA	(__IOMMU_DOMAIN_PAGING | __IOMMU_DOMAIN_DMA_API)
#define IOMMU_DOMAIN_DMA_FQ	(__IOMMU_DOMAIN_PAGING | __IOMMU_DOMAIN_DMA_API | \
				 __IOMMU_DOMAIN_DMA_FQ)
#define IOMMU_DOMAIN_SVA	(__IOMMU_DOMAIN_SVA)
#define IOMMU_DOMAIN_PLATFORM	(__IOMMU_DOMAIN_PLATFORM)
#define IOMMU_DOMAIN_NESTED	(__IOMMU_DOMAIN_NESTED)

struct iommu_domain {
	unsigned int type;
	void *model;			/* model: the driver model's domain */
};

/* PCI, duplicated in shape from include/linux/pci.h (kind: DUPLICATE). */
typedef unsigned int pci_dev_flags_t;
#define PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS		(1U << 5)
#define PCI_DEV_FLAGS_BRIDGE_XLATE_ROOT		(1U << 9)
#define PCI_DEV_FLAGS_PCI_BRIDGE_NO_ALIAS	(1U << 14)

#define PCI_EXP_TYPE_ENDPOINT		0x0
#define PCI_EXP_TYPE_LEG_END		0x1
#define PCI_EXP_TYPE_ROOT_PORT		0x4
#define PCI_EXP_TYPE_UPSTREAM		0x5
#define PCI_EXP_TYPE_DOWNSTREAM		0x6
#define PCI_EXP_TYPE_PCI_BRIDGE		0x7	/* PCIe to PCI/PCI-X bridge */
#define PCI_EXP_TYPE_PCIE_BRIDGE	0x8	/* PCI/PCI-X to PCIe bridge */
#define PCI_EXP_TYPE_RC_END		0x9

#define MAX_NR_DEVFNS		256
#define PCI_DEVFN(slot, func)	((((slot) & 0x1f) << 3) | ((func) & 0x07))
#define PCI_SLOT(devfn)		(((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)		((devfn) & 0x07)
#define PCI_BUS_NUM(x)		(((x) >> 8) & 0xff)
#define PCI_DEVID(bus, devfn)	((((u16)(bus)) << 8) | (devfn))

struct pci_bus;

struct pci_dev {
	struct device dev;
	struct pci_bus *bus;		/* the bus it sits on */
	struct pci_bus *subordinate;	/* bridges: the bus behind it */
	unsigned int devfn;
	bool is_pcie;
	int pcie_type;			/* PCI_EXP_TYPE_*, when is_pcie */
	pci_dev_flags_t dev_flags;
	unsigned long dma_alias_mask[MAX_NR_DEVFNS / (8 * sizeof(unsigned long))];
	bool has_dma_alias;		/* any bit in dma_alias_mask */
	struct pci_dev *dma_real;	/* pci_real_dma_dev() quirk target, or NULL */
	/* SR-IOV (PF): filled by the PCI model, used by later issues. */
	bool is_physfn;
	bool is_virtfn;
	struct pci_dev *physfn;
	/*
	 * Bus Master Enable, as the kernel's is_busmaster caches it. The PCI
	 * model lets a device DMA only while it and every bridge above it
	 * have it set.
	 */
	bool is_busmaster;
};

struct pci_bus {
	struct pci_bus *parent;		/* NULL for a root bus */
	struct pci_dev *self;		/* bridge leading to it; NULL: root or virtual bus */
	unsigned char number;
	int domain_nr;			/* PCI segment */
};

#define to_pci_dev(d) ((struct pci_dev *)((char *)(d) - offsetof(struct pci_dev, dev)))

static inline bool dev_is_pci(const struct device *dev)
{
	return dev->is_pci;
}

static inline const char *dev_name(const struct device *dev)
{
	return dev->name;
}

static inline int pci_domain_nr(const struct pci_bus *bus)
{
	return bus->domain_nr;
}

static inline u16 pci_dev_id(const struct pci_dev *dev)
{
	return PCI_DEVID(dev->bus->number, dev->devfn);
}

static inline bool pci_is_root_bus(const struct pci_bus *pbus)
{
	return !pbus->parent;
}

/* The model marks bridges by the bus behind them (kernel: hdr_type). */
static inline bool pci_is_bridge(const struct pci_dev *dev)
{
	return dev->subordinate;
}

static inline const char *pci_name(const struct pci_dev *pdev)
{
	return dev_name(&pdev->dev);
}

static inline struct pci_dev *pci_physfn(struct pci_dev *dev)
{
	return dev->is_virtfn ? dev->physfn : dev;
}

/* DUPLICATE of include/linux/pci.h:pci_upstream_bridge() (Linux 7.3). */
static inline struct pci_dev *pci_upstream_bridge(struct pci_dev *dev)
{
	dev = pci_physfn(dev);
	if (pci_is_root_bus(dev->bus))
		return NULL;
	return dev->bus->self;
}

static inline void pci_set_master(struct pci_dev *dev)
{
	dev->is_busmaster = true;
}

static inline void pci_clear_master(struct pci_dev *dev)
{
	dev->is_busmaster = false;
}

static inline bool pci_is_pcie(const struct pci_dev *dev)
{
	return dev->is_pcie;
}

static inline int pci_pcie_type(const struct pci_dev *dev)
{
	return dev->pcie_type;
}

struct pci_dev *pci_real_dma_dev(struct pci_dev *dev);
int pci_for_each_dma_alias(struct pci_dev *pdev,
			   int (*fn)(struct pci_dev *pdev, u16 alias, void *data),
			   void *data);

/* The IOMMU core, as the framework calls it (tests/model/iommu_core.c). */
struct iommu_domain *iommu_get_domain_for_dev(struct device *dev);
struct iommu_group *iommu_group_get(struct device *dev);
void iommu_group_put(struct iommu_group *group);
int iommu_group_for_each_dev(struct iommu_group *group, void *data,
			     int (*fn)(struct device *, void *));

#endif /* _SHIM_DEV_TYPES_H */
