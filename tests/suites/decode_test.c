// SPDX-License-Identifier: GPL-2.0
/* IOMMU_LU_KERNEL_SUITE: model-free, built in-kernel too. */
/*
 * KUnit suite: the validating decoder (core/decode.c) on damaged handovers.
 */

/**
 * DOC: decoder suite
 *
 * iommu_lu_decode() is the only thing between a handover written by a
 * kernel that is going away and the hardware state the next kernel adopts.
 * Each case here takes a copy of the golden blob (tests/golden/
 * handover_v1.h), breaks exactly one rule of the "validating decoder" list
 * in core/decode.c and checks that the decoder returns -EINVAL, that its
 * message names that rule (so the case proves which check fired, not just
 * that one did), and that the handover comes back empty. Where one change
 * alone would break a second rule first, the case also fixes up whatever
 * else is needed (counts, references), and says so.
 *
 * The golden blob, as the cases use it: unit 1 (VT-d, legacy, segment 0,
 * token 0xfed90000, 2 devices); device 0100 on domain 1 with hardware
 * domain id (DID) 6 and device 0510 (aliases 0408, 0400) on domain 2 with
 * DID 7, both ids in the device records (a domain record is just a page
 * table, which may be used on several units); pages: 1 root, 3 context
 * (unit 1), 3 page-table pages per domain, the first of each being its
 * root; one block per chain, each followed by free (zero) slots.
 *
 * Also: a few accepted variants (what must not be refused, among them one
 * domain used on two units with a DID on each), two records for one
 * device, a map that returns unaligned pages, and a byte-flip sweep over
 * every byte of every page of the blob: each variant decodes or is refused
 * with a message and an empty result, never anything else, and what
 * decodes still keeps every promise of the decoder (references resolved,
 * counts matched, one DID per domain per unit and one domain per DID).
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

#define DEC_ERRLEN		192
#define DEC_EXTRA_PAGES		2		/* room for blocks a case adds */
#define DEC_FOREIGN_PHYS	0x7f000000ULL	/* aligned, not in the handover */
#define DEC_MOVE		0x10000000ULL	/* moves a page out of the way */

/* The golden blob's objects (see the DOC above). */
#define DEC_UNIT		1
#define DEC_TOKEN		0xfed90000ULL
#define DEC_DOM_A		1
#define DEC_DOM_B		2
#define DEC_RID_A		0x0100
#define DEC_RID_B		0x0510
#define DEC_DID_A		6		/* domain 1 on unit 1 */
#define DEC_DID_B		7		/* domain 2 on unit 1 */

static const size_t dec_rsz[IOMMU_LU_REC_NR] = {
	[IOMMU_LU_REC_UNIT] = sizeof(struct iommu_lu_unit_ser),
	[IOMMU_LU_REC_DOMAIN] = sizeof(struct iommu_lu_domain_ser),
	[IOMMU_LU_REC_DEVICE] = sizeof(struct iommu_lu_device_ser),
	[IOMMU_LU_REC_PAGE] = sizeof(struct iommu_lu_page_ser),
};

/**
 * struct dec - A mutable copy of the golden blob.
 * @test: the running case.
 * @buf: the flat dump, with room for %DEC_EXTRA_PAGES more pages.
 * @nr_pages: pages in use in @buf.
 * @dump: what lu_dump_map() reads: @buf, @nr_pages long.
 */
struct dec {
	struct kunit *test;
	u8 *buf;
	unsigned int nr_pages;
	struct lu_dump dump;
};

static struct dec *dec_new(struct kunit *test)
{
	struct dec *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->buf = kunit_kzalloc(test, IOMMU_LU_GOLDEN_V1_SIZE +
			       DEC_EXTRA_PAGES * LU_DUMP_PAGE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->buf);
	memcpy(c->buf, iommu_lu_golden_v1, IOMMU_LU_GOLDEN_V1_SIZE);
	c->test = test;
	c->nr_pages = IOMMU_LU_GOLDEN_V1_PAGES;
	c->dump.buf = c->buf;
	c->dump.len = IOMMU_LU_GOLDEN_V1_SIZE;
	return c;
}

static struct iommu_lu_header_ser *dec_hdr(struct dec *c)
{
	return lu_dump_page(c->buf, 0);
}

/* The block at @phys in the copy (asserts that there is one). */
static struct iommu_lu_block_ser *dec_block_at(struct dec *c, u64 phys)
{
	struct iommu_lu_block_ser *blk = (void *)lu_dump_map(&c->dump, phys);

	KUNIT_ASSERT_NOT_NULL_MSG(c->test, blk, "no page %#llx in the copy",
				  (unsigned long long)phys);
	return blk;
}

/* The first (in the golden blob: only) block of a chain. */
static struct iommu_lu_block_ser *dec_block(struct dec *c,
					    enum iommu_lu_rec_kind kind)
{
	return dec_block_at(c, dec_hdr(c)->chain[kind]);
}

static void *dec_slot(struct dec *c, enum iommu_lu_rec_kind kind,
		      unsigned int slot)
{
	return (u8 *)(dec_block(c, kind) + 1) + slot * dec_rsz[kind];
}

static unsigned int dec_nr_slots(enum iommu_lu_rec_kind kind)
{
	return (IOMMU_LU_BLOCK_SIZE - sizeof(struct iommu_lu_block_ser)) /
	       dec_rsz[kind];
}

static bool dec_zero(const void *p, size_t len)
{
	const u8 *b = p;

	while (len--)
		if (*b++)
			return false;
	return true;
}

static struct iommu_lu_unit_ser *dec_unit(struct dec *c)
{
	return dec_slot(c, IOMMU_LU_REC_UNIT, 0);
}

static struct iommu_lu_domain_ser *dec_domain(struct dec *c, u32 id)
{
	unsigned int i;

	for (i = 0; i < dec_nr_slots(IOMMU_LU_REC_DOMAIN); i++) {
		struct iommu_lu_domain_ser *dom = dec_slot(c, IOMMU_LU_REC_DOMAIN, i);

		if (dom->flags && dom->id == id)
			return dom;
	}
	KUNIT_ASSERT_TRUE_MSG(c->test, false, "no domain %u", id);
	return NULL;
}

static struct iommu_lu_device_ser *dec_device(struct dec *c, u16 rid)
{
	unsigned int i;

	for (i = 0; i < dec_nr_slots(IOMMU_LU_REC_DEVICE); i++) {
		struct iommu_lu_device_ser *dv = dec_slot(c, IOMMU_LU_REC_DEVICE, i);

		if (dv->flags && dv->rid == rid)
			return dv;
	}
	KUNIT_ASSERT_TRUE_MSG(c->test, false, "no device %04x", rid);
	return NULL;
}

/* The @n-th page record of @kind owned by @owner. */
static struct iommu_lu_page_ser *dec_page(struct dec *c, u16 kind, u32 owner,
					  unsigned int n)
{
	unsigned int i;

	for (i = 0; i < dec_nr_slots(IOMMU_LU_REC_PAGE); i++) {
		struct iommu_lu_page_ser *p = dec_slot(c, IOMMU_LU_REC_PAGE, i);

		if (p->flags && p->kind == kind && p->owner == owner && !n--)
			return p;
	}
	KUNIT_ASSERT_TRUE_MSG(c->test, false, "no page of kind %u owner %u",
			      kind, owner);
	return NULL;
}

/* Add a live record to the first block of its chain and count it. */
static void *dec_add(struct dec *c, enum iommu_lu_rec_kind kind,
		     const void *rec)
{
	unsigned int i;

	for (i = 0; i < dec_nr_slots(kind); i++) {
		void *slot = dec_slot(c, kind, i);

		if (dec_zero(slot, dec_rsz[kind])) {
			memcpy(slot, rec, dec_rsz[kind]);
			dec_block(c, kind)->nr_live++;
			dec_hdr(c)->nr_records[kind]++;
			return slot;
		}
	}
	KUNIT_ASSERT_TRUE_MSG(c->test, false, "no free slot");
	return NULL;
}

/*
 * Append an empty block of @kind at @phys to the dump and to the end of
 * its chain, and count it in the header.
 */
static struct iommu_lu_block_ser *dec_add_block(struct dec *c,
						enum iommu_lu_rec_kind kind,
						u64 phys)
{
	struct iommu_lu_dump_page_ser *dp;
	struct iommu_lu_block_ser *blk, *last;

	KUNIT_ASSERT_LT(c->test, c->nr_pages,
			IOMMU_LU_GOLDEN_V1_PAGES + DEC_EXTRA_PAGES);
	last = dec_block(c, kind);
	while (last->next)
		last = dec_block_at(c, last->next);

	dp = (void *)(c->buf + (size_t)c->nr_pages * LU_DUMP_PAGE);
	dp->magic = IOMMU_LU_DUMP_MAGIC;
	dp->phys = phys;
	blk = (void *)(dp + 1);
	blk->kind = kind;
	blk->record_size = dec_rsz[kind];
	blk->nr_slots = dec_nr_slots(kind);
	c->nr_pages++;
	c->dump.len += LU_DUMP_PAGE;

	last->next = phys;
	dec_hdr(c)->nr_blocks[kind]++;
	return blk;
}

