/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace model, kind: CUSTOM.
 *
 * Models the Intel VT-d driver (drivers/iommu/intel/{iommu,dmar,cache}.c,
 * Linux 7.3, legacy mode) with the iommu-lu hooks, for the userspace test
 * build; see the DOC block in intel_drv.h.
 *
 * The register, entry and descriptor layouts and the helpers named as in
 * the kernel (iommu_context_addr(), domain_context_mapping_one(),
 * copied_context_tear_down(), qi_submit_sync(), iommu_set_root_entry(), ...)
 * follow the 7.3 code; the page tables are a plain 3-level VT-d
 * second-level table instead of generic_pt.
 */

#define pr_fmt(fmt) "DMAR: " fmt

#include "iommu_lu_seam.h"
#include "iommu_lu.h"
#include "intel_drv.h"
#include "pci.h"
#include "vtd.h"

/* Registers (drivers/iommu/intel/iommu.h). */
#define DMAR_VER_REG		0x0
#define DMAR_CAP_REG		0x8
#define DMAR_ECAP_REG		0x10
#define DMAR_GCMD_REG		0x18
#define DMAR_GSTS_REG		0x1c
#define DMAR_RTADDR_REG		0x20
#define DMAR_CCMD_REG		0x28
#define DMAR_FSTS_REG		0x34
#define DMAR_IQH_REG		0x80
#define DMAR_IQT_REG		0x88
#define DMAR_IQ_SHIFT		4
#define DMAR_IQA_REG		0x90

#define cap_esrtps(c)		(((c) >> 63) & 1)
#define cap_read_drain(c)	(((c) >> 55) & 1)
#define cap_write_drain(c)	(((c) >> 54) & 1)
#define cap_max_amask_val(c)	(((c) >> 48) & 0x3f)
#define cap_pgsel_inv(c)	(((c) >> 39) & 1)
#define cap_sagaw(c)		(((c) >> 8) & 0x1f)
#define cap_caching_mode(c)	(((c) >> 7) & 1)
#define cap_rwbf(c)		(((c) >> 4) & 1)
#define cap_ndoms(c)		(((unsigned long)1) << (4 + 2 * ((c) & 0x7)))
#define ecap_smts(e)		(((e) >> 43) & 0x1)
#define ecap_iotlb_offset(e)	((((e) >> 8) & 0x3ff) * 16)
#define ecap_qis(e)		((e) & 0x2)

#define DMA_GCMD_TE		(((u32)1) << 31)
#define DMA_GCMD_SRTP		(((u32)1) << 30)
#define DMA_GCMD_WBF		(((u32)1) << 27)
#define DMA_GCMD_QIE		(((u32)1) << 26)
#define DMA_GCMD_IRE		(((u32)1) << 25)
#define DMA_GSTS_TES		(((u32)1) << 31)
#define DMA_GSTS_RTPS		(((u32)1) << 30)
#define DMA_GSTS_WBFS		(((u32)1) << 27)
#define DMA_GSTS_QIES		(((u32)1) << 26)
#define DMA_GSTS_IRES		(((u32)1) << 25)
#define DMA_RTADDR_SMT		(((u64)1) << 10)

#define DMA_FSTS_IQE		(1 << 4)
#define DMA_FSTS_ICE		(1 << 5)
#define DMA_FSTS_ITE		(1 << 6)

#define DMA_CCMD_INVL_GRANU_OFFSET	61
#define DMA_CCMD_ICC		(((u64)1) << 63)
#define DMA_CCMD_GLOBAL_INVL	(((u64)1) << 61)
#define DMA_CCMD_DOMAIN_INVL	(((u64)2) << 61)
#define DMA_CCMD_DEVICE_INVL	(((u64)3) << 61)
#define DMA_CCMD_FM(m)		(((u64)((m) & 0x3)) << 32)
#define DMA_CCMD_MASK_NOBIT	0
#define DMA_CCMD_SID(s)		(((u64)((s) & 0xffff)) << 16)
#define DMA_CCMD_DID(d)		((u64)((d) & 0xffff))

#define DMA_TLB_FLUSH_GRANU_OFFSET	60
#define DMA_TLB_GLOBAL_FLUSH	(((u64)1) << 60)
#define DMA_TLB_DSI_FLUSH	(((u64)2) << 60)
#define DMA_TLB_PSI_FLUSH	(((u64)3) << 60)
#define DMA_TLB_READ_DRAIN	(((u64)1) << 49)
#define DMA_TLB_WRITE_DRAIN	(((u64)1) << 48)
#define DMA_TLB_DID(id)		(((u64)((id) & 0xffff)) << 32)
#define DMA_TLB_IVT		(((u64)1) << 63)

#define QI_CC_TYPE		0x1
#define QI_IOTLB_TYPE		0x2
#define QI_IWD_TYPE		0x5
#define QI_IWD_STATUS_DATA(d)	(((u64)(d)) << 32)
#define QI_IWD_STATUS_WRITE	(((u64)1) << 5)
#define QI_IOTLB_DID(did)	(((u64)(did)) << 16)
#define QI_IOTLB_DR(dr)		(((u64)(dr)) << 7)
#define QI_IOTLB_DW(dw)		(((u64)(dw)) << 6)
#define QI_IOTLB_GRAN(gran)	(((u64)(gran)) >> (DMA_TLB_FLUSH_GRANU_OFFSET - 4))
#define QI_IOTLB_ADDR(addr)	(((u64)(addr)) & VTD_PAGE_MASK)
#define QI_IOTLB_IH(ih)		(((u64)(ih)) << 6)
#define QI_IOTLB_AM(am)		(((u8)(am)) & 0x3f)
#define QI_CC_FM(fm)		(((u64)(fm)) << 48)
#define QI_CC_SID(sid)		(((u64)(sid)) << 32)
#define QI_CC_DID(did)		(((u64)(did)) << 16)
#define QI_CC_GRAN(gran)	(((u64)(gran)) >> (DMA_CCMD_INVL_GRANU_OFFSET - 4))

#define QI_PC_TYPE		0x7
#define QI_PC_PASID(pasid)	(((u64)(pasid)) << 32)
#define QI_PC_DID(did)		(((u64)(did)) << 16)
#define QI_PC_GRAN(gran)	(((u64)(gran)) << 4)
#define QI_PC_PASID_SEL		1
#define QI_PC_GLOBAL		3
#define QI_EIOTLB_TYPE		0x6
#define QI_EIOTLB_PASID(pasid)	(((u64)(pasid)) << 32)
#define QI_EIOTLB_DID(did)	(((u64)(did)) << 16)
#define QI_EIOTLB_GRAN(gran)	(((u64)(gran)) << 4)
#define QI_GRAN_NONG_PASID	2

#define QI_LENGTH		256

enum {
	QI_FREE,
	QI_IN_USE,
	QI_DONE,
	QI_ABORT
};

#define VTD_PAGE_SHIFT		12
#define VTD_PAGE_SIZE		(1UL << VTD_PAGE_SHIFT)
#define VTD_PAGE_MASK		(((u64)-1) << VTD_PAGE_SHIFT)
#define DMA_PTE_READ		BIT_ULL(0)
#define DMA_PTE_WRITE		BIT_ULL(1)
#define DMA_PTE_ADDR_MASK	GENMASK_ULL(51, 12)
#define CONTEXT_TT_MULTI_LEVEL	0
#define CONTEXT_SM_PRE		BIT_ULL(4)
#define context_pdts(pds)	(((pds) & 0x7) << 9)
#define ecap_coherent(e)	((e) & 0x1)

/* PASID directory and table entries (drivers/iommu/intel/pasid.h). */
#define IOMMU_NO_PASID		0
#define PASID_PTE_PRESENT	1
#define PASID_PTE_MASK		0x3f
#define PASID_PDE_SHIFT		6
#define PASID_ENTRY_PGTT_SL_ONLY 2
#define PASID_PTE_PWSNP		BIT_ULL(23)	/* in val[1] */
#define IDRV_PASID_PDS		2	/* one-page directory: 512 entries */
#define ROOT_ENTRY_NR		256
#define VTD_FLAG_TRANS_PRE_ENABLED	BIT(0)
#define MAX_RIDS		65536

/* Polls before the model calls the hardware broken (DMAR_OPERATION_TIMEOUT). */
#define IDRV_WAIT_LOOPS		100000

struct root_entry {
	u64 lo;
	u64 hi;
};

struct context_entry {
	u64 lo;
	u64 hi;
};

struct pasid_entry {
	u64 val[8];
};

struct q_inval {
	void *desc;			/* one page of descriptors */
	u32 *desc_status;		/* one page; the wait status writes */
	unsigned int len;		/* descriptors in the queue */
	unsigned int shift;		/* log2(descriptor size) */
	unsigned int free_head;		/* the driver's tail shadow */
};

struct idrv_page {
	struct list_head node;
	u64 phys;
};

struct idrv_unit {
	char name[16];
	struct vtd_model *hw;
	struct pci_model *pci;
	void __iomem *reg;
	u64 reg_base;
	u64 cap;
	u64 ecap;
	u32 gcmd;
	unsigned long flags;
	bool sm_on;			/* intel_iommu=sm_on */
	bool sm;			/* sm_supported(): sm_on and ECAP.SMTS */
	bool booted;

	struct iommu_device iommu_dev;
	struct iommu_lu_unit *lu;
	enum iommu_lu_boot_state boot_state;

	struct root_entry *root_entry;
	bool root_owned;		/* allocated here, not adopted */
	struct list_head ctx_pages;	/* context tables allocated here */
	struct list_head pasid_pages;	/* PASID directories and tables */
	unsigned long *copied_tables;	/* MAX_RIDS bits, or NULL */

	unsigned long *domain_ids;	/* max_domain_id bits */
	unsigned long max_domain_id;
	struct list_head domains;
	struct list_head infos;		/* device_domain_info.node */

	struct q_inval *qi;
	void (*flush_context)(struct idrv_unit *u, u16 did, u16 sid, u8 fm,
			      u64 type);
	void (*flush_iotlb)(struct idrv_unit *u, u16 did, u64 addr,
			    unsigned int size_order, u64 type);
};

struct idrv_domain {
	struct iommu_domain domain;
	struct idrv_unit *unit;
	struct list_head node;		/* in idrv_unit.domains */
	unsigned int did;
	int agaw;
	u64 *pgd;
	u64 pgd_phys;
	struct list_head pages;		/* every page-table page, pgd first */
	unsigned int nr_pages;
	struct list_head devices;	/* device_domain_info.link */
	unsigned int nr_devices;
};

