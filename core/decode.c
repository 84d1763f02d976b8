// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-lu core: the validating decoder of a handover.
 */

/**
 * DOC: validating decoder
 *
 * The handover comes from a kernel that is going away: it may be torn,
 * truncated or simply wrong. iommu_lu_decode() checks all of it before any
 * of it is used and turns it into plain arrays (&struct iommu_lu_handover).
 * It is the only parser: the next kernel's retrieve step, the debugfs view
 * and tools/iommu-lu-decode all use it.
 *
 * Refused, each with a message naming what is wrong:
 *
 * - a header whose compatible string, version, header size or block size is
 *   not exactly ours, unknown header flags, non-zero reserved fields;
 * - a chain that loops, shares a block with another chain, exceeds
 *   %IOMMU_LU_MAX_BLOCKS, or leads to a block the map callback cannot
 *   provide (a page that was not part of the handover);
 * - a block of the wrong kind or record size, a slot count that is not the
 *   one the ABI implies, a live count that does not match, a free slot that
 *   is not all zero, unknown record flags, non-zero reserved fields;
 * - header record or block counts that do not match the chains;
 * - ids that are zero or duplicated, references to a unit or domain that
 *   does not exist, unit device counts or domain page counts that do not
 *   match, a domain no device uses, two domains with one page table;
 * - a hardware domain id of a unit naming two domains, a domain with two
 *   hardware ids on one unit, a VT-d domain id below 2 or above 0xffff;
 * - two records for one unit or for one device (segment and own requester
 *   id), one domain id twice on a unit, a requester id listed twice in a
 *   device or claimed by two devices of a unit on different domains;
 * - page records that are not aligned, of unknown kind, owned by nothing,
 *   declared twice, or that overlap the handover's own blocks; a unit whose
 *   root is not exactly its one root page; a domain whose page-table root is
 *   not one of its pages;
 * - a PASID directory or vendor data on a device of anything but a VT-d
 *   unit in scalable mode; on such a unit, a device without a PASID
 *   directory, with a PDTS above 7, or whose directory pages are not all
 *   PASID-directory page records of its unit.
 */

#define pr_fmt(fmt) "iommu-lu: " fmt

#include "lu_core.h"

const size_t lu_rec_size[IOMMU_LU_REC_NR] = {
	[IOMMU_LU_REC_UNIT] = sizeof(struct iommu_lu_unit_ser),
	[IOMMU_LU_REC_DOMAIN] = sizeof(struct iommu_lu_domain_ser),
	[IOMMU_LU_REC_DEVICE] = sizeof(struct iommu_lu_device_ser),
	[IOMMU_LU_REC_PAGE] = sizeof(struct iommu_lu_page_ser),
};

static const char * const lu_rec_name[IOMMU_LU_REC_NR] = {
	"unit", "domain", "device", "page",
};

struct lu_dec {
	const void *(*map)(void *ctx, u64 phys);
	void *ctx;
	struct iommu_lu_handover *ho;
	char *err;
	size_t errlen;
	u64 *blocks;		/* every block's phys, for overlap checks */
	unsigned int nr_blocks;
};

static __printf(2, 3) int lu_dec_fail(struct lu_dec *d, const char *fmt, ...)
{
	va_list args;

	if (d->err && d->errlen) {
		va_start(args, fmt);
		vsnprintf(d->err, d->errlen, fmt, args);
		va_end(args);
	}
	return -EINVAL;
}

static bool lu_mem_zero(const void *p, size_t len)
{
	const u8 *b = p;

	while (len--)
		if (*b++)
			return false;
	return true;
}

static int lu_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Through the packed structures: a block may sit at any alignment. */
static u32 lu_rec_flags(enum iommu_lu_rec_kind kind, const void *rec)
{
	switch (kind) {
	case IOMMU_LU_REC_UNIT:
		return ((const struct iommu_lu_unit_ser *)rec)->flags;
	case IOMMU_LU_REC_DOMAIN:
		return ((const struct iommu_lu_domain_ser *)rec)->flags;
	case IOMMU_LU_REC_DEVICE:
		return ((const struct iommu_lu_device_ser *)rec)->flags;
	default:
		return ((const struct iommu_lu_page_ser *)rec)->flags;
	}
}

static u32 lu_rec_known_flags(enum iommu_lu_rec_kind kind)
{
	if (kind == IOMMU_LU_REC_UNIT)
		return IOMMU_LU_REC_LIVE | IOMMU_LU_UNIT_CLEANED;
	return IOMMU_LU_REC_LIVE;
}

static void *lu_dec_array(enum iommu_lu_rec_kind kind,
			  struct iommu_lu_handover *ho)
{
	switch (kind) {
	case IOMMU_LU_REC_UNIT:
		return ho->units;
	case IOMMU_LU_REC_DOMAIN:
		return ho->domains;
	case IOMMU_LU_REC_DEVICE:
		return ho->devices;
	default:
		return ho->pages;
	}
}

