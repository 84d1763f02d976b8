// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-lu core: the live-update lifecycle.
 */

/**
 * DOC: lifecycle and failure policy
 *
 * Old kernel, happy path:
 *
 * 1. Boot: each vendor backend registers (core_initcall); each IOMMU driver
 *    adds its units with iommu_lu_unit_add() as it initializes them.
 * 2. Collect: hotplug tells the core of devices coming and going
 *    (iommu_lu_device_added(), iommu_lu_device_removed()); the owner of a
 *    caller-owned domain (VFIO/iommufd) preserves devices
 *    (iommu_lu_preserve_devices()) and may unpreserve them. Every change is
 *    serialized at once into KHO-preserved blocks.
 * 3. Freeze (iommu_lu_freeze()): preserve and unpreserve are refused with
 *    -EBUSY from now on. A kexec freezes the update by itself: the core's
 *    reboot notifier runs after liveupdate_reboot() and before device
 *    shutdown, the last point where sleeping is allowed. An orchestrator may
 *    freeze earlier (LUO's freeze step); freezing twice is harmless;
 *    hotplug removal still unpreserves (a device that is gone cannot be
 *    handed over). iommu_lu_unfreeze() cancels.
 * 4. kexec: liveupdate_reboot(), device shutdown, syscore shutdown,
 *    machine_shutdown(), then the IOMMU driver's shutdown calls
 *    iommu_lu_unit_shutdown() per unit with other CPUs stopped. For a unit
 *    with preserved devices the backend clears every entry that is not
 *    preserved, drops root entries that lead only to unpreserved tables,
 *    invalidates the caches and leaves translation on; the unit record is
 *    marked %IOMMU_LU_UNIT_CLEANED. This step allocates nothing, takes no
 *    lock, makes no KHO call and cannot fail. Units without preserved
 *    devices are left to the driver, which disables translation as always.
 *
 * Next kernel, happy path:
 *
 * 5. Retrieve (on the first iommu_lu_unit_add(), or iommu_lu_retrieve()):
 *    find the KHO subtree, restore and validate the whole handover
 *    (iommu_lu_decode()), then restore every hardware page it declares.
 *    Nothing touches hardware before all of that succeeded.
 * 6. Adopt: iommu_lu_unit_add() finds the unit's record; the backend checks
 *    the live hardware against it and adopts the tables in place.
 *    Translation stays on; the driver reserves the preserved domain ids
 *    (iommu_lu_unit_domain_ids()) and leaves the adopted requester
 *    ids (iommu_lu_rid_adopted()) alone: preserved devices keep DMAing
 *    through their old translation.
 * 7. Release: when a driver attaches an adopted device for real it replaces
 *    its entries and calls iommu_lu_release_device(). A device may instead
 *    be preserved again, untouched, for a further update.
 * 8. Finish (iommu_lu_finish()): entries of adopted devices nobody claimed
 *    are cleared and their page tables freed; root and context tables now
 *    belong to the driver; pages preserved again stay preserved. A summary
 *    says who owns what.
 *
 * Unhappy paths and the failure policy: never take a path that turns
 * translation off while a device may still DMA, because that gives the
 * device all of memory.
 *
 * - A preserve that fails is rolled back completely; the caller sees the
 *   error and the registry, KHO and the handover are as before the call.
 * - Freeze cannot fail. Shutdown cannot fail: what could fail was done at
 *   preserve time.
 * - No handover, or no record for a unit: the unit is FRESH and its driver
 *   proceeds exactly as it always did (the kdump path included).
 * - A handover that fails validation, a declared page KHO cannot restore, a
 *   unit whose record was not cleaned, whose mode differs from the driver's,
 *   or whose hardware contradicts its record: the unit is BLOCKED. Its
 *   backend points it at a new, empty root table with translation on, so
 *   every DMA faults, and the previous kernel's pages are leaked. This is
 *   logged at emergency level: devices that were preserved lose DMA, but
 *   nothing reaches memory it should not. If even the empty root cannot be
 *   allocated, the core panics: neither leaving unvalidated tables live nor
 *   turning translation off is acceptable.
 * - A unit of a vendor whose backend cannot preserve is left to its driver
 *   (FRESH), with an error if the handover names it.
 */

