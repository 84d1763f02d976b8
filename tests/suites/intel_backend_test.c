// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite: the Intel VT-d backend (vendors/intel/intel_lu.c).
 */

/**
 * DOC: Intel VT-d backend suite
 *
 * Drives the backend only through the core's public API, on the simulated
 * machine (tests/harness): the VT-d hardware model, the PCI model and the
 * Intel driver model, which builds the tables the backend reads. Checks are
 * made on what the hardware does (translation, faults, invalidations the
 * model performed or refused), not on the backend's internals:
 *
 * - preserve: a device and its aliases are preserved; a context entry in
 *   pass-through, with reserved bits, or an alias in another domain is
 *   refused with -EINVAL; a page table with a loop, a shared page or a bad
 *   superpage bit is refused; translation off is -ENODEV;
 * - shutdown: iommu_lu_intel_cleanup_set() predicts exactly what shutdown
 *   clears; unpreserved ids fault, preserved ones keep translating; the
 *   invalidation goes through the queue (or the registers without QI) with
 *   no misuse counted, and the driver's own queue keeps working after it;
 *   clflush on a non-coherent unit;
 * - next kernel: the unit is adopted and DMA continues through every alias;
 *   a changed domain id, a stray live entry or translation turned off make
 *   adopt refuse and block_all block every DMA with translation on;
 *   iommu_lu_finish() clears an unclaimed device (device_clear);
 * - scalable mode is refused for now.
 *
 * Userspace only: it needs the models.
 */

#include <kunit/test.h>

#include "iommu_lu_seam.h"
#include "iommu_lu.h"
#include "iommu_lu_vendor.h"
#include "../harness/machine.h"
#include "../model/physmem.h"
#include "../model/kho.h"
#include "../../vendors/intel/vtd_hw.h"

#define IBT_IOVA		0x100000ULL
#define IBT_PAGES		4
#define IBT_SEED		0x5a
#define IBT_NR_RIDS		65536

/*
 * Topology: 00:02.0 (A, preserved), 00:03.0 (B), root port 00:1c.0 with
 * 01:00.0 (C) behind it, and optionally a PCIe-to-PCI bridge 00:1e.0 with a
 * conventional endpoint 02:01.0 (D, aliases 02:01.0 and 02:00.0).
 */
#define IBT_RID_A		0x0010
#define IBT_RID_B		0x0018
#define IBT_RID_RP		0x00e0
#define IBT_RID_C		0x0100
#define IBT_RID_D		0x0208
#define IBT_RID_D_ALIAS		0x0200

struct ibt_ctx_entry {
	u64 lo;
	u64 hi;
};

/**
 * struct ibt - One test's machine.
 * @test: the test.
 * @m: the machine.
 * @a: device A (preserved).
 * @b: device B.
 * @rp: the root port.
 * @c: device C, behind @rp.
 * @d: device D behind the PCIe-to-PCI bridge, or -1.
 * @o: the caller-owned domain A (or D) is attached to.
 */
struct ibt {
	struct kunit *test;
	struct lu_machine *m;
	int a, b, rp, c, d;
	struct lu_owner *o;
};

static void ibt_setup(struct kunit *test, struct ibt *t,
		      const struct vtd_model_cfg *cfg, bool with_bridge)
{
	int br;

	t->test = test;
	t->m = lu_machine_new(1, cfg);
	t->a = lu_machine_add(t->m, 0, -1, PCI_DEVFN(2, 0),
			      PCI_MODEL_ENDPOINT_PCIE, 0);
	t->b = lu_machine_add(t->m, 0, -1, PCI_DEVFN(3, 0),
			      PCI_MODEL_ENDPOINT_PCIE, 0);
	t->rp = lu_machine_add(t->m, 0, -1, PCI_DEVFN(0x1c, 0),
			       PCI_MODEL_ROOT_PORT, 1);
	t->c = lu_machine_add(t->m, 0, t->rp, PCI_DEVFN(0, 0),
			      PCI_MODEL_ENDPOINT_PCIE, 0);
	KUNIT_ASSERT_GE(test, t->a, 0);
	KUNIT_ASSERT_GE(test, t->b, 0);
	KUNIT_ASSERT_GE(test, t->c, 0);
	t->d = -1;
	if (with_bridge) {
		br = lu_machine_add(t->m, 0, -1, PCI_DEVFN(0x1e, 0),
				    PCI_MODEL_PCIE_PCI_BRIDGE, 2);
		KUNIT_ASSERT_GE(test, br, 0);
		t->d = lu_machine_add(t->m, 0, br, PCI_DEVFN(1, 0),
				      PCI_MODEL_ENDPOINT_PCI, 0);
		KUNIT_ASSERT_GE(test, t->d, 0);
	}
	KUNIT_ASSERT_EQ(test, lu_machine_rid(t->m, t->a), IBT_RID_A);
	KUNIT_ASSERT_EQ(test, lu_machine_rid(t->m, t->c), IBT_RID_C);

	t->o = lu_owner_new(t->m, 0, IBT_IOVA, IBT_PAGES, IBT_SEED);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(t->o, with_bridge ? t->d : t->a), 0);
}

