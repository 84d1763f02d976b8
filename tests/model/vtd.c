/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace hardware model, kind: CUSTOM.
 *
 * Models one Intel VT-d DMA-remapping unit: its register file (through the
 * MMIO shim), global commands, register-based and queued invalidation, the
 * context cache, PASID cache and IOTLB, fault recording and the DMA walk in
 * legacy and scalable mode.
 * See the DOC block in vtd.h for what is modelled and how strictly.
 *
 * Independent of the backend under test: written from the VT-d layout and
 * QEMU 7.2's checks, with its own VTDM_* constants.
 */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vtd.h"
#include "physmem.h"
#include "../shim/io.h"

#define VTDM_VER		0x10
#define VTDM_FAULTS_MAX		4096

/* Writable bits of the 64-bit registers (as QEMU defines them). */
#define VTDM_RTADDR_WMASK	0xfffffffffffffc00ULL
#define VTDM_CCMD_WMASK		0xe0000003ffffffffULL
#define VTDM_IQT_WMASK		0x7fff0ULL
#define VTDM_IQA_WMASK		0xfffffffffffff807ULL
#define VTDM_IRTA_WMASK		0xfffffffffffff80fULL
#define VTDM_IVA_WMASK		0xfffffffffffff07fULL
#define VTDM_IOTLB_WMASK	0xb003ffff00000000ULL

/* Reserved bits of legacy root and context entries (QEMU 7.2). */
#define VTDM_ROOT_RSVD_LO	0xffeULL		/* | above HAW; hi: all */
#define VTDM_CTX_RSVD_LO	0xff0ULL		/* | above HAW */
#define VTDM_CTX_RSVD_HI	0xffffffffff000080ULL
#define VTDM_CTX_AW_MASK	7ULL
#define VTDM_CTX_TT_MASK	(3ULL << VTDM_CTX_TT_SHIFT)

/* Scalable mode: PASID directory and table geometry. */
#define VTDM_PDE_SHIFT		6	/* PASIDs per PASID table: 64 */
#define VTDM_PE_SIZE		64
#define VTDM_PE_AW_MASK		7ULL
#define VTDM_PE_PGTT_MASK	7ULL

/* Second-level entries: ignored high bits, reserved low bits per level. */
#define VTDM_SL_IGN		0xbff0000000000000ULL	/* 63, 61:52; 62 is TM */
#define VTDM_SL_RSVD_LARGE_2M	0x1ff000ULL		/* address bits 20:12 */
#define VTDM_SL_RSVD_LARGE_1G	0x3ffff000ULL		/* address bits 29:12 */

/* Reserved bits of invalidation descriptors (qw0 / qw1). */
#define VTDM_QI_CC_RSVD0	0xfffc00000000ffc0ULL
#define VTDM_QI_IOTLB_RSVD0	0xffffffff0000ff00ULL
#define VTDM_QI_IOTLB_RSVD1	0xf80ULL
#define VTDM_QI_DIOTLB_RSVD0	0x000f0000ffe00ff0ULL
#define VTDM_QI_DIOTLB_RSVD1	0xffeULL
#define VTDM_QI_IEC_RSVD0	0xffff000007ffffe0ULL
#define VTDM_QI_WAIT_RSVD0	0xffffff80ULL
#define VTDM_QI_WAIT_RSVD1	3ULL
#define VTDM_QI_PASID_RSVD0	0xfff000000000ffc0ULL
#define VTDM_QI_PIOTLB_RSVD1	0xf80ULL

#define vtdm_err(m, field)			\
	do {					\
		(m)->stats.field++;		\
		(m)->stats.errors++;		\
	} while (0)

struct vtdm_cc_ent {
	bool valid;
	u64 root_lo, root_hi;
	u64 ce_lo, ce_hi;
};

/* PASID cache: the RID_PASID entry one requester id used (scalable mode). */
struct vtdm_pc_ent {
	bool valid;
	u32 pasid;
	u16 did;
	bool pde_fpd;		/* FPD of the PASID directory entry */
	u64 pe[2];		/* PASID entry val[0], val[1] */
};

/*
 * What a translation needs from the context (legacy) or the context and
 * RID_PASID entry (scalable): the table to walk, its AW and domain id.
 */
struct vtdm_ctx {
	u64 ce[2];
	u64 pe[2];
	bool fpd;
	bool pt;		/* pass-through */
	u64 table;
	unsigned int aw;
	u16 did;
};

struct vtdm_iotlb_ent {
	u16 rid;
	u16 did;
	u8 level;		/* 1: 4 KiB, 2: 2 MiB, 3: 1 GiB */
	bool r, w;
	bool fpd;		/* of the context used to fill it */
	int pasid;		/* scalable mode: the RID_PASID it was walked with; else -1 */
	u64 iova;		/* aligned to the level's page size */
	u64 phys;		/* aligned to the level's page size */
};

struct vtd_model {
	pthread_mutex_t lock;
	struct vtd_model_cfg cfg;
	u64 reg_base;
	void __iomem *regs;
	u64 cap, ecap;
	u64 haw_mask;
	u32 ndoms;

	/* register file */
	u32 gsts;
	u64 rtaddr, ccmd, iva, iotlb, iqt, iqa, irta, iqer;
	u32 fsts, fectl, fedata, feaddr, feuaddr;
	u32 ics, iectl, iedata, ieaddr, ieuaddr;
	u64 frcd_lo, frcd_hi;

	/* state latched by commands */
	u64 root;
	bool root_smt;
	u64 irt;
	u64 iq_base;
	u32 iq_entries;
	bool iq_dw;
	u32 iq_head;
	u8 iq_last_type;

	/* caches */
	struct vtdm_cc_ent *cc[256];	/* per bus, allocated on first use */
	u32 cc_count;
	struct vtdm_pc_ent *pc[256];	/* per bus, allocated on first use */
	u32 pc_count;
	struct vtdm_iotlb_ent iotlb_ents[VTDM_IOTLB_MAX];
	u32 iotlb_count;

	/* what tests observe */
	struct vtd_fault *faults;
	size_t nr_faults;
	struct vtd_model_stats stats;
};

/* ---- physical memory ------------------------------------------------- */

static bool vtdm_mem_read(u64 pa, u64 *qw, unsigned int nr)
{
	const u64 *va;
	unsigned int i;

	if (!physmem_valid(pa, (size_t)nr * 8))
		return false;
	va = physmem_va(pa);
	if (!va)
		return false;
	if ((uintptr_t)va & 7) {
		memcpy(qw, va, (size_t)nr * 8);
		return true;
	}
	/* Each 64-bit entry is read atomically, as the hardware does. */
	for (i = 0; i < nr; i++)
		qw[i] = __atomic_load_n(&va[i], __ATOMIC_RELAXED);
	return true;
}

static bool vtdm_mem_write32(u64 pa, u32 val)
{
	u32 *va;

	if (!physmem_valid(pa, 4))
		return false;
	va = physmem_va(pa);
	if (!va)
		return false;
	if ((uintptr_t)va & 3)
		memcpy(va, &val, 4);
	else
		__atomic_store_n(va, val, __ATOMIC_RELEASE);
	return true;
}

/* ---- caches -------------------------------------------------------- */

static struct vtdm_cc_ent *vtdm_cc_slot(struct vtd_model *m, u16 rid, bool alloc)
{
	struct vtdm_cc_ent **bus = &m->cc[rid >> 8];

	if (!*bus) {
		if (!alloc)
			return NULL;
		*bus = calloc(256, sizeof(**bus));
		if (!*bus)
			return NULL;
	}
	return &(*bus)[rid & 0xff];
}

static u16 vtdm_ce_did(u64 ce_hi)
{
	return (ce_hi >> VTDM_CTX_DID_SHIFT) & 0xffff;
}

static void vtdm_cc_drop(struct vtd_model *m, struct vtdm_cc_ent *c)
{
	if (c->valid) {
		c->valid = false;
		m->cc_count--;
	}
}

static void vtdm_cc_drop_all(struct vtd_model *m)
{
	unsigned int bus, devfn;

	for (bus = 0; bus < 256; bus++) {
		if (!m->cc[bus])
			continue;
		for (devfn = 0; devfn < 256; devfn++)
			vtdm_cc_drop(m, &m->cc[bus][devfn]);
	}
}

static void vtdm_cc_drop_did(struct vtd_model *m, u16 did)
{
	unsigned int bus, devfn;

	for (bus = 0; bus < 256; bus++) {
		if (!m->cc[bus])
			continue;
		for (devfn = 0; devfn < 256; devfn++) {
			struct vtdm_cc_ent *c = &m->cc[bus][devfn];

			if (c->valid && vtdm_ce_did(c->ce_hi) == did)
				vtdm_cc_drop(m, c);
		}
	}
}

