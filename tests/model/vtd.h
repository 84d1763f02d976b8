/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace hardware model, kind: CUSTOM.
 *
 * An Intel VT-d DMA-remapping unit (one DRHD) as the framework's VT-d
 * backend sees it: the MMIO register file, register-based and queued
 * invalidation, a context cache, a PASID cache and an IOTLB that really go
 * stale, and the DMA walk in legacy mode (root table, context table,
 * second-level page table) and scalable mode (root table, lower or upper
 * context table, PASID directory, PASID table, second-level page table) with
 * QEMU 7.2's validity checks and the VT-d fault reason codes.
 */

/**
 * DOC: VT-d hardware model
 *
 * The model is an independent implementation written from the VT-d layout
 * and QEMU 7.2's intel-iommu device; it shares no header with the backend
 * under test (everything here is spelled VTDM_*), so a wrong bit in the
 * backend is not mirrored by the model.
 *
 * Lifecycle: vtd_model_create() maps the register file through the MMIO
 * shim (vtd_model_regs() is the ``void __iomem *`` the code under test
 * passes to readl()/writel()/readq()/writeq(); 64-bit registers take one
 * 8-byte access or two 4-byte halves, low half first). A simulated kexec
 * keeps the model as it is (TES, the latched root, QIES, IQH and the caches
 * survive); only vtd_model_reset() (platform reset) returns it to power-on
 * state. DMA is issued by tests with vtd_model_translate() and
 * vtd_model_dma(), which read the tables from the physical-memory model.
 *
 * What is modelled, and how strictly:
 *
 * - GCMD is interpreted the way QEMU does: each write is the desired state
 *   of TE, QIE and IRE (a write that omits TE while TES=1 disables
 *   translation) plus the one-shot commands SRTP, SIRTP and WBF. More than
 *   one command per write is counted as an error (the spec asks software to
 *   serialise them) but still performed. TE needs a latched root pointer.
 *   SRTP latches RTADDR (address and SMT) and drops both caches; the SMT bit
 *   may only change while TES=0. Toggling TE also drops both caches.
 * - Register-based invalidation (CCMD, IOTLB register at ECAP.IRO) completes
 *   synchronously. While QIES=1 it is an error: nothing is invalidated and
 *   ICC/IVT stay set (the command never completes), as on QEMU.
 * - Queued invalidation: IQA is latched when QIE is enabled (IQA writes
 *   while QIES=1 are errors and have no effect); each IQT write processes
 *   descriptors from IQH to IQT. An invalid descriptor sets FSTS.IQE, IQER
 *   and stops with IQH at it; clearing IQE resumes. QIE can only be
 *   disabled when the queue is drained and the last descriptor was a wait
 *   descriptor (QEMU's rule).
 * - Context cache: keyed by requester id, filled with the root and context
 *   entries on the first successful translation; invalidated per
 *   granularity (global, domain, device with function mask). In scalable
 *   mode a domain-selective invalidation drops every entry, as on QEMU (the
 *   context entry carries no domain id there).
 * - IOTLB: entries tagged with requester id, domain id, page and level and
 *   looked up by requester id and page *before* the context is consulted,
 *   as QEMU does: an IOTLB entry outlives a context-cache invalidation until
 *   an IOTLB invalidation of its domain drops it. Only successful walks are
 *   cached (also with caching mode). Pass-through contexts are not cached in
 *   the IOTLB. A full IOTLB (%VTDM_IOTLB_MAX entries) is emptied.
 * - Faults: every fault that is not suppressed by FPD is appended to a list
 *   (vtd_model_faults()); the single fault recording register, FSTS.PPF,
 *   PFO and FRI behave as on QEMU. Root-level, context-table and reserved
 *   root/context faults are not "qualified" and are recorded even with FPD.
 *   In scalable mode a fault of the second-level walk is recorded with the
 *   context's RID_PASID (FRCD.PP and PV, so Linux prints "PASID 0x0"), root,
 *   context and PASID-entry faults without, as QEMU 7.2 does (seen on a real
 *   run: tests/golden/conformance-scalable.log).
 * - Scalable mode (RTADDR.SMT latched, only with ECAP.SMTS): the root entry's
 *   lo and hi point at the lower (devfn 0..127) and upper (128..255) context
 *   tables, each of 128 32-byte entries indexed by devfn & 0x7f whose upper
 *   128 bits must be zero; the context entry leads to a PASID directory
 *   (2^(PDTS + 7) entries) and from it to the PASID table entry of its
 *   RID_PASID, which must be present with PGTT 2 (second-level walk, the
 *   legacy format, AW and DID from the PASID entry) or 4 (pass-through, with
 *   ECAP.PT). QEMU 7.2's reserved-bit checks apply to both root halves and
 *   to the context entry; a bad PASID directory or table entry is fault
 *   0x58 (%VTDM_FR_PASID_TABLE_INV), which FPD does not suppress. FPD is
 *   the OR of the context, PASID directory and PASID entry bits. The model
 *   is stricter than QEMU 7.2 in three places, each a real VT-d rule: PGTT
 *   1 and 3 fault (no ECAP.FLTS/NEST is advertised), a RID_PASID beyond the
 *   directory size faults, and every queued descriptor must be 256 bits
 *   wide (IQA.DW) while SMT is latched (IQE, %VTDM_IQEI_WIDTH).
 * - PASID cache: the RID_PASID entry a translation used is cached per
 *   requester id (with its directory entry's FPD) and used until a
 *   PASID-cache invalidation descriptor (type 7: global, domain- or
 *   PASID-selective) drops it; context-cache and IOTLB invalidations leave
 *   it alone, so a PASID entry changed without one really goes stale.
 *   SRTP and TE changes drop it with the other caches. PASID-based IOTLB
 *   descriptors (type 6) are accepted and counted but drop nothing: the
 *   second-level IOTLB is tagged by domain id and invalidated by type 2.
 * - Not modelled: interrupt remapping beyond IRTA/SIRTP/IRES, interrupts
 *   (only FECTL.IP/ICS.IWC are set), device-TLBs, PMRs, DMA to the
 *   interrupt address range.
 *
 * All state is protected by one mutex per model, so tests may translate
 * from several threads; nothing runs in the background.
 */

