// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-lu core: vendor registration and the registry of what survives.
 */

/**
 * DOC: registry
 *
 * The registry is idempotent and incremental:
 *
 * - Preserving a preserved device returns 0 and changes nothing;
 *   unpreserving a device that is not preserved does nothing. Any sequence of
 *   preserve, unpreserve and hotplug calls leaves the registry, KHO and the
 *   handover in the state of its net effect.
 * - Preserving a device costs what its own requester ids need: the vendor
 *   reports the pages those ids use, each is looked up in a per-unit hash and
 *   only a page nobody needed before is preserved with KHO (once, with
 *   (page, 1)) and recorded. Nothing rescans the root table or the devices
 *   already preserved. Unpreserving drops the same references and releases,
 *   with the same (page, 1), exactly the pages nobody needs any more.
 * - A preserve call is all-or-nothing: on error every step already taken is
 *   undone in reverse order and the registry, KHO and the handover are as
 *   before the call. Unpreserve and hotplug removal cannot fail.
 */

#define pr_fmt(fmt) "iommu-lu: " fmt

#include "lu_core.h"

struct lu_core lu;

/**
 * lu_core_init() - Reset all core state (boot, or a simulated kexec).
 */
void lu_core_init(void)
{
	unsigned int k;

	memset(&lu, 0, sizeof(lu));
	mutex_init(&lu.lock);
	spin_lock_init(&lu.lookup_lock);
	INIT_LIST_HEAD(&lu.units);
	hash_init(lu.devices);
	hash_init(lu.devices_by_rid);
	hash_init(lu.pages);
	hash_init(lu.domains);
	hash_init(lu.domains_by_ptr);
	for (k = 0; k < IOMMU_LU_REC_NR; k++) {
		INIT_LIST_HEAD(&lu.chains[k].blocks);
		INIT_LIST_HEAD(&lu.chains[k].with_free);
	}
	lu.next_unit_id = 1;
	lu.next_domain_id = 1;
}

static int __init iommu_lu_core_init(void)
{
	lu_core_init();
	return 0;
}
early_initcall(iommu_lu_core_init);

/* ---------------------------------------------------------------------- */
/* Vendor registration                                                      */

/**
 * iommu_lu_register_vendor() - Register a vendor backend.
 * @ops: the backend's ops table; must stay valid until unregistered.
 *
 * Every op in &struct iommu_lu_vendor_ops is mandatory. Units the driver
 * added before the backend registered are bound to it.
 *
 * Return: 0, -EINVAL (NULL, unknown vendor, missing op or name), -EEXIST
 * (a backend for this vendor is registered), -EBUSY (the update is frozen).
 */
int iommu_lu_register_vendor(const struct iommu_lu_vendor_ops *ops)
{
	struct iommu_lu_unit *unit;
	int ret = 0;

	if (!ops || !ops->name || ops->vendor == IOMMU_LU_VENDOR_NONE ||
	    ops->vendor >= IOMMU_LU_VENDOR_NR)
		return -EINVAL;
	if (!ops->unit_preserve || !ops->device_preserve ||
	    !ops->domain_preserve || !ops->shutdown || !ops->adopt ||
	    !ops->block_all || !ops->device_clear) {
		pr_err("vendor %s: incomplete ops table\n", ops->name);
		return -EINVAL;
	}

	mutex_lock(&lu.lock);
	if (lu.state == LU_STATE_FROZEN) {
		ret = -EBUSY;
		goto out;
	}
	if (lu.vendors[ops->vendor]) {
		ret = -EEXIST;
		goto out;
	}
	lu.vendors[ops->vendor] = ops;
	list_for_each_entry(unit, &lu.units, node)
		if (unit->desc.vendor == ops->vendor)
			unit->ops = ops;
	pr_info("vendor %s registered%s\n", ops->name,
		ops->caps & IOMMU_LU_CAP_PRESERVE ? "" :
		" (stub: preservation not supported)");
out:
	mutex_unlock(&lu.lock);
	return ret;
}
EXPORT_SYMBOL_GPL(iommu_lu_register_vendor);

/**
 * iommu_lu_unregister_vendor() - Unregister a vendor backend.
 * @ops: the table that was registered.
 *
 * Return: 0, -EINVAL (@ops is not the registered table), -EBUSY (the update
 * is frozen, or a unit of this vendor has preserved or adopted state).
 */
int iommu_lu_unregister_vendor(const struct iommu_lu_vendor_ops *ops)
{
	struct iommu_lu_unit *unit;
	int ret = 0;

	if (!ops || ops->vendor >= IOMMU_LU_VENDOR_NR)
		return -EINVAL;

	mutex_lock(&lu.lock);
	if (lu.vendors[ops->vendor] != ops) {
		ret = -EINVAL;
		goto out;
	}
	if (lu.state == LU_STATE_FROZEN) {
		ret = -EBUSY;
		goto out;
	}
	list_for_each_entry(unit, &lu.units, node) {
		if (unit->ops == ops && (unit->nr_preserved || unit->nr_adopted)) {
			ret = -EBUSY;
			goto out;
		}
	}
	list_for_each_entry(unit, &lu.units, node)
		if (unit->ops == ops)
			unit->ops = NULL;
	lu.vendors[ops->vendor] = NULL;
	pr_info("vendor %s unregistered\n", ops->name);
out:
	mutex_unlock(&lu.lock);
	return ret;
}
EXPORT_SYMBOL_GPL(iommu_lu_unregister_vendor);

/* ---------------------------------------------------------------------- */
/* Helpers for vendors                                                      */

/* See the kernel-doc in iommu_lu_vendor.h. */
int iommu_lu_page_set_add(struct iommu_lu_page_set *set, u64 phys,
			  enum iommu_lu_page_kind kind)
{
	unsigned int i;

