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
 * model performed or refused), not on the backend's internals.
 *
 * Every case that makes sense in both modes runs twice, as a parameterised
 * case ("legacy", "scalable": the hardware has ECAP.SMTS and the driver runs
 * it in scalable mode), so KTAP names the mode that failed:
 *
 * - preserve: a device and its aliases are preserved; a context entry in
 *   pass-through (scalable: a RID_PASID entry that is not second-level
 *   only), with reserved bits, or an alias in another domain is refused
 *   with -EINVAL; a page table with a loop, a shared page or a bad superpage
 *   bit is refused; translation off is -ENODEV;
 * - shutdown: iommu_lu_intel_cleanup_set() predicts exactly what shutdown
 *   clears; unpreserved ids fault, preserved ones keep translating; the
 *   invalidation goes through the queue (scalable: with 256-bit descriptors
 *   and a PASID-cache invalidation that really empties the model's PASID
 *   cache) with no misuse counted, and the driver's own queue keeps working
 *   after it; clflush on a non-coherent unit;
 * - next kernel: the unit is adopted and DMA continues through every alias;
 *   a changed domain id, a stray live entry or translation turned off make
 *   adopt refuse and block_all block every DMA with translation on;
 *   iommu_lu_finish() clears an unclaimed device (device_clear).
 *
 * Legacy only: the register-based invalidation (scalable mode needs the
 * queue). Scalable only: one bus with a lower and an upper context table
 * (only the half with a preserved id survives), the page-request enable
 * cleared at shutdown, a handover whose mode differs from the next driver's
 * (either way) refused with every DMA blocked, a corrupted PASID entry
 * refused at adoption, PASIDs other than RID_PASID (refused on another
 * domain, cleared at shutdown when they appear afterwards), and Linux 7.3's
 * missing context entry for a bridge's alias in scalable mode.
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
 * 01:00.0 (C) behind it, and optionally an aliased device D: in legacy
 * mode a conventional endpoint 02:01.0 behind the PCIe-to-PCI bridge
 * 00:1e.0 (aliases 02:01.0 and 02:00.0); in scalable mode, where Linux 7.3
 * gives a bridge's alias no context entry, 00:04.0 with a phantom function
 * 00:04.1 (a DMA alias quirk).
 */
#define IBT_RID_A		0x0010
#define IBT_RID_B		0x0018
#define IBT_RID_RP		0x00e0
#define IBT_RID_C		0x0100
#define IBT_RID_D		0x0208
#define IBT_RID_D_ALIAS		0x0200
#define IBT_RID_E		0x0020
#define IBT_RID_E_ALIAS		0x0021

struct ibt_ctx_entry {
	u64 lo;
	u64 hi;
};

/**
 * struct ibt_mode - One parameter: the mode every unit runs in.
 * @name: for KTAP.
 * @sm: scalable mode.
 */
struct ibt_mode {
	const char *name;
	bool sm;
};

static const struct ibt_mode ibt_modes[] = {
	{ .name = "legacy", .sm = false },
	{ .name = "scalable", .sm = true },
};

KUNIT_ARRAY_PARAM_DESC(ibt_mode, ibt_modes, name);

/**
 * struct ibt - One test's machine.
 * @test: the test.
 * @sm: scalable mode.
 * @m: the machine.
 * @a: device A (preserved).
 * @b: device B.
 * @rp: the root port.
 * @c: device C, behind @rp.
 * @d: the aliased device D, or -1.
 * @rid_d: D's requester id.
 * @rid_d_alias: its alias.
 * @o: the caller-owned domain A (or D) is attached to.
 */
struct ibt {
	struct kunit *test;
	bool sm;
	struct lu_machine *m;
	int a, b, rp, c, d;
	u16 rid_d, rid_d_alias;
	struct lu_owner *o;
};

static bool ibt_param_sm(struct kunit *test)
{
	const struct ibt_mode *mode = test->param_value;

	return mode && mode->sm;
}

static struct lu_machine *ibt_machine(const struct vtd_model_cfg *cfg, bool sm)
{
	struct vtd_model_cfg c;

	if (cfg)
		c = *cfg;
	else
		vtd_model_default_cfg(&c);
	c.scalable |= sm;
	return lu_machine_new_units(1, &c, sm);
}

/*
 * The machine of a test: @cfg (NULL: defaults; scalable hardware when @sm),
 * the driver in scalable mode when @sm, A, B, the root port, C, and with
 * @with_alias the aliased device D; the owner's domain on A (or D).
 */
static void ibt_setup_mode(struct kunit *test, struct ibt *t,
			   const struct vtd_model_cfg *cfg, bool with_alias,
			   bool sm)
{
	int br;

	t->test = test;
	t->sm = sm;
	t->m = ibt_machine(cfg, t->sm);
	KUNIT_ASSERT_EQ(test, idrv_sm(t->m->drv[0]), t->sm);
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
	if (with_alias && !t->sm) {
		br = lu_machine_add(t->m, 0, -1, PCI_DEVFN(0x1e, 0),
				    PCI_MODEL_PCIE_PCI_BRIDGE, 2);
		KUNIT_ASSERT_GE(test, br, 0);
		t->d = lu_machine_add(t->m, 0, br, PCI_DEVFN(1, 0),
				      PCI_MODEL_ENDPOINT_PCI, 0);
		t->rid_d = IBT_RID_D;
		t->rid_d_alias = IBT_RID_D_ALIAS;
	} else if (with_alias) {
		t->d = lu_machine_add_aliased(t->m, 0, -1, PCI_DEVFN(4, 0),
					      PCI_MODEL_ENDPOINT_PCIE, 0,
					      PCI_DEVFN(4, 1));
		t->rid_d = IBT_RID_E;
		t->rid_d_alias = IBT_RID_E_ALIAS;
	}
	if (with_alias) {
		KUNIT_ASSERT_GE(test, t->d, 0);
		KUNIT_ASSERT_EQ(test, lu_machine_rid(t->m, t->d), t->rid_d);
	}
	KUNIT_ASSERT_EQ(test, lu_machine_rid(t->m, t->a), IBT_RID_A);
	KUNIT_ASSERT_EQ(test, lu_machine_rid(t->m, t->c), IBT_RID_C);

	t->o = lu_owner_new(t->m, 0, IBT_IOVA, IBT_PAGES, IBT_SEED);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(t->o, with_alias ? t->d : t->a), 0);
}

