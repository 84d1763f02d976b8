// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-lu core: rebuilding the registry from an adopted handover.
 */

/**
 * DOC: adoption
 *
 * Once a backend has checked a unit's live hardware against its record,
 * lu_adopt_unit() rebuilds the registry for it: its root and context pages
 * become registry pages held by the adoption (@arefs), every domain its
 * devices use an adopted &struct lu_domain without a caller domain (shared
 * with a unit adopted before when the page table is the same), every
 * device an adopted &struct lu_device bound to no &struct device yet
 * (hotplug, probe or release binds it by requester id). The next update can then preserve these
 * devices again through the ordinary preserve path, and their pages are
 * preserved with KHO like any others.
 *
 * An allocation failure here forgets everything built so far without
 * touching the pages (they stay in use by the hardware until the caller
 * blocks the unit, and are then leaked, as the failure policy says).
 */

#define pr_fmt(fmt) "iommu-lu: " fmt

#include "lu_core.h"

static struct lu_page *lu_page_adopt(u64 phys, u16 kind, u32 owner)
{
	struct lu_page *p;

	p = kzalloc_obj(*p);
	if (!p)
		return NULL;
	p->phys = phys;
	p->kind = kind;
	p->owner = owner;
	p->arefs = 1;
	hash_add(lu.pages, &p->node, phys >> PAGE_SHIFT);
	return p;
}

/*
 * What one adoption created, so that a failure can forget exactly that:
 * domains (a domain shared with a unit adopted earlier is only referenced)
 * and this unit's root and context pages.
 */
struct lu_adopt_ctx {
	struct iommu_lu_unit *unit;
	const struct iommu_lu_unit_ser *rec;
	struct lu_domain **doms;	/* by handover domain index; NULL: unused */
	bool *created;			/* doms[i] created by this adoption */
};

static void lu_adopt_abort(struct lu_adopt_ctx *c)
{
	struct iommu_lu_unit *unit = c->unit;
	struct lu_device *ld;
	struct lu_attach *att;
	struct lu_page *p;
	struct hlist_node *tmp;
	unsigned int bkt, b, i, j;

	lockdep_assert_held(&lu.lock);
	hash_for_each_safe(lu.devices_by_rid, bkt, tmp, ld, rid_node) {
		if (ld->unit != unit)
			continue;
		if (ld->adopted)
			ld->aatt->dom->nr_adopted--;
		ld->adopted = false;
		lu_device_free(ld);
	}
	hash_for_each_safe(unit->attach, bkt, tmp, att, node) {
		hash_del(&att->node);
		kfree(att);
	}
	for (i = 0; i < lu.in.nr_domains; i++) {
		struct lu_domain *dom = c->doms[i];

		if (!dom || !c->created[i])
			continue;
		lu_domain_unlink(dom);
		for (j = 0; j < dom->nr_pages; j++)
			lu_page_forget_adopted(dom->pages[j], false);
		kfree(dom->pages);
		kfree(dom);
	}
	hash_for_each_safe(lu.pages, bkt, tmp, p, node) {
		if (p->kind == IOMMU_LU_PAGE_PGTABLE || p->owner != unit->id ||
		    !p->arefs || p->refs)
			continue;
		lu_page_forget_adopted(p, false);
	}
	for (b = 0; b < ARRAY_SIZE(unit->bus); b++) {
		kfree(unit->bus[b]);
		unit->bus[b] = NULL;
	}
	unit->nr_adopted = 0;
	unit->root_phys = 0;
}

/* The domains this unit's devices use; shared ones may exist already. */
static int lu_adopt_domains(struct lu_adopt_ctx *c)
{
	const struct iommu_lu_handover *ho = &lu.in;
	u32 i;

	for (i = 0; i < ho->nr_devices; i++) {
		const struct iommu_lu_device_ser *dv = &ho->devices[i];
		const struct iommu_lu_domain_ser *d;
		struct lu_domain *dom;
		unsigned int idx;

		if (dv->unit_id != c->rec->id)
			continue;
		d = iommu_lu_handover_domain(ho, dv->domain_id);
		idx = d - ho->domains;
		if (c->doms[idx])
			continue;
		dom = lu_domain_find(d->pgtable_phys);
		if (dom) {
			c->doms[idx] = dom;
			continue;
		}
		dom = kzalloc_obj(*dom);
		if (!dom)
			return -ENOMEM;
		dom->pages = kcalloc(d->nr_pages, sizeof(*dom->pages),
				     GFP_KERNEL);
		if (!dom->pages) {
			kfree(dom);
			return -ENOMEM;
		}
		dom->owned = true;
		dom->id = lu.next_domain_id++;
		dom->pgtable_phys = d->pgtable_phys;
		dom->levels = d->levels;
		lu_domain_link(dom);
		c->doms[idx] = dom;
		c->created[idx] = true;
	}
	return 0;
}

/* This unit's root and context pages, and the new domains' tables. */
static int lu_adopt_pages(struct lu_adopt_ctx *c)
{
	const struct iommu_lu_handover *ho = &lu.in;
	u32 i;

	for (i = 0; i < ho->nr_pages; i++) {
		const struct iommu_lu_page_ser *pr = &ho->pages[i];
		struct lu_domain *dom = NULL;
		struct lu_page *p;

		if (pr->kind == IOMMU_LU_PAGE_PGTABLE) {
			unsigned int idx = iommu_lu_handover_domain(ho, pr->owner) -
					   ho->domains;

			if (!c->created[idx])
				continue;	/* another unit's, or adopted already */
			dom = c->doms[idx];
		} else if (pr->owner != c->rec->id) {
			continue;
		}
		p = lu_page_adopt(pr->phys, pr->kind,
				  dom ? dom->id : c->unit->id);
		if (!p)
			return -ENOMEM;
		if (dom)
			dom->pages[dom->nr_pages++] = p;
	}
	return 0;
}

