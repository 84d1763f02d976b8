// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace harness, kind: CUSTOM: the end-to-end live-update demo.
 *
 * Usage: iommu-lu-demo [-v] [-d FILE] [-h]
 *
 *   -v       also print the kernel log (pr_*) of every step, marked "|"
 *   -d FILE  write the outgoing handover as a dump file (the debugfs
 *            format); tests/out/iommu-lu-decode FILE prints it in full
 *   -h       this help
 *
 * A simulated machine (tests/harness/machine.h) goes through a whole
 * kexec-based live update, and every step says what happened: which devices
 * were preserved and which refused, which hardware pages the core preserved
 * and how that compares with the least that could be, what the kexec-time
 * cleanup cleared, what the handover holds, and whether each device's DMA
 * survived. It is also a smoke test: every claim it prints is checked, and
 * the exit status is 0 only if all of them held (1 otherwise, 2 on a usage
 * error).
 *
 * It links the objects of the userspace test build (core, vendors, shims,
 * models, harness) without the KUnit runner and suites: "make demo".
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kunit/test.h>
#include "machine.h"
#include "model/physmem.h"
#include "model/kho.h"
#include "../core/lu_core.h"
#include "../vendors/intel/vtd_hw.h"
#include "../golden/dump_map.h"

#define DEMO_PAGES	4	/* pages every owner maps */
#define DEMO_MAX_FAIL	32
#define DEMO_SET_MAX	512
#define DEMO_NOT_RUN	1	/* a DMA result that is not an errno */

/* The runner is not linked; the harness installs its hooks here. */
void (*kunit_hook_before_case)(struct kunit *test);
void (*kunit_hook_after_case)(struct kunit *test);

/*
 * The units. A second unit in scalable mode comes with the scalable-mode
 * issue: add it here, give its devices .unit = 1 in demo_topology, and pass
 * the machine a configuration per unit; every step below loops over units.
 */
static const struct demo_unit_desc {
	const char *mode;
	bool scalable;
} demo_units[] = {
	{ .mode = "legacy" },
};

/* The PCI topology, in plug-in order (a parent before its children). */
enum demo_id {
	RP_01,		/* 00:01.0 root port -> bus 01 */
	EP_01,		/* 01:00.0 */
	RP_02,		/* 00:02.0 root port -> bus 02 */
	EP_02,		/* 02:00.0 */
	RP_1E,		/* 00:1e.0 root port -> bus 03 */
	BR_03,		/* 03:00.0 PCIe-to-PCI bridge -> bus 04 */
	BR_04,		/* 04:01.0 conventional PCI bridge -> bus 05 */
	EP_52,		/* 05:02.0 */
	EP_53,		/* 05:03.0 */
	RP_1F,		/* 00:1f.0 empty hotplug slot -> bus 06 */
	EP_06,		/* 06:00.0, hot-added while the old kernel runs */
	DEMO_NR_DEVS,
};

#define DEMO_ROOT_BUS	(-1)	/* parent of the root ports */

struct demo_dev_desc {
	unsigned int unit;
	int parent;			/* enum demo_id, or %DEMO_ROOT_BUS */
	unsigned int devfn;
	enum pci_model_kind kind;
	unsigned int secbus;		/* bridges: the bus behind */
	bool hotplug;			/* plugged in later, in section 2 */
	const char *owner;		/* endpoints: who DMAs with it */
};

static const struct demo_dev_desc demo_topology[DEMO_NR_DEVS] = {
	[RP_01] = { .parent = DEMO_ROOT_BUS, .devfn = PCI_DEVFN(0x01, 0),
		    .kind = PCI_MODEL_ROOT_PORT, .secbus = 0x01 },
	[EP_01] = { .parent = RP_01, .devfn = PCI_DEVFN(0, 0),
		    .kind = PCI_MODEL_ENDPOINT_PCIE, .owner = "VM A" },
	[RP_02] = { .parent = DEMO_ROOT_BUS, .devfn = PCI_DEVFN(0x02, 0),
		    .kind = PCI_MODEL_ROOT_PORT, .secbus = 0x02 },
	[EP_02] = { .parent = RP_02, .devfn = PCI_DEVFN(0, 0),
		    .kind = PCI_MODEL_ENDPOINT_PCIE, .owner = "host, DMA API" },
	[RP_1E] = { .parent = DEMO_ROOT_BUS, .devfn = PCI_DEVFN(0x1e, 0),
		    .kind = PCI_MODEL_ROOT_PORT, .secbus = 0x03 },
	[BR_03] = { .parent = RP_1E, .devfn = PCI_DEVFN(0, 0),
		    .kind = PCI_MODEL_PCIE_PCI_BRIDGE, .secbus = 0x04 },
	[BR_04] = { .parent = BR_03, .devfn = PCI_DEVFN(0x01, 0),
		    .kind = PCI_MODEL_PCI_BRIDGE, .secbus = 0x05 },
	[EP_52] = { .parent = BR_04, .devfn = PCI_DEVFN(0x02, 0),
		    .kind = PCI_MODEL_ENDPOINT_PCI, .owner = "VM B" },
	[EP_53] = { .parent = BR_04, .devfn = PCI_DEVFN(0x03, 0),
		    .kind = PCI_MODEL_ENDPOINT_PCI, .owner = "VM B" },
	[RP_1F] = { .parent = DEMO_ROOT_BUS, .devfn = PCI_DEVFN(0x1f, 0),
		    .kind = PCI_MODEL_ROOT_PORT, .secbus = 0x06 },
	[EP_06] = { .parent = RP_1F, .devfn = PCI_DEVFN(0, 0),
		    .kind = PCI_MODEL_ENDPOINT_PCIE, .hotplug = true,
		    .owner = "VM C, hotplug" },
};

static const char *const demo_kind_name[] = {
	[PCI_MODEL_ENDPOINT_PCIE] = "PCIe endpoint",
	[PCI_MODEL_ENDPOINT_PCI] = "PCI endpoint",
	[PCI_MODEL_ROOT_PORT] = "root port",
	[PCI_MODEL_PCIE_PCI_BRIDGE] = "PCIe-PCI bridge",
	[PCI_MODEL_PCI_BRIDGE] = "PCI-PCI bridge",
	[PCI_MODEL_SWITCH_UP] = "switch upstream port",
	[PCI_MODEL_SWITCH_DOWN] = "switch downstream port",
};

/**
 * struct demo_dev - What the demo knows and found about one device.
 * @idx: machine index; -1 while not plugged in.
 * @rids: requester ids: its own first, then its DMA aliases.
 * @nr_rids: entries in @rids.
 * @owner: whose memory it DMAs to (NULL for ports and bridges).
 * @expect_preserved: the scenario preserves it.
 * @preserved: iommu_lu_device_preserved() at freeze time.
 * @dma_old: DMA in the old kernel (0, -EFAULT, -EIO; %DEMO_NOT_RUN).
 * @dma_new: DMA in the new kernel, before any driver claims it.
 * @dma_end: DMA after iommu_lu_finish().
 * @fault_new: fault reason of @dma_new.
 * @fault_end: fault reason of @dma_end.
 * @claimed: a driver attached it in the new kernel.
 */
struct demo_dev {
	int idx;
	u16 rids[IOMMU_LU_MAX_RIDS];
	unsigned int nr_rids;
	struct lu_owner *owner;
	bool expect_preserved;
	bool preserved;
	int dma_old, dma_new, dma_end;
	u8 fault_new, fault_end;
	bool claimed;
};

/* A set of physical pages (a few dozen here). */
struct demo_set {
	u64 phys[DEMO_SET_MAX];
	unsigned int nr;
};

/* A copy of a unit's root and context tables, as the hardware sees them. */
struct demo_tables {
	u64 root;
	struct lu_vtd_root_entry re[LU_VTD_ROOT_NR];
	struct lu_vtd_context_entry ce[LU_VTD_ROOT_NR][LU_VTD_CTX_NR];
};

static struct demo {
	struct lu_machine *m;
	struct demo_dev dev[DEMO_NR_DEVS];
	struct lu_owner *owners[8];
	unsigned int nr_owners;
	bool verbose;
	const char *dump_file;
	size_t log_pos;
	unsigned int nr_checks;
	unsigned int nr_failed;
	char failed[DEMO_MAX_FAIL][160];
	struct demo_set in_pgtables[LU_MACHINE_MAX_UNITS];
} demo;

/* ---------------------------------------------------------------------- */
/* Output, the kernel log and checks                                        */

static const char *demo_skip_level(const char *line)
{
	if (line[0] == '<' && line[1] && line[2] == '>')
		return line + 3;
	return line;
}