/* ibt_setup_mode() in the mode of the case's parameter. */
static void ibt_setup(struct kunit *test, struct ibt *t,
		      const struct vtd_model_cfg *cfg, bool with_alias)
{
	ibt_setup_mode(test, t, cfg, with_alias, ibt_param_sm(test));
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

/* The context table @rid's entry sits in (scalable: lower or upper), or 0. */
static u64 ibt_ctx_table(struct ibt *t, u16 rid)
{
	struct ibt_ctx_entry *re = &ibt_root(t)[rid >> 8];
	u64 half = t->sm && (rid & 0x80) ? re->hi : re->lo;

	return half & VTDM_ROOT_P ? half & VTDM_PAGE_MASK : 0;
}

/*
 * The context entry of @rid in the tables RTADDR points at, or NULL. In
 * scalable mode that is the first half of the 32-byte entry.
 */
static struct ibt_ctx_entry *ibt_ctx(struct ibt *t, u16 rid)
{
	u64 table = ibt_ctx_table(t, rid);
	struct ibt_ctx_entry *ct = table ? physmem_va(table) : NULL;

	if (!ct)
		return NULL;
	return t->sm ? &ct[(rid & 0x7f) * 2] : &ct[rid & 0xff];
}

static bool ibt_ctx_present(struct ibt *t, u16 rid)
{
	struct ibt_ctx_entry *ce = ibt_ctx(t, rid);

	return ce && (ce->lo & VTDM_CTX_P);
}

/* Scalable mode: the PASID table entry (8 qwords) of @pasid of @rid, or NULL. */
static u64 *ibt_pe(struct ibt *t, u16 rid, u32 pasid)
{
	struct ibt_ctx_entry *ce = ibt_ctx(t, rid);
	u64 *dir, *table;

	if (!ce || !(ce->lo & VTDM_SMCTX_P))
		return NULL;
	dir = physmem_va(ce->lo & VTDM_PAGE_MASK);
	if (!dir || !(dir[pasid >> 6] & VTDM_PDE_P))
		return NULL;
	table = physmem_va(dir[pasid >> 6] & VTDM_PAGE_MASK);
	return table ? &table[(pasid & 63) * 8] : NULL;
}

/* The domain id @rid's entry (legacy) or RID_PASID entry (scalable) holds. */
static u64 *ibt_did_word(struct ibt *t, u16 rid, unsigned int *shift)
{
	u64 *pe;

	if (!t->sm) {
		*shift = VTDM_CTX_DID_SHIFT;
		return &ibt_ctx(t, rid)->hi;
	}
	pe = ibt_pe(t, rid, 0);
	*shift = 0;
	return pe ? &pe[1] : NULL;
}

static void ibt_set_did(struct ibt *t, u16 rid, u16 did)
{
	unsigned int shift;
	u64 *w = ibt_did_word(t, rid, &shift);

	KUNIT_ASSERT_NOT_NULL(t->test, w);
	*w = (*w & ~(0xffffULL << shift)) | ((u64)did << shift);
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
			    "qi_bad_desc %llu qi_fetch %llu qi_width %llu gcmd_multi %llu reg_inv_while_qi %llu",
			    (unsigned long long)st.err_qi_bad_desc,
			    (unsigned long long)st.err_qi_fetch,
			    (unsigned long long)st.err_qi_width,
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
	u64 *dir;

	ibt_setup(test, &t, NULL, false);
	KUNIT_ASSERT_EQ(test, ibt_preserve(&t, t.a), 0);
	KUNIT_EXPECT_TRUE(test, iommu_lu_device_preserved(lu_machine_dev(t.m, t.a)));
	/* Root table, A's context table and the domain's page tables. */
	KUNIT_EXPECT_TRUE(test, kho_model_preserved(readq(ibt_regs(&t) +
							  VTDM_REG_RTADDR) &
						    VTDM_PAGE_MASK));
	KUNIT_EXPECT_TRUE(test, kho_model_preserved(ibt_ctx_table(&t, IBT_RID_A)));
	KUNIT_EXPECT_TRUE(test, kho_model_preserved(idrv_domain_pgd(t.o->domain)));
	/* Bus 1 has nothing preserved: its context table is not handed over. */
	KUNIT_EXPECT_FALSE(test, kho_model_preserved(ibt_ctx_table(&t, IBT_RID_C)));
	if (t.sm) {
		/* A's PASID directory and the PASID table of its RID_PASID. */
		dir = physmem_va(ibt_ctx(&t, IBT_RID_A)->lo & VTDM_PAGE_MASK);
		KUNIT_ASSERT_NOT_NULL(test, dir);
		KUNIT_EXPECT_TRUE(test, kho_model_preserved(physmem_pa(dir)));
		KUNIT_EXPECT_TRUE(test, kho_model_preserved(dir[0] & VTDM_PAGE_MASK));
		/* B's are not. */
		dir = physmem_va(ibt_ctx(&t, IBT_RID_B)->lo & VTDM_PAGE_MASK);
		KUNIT_EXPECT_FALSE(test, kho_model_preserved(physmem_pa(dir)));
	}
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
	struct ibt_ctx_entry *ce;
	struct ibt t = {};
	u64 *pe;

	ibt_setup(test, &t, NULL, false);
	if (t.sm) {
		/* A pass-through RID_PASID entry (PGTT 4). */
		pe = ibt_pe(&t, IBT_RID_A, 0);
		KUNIT_ASSERT_NOT_NULL(test, pe);
		pe[0] = (pe[0] & ~(7ULL << VTDM_PE_PGTT_SHIFT)) |
			((u64)VTDM_PE_PGTT_PT << VTDM_PE_PGTT_SHIFT);
		KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.a), -EINVAL);
		KUNIT_EXPECT_TRUE(test,
				  shim_log_contains("00:02.0: PASID entry is not second-level"));
	} else {
		ce = ibt_ctx(&t, IBT_RID_A);
		KUNIT_ASSERT_NOT_NULL(test, ce);
		ce->lo = (ce->lo & ~(3ULL << VTDM_CTX_TT_SHIFT)) |
			 ((u64)VTDM_CTX_TT_PT << VTDM_CTX_TT_SHIFT);
		KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.a), -EINVAL);
		KUNIT_EXPECT_TRUE(test, shim_log_contains("0000:00:02.0: translation type"));
	}
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
	/* Reserved in both modes (legacy 63:24, scalable 63:21). */
	ce->hi |= BIT_ULL(40);
	KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.a), -EINVAL);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("reserved bits"));
	if (t.sm) {
		/* The upper 128 bits of a scalable-mode entry. */
		ce->hi &= ~BIT_ULL(40);
		ce[1].hi = 1;
		KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.a), -EINVAL);
		ce[1].hi = 0;
		KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.a), 0);
	}
	ibt_free(&t);
}

