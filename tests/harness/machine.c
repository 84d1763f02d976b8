// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace harness, kind: CUSTOM: the simulated machine and kexec.
 * See machine.h.
 */
#include <stdlib.h>
#include <kunit/test.h>
#include "machine.h"
#include "model/physmem.h"
#include "model/kho.h"
#include "../core/lu_core.h"

static struct lu_machine *lu_current;

/* Owners belong to the test; freed at the next reset if the test did not. */
#define LU_MAX_OWNERS 64
static struct lu_owner *lu_owners[LU_MAX_OWNERS];

static void lu_owners_track(struct lu_owner *o, bool add)
{
	unsigned int i;

	for (i = 0; i < LU_MAX_OWNERS; i++) {
		if (add && !lu_owners[i]) {
			lu_owners[i] = o;
			return;
		}
		if (!add && lu_owners[i] == o) {
			lu_owners[i] = NULL;
			return;
		}
	}
	if (add)
		abort();
}

static void lu_owners_free_all(void)
{
	unsigned int i;

	for (i = 0; i < LU_MAX_OWNERS; i++)
		lu_owner_free(lu_owners[i]);
}

/*
 * The PCI model's hotplug events reach the framework's bus notifier; a DMA
 * alias quirk of the device being enumerated is applied first.
 */
static void lu_notify(struct pci_dev *pdev, bool added, void *data)
{
	struct lu_machine *m = data;
	struct lu_mdev *d = m->enumerating;

	if (added && d && d->has_alias && d->devfn == pdev->devfn)
		pci_model_add_dma_alias(pdev, d->alias_devfn);
	if (added)
		shim_bus_add_device(&pci_bus_type, &pdev->dev);
	else
		shim_bus_del_device(&pci_bus_type, &pdev->dev);
}

static struct pci_bus *lu_mdev_bus(struct lu_machine *m, struct lu_mdev *d)
{
	if (d->parent < 0)
		return pci_model_root_bus(m->pci[d->unit]);
	return m->devs[d->parent].pdev ? m->devs[d->parent].pdev->subordinate : NULL;
}

/*
 * A VF sits on its PF's bus or on a virtual bus below it (no bridge leads
 * there: virtfn_add_bus() in Linux), created when the first VF needs it.
 */
static struct pci_bus *lu_vf_bus(struct lu_machine *m, struct lu_mdev *d)
{
	struct pci_dev *pf = m->devs[d->parent].pdev;
	struct pci_bus *bus;

	if (!pf)
		return NULL;
	if (d->secbus == pf->bus->number)
		return pf->bus;
	bus = pci_model_find_bus(m->pci[d->unit], d->secbus);
	return bus ? bus : pci_model_add_virtual_bus(m->pci[d->unit], pf->bus,
						     d->secbus);
}

static int lu_mdev_enumerate(struct lu_machine *m, int idx)
{
	struct lu_mdev *d = &m->devs[idx];
	struct pci_bus *bus = d->vf ? lu_vf_bus(m, d) : lu_mdev_bus(m, d);

	if (!bus)
		return -ENODEV;
	m->enumerating = d;
	d->pdev = pci_model_add_dev(m->pci[d->unit], bus, d->devfn, d->kind,
				    d->secbus);
	m->enumerating = NULL;
	if (d->pdev && d->vf) {
		d->pdev->physfn = m->devs[d->parent].pdev;
		d->pdev->physfn->is_physfn = true;
	}
	return d->pdev ? 0 : -EINVAL;
}

/**
 * lu_machine_boot() - Boot a kernel on the machine's hardware.
 * @m: the machine.
 *
 * Initcalls (the core, the vendor backends), then per unit the PCI view and
 * the Intel driver's init (which adds the unit to the framework and, after a
 * live update, adopts it), then enumeration of every present device.
 */
void lu_machine_boot(struct lu_machine *m)
{
	unsigned int u, i;

	/* A cold boot's initcalls ran in lu_harness_reset(). */
	if (m->kernel > 1)
		shim_run_initcalls();
	for (u = 0; u < m->nr_units; u++) {
		m->pci[u] = pci_model_create(u);
		pci_model_set_notifier(m->pci[u], lu_notify, m);
		m->drv[u] = idrv_unit_create(m->hw[u], m->pci[u],
					     LU_MACHINE_REG_BASE + u * 0x1000);
		idrv_unit_set_sm(m->drv[u], m->sm_on);
		idrv_unit_boot(m->drv[u]);
	}
	for (i = 0; i < m->nr_devs; i++) {
		m->devs[i].pdev = NULL;
		if (m->devs[i].present)
			lu_mdev_enumerate(m, i);
	}
}

