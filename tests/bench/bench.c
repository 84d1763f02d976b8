// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-lu benchmark ("make bench"): the figures of issue 7.
 *
 * Usage: iommu-lu-bench [--callgrind-out FILE] [--md FILE] [--quick]
 *
 * Builds simulated machines (tests/harness) with one VT-d unit and 4096
 * SR-IOV VFs, preserves 1, 64 or 4096 of them and measures, each ratio in
 * this one run:
 *
 * P1 preserved memory: hardware pages preserved / the pages the preserved
 *    requester ids need (brute force over the hardware tables), handover
 *    metadata bytes per preserved device, and the reviewed v2 patch's
 *    pages (a context table for every bus) / ours.
 * P2 the kexec-time work: the core's part (freeze + iommu_lu_unit_shutdown()
 *    minus the backend's cleanup) at 4096 devices / at 1, and the backend's
 *    cleanup (a walk of the tables) per table.
 * P3 preserving one hotplugged device after 4096 / after 1, ours and the
 *    later upstream branch's (rescan of the 512 root halves per device).
 * P4 the next kernel: adoption in place vs a kdump-style copy of the same
 *    tables.
 *
 * Counts are instructions under callgrind (tests/bench/run.sh, see
 * measure.h for what is taken out), nanoseconds otherwise. Nothing here is
 * an assertion on a cost: the program fails only when the framework does
 * not do what it must (a preserve fails, adoption does not happen).
 *
 * Scalable mode: every figure is computed per mode; the places where the
 * scalable-mode harness plugs in are marked "SCALABLE:".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <kunit/test.h>
#include "harness/machine.h"
#include "model/physmem.h"
#include "model/kho.h"
#include "model/vtd.h"
#include "../core/lu_core.h"
#include "../vendors/intel/vtd_hw.h"
#include "measure.h"
#include "upstream.h"

/* The KUnit runner is not linked; the harness installs its hooks here. */
void (*kunit_hook_before_case)(struct kunit *test);
void (*kunit_hook_after_case)(struct kunit *test);

/* ---- configuration ---- */

#define NR_PF		16		/* PFs, one per root port */
#define VFS_PER_PF	256		/* each PF's VFs fill one new bus */
#define NR_VF		(NR_PF * VFS_PER_PF)
#define PF_BUS(p)	(0x10 + 2 * (p))	/* PF p; its VFs on PF_BUS + 1 */
#define HP_BUS		0x40		/* empty hotplug slot's bus */
#define MAX_OWNERS	64		/* the harness tracks 64 owners */
#define OWNER_PAGES	16		/* each owner maps 64 KiB */
#define OWNER_IOVA	0x100000ULL
#define CFG_ND		5		/* 16384 domain ids; see bench_cfg() */

static const unsigned int sizes[] = { 1, 64, 4096 };
#define NR_SIZES	ARRAY_SIZE(sizes)

enum { M_LEGACY, M_SCALABLE, NR_MODES };
static const char *const mode_name[NR_MODES] = { "legacy", "scalable" };

/* ---- results ---- */

struct p1 {
	unsigned int hw_pages;		/* KHO-preserved hardware pages */
	unsigned int need;		/* brute force from the hardware */
	unsigned int lookup;		/* of need: root and context tables */
	unsigned int pasid;		/* of need: PASID directories, tables */
	unsigned int meta_bytes;	/* handover: header + blocks */
	unsigned int v2_lookup;		/* v2: root + every bus's tables */
	unsigned int v2_pages;		/* v2: + the same domain pages */
};

struct p2 {
	u64 core;			/* freeze + unit_shutdown - backend */
	u64 cleanup;			/* the backend's shutdown op */
	u64 walk;			/* of which its table walk */
	unsigned long allocs, kho_calls;	/* during shutdown (0 expected) */
	unsigned int roots_present;	/* before the cleanup */
	unsigned int tables_kept;	/* present root halves after it */
	struct iommu_lu_intel_shutdown_stats st;
};

struct p3 {
	u64 ours, branch;
	unsigned int ours_new, branch_new;	/* pages newly preserved */
};

struct p4 {
	u64 retrieve, adopt, dids, copy;
	u64 sort;			/* of retrieve + adopt: in sort() */
	unsigned int copy_pages;	/* pages the copy allocates */
	unsigned int adopted;		/* devices adopted */
};

struct run {
	bool done;
	unsigned int n;
	struct p1 p1;
	struct p2 p2;
	struct p3 p3;
	struct p4 p4;
};

static struct run runs[NR_MODES][NR_SIZES];
static bool mode_available[NR_MODES];

/* ---- output: stdout and the markdown file ---- */

static char *out_buf;
static size_t out_len, out_cap;

static void __printf(1, 2) out(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (out_len + n + 1 > out_cap) {
		out_cap = (out_len + n + 1) * 2;
		out_buf = realloc(out_buf, out_cap);
		if (!out_buf)
			abort();
	}
	va_start(ap, fmt);
	vsnprintf(out_buf + out_len, n + 1, fmt, ap);
	va_end(ap);
	out_len += n;
}