/* Give unit @from the id @to, in its record and every reference to it. */
static void dec_set_unit_id(struct dec *c, u32 from, u32 to)
{
	unsigned int i;

	for (i = 0; i < dec_nr_slots(IOMMU_LU_REC_UNIT); i++) {
		struct iommu_lu_unit_ser *u = dec_slot(c, IOMMU_LU_REC_UNIT, i);

		if (u->flags && u->id == from)
			u->id = to;
	}
	for (i = 0; i < dec_nr_slots(IOMMU_LU_REC_DEVICE); i++) {
		struct iommu_lu_device_ser *dv = dec_slot(c, IOMMU_LU_REC_DEVICE, i);

		if (dv->flags && dv->unit_id == from)
			dv->unit_id = to;
	}
	for (i = 0; i < dec_nr_slots(IOMMU_LU_REC_PAGE); i++) {
		struct iommu_lu_page_ser *p = dec_slot(c, IOMMU_LU_REC_PAGE, i);

		if (p->flags && p->kind != IOMMU_LU_PAGE_PGTABLE &&
		    p->owner == from)
			p->owner = to;
	}
}

/* Give domain @from the id @to, in its record and every reference to it. */
static void dec_set_domain_id(struct dec *c, u32 from, u32 to)
{
	unsigned int i;

	dec_domain(c, from)->id = to;
	for (i = 0; i < dec_nr_slots(IOMMU_LU_REC_DEVICE); i++) {
		struct iommu_lu_device_ser *dv = dec_slot(c, IOMMU_LU_REC_DEVICE, i);

		if (dv->flags && dv->domain_id == from)
			dv->domain_id = to;
	}
	for (i = 0; i < dec_nr_slots(IOMMU_LU_REC_PAGE); i++) {
		struct iommu_lu_page_ser *p = dec_slot(c, IOMMU_LU_REC_PAGE, i);

		if (p->flags && p->kind == IOMMU_LU_PAGE_PGTABLE &&
		    p->owner == from)
			p->owner = to;
	}
}

/*
 * A second VT-d unit (id 2, token 0xfed91000) with its own root page, for
 * cases about references across units. It claims one device; the case
 * decides whether it gets one (dec_add_device()).
 */
static struct iommu_lu_unit_ser *dec_add_unit2(struct dec *c)
{
	struct iommu_lu_unit_ser u = *dec_unit(c);
	struct iommu_lu_page_ser root = *dec_page(c, IOMMU_LU_PAGE_ROOT,
						   DEC_UNIT, 0);

	u.id = 2;
	u.token = DEC_TOKEN + 0x1000;
	u.root_phys = DEC_FOREIGN_PHYS + 0x10000;
	u.nr_devices = 1;
	root.phys = u.root_phys;
	root.owner = u.id;
	dec_add(c, IOMMU_LU_REC_PAGE, &root);
	return dec_add(c, IOMMU_LU_REC_UNIT, &u);
}

/*
 * A new device record: a copy of 0100 (no aliases) as 0000:@rid on @unit,
 * attached to @domain with hardware id @hw_id. The caller fixes the unit's
 * device count.
 */
static struct iommu_lu_device_ser *dec_add_device(struct dec *c, u16 rid,
						  u32 unit, u32 domain,
						  u32 hw_id)
{
	struct iommu_lu_device_ser dv = *dec_device(c, DEC_RID_A);

	dv.rid = rid;
	dv.rids[0] = rid;
	dv.unit_id = unit;
	dv.domain_id = domain;
	dv.hw_id = hw_id;
	return dec_add(c, IOMMU_LU_REC_DEVICE, &dv);
}

/*
 * Domain 3: a copy of domain 2 with its three page-table pages moved by
 * 256 MiB (its own page table), used by no device yet.
 */
static struct iommu_lu_domain_ser *dec_add_domain3(struct dec *c)
{
	struct iommu_lu_domain_ser dom = *dec_domain(c, DEC_DOM_B);
	unsigned int i;

	dom.id = 3;
	dom.pgtable_phys += DEC_MOVE;
	for (i = 0; i < 3; i++) {
		struct iommu_lu_page_ser p = *dec_page(c, IOMMU_LU_PAGE_PGTABLE,
							DEC_DOM_B, i);

		p.owner = 3;
		p.phys += DEC_MOVE;
		dec_add(c, IOMMU_LU_REC_PAGE, &p);
	}
	return dec_add(c, IOMMU_LU_REC_DOMAIN, &dom);
}

static int dec_decode(struct dec *c, struct iommu_lu_handover *ho, char *err)
{
	return iommu_lu_decode(dec_hdr(c), IOMMU_LU_BLOCK_SIZE, lu_dump_map,
			       &c->dump, ho, err, DEC_ERRLEN);
}

/* What a refused decode must leave: nothing at all. */
static bool dec_ho_empty(const struct iommu_lu_handover *ho)
{
	return !ho->units && !ho->domains && !ho->devices && !ho->pages &&
	       !ho->nr_units && !ho->nr_domains && !ho->nr_devices &&
	       !ho->nr_pages && dec_zero(ho, sizeof(*ho));
}

static const struct iommu_lu_unit_ser *
dec_ho_unit(const struct iommu_lu_handover *ho, u32 id)
{
	u32 i;

	for (i = 0; i < ho->nr_units; i++)
		if (ho->units[i].id == id)
			return &ho->units[i];
	return NULL;
}

/*
 * What every decoded handover promises (iommu_lu_handover's comment and
 * the decoder's list): every reference resolves, every count matches,
 * every domain is a page table of its own that some device uses, and on
 * each unit a domain has one hardware id and a hardware id one domain. On
 * failure @why says which.
 */
static bool dec_ho_valid(const struct iommu_lu_handover *ho, char *why,
			 size_t len)
{
	u32 i, j, n;

	if (ho->nr_units != ho->hdr.nr_records[IOMMU_LU_REC_UNIT] ||
	    ho->nr_domains != ho->hdr.nr_records[IOMMU_LU_REC_DOMAIN] ||
	    ho->nr_devices != ho->hdr.nr_records[IOMMU_LU_REC_DEVICE] ||
	    ho->nr_pages != ho->hdr.nr_records[IOMMU_LU_REC_PAGE]) {
		snprintf(why, len, "counts differ from the header's");
		return false;
	}
	for (i = 0; i < ho->nr_units; i++) {
		const struct iommu_lu_unit_ser *u = &ho->units[i];
		const struct iommu_lu_page_ser *p;

		p = iommu_lu_handover_page(ho, u->root_phys);
		if (!u->id || !p || p->kind != IOMMU_LU_PAGE_ROOT ||
		    p->owner != u->id) {
			snprintf(why, len, "unit %u: root unresolved", u->id);
			return false;
		}
		for (j = 0, n = 0; j < ho->nr_devices; j++)
			n += ho->devices[j].unit_id == u->id;
		if (n != u->nr_devices) {
			snprintf(why, len, "unit %u: device count", u->id);
			return false;
		}
	}
	for (i = 0; i < ho->nr_domains; i++) {
		const struct iommu_lu_domain_ser *dom = &ho->domains[i];
		const struct iommu_lu_page_ser *p;

		p = iommu_lu_handover_page(ho, dom->pgtable_phys);
		if (iommu_lu_handover_domain(ho, dom->id) != dom ||
		    !p || p->owner != dom->id ||
		    p->kind != IOMMU_LU_PAGE_PGTABLE) {
			snprintf(why, len, "domain %u unresolved", dom->id);
			return false;
		}
		for (j = 0; j < i; j++)
			if (ho->domains[j].pgtable_phys == dom->pgtable_phys)
				break;
		if (j < i) {
			snprintf(why, len, "domain %u: page table shared", dom->id);
			return false;
		}
		for (j = 0; j < ho->nr_devices; j++)
			if (ho->devices[j].domain_id == dom->id)
				break;
		if (j == ho->nr_devices) {
			snprintf(why, len, "domain %u: no device", dom->id);
			return false;
		}
	}
	for (i = 0; i < ho->nr_devices; i++) {
		const struct iommu_lu_device_ser *dv = &ho->devices[i];
		const struct iommu_lu_unit_ser *u = dec_ho_unit(ho, dv->unit_id);

		if (!u || !iommu_lu_handover_domain(ho, dv->domain_id) ||
		    !dv->nr_rids || dv->nr_rids > IOMMU_LU_MAX_RIDS ||
		    dv->rids[0] != dv->rid) {
			snprintf(why, len, "device %04x unresolved", dv->rid);
			return false;
		}
		if (u->vendor == IOMMU_LU_VENDOR_INTEL_VTD &&
		    (dv->hw_id < 2 || dv->hw_id > 0xffff)) {
			snprintf(why, len, "device %04x: DID %u", dv->rid,
				 dv->hw_id);
			return false;
		}
		/* Same unit: same domain if and only if same hardware id. */
		for (j = 0; j < i; j++) {
			const struct iommu_lu_device_ser *o = &ho->devices[j];

			bool same_dom = o->domain_id == dv->domain_id;
			bool same_hw = o->hw_id == dv->hw_id;

			if (o->unit_id == dv->unit_id && same_dom != same_hw) {
				snprintf(why, len, "devices %04x, %04x: hardware ids",
					 o->rid, dv->rid);
				return false;
			}
		}
	}
	for (i = 0; i < ho->nr_pages; i++) {
		const struct iommu_lu_page_ser *p = &ho->pages[i];

		if (i && p->phys <= ho->pages[i - 1].phys) {
			snprintf(why, len, "pages not sorted and unique");
			return false;
		}
		if (!p->phys || !IS_ALIGNED(p->phys, PAGE_SIZE) ||
		    p->kind == IOMMU_LU_PAGE_NONE ||
		    p->kind >= IOMMU_LU_PAGE_KIND_NR) {
			snprintf(why, len, "page %#llx invalid",
				 (unsigned long long)p->phys);
			return false;
		}
		if (p->kind == IOMMU_LU_PAGE_PGTABLE) {
			if (!iommu_lu_handover_domain(ho, p->owner)) {
				snprintf(why, len, "page %#llx: no domain",
					 (unsigned long long)p->phys);
				return false;
			}
			continue;
		}
		for (j = 0; j < ho->nr_units; j++)
			if (ho->units[j].id == p->owner)
				break;
		if (j == ho->nr_units) {
			snprintf(why, len, "page %#llx: no unit",
				 (unsigned long long)p->phys);
			return false;
		}
	}
	return true;
}

