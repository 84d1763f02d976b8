// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: core registry tests (userspace, against the machine model)
 *
 * What can be preserved and what is refused, idempotency, incremental
 * preservation, DMA aliases behind bridges, hotplug, the exact set of pages
 * KHO holds (compared with a brute-force minimum computed from the hardware
 * tables), random preserve/unpreserve/hotplug sequences against a reference
 * model, all-or-nothing preservation under failure injection, and vendor
 * registration.
 */
#include <stdlib.h>
#include <kunit/test.h>
#include "harness/machine.h"
#include "model/physmem.h"
#include "model/kho.h"
#include "../core/lu_core.h"

/* Topology indices, see topo_build(). */
struct topo {
	int rp0, ep0;		/* 00:1c.0 -> bus 1: 01:00.0 */
	int rp1, ep1;		/* 00:1d.0 -> bus 2: 02:00.0 */
	/* 00:1e.0 -> 3: 03:00.0 -> 4: 04:01.0 -> 5: 05:02.0, 05:03.0 */
	int rp2, pcie_pci, pci_br, bep0, bep1;
	int rp3;		/* 00:1f.0 -> bus 6, empty hotplug slot */
};

static void topo_build(struct kunit *test, struct lu_machine *m, struct topo *t)
{
	t->rp0 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1c, 0), PCI_MODEL_ROOT_PORT, 1);
	t->ep0 = lu_machine_add(m, 0, t->rp0, PCI_DEVFN(0, 0), PCI_MODEL_ENDPOINT_PCIE, 0);
	t->rp1 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1d, 0), PCI_MODEL_ROOT_PORT, 2);
	t->ep1 = lu_machine_add(m, 0, t->rp1, PCI_DEVFN(0, 0), PCI_MODEL_ENDPOINT_PCIE, 0);
	t->rp2 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1e, 0), PCI_MODEL_ROOT_PORT, 3);
	t->pcie_pci = lu_machine_add(m, 0, t->rp2, PCI_DEVFN(0, 0), PCI_MODEL_PCIE_PCI_BRIDGE, 4);
	t->pci_br = lu_machine_add(m, 0, t->pcie_pci, PCI_DEVFN(1, 0), PCI_MODEL_PCI_BRIDGE, 5);
	t->bep0 = lu_machine_add(m, 0, t->pci_br, PCI_DEVFN(2, 0), PCI_MODEL_ENDPOINT_PCI, 0);
	t->bep1 = lu_machine_add(m, 0, t->pci_br, PCI_DEVFN(3, 0), PCI_MODEL_ENDPOINT_PCI, 0);
	t->rp3 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1f, 0), PCI_MODEL_ROOT_PORT, 6);
	KUNIT_ASSERT_GE(test, t->ep0, 0);
	KUNIT_ASSERT_GE(test, t->bep1, 0);
	KUNIT_ASSERT_GE(test, t->rp3, 0);
}

static struct lu_machine *machine_up(struct kunit *test, struct topo *t)
{
	struct lu_machine *m = lu_machine_new(1, NULL);

	topo_build(test, m, t);
	return m;
}

/* ---- brute-force reference: the pages the preserved state needs ---- */

struct pageset {
	u64 *p;
	unsigned int nr, cap;
};

static void ps_add(struct pageset *s, u64 phys)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		if (s->p[i] == phys)
			return;
	if (s->nr == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->p = realloc(s->p, s->cap * sizeof(*s->p));
	}
	s->p[s->nr++] = phys;
}

static bool ps_has(const struct pageset *s, u64 phys)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		if (s->p[i] == phys)
			return true;
	return false;
}

static struct kunit *current_test;

/* Walk a second-level table from the hardware (independently of the core). */
static void walk_pt(struct pageset *s, u64 table, int level)
{
	u64 *e = physmem_va(table);
	unsigned int i;

	ps_add(s, table);
	if (level == 1)
		return;
	for (i = 0; i < 512; i++) {
		if (!(e[i] & 3) || (e[i] & BIT(7)))
			continue;
		walk_pt(s, e[i] & GENMASK_ULL(51, 12), level - 1);
	}
}

/*
 * Scalable mode: the (lower or upper) context table of @rid, its PASID
 * directory, every PASID table the directory leads to, and the page table
 * of its RID_PASID (0) entry.
 */