static void __printf(1, 2) progress(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

static void __printf(1, 2) __noreturn die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "bench: FAILED: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* ---- page sets over simulated memory ---- */

struct pgset {
	unsigned long *bits;
	size_t nbits;
	unsigned int nr;
};

static void pgset_init(struct pgset *s)
{
	s->nbits = physmem_size() >> PAGE_SHIFT;
	s->bits = calloc(BITS_TO_LONGS(s->nbits), sizeof(long));
	s->nr = 0;
	if (!s->bits)
		abort();
}

static void pgset_free(struct pgset *s)
{
	free(s->bits);
	s->bits = NULL;
}

static bool pgset_has(const struct pgset *s, u64 phys)
{
	size_t i = (phys - PHYSMEM_BASE) >> PAGE_SHIFT;

	return physmem_valid(phys, PAGE_SIZE) && test_bit(i, s->bits);
}

static void pgset_add(struct pgset *s, u64 phys)
{
	size_t i = (phys - PHYSMEM_BASE) >> PAGE_SHIFT;

	if (!physmem_valid(phys, PAGE_SIZE))
		die("page %#llx outside memory", (unsigned long long)phys);
	if (!test_bit(i, s->bits)) {
		__set_bit(i, s->bits);
		s->nr++;
	}
}

/* ---- the brute-force minimum, from the hardware tables ---- */

#define PTE_ADDR	GENMASK_ULL(51, 12)

static void need_walk_pt(struct pgset *s, u64 table, unsigned int level)
{
	const u64 *e = physmem_va(table);
	unsigned int i;

	pgset_add(s, table);
	if (level == 1)
		return;
	for (i = 0; i < 512; i++) {
		if (!(e[i] & 3) || (e[i] & BIT_ULL(7)))
			continue;
		need_walk_pt(s, e[i] & PTE_ADDR, level - 1);
	}
}

/* The minimum, and its root + context pages and PASID pages apart. */
struct need {
	struct pgset all, lookup, pasid;
};

static void need_lookup(struct need *nd, u64 phys)
{
	pgset_add(&nd->all, phys);
	pgset_add(&nd->lookup, phys);
}

static void need_pasid(struct need *nd, u64 phys)
{
	pgset_add(&nd->all, phys);
	pgset_add(&nd->pasid, phys);
}

/* Legacy: root, the context table of each id's bus, its domain's tables. */
static void need_legacy(struct need *nd, u64 root, u16 rid)
{
	const struct bench_root_entry *rt = physmem_va(root);
	const struct bench_root_entry *ct;
	u64 ctp = rt[rid >> 8].lo & PTE_ADDR;
	u64 lo, hi;

	if (!(rt[rid >> 8].lo & 1))
		die("rid %04x: no root entry", rid);
	need_lookup(nd, root);
	need_lookup(nd, ctp);
	ct = physmem_va(ctp);
	lo = ct[rid & 0xff].lo;
	hi = ct[rid & 0xff].hi;
	if (!(lo & 1))
		die("rid %04x: no context entry", rid);
	need_walk_pt(&nd->all, lo & PTE_ADDR, (hi & 7) + 2);
}

/*
 * SCALABLE: root half (lower table for devfn < 128), the 32-byte context
 * entry, its PASID directory (2^(PDTS + 7) 8-byte entries), every PASID
 * table a present directory entry leads to, and the second-level table of
 * every present PASID entry with PGTT 2 (second-level) or 3 (nested):
 * "all PASIDs a preserved device uses". Written from the VT-d layout,
 * independently of the backend.
 */
static void need_scalable(struct need *nd, u64 root, u16 rid)
{
	const struct bench_root_entry *rt = physmem_va(root);
	unsigned int bus = rid >> 8, devfn = rid & 0xff, i, j, nr_dir;
	u64 half = devfn < 0x80 ? rt[bus].lo : rt[bus].hi;
	const u64 *ce, *dir;
	u64 dirp;

	if (!(half & 1))
		die("rid %04x: no root entry half", rid);
	need_lookup(nd, root);
	need_lookup(nd, half & PTE_ADDR);
	ce = (const u64 *)physmem_va(half & PTE_ADDR) + 4 * (devfn & 0x7f);
	if (!(ce[0] & 1))
		die("rid %04x: no scalable context entry", rid);
	dirp = ce[0] & PTE_ADDR;
	nr_dir = 1U << (((ce[0] >> 9) & 7) + 7);
	for (i = 0; i < DIV_ROUND_UP(nr_dir * 8, PAGE_SIZE); i++)
		need_pasid(nd, dirp + i * PAGE_SIZE);
	dir = physmem_va(dirp);
	for (i = 0; i < nr_dir; i++) {
		const u64 *pt;

		if (!(dir[i] & 1))
			continue;
		need_pasid(nd, dir[i] & PTE_ADDR);
		pt = physmem_va(dir[i] & PTE_ADDR);
		for (j = 0; j < 64; j++) {
			const u64 *pe = pt + 8 * j;
			unsigned int pgtt = (pe[0] >> 6) & 7;

			if (!(pe[0] & 1) || (pgtt != 2 && pgtt != 3))
				continue;
			need_walk_pt(&nd->all, pe[0] & PTE_ADDR, ((pe[0] >> 2) & 7) + 2);
		}
	}
}

/* ---- the machine ---- */

struct rig {
	struct lu_machine *m;
	bool scalable;
	int rp[NR_PF], pf[NR_PF], vf0[NR_PF];
	int hp_rp;
	struct lu_owner *own[MAX_OWNERS];
	unsigned int nown;
	int *pres;			/* device indices preserved */
	u16 *rids;			/* and their requester ids */
	unsigned int npres;
};

static void bench_cfg(struct vtd_model_cfg *cfg, bool scalable)
{
	vtd_model_default_cfg(cfg);
	/*
	 * Every group gets a default DMA domain at probe, with a domain id:
	 * 4096 VFs + 16 PFs + 17 root ports + the owners' domains need more
	 * than ND=4's 4094 usable ids.
	 */
	cfg->nd = CFG_ND;
	cfg->scalable = scalable;
}

static struct lu_machine *bench_machine_new(bool scalable)
{
	struct vtd_model_cfg cfg;
	struct lu_machine *m;

	bench_cfg(&cfg, scalable);
	/*
	 * SCALABLE: with cfg.scalable (ECAP.SMTS) the harness boots the unit
	 * with intel_iommu=sm_on. A harness that cannot (yet) leaves it in
	 * legacy mode: the scalable figures are then n/a.
	 */
	m = lu_machine_new(1, &cfg);
	if (scalable && iommu_lu_unit_mode(idrv_lu_unit(m->drv[0])) !=
			IOMMU_LU_MODE_VTD_SCALABLE) {
		lu_machine_free(m);
		return NULL;
	}
	return m;
}

static int vf_index(const struct rig *r, unsigned int i)
{
	/* Round robin over the PFs: device i is VF i / 16 of PF i % 16. */
	return r->vf0[i % NR_PF] + (int)(i / NR_PF);
}

static struct device *dev_of(struct rig *r, int idx)
{
	struct device *dev = lu_machine_dev(r->m, idx);

	if (!dev)
		die("device %d not present", idx);
	return dev;
}

static struct iommu_lu_unit *rig_unit(struct rig *r)
{
	return idrv_lu_unit(r->m->drv[0]);
}

static u64 rig_root(struct rig *r)
{
	return idrv_root_phys(r->m->drv[0]);
}

/* A unit with 4096 VFs, N of them preserved on min(N, 64) owner domains. */
static bool rig_up(struct rig *r, bool scalable, unsigned int n)
{
	unsigned int p, i;

	memset(r, 0, sizeof(*r));
	lu_harness_reset();
	r->scalable = scalable;
	r->m = bench_machine_new(scalable);
	if (!r->m)
		return false;
	for (p = 0; p < NR_PF; p++) {
		r->rp[p] = lu_machine_add(r->m, 0, -1, PCI_DEVFN(1 + p, 0),
					  PCI_MODEL_ROOT_PORT, PF_BUS(p));
		r->pf[p] = lu_machine_add(r->m, 0, r->rp[p], 0,
					  PCI_MODEL_ENDPOINT_PCIE, 0);
		if (r->rp[p] < 0 || r->pf[p] < 0)
			die("cannot add PF %u", p);
		/* VF v: PF's rid + 0x100 + v = bus PF_BUS + 1, devfn v. */
		r->vf0[p] = lu_machine_sriov_set(r->m, r->pf[p], 0x100, 1,
						 VFS_PER_PF);
		if (r->vf0[p] <= 0)
			die("cannot enable VFs of PF %u: %d", p, r->vf0[p]);
	}
	r->hp_rp = lu_machine_add(r->m, 0, -1, PCI_DEVFN(0x1f, 0),
				  PCI_MODEL_ROOT_PORT, HP_BUS);
	if (r->hp_rp < 0)
		die("cannot add the hotplug port");

	r->nown = min_t(unsigned int, n, MAX_OWNERS);
	for (i = 0; i < r->nown; i++)
		r->own[i] = lu_owner_new(r->m, 0, OWNER_IOVA, OWNER_PAGES,
					 (u8)(i + 1));
	r->pres = calloc(n, sizeof(*r->pres));
	r->rids = calloc(n, sizeof(*r->rids));
	if (!r->pres || !r->rids)
		abort();
	for (i = 0; i < n; i++) {
		int idx = vf_index(r, i), ret;

		ret = lu_owner_attach(r->own[i % r->nown], idx);
		if (ret)
			die("attach of VF %u: %d", i, ret);
		ret = iommu_lu_preserve_device(dev_of(r, idx));
		if (ret)
			die("preserve of VF %u: %d", i, ret);
		r->pres[r->npres] = idx;
		r->rids[r->npres++] = lu_machine_rid(r->m, idx);
	}
	if (kho_model.double_preserves || kho_model.bad_unpreserves)
		die("KHO misuse: %lu double preserves, %lu bad unpreserves",
		    kho_model.double_preserves, kho_model.bad_unpreserves);
	return true;
}

/* ---- P1 ---- */

struct kho_collect {
	struct pgset *hw;
	const struct pgset *exclude;
};

static void kho_collect_fn(u64 phys, unsigned int order, void *data)
{
	struct kho_collect *c = data;
	u64 i;

	for (i = 0; i < (1ULL << order); i++)
		if (!pgset_has(c->exclude, phys + i * PAGE_SIZE))
			pgset_add(c->hw, phys + i * PAGE_SIZE);
}

/*
 * The handover's own pages (header and blocks) from its dump; returns the
 * metadata bytes: the dump minus its 16-byte page headers.
 */
static unsigned int handover_pages(struct pgset *s)
{
	const size_t per = sizeof(struct iommu_lu_dump_page_ser) + IOMMU_LU_BLOCK_SIZE;
	size_t len, off;
	u8 *buf;

	mutex_lock(&lu.lock);
	len = lu_ser_dump(NULL, 0);
	buf = malloc(len ? len : 1);
	if (!buf || lu_ser_dump(buf, len) != len)
		die("cannot dump the handover");
	mutex_unlock(&lu.lock);
	for (off = 0; off < len; off += per) {
		const struct iommu_lu_dump_page_ser *dp = (const void *)(buf + off);

		if (dp->magic != IOMMU_LU_DUMP_MAGIC)
			die("bad handover dump");
		pgset_add(s, dp->phys);
	}
	free(buf);
	return len - sizeof(struct iommu_lu_dump_page_ser) * (len / per);
}

static void measure_p1(struct rig *r, struct p1 *p)
{
	struct pgset hw, ex;
	struct need nd;
	struct kho_collect c = { .hw = &hw, .exclude = &ex };
	unsigned int i, j;
	u64 root = rig_root(r);

	pgset_init(&hw);
	pgset_init(&ex);
	pgset_init(&nd.all);
	pgset_init(&nd.lookup);
	pgset_init(&nd.pasid);

	/* What KHO holds, minus the handover itself and the owners' memory. */
	p->meta_bytes = handover_pages(&ex);
	for (i = 0; i < r->nown; i++)
		for (j = 0; j < r->own[i]->nr_pages; j++)
			pgset_add(&ex, r->own[i]->phys[j]);
	kho_model_for_each_preserved(kho_collect_fn, &c);
	p->hw_pages = hw.nr;

	/* The brute-force minimum, from the hardware. */
	for (i = 0; i < r->npres; i++) {
		u16 rids[IOMMU_LU_MAX_RIDS];
		int nr = pci_model_dma_aliases(r->m->devs[r->pres[i]].pdev,
					       rids, IOMMU_LU_MAX_RIDS);

		for (j = 0; j < (unsigned int)nr; j++) {
			if (r->scalable)
				need_scalable(&nd, root, rids[j]);
			else
				need_legacy(&nd, root, rids[j]);
		}
	}
	p->need = nd.all.nr;
	p->lookup = nd.lookup.nr;
	p->pasid = nd.pasid.nr;
	for (i = 0; i < nd.all.nbits; i++)
		if (test_bit(i, nd.all.bits) && !test_bit(i, hw.bits))
			die("page %#llx is needed but not preserved",
			    (unsigned long long)(PHYSMEM_BASE + ((u64)i << PAGE_SHIFT)));

	/*
	 * The v2 patch on the same unit: root + every bus's tables, and the
	 * same per-device pages (PASID structures, page tables).
	 */
	p->v2_lookup = v2_lookup_pages(root, r->scalable);
	if (!p->v2_lookup)
		die("v2 model: out of memory");
	p->v2_pages = p->v2_lookup + (p->need - p->lookup);

	pgset_free(&hw);
	pgset_free(&ex);
	pgset_free(&nd.all);
	pgset_free(&nd.lookup);
	pgset_free(&nd.pasid);
}

/* ---- P3: one hotplugged device ---- */

static void measure_p3(struct rig *r, struct p3 *p)
{
	struct branch_state bs;
	u64 new_pages[64];
	unsigned int i, nr_new;
	size_t n0, n1;
	const struct kho_call *log;
	struct device *dev;
	int hp, ret;

	/* The branch's state after the preserved devices: every table then. */
	branch_init(&bs, rig_root(r), 16);

	hp = lu_machine_add(r->m, 0, r->hp_rp, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	if (hp < 0)
		die("hotplug: %d", hp);
	/* Into an existing VM: the domain is preserved already. */
	ret = lu_owner_attach(r->own[0], hp);
	if (ret)
		die("hotplug attach: %d", ret);
	dev = dev_of(r, hp);

	shim_log_clear();
	kho_model_log_clear();
	bm_begin();
	ret = branch_preserve_device(&bs, lu_machine_rid(r->m, hp),
				     idrv_did(r->own[0]->domain), r->scalable,
				     new_pages,
				     ARRAY_SIZE(new_pages), &nr_new);
	p->branch = bm_lap("p3-branch");
	bm_end();
	if (ret)
		die("branch model: %d", ret);
	p->branch_new = nr_new;
	/* Leave KHO as it was: the framework preserves the same table next. */
	for (i = 0; i < nr_new; i++)
		kho_unpreserve_pages(pfn_to_page(PHYS_PFN(new_pages[i])), 1);
	branch_free(&bs);

	shim_log_clear();
	kho_model_log_clear();
	kho_model_log(&n0);
	bm_begin();
	ret = iommu_lu_preserve_device(dev);
	p->ours = bm_lap("p3-ours");
	bm_end();
	if (ret)
		die("preserve of the hotplugged device: %d", ret);
	log = kho_model_log(&n1);
	for (i = n0; i < n1; i++)
		if (log[i].op == KHO_OP_PRESERVE_PAGES)
			p->ours_new++;

	if (kho_model.double_preserves || kho_model.bad_unpreserves)
		die("KHO misuse around the hotplugged device");

	/* Back to exactly N preserved devices for P2. */
	iommu_lu_unpreserve_device(dev);
}

/* ---- P2: the kexec-time work ---- */

static const struct iommu_lu_vendor_ops *p2_real;
static struct iommu_lu_vendor_ops p2_ops;
static u64 p2_before, p2_cleanup, p2_walk;

/* The backend's table walks (not inlined at -O2; 0 if they are). */
static const char *const walk_fns[] = {
	"lu_vtd_legacy_cleanup", "lu_vtd_sm_cleanup",
};

/* The backend's shutdown op between two laps: the rest is the core's. */
static void p2_shutdown_wrap(struct iommu_lu_unit *unit)
{
	unsigned int i;

	p2_before = bm_lap("p2-core-a");
	p2_real->shutdown(unit);
	p2_cleanup = bm_lap("p2-backend");
	p2_walk = 0;
	for (i = 0; i < ARRAY_SIZE(walk_fns); i++)
		p2_walk += bm_watched(walk_fns[i]);
	bm_skip();
}

static unsigned int root_halves_present(u64 root, bool scalable)
{
	const struct bench_root_entry *rt = physmem_va(root);
	unsigned int bus, n = 0;

	for (bus = 0; bus < 256; bus++)
		n += !!(rt[bus].lo & 1) + (scalable && (rt[bus].hi & 1));
	return n;
}

static void measure_p2(struct rig *r, struct p2 *p)
{
	struct iommu_lu_unit *unit = rig_unit(r);
	unsigned long allocs, kho_calls;
	u64 root = rig_root(r);
	bool kept;

	p->roots_present = root_halves_present(root, r->scalable);

	p2_real = unit->ops;
	p2_ops = *p2_real;
	p2_ops.shutdown = p2_shutdown_wrap;
	unit->ops = &p2_ops;

	shim_log_clear();
	kho_model_log_clear();
	allocs = shim_alloc_calls;
	kho_calls = kho_model_calls;
	bm_begin();
	iommu_lu_freeze();
	kept = iommu_lu_unit_shutdown(unit);
	p->core = p2_before + bm_lap("p2-core-b");
	bm_end();
	p->allocs = shim_alloc_calls - allocs;
	p->kho_calls = kho_model_calls - kho_calls;
	p->cleanup = p2_cleanup;
	p->walk = p2_walk;
	unit->ops = p2_real;
	if (!kept)
		die("shutdown did not keep the unit");
	iommu_lu_intel_last_shutdown(&p->st);
	p->tables_kept = root_halves_present(root, r->scalable);
}

/* ---- P4: the next kernel ---- */

static struct iommu_device bench_iommu_dev;

static int did_cb(u32 hw_id, void *data)
{
	unsigned long *dids = data;

	if (hw_id < (1U << (4 + 2 * CFG_ND)))
		__set_bit(hw_id, dids);
	return 0;
}

/*
 * The simulated kexec, up to the new kernel's initcalls: what
 * lu_machine_jump() does before it boots the drivers. The unit is then
 * added to the framework here, as the Intel driver's init would, so that
 * the framework's part can be measured alone.
 */
static void rig_kexec(struct rig *r)
{
	unsigned int u, i;

	for (u = 0; u < r->m->nr_units; u++) {
		r->m->pci[u] = NULL;
		r->m->drv[u] = NULL;
	}
	for (i = 0; i < r->m->nr_devs; i++)
		r->m->devs[i].pdev = NULL;
	shim_slab_free_all();
	kho_model_kexec();
	r->m->kernel++;
	shim_run_initcalls();
}

static void measure_p4(struct rig *r, struct p4 *p)
{
	static unsigned long dids_adopt[BITS_TO_LONGS(1 << 16)];
	static unsigned long dids_copy[BITS_TO_LONGS(1 << 16)];
	static unsigned long copied[BITS_TO_LONGS(1 << 16)];
	u32 mode = r->scalable ? IOMMU_LU_MODE_VTD_SCALABLE :
				 IOMMU_LU_MODE_VTD_LEGACY;
	struct iommu_lu_unit_desc desc = {
		.vendor = IOMMU_LU_VENDOR_INTEL_VTD,
		.token = vtd_model_reg_base(r->m->hw[0]),
		.segment = 0,
		.mode = mode,
		.regs = vtd_model_regs(r->m->hw[0]),
		.iommu_dev = &bench_iommu_dev,
	};
	enum iommu_lu_boot_state state;
	struct iommu_lu_unit *unit;
	struct kdump_copy kc;
	unsigned int i;
	u64 root;
	int ret;

	rig_kexec(r);
	memset(dids_adopt, 0, sizeof(dids_adopt));
	memset(dids_copy, 0, sizeof(dids_copy));
	memset(copied, 0, sizeof(copied));

	shim_log_clear();
	bm_begin();
	ret = iommu_lu_retrieve();
	p->retrieve = bm_lap("p4-retrieve");
	p->sort = bm_watched("sort");
	bm_skip();
	unit = iommu_lu_unit_add(&desc, &state);
	p->adopt = bm_lap("p4-adopt");
	p->sort += bm_watched("sort");
	bm_skip();
	if (!IS_ERR(unit))
		iommu_lu_unit_domain_ids(unit, did_cb, dids_adopt);
	p->dids = bm_lap("p4-dids");
	bm_end();
	if (ret || IS_ERR(unit) || state != IOMMU_LU_UNIT_ADOPTED)
		die("adoption failed (retrieve %d, state %d):\n%s", ret, state,
		    shim_log_text());
	for (i = 0; i < r->npres; i++)
		p->adopted += iommu_lu_rid_adopted(unit, r->rids[i]);
	if (p->adopted != r->npres)
		die("%u of %u devices adopted", p->adopted, r->npres);

	root = readq(desc.regs + LU_VTD_RTADDR_REG) & LU_VTD_RTADDR_ADDR;
	bm_begin();
	ret = kdump_copy_tables(root, r->scalable, true, dids_copy,
				1U << (4 + 2 * CFG_ND), copied, &kc);
	p->copy = bm_lap("p4-copy");
	bm_end();
	if (ret)
		die("kdump copy: %d", ret);
	p->copy_pages = 1 + kc.nr;
	if (memcmp(dids_adopt, dids_copy, sizeof(dids_copy)) && !r->scalable)
		die("adoption and copy reserve different domain ids");
	kdump_copy_free(&kc);
}

/* ---- one configuration ---- */

static void run_one(unsigned int mode, unsigned int si)
{
	struct run *res = &runs[mode][si];
	struct rig r;

	res->n = sizes[si];
	progress("%s, %u preserved devices: building the machine",
		 mode_name[mode], res->n);
	if (!rig_up(&r, mode == M_SCALABLE, res->n))
		return;
	mode_available[mode] = true;
	progress("%s, %u preserved devices: measuring", mode_name[mode], res->n);
	measure_p1(&r, &res->p1);
	measure_p3(&r, &res->p3);
	measure_p2(&r, &res->p2);
	measure_p4(&r, &res->p4);
	free(r.pres);
	free(r.rids);
	res->done = true;
}

/* ---- the report ---- */

/*
 * @num / @den with @dec decimals, as a string (the shim's printf, which
 * the kernel's format rules apply to, has no floating point). Eight
 * buffers rotate: enough for one out() call.
 */
static const char *fx(u64 num, u64 den, unsigned int dec)
{
	static char bufs[8][32];
	static unsigned int next;
	char *b = bufs[next++ % ARRAY_SIZE(bufs)];
	u64 scale = 1, v;
	unsigned int i;

	if (!den)
		return "-";
	for (i = 0; i < dec; i++)
		scale *= 10;
	v = (num * scale + den / 2) / den;
	if (dec)
		snprintf(b, sizeof(bufs[0]), "%llu.%0*llu",
			 (unsigned long long)(v / scale), (int)dec,
			 (unsigned long long)(v % scale));
	else
		snprintf(b, sizeof(bufs[0]), "%llu", (unsigned long long)v);
	return b;
}

static const struct run *find(unsigned int mode, unsigned int n)
{
	unsigned int si;

	for (si = 0; si < NR_SIZES; si++)
		if (runs[mode][si].done && runs[mode][si].n == n)
			return &runs[mode][si];
	return NULL;
}

static unsigned long long ull(u64 v)
{
	return v;
}

static void report_config(void)
{
	struct vtd_model_cfg cfg;

	bench_cfg(&cfg, false);
	out("# iommu-lu benchmark (`make bench`)\n\n");
	out("- Machine and model: one VT-d unit (HAW %u, SAGAW %#x, CAP.ND %u = %u domain ids, "
	    "%s invalidation, %scoherent), %zu MiB of simulated memory, KHO as in Linux 7.3; "
	    "built with SAN=none -O2.\n",
	    cfg.haw, cfg.sagaw, cfg.nd, 1U << (4 + 2 * cfg.nd),
	    cfg.qi ? "queued" : "register", cfg.coherent ? "" : "not ",
	    physmem_size() >> 20);
	out("- Topology: %u root ports 00:01.0-00:%02x.0, each with a PF on bus %02x..%02x (even) "
	    "and %u SR-IOV VFs filling the next bus (VF offset 0x100, stride 1): %u VFs on %u "
	    "virtual buses, each VF its own iommu_group with a default DMA domain; an empty "
	    "hotplug root port 00:1f.0 (bus %02x).\n",
	    NR_PF, NR_PF, PF_BUS(0), PF_BUS(NR_PF - 1), VFS_PER_PF, NR_VF,
	    NR_PF, HP_BUS);
	out("- Preserved: N VFs round robin over the PFs (device i = VF i/16 of PF i%%16), on "
	    "min(N, %u) caller-owned domains (device i on domain i%%%u), each mapping %u pages "
	    "at IOVA %#llx (3 page-table pages). One machine per mode and N.\n",
	    MAX_OWNERS, MAX_OWNERS, OWNER_PAGES, OWNER_IOVA);
	out("- Costs: %s.\n\n",
	    bm_exact() ?
	    "instructions (callgrind Ir) of the measured region only, in this one run; an MMIO "
	    "access and a printk call count 1 each (the VT-d hardware model behind the registers "
	    "and the shim's log formatting are not the code under test)" :
	    "NANOSECONDS, not under callgrind: noisy, `make bench` counts instructions");
}

static void report_p1(void)
{
	unsigned int mode, si;

	out("## P1 preserved memory\n\n");
	out("| mode | devices | hw pages preserved | needed | preserved/needed | "
	    "of which root + context | PASID | metadata bytes/device | v2 pages | v2/ours | "
	    "v2/ours, root + context |\n");
	out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (mode = 0; mode < NR_MODES; mode++) {
		if (!mode_available[mode]) {
			out("| %s | n/a | | | | | | | | | |\n", mode_name[mode]);
			continue;
		}
		for (si = 0; si < NR_SIZES; si++) {
			const struct run *u = &runs[mode][si];

			if (!u->done)
				continue;
			out("| %s | %u | %u | %u | **%s** | %u | %u | %s | %u | %s | %s |\n",
			    mode_name[mode], u->n, u->p1.hw_pages, u->p1.need,
			    fx(u->p1.hw_pages, u->p1.need, 2), u->p1.lookup,
			    u->p1.pasid,
			    fx(u->p1.meta_bytes, u->n, 1), u->p1.v2_pages,
			    fx(u->p1.v2_pages, u->p1.hw_pages, 2),
			    fx(u->p1.v2_lookup, u->p1.lookup, 1));
		}
	}
	out("\nPreserved: every page KHO holds, minus the handover's own pages and the owners' "
	    "(VM) memory. Needed: brute force from the hardware tables: the root, exactly the "
	    "context tables of the preserved requester ids (in scalable mode: the halves they "
	    "use, and their PASID directories and tables) and their domains' page-table pages; "
	    "every needed page is checked to be preserved. Metadata: the handover's header and "
	    "blocks (dump size minus its 16-byte page headers) / devices. v2: the same unit the "
	    "way the reviewed upstream v2 patch preserved it: root + a context table for every "
	    "bus (both halves in scalable mode), allocated and counted by a model in the bench, "
	    "+ the same PASID and page-table pages.\n\n");
}

/* walk = R + b * tables + c * cleared, from three runs (Cramer's rule). */
static bool fit_walk(const struct run *r[3], double *R, double *b, double *c)
{
	double a[3][3], y[3], det;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		a[i][0] = 1;
		a[i][1] = r[i]->p2.tables_kept;
		a[i][2] = r[i]->p2.st.ctx_cleared;
		y[i] = (double)r[i]->p2.walk;
	}
#define DET3(m) (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -	\
		 m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +	\
		 m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))
	det = DET3(a);
	if (det > -1e-9 && det < 1e-9)
		return false;
	{
		double t[3][3];
		double *out3[3] = { R, b, c };
		unsigned int j, k;

		for (j = 0; j < 3; j++) {
			for (i = 0; i < 3; i++)
				for (k = 0; k < 3; k++)
					t[i][k] = k == j ? y[i] : a[i][k];
			*out3[j] = DET3(t) / det;
		}
	}
