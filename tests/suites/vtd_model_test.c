// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the userspace VT-d hardware model (tests/model/vtd.c).
 *
 * The model is what catches mistakes in the VT-d backend, so these tests
 * pin the hardware behaviour the backend relies on: translation with the
 * tables built by hand in the physical-memory model, the fault reasons,
 * reserved bits, FPD, stale caches until the right invalidation, and the
 * register and queued invalidation interfaces, including what the hardware
 * refuses. Every register access goes through readl()/writel()/readq()/
 * writeq() on the model's register window, as the backend's do.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <kunit/test.h>

#include "../model/vtd.h"
#include "../model/physmem.h"
#include "../shim/io.h"

#define VTDT_REG_BASE	0xfed90000ULL
#define VTDT_MAX_PAGES	64
#define VTDT_MAX_FAULTS	64

/* Requester ids used below: bus 3, devices 1.0 and 1.1. */
#define VTDT_BUS	3
#define VTDT_DEVFN	0x08
#define VTDT_RID	((VTDT_BUS << 8) | VTDT_DEVFN)
#define VTDT_DID	5

struct vtdt {
	struct kunit *test;
	struct vtd_model *m;
	void __iomem *regs;
	u64 pages[VTDT_MAX_PAGES];
	unsigned int nr_pages;
	u64 root;		/* root table */
	u64 ctx;		/* context table of VTDT_BUS */
	u64 iq;			/* invalidation queue (one page, 256 entries) */
	u32 iq_tail;
};

/* ---- helpers ------------------------------------------------------- */

static u64 vtdt_page(struct vtdt *t)
{
	u64 pa = physmem_alloc_page();
	void *va = pa ? physmem_va(pa) : NULL;

	if (!va || t->nr_pages == VTDT_MAX_PAGES) {
		KUNIT_FAIL(t->test, "out of physical pages");
		return 0;
	}
	memset(va, 0, VTDM_PAGE_SIZE);
	t->pages[t->nr_pages++] = pa;
	return pa;
}

static void vtdt_put(u64 pa, u64 val)
{
	u64 *va = physmem_va(pa);

	if (va)
		*va = val;
}

static u64 vtdt_get(u64 pa)
{
	u64 *va = physmem_va(pa);

	return va ? *va : 0;
}

static void vtdt_set_root(struct vtdt *t, unsigned int bus, u64 lo, u64 hi)
{
	vtdt_put(t->root + bus * 16, lo);
	vtdt_put(t->root + bus * 16 + 8, hi);
}

static u64 vtdt_ctx_lo(u64 pgd, unsigned int tt, bool fpd)
{
	return pgd | ((u64)tt << VTDM_CTX_TT_SHIFT) | (fpd ? VTDM_CTX_FPD : 0) | VTDM_CTX_P;
}

static u64 vtdt_ctx_hi(unsigned int did, unsigned int aw)
{
	return ((u64)did << VTDM_CTX_DID_SHIFT) | aw;
}

static void vtdt_set_ctx(u64 table, unsigned int devfn, u64 lo, u64 hi)
{
	vtdt_put(table + devfn * 16, lo);
	vtdt_put(table + devfn * 16 + 8, hi);
}

/*
 * Map @iova to @pa in the table rooted at @pgd with @levels levels; the
 * leaf sits at @leaf (1: 4 KiB, 2: 2 MiB, 3: 1 GiB) with permissions @perm.
 * Intermediate tables are allocated as needed, with R|W.
 */
static void vtdt_map(struct vtdt *t, u64 pgd, unsigned int levels, u64 iova, u64 pa,
		     u64 perm, unsigned int leaf)
{
	u64 table = pgd;
	unsigned int level;

	for (level = levels; level > leaf; level--) {
		u64 slot = table + ((iova >> (12 + 9 * (level - 1))) & 511) * 8;
		u64 pte = vtdt_get(slot);

		if (!(pte & (VTDM_PTE_R | VTDM_PTE_W))) {
			pte = vtdt_page(t) | VTDM_PTE_R | VTDM_PTE_W;
			vtdt_put(slot, pte);
		}
		table = pte & VTDM_PAGE_MASK;
	}
	vtdt_put(table + ((iova >> (12 + 9 * (leaf - 1))) & 511) * 8,
		 pa | perm | (leaf > 1 ? VTDM_PTE_PS : 0));
}

/* The last-level entry slot for a 4 KiB mapping made by vtdt_map(). */
static u64 vtdt_pte_slot(u64 pgd, unsigned int levels, u64 iova)
{
	u64 table = pgd;
	unsigned int level;

	for (level = levels; level > 1; level--)
		table = vtdt_get(table + ((iova >> (12 + 9 * (level - 1))) & 511) * 8) &
			VTDM_PAGE_MASK;
	return table + ((iova >> 12) & 511) * 8;
}

/* Write GCMD as Linux does: the persistent state bits plus @cmd. */
static void vtdt_gcmd(struct vtdt *t, u32 cmd)
{
	u32 sts = readl(t->regs + VTDM_REG_GSTS);

	sts &= VTDM_GSTS_TES | VTDM_GSTS_QIES | VTDM_GSTS_IRES | VTDM_GSTS_CFIS;
	writel(sts | cmd, t->regs + VTDM_REG_GCMD);
}

static void vtdt_enable(struct vtdt *t)
{
	writeq(t->root, t->regs + VTDM_REG_RTADDR);
	vtdt_gcmd(t, VTDM_GCMD_SRTP);
	KUNIT_EXPECT_TRUE(t->test, readl(t->regs + VTDM_REG_GSTS) & VTDM_GSTS_RTPS);
	vtdt_gcmd(t, VTDM_GCMD_TE);
	KUNIT_EXPECT_TRUE(t->test, vtd_model_translation_enabled(t->m));
}

static void vtdt_qi_enable(struct vtdt *t)
{
	t->iq = vtdt_page(t);
	t->iq_tail = 0;
	writel(0, t->regs + VTDM_REG_IQT);
	writeq(t->iq, t->regs + VTDM_REG_IQA);	/* QS = 0: 256 descriptors */
	vtdt_gcmd(t, VTDM_GCMD_QIE);
	KUNIT_EXPECT_TRUE(t->test, readl(t->regs + VTDM_REG_GSTS) & VTDM_GSTS_QIES);
}

/* Queue 128-bit descriptors and write the tail (32-bit, as Linux does). */
static void vtdt_qi_submit(struct vtdt *t, const u64 (*desc)[2], unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		vtdt_put(t->iq + t->iq_tail * 16, desc[i][0]);
		vtdt_put(t->iq + t->iq_tail * 16 + 8, desc[i][1]);
		t->iq_tail = (t->iq_tail + 1) % 256;
	}
	writel(t->iq_tail << 4, t->regs + VTDM_REG_IQT);
}

/* qw0 of a wait descriptor writing @data; qw1 is the status address. */
static u64 vtdt_wait_desc(u32 data)
{
	return VTDM_QI_WAIT | VTDM_QI_WAIT_SW | ((u64)data << VTDM_QI_WAIT_DATA_SHIFT);
}

static int vtdt_xlate(struct vtdt *t, u16 rid, u64 iova, bool write, u64 *pa)
{
	*pa = ~0ULL;
	return vtd_model_translate(t->m, rid, iova, write, pa);
}

/* The last recorded fault; false if none. */
static bool vtdt_last_fault(struct vtdt *t, struct vtd_fault *f)
{
	struct vtd_fault all[VTDT_MAX_FAULTS];
	size_t n = vtd_model_faults(t->m, all, VTDT_MAX_FAULTS);

	if (!n || n > VTDT_MAX_FAULTS)
		return false;
	*f = all[n - 1];
	return true;
}

/* Translate expecting a fault with @reason recorded for (@rid, @iova, @write). */
static void vtdt_expect_fault(struct vtdt *t, u16 rid, u64 iova, bool write, u8 reason)
{
	size_t before = vtd_model_faults(t->m, NULL, 0);
	struct vtd_fault f = { 0 };
	u64 pa;

	KUNIT_EXPECT_EQ(t->test, vtdt_xlate(t, rid, iova, write, &pa), -EFAULT);
	KUNIT_EXPECT_EQ(t->test, vtd_model_faults(t->m, NULL, 0), before + 1);
	KUNIT_ASSERT_TRUE(t->test, vtdt_last_fault(t, &f));
	KUNIT_EXPECT_EQ_MSG(t->test, f.reason, reason, "got \"%s\", want \"%s\"",
			    vtd_model_fault_name(f.reason), vtd_model_fault_name(reason));
	KUNIT_EXPECT_EQ(t->test, f.rid, rid);
	KUNIT_EXPECT_EQ(t->test, f.iova, iova);
	KUNIT_EXPECT_EQ(t->test, f.write, write);
}

static void vtdt_expect_xlate(struct vtdt *t, u16 rid, u64 iova, bool write, u64 want)
{
	u64 pa;

	KUNIT_EXPECT_EQ(t->test, vtdt_xlate(t, rid, iova, write, &pa), 0);
	KUNIT_EXPECT_EQ(t->test, pa, want);
}

static struct vtd_model_stats vtdt_stats(struct vtdt *t)
{
	struct vtd_model_stats st;

	vtd_model_stats(t->m, &st);
	return st;
}

/* A 3-level domain VTDT_DID for VTDT_RID with one page table; returns its pgd. */
static u64 vtdt_setup_dev(struct vtdt *t)
{
	u64 pgd = vtdt_page(t);

	vtdt_set_root(t, VTDT_BUS, t->ctx | VTDM_ROOT_P, 0);
	vtdt_set_ctx(t->ctx, VTDT_DEVFN, vtdt_ctx_lo(pgd, VTDM_CTX_TT_MULTI, false),
		     vtdt_ctx_hi(VTDT_DID, 1));
	return pgd;
}

static int vtdt_init(struct kunit *test)
{
	struct vtdt *t = calloc(1, sizeof(*t));

	int ret;

	if (!t)
		return -ENOMEM;
	t->test = test;
	test->priv = t;
	ret = physmem_init(0);		/* no-op if already up */
	if (ret)
		return ret;
	t->m = vtd_model_create(VTDT_REG_BASE, NULL);
	if (!t->m)
		return -ENOMEM;
	t->regs = vtd_model_regs(t->m);
	t->root = vtdt_page(t);
	t->ctx = vtdt_page(t);
	return t->root && t->ctx ? 0 : -ENOMEM;
}

