// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-lu: AMD-Vi backend (stub).
 */

/**
 * DOC: AMD-Vi backend (stub)
 *
 * This backend is a stub. It registers for %IOMMU_LU_VENDOR_AMD_VI without
 * %IOMMU_LU_CAP_PRESERVE, so that AMD-Vi units have a backend that says
 * clearly that they cannot be preserved, instead of failing for want of one.
 *
 * The core checks that capability before any op: a preservation request for
 * a device behind an AMD-Vi unit is refused with -EOPNOTSUPP and a message
 * ("<device>: amd-vi live update is not supported: not preserved") without
 * calling the backend, so nothing is ever preserved and no record of this
 * vendor is ever written. In the next kernel a unit of this vendor is never
 * adopted nor blocked: it boots %IOMMU_LU_UNIT_FRESH and is left to its
 * driver (the core logs an error when the handover names it or is bad). The
 * ops below are therefore never called; each refuses, or does nothing, as a
 * second line of defence, and none touches the hardware.
 *
 * What a full backend would preserve, and how:
 *
 * - The device table of each PCI segment. All units of a segment share one
 *   table of 65536 256-bit entries (DTEs, at most 2 MiB), indexed by the
 *   16-bit device id. Its physical address and size come from the device
 *   table base register (MMIO offset 0x0000), which holds
 *   phys | (size / 4096 - 1); the unit record would keep the address as its
 *   root and the size in its vendor data. The next kernel must keep using
 *   the very table the hardware points at, so the whole table would be
 *   preserved, its pages as %IOMMU_LU_PAGE_ROOT pages.
 * - The DTE of every requester id of a preserved device (its own and all its
 *   DMA aliases): data[0] V (bit 0), TV (bit 1), Mode = page-table levels
 *   (bits 11:9), page-table root (bits 51:12), GV (55), IR/IW (61/62); the
 *   device record's hardware identity would be taken from them. At shutdown
 *   every DTE of a device id that is not preserved would be cleared to V
 *   only (what amd_iommu_make_clear_dte() does: DMA blocked) and the DTE
 *   and IOTLB caches invalidated through the command buffer, leaving
 *   translation on.
 * - The domain ids in the DTEs (data[1] bits 15:0): the next kernel must
 *   reserve them in the protection-domain id allocator before handing out
 *   new ones.
 * - The v1 (host) page tables the DTEs point at: every page-table page
 *   reachable from the root, Mode levels deep, as %IOMMU_LU_PAGE_PGTABLE
 *   pages of the domain. GCR3 (v2, guest) tables and PASIDs would be refused.
 * - The interrupt-remapping table of each preserved device (data[2]:
 *   remapping enable bit 0, table length bits 4:1, table pointer bits
 *   51:6), or else the DTE's interrupt fields cleared and the device's
 *   interrupts reset by its owner (what VFIO does on the VT-d side).
 *
 * The v1 handover cannot describe this yet: iommu_lu_decode() accepts exactly
 * one root page per unit and requires the unit's vendor data to be zero,
 * while a device table spans up to 512 pages. A full backend comes with a new
 * %IOMMU_LU_COMPATIBLE.
 *
 * The Linux 7.3 driver already does most of the adoption half in a kdump
 * kernel: __reuse_device_table() reads the base register, checks that the
 * size matches and that the table lies below 4 GiB, memremaps the old device
 * table and reserves the domain id of every valid DTE, and
 * early_enable_iommus() then runs on that very table with translation left
 * enabled. A live update would take that path for preserved units (outside
 * kdump, init_iommu_one_late() disables a translation it finds enabled) and
 * would skip disable_iommus() at kexec for them.
 */

#define pr_fmt(fmt) "iommu-lu-amd: " fmt

#include "iommu_lu_seam.h"
#include "iommu_lu_vendor.h"

/**
 * amd_lu_unit_preserve() - Refuse to preserve an AMD-Vi unit.
 * @unit: the unit that would get its first preserved device.
 * @root_phys: out: left unchanged.
 * @set: left unchanged.
 *
 * Not called: the core refuses the request on the missing capability first.
 *
 * Return: -EOPNOTSUPP.
 */
static int amd_lu_unit_preserve(struct iommu_lu_unit *unit,
				u64 *root_phys __always_unused,
				struct iommu_lu_page_set *set __always_unused)
{
	/*
	 * A real backend reads the device table base register, sets *root_phys
	 * to the table and adds every device-table page to @set as ROOT.
	 */
	pr_warn_once("AMD-Vi live update is not supported yet: unit %#llx not preserved\n",
		     iommu_lu_unit_token(unit));
	return -EOPNOTSUPP;
}

/**
 * amd_lu_device_preserve() - Refuse to preserve a device behind AMD-Vi.
 * @unit: the device's unit.
 * @info: the device's requester ids; the out fields are left unchanged.
 * @set: left unchanged.
 *
 * Not called: the core refuses the request on the missing capability first.
 *
 * Return: -EOPNOTSUPP.
 */
static int amd_lu_device_preserve(struct iommu_lu_unit *unit __always_unused,
				  struct iommu_lu_dev_info *info,
				  struct iommu_lu_page_set *set __always_unused)
{
	/*
	 * A real backend reads the DTE of every id in @info, checks V and TV and
	 * that they agree, and fills domain id, root and levels from them.
	 */
	pr_warn_once("AMD-Vi live update is not supported yet: device %04x:%02x:%02x.%d not preserved\n",
		     info->segment, PCI_BUS_NUM(info->rids[0]),
		     PCI_SLOT(info->rids[0]), PCI_FUNC(info->rids[0]));
	return -EOPNOTSUPP;
}

