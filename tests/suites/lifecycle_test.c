// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: live-update lifecycle tests (userspace, simulated kexec)
 *
 * A whole update on the machine model: preserve, freeze, the kexec-time
 * cleanup, a simulated kexec (old kernel objects freed, every page KHO does
 * not hand over poisoned), retrieve, adoption, DMA through the preserved
 * translation, release, finish, a second hop; the security property that
 * after shutdown only preserved requester ids translate (all 65536 of a unit
 * tried); and the failure policy for a bad handover.
 *
 * Every case runs with the unit in legacy and in scalable mode (the KTAP
 * line of each parameter names the mode). The scene's second group differs:
 * in legacy mode two conventional devices behind a PCI bridge behind a
 * PCIe-to-PCI bridge (aliases on another bus); in scalable mode, where Linux
 * 7.3 programs no context entry for a bridge's alias, a two-function device
 * whose function 0 has a phantom function (a DMA alias quirk) at 03:00.4.
 */
#include <stdlib.h>
#include <kunit/test.h>
#include "harness/machine.h"
#include "model/physmem.h"
#include "model/kho.h"
#include "../core/lu_core.h"
#include "../golden/dump_map.h"

/**
 * struct lc_mode - One parameter: the mode the unit runs in.
 * @name: for KTAP.
 * @sm: scalable mode.
 */
struct lc_mode {
	const char *name;
	bool sm;
};

static const struct lc_mode lc_modes[] = {
	{ .name = "legacy", .sm = false },
	{ .name = "scalable", .sm = true },
};

KUNIT_ARRAY_PARAM_DESC(lc_mode, lc_modes, name);

struct scene {
	struct lu_machine *m;
	bool sm;
	int rp0, ep0, rp1, ep1, rp2, pcie_pci, pci_br, bep0, bep1, rp3;
	struct lu_owner *o0, *o1;	/* ep0; the second group */
	u64 dma_page;			/* ep1's default-domain mapping */
};

#define DMA_IOVA	0x100000ULL	/* ep1's default domain maps this IOVA too */

static bool lc_sm(struct kunit *test)
{
	const struct lc_mode *mode = test->param_value;

	return mode && mode->sm;
}

/* A machine of one unit in the mode of the case's parameter. */
static struct lu_machine *lc_machine(struct kunit *test)
{
	struct vtd_model_cfg cfg;

	vtd_model_default_cfg(&cfg);
	cfg.scalable = lc_sm(test);
	return lu_machine_new(1, &cfg);
}

static void scene_up(struct kunit *test, struct scene *s)
{
	struct lu_machine *m = lc_machine(test);
	struct device *g[2];
	u64 phys;

	s->m = m;
	s->sm = lc_sm(test);
	KUNIT_ASSERT_EQ(test, idrv_sm(m->drv[0]), s->sm);
	s->rp0 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1c, 0), PCI_MODEL_ROOT_PORT, 1);
	s->ep0 = lu_machine_add(m, 0, s->rp0, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	s->rp1 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1d, 0), PCI_MODEL_ROOT_PORT, 2);
	s->ep1 = lu_machine_add(m, 0, s->rp1, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	s->rp2 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1e, 0), PCI_MODEL_ROOT_PORT, 3);
	if (s->sm) {
		/* 03:00.0 (phantom 03:00.4) and 03:00.1: one group, no ACS. */
		s->pcie_pci = -1;
		s->pci_br = -1;
		s->bep0 = lu_machine_add_aliased(m, 0, s->rp2, PCI_DEVFN(0, 0),
						 PCI_MODEL_ENDPOINT_PCIE, 0,
						 PCI_DEVFN(0, 4));
		s->bep1 = lu_machine_add(m, 0, s->rp2, PCI_DEVFN(0, 1),
					 PCI_MODEL_ENDPOINT_PCIE, 0);
	} else {
		s->pcie_pci = lu_machine_add(m, 0, s->rp2, 0,
					     PCI_MODEL_PCIE_PCI_BRIDGE, 4);
		s->pci_br = lu_machine_add(m, 0, s->pcie_pci, PCI_DEVFN(1, 0),
					   PCI_MODEL_PCI_BRIDGE, 5);
		s->bep0 = lu_machine_add(m, 0, s->pci_br, PCI_DEVFN(2, 0),
					 PCI_MODEL_ENDPOINT_PCI, 0);
		s->bep1 = lu_machine_add(m, 0, s->pci_br, PCI_DEVFN(3, 0),
					 PCI_MODEL_ENDPOINT_PCI, 0);
	}
	KUNIT_ASSERT_GE(test, s->bep0, 0);
	KUNIT_ASSERT_GE(test, s->bep1, 0);
	s->rp3 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1f, 0), PCI_MODEL_ROOT_PORT, 6);
	KUNIT_ASSERT_GE(test, s->rp3, 0);

	s->o0 = lu_owner_new(m, 0, 0x100000, 4, 0x11);
	s->o1 = lu_owner_new(m, 0, 0x200000, 2, 0x22);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(s->o0, s->ep0), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(s->o1, s->bep0), 0);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(lu_machine_dev(m, s->ep0)), 0);
	g[0] = lu_machine_dev(m, s->bep0);
	g[1] = lu_machine_dev(m, s->bep1);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_devices(g, 2), 0);

	/*
	 * ep1 stays on its DMA-API domain, which maps the same IOVA as o0: if
	 * its entry survived, it would translate.
	 */
	s->dma_page = physmem_alloc_page();
	KUNIT_ASSERT_EQ(test, idrv_map(iommu_get_domain_for_dev(lu_machine_dev(m, s->ep1)),
				       DMA_IOVA, s->dma_page, PAGE_SIZE,
				       IOMMU_READ | IOMMU_WRITE), 0);
	KUNIT_ASSERT_EQ(test, vtd_model_translate(m->hw[0], lu_machine_rid(m, s->ep1),
						  DMA_IOVA, false, &phys), 0);
}

