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
 * A simulated machine (tests/harness/machine.h) with two VT-d units goes
 * through a whole kexec-based live update. Unit 0 runs legacy mode: root
 * ports, a PCIe-to-PCI + PCI-PCI bridge group whose DMA aliases sit on
 * another bus, a device hot-added after preservation. Unit 1 runs scalable
 * mode: a device with page requests on, a PF whose VFs land on a bus that did
 * not exist (one VF preserved after the unit was), and devfns below and above
 * 128 on bus 00 (lower and upper context tables). Every step says what
 * happened: which devices
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
 * The units: unit 0 runs legacy mode (its hardware has no ECAP.SMTS), unit 1
 * scalable mode (ECAP.SMTS, and the kernel runs intel_iommu=sm_on). Every
 * step below loops over units.
 */
static const struct demo_unit_desc {
	const char *mode;
	bool scalable;
} demo_units[] = {
	{ .mode = "legacy" },
	{ .mode = "scalable", .scalable = true },
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
	/* Unit 1, scalable mode, segment 0001. */
	S_EP_04,	/* 00:04.0, devfn 0x20: bus 00's lower context table */
	S_RP_05,	/* 00:05.0 root port -> bus 10 */
	S_PF_10,	/* 10:00.0 SR-IOV PF (First VF Offset 0x100, stride 1) */
	S_VF_0,		/* 11:00.0 .. 11:00.3: its VFs, on virtual bus 11 */
	S_VF_1,
	S_VF_2,
	S_VF_3,
	S_EP_11,	/* 00:11.0, devfn 0x88: bus 00's upper context table */
	DEMO_NR_DEVS,
};

#define DEMO_VF_OFFSET	0x100
#define DEMO_VF_STRIDE	1
#define DEMO_NR_VFS	4
#define DEMO_VF_BUS	0x11

#define DEMO_ROOT_BUS	(-1)	/* parent of the root ports */

struct demo_dev_desc {
	unsigned int unit;
	int parent;			/* enum demo_id, or %DEMO_ROOT_BUS */
	unsigned int devfn;
	enum pci_model_kind kind;
	unsigned int secbus;		/* bridges: the bus behind */
	bool hotplug;			/* plugged in later, in section 2 */
	const char *owner;		/* endpoints: who DMAs with it */
	bool pf;			/* an SR-IOV PF */
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
	[S_EP_04] = { .unit = 1, .parent = DEMO_ROOT_BUS,
		      .devfn = PCI_DEVFN(0x04, 0),
		      .kind = PCI_MODEL_ENDPOINT_PCIE, .owner = "VM D, PRI" },
	[S_EP_11] = { .unit = 1, .parent = DEMO_ROOT_BUS,
		      .devfn = PCI_DEVFN(0x11, 0),
		      .kind = PCI_MODEL_ENDPOINT_PCIE, .owner = "host, DMA API" },
	[S_RP_05] = { .unit = 1, .parent = DEMO_ROOT_BUS,
		      .devfn = PCI_DEVFN(0x05, 0),
		      .kind = PCI_MODEL_ROOT_PORT, .secbus = 0x10 },
	[S_PF_10] = { .unit = 1, .parent = S_RP_05, .devfn = PCI_DEVFN(0, 0),
		      .kind = PCI_MODEL_ENDPOINT_PCIE, .pf = true },
	/* VFs: .secbus is the bus they land on (VF n: PF rid + 0x100 + n). */
	[S_VF_0] = { .unit = 1, .parent = S_PF_10, .devfn = 0,
		     .kind = PCI_MODEL_SRIOV_VF, .secbus = DEMO_VF_BUS,
		     .hotplug = true },
	[S_VF_1] = { .unit = 1, .parent = S_PF_10, .devfn = 1,
		     .kind = PCI_MODEL_SRIOV_VF, .secbus = DEMO_VF_BUS,
		     .hotplug = true },
	[S_VF_2] = { .unit = 1, .parent = S_PF_10, .devfn = 2,
		     .kind = PCI_MODEL_SRIOV_VF, .secbus = DEMO_VF_BUS,
		     .hotplug = true, .owner = "VM E, SR-IOV VF" },
	[S_VF_3] = { .unit = 1, .parent = S_PF_10, .devfn = 3,
		     .kind = PCI_MODEL_SRIOV_VF, .secbus = DEMO_VF_BUS,
		     .hotplug = true },
};