static void vtdt_exit(struct kunit *test)
{
	struct vtdt *t = test->priv;
	unsigned int i;

	if (!t)
		return;
	vtd_model_destroy(t->m);
	for (i = 0; i < t->nr_pages; i++)
		physmem_free_page(t->pages[i]);
	free(t);
}

/* ---- tests --------------------------------------------------------- */

/* What the driver reads first: version, capabilities, IRO, FRO. */
static void vtd_model_test_caps(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 cap = readq(t->regs + VTDM_REG_CAP);
	u64 ecap = readq(t->regs + VTDM_REG_ECAP);

	KUNIT_EXPECT_EQ(test, readl(t->regs + VTDM_REG_VER), 0x10U);
	KUNIT_EXPECT_EQ(test, cap & 7, 2ULL);				/* ND */
	KUNIT_EXPECT_EQ(test, (cap >> 8) & 0x1f, 6ULL);			/* SAGAW */
	KUNIT_EXPECT_EQ(test, ((cap >> 16) & 0x3f) + 1, 39ULL);		/* MGAW */
	KUNIT_EXPECT_EQ(test, ((cap >> 24) & 0x3ff) * 16, (u64)VTDM_REG_FRCD);
	KUNIT_EXPECT_EQ(test, cap & VTDM_CAP_CM, 0ULL);
	KUNIT_EXPECT_EQ(test, cap & VTDM_CAP_ESRTPS, 0ULL);
	KUNIT_EXPECT_EQ(test, ((ecap >> 8) & 0x3ff) * 16, (u64)VTDM_REG_IVA);
	KUNIT_EXPECT_TRUE(test, ecap & VTDM_ECAP_QI);
	KUNIT_EXPECT_TRUE(test, ecap & VTDM_ECAP_PT);
	KUNIT_EXPECT_TRUE(test, ecap & VTDM_ECAP_C);
	KUNIT_EXPECT_FALSE(test, ecap & VTDM_ECAP_SMTS);
	/* A 64-bit register reads the same as two halves. */
	KUNIT_EXPECT_EQ(test, (u64)readl(t->regs + VTDM_REG_CAP) |
			      ((u64)readl(t->regs + VTDM_REG_CAP + 4) << 32), cap);
	KUNIT_EXPECT_EQ(test, readl(t->regs + VTDM_REG_GSTS), 0U);
	KUNIT_EXPECT_EQ(test, readl(t->regs + 0x300), 0U);		/* unknown */
	KUNIT_EXPECT_EQ(test, vtd_model_reg_base(t->m), VTDT_REG_BASE);
	KUNIT_EXPECT_EQ(test, vtd_model_active_root(t->m), 0ULL);
}

/* TE off: every request goes through untranslated. */
static void vtd_model_test_identity_te_off(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 page = vtdt_page(t), pa;
	char buf[16] = "hello, memory";

	KUNIT_EXPECT_EQ(test, vtdt_xlate(t, VTDT_RID, page + 0x123, true, &pa), 0);
	KUNIT_EXPECT_EQ(test, pa, page + 0x123);
	KUNIT_EXPECT_EQ(test, vtd_model_dma(t->m, VTDT_RID, page + 8, buf, sizeof(buf), true), 0);
	KUNIT_EXPECT_EQ(test, memcmp((char *)physmem_va(page) + 8, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_EQ(test, vtd_model_faults(t->m, NULL, 0), (size_t)0);
}

/* TE without a latched root pointer is refused. */
static void vtd_model_test_te_needs_root(struct kunit *test)
{
	struct vtdt *t = test->priv;

	vtdt_gcmd(t, VTDM_GCMD_TE);
	KUNIT_EXPECT_FALSE(test, vtd_model_translation_enabled(t->m));
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).err_te_no_root, 1ULL);
	vtdt_enable(t);
	KUNIT_EXPECT_EQ(test, vtd_model_active_root(t->m), t->root);
}

/*
 * A 3-level (39-bit) table built by hand: the mapped page translates, and
 * each missing level faults with its reason.
 */
static void vtd_model_test_map_3level(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 pgd = vtdt_setup_dev(t);
	u64 page = vtdt_page(t);
	u64 iova = 0x1234567000ULL;
	u64 frcd_hi;

	vtdt_map(t, pgd, 3, iova, page, VTDM_PTE_R | VTDM_PTE_W, 1);
	vtdt_enable(t);

	vtdt_expect_xlate(t, VTDT_RID, iova + 0xabc, false, page + 0xabc);
	vtdt_expect_xlate(t, VTDT_RID, iova + 0xabc, true, page + 0xabc);
	KUNIT_EXPECT_EQ(test, vtd_model_faults(t->m, NULL, 0), (size_t)0);

	/* Same last-level table, next page: not present. */
	vtdt_expect_fault(t, VTDT_RID, iova + 0x1000, false, VTDM_FR_READ);
	vtdt_expect_fault(t, VTDT_RID, iova + 0x1000, true, VTDM_FR_WRITE);
	/* Nothing at the top level. */
	vtdt_expect_fault(t, VTDT_RID, 0x10, false, VTDM_FR_READ);
	/* Above 2^39. */
	vtdt_expect_fault(t, VTDT_RID, 1ULL << 39, false, VTDM_FR_ADDR_BEYOND_MGAW);
	/* Another function: no context entry; another bus: no root entry. */
	vtdt_expect_fault(t, VTDT_RID + 1, iova, false, VTDM_FR_CONTEXT_ENTRY_P);
	vtdt_expect_fault(t, (VTDT_BUS + 1) << 8, iova, false, VTDM_FR_ROOT_ENTRY_P);

	/* The first fault sits in the fault recording register. */
	frcd_hi = readq(t->regs + VTDM_REG_FRCD + 8);
	KUNIT_EXPECT_TRUE(test, readl(t->regs + VTDM_REG_FSTS) & VTDM_FSTS_PPF);
	KUNIT_EXPECT_TRUE(test, frcd_hi & VTDM_FRCD_F);
	KUNIT_EXPECT_TRUE(test, frcd_hi & VTDM_FRCD_T);			/* a read */
	KUNIT_EXPECT_EQ(test, frcd_hi & 0xffff, (u64)VTDT_RID);
	KUNIT_EXPECT_EQ(test, (frcd_hi >> 32) & 0xff, (u64)VTDM_FR_READ);
	KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_FRCD), iova + 0x1000);
	/* Clearing F (RW1C) clears PPF. */
	writel(1U << 31, t->regs + VTDM_REG_FRCD + 12);
	KUNIT_EXPECT_FALSE(test, readl(t->regs + VTDM_REG_FSTS) & VTDM_FSTS_PPF);
}

/* Reserved bits in root, context and paging entries fault, each with its reason. */
static void vtd_model_test_reserved_bits(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 pgd = vtdt_setup_dev(t);
	u64 page = vtdt_page(t);
	u64 ok_lo = vtdt_ctx_lo(pgd, VTDM_CTX_TT_MULTI, false);
	u64 ok_hi = vtdt_ctx_hi(VTDT_DID, 1);
	u16 rid = VTDT_BUS << 8;
	u64 ctx2 = vtdt_page(t);

	vtdt_map(t, pgd, 3, 0x1000, page, VTDM_PTE_R | VTDM_PTE_W, 1);
	vtdt_enable(t);
	vtdt_expect_xlate(t, VTDT_RID, 0x1000, false, page);

	/* Root entry: hi must be 0 in legacy mode; lo bits 11:1 reserved. */
	vtdt_set_root(t, 5, ctx2 | VTDM_ROOT_P, 1);
	vtdt_expect_fault(t, 5 << 8, 0x1000, false, VTDM_FR_ROOT_ENTRY_RSVD);
	vtdt_set_root(t, 6, ctx2 | VTDM_ROOT_P | BIT_ULL(3), 0);
	vtdt_expect_fault(t, 6 << 8, 0x1000, false, VTDM_FR_ROOT_ENTRY_RSVD);
	vtdt_set_root(t, 7, ctx2 | VTDM_ROOT_P | BIT_ULL(40), 0);	/* above HAW */
	vtdt_expect_fault(t, 7 << 8, 0x1000, false, VTDM_FR_ROOT_ENTRY_RSVD);

	/* Context entry: lo 11:4, hi bit 7 and 63:24, DID beyond CAP.ND. */
	vtdt_set_ctx(t->ctx, 0x10, ok_lo | BIT_ULL(4), ok_hi);
	vtdt_expect_fault(t, rid | 0x10, 0x1000, false, VTDM_FR_CONTEXT_ENTRY_RSVD);
	vtdt_set_ctx(t->ctx, 0x11, ok_lo, ok_hi | BIT_ULL(7));
	vtdt_expect_fault(t, rid | 0x11, 0x1000, false, VTDM_FR_CONTEXT_ENTRY_RSVD);
	vtdt_set_ctx(t->ctx, 0x12, ok_lo, ok_hi | BIT_ULL(24));
	vtdt_expect_fault(t, rid | 0x12, 0x1000, false, VTDM_FR_CONTEXT_ENTRY_RSVD);
	vtdt_set_ctx(t->ctx, 0x13, ok_lo, vtdt_ctx_hi(256, 1));	/* ND=2: 256 ids */
	vtdt_expect_fault(t, rid | 0x13, 0x1000, false, VTDM_FR_CONTEXT_ENTRY_RSVD);
	vtdt_set_ctx(t->ctx, 0x14, ok_lo | BIT_ULL(45), ok_hi);	/* above HAW */
	vtdt_expect_fault(t, rid | 0x14, 0x1000, false, VTDM_FR_CONTEXT_ENTRY_RSVD);

	/* Context entry invalid: AW not in SAGAW, TT=3, TT=1 without ECAP.DT. */
	vtdt_set_ctx(t->ctx, 0x15, ok_lo, vtdt_ctx_hi(VTDT_DID, 0));
	vtdt_expect_fault(t, rid | 0x15, 0x1000, false, VTDM_FR_CONTEXT_ENTRY_INV);
	vtdt_set_ctx(t->ctx, 0x16, vtdt_ctx_lo(pgd, 3, false), ok_hi);
	vtdt_expect_fault(t, rid | 0x16, 0x1000, false, VTDM_FR_CONTEXT_ENTRY_INV);
	vtdt_set_ctx(t->ctx, 0x17, vtdt_ctx_lo(pgd, VTDM_CTX_TT_DEV_IOTLB, false), ok_hi);
	vtdt_expect_fault(t, rid | 0x17, 0x1000, false, VTDM_FR_CONTEXT_ENTRY_INV);

	/* Paging entries: SNP without snoop control, address above HAW, PS at level 1. */
	vtdt_map(t, pgd, 3, 0x2000, page | VTDM_PTE_SNP, VTDM_PTE_R, 1);
	vtdt_expect_fault(t, VTDT_RID, 0x2000, false, VTDM_FR_PAGING_ENTRY_RSVD);
	vtdt_map(t, pgd, 3, 0x3000, page | BIT_ULL(39), VTDM_PTE_R, 1);
	vtdt_expect_fault(t, VTDT_RID, 0x3000, false, VTDM_FR_PAGING_ENTRY_RSVD);
	vtdt_map(t, pgd, 3, 0x4000, page | VTDM_PTE_PS, VTDM_PTE_R, 1);
	vtdt_expect_fault(t, VTDT_RID, 0x4000, false, VTDM_FR_PAGING_ENTRY_RSVD);
	/* A 2 MiB superpage whose address is not 2 MiB aligned. */
	vtdt_map(t, pgd, 3, 0x40000000, 0x80001000, VTDM_PTE_R, 2);
	vtdt_expect_fault(t, VTDT_RID, 0x40000000, false, VTDM_FR_PAGING_ENTRY_RSVD);

	/* The valid mapping was never disturbed. */
	vtdt_expect_xlate(t, VTDT_RID, 0x1000, true, page);
}