static bool owner_maps(struct lu_owner *o, u64 iova, u64 *phys)
{
	if (iova < o->iova || iova >= o->iova + (u64)o->nr_pages * PAGE_SIZE)
		return false;
	*phys = o->phys[(iova - o->iova) / PAGE_SIZE];
	return true;
}

/*
 * After the shutdown cleanup, try every requester id of the unit at every
 * IOVA any domain mapped: only the preserved devices' ids (with aliases)
 * translate, each only to its own owner's pages.
 */
static void lifecycle_test_rid_space_closed(struct kunit *test)
{
	static const u64 iovas[] = { 0x100000, 0x103000, 0x200000, 0x201000 };
	struct scene s;
	u16 r0[IOMMU_LU_MAX_RIDS], r1[IOMMU_LU_MAX_RIDS];
	unsigned int n0, n1, rid, i, translated = 0;

	scene_up(test, &s);
	n0 = pci_model_dma_aliases(s.m->devs[s.ep0].pdev, r0, IOMMU_LU_MAX_RIDS);
	n1 = pci_model_dma_aliases(s.m->devs[s.bep0].pdev, r1, IOMMU_LU_MAX_RIDS);
	r1[n1++] = lu_machine_rid(s.m, s.bep1);
	lu_machine_shutdown(s.m);
	KUNIT_EXPECT_TRUE(test, vtd_model_translation_enabled(s.m->hw[0]));

	for (rid = 0; rid < 65536; rid++) {
		struct lu_owner *own = NULL;

		for (i = 0; i < n0; i++)
			if (r0[i] == rid)
				own = s.o0;
		for (i = 0; i < n1; i++)
			if (r1[i] == rid)
				own = s.o1;
		for (i = 0; i < ARRAY_SIZE(iovas); i++) {
			u64 phys = 0, want = 0;
			int ret = vtd_model_translate(s.m->hw[0], rid, iovas[i],
						      false, &phys);
			bool should = own && owner_maps(own, iovas[i], &want);

			if (should != !ret || (should && phys != want)) {
				KUNIT_FAIL(test,
					   "rid %04x iova %#llx: ret %d phys %#llx, want %s %#llx",
					   rid, (unsigned long long)iovas[i], ret,
					   (unsigned long long)phys,
					   should ? "translation to" : "fault",
					   (unsigned long long)want);
				return;
			}
			translated += !ret;
		}
	}
	/*
	 * ep0: 1 id x 2 pages of o0 in the list; the group: 2 pages for each
	 * id (legacy: 4, the bridge's aliases; scalable: 3, the phantom).
	 */
	KUNIT_EXPECT_EQ(test, n1, s.sm ? 3 : 4);
	KUNIT_EXPECT_EQ(test, translated, (n0 + n1) * 2);
}