#define pr_fmt(fmt) "iommu-lu: " fmt

#include "lu_core.h"

/**
 * iommu_lu_freeze() - Freeze the update: no more preserve or unpreserve.
 *
 * Return: 0. Cannot fail: everything the handover needs is already written.
 */
int iommu_lu_freeze(void)
{
	mutex_lock(&lu.lock);
	/* A reboot that hands nothing over is under way: nothing to freeze. */
	if (lu.no_handover) {
		mutex_unlock(&lu.lock);
		return 0;
	}
	WRITE_ONCE(lu.state, LU_STATE_FROZEN);
	lu_ser_set_hdr_flags(IOMMU_LU_HDR_FROZEN, 0);
	mutex_unlock(&lu.lock);
	pr_info("frozen\n");
	return 0;
}
EXPORT_SYMBOL_GPL(iommu_lu_freeze);

/**
 * iommu_lu_unfreeze() - Cancel a freeze: preserve and unpreserve work again.
 */
void iommu_lu_unfreeze(void)
{
	mutex_lock(&lu.lock);
	WRITE_ONCE(lu.state, LU_STATE_COLLECTING);
	lu_ser_set_hdr_flags(0, IOMMU_LU_HDR_FROZEN);
	mutex_unlock(&lu.lock);
	pr_info("unfrozen\n");
}
EXPORT_SYMBOL_GPL(iommu_lu_unfreeze);

/*
 * kexec_file_load() with KHO enabled (kho_fill_kimage()) gives the image
 * KHO's FDT and scratch areas; kexec_load() never does, and the next kernel
 * would then find no handover.
 */
static bool lu_kexec_carries_kho(void)
{
	return kexec_in_progress && kexec_image && kexec_image->kho.fdt &&
	       kexec_image->kho.scratch;
}

/*
 * kernel_kexec() sets kexec_in_progress, then kernel_restart_prepare() calls
 * the reboot notifiers, then device_shutdown(): from here on the update is
 * frozen, and pci_device_shutdown() keeps preserved devices mastering
 * (iommu_lu_pci_keep_master()). A kexec without KHO, a reboot or a power
 * off hands nothing over: every device is stopped and every unit turned
 * off by its driver, as without iommu-lu.
 */
static int lu_reboot_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	if (lu_kexec_carries_kho()) {
		iommu_lu_freeze();
		return NOTIFY_DONE;
	}
	mutex_lock(&lu.lock);
	WRITE_ONCE(lu.no_handover, true);
	WRITE_ONCE(lu.state, LU_STATE_COLLECTING);
	if (lu.hdr)
		pr_warn("%s without KHO: nothing is handed over, preserved devices are stopped\n",
			kexec_in_progress ? "kexec" : "reboot");
	mutex_unlock(&lu.lock);
	return NOTIFY_DONE;
}

static struct notifier_block lu_reboot_nb = {
	.notifier_call = lu_reboot_notify,
};

static int __init iommu_lu_reboot_init(void)
{
	return register_reboot_notifier(&lu_reboot_nb);
}
late_initcall(iommu_lu_reboot_init);

/**
 * iommu_lu_unit_shutdown() - kexec-time cleanup of one unit.
 * @unit: the unit; NULL or an ERR_PTR is ignored.
 *
 * Called by the IOMMU driver's shutdown with other CPUs stopped and
 * interrupts off. Allocates nothing, takes no lock, makes no KHO call and
 * cannot fail.
 *
 * Return: true when the unit has preserved devices: its backend cleaned it
 * up and the driver must leave translation on; false when the driver should
 * shut the unit down as usual.
 */