/**
 * lu_machine_new_units() - Cold boot a machine whose units differ.
 * @nr_units: VT-d units, 1..%LU_MACHINE_MAX_UNITS.
 * @cfgs: hardware configuration of each unit (@nr_units of them), NULL for
 *	the defaults everywhere.
 * @sm_on: the first kernel's intel_iommu=sm_on (&struct lu_machine.sm_on).
 *
 * Return: the machine (freed by lu_machine_free() or the next reset).
 */
struct lu_machine *lu_machine_new_units(unsigned int nr_units,
					const struct vtd_model_cfg *cfgs,
					bool sm_on)
{
	struct lu_machine *m = calloc(1, sizeof(*m));
	unsigned int u;

	if (!m || !nr_units || nr_units > LU_MACHINE_MAX_UNITS)
		abort();
	m->nr_units = nr_units;
	m->sm_on = sm_on;
	for (u = 0; u < nr_units; u++) {
		m->hw[u] = vtd_model_create(LU_MACHINE_REG_BASE + u * 0x1000,
					    cfgs ? &cfgs[u] : NULL);
		if (!m->hw[u])
			abort();
	}
	m->kernel = 1;
	lu_current = m;
	lu_machine_boot(m);
	return m;
}

/**
 * lu_machine_new() - Cold boot a machine.
 * @nr_units: VT-d units, 1..%LU_MACHINE_MAX_UNITS.
 * @cfg: hardware configuration of every unit, NULL for the defaults. With
 *	@cfg->scalable the driver runs the units in scalable mode (sm_on).
 *
 * Return: the machine (freed by lu_machine_free() or the next reset).
 */
struct lu_machine *lu_machine_new(unsigned int nr_units,
				  const struct vtd_model_cfg *cfg)
{
	struct vtd_model_cfg cfgs[LU_MACHINE_MAX_UNITS];
	unsigned int u;

	if (!cfg)
		return lu_machine_new_units(nr_units, NULL, false);
	for (u = 0; u < LU_MACHINE_MAX_UNITS; u++)
		cfgs[u] = *cfg;
	return lu_machine_new_units(nr_units, cfgs, cfg->scalable);
}

/**
 * lu_machine_free() - Power the machine off.
 * @m: the machine, or NULL.
 */
void lu_machine_free(struct lu_machine *m)
{
	unsigned int u;

	if (!m)
		return;
	for (u = 0; u < m->nr_units; u++)
		vtd_model_destroy(m->hw[u]);
	free(m->devs);
	free(m);
	if (lu_current == m)
		lu_current = NULL;
}

/**
 * lu_machine_add() - Plug a device in (hotplug once the machine runs).
 * @m: the machine.
 * @unit: its unit.
 * @parent: index of its bridge, or -1 for the root bus.
 * @devfn: device/function.
 * @kind: what it is.
 * @secbus: bus number behind a bridge.
 *
 * Return: the device's index, or a negative errno.
 */
int lu_machine_add(struct lu_machine *m, unsigned int unit, int parent,
		   unsigned int devfn, enum pci_model_kind kind,
		   unsigned int secbus)
{
	return lu_machine_add_aliased(m, unit, parent, devfn, kind, secbus,
				      -1);
}

/**
 * lu_machine_add_aliased() - lu_machine_add() with a DMA alias quirk.
 * @m: the machine.
 * @unit: its unit.
 * @parent: index of its bridge, or -1 for the root bus.
 * @devfn: device/function.
 * @kind: what it is.
 * @secbus: bus number behind a bridge.
 * @alias_devfn: devfn of a DMA alias on the device's bus (a phantom
 *	function, pci_add_dma_alias()), or -1 for none.
 *
 * Return: the device's index, or a negative errno.
 */
int lu_machine_add_aliased(struct lu_machine *m, unsigned int unit,
			   int parent, unsigned int devfn,
			   enum pci_model_kind kind, unsigned int secbus,
			   int alias_devfn)
{
	struct lu_mdev *d;
	int idx, ret;

	if (m->nr_devs == m->cap_devs) {
		unsigned int cap = m->cap_devs ? m->cap_devs * 2 : 64;
		struct lu_mdev *n = realloc(m->devs, cap * sizeof(*n));

		if (!n)
			abort();
		m->devs = n;
		m->cap_devs = cap;
	}
	idx = m->nr_devs++;
	d = &m->devs[idx];
	*d = (struct lu_mdev){ .present = true, .unit = unit, .parent = parent,
			       .devfn = devfn, .kind = kind, .secbus = secbus };
	d->vf = kind == PCI_MODEL_SRIOV_VF;
	d->master = true;	/* its driver set it (pci_set_master()) */
	d->has_alias = alias_devfn >= 0;
	d->alias_devfn = d->has_alias ? alias_devfn : 0;
	ret = lu_mdev_enumerate(m, idx);
	if (ret) {
		m->nr_devs--;
		return ret;
	}
	return idx;
}