/*
 * An alias on another domain. Scalable mode: the phantom function's entry
 * points at another PASID directory whose RID_PASID entry has another
 * domain id.
 */
static void intel_backend_test_alias_other_domain(struct kunit *test)
{
	struct ibt_ctx_entry *ce;
	struct ibt t = {};
	u64 dir, tbl, *d, *p;

	ibt_setup(test, &t, NULL, true);
	KUNIT_ASSERT_TRUE(test, ibt_ctx_present(&t, t.rid_d));
	ce = ibt_ctx(&t, t.rid_d_alias);
	KUNIT_ASSERT_NOT_NULL(test, ce);
	KUNIT_ASSERT_TRUE(test, ce->lo & VTDM_CTX_P);
	if (t.sm) {
		KUNIT_ASSERT_EQ(test, ce->lo, ibt_ctx(&t, t.rid_d)->lo);
		dir = physmem_alloc_page();
		tbl = physmem_alloc_page();
		KUNIT_ASSERT_NE(test, dir, 0);
		KUNIT_ASSERT_NE(test, tbl, 0);
		d = physmem_va(dir);
		p = physmem_va(tbl);
		memset(d, 0, PAGE_SIZE);
		memcpy(p, ibt_pe(&t, t.rid_d, 0), PAGE_SIZE >> 6);
		d[0] = tbl | VTDM_PDE_P;
		p[1] = 0x77;
		ce->lo = dir | (ce->lo & ~VTDM_PAGE_MASK);
		KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.d), -EINVAL);
		KUNIT_EXPECT_TRUE(test,
				  shim_log_contains("alias 00:04.1 uses another PASID directory"));
	} else {
		/* The alias points at another domain id. */
		ce->hi = (ce->hi & ~(0xffffULL << VTDM_CTX_DID_SHIFT)) |
			 (0x77ULL << VTDM_CTX_DID_SHIFT);
		KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.d), -EINVAL);
		KUNIT_EXPECT_TRUE(test,
				  shim_log_contains("alias 02:00.0 is attached to a different"));
	}
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
	/* Fill the caches: the PASID cache of B must go too. */
	KUNIT_EXPECT_EQ(test, ibt_dma(t, IBT_RID_A), 0);
	ibt_dma(t, IBT_RID_B);

	vtd_model_stats(t->m->hw[0], &ms0);
	lu_machine_shutdown(t->m);
	vtd_model_stats(t->m->hw[0], &ms1);

	iommu_lu_intel_last_shutdown(&st);
	KUNIT_EXPECT_EQ(test, st.ctx_kept, 1);		/* A */
	if (t->sm) {
		/* B; the root port is alone in bus 0's upper table. */
		KUNIT_EXPECT_EQ(test, st.ctx_cleared, 1);
		KUNIT_EXPECT_EQ(test, st.roots_zeroed, 2);	/* 0 upper, 1 lower */
		KUNIT_EXPECT_FALSE(test, ibt_root(t)[0].hi & VTDM_ROOT_P);
		KUNIT_EXPECT_TRUE(test, ibt_root(t)[0].lo & VTDM_ROOT_P);
	} else {
		KUNIT_EXPECT_EQ(test, st.ctx_cleared, 2);	/* B, root port */
		KUNIT_EXPECT_EQ(test, st.roots_zeroed, 1);	/* bus 1 */
	}
	KUNIT_EXPECT_EQ(test, st.pre_cleared, 0);
	KUNIT_EXPECT_EQ(test, st.pasid_cleared, 0);
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
	/* Scalable mode: the PASID cache too, and it really emptied. */
	KUNIT_EXPECT_EQ(test, ms1.pc_inv_global, ms0.pc_inv_global + t->sm);
	KUNIT_EXPECT_EQ(test, ms1.pc_entries, 0);
	KUNIT_EXPECT_EQ(test, ms1.cc_entries + ms1.iotlb_entries, 0);
	if (t->sm)
		KUNIT_EXPECT_GT(test, ms0.pc_entries, 0);

	KUNIT_EXPECT_EQ(test, ibt_dma(t, IBT_RID_A), 0);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(t->o, IBT_RID_A), 0);
	KUNIT_EXPECT_EQ(test, ibt_dma(t, IBT_RID_B), -EFAULT);
	KUNIT_EXPECT_EQ(test, ibt_dma(t, IBT_RID_C), -EFAULT);
	ibt_expect_no_misuse(t);
}

/* Descriptors the model performed, every type. */
static u64 ibt_qi_done(const struct vtd_model_stats *ms)
{
	u64 n = 0;
	unsigned int type;

	for (type = 0; type < VTDM_QI_NR_TYPES; type++)
		n += ms->qi_desc[type];
	return n;
}

/*
 * The ring after the backend's flush, in slots of 1 << @shift bytes from
 * @head: a context-cache, (scalable) a PASID-cache and an IOTLB
 * invalidation, then wait descriptors to the end of the lap; the upper half
 * of a 256-bit slot is zero. The first slot's low word holds the last
 * status write: not checked.
 */
static void ibt_check_qi_ring(struct ibt *t, u64 base, u32 size, u32 head,
			      unsigned int shift)
{
	unsigned int nr = size >> shift, iotlb = t->sm ? 2 : 1, i, type;
	const u64 *q = NULL;
	u64 upper = 0;

	for (i = 1; i < nr; i++) {
		q = physmem_va(base + ((head + (i << shift)) & (size - 1)));
		KUNIT_ASSERT_NOT_NULL(t->test, q);
		if (i == 1 && t->sm)
			type = VTDM_QI_PASID_CACHE;
		else if (i == iotlb)
			type = VTDM_QI_IOTLB;
		else
			type = VTDM_QI_WAIT;
		upper = shift > 4 ? q[2] | q[3] : 0;
		if ((q[0] & 0xf) != type || upper)
			break;
	}
	KUNIT_EXPECT_EQ_MSG(t->test, i, nr,
			    "slot %u of %u: qw0 %#llx, upper half %#llx", i, nr,
			    q ? (unsigned long long)q[0] : 0ULL,
			    (unsigned long long)upper);
}

/*
 * Scalable mode: 256-bit descriptors (IQA.DW), which the model, as QEMU
 * 7.2, does not return on an IQA read, so neither the backend nor this test
 * can learn the width from there. What the model latched when the driver
 * enabled the queue shows instead in IQH, which counts in descriptors of
 * that width, and in what it accepts: with SMT latched it refuses every
 * descriptor of a queue latched without DW (IQE, err_qi_width).
 */
