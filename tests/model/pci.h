/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace model, kind: CUSTOM.
 *
 * A PCI topology model (one segment per model) and the PCI part of the
 * IOMMU core (iommu_group), for the userspace test build.
 */

/**
 * DOC: PCI model
 *
 * What it models: the PCI core's view of one segment. Buses (&struct
 * pci_bus, with a segment number and a bridge leading to them), PCIe root
 * ports, switch ports, PCIe-to-PCI bridges, conventional PCI-to-PCI bridges,
 * PCIe and conventional endpoints, DMA alias quirks (phantom functions,
 * pci_add_dma_alias(), pci_real_dma_dev()), virtual buses (no bridge, as
 * SR-IOV creates them) and hotplug at any time.
 *
 * Every bridge kind creates its subordinate bus when it is added; removing a
 * device removes everything below it first (child first, like
 * pci_stop_and_remove_bus_device()).
 *
 * The order of calls a device sees, like the kernel's bus notifiers:
 *
 * - add: the device is linked into its bus; if the model has an IOMMU
 *   (pci_model_set_iommu()), dev->iommu is set, the IOMMU core puts the
 *   device into an iommu_group (iommu_core_add_device()) and the IOMMU
 *   driver's probe hook runs (pci_model_set_iommu_ops()); then the bus
 *   notifier (pci_model_set_notifier()) is called with @added true.
 * - remove: the bus notifier is called with @added false, then the IOMMU
 *   driver's release hook, then the device leaves its group; then it is
 *   unlinked and freed.
 *
 * Everything is allocated with kzalloc(): it is kernel state, gone after a
 * simulated kexec like the rest of the old kernel's slab.
 *
 * pci_for_each_dma_alias() is a DUPLICATE of
 * drivers/pci/search.c:pci_for_each_dma_alias() (Linux 7.3), declared in
 * tests/shim/dev_types.h.
 *
 * The IOMMU-core part (iommu_core.c, declared at the end of this header)
 * computes groups as pci_device_group() does, with ACS modelled per device
 * (on by default on root ports and switch downstream ports, never on
 * conventional PCI or PCIe-to-PCI bridges).
 */

#ifndef _TESTS_MODEL_PCI_H
#define _TESTS_MODEL_PCI_H

#include "iommu_lu_seam.h"

struct pci_model;

/**
 * enum pci_model_kind - What pci_model_add_dev() adds.
 * @PCI_MODEL_ENDPOINT_PCIE: PCIe endpoint.
 * @PCI_MODEL_ENDPOINT_PCI: conventional PCI endpoint.
 * @PCI_MODEL_ROOT_PORT: PCIe root port (bridge).
 * @PCI_MODEL_PCIE_PCI_BRIDGE: PCIe-to-PCI bridge (PCI_EXP_TYPE_PCI_BRIDGE):
 *	aliases downstream requests to (secondary bus, devfn 0).
 * @PCI_MODEL_PCI_BRIDGE: conventional PCI-to-PCI bridge (not PCIe): aliases
 *	downstream requests to its own requester id.
 * @PCI_MODEL_SWITCH_UP: PCIe switch upstream port (bridge).
 * @PCI_MODEL_SWITCH_DOWN: PCIe switch downstream port (bridge).
 */
enum pci_model_kind {
	PCI_MODEL_ENDPOINT_PCIE,
	PCI_MODEL_ENDPOINT_PCI,
	PCI_MODEL_ROOT_PORT,
	PCI_MODEL_PCIE_PCI_BRIDGE,
	PCI_MODEL_PCI_BRIDGE,
	PCI_MODEL_SWITCH_UP,
	PCI_MODEL_SWITCH_DOWN,
	PCI_MODEL_SRIOV_VF,	/* PCIe endpoint, is_virtfn, never multifunction */
};

/**
 * struct pci_model_iommu_ops - The IOMMU driver's per-device hooks.
 * @probe_device: after the device joined its iommu_group; an error is
 *	printed and otherwise ignored (the device stays, untranslated).
 * @release_device: before the device leaves its iommu_group.
 */
struct pci_model_iommu_ops {
	int (*probe_device)(struct device *dev, void *data);
	void (*release_device)(struct device *dev, void *data);
};

typedef void (*pci_model_notifier_t)(struct pci_dev *pdev, bool added,
				     void *data);

struct pci_model *pci_model_create(int segment);
void pci_model_destroy(struct pci_model *m);
int pci_model_segment(const struct pci_model *m);
struct pci_bus *pci_model_root_bus(struct pci_model *m);
struct pci_bus *pci_model_find_bus(struct pci_model *m, unsigned int busnr);
struct pci_bus *pci_model_add_virtual_bus(struct pci_model *m,
					  struct pci_bus *parent,
					  unsigned int busnr);
struct pci_dev *pci_model_add_dev(struct pci_model *m, struct pci_bus *bus,
				  unsigned int devfn, enum pci_model_kind kind,
				  unsigned int secondary_busnr);
void pci_model_remove_dev(struct pci_model *m, struct pci_dev *pdev);
struct pci_dev *pci_model_find(struct pci_model *m, u16 rid);
int pci_model_for_each_dev(struct pci_model *m,
			   int (*fn)(struct pci_dev *pdev, void *data),
			   void *data);
unsigned int pci_model_nr_devs(struct pci_model *m);

void pci_model_add_dma_alias(struct pci_dev *pdev, unsigned int devfn);
void pci_model_set_dma_real(struct pci_dev *pdev, struct pci_dev *real);
void pci_model_set_acs(struct pci_dev *pdev, bool acs);
void pci_model_set_multifunction(struct pci_dev *pdev, bool multifunction);
bool pci_model_is_multifunction(struct pci_dev *pdev);
bool pci_model_acs_enabled(struct pci_dev *pdev);
struct pci_model *pci_model_of(struct pci_dev *pdev);

void pci_model_set_notifier(struct pci_model *m, pci_model_notifier_t fn,
			    void *data);
void pci_model_set_iommu_ops(struct pci_model *m,
			     const struct pci_model_iommu_ops *ops, void *data);
void pci_model_set_iommu(struct pci_model *m, struct iommu_device *iommu);
struct iommu_device *pci_model_iommu(struct pci_model *m);
int pci_model_next_iommu_seq(struct pci_model *m);

/* Collect every requester id pci_for_each_dma_alias() yields, in order. */
int pci_model_dma_aliases(struct pci_dev *pdev, u16 *rids, int max);

/*
 * The IOMMU core (tests/model/iommu_core.c). iommu_group_get(),
 * iommu_group_put(), iommu_group_for_each_dev() and iommu_get_domain_for_dev()
 * are declared in tests/shim/dev_types.h.
 */
int iommu_core_add_device(struct device *dev);
void iommu_core_remove_device(struct device *dev);
int iommu_group_id(struct iommu_group *group);
unsigned int iommu_group_device_count(struct iommu_group *group);
struct iommu_domain *iommu_group_domain(struct iommu_group *group);
void iommu_group_set_domain(struct iommu_group *group,
			    struct iommu_domain *domain);
struct iommu_domain *iommu_group_default_domain(struct iommu_group *group);
void iommu_group_set_default_domain(struct iommu_group *group,
				    struct iommu_domain *domain);
unsigned int iommu_core_nr_groups(struct pci_model *m);

/* Internal to the models: the group registry lives in the PCI model. */
struct list_head *pci_model_group_list(struct pci_model *m);
int pci_model_alloc_group_id(struct pci_model *m);

#endif /* _TESTS_MODEL_PCI_H */