/* Per device, in dev->iommu->priv, as in the kernel. */
struct device_domain_info {
	struct list_head link;		/* in idrv_domain.devices */
	struct list_head node;		/* in idrv_unit.infos */
	struct device *dev;
	struct idrv_unit *iommu;
	struct idrv_domain *domain;
	bool domain_attached;
	u8 bus;
	u8 devfn;
	bool pri_supported;		/* PRE in its scalable-mode entries */
	u64 pasid_dir;			/* scalable mode: PASID directory */
	unsigned int pasid_pds;		/* its PDTS */
};

static struct idrv_domain *to_idrv_domain(struct iommu_domain *domain)
{
	return domain->model;
}

static int idrv_wait32(struct idrv_unit *u, unsigned int off, u32 mask,
		       bool set)
{
	unsigned int i;
	u32 sts;

	for (i = 0; i < IDRV_WAIT_LOOPS; i++) {
		sts = readl(u->reg + off);
		if (!!(sts & mask) == set)
			return 0;
		cpu_relax();
	}
	pr_err("%s: DMAR hardware is malfunctioning (reg %#x)\n", u->name,
	       off);
	return -ETIMEDOUT;
}

static int idrv_wait64_clear(struct idrv_unit *u, unsigned int off, u64 mask,
			     u64 *val)
{
	unsigned int i;

	for (i = 0; i < IDRV_WAIT_LOOPS; i++) {
		*val = readq(u->reg + off);
		if (!(*val & mask))
			return 0;
		cpu_relax();
	}
	pr_err("%s: DMAR hardware is malfunctioning (reg %#x)\n", u->name,
	       off);
	return -ETIMEDOUT;
}

/* ---- queued invalidation (dmar.c) ---- */

static int qi_check_fault(struct idrv_unit *u, unsigned int index,
			  unsigned int wait_index)
{
	struct q_inval *qi = u->qi;
	u32 fault = readl(u->reg + DMAR_FSTS_REG);
	unsigned int head, i;

	if (fault & DMA_FSTS_IQE) {
		head = readl(u->reg + DMAR_IQH_REG) >> qi->shift;
		for (i = index; i != wait_index; i = (i + 1) % qi->len) {
			u64 *bad = qi->desc + (i << qi->shift);

			if (head != i)
				continue;
			pr_err("VT-d detected invalid descriptor: qw0 = %llx, qw1 = %llx\n",
			       (unsigned long long)bad[0],
			       (unsigned long long)bad[1]);
			memcpy(bad, qi->desc + (wait_index << qi->shift),
			       1U << qi->shift);
			writel(DMA_FSTS_IQE, u->reg + DMAR_FSTS_REG);
			pr_info("Invalidation Queue Error (IQE) cleared\n");
			return -EINVAL;
		}
	}

	if (fault & DMA_FSTS_ITE) {
		writel(DMA_FSTS_ITE, u->reg + DMAR_FSTS_REG);
		pr_info("Invalidation Time-out Error (ITE) cleared\n");
		return -ETIMEDOUT;
	}

	if (fault & DMA_FSTS_ICE) {
		writel(DMA_FSTS_ICE, u->reg + DMAR_FSTS_REG);
		pr_info("Invalidation Completion Error (ICE) cleared\n");
	}

	return 0;
}

/**
 * idrv_qi_submit_sync() - Submit descriptors and wait for them (qi_submit_sync()).
 * @u: the unit.
 * @desc: descriptors; 128-bit queues use qw0 and qw1 only.
 * @count: how many.
 *
 * Appends a wait descriptor whose status write lands in the driver's status
 * page, moves the tail from the driver's own shadow and polls the status in
 * memory.
 *
 * Return: 0; -ENODEV when queued invalidation is off; -EINVAL for an
 * invalid descriptor (IQE) or a batch larger than the queue; -ETIMEDOUT.
 */
int idrv_qi_submit_sync(struct idrv_unit *u, const struct idrv_qi_desc *desc,
			unsigned int count)
{
	struct q_inval *qi = u->qi;
	unsigned int index, wait_index, i, spins = 0;
	struct idrv_qi_desc wait_desc;
	int rc = 0;

	if (!qi)
		return -ENODEV;
	if (count + 2 > qi->len)
		return -EINVAL;

	index = qi->free_head;
	wait_index = (index + count) % qi->len;

	for (i = 0; i < count; i++) {
		unsigned int slot = (index + i) % qi->len;

		memcpy(qi->desc + (slot << qi->shift), &desc[i],
		       1U << qi->shift);
		WRITE_ONCE(qi->desc_status[slot], QI_IN_USE);
	}
	WRITE_ONCE(qi->desc_status[wait_index], QI_IN_USE);

	wait_desc.qw0 = QI_IWD_STATUS_DATA(QI_DONE) | QI_IWD_STATUS_WRITE |
			QI_IWD_TYPE;
	wait_desc.qw1 = virt_to_phys(&qi->desc_status[wait_index]);
	wait_desc.qw2 = 0;
	wait_desc.qw3 = 0;
	memcpy(qi->desc + (wait_index << qi->shift), &wait_desc,
	       1U << qi->shift);

	qi->free_head = (qi->free_head + count + 1) % qi->len;

	/* Update the tail: the hardware fetches up to it. */
	writel(qi->free_head << qi->shift, u->reg + DMAR_IQT_REG);

	while (READ_ONCE(qi->desc_status[wait_index]) != QI_DONE) {
		rc = qi_check_fault(u, index, wait_index);
		if (rc)
			break;
		if (++spins > IDRV_WAIT_LOOPS) {
			pr_err("%s: invalidation wait timed out\n", u->name);
			rc = -ETIMEDOUT;
			break;
		}
		cpu_relax();
	}

	for (i = 0; i <= count; i++)
		WRITE_ONCE(qi->desc_status[(index + i) % qi->len], QI_FREE);

	return rc;
}

static void qi_flush_context(struct idrv_unit *u, u16 did, u16 sid, u8 fm,
			     u64 type)
{
	struct idrv_qi_desc desc;

	desc.qw0 = QI_CC_FM(fm) | QI_CC_SID(sid) | QI_CC_DID(did) |
		   QI_CC_GRAN(type) | QI_CC_TYPE;
	desc.qw1 = 0;
	desc.qw2 = 0;
	desc.qw3 = 0;

	idrv_qi_submit_sync(u, &desc, 1);
}

static void qi_flush_iotlb(struct idrv_unit *u, u16 did, u64 addr,
			   unsigned int size_order, u64 type)
{
	struct idrv_qi_desc desc;
	u8 dw = 0, dr = 0;
	int ih = addr & 1;

	if (cap_write_drain(u->cap))
		dw = 1;
	if (cap_read_drain(u->cap))
		dr = 1;

	desc.qw0 = QI_IOTLB_DID(did) | QI_IOTLB_DR(dr) | QI_IOTLB_DW(dw) |
		   QI_IOTLB_GRAN(type) | QI_IOTLB_TYPE;
	desc.qw1 = QI_IOTLB_ADDR(addr) | QI_IOTLB_IH(ih) |
		   QI_IOTLB_AM(size_order);
	desc.qw2 = 0;
	desc.qw3 = 0;

	idrv_qi_submit_sync(u, &desc, 1);
}

/* Register-based invalidation, when the hardware has no queue. */
static void __iommu_flush_context(struct idrv_unit *u, u16 did, u16 source_id,
				  u8 function_mask, u64 type)
{
	u64 val;

	switch (type) {
	case DMA_CCMD_GLOBAL_INVL:
		val = DMA_CCMD_GLOBAL_INVL;
		break;
	case DMA_CCMD_DOMAIN_INVL:
		val = DMA_CCMD_DOMAIN_INVL | DMA_CCMD_DID(did);
		break;
	case DMA_CCMD_DEVICE_INVL:
		val = DMA_CCMD_DEVICE_INVL | DMA_CCMD_DID(did) |
		      DMA_CCMD_SID(source_id) | DMA_CCMD_FM(function_mask);
		break;
	default:
		pr_warn("%s: Unexpected context-cache invalidation type 0x%llx\n",
			u->name, (unsigned long long)type);
		return;
	}
	val |= DMA_CCMD_ICC;

	writeq(val, u->reg + DMAR_CCMD_REG);
	idrv_wait64_clear(u, DMAR_CCMD_REG, DMA_CCMD_ICC, &val);
}

static void __iommu_flush_iotlb(struct idrv_unit *u, u16 did, u64 addr,
				unsigned int size_order, u64 type)
{
	unsigned int tlb_offset = ecap_iotlb_offset(u->ecap);
	u64 val, val_iva = 0;

	switch (type) {
	case DMA_TLB_GLOBAL_FLUSH:
		val = DMA_TLB_GLOBAL_FLUSH | DMA_TLB_IVT;
		break;
	case DMA_TLB_DSI_FLUSH:
		val = DMA_TLB_DSI_FLUSH | DMA_TLB_IVT | DMA_TLB_DID(did);
		break;
	case DMA_TLB_PSI_FLUSH:
		val = DMA_TLB_PSI_FLUSH | DMA_TLB_IVT | DMA_TLB_DID(did);
		val_iva = size_order | addr;
		break;
	default:
		pr_warn("%s: Unexpected iotlb invalidation type 0x%llx\n",
			u->name, (unsigned long long)type);
		return;
	}
	if (cap_write_drain(u->cap))
		val |= DMA_TLB_WRITE_DRAIN;

	if (val_iva)
		writeq(val_iva, u->reg + tlb_offset);
	writeq(val, u->reg + tlb_offset + 8);
	idrv_wait64_clear(u, tlb_offset + 8, DMA_TLB_IVT, &val);
}

static void dmar_disable_qi(struct idrv_unit *u)
{
	unsigned int i;
	u32 sts;

	if (!ecap_qis(u->ecap))
		return;

	sts = readl(u->reg + DMAR_GSTS_REG);
	if (!(sts & DMA_GSTS_QIES))
		return;

	/* Give a chance to HW to complete the pending invalidation requests. */
	for (i = 0; i < IDRV_WAIT_LOOPS; i++) {
		if (readl(u->reg + DMAR_IQT_REG) == readl(u->reg + DMAR_IQH_REG))
			break;
		cpu_relax();
	}

	u->gcmd &= ~DMA_GCMD_QIE;
	writel(u->gcmd, u->reg + DMAR_GCMD_REG);
	idrv_wait32(u, DMAR_GSTS_REG, DMA_GSTS_QIES, false);
}

static void __dmar_enable_qi(struct idrv_unit *u)
{
	struct q_inval *qi = u->qi;
	u64 val = virt_to_phys(qi->desc);

	qi->free_head = 0;

	/*
	 * 256-bit descriptors (DW) when the hardware can do scalable mode, as
	 * the kernel does; the model keeps one page, so that is 128 of them
	 * (QS 0) instead of the kernel's 256 in two pages.
	 */
	if (ecap_smts(u->ecap))
		val |= BIT_ULL(11);

	writel(0, u->reg + DMAR_IQT_REG);
	writeq(val, u->reg + DMAR_IQA_REG);

	u->gcmd |= DMA_GCMD_QIE;
	writel(u->gcmd, u->reg + DMAR_GCMD_REG);
	idrv_wait32(u, DMAR_GSTS_REG, DMA_GSTS_QIES, true);
}