bool iommu_lu_unit_shutdown(struct iommu_lu_unit *unit)
{
	if (IS_ERR_OR_NULL(unit))
		return false;
	if (!unit->nr_preserved || !unit->ops || READ_ONCE(lu.no_handover)) {
		pr_debug("unit %#llx: shutdown: nothing preserved, left to the driver\n",
			 unit->desc.token);
		return false;
	}
	pr_debug("unit %#llx: shutdown cleanup: %u devices preserved, %u adopted, root %#llx, %s\n",
		 unit->desc.token, unit->nr_preserved, unit->nr_adopted,
		 unit->root_phys, unit->ops->name);
	unit->ops->shutdown(unit);
	/*
	 * A CPU stopped in the middle of a registry update may have left the
	 * handover torn: clean the hardware anyway, but do not vouch for it;
	 * the next kernel will then block the unit rather than trust it.
	 */
	if (mutex_is_locked(&lu.lock) && !READ_ONCE(lu.reading)) {
		pr_emerg("unit %#llx: registry update in flight at shutdown: handover not marked clean\n",
			 unit->desc.token);
		return true;
	}
	unit->cleaned = true;
	((struct iommu_lu_unit_ser *)lu_ser_rec(&unit->slot))->flags |=
		IOMMU_LU_UNIT_CLEANED;
	lu_ser_set_hdr_flags(IOMMU_LU_HDR_FROZEN, 0);
	pr_info("unit %#llx: shutdown cleanup done, %u devices preserved, translation left on\n",
		unit->desc.token, unit->nr_preserved);
	return true;
}
EXPORT_SYMBOL_GPL(iommu_lu_unit_shutdown);

/* ---------------------------------------------------------------------- */
/* Next kernel                                                              */

/**
 * iommu_lu_handover_present() - Did the previous kernel hand IOMMU state over?
 *
 * For an IOMMU driver deciding, early in boot, whether it may turn
 * translation off (``intel_iommu=off``, an ignored unit): with a handover,
 * preserved devices may be DMAing through the tables the previous kernel
 * left, and turning translation off would let them reach all of memory.
 * Only looks for the handover; validates and restores nothing.
 *
 * Return: true when this is a KHO boot carrying an iommu-lu handover.
 */
bool iommu_lu_handover_present(void)
{
	phys_addr_t phys;
	size_t size;

	return is_kho_boot() &&
	       !kho_retrieve_subtree(IOMMU_LU_KHO_NAME, &phys, &size);
}
EXPORT_SYMBOL_GPL(iommu_lu_handover_present);

struct lu_restore_ctx {
	u64 *phys;		/* block pages restored, freed after decoding */
	unsigned int nr;
	unsigned int cap;
};

static const void *lu_restore_map(void *data, u64 phys)
{
	struct lu_restore_ctx *ctx = data;

	if (ctx->nr == ctx->cap) {
		unsigned int cap = ctx->cap ? ctx->cap * 2 : 16;
		u64 *p = krealloc_array(ctx->phys, cap, sizeof(*p), GFP_KERNEL);

		if (!p)
			return NULL;
		ctx->phys = p;
		ctx->cap = cap;
	}
	if (!kho_restore_pages(phys, 1))
		return NULL;
	ctx->phys[ctx->nr++] = phys;
	return phys_to_virt(phys);
}

static void lu_free_phys_page(u64 phys)
{
	free_page((unsigned long)phys_to_virt(phys));
}

/**
 * lu_retrieve_locked() - Find, restore and validate the incoming handover.
 *
 * Runs once. Sets &lu_core.in_state; on success &lu_core.in holds the
 * handover and every hardware page it declares is restored.
 *
 * Context: &lu_core.lock held.
 * Return: 0 (including "no handover"), or the error that made it BAD.
 */
