// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-lu Intel VT-d backend: preserve, clean up, adopt or block a unit.
 */

/**
 * DOC: Intel VT-d backend
 *
 * Implements &struct iommu_lu_vendor_ops for VT-d units in legacy mode
 * (root table -> context tables -> second-level page tables) and in
 * scalable mode (root table -> lower or upper context table -> PASID
 * directory -> PASID table -> second-level page tables). Each op dispatches
 * on the unit's mode; the second-level page-table format, and so
 * domain_preserve, is the same in both.
 *
 * The backend reaches the hardware through the unit's registers and through
 * physical memory only, exactly as in the kernel: it never looks at the Intel
 * driver's structures, and refuses any table pointer that is not a page of
 * memory (!pfn_valid()).
 *
 * Old kernel:
 *
 * - unit_preserve checks that translation is on and that RTADDR points at a
 *   root table in the driver's mode (RTADDR.SMT set exactly in scalable
 *   mode, which also needs ECAP.SMTS and the invalidation queue), and
 *   reports that page.
 * - device_preserve looks up the context entry of each requester id of the
 *   device (and only the buses of those ids), checks that all of them are
 *   multi-level entries of one domain, and reports their context tables. In
 *   scalable mode the entry sits in the bus's lower or upper context table
 *   (devfn below or from 128: one bus may need both), leads to the device's
 *   PASID directory, and its RID_PASID entry must be a second-level-only
 *   (PGTT 2) entry, which gives the domain; every requester id must share
 *   the directory and domain, and every other PASID in use must be on that
 *   domain too (nothing else is handed over). The context tables, the
 *   directory and every present PASID table are reported; the directory
 *   and its size (PDTS) go into the device record.
 * - domain_preserve walks the second-level table and reports every table page.
 * - shutdown (kexec, other CPUs stopped, interrupts off) drops the root
 *   entries of buses without a preserved id (in scalable mode the lower and
 *   upper halves each on their own), clears the context entries of ids that
 *   are not preserved (all 32 bytes of a scalable-mode one), and invalidates
 *   the context cache, in scalable mode the PASID cache, and the IOTLB
 *   globally, leaving translation on. In scalable mode it also clears the
 *   page-request enable of preserved entries (nothing in the next kernel
 *   services their page requests until a driver claims them), and any PASID
 *   of a preserved device that leads to a PASID table or domain that is not
 *   preserved. The walk is shared with iommu_lu_intel_cleanup_set(), which
 *   computes the ids it would clear without writing anything.
 *
 * Scalable-mode context entries have no bit free for software: nothing is
 * marked in the tables, what is preserved is asked of the core.
 *
 * Next kernel:
 *
 * - adopt checks, without writing anything, that the hardware matches the
 *   handover: translation on, same root and mode (RTADDR.SMT, the record and
 *   the driver must agree: the mode can only change with translation off),
 *   every present root entry (or half) leading to a recorded context table,
 *   every preserved id's entry as recorded (in scalable mode: the recorded
 *   PASID directory and size, page requests off, every PASID table a
 *   recorded page, every PASID on the recorded domain), and no live entry
 *   for an id nobody recorded. The tables are then used in place.
 * - block_all points the unit at a new, empty root table with translation on.
 * - device_clear clears the entries of ids nobody claimed.
 *
 * Invalidation goes through the invalidation queue when GSTS.QIES is set,
 * else through the CCMD and IOTLB registers. The queue is driven directly
 * (the driver's queue bookkeeping is not reachable through registers): the
 * descriptors are followed by fenced wait descriptors that fill the rest of
 * the ring, so that the tail returns to where it was and the driver's own
 * view of the queue stays valid. Every wait is a bounded spin.
 */

#define pr_fmt(fmt) "iommu-lu-intel: " fmt

#include "iommu_lu_seam.h"
#include "iommu_lu.h"
#include "iommu_lu_vendor.h"
#include "vtd_hw.h"

/* Upper bound of every register or queue poll (no sleeping, no timer). */
#define LU_VTD_POLL_LIMIT	10000000UL

/* Status data of our wait descriptors ("LUQ1".."LUQ3"). */
#define LU_VTD_QI_DONE_INV	0x3151554c
#define LU_VTD_QI_DONE_PAD	0x3251554c
#define LU_VTD_QI_DONE_LAP	0x3351554c

#define LU_VTD_NR_RIDS		BIT(16)

/**
 * struct lu_vtd - One unit's registers, as an op sees them.
 * @regs: mapped registers.
 * @cap: CAP register.
 * @ecap: ECAP register.
 * @token: the unit's token, for messages.
 */
struct lu_vtd {
	void __iomem *regs;
	u64 cap;
	u64 ecap;
	unsigned long long token;
};

/**
 * struct lu_vtd_ctx - What a legacy context entry says.
 * @did: domain id.
 * @pgtable: second-level page-table root.
 * @levels: page-table levels (AW + 2).
 */
struct lu_vtd_ctx {
	u32 did;
	u64 pgtable;
	u32 levels;
};

/**
 * struct lu_vtd_qi - The unit's invalidation queue, as IQA describes it.
 * @q: the queue, mapped.
 * @base: its physical address.
 * @size: its size in bytes (a power of two).
 * @shift: log2 of the descriptor size (4: 128-bit, 5: 256-bit).
 */
struct lu_vtd_qi {
	u8 *q;
	u64 base;
	u32 size;
	unsigned int shift;
};

/**
 * struct lu_vtd_walk - State of a second-level page-table walk.
 * @set: where table pages go.
 * @ho: on adoption, the incoming handover: each table page reached must
 *	be one of @dom_id's page-table pages there, and nothing goes to @set.
 * @dom_id: on adoption, the handover's id of the domain being walked.
 * @count: on adoption, how many table pages the walk reached.
 * @top: level of the root table.
 * @path: @path[l] is the table being walked at level l.
 */
struct lu_vtd_walk {
	struct iommu_lu_page_set *set;
	const struct iommu_lu_handover *ho;
	u32 dom_id;
	unsigned int count;
	unsigned int top;
	u64 path[LU_VTD_MAX_LEVELS + 1];
};

/* Stats of the last shutdown; written only from the kexec path. */
static struct iommu_lu_intel_shutdown_stats lu_vtd_last;

static bool lu_vtd_get(struct lu_vtd *vtd, const struct iommu_lu_unit *unit)
{
	vtd->token = iommu_lu_unit_token(unit);
	vtd->regs = iommu_lu_unit_regs(unit);
	if (!vtd->regs)
		return false;
	vtd->cap = readq(vtd->regs + LU_VTD_CAP_REG);
	vtd->ecap = readq(vtd->regs + LU_VTD_ECAP_REG);
	return true;
}

/* A table pointer must be a page-aligned page of memory. */
static bool lu_vtd_page_ok(u64 phys)
{
	return phys && !(phys & ~LU_VTD_PAGE_MASK) && pfn_valid(PHYS_PFN(phys));
}

static void lu_vtd_flush_cache(const struct lu_vtd *vtd, void *addr,
			       unsigned int size)
{
	if (!(vtd->ecap & LU_VTD_ECAP_C))
		clflush_cache_range(addr, size);
}

/* Reads RTADDR: returns its translation table mode, sets *@root. */
static u32 lu_vtd_rtaddr(const struct lu_vtd *vtd, u64 *root)
{
	u64 rta = readq(vtd->regs + LU_VTD_RTADDR_REG);

	*root = rta & LU_VTD_RTADDR_ADDR;
	return (rta & LU_VTD_RTADDR_TTM_MASK) >> LU_VTD_RTADDR_TTM_SHIFT;
}

/* Whether RTADDR's translation table mode @ttm is the framework's @mode. */
static bool lu_vtd_ttm_is(u32 ttm, u32 mode)
{
	return (ttm == LU_VTD_TTM_LEGACY && mode == IOMMU_LU_MODE_VTD_LEGACY) ||
	       (ttm == LU_VTD_TTM_SCALABLE && mode == IOMMU_LU_MODE_VTD_SCALABLE);
}

static int lu_vtd_bad_mode(const struct lu_vtd *vtd, const char *op, u32 mode)
{
	pr_warn("unit %#llx: %s: unknown mode %u\n", vtd->token, op, mode);
	return -EOPNOTSUPP;
}

/*
 * Checks a legacy root entry: returns NULL and sets *@ctx_phys if it is
 * present, well formed and leads to a page of memory, else says why not.
 */
static const char *lu_vtd_root_check(const struct lu_vtd_root_entry *re,
				     u64 *ctx_phys)
{
	u64 lo = READ_ONCE(re->lo);
	u64 hi = READ_ONCE(re->hi);

	if (!(lo & LU_VTD_ROOT_P))
		return "root entry not present";
	if ((lo & LU_VTD_ROOT_LO_RSVD) || hi)
		return "root entry has reserved bits set";
	*ctx_phys = lo & LU_VTD_ROOT_CTP;
	if (!lu_vtd_page_ok(*ctx_phys))
		return "context table outside memory";
	return NULL;
}

/*
 * Checks a legacy context entry: returns NULL and fills @out if it is a
 * present multi-level entry that can be handed over, else says why not.
 */
static const char *lu_vtd_ctx_check(const struct lu_vtd *vtd,
				    const struct lu_vtd_context_entry *ce,
				    struct lu_vtd_ctx *out)
{
	u64 lo = READ_ONCE(ce->lo);
	u64 hi = READ_ONCE(ce->hi);
	u32 sagaw = (vtd->cap >> LU_VTD_CAP_SAGAW_SHIFT) & LU_VTD_CAP_SAGAW_MASK;
	u32 tt, aw;

	if (!(lo & LU_VTD_CTX_P))
		return "context entry not present";
	if ((lo & LU_VTD_CTX_LO_RSVD) || (hi & LU_VTD_CTX_HI_RSVD))
		return "context entry has reserved bits set";
	tt = (lo >> LU_VTD_CTX_TT_SHIFT) & LU_VTD_CTX_TT_MASK;
	if (tt != LU_VTD_CTX_TT_MULTI && tt != LU_VTD_CTX_TT_DEVTLB)
		return "translation type is not multi-level (pass-through?)";
	aw = hi & LU_VTD_CTX_AW_MASK;
	if (aw + 2 > LU_VTD_MAX_LEVELS || !(sagaw & BIT(aw)))
		return "address width not supported by the unit";

