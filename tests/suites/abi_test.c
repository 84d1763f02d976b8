// SPDX-License-Identifier: GPL-2.0
/* IOMMU_LU_KERNEL_SUITE: model-free, built in-kernel too. */
/*
 * KUnit suite: the handover ABI (abi/iommu_lu_abi.h) and the golden blob.
 */

/**
 * DOC: handover ABI suite
 *
 * The handover is read by a kernel that was built from other sources than
 * the one that wrote it, so its layout is checked twice:
 *
 * - every constant, structure size and field offset, at run time (the
 *   header's static_asserts only cover a few; these are meant to be read
 *   by a reviewer next to the structures), and the record slots per block
 *   that follow from them and that the decoder insists on;
 * - tests/golden/handover_v1.h, a handover the serializer wrote for a fixed
 *   scenario (see the header's comment), must decode with iommu_lu_decode()
 *   into exactly that scenario: one VT-d unit in legacy mode, cleaned, two
 *   devices with requester ids [0x0100] and [0x0510, 0x0408, 0x0400], each
 *   on its own 3-level domain (page table) with its own hardware domain id
 *   on the unit (in the device records), one root table, three context
 *   tables (buses 1, 4 and 5) and three page-table pages per domain.
 *
 * A change that makes this suite fail is an ABI change: it needs a new
 * %IOMMU_LU_ABI_VERSION and %IOMMU_LU_COMPATIBLE and a new golden blob.
 * Whether today's serializer still writes those bytes is the drift suite's
 * business (tests/suites/golden_test.c, userspace only).
 *
 * Model-free: runs in the kernel and in userspace.
 */

#include <kunit/test.h>

#include "iommu_lu_seam.h"
#include "iommu_lu.h"
#include "iommu_lu_vendor.h"
#include "iommu_lu_abi.h"
#include "../golden/handover_v1.h"
#include "../golden/dump_map.h"

/* Record slots after the 24-byte block header in a 4 KiB block. */
#define ABI_SLOTS(rec)	((IOMMU_LU_BLOCK_SIZE - sizeof(struct iommu_lu_block_ser)) / \
			 sizeof(rec))

static void abi_test_constants(struct kunit *test)
{
	static const char compat[16] = IOMMU_LU_COMPATIBLE;
	u64 magic = 0;
	unsigned int i;

	KUNIT_EXPECT_STREQ(test, IOMMU_LU_COMPATIBLE, "iommu-lu-v1");
	KUNIT_EXPECT_LE(test, sizeof(IOMMU_LU_COMPATIBLE), sizeof(compat));
	KUNIT_EXPECT_EQ(test, IOMMU_LU_ABI_VERSION, 1);
	KUNIT_EXPECT_STREQ(test, IOMMU_LU_KHO_NAME, "iommu-lu");
	KUNIT_EXPECT_EQ(test, IOMMU_LU_BLOCK_SIZE, 4096);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_MAX_UNITS, 64);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_MAX_BLOCKS, 4096);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_MAX_RIDS, 16);

	KUNIT_EXPECT_EQ(test, IOMMU_LU_VENDOR_NONE, 0);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_VENDOR_INTEL_VTD, 1);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_VENDOR_AMD_VI, 2);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_VENDOR_ARM_SMMU_V3, 3);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_VENDOR_NR, 4);

	KUNIT_EXPECT_EQ(test, IOMMU_LU_REC_UNIT, 0);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_REC_DOMAIN, 1);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_REC_DEVICE, 2);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_REC_PAGE, 3);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_REC_NR, 4);

	KUNIT_EXPECT_EQ(test, IOMMU_LU_PAGE_NONE, 0);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_PAGE_ROOT, 1);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_PAGE_CONTEXT, 2);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_PAGE_PGTABLE, 3);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_PAGE_PASID_DIR, 4);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_PAGE_PASID_TABLE, 5);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_PAGE_KIND_NR, 6);

	KUNIT_EXPECT_EQ(test, IOMMU_LU_REC_LIVE, 0x1);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_UNIT_CLEANED, 0x2);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_HDR_FROZEN, 0x1);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_MODE_VTD_LEGACY, 0);
	KUNIT_EXPECT_EQ(test, IOMMU_LU_MODE_VTD_SCALABLE, 1);

	/* "ilu-dump", least significant byte first. */
	KUNIT_EXPECT_EQ(test, IOMMU_LU_DUMP_MAGIC, 0x706d75642d756c69ULL);
	for (i = 0; i < 8; i++)
		magic |= (u64)(u8)"ilu-dump"[i] << (8 * i);
	KUNIT_EXPECT_EQ(test, magic, IOMMU_LU_DUMP_MAGIC);
}