	if (!phys || !IS_ALIGNED(phys, PAGE_SIZE) ||
	    kind == IOMMU_LU_PAGE_NONE || kind >= IOMMU_LU_PAGE_KIND_NR)
		return -EINVAL;
	if (set->dedup)
		for (i = 0; i < set->nr; i++)
			if (set->phys[i] == phys)
				return 0;
	if (set->nr == set->cap) {
		unsigned int cap = set->cap ? set->cap * 2 : 16;
		u64 *p;
		u16 *k;

		if (cap > LU_SET_MAX_PAGES)
			return -E2BIG;
		p = krealloc_array(set->phys, cap, sizeof(*p), GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		set->phys = p;
		k = krealloc_array(set->kind, cap, sizeof(*k), GFP_KERNEL);
		if (!k)
			return -ENOMEM;
		set->kind = k;
		set->cap = cap;
	}
	set->phys[set->nr] = phys;
	set->kind[set->nr] = kind;
	set->nr++;
	return 0;
}
EXPORT_SYMBOL_GPL(iommu_lu_page_set_add);

static void lu_set_free(struct iommu_lu_page_set *set)
{
	kfree(set->phys);
	kfree(set->kind);
	memset(set, 0, sizeof(*set));
}

/**
 * iommu_lu_unit_regs() - The unit's mapped registers.
 * @unit: the unit.
 *
 * Return: what the driver passed in &iommu_lu_unit_desc.regs.
 */
void __iomem *iommu_lu_unit_regs(const struct iommu_lu_unit *unit)
{
	return unit->desc.regs;
}
EXPORT_SYMBOL_GPL(iommu_lu_unit_regs);

/**
 * iommu_lu_unit_mode() - The mode the driver runs the unit in.
 * @unit: the unit.
 *
 * Return: &iommu_lu_unit_desc.mode.
 */
u32 iommu_lu_unit_mode(const struct iommu_lu_unit *unit)
{
	return unit->desc.mode;
}
EXPORT_SYMBOL_GPL(iommu_lu_unit_mode);

/**
 * iommu_lu_unit_token() - The unit's stable identity (register base).
 * @unit: the unit.
 *
 * Return: &iommu_lu_unit_desc.token.
 */
u64 iommu_lu_unit_token(const struct iommu_lu_unit *unit)
{
	return unit->desc.token;
}
EXPORT_SYMBOL_GPL(iommu_lu_unit_token);

/**
 * iommu_lu_unit_drvdata() - The driver's own unit structure.
 * @unit: the unit.
 *
 * Return: &iommu_lu_unit_desc.drvdata.
 */
void *iommu_lu_unit_drvdata(const struct iommu_lu_unit *unit)
{
	return unit->desc.drvdata;
}
EXPORT_SYMBOL_GPL(iommu_lu_unit_drvdata);

/**
 * iommu_lu_unit_root() - Root of the preserved or adopted tables.
 * @unit: the unit.
 *
 * Return: the root's physical address, 0 while nothing is preserved or
 * adopted.
 */
u64 iommu_lu_unit_root(const struct iommu_lu_unit *unit)
{
	return unit->root_phys;
}
EXPORT_SYMBOL_GPL(iommu_lu_unit_root);

/**
 * iommu_lu_rid_preserved() - Is a requester id preserved on this unit?
 * @unit: the unit.
 * @rid: requester id (bus << 8 | devfn).
 *
 * Lockless: safe from the kexec path with other CPUs stopped, or under
 * &lu_core.lock.
 *
 * Return: true when a preserved device DMAs with @rid.
 */
bool iommu_lu_rid_preserved(const struct iommu_lu_unit *unit, u16 rid)
{
	const struct lu_bus *b = READ_ONCE(unit->bus[rid >> 8]);

	return b && test_bit(rid & 0xff, b->preserved);
}
EXPORT_SYMBOL_GPL(iommu_lu_rid_preserved);

/**
 * iommu_lu_rid_range_preserved() - Is any id in [@first, @last] preserved?
 * @unit: the unit.
 * @first: first requester id.
 * @last: last requester id, >= @first.
 *
 * Lockless, like iommu_lu_rid_preserved().
 *
 * Return: true when a preserved device DMAs with an id in the range.
 */
bool iommu_lu_rid_range_preserved(const struct iommu_lu_unit *unit, u16 first,
				  u16 last)
{
	unsigned int bus;

	for (bus = first >> 8; bus <= (unsigned int)(last >> 8); bus++) {
		const struct lu_bus *b = READ_ONCE(unit->bus[bus]);
		unsigned int lo = bus == (first >> 8) ? (first & 0xff) : 0;
		unsigned int hi = bus == (last >> 8) ? (last & 0xff) : 0xff;

		if (b && find_next_bit(b->preserved, hi + 1, lo) <= hi)
			return true;
	}
	return false;
}
EXPORT_SYMBOL_GPL(iommu_lu_rid_range_preserved);

/**
 * lu_page_find() - Look a hardware page up in the registry.
 * @phys: physical address.
 *
 * Context: &lu_core.lock held, or the kexec path.
 * Return: the page, or NULL.
 */
struct lu_page *lu_page_find(u64 phys)
{
	struct lu_page *p;

	hash_for_each_possible(lu.pages, p, node, phys >> PAGE_SHIFT)
		if (p->phys == phys)
			return p;
	return NULL;
}

/**
 * iommu_lu_page_preserved() - Is a hardware page preserved on this unit?
 * @unit: the unit.
 * @phys: physical address of the page.
 *
 * Lockless, like iommu_lu_rid_preserved().
 *
 * Return: true when the page is preserved for the next kernel.
 */
bool iommu_lu_page_preserved(const struct iommu_lu_unit *unit, u64 phys)
{
	struct lu_page *p = lu_page_find(phys);

	return p && p->refs;
}
EXPORT_SYMBOL_GPL(iommu_lu_page_preserved);

/* ---------------------------------------------------------------------- */
/* Pages                                                                    */

static struct page *lu_phys_page(u64 phys)
{
	return pfn_to_page(PHYS_PFN(phys));
}

/*
 * Take a preserved reference on a page, creating it in the registry when
 * new. The first reference preserves it with KHO and writes its record.
 */
static struct lu_page *lu_page_get(struct iommu_lu_unit *unit, u64 phys,
				   u16 kind, u32 owner)
{
	struct iommu_lu_page_ser *rec;
	struct lu_page *p;
	bool created = false;
	int ret;

	lockdep_assert_held(&lu.lock);
	p = lu_page_find(phys);
	if (p && (p->kind != kind || p->owner != owner)) {
		pr_err("unit %#llx: page %#llx reported as kind %u of %u, already kind %u of %u\n",
		       unit->desc.token, phys, kind, owner, p->kind, p->owner);
		return ERR_PTR(-EINVAL);
	}
	if (!p) {
		p = kzalloc_obj(*p);
		if (!p)
			return ERR_PTR(-ENOMEM);
		p->phys = phys;
		p->kind = kind;
		p->owner = owner;
		created = true;
	}
	if (p->refs++)
		goto done;

	ret = lu_ser_alloc(IOMMU_LU_REC_PAGE, &p->slot);
	if (ret)
		goto err;
	ret = kho_preserve_pages(lu_phys_page(phys), 1);
	if (ret)
		goto err_slot;
	rec = lu_ser_rec(&p->slot);
	rec->phys = phys;
	rec->owner = owner;
	rec->kind = kind;
	rec->flags = IOMMU_LU_REC_LIVE;
	lu_ser_publish(IOMMU_LU_REC_PAGE, &p->slot);
done:
	if (created)
		hash_add(lu.pages, &p->node, phys >> PAGE_SHIFT);
	return p;

err_slot:
	lu_ser_free(IOMMU_LU_REC_PAGE, &p->slot);
err:
	p->refs--;
	if (created)
		kfree(p);
	return ERR_PTR(ret);
}

static void lu_page_maybe_free(struct lu_page *p)
{
	if (p->refs || p->arefs)
		return;
	hash_del(&p->node);
	kfree(p);
}

/* Drop a preserved reference; the last one unpreserves the page. */
static void lu_page_put(struct lu_page *p)
{
	lockdep_assert_held(&lu.lock);
	if (WARN_ON(!p->refs))
		return;
	if (--p->refs)
		return;
	kho_unpreserve_pages(lu_phys_page(p->phys), 1);
	lu_ser_free(IOMMU_LU_REC_PAGE, &p->slot);
	lu_page_maybe_free(p);
}

static void lu_pages_put(struct lu_page **pages, unsigned int nr)
{
	lockdep_assert_held(&lu.lock);
	while (nr--)
		lu_page_put(pages[nr]);
}

/*
 * Get a preserved reference on every page of @set. On success *@out holds
 * them (kfree'd by the caller after lu_pages_put()).
 */
static int lu_pages_get_set(struct iommu_lu_unit *unit,
			    const struct iommu_lu_page_set *set, u32 owner,
			    struct lu_page ***out, unsigned int *nr_out)
{
	struct lu_page **pages;
	unsigned int i;

