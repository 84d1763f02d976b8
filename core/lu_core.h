/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommu-lu core: internal structures shared by the core's files.
 */

/**
 * DOC: core internals
 *
 * The registry, all under &lu_core.lock (a mutex):
 *
 * - &struct iommu_lu_unit: one per IOMMU unit the drivers added. Holds its
 *   domain attachments (&struct lu_attach, keyed by hardware domain id) and
 *   one &struct lu_bus per bus that has a preserved or adopted requester id.
 * - &struct lu_page: every hardware page, in one hash keyed by physical
 *   address (a page table can be shared by several units).
 * - &struct lu_domain: a page table, in one hash keyed by its root; a domain
 *   used on several units has one &struct lu_attach (with its hardware id)
 *   on each.
 * - &struct lu_device: a tracked PCI device (hotplug told us about it, or a
 *   caller asked to preserve it), with the requester ids it DMAs with.
 * - &struct lu_domain: a domain some preserved device is attached to, with
 *   its page-table pages.
 * - &struct lu_page: one 4 KiB hardware page with two counts: @refs, the
 *   preserved devices that need it (page-table pages: one, held by their
 *   domain), and @arefs, the same for devices adopted from the previous
 *   kernel. KHO sees a page preserved when @refs goes 0 -> 1 and unpreserved
 *   when it goes 1 -> 0, with the same (page, 1) each time.
 *
 * Readers that must not sleep take &lu_core.lookup_lock (an IRQ-safe
 * spinlock, leaf of every other lock) instead: the map/attach checks. The
 * kexec-time shutdown takes no lock at all: other CPUs are stopped, and it
 * only reads &struct lu_bus bitmaps.
 *
 * Every registry change is mirrored at once into the serialized handover
 * (core/serialize.c), so nothing is left to do at kexec time.
 */

#ifndef _IOMMU_LU_CORE_H
#define _IOMMU_LU_CORE_H

#include "iommu_lu_seam.h"
#include "iommu_lu.h"
#include "iommu_lu_vendor.h"
#include "iommu_lu_abi.h"

#define LU_RECS_PER_BLOCK_MAX	256
#define LU_SET_MAX_PAGES	BIT(20)	/* 4 GiB of page tables */

/**
 * struct lu_slot - Where an object's record lives in the handover.
 * @blk: the block; NULL when the object has no record.
 * @idx: slot index inside the block.
 */
struct lu_slot {
	struct lu_block *blk;
	unsigned int idx;
};

/**
 * struct lu_block - In-memory view of one serialized block.
 * @node: position in its chain (chain order).
 * @free_node: on the chain's list of blocks with a free slot.
 * @ser: the preserved page.
 * @phys: its physical address.
 * @used: slots in use.
 */
struct lu_block {
	struct list_head node;
	struct list_head free_node;
	struct iommu_lu_block_ser *ser;
	u64 phys;
	DECLARE_BITMAP(used, LU_RECS_PER_BLOCK_MAX);
};

/**
 * struct lu_chain - One chain of blocks (one record kind).
 * @blocks: all blocks, in chain order.
 * @with_free: blocks that have a free slot.
 * @nr_blocks: number of blocks.
 * @nr_records: live records.
 */
struct lu_chain {
	struct list_head blocks;
	struct list_head with_free;
	unsigned int nr_blocks;
	unsigned int nr_records;
};

/**
 * struct lu_page - One preserved or adopted hardware page.
 * @node: in &lu_core.pages.
 * @phys: physical address.
 * @kind: &enum iommu_lu_page_kind.
 * @owner: unit id or domain id, as in the page record.
 * @refs: preserved users; the page is KHO-preserved and has a record while
 *	it is non-zero.
 * @arefs: adopted users (next kernel).
 * @slot: its page record.
 */
struct lu_page {
	struct hlist_node node;
	u64 phys;
	u16 kind;
	u32 owner;
	unsigned int refs;
	unsigned int arefs;
	struct lu_slot slot;
};

