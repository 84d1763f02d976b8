// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-lu test driver for QEMU's edu device (1234:11e8). Test only.
 */

/**
 * DOC: the edu live-update test driver
 *
 * Drives the live-update scenario of tests/kernel/liveupdate.sh. It owns
 * every edu device the way VFIO/iommufd would: driver_managed_dma, the
 * group's DMA ownership claimed, its own paging domain attached to the
 * group, a fixed IOVA window mapped onto a DMA buffer whose pages are
 * preserved through KHO (so that they survive the kexec, like a VM's
 * memory). Devices of one group share one domain.
 *
 * Buffer of each device: %LU_EDU_PAGES pages at IOVA lu_edu_iova(index):
 * page 0 holds the pattern (each DMA moves its first %LU_EDU_DMA_LEN
 * bytes), page 1 receives a round trip (RAM -> edu ->
 * RAM), page 2 receives the DMA started at shutdown (it lands during the
 * kexec), page 3 receives what a device that should fault might write.
 * DMA goes without the interrupt bit: no MSI crosses the update.
 *
 * What it prints (one "lu-edu:" line per event) is what the script checks.
 * A record per device is kept in a KHO subtree ("iommu-lu-edu-test"); the
 * next kernel finds its devices there and, at probe, before touching the
 * IOMMU or the command register, checks the in-flight DMA landed, that bus
 * mastering survived, and does a round trip through the old IOVA.
 *
 * debugfs iommu_lu_edu/ (test-only knobs; real callers use the kernel API):
 * - devices (read): one line per device.
 * - preserve, unpreserve (write "BDF [BDF...]"): iommu_lu_preserve_devices()
 *   on all of them at once, iommu_lu_unpreserve_device() on each.
 * - check (write "BDF"): a round trip through the device's IOVA now.
 * - setmaster (write "BDF"): pci_set_master(), for a device that should
 *   fault.
 * - probe_fault (write "BDF"): DMA edu -> RAM at its old IOVA; the script
 *   then expects a DMAR fault and the buffer unchanged.
 * - release (write "BDF"): claim, attach a new domain with the same
 *   mapping (the real attach that releases adopted entries), round trip.
 * - finish (write anything): iommu_lu_finish().
 * - cleanup_set (write anything): the requester ids the kexec-time cleanup
 *   would clear, computed without applying it (iommu_lu_intel_cleanup_set()).
 * - did_reserved (write "BDF DID"): whether the domain id is allocated in
 *   the device's VT-d unit (white box: the Intel driver's private header).
 */

#define pr_fmt(fmt) "lu-edu: " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/iommu.h>
#include <linux/kexec_handover.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/string_choices.h>
#include "../../include/iommu_lu.h"
#include "../../../intel/iommu.h"	/* white box: the domain id allocator */
#include "../../vendors/intel/vtd_hw.h"	/* iommu_lu_intel_cleanup_set() */
#include "lu_edu_test.h"

#define LU_EDU_KHO_NAME		"iommu-lu-edu-test"
#define LU_EDU_MAGIC		0x7564652d756c6921ULL	/* "!lu-edu" */
#define LU_EDU_MAX		8
#define LU_EDU_PAGES		4
#define LU_EDU_IOVA_BASE	0x1000000UL	/* below edu's 28-bit mask */
#define LU_EDU_IOVA_STRIDE	0x100000UL

#define EDU_REG_ID		0x00
#define EDU_ID			0x010000ed
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_CNT		0x90
#define EDU_REG_DMA_CMD		0x98
#define EDU_DMA_RUN		0x1
#define EDU_DMA_TO_RAM		0x2	/* edu buffer -> RAM */
#define EDU_BUF			0x40000	/* edu's own buffer, device side */
/*
 * Bytes per DMA. The edu's buffer is 4 KiB, but QEMU 7.2's range check
 * refuses a transfer that ends exactly at its end.
 */
#define LU_EDU_DMA_LEN		2048

#define LU_EDU_ROUND_PAGE	1
#define LU_EDU_INFLIGHT_PAGE	2
#define LU_EDU_FAULT_PAGE	3