static void ibt_free(struct ibt *t)
{
	lu_owner_free(t->o);
	t->o = NULL;
}

static void __iomem *ibt_regs(struct ibt *t)
{
	return vtd_model_regs(t->m->hw[0]);
}

/* The root table the hardware points at, as test memory. */
static struct ibt_ctx_entry *ibt_root(struct ibt *t)
{
	return physmem_va(readq(ibt_regs(t) + VTDM_REG_RTADDR) & VTDM_PAGE_MASK);
}

/* The context entry of @rid in the tables RTADDR points at, or NULL. */
static struct ibt_ctx_entry *ibt_ctx(struct ibt *t, u16 rid)
{
	struct ibt_ctx_entry *rt = ibt_root(t);
	struct ibt_ctx_entry *ct;

	if (!rt || !(rt[rid >> 8].lo & VTDM_ROOT_P))
		return NULL;
	ct = physmem_va(rt[rid >> 8].lo & VTDM_PAGE_MASK);
	return ct ? &ct[rid & 0xff] : NULL;
}

static bool ibt_ctx_present(struct ibt *t, u16 rid)
{
	struct ibt_ctx_entry *ce = ibt_ctx(t, rid);

	return ce && (ce->lo & VTDM_CTX_P);
}

static struct iommu_lu_unit *ibt_unit(struct ibt *t)
{
	return idrv_lu_unit(t->m->drv[0]);
}

static int ibt_preserve(struct ibt *t, int idx)
{
	return iommu_lu_preserve_device(lu_machine_dev(t->m, idx));
}

/* DMA as @rid at the owner's first page: 0 or -EFAULT. */
static int ibt_dma(struct ibt *t, u16 rid)
{
	u64 phys;

	return vtd_model_translate(t->m->hw[0], rid, IBT_IOVA, false, &phys);
}

static void ibt_expect_no_misuse(struct ibt *t)
{
	struct vtd_model_stats st;

	vtd_model_stats(t->m->hw[0], &st);
	KUNIT_EXPECT_EQ_MSG(t->test, st.errors, 0,
			    "qi_bad_desc %llu qi_fetch %llu gcmd_multi %llu reg_inv_while_qi %llu",
			    (unsigned long long)st.err_qi_bad_desc,
			    (unsigned long long)st.err_qi_fetch,
			    (unsigned long long)st.err_gcmd_multi,
			    (unsigned long long)st.err_reg_inv_while_qi);
	KUNIT_EXPECT_FALSE(t->test,
			   readl(ibt_regs(t) + VTDM_REG_FSTS) & VTDM_FSTS_IQE);
}

/*
 * lu_machine_kexec() with a hook between the old kernel's shutdown and the
 * jump: the hardware state the next kernel finds can be tampered with.
 */
static void ibt_kexec_tampered(struct ibt *t,
			       void (*tamper)(struct ibt *t))
{
	lu_machine_shutdown(t->m);
	if (tamper)
		tamper(t);
	lu_machine_jump(t->m);
}

/* ---- registration ------------------------------------------------------ */

static void intel_backend_test_registered(struct kunit *test)
{
	struct ibt t = {};

	KUNIT_EXPECT_TRUE(test, shim_log_contains("vendor intel-vtd registered"));
	ibt_setup(test, &t, NULL, false);
	KUNIT_EXPECT_EQ(test, idrv_boot_state(t.m->drv[0]), IOMMU_LU_UNIT_FRESH);
	ibt_free(&t);
}

/* ---- preserve ---------------------------------------------------------- */

