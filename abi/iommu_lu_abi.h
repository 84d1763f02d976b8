/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommu-lu handover ABI: what one kernel leaves for the next.
 */

/**
 * DOC: iommu-lu handover ABI
 *
 * The old kernel describes the IOMMU state that must survive a kexec-based
 * live update in a set of Kexec HandOver (KHO) preserved pages; the next
 * kernel finds them through the KHO subtree named %IOMMU_LU_KHO_NAME, whose
 * blob is one page holding &struct iommu_lu_header_ser.
 *
 * Layout:
 *
 * - The header names, for every record kind (unit, domain, device, page), the
 *   physical address of the first block of a singly linked chain of
 *   page-sized blocks. Each block starts with &struct iommu_lu_block_ser and
 *   holds an array of fixed-size records of one kind.
 * - A record slot is either live (%IOMMU_LU_REC_LIVE set in its @flags) or
 *   entirely zero. Slots are reused, so a chain never grows past what the
 *   registry holds at its largest.
 * - Records refer to each other by 32-bit ids that are unique per kind within
 *   one handover, never by address. Only physical addresses cross the kexec.
 * - Every hardware page the next kernel adopts (root and context tables,
 *   page-table pages, PASID structures) has a page record; the next kernel
 *   restores exactly the pages the records list, and nothing else.
 *
 * Contract: any change to a structure, constant or the meaning of a field is
 * a breaking change and must bump %IOMMU_LU_ABI_VERSION and the version
 * suffix of %IOMMU_LU_COMPATIBLE together. A kernel accepts only a handover
 * whose compatible string, version, header size and block size are exactly
 * its own; there is no forward or backward compatibility. All fields are
 * fixed width in the CPU's native byte order (KHO hands over between kernels
 * of one architecture), every structure is __packed with explicit reserved
 * fields that must be zero, and there are no pointers and no bitfields.
 * tests/golden holds a serialized blob that catches silent drift.
 */

#ifndef _IOMMU_LU_ABI_H
#define _IOMMU_LU_ABI_H

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>

#define IOMMU_LU_COMPATIBLE	"iommu-lu-v1"
#define IOMMU_LU_ABI_VERSION	1
#define IOMMU_LU_KHO_NAME	"iommu-lu"
#define IOMMU_LU_BLOCK_SIZE	4096

/* Upper bounds the decoder enforces before trusting anything. */
#define IOMMU_LU_MAX_UNITS	64
#define IOMMU_LU_MAX_BLOCKS	4096	/* per chain */
#define IOMMU_LU_MAX_RIDS	16	/* requester ids per device, own + aliases */

/**
 * enum iommu_lu_vendor_ser - IOMMU architecture of a unit record.
 * @IOMMU_LU_VENDOR_NONE: invalid, never in a live record.
 * @IOMMU_LU_VENDOR_INTEL_VTD: Intel VT-d.
 * @IOMMU_LU_VENDOR_AMD_VI: AMD-Vi (reserved; no backend preserves yet).
 * @IOMMU_LU_VENDOR_ARM_SMMU_V3: ARM SMMUv3 (reserved; no backend preserves yet).
 * @IOMMU_LU_VENDOR_NR: number of values; not a vendor.
 */
enum iommu_lu_vendor_ser {
	IOMMU_LU_VENDOR_NONE = 0,
	IOMMU_LU_VENDOR_INTEL_VTD = 1,
	IOMMU_LU_VENDOR_AMD_VI = 2,
	IOMMU_LU_VENDOR_ARM_SMMU_V3 = 3,
	IOMMU_LU_VENDOR_NR,
};

/**
 * enum iommu_lu_rec_kind - Record kinds; also the index of a chain.
 * @IOMMU_LU_REC_UNIT: &struct iommu_lu_unit_ser.
 * @IOMMU_LU_REC_DOMAIN: &struct iommu_lu_domain_ser.
 * @IOMMU_LU_REC_DEVICE: &struct iommu_lu_device_ser.
 * @IOMMU_LU_REC_PAGE: &struct iommu_lu_page_ser.
 * @IOMMU_LU_REC_NR: number of kinds.
 */
enum iommu_lu_rec_kind {
	IOMMU_LU_REC_UNIT = 0,
	IOMMU_LU_REC_DOMAIN = 1,
	IOMMU_LU_REC_DEVICE = 2,
	IOMMU_LU_REC_PAGE = 3,
	IOMMU_LU_REC_NR = 4,
};

