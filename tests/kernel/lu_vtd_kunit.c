// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-lu KUnit suite on a live VT-d unit: the framework against the real
 * Intel driver's tables, with the devices of the edu test driver.
 */

/**
 * DOC: KUnit on QEMU's emulated VT-d
 *
 * The suite "iommu_lu_vtd_qemu" only makes sense in a real kernel booted on
 * QEMU's intel-iommu (legacy mode) with edu devices bound to the edu test
 * driver (lu_edu_test.c), which owns each of them as VFIO would: its own
 * paging domain attached to the group, an IOVA window mapped. The KUnit
 * executor runs after every initcall, so the devices are bound and the
 * framework follows them by then. scripts/check-kernel-boot.sh boots such a
 * guest: two edu devices on the root bus (a group each), two behind a
 * pci-bridge behind a pcie-pci-bridge (one group, requester ids aliased on
 * bus 1) and an e1000 on a DMA-API domain.
 *
 * What the framework says is checked against what does not come from it:
 * the driver's context entries, read as drivers/iommu/intel/debugfs.c reads
 * them (iommu_context_addr() under &intel_iommu.lock), the driver's own
 * domain-id bookkeeping, pci_for_each_dma_alias(), the edu driver's domain,
 * and KHO's tree of subtrees. The framework's side is read through its
 * internals (core/lu_core.h) under &lu_core.lock, as its debugfs does.
 *
 * - preserve_singletons: each singleton group preserved; every requester id
 *   of it has a present context entry with the domain id and page-table
 *   root the framework preserved; the root table, context tables and
 *   page-table root are preserved pages; the domain is immutable.
 * - bridged_group: one device of the bridged group alone is refused with
 *   -EINVAL and changes nothing; both together are preserved with their
 *   three requester ids (own id, the pci-bridge's, bus 1 devfn 0).
 * - dma_api_refused: the e1000 on its DMA-API default domain is refused
 *   with -EINVAL, alone or together with an edu; the registry and the
 *   handover are unchanged byte for byte.
 * - cleanup_set: what the kexec-time cleanup would clear
 *   (iommu_lu_intel_cleanup_set(), nothing written) is exactly the present
 *   context entries minus the preserved requester ids.
 * - unpreserve_all: unpreserving releases every KHO preservation (no
 *   preserved page, no record, no block, the handover header withdrawn from
 *   KHO) and the tables still translate: same entries, DMA round trips.
 *
 * Every case unpreserves, at exit, whatever it preserved: the suite leaves
 * the registry as it found it. In scalable mode (no bridged group, context
 * entries that hold PASID directories) the cases that decode context
 * entries are skipped.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/iommu.h>
#include <linux/kexec_handover.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include "../../core/lu_core.h"
#include "../../../intel/iommu.h"	/* white box: the driver's tables */
#include "../../vendors/intel/vtd_hw.h"	/* iommu_lu_intel_cleanup_set() */
#include "lu_edu_test.h"

#define LU_KT_MAX_EDUS	8
#define LU_KT_NR_RIDS	BIT(16)
#define PCI_DEVICE_ID_INTEL_82540EM	0x100e	/* QEMU's e1000 */

/**
 * struct lu_kt - What one test case works on.
 * @edu: the edu devices the test driver owns (referenced).
 * @nr_edu: entries in @edu.
 * @was_preserved: the device was preserved before the case ran.
 * @iommu: the VT-d unit of the first edu device.
 */
struct lu_kt {
	struct pci_dev *edu[LU_KT_MAX_EDUS];
	unsigned int nr_edu;
	bool was_preserved[LU_KT_MAX_EDUS];
	struct intel_iommu *iommu;
};

/**
 * struct lu_kt_rids - Requester ids of a device.
 * @rid: own id first, then the DMA aliases.
 * @nr: entries in @rid.
 */
struct lu_kt_rids {
	u16 rid[IOMMU_LU_MAX_RIDS];
	unsigned int nr;
};

/**
 * struct lu_kt_fw - The framework's view of one device.
 * @found: the device is tracked.
 * @preserved: it is preserved.
 * @rids: its requester ids.
 * @did: hardware domain id of its preserved domain.
 * @pgtable: page-table root of its preserved domain.
 * @domain: the caller's domain it was preserved on.
 * @unit: its unit.
 * @unit_root: the unit's preserved root table.
 */
struct lu_kt_fw {
	bool found;
	bool preserved;
	struct lu_kt_rids rids;
	u32 did;
	u64 pgtable;
	const struct iommu_domain *domain;
	const struct iommu_lu_unit *unit;
	u64 unit_root;
};

/**
 * struct lu_kt_ctx - A context entry as the driver's table holds it.
 * @present: the entry is present.
 * @did: its domain id.
 * @pgtable: its second-level page-table root.
 * @table: the context table it is in (0: the bus has none).
 */