static void intel_backend_test_preserve(struct kunit *test)
{
	struct ibt t = {};

	ibt_setup(test, &t, NULL, false);
	KUNIT_ASSERT_EQ(test, ibt_preserve(&t, t.a), 0);
	KUNIT_EXPECT_TRUE(test, iommu_lu_device_preserved(lu_machine_dev(t.m, t.a)));
	/* Root table, A's context table and the domain's page tables. */
	KUNIT_EXPECT_TRUE(test, kho_model_preserved(readq(ibt_regs(&t) +
							  VTDM_REG_RTADDR) &
						    VTDM_PAGE_MASK));
	KUNIT_EXPECT_TRUE(test, kho_model_preserved(ibt_root(&t)[0].lo &
						    VTDM_PAGE_MASK));
	KUNIT_EXPECT_TRUE(test, kho_model_preserved(idrv_domain_pgd(t.o->domain)));
	/* Bus 1 has nothing preserved: its context table is not handed over. */
	KUNIT_EXPECT_FALSE(test, kho_model_preserved(ibt_root(&t)[1].lo &
						     VTDM_PAGE_MASK));
	/* Idempotent. */
	KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.a), 0);
	ibt_expect_no_misuse(&t);
	ibt_free(&t);
}

static void intel_backend_test_translation_off(struct kunit *test)
{
	struct ibt t = {};
	u32 sts;

	ibt_setup(test, &t, NULL, false);
	sts = readl(ibt_regs(&t) + VTDM_REG_GSTS);
	writel(sts & (VTDM_GSTS_QIES | VTDM_GSTS_IRES | VTDM_GSTS_CFIS),
	       ibt_regs(&t) + VTDM_REG_GCMD);
	KUNIT_ASSERT_FALSE(test, vtd_model_translation_enabled(t.m->hw[0]));
	KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.a), -ENODEV);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("translation is off"));
	KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(lu_machine_dev(t.m, t.a)));
	ibt_free(&t);
}

static void intel_backend_test_pass_through_refused(struct kunit *test)
{
	struct ibt t = {};
	struct ibt_ctx_entry *ce;

	ibt_setup(test, &t, NULL, false);
	ce = ibt_ctx(&t, IBT_RID_A);
	KUNIT_ASSERT_NOT_NULL(test, ce);
	ce->lo = (ce->lo & ~(3ULL << VTDM_CTX_TT_SHIFT)) |
		 ((u64)VTDM_CTX_TT_PT << VTDM_CTX_TT_SHIFT);
	KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.a), -EINVAL);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("0000:00:02.0: translation type"));
	KUNIT_EXPECT_EQ(test, kho_model_nr_preserved_pages(), IBT_PAGES);
	ibt_free(&t);
}

static void intel_backend_test_reserved_bits_refused(struct kunit *test)
{
	struct ibt t = {};
	struct ibt_ctx_entry *ce;

	ibt_setup(test, &t, NULL, false);
	ce = ibt_ctx(&t, IBT_RID_A);
	KUNIT_ASSERT_NOT_NULL(test, ce);
	ce->hi |= BIT_ULL(40);
	KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.a), -EINVAL);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("reserved bits"));
	ibt_free(&t);
}

static void intel_backend_test_alias_other_domain(struct kunit *test)
{
	struct ibt t = {};
	struct ibt_ctx_entry *ce;

	ibt_setup(test, &t, NULL, true);
	KUNIT_ASSERT_TRUE(test, ibt_ctx_present(&t, IBT_RID_D));
	ce = ibt_ctx(&t, IBT_RID_D_ALIAS);
	KUNIT_ASSERT_NOT_NULL(test, ce);
	KUNIT_ASSERT_TRUE(test, ce->lo & VTDM_CTX_P);
	/* The alias points at another domain id. */
	ce->hi = (ce->hi & ~(0xffffULL << VTDM_CTX_DID_SHIFT)) |
		 (0x77ULL << VTDM_CTX_DID_SHIFT);
	KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.d), -EINVAL);
	KUNIT_EXPECT_TRUE(test,
			  shim_log_contains("alias 02:00.0 is attached to a different domain"));
	ibt_free(&t);
}

/* The level-2 table under the owner's first IOVA. */
static u64 *ibt_level2(struct ibt *t)
{
	u64 *pgd = physmem_va(idrv_domain_pgd(t->o->domain));
	u64 pte = pgd[(IBT_IOVA >> 30) & 511];

	return physmem_va(pte & VTDM_PAGE_MASK);
}