#ifndef _TESTS_MODEL_VTD_H
#define _TESTS_MODEL_VTD_H

#include <stddef.h>
#include "../shim/shim_types.h"

/* Register offsets (from the unit's register base). */
#define VTDM_REG_VER		0x000
#define VTDM_REG_CAP		0x008
#define VTDM_REG_ECAP		0x010
#define VTDM_REG_GCMD		0x018
#define VTDM_REG_GSTS		0x01c
#define VTDM_REG_RTADDR		0x020
#define VTDM_REG_CCMD		0x028
#define VTDM_REG_FSTS		0x034
#define VTDM_REG_FECTL		0x038
#define VTDM_REG_FEDATA		0x03c
#define VTDM_REG_FEADDR		0x040
#define VTDM_REG_FEUADDR	0x044
#define VTDM_REG_PMEN		0x064
#define VTDM_REG_IQH		0x080
#define VTDM_REG_IQT		0x088
#define VTDM_REG_IQA		0x090
#define VTDM_REG_ICS		0x09c
#define VTDM_REG_IECTL		0x0a0
#define VTDM_REG_IEDATA		0x0a4
#define VTDM_REG_IEADDR		0x0a8
#define VTDM_REG_IEUADDR	0x0ac
#define VTDM_REG_IQER		0x0b0
#define VTDM_REG_IRTA		0x0b8
#define VTDM_REG_IVA		0x100	/* ECAP.IRO * 16 */
#define VTDM_REG_IOTLB		0x108	/* ECAP.IRO * 16 + 8 */
#define VTDM_REG_FRCD		0x200	/* CAP.FRO * 16, one 128-bit record */
#define VTDM_REG_SIZE		0x1000

