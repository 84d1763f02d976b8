/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace model, kind: CUSTOM.
 *
 * Models the PCI core's topology of one PCI segment (buses, bridges, root
 * and switch ports, endpoints, DMA alias quirks, hotplug) for the userspace
 * test build; see the DOC block in pci.h.
 *
 * pci_for_each_dma_alias() below is a DUPLICATE of
 * drivers/pci/search.c:pci_for_each_dma_alias() (Linux 7.3), with
 * pci_real_dma_dev() reading the model's dma_real quirk and the
 * dma_alias_mask pointer test replaced by has_dma_alias.
 */

#include "iommu_lu_seam.h"
#include "pci.h"

struct pci_model_bus {
	struct pci_bus bus;
	struct list_head node;		/* in pci_model.buses */
};

struct pci_model_dev {
	struct pci_dev pdev;
	struct list_head node;		/* in pci_model.devs, add order */
	struct pci_model *m;
	struct dev_iommu dev_iommu;
	enum pci_model_kind kind;
	bool acs;			/* ACS capability with SV|RR|CR|UF on */
	bool multifunction;		/* forced by pci_model_set_multifunction() */
};

struct pci_model {
	int segment;
	struct pci_bus *root;
	struct list_head buses;
	struct list_head devs;
	unsigned int nr_devs;

	pci_model_notifier_t notify;
	void *notify_data;

	const struct pci_model_iommu_ops *iommu_ops;
	void *iommu_data;
	struct iommu_device *iommu;
	int next_iommu_seq;

	struct list_head groups;	/* iommu_core.c's groups */
	int next_group_id;
};

static struct pci_model_dev *to_mdev(struct pci_dev *pdev)
{
	return container_of(pdev, struct pci_model_dev, pdev);
}

static struct pci_model_bus *to_mbus(struct pci_bus *bus)
{
	return container_of(bus, struct pci_model_bus, bus);
}

/**
 * pci_model_create() - Create an empty PCI segment with its root bus 0.
 * @segment: PCI segment (domain) number.
 *
 * Return: the model, or NULL when out of memory.
 */
struct pci_model *pci_model_create(int segment)
{
	struct pci_model_bus *root;
	struct pci_model *m;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return NULL;
	root = kzalloc(sizeof(*root), GFP_KERNEL);
	if (!root) {
		kfree(m);
		return NULL;
	}

	m->segment = segment;
	INIT_LIST_HEAD(&m->buses);
	INIT_LIST_HEAD(&m->devs);
	INIT_LIST_HEAD(&m->groups);

	root->bus.number = 0;
	root->bus.domain_nr = segment;
	list_add_tail(&root->node, &m->buses);
	m->root = &root->bus;
	return m;
}

int pci_model_segment(const struct pci_model *m)
{
	return m->segment;
}

struct pci_bus *pci_model_root_bus(struct pci_model *m)
{
	return m->root;
}

struct pci_model *pci_model_of(struct pci_dev *pdev)
{
	return to_mdev(pdev)->m;
}

/**
 * pci_model_find_bus() - Find a bus of the segment by number.
 * @m: the model.
 * @busnr: bus number.
 *
 * Return: the bus, or NULL.
 */
struct pci_bus *pci_model_find_bus(struct pci_model *m, unsigned int busnr)
{
	struct pci_model_bus *mb;

	list_for_each_entry(mb, &m->buses, node)
		if (mb->bus.number == busnr)
			return &mb->bus;
	return NULL;
}

static bool bus_in_model(struct pci_model *m, struct pci_bus *bus)
{
	struct pci_model_bus *mb;

	list_for_each_entry(mb, &m->buses, node)
		if (&mb->bus == bus)
			return true;
	return false;
}

static struct pci_bus *new_bus(struct pci_model *m, struct pci_bus *parent,
			       struct pci_dev *self, unsigned int busnr)
{
	struct pci_model_bus *mb;

	if (busnr > 0xff || pci_model_find_bus(m, busnr)) {
		pr_err("pci-model: bus %02x already exists or is invalid\n",
		       busnr);
		return NULL;
	}

