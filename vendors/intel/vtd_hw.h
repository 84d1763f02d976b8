/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommu-lu Intel VT-d backend: the hardware layout it reads and writes.
 */

/**
 * DOC: VT-d hardware layout
 *
 * The VT-d registers, table entries and invalidation descriptors the backend
 * (vendors/intel/intel_lu.c) uses, with the values of the VT-d specification
 * as drivers/iommu/intel/iommu.h encodes them. The backend must not include
 * the Intel driver's private header, so everything it needs is defined here
 * with an ``LU_VTD_`` prefix.
 *
 * Level numbers follow the specification: a table of N levels has its root
 * at level N and its last-level (4 KiB leaf) table at level 1.
 *
 * The two functions declared at the end let a test (or debugfs) see what the
 * kexec-time cleanup did, and compute what it would do without writing
 * anything.
 */

#ifndef _IOMMU_LU_VTD_HW_H
#define _IOMMU_LU_VTD_HW_H

#include "iommu_lu_seam.h"

#define LU_VTD_PAGE_SHIFT	12
#define LU_VTD_PAGE_SIZE	BIT(LU_VTD_PAGE_SHIFT)
#define LU_VTD_PAGE_MASK	GENMASK_ULL(63, LU_VTD_PAGE_SHIFT)

/* Register offsets. */
#define LU_VTD_CAP_REG		0x08
#define LU_VTD_ECAP_REG		0x10
#define LU_VTD_GCMD_REG		0x18
#define LU_VTD_GSTS_REG		0x1c
#define LU_VTD_RTADDR_REG	0x20
#define LU_VTD_CCMD_REG		0x28
#define LU_VTD_FSTS_REG		0x34
#define LU_VTD_IQH_REG		0x80
#define LU_VTD_IQT_REG		0x88
#define LU_VTD_IQA_REG		0x90

/* CAP. */
#define LU_VTD_CAP_SAGAW_SHIFT	8
#define LU_VTD_CAP_SAGAW_MASK	0x1fULL
#define LU_VTD_CAP_DWD		BIT_ULL(54)	/* write draining */
#define LU_VTD_CAP_DRD		BIT_ULL(55)	/* read draining */
#define LU_VTD_CAP_ESRTPS	BIT_ULL(63)	/* SRTP invalidates all caches */

/* ECAP. */
#define LU_VTD_ECAP_C		BIT_ULL(0)	/* page walks snoop caches */
#define LU_VTD_ECAP_QI		BIT_ULL(1)
#define LU_VTD_ECAP_IRO_SHIFT	8		/* IOTLB register offset / 16 */
#define LU_VTD_ECAP_IRO_MASK	0x3ffULL
#define LU_VTD_ECAP_SMTS	BIT_ULL(43)	/* scalable-mode translation */

/* GCMD and GSTS share bit positions. */
#define LU_VTD_GCMD_CFI		BIT(23)
#define LU_VTD_GCMD_IRE		BIT(25)
#define LU_VTD_GCMD_QIE		BIT(26)
#define LU_VTD_GCMD_SRTP	BIT(30)
#define LU_VTD_GCMD_TE		BIT(31)
#define LU_VTD_GSTS_CFIS	BIT(23)
#define LU_VTD_GSTS_IRES	BIT(25)
#define LU_VTD_GSTS_QIES	BIT(26)
#define LU_VTD_GSTS_RTPS	BIT(30)
#define LU_VTD_GSTS_TES		BIT(31)
/* Status bits of enables that stay on (TE, QIE, IRE, CFI); GCMD mirrors them. */
#define LU_VTD_GSTS_PERSISTENT	(LU_VTD_GSTS_TES | LU_VTD_GSTS_QIES | \
				 LU_VTD_GSTS_IRES | LU_VTD_GSTS_CFIS)

/* RTADDR: root table address and translation table mode (TTM, 11:10). */
#define LU_VTD_RTADDR_ADDR	LU_VTD_PAGE_MASK
#define LU_VTD_RTADDR_TTM_SHIFT	10
#define LU_VTD_RTADDR_TTM_MASK	GENMASK_ULL(11, 10)
#define LU_VTD_RTADDR_SMT	BIT_ULL(10)
#define LU_VTD_RTADDR_RSVD	GENMASK_ULL(9, 0)
#define LU_VTD_TTM_LEGACY	0
#define LU_VTD_TTM_SCALABLE	1

/* CCMD. */
#define LU_VTD_CCMD_ICC		BIT_ULL(63)
#define LU_VTD_CCMD_CIRG(g)	((u64)(g) << 61)
#define LU_VTD_CCMD_GLOBAL	LU_VTD_CCMD_CIRG(1)

/* IOTLB invalidate register, at ECAP.IRO * 16 + 8. */
#define LU_VTD_IOTLB_REG_OFF	8
#define LU_VTD_IOTLB_IVT	BIT_ULL(63)
#define LU_VTD_IOTLB_IIRG(g)	((u64)(g) << 60)
#define LU_VTD_IOTLB_GLOBAL	LU_VTD_IOTLB_IIRG(1)
#define LU_VTD_IOTLB_DR		BIT_ULL(49)
#define LU_VTD_IOTLB_DW		BIT_ULL(48)