/* With -v, print the kernel log lines logged since the last call. */
static void demo_log_flush(void)
{
	const char *text = shim_log_text();
	size_t len = strlen(text);
	const char *p = text + demo.log_pos;

	if (demo.log_pos > len)		/* someone cleared the log */
		p = text;
	while (demo.verbose && *p) {
		const char *line = demo_skip_level(p);
		const char *nl = strchr(line, '\n');
		int n = nl ? (int)(nl - line) : (int)strlen(line);

		printf("    | %.*s\n", n, line);
		p = line + n + (nl ? 1 : 0);
	}
	demo.log_pos = len;
}

/* Every line of the report goes through here, after the log that led to it. */
static void __printf(1, 2) demo_out(const char *fmt, ...)
{
	va_list ap;

	demo_log_flush();
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static void demo_section(const char *title)
{
	demo_out("\n== %s %.*s\n", title, (int)(70 - strlen(title)),
		 "======================================================================");
}

static size_t demo_log_mark(void)
{
	return strlen(shim_log_text());
}

/* The first log line since @mark that contains @needle, without its level. */
static const char *demo_log_find(size_t mark, const char *needle)
{
	static char line[256];
	const char *text = shim_log_text();
	const char *p, *start, *end;

	if (mark > strlen(text))
		return NULL;
	p = strstr(text + mark, needle);
	if (!p)
		return NULL;
	for (start = p; start > text + mark && start[-1] != '\n'; start--)
		;
	start = demo_skip_level(start);
	end = strchr(p, '\n');
	if (!end)
		end = p + strlen(p);
	snprintf(line, sizeof(line), "%.*s", (int)(end - start), start);
	return line;
}

/* Record one expectation; false (and remembered for the end) if it failed. */
static bool __printf(2, 3) demo_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	demo.nr_checks++;
	if (ok)
		return true;
	if (demo.nr_failed < DEMO_MAX_FAIL) {
		va_start(ap, fmt);
		vsnprintf(demo.failed[demo.nr_failed],
			  sizeof(demo.failed[0]), fmt, ap);
		va_end(ap);
	}
	demo.nr_failed++;
	return false;
}

/* Small rotating buffers, so that several can be used in one printf. */
static char *demo_buf(void)
{
	static char bufs[16][96];
	static unsigned int n;

	return bufs[n++ % ARRAY_SIZE(bufs)];
}

static const char *demo_bdf(u16 rid)
{
	char *b = demo_buf();

	snprintf(b, 96, "%02x:%02x.%u", PCI_BUS_NUM(rid), PCI_SLOT(rid),
		 PCI_FUNC(rid));
	return b;
}

static const char *demo_err(int err)
{
	const char *name = err < 0 ? strerrorname_np(-err) : NULL;
	char *b = demo_buf();

	if (name)
		snprintf(b, 96, "-%s", name);
	else
		snprintf(b, 96, "%d", err);
	return b;
}

static const char *demo_dma_str(int ret, u8 reason)
{
	char *b = demo_buf();

	if (ret == 0)
		snprintf(b, 96, "OK: %u pages, pattern intact", DEMO_PAGES);
	else if (ret == -EFAULT && reason)
		snprintf(b, 96, "fault: %s", vtd_model_fault_name(reason));
	else if (ret == -EFAULT)
		snprintf(b, 96, "fault");
	else if (ret == -EIO)
		snprintf(b, 96, "WRONG DATA");
	else if (ret == DEMO_NOT_RUN)
		snprintf(b, 96, "-");
	else
		snprintf(b, 96, "%s", demo_err(ret));
	return b;
}

static bool demo_set_add(struct demo_set *s, u64 phys)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		if (s->phys[i] == phys)
			return false;
	if (!demo_check(s->nr < DEMO_SET_MAX, "page set overflow"))
		return false;
	s->phys[s->nr++] = phys;
	return true;
}

static bool demo_set_has(const struct demo_set *s, u64 phys)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		if (s->phys[i] == phys)
			return true;
	return false;
}

static int demo_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* ---------------------------------------------------------------------- */
/* The machine                                                              */

/* A device's own requester id, from the topology (stable across kexec). */
static u16 demo_rid(enum demo_id id)
{
	const struct demo_dev_desc *d = &demo_topology[id];
	unsigned int bus = d->parent < 0 ? 0 : demo_topology[d->parent].secbus;

	return PCI_DEVID(bus, d->devfn);
}

static const char *demo_name(enum demo_id id)
{
	return demo_bdf(demo_rid(id));
}

static struct device *demo_device(enum demo_id id)
{
	return demo.dev[id].idx < 0 ? NULL :
	       lu_machine_dev(demo.m, demo.dev[id].idx);
}

static struct pci_dev *demo_pdev(enum demo_id id)
{
	struct device *dev = demo_device(id);

	return dev ? to_pci_dev(dev) : NULL;
}

static struct iommu_lu_unit *demo_lu_unit(unsigned int u)
{
	return idrv_lu_unit(demo.m->drv[u]);
}

static int demo_group_id(enum demo_id id)
{
	struct device *dev = demo_device(id);

	return dev && dev->iommu_group ? iommu_group_id(dev->iommu_group) : -1;
}

static unsigned int demo_group_size(enum demo_id id)
{
	struct device *dev = demo_device(id);

	return dev && dev->iommu_group ?
	       iommu_group_device_count(dev->iommu_group) : 0;
}

/* How many devices the scenario preserves, and on how many domains. */
static unsigned int demo_nr_expected(unsigned int *nr_domains)
{
	const struct lu_owner *seen[DEMO_NR_DEVS];
	unsigned int i, j, nr = 0, nr_dom = 0;

	for (i = 0; i < DEMO_NR_DEVS; i++) {
		if (!demo.dev[i].expect_preserved)
			continue;
		nr++;
		for (j = 0; j < nr_dom; j++)
			if (seen[j] == demo.dev[i].owner)
				break;
		if (j == nr_dom)
			seen[nr_dom++] = demo.dev[i].owner;
	}
	if (nr_domains)
		*nr_domains = nr_dom;
	return nr;
}

/* Plug a device in (hotplug once the machine runs); learn its ids. */
static bool demo_plug(enum demo_id id)
{
	const struct demo_dev_desc *d = &demo_topology[id];
	struct demo_dev *dd = &demo.dev[id];
	u16 rids[IOMMU_LU_MAX_RIDS * 2];
	int parent = d->parent < 0 ? -1 : demo.dev[d->parent].idx;
	int idx, nr, i;
	unsigned int j;

	if (!demo_check(d->parent < 0 || parent >= 0,
			"plug in %s: its bridge is not there", demo_name(id)))
		return false;
	idx = lu_machine_add(demo.m, d->unit, parent, d->devfn, d->kind,
			     d->secbus);
	if (!demo_check(idx >= 0, "plug in %s: %s", demo_name(id),
			demo_err(idx)))
		return false;
	dd->idx = idx;

	/* pci_for_each_dma_alias() order, without duplicates. */
	nr = pci_model_dma_aliases(demo_pdev(id), rids, ARRAY_SIZE(rids));
	dd->nr_rids = 0;
	for (i = 0; i < nr && i < (int)ARRAY_SIZE(rids); i++) {
		for (j = 0; j < dd->nr_rids; j++)
			if (dd->rids[j] == rids[i])
				break;
		if (j == dd->nr_rids && dd->nr_rids < IOMMU_LU_MAX_RIDS)
			dd->rids[dd->nr_rids++] = rids[i];
	}
	return true;
}

static unsigned int demo_depth(enum demo_id id)
{
	unsigned int depth = 0;
	int p;

	for (p = demo_topology[id].parent; p >= 0; p = demo_topology[p].parent)
		depth++;
	return depth;
}

static void demo_print_dev(enum demo_id id)
{
	const struct demo_dev_desc *d = &demo_topology[id];
	struct demo_dev *dd = &demo.dev[id];
	char left[32], kind[40], rids[64] = "";
	unsigned int i;
	int n = 0;

	snprintf(left, sizeof(left), "%*s%s", 2 * demo_depth(id), "",
		 demo_name(id));
	if (d->secbus)
		snprintf(kind, sizeof(kind), "%s -> bus %02x",
			 demo_kind_name[d->kind], d->secbus);
	else
		snprintf(kind, sizeof(kind), "%s", demo_kind_name[d->kind]);
	for (i = 0; i < dd->nr_rids; i++)
		n += snprintf(rids + n, sizeof(rids) - n, "%s%#06x",
			      i == 1 ? ", aliases " : i ? " " : "",
			      dd->rids[i]);
	demo_out("  %-13s %-25s group %-2d rid %s%s%s\n", left, kind,
		 demo_group_id(id), rids, d->owner ? "  " : "",
		 d->owner ? d->owner : "");
}