static const char *const demo_kind_name[] = {
	[PCI_MODEL_ENDPOINT_PCIE] = "PCIe endpoint",
	[PCI_MODEL_ENDPOINT_PCI] = "PCI endpoint",
	[PCI_MODEL_ROOT_PORT] = "root port",
	[PCI_MODEL_PCIE_PCI_BRIDGE] = "PCIe-PCI bridge",
	[PCI_MODEL_PCI_BRIDGE] = "PCI-PCI bridge",
	[PCI_MODEL_SWITCH_UP] = "switch upstream port",
	[PCI_MODEL_SWITCH_DOWN] = "switch downstream port",
	[PCI_MODEL_SRIOV_VF] = "SR-IOV VF",
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

/*
 * A copy of a unit's root and context tables, as the hardware sees them:
 * per bus the context table (legacy) or the lower and upper ones (scalable).
 */
struct demo_tables {
	u64 root;
	bool sm;
	struct lu_vtd_root_entry re[LU_VTD_ROOT_NR];
	u64 ct[LU_VTD_ROOT_NR][2][LU_VTD_PAGE_SIZE / sizeof(u64)];
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

	if (d->kind == PCI_MODEL_SRIOV_VF)
		bus = d->secbus;

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

/* The unit runs scalable mode. */
static bool demo_sm(unsigned int u)
{
	return idrv_sm(demo.m->drv[u]);
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

/* The device is there (machine index @idx): learn its requester ids. */
static void demo_learn(enum demo_id id, int idx)
{
	struct demo_dev *dd = &demo.dev[id];
	u16 rids[IOMMU_LU_MAX_RIDS * 2];
	int nr, i;
	unsigned int j;

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
	demo_check(dd->nr_rids && dd->rids[0] == demo_rid(id),
		   "%s: the machine gave it requester id %#06x", demo_name(id),
		   dd->nr_rids ? dd->rids[0] : 0);
}

/* Plug a device in (hotplug once the machine runs); learn its ids. */
static bool demo_plug(enum demo_id id)
{
	const struct demo_dev_desc *d = &demo_topology[id];
	int parent = d->parent < 0 ? -1 : demo.dev[d->parent].idx;
	int idx;

	if (!demo_check(d->parent < 0 || parent >= 0,
			"plug in %s: its bridge is not there", demo_name(id)))
		return false;
	idx = lu_machine_add(demo.m, d->unit, parent, d->devfn, d->kind,
			     d->secbus);
	if (!demo_check(idx >= 0, "plug in %s: %s", demo_name(id),
			demo_err(idx)))
		return false;
	demo_learn(id, idx);
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
	if (d->pf)
		snprintf(kind, sizeof(kind), "SR-IOV PF");
	else if (d->secbus && d->kind != PCI_MODEL_SRIOV_VF)
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

	demo_section("1. The machine");
	for (u = 0; u < demo.m->nr_units; u++) {
		struct idrv_unit *drv = demo.m->drv[u];
		bool sm = idrv_sm(drv);

		demo_out("  unit %u: VT-d at %#llx, %s mode (RTADDR.SMT %u), queued invalidation %s, translation %s\n",
			 u,
			 (unsigned long long)vtd_model_reg_base(demo.m->hw[u]),
			 sm ? "scalable" : "legacy",
			 !!(vtd_model_active_root(demo.m->hw[u]) & LU_VTD_RTADDR_SMT),
			 idrv_qi_enabled(drv) ? "on" : "off",
			 idrv_translation_enabled(drv) ? "on" : "off");
		demo_check(sm == demo_units[u].scalable &&
			   sm == !!(vtd_model_active_root(demo.m->hw[u]) &
				    LU_VTD_RTADDR_SMT),
			   "unit %u does not run %s mode", u, demo_units[u].mode);
	}

	for (u = 0; u < demo.m->nr_units; u++) {
		demo_out("  segment %04x behind unit %u (requester id = bus << 8 | devfn):\n",
			 pci_model_segment(demo.m->pci[u]), u);
		for (i = 0; i < DEMO_NR_DEVS; i++) {
			if (demo_topology[i].unit != u)
				continue;
			if (i == S_VF_0)
				demo_out("  %*s%02x:00.0-3 (SR-IOV off: %u VFs appear in section 2, on bus %02x, which does not exist yet)\n",
					 2 * demo_depth(i), "", DEMO_VF_BUS,
					 DEMO_NR_VFS, DEMO_VF_BUS);
			if (demo_topology[i].kind == PCI_MODEL_SRIOV_VF)
				continue;
			if (demo_topology[i].hotplug)
				demo_out("  %*s%-*s (empty slot: hot-added in section 2)\n",
					 2 * demo_depth(i), "",
					 13 - 2 * demo_depth(i), demo_name(i));
			else
				demo_print_dev(i);
		}
		if (demo_sm(u))
			demo_out("  (no PCI bridge here: in scalable mode Linux 7.3 programs no entry for a bridge's alias)\n");
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

/*
 * Find the bus whose root entry points at context table @ctx; *@upper: it is
 * the upper half (scalable mode).
 */
static int demo_ctx_bus(u64 root, u64 ctx, bool *upper)
{
	const struct lu_vtd_root_entry *rt = physmem_va(root);
	unsigned int bus;

	for (bus = 0; rt && bus < LU_VTD_ROOT_NR; bus++) {
		*upper = (rt[bus].hi & LU_VTD_ROOT_P) &&
			 (rt[bus].hi & LU_VTD_ROOT_CTP) == ctx;
		if (*upper || ((rt[bus].lo & LU_VTD_ROOT_P) &&
			       (rt[bus].lo & LU_VTD_ROOT_CTP) == ctx))
			return bus;
	}
	return -1;
}

/* The context table @rid's entry is in (scalable: its half's), or 0. */
static u64 demo_ctx_table(unsigned int u, u16 rid)
{
	u64 root = vtd_model_active_root(demo.m->hw[u]) & LU_VTD_PAGE_MASK;
	const struct lu_vtd_root_entry *rt = physmem_va(root);
	u64 half;

	if (!rt)
		return 0;
	half = demo_sm(u) && (rid & 0xff) >= LU_VTD_SM_UPPER ?
	       rt[PCI_BUS_NUM(rid)].hi : rt[PCI_BUS_NUM(rid)].lo;
	return half & LU_VTD_ROOT_P ? half & LU_VTD_ROOT_CTP : 0;
}

static void demo_walk_pt(struct demo_set *s, u64 table, unsigned int level);
static unsigned int demo_did_of(enum demo_id id);

/*
 * Add to @s every hardware page below the root table that DMA as @rid goes
 * through on unit @u, read from the tables themselves: its context table;
 * legacy: the page tables its context entry leads to; scalable: its PASID
 * directory, every PASID table in it and the page tables of every PASID
 * entry in those.
 */
static void demo_walk_rid(unsigned int u, u16 rid, struct demo_set *s)
{
	u64 ctx = demo_ctx_table(u, rid), dir, lo;
	const struct lu_vtd_sm_context_entry *sce;
	const struct lu_vtd_context_entry *ce;
	unsigned int devfn = rid & 0xff, pdts, d, i;

	if (!ctx || !physmem_va(ctx))
		return;
	demo_set_add(s, ctx);
	if (!demo_sm(u)) {
		ce = (const struct lu_vtd_context_entry *)physmem_va(ctx) + devfn;
		if (ce->lo & LU_VTD_CTX_P)
			demo_walk_pt(s, ce->lo & LU_VTD_CTX_SLPTPTR,
				     (ce->hi & LU_VTD_CTX_AW_MASK) + 2);
		return;
	}
	sce = (const struct lu_vtd_sm_context_entry *)physmem_va(ctx) +
	      devfn % LU_VTD_SM_CTX_NR;
	lo = sce->lo;
	if (!(lo & LU_VTD_SM_CTX_P))
		return;
	dir = lo & LU_VTD_SM_CTX_DIR;
	pdts = (lo >> LU_VTD_SM_CTX_PDTS_SHIFT) & LU_VTD_SM_CTX_PDTS_MASK;
	for (d = 0; d < (1U << (pdts + 7)); d++) {
		u64 dpage = dir + (((u64)d * sizeof(u64)) & LU_VTD_PAGE_MASK);
		const u64 *de = physmem_va(dpage);
		const struct lu_vtd_pasid_entry *pt;
		u64 pde;

		if (!de)
			return;
		demo_set_add(s, dpage);
		pde = de[d % (LU_VTD_PAGE_SIZE / sizeof(u64))];
		if (!(pde & LU_VTD_PDE_P))
			continue;
		pt = physmem_va(pde & LU_VTD_PDE_TABLE);
		if (!pt)
			continue;
		demo_set_add(s, pde & LU_VTD_PDE_TABLE);
		for (i = 0; i < LU_VTD_PASID_TABLE_NR; i++)
			if (pt[i].val[0] & LU_VTD_PE_P)
				demo_walk_pt(s, pt[i].val[0] & LU_VTD_PE_SLPTPTR,
					     ((pt[i].val[0] >> LU_VTD_PE_AW_SHIFT) &
					      LU_VTD_PE_AW_MASK) + 2);
	}
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
	bool upper;
	int bus;

	mutex_lock(&lu.lock);
	p = lu_page_find(phys);
	b[0] = '\0';
	if (p && !demo_page_of_unit(unit, p))
		p = NULL;
	if (p && p->kind == IOMMU_LU_PAGE_ROOT) {
		snprintf(b, 96, "root table");
	} else if (p && p->kind == IOMMU_LU_PAGE_CONTEXT) {
		bus = demo_ctx_bus(unit->root_phys, phys, &upper);
		if (iommu_lu_unit_mode(unit) == IOMMU_LU_MODE_VTD_SCALABLE)
			snprintf(b, 96, "context table of bus %02x, %s half (devfn %s)",
				 bus, upper ? "upper" : "lower",
				 upper ? "80-ff" : "00-7f");
		else
			snprintf(b, 96, "context table of bus %02x", bus);
	} else if (p && p->kind == IOMMU_LU_PAGE_PASID_DIR) {
		snprintf(b, 96, "PASID directory");
	} else if (p && p->kind == IOMMU_LU_PAGE_PASID_TABLE) {
		snprintf(b, 96, "PASID table (PASIDs 0-63: RID_PASID 0)");
	} else if (p && p->kind == IOMMU_LU_PAGE_PGTABLE &&
		   (att = demo_attach_of(unit, p->owner))) {
		snprintf(b, 96, "page table of domain did %u", att->hw_id);
	}
	mutex_unlock(&lu.lock);
	return b;
}

/*
 * Preserve @id on a unit that is preserved already, and show that the core
 * KHO-preserved exactly what the device adds: the pages its requester ids go
 * through that were not preserved yet, read from the hardware tables.
 */
static void demo_preserve_incremental(enum demo_id id)
{
	unsigned int u = demo_topology[id].unit, nr_new = 0, k = 0, j;
	struct iommu_lu_unit *unit = demo_lu_unit(u);
	struct demo_dev *dd = &demo.dev[id];
	struct demo_set all = { .nr = 0 }, want = { .nr = 0 };
	const struct kho_call *log;
	const char *what;
	size_t n, i;
	int ret;

	for (j = 0; j < dd->nr_rids; j++)
		demo_walk_rid(u, dd->rids[j], &all);
	for (j = 0; j < all.nr; j++)
		if (!kho_model_preserved(all.phys[j]))
			demo_set_add(&want, all.phys[j]);

	kho_model_log_clear();
	ret = iommu_lu_preserve_device(demo_device(id));
	dd->expect_preserved = true;
	log = kho_model_log(&n);
	for (i = 0; i < n; i++)
		nr_new += log[i].op == KHO_OP_PRESERVE_PAGES ||
			  log[i].op == KHO_OP_ALLOC_PRESERVE;
	demo_out("  preserve %s (incremental): %s; the core preserved %u more pages, nothing else:\n",
		 demo_name(id), demo_err(ret), nr_new);
	for (i = 0; i < n; i++) {
		if (log[i].op == KHO_OP_ALLOC_PRESERVE)
			demo_out("      %#llx  a new handover block\n",
				 (unsigned long long)log[i].phys);
		if (log[i].op != KHO_OP_PRESERVE_PAGES)
			continue;
		k++;
		what = demo_page_what(unit, log[i].phys);
		demo_out("      %#llx  %s\n", (unsigned long long)log[i].phys,
			 *what ? what : "NOT A PAGE THE CORE TRACKS");
		demo_check(demo_set_has(&want, log[i].phys),
			   "preserve %s: page %#llx is not one its ids newly need",
			   demo_name(id), (unsigned long long)log[i].phys);
	}
	demo_check(!ret, "preserve %s: %s", demo_name(id), demo_err(ret));
	demo_check(k == want.nr && nr_new == want.nr,
		   "preserve %s: %u pages, expected %u (what its ids newly need)",
		   demo_name(id), nr_new, want.nr);
}

static void demo_hotplug(void)
{
	unsigned int u = demo_topology[EP_06].unit;
	struct lu_owner *c;
	int ret;

	if (!demo_plug(EP_06))
		return;
	c = demo_owner_add(lu_owner_new(demo.m, u, 0x300000, DEMO_PAGES, 0xc3));
	demo.dev[EP_06].owner = c;
	ret = lu_owner_attach(c, demo.dev[EP_06].idx);
	demo_check(!ret, "attach 06:00.0: %s", demo_err(ret));
	demo_out("  hotplug: 06:00.0 (rid %#06x, group %d) appears behind 00:1f.0; VM C attaches it to domain did %u\n",
		 demo_rid(EP_06), demo_group_id(EP_06), idrv_did(c->domain));
	demo_preserve_incremental(EP_06);
}

/*
 * Unit 1 (scalable): enable SR-IOV on the PF once the unit is preserved; the
 * VFs land on a bus that did not exist, and preserving one of them preserves
 * that bus's (lower) context table, its PASID pages and its domain's tables.
 */
static void demo_sriov(void)
{
	unsigned int u = demo_topology[S_PF_10].unit, v;
	struct iommu_lu_unit *unit = demo_lu_unit(u);
	bool existed = demo_ctx_table(u, PCI_DEVID(DEMO_VF_BUS, 0)) ||
		       demo_ctx_table(u, PCI_DEVID(DEMO_VF_BUS, 0x80));
	char groups[48] = "";
	struct lu_owner *e;
	u64 pf_ctx;
	int first, ret, n = 0;
	u8 reason;

	first = lu_machine_sriov_set(demo.m, demo.dev[S_PF_10].idx,
				     DEMO_VF_OFFSET, DEMO_VF_STRIDE, DEMO_NR_VFS);
	if (!demo_check(first > 0, "SR-IOV on %s: %s", demo_name(S_PF_10),
			demo_err(first)))
		return;
	for (v = 0; v < DEMO_NR_VFS; v++) {
		demo_learn(S_VF_0 + v, first + v);
		n += snprintf(groups + n, sizeof(groups) - n, " %d",
			      demo_group_id(S_VF_0 + v));
	}
	demo_out("  SR-IOV: %s NumVFs %u (offset %#x, stride %u): VFs %s-%u on bus %02x, a virtual bus\n",
		 demo_name(S_PF_10), DEMO_NR_VFS, DEMO_VF_OFFSET, DEMO_VF_STRIDE,
		 demo_name(S_VF_0), DEMO_NR_VFS - 1, DEMO_VF_BUS);
	demo_out("      (no bridge leads there; bus %02x had %s context table before), groups%s\n",
		 DEMO_VF_BUS, existed ? "A" : "no", groups);
	demo_check(!existed && demo.dev[S_VF_0].rids[0] == PCI_DEVID(DEMO_VF_BUS, 0) &&
		   demo.dev[S_VF_0].nr_rids == 1,
		   "the VFs are not alone on a new bus %02x", DEMO_VF_BUS);

	e = demo_owner_add(lu_owner_new(demo.m, u, 0x700000, DEMO_PAGES, 0xe7));
	demo.dev[S_VF_2].owner = e;
	ret = lu_owner_attach(e, demo.dev[S_VF_2].idx);
	demo_check(!ret, "attach %s: %s", demo_name(S_VF_2), demo_err(ret));
	ret = demo_dma(S_VF_2, &reason);
	demo_out("  VM E attaches VF %s to domain did %u; DMA: %s\n",
		 demo_name(S_VF_2), idrv_did(e->domain), demo_dma_str(ret, reason));
	demo_check(!ret, "old kernel: %s DMA %s", demo_name(S_VF_2),
		   demo_dma_str(ret, reason));
	demo_preserve_incremental(S_VF_2);

	pf_ctx = demo_ctx_table(u, demo_rid(S_PF_10));
	demo_out("  bus %02x (the PF's, nothing preserved there): its context table %#llx is %s\n",
		 PCI_BUS_NUM(demo_rid(S_PF_10)), (unsigned long long)pf_ctx,
		 pf_ctx && iommu_lu_page_preserved(unit, pf_ctx) ?
		 "PRESERVED" : "not preserved");
	demo_check(pf_ctx && !iommu_lu_page_preserved(unit, pf_ctx) &&
		   !kho_model_preserved(pf_ctx),
		   "the PF's bus context table was preserved");
}

static void demo_old_kernel(void)
{
	struct device *devs[2];
	struct iommu_group *group;
	struct lu_owner *a, *b, *d;
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
	/* Unit 1: VM D owns 00:04.0, the host uses 00:11.0 (upper half). */
	d = demo_owner_add(lu_owner_new(demo.m, demo_topology[S_EP_04].unit,
					0x500000, DEMO_PAGES, 0xd5));
	demo.dev[S_EP_04].owner = d;
	ret = lu_owner_attach(d, demo.dev[S_EP_04].idx);
	demo_check(!ret, "attach %s: %s", demo_name(S_EP_04), demo_err(ret));
	demo.dev[S_EP_11].owner = demo_dma_api_owner(S_EP_11, 0x600000, 0xe6);

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
	demo_out("  unit 1: VM D: domain did %u on %s; host: %s (devfn %#x, upper half) on DMA-API domain did %u\n",
		 idrv_did(d->domain), demo_name(S_EP_04), demo_name(S_EP_11),
		 demo_topology[S_EP_11].devfn, demo_did_of(S_EP_11));
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

	/* Unit 1: a device doing page requests (PRE set), then the VFs. */
	ret = idrv_set_pri(demo.m->drv[demo_topology[S_EP_04].unit],
			   demo_pdev(S_EP_04), true);
	demo_check(!ret, "PRI on %s: %s", demo_name(S_EP_04), demo_err(ret));
	devs[0] = demo_device(S_EP_04);
	ret = iommu_lu_preserve_devices(devs, 1);
	demo_out("  unit 1: preserve %s (page requests on: PRE set in its context entry): %s\n",
		 demo_name(S_EP_04), demo_err(ret));
	demo_check(!ret, "preserve %s: %s", demo_name(S_EP_04), demo_err(ret));
	demo.dev[S_EP_04].expect_preserved = true;
	demo_sriov();

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
 * root table and every page DMA as a preserved requester id goes through
 * (demo_walk_rid()): per id only its own context table (scalable: its half),
 * PASID pages and page tables.
 */
static unsigned int demo_min_pages(unsigned int u, struct demo_set *s)
{
	u64 root = vtd_model_active_root(demo.m->hw[u]) & LU_VTD_PAGE_MASK;
	unsigned int i, j;

	s->nr = 0;
	if (!physmem_va(root))
		return 0;
	demo_set_add(s, root);
	for (i = 0; i < DEMO_NR_DEVS; i++) {
		struct demo_dev *dd = &demo.dev[i];

		if (!dd->expect_preserved || demo_topology[i].unit != u)
			continue;
		for (j = 0; j < dd->nr_rids; j++)
			demo_walk_rid(u, dd->rids[j], s);
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
		unsigned int bkt, bus, half, mine = 0, nr_dids = 0, d;
		bool sm = demo_sm(u);
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

			for (half = 0; rt && half < 2; half++) {
				u64 e = half ? rt[bus].hi : rt[bus].lo;

				p = e & LU_VTD_ROOT_P ?
				    lu_page_find(e & LU_VTD_ROOT_CTP) : NULL;
				if (p && p->refs && demo_page_of_unit(unit, p))
					n += snprintf(buses + n, sizeof(buses) - n,
						      " %02x%s", bus, !sm ? "" :
						      half ? "(upper)" : "(lower)");
			}
		}
		demo_out("  unit %u (%s): %u hardware pages, KHO-preserved once each, refcounted by the core:\n",
			 u, demo_units[u].mode, total);
		demo_out("      root table       %u  at %#llx\n",
			 kinds[IOMMU_LU_PAGE_ROOT],
			 (unsigned long long)unit->root_phys);
		demo_out("      context tables   %u  bus%s\n",
			 kinds[IOMMU_LU_PAGE_CONTEXT], buses);
		if (sm)
			demo_out("      PASID pages      %u  %u directories + %u tables, one each per preserved device\n",
				 kinds[IOMMU_LU_PAGE_PASID_DIR] +
				 kinds[IOMMU_LU_PAGE_PASID_TABLE],
				 kinds[IOMMU_LU_PAGE_PASID_DIR],
				 kinds[IOMMU_LU_PAGE_PASID_TABLE]);
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
		demo_check(sm ? kinds[IOMMU_LU_PAGE_PASID_DIR] >= 2 &&
				kinds[IOMMU_LU_PAGE_PASID_TABLE] >= 2 :
				!kinds[IOMMU_LU_PAGE_PASID_DIR] &&
				!kinds[IOMMU_LU_PAGE_PASID_TABLE],
			   "unit %u: %u PASID directories, %u PASID tables", u,
			   kinds[IOMMU_LU_PAGE_PASID_DIR],
			   kinds[IOMMU_LU_PAGE_PASID_TABLE]);
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
	unsigned int bus, half;

	if (!t)
		return NULL;
	t->sm = demo_sm(u);
	t->root = vtd_model_active_root(demo.m->hw[u]) & LU_VTD_PAGE_MASK;
	rt = physmem_va(t->root);
	if (!rt)
		return t;
	memcpy(t->re, rt, sizeof(t->re));
	for (bus = 0; bus < LU_VTD_ROOT_NR; bus++) {
		for (half = 0; half < (t->sm ? 2 : 1); half++) {
			u64 e = half ? t->re[bus].hi : t->re[bus].lo;
			const void *ct;

			if (!(e & LU_VTD_ROOT_P))
				continue;
			ct = physmem_va(e & LU_VTD_ROOT_CTP);
			if (ct)
				memcpy(t->ct[bus][half], ct, LU_VTD_PAGE_SIZE);
		}
	}
	return t;
}

/* Root entry half @half of @bus in a snapshot (legacy: only half 0). */
static u64 demo_snap_root(const struct demo_tables *t, unsigned int bus,
			  unsigned int half)
{
	return half ? t->re[bus].hi : t->re[bus].lo;
}

/* The first qword of @rid's context entry in a snapshot; 0 if none. */
static u64 demo_snap_ctx(const struct demo_tables *t, u16 rid)
{
	unsigned int bus = PCI_BUS_NUM(rid), devfn = rid & 0xff;
	unsigned int half = t->sm && devfn >= LU_VTD_SM_UPPER;

	if (!(demo_snap_root(t, bus, half) & LU_VTD_ROOT_P))
		return 0;
	/* 16-byte legacy entries, 32-byte scalable ones (128 per half). */
	return t->sm ? t->ct[bus][half][(devfn % LU_VTD_SM_CTX_NR) * 4] :
		       t->ct[bus][0][devfn * 2];
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

/*
 * Compare the tables before and after the shutdown cleanup of unit @u, with
 * the backend's statistics of that shutdown.
 */
static void demo_show_cleanup(unsigned int u, const struct demo_tables *b,
			      const struct demo_tables *a,
			      const struct iommu_lu_intel_shutdown_stats *st)
{
	unsigned int bus, half, i, before = 0, kept = 0, cleared = 0, pre = 0;
	unsigned int dropped = 0, zeroed = 0, unexpected = 0;
	unsigned int nr_halves = b->sm ? 2 : 1;
	unsigned int per_half = b->sm ? LU_VTD_SM_CTX_NR : LU_VTD_CTX_NR;
	char zbuses[96] = "";
	int n = 0;

	for (bus = 0; bus < LU_VTD_ROOT_NR; bus++) {
		for (half = 0; half < nr_halves; half++) {
			bool root_gone;

			if (!(demo_snap_root(b, bus, half) & LU_VTD_ROOT_P))
				continue;
			root_gone = !(demo_snap_root(a, bus, half) & LU_VTD_ROOT_P);
			if (root_gone) {
				zeroed++;
				n += snprintf(zbuses + n, sizeof(zbuses) - n,
					      " %02x%s", bus, !b->sm ? "" :
					      half ? "(upper)" : "(lower)");
			}
			for (i = 0; i < per_half; i++) {
				u16 rid = bus << 8 | (half * LU_VTD_SM_UPPER + i);
				u64 lo_b = demo_snap_ctx(b, rid);
				u64 lo_a = demo_snap_ctx(a, rid);

				if (!(lo_b & LU_VTD_CTX_P))
					continue;
				before++;
				if (root_gone) {
					dropped++;
				} else if (lo_a & LU_VTD_CTX_P) {
					kept++;
					unexpected += !demo_rid_expected(u, rid);
					pre += b->sm && (lo_b & LU_VTD_SM_CTX_PRE) &&
					       !(lo_a & LU_VTD_SM_CTX_PRE);
					unexpected += b->sm && (lo_a & LU_VTD_SM_CTX_PRE);
				} else {
					cleared++;
					unexpected += demo_rid_expected(u, rid);
				}
			}
		}
	}
	demo_out("  unit %u (%s): %u context entries were present; %u kept (exactly the preserved ids: %s)\n",
		 u, demo_units[u].mode, before, kept, unexpected ? "NO" : "yes");
	demo_out("      %u cleared in kept context tables; %u root %s zeroed (bus%s), making %u more unreachable\n",
		 cleared, zeroed, b->sm ? "entry halves" : "entries", zbuses,
		 dropped);
	if (b->sm)
		demo_out("      bus 00 keeps its lower half (%s) and loses its upper one (%s); PRE cleared on %u kept entry (%s)\n",
			 demo_name(S_EP_04), demo_name(S_EP_11), pre,
			 demo_name(S_EP_04));
	demo_out("      the backend's own count agrees: %s (cleared %u, kept %u, roots zeroed %u%s)\n",
		 st->ctx_cleared == cleared && st->ctx_kept == kept &&
		 st->roots_zeroed == zeroed && st->pre_cleared == pre ? "yes" : "NO",
		 st->ctx_cleared, st->ctx_kept, st->roots_zeroed,
		 b->sm ? ", PRE cleared" : "");
	demo_check(!unexpected, "unit %u: the kept entries are not the preserved ids", u);
	demo_check(st->ctx_cleared == cleared && st->ctx_kept == kept &&
		   st->roots_zeroed == zeroed && st->pre_cleared == pre,
		   "unit %u: the backend's shutdown counts differ from the tables", u);
	demo_check(st->flush_ok && st->flushed_qi,
		   "unit %u: shutdown invalidation %s%s", u,
		   st->flush_ok ? "" : "failed", st->flushed_qi ? "" : " (not queued)");
	if (b->sm) {
		/* 00:04.0 had PRE; both halves of bus 00 were there, one goes. */
		demo_check(pre == 1, "unit %u: PRE cleared on %u entries, not 1", u, pre);
		demo_check((demo_snap_root(a, 0, 0) & LU_VTD_ROOT_P) &&
			   (demo_snap_root(b, 0, 1) & LU_VTD_ROOT_P) &&
			   !(demo_snap_root(a, 0, 1) & LU_VTD_ROOT_P),
			   "unit %u: bus 00 did not keep its lower half and drop its upper one", u);
	}
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
	struct vtd_model_stats s0, s1;
	char line[512], pc[48];
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

	/*
	 * intel_iommu_shutdown() of every unit, as lu_machine_shutdown() does;
	 * the backend's statistics are of the last unit shut down.
	 */
	for (u = 0; u < demo.m->nr_units; u++) {
		struct vtd_model *hw = demo.m->hw[u];
		struct iommu_lu_intel_shutdown_stats st;
		struct demo_tables *before, *after;

		before = demo_snapshot(u);
		vtd_model_stats(hw, &s0);
		idrv_shutdown(demo.m->drv[u]);
		iommu_lu_intel_last_shutdown(&st);
		after = demo_snapshot(u);
		vtd_model_stats(hw, &s1);
		if (before && after)
			demo_show_cleanup(u, before, after, &st);
		snprintf(pc, sizeof(pc), " + %llu global PASID-cache",
			 s1.qi_desc[VTDM_QI_PASID_CACHE] - s0.qi_desc[VTDM_QI_PASID_CACHE]);
		demo_out("      invalidated through the queue: %llu global context-cache + %llu global IOTLB%s descriptors,\n",
			 s1.qi_desc[VTDM_QI_CC] - s0.qi_desc[VTDM_QI_CC],
			 s1.qi_desc[VTDM_QI_IOTLB] - s0.qi_desc[VTDM_QI_IOTLB],
			 demo_sm(u) ? pc : "");
		demo_out("      then %llu waits: a lap of the %llu-entry queue (%s descriptors), tail back in place; %llu register-based\n",
			 s1.qi_desc[VTDM_QI_WAIT] - s0.qi_desc[VTDM_QI_WAIT],
			 demo_qi_entries(hw),
			 readq(vtd_model_regs(hw) + VTDM_REG_IQA) & VTDM_IQA_DW ?
			 "256-bit" : "128-bit", s1.reg_inv - s0.reg_inv);
		demo_out("      translation left on: %s, root table still %#llx\n",
			 vtd_model_translation_enabled(hw) ? "yes" : "NO",
			 (unsigned long long)(vtd_model_active_root(hw) &
					      LU_VTD_PAGE_MASK));
		demo_check(vtd_model_translation_enabled(hw),
			   "unit %u: translation off after shutdown", u);
		demo_check(s1.qi_desc[VTDM_QI_CC] > s0.qi_desc[VTDM_QI_CC] &&
			   s1.qi_desc[VTDM_QI_IOTLB] > s0.qi_desc[VTDM_QI_IOTLB] &&
			   s1.reg_inv == s0.reg_inv,
			   "unit %u: shutdown did not invalidate through the queue", u);
		demo_check(!demo_sm(u) ||
			   s1.qi_desc[VTDM_QI_PASID_CACHE] > s0.qi_desc[VTDM_QI_PASID_CACHE],
			   "unit %u: scalable-mode shutdown did not invalidate the PASID cache", u);
		free(after);
		free(before);
	}

	/* Devices keep DMAing while the machine jumps to the new kernel. */
	for (u = 0; u < demo.m->nr_units; u++) {
		n = 0;
		line[0] = '\0';
		for (i = 0; i < DEMO_NR_DEVS; i++) {
			int r;

			if (demo_topology[i].unit != u)
				continue;
			r = demo_dma(i, &reason);
			if (r == DEMO_NOT_RUN)
				continue;
			n += snprintf(line + n, sizeof(line) - n, "%s%s %s",
				      n ? ", " : "", demo_name(i),
				      r ? demo_dma_str(r, reason) : "OK");
			demo_check(demo.dev[i].expect_preserved ? !r : r == -EFAULT,
				   "kexec window: %s DMA %s", demo_name(i),
				   demo_dma_str(r, reason));
		}
		demo_out("  DMA during the jump, unit %u: %s\n", u, line);
	}
}

/* The machine's index of the unit with handover id @id (old kernel). */
static int demo_unit_idx(u32 id)
{
	unsigned int u;

	for (u = 0; u < demo.m->nr_units; u++)
		if (demo_lu_unit(u)->id == id)
			return u;
	return -1;
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
	for (i = 0; i < ho.nr_units; i++) {
		int u = demo_unit_idx(ho.units[i].id);
		bool sm = ho.units[i].mode == IOMMU_LU_MODE_VTD_SCALABLE;

		demo_out("  unit %d (id %u): %s, %s mode, token %#llx, root %#llx, %u devices, %s\n",
			 u, ho.units[i].id,
			 ho.units[i].vendor == IOMMU_LU_VENDOR_INTEL_VTD ?
			 "intel-vtd" : "other",
			 ho.units[i].mode == IOMMU_LU_MODE_VTD_LEGACY ?
			 "legacy" : "scalable",
			 (unsigned long long)ho.units[i].token,
			 (unsigned long long)ho.units[i].root_phys,
			 ho.units[i].nr_devices,
			 ho.units[i].flags & IOMMU_LU_UNIT_CLEANED ?
			 "cleaned" : "NOT CLEANED");
		demo_check(u >= 0 && sm == demo_units[u].scalable &&
			   (sm || ho.units[i].mode == IOMMU_LU_MODE_VTD_LEGACY),
			   "handover unit id %u: mode %u is not its unit's",
			   ho.units[i].id, ho.units[i].mode);
	}
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
					       "%sdid %u on unit %d",
					       nd ? ", " : "", dv->hw_id,
					       demo_unit_idx(dv->unit_id));
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
	demo_out("  %u page records: %u root, %u context, %u PASID directory, %u PASID table, %u page-table\n",
		 ho.nr_pages, kinds[IOMMU_LU_PAGE_ROOT],
		 kinds[IOMMU_LU_PAGE_CONTEXT], kinds[IOMMU_LU_PAGE_PASID_DIR],
		 kinds[IOMMU_LU_PAGE_PASID_TABLE], kinds[IOMMU_LU_PAGE_PGTABLE]);
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
		demo_out("  unit %u: %s, %s mode, translation %s, %u requester ids adopted; domain ids the driver reserved:%s\n",
			 u, st == IOMMU_LU_UNIT_ADOPTED ? "ADOPTED" :
			 st == IOMMU_LU_UNIT_BLOCKED ? "BLOCKED" : "FRESH",
			 demo_sm(u) ? "scalable" : "legacy",
			 idrv_translation_enabled(demo.m->drv[u]) ? "on" : "OFF",
			 nr, ids);
		demo_check(st == IOMMU_LU_UNIT_ADOPTED, "unit %u not adopted", u);
		demo_check(demo_sm(u) == demo_units[u].scalable,
			   "unit %u: the new kernel does not run %s mode", u,
			   demo_units[u].mode);

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

	demo_out("  note: %s survives here because the harness keeps VF Enable; on a real Linux 7.3 kexec the\n"
		 "      next kernel's sriov_init() clears VF Enable when it enumerates the PF, so VFs need a PCI change first\n",
		 demo_name(S_VF_2));
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
	demo_out("  %-4s %-8s %-16s %-9s %-31s %-20s %s\n", "unit", "device",
		 "owner", "preserved", "DMA after update", "after finish",
		 "result");
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
		demo_out("  %-4u %-8s %-16s %-9s %-31s %-20s %s\n",
			 demo_topology[i].unit, demo_name(i),
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
		demo_out("  PASS: %u checks; every preserved device, on both units, kept its DMA across the update; the unpreserved ones faulted\n",
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
	struct vtd_model_cfg cfgs[ARRAY_SIZE(demo_units)];
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
	for (i = 0; i < ARRAY_SIZE(demo_units); i++) {
		vtd_model_default_cfg(&cfgs[i]);
		cfgs[i].scalable = demo_units[i].scalable;
		/* Unit 1's VFs each get a group and a domain: CAP.ND = 3. */
		if (demo_units[i].scalable)
			cfgs[i].nd = 3;
	}
	/* intel_iommu=sm_on: a unit with ECAP.SMTS runs scalable mode. */
	demo.m = lu_machine_new_units(ARRAY_SIZE(demo_units), cfgs, true);

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
