// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite: the userspace PCI model, the IOMMU-core (group) model and the
 * Intel driver model (tests/model/{pci,iommu_core,intel_drv}.c).
 */

/**
 * DOC: PCI and driver model suite
 *
 * The framework's correctness with aliases and groups is only as good as
 * the models it is tested against, so these tests pin the models to what
 * the kernel does:
 *
 * - pci_for_each_dma_alias() yields exactly the requester ids
 *   shared/reference/hardware.md lists: the own id; quirk aliases on the
 *   same bus (phantom functions); (secondary bus, 0) for a PCIe-to-PCI
 *   bridge; the bridge's own id for a conventional PCI bridge, so aliases
 *   land on other buses; the pci_real_dma_dev() quirk; virtual buses
 *   skipped; the BRIDGE_XLATE_ROOT, PCI_BRIDGE_NO_ALIAS and
 *   PCIE_BRIDGE_ALIAS flags.
 * - Groups as pci_device_group() makes them: everything below a
 *   PCIe-to-PCI bridge shares the bridge's group, devices sharing an alias
 *   share a group, endpoints below ACS ports are alone, multifunction
 *   devices without ACS share one.
 * - Hotplug: events after add and before removal, children removed (and
 *   announced) before their bridge, groups cleaned.
 * - The driver model against the VT-d hardware model: a fresh boot, an
 *   unmanaged domain attached to a group with DMA through every alias
 *   requester id, unmap invalidating, the pre-enabled translation path,
 *   shutdown, hotplug, register-based invalidation and caching mode, all
 *   without the hardware model counting a single misuse.
 *
 * Userspace only: every test builds its own topology in the models.
 */

#include <kunit/test.h>

#include "iommu_lu_seam.h"
#include "iommu_lu.h"
#include "../model/pci.h"
#include "../model/intel_drv.h"
#include "../model/vtd.h"
#include "../model/physmem.h"

/* A segment and register base no other suite uses. */
#define PMT_SEGMENT		3
#define PMT_REG_BASE		0xfed9c000ULL
#define PMT_MAX_EVENTS		64
#define PMT_MAX_PAGES		16
#define PMT_IOVA		0x12345000ULL

struct pmt_event {
	u16 rid;
	bool added;
	bool had_group;		/* the device was in a group at the event */
};

struct pmt {
	struct kunit *test;
	struct pci_model *m;
	struct iommu_device iommu;	/* a bare unit for the PCI-only tests */
	struct vtd_model *hw;
	struct idrv_unit *u;
	struct pmt_event ev[PMT_MAX_EVENTS];
	unsigned int nr_ev;
	u64 pages[PMT_MAX_PAGES];
	unsigned int nr_pages;
};

static int pmt_init(struct kunit *test)
{
	struct pmt *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->test = test;
	test->priv = t;
	if (physmem_init(0))
		return -ENOMEM;
	t->m = pci_model_create(0);
	return t->m ? 0 : -ENOMEM;
}

static void pmt_exit(struct kunit *test)
{
	struct pmt *t = test->priv;
	unsigned int i;

	if (!t)
		return;
	idrv_unit_destroy(t->u);
	pci_model_set_notifier(t->m, NULL, NULL);
	pci_model_destroy(t->m);
	if (t->hw)
		vtd_model_destroy(t->hw);
	for (i = 0; i < t->nr_pages; i++)
		physmem_free_page(t->pages[i]);
	free(t);
}

static void pmt_notifier(struct pci_dev *pdev, bool added, void *data)
{
	struct pmt *t = data;

	if (t->nr_ev == PMT_MAX_EVENTS)
		return;
	t->ev[t->nr_ev++] = (struct pmt_event){
		.rid = pci_dev_id(pdev),
		.added = added,
		.had_group = !!pdev->dev.iommu_group,
	};
}

/* Add a device on bus @busnr (which must exist) or fail the test. */
static struct pci_dev *pmt_add(struct pmt *t, unsigned int busnr,
			       unsigned int slot, unsigned int fn,
			       enum pci_model_kind kind, unsigned int secbus)
{
	struct pci_bus *bus = pci_model_find_bus(t->m, busnr);
	struct pci_dev *pdev;

	KUNIT_ASSERT_NOT_NULL(t->test, bus);
	pdev = pci_model_add_dev(t->m, bus, PCI_DEVFN(slot, fn), kind, secbus);
	KUNIT_ASSERT_NOT_NULL(t->test, pdev);
	return pdev;
}

static int pmt_aliases(struct pci_dev *pdev, u16 *rids)
{
	return pci_model_dma_aliases(pdev, rids, 16);
}

static u64 pmt_page(struct pmt *t)
{
	u64 pa = physmem_alloc_page();

	KUNIT_ASSERT_NE(t->test, pa, 0);
	KUNIT_ASSERT_LT(t->test, t->nr_pages, PMT_MAX_PAGES);
	t->pages[t->nr_pages++] = pa;
	return pa;
}

/*
 * The topology most tests use:
 *
 *   00:1c.0 root port ── bus 1 ── 01:00.0 PCIe endpoint
 *   00:1d.0 root port ── bus 2 ── 02:00.0 PCIe-to-PCI bridge ── bus 3
 *       bus 3: 03:01.0 conventional endpoint
 *              03:02.0 conventional PCI bridge ── bus 4
 *       bus 4: 04:04.0, 04:05.0 conventional endpoints
 */
struct pmt_topo {
	struct pci_dev *rp1, *ep, *rp2, *pcie_pci, *behind, *bridge, *b4, *b5;
};

