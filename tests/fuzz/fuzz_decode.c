// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the validating decoder over a flat handover dump.
 */

/**
 * DOC: decoder fuzzer
 *
 * Input: a flat dump (&struct iommu_lu_dump_page_ser + 4 KiB per page, the
 * header page first; lu_ser_dump(), tests/golden). iommu_lu_decode() runs
 * over it with lu_dump_map() as its map callback, the way
 * tools/iommu-lu-decode does. Besides ASan/UBSan, each input checks:
 *
 * - the result is 0, -EINVAL with a message, or -ENOMEM; on error the
 *   handover is left empty;
 * - map is called at most once per block the header declares, plus one;
 * - nothing the decoder allocated outlives iommu_lu_handover_free();
 * - what it accepts satisfies, by brute force, every property the
 *   "validating decoder" DOC of core/decode.c promises (counts, ids,
 *   references, requester-id lists, page records, sorted lookups).
 *
 * A violated property aborts, which libFuzzer reports as a crash. Half of
 * the mutations are followed by a repair of every count the decoder
 * cross-checks (tests/fuzz/repair.h), so that mutated records get past the
 * counts to the checks behind them.
 *
 * Built with clang -fsanitize=fuzzer,address,undefined (tests/fuzz/fuzz.mk).
 */
#include <stdio.h>
#include <stdlib.h>
#include "iommu_lu_vendor.h"
#include "../golden/dump_map.h"
#include "../../core/lu_core.h"
#include "repair.h"

struct fz_map {
	struct lu_dump d;
	unsigned int calls;
};

static const void *fz_map(void *ctx, u64 phys)
{
	struct fz_map *m = ctx;

	m->calls++;
	return lu_dump_map(&m->d, phys);
}

static void __noreturn fz_die(const char *what)
{
	fprintf(stderr, "fuzz_decode: accepted handover violates: %s\n", what);
	abort();
}

#define FZ_CHECK(cond) do { if (!(cond)) fz_die(#cond); } while (0)

static const struct iommu_lu_unit_ser *fz_unit(const struct iommu_lu_handover *ho,
					       u32 id)
{
	u32 i;

	for (i = 0; i < ho->nr_units; i++)
		if (ho->units[i].id == id)
			return &ho->units[i];
	return NULL;
}