static void demo_show_machine(void)
{
	unsigned int u, i;
	bool scalable = false;

	demo_section("1. The machine");
	for (u = 0; u < demo.m->nr_units; u++) {
		struct idrv_unit *drv = demo.m->drv[u];

		demo_out("  unit %u %s: VT-d at %#llx, %s mode, queued invalidation %s, translation %s\n",
			 u, idrv_name(drv),
			 (unsigned long long)vtd_model_reg_base(demo.m->hw[u]),
			 demo_units[u].mode, idrv_qi_enabled(drv) ? "on" : "off",
			 idrv_translation_enabled(drv) ? "on" : "off");
		scalable |= demo_units[u].scalable;
	}
	if (!scalable)
		demo_out("  scalable mode: not yet (a second unit comes with the scalable-mode issue)\n");

	for (u = 0; u < demo.m->nr_units; u++) {
		demo_out("  segment %04x behind unit %u (requester id = bus << 8 | devfn):\n",
			 pci_model_segment(demo.m->pci[u]), u);
		for (i = 0; i < DEMO_NR_DEVS; i++) {
			if (demo_topology[i].unit != u)
				continue;
			if (demo_topology[i].hotplug)
				demo_out("  %*s%-*s (empty slot: hot-added in section 2)\n",
					 2 * demo_depth(i), "",
					 13 - 2 * demo_depth(i), demo_name(i));
			else
				demo_print_dev(i);
		}
	}
	demo_check(demo.dev[EP_52].nr_rids == 3 &&
		   demo.dev[EP_52].rids[1] == 0x0408 &&
		   demo.dev[EP_52].rids[2] == 0x0400,
		   "05:02.0 DMA aliases are not 0x0408 0x0400");
	demo_check(demo_group_id(EP_52) == demo_group_id(EP_53),
		   "05:02.0 and 05:03.0 are not in one iommu_group");
}

/* ---------------------------------------------------------------------- */
/* DMA                                                                      */

static struct lu_owner *demo_owner_add(struct lu_owner *o)
{
	if (o && demo.nr_owners < ARRAY_SIZE(demo.owners))
		demo.owners[demo.nr_owners++] = o;
	return o;
}

/*
 * The host's own use of a device: pattern pages mapped into the DMA-API
 * domain the driver gave it at probe. Plain kernel memory, not preserved.
 */
static struct lu_owner *demo_dma_api_owner(enum demo_id id, u64 iova, u8 seed)
{
	struct device *dev = demo_device(id);
	struct lu_owner *o;
	unsigned int i, b;

	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->phys = calloc(DEMO_PAGES, sizeof(*o->phys));
	if (!o->phys) {
		free(o);
		return NULL;
	}
	o->m = demo.m;
	o->unit = demo_topology[id].unit;
	o->domain = dev ? iommu_get_domain_for_dev(dev) : NULL;
	o->iova = iova;
	o->nr_pages = DEMO_PAGES;
	o->seed = seed;
	for (i = 0; i < DEMO_PAGES && o->domain; i++) {
		u8 *va;

		o->phys[i] = physmem_alloc_page();
		va = physmem_va(o->phys[i]);
		if (!va)
			break;
		for (b = 0; b < PAGE_SIZE; b++)
			va[b] = lu_pattern(seed, (u64)i * PAGE_SIZE + b);
		if (idrv_map(o->domain, iova + (u64)i * PAGE_SIZE, o->phys[i],
			     PAGE_SIZE, IOMMU_READ | IOMMU_WRITE))
			break;
	}
	demo_check(i == DEMO_PAGES, "%s: DMA-API mapping failed",
		   demo_name(id));
	return demo_owner_add(o);
}

/* DMA every page of the device's owner with each of its requester ids. */
static int demo_dma(enum demo_id id, u8 *reason)
{
	struct demo_dev *dd = &demo.dev[id];
	struct lu_owner *o = dd->owner;
	struct vtd_model *hw;
	struct vtd_fault f;
	unsigned int i;
	int ret = 0;

	*reason = 0;
	if (!o || dd->idx < 0)
		return DEMO_NOT_RUN;
	hw = demo.m->hw[o->unit];
	vtd_model_clear_faults(hw);
	for (i = 0; i < dd->nr_rids && !ret; i++)
		ret = lu_owner_check_dma(o, dd->rids[i]);
	if (ret == -EFAULT && vtd_model_faults(hw, &f, 1))
		*reason = f.reason;
	vtd_model_clear_faults(hw);
	return ret;
}

static const char *demo_rid_list(enum demo_id id)
{
	struct demo_dev *dd = &demo.dev[id];
	char *b = demo_buf();
	unsigned int i;
	int n = 0;

	for (i = 0; i < dd->nr_rids; i++)
		n += snprintf(b + n, 96 - n, "%s%#06x", i ? " " : "",
			      dd->rids[i]);
	return b;
}

/* ---------------------------------------------------------------------- */
/* 2. The old kernel                                                        */

static void demo_refuse(const char *what, struct device *const *devs,
			unsigned int nr, const char *needle)
{
	size_t mark = demo_log_mark();
	const char *line;
	int ret;

	ret = iommu_lu_preserve_devices(devs, nr);
	line = demo_log_find(mark, needle);
	demo_out("  preserve %s: %s, refused\n", what, demo_err(ret));
	demo_out("      log: %s\n", line ? line : "(no log line)");
	demo_check(ret == -EINVAL, "preserve %s returned %s, not -EINVAL",
		   what, demo_err(ret));
	demo_check(line, "preserve %s: no \"%s\" log line", what, needle);
}

/* Find the bus whose root entry points at context table @ctx. */
static int demo_ctx_bus(u64 root, u64 ctx)
{
	const struct lu_vtd_root_entry *rt = physmem_va(root);
	unsigned int bus;

	for (bus = 0; rt && bus < LU_VTD_ROOT_NR; bus++)
		if ((rt[bus].lo & LU_VTD_ROOT_P) &&
		    (rt[bus].lo & LU_VTD_ROOT_CTP) == ctx)
			return bus;
	return -1;
}

/*
 * The unit's attachment of the domain with handover id @id: the domain as
 * the unit uses it, with its hardware id there; NULL if the unit does not
 * use it. Context: &lu_core.lock.
 */
static struct lu_attach *demo_attach_of(struct iommu_lu_unit *unit, u32 id)
{
	struct lu_attach *att;
	unsigned int bkt;

	hash_for_each(unit->attach, bkt, att, node)
		if (att->dom->id == id)
			return att;
	return NULL;
}

/*
 * Is @p one of the pages the unit's preserved state needs: its own tables,
 * or a page table of a domain it uses (pages are machine-wide, and a page
 * table is shared by every unit its domain is used on)? Context:
 * &lu_core.lock.
 */
static bool demo_page_of_unit(struct iommu_lu_unit *unit,
			      const struct lu_page *p)
{
	if (p->kind == IOMMU_LU_PAGE_PGTABLE)
		return demo_attach_of(unit, p->owner);
	return p->owner == unit->id;
}

/* What a page the core preserved is; "" if the core does not know it. */
static const char *demo_page_what(struct iommu_lu_unit *unit, u64 phys)
{
	struct lu_attach *att;
	struct lu_page *p;
	char *b = demo_buf();

	mutex_lock(&lu.lock);
	p = lu_page_find(phys);
	b[0] = '\0';
	if (p && !demo_page_of_unit(unit, p))
		p = NULL;
	if (p && p->kind == IOMMU_LU_PAGE_ROOT)
		snprintf(b, 96, "root table");
	else if (p && p->kind == IOMMU_LU_PAGE_CONTEXT)
		snprintf(b, 96, "context table of bus %02x",
			 demo_ctx_bus(unit->root_phys, phys));
	else if (p && p->kind == IOMMU_LU_PAGE_PGTABLE &&
		 (att = demo_attach_of(unit, p->owner)))
		snprintf(b, 96, "page table of domain did %u", att->hw_id);
	mutex_unlock(&lu.lock);
	return b;
}