static void min_pages_sm(const u64 *re, u16 rid, struct pageset *s)
{
	unsigned int devfn = rid & 0xff, pdts, i;
	u64 ctp = re[2 * (rid >> 8) + (devfn >= 0x80)] & GENMASK_ULL(51, 12);
	u64 *ce = physmem_va(ctp), *dir, *pe;

	ps_add(s, ctp);
	ce += 4 * (devfn & 0x7f);
	if (!(ce[0] & 1)) {
		kunit_err(current_test, "rid %04x has no context entry\n", rid);
		return;
	}
	pdts = (ce[0] >> 9) & 7;
	dir = physmem_va(ce[0] & GENMASK_ULL(51, 12));
	for (i = 0; i < (pdts > 2 ? 1U << (pdts - 2) : 1); i++)
		ps_add(s, (ce[0] & GENMASK_ULL(51, 12)) + i * PAGE_SIZE);
	for (i = 0; i < 1U << (pdts + 7); i++)
		if (dir[i] & 1)
			ps_add(s, dir[i] & GENMASK_ULL(51, 12));
	pe = physmem_va(dir[0] & GENMASK_ULL(51, 12));
	walk_pt(s, pe[0] & GENMASK_ULL(51, 12), ((pe[0] >> 2) & 7) + 2);
}

/* Root + context tables of every given rid's bus + their domains' tables. */
static void min_pages(struct lu_machine *m, const u16 *rids, unsigned int nr,
		      struct pageset *s)
{
	u64 root = idrv_root_phys(m->drv[0]);
	u64 *re = physmem_va(root);
	unsigned int i;

	if (!nr)
		return;
	ps_add(s, root);
	for (i = 0; i < nr && idrv_sm(m->drv[0]); i++)
		min_pages_sm(re, rids[i], s);
	for (i = 0; i < nr && !idrv_sm(m->drv[0]); i++) {
		u64 ctp = re[2 * (rids[i] >> 8)] & GENMASK_ULL(51, 12);
		u64 *ce = physmem_va(ctp);
		u64 lo = ce[2 * (rids[i] & 0xff)], hi = ce[2 * (rids[i] & 0xff) + 1];

		ps_add(s, ctp);
		if (!(lo & 1)) {
			kunit_err(current_test, "rid %04x has no context entry\n",
				  rids[i]);
			continue;
		}
		walk_pt(s, lo & GENMASK_ULL(51, 12), (hi & 7) + 2);
	}
}

struct kho_set_ctx {
	struct pageset *s;
	const struct pageset *exclude;
};

static void kho_collect(u64 phys, unsigned int order, void *data)
{
	struct kho_set_ctx *c = data;
	u64 i;

	for (i = 0; i < (1ULL << order); i++) {
		u64 p = phys + i * PAGE_SIZE;

		if (!c->exclude || !ps_has(c->exclude, p))
			ps_add(c->s, p);
	}
}

/* Handover metadata pages: the header and every block. */
static void handover_pages(struct pageset *s)
{
	struct lu_block *blk;
	unsigned int k;

	if (!lu.hdr)
		return;
	ps_add(s, virt_to_phys(lu.hdr));
	for (k = 0; k < IOMMU_LU_REC_NR; k++)
		list_for_each_entry(blk, &lu.chains[k].blocks, node)
			ps_add(s, blk->phys);
}

/*
 * The hardware pages KHO holds: everything preserved minus the handover's
 * own pages and the owners' memory (preserved by the "VMM", not us).
 */
static void kho_hw_pages(struct pageset *s, struct lu_owner **owners,
			 unsigned int nr_owners)
{
	struct pageset ex = { };
	struct kho_set_ctx c = { .s = s, .exclude = &ex };
	unsigned int i, j;

	handover_pages(&ex);
	for (i = 0; i < nr_owners; i++)
		for (j = 0; owners[i] && j < owners[i]->nr_pages; j++)
			ps_add(&ex, owners[i]->phys[j]);
	kho_model_for_each_preserved(kho_collect, &c);
	free(ex.p);
}

static bool ps_equal(const struct pageset *a, const struct pageset *b)
{
	unsigned int i;

	if (a->nr != b->nr)
		return false;
	for (i = 0; i < a->nr; i++)
		if (!ps_has(b, a->p[i]))
			return false;
	return true;
}

static unsigned int dev_rids(struct lu_machine *m, int idx, u16 *rids)
{
	return pci_model_dma_aliases(m->devs[idx].pdev, rids, IOMMU_LU_MAX_RIDS);
}