static void intel_backend_test_shutdown_qi(struct kunit *test)
{
	struct vtd_model_stats ms0, ms1;
	unsigned int shift;
	struct ibt t = {};
	u32 head, size;
	u64 iqa;

	ibt_setup(test, &t, NULL, false);
	KUNIT_ASSERT_TRUE(test, idrv_qi_enabled(t.m->drv[0]));
	shift = t.sm ? 5 : 4;

	/* The QEMU 7.2 quirk: IQA reads back without DW, in either mode. */
	iqa = readq(ibt_regs(&t) + VTDM_REG_IQA);
	KUNIT_EXPECT_FALSE(test, iqa & VTDM_IQA_DW);
	size = VTDM_PAGE_SIZE << (iqa & VTDM_IQA_QS_MASK);

	/*
	 * One enable, accepted (DW without SMTS is refused): IQH has since
	 * advanced by every descriptor performed, at the latched width.
	 */
	vtd_model_stats(t.m->hw[0], &ms0);
	KUNIT_ASSERT_EQ(test, ms0.qie_enables, 1);
	KUNIT_EXPECT_EQ(test, ms0.err_qie_enable, 0);
	KUNIT_EXPECT_GT(test, ibt_qi_done(&ms0), 0);
	head = readl(ibt_regs(&t) + VTDM_REG_IQH);
	KUNIT_EXPECT_EQ(test, head, (ibt_qi_done(&ms0) << shift) & (size - 1));
	KUNIT_EXPECT_EQ(test,
			!!(vtd_model_active_root(t.m->hw[0]) & VTDM_RTADDR_SMT),
			t.sm);
	KUNIT_EXPECT_EQ(test, ms0.err_qi_width, 0);

	ibt_check_shutdown(test, &t, true);

	/*
	 * The backend's flush: one full lap of descriptors of the width the
	 * driver chose (128 of 256 bits in scalable mode, 256 of 128 bits in
	 * legacy mode), all performed, back where the queue was.
	 */
	vtd_model_stats(t.m->hw[0], &ms1);
	KUNIT_EXPECT_EQ(test, ibt_qi_done(&ms1) - ibt_qi_done(&ms0),
			size >> shift);
	KUNIT_EXPECT_EQ(test, ms1.qi_desc[VTDM_QI_WAIT] -
			ms0.qi_desc[VTDM_QI_WAIT], (size >> shift) - 2 - t.sm);
	KUNIT_EXPECT_EQ(test, ms1.qi_desc[VTDM_QI_PASID_CACHE] -
			ms0.qi_desc[VTDM_QI_PASID_CACHE], t.sm);
	KUNIT_EXPECT_EQ(test, ms1.err_qi_width, 0);
	KUNIT_EXPECT_EQ(test, readl(ibt_regs(&t) + VTDM_REG_IQH), head);
	ibt_check_qi_ring(&t, iqa & VTDM_PAGE_MASK, size, head, shift);

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

/* Legacy only: scalable mode needs the invalidation queue. */
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
	/* One per entry written: cleared, zeroed, PRE or PASID cleared. */
	KUNIT_EXPECT_EQ(test, shim_clflush_calls - flushes,
			st.ctx_cleared + st.roots_zeroed + st.pre_cleared +
			st.pasid_cleared);
	KUNIT_EXPECT_GT(test, st.ctx_cleared, 0);
	ibt_expect_no_misuse(&t);
	ibt_free(&t);
}

/* ---- next kernel ------------------------------------------------------- */

static void intel_backend_test_adopt(struct kunit *test)
{
	struct ibt t = {};

	ibt_setup(test, &t, NULL, true);
	KUNIT_ASSERT_EQ(test, ibt_preserve(&t, t.d), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_check_dma(t.o, t.rid_d), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_check_dma(t.o, t.rid_d_alias), 0);
	lu_machine_kexec(t.m);

	KUNIT_EXPECT_EQ(test, idrv_boot_state(t.m->drv[0]), IOMMU_LU_UNIT_ADOPTED);
	KUNIT_EXPECT_EQ(test, idrv_sm(t.m->drv[0]), t.sm);
	KUNIT_EXPECT_TRUE(test, iommu_lu_rid_adopted(ibt_unit(&t), t.rid_d));
	KUNIT_EXPECT_TRUE(test, iommu_lu_rid_adopted(ibt_unit(&t),
						     t.rid_d_alias));
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(t.o, t.rid_d), 0);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(t.o, t.rid_d_alias), 0);
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
	if (t.sm)
		KUNIT_EXPECT_EQ(test, ibt_ctx(&t, IBT_RID_A)[1].lo |
				      ibt_ctx(&t, IBT_RID_A)[1].hi, 0);
	ibt_expect_no_misuse(&t);
	ibt_free(&t);
}

static void ibt_tamper_did(struct ibt *t)
{
	ibt_set_did(t, IBT_RID_A, 0x77);
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

static void ibt_check_blocked_in(struct kunit *test, struct ibt *t,
				 void (*tamper)(struct ibt *t), const char *why)
{
	u64 old_root;

	KUNIT_ASSERT_EQ(test, ibt_preserve(t, t->a), 0);
	old_root = readq(ibt_regs(t) + VTDM_REG_RTADDR) & VTDM_PAGE_MASK;
	ibt_kexec_tampered(t, tamper);

	KUNIT_EXPECT_EQ(test, idrv_boot_state(t->m->drv[0]), IOMMU_LU_UNIT_BLOCKED);
	KUNIT_EXPECT_TRUE_MSG(test, shim_log_contains(why), "no \"%s\" in the log",
			      why);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("ALL DMA ON THIS UNIT IS BLOCKED"));
	KUNIT_EXPECT_TRUE(test, vtd_model_translation_enabled(t->m->hw[0]));
	KUNIT_EXPECT_NE(test, vtd_model_active_root(t->m->hw[0]) & VTDM_PAGE_MASK,
			old_root);
	KUNIT_EXPECT_EQ(test, ibt_dma(t, IBT_RID_A), -EFAULT);
	KUNIT_EXPECT_EQ(test, ibt_dma(t, IBT_RID_B), -EFAULT);
	KUNIT_EXPECT_TRUE(test, readl(ibt_regs(t) + VTDM_REG_GSTS) &
				VTDM_GSTS_QIES);
	ibt_expect_no_misuse(t);
}