static void demo_hotplug(void)
{
	unsigned int u = demo_topology[EP_06].unit;
	struct iommu_lu_unit *unit = demo_lu_unit(u);
	u64 root = vtd_model_active_root(demo.m->hw[u]) & LU_VTD_PAGE_MASK;
	const struct lu_vtd_root_entry *rt = physmem_va(root);
	unsigned int bus = PCI_BUS_NUM(demo_rid(EP_06)), nr_new = 0, k = 0;
	struct demo_set want = { .nr = 0 };
	const struct kho_call *log;
	struct lu_owner *c;
	const char *what;
	u64 pages[16];
	size_t n, i;
	int ret;

	if (!demo_plug(EP_06))
		return;
	c = demo_owner_add(lu_owner_new(demo.m, u, 0x300000, DEMO_PAGES, 0xc3));
	demo.dev[EP_06].owner = c;
	ret = lu_owner_attach(c, demo.dev[EP_06].idx);
	demo_check(!ret, "attach 06:00.0: %s", demo_err(ret));
	demo_out("  hotplug: 06:00.0 (rid %#06x, group %d) appears behind 00:1f.0; VM C attaches it to domain did %u\n",
		 demo_rid(EP_06), demo_group_id(EP_06), idrv_did(c->domain));

	kho_model_log_clear();
	ret = iommu_lu_preserve_device(demo_device(EP_06));
	demo.dev[EP_06].expect_preserved = true;
	log = kho_model_log(&n);
	for (i = 0; i < n; i++)
		nr_new += log[i].op == KHO_OP_PRESERVE_PAGES ||
			  log[i].op == KHO_OP_ALLOC_PRESERVE;
	demo_out("  preserve 06:00.0 (incremental): %s; the core preserved %u more pages, nothing else:\n",
		 demo_err(ret), nr_new);
	for (i = 0; i < n; i++) {
		if (log[i].op == KHO_OP_ALLOC_PRESERVE)
			demo_out("      %#llx  a new handover block\n",
				 (unsigned long long)log[i].phys);
		if (log[i].op != KHO_OP_PRESERVE_PAGES)
			continue;
		what = demo_page_what(unit, log[i].phys);
		demo_out("      %#llx  %s\n", (unsigned long long)log[i].phys,
			 *what ? what : "NOT A PAGE THE CORE TRACKS");
	}
	demo_check(!ret, "preserve 06:00.0: %s", demo_err(ret));

	/* Expected: its bus's context table and its domain's page tables. */
	if (rt && (rt[bus].lo & LU_VTD_ROOT_P))
		demo_set_add(&want, rt[bus].lo & LU_VTD_ROOT_CTP);
	n = idrv_domain_pages(c->domain, pages, ARRAY_SIZE(pages));
	for (i = 0; i < n && i < ARRAY_SIZE(pages); i++)
		demo_set_add(&want, pages[i]);
	log = kho_model_log(&n);
	for (i = 0; i < n; i++) {
		if (log[i].op != KHO_OP_PRESERVE_PAGES)
			continue;
		k++;
		demo_check(demo_set_has(&want, log[i].phys),
			   "hotplug preserve: page %#llx is neither bus %02x's context table nor domain %u's",
			   (unsigned long long)log[i].phys, bus,
			   idrv_did(c->domain));
	}
	demo_check(k == want.nr && nr_new == want.nr,
		   "hotplug preserve: %u pages, expected %u (bus %02x context table + page tables)",
		   nr_new, want.nr, bus);
}

static void demo_old_kernel(void)
{
	struct device *devs[2];
	struct iommu_group *group;
	struct lu_owner *a, *b;
	unsigned int i, bad = 0;
	u64 spare;
	int ret;
	u8 reason;

	demo_section("2. The old kernel: owners, refusals, preservation");

	/* VM A owns 01:00.0, VM B the group behind the PCI bridges. */
	a = demo_owner_add(lu_owner_new(demo.m, demo_topology[EP_01].unit,
					0x100000, DEMO_PAGES, 0xa1));
	b = demo_owner_add(lu_owner_new(demo.m, demo_topology[EP_52].unit,
					0x200000, DEMO_PAGES, 0xb2));
	demo.dev[EP_01].owner = a;
	demo.dev[EP_52].owner = b;
	demo.dev[EP_53].owner = b;
	ret = lu_owner_attach(a, demo.dev[EP_01].idx);
	demo_check(!ret, "attach 01:00.0: %s", demo_err(ret));
	ret = lu_owner_attach(b, demo.dev[EP_52].idx);
	demo_check(!ret, "attach group of 05:02.0: %s", demo_err(ret));
	demo.dev[EP_02].owner = demo_dma_api_owner(EP_02, 0x400000, 0xd4);

	demo_out("  VM A: caller-owned domain did %u, %u pages at IOVA %#llx, attached 01:00.0\n",
		 idrv_did(a->domain), DEMO_PAGES, (unsigned long long)a->iova);
	demo_out("  VM B: caller-owned domain did %u, %u pages at IOVA %#llx, attached group %d (%u devices)\n",
		 idrv_did(b->domain), DEMO_PAGES, (unsigned long long)b->iova,
		 demo_group_id(EP_52), demo_group_size(EP_52));
	if (demo.dev[EP_02].owner && demo.dev[EP_02].owner->domain)
		demo_out("  host: 02:00.0 stays on its DMA-API domain did %u (type %#x), %u pages at IOVA %#llx\n",
			 idrv_did(demo.dev[EP_02].owner->domain),
			 demo.dev[EP_02].owner->domain->type, DEMO_PAGES,
			 (unsigned long long)demo.dev[EP_02].owner->iova);
	for (i = 0; i < DEMO_NR_DEVS; i++) {
		demo.dev[i].dma_old = demo_dma(i, &reason);
		bad += !demo_check(demo.dev[i].dma_old == 0 ||
				   demo.dev[i].dma_old == DEMO_NOT_RUN,
				   "old kernel: %s DMA %s", demo_name(i),
				   demo_dma_str(demo.dev[i].dma_old, reason));
	}
	demo_out("  DMA check, every device with every requester id: %s\n",
		 bad ? "FAILED" : "OK, every pattern reads back");

	devs[0] = demo_device(EP_52);
	demo_refuse("05:02.0 alone", devs, 1, "not preserved whole");
	devs[0] = demo_device(EP_02);
	demo_refuse("02:00.0 (DMA-API domain)", devs, 1, "not caller-owned");

	devs[0] = demo_device(EP_01);
	ret = iommu_lu_preserve_devices(devs, 1);
	demo_out("  preserve 01:00.0: %s\n", demo_err(ret));
	demo_check(!ret, "preserve 01:00.0: %s", demo_err(ret));
	demo.dev[EP_01].expect_preserved = true;

	/* The group's endpoints: bridges need not (and cannot) be listed. */
	devs[0] = demo_device(EP_52);
	devs[1] = demo_device(EP_53);
	ret = iommu_lu_preserve_devices(devs, 2);
	demo_out("  preserve 05:02.0 + 05:03.0 (group %d; its bridges do no DMA of their own): %s\n",
		 demo_group_id(EP_52), demo_err(ret));
	demo_check(!ret, "preserve the bridge group: %s", demo_err(ret));
	demo.dev[EP_52].expect_preserved = true;
	demo.dev[EP_53].expect_preserved = true;
	ret = iommu_lu_preserve_devices(devs, 2);
	demo_out("  preserve them again: %s (idempotent)\n", demo_err(ret));
	demo_check(!ret, "preserve again: %s", demo_err(ret));

	demo_hotplug();

	/* A preserved domain is immutable. */
	spare = physmem_alloc_page();
	ret = idrv_map(a->domain, a->iova + DEMO_PAGES * PAGE_SIZE, spare,
		       PAGE_SIZE, IOMMU_READ | IOMMU_WRITE);
	demo_out("  map one more page into VM A's preserved domain: %s\n",
		 demo_err(ret));
	demo_check(ret == -EBUSY, "map on a preserved domain: %s, not -EBUSY",
		   demo_err(ret));
	if (spare)
		physmem_free_page(spare);
	group = iommu_group_get(demo_device(EP_01));
	ret = group ? idrv_attach_group(b->domain, group) : -ENODEV;
	iommu_group_put(group);
	demo_out("  attach preserved 01:00.0 to VM B's domain: %s\n",
		 demo_err(ret));
	demo_check(ret == -EBUSY, "attach of a preserved device: %s, not -EBUSY",
		   demo_err(ret));
}

/* ---------------------------------------------------------------------- */
/* 3. What was preserved                                                    */

/* Add every page-table page reachable from @table (@level levels). */
static void demo_walk_pt(struct demo_set *s, u64 table, unsigned int level)
{
	const u64 *pte = physmem_va(table);
	unsigned int i;

	if (!pte || !demo_set_add(s, table) || level <= 1)
		return;
	for (i = 0; i < LU_VTD_SL_NR; i++) {
		u64 e = READ_ONCE(pte[i]);

		if (!(e & (LU_VTD_SL_R | LU_VTD_SL_W)) || (e & LU_VTD_SL_PS))
			continue;
		demo_walk_pt(s, e & LU_VTD_SL_ADDR, level - 1);
	}
}

/*
 * The brute-force minimum for unit @u, from the hardware tables alone: the
 * root table, the context table of every bus a preserved id is on, and
 * every page-table page reachable from those ids' context entries.
 */