static int dmar_enable_qi(struct idrv_unit *u)
{
	struct q_inval *qi;

	if (!ecap_qis(u->ecap))
		return -ENOENT;
	if (u->qi)
		return 0;

	qi = kzalloc(sizeof(*qi), GFP_KERNEL);
	if (!qi)
		return -ENOMEM;
	qi->desc = (void *)get_zeroed_page(GFP_KERNEL);
	if (!qi->desc)
		goto free_qi;
	qi->desc_status = (u32 *)get_zeroed_page(GFP_KERNEL);
	if (!qi->desc_status)
		goto free_desc;

	qi->shift = ecap_smts(u->ecap) ? DMAR_IQ_SHIFT + 1 : DMAR_IQ_SHIFT;
	qi->len = (unsigned int)(VTD_PAGE_SIZE >> qi->shift);
	u->qi = qi;
	__dmar_enable_qi(u);
	return 0;

free_desc:
	free_page((unsigned long)qi->desc);
free_qi:
	kfree(qi);
	return -ENOMEM;
}

static void intel_iommu_init_qi(struct idrv_unit *u)
{
	u32 fsts;

	if (!u->qi) {
		/* Clear any previous faults (the error bits, write 1 to clear). */
		fsts = readl(u->reg + DMAR_FSTS_REG);
		fsts &= DMA_FSTS_IQE | DMA_FSTS_ICE | DMA_FSTS_ITE;
		if (fsts)
			writel(fsts, u->reg + DMAR_FSTS_REG);
		/* Disable queued invalidation left on before OS handover. */
		dmar_disable_qi(u);
	}

	if (dmar_enable_qi(u)) {
		u->flush_context = __iommu_flush_context;
		u->flush_iotlb = __iommu_flush_iotlb;
		pr_info("%s: Using Register based invalidation\n", u->name);
	} else {
		u->flush_context = qi_flush_context;
		u->flush_iotlb = qi_flush_iotlb;
		pr_info("%s: Using Queued invalidation\n", u->name);
	}
}

void idrv_flush_context_global(struct idrv_unit *u)
{
	u->flush_context(u, 0, 0, 0, DMA_CCMD_GLOBAL_INVL);
}

void idrv_flush_context_device(struct idrv_unit *u, u16 did, u16 sid)
{
	u->flush_context(u, did, sid, DMA_CCMD_MASK_NOBIT,
			 DMA_CCMD_DEVICE_INVL);
}

void idrv_flush_iotlb_global(struct idrv_unit *u)
{
	u->flush_iotlb(u, 0, 0, 0, DMA_TLB_GLOBAL_FLUSH);
}

void idrv_flush_iotlb_domain(struct idrv_unit *u, u16 did)
{
	u->flush_iotlb(u, did, 0, 0, DMA_TLB_DSI_FLUSH);
}

/* ---- global commands (iommu.c) ---- */

static void qi_flush_pasid_cache(struct idrv_unit *u, u16 did, u64 granu,
				 u32 pasid);

static void iommu_flush_write_buffer(struct idrv_unit *u)
{
	if (!cap_rwbf(u->cap))
		return;

	writel(u->gcmd | DMA_GCMD_WBF, u->reg + DMAR_GCMD_REG);
	idrv_wait32(u, DMAR_GSTS_REG, DMA_GSTS_WBFS, false);
}

static void iommu_set_root_entry(struct idrv_unit *u)
{
	u64 addr;

	addr = virt_to_phys(u->root_entry);
	if (u->sm)
		addr |= DMA_RTADDR_SMT;

	writeq(addr, u->reg + DMAR_RTADDR_REG);
	writel(u->gcmd | DMA_GCMD_SRTP, u->reg + DMAR_GCMD_REG);
	idrv_wait32(u, DMAR_GSTS_REG, DMA_GSTS_RTPS, true);

	/* Hardware invalidates all caches as part of SRTP flow. */
	if (cap_esrtps(u->cap))
		return;

	u->flush_context(u, 0, 0, 0, DMA_CCMD_GLOBAL_INVL);
	if (u->sm)
		qi_flush_pasid_cache(u, 0, QI_PC_GLOBAL, 0);
	u->flush_iotlb(u, 0, 0, 0, DMA_TLB_GLOBAL_FLUSH);
}

static void iommu_enable_translation(struct idrv_unit *u)
{
	u->gcmd |= DMA_GCMD_TE;
	writel(u->gcmd, u->reg + DMAR_GCMD_REG);
	idrv_wait32(u, DMAR_GSTS_REG, DMA_GSTS_TES, true);
}

static void iommu_disable_translation(struct idrv_unit *u)
{
	u->gcmd &= ~DMA_GCMD_TE;
	writel(u->gcmd, u->reg + DMAR_GCMD_REG);
	idrv_wait32(u, DMAR_GSTS_REG, DMA_GSTS_TES, false);
}

static void init_translation_status(struct idrv_unit *u)
{
	u32 gsts;

	gsts = readl(u->reg + DMAR_GSTS_REG);
	if (gsts & DMA_GSTS_TES)
		u->flags |= VTD_FLAG_TRANS_PRE_ENABLED;
}

static bool translation_pre_enabled(struct idrv_unit *u)
{
	return u->flags & VTD_FLAG_TRANS_PRE_ENABLED;
}

/* ---- context entries ---- */

static bool context_copied(struct idrv_unit *u, u8 bus, u8 devfn)
{
	if (!u->copied_tables)
		return false;
	return test_bit(((long)bus << 8) | devfn, u->copied_tables);
}

static void clear_context_copied(struct idrv_unit *u, u8 bus, u8 devfn)
{
	if (u->copied_tables)
		clear_bit(((long)bus << 8) | devfn, u->copied_tables);
}

static bool context_present(struct context_entry *context)
{
	return READ_ONCE(context->lo) & 1;
}

static void context_clear_present(struct context_entry *context)
{
	WRITE_ONCE(context->lo, READ_ONCE(context->lo) & GENMASK_ULL(63, 1));
}

static void context_clear_entry(struct context_entry *context)
{
	WRITE_ONCE(context->lo, 0);
	WRITE_ONCE(context->hi, 0);
}

static u16 context_domain_id(struct context_entry *c)
{
	return (c->hi >> 8) & 0xffff;
}

/* The entry for (bus, devfn) if its context table exists; copied or not. */
static struct context_entry *context_entry_raw(struct idrv_unit *u, u8 bus,
					       u8 devfn)
{
	u64 *entry;

	if (!u->root_entry)
		return NULL;
	entry = &u->root_entry[bus].lo;
	if (u->sm) {
		if (devfn >= 0x80) {
			devfn -= 0x80;
			entry = &u->root_entry[bus].hi;
		}
		devfn *= 2;
	}
	if (!(READ_ONCE(*entry) & 1))
		return NULL;
	return (struct context_entry *)phys_to_virt(*entry & VTD_PAGE_MASK) +
	       devfn;
}

/* iommu_context_addr(): hides copied entries unless @alloc. */
static struct context_entry *iommu_context_addr(struct idrv_unit *u, u8 bus,
						u8 devfn, int alloc)
{
	struct context_entry *context;
	struct idrv_page *pg;
	u64 *entry;

	if (!alloc && context_copied(u, bus, devfn))
		return NULL;
	if (!u->root_entry)
		return NULL;

	context = context_entry_raw(u, bus, devfn);
	if (context || !alloc)
		return context;

	pg = kzalloc(sizeof(*pg), GFP_KERNEL);
	if (!pg)
		return NULL;
	context = (struct context_entry *)get_zeroed_page(GFP_KERNEL);
	if (!context) {
		kfree(pg);
		return NULL;
	}
	pg->phys = virt_to_phys(context);
	list_add_tail(&pg->node, &u->ctx_pages);

	entry = &u->root_entry[bus].lo;
	if (u->sm && devfn >= 0x80)
		entry = &u->root_entry[bus].hi;
	WRITE_ONCE(*entry, pg->phys | 1);

	return context_entry_raw(u, bus, devfn);
}

/*
 * copied_context_tear_down(): an entry the previous kernel left (adopted
 * through iommu-lu) is cleared with a device-selective context-cache and a
 * domain-selective IOTLB invalidation for its old domain id.
 */
static void copied_context_tear_down(struct idrv_unit *u,
				     struct context_entry *context,
				     u8 bus, u8 devfn)
{
	u16 did_old;

	if (!context_copied(u, bus, devfn))
		return;

	did_old = context_domain_id(context);
	context_clear_present(context);

	if (did_old < u->max_domain_id) {
		u->flush_context(u, did_old, PCI_DEVID(bus, devfn),
				 DMA_CCMD_MASK_NOBIT, DMA_CCMD_DEVICE_INVL);
		u->flush_iotlb(u, did_old, 0, 0, DMA_TLB_DSI_FLUSH);
	}

	context_clear_entry(context);
	clear_context_copied(u, bus, devfn);
}

/*
 * context_present_cache_flush(): a not-present to present change. Hardware
 * in caching mode caches not-present entries (in domain 0): flush them.
 */
static void context_present_cache_flush(struct idrv_unit *u, u16 did, u8 bus,
					u8 devfn)
{
	if (cap_caching_mode(u->cap)) {
		u->flush_context(u, 0, PCI_DEVID(bus, devfn),
				 DMA_CCMD_MASK_NOBIT, DMA_CCMD_DEVICE_INVL);
		u->flush_iotlb(u, did, 0, 0, DMA_TLB_DSI_FLUSH);
	} else {
		iommu_flush_write_buffer(u);
	}
}

static int domain_context_mapping_one(struct idrv_domain *dom,
				      struct idrv_unit *u, u8 bus, u8 devfn)
{
	struct context_entry *context;
	u64 lo;

	pr_debug("Set context mapping for %02x:%02x.%d\n", bus,
		 PCI_SLOT(devfn), PCI_FUNC(devfn));

	context = iommu_context_addr(u, bus, devfn, 1);
	if (!context)
		return -ENOMEM;

	if (context_present(context) && !context_copied(u, bus, devfn))
		return 0;

	copied_context_tear_down(u, context, bus, devfn);
	context_clear_entry(context);

	/* hi: AW, DID; lo: root, TT multi-level, FPD clear; then P last. */
	WRITE_ONCE(context->hi, (u64)(dom->agaw & 7) |
				((u64)(dom->did & 0xffff) << 8));
	lo = (dom->pgd_phys & VTD_PAGE_MASK) |
	     ((u64)(CONTEXT_TT_MULTI_LEVEL & 3) << 2);
	WRITE_ONCE(context->lo, lo);
	WRITE_ONCE(context->lo, lo | 1);