int lu_retrieve_locked(void)
{
	struct lu_restore_ctx ctx = { };
	char err[160];
	size_t size = 0;
	phys_addr_t phys;
	unsigned int i;
	int ret;

	lockdep_assert_held(&lu.lock);
	if (lu.in_state != LU_IN_UNKNOWN)
		return lu.in_state == LU_IN_BAD ? -EINVAL : 0;

	if (!is_kho_boot()) {
		lu.in_state = LU_IN_NONE;
		return 0;
	}
	ret = kho_retrieve_subtree(IOMMU_LU_KHO_NAME, &phys, &size);
	if (ret == -ENOENT) {
		lu.in_state = LU_IN_NONE;
		pr_info("no handover from the previous kernel\n");
		return 0;
	}
	if (ret) {
		pr_emerg("cannot retrieve the handover: %d\n", ret);
		goto bad;
	}
	pr_debug("retrieve: handover header at %#llx, %zu bytes\n",
		 (unsigned long long)phys, size);
	if (size < sizeof(struct iommu_lu_header_ser) ||
	    size > IOMMU_LU_BLOCK_SIZE || !IS_ALIGNED(phys, PAGE_SIZE) ||
	    !lu_restore_map(&ctx, phys)) {
		pr_emerg("handover header at %#llx (%zu bytes) cannot be restored\n",
			 (unsigned long long)phys, size);
		ret = -EINVAL;
		goto bad;
	}

	ret = iommu_lu_decode(phys_to_virt(phys), size, lu_restore_map, &ctx,
			      &lu.in, err, sizeof(err));
	if (ret) {
		pr_emerg("invalid handover: %s\n", ret == -EINVAL ? err : "out of memory");
		goto bad;
	}
	pr_debug("retrieve: %u pages of records decoded (generation %llu, flags %#x), restoring %u hardware pages\n",
		 ctx.nr, (unsigned long long)lu.in.hdr.generation, lu.in.hdr.flags,
		 lu.in.nr_pages);

	for (i = 0; i < lu.in.nr_pages; i++) {
		if (!kho_restore_pages(lu.in.pages[i].phys, 1)) {
			pr_emerg("handover page %#llx not preserved; %u restored pages leaked\n",
				 (unsigned long long)lu.in.pages[i].phys, i);
			iommu_lu_handover_free(&lu.in);
			ret = -EINVAL;
			goto bad;
		}
	}

	/* The records are copied out: the blocks are no longer needed. */
	for (i = 0; i < ctx.nr; i++)
		lu_free_phys_page(ctx.phys[i]);
	kfree(ctx.phys);
	lu.in_state = LU_IN_VALID;
	pr_info("handover retrieved: %u units, %u domains, %u devices, %u pages\n",
		lu.in.nr_units, lu.in.nr_domains, lu.in.nr_devices,
		lu.in.nr_pages);
	return 0;

bad:
	/* Failure policy: leak what was restored, block every unit. */
	kfree(ctx.phys);
	lu.in_state = LU_IN_BAD;
	return ret;
}

/**
 * iommu_lu_retrieve() - Retrieve the incoming handover now.
 *
 * Optional: iommu_lu_unit_add() retrieves on first use. Idempotent.
 *
 * Return: 0 (a valid handover, or none), -EINVAL (the handover is bad:
 * every unit added will be blocked).
 */
int iommu_lu_retrieve(void)
{
	int ret;

	mutex_lock(&lu.lock);
	ret = lu_retrieve_locked();
	mutex_unlock(&lu.lock);
	return ret;
}
EXPORT_SYMBOL_GPL(iommu_lu_retrieve);

/**
 * lu_unit_block() - Failure policy for a unit: block all DMA, leak the old
 *	tables.
 * @unit: the unit.
 * @why: what went wrong.
 *
 * Context: &lu_core.lock held. Panics when the backend cannot block.
 */
void lu_unit_block(struct iommu_lu_unit *unit, const char *why)
{
	int ret;

	lockdep_assert_held(&lu.lock);
	pr_emerg("unit %#llx: %s: all DMA blocked (empty root, translation on), old tables leaked\n",
		 unit->desc.token, why);
	if (unit->desc.drv_ops && unit->desc.drv_ops->block_all)
		ret = unit->desc.drv_ops->block_all(unit->desc.drvdata);
	else
		ret = unit->ops->block_all(unit);
	if (ret)
		panic("iommu-lu: unit %#llx: cannot block DMA (%d)\n",
		      unit->desc.token, ret);
	unit->boot = IOMMU_LU_UNIT_BLOCKED;
}

static const struct iommu_lu_unit_ser *lu_in_unit(const struct iommu_lu_unit_desc *desc)
{
	u32 i;

	for (i = 0; i < lu.in.nr_units; i++)
		if (lu.in.units[i].vendor == desc->vendor &&
		    lu.in.units[i].token == desc->token)
			return &lu.in.units[i];
	return NULL;
}