	mb = kzalloc(sizeof(*mb), GFP_KERNEL);
	if (!mb)
		return NULL;
	mb->bus.parent = parent;
	mb->bus.self = self;
	mb->bus.number = busnr;
	mb->bus.domain_nr = m->segment;
	list_add_tail(&mb->node, &m->buses);
	return &mb->bus;
}

/**
 * pci_model_add_virtual_bus() - Add a bus no bridge leads to.
 * @m: the model.
 * @parent: the bus it hangs below (an SR-IOV PF's bus).
 * @busnr: its number.
 *
 * That is what SR-IOV creates for VFs whose requester id lands past the
 * PF's bus (virtfn_add_bus()): bus->self is NULL, and
 * pci_for_each_dma_alias() skips it.
 *
 * Return: the bus, or NULL if @busnr is taken or out of memory.
 */
struct pci_bus *pci_model_add_virtual_bus(struct pci_model *m,
					  struct pci_bus *parent,
					  unsigned int busnr)
{
	if (!parent || !bus_in_model(m, parent))
		return NULL;
	return new_bus(m, parent, NULL, busnr);
}

/**
 * pci_model_find() - Find the device with a requester id.
 * @m: the model.
 * @rid: PCI_DEVID(bus, devfn).
 *
 * Return: the device, or NULL.
 */
struct pci_dev *pci_model_find(struct pci_model *m, u16 rid)
{
	struct pci_model_dev *md;

	list_for_each_entry(md, &m->devs, node)
		if (pci_dev_id(&md->pdev) == rid)
			return &md->pdev;
	return NULL;
}

/**
 * pci_model_for_each_dev() - Call @fn for every device, in add order.
 * @m: the model.
 * @fn: callback; a nonzero return stops the walk.
 * @data: passed to @fn.
 *
 * @fn must not add or remove devices.
 *
 * Return: the first nonzero return of @fn, or 0.
 */
int pci_model_for_each_dev(struct pci_model *m,
			   int (*fn)(struct pci_dev *pdev, void *data),
			   void *data)
{
	struct pci_model_dev *md;
	int ret;

	list_for_each_entry(md, &m->devs, node) {
		ret = fn(&md->pdev, data);
		if (ret)
			return ret;
	}
	return 0;
}

unsigned int pci_model_nr_devs(struct pci_model *m)
{
	return m->nr_devs;
}

static void iommu_attach_one(struct pci_model *m, struct pci_model_dev *md)
{
	struct device *dev = &md->pdev.dev;
	int ret;

	if (!m->iommu || dev->iommu)
		return;

	md->dev_iommu.iommu_dev = m->iommu;
	md->dev_iommu.priv = NULL;
	dev->iommu = &md->dev_iommu;

	ret = iommu_core_add_device(dev);
	if (ret) {
		pr_err("pci-model: %s: no iommu_group (%d)\n", dev_name(dev),
		       ret);
		dev->iommu = NULL;
		return;
	}

	if (m->iommu_ops && m->iommu_ops->probe_device) {
		ret = m->iommu_ops->probe_device(dev, m->iommu_data);
		if (ret)
			pr_err("pci-model: %s: IOMMU probe failed (%d)\n",
			       dev_name(dev), ret);
	}
}

static void iommu_detach_one(struct pci_model *m, struct pci_model_dev *md)
{
	struct device *dev = &md->pdev.dev;

	if (!dev->iommu)
		return;

	if (m->iommu_ops && m->iommu_ops->release_device)
		m->iommu_ops->release_device(dev, m->iommu_data);
	iommu_core_remove_device(dev);
	dev->iommu = NULL;
	md->dev_iommu.iommu_dev = NULL;
	md->dev_iommu.priv = NULL;
}

/**
 * pci_model_add_dev() - Hot-add (or enumerate) a device.
 * @m: the model.
 * @bus: the bus it sits on.
 * @devfn: its device/function on @bus.
 * @kind: what it is.
 * @secondary_busnr: for the bridge kinds, the number of the bus created
 *	behind it; ignored for endpoints.
 *
 * Links the device, names it "SSSS:BB:DD.F", puts it behind the model's
 * IOMMU (group, driver probe) and calls the bus notifier.
 *
 * Return: the device, or NULL if the requester id or bus number is taken,
 * @bus is not the model's, or out of memory.
 */