/**
 * struct lu_edu_rec - One device, as handed over (KHO subtree).
 * @segment: PCI segment.
 * @rid: requester id.
 * @preserved: the device was preserved (iommu-lu) at the kexec.
 * @seed: pattern seed.
 * @iova: IOVA of buffer page 0.
 * @buf_phys: physical address of the buffer (%LU_EDU_PAGES pages).
 */
struct lu_edu_rec {
	u16 segment;
	u16 rid;
	u16 preserved;
	u16 seed;
	u64 iova;
	u64 buf_phys;
} __packed;

/**
 * struct lu_edu_ser - The test's handover page.
 * @magic: %LU_EDU_MAGIC.
 * @hop: the kernel that wrote it (1 after a cold boot).
 * @nr: records used.
 * @rec: the records.
 */
struct lu_edu_ser {
	u64 magic;
	u32 hop;
	u32 nr;
	struct lu_edu_rec rec[LU_EDU_MAX];
} __packed;

struct lu_edu_group;

/**
 * struct lu_edu - One edu device.
 * @pdev: the device.
 * @regs: BAR 0.
 * @grp: its group's domain, NULL while adopted (no domain in this kernel).
 * @rec: its record in the outgoing handover.
 * @in: its record in the incoming handover, or NULL.
 * @buf: the buffer (kernel address).
 * @owned: DMA ownership of the group claimed.
 */
struct lu_edu {
	struct pci_dev *pdev;
	void __iomem *regs;
	struct lu_edu_group *grp;
	struct lu_edu_rec *rec;
	const struct lu_edu_rec *in;
	u8 *buf;
	bool owned;
};

/**
 * struct lu_edu_group - A caller-owned domain and the group attached to it.
 * @group: the iommu_group.
 * @domain: the paging domain.
 * @users: devices using it.
 */
struct lu_edu_group {
	struct iommu_group *group;
	struct iommu_domain *domain;
	unsigned int users;
};

static DEFINE_MUTEX(lu_edu_lock);
static struct lu_edu *lu_edus[LU_EDU_MAX];
static struct lu_edu_group lu_edu_groups[LU_EDU_MAX];
static struct lu_edu_ser *lu_edu_out;
static const struct lu_edu_ser *lu_edu_in;
static u32 lu_edu_hop = 1;
static struct dentry *lu_edu_dir;

static u8 lu_edu_pattern(u16 seed, unsigned int off)
{
	return (u8)(seed * 31 + off * 7 + (off >> 8));
}

static bool lu_edu_buf_is(const u8 *p, u16 seed)
{
	unsigned int i;

	for (i = 0; i < LU_EDU_DMA_LEN; i++)
		if (p[i] != lu_edu_pattern(seed, i))
			return false;
	return true;
}

static bool lu_edu_buf_zero(const u8 *p)
{
	return !memchr_inv(p, 0, PAGE_SIZE);
}

/* One edu DMA of a page; waits for it unless @nowait. */
static int lu_edu_dma(struct lu_edu *e, bool to_ram, u64 ram, bool nowait)
{
	unsigned int ms;

	writeq(to_ram ? EDU_BUF : ram, e->regs + EDU_REG_DMA_SRC);
	writeq(to_ram ? ram : EDU_BUF, e->regs + EDU_REG_DMA_DST);
	writeq(LU_EDU_DMA_LEN, e->regs + EDU_REG_DMA_CNT);
	writeq(EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0),
	       e->regs + EDU_REG_DMA_CMD);
	if (nowait)
		return 0;
	/* The edu completes a DMA 100 ms (virtual time) after the command. */
	for (ms = 0; ms < 5000; ms += 20) {
		if (!(readq(e->regs + EDU_REG_DMA_CMD) & EDU_DMA_RUN))
			return 0;
		msleep(20);
	}
	return -ETIMEDOUT;
}

