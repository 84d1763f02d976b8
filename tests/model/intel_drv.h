/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace model, kind: CUSTOM.
 *
 * A small model of the Intel VT-d IOMMU driver (drivers/iommu/intel, Linux
 * 7.3, legacy and scalable mode) patched for iommu-lu, for the userspace
 * test build.
 */

/**
 * DOC: Intel driver model
 *
 * What it models: init_dmars() for one unit (queued invalidation, the
 * pre-enabled translation check, the root table), the iommu-lu hooks the
 * project adds to it (iommu_lu_unit_add() at boot, iommu_lu_unit_shutdown()
 * in intel_iommu_shutdown()), paging domains with VT-d second-level page
 * tables, attach (domain_context_mapping() over every DMA alias, the kdump
 * "copied" context tear-down), map/unmap with IOTLB invalidation, and the
 * default DMA domain a device gets at probe.
 *
 * It reaches the hardware only through readl/writel/readq/writeq on the
 * unit's registers and through physical memory (phys_to_virt()), as the
 * kernel driver does; it never looks inside the VT-d hardware model.
 *
 * Boot (idrv_unit_boot()), following init_dmars() and intel_iommu_init():
 *
 * 1. queued invalidation: disable what the previous kernel left, allocate
 *    the queue page and a status page, program IQA, set QIE (register-based
 *    invalidation if ECAP.QIS is clear). The queue is one page: 256
 *    128-bit descriptors, or 128 256-bit ones (IQA.DW) when ECAP.SMTS is
 *    set, where the kernel uses two pages. Every submission ends with a
 *    wait descriptor whose status write is polled in memory, and the tail
 *    is the driver's own shadow (qi_submit_sync());
 * 2. GSTS.TES set → "translation pre-enabled";
 * 3. iommu_lu_unit_add() says what to do with that:
 *
 *    - %IOMMU_LU_UNIT_ADOPTED: keep translation on and the root table the
 *      hardware points at (RTADDR), reserve every preserved domain id, and
 *      mark every adopted requester id "copied" (like copied_tables in a
 *      kdump kernel): its context entries are hidden from lookups and left
 *      alone until the device is first attached, which tears them down
 *      (device-selective context-cache and domain-selective IOTLB
 *      invalidation for the old domain id), programs the new domain and
 *      then calls iommu_lu_release_device();
 *    - %IOMMU_LU_UNIT_BLOCKED: keep translation on and the (empty) root
 *      table the core installed, print an error, touch nothing else;
 *    - %IOMMU_LU_UNIT_FRESH, or an ERR_PTR (no backend: -EOPNOTSUPP): as
 *      Linux always did: if translation was pre-enabled, "Translation was
 *      enabled for dmarN but we are not in kdump mode" and turn it off;
 *      then a new zeroed root table, SRTP, global invalidations;
 * 4. the unit registers with the PCI model (pci_model_set_iommu()):
 *    present and future devices are probed (idrv_probe_device()): each gets
 *    its group's domain, or a new default DMA domain, unless iommu-lu still
 *    reports one of its requester ids adopted (attach deferred, the group's
 *    domain stays NULL);
 * 5. translation is enabled unless it was left on.
 *
 * Everything the driver keeps in C structs is allocated with kzalloc(); page
 * tables, root, context tables and the invalidation queue are pages of
 * simulated physical memory (get_zeroed_page()). After a simulated kexec
 * only the hardware and physical memory survive, and a fresh
 * idrv_unit_create() + idrv_unit_boot() runs. idrv_unit_forget() does the
 * old kernel's part by hand for tests without a harness; idrv_unit_destroy()
 * is an orderly teardown that turns the unit off.
 *
 * Scalable mode (sm_supported(): idrv_unit_set_sm(), the intel_iommu=sm_on
 * option, before boot, on hardware with ECAP.SMTS), as 7.3 runs it without
 * first-level support (QEMU 7.2 has none): RTADDR.SMT, root entries whose
 * lower and upper halves lead to context tables allocated on demand, 32-byte
 * context entries (P, PDTS, PASID directory, RID_PASID 0, FPD clear, PRE
 * when idrv_set_pri() says the device does page requests), set up at probe
 * for the device's own requester ids only (pci_pasid_table_setup() skips
 * the aliases a bridge adds, so those get no entry in scalable mode); a
 * one-page PASID directory (PDTS 2) per device and the PASID table of its
 * RID_PASID entry, which attach fills (PGTT 2, second-level table, AW, DID)
 * and detach clears, with PASID-cache invalidations as 7.3 issues them; the
 * invalidation queue with 256-bit descriptors (IQA.DW, ECAP.SMTS alone
 * decides it, as in the kernel). A copied (adopted) entry gets the device's
 * new PASID table on its first attach after a device-selective
 * context-cache, a global PASID-cache and a global IOTLB invalidation. A
 * unit blocked by iommu-lu keeps the table mode the hardware has.
 *
 * Not modelled: locking (the tests are single threaded), device-TLB/ATS,
 * PASIDs other than RID_PASID, first-level and pass-through domains,
 * superpages, protected memory regions, interrupt remapping, fault
 * reporting beyond the invalidation queue errors.
 */

