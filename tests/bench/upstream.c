// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark, kind: CUSTOM. Models of the approaches iommu-lu is compared
 * with; see upstream.h. Bench-only code: nothing here is built into the
 * kernel or the test binary.
 */
#include "upstream.h"

static u64 half_of(const struct bench_root_entry *re, unsigned int half)
{
	return half ? READ_ONCE(re->hi) : READ_ONCE(re->lo);
}

/* ---- the reviewed v2 patch: a context table for every bus ---- */

/**
 * v2_lookup_pages() - Lookup pages the v2 patch preserves for a unit.
 * @root_phys: the unit's root table.
 * @scalable: scalable mode: both halves of every root entry.
 *
 * v2 allocated a context table for every bus (and half) that had none, put
 * it in the root table and preserved it, next to the root and the tables in
 * use. The model does the same allocations on a copy of the root (the live
 * root must stay as the framework left it) and counts the pages preserved;
 * it frees what it allocated before returning.
 *
 * Return: the number of pages: root + 256 (legacy) or 512 (scalable)
 * context tables; 0 when out of memory.
 */
unsigned int v2_lookup_pages(u64 root_phys, bool scalable)
{
	unsigned int halves = scalable ? 2 : 1, bus, h, nr_alloc = 0, pages = 0;
	const struct bench_root_entry *rt = phys_to_virt(root_phys);
	static u64 allocated[BENCH_ROOT_HALVES];
	struct bench_root_entry *shadow;

	shadow = (void *)get_zeroed_page(GFP_KERNEL);
	if (!shadow)
		return 0;
	memcpy(shadow, rt, PAGE_SIZE);
	pages++;				/* the root table */
	for (bus = 0; bus < 256; bus++) {
		for (h = 0; h < halves; h++) {
			u64 e = half_of(&shadow[bus], h);

			if (!(e & BENCH_ENTRY_P)) {
				unsigned long ct = get_zeroed_page(GFP_KERNEL);

				if (!ct) {
					pages = 0;
					goto out;
				}
				allocated[nr_alloc++] = virt_to_phys((void *)ct);
				e = allocated[nr_alloc - 1] | BENCH_ENTRY_P;
				if (h)
					shadow[bus].hi = e;
				else
					shadow[bus].lo = e;
			}
			pages++;		/* preserved, new or in use */
		}
	}
out:
	while (nr_alloc--)
		free_page((unsigned long)phys_to_virt(allocated[nr_alloc]));
	free_page((unsigned long)shadow);
	return pages;
}

/* ---- the later upstream branch: rescan the 512 halves per device ---- */

/**
 * branch_init() - The branch's state after some devices were preserved.
 * @bs: the state.
 * @root_phys: the unit's root table.
 * @cap: device records to make room for.
 *
 * The first preserved device's rescan found every table that existed then:
 * each present half is marked preserved (without a KHO call: the pages are
 * the framework's to preserve in this run).
 */
void branch_init(struct branch_state *bs, u64 root_phys, unsigned int cap)
{
	const struct bench_root_entry *rt = phys_to_virt(root_phys);
	unsigned int slot;

	memset(bs, 0, sizeof(*bs));
	bs->root = root_phys;
	for (slot = 0; slot < BENCH_ROOT_HALVES; slot++)
		if (half_of(&rt[slot / 2], slot & 1) & BENCH_ENTRY_P)
			__set_bit(slot, bs->tables);
	bs->cap = cap;
	bs->rids = calloc(cap, sizeof(*bs->rids));
	if (!bs->rids)
		abort();
}

static int branch_keep(u64 phys, u64 *new_pages, unsigned int max,
		       unsigned int *nr_new)
{
	int ret;

	if (*nr_new == max)
		return -ENOSPC;
	ret = kho_preserve_pages(pfn_to_page(PHYS_PFN(phys)), 1);
	if (!ret)
		new_pages[(*nr_new)++] = phys;
	return ret;
}