/* RAM page 0 -> edu -> RAM page @page, through the device's IOVA. */
static int lu_edu_round_trip(struct lu_edu *e, unsigned int page)
{
	u8 *dst = e->buf + page * PAGE_SIZE;
	int ret;

	memset(dst, 0, PAGE_SIZE);
	ret = lu_edu_dma(e, false, e->rec->iova, false);
	if (!ret)
		ret = lu_edu_dma(e, true, e->rec->iova + page * PAGE_SIZE, false);
	if (!ret && !lu_edu_buf_is(dst, e->rec->seed))
		ret = -EIO;
	return ret;
}

static struct lu_edu *lu_edu_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < LU_EDU_MAX; i++)
		if (lu_edus[i] && !strcmp(pci_name(lu_edus[i]->pdev), name))
			return lu_edus[i];
	return NULL;
}

static struct lu_edu_group *lu_edu_group_get(struct device *dev)
{
	struct iommu_group *group = iommu_group_get(dev);
	struct lu_edu_group *free = NULL;
	unsigned int i;

	if (!group)
		return ERR_PTR(-ENODEV);
	for (i = 0; i < LU_EDU_MAX; i++) {
		if (lu_edu_groups[i].group == group) {
			iommu_group_put(group);
			lu_edu_groups[i].users++;
			return &lu_edu_groups[i];
		}
		if (!lu_edu_groups[i].group && !free)
			free = &lu_edu_groups[i];
	}
	if (!free) {
		iommu_group_put(group);
		return ERR_PTR(-ENOSPC);
	}
	free->domain = iommu_paging_domain_alloc(dev);
	if (IS_ERR(free->domain)) {
		int ret = PTR_ERR(free->domain);

		iommu_group_put(group);
		free->domain = NULL;
		return ERR_PTR(ret);
	}
	free->group = group;
	free->users = 1;
	return free;
}

static void lu_edu_group_put(struct lu_edu_group *g)
{
	if (--g->users)
		return;
	iommu_detach_group(g->domain, g->group);
	iommu_domain_free(g->domain);
	iommu_group_put(g->group);
	g->group = NULL;
	g->domain = NULL;
}

/*
 * Claim the group, attach the group's own domain (once per group), map the
 * device's window onto its buffer.
 */
static int lu_edu_own(struct lu_edu *e)
{
	struct device *dev = &e->pdev->dev;
	struct lu_edu_group *g;
	int ret;

	ret = iommu_device_claim_dma_owner(dev, lu_edus);
	if (ret)
		return ret;
	e->owned = true;
	g = lu_edu_group_get(dev);
	if (IS_ERR(g))
		return PTR_ERR(g);
	if (g->users == 1) {
		ret = iommu_attach_group(g->domain, g->group);
		if (ret) {
			lu_edu_group_put(g);
			return ret;
		}
	}
	e->grp = g;
	return iommu_map(g->domain, e->rec->iova, e->rec->buf_phys,
			 LU_EDU_PAGES * PAGE_SIZE, IOMMU_READ | IOMMU_WRITE,
			 GFP_KERNEL);
}

static void lu_edu_disown(struct lu_edu *e)
{
	struct device *dev = &e->pdev->dev;

	/*
	 * An owner unpreserves before it tears its domain down. Frozen, it
	 * cannot: the domain is handed over as it is, so leave it be.
	 */
	if (iommu_lu_device_preserved(dev) && iommu_lu_unpreserve_device(dev)) {
		dev_warn(dev, "preserved, update frozen: domain left attached\n");
		e->grp = NULL;
		return;
	}
	if (e->grp) {
		iommu_unmap(e->grp->domain, e->rec->iova,
			    LU_EDU_PAGES * PAGE_SIZE);
		lu_edu_group_put(e->grp);
		e->grp = NULL;
	}
	if (e->owned)
		iommu_device_release_dma_owner(&e->pdev->dev);
	e->owned = false;
}