struct lu_kt_ctx {
	bool present;
	u16 did;
	u64 pgtable;
	u64 table;
};

/**
 * struct lu_kt_snap - The registry and the handover at one instant.
 * @tracked: tracked devices.
 * @preserved: preserved devices.
 * @domains: domains.
 * @pages: pages in the page hash.
 * @pages_kept: pages with preserved users.
 * @records: records per chain.
 * @blocks: blocks per chain.
 * @hdr: the handover header (NULL: nothing handed over).
 * @dump_len: bytes in @dump.
 * @dump: the handover as lu_ser_dump() copies it.
 */
struct lu_kt_snap {
	unsigned int tracked;
	unsigned int preserved;
	unsigned int domains;
	unsigned int pages;
	unsigned int pages_kept;
	unsigned int records[IOMMU_LU_REC_NR];
	unsigned int blocks[IOMMU_LU_REC_NR];
	const void *hdr;
	size_t dump_len;
	u8 *dump;
};

/* ---- what does not come from the framework ---- */

static int lu_kt_alias_cb(struct pci_dev *pdev, u16 alias, void *data)
{
	struct lu_kt_rids *r = data;
	unsigned int i;

	for (i = 0; i < r->nr; i++)
		if (r->rid[i] == alias)
			return 0;
	if (r->nr == ARRAY_SIZE(r->rid))
		return -E2BIG;
	r->rid[r->nr++] = alias;
	return 0;
}

/* The requester ids the PCI core says @pdev DMAs with, own id first. */
static void lu_kt_rids_of(struct pci_dev *pdev, struct lu_kt_rids *r)
{
	r->nr = 0;
	lu_kt_alias_cb(pdev, pci_dev_id(pdev), r);
	pci_for_each_dma_alias(pdev, lu_kt_alias_cb, r);
}

static bool lu_kt_has_rid(const struct lu_kt_rids *r, u16 rid)
{
	unsigned int i;

	for (i = 0; i < r->nr; i++)
		if (r->rid[i] == rid)
			return true;
	return false;
}

/* The same ids, own id first, the aliases in any order. */
static bool lu_kt_same_rids(const struct lu_kt_rids *a,
			    const struct lu_kt_rids *b)
{
	unsigned int i;

	if (a->nr != b->nr || !a->nr || a->rid[0] != b->rid[0])
		return false;
	for (i = 0; i < a->nr; i++)
		if (!lu_kt_has_rid(b, a->rid[i]))
			return false;
	return true;
}

/**
 * struct lu_kt_members - Non-bridge members of an iommu_group.
 * @pdev: the members (not referenced: the group holds them).
 * @nr: entries used.
 * @others: members that are not PCI devices, or too many to hold.
 */
struct lu_kt_members {
	struct pci_dev *pdev[LU_KT_MAX_EDUS];
	unsigned int nr;
	unsigned int others;
};

static int lu_kt_member_cb(struct device *dev, void *data)
{
	struct lu_kt_members *m = data;

	if (!dev_is_pci(dev) || m->nr == ARRAY_SIZE(m->pdev)) {
		m->others++;
		return 0;
	}
	if (!pci_is_bridge(to_pci_dev(dev)))
		m->pdev[m->nr++] = to_pci_dev(dev);
	return 0;
}

static void lu_kt_group_members(struct pci_dev *pdev, struct lu_kt_members *m)
{
	struct iommu_group *group = iommu_group_get(&pdev->dev);

	memset(m, 0, sizeof(*m));
	if (!group)
		return;
	iommu_group_for_each_dev(group, m, lu_kt_member_cb);
	iommu_group_put(group);
}

static bool lu_kt_is_singleton(struct pci_dev *pdev)
{
	struct lu_kt_members m;

	lu_kt_group_members(pdev, &m);
	return m.nr == 1 && !m.others && m.pdev[0] == pdev;
}

/* The driver's context entry for @rid, read as its debugfs reads it. */
static void lu_kt_hw_ctx(struct intel_iommu *iommu, u16 rid,
			 struct lu_kt_ctx *c)
{
	struct context_entry *ce;
	u64 root;

	memset(c, 0, sizeof(*c));
	spin_lock(&iommu->lock);
	root = READ_ONCE(iommu->root_entry[PCI_BUS_NUM(rid)].lo);
	if (root & 1)
		c->table = root & VTD_PAGE_MASK;
	ce = iommu_context_addr(iommu, PCI_BUS_NUM(rid), rid & 0xff, 0);
	if (ce && context_present(ce)) {
		c->present = true;
		c->did = context_domain_id(ce);
		c->pgtable = ce->lo & VTD_PAGE_MASK;
	}
	spin_unlock(&iommu->lock);
}