/* FPD suppresses recording of a translation fault, not of a context fault. */
static void vtd_model_test_fpd(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 pgd = vtdt_setup_dev(t);
	u16 fpd_rid = (VTDT_BUS << 8) | 0x20;
	u16 bad_rid = (VTDT_BUS << 8) | 0x21;
	u64 pa;

	vtdt_set_ctx(t->ctx, 0x20, vtdt_ctx_lo(pgd, VTDM_CTX_TT_MULTI, true),
		     vtdt_ctx_hi(VTDT_DID, 1));
	vtdt_set_ctx(t->ctx, 0x21, vtdt_ctx_lo(pgd, VTDM_CTX_TT_MULTI, true) | BIT_ULL(5),
		     vtdt_ctx_hi(VTDT_DID, 1));
	vtdt_enable(t);

	/* Not mapped, FPD=1: the request fails, nothing is recorded. */
	KUNIT_EXPECT_EQ(test, vtdt_xlate(t, fpd_rid, 0x5000, true, &pa), -EFAULT);
	KUNIT_EXPECT_EQ(test, vtd_model_faults(t->m, NULL, 0), (size_t)0);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).faults_suppressed, 1ULL);
	KUNIT_EXPECT_FALSE(test, readl(t->regs + VTDM_REG_FSTS) & VTDM_FSTS_PPF);

	/* Same with FPD=0: recorded. */
	vtdt_expect_fault(t, VTDT_RID, 0x5000, true, VTDM_FR_WRITE);

	/* Reserved bit in a context entry with FPD=1: recorded all the same. */
	vtdt_expect_fault(t, bad_rid, 0x5000, false, VTDM_FR_CONTEXT_ENTRY_RSVD);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).faults_suppressed, 1ULL);
}

/* 2 MiB and 1 GiB superpages are leaves; the offset below them passes through. */
static void vtd_model_test_superpage(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 pgd3 = vtdt_setup_dev(t);
	u64 pgd4 = vtdt_page(t);
	u16 rid4 = VTDT_RID + 1;

	/* 3-level: 2 MiB page at level 2. */
	vtdt_map(t, pgd3, 3, 0x40200000, 0x80000000, VTDM_PTE_R | VTDM_PTE_W, 2);
	/* 4-level (48-bit, AW=2) in another domain: 1 GiB page at level 3. */
	vtdt_set_ctx(t->ctx, VTDT_DEVFN + 1, vtdt_ctx_lo(pgd4, VTDM_CTX_TT_MULTI, false),
		     vtdt_ctx_hi(VTDT_DID + 1, 2));
	vtdt_map(t, pgd4, 4, 0x7f80000000ULL, 0x40000000, VTDM_PTE_R, 3);
	vtdt_enable(t);

	vtdt_expect_xlate(t, VTDT_RID, 0x40200000, false, 0x80000000);
	vtdt_expect_xlate(t, VTDT_RID, 0x403fffff, true, 0x801fffff);
	vtdt_expect_xlate(t, VTDT_RID, 0x40212345, false, 0x80012345);
	vtdt_expect_fault(t, VTDT_RID, 0x40400000, false, VTDM_FR_READ);

	vtdt_expect_xlate(t, rid4, 0x7f80000000ULL, false, 0x40000000);
	vtdt_expect_xlate(t, rid4, 0x7fbfffffffULL, false, 0x7fffffff);
	vtdt_expect_fault(t, rid4, 0x7f80001000ULL, true, VTDM_FR_WRITE);
	/* Width is min(AGAW 48, HAW 39): 2^39 is beyond. */
	vtdt_expect_fault(t, rid4, 1ULL << 39, false, VTDM_FR_ADDR_BEYOND_MGAW);
}

/* A read-only mapping: reads work, writes fault (also from the IOTLB). */
static void vtd_model_test_readonly(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 pgd = vtdt_setup_dev(t);
	u64 page = vtdt_page(t);
	char buf[32], pattern[32];

	memset(pattern, 0x5a, sizeof(pattern));
	memcpy(physmem_va(page), pattern, sizeof(pattern));
	vtdt_map(t, pgd, 3, 0x9000, page, VTDM_PTE_R, 1);
	vtdt_enable(t);

	vtdt_expect_fault(t, VTDT_RID, 0x9010, true, VTDM_FR_WRITE);	/* from memory */
	vtdt_expect_xlate(t, VTDT_RID, 0x9010, false, page + 0x10);	/* fills IOTLB */
	vtdt_expect_fault(t, VTDT_RID, 0x9010, true, VTDM_FR_WRITE);	/* from IOTLB */
	KUNIT_EXPECT_GE(test, vtdt_stats(t).iotlb_hits, 1ULL);

	memset(buf, 0, sizeof(buf));
	KUNIT_EXPECT_EQ(test, vtd_model_dma(t->m, VTDT_RID, 0x9000, buf, sizeof(buf), false), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, pattern, sizeof(buf)), 0);
	KUNIT_EXPECT_EQ(test, vtd_model_dma(t->m, VTDT_RID, 0x9000, buf, sizeof(buf), true),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, memcmp(physmem_va(page), pattern, sizeof(pattern)), 0);
}

/* DMA goes page by page; it stops at the first fault, earlier pages done. */
static void vtd_model_test_dma_pages(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 pgd = vtdt_setup_dev(t);
	u64 p0 = vtdt_page(t), p1 = vtdt_page(t);
	static unsigned char out[6000], in[6000];
	struct vtd_fault f = { 0 };
	size_t i;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (unsigned char)(i * 7 + 1);
	vtdt_map(t, pgd, 3, 0x100000, p1, VTDM_PTE_R | VTDM_PTE_W, 1);	/* swapped on purpose */
	vtdt_map(t, pgd, 3, 0x101000, p0, VTDM_PTE_R | VTDM_PTE_W, 1);
	vtdt_enable(t);

	KUNIT_EXPECT_EQ(test, vtd_model_dma(t->m, VTDT_RID, 0x100800, out, 6000, true), 0);
	KUNIT_EXPECT_EQ(test, memcmp((char *)physmem_va(p1) + 0x800, out, 0x800), 0);
	KUNIT_EXPECT_EQ(test, memcmp(physmem_va(p0), out + 0x800, 6000 - 0x800), 0);
	KUNIT_EXPECT_EQ(test, vtd_model_dma(t->m, VTDT_RID, 0x100800, in, 6000, false), 0);
	KUNIT_EXPECT_EQ(test, memcmp(in, out, 6000), 0);

	/* Into the unmapped third page: -EFAULT at 0x102000, the rest was written. */
	memset(physmem_va(p0), 0, VTDM_PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, vtd_model_dma(t->m, VTDT_RID, 0x101000, out, 0x1800, true),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, memcmp(physmem_va(p0), out, 0x1000), 0);
	KUNIT_ASSERT_TRUE(test, vtdt_last_fault(t, &f));
	KUNIT_EXPECT_EQ(test, f.iova, 0x102000ULL);
	KUNIT_EXPECT_TRUE(test, f.write);

	/* Mapped to an address that is not memory. */
	vtdt_map(t, pgd, 3, 0x103000, 0x7000000000ULL - 0x1000, VTDM_PTE_R, 1);
	KUNIT_EXPECT_EQ(test, vtd_model_dma(t->m, VTDT_RID, 0x103000, in, 16, false), -EIO);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).dma_bad_phys, 1ULL);
}

/*
 * Two page tables A and B of the same domain map X, Y, Z and W to different
 * pages. After the context entry is switched from A to B in memory:
 *  - without invalidation the cached context (A) keeps being used (Y, Z);
 *  - after a context-cache invalidation new walks use B (W), but X, Y and Z,
 *    already in the IOTLB, still translate through A;
 *  - after an IOTLB invalidation of the domain everything uses B.
 * @use_qi: invalidate through the queue instead of the registers.
 */