#undef DET3
	return true;
}

static u64 rnd(double v)
{
	return v < 0 ? 0 : (u64)(v + 0.5);
}

static long long srnd(double v)
{
	return (long long)(v < 0 ? v - 0.5 : v + 0.5);
}

static void report_p2(void)
{
	unsigned int mode, si;

	out("## P2 work at shutdown (kexec time), nothing changed since the last preserve\n\n");
	out("| mode | devices | core %s | allocations / KHO calls | backend cleanup %s | "
	    "its table walk | present root entries | tables kept | entries kept | "
	    "entries cleared |\n", bm_unit(), bm_unit());
	out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (mode = 0; mode < NR_MODES; mode++) {
		if (!mode_available[mode]) {
			out("| %s | n/a | | | | | | | | |\n", mode_name[mode]);
			continue;
		}
		for (si = 0; si < NR_SIZES; si++) {
			const struct run *u = &runs[mode][si];

			if (!u->done)
				continue;
			out("| %s | %u | %llu | %lu / %lu | %llu | %llu | %u | %u | %u | %u |\n",
			    mode_name[mode], u->n, ull(u->p2.core), u->p2.allocs,
			    u->p2.kho_calls, ull(u->p2.cleanup), ull(u->p2.walk),
			    u->p2.roots_present, u->p2.tables_kept,
			    u->p2.st.ctx_kept, u->p2.st.ctx_cleared);
		}
	}
	out("\nCore: iommu_lu_freeze() + iommu_lu_unit_shutdown() without the backend's op "
	    "(which is measured on its own). Tables kept: present root %s after the cleanup.\n\n",
	    mode_available[M_SCALABLE] ? "entries (halves in scalable mode)" : "entries");
	for (mode = 0; mode < NR_MODES; mode++) {
		const struct run *r3[3] = { find(mode, 1), find(mode, 64), find(mode, 4096) };
		double R, b, c;

		if (!r3[0] || !r3[2])
			continue;
		out("- %s: core work at shutdown, 4096 devices / 1: **%s** (%llu vs %llu %s): "
		    "nothing is serialized at kexec time.\n",
		    mode_name[mode], fx(r3[2]->p2.core, r3[0]->p2.core, 2),
		    ull(r3[2]->p2.core), ull(r3[0]->p2.core), bm_unit());
		if (!bm_exact() || !r3[1] || !r3[0]->p2.walk ||
		    !fit_walk(r3, &R, &b, &c))
			continue;
		out("- %s: backend cleanup per table, from the three runs (every table here is "
		    "full: each entry is kept or cleared, walk = R + b x tables + c x cleared "
		    "entries): **b = %llu %s per kept context table** whose entries are all "
		    "preserved (%s per entry), an entry cleared instead of kept %+lld %s, "
		    "**R = %llu %s for the root table** (%s per root entry). The rest of the "
		    "cleanup, the global invalidation, is %llu..%llu %s at every size.\n",
		    mode_name[mode], ull(rnd(b)), bm_unit(),
		    fx(rnd(b), mode == M_SCALABLE ? 128 : 256, 1), srnd(c), bm_unit(),
		    ull(rnd(R)), bm_unit(), fx(rnd(R), 256, 1),
		    ull(min(r3[0]->p2.cleanup - r3[0]->p2.walk,
			    r3[2]->p2.cleanup - r3[2]->p2.walk)),
		    ull(max(r3[0]->p2.cleanup - r3[0]->p2.walk,
			    r3[2]->p2.cleanup - r3[2]->p2.walk)), bm_unit());
	}
	out("\n");
}

