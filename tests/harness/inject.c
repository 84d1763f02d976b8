// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace harness: boot on an injected handover and check the outcome.
 * See inject.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "inject.h"
#include "model/kho.h"
#include "model/physmem.h"
#include "../core/lu_core.h"
#include "../golden/dump_map.h"
#include "../golden/handover_v1.h"

#define INJ_MAX_BUS	8		/* every id of buses 0-7 is probed */
#define INJ_MAX_OK	64		/* translations of the reference */
#define INJ_UNMAPPED	0x300000ULL	/* an IOVA no domain maps */

/* What the old kernel's hardware translated after its cleanup. */
struct inj_ok {
	u16 rid;
	u64 iova;
	u64 phys;
};

static struct {
	bool ready;
	u64 iovas[LU_GOLDEN_PAGES_A + LU_GOLDEN_PAGES_B + 1];
	unsigned int nr_iovas;
	struct inj_ok ok[INJ_MAX_OK];
	unsigned int nr_ok;
} inj_ref;

static __printf(2, 3) enum lu_inject_ret inj_fail(struct lu_inject_result *res,
						    const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(res->msg, sizeof(res->msg), fmt, args);
	va_end(args);
	return LU_INJECT_VIOLATION;
}

static void inj_build(struct lu_golden *g)
{
	if (lu_golden_build(g)) {
		fprintf(stderr, "inject: the golden scenario does not build\n");
		abort();
	}
}

/* The reference: which (rid, IOVA) translate after the old kernel's cleanup. */
static void inj_reference(void)
{
	struct lu_golden g;
	unsigned int rid, i;

	if (inj_ref.ready)
		return;
	inj_build(&g);
	for (i = 0; i < LU_GOLDEN_PAGES_A; i++)
		inj_ref.iovas[inj_ref.nr_iovas++] = LU_GOLDEN_IOVA_A + i * PAGE_SIZE;
	for (i = 0; i < LU_GOLDEN_PAGES_B; i++)
		inj_ref.iovas[inj_ref.nr_iovas++] = LU_GOLDEN_IOVA_B + i * PAGE_SIZE;
	inj_ref.iovas[inj_ref.nr_iovas++] = INJ_UNMAPPED;

	for (rid = 0; rid < 65536; rid++) {
		for (i = 0; i < inj_ref.nr_iovas; i++) {
			u64 phys;

			if (vtd_model_translate(g.m->hw[0], rid, inj_ref.iovas[i],
						false, &phys))
				continue;
			if (inj_ref.nr_ok == INJ_MAX_OK) {
				fprintf(stderr, "inject: reference translates too much\n");
				abort();
			}
			inj_ref.ok[inj_ref.nr_ok++] =
				(struct inj_ok){ rid, inj_ref.iovas[i], phys };
		}
	}
	/* 01:00.0: 4 pages; 05:02.0 as 0510, 0408, 0400: 2 pages each. */
	if (inj_ref.nr_ok != LU_GOLDEN_PAGES_A + 3 * LU_GOLDEN_PAGES_B) {
		fprintf(stderr, "inject: reference has %u translations\n",
			inj_ref.nr_ok);
		abort();
	}
	lu_golden_free(&g);
	inj_ref.ready = true;
}

static const struct inj_ok *inj_ref_find(u16 rid, u64 iova)
{
	unsigned int i;

	for (i = 0; i < inj_ref.nr_ok; i++)
		if (inj_ref.ok[i].rid == rid && inj_ref.ok[i].iova == iova)
			return &inj_ref.ok[i];
	return NULL;
}

/* The next kernel's view of a page: there only if KHO hands it over. */
static const void *inj_kho_map(void *ctx, u64 phys)
{
	if (!IS_ALIGNED(phys, PAGE_SIZE) || !kho_model_preserved(phys))
		return NULL;
	return physmem_va(phys);
}

/* Withdraw the handover the old kernel wrote; its pages are freed. */
static void inj_withdraw(void)
{
	struct lu_dump d;
	u8 *buf;
	unsigned int i;

	d.len = lu_golden_dump(NULL, 0);
	buf = malloc(d.len);
	if (!buf || lu_golden_dump(buf, d.len) != d.len)
		abort();
	d.buf = buf;
	if (d.len != IOMMU_LU_GOLDEN_V1_SIZE ||
	    memcmp(buf, iommu_lu_golden_v1, d.len)) {
		fprintf(stderr, "inject: the golden scenario no longer writes the golden blob\n");
		abort();
	}
	for (i = 0; i < d.len / LU_DUMP_PAGE; i++) {
		void *va = physmem_va(lu_dump_phys(&d, i));

		if (!i)
			kho_remove_subtree(va);
		kho_unpreserve_free(va);
	}
	free(buf);
}