/* Device-selective: @fm masks the low 1, 2 or 3 function bits of @sid. */
static void vtdm_cc_drop_sid(struct vtd_model *m, u16 sid, u8 fm)
{
	static const u8 fm_bits[4] = { 0, 4, 6, 7 };
	unsigned int mask = ~fm_bits[fm & 3] & 0xff;
	struct vtdm_cc_ent *bus = m->cc[sid >> 8];
	unsigned int devfn;

	if (!bus)
		return;
	for (devfn = 0; devfn < 256; devfn++)
		if ((devfn & mask) == ((sid & 0xff) & mask))
			vtdm_cc_drop(m, &bus[devfn]);
}

static unsigned int vtdm_level_shift(unsigned int level)
{
	return VTDM_PAGE_SHIFT + 9 * (level - 1);
}

static struct vtdm_iotlb_ent *vtdm_iotlb_find(struct vtd_model *m, u16 rid, u64 iova)
{
	u32 i;

	for (i = 0; i < m->iotlb_count; i++) {
		struct vtdm_iotlb_ent *e = &m->iotlb_ents[i];

		if (e->rid == rid &&
		    !((iova ^ e->iova) >> vtdm_level_shift(e->level)))
			return e;
	}
	return NULL;
}

static void vtdm_iotlb_insert(struct vtd_model *m, const struct vtdm_iotlb_ent *e)
{
	if (m->iotlb_count == VTDM_IOTLB_MAX) {
		m->iotlb_count = 0;
		m->stats.iotlb_overflows++;
	}
	m->iotlb_ents[m->iotlb_count++] = *e;
}

static void vtdm_iotlb_remove(struct vtd_model *m, u32 i)
{
	m->iotlb_ents[i] = m->iotlb_ents[--m->iotlb_count];
}

static void vtdm_iotlb_drop_did(struct vtd_model *m, u16 did)
{
	u32 i = 0;

	while (i < m->iotlb_count) {
		if (m->iotlb_ents[i].did == did)
			vtdm_iotlb_remove(m, i);
		else
			i++;
	}
}

/* Page-selective: 2^@am pages at @addr (aligned down), and any superpage entry over them. */
static void vtdm_iotlb_drop_pages(struct vtd_model *m, u16 did, u64 addr, unsigned int am)
{
	u64 size = 1ULL << (VTDM_PAGE_SHIFT + am);
	u64 start = addr & ~(size - 1);
	u64 last = start + size - 1;
	u32 i = 0;

	while (i < m->iotlb_count) {
		struct vtdm_iotlb_ent *e = &m->iotlb_ents[i];
		u64 e_last = e->iova + (1ULL << vtdm_level_shift(e->level)) - 1;

		if (e->did == did && e->iova <= last && start <= e_last)
			vtdm_iotlb_remove(m, i);
		else
			i++;
	}
}

static struct vtdm_pc_ent *vtdm_pc_slot(struct vtd_model *m, u16 rid, bool alloc)
{
	struct vtdm_pc_ent **bus = &m->pc[rid >> 8];

	if (!*bus) {
		if (!alloc)
			return NULL;
		*bus = calloc(256, sizeof(**bus));
		if (!*bus)
			return NULL;
	}
	return &(*bus)[rid & 0xff];
}

/*
 * PASID cache. @gran: %VTDM_QI_PC_GLOBAL, %VTDM_QI_PC_DOMAIN (every PASID of
 * @did) or %VTDM_QI_PC_PASID (@pasid of @did).
 */
static void vtdm_pc_drop(struct vtd_model *m, unsigned int gran, u16 did, u32 pasid)
{
	unsigned int bus, devfn;

	for (bus = 0; bus < 256; bus++) {
		if (!m->pc[bus])
			continue;
		for (devfn = 0; devfn < 256; devfn++) {
			struct vtdm_pc_ent *p = &m->pc[bus][devfn];

			if (!p->valid)
				continue;
			if (gran != VTDM_QI_PC_GLOBAL &&
			    (p->did != did || (gran == VTDM_QI_PC_PASID && p->pasid != pasid)))
				continue;
			p->valid = false;
			m->pc_count--;
		}
	}
}

static void vtdm_drop_caches(struct vtd_model *m)
{
	vtdm_cc_drop_all(m);
	vtdm_pc_drop(m, VTDM_QI_PC_GLOBAL, 0, 0);
	m->iotlb_count = 0;
}

/* granularity: 1 global, 2 domain, 3 device. */
static void vtdm_cc_invalidate(struct vtd_model *m, unsigned int gran, u16 did, u16 sid, u8 fm)
{
	switch (gran) {
	case 1:
		vtdm_cc_drop_all(m);
		m->stats.cc_inv_global++;
		break;
	case 2:
		/* Scalable-mode context entries carry no domain id. */
		if (m->root_smt)
			vtdm_cc_drop_all(m);
		else
			vtdm_cc_drop_did(m, did);
		m->stats.cc_inv_domain++;
		break;
	case 3:
		vtdm_cc_drop_sid(m, sid, fm);
		m->stats.cc_inv_device++;
		break;
	}
}

/* granularity: 1 global, 2 domain, 3 page. */
static void vtdm_iotlb_invalidate(struct vtd_model *m, unsigned int gran, u16 did, u64 addr,
				  unsigned int am)
{
	switch (gran) {
	case 1:
		m->iotlb_count = 0;
		m->stats.iotlb_inv_global++;
		break;
	case 2:
		vtdm_iotlb_drop_did(m, did);
		m->stats.iotlb_inv_domain++;
		break;
	case 3:
		vtdm_iotlb_drop_pages(m, did, addr, am);
		m->stats.iotlb_inv_page++;
		break;
	}
}

/* PASID-cache invalidation; @gran as in the descriptor (2 is reserved). */
static void vtdm_pc_invalidate(struct vtd_model *m, unsigned int gran, u16 did, u32 pasid)
{
	vtdm_pc_drop(m, gran, did, pasid);
	switch (gran) {
	case VTDM_QI_PC_GLOBAL:
		m->stats.pc_inv_global++;
		break;
	case VTDM_QI_PC_DOMAIN:
		m->stats.pc_inv_domain++;
		break;
	case VTDM_QI_PC_PASID:
		m->stats.pc_inv_pasid++;
		break;
	}
}

/* ---- faults -------------------------------------------------------- */

/* Qualified faults are the ones FPD suppresses (QEMU's table). */
static bool vtdm_fault_qualified(u8 reason)
{
	switch (reason) {
	case VTDM_FR_CONTEXT_ENTRY_P:
	case VTDM_FR_CONTEXT_ENTRY_INV:
	case VTDM_FR_ADDR_BEYOND_MGAW:
	case VTDM_FR_WRITE:
	case VTDM_FR_READ:
	case VTDM_FR_PAGING_ENTRY_INV:
	case VTDM_FR_PAGING_ENTRY_RSVD:
	case VTDM_FR_CONTEXT_ENTRY_TT:
		return true;
	default:
		return false;
	}
}

/* A fault event: FECTL.IP, unless an earlier condition is still pending. */
static void vtdm_fault_event(struct vtd_model *m, u32 pre_fsts)
{
	if (pre_fsts & (VTDM_FSTS_PPF | VTDM_FSTS_PFO | VTDM_FSTS_IQE))
		return;
	m->fectl |= VTDM_FECTL_IP;
	if (!(m->fectl & VTDM_FECTL_IM))
		m->fectl &= ~VTDM_FECTL_IP;	/* "delivered" */
}

static void vtdm_update_ppf(struct vtd_model *m)
{
	if (m->frcd_hi & VTDM_FRCD_F)
		m->fsts |= VTDM_FSTS_PPF;
	else
		m->fsts &= ~VTDM_FSTS_PPF;
}

/*
 * Record a fault. @pasid is the PASID the request was translated with, -1
 * for none: QEMU 7.2 in scalable mode gives a request without PASID its
 * context's RID_PASID once the context and PASID entries checked out, so a
 * fault of the second-level walk carries it (FRCD.PP, PV) while root,
 * context and PASID-entry faults do not.
 */