static void report_p3(void)
{
	unsigned int mode, si;

	out("## P3 preserving one hotplugged device\n\n");
	out("A device hot-added behind the empty root port (a bus with no table until then), "
	    "attached to a VM domain that is preserved already, then preserved. The later "
	    "upstream branch's way, modelled in the bench on the same tables: rescan the 512 root "
	    "halves, preserve every present table not in its bitmap (in scalable mode also the "
	    "device's PASID directory and tables), append the device record.\n\n");
	out("| mode | preserved before | ours %s | pages it preserved | later branch %s | "
	    "pages it preserved |\n", bm_unit(), bm_unit());
	out("|---|---:|---:|---:|---:|---:|\n");
	for (mode = 0; mode < NR_MODES; mode++) {
		if (!mode_available[mode]) {
			out("| %s | n/a | | | | |\n", mode_name[mode]);
			continue;
		}
		for (si = 0; si < NR_SIZES; si++) {
			const struct run *u = &runs[mode][si];

			if (!u->done)
				continue;
			out("| %s | %u | %llu | %u | %llu | %u |\n", mode_name[mode],
			    u->n, ull(u->p3.ours), u->p3.ours_new,
			    ull(u->p3.branch), u->p3.branch_new);
		}
	}
	out("\n");
	for (mode = 0; mode < NR_MODES; mode++) {
		const struct run *a = find(mode, 1), *b = find(mode, 4096);

		if (!a || !b)
			continue;
		out("- %s: after 4096 / after 1: ours **%s**, later branch **%s**.\n",
		    mode_name[mode], fx(b->p3.ours, a->p3.ours, 2),
		    fx(b->p3.branch, a->p3.branch, 2));
	}
	out("\nOurs is the whole iommu_lu_preserve_device() call: group check, the backend's "
	    "lookup of the device's own entries, registry, KHO and the handover records.\n\n");
}