/* Collect the rids of preserved devices (own + aliases, deduplicated). */
static unsigned int preserved_rids(struct lu_machine *m, u16 *out)
{
	unsigned int i, j, k, n = 0;

	for (i = 0; i < m->nr_devs; i++) {
		u16 r[IOMMU_LU_MAX_RIDS];
		unsigned int nr;

		if (!m->devs[i].pdev ||
		    !iommu_lu_device_preserved(&m->devs[i].pdev->dev))
			continue;
		nr = dev_rids(m, i, r);
		for (j = 0; j < nr; j++) {
			for (k = 0; k < n; k++)
				if (out[k] == r[j])
					break;
			if (k == n)
				out[n++] = r[j];
		}
	}
	return n;
}

static void expect_min_pages(struct kunit *test, struct lu_machine *m,
			     struct lu_owner **owners, unsigned int nr_owners)
{
	struct pageset want = { }, have = { };
	u16 rids[256];
	unsigned int n = preserved_rids(m, rids);

	current_test = test;
	min_pages(m, rids, n, &want);
	kho_hw_pages(&have, owners, nr_owners);
	KUNIT_EXPECT_TRUE_MSG(test, ps_equal(&want, &have),
			      "KHO holds %u hardware pages, the minimum is %u",
			      have.nr, want.nr);
	KUNIT_EXPECT_EQ(test, kho_model.double_preserves, 0);
	KUNIT_EXPECT_EQ(test, kho_model.bad_unpreserves, 0);
	free(want.p);
	free(have.p);
}

static struct device *dev_of(struct lu_machine *m, int idx)
{
	return lu_machine_dev(m, idx);
}

/* ---- cases ---- */

static void core_test_preserve_one(struct kunit *test)
{
	struct topo t;
	struct lu_machine *m = machine_up(test, &t);
	struct lu_owner *o = lu_owner_new(m, 0, 0x100000, 4, 1);
	struct device *dev = dev_of(m, t.ep0);

	KUNIT_ASSERT_EQ(test, lu_owner_attach(o, t.ep0), 0);
	KUNIT_EXPECT_EQ(test, iommu_lu_preserve_device(dev), 0);
	KUNIT_EXPECT_TRUE(test, iommu_lu_device_preserved(dev));
	/* root + bus 1's context table + 3 page-table levels */
	expect_min_pages(test, m, &o, 1);
	KUNIT_EXPECT_EQ(test, lu.chains[IOMMU_LU_REC_PAGE].nr_records, 5);
	KUNIT_EXPECT_EQ(test, lu.chains[IOMMU_LU_REC_DEVICE].nr_records, 1);
	KUNIT_EXPECT_EQ(test, lu.chains[IOMMU_LU_REC_DOMAIN].nr_records, 1);
	KUNIT_EXPECT_EQ(test, lu.chains[IOMMU_LU_REC_UNIT].nr_records, 1);
	lu_owner_free(o);
}

static void core_test_idempotent(struct kunit *test)
{
	struct topo t;
	struct lu_machine *m = machine_up(test, &t);
	struct lu_owner *o = lu_owner_new(m, 0, 0x100000, 2, 2);
	struct device *dev = dev_of(m, t.ep0);
	size_t before;
	u64 gen;

	KUNIT_ASSERT_EQ(test, lu_owner_attach(o, t.ep0), 0);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(dev), 0);
	kho_model_log(&before);
	gen = lu.hdr->generation;

	KUNIT_EXPECT_EQ(test, iommu_lu_preserve_device(dev), 0);
	KUNIT_EXPECT_EQ(test, iommu_lu_preserve_devices(&dev, 1), 0);
	{
		size_t after;

		kho_model_log(&after);
		KUNIT_EXPECT_EQ_MSG(test, after, before,
				    "a repeated preserve made KHO calls");
	}
	KUNIT_EXPECT_EQ(test, lu.hdr->generation, gen);

	/* Unpreserving twice: the second is a no-op; everything is released. */
	KUNIT_EXPECT_EQ(test, iommu_lu_unpreserve_device(dev), 0);
	KUNIT_EXPECT_EQ(test, iommu_lu_unpreserve_device(dev), 0);
	KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(dev));
	KUNIT_EXPECT_NULL(test, lu.hdr);
	KUNIT_EXPECT_EQ(test, kho_model_nr_preserved_pages(), o->nr_pages);
	KUNIT_EXPECT_EQ(test, kho_model.bad_unpreserves, 0);
	/* Unpreserve of a device never preserved: no-op. */
	KUNIT_EXPECT_EQ(test, iommu_lu_unpreserve_device(dev_of(m, t.ep1)), 0);
	lu_owner_free(o);
}