struct pci_dev *pci_model_add_dev(struct pci_model *m, struct pci_bus *bus,
				  unsigned int devfn, enum pci_model_kind kind,
				  unsigned int secondary_busnr)
{
	struct pci_model_dev *md;
	struct pci_dev *pdev;
	bool bridge = true;

	if (!bus || !bus_in_model(m, bus) || devfn >= MAX_NR_DEVFNS) {
		pr_err("pci-model: bad bus or devfn %#x\n", devfn);
		return NULL;
	}
	if (pci_model_find(m, PCI_DEVID(bus->number, devfn))) {
		pr_err("pci-model: %04x:%02x:%02x.%d already exists\n",
		       m->segment, bus->number, PCI_SLOT(devfn),
		       PCI_FUNC(devfn));
		return NULL;
	}

	md = kzalloc(sizeof(*md), GFP_KERNEL);
	if (!md)
		return NULL;
	pdev = &md->pdev;
	md->m = m;
	md->kind = kind;
	pdev->bus = bus;
	pdev->devfn = devfn;
	pdev->dev.is_pci = true;
	pdev->dev.model = m;
	snprintf(pdev->dev.name, sizeof(pdev->dev.name), "%04x:%02x:%02x.%d",
		 m->segment, bus->number, PCI_SLOT(devfn), PCI_FUNC(devfn));

	switch (kind) {
	case PCI_MODEL_ENDPOINT_PCIE:
		pdev->is_pcie = true;
		pdev->pcie_type = PCI_EXP_TYPE_ENDPOINT;
		bridge = false;
		break;
	case PCI_MODEL_ENDPOINT_PCI:
		bridge = false;
		break;
	case PCI_MODEL_SRIOV_VF:
		/* virtfn_add(): a PCIe endpoint, multifunction cleared. */
		pdev->is_pcie = true;
		pdev->pcie_type = PCI_EXP_TYPE_ENDPOINT;
		pdev->is_virtfn = true;
		bridge = false;
		break;
	case PCI_MODEL_ROOT_PORT:
		pdev->is_pcie = true;
		pdev->pcie_type = PCI_EXP_TYPE_ROOT_PORT;
		md->acs = true;
		break;
	case PCI_MODEL_PCIE_PCI_BRIDGE:
		pdev->is_pcie = true;
		pdev->pcie_type = PCI_EXP_TYPE_PCI_BRIDGE;
		break;
	case PCI_MODEL_PCI_BRIDGE:
		break;
	case PCI_MODEL_SWITCH_UP:
		pdev->is_pcie = true;
		pdev->pcie_type = PCI_EXP_TYPE_UPSTREAM;
		break;
	case PCI_MODEL_SWITCH_DOWN:
		pdev->is_pcie = true;
		pdev->pcie_type = PCI_EXP_TYPE_DOWNSTREAM;
		md->acs = true;
		break;
	default:
		kfree(md);
		return NULL;
	}

	if (bridge) {
		pdev->subordinate = new_bus(m, bus, pdev, secondary_busnr);
		if (!pdev->subordinate) {
			kfree(md);
			return NULL;
		}
	}

	list_add_tail(&md->node, &m->devs);
	m->nr_devs++;

	iommu_attach_one(m, md);

	if (m->notify)
		m->notify(pdev, true, m->notify_data);
	return pdev;
}

static struct pci_model_dev *first_child(struct pci_model *m,
					 struct pci_bus *bus)
{
	struct pci_model_dev *md;

	/* Latest first: undo enumeration order. */
	list_for_each_entry_reverse(md, &m->devs, node)
		if (md->pdev.bus == bus)
			return md;
	return NULL;
}

static struct pci_model_bus *first_child_bus(struct pci_model *m,
					     struct pci_bus *bus)
{
	struct pci_model_bus *mb;

	list_for_each_entry_reverse(mb, &m->buses, node)
		if (mb->bus.parent == bus && !mb->bus.self)
			return mb;
	return NULL;
}

static void remove_bus(struct pci_model *m, struct pci_bus *bus);