static unsigned int demo_min_pages(unsigned int u, struct demo_set *s)
{
	u64 root = vtd_model_active_root(demo.m->hw[u]) & LU_VTD_PAGE_MASK;
	const struct lu_vtd_root_entry *rt = physmem_va(root);
	unsigned int i, j;

	s->nr = 0;
	if (!rt)
		return 0;
	demo_set_add(s, root);
	for (i = 0; i < DEMO_NR_DEVS; i++) {
		struct demo_dev *dd = &demo.dev[i];

		if (!dd->expect_preserved || demo_topology[i].unit != u)
			continue;
		for (j = 0; j < dd->nr_rids; j++) {
			u16 rid = dd->rids[j];
			u64 lo = rt[PCI_BUS_NUM(rid)].lo;
			const struct lu_vtd_context_entry *ct;

			if (!(lo & LU_VTD_ROOT_P))
				continue;
			demo_set_add(s, lo & LU_VTD_ROOT_CTP);
			ct = physmem_va(lo & LU_VTD_ROOT_CTP);
			if (!ct || !(ct[rid & 0xff].lo & LU_VTD_CTX_P))
				continue;
			demo_walk_pt(s, ct[rid & 0xff].lo & LU_VTD_CTX_SLPTPTR,
				     (ct[rid & 0xff].hi & LU_VTD_CTX_AW_MASK) + 2);
		}
	}
	return s->nr;
}

/* Page-table pages of the unit's domain @hw_id. Context: &lu_core.lock. */
static unsigned int demo_domain_pages(struct iommu_lu_unit *unit, u32 hw_id)
{
	struct lu_attach *att;
	unsigned int bkt;

	hash_for_each(unit->attach, bkt, att, node)
		if (att->hw_id == hw_id)
			return att->dom->nr_pages;
	return 0;
}

static void demo_show_preserved(void)
{
	unsigned int nr_dev = 0, rec_bytes, blocks = 0, bkt, k, u;
	struct lu_device *ld;

	demo_section("3. What was preserved");
	for (u = 0; u < demo.m->nr_units; u++) {
		struct iommu_lu_unit *unit = demo_lu_unit(u);
		unsigned int kinds[IOMMU_LU_PAGE_KIND_NR] = { 0 }, total = 0;
		struct demo_set min = { .nr = 0 };
		struct lu_attach *att;
		struct lu_device *ld;
		struct lu_page *p;
		char buses[64] = "";
		u32 dids[32];
		unsigned int bkt, bus, mine = 0, nr_dids = 0, d;
		int n = 0;

		demo_min_pages(u, &min);
		mutex_lock(&lu.lock);
		hash_for_each(lu.pages, bkt, p, node) {
			if (!p->refs || !demo_page_of_unit(unit, p))
				continue;
			kinds[p->kind]++;
			total++;
			mine += demo_set_has(&min, p->phys);
		}
		for (bus = 0; bus < LU_VTD_ROOT_NR; bus++) {
			const struct lu_vtd_root_entry *rt = physmem_va(unit->root_phys);

			p = rt && (rt[bus].lo & LU_VTD_ROOT_P) ?
			    lu_page_find(rt[bus].lo & LU_VTD_ROOT_CTP) : NULL;
			if (p && p->refs && demo_page_of_unit(unit, p))
				n += snprintf(buses + n, sizeof(buses) - n,
					      " %02x", bus);
		}
		demo_out("  unit %u: %u hardware pages, KHO-preserved once each, refcounted by the core:\n",
			 u, total);
		demo_out("      root table       %u  at %#llx\n",
			 kinds[IOMMU_LU_PAGE_ROOT],
			 (unsigned long long)unit->root_phys);
		demo_out("      context tables   %u  buses%s\n",
			 kinds[IOMMU_LU_PAGE_CONTEXT], buses);
		demo_out("      page tables      %u\n", kinds[IOMMU_LU_PAGE_PGTABLE]);
		hash_for_each(unit->attach, bkt, att, node)
			if (nr_dids < ARRAY_SIZE(dids))
				dids[nr_dids++] = att->hw_id;
		qsort(dids, nr_dids, sizeof(dids[0]), demo_cmp_u32);
		for (d = 0; d < nr_dids; d++) {
			char devs[64] = "";

			n = 0;
			for (k = 0; k < DEMO_NR_DEVS; k++) {
				ld = demo_device(k) ? lu_device_find(demo_device(k)) : NULL;
				if (ld && ld->preserved && ld->unit == unit &&
				    ld->att && ld->att->hw_id == dids[d])
					n += snprintf(devs + n, sizeof(devs) - n,
						      " %s", demo_name(k));
			}
			demo_out("        domain did %u: %u pages for%s\n", dids[d],
				 demo_domain_pages(unit, dids[d]), devs);
		}
		mutex_unlock(&lu.lock);

		demo_out("  bytes vs minimum: %u pages (%u KiB) preserved; brute-force minimum %u pages (%u KiB), %u in common\n",
			 total, total * 4, min.nr, min.nr * 4, mine);
		demo_check(total == min.nr && mine == min.nr,
			   "unit %u: %u pages preserved, minimum %u (%u in common)",
			   u, total, min.nr, mine);
	}

	mutex_lock(&lu.lock);
	hash_for_each(lu.devices, bkt, ld, node)
		nr_dev += ld->preserved;
	rec_bytes = sizeof(struct iommu_lu_header_ser);
	for (k = 0; k < IOMMU_LU_REC_NR; k++) {
		blocks += lu.chains[k].nr_blocks;
		rec_bytes += lu.chains[k].nr_blocks *
			     sizeof(struct iommu_lu_block_ser) +
			     lu.chains[k].nr_records * lu_rec_size[k];
	}
	demo_out("  handover metadata: header + %u blocks = %u pages (%u bytes KHO-preserved), %u bytes used:\n",
		 blocks, blocks + 1, (blocks + 1) * IOMMU_LU_BLOCK_SIZE, rec_bytes);
	demo_out("      %u unit x %zu + %u domains x %zu + %u devices x %zu + %u pages x %zu bytes of records\n",
		 lu.chains[IOMMU_LU_REC_UNIT].nr_records, lu_rec_size[IOMMU_LU_REC_UNIT],
		 lu.chains[IOMMU_LU_REC_DOMAIN].nr_records, lu_rec_size[IOMMU_LU_REC_DOMAIN],
		 lu.chains[IOMMU_LU_REC_DEVICE].nr_records, lu_rec_size[IOMMU_LU_REC_DEVICE],
		 lu.chains[IOMMU_LU_REC_PAGE].nr_records, lu_rec_size[IOMMU_LU_REC_PAGE]);
	mutex_unlock(&lu.lock);
	if (nr_dev)
		demo_out("      per preserved device (%u): %u bytes used, %u bytes of KHO pages\n",
			 nr_dev, rec_bytes / nr_dev,
			 (blocks + 1) * IOMMU_LU_BLOCK_SIZE / nr_dev);
	demo_check(nr_dev == demo_nr_expected(NULL),
		   "%u devices preserved, expected %u", nr_dev,
		   demo_nr_expected(NULL));
}

/* ---------------------------------------------------------------------- */
/* 4. Freeze and shutdown                                                   */

static struct demo_tables *demo_snapshot(unsigned int u)
{
	struct demo_tables *t = calloc(1, sizeof(*t));
	const struct lu_vtd_root_entry *rt;
	unsigned int bus;

	if (!t)
		return NULL;
	t->root = vtd_model_active_root(demo.m->hw[u]) & LU_VTD_PAGE_MASK;
	rt = physmem_va(t->root);
	if (!rt)
		return t;
	memcpy(t->re, rt, sizeof(t->re));
	for (bus = 0; bus < LU_VTD_ROOT_NR; bus++) {
		const void *ct;

		if (!(t->re[bus].lo & LU_VTD_ROOT_P))
			continue;
		ct = physmem_va(t->re[bus].lo & LU_VTD_ROOT_CTP);
		if (ct)
			memcpy(t->ce[bus], ct, sizeof(t->ce[bus]));
	}
	return t;
}

static bool demo_rid_expected(unsigned int u, u16 rid)
{
	unsigned int i, j;

	for (i = 0; i < DEMO_NR_DEVS; i++)
		for (j = 0; j < demo.dev[i].nr_rids; j++)
			if (demo.dev[i].expect_preserved &&
			    demo_topology[i].unit == u &&
			    demo.dev[i].rids[j] == rid)
				return true;
	return false;
}