/* The whole update, then DMA in the next kernel. */
static void lifecycle_test_kexec(struct kunit *test)
{
	struct scene s;
	struct lu_machine *m;
	struct vtd_model_stats st0, st1;
	u16 rids[IOMMU_LU_MAX_RIDS];
	unsigned int n, i;
	u32 did0, did1;
	u64 old_root;

	scene_up(test, &s);
	m = s.m;
	did0 = idrv_did(s.o0->domain);
	did1 = idrv_did(s.o1->domain);
	old_root = idrv_root_phys(m->drv[0]);
	vtd_model_stats(m->hw[0], &st0);

	KUNIT_EXPECT_FALSE(test, iommu_lu_handover_present());
	lu_machine_kexec(m);
	/* The driver must not turn translation off (intel_iommu=off). */
	KUNIT_EXPECT_TRUE(test, iommu_lu_handover_present());
	vtd_model_stats(m->hw[0], &st1);
	s.o0->domain = NULL;
	s.o1->domain = NULL;

	/* The cleanup invalidated through the queue; nothing was refused. */
	KUNIT_EXPECT_GT(test, st1.cc_inv_global, st0.cc_inv_global);
	KUNIT_EXPECT_GT(test, st1.iotlb_inv_global, st0.iotlb_inv_global);
	KUNIT_EXPECT_EQ(test, st1.err_reg_inv_while_qi, 0);
	KUNIT_EXPECT_EQ(test, st1.te_disables, st0.te_disables);

	/* Adopted in place, translation never off, ids reserved. */
	KUNIT_EXPECT_EQ(test, idrv_boot_state(m->drv[0]), IOMMU_LU_UNIT_ADOPTED);
	KUNIT_EXPECT_EQ(test, idrv_root_phys(m->drv[0]), old_root);
	KUNIT_EXPECT_TRUE(test, vtd_model_translation_enabled(m->hw[0]));
	KUNIT_EXPECT_FALSE(test, shim_log_contains("not in kdump mode"));
	KUNIT_EXPECT_TRUE(test, idrv_did_used(m->drv[0], did0));
	KUNIT_EXPECT_TRUE(test, idrv_did_used(m->drv[0], did1));
	KUNIT_EXPECT_EQ(test, kho_model.double_preserves, 0);
	KUNIT_EXPECT_EQ(test, kho_model.bad_unpreserves, 0);

	/* Preserved devices DMA through every requester id they use. */
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(s.o0, lu_machine_rid(m, s.ep0)), 0);
	n = pci_model_dma_aliases(m->devs[s.bep0].pdev, rids, IOMMU_LU_MAX_RIDS);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, lu_owner_check_dma(s.o1, rids[i]), 0,
				    "rid %04x", rids[i]);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(s.o1, lu_machine_rid(m, s.bep1)), 0);
	/* The unpreserved device's old mapping is gone: it faults. */
	vtd_model_clear_faults(m->hw[0]);
	{
		u64 phys;

		KUNIT_EXPECT_NE(test, vtd_model_translate(m->hw[0],
							  lu_machine_rid(m, s.ep1),
							  DMA_IOVA, false, &phys), 0);
	}
	KUNIT_EXPECT_EQ(test, vtd_model_faults(m->hw[0], NULL, 0), 1);
	KUNIT_EXPECT_TRUE(test, iommu_lu_rid_adopted(idrv_lu_unit(m->drv[0]),
						     lu_machine_rid(m, s.ep0)));

	/* A driver claims ep0 (new domain): released, its old tables stay for bep. */
	{
		struct lu_owner *o2 = lu_owner_new(m, 0, 0x500000, 1, 0x33);

		KUNIT_ASSERT_EQ(test, lu_owner_attach(o2, s.ep0), 0);
		KUNIT_EXPECT_FALSE(test, iommu_lu_rid_adopted(idrv_lu_unit(m->drv[0]),
							      lu_machine_rid(m, s.ep0)));
		KUNIT_EXPECT_EQ(test, lu_owner_check_dma(o2, lu_machine_rid(m, s.ep0)), 0);
	}
	/* Nobody claims the bridge group: finish clears it and frees its tables. */
	{
		u64 pt = s.o1->phys[0];

		KUNIT_EXPECT_TRUE(test, physmem_page_in_use(pt));
		iommu_lu_finish();
		KUNIT_EXPECT_TRUE(test, shim_log_contains("finish: 2 unclaimed devices cleared"));
		KUNIT_EXPECT_NE(test, lu_owner_check_dma(s.o1, lu_machine_rid(m, s.bep0)), 0);
	}
	KUNIT_EXPECT_EQ(test, lu.in_state, LU_IN_NONE);
}

