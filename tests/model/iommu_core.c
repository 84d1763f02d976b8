/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace model, kind: CUSTOM.
 *
 * Models the IOMMU core's iommu_group handling for PCI devices
 * (drivers/iommu/iommu.c) for the userspace test build: groups are computed
 * as pci_device_group() does, kept per PCI model, and carry the group's
 * current and default domain. The domains themselves belong to the IOMMU
 * driver model (tests/model/intel_drv.c).
 *
 * pci_device_group(), get_pci_alias_group() and
 * get_pci_function_alias_group() below are DUPLICATEs of the Linux 7.3
 * functions of the same names in drivers/iommu/iommu.c, with ACS answered by
 * the PCI model (pci_model_acs_enabled()) and group references kept by the
 * member devices instead of kobjects.
 */

/**
 * DOC: IOMMU-core model
 *
 * A group is allocated when the first device that needs it is added, and
 * freed when its last device has left and the last iommu_group_get()
 * reference is put. Each member device holds one reference.
 *
 * Group ids count from 0 per PCI model (per simulated kernel), like the
 * kernel's ida after a boot.
 */

#include "iommu_lu_seam.h"
#include "pci.h"

struct group_device {
	struct list_head list;
	struct device *dev;
};

struct iommu_group {
	struct list_head node;		/* in the PCI model's group list */
	struct pci_model *m;
	int id;
	int refcount;
	struct list_head devices;
	unsigned int nr_devices;
	struct iommu_domain *domain;
	struct iommu_domain *default_domain;
};

static struct iommu_group *dev_group(struct device *dev)
{
	return dev->iommu_group;
}

static struct iommu_group *iommu_group_alloc(struct pci_model *m)
{
	struct iommu_group *group;

	group = kzalloc(sizeof(*group), GFP_KERNEL);
	if (!group)
		return ERR_PTR(-ENOMEM);
	group->m = m;
	group->id = pci_model_alloc_group_id(m);
	INIT_LIST_HEAD(&group->devices);
	list_add_tail(&group->node, pci_model_group_list(m));
	return group;
}

/**
 * iommu_group_get() - Return the device's group, with a reference.
 * @dev: the device.
 *
 * Return: its group or NULL; balance with iommu_group_put().
 */
struct iommu_group *iommu_group_get(struct device *dev)
{
	struct iommu_group *group = dev_group(dev);

	if (group)
		group->refcount++;
	return group;
}

/**
 * iommu_group_put() - Drop a reference from iommu_group_get().
 * @group: the group (NULL is fine).
 */
void iommu_group_put(struct iommu_group *group)
{
	if (!group)
		return;
	if (WARN_ON(group->refcount <= 0))
		return;
	if (--group->refcount)
		return;
	WARN_ON(group->nr_devices);
	list_del(&group->node);
	kfree(group);
}

int iommu_group_id(struct iommu_group *group)
{
	return group->id;
}

/**
 * iommu_group_device_count() - Number of devices in a group.
 * @group: the group.
 *
 * Return: the member count.
 */
unsigned int iommu_group_device_count(struct iommu_group *group)
{
	return group->nr_devices;
}

/**
 * iommu_group_for_each_dev() - Call @fn for each member, in join order.
 * @group: the group.
 * @data: passed to @fn.
 * @fn: callback; a nonzero return stops the walk.
 *
 * Return: the first nonzero return of @fn, or 0.
 */