static void ibt_check_blocked(struct kunit *test,
			      void (*tamper)(struct ibt *t), const char *why)
{
	struct ibt t = {};

	ibt_setup(test, &t, NULL, false);
	ibt_check_blocked_in(test, &t, tamper, why);
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
	struct iommu_lu_unit *unit;
	struct vtd_model *hw;
	struct ibt t = {};

	KUNIT_ASSERT_NOT_NULL(test, set);

	/* A unit with nothing preserved has no cleanup to compute. */
	ibt_setup(test, &t, NULL, false);
	KUNIT_EXPECT_EQ(test, iommu_lu_intel_cleanup_set(ibt_unit(&t), set),
			-ENODEV);
	ibt_free(&t);

	/* A mode the backend does not know is refused. */
	hw = vtd_model_create(0xfedb0000ULL, NULL);
	KUNIT_ASSERT_NOT_NULL(test, hw);
	desc = (struct iommu_lu_unit_desc){
		.vendor = IOMMU_LU_VENDOR_INTEL_VTD,
		.token = 0xfedb0000ULL,
		.segment = 5,
		.mode = 7,
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

/* ---- scalable mode only ------------------------------------------------ */

#define IBT_RID_F		0x0088	/* 00:11.0: bus 0's upper context table */

/*
 * A (00:02.0) in bus 0's lower context table, F (00:11.0, devfn 0x88) in its
 * upper one, each on its own domain: preserving one preserves its half's
 * table only, and the shutdown zeroes the other half of the root entry.
 */
static void ibt_check_two_tables(struct kunit *test, bool keep_upper)
{
	struct iommu_lu_intel_shutdown_stats st;
	u64 lower, upper, kept_table;
	struct lu_owner *of;
	u16 kept, lost;
	struct ibt t = {};
	int f;

	ibt_setup_mode(test, &t, NULL, false, true);
	f = lu_machine_add(t.m, 0, -1, PCI_DEVFN(0x11, 0), PCI_MODEL_ENDPOINT_PCIE, 0);
	KUNIT_ASSERT_GE(test, f, 0);
	KUNIT_ASSERT_EQ(test, lu_machine_rid(t.m, f), IBT_RID_F);
	of = lu_owner_new(t.m, 0, IBT_IOVA, 1, 0x33);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(of, f), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_check_dma(of, IBT_RID_F), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_check_dma(t.o, IBT_RID_A), 0);

	lower = ibt_ctx_table(&t, IBT_RID_A);
	upper = ibt_ctx_table(&t, IBT_RID_F);
	KUNIT_ASSERT_NE(test, lower, 0);
	KUNIT_ASSERT_NE(test, upper, 0);
	KUNIT_ASSERT_NE(test, lower, upper);
	KUNIT_ASSERT_EQ(test, ibt_preserve(&t, keep_upper ? f : t.a), 0);
	kept = keep_upper ? IBT_RID_F : IBT_RID_A;
	lost = keep_upper ? IBT_RID_A : IBT_RID_F;
	kept_table = keep_upper ? upper : lower;
	KUNIT_EXPECT_TRUE(test, kho_model_preserved(kept_table));
	KUNIT_EXPECT_FALSE(test, kho_model_preserved(keep_upper ? lower : upper));

	lu_machine_shutdown(t.m);
	iommu_lu_intel_last_shutdown(&st);
	KUNIT_EXPECT_EQ(test, st.ctx_kept, 1);
	/* Bus 1, and the half of bus 0 without a preserved id. */
	KUNIT_EXPECT_EQ(test, st.roots_zeroed, 2);
	KUNIT_EXPECT_EQ(test, !!(ibt_root(&t)[0].hi & VTDM_ROOT_P), keep_upper);
	KUNIT_EXPECT_EQ(test, !!(ibt_root(&t)[0].lo & VTDM_ROOT_P), !keep_upper);
	KUNIT_EXPECT_EQ(test, ibt_ctx_table(&t, kept), kept_table);
	KUNIT_EXPECT_EQ(test, ibt_dma(&t, kept), 0);
	KUNIT_EXPECT_EQ(test, ibt_dma(&t, lost), -EFAULT);
	KUNIT_EXPECT_EQ(test, ibt_dma(&t, IBT_RID_B), -EFAULT);

	lu_machine_jump(t.m);
	KUNIT_EXPECT_EQ(test, idrv_boot_state(t.m->drv[0]), IOMMU_LU_UNIT_ADOPTED);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(keep_upper ? of : t.o, kept), 0);
	KUNIT_EXPECT_EQ(test, ibt_dma(&t, lost), -EFAULT);
	ibt_expect_no_misuse(&t);
	lu_owner_free(of);
	ibt_free(&t);
}

static void intel_backend_test_sm_lower_table_only(struct kunit *test)
{
	ibt_check_two_tables(test, false);
}

static void intel_backend_test_sm_upper_table_only(struct kunit *test)
{
	ibt_check_two_tables(test, true);
}

/* PRE is cleared at shutdown on a preserved entry (it is only set by PRI). */
static void intel_backend_test_sm_pre_cleared(struct kunit *test)
{
	struct iommu_lu_intel_shutdown_stats st;
	struct ibt t = {};

	ibt_setup_mode(test, &t, NULL, false, true);
	KUNIT_ASSERT_EQ(test, idrv_set_pri(t.m->drv[0], t.m->devs[t.a].pdev, true), 0);
	KUNIT_ASSERT_EQ(test, idrv_set_pri(t.m->drv[0], t.m->devs[t.b].pdev, true), 0);
	KUNIT_ASSERT_TRUE(test, ibt_ctx(&t, IBT_RID_A)->lo & VTDM_SMCTX_PRE);
	KUNIT_ASSERT_TRUE(test, ibt_ctx(&t, IBT_RID_B)->lo & VTDM_SMCTX_PRE);
	/* PRE does not stop a device from being preserved. */
	KUNIT_ASSERT_EQ(test, ibt_preserve(&t, t.a), 0);

	lu_machine_shutdown(t.m);
	iommu_lu_intel_last_shutdown(&st);
	KUNIT_EXPECT_EQ(test, st.pre_cleared, 1);
	KUNIT_EXPECT_FALSE(test, ibt_ctx(&t, IBT_RID_A)->lo & VTDM_SMCTX_PRE);
	KUNIT_EXPECT_TRUE(test, ibt_ctx_present(&t, IBT_RID_A));
	KUNIT_EXPECT_FALSE(test, ibt_ctx_present(&t, IBT_RID_B));
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(t.o, IBT_RID_A), 0);

	lu_machine_jump(t.m);
	KUNIT_EXPECT_EQ(test, idrv_boot_state(t.m->drv[0]), IOMMU_LU_UNIT_ADOPTED);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(t.o, IBT_RID_A), 0);
	ibt_expect_no_misuse(&t);
	ibt_free(&t);
}