/* Compare the tables before and after the shutdown cleanup of unit @u. */
static void demo_show_cleanup(unsigned int u, const struct demo_tables *b,
			      const struct demo_tables *a)
{
	unsigned int bus, devfn, before = 0, kept = 0, cleared = 0;
	unsigned int dropped = 0, zeroed = 0, unexpected = 0;
	struct iommu_lu_intel_shutdown_stats st;
	char zbuses[64] = "";
	int n = 0;

	for (bus = 0; bus < LU_VTD_ROOT_NR; bus++) {
		bool root_gone;

		if (!(b->re[bus].lo & LU_VTD_ROOT_P))
			continue;
		root_gone = !(a->re[bus].lo & LU_VTD_ROOT_P);
		if (root_gone) {
			zeroed++;
			n += snprintf(zbuses + n, sizeof(zbuses) - n, " %02x", bus);
		}
		for (devfn = 0; devfn < LU_VTD_CTX_NR; devfn++) {
			u16 rid = bus << 8 | devfn;

			if (!(b->ce[bus][devfn].lo & LU_VTD_CTX_P))
				continue;
			before++;
			if (root_gone) {
				dropped++;
			} else if (a->ce[bus][devfn].lo & LU_VTD_CTX_P) {
				kept++;
				unexpected += !demo_rid_expected(u, rid);
			} else {
				cleared++;
				unexpected += demo_rid_expected(u, rid);
			}
		}
	}
	iommu_lu_intel_last_shutdown(&st);
	demo_out("  unit %u: %u context entries were present; %u kept (exactly the preserved ids: %s)\n",
		 u, before, kept, unexpected ? "NO" : "yes");
	demo_out("      %u cleared in kept context tables; %u root entries zeroed (buses%s), making %u more unreachable\n",
		 cleared, zeroed, zbuses, dropped);
	demo_out("      the backend's own count agrees: %s (cleared %u, kept %u, roots zeroed %u)\n",
		 st.ctx_cleared == cleared && st.ctx_kept == kept &&
		 st.roots_zeroed == zeroed ? "yes" : "NO",
		 st.ctx_cleared, st.ctx_kept, st.roots_zeroed);
	demo_check(!unexpected, "unit %u: the kept entries are not the preserved ids", u);
	demo_check(st.ctx_cleared == cleared && st.ctx_kept == kept &&
		   st.roots_zeroed == zeroed,
		   "unit %u: the backend's shutdown counts differ from the tables", u);
	demo_check(st.flush_ok && st.flushed_qi,
		   "unit %u: shutdown invalidation %s%s", u,
		   st.flush_ok ? "" : "failed", st.flushed_qi ? "" : " (not queued)");
}

/* Descriptors the unit's invalidation queue holds (IQA.QS, IQA.DW). */
static unsigned long long demo_qi_entries(struct vtd_model *hw)
{
	u64 iqa = readq(vtd_model_regs(hw) + VTDM_REG_IQA);

	return (VTDM_PAGE_SIZE << (iqa & VTDM_IQA_QS_MASK)) >>
	       (iqa & VTDM_IQA_DW ? 5 : 4);
}

static void demo_shutdown(void)
{
	struct demo_tables *before[LU_MACHINE_MAX_UNITS] = { NULL };
	struct vtd_model_stats s0[LU_MACHINE_MAX_UNITS], s1;
	char line[256];
	unsigned int u, i;
	int ret, n = 0;
	u8 reason;

	demo_section("4. Freeze and kexec-time shutdown");
	for (i = 0; i < DEMO_NR_DEVS; i++)
		demo.dev[i].preserved = demo_device(i) &&
					iommu_lu_device_preserved(demo_device(i));

	iommu_lu_freeze();		/* LUO's freeze step */
	ret = iommu_lu_unpreserve_device(demo_device(EP_01));
	demo_out("  freeze: done; unpreserve 01:00.0 now returns %s\n",
		 demo_err(ret));
	demo_check(ret == -EBUSY, "unpreserve while frozen: %s", demo_err(ret));

	/* intel_iommu_shutdown() of every unit, as lu_machine_shutdown() does. */
	for (u = 0; u < demo.m->nr_units; u++) {
		before[u] = demo_snapshot(u);
		vtd_model_stats(demo.m->hw[u], &s0[u]);
		idrv_shutdown(demo.m->drv[u]);
	}
	for (u = 0; u < demo.m->nr_units; u++) {
		struct demo_tables *after = demo_snapshot(u);
		struct vtd_model *hw = demo.m->hw[u];

		vtd_model_stats(hw, &s1);
		if (before[u] && after)
			demo_show_cleanup(u, before[u], after);
		demo_out("      invalidated through the queue: %llu global context-cache + %llu global IOTLB descriptors,\n",
			 s1.qi_desc[VTDM_QI_CC] - s0[u].qi_desc[VTDM_QI_CC],
			 s1.qi_desc[VTDM_QI_IOTLB] - s0[u].qi_desc[VTDM_QI_IOTLB]);
		demo_out("      then %llu waits: a full lap of the %llu-entry queue, its tail back where the driver left it (%llu register-based)\n",
			 s1.qi_desc[VTDM_QI_WAIT] - s0[u].qi_desc[VTDM_QI_WAIT],
			 demo_qi_entries(hw), s1.reg_inv - s0[u].reg_inv);
		demo_out("      translation left on: %s, root table still %#llx\n",
			 vtd_model_translation_enabled(hw) ? "yes" : "NO",
			 (unsigned long long)(vtd_model_active_root(hw) &
					      LU_VTD_PAGE_MASK));
		demo_check(vtd_model_translation_enabled(hw),
			   "unit %u: translation off after shutdown", u);
		demo_check(s1.qi_desc[VTDM_QI_CC] > s0[u].qi_desc[VTDM_QI_CC] &&
			   s1.qi_desc[VTDM_QI_IOTLB] > s0[u].qi_desc[VTDM_QI_IOTLB] &&
			   s1.reg_inv == s0[u].reg_inv,
			   "unit %u: shutdown did not invalidate through the queue", u);
		free(after);
		free(before[u]);
	}

	/* Devices keep DMAing while the machine jumps to the new kernel. */
	for (i = 0; i < DEMO_NR_DEVS; i++) {
		int r = demo_dma(i, &reason);

		if (r == DEMO_NOT_RUN)
			continue;
		n += snprintf(line + n, sizeof(line) - n, "%s%s %s",
			      n ? ", " : "", demo_name(i),
			      r ? demo_dma_str(r, reason) : "OK");
		demo_check(demo.dev[i].expect_preserved ? !r : r == -EFAULT,
			   "kexec window: %s DMA %s", demo_name(i),
			   demo_dma_str(r, reason));
	}
	demo_out("  DMA during the jump: %s\n", line);
}

/* ---------------------------------------------------------------------- */
/* 5. The handover                                                          */

static void demo_write_dump(const u8 *buf, size_t len)
{
	FILE *f = fopen(demo.dump_file, "wb");
	bool ok = f && fwrite(buf, 1, len, f) == len;

	if (f && fclose(f))
		ok = false;
	demo_out("  dump written to %s: %s\n", demo.dump_file,
		 ok ? "tests/out/iommu-lu-decode prints it in full" :
		 strerror(errno));
	demo_check(ok, "cannot write %s", demo.dump_file);
}