	lockdep_assert_held(&lu.lock);
	pages = kcalloc(max(set->nr, 1U), sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < set->nr; i++) {
		pages[i] = lu_page_get(unit, set->phys[i], set->kind[i], owner);
		if (IS_ERR(pages[i])) {
			int ret = PTR_ERR(pages[i]);

			lu_pages_put(pages, i);
			kfree(pages);
			return ret;
		}
	}
	*out = pages;
	*nr_out = set->nr;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Requester ids                                                            */

static int lu_bus_prepare(struct iommu_lu_unit *unit, const u16 *rids,
			  unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		unsigned int bus = rids[i] >> 8;
		struct lu_bus *b;

		if (unit->bus[bus])
			continue;
		b = kzalloc_obj(*b);
		if (!b)
			return -ENOMEM;
		WRITE_ONCE(unit->bus[bus], b);
	}
	return 0;
}

/* Buses must exist (lu_bus_prepare()). Cannot fail. */
static void lu_rids_ref(struct iommu_lu_unit *unit, const u16 *rids,
			unsigned int nr, bool adopted, int delta)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct lu_bus *b = unit->bus[rids[i] >> 8];
		unsigned int devfn = rids[i] & 0xff;
		u16 *cnt = adopted ? &b->arefs[devfn] : &b->refs[devfn];
		unsigned long *map = adopted ? b->adopted : b->preserved;

		*cnt += delta;
		if (*cnt)
			set_bit(devfn, map);
		else
			clear_bit(devfn, map);
	}
}

/* ---------------------------------------------------------------------- */
/* Units                                                                    */

static struct iommu_lu_unit_ser *lu_unit_rec(struct iommu_lu_unit *unit)
{
	return lu_ser_rec(&unit->slot);
}

/* The first preserved device of a unit preserves the unit. */
static int lu_unit_get(struct iommu_lu_unit *unit)
{
	struct iommu_lu_page_set set = { .dedup = true };
	struct iommu_lu_unit_ser *rec;
	u64 root = 0;
	int ret;

	lockdep_assert_held(&lu.lock);
	if (unit->nr_preserved)
		goto done;
	/* Never write what the next kernel's decoder would refuse. */
	if (lu.chains[IOMMU_LU_REC_UNIT].nr_records >= IOMMU_LU_MAX_UNITS)
		return -E2BIG;
	unit->nr_preserved++;

	/* On error too: it may have added pages before failing. */
	ret = unit->ops->unit_preserve(unit, &root, &set);
	if (ret)
		goto err_set;
	ret = lu_ser_alloc(IOMMU_LU_REC_UNIT, &unit->slot);
	if (ret)
		goto err_set;
	ret = lu_pages_get_set(unit, &set, unit->id, &unit->unit_pages,
			       &unit->nr_unit_pages);
	if (ret)
		goto err_slot;

	unit->root_phys = root;
	rec = lu_unit_rec(unit);
	rec->id = unit->id;
	rec->vendor = unit->desc.vendor;
	rec->mode = unit->desc.mode;
	rec->token = unit->desc.token;
	rec->root_phys = root;
	rec->segment = unit->desc.segment;
	rec->flags = IOMMU_LU_REC_LIVE;
	lu_ser_publish(IOMMU_LU_REC_UNIT, &unit->slot);
	lu_set_free(&set);
	pr_debug("unit %#llx preserved, root %#llx\n", unit->desc.token, root);
	return 0;

done:
	unit->nr_preserved++;
	return 0;

err_slot:
	lu_ser_free(IOMMU_LU_REC_UNIT, &unit->slot);
err_set:
	lu_set_free(&set);
	unit->nr_preserved--;
	return ret;
}

static void lu_unit_put(struct iommu_lu_unit *unit)
{
	lockdep_assert_held(&lu.lock);
	if (WARN_ON(!unit->nr_preserved) || --unit->nr_preserved)
		return;
	lu_pages_put(unit->unit_pages, unit->nr_unit_pages);
	kfree(unit->unit_pages);
	unit->unit_pages = NULL;
	unit->nr_unit_pages = 0;
	lu_ser_free(IOMMU_LU_REC_UNIT, &unit->slot);
	if (!unit->nr_adopted)
		unit->root_phys = 0;
	pr_debug("unit %#llx no longer preserved\n", unit->desc.token);
}

static struct iommu_lu_unit *lu_unit_of(struct device *dev)
{
	struct iommu_lu_unit *unit;

	if (!dev->iommu || !dev->iommu->iommu_dev)
		return NULL;
	list_for_each_entry(unit, &lu.units, node)
		if (unit->desc.iommu_dev == dev->iommu->iommu_dev)
			return unit;
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Domains                                                                  */

/**
 * lu_domain_find() - Find a domain by its page-table root.
 * @pgtable_phys: the root.
 *
 * Context: &lu_core.lock held.
 * Return: the domain, or NULL.
 */
struct lu_domain *lu_domain_find(u64 pgtable_phys)
{
	struct lu_domain *dom;

	hash_for_each_possible(lu.domains, dom, node, pgtable_phys >> PAGE_SHIFT)
		if (dom->pgtable_phys == pgtable_phys)
			return dom;
	return NULL;
}

static struct lu_attach *lu_attach_find(struct iommu_lu_unit *unit, u32 hw_id)
{
	struct lu_attach *att;

