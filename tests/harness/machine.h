/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace harness, kind: CUSTOM.
 *
 * A simulated machine: VT-d units (tests/model/vtd.c), a PCI topology per
 * unit, physical memory and KHO, plus the framework and the Intel driver
 * model running as "the kernel". lu_machine_kexec() is a simulated kexec:
 * the old kernel's shutdown runs, every object it allocated is freed, every
 * page KHO does not hand over is poisoned, and a new kernel boots on the same
 * hardware: it re-enumerates the topology, its driver adopts what it can.
 */
#ifndef _TESTS_HARNESS_MACHINE_H
#define _TESTS_HARNESS_MACHINE_H

#include "iommu_lu_seam.h"
#include "iommu_lu.h"
#include "model/pci.h"
#include "model/vtd.h"
#include "model/intel_drv.h"

#define LU_MACHINE_MAX_UNITS	2
#define LU_MACHINE_REG_BASE	0xfed90000ULL	/* unit u at + u * 0x1000 */

/**
 * struct lu_mdev - One piece of PCI hardware; survives kexec.
 * @present: plugged in.
 * @unit: the unit (and PCI segment) it sits behind.
 * @parent: index of the bridge it sits behind, -1 for the root bus.
 * @devfn: device/function on its bus.
 * @kind: what it is.
 * @secbus: bridges: the bus number behind it. SR-IOV VFs: their bus.
 * @vf: an SR-IOV VF of the PF @parent (its bus may be a virtual bus).
 * @has_alias: it has a DMA alias quirk (a phantom function): @alias_devfn.
 * @alias_devfn: the alias's devfn on its bus, applied at every enumeration
 *	before the IOMMU core hears of the device (as PCI fixups are).
 * @master: Bus Master Enable in its command register (hardware state:
 *	survives a kexec unless the old kernel's shutdown clears it).
 * @pdev: the current kernel's view, NULL until enumerated.
 */
struct lu_mdev {
	bool present;
	unsigned int unit;
	int parent;
	unsigned int devfn;
	enum pci_model_kind kind;
	unsigned int secbus;
	bool vf;
	bool has_alias;
	unsigned int alias_devfn;
	bool master;
	struct pci_dev *pdev;
};

/**
 * struct lu_machine - The simulated machine.
 * @nr_units: VT-d units.
 * @hw: the units' hardware (survive kexec).
 * @pci: this kernel's PCI view of each unit's segment.
 * @drv: this kernel's Intel driver instance of each unit.
 * @devs: the hardware topology.
 * @nr_devs: entries in @devs.
 * @kernel: 1 after a cold boot, +1 per kexec.
 * @no_freeze: lu_machine_kexec() skips the reboot notifiers (so the freeze).
 * @no_kho: the kexec carries no KHO (kexec -l, kexec_load()): no live update.
 * @sm_on: the kernel command line's intel_iommu=sm_on: units whose hardware
 *	has ECAP.SMTS run in scalable mode. Set when a scalable unit is built;
 *	a test may change it before a kexec (the next kernel's command line).
 * @enumerating: the device being enumerated, for its quirks.
 */
struct lu_machine {
	unsigned int nr_units;
	struct vtd_model *hw[LU_MACHINE_MAX_UNITS];
	struct pci_model *pci[LU_MACHINE_MAX_UNITS];
	struct idrv_unit *drv[LU_MACHINE_MAX_UNITS];
	struct lu_mdev *devs;
	unsigned int nr_devs;
	unsigned int cap_devs;
	unsigned int kernel;
	bool no_freeze;
	bool no_kho;
	bool sm_on;
	struct lu_mdev *enumerating;
};

struct lu_machine *lu_machine_new(unsigned int nr_units,
				  const struct vtd_model_cfg *cfg);
struct lu_machine *lu_machine_new_units(unsigned int nr_units,
					const struct vtd_model_cfg *cfgs,
					bool sm_on);
void lu_machine_free(struct lu_machine *m);
int lu_machine_add(struct lu_machine *m, unsigned int unit, int parent,
		   unsigned int devfn, enum pci_model_kind kind,
		   unsigned int secbus);
int lu_machine_add_aliased(struct lu_machine *m, unsigned int unit,
			   int parent, unsigned int devfn,
			   enum pci_model_kind kind, unsigned int secbus,
			   int alias_devfn);
void lu_machine_remove(struct lu_machine *m, int idx);
int lu_machine_sriov_set(struct lu_machine *m, int pf, unsigned int offset,
			 unsigned int stride, unsigned int numvfs);
struct device *lu_machine_dev(struct lu_machine *m, int idx);
u16 lu_machine_rid(struct lu_machine *m, int idx);
void lu_machine_shutdown(struct lu_machine *m);
bool lu_machine_can_master(struct lu_machine *m, int idx);
void lu_machine_kexec(struct lu_machine *m);
void lu_machine_jump(struct lu_machine *m);
void lu_machine_boot(struct lu_machine *m);

/**
 * struct lu_owner - A caller-owned domain (the VFIO/iommufd model).
 * @m: the machine.
 * @unit: unit of the domain.
 * @domain: this kernel's domain; NULL after a kexec.
 * @iova: first mapped IOVA.
 * @nr_pages: mapped 4 KiB pages, contiguous in IOVA.
 * @phys: the memory behind them (KHO-preserved like a VM's memfd).
 * @seed: pattern seed.
 */
struct lu_owner {
	struct lu_machine *m;
	unsigned int unit;
	struct iommu_domain *domain;
	u64 iova;
	unsigned int nr_pages;
	u64 *phys;
	u8 seed;
};

struct lu_owner *lu_owner_new(struct lu_machine *m, unsigned int unit,
			      u64 iova, unsigned int nr_pages, u8 seed);
int lu_owner_attach(struct lu_owner *o, int idx);
void lu_owner_free(struct lu_owner *o);
void lu_owner_destroy(struct lu_owner *o);
void lu_owner_carry(struct lu_owner *o);
u8 lu_pattern(u8 seed, u64 off);
int lu_owner_check_dma(struct lu_owner *o, u16 rid);

/* Reset between test cases: memory, KHO, the core, logs, knobs. */
void lu_harness_reset(void);

#endif /* _TESTS_HARNESS_MACHINE_H */