/**
 * enum iommu_lu_page_kind - What a preserved hardware page holds.
 * @IOMMU_LU_PAGE_NONE: invalid.
 * @IOMMU_LU_PAGE_ROOT: a unit's root table (VT-d root table, AMD device
 *	table page, SMMUv3 stream table or L1 table). Owner: unit id.
 * @IOMMU_LU_PAGE_CONTEXT: a second-level lookup table (VT-d context table,
 *	SMMUv3 L2 stream table). Owner: unit id.
 * @IOMMU_LU_PAGE_PGTABLE: a page-table page of a domain (shared by every
 *	unit the domain is used on). Owner: domain id.
 * @IOMMU_LU_PAGE_PASID_DIR: a PASID directory (VT-d scalable mode). Owner:
 *	unit id.
 * @IOMMU_LU_PAGE_PASID_TABLE: a PASID table (VT-d scalable mode). Owner:
 *	unit id.
 * @IOMMU_LU_PAGE_KIND_NR: number of values.
 */
enum iommu_lu_page_kind {
	IOMMU_LU_PAGE_NONE = 0,
	IOMMU_LU_PAGE_ROOT = 1,
	IOMMU_LU_PAGE_CONTEXT = 2,
	IOMMU_LU_PAGE_PGTABLE = 3,
	IOMMU_LU_PAGE_PASID_DIR = 4,
	IOMMU_LU_PAGE_PASID_TABLE = 5,
	IOMMU_LU_PAGE_KIND_NR,
};

/* Record flags (bit 0 is common to every record kind). */
#define IOMMU_LU_REC_LIVE	BIT(0)

/*
 * Unit record flag: the old kernel's shutdown cleanup ran on this unit, so
 * every entry that is not preserved has been cleared. A unit without it is
 * never adopted (its tables may still lead to pages the old kernel freed).
 */
#define IOMMU_LU_UNIT_CLEANED	BIT(1)

/* Header flags. */
#define IOMMU_LU_HDR_FROZEN	BIT(0)	/* written by freeze, cleared by unfreeze */

/* Unit modes (&struct iommu_lu_unit_ser.mode). */
#define IOMMU_LU_MODE_VTD_LEGACY	0
#define IOMMU_LU_MODE_VTD_SCALABLE	1

/**
 * struct iommu_lu_header_ser - The KHO subtree blob (one page).
 * @compatible: %IOMMU_LU_COMPATIBLE, NUL padded.
 * @version: %IOMMU_LU_ABI_VERSION.
 * @header_size: sizeof(struct iommu_lu_header_ser).
 * @block_size: %IOMMU_LU_BLOCK_SIZE.
 * @flags: %IOMMU_LU_HDR_FROZEN.
 * @generation: bumped on every change; lets a reader see that two dumps
 *	differ without comparing them.
 * @chain: physical address of the first block of each chain, indexed by
 *	&enum iommu_lu_rec_kind; 0 for an empty chain.
 * @nr_records: live records in each chain (cross-checked by the decoder).
 * @nr_blocks: blocks in each chain (cross-checked by the decoder).
 * @reserved: must be zero.
 *
 * Changing this structure requires a new %IOMMU_LU_COMPATIBLE.
 */
struct iommu_lu_header_ser {
	char compatible[16];
	u32 version;
	u32 header_size;
	u32 block_size;
	u32 flags;
	u64 generation;
	u64 chain[IOMMU_LU_REC_NR];
	u32 nr_records[IOMMU_LU_REC_NR];
	u32 nr_blocks[IOMMU_LU_REC_NR];
	u64 reserved[3];
} __packed;
static_assert(sizeof(struct iommu_lu_header_ser) == 128);
static_assert(offsetof(struct iommu_lu_header_ser, chain) == 40);
static_assert(offsetof(struct iommu_lu_header_ser, nr_records) == 72);

/**
 * struct iommu_lu_block_ser - Header of one page-sized block of records.
 * @next: physical address of the next block of the same chain, or 0.
 * @kind: &enum iommu_lu_rec_kind of every record in the block.
 * @record_size: size of one record; must match the kind's structure.
 * @nr_slots: number of record slots that follow this header.
 * @nr_live: live records among them (cross-checked by the decoder).
 *
 * The records start right after this header. Changing this structure
 * requires a new %IOMMU_LU_COMPATIBLE.
 */
struct iommu_lu_block_ser {
	u64 next;
	u32 kind;
	u32 record_size;
	u32 nr_slots;
	u32 nr_live;
} __packed;
static_assert(sizeof(struct iommu_lu_block_ser) == 24);

/**
 * struct iommu_lu_unit_ser - One IOMMU unit with preserved state.
 * @flags: %IOMMU_LU_REC_LIVE, %IOMMU_LU_UNIT_CLEANED.
 * @id: unit id, unique in the handover, never 0.
 * @vendor: &enum iommu_lu_vendor_ser.
 * @mode: vendor mode, e.g. %IOMMU_LU_MODE_VTD_LEGACY.
 * @token: stable identity of the unit across kernels: its register base.
 * @root_phys: the root structure the hardware points at (VT-d: RTADDR).
 * @segment: PCI segment the unit translates for.
 * @reserved0: must be zero.
 * @nr_devices: live device records of this unit.
 * @vendor_data: vendor-defined, zero when unused (kept for SMMUv3 stream
 *	table configuration and AMD-Vi device-table size).
 *
 * Changing this structure requires a new %IOMMU_LU_COMPATIBLE.
 */