static void demo_show_handover(void)
{
	struct iommu_lu_handover ho;
	struct lu_dump d = { NULL, 0 };
	const struct iommu_lu_header_ser *h;
	unsigned int kinds[IOMMU_LU_PAGE_KIND_NR] = { 0 };
	char err[160] = "", compat[17] = "";
	unsigned int nr_domains;
	size_t len;
	u8 *buf;
	u32 i, j;
	int ret;

	demo_section("5. The handover, decoded by the core's own decoder");
	mutex_lock(&lu.lock);
	len = lu_ser_dump(NULL, 0);
	buf = len ? malloc(len) : NULL;
	if (buf)
		lu_ser_dump(buf, len);
	mutex_unlock(&lu.lock);
	if (!demo_check(buf, "no handover to dump"))
		return;
	d.buf = buf;
	d.len = len;

	/* What the next kernel and tools/iommu-lu-decode run on it. */
	ret = iommu_lu_decode(lu_dump_header(&d), IOMMU_LU_BLOCK_SIZE,
			      lu_dump_map, &d, &ho, err, sizeof(err));
	demo_out("  dump: %zu pages (header + blocks), %zu bytes; iommu_lu_decode(): %s%s%s\n",
		 len / LU_DUMP_PAGE, len, ret ? demo_err(ret) : "valid",
		 ret ? ": " : "", ret ? err : "");
	if (!demo_check(!ret, "the handover does not decode: %s", err))
		goto out;

	h = &ho.hdr;
	memcpy(compat, h->compatible, sizeof(h->compatible));
	demo_out("  %s, ABI version %u, generation %llu, %s\n", compat,
		 h->version, (unsigned long long)h->generation,
		 h->flags & IOMMU_LU_HDR_FROZEN ? "frozen" : "NOT FROZEN");
	for (i = 0; i < ho.nr_units; i++)
		demo_out("  unit %u: %s, %s mode, token %#llx, root %#llx, %u devices, %s\n",
			 ho.units[i].id,
			 ho.units[i].vendor == IOMMU_LU_VENDOR_INTEL_VTD ?
			 "intel-vtd" : "other",
			 ho.units[i].mode == IOMMU_LU_MODE_VTD_LEGACY ?
			 "legacy" : "scalable",
			 (unsigned long long)ho.units[i].token,
			 (unsigned long long)ho.units[i].root_phys,
			 ho.units[i].nr_devices,
			 ho.units[i].flags & IOMMU_LU_UNIT_CLEANED ?
			 "cleaned" : "NOT CLEANED");
	/*
	 * A domain record is a page table; the hardware id it has on each
	 * unit that uses it is in the device records.
	 */
	for (i = 0; i < ho.nr_domains; i++) {
		char devs[96] = "", dids[64] = "";
		int n = 0, nd = 0;

		for (j = 0; j < ho.nr_devices; j++) {
			const struct iommu_lu_device_ser *dv = &ho.devices[j];
			unsigned int r, k;

			if (dv->domain_id != ho.domains[i].id)
				continue;
			for (k = 0; k < j; k++)
				if (ho.devices[k].domain_id == dv->domain_id &&
				    ho.devices[k].unit_id == dv->unit_id)
					break;
			if (k == j)	/* the unit's first device of it */
				nd += snprintf(dids + nd, sizeof(dids) - nd,
					       "%sdid %u on unit %u",
					       nd ? ", " : "", dv->hw_id,
					       dv->unit_id);
			n += snprintf(devs + n, sizeof(devs) - n, " %s",
				      demo_bdf(dv->rid));
			for (r = 1; r < dv->nr_rids && r < IOMMU_LU_MAX_RIDS; r++)
				n += snprintf(devs + n, sizeof(devs) - n,
					      "%s%s%s", r == 1 ? " (+" : " ",
					      demo_bdf(dv->rids[r]),
					      r + 1 == dv->nr_rids ? ")" : "");
		}
		demo_out("  domain %u: %s, %u levels, %u pages:%s\n",
			 ho.domains[i].id, dids, ho.domains[i].levels,
			 ho.domains[i].nr_pages, devs);
	}
	for (i = 0; i < ho.nr_pages; i++)
		if (ho.pages[i].kind < IOMMU_LU_PAGE_KIND_NR)
			kinds[ho.pages[i].kind]++;
	demo_out("  %u page records: %u root, %u context, %u page-table\n",
		 ho.nr_pages, kinds[IOMMU_LU_PAGE_ROOT],
		 kinds[IOMMU_LU_PAGE_CONTEXT], kinds[IOMMU_LU_PAGE_PGTABLE]);
	for (i = 0, j = 0; i < ho.nr_units; i++)
		j += !!(ho.units[i].flags & IOMMU_LU_UNIT_CLEANED);
	demo_check(ho.nr_units == demo.m->nr_units && j == ho.nr_units &&
		   ho.nr_devices == demo_nr_expected(&nr_domains) &&
		   ho.nr_domains == nr_domains &&
		   (h->flags & IOMMU_LU_HDR_FROZEN),
		   "handover: %u units (%u cleaned), %u domains, %u devices, flags %#x",
		   ho.nr_units, j, ho.nr_domains, ho.nr_devices, h->flags);
	iommu_lu_handover_free(&ho);
	if (demo.dump_file)
		demo_write_dump(buf, len);
out:
	free(buf);
}

/* ---------------------------------------------------------------------- */
/* 6. The new kernel                                                        */

struct demo_ids {
	u32 id[32];
	unsigned int nr;
};

static int demo_add_did(u32 hw_id, void *data)
{
	struct demo_ids *ids = data;

	if (ids->nr == ARRAY_SIZE(ids->id))
		return -ENOSPC;
	ids->id[ids->nr++] = hw_id;
	return 0;
}

/*
 * Did a device of unit @unit_id use the incoming domain @id? Context:
 * &lu_core.lock.
 */
static bool demo_in_domain_on_unit(u32 id, u32 unit_id)
{
	u32 i;

	for (i = 0; i < lu.in.nr_devices; i++)
		if (lu.in.devices[i].domain_id == id &&
		    lu.in.devices[i].unit_id == unit_id)
			return true;
	return false;
}

/* Hardware id of the domain a device is attached to now; 0 if none. */
static unsigned int demo_did_of(enum demo_id id)
{
	struct device *dev = demo_device(id);
	struct iommu_domain *dom = dev ? iommu_get_domain_for_dev(dev) : NULL;

	return dom ? idrv_did(dom) : 0;
}

/* Page-table pages of the handover that are free again. */
static unsigned int demo_freed_pgtables(unsigned int u)
{
	unsigned int i, nr = 0;

	for (i = 0; i < demo.in_pgtables[u].nr; i++)
		nr += physmem_page_state(demo.in_pgtables[u].phys[i]) ==
		      PHYSMEM_PAGE_FREE;
	return nr;
}

static void demo_claim(enum demo_id id)
{
	struct demo_dev *dd = &demo.dev[id];
	struct lu_owner *o = dd->owner;
	unsigned int u = o->unit, i, freed = demo_freed_pgtables(u);
	int ret = 0;
	u8 reason;

	/* The VMM rebuilds its domain over the same memory, then attaches. */
	o->domain = idrv_domain_alloc(demo.m->drv[u], IOMMU_DOMAIN_UNMANAGED);
	for (i = 0; o->domain && !ret && i < o->nr_pages; i++)
		ret = idrv_map(o->domain, o->iova + (u64)i * PAGE_SIZE,
			       o->phys[i], PAGE_SIZE, IOMMU_READ | IOMMU_WRITE);
	if (!demo_check(o->domain && !ret, "new domain for %s: %s",
			demo_name(id), demo_err(ret)))
		return;
	ret = lu_owner_attach(o, dd->idx);
	dd->claimed = !ret;
	demo_out("  %s claimed: %s rebuilds its domain (did %u, same memory and IOVAs) and attaches it: %s\n",
		 demo_name(id), demo_topology[id].owner, idrv_did(o->domain),
		 demo_err(ret));
	freed = demo_freed_pgtables(u) - freed;
	ret = demo_dma(id, &reason);
	demo_out("      adopted: %s; the core freed the old domain's %u page-table pages; DMA: %s\n",
		 iommu_lu_rid_adopted(demo_lu_unit(u), dd->rids[0]) ? "STILL" :
		 "no longer", freed, demo_dma_str(ret, reason));
	demo_check(dd->claimed && !ret &&
		   !iommu_lu_rid_adopted(demo_lu_unit(u), dd->rids[0]),
		   "claim of %s failed", demo_name(id));
}