static int lu_dec_chain(struct lu_dec *d, enum iommu_lu_rec_kind kind)
{
	const struct iommu_lu_header_ser *hdr = &d->ho->hdr;
	const unsigned int slots = min_t(size_t, LU_RECS_PER_BLOCK_MAX,
		(IOMMU_LU_BLOCK_SIZE - sizeof(struct iommu_lu_block_ser)) /
		lu_rec_size[kind]);
	const size_t rsz = lu_rec_size[kind];
	u8 *out = lu_dec_array(kind, d->ho);
	unsigned int nr_blocks = 0, nr_recs = 0, live, i;
	u64 phys = hdr->chain[kind];

	while (phys) {
		const struct iommu_lu_block_ser *blk;
		const u8 *rec;

		if (nr_blocks == hdr->nr_blocks[kind])
			return lu_dec_fail(d, "%s chain longer than the %u blocks declared (loop?)",
					   lu_rec_name[kind], hdr->nr_blocks[kind]);
		if (!IS_ALIGNED(phys, IOMMU_LU_BLOCK_SIZE))
			return lu_dec_fail(d, "%s block 0x%llx not aligned",
					   lu_rec_name[kind], (unsigned long long)phys);
		blk = d->map(d->ctx, phys);
		if (!blk)
			return lu_dec_fail(d, "%s block 0x%llx is not part of the handover",
					   lu_rec_name[kind], (unsigned long long)phys);
		d->blocks[d->nr_blocks++] = phys;

		if (blk->kind != kind || blk->record_size != rsz ||
		    blk->nr_slots != slots)
			return lu_dec_fail(d,
					   "%s block 0x%llx: kind %u, record size %u, %u slots; expected %u, %zu, %u",
					   lu_rec_name[kind], (unsigned long long)phys,
					   blk->kind, blk->record_size, blk->nr_slots,
					   kind, rsz, slots);
		if (blk->nr_live > slots)
			return lu_dec_fail(d, "%s block 0x%llx: %u live records in %u slots",
					   lu_rec_name[kind], (unsigned long long)phys,
					   blk->nr_live, slots);

		rec = (const u8 *)(blk + 1);
		live = 0;
		for (i = 0; i < slots; i++, rec += rsz) {
			u32 flags = lu_rec_flags(kind, rec);

			if (!(flags & IOMMU_LU_REC_LIVE)) {
				if (!lu_mem_zero(rec, rsz))
					return lu_dec_fail(d,
							   "%s block 0x%llx slot %u: free slot not zero",
							   lu_rec_name[kind],
							   (unsigned long long)phys, i);
				continue;
			}
			if (flags & ~lu_rec_known_flags(kind))
				return lu_dec_fail(d, "%s block 0x%llx slot %u: unknown flags %#x",
						   lu_rec_name[kind],
						   (unsigned long long)phys, i, flags);
			if (nr_recs == hdr->nr_records[kind])
				return lu_dec_fail(d, "more %s records than the %u declared",
						   lu_rec_name[kind], hdr->nr_records[kind]);
			memcpy(out + (size_t)nr_recs * rsz, rec, rsz);
			nr_recs++;
			live++;
		}
		if (live != blk->nr_live)
			return lu_dec_fail(d, "%s block 0x%llx: %u live records, header says %u",
					   lu_rec_name[kind], (unsigned long long)phys,
					   live, blk->nr_live);
		nr_blocks++;
		phys = blk->next;
	}

	if (nr_blocks != hdr->nr_blocks[kind] || nr_recs != hdr->nr_records[kind])
		return lu_dec_fail(d,
				   "%s chain: %u blocks and %u records, header declares %u and %u",
				   lu_rec_name[kind], nr_blocks, nr_recs,
				   hdr->nr_blocks[kind], hdr->nr_records[kind]);
	return 0;
}

