// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: what the fuzzers found (userspace, machine model)
 *
 * Each case boots the next kernel of the golden scenario on a handover that
 * is not the one the old kernel wrote (tests/harness/inject.h, the adopt
 * fuzzer's own check) and pins down the outcome. The inputs are the golden
 * blob with a few fields changed, written here as those changes.
 *
 * - fuzz_regress_test_golden: the golden blob itself is adopted and every
 *   invariant holds (the harness works).
 * - fuzz_regress_test_unit_renamed: a valid handover whose unit record
 *   names another register base. Nothing describes this unit, so it is
 *   FRESH and its driver does what Linux always does with translation a
 *   previous kernel left on: turns it off, then builds a new root. That is
 *   the written policy (no record: the driver proceeds as it always did);
 *   it means a corruption that keeps the handover valid but changes a
 *   unit's token gives that unit's preserved devices untranslated DMA for
 *   a moment. Recorded here so that a policy change is a visible one.
 * - fuzz_regress_test_leaf_dropped: a valid handover that declares one
 *   page-table page fewer than the domain's tables use (record gone, counts
 *   fixed), written by hand for the adopt harness's page-set check: the
 *   VT-d adopt op checked root, context entries and ids but not the
 *   page-table pages, so the unit was adopted with a table page nobody
 *   restored. Fixed in the backend (adopt walks every table it adopts,
 *   4c72e25): BLOCKED.
 * - fuzz_regress_test_foreign_page: a valid handover that declares a page
 *   of the VMM's memory (KHO-preserved by the VMM) as a page-table page of
 *   a domain. It was adopted, and finish then freed the VMM's page to the
 *   page allocator; now adopt refuses it: BLOCKED. What remains is the
 *   written policy: retrieve restores every declared page before the
 *   backend validates anything, and a refused handover's pages are leaked,
 *   so the VMM's page is kept (never reused) but the VMM's own restore of
 *   it fails: a corrupted handover can cost a VM its memory, not corrupt
 *   it. Avoiding that would need validation before restore.
 *
 * The last two were DMA-safe even before the fix: no requester id
 * translated anywhere new. The fuzzers themselves have found no crash,
 * leak, hang or invariant violation so far (numbers in the README); an
 * input of theirs that does goes here, as a C array.
 */
#include <stdlib.h>
#include <kunit/test.h>
#include "harness/inject.h"
#include "model/physmem.h"
#include "../core/lu_core.h"
#include "../golden/dump_map.h"
#include "../golden/handover_v1.h"

/* A writable copy of the golden blob. */
static u8 *rg_golden(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, IOMMU_LU_GOLDEN_V1_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, iommu_lu_golden_v1, IOMMU_LU_GOLDEN_V1_SIZE);
	return buf;
}

static struct iommu_lu_header_ser *rg_hdr(u8 *buf)
{
	return lu_dump_page(buf, 0);
}

/* The @nth live record of chain @kind; its block in *@blk. */
static void *rg_rec(u8 *buf, unsigned int kind, unsigned int nth,
		    struct iommu_lu_block_ser **blk)
{
	const struct lu_dump d = { .buf = buf, .len = IOMMU_LU_GOLDEN_V1_SIZE };
	u64 phys = rg_hdr(buf)->chain[kind];

	while (phys) {
		struct iommu_lu_block_ser *b = (void *)lu_dump_map((void *)&d, phys);
		u8 *rec = (u8 *)(b + 1);
		unsigned int i;

		for (i = 0; i < b->nr_slots; i++, rec += b->record_size) {
			u32 flags = kind == IOMMU_LU_REC_PAGE ?
				((struct iommu_lu_page_ser *)rec)->flags :
				((struct iommu_lu_unit_ser *)rec)->flags;

			if ((flags & IOMMU_LU_REC_LIVE) && !nth--) {
				*blk = b;
				return rec;
			}
		}
		phys = b->next;
	}
	return NULL;
}

static void rg_run(struct kunit *test, const u8 *buf, size_t len,
		   struct lu_inject_result *res)
{
	enum lu_inject_ret ret = lu_inject_run(buf, len, res);

	KUNIT_ASSERT_EQ_MSG(test, ret, LU_INJECT_OK, "%s (decoder: %s)", res->msg,
			    res->err);
}

static void fuzz_regress_test_golden(struct kunit *test)
{
	struct lu_inject_result res;

	rg_run(test, iommu_lu_golden_v1, IOMMU_LU_GOLDEN_V1_SIZE, &res);
	KUNIT_EXPECT_TRUE(test, res.golden);
	KUNIT_EXPECT_EQ(test, res.state, IOMMU_LU_UNIT_ADOPTED);
	KUNIT_EXPECT_FALSE(test, res.pageset_differs);
	KUNIT_EXPECT_FALSE(test, res.foreign_restored);
	KUNIT_EXPECT_EQ(test, res.skipped, 0);
	KUNIT_EXPECT_GT(test, res.translated, 0);
}