/* Everything the decoder promises about what it accepts, by brute force. */
static void fz_check(const struct iommu_lu_handover *ho)
{
	const struct iommu_lu_header_ser *h = &ho->hdr;
	u32 i, j, k;

	FZ_CHECK(!strcmp(h->compatible, IOMMU_LU_COMPATIBLE));
	FZ_CHECK(h->version == IOMMU_LU_ABI_VERSION);
	FZ_CHECK(!(h->flags & ~IOMMU_LU_HDR_FROZEN));
	FZ_CHECK(ho->nr_units == h->nr_records[IOMMU_LU_REC_UNIT]);
	FZ_CHECK(ho->nr_domains == h->nr_records[IOMMU_LU_REC_DOMAIN]);
	FZ_CHECK(ho->nr_devices == h->nr_records[IOMMU_LU_REC_DEVICE]);
	FZ_CHECK(ho->nr_pages == h->nr_records[IOMMU_LU_REC_PAGE]);
	FZ_CHECK(ho->nr_units <= IOMMU_LU_MAX_UNITS);
	for (k = 0; k < IOMMU_LU_REC_NR; k++)
		FZ_CHECK(h->nr_blocks[k] <= IOMMU_LU_MAX_BLOCKS);

	for (i = 0; i < ho->nr_units; i++) {
		const struct iommu_lu_unit_ser *u = &ho->units[i];
		unsigned int roots = 0, devs = 0;

		FZ_CHECK(u->flags & IOMMU_LU_REC_LIVE);
		FZ_CHECK(u->id);
		FZ_CHECK(u->vendor > IOMMU_LU_VENDOR_NONE &&
			 u->vendor < IOMMU_LU_VENDOR_NR);
		FZ_CHECK(u->root_phys && IS_ALIGNED(u->root_phys, PAGE_SIZE));
		FZ_CHECK(!u->reserved0);
		for (j = 0; j < i; j++) {
			FZ_CHECK(ho->units[j].id != u->id);
			FZ_CHECK(ho->units[j].vendor != u->vendor ||
				 ho->units[j].token != u->token);
		}
		for (j = 0; j < ho->nr_pages; j++)
			if (ho->pages[j].kind == IOMMU_LU_PAGE_ROOT &&
			    ho->pages[j].owner == u->id) {
				roots++;
				FZ_CHECK(ho->pages[j].phys == u->root_phys);
			}
		FZ_CHECK(roots == 1);
		for (j = 0; j < ho->nr_devices; j++)
			devs += ho->devices[j].unit_id == u->id;
		FZ_CHECK(devs == u->nr_devices && devs);
	}

	for (i = 0; i < ho->nr_domains; i++) {
		const struct iommu_lu_domain_ser *d = &ho->domains[i];
		const struct iommu_lu_page_ser *root;
		unsigned int pages = 0, devs = 0;

		FZ_CHECK(d->flags & IOMMU_LU_REC_LIVE);
		FZ_CHECK(d->id);
		FZ_CHECK(!i || ho->domains[i - 1].id < d->id);	/* sorted, unique */
		FZ_CHECK(d->levels >= 2 && d->levels <= 5);
		FZ_CHECK(iommu_lu_handover_domain(ho, d->id) == d);
		for (j = 0; j < i; j++)
			FZ_CHECK(ho->domains[j].pgtable_phys != d->pgtable_phys);
		for (j = 0; j < ho->nr_pages; j++)
			pages += ho->pages[j].kind == IOMMU_LU_PAGE_PGTABLE &&
				 ho->pages[j].owner == d->id;
		FZ_CHECK(pages == d->nr_pages && pages);
		root = iommu_lu_handover_page(ho, d->pgtable_phys);
		FZ_CHECK(root && root->kind == IOMMU_LU_PAGE_PGTABLE &&
			 root->owner == d->id);
		for (j = 0; j < ho->nr_devices; j++)
			devs += ho->devices[j].domain_id == d->id;
		FZ_CHECK(devs);
	}

	for (i = 0; i < ho->nr_devices; i++) {
		const struct iommu_lu_device_ser *dv = &ho->devices[i];
		const struct iommu_lu_unit_ser *u = fz_unit(ho, dv->unit_id);
		const struct iommu_lu_domain_ser *d =
			iommu_lu_handover_domain(ho, dv->domain_id);

		FZ_CHECK(dv->flags & IOMMU_LU_REC_LIVE);
		FZ_CHECK(u && d);
		FZ_CHECK(dv->segment == u->segment);
		FZ_CHECK(u->vendor != IOMMU_LU_VENDOR_INTEL_VTD ||
			 (dv->hw_id >= 2 && dv->hw_id <= 0xffff));
		FZ_CHECK(dv->nr_rids >= 1 && dv->nr_rids <= IOMMU_LU_MAX_RIDS);
		FZ_CHECK(dv->rids[0] == dv->rid);
		FZ_CHECK(!dv->reserved0);
		for (j = 0; j < IOMMU_LU_MAX_RIDS; j++) {
			if (j >= dv->nr_rids) {
				FZ_CHECK(!dv->rids[j]);
				continue;
			}
			for (k = 0; k < j; k++)
				FZ_CHECK(dv->rids[k] != dv->rids[j]);
		}
		for (j = 0; j < i; j++) {
			const struct iommu_lu_device_ser *o = &ho->devices[j];
			u32 a, b;

			/* One record per device. */
			FZ_CHECK(o->segment != dv->segment || o->rid != dv->rid);
			if (o->unit_id != dv->unit_id)
				continue;
			/* On a unit, hardware ids and domains pair one to one. */
			FZ_CHECK((o->hw_id == dv->hw_id) == (o->domain_id == dv->domain_id));
			/* An id two devices of a unit share: one domain. */
			if (o->domain_id == dv->domain_id)
				continue;
			for (a = 0; a < dv->nr_rids; a++)
				for (b = 0; b < o->nr_rids; b++)
					FZ_CHECK(dv->rids[a] != o->rids[b]);
		}
	}

	for (i = 0; i < ho->nr_pages; i++) {
		const struct iommu_lu_page_ser *p = &ho->pages[i];

		FZ_CHECK(p->flags & IOMMU_LU_REC_LIVE);
		FZ_CHECK(p->phys && IS_ALIGNED(p->phys, PAGE_SIZE));
		FZ_CHECK(!i || ho->pages[i - 1].phys < p->phys);	/* sorted, unique */
		FZ_CHECK(iommu_lu_handover_page(ho, p->phys) == p);
		switch (p->kind) {
		case IOMMU_LU_PAGE_PGTABLE:
			FZ_CHECK(iommu_lu_handover_domain(ho, p->owner));
			break;
		case IOMMU_LU_PAGE_ROOT:
		case IOMMU_LU_PAGE_CONTEXT:
		case IOMMU_LU_PAGE_PASID_DIR:
		case IOMMU_LU_PAGE_PASID_TABLE:
			FZ_CHECK(fz_unit(ho, p->owner));
			break;
		default:
			fz_die("page kind");
		}
	}
}

/* A page record may not be one of the handover's own blocks. */
static void fz_check_blocks(const struct iommu_lu_handover *ho,
			    const struct lu_dump *d)
{
	unsigned int k, n = 0;

	for (k = 0; k < IOMMU_LU_REC_NR; k++) {
		u64 phys = ho->hdr.chain[k];

		while (phys) {
			const struct iommu_lu_block_ser *blk = lu_dump_map((void *)d, phys);

			FZ_CHECK(blk && n++ < 4 * IOMMU_LU_MAX_BLOCKS);
			FZ_CHECK(!iommu_lu_handover_page(ho, phys));
			phys = blk->next;
		}
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fz_map m = { .d = { .buf = data, .len = size } };
	struct iommu_lu_handover ho;
	const void *hdr = lu_dump_header(&m.d);
	size_t live = shim_slab_live();
	unsigned long declared = 1;
	char err[160];
	unsigned int k;
	int ret;

	ret = iommu_lu_decode(hdr, hdr ? IOMMU_LU_BLOCK_SIZE : 0, fz_map, &m,
			      &ho, err, sizeof(err));
	if (hdr)
		for (k = 0; k < IOMMU_LU_REC_NR; k++)
			declared += ((const struct iommu_lu_header_ser *)hdr)->nr_blocks[k];
	FZ_CHECK(m.calls <= declared);
	if (!ret) {
		fz_check(&ho);
		fz_check_blocks(&ho, &m.d);
	} else {
		FZ_CHECK(ret == -EINVAL || ret == -ENOMEM);
		FZ_CHECK(ret != -EINVAL || err[0]);
		FZ_CHECK(!ho.units && !ho.domains && !ho.devices && !ho.pages);
		FZ_CHECK(!ho.nr_units && !ho.nr_domains && !ho.nr_devices &&
			 !ho.nr_pages);
	}
	iommu_lu_handover_free(&ho);
	FZ_CHECK(shim_slab_live() == live);
	shim_log_clear();
	return 0;
}