	hash_for_each_possible(unit->attach, att, node, hw_id)
		if (att->hw_id == hw_id)
			return att;
	return NULL;
}

static int lu_cmp_phys(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void lu_domain_gate(struct lu_domain *dom, bool on)
{
	unsigned long flags;

	if (!dom->domain)
		return;
	spin_lock_irqsave(&lu.lookup_lock, flags);
	if (on)
		hash_add(lu.domains_by_ptr, &dom->ptr_node,
			 (unsigned long)dom->domain);
	else
		hash_del(&dom->ptr_node);
	WRITE_ONCE(lu.nr_kept_domains, lu.nr_kept_domains + (on ? 1 : -1));
	spin_unlock_irqrestore(&lu.lookup_lock, flags);
}

/*
 * Build a new domain's registry entry. The caller's domain becomes
 * immutable (iommu_lu_domain_change_allowed() says -EBUSY) before its page
 * table is walked, so that the walk sees the table the handover will
 * describe; on error the gate is lifted again.
 */
static struct lu_domain *lu_domain_new(struct iommu_lu_unit *unit,
				       const struct iommu_lu_dev_info *info,
				       const struct iommu_domain *domain)
{
	struct iommu_lu_page_set set = { .dedup = false };
	struct lu_domain *dom;
	unsigned int i;
	int ret = -ENOMEM;

	dom = kzalloc_obj(*dom);
	if (!dom)
		return ERR_PTR(-ENOMEM);
	dom->domain = domain;
	lu_domain_gate(dom, true);

	ret = unit->ops->domain_preserve(unit, info, &set);
	if (ret)
		goto err;
	/* Kinds travel in a parallel array: sort a copy of the addresses. */
	for (i = 0; i < set.nr; i++)
		if (set.kind[i] != IOMMU_LU_PAGE_PGTABLE)
			break;
	if (i < set.nr || !set.nr) {
		ret = -EINVAL;
		goto err;
	}
	sort(set.phys, set.nr, sizeof(*set.phys), lu_cmp_phys, NULL);
	for (i = 1; i < set.nr; i++) {
		if (set.phys[i] == set.phys[i - 1]) {
			pr_warn("unit %#llx domain %u: page-table page %#llx reached twice\n",
				unit->desc.token, info->hw_id, set.phys[i]);
			ret = -ELOOP;
			goto err;
		}
	}

	ret = -ENOMEM;
	dom->pages = kcalloc(set.nr, sizeof(*dom->pages), GFP_KERNEL);
	if (!dom->pages)
		goto err;
	for (i = 0; i < set.nr; i++) {
		dom->pages[i] = kzalloc_obj(*dom->pages[i]);
		if (!dom->pages[i])
			goto err_pages;
		dom->pages[i]->phys = set.phys[i];
		dom->pages[i]->kind = IOMMU_LU_PAGE_PGTABLE;
	}
	dom->nr_pages = set.nr;
	dom->id = lu.next_domain_id++;
	dom->pgtable_phys = info->pgtable_phys;
	dom->levels = info->levels;
	lu_set_free(&set);
	return dom;

err_pages:
	while (i--)
		kfree(dom->pages[i]);
	kfree(dom->pages);
err:
	lu_domain_gate(dom, false);
	kfree(dom);
	lu_set_free(&set);
	return ERR_PTR(ret);
}

/*
 * Free a domain no device uses. The pages it still holds as placeholders
 * belong to the caller, unless the domain was adopted: then the core owns
 * its tables and, every entry leading to them having been cleared, frees
 * them.
 */
static void lu_domain_free(struct lu_domain *dom)
{
	unsigned int i;

	for (i = 0; i < dom->nr_pages; i++) {
		if (!dom->pages[i] || dom->pages[i]->refs || dom->pages[i]->arefs)
			continue;
		if (dom->owned && !dom->leak)
			free_page((unsigned long)phys_to_virt(dom->pages[i]->phys));
		kfree(dom->pages[i]);
	}
	kfree(dom->pages);
	kfree(dom);
}

/* Free a domain lu_domain_new() made that never got linked. */
static void lu_domain_discard(struct lu_domain *dom)
{
	lu_domain_gate(dom, false);
	lu_domain_free(dom);
}

/*
 * Drop the domain's preserved reference on its i-th page. A domain keeps a
 * struct for each of its pages while it exists: when this was the last user
 * the page leaves the registry (and KHO) but stays as the domain's
 * placeholder, to be preserved again by the domain's next device.
 */
static void lu_domain_page_release(struct lu_domain *dom, unsigned int i)
{
	struct lu_page *p = dom->pages[i];

	lockdep_assert_held(&lu.lock);
	if (p->refs == 1 && !p->arefs) {
		p->refs = 0;
		kho_unpreserve_pages(lu_phys_page(p->phys), 1);
		lu_ser_free(IOMMU_LU_REC_PAGE, &p->slot);
		hash_del(&p->node);
	} else {
		lu_page_put(p);
	}
}

/*
 * First preserved device of a domain: preserve its page-table pages and
 * write its record. The pages of a new domain are registry-less placeholders
 * until then; they are swapped for registry pages here.
 */
static int lu_domain_preserve(struct iommu_lu_unit *unit, struct lu_domain *dom)
{
	struct iommu_lu_domain_ser *rec;
	unsigned int i;
	int ret;

	lockdep_assert_held(&lu.lock);
	ret = lu_ser_alloc(IOMMU_LU_REC_DOMAIN, &dom->slot);
	if (ret)
		return ret;
	for (i = 0; i < dom->nr_pages; i++) {
		struct lu_page *old = dom->pages[i], *p;

		p = lu_page_get(unit, old->phys, IOMMU_LU_PAGE_PGTABLE, dom->id);
		if (IS_ERR(p)) {
			ret = PTR_ERR(p);
			goto err_pages;
		}
		if (p != old) {
			kfree(old);
			dom->pages[i] = p;
		}
	}
	rec = lu_ser_rec(&dom->slot);
	rec->id = dom->id;
	rec->pgtable_phys = dom->pgtable_phys;
	rec->levels = dom->levels;
	rec->nr_pages = dom->nr_pages;
	rec->flags = IOMMU_LU_REC_LIVE;
	lu_ser_publish(IOMMU_LU_REC_DOMAIN, &dom->slot);
	return 0;

err_pages:
	while (i--)
		lu_domain_page_release(dom, i);
	lu_ser_free(IOMMU_LU_REC_DOMAIN, &dom->slot);
	return ret;
}

static void lu_domain_unpreserve(struct lu_domain *dom)
{
	unsigned int i;

	lockdep_assert_held(&lu.lock);
	for (i = dom->nr_pages; i--; )
		lu_domain_page_release(dom, i);
	lu_ser_free(IOMMU_LU_REC_DOMAIN, &dom->slot);
}

/**
 * lu_domain_link() - Make a domain findable by its page table.
 * @dom: the domain (its caller domain, if any, is gated already).
 *
 * Context: &lu_core.lock held.
 */
void lu_domain_link(struct lu_domain *dom)
{
	hash_add(lu.domains, &dom->node, dom->pgtable_phys >> PAGE_SHIFT);
}

/**
 * lu_domain_unlink() - Undo lu_domain_link() and lift the domain's gate.
 * @dom: the domain.
 *
 * Context: &lu_core.lock held.
 */
void lu_domain_unlink(struct lu_domain *dom)
{
	hash_del(&dom->node);
	lu_domain_gate(dom, false);
}

static void lu_attach_maybe_free(struct lu_attach *att)
{
	if (att->nr_devices || att->nr_adopted)
		return;
	hash_del(&att->node);
	kfree(att);
}

static void lu_domain_maybe_free(struct lu_domain *dom)
{
	if (dom->nr_devices || dom->nr_adopted)
		return;
	lu_domain_unlink(dom);
	lu_domain_free(dom);
}

/*
 * Attach a preserved device to its domain as its unit uses it: find the
 * domain by the unit's hardware id, or by page table (a domain already
 * preserved on another unit), or create it; preserve it on its first
 * device. On error nothing changed.
 */
static struct lu_attach *lu_attach_get(struct lu_device *ld,
				       const struct iommu_domain *domain)
{
	struct iommu_lu_unit *unit = ld->unit;
	const struct iommu_lu_dev_info *info = &ld->info;
	struct lu_attach *att;
	struct lu_domain *dom;
	bool dom_created = false, att_created = false;
	int ret;

	lockdep_assert_held(&lu.lock);
	att = lu_attach_find(unit, info->hw_id);
	dom = att ? att->dom : lu_domain_find(info->pgtable_phys);
	if (dom) {
		if (dom->pgtable_phys != info->pgtable_phys ||
		    dom->levels != info->levels ||
		    (domain && dom->domain && dom->domain != domain) ||
		    (domain && !dom->domain)) {
			pr_warn("%s: hardware domain %u does not match the preserved one\n",
				ld->dev ? dev_name(ld->dev) : "?", info->hw_id);
			return ERR_PTR(-EINVAL);
		}
	} else {
		dom = lu_domain_new(unit, info, domain);
		if (IS_ERR(dom))
			return ERR_CAST(dom);
		dom_created = true;
	}
	if (!att) {
		att = kzalloc_obj(*att);
		if (!att) {
			ret = -ENOMEM;
			goto err_dom;
		}
		att->dom = dom;
		att->hw_id = info->hw_id;
		att_created = true;
	}

	if (!dom->nr_devices) {
		ret = lu_domain_preserve(unit, dom);
		if (ret)
			goto err_att;
	}
	dom->nr_devices++;
	att->nr_devices++;
	if (dom_created)
		lu_domain_link(dom);
	if (att_created)
		hash_add(unit->attach, &att->node, att->hw_id);
	return att;

err_att:
	if (att_created)
		kfree(att);
err_dom:
	if (dom_created)
		lu_domain_discard(dom);
	return ERR_PTR(ret);
}

static void lu_attach_put(struct lu_attach *att)
{
	struct lu_domain *dom = att->dom;

	lockdep_assert_held(&lu.lock);
	if (WARN_ON(!att->nr_devices || !dom->nr_devices))
		return;
	att->nr_devices--;
	lu_attach_maybe_free(att);
	if (--dom->nr_devices)
		return;
	lu_domain_unpreserve(dom);
	lu_domain_maybe_free(dom);
}

/* ---------------------------------------------------------------------- */
/* Devices                                                                  */

static unsigned long lu_rid_key(u16 segment, u16 rid)
{
	return (unsigned long)segment << 16 | rid;
}

/**
 * lu_device_find() - Find a tracked device.
 * @dev: the device.
 *
 * Context: &lu_core.lock or &lu_core.lookup_lock held.
 * Return: the entry, or NULL.
 */
struct lu_device *lu_device_find(struct device *dev)
{
	struct lu_device *ld;

	hash_for_each_possible(lu.devices, ld, node, (unsigned long)dev)
		if (ld->dev == dev)
			return ld;
	return NULL;
}

/**
 * lu_device_find_rid() - Find a tracked device by its own requester id.
 * @segment: PCI segment.
 * @rid: requester id.
 *
 * Context: &lu_core.lock held.
 * Return: the entry, or NULL.
 */
struct lu_device *lu_device_find_rid(u16 segment, u16 rid)
{
	struct lu_device *ld;

	lockdep_assert_held(&lu.lock);
	hash_for_each_possible(lu.devices_by_rid, ld, rid_node,
			       lu_rid_key(segment, rid))
		if (ld->segment == segment && ld->rids[0] == rid)
			return ld;
	return NULL;
}

static void lu_device_link(struct lu_device *ld)
{
	unsigned long flags;

	spin_lock_irqsave(&lu.lookup_lock, flags);
	if (ld->dev)
		hash_add(lu.devices, &ld->node, (unsigned long)ld->dev);
	spin_unlock_irqrestore(&lu.lookup_lock, flags);
	hash_add(lu.devices_by_rid, &ld->rid_node,
		 lu_rid_key(ld->segment, ld->rids[0]));
}

struct lu_alias_ctx {
	struct lu_device *ld;
	int ret;
};

static int lu_alias_cb(struct pci_dev *pdev, u16 alias, void *data)
{
	struct lu_alias_ctx *ctx = data;
	struct lu_device *ld = ctx->ld;
	unsigned int i;

	for (i = 0; i < ld->nr_rids; i++)
		if (ld->rids[i] == alias)
			return 0;
	if (ld->nr_rids == IOMMU_LU_MAX_RIDS) {
		ctx->ret = -E2BIG;
		return ctx->ret;
	}
	ld->rids[ld->nr_rids++] = alias;
	return 0;
}

/* Create a tracked entry: the device's unit and every DMA alias. */
static struct lu_device *lu_device_track(struct device *dev)
{
	struct lu_alias_ctx ctx = { };
	struct iommu_lu_unit *unit;
	struct pci_dev *pdev;
	struct lu_device *ld;

	lockdep_assert_held(&lu.lock);
	if (!dev_is_pci(dev))
		return ERR_PTR(-EOPNOTSUPP);
	unit = lu_unit_of(dev);
	if (!unit)
		return ERR_PTR(-ENODEV);
	pdev = to_pci_dev(dev);
	/*
	 * The handover names devices by a 16-bit segment and their own
	 * requester id: devices behind a VMD-like domain (DMA issued with
	 * another device's id, segments above 0xffff) cannot be described.
	 */
	if (pci_domain_nr(pdev->bus) > 0xffff || pci_real_dma_dev(pdev) != pdev)
		return ERR_PTR(-EOPNOTSUPP);

	ld = kzalloc_obj(*ld);
	if (!ld)
		return ERR_PTR(-ENOMEM);
	ld->dev = dev;
	ld->unit = unit;
	ld->segment = pci_domain_nr(pdev->bus);
	/* The device's own id first, whatever the alias walk reports first. */
	ld->rids[ld->nr_rids++] = pci_dev_id(pdev);
	ctx.ld = ld;
	pci_for_each_dma_alias(pdev, lu_alias_cb, &ctx);
	if (ctx.ret) {
		pr_warn("%s: more than %u DMA requester ids\n", dev_name(dev),
			IOMMU_LU_MAX_RIDS);
		kfree(ld);
		return ERR_PTR(ctx.ret);
	}
	lu_device_link(ld);
	pr_debug("%s tracked, %u requester ids\n", dev_name(dev), ld->nr_rids);
	return ld;
}

/**
 * lu_device_free() - Forget a device that is neither preserved nor adopted.
 * @ld: the entry.
 *
 * Context: &lu_core.lock held.
 */
void lu_device_free(struct lu_device *ld)
{
	unsigned long flags;

	lockdep_assert_held(&lu.lock);
	if (WARN_ON(ld->preserved || ld->adopted))
		return;
	spin_lock_irqsave(&lu.lookup_lock, flags);
	if (ld->dev)
		hash_del(&ld->node);
	spin_unlock_irqrestore(&lu.lookup_lock, flags);
	hash_del(&ld->rid_node);
	kfree(ld);
}

static void lu_device_write_rec(struct lu_device *ld)
{
	struct iommu_lu_device_ser *rec = lu_ser_rec(&ld->slot);

	lockdep_assert_held(&lu.lock);
	rec->unit_id = ld->unit->id;
	rec->domain_id = ld->att->dom->id;
	rec->hw_id = ld->att->hw_id;
	rec->segment = ld->segment;
	rec->rid = ld->rids[0];
	rec->nr_rids = ld->nr_rids;
	memcpy(rec->rids, ld->rids, ld->nr_rids * sizeof(ld->rids[0]));
	/* VT-d scalable mode: the PASID directory and its size (PDTS). */
	rec->pasid_dir_phys = ld->info.pasid_dir_phys;
	rec->vendor_data = ld->info.vendor_data;
	rec->flags = IOMMU_LU_REC_LIVE;
	lu_ser_publish(IOMMU_LU_REC_DEVICE, &ld->slot);
	lu_unit_rec(ld->unit)->nr_devices++;
}

/*
 * Preserve one device whose group has been checked. On error nothing
 * changed.
 */
static int lu_device_preserve_one(struct lu_device *ld,
				  const struct iommu_domain *domain)
{
	struct iommu_lu_page_set set = { .dedup = true };
	struct iommu_lu_unit *unit = ld->unit;
	struct lu_attach *att;
	int ret;

	lockdep_assert_held(&lu.lock);
	ret = lu_unit_get(unit);
	if (ret)
		return ret;

	memset(&ld->info, 0, sizeof(ld->info));
	ld->info.segment = ld->segment;
	ld->info.nr_rids = ld->nr_rids;
	memcpy(ld->info.rids, ld->rids, sizeof(ld->rids));
	ret = unit->ops->device_preserve(unit, &ld->info, &set);
	if (ret)
		goto err_unit;

	att = lu_attach_get(ld, domain);
	if (IS_ERR(att)) {
		ret = PTR_ERR(att);
		goto err_unit;
	}
	ld->att = att;
	ret = lu_pages_get_set(unit, &set, unit->id, &ld->pages, &ld->nr_pages);
	if (ret)
		goto err_dom;
	ret = lu_bus_prepare(unit, ld->rids, ld->nr_rids);
	if (ret)
		goto err_pages;
	ret = lu_ser_alloc(IOMMU_LU_REC_DEVICE, &ld->slot);
	if (ret)
		goto err_pages;

	lu_device_write_rec(ld);
	lu_rids_ref(unit, ld->rids, ld->nr_rids, false, 1);
	WRITE_ONCE(ld->preserved, true);	/* iommu_lu_device_preserved() */
	lu_set_free(&set);
	pr_debug("%04x:%02x:%02x.%d preserved: unit %#llx, %u requester ids, domain %u (page table %#llx, DID %u), %u lookup pages, %u devices preserved on the unit\n",
		 ld->segment, PCI_BUS_NUM(ld->rids[0]), PCI_SLOT(ld->rids[0] & 0xff),
		 PCI_FUNC(ld->rids[0] & 0xff), unit->desc.token, ld->nr_rids,
		 att->dom->id, att->dom->pgtable_phys, att->hw_id, ld->nr_pages,
		 unit->nr_preserved);
	return 0;

err_pages:
	lu_pages_put(ld->pages, ld->nr_pages);
	kfree(ld->pages);
	ld->pages = NULL;
	ld->nr_pages = 0;
err_dom:
	ld->att = NULL;
	lu_attach_put(att);
err_unit:
	lu_set_free(&set);
	lu_unit_put(unit);
	return ret;
}

/*
 * The device's entries lead to page tables only the core owns (a domain
 * adopted from the previous kernel) and nobody will keep them: clear the
 * ids no other preserved or adopted device uses, before the tables go.
 * Return: false when the driver could not confirm the invalidation: the
 * tables must then be leaked, not freed.
 */
static bool lu_device_clear_hw(struct lu_device *ld)
{
	struct iommu_lu_unit *unit = ld->unit;
	u16 rids[IOMMU_LU_MAX_RIDS];
	unsigned int i, n = 0;

	for (i = 0; i < ld->nr_rids; i++) {
		struct lu_bus *b = unit->bus[ld->rids[i] >> 8];
		unsigned int devfn = ld->rids[i] & 0xff;

		if (!b || (!b->refs[devfn] && !b->arefs[devfn]))
			rids[n++] = ld->rids[i];
	}
	if (!n)
		return true;
	if (unit->desc.drv_ops && unit->desc.drv_ops->clear_rids)
		return !unit->desc.drv_ops->clear_rids(unit->desc.drvdata, rids, n);
	if (unit->ops)
		return !unit->ops->device_clear(unit, rids, n);
	return true;
}

/**
 * lu_device_unpreserve_one() - Unpreserve one device. Cannot fail.
 * @ld: a preserved device.
 *
 * Context: &lu_core.lock held.
 */
void lu_device_unpreserve_one(struct lu_device *ld)
{
	struct iommu_lu_unit *unit = ld->unit;
	struct lu_attach *att = ld->att;
	unsigned int nr_pages = ld->nr_pages;
	u32 hw_id;

	lockdep_assert_held(&lu.lock);
	if (!ld->preserved)
		return;
	hw_id = att->hw_id;
	lu_rids_ref(unit, ld->rids, ld->nr_rids, false, -1);
	lu_ser_free(IOMMU_LU_REC_DEVICE, &ld->slot);
	lu_unit_rec(unit)->nr_devices--;
	lu_pages_put(ld->pages, ld->nr_pages);
	kfree(ld->pages);
	ld->pages = NULL;
	ld->nr_pages = 0;
	WRITE_ONCE(ld->preserved, false);
	ld->att = NULL;
	/* Adopted tables nobody keeps: clear before they are freed. */
	if (!att->dom->domain && !ld->adopted && !lu_device_clear_hw(ld))
		att->dom->leak = true;
	lu_attach_put(att);
	lu_unit_put(unit);
	pr_debug("%04x:%02x:%02x.%d unpreserved: unit %#llx, %u requester ids, DID %u, %u lookup pages released, %u devices preserved on the unit\n",
		 ld->segment, PCI_BUS_NUM(ld->rids[0]), PCI_SLOT(ld->rids[0] & 0xff),
		 PCI_FUNC(ld->rids[0] & 0xff), unit->desc.token, ld->nr_rids,
		 hw_id, nr_pages, unit->nr_preserved);
}

/**
 * lu_page_forget_adopted() - The registry is done with an adopted page.
 * @p: a page the registry adopted and nobody preserved again.
 * @free_mem: give its memory (restored from KHO) back to the allocator;
 *	false when the driver owns it now or an entry may still reach it.
 *
 * Context: &lu_core.lock held.
 */
void lu_page_forget_adopted(struct lu_page *p, bool free_mem)
{
	lockdep_assert_held(&lu.lock);
	if (free_mem)
		free_page((unsigned long)phys_to_virt(p->phys));
	hash_del(&p->node);
	kfree(p);
}

/**
 * lu_device_drop_adoption() - A device stops using the adopted tables.
 * @ld: an adopted device.
 * @clear_hw: clear its entries (nobody claimed it); false when its driver
 *	already replaced them.
 * @leak: keep the page tables allocated even when nobody uses them (the
 *	unit goes away with its entries still live: failure policy).
 *
 * Page-table pages of an adopted domain left without users are freed; root,
 * context and PASID pages stay with the unit until finish
 * (lu_unit_release_adopted_pages()). Context: &lu_core.lock held. Cannot
 * fail.
 */
void lu_device_drop_adoption(struct lu_device *ld, bool clear_hw, bool leak)
{
	struct iommu_lu_unit *unit = ld->unit;
	struct lu_attach *att = ld->aatt;
	struct lu_domain *dom;
	unsigned int i;

	lockdep_assert_held(&lu.lock);
	if (!ld->adopted)
		return;
	dom = att->dom;
	lu_rids_ref(unit, ld->rids, ld->nr_rids, true, -1);
	ld->adopted = false;
	ld->aatt = NULL;
	unit->nr_adopted--;
	if (clear_hw && !ld->preserved && !lu_device_clear_hw(ld))
		leak = true;
	if (leak) {
		dom->leak = true;
		unit->leak_adopted = true;
	}
	att->nr_adopted--;
	lu_attach_maybe_free(att);
	if (--dom->nr_adopted)
		return;
	for (i = 0; i < dom->nr_pages; i++) {
		struct lu_page *p = dom->pages[i];

		if (WARN_ON(!p->arefs))
			continue;
		if (--p->arefs || p->refs)
			continue;
		lu_page_forget_adopted(p, !dom->leak);
		dom->pages[i] = NULL;
	}
	lu_domain_maybe_free(dom);
}

/* Group members, collected before taking the registry lock. */
struct lu_members {
	struct device **devs;
	unsigned int nr;
	unsigned int cap;
	int ret;
};

static int lu_member_cb(struct device *dev, void *data)
{
	struct lu_members *m = data;
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (m->devs[i] == dev)
			return 0;
	if (m->nr == m->cap) {
		unsigned int cap = m->cap ? m->cap * 2 : 8;
		struct device **d;

		d = krealloc_array(m->devs, cap, sizeof(*d), GFP_KERNEL);
		if (!d) {
			m->ret = -ENOMEM;
			return m->ret;
		}
		m->devs = d;
		m->cap = cap;
	}
	m->devs[m->nr++] = dev;
	return 0;
}

/*
 * The group mutex is taken by iommu_group_for_each_dev(), and callers may
 * hold it when they reach us through the attach checks: never call it under
 * &lu_core.lock.
 */
static int lu_collect_members(struct device *const *devs, unsigned int nr,
			      struct lu_members *m)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct iommu_group *group = iommu_group_get(devs[i]);

		if (!group) {
			pr_warn("%s: no IOMMU group\n", dev_name(devs[i]));
			return -ENODEV;
		}
		iommu_group_for_each_dev(group, m, lu_member_cb);
		iommu_group_put(group);
		if (m->ret)
			return m->ret;
	}
	return 0;
}

