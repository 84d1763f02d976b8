// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-lu: ARM SMMUv3 backend (stub).
 */

/**
 * DOC: ARM SMMUv3 backend (stub)
 *
 * This backend is a stub. It registers for %IOMMU_LU_VENDOR_ARM_SMMU_V3
 * without %IOMMU_LU_CAP_PRESERVE, so that SMMUv3 instances have a backend
 * that says clearly that they cannot be preserved, instead of failing for
 * want of one.
 *
 * The core checks that capability before any op: a preservation request for
 * a device behind an SMMUv3 is refused with -EOPNOTSUPP and a message
 * ("<device>: arm-smmu-v3 live update is not supported: not preserved")
 * without calling the backend, so nothing is ever preserved and no record of
 * this vendor is ever written. In the next kernel an SMMU of this vendor is
 * never adopted nor blocked: it boots %IOMMU_LU_UNIT_FRESH and is left to its
 * driver (the core logs an error when the handover names it or is bad). The
 * ops below are therefore never called; each refuses, or does nothing, as a
 * second line of defence, and none touches the hardware.
 *
 * What a full backend would preserve, and how:
 *
 * - The stream table configuration: STRTAB_BASE (0x80, address bits 51:6)
 *   as the unit's root and STRTAB_BASE_CFG (0x88: FMT bits 17:16, SPLIT
 *   bits 10:6, LOG2SIZE bits 5:0) in its vendor data. STRTAB_BASE cannot be
 *   changed while CR0.SMMUEN (0x20, bit 0) is set, so the next kernel must
 *   adopt the very table the old one left, at the same address and with the
 *   same configuration.
 * - A linear stream table (FMT 0: 2^LOG2SIZE STEs of 64 bytes, one
 *   contiguous allocation) kept whole: every one of its pages as an
 *   %IOMMU_LU_PAGE_ROOT page, from the first preserved device on.
 * - A two-level stream table (FMT 1) incrementally: the L1 table (u64
 *   descriptors, L2 pointer bits 51:6, span bits 4:0) as ROOT pages, and
 *   with each preserved device only the L2 tables its StreamIDs index
 *   (sid >> 8; 256 STEs, 16 KiB each) as %IOMMU_LU_PAGE_CONTEXT pages.
 *   At shutdown L1 descriptors of unpreserved L2 tables would be cleared.
 * - The STE of every StreamID of a preserved device (dword 0: V bit 0,
 *   Config bits 3:1 - stage 1 or stage 2 only, abort and bypass refused -
 *   S1ContextPtr bits 51:6; dword 2: S2VMID bits 15:0; dword 3: S2TTB
 *   bits 51:4). At shutdown the STEs of unpreserved StreamIDs would be set
 *   to abort and CMD_CFGI_STE/CMD_TLBI_* issued with CMD_SYNC, SMMUEN kept.
 * - The context-descriptor tables of stage-1 domains (64-byte CDs, linear
 *   or two-level with 1024 CDs per leaf), a page kind the v1 ABI does not
 *   have yet (adding it bumps %IOMMU_LU_COMPATIBLE).
 * - The stage-1 or stage-2 page tables the CDs or STEs point at, as
 *   %IOMMU_LU_PAGE_PGTABLE pages of the domain.
 * - The VMIDs and ASIDs in use by preserved streams, which the next kernel
 *   must reserve before allocating new ones.
 *
 * The v1 handover cannot describe this yet: iommu_lu_decode() accepts exactly
 * one root page per unit and requires the unit's vendor data to be zero,
 * while a linear stream table, and a large L1 table, span several pages. A
 * full backend comes with a new %IOMMU_LU_COMPATIBLE.
 *
 * The Linux 7.3 driver has no kdump adoption path: arm_smmu_device_reset()
 * finds SMMUEN set, warns, sets GBPA to abort and disables the SMMU, and
 * arm_smmu_device_shutdown() disables it at kexec. A live update would skip
 * both for preserved SMMUs and adopt the stream table in place.
 */