/* The next kernel, at probe: nothing but MMIO and the old IOVA. */
static void lu_edu_check_incoming(struct lu_edu *e)
{
	const char *name = pci_name(e->pdev);
	u16 cmd;
	int ret;

	pci_read_config_word(e->pdev, PCI_COMMAND, &cmd);
	if (!e->in->preserved) {
		pr_info("%s: kernel %u: not preserved, bus master %s\n", name,
			lu_edu_hop, str_on_off(cmd & PCI_COMMAND_MASTER));
		return;
	}
	pr_info("%s: kernel %u: bus master %s\n", name, lu_edu_hop,
		cmd & PCI_COMMAND_MASTER ? "kept" : "LOST");
	pr_info("%s: kernel %u: in-flight DMA %s\n", name, lu_edu_hop,
		lu_edu_buf_is(e->buf + LU_EDU_INFLIGHT_PAGE * PAGE_SIZE,
			      e->rec->seed) ? "landed" : "MISSING");
	ret = lu_edu_round_trip(e, LU_EDU_ROUND_PAGE);
	pr_info("%s: kernel %u: DMA through preserved iova %#llx: %s (%d)\n",
		name, lu_edu_hop, e->rec->iova, ret ? "FAILED" : "ok", ret);
}

static int lu_edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	const char *name = pci_name(pdev);
	struct lu_edu *e;
	struct page *page;
	unsigned int i, slot;
	int ret;

	e = devm_kzalloc(&pdev->dev, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->pdev = pdev;
	/* Memory decoding only: bus mastering is left as the last kernel left it. */
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	e->regs = pcim_iomap(pdev, 0, 0);
	if (!e->regs)
		return -ENOMEM;
	if (readl(e->regs + EDU_REG_ID) != EDU_ID)
		return -ENODEV;

	mutex_lock(&lu_edu_lock);
	for (slot = 0; slot < LU_EDU_MAX && lu_edus[slot]; slot++)
		;
	if (slot == LU_EDU_MAX || lu_edu_out->nr == LU_EDU_MAX) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	e->rec = &lu_edu_out->rec[lu_edu_out->nr];
	for (i = 0; lu_edu_in && i < lu_edu_in->nr; i++)
		if (lu_edu_in->rec[i].rid == pci_dev_id(pdev) &&
		    lu_edu_in->rec[i].segment == pci_domain_nr(pdev->bus))
			e->in = &lu_edu_in->rec[i];

	if (e->in) {
		/* Restored at init: the same buffer, at the same IOVA. */
		*e->rec = *e->in;
		e->rec->preserved = 0;
		e->buf = phys_to_virt(e->rec->buf_phys);
		lu_edu_check_incoming(e);
	} else {
		page = alloc_pages(GFP_KERNEL | __GFP_ZERO,
				   get_order(LU_EDU_PAGES * PAGE_SIZE));
		if (!page) {
			ret = -ENOMEM;
			goto out_unlock;
		}
		ret = kho_preserve_pages(page, LU_EDU_PAGES);
		if (ret) {
			__free_pages(page, get_order(LU_EDU_PAGES * PAGE_SIZE));
			goto out_unlock;
		}
		e->rec->segment = pci_domain_nr(pdev->bus);
		e->rec->rid = pci_dev_id(pdev);
		e->rec->seed = e->rec->rid ^ 0x5a;
		e->rec->iova = LU_EDU_IOVA_BASE + lu_edu_out->nr * LU_EDU_IOVA_STRIDE;
		e->rec->buf_phys = page_to_phys(page);
		e->buf = page_address(page);
		for (i = 0; i < PAGE_SIZE; i++)
			e->buf[i] = lu_edu_pattern(e->rec->seed, i);

		pci_set_master(pdev);
		ret = lu_edu_own(e);
		if (!ret)
			ret = lu_edu_round_trip(e, LU_EDU_ROUND_PAGE);
		pr_info("%s: kernel %u: own domain, iova %#llx -> %#llx, DMA %s (%d)\n",
			name, lu_edu_hop, e->rec->iova, e->rec->buf_phys,
			ret ? "FAILED" : "ok", ret);
		if (ret) {
			lu_edu_disown(e);
			kho_unpreserve_pages(page, LU_EDU_PAGES);
			__free_pages(page, get_order(LU_EDU_PAGES * PAGE_SIZE));
			goto out_unlock;
		}
	}
	lu_edu_out->nr++;
	lu_edus[slot] = e;
	pci_set_drvdata(pdev, e);
out_unlock:
	mutex_unlock(&lu_edu_lock);
	return ret;
}