/* GCMD / GSTS */
#define VTDM_GCMD_TE		BIT(31)
#define VTDM_GCMD_SRTP		BIT(30)
#define VTDM_GCMD_SFL		BIT(29)
#define VTDM_GCMD_EAFL		BIT(28)
#define VTDM_GCMD_WBF		BIT(27)
#define VTDM_GCMD_QIE		BIT(26)
#define VTDM_GCMD_IRE		BIT(25)
#define VTDM_GCMD_SIRTP		BIT(24)
#define VTDM_GCMD_CFI		BIT(23)
#define VTDM_GSTS_TES		BIT(31)
#define VTDM_GSTS_RTPS		BIT(30)
#define VTDM_GSTS_WBFS		BIT(27)
#define VTDM_GSTS_QIES		BIT(26)
#define VTDM_GSTS_IRES		BIT(25)
#define VTDM_GSTS_IRTPS		BIT(24)
#define VTDM_GSTS_CFIS		BIT(23)

/* RTADDR */
#define VTDM_RTADDR_SMT		BIT_ULL(10)

/* CAP */
#define VTDM_CAP_ND(c)		((c) & 7)
#define VTDM_CAP_CM		BIT_ULL(7)
#define VTDM_CAP_SAGAW_SHIFT	8
#define VTDM_CAP_MGAW_SHIFT	16
#define VTDM_CAP_FRO_SHIFT	24
#define VTDM_CAP_SLLPS_2M	BIT_ULL(34)
#define VTDM_CAP_SLLPS_1G	BIT_ULL(35)
#define VTDM_CAP_PSI		BIT_ULL(39)
#define VTDM_CAP_NFR_SHIFT	40
#define VTDM_CAP_MAMV_SHIFT	48
#define VTDM_CAP_DWD		BIT_ULL(54)
#define VTDM_CAP_DRD		BIT_ULL(55)
#define VTDM_CAP_ESRTPS		BIT_ULL(63)
#define VTDM_MAMV		18

/* ECAP */
#define VTDM_ECAP_C		BIT_ULL(0)
#define VTDM_ECAP_QI		BIT_ULL(1)
#define VTDM_ECAP_DT		BIT_ULL(2)
#define VTDM_ECAP_IR		BIT_ULL(3)
#define VTDM_ECAP_PT		BIT_ULL(6)
#define VTDM_ECAP_IRO_SHIFT	8
#define VTDM_ECAP_MHMV		(15ULL << 20)
#define VTDM_ECAP_SMTS		BIT_ULL(43)
#define VTDM_ECAP_SLTS		BIT_ULL(46)

/* CCMD */
#define VTDM_CCMD_ICC		BIT_ULL(63)
#define VTDM_CCMD_CIRG_SHIFT	61
#define VTDM_CCMD_CAIG_SHIFT	59
#define VTDM_CCMD_FM_SHIFT	32
#define VTDM_CCMD_SID_SHIFT	16
#define VTDM_CCMD_GLOBAL	(1ULL << VTDM_CCMD_CIRG_SHIFT)
#define VTDM_CCMD_DOMAIN	(2ULL << VTDM_CCMD_CIRG_SHIFT)
#define VTDM_CCMD_DEVICE	(3ULL << VTDM_CCMD_CIRG_SHIFT)

/* IOTLB register */
#define VTDM_IOTLB_IVT		BIT_ULL(63)
#define VTDM_IOTLB_IIRG_SHIFT	60
#define VTDM_IOTLB_IAIG_SHIFT	57
#define VTDM_IOTLB_DID_SHIFT	32
#define VTDM_IOTLB_GLOBAL	(1ULL << VTDM_IOTLB_IIRG_SHIFT)
#define VTDM_IOTLB_DOMAIN	(2ULL << VTDM_IOTLB_IIRG_SHIFT)
#define VTDM_IOTLB_PAGE		(3ULL << VTDM_IOTLB_IIRG_SHIFT)

/* FSTS / FECTL / ICS */
#define VTDM_FSTS_PFO		BIT(0)
#define VTDM_FSTS_PPF		BIT(1)
#define VTDM_FSTS_IQE		BIT(4)
#define VTDM_FSTS_ICE		BIT(5)
#define VTDM_FSTS_ITE		BIT(6)
#define VTDM_FSTS_FRI_SHIFT	8
#define VTDM_FECTL_IM		BIT(31)
#define VTDM_FECTL_IP		BIT(30)
#define VTDM_ICS_IWC		BIT(0)