static void abi_test_header_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct iommu_lu_header_ser), 128);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_header_ser, compatible), 0);
	KUNIT_EXPECT_EQ(test, sizeof_field(struct iommu_lu_header_ser, compatible), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_header_ser, version), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_header_ser, header_size), 20);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_header_ser, block_size), 24);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_header_ser, flags), 28);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_header_ser, generation), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_header_ser, chain), 40);
	KUNIT_EXPECT_EQ(test, sizeof_field(struct iommu_lu_header_ser, chain), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_header_ser, nr_records), 72);
	KUNIT_EXPECT_EQ(test, sizeof_field(struct iommu_lu_header_ser, nr_records), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_header_ser, nr_blocks), 88);
	KUNIT_EXPECT_EQ(test, sizeof_field(struct iommu_lu_header_ser, nr_blocks), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_header_ser, reserved), 104);
	KUNIT_EXPECT_EQ(test, sizeof_field(struct iommu_lu_header_ser, reserved), 24);
}

static void abi_test_block_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct iommu_lu_block_ser), 24);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_block_ser, next), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_block_ser, kind), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_block_ser, record_size), 12);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_block_ser, nr_slots), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_block_ser, nr_live), 20);
}

static void abi_test_unit_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct iommu_lu_unit_ser), 56);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_unit_ser, flags), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_unit_ser, id), 4);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_unit_ser, vendor), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_unit_ser, mode), 12);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_unit_ser, token), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_unit_ser, root_phys), 24);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_unit_ser, segment), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_unit_ser, reserved0), 34);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_unit_ser, nr_devices), 36);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_unit_ser, vendor_data), 40);
	KUNIT_EXPECT_EQ(test, sizeof_field(struct iommu_lu_unit_ser, vendor_data), 16);
}

static void abi_test_domain_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct iommu_lu_domain_ser), 24);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_domain_ser, flags), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_domain_ser, id), 4);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_domain_ser, pgtable_phys), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_domain_ser, levels), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_domain_ser, nr_pages), 20);
}

static void abi_test_device_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct iommu_lu_device_ser), 72);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_device_ser, flags), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_device_ser, unit_id), 4);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_device_ser, domain_id), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_device_ser, hw_id), 12);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_device_ser, segment), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_device_ser, rid), 18);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_device_ser, nr_rids), 20);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_device_ser, reserved0), 22);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_device_ser, rids), 24);
	KUNIT_EXPECT_EQ(test, sizeof_field(struct iommu_lu_device_ser, rids), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_device_ser, pasid_dir_phys), 56);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_device_ser, vendor_data), 64);
}

static void abi_test_page_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct iommu_lu_page_ser), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_page_ser, phys), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_page_ser, owner), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_page_ser, kind), 12);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_page_ser, flags), 14);
}

static void abi_test_dump_page_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct iommu_lu_dump_page_ser), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_dump_page_ser, magic), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct iommu_lu_dump_page_ser, phys), 8);
}

/*
 * The decoder wants exactly this many slots per block (the core's cap of
 * 256 records per block does not bind for any kind), so they are ABI too.
 */
static void abi_test_slots_per_block(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ABI_SLOTS(struct iommu_lu_unit_ser), 72);
	KUNIT_EXPECT_EQ(test, ABI_SLOTS(struct iommu_lu_domain_ser), 169);
	KUNIT_EXPECT_EQ(test, ABI_SLOTS(struct iommu_lu_device_ser), 56);
	KUNIT_EXPECT_EQ(test, ABI_SLOTS(struct iommu_lu_page_ser), 254);
}