/* The copy as it is decodes, and the result keeps its promises. */
#define DEC_ACCEPTED(c)		dec_accepted(c, __LINE__)
static void dec_accepted(struct dec *c, int line)
{
	struct kunit *test = c->test;
	struct iommu_lu_handover ho;
	char err[DEC_ERRLEN] = "", why[64] = "";
	int ret;

	ret = dec_decode(c, &ho, err);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "line %d: refused: %s", line, err);
	if (ret)
		return;
	KUNIT_EXPECT_TRUE_MSG(test, dec_ho_valid(&ho, why, sizeof(why)),
			      "line %d: %s", line, why);
	iommu_lu_handover_free(&ho);
}

/*
 * The copy is refused with -EINVAL, a message containing @words (or
 * @words2, when not NULL), and an empty handover (the decoder must clear
 * what it was given, too).
 *
 * DEC_REFUSED_EITHER() is for messages naming two records found equal
 * under a sort: which comes first depends on how the sort orders ties
 * (lib/sort.c in the kernel, a plain heapsort in userspace).
 */
#define DEC_REFUSED(c, words)	dec_refused(c, words, NULL, __LINE__)
#define DEC_REFUSED_EITHER(c, words, words2) \
	dec_refused(c, words, words2, __LINE__)
static void dec_refused(struct dec *c, const char *words, const char *words2,
			int line)
{
	struct kunit *test = c->test;
	struct iommu_lu_handover ho;
	char err[DEC_ERRLEN];
	int ret;

	memset(&ho, 0x5a, sizeof(ho));
	memset(err, 0, sizeof(err));
	ret = dec_decode(c, &ho, err);
	KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "line %d: \"%s\"", line, err);
	KUNIT_EXPECT_TRUE_MSG(test, strstr(err, words) ||
			      (words2 && strstr(err, words2)),
			      "line %d: message \"%s\" does not say \"%s\"",
			      line, err, words);
	KUNIT_EXPECT_TRUE_MSG(test, dec_ho_empty(&ho),
			      "line %d: handover not left empty", line);
	if (!ret)
		iommu_lu_handover_free(&ho);
}

/* ---- the reference ---- */

/* Unchanged, the copy decodes: every case below starts from it. */
static void decode_test_golden_accepted(struct kunit *test)
{
	DEC_ACCEPTED(dec_new(test));
}

/* ---- header ---- */

static void decode_test_null_header(struct kunit *test)
{
	struct iommu_lu_handover ho;
	struct dec *c = dec_new(test);
	char err[DEC_ERRLEN];

	memset(&ho, 0x5a, sizeof(ho));
	KUNIT_EXPECT_EQ(test, iommu_lu_decode(NULL, IOMMU_LU_BLOCK_SIZE,
					      lu_dump_map, &c->dump, &ho, err,
					      sizeof(err)), -EINVAL);
	KUNIT_EXPECT_TRUE_MSG(test, strstr(err, "no header"), "%s", err);
	KUNIT_EXPECT_TRUE(test, dec_ho_empty(&ho));

	/* No message buffer: still refused, nothing written. */
	KUNIT_EXPECT_EQ(test, iommu_lu_decode(NULL, 0, lu_dump_map, &c->dump,
					      &ho, NULL, 0), -EINVAL);
	KUNIT_EXPECT_TRUE(test, dec_ho_empty(&ho));
}

static void decode_test_truncated_header(struct kunit *test)
{
	struct iommu_lu_handover ho;
	struct dec *c = dec_new(test);
	char err[DEC_ERRLEN];

	/* KHO says the blob is one byte shorter than the header. */
	memset(&ho, 0x5a, sizeof(ho));
	KUNIT_EXPECT_EQ(test, iommu_lu_decode(dec_hdr(c),
					      sizeof(struct iommu_lu_header_ser) - 1,
					      lu_dump_map, &c->dump, &ho, err,
					      sizeof(err)), -EINVAL);
	KUNIT_EXPECT_TRUE_MSG(test, strstr(err, "header truncated: 127 bytes, need 128"),
			      "%s", err);
	KUNIT_EXPECT_TRUE(test, dec_ho_empty(&ho));

	/* Exactly the header is enough. */
	KUNIT_EXPECT_EQ(test, iommu_lu_decode(dec_hdr(c),
					      sizeof(struct iommu_lu_header_ser),
					      lu_dump_map, &c->dump, &ho, err,
					      sizeof(err)), 0);
	iommu_lu_handover_free(&ho);

	/* A short message buffer gets a truncated, terminated message. */
	KUNIT_EXPECT_EQ(test, iommu_lu_decode(dec_hdr(c), 0, lu_dump_map,
					      &c->dump, &ho, err, 8), -EINVAL);
	KUNIT_EXPECT_STREQ(test, err, "header ");
}

static void decode_test_compatible(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	memcpy(dec_hdr(c)->compatible, "iommu-lu-v2", 11);
	DEC_REFUSED(c, "compatible \"iommu-lu-v2\" is not \"iommu-lu-v1\"");

	/* A longer string with our prefix: the NUL padding is compared too. */
	c = dec_new(test);
	memcpy(dec_hdr(c)->compatible, "iommu-lu-v10", 12);
	DEC_REFUSED(c, "is not \"iommu-lu-v1\"");

	/* Garbage after the terminating NUL. */
	c = dec_new(test);
	dec_hdr(c)->compatible[15] = 'x';
	DEC_REFUSED(c, "is not \"iommu-lu-v1\"");

	/* No NUL at all: the message still ends. */
	c = dec_new(test);
	memset(dec_hdr(c)->compatible, 'A', sizeof(dec_hdr(c)->compatible));
	DEC_REFUSED(c, "compatible \"AAAAAAAAAAAAAAA\" is not");
}

static void decode_test_version(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_hdr(c)->version = 2;
	DEC_REFUSED(c, "version 2 is not 1");

	c = dec_new(test);
	dec_hdr(c)->version = 0;
	DEC_REFUSED(c, "version 0 is not 1");
}

static void decode_test_header_size(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_hdr(c)->header_size = 136;	/* a v1 reader of a grown header */
	DEC_REFUSED(c, "header size 136 / block size 4096, expected 128 / 4096");

	c = dec_new(test);
	dec_hdr(c)->header_size = 120;
	DEC_REFUSED(c, "header size 120");
}

static void decode_test_block_size(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_hdr(c)->block_size = 8192;
	DEC_REFUSED(c, "header size 128 / block size 8192");

	c = dec_new(test);
	dec_hdr(c)->block_size = 0;
	DEC_REFUSED(c, "block size 0");
}

static void decode_test_header_flags(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_hdr(c)->flags |= BIT(1);
	DEC_REFUSED(c, "unknown header flags 0x3");

	c = dec_new(test);
	dec_hdr(c)->flags |= BIT(31);
	DEC_REFUSED(c, "unknown header flags 0x80000001");

	/* Not frozen (a kexec without LUO's freeze) is not a header error. */
	c = dec_new(test);
	dec_hdr(c)->flags = 0;
	DEC_ACCEPTED(c);
}

static void decode_test_header_reserved(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < 3; i++) {		/* reserved[3] */
		struct dec *c = dec_new(test);

		dec_hdr(c)->reserved[i] = BIT_ULL(63) >> i;
		DEC_REFUSED(c, "reserved header fields not zero");
	}
}

static void decode_test_blocks_cap(struct kunit *test)
{
	struct dec *c = dec_new(test);

	/* Checked before the chain is followed: nothing else matters. */
	dec_hdr(c)->nr_blocks[IOMMU_LU_REC_PAGE] = IOMMU_LU_MAX_BLOCKS + 1;
	DEC_REFUSED(c, "4097 page blocks exceed the cap of 4096");

	c = dec_new(test);
	dec_hdr(c)->nr_blocks[IOMMU_LU_REC_UNIT] = U32_MAX;
	DEC_REFUSED(c, "4294967295 unit blocks exceed the cap");
}

static void decode_test_units_cap(struct kunit *test)
{
	struct dec *c = dec_new(test);

	/* 65 unit records would fit in the one unit block (72 slots). */
	dec_hdr(c)->nr_records[IOMMU_LU_REC_UNIT] = IOMMU_LU_MAX_UNITS + 1;
	DEC_REFUSED(c, "65 units exceed the cap of 64");
}

static void decode_test_records_fit(struct kunit *test)
{
	struct dec *c = dec_new(test);

	/* One device block has 56 slots. */
	dec_hdr(c)->nr_records[IOMMU_LU_REC_DEVICE] = 57;
	DEC_REFUSED(c, "57 device records cannot fit in 1 blocks");
}