static void ibt_tamper_pre(struct ibt *t)
{
	ibt_ctx(t, IBT_RID_A)->lo |= VTDM_SMCTX_PRE;
}

/* PRE set again after the cleanup: the handover is not what it says. */
static void intel_backend_test_sm_pre_set_after_cleanup(struct kunit *test)
{
	struct ibt t = {};

	ibt_setup_mode(test, &t, NULL, false, true);
	ibt_check_blocked_in(test, &t, ibt_tamper_pre,
			     "0000:00:02.0: page requests enabled after the cleanup cleared them");
	ibt_free(&t);
}

/* Scalable mode: the PASID directory and RID_PASID table @rid uses. */
static void ibt_pasid_pages(struct ibt *t, u16 rid, u64 pages[2])
{
	struct ibt_ctx_entry *ce = ibt_ctx(t, rid);
	u64 *dir;

	pages[0] = 0;
	pages[1] = 0;
	if (!ce || !(ce->lo & VTDM_SMCTX_P))
		return;
	pages[0] = ce->lo & VTDM_PAGE_MASK;
	dir = physmem_va(pages[0]);
	if (dir && (dir[0] & VTDM_PDE_P))
		pages[1] = dir[0] & VTDM_PAGE_MASK;
}

enum ibt_pasid_case {
	IBT_PASID_FREED,	/* A claimed, B cleared, C preserved again */
	IBT_PASID_UNIT_GONE,	/* the driver gives the unit up first */
	IBT_PASID_CLEAR_FAILS,	/* finish cannot invalidate the PASID cache */
};

/*
 * Adopted PASID directories and tables nobody needs any more are freed at
 * finish: A's (claimed by a driver, which installed its own) and B's
 * (unclaimed, cleared); C's, preserved again without re-attaching, stay
 * and still translate in the kernel after. They are leaked, never freed,
 * when an adopted entry may still be live: the driver gave the unit up
 * while A and B were adopted, or finish could not invalidate the PASID
 * cache after clearing them (queued invalidation off).
 */
static void ibt_check_pasid_pages(struct kunit *test, enum ibt_pasid_case what)
{
	u64 pa[2], pb[2], pc[2];
	struct lu_owner *ob, *oc, *oa2 = NULL;
	struct ibt t = {};
	unsigned int i;
	u32 sts;

	ibt_setup_mode(test, &t, NULL, false, true);
	ob = lu_owner_new(t.m, 0, IBT_IOVA, 1, 0x44);
	oc = lu_owner_new(t.m, 0, IBT_IOVA, 1, 0x55);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(ob, t.b), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(oc, t.c), 0);
	KUNIT_ASSERT_EQ(test, ibt_preserve(&t, t.a), 0);
	KUNIT_ASSERT_EQ(test, ibt_preserve(&t, t.b), 0);
	KUNIT_ASSERT_EQ(test, ibt_preserve(&t, t.c), 0);
	lu_machine_kexec(t.m);
	KUNIT_ASSERT_EQ(test, idrv_boot_state(t.m->drv[0]), IOMMU_LU_UNIT_ADOPTED);
	lu_owner_carry(t.o);
	lu_owner_carry(ob);
	lu_owner_carry(oc);
	ibt_pasid_pages(&t, IBT_RID_A, pa);
	ibt_pasid_pages(&t, IBT_RID_B, pb);
	ibt_pasid_pages(&t, IBT_RID_C, pc);
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_NE(test, pa[i], 0);
		KUNIT_ASSERT_NE(test, pb[i], 0);
		KUNIT_ASSERT_NE(test, pc[i], 0);
	}
	/* Warm the context and PASID caches with the adopted entries. */
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(t.o, IBT_RID_A), 0);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(ob, IBT_RID_B), 0);

	switch (what) {
	case IBT_PASID_UNIT_GONE:
		idrv_unit_forget(t.m->drv[0]);
		t.m->drv[0] = NULL;
		iommu_lu_finish();
		for (i = 0; i < 2; i++) {
			KUNIT_EXPECT_TRUE(test, physmem_page_in_use(pa[i]));
			KUNIT_EXPECT_TRUE(test, physmem_page_in_use(pb[i]));
		}
		KUNIT_EXPECT_EQ(test, lu_owner_check_dma(t.o, IBT_RID_A), 0);
		KUNIT_EXPECT_EQ(test, lu_owner_check_dma(ob, IBT_RID_B), 0);
		goto out;
	case IBT_PASID_CLEAR_FAILS:
		KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(lu_machine_dev(t.m, t.c)), 0);
		sts = readl(ibt_regs(&t) + VTDM_REG_GSTS);
		writel(sts & (VTDM_GSTS_TES | VTDM_GSTS_IRES | VTDM_GSTS_CFIS),
		       ibt_regs(&t) + VTDM_REG_GCMD);
		KUNIT_ASSERT_FALSE(test, readl(ibt_regs(&t) + VTDM_REG_GSTS) &
				   VTDM_GSTS_QIES);
		iommu_lu_finish();
		KUNIT_EXPECT_TRUE(test,
				  shim_log_contains("the PASID cache may hold stale entries"));
		KUNIT_EXPECT_TRUE(test, shim_log_contains(", 0 PASID pages freed,"));
		for (i = 0; i < 2; i++) {
			KUNIT_EXPECT_TRUE(test, physmem_page_in_use(pa[i]));
			KUNIT_EXPECT_TRUE(test, physmem_page_in_use(pb[i]));
			KUNIT_EXPECT_TRUE(test, physmem_page_in_use(pc[i]));
		}
		goto out;
	case IBT_PASID_FREED:
		break;
	}

	/* A is claimed: the driver installs its own PASID table. */
	oa2 = lu_owner_new(t.m, 0, IBT_IOVA, 1, 0x66);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(oa2, t.a), 0);
	KUNIT_EXPECT_NE(test, ibt_ctx(&t, IBT_RID_A)->lo & VTDM_PAGE_MASK, pa[0]);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(lu_machine_dev(t.m, t.c)), 0);
	iommu_lu_finish();
	KUNIT_EXPECT_TRUE(test, shim_log_contains(", 4 PASID pages freed,"));
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_FALSE(test, physmem_page_in_use(pa[i]));
		KUNIT_EXPECT_FALSE(test, physmem_page_in_use(pb[i]));
		KUNIT_EXPECT_TRUE(test, physmem_page_in_use(pc[i]));
	}
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(oa2, IBT_RID_A), 0);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(oc, IBT_RID_C), 0);
	KUNIT_EXPECT_EQ(test, ibt_dma(&t, IBT_RID_B), -EFAULT);
	ibt_expect_no_misuse(&t);

	/* C's kept pages carry it into the kernel after. */
	lu_machine_kexec(t.m);
	KUNIT_EXPECT_EQ(test, idrv_boot_state(t.m->drv[0]), IOMMU_LU_UNIT_ADOPTED);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(oc, IBT_RID_C), 0);