/* FRCD (high 64 bits) */
#define VTDM_FRCD_F		BIT_ULL(63)
#define VTDM_FRCD_T		BIT_ULL(62)	/* set: read request */
#define VTDM_FRCD_FR_SHIFT	32
#define VTDM_FRCD_PP		BIT_ULL(31)	/* PASID present */
#define VTDM_FRCD_PV_SHIFT	40		/* PASID value, 20 bits */

/* IQA / IQER */
#define VTDM_IQA_DW		BIT_ULL(11)
#define VTDM_IQA_QS_MASK	7ULL
#define VTDM_IQEI_TAIL		1	/* invalid tail pointer */
#define VTDM_IQEI_FETCH		2	/* descriptor fetch or status write failed */
#define VTDM_IQEI_TYPE		3	/* invalid descriptor type */
#define VTDM_IQEI_RSVD		4	/* reserved field / invalid field value */
#define VTDM_IQEI_WIDTH		5	/* 128-bit descriptor with SMT latched */

/* Queued invalidation descriptor types (qw0 bits 3:0, 11:9 above) */
#define VTDM_QI_CC		1
#define VTDM_QI_IOTLB		2
#define VTDM_QI_DEV_IOTLB	3
#define VTDM_QI_IEC		4
#define VTDM_QI_WAIT		5
#define VTDM_QI_PASID_IOTLB	6
#define VTDM_QI_PASID_CACHE	7
#define VTDM_QI_NR_TYPES	8
#define VTDM_QI_GRAN_SHIFT	4	/* CC and IOTLB: 1 global, 2 domain, 3 dev/page */
#define VTDM_QI_DID_SHIFT	16
#define VTDM_QI_CC_SID_SHIFT	32
#define VTDM_QI_CC_FM_SHIFT	48
#define VTDM_QI_WAIT_IF		BIT_ULL(4)
#define VTDM_QI_WAIT_SW		BIT_ULL(5)
#define VTDM_QI_WAIT_FN		BIT_ULL(6)
#define VTDM_QI_WAIT_DATA_SHIFT	32
#define VTDM_QI_PC_PASID_SHIFT	32	/* PASID-cache: 1 PASID, 0 domain, 3 global */
#define VTDM_QI_PC_DOMAIN	0
#define VTDM_QI_PC_PASID	1
#define VTDM_QI_PC_GLOBAL	3

/* Legacy root / context entries and second-level entries */
#define VTDM_ROOT_P		BIT_ULL(0)
#define VTDM_CTX_P		BIT_ULL(0)
#define VTDM_CTX_FPD		BIT_ULL(1)
#define VTDM_CTX_TT_SHIFT	2
#define VTDM_CTX_TT_MULTI	0
#define VTDM_CTX_TT_DEV_IOTLB	1
#define VTDM_CTX_TT_PT		2
#define VTDM_CTX_DID_SHIFT	8	/* in hi */
#define VTDM_PTE_R		BIT_ULL(0)
#define VTDM_PTE_W		BIT_ULL(1)
#define VTDM_PTE_PS		BIT_ULL(7)
#define VTDM_PTE_SNP		BIT_ULL(11)

/* Scalable-mode context entries (32 bytes: lo, hi, then two zero qwords) */
#define VTDM_SMCTX_P		BIT_ULL(0)
#define VTDM_SMCTX_FPD		BIT_ULL(1)
#define VTDM_SMCTX_DTE		BIT_ULL(2)
#define VTDM_SMCTX_PASIDE	BIT_ULL(3)
#define VTDM_SMCTX_PRE		BIT_ULL(4)
#define VTDM_SMCTX_PDTS_SHIFT	9	/* PASID directory of 2^(PDTS + 7) entries */
#define VTDM_SMCTX_RID2PASID	0xfffffULL	/* in hi */
#define VTDM_SMCTX_RSVD_LO	0x1e0ULL	/* | above HAW */
#define VTDM_SMCTX_RSVD_HI	0xffffffffffe00000ULL