static void decode_test_chain_head(struct kunit *test)
{
	struct dec *c;

	/* Blocks declared, no chain. */
	c = dec_new(test);
	dec_hdr(c)->chain[IOMMU_LU_REC_DOMAIN] = 0;
	DEC_REFUSED(c, "domain chain head 0x0 with 1 blocks");

	/* A chain, no blocks declared (and so no records either). */
	c = dec_new(test);
	dec_hdr(c)->nr_blocks[IOMMU_LU_REC_DOMAIN] = 0;
	dec_hdr(c)->nr_records[IOMMU_LU_REC_DOMAIN] = 0;
	DEC_REFUSED(c, "with 0 blocks");
}

/* ---- chains ---- */

static void decode_test_chain_self_loop(struct kunit *test)
{
	struct dec *c = dec_new(test);
	struct iommu_lu_block_ser *blk = dec_block(c, IOMMU_LU_REC_UNIT);

	blk->next = dec_hdr(c)->chain[IOMMU_LU_REC_UNIT];
	DEC_REFUSED(c, "unit chain longer than the 1 blocks declared (loop?)");
}

static void decode_test_chain_loop_earlier(struct kunit *test)
{
	struct dec *c = dec_new(test);
	struct iommu_lu_block_ser *blk2;

	/* page block 1 -> new empty block 2 -> back to block 1. */
	blk2 = dec_add_block(c, IOMMU_LU_REC_PAGE, DEC_FOREIGN_PHYS);
	DEC_ACCEPTED(c);	/* an empty block at the end is fine */
	blk2->next = dec_hdr(c)->chain[IOMMU_LU_REC_PAGE];
	DEC_REFUSED(c, "page chain longer than the 2 blocks declared (loop?)");
}

static void decode_test_chain_loop_counts_forged(struct kunit *test)
{
	struct dec *c = dec_new(test);
	struct iommu_lu_header_ser *hdr = dec_hdr(c);
	struct iommu_lu_block_ser *blk2;

	/*
	 * The same loop, with counts that match what the walk finds up to
	 * its third block (block 1: 10 records, block 2: 0, block 1: 10): a
	 * loop never ends, so it always outruns what the header declares.
	 */
	blk2 = dec_add_block(c, IOMMU_LU_REC_PAGE, DEC_FOREIGN_PHYS);
	blk2->next = hdr->chain[IOMMU_LU_REC_PAGE];
	hdr->nr_blocks[IOMMU_LU_REC_PAGE] = 3;
	hdr->nr_records[IOMMU_LU_REC_PAGE] = 20;
	DEC_REFUSED(c, "page chain longer than the 3 blocks declared (loop?)");
}

static void decode_test_chain_loop_at_cap(struct kunit *test)
{
	struct dec *c = dec_new(test);
	struct iommu_lu_header_ser *hdr = dec_hdr(c);

	/*
	 * The page block pointing to itself, with counts forged for the
	 * longest chain allowed (4096 visits of 10 records): the walk still
	 * ends, at the cap.
	 */
	dec_block(c, IOMMU_LU_REC_PAGE)->next = hdr->chain[IOMMU_LU_REC_PAGE];
	hdr->nr_blocks[IOMMU_LU_REC_PAGE] = IOMMU_LU_MAX_BLOCKS;
	hdr->nr_records[IOMMU_LU_REC_PAGE] = IOMMU_LU_MAX_BLOCKS * 10;
	DEC_REFUSED(c, "page chain longer than the 4096 blocks declared (loop?)");
}

static void decode_test_chain_into_other_chain(struct kunit *test)
{
	struct dec *c;

	/* The domain chain starts at the unit block. */
	c = dec_new(test);
	dec_hdr(c)->chain[IOMMU_LU_REC_DOMAIN] = dec_hdr(c)->chain[IOMMU_LU_REC_UNIT];
	DEC_REFUSED(c, "domain block");
	DEC_REFUSED(c, "kind 0, record size 56, 72 slots; expected 1, 24, 169");

	/* The device chain continues into the page chain (2 blocks declared). */
	c = dec_new(test);
	dec_block(c, IOMMU_LU_REC_DEVICE)->next = dec_hdr(c)->chain[IOMMU_LU_REC_PAGE];
	dec_hdr(c)->nr_blocks[IOMMU_LU_REC_DEVICE] = 2;
	DEC_REFUSED(c, "kind 3, record size 16, 254 slots; expected 2, 72, 56");

	/* A chain starting at the header page. */
	c = dec_new(test);
	dec_hdr(c)->chain[IOMMU_LU_REC_UNIT] = lu_dump_phys(&c->dump, 0);
	DEC_REFUSED(c, "unit block");
}

static void decode_test_block_not_in_handover(struct kunit *test)
{
	struct dec *c;

	/* A chain head the map does not provide. */
	c = dec_new(test);
	dec_hdr(c)->chain[IOMMU_LU_REC_UNIT] = DEC_FOREIGN_PHYS;
	DEC_REFUSED(c, "unit block 0x7f000000 is not part of the handover");

	/* A next pointer leaving the handover (2 blocks declared). */
	c = dec_new(test);
	dec_block(c, IOMMU_LU_REC_PAGE)->next = DEC_FOREIGN_PHYS + 0x1000;
	dec_hdr(c)->nr_blocks[IOMMU_LU_REC_PAGE] = 2;
	DEC_REFUSED(c, "page block 0x7f001000 is not part of the handover");
}

static void decode_test_block_misaligned(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_hdr(c)->chain[IOMMU_LU_REC_DEVICE] += 0x10;
	DEC_REFUSED(c, "device block");
	DEC_REFUSED(c, "not aligned");

	c = dec_new(test);
	dec_block(c, IOMMU_LU_REC_DOMAIN)->next = DEC_FOREIGN_PHYS + 4;
	dec_hdr(c)->nr_blocks[IOMMU_LU_REC_DOMAIN] = 2;
	DEC_REFUSED(c, "domain block 0x7f000004 not aligned");
}

static void decode_test_block_kind(struct kunit *test)
{
	struct dec *c = dec_new(test);

	dec_block(c, IOMMU_LU_REC_DOMAIN)->kind = IOMMU_LU_REC_PAGE;
	DEC_REFUSED(c, "kind 3, record size 24, 169 slots; expected 1, 24, 169");

	c = dec_new(test);
	dec_block(c, IOMMU_LU_REC_UNIT)->kind = IOMMU_LU_REC_NR;
	DEC_REFUSED(c, "kind 4, record size 56, 72 slots; expected 0, 56, 72");
}

static void decode_test_block_record_size(struct kunit *test)
{
	struct dec *c = dec_new(test);

	dec_block(c, IOMMU_LU_REC_UNIT)->record_size = 64;
	DEC_REFUSED(c, "kind 0, record size 64, 72 slots; expected 0, 56, 72");

	c = dec_new(test);
	dec_block(c, IOMMU_LU_REC_PAGE)->record_size = 0;
	DEC_REFUSED(c, "record size 0, 254 slots; expected 3, 16, 254");
}

static void decode_test_block_slots(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_block(c, IOMMU_LU_REC_DEVICE)->nr_slots = 57;
	DEC_REFUSED(c, "record size 72, 57 slots; expected 2, 72, 56");

	/* Fewer slots than the ABI implies are refused too. */
	c = dec_new(test);
	dec_block(c, IOMMU_LU_REC_DEVICE)->nr_slots = 2;
	DEC_REFUSED(c, "record size 72, 2 slots; expected 2, 72, 56");
}

static void decode_test_block_live_over_slots(struct kunit *test)
{
	struct dec *c = dec_new(test);

	dec_block(c, IOMMU_LU_REC_PAGE)->nr_live = 255;
	DEC_REFUSED(c, "255 live records in 254 slots");
}

static void decode_test_block_live_mismatch(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_block(c, IOMMU_LU_REC_DOMAIN)->nr_live = 1;
	DEC_REFUSED(c, "2 live records, header says 1");

	c = dec_new(test);
	dec_block(c, IOMMU_LU_REC_DOMAIN)->nr_live = 3;
	DEC_REFUSED(c, "2 live records, header says 3");
}

static void decode_test_free_slot_not_zero(struct kunit *test)
{
	struct iommu_lu_device_ser *dv;
	struct iommu_lu_unit_ser *u;
	struct dec *c;

	/* Device slot 2 is free: a requester id left in it. */
	c = dec_new(test);
	dv = dec_slot(c, IOMMU_LU_REC_DEVICE, 2);
	dv->rids[0] = 0x0100;
	DEC_REFUSED(c, "device block 0x4081c000 slot 2: free slot not zero");

	/* The last byte of the last page slot. */
	c = dec_new(test);
	((u8 *)dec_slot(c, IOMMU_LU_REC_PAGE, dec_nr_slots(IOMMU_LU_REC_PAGE)))[-1] = 1;
	DEC_REFUSED(c, "slot 253: free slot not zero");

	/* A unit flag without LIVE is not a live record either. */
	c = dec_new(test);
	u = dec_slot(c, IOMMU_LU_REC_UNIT, 1);
	u->flags = IOMMU_LU_UNIT_CLEANED;
	DEC_REFUSED(c, "unit block 0x40819000 slot 1: free slot not zero");
}