/* Every requester id with a present context entry in the driver's tables. */
static void lu_kt_hw_present(struct intel_iommu *iommu, unsigned long *set)
{
	struct context_entry *ce;
	unsigned int bus, devfn;

	bitmap_zero(set, LU_KT_NR_RIDS);
	spin_lock(&iommu->lock);
	for (bus = 0; bus < 256; bus++)
		for (devfn = 0; devfn < 256; devfn++) {
			ce = iommu_context_addr(iommu, bus, devfn, 0);
			if (ce && context_present(ce))
				__set_bit(PCI_DEVID(bus, devfn), set);
		}
	spin_unlock(&iommu->lock);
}

static bool lu_kt_scalable(struct intel_iommu *iommu)
{
	return readq(iommu->reg + DMAR_RTADDR_REG) & DMA_RTADDR_SMT;
}

/* ---- the framework's side, under its lock ---- */

static void lu_kt_fw_view(struct device *dev, struct lu_kt_fw *fw)
{
	struct lu_device *ld;
	unsigned int i;

	memset(fw, 0, sizeof(*fw));
	lu_lock_read();
	ld = lu_device_find(dev);
	if (ld) {
		fw->found = true;
		fw->preserved = ld->preserved;
		fw->rids.nr = ld->nr_rids;
		for (i = 0; i < ld->nr_rids && i < IOMMU_LU_MAX_RIDS; i++)
			fw->rids.rid[i] = ld->rids[i];
		fw->unit = ld->unit;
		fw->unit_root = ld->unit->root_phys;
		if (ld->preserved && ld->att) {
			fw->did = ld->att->hw_id;
			fw->pgtable = ld->att->dom->pgtable_phys;
			fw->domain = ld->att->dom->domain;
		}
	}
	lu_unlock_read();
}

/* Preserved users of the framework's page @phys, if it is of @kind. */
static unsigned int lu_kt_page_refs(u64 phys, u16 kind)
{
	struct lu_page *p;
	unsigned int refs = 0;

	lu_lock_read();
	p = lu_page_find(phys);
	if (p && p->kind == kind)
		refs = p->refs;
	lu_unlock_read();
	return refs;
}

/* Preserved devices of @unit that DMA with @rid. */
static unsigned int lu_kt_rid_refs(const struct iommu_lu_unit *unit, u16 rid)
{
	const struct lu_bus *b;
	unsigned int refs = 0;

	lu_lock_read();
	b = unit->bus[PCI_BUS_NUM(rid)];
	if (b && test_bit(rid & 0xff, b->preserved))
		refs = b->refs[rid & 0xff];
	lu_unlock_read();
	return refs;
}

static void lu_kt_snap(struct kunit *test, struct lu_kt_snap *s)
{
	struct lu_device *ld;
	struct lu_domain *dom;
	struct lu_page *p;
	unsigned int bkt, k;

	memset(s, 0, sizeof(*s));
	lu_lock_read();
	hash_for_each(lu.devices_by_rid, bkt, ld, rid_node) {
		s->tracked++;
		s->preserved += ld->preserved;
	}
	hash_for_each(lu.domains, bkt, dom, node)
		s->domains++;
	hash_for_each(lu.pages, bkt, p, node) {
		s->pages++;
		s->pages_kept += !!p->refs;
	}
	for (k = 0; k < IOMMU_LU_REC_NR; k++) {
		s->records[k] = lu.chains[k].nr_records;
		s->blocks[k] = lu.chains[k].nr_blocks;
	}
	s->hdr = lu.hdr;
	s->dump_len = lu_ser_dump(NULL, 0);
	if (s->dump_len) {
		s->dump = kunit_kzalloc(test, s->dump_len, GFP_KERNEL);
		if (s->dump)
			lu_ser_dump(s->dump, s->dump_len);
	}
	lu_unlock_read();
	KUNIT_ASSERT_TRUE(test, !s->dump_len || s->dump);
}

static void lu_kt_expect_same(struct kunit *test, const struct lu_kt_snap *a,
			      const struct lu_kt_snap *b)
{
	unsigned int k;

	KUNIT_EXPECT_EQ(test, a->tracked, b->tracked);
	KUNIT_EXPECT_EQ(test, a->preserved, b->preserved);
	KUNIT_EXPECT_EQ(test, a->domains, b->domains);
	KUNIT_EXPECT_EQ(test, a->pages, b->pages);
	KUNIT_EXPECT_EQ(test, a->pages_kept, b->pages_kept);
	for (k = 0; k < IOMMU_LU_REC_NR; k++) {
		KUNIT_EXPECT_EQ(test, a->records[k], b->records[k]);
		KUNIT_EXPECT_EQ(test, a->blocks[k], b->blocks[k]);
	}
	KUNIT_EXPECT_PTR_EQ(test, a->hdr, b->hdr);
	KUNIT_EXPECT_EQ(test, a->dump_len, b->dump_len);
	if (a->dump_len == b->dump_len && a->dump_len)
		KUNIT_EXPECT_MEMEQ_MSG(test, a->dump, b->dump, a->dump_len,
				       "the handover changed");
}

