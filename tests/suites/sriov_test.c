// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: SR-IOV tests (userspace, PCI and VT-d models)
 *
 * VFs land on bus numbers above their PF's, often on virtual buses (no
 * bridge) that did not exist when other devices were preserved. Preserving
 * such a VF preserves that bus's context table and nothing else; changing
 * NumVFs removes and re-adds VFs exactly like hotplug. A VF preserved in the
 * harness survives the simulated kexec; on real Linux 7.3 it would not:
 * sriov_init() clears VF Enable when the next kernel enumerates the PF, so
 * a PCI change is needed first (see README).
 */
#include <kunit/test.h>
#include "harness/machine.h"
#include "model/kho.h"
#include "model/physmem.h"
#include "../core/lu_core.h"

struct sriov {
	struct lu_machine *m;
	int rp, pf, other_rp, other;
};

static void sriov_up(struct kunit *test, struct sriov *s)
{
	struct vtd_model_cfg cfg;

	/* 256 VFs in 256 groups need 256+ domain ids: CAP.ND = 3 (4096). */
	vtd_model_default_cfg(&cfg);
	cfg.nd = 3;
	s->m = lu_machine_new(1, &cfg);
	/* PF 10:00.0 behind a root port; buses 0x11.. are free for VFs. */
	s->rp = lu_machine_add(s->m, 0, -1, PCI_DEVFN(2, 0), PCI_MODEL_ROOT_PORT, 0x10);
	s->pf = lu_machine_add(s->m, 0, s->rp, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	s->other_rp = lu_machine_add(s->m, 0, -1, PCI_DEVFN(3, 0), PCI_MODEL_ROOT_PORT, 0x30);
	s->other = lu_machine_add(s->m, 0, s->other_rp, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	KUNIT_ASSERT_GE(test, s->other, 0);
}

static void sriov_test_vf_rids(struct kunit *test)
{
	struct sriov s;
	int vf;

	sriov_up(test, &s);
	/* Offset 0x80, stride 2, 100 VFs: 64 on bus 0x10, 36 on new bus 0x11. */
	vf = lu_machine_sriov_set(s.m, s.pf, 0x80, 2, 100);
	KUNIT_ASSERT_GT(test, vf, 0);
	KUNIT_EXPECT_EQ(test, lu_machine_rid(s.m, vf), 0x1080);
	KUNIT_EXPECT_EQ(test, lu_machine_rid(s.m, vf + 63), 0x10fe);
	KUNIT_EXPECT_EQ(test, lu_machine_rid(s.m, vf + 64), 0x1100);
	KUNIT_EXPECT_EQ(test, lu_machine_rid(s.m, vf + 99), 0x1146);
	KUNIT_EXPECT_TRUE(test, s.m->devs[vf + 64].pdev->is_virtfn);
	/* The new bus has no bridge: the VF's only requester id is its own. */
	KUNIT_EXPECT_NULL(test, s.m->devs[vf + 64].pdev->bus->self);
	{
		u16 rids[IOMMU_LU_MAX_RIDS];

		KUNIT_EXPECT_EQ(test, pci_model_dma_aliases(s.m->devs[vf + 64].pdev,
							    rids, IOMMU_LU_MAX_RIDS), 1);
	}
}

/* A VF on a bus that appeared after other devices were preserved. */
static void sriov_test_new_bus_incremental(struct kunit *test)
{
	struct sriov s;
	struct lu_owner *o0, *o1;
	const struct kho_call *log;
	size_t n0, n1, i;
	unsigned int preserves = 0;
	int vf;
	u64 root;

	sriov_up(test, &s);
	o0 = lu_owner_new(s.m, 0, 0x100000, 2, 1);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o0, s.other), 0);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(lu_machine_dev(s.m, s.other)), 0);

	/* ARI: 256 VFs from devfn 1 fill bus 0x10 and spill onto 0x11. */
	vf = lu_machine_sriov_set(s.m, s.pf, 1, 1, 256);
	KUNIT_ASSERT_GT(test, vf, 0);
	KUNIT_ASSERT_EQ(test, lu_machine_rid(s.m, vf + 255), 0x1100);
	KUNIT_EXPECT_NOT_NULL(test, lu_device_find(lu_machine_dev(s.m, vf + 255)));

	o1 = lu_owner_new(s.m, 0, 0x200000, 1, 2);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o1, vf + 255), 0);
	root = idrv_root_phys(s.m->drv[0]);
	kho_model_log(&n0);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(lu_machine_dev(s.m, vf + 255)), 0);
	log = kho_model_log(&n1);
	for (i = n0; i < n1; i++) {
		if (log[i].op != KHO_OP_PRESERVE_PAGES)
			continue;
		preserves++;
		KUNIT_EXPECT_NE(test, log[i].phys, root);
	}
	/* Bus 0x11's context table + the VF domain's 3 table pages: nothing else. */
	KUNIT_EXPECT_EQ(test, preserves, 4);
	{
		u64 *re = physmem_va(root);

		KUNIT_EXPECT_TRUE(test, iommu_lu_page_preserved(idrv_lu_unit(s.m->drv[0]),
								re[2 * 0x11] & ~0xfffULL));
		KUNIT_EXPECT_FALSE(test, iommu_lu_page_preserved(idrv_lu_unit(s.m->drv[0]),
								 re[2 * 0x10] & ~0xfffULL));
	}
}