	context_present_cache_flush(u, dom->did, bus, devfn);
	return 0;
}

static int domain_context_mapping_cb(struct pci_dev *pdev __always_unused, u16 alias,
				     void *opaque)
{
	struct idrv_domain *dom = opaque;

	return domain_context_mapping_one(dom, dom->unit, PCI_BUS_NUM(alias),
					  alias & 0xff);
}

static void domain_context_clear_one(struct device_domain_info *info, u8 bus,
				     u8 devfn)
{
	struct idrv_unit *u = info->iommu;
	struct context_entry *context;
	u16 did;

	context = iommu_context_addr(u, bus, devfn, 0);
	if (!context)
		return;

	did = context_domain_id(context);
	context_clear_present(context);
	/* intel_context_flush_no_pasid(), legacy mode. */
	u->flush_context(u, did, PCI_DEVID(bus, devfn), DMA_CCMD_MASK_NOBIT,
			 DMA_CCMD_DEVICE_INVL);
	u->flush_iotlb(u, did, 0, 0, DMA_TLB_DSI_FLUSH);
	context_clear_entry(context);
}

static int domain_context_clear_one_cb(struct pci_dev *pdev __always_unused, u16 alias,
				       void *opaque)
{
	domain_context_clear_one(opaque, PCI_BUS_NUM(alias), alias & 0xff);
	return 0;
}

static int alias_copied_cb(struct pci_dev *pdev __always_unused, u16 alias, void *opaque)
{
	return context_copied(opaque, PCI_BUS_NUM(alias), alias & 0xff);
}

static bool device_has_copied_alias(struct idrv_unit *u, struct pci_dev *pdev)
{
	return u->copied_tables &&
	       pci_for_each_dma_alias(pdev, alias_copied_cb, u);
}

static int alias_adopted_cb(struct pci_dev *pdev __always_unused, u16 alias,
			    void *opaque)
{
	struct idrv_unit *u = opaque;

	return iommu_lu_rid_adopted(u->lu, alias);
}

/* iommu-lu still has an adopted, unreleased device on one of its ids. */
static bool device_has_adopted_alias(struct idrv_unit *u, struct pci_dev *pdev)
{
	return u->lu && pci_for_each_dma_alias(pdev, alias_adopted_cb, u);
}

static int copied_tear_down_cb(struct pci_dev *pdev __always_unused, u16 alias, void *opaque)
{
	struct idrv_unit *u = opaque;
	u8 bus = PCI_BUS_NUM(alias), devfn = alias & 0xff;
	struct context_entry *context;

	if (!context_copied(u, bus, devfn))
		return 0;
	context = context_entry_raw(u, bus, devfn);
	if (context)
		copied_context_tear_down(u, context, bus, devfn);
	else
		clear_context_copied(u, bus, devfn);
	return 0;
}

/* ---- scalable mode: PASID tables and scalable-mode context entries ---- */

/*
 * The model's devices have no PASID capability: intel_pasid_alloc_table()
 * gives each a one-page directory (max_pasid 2^15, PDTS 2) and only the
 * RID_PASID (0) entry is ever set up, in the table of directory entry 0.
 */
static u64 *pasid_page_alloc(struct idrv_unit *u, u64 *phys)
{
	struct idrv_page *pg;
	void *va;

	pg = kzalloc(sizeof(*pg), GFP_KERNEL);
	if (!pg)
		return NULL;
	va = (void *)get_zeroed_page(GFP_KERNEL);
	if (!va) {
		kfree(pg);
		return NULL;
	}
	pg->phys = virt_to_phys(va);
	list_add_tail(&pg->node, &u->pasid_pages);
	*phys = pg->phys;
	return va;
}

static void pasid_page_free(struct idrv_unit *u, u64 phys)
{
	struct idrv_page *pg;

	list_for_each_entry(pg, &u->pasid_pages, node) {
		if (pg->phys != phys)
			continue;
		free_page((unsigned long)phys_to_virt(phys));
		list_del(&pg->node);
		kfree(pg);
		return;
	}
}

static int intel_pasid_alloc_table(struct idrv_unit *u,
				   struct device_domain_info *info)
{
	if (info->pasid_dir)
		return -EEXIST;
	if (!pasid_page_alloc(u, &info->pasid_dir))
		return -ENOMEM;
	info->pasid_pds = IDRV_PASID_PDS;
	return 0;
}

static void intel_pasid_free_table(struct idrv_unit *u,
				   struct device_domain_info *info)
{
	u64 *dir;
	unsigned int i;

	if (!info->pasid_dir)
		return;
	dir = phys_to_virt(info->pasid_dir);
	for (i = 0; i < VTD_PAGE_SIZE / sizeof(*dir); i++)
		if (dir[i] & PASID_PTE_PRESENT)
			pasid_page_free(u, dir[i] & VTD_PAGE_MASK);
	pasid_page_free(u, info->pasid_dir);
	info->pasid_dir = 0;
}

/* intel_pasid_get_entry(): the PASID table is allocated on first use. */
static struct pasid_entry *intel_pasid_get_entry(struct idrv_unit *u,
						 struct device_domain_info *info,
						 u32 pasid)
{
	u64 *dir = phys_to_virt(info->pasid_dir);
	unsigned int idx = pasid >> PASID_PDE_SHIFT;
	struct pasid_entry *entries;
	u64 phys;

	if (!info->pasid_dir || idx >= VTD_PAGE_SIZE / sizeof(*dir))
		return NULL;
	if (!(READ_ONCE(dir[idx]) & PASID_PTE_PRESENT)) {
		if (!pasid_page_alloc(u, &phys))
			return NULL;
		WRITE_ONCE(dir[idx], phys | PASID_PTE_PRESENT);
	}
	entries = phys_to_virt(READ_ONCE(dir[idx]) & VTD_PAGE_MASK);
	return &entries[pasid & PASID_PTE_MASK];
}

static bool pasid_pte_is_present(struct pasid_entry *pte)
{
	return READ_ONCE(pte->val[0]) & PASID_PTE_PRESENT;
}

static void pasid_clear_entry(struct pasid_entry *pe)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pe->val); i++)
		WRITE_ONCE(pe->val[i], 0);
}

static void qi_flush_pasid_cache(struct idrv_unit *u, u16 did, u64 granu,
				 u32 pasid)
{
	struct idrv_qi_desc desc = {};

	desc.qw0 = QI_PC_PASID(pasid) | QI_PC_DID(did) | QI_PC_GRAN(granu) |
		   QI_PC_TYPE;
	idrv_qi_submit_sync(u, &desc, 1);
}

static void qi_flush_piotlb_all(struct idrv_unit *u, u16 did, u32 pasid)
{
	struct idrv_qi_desc desc = {};

	desc.qw0 = QI_EIOTLB_PASID(pasid) | QI_EIOTLB_DID(did) |
		   QI_EIOTLB_GRAN(QI_GRAN_NONG_PASID) | QI_EIOTLB_TYPE;
	idrv_qi_submit_sync(u, &desc, 1);
}

/* pasid_flush_caches(): a not-present to present PASID entry. */
static void pasid_flush_caches(struct idrv_unit *u, u32 pasid, u16 did)
{
	if (cap_caching_mode(u->cap)) {
		qi_flush_pasid_cache(u, did, QI_PC_PASID_SEL, pasid);
		qi_flush_piotlb_all(u, did, pasid);
	} else {
		iommu_flush_write_buffer(u);
	}
}

/* intel_pasid_setup_second_level() for IOMMU_NO_PASID. */
static int intel_pasid_setup_second_level(struct idrv_unit *u,
					  struct idrv_domain *dom,
					  struct device_domain_info *info)
{
	struct pasid_entry *pte;

	pte = intel_pasid_get_entry(u, info, IOMMU_NO_PASID);
	if (!pte)
		return -ENODEV;
	if (pasid_pte_is_present(pte))
		return -EBUSY;

	/* pasid_pte_config_second_level(): P last. */
	pasid_clear_entry(pte);
	WRITE_ONCE(pte->val[1], (u64)dom->did |
				(ecap_coherent(u->ecap) ? PASID_PTE_PWSNP : 0));
	WRITE_ONCE(pte->val[0], (dom->pgd_phys & VTD_PAGE_MASK) |
				((u64)dom->agaw << 2) |
				((u64)PASID_ENTRY_PGTT_SL_ONLY << 6));
	WRITE_ONCE(pte->val[0], READ_ONCE(pte->val[0]) | PASID_PTE_PRESENT);

	pasid_flush_caches(u, IOMMU_NO_PASID, dom->did);
	return 0;
}

/* intel_pasid_tear_down_entry() for IOMMU_NO_PASID, second-level entries. */
static void intel_pasid_tear_down_entry(struct idrv_unit *u,
					struct device_domain_info *info)
{
	struct pasid_entry *pte;
	u16 did;

	pte = intel_pasid_get_entry(u, info, IOMMU_NO_PASID);
	if (!pte || !pasid_pte_is_present(pte))
		return;

	did = READ_ONCE(pte->val[1]) & 0xffff;
	WRITE_ONCE(pte->val[0], READ_ONCE(pte->val[0]) & ~PASID_PTE_PRESENT);
	qi_flush_pasid_cache(u, did, QI_PC_PASID_SEL, IOMMU_NO_PASID);
	u->flush_iotlb(u, did, 0, 0, DMA_TLB_DSI_FLUSH);
	pasid_clear_entry(pte);
}

/* context_entry_set_pasid_table(): PDTS, RID_PASID 0, FPD clear, P last. */
static void context_entry_set_pasid_table(struct context_entry *context,
					  struct device_domain_info *info)
{
	u64 lo = (info->pasid_dir & VTD_PAGE_MASK) | context_pdts(info->pasid_pds);

	context_clear_entry(context);
	if (info->pri_supported)
		lo |= CONTEXT_SM_PRE;
	WRITE_ONCE(context->hi, (u64)IOMMU_NO_PASID);
	WRITE_ONCE(context->lo, lo);
	WRITE_ONCE(context->lo, lo | 1);
}