static void vtdt_stale_caches(struct vtdt *t, bool use_qi)
{
	struct kunit *test = t->test;
	u64 a = vtdt_setup_dev(t), b = vtdt_page(t);
	u64 pa[8], x = 0x10000, y = 0x20000, z = 0x30000, w = 0x40000;
	u64 status = vtdt_page(t);
	struct vtd_model_stats st;
	unsigned int i;

	for (i = 0; i < 8; i++)
		pa[i] = vtdt_page(t);
	vtdt_map(t, a, 3, x, pa[0], VTDM_PTE_R | VTDM_PTE_W, 1);
	vtdt_map(t, a, 3, y, pa[1], VTDM_PTE_R | VTDM_PTE_W, 1);
	vtdt_map(t, a, 3, z, pa[2], VTDM_PTE_R | VTDM_PTE_W, 1);
	vtdt_map(t, a, 3, w, pa[6], VTDM_PTE_R | VTDM_PTE_W, 1);
	vtdt_map(t, b, 3, x, pa[3], VTDM_PTE_R | VTDM_PTE_W, 1);
	vtdt_map(t, b, 3, y, pa[4], VTDM_PTE_R | VTDM_PTE_W, 1);
	vtdt_map(t, b, 3, z, pa[5], VTDM_PTE_R | VTDM_PTE_W, 1);
	vtdt_map(t, b, 3, w, pa[7], VTDM_PTE_R | VTDM_PTE_W, 1);
	vtdt_enable(t);
	if (use_qi)
		vtdt_qi_enable(t);

	vtdt_expect_xlate(t, VTDT_RID, x, false, pa[0]);
	vtdt_set_ctx(t->ctx, VTDT_DEVFN, vtdt_ctx_lo(b, VTDM_CTX_TT_MULTI, false),
		     vtdt_ctx_hi(VTDT_DID, 1));

	/* No invalidation: the cached context still points at A. */
	vtdt_expect_xlate(t, VTDT_RID, y, false, pa[1]);

	/* Invalidating another domain's or device's contexts changes nothing. */
	if (use_qi) {
		const u64 d[3][2] = {
			{ VTDM_QI_CC | (2 << VTDM_QI_GRAN_SHIFT) |
			  ((u64)(VTDT_DID + 1) << VTDM_QI_DID_SHIFT), 0 },
			{ VTDM_QI_CC | (3 << VTDM_QI_GRAN_SHIFT) |
			  ((u64)(VTDT_RID + 1) << VTDM_QI_CC_SID_SHIFT), 0 },
			{ vtdt_wait_desc(1), status },
		};

		vtdt_qi_submit(t, d, 3);
		KUNIT_EXPECT_EQ(test, *(u32 *)physmem_va(status), 1U);
	} else {
		writeq(VTDM_CCMD_ICC | VTDM_CCMD_DOMAIN | (VTDT_DID + 1),
		       t->regs + VTDM_REG_CCMD);
		writeq(VTDM_CCMD_ICC | VTDM_CCMD_DEVICE |
		       ((u64)(VTDT_RID + 1) << VTDM_CCMD_SID_SHIFT), t->regs + VTDM_REG_CCMD);
	}
	vtdt_expect_xlate(t, VTDT_RID, z, false, pa[2]);

	/* Device-selective context-cache invalidation: new walks use B. */
	if (use_qi) {
		const u64 d[2][2] = {
			{ VTDM_QI_CC | (3 << VTDM_QI_GRAN_SHIFT) |
			  ((u64)VTDT_RID << VTDM_QI_CC_SID_SHIFT), 0 },
			{ vtdt_wait_desc(2), status },
		};

		vtdt_qi_submit(t, d, 2);
		KUNIT_EXPECT_EQ(test, *(u32 *)physmem_va(status), 2U);
	} else {
		writeq(VTDM_CCMD_ICC | VTDM_CCMD_DEVICE |
		       ((u64)VTDT_RID << VTDM_CCMD_SID_SHIFT), t->regs + VTDM_REG_CCMD);
		KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_CCMD) & VTDM_CCMD_ICC, 0ULL);
		KUNIT_EXPECT_EQ(test, (readq(t->regs + VTDM_REG_CCMD) >> VTDM_CCMD_CAIG_SHIFT) & 3,
				3ULL);
	}
	vtdt_expect_xlate(t, VTDT_RID, w, false, pa[7]);
	/* X, Y and Z are in the IOTLB from A: still A. */
	vtdt_expect_xlate(t, VTDT_RID, x, false, pa[0]);
	vtdt_expect_xlate(t, VTDT_RID, y, false, pa[1]);
	vtdt_expect_xlate(t, VTDT_RID, z, false, pa[2]);

	/* Domain-selective IOTLB invalidation: B everywhere. */
	if (use_qi) {
		const u64 d[2][2] = {
			{ VTDM_QI_IOTLB | (2 << VTDM_QI_GRAN_SHIFT) |
			  ((u64)VTDT_DID << VTDM_QI_DID_SHIFT), 0 },
			{ vtdt_wait_desc(3), status },
		};

		vtdt_qi_submit(t, d, 2);
		KUNIT_EXPECT_EQ(test, *(u32 *)physmem_va(status), 3U);
	} else {
		writeq(VTDM_IOTLB_IVT | VTDM_IOTLB_DOMAIN |
		       ((u64)VTDT_DID << VTDM_IOTLB_DID_SHIFT), t->regs + VTDM_REG_IOTLB);
		KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_IOTLB) & VTDM_IOTLB_IVT, 0ULL);
	}
	vtdt_expect_xlate(t, VTDT_RID, x, false, pa[3]);
	vtdt_expect_xlate(t, VTDT_RID, y, false, pa[4]);
	vtdt_expect_xlate(t, VTDT_RID, z, false, pa[5]);

	st = vtdt_stats(t);
	KUNIT_EXPECT_EQ(test, st.cc_inv_domain, 1ULL);
	KUNIT_EXPECT_EQ(test, st.cc_inv_device, 2ULL);
	KUNIT_EXPECT_EQ(test, st.iotlb_inv_domain, 1ULL);
	KUNIT_EXPECT_EQ(test, st.reg_inv, use_qi ? 0ULL : 4ULL);
	KUNIT_EXPECT_EQ(test, st.qi_desc[VTDM_QI_CC], use_qi ? 3ULL : 0ULL);
	KUNIT_EXPECT_EQ(test, st.qi_desc[VTDM_QI_IOTLB], use_qi ? 1ULL : 0ULL);
	KUNIT_EXPECT_EQ(test, st.qi_desc[VTDM_QI_WAIT], use_qi ? 3ULL : 0ULL);
	KUNIT_EXPECT_EQ(test, st.errors, 0ULL);
}

static void vtd_model_test_stale_cc_register(struct kunit *test)
{
	vtdt_stale_caches(test->priv, false);
}

static void vtd_model_test_stale_cc_qi(struct kunit *test)
{
	vtdt_stale_caches(test->priv, true);
}

/* With QIES=1 the CCMD/IOTLB registers are refused: nothing is invalidated. */
static void vtd_model_test_reg_inv_while_qi(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 a = vtdt_setup_dev(t), b = vtdt_page(t);
	u64 pa_a = vtdt_page(t), pa_b = vtdt_page(t);
	struct vtd_model_stats st;

	vtdt_map(t, a, 3, 0x1000, pa_a, VTDM_PTE_R, 1);
	vtdt_map(t, b, 3, 0x1000, pa_b, VTDM_PTE_R, 1);
	vtdt_enable(t);
	vtdt_qi_enable(t);
	vtdt_expect_xlate(t, VTDT_RID, 0x1000, false, pa_a);
	vtdt_set_ctx(t->ctx, VTDT_DEVFN, vtdt_ctx_lo(b, VTDM_CTX_TT_MULTI, false),
		     vtdt_ctx_hi(VTDT_DID, 1));

	writeq(VTDM_CCMD_ICC | VTDM_CCMD_GLOBAL, t->regs + VTDM_REG_CCMD);
	writeq(VTDM_IOTLB_IVT | VTDM_IOTLB_GLOBAL, t->regs + VTDM_REG_IOTLB);

	st = vtdt_stats(t);
	KUNIT_EXPECT_EQ(test, st.err_reg_inv_while_qi, 2ULL);
	KUNIT_EXPECT_EQ(test, st.errors, 2ULL);
	KUNIT_EXPECT_EQ(test, st.cc_inv_global + st.iotlb_inv_global + st.reg_inv, 0ULL);
	/* The commands never complete. */
	KUNIT_EXPECT_TRUE(test, readq(t->regs + VTDM_REG_CCMD) & VTDM_CCMD_ICC);
	KUNIT_EXPECT_TRUE(test, readq(t->regs + VTDM_REG_IOTLB) & VTDM_IOTLB_IVT);
	/* And the stale translation is still in use. */
	vtdt_expect_xlate(t, VTDT_RID, 0x1000, false, pa_a);
}

/* Wait descriptors: status write, IF sets ICS.IWC, IQH follows IQT. */
static void vtd_model_test_qi_wait(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 status = vtdt_page(t);
	const u64 d[3][2] = {
		{ vtdt_wait_desc(0x1234abcd), status + 0x40 },
		{ VTDM_QI_WAIT | VTDM_QI_WAIT_IF, 0 },
		{ VTDM_QI_IEC, 0 },
	};
	struct vtd_model_stats st;

	vtdt_qi_enable(t);
	KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_IQH), 0ULL);
	vtdt_qi_submit(t, d, 3);
	KUNIT_EXPECT_EQ(test, *(u32 *)((char *)physmem_va(status) + 0x40), 0x1234abcdU);
	KUNIT_EXPECT_EQ(test, *(u32 *)((char *)physmem_va(status) + 0x44), 0U);
	KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_IQH), 3ULL << 4);
	KUNIT_EXPECT_EQ(test, readl(t->regs + VTDM_REG_ICS), VTDM_ICS_IWC);
	writel(VTDM_ICS_IWC, t->regs + VTDM_REG_ICS);			/* RW1C */
	KUNIT_EXPECT_EQ(test, readl(t->regs + VTDM_REG_ICS), 0U);
	KUNIT_EXPECT_FALSE(test, readl(t->regs + VTDM_REG_FSTS) & VTDM_FSTS_IQE);
	st = vtdt_stats(t);
	KUNIT_EXPECT_EQ(test, st.qi_desc[VTDM_QI_WAIT], 2ULL);
	KUNIT_EXPECT_EQ(test, st.qi_desc[VTDM_QI_IEC], 1ULL);
	KUNIT_EXPECT_EQ(test, st.qi_status_writes, 1ULL);
	KUNIT_EXPECT_EQ(test, st.errors, 0ULL);
}