static bool lu_in_set(struct device *const *devs, unsigned int nr,
		      struct device *dev)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (devs[i] == dev)
			return true;
	return false;
}

/* Check one requested device; *@created says whether we started tracking it. */
static int lu_preserve_check(struct device *dev, struct lu_device **out,
			     bool *created)
{
	struct iommu_domain *domain;
	struct lu_device *ld;

	lockdep_assert_held(&lu.lock);
	*created = false;
	ld = lu_device_find(dev);
	if (!ld) {
		ld = lu_device_track(dev);
		if (IS_ERR(ld)) {
			if (PTR_ERR(ld) == -EOPNOTSUPP)
				pr_warn("%s: only PCI devices that DMA with their own requester id can be preserved\n",
					dev_name(dev));
			return PTR_ERR(ld);
		}
		*created = true;
	}
	*out = ld;
	if (ld->preserved)
		return 0;
	if (!ld->unit->ops) {
		pr_warn("%s: no live-update backend for its IOMMU\n",
			dev_name(dev));
		return -ENODEV;
	}
	if (!(ld->unit->ops->caps & IOMMU_LU_CAP_PRESERVE)) {
		pr_warn("%s: %s live update is not supported: not preserved\n",
			dev_name(dev), ld->unit->ops->name);
		return -EOPNOTSUPP;
	}
	if (ld->unit->desc.vendor == IOMMU_LU_VENDOR_INTEL_VTD &&
	    ld->unit->desc.mode == IOMMU_LU_MODE_VTD_SCALABLE &&
	    !(ld->unit->ops->caps & IOMMU_LU_CAP_SCALABLE)) {
		pr_warn("%s: %s cannot preserve scalable-mode units\n",
			dev_name(dev), ld->unit->ops->name);
		return -EOPNOTSUPP;
	}
	if (ld->adopted)
		return 0;	/* still on the adopted domain: kept as is */
	domain = iommu_get_domain_for_dev(dev);
	if (!domain || domain->type != IOMMU_DOMAIN_UNMANAGED) {
		pr_warn("%s: domain type %#x is not caller-owned: not preserved\n",
			dev_name(dev), domain ? domain->type : 0);
		return -EINVAL;
	}
	return 0;
}

