// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-lu core: the debugfs view of the registry and of the handover.
 */

/**
 * DOC: debugfs
 *
 * With CONFIG_IOMMU_LU_DEBUGFS the core shows what it keeps for the next
 * kernel in the debugfs directory iommu_lu/ (/sys/kernel/debug/iommu_lu/),
 * created at late_initcall. The files are read-only, for root (they print
 * physical addresses), and change nothing. Each is a snapshot taken under
 * &lu_core.lock: a text file's when it is first read, the handover's when
 * it is opened.
 *
 * The text files print one record per line, a record name and then
 * space-separated key=value fields. Keys come in a fixed order, new keys are
 * only ever appended to a line, and values have no spaces, so scripts can
 * grep and cut. Numbers are decimal, or hexadecimal with a 0x prefix. A
 * requester id is printed as bus:device.function (bb:dd.f, hexadecimal, as
 * /sys/kernel/debug/iommu/intel/dmar_translation_struct prints it) and as
 * its 16-bit value (0xbbdf). "-" is a value that does not apply.
 *
 * - state: one key=value per line, without a record name. state
 *   (collecting, frozen); incoming, what retrieve found (unknown, none,
 *   valid, bad); units, units_fresh, units_adopted, units_blocked,
 *   units_preserving (units with preserved devices); devices (tracked),
 *   devices_preserved, devices_adopted; domains, domains_preserved,
 *   domains_adopted; pages (hardware pages in the registry),
 *   pages_preserved, pages_adopted; handover (1 while a handover is
 *   published), handover_phys, handover_generation, handover_flags,
 *   handover_bytes (what the handover file holds now); records_unit,
 *   records_domain, records_device, records_page and blocks_unit,
 *   blocks_domain, blocks_device, blocks_page (the handover's chains);
 *   in_units, in_domains, in_devices, in_pages (the incoming handover, 0
 *   unless incoming=valid).
 *
 * - units: one line per unit the IOMMU drivers added, in the order they
 *   were added, e.g.
 *   "unit token=0xfed90000 id=1 vendor=intel-vtd backend=intel-vtd
 *   segment=0000 mode=legacy boot=FRESH preserved=3 adopted=0
 *   root=0x1f000 cleaned=0 dids=2 root_pages=1": the token (register
 *   base), id in the handover, vendor and the backend handling it ("-":
 *   none registered), PCI segment, mode (VT-d: legacy or scalable, else a
 *   number), boot state (FRESH, ADOPTED or BLOCKED), preserved and adopted
 *   devices, the root table the preserved or adopted tables hang from (0x0:
 *   none), whether the kexec-time cleanup ran, the hardware domain ids in
 *   use and the unit-wide pages (root table) preserved.
 *
 * - devices: one line per tracked device, by segment and requester id, e.g.
 *   "device name=0000:01:00.0 sbdf=0000:01:00.0 rid=01:00.0 rid16=0x0100
 *   nr_rids=1 rids=01:00.0 rids16=0x0100 preserved=1 adopted=0
 *   unit=0xfed90000 domain=1 pgtable=0x23000 did=2 did_hex=0x2 pages=1":
 *   the device's name ("-": adopted and not bound to a device yet),
 *   segment:bus:device.function, own requester id, every requester id it
 *   DMAs with (its own first, then its aliases, comma separated), whether it
 *   is preserved and whether it is adopted, its unit's token, then the
 *   domain it is preserved on (else adopted on): id in the handover,
 *   page-table root and hardware domain id (VT-d DID) in decimal and hex
 *   ("-" for a device that is only tracked); last, the lookup pages
 *   (context tables, PASID structures) preserved for its requester ids (0
 *   unless it is preserved).
 *
 * - domains: one line per domain (page table) preserved or adopted devices
 *   use, by id, e.g. "domain id=1 pgtable=0x23000 levels=4 pages=3 refs=2
 *   arefs=0 caller=1 owned=0 leak=0 dids=0xfed90000:2
 *   dids_hex=0xfed90000:0x2": id in the handover, page-table root and
 *   levels, page-table pages, preserved (refs) and adopted (arefs) devices
 *   attached on every unit,
 *   whether a caller (VFIO/iommufd) owns it, whether the core owns its tables
 *   (adopted from the previous kernel), whether they must be leaked, and
 *   its hardware domain id on each unit as token:id, comma separated.
 *
 * - pages: one line per hardware page in the registry, by address, e.g.
 *   "page phys=0x1f000 kind=root owner=1 refs=1 arefs=0 preserved=1":
 *   kind (root, context, pgtable, pasid-dir, pasid-table), owner (a unit
 *   id; a domain id for pgtable), its preserved users (refs: the preserved
 *   devices whose ids use it; 1 for a root table, held by its unit, and
 *   for a page-table page, held by its domain) and adopted users (arefs),
 *   and whether it is KHO-preserved for the next kernel and recorded in the
 *   handover, that is, whether refs is non-zero.
 *
 * - handover: binary, the outgoing handover as lu_ser_dump() copies it
 *   (&struct iommu_lu_dump_page_ser and a page, the header page first, then
 *   every block of every chain), which tools/iommu-lu-decode validates and
 *   prints. Empty while nothing is preserved.
 */