static void vtdm_fault(struct vtd_model *m, u16 rid, u64 iova, u8 reason, bool write, bool fpd,
		       int pasid)
{
	u32 pre = m->fsts;

	if (fpd && vtdm_fault_qualified(reason)) {
		m->stats.faults_suppressed++;
		return;
	}
	m->stats.faults_recorded++;
	if (m->nr_faults < VTDM_FAULTS_MAX) {
		struct vtd_fault *f = &m->faults[m->nr_faults++];

		f->rid = rid;
		f->iova = iova;
		f->reason = reason;
		f->write = write;
		f->pasid_present = pasid >= 0;
		f->pasid = pasid >= 0 ? (u32)pasid : 0;
	} else {
		m->stats.faults_dropped++;
	}

	/* One fault recording register, handled as QEMU does. */
	if (pre & VTDM_FSTS_PFO)
		return;
	if (m->frcd_hi & VTDM_FRCD_F) {
		if ((m->frcd_hi & 0xffff) != rid)	/* same source: collapsed */
			m->fsts |= VTDM_FSTS_PFO;
		return;
	}
	m->frcd_lo = iova & VTDM_PAGE_MASK;
	m->frcd_hi = VTDM_FRCD_F | rid | ((u64)reason << VTDM_FRCD_FR_SHIFT) |
		     (write ? 0 : VTDM_FRCD_T);
	if (pasid >= 0)
		m->frcd_hi |= VTDM_FRCD_PP |
			      ((u64)pasid & VTDM_SMCTX_RID2PASID) << VTDM_FRCD_PV_SHIFT;
	m->fsts &= ~(0xffU << VTDM_FSTS_FRI_SHIFT);	/* FRI = 0 */
	vtdm_update_ppf(m);
	vtdm_fault_event(m, pre);
}

/* ---- the DMA walk ------------------------------------------------------ */

static void vtdm_cc_fill(struct vtd_model *m, u16 rid, const u64 *re, const u64 *ce)
{
	struct vtdm_cc_ent *c = vtdm_cc_slot(m, rid, true);

	if (!c)
		return;
	if (!c->valid)
		m->cc_count++;
	c->valid = true;
	c->root_lo = re[0];
	c->root_hi = re[1];
	c->ce_lo = ce[0];
	c->ce_hi = ce[1];
}

/*
 * Legacy mode: the context entry for @rid from memory (root entry, context
 * entry) with QEMU 7.2's checks. Returns 0 or a fault reason; @x->fpd is the
 * entry's FPD when it was read.
 */
static u8 vtdm_legacy_context(struct vtd_model *m, u16 rid, u64 *re, struct vtdm_ctx *x)
{
	u64 above_haw = ~m->haw_mask;
	unsigned int aw, tt;
	u64 *ce = x->ce;
	u16 did;

	if (!(re[0] & VTDM_ROOT_P))
		return VTDM_FR_ROOT_ENTRY_P;
	if (re[1] || (re[0] & (VTDM_ROOT_RSVD_LO | above_haw)))
		return VTDM_FR_ROOT_ENTRY_RSVD;

	if (!vtdm_mem_read((re[0] & VTDM_PAGE_MASK) + (u64)(rid & 0xff) * 16, ce, 2))
		return VTDM_FR_CONTEXT_TABLE_INV;
	x->fpd = ce[0] & VTDM_CTX_FPD;
	if (!(ce[0] & VTDM_CTX_P))
		return VTDM_FR_CONTEXT_ENTRY_P;
	did = vtdm_ce_did(ce[1]);
	/* Domain-id bits beyond CAP.ND are reserved. */
	if ((ce[0] & (VTDM_CTX_RSVD_LO | above_haw)) || (ce[1] & VTDM_CTX_RSVD_HI) ||
	    did >= m->ndoms)
		return VTDM_FR_CONTEXT_ENTRY_RSVD;
	aw = ce[1] & VTDM_CTX_AW_MASK;
	if (!(m->cfg.sagaw & BIT(aw)))
		return VTDM_FR_CONTEXT_ENTRY_INV;
	tt = (ce[0] & VTDM_CTX_TT_MASK) >> VTDM_CTX_TT_SHIFT;
	if ((tt == VTDM_CTX_TT_DEV_IOTLB && !(m->ecap & VTDM_ECAP_DT)) ||
	    (tt == VTDM_CTX_TT_PT && !(m->ecap & VTDM_ECAP_PT)) || tt == 3)
		return VTDM_FR_CONTEXT_ENTRY_INV;
	if (did == 0 && (m->cap & VTDM_CAP_CM))
		vtdm_err(m, err_did0_cm);
	return 0;
}

/* Scalable mode: the 32-byte context entry of @rid, in the lower or upper table. */
static u8 vtdm_sm_context(struct vtd_model *m, u16 rid, u64 *re, struct vtdm_ctx *x)
{
	unsigned int devfn = rid & 0xff;
	u64 rsvd = VTDM_ROOT_RSVD_LO | ~m->haw_mask;
	u64 half = devfn < 0x80 ? re[0] : re[1];
	u64 ce[4];

	if (!(half & VTDM_ROOT_P))
		return VTDM_FR_ROOT_ENTRY_P;
	/* QEMU checks both halves, whichever the request uses. */
	if ((re[0] & rsvd) || (re[1] & rsvd))
		return VTDM_FR_ROOT_ENTRY_RSVD;

	if (!vtdm_mem_read((half & VTDM_PAGE_MASK) + (u64)(devfn & 0x7f) * 32, ce, 4))
		return VTDM_FR_CONTEXT_TABLE_INV;
	x->ce[0] = ce[0];
	x->ce[1] = ce[1];
	x->fpd = ce[0] & VTDM_SMCTX_FPD;
	if (!(ce[0] & VTDM_SMCTX_P))
		return VTDM_FR_CONTEXT_ENTRY_P;
	if ((ce[0] & (VTDM_SMCTX_RSVD_LO | ~m->haw_mask)) ||
	    (ce[1] & VTDM_SMCTX_RSVD_HI) || ce[2] || ce[3])
		return VTDM_FR_CONTEXT_ENTRY_RSVD;
	return 0;
}

/*
 * Scalable mode: the RID_PASID entry of the context entry in @x, from the
 * PASID cache or from memory (directory entry, then table entry) with the
 * checks of QEMU 7.2's vtd_ce_get_rid2pasid_entry(); a good one is cached.
 * Returns 0 or a fault reason; FPD of the directory and PASID entries is
 * ORed into @x->fpd.
 */
static u8 vtdm_sm_pasid(struct vtd_model *m, u16 rid, struct vtdm_ctx *x)
{
	u32 pasid = x->ce[1] & VTDM_SMCTX_RID2PASID;
	unsigned int pdts = (x->ce[0] >> VTDM_SMCTX_PDTS_SHIFT) & 7;
	struct vtdm_pc_ent *p = vtdm_pc_slot(m, rid, false);
	unsigned int pgtt, aw;
	u64 pde, pe[8];

	if (p && p->valid && p->pasid == pasid) {
		m->stats.pc_hits++;
		x->fpd |= p->pde_fpd || (p->pe[0] & VTDM_PE_FPD);
		x->pe[0] = p->pe[0];
		x->pe[1] = p->pe[1];
		return 0;
	}

	/* Stricter than QEMU 7.2: a PASID beyond the directory's size. */
	if ((pasid >> VTDM_PDE_SHIFT) >= (1U << (pdts + 7)))
		return VTDM_FR_PASID_TABLE_INV;
	if (!vtdm_mem_read((x->ce[0] & VTDM_PAGE_MASK) + (u64)(pasid >> VTDM_PDE_SHIFT) * 8,
			   &pde, 1))
		return VTDM_FR_PASID_TABLE_INV;
	x->fpd |= pde & VTDM_PDE_FPD;
	if (!(pde & VTDM_PDE_P))
		return VTDM_FR_PASID_TABLE_INV;
	if (!vtdm_mem_read((pde & VTDM_PAGE_MASK) +
			   (u64)(pasid & ((1U << VTDM_PDE_SHIFT) - 1)) * VTDM_PE_SIZE, pe, 8))
		return VTDM_FR_PASID_TABLE_INV;
	x->fpd |= pe[0] & VTDM_PE_FPD;
	pgtt = (pe[0] >> VTDM_PE_PGTT_SHIFT) & VTDM_PE_PGTT_MASK;
	aw = (pe[0] >> VTDM_PE_AW_SHIFT) & VTDM_PE_AW_MASK;
	/* First-level and nested need ECAP.FLTS/NEST, which the model lacks. */
	if (pgtt != VTDM_PE_PGTT_SL &&
	    !(pgtt == VTDM_PE_PGTT_PT && (m->ecap & VTDM_ECAP_PT)))
		return VTDM_FR_PASID_TABLE_INV;
	if (!(m->cfg.sagaw & BIT(aw)))
		return VTDM_FR_PASID_TABLE_INV;
	if (!(pe[0] & VTDM_PE_P))
		return VTDM_FR_PASID_TABLE_INV;
	if ((pe[1] & VTDM_PE_DID_MASK) == 0 && (m->cap & VTDM_CAP_CM))
		vtdm_err(m, err_did0_cm);

	p = vtdm_pc_slot(m, rid, true);
	if (p) {
		if (!p->valid)
			m->pc_count++;
		p->valid = true;
		p->pasid = pasid;
		p->did = pe[1] & VTDM_PE_DID_MASK;
		p->pde_fpd = pde & VTDM_PDE_FPD;
		p->pe[0] = pe[0];
		p->pe[1] = pe[1];
	}
	x->pe[0] = pe[0];
	x->pe[1] = pe[1];
	return 0;
}