/**
 * iommu_lu_preserve_devices() - Preserve devices across the next live update.
 * @devs: the devices.
 * @nr: how many.
 *
 * All or nothing. Each device must be a PCI device behind a unit whose
 * backend can preserve, attached (with its whole group) to a caller-owned
 * paging domain; every member of each group involved must be in @devs or
 * preserved already, PCI bridges excepted (they do no DMA of their own, and
 * VFIO accepts them in a group; their requester ids are covered as
 * aliases). Devices already preserved are skipped. Afterwards the domains
 * are immutable (iommu_lu_domain_change_allowed()).
 *
 * The caller must not map or unmap the domains involved while this call
 * runs (iommufd and VFIO serialize their own map and preserve paths): from
 * the moment a domain's page table is about to be walked, new map and
 * unmap calls get -EBUSY, but one already in flight would race the walk.
 *
 * Context: may sleep; do not hold an iommu_group mutex.
 * Return: 0; -EINVAL (bad arguments, a DMA-API or other non-caller-owned
 * domain, a group not preserved whole, hardware entries that do not match
 * the domain, a malformed page table); -ELOOP (a page-table page reached
 * twice); -EIO (the unit's hardware state is inconsistent); -EOPNOTSUPP
 * (not PCI, DMA with another device's requester id, or a vendor that cannot
 * preserve); -ENODEV (no IOMMU, group or backend, or translation off);
 * -EBUSY (the update is frozen); -E2BIG (too many DMA aliases, or more
 * units, records or page-table pages than a handover may hold); -ENOMEM
 * or a KHO error.
 */