/* The golden blob is a well-formed flat dump: magic, aligned unique pages. */
static void abi_test_golden_dump_format(struct kunit *test)
{
	const struct lu_dump d = {
		.buf = iommu_lu_golden_v1, .len = IOMMU_LU_GOLDEN_V1_SIZE,
	};
	unsigned int i, j;

	KUNIT_ASSERT_EQ(test, IOMMU_LU_GOLDEN_V1_SIZE % LU_DUMP_PAGE, 0);
	KUNIT_ASSERT_EQ(test, IOMMU_LU_GOLDEN_V1_SIZE / LU_DUMP_PAGE,
			IOMMU_LU_GOLDEN_V1_PAGES);
	/* The header page, then one block per chain. */
	KUNIT_EXPECT_EQ(test, IOMMU_LU_GOLDEN_V1_PAGES, 1 + IOMMU_LU_REC_NR);

	for (i = 0; i < IOMMU_LU_GOLDEN_V1_PAGES; i++) {
		const struct iommu_lu_dump_page_ser *dp =
			(const void *)(d.buf + (size_t)i * LU_DUMP_PAGE);

		KUNIT_EXPECT_EQ(test, dp->magic, IOMMU_LU_DUMP_MAGIC);
		KUNIT_EXPECT_NE(test, dp->phys, 0);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(dp->phys, IOMMU_LU_BLOCK_SIZE));
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, lu_dump_phys(&d, j), dp->phys);
		/* The map callback finds every page by its address. */
		KUNIT_EXPECT_PTR_EQ(test, lu_dump_map((void *)&d, dp->phys),
				    (const void *)(dp + 1));
	}
	KUNIT_EXPECT_NULL(test, lu_dump_map((void *)&d, 0));
	KUNIT_EXPECT_NULL(test, lu_dump_map((void *)&d, 0xfffff000ULL));
}

/* The raw header and block headers, before any decoding. */
static void abi_test_golden_raw(struct kunit *test)
{
	const struct lu_dump d = {
		.buf = iommu_lu_golden_v1, .len = IOMMU_LU_GOLDEN_V1_SIZE,
	};
	const struct iommu_lu_header_ser *hdr = lu_dump_header(&d);
	static const size_t rsz[IOMMU_LU_REC_NR] = {
		sizeof(struct iommu_lu_unit_ser), sizeof(struct iommu_lu_domain_ser),
		sizeof(struct iommu_lu_device_ser), sizeof(struct iommu_lu_page_ser),
	};
	static const u32 nr_records[IOMMU_LU_REC_NR] = { 1, 2, 2, 10 };
	unsigned int k;

	KUNIT_ASSERT_NOT_NULL(test, hdr);
	KUNIT_EXPECT_MEMEQ(test, hdr->compatible, "iommu-lu-v1\0\0\0\0\0", 16);
	KUNIT_EXPECT_EQ(test, hdr->version, 1);
	KUNIT_EXPECT_EQ(test, hdr->header_size, 128);
	KUNIT_EXPECT_EQ(test, hdr->block_size, 4096);
	/* Written after the freeze that precedes the kexec. */
	KUNIT_EXPECT_EQ(test, hdr->flags, IOMMU_LU_HDR_FROZEN);
	KUNIT_EXPECT_NE(test, hdr->generation, 0);
	KUNIT_EXPECT_EQ(test, hdr->reserved[0], 0);
	KUNIT_EXPECT_EQ(test, hdr->reserved[1], 0);
	KUNIT_EXPECT_EQ(test, hdr->reserved[2], 0);

	for (k = 0; k < IOMMU_LU_REC_NR; k++) {
		const struct iommu_lu_block_ser *blk;

		KUNIT_EXPECT_EQ(test, hdr->nr_records[k], nr_records[k]);
		KUNIT_EXPECT_EQ(test, hdr->nr_blocks[k], 1);
		blk = lu_dump_map((void *)&d, hdr->chain[k]);
		KUNIT_ASSERT_NOT_NULL(test, blk);
		KUNIT_EXPECT_EQ(test, blk->next, 0);
		KUNIT_EXPECT_EQ(test, blk->kind, k);
		KUNIT_EXPECT_EQ(test, blk->record_size, rsz[k]);
		KUNIT_EXPECT_EQ(test, blk->nr_slots,
				(IOMMU_LU_BLOCK_SIZE - sizeof(*blk)) / rsz[k]);
		KUNIT_EXPECT_EQ(test, blk->nr_live, nr_records[k]);
	}
}

static const struct iommu_lu_device_ser *
abi_find_device(const struct iommu_lu_handover *ho, u16 rid)
{
	u32 i;

	for (i = 0; i < ho->nr_devices; i++)
		if (ho->devices[i].rid == rid)
			return &ho->devices[i];
	return NULL;
}

static unsigned int abi_count_pages(const struct iommu_lu_handover *ho,
				    u16 kind, u32 owner)
{
	unsigned int i, n = 0;

	for (i = 0; i < ho->nr_pages; i++)
		if (ho->pages[i].kind == kind && ho->pages[i].owner == owner)
			n++;
	return n;
}