/**
 * lu_machine_remove() - Unplug a device (and everything behind it).
 * @m: the machine.
 * @idx: its index.
 */
void lu_machine_remove(struct lu_machine *m, int idx)
{
	struct lu_mdev *d = &m->devs[idx];
	unsigned int i;
	bool again = true;

	if (!d->present)
		return;
	/* A PF's VFs go first (they are not below it in the bus tree). */
	for (i = 0; i < m->nr_devs; i++)
		if (m->devs[i].present && m->devs[i].vf && m->devs[i].parent == idx)
			lu_machine_remove(m, i);
	if (d->pdev)
		pci_model_remove_dev(m->pci[d->unit], d->pdev);
	d->present = false;
	d->pdev = NULL;
	/* Children went with their bridge. */
	while (again) {
		again = false;
		for (i = 0; i < m->nr_devs; i++) {
			struct lu_mdev *c = &m->devs[i];

			if (c->present && c->parent >= 0 &&
			    !m->devs[c->parent].present) {
				c->present = false;
				c->pdev = NULL;
				again = true;
			}
		}
	}
}

/**
 * lu_machine_sriov_set() - Set a PF's NumVFs (with First VF Offset, Stride).
 * @m: the machine.
 * @pf: the PF's index.
 * @offset: First VF Offset.
 * @stride: VF Stride.
 * @numvfs: new NumVFs; 0 disables SR-IOV.
 *
 * Like writing NumVFs with VF Enable: the old VFs go away as hot removal,
 * then the new ones appear as hot add. VF n has routing id PF + @offset +
 * n * @stride: bus = PF bus + (devfn + offset + stride * n) / 256, which
 * can be a bus that never existed before.
 *
 * Return: the index of the first VF (VFs are consecutive), 0 when @numvfs
 * is 0, or a negative errno.
 */
int lu_machine_sriov_set(struct lu_machine *m, int pf, unsigned int offset,
			 unsigned int stride, unsigned int numvfs)
{
	unsigned int i, pfbus, unit = m->devs[pf].unit, devfn = m->devs[pf].devfn;
	int first = 0;

	for (i = 0; i < m->nr_devs; i++)
		if (m->devs[i].present && m->devs[i].vf && m->devs[i].parent == pf)
			lu_machine_remove(m, i);
	if (!numvfs)
		return 0;
	if (!m->devs[pf].pdev)
		return -ENODEV;
	pfbus = m->devs[pf].pdev->bus->number;
	/* m->devs may move as VFs are added: index it, keep no pointer. */
	for (i = 0; i < numvfs; i++) {
		unsigned int rid = (pfbus << 8) + devfn + offset + stride * i;
		int idx;

		if (rid > 0xffff)
			return -ERANGE;
		idx = lu_machine_add(m, unit, pf, rid & 0xff,
				     PCI_MODEL_SRIOV_VF, rid >> 8);
		if (idx < 0)
			return idx;
		if (!i)
			first = idx;
	}
	return first;
}

/**
 * lu_machine_dev() - This kernel's &struct device of a device.
 * @m: the machine.
 * @idx: its index.
 *
 * Return: the device, or NULL when not present.
 */
struct device *lu_machine_dev(struct lu_machine *m, int idx)
{
	return m->devs[idx].pdev ? &m->devs[idx].pdev->dev : NULL;
}

/**
 * lu_machine_rid() - A device's own requester id.
 * @m: the machine.
 * @idx: its index.
 *
 * Return: bus << 8 | devfn.
 */
u16 lu_machine_rid(struct lu_machine *m, int idx)
{
	return pci_dev_id(m->devs[idx].pdev);
}

/**
 * lu_machine_shutdown() - The old kernel's side of a kexec, up to the jump.
 * @m: the machine.
 *
 * kernel_kexec(): kexec_in_progress is set and the reboot notifiers run (the
 * framework's freezes the update) unless @m->no_freeze; device shutdown
 * clears Bus Master Enable on every device the framework does not keep
 * (pci_device_shutdown() with the PCI patch); then each unit's driver
 * shutdown runs (the framework's cleanup or, for units with
 * nothing preserved, translation off).
 */