static void decode_test_record_flags(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_unit(c)->flags |= BIT(2);
	DEC_REFUSED(c, "unit block 0x40819000 slot 0: unknown flags 0x7");

	/* CLEANED means something on a unit record only. */
	c = dec_new(test);
	dec_domain(c, DEC_DOM_B)->flags |= IOMMU_LU_UNIT_CLEANED;
	DEC_REFUSED(c, "domain block 0x4081b000 slot 1: unknown flags 0x3");

	c = dec_new(test);
	dec_device(c, DEC_RID_A)->flags |= BIT(31);
	DEC_REFUSED(c, "unknown flags 0x80000001");

	c = dec_new(test);
	dec_page(c, IOMMU_LU_PAGE_CONTEXT, DEC_UNIT, 0)->flags |= BIT(15);
	DEC_REFUSED(c, "unknown flags 0x8001");
}

static void decode_test_more_records_than_declared(struct kunit *test)
{
	struct dec *c = dec_new(test);

	dec_hdr(c)->nr_records[IOMMU_LU_REC_PAGE] = 9;
	DEC_REFUSED(c, "more page records than the 9 declared");
}

static void decode_test_fewer_records_than_declared(struct kunit *test)
{
	struct dec *c = dec_new(test);

	dec_hdr(c)->nr_records[IOMMU_LU_REC_DOMAIN] = 3;
	DEC_REFUSED(c, "domain chain: 1 blocks and 2 records, header declares 1 and 3");
}

static void decode_test_fewer_blocks_than_declared(struct kunit *test)
{
	struct dec *c = dec_new(test);

	dec_hdr(c)->nr_blocks[IOMMU_LU_REC_DEVICE] = 2;
	DEC_REFUSED(c, "device chain: 1 blocks and 2 records, header declares 2 and 2");
}

/* ---- units ---- */

static void decode_test_unit_id_zero(struct kunit *test)
{
	struct dec *c = dec_new(test);

	/* Every reference follows: only the id itself is wrong. */
	dec_set_unit_id(c, DEC_UNIT, 0);
	DEC_REFUSED(c, "unit record 0 has id 0");
}

static void decode_test_unit_vendor(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_unit(c)->vendor = IOMMU_LU_VENDOR_NONE;
	DEC_REFUSED(c, "unit 1: unknown vendor 0");

	c = dec_new(test);
	dec_unit(c)->vendor = IOMMU_LU_VENDOR_NR;
	DEC_REFUSED(c, "unit 1: unknown vendor 4");
}

/*
 * The golden blob as a scalable-mode unit: two of its context pages become
 * the devices' PASID directories (PDTS 2: one page each).
 */
static struct dec *dec_new_scalable(struct kunit *test)
{
	struct dec *c = dec_new(test);
	struct iommu_lu_page_ser *pa, *pb;

	dec_unit(c)->mode = IOMMU_LU_MODE_VTD_SCALABLE;
	pa = dec_page(c, IOMMU_LU_PAGE_CONTEXT, DEC_UNIT, 1);
	pa->kind = IOMMU_LU_PAGE_PASID_DIR;
	pb = dec_page(c, IOMMU_LU_PAGE_CONTEXT, DEC_UNIT, 1);
	pb->kind = IOMMU_LU_PAGE_PASID_DIR;
	dec_device(c, DEC_RID_A)->pasid_dir_phys = pa->phys;
	dec_device(c, DEC_RID_A)->vendor_data = 2;
	dec_device(c, DEC_RID_B)->pasid_dir_phys = pb->phys;
	dec_device(c, DEC_RID_B)->vendor_data = 2;
	return c;
}

static void decode_test_unit_mode(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_unit(c)->mode = 2;
	DEC_REFUSED(c, "unit 1: unknown VT-d mode 2");

	/* Scalable mode is a valid record (whether it is adopted is not ours). */
	c = dec_new_scalable(test);
	DEC_ACCEPTED(c);

	/* ... but its devices need their PASID directory. */
	c = dec_new(test);
	dec_unit(c)->mode = IOMMU_LU_MODE_VTD_SCALABLE;
	DEC_REFUSED(c, "device 0100: bad PASID directory 0");
}

/* Scalable mode: each device's PASID directory is its unit's PASID_DIR pages. */
static void decode_test_device_pasid_dir(struct kunit *test)
{
	struct iommu_lu_device_ser *dv;
	struct dec *c;

	/* PDTS is 3 bits. */
	c = dec_new_scalable(test);
	dec_device(c, DEC_RID_A)->vendor_data = 8;
	DEC_REFUSED(c, "device 0100: bad PASID directory");

	c = dec_new_scalable(test);
	dec_device(c, DEC_RID_A)->pasid_dir_phys += 8;
	DEC_REFUSED(c, "device 0100: bad PASID directory");

	/* A context page is no PASID directory. */
	c = dec_new_scalable(test);
	dv = dec_device(c, DEC_RID_B);
	dv->pasid_dir_phys = dec_page(c, IOMMU_LU_PAGE_CONTEXT, DEC_UNIT, 0)->phys;
	DEC_REFUSED(c, "device 0510: PASID directory page");

	/* Nor is a page outside the handover. */
	c = dec_new_scalable(test);
	dec_device(c, DEC_RID_B)->pasid_dir_phys = DEC_FOREIGN_PHYS;
	DEC_REFUSED(c, "is not a PASID-directory page of unit 1");

	/* PDTS 3: 1024 entries, two pages; the second is not declared. */
	c = dec_new_scalable(test);
	dec_device(c, DEC_RID_A)->vendor_data = 3;
	DEC_REFUSED(c, "device 0100: PASID directory page");
}

static void decode_test_unit_root(struct kunit *test)
{
	struct dec *c;

	/* Unit and root page record both moved, misaligned. */
	c = dec_new(test);
	dec_unit(c)->root_phys += 0x800;
	dec_page(c, IOMMU_LU_PAGE_ROOT, DEC_UNIT, 0)->phys += 0x800;
	DEC_REFUSED(c, "unit 1: bad root 0x40802800");

	c = dec_new(test);
	dec_unit(c)->root_phys = 0;
	DEC_REFUSED(c, "unit 1: bad root 0");
}

static void decode_test_unit_reserved(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_unit(c)->reserved0 = 1;
	DEC_REFUSED(c, "unit 1: reserved fields not zero");

	c = dec_new(test);
	dec_unit(c)->vendor_data[0] = 1;
	DEC_REFUSED(c, "unit 1: reserved fields not zero");

	c = dec_new(test);
	dec_unit(c)->vendor_data[1] = BIT_ULL(63);
	DEC_REFUSED(c, "unit 1: reserved fields not zero");
}

static void decode_test_unit_no_devices(struct kunit *test)
{
	struct dec *c = dec_new(test);

	dec_unit(c)->nr_devices = 0;
	DEC_REFUSED(c, "unit 1 has no devices");
}

static void decode_test_unit_nr_devices(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_unit(c)->nr_devices = 3;
	DEC_REFUSED(c, "unit 1: 2 device records, unit says 3");

	c = dec_new(test);
	dec_unit(c)->nr_devices = 1;
	DEC_REFUSED(c, "unit 1: 2 device records, unit says 1");
}

static void decode_test_unit_duplicate_id(struct kunit *test)
{
	struct dec *c = dec_new(test);
	struct iommu_lu_unit_ser u = *dec_unit(c);

	/* A second unit record (counted in block and header), same id. */
	u.token = DEC_TOKEN + 0x1000;
	dec_add(c, IOMMU_LU_REC_UNIT, &u);
	DEC_REFUSED(c, "unit id 1 twice");
}

static void decode_test_unit_duplicate_token(struct kunit *test)
{
	struct dec *c = dec_new(test);
	struct iommu_lu_unit_ser u = *dec_unit(c);

	/* Two records, two ids, one unit (same vendor and register base). */
	u.id = 2;
	dec_add(c, IOMMU_LU_REC_UNIT, &u);
	DEC_REFUSED(c, "unit 0xfed90000 twice");
}

/* ---- domains ---- */

static void decode_test_domain_id_zero(struct kunit *test)
{
	struct dec *c = dec_new(test);

	/* Its device and its pages follow it to id 0. */
	dec_set_domain_id(c, DEC_DOM_A, 0);
	DEC_REFUSED(c, "domain record has id 0");
}

static void decode_test_domain_duplicate_id(struct kunit *test)
{
	struct dec *c = dec_new(test);

	/* Domain 2, its device and its pages, renamed 1. */
	dec_set_domain_id(c, DEC_DOM_B, DEC_DOM_A);
	DEC_REFUSED(c, "domain id 1 twice");
}

static void decode_test_domain_pgtable(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_domain(c, DEC_DOM_A)->pgtable_phys = 0;
	DEC_REFUSED(c, "domain 1: bad page table 0");

	c = dec_new(test);
	dec_domain(c, DEC_DOM_B)->pgtable_phys |= 0x8;
	DEC_REFUSED(c, "domain 2: bad page table");
}

static void decode_test_domain_levels(struct kunit *test)
{
	static const u32 bad[] = { 0, 1, 6, 0xffffffff };
	static const u32 good[] = { 2, 5 };
	char words[32];
	unsigned int i;
	struct dec *c;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		c = dec_new(test);
		dec_domain(c, DEC_DOM_A)->levels = bad[i];
		snprintf(words, sizeof(words), "domain 1: %u levels", bad[i]);
		DEC_REFUSED(c, words);
	}
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		c = dec_new(test);
		dec_domain(c, DEC_DOM_A)->levels = good[i];
		DEC_ACCEPTED(c);
	}
}