struct iommu_lu_unit_ser {
	u32 flags;
	u32 id;
	u32 vendor;
	u32 mode;
	u64 token;
	u64 root_phys;
	u16 segment;
	u16 reserved0;
	u32 nr_devices;
	u64 vendor_data[2];
} __packed;
static_assert(sizeof(struct iommu_lu_unit_ser) == 56);
static_assert(offsetof(struct iommu_lu_unit_ser, token) == 16);

/**
 * struct iommu_lu_domain_ser - A preserved I/O page table.
 * @flags: %IOMMU_LU_REC_LIVE.
 * @id: domain id, unique in the handover, never 0.
 * @pgtable_phys: root of the page table.
 * @levels: page-table levels (VT-d: AGAW + 2).
 * @nr_pages: page-table pages (each has a page record owned by @id).
 *
 * One caller-owned paging domain, whichever units use it: in Linux 7.3 a
 * domain attached to devices behind several IOMMU units shares one page
 * table and has a hardware domain id on each unit. The (unit, hardware id)
 * pairs are in the device records.
 *
 * Changing this structure requires a new %IOMMU_LU_COMPATIBLE.
 */
struct iommu_lu_domain_ser {
	u32 flags;
	u32 id;
	u64 pgtable_phys;
	u32 levels;
	u32 nr_pages;
} __packed;
static_assert(sizeof(struct iommu_lu_domain_ser) == 24);

/**
 * struct iommu_lu_device_ser - A preserved device and its DMA aliases.
 * @flags: %IOMMU_LU_REC_LIVE.
 * @unit_id: the unit translating for the device.
 * @domain_id: the domain (page table) it is attached to.
 * @hw_id: the hardware domain id that domain has on the unit (VT-d DID;
 *	always >= 2 on Linux 7.3). Every device of one domain on one unit
 *	has the same @hw_id, and one @hw_id of a unit names one domain.
 * @segment: PCI segment.
 * @rid: the device's own requester id (bus << 8 | devfn).
 * @nr_rids: valid entries of @rids, 1..%IOMMU_LU_MAX_RIDS.
 * @reserved0: must be zero.
 * @rids: requester ids the device may DMA with: @rid first, then every
 *	alias pci_for_each_dma_alias() reports, without duplicates. Unused
 *	entries are zero.
 * @pasid_dir_phys: scalable mode: the PASID directory; else 0.
 * @vendor_data: vendor-defined (scalable mode: PDTS); zero when unused.
 *
 * Changing this structure requires a new %IOMMU_LU_COMPATIBLE.
 */
struct iommu_lu_device_ser {
	u32 flags;
	u32 unit_id;
	u32 domain_id;
	u32 hw_id;
	u16 segment;
	u16 rid;
	u16 nr_rids;
	u16 reserved0;
	u16 rids[IOMMU_LU_MAX_RIDS];
	u64 pasid_dir_phys;
	u64 vendor_data;
} __packed;
static_assert(sizeof(struct iommu_lu_device_ser) == 72);
static_assert(offsetof(struct iommu_lu_device_ser, rids) == 24);
static_assert(offsetof(struct iommu_lu_device_ser, pasid_dir_phys) == 56);

/**
 * struct iommu_lu_page_ser - One preserved 4 KiB hardware page.
 * @phys: physical address, 4 KiB aligned.
 * @owner: unit id or domain id, per &enum iommu_lu_page_kind.
 * @kind: &enum iommu_lu_page_kind.
 * @flags: %IOMMU_LU_REC_LIVE.
 *
 * Changing this structure requires a new %IOMMU_LU_COMPATIBLE.
 */
struct iommu_lu_page_ser {
	u64 phys;
	u32 owner;
	u16 kind;
	u16 flags;
} __packed;
static_assert(sizeof(struct iommu_lu_page_ser) == 16);

/**
 * struct iommu_lu_dump_page_ser - One page of a handover dump file.
 * @magic: %IOMMU_LU_DUMP_MAGIC.
 * @phys: physical address the page had in the kernel that wrote it.
 *
 * The debugfs handover file and tools/iommu-lu-decode use a flat dump: a
 * sequence of this header followed by %IOMMU_LU_BLOCK_SIZE bytes, the KHO
 * subtree page first, then every block. Hardware pages are not dumped.
 */
struct iommu_lu_dump_page_ser {
	u64 magic;
	u64 phys;
} __packed;
static_assert(sizeof(struct iommu_lu_dump_page_ser) == 16);

#define IOMMU_LU_DUMP_MAGIC	0x706d75642d756c69ULL	/* "ilu-dump" */

#endif /* _IOMMU_LU_ABI_H */