/* device_pasid_table_setup(): idempotent, tears a copied entry down. */
static int device_pasid_table_setup(struct idrv_unit *u,
				    struct device_domain_info *info, u8 bus,
				    u8 devfn)
{
	struct context_entry *context;

	context = iommu_context_addr(u, bus, devfn, 1);
	if (!context)
		return -ENOMEM;

	if (context_present(context) && !context_copied(u, bus, devfn))
		return 0;

	if (context_copied(u, bus, devfn)) {
		context_clear_present(context);
		/*
		 * Which domain ids and PASIDs the copied PASID table used is
		 * not known: global PASID-cache and IOTLB invalidation.
		 */
		u->flush_context(u, 0, PCI_DEVID(bus, devfn), DMA_CCMD_MASK_NOBIT,
				 DMA_CCMD_DEVICE_INVL);
		qi_flush_pasid_cache(u, 0, QI_PC_GLOBAL, 0);
		u->flush_iotlb(u, 0, 0, 0, DMA_TLB_GLOBAL_FLUSH);
		context_clear_entry(context);
		clear_context_copied(u, bus, devfn);
	}

	context_entry_set_pasid_table(context, info);

	if (cap_caching_mode(u->cap)) {
		u->flush_context(u, 0, PCI_DEVID(bus, devfn), DMA_CCMD_MASK_NOBIT,
				 DMA_CCMD_DEVICE_INVL);
		u->flush_iotlb(u, 0, 0, 0, DMA_TLB_DSI_FLUSH);
	}
	return 0;
}

struct sm_ctx_walk {
	struct idrv_unit *u;
	struct device_domain_info *info;
};

/*
 * pci_pasid_table_setup(): only the device's own requester ids (its own and
 * its alias quirks). Linux 7.3 skips the aliases a bridge adds
 * (pdev != dev): in scalable mode they get no context entry.
 */
static int pci_pasid_table_setup(struct pci_dev *pdev, u16 alias, void *data)
{
	struct sm_ctx_walk *w = data;

	if (&pdev->dev != w->info->dev)
		return 0;
	return device_pasid_table_setup(w->u, w->info, PCI_BUS_NUM(alias),
					alias & 0xff);
}

static int intel_pasid_setup_sm_context(struct idrv_unit *u,
					struct device_domain_info *info)
{
	struct sm_ctx_walk w = { .u = u, .info = info };

	return pci_for_each_dma_alias(to_pci_dev(info->dev),
				      pci_pasid_table_setup, &w);
}

/* device_pasid_table_teardown(): copied entries are hidden and left alone. */
static int pci_pasid_table_teardown(struct pci_dev *pdev, u16 alias, void *data)
{
	struct sm_ctx_walk *w = data;
	struct context_entry *context;
	u8 bus = PCI_BUS_NUM(alias), devfn = alias & 0xff;

	if (&pdev->dev != w->info->dev)
		return 0;
	context = iommu_context_addr(w->u, bus, devfn, 0);
	if (!context)
		return 0;
	context_clear_present(context);
	/* intel_context_flush_no_pasid(), scalable mode. */
	w->u->flush_context(w->u, 0, alias, DMA_CCMD_MASK_NOBIT,
			    DMA_CCMD_DEVICE_INVL);
	context_clear_entry(context);
	return 0;
}

static void intel_pasid_teardown_sm_context(struct idrv_unit *u,
					    struct device_domain_info *info)
{
	struct sm_ctx_walk w = { .u = u, .info = info };

	pci_for_each_dma_alias(to_pci_dev(info->dev), pci_pasid_table_teardown,
			       &w);
}

/* ---- device info, attach, detach ---- */

static struct device_domain_info *get_dev_info(struct idrv_unit *u,
					       struct device *dev)
{
	struct device_domain_info *info;
	struct pci_dev *pdev;

	if (!dev_is_pci(dev) || !dev->iommu ||
	    dev->iommu->iommu_dev != &u->iommu_dev)
		return NULL;

	info = dev->iommu->priv;
	if (info)
		return info;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return NULL;
	pdev = to_pci_dev(dev);
	INIT_LIST_HEAD(&info->link);
	list_add_tail(&info->node, &u->infos);
	info->dev = dev;
	info->iommu = u;
	info->bus = pdev->bus->number;
	info->devfn = pdev->devfn;
	dev->iommu->priv = info;
	return info;
}

/* device_block_translation(). */
static void device_block_translation(struct device_domain_info *info)
{
	if (!info->domain_attached)
		return;

	if (info->iommu->sm)
		intel_pasid_tear_down_entry(info->iommu, info);
	else
		pci_for_each_dma_alias(to_pci_dev(info->dev),
				       domain_context_clear_one_cb, info);
	info->domain_attached = false;

	if (!info->domain)
		return;
	list_del_init(&info->link);
	info->domain->nr_devices--;
	info->domain = NULL;
}

/*
 * intel_iommu_attach_device() for one device, without the iommu-lu check:
 * tear down what the previous kernel left for it, block, program every
 * alias, then tell iommu-lu the adopted entries are replaced.
 */
static int __idrv_attach_dev(struct idrv_domain *dom, struct device *dev)
{
	struct idrv_unit *u = dom->unit;
	struct device_domain_info *info;
	struct pci_dev *pdev;
	bool copied;
	int ret;

	info = get_dev_info(u, dev);
	if (!info)
		return -ENODEV;
	if (info->domain == dom && info->domain_attached)
		return 0;
	pdev = to_pci_dev(dev);

	copied = device_has_copied_alias(u, pdev);
	if (copied && !u->sm)
		pci_for_each_dma_alias(pdev, copied_tear_down_cb, u);

	/*
	 * Scalable mode (paging_domain_compatible()): a copied entry gets the
	 * device's new PASID table. The model runs the setup on every attach
	 * (it is idempotent), as its alias quirks may come after the probe.
	 */
	if (u->sm) {
		ret = intel_pasid_setup_sm_context(u, info);
		if (ret)
			return ret;
	}

	device_block_translation(info);

	info->domain = dom;
	info->domain_attached = true;
	list_add(&info->link, &dom->devices);
	dom->nr_devices++;

	if (u->sm)
		ret = intel_pasid_setup_second_level(u, dom, info);
	else
		ret = pci_for_each_dma_alias(pdev, domain_context_mapping_cb, dom);
	if (ret)
		device_block_translation(info);

	/*
	 * The old entries are gone and invalidated: the adopted tables may be
	 * freed now (iommu-lu wants the call once they are replaced).
	 */
	if (copied)
		iommu_lu_release_device(dev);
	return ret;
}

/**
 * idrv_attach_dev() - Attach a device that is alone in its group.
 * @domain: a paging domain of the device's unit.
 * @dev: the device.
 *
 * Like iommu_attach_device(): the device's group must hold only it (else
 * -EINVAL; use idrv_attach_group()). Asks iommu_lu_attach_allowed() first;
 * sets the group's domain on success.
 *
 * Return: 0, -EBUSY (preserved), -EINVAL, -ENODEV (not behind this unit),
 * -ENOMEM.
 */
int idrv_attach_dev(struct iommu_domain *domain, struct device *dev)
{
	struct idrv_domain *dom = to_idrv_domain(domain);
	struct iommu_group *group;
	int ret;

	ret = iommu_lu_attach_allowed(dev);
	if (ret)
		return ret;

	group = dev->iommu_group;
	if (!group || iommu_group_device_count(group) != 1)
		return -EINVAL;

	ret = __idrv_attach_dev(dom, dev);
	if (ret)
		return ret;
	iommu_group_set_domain(group, domain);
	return 0;
}

static int group_attach_allowed_cb(struct device *dev, void *data __always_unused)
{
	return iommu_lu_attach_allowed(dev);
}

struct group_attach {
	struct idrv_domain *dom;
	struct idrv_domain *old;	/* for the rollback */
	struct device *failed;
};

static int group_attach_cb(struct device *dev, void *data)
{
	struct group_attach *ga = data;
	int ret;

	ret = __idrv_attach_dev(ga->dom, dev);
	if (ret)
		ga->failed = dev;
	return ret;
}

static int group_rollback_cb(struct device *dev, void *data)
{
	struct group_attach *ga = data;
	struct device_domain_info *info;

	if (dev == ga->failed)
		return 1;
	if (ga->old && !__idrv_attach_dev(ga->old, dev))
		return 0;
	info = dev->iommu ? dev->iommu->priv : NULL;
	if (info)
		device_block_translation(info);
	return 0;
}

static int attach_group(struct idrv_domain *dom, struct iommu_group *group)
{
	struct iommu_domain *old_domain = iommu_group_domain(group);
	struct group_attach ga = { .dom = dom };
	int ret;

	if (old_domain && old_domain->model)
		ga.old = to_idrv_domain(old_domain);

	ret = iommu_group_for_each_dev(group, &ga, group_attach_cb);
	if (ret) {
		iommu_group_for_each_dev(group, &ga, group_rollback_cb);
		return ret;
	}
	iommu_group_set_domain(group, &dom->domain);
	return 0;
}

/**
 * idrv_attach_group() - Attach every device of a group to a domain.
 * @domain: a paging domain of the group's unit.
 * @group: the group.
 *
 * Asks iommu_lu_attach_allowed() for every member first; on a failure part
 * way, members already moved go back to the group's previous domain.
 *
 * Return: 0, -EBUSY (a member is preserved), -ENODEV, -ENOMEM.
 */
int idrv_attach_group(struct iommu_domain *domain, struct iommu_group *group)
{
	int ret;

	ret = iommu_group_for_each_dev(group, NULL, group_attach_allowed_cb);
	if (ret)
		return ret;
	return attach_group(to_idrv_domain(domain), group);
}

/**
 * idrv_detach_group() - Put a group back on its default domain.
 * @domain: the domain it is attached to.
 * @group: the group.
 *
 * Like iommu_detach_group(); allocates the default DMA domain if the group
 * has none yet.
 *
 * Return: 0, -EINVAL (@domain is not the group's), -EBUSY (preserved),
 * -ENOMEM.
 */
int idrv_detach_group(struct iommu_domain *domain, struct iommu_group *group)
{
	struct idrv_domain *dom = to_idrv_domain(domain);
	struct iommu_domain *def;
	int ret;

	if (iommu_group_domain(group) != domain)
		return -EINVAL;
	ret = iommu_group_for_each_dev(group, NULL, group_attach_allowed_cb);
	if (ret)
		return ret;

	def = iommu_group_default_domain(group);
	if (!def) {
		def = idrv_domain_alloc(dom->unit, IOMMU_DOMAIN_DMA);
		if (!def)
			return -ENOMEM;
		iommu_group_set_default_domain(group, def);
	}
	return attach_group(to_idrv_domain(def), group);
}

/**
 * idrv_probe_device() - The driver's part of probing a device.
 * @u: the unit.
 * @pdev: a device behind @u that joined its group.
 *
 * The device gets its group's current domain, else the group's default DMA
 * domain (allocated for the first member). A device one of whose requester
 * ids iommu-lu still reports adopted (iommu_lu_rid_adopted()) is left alone:
 * attach deferred, as the kernel defers it for devices of a unit whose
 * translation was left on; its first real attach replaces the entries.
 *
 * Return: 0, -ENODEV (not behind @u), -ENOMEM.
 */