static void fuzz_regress_test_unit_renamed(struct kunit *test)
{
	struct iommu_lu_block_ser *blk;
	struct iommu_lu_unit_ser *u;
	struct lu_inject_result res;
	u8 *buf = rg_golden(test);

	u = rg_rec(buf, IOMMU_LU_REC_UNIT, 0, &blk);
	KUNIT_ASSERT_NOT_NULL(test, u);
	u->token += 0x1000;		/* another unit's register base */
	rg_run(test, buf, IOMMU_LU_GOLDEN_V1_SIZE, &res);
	KUNIT_EXPECT_TRUE(test, res.decoded);
	KUNIT_EXPECT_FALSE(test, res.named);
	KUNIT_EXPECT_EQ(test, res.state, IOMMU_LU_UNIT_FRESH);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("never appeared"));
}

/* Drop one page-table page of the first domain that is not its root. */
static void fuzz_regress_test_leaf_dropped(struct kunit *test)
{
	struct iommu_lu_block_ser *blk, *dblk;
	struct iommu_lu_domain_ser *dom;
	struct iommu_lu_page_ser *p = NULL;
	struct lu_inject_result res;
	u8 *buf = rg_golden(test);
	unsigned int i;

	dom = rg_rec(buf, IOMMU_LU_REC_DOMAIN, 0, &dblk);
	KUNIT_ASSERT_NOT_NULL(test, dom);
	for (i = 0; (p = rg_rec(buf, IOMMU_LU_REC_PAGE, i, &blk)); i++)
		if (p->kind == IOMMU_LU_PAGE_PGTABLE && p->owner == dom->id &&
		    p->phys != dom->pgtable_phys)
			break;
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0, sizeof(*p));
	blk->nr_live--;
	rg_hdr(buf)->nr_records[IOMMU_LU_REC_PAGE]--;
	dom->nr_pages--;

	rg_run(test, buf, IOMMU_LU_GOLDEN_V1_SIZE, &res);
	KUNIT_EXPECT_TRUE(test, res.decoded);
	KUNIT_EXPECT_EQ(test, res.state, IOMMU_LU_UNIT_BLOCKED);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("does not match the handover"));
}

/* Declare the VMM's first page as a page-table page of the first domain. */
static void fuzz_regress_test_foreign_page(struct kunit *test)
{
	struct iommu_lu_block_ser *blk, *dblk;
	struct iommu_lu_domain_ser *dom;
	struct iommu_lu_page_ser *p, *free_slot = NULL;
	struct lu_inject_result res;
	struct lu_golden g;
	u8 *buf = rg_golden(test);
	unsigned int i;
	u64 vmm_page;

	/* The scenario is deterministic: where the VMM's memory is. */
	KUNIT_ASSERT_EQ(test, lu_golden_build(&g), 0);
	vmm_page = g.own_a->phys[0];
	lu_golden_free(&g);

	dom = rg_rec(buf, IOMMU_LU_REC_DOMAIN, 0, &dblk);
	KUNIT_ASSERT_NOT_NULL(test, dom);
	p = rg_rec(buf, IOMMU_LU_REC_PAGE, 0, &blk);
	KUNIT_ASSERT_NOT_NULL(test, p);
	/* The first free slot of that page block. */
	for (i = 0, p = (void *)(blk + 1); i < blk->nr_slots; i++, p++)
		if (!(p->flags & IOMMU_LU_REC_LIVE)) {
			free_slot = p;
			break;
		}
	KUNIT_ASSERT_NOT_NULL(test, free_slot);
	*free_slot = (struct iommu_lu_page_ser){
		.phys = vmm_page, .owner = dom->id,
		.kind = IOMMU_LU_PAGE_PGTABLE, .flags = IOMMU_LU_REC_LIVE,
	};
	blk->nr_live++;
	rg_hdr(buf)->nr_records[IOMMU_LU_REC_PAGE]++;
	dom->nr_pages++;

	rg_run(test, buf, IOMMU_LU_GOLDEN_V1_SIZE, &res);
	KUNIT_EXPECT_TRUE(test, res.decoded);
	KUNIT_EXPECT_EQ(test, res.state, IOMMU_LU_UNIT_BLOCKED);
	/* Restored before the refusal, then leaked: never given to anyone. */
	KUNIT_EXPECT_TRUE(test, res.foreign_restored);
	KUNIT_EXPECT_EQ(test, physmem_page_state(vmm_page), PHYSMEM_PAGE_USED);
}

static struct kunit_case fuzz_regress_test_cases[] = {
	KUNIT_CASE(fuzz_regress_test_golden),
	KUNIT_CASE(fuzz_regress_test_unit_renamed),
	KUNIT_CASE(fuzz_regress_test_leaf_dropped),
	KUNIT_CASE(fuzz_regress_test_foreign_page),
	{}
};

static struct kunit_suite fuzz_regress_test_suite = {
	.name = "iommu_lu_fuzz_regress",
	.test_cases = fuzz_regress_test_cases,
};

kunit_test_suite(fuzz_regress_test_suite);