/*
 * Find what translating for @rid needs: the context entry from the context
 * cache or from memory (a valid one is cached, in scalable mode only once
 * its RID_PASID entry checked out, as QEMU does), then in scalable mode the
 * RID_PASID entry. Returns 0 or a fault reason; @x->fpd is valid whenever
 * the entries carrying it were read.
 */
static u8 vtdm_context(struct vtd_model *m, u16 rid, struct vtdm_ctx *x)
{
	struct vtdm_cc_ent *c = vtdm_cc_slot(m, rid, false);
	u64 re[2];
	u8 reason;

	memset(x, 0, sizeof(*x));
	if (c && c->valid) {
		m->stats.cc_hits++;
		x->ce[0] = c->ce_lo;
		x->ce[1] = c->ce_hi;
		x->fpd = c->ce_lo & VTDM_CTX_FPD;	/* bit 1 in both modes */
		if (m->root_smt) {
			reason = vtdm_sm_pasid(m, rid, x);
			if (reason)
				return reason;
		}
	} else {
		if (!vtdm_mem_read(m->root + (u64)(rid >> 8) * 16, re, 2))
			return VTDM_FR_ROOT_TABLE_INV;
		if (m->root_smt) {
			reason = vtdm_sm_context(m, rid, re, x);
			if (!reason)
				reason = vtdm_sm_pasid(m, rid, x);
		} else {
			reason = vtdm_legacy_context(m, rid, re, x);
		}
		if (reason)
			return reason;
		vtdm_cc_fill(m, rid, re, x->ce);
	}

	if (m->root_smt) {
		x->pt = ((x->pe[0] >> VTDM_PE_PGTT_SHIFT) & VTDM_PE_PGTT_MASK) ==
			VTDM_PE_PGTT_PT;
		x->table = x->pe[0] & VTDM_PAGE_MASK & m->haw_mask;
		x->aw = (x->pe[0] >> VTDM_PE_AW_SHIFT) & VTDM_PE_AW_MASK;
		x->did = x->pe[1] & VTDM_PE_DID_MASK;
	} else {
		x->pt = ((x->ce[0] & VTDM_CTX_TT_MASK) >> VTDM_CTX_TT_SHIFT) ==
			VTDM_CTX_TT_PT;
		x->table = x->ce[0] & VTDM_PAGE_MASK & m->haw_mask;
		x->aw = x->ce[1] & VTDM_CTX_AW_MASK;
		x->did = vtdm_ce_did(x->ce[1]);
	}
	return 0;
}

/* Reserved bits of a second-level entry at @level (QEMU 7.2, plus PS at level 1). */
static u64 vtdm_sl_rsvd(const struct vtd_model *m, u64 pte, unsigned int level)
{
	u64 rsvd = ~(m->haw_mask | VTDM_SL_IGN) | VTDM_PTE_SNP;

	switch (level) {
	case 1:
		return rsvd | VTDM_PTE_PS;
	case 2:
		return rsvd | ((pte & VTDM_PTE_PS) ? VTDM_SL_RSVD_LARGE_2M : 0);
	case 3:
		return rsvd | ((pte & VTDM_PTE_PS) ? VTDM_SL_RSVD_LARGE_1G : 0);
	default:
		return rsvd | VTDM_PTE_PS;
	}
}

/* Walk the second-level table of @x; fills @e on success. */
static u8 vtdm_walk(struct vtd_model *m, const struct vtdm_ctx *x, u64 iova, bool write,
		    struct vtdm_iotlb_ent *e)
{
	unsigned int top = x->aw + 2, level = top;
	unsigned int width = 30 + 9 * x->aw;
	u64 need = write ? VTDM_PTE_W : VTDM_PTE_R;
	u64 table = x->table;
	bool r = true, w = true;

	if (width > m->cfg.haw)
		width = m->cfg.haw;
	if (width < 64 && (iova >> width))
		return VTDM_FR_ADDR_BEYOND_MGAW;

	for (;;) {
		unsigned int shift = vtdm_level_shift(level);
		u64 pte;

		if (!vtdm_mem_read(table + ((iova >> shift) & 511) * 8, &pte, 1))
			return level == top ? VTDM_FR_CONTEXT_ENTRY_INV :
					      VTDM_FR_PAGING_ENTRY_INV;
		r = r && (pte & VTDM_PTE_R);
		w = w && (pte & VTDM_PTE_W);
		if (!(pte & need))
			return write ? VTDM_FR_WRITE : VTDM_FR_READ;
		if (pte & vtdm_sl_rsvd(m, pte, level))
			return VTDM_FR_PAGING_ENTRY_RSVD;
		if (level == 1 || (pte & VTDM_PTE_PS)) {
			u64 mask = ~((1ULL << shift) - 1);

			e->level = level;
			e->iova = iova & mask;
			e->phys = pte & m->haw_mask & mask;
			e->r = r;
			e->w = w;
			return 0;
		}
		table = pte & m->haw_mask & VTDM_PAGE_MASK;
		level--;
	}
}

static int vtdm_translate_locked(struct vtd_model *m, u16 rid, u64 iova, bool write, u64 *phys)
{
	struct vtdm_iotlb_ent *hit, e = { 0 };
	struct vtdm_ctx x;
	int pasid = -1;
	u8 reason;

	m->stats.translations++;
	if (!(m->gsts & VTDM_GSTS_TES)) {
		*phys = iova;
		return 0;
	}

	hit = vtdm_iotlb_find(m, rid, iova);
	if (hit) {
		m->stats.iotlb_hits++;
		if (write ? !hit->w : !hit->r) {
			vtdm_fault(m, rid, iova, write ? VTDM_FR_WRITE : VTDM_FR_READ, write,
				   hit->fpd, hit->pasid);
			return -EFAULT;
		}
		*phys = hit->phys | (iova & ((1ULL << vtdm_level_shift(hit->level)) - 1));
		return 0;
	}

	reason = vtdm_context(m, rid, &x);
	if (reason)
		goto fault;
	if (x.pt) {
		*phys = iova;
		return 0;
	}
	/* From here on, scalable mode translates with the RID_PASID. */
	pasid = m->root_smt ? (int)(x.ce[1] & VTDM_SMCTX_RID2PASID) : -1;
	reason = vtdm_walk(m, &x, iova, write, &e);
	if (reason)
		goto fault;
	e.rid = rid;
	e.did = x.did;
	e.fpd = x.fpd;
	e.pasid = pasid;
	vtdm_iotlb_insert(m, &e);
	*phys = e.phys | (iova & ((1ULL << vtdm_level_shift(e.level)) - 1));
	return 0;

fault:
	vtdm_fault(m, rid, iova, reason, write, x.fpd, pasid);
	return -EFAULT;
}

/* ---- queued invalidation ------------------------------------------- */

static void vtdm_iqe(struct vtd_model *m, unsigned int iqei)
{
	u32 pre = m->fsts;

	m->fsts |= VTDM_FSTS_IQE;
	m->iqer = (m->iqer & ~0xfULL) | iqei;
	vtdm_fault_event(m, pre);
}

static u32 vtdm_iq_tail(const struct vtd_model *m)
{
	return m->iq_dw ? (m->iqt >> 5) & 0x3fff : (m->iqt >> 4) & 0x7fff;
}

static bool vtdm_qi_wait(struct vtd_model *m, const u64 *q)
{
	if ((q[0] & VTDM_QI_WAIT_RSVD0) || (q[1] & VTDM_QI_WAIT_RSVD1) ||
	    !(q[0] & (VTDM_QI_WAIT_SW | VTDM_QI_WAIT_IF))) {
		vtdm_iqe(m, VTDM_IQEI_RSVD);
		vtdm_err(m, err_qi_bad_desc);
		return false;
	}
	if ((q[0] & VTDM_QI_WAIT_SW) && (q[0] & VTDM_QI_WAIT_IF))
		m->stats.qi_wait_sw_and_if++;
	if (q[0] & VTDM_QI_WAIT_SW) {
		if (!vtdm_mem_write32(q[1] & ~VTDM_QI_WAIT_RSVD1,
				      (u32)(q[0] >> VTDM_QI_WAIT_DATA_SHIFT))) {
			vtdm_iqe(m, VTDM_IQEI_FETCH);
			vtdm_err(m, err_qi_fetch);
			return false;
		}
		m->stats.qi_status_writes++;
	}
	if ((q[0] & VTDM_QI_WAIT_IF) && !(m->ics & VTDM_ICS_IWC)) {
		m->ics |= VTDM_ICS_IWC;
		m->iectl |= VTDM_FECTL_IP;
		if (!(m->iectl & VTDM_FECTL_IM))
			m->iectl &= ~VTDM_FECTL_IP;
	}
	return true;
}