#define pr_fmt(fmt) "iommu-lu: " fmt

#include "lu_core.h"

/* Read-only, and for root only: the files print physical addresses. */
#define LU_DBG_MODE	0400

static const char *const lu_dbg_vendors[IOMMU_LU_VENDOR_NR] = {
	[IOMMU_LU_VENDOR_NONE] = "none",
	[IOMMU_LU_VENDOR_INTEL_VTD] = "intel-vtd",
	[IOMMU_LU_VENDOR_AMD_VI] = "amd-vi",
	[IOMMU_LU_VENDOR_ARM_SMMU_V3] = "arm-smmu-v3",
};

static const char *const lu_dbg_kinds[IOMMU_LU_PAGE_KIND_NR] = {
	[IOMMU_LU_PAGE_NONE] = "none",
	[IOMMU_LU_PAGE_ROOT] = "root",
	[IOMMU_LU_PAGE_CONTEXT] = "context",
	[IOMMU_LU_PAGE_PGTABLE] = "pgtable",
	[IOMMU_LU_PAGE_PASID_DIR] = "pasid-dir",
	[IOMMU_LU_PAGE_PASID_TABLE] = "pasid-table",
};

static const char *const lu_dbg_boots[] = {
	[IOMMU_LU_UNIT_FRESH] = "FRESH",
	[IOMMU_LU_UNIT_ADOPTED] = "ADOPTED",
	[IOMMU_LU_UNIT_BLOCKED] = "BLOCKED",
};

static const char *const lu_dbg_incoming[] = {
	[LU_IN_UNKNOWN] = "unknown",
	[LU_IN_NONE] = "none",
	[LU_IN_VALID] = "valid",
	[LU_IN_BAD] = "bad",
};

static const char *const lu_dbg_recs[IOMMU_LU_REC_NR] = {
	[IOMMU_LU_REC_UNIT] = "unit",
	[IOMMU_LU_REC_DOMAIN] = "domain",
	[IOMMU_LU_REC_DEVICE] = "device",
	[IOMMU_LU_REC_PAGE] = "page",
};

static const char *lu_dbg_name(const char *const *names, size_t nr,
			       unsigned int i)
{
	return i < nr && names[i] ? names[i] : "unknown";
}

/* A requester id as bus:device.function, as the VT-d driver prints it. */
static void lu_dbg_bdf(struct seq_file *m, u16 rid)
{
	seq_printf(m, "%02x:%02x.%x", PCI_BUS_NUM(rid), PCI_SLOT(rid & 0xff),
		   PCI_FUNC(rid & 0xff));
}