/* Re-preserve adopted devices without re-attaching: DMA works in kernel 3. */
static void lifecycle_test_two_hops(struct kunit *test)
{
	struct scene s;
	struct lu_machine *m;
	struct device *g[2];

	scene_up(test, &s);
	m = s.m;
	lu_machine_kexec(m);
	lu_owner_carry(s.o0);
	lu_owner_carry(s.o1);
	KUNIT_ASSERT_EQ(test, idrv_boot_state(m->drv[0]), IOMMU_LU_UNIT_ADOPTED);

	KUNIT_EXPECT_EQ(test, iommu_lu_preserve_device(lu_machine_dev(m, s.ep0)), 0);
	g[0] = lu_machine_dev(m, s.bep0);
	g[1] = lu_machine_dev(m, s.bep1);
	KUNIT_EXPECT_EQ(test, iommu_lu_preserve_devices(g, 2), 0);
	iommu_lu_finish();	/* nothing unclaimed: nothing cleared */
	KUNIT_EXPECT_TRUE(test, shim_log_contains("finish: 0 unclaimed devices cleared"));
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(s.o0, lu_machine_rid(m, s.ep0)), 0);

	lu_machine_kexec(m);
	KUNIT_EXPECT_EQ(test, idrv_boot_state(m->drv[0]), IOMMU_LU_UNIT_ADOPTED);
	KUNIT_EXPECT_EQ(test, m->kernel, 3);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(s.o0, lu_machine_rid(m, s.ep0)), 0);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(s.o1, lu_machine_rid(m, s.bep1)), 0);
	KUNIT_EXPECT_EQ(test, kho_model.double_preserves, 0);
	KUNIT_EXPECT_EQ(test, kho_model.bad_unpreserves, 0);
}

/* Re-armed before every allocation and KHO call: everything fails. */
static void lc_fail_every_alloc(void)
{
	shim_fail_alloc_nth = 1;
}

static void lc_fail_every_kho(int op)
{
	kho_model_fail_nth = 1;
}

/*
 * The kexec-time sequence has no failure point: with every allocation and
 * every KHO call failing, the whole of it (LUO's freeze, then each driver's
 * shutdown, which runs the framework's cleanup and leaves translation on)
 * allocates nothing, makes no KHO call and leaves the handover as it was;
 * everything it needed was written at preserve time, so the next kernel
 * adopts the unit and the preserved devices keep their DMA.
 */