static struct lu_attach *lu_adopt_attach(struct lu_adopt_ctx *c,
					 struct lu_domain *dom, u32 hw_id)
{
	struct lu_attach *att;

	hash_for_each_possible(c->unit->attach, att, node, hw_id)
		if (att->hw_id == hw_id)
			return att;
	att = kzalloc_obj(*att);
	if (!att)
		return NULL;
	att->dom = dom;
	att->hw_id = hw_id;
	hash_add(c->unit->attach, &att->node, hw_id);
	return att;
}

static int lu_adopt_devices(struct lu_adopt_ctx *c)
{
	const struct iommu_lu_handover *ho = &lu.in;
	struct iommu_lu_unit *unit = c->unit;
	unsigned int b;
	u32 i;

	for (i = 0; i < ho->nr_devices; i++) {
		const struct iommu_lu_device_ser *dv = &ho->devices[i];
		struct lu_domain *dom;
		struct lu_attach *att;
		struct lu_device *ld;

		if (dv->unit_id != c->rec->id)
			continue;
		dom = c->doms[iommu_lu_handover_domain(ho, dv->domain_id) -
			      ho->domains];
		att = lu_adopt_attach(c, dom, dv->hw_id);
		if (!att)
			return -ENOMEM;
		for (b = 0; b < dv->nr_rids; b++) {
			if (unit->bus[dv->rids[b] >> 8])
				continue;
			unit->bus[dv->rids[b] >> 8] = kzalloc_obj(struct lu_bus);
			if (!unit->bus[dv->rids[b] >> 8])
				return -ENOMEM;
		}
		ld = kzalloc_obj(*ld);
		if (!ld)
			return -ENOMEM;
		ld->unit = unit;
		ld->segment = dv->segment;
		ld->nr_rids = dv->nr_rids;
		memcpy(ld->rids, dv->rids, sizeof(ld->rids));
		ld->aatt = att;
		ld->adopted = true;
		hash_add(lu.devices_by_rid, &ld->rid_node,
			 (unsigned long)ld->segment << 16 | ld->rids[0]);
		for (b = 0; b < ld->nr_rids; b++) {
			struct lu_bus *bus = unit->bus[ld->rids[b] >> 8];
			unsigned int devfn = ld->rids[b] & 0xff;

			bus->arefs[devfn]++;
			set_bit(devfn, bus->adopted);
		}
		att->nr_adopted++;
		dom->nr_adopted++;
		unit->nr_adopted++;
		pr_debug("unit %#llx: %04x:%02x:%02x.%d adopted: %u requester ids, domain %u (page table %#llx), DID %u\n",
			 unit->desc.token, dv->segment, PCI_BUS_NUM(dv->rid),
			 PCI_SLOT(dv->rid & 0xff), PCI_FUNC(dv->rid & 0xff),
			 dv->nr_rids, dom->id, dom->pgtable_phys, dv->hw_id);
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
	struct lu_adopt_ctx c = { .unit = unit, .rec = rec };
	unsigned int n = max(lu.in.nr_domains, 1U);
	int ret = -ENOMEM;

	lockdep_assert_held(&lu.lock);
	c.doms = kcalloc(n, sizeof(*c.doms), GFP_KERNEL);
	c.created = kcalloc(n, sizeof(*c.created), GFP_KERNEL);
	if (c.doms && c.created) {
		ret = lu_adopt_domains(&c);
		if (!ret)
			ret = lu_adopt_pages(&c);
		if (!ret)
			ret = lu_adopt_devices(&c);
		if (ret)
			lu_adopt_abort(&c);
	}
	kfree(c.doms);
	kfree(c.created);
	if (!ret)
		unit->root_phys = rec->root_phys;
	pr_debug("unit %#llx: registry %s: %u devices adopted, root %#llx\n",
		 unit->desc.token, ret ? "not rebuilt" : "rebuilt",
		 unit->nr_adopted, rec->root_phys);
	return ret;
}

/**
 * lu_unit_release_adopted_pages() - Give up a unit's adopted lookup pages.
 * @unit: the unit.
 * @to_driver: out, optional: incremented per root or context page.
 * @freed: out, optional: incremented per PASID page freed.
 *
 * Root and context pages are live in the unit's root table, which the
 * driver now owns: they become the driver's. PASID directories and tables
 * are nobody's: every device that used them has been attached for real
 * (its driver replaced the context entry and flushed the context and PASID
 * caches) or cleared, so they are freed; unless an entry may still be live
 * (&iommu_lu_unit.leak_adopted), when they are leaked. Pages preserved again
 * for the next update stay in the registry either way.
 *
 * Context: &lu_core.lock held.
 */
void lu_unit_release_adopted_pages(struct iommu_lu_unit *unit,
				   unsigned int *to_driver,
				   unsigned int *freed)
{
	struct lu_page *p;
	struct hlist_node *tmp;
	unsigned int bkt;

	lockdep_assert_held(&lu.lock);
	hash_for_each_safe(lu.pages, bkt, tmp, p, node) {
		bool pasid = lu_page_kind_pasid(p->kind);
		bool free_mem = pasid && !unit->leak_adopted;

		if (!p->arefs || p->kind == IOMMU_LU_PAGE_PGTABLE ||
		    p->owner != unit->id)
			continue;
		p->arefs = 0;
		if (!pasid && to_driver)
			(*to_driver)++;
		if (p->refs)
			continue;
		if (free_mem && freed)
			(*freed)++;
		lu_page_forget_adopted(p, free_mem);
	}
	if (!unit->nr_preserved)
		unit->root_phys = 0;
}