/* An invalid descriptor sets IQE and stops there; clearing IQE resumes. */
static void vtd_model_test_qi_invalid(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 status = vtdt_page(t);
	u32 *st_va = physmem_va(status);
	const u64 d[3][2] = {
		{ VTDM_QI_CC | (1 << VTDM_QI_GRAN_SHIFT), 0 },
		{ 9, 0 },			/* type 9: not supported */
		{ vtdt_wait_desc(7), status },
	};
	const u64 more[1][2] = { { vtdt_wait_desc(8), status + 4 } };
	const u64 rsvd[1][2] = { { VTDM_QI_IOTLB | (1 << VTDM_QI_GRAN_SHIFT) | BIT_ULL(8), 0 } };
	struct vtd_model_stats st;

	vtdt_qi_enable(t);
	vtdt_qi_submit(t, d, 3);
	KUNIT_EXPECT_TRUE(test, readl(t->regs + VTDM_REG_FSTS) & VTDM_FSTS_IQE);
	KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_IQH), 1ULL << 4);
	KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_IQER) & 0xf, (u64)VTDM_IQEI_TYPE);
	KUNIT_EXPECT_EQ(test, st_va[0], 0U);
	st = vtdt_stats(t);
	KUNIT_EXPECT_EQ(test, st.qi_desc[VTDM_QI_CC], 1ULL);
	KUNIT_EXPECT_EQ(test, st.err_qi_bad_desc, 1ULL);

	/* While IQE is set nothing more is fetched. */
	vtdt_qi_submit(t, more, 1);
	KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_IQH), 1ULL << 4);
	KUNIT_EXPECT_EQ(test, st_va[1], 0U);

	/* Replace the bad one (as Linux does) and clear IQE: the rest runs. */
	vtdt_put(t->iq + 1 * 16, VTDM_QI_IEC);
	writel(VTDM_FSTS_IQE, t->regs + VTDM_REG_FSTS);
	KUNIT_EXPECT_FALSE(test, readl(t->regs + VTDM_REG_FSTS) & VTDM_FSTS_IQE);
	KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_IQH), 4ULL << 4);
	KUNIT_EXPECT_EQ(test, st_va[0], 7U);
	KUNIT_EXPECT_EQ(test, st_va[1], 8U);

	/* A reserved bit in a valid type: IQE with IQEI 4, nothing done. */
	vtdt_qi_submit(t, rsvd, 1);
	KUNIT_EXPECT_TRUE(test, readl(t->regs + VTDM_REG_FSTS) & VTDM_FSTS_IQE);
	KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_IQER) & 0xf, (u64)VTDM_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_IQH), 4ULL << 4);
	st = vtdt_stats(t);
	KUNIT_EXPECT_EQ(test, st.iotlb_inv_global, 0ULL);
	KUNIT_EXPECT_EQ(test, st.err_qi_bad_desc, 2ULL);
}

/* QIE: IQA latched at enable only; disable refused until drained by a wait. */
static void vtd_model_test_qie_rules(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 status = vtdt_page(t);
	const u64 cc[1][2] = { { VTDM_QI_CC | (1 << VTDM_QI_GRAN_SHIFT), 0 } };
	const u64 wait[1][2] = { { vtdt_wait_desc(1), status } };

	/* No queue address: refused. */
	vtdt_gcmd(t, VTDM_GCMD_QIE);
	KUNIT_EXPECT_FALSE(test, readl(t->regs + VTDM_REG_GSTS) & VTDM_GSTS_QIES);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).err_qie_enable, 1ULL);

	vtdt_qi_enable(t);
	writeq(vtdt_page(t), t->regs + VTDM_REG_IQA);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).err_iqa_write_while_qie, 1ULL);
	vtdt_qi_submit(t, cc, 1);	/* still the old queue */
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).qi_desc[VTDM_QI_CC], 1ULL);

	/* The last descriptor was not a wait descriptor: disable refused. */
	writel(0, t->regs + VTDM_REG_GCMD);
	KUNIT_EXPECT_TRUE(test, readl(t->regs + VTDM_REG_GSTS) & VTDM_GSTS_QIES);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).err_qie_disable, 1ULL);

	vtdt_qi_submit(t, wait, 1);
	writel(0, t->regs + VTDM_REG_GCMD);
	KUNIT_EXPECT_FALSE(test, readl(t->regs + VTDM_REG_GSTS) & VTDM_GSTS_QIES);
	KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_IQH), 0ULL);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).qie_disables, 1ULL);
}

/*
 * Tail checks, and 256-bit descriptors (IQA.DW, only with ECAP.SMTS):
 * IQT/IQH count in 32-byte units, IQT bit 4 is then an invalid tail.
 */
static void vtd_model_test_qi_tail_and_dw(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 status = vtdt_page(t), q = vtdt_page(t);
	u32 *st_va = physmem_va(status);
	struct vtd_model_cfg cfg;
	struct vtd_model_stats st;
	struct vtd_model *m2;
	void __iomem *r;

	/* 128-bit queue of 256 entries: tail 256 is beyond it. */
	vtdt_qi_enable(t);
	writel(256 << 4, t->regs + VTDM_REG_IQT);
	KUNIT_EXPECT_TRUE(test, readl(t->regs + VTDM_REG_FSTS) & VTDM_FSTS_IQE);
	KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_IQER) & 0xf, (u64)VTDM_IQEI_TAIL);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).err_qi_tail, 1ULL);

	/* DW without ECAP.SMTS: refused as 256-bit, the queue stays 128-bit. */
	vtd_model_default_cfg(&cfg);
	m2 = vtd_model_create(VTDT_REG_BASE + 0x1000, &cfg);
	KUNIT_ASSERT_NOT_NULL(test, m2);
	r = vtd_model_regs(m2);
	writeq(q | VTDM_IQA_DW, r + VTDM_REG_IQA);
	writel(VTDM_GCMD_QIE, r + VTDM_REG_GCMD);
	vtdt_put(q, vtdt_wait_desc(0x11));
	vtdt_put(q + 8, status);
	writel(1 << 4, r + VTDM_REG_IQT);
	KUNIT_EXPECT_EQ(test, st_va[0], 0x11U);
	KUNIT_EXPECT_EQ(test, readq(r + VTDM_REG_IQH), 1ULL << 4);
	vtd_model_stats(m2, &st);
	KUNIT_EXPECT_EQ(test, st.err_qie_enable, 1ULL);
	vtd_model_destroy(m2);

	/* With ECAP.SMTS: 32-byte descriptors, the upper half must be zero. */
	cfg.scalable = true;
	m2 = vtd_model_create(VTDT_REG_BASE + 0x1000, &cfg);
	KUNIT_ASSERT_NOT_NULL(test, m2);
	r = vtd_model_regs(m2);
	memset(physmem_va(q), 0, VTDM_PAGE_SIZE);
	writeq(q | VTDM_IQA_DW, r + VTDM_REG_IQA);
	writel(VTDM_GCMD_QIE, r + VTDM_REG_GCMD);
	vtdt_put(q, vtdt_wait_desc(0x22));
	vtdt_put(q + 8, status + 4);
	vtdt_put(q + 32, vtdt_wait_desc(0x33));
	vtdt_put(q + 40, status + 8);
	vtdt_put(q + 56, 1);				/* qw3 of descriptor 1 */
	writel(2 << 5, r + VTDM_REG_IQT);
	KUNIT_EXPECT_EQ(test, st_va[1], 0x22U);
	KUNIT_EXPECT_EQ(test, st_va[2], 0U);
	KUNIT_EXPECT_EQ(test, readq(r + VTDM_REG_IQH), 1ULL << 5);
	KUNIT_EXPECT_EQ(test, readq(r + VTDM_REG_IQER) & 0xf, (u64)VTDM_IQEI_RSVD);
	/* Fix it, clear IQE: processed. A tail with bit 4 set is invalid. */
	vtdt_put(q + 56, 0);
	writel(VTDM_FSTS_IQE, r + VTDM_REG_FSTS);
	KUNIT_EXPECT_EQ(test, st_va[2], 0x33U);
	writel((2 << 5) | (1 << 4), r + VTDM_REG_IQT);
	KUNIT_EXPECT_EQ(test, readq(r + VTDM_REG_IQER) & 0xf, (u64)VTDM_IQEI_TAIL);
	KUNIT_EXPECT_EQ(test, readq(r + VTDM_REG_IQH), 2ULL << 5);
	vtd_model_destroy(m2);
}

/*
 * GCMD is the desired state: a write without TE turns translation off (the
 * trap for a kernel that does not carry TE over), SRTP with TE kept re-latches
 * the root and drops the caches, several commands in one write are counted.
 */
static void vtd_model_test_gcmd_state(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 pgd = vtdt_setup_dev(t), page = vtdt_page(t);
	struct vtd_model_stats st;

	vtdt_map(t, pgd, 3, 0x1000, page, VTDM_PTE_R, 1);
	vtdt_enable(t);
	vtdt_expect_xlate(t, VTDT_RID, 0x1000, false, page);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).cc_entries, 1ULL);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).iotlb_entries, 1ULL);

	vtdt_gcmd(t, VTDM_GCMD_SRTP);			/* TE kept */
	KUNIT_EXPECT_TRUE(test, vtd_model_translation_enabled(t->m));
	st = vtdt_stats(t);
	KUNIT_EXPECT_EQ(test, st.root_latches, 2ULL);
	KUNIT_EXPECT_EQ(test, st.cc_entries + st.iotlb_entries, 0ULL);

	KUNIT_EXPECT_EQ(test, vtdt_stats(t).errors, 0ULL);

	/* TE not carried: turns translation off, and is two commands at once. */
	writel(VTDM_GCMD_SRTP, t->regs + VTDM_REG_GCMD);
	KUNIT_EXPECT_FALSE(test, vtd_model_translation_enabled(t->m));
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).te_disables, 1ULL);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).err_gcmd_multi, 1ULL);

	writel(VTDM_GCMD_TE | VTDM_GCMD_SRTP, t->regs + VTDM_REG_GCMD);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).err_gcmd_multi, 2ULL);
	KUNIT_EXPECT_TRUE(test, vtd_model_translation_enabled(t->m));
}

/* 64-bit registers written as two 32-bit halves, low then high. */
static void vtd_model_test_split_writes(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 cmd = VTDM_CCMD_ICC | VTDM_CCMD_GLOBAL;
	u64 root2 = vtdt_page(t);

	writel((u32)t->root, t->regs + VTDM_REG_RTADDR);
	writel((u32)(t->root >> 32), t->regs + VTDM_REG_RTADDR + 4);
	KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_RTADDR), t->root);
	vtdt_gcmd(t, VTDM_GCMD_SRTP);
	KUNIT_EXPECT_EQ(test, vtd_model_active_root(t->m), t->root);

	/* RTADDR changes take effect only at the next SRTP. */
	writeq(root2, t->regs + VTDM_REG_RTADDR);
	KUNIT_EXPECT_EQ(test, vtd_model_active_root(t->m), t->root);

	writel((u32)cmd, t->regs + VTDM_REG_CCMD);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).cc_inv_global, 0ULL);
	writel((u32)(cmd >> 32), t->regs + VTDM_REG_CCMD + 4);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).cc_inv_global, 1ULL);
	KUNIT_EXPECT_EQ(test, readl(t->regs + VTDM_REG_CCMD + 4) >> 31, 0U);

	/* Sizes other than 4 and 8 are refused (the shim itself checks alignment). */
	KUNIT_EXPECT_EQ(test, readb(t->regs + VTDM_REG_VER), 0);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).err_mmio, 1ULL);
}