int iommu_group_for_each_dev(struct iommu_group *group, void *data,
			     int (*fn)(struct device *, void *))
{
	struct group_device *gd;
	int ret;

	list_for_each_entry(gd, &group->devices, list) {
		ret = fn(gd->dev, data);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * iommu_get_domain_for_dev() - The domain the device's group is attached to.
 * @dev: the device.
 *
 * Return: the group's current domain, or NULL (no group, no domain yet, or
 * attach deferred for an adopted device).
 */
struct iommu_domain *iommu_get_domain_for_dev(struct device *dev)
{
	struct iommu_group *group = dev_group(dev);

	return group ? group->domain : NULL;
}

struct iommu_domain *iommu_group_domain(struct iommu_group *group)
{
	return group->domain;
}

void iommu_group_set_domain(struct iommu_group *group,
			    struct iommu_domain *domain)
{
	group->domain = domain;
}

struct iommu_domain *iommu_group_default_domain(struct iommu_group *group)
{
	return group->default_domain;
}

void iommu_group_set_default_domain(struct iommu_group *group,
				    struct iommu_domain *domain)
{
	group->default_domain = domain;
}

/**
 * iommu_core_nr_groups() - Number of live groups of a PCI model.
 * @m: the model.
 *
 * Return: the count.
 */
unsigned int iommu_core_nr_groups(struct pci_model *m)
{
	struct iommu_group *group;
	unsigned int nr = 0;

	list_for_each_entry(group, pci_model_group_list(m), node)
		nr++;
	return nr;
}

/* The kernel's pci_devs_are_dma_aliases(), drivers/pci/pci.c. */
static struct pci_dev *real_dma_dev(struct pci_dev *dev)
{
	return dev->dma_real ? dev->dma_real : dev;
}

static bool pci_devs_are_dma_aliases(struct pci_dev *dev1,
				     struct pci_dev *dev2)
{
	return (dev1->has_dma_alias &&
		test_bit(dev2->devfn, dev1->dma_alias_mask)) ||
	       (dev2->has_dma_alias &&
		test_bit(dev1->devfn, dev2->dma_alias_mask)) ||
	       real_dma_dev(dev1) == dev2 ||
	       real_dma_dev(dev2) == dev1;
}

/* pci_acs_path_enabled(start, NULL, REQ_ACS_FLAGS), drivers/pci/pci.c. */
static bool pci_acs_path_enabled(struct pci_dev *start)
{
	struct pci_dev *pdev = start;

	while (pdev) {
		if (!pci_model_acs_enabled(pdev))
			return false;
		if (pci_is_root_bus(pdev->bus))
			return true;
		pdev = pdev->bus->self;
	}
	return true;
}

static struct iommu_group *get_pci_alias_group(struct pci_dev *pdev,
					       unsigned long *devfns);

struct alias_walk {
	struct pci_dev *pdev;		/* the device of the search */
	unsigned long *devfns;
	struct iommu_group *group;
	struct pci_dev *start;		/* get_pci_function_alias_group() */
};

static int function_alias_one(struct pci_dev *tmp, void *data)
{
	struct alias_walk *w = data;
	struct pci_dev *pdev = w->start;

	if (tmp == pdev || tmp->bus != pdev->bus ||
	    PCI_SLOT(tmp->devfn) != PCI_SLOT(pdev->devfn) ||
	    pci_model_acs_enabled(tmp))
		return 0;

	w->group = get_pci_alias_group(tmp, w->devfns);
	return w->group != NULL;
}

/*
 * For multifunction devices which are not isolated from each other, find
 * all the other non-isolated functions and look for existing groups.  For
 * each function, we also need to look for aliases to or from other devices
 * that may already have a group.
 */
static struct iommu_group *get_pci_function_alias_group(struct pci_dev *pdev,
							unsigned long *devfns)
{
	struct alias_walk w = { .devfns = devfns, .start = pdev };

	if (!pci_model_is_multifunction(pdev) || pci_model_acs_enabled(pdev))
		return NULL;

	pci_model_for_each_dev(pci_model_of(pdev), function_alias_one, &w);
	return w.group;
}

static int alias_group_one(struct pci_dev *tmp, void *data)
{
	struct alias_walk *w = data;
	struct pci_dev *pdev = w->pdev;

	if (tmp == pdev || tmp->bus != pdev->bus)
		return 0;

	/* We alias them or they alias us */
	if (pci_devs_are_dma_aliases(pdev, tmp)) {
		w->group = get_pci_alias_group(tmp, w->devfns);
		if (w->group)
			return 1;

		w->group = get_pci_function_alias_group(tmp, w->devfns);
		if (w->group)
			return 1;
	}
	return 0;
}

/*
 * Look for aliases to or from the given device for existing groups. DMA
 * aliases are only supported on the same bus, therefore the search
 * space is quite small. A bitmap tracks where we've been, to break loops.
 */
static struct iommu_group *get_pci_alias_group(struct pci_dev *pdev,
					       unsigned long *devfns)
{
	struct alias_walk w = { .pdev = pdev, .devfns = devfns };

	if (test_and_set_bit(pdev->devfn & 0xff, devfns))
		return NULL;

	if (dev_group(&pdev->dev))
		return dev_group(&pdev->dev);

	pci_model_for_each_dev(pci_model_of(pdev), alias_group_one, &w);
	return w.group;
}

struct group_for_pci_data {
	struct pci_dev *pdev;
	struct iommu_group *group;
};

/*
 * DMA alias iterator callback, return the last seen device.  Stop and return
 * the IOMMU group if we find one along the way.
 */
static int get_pci_alias_or_group(struct pci_dev *pdev, u16 alias __always_unused,
				  void *opaque)
{
	struct group_for_pci_data *data = opaque;

	data->pdev = pdev;
	data->group = dev_group(&pdev->dev);

	return data->group != NULL;
}

/*
 * Use standard PCI bus topology, isolation features, and DMA alias quirks
 * to find or create an IOMMU group for a device.
 */
static struct iommu_group *pci_device_group(struct device *dev)
{
	struct pci_dev *pdev = to_pci_dev(dev);
	struct group_for_pci_data data = { 0 };
	unsigned long devfns[MAX_NR_DEVFNS / (8 * sizeof(unsigned long))] = { 0 };
	struct iommu_group *group;
	struct pci_bus *bus;

	/*
	 * Find the upstream DMA alias for the device.  A device must not
	 * be aliased due to topology in order to have its own IOMMU group.
	 * If we find an alias along the way that already belongs to a
	 * group, use it.
	 */
	if (pci_for_each_dma_alias(pdev, get_pci_alias_or_group, &data))
		return data.group;

	pdev = data.pdev;

	/*
	 * Continue upstream from the point of minimum IOMMU granularity
	 * due to aliases to the point where devices are protected from
	 * peer-to-peer DMA by PCI ACS.  Again, if we find an existing
	 * group, use it.
	 */
	for (bus = pdev->bus; !pci_is_root_bus(bus); bus = bus->parent) {
		if (!bus->self)
			continue;

		if (pci_acs_path_enabled(bus->self))
			break;

		pdev = bus->self;

		group = dev_group(&pdev->dev);
		if (group)
			return group;
	}

	/*
	 * Look for existing groups on device aliases.  If we alias another
	 * device or another device aliases us, use the same group.
	 */
	group = get_pci_alias_group(pdev, devfns);
	if (group)
		return group;

	/*
	 * Look for existing groups on non-isolated functions on the same
	 * slot and aliases of those funcions, if any.  No need to clear
	 * the search bitmap, the tested devfns are still valid.
	 */
	group = get_pci_function_alias_group(pdev, devfns);
	if (group)
		return group;

	/* No shared group found, allocate new */
	return iommu_group_alloc(pci_model_of(to_pci_dev(dev)));
}

/**
 * iommu_core_add_device() - Put a device behind an IOMMU into its group.
 * @dev: a PCI device of a PCI model, with dev->iommu set.
 *
 * The first half of iommu_probe_device(): find or allocate the group
 * (pci_device_group()) and join it. The driver's probe comes after.
 *
 * Return: 0 (also when already in a group), -ENODEV without dev->iommu,
 * -EINVAL for a non-PCI device, -ENOMEM.
 */
int iommu_core_add_device(struct device *dev)
{
	struct iommu_group *group;
	struct group_device *gd;

	if (WARN_ON(!dev_is_pci(dev)))
		return -EINVAL;
	if (!dev->iommu || !dev->iommu->iommu_dev)
		return -ENODEV;
	if (dev->iommu_group)
		return 0;

	gd = kzalloc(sizeof(*gd), GFP_KERNEL);
	if (!gd)
		return -ENOMEM;

	group = pci_device_group(dev);
	if (IS_ERR(group)) {
		kfree(gd);
		return PTR_ERR(group);
	}

	gd->dev = dev;
	list_add_tail(&gd->list, &group->devices);
	group->nr_devices++;
	group->refcount++;
	dev->iommu_group = group;
	return 0;
}

/**
 * iommu_core_remove_device() - Take a device out of its group.
 * @dev: the device (nothing happens if it has no group).
 *
 * The group's domain pointers are left to the driver's release hook, which
 * runs before this; the group goes away with its last reference.
 */
void iommu_core_remove_device(struct device *dev)
{
	struct iommu_group *group = dev->iommu_group;
	struct group_device *gd;

	if (!group)
		return;

	list_for_each_entry(gd, &group->devices, list) {
		if (gd->dev != dev)
			continue;
		list_del(&gd->list);
		kfree(gd);
		group->nr_devices--;
		break;
	}
	dev->iommu_group = NULL;
	if (!group->nr_devices) {
		group->domain = NULL;
		group->default_domain = NULL;
	}
	iommu_group_put(group);
}
