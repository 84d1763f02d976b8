/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommu-lu: the contract between the generic core and a vendor backend.
 */

/**
 * DOC: vendor backend contract
 *
 * A backend registers one const &struct iommu_lu_vendor_ops with
 * iommu_lu_register_vendor(). The core owns every decision about what is
 * preserved, every reference count, every KHO call and the serialized
 * handover; a backend only reads and writes its hardware's structures:
 *
 * - at preserve time it tells the core which hardware pages a unit, a device
 *   (all its requester ids) and a domain need, through
 *   iommu_lu_page_set_add(), and what hardware identity the device's domain
 *   has (&struct iommu_lu_dev_info);
 * - at shutdown it clears what is not preserved, asking the core
 *   (iommu_lu_rid_preserved(), iommu_lu_rid_range_preserved(),
 *   iommu_lu_page_preserved()), which answers without locks or allocation;
 * - in the next kernel it checks the hardware against the decoded handover
 *   and adopts it, or blocks all DMA on the unit if it cannot.
 *
 * Backends reach the hardware through registers (&struct iommu_lu_unit_desc
 * .regs) and physical memory only, through the one seam header, so the very
 * same code runs against the userspace hardware model.
 */

#ifndef _IOMMU_LU_VENDOR_H
#define _IOMMU_LU_VENDOR_H

#include "iommu_lu.h"

struct iommu_lu_page_set;

/**
 * struct iommu_lu_dev_info - A device as a backend sees it.
 * @segment: PCI segment.
 * @nr_rids: valid entries in @rids.
 * @rids: requester ids; @rids[0] is the device's own, the rest its aliases.
 * @hw_id: out: hardware domain id of the domain the device is attached to.
 * @pgtable_phys: out: root of that domain's page table.
 * @levels: out: page-table levels.
 * @pasid_dir_phys: out: PASID directory (VT-d scalable mode), else 0.
 * @vendor_data: out: vendor-defined, stored in the handover (VT-d scalable
 *	mode: the directory's size field PDTS, 0..7), else 0.
 */
struct iommu_lu_dev_info {
	u16 segment;
	u16 nr_rids;
	u16 rids[IOMMU_LU_MAX_RIDS];
	u32 hw_id;
	u64 pgtable_phys;
	u32 levels;
	u64 pasid_dir_phys;
	u64 vendor_data;
};

/**
 * struct iommu_lu_handover - A handover the core's decoder has validated.
 * @hdr: copy of the header.
 * @units: unit records, @nr_units of them.
 * @domains: domain records.
 * @devices: device records.
 * @pages: page records.
 * @nr_units: number of @units.
 * @nr_domains: number of @domains.
 * @nr_devices: number of @devices.
 * @nr_pages: number of @pages.
 *
 * Every id reference in it resolves, every count matches, no page is
 * declared twice; see iommu_lu_decode().
 */
struct iommu_lu_handover {
	struct iommu_lu_header_ser hdr;
	struct iommu_lu_unit_ser *units;
	struct iommu_lu_domain_ser *domains;
	struct iommu_lu_device_ser *devices;
	struct iommu_lu_page_ser *pages;
	u32 nr_units;
	u32 nr_domains;
	u32 nr_devices;
	u32 nr_pages;
};

/* Backend capabilities (&struct iommu_lu_vendor_ops.caps). */
#define IOMMU_LU_CAP_PRESERVE	BIT(0)	/* can preserve; stubs lack it */
#define IOMMU_LU_CAP_SCALABLE	BIT(1)	/* VT-d scalable mode supported */