static int lu_dec_header(struct lu_dec *d, const void *hdrp, size_t size)
{
	const struct iommu_lu_header_ser *hdr = hdrp;
	char compat[sizeof(hdr->compatible)] = { 0 };
	unsigned int k;

	if (!hdrp)
		return lu_dec_fail(d, "no header");
	if (size < sizeof(*hdr))
		return lu_dec_fail(d, "header truncated: %zu bytes, need %zu",
				   size, sizeof(*hdr));
	strscpy(compat, IOMMU_LU_COMPATIBLE, sizeof(compat));
	if (memcmp(hdr->compatible, compat, sizeof(compat))) {
		memcpy(compat, hdr->compatible, sizeof(compat) - 1);
		return lu_dec_fail(d, "compatible \"%s\" is not \"%s\"",
				   compat, IOMMU_LU_COMPATIBLE);
	}
	if (hdr->version != IOMMU_LU_ABI_VERSION)
		return lu_dec_fail(d, "version %u is not %u", hdr->version,
				   IOMMU_LU_ABI_VERSION);
	if (hdr->header_size != sizeof(*hdr) ||
	    hdr->block_size != IOMMU_LU_BLOCK_SIZE)
		return lu_dec_fail(d, "header size %u / block size %u, expected %zu / %u",
				   hdr->header_size, hdr->block_size,
				   sizeof(*hdr), IOMMU_LU_BLOCK_SIZE);
	if (hdr->flags & ~IOMMU_LU_HDR_FROZEN)
		return lu_dec_fail(d, "unknown header flags %#x", hdr->flags);
	if (!lu_mem_zero(hdr->reserved, sizeof(hdr->reserved)))
		return lu_dec_fail(d, "reserved header fields not zero");

	for (k = 0; k < IOMMU_LU_REC_NR; k++) {
		const unsigned int slots = min_t(size_t, LU_RECS_PER_BLOCK_MAX,
			(IOMMU_LU_BLOCK_SIZE - sizeof(struct iommu_lu_block_ser)) /
			lu_rec_size[k]);

		if (hdr->nr_blocks[k] > IOMMU_LU_MAX_BLOCKS)
			return lu_dec_fail(d, "%u %s blocks exceed the cap of %u",
					   hdr->nr_blocks[k], lu_rec_name[k],
					   IOMMU_LU_MAX_BLOCKS);
		if (hdr->nr_records[k] > hdr->nr_blocks[k] * slots)
			return lu_dec_fail(d, "%u %s records cannot fit in %u blocks",
					   hdr->nr_records[k], lu_rec_name[k],
					   hdr->nr_blocks[k]);
		if (!hdr->chain[k] != !hdr->nr_blocks[k])
			return lu_dec_fail(d, "%s chain head 0x%llx with %u blocks",
					   lu_rec_name[k],
					   (unsigned long long)hdr->chain[k],
					   hdr->nr_blocks[k]);
	}
	if (hdr->nr_records[IOMMU_LU_REC_UNIT] > IOMMU_LU_MAX_UNITS)
		return lu_dec_fail(d, "%u units exceed the cap of %u",
				   hdr->nr_records[IOMMU_LU_REC_UNIT],
				   IOMMU_LU_MAX_UNITS);
	return 0;
}

static const struct iommu_lu_unit_ser *
lu_dec_unit(const struct iommu_lu_handover *ho, u32 id)
{
	u32 i;

	for (i = 0; i < ho->nr_units; i++)
		if (ho->units[i].id == id)
			return &ho->units[i];
	return NULL;
}

static int lu_cmp_domain_pt(const void *a, const void *b)
{
	const struct iommu_lu_domain_ser *x = a, *y = b;
	int c = lu_cmp_u64(&x->pgtable_phys, &y->pgtable_phys);

	/* Ties by id: messages name records in a fixed order. */
	return c ? c : (x->id < y->id ? -1 : x->id > y->id);
}

/* Domains are sorted by id once validated: binary search. */
static int lu_cmp_domain(const void *a, const void *b)
{
	u32 x = ((const struct iommu_lu_domain_ser *)a)->id;
	u32 y = ((const struct iommu_lu_domain_ser *)b)->id;

	return x < y ? -1 : x > y;
}

/**
 * iommu_lu_handover_domain() - Find a domain record of a decoded handover.
 * @ho: a handover iommu_lu_decode() returned.
 * @id: domain id.
 *
 * Return: the record, or NULL.
 */
const struct iommu_lu_domain_ser *
iommu_lu_handover_domain(const struct iommu_lu_handover *ho, u32 id)
{
	struct iommu_lu_domain_ser key = { .id = id };

	if (!ho->nr_domains)
		return NULL;
	return bsearch(&key, ho->domains, ho->nr_domains, sizeof(key),
		       lu_cmp_domain);
}