/* Changing NumVFs is hotplug: a preserved VF that goes away is unpreserved. */
static void sriov_test_numvfs_change(struct kunit *test)
{
	struct sriov s;
	struct lu_owner *o;
	struct device *dev;
	int vf;

	sriov_up(test, &s);
	vf = lu_machine_sriov_set(s.m, s.pf, 0x100, 1, 4);	/* all on bus 0x11 */
	KUNIT_ASSERT_GT(test, vf, 0);
	KUNIT_ASSERT_EQ(test, lu_machine_rid(s.m, vf), 0x1100);
	o = lu_owner_new(s.m, 0, 0x100000, 1, 3);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o, vf + 2), 0);
	dev = lu_machine_dev(s.m, vf + 2);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(dev), 0);

	vf = lu_machine_sriov_set(s.m, s.pf, 0x100, 1, 2);
	KUNIT_ASSERT_GT(test, vf, 0);
	KUNIT_EXPECT_NULL(test, lu_device_find(dev));
	KUNIT_EXPECT_TRUE(test, shim_log_contains("removed: unpreserved"));
	KUNIT_EXPECT_NULL(test, lu.hdr);
	KUNIT_EXPECT_EQ(test, kho_model.bad_unpreserves, 0);
	/* The new VFs are tracked, not preserved. */
	KUNIT_EXPECT_NOT_NULL(test, lu_device_find(lu_machine_dev(s.m, vf + 1)));
	KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(lu_machine_dev(s.m, vf + 1)));
}

/* In the harness a preserved VF keeps DMAing across the kexec. */
static void sriov_test_vf_kexec(struct kunit *test)
{
	struct sriov s;
	struct lu_owner *o;
	int vf;

	sriov_up(test, &s);
	vf = lu_machine_sriov_set(s.m, s.pf, 0x100, 1, 2);
	KUNIT_ASSERT_GT(test, vf, 0);
	o = lu_owner_new(s.m, 0, 0x100000, 2, 4);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o, vf + 1), 0);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(lu_machine_dev(s.m, vf + 1)), 0);
	lu_machine_kexec(s.m);
	KUNIT_EXPECT_EQ(test, idrv_boot_state(s.m->drv[0]), IOMMU_LU_UNIT_ADOPTED);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(o, 0x1101), 0);
	/* Its sibling was not preserved: its default domain is gone. */
	KUNIT_EXPECT_NE(test, lu_owner_check_dma(o, 0x1100), 0);
}

static struct kunit_case sriov_test_cases[] = {
	KUNIT_CASE(sriov_test_vf_rids),
	KUNIT_CASE(sriov_test_new_bus_incremental),
	KUNIT_CASE(sriov_test_numvfs_change),
	KUNIT_CASE(sriov_test_vf_kexec),
	{}
};

static struct kunit_suite sriov_test_suite = {
	.name = "iommu_lu_sriov",
	.test_cases = sriov_test_cases,
};

kunit_test_suite(sriov_test_suite);