void lu_machine_shutdown(struct lu_machine *m)
{
	unsigned int u, i;

	static struct kimage image;
	static u8 scratch;

	/* kexec -s (kexec_file_load) with KHO, unless the test says kexec -l. */
	image.kho.fdt = m->no_kho ? 0 : 0x1000;
	image.kho.scratch = m->no_kho ? NULL : &scratch;
	kexec_image = &image;
	kexec_in_progress = true;
	if (!m->no_freeze)
		shim_reboot_notify();
	/* device_shutdown(), children first: pci_device_shutdown() with patch 0003. */
	for (i = m->nr_devs; i--; ) {
		struct lu_mdev *d = &m->devs[i];

		if (d->present && d->pdev && !iommu_lu_pci_keep_master(d->pdev)) {
			pci_clear_master(d->pdev);
			d->master = false;
		}
	}
	for (u = 0; u < m->nr_units; u++)
		idrv_shutdown(m->drv[u]);
}

/**
 * lu_machine_can_master() - Can a device's DMA reach the IOMMU?
 * @m: the machine.
 * @idx: the device.
 *
 * Return: true when the device and every bridge above it have Bus Master
 * Enable set (a bridge with it clear does not forward DMA upstream).
 */
bool lu_machine_can_master(struct lu_machine *m, int idx)
{
	while (idx >= 0) {
		struct lu_mdev *d = &m->devs[idx];

		if (!d->present || !d->master)
			return false;
		/* A VF's requests go up through its PF's bridges, not its PF. */
		idx = d->vf ? m->devs[d->parent].parent : d->parent;
	}
	return true;
}

/**
 * lu_machine_kexec() - A simulated kexec into a new kernel.
 * @m: the machine.
 *
 * lu_machine_shutdown(), then lu_machine_jump().
 */
void lu_machine_kexec(struct lu_machine *m)
{
	lu_machine_shutdown(m);
	lu_machine_jump(m);
}

/**
 * lu_machine_jump() - The kexec itself, after the old kernel's shutdown.
 * @m: the machine.
 *
 * Every object of the old kernel is freed, KHO hands over what was
 * preserved and poisons every other page, and a new kernel boots. Tests that
 * tamper with hardware between shutdown and the jump, or skip the shutdown,
 * call this directly.
 */
void lu_machine_jump(struct lu_machine *m)
{
	unsigned int u, i;

	for (u = 0; u < m->nr_units; u++) {
		m->pci[u] = NULL;
		m->drv[u] = NULL;
	}
	for (i = 0; i < m->nr_devs; i++)
		m->devs[i].pdev = NULL;
	shim_slab_free_all();
	/* kexec_load() carries no KHO: the next kernel sees none. */
	if (m->no_kho)
		kho_model.enabled = false;
	kho_model_kexec();
	kho_model.enabled = true;
	m->kernel++;
	lu_machine_boot(m);
}

u8 lu_pattern(u8 seed, u64 off)
{
	return (u8)(seed * 31 + off * 7 + (off >> 12));
}

/**
 * lu_owner_new() - A caller-owned domain with @nr_pages mapped at @iova.
 * @m: the machine.
 * @unit: unit.
 * @iova: first IOVA.
 * @nr_pages: pages to map.
 * @seed: pattern written into the memory.
 *
 * The memory is KHO-preserved, as a VM's memfd would be, so it survives.
 *
 * Return: the owner (plain malloc: it belongs to the test, not the kernel).
 */
struct lu_owner *lu_owner_new(struct lu_machine *m, unsigned int unit,
			      u64 iova, unsigned int nr_pages, u8 seed)
{
	struct lu_owner *o = calloc(1, sizeof(*o));
	unsigned int i, b;

	if (!o)
		abort();
	o->phys = calloc(nr_pages, sizeof(*o->phys));
	if (!o->phys)
		abort();
	lu_owners_track(o, true);
	o->m = m;
	o->unit = unit;
	o->iova = iova;
	o->nr_pages = nr_pages;
	o->seed = seed;
	o->domain = idrv_domain_alloc(m->drv[unit], IOMMU_DOMAIN_UNMANAGED);
	if (!o->domain)
		abort();
	for (i = 0; i < nr_pages; i++) {
		u8 *va;

		o->phys[i] = physmem_alloc_page();
		if (!o->phys[i])
			abort();
		va = physmem_va(o->phys[i]);
		for (b = 0; b < PAGE_SIZE; b++)
			va[b] = lu_pattern(seed, (u64)i * PAGE_SIZE + b);
		if (kho_preserve_pages(physmem_page(o->phys[i]), 1))
			abort();
		if (idrv_map(o->domain, iova + (u64)i * PAGE_SIZE, o->phys[i],
			     PAGE_SIZE, IOMMU_READ | IOMMU_WRITE))
			abort();
	}
	return o;
}