static void intel_backend_test_pgtable_loop(struct kunit *test)
{
	struct ibt t = {};
	u64 pgd = 0;

	ibt_setup(test, &t, NULL, false);
	pgd = idrv_domain_pgd(t.o->domain);
	/* A level-2 entry pointing back at the level-3 root. */
	ibt_level2(&t)[200] = pgd | VTDM_PTE_R | VTDM_PTE_W;
	KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.a), -EINVAL);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("loop back to a table on the walk"));
	ibt_free(&t);
}

static void intel_backend_test_pgtable_shared_page(struct kunit *test)
{
	struct ibt t = {};
	u64 *pgd;

	ibt_setup(test, &t, NULL, false);
	pgd = physmem_va(idrv_domain_pgd(t.o->domain));
	/* Two level-3 entries lead to the same level-2 table. */
	pgd[100] = pgd[(IBT_IOVA >> 30) & 511];
	KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.a), -ELOOP);
	ibt_free(&t);
}

static void intel_backend_test_pgtable_bad_superpage(struct kunit *test)
{
	struct ibt t = {};
	u64 *l2, *l1;

	ibt_setup(test, &t, NULL, false);
	l2 = ibt_level2(&t);
	l1 = physmem_va(l2[(IBT_IOVA >> 21) & 511] & VTDM_PAGE_MASK);
	l1[(IBT_IOVA >> 12) & 511] |= VTDM_PTE_PS;
	KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.a), -EINVAL);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("superpage bit in a last-level entry"));

	/* A misaligned 2 MiB leaf. */
	l1[(IBT_IOVA >> 12) & 511] &= ~VTDM_PTE_PS;
	l2[300] = 0x40001000ULL | VTDM_PTE_PS | VTDM_PTE_R;
	KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.a), -EINVAL);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("misaligned superpage"));

	/* Aligned, it is a valid leaf. */
	l2[300] = 0x40200000ULL | VTDM_PTE_PS | VTDM_PTE_R;
	KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.a), 0);
	ibt_free(&t);
}

/* ---- shutdown ---------------------------------------------------------- */

static void ibt_check_shutdown(struct kunit *test, struct ibt *t, bool qi)
{
	unsigned long *set = kunit_kcalloc(test, BITS_TO_LONGS(IBT_NR_RIDS),
					   sizeof(long), GFP_KERNEL);
	unsigned long *before = kunit_kcalloc(test, BITS_TO_LONGS(IBT_NR_RIDS),
					      sizeof(long), GFP_KERNEL);
	struct iommu_lu_intel_shutdown_stats st;
	struct vtd_model_stats ms0, ms1;
	unsigned int rid, n_set = 0;

	KUNIT_ASSERT_NOT_NULL(test, set);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_EQ(test, ibt_preserve(t, t->a), 0);

	KUNIT_ASSERT_EQ(test, iommu_lu_intel_cleanup_set(ibt_unit(t), set), 0);
	KUNIT_EXPECT_FALSE(test, test_bit(IBT_RID_A, set));
	KUNIT_EXPECT_TRUE(test, test_bit(IBT_RID_B, set));
	KUNIT_EXPECT_TRUE(test, test_bit(IBT_RID_RP, set));
	KUNIT_EXPECT_TRUE(test, test_bit(IBT_RID_C, set));
	for (rid = 0; rid < IBT_NR_RIDS; rid++) {
		if (ibt_ctx_present(t, rid))
			__set_bit(rid, before);
		if (test_bit(rid, set)) {
			n_set++;
			KUNIT_EXPECT_TRUE_MSG(test, test_bit(rid, before),
					      "rid %04x in the set has no entry", rid);
		}
	}
	KUNIT_EXPECT_EQ(test, n_set, 3);
	/* Computing it wrote nothing. */
	KUNIT_EXPECT_TRUE(test, ibt_ctx_present(t, IBT_RID_B));

	vtd_model_stats(t->m->hw[0], &ms0);
	lu_machine_shutdown(t->m);
	vtd_model_stats(t->m->hw[0], &ms1);

	iommu_lu_intel_last_shutdown(&st);
	KUNIT_EXPECT_EQ(test, st.ctx_cleared, 2);	/* B and the root port */
	KUNIT_EXPECT_EQ(test, st.roots_zeroed, 1);	/* bus 1 */
	KUNIT_EXPECT_EQ(test, st.ctx_kept, 1);		/* A */
	KUNIT_EXPECT_EQ(test, st.flushed_qi, qi);
	KUNIT_EXPECT_TRUE(test, st.flush_ok);

	/* Exactly the predicted ids lost their entry. */
	for (rid = 0; rid < IBT_NR_RIDS; rid++)
		KUNIT_EXPECT_EQ_MSG(test, ibt_ctx_present(t, rid),
				    test_bit(rid, before) && !test_bit(rid, set),
				    "rid %04x", rid);
	KUNIT_EXPECT_FALSE(test, ibt_root(t)[1].lo & VTDM_ROOT_P);
	KUNIT_EXPECT_TRUE(test, vtd_model_translation_enabled(t->m->hw[0]));

	KUNIT_EXPECT_EQ(test, ms1.cc_inv_global, ms0.cc_inv_global + 1);
	KUNIT_EXPECT_EQ(test, ms1.iotlb_inv_global, ms0.iotlb_inv_global + 1);
	if (qi)
		KUNIT_EXPECT_EQ(test, ms1.reg_inv, ms0.reg_inv);
	else
		KUNIT_EXPECT_EQ(test, ms1.reg_inv, ms0.reg_inv + 2);

	KUNIT_EXPECT_EQ(test, ibt_dma(t, IBT_RID_A), 0);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(t->o, IBT_RID_A), 0);
	KUNIT_EXPECT_EQ(test, ibt_dma(t, IBT_RID_B), -EFAULT);
	KUNIT_EXPECT_EQ(test, ibt_dma(t, IBT_RID_C), -EFAULT);
	ibt_expect_no_misuse(t);
}

