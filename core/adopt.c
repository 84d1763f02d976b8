// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-lu core: rebuilding the registry from an adopted handover.
 */

/**
 * DOC: adoption
 *
 * Once a backend has checked a unit's live hardware against its record,
 * lu_adopt_unit() rebuilds the registry for it: every page the record owns
 * becomes a registry page held by the adoption (@arefs), every domain an
 * adopted &struct lu_domain without a caller domain, every device an
 * adopted &struct lu_device bound to no &struct device yet (hotplug or
 * probe binds it by requester id). The next update can then preserve these
 * devices again through the ordinary preserve path, and their pages are
 * preserved with KHO like any others.
 *
 * An allocation failure here forgets everything built so far without
 * touching the pages (they stay in use by the hardware until the caller
 * blocks the unit, and are then leaked, as the failure policy says).
 */

#define pr_fmt(fmt) "iommu-lu: " fmt

#include "lu_core.h"

static struct lu_page *lu_page_adopt(struct iommu_lu_unit *unit, u64 phys,
				     u16 kind, u32 owner)
{
	struct lu_page *p;

	p = kzalloc_obj(*p);
	if (!p)
		return NULL;
	p->phys = phys;
	p->kind = kind;
	p->owner = owner;
	p->arefs = 1;
	hash_add(unit->pages, &p->node, phys >> PAGE_SHIFT);
	return p;
}

/* Forget the registry state of an adoption that could not complete. */
static void lu_adopt_abort(struct iommu_lu_unit *unit)
{
	struct lu_device *ld;
	struct lu_domain *dom;
	struct lu_page *p;
	struct hlist_node *tmp;
	unsigned int bkt, b;

	hash_for_each_safe(lu.devices_by_rid, bkt, tmp, ld, rid_node) {
		if (ld->unit != unit)
			continue;
		ld->adopted = false;
		lu_device_free(ld);
	}
	hash_for_each_safe(unit->domains, bkt, tmp, dom, node) {
		hash_del(&dom->node);
		kfree(dom->pages);
		kfree(dom);
	}
	hash_for_each_safe(unit->pages, bkt, tmp, p, node) {
		hash_del(&p->node);
		kfree(p);
	}
	for (b = 0; b < ARRAY_SIZE(unit->bus); b++) {
		kfree(unit->bus[b]);
		unit->bus[b] = NULL;
	}
	unit->nr_adopted = 0;
	unit->root_phys = 0;
}

static int lu_adopt_domains(struct iommu_lu_unit *unit,
			    const struct iommu_lu_unit_ser *rec,
			    struct lu_domain **doms)
{
	const struct iommu_lu_handover *ho = &lu.in;
	u32 i;

	for (i = 0; i < ho->nr_domains; i++) {
		const struct iommu_lu_domain_ser *d = &ho->domains[i];
		struct lu_domain *dom;

		if (d->unit_id != rec->id)
			continue;
		dom = kzalloc_obj(*dom);
		if (!dom)
			return -ENOMEM;
		dom->pages = kcalloc(d->nr_pages, sizeof(*dom->pages),
				     GFP_KERNEL);
		if (!dom->pages) {
			kfree(dom);
			return -ENOMEM;
		}
		dom->unit = unit;
		dom->id = lu.next_domain_id++;
		dom->hw_id = d->hw_id;
		dom->pgtable_phys = d->pgtable_phys;
		dom->levels = d->levels;
		hash_add(unit->domains, &dom->node, dom->hw_id);
		doms[i] = dom;
	}
	return 0;
}

static int lu_adopt_pages(struct iommu_lu_unit *unit,
			  const struct iommu_lu_unit_ser *rec,
			  struct lu_domain **doms)
{
	const struct iommu_lu_handover *ho = &lu.in;
	u32 i;

	for (i = 0; i < ho->nr_pages; i++) {
		const struct iommu_lu_page_ser *pr = &ho->pages[i];
		struct lu_domain *dom = NULL;
		struct lu_page *p;

		if (pr->kind == IOMMU_LU_PAGE_PGTABLE) {
			dom = doms[iommu_lu_handover_domain(ho, pr->owner) -
				   ho->domains];
			if (!dom)
				continue;	/* another unit's domain */
		} else if (pr->owner != rec->id) {
			continue;
		}
		p = lu_page_adopt(unit, pr->phys, pr->kind,
				  dom ? dom->id : unit->id);
		if (!p)
			return -ENOMEM;
		if (dom)
			dom->pages[dom->nr_pages++] = p;
	}
	return 0;
}