/* ---------------------------------------------------------------------- */
/* state                                                                    */

/**
 * struct lu_dbg_counts - What the registry holds, counted for "state".
 * @units: units added.
 * @boot: units per &enum iommu_lu_boot_state.
 * @units_preserving: units with preserved devices.
 * @devices: tracked devices.
 * @devices_preserved: preserved devices.
 * @devices_adopted: adopted devices not yet released.
 * @domains: domains in the registry.
 * @domains_preserved: domains with preserved devices.
 * @domains_adopted: domains with adopted devices.
 * @pages: hardware pages in the registry.
 * @pages_preserved: pages KHO-preserved for the next kernel.
 * @pages_adopted: pages adopted devices or units use.
 */
struct lu_dbg_counts {
	unsigned int units;
	unsigned int boot[ARRAY_SIZE(lu_dbg_boots)];
	unsigned int units_preserving;
	unsigned int devices;
	unsigned int devices_preserved;
	unsigned int devices_adopted;
	unsigned int domains;
	unsigned int domains_preserved;
	unsigned int domains_adopted;
	unsigned int pages;
	unsigned int pages_preserved;
	unsigned int pages_adopted;
};

/**
 * lu_dbg_count() - Count what the registry holds.
 * @c: out: the counts; zeroed by the caller.
 *
 * Context: &lu_core.lock held.
 */
static void lu_dbg_count(struct lu_dbg_counts *c)
{
	struct iommu_lu_unit *unit;
	struct lu_device *ld;
	struct lu_domain *dom;
	struct lu_page *p;
	unsigned int bkt;

	lockdep_assert_held(&lu.lock);
	list_for_each_entry(unit, &lu.units, node) {
		c->units++;
		if (unit->boot < ARRAY_SIZE(c->boot))
			c->boot[unit->boot]++;
		c->units_preserving += !!unit->nr_preserved;
	}
	hash_for_each(lu.devices_by_rid, bkt, ld, rid_node) {
		c->devices++;
		c->devices_preserved += ld->preserved;
		c->devices_adopted += ld->adopted;
	}
	hash_for_each(lu.domains, bkt, dom, node) {
		c->domains++;
		c->domains_preserved += !!dom->nr_devices;
		c->domains_adopted += !!dom->nr_adopted;
	}
	hash_for_each(lu.pages, bkt, p, node) {
		c->pages++;
		c->pages_preserved += !!p->refs;
		c->pages_adopted += !!p->arefs;
	}
}

/**
 * lu_dbg_state_show() - The "state" file.
 * @m: the seq_file.
 * @v: unused.
 *
 * Return: 0.
 */
