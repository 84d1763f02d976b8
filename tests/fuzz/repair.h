/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer custom mutator shared by the handover fuzzers: byte-level
 * mutation, then, half of the time, repair of every count the decoder
 * cross-checks, so that mutated records reach the checks behind the counts
 * (ids, references, pages) and the next kernel's adopt step.
 */
#ifndef _IOMMU_LU_FUZZ_REPAIR_H
#define _IOMMU_LU_FUZZ_REPAIR_H

#include <stdlib.h>
#include "iommu_lu_abi.h"
#include "../golden/dump_map.h"

size_t LLVMFuzzerMutate(u8 *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(u8 *data, size_t size, size_t max_size,
			       unsigned int seed);

static const size_t fz_rec_size[IOMMU_LU_REC_NR] = {
	[IOMMU_LU_REC_UNIT] = sizeof(struct iommu_lu_unit_ser),
	[IOMMU_LU_REC_DOMAIN] = sizeof(struct iommu_lu_domain_ser),
	[IOMMU_LU_REC_DEVICE] = sizeof(struct iommu_lu_device_ser),
	[IOMMU_LU_REC_PAGE] = sizeof(struct iommu_lu_page_ser),
};

static u32 fz_rec_flags(unsigned int kind, const u8 *rec)
{
	if (kind == IOMMU_LU_REC_PAGE)
		return ((const struct iommu_lu_page_ser *)rec)->flags;
	return ((const struct iommu_lu_unit_ser *)rec)->flags;	/* first u32 */
}

/* Writable page of @buf at @phys (first match, as lu_dump_map()). */
static u8 *fz_page(u8 *buf, size_t size, u64 phys)
{
	const struct lu_dump d = { .buf = buf, .len = size };

	return (u8 *)lu_dump_map((void *)&d, phys);
}

/* Call @fn on every live record of chain @kind (at most 64 blocks). */
static void fz_for_each(u8 *buf, size_t size, unsigned int kind,
			void (*fn)(u8 *rec, void *arg), void *arg)
{
	struct iommu_lu_header_ser *hdr = (void *)lu_dump_page(buf, 0);
	u64 phys = hdr->chain[kind];
	unsigned int n = 0, i, slots;

	slots = (IOMMU_LU_BLOCK_SIZE - sizeof(struct iommu_lu_block_ser)) /
		fz_rec_size[kind];
	if (slots > 256)
		slots = 256;
	while (phys && n++ < 64) {
		struct iommu_lu_block_ser *blk = (void *)fz_page(buf, size, phys);
		u8 *rec;

		if (!blk)
			return;
		rec = (u8 *)(blk + 1);
		for (i = 0; i < slots; i++, rec += fz_rec_size[kind])
			if (fz_rec_flags(kind, rec) & IOMMU_LU_REC_LIVE)
				fn(rec, arg);
		phys = blk->next;
	}
}

struct fz_count {
	u32 id;
	u32 n;
};

static void fz_count_unit_devs(u8 *rec, void *arg)
{
	struct fz_count *c = arg;

	c->n += ((struct iommu_lu_device_ser *)rec)->unit_id == c->id;
}

static void fz_count_dom_pages(u8 *rec, void *arg)
{
	const struct iommu_lu_page_ser *p = (const void *)rec;
	struct fz_count *c = arg;

	c->n += p->kind == IOMMU_LU_PAGE_PGTABLE && p->owner == c->id;
}

struct fz_repair_ctx {
	u8 *buf;
	size_t size;
};

static void fz_fix_unit(u8 *rec, void *arg)
{
	struct iommu_lu_unit_ser *u = (void *)rec;
	struct fz_repair_ctx *r = arg;
	struct fz_count c = { .id = u->id };

	fz_for_each(r->buf, r->size, IOMMU_LU_REC_DEVICE, fz_count_unit_devs, &c);
	u->nr_devices = c.n;
}

static void fz_fix_domain(u8 *rec, void *arg)
{
	struct iommu_lu_domain_ser *d = (void *)rec;
	struct fz_repair_ctx *r = arg;
	struct fz_count c = { .id = d->id };

	fz_for_each(r->buf, r->size, IOMMU_LU_REC_PAGE, fz_count_dom_pages, &c);
	d->nr_pages = c.n;
}

/*
 * Make every count agree with the records: each block's live count (free
 * slots zeroed), the header's block and record counts, each unit's device
 * count, each domain's page count.
 */
static void fz_repair(u8 *buf, size_t size)
{
	struct fz_repair_ctx r = { .buf = buf, .size = size };
	struct iommu_lu_header_ser *hdr;
	unsigned int k, i, slots, n;

	if (size < LU_DUMP_PAGE ||
	    ((struct iommu_lu_dump_page_ser *)buf)->magic != IOMMU_LU_DUMP_MAGIC)
		return;
	hdr = (void *)lu_dump_page(buf, 0);
	for (k = 0; k < IOMMU_LU_REC_NR; k++) {
		u64 phys = hdr->chain[k];
		u32 blocks = 0, recs = 0;

		slots = (IOMMU_LU_BLOCK_SIZE - sizeof(struct iommu_lu_block_ser)) /
			fz_rec_size[k];
		if (slots > 256)
			slots = 256;
		for (n = 0; phys && n < 64; n++) {
			struct iommu_lu_block_ser *blk = (void *)fz_page(buf, size, phys);
			u8 *rec;

			if (!blk)
				break;
			blk->nr_live = 0;
			rec = (u8 *)(blk + 1);
			for (i = 0; i < slots; i++, rec += fz_rec_size[k]) {
				if (fz_rec_flags(k, rec) & IOMMU_LU_REC_LIVE)
					blk->nr_live++;
				else
					memset(rec, 0, fz_rec_size[k]);
			}
			recs += blk->nr_live;
			blocks++;
			phys = blk->next;
		}
		hdr->nr_blocks[k] = blocks;
		hdr->nr_records[k] = recs;
	}
	fz_for_each(buf, size, IOMMU_LU_REC_UNIT, fz_fix_unit, &r);
	fz_for_each(buf, size, IOMMU_LU_REC_DOMAIN, fz_fix_domain, &r);
}

size_t LLVMFuzzerCustomMutator(u8 *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	size = LLVMFuzzerMutate(data, size, max_size);
	if (seed & 1)
		fz_repair(data, size);
	return size;
}

#endif /* _IOMMU_LU_FUZZ_REPAIR_H */