static void report_p4(void)
{
	unsigned int mode, si;

	out("## P4 the next kernel: adoption in place vs copying the same tables\n\n");
	out("| mode | devices | retrieve %s (of which sort) | adopt %s | domain ids %s | "
	    "kdump copy %s | (adopt + ids) / copy | all / copy | pages the copy allocates |\n",
	    bm_unit(), bm_unit(), bm_unit(), bm_unit());
	out("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (mode = 0; mode < NR_MODES; mode++) {
		if (!mode_available[mode]) {
			out("| %s | n/a | | | | | | | |\n", mode_name[mode]);
			continue;
		}
		for (si = 0; si < NR_SIZES; si++) {
			const struct run *u = &runs[mode][si];
			u64 inplace = u->p4.adopt + u->p4.dids;

			if (!u->done)
				continue;
			out("| %s | %u | %llu (%llu) | %llu | %llu | %llu | **%s** | %s | %u |\n",
			    mode_name[mode], u->n, ull(u->p4.retrieve),
			    ull(u->p4.sort), ull(u->p4.adopt), ull(u->p4.dids),
			    ull(u->p4.copy), fx(inplace, u->p4.copy, 2),
			    fx(inplace + u->p4.retrieve, u->p4.copy, 2),
			    u->p4.copy_pages);
		}
	}
	out("\nRetrieve: iommu_lu_retrieve(): restore and validate the whole handover, restore "
	    "every page it declares from KHO (needed by any restore that trusts a handover). "
	    "Adopt: iommu_lu_unit_add(): the backend checks the live tables against the record, "
	    "the registry is rebuilt. Domain ids: the driver's reservation through "
	    "iommu_lu_unit_domain_ids(). Copy: a model of copy_translation_tables() as a kdump "
	    "kernel runs it on the same tables: a new root, a new page per present context table, "
	    "entries copied one by one with their domain ids reserved and their ids marked copied, "
	    "the copies installed in the new root; it reserves the same domain ids (checked). "
	    "Pointing the hardware at the new root is left out.\n\n");
}