/* Place the input's pages; the first becomes the subtree blob. */
static void inj_install(const u8 *data, size_t size, u64 hdr_phys,
			struct lu_inject_result *res)
{
	const struct lu_dump d = { .buf = data, .len = size };
	unsigned int i;

	for (i = 0; i < size / LU_DUMP_PAGE; i++) {
		const struct iommu_lu_dump_page_ser *dp =
			(const void *)(data + (size_t)i * LU_DUMP_PAGE);
		u64 phys;

		if (dp->magic != IOMMU_LU_DUMP_MAGIC)
			break;		/* where lu_dump_map() stops too */
		phys = lu_dump_phys(&d, i);
		if (!physmem_claim_page(phys)) {
			res->skipped++;
			continue;
		}
		memcpy(physmem_va(phys), dp + 1, IOMMU_LU_BLOCK_SIZE);
		if (kho_preserve_pages(physmem_page(phys), 1))
			abort();
		res->installed++;
	}
	if (kho_add_subtree(IOMMU_LU_KHO_NAME, physmem_va(hdr_phys),
			    IOMMU_LU_BLOCK_SIZE))
		abort();
}

/* The oracle: decode as the next kernel will, note whether it names us. */
static void inj_oracle(u64 hdr_phys, struct lu_inject_result *res,
		       u16 *rids, unsigned int *nr_rids, unsigned int max_rids)
{
	struct iommu_lu_handover ho;
	const void *hdr = inj_kho_map(NULL, hdr_phys);
	u32 i, j;

	*nr_rids = 0;
	if (!hdr) {
		snprintf(res->err, sizeof(res->err), "header page not handed over");
		return;
	}
	if (iommu_lu_decode(hdr, IOMMU_LU_BLOCK_SIZE, inj_kho_map, NULL, &ho,
			    res->err, sizeof(res->err)))
		return;
	res->decoded = true;
	for (i = 0; i < ho.nr_units; i++)
		if (ho.units[i].vendor == IOMMU_LU_VENDOR_INTEL_VTD &&
		    ho.units[i].token == LU_MACHINE_REG_BASE)
			res->named = true;
	for (i = 0; i < ho.nr_devices; i++)
		for (j = 0; j < ho.devices[i].nr_rids && *nr_rids < max_rids; j++)
			rids[(*nr_rids)++] = ho.devices[i].rids[j];
	iommu_lu_handover_free(&ho);
}

/* Probe one requester id at every IOVA. */
static enum lu_inject_ret inj_probe_rid(struct vtd_model *hw, u16 rid,
					bool adopted,
					struct lu_inject_result *res)
{
	unsigned int i;

	for (i = 0; i < inj_ref.nr_iovas; i++) {
		const struct inj_ok *want = adopted ?
			inj_ref_find(rid, inj_ref.iovas[i]) : NULL;
		u64 phys = 0;
		int ret = vtd_model_translate(hw, rid, inj_ref.iovas[i], false,
					      &phys);

		res->probes++;
		if (!ret)
			res->translated++;
		if (!ret != !!want || (want && phys != want->phys))
			return inj_fail(res,
					"%s unit: rid %04x iova %#llx: %s %#llx, want %s %#llx",
					adopted ? "adopted" : "not adopted", rid,
					(unsigned long long)inj_ref.iovas[i],
					ret ? "fault" : "translated to",
					(unsigned long long)phys,
					want ? "translation to" : "a fault",
					want ? (unsigned long long)want->phys : 0ULL);
	}
	return LU_INJECT_OK;
}

static enum lu_inject_ret inj_probe(struct vtd_model *hw, bool adopted,
				    const u16 *rids, unsigned int nr_rids,
				    struct lu_inject_result *res)
{
	unsigned int rid, i;
	enum lu_inject_ret ret;

	for (rid = 0; rid < INJ_MAX_BUS * 256; rid++) {
		ret = inj_probe_rid(hw, rid, adopted, res);
		if (ret)
			return ret;
	}
	for (i = 0; i < nr_rids; i++) {
		ret = inj_probe_rid(hw, rids[i], adopted, res);
		if (ret)
			return ret;
	}
	vtd_model_clear_faults(hw);
	return LU_INJECT_OK;
}

/* Add the pages of a second-level table of @levels levels at @top. */
static unsigned int inj_walk(u64 top, unsigned int levels, u64 *out,
			     unsigned int n, unsigned int max)
{
	unsigned int first = n, last, i, k;

	if (n < max)
		out[n++] = top;
	/* Breadth first: the tables of level l lead to those of l - 1. */
	for (; levels > 1; levels--) {
		for (last = n, i = first; i < last; i++) {
			const u64 *pte = physmem_va(out[i]);

			for (k = 0; k < 512 && pte; k++)
				if ((pte[k] & 3) && !(pte[k] & BIT(7)) && n < max)
					out[n++] = pte[k] & GENMASK_ULL(51, 12);
		}
		first = last;
	}
	return n;
}