static void lifecycle_test_shutdown_infallible(struct kunit *test)
{
	struct scene s;
	struct iommu_lu_unit *unit;
	unsigned long allocs, khos;
	size_t dump0, dump1;
	u8 *d0, *d1;

	scene_up(test, &s);
	unit = idrv_lu_unit(s.m->drv[0]);
	mutex_lock(&lu.lock);
	dump0 = lu_ser_dump(NULL, 0);
	d0 = kunit_kzalloc(test, dump0, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d0);
	lu_ser_dump(d0, dump0);
	mutex_unlock(&lu.lock);

	allocs = shim_alloc_calls;
	khos = kho_model_calls;
	shim_alloc_hook = lc_fail_every_alloc;
	kho_model_hook = lc_fail_every_kho;
	shim_fail_alloc_nth = 1;
	kho_model_fail_nth = 1;
	lu_machine_shutdown(s.m);
	shim_alloc_hook = NULL;
	kho_model_hook = NULL;
	KUNIT_EXPECT_EQ_MSG(test, shim_fail_alloc_nth, 1, "an allocation failed");
	KUNIT_EXPECT_EQ_MSG(test, kho_model_fail_nth, 1, "a KHO call failed");
	shim_fail_alloc_nth = 0;
	kho_model_fail_nth = 0;
	KUNIT_EXPECT_EQ(test, shim_alloc_calls, allocs);
	KUNIT_EXPECT_EQ(test, kho_model_calls, khos);
	KUNIT_EXPECT_FALSE(test, mutex_is_locked(&lu.lock));
	KUNIT_EXPECT_TRUE(test, vtd_model_translation_enabled(s.m->hw[0]));
	KUNIT_EXPECT_TRUE(test, unit->cleaned);
	mutex_lock(&lu.lock);
	dump1 = lu_ser_dump(NULL, 0);
	d1 = kunit_kzalloc(test, dump1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d1);
	lu_ser_dump(d1, dump1);
	mutex_unlock(&lu.lock);
	KUNIT_EXPECT_EQ(test, dump1, dump0);
	KUNIT_EXPECT_TRUE(test, ((struct iommu_lu_unit_ser *)lu_ser_rec(&unit->slot))->flags &
			  IOMMU_LU_UNIT_CLEANED);
	/* What changed: the header's flags and generation, the unit's flags. */
	if (dump1 == dump0) {
		const struct lu_dump d = { .buf = d0, .len = dump0 };
		struct iommu_lu_header_ser *h0 = lu_dump_page(d0, 0);
		const struct iommu_lu_header_ser *h1 = lu_dump_page(d1, 0);
		u8 *blk = (u8 *)lu_dump_map((void *)&d, unit->slot.blk->phys);

		KUNIT_ASSERT_NOT_NULL(test, blk);
		((struct iommu_lu_unit_ser *)(blk + sizeof(struct iommu_lu_block_ser) +
			unit->slot.idx * sizeof(struct iommu_lu_unit_ser)))->flags |=
			IOMMU_LU_UNIT_CLEANED;
		h0->flags |= IOMMU_LU_HDR_FROZEN;
		h0->generation = h1->generation;
		KUNIT_EXPECT_EQ(test, memcmp(d0, d1, dump0), 0);
	}
	KUNIT_EXPECT_EQ(test, kho_model.double_preserves, 0);
	/* A unit with nothing preserved is left to the driver. */
	KUNIT_EXPECT_FALSE(test, iommu_lu_unit_shutdown(NULL));

	/* Nothing was left for kexec time: the next kernel adopts it all. */
	lu_machine_jump(s.m);
	KUNIT_EXPECT_EQ(test, idrv_boot_state(s.m->drv[0]), IOMMU_LU_UNIT_ADOPTED);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(s.o0, lu_machine_rid(s.m, s.ep0)), 0);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(s.o1, lu_machine_rid(s.m, s.bep1)), 0);
}

/* No handover: the driver behaves as it always did. */
static void lifecycle_test_nothing_preserved(struct kunit *test)
{
	struct lu_machine *m = lc_machine(test);
	int rp = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1c, 0), PCI_MODEL_ROOT_PORT, 1);

	KUNIT_ASSERT_GE(test, lu_machine_add(m, 0, rp, 0, PCI_MODEL_ENDPOINT_PCIE, 0), 0);
	KUNIT_EXPECT_FALSE(test, iommu_lu_handover_present());	/* cold boot */
	lu_machine_kexec(m);
	/* A KHO boot, but nothing preserved: the driver may turn it off. */
	KUNIT_EXPECT_FALSE(test, iommu_lu_handover_present());
	KUNIT_EXPECT_EQ(test, idrv_boot_state(m->drv[0]), IOMMU_LU_UNIT_FRESH);
	KUNIT_EXPECT_EQ(test, lu.in_state, LU_IN_NONE);
	KUNIT_EXPECT_EQ(test, kho_model_nr_incoming_pages(), 0);
}

/*
 * Failure policy: a corrupted handover blocks the unit (empty root,
 * translation on, every DMA faults) and leaks the old pages.
 */
static void lifecycle_test_bad_handover_blocks(struct kunit *test)
{
	struct scene s;
	struct lu_machine *m;
	u64 old_root;

	scene_up(test, &s);
	m = s.m;
	old_root = idrv_root_phys(m->drv[0]);
	lu.hdr->version = 99;		/* torn by the old kernel */

	lu_machine_kexec(m);
	KUNIT_EXPECT_EQ(test, idrv_boot_state(m->drv[0]), IOMMU_LU_UNIT_BLOCKED);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("invalid handover: version 99"));
	KUNIT_EXPECT_TRUE(test, shim_log_contains("all DMA blocked"));
	KUNIT_EXPECT_TRUE(test, vtd_model_translation_enabled(m->hw[0]));
	KUNIT_EXPECT_NE(test, vtd_model_active_root(m->hw[0]) & ~0xfffULL, old_root);
	KUNIT_EXPECT_NE(test, lu_owner_check_dma(s.o0, lu_machine_rid(m, s.ep0)), 0);
	KUNIT_EXPECT_NE(test, lu_owner_check_dma(s.o1, lu_machine_rid(m, s.bep0)), 0);
	/* Leaked, not freed: the old root is still allocated. */
	KUNIT_EXPECT_TRUE(test, physmem_page_in_use(old_root));
}