/* PASID directory entries and PASID table entries (val[0], val[1]) */
#define VTDM_PDE_P		BIT_ULL(0)
#define VTDM_PDE_FPD		BIT_ULL(1)
#define VTDM_PE_P		BIT_ULL(0)
#define VTDM_PE_FPD		BIT_ULL(1)
#define VTDM_PE_AW_SHIFT	2
#define VTDM_PE_PGTT_SHIFT	6
#define VTDM_PE_PGTT_FL		1
#define VTDM_PE_PGTT_SL		2
#define VTDM_PE_PGTT_NESTED	3
#define VTDM_PE_PGTT_PT		4
#define VTDM_PE_DID_MASK	0xffffULL	/* in val[1] */

#define VTDM_PAGE_SHIFT		12
#define VTDM_PAGE_SIZE		(1ULL << VTDM_PAGE_SHIFT)
#define VTDM_PAGE_MASK		(~(VTDM_PAGE_SIZE - 1))

#define VTDM_IOTLB_MAX		1024	/* entries; a full IOTLB is emptied */

/* Fault reasons: the VT-d codes (QEMU's VTD_FR_*). */
enum vtdm_fault_reason {
	VTDM_FR_ROOT_ENTRY_P = 0x1,	/* root entry not present */
	VTDM_FR_CONTEXT_ENTRY_P = 0x2,	/* context entry not present */
	VTDM_FR_CONTEXT_ENTRY_INV = 0x3, /* bad AW, TT, or top table unreadable */
	VTDM_FR_ADDR_BEYOND_MGAW = 0x4,	/* IOVA above the address width */
	VTDM_FR_WRITE = 0x5,		/* no write permission */
	VTDM_FR_READ = 0x6,		/* no read permission (incl. not present) */
	VTDM_FR_PAGING_ENTRY_INV = 0x7,	/* page table unreadable */
	VTDM_FR_ROOT_TABLE_INV = 0x8,	/* root table unreadable */
	VTDM_FR_CONTEXT_TABLE_INV = 0x9, /* context table unreadable */
	VTDM_FR_ROOT_ENTRY_RSVD = 0xa,	/* reserved bit set in a root entry */
	VTDM_FR_CONTEXT_ENTRY_RSVD = 0xb, /* reserved bit set in a context entry */
	VTDM_FR_PAGING_ENTRY_RSVD = 0xc, /* reserved bit set in a paging entry */
	VTDM_FR_CONTEXT_ENTRY_TT = 0xd,
	VTDM_FR_PASID_TABLE_INV = 0x58,	/* PASID dir/table entry absent or invalid */
};

/**
 * struct vtd_model_cfg - What the unit reports and supports.
 * @haw: host address width in bits (CAP.MGAW = @haw - 1); 39 or 48 typical.
 * @sagaw: CAP.SAGAW bits: BIT(1) 39-bit 3-level, BIT(2) 48-bit 4-level.
 * @nd: CAP.ND: 2^(4 + 2 * @nd) domain ids; domain ids beyond are reserved.
 * @qi: ECAP.QI, queued invalidation.
 * @caching_mode: CAP.CM.
 * @scalable: ECAP.SMTS (+ SLTS): scalable mode, second-level only.
 * @coherent: ECAP.C.
 * @pass_through: ECAP.PT, context TT=2 allowed.
 * @intremap: ECAP.IR (+ MHMV).
 *
 * Use vtd_model_default_cfg() and change fields.
 */
struct vtd_model_cfg {
	u8 haw;
	u8 sagaw;
	u8 nd;
	bool qi;
	bool caching_mode;
	bool scalable;
	bool coherent;
	bool pass_through;
	bool intremap;
};

/**
 * struct vtd_fault - One recorded DMA-remapping fault.
 * @rid: requester id (bus << 8 | devfn).
 * @iova: the faulting input address (not page-aligned).
 * @reason: &enum vtdm_fault_reason.
 * @write: the request was a write.
 * @pasid_present: recorded with a PASID (scalable mode, second-level walk).
 * @pasid: that PASID (the context's RID_PASID).
 */
struct vtd_fault {
	u16 rid;
	u64 iova;
	u8 reason;
	bool write;
	bool pasid_present;
	u32 pasid;
};