/* Page-selective IOTLB invalidation drops that page of that domain only. */
static void vtd_model_test_iotlb_psi(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 pgd = vtdt_setup_dev(t);
	u64 p[4], x = 0x200000;
	unsigned int i;

	for (i = 0; i < 4; i++)
		p[i] = vtdt_page(t);
	vtdt_map(t, pgd, 3, x, p[0], VTDM_PTE_R, 1);
	vtdt_map(t, pgd, 3, x + 0x1000, p[1], VTDM_PTE_R, 1);
	vtdt_enable(t);
	vtdt_expect_xlate(t, VTDT_RID, x, false, p[0]);
	vtdt_expect_xlate(t, VTDT_RID, x + 0x1000, false, p[1]);

	vtdt_put(vtdt_pte_slot(pgd, 3, x), p[2] | VTDM_PTE_R);
	vtdt_put(vtdt_pte_slot(pgd, 3, x + 0x1000), p[3] | VTDM_PTE_R);

	/* Another domain: nothing. */
	writeq(x, t->regs + VTDM_REG_IVA);
	writeq(VTDM_IOTLB_IVT | VTDM_IOTLB_PAGE | ((u64)(VTDT_DID + 1) << VTDM_IOTLB_DID_SHIFT),
	       t->regs + VTDM_REG_IOTLB);
	vtdt_expect_xlate(t, VTDT_RID, x, false, p[0]);

	/* This domain, AM=0: only x. */
	writeq(VTDM_IOTLB_IVT | VTDM_IOTLB_PAGE | ((u64)VTDT_DID << VTDM_IOTLB_DID_SHIFT),
	       t->regs + VTDM_REG_IOTLB);
	KUNIT_EXPECT_EQ(test, (readq(t->regs + VTDM_REG_IOTLB) >> VTDM_IOTLB_IAIG_SHIFT) & 3,
			3ULL);
	vtdt_expect_xlate(t, VTDT_RID, x, false, p[2]);
	vtdt_expect_xlate(t, VTDT_RID, x + 0x1000, false, p[1]);

	/* AM=1 covers both pages. */
	writeq(x | 1, t->regs + VTDM_REG_IVA);
	writeq(VTDM_IOTLB_IVT | VTDM_IOTLB_PAGE | ((u64)VTDT_DID << VTDM_IOTLB_DID_SHIFT),
	       t->regs + VTDM_REG_IOTLB);
	vtdt_expect_xlate(t, VTDT_RID, x + 0x1000, false, p[3]);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).iotlb_inv_page, 3ULL);
}

/* Pass-through contexts translate 1:1; without ECAP.PT they are invalid. */
static void vtd_model_test_pass_through(struct kunit *test)
{
	struct vtdt *t = test->priv;
	struct vtd_model_cfg cfg;
	struct vtd_model *m2;
	u64 pa = 0;

	vtdt_setup_dev(t);
	vtdt_set_ctx(t->ctx, VTDT_DEVFN, vtdt_ctx_lo(0, VTDM_CTX_TT_PT, false),
		     vtdt_ctx_hi(1, 2));
	vtdt_enable(t);
	vtdt_expect_xlate(t, VTDT_RID, 0x123456789ULL, true, 0x123456789ULL);

	vtd_model_default_cfg(&cfg);
	cfg.pass_through = false;
	m2 = vtd_model_create(VTDT_REG_BASE + 0x1000, &cfg);
	KUNIT_ASSERT_NOT_NULL(test, m2);
	writeq(t->root, vtd_model_regs(m2) + VTDM_REG_RTADDR);
	writel(VTDM_GCMD_SRTP, vtd_model_regs(m2) + VTDM_REG_GCMD);
	writel(VTDM_GCMD_TE, vtd_model_regs(m2) + VTDM_REG_GCMD);
	KUNIT_EXPECT_EQ(test, vtd_model_translate(m2, VTDT_RID, 0x1000, false, &pa), -EFAULT);
	KUNIT_EXPECT_EQ(test, vtd_model_faults(m2, NULL, 0), (size_t)1);
	vtd_model_destroy(m2);
}

/* ---- scalable mode ------------------------------------------------- */

/* The tables of one scalable-mode requester id, see vtdt_sm_dev(). */
struct vtdt_sm {
	u64 ctx;		/* its (lower or upper) context table */
	u64 ce;			/* its 32-byte context entry */
	u64 dir;		/* PASID directory */
	u64 ptbl;		/* PASID table of PASIDs 0..63 */
	u64 pe;			/* the RID_PASID (0) entry */
	u64 pgd;		/* 3-level second-level table */
};

/* Replace the suite's legacy unit with one that has ECAP.SMTS. */
static void vtdt_go_scalable(struct vtdt *t)
{
	struct vtd_model_cfg cfg;

	vtd_model_destroy(t->m);
	vtd_model_default_cfg(&cfg);
	cfg.scalable = true;
	t->m = vtd_model_create(VTDT_REG_BASE, &cfg);
	KUNIT_ASSERT_NOT_NULL(t->test, t->m);
	t->regs = vtd_model_regs(t->m);
}

static void vtdt_sm_enable(struct vtdt *t)
{
	writeq(t->root | VTDM_RTADDR_SMT, t->regs + VTDM_REG_RTADDR);
	vtdt_gcmd(t, VTDM_GCMD_SRTP);
	vtdt_gcmd(t, VTDM_GCMD_TE);
	KUNIT_EXPECT_EQ(t->test, vtd_model_active_root(t->m), t->root | VTDM_RTADDR_SMT);
	KUNIT_EXPECT_TRUE(t->test, vtd_model_translation_enabled(t->m));
}

static u64 vtdt_pe0(u64 pgd, unsigned int aw, unsigned int pgtt, bool fpd)
{
	return pgd | ((u64)aw << VTDM_PE_AW_SHIFT) | ((u64)pgtt << VTDM_PE_PGTT_SHIFT) |
	       (fpd ? VTDM_PE_FPD : 0) | VTDM_PE_P;
}

/*
 * @rid translates through domain @did: the root half of its bus (shared
 * context tables are reused), a 32-byte context entry with PDTS 2, a PASID
 * directory whose entry 0 leads to a PASID table, and a present RID_PASID
 * entry (PGTT 2, AW 1) pointing at a new 3-level page table.
 */
static void vtdt_sm_dev(struct vtdt *t, u16 rid, u16 did, struct vtdt_sm *d)
{
	unsigned int devfn = rid & 0xff;
	u64 half = t->root + (rid >> 8) * 16 + (devfn >= 0x80 ? 8 : 0);

	d->ctx = vtdt_get(half) & VTDM_PAGE_MASK;
	if (!d->ctx) {
		d->ctx = vtdt_page(t);
		vtdt_put(half, d->ctx | VTDM_ROOT_P);
	}
	d->ce = d->ctx + (devfn & 0x7f) * 32;
	d->dir = vtdt_page(t);
	d->ptbl = vtdt_page(t);
	d->pgd = vtdt_page(t);
	d->pe = d->ptbl;
	vtdt_put(d->ce, d->dir | (2ULL << VTDM_SMCTX_PDTS_SHIFT) | VTDM_SMCTX_P);
	vtdt_put(d->ce + 8, 0);
	vtdt_put(d->dir, d->ptbl | VTDM_PDE_P);
	vtdt_put(d->pe + 8, did);
	vtdt_put(d->pe, vtdt_pe0(d->pgd, 1, VTDM_PE_PGTT_SL, false));
}

/*
 * One bus, two context tables: devfn 0x08 walks the lower table at index 8,
 * devfn 0x88 the upper one at index 8 too; each half has its present bit.
 */
static void vtd_model_test_sm_translate(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u16 lo_rid = VTDT_RID, hi_rid = VTDT_RID | 0x80;
	u64 p_lo = vtdt_page(t), p_hi = vtdt_page(t);
	struct vtdt_sm lo, hi;
	struct vtd_model_stats st;

	vtdt_go_scalable(t);
	vtdt_sm_dev(t, lo_rid, VTDT_DID, &lo);
	vtdt_sm_dev(t, hi_rid, VTDT_DID + 1, &hi);
	KUNIT_EXPECT_NE(test, lo.ctx, hi.ctx);
	KUNIT_EXPECT_EQ(test, lo.ce - lo.ctx, hi.ce - hi.ctx);
	vtdt_map(t, lo.pgd, 3, 0x1000, p_lo, VTDM_PTE_R | VTDM_PTE_W, 1);
	vtdt_map(t, hi.pgd, 3, 0x1000, p_hi, VTDM_PTE_R, 1);
	vtdt_sm_enable(t);

	vtdt_expect_xlate(t, lo_rid, 0x1234, true, p_lo + 0x234);
	vtdt_expect_xlate(t, hi_rid, 0x1234, false, p_hi + 0x234);
	vtdt_expect_fault(t, hi_rid, 0x1234, true, VTDM_FR_WRITE);
	vtdt_expect_fault(t, lo_rid, 0x2000, false, VTDM_FR_READ);
	st = vtdt_stats(t);
	KUNIT_EXPECT_EQ(test, st.cc_entries, 2ULL);
	KUNIT_EXPECT_EQ(test, st.pc_entries, 2ULL);
	/* The IOTLB is tagged with the PASID entry's domain id. */
	KUNIT_EXPECT_EQ(test, st.iotlb_entries, 2ULL);
	writeq(VTDM_IOTLB_IVT | VTDM_IOTLB_DOMAIN | ((u64)(VTDT_DID + 1) << VTDM_IOTLB_DID_SHIFT),
	       t->regs + VTDM_REG_IOTLB);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).iotlb_entries, 1ULL);

	/* Entry 8 of the lower table is not that of the upper one. */
	vtdt_expect_fault(t, VTDT_RID | 0x09, 0x1000, false, VTDM_FR_CONTEXT_ENTRY_P);
	vtdt_expect_fault(t, VTDT_RID | 0x89, 0x1000, false, VTDM_FR_CONTEXT_ENTRY_P);
	/* A bus with only its lower half present. */
	vtdt_sm_dev(t, (VTDT_BUS + 1) << 8, VTDT_DID, &lo);
	vtdt_expect_fault(t, ((VTDT_BUS + 1) << 8) | 0x80, 0x1000, false,
			  VTDM_FR_ROOT_ENTRY_P);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).errors, 0ULL);
}