static void lu_edu_remove(struct pci_dev *pdev)
{
	struct lu_edu *e = pci_get_drvdata(pdev);
	unsigned int i;

	mutex_lock(&lu_edu_lock);
	for (i = 0; i < LU_EDU_MAX; i++)
		if (lu_edus[i] == e)
			lu_edus[i] = NULL;
	lu_edu_disown(e);
	/* The record and the buffer stay: the buffer may still be a DMA target. */
	e->rec->rid = 0xffff;
	mutex_unlock(&lu_edu_lock);
}

/* kexec: a preserved device starts one more DMA; it lands during the kexec. */
static void lu_edu_shutdown(struct pci_dev *pdev)
{
	struct lu_edu *e = pci_get_drvdata(pdev);

	if (!e)
		return;
	e->rec->preserved = iommu_lu_device_preserved(&pdev->dev);
	if (!e->rec->preserved)
		return;
	memset(e->buf + LU_EDU_INFLIGHT_PAGE * PAGE_SIZE, 0, PAGE_SIZE);
	/* The edu's own buffer holds the pattern since the last round trip. */
	lu_edu_dma(e, true, e->rec->iova + LU_EDU_INFLIGHT_PAGE * PAGE_SIZE, true);
	pr_info("%s: kernel %u: DMA started at shutdown\n", pci_name(pdev),
		lu_edu_hop);
}

static const struct pci_device_id lu_edu_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{ }
};

static struct pci_driver lu_edu_driver = {
	.name = "iommu-lu-edu-test",
	.id_table = lu_edu_ids,
	.probe = lu_edu_probe,
	.remove = lu_edu_remove,
	.shutdown = lu_edu_shutdown,
	.driver_managed_dma = true,
};

/* ---- accessors for in-kernel tests (lu_edu_test.h) ---- */

/**
 * lu_edu_test_devices() - The edu devices the driver owns a domain for.
 * @pdevs: out: the devices, each with a reference (pci_dev_put() it).
 * @max: room in @pdevs.
 *
 * Return: how many were stored.
 */
unsigned int lu_edu_test_devices(struct pci_dev **pdevs, unsigned int max)
{
	unsigned int i, n = 0;

	mutex_lock(&lu_edu_lock);
	for (i = 0; i < LU_EDU_MAX && n < max; i++)
		if (lu_edus[i] && lu_edus[i]->grp)
			pdevs[n++] = pci_dev_get(lu_edus[i]->pdev);
	mutex_unlock(&lu_edu_lock);
	return n;
}

/**
 * lu_edu_test_domain() - The paging domain the driver attached to a device.
 * @pdev: an edu device.
 *
 * Return: the domain (the driver's, valid while it owns the device), or
 * NULL when the driver does not own @pdev.
 */
struct iommu_domain *lu_edu_test_domain(struct pci_dev *pdev)
{
	struct iommu_domain *domain = NULL;
	struct lu_edu *e;

	mutex_lock(&lu_edu_lock);
	e = lu_edu_find(pci_name(pdev));
	if (e && e->grp)
		domain = e->grp->domain;
	mutex_unlock(&lu_edu_lock);
	return domain;
}

/**
 * lu_edu_test_round_trip() - A DMA round trip through the device's IOVA now.
 * @pdev: an edu device.
 *
 * Its pattern page goes RAM -> edu -> RAM through the IOVA window, as the
 * "check" knob does (without printing).
 *
 * Context: may sleep (about 200 ms of virtual time).
 * Return: 0, -ENODEV (not an edu the driver has), -ETIMEDOUT or -EIO (the
 * data did not arrive).
 */
int lu_edu_test_round_trip(struct pci_dev *pdev)
{
	struct lu_edu *e;
	int ret = -ENODEV;

	mutex_lock(&lu_edu_lock);
	e = lu_edu_find(pci_name(pdev));
	if (e)
		ret = lu_edu_round_trip(e, LU_EDU_ROUND_PAGE);
	mutex_unlock(&lu_edu_lock);
	return ret;
}