/* Scalable mode: the PASID directory of @rid and every table in it. */
static int branch_pasids(const struct bench_root_entry *rt, u16 rid,
			 u64 *new_pages, unsigned int max, unsigned int *nr_new)
{
	u64 half = half_of(&rt[rid >> 8], (rid & 0xff) >= 0x80);
	const u64 *ce, *dir;
	unsigned int i, nr_dir;
	u64 dirp;
	int ret;

	if (!(half & BENCH_ENTRY_P))
		return -EINVAL;
	ce = (const u64 *)phys_to_virt(half & BENCH_ENTRY_ADDR) + 4 * (rid & 0x7f);
	if (!(ce[0] & BENCH_ENTRY_P))
		return -EINVAL;
	dirp = ce[0] & BENCH_ENTRY_ADDR;
	nr_dir = 1U << (((ce[0] >> 9) & 7) + 7);	/* PDTS */
	for (i = 0; i < DIV_ROUND_UP(nr_dir * 8, PAGE_SIZE); i++) {
		ret = branch_keep(dirp + i * PAGE_SIZE, new_pages, max, nr_new);
		if (ret)
			return ret;
	}
	dir = phys_to_virt(dirp);
	for (i = 0; i < nr_dir; i++) {
		if (!(READ_ONCE(dir[i]) & BENCH_ENTRY_P))
			continue;
		ret = branch_keep(dir[i] & BENCH_ENTRY_ADDR, new_pages, max, nr_new);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * branch_preserve_device() - Preserve one device the branch's way.
 * @bs: the state.
 * @rid: the device's requester id.
 * @did: its domain id.
 * @scalable: scalable mode: also preserve the device's PASID structures.
 * @new_pages: out: the pages this call preserved with KHO.
 * @max: room in @new_pages.
 * @nr_new: out: how many.
 *
 * Every one of the 512 root halves is read; each present table not in the
 * bitmap yet is preserved (kho_preserve_pages()) and marked; in scalable
 * mode the device's PASID directory and the tables it points to are
 * preserved; then the device record is appended.
 *
 * Return: 0, -ENOSPC (no room for the record or the new pages), -EINVAL
 * (no context entry), or KHO's error.
 */
int branch_preserve_device(struct branch_state *bs, u16 rid, u32 did,
			   bool scalable, u64 *new_pages, unsigned int max,
			   unsigned int *nr_new)
{
	const struct bench_root_entry *rt = phys_to_virt(bs->root);
	unsigned int slot;
	int ret;

	*nr_new = 0;
	for (slot = 0; slot < BENCH_ROOT_HALVES; slot++) {
		u64 e = half_of(&rt[slot / 2], slot & 1);

		if (!(e & BENCH_ENTRY_P) || test_bit(slot, bs->tables))
			continue;
		ret = branch_keep(e & BENCH_ENTRY_ADDR, new_pages, max, nr_new);
		if (ret)
			return ret;
		__set_bit(slot, bs->tables);
	}
	if (scalable) {
		ret = branch_pasids(rt, rid, new_pages, max, nr_new);
		if (ret)
			return ret;
	}
	if (bs->nr == bs->cap)
		return -ENOSPC;
	bs->rids[bs->nr++] = (u32)rid << 16 | (did & 0xffff);
	return 0;
}

void branch_free(struct branch_state *bs)
{
	free(bs->rids);
	memset(bs, 0, sizeof(*bs));
}

/* ---- the kdump path: copy every present context table ---- */

/* copy_context_table(): the tables of one bus; @tbl gets the new pages. */
static int kdump_copy_bus(const struct bench_root_entry *old_rt,
			  unsigned int bus, bool ext, bool coherent,
			  unsigned long *dids, unsigned int ndoms,
			  unsigned long *copied, struct bench_root_entry **tbl)
{
	struct bench_root_entry *new_ce = NULL, ce;
	const struct bench_root_entry *old_ce = NULL;
	unsigned int devfn, idx, tbl_idx = ext ? bus * 2 : bus, pos = 0;

	for (devfn = 0; devfn < 256; devfn++) {
		/* 128-bit slots: a scalable entry takes two. */
		idx = (ext ? devfn * 2 : devfn) % 256;
		if (idx == 0) {
			u64 ctp;

			if (new_ce) {
				tbl[tbl_idx + pos] = new_ce;
				if (!coherent)
					clflush_cache_range(new_ce, PAGE_SIZE);
				pos = 1;
			}
			new_ce = NULL;
			ctp = half_of(&old_rt[bus], devfn >= 0x80) & BENCH_ENTRY_ADDR;
			if (!(half_of(&old_rt[bus], devfn >= 0x80) & BENCH_ENTRY_P))
				ctp = 0;
			if (!ctp) {
				if (ext && devfn == 0) {
					/* No lower table: try the upper one. */
					devfn = 0x7f;
					pos = 1;
					continue;
				}
				return 0;
			}
			old_ce = phys_to_virt(ctp);	/* memremap() */
			new_ce = (void *)get_zeroed_page(GFP_KERNEL);
			if (!new_ce)
				return -ENOMEM;
		}
		ce = old_ce[idx];
		if (!(ce.lo & BENCH_ENTRY_P))
			continue;
		/* context_domain_id(): bits 23:8 of hi, what Linux reserves. */
		if (((ce.hi >> 8) & 0xffff) < ndoms)
			__set_bit((ce.hi >> 8) & 0xffff, dids);
		__set_bit(bus << 8 | devfn, copied);	/* set_context_copied() */
		new_ce[idx] = ce;
	}
	if (new_ce) {
		tbl[tbl_idx + pos] = new_ce;
		if (!coherent)
			clflush_cache_range(new_ce, PAGE_SIZE);
	}
	return 0;
}

/**
 * kdump_copy_tables() - copy_translation_tables(), on the live tables.
 * @old_root: the root table the hardware uses.
 * @scalable: RTADDR.SMT (the "extended" layout: two tables per bus).
 * @coherent: ECAP.C; otherwise the new tables are flushed from the cache.
 * @dids: domain-id bitmap of @ndoms bits: every copied entry's id is set.
 * @ndoms: CAP.ND's number of domain ids.
 * @copied: 65536-bit bitmap: every copied requester id is set.
 * @out: the new root and context tables (kdump_copy_free() frees them).
 *
 * Installs the copies in a new root table; like the kdump kernel it then
 * has to point the hardware at that root, which is not modelled (iommu-lu
 * keeps the old root and does not either).
 *
 * Return: 0 or -ENOMEM (what was allocated is in @out).
 */
int kdump_copy_tables(u64 old_root, bool scalable, bool coherent,
		      unsigned long *dids, unsigned int ndoms,
		      unsigned long *copied, struct kdump_copy *out)
{
	static struct bench_root_entry *tbl[BENCH_ROOT_HALVES];
	const struct bench_root_entry *old_rt = phys_to_virt(old_root);
	struct bench_root_entry *new_rt;
	unsigned int bus, i;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	memset(tbl, 0, sizeof(tbl));
	new_rt = (void *)get_zeroed_page(GFP_KERNEL);	/* iommu_alloc_root_entry() */
	if (!new_rt)
		return -ENOMEM;
	out->root = virt_to_phys(new_rt);

	for (bus = 0; bus < 256 && !ret; bus++)
		ret = kdump_copy_bus(old_rt, bus, scalable, coherent, dids,
				     ndoms, copied, tbl);

	for (bus = 0; bus < 256; bus++) {
		unsigned int idx = scalable ? bus * 2 : bus;

		if (tbl[idx])
			new_rt[bus].lo = virt_to_phys(tbl[idx]) | BENCH_ENTRY_P;
		if (scalable && tbl[idx + 1])
			new_rt[bus].hi = virt_to_phys(tbl[idx + 1]) | BENCH_ENTRY_P;
	}
	if (!coherent)
		clflush_cache_range(new_rt, PAGE_SIZE);
	for (i = 0; i < BENCH_ROOT_HALVES; i++)
		if (tbl[i])
			out->tables[out->nr++] = virt_to_phys(tbl[i]);
	return ret;
}

void kdump_copy_free(struct kdump_copy *kc)
{
	unsigned int i;

	for (i = 0; i < kc->nr; i++)
		free_page((unsigned long)phys_to_virt(kc->tables[i]));
	if (kc->root)
		free_page((unsigned long)phys_to_virt(kc->root));
	memset(kc, 0, sizeof(*kc));
}