/*
 * Pages the translation of the adopted requester ids uses, read from the
 * hardware: the root table, their context tables, their page tables.
 */
static unsigned int inj_hw_pages(struct iommu_lu_unit *unit, u64 *out,
				 unsigned int max)
{
	const u64 *re = physmem_va(unit->root_phys);
	struct lu_device *ld;
	unsigned int n = 0, bkt, i;

	if (!re)
		return 0;
	out[n++] = unit->root_phys;
	hash_for_each(lu.devices_by_rid, bkt, ld, rid_node) {
		if (ld->unit != unit || !ld->adopted)
			continue;
		for (i = 0; i < ld->nr_rids; i++) {
			u16 rid = ld->rids[i];
			u64 ctp = re[2 * (rid >> 8)] & GENMASK_ULL(51, 12);
			const u64 *ce = physmem_va(ctp);
			u64 lo, hi;

			if (!(re[2 * (rid >> 8)] & 1) || !ce)
				continue;
			if (n < max)
				out[n++] = ctp;
			lo = ce[2 * (rid & 0xff)];
			hi = ce[2 * (rid & 0xff) + 1];
			if (lo & 1)
				n = inj_walk(lo & GENMASK_ULL(51, 12), (hi & 7) + 2,
					     out, n, max);
		}
	}
	return n;
}

static int inj_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Unique, sorted. */
static unsigned int inj_uniq(u64 *p, unsigned int n)
{
	unsigned int i, m = 0;

	qsort(p, n, sizeof(*p), inj_cmp_u64);
	for (i = 0; i < n; i++)
		if (!m || p[m - 1] != p[i])
			p[m++] = p[i];
	return m;
}

/* Do the unit's page records describe exactly the tables it adopted? */
static bool inj_pageset_matches(struct iommu_lu_unit *unit)
{
	u64 hw[512], rec[512];
	unsigned int nh, nr = 0, bkt;
	struct lu_page *p;

	nh = inj_uniq(hw, inj_hw_pages(unit, hw, ARRAY_SIZE(hw)));
	/* One unit on the machine: every registry page is its. */
	hash_for_each(lu.pages, bkt, p, node)
		if (nr < ARRAY_SIZE(rec))
			rec[nr++] = p->phys;
	nr = inj_uniq(rec, nr);
	return nh == nr && !memcmp(hw, rec, nh * sizeof(*hw));
}

/* After finish: nothing of an adoption may be left. */
static enum lu_inject_ret inj_registry_empty(struct lu_inject_result *res,
					     const char *when)
{
	struct iommu_lu_unit *unit;
	struct lu_device *ld;
	unsigned int bkt;

	list_for_each_entry(unit, &lu.units, node) {
		if (unit->nr_adopted || unit->nr_preserved ||
		    !hash_empty(unit->attach))
			return inj_fail(res, "%s: unit %#llx keeps %u adopted devices, domains %d",
					when, unit->desc.token, unit->nr_adopted,
					!hash_empty(unit->attach));
	}
	if (!hash_empty(lu.pages) || !hash_empty(lu.domains))
		return inj_fail(res, "%s: the registry keeps pages (%d) or domains (%d)",
				when, !hash_empty(lu.pages),
				!hash_empty(lu.domains));
	hash_for_each(lu.devices_by_rid, bkt, ld, rid_node)
		if (ld->adopted || ld->preserved)
			return inj_fail(res, "%s: device %04x still %s", when,
					ld->rids[0],
					ld->adopted ? "adopted" : "preserved");
	if (lu.hdr)
		return inj_fail(res, "%s: an outgoing handover exists", when);
	return LU_INJECT_OK;
}

/**
 * lu_inject_run() - Boot on @data as the handover and check the invariants.
 * @data: a flat dump (the input).
 * @size: its length.
 * @res: out: what happened.
 *
 * Return: &enum lu_inject_ret; on a violation @res->msg says what.
 */
enum lu_inject_ret lu_inject_run(const u8 *data, size_t size,
				 struct lu_inject_result *res)
{
	const struct iommu_lu_dump_page_ser *dp = (const void *)data;
	struct vtd_model_stats st0, st1;
	unsigned int panics, nr_rids;
	struct iommu_lu_unit *unit;
	struct lu_golden g;
	struct lu_machine *m;
	enum lu_inject_ret ret;
	u64 owner_pages[LU_GOLDEN_PAGES_A + LU_GOLDEN_PAGES_B];
	unsigned int nr_owner_pages = 0, i;
	u16 rids[256];
	u64 hdr_phys;