static void remove_one(struct pci_model *m, struct pci_model_dev *md)
{
	struct pci_dev *pdev = &md->pdev;

	if (pdev->subordinate) {
		remove_bus(m, pdev->subordinate);
		pdev->subordinate = NULL;
	}

	if (m->notify)
		m->notify(pdev, false, m->notify_data);
	iommu_detach_one(m, md);

	list_del(&md->node);
	m->nr_devs--;
	kfree(md);
}

/* Remove every device on @bus and every virtual bus below it, then @bus. */
static void remove_bus(struct pci_model *m, struct pci_bus *bus)
{
	struct pci_model_bus *vb;
	struct pci_model_dev *md;

	while ((md = first_child(m, bus)))
		remove_one(m, md);
	while ((vb = first_child_bus(m, bus)))
		remove_bus(m, &vb->bus);

	list_del(&to_mbus(bus)->node);
	kfree(to_mbus(bus));
}

/**
 * pci_model_remove_dev() - Hot-remove a device and everything below it.
 * @m: the model.
 * @pdev: the device; for a bridge, its subordinate bus and every device
 *	behind it are removed first, deepest first, each with its own events.
 */
void pci_model_remove_dev(struct pci_model *m, struct pci_dev *pdev)
{
	if (WARN_ON(!pdev || to_mdev(pdev)->m != m))
		return;
	remove_one(m, to_mdev(pdev));
}

/**
 * pci_model_destroy() - Hot-remove every device and free the model.
 * @m: the model (NULL is fine).
 */
void pci_model_destroy(struct pci_model *m)
{
	struct pci_model_bus *mb;

	if (!m)
		return;
	remove_bus(m, m->root);
	/* Virtual buses whose parent went away with it. */
	while (!list_empty(&m->buses)) {
		mb = list_first_entry(&m->buses, struct pci_model_bus, node);
		remove_bus(m, &mb->bus);
	}
	WARN_ON(!list_empty(pci_model_group_list(m)));
	kfree(m);
}

/**
 * pci_model_add_dma_alias() - Add a quirk DMA alias on the device's bus.
 * @pdev: the device.
 * @devfn: the aliased devfn (a phantom function, or a quirk's).
 *
 * Like pci_add_dma_alias(pdev, devfn, 1). Call it before the IOMMU probes
 * the device (right after pci_model_add_dev() with no IOMMU set, or from the
 * notifier) if the group must account for it, as the kernel's fixups do.
 */
void pci_model_add_dma_alias(struct pci_dev *pdev, unsigned int devfn)
{
	if (WARN_ON(devfn >= MAX_NR_DEVFNS))
		return;
	set_bit(devfn, pdev->dma_alias_mask);
	pdev->has_dma_alias = true;
}

/**
 * pci_model_set_dma_real() - Model the pci_real_dma_dev() quirk.
 * @pdev: the device.
 * @real: the device whose requester id @pdev's DMA carries, or NULL.
 */
void pci_model_set_dma_real(struct pci_dev *pdev, struct pci_dev *real)
{
	pdev->dma_real = real;
}

/**
 * pci_model_set_acs() - Give a device ACS (SV, RR, CR, UF) or take it away.
 * @pdev: the device.
 * @acs: whether its ACS capability has the flags pci_device_group() needs.
 *
 * Root and switch downstream ports have it by default; conventional PCI
 * devices and PCIe-to-PCI bridges never do, whatever this says
 * (pci_acs_enabled()).
 */
void pci_model_set_acs(struct pci_dev *pdev, bool acs)
{
	to_mdev(pdev)->acs = acs;
}

/**
 * pci_model_set_multifunction() - Force the multifunction header bit.
 * @pdev: the device.
 * @multifunction: its value.
 *
 * Without it, a device is multifunction when another device shares its bus
 * and slot.
 */
void pci_model_set_multifunction(struct pci_dev *pdev, bool multifunction)
{
	to_mdev(pdev)->multifunction = multifunction;
}

static int same_slot(struct pci_dev *tmp, void *data)
{
	struct pci_dev *pdev = data;

	return tmp != pdev && tmp->bus == pdev->bus &&
	       PCI_SLOT(tmp->devfn) == PCI_SLOT(pdev->devfn);
}

bool pci_model_is_multifunction(struct pci_dev *pdev)
{
	struct pci_model_dev *md = to_mdev(pdev);

	if (pdev->is_virtfn)	/* virtfn_add() clears it */
		return false;
	return md->multifunction || pci_model_for_each_dev(md->m, same_slot,
							   pdev);
}