/* ---- debugfs knobs ---- */

static int lu_edu_devices_show(struct seq_file *m, void *unused)
{
	unsigned int i;

	mutex_lock(&lu_edu_lock);
	for (i = 0; i < LU_EDU_MAX; i++) {
		struct lu_edu *e = lu_edus[i];

		if (!e)
			continue;
		seq_printf(m, "%s rid=%#06x iova=%#llx buf=%#llx incoming=%s domain=%s preserved=%d\n",
			   pci_name(e->pdev), e->rec->rid, e->rec->iova,
			   e->rec->buf_phys,
			   e->in ? (e->in->preserved ? "preserved" : "unpreserved") : "none",
			   e->grp ? "own" : "none",
			   iommu_lu_device_preserved(&e->pdev->dev));
	}
	mutex_unlock(&lu_edu_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lu_edu_devices);

typedef int (*lu_edu_cmd_fn)(struct lu_edu **es, unsigned int nr);

/* A write-only debugfs knob. */
#define LU_EDU_WRITE_ONLY_FOPS(_name, _write)				\
	static const struct file_operations _name = {			\
		.owner = THIS_MODULE,					\
		.open = simple_open,					\
		.write = _write,					\
	}

static int lu_edu_cmd_preserve(struct lu_edu **es, unsigned int nr)
{
	struct device *devs[LU_EDU_MAX];
	unsigned int i;
	int ret;

	for (i = 0; i < nr; i++)
		devs[i] = &es[i]->pdev->dev;
	ret = iommu_lu_preserve_devices(devs, nr);
	pr_info("preserve %s%s: %d\n", pci_name(es[0]->pdev),
		nr > 1 ? " (and group)" : "", ret);
	return ret;
}

static int lu_edu_cmd_unpreserve(struct lu_edu **es, unsigned int nr)
{
	int ret = iommu_lu_unpreserve_device(&es[0]->pdev->dev);

	pr_info("unpreserve %s: %d\n", pci_name(es[0]->pdev), ret);
	return ret;
}

static int lu_edu_cmd_check(struct lu_edu **es, unsigned int nr)
{
	int ret = lu_edu_round_trip(es[0], LU_EDU_ROUND_PAGE);

	pr_info("%s: kernel %u: DMA through iova %#llx: %s (%d)\n",
		pci_name(es[0]->pdev), lu_edu_hop, es[0]->rec->iova,
		ret ? "FAILED" : "ok", ret);
	return ret;
}

static int lu_edu_cmd_setmaster(struct lu_edu **es, unsigned int nr)
{
	pci_set_master(es[0]->pdev);
	return 0;
}

/* A device that should fault: its old IOVA must lead nowhere. */
static int lu_edu_cmd_probe_fault(struct lu_edu **es, unsigned int nr)
{
	struct lu_edu *e = es[0];
	u8 *dst = e->buf + LU_EDU_FAULT_PAGE * PAGE_SIZE;
	int ret;

	memset(dst, 0, PAGE_SIZE);
	ret = lu_edu_dma(e, true, e->rec->iova + LU_EDU_FAULT_PAGE * PAGE_SIZE,
			 false);
	pr_info("%s: kernel %u: DMA to old iova %#llx: %s\n", pci_name(e->pdev),
		lu_edu_hop, e->rec->iova + LU_EDU_FAULT_PAGE * PAGE_SIZE,
		ret ? "timed out" : lu_edu_buf_zero(dst) ? "no data moved" :
		"DATA MOVED");
	return ret;
}

static int lu_edu_cmd_release(struct lu_edu **es, unsigned int nr)
{
	struct lu_edu *e = es[0];
	int ret;

	if (e->grp)
		return -EBUSY;
	ret = lu_edu_own(e);
	if (!ret)
		ret = lu_edu_round_trip(e, LU_EDU_ROUND_PAGE);
	pr_info("%s: kernel %u: new domain attached, DMA through iova %#llx: %s (%d)\n",
		pci_name(e->pdev), lu_edu_hop, e->rec->iova,
		ret ? "FAILED" : "ok", ret);
	return ret;
}

/*
 * White box: is a domain id allocated in the device's unit? The preserved
 * ones must be, from the moment the unit was adopted.
 */
static ssize_t lu_edu_did_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct device_domain_info *info;
	char buf[64], name[32];
	struct lu_edu *e;
	unsigned int did;
	int ret = -ENODEV;

	if (len >= sizeof(buf))
		return -E2BIG;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%31s %u", name, &did) != 2)
		return -EINVAL;
	mutex_lock(&lu_edu_lock);
	e = lu_edu_find(name);
	info = e ? dev_iommu_priv_get(&e->pdev->dev) : NULL;
	if (info) {
		pr_info("%s: kernel %u: domain id %u %s\n", name, lu_edu_hop,
			did, ida_exists(&info->iommu->domain_ida, did) ?
			"reserved" : "FREE");
		ret = 0;
	}
	mutex_unlock(&lu_edu_lock);
	return ret ? ret : len;
}