static int lu_dec_units(struct lu_dec *d)
{
	const struct iommu_lu_handover *ho = d->ho;
	u32 i, j;

	for (i = 0; i < ho->nr_units; i++) {
		const struct iommu_lu_unit_ser *u = &ho->units[i];

		if (!u->id)
			return lu_dec_fail(d, "unit record %u has id 0", i);
		if (u->vendor == IOMMU_LU_VENDOR_NONE ||
		    u->vendor >= IOMMU_LU_VENDOR_NR)
			return lu_dec_fail(d, "unit %u: unknown vendor %u",
					   u->id, u->vendor);
		if (u->vendor == IOMMU_LU_VENDOR_INTEL_VTD &&
		    u->mode > IOMMU_LU_MODE_VTD_SCALABLE)
			return lu_dec_fail(d, "unit %u: unknown VT-d mode %u",
					   u->id, u->mode);
		if (!u->root_phys || !IS_ALIGNED(u->root_phys, PAGE_SIZE))
			return lu_dec_fail(d, "unit %u: bad root 0x%llx", u->id,
					   (unsigned long long)u->root_phys);
		if (u->reserved0 || u->vendor_data[0] || u->vendor_data[1])
			return lu_dec_fail(d, "unit %u: reserved fields not zero",
					   u->id);
		if (!u->nr_devices)
			return lu_dec_fail(d, "unit %u has no devices", u->id);
		for (j = 0; j < i; j++) {
			if (ho->units[j].id == u->id)
				return lu_dec_fail(d, "unit id %u twice", u->id);
			if (ho->units[j].vendor == u->vendor &&
			    ho->units[j].token == u->token)
				return lu_dec_fail(d, "unit 0x%llx twice",
						   (unsigned long long)u->token);
		}
	}
	return 0;
}

static int lu_dec_domains(struct lu_dec *d)
{
	struct iommu_lu_handover *ho = d->ho;
	u32 i;

	/* Sorted by page table first to find shared ones, then by id. */
	sort(ho->domains, ho->nr_domains, sizeof(*ho->domains),
	     lu_cmp_domain_pt, NULL);
	for (i = 1; i < ho->nr_domains; i++)
		if (ho->domains[i - 1].pgtable_phys == ho->domains[i].pgtable_phys)
			return lu_dec_fail(d, "domains %u and %u share page table 0x%llx",
					   ho->domains[i - 1].id, ho->domains[i].id,
					   (unsigned long long)ho->domains[i].pgtable_phys);
	sort(ho->domains, ho->nr_domains, sizeof(*ho->domains),
	     lu_cmp_domain, NULL);
	for (i = 0; i < ho->nr_domains; i++) {
		const struct iommu_lu_domain_ser *dom = &ho->domains[i];

		if (!dom->id)
			return lu_dec_fail(d, "domain record has id 0");
		if (i && ho->domains[i - 1].id == dom->id)
			return lu_dec_fail(d, "domain id %u twice", dom->id);
		if (!dom->pgtable_phys ||
		    !IS_ALIGNED(dom->pgtable_phys, PAGE_SIZE))
			return lu_dec_fail(d, "domain %u: bad page table 0x%llx",
					   dom->id,
					   (unsigned long long)dom->pgtable_phys);
		if (dom->levels < 2 || dom->levels > 5)
			return lu_dec_fail(d, "domain %u: %u levels", dom->id,
					   dom->levels);
		if (!dom->nr_pages)
			return lu_dec_fail(d, "domain %u has no pages", dom->id);
	}
	return 0;
}

/*
 * A VT-d unit in scalable mode: its device records carry the PASID directory
 * (pasid_dir_phys) and its size field PDTS (vendor_data), a directory of
 * 2^(PDTS + 7) 8-byte entries, so 2^(PDTS - 2) pages from PDTS 2 up.
 */
#define LU_DEC_VTD_PDTS_MAX	7

static bool lu_dec_vtd_sm(const struct iommu_lu_unit_ser *u)
{
	return u->vendor == IOMMU_LU_VENDOR_INTEL_VTD &&
	       u->mode == IOMMU_LU_MODE_VTD_SCALABLE;
}

static unsigned int lu_dec_pasid_dir_pages(u64 pdts)
{
	return pdts > 2 ? 1U << (pdts - 2) : 1;
}