/* A unit whose shutdown cleanup did not run is never adopted. */
static void lifecycle_test_uncleaned_blocks(struct kunit *test)
{
	struct scene s;
	struct lu_machine *m;

	scene_up(test, &s);
	m = s.m;
	/* A kexec whose IOMMU shutdown hook never ran. */
	iommu_lu_freeze();
	lu_machine_jump(m);
	KUNIT_EXPECT_EQ(test, idrv_boot_state(m->drv[0]), IOMMU_LU_UNIT_BLOCKED);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("did not run its shutdown cleanup"));
	KUNIT_EXPECT_NE(test, lu_owner_check_dma(s.o0, lu_machine_rid(m, s.ep0)), 0);
}

/* Hardware that contradicts its record (a context entry rewritten). */
static void lifecycle_test_hw_mismatch_blocks(struct kunit *test)
{
	struct scene s;
	struct lu_machine *m;
	u64 *re, *ce, *dir, *pe;

	scene_up(test, &s);
	m = s.m;
	lu_machine_shutdown(m);
	/*
	 * After the cleanup, before the jump, a stray write changes ep0's DID:
	 * in its context entry (legacy), in its RID_PASID entry (scalable).
	 */
	re = physmem_va(idrv_root_phys(m->drv[0]));
	ce = physmem_va(re[2 * 1] & ~0xfffULL);
	if (s.sm) {
		dir = physmem_va(ce[0] & ~0xfffULL);
		pe = physmem_va(dir[0] & ~0xfffULL);
		pe[1] ^= 0x7f;
	} else {
		ce[1] ^= 0x7f00;
	}
	lu_machine_jump(m);
	KUNIT_EXPECT_EQ(test, idrv_boot_state(m->drv[0]), IOMMU_LU_UNIT_BLOCKED);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("does not match the handover"));
}

/*
 * A page-table page the handover does not declare (linked into a preserved
 * domain after the cleanup) would not be restored by the next kernel, which
 * could then reuse it while DMA walks it: adoption refuses, the unit is
 * blocked.
 */
static void lifecycle_test_undeclared_table_blocks(struct kunit *test)
{
	struct scene s;
	struct lu_machine *m;
	u64 *top, extra;
	unsigned int i;

	scene_up(test, &s);
	m = s.m;
	top = physmem_va(idrv_domain_pgd(s.o0->domain));
	lu_machine_shutdown(m);
	/* An unused top-level slot now leads to a fresh, undeclared table. */
	for (i = 511; i && (top[i] & 3); i--)
		;
	KUNIT_ASSERT_NE(test, i, 0);
	extra = physmem_alloc_page();
	KUNIT_ASSERT_NE(test, extra, 0);
	top[i] = extra | 3;
	lu_machine_jump(m);
	KUNIT_EXPECT_EQ(test, idrv_boot_state(m->drv[0]), IOMMU_LU_UNIT_BLOCKED);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("is not one of its pages in the handover"));
	KUNIT_EXPECT_NE(test, lu_owner_check_dma(s.o0, lu_machine_rid(m, s.ep0)), 0);
}

static struct kunit_case lifecycle_test_cases[] = {
	KUNIT_CASE_PARAM(lifecycle_test_rid_space_closed, lc_mode_gen_params),
	KUNIT_CASE_PARAM(lifecycle_test_shutdown_infallible, lc_mode_gen_params),
	KUNIT_CASE_PARAM(lifecycle_test_kexec, lc_mode_gen_params),
	KUNIT_CASE_PARAM(lifecycle_test_two_hops, lc_mode_gen_params),
	KUNIT_CASE_PARAM(lifecycle_test_nothing_preserved, lc_mode_gen_params),
	KUNIT_CASE_PARAM(lifecycle_test_bad_handover_blocks, lc_mode_gen_params),
	KUNIT_CASE_PARAM(lifecycle_test_uncleaned_blocks, lc_mode_gen_params),
	KUNIT_CASE_PARAM(lifecycle_test_hw_mismatch_blocks, lc_mode_gen_params),
	KUNIT_CASE_PARAM(lifecycle_test_undeclared_table_blocks, lc_mode_gen_params),
	{}
};

static struct kunit_suite lifecycle_test_suite = {
	.name = "iommu_lu_lifecycle",
	.test_cases = lifecycle_test_cases,
};

kunit_test_suite(lifecycle_test_suite);