#define pr_fmt(fmt) "iommu-lu-smmuv3: " fmt

#include "iommu_lu_seam.h"
#include "iommu_lu_vendor.h"

/**
 * smmu_v3_lu_unit_preserve() - Refuse to preserve an SMMUv3.
 * @unit: the SMMU that would get its first preserved device.
 * @root_phys: out: left unchanged.
 * @set: left unchanged.
 *
 * Not called: the core refuses the request on the missing capability first.
 *
 * Return: -EOPNOTSUPP.
 */
static int smmu_v3_lu_unit_preserve(struct iommu_lu_unit *unit,
				    u64 *root_phys __always_unused,
				    struct iommu_lu_page_set *set __always_unused)
{
	/*
	 * A real backend reads STRTAB_BASE/_CFG, sets *root_phys and adds the
	 * linear table, or the L1 table, to @set as ROOT pages.
	 */
	pr_warn_once("SMMUv3 live update is not supported yet: unit %#llx not preserved\n",
		     iommu_lu_unit_token(unit));
	return -EOPNOTSUPP;
}

/**
 * smmu_v3_lu_device_preserve() - Refuse to preserve a device behind SMMUv3.
 * @unit: the device's SMMU.
 * @info: the device's StreamIDs; the out fields are left unchanged.
 * @set: left unchanged.
 *
 * Not called: the core refuses the request on the missing capability first.
 *
 * Return: -EOPNOTSUPP.
 */
static int smmu_v3_lu_device_preserve(struct iommu_lu_unit *unit __always_unused,
				      struct iommu_lu_dev_info *info,
				      struct iommu_lu_page_set *set __always_unused)
{
	/*
	 * A real backend reads the STE of every StreamID, checks V and Config,
	 * fills VMID/ASID and the table root, adds the L2 tables as CONTEXT.
	 */
	pr_warn_once("SMMUv3 live update is not supported yet: device %04x:%02x:%02x.%d not preserved\n",
		     info->segment, PCI_BUS_NUM(info->rids[0]),
		     PCI_SLOT(info->rids[0]), PCI_FUNC(info->rids[0]));
	return -EOPNOTSUPP;
}

/**
 * smmu_v3_lu_domain_preserve() - Refuse to preserve an SMMUv3 page table.
 * @unit: the SMMU the domain is used on.
 * @info: the domain's page-table root and levels.
 * @set: left unchanged.
 *
 * Not called: the core refuses the request on the missing capability first.
 *
 * Return: -EOPNOTSUPP.
 */
static int smmu_v3_lu_domain_preserve(struct iommu_lu_unit *unit,
				      const struct iommu_lu_dev_info *info,
				      struct iommu_lu_page_set *set __always_unused)
{
	/*
	 * A real backend walks the page table from @info->pgtable_phys and adds
	 * every table page (and a stage-1 CD table) to @set.
	 */
	pr_warn_once("SMMUv3 live update is not supported yet: page table %#llx of unit %#llx not preserved\n",
		     info->pgtable_phys, iommu_lu_unit_token(unit));
	return -EOPNOTSUPP;
}

/**
 * smmu_v3_lu_shutdown() - Nothing to clean up at kexec.
 * @unit: an SMMU of this vendor.
 *
 * Not called: the core runs ->shutdown only on a unit with preserved state,
 * and nothing is ever preserved on a stub unit. The driver's own shutdown
 * (arm_smmu_device_shutdown()) disables the SMMU as usual.
 */
static void smmu_v3_lu_shutdown(struct iommu_lu_unit *unit __always_unused)
{
	/*
	 * A real backend aborts the STEs of unpreserved StreamIDs, clears L1
	 * descriptors of unpreserved L2 tables, then CFGI/TLBI + CMD_SYNC.
	 */
}