	memset(res, 0, sizeof(*res));
	if (size < LU_DUMP_PAGE || dp->magic != IOMMU_LU_DUMP_MAGIC)
		return LU_INJECT_SKIPPED;
	hdr_phys = dp->phys;
	if (!IS_ALIGNED(hdr_phys, PAGE_SIZE) ||
	    !physmem_valid(hdr_phys, PAGE_SIZE) ||
	    hdr_phys < PHYSMEM_BASE + PHYSMEM_SCRATCH_SIZE)
		return LU_INJECT_SKIPPED;
	res->golden = size == IOMMU_LU_GOLDEN_V1_SIZE &&
		      !memcmp(data, iommu_lu_golden_v1, size);

	inj_reference();
	inj_build(&g);
	m = g.m;
	inj_withdraw();
	/* The header is a page the old kernel allocated for it: a free one. */
	if (physmem_page_in_use(hdr_phys)) {
		lu_golden_free(&g);
		return LU_INJECT_SKIPPED;
	}
	inj_install(data, size, hdr_phys, res);
	inj_oracle(hdr_phys, res, rids, &nr_rids, ARRAY_SIZE(rids));

	vtd_model_stats(m->hw[0], &st0);
	panics = shim_panic_count;
	for (i = 0; i < LU_GOLDEN_PAGES_A; i++)
		owner_pages[nr_owner_pages++] = g.own_a->phys[i];
	for (i = 0; i < LU_GOLDEN_PAGES_B; i++)
		owner_pages[nr_owner_pages++] = g.own_b->phys[i];
	lu_golden_free(&g);
	lu_machine_jump(m);
	/* The VMM's memory awaits the VMM's restore, nobody else's. */
	for (i = 0; i < nr_owner_pages; i++)
		if (physmem_page_state(owner_pages[i]) != PHYSMEM_PAGE_AWAITING_RESTORE)
			res->foreign_restored = true;
	vtd_model_stats(m->hw[0], &st1);
	res->state = idrv_boot_state(m->drv[0]);
	unit = idrv_lu_unit(m->drv[0]);

	if (shim_panic_count != panics)
		return inj_fail(res, "panic: %s", shim_log_text());
	if (kho_model.double_preserves || kho_model.bad_unpreserves)
		return inj_fail(res, "KHO misuse: %lu double preserves, %lu bad unpreserves",
				kho_model.double_preserves,
				kho_model.bad_unpreserves);
	switch (res->state) {
	case IOMMU_LU_UNIT_ADOPTED:
		if (!res->decoded || !res->named)
			return inj_fail(res, "ADOPTED, but the decoder %s",
					res->decoded ? "found no record of the unit" :
						       "refused the handover");
		break;
	case IOMMU_LU_UNIT_FRESH:
		if (!res->decoded || res->named)
			return inj_fail(res, "FRESH, but the handover %s",
					res->decoded ? "names the unit" :
						       "is invalid");
		break;
	default:
		if (res->golden)
			return inj_fail(res, "the golden handover was not adopted");
		break;
	}
	if (res->state != IOMMU_LU_UNIT_FRESH &&
	    (st1.te_disables != st0.te_disables ||
	     !vtd_model_translation_enabled(m->hw[0])))
		return inj_fail(res, "translation went off (%llu disables)",
				(unsigned long long)(st1.te_disables - st0.te_disables));
	if (lu.in_state == LU_IN_BAD &&
	    (lu.in.units || lu.in.domains || lu.in.devices || lu.in.pages))
		return inj_fail(res, "a refused handover's arrays were not freed");
	if (res->state == IOMMU_LU_UNIT_BLOCKED) {
		ret = inj_registry_empty(res, "blocked");
		if (ret)
			return ret;
	}

	ret = inj_probe(m->hw[0], res->state == IOMMU_LU_UNIT_ADOPTED, rids,
			nr_rids, res);
	if (ret)
		return ret;
	if (res->state == IOMMU_LU_UNIT_ADOPTED && unit) {
		res->pageset_differs = !inj_pageset_matches(unit);
		if (res->pageset_differs)
			return inj_fail(res, "adopted, but the page records are not the pages the tables use");
		if (res->foreign_restored)
			return inj_fail(res, "adopted a page of the VMM's memory");
	}

	iommu_lu_finish();
	ret = inj_registry_empty(res, "after finish");
	if (ret)
		return ret;
	/* Nobody claimed the adopted devices: finish cleared them. */
	return inj_probe(m->hw[0], false, rids, nr_rids, res);
}