	out->did = (hi >> LU_VTD_CTX_DID_SHIFT) & LU_VTD_CTX_DID_MASK;
	out->pgtable = lo & LU_VTD_CTX_SLPTPTR;
	out->levels = aw + 2;
	if (out->did < LU_VTD_FIRST_PAGING_DID)
		return "domain id is reserved (0 or 1)";
	if (!lu_vtd_page_ok(out->pgtable))
		return "page table outside memory";
	return NULL;
}

/* ---- scalable-mode entries ---- */

/**
 * struct lu_vtd_sm - What a scalable-mode context entry says.
 * @dir: its PASID directory.
 * @pdts: the directory's size: 2^(@pdts + 7) entries.
 * @rid2pasid: the PASID of requests without one.
 * @ctx: the domain of that PASID's entry.
 */
struct lu_vtd_sm {
	u64 dir;
	u32 pdts;
	u32 rid2pasid;
	struct lu_vtd_ctx ctx;
};

static unsigned int lu_vtd_dir_entries(u32 pdts)
{
	return 1U << (pdts + 7);
}

/* Pages of a PASID directory: 8 bytes per entry, at least one page. */
static unsigned int lu_vtd_dir_pages(u32 pdts)
{
	return pdts > 2 ? 1U << (pdts - 2) : 1;
}

static u64 lu_vtd_dir_page(u64 dir, unsigned int i)
{
	return dir + ((u64)i << LU_VTD_PAGE_SHIFT);
}

static bool lu_vtd_dir_ok(u64 dir, u32 pdts)
{
	unsigned int i;

	for (i = 0; i < lu_vtd_dir_pages(pdts); i++)
		if (!lu_vtd_page_ok(lu_vtd_dir_page(dir, i)))
			return false;
	return true;
}

static bool lu_vtd_ctx_same(const struct lu_vtd_ctx *a,
			    const struct lu_vtd_ctx *b)
{
	return a->did == b->did && a->pgtable == b->pgtable &&
	       a->levels == b->levels;
}

/*
 * Checks the root entry half a scalable-mode request from @devfn uses: returns
 * NULL and sets *@ctx_phys if it is present, well formed (QEMU checks the
 * reserved bits of both halves) and leads to a page of memory, else says why
 * not.
 */
static const char *lu_vtd_sm_root_check(const struct lu_vtd_root_entry *re,
					unsigned int devfn, u64 *ctx_phys)
{
	u64 lo = READ_ONCE(re->lo);
	u64 hi = READ_ONCE(re->hi);
	bool upper = devfn >= LU_VTD_SM_UPPER;
	u64 half = upper ? hi : lo;

	if (!(half & LU_VTD_ROOT_P))
		return upper ? "upper context table not present" :
			       "lower context table not present";
	if ((lo | hi) & LU_VTD_ROOT_LO_RSVD)
		return "root entry has reserved bits set";
	*ctx_phys = half & LU_VTD_ROOT_CTP;
	if (!lu_vtd_page_ok(*ctx_phys))
		return "context table outside memory";
	return NULL;
}

/* The entry of @devfn in the (lower or upper) context table at @ctx. */
static struct lu_vtd_sm_context_entry *lu_vtd_sm_ce(u64 ctx, unsigned int devfn)
{
	struct lu_vtd_sm_context_entry *ct = phys_to_virt(ctx);

	return &ct[devfn % LU_VTD_SM_CTX_NR];
}

/*
 * Checks a PASID entry: returns NULL and fills @out if it is a present
 * second-level-only entry that can be handed over, else says why not.
 */
static const char *lu_vtd_pe_check(const struct lu_vtd *vtd,
				   const struct lu_vtd_pasid_entry *pe,
				   struct lu_vtd_ctx *out)
{
	u64 v0 = READ_ONCE(pe->val[0]);
	u64 v1 = READ_ONCE(pe->val[1]);
	u32 sagaw = (vtd->cap >> LU_VTD_CAP_SAGAW_SHIFT) & LU_VTD_CAP_SAGAW_MASK;
	u32 aw = (v0 >> LU_VTD_PE_AW_SHIFT) & LU_VTD_PE_AW_MASK;

	if (!(v0 & LU_VTD_PE_P))
		return "PASID entry not present";
	if (((v0 >> LU_VTD_PE_PGTT_SHIFT) & LU_VTD_PE_PGTT_MASK) !=
	    LU_VTD_PE_PGTT_SL)
		return "PASID entry is not second-level only (PGTT 2)";
	if (aw + 2 > LU_VTD_MAX_LEVELS || !(sagaw & BIT(aw)))
		return "address width not supported by the unit";

	out->did = v1 & LU_VTD_PE_DID_MASK;
	out->pgtable = v0 & LU_VTD_PE_SLPTPTR;
	out->levels = aw + 2;
	if (out->did < LU_VTD_FIRST_PAGING_DID)
		return "domain id is reserved (0 or 1)";
	if (!lu_vtd_page_ok(out->pgtable))
		return "page table outside memory";
	return NULL;
}

/*
 * The entry of @pasid in the directory at @dir (of 2^(@pdts + 7) entries,
 * every page of memory), or NULL with *@why set.
 */
static struct lu_vtd_pasid_entry *lu_vtd_pasid_find(u64 dir, u32 pdts,
						    u32 pasid, const char **why)
{
	const u64 *de = phys_to_virt(dir);
	struct lu_vtd_pasid_entry *pt;
	u64 pde, table;

	if ((pasid >> LU_VTD_PDE_SHIFT) >= lu_vtd_dir_entries(pdts)) {
		*why = "RID_PASID beyond the PASID directory";
		return NULL;
	}
	pde = READ_ONCE(de[pasid >> LU_VTD_PDE_SHIFT]);
	table = pde & LU_VTD_PDE_TABLE;
	if (!(pde & LU_VTD_PDE_P)) {
		*why = "PASID directory entry not present";
		return NULL;
	}
	if (pde & LU_VTD_PDE_RSVD) {
		*why = "PASID directory entry has reserved bits set";
		return NULL;
	}
	if (!lu_vtd_page_ok(table)) {
		*why = "PASID table outside memory";
		return NULL;
	}
	pt = phys_to_virt(table);
	return &pt[pasid % LU_VTD_PASID_TABLE_NR];
}

/*
 * Checks a scalable-mode context entry and its RID_PASID entry: returns NULL
 * and fills @out if the entry is present, well formed, leads to a PASID
 * directory in memory and a second-level RID_PASID entry, else says why not.
 * Page requests (PRE) and device-TLB (DTE) enables are allowed.
 */
static const char *lu_vtd_sm_ctx_check(const struct lu_vtd *vtd,
				       const struct lu_vtd_sm_context_entry *ce,
				       struct lu_vtd_sm *out)
{
	u64 lo = READ_ONCE(ce->lo);
	u64 hi = READ_ONCE(ce->hi);
	const struct lu_vtd_pasid_entry *pe;
	const char *why;

	if (!(lo & LU_VTD_SM_CTX_P))
		return "context entry not present";
	if ((lo & LU_VTD_SM_CTX_LO_RSVD) || (hi & LU_VTD_SM_CTX_HI_RSVD) ||
	    READ_ONCE(ce->rsvd[0]) || READ_ONCE(ce->rsvd[1]))
		return "context entry has reserved bits set";
	out->dir = lo & LU_VTD_SM_CTX_DIR;
	out->pdts = (lo >> LU_VTD_SM_CTX_PDTS_SHIFT) & LU_VTD_SM_CTX_PDTS_MASK;
	out->rid2pasid = hi & LU_VTD_SM_CTX_RID2PASID;
	if (!lu_vtd_dir_ok(out->dir, out->pdts))
		return "PASID directory outside memory";
	pe = lu_vtd_pasid_find(out->dir, out->pdts, out->rid2pasid, &why);
	if (!pe)
		return why;
	return lu_vtd_pe_check(vtd, pe, &out->ctx);
}

static bool lu_vtd_page_recorded(const struct iommu_lu_handover *ho, u64 phys,
				 u16 kind, u32 owner)
{
	const struct iommu_lu_page_ser *pg = iommu_lu_handover_page(ho, phys);

	return pg && pg->kind == kind && pg->owner == owner;
}

/*
 * Every PASID table the directory of @sm leads to, and every PASID in them:
 * each table must be a page of memory, each present PASID entry a
 * second-level entry of @sm's domain (its page tables are the only ones
 * handed over). With @set, each table is added to it; else each must be a
 * PASID-table page record of unit @owner in @ho. Returns 0, -EINVAL with
 * *@why and *@pasid set, or the error of iommu_lu_page_set_add().
 */
static int lu_vtd_sm_pasids(const struct lu_vtd *vtd, const struct lu_vtd_sm *sm,
			    struct iommu_lu_page_set *set,
			    const struct iommu_lu_handover *ho, u32 owner,
			    const char **why, u32 *pasid)
{
	const u64 *dir = phys_to_virt(sm->dir);
	unsigned int d, i;
	int ret;

	for (d = 0; d < lu_vtd_dir_entries(sm->pdts); d++) {
		u64 pde = READ_ONCE(dir[d]);
		u64 table = pde & LU_VTD_PDE_TABLE;
		const struct lu_vtd_pasid_entry *pt;

		if (!(pde & LU_VTD_PDE_P))
			continue;
		*pasid = d << LU_VTD_PDE_SHIFT;
		*why = NULL;
		if (pde & LU_VTD_PDE_RSVD)
			*why = "PASID directory entry has reserved bits set";
		else if (!lu_vtd_page_ok(table))
			*why = "PASID table outside memory";
		else if (!set && !lu_vtd_page_recorded(ho, table,
						       IOMMU_LU_PAGE_PASID_TABLE,
						       owner))
			*why = "PASID table has no page record";
		if (*why)
			return -EINVAL;
		if (set) {
			ret = iommu_lu_page_set_add(set, table,
						    IOMMU_LU_PAGE_PASID_TABLE);
			if (ret)
				return ret;
		}

		pt = phys_to_virt(table);
		for (i = 0; i < LU_VTD_PASID_TABLE_NR; i++) {
			struct lu_vtd_ctx c;

			if (!(READ_ONCE(pt[i].val[0]) & LU_VTD_PE_P))
				continue;
			*pasid = d << LU_VTD_PDE_SHIFT | i;
			*why = lu_vtd_pe_check(vtd, &pt[i], &c);
			if (!*why && !lu_vtd_ctx_same(&c, &sm->ctx))
				*why = "attached to another domain than RID_PASID";
			if (*why)
				return -EINVAL;
		}
	}
	return 0;
}