static int lu_dec_devices(struct lu_dec *d, u32 *unit_devs, u32 *dom_devs)
{
	const struct iommu_lu_handover *ho = d->ho;
	u32 i, j, k;

	for (i = 0; i < ho->nr_devices; i++) {
		const struct iommu_lu_device_ser *dv = &ho->devices[i];
		const struct iommu_lu_unit_ser *u = lu_dec_unit(ho, dv->unit_id);
		const struct iommu_lu_domain_ser *dom;

		if (!u)
			return lu_dec_fail(d, "device %04x: unit %u missing",
					   dv->rid, dv->unit_id);
		dom = iommu_lu_handover_domain(ho, dv->domain_id);
		if (!dom)
			return lu_dec_fail(d, "device %04x: domain %u missing",
					   dv->rid, dv->domain_id);
		/* Linux 7.3's VT-d driver hands out domain ids from 2. */
		if (u->vendor == IOMMU_LU_VENDOR_INTEL_VTD &&
		    (dv->hw_id < 2 || dv->hw_id > 0xffff))
			return lu_dec_fail(d,
					   "device %04x: VT-d domain id %u is reserved or out of range",
					   dv->rid, dv->hw_id);
		dom_devs[dom - ho->domains]++;
		if (dv->segment != u->segment)
			return lu_dec_fail(d, "device %04x: segment %u, unit %u is on %u",
					   dv->rid, dv->segment, u->id, u->segment);
		if (!dv->nr_rids || dv->nr_rids > IOMMU_LU_MAX_RIDS ||
		    dv->rids[0] != dv->rid)
			return lu_dec_fail(d, "device %04x: bad requester id list",
					   dv->rid);
		if (dv->reserved0 ||
		    (!lu_dec_vtd_sm(u) && (dv->pasid_dir_phys || dv->vendor_data)))
			return lu_dec_fail(d, "device %04x: reserved fields not zero",
					   dv->rid);
		if (lu_dec_vtd_sm(u) &&
		    (!dv->pasid_dir_phys || !IS_ALIGNED(dv->pasid_dir_phys, PAGE_SIZE) ||
		     dv->vendor_data > LU_DEC_VTD_PDTS_MAX))
			return lu_dec_fail(d, "device %04x: bad PASID directory 0x%llx (PDTS %llu)",
					   dv->rid,
					   (unsigned long long)dv->pasid_dir_phys,
					   (unsigned long long)dv->vendor_data);
		for (j = 0; j < IOMMU_LU_MAX_RIDS; j++) {
			if (j >= dv->nr_rids) {
				if (dv->rids[j])
					return lu_dec_fail(d,
							   "device %04x: unused requester id slot not zero",
							   dv->rid);
				continue;
			}
			for (k = 0; k < j; k++)
				if (dv->rids[k] == dv->rids[j])
					return lu_dec_fail(d,
							   "device %04x: requester id %04x twice",
							   dv->rid, dv->rids[j]);
		}
		unit_devs[u - ho->units]++;
	}

	for (i = 0; i < ho->nr_units; i++)
		if (unit_devs[i] != ho->units[i].nr_devices)
			return lu_dec_fail(d, "unit %u: %u device records, unit says %u",
					   ho->units[i].id, unit_devs[i],
					   ho->units[i].nr_devices);
	for (i = 0; i < ho->nr_domains; i++)
		if (!dom_devs[i])
			return lu_dec_fail(d, "domain %u has no device", ho->domains[i].id);
	return 0;
}

struct lu_dec_att {
	u32 unit;
	u32 hw_id;
	u32 domain;
};

static int lu_cmp_att_hw(const void *a, const void *b)
{
	const struct lu_dec_att *x = a, *y = b;

	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->hw_id != y->hw_id)
		return x->hw_id < y->hw_id ? -1 : 1;
	return x->domain < y->domain ? -1 : x->domain > y->domain;
}

static int lu_cmp_att_dom(const void *a, const void *b)
{
	const struct lu_dec_att *x = a, *y = b;

	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	return x->hw_id < y->hw_id ? -1 : x->hw_id > y->hw_id;
}

/*
 * On one unit, a hardware domain id names one domain, and a domain has one
 * hardware id (as the driver allocates them: one per domain per unit).
 */