static void lu_unit_boot(struct iommu_lu_unit *unit)
{
	const struct iommu_lu_unit_ser *rec;
	int ret;

	lockdep_assert_held(&lu.lock);
	unit->boot = IOMMU_LU_UNIT_FRESH;
	lu_retrieve_locked();
	if (lu.in_state == LU_IN_NONE)
		return;

	if (!unit->ops || !(unit->ops->caps & IOMMU_LU_CAP_PRESERVE)) {
		if (lu.in_state == LU_IN_BAD || lu_in_unit(&unit->desc))
			pr_err("unit %#llx: in the handover, but no backend to adopt it\n",
			       unit->desc.token);
		return;
	}
	if (lu.in_state == LU_IN_BAD) {
		lu_unit_block(unit, "bad handover");
		return;
	}
	rec = lu_in_unit(&unit->desc);
	if (!rec)
		return;
	if (rec->segment != unit->desc.segment) {
		lu_unit_block(unit, "the handover's PCI segment differs from the driver's");
		return;
	}
	if (!(rec->flags & IOMMU_LU_UNIT_CLEANED)) {
		lu_unit_block(unit, "the previous kernel did not run its shutdown cleanup");
		return;
	}
	if (rec->mode != unit->desc.mode) {
		lu_unit_block(unit, "the handover's mode differs from the driver's");
		return;
	}
	pr_debug("unit %#llx: adopt: record %u, %u devices, root %#llx, mode %u\n",
		 unit->desc.token, rec->id, rec->nr_devices,
		 rec->root_phys, rec->mode);
	ret = unit->ops->adopt(unit, &lu.in, rec);
	if (ret) {
		lu_unit_block(unit, "the hardware does not match the handover");
		return;
	}
	ret = lu_adopt_unit(unit, rec);
	if (ret) {
		lu_unit_block(unit, "out of memory while adopting");
		return;
	}
	unit->boot = IOMMU_LU_UNIT_ADOPTED;
	pr_info("unit %#llx adopted: %u devices keep their translation\n",
		unit->desc.token, unit->nr_adopted);
}

/**
 * iommu_lu_unit_add() - An IOMMU driver describes a unit it initializes.
 * @desc: the unit; copied.
 * @state: out: what the driver must do with it (&enum iommu_lu_boot_state).
 *
 * Call early in the driver's init, after its invalidation interface is up
 * and before it decides whether to disable translation a previous kernel
 * left on. In a kernel booted by a live update this retrieves the handover,
 * and adopts or blocks the unit (see the failure policy).
 *
 * Return: the unit, or ERR_PTR(-EINVAL) (bad descriptor), ERR_PTR(-EEXIST)
 * (unit added twice), ERR_PTR(-ENOMEM). On error *@state is FRESH.
 */
struct iommu_lu_unit *iommu_lu_unit_add(const struct iommu_lu_unit_desc *desc,
					enum iommu_lu_boot_state *state)
{
	struct iommu_lu_unit *unit, *u;

	if (state)
		*state = IOMMU_LU_UNIT_FRESH;
	if (!desc || desc->vendor == IOMMU_LU_VENDOR_NONE ||
	    desc->vendor >= IOMMU_LU_VENDOR_NR || !desc->regs ||
	    !desc->iommu_dev)
		return ERR_PTR(-EINVAL);

	unit = kzalloc_obj(*unit);
	if (!unit)
		return ERR_PTR(-ENOMEM);
	unit->desc = *desc;
	hash_init(unit->attach);