/*
 * Check and perform one descriptor. Returns false (IQE set) if it is
 * invalid; nothing of an invalid descriptor is performed.
 */
static bool vtdm_qi_one(struct vtd_model *m, const u64 *q)
{
	unsigned int type = (q[0] & 0xf) | (((q[0] >> 9) & 7) << 4);
	unsigned int gran = (q[0] >> VTDM_QI_GRAN_SHIFT) & 3;
	u16 did = (q[0] >> VTDM_QI_DID_SHIFT) & 0xffff;
	bool bad = false;

	m->iq_last_type = type;
	/* Scalable mode takes 256-bit descriptors only. */
	if (m->root_smt && !m->iq_dw) {
		vtdm_iqe(m, VTDM_IQEI_WIDTH);
		vtdm_err(m, err_qi_width);
		return false;
	}
	if (type == 0 || type >= VTDM_QI_NR_TYPES) {
		vtdm_iqe(m, VTDM_IQEI_TYPE);
		vtdm_err(m, err_qi_bad_desc);
		return false;
	}
	/* The upper half of a 256-bit descriptor is reserved for types 1-7. */
	if (m->iq_dw && (q[2] || q[3]))
		bad = true;

	switch (type) {
	case VTDM_QI_CC:
		if (bad || (q[0] & VTDM_QI_CC_RSVD0) || q[1] || !gran)
			break;
		vtdm_cc_invalidate(m, gran, did, (q[0] >> VTDM_QI_CC_SID_SHIFT) & 0xffff,
				   (q[0] >> VTDM_QI_CC_FM_SHIFT) & 3);
		goto done;
	case VTDM_QI_IOTLB:
		if (bad || (q[0] & VTDM_QI_IOTLB_RSVD0) || (q[1] & VTDM_QI_IOTLB_RSVD1) ||
		    !gran || (gran == 3 && (q[1] & 0x3f) > VTDM_MAMV))
			break;
		vtdm_iotlb_invalidate(m, gran, did, q[1] & VTDM_PAGE_MASK, q[1] & 0x3f);
		goto done;
	case VTDM_QI_DEV_IOTLB:
		if (bad || (q[0] & VTDM_QI_DIOTLB_RSVD0) || (q[1] & VTDM_QI_DIOTLB_RSVD1))
			break;
		goto done;	/* no device-TLBs modelled */
	case VTDM_QI_IEC:
		if (bad || (q[0] & VTDM_QI_IEC_RSVD0) || q[1])
			break;
		goto done;	/* no interrupt entry cache modelled */
	case VTDM_QI_WAIT:
		if (bad) {
			vtdm_iqe(m, VTDM_IQEI_RSVD);
			vtdm_err(m, err_qi_bad_desc);
			return false;
		}
		if (!vtdm_qi_wait(m, q))
			return false;
		goto done;
	case VTDM_QI_PASID_IOTLB:
		if (bad || (q[0] & VTDM_QI_PASID_RSVD0) || (q[1] & VTDM_QI_PIOTLB_RSVD1))
			break;
		goto pasid;
	case VTDM_QI_PASID_CACHE:
		if (bad || (q[0] & VTDM_QI_PASID_RSVD0) || q[1] || gran == 2)
			break;
		vtdm_pc_invalidate(m, gran, did, (q[0] >> VTDM_QI_PC_PASID_SHIFT) & 0xfffff);
		goto pasid;
	}
	vtdm_iqe(m, VTDM_IQEI_RSVD);
	vtdm_err(m, err_qi_bad_desc);
	return false;

pasid:
	/*
	 * PASID-tagged caches only exist in scalable mode. A PASID-based IOTLB
	 * descriptor drops nothing: the model's second-level IOTLB entries are
	 * tagged by domain id and dropped by IOTLB descriptors (type 2).
	 */
	if (!(m->ecap & VTDM_ECAP_SMTS))
		vtdm_err(m, err_pasid_desc_legacy);
done:
	m->stats.qi_desc[type]++;
	return true;
}

/* Process descriptors from IQH up to IQT; stop at the first invalid one. */
static void vtdm_qi_run(struct vtd_model *m)
{
	unsigned int size = m->iq_dw ? 32 : 16;
	u32 tail = vtdm_iq_tail(m);

	if ((m->iq_dw && (m->iqt & BIT(4))) || tail >= m->iq_entries) {
		vtdm_iqe(m, VTDM_IQEI_TAIL);
		vtdm_err(m, err_qi_tail);
		return;
	}
	while (m->iq_head != tail) {
		u64 q[4] = { 0 };

		if (!vtdm_mem_read(m->iq_base + (u64)m->iq_head * size, q, size / 8)) {
			m->iq_last_type = 0;
			vtdm_iqe(m, VTDM_IQEI_FETCH);
			vtdm_err(m, err_qi_fetch);
			return;
		}
		if (!vtdm_qi_one(m, q))
			return;
		m->iq_head = (m->iq_head + 1) % m->iq_entries;
	}
}

/* ---- global commands ----------------------------------------------- */

static void vtdm_gcmd_te(struct vtd_model *m, bool en)
{
	if (en) {
		if (!(m->gsts & VTDM_GSTS_RTPS)) {
			vtdm_err(m, err_te_no_root);
			return;
		}
		m->gsts |= VTDM_GSTS_TES;
		m->stats.te_enables++;
	} else {
		m->gsts &= ~VTDM_GSTS_TES;
		m->stats.te_disables++;
	}
	vtdm_drop_caches(m);	/* as QEMU does */
}

static void vtdm_gcmd_srtp(struct vtd_model *m)
{
	u64 addr = m->rtaddr & VTDM_PAGE_MASK;
	bool smt = m->rtaddr & VTDM_RTADDR_SMT;

	if ((m->rtaddr & BIT_ULL(11)) || (addr & ~m->haw_mask))
		vtdm_err(m, err_rtaddr_rsvd);
	if (smt && !(m->ecap & VTDM_ECAP_SMTS)) {
		vtdm_err(m, err_rtaddr_rsvd);
		smt = false;
	}
	if ((m->gsts & VTDM_GSTS_TES) && smt != m->root_smt) {
		vtdm_err(m, err_smt_change_while_te);
		return;
	}
	m->root = addr & m->haw_mask;
	m->root_smt = smt;
	m->gsts |= VTDM_GSTS_RTPS;
	m->stats.root_latches++;
	vtdm_drop_caches(m);	/* as QEMU does (CAP.ESRTPS is still 0) */
}

static void vtdm_gcmd_qie(struct vtd_model *m, bool en)
{
	if (en) {
		bool dw = m->iqa & VTDM_IQA_DW;

		if (!(m->ecap & VTDM_ECAP_QI) || !(m->iqa & VTDM_PAGE_MASK)) {
			vtdm_err(m, err_qie_enable);
			return;
		}
		if (dw && !(m->ecap & VTDM_ECAP_SMTS)) {
			vtdm_err(m, err_qie_enable);
			dw = false;
		}
		m->iq_base = m->iqa & VTDM_PAGE_MASK & m->haw_mask;
		m->iq_dw = dw;
		m->iq_entries = 1U << ((m->iqa & VTDM_IQA_QS_MASK) + 8 - dw);
		m->iq_head = 0;
		m->gsts |= VTDM_GSTS_QIES;
		m->stats.qie_enables++;
		if (m->iqt) {
			vtdm_err(m, err_qie_tail_nonzero);
			if (!(m->fsts & VTDM_FSTS_IQE))
				vtdm_qi_run(m);
		}
	} else {
		if (vtdm_iq_tail(m) != m->iq_head || m->iq_last_type != VTDM_QI_WAIT) {
			vtdm_err(m, err_qie_disable);
			return;
		}
		m->iq_head = 0;
		m->gsts &= ~VTDM_GSTS_QIES;
		m->stats.qie_disables++;
	}
}

/*
 * GCMD: the level bits (TE, QIE, IRE, CFI) are the desired state, compared
 * with GSTS (same bit positions); SRTP, SIRTP and WBF are one-shot.
 */