/**
 * struct lu_bus - Requester ids of one bus that must survive.
 * @refs: per devfn, preserved devices that DMA with that id.
 * @arefs: per devfn, adopted devices that do.
 * @preserved: devfns with @refs non-zero (read locklessly at shutdown).
 * @adopted: devfns with @arefs non-zero.
 */
struct lu_bus {
	u16 refs[256];
	u16 arefs[256];
	DECLARE_BITMAP(preserved, 256);
	DECLARE_BITMAP(adopted, 256);
};

/**
 * struct lu_domain - A page table that preserved or adopted devices use.
 * @node: in &lu_core.domains, keyed by @pgtable_phys.
 * @ptr_node: in &lu_core.domains_by_ptr, keyed by @domain (if any).
 * @domain: the caller's domain; NULL for a domain adopted from the previous
 *	kernel. The core owns the page tables of such a domain: before they are
 *	freed, every entry leading to them is cleared.
 * @owned: adopted from the previous kernel: the core owns the page tables.
 * @leak: an entry leading to the tables may still be live (a failed
 *	invalidation, a unit that went away): never free them.
 * @id: id in the handover.
 * @pgtable_phys: page-table root.
 * @levels: page-table levels.
 * @nr_devices: preserved devices attached, on every unit.
 * @nr_adopted: adopted devices attached, on every unit.
 * @pages: page-table pages (kept while the domain exists).
 * @nr_pages: number of @pages.
 * @slot: its domain record, while @nr_devices is non-zero.
 */
struct lu_domain {
	struct hlist_node node;
	struct hlist_node ptr_node;
	const struct iommu_domain *domain;
	bool owned;
	bool leak;
	u32 id;
	u64 pgtable_phys;
	u32 levels;
	unsigned int nr_devices;
	unsigned int nr_adopted;
	struct lu_page **pages;
	unsigned int nr_pages;
	struct lu_slot slot;
};

/**
 * struct lu_attach - A domain as one unit uses it.
 * @node: in &iommu_lu_unit.attach, keyed by @hw_id.
 * @dom: the domain.
 * @hw_id: its hardware domain id on this unit.
 * @nr_devices: preserved devices of this unit attached.
 * @nr_adopted: adopted devices of this unit attached.
 */
struct lu_attach {
	struct hlist_node node;
	struct lu_domain *dom;
	u32 hw_id;
	unsigned int nr_devices;
	unsigned int nr_adopted;
};

/**
 * struct lu_device - A tracked PCI device.
 * @node: in &lu_core.devices, keyed by @dev (adopted-unbound: by rid).
 * @rid_node: in &lu_core.devices_by_rid, keyed by (segment, rid).
 * @dev: the device; NULL for an adopted device not yet seen by hotplug.
 * @unit: the unit that translates for it.
 * @preserved: its entries survive the next kexec.
 * @adopted: next kernel: it still translates through the previous kernel's
 *	tables and no driver has claimed it yet. A device can be both: adopted,
 *	then preserved again for a second update without being re-attached.
 * @segment: PCI segment.
 * @nr_rids: entries in @rids.
 * @rids: own requester id first, then the DMA aliases.
 * @att: its domain on its unit, when preserved.
 * @aatt: the same, when adopted.
 * @pages: hardware pages its requester ids need, when preserved.
 * @nr_pages: number of @pages.
 * @slot: its device record, when preserved.
 * @info: what the vendor reported at preserve time.
 */
struct lu_device {
	struct hlist_node node;
	struct hlist_node rid_node;
	struct device *dev;
	struct iommu_lu_unit *unit;
	bool preserved;
	bool adopted;
	u16 segment;
	u16 nr_rids;
	u16 rids[IOMMU_LU_MAX_RIDS];
	struct lu_attach *att;
	struct lu_attach *aatt;
	struct lu_page **pages;
	unsigned int nr_pages;
	struct lu_slot slot;
	struct iommu_lu_dev_info info;
};