int iommu_lu_preserve_devices(struct device *const *devs, unsigned int nr)
{
	struct lu_members m = { };
	struct lu_device **lds;
	bool *created, *here;
	unsigned int i;
	int ret;

	if (!nr)
		return 0;
	if (!devs)
		return -EINVAL;
	for (i = 0; i < nr; i++)
		if (!devs[i])
			return -EINVAL;

	lds = kcalloc(nr, sizeof(*lds), GFP_KERNEL);
	created = kcalloc(nr, sizeof(*created), GFP_KERNEL);
	here = kcalloc(nr, sizeof(*here), GFP_KERNEL);
	if (!lds || !created || !here) {
		ret = -ENOMEM;
		goto out_free;
	}
	ret = lu_collect_members(devs, nr, &m);
	if (ret)
		goto out_free;

	mutex_lock(&lu.lock);
	if (lu.state == LU_STATE_FROZEN) {
		ret = -EBUSY;
		goto out_unlock;
	}
	for (i = 0; i < nr; i++) {
		if (lu_in_set(devs, i, devs[i]))
			continue;	/* listed twice */
		ret = lu_preserve_check(devs[i], &lds[i], &created[i]);
		if (ret)
			goto err_untrack;
	}
	for (i = 0; i < m.nr; i++) {
		struct lu_device *ld = lu_device_find(m.devs[i]);

		if (lu_in_set(devs, nr, m.devs[i]) || (ld && ld->preserved))
			continue;
		/* Bridges do no DMA of their own; VFIO allows them in a group. */
		if (dev_is_pci(m.devs[i]) && pci_is_bridge(to_pci_dev(m.devs[i])))
			continue;
		pr_warn("%s: iommu_group not preserved whole: %s is not preserved\n",
			dev_name(devs[0]), dev_name(m.devs[i]));
		ret = -EINVAL;
		goto err_untrack;
	}

	for (i = 0; i < nr; i++) {
		struct lu_device *ld = lds[i];

		if (!ld || ld->preserved)
			continue;
		ret = lu_device_preserve_one(ld, ld->adopted ? NULL :
					     iommu_get_domain_for_dev(devs[i]));
		if (ret)
			goto err_unwind;
		here[i] = true;
	}
	pr_debug("preserve: %s and %u more: done, %u devices preserved\n",
		 dev_name(devs[0]), nr - 1, lu.chains[IOMMU_LU_REC_DEVICE].nr_records);
	goto out_unlock;

err_unwind:
	pr_debug("preserve: %s: %d, undoing this call\n", dev_name(devs[i]), ret);
	/* Undo, newest first, exactly what this call preserved. */
	while (i--)
		if (here[i])
			lu_device_unpreserve_one(lds[i]);
err_untrack:
	/* Stop tracking what this call started to track. */
	for (i = 0; i < nr; i++)
		if (created[i])
			lu_device_free(lds[i]);
out_unlock:
	mutex_unlock(&lu.lock);
out_free:
	kfree(m.devs);
	kfree(here);
	kfree(created);
	kfree(lds);
	return ret;
}
EXPORT_SYMBOL_GPL(iommu_lu_preserve_devices);