/**
 * struct iommu_lu_vendor_ops - What a vendor backend implements.
 * @vendor: &enum iommu_lu_vendor_ser it handles; one backend per vendor.
 * @name: short name for messages.
 * @caps: %IOMMU_LU_CAP_* flags.
 *
 * @unit_preserve: a unit gets its first preserved device. Check that its
 *	state can be preserved, set *@root_phys to what the hardware points at
 *	and add the unit-wide pages (root table) to @set. Must not change
 *	hardware state. Called with the core's registry lock held; may sleep.
 *	Returns 0, -EOPNOTSUPP (vendor or mode not preservable: stubs always),
 *	-ENODEV (translation is off: nothing to keep alive), -EIO (hardware
 *	state inconsistent), or the error of iommu_lu_page_set_add().
 *
 * @device_preserve: find, for every requester id in @info, the entry the
 *	hardware uses; all must be present and agree on one paging domain. Fill
 *	the out fields of @info and add the lookup pages the ids need (context
 *	tables, PASID structures) to @set; nothing for ids of other buses.
 *	Must not change hardware state; cost must not depend on how much is
 *	already preserved. Returns 0, -EINVAL (an id has no entry, entries
 *	disagree, pass-through or a translation type that cannot be handed
 *	over), -EOPNOTSUPP, or the error of iommu_lu_page_set_add().
 *
 * @domain_preserve: add every page-table page reachable from
 *	@info->pgtable_phys (@info->levels levels) to @set. Must not change
 *	hardware state. Returns 0, -EINVAL (malformed table: bad level, reserved
 *	bits, an address outside memory, a pointer back up the walk), -EOPNOTSUPP,
 *	or the error of iommu_lu_page_set_add(). The core adds -ELOOP when a
 *	page was reached twice.
 *
 * @shutdown: last call in the old kernel, from the kexec path with other
 *	CPUs stopped and interrupts off. Clear every entry of a requester id
 *	that is not preserved, drop root entries that only lead to unpreserved
 *	tables, invalidate the caches (through the invalidation queue when it is
 *	on), leave translation on. Must not allocate, sleep, take a sleeping lock
 *	or call KHO; cannot fail.
 *
 * @adopt: next kernel, before the driver touches the unit. Check that the
 *	hardware matches the unit record @unit_rec of the validated handover @ho
 *	(translation on, root pointer and mode as recorded, every preserved
 *	device's entries present, reserved bits clear, domain ids as recorded)
 *	and adopt the tables in place. On error, the hardware must be exactly as
 *	it was. Returns 0, -ENODEV (translation off or unit not in the state the
 *	record describes), -EPROTO (an entry contradicts the handover),
 *	-EOPNOTSUPP (mode or vendor not supported).
 *
 * @block_all: next kernel, bad handover: point the unit at a new, empty root
 *	table with translation on, so every DMA faults; the old tables are
 *	leaked. Returns 0, -ENOMEM, or -ETIMEDOUT (the hardware did not latch
 *	the root or complete the flush); the core panics on error, since
 *	leaving the old tables live or turning translation off are both unsafe.
 *	Used only when the driver gave no &iommu_lu_driver_ops.block_all
 *	(which keeps the driver's own root and command state in step).
 *
 * @device_clear: next kernel: clear the entries of the requester ids in
 *	@rids (nobody claimed them) and invalidate, so that the page tables
 *	and PASID structures behind them can be freed. Returns 0 once the
 *	entries are cleared and the caches invalidated; -ETIMEDOUT when the
 *	invalidation did not complete, -EINVAL when the unit's tables cannot
 *	be walked (unknown mode, no root table): the core then leaks what the
 *	entries may still reach instead of freeing it. Used only when the
 *	driver gave no &iommu_lu_driver_ops.clear_rids (which takes the
 *	driver's locks).
 *
 * All ops are mandatory; a stub implements each by refusing.
 */
struct iommu_lu_vendor_ops {
	u32 vendor;
	const char *name;
	u32 caps;

	int (*unit_preserve)(struct iommu_lu_unit *unit, u64 *root_phys,
			     struct iommu_lu_page_set *set);
	int (*device_preserve)(struct iommu_lu_unit *unit,
			       struct iommu_lu_dev_info *info,
			       struct iommu_lu_page_set *set);
	int (*domain_preserve)(struct iommu_lu_unit *unit,
			       const struct iommu_lu_dev_info *info,
			       struct iommu_lu_page_set *set);
	void (*shutdown)(struct iommu_lu_unit *unit);
	int (*adopt)(struct iommu_lu_unit *unit,
		     const struct iommu_lu_handover *ho,
		     const struct iommu_lu_unit_ser *unit_rec);
	int (*block_all)(struct iommu_lu_unit *unit);
	int (*device_clear)(struct iommu_lu_unit *unit, const u16 *rids,
			    unsigned int nr);
};

/**
 * iommu_lu_page_set_add() - Report a hardware page an object needs.
 * @set: the set the core passed to the op.
 * @phys: physical address of the page, 4 KiB aligned.
 * @kind: what it holds.
 *
 * Unit and device sets are de-duplicated: several requester ids on one bus
 * share a context table, so adding a page twice is harmless. A domain set is
 * not: the core refuses the whole domain with -ELOOP after the walk when a
 * page-table page was reached twice (a malformed or looping table).
 *
 * Return: 0, -EINVAL (@phys not aligned or zero, @kind invalid), -E2BIG
 * (more pages than a set may hold), -ENOMEM.
 */
int iommu_lu_page_set_add(struct iommu_lu_page_set *set, u64 phys,
			  enum iommu_lu_page_kind kind);

void __iomem *iommu_lu_unit_regs(const struct iommu_lu_unit *unit);
u32 iommu_lu_unit_mode(const struct iommu_lu_unit *unit);
u64 iommu_lu_unit_token(const struct iommu_lu_unit *unit);
void *iommu_lu_unit_drvdata(const struct iommu_lu_unit *unit);
u64 iommu_lu_unit_root(const struct iommu_lu_unit *unit);

bool iommu_lu_rid_preserved(const struct iommu_lu_unit *unit, u16 rid);
bool iommu_lu_rid_range_preserved(const struct iommu_lu_unit *unit, u16 first,
				  u16 last);
bool iommu_lu_page_preserved(const struct iommu_lu_unit *unit, u64 phys);

int iommu_lu_decode(const void *hdr, size_t size,
		    const void *(*map)(void *ctx, u64 phys), void *ctx,
		    struct iommu_lu_handover *ho, char *err, size_t errlen);
void iommu_lu_handover_free(struct iommu_lu_handover *ho);
const struct iommu_lu_domain_ser *
iommu_lu_handover_domain(const struct iommu_lu_handover *ho, u32 id);
const struct iommu_lu_page_ser *
iommu_lu_handover_page(const struct iommu_lu_handover *ho, u64 phys);

#endif /* _IOMMU_LU_VENDOR_H */