/* FSTS. */
#define LU_VTD_FSTS_IQE		BIT(4)
#define LU_VTD_FSTS_ITE		BIT(6)

/* IQA: queue base, descriptor width (DW, 1: 256-bit), queue size (QS). */
#define LU_VTD_IQA_ADDR		LU_VTD_PAGE_MASK
#define LU_VTD_IQA_DW		BIT_ULL(11)
#define LU_VTD_IQA_QS		GENMASK_ULL(2, 0)
#define LU_VTD_IQ_SHIFT		4	/* log2 of a 128-bit descriptor */

/* Invalidation descriptors (qw0; qw1 only used by the wait descriptor). */
#define LU_VTD_QI_CC_TYPE	0x1
#define LU_VTD_QI_IOTLB_TYPE	0x2
#define LU_VTD_QI_IWD_TYPE	0x5
#define LU_VTD_QI_PC_TYPE	0x7
#define LU_VTD_QI_GRAN(g)	((u64)(g) << 4)	/* granularity, 5:4 */
#define LU_VTD_QI_CC_GLOBAL	LU_VTD_QI_GRAN(1)
#define LU_VTD_QI_IOTLB_GLOBAL	LU_VTD_QI_GRAN(1)
#define LU_VTD_QI_IOTLB_DW	BIT_ULL(6)
#define LU_VTD_QI_IOTLB_DR	BIT_ULL(7)
#define LU_VTD_QI_PC_GLOBAL	LU_VTD_QI_GRAN(3)
#define LU_VTD_QI_IWD_SW	BIT_ULL(5)	/* status write */
#define LU_VTD_QI_IWD_FN	BIT_ULL(6)	/* fence */
#define LU_VTD_QI_IWD_DATA(d)	((u64)(u32)(d) << 32)

/**
 * struct lu_vtd_root_entry - A root-table entry (one per bus).
 * @lo: legacy: bit 0 present, 63:12 context table. Scalable: the same for
 *	the lower context table (devfn 0..127).
 * @hi: legacy: reserved (zero). Scalable: the upper context table (devfn
 *	128..255), same layout as @lo.
 */
struct lu_vtd_root_entry {
	u64 lo;
	u64 hi;
};

#define LU_VTD_ROOT_NR		256
#define LU_VTD_RID_NR		65536	/* requester ids of a segment */
#define LU_VTD_ROOT_P		BIT_ULL(0)
#define LU_VTD_ROOT_CTP		LU_VTD_PAGE_MASK
#define LU_VTD_ROOT_LO_RSVD	GENMASK_ULL(11, 1)	/* also of hi in scalable mode */
#define LU_VTD_SM_UPPER		0x80	/* first devfn of the upper context table */

/**
 * struct lu_vtd_context_entry - A legacy-mode context entry (one per devfn).
 * @lo: bit 0 present, 1 fault processing disable, 3:2 translation type,
 *	63:12 second-level page-table root.
 * @hi: 2:0 address width (AGAW), 6:3 available to software, 23:8 domain id.
 */
struct lu_vtd_context_entry {
	u64 lo;
	u64 hi;
};

#define LU_VTD_CTX_NR		256
#define LU_VTD_CTX_P		BIT_ULL(0)
#define LU_VTD_CTX_TT_SHIFT	2
#define LU_VTD_CTX_TT_MASK	0x3ULL
#define LU_VTD_CTX_TT_MULTI	0	/* multi-level translation */
#define LU_VTD_CTX_TT_DEVTLB	1	/* the same, device-TLB allowed */
#define LU_VTD_CTX_SLPTPTR	LU_VTD_PAGE_MASK
#define LU_VTD_CTX_LO_RSVD	GENMASK_ULL(11, 4)
#define LU_VTD_CTX_AW_MASK	0x7ULL
#define LU_VTD_CTX_DID_SHIFT	8
#define LU_VTD_CTX_DID_MASK	0xffffULL
#define LU_VTD_CTX_HI_RSVD	(BIT_ULL(7) | GENMASK_ULL(63, 24))

/**
 * struct lu_vtd_sm_context_entry - A scalable-mode context entry.
 * @lo: bit 0 present, 1 fault processing disable, 2 device-TLB enable, 3
 *	PASID enable, 4 page-request enable, 11:9 PDTS (a PASID directory of
 *	2^(PDTS + 7) entries), 63:12 the PASID directory.
 * @hi: 19:0 RID_PASID, the PASID of requests without one.
 * @rsvd: the upper 128 bits, zero.
 *
 * 128 of them per (lower or upper) context table, indexed by devfn & 0x7f.
 * Unlike legacy entries they have no bit free for software.
 */
struct lu_vtd_sm_context_entry {
	u64 lo;
	u64 hi;
	u64 rsvd[2];
};