static void decode_test_domain_no_pages(struct kunit *test)
{
	struct dec *c = dec_new(test);

	dec_domain(c, DEC_DOM_A)->nr_pages = 0;
	DEC_REFUSED(c, "domain 1 has no pages");
}

static void decode_test_domain_nr_pages(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_domain(c, DEC_DOM_A)->nr_pages = 4;
	DEC_REFUSED(c, "domain 1: 3 page records, domain says 4");

	c = dec_new(test);
	dec_domain(c, DEC_DOM_B)->nr_pages = 2;
	DEC_REFUSED(c, "domain 2: 3 page records, domain says 2");
}

/* Two domain records naming one page table. */
static void decode_test_domain_shared_pgtable(struct kunit *test)
{
	struct iommu_lu_domain_ser dom;
	struct dec *c;

	/* Domain 2 says it is domain 1's page table. */
	c = dec_new(test);
	dec_domain(c, DEC_DOM_B)->pgtable_phys =
		dec_domain(c, DEC_DOM_A)->pgtable_phys;
	DEC_REFUSED_EITHER(c, "domains 1 and 2 share page table 0x4080c000",
			   "domains 2 and 1 share page table 0x4080c000");

	/*
	 * Domain 3, a copy of domain 1 under another id, used by a device of
	 * its own (the unit counts 3): one page table, two records.
	 */
	c = dec_new(test);
	dom = *dec_domain(c, DEC_DOM_A);
	dom.id = 3;
	dec_add(c, IOMMU_LU_REC_DOMAIN, &dom);
	dec_add_device(c, 0x0200, DEC_UNIT, 3, 8);
	dec_unit(c)->nr_devices = 3;
	DEC_REFUSED_EITHER(c, "domains 1 and 3 share page table 0x4080c000",
			   "domains 3 and 1 share page table 0x4080c000");
}

/* A domain record (and its pages) that no device record uses. */
static void decode_test_domain_no_device(struct kunit *test)
{
	struct iommu_lu_device_ser *dv;
	struct dec *c;

	/* 0100 moved to domain 2 (with domain 2's DID): domain 1 is unused. */
	c = dec_new(test);
	dv = dec_device(c, DEC_RID_A);
	dv->domain_id = DEC_DOM_B;
	dv->hw_id = DEC_DID_B;
	DEC_REFUSED(c, "domain 1 has no device");

	/* Domain 3, complete with its page-table pages, and no device. */
	c = dec_new(test);
	dec_add_domain3(c);
	DEC_REFUSED(c, "domain 3 has no device");

	/* Given one, it is fine. */
	dec_add_device(c, 0x0200, DEC_UNIT, 3, 8);
	dec_unit(c)->nr_devices = 3;
	DEC_ACCEPTED(c);
}

/* ---- hardware domain ids (in the device records) ---- */

/* One DID of a unit naming two domains. */
static void decode_test_hw_id_two_domains(struct kunit *test)
{
	struct dec *c;

	/* 0510 (domain 2) claims domain 1's DID. */
	c = dec_new(test);
	dec_device(c, DEC_RID_B)->hw_id = DEC_DID_A;
	DEC_REFUSED_EITHER(c, "unit 1: hardware domain 6 names domains 1 and 2",
			   "unit 1: hardware domain 6 names domains 2 and 1");

	/* A third device, on domain 3 (its own page table), with DID 7. */
	c = dec_new(test);
	dec_add_domain3(c);
	dec_add_device(c, 0x0200, DEC_UNIT, 3, DEC_DID_B);
	dec_unit(c)->nr_devices = 3;
	DEC_REFUSED_EITHER(c, "unit 1: hardware domain 7 names domains 2 and 3",
			   "unit 1: hardware domain 7 names domains 3 and 2");

	/* With a DID of its own it is fine. */
	dec_device(c, 0x0200)->hw_id = 8;
	DEC_ACCEPTED(c);
}

/* One domain with two DIDs on one unit. */
static void decode_test_domain_two_hw_ids(struct kunit *test)
{
	struct iommu_lu_device_ser dv;
	struct dec *c;

	/*
	 * 05:03.0, behind the same bridges as 05:02.0 and on its domain,
	 * but with DID 8 where 05:02.0 has 7.
	 */
	c = dec_new(test);
	dv = *dec_device(c, DEC_RID_B);
	dv.rid = 0x0518;
	dv.rids[0] = 0x0518;
	dv.hw_id = 8;
	dec_add(c, IOMMU_LU_REC_DEVICE, &dv);
	dec_unit(c)->nr_devices = 3;
	DEC_REFUSED_EITHER(c, "unit 1: domain 2 has hardware ids 7 and 8",
			   "unit 1: domain 2 has hardware ids 8 and 7");

	/* 02:00.0 on domain 1 with DID 9; 01:00.0 has 6. */
	c = dec_new(test);
	dec_add_device(c, 0x0200, DEC_UNIT, DEC_DOM_A, 9);
	dec_unit(c)->nr_devices = 3;
	DEC_REFUSED_EITHER(c, "unit 1: domain 1 has hardware ids 6 and 9",
			   "unit 1: domain 1 has hardware ids 9 and 6");

	/* With DID 6 it shares domain 1 the way 01:00.0 does: fine. */
	dec_device(c, 0x0200)->hw_id = DEC_DID_A;
	DEC_ACCEPTED(c);
}

/*
 * VT-d domain ids 0 (caching mode) and 1 (FLPT_DEFAULT_DID) are reserved,
 * and a DID has 16 bits.
 */
static void decode_test_device_did_range(struct kunit *test)
{
	static const u32 bad[] = { 0, 1, 0x10000, 0xffffffff };
	static const u32 good[] = { 2, 0xffff };
	char words[64];
	unsigned int i;
	struct dec *c;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		c = dec_new(test);
		dec_device(c, DEC_RID_A)->hw_id = bad[i];
		snprintf(words, sizeof(words),
			 "device 0100: VT-d domain id %u is reserved or out of range",
			 bad[i]);
		DEC_REFUSED(c, words);
	}
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		c = dec_new(test);
		dec_device(c, DEC_RID_B)->hw_id = good[i];
		DEC_ACCEPTED(c);
	}

	/* The range is VT-d's: an AMD-Vi unit's hardware ids are not checked. */
	c = dec_new(test);
	dec_unit(c)->vendor = IOMMU_LU_VENDOR_AMD_VI;
	dec_device(c, DEC_RID_A)->hw_id = 0;
	dec_device(c, DEC_RID_B)->hw_id = 0x10000;
	DEC_ACCEPTED(c);
}

/* ---- devices ---- */

/* A device record is the only record that names a unit (pages aside). */
static void decode_test_device_unit_missing(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_device(c, DEC_RID_A)->unit_id = 9;
	DEC_REFUSED(c, "device 0100: unit 9 missing");

	c = dec_new(test);
	dec_device(c, DEC_RID_B)->unit_id = 0;
	DEC_REFUSED(c, "device 0510: unit 0 missing");
}

static void decode_test_device_domain_missing(struct kunit *test)
{
	struct dec *c = dec_new(test);

	dec_device(c, DEC_RID_A)->domain_id = 9;
	DEC_REFUSED(c, "device 0100: domain 9 missing");
}

/*
 * Linux 7.3 attaches one paging domain to devices behind several VT-d
 * units: one page table, a DID on each unit. Accepted when each unit is
 * consistent on its own; DIDs of different units are unrelated.
 */
static void decode_test_domain_on_two_units(struct kunit *test)
{
	struct iommu_lu_device_ser *dv, *dv2;
	struct dec *c = dec_new(test);
	struct iommu_lu_unit_ser *u2;

	/* 02:00.0 behind unit 2 on domain 1, with the DID it has on unit 1. */
	u2 = dec_add_unit2(c);
	dv = dec_add_device(c, 0x0200, 2, DEC_DOM_A, DEC_DID_A);
	DEC_ACCEPTED(c);

	/* With the DID that names domain 2 on unit 1: another unit's business. */
	dv->hw_id = DEC_DID_B;
	DEC_ACCEPTED(c);

	dv->hw_id = 9;
	DEC_ACCEPTED(c);

	/* A second device of unit 2 on domain 1 must have that unit's DID. */
	dv2 = dec_add_device(c, 0x0208, 2, DEC_DOM_A, 10);
	u2->nr_devices = 2;
	DEC_REFUSED_EITHER(c, "unit 2: domain 1 has hardware ids 9 and 10",
			   "unit 2: domain 1 has hardware ids 10 and 9");
	dv2->hw_id = 9;
	DEC_ACCEPTED(c);

	/* ... and DID 9 of unit 2 names domain 1 only. */
	dv2->domain_id = DEC_DOM_B;
	DEC_REFUSED_EITHER(c, "unit 2: hardware domain 9 names domains 1 and 2",
			   "unit 2: hardware domain 9 names domains 2 and 1");

	/* Domain 2 on unit 2 with a DID of its own: both domains shared. */
	dv2->hw_id = DEC_DID_A;
	DEC_ACCEPTED(c);

	/*
	 * Only domain 2 on unit 2, with a DID other than its unit-1 one: the
	 * (unit, domain) pairs sort next to each other across the units.
	 */
	c = dec_new(test);
	dec_add_unit2(c);
	dec_add_device(c, 0x0200, 2, DEC_DOM_B, 9);
	DEC_ACCEPTED(c);
}