int idrv_probe_device(struct idrv_unit *u, struct pci_dev *pdev)
{
	struct device *dev = &pdev->dev;
	struct iommu_group *group = dev->iommu_group;
	struct device_domain_info *info;
	struct iommu_domain *domain;
	bool new_default = false;
	int ret;

	if (!group)
		return -ENODEV;
	info = get_dev_info(u, dev);
	if (!info)
		return -ENODEV;

	/* Scalable mode: a PASID table, then its context entries if not copied. */
	if (u->sm) {
		ret = intel_pasid_alloc_table(u, info);
		if (ret)
			return ret;
		if (!context_copied(u, info->bus, info->devfn)) {
			ret = intel_pasid_setup_sm_context(u, info);
			if (ret)
				return ret;
		}
	}

	if (device_has_adopted_alias(u, pdev)) {
		pr_info("%s: %s: attach deferred (adopted)\n", u->name,
			dev_name(dev));
		return 0;
	}

	domain = iommu_group_domain(group);
	if (!domain) {
		domain = iommu_group_default_domain(group);
		if (!domain) {
			domain = idrv_domain_alloc(u, IOMMU_DOMAIN_DMA);
			if (!domain)
				return -ENOMEM;
			iommu_group_set_default_domain(group, domain);
			new_default = true;
		}
	}

	ret = __idrv_attach_dev(to_idrv_domain(domain), dev);
	if (ret) {
		if (new_default) {
			iommu_group_set_default_domain(group, NULL);
			idrv_domain_free(domain);
		}
		return ret;
	}
	iommu_group_set_domain(group, domain);
	return 0;
}

/**
 * idrv_release_device() - The driver's part of releasing a device.
 * @u: the unit.
 * @pdev: the device, still in its group.
 *
 * Blocks its translation (clears the context entries of it and its
 * aliases), frees its info and, with the group's last device, the group's
 * default domain.
 */
void idrv_release_device(struct idrv_unit *u, struct pci_dev *pdev)
{
	struct device *dev = &pdev->dev;
	struct iommu_group *group = dev->iommu_group;
	struct device_domain_info *info;
	struct iommu_domain *def;

	if (!dev->iommu || dev->iommu->iommu_dev != &u->iommu_dev)
		return;
	info = dev->iommu->priv;
	if (info) {
		device_block_translation(info);
		if (u->sm && !context_copied(u, info->bus, info->devfn))
			intel_pasid_teardown_sm_context(u, info);
		intel_pasid_free_table(u, info);
		dev->iommu->priv = NULL;
		list_del(&info->node);
		kfree(info);
	}

	if (!group || iommu_group_device_count(group) != 1)
		return;
	def = iommu_group_default_domain(group);
	iommu_group_set_domain(group, NULL);
	iommu_group_set_default_domain(group, NULL);
	if (def && !to_idrv_domain(def)->nr_devices)
		idrv_domain_free(def);
}

static int pci_probe_hook(struct device *dev, void *data)
{
	return idrv_probe_device(data, to_pci_dev(dev));
}

static void pci_release_hook(struct device *dev, void *data)
{
	idrv_release_device(data, to_pci_dev(dev));
}

static const struct pci_model_iommu_ops idrv_pci_ops = {
	.probe_device = pci_probe_hook,
	.release_device = pci_release_hook,
};

/* ---- domain ids ---- */

static int did_alloc(struct idrv_unit *u)
{
	unsigned long did;

	for (did = IDRV_START_DID; did < u->max_domain_id; did++) {
		if (!test_bit(did, u->domain_ids)) {
			set_bit(did, u->domain_ids);
			return (int)did;
		}
	}
	return -ENOSPC;
}

static void did_free(struct idrv_unit *u, unsigned int did)
{
	if (did >= IDRV_START_DID && did < u->max_domain_id)
		clear_bit(did, u->domain_ids);
}

static int reserve_did_cb(u32 hw_id, void *data)
{
	struct idrv_unit *u = data;

	/* As copy_context_table(): ids the unit cannot have are ignored. */
	if (hw_id < u->max_domain_id)
		set_bit(hw_id, u->domain_ids);
	return 0;
}

/* ---- paging domains ---- */

static u64 *pt_alloc_page(struct idrv_domain *dom, u64 *phys)
{
	struct idrv_page *pg;
	void *va;

	pg = kzalloc(sizeof(*pg), GFP_KERNEL);
	if (!pg)
		return NULL;
	va = (void *)get_zeroed_page(GFP_KERNEL);
	if (!va) {
		kfree(pg);
		return NULL;
	}
	pg->phys = virt_to_phys(va);
	list_add_tail(&pg->node, &dom->pages);
	dom->nr_pages++;
	*phys = pg->phys;
	return va;
}

/**
 * idrv_domain_alloc() - Allocate a paging domain on a unit.
 * @u: the unit.
 * @type: %IOMMU_DOMAIN_DMA (a default domain) or %IOMMU_DOMAIN_UNMANAGED
 *	(caller-owned, what iommu-lu can preserve).
 *
 * A 3-level (AGAW 1, 39-bit) second-level table root and a domain id
 * (from %IDRV_START_DID up, skipping the reserved ones).
 *
 * Return: the domain (domain->model is the driver's), or NULL: other
 * type, SAGAW without 39-bit support, no free id, out of memory.
 */
struct iommu_domain *idrv_domain_alloc(struct idrv_unit *u, unsigned int type)
{
	struct idrv_domain *dom;
	int did;

	if (type != IOMMU_DOMAIN_DMA && type != IOMMU_DOMAIN_UNMANAGED &&
	    type != IOMMU_DOMAIN_DMA_FQ)
		return NULL;
	if (!(cap_sagaw(u->cap) & BIT(IDRV_AGAW))) {
		pr_err("%s: no %d-bit second-level support (SAGAW %#llx)\n",
		       u->name, IDRV_ADDR_WIDTH,
		       (unsigned long long)cap_sagaw(u->cap));
		return NULL;
	}

	dom = kzalloc(sizeof(*dom), GFP_KERNEL);
	if (!dom)
		return NULL;
	INIT_LIST_HEAD(&dom->pages);
	INIT_LIST_HEAD(&dom->devices);
	dom->unit = u;
	dom->agaw = IDRV_AGAW;
	dom->domain.type = type;
	dom->domain.model = dom;

	did = did_alloc(u);
	if (did < 0) {
		pr_err("%s: no free domain id\n", u->name);
		kfree(dom);
		return NULL;
	}
	dom->did = did;

	dom->pgd = pt_alloc_page(dom, &dom->pgd_phys);
	if (!dom->pgd) {
		did_free(u, dom->did);
		kfree(dom);
		return NULL;
	}

	list_add_tail(&dom->node, &u->domains);
	return &dom->domain;
}

/**
 * idrv_domain_free() - Free a paging domain, its table pages and its id.
 * @domain: the domain; devices still attached are blocked first (WARN).
 */
void idrv_domain_free(struct iommu_domain *domain)
{
	struct idrv_domain *dom;
	struct device_domain_info *info, *tmp;
	struct idrv_page *pg, *pgt;

	if (!domain)
		return;
	dom = to_idrv_domain(domain);

	WARN_ON(dom->nr_devices);
	list_for_each_entry_safe(info, tmp, &dom->devices, link)
		device_block_translation(info);

	list_for_each_entry_safe(pg, pgt, &dom->pages, node) {
		free_page((unsigned long)phys_to_virt(pg->phys));
		list_del(&pg->node);
		kfree(pg);
	}
	did_free(dom->unit, dom->did);
	list_del(&dom->node);
	kfree(dom);
}

static unsigned int level_index(u64 iova, int level)
{
	return (iova >> (VTD_PAGE_SHIFT + 9 * (level - 1))) & 0x1ff;
}

/* pfn_to_dma_pte(): the level-1 entry for @iova, allocating on demand. */
static u64 *pfn_to_dma_pte(struct idrv_domain *dom, u64 iova, bool alloc)
{
	u64 *table = dom->pgd;
	int level;

	for (level = IDRV_LEVELS; level > 1; level--) {
		u64 *pte = &table[level_index(iova, level)];
		u64 phys;

		if (!(READ_ONCE(*pte) & (DMA_PTE_READ | DMA_PTE_WRITE))) {
			if (!alloc)
				return NULL;
			if (!pt_alloc_page(dom, &phys))
				return NULL;
			WRITE_ONCE(*pte, phys | DMA_PTE_READ | DMA_PTE_WRITE);
		}
		table = phys_to_virt(*pte & DMA_PTE_ADDR_MASK);
	}
	return &table[level_index(iova, 1)];
}

/* calculate_psi_aligned_address(), drivers/iommu/intel/cache.c. */
static u64 psi_aligned_address(u64 start, u64 last, unsigned long *size_order)
{
	int sz_lg2;

	start &= VTD_PAGE_MASK;
	sz_lg2 = fls64(start ^ last);
	if (sz_lg2 <= VTD_PAGE_SHIFT) {
		*size_order = 0;
		return start;
	}
	if (sz_lg2 >= 64) {
		*size_order = 64;
		return 0;
	}
	*size_order = sz_lg2 - VTD_PAGE_SHIFT;
	return start & GENMASK_ULL(63, sz_lg2);
}

/* cache_tag_flush_iotlb() for second-level domains. */
static void domain_flush_iotlb_range(struct idrv_domain *dom, u64 start,
				     u64 end)
{
	struct idrv_unit *u = dom->unit;
	u64 type = DMA_TLB_PSI_FLUSH;
	unsigned long mask;
	u64 addr;

	if (!dom->nr_devices)
		return;

	addr = psi_aligned_address(start, end, &mask);
	if (!cap_pgsel_inv(u->cap) || mask > cap_max_amask_val(u->cap)) {
		addr = 0;
		mask = 0;
		type = DMA_TLB_DSI_FLUSH;
	}
	u->flush_iotlb(u, dom->did, addr, mask, type);
}

static size_t __unmap(struct idrv_domain *dom, u64 iova, size_t size)
{
	size_t done = 0;

	while (done < size) {
		u64 *pte = pfn_to_dma_pte(dom, iova + done, false);

		if (!pte || !(READ_ONCE(*pte) & (DMA_PTE_READ | DMA_PTE_WRITE)))
			break;
		WRITE_ONCE(*pte, 0);
		done += VTD_PAGE_SIZE;
	}
	return done;
}

static bool range_ok(u64 iova, size_t size)
{
	u64 end = iova + size;

	return size && !((iova | size) & ~VTD_PAGE_MASK) && end > iova &&
	       end <= (1ULL << IDRV_ADDR_WIDTH);
}

/**
 * idrv_map() - Map [iova, iova + size) to phys with 4 KiB entries.
 * @domain: a paging domain.
 * @iova: 4 KiB aligned, below 2^39.
 * @phys: 4 KiB aligned.
 * @size: multiple of 4 KiB.
 * @prot: %IOMMU_READ and/or %IOMMU_WRITE.
 *
 * Asks iommu_lu_domain_change_allowed() first. Intermediate tables are
 * allocated on demand; afterwards, as iotlb_sync_map does, the IOTLB is
 * invalidated for the range when the unit is in caching mode and the domain
 * is attached (else the write buffer is flushed). On failure nothing stays
 * mapped from this call.
 *
 * Return: 0, -EBUSY (preserved), -EINVAL, -EADDRINUSE (already mapped),
 * -ENOMEM.
 */