/**
 * amd_lu_domain_preserve() - Refuse to preserve an AMD-Vi v1 page table.
 * @unit: the unit the domain is used on.
 * @info: the domain's page-table root and levels.
 * @set: left unchanged.
 *
 * Not called: the core refuses the request on the missing capability first.
 *
 * Return: -EOPNOTSUPP.
 */
static int amd_lu_domain_preserve(struct iommu_lu_unit *unit,
				  const struct iommu_lu_dev_info *info,
				  struct iommu_lu_page_set *set __always_unused)
{
	/*
	 * A real backend walks the v1 table from @info->pgtable_phys, checking
	 * each PDE's next level, and adds every table page to @set as PGTABLE.
	 */
	pr_warn_once("AMD-Vi live update is not supported yet: page table %#llx of unit %#llx not preserved\n",
		     info->pgtable_phys, iommu_lu_unit_token(unit));
	return -EOPNOTSUPP;
}

/**
 * amd_lu_shutdown() - Nothing to clean up at kexec.
 * @unit: a unit of this vendor.
 *
 * Not called: the core runs ->shutdown only on a unit with preserved state,
 * and nothing is ever preserved on a stub unit. The driver's own shutdown
 * (disable_iommus()) turns translation off as usual.
 */
static void amd_lu_shutdown(struct iommu_lu_unit *unit __always_unused)
{
	/*
	 * A real backend clears the DTEs of unpreserved device ids, then queues
	 * INVALIDATE_DEVTAB_ENTRY, INVALIDATE_IOMMU_PAGES and COMPLETION_WAIT.
	 */
}

/**
 * amd_lu_adopt() - Refuse to adopt an AMD-Vi unit.
 * @unit: the unit in the next kernel.
 * @ho: the validated handover.
 * @unit_rec: the unit's record.
 *
 * Not called: the core adopts only units whose backend has
 * %IOMMU_LU_CAP_PRESERVE; a unit of this vendor boots %IOMMU_LU_UNIT_FRESH
 * and is left to its driver. The hardware is not touched.
 *
 * Return: -EOPNOTSUPP.
 */
static int amd_lu_adopt(struct iommu_lu_unit *unit,
			const struct iommu_lu_handover *ho __always_unused,
			const struct iommu_lu_unit_ser *unit_rec __always_unused)
{
	/*
	 * A real backend checks the base register against the record and every
	 * preserved DTE (V, TV, root, domain id), then keeps the table in use.
	 */
	pr_warn_once("AMD-Vi live update is not supported yet: unit %#llx not adopted\n",
		     iommu_lu_unit_token(unit));
	return -EOPNOTSUPP;
}

/**
 * amd_lu_block_all() - Refuse to block an AMD-Vi unit.
 * @unit: the unit in the next kernel.
 *
 * Not called: the core blocks only units whose backend has
 * %IOMMU_LU_CAP_PRESERVE, even when the incoming handover is bad. A unit of
 * this vendor boots %IOMMU_LU_UNIT_FRESH and its driver handles a translation
 * left enabled as it always did. No kernel with this stub writes a record of
 * this vendor, so a handover that names one comes from a kernel with a real
 * backend; the core logs it and still leaves the unit to its driver. Were the
 * core to call this anyway, the error makes it panic: the contract's answer
 * to a unit that cannot be blocked.
 *
 * Return: -EOPNOTSUPP.
 */
static int amd_lu_block_all(struct iommu_lu_unit *unit __always_unused)
{
	/*
	 * A real backend makes every DTE V-only (a new table, or the old one
	 * rewritten in place), leaks the old page tables, invalidates all.
	 */
	return -EOPNOTSUPP;
}

/**
 * amd_lu_device_clear() - Nothing to clear.
 * @unit: the unit in the next kernel.
 * @rids: requester ids nobody claimed.
 * @nr: number of @rids.
 *
 * Not called: the core runs ->device_clear only on an adopted unit, and a
 * stub unit is never adopted.
 *
 * Return: -EOPNOTSUPP (the core would leak, never free, what the ids reach).
 */
static int amd_lu_device_clear(struct iommu_lu_unit *unit __always_unused,
			       const u16 *rids __always_unused,
			       unsigned int nr __always_unused)
{
	/*
	 * A real backend clears the DTE of each id to V only and invalidates
	 * the DTE and the IOTLB of its old domain id.
	 */
	return -EOPNOTSUPP;
}

static const struct iommu_lu_vendor_ops amd_lu_ops = {
	.vendor		= IOMMU_LU_VENDOR_AMD_VI,
	.name		= "amd-vi",
	.caps		= 0,	/* no IOMMU_LU_CAP_PRESERVE: a stub */
	.unit_preserve	= amd_lu_unit_preserve,
	.device_preserve = amd_lu_device_preserve,
	.domain_preserve = amd_lu_domain_preserve,
	.shutdown	= amd_lu_shutdown,
	.adopt		= amd_lu_adopt,
	.block_all	= amd_lu_block_all,
	.device_clear	= amd_lu_device_clear,
};

static int __init amd_lu_init(void)
{
	int ret;

	ret = iommu_lu_register_vendor(&amd_lu_ops);
	if (ret) {
		pr_err("registration failed: %pe\n", ERR_PTR(ret));
		return ret;
	}
	pr_info("registered (stub: preservation not supported)\n");
	return 0;
}
core_initcall(amd_lu_init);