/* ---- the checks ---- */

/*
 * @pdev is preserved, and every requester id of it has, in the driver's
 * tables, the very entry the framework preserved.
 */
static void lu_kt_expect_preserved(struct kunit *test, struct pci_dev *pdev)
{
	struct lu_kt *kt = test->priv;
	struct intel_iommu *iommu = kt->iommu;
	struct iommu_domain *domain = lu_edu_test_domain(pdev);
	const char *name = pci_name(pdev);
	struct lu_kt_rids rids;
	struct lu_kt_ctx c;
	struct lu_kt_fw fw;
	unsigned int i;

	KUNIT_EXPECT_TRUE_MSG(test, iommu_lu_device_preserved(&pdev->dev),
			      "%s not preserved", name);
	lu_kt_fw_view(&pdev->dev, &fw);
	KUNIT_ASSERT_TRUE_MSG(test, fw.found && fw.preserved,
			      "%s: no preserved device in the registry", name);

	/* Requester ids: the PCI core's alias walk. */
	lu_kt_rids_of(pdev, &rids);
	KUNIT_EXPECT_TRUE_MSG(test, lu_kt_same_rids(&rids, &fw.rids),
			      "%s: %u requester ids preserved, the PCI core has %u",
			      name, fw.rids.nr, rids.nr);

	/* Domain: the edu driver's, as the IOMMU core has it attached. */
	KUNIT_ASSERT_NOT_NULL(test, domain);
	KUNIT_EXPECT_PTR_EQ(test, fw.domain, (const struct iommu_domain *)domain);
	KUNIT_EXPECT_PTR_EQ(test, iommu_get_domain_for_dev(&pdev->dev), domain);
	KUNIT_EXPECT_EQ(test, domain->type, IOMMU_DOMAIN_UNMANAGED);
	KUNIT_EXPECT_EQ(test, fw.did,
			(u32)domain_id_iommu(to_dmar_domain(domain), iommu));
	KUNIT_EXPECT_EQ(test, iommu_lu_domain_change_allowed(domain), -EBUSY);
	KUNIT_EXPECT_EQ(test, iommu_lu_attach_allowed(&pdev->dev), -EBUSY);

	/* Unit: the driver's, with its root table preserved. */
	KUNIT_EXPECT_PTR_EQ(test, fw.unit,
			    (const struct iommu_lu_unit *)iommu->lu_unit);
	KUNIT_EXPECT_EQ(test, fw.unit_root, (u64)virt_to_phys(iommu->root_entry));
	KUNIT_EXPECT_GT(test, lu_kt_page_refs(fw.unit_root, IOMMU_LU_PAGE_ROOT),
			0U);

	for (i = 0; i < rids.nr; i++) {
		u16 rid = rids.rid[i];

		lu_kt_hw_ctx(iommu, rid, &c);
		KUNIT_EXPECT_TRUE_MSG(test, c.present,
				      "%s: rid %02x:%02x.%x: no context entry",
				      name, PCI_BUS_NUM(rid), PCI_SLOT(rid),
				      PCI_FUNC(rid));
		KUNIT_EXPECT_EQ_MSG(test, (u32)c.did, fw.did,
				    "%s: rid %02x:%02x.%x: domain id", name,
				    PCI_BUS_NUM(rid), PCI_SLOT(rid), PCI_FUNC(rid));
		KUNIT_EXPECT_EQ_MSG(test, c.pgtable, fw.pgtable,
				    "%s: rid %02x:%02x.%x: page-table root", name,
				    PCI_BUS_NUM(rid), PCI_SLOT(rid), PCI_FUNC(rid));
		KUNIT_EXPECT_GT_MSG(test, lu_kt_rid_refs(fw.unit, rid), 0U,
				    "%s: rid %02x:%02x.%x not marked preserved",
				    name, PCI_BUS_NUM(rid), PCI_SLOT(rid),
				    PCI_FUNC(rid));
		KUNIT_EXPECT_GT_MSG(test, lu_kt_page_refs(c.table,
							  IOMMU_LU_PAGE_CONTEXT),
				    0U, "%s: context table %#llx of bus %02x not preserved",
				    name, c.table, PCI_BUS_NUM(rid));
	}
	KUNIT_EXPECT_GT_MSG(test, lu_kt_page_refs(fw.pgtable, IOMMU_LU_PAGE_PGTABLE),
			    0U, "%s: page-table root %#llx not preserved", name,
			    fw.pgtable);
}

