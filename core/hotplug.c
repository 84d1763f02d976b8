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

/**
 * DOC: bus mastering across the kexec
 *
 * On a kexec, pci_device_shutdown() clears Bus Master Enable on every PCI
 * device so that nothing DMAs into the next kernel. A preserved device must
 * keep DMAing, through its preserved translation: the PCI core asks
 * iommu_lu_pci_keep_master() first, which keeps the bit of each preserved
 * device and of every bridge between it and its root bus (a bridge whose
 * bit is clear does not forward its secondary side's requests upstream).
 * Everything else loses its bit as before.
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

/**
 * iommu_lu_pci_keep_master() - Must a kexec leave Bus Master Enable set?
 * @pdev: the PCI device pci_device_shutdown() is about to stop.
 *
 * Context: any; takes the core's IRQ-safe lookup lock.
 * Return: true when @pdev is preserved for the live update, or is a bridge
 * above a preserved device; false otherwise, and for any device when the
 * update is not frozen or the reboot hands nothing over (a kexec without
 * KHO, a reboot: every device is stopped).
 */
bool iommu_lu_pci_keep_master(struct pci_dev *pdev)
{
	struct lu_device *ld;
	unsigned long flags;
	unsigned int bkt;
	bool keep = false;

	if (!pdev || READ_ONCE(lu.state) != LU_STATE_FROZEN ||
	    READ_ONCE(lu.no_handover))
		return false;
	spin_lock_irqsave(&lu.lookup_lock, flags);
	hash_for_each(lu.devices, bkt, ld, node) {
		struct pci_dev *up;

		if (!READ_ONCE(ld->preserved) || !dev_is_pci(ld->dev))
			continue;
		for (up = to_pci_dev(ld->dev); up; up = pci_upstream_bridge(up))
			if (up == pdev)
				break;
		if (up) {
			keep = true;
			break;
		}
	}
	spin_unlock_irqrestore(&lu.lookup_lock, flags);
	if (keep)
		pr_debug("%s: bus mastering kept across the kexec\n",
			 pci_name(pdev));
	return keep;
}
EXPORT_SYMBOL_GPL(iommu_lu_pci_keep_master);