/**
 * struct vtd_model_stats - Counters since create (vtd_model_reset() keeps them).
 *
 * Invalidations count what was performed; an ignored or refused command is
 * counted only in its err_* counter. @errors is the sum of all err_*.
 */
struct vtd_model_stats {
	/* invalidations performed, any interface */
	u64 cc_inv_global, cc_inv_domain, cc_inv_device;
	u64 iotlb_inv_global, iotlb_inv_domain, iotlb_inv_page;
	u64 pc_inv_global, pc_inv_domain, pc_inv_pasid;	/* PASID cache */
	u64 reg_inv;			/* of those, through CCMD/IOTLB registers */
	u64 qi_desc[VTDM_QI_NR_TYPES];	/* descriptors processed, by type */
	u64 qi_status_writes;		/* wait descriptors' status writes */
	u64 qi_wait_sw_and_if;		/* wait with SW and IF (QEMU 7.2 aborts) */
	/* commands */
	u64 root_latches;		/* SRTP performed */
	u64 irt_latches;		/* SIRTP performed */
	u64 te_enables, te_disables;
	u64 qie_enables, qie_disables;
	u64 wbf;
	/* DMA */
	u64 translations, iotlb_hits, cc_hits, pc_hits;
	u64 faults_recorded, faults_suppressed, faults_dropped;
	u64 dma_bad_phys;		/* translated to memory that does not exist */
	u64 iotlb_overflows;		/* IOTLB emptied because it was full */
	/* current sizes (not counters) */
	u64 cc_entries, iotlb_entries, pc_entries;
	/* errors: the code under test did something the hardware refuses */
	u64 err_reg_inv_while_qi;	/* CCMD/IOTLB command with QIES=1: ignored */
	u64 err_reg_inv_bad;		/* register command with bad granularity/AM */
	u64 err_qi_bad_desc;		/* invalid type or reserved bits: IQE */
	u64 err_qi_tail;		/* invalid tail: IQE */
	u64 err_qi_fetch;		/* descriptor/status address not in memory: IQE */
	u64 err_qie_enable;		/* QIE enable refused (no IQA) or DW without SMTS */
	u64 err_qie_tail_nonzero;	/* QIE enabled with IQT != 0 */
	u64 err_qie_disable;		/* QIE disable refused: queue not drained */
	u64 err_iqa_write_while_qie;	/* IQA changed while QIES=1: no effect */
	u64 err_te_no_root;		/* TE enable without a latched root */
	u64 err_smt_change_while_te;	/* SRTP changing SMT while TES=1: ignored */
	u64 err_rtaddr_rsvd;		/* RTADDR reserved bits / SMT without SMTS */
	u64 err_gcmd_multi;		/* several commands in one GCMD write */
	u64 err_mmio;			/* bad access size or alignment */
	u64 err_pasid_desc_legacy;	/* PASID-based descriptor without SMTS */
	u64 err_qi_width;		/* 128-bit descriptor with SMT latched: IQE */
	u64 err_did0_cm;		/* context with DID 0 while CAP.CM=1 */
	u64 errors;
};

void vtd_model_default_cfg(struct vtd_model_cfg *cfg);
struct vtd_model *vtd_model_create(u64 reg_base_phys, const struct vtd_model_cfg *cfg);
void vtd_model_destroy(struct vtd_model *m);
void __iomem *vtd_model_regs(struct vtd_model *m);
u64 vtd_model_reg_base(struct vtd_model *m);
void vtd_model_reset(struct vtd_model *m);

int vtd_model_translate(struct vtd_model *m, u16 rid, u64 iova, bool write, u64 *phys);
int vtd_model_dma(struct vtd_model *m, u16 rid, u64 iova, void *buf, size_t len, bool write);

size_t vtd_model_faults(struct vtd_model *m, struct vtd_fault *out, size_t max);
void vtd_model_clear_faults(struct vtd_model *m);
const char *vtd_model_fault_name(u8 reason);

void vtd_model_stats(struct vtd_model *m, struct vtd_model_stats *out);
bool vtd_model_translation_enabled(struct vtd_model *m);
u64 vtd_model_active_root(struct vtd_model *m);

#endif /* _TESTS_MODEL_VTD_H */