static void core_test_dma_domain_refused(struct kunit *test)
{
	struct topo t;
	struct lu_machine *m = machine_up(test, &t);
	struct device *dev = dev_of(m, t.ep1);	/* on its default DMA domain */

	KUNIT_EXPECT_EQ(test, iommu_lu_preserve_device(dev), -EINVAL);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("not caller-owned"));
	KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(dev));
	KUNIT_EXPECT_EQ(test, kho_model_nr_preserved_pages(), 0);
	KUNIT_EXPECT_NULL(test, lu.hdr);
}

static void core_test_partial_group_refused(struct kunit *test)
{
	struct topo t;
	struct lu_machine *m = machine_up(test, &t);
	struct lu_owner *o = lu_owner_new(m, 0, 0x200000, 2, 3);
	struct device *both[2];
	u16 rids[IOMMU_LU_MAX_RIDS];

	both[0] = dev_of(m, t.bep0);
	both[1] = dev_of(m, t.bep1);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o, t.bep0), 0);
	KUNIT_EXPECT_PTR_EQ(test, iommu_get_domain_for_dev(both[1]), o->domain);

	KUNIT_EXPECT_EQ(test, iommu_lu_preserve_device(both[0]), -EINVAL);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("not preserved whole"));
	KUNIT_EXPECT_EQ(test, kho_model_nr_preserved_pages(), o->nr_pages);

	KUNIT_EXPECT_EQ(test, iommu_lu_preserve_devices(both, 2), 0);
	KUNIT_EXPECT_TRUE(test, iommu_lu_device_preserved(both[0]));
	KUNIT_EXPECT_TRUE(test, iommu_lu_device_preserved(both[1]));

	/* 05:02.0 DMAs as itself, as the pci-bridge 04:01.0 and as (4, 0). */
	KUNIT_ASSERT_EQ(test, dev_rids(m, t.bep0, rids), 3);
	KUNIT_EXPECT_EQ(test, rids[0], 0x0510);
	KUNIT_EXPECT_EQ(test, rids[1], 0x0408);
	KUNIT_EXPECT_EQ(test, rids[2], 0x0400);
	KUNIT_EXPECT_TRUE(test, iommu_lu_rid_preserved(lu_device_find(both[0])->unit, 0x0408));
	KUNIT_EXPECT_TRUE(test, iommu_lu_rid_preserved(lu_device_find(both[0])->unit, 0x0400));
	/* Context tables of bus 4 and bus 5, root, 3 page-table pages. */
	expect_min_pages(test, m, &o, 1);
	KUNIT_EXPECT_EQ(test, lu.chains[IOMMU_LU_REC_PAGE].nr_records, 6);

	/* Unpreserving one member releases the whole group. */
	KUNIT_EXPECT_EQ(test, iommu_lu_unpreserve_device(both[1]), 0);
	KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(both[0]));
	KUNIT_EXPECT_EQ(test, kho_model_nr_preserved_pages(), o->nr_pages);
	lu_owner_free(o);
}

static void core_test_busy_while_preserved(struct kunit *test)
{
	struct topo t;
	struct lu_machine *m = machine_up(test, &t);
	struct lu_owner *o = lu_owner_new(m, 0, 0x100000, 1, 4);
	struct iommu_domain *other;
	u64 page = physmem_alloc_page();

	KUNIT_ASSERT_EQ(test, lu_owner_attach(o, t.ep0), 0);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(dev_of(m, t.ep0)), 0);

	KUNIT_EXPECT_EQ(test, iommu_lu_domain_change_allowed(o->domain), -EBUSY);
	KUNIT_EXPECT_EQ(test, idrv_map(o->domain, 0x400000, page, PAGE_SIZE,
				       IOMMU_READ), -EBUSY);
	KUNIT_EXPECT_EQ(test, idrv_unmap(o->domain, 0x100000, PAGE_SIZE), 0);
	other = idrv_domain_alloc(m->drv[0], IOMMU_DOMAIN_UNMANAGED);
	KUNIT_EXPECT_EQ(test, iommu_lu_attach_allowed(dev_of(m, t.ep0)), -EBUSY);
	KUNIT_EXPECT_NE(test, idrv_attach_dev(other, dev_of(m, t.ep0)), 0);
	/* Still translating the preserved mapping. */
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(o, lu_machine_rid(m, t.ep0)), 0);

	KUNIT_ASSERT_EQ(test, iommu_lu_unpreserve_device(dev_of(m, t.ep0)), 0);
	KUNIT_EXPECT_EQ(test, iommu_lu_domain_change_allowed(o->domain), 0);
	KUNIT_EXPECT_EQ(test, idrv_map(o->domain, 0x400000, page, PAGE_SIZE,
				       IOMMU_READ), 0);
	KUNIT_EXPECT_EQ(test, idrv_attach_dev(other, dev_of(m, t.ep0)), 0);
	lu_owner_free(o);
}