/* Spin until (@reg & @bit) == @want. */
static bool lu_vtd_poll32(void __iomem *reg, u32 bit, u32 want)
{
	unsigned long n;

	for (n = 0; n < LU_VTD_POLL_LIMIT; n++) {
		if ((readl(reg) & bit) == want)
			return true;
		cpu_relax();
	}
	return false;
}

static bool lu_vtd_poll64_clear(void __iomem *reg, u64 bit)
{
	unsigned long n;

	for (n = 0; n < LU_VTD_POLL_LIMIT; n++) {
		if (!(readq(reg) & bit))
			return true;
		cpu_relax();
	}
	return false;
}

/* Global context-cache, then IOTLB invalidation through the registers. */
static bool lu_vtd_reg_flush(const struct lu_vtd *vtd)
{
	unsigned long iotlb = ((vtd->ecap >> LU_VTD_ECAP_IRO_SHIFT) &
			       LU_VTD_ECAP_IRO_MASK) * 16 + LU_VTD_IOTLB_REG_OFF;
	u64 val = LU_VTD_IOTLB_IVT | LU_VTD_IOTLB_GLOBAL;

	writeq(LU_VTD_CCMD_ICC | LU_VTD_CCMD_GLOBAL,
	       vtd->regs + LU_VTD_CCMD_REG);
	if (!lu_vtd_poll64_clear(vtd->regs + LU_VTD_CCMD_REG, LU_VTD_CCMD_ICC)) {
		pr_emerg("unit %#llx: context-cache invalidation timed out\n",
			 vtd->token);
		return false;
	}

	if (vtd->cap & LU_VTD_CAP_DRD)
		val |= LU_VTD_IOTLB_DR;
	if (vtd->cap & LU_VTD_CAP_DWD)
		val |= LU_VTD_IOTLB_DW;
	writeq(val, vtd->regs + iotlb);
	if (!lu_vtd_poll64_clear(vtd->regs + iotlb, LU_VTD_IOTLB_IVT)) {
		pr_emerg("unit %#llx: IOTLB invalidation timed out\n",
			 vtd->token);
		return false;
	}
	return true;
}

/* Writes one descriptor at *@off and advances *@off, wrapping. */
static void lu_vtd_qi_put(const struct lu_vtd_qi *qi, u32 *off, u64 qw0,
			  u64 qw1)
{
	u64 *desc = (u64 *)(qi->q + *off);

	desc[0] = qw0;
	desc[1] = qw1;
	if (qi->shift > LU_VTD_IQ_SHIFT) {
		desc[2] = 0;
		desc[3] = 0;
	}
	*off = (*off + (1U << qi->shift)) & (qi->size - 1);
}

/*
 * Spins until the hardware fetched everything up to @tail and, with @status,
 * until it wrote @data there; gives up on a queue error or after the bound.
 */
static bool lu_vtd_qi_wait(const struct lu_vtd *vtd, const struct lu_vtd_qi *qi,
			   u32 tail, const u32 *status, u32 data)
{
	unsigned long n;
	u32 fsts;

	for (n = 0; n < LU_VTD_POLL_LIMIT; n++) {
		fsts = readl(vtd->regs + LU_VTD_FSTS_REG);
		if (fsts & (LU_VTD_FSTS_IQE | LU_VTD_FSTS_ITE)) {
			pr_emerg("unit %#llx: invalidation queue error (FSTS %#x), giving up\n",
				 vtd->token, fsts);
			return false;
		}
		if ((readl(vtd->regs + LU_VTD_IQH_REG) & (qi->size - 1)) == tail &&
		    (!status || READ_ONCE(*status) == data))
			return true;
		cpu_relax();
	}
	pr_emerg("unit %#llx: invalidation queue timed out\n", vtd->token);
	return false;
}

/*
 * Global context-cache (and PASID-cache, with @pasid_cache) and IOTLB
 * invalidation through the invalidation queue, then a full lap of fenced
 * wait descriptors so that the tail ends where it started. Each wait writes
 * its status over the first descriptor of the batch, which the hardware has
 * already consumed by then.
 */
static bool lu_vtd_qi_flush(const struct lu_vtd *vtd, bool pasid_cache)
{
	u64 iqa = readq(vtd->regs + LU_VTD_IQA_REG);
	u64 iwd = LU_VTD_QI_IWD_SW | LU_VTD_QI_IWD_FN | LU_VTD_QI_IWD_TYPE;
	u64 iotlb = LU_VTD_QI_IOTLB_GLOBAL | LU_VTD_QI_IOTLB_TYPE;
	struct lu_vtd_qi qi;
	unsigned int used = 0, nr;
	u32 tail, off;
	u64 status_phys;
	u32 *status;

	qi.base = iqa & LU_VTD_IQA_ADDR;
	/*
	 * 256-bit descriptors: IQA.DW, which QEMU (7.2) does not return on a
	 * read; Linux sets it exactly when the unit has ECAP.SMTS.
	 */
	qi.shift = LU_VTD_IQ_SHIFT +
		   !!((iqa & LU_VTD_IQA_DW) || (vtd->ecap & LU_VTD_ECAP_SMTS));
	qi.size = LU_VTD_PAGE_SIZE << (iqa & LU_VTD_IQA_QS);
	if (!lu_vtd_page_ok(qi.base) ||
	    !pfn_valid(PHYS_PFN(qi.base + qi.size - 1))) {
		pr_emerg("unit %#llx: invalidation queue %#llx outside memory\n",
			 vtd->token, qi.base);
		return false;
	}
	qi.q = phys_to_virt(qi.base);
	nr = qi.size >> qi.shift;

	/* Let whatever the driver queued drain first. */
	tail = readl(vtd->regs + LU_VTD_IQT_REG) & (qi.size - 1);
	if (!lu_vtd_qi_wait(vtd, &qi, tail, NULL, 0))
		return false;

	status = (u32 *)(qi.q + tail);
	status_phys = qi.base + tail;
	off = tail;

	lu_vtd_qi_put(&qi, &off, LU_VTD_QI_CC_GLOBAL | LU_VTD_QI_CC_TYPE, 0);
	used++;
	if (pasid_cache) {
		lu_vtd_qi_put(&qi, &off, LU_VTD_QI_PC_GLOBAL | LU_VTD_QI_PC_TYPE,
			      0);
		used++;
	}
	if (vtd->cap & LU_VTD_CAP_DRD)
		iotlb |= LU_VTD_QI_IOTLB_DR;
	if (vtd->cap & LU_VTD_CAP_DWD)
		iotlb |= LU_VTD_QI_IOTLB_DW;
	lu_vtd_qi_put(&qi, &off, iotlb, 0);
	used++;
	lu_vtd_qi_put(&qi, &off, iwd | LU_VTD_QI_IWD_DATA(LU_VTD_QI_DONE_INV),
		      status_phys);
	used++;
	writel(off, vtd->regs + LU_VTD_IQT_REG);
	if (!lu_vtd_qi_wait(vtd, &qi, off, status, LU_VTD_QI_DONE_INV))
		return false;

	/* Fill the rest of the ring; the last wait marks the lap complete. */
	for (; used < nr; used++) {
		u32 data = used == nr - 1 ? LU_VTD_QI_DONE_LAP :
					    LU_VTD_QI_DONE_PAD;

		lu_vtd_qi_put(&qi, &off, iwd | LU_VTD_QI_IWD_DATA(data),
			      status_phys);
	}
	writel(off, vtd->regs + LU_VTD_IQT_REG);
	return lu_vtd_qi_wait(vtd, &qi, tail, status, LU_VTD_QI_DONE_LAP);
}

/*
 * Global invalidation of the unit's context cache and IOTLB, and with
 * @pasid_cache (scalable mode) of its PASID cache, which only the queue can
 * invalidate. Cannot sleep; returns false if the hardware did not complete
 * it.
 */
static bool lu_vtd_flush_all(const struct lu_vtd *vtd, bool pasid_cache,
			     bool *via_qi)
{
	*via_qi = readl(vtd->regs + LU_VTD_GSTS_REG) & LU_VTD_GSTS_QIES;
	if (*via_qi)
		return lu_vtd_qi_flush(vtd, pasid_cache);
	if (!lu_vtd_reg_flush(vtd))
		return false;
	if (pasid_cache) {
		pr_emerg("unit %#llx: no invalidation queue: the PASID cache may hold stale entries\n",
			 vtd->token);
		return false;
	}
	return true;
}

/* Context entry cleared: low quadword (present bit) first. */
static void lu_vtd_ctx_clear(const struct lu_vtd *vtd,
			     struct lu_vtd_context_entry *ce)
{
	WRITE_ONCE(ce->lo, 0);
	WRITE_ONCE(ce->hi, 0);
	lu_vtd_flush_cache(vtd, ce, sizeof(*ce));
}

/*
 * The per-entry decisions of the cleanup, kept pure (no hardware access, no
 * lock, no allocation) so that a test can compute what shutdown would do.
 */
static bool lu_vtd_keep_rid(const struct iommu_lu_unit *unit, u16 rid)
{
	return iommu_lu_rid_preserved(unit, rid);
}

static bool lu_vtd_keep_bus(const struct iommu_lu_unit *unit, unsigned int bus)
{
	return iommu_lu_rid_range_preserved(unit, bus << 8, bus << 8 | 0xff);
}

/* Marks the ids whose present entries a dropped root entry makes unreachable. */
static void lu_vtd_mark_bus(const struct lu_vtd_context_entry *ct,
			    unsigned int bus, unsigned long *rids)
{
	unsigned int devfn;

	for (devfn = 0; devfn < LU_VTD_CTX_NR; devfn++)
		if (!ct || (READ_ONCE(ct[devfn].lo) & LU_VTD_CTX_P))
			__set_bit(bus << 8 | devfn, rids);
}

/*
 * The legacy-mode cleanup walk over the root table at @root: drop the root
 * entry of every bus without a preserved id, clear the context entry of
 * every id that is not preserved. With @apply it writes the tables (then
 * @vtd is needed); @would_clear, if not NULL, gets the ids that lose their
 * entry. Counts go to @st. No allocation, no lock, no sleep.
 */
static void lu_vtd_legacy_cleanup(const struct iommu_lu_unit *unit,
				  const struct lu_vtd *vtd, u64 root,
				  bool apply, unsigned long *would_clear,
				  struct iommu_lu_intel_shutdown_stats *st)
{
	struct lu_vtd_root_entry *rt = phys_to_virt(root);
	unsigned int bus, devfn;