/* The edu devices whose group is theirs alone. */
static unsigned int lu_kt_singletons(struct lu_kt *kt, struct pci_dev **out)
{
	unsigned int i, n = 0;

	for (i = 0; i < kt->nr_edu; i++)
		if (lu_kt_is_singleton(kt->edu[i]))
			out[n++] = kt->edu[i];
	return n;
}

/* Two edu devices behind bridges that share one group, and nothing else. */
static bool lu_kt_bridged_pair(struct lu_kt *kt, struct pci_dev **pair)
{
	struct lu_kt_members m;
	unsigned int i, j, found;

	for (i = 0; i < kt->nr_edu; i++) {
		if (pci_is_root_bus(kt->edu[i]->bus))
			continue;
		lu_kt_group_members(kt->edu[i], &m);
		if (m.nr != 2 || m.others)
			continue;
		for (found = 0, j = 0; j < kt->nr_edu; j++)
			found += m.pdev[0] == kt->edu[j] ||
				 m.pdev[1] == kt->edu[j];
		if (found != 2)
			continue;
		pair[0] = m.pdev[0];
		pair[1] = m.pdev[1];
		return true;
	}
	return false;
}

static void lu_kt_need_legacy(struct kunit *test)
{
	struct lu_kt *kt = test->priv;

	if (!kt->nr_edu)
		kunit_skip(test, "no edu device owned by the test driver");
	if (lu_kt_scalable(kt->iommu))
		kunit_skip(test, "scalable mode: context entries hold PASID directories");
}

static int lu_kt_preserve_all(struct kunit *test, unsigned int *nr_out)
{
	struct lu_kt *kt = test->priv;
	struct pci_dev *one[LU_KT_MAX_EDUS], *pair[2];
	struct device *devs[2];
	unsigned int i, n;
	int ret;

	n = lu_kt_singletons(kt, one);
	for (i = 0; i < n; i++) {
		ret = iommu_lu_preserve_device(&one[i]->dev);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "preserve %s", pci_name(one[i]));
		if (ret)
			return ret;
	}
	if (lu_kt_bridged_pair(kt, pair)) {
		devs[0] = &pair[0]->dev;
		devs[1] = &pair[1]->dev;
		ret = iommu_lu_preserve_devices(devs, 2);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "preserve %s and %s",
				    pci_name(pair[0]), pci_name(pair[1]));
		if (ret)
			return ret;
		n += 2;
	}
	*nr_out = n;
	return 0;
}

/* ---- the cases ---- */

static void lu_kt_preserve_singletons(struct kunit *test)
{
	struct lu_kt *kt = test->priv;
	struct pci_dev *one[LU_KT_MAX_EDUS];
	unsigned int i, n;

	lu_kt_need_legacy(test);
	n = lu_kt_singletons(kt, one);
	KUNIT_ASSERT_GT_MSG(test, n, 0U, "no edu device in a group of its own");
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_EQ_MSG(test, iommu_lu_preserve_device(&one[i]->dev), 0,
				    "preserve %s", pci_name(one[i]));
		/* Idempotent: preserving it again changes nothing. */
		KUNIT_EXPECT_EQ(test, iommu_lu_preserve_device(&one[i]->dev), 0);
	}
	for (i = 0; i < n; i++) {
		lu_kt_expect_preserved(test, one[i]);
		/* Preserved tables are the live ones: DMA goes on. */
		KUNIT_EXPECT_EQ_MSG(test, lu_edu_test_round_trip(one[i]), 0,
				    "%s: DMA round trip while preserved",
				    pci_name(one[i]));
	}
}