static void core_test_hotplug_incremental(struct kunit *test)
{
	struct topo t;
	struct lu_machine *m = machine_up(test, &t);
	struct lu_owner *o[2];
	const struct kho_call *log;
	struct pageset want = { };
	size_t n0, n1, i;
	int ep;
	u16 rid;

	o[0] = lu_owner_new(m, 0, 0x100000, 2, 5);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o[0], t.ep0), 0);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(dev_of(m, t.ep0)), 0);

	/* A device hot-added after its unit was preserved: tracked, not preserved. */
	ep = lu_machine_add(m, 0, t.rp3, PCI_DEVFN(0, 0), PCI_MODEL_ENDPOINT_PCIE, 0);
	KUNIT_ASSERT_GE(test, ep, 0);
	KUNIT_EXPECT_NOT_NULL(test, lu_device_find(dev_of(m, ep)));
	KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(dev_of(m, ep)));

	o[1] = lu_owner_new(m, 0, 0x300000, 1, 6);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o[1], ep), 0);
	kho_model_log(&n0);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(dev_of(m, ep)), 0);
	log = kho_model_log(&n1);

	/* Exactly bus 6's context table and the new domain's 3 table pages. */
	rid = lu_machine_rid(m, ep);
	min_pages(m, &rid, 1, &want);
	for (i = n0; i < n1; i++) {
		if (log[i].op != KHO_OP_PRESERVE_PAGES)
			continue;
		KUNIT_EXPECT_EQ(test, log[i].nr, 1);
		KUNIT_EXPECT_TRUE_MSG(test, ps_has(&want, log[i].phys),
				      "preserved %#llx, not needed by 06:00.0",
				      (unsigned long long)log[i].phys);
		KUNIT_EXPECT_NE(test, log[i].phys, idrv_root_phys(m->drv[0]));
	}
	{
		unsigned int preserves = 0;

		for (i = n0; i < n1; i++)
			preserves += log[i].op == KHO_OP_PRESERVE_PAGES;
		KUNIT_EXPECT_EQ(test, preserves, 4);
	}
	expect_min_pages(test, m, o, 2);
	free(want.p);
	lu_owner_free(o[0]);
	lu_owner_free(o[1]);
}

static void core_test_remove_preserved(struct kunit *test)
{
	struct topo t;
	struct lu_machine *m = machine_up(test, &t);
	struct lu_owner *o[2];
	struct device *dev;

	o[0] = lu_owner_new(m, 0, 0x100000, 1, 7);
	o[1] = lu_owner_new(m, 0, 0x200000, 1, 8);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o[0], t.ep0), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o[1], t.bep0), 0);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(dev_of(m, t.ep0)), 0);
	{
		struct device *g[2] = { dev_of(m, t.bep0), dev_of(m, t.bep1) };

		KUNIT_ASSERT_EQ(test, iommu_lu_preserve_devices(g, 2), 0);
	}
	dev = dev_of(m, t.ep0);

	/* Surprise removal of the root port takes 01:00.0 with it. */
	lu_machine_remove(m, t.rp0);
	KUNIT_EXPECT_NULL(test, lu_device_find(dev));
	KUNIT_EXPECT_TRUE(test, shim_log_contains("removed: unpreserved"));
	expect_min_pages(test, m, o, 2);
	KUNIT_EXPECT_EQ(test, lu.chains[IOMMU_LU_REC_DEVICE].nr_records, 2);

	/* Removing one bridged device leaves its (now whole) group preserved. */
	lu_machine_remove(m, t.bep1);
	KUNIT_EXPECT_TRUE(test, iommu_lu_device_preserved(dev_of(m, t.bep0)));
	expect_min_pages(test, m, o, 2);

	/* Removing the bridge removes the rest: nothing is handed over. */
	lu_machine_remove(m, t.rp2);
	KUNIT_EXPECT_NULL(test, lu.hdr);
	KUNIT_EXPECT_EQ(test, kho_model_nr_preserved_pages(), 2);
	lu_owner_free(o[0]);
	lu_owner_free(o[1]);
}

/*
 * Random sequences of preserve, unpreserve, hotplug add and remove against a
 * reference model (which groups are preserved): after every step the
 * registry, KHO and the decoded handover equal the net effect.
 */
#define RAND_SLOTS 8

static u32 rnd_state;

static u32 rnd(void)
{
	rnd_state = rnd_state * 1103515245 + 12345;
	return rnd_state >> 8;
}