	for (bus = 0; bus < LU_VTD_ROOT_NR; bus++) {
		struct lu_vtd_root_entry *re = &rt[bus];
		struct lu_vtd_context_entry *ct = NULL;
		u64 lo = READ_ONCE(re->lo);
		u64 ctx = lo & LU_VTD_ROOT_CTP;

		if (!(lo & LU_VTD_ROOT_P))
			continue;
		if (lu_vtd_page_ok(ctx))
			ct = phys_to_virt(ctx);
		else if (apply)
			pr_emerg("unit %#llx: bus %02x: context table %#llx outside memory, dropping it\n",
				 vtd->token, bus, ctx);

		if (!ct || !lu_vtd_keep_bus(unit, bus)) {
			if (would_clear)
				lu_vtd_mark_bus(ct, bus, would_clear);
			if (apply) {
				WRITE_ONCE(re->lo, 0);
				WRITE_ONCE(re->hi, 0);
				lu_vtd_flush_cache(vtd, re, sizeof(*re));
			}
			st->roots_zeroed++;
			continue;
		}

		for (devfn = 0; devfn < LU_VTD_CTX_NR; devfn++) {
			struct lu_vtd_context_entry *ce = &ct[devfn];
			u16 rid = bus << 8 | devfn;

			if (!(READ_ONCE(ce->lo) & LU_VTD_CTX_P))
				continue;
			if (lu_vtd_keep_rid(unit, rid)) {
				st->ctx_kept++;
				continue;
			}
			if (would_clear)
				__set_bit(rid, would_clear);
			if (apply)
				lu_vtd_ctx_clear(vtd, ce);
			st->ctx_cleared++;
		}
	}
}

/* Scalable-mode context entry cleared: both 128-bit halves, present bit first. */
static void lu_vtd_sm_ctx_clear(const struct lu_vtd *vtd,
				struct lu_vtd_sm_context_entry *ce)
{
	WRITE_ONCE(ce->lo, 0);
	WRITE_ONCE(ce->hi, 0);
	WRITE_ONCE(ce->rsvd[0], 0);
	WRITE_ONCE(ce->rsvd[1], 0);
	lu_vtd_flush_cache(vtd, ce, sizeof(*ce));
}

static void lu_vtd_pe_clear(const struct lu_vtd *vtd,
			    struct lu_vtd_pasid_entry *pe)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pe->val); i++)
		WRITE_ONCE(pe->val[i], 0);
	lu_vtd_flush_cache(vtd, pe, sizeof(*pe));
}

/* Marks the ids of one context-table half a dropped root half makes unreachable. */
static void lu_vtd_sm_mark_half(const struct lu_vtd_sm_context_entry *ct,
				unsigned int first, unsigned long *rids)
{
	unsigned int i;

	for (i = 0; i < LU_VTD_SM_CTX_NR; i++)
		if (!ct || (READ_ONCE(ct[i].lo) & LU_VTD_SM_CTX_P))
			__set_bit(first + i, rids);
}

/*
 * The PASIDs of a kept (preserved) scalable-mode context entry: a directory
 * entry leading to a PASID table that is not preserved, and a PASID entry
 * that is not on the RID_PASID entry's domain, lead to what the next kernel
 * does not get: with @apply they are cleared. An entry whose directory is
 * not preserved changed after it was preserved: it is left for adopt to
 * refuse. Counts go to @st.
 */
static void lu_vtd_sm_pasid_cleanup(const struct iommu_lu_unit *unit,
				    const struct lu_vtd *vtd,
				    const struct lu_vtd_sm_context_entry *ce,
				    bool apply,
				    struct iommu_lu_intel_shutdown_stats *st)
{
	u64 lo = READ_ONCE(ce->lo);
	u64 dirp = lo & LU_VTD_SM_CTX_DIR;
	u32 pdts = (lo >> LU_VTD_SM_CTX_PDTS_SHIFT) & LU_VTD_SM_CTX_PDTS_MASK;
	u32 rid2pasid = READ_ONCE(ce->hi) & LU_VTD_SM_CTX_RID2PASID;
	const struct lu_vtd_pasid_entry *rp;
	struct lu_vtd_ctx ref, c;
	unsigned int d, i;
	const char *why;
	bool have_ref;
	u64 *dir;

	if (!lu_vtd_dir_ok(dirp, pdts))
		return;
	for (i = 0; i < lu_vtd_dir_pages(pdts); i++)
		if (!iommu_lu_page_preserved(unit, lu_vtd_dir_page(dirp, i)))
			return;
	rp = lu_vtd_pasid_find(dirp, pdts, rid2pasid, &why);
	have_ref = rp && !lu_vtd_pe_check(vtd, rp, &ref);

	dir = phys_to_virt(dirp);
	for (d = 0; d < lu_vtd_dir_entries(pdts); d++) {
		u64 pde = READ_ONCE(dir[d]);
		u64 table = pde & LU_VTD_PDE_TABLE;
		struct lu_vtd_pasid_entry *pt;

		if (!(pde & LU_VTD_PDE_P))
			continue;
		if (!lu_vtd_page_ok(table) ||
		    !iommu_lu_page_preserved(unit, table)) {
			if (apply) {
				WRITE_ONCE(dir[d], 0);
				lu_vtd_flush_cache(vtd, &dir[d], sizeof(dir[d]));
			}
			st->pasid_cleared++;
			continue;
		}
		pt = phys_to_virt(table);
		for (i = 0; i < LU_VTD_PASID_TABLE_NR; i++) {
			if (!(READ_ONCE(pt[i].val[0]) & LU_VTD_PE_P) ||
			    (d << LU_VTD_PDE_SHIFT | i) == rid2pasid)
				continue;
			if (have_ref && !lu_vtd_pe_check(vtd, &pt[i], &c) &&
			    lu_vtd_ctx_same(&c, &ref))
				continue;
			if (apply)
				lu_vtd_pe_clear(vtd, &pt[i]);
			st->pasid_cleared++;
		}
	}
}

/*
 * The scalable-mode cleanup walk over the root table at @root, like
 * lu_vtd_legacy_cleanup() with each root half on its own: a half whose 128
 * ids have none preserved is zeroed, the entries of ids that are not
 * preserved are cleared, kept entries lose their page-request enable and
 * the PASIDs that lead to what is not preserved. No allocation, no lock, no
 * sleep.
 */
static void lu_vtd_sm_cleanup(const struct iommu_lu_unit *unit,
			      const struct lu_vtd *vtd, u64 root,
			      bool apply, unsigned long *would_clear,
			      struct iommu_lu_intel_shutdown_stats *st)
{
	struct lu_vtd_root_entry *rt = phys_to_virt(root);
	unsigned int bus, half, i;

	for (bus = 0; bus < LU_VTD_ROOT_NR; bus++) {
		for (half = 0; half < 2; half++) {
			u64 *ptr = half ? &rt[bus].hi : &rt[bus].lo;
			unsigned int first = bus << 8 | half * LU_VTD_SM_UPPER;
			struct lu_vtd_sm_context_entry *ct = NULL;
			u64 val = READ_ONCE(*ptr);
			u64 ctx = val & LU_VTD_ROOT_CTP;

			if (!(val & LU_VTD_ROOT_P))
				continue;
			if (lu_vtd_page_ok(ctx))
				ct = phys_to_virt(ctx);
			else if (apply)
				pr_emerg("unit %#llx: bus %02x: %s context table %#llx outside memory, dropping it\n",
					 vtd->token, bus, half ? "upper" : "lower",
					 ctx);

			if (!ct ||
			    !iommu_lu_rid_range_preserved(unit, first,
							  first + LU_VTD_SM_CTX_NR - 1)) {
				if (would_clear)
					lu_vtd_sm_mark_half(ct, first, would_clear);
				if (apply) {
					WRITE_ONCE(*ptr, 0);
					lu_vtd_flush_cache(vtd, ptr, sizeof(*ptr));
				}
				st->roots_zeroed++;
				continue;
			}

			for (i = 0; i < LU_VTD_SM_CTX_NR; i++) {
				struct lu_vtd_sm_context_entry *ce = &ct[i];
				u64 lo = READ_ONCE(ce->lo);

				if (!(lo & LU_VTD_SM_CTX_P))
					continue;
				if (!lu_vtd_keep_rid(unit, first + i)) {
					if (would_clear)
						__set_bit(first + i, would_clear);
					if (apply)
						lu_vtd_sm_ctx_clear(vtd, ce);
					st->ctx_cleared++;
					continue;
				}
				st->ctx_kept++;
				if (lo & LU_VTD_SM_CTX_PRE) {
					if (apply) {
						WRITE_ONCE(ce->lo, lo & ~LU_VTD_SM_CTX_PRE);
						lu_vtd_flush_cache(vtd, ce, sizeof(*ce));
					}
					st->pre_cleared++;
				}
				lu_vtd_sm_pasid_cleanup(unit, vtd, ce, apply, st);
			}
		}
	}
}

/* ---- unit_preserve ---- */

static int lu_vtd_unit_preserve(struct iommu_lu_unit *unit, u64 *root_phys,
				struct iommu_lu_page_set *set)
{
	u32 mode = iommu_lu_unit_mode(unit);
	struct lu_vtd vtd;
	u64 root;
	u32 ttm;
	int ret;

	if (!lu_vtd_get(&vtd, unit))
		return -ENODEV;
	if (mode != IOMMU_LU_MODE_VTD_LEGACY &&
	    mode != IOMMU_LU_MODE_VTD_SCALABLE)
		return lu_vtd_bad_mode(&vtd, "unit_preserve", mode);

	if (!(readl(vtd.regs + LU_VTD_GSTS_REG) & LU_VTD_GSTS_TES)) {
		pr_warn("unit %#llx: translation is off, nothing to preserve\n",
			vtd.token);
		return -ENODEV;
	}
	ttm = lu_vtd_rtaddr(&vtd, &root);
	if (!lu_vtd_page_ok(root)) {
		pr_warn("unit %#llx: root table %#llx is not a page of memory\n",
			vtd.token, root);
		return -EIO;
	}
	if (!lu_vtd_ttm_is(ttm, mode)) {
		pr_warn("unit %#llx: RTADDR table mode %u, but the driver runs mode %u\n",
			vtd.token, ttm, mode);
		return -EIO;
	}
	if (mode == IOMMU_LU_MODE_VTD_SCALABLE) {
		if (!(vtd.ecap & LU_VTD_ECAP_SMTS)) {
			pr_warn("unit %#llx: scalable mode without ECAP.SMTS\n",
				vtd.token);
			return -EIO;
		}
		/* Only the queue can invalidate the PASID cache at shutdown. */
		if (!(readl(vtd.regs + LU_VTD_GSTS_REG) & LU_VTD_GSTS_QIES)) {
			pr_warn("unit %#llx: scalable mode without the invalidation queue\n",
				vtd.token);
			return -EIO;
		}
	}