static void lu_kt_bridged_group(struct kunit *test)
{
	struct lu_kt *kt = test->priv;
	struct lu_kt_snap before, after;
	struct pci_dev *pair[2], *up;
	struct lu_kt_fw fw[2];
	struct device *devs[2];
	unsigned int i;

	lu_kt_need_legacy(test);
	if (!lu_kt_bridged_pair(kt, pair))
		kunit_skip(test, "no bridged pair of edu devices in one group");
	devs[0] = &pair[0]->dev;
	devs[1] = &pair[1]->dev;

	/* One alone: the group is not whole. Nothing changes. */
	lu_kt_snap(test, &before);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ_MSG(test, iommu_lu_preserve_device(devs[i]), -EINVAL,
				    "preserve %s alone", pci_name(pair[i]));
		KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(devs[0]));
		KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(devs[1]));
	}
	lu_kt_snap(test, &after);
	lu_kt_expect_same(test, &before, &after);

	/* Both: preserved, each with its own id and both aliases on bus 1. */
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_devices(devs, 2), 0);
	for (i = 0; i < 2; i++) {
		lu_kt_expect_preserved(test, pair[i]);
		lu_kt_fw_view(devs[i], &fw[i]);
		up = pci_upstream_bridge(pair[i]);
		KUNIT_ASSERT_NOT_NULL(test, up);
		KUNIT_EXPECT_EQ(test, fw[i].rids.nr, 3U);
		KUNIT_EXPECT_TRUE(test, lu_kt_has_rid(&fw[i].rids, pci_dev_id(up)));
		KUNIT_EXPECT_TRUE(test, lu_kt_has_rid(&fw[i].rids,
						      PCI_DEVID(up->bus->number, 0)));
		KUNIT_EXPECT_EQ(test, PCI_BUS_NUM(pci_dev_id(up)), 1);
	}
	/* One domain for the group; the shared aliases count both devices. */
	KUNIT_EXPECT_EQ(test, fw[0].did, fw[1].did);
	KUNIT_EXPECT_EQ(test, fw[0].pgtable, fw[1].pgtable);
	up = pci_upstream_bridge(pair[0]);
	KUNIT_EXPECT_EQ(test, lu_kt_rid_refs(fw[0].unit, pci_dev_id(up)), 2U);
	KUNIT_EXPECT_EQ(test, lu_kt_rid_refs(fw[0].unit,
					     PCI_DEVID(up->bus->number, 0)), 2U);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_EQ_MSG(test, lu_edu_test_round_trip(pair[i]), 0,
				    "%s: DMA round trip while preserved",
				    pci_name(pair[i]));

	/* Unpreserving one member releases the whole group. */
	KUNIT_EXPECT_EQ(test, iommu_lu_unpreserve_device(devs[0]), 0);
	KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(devs[0]));
	KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(devs[1]));
	KUNIT_EXPECT_EQ(test, lu_kt_rid_refs(fw[0].unit, pci_dev_id(up)), 0U);
}

static void lu_kt_dma_api_refused(struct kunit *test)
{
	struct lu_kt *kt = test->priv;
	struct lu_kt_snap before, after;
	struct pci_dev *nic, *one[LU_KT_MAX_EDUS];
	struct iommu_domain *domain;
	struct device *devs[2];
	struct lu_kt_fw fw;
	unsigned int n;

	nic = pci_get_device(PCI_VENDOR_ID_INTEL, PCI_DEVICE_ID_INTEL_82540EM,
			     NULL);
	if (!nic)
		kunit_skip(test, "no e1000");
	domain = iommu_get_domain_for_dev(&nic->dev);
	if (!domain || !(domain->type & __IOMMU_DOMAIN_DMA_API)) {
		pci_dev_put(nic);
		kunit_skip(test, "the e1000 is not on a DMA-API domain");
	}

	/* With an edu preserved, so that there is a handover to keep. */
	n = kt->nr_edu ? lu_kt_singletons(kt, one) : 0;
	if (n)
		KUNIT_EXPECT_EQ(test, iommu_lu_preserve_device(&one[0]->dev), 0);

	lu_kt_snap(test, &before);
	KUNIT_EXPECT_EQ(test, iommu_lu_preserve_device(&nic->dev), -EINVAL);
	KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(&nic->dev));
	if (n > 1) {
		/* All or nothing: the edu asked with it is not preserved. */
		devs[0] = &one[1]->dev;
		devs[1] = &nic->dev;
		KUNIT_EXPECT_EQ(test, iommu_lu_preserve_devices(devs, 2), -EINVAL);
		KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(devs[0]));
	}
	lu_kt_snap(test, &after);
	lu_kt_expect_same(test, &before, &after);
	lu_kt_fw_view(&nic->dev, &fw);
	KUNIT_EXPECT_FALSE(test, fw.preserved);
	/* Its domain stays mutable: the DMA API maps on. */
	KUNIT_EXPECT_EQ(test, iommu_lu_domain_change_allowed(domain), 0);
	KUNIT_EXPECT_EQ(test, iommu_lu_attach_allowed(&nic->dev), 0);
	pci_dev_put(nic);
}