struct rslot {
	int rp, ep;		/* root port (bus 0x10 + i) and its endpoint, -1 when unplugged */
	struct lu_owner *o;
	bool preserved;		/* the reference model */
};

static const void *dump_map(void *ctx, u64 phys)
{
	u8 *buf = ctx;
	size_t off = 0;

	for (;;) {
		struct iommu_lu_dump_page_ser *d = (void *)(buf + off);

		if (d->magic != IOMMU_LU_DUMP_MAGIC)
			return NULL;
		if (d->phys == phys)
			return d + 1;
		off += sizeof(*d) + IOMMU_LU_BLOCK_SIZE;
	}
}

static void check_handover(struct kunit *test, unsigned int want_devices)
{
	struct iommu_lu_handover ho;
	char err[160];
	size_t sz;
	u8 *buf;

	mutex_lock(&lu.lock);
	sz = lu_ser_dump(NULL, 0);
	if (!sz) {
		mutex_unlock(&lu.lock);
		KUNIT_EXPECT_EQ(test, want_devices, 0);
		return;
	}
	buf = calloc(1, sz + sizeof(struct iommu_lu_dump_page_ser));
	lu_ser_dump(buf, sz);
	mutex_unlock(&lu.lock);

	KUNIT_ASSERT_EQ_MSG(test, iommu_lu_decode(buf + 16, IOMMU_LU_BLOCK_SIZE,
						  dump_map, buf, &ho, err,
						  sizeof(err)), 0, "%s", err);
	KUNIT_EXPECT_EQ(test, ho.nr_devices, want_devices);
	iommu_lu_handover_free(&ho);
	free(buf);
}

static void core_test_random_sequences(struct kunit *test)
{
	struct rslot s[RAND_SLOTS];
	struct lu_owner *owners[RAND_SLOTS];
	struct lu_machine *m = lu_machine_new(1, NULL);
	unsigned int step, i, nr_pres;

	rnd_state = 0x1234567;
	for (i = 0; i < RAND_SLOTS; i++) {
		s[i].rp = lu_machine_add(m, 0, -1, PCI_DEVFN(i + 1, 0),
					 PCI_MODEL_ROOT_PORT, 0x10 + i);
		s[i].ep = -1;
		s[i].o = NULL;
		s[i].preserved = false;
	}
	for (step = 0; step < 400; step++) {
		struct rslot *r = &s[rnd() % RAND_SLOTS];
		unsigned int op = rnd() % 5;

		if (r->ep < 0) {
			/* hotplug a device and give it an owner */
			r->ep = lu_machine_add(m, 0, r->rp, PCI_DEVFN(0, 0),
					       PCI_MODEL_ENDPOINT_PCIE, 0);
			KUNIT_ASSERT_GE(test, r->ep, 0);
			if (r->o)
				lu_owner_destroy(r->o);
			r->o = lu_owner_new(m, 0, 0x100000 * (1 + (r - s)), 1 + rnd() % 3,
					    step);
			KUNIT_ASSERT_EQ(test, lu_owner_attach(r->o, r->ep), 0);
		} else if (op <= 1) {
			KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(dev_of(m, r->ep)), 0);
			r->preserved = true;
		} else if (op <= 3) {
			KUNIT_ASSERT_EQ(test, iommu_lu_unpreserve_device(dev_of(m, r->ep)), 0);
			r->preserved = false;
		} else {
			lu_machine_remove(m, r->ep);
			r->ep = -1;
			r->preserved = false;
		}

		nr_pres = 0;
		for (i = 0; i < RAND_SLOTS; i++) {
			owners[i] = s[i].o;
			if (s[i].ep >= 0)
				KUNIT_EXPECT_EQ(test,
						iommu_lu_device_preserved(dev_of(m, s[i].ep)),
						s[i].preserved);
			nr_pres += s[i].preserved;
		}
		expect_min_pages(test, m, owners, RAND_SLOTS);
		check_handover(test, nr_pres);
		if (test->status == KUNIT_FAILURE) {
			kunit_err(test, "diverged at step %u\n", step);
			break;
		}
	}
	for (i = 0; i < RAND_SLOTS; i++)
		lu_owner_free(s[i].o);
}

/*
 * All or nothing: fail the Nth allocation, then the Nth KHO call, of a
 * preserve; after each failure the handover, KHO and the registry are as
 * they were before the call. N sweeps until the call succeeds.
 */