/**
 * pci_model_acs_enabled() - Model of pci_acs_enabled(pdev, REQ_ACS_FLAGS).
 * @pdev: the device.
 *
 * Follows the 7.3 rules: conventional PCI never, PCIe-to-PCI and
 * PCI-to-PCIe bridges never, root and downstream ports if their ACS is on,
 * endpoints and upstream ports: true when single function, else their ACS.
 *
 * Return: whether @pdev isolates as pci_device_group() requires.
 */
bool pci_model_acs_enabled(struct pci_dev *pdev)
{
	struct pci_model_dev *md = to_mdev(pdev);

	if (!pci_is_pcie(pdev))
		return false;

	switch (pci_pcie_type(pdev)) {
	case PCI_EXP_TYPE_PCIE_BRIDGE:
	case PCI_EXP_TYPE_PCI_BRIDGE:
		return false;
	case PCI_EXP_TYPE_DOWNSTREAM:
	case PCI_EXP_TYPE_ROOT_PORT:
		return md->acs;
	case PCI_EXP_TYPE_ENDPOINT:
	case PCI_EXP_TYPE_UPSTREAM:
	case PCI_EXP_TYPE_LEG_END:
	case PCI_EXP_TYPE_RC_END:
		if (!pci_model_is_multifunction(pdev))
			break;
		return md->acs;
	}
	return true;
}

/**
 * pci_model_set_notifier() - Set the bus notifier.
 * @m: the model.
 * @fn: called after a device is added (@added true) and before it is
 *	removed (@added false); NULL to clear.
 * @data: passed to @fn.
 */
void pci_model_set_notifier(struct pci_model *m, pci_model_notifier_t fn,
			    void *data)
{
	m->notify = fn;
	m->notify_data = data;
}

/**
 * pci_model_set_iommu_ops() - Set the IOMMU driver's probe/release hooks.
 * @m: the model.
 * @ops: the hooks, or NULL.
 * @data: passed to them.
 *
 * Set them before pci_model_set_iommu() so that devices already present
 * are probed, as iommu_device_register() probes a bus.
 */
void pci_model_set_iommu_ops(struct pci_model *m,
			     const struct pci_model_iommu_ops *ops, void *data)
{
	m->iommu_ops = ops;
	m->iommu_data = data;
}

/**
 * pci_model_set_iommu() - Put every device, present and future, behind an
 *	IOMMU.
 * @m: the model.
 * @iommu: the unit's &struct iommu_device, or NULL to take every device
 *	away from the current one (release hook, group left, dev->iommu NULL,
 *	latest device first).
 *
 * One unit per model for now. Present devices get dev->iommu, a group and
 * the probe hook, in add order; setting the same unit again does nothing.
 */
void pci_model_set_iommu(struct pci_model *m, struct iommu_device *iommu)
{
	struct pci_model_dev *md;

	if (m->iommu == iommu)
		return;

	if (m->iommu) {
		list_for_each_entry_reverse(md, &m->devs, node)
			iommu_detach_one(m, md);
	}

	m->iommu = iommu;
	if (!iommu)
		return;
	list_for_each_entry(md, &m->devs, node)
		iommu_attach_one(m, md);
}

struct iommu_device *pci_model_iommu(struct pci_model *m)
{
	return m->iommu;
}

/**
 * pci_model_next_iommu_seq() - Number the IOMMU units of this "kernel".
 * @m: the model.
 *
 * Return: 0 for the first caller, then 1, 2...: the "dmar%d" index.
 */
int pci_model_next_iommu_seq(struct pci_model *m)
{
	return m->next_iommu_seq++;
}

struct list_head *pci_model_group_list(struct pci_model *m)
{
	return &m->groups;
}

int pci_model_alloc_group_id(struct pci_model *m)
{
	return m->next_group_id++;
}

struct pci_dev *pci_real_dma_dev(struct pci_dev *dev)
{
	return dev->dma_real ? dev->dma_real : dev;
}