	ret = iommu_lu_page_set_add(set, root, IOMMU_LU_PAGE_ROOT);
	if (ret)
		return ret;
	*root_phys = root;
	return 0;
}

/* ---- device_preserve ---- */

static int lu_vtd_refuse_rid(u16 segment, u16 rid, const char *why)
{
	pr_warn("%04x:%02x:%02x.%d: %s\n", segment, PCI_BUS_NUM(rid),
		PCI_SLOT(rid & 0xff), PCI_FUNC(rid & 0xff), why);
	return -EINVAL;
}

static int lu_vtd_legacy_device_preserve(const struct lu_vtd *vtd,
					 struct iommu_lu_dev_info *info,
					 struct iommu_lu_page_set *set)
{
	const struct lu_vtd_root_entry *rt;
	struct lu_vtd_ctx first = {}, cur;
	u16 own = info->rids[0];
	unsigned int i;
	u64 root;
	int ret;

	lu_vtd_rtaddr(vtd, &root);
	if (!lu_vtd_page_ok(root))
		return lu_vtd_refuse_rid(info->segment, own,
					 "unit has no valid root table");
	rt = phys_to_virt(root);

	for (i = 0; i < info->nr_rids; i++) {
		u16 rid = info->rids[i];
		const struct lu_vtd_context_entry *ct;
		const char *why;
		u64 ctx;

		why = lu_vtd_root_check(&rt[PCI_BUS_NUM(rid)], &ctx);
		if (why)
			return lu_vtd_refuse_rid(info->segment, rid, why);
		ret = iommu_lu_page_set_add(set, ctx, IOMMU_LU_PAGE_CONTEXT);
		if (ret)
			return ret;

		ct = phys_to_virt(ctx);
		why = lu_vtd_ctx_check(vtd, &ct[rid & 0xff], &cur);
		if (why)
			return lu_vtd_refuse_rid(info->segment, rid, why);

		if (!i) {
			first = cur;
		} else if (cur.did != first.did || cur.pgtable != first.pgtable ||
			   cur.levels != first.levels) {
			pr_warn("%04x:%02x:%02x.%d: alias %02x:%02x.%d is attached to a different domain (did %u, not %u)\n",
				info->segment, PCI_BUS_NUM(own),
				PCI_SLOT(own & 0xff), PCI_FUNC(own & 0xff),
				PCI_BUS_NUM(rid), PCI_SLOT(rid & 0xff),
				PCI_FUNC(rid & 0xff), cur.did, first.did);
			return -EINVAL;
		}
	}

	info->hw_id = first.did;
	info->pgtable_phys = first.pgtable;
	info->levels = first.levels;
	info->pasid_dir_phys = 0;
	info->vendor_data = 0;
	return 0;
}

static int lu_vtd_refuse_pasid(u16 segment, u16 rid, u32 pasid,
			       const char *why)
{
	pr_warn("%04x:%02x:%02x.%d: PASID %u: %s\n", segment, PCI_BUS_NUM(rid),
		PCI_SLOT(rid & 0xff), PCI_FUNC(rid & 0xff), pasid, why);
	return -EINVAL;
}

static bool lu_vtd_sm_same(const struct lu_vtd_sm *a, const struct lu_vtd_sm *b)
{
	return a->dir == b->dir && a->pdts == b->pdts &&
	       a->rid2pasid == b->rid2pasid && lu_vtd_ctx_same(&a->ctx, &b->ctx);
}

static int lu_vtd_sm_device_preserve(const struct lu_vtd *vtd,
				     struct iommu_lu_dev_info *info,
				     struct iommu_lu_page_set *set)
{
	const struct lu_vtd_root_entry *rt;
	struct lu_vtd_sm first = {}, cur;
	u16 own = info->rids[0];
	unsigned int i, p;
	const char *why;
	u32 pasid;
	u64 root;
	int ret;

	lu_vtd_rtaddr(vtd, &root);
	if (!lu_vtd_page_ok(root))
		return lu_vtd_refuse_rid(info->segment, own,
					 "unit has no valid root table");
	rt = phys_to_virt(root);

	for (i = 0; i < info->nr_rids; i++) {
		u16 rid = info->rids[i];
		u64 ctx;

		why = lu_vtd_sm_root_check(&rt[PCI_BUS_NUM(rid)], rid & 0xff,
					   &ctx);
		if (why)
			return lu_vtd_refuse_rid(info->segment, rid, why);
		ret = iommu_lu_page_set_add(set, ctx, IOMMU_LU_PAGE_CONTEXT);
		if (ret)
			return ret;
		why = lu_vtd_sm_ctx_check(vtd, lu_vtd_sm_ce(ctx, rid & 0xff),
					  &cur);
		if (why)
			return lu_vtd_refuse_rid(info->segment, rid, why);

		if (i) {
			if (lu_vtd_sm_same(&cur, &first))
				continue;
			pr_warn("%04x:%02x:%02x.%d: alias %02x:%02x.%d uses another PASID directory or domain (%#llx did %u, not %#llx did %u)\n",
				info->segment, PCI_BUS_NUM(own),
				PCI_SLOT(own & 0xff), PCI_FUNC(own & 0xff),
				PCI_BUS_NUM(rid), PCI_SLOT(rid & 0xff),
				PCI_FUNC(rid & 0xff), cur.dir, cur.ctx.did,
				first.dir, first.ctx.did);
			return -EINVAL;
		}

		/* The device's own id: its directory and the PASIDs in use. */
		first = cur;
		for (p = 0; p < lu_vtd_dir_pages(cur.pdts); p++) {
			ret = iommu_lu_page_set_add(set, lu_vtd_dir_page(cur.dir, p),
						    IOMMU_LU_PAGE_PASID_DIR);
			if (ret)
				return ret;
		}
		ret = lu_vtd_sm_pasids(vtd, &cur, set, NULL, 0, &why, &pasid);
		if (ret == -EINVAL)
			return lu_vtd_refuse_pasid(info->segment, rid, pasid, why);
		if (ret)
			return ret;
	}

	info->hw_id = first.ctx.did;
	info->pgtable_phys = first.ctx.pgtable;
	info->levels = first.ctx.levels;
	info->pasid_dir_phys = first.dir;
	info->vendor_data = first.pdts;
	return 0;
}

static int lu_vtd_device_preserve(struct iommu_lu_unit *unit,
				  struct iommu_lu_dev_info *info,
				  struct iommu_lu_page_set *set)
{
	u32 mode = iommu_lu_unit_mode(unit);
	struct lu_vtd vtd;

	if (!lu_vtd_get(&vtd, unit))
		return -ENODEV;
	if (!info->nr_rids || info->nr_rids > IOMMU_LU_MAX_RIDS) {
		pr_warn("unit %#llx: device with %u requester ids\n",
			vtd.token, info->nr_rids);
		return -EINVAL;
	}

	switch (mode) {
	case IOMMU_LU_MODE_VTD_LEGACY:
		return lu_vtd_legacy_device_preserve(&vtd, info, set);
	case IOMMU_LU_MODE_VTD_SCALABLE:
		return lu_vtd_sm_device_preserve(&vtd, info, set);
	default:
		return lu_vtd_bad_mode(&vtd, "device_preserve", mode);
	}
}

/* ---- domain_preserve ---- */

static int lu_vtd_bad_table(const struct lu_vtd_walk *w, unsigned int level,
			    unsigned int idx, u64 pte, const char *why)
{
	pr_warn("page table %#llx: level %u table %#llx entry %u (%#llx): %s\n",
		w->path[w->top], level, w->path[level], idx, pte, why);
	return -EINVAL;
}

/*
 * Adds the table at @phys (level @level) and every table below it. Depth is
 * bounded by the level; a pointer back to a table on the current path is
 * refused here, any other page reached twice by the core (-ELOOP).
 */
static int lu_vtd_sl_walk(struct lu_vtd_walk *w, u64 phys, unsigned int level)
{
	const u64 *pt = phys_to_virt(phys);
	unsigned int i, l;
	int ret;

	if (w->ho) {
		/* Adoption: read nothing the handover did not declare. */
		const struct iommu_lu_page_ser *p = iommu_lu_handover_page(w->ho, phys);

		if (!p || p->kind != IOMMU_LU_PAGE_PGTABLE || p->owner != w->dom_id) {
			pr_err("domain %u: level %u table %#llx is not one of its pages in the handover\n",
			       w->dom_id, level, phys);
			return -EPROTO;
		}
		w->count++;
	} else {
		ret = iommu_lu_page_set_add(w->set, phys, IOMMU_LU_PAGE_PGTABLE);
		if (ret)
			return ret;
	}
	w->path[level] = phys;

	for (i = 0; i < LU_VTD_SL_NR; i++) {
		u64 pte = READ_ONCE(pt[i]);
		u64 next;

		if (!(pte & (LU_VTD_SL_R | LU_VTD_SL_W)))
			continue;
		if (level == 1) {
			if (pte & LU_VTD_SL_PS)
				return lu_vtd_bad_table(w, level, i, pte,
							"superpage bit in a last-level entry");
			continue;
		}
		if (pte & LU_VTD_SL_PS) {
			if (level > 3)
				return lu_vtd_bad_table(w, level, i, pte,
							"superpage bit above level 3");
			/* 2 MiB or 1 GiB leaf: the low address bits are reserved. */
			if (pte & GENMASK_ULL(LU_VTD_PAGE_SHIFT + 9 * (level - 1) - 1,
					      LU_VTD_PAGE_SHIFT))
				return lu_vtd_bad_table(w, level, i, pte,
							"misaligned superpage");
			continue;
		}
		if (pte & LU_VTD_SL_TABLE_RSVD)
			return lu_vtd_bad_table(w, level, i, pte,
						"reserved bits set");
		next = pte & LU_VTD_SL_ADDR;
		if (!lu_vtd_page_ok(next))
			return lu_vtd_bad_table(w, level, i, pte,
						"table outside memory");
		for (l = level; l <= w->top; l++)
			if (w->path[l] == next)
				return lu_vtd_bad_table(w, level, i, pte,
							"loop back to a table on the walk");

		ret = lu_vtd_sl_walk(w, next, level - 1);
		if (ret)
			return ret;
	}
	return 0;
}