static void abi_check_device(struct kunit *test,
			     const struct iommu_lu_handover *ho, u32 unit_id,
			     const u16 *rids, unsigned int nr)
{
	const struct iommu_lu_device_ser *dv = abi_find_device(ho, rids[0]);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL_MSG(test, dv, "no device %04x", rids[0]);
	KUNIT_EXPECT_EQ(test, dv->flags, IOMMU_LU_REC_LIVE);
	KUNIT_EXPECT_EQ(test, dv->unit_id, unit_id);
	/* A VT-d domain id as Linux 7.3 hands them out: 2..0xffff. */
	KUNIT_EXPECT_GE(test, dv->hw_id, 2);
	KUNIT_EXPECT_LE(test, dv->hw_id, 0xffff);
	KUNIT_EXPECT_EQ(test, dv->segment, 0);
	KUNIT_EXPECT_EQ(test, dv->nr_rids, nr);
	for (i = 0; i < IOMMU_LU_MAX_RIDS; i++)
		KUNIT_EXPECT_EQ_MSG(test, dv->rids[i], i < nr ? rids[i] : 0,
				    "device %04x rids[%u]", rids[0], i);
	KUNIT_EXPECT_EQ(test, dv->reserved0, 0);
	KUNIT_EXPECT_EQ(test, dv->pasid_dir_phys, 0);
	KUNIT_EXPECT_EQ(test, dv->vendor_data, 0);
	KUNIT_EXPECT_NOT_NULL(test, iommu_lu_handover_domain(ho, dv->domain_id));
}