static void core_test_preserve_failure_injection(struct kunit *test)
{
	struct topo t;
	struct lu_machine *m = machine_up(test, &t);
	struct lu_owner *o[2];
	struct device *g[2];
	int kind, n, ret;

	o[0] = lu_owner_new(m, 0, 0x100000, 2, 9);
	o[1] = lu_owner_new(m, 0, 0x200000, 3, 10);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o[0], t.ep0), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o[1], t.bep0), 0);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(dev_of(m, t.ep0)), 0);
	g[0] = dev_of(m, t.bep0);
	g[1] = dev_of(m, t.bep1);

	for (kind = 0; kind < 2; kind++) {
		for (n = 1; n < 200; n++) {
			size_t before = kho_model_nr_preserved_pages();
			size_t dsz, dsz2;
			u8 *d0, *d1;

			mutex_lock(&lu.lock);
			dsz = lu_ser_dump(NULL, 0);
			d0 = calloc(1, dsz);
			lu_ser_dump(d0, dsz);
			mutex_unlock(&lu.lock);

			if (kind == 0)
				shim_fail_alloc_nth = n;
			else
				kho_model_fail_nth = n;
			ret = iommu_lu_preserve_devices(g, 2);
			shim_fail_alloc_nth = 0;
			kho_model_fail_nth = 0;
			if (!ret) {
				free(d0);
				KUNIT_ASSERT_EQ(test, iommu_lu_unpreserve_device(g[0]), 0);
				break;
			}
			KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(g[0]));
			KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(g[1]));
			KUNIT_EXPECT_EQ(test, kho_model_nr_preserved_pages(), before);
			mutex_lock(&lu.lock);
			dsz2 = lu_ser_dump(NULL, 0);
			d1 = calloc(1, dsz2 ? dsz2 : 1);
			lu_ser_dump(d1, dsz2);
			mutex_unlock(&lu.lock);
			KUNIT_EXPECT_EQ(test, dsz2, dsz);
			/* The generation moves; every record must be identical. */
			KUNIT_EXPECT_EQ(test, memcmp(d0 + 16 + 48, d1 + 16 + 48,
						     dsz - 16 - 48), 0);
			expect_min_pages(test, m, o, 2);
			free(d0);
			free(d1);
			if (test->status == KUNIT_FAILURE) {
				kunit_err(test, "%s failure %d broke the state\n",
					  kind ? "KHO" : "allocation", n);
				return;
			}
		}
		KUNIT_EXPECT_LT_MSG(test, n, 200, "preserve never succeeded");
	}
	lu_owner_free(o[0]);
	lu_owner_free(o[1]);
}

static int nop_preserve(struct iommu_lu_unit *u, u64 *root,
			struct iommu_lu_page_set *s)
{
	return -EOPNOTSUPP;
}

/*
 * Scalable mode: a preserved device needs its half of the bus's context
 * table pair, its PASID directory and PASID table on top of the legacy set;
 * the device record carries the directory and its size (PDTS). Preserving
 * and unpreserving keep KHO at exactly that minimum.
 */
static void core_test_scalable_pages(struct kunit *test)
{
	struct vtd_model_cfg cfg;
	struct lu_owner *o[2];
	struct lu_machine *m;
	struct lu_device *ld;
	u64 *re, *ce;
	struct topo t;

	vtd_model_default_cfg(&cfg);
	cfg.scalable = true;
	m = lu_machine_new(1, &cfg);
	KUNIT_ASSERT_TRUE(test, idrv_sm(m->drv[0]));
	topo_build(test, m, &t);
	o[0] = lu_owner_new(m, 0, 0x100000, 2, 1);
	o[1] = lu_owner_new(m, 0, 0x100000, 2, 2);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o[0], t.ep0), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o[1], t.ep1), 0);

	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(dev_of(m, t.ep0)), 0);
	/* root, bus 1's lower context table, directory, PASID table, 3 levels */
	expect_min_pages(test, m, o, 2);
	KUNIT_EXPECT_EQ(test, lu.chains[IOMMU_LU_REC_PAGE].nr_records, 7);
	check_handover(test, 1);

	re = physmem_va(idrv_root_phys(m->drv[0]));
	ce = physmem_va(re[2 * 1] & GENMASK_ULL(51, 12));
	mutex_lock(&lu.lock);
	ld = lu_device_find(dev_of(m, t.ep0));
	KUNIT_ASSERT_NOT_NULL(test, ld);
	KUNIT_EXPECT_EQ(test, ((struct iommu_lu_device_ser *)lu_ser_rec(&ld->slot))->pasid_dir_phys,
			ce[0] & GENMASK_ULL(51, 12));
	KUNIT_EXPECT_EQ(test, ((struct iommu_lu_device_ser *)lu_ser_rec(&ld->slot))->vendor_data,
			(ce[0] >> 9) & 7);
	mutex_unlock(&lu.lock);

	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(dev_of(m, t.ep1)), 0);
	expect_min_pages(test, m, o, 2);
	check_handover(test, 2);
	KUNIT_ASSERT_EQ(test, iommu_lu_unpreserve_device(dev_of(m, t.ep0)), 0);
	expect_min_pages(test, m, o, 2);
	KUNIT_EXPECT_EQ(test, lu.chains[IOMMU_LU_REC_PAGE].nr_records, 7);
	lu_owner_free(o[0]);
	lu_owner_free(o[1]);
}