out:
	ibt_expect_no_misuse(&t);
	lu_owner_free(oa2);
	lu_owner_free(ob);
	lu_owner_free(oc);
	ibt_free(&t);
}

static void intel_backend_test_sm_pasid_pages_freed(struct kunit *test)
{
	ibt_check_pasid_pages(test, IBT_PASID_FREED);
}

static void intel_backend_test_sm_pasid_pages_unit_gone(struct kunit *test)
{
	ibt_check_pasid_pages(test, IBT_PASID_UNIT_GONE);
}

static void intel_backend_test_sm_pasid_pages_clear_fails(struct kunit *test)
{
	ibt_check_pasid_pages(test, IBT_PASID_CLEAR_FAILS);
}

/*
 * The unit's mode is in the handover: a next kernel running the other mode
 * is refused (the table mode cannot change with translation on), every DMA
 * is blocked, and the driver keeps the mode the hardware has.
 */
static void ibt_check_mode_mismatch(struct kunit *test, bool old_sm)
{
	struct vtd_model_cfg cfg;
	struct ibt t = {};
	u64 old_root;

	vtd_model_default_cfg(&cfg);
	cfg.scalable = true;		/* the hardware can do both */
	ibt_setup_mode(test, &t, &cfg, false, old_sm);
	KUNIT_ASSERT_EQ(test, idrv_sm(t.m->drv[0]), old_sm);
	KUNIT_ASSERT_EQ(test, ibt_preserve(&t, t.a), 0);
	old_root = vtd_model_active_root(t.m->hw[0]);
	KUNIT_ASSERT_EQ(test, !!(old_root & VTDM_RTADDR_SMT), old_sm);

	t.m->sm_on = !old_sm;		/* the next kernel's command line */
	lu_machine_kexec(t.m);
	KUNIT_EXPECT_EQ(test, idrv_boot_state(t.m->drv[0]), IOMMU_LU_UNIT_BLOCKED);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("the handover's mode differs from the driver's"));
	KUNIT_EXPECT_TRUE(test, shim_log_contains("ALL DMA ON THIS UNIT IS BLOCKED"));
	KUNIT_EXPECT_TRUE(test, vtd_model_translation_enabled(t.m->hw[0]));
	KUNIT_EXPECT_NE(test, vtd_model_active_root(t.m->hw[0]) & VTDM_PAGE_MASK,
			old_root & VTDM_PAGE_MASK);
	/* Same table mode as before; the driver follows the hardware. */
	KUNIT_EXPECT_EQ(test, !!(vtd_model_active_root(t.m->hw[0]) & VTDM_RTADDR_SMT),
			old_sm);
	KUNIT_EXPECT_EQ(test, idrv_sm(t.m->drv[0]), old_sm);
	KUNIT_EXPECT_NE(test, lu_owner_check_dma(t.o, IBT_RID_A), 0);
	KUNIT_EXPECT_EQ(test, ibt_dma(&t, IBT_RID_B), -EFAULT);
	ibt_expect_no_misuse(&t);
	ibt_free(&t);
}

static void intel_backend_test_sm_mode_mismatch_to_legacy(struct kunit *test)
{
	ibt_check_mode_mismatch(test, true);
}

static void intel_backend_test_sm_mode_mismatch_to_scalable(struct kunit *test)
{
	ibt_check_mode_mismatch(test, false);
}

static void ibt_tamper_pgtt(struct ibt *t)
{
	u64 *pe = ibt_pe(t, IBT_RID_A, 0);

	pe[0] = (pe[0] & ~(7ULL << VTDM_PE_PGTT_SHIFT)) |
		((u64)VTDM_PE_PGTT_FL << VTDM_PE_PGTT_SHIFT);
}

static void ibt_tamper_pasid_dir(struct ibt *t)
{
	u64 *dir = physmem_va(ibt_ctx(t, IBT_RID_A)->lo & VTDM_PAGE_MASK);
	u64 table = physmem_alloc_page();

	memcpy(physmem_va(table), physmem_va(dir[0] & VTDM_PAGE_MASK), PAGE_SIZE);
	dir[0] = table | VTDM_PDE_P;
}

/* A corrupted RID_PASID entry, or a PASID table nobody recorded. */
static void intel_backend_test_sm_bad_pasid_entry_blocks(struct kunit *test)
{
	struct ibt t = {};

	ibt_setup_mode(test, &t, NULL, false, true);
	ibt_check_blocked_in(test, &t, ibt_tamper_pgtt,
			     "0000:00:02.0: PASID entry is not second-level only");
	ibt_free(&t);
}

static void intel_backend_test_sm_unrecorded_pasid_table_blocks(struct kunit *test)
{
	struct ibt t = {};

	ibt_setup_mode(test, &t, NULL, false, true);
	ibt_check_blocked_in(test, &t, ibt_tamper_pasid_dir,
			     "0000:00:02.0: PASID 0: PASID table has no page record");
	ibt_free(&t);
}

/*
 * PASIDs other than RID_PASID: on another domain they are refused at
 * preserve time (their page tables are not handed over); on the device's
 * domain they are kept. Ones that appear after the device was preserved
 * and lead elsewhere are cleared at shutdown, so the handover stays
 * consistent and adoption succeeds.
 */