static void pmt_build(struct pmt *t, struct pmt_topo *p)
{
	p->rp1 = pmt_add(t, 0, 0x1c, 0, PCI_MODEL_ROOT_PORT, 1);
	p->ep = pmt_add(t, 1, 0, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	p->rp2 = pmt_add(t, 0, 0x1d, 0, PCI_MODEL_ROOT_PORT, 2);
	p->pcie_pci = pmt_add(t, 2, 0, 0, PCI_MODEL_PCIE_PCI_BRIDGE, 3);
	p->behind = pmt_add(t, 3, 1, 0, PCI_MODEL_ENDPOINT_PCI, 0);
	p->bridge = pmt_add(t, 3, 2, 0, PCI_MODEL_PCI_BRIDGE, 4);
	p->b4 = pmt_add(t, 4, 4, 0, PCI_MODEL_ENDPOINT_PCI, 0);
	p->b5 = pmt_add(t, 4, 5, 0, PCI_MODEL_ENDPOINT_PCI, 0);
}

/* ---- the PCI model ------------------------------------------------- */

/* Names are "SSSS:BB:DD.F"; requester ids and bus numbers are unique. */
static void pci_model_test_names_and_find(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct pci_model *m5;
	struct pci_dev *rp, *ep, *x;

	rp = pmt_add(t, 0, 0x1c, 4, PCI_MODEL_ROOT_PORT, 1);
	ep = pmt_add(t, 1, 0, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	KUNIT_EXPECT_STREQ(test, dev_name(&rp->dev), "0000:00:1c.4");
	KUNIT_EXPECT_STREQ(test, dev_name(&ep->dev), "0000:01:00.0");
	KUNIT_EXPECT_TRUE(test, dev_is_pci(&ep->dev));
	KUNIT_EXPECT_EQ(test, pci_dev_id(ep), 0x0100);
	KUNIT_EXPECT_PTR_EQ(test, pci_model_find(t->m, 0x0100), ep);
	KUNIT_EXPECT_PTR_EQ(test, pci_model_find(t->m, 0x00e4), rp);
	KUNIT_EXPECT_NULL(test, pci_model_find(t->m, 0x0200));
	KUNIT_EXPECT_EQ(test, pci_model_nr_devs(t->m), 2);
	KUNIT_EXPECT_PTR_EQ(test, rp->subordinate->self, rp);
	KUNIT_EXPECT_PTR_EQ(test, ep->bus, rp->subordinate);
	KUNIT_EXPECT_PTR_EQ(test, ep->bus->parent, pci_model_root_bus(t->m));
	KUNIT_EXPECT_TRUE(test, pci_is_root_bus(pci_model_root_bus(t->m)));
	KUNIT_EXPECT_FALSE(test, pci_is_root_bus(ep->bus));

	/* The same requester id, or a bus number in use: refused. */
	x = pci_model_add_dev(t->m, rp->subordinate, 0,
			      PCI_MODEL_ENDPOINT_PCIE, 0);
	KUNIT_EXPECT_NULL(test, x);
	x = pci_model_add_dev(t->m, pci_model_root_bus(t->m), PCI_DEVFN(2, 0),
			      PCI_MODEL_ROOT_PORT, 1);
	KUNIT_EXPECT_NULL(test, x);
	KUNIT_EXPECT_EQ(test, pci_model_nr_devs(t->m), 2);

	m5 = pci_model_create(5);
	KUNIT_ASSERT_NOT_NULL(test, m5);
	x = pci_model_add_dev(m5, pci_model_root_bus(m5), PCI_DEVFN(3, 1),
			      PCI_MODEL_ENDPOINT_PCIE, 0);
	KUNIT_ASSERT_NOT_NULL(test, x);
	KUNIT_EXPECT_STREQ(test, dev_name(&x->dev), "0005:00:03.1");
	KUNIT_EXPECT_EQ(test, pci_domain_nr(x->bus), 5);
	pci_model_destroy(m5);
}

/* A PCIe endpoint on a root port DMAs with its own requester id only. */
static void pci_model_test_alias_root_port(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct pmt_topo p;
	u16 rids[16];

	pmt_build(t, &p);
	KUNIT_ASSERT_EQ(test, pmt_aliases(p.ep, rids), 1);
	KUNIT_EXPECT_EQ(test, rids[0], 0x0100);
	KUNIT_ASSERT_EQ(test, pmt_aliases(p.rp2, rids), 1);
	KUNIT_EXPECT_EQ(test, rids[0], 0x00e8);
}

/* Directly behind a PCIe-to-PCI bridge: own id, then (secondary bus, 0). */
static void pci_model_test_alias_pcie_pci_bridge(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct pci_dev *at0;
	struct pmt_topo p;
	u16 rids[16];

	pmt_build(t, &p);
	KUNIT_ASSERT_EQ(test, pmt_aliases(p.behind, rids), 2);
	KUNIT_EXPECT_EQ(test, rids[0], 0x0308);
	KUNIT_EXPECT_EQ(test, rids[1], 0x0300);

	/* At devfn 0 the alias is the device's own id, yielded twice. */
	at0 = pmt_add(t, 3, 0, 0, PCI_MODEL_ENDPOINT_PCI, 0);
	KUNIT_ASSERT_EQ(test, pmt_aliases(at0, rids), 2);
	KUNIT_EXPECT_EQ(test, rids[0], 0x0300);
	KUNIT_EXPECT_EQ(test, rids[1], 0x0300);
}

/*
 * Behind a conventional PCI bridge behind a PCIe-to-PCI bridge: own id, the
 * PCI bridge's id (bus 3), the PCIe-to-PCI bridge's (3, 0): two of the
 * three are on another bus than the device's.
 */
static void pci_model_test_alias_behind_pci_bridge(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct pmt_topo p;
	u16 rids[16];

	pmt_build(t, &p);
	KUNIT_ASSERT_EQ(test, pmt_aliases(p.b5, rids), 3);
	KUNIT_EXPECT_EQ(test, rids[0], 0x0428);
	KUNIT_EXPECT_EQ(test, rids[1], 0x0310);
	KUNIT_EXPECT_EQ(test, rids[2], 0x0300);
	KUNIT_EXPECT_NE(test, PCI_BUS_NUM(rids[1]), p.b5->bus->number);
	KUNIT_EXPECT_NE(test, PCI_BUS_NUM(rids[2]), p.b5->bus->number);

	/* The PCI bridge itself aliases to (3, 0) through the upper bridge. */
	KUNIT_ASSERT_EQ(test, pmt_aliases(p.bridge, rids), 2);
	KUNIT_EXPECT_EQ(test, rids[0], 0x0310);
	KUNIT_EXPECT_EQ(test, rids[1], 0x0300);
}

/* Phantom functions and quirk aliases: extra ids on the device's bus. */
static void pci_model_test_alias_phantom(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct pmt_topo p;
	u16 rids[16];
	int fn;

	pmt_build(t, &p);
	for (fn = 1; fn < 4; fn++)
		pci_model_add_dma_alias(p.ep, PCI_DEVFN(0, fn));
	KUNIT_EXPECT_TRUE(test, p.ep->has_dma_alias);
	KUNIT_ASSERT_EQ(test, pmt_aliases(p.ep, rids), 4);
	for (fn = 0; fn < 4; fn++)
		KUNIT_EXPECT_EQ(test, rids[fn], 0x0100 | fn);

	/* Behind the bridges, the quirk ids come before the bridges' ids. */
	pci_model_add_dma_alias(p.b4, PCI_DEVFN(6, 0));
	KUNIT_ASSERT_EQ(test, pmt_aliases(p.b4, rids), 4);
	KUNIT_EXPECT_EQ(test, rids[0], 0x0420);
	KUNIT_EXPECT_EQ(test, rids[1], 0x0430);
	KUNIT_EXPECT_EQ(test, rids[2], 0x0310);
	KUNIT_EXPECT_EQ(test, rids[3], 0x0300);
}

/* pci_real_dma_dev(): the walk starts from the real DMA device. */
static void pci_model_test_alias_dma_real(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct pci_dev *sub;
	struct pmt_topo p;
	u16 rids[16];

	pmt_build(t, &p);
	sub = pmt_add(t, 1, 0, 1, PCI_MODEL_ENDPOINT_PCIE, 0);
	pci_model_set_dma_real(sub, p.behind);
	KUNIT_ASSERT_EQ(test, pmt_aliases(sub, rids), 2);
	KUNIT_EXPECT_EQ(test, rids[0], 0x0308);
	KUNIT_EXPECT_EQ(test, rids[1], 0x0300);
}

/* Virtual buses (no bridge) are skipped, the bridge above still counts. */
static void pci_model_test_alias_virtual_bus(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct pci_bus *vbus;
	struct pci_dev *vf;
	struct pmt_topo p;
	u16 rids[16];

	pmt_build(t, &p);
	vbus = pci_model_add_virtual_bus(t->m, p.pcie_pci->subordinate, 7);
	KUNIT_ASSERT_NOT_NULL(test, vbus);
	KUNIT_EXPECT_NULL(test, vbus->self);
	KUNIT_EXPECT_NULL(test, pci_model_add_virtual_bus(t->m, vbus, 7));
	vf = pmt_add(t, 7, 0, 2, PCI_MODEL_ENDPOINT_PCIE, 0);
	KUNIT_ASSERT_EQ(test, pmt_aliases(vf, rids), 2);
	KUNIT_EXPECT_EQ(test, rids[0], 0x0702);
	KUNIT_EXPECT_EQ(test, rids[1], 0x0300);
}

/* The three dev_flags pci_for_each_dma_alias() honours. */
static void pci_model_test_alias_flags(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct pmt_topo p;
	u16 rids[16];

	pmt_build(t, &p);

	/* The PCI bridge aliases to its secondary bus instead of itself. */
	p.bridge->dev_flags |= PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS;
	KUNIT_ASSERT_EQ(test, pmt_aliases(p.b4, rids), 3);
	KUNIT_EXPECT_EQ(test, rids[1], 0x0400);
	p.bridge->dev_flags &= ~PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS;

	/* A PCIe-to-PCI bridge that does not alias. */
	p.pcie_pci->dev_flags |= PCI_DEV_FLAGS_PCI_BRIDGE_NO_ALIAS;
	KUNIT_ASSERT_EQ(test, pmt_aliases(p.b4, rids), 2);
	KUNIT_EXPECT_EQ(test, rids[0], 0x0420);
	KUNIT_EXPECT_EQ(test, rids[1], 0x0310);
	p.pcie_pci->dev_flags &= ~PCI_DEV_FLAGS_PCI_BRIDGE_NO_ALIAS;

	/* The translation unit sits at the PCI bridge: the walk stops there. */
	p.bridge->dev_flags |= PCI_DEV_FLAGS_BRIDGE_XLATE_ROOT;
	KUNIT_ASSERT_EQ(test, pmt_aliases(p.b4, rids), 1);
	KUNIT_EXPECT_EQ(test, rids[0], 0x0420);
}

/* A switch: upstream and downstream ports add no alias. */
static void pci_model_test_alias_switch(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct pci_dev *ep3, *ep4;
	u16 rids[16];

	pmt_add(t, 0, 0x1c, 0, PCI_MODEL_ROOT_PORT, 1);
	pmt_add(t, 1, 0, 0, PCI_MODEL_SWITCH_UP, 2);
	pmt_add(t, 2, 1, 0, PCI_MODEL_SWITCH_DOWN, 3);
	pmt_add(t, 2, 2, 0, PCI_MODEL_SWITCH_DOWN, 4);
	ep3 = pmt_add(t, 3, 0, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	ep4 = pmt_add(t, 4, 0, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	KUNIT_ASSERT_EQ(test, pmt_aliases(ep3, rids), 1);
	KUNIT_EXPECT_EQ(test, rids[0], 0x0300);

	pci_model_set_iommu(t->m, &t->iommu);
	KUNIT_EXPECT_PTR_NE(test, ep3->dev.iommu_group, ep4->dev.iommu_group);
	KUNIT_EXPECT_EQ(test, iommu_group_device_count(ep3->dev.iommu_group), 1);
}

/* ---- groups -------------------------------------------------------- */

static int pmt_count_cb(struct device *dev __always_unused, void *data)
{
	(*(int *)data)++;
	return 0;
}

static int pmt_stop_cb(struct device *dev __always_unused, void *data)
{
	(*(int *)data)++;
	return 42;
}

/*
 * Everything below the PCIe-to-PCI bridge shares the bridge's group; the
 * root ports and the endpoint on the first one are alone (ACS).
 */
static void pci_model_test_groups(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct iommu_domain dom = { .type = IOMMU_DOMAIN_UNMANAGED };
	struct iommu_group *g, *gb;
	struct pmt_topo p;
	int n = 0;

	pci_model_set_iommu(t->m, &t->iommu);
	pmt_build(t, &p);

	KUNIT_ASSERT_NOT_NULL(test, p.ep->dev.iommu);
	KUNIT_EXPECT_PTR_EQ(test, p.ep->dev.iommu->iommu_dev, &t->iommu);

	gb = p.pcie_pci->dev.iommu_group;
	KUNIT_ASSERT_NOT_NULL(test, gb);
	KUNIT_EXPECT_PTR_EQ(test, p.behind->dev.iommu_group, gb);
	KUNIT_EXPECT_PTR_EQ(test, p.bridge->dev.iommu_group, gb);
	KUNIT_EXPECT_PTR_EQ(test, p.b4->dev.iommu_group, gb);
	KUNIT_EXPECT_PTR_EQ(test, p.b5->dev.iommu_group, gb);
	KUNIT_EXPECT_EQ(test, iommu_group_device_count(gb), 5);

	KUNIT_EXPECT_PTR_NE(test, p.ep->dev.iommu_group, p.rp1->dev.iommu_group);
	KUNIT_EXPECT_PTR_NE(test, p.rp2->dev.iommu_group, gb);
	KUNIT_EXPECT_EQ(test, iommu_group_device_count(p.ep->dev.iommu_group), 1);
	KUNIT_EXPECT_EQ(test, iommu_core_nr_groups(t->m), 4);
	KUNIT_EXPECT_NE(test, iommu_group_id(gb),
			iommu_group_id(p.ep->dev.iommu_group));

	/* for_each_dev visits every member and stops at a non-zero return. */
	KUNIT_EXPECT_EQ(test, iommu_group_for_each_dev(gb, &n, pmt_count_cb), 0);
	KUNIT_EXPECT_EQ(test, n, 5);
	n = 0;
	KUNIT_EXPECT_EQ(test, iommu_group_for_each_dev(gb, &n, pmt_stop_cb), 42);
	KUNIT_EXPECT_EQ(test, n, 1);

	/* get/put and the group's domain. */
	g = iommu_group_get(&p.b4->dev);
	KUNIT_EXPECT_PTR_EQ(test, g, gb);
	KUNIT_EXPECT_NULL(test, iommu_get_domain_for_dev(&p.b4->dev));
	iommu_group_set_domain(g, &dom);
	KUNIT_EXPECT_PTR_EQ(test, iommu_get_domain_for_dev(&p.b5->dev), &dom);
	KUNIT_EXPECT_PTR_EQ(test, iommu_group_domain(g), &dom);
	iommu_group_put(g);

	/* Removal cleans up: the bridge's group goes with its last device. */
	pci_model_remove_dev(t->m, p.ep);
	KUNIT_EXPECT_EQ(test, iommu_core_nr_groups(t->m), 3);
	pci_model_remove_dev(t->m, p.b4);
	KUNIT_EXPECT_EQ(test, iommu_group_device_count(gb), 4);
	pci_model_remove_dev(t->m, p.rp2);
	KUNIT_EXPECT_EQ(test, iommu_core_nr_groups(t->m), 1);
}

/* A group reference outlives the group's devices. */
static void pci_model_test_group_ref(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct iommu_group *g;
	struct pci_dev *ep;

	pci_model_set_iommu(t->m, &t->iommu);
	ep = pmt_add(t, 0, 2, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	g = iommu_group_get(&ep->dev);
	KUNIT_ASSERT_NOT_NULL(test, g);
	pci_model_remove_dev(t->m, ep);
	KUNIT_EXPECT_EQ(test, iommu_core_nr_groups(t->m), 1);
	KUNIT_EXPECT_EQ(test, iommu_group_device_count(g), 0);
	iommu_group_put(g);
	KUNIT_EXPECT_EQ(test, iommu_core_nr_groups(t->m), 0);
}

/* Devices that share a DMA alias share a group. */
static void pci_model_test_group_alias(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct pci_dev *a, *b, *c;

	/* Root complex integrated devices; b claims a's devfn as an alias. */
	a = pmt_add(t, 0, 3, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	b = pmt_add(t, 0, 4, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	c = pmt_add(t, 0, 5, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	pci_model_add_dma_alias(b, a->devfn);

	pci_model_set_iommu(t->m, &t->iommu);
	KUNIT_EXPECT_PTR_EQ(test, a->dev.iommu_group, b->dev.iommu_group);
	KUNIT_EXPECT_PTR_NE(test, a->dev.iommu_group, c->dev.iommu_group);
	KUNIT_EXPECT_EQ(test, iommu_group_device_count(a->dev.iommu_group), 2);
}

/* Functions of one slot share a group unless they have ACS. */
static void pci_model_test_group_multifunction(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct pci_dev *f0, *f1, *g0, *g1;

	pmt_add(t, 0, 0x1c, 0, PCI_MODEL_ROOT_PORT, 1);
	pmt_add(t, 0, 0x1d, 0, PCI_MODEL_ROOT_PORT, 2);
	f0 = pmt_add(t, 1, 0, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	f1 = pmt_add(t, 1, 0, 1, PCI_MODEL_ENDPOINT_PCIE, 0);
	g0 = pmt_add(t, 2, 0, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	g1 = pmt_add(t, 2, 0, 1, PCI_MODEL_ENDPOINT_PCIE, 0);
	pci_model_set_acs(g0, true);
	pci_model_set_acs(g1, true);
	KUNIT_EXPECT_TRUE(test, pci_model_is_multifunction(f0));

	pci_model_set_iommu(t->m, &t->iommu);
	KUNIT_EXPECT_PTR_EQ(test, f0->dev.iommu_group, f1->dev.iommu_group);
	KUNIT_EXPECT_PTR_NE(test, g0->dev.iommu_group, g1->dev.iommu_group);

	/* Without ACS on the root port, the endpoint joins the port's group. */
	pci_model_set_iommu(t->m, NULL);
	KUNIT_EXPECT_EQ(test, iommu_core_nr_groups(t->m), 0);
	KUNIT_EXPECT_NULL(test, f0->dev.iommu);
	pci_model_set_acs(g0->bus->self, false);
	pci_model_set_iommu(t->m, &t->iommu);
	KUNIT_EXPECT_PTR_EQ(test, g0->dev.iommu_group,
			    g0->bus->self->dev.iommu_group);
}

/* ---- hotplug ------------------------------------------------------- */

static int pmt_event_index(struct pmt *t, u16 rid, bool added)
{
	unsigned int i;

	for (i = 0; i < t->nr_ev; i++)
		if (t->ev[i].rid == rid && t->ev[i].added == added)
			return i;
	return -1;
}

/*
 * Add events come after the device is in its group, remove events before
 * it leaves; removing a root port removes the whole tree below it, every
 * child announced before its bridge.
 */
static void pci_model_test_hotplug(struct kunit *test)
{
	struct pmt *t = test->priv;
	static const u16 order[][2] = {
		/* child, its bridge */
		{ 0x0420, 0x0310 }, { 0x0428, 0x0310 }, { 0x0310, 0x0200 },
		{ 0x0308, 0x0200 }, { 0x0200, 0x00e8 },
	};
	struct pmt_topo p;
	unsigned int i;

	pci_model_set_iommu(t->m, &t->iommu);
	pci_model_set_notifier(t->m, pmt_notifier, t);
	pmt_build(t, &p);

	KUNIT_ASSERT_EQ(test, t->nr_ev, 8);
	for (i = 0; i < 8; i++) {
		KUNIT_EXPECT_TRUE(test, t->ev[i].added);
		KUNIT_EXPECT_TRUE(test, t->ev[i].had_group);
	}
	KUNIT_EXPECT_EQ(test, t->ev[0].rid, 0x00e0);
	KUNIT_EXPECT_EQ(test, t->ev[7].rid, 0x0428);

	t->nr_ev = 0;
	pci_model_remove_dev(t->m, p.rp2);
	KUNIT_ASSERT_EQ(test, t->nr_ev, 6);
	for (i = 0; i < 6; i++) {
		KUNIT_EXPECT_FALSE(test, t->ev[i].added);
		KUNIT_EXPECT_TRUE(test, t->ev[i].had_group);
	}
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		int child = pmt_event_index(t, order[i][0], false);
		int parent = pmt_event_index(t, order[i][1], false);

		KUNIT_EXPECT_GE(test, child, 0);
		KUNIT_EXPECT_LT(test, child, parent);
	}
	KUNIT_EXPECT_EQ(test, t->ev[5].rid, 0x00e8);

	KUNIT_EXPECT_EQ(test, pci_model_nr_devs(t->m), 2);
	KUNIT_EXPECT_NULL(test, pci_model_find(t->m, 0x0420));
	KUNIT_EXPECT_NULL(test, pci_model_find_bus(t->m, 2));
	KUNIT_EXPECT_NULL(test, pci_model_find_bus(t->m, 4));
	KUNIT_EXPECT_EQ(test, iommu_core_nr_groups(t->m), 2);

	/* The same ids and bus numbers can be hot-added again. */
	t->nr_ev = 0;
	pmt_add(t, 0, 0x1d, 0, PCI_MODEL_ROOT_PORT, 2);
	pmt_add(t, 2, 0, 0, PCI_MODEL_PCIE_PCI_BRIDGE, 3);
	KUNIT_EXPECT_EQ(test, t->nr_ev, 2);
	KUNIT_EXPECT_EQ(test, iommu_core_nr_groups(t->m), 4);
}

/* Devices present before the IOMMU get it (and a group) when it comes. */
static void pci_model_test_iommu_late(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct pmt_topo p;

	pmt_build(t, &p);
	KUNIT_EXPECT_NULL(test, p.b4->dev.iommu);
	KUNIT_EXPECT_NULL(test, p.b4->dev.iommu_group);
	KUNIT_EXPECT_NULL(test, iommu_group_get(&p.b4->dev));

	pci_model_set_iommu(t->m, &t->iommu);
	KUNIT_EXPECT_PTR_EQ(test, pci_model_iommu(t->m), &t->iommu);
	KUNIT_ASSERT_NOT_NULL(test, p.b4->dev.iommu);
	KUNIT_EXPECT_PTR_EQ(test, p.b4->dev.iommu->iommu_dev, &t->iommu);
	KUNIT_EXPECT_PTR_EQ(test, p.b4->dev.iommu_group,
			    p.pcie_pci->dev.iommu_group);
	KUNIT_EXPECT_EQ(test, iommu_core_nr_groups(t->m), 4);

	pci_model_set_iommu(t->m, NULL);
	KUNIT_EXPECT_NULL(test, p.b4->dev.iommu);
	KUNIT_EXPECT_EQ(test, iommu_core_nr_groups(t->m), 0);
}

/* ---- the Intel driver model on the VT-d hardware model ------------- */

static void pmt_hw(struct pmt *t, const struct vtd_model_cfg *cfg)
{
	t->hw = vtd_model_create(PMT_REG_BASE, cfg);
	KUNIT_ASSERT_NOT_NULL(t->test, t->hw);
}

static struct idrv_unit *pmt_boot(struct pmt *t)
{
	struct idrv_unit *u;

	u = idrv_unit_create(t->hw, t->m, PMT_REG_BASE);
	KUNIT_ASSERT_NOT_NULL(t->test, u);
	KUNIT_ASSERT_EQ(t->test, idrv_unit_boot(u), 0);
	return u;
}

static u64 pmt_hw_errors(struct pmt *t)
{
	struct vtd_model_stats st;

	vtd_model_stats(t->hw, &st);
	return st.errors;
}

static int pmt_dma(struct pmt *t, u16 rid, u64 iova, u64 *val, bool write)
{
	return vtd_model_dma(t->hw, rid, iova, val, sizeof(*val), write);
}

/*
 * A fresh boot: queued invalidation, a new root table, translation on,
 * every present device on a default DMA domain with its context entry.
 */
static void pci_model_test_drv_boot(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct iommu_domain *d;
	struct pmt_topo p;
	u64 lo, hi, tables[8];

	pmt_build(t, &p);
	pmt_hw(t, NULL);
	t->u = pmt_boot(t);

	KUNIT_EXPECT_EQ(test, idrv_boot_state(t->u), IOMMU_LU_UNIT_FRESH);
	KUNIT_EXPECT_STREQ(test, idrv_name(t->u), "dmar0");
	KUNIT_EXPECT_TRUE(test, idrv_translation_enabled(t->u));
	KUNIT_EXPECT_TRUE(test, vtd_model_translation_enabled(t->hw));
	KUNIT_EXPECT_TRUE(test, idrv_qi_enabled(t->u));
	KUNIT_EXPECT_NE(test, idrv_root_phys(t->u), 0);
	KUNIT_EXPECT_EQ(test, vtd_model_active_root(t->hw) & ~0xfffULL,
			idrv_root_phys(t->u));
	KUNIT_EXPECT_PTR_EQ(test, pci_model_iommu(t->m), idrv_iommu_dev(t->u));

	/* Ids 0 and 1 are never handed out. */
	KUNIT_EXPECT_TRUE(test, idrv_did_used(t->u, 0));
	KUNIT_EXPECT_TRUE(test, idrv_did_used(t->u, 1));

	d = iommu_get_domain_for_dev(&p.ep->dev);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, d->type, IOMMU_DOMAIN_DMA);
	KUNIT_EXPECT_GE(test, idrv_did(d), 2);
	KUNIT_EXPECT_TRUE(test, idrv_did_used(t->u, idrv_did(d)));
	KUNIT_EXPECT_TRUE(test, idrv_context_entry(t->u, 0x0100, &lo, &hi));
	KUNIT_EXPECT_EQ(test, lo & ~0xfffULL, idrv_domain_pgd(d));
	KUNIT_EXPECT_EQ(test, (lo >> 2) & 3, 0);	/* TT multi-level */
	KUNIT_EXPECT_EQ(test, lo & 2, 0);		/* FPD clear */
	KUNIT_EXPECT_EQ(test, hi & 7, IDRV_AGAW);
	KUNIT_EXPECT_EQ(test, (hi >> 8) & 0xffff, idrv_did(d));

	/* One group, one default domain: the bridge group shares it. */
	KUNIT_EXPECT_PTR_EQ(test, iommu_get_domain_for_dev(&p.b4->dev),
			    iommu_get_domain_for_dev(&p.behind->dev));
	KUNIT_EXPECT_PTR_NE(test, iommu_get_domain_for_dev(&p.b4->dev), d);

	/*
	 * Every requester id of every device has its entry, the aliases on
	 * other buses included: context tables for buses 0 to 4.
	 */
	KUNIT_EXPECT_EQ(test, idrv_context_tables(t->u, tables, 8), 5);
	KUNIT_EXPECT_TRUE(test, idrv_context_entry(t->u, 0x0420, &lo, &hi));
	KUNIT_EXPECT_TRUE(test, idrv_context_entry(t->u, 0x0310, &lo, &hi));
	KUNIT_EXPECT_TRUE(test, idrv_context_entry(t->u, 0x0300, &lo, &hi));
	KUNIT_EXPECT_EQ(test, (hi >> 8) & 0xffff,
			idrv_did(iommu_get_domain_for_dev(&p.b4->dev)));
	KUNIT_EXPECT_FALSE(test, idrv_context_entry(t->u, 0x0418, &lo, &hi));
	KUNIT_EXPECT_EQ(test, pmt_hw_errors(t), 0);
}

/*
 * An unmanaged domain attached to the group behind the PCI bridge: DMA to a
 * mapped IOVA reaches the page through the device's id and every alias;
 * unmap invalidates; the group goes back to its default domain on detach.
 */
static void pci_model_test_drv_dma_aliases(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct iommu_domain *d, *def;
	struct iommu_group *group;
	struct pmt_topo p;
	u64 page, val, *va;
	u16 rids[16];
	int nr, i;

	pmt_build(t, &p);
	pmt_hw(t, NULL);
	t->u = pmt_boot(t);
	group = p.b5->dev.iommu_group;
	def = iommu_group_domain(group);
	KUNIT_ASSERT_NOT_NULL(test, def);

	d = idrv_domain_alloc(t->u, IOMMU_DOMAIN_UNMANAGED);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_NE(test, idrv_did(d), idrv_did(def));
	KUNIT_ASSERT_EQ(test, idrv_attach_group(d, group), 0);
	KUNIT_EXPECT_PTR_EQ(test, iommu_get_domain_for_dev(&p.b5->dev), d);
	KUNIT_EXPECT_EQ(test, idrv_domain_nr_devices(d), 5);
	KUNIT_EXPECT_EQ(test, idrv_domain_nr_devices(def), 0);

	page = pmt_page(t);
	va = physmem_va(page);
	KUNIT_ASSERT_EQ(test, idrv_map(d, PMT_IOVA, page, PAGE_SIZE,
				       IOMMU_READ | IOMMU_WRITE), 0);
	KUNIT_EXPECT_EQ(test, idrv_iova_to_phys(d, PMT_IOVA + 0x18),
			page + 0x18);

	nr = pmt_aliases(p.b5, rids);
	KUNIT_ASSERT_EQ(test, nr, 3);
	for (i = 0; i < nr; i++) {
		val = 0x1000 + i;
		KUNIT_EXPECT_EQ(test, pmt_dma(t, rids[i], PMT_IOVA + 8 * i,
					      &val, true), 0);
		KUNIT_EXPECT_EQ(test, va[i], 0x1000 + i);
		val = 0;
		KUNIT_EXPECT_EQ(test, pmt_dma(t, rids[i], PMT_IOVA + 8 * i,
					      &val, false), 0);
		KUNIT_EXPECT_EQ(test, val, 0x1000 + i);
	}
	/* The other group members DMA through the same domain. */
	KUNIT_EXPECT_EQ(test, pmt_dma(t, pci_dev_id(p.behind), PMT_IOVA, &val,
				      false), 0);
	KUNIT_EXPECT_EQ(test, val, 0x1000);

	/* Not mapped, or another group: faults. */
	KUNIT_EXPECT_NE(test, pmt_dma(t, rids[0], PMT_IOVA + PAGE_SIZE, &val,
				      false), 0);
	KUNIT_EXPECT_NE(test, pmt_dma(t, pci_dev_id(p.ep), PMT_IOVA, &val,
				      false), 0);

	/* Unmap invalidates the IOTLB the reads above filled. */
	KUNIT_EXPECT_EQ(test, idrv_unmap(d, PMT_IOVA, PAGE_SIZE), PAGE_SIZE);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_NE(test, pmt_dma(t, rids[i], PMT_IOVA, &val,
					      false), 0);

	/* Read-only. */
	KUNIT_ASSERT_EQ(test, idrv_map(d, PMT_IOVA, page, PAGE_SIZE,
				       IOMMU_READ), 0);
	KUNIT_EXPECT_EQ(test, pmt_dma(t, rids[2], PMT_IOVA, &val, false), 0);
	KUNIT_EXPECT_NE(test, pmt_dma(t, rids[2], PMT_IOVA, &val, true), 0);

	/* Back to the default domain: the IOVA is gone for every alias. */
	KUNIT_ASSERT_EQ(test, idrv_detach_group(d, group), 0);
	KUNIT_EXPECT_PTR_EQ(test, iommu_get_domain_for_dev(&p.b5->dev), def);
	KUNIT_EXPECT_EQ(test, idrv_domain_nr_devices(d), 0);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_NE(test, pmt_dma(t, rids[i], PMT_IOVA, &val,
					      false), 0);
	idrv_domain_free(d);
	KUNIT_EXPECT_EQ(test, pmt_hw_errors(t), 0);
}

/* Map/unmap argument checks and the page-table bookkeeping. */
static void pci_model_test_drv_map(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct iommu_domain *d;
	unsigned int did;
	size_t before;
	u64 page;

	pmt_hw(t, NULL);
	t->u = pmt_boot(t);
	page = pmt_page(t);
	before = physmem_pages_in_use();

	d = idrv_domain_alloc(t->u, IOMMU_DOMAIN_UNMANAGED);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_NULL(test, idrv_domain_alloc(t->u, IOMMU_DOMAIN_IDENTITY));
	did = idrv_did(d);
	KUNIT_EXPECT_EQ(test, idrv_domain_pages(d, NULL, 0), 1);

	KUNIT_EXPECT_EQ(test, idrv_map(d, PMT_IOVA + 1, page, PAGE_SIZE,
				       IOMMU_READ), -EINVAL);
	KUNIT_EXPECT_EQ(test, idrv_map(d, PMT_IOVA, page, PAGE_SIZE, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, idrv_map(d, 1ULL << 39, page, PAGE_SIZE,
				       IOMMU_READ), -EINVAL);
	KUNIT_EXPECT_EQ(test, idrv_map(d, PMT_IOVA, page, 2 * PAGE_SIZE,
				       IOMMU_READ), 0);
	KUNIT_EXPECT_EQ(test, idrv_domain_pages(d, NULL, 0), 3);
	/* Overlapping: refused, and nothing of the new range stays. */
	KUNIT_EXPECT_EQ(test, idrv_map(d, PMT_IOVA - PAGE_SIZE, page,
				       2 * PAGE_SIZE, IOMMU_READ), -EADDRINUSE);
	KUNIT_EXPECT_EQ(test, idrv_iova_to_phys(d, PMT_IOVA - PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, idrv_iova_to_phys(d, PMT_IOVA + PAGE_SIZE),
			page + PAGE_SIZE);

	/* Unmap stops at the first hole. */
	KUNIT_EXPECT_EQ(test, idrv_unmap(d, PMT_IOVA, 4 * PAGE_SIZE),
			2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, idrv_unmap(d, PMT_IOVA, PAGE_SIZE), 0);

	idrv_domain_free(d);
	KUNIT_EXPECT_FALSE(test, idrv_did_used(t->u, did));
	KUNIT_EXPECT_EQ(test, physmem_pages_in_use(), before);
	KUNIT_EXPECT_EQ(test, pmt_hw_errors(t), 0);
}

/*
 * A kexec without the shutdown hook leaves translation on: the next boot
 * (no handover) says so and turns it off before installing its own root.
 * With the hook, translation is off and nothing is said.
 */
static void pci_model_test_drv_pre_enabled(struct kunit *test)
{
	static const char msg[] =
		"DMAR: Translation was enabled for dmar0 but we are not in kdump mode";
	struct pmt *t = test->priv;
	unsigned int seen;

	pmt_add(t, 0, 2, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	pmt_hw(t, NULL);
	t->u = pmt_boot(t);

	/* "kexec": the old kernel's driver state and memory are gone. */
	idrv_unit_forget(t->u);
	t->u = NULL;
	pci_model_destroy(t->m);
	t->m = pci_model_create(0);
	KUNIT_ASSERT_NOT_NULL(test, t->m);
	pmt_add(t, 0, 2, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	KUNIT_EXPECT_TRUE(test, vtd_model_translation_enabled(t->hw));

	seen = shim_log_count(msg);
	t->u = pmt_boot(t);
	KUNIT_EXPECT_EQ(test, shim_log_count(msg), seen + 1);
	KUNIT_EXPECT_TRUE(test, idrv_translation_enabled(t->u));
	KUNIT_EXPECT_EQ(test, vtd_model_active_root(t->hw) & ~0xfffULL,
			idrv_root_phys(t->u));
	KUNIT_EXPECT_NE(test, idrv_root_phys(t->u), 0);

	/* The shutdown hook: no preserved state, so translation goes off. */
	idrv_shutdown(t->u);
	KUNIT_EXPECT_FALSE(test, vtd_model_translation_enabled(t->hw));
	idrv_unit_forget(t->u);
	t->u = NULL;
	pci_model_destroy(t->m);
	t->m = pci_model_create(0);
	KUNIT_ASSERT_NOT_NULL(test, t->m);

	seen = shim_log_count(msg);
	t->u = pmt_boot(t);
	KUNIT_EXPECT_EQ(test, shim_log_count(msg), seen);
	KUNIT_EXPECT_TRUE(test, idrv_translation_enabled(t->u));
	KUNIT_EXPECT_EQ(test, pmt_hw_errors(t), 0);
}

/* Hot-add gets a default domain; hot-remove clears the entries. */
static void pci_model_test_drv_hotplug(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct iommu_domain *d;
	struct pci_dev *ep;
	unsigned int did;
	u64 lo, hi;

	pmt_add(t, 0, 0x1c, 0, PCI_MODEL_ROOT_PORT, 1);
	pmt_hw(t, NULL);
	t->u = pmt_boot(t);

	ep = pmt_add(t, 1, 0, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	d = iommu_get_domain_for_dev(&ep->dev);
	KUNIT_ASSERT_NOT_NULL(test, d);
	did = idrv_did(d);
	KUNIT_EXPECT_TRUE(test, idrv_context_entry(t->u, 0x0100, &lo, &hi));
	KUNIT_EXPECT_EQ(test, (hi >> 8) & 0xffff, did);

	pci_model_remove_dev(t->m, ep);
	KUNIT_EXPECT_FALSE(test, idrv_context_entry(t->u, 0x0100, &lo, &hi));
	KUNIT_EXPECT_EQ(test, lo, 0);
	KUNIT_EXPECT_FALSE(test, idrv_did_used(t->u, did));
	KUNIT_EXPECT_EQ(test, pmt_hw_errors(t), 0);
}

/* Attach is refused for a device that shares its group. */
static void pci_model_test_drv_attach_dev(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct iommu_domain *d;
	struct pmt_topo p;
	u64 page, val = 7;

	pmt_build(t, &p);
	pmt_hw(t, NULL);
	t->u = pmt_boot(t);
	d = idrv_domain_alloc(t->u, IOMMU_DOMAIN_UNMANAGED);
	KUNIT_ASSERT_NOT_NULL(test, d);

	KUNIT_EXPECT_EQ(test, idrv_attach_dev(d, &p.b4->dev), -EINVAL);
	KUNIT_ASSERT_EQ(test, idrv_attach_dev(d, &p.ep->dev), 0);
	KUNIT_EXPECT_PTR_EQ(test, iommu_get_domain_for_dev(&p.ep->dev), d);
	page = pmt_page(t);
	KUNIT_ASSERT_EQ(test, idrv_map(d, PMT_IOVA, page, PAGE_SIZE,
				       IOMMU_WRITE), 0);
	KUNIT_EXPECT_EQ(test, pmt_dma(t, 0x0100, PMT_IOVA, &val, true), 0);
	KUNIT_EXPECT_EQ(test, *(u64 *)physmem_va(page), 7);
	KUNIT_EXPECT_EQ(test, pmt_hw_errors(t), 0);
}

static void pmt_lu_notifier(struct pci_dev *pdev, bool added,
			    void *data __always_unused)
{
	if (added)
		iommu_lu_device_added(&pdev->dev);
	else
		iommu_lu_device_removed(&pdev->dev);
}

struct pmt_devs {
	struct device *devs[8];
	unsigned int nr;
};

static int pmt_collect_cb(struct device *dev, void *data)
{
	struct pmt_devs *c = data;

	if (c->nr < ARRAY_SIZE(c->devs))
		c->devs[c->nr++] = dev;
	return 0;
}

/*
 * With the framework linked in: while the group behind the PCI bridge is
 * preserved, map, unmap and attach are refused before anything changes,
 * and DMA through the aliases goes on; unpreserving lifts that.
 */
static void pci_model_test_drv_preserved_busy(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct iommu_domain *d, *d2;
	struct iommu_group *group;
	struct pmt_devs c = { };
	struct pmt_topo p;
	u64 page, val = 9;

	pci_model_set_notifier(t->m, pmt_lu_notifier, NULL);
	pmt_build(t, &p);
	pmt_hw(t, NULL);
	t->u = pmt_boot(t);
	if (!idrv_lu_unit(t->u))
		kunit_skip(test, "no iommu-lu core or VT-d backend");

	group = p.b5->dev.iommu_group;
	d = idrv_domain_alloc(t->u, IOMMU_DOMAIN_UNMANAGED);
	d2 = idrv_domain_alloc(t->u, IOMMU_DOMAIN_UNMANAGED);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, d2);
	KUNIT_ASSERT_EQ(test, idrv_attach_group(d, group), 0);
	page = pmt_page(t);
	KUNIT_ASSERT_EQ(test, idrv_map(d, PMT_IOVA, page, PAGE_SIZE,
				       IOMMU_READ | IOMMU_WRITE), 0);

	iommu_group_for_each_dev(group, &c, pmt_collect_cb);
	KUNIT_ASSERT_EQ(test, c.nr, 5);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_devices(c.devs, c.nr), 0);

	KUNIT_EXPECT_EQ(test, idrv_map(d, PMT_IOVA + PAGE_SIZE, page,
				       PAGE_SIZE, IOMMU_READ), -EBUSY);
	KUNIT_EXPECT_EQ(test, idrv_unmap(d, PMT_IOVA, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, idrv_attach_group(d2, group), -EBUSY);
	KUNIT_EXPECT_EQ(test, idrv_detach_group(d, group), -EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, iommu_get_domain_for_dev(&p.b5->dev), d);
	KUNIT_EXPECT_EQ(test, pmt_dma(t, 0x0300, PMT_IOVA, &val, true), 0);
	KUNIT_EXPECT_EQ(test, *(u64 *)physmem_va(page), 9);

	iommu_lu_unpreserve_device(&p.b5->dev);
	KUNIT_EXPECT_EQ(test, idrv_map(d, PMT_IOVA + PAGE_SIZE, page,
				       PAGE_SIZE, IOMMU_READ), 0);
	KUNIT_EXPECT_EQ(test, idrv_attach_group(d2, group), 0);
	KUNIT_EXPECT_NE(test, pmt_dma(t, 0x0300, PMT_IOVA, &val, true), 0);
	KUNIT_EXPECT_EQ(test, pmt_hw_errors(t), 0);
}

/* Without queued invalidation, and in caching mode, DMA still works. */
static void pci_model_test_drv_hw_variants(struct kunit *test)
{
	struct pmt *t = test->priv;
	struct vtd_model_cfg cfg;
	struct vtd_model_stats st;
	struct iommu_domain *d;
	struct pci_dev *ep;
	u64 page, val;
	int pass;

	ep = pmt_add(t, 0, 2, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	page = pmt_page(t);
	for (pass = 0; pass < 2; pass++) {
		vtd_model_default_cfg(&cfg);
		if (pass == 0) {
			cfg.qi = false;
			cfg.intremap = false;
		} else {
			cfg.caching_mode = true;
		}
		pmt_hw(t, &cfg);
		t->u = pmt_boot(t);
		KUNIT_EXPECT_EQ(test, idrv_qi_enabled(t->u), pass == 1);

		d = idrv_domain_alloc(t->u, IOMMU_DOMAIN_UNMANAGED);
		KUNIT_ASSERT_NOT_NULL(test, d);
		KUNIT_ASSERT_EQ(test, idrv_attach_dev(d, &ep->dev), 0);
		KUNIT_ASSERT_EQ(test, idrv_map(d, PMT_IOVA, page, PAGE_SIZE,
					       IOMMU_READ | IOMMU_WRITE), 0);
		val = 0x55 + pass;
		KUNIT_EXPECT_EQ(test, pmt_dma(t, 0x0010, PMT_IOVA, &val, true), 0);
		KUNIT_EXPECT_EQ(test, *(u64 *)physmem_va(page), 0x55 + pass);
		KUNIT_EXPECT_EQ(test, idrv_unmap(d, PMT_IOVA, PAGE_SIZE),
				PAGE_SIZE);
		KUNIT_EXPECT_NE(test, pmt_dma(t, 0x0010, PMT_IOVA, &val, false),
				0);

		vtd_model_stats(t->hw, &st);
		KUNIT_EXPECT_EQ(test, st.errors, 0);
		if (pass == 0)
			KUNIT_EXPECT_GT(test, st.reg_inv, 0);
		else
			KUNIT_EXPECT_GT(test, st.iotlb_inv_page, 0);

		idrv_unit_destroy(t->u);
		t->u = NULL;
		vtd_model_destroy(t->hw);
		t->hw = NULL;
	}
}

static struct kunit_case pci_model_test_cases[] = {
	KUNIT_CASE(pci_model_test_names_and_find),
	KUNIT_CASE(pci_model_test_alias_root_port),
	KUNIT_CASE(pci_model_test_alias_pcie_pci_bridge),
	KUNIT_CASE(pci_model_test_alias_behind_pci_bridge),
	KUNIT_CASE(pci_model_test_alias_phantom),
	KUNIT_CASE(pci_model_test_alias_dma_real),
	KUNIT_CASE(pci_model_test_alias_virtual_bus),
	KUNIT_CASE(pci_model_test_alias_flags),
	KUNIT_CASE(pci_model_test_alias_switch),
	KUNIT_CASE(pci_model_test_groups),
	KUNIT_CASE(pci_model_test_group_ref),
	KUNIT_CASE(pci_model_test_group_alias),
	KUNIT_CASE(pci_model_test_group_multifunction),
	KUNIT_CASE(pci_model_test_hotplug),
	KUNIT_CASE(pci_model_test_iommu_late),
	KUNIT_CASE(pci_model_test_drv_boot),
	KUNIT_CASE(pci_model_test_drv_dma_aliases),
	KUNIT_CASE(pci_model_test_drv_map),
	KUNIT_CASE(pci_model_test_drv_pre_enabled),
	KUNIT_CASE(pci_model_test_drv_hotplug),
	KUNIT_CASE(pci_model_test_drv_attach_dev),
	KUNIT_CASE(pci_model_test_drv_preserved_busy),
	KUNIT_CASE(pci_model_test_drv_hw_variants),
	{}
};

static struct kunit_suite pci_model_test_suite = {
	.name = "iommu_lu_pci_model",
	.init = pmt_init,
	.exit = pmt_exit,
	.test_cases = pci_model_test_cases,
};

kunit_test_suite(pci_model_test_suite);