/**
 * lu_owner_attach() - Attach a device's whole group to the owner's domain.
 * @o: the owner.
 * @idx: the device.
 *
 * Return: 0 or the driver's error.
 */
int lu_owner_attach(struct lu_owner *o, int idx)
{
	struct iommu_group *group = iommu_group_get(lu_machine_dev(o->m, idx));
	int ret;

	if (!group)
		return -ENODEV;
	ret = idrv_attach_group(o->domain, group);
	iommu_group_put(group);
	return ret;
}

/**
 * lu_owner_carry() - After a kexec, the VMM takes its memory back and
 *	preserves it again for the next update (as a memfd would be).
 * @o: the owner; its kernel-side domain is gone (set to NULL).
 */
void lu_owner_carry(struct lu_owner *o)
{
	unsigned int i;

	o->domain = NULL;
	for (i = 0; i < o->nr_pages; i++) {
		if (!kho_restore_pages(o->phys[i], 1) ||
		    kho_preserve_pages(physmem_page(o->phys[i]), 1))
			abort();
	}
}

/**
 * lu_owner_destroy() - The caller tears its domain down (same kernel).
 * @o: the owner; its devices must be detached or gone.
 *
 * Frees the domain, unpreserves and frees its memory, forgets the owner.
 */
void lu_owner_destroy(struct lu_owner *o)
{
	unsigned int i;

	if (o->domain)
		idrv_domain_free(o->domain);
	for (i = 0; i < o->nr_pages; i++) {
		kho_unpreserve_pages(physmem_page(o->phys[i]), 1);
		physmem_free_page(o->phys[i]);
	}
	lu_owner_free(o);
}

/**
 * lu_owner_free() - Forget an owner (test memory only).
 * @o: the owner, or NULL.
 */
void lu_owner_free(struct lu_owner *o)
{
	if (!o)
		return;
	lu_owners_track(o, false);
	free(o->phys);
	free(o);
}

/**
 * lu_owner_check_dma() - DMA every mapped page as @rid and check it.
 * @o: the owner.
 * @rid: the requester id the device uses.
 *
 * Return: 0 when every page reads back its pattern through the IOMMU,
 * -EFAULT on a fault, -EIO when the data is wrong.
 */
int lu_owner_check_dma(struct lu_owner *o, u16 rid)
{
	static u8 buf[PAGE_SIZE];
	unsigned int i, b;
	int ret;

	for (i = 0; i < o->nr_pages; i++) {
		ret = vtd_model_dma(o->m->hw[o->unit], rid,
				    o->iova + (u64)i * PAGE_SIZE, buf, PAGE_SIZE,
				    false);
		if (ret)
			return ret;
		for (b = 0; b < PAGE_SIZE; b++)
			if (buf[b] != lu_pattern(o->seed, (u64)i * PAGE_SIZE + b))
				return -EIO;
	}
	return 0;
}

/**
 * lu_harness_reset() - A clean slate before each test case.
 *
 * Powers off the machine a previous case left, frees every kernel object,
 * resets memory and KHO (a cold boot) and runs the initcalls, so the core
 * and the vendor backends are up even for cases that build no machine.
 */
void lu_harness_reset(void)
{
	lu_owners_free_all();
	lu_machine_free(lu_current);
	shim_fail_alloc_nth = 0;
	kho_model_fail_nth = 0;
	shim_slab_free_all();
	physmem_init(0);
	physmem_reset();
	kho_model_reset();
	shim_log_clear();
	shim_warn_reset();
	shim_run_initcalls();
}

static void lu_before_case(struct kunit *test)
{
	lu_harness_reset();
}

static void lu_after_case(struct kunit *test)
{
	lu_owners_free_all();
	lu_machine_free(lu_current);
	shim_slab_free_all();
}

static void __attribute__((constructor)) lu_harness_install(void)
{
	kunit_hook_before_case = lu_before_case;
	kunit_hook_after_case = lu_after_case;
}