static void intel_backend_test_sm_other_pasids(struct kunit *test)
{
	struct iommu_lu_intel_shutdown_stats st;
	u64 *pe0, *pe1, *pe2, *dir, t64;
	struct ibt t = {};

	ibt_setup_mode(test, &t, NULL, false, true);
	pe0 = ibt_pe(&t, IBT_RID_A, 0);
	pe1 = ibt_pe(&t, IBT_RID_A, 1);
	pe2 = ibt_pe(&t, IBT_RID_A, 2);
	KUNIT_ASSERT_NOT_NULL(test, pe0);
	memcpy(pe1, pe0, 64);
	pe1[1] = (pe1[1] & ~0xffffULL) | 0x55;
	KUNIT_EXPECT_EQ(test, ibt_preserve(&t, t.a), -EINVAL);
	KUNIT_EXPECT_TRUE(test,
			  shim_log_contains("0000:00:02.0: PASID 1: attached to another domain"));
	KUNIT_EXPECT_EQ(test, kho_model_nr_preserved_pages(), IBT_PAGES);

	/* On the same domain: fine. */
	memcpy(pe1, pe0, 64);
	KUNIT_ASSERT_EQ(test, ibt_preserve(&t, t.a), 0);

	/* After preserve: PASID 2 on another domain, a table for PASIDs 64..127. */
	memcpy(pe2, pe0, 64);
	pe2[1] = (pe2[1] & ~0xffffULL) | 0x55;
	dir = physmem_va(ibt_ctx(&t, IBT_RID_A)->lo & VTDM_PAGE_MASK);
	t64 = physmem_alloc_page();
	KUNIT_ASSERT_NE(test, t64, 0);
	memcpy(physmem_va(t64), pe0, 64);
	dir[1] = t64 | VTDM_PDE_P;

	lu_machine_shutdown(t.m);
	iommu_lu_intel_last_shutdown(&st);
	KUNIT_EXPECT_EQ(test, st.pasid_cleared, 2);
	KUNIT_EXPECT_EQ(test, pe2[0], 0);
	KUNIT_EXPECT_EQ(test, dir[1], 0);
	KUNIT_EXPECT_TRUE(test, pe1[0] & VTDM_PE_P);
	KUNIT_EXPECT_TRUE(test, pe0[0] & VTDM_PE_P);

	lu_machine_jump(t.m);
	KUNIT_EXPECT_EQ(test, idrv_boot_state(t.m->drv[0]), IOMMU_LU_UNIT_ADOPTED);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(t.o, IBT_RID_A), 0);
	ibt_expect_no_misuse(&t);
	ibt_free(&t);
}

/*
 * Linux 7.3 in scalable mode programs only a device's own requester ids
 * (pci_pasid_table_setup() skips a bridge's alias): a conventional device
 * behind a PCIe-to-PCI bridge has no entry for the alias its DMA carries,
 * so it cannot be preserved, and says why.
 */
static void intel_backend_test_sm_bridge_alias_has_no_entry(struct kunit *test)
{
	struct lu_owner *o;
	struct ibt t = {};
	int br, d;

	ibt_setup_mode(test, &t, NULL, false, true);
	br = lu_machine_add(t.m, 0, -1, PCI_DEVFN(0x1e, 0),
			    PCI_MODEL_PCIE_PCI_BRIDGE, 2);
	KUNIT_ASSERT_GE(test, br, 0);
	d = lu_machine_add(t.m, 0, br, PCI_DEVFN(1, 0), PCI_MODEL_ENDPOINT_PCI, 0);
	KUNIT_ASSERT_GE(test, d, 0);
	o = lu_owner_new(t.m, 0, IBT_IOVA, 1, 0x44);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o, d), 0);
	KUNIT_EXPECT_EQ(test, lu_owner_check_dma(o, IBT_RID_D), 0);
	KUNIT_EXPECT_FALSE(test, ibt_ctx_present(&t, IBT_RID_D_ALIAS));
	KUNIT_EXPECT_NE(test, lu_owner_check_dma(o, IBT_RID_D_ALIAS), 0);

	KUNIT_EXPECT_EQ(test, ibt_preserve(&t, d), -EINVAL);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("0000:02:00.0: context entry not present"));
	KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(lu_machine_dev(t.m, d)));
	lu_owner_free(o);
	ibt_free(&t);
}

static struct kunit_case intel_backend_test_cases[] = {
	KUNIT_CASE_PARAM(intel_backend_test_registered, ibt_mode_gen_params),
	KUNIT_CASE_PARAM(intel_backend_test_preserve, ibt_mode_gen_params),
	KUNIT_CASE_PARAM(intel_backend_test_translation_off, ibt_mode_gen_params),
	KUNIT_CASE_PARAM(intel_backend_test_pass_through_refused, ibt_mode_gen_params),
	KUNIT_CASE_PARAM(intel_backend_test_reserved_bits_refused, ibt_mode_gen_params),
	KUNIT_CASE_PARAM(intel_backend_test_alias_other_domain, ibt_mode_gen_params),
	KUNIT_CASE_PARAM(intel_backend_test_pgtable_loop, ibt_mode_gen_params),
	KUNIT_CASE_PARAM(intel_backend_test_pgtable_shared_page, ibt_mode_gen_params),
	KUNIT_CASE_PARAM(intel_backend_test_pgtable_bad_superpage, ibt_mode_gen_params),
	KUNIT_CASE_PARAM(intel_backend_test_shutdown_qi, ibt_mode_gen_params),
	KUNIT_CASE(intel_backend_test_shutdown_registers),
	KUNIT_CASE_PARAM(intel_backend_test_shutdown_noncoherent, ibt_mode_gen_params),
	KUNIT_CASE_PARAM(intel_backend_test_adopt, ibt_mode_gen_params),
	KUNIT_CASE_PARAM(intel_backend_test_finish_clears, ibt_mode_gen_params),
	KUNIT_CASE_PARAM(intel_backend_test_adopt_did_changed, ibt_mode_gen_params),
	KUNIT_CASE_PARAM(intel_backend_test_adopt_stray_entry, ibt_mode_gen_params),
	KUNIT_CASE_PARAM(intel_backend_test_adopt_translation_off, ibt_mode_gen_params),
	KUNIT_CASE_PARAM(intel_backend_test_cleanup_set_modes, ibt_mode_gen_params),
	KUNIT_CASE(intel_backend_test_sm_lower_table_only),
	KUNIT_CASE(intel_backend_test_sm_upper_table_only),
	KUNIT_CASE(intel_backend_test_sm_pre_cleared),
	KUNIT_CASE(intel_backend_test_sm_pre_set_after_cleanup),
	KUNIT_CASE(intel_backend_test_sm_mode_mismatch_to_legacy),
	KUNIT_CASE(intel_backend_test_sm_mode_mismatch_to_scalable),
	KUNIT_CASE(intel_backend_test_sm_bad_pasid_entry_blocks),
	KUNIT_CASE(intel_backend_test_sm_unrecorded_pasid_table_blocks),
	KUNIT_CASE(intel_backend_test_sm_other_pasids),
	KUNIT_CASE(intel_backend_test_sm_bridge_alias_has_no_entry),
	KUNIT_CASE(intel_backend_test_sm_pasid_pages_freed),
	KUNIT_CASE(intel_backend_test_sm_pasid_pages_unit_gone),
	KUNIT_CASE(intel_backend_test_sm_pasid_pages_clear_fails),
	{}
};

static struct kunit_suite intel_backend_test_suite = {
	.name = "iommu_lu_intel",
	.test_cases = intel_backend_test_cases,
};

kunit_test_suite(intel_backend_test_suite);
