// SPDX-License-Identifier: GPL-2.0
/*
 * Compile-only: a caller of every function of include/iommu_lu.h, the way an
 * IOMMU driver includes it (a relative path, without the framework's -I).
 * scripts/check-kernel-static.sh compiles it in every configuration of its
 * matrix: with CONFIG_IOMMU_LU off it proves that the static inline stubs
 * compile cleanly (W=1, sparse) for callers; with it on, that the
 * declarations do. Never linked, never run.
 */
#include <linux/device.h>
#include <linux/iommu.h>

#include "../../../include/iommu_lu.h"

static int stub_caller_domain_id(u32 hw_id, void *data)
{
	return 0;
}

static int __maybe_unused
iommu_lu_stub_caller(struct device *dev, struct iommu_domain *domain,
		     const struct iommu_lu_unit_desc *desc,
		     const struct iommu_lu_vendor_ops *ops)
{
	enum iommu_lu_boot_state state;
	struct iommu_lu_unit *unit;
	int ret = 0;

	ret |= iommu_lu_register_vendor(ops);
	unit = iommu_lu_unit_add(desc, &state);
	if (!IS_ERR_OR_NULL(unit)) {
		ret |= iommu_lu_unit_domain_ids(unit, stub_caller_domain_id, NULL);
		ret |= iommu_lu_rid_adopted(unit, 0);
		ret |= iommu_lu_unit_shutdown(unit);
		iommu_lu_unit_remove(unit);
	}
	ret |= iommu_lu_device_added(dev);
	ret |= iommu_lu_preserve_devices(&dev, 1);
	ret |= iommu_lu_preserve_device(dev);
	ret |= iommu_lu_device_preserved(dev);
	ret |= iommu_lu_domain_change_allowed(domain);
	ret |= iommu_lu_attach_allowed(dev);
	ret |= iommu_lu_unpreserve_device(dev);
	ret |= iommu_lu_freeze();
	iommu_lu_unfreeze();
	ret |= iommu_lu_retrieve();
	iommu_lu_release_device(dev);
	iommu_lu_finish();
	iommu_lu_device_removed(dev);
	ret |= iommu_lu_unregister_vendor(ops);
	return ret;
}