static void intel_backend_test_shutdown_qi(struct kunit *test)
{
	struct vtd_model_stats ms0, ms1;
	struct ibt t = {};

	ibt_setup(test, &t, NULL, false);
	KUNIT_ASSERT_TRUE(test, idrv_qi_enabled(t.m->drv[0]));
	ibt_check_shutdown(test, &t, true);

	/* The queue is where the driver left it: its own flushes still work. */
	KUNIT_EXPECT_EQ(test, readl(ibt_regs(&t) + VTDM_REG_IQH),
			readl(ibt_regs(&t) + VTDM_REG_IQT));
	vtd_model_stats(t.m->hw[0], &ms0);
	idrv_flush_context_global(t.m->drv[0]);
	idrv_flush_iotlb_global(t.m->drv[0]);
	vtd_model_stats(t.m->hw[0], &ms1);
	KUNIT_EXPECT_EQ(test, ms1.cc_inv_global, ms0.cc_inv_global + 1);
	KUNIT_EXPECT_EQ(test, ms1.iotlb_inv_global, ms0.iotlb_inv_global + 1);
	ibt_expect_no_misuse(&t);
	ibt_free(&t);
}

static void intel_backend_test_shutdown_registers(struct kunit *test)
{
	struct vtd_model_cfg cfg;
	struct ibt t = {};

	vtd_model_default_cfg(&cfg);
	cfg.qi = false;
	cfg.intremap = false;
	ibt_setup(test, &t, &cfg, false);
	KUNIT_ASSERT_FALSE(test, idrv_qi_enabled(t.m->drv[0]));
	ibt_check_shutdown(test, &t, false);
	ibt_free(&t);
}

static void intel_backend_test_shutdown_noncoherent(struct kunit *test)
{
	struct iommu_lu_intel_shutdown_stats st;
	struct vtd_model_cfg cfg;
	unsigned long flushes;
	struct ibt t = {};

	vtd_model_default_cfg(&cfg);
	cfg.coherent = false;
	ibt_setup(test, &t, &cfg, false);
	KUNIT_ASSERT_EQ(test, ibt_preserve(&t, t.a), 0);
	flushes = shim_clflush_calls;
	lu_machine_shutdown(t.m);
	iommu_lu_intel_last_shutdown(&st);
	/* One per cleared context entry and zeroed root entry. */
	KUNIT_EXPECT_EQ(test, shim_clflush_calls - flushes,
			st.ctx_cleared + st.roots_zeroed);
	ibt_expect_no_misuse(&t);
	ibt_free(&t);
}