/*
 * QEMU 7.2's scalable-mode checks: reserved bits of both root halves, of the
 * context entry (lo 8:5, hi 63:21, the upper 128 bits), and a RID_PASID
 * entry that is absent or not a second-level (or pass-through) entry of a
 * supported width: fault 0x58, which FPD does not suppress.
 */
static void vtd_model_test_sm_reserved(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 page = vtdt_page(t), pa;
	struct vtdt_sm d;
	u64 ce0, pe0;
	u16 rid = VTDT_RID;

	vtdt_go_scalable(t);
	vtdt_sm_dev(t, rid, VTDT_DID, &d);
	vtdt_map(t, d.pgd, 3, 0x1000, page, VTDM_PTE_R, 1);
	vtdt_sm_enable(t);
	ce0 = vtdt_get(d.ce);
	pe0 = vtdt_get(d.pe);

#define VTDT_SM_FAULT(reason) do {					\
		vtdt_gcmd(t, VTDM_GCMD_SRTP);	/* drops every cache */	\
		vtdt_expect_fault(t, rid, 0x1000, false, reason);	\
	} while (0)

	vtdt_expect_xlate(t, rid, 0x1000, false, page);

	/* Root: reserved bits of the half the request does not use count too. */
	vtdt_put(t->root + VTDT_BUS * 16 + 8, BIT_ULL(5));
	VTDT_SM_FAULT(VTDM_FR_ROOT_ENTRY_RSVD);
	vtdt_put(t->root + VTDT_BUS * 16 + 8, 0);
	vtdt_put(t->root + VTDT_BUS * 16, d.ctx | VTDM_ROOT_P | BIT_ULL(40));
	VTDT_SM_FAULT(VTDM_FR_ROOT_ENTRY_RSVD);
	vtdt_put(t->root + VTDT_BUS * 16, d.ctx | VTDM_ROOT_P);

	/* Context: lo 8:5, hi 63:21, the upper 128 bits; PRE, DTE are fine. */
	vtdt_put(d.ce, ce0 | BIT_ULL(6));
	VTDT_SM_FAULT(VTDM_FR_CONTEXT_ENTRY_RSVD);
	vtdt_put(d.ce, ce0);
	vtdt_put(d.ce + 8, BIT_ULL(21));
	VTDT_SM_FAULT(VTDM_FR_CONTEXT_ENTRY_RSVD);
	vtdt_put(d.ce + 8, 0);
	vtdt_put(d.ce + 24, 1);
	VTDT_SM_FAULT(VTDM_FR_CONTEXT_ENTRY_RSVD);
	vtdt_put(d.ce + 24, 0);
	vtdt_put(d.ce, ce0 | VTDM_SMCTX_PRE | VTDM_SMCTX_DTE);
	vtdt_gcmd(t, VTDM_GCMD_SRTP);
	vtdt_expect_xlate(t, rid, 0x1000, false, page);
	vtdt_put(d.ce, ce0);

	/* PASID directory entry absent; RID_PASID in an absent directory slot. */
	vtdt_put(d.dir, 0);
	VTDT_SM_FAULT(VTDM_FR_PASID_TABLE_INV);
	vtdt_put(d.dir, d.ptbl | VTDM_PDE_P);
	vtdt_put(d.ce + 8, 64);
	VTDT_SM_FAULT(VTDM_FR_PASID_TABLE_INV);
	/* Beyond the directory: PDTS 0 is 128 entries, PASIDs 0..8191. */
	vtdt_put(d.ce, d.dir | VTDM_SMCTX_P);
	vtdt_put(d.dir + 128 * 8, d.ptbl | VTDM_PDE_P);
	vtdt_put(d.ce + 8, 128 * 64);
	VTDT_SM_FAULT(VTDM_FR_PASID_TABLE_INV);
	vtdt_put(d.ce, ce0);
	vtdt_put(d.ce + 8, 0);

	/* RID_PASID entry: not present, PGTT 1, 3, 0, AW not in SAGAW. */
	vtdt_put(d.pe, pe0 & ~VTDM_PE_P);
	VTDT_SM_FAULT(VTDM_FR_PASID_TABLE_INV);
	vtdt_put(d.pe, vtdt_pe0(d.pgd, 1, VTDM_PE_PGTT_FL, false));
	VTDT_SM_FAULT(VTDM_FR_PASID_TABLE_INV);
	vtdt_put(d.pe, vtdt_pe0(d.pgd, 1, VTDM_PE_PGTT_NESTED, false));
	VTDT_SM_FAULT(VTDM_FR_PASID_TABLE_INV);
	vtdt_put(d.pe, vtdt_pe0(d.pgd, 1, 0, false));
	VTDT_SM_FAULT(VTDM_FR_PASID_TABLE_INV);
	vtdt_put(d.pe, vtdt_pe0(d.pgd, 0, VTDM_PE_PGTT_SL, false));
	VTDT_SM_FAULT(VTDM_FR_PASID_TABLE_INV);
	/* Not qualified: recorded even with FPD in the context and PASID entries. */
	vtdt_put(d.ce, ce0 | VTDM_SMCTX_FPD);
	vtdt_put(d.pe, vtdt_pe0(d.pgd, 1, 0, true));
	VTDT_SM_FAULT(VTDM_FR_PASID_TABLE_INV);
	vtdt_put(d.ce, ce0);

	/* PGTT 4 (ECAP.PT): pass-through. */
	vtdt_put(d.pe, vtdt_pe0(0, 1, VTDM_PE_PGTT_PT, false));
	vtdt_gcmd(t, VTDM_GCMD_SRTP);
	vtdt_expect_xlate(t, rid, 0x76543210ULL, true, 0x76543210ULL);

	/* FPD of the context, directory or PASID entry suppresses a read fault. */
	vtdt_put(d.pe, pe0);
	vtdt_put(d.ce, ce0 | VTDM_SMCTX_FPD);
	vtdt_gcmd(t, VTDM_GCMD_SRTP);
	KUNIT_EXPECT_EQ(test, vtdt_xlate(t, rid, 0x9000, false, &pa), -EFAULT);
	vtdt_put(d.ce, ce0);
	vtdt_put(d.dir, d.ptbl | VTDM_PDE_P | VTDM_PDE_FPD);
	vtdt_gcmd(t, VTDM_GCMD_SRTP);
	KUNIT_EXPECT_EQ(test, vtdt_xlate(t, rid, 0x9000, false, &pa), -EFAULT);
	vtdt_put(d.dir, d.ptbl | VTDM_PDE_P);
	vtdt_put(d.pe, pe0 | VTDM_PE_FPD);
	vtdt_gcmd(t, VTDM_GCMD_SRTP);
	KUNIT_EXPECT_EQ(test, vtdt_xlate(t, rid, 0x9000, false, &pa), -EFAULT);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).faults_suppressed, 3ULL);
	vtdt_put(d.pe, pe0);
	vtdt_gcmd(t, VTDM_GCMD_SRTP);
	vtdt_expect_fault(t, rid, 0x9000, false, VTDM_FR_READ);
	vtdt_expect_xlate(t, rid, 0x1000, false, page);
#undef VTDT_SM_FAULT
}

/* Enable the queue with 256-bit descriptors (QS 0: 128 of them). */
static void vtdt_qi_enable_dw(struct vtdt *t)
{
	t->iq = vtdt_page(t);
	t->iq_tail = 0;
	writel(0, t->regs + VTDM_REG_IQT);
	writeq(t->iq | VTDM_IQA_DW, t->regs + VTDM_REG_IQA);
	vtdt_gcmd(t, VTDM_GCMD_QIE);
	KUNIT_EXPECT_TRUE(t->test, readl(t->regs + VTDM_REG_GSTS) & VTDM_GSTS_QIES);
}

/* Queue one 256-bit descriptor (upper half zero) and write the tail. */
static void vtdt_qi_submit256(struct vtdt *t, u64 qw0, u64 qw1)
{
	vtdt_put(t->iq + t->iq_tail * 32, qw0);
	vtdt_put(t->iq + t->iq_tail * 32 + 8, qw1);
	vtdt_put(t->iq + t->iq_tail * 32 + 16, 0);
	vtdt_put(t->iq + t->iq_tail * 32 + 24, 0);
	t->iq_tail = (t->iq_tail + 1) % 128;
	writel(t->iq_tail << 5, t->regs + VTDM_REG_IQT);
}

static u64 vtdt_pc_desc(unsigned int gran, u16 did, u32 pasid)
{
	return VTDM_QI_PASID_CACHE | ((u64)gran << VTDM_QI_GRAN_SHIFT) |
	       ((u64)did << VTDM_QI_DID_SHIFT) | ((u64)pasid << VTDM_QI_PC_PASID_SHIFT);
}

/*
 * The RID_PASID entry is cached per requester id: rewritten in memory, it
 * keeps being used through IOTLB and context-cache invalidations until a
 * PASID-cache invalidation that covers it (global, its domain, or its
 * domain and PASID) drops it.
 */