/**
 * smmu_v3_lu_adopt() - Refuse to adopt an SMMUv3.
 * @unit: the SMMU in the next kernel.
 * @ho: the validated handover.
 * @unit_rec: the SMMU's record.
 *
 * Not called: the core adopts only units whose backend has
 * %IOMMU_LU_CAP_PRESERVE; an SMMU of this vendor boots %IOMMU_LU_UNIT_FRESH
 * and is left to its driver. The hardware is not touched.
 *
 * Return: -EOPNOTSUPP.
 */
static int smmu_v3_lu_adopt(struct iommu_lu_unit *unit,
			    const struct iommu_lu_handover *ho __always_unused,
			    const struct iommu_lu_unit_ser *unit_rec __always_unused)
{
	/*
	 * A real backend checks SMMUEN, STRTAB_BASE/_CFG against the record and
	 * every preserved STE (V, Config, VMID/ASID, table root).
	 */
	pr_warn_once("SMMUv3 live update is not supported yet: unit %#llx not adopted\n",
		     iommu_lu_unit_token(unit));
	return -EOPNOTSUPP;
}

/**
 * smmu_v3_lu_block_all() - Refuse to block an SMMUv3.
 * @unit: the SMMU in the next kernel.
 *
 * Not called: the core blocks only units whose backend has
 * %IOMMU_LU_CAP_PRESERVE, even when the incoming handover is bad. An SMMU of
 * this vendor boots %IOMMU_LU_UNIT_FRESH and its driver resets it as it
 * always did. No kernel with this stub writes a record of this vendor, so a
 * handover that names one comes from a kernel with a real backend; the core
 * logs it and still leaves the SMMU to its driver. Were the core to call this
 * anyway, the error makes it panic: the contract's answer to a unit that
 * cannot be blocked.
 *
 * Return: -EOPNOTSUPP.
 */
static int smmu_v3_lu_block_all(struct iommu_lu_unit *unit __always_unused)
{
	/*
	 * A real backend sets every STE (or L1 descriptor) in place to abort,
	 * since STRTAB_BASE cannot move with SMMUEN set, then CFGI_ALL + SYNC.
	 */
	return -EOPNOTSUPP;
}

/**
 * smmu_v3_lu_device_clear() - Nothing to clear.
 * @unit: the SMMU in the next kernel.
 * @rids: StreamIDs nobody claimed.
 * @nr: number of @rids.
 *
 * Not called: the core runs ->device_clear only on an adopted unit, and a
 * stub unit is never adopted.
 *
 * Return: -EOPNOTSUPP (the core would leak, never free, what the ids reach).
 */
static int smmu_v3_lu_device_clear(struct iommu_lu_unit *unit __always_unused,
				   const u16 *rids __always_unused,
				   unsigned int nr __always_unused)
{
	/*
	 * A real backend sets the STE of each StreamID to abort and issues
	 * CMD_CFGI_STE and TLBI for its VMID/ASID, then CMD_SYNC.
	 */
	return -EOPNOTSUPP;
}

static const struct iommu_lu_vendor_ops smmu_v3_lu_ops = {
	.vendor		= IOMMU_LU_VENDOR_ARM_SMMU_V3,
	.name		= "arm-smmu-v3",
	.caps		= 0,	/* no IOMMU_LU_CAP_PRESERVE: a stub */
	.unit_preserve	= smmu_v3_lu_unit_preserve,
	.device_preserve = smmu_v3_lu_device_preserve,
	.domain_preserve = smmu_v3_lu_domain_preserve,
	.shutdown	= smmu_v3_lu_shutdown,
	.adopt		= smmu_v3_lu_adopt,
	.block_all	= smmu_v3_lu_block_all,
	.device_clear	= smmu_v3_lu_device_clear,
};

static int __init smmu_v3_lu_init(void)
{
	int ret;

	ret = iommu_lu_register_vendor(&smmu_v3_lu_ops);
	if (ret) {
		pr_err("registration failed: %pe\n", ERR_PTR(ret));
		return ret;
	}
	pr_info("registered (stub: preservation not supported)\n");
	return 0;
}
core_initcall(smmu_v3_lu_init);