static void lu_kt_cleanup_set(struct kunit *test)
{
	struct lu_kt *kt = test->priv;
	unsigned long *present, *present_after, *kept, *want, *got;
	struct lu_kt_rids rids;
	struct pci_dev *nic;
	unsigned int i, n, rid, shown = 0;
	int ret;

	lu_kt_need_legacy(test);
	present = kunit_kcalloc(test, BITS_TO_LONGS(LU_KT_NR_RIDS),
				sizeof(long), GFP_KERNEL);
	present_after = kunit_kcalloc(test, BITS_TO_LONGS(LU_KT_NR_RIDS),
				      sizeof(long), GFP_KERNEL);
	kept = kunit_kcalloc(test, BITS_TO_LONGS(LU_KT_NR_RIDS), sizeof(long),
			     GFP_KERNEL);
	want = kunit_kcalloc(test, BITS_TO_LONGS(LU_KT_NR_RIDS), sizeof(long),
			     GFP_KERNEL);
	got = kunit_kcalloc(test, BITS_TO_LONGS(LU_KT_NR_RIDS), sizeof(long),
			    GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, present && present_after && kept && want && got);

	KUNIT_ASSERT_EQ(test, lu_kt_preserve_all(test, &n), 0);
	KUNIT_ASSERT_GT(test, n, 0U);
	for (i = 0; i < kt->nr_edu; i++) {
		if (!iommu_lu_device_preserved(&kt->edu[i]->dev))
			continue;
		lu_kt_rids_of(kt->edu[i], &rids);
		for (rid = 0; rid < rids.nr; rid++)
			__set_bit(rids.rid[rid], kept);
	}

	lu_kt_hw_present(kt->iommu, present);
	bitmap_andnot(want, present, kept, LU_KT_NR_RIDS);
	lu_lock_read();
	ret = iommu_lu_intel_cleanup_set(kt->iommu->lu_unit, got);
	lu_unlock_read();
	KUNIT_ASSERT_EQ(test, ret, 0);

	/* Every preserved id is live, and some others are (host bridge...). */
	KUNIT_EXPECT_TRUE(test, bitmap_subset(kept, present, LU_KT_NR_RIDS));
	KUNIT_EXPECT_GT(test, bitmap_weight(want, LU_KT_NR_RIDS), 0U);
	for_each_set_bit(rid, want, LU_KT_NR_RIDS)
		if (!test_bit(rid, got) && shown++ < 16)
			kunit_err(test, "%02x:%02x.%x: live, not preserved, not in the cleanup set\n",
				  PCI_BUS_NUM(rid), PCI_SLOT(rid), PCI_FUNC(rid));
	for_each_set_bit(rid, got, LU_KT_NR_RIDS)
		if (!test_bit(rid, want) && shown++ < 16)
			kunit_err(test, "%02x:%02x.%x: in the cleanup set, %s\n",
				  PCI_BUS_NUM(rid), PCI_SLOT(rid), PCI_FUNC(rid),
				  test_bit(rid, kept) ? "preserved" : "not live");
	KUNIT_EXPECT_TRUE(test, bitmap_equal(got, want, LU_KT_NR_RIDS));
	KUNIT_EXPECT_EQ(test, bitmap_weight(got, LU_KT_NR_RIDS),
			bitmap_weight(want, LU_KT_NR_RIDS));

	nic = pci_get_device(PCI_VENDOR_ID_INTEL, PCI_DEVICE_ID_INTEL_82540EM,
			     NULL);
	if (nic) {
		KUNIT_EXPECT_TRUE(test, test_bit(pci_dev_id(nic), got));
		pci_dev_put(nic);
	}

	/* Computed, not applied: the tables are as they were. */
	lu_kt_hw_present(kt->iommu, present_after);
	KUNIT_EXPECT_TRUE(test, bitmap_equal(present, present_after,
					     LU_KT_NR_RIDS));
}