static void vtdm_gcmd(struct vtd_model *m, u32 val)
{
	u32 level = VTDM_GCMD_TE | VTDM_GCMD_QIE | VTDM_GCMD_IRE | VTDM_GCMD_CFI;
	u32 changed = (m->gsts ^ val) & level;
	u32 oneshot = val & (VTDM_GCMD_SRTP | VTDM_GCMD_SIRTP | VTDM_GCMD_WBF);

	if (__builtin_popcount(changed | oneshot) > 1)
		vtdm_err(m, err_gcmd_multi);

	if (changed & VTDM_GCMD_TE)
		vtdm_gcmd_te(m, val & VTDM_GCMD_TE);
	if (oneshot & VTDM_GCMD_SRTP)
		vtdm_gcmd_srtp(m);
	if (changed & VTDM_GCMD_QIE)
		vtdm_gcmd_qie(m, val & VTDM_GCMD_QIE);
	if (oneshot & VTDM_GCMD_SIRTP) {
		m->irt = m->irta;
		m->gsts |= VTDM_GSTS_IRTPS;
		m->stats.irt_latches++;
	}
	if (changed & VTDM_GCMD_IRE)
		m->gsts ^= VTDM_GSTS_IRES;
	if (changed & VTDM_GCMD_CFI)
		m->gsts ^= VTDM_GSTS_CFIS;
	if (oneshot & VTDM_GCMD_WBF)
		m->stats.wbf++;		/* completes at once: WBFS reads 0 */
}

/* ---- register-based invalidation ------------------------------------ */

static void vtdm_ccmd_cmd(struct vtd_model *m)
{
	u64 v = m->ccmd;
	unsigned int gran = (v >> VTDM_CCMD_CIRG_SHIFT) & 3;

	if (!(v & VTDM_CCMD_ICC))
		return;
	if (m->gsts & VTDM_GSTS_QIES) {
		vtdm_err(m, err_reg_inv_while_qi);	/* ignored: ICC stays set */
		return;
	}
	if (gran) {
		vtdm_cc_invalidate(m, gran, v & 0xffff, (v >> VTDM_CCMD_SID_SHIFT) & 0xffff,
				   (v >> VTDM_CCMD_FM_SHIFT) & 3);
		m->stats.reg_inv++;
	} else {
		vtdm_err(m, err_reg_inv_bad);
	}
	m->ccmd = (v & ~(VTDM_CCMD_ICC | (3ULL << VTDM_CCMD_CAIG_SHIFT))) |
		  ((u64)gran << VTDM_CCMD_CAIG_SHIFT);
}

static void vtdm_iotlb_cmd(struct vtd_model *m)
{
	u64 v = m->iotlb;
	unsigned int gran = (v >> VTDM_IOTLB_IIRG_SHIFT) & 3;
	unsigned int am = m->iva & 0x3f;

	if (!(v & VTDM_IOTLB_IVT))
		return;
	if (m->gsts & VTDM_GSTS_QIES) {
		vtdm_err(m, err_reg_inv_while_qi);	/* ignored: IVT stays set */
		return;
	}
	if (!gran || (gran == 3 && am > VTDM_MAMV)) {
		vtdm_err(m, err_reg_inv_bad);
		gran = 0;
	} else {
		vtdm_iotlb_invalidate(m, gran, (v >> VTDM_IOTLB_DID_SHIFT) & 0xffff,
				      m->iva & VTDM_PAGE_MASK, am);
		m->stats.reg_inv++;
	}
	m->iotlb = (v & ~(VTDM_IOTLB_IVT | (3ULL << VTDM_IOTLB_IAIG_SHIFT))) |
		   ((u64)gran << VTDM_IOTLB_IAIG_SHIFT);
}

/* ---- register file --------------------------------------------------- */

static u64 vtdm_half(u64 old, u64 off, u32 val)
{
	if (off & 4)
		return (old & 0xffffffffULL) | ((u64)val << 32);
	return (old & ~0xffffffffULL) | val;
}

static u64 vtdm_iqh(const struct vtd_model *m)
{
	return (u64)m->iq_head << (m->iq_dw ? 5 : 4);
}

/* The 64 bits at 8-byte aligned @off (pairs of 32-bit registers combined). */
static u64 vtdm_read64(struct vtd_model *m, u64 off)
{
	switch (off) {
	case VTDM_REG_VER:
		return VTDM_VER;
	case VTDM_REG_CAP:
		return m->cap;
	case VTDM_REG_ECAP:
		return m->ecap;
	case VTDM_REG_GCMD:		/* GCMD is write-only: reads 0 */
		return (u64)m->gsts << 32;
	case VTDM_REG_RTADDR:
		return m->rtaddr;
	case VTDM_REG_CCMD:
		return m->ccmd;
	case VTDM_REG_FSTS & ~7:
		return (u64)m->fsts << 32;
	case VTDM_REG_FECTL:
		return m->fectl | ((u64)m->fedata << 32);
	case VTDM_REG_FEADDR:
		return m->feaddr | ((u64)m->feuaddr << 32);
	case VTDM_REG_IQH:
		return vtdm_iqh(m);
	case VTDM_REG_IQT:
		return m->iqt;
	case VTDM_REG_IQA:
		/* As QEMU 7.2: the address and QS, never DW. */
		return m->iqa & ~VTDM_IQA_DW;
	case VTDM_REG_ICS & ~7:
		return (u64)m->ics << 32;
	case VTDM_REG_IECTL:
		return m->iectl | ((u64)m->iedata << 32);
	case VTDM_REG_IEADDR:
		return m->ieaddr | ((u64)m->ieuaddr << 32);
	case VTDM_REG_IQER:
		return m->iqer;
	case VTDM_REG_IRTA:
		return m->irta;
	case VTDM_REG_IOTLB:
		return m->iotlb;
	case VTDM_REG_FRCD:
		return m->frcd_lo;
	case VTDM_REG_FRCD + 8:
		return m->frcd_hi;
	default:			/* IVA is write-only; the rest reserved */
		return 0;
	}
}

static void vtdm_iqt_write(struct vtd_model *m, u64 val)
{
	m->iqt = val & VTDM_IQT_WMASK;
	if ((m->gsts & VTDM_GSTS_QIES) && !(m->fsts & VTDM_FSTS_IQE))
		vtdm_qi_run(m);
}

static void vtdm_iqa_write(struct vtd_model *m, u64 val)
{
	val &= VTDM_IQA_WMASK;
	if ((m->gsts & VTDM_GSTS_QIES) && val != m->iqa)
		vtdm_err(m, err_iqa_write_while_qie);	/* latched at QIE only */
	m->iqa = val;
}

static void vtdm_frcd_hi_write(struct vtd_model *m, u64 val)
{
	if (val & VTDM_FRCD_F) {		/* F is RW1C */
		m->frcd_hi &= ~VTDM_FRCD_F;
		vtdm_update_ppf(m);
	}
}

static void vtdm_fsts_write(struct vtd_model *m, u32 val)
{
	u32 clear = val & (VTDM_FSTS_PFO | VTDM_FSTS_IQE | VTDM_FSTS_ICE | VTDM_FSTS_ITE);

	m->fsts &= ~clear;
	if (!(m->fsts & (VTDM_FSTS_PFO | VTDM_FSTS_PPF | VTDM_FSTS_IQE)))
		m->fectl &= ~VTDM_FECTL_IP;
	/* Clearing IQE lets the hardware fetch again from IQH. */
	if ((clear & VTDM_FSTS_IQE) && (m->gsts & VTDM_GSTS_QIES))
		vtdm_qi_run(m);
}