	mutex_lock(&lu.lock);
	list_for_each_entry(u, &lu.units, node) {
		if (u->desc.vendor == desc->vendor && u->desc.token == desc->token) {
			mutex_unlock(&lu.lock);
			kfree(unit);
			return ERR_PTR(-EEXIST);
		}
	}
	unit->ops = lu.vendors[desc->vendor];
	unit->id = lu.next_unit_id++;
	list_add_tail(&unit->node, &lu.units);
	lu_unit_boot(unit);
	if (unit->boot == IOMMU_LU_UNIT_FRESH)
		pr_info("unit %#llx (%s, segment %u) added: fresh, no handover for it\n",
			desc->token, unit->ops ? unit->ops->name : "no backend",
			desc->segment);
	if (state)
		*state = unit->boot;
	mutex_unlock(&lu.lock);
	return unit;
}
EXPORT_SYMBOL_GPL(iommu_lu_unit_add);

/**
 * iommu_lu_unit_remove() - The driver gives a unit up.
 * @unit: the unit; NULL or an ERR_PTR is ignored.
 *
 * Its preserved devices are unpreserved, its adopted state is dropped
 * without touching the hardware, and it is forgotten.
 */
void iommu_lu_unit_remove(struct iommu_lu_unit *unit)
{
	struct lu_device *ld;
	struct hlist_node *tmp;
	unsigned int bkt, b;

	if (IS_ERR_OR_NULL(unit))
		return;
	mutex_lock(&lu.lock);
	hash_for_each_safe(lu.devices_by_rid, bkt, tmp, ld, rid_node) {
		if (ld->unit != unit)
			continue;
		lu_device_unpreserve_one(ld);
		/* Entries stay live while the unit goes away: leak, never free. */
		lu_device_drop_adoption(ld, false, true);
		lu_device_free(ld);
	}
	lu_unit_release_adopted_pages(unit, NULL, NULL);
	list_del(&unit->node);
	mutex_unlock(&lu.lock);
	for (b = 0; b < ARRAY_SIZE(unit->bus); b++)
		kfree(unit->bus[b]);
	kfree(unit);
}
EXPORT_SYMBOL_GPL(iommu_lu_unit_remove);

/**
 * iommu_lu_unit_domain_ids() - Hardware domain ids to reserve.
 * @unit: an adopted unit.
 * @fn: called for each domain id the adopted or preserved state uses; a
 *	non-zero return stops the walk and is returned.
 * @data: passed to @fn.
 *
 * Return: 0, or the first non-zero return of @fn.
 */
int iommu_lu_unit_domain_ids(struct iommu_lu_unit *unit,
			     iommu_lu_domain_id_fn fn, void *data)
{
	struct lu_attach *att;
	unsigned int bkt;
	int ret = 0;

	if (IS_ERR_OR_NULL(unit))
		return 0;
	lu_lock_read();
	hash_for_each(unit->attach, bkt, att, node) {
		ret = fn(att->hw_id, data);
		if (ret)
			break;
	}
	lu_unlock_read();
	return ret;
}
EXPORT_SYMBOL_GPL(iommu_lu_unit_domain_ids);

/**
 * iommu_lu_rid_adopted() - Does an adopted device still use this id?
 * @unit: the unit.
 * @rid: requester id.
 *
 * The driver must leave the entry of such an id alone (not hide it, not
 * rewrite it) until the device is attached for real.
 *
 * Return: true while an adopted, unreleased device DMAs with @rid.
 */
bool iommu_lu_rid_adopted(struct iommu_lu_unit *unit, u16 rid)
{
	const struct lu_bus *b;

	if (IS_ERR_OR_NULL(unit))
		return false;
	b = READ_ONCE(unit->bus[rid >> 8]);
	return b && test_bit(rid & 0xff, b->adopted);
}
EXPORT_SYMBOL_GPL(iommu_lu_rid_adopted);

/**
 * iommu_lu_release_device() - A driver took an adopted device over.
 * @dev: the device, whose entries the driver has just replaced.
 *
 * The device stops holding the adopted tables; page-table pages nobody
 * uses any more are freed. Releasing a device that is not adopted does
 * nothing. Drivers attach devices before the hotplug walk reports them
 * (core/hotplug.c): an adopted device is bound here first.
 */