/* ---- next kernel ------------------------------------------------------- */

static void intel_backend_test_adopt(struct kunit *test)
{
	struct ibt t = {};

	ibt_setup(test, &t, NULL, true);
	KUNIT_ASSERT_EQ(test, ibt_preserve(&t, t.d), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_check_dma(t.o, IBT_RID_D), 0);
	lu_machine_kexec(t.m);

	KUNIT_EXPECT_EQ(test, idrv_boot_state(t.m->drv[0]), IOMMU_LU_UNIT_ADOPTED);
	KUNIT_EXPECT_TRUE(test, iommu_lu_rid_adopted(ibt_unit(&t), IBT_RID_D));
	KUNIT_EXPECT_TRUE(test, iommu_lu_rid_adopted(ibt_unit(&t),
						     IBT_RID_D_ALIAS));
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(t.o, IBT_RID_D), 0);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(t.o, IBT_RID_D_ALIAS), 0);
	KUNIT_EXPECT_EQ(test, ibt_dma(&t, IBT_RID_A), -EFAULT);
	ibt_expect_no_misuse(&t);
	ibt_free(&t);
}

static void intel_backend_test_finish_clears(struct kunit *test)
{
	struct ibt t = {};

	ibt_setup(test, &t, NULL, false);
	KUNIT_ASSERT_EQ(test, ibt_preserve(&t, t.a), 0);
	lu_machine_kexec(t.m);
	KUNIT_ASSERT_EQ(test, idrv_boot_state(t.m->drv[0]), IOMMU_LU_UNIT_ADOPTED);
	KUNIT_ASSERT_EQ(test, lu_owner_check_dma(t.o, IBT_RID_A), 0);

	/* Nobody claimed A: finish clears its entry (device_clear). */
	iommu_lu_finish();
	KUNIT_EXPECT_FALSE(test, ibt_ctx_present(&t, IBT_RID_A));
	KUNIT_EXPECT_TRUE(test, ibt_root(&t)[0].lo & VTDM_ROOT_P);
	KUNIT_EXPECT_EQ(test, ibt_dma(&t, IBT_RID_A), -EFAULT);
	ibt_expect_no_misuse(&t);
	ibt_free(&t);
}

static void ibt_tamper_did(struct ibt *t)
{
	struct ibt_ctx_entry *ce = ibt_ctx(t, IBT_RID_A);

	ce->hi = (ce->hi & ~(0xffffULL << VTDM_CTX_DID_SHIFT)) |
		 (0x77ULL << VTDM_CTX_DID_SHIFT);
}

static void ibt_tamper_stray(struct ibt *t)
{
	*ibt_ctx(t, IBT_RID_B) = *ibt_ctx(t, IBT_RID_A);
}

static void ibt_tamper_te_off(struct ibt *t)
{
	u32 sts = readl(ibt_regs(t) + VTDM_REG_GSTS);

	writel(sts & (VTDM_GSTS_QIES | VTDM_GSTS_IRES | VTDM_GSTS_CFIS),
	       ibt_regs(t) + VTDM_REG_GCMD);
}

static void ibt_check_blocked(struct kunit *test,
			      void (*tamper)(struct ibt *t), const char *why)
{
	struct ibt t = {};
	u64 old_root;

	ibt_setup(test, &t, NULL, false);
	KUNIT_ASSERT_EQ(test, ibt_preserve(&t, t.a), 0);
	old_root = readq(ibt_regs(&t) + VTDM_REG_RTADDR) & VTDM_PAGE_MASK;
	ibt_kexec_tampered(&t, tamper);

	KUNIT_EXPECT_EQ(test, idrv_boot_state(t.m->drv[0]), IOMMU_LU_UNIT_BLOCKED);
	KUNIT_EXPECT_TRUE_MSG(test, shim_log_contains(why), "no \"%s\" in the log",
			      why);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("ALL DMA ON THIS UNIT IS BLOCKED"));
	KUNIT_EXPECT_TRUE(test, vtd_model_translation_enabled(t.m->hw[0]));
	KUNIT_EXPECT_NE(test, vtd_model_active_root(t.m->hw[0]), old_root);
	KUNIT_EXPECT_EQ(test, ibt_dma(&t, IBT_RID_A), -EFAULT);
	KUNIT_EXPECT_EQ(test, ibt_dma(&t, IBT_RID_B), -EFAULT);
	KUNIT_EXPECT_TRUE(test, readl(ibt_regs(&t) + VTDM_REG_GSTS) &
				VTDM_GSTS_QIES);
	ibt_expect_no_misuse(&t);
	ibt_free(&t);
}