static int lu_dbg_state_show(struct seq_file *m, void *v)
{
	struct lu_dbg_counts c = { };
	struct iommu_lu_header_ser *hdr;
	unsigned int k;
	bool in;

	lu_lock_read();
	lu_dbg_count(&c);
	hdr = lu.hdr;
	in = lu.in_state == LU_IN_VALID;
	seq_printf(m, "state=%s\n",
		   lu.state == LU_STATE_FROZEN ? "frozen" : "collecting");
	seq_printf(m, "incoming=%s\n",
		   lu_dbg_name(lu_dbg_incoming, ARRAY_SIZE(lu_dbg_incoming),
			       lu.in_state));
	seq_printf(m, "units=%u\n", c.units);
	seq_printf(m, "units_fresh=%u\n", c.boot[IOMMU_LU_UNIT_FRESH]);
	seq_printf(m, "units_adopted=%u\n", c.boot[IOMMU_LU_UNIT_ADOPTED]);
	seq_printf(m, "units_blocked=%u\n", c.boot[IOMMU_LU_UNIT_BLOCKED]);
	seq_printf(m, "units_preserving=%u\n", c.units_preserving);
	seq_printf(m, "devices=%u\n", c.devices);
	seq_printf(m, "devices_preserved=%u\n", c.devices_preserved);
	seq_printf(m, "devices_adopted=%u\n", c.devices_adopted);
	seq_printf(m, "domains=%u\n", c.domains);
	seq_printf(m, "domains_preserved=%u\n", c.domains_preserved);
	seq_printf(m, "domains_adopted=%u\n", c.domains_adopted);
	seq_printf(m, "pages=%u\n", c.pages);
	seq_printf(m, "pages_preserved=%u\n", c.pages_preserved);
	seq_printf(m, "pages_adopted=%u\n", c.pages_adopted);
	seq_printf(m, "handover=%d\n", !!hdr);
	seq_printf(m, "handover_phys=0x%llx\n",
		   hdr ? (unsigned long long)virt_to_phys(hdr) : 0ULL);
	seq_printf(m, "handover_generation=%llu\n",
		   hdr ? (unsigned long long)hdr->generation : 0ULL);
	seq_printf(m, "handover_flags=0x%x\n", hdr ? hdr->flags : 0);
	seq_printf(m, "handover_bytes=%zu\n", lu_ser_dump(NULL, 0));
	for (k = 0; k < IOMMU_LU_REC_NR; k++)
		seq_printf(m, "records_%s=%u\n", lu_dbg_recs[k],
			   lu.chains[k].nr_records);
	for (k = 0; k < IOMMU_LU_REC_NR; k++)
		seq_printf(m, "blocks_%s=%u\n", lu_dbg_recs[k],
			   lu.chains[k].nr_blocks);
	seq_printf(m, "in_units=%u\n", in ? lu.in.nr_units : 0);
	seq_printf(m, "in_domains=%u\n", in ? lu.in.nr_domains : 0);
	seq_printf(m, "in_devices=%u\n", in ? lu.in.nr_devices : 0);
	seq_printf(m, "in_pages=%u\n", in ? lu.in.nr_pages : 0);
	lu_unlock_read();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lu_dbg_state);

/* ---------------------------------------------------------------------- */
/* units                                                                    */

/**
 * lu_dbg_unit_line() - Print one unit.
 * @m: the seq_file.
 * @unit: the unit.
 *
 * Context: &lu_core.lock held.
 */
static void lu_dbg_unit_line(struct seq_file *m, struct iommu_lu_unit *unit)
{
	const struct iommu_lu_unit_desc *desc = &unit->desc;
	const char *vendor, *boot;
	struct lu_attach *att;
	unsigned int bkt, dids = 0;

	lockdep_assert_held(&lu.lock);
	hash_for_each(unit->attach, bkt, att, node)
		dids++;
	vendor = lu_dbg_name(lu_dbg_vendors, ARRAY_SIZE(lu_dbg_vendors),
			     desc->vendor);
	boot = lu_dbg_name(lu_dbg_boots, ARRAY_SIZE(lu_dbg_boots), unit->boot);
	seq_printf(m, "unit token=0x%llx id=%u vendor=%s backend=%s segment=%04x mode=",
		   desc->token, unit->id, vendor,
		   unit->ops ? unit->ops->name : "-", desc->segment);
	if (desc->vendor == IOMMU_LU_VENDOR_INTEL_VTD &&
	    desc->mode == IOMMU_LU_MODE_VTD_LEGACY)
		seq_puts(m, "legacy");
	else if (desc->vendor == IOMMU_LU_VENDOR_INTEL_VTD &&
		 desc->mode == IOMMU_LU_MODE_VTD_SCALABLE)
		seq_puts(m, "scalable");
	else
		seq_printf(m, "%u", desc->mode);
	seq_printf(m, " boot=%s preserved=%u adopted=%u root=0x%llx cleaned=%d dids=%u root_pages=%u\n",
		   boot, unit->nr_preserved, unit->nr_adopted, unit->root_phys,
		   unit->cleaned, dids, unit->nr_unit_pages);
}

/**
 * lu_dbg_units_show() - The "units" file.
 * @m: the seq_file.
 * @v: unused.
 *
 * Return: 0.
 */