void iommu_lu_release_device(struct device *dev)
{
	struct lu_device *ld;

	if (!dev)
		return;
	iommu_lu_device_added(dev);
	mutex_lock(&lu.lock);
	ld = lu_device_find(dev);
	if (ld && ld->adopted) {
		pr_debug("%s released by its driver: unit %#llx, %u requester ids, DID %u, %s\n",
			 dev_name(dev), ld->unit->desc.token, ld->nr_rids,
			 ld->aatt->hw_id,
			 ld->preserved ? "preserved again" : "no longer tracked");
		lu_device_drop_adoption(ld, false, false);
		pr_debug("unit %#llx: %u adopted devices left\n",
			 ld->unit->desc.token, ld->unit->nr_adopted);
		if (!ld->preserved)
			lu_device_free(ld);
	}
	mutex_unlock(&lu.lock);
}
EXPORT_SYMBOL_GPL(iommu_lu_release_device);

/**
 * iommu_lu_finish() - End the update: release what nobody claimed.
 *
 * Adopted devices no driver claimed have their entries cleared and their
 * page tables freed; devices preserved again keep theirs. Root and context
 * tables become the driver's; adopted PASID directories and tables nobody
 * preserved again are freed. Prints who owns which pages afterwards.
 */
void iommu_lu_finish(void)
{
	unsigned int freed_before = 0, to_driver = 0, still = 0, cleared = 0;
	unsigned int pasid_freed = 0;
	struct iommu_lu_unit *unit;
	struct lu_device *ld;
	struct hlist_node *tmp;
	unsigned int bkt, i;

	mutex_lock(&lu.lock);
	if (lu.in_state != LU_IN_VALID) {
		mutex_unlock(&lu.lock);
		return;
	}
	hash_for_each_safe(lu.devices_by_rid, bkt, tmp, ld, rid_node) {
		if (!ld->adopted)
			continue;
		if (!ld->preserved)
			cleared++;
		pr_debug("finish: %04x:%02x:%02x.%d (unit %#llx, DID %u, %u requester ids): %s\n",
			 ld->segment, PCI_BUS_NUM(ld->rids[0]),
			 PCI_SLOT(ld->rids[0] & 0xff), PCI_FUNC(ld->rids[0] & 0xff),
			 ld->unit->desc.token, ld->aatt->hw_id, ld->nr_rids,
			 ld->preserved ? "preserved again, kept" :
			 "nobody claimed it, entries cleared");
		lu_device_drop_adoption(ld, true, false);
		if (!ld->preserved && !ld->dev)
			lu_device_free(ld);
	}
	/*
	 * Only now, with every adopted entry replaced or cleared (and the
	 * caches invalidated), may the PASID pages they reached be freed.
	 */
	list_for_each_entry(unit, &lu.units, node) {
		unsigned int before = to_driver, pbefore = pasid_freed;

		lu_unit_release_adopted_pages(unit, &to_driver, &pasid_freed);
		pr_debug("finish: unit %#llx: %u root/context pages handed to the driver, %u PASID pages freed%s, %u devices preserved\n",
			 unit->desc.token, to_driver - before,
			 pasid_freed - pbefore,
			 unit->leak_adopted ? " (others leaked: entries may be live)" : "",
			 unit->nr_preserved);
	}

	/* Units the handover named that no driver added: leaked, loudly. */
	for (i = 0; i < lu.in.nr_units; i++) {
		bool found = false;

		list_for_each_entry(unit, &lu.units, node)
			if (unit->desc.vendor == lu.in.units[i].vendor &&
			    unit->desc.token == lu.in.units[i].token)
				found = true;
		if (!found) {
			pr_err("unit %#llx of the handover never appeared: pages leaked\n",
			       lu.in.units[i].token);
			freed_before++;
		}
	}
	{
		struct lu_page *p;

		hash_for_each(lu.pages, bkt, p, node)
			if (p->refs)
				still++;
	}
	iommu_lu_handover_free(&lu.in);
	lu.in_state = LU_IN_NONE;
	mutex_unlock(&lu.lock);
	pr_info("finish: %u unclaimed devices cleared, %u root/context pages now the driver's, %u PASID pages freed, %u pages preserved for the next update, %u units leaked\n",
		cleared, to_driver, pasid_freed, still, freed_before);
}
EXPORT_SYMBOL_GPL(iommu_lu_finish);