static void intel_backend_test_adopt_did_changed(struct kunit *test)
{
	ibt_check_blocked(test, ibt_tamper_did, "0000:00:02.0: domain id is 0x77");
}

static void intel_backend_test_adopt_stray_entry(struct kunit *test)
{
	ibt_check_blocked(test, ibt_tamper_stray,
			  "0000:00:03.0: live context entry without a device record");
}

static void intel_backend_test_adopt_translation_off(struct kunit *test)
{
	ibt_check_blocked(test, ibt_tamper_te_off, "translation is off");
}

/* ---- modes ------------------------------------------------------------- */

static void intel_backend_test_cleanup_set_modes(struct kunit *test)
{
	unsigned long *set = kunit_kcalloc(test, BITS_TO_LONGS(IBT_NR_RIDS),
					   sizeof(long), GFP_KERNEL);
	struct iommu_device iommu_dev = {};
	enum iommu_lu_boot_state state;
	struct iommu_lu_unit_desc desc;
	struct vtd_model_cfg cfg;
	struct iommu_lu_unit *unit;
	struct vtd_model *hw;
	struct ibt t = {};

	KUNIT_ASSERT_NOT_NULL(test, set);

	/* A legacy unit with nothing preserved has no cleanup to compute. */
	ibt_setup(test, &t, NULL, false);
	KUNIT_EXPECT_EQ(test, iommu_lu_intel_cleanup_set(ibt_unit(&t), set),
			-ENODEV);
	ibt_free(&t);

	/* Scalable mode is refused for now. */
	vtd_model_default_cfg(&cfg);
	cfg.scalable = true;
	hw = vtd_model_create(0xfedb0000ULL, &cfg);
	KUNIT_ASSERT_NOT_NULL(test, hw);
	desc = (struct iommu_lu_unit_desc){
		.vendor = IOMMU_LU_VENDOR_INTEL_VTD,
		.token = 0xfedb0000ULL,
		.segment = 5,
		.mode = IOMMU_LU_MODE_VTD_SCALABLE,
		.regs = vtd_model_regs(hw),
		.iommu_dev = &iommu_dev,
	};
	unit = iommu_lu_unit_add(&desc, &state);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, unit);
	KUNIT_EXPECT_EQ(test, state, IOMMU_LU_UNIT_FRESH);
	KUNIT_EXPECT_EQ(test, iommu_lu_intel_cleanup_set(unit, set), -EOPNOTSUPP);
	iommu_lu_unit_remove(unit);
	vtd_model_destroy(hw);
}

static struct kunit_case intel_backend_test_cases[] = {
	KUNIT_CASE(intel_backend_test_registered),
	KUNIT_CASE(intel_backend_test_preserve),
	KUNIT_CASE(intel_backend_test_translation_off),
	KUNIT_CASE(intel_backend_test_pass_through_refused),
	KUNIT_CASE(intel_backend_test_reserved_bits_refused),
	KUNIT_CASE(intel_backend_test_alias_other_domain),
	KUNIT_CASE(intel_backend_test_pgtable_loop),
	KUNIT_CASE(intel_backend_test_pgtable_shared_page),
	KUNIT_CASE(intel_backend_test_pgtable_bad_superpage),
	KUNIT_CASE(intel_backend_test_shutdown_qi),
	KUNIT_CASE(intel_backend_test_shutdown_registers),
	KUNIT_CASE(intel_backend_test_shutdown_noncoherent),
	KUNIT_CASE(intel_backend_test_adopt),
	KUNIT_CASE(intel_backend_test_finish_clears),
	KUNIT_CASE(intel_backend_test_adopt_did_changed),
	KUNIT_CASE(intel_backend_test_adopt_stray_entry),
	KUNIT_CASE(intel_backend_test_adopt_translation_off),
	KUNIT_CASE(intel_backend_test_cleanup_set_modes),
	{}
};

static struct kunit_suite intel_backend_test_suite = {
	.name = "iommu_lu_intel",
	.test_cases = intel_backend_test_cases,
};

kunit_test_suite(intel_backend_test_suite);