static void lu_kt_unpreserve_all(struct kunit *test)
{
	struct lu_kt *kt = test->priv;
	struct lu_kt_ctx before[LU_KT_MAX_EDUS], c;
	struct iommu_lu_unit *unit;
	struct lu_kt_snap s;
	unsigned int i, n;
	void *probe;
	int ret;

	lu_kt_need_legacy(test);
	probe = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, probe);
	KUNIT_ASSERT_EQ(test, lu_kt_preserve_all(test, &n), 0);
	KUNIT_ASSERT_GT(test, n, 0U);

	lu_kt_snap(test, &s);
	KUNIT_EXPECT_EQ(test, s.preserved, n);
	KUNIT_EXPECT_GT(test, s.pages_kept, 0U);
	KUNIT_EXPECT_NOT_NULL(test, s.hdr);
	if (kho_is_enabled()) {
		/* KHO's own tree has the framework's subtree. */
		ret = kho_add_subtree(IOMMU_LU_KHO_NAME, probe, PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, ret, -EEXIST);
		if (!ret)
			kho_remove_subtree(probe);
	}
	for (i = 0; i < kt->nr_edu; i++)
		lu_kt_hw_ctx(kt->iommu, pci_dev_id(kt->edu[i]), &before[i]);

	for (i = 0; i < kt->nr_edu; i++)
		KUNIT_EXPECT_EQ(test, iommu_lu_unpreserve_device(&kt->edu[i]->dev),
				0);

	/* Every KHO preservation the framework made is released. */
	lu_kt_snap(test, &s);
	KUNIT_EXPECT_EQ(test, s.preserved, 0U);
	KUNIT_EXPECT_EQ(test, s.pages_kept, 0U);
	KUNIT_EXPECT_EQ(test, s.domains, 0U);
	KUNIT_EXPECT_EQ(test, s.pages, 0U);
	for (i = 0; i < IOMMU_LU_REC_NR; i++) {
		KUNIT_EXPECT_EQ(test, s.records[i], 0U);
		KUNIT_EXPECT_EQ(test, s.blocks[i], 0U);
	}
	KUNIT_EXPECT_NULL(test, s.hdr);
	KUNIT_EXPECT_EQ(test, s.dump_len, (size_t)0);
	lu_lock_read();
	KUNIT_EXPECT_EQ(test, lu.nr_kept_domains, 0U);
	list_for_each_entry(unit, &lu.units, node) {
		KUNIT_EXPECT_EQ(test, unit->nr_preserved, 0U);
		KUNIT_EXPECT_EQ(test, unit->nr_unit_pages, 0U);
		KUNIT_EXPECT_EQ(test, unit->root_phys, 0ULL);
	}
	lu_unlock_read();
	if (kho_is_enabled()) {
		/* Withdrawn from KHO: the name is free again. */
		ret = kho_add_subtree(IOMMU_LU_KHO_NAME, probe, PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, ret, 0);
		if (!ret)
			kho_remove_subtree(probe);
	}

	/* The driver's tables still translate, as before. */
	for (i = 0; i < kt->nr_edu; i++) {
		struct pci_dev *pdev = kt->edu[i];
		struct iommu_domain *domain = lu_edu_test_domain(pdev);

		lu_kt_hw_ctx(kt->iommu, pci_dev_id(pdev), &c);
		KUNIT_EXPECT_TRUE(test, c.present);
		KUNIT_EXPECT_EQ(test, c.did, before[i].did);
		KUNIT_EXPECT_EQ(test, c.pgtable, before[i].pgtable);
		KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(&pdev->dev));
		KUNIT_EXPECT_EQ(test, iommu_lu_domain_change_allowed(domain), 0);
		KUNIT_EXPECT_EQ(test, iommu_lu_attach_allowed(&pdev->dev), 0);
		KUNIT_EXPECT_EQ_MSG(test, lu_edu_test_round_trip(pdev), 0,
				    "%s: DMA round trip after unpreserve",
				    pci_name(pdev));
	}
}

/* ---- setup ---- */

static int lu_kt_init(struct kunit *test)
{
	struct device_domain_info *info;
	struct lu_kt *kt;
	unsigned int i;

	kt = kunit_kzalloc(test, sizeof(*kt), GFP_KERNEL);
	if (!kt)
		return -ENOMEM;
	kt->nr_edu = lu_edu_test_devices(kt->edu, ARRAY_SIZE(kt->edu));
	for (i = 0; i < kt->nr_edu; i++)
		kt->was_preserved[i] = iommu_lu_device_preserved(&kt->edu[i]->dev);
	info = kt->nr_edu ? dev_iommu_priv_get(&kt->edu[0]->dev) : NULL;
	kt->iommu = info ? info->iommu : NULL;
	test->priv = kt;
	if (kt->nr_edu && (!kt->iommu || !kt->iommu->lu_unit))
		return -ENODEV;
	return 0;
}

/* Leave the registry as it was: unpreserve what the case preserved. */
static void lu_kt_exit(struct kunit *test)
{
	struct lu_kt *kt = test->priv;
	unsigned int i;

	if (!kt)
		return;
	for (i = 0; i < kt->nr_edu; i++) {
		if (!kt->was_preserved[i] &&
		    iommu_lu_device_preserved(&kt->edu[i]->dev))
			iommu_lu_unpreserve_device(&kt->edu[i]->dev);
		pci_dev_put(kt->edu[i]);
	}
}

static struct kunit_case lu_kt_cases[] = {
	KUNIT_CASE(lu_kt_preserve_singletons),
	KUNIT_CASE(lu_kt_bridged_group),
	KUNIT_CASE(lu_kt_dma_api_refused),
	KUNIT_CASE(lu_kt_cleanup_set),
	KUNIT_CASE(lu_kt_unpreserve_all),
	{}
};

static struct kunit_suite lu_kt_suite = {
	.name = "iommu_lu_vtd_qemu",
	.init = lu_kt_init,
	.exit = lu_kt_exit,
	.test_cases = lu_kt_cases,
};

kunit_test_suite(lu_kt_suite);

MODULE_DESCRIPTION("iommu-lu KUnit suite on a live VT-d unit");
MODULE_LICENSE("GPL");