int main(int argc, char **argv)
{
	const char *cg_out = NULL, *md = NULL;
	unsigned int mode, si, nr_sizes = NR_SIZES;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--callgrind-out") && i + 1 < argc)
			cg_out = argv[++i];
		else if (!strcmp(argv[i], "--md") && i + 1 < argc)
			md = argv[++i];
		else if (!strcmp(argv[i], "--quick"))
			nr_sizes = 2;	/* 1 and 64 devices: a smoke test */
		else
			die("usage: %s [--callgrind-out FILE] [--md FILE] [--quick]",
			    argv[0]);
	}
	bm_init(cg_out);
	for (si = 0; si < ARRAY_SIZE(walk_fns); si++)
		bm_watch(walk_fns[si]);
	bm_watch("sort");

	for (mode = 0; mode < NR_MODES; mode++)
		for (si = 0; si < nr_sizes; si++)
			run_one(mode, si);
	lu_harness_reset();

	report_config();
	report_p1();
	report_p2();
	report_p3();
	report_p4();
	if (!mode_available[M_SCALABLE])
		out("Scalable mode: n/a: the harness cannot boot a unit in scalable mode yet "
		    "(tests/bench/bench.c, \"SCALABLE:\").\n");

	fputs(out_buf, stdout);
	if (md) {
		FILE *f = fopen(md, "w");

		if (!f || fputs(out_buf, f) < 0 || fclose(f))
			die("cannot write %s", md);
	}
	return 0;
}