static int lu_vtd_domain_preserve(struct iommu_lu_unit *unit,
				  const struct iommu_lu_dev_info *info,
				  struct iommu_lu_page_set *set)
{
	u32 mode = iommu_lu_unit_mode(unit);
	struct lu_vtd_walk w = { .set = set };
	struct lu_vtd vtd;

	if (!lu_vtd_get(&vtd, unit))
		return -ENODEV;
	/* Second-level tables have one format in legacy and scalable mode. */
	if (mode != IOMMU_LU_MODE_VTD_LEGACY &&
	    mode != IOMMU_LU_MODE_VTD_SCALABLE)
		return lu_vtd_bad_mode(&vtd, "domain_preserve", mode);

	if (info->levels < LU_VTD_MIN_LEVELS ||
	    info->levels > LU_VTD_MAX_LEVELS) {
		pr_warn("unit %#llx: domain %u: %u page-table levels\n",
			vtd.token, info->hw_id, info->levels);
		return -EINVAL;
	}
	if (!lu_vtd_page_ok(info->pgtable_phys)) {
		pr_warn("unit %#llx: domain %u: page table %#llx outside memory\n",
			vtd.token, info->hw_id, info->pgtable_phys);
		return -EINVAL;
	}
	w.top = info->levels;
	return lu_vtd_sl_walk(&w, info->pgtable_phys, info->levels);
}

/* ---- shutdown ---- */

static void lu_vtd_shutdown(struct iommu_lu_unit *unit)
{
	struct iommu_lu_intel_shutdown_stats st = { .runs = lu_vtd_last.runs + 1 };
	u32 mode = iommu_lu_unit_mode(unit);
	u64 root = iommu_lu_unit_root(unit);
	struct lu_vtd vtd;
	u64 hw_root;

	if (!lu_vtd_get(&vtd, unit)) {
		pr_emerg("unit %#llx: no registers, nothing cleaned\n",
			 vtd.token);
		goto out;
	}
	if (mode != IOMMU_LU_MODE_VTD_LEGACY &&
	    mode != IOMMU_LU_MODE_VTD_SCALABLE) {
		pr_emerg("unit %#llx: mode %u is not supported, nothing cleaned\n",
			 vtd.token, mode);
		goto out;
	}
	if (!lu_vtd_page_ok(root)) {
		pr_emerg("unit %#llx: no preserved root table, nothing cleaned\n",
			 vtd.token);
		goto out;
	}
	lu_vtd_rtaddr(&vtd, &hw_root);
	if (hw_root != root)
		pr_emerg("unit %#llx: hardware uses root %#llx, not the preserved %#llx\n",
			 vtd.token, hw_root, root);

	if (mode == IOMMU_LU_MODE_VTD_SCALABLE)
		lu_vtd_sm_cleanup(unit, &vtd, root, true, NULL, &st);
	else
		lu_vtd_legacy_cleanup(unit, &vtd, root, true, NULL, &st);
	st.flush_ok = lu_vtd_flush_all(&vtd, mode == IOMMU_LU_MODE_VTD_SCALABLE,
				       &st.flushed_qi);
	pr_debug("unit %#llx: shutdown: %u context entries cleared, %u kept, %u root entries zeroed, %u PRE cleared, %u PASID entries cleared, flush %s through %s\n",
		 vtd.token, st.ctx_cleared, st.ctx_kept, st.roots_zeroed,
		 st.pre_cleared, st.pasid_cleared, st.flush_ok ? "done" : "FAILED",
		 st.flushed_qi ? "the queue" : "the registers");
out:
	lu_vtd_last = st;
}

/**
 * iommu_lu_intel_last_shutdown() - What the last VT-d shutdown cleanup did.
 * @stats: out: a copy of the counts of the last shutdown call (all zero if
 *	shutdown never ran).
 *
 * For tests and debugfs. Not serialized against a concurrent shutdown, which
 * only runs on the kexec path with other CPUs stopped.
 */
void iommu_lu_intel_last_shutdown(struct iommu_lu_intel_shutdown_stats *stats)
{
	*stats = lu_vtd_last;
}

/**
 * iommu_lu_intel_cleanup_set() - The ids the shutdown cleanup would clear.
 * @unit: a VT-d unit with preserved state.
 * @rid_bitmap: out: a bitmap of 65536 bits, one per requester id; set for
 *	every id whose present context entry shutdown would clear, or make
 *	unreachable by zeroing its bus's root entry (every id of that bus if
 *	its context table is outside memory).
 *
 * Runs the very walk of the shutdown op over the preserved root table,
 * without writing to the tables or the hardware. The answer is only as
 * stable as the preserved set: call it with the registry quiet.
 *
 * Return: 0, -EOPNOTSUPP (unknown mode), -ENODEV (the unit has no
 * registers or no preserved root table).
 */
int iommu_lu_intel_cleanup_set(struct iommu_lu_unit *unit,
			       unsigned long *rid_bitmap)
{
	struct iommu_lu_intel_shutdown_stats st = {};
	u32 mode = iommu_lu_unit_mode(unit);
	u64 root = iommu_lu_unit_root(unit);
	struct lu_vtd vtd;

	bitmap_zero(rid_bitmap, LU_VTD_NR_RIDS);
	if (mode != IOMMU_LU_MODE_VTD_LEGACY &&
	    mode != IOMMU_LU_MODE_VTD_SCALABLE)
		return -EOPNOTSUPP;
	/* Reads CAP and ECAP only: the PASID checks need SAGAW. */
	if (!lu_vtd_get(&vtd, unit) || !lu_vtd_page_ok(root))
		return -ENODEV;

	if (mode == IOMMU_LU_MODE_VTD_SCALABLE)
		lu_vtd_sm_cleanup(unit, &vtd, root, false, rid_bitmap, &st);
	else
		lu_vtd_legacy_cleanup(unit, &vtd, root, false, rid_bitmap, &st);
	return 0;
}

/* ---- adopt ---- */

static int lu_vtd_mismatch(u16 segment, u16 rid, const char *field, u64 hw,
			   u64 rec)
{
	pr_err("%04x:%02x:%02x.%d: %s is %#llx, the handover says %#llx\n",
	       segment, PCI_BUS_NUM(rid), PCI_SLOT(rid & 0xff),
	       PCI_FUNC(rid & 0xff), field, hw, rec);
	return -EPROTO;
}

static int lu_vtd_contradicts(u16 segment, u16 rid, const char *why)
{
	pr_err("%04x:%02x:%02x.%d: %s\n", segment, PCI_BUS_NUM(rid),
	       PCI_SLOT(rid & 0xff), PCI_FUNC(rid & 0xff), why);
	return -EPROTO;
}

/* Checks one recorded requester id; the root entries were checked already. */
static int lu_vtd_adopt_rid(const struct lu_vtd *vtd,
			    const struct lu_vtd_root_entry *rt,
			    const struct iommu_lu_handover *ho,
			    const struct iommu_lu_unit_ser *rec,
			    const struct iommu_lu_device_ser *dev,
			    const struct iommu_lu_domain_ser *dom, u16 rid,
			    bool first)
{
	const struct lu_vtd_context_entry *ct;
	struct lu_vtd_ctx c;
	const char *why;
	u64 ctx;

	why = lu_vtd_root_check(&rt[PCI_BUS_NUM(rid)], &ctx);
	if (why)
		return lu_vtd_contradicts(dev->segment, rid, why);
	ct = phys_to_virt(ctx);
	why = lu_vtd_ctx_check(vtd, &ct[rid & 0xff], &c);
	if (why)
		return lu_vtd_contradicts(dev->segment, rid, why);
	if (c.did != dev->hw_id)
		return lu_vtd_mismatch(dev->segment, rid, "domain id", c.did,
				       dev->hw_id);
	if (c.pgtable != dom->pgtable_phys)
		return lu_vtd_mismatch(dev->segment, rid, "page-table root",
				       c.pgtable, dom->pgtable_phys);
	if (c.levels != dom->levels)
		return lu_vtd_mismatch(dev->segment, rid, "page-table levels",
				       c.levels, dom->levels);
	return 0;
}

/*
 * The requester ids the unit's device records list, as one bitmap of the
 * 65536 ids, built once per adoption (checking each present table against
 * every record would cost tables x records).
 */
static unsigned long *lu_vtd_recorded_rids(const struct iommu_lu_handover *ho,
					   const struct iommu_lu_unit_ser *rec)
{
	unsigned long *rids = bitmap_zalloc(LU_VTD_RID_NR, GFP_KERNEL);
	u32 i, j;

	if (!rids)
		return NULL;
	for (i = 0; i < ho->nr_devices; i++) {
		const struct iommu_lu_device_ser *dev = &ho->devices[i];

		if (dev->unit_id != rec->id)
			continue;
		for (j = 0; j < dev->nr_rids && j < IOMMU_LU_MAX_RIDS; j++)
			__set_bit(dev->rids[j], rids);
	}
	return rids;
}

/*
 * Every table the hardware can reach from a domain this unit uses must be
 * one of the pages the handover declares for that domain, each reached
 * once: a page it does not declare was not restored, and this kernel could
 * hand it out while DMA still walks it.
 */
static int lu_vtd_adopt_domains(const struct lu_vtd *vtd,
				const struct iommu_lu_handover *ho,
				const struct iommu_lu_unit_ser *rec)
{
	unsigned long *seen;
	int ret = 0;
	u32 i;

	seen = bitmap_zalloc(max(ho->nr_domains, 1U), GFP_KERNEL);
	if (!seen)
		return -ENOMEM;
	for (i = 0; i < ho->nr_devices && !ret; i++) {
		const struct iommu_lu_device_ser *dev = &ho->devices[i];
		const struct iommu_lu_domain_ser *dom;
		struct lu_vtd_walk w = { .ho = ho };

		if (dev->unit_id != rec->id)
			continue;
		dom = iommu_lu_handover_domain(ho, dev->domain_id);
		if (!dom || __test_and_set_bit(dom - ho->domains, seen))
			continue;
		w.dom_id = dom->id;
		w.top = dom->levels;
		if (dom->levels < LU_VTD_MIN_LEVELS || dom->levels > LU_VTD_MAX_LEVELS ||
		    !lu_vtd_page_ok(dom->pgtable_phys) ||
		    lu_vtd_sl_walk(&w, dom->pgtable_phys, dom->levels)) {
			pr_err("unit %#llx: domain %u: page table does not match the handover\n",
			       vtd->token, dom->id);
			ret = -EPROTO;
		} else if (w.count != dom->nr_pages) {
			pr_err("unit %#llx: domain %u: %u page-table pages reachable, the handover declares %u\n",
			       vtd->token, dom->id, w.count, dom->nr_pages);
			ret = -EPROTO;
		}
	}
	bitmap_free(seen);
	return ret;
}