/**
 * struct iommu_lu_unit - An IOMMU unit known to the core.
 * @node: in &lu_core.units.
 * @desc: what the driver told us.
 * @ops: its vendor backend; NULL when none is registered.
 * @id: id in the handover.
 * @boot: what iommu_lu_unit_add() found.
 * @root_phys: root the preserved or adopted tables hang from.
 * @nr_preserved: preserved devices.
 * @nr_adopted: adopted devices not yet released.
 * @unit_pages: pages unit_preserve() reported.
 * @nr_unit_pages: number of @unit_pages.
 * @attach: hash of &struct lu_attach by hardware domain id.
 * @bus: per bus number, requester-id refcounts; NULL until needed.
 * @slot: its unit record, while it has preserved devices.
 * @cleaned: shutdown cleanup ran.
 * @leak_adopted: an adopted device's entries may still be live although it
 *	was dropped (a clear failed, or the unit went away): its PASID pages
 *	are leaked, never freed.
 */
struct iommu_lu_unit {
	struct list_head node;
	struct iommu_lu_unit_desc desc;
	const struct iommu_lu_vendor_ops *ops;
	u32 id;
	enum iommu_lu_boot_state boot;
	u64 root_phys;
	unsigned int nr_preserved;
	unsigned int nr_adopted;
	struct lu_page **unit_pages;
	unsigned int nr_unit_pages;
	DECLARE_HASHTABLE(attach, 5);
	struct lu_bus *bus[256];
	struct lu_slot slot;
	bool cleaned;
	bool leak_adopted;
};

/**
 * struct iommu_lu_page_set - Pages a vendor op reports.
 * @phys: page addresses.
 * @kind: their kinds.
 * @nr: entries used.
 * @cap: entries allocated.
 * @dedup: de-duplicate on add (unit and device sets).
 */
struct iommu_lu_page_set {
	u64 *phys;
	u16 *kind;
	unsigned int nr;
	unsigned int cap;
	bool dedup;
};

/**
 * enum lu_state - Global lifecycle state.
 * @LU_STATE_COLLECTING: preserve/unpreserve/hotplug accepted.
 * @LU_STATE_FROZEN: the update is frozen: preserve and unpreserve refused.
 */
enum lu_state {
	LU_STATE_COLLECTING,
	LU_STATE_FROZEN,
};

/**
 * enum lu_incoming_state - What retrieve found.
 * @LU_IN_UNKNOWN: retrieve did not run yet.
 * @LU_IN_NONE: no handover: a cold boot or an update without preserved IOMMU
 *	state.
 * @LU_IN_VALID: a validated handover is in &lu_core.in.
 * @LU_IN_BAD: a handover exists but is unusable: every unit is blocked.
 */
enum lu_incoming_state {
	LU_IN_UNKNOWN,
	LU_IN_NONE,
	LU_IN_VALID,
	LU_IN_BAD,
};

/**
 * struct lu_core - All core state (one instance, &lu).
 * @lock: serializes every registry change.
 * @lookup_lock: protects the lookup hashes for non-sleeping readers.
 * @vendors: registered backends, by vendor.
 * @units: all units.
 * @devices: tracked devices by &struct device pointer.
 * @devices_by_rid: tracked devices by (segment, rid).
 * @pages: every preserved or adopted hardware page, by physical address.
 * @domains: every domain, by page-table root.
 * @domains_by_ptr: preserved domains by caller domain pointer.
 * @nr_kept_domains: entries in @domains_by_ptr (the map path's fast check).
 * @state: &enum lu_state.
 * @no_handover: the reboot under way hands nothing over (a kexec without
 *	KHO, a reboot, a power off): shutdown leaves every unit to its driver.
 * @reading: the holder of @lock only reads (debugfs, domain id walks): a
 *	CPU stopped while holding it leaves the handover consistent.
 * @in_state: &enum lu_incoming_state.
 * @in: the validated incoming handover.
 * @hdr: our outgoing header page (KHO subtree blob); NULL while empty.
 * @chains: outgoing record chains, by &enum iommu_lu_rec_kind.
 * @next_unit_id: next unit id to hand out.
 * @next_domain_id: next domain id to hand out.
 */