#define LU_VTD_SM_CTX_NR	128
#define LU_VTD_SM_CTX_P		BIT_ULL(0)
#define LU_VTD_SM_CTX_PRE	BIT_ULL(4)
#define LU_VTD_SM_CTX_PDTS_SHIFT 9
#define LU_VTD_SM_CTX_PDTS_MASK	0x7ULL
#define LU_VTD_SM_CTX_DIR	LU_VTD_PAGE_MASK
#define LU_VTD_SM_CTX_LO_RSVD	GENMASK_ULL(8, 5)
#define LU_VTD_SM_CTX_RID2PASID	GENMASK_ULL(19, 0)
#define LU_VTD_SM_CTX_HI_RSVD	GENMASK_ULL(63, 21)

/*
 * PASID directory entries (u64, index pasid >> 6): bit 0 present, 1 FPD,
 * 63:12 a PASID table of 64 &struct lu_vtd_pasid_entry (index pasid & 63).
 */
#define LU_VTD_PDE_P		BIT_ULL(0)
#define LU_VTD_PDE_RSVD		GENMASK_ULL(11, 2)
#define LU_VTD_PDE_TABLE	LU_VTD_PAGE_MASK
#define LU_VTD_PDE_SHIFT	6
#define LU_VTD_PASID_TABLE_NR	BIT(LU_VTD_PDE_SHIFT)

/**
 * struct lu_vtd_pasid_entry - A scalable-mode PASID table entry.
 * @val: val[0]: bit 0 present, 1 FPD, 4:2 AW, 8:6 PGTT, 63:12 second-level
 *	page table; val[1]: 15:0 domain id; val[2]: first-level table.
 */
struct lu_vtd_pasid_entry {
	u64 val[8];
};

#define LU_VTD_PE_P		BIT_ULL(0)
#define LU_VTD_PE_AW_SHIFT	2
#define LU_VTD_PE_AW_MASK	0x7ULL
#define LU_VTD_PE_PGTT_SHIFT	6
#define LU_VTD_PE_PGTT_MASK	0x7ULL
#define LU_VTD_PE_PGTT_SL	2	/* second-level only */
#define LU_VTD_PE_SLPTPTR	LU_VTD_PAGE_MASK
#define LU_VTD_PE_DID_MASK	0xffffULL

/*
 * Second-level paging entries: R bit 0, W bit 1 (present if either is set),
 * PS bit 7 (a leaf at levels 2 and 3, reserved at levels 4 and 5, refused at
 * level 1), address 51:12. Bits 10, 52..61 and 63 are ignored by the
 * hardware (generic_pt keeps software bits there).
 */
#define LU_VTD_SL_R		BIT_ULL(0)
#define LU_VTD_SL_W		BIT_ULL(1)
#define LU_VTD_SL_PS		BIT_ULL(7)
#define LU_VTD_SL_ADDR		GENMASK_ULL(51, 12)
#define LU_VTD_SL_NR		512
/* Reserved in an entry that points to a table (SNP exists only in leaves). */
#define LU_VTD_SL_TABLE_RSVD	(BIT_ULL(11) | BIT_ULL(62))
#define LU_VTD_MIN_LEVELS	2
#define LU_VTD_MAX_LEVELS	5

/* Domain ids 0 (caching mode) and 1 (pass-through, SVA) are never paging. */
#define LU_VTD_FIRST_PAGING_DID	2

/**
 * struct iommu_lu_intel_shutdown_stats - What the last shutdown cleanup did.
 * @runs: shutdown calls since boot.
 * @ctx_cleared: context entries cleared (requester ids not preserved).
 * @ctx_kept: present context entries kept (preserved requester ids).
 * @roots_zeroed: context-table pointers dropped from the root table (legacy:
 *	a bus without a preserved id; scalable: a lower or upper half without
 *	one, each counted).
 * @pre_cleared: scalable mode: page-request enables cleared on kept entries.
 * @pasid_cleared: scalable mode: PASID directory or table entries of
 *	preserved devices cleared because they lead to what is not preserved
 *	(a PASID table, or a domain other than the RID_PASID entry's).
 * @flushed_qi: the global invalidation went through the invalidation queue.
 * @flush_ok: the global invalidation completed (false: it timed out or the
 *	queue reported an error; the unit's caches may hold stale entries).
 */
struct iommu_lu_intel_shutdown_stats {
	unsigned int runs;
	unsigned int ctx_cleared;
	unsigned int ctx_kept;
	unsigned int roots_zeroed;
	unsigned int pre_cleared;
	unsigned int pasid_cleared;
	bool flushed_qi;
	bool flush_ok;
};

struct iommu_lu_unit;

void iommu_lu_intel_last_shutdown(struct iommu_lu_intel_shutdown_stats *stats);
int iommu_lu_intel_cleanup_set(struct iommu_lu_unit *unit,
			       unsigned long *rid_bitmap);

#endif /* _IOMMU_LU_VTD_HW_H */
