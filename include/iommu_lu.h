/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommu-lu: keep IOMMU translation alive across a kexec-based live update.
 */

/**
 * DOC: iommu-lu public API
 *
 * What callers (VFIO/iommufd, the IOMMU drivers, the PCI core) use.
 *
 * What can be preserved: only a PCI device attached, together with its whole
 * iommu_group, to a caller-owned paging domain (%IOMMU_DOMAIN_UNMANAGED: the
 * VFIO/iommufd model, where the caller allocated the domain, attached the
 * group and mapped fixed IOVAs). DMA-API default domains (%IOMMU_DOMAIN_DMA,
 * %IOMMU_DOMAIN_DMA_FQ) are refused with -EINVAL: their IOVA allocator and
 * their lazily freed page tables cannot be handed over. Identity, blocked,
 * SVA and nested domains are refused with -EINVAL as well.
 *
 * Preservation is per iommu_group: a group is preserved whole or not at all.
 * iommu_lu_preserve_devices() refuses (-EINVAL) a set that leaves a member of
 * a group it touches unpreserved; iommu_lu_unpreserve_device() releases the
 * device's whole group.
 *
 * While a device is preserved, its domain is immutable: the IOMMU core asks
 * iommu_lu_domain_change_allowed() before map/unmap and
 * iommu_lu_attach_allowed() before an attach, and both return -EBUSY until
 * the device is unpreserved. That is what keeps the preserved page set from
 * going stale.
 *
 * Every call here is idempotent: preserving what is preserved returns 0 and
 * changes nothing; unpreserving what is not preserved does nothing.
 *
 * With CONFIG_IOMMU_LU off every function is a static inline stub: the
 * preserve calls return -EOPNOTSUPP, the checks allow everything.
 */

#ifndef _IOMMU_LU_H
#define _IOMMU_LU_H

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/err.h>
/* Relative: IOMMU drivers include this header without the framework's -I. */
#include "../abi/iommu_lu_abi.h"

struct device;
struct iommu_domain;
struct iommu_device;
struct iommu_lu_unit;
struct iommu_lu_vendor_ops;
struct pci_dev;

/* Called for each hardware domain id to reserve; non-zero stops the walk. */
typedef int (*iommu_lu_domain_id_fn)(u32 hw_id, void *data);

/**
 * struct iommu_lu_driver_ops - What the IOMMU driver does for the core in a
 *	running kernel.
 * @clear_rids: clear the translation entries of @nr requester ids (and
 *	nothing else) and invalidate the caches for them, under the driver's
 *	own locks and through its own invalidation interface. Called with the
 *	core's registry mutex held; may sleep. Return 0, or -EIO when the
 *	invalidation did not complete (the core then leaks the page tables
 *	behind the entries instead of freeing them).
 * @block_all: point the unit at a new, empty root table with translation
 *	on, so that every DMA faults, keeping the driver's view of its root
 *	table and command register in step. Called from iommu_lu_unit_add();
 *	may sleep. Return 0, -ENOMEM or -ETIMEDOUT; the core panics on error.
 *
 * Both are optional: without them the core uses the vendor backend's
 * register-level ops, which are only safe while nothing else in the kernel
 * uses the unit's invalidation queue (early boot, or the userspace
 * harness). The kexec-time cleanup never uses them.
 */
struct iommu_lu_driver_ops {
	int (*clear_rids)(void *drvdata, const u16 *rids, unsigned int nr);
	int (*block_all)(void *drvdata);
};

/**
 * struct iommu_lu_unit_desc - How an IOMMU driver describes a unit.
 * @vendor: &enum iommu_lu_vendor_ser of the backend that handles it.
 * @token: stable identity across kernels: the unit's register base address.
 * @segment: PCI segment it translates for.
 * @mode: the mode the driver runs the unit in (e.g. %IOMMU_LU_MODE_VTD_LEGACY).
 * @regs: the unit's mapped registers.
 * @iommu_dev: the driver's &struct iommu_device; devices whose
 *	dev->iommu->iommu_dev equals it belong to this unit.
 * @drvdata: the driver's own unit structure, for the vendor backend's glue
 *	and &iommu_lu_driver_ops.
 * @drv_ops: optional, see &struct iommu_lu_driver_ops.
 */
struct iommu_lu_unit_desc {
	u32 vendor;
	u64 token;
	u16 segment;
	u32 mode;
	void __iomem *regs;
	struct iommu_device *iommu_dev;
	void *drvdata;
	const struct iommu_lu_driver_ops *drv_ops;
};