struct lu_core {
	struct mutex lock;		/* registry, handover */
	spinlock_t lookup_lock;		/* lookup hashes, for atomic readers */
	const struct iommu_lu_vendor_ops *vendors[IOMMU_LU_VENDOR_NR];
	struct list_head units;
	DECLARE_HASHTABLE(devices, 10);
	DECLARE_HASHTABLE(devices_by_rid, 10);
	DECLARE_HASHTABLE(pages, 12);
	DECLARE_HASHTABLE(domains, 8);
	DECLARE_HASHTABLE(domains_by_ptr, 6);
	unsigned int nr_kept_domains;
	enum lu_state state;
	bool no_handover;
	bool reading;
	enum lu_incoming_state in_state;
	struct iommu_lu_handover in;
	struct iommu_lu_header_ser *hdr;
	struct lu_chain chains[IOMMU_LU_REC_NR];
	u32 next_unit_id;
	u32 next_domain_id;
};

extern struct lu_core lu;

/* core/registry.c */
void lu_core_init(void);
struct lu_page *lu_page_find(u64 phys);
struct lu_domain *lu_domain_find(u64 pgtable_phys);
void lu_domain_link(struct lu_domain *dom);
void lu_domain_unlink(struct lu_domain *dom);
struct lu_device *lu_device_find(struct device *dev);
struct lu_device *lu_device_find_rid(u16 segment, u16 rid);
void lu_device_unpreserve_one(struct lu_device *ld);
void lu_device_drop_adoption(struct lu_device *ld, bool clear_hw, bool leak);
void lu_page_forget_adopted(struct lu_page *p, bool free_mem);
void lu_device_free(struct lu_device *ld);
int lu_adopt_unit(struct iommu_lu_unit *unit,
		  const struct iommu_lu_unit_ser *rec);
void lu_unit_release_adopted_pages(struct iommu_lu_unit *unit,
				   unsigned int *to_driver,
				   unsigned int *freed);
void lu_unit_block(struct iommu_lu_unit *unit, const char *why);

/* core/serialize.c */
int lu_ser_alloc(enum iommu_lu_rec_kind kind, struct lu_slot *slot);
void *lu_ser_rec(const struct lu_slot *slot);
void lu_ser_publish(enum iommu_lu_rec_kind kind, const struct lu_slot *slot);
void lu_ser_free(enum iommu_lu_rec_kind kind, struct lu_slot *slot);
void lu_ser_set_hdr_flags(u32 set, u32 clear);
size_t lu_ser_dump(void *buf, size_t len);

/* core/decode.c */
extern const size_t lu_rec_size[IOMMU_LU_REC_NR];

/* core/lifecycle.c */
int lu_retrieve_locked(void);

/**
 * lu_page_kind_pasid() - Does a page of this kind hold PASID structures?
 * @kind: &enum iommu_lu_page_kind.
 *
 * Return: true for a PASID directory or table.
 */
static inline bool lu_page_kind_pasid(u16 kind)
{
	return kind == IOMMU_LU_PAGE_PASID_DIR ||
	       kind == IOMMU_LU_PAGE_PASID_TABLE;
}

/**
 * lu_lock_read() - Take &lu_core.lock to read only.
 *
 * For readers (debugfs): a kexec that stops this CPU while it holds the
 * lock leaves the handover consistent, so the shutdown still vouches for it.
 */
static inline void lu_lock_read(void)
{
	mutex_lock(&lu.lock);
	WRITE_ONCE(lu.reading, true);
}

/**
 * lu_unlock_read() - Release &lu_core.lock taken by lu_lock_read().
 */
static inline void lu_unlock_read(void)
{
	WRITE_ONCE(lu.reading, false);
	mutex_unlock(&lu.lock);
}

#endif /* _IOMMU_LU_CORE_H */