static int lu_adopt_devices(struct iommu_lu_unit *unit,
			    const struct iommu_lu_unit_ser *rec,
			    struct lu_domain **doms)
{
	const struct iommu_lu_handover *ho = &lu.in;
	unsigned int b;
	u32 i;

	for (i = 0; i < ho->nr_devices; i++) {
		const struct iommu_lu_device_ser *dv = &ho->devices[i];
		struct lu_device *ld;

		if (dv->unit_id != rec->id)
			continue;
		ld = kzalloc_obj(*ld);
		if (!ld)
			return -ENOMEM;
		ld->unit = unit;
		ld->segment = dv->segment;
		ld->nr_rids = dv->nr_rids;
		memcpy(ld->rids, dv->rids, sizeof(ld->rids));
		ld->adomain = doms[iommu_lu_handover_domain(ho, dv->domain_id) -
				   ho->domains];
		for (b = 0; b < ld->nr_rids; b++) {
			if (unit->bus[ld->rids[b] >> 8])
				continue;
			unit->bus[ld->rids[b] >> 8] =
				kzalloc_obj(struct lu_bus);
			if (!unit->bus[ld->rids[b] >> 8]) {
				kfree(ld);
				return -ENOMEM;
			}
		}
		hash_add(lu.devices_by_rid, &ld->rid_node,
			 (unsigned long)ld->segment << 16 | ld->rids[0]);
		ld->adopted = true;
		for (b = 0; b < ld->nr_rids; b++) {
			struct lu_bus *bus = unit->bus[ld->rids[b] >> 8];
			unsigned int devfn = ld->rids[b] & 0xff;

			bus->arefs[devfn]++;
			set_bit(devfn, bus->adopted);
		}
		ld->adomain->nr_adopted++;
		unit->nr_adopted++;
	}
	return 0;
}

/**
 * lu_adopt_unit() - Rebuild the registry of a unit adopted in place.
 * @unit: the unit, whose backend's adopt op succeeded.
 * @rec: its record in &lu_core.in.
 *
 * Context: &lu_core.lock held.
 * Return: 0, or -ENOMEM with nothing left behind.
 */
int lu_adopt_unit(struct iommu_lu_unit *unit,
		  const struct iommu_lu_unit_ser *rec)
{
	struct lu_domain **doms;
	int ret;

	lockdep_assert_held(&lu.lock);
	doms = kcalloc(max(lu.in.nr_domains, 1U), sizeof(*doms), GFP_KERNEL);
	if (!doms)
		return -ENOMEM;
	ret = lu_adopt_domains(unit, rec, doms);
	if (!ret)
		ret = lu_adopt_pages(unit, rec, doms);
	if (!ret)
		ret = lu_adopt_devices(unit, rec, doms);
	kfree(doms);
	if (ret) {
		lu_adopt_abort(unit);
		return ret;
	}
	unit->root_phys = rec->root_phys;
	return 0;
}

/**
 * lu_unit_release_adopted_pages() - Hand adopted root and context pages to
 *	the driver.
 * @unit: the unit.
 * @to_driver: out, optional: incremented per page handed over.
 *
 * They are live in the unit's root table, which the driver now owns; those
 * preserved again for the next update stay in the registry.
 *
 * Context: &lu_core.lock held.
 */
void lu_unit_release_adopted_pages(struct iommu_lu_unit *unit,
				   unsigned int *to_driver)
{
	struct lu_page *p;
	struct hlist_node *tmp;
	unsigned int bkt;

	lockdep_assert_held(&lu.lock);
	hash_for_each_safe(unit->pages, bkt, tmp, p, node) {
		if (!p->arefs || p->kind == IOMMU_LU_PAGE_PGTABLE)
			continue;
		p->arefs = 0;
		if (to_driver)
			(*to_driver)++;
		if (!p->refs) {
			hash_del(&p->node);
			kfree(p);
		}
	}
	if (!unit->nr_preserved)
		unit->root_phys = 0;
}
