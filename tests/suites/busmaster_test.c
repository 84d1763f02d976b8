// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: bus mastering across the kexec (userspace, PCI and VT-d models)
 *
 * pci_device_shutdown() clears Bus Master Enable on every PCI device at a
 * kexec; with the project's PCI patch it first asks
 * iommu_lu_pci_keep_master(). These cases check, on topologies QEMU cannot
 * show (QEMU does not gate DMA on a bridge's bit), that exactly the
 * preserved devices and the bridges above them keep the bit, that DMA
 * reaches memory only for them, and that a kexec that is no live update
 * (nothing frozen) stops every device as before.
 */
#include <kunit/test.h>
#include "harness/machine.h"
#include "model/intel_drv.h"
#include "model/vtd.h"
#include "../core/lu_core.h"

/*
 * 00:02.0 root port -> bus 1: 01:00.0 PCIe-to-PCI bridge -> bus 2:
 * 02:03.0 PCI-to-PCI bridge -> bus 3: 03:01.0 and 03:02.0 (one group);
 * 00:04.0 root port -> bus 4: 04:00.0 (another group); 00:05.0 endpoint.
 */
struct bm {
	struct lu_machine *m;
	int rp, pcie_pci, pci_pci, ep_a, ep_b, rp2, ep_c, ep_root;
};

static void bm_up(struct kunit *test, struct bm *b)
{
	b->m = lu_machine_new(1, NULL);
	b->rp = lu_machine_add(b->m, 0, -1, PCI_DEVFN(2, 0), PCI_MODEL_ROOT_PORT, 1);
	b->pcie_pci = lu_machine_add(b->m, 0, b->rp, 0, PCI_MODEL_PCIE_PCI_BRIDGE, 2);
	b->pci_pci = lu_machine_add(b->m, 0, b->pcie_pci, PCI_DEVFN(3, 0),
				    PCI_MODEL_PCI_BRIDGE, 3);
	b->ep_a = lu_machine_add(b->m, 0, b->pci_pci, PCI_DEVFN(1, 0),
				 PCI_MODEL_ENDPOINT_PCI, 0);
	b->ep_b = lu_machine_add(b->m, 0, b->pci_pci, PCI_DEVFN(2, 0),
				 PCI_MODEL_ENDPOINT_PCI, 0);
	b->rp2 = lu_machine_add(b->m, 0, -1, PCI_DEVFN(4, 0), PCI_MODEL_ROOT_PORT, 4);
	b->ep_c = lu_machine_add(b->m, 0, b->rp2, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	b->ep_root = lu_machine_add(b->m, 0, -1, PCI_DEVFN(5, 0),
				    PCI_MODEL_ENDPOINT_PCIE, 0);
	KUNIT_ASSERT_GE(test, b->ep_root, 0);
}

/* Preserve the bridged group (two endpoints, one domain). */
static struct lu_owner *bm_preserve_bridged(struct kunit *test, struct bm *b)
{
	struct device *devs[2];
	struct lu_owner *o;

	o = lu_owner_new(b->m, 0, 0x200000, 2, 9);
	KUNIT_ASSERT_NOT_NULL(test, o);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o, b->ep_a), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o, b->ep_b), 0);
	devs[0] = lu_machine_dev(b->m, b->ep_a);
	devs[1] = lu_machine_dev(b->m, b->ep_b);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_devices(devs, 2), 0);
	return o;
}

static void busmaster_test_bridges_kept(struct kunit *test)
{
	struct lu_owner *o;
	struct bm b;

	bm_up(test, &b);
	o = bm_preserve_bridged(test, &b);
	/* Not frozen: no live update is under way, nothing is kept. */
	KUNIT_EXPECT_FALSE(test, iommu_lu_pci_keep_master(b.m->devs[b.ep_a].pdev));

	lu_machine_kexec(b.m);
	/* The preserved endpoints and all three bridges above them. */
	KUNIT_EXPECT_TRUE(test, b.m->devs[b.ep_a].master);
	KUNIT_EXPECT_TRUE(test, b.m->devs[b.ep_b].master);
	KUNIT_EXPECT_TRUE(test, b.m->devs[b.pci_pci].master);
	KUNIT_EXPECT_TRUE(test, b.m->devs[b.pcie_pci].master);
	KUNIT_EXPECT_TRUE(test, b.m->devs[b.rp].master);
	KUNIT_EXPECT_TRUE(test, lu_machine_can_master(b.m, b.ep_a));
	KUNIT_EXPECT_TRUE(test, lu_machine_can_master(b.m, b.ep_b));
	/* Nothing else. */
	KUNIT_EXPECT_FALSE(test, b.m->devs[b.rp2].master);
	KUNIT_EXPECT_FALSE(test, b.m->devs[b.ep_c].master);
	KUNIT_EXPECT_FALSE(test, b.m->devs[b.ep_root].master);
	KUNIT_EXPECT_FALSE(test, lu_machine_can_master(b.m, b.ep_c));

	/* And the kept bits matter: the translation behind them still works. */
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(o, lu_machine_rid(b.m, b.ep_a)), 0);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(o, lu_machine_rid(b.m, b.ep_b)), 0);
}