static void decode_test_device_segment(struct kunit *test)
{
	struct dec *c = dec_new(test);

	dec_device(c, DEC_RID_A)->segment = 1;
	DEC_REFUSED(c, "device 0100: segment 1, unit 1 is on 0");
}

static void decode_test_device_nr_rids(struct kunit *test)
{
	struct iommu_lu_device_ser *dv;
	unsigned int i;
	struct dec *c;

	c = dec_new(test);
	dec_device(c, DEC_RID_A)->nr_rids = 0;
	DEC_REFUSED(c, "device 0100: bad requester id list");

	c = dec_new(test);
	dec_device(c, DEC_RID_B)->nr_rids = IOMMU_LU_MAX_RIDS + 1;
	DEC_REFUSED(c, "device 0510: bad requester id list");

	/* All 16 used is fine (0101..010f: no other device has them). */
	c = dec_new(test);
	dv = dec_device(c, DEC_RID_A);
	dv->nr_rids = IOMMU_LU_MAX_RIDS;
	for (i = 1; i < IOMMU_LU_MAX_RIDS; i++)
		dv->rids[i] = DEC_RID_A + i;
	DEC_ACCEPTED(c);
}

static void decode_test_device_first_rid(struct kunit *test)
{
	struct iommu_lu_device_ser *dv;
	struct dec *c;

	c = dec_new(test);
	dec_device(c, DEC_RID_A)->rids[0] = DEC_RID_A + 1;
	DEC_REFUSED(c, "device 0100: bad requester id list");

	/* Own id and first alias swapped. */
	c = dec_new(test);
	dv = dec_device(c, DEC_RID_B);
	swap(dv->rids[0], dv->rids[1]);
	DEC_REFUSED(c, "device 0510: bad requester id list");
}

static void decode_test_device_reserved(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_device(c, DEC_RID_A)->reserved0 = 1;
	DEC_REFUSED(c, "device 0100: reserved fields not zero");

	/* Legacy mode has no PASID directory and no vendor data. */
	c = dec_new(test);
	dec_device(c, DEC_RID_A)->pasid_dir_phys = DEC_FOREIGN_PHYS;
	DEC_REFUSED(c, "device 0100: reserved fields not zero");

	c = dec_new(test);
	dec_device(c, DEC_RID_B)->vendor_data = 1;
	DEC_REFUSED(c, "device 0510: reserved fields not zero");
}

static void decode_test_device_rid_twice(struct kunit *test)
{
	struct iommu_lu_device_ser *dv;
	struct dec *c;

	/* A fourth entry repeating the first alias. */
	c = dec_new(test);
	dv = dec_device(c, DEC_RID_B);
	dv->rids[dv->nr_rids++] = 0x0408;
	DEC_REFUSED(c, "device 0510: requester id 0408 twice");

	/* Its own id again as an alias. */
	c = dec_new(test);
	dv = dec_device(c, DEC_RID_A);
	dv->rids[dv->nr_rids++] = DEC_RID_A;
	DEC_REFUSED(c, "device 0100: requester id 0100 twice");
}

static void decode_test_device_unused_rid(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_device(c, DEC_RID_A)->rids[1] = 0x0101;
	DEC_REFUSED(c, "device 0100: unused requester id slot not zero");

	c = dec_new(test);
	dec_device(c, DEC_RID_B)->rids[IOMMU_LU_MAX_RIDS - 1] = 0x0401;
	DEC_REFUSED(c, "device 0510: unused requester id slot not zero");
}

static void decode_test_rid_on_two_domains(struct kunit *test)
{
	struct iommu_lu_device_ser *dv;
	struct dec *c;

	/* 0100 (domain 1) claims 0408, an alias of 0510 (domain 2). */
	c = dec_new(test);
	dv = dec_device(c, DEC_RID_A);
	dv->rids[dv->nr_rids++] = 0x0408;
	DEC_REFUSED(c, "unit 1: requester id 0408 on domains 1 and 2");

	/* 0510 claims 0100 as an alias. */
	c = dec_new(test);
	dv = dec_device(c, DEC_RID_B);
	dv->rids[dv->nr_rids++] = DEC_RID_A;
	DEC_REFUSED(c, "unit 1: requester id 0100 on domains 1 and 2");
}

static void decode_test_rid_shared_same_domain(struct kunit *test)
{
	struct dec *c = dec_new(test);
	struct iommu_lu_device_ser dv = *dec_device(c, DEC_RID_B);

	/*
	 * Accepted: 05:03.0 behind the same bridges shares both aliases with
	 * 05:02.0, on the same domain (the unit counts 3 devices).
	 */
	dv.rid = 0x0518;
	dv.rids[0] = 0x0518;
	dec_add(c, IOMMU_LU_REC_DEVICE, &dv);
	dec_unit(c)->nr_devices = 3;
	DEC_ACCEPTED(c);
}

static void decode_test_device_twice(struct kunit *test)
{
	struct dec *c = dec_new(test);
	struct iommu_lu_device_ser dv = *dec_device(c, DEC_RID_B);

	/*
	 * A second record for 05:02.0, identical, counted by the unit: same
	 * domain, so no requester id is on two domains, but the next kernel
	 * would adopt the device twice.
	 */
	dec_add(c, IOMMU_LU_REC_DEVICE, &dv);
	dec_unit(c)->nr_devices = 3;
	DEC_REFUSED(c, "device 0510 twice");

	/*
	 * The same device on a second unit of the same segment: unit 2 (own
	 * root page, one device) gets a copy of 05:02.0, on the same domain
	 * (a domain may be used on two units, a device may not).
	 */
	c = dec_new(test);
	dec_add_unit2(c);
	dv = *dec_device(c, DEC_RID_B);
	dv.unit_id = 2;
	dec_add(c, IOMMU_LU_REC_DEVICE, &dv);
	DEC_REFUSED(c, "device 0510 twice");
}

/* ---- pages ---- */

static void decode_test_page_misaligned(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_page(c, IOMMU_LU_PAGE_CONTEXT, DEC_UNIT, 0)->phys += 0x100;
	DEC_REFUSED(c, "page 0x40806100 not aligned");

	c = dec_new(test);
	dec_page(c, IOMMU_LU_PAGE_CONTEXT, DEC_UNIT, 1)->phys = 0;
	DEC_REFUSED(c, "page 0x0 not aligned");
}

static void decode_test_page_kind(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_page(c, IOMMU_LU_PAGE_CONTEXT, DEC_UNIT, 0)->kind = IOMMU_LU_PAGE_NONE;
	DEC_REFUSED(c, "page 0x40806000: unknown kind 0");

	c = dec_new(test);
	dec_page(c, IOMMU_LU_PAGE_CONTEXT, DEC_UNIT, 0)->kind = IOMMU_LU_PAGE_KIND_NR;
	DEC_REFUSED(c, "page 0x40806000: unknown kind 6");
}

static void decode_test_page_owner_missing(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_page(c, IOMMU_LU_PAGE_CONTEXT, DEC_UNIT, 0)->owner = 9;
	DEC_REFUSED(c, "page 0x40806000: owner 9 missing");

	/* A page-table page names a domain: 9 is none. */
	c = dec_new(test);
	dec_page(c, IOMMU_LU_PAGE_PGTABLE, DEC_DOM_A, 2)->owner = 9;
	DEC_REFUSED(c, "owner 9 missing");
}

static void decode_test_page_twice(struct kunit *test)
{
	struct dec *c = dec_new(test);

	/* Two context pages of unit 1 at one address. */
	dec_page(c, IOMMU_LU_PAGE_CONTEXT, DEC_UNIT, 1)->phys =
		dec_page(c, IOMMU_LU_PAGE_CONTEXT, DEC_UNIT, 0)->phys;
	DEC_REFUSED(c, "page 0x40806000 declared twice");
}

static void decode_test_page_is_block(struct kunit *test)
{
	struct dec *c;

	c = dec_new(test);
	dec_page(c, IOMMU_LU_PAGE_CONTEXT, DEC_UNIT, 0)->phys =
		dec_hdr(c)->chain[IOMMU_LU_REC_UNIT];
	DEC_REFUSED(c, "page 0x40819000 is also a handover block");

	/* The page block itself. */
	c = dec_new(test);
	dec_page(c, IOMMU_LU_PAGE_CONTEXT, DEC_UNIT, 2)->phys =
		dec_hdr(c)->chain[IOMMU_LU_REC_PAGE];
	DEC_REFUSED(c, "page 0x4081a000 is also a handover block");
}

static void decode_test_unit_root_page(struct kunit *test)
{
	struct iommu_lu_page_ser p;
	struct dec *c;

	/* The root page record moved elsewhere. */
	c = dec_new(test);
	dec_page(c, IOMMU_LU_PAGE_ROOT, DEC_UNIT, 0)->phys = DEC_FOREIGN_PHYS;
	DEC_REFUSED(c, "unit 1: root page 0x7f000000 is not its root 0x40802000");

	/* The unit's root is a context page. */
	c = dec_new(test);
	dec_unit(c)->root_phys = dec_page(c, IOMMU_LU_PAGE_CONTEXT, DEC_UNIT, 0)->phys;
	DEC_REFUSED(c, "unit 1: root page 0x40802000 is not its root 0x40806000");

	/* No root page: it became a context page. */
	c = dec_new(test);
	dec_page(c, IOMMU_LU_PAGE_ROOT, DEC_UNIT, 0)->kind = IOMMU_LU_PAGE_CONTEXT;
	DEC_REFUSED(c, "unit 1 has 0 root pages");

	/* Two root page records, both at the unit's root. */
	c = dec_new(test);
	p = *dec_page(c, IOMMU_LU_PAGE_ROOT, DEC_UNIT, 0);
	dec_add(c, IOMMU_LU_REC_PAGE, &p);
	DEC_REFUSED(c, "unit 1 has 2 root pages");
}