int idrv_map(struct iommu_domain *domain, u64 iova, u64 phys, size_t size,
	     int prot)
{
	struct idrv_domain *dom = to_idrv_domain(domain);
	struct idrv_unit *u = dom->unit;
	u64 attr = 0;
	size_t done;
	int ret;

	ret = iommu_lu_domain_change_allowed(domain);
	if (ret)
		return ret;

	if (prot & IOMMU_READ)
		attr |= DMA_PTE_READ;
	if (prot & IOMMU_WRITE)
		attr |= DMA_PTE_WRITE;
	if (!attr || !range_ok(iova, size) || (phys & ~VTD_PAGE_MASK) ||
	    ((phys + size - 1) & ~GENMASK_ULL(51, 0)))
		return -EINVAL;

	for (done = 0; done < size; done += VTD_PAGE_SIZE) {
		u64 *pte = pfn_to_dma_pte(dom, iova + done, true);

		if (!pte) {
			ret = -ENOMEM;
			break;
		}
		if (READ_ONCE(*pte) & (DMA_PTE_READ | DMA_PTE_WRITE)) {
			ret = -EADDRINUSE;
			break;
		}
		WRITE_ONCE(*pte, (phys + done) | attr);
	}

	if (ret) {
		if (done)
			__unmap(dom, iova, done);
		return ret;
	}

	if (dom->nr_devices) {
		if (cap_caching_mode(u->cap))
			domain_flush_iotlb_range(dom, iova, iova + size - 1);
		else
			iommu_flush_write_buffer(u);
	}
	return 0;
}

/**
 * idrv_unmap() - Unmap from @iova on, up to @size or the first hole.
 * @domain: a paging domain.
 * @iova: 4 KiB aligned.
 * @size: multiple of 4 KiB.
 *
 * Asks iommu_lu_domain_change_allowed() first (and unmaps nothing when it
 * refuses). The IOTLB is invalidated for what was unmapped, page selective
 * when the unit can, else domain selective. Table pages stay until the
 * domain is freed.
 *
 * Return: bytes unmapped (0 when refused, misaligned or nothing mapped).
 */
size_t idrv_unmap(struct iommu_domain *domain, u64 iova, size_t size)
{
	struct idrv_domain *dom = to_idrv_domain(domain);
	size_t done;

	if (iommu_lu_domain_change_allowed(domain))
		return 0;
	if (!range_ok(iova, size))
		return 0;

	done = __unmap(dom, iova, size);
	if (done)
		domain_flush_iotlb_range(dom, iova, iova + done - 1);
	return done;
}

/**
 * idrv_iova_to_phys() - Walk the domain's table in software.
 * @domain: a paging domain.
 * @iova: the address.
 *
 * Return: the physical address @iova maps to, or 0.
 */
u64 idrv_iova_to_phys(struct iommu_domain *domain, u64 iova)
{
	struct idrv_domain *dom = to_idrv_domain(domain);
	u64 *pte;

	if (iova >= (1ULL << IDRV_ADDR_WIDTH))
		return 0;
	pte = pfn_to_dma_pte(dom, iova, false);
	if (!pte || !(*pte & (DMA_PTE_READ | DMA_PTE_WRITE)))
		return 0;
	return (*pte & DMA_PTE_ADDR_MASK) | (iova & ~VTD_PAGE_MASK);
}

/* ---- unit ---- */

/**
 * idrv_unit_create() - What alloc_iommu() does: map and read the unit.
 * @hw: the VT-d hardware model (only its register window is used).
 * @pci: the PCI model of the unit's segment.
 * @reg_base: the unit's register base address (its iommu-lu token).
 *
 * Reads CAP/ECAP, reflects GSTS into the command shadow, names the unit
 * "dmarN". Touches nothing else.
 *
 * Return: the unit, or NULL when out of memory.
 */
struct idrv_unit *idrv_unit_create(struct vtd_model *hw, struct pci_model *pci,
				   u64 reg_base)
{
	struct idrv_unit *u;
	u32 sts;

	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return NULL;
	INIT_LIST_HEAD(&u->ctx_pages);
	INIT_LIST_HEAD(&u->pasid_pages);
	INIT_LIST_HEAD(&u->domains);
	INIT_LIST_HEAD(&u->infos);
	u->hw = hw;
	u->pci = pci;
	u->reg = vtd_model_regs(hw);
	u->reg_base = reg_base;
	u->iommu_dev.priv = u;
	snprintf(u->name, sizeof(u->name), "dmar%d",
		 pci_model_next_iommu_seq(pci));

	u->cap = readq(u->reg + DMAR_CAP_REG);
	u->ecap = readq(u->reg + DMAR_ECAP_REG);
	u->max_domain_id = cap_ndoms(u->cap);
	u->domain_ids = kzalloc(BITS_TO_LONGS(u->max_domain_id) *
				sizeof(unsigned long), GFP_KERNEL);
	if (!u->domain_ids) {
		kfree(u);
		return NULL;
	}
	/* Ids 0 (caching mode) and 1 (FLPT_DEFAULT_DID) are never handed out. */
	set_bit(0, u->domain_ids);
	set_bit(1, u->domain_ids);

	pr_info("%s: reg_base_addr %llx ver %d:%d cap %llx ecap %llx\n",
		u->name, (unsigned long long)reg_base,
		(readl(u->reg + DMAR_VER_REG) & 0xf0) >> 4,
		readl(u->reg + DMAR_VER_REG) & 0xf,
		(unsigned long long)u->cap, (unsigned long long)u->ecap);

	/* Reflect status in gcmd */
	sts = readl(u->reg + DMAR_GSTS_REG);
	if (sts & DMA_GSTS_IRES)
		u->gcmd |= DMA_GCMD_IRE;
	if (sts & DMA_GSTS_TES)
		u->gcmd |= DMA_GCMD_TE;
	if (sts & DMA_GSTS_QIES)
		u->gcmd |= DMA_GCMD_QIE;

	return u;
}

static int mark_adopted_rids(struct idrv_unit *u)
{
	unsigned int rid, nr = 0;

	u->copied_tables = kzalloc(BITS_TO_LONGS(MAX_RIDS) *
				   sizeof(unsigned long), GFP_KERNEL);
	if (!u->copied_tables)
		return -ENOMEM;
	for (rid = 0; rid < MAX_RIDS; rid++) {
		if (iommu_lu_rid_adopted(u->lu, rid)) {
			set_bit(rid, u->copied_tables);
			nr++;
		}
	}
	return nr;
}

static int unit_fresh_root(struct idrv_unit *u)
{
	if (translation_pre_enabled(u)) {
		iommu_disable_translation(u);
		u->flags &= ~VTD_FLAG_TRANS_PRE_ENABLED;
		pr_warn("Translation was enabled for %s but we are not in kdump mode\n",
			u->name);
	}

	u->root_entry = (struct root_entry *)get_zeroed_page(GFP_KERNEL);
	if (!u->root_entry) {
		pr_err("Allocating root entry for %s failed\n", u->name);
		return -ENOMEM;
	}
	u->root_owned = true;

	iommu_flush_write_buffer(u);
	iommu_set_root_entry(u);
	return 0;
}

/**
 * idrv_unit_boot() - init_dmars() and intel_iommu_init() for the unit.
 * @u: the unit.
 *
 * See the DOC block of intel_drv.h for the steps.
 *
 * Return: 0, -EBUSY (booted already), -ENOMEM.
 */
int idrv_unit_boot(struct idrv_unit *u)
{
	struct iommu_lu_unit_desc desc = {
		.vendor = IOMMU_LU_VENDOR_INTEL_VTD,
		.token = u->reg_base,
		.segment = (u16)pci_model_segment(u->pci),
		.mode = IOMMU_LU_MODE_VTD_LEGACY,
		.regs = u->reg,
		.iommu_dev = &u->iommu_dev,
		.drvdata = u,
	};
	enum iommu_lu_boot_state state = IOMMU_LU_UNIT_FRESH;
	struct iommu_lu_unit *lu;
	u64 rtaddr;
	int ret;

	if (u->booted)
		return -EBUSY;

	/* sm_supported(): the command line asks and the hardware can. */
	u->sm = u->sm_on && ecap_smts(u->ecap);
	if (u->sm) {
		desc.mode = IOMMU_LU_MODE_VTD_SCALABLE;
		pr_info("%s: scalable mode\n", u->name);
	}

	intel_iommu_init_qi(u);
	init_translation_status(u);

	lu = iommu_lu_unit_add(&desc, &state);
	if (IS_ERR(lu)) {
		if (PTR_ERR(lu) != -EOPNOTSUPP)
			pr_warn("%s: iommu-lu: unit not registered (%ld)\n",
				u->name, PTR_ERR(lu));
		lu = NULL;
		state = IOMMU_LU_UNIT_FRESH;
	}
	u->lu = lu;
	u->boot_state = state;

	switch (state) {
	case IOMMU_LU_UNIT_ADOPTED:
		u->root_entry = phys_to_virt(readq(u->reg + DMAR_RTADDR_REG) &
					     VTD_PAGE_MASK);
		ret = mark_adopted_rids(u);
		if (ret < 0)
			return ret;
		iommu_lu_unit_domain_ids(lu, reserve_did_cb, u);
		pr_info("%s: adopted preserved translation tables (%d requester ids)\n",
			u->name, ret);
		break;
	case IOMMU_LU_UNIT_BLOCKED:
		rtaddr = readq(u->reg + DMAR_RTADDR_REG);
		u->root_entry = phys_to_virt(rtaddr & VTD_PAGE_MASK);
		pr_err("%s: live update handover rejected, DMA blocked\n",
		       u->name);
		/*
		 * The blocking root keeps the previous kernel's table mode, and
		 * RTADDR.SMT cannot change while translation is on: the unit
		 * runs in the mode the hardware has until a reset.
		 */
		if (!!(rtaddr & DMA_RTADDR_SMT) != u->sm) {
			u->sm = rtaddr & DMA_RTADDR_SMT;
			pr_warn("%s: running in %s mode, the table mode translation was left on in\n",
				u->name, u->sm ? "scalable" : "legacy");
		}
		break;
	default:
		ret = unit_fresh_root(u);
		if (ret)
			return ret;
		break;
	}

	u->booted = true;

	/* iommu_device_register(): probe what is on the bus already. */
	pci_model_set_iommu_ops(u->pci, &idrv_pci_ops, u);
	pci_model_set_iommu(u->pci, &u->iommu_dev);

	/* Finally, we enable the DMA remapping hardware. */
	if (!translation_pre_enabled(u))
		iommu_enable_translation(u);
	return 0;
}