LU_EDU_WRITE_ONLY_FOPS(lu_edu_did_fops, lu_edu_did_write);

static ssize_t lu_edu_cmd_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	lu_edu_cmd_fn fn = file->f_inode->i_private;
	struct lu_edu *es[LU_EDU_MAX];
	char buf[128], *p = buf, *tok;
	unsigned int nr = 0;
	int ret;

	if (len >= sizeof(buf))
		return -E2BIG;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';

	mutex_lock(&lu_edu_lock);
	while ((tok = strsep(&p, " \t\n"))) {
		if (!*tok)
			continue;
		if (nr == LU_EDU_MAX) {
			ret = -E2BIG;
			goto out;
		}
		es[nr] = lu_edu_find(tok);
		if (!es[nr]) {
			ret = -ENODEV;
			goto out;
		}
		nr++;
	}
	ret = nr ? fn(es, nr) : -EINVAL;
out:
	mutex_unlock(&lu_edu_lock);
	return ret ? ret : len;
}

LU_EDU_WRITE_ONLY_FOPS(lu_edu_cmd_fops, lu_edu_cmd_write);

static ssize_t lu_edu_finish_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	iommu_lu_finish();
	pr_info("kernel %u: finish\n", lu_edu_hop);
	return len;
}

/*
 * What the kexec-time cleanup of the first device's unit would clear,
 * computed without writing anything: one line of requester ids.
 */
static ssize_t lu_edu_cleanup_set_write(struct file *file,
					const char __user *ubuf, size_t len,
					loff_t *ppos)
{
	struct device_domain_info *info = NULL;
	unsigned int i, rid, n = 0;
	unsigned long *set;
	int ret = -ENODEV;
	char *line;

	set = bitmap_zalloc(BIT(16), GFP_KERNEL);
	line = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!set || !line) {
		ret = -ENOMEM;
		goto out;
	}
	mutex_lock(&lu_edu_lock);
	for (i = 0; i < LU_EDU_MAX && !info; i++)
		if (lu_edus[i])
			info = dev_iommu_priv_get(&lu_edus[i]->pdev->dev);
	if (info)
		ret = iommu_lu_intel_cleanup_set(info->iommu->lu_unit, set);
	mutex_unlock(&lu_edu_lock);
	if (!ret) {
		/* At most PAGE_SIZE / 8 ids: enough for the test's guest. */
		for_each_set_bit(rid, set, BIT(16))
			n += scnprintf(line + n, PAGE_SIZE - n, " %02x:%02x.%x",
				       PCI_BUS_NUM(rid), PCI_SLOT(rid & 0xff),
				       PCI_FUNC(rid & 0xff));
		pr_info("kernel %u: cleanup set (%u ids):%s\n", lu_edu_hop,
			bitmap_weight(set, BIT(16)), line);
	} else {
		pr_info("kernel %u: cleanup set: error %d\n", lu_edu_hop, ret);
	}
out:
	kfree(line);
	bitmap_free(set);
	return ret ? ret : len;
}