static void vtd_model_test_sm_stale_pasid_cache(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 p_old = vtdt_page(t), p_new = vtdt_page(t), pgd2 = vtdt_page(t);
	u64 iotlb_g = VTDM_QI_IOTLB | (1ULL << VTDM_QI_GRAN_SHIFT);
	u64 cc_g = VTDM_QI_CC | (1ULL << VTDM_QI_GRAN_SHIFT);
	struct vtd_model_stats st;
	struct vtdt_sm d;

	vtdt_go_scalable(t);
	vtdt_sm_dev(t, VTDT_RID, VTDT_DID, &d);
	vtdt_map(t, d.pgd, 3, 0x1000, p_old, VTDM_PTE_R, 1);
	vtdt_map(t, pgd2, 3, 0x1000, p_new, VTDM_PTE_R, 1);
	vtdt_sm_enable(t);
	vtdt_qi_enable_dw(t);
	vtdt_expect_xlate(t, VTDT_RID, 0x1000, false, p_old);

	/* Switch the RID_PASID entry to the other table. */
	vtdt_put(d.pe, vtdt_pe0(pgd2, 1, VTDM_PE_PGTT_SL, false));
	vtdt_qi_submit256(t, iotlb_g, 0);
	vtdt_expect_xlate(t, VTDT_RID, 0x1000, false, p_old);
	vtdt_qi_submit256(t, iotlb_g, 0);
	vtdt_qi_submit256(t, cc_g, 0);
	vtdt_expect_xlate(t, VTDT_RID, 0x1000, false, p_old);
	KUNIT_EXPECT_GE(test, vtdt_stats(t).pc_hits, 2ULL);

	/* Another domain, another PASID of this domain: still stale. */
	vtdt_qi_submit256(t, iotlb_g, 0);
	vtdt_qi_submit256(t, vtdt_pc_desc(VTDM_QI_PC_DOMAIN, VTDT_DID + 1, 0), 0);
	vtdt_qi_submit256(t, vtdt_pc_desc(VTDM_QI_PC_PASID, VTDT_DID, 1), 0);
	vtdt_expect_xlate(t, VTDT_RID, 0x1000, false, p_old);
	/* Its domain and PASID: the new entry is read. */
	vtdt_qi_submit256(t, iotlb_g, 0);
	vtdt_qi_submit256(t, vtdt_pc_desc(VTDM_QI_PC_PASID, VTDT_DID, 0), 0);
	vtdt_expect_xlate(t, VTDT_RID, 0x1000, false, p_new);

	/* A cleared RID_PASID entry keeps translating until the PASID cache goes. */
	vtdt_put(d.pe, 0);
	vtdt_qi_submit256(t, iotlb_g, 0);
	vtdt_qi_submit256(t, cc_g, 0);
	vtdt_expect_xlate(t, VTDT_RID, 0x1000, false, p_new);
	vtdt_qi_submit256(t, vtdt_pc_desc(VTDM_QI_PC_GLOBAL, 0, 0), 0);
	vtdt_qi_submit256(t, iotlb_g, 0);
	vtdt_expect_fault(t, VTDT_RID, 0x1000, false, VTDM_FR_PASID_TABLE_INV);

	/* Domain-selective drops it too. */
	vtdt_put(d.pe + 8, VTDT_DID);
	vtdt_put(d.pe, vtdt_pe0(d.pgd, 1, VTDM_PE_PGTT_SL, false));
	vtdt_expect_xlate(t, VTDT_RID, 0x1000, false, p_old);
	vtdt_put(d.pe, 0);
	vtdt_qi_submit256(t, iotlb_g, 0);
	vtdt_qi_submit256(t, vtdt_pc_desc(VTDM_QI_PC_DOMAIN, VTDT_DID, 0), 0);
	vtdt_expect_fault(t, VTDT_RID, 0x1000, false, VTDM_FR_PASID_TABLE_INV);

	st = vtdt_stats(t);
	KUNIT_EXPECT_EQ(test, st.pc_inv_global, 1ULL);
	KUNIT_EXPECT_EQ(test, st.pc_inv_domain, 2ULL);
	KUNIT_EXPECT_EQ(test, st.pc_inv_pasid, 2ULL);
	KUNIT_EXPECT_EQ(test, st.qi_desc[VTDM_QI_PASID_CACHE], 5ULL);
	KUNIT_EXPECT_EQ(test, st.errors, 0ULL);

	/* Granularity 2 is reserved. */
	vtdt_qi_submit256(t, vtdt_pc_desc(2, VTDT_DID, 0), 0);
	KUNIT_EXPECT_TRUE(test, readl(t->regs + VTDM_REG_FSTS) & VTDM_FSTS_IQE);
	KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_IQER) & 0xf, (u64)VTDM_IQEI_RSVD);
}

/* With SMT latched, a 128-bit queue is refused descriptor by descriptor. */
static void vtd_model_test_sm_qi_width(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 status = vtdt_page(t);
	u64 desc[1][2] = { { vtdt_wait_desc(0x44), status } };

	vtdt_go_scalable(t);
	vtdt_qi_enable(t);				/* DW = 0 */
	vtdt_qi_submit(t, desc, 1);			/* legacy root: fine */
	KUNIT_EXPECT_EQ(test, *(u32 *)physmem_va(status), 0x44U);

	vtdt_sm_enable(t);
	desc[0][0] = vtdt_wait_desc(0x55);
	vtdt_qi_submit(t, desc, 1);
	KUNIT_EXPECT_EQ(test, *(u32 *)physmem_va(status), 0x44U);
	KUNIT_EXPECT_TRUE(test, readl(t->regs + VTDM_REG_FSTS) & VTDM_FSTS_IQE);
	KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_IQER) & 0xf, (u64)VTDM_IQEI_WIDTH);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).err_qi_width, 1ULL);
}

/* SMT may change only with TE off, and needs ECAP.SMTS. */
static void vtd_model_test_scalable_root(struct kunit *test)
{
	struct vtdt *t = test->priv;
	struct vtd_model_cfg cfg;
	struct vtd_model *m2;
	void __iomem *r;
	struct vtd_model_stats st;

	/* Without ECAP.SMTS the bit is an error and legacy mode is latched. */
	writeq(t->root | VTDM_RTADDR_SMT, t->regs + VTDM_REG_RTADDR);
	vtdt_gcmd(t, VTDM_GCMD_SRTP);
	KUNIT_EXPECT_EQ(test, vtd_model_active_root(t->m), t->root);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).err_rtaddr_rsvd, 1ULL);

	vtd_model_default_cfg(&cfg);
	cfg.scalable = true;
	m2 = vtd_model_create(VTDT_REG_BASE + 0x1000, &cfg);
	KUNIT_ASSERT_NOT_NULL(test, m2);
	r = vtd_model_regs(m2);
	KUNIT_EXPECT_TRUE(test, readq(r + VTDM_REG_ECAP) & VTDM_ECAP_SMTS);

	writeq(t->root, r + VTDM_REG_RTADDR);
	writel(VTDM_GCMD_SRTP, r + VTDM_REG_GCMD);
	writel(VTDM_GCMD_TE, r + VTDM_REG_GCMD);
	writeq(t->root | VTDM_RTADDR_SMT, r + VTDM_REG_RTADDR);
	writel(VTDM_GCMD_TE | VTDM_GCMD_SRTP, r + VTDM_REG_GCMD);	/* TE kept */
	vtd_model_stats(m2, &st);
	KUNIT_EXPECT_EQ(test, st.err_smt_change_while_te, 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_model_active_root(m2), t->root);

	writel(0, r + VTDM_REG_GCMD);					/* TE off */
	writel(VTDM_GCMD_SRTP, r + VTDM_REG_GCMD);
	KUNIT_EXPECT_EQ(test, vtd_model_active_root(m2), t->root | VTDM_RTADDR_SMT);
	vtd_model_destroy(m2);
}

/* A kexec keeps everything (no reset); a platform reset clears it. */
static void vtd_model_test_reset(struct kunit *test)
{
	struct vtdt *t = test->priv;
	u64 pgd = vtdt_setup_dev(t), page = vtdt_page(t);

	vtdt_map(t, pgd, 3, 0x1000, page, VTDM_PTE_R, 1);
	vtdt_enable(t);
	vtdt_qi_enable(t);
	vtdt_expect_xlate(t, VTDT_RID, 0x1000, false, page);

	/* "kexec": nothing happens to the unit; the caches still hold. */
	KUNIT_EXPECT_EQ(test, readl(t->regs + VTDM_REG_GSTS) & (VTDM_GSTS_TES | VTDM_GSTS_QIES),
			VTDM_GSTS_TES | VTDM_GSTS_QIES);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).iotlb_entries, 1ULL);

	vtd_model_reset(t->m);
	KUNIT_EXPECT_EQ(test, readl(t->regs + VTDM_REG_GSTS), 0U);
	KUNIT_EXPECT_EQ(test, vtd_model_active_root(t->m), 0ULL);
	KUNIT_EXPECT_EQ(test, readq(t->regs + VTDM_REG_IQA), 0ULL);
	KUNIT_EXPECT_EQ(test, vtdt_stats(t).iotlb_entries + vtdt_stats(t).cc_entries, 0ULL);
	vtdt_expect_xlate(t, VTDT_RID, 0x1000, false, 0x1000);	/* identity again */
}

static struct kunit_case vtd_model_test_cases[] = {
	KUNIT_CASE(vtd_model_test_caps),
	KUNIT_CASE(vtd_model_test_identity_te_off),
	KUNIT_CASE(vtd_model_test_te_needs_root),
	KUNIT_CASE(vtd_model_test_map_3level),
	KUNIT_CASE(vtd_model_test_reserved_bits),
	KUNIT_CASE(vtd_model_test_fpd),
	KUNIT_CASE(vtd_model_test_superpage),
	KUNIT_CASE(vtd_model_test_readonly),
	KUNIT_CASE(vtd_model_test_dma_pages),
	KUNIT_CASE(vtd_model_test_stale_cc_register),
	KUNIT_CASE(vtd_model_test_stale_cc_qi),
	KUNIT_CASE(vtd_model_test_reg_inv_while_qi),
	KUNIT_CASE(vtd_model_test_qi_wait),
	KUNIT_CASE(vtd_model_test_qi_invalid),
	KUNIT_CASE(vtd_model_test_qie_rules),
	KUNIT_CASE(vtd_model_test_qi_tail_and_dw),
	KUNIT_CASE(vtd_model_test_gcmd_state),
	KUNIT_CASE(vtd_model_test_split_writes),
	KUNIT_CASE(vtd_model_test_iotlb_psi),
	KUNIT_CASE(vtd_model_test_pass_through),
	KUNIT_CASE(vtd_model_test_scalable_root),
	KUNIT_CASE(vtd_model_test_sm_translate),
	KUNIT_CASE(vtd_model_test_sm_reserved),
	KUNIT_CASE(vtd_model_test_sm_stale_pasid_cache),
	KUNIT_CASE(vtd_model_test_sm_qi_width),
	KUNIT_CASE(vtd_model_test_reset),
	{}
};

static struct kunit_suite vtd_model_test_suite = {
	.name = "vtd_model",
	.init = vtdt_init,
	.exit = vtdt_exit,
	.test_cases = vtd_model_test_cases,
};

kunit_test_suite(vtd_model_test_suite);
