// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite: the serializer against the golden blob (drift test).
 */

/**
 * DOC: golden drift suite
 *
 * tests/golden/handover_v1.h holds the handover today's code writes for
 * the golden scenario (tests/harness/golden_scenario.h). This suite
 * rebuilds the scenario on the simulated machine and compares the live
 * outgoing handover (lu_ser_dump()) with it byte for byte, so any change to
 * the layout, to a constant or to what the serializer writes where fails
 * here, even one that both sides of a kexec would agree on. The fix is
 * never to regenerate the blob on its own: either the change is a mistake,
 * or it is an ABI change and comes with a version bump (see the blob's
 * header comment and abi/iommu_lu_abi.h).
 *
 * On a mismatch the first differing byte is reported as page, chain and
 * record slot, to say which field moved.
 *
 * Userspace only: it needs the harness and the models.
 */

#include <stdlib.h>
#include <kunit/test.h>

#include "iommu_lu_seam.h"
#include "iommu_lu_vendor.h"
#include "../harness/golden_scenario.h"
#include "../golden/handover_v1.h"
#include "../golden/dump_map.h"

/* The live dump of a freshly built scenario, in test-managed memory. */
static u8 *golden_live(struct kunit *test, size_t *len)
{
	struct lu_golden g;
	u8 *buf;
	int ret;

	ret = lu_golden_build(&g);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "the golden scenario failed to build");
	*len = lu_golden_dump(NULL, 0);
	KUNIT_ASSERT_NE(test, *len, 0);
	buf = kunit_kzalloc(test, *len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, lu_golden_dump(buf, *len), *len);
	lu_golden_free(&g);
	return buf;
}

/* Name the first difference: which page, and which part of it. */
static void golden_report(struct kunit *test, const u8 *live, size_t len)
{
	const struct lu_dump d = { .buf = iommu_lu_golden_v1,
				   .len = IOMMU_LU_GOLDEN_V1_SIZE };
	size_t n = min_t(size_t, len, IOMMU_LU_GOLDEN_V1_SIZE), off;
	unsigned int page;
	size_t in;

	for (off = 0; off < n; off++)
		if (live[off] != iommu_lu_golden_v1[off])
			break;
	if (off == n) {
		kunit_err(test, "identical up to %zu bytes: one dump is longer", n);
		return;
	}
	page = off / LU_DUMP_PAGE;
	in = off % LU_DUMP_PAGE;
	if (in < sizeof(struct iommu_lu_dump_page_ser)) {
		kunit_err(test, "byte %zu: dump header of page %u (its address)",
			  off, page);
	} else if (!page) {
		kunit_err(test, "byte %zu: handover header, offset %zu", off,
			  in - sizeof(struct iommu_lu_dump_page_ser));
	} else {
		const struct iommu_lu_block_ser *blk =
			lu_dump_page((u8 *)d.buf, page);
		size_t at = in - sizeof(struct iommu_lu_dump_page_ser);

		if (at < sizeof(*blk) || !blk->record_size)
			kunit_err(test, "byte %zu: page %u (golden kind %u), block header offset %zu",
				  off, page, blk->kind, at);
		else
			kunit_err(test, "byte %zu: page %u (golden kind %u), slot %zu, offset %zu",
				  off, page, blk->kind,
				  (at - sizeof(*blk)) / blk->record_size,
				  (at - sizeof(*blk)) % blk->record_size);
	}
	kunit_err(test, "golden 0x%02x, live 0x%02x", iommu_lu_golden_v1[off],
		  live[off]);
}

static void golden_test_no_drift(struct kunit *test)
{
	size_t len;
	u8 *live = golden_live(test, &len);
	bool same = len == IOMMU_LU_GOLDEN_V1_SIZE &&
		    !memcmp(live, iommu_lu_golden_v1, len);

	if (!same)
		golden_report(test, live, len);
	KUNIT_EXPECT_EQ(test, len, IOMMU_LU_GOLDEN_V1_SIZE);
	KUNIT_EXPECT_TRUE_MSG(test, same,
			      "the serializer no longer writes tests/golden/handover_v1.h: an ABI change needs a version bump");
}

/* Two builds give the same bytes: nothing uninitialized, nothing random. */
static void golden_test_deterministic(struct kunit *test)
{
	size_t len1, len2;
	u8 *a = golden_live(test, &len1);
	u8 *b = golden_live(test, &len2);

	KUNIT_ASSERT_EQ(test, len1, len2);
	KUNIT_EXPECT_MEMEQ(test, a, b, len1);
}

/* What decodes from the live dump is what decodes from the golden one. */
static void golden_test_live_decodes(struct kunit *test)
{
	struct iommu_lu_handover ho;
	struct lu_dump d;
	char err[160];
	int ret;

	d.buf = golden_live(test, &d.len);
	ret = iommu_lu_decode(lu_dump_header(&d), IOMMU_LU_BLOCK_SIZE,
			      lu_dump_map, &d, &ho, err, sizeof(err));
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "live handover refused: %s", err);
	KUNIT_EXPECT_EQ(test, ho.nr_units, 1);
	KUNIT_EXPECT_EQ(test, ho.nr_domains, 2);
	KUNIT_EXPECT_EQ(test, ho.nr_devices, 2);
	KUNIT_EXPECT_EQ(test, ho.nr_pages, 10);
	iommu_lu_handover_free(&ho);
}

static struct kunit_case golden_test_cases[] = {
	KUNIT_CASE(golden_test_no_drift),
	KUNIT_CASE(golden_test_deterministic),
	KUNIT_CASE(golden_test_live_decodes),
	{}
};

static struct kunit_suite golden_test_suite = {
	.name = "iommu_lu_golden",
	.test_cases = golden_test_cases,
};

kunit_test_suite(golden_test_suite);

MODULE_DESCRIPTION("KUnit drift test of the iommu-lu serializer");
MODULE_LICENSE("GPL");