static void vtdm_write32(struct vtd_model *m, u64 off, u32 val)
{
	switch (off) {
	case VTDM_REG_GCMD:
		vtdm_gcmd(m, val);
		break;
	case VTDM_REG_FSTS:
		vtdm_fsts_write(m, val);
		break;
	case VTDM_REG_FECTL:
		m->fectl = (m->fectl & ~VTDM_FECTL_IM) | (val & VTDM_FECTL_IM);
		if (!(m->fectl & VTDM_FECTL_IM))
			m->fectl &= ~VTDM_FECTL_IP;
		break;
	case VTDM_REG_FEDATA:
		m->fedata = val & 0xffff;
		break;
	case VTDM_REG_FEADDR:
		m->feaddr = val & ~3U;
		break;
	case VTDM_REG_FEUADDR:
		m->feuaddr = val;
		break;
	case VTDM_REG_ICS:
		if (val & VTDM_ICS_IWC)
			m->ics &= ~VTDM_ICS_IWC;
		if (!(m->ics & VTDM_ICS_IWC))
			m->iectl &= ~VTDM_FECTL_IP;
		break;
	case VTDM_REG_IECTL:
		m->iectl = (m->iectl & ~VTDM_FECTL_IM) | (val & VTDM_FECTL_IM);
		if (!(m->iectl & VTDM_FECTL_IM))
			m->iectl &= ~VTDM_FECTL_IP;
		break;
	case VTDM_REG_IEDATA:
		m->iedata = val;
		break;
	case VTDM_REG_IEADDR:
		m->ieaddr = val & ~3U;
		break;
	case VTDM_REG_IEUADDR:
		m->ieuaddr = val;
		break;
	case VTDM_REG_RTADDR:
	case VTDM_REG_RTADDR + 4:
		m->rtaddr = vtdm_half(m->rtaddr, off, val) & VTDM_RTADDR_WMASK;
		break;
	case VTDM_REG_CCMD:
		m->ccmd = vtdm_half(m->ccmd, off, val) & VTDM_CCMD_WMASK;
		break;
	case VTDM_REG_CCMD + 4:		/* the high half (ICC) starts it */
		m->ccmd = vtdm_half(m->ccmd, off, val) & VTDM_CCMD_WMASK;
		vtdm_ccmd_cmd(m);
		break;
	case VTDM_REG_IQT:
		vtdm_iqt_write(m, vtdm_half(m->iqt, off, val));
		break;
	case VTDM_REG_IQA:
	case VTDM_REG_IQA + 4:
		vtdm_iqa_write(m, vtdm_half(m->iqa, off, val));
		break;
	case VTDM_REG_IRTA:
	case VTDM_REG_IRTA + 4:
		m->irta = vtdm_half(m->irta, off, val) & VTDM_IRTA_WMASK;
		break;
	case VTDM_REG_IVA:
	case VTDM_REG_IVA + 4:
		m->iva = vtdm_half(m->iva, off, val) & VTDM_IVA_WMASK;
		break;
	case VTDM_REG_IOTLB:
		m->iotlb = vtdm_half(m->iotlb, off, val) & VTDM_IOTLB_WMASK;
		break;
	case VTDM_REG_IOTLB + 4:	/* the high half (IVT) starts it */
		m->iotlb = vtdm_half(m->iotlb, off, val) & VTDM_IOTLB_WMASK;
		vtdm_iotlb_cmd(m);
		break;
	case VTDM_REG_FRCD + 12:
		vtdm_frcd_hi_write(m, (u64)val << 32);
		break;
	default:			/* read-only or reserved */
		break;
	}
}

static void vtdm_write64(struct vtd_model *m, u64 off, u64 val)
{
	switch (off) {
	case VTDM_REG_RTADDR:
		m->rtaddr = val & VTDM_RTADDR_WMASK;
		break;
	case VTDM_REG_CCMD:
		m->ccmd = val & VTDM_CCMD_WMASK;
		vtdm_ccmd_cmd(m);
		break;
	case VTDM_REG_IQT:
		vtdm_iqt_write(m, val);
		break;
	case VTDM_REG_IQA:
		vtdm_iqa_write(m, val);
		break;
	case VTDM_REG_IRTA:
		m->irta = val & VTDM_IRTA_WMASK;
		break;
	case VTDM_REG_IVA:
		m->iva = val & VTDM_IVA_WMASK;
		break;
	case VTDM_REG_IOTLB:
		m->iotlb = val & VTDM_IOTLB_WMASK;
		vtdm_iotlb_cmd(m);
		break;
	case VTDM_REG_FRCD + 8:
		vtdm_frcd_hi_write(m, val);
		break;
	case VTDM_REG_CAP:
	case VTDM_REG_ECAP:
	case VTDM_REG_IQH:
	case VTDM_REG_IQER:
	case VTDM_REG_FRCD:
		break;
	default:			/* two 32-bit registers */
		vtdm_write32(m, off, (u32)val);
		vtdm_write32(m, off + 4, (u32)(val >> 32));
		break;
	}
}

static bool vtdm_access_ok(struct vtd_model *m, u64 off, unsigned int size)
{
	if ((size != 4 && size != 8) || (off & (size - 1)) || off >= VTDM_REG_SIZE) {
		vtdm_err(m, err_mmio);
		return false;
	}
	return true;
}

static u64 vtdm_mmio_read(void *ctx, u64 off, unsigned int size)
{
	struct vtd_model *m = ctx;
	u64 val = 0;

	pthread_mutex_lock(&m->lock);
	if (vtdm_access_ok(m, off, size)) {
		val = vtdm_read64(m, off & ~7ULL);
		if (size == 4)
			val = (u32)(val >> ((off & 4) * 8));
	}
	pthread_mutex_unlock(&m->lock);
	return val;
}

static void vtdm_mmio_write(void *ctx, u64 off, u64 val, unsigned int size)
{
	struct vtd_model *m = ctx;

	pthread_mutex_lock(&m->lock);
	if (vtdm_access_ok(m, off, size)) {
		if (size == 8)
			vtdm_write64(m, off, val);
		else
			vtdm_write32(m, off, (u32)val);
	}
	pthread_mutex_unlock(&m->lock);
}

static const struct shim_mmio_ops vtdm_mmio_ops = {
	.read = vtdm_mmio_read,
	.write = vtdm_mmio_write,
};

/* ---- API ----------------------------------------------------------- */

static void vtdm_reset_locked(struct vtd_model *m)
{
	m->gsts = 0;
	m->rtaddr = 0;
	m->ccmd = 0;
	m->iva = 0;
	m->iotlb = 0;
	m->iqt = 0;
	m->iqa = 0;
	m->irta = 0;
	m->iqer = 0;
	m->fsts = 0;
	m->fectl = VTDM_FECTL_IM;
	m->fedata = 0;
	m->feaddr = 0;
	m->feuaddr = 0;
	m->ics = 0;
	m->iectl = VTDM_FECTL_IM;
	m->iedata = 0;
	m->ieaddr = 0;
	m->ieuaddr = 0;
	m->frcd_lo = 0;
	m->frcd_hi = 0;
	m->root = 0;
	m->root_smt = false;
	m->irt = 0;
	m->iq_base = 0;
	m->iq_entries = 0;
	m->iq_dw = false;
	m->iq_head = 0;
	m->iq_last_type = 0;
	vtdm_drop_caches(m);
}

/**
 * vtd_model_default_cfg() - Fill @cfg with the defaults.
 * @cfg: filled: 39-bit HAW, SAGAW 39- and 48-bit, ND 2 (256 domain ids),
 *       QI, pass-through and interrupt remapping on; coherent; no caching
 *       mode; legacy only.
 */
void vtd_model_default_cfg(struct vtd_model_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->haw = 39;
	cfg->sagaw = BIT(1) | BIT(2);
	cfg->nd = 2;
	cfg->qi = true;
	cfg->coherent = true;
	cfg->pass_through = true;
	cfg->intremap = true;
}

/**
 * vtd_model_create() - Create a unit in power-on state.
 * @reg_base_phys: the register base a DMAR table would report.
 * @cfg: capabilities; NULL for vtd_model_default_cfg().
 *
 * Return: the model, or NULL if @cfg is inconsistent (@haw outside 32..52,
 * @sagaw empty or above BIT(4), @nd above 6, interrupt remapping or
 * scalable mode without QI) or on allocation failure.
 */
struct vtd_model *vtd_model_create(u64 reg_base_phys, const struct vtd_model_cfg *cfg)
{
	struct vtd_model_cfg def;
	struct vtd_model *m;

	if (!cfg) {
		vtd_model_default_cfg(&def);
		cfg = &def;
	}
	if (cfg->haw < 32 || cfg->haw > 52 || !cfg->sagaw || (cfg->sagaw & ~0x1fU) ||
	    cfg->nd > 6 || ((cfg->intremap || cfg->scalable) && !cfg->qi))
		return NULL;

	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->faults = calloc(VTDM_FAULTS_MAX, sizeof(*m->faults));
	if (!m->faults)
		goto free_model;
	if (pthread_mutex_init(&m->lock, NULL))
		goto free_faults;

	m->cfg = *cfg;
	m->reg_base = reg_base_phys;
	m->haw_mask = (1ULL << cfg->haw) - 1;
	m->ndoms = 1U << (4 + 2 * cfg->nd);
	m->cap = cfg->nd | ((u64)cfg->sagaw << VTDM_CAP_SAGAW_SHIFT) |
		 ((u64)(cfg->haw - 1) << VTDM_CAP_MGAW_SHIFT) |
		 ((u64)(VTDM_REG_FRCD / 16) << VTDM_CAP_FRO_SHIFT) |
		 VTDM_CAP_SLLPS_2M | VTDM_CAP_SLLPS_1G | VTDM_CAP_PSI |
		 (0ULL << VTDM_CAP_NFR_SHIFT) |
		 ((u64)VTDM_MAMV << VTDM_CAP_MAMV_SHIFT) | VTDM_CAP_DRD | VTDM_CAP_DWD;
	if (cfg->caching_mode)
		m->cap |= VTDM_CAP_CM;
	m->ecap = (u64)(VTDM_REG_IVA / 16) << VTDM_ECAP_IRO_SHIFT;
	if (cfg->coherent)
		m->ecap |= VTDM_ECAP_C;
	if (cfg->qi)
		m->ecap |= VTDM_ECAP_QI;
	if (cfg->intremap)
		m->ecap |= VTDM_ECAP_IR | VTDM_ECAP_MHMV;
	if (cfg->pass_through)
		m->ecap |= VTDM_ECAP_PT;
	if (cfg->scalable)
		m->ecap |= VTDM_ECAP_SMTS | VTDM_ECAP_SLTS;
	vtdm_reset_locked(m);