LU_EDU_WRITE_ONLY_FOPS(lu_edu_cleanup_set_fops, lu_edu_cleanup_set_write);

LU_EDU_WRITE_ONLY_FOPS(lu_edu_finish_fops, lu_edu_finish_write);

static void __init lu_edu_debugfs_init(void)
{
	static const struct {
		const char *name;
		lu_edu_cmd_fn fn;
	} cmds[] = {
		{ "preserve", lu_edu_cmd_preserve },
		{ "unpreserve", lu_edu_cmd_unpreserve },
		{ "check", lu_edu_cmd_check },
		{ "setmaster", lu_edu_cmd_setmaster },
		{ "probe_fault", lu_edu_cmd_probe_fault },
		{ "release", lu_edu_cmd_release },
	};
	unsigned int i;

	lu_edu_dir = debugfs_create_dir("iommu_lu_edu", NULL);
	debugfs_create_file("devices", 0400, lu_edu_dir, NULL,
			    &lu_edu_devices_fops);
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		debugfs_create_file(cmds[i].name, 0200, lu_edu_dir,
				    cmds[i].fn, &lu_edu_cmd_fops);
	debugfs_create_file("finish", 0200, lu_edu_dir, NULL,
			    &lu_edu_finish_fops);
	debugfs_create_file("did_reserved", 0200, lu_edu_dir, NULL,
			    &lu_edu_did_fops);
	debugfs_create_file("cleanup_set", 0200, lu_edu_dir, NULL,
			    &lu_edu_cleanup_set_fops);
}

/* The previous kernel's records and buffers, restored before any probe. */
static void __init lu_edu_retrieve(void)
{
	struct lu_edu_ser *in;
	struct page *page;
	phys_addr_t phys;
	size_t size;
	unsigned int i;

	if (kho_retrieve_subtree(LU_EDU_KHO_NAME, &phys, &size))
		return;
	if (size < sizeof(*in) || !kho_restore_pages(phys, 1)) {
		pr_err("incoming records unusable\n");
		return;
	}
	in = phys_to_virt(phys);
	if (in->magic != LU_EDU_MAGIC || in->nr > LU_EDU_MAX) {
		pr_err("incoming records corrupt\n");
		return;
	}
	for (i = 0; i < in->nr; i++) {
		if (in->rec[i].rid == 0xffff)
			continue;
		page = kho_restore_pages(in->rec[i].buf_phys, LU_EDU_PAGES);
		/* Kept preserved for every later kernel, like a VM's memory. */
		if (!page || kho_preserve_pages(page, LU_EDU_PAGES)) {
			pr_err("%04x:%04x: buffer not restored: record dropped\n",
			       in->rec[i].segment, in->rec[i].rid);
			/* Not ours: never touched through this record. */
			in->rec[i].rid = 0xffff;
		}
	}
	lu_edu_in = in;
	lu_edu_hop = in->hop + 1;
	pr_info("kernel %u: %u records from kernel %u\n", lu_edu_hop, in->nr,
		in->hop);
}

static int __init lu_edu_init(void)
{
	int ret;

	lu_edu_retrieve();
	lu_edu_out = kho_alloc_preserve(PAGE_SIZE);
	if (IS_ERR(lu_edu_out))
		return PTR_ERR(lu_edu_out);
	lu_edu_out->magic = LU_EDU_MAGIC;
	lu_edu_out->hop = lu_edu_hop;
	ret = kho_add_subtree(LU_EDU_KHO_NAME, lu_edu_out, PAGE_SIZE);
	if (ret)
		goto err_free;
	lu_edu_debugfs_init();
	ret = pci_register_driver(&lu_edu_driver);
	if (ret)
		goto err_debugfs;
	return 0;

err_debugfs:
	debugfs_remove_recursive(lu_edu_dir);
	kho_remove_subtree(lu_edu_out);
err_free:
	kho_unpreserve_free(lu_edu_out);
	return ret;
}
module_init(lu_edu_init);

MODULE_DESCRIPTION("iommu-lu test driver for QEMU's edu device");
MODULE_LICENSE("GPL");