static int lu_dbg_units_show(struct seq_file *m, void *v)
{
	struct iommu_lu_unit *unit;

	lu_lock_read();
	list_for_each_entry(unit, &lu.units, node)
		lu_dbg_unit_line(m, unit);
	lu_unlock_read();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lu_dbg_units);

/* ---------------------------------------------------------------------- */
/* devices                                                                  */

static int lu_dbg_cmp_device(const void *a, const void *b)
{
	const struct lu_device *x = *(const struct lu_device * const *)a;
	const struct lu_device *y = *(const struct lu_device * const *)b;
	u32 kx = (u32)x->segment << 16 | x->rids[0];
	u32 ky = (u32)y->segment << 16 | y->rids[0];

	if (kx != ky)
		return kx < ky ? -1 : 1;
	return x->unit->id < y->unit->id ? -1 : x->unit->id > y->unit->id;
}

/**
 * lu_dbg_device_line() - Print one tracked device.
 * @m: the seq_file.
 * @ld: the device.
 *
 * Context: &lu_core.lock held.
 */
static void lu_dbg_device_line(struct seq_file *m, const struct lu_device *ld)
{
	const struct lu_attach *att = ld->preserved ? ld->att : ld->aatt;
	unsigned int i;

	lockdep_assert_held(&lu.lock);
	seq_printf(m, "device name=%s sbdf=%04x:",
		   ld->dev ? dev_name(ld->dev) : "-", ld->segment);
	lu_dbg_bdf(m, ld->rids[0]);
	seq_puts(m, " rid=");
	lu_dbg_bdf(m, ld->rids[0]);
	seq_printf(m, " rid16=0x%04x nr_rids=%u rids=", ld->rids[0],
		   ld->nr_rids);
	for (i = 0; i < ld->nr_rids; i++) {
		if (i)
			seq_putc(m, ',');
		lu_dbg_bdf(m, ld->rids[i]);
	}
	seq_puts(m, " rids16=");
	for (i = 0; i < ld->nr_rids; i++)
		seq_printf(m, "%s0x%04x", i ? "," : "", ld->rids[i]);
	seq_printf(m, " preserved=%d adopted=%d unit=0x%llx", ld->preserved,
		   ld->adopted, ld->unit->desc.token);
	if (att)
		seq_printf(m, " domain=%u pgtable=0x%llx did=%u did_hex=0x%x",
			   att->dom->id, att->dom->pgtable_phys, att->hw_id,
			   att->hw_id);
	else
		seq_puts(m, " domain=- pgtable=- did=- did_hex=-");
	seq_printf(m, " pages=%u\n", ld->nr_pages);
}

/**
 * lu_dbg_devices_show() - The "devices" file.
 * @m: the seq_file.
 * @v: unused.
 *
 * Return: 0, or -ENOMEM.
 */
static int lu_dbg_devices_show(struct seq_file *m, void *v)
{
	struct lu_device *ld, **all;
	unsigned int bkt, nr = 0, i = 0;

	lu_lock_read();
	hash_for_each(lu.devices_by_rid, bkt, ld, rid_node)
		nr++;
	all = kvmalloc_objs(*all, max(nr, 1U));
	if (!all) {
		lu_unlock_read();
		return -ENOMEM;
	}
	hash_for_each(lu.devices_by_rid, bkt, ld, rid_node)
		all[i++] = ld;
	sort(all, nr, sizeof(*all), lu_dbg_cmp_device, NULL);
	for (i = 0; i < nr; i++)
		lu_dbg_device_line(m, all[i]);
	lu_unlock_read();
	kvfree(all);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lu_dbg_devices);

/* ---------------------------------------------------------------------- */
/* domains                                                                  */

