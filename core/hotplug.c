// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-lu core: PCI hotplug events.
 */

/**
 * DOC: hotplug
 *
 * The core tracks PCI devices as they come and go, so that a device's
 * requester ids are known before anyone preserves it, an adopted device is
 * bound to its &struct device, and a preserved device that goes away is
 * unpreserved at once (a device that is gone cannot be handed over).
 *
 * A PCI bus notifier delivers the events:
 *
 * - %BUS_NOTIFY_ADD_DEVICE: iommu_lu_device_added(). The notifier has a
 *   lower priority than the IOMMU core's, which probes the device on the
 *   same event: the device then has its IOMMU, by which the core finds its
 *   unit.
 * - %BUS_NOTIFY_DEL_DEVICE (the device is about to go, still in its IOMMU
 *   group) and %BUS_NOTIFY_REMOVED_DEVICE (nothing left to do by then):
 *   iommu_lu_device_removed().
 *
 * The notifier is registered at late_initcall, once the IOMMU drivers have
 * probed the devices present at boot, which are then added by a walk of the
 * bus. The walk comes after the registration, so that no device is missed;
 * a device seen twice is added once.
 *
 * In the userspace build the PCI model delivers its hotplug events through
 * the same notifier (tests/shim/notifier.c), so this code runs there too.
 */

#define pr_fmt(fmt) "iommu-lu: " fmt

#include "lu_core.h"

static int lu_pci_notify(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	struct device *dev = data;

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		iommu_lu_device_added(dev);
		break;
	case BUS_NOTIFY_DEL_DEVICE:
	case BUS_NOTIFY_REMOVED_DEVICE:
		iommu_lu_device_removed(dev);
		break;
	default:
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block lu_pci_nb = {
	.notifier_call = lu_pci_notify,
	.priority = -1,		/* after the IOMMU core's probe */
};

static int lu_pci_add_present(struct device *dev, void *data)
{
	iommu_lu_device_added(dev);
	return 0;
}

/**
 * iommu_lu_hotplug_init() - Follow PCI devices from now on.
 *
 * Return: 0, or the error of bus_register_notifier().
 */
static int __init iommu_lu_hotplug_init(void)
{
	int ret;

	ret = bus_register_notifier(&pci_bus_type, &lu_pci_nb);
	if (ret) {
		pr_err("cannot follow PCI hotplug: %d\n", ret);
		return ret;
	}
	bus_for_each_dev(&pci_bus_type, NULL, NULL, lu_pci_add_present);
	return 0;
}
late_initcall(iommu_lu_hotplug_init);