static int lu_dec_attachments(struct lu_dec *d)
{
	const struct iommu_lu_handover *ho = d->ho;
	struct lu_dec_att *a;
	int ret = 0;
	u32 i;

	if (!ho->nr_devices)
		return 0;
	a = kvcalloc(ho->nr_devices, sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	for (i = 0; i < ho->nr_devices; i++) {
		a[i].unit = ho->devices[i].unit_id;
		a[i].hw_id = ho->devices[i].hw_id;
		a[i].domain = ho->devices[i].domain_id;
	}
	sort(a, ho->nr_devices, sizeof(*a), lu_cmp_att_hw, NULL);
	for (i = 1; i < ho->nr_devices && !ret; i++)
		if (a[i].unit == a[i - 1].unit && a[i].hw_id == a[i - 1].hw_id &&
		    a[i].domain != a[i - 1].domain)
			ret = lu_dec_fail(d, "unit %u: hardware domain %u names domains %u and %u",
					  a[i].unit, a[i].hw_id, a[i - 1].domain,
					  a[i].domain);
	sort(a, ho->nr_devices, sizeof(*a), lu_cmp_att_dom, NULL);
	for (i = 1; i < ho->nr_devices && !ret; i++)
		if (a[i].unit == a[i - 1].unit && a[i].domain == a[i - 1].domain &&
		    a[i].hw_id != a[i - 1].hw_id)
			ret = lu_dec_fail(d, "unit %u: domain %u has hardware ids %u and %u",
					  a[i].unit, a[i].domain, a[i - 1].hw_id,
					  a[i].hw_id);
	kvfree(a);
	return ret;
}

/*
 * One requester id of a unit may belong to several devices only when they
 * translate through the same domain (devices behind one PCIe-to-PCI bridge
 * share its alias). Sort (unit, rid, domain) triples and compare neighbours.
 * Then the same for the devices' own ids, which no two records may share.
 */
static int lu_dec_rid_conflicts(struct lu_dec *d)
{
	const struct iommu_lu_handover *ho = d->ho;
	unsigned int n = 0, i, j;
	struct lu_dec_att *k;
	int ret = 0;

	for (i = 0; i < ho->nr_devices; i++)
		n += ho->devices[i].nr_rids;
	if (!n)
		return 0;
	/* (unit, rid, domain) triples; the rid rides in the hw_id slot. */
	k = kvcalloc(n, sizeof(*k), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	n = 0;
	for (i = 0; i < ho->nr_devices; i++) {
		for (j = 0; j < ho->devices[i].nr_rids; j++) {
			k[n].unit = ho->devices[i].unit_id;
			k[n].hw_id = ho->devices[i].rids[j];
			k[n].domain = ho->devices[i].domain_id;
			n++;
		}
	}
	sort(k, n, sizeof(*k), lu_cmp_att_hw, NULL);
	for (i = 1; i < n && !ret; i++)
		if (k[i].unit == k[i - 1].unit && k[i].hw_id == k[i - 1].hw_id &&
		    k[i].domain != k[i - 1].domain)
			ret = lu_dec_fail(d, "unit %u: requester id %04x on domains %u and %u",
					  k[i].unit, k[i].hw_id, k[i - 1].domain,
					  k[i].domain);
	if (ret)
		goto out;

	/* No two records for one device: (segment, own rid) is unique. */
	for (i = 0; i < ho->nr_devices; i++) {
		k[i].unit = ho->devices[i].segment;
		k[i].hw_id = ho->devices[i].rid;
		k[i].domain = 0;
	}
	sort(k, ho->nr_devices, sizeof(*k), lu_cmp_att_hw, NULL);
	for (i = 1; i < ho->nr_devices && !ret; i++)
		if (k[i].unit == k[i - 1].unit && k[i].hw_id == k[i - 1].hw_id)
			ret = lu_dec_fail(d, "segment %u: device %04x twice",
					  k[i].unit, k[i].hw_id);
out:
	kvfree(k);
	return ret;
}

static int lu_cmp_page(const void *a, const void *b)
{
	return lu_cmp_u64(&((const struct iommu_lu_page_ser *)a)->phys,
			  &((const struct iommu_lu_page_ser *)b)->phys);
}

/**
 * iommu_lu_handover_page() - Find a page record of a decoded handover.
 * @ho: a handover iommu_lu_decode() returned.
 * @phys: physical address of the page.
 *
 * Return: the record, or NULL when the handover does not declare the page.
 */
const struct iommu_lu_page_ser *
iommu_lu_handover_page(const struct iommu_lu_handover *ho, u64 phys)
{
	struct iommu_lu_page_ser key = { .phys = phys };

	if (!ho->nr_pages)
		return NULL;
	return bsearch(&key, ho->pages, ho->nr_pages, sizeof(key), lu_cmp_page);
}

static int lu_dec_page_owner(struct lu_dec *d, const struct iommu_lu_page_ser *p,
			     unsigned int *roots, unsigned int *dom_pages)
{
	const struct iommu_lu_handover *ho = d->ho;
	const struct iommu_lu_domain_ser *dom;
	const struct iommu_lu_unit_ser *u;

	if (!p->phys || !IS_ALIGNED(p->phys, PAGE_SIZE))
		return lu_dec_fail(d, "page 0x%llx not aligned",
				   (unsigned long long)p->phys);
	switch (p->kind) {
	case IOMMU_LU_PAGE_ROOT:
	case IOMMU_LU_PAGE_CONTEXT:
	case IOMMU_LU_PAGE_PASID_DIR:
	case IOMMU_LU_PAGE_PASID_TABLE:
		u = lu_dec_unit(ho, p->owner);
		if (!u)
			break;
		if (lu_page_kind_pasid(p->kind) &&
		    u->vendor == IOMMU_LU_VENDOR_INTEL_VTD &&
		    u->mode != IOMMU_LU_MODE_VTD_SCALABLE)
			return lu_dec_fail(d, "page 0x%llx: PASID structure of legacy-mode unit %u",
					   (unsigned long long)p->phys, u->id);
		if (p->kind == IOMMU_LU_PAGE_ROOT) {
			if (p->phys != u->root_phys)
				return lu_dec_fail(d,
						   "unit %u: root page 0x%llx is not its root 0x%llx",
						   u->id, (unsigned long long)p->phys,
						   (unsigned long long)u->root_phys);
			roots[u - ho->units]++;
		}
		return 0;
	case IOMMU_LU_PAGE_PGTABLE:
		dom = iommu_lu_handover_domain(ho, p->owner);
		if (!dom)
			break;
		dom_pages[dom - ho->domains]++;
		return 0;
	default:
		return lu_dec_fail(d, "page 0x%llx: unknown kind %u",
				   (unsigned long long)p->phys, p->kind);
	}
	return lu_dec_fail(d, "page 0x%llx: owner %u missing",
			   (unsigned long long)p->phys, p->owner);
}

static int lu_dec_pages(struct lu_dec *d)
{
	struct iommu_lu_handover *ho = d->ho;
	unsigned int *roots, *dom_pages;
	unsigned int i;
	int ret = -ENOMEM;

	roots = kcalloc(max(ho->nr_units, 1U), sizeof(*roots), GFP_KERNEL);
	dom_pages = kcalloc(max(ho->nr_domains, 1U), sizeof(*dom_pages),
			    GFP_KERNEL);
	if (!roots || !dom_pages)
		goto out;

	for (i = 0; i < ho->nr_pages; i++) {
		ret = lu_dec_page_owner(d, &ho->pages[i], roots, dom_pages);
		if (ret)
			goto out;
	}
	for (i = 0; i < ho->nr_units; i++) {
		if (roots[i] != 1) {
			ret = lu_dec_fail(d, "unit %u has %u root pages",
					  ho->units[i].id, roots[i]);
			goto out;
		}
	}
	for (i = 0; i < ho->nr_domains; i++) {
		if (dom_pages[i] != ho->domains[i].nr_pages) {
			ret = lu_dec_fail(d, "domain %u: %u page records, domain says %u",
					  ho->domains[i].id, dom_pages[i],
					  ho->domains[i].nr_pages);
			goto out;
		}
	}

	sort(ho->pages, ho->nr_pages, sizeof(*ho->pages), lu_cmp_page, NULL);
	for (i = 1; i < ho->nr_pages; i++) {
		if (ho->pages[i].phys == ho->pages[i - 1].phys) {
			ret = lu_dec_fail(d, "page 0x%llx declared twice",
					  (unsigned long long)ho->pages[i].phys);
			goto out;
		}
	}
	for (i = 0; i < d->nr_blocks; i++) {
		if (iommu_lu_handover_page(ho, d->blocks[i])) {
			ret = lu_dec_fail(d, "page 0x%llx is also a handover block",
					  (unsigned long long)d->blocks[i]);
			goto out;
		}
	}
	/* Each domain's page-table root must be one of its own pages. */
	for (i = 0; i < ho->nr_domains; i++) {
		const struct iommu_lu_domain_ser *dom = &ho->domains[i];
		const struct iommu_lu_page_ser *p = iommu_lu_handover_page(ho, dom->pgtable_phys);

		if (!p || p->kind != IOMMU_LU_PAGE_PGTABLE || p->owner != dom->id) {
			ret = lu_dec_fail(d,
					  "domain %u: page-table root 0x%llx is not one of its pages",
					  dom->id,
					  (unsigned long long)dom->pgtable_phys);
			goto out;
		}
	}
	/* Each PASID directory page of a device is one of its unit's. */
	for (i = 0; i < ho->nr_devices; i++) {
		const struct iommu_lu_device_ser *dv = &ho->devices[i];
		unsigned int j;

		if (!dv->pasid_dir_phys)
			continue;
		for (j = 0; j < lu_dec_pasid_dir_pages(dv->vendor_data); j++) {
			u64 phys = dv->pasid_dir_phys + ((u64)j << PAGE_SHIFT);
			const struct iommu_lu_page_ser *p = iommu_lu_handover_page(ho, phys);

			if (!p || p->kind != IOMMU_LU_PAGE_PASID_DIR ||
			    p->owner != dv->unit_id) {
				ret = lu_dec_fail(d,
						  "device %04x: PASID directory page 0x%llx is not a PASID-directory page of unit %u",
						  dv->rid, (unsigned long long)phys,
						  dv->unit_id);
				goto out;
			}
		}
	}
	ret = 0;
out:
	kfree(roots);
	kfree(dom_pages);
	return ret;
}

static int lu_dec_blocks_unique(struct lu_dec *d)
{
	unsigned int i;

	sort(d->blocks, d->nr_blocks, sizeof(*d->blocks), lu_cmp_u64, NULL);
	for (i = 0; i < d->nr_blocks; i++) {
		if (i && d->blocks[i] == d->blocks[i - 1])
			return lu_dec_fail(d, "block 0x%llx used twice (chains loop or overlap)",
					   (unsigned long long)d->blocks[i]);
	}
	return 0;
}

/**
 * iommu_lu_decode() - Validate a handover and decode it into arrays.
 * @hdr: the header page (the KHO subtree blob).
 * @size: its size as KHO reported it.
 * @map: returns a pointer to the %IOMMU_LU_BLOCK_SIZE bytes of the block at
 *	a physical address, or NULL when that page is not part of the handover
 *	(in the kernel: not KHO-preserved). Called once per block.
 * @ctx: passed to @map.
 * @ho: out: the decoded handover; release with iommu_lu_handover_free().
 * @err: out: a message saying what is wrong, on error; may be NULL.
 * @errlen: size of @err.
 *
 * Checks everything listed in the "validating decoder" section before
 * returning anything; on error @ho is left empty. The header pointer may be
 * any readable memory: the decoder never writes through it.
 *
 * Return: 0, -EINVAL (the handover is invalid: @err says why), -ENOMEM.
 */
int iommu_lu_decode(const void *hdr, size_t size,
		    const void *(*map)(void *ctx, u64 phys), void *ctx,
		    struct iommu_lu_handover *ho, char *err, size_t errlen)
{
	struct lu_dec d = {
		.map = map, .ctx = ctx, .ho = ho, .err = err, .errlen = errlen,
	};
	u32 *unit_devs = NULL, *dom_devs = NULL;
	unsigned int k, total_blocks = 0;
	int ret;

	memset(ho, 0, sizeof(*ho));
	if (err && errlen)
		err[0] = '\0';

	ret = lu_dec_header(&d, hdr, size);
	if (ret)
		return ret;
	memcpy(&ho->hdr, hdr, sizeof(ho->hdr));

	for (k = 0; k < IOMMU_LU_REC_NR; k++)
		total_blocks += ho->hdr.nr_blocks[k];
	ret = -ENOMEM;
	d.blocks = kvcalloc(max(total_blocks, 1U), sizeof(u64), GFP_KERNEL);
	ho->units = kvcalloc(max(ho->hdr.nr_records[IOMMU_LU_REC_UNIT], 1U),
			     sizeof(*ho->units), GFP_KERNEL);
	ho->domains = kvcalloc(max(ho->hdr.nr_records[IOMMU_LU_REC_DOMAIN], 1U),
			       sizeof(*ho->domains), GFP_KERNEL);
	ho->devices = kvcalloc(max(ho->hdr.nr_records[IOMMU_LU_REC_DEVICE], 1U),
			       sizeof(*ho->devices), GFP_KERNEL);
	ho->pages = kvcalloc(max(ho->hdr.nr_records[IOMMU_LU_REC_PAGE], 1U),
			     sizeof(*ho->pages), GFP_KERNEL);
	unit_devs = kcalloc(max(ho->hdr.nr_records[IOMMU_LU_REC_UNIT], 1U),
			    sizeof(*unit_devs), GFP_KERNEL);
	dom_devs = kvcalloc(max(ho->hdr.nr_records[IOMMU_LU_REC_DOMAIN], 1U),
			    sizeof(*dom_devs), GFP_KERNEL);
	if (!d.blocks || !ho->units || !ho->domains || !ho->devices ||
	    !ho->pages || !unit_devs || !dom_devs)
		goto fail;

	for (k = 0; k < IOMMU_LU_REC_NR; k++) {
		ret = lu_dec_chain(&d, k);
		if (ret)
			goto fail;
	}
	ho->nr_units = ho->hdr.nr_records[IOMMU_LU_REC_UNIT];
	ho->nr_domains = ho->hdr.nr_records[IOMMU_LU_REC_DOMAIN];
	ho->nr_devices = ho->hdr.nr_records[IOMMU_LU_REC_DEVICE];
	ho->nr_pages = ho->hdr.nr_records[IOMMU_LU_REC_PAGE];

	ret = lu_dec_blocks_unique(&d);
	if (!ret)
		ret = lu_dec_units(&d);
	if (!ret)
		ret = lu_dec_domains(&d);
	if (!ret)
		ret = lu_dec_devices(&d, unit_devs, dom_devs);
	if (!ret)
		ret = lu_dec_attachments(&d);
	if (!ret)
		ret = lu_dec_rid_conflicts(&d);
	if (!ret)
		ret = lu_dec_pages(&d);
	if (ret)
		goto fail;

	kfree(unit_devs);
	kvfree(dom_devs);
	kvfree(d.blocks);
	return 0;

fail:
	kfree(unit_devs);
	kvfree(dom_devs);
	kvfree(d.blocks);
	iommu_lu_handover_free(ho);
	return ret;
}

/**
 * iommu_lu_handover_free() - Release what iommu_lu_decode() allocated.
 * @ho: the handover; left empty. Safe on an empty one.
 */
void iommu_lu_handover_free(struct iommu_lu_handover *ho)
{
	kvfree(ho->units);
	kvfree(ho->domains);
	kvfree(ho->devices);
	kvfree(ho->pages);
	memset(ho, 0, sizeof(*ho));
}