/* The golden blob decodes into exactly the golden scenario. */
static void abi_test_golden_decodes(struct kunit *test)
{
	static const u16 rids_a[] = { 0x0100 };
	static const u16 rids_b[] = { 0x0510, 0x0408, 0x0400 };
	const struct lu_dump d = {
		.buf = iommu_lu_golden_v1, .len = IOMMU_LU_GOLDEN_V1_SIZE,
	};
	const struct iommu_lu_device_ser *dv_a, *dv_b;
	const struct iommu_lu_unit_ser *u;
	const struct iommu_lu_page_ser *p;
	struct iommu_lu_handover ho;
	char err[160];
	unsigned int i;
	int ret;

	ret = iommu_lu_decode(lu_dump_header(&d), IOMMU_LU_BLOCK_SIZE,
			      lu_dump_map, (void *)&d, &ho, err, sizeof(err));
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "golden blob refused: %s", err);

	KUNIT_EXPECT_MEMEQ(test, ho.hdr.compatible, IOMMU_LU_COMPATIBLE,
			   sizeof(IOMMU_LU_COMPATIBLE));
	KUNIT_EXPECT_EQ(test, ho.hdr.version, IOMMU_LU_ABI_VERSION);

	/* One VT-d unit, legacy mode, cleaned at shutdown, two devices. */
	KUNIT_ASSERT_EQ(test, ho.nr_units, 1);
	u = &ho.units[0];
	KUNIT_EXPECT_EQ(test, u->flags, IOMMU_LU_REC_LIVE | IOMMU_LU_UNIT_CLEANED);
	KUNIT_EXPECT_NE(test, u->id, 0);
	KUNIT_EXPECT_EQ(test, u->vendor, IOMMU_LU_VENDOR_INTEL_VTD);
	KUNIT_EXPECT_EQ(test, u->mode, IOMMU_LU_MODE_VTD_LEGACY);
	KUNIT_EXPECT_EQ(test, u->token, 0xfed90000ULL);	/* register base */
	KUNIT_EXPECT_EQ(test, u->segment, 0);
	KUNIT_EXPECT_EQ(test, u->reserved0, 0);
	KUNIT_EXPECT_EQ(test, u->nr_devices, 2);
	KUNIT_EXPECT_EQ(test, u->vendor_data[0], 0);
	KUNIT_EXPECT_EQ(test, u->vendor_data[1], 0);

	/*
	 * Two page tables, 3 levels (AGAW 1), 3 page-table pages each, each
	 * used by one device of the unit.
	 */
	KUNIT_ASSERT_EQ(test, ho.nr_domains, 2);
	for (i = 0; i < ho.nr_domains; i++) {
		const struct iommu_lu_domain_ser *dom = &ho.domains[i];
		unsigned int users = 0, j;

		KUNIT_EXPECT_EQ(test, dom->flags, IOMMU_LU_REC_LIVE);
		KUNIT_EXPECT_NE(test, dom->id, 0);
		for (j = 0; j < ho.nr_devices; j++)
			users += ho.devices[j].domain_id == dom->id &&
				 ho.devices[j].unit_id == u->id;
		KUNIT_EXPECT_EQ_MSG(test, users, 1, "domain %u", dom->id);
		KUNIT_EXPECT_EQ(test, dom->levels, 3);
		KUNIT_EXPECT_EQ(test, dom->nr_pages, 3);
		KUNIT_EXPECT_EQ(test, abi_count_pages(&ho, IOMMU_LU_PAGE_PGTABLE,
						      dom->id), 3);
		p = iommu_lu_handover_page(&ho, dom->pgtable_phys);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ(test, p->kind, IOMMU_LU_PAGE_PGTABLE);
		KUNIT_EXPECT_EQ(test, p->owner, dom->id);
	}
	KUNIT_EXPECT_NE(test, ho.domains[0].id, ho.domains[1].id);
	KUNIT_EXPECT_NE(test, ho.domains[0].pgtable_phys, ho.domains[1].pgtable_phys);

	/* 01:00.0 alone; 05:02.0 with its two bridge aliases, in walk order. */
	KUNIT_ASSERT_EQ(test, ho.nr_devices, 2);
	abi_check_device(test, &ho, u->id, rids_a, ARRAY_SIZE(rids_a));
	abi_check_device(test, &ho, u->id, rids_b, ARRAY_SIZE(rids_b));
	dv_a = abi_find_device(&ho, 0x0100);
	dv_b = abi_find_device(&ho, 0x0510);
	KUNIT_ASSERT_NOT_NULL(test, dv_a);
	KUNIT_ASSERT_NOT_NULL(test, dv_b);
	KUNIT_EXPECT_NE(test, dv_a->domain_id, dv_b->domain_id);
	/* Two domains on one unit: two hardware domain ids. */
	KUNIT_EXPECT_NE(test, dv_a->hw_id, dv_b->hw_id);

	/* 1 root + context tables of buses 1, 4, 5 + 2 x 3 page-table pages. */
	KUNIT_EXPECT_EQ(test, ho.nr_pages, 10);
	KUNIT_EXPECT_EQ(test, abi_count_pages(&ho, IOMMU_LU_PAGE_ROOT, u->id), 1);
	KUNIT_EXPECT_EQ(test, abi_count_pages(&ho, IOMMU_LU_PAGE_CONTEXT, u->id), 3);
	KUNIT_EXPECT_EQ(test, abi_count_pages(&ho, IOMMU_LU_PAGE_PGTABLE,
					      dv_a->domain_id), 3);
	KUNIT_EXPECT_EQ(test, abi_count_pages(&ho, IOMMU_LU_PAGE_PGTABLE,
					      dv_b->domain_id), 3);
	p = iommu_lu_handover_page(&ho, u->root_phys);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, p->kind, IOMMU_LU_PAGE_ROOT);
	for (i = 0; i < ho.nr_pages; i++) {
		KUNIT_EXPECT_EQ(test, ho.pages[i].flags, IOMMU_LU_REC_LIVE);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(ho.pages[i].phys, 4096));
		/* No hardware page is one of the handover's own pages. */
		KUNIT_EXPECT_NULL(test, lu_dump_map((void *)&d, ho.pages[i].phys));
	}

	iommu_lu_handover_free(&ho);
	KUNIT_EXPECT_NULL(test, ho.units);
	KUNIT_EXPECT_EQ(test, ho.nr_pages, 0);
}

static struct kunit_case abi_test_cases[] = {
	KUNIT_CASE(abi_test_constants),
	KUNIT_CASE(abi_test_header_layout),
	KUNIT_CASE(abi_test_block_layout),
	KUNIT_CASE(abi_test_unit_layout),
	KUNIT_CASE(abi_test_domain_layout),
	KUNIT_CASE(abi_test_device_layout),
	KUNIT_CASE(abi_test_page_layout),
	KUNIT_CASE(abi_test_dump_page_layout),
	KUNIT_CASE(abi_test_slots_per_block),
	KUNIT_CASE(abi_test_golden_dump_format),
	KUNIT_CASE(abi_test_golden_raw),
	KUNIT_CASE(abi_test_golden_decodes),
	{}
};

static struct kunit_suite abi_test_suite = {
	.name = "iommu_lu_abi",
	.test_cases = abi_test_cases,
};

kunit_test_suite(abi_test_suite);

MODULE_DESCRIPTION("KUnit tests for the iommu-lu handover ABI");
MODULE_LICENSE("GPL");