static void core_test_vendor_registration(struct kunit *test)
{
	static const struct iommu_lu_vendor_ops incomplete = {
		.vendor = IOMMU_LU_VENDOR_AMD_VI, .name = "incomplete",
		.unit_preserve = nop_preserve,
	};
	const struct iommu_lu_vendor_ops *intel = lu.vendors[IOMMU_LU_VENDOR_INTEL_VTD];
	struct topo t;
	struct lu_machine *m;
	struct lu_owner *o;

	KUNIT_ASSERT_NOT_NULL(test, intel);
	KUNIT_EXPECT_EQ(test, iommu_lu_register_vendor(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, iommu_lu_register_vendor(&incomplete), -EINVAL);
	KUNIT_EXPECT_EQ(test, iommu_lu_register_vendor(intel), -EEXIST);

	/* Unregister and register again: clean. */
	KUNIT_EXPECT_EQ(test, iommu_lu_unregister_vendor(intel), 0);
	KUNIT_EXPECT_NULL(test, lu.vendors[IOMMU_LU_VENDOR_INTEL_VTD]);
	KUNIT_EXPECT_EQ(test, iommu_lu_unregister_vendor(intel), -EINVAL);
	KUNIT_EXPECT_EQ(test, iommu_lu_register_vendor(intel), 0);

	/* Busy while a unit has preserved state; refused while frozen. */
	m = machine_up(test, &t);
	o = lu_owner_new(m, 0, 0x100000, 1, 11);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o, t.ep0), 0);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(dev_of(m, t.ep0)), 0);
	KUNIT_EXPECT_EQ(test, iommu_lu_unregister_vendor(intel), -EBUSY);
	KUNIT_EXPECT_EQ(test, iommu_lu_freeze(), 0);
	KUNIT_EXPECT_EQ(test, iommu_lu_unregister_vendor(intel), -EBUSY);
	KUNIT_EXPECT_EQ(test, iommu_lu_register_vendor(&incomplete), -EINVAL);
	{
		static struct iommu_lu_vendor_ops copy;

		copy = *intel;
		copy.vendor = IOMMU_LU_VENDOR_ARM_SMMU_V3;
		KUNIT_EXPECT_EQ(test, lu.vendors[IOMMU_LU_VENDOR_ARM_SMMU_V3] ? 0 : 1, 0);
		KUNIT_EXPECT_EQ(test, iommu_lu_register_vendor(&copy), -EBUSY);
	}
	/* Frozen: preserve and unpreserve refused, state unchanged. */
	KUNIT_EXPECT_EQ(test, iommu_lu_unpreserve_device(dev_of(m, t.ep0)), -EBUSY);
	KUNIT_EXPECT_TRUE(test, iommu_lu_device_preserved(dev_of(m, t.ep0)));
	iommu_lu_unfreeze();
	KUNIT_EXPECT_EQ(test, iommu_lu_unpreserve_device(dev_of(m, t.ep0)), 0);
	lu_owner_free(o);
}

static struct kunit_case core_test_cases[] = {
	KUNIT_CASE(core_test_preserve_one),
	KUNIT_CASE(core_test_idempotent),
	KUNIT_CASE(core_test_dma_domain_refused),
	KUNIT_CASE(core_test_partial_group_refused),
	KUNIT_CASE(core_test_busy_while_preserved),
	KUNIT_CASE(core_test_hotplug_incremental),
	KUNIT_CASE(core_test_remove_preserved),
	KUNIT_CASE(core_test_random_sequences),
	KUNIT_CASE(core_test_preserve_failure_injection),
	KUNIT_CASE(core_test_scalable_pages),
	KUNIT_CASE(core_test_vendor_registration),
	{}
};

static struct kunit_suite core_test_suite = {
	.name = "iommu_lu_core",
	.test_cases = core_test_cases,
};

kunit_test_suite(core_test_suite);