	m->regs = shim_mmio_register(VTDM_REG_SIZE, &vtdm_mmio_ops, m);
	if (!m->regs)
		goto destroy_lock;
	return m;

destroy_lock:
	pthread_mutex_destroy(&m->lock);
free_faults:
	free(m->faults);
free_model:
	free(m);
	return NULL;
}

/**
 * vtd_model_destroy() - Unmap the registers and free the model.
 * @m: the model, or NULL.
 */
void vtd_model_destroy(struct vtd_model *m)
{
	unsigned int bus;

	if (!m)
		return;
	shim_mmio_unregister(m->regs);
	for (bus = 0; bus < 256; bus++) {
		free(m->cc[bus]);
		free(m->pc[bus]);
	}
	free(m->faults);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

/**
 * vtd_model_regs() - The register window the code under test accesses.
 * @m: the model.
 *
 * Return: the ``__iomem`` base (VTDM_REG_SIZE bytes) for readl()/writel().
 */
void __iomem *vtd_model_regs(struct vtd_model *m)
{
	return m->regs;
}

/**
 * vtd_model_reg_base() - The physical register base given at create.
 * @m: the model.
 *
 * Return: @reg_base_phys of vtd_model_create().
 */
u64 vtd_model_reg_base(struct vtd_model *m)
{
	return m->reg_base;
}

/**
 * vtd_model_reset() - Platform reset: registers and caches to power-on state.
 * @m: the model.
 *
 * A simulated kexec must not call this. Statistics and the fault list are
 * observations, not hardware state: they are kept.
 */
void vtd_model_reset(struct vtd_model *m)
{
	pthread_mutex_lock(&m->lock);
	vtdm_reset_locked(m);
	pthread_mutex_unlock(&m->lock);
}

/**
 * vtd_model_translate() - Translate one DMA request as the hardware would.
 * @m: the model.
 * @rid: requester id (bus << 8 | devfn).
 * @iova: input address.
 * @write: a write request (needs W), else a read (needs R).
 * @phys: out: the output address.
 *
 * With TES=0 the output is @iova. Otherwise the IOTLB, the context cache
 * and then the tables in memory are used, and the caches filled.
 *
 * Return: 0, or -EFAULT with the fault recorded (unless FPD suppresses it).
 */
int vtd_model_translate(struct vtd_model *m, u16 rid, u64 iova, bool write, u64 *phys)
{
	int ret;

	pthread_mutex_lock(&m->lock);
	ret = vtdm_translate_locked(m, rid, iova, write, phys);
	pthread_mutex_unlock(&m->lock);
	return ret;
}

/**
 * vtd_model_dma() - A device's DMA, translated 4 KiB page by page.
 * @m: the model.
 * @rid: requester id.
 * @iova: first input address.
 * @buf: device-side buffer.
 * @len: bytes.
 * @write: the device writes memory (copies @buf to memory); else it reads
 *         memory into @buf.
 *
 * Stops at the first page that faults; pages before it were transferred.
 *
 * Return: 0; -EFAULT on a translation fault (recorded as for
 * vtd_model_translate()); -EIO if a page translated to an address that is
 * not memory; -EINVAL if the range wraps.
 */
int vtd_model_dma(struct vtd_model *m, u16 rid, u64 iova, void *buf, size_t len, bool write)
{
	unsigned char *p = buf;
	int ret = 0;

	if (len && iova + len - 1 < iova)
		return -EINVAL;

	pthread_mutex_lock(&m->lock);
	while (len) {
		size_t chunk = VTDM_PAGE_SIZE - (iova & (VTDM_PAGE_SIZE - 1));
		void *va;
		u64 pa;

		if (chunk > len)
			chunk = len;
		ret = vtdm_translate_locked(m, rid, iova, write, &pa);
		if (ret)
			break;
		va = physmem_valid(pa, chunk) ? physmem_va(pa) : NULL;
		if (!va) {
			m->stats.dma_bad_phys++;
			ret = -EIO;
			break;
		}
		if (write)
			memcpy(va, p, chunk);
		else
			memcpy(p, va, chunk);
		p += chunk;
		iova += chunk;
		len -= chunk;
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

/**
 * vtd_model_faults() - Copy out the recorded faults, oldest first.
 * @m: the model.
 * @out: where to copy, may be NULL if @max is 0.
 * @max: entries @out holds.
 *
 * Return: the number of recorded faults (may exceed @max).
 */
size_t vtd_model_faults(struct vtd_model *m, struct vtd_fault *out, size_t max)
{
	size_t n;

	pthread_mutex_lock(&m->lock);
	n = m->nr_faults;
	if (out && max)
		memcpy(out, m->faults, (n < max ? n : max) * sizeof(*out));
	pthread_mutex_unlock(&m->lock);
	return n;
}

/**
 * vtd_model_clear_faults() - Forget the recorded faults (not the registers).
 * @m: the model.
 */
void vtd_model_clear_faults(struct vtd_model *m)
{
	pthread_mutex_lock(&m->lock);
	m->nr_faults = 0;
	pthread_mutex_unlock(&m->lock);
}

/**
 * vtd_model_fault_name() - A fault reason as text, for messages.
 * @reason: &enum vtdm_fault_reason.
 *
 * Return: a static string.
 */
const char *vtd_model_fault_name(u8 reason)
{
	switch (reason) {
	case VTDM_FR_ROOT_ENTRY_P:		return "root entry not present";
	case VTDM_FR_CONTEXT_ENTRY_P:		return "context entry not present";
	case VTDM_FR_CONTEXT_ENTRY_INV:		return "context entry invalid";
	case VTDM_FR_ADDR_BEYOND_MGAW:		return "address beyond MGAW";
	case VTDM_FR_WRITE:			return "no write permission";
	case VTDM_FR_READ:			return "no read permission";
	case VTDM_FR_PAGING_ENTRY_INV:		return "paging entry unreadable";
	case VTDM_FR_ROOT_TABLE_INV:		return "root table unreadable";
	case VTDM_FR_CONTEXT_TABLE_INV:		return "context table unreadable";
	case VTDM_FR_ROOT_ENTRY_RSVD:		return "root entry reserved bits";
	case VTDM_FR_CONTEXT_ENTRY_RSVD:	return "context entry reserved bits";
	case VTDM_FR_PAGING_ENTRY_RSVD:		return "paging entry reserved bits";
	case VTDM_FR_CONTEXT_ENTRY_TT:		return "translation type blocked";
	case VTDM_FR_PASID_TABLE_INV:		return "PASID table entry invalid";
	default:				return "unknown";
	}
}

/**
 * vtd_model_stats() - Snapshot the counters.
 * @m: the model.
 * @out: filled.
 */
void vtd_model_stats(struct vtd_model *m, struct vtd_model_stats *out)
{
	pthread_mutex_lock(&m->lock);
	m->stats.cc_entries = m->cc_count;
	m->stats.iotlb_entries = m->iotlb_count;
	m->stats.pc_entries = m->pc_count;
	*out = m->stats;
	pthread_mutex_unlock(&m->lock);
}

/**
 * vtd_model_translation_enabled() - GSTS.TES.
 * @m: the model.
 *
 * Return: true if DMA is being translated.
 */
bool vtd_model_translation_enabled(struct vtd_model *m)
{
	bool en;

	pthread_mutex_lock(&m->lock);
	en = m->gsts & VTDM_GSTS_TES;
	pthread_mutex_unlock(&m->lock);
	return en;
}

/**
 * vtd_model_active_root() - The root table latched by the last SRTP.
 * @m: the model.
 *
 * Return: its address, with %VTDM_RTADDR_SMT if scalable mode was latched;
 * 0 if no root pointer was ever latched (GSTS.RTPS clear).
 */
u64 vtd_model_active_root(struct vtd_model *m)
{
	u64 root = 0;

	pthread_mutex_lock(&m->lock);
	if (m->gsts & VTDM_GSTS_RTPS)
		root = m->root | (m->root_smt ? VTDM_RTADDR_SMT : 0);
	pthread_mutex_unlock(&m->lock);
	return root;
}