static void busmaster_test_bridge_off_blocks(struct kunit *test)
{
	struct bm b;

	bm_up(test, &b);
	bm_preserve_bridged(test, &b);
	lu_machine_kexec(b.m);
	KUNIT_EXPECT_TRUE(test, lu_machine_can_master(b.m, b.ep_a));
	/* A bridge that lost its bit cuts the endpoints below it off. */
	b.m->devs[b.pcie_pci].master = false;
	KUNIT_EXPECT_FALSE(test, lu_machine_can_master(b.m, b.ep_a));
	KUNIT_EXPECT_FALSE(test, lu_machine_can_master(b.m, b.ep_b));
}

static void busmaster_test_plain_kexec(struct kunit *test)
{
	struct bm b;
	int i;

	bm_up(test, &b);
	bm_preserve_bridged(test, &b);
	/* A kexec without the freeze (no live update): everything stops. */
	b.m->no_freeze = true;
	lu_machine_shutdown(b.m);
	for (i = 0; i < (int)b.m->nr_devs; i++)
		KUNIT_EXPECT_FALSE(test, b.m->devs[i].master);
}

static void busmaster_test_kexec_without_kho(struct kunit *test)
{
	struct lu_owner *o;
	struct bm b;
	int i;

	bm_up(test, &b);
	o = bm_preserve_bridged(test, &b);
	/* kexec -l (kexec_load): no KHO, so no live update, whatever is preserved. */
	b.m->no_kho = true;
	lu_machine_kexec(b.m);
	for (i = 0; i < (int)b.m->nr_devs; i++)
		KUNIT_EXPECT_FALSE(test, b.m->devs[i].master);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("kexec without KHO: nothing is handed over"));
	KUNIT_EXPECT_FALSE(test, shim_log_contains("shutdown cleanup done"));
	KUNIT_EXPECT_EQ(test, idrv_boot_state(b.m->drv[0]), IOMMU_LU_UNIT_FRESH);
	/* The driver turned the old translation off: the old IOVAs lead nowhere. */
	KUNIT_EXPECT_NE(test, lu_owner_check_dma(o, lu_machine_rid(b.m, b.ep_a)), 0);
}

static void busmaster_test_unpreserved_then_kexec(struct kunit *test)
{
	struct device *dev;
	struct bm b;

	bm_up(test, &b);
	bm_preserve_bridged(test, &b);
	dev = lu_machine_dev(b.m, b.ep_a);
	KUNIT_ASSERT_EQ(test, iommu_lu_unpreserve_device(dev), 0);
	lu_machine_kexec(b.m);
	KUNIT_EXPECT_FALSE(test, lu_machine_can_master(b.m, b.ep_a));
	KUNIT_EXPECT_FALSE(test, b.m->devs[b.rp].master);
}

static struct kunit_case busmaster_test_cases[] = {
	KUNIT_CASE(busmaster_test_bridges_kept),
	KUNIT_CASE(busmaster_test_bridge_off_blocks),
	KUNIT_CASE(busmaster_test_plain_kexec),
	KUNIT_CASE(busmaster_test_unpreserved_then_kexec),
	KUNIT_CASE(busmaster_test_kexec_without_kho),
	{}
};

static struct kunit_suite busmaster_test_suite = {
	.name = "iommu_lu_busmaster",
	.test_cases = busmaster_test_cases,
};

kunit_test_suite(busmaster_test_suite);