static void demo_new_kernel(void)
{
	unsigned int freed[LU_MACHINE_MAX_UNITS], u, i;
	size_t mark;
	int ret;

	demo_section("6. kexec, and the new kernel");
	mark = demo_log_mark();
	lu_machine_jump(demo.m);	/* section 4 ran the shutdown */
	ret = iommu_lu_retrieve();
	demo_out("  kernel %u booted; iommu_lu_retrieve(): %s, handover %s\n",
		 demo.m->kernel, demo_err(ret),
		 lu.in_state == LU_IN_VALID ? "valid" : "NOT VALID");
	demo_out("      log: %s\n", demo_log_find(mark, "handover retrieved") ?:
		 "(no \"handover retrieved\" line)");
	demo_check(!ret && lu.in_state == LU_IN_VALID, "retrieve: %s",
		   demo_err(ret));

	for (u = 0; u < demo.m->nr_units; u++) {
		struct iommu_lu_unit *unit = demo_lu_unit(u);
		enum iommu_lu_boot_state st = idrv_boot_state(demo.m->drv[u]);
		struct demo_ids dids = { .nr = 0 };
		char ids[64] = "";
		unsigned int rid, nr = 0, bad = 0;
		int n = 0;

		for (rid = 0; rid <= 0xffff; rid++)
			nr += iommu_lu_rid_adopted(unit, rid);
		iommu_lu_unit_domain_ids(unit, demo_add_did, &dids);
		qsort(dids.id, dids.nr, sizeof(dids.id[0]), demo_cmp_u32);
		for (i = 0; i < dids.nr; i++)
			n += snprintf(ids + n, sizeof(ids) - n, " %u", dids.id[i]);
		demo_out("  unit %u: %s, translation %s, %u requester ids adopted; domain ids the driver reserved:%s\n",
			 u, st == IOMMU_LU_UNIT_ADOPTED ? "ADOPTED" :
			 st == IOMMU_LU_UNIT_BLOCKED ? "BLOCKED" : "FRESH",
			 idrv_translation_enabled(demo.m->drv[u]) ? "on" : "OFF",
			 nr, ids);
		demo_check(st == IOMMU_LU_UNIT_ADOPTED, "unit %u not adopted", u);

		/*
		 * Keep the adopted page tables of the domains this unit's
		 * devices used, to see them freed later; the domain ids are
		 * in the device records, one per domain per unit.
		 */
		mutex_lock(&lu.lock);
		demo.in_pgtables[u].nr = 0;
		for (i = 0; i < lu.in.nr_pages; i++) {
			const struct iommu_lu_page_ser *pg = &lu.in.pages[i];

			if (pg->kind == IOMMU_LU_PAGE_PGTABLE &&
			    demo_in_domain_on_unit(pg->owner, unit->id))
				demo_set_add(&demo.in_pgtables[u], pg->phys);
		}
		for (i = 0; i < lu.in.nr_devices; i++) {
			const struct iommu_lu_device_ser *dv = &lu.in.devices[i];
			unsigned int k;

			if (dv->unit_id != unit->id)
				continue;
			for (k = 0; k < i; k++)
				if (lu.in.devices[k].unit_id == unit->id &&
				    lu.in.devices[k].hw_id == dv->hw_id)
					break;
			bad += k == i && !idrv_did_used(demo.m->drv[u], dv->hw_id);
		}
		mutex_unlock(&lu.lock);
		demo_check(!bad, "unit %u: %u preserved domain ids not reserved", u, bad);
	}

	/*
	 * The VMMs take their guest memory back from KHO (and keep it
	 * preserved); the host's DMA-API buffers were not preserved.
	 */
	for (i = 0; i < demo.nr_owners; i++) {
		struct lu_owner *o = demo.owners[i];

		if (physmem_page_state(o->phys[0]) == PHYSMEM_PAGE_AWAITING_RESTORE)
			lu_owner_carry(o);
		o->domain = NULL;	/* the old kernel's, gone */
	}

	for (i = 0; i < DEMO_NR_DEVS; i++) {
		struct demo_dev *dd = &demo.dev[i];

		dd->dma_new = demo_dma(i, &dd->fault_new);
		if (dd->dma_new == DEMO_NOT_RUN)
			continue;
		if (dd->expect_preserved)
			demo_out("  %s DMA through the adopted tables as %s: %s\n",
				 demo_name(i), demo_rid_list(i),
				 demo_dma_str(dd->dma_new, dd->fault_new));
		else
			demo_out("  %s (not preserved) DMA: %s: the new kernel gave it a fresh DMA domain (did %u)\n",
				 demo_name(i), demo_dma_str(dd->dma_new, dd->fault_new),
				 demo_did_of(i));
		demo_check(dd->expect_preserved || demo_did_of(i),
			   "%s has no domain in the new kernel", demo_name(i));
	}

	demo_claim(EP_01);

	for (u = 0; u < demo.m->nr_units; u++)
		freed[u] = demo_freed_pgtables(u);
	mark = demo_log_mark();
	iommu_lu_finish();
	demo_out("  iommu_lu_finish(): %s\n", demo_log_find(mark, "finish:") ?:
		 "(no \"finish:\" log line)");
	for (u = 0; u < demo.m->nr_units; u++) {
		demo_out("      unit %u: freed %u more page-table pages; %u of the %u handed over are free now\n",
			 u, demo_freed_pgtables(u) - freed[u],
			 demo_freed_pgtables(u), demo.in_pgtables[u].nr);
		demo_check(demo_freed_pgtables(u) == demo.in_pgtables[u].nr,
			   "unit %u: %u of %u adopted page-table pages freed",
			   u, demo_freed_pgtables(u), demo.in_pgtables[u].nr);
	}
	for (i = 0; i < DEMO_NR_DEVS; i++)
		demo.dev[i].dma_end = demo_dma(i, &demo.dev[i].fault_end);
}

/* ---------------------------------------------------------------------- */
/* 7. Summary                                                               */

static int demo_summary(void)
{
	struct vtd_model_stats st;
	unsigned long hw_errors = 0;
	unsigned int i, u;

	demo_section("7. Summary");
	demo_out("  %-8s %-15s %-10s %-32s %-22s %s\n", "device", "owner",
		 "preserved", "DMA after update", "after finish", "result");
	for (i = 0; i < DEMO_NR_DEVS; i++) {
		struct demo_dev *dd = &demo.dev[i];
		const char *end;
		bool ok;

		if (!demo_topology[i].owner)
			continue;
		if (dd->expect_preserved) {
			ok = dd->preserved && !dd->dma_new &&
			     (dd->claimed ? !dd->dma_end : dd->dma_end == -EFAULT);
			if (dd->claimed && !dd->dma_end)
				end = "OK (claimed)";
			else if (!dd->claimed && dd->dma_end == -EFAULT)
				end = "cleared (unclaimed)";
			else
				end = demo_dma_str(dd->dma_end, dd->fault_end);
		} else {
			ok = !dd->preserved && dd->dma_new == -EFAULT;
			end = "-";
		}
		demo_out("  %-8s %-15s %-10s %-32s %-22s %s\n", demo_name(i),
			 demo_topology[i].owner,
			 dd->preserved ? "yes" : "no",
			 demo_dma_str(dd->dma_new, dd->fault_new), end,
			 ok ? "as expected" : "FAILED");
		demo_check(ok, "%s: preserved %s, DMA after update %s, after finish %s",
			   demo_name(i), dd->preserved ? "yes" : "no",
			   demo_dma_str(dd->dma_new, dd->fault_new),
			   demo_dma_str(dd->dma_end, dd->fault_end));
	}

	for (u = 0; u < demo.m->nr_units; u++) {
		vtd_model_stats(demo.m->hw[u], &st);
		hw_errors += st.errors;
	}
	demo_out("  models: %lu VT-d programming errors, %u WARNs, %lu KHO double preserves, %lu bad unpreserves, %u panics\n",
		 hw_errors, shim_warn_count, kho_model.double_preserves,
		 kho_model.bad_unpreserves, shim_panic_count);
	demo_check(!hw_errors && !shim_warn_count && !shim_panic_count &&
		   !kho_model.double_preserves && !kho_model.bad_unpreserves,
		   "the models saw misuse (see the line above)");

	if (!demo.nr_failed) {
		demo_out("  PASS: %u checks; every preserved device kept its DMA across the update, the unpreserved one faulted\n",
			 demo.nr_checks);
		return 0;
	}
	demo_out("  FAIL: %u of %u checks failed:\n", demo.nr_failed,
		 demo.nr_checks);
	for (i = 0; i < demo.nr_failed && i < DEMO_MAX_FAIL; i++)
		demo_out("    - %s\n", demo.failed[i]);
	return 1;
}

/* ---------------------------------------------------------------------- */

static void demo_usage(FILE *f)
{
	fprintf(f,
		"Usage: iommu-lu-demo [-v] [-d FILE] [-h]\n"
		"Walk a simulated machine through an IOMMU live update and report.\n"
		"\n"
		"  -v       also print the kernel log of every step\n"
		"  -d FILE  write the handover dump (tests/out/iommu-lu-decode reads it)\n"
		"  -h       this help\n"
		"\n"
		"Exit status: 0 every expectation held, 1 some failed, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	unsigned int i;
	int opt, ret;

	while ((opt = getopt(argc, argv, "vd:h")) != -1) {
		switch (opt) {
		case 'v':
			demo.verbose = true;
			break;
		case 'd':
			demo.dump_file = optarg;
			break;
		case 'h':
			demo_usage(stdout);
			return 0;
		default:
			demo_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		demo_usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < DEMO_NR_DEVS; i++)
		demo.dev[i].idx = -1;

	/* A cold boot: memory, KHO, the log, the initcalls. */
	lu_harness_reset();
	demo.m = lu_machine_new(ARRAY_SIZE(demo_units), NULL);

	printf("iommu-lu demo: an IOMMU live update on a simulated machine\n");
	for (i = 0; i < DEMO_NR_DEVS; i++)
		if (!demo_topology[i].hotplug)
			demo_plug(i);
	if (demo.nr_failed) {
		ret = demo_summary();	/* lists what failed */
		goto out;
	}
	demo_show_machine();
	demo_old_kernel();
	demo_show_preserved();
	demo_shutdown();
	demo_show_handover();
	demo_new_kernel();
	ret = demo_summary();
out:
	for (i = 0; i < demo.nr_owners; i++)
		lu_owner_free(demo.owners[i]);
	lu_machine_free(demo.m);
	shim_slab_free_all();
	physmem_fini();
	return ret;
}