/**
 * enum iommu_lu_boot_state - What iommu_lu_unit_add() found for a unit.
 * @IOMMU_LU_UNIT_FRESH: no handover for this unit; the driver proceeds as it
 *	always did (including disabling translation left on by a previous
 *	kernel, or the kdump copy path).
 * @IOMMU_LU_UNIT_ADOPTED: the unit's preserved tables were validated and
 *	adopted in place: translation is on, the driver must not disable it nor
 *	replace the root table, and must reserve the preserved domain ids
 *	(iommu_lu_unit_domain_ids()).
 * @IOMMU_LU_UNIT_BLOCKED: the handover for this unit was bad. The unit now
 *	points at an empty root table with translation on (all DMA blocked) and
 *	the old pages are leaked. The driver must not turn translation off.
 */
enum iommu_lu_boot_state {
	IOMMU_LU_UNIT_FRESH = 0,
	IOMMU_LU_UNIT_ADOPTED,
	IOMMU_LU_UNIT_BLOCKED,
};

#if IS_ENABLED(CONFIG_IOMMU_LU)

int iommu_lu_register_vendor(const struct iommu_lu_vendor_ops *ops);
int iommu_lu_unregister_vendor(const struct iommu_lu_vendor_ops *ops);

struct iommu_lu_unit *iommu_lu_unit_add(const struct iommu_lu_unit_desc *desc,
					enum iommu_lu_boot_state *state);
void iommu_lu_unit_remove(struct iommu_lu_unit *unit);
int iommu_lu_unit_domain_ids(struct iommu_lu_unit *unit,
			     iommu_lu_domain_id_fn fn, void *data);
bool iommu_lu_rid_adopted(struct iommu_lu_unit *unit, u16 rid);

int iommu_lu_device_added(struct device *dev);
void iommu_lu_device_removed(struct device *dev);
bool iommu_lu_pci_keep_master(struct pci_dev *pdev);

int iommu_lu_preserve_devices(struct device *const *devs, unsigned int nr);
int iommu_lu_preserve_device(struct device *dev);
int iommu_lu_unpreserve_device(struct device *dev);
bool iommu_lu_device_preserved(struct device *dev);

int iommu_lu_domain_change_allowed(const struct iommu_domain *domain);
int iommu_lu_attach_allowed(struct device *dev);

int iommu_lu_freeze(void);
void iommu_lu_unfreeze(void);
bool iommu_lu_unit_shutdown(struct iommu_lu_unit *unit);

bool iommu_lu_handover_present(void);
int iommu_lu_retrieve(void);
void iommu_lu_release_device(struct device *dev);
void iommu_lu_finish(void);

#else /* !CONFIG_IOMMU_LU */

static inline int iommu_lu_register_vendor(const struct iommu_lu_vendor_ops *ops)
{
	return -EOPNOTSUPP;
}

static inline int iommu_lu_unregister_vendor(const struct iommu_lu_vendor_ops *ops)
{
	return -EOPNOTSUPP;
}

static inline struct iommu_lu_unit *
iommu_lu_unit_add(const struct iommu_lu_unit_desc *desc,
		  enum iommu_lu_boot_state *state)
{
	if (state)
		*state = IOMMU_LU_UNIT_FRESH;
	return ERR_PTR(-EOPNOTSUPP);
}

static inline void iommu_lu_unit_remove(struct iommu_lu_unit *unit)
{
}

static inline int
iommu_lu_unit_domain_ids(struct iommu_lu_unit *unit,
			 iommu_lu_domain_id_fn fn, void *data)
{
	return 0;
}

static inline bool iommu_lu_rid_adopted(struct iommu_lu_unit *unit, u16 rid)
{
	return false;
}

static inline int iommu_lu_device_added(struct device *dev)
{
	return 0;
}

static inline void iommu_lu_device_removed(struct device *dev)
{
}

static inline bool iommu_lu_pci_keep_master(struct pci_dev *pdev)
{
	return false;
}

static inline int iommu_lu_preserve_devices(struct device *const *devs,
					    unsigned int nr)
{
	return -EOPNOTSUPP;
}

static inline int iommu_lu_preserve_device(struct device *dev)
{
	return -EOPNOTSUPP;
}

static inline int iommu_lu_unpreserve_device(struct device *dev)
{
	return 0;
}

static inline bool iommu_lu_device_preserved(struct device *dev)
{
	return false;
}

static inline int iommu_lu_domain_change_allowed(const struct iommu_domain *domain)
{
	return 0;
}

static inline int iommu_lu_attach_allowed(struct device *dev)
{
	return 0;
}

static inline int iommu_lu_freeze(void)
{
	return 0;
}

static inline void iommu_lu_unfreeze(void)
{
}

static inline bool iommu_lu_unit_shutdown(struct iommu_lu_unit *unit)
{
	return false;
}

static inline bool iommu_lu_handover_present(void)
{
	return false;
}

static inline int iommu_lu_retrieve(void)
{
	return -ENOENT;
}

static inline void iommu_lu_release_device(struct device *dev)
{
}

static inline void iommu_lu_finish(void)
{
}

#endif /* CONFIG_IOMMU_LU */

#endif /* _IOMMU_LU_H */