static void decode_test_domain_root_not_its_page(struct kunit *test)
{
	struct dec *c;

	/*
	 * Domain 1's root is a page of domain 2 (not its root: two domains
	 * naming one page table are refused before pages are looked at).
	 */
	c = dec_new(test);
	dec_domain(c, DEC_DOM_A)->pgtable_phys =
		dec_page(c, IOMMU_LU_PAGE_PGTABLE, DEC_DOM_B, 1)->phys;
	DEC_REFUSED(c, "domain 1: page-table root 0x40815000 is not one of its pages");

	/* ... a context page of the unit. */
	c = dec_new(test);
	dec_domain(c, DEC_DOM_B)->pgtable_phys =
		dec_page(c, IOMMU_LU_PAGE_CONTEXT, DEC_UNIT, 0)->phys;
	DEC_REFUSED(c, "domain 2: page-table root 0x40806000 is not one of its pages");

	/* ... an address no record declares. */
	c = dec_new(test);
	dec_domain(c, DEC_DOM_A)->pgtable_phys = DEC_FOREIGN_PHYS;
	DEC_REFUSED(c, "domain 1: page-table root 0x7f000000 is not one of its pages");
}

/* ---- robustness ---- */

/* A map returning pages at any alignment (the contract promises none). */
static void decode_test_unaligned_map(struct kunit *test)
{
	struct iommu_lu_handover ho;
	struct lu_dump d;
	char err[DEC_ERRLEN];
	unsigned int shift;
	u8 *buf;

	buf = kunit_kzalloc(test, IOMMU_LU_GOLDEN_V1_SIZE + 8, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (shift = 1; shift < 8; shift++) {
		memcpy(buf + shift, iommu_lu_golden_v1, IOMMU_LU_GOLDEN_V1_SIZE);
		d.buf = buf + shift;
		d.len = IOMMU_LU_GOLDEN_V1_SIZE;
		KUNIT_EXPECT_EQ_MSG(test, iommu_lu_decode(lu_dump_header(&d),
							  IOMMU_LU_BLOCK_SIZE,
							  lu_dump_map, &d, &ho,
							  err, sizeof(err)), 0,
				    "shift %u: %s", shift, err);
		KUNIT_EXPECT_EQ(test, ho.nr_pages, 10);
		iommu_lu_handover_free(&ho);
	}
}

/*
 * Every byte of every page (header page and the four blocks), XOR 0xff,
 * one at a time: accepted with every promise kept, or refused cleanly.
 * ASan and UBSan watch the decoder meanwhile.
 */
static void decode_test_byte_flips(struct kunit *test)
{
	struct dec *c = dec_new(test);
	unsigned int page, off, accepted = 0, refused = 0, bad = 0;
	struct iommu_lu_handover ho;
	char err[DEC_ERRLEN], why[64];
	int ret;

	for (page = 0; page < c->nr_pages; page++) {
		u8 *p = lu_dump_page(c->buf, page);

		for (off = 0; off < IOMMU_LU_BLOCK_SIZE; off++) {
			p[off] ^= 0xff;
			err[0] = '\0';
			ret = dec_decode(c, &ho, err);
			if (!ret) {
				accepted++;
				if (!dec_ho_valid(&ho, why, sizeof(why)) && !bad++)
					KUNIT_FAIL(test, "page %u byte %u: accepted, but %s",
						   page, off, why);
				iommu_lu_handover_free(&ho);
			} else {
				refused++;
				if ((ret != -EINVAL || !err[0] || !dec_ho_empty(&ho)) &&
				    !bad++)
					KUNIT_FAIL(test, "page %u byte %u: %d \"%s\"",
						   page, off, ret, err);
			}
			p[off] ^= 0xff;
		}
	}
	kunit_info(test, "%u variants: %u accepted, %u refused",
		   accepted + refused, accepted, refused);
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_GT(test, refused, 0);
	KUNIT_EXPECT_MEMEQ(test, c->buf, iommu_lu_golden_v1, IOMMU_LU_GOLDEN_V1_SIZE);
}

static struct kunit_case decode_test_cases[] = {
	KUNIT_CASE(decode_test_golden_accepted),
	/* header */
	KUNIT_CASE(decode_test_null_header),
	KUNIT_CASE(decode_test_truncated_header),
	KUNIT_CASE(decode_test_compatible),
	KUNIT_CASE(decode_test_version),
	KUNIT_CASE(decode_test_header_size),
	KUNIT_CASE(decode_test_block_size),
	KUNIT_CASE(decode_test_header_flags),
	KUNIT_CASE(decode_test_header_reserved),
	KUNIT_CASE(decode_test_blocks_cap),
	KUNIT_CASE(decode_test_units_cap),
	KUNIT_CASE(decode_test_records_fit),
	KUNIT_CASE(decode_test_chain_head),
	/* chains and blocks */
	KUNIT_CASE(decode_test_chain_self_loop),
	KUNIT_CASE(decode_test_chain_loop_earlier),
	KUNIT_CASE(decode_test_chain_loop_counts_forged),
	KUNIT_CASE(decode_test_chain_loop_at_cap),
	KUNIT_CASE(decode_test_chain_into_other_chain),
	KUNIT_CASE(decode_test_block_not_in_handover),
	KUNIT_CASE(decode_test_block_misaligned),
	KUNIT_CASE(decode_test_block_kind),
	KUNIT_CASE(decode_test_block_record_size),
	KUNIT_CASE(decode_test_block_slots),
	KUNIT_CASE(decode_test_block_live_over_slots),
	KUNIT_CASE(decode_test_block_live_mismatch),
	KUNIT_CASE(decode_test_free_slot_not_zero),
	KUNIT_CASE(decode_test_record_flags),
	KUNIT_CASE(decode_test_more_records_than_declared),
	KUNIT_CASE(decode_test_fewer_records_than_declared),
	KUNIT_CASE(decode_test_fewer_blocks_than_declared),
	/* units */
	KUNIT_CASE(decode_test_unit_id_zero),
	KUNIT_CASE(decode_test_unit_vendor),
	KUNIT_CASE(decode_test_unit_mode),
	KUNIT_CASE(decode_test_unit_root),
	KUNIT_CASE(decode_test_unit_reserved),
	KUNIT_CASE(decode_test_unit_no_devices),
	KUNIT_CASE(decode_test_unit_nr_devices),
	KUNIT_CASE(decode_test_unit_duplicate_id),
	KUNIT_CASE(decode_test_unit_duplicate_token),
	/* domains */
	KUNIT_CASE(decode_test_domain_id_zero),
	KUNIT_CASE(decode_test_domain_duplicate_id),
	KUNIT_CASE(decode_test_domain_pgtable),
	KUNIT_CASE(decode_test_domain_levels),
	KUNIT_CASE(decode_test_domain_no_pages),
	KUNIT_CASE(decode_test_domain_nr_pages),
	KUNIT_CASE(decode_test_domain_shared_pgtable),
	KUNIT_CASE(decode_test_domain_no_device),
	/* hardware domain ids */
	KUNIT_CASE(decode_test_hw_id_two_domains),
	KUNIT_CASE(decode_test_domain_two_hw_ids),
	KUNIT_CASE(decode_test_device_did_range),
	/* devices */
	KUNIT_CASE(decode_test_device_unit_missing),
	KUNIT_CASE(decode_test_device_domain_missing),
	KUNIT_CASE(decode_test_domain_on_two_units),
	KUNIT_CASE(decode_test_device_segment),
	KUNIT_CASE(decode_test_device_nr_rids),
	KUNIT_CASE(decode_test_device_first_rid),
	KUNIT_CASE(decode_test_device_reserved),
	KUNIT_CASE(decode_test_device_pasid_dir),
	KUNIT_CASE(decode_test_device_rid_twice),
	KUNIT_CASE(decode_test_device_unused_rid),
	KUNIT_CASE(decode_test_rid_on_two_domains),
	KUNIT_CASE(decode_test_rid_shared_same_domain),
	KUNIT_CASE(decode_test_device_twice),
	/* pages */
	KUNIT_CASE(decode_test_page_misaligned),
	KUNIT_CASE(decode_test_page_kind),
	KUNIT_CASE(decode_test_page_owner_missing),
	KUNIT_CASE(decode_test_page_twice),
	KUNIT_CASE(decode_test_page_is_block),
	KUNIT_CASE(decode_test_unit_root_page),
	KUNIT_CASE(decode_test_domain_root_not_its_page),
	/* robustness */
	KUNIT_CASE(decode_test_unaligned_map),
	KUNIT_CASE_SLOW(decode_test_byte_flips),
	{}
};

static struct kunit_suite decode_test_suite = {
	.name = "iommu_lu_decode",
	.test_cases = decode_test_cases,
};

kunit_test_suite(decode_test_suite);

MODULE_DESCRIPTION("KUnit tests for the iommu-lu handover decoder");
MODULE_LICENSE("GPL");