/**
 * idrv_shutdown() - intel_iommu_shutdown() as the project patches it.
 * @u: the unit.
 *
 * Translation is turned off unless iommu_lu_unit_shutdown() says the unit
 * has preserved state (it also runs the backend's cleanup).
 */
void idrv_shutdown(struct idrv_unit *u)
{
	if (!u->lu || !iommu_lu_unit_shutdown(u->lu))
		iommu_disable_translation(u);
}

/* Free the unit's own pages and C state; no hardware access. */
static void idrv_free_unit(struct idrv_unit *u)
{
	struct idrv_page *pg, *ptmp;

	list_for_each_entry_safe(pg, ptmp, &u->ctx_pages, node) {
		free_page((unsigned long)phys_to_virt(pg->phys));
		list_del(&pg->node);
		kfree(pg);
	}
	list_for_each_entry_safe(pg, ptmp, &u->pasid_pages, node) {
		free_page((unsigned long)phys_to_virt(pg->phys));
		list_del(&pg->node);
		kfree(pg);
	}
	if (u->root_owned)
		free_page((unsigned long)u->root_entry);
	if (u->qi) {
		free_page((unsigned long)u->qi->desc);
		free_page((unsigned long)u->qi->desc_status);
		kfree(u->qi);
	}
	kfree(u->copied_tables);
	kfree(u->domain_ids);
	kfree(u);
}

/**
 * idrv_unit_destroy() - Orderly teardown for tests (no kernel equivalent).
 * @u: the unit (NULL is fine).
 *
 * Releases every device from the PCI model, frees the domains left, leaves
 * iommu-lu, turns translation and the queue off and frees what the driver
 * allocated (not adopted tables).
 */
void idrv_unit_destroy(struct idrv_unit *u)
{
	struct idrv_domain *dom, *dtmp;

	if (!u)
		return;

	if (pci_model_iommu(u->pci) == &u->iommu_dev) {
		pci_model_set_iommu(u->pci, NULL);
		pci_model_set_iommu_ops(u->pci, NULL, NULL);
	}
	list_for_each_entry_safe(dom, dtmp, &u->domains, node)
		idrv_domain_free(&dom->domain);
	if (u->lu)
		iommu_lu_unit_remove(u->lu);

	if (readl(u->reg + DMAR_GSTS_REG) & DMA_GSTS_TES)
		iommu_disable_translation(u);
	dmar_disable_qi(u);
	idrv_free_unit(u);
}

/**
 * idrv_unit_forget() - What a kexec does to the driver, for tests.
 * @u: the unit (NULL is fine).
 *
 * Frees the driver's C state and every page it allocated (page tables,
 * context tables it made, its root table, the invalidation queue) without
 * one register access, so the hardware keeps running on whatever it points
 * at, as across a kexec whose memory is reused. The PCI model's devices
 * lose dev->iommu and their groups without the release hook, and the unit
 * leaves iommu-lu (which touches no hardware either). Use it when a test
 * simulates a kexec by hand; a harness that frees the old kernel's slab and
 * memory wholesale does not need it.
 */
void idrv_unit_forget(struct idrv_unit *u)
{
	struct device_domain_info *info, *itmp;
	struct idrv_domain *dom, *dtmp;
	struct idrv_page *pg, *ptmp;

	if (!u)
		return;

	if (pci_model_iommu(u->pci) == &u->iommu_dev) {
		pci_model_set_iommu_ops(u->pci, NULL, NULL);
		pci_model_set_iommu(u->pci, NULL);
	}
	list_for_each_entry_safe(info, itmp, &u->infos, node) {
		list_del(&info->node);
		kfree(info);
	}
	list_for_each_entry_safe(dom, dtmp, &u->domains, node) {
		list_for_each_entry_safe(pg, ptmp, &dom->pages, node) {
			free_page((unsigned long)phys_to_virt(pg->phys));
			list_del(&pg->node);
			kfree(pg);
		}
		list_del(&dom->node);
		kfree(dom);
	}
	if (u->lu)
		iommu_lu_unit_remove(u->lu);
	idrv_free_unit(u);
}

/* ---- introspection ---- */

struct vtd_model *idrv_hw(struct idrv_unit *u)
{
	return u->hw;
}

struct iommu_lu_unit *idrv_lu_unit(struct idrv_unit *u)
{
	return u->lu;
}

enum iommu_lu_boot_state idrv_boot_state(struct idrv_unit *u)
{
	return u->boot_state;
}

struct iommu_device *idrv_iommu_dev(struct idrv_unit *u)
{
	return &u->iommu_dev;
}

const char *idrv_name(struct idrv_unit *u)
{
	return u->name;
}

void __iomem *idrv_regs(struct idrv_unit *u)
{
	return u->reg;
}

u64 idrv_root_phys(struct idrv_unit *u)
{
	return u->root_entry ? virt_to_phys(u->root_entry) : 0;
}

bool idrv_translation_enabled(struct idrv_unit *u)
{
	return readl(u->reg + DMAR_GSTS_REG) & DMA_GSTS_TES;
}

bool idrv_qi_enabled(struct idrv_unit *u)
{
	return u->qi && (readl(u->reg + DMAR_GSTS_REG) & DMA_GSTS_QIES);
}

unsigned int idrv_did(struct iommu_domain *domain)
{
	return to_idrv_domain(domain)->did;
}

bool idrv_did_used(struct idrv_unit *u, unsigned int did)
{
	return did < u->max_domain_id && test_bit(did, u->domain_ids);
}

/**
 * idrv_unit_set_sm() - The intel_iommu=sm_on / sm_off command-line option.
 * @u: a unit not booted yet.
 * @on: run the unit in scalable mode if its hardware has ECAP.SMTS.
 */
void idrv_unit_set_sm(struct idrv_unit *u, bool on)
{
	u->sm_on = on;
}

/**
 * idrv_sm() - Whether the unit runs in scalable mode (sm_supported()).
 * @u: a booted unit.
 *
 * Return: true in scalable mode.
 */
bool idrv_sm(struct idrv_unit *u)
{
	return u->sm;
}

struct pri_walk {
	struct idrv_unit *u;
	struct device *dev;
	bool on;
};

static int pri_update_cb(struct pci_dev *pdev, u16 alias, void *data)
{
	struct pri_walk *w = data;
	struct context_entry *context;
	u64 lo;

	if (&pdev->dev != w->dev)
		return 0;
	context = iommu_context_addr(w->u, PCI_BUS_NUM(alias), alias & 0xff, 0);
	if (!context || !context_present(context))
		return 0;
	lo = READ_ONCE(context->lo);
	WRITE_ONCE(context->lo, w->on ? lo | CONTEXT_SM_PRE : lo & ~CONTEXT_SM_PRE);
	w->u->flush_context(w->u, 0, alias, DMA_CCMD_MASK_NOBIT,
			    DMA_CCMD_DEVICE_INVL);
	return 0;
}

/**
 * idrv_set_pri() - A device does page requests (info->pri_supported).
 * @u: a unit in scalable mode.
 * @pdev: a device behind it.
 * @on: set or clear PRE.
 *
 * What probing a device with ATS and PRI on a unit with ECAP.PRS does: its
 * scalable-mode context entries get the page-request enable bit (PRE). The
 * model has no PRI, so tests call this; present entries are updated in
 * place, with a device-selective context-cache invalidation.
 *
 * Return: 0, -ENODEV (not behind @u), -EINVAL (legacy mode).
 */
int idrv_set_pri(struct idrv_unit *u, struct pci_dev *pdev, bool on)
{
	struct pri_walk w = { .u = u, .dev = &pdev->dev, .on = on };
	struct device_domain_info *info = get_dev_info(u, &pdev->dev);

	if (!info)
		return -ENODEV;
	if (!u->sm)
		return -EINVAL;
	info->pri_supported = on;
	return pci_for_each_dma_alias(pdev, pri_update_cb, &w);
}

bool idrv_rid_copied(struct idrv_unit *u, u16 rid)
{
	return context_copied(u, PCI_BUS_NUM(rid), rid & 0xff);
}

/**
 * idrv_context_entry() - Read the context entry of a requester id.
 * @u: the unit.
 * @rid: the requester id.
 * @lo: out: low 64 bits (0 when there is no context table).
 * @hi: out: high 64 bits.
 *
 * Reads memory through the root table, copied entries included.
 *
 * Return: whether the entry is present.
 */
bool idrv_context_entry(struct idrv_unit *u, u16 rid, u64 *lo, u64 *hi)
{
	struct context_entry *context;

	context = context_entry_raw(u, PCI_BUS_NUM(rid), rid & 0xff);
	*lo = context ? READ_ONCE(context->lo) : 0;
	*hi = context ? READ_ONCE(context->hi) : 0;
	return *lo & 1;
}

/**
 * idrv_context_tables() - The context-table pages the root table points at.
 * @u: the unit.
 * @phys: out: their physical addresses, in bus order.
 * @max: room in @phys.
 *
 * Return: how many there are (may exceed @max).
 */
unsigned int idrv_context_tables(struct idrv_unit *u, u64 *phys,
				 unsigned int max)
{
	unsigned int bus, nr = 0;

	if (!u->root_entry)
		return 0;
	for (bus = 0; bus < ROOT_ENTRY_NR; bus++) {
		u64 e[2] = { u->root_entry[bus].lo, u->root_entry[bus].hi };
		int i;

		for (i = 0; i < (u->sm ? 2 : 1); i++) {
			if (!(e[i] & 1))
				continue;
			if (nr < max)
				phys[nr] = e[i] & VTD_PAGE_MASK;
			nr++;
		}
	}
	return nr;
}

struct idrv_unit *idrv_domain_unit(struct iommu_domain *domain)
{
	return to_idrv_domain(domain)->unit;
}

u64 idrv_domain_pgd(struct iommu_domain *domain)
{
	return to_idrv_domain(domain)->pgd_phys;
}

/**
 * idrv_domain_pages() - The page-table pages of a domain, root first.
 * @domain: the domain.
 * @phys: out: physical addresses (may be NULL with @max 0).
 * @max: room in @phys.
 *
 * Return: how many there are.
 */
unsigned int idrv_domain_pages(struct iommu_domain *domain, u64 *phys,
			       unsigned int max)
{
	struct idrv_domain *dom = to_idrv_domain(domain);
	struct idrv_page *pg;
	unsigned int nr = 0;

	list_for_each_entry(pg, &dom->pages, node) {
		if (nr < max)
			phys[nr] = pg->phys;
		nr++;
	}
	return nr;
}

unsigned int idrv_domain_nr_devices(struct iommu_domain *domain)
{
	return to_idrv_domain(domain)->nr_devices;
}