#ifndef _TESTS_MODEL_INTEL_DRV_H
#define _TESTS_MODEL_INTEL_DRV_H

#include "iommu_lu_seam.h"
#include "iommu_lu.h"

struct vtd_model;
struct pci_model;
struct idrv_unit;

#ifndef IOMMU_READ
#define IOMMU_READ	(1 << 0)
#define IOMMU_WRITE	(1 << 1)
#endif

/* Second-level page tables of every paging domain: AGAW 1, 39 bits. */
#define IDRV_AGAW		1
#define IDRV_LEVELS		3
#define IDRV_ADDR_WIDTH		39
#define IDRV_START_DID		2	/* IDA_START_DID */

/* One invalidation descriptor, as struct qi_desc (128-bit use qw0, qw1). */
struct idrv_qi_desc {
	u64 qw0;
	u64 qw1;
	u64 qw2;
	u64 qw3;
};

/* Unit lifecycle. */
struct idrv_unit *idrv_unit_create(struct vtd_model *hw, struct pci_model *pci,
				   u64 reg_base);
void idrv_unit_set_sm(struct idrv_unit *u, bool on);
int idrv_unit_boot(struct idrv_unit *u);
void idrv_shutdown(struct idrv_unit *u);
void idrv_unit_destroy(struct idrv_unit *u);
void idrv_unit_forget(struct idrv_unit *u);

/* Device probe/release (the PCI model calls them once the unit booted). */
int idrv_probe_device(struct idrv_unit *u, struct pci_dev *pdev);
void idrv_release_device(struct idrv_unit *u, struct pci_dev *pdev);

/* Domains. */
struct iommu_domain *idrv_domain_alloc(struct idrv_unit *u, unsigned int type);
void idrv_domain_free(struct iommu_domain *domain);
int idrv_map(struct iommu_domain *domain, u64 iova, u64 phys, size_t size,
	     int prot);
size_t idrv_unmap(struct iommu_domain *domain, u64 iova, size_t size);
u64 idrv_iova_to_phys(struct iommu_domain *domain, u64 iova);
int idrv_attach_dev(struct iommu_domain *domain, struct device *dev);
int idrv_attach_group(struct iommu_domain *domain, struct iommu_group *group);
int idrv_detach_group(struct iommu_domain *domain, struct iommu_group *group);

/* Invalidation, for the vendor backend's glue (drvdata is the unit). */
int idrv_qi_submit_sync(struct idrv_unit *u, const struct idrv_qi_desc *desc,
			unsigned int count);
void idrv_flush_context_global(struct idrv_unit *u);
void idrv_flush_context_device(struct idrv_unit *u, u16 did, u16 sid);
void idrv_flush_iotlb_global(struct idrv_unit *u);
void idrv_flush_iotlb_domain(struct idrv_unit *u, u16 did);

/* Introspection for tests. */
struct vtd_model *idrv_hw(struct idrv_unit *u);
struct iommu_lu_unit *idrv_lu_unit(struct idrv_unit *u);
enum iommu_lu_boot_state idrv_boot_state(struct idrv_unit *u);
struct iommu_device *idrv_iommu_dev(struct idrv_unit *u);
const char *idrv_name(struct idrv_unit *u);
void __iomem *idrv_regs(struct idrv_unit *u);
u64 idrv_root_phys(struct idrv_unit *u);
bool idrv_translation_enabled(struct idrv_unit *u);
bool idrv_qi_enabled(struct idrv_unit *u);
unsigned int idrv_did(struct iommu_domain *domain);
bool idrv_did_used(struct idrv_unit *u, unsigned int did);
bool idrv_rid_copied(struct idrv_unit *u, u16 rid);
bool idrv_sm(struct idrv_unit *u);
int idrv_set_pri(struct idrv_unit *u, struct pci_dev *pdev, bool on);
bool idrv_context_entry(struct idrv_unit *u, u16 rid, u64 *lo, u64 *hi);
unsigned int idrv_context_tables(struct idrv_unit *u, u64 *phys,
				 unsigned int max);
struct idrv_unit *idrv_domain_unit(struct iommu_domain *domain);
u64 idrv_domain_pgd(struct iommu_domain *domain);
unsigned int idrv_domain_pages(struct iommu_domain *domain, u64 *phys,
			       unsigned int max);
unsigned int idrv_domain_nr_devices(struct iommu_domain *domain);

#endif /* _TESTS_MODEL_INTEL_DRV_H */