/* Checks one recorded requester id of @dev (@first: its own). */
typedef int (*lu_vtd_adopt_rid_fn)(const struct lu_vtd *vtd,
				   const struct lu_vtd_root_entry *rt,
				   const struct iommu_lu_handover *ho,
				   const struct iommu_lu_unit_ser *rec,
				   const struct iommu_lu_device_ser *dev,
				   const struct iommu_lu_domain_ser *dom, u16 rid,
				   bool first);

/* Every recorded id of the unit must have the recorded entry. */
static int lu_vtd_adopt_devices(const struct lu_vtd *vtd,
				const struct lu_vtd_root_entry *rt,
				const struct iommu_lu_handover *ho,
				const struct iommu_lu_unit_ser *rec,
				lu_vtd_adopt_rid_fn check)
{
	u32 i, j;
	int ret;

	for (i = 0; i < ho->nr_devices; i++) {
		const struct iommu_lu_device_ser *dev = &ho->devices[i];
		const struct iommu_lu_domain_ser *dom;

		if (dev->unit_id != rec->id)
			continue;
		dom = iommu_lu_handover_domain(ho, dev->domain_id);
		if (!dom || !dev->nr_rids || dev->nr_rids > IOMMU_LU_MAX_RIDS)
			return lu_vtd_contradicts(dev->segment, dev->rid,
						  "device record does not fit this unit");
		for (j = 0; j < dev->nr_rids; j++) {
			ret = check(vtd, rt, ho, rec, dev, dom, dev->rids[j], !j);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int lu_vtd_legacy_adopt(const struct lu_vtd *vtd,
			       const struct iommu_lu_handover *ho,
			       const struct iommu_lu_unit_ser *rec)
{
	const struct lu_vtd_root_entry *rt = phys_to_virt(rec->root_phys);
	unsigned long *recorded;
	unsigned int bus, devfn;
	int ret;

	if (!lu_vtd_page_recorded(ho, rec->root_phys, IOMMU_LU_PAGE_ROOT,
				  rec->id)) {
		pr_err("unit %#llx: root table %#llx has no page record\n",
		       vtd->token, rec->root_phys);
		return -EPROTO;
	}

	/* Every live root entry must lead to a recorded context table. */
	for (bus = 0; bus < LU_VTD_ROOT_NR; bus++) {
		const char *why;
		u64 ctx;

		if (!(READ_ONCE(rt[bus].lo) & LU_VTD_ROOT_P))
			continue;
		why = lu_vtd_root_check(&rt[bus], &ctx);
		if (!why && !lu_vtd_page_recorded(ho, ctx, IOMMU_LU_PAGE_CONTEXT,
						  rec->id))
			why = "context table has no page record";
		if (why) {
			pr_err("unit %#llx: bus %02x: %s\n", vtd->token, bus,
			       why);
			return -EPROTO;
		}
	}

	ret = lu_vtd_adopt_devices(vtd, rt, ho, rec, lu_vtd_adopt_rid);
	if (ret)
		return ret;

	/* And no other id may have a live entry. */
	recorded = lu_vtd_recorded_rids(ho, rec);
	if (!recorded)
		return -ENOMEM;
	ret = 0;
	for (bus = 0; bus < LU_VTD_ROOT_NR && !ret; bus++) {
		const struct lu_vtd_context_entry *ct;
		u64 lo = READ_ONCE(rt[bus].lo);

		if (!(lo & LU_VTD_ROOT_P))
			continue;
		ct = phys_to_virt(lo & LU_VTD_ROOT_CTP);
		for (devfn = 0; devfn < LU_VTD_CTX_NR && !ret; devfn++)
			if ((READ_ONCE(ct[devfn].lo) & LU_VTD_CTX_P) &&
			    !test_bit(bus << 8 | devfn, recorded))
				ret = lu_vtd_contradicts(rec->segment,
							 bus << 8 | devfn,
							 "live context entry without a device record");
	}
	bitmap_free(recorded);
	if (!ret)
		ret = lu_vtd_adopt_domains(vtd, ho, rec);
	return ret;
}

static int lu_vtd_pasid_contradicts(u16 segment, u16 rid, u32 pasid,
				    const char *why)
{
	pr_err("%04x:%02x:%02x.%d: PASID %u: %s\n", segment, PCI_BUS_NUM(rid),
	       PCI_SLOT(rid & 0xff), PCI_FUNC(rid & 0xff), pasid, why);
	return -EPROTO;
}

/*
 * Checks one recorded requester id in scalable mode; with @walk (the
 * device's own id: its aliases share the directory) also the directory's
 * page records and every PASID in use.
 */
static int lu_vtd_sm_adopt_rid(const struct lu_vtd *vtd,
			       const struct lu_vtd_root_entry *rt,
			       const struct iommu_lu_handover *ho,
			       const struct iommu_lu_unit_ser *rec,
			       const struct iommu_lu_device_ser *dev,
			       const struct iommu_lu_domain_ser *dom, u16 rid,
			       bool walk)
{
	const struct lu_vtd_sm_context_entry *ce;
	struct lu_vtd_sm sm;
	const u64 *dir;
	const char *why;
	u32 pasid;
	unsigned int p;
	u64 ctx, lo;

	why = lu_vtd_sm_root_check(&rt[PCI_BUS_NUM(rid)], rid & 0xff, &ctx);
	if (why)
		return lu_vtd_contradicts(dev->segment, rid, why);
	ce = lu_vtd_sm_ce(ctx, rid & 0xff);
	lo = READ_ONCE(ce->lo);
	if (!(lo & LU_VTD_SM_CTX_P))
		return lu_vtd_contradicts(dev->segment, rid,
					  "context entry not present");

	/*
	 * Nothing in a page that was not handed over can be trusted: the
	 * directory must be the recorded one (the decoder checked that its
	 * pages are recorded), and the table of RID_PASID a recorded page,
	 * before the entries in them are read.
	 */
	if ((lo & LU_VTD_SM_CTX_DIR) != dev->pasid_dir_phys)
		return lu_vtd_mismatch(dev->segment, rid, "PASID directory",
				       lo & LU_VTD_SM_CTX_DIR,
				       dev->pasid_dir_phys);
	if (((lo >> LU_VTD_SM_CTX_PDTS_SHIFT) & LU_VTD_SM_CTX_PDTS_MASK) !=
	    dev->vendor_data)
		return lu_vtd_mismatch(dev->segment, rid, "PASID directory size",
				       (lo >> LU_VTD_SM_CTX_PDTS_SHIFT) &
				       LU_VTD_SM_CTX_PDTS_MASK, dev->vendor_data);
	pasid = READ_ONCE(ce->hi) & LU_VTD_SM_CTX_RID2PASID;
	if (!lu_vtd_dir_ok(dev->pasid_dir_phys, dev->vendor_data))
		return lu_vtd_contradicts(dev->segment, rid,
					  "PASID directory outside memory");
	if (!lu_vtd_pasid_find(dev->pasid_dir_phys, dev->vendor_data, pasid,
			       &why))
		return lu_vtd_pasid_contradicts(dev->segment, rid, pasid, why);
	dir = phys_to_virt(dev->pasid_dir_phys);
	if (!lu_vtd_page_recorded(ho, READ_ONCE(dir[pasid >> LU_VTD_PDE_SHIFT]) &
				  LU_VTD_PDE_TABLE,
				  IOMMU_LU_PAGE_PASID_TABLE, rec->id))
		return lu_vtd_pasid_contradicts(dev->segment, rid, pasid,
						"PASID table has no page record");

	why = lu_vtd_sm_ctx_check(vtd, ce, &sm);
	if (why)
		return lu_vtd_contradicts(dev->segment, rid, why);
	if (lo & LU_VTD_SM_CTX_PRE)
		return lu_vtd_contradicts(dev->segment, rid,
					  "page requests enabled after the cleanup cleared them");
	if (sm.ctx.did != dev->hw_id)
		return lu_vtd_mismatch(dev->segment, rid, "domain id", sm.ctx.did,
				       dev->hw_id);
	if (sm.ctx.pgtable != dom->pgtable_phys)
		return lu_vtd_mismatch(dev->segment, rid, "page-table root",
				       sm.ctx.pgtable, dom->pgtable_phys);
	if (sm.ctx.levels != dom->levels)
		return lu_vtd_mismatch(dev->segment, rid, "page-table levels",
				       sm.ctx.levels, dom->levels);
	if (!walk)
		return 0;

	for (p = 0; p < lu_vtd_dir_pages(sm.pdts); p++)
		if (!lu_vtd_page_recorded(ho, lu_vtd_dir_page(sm.dir, p),
					  IOMMU_LU_PAGE_PASID_DIR, rec->id))
			return lu_vtd_contradicts(dev->segment, rid,
						  "PASID directory has no page record");
	if (lu_vtd_sm_pasids(vtd, &sm, NULL, ho, rec->id, &why, &pasid))
		return lu_vtd_pasid_contradicts(dev->segment, rid, pasid, why);
	return 0;
}

static int lu_vtd_sm_adopt(const struct lu_vtd *vtd,
			   const struct iommu_lu_handover *ho,
			   const struct iommu_lu_unit_ser *rec)
{
	const struct lu_vtd_root_entry *rt = phys_to_virt(rec->root_phys);
	unsigned long *recorded;
	unsigned int bus, half, i;
	int ret;

	if (!lu_vtd_page_recorded(ho, rec->root_phys, IOMMU_LU_PAGE_ROOT,
				  rec->id)) {
		pr_err("unit %#llx: root table %#llx has no page record\n",
		       vtd->token, rec->root_phys);
		return -EPROTO;
	}

	/* Every live root half must lead to a recorded context table. */
	for (bus = 0; bus < LU_VTD_ROOT_NR; bus++) {
		for (half = 0; half < 2; half++) {
			u64 val = half ? READ_ONCE(rt[bus].hi) : READ_ONCE(rt[bus].lo);
			const char *why;
			u64 ctx;

			if (!(val & LU_VTD_ROOT_P))
				continue;
			why = lu_vtd_sm_root_check(&rt[bus], half * LU_VTD_SM_UPPER,
						   &ctx);
			if (!why && !lu_vtd_page_recorded(ho, ctx,
							  IOMMU_LU_PAGE_CONTEXT,
							  rec->id))
				why = "context table has no page record";
			if (why) {
				pr_err("unit %#llx: bus %02x %s half: %s\n",
				       vtd->token, bus, half ? "upper" : "lower",
				       why);
				return -EPROTO;
			}
		}
	}

	ret = lu_vtd_adopt_devices(vtd, rt, ho, rec, lu_vtd_sm_adopt_rid);
	if (ret)
		return ret;

	/* And no other id may have a live entry. */
	recorded = lu_vtd_recorded_rids(ho, rec);
	if (!recorded)
		return -ENOMEM;
	ret = 0;
	for (bus = 0; bus < LU_VTD_ROOT_NR && !ret; bus++) {
		for (half = 0; half < 2 && !ret; half++) {
			u64 val = half ? READ_ONCE(rt[bus].hi) : READ_ONCE(rt[bus].lo);
			unsigned int first = half * LU_VTD_SM_UPPER;
			const struct lu_vtd_sm_context_entry *ct;

			if (!(val & LU_VTD_ROOT_P))
				continue;
			ct = phys_to_virt(val & LU_VTD_ROOT_CTP);
			for (i = 0; i < LU_VTD_SM_CTX_NR && !ret; i++)
				if ((READ_ONCE(ct[i].lo) & LU_VTD_SM_CTX_P) &&
				    !test_bit(bus << 8 | (first + i), recorded))
					ret = lu_vtd_contradicts(rec->segment,
								 bus << 8 | (first + i),
								 "live context entry without a device record");
		}
	}
	bitmap_free(recorded);
	if (!ret)
		ret = lu_vtd_adopt_domains(vtd, ho, rec);
	return ret;
}

static int lu_vtd_adopt(struct iommu_lu_unit *unit,
			const struct iommu_lu_handover *ho,
			const struct iommu_lu_unit_ser *rec)
{
	u32 mode = iommu_lu_unit_mode(unit);
	struct lu_vtd vtd;
	u64 root;
	u32 ttm;

	if (!lu_vtd_get(&vtd, unit))
		return -ENODEV;
	if (!(readl(vtd.regs + LU_VTD_GSTS_REG) & LU_VTD_GSTS_TES)) {
		pr_err("unit %#llx: translation is off\n", vtd.token);
		return -ENODEV;
	}
	ttm = lu_vtd_rtaddr(&vtd, &root);
	if (root != rec->root_phys || !lu_vtd_page_ok(root)) {
		pr_err("unit %#llx: hardware root table %#llx, the handover says %#llx\n",
		       vtd.token, root, rec->root_phys);
		return -ENODEV;
	}
	if (!lu_vtd_ttm_is(ttm, rec->mode)) {
		pr_err("unit %#llx: hardware table mode %u, the handover says mode %u\n",
		       vtd.token, ttm, rec->mode);
		return -EPROTO;
	}
	if (mode != rec->mode) {
		pr_err("unit %#llx: the driver runs mode %u, the handover has mode %u\n",
		       vtd.token, mode, rec->mode);
		return -EOPNOTSUPP;
	}

	pr_debug("unit %#llx: adopt: root %#llx, %s mode, checking %u device records\n",
		 vtd.token, root,
		 mode == IOMMU_LU_MODE_VTD_SCALABLE ? "scalable" : "legacy",
		 rec->nr_devices);
	switch (mode) {
	case IOMMU_LU_MODE_VTD_LEGACY:
		return lu_vtd_legacy_adopt(&vtd, ho, rec);
	case IOMMU_LU_MODE_VTD_SCALABLE:
		if (!(vtd.ecap & LU_VTD_ECAP_SMTS)) {
			pr_err("unit %#llx: scalable mode without ECAP.SMTS\n",
			       vtd.token);
			return -ENODEV;
		}
		return lu_vtd_sm_adopt(&vtd, ho, rec);
	default:
		return lu_vtd_bad_mode(&vtd, "adopt", mode);
	}
}

/* ---- block_all ---- */

static int lu_vtd_block_all(struct iommu_lu_unit *unit)
{
	unsigned long page;
	struct lu_vtd vtd;
	u32 gsts, keep;
	bool via_qi, sm;
	u64 rta, phys;

	if (!lu_vtd_get(&vtd, unit))
		return -ENODEV;
	page = get_zeroed_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	phys = virt_to_phys((void *)page);
	lu_vtd_flush_cache(&vtd, (void *)page, LU_VTD_PAGE_SIZE);

	rta = readq(vtd.regs + LU_VTD_RTADDR_REG);
	gsts = readl(vtd.regs + LU_VTD_GSTS_REG);
	keep = gsts & LU_VTD_GSTS_PERSISTENT;

	/* Same table mode: it cannot change while translation is on. */
	writeq(phys | (rta & LU_VTD_RTADDR_TTM_MASK),
	       vtd.regs + LU_VTD_RTADDR_REG);
	writel(keep | LU_VTD_GCMD_SRTP, vtd.regs + LU_VTD_GCMD_REG);
	if (!lu_vtd_poll32(vtd.regs + LU_VTD_GSTS_REG, LU_VTD_GSTS_RTPS,
			   LU_VTD_GSTS_RTPS)) {
		/* The page may be latched any time now: leak it. */
		pr_emerg("unit %#llx: set root table pointer timed out\n",
			 vtd.token);
		return -ETIMEDOUT;
	}
	if (!(keep & LU_VTD_GSTS_TES)) {
		keep |= LU_VTD_GCMD_TE;
		writel(keep, vtd.regs + LU_VTD_GCMD_REG);
		if (!lu_vtd_poll32(vtd.regs + LU_VTD_GSTS_REG, LU_VTD_GSTS_TES,
				   LU_VTD_GSTS_TES)) {
			pr_emerg("unit %#llx: enabling translation timed out\n",
				 vtd.token);
			return -ETIMEDOUT;
		}
	}
	sm = ((rta & LU_VTD_RTADDR_TTM_MASK) >> LU_VTD_RTADDR_TTM_SHIFT) ==
	     LU_VTD_TTM_SCALABLE;
	if (!lu_vtd_flush_all(&vtd, sm, &via_qi) &&
	    !(vtd.cap & LU_VTD_CAP_ESRTPS)) {
		/* Stale cached entries may still lead to the old tables. */
		pr_emerg("unit %#llx: invalidation after blocking failed\n",
			 vtd.token);
		return -ETIMEDOUT;
	}

	pr_emerg("unit %#llx: ALL DMA ON THIS UNIT IS BLOCKED: root table is now the empty %#llx, translation on; the previous kernel's tables at %#llx are leaked\n",
		 vtd.token, phys, rta & LU_VTD_RTADDR_ADDR);
	return 0;
}

/* ---- device_clear ---- */

static int lu_vtd_device_clear(struct iommu_lu_unit *unit, const u16 *rids,
			       unsigned int nr)
{
	u32 mode = iommu_lu_unit_mode(unit);
	u64 root = iommu_lu_unit_root(unit);
	struct lu_vtd_root_entry *rt;
	struct lu_vtd vtd;
	bool via_qi, sm;
	unsigned int i;

	if (!lu_vtd_get(&vtd, unit))
		return -EINVAL;
	if (mode != IOMMU_LU_MODE_VTD_LEGACY &&
	    mode != IOMMU_LU_MODE_VTD_SCALABLE) {
		lu_vtd_bad_mode(&vtd, "device_clear", mode);
		return -EINVAL;
	}
	sm = mode == IOMMU_LU_MODE_VTD_SCALABLE;
	if (!lu_vtd_page_ok(root)) {
		pr_err("unit %#llx: device_clear: no root table\n", vtd.token);
		return -EINVAL;
	}
	rt = phys_to_virt(root);

	for (i = 0; i < nr; i++) {
		unsigned int devfn = rids[i] & 0xff;
		const struct lu_vtd_root_entry *re = &rt[PCI_BUS_NUM(rids[i])];
		bool upper = sm && devfn >= LU_VTD_SM_UPPER;
		u64 half = upper ? READ_ONCE(re->hi) : READ_ONCE(re->lo);
		u64 ctx = half & LU_VTD_ROOT_CTP;

		if (!(half & LU_VTD_ROOT_P) || !lu_vtd_page_ok(ctx))
			continue;
		if (sm) {
			struct lu_vtd_sm_context_entry *ce = lu_vtd_sm_ce(ctx, devfn);

			if (READ_ONCE(ce->lo) & LU_VTD_SM_CTX_P)
				lu_vtd_sm_ctx_clear(&vtd, ce);
		} else {
			struct lu_vtd_context_entry *ct = phys_to_virt(ctx);

			if (READ_ONCE(ct[devfn].lo) & LU_VTD_CTX_P)
				lu_vtd_ctx_clear(&vtd, &ct[devfn]);
		}
	}
	if (!lu_vtd_flush_all(&vtd, sm, &via_qi)) {
		pr_err("unit %#llx: device_clear: invalidation did not complete\n",
		       vtd.token);
		return -ETIMEDOUT;
	}
	return 0;
}

static const struct iommu_lu_vendor_ops lu_vtd_ops = {
	.vendor		= IOMMU_LU_VENDOR_INTEL_VTD,
	.name		= "intel-vtd",
	.caps		= IOMMU_LU_CAP_PRESERVE | IOMMU_LU_CAP_SCALABLE,
	.unit_preserve	= lu_vtd_unit_preserve,
	.device_preserve = lu_vtd_device_preserve,
	.domain_preserve = lu_vtd_domain_preserve,
	.shutdown	= lu_vtd_shutdown,
	.adopt		= lu_vtd_adopt,
	.block_all	= lu_vtd_block_all,
	.device_clear	= lu_vtd_device_clear,
};

static int __init iommu_lu_intel_init(void)
{
	return iommu_lu_register_vendor(&lu_vtd_ops);
}
core_initcall(iommu_lu_intel_init);