static int lu_dbg_cmp_domain(const void *a, const void *b)
{
	const struct lu_domain *x = *(const struct lu_domain * const *)a;
	const struct lu_domain *y = *(const struct lu_domain * const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/**
 * lu_dbg_domain_dids() - Print a domain's hardware id on each unit.
 * @m: the seq_file.
 * @dom: the domain.
 * @hex: print the ids in hex.
 *
 * Context: &lu_core.lock held.
 */
static void lu_dbg_domain_dids(struct seq_file *m, const struct lu_domain *dom,
			       bool hex)
{
	struct iommu_lu_unit *unit;
	struct lu_attach *att;
	unsigned int bkt, n = 0;

	lockdep_assert_held(&lu.lock);
	list_for_each_entry(unit, &lu.units, node) {
		hash_for_each(unit->attach, bkt, att, node) {
			if (att->dom != dom)
				continue;
			if (n++)
				seq_putc(m, ',');
			if (hex)
				seq_printf(m, "0x%llx:0x%x", unit->desc.token,
					   att->hw_id);
			else
				seq_printf(m, "0x%llx:%u", unit->desc.token,
					   att->hw_id);
		}
	}
	if (!n)
		seq_putc(m, '-');
}

/**
 * lu_dbg_domain_line() - Print one domain.
 * @m: the seq_file.
 * @dom: the domain.
 *
 * Context: &lu_core.lock held.
 */
static void lu_dbg_domain_line(struct seq_file *m, const struct lu_domain *dom)
{
	lockdep_assert_held(&lu.lock);
	seq_printf(m, "domain id=%u pgtable=0x%llx levels=%u pages=%u refs=%u arefs=%u caller=%d owned=%d leak=%d dids=",
		   dom->id, dom->pgtable_phys, dom->levels, dom->nr_pages,
		   dom->nr_devices, dom->nr_adopted, !!dom->domain, dom->owned,
		   dom->leak);
	lu_dbg_domain_dids(m, dom, false);
	seq_puts(m, " dids_hex=");
	lu_dbg_domain_dids(m, dom, true);
	seq_putc(m, '\n');
}

/**
 * lu_dbg_domains_show() - The "domains" file.
 * @m: the seq_file.
 * @v: unused.
 *
 * Return: 0, or -ENOMEM.
 */
static int lu_dbg_domains_show(struct seq_file *m, void *v)
{
	struct lu_domain *dom, **all;
	unsigned int bkt, nr = 0, i = 0;

	lu_lock_read();
	hash_for_each(lu.domains, bkt, dom, node)
		nr++;
	all = kvmalloc_objs(*all, max(nr, 1U));
	if (!all) {
		lu_unlock_read();
		return -ENOMEM;
	}
	hash_for_each(lu.domains, bkt, dom, node)
		all[i++] = dom;
	sort(all, nr, sizeof(*all), lu_dbg_cmp_domain, NULL);
	for (i = 0; i < nr; i++)
		lu_dbg_domain_line(m, all[i]);
	lu_unlock_read();
	kvfree(all);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lu_dbg_domains);

/* ---------------------------------------------------------------------- */
/* pages                                                                    */

static int lu_dbg_cmp_page(const void *a, const void *b)
{
	const struct lu_page *x = *(const struct lu_page * const *)a;
	const struct lu_page *y = *(const struct lu_page * const *)b;

	return x->phys < y->phys ? -1 : x->phys > y->phys;
}

/**
 * lu_dbg_pages_show() - The "pages" file.
 * @m: the seq_file.
 * @v: unused.
 *
 * Return: 0, or -ENOMEM.
 */
static int lu_dbg_pages_show(struct seq_file *m, void *v)
{
	struct lu_page *p, **all;
	unsigned int bkt, nr = 0, i = 0;
	const char *kind;

	lu_lock_read();
	hash_for_each(lu.pages, bkt, p, node)
		nr++;
	all = kvmalloc_objs(*all, max(nr, 1U));
	if (!all) {
		lu_unlock_read();
		return -ENOMEM;
	}
	hash_for_each(lu.pages, bkt, p, node)
		all[i++] = p;
	sort(all, nr, sizeof(*all), lu_dbg_cmp_page, NULL);
	for (i = 0; i < nr; i++) {
		p = all[i];
		kind = lu_dbg_name(lu_dbg_kinds, ARRAY_SIZE(lu_dbg_kinds),
				   p->kind);
		seq_printf(m, "page phys=0x%llx kind=%s owner=%u refs=%u arefs=%u preserved=%d\n",
			   p->phys, kind, p->owner, p->refs, p->arefs, !!p->refs);
	}
	lu_unlock_read();
	kvfree(all);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lu_dbg_pages);

/* ---------------------------------------------------------------------- */
/* handover                                                                 */

/**
 * struct lu_dbg_dump - The handover as it was when the file was opened.
 * @len: bytes in @data; 0 while nothing is preserved.
 * @data: the flat dump lu_ser_dump() copies.
 */
struct lu_dbg_dump {
	size_t len;
	u8 data[] __counted_by(len);
};

/**
 * lu_dbg_handover_open() - Open "handover": copy the handover now.
 * @inode: the file's inode.
 * @file: the file.
 *
 * Return: 0, or -ENOMEM.
 */
static int lu_dbg_handover_open(struct inode *inode, struct file *file)
{
	struct lu_dbg_dump *d;
	size_t len;

	lu_lock_read();
	len = lu_ser_dump(NULL, 0);
	d = kvmalloc_flex(*d, data, len);
	if (d) {
		d->len = len;
		lu_ser_dump(d->data, len);
	}
	lu_unlock_read();
	if (!d)
		return -ENOMEM;
	file->private_data = d;
	return 0;
}

/**
 * lu_dbg_handover_read() - Read "handover": the copy taken at open.
 * @file: the file.
 * @buf: user buffer.
 * @count: its size.
 * @ppos: file position.
 *
 * Return: bytes read, 0 at the end, or -EFAULT.
 */
static ssize_t lu_dbg_handover_read(struct file *file, char __user *buf,
				    size_t count, loff_t *ppos)
{
	const struct lu_dbg_dump *d = file->private_data;

	return simple_read_from_buffer(buf, count, ppos, d->data, d->len);
}

/**
 * lu_dbg_handover_release() - Close "handover".
 * @inode: the file's inode.
 * @file: the file.
 *
 * Return: 0.
 */
static int lu_dbg_handover_release(struct inode *inode, struct file *file)
{
	kvfree(file->private_data);
	return 0;
}

static const struct file_operations lu_dbg_handover_fops = {
	.owner = THIS_MODULE,
	.open = lu_dbg_handover_open,
	.read = lu_dbg_handover_read,
	.llseek = default_llseek,
	.release = lu_dbg_handover_release,
};

/**
 * iommu_lu_debugfs_init() - Create the iommu_lu/ debugfs directory.
 *
 * The core's state is set up at early_initcall and debugfs at
 * core_initcall: both are there by late_initcall. Like every debugfs user,
 * this does not fail when debugfs does: the files are then just missing.
 *
 * Return: 0.
 */
static int __init iommu_lu_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("iommu_lu", NULL);

	debugfs_create_file("state", LU_DBG_MODE, dir, NULL, &lu_dbg_state_fops);
	debugfs_create_file("units", LU_DBG_MODE, dir, NULL, &lu_dbg_units_fops);
	debugfs_create_file("devices", LU_DBG_MODE, dir, NULL,
			    &lu_dbg_devices_fops);
	debugfs_create_file("domains", LU_DBG_MODE, dir, NULL,
			    &lu_dbg_domains_fops);
	debugfs_create_file("pages", LU_DBG_MODE, dir, NULL, &lu_dbg_pages_fops);
	debugfs_create_file("handover", LU_DBG_MODE, dir, NULL,
			    &lu_dbg_handover_fops);
	return 0;
}
late_initcall(iommu_lu_debugfs_init);