/*
 * pci_for_each_dma_alias - Iterate over DMA aliases for a device
 * @pdev: starting downstream device
 * @fn: function to call for each alias
 * @data: opaque data to pass to @fn
 *
 * Starting @pdev, walk up the bus calling @fn for each possible alias
 * of @pdev at the root bus.
 *
 * DUPLICATE of drivers/pci/search.c:pci_for_each_dma_alias() (Linux 7.3).
 */
int pci_for_each_dma_alias(struct pci_dev *pdev,
			   int (*fn)(struct pci_dev *pdev,
				     u16 alias, void *data), void *data)
{
	struct pci_bus *bus;
	int ret;

	/*
	 * The device may have an explicit alias requester ID for DMA where the
	 * requester is on another PCI bus.
	 */
	pdev = pci_real_dma_dev(pdev);

	ret = fn(pdev, pci_dev_id(pdev), data);
	if (ret)
		return ret;

	/*
	 * If the device is broken and uses an alias requester ID for
	 * DMA, iterate over that too.
	 */
	if (unlikely(pdev->has_dma_alias)) {
		unsigned int devfn;

		for_each_set_bit(devfn, pdev->dma_alias_mask, MAX_NR_DEVFNS) {
			ret = fn(pdev, PCI_DEVID(pdev->bus->number, devfn),
				 data);
			if (ret)
				return ret;
		}
	}

	for (bus = pdev->bus; !pci_is_root_bus(bus); bus = bus->parent) {
		struct pci_dev *tmp;

		/* Skip virtual buses */
		if (!bus->self)
			continue;

		tmp = bus->self;

		/* stop at bridge where translation unit is associated */
		if (tmp->dev_flags & PCI_DEV_FLAGS_BRIDGE_XLATE_ROOT)
			return ret;

		/*
		 * PCIe-to-PCI/X bridges alias transactions from downstream
		 * devices using the subordinate bus number (PCI Express to
		 * PCI/PCI-X Bridge Spec, rev 1.0, sec 2.3).  For all cases
		 * where the upstream bus is PCI/X we alias to the bridge
		 * (there are various conditions in the previous reference
		 * where the bridge may take ownership of transactions, even
		 * when the secondary interface is PCI-X).
		 */
		if (pci_is_pcie(tmp)) {
			switch (pci_pcie_type(tmp)) {
			case PCI_EXP_TYPE_ROOT_PORT:
			case PCI_EXP_TYPE_UPSTREAM:
			case PCI_EXP_TYPE_DOWNSTREAM:
				continue;
			case PCI_EXP_TYPE_PCI_BRIDGE:
				if (tmp->dev_flags & PCI_DEV_FLAGS_PCI_BRIDGE_NO_ALIAS)
					continue;
				ret = fn(tmp,
					 PCI_DEVID(tmp->subordinate->number,
						   PCI_DEVFN(0, 0)), data);
				if (ret)
					return ret;
				continue;
			case PCI_EXP_TYPE_PCIE_BRIDGE:
				ret = fn(tmp, pci_dev_id(tmp), data);
				if (ret)
					return ret;
				continue;
			}
		} else {
			if (tmp->dev_flags & PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS)
				ret = fn(tmp,
					 PCI_DEVID(tmp->subordinate->number,
						   PCI_DEVFN(0, 0)), data);
			else
				ret = fn(tmp, pci_dev_id(tmp), data);
			if (ret)
				return ret;
		}
	}

	return ret;
}

struct alias_collect {
	u16 *rids;
	int max;
	int nr;
};

static int collect_alias(struct pci_dev *pdev __always_unused, u16 alias, void *data)
{
	struct alias_collect *c = data;

	if (c->nr < c->max)
		c->rids[c->nr] = alias;
	c->nr++;
	return 0;
}

/**
 * pci_model_dma_aliases() - List the requester ids a device DMAs with.
 * @pdev: the device.
 * @rids: out: the ids, in pci_for_each_dma_alias() order (duplicates kept).
 * @max: room in @rids.
 *
 * Return: how many ids pci_for_each_dma_alias() yields (may exceed @max).
 */
int pci_model_dma_aliases(struct pci_dev *pdev, u16 *rids, int max)
{
	struct alias_collect c = { .rids = rids, .max = max };

	pci_for_each_dma_alias(pdev, collect_alias, &c);
	return c.nr;
}