/**
 * iommu_lu_preserve_device() - Preserve one device (its group must be whole).
 * @dev: the device.
 *
 * Same as iommu_lu_preserve_devices() with one device: it succeeds only when
 * every other member of its group is preserved already.
 *
 * Return: as iommu_lu_preserve_devices().
 */
int iommu_lu_preserve_device(struct device *dev)
{
	return iommu_lu_preserve_devices(&dev, 1);
}
EXPORT_SYMBOL_GPL(iommu_lu_preserve_device);

/**
 * iommu_lu_unpreserve_device() - Stop preserving a device and its group.
 * @dev: the device.
 *
 * Every preserved member of @dev's group is unpreserved (a group is
 * preserved whole or not at all). Pages nobody else needs are released to
 * KHO with the same (page, count) they were preserved with. Unpreserving a
 * device that is not preserved does nothing.
 *
 * Context: may sleep; do not hold an iommu_group mutex.
 * Return: 0, -EBUSY (the update is frozen), -ENOMEM (collecting the group).
 */
int iommu_lu_unpreserve_device(struct device *dev)
{
	struct lu_members m = { };
	unsigned int i;
	int ret;

	if (!dev)
		return 0;
	ret = lu_collect_members(&dev, 1, &m);
	if (ret == -ENODEV)
		ret = lu_member_cb(dev, &m);	/* no group: just the device */
	if (ret)
		goto out;

	mutex_lock(&lu.lock);
	if (lu.state == LU_STATE_FROZEN) {
		ret = -EBUSY;
	} else {
		for (i = m.nr; i--; ) {
			struct lu_device *ld = lu_device_find(m.devs[i]);

			if (ld && ld->preserved)
				lu_device_unpreserve_one(ld);
		}
	}
	mutex_unlock(&lu.lock);
out:
	kfree(m.devs);
	return ret;
}
EXPORT_SYMBOL_GPL(iommu_lu_unpreserve_device);

/**
 * iommu_lu_device_preserved() - Is a device preserved?
 * @dev: the device.
 *
 * Return: true when @dev is preserved for the next update.
 */
bool iommu_lu_device_preserved(struct device *dev)
{
	unsigned long flags;
	struct lu_device *ld;
	bool ret;

	spin_lock_irqsave(&lu.lookup_lock, flags);
	ld = lu_device_find(dev);
	ret = ld && READ_ONCE(ld->preserved);
	spin_unlock_irqrestore(&lu.lookup_lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(iommu_lu_device_preserved);

/**
 * iommu_lu_domain_change_allowed() - May a domain's mappings change?
 * @domain: the domain about to be mapped or unmapped.
 *
 * Called by the IOMMU core before map and unmap, from any context (the
 * DMA API maps with GFP_ATOMIC, even in hard interrupts): never sleeps,
 * takes an IRQ-safe lock only while a caller-owned domain is preserved.
 *
 * Return: 0, or -EBUSY while a preserved device uses @domain.
 */
int iommu_lu_domain_change_allowed(const struct iommu_domain *domain)
{
	unsigned long flags;
	struct lu_domain *dom;
	int ret = 0;

	/* The map path: nothing to look up unless a caller domain is kept. */
	if (!domain || domain->type != IOMMU_DOMAIN_UNMANAGED ||
	    !READ_ONCE(lu.nr_kept_domains))
		return 0;
	spin_lock_irqsave(&lu.lookup_lock, flags);
	hash_for_each_possible(lu.domains_by_ptr, dom, ptr_node,
			       (unsigned long)domain) {
		if (dom->domain == domain) {
			ret = -EBUSY;
			break;
		}
	}
	spin_unlock_irqrestore(&lu.lookup_lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(iommu_lu_domain_change_allowed);

/**
 * iommu_lu_attach_allowed() - May a device be attached to another domain?
 * @dev: the device.
 *
 * Called by the IOMMU core before an attach. Never sleeps. An adopted
 * device may be attached: its driver takes it over and then calls
 * iommu_lu_release_device().
 *
 * Return: 0, or -EBUSY while @dev is preserved.
 */
int iommu_lu_attach_allowed(struct device *dev)
{
	return iommu_lu_device_preserved(dev) ? -EBUSY : 0;
}
EXPORT_SYMBOL_GPL(iommu_lu_attach_allowed);

/* ---------------------------------------------------------------------- */
/* Hotplug                                                                  */

/**
 * iommu_lu_device_added() - A device appeared (bus notifier, or probe).
 * @dev: the device.
 *
 * The device is tracked with its DMA aliases as they are now; it is
 * preserved only when asked. In the kernel after an update, a device that
 * was adopted is matched by requester id and bound here. Accepted while
 * frozen. Non-PCI devices and devices without a unit are ignored.
 *
 * Return: 0, or -ENOMEM (the device is then tracked when preserved).
 */
int iommu_lu_device_added(struct device *dev)
{
	unsigned long flags;
	struct lu_device *ld;
	int ret = 0;

	if (!dev || !dev_is_pci(dev))
		return 0;
	mutex_lock(&lu.lock);
	if (lu_device_find(dev))
		goto out;
	ld = lu_device_find_rid(pci_domain_nr(to_pci_dev(dev)->bus),
				pci_dev_id(to_pci_dev(dev)));
	if (ld && !ld->dev && ld->unit == lu_unit_of(dev)) {
		ld->dev = dev;
		spin_lock_irqsave(&lu.lookup_lock, flags);
		hash_add(lu.devices, &ld->node, (unsigned long)dev);
		spin_unlock_irqrestore(&lu.lookup_lock, flags);
		pr_debug("hotplug: %s bound to its adopted state: unit %#llx, %u requester ids, DID %u\n",
			 dev_name(dev), ld->unit->desc.token, ld->nr_rids,
			 ld->aatt ? ld->aatt->hw_id : 0);
		goto out;
	}
	ld = lu_device_track(dev);
	if (IS_ERR(ld)) {
		ret = PTR_ERR(ld) == -ENOMEM ? -ENOMEM : 0;
		goto out;
	}
	pr_debug("hotplug: %s added: unit %#llx, %u requester ids\n",
		 dev_name(dev), ld->unit->desc.token, ld->nr_rids);
out:
	mutex_unlock(&lu.lock);
	return ret;
}
EXPORT_SYMBOL_GPL(iommu_lu_device_added);

/**
 * iommu_lu_device_removed() - A device is going away.
 * @dev: the device.
 *
 * A preserved device is unpreserved (the rest of its group stays
 * preserved: it is still whole among the devices that exist); an adopted
 * one has its entries cleared. The registry never holds a device that is
 * gone. Accepted while frozen: a device that is gone cannot be handed over.
 * Cannot fail.
 */
void iommu_lu_device_removed(struct device *dev)
{
	struct lu_device *ld;

	if (!dev)
		return;
	mutex_lock(&lu.lock);
	ld = lu_device_find(dev);
	if (ld) {
		pr_debug("hotplug: %s removed: unit %#llx, preserved %d, adopted %d\n",
			 dev_name(dev), ld->unit->desc.token, ld->preserved,
			 ld->adopted);
		if (ld->preserved)
			pr_info("hotplug: preserved device %s removed: unpreserved\n",
				dev_name(dev));
		lu_device_unpreserve_one(ld);
		lu_device_drop_adoption(ld, true, false);
		lu_device_free(ld);
	}
	mutex_unlock(&lu.lock);
}
EXPORT_SYMBOL_GPL(iommu_lu_device_removed);
