// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite: the debugfs files of core/debugfs.c (userspace, machine model).
 */

/**
 * DOC: debugfs suite
 *
 * Reads every file of iommu_lu/ the way the VFS does (the debugfs shim calls
 * the files' open, read in small chunks, release) on the simulated machine
 * and checks what they print against what is known independently of the
 * core: the PCI model's DMA aliases, the Intel driver model's domain ids and
 * page tables, the hardware's context entries (legacy mode: the DID a
 * requester id really translates with, as the VT-d driver's
 * dmar_translation_struct shows it), KHO's preserved set.
 *
 * - The directory holds exactly the six files, read-only, and each boot
 *   creates them anew.
 * - A preserved device's line has its requester ids and its DID; its
 *   domain's line names the same DID on the unit; every page line marked
 *   preserved is a page KHO holds, and there is one per page record.
 * - Unpreserving a device removes its preserved line (it stays tracked);
 *   hot removal removes the line.
 * - The handover file is exactly lu_ser_dump(), decodes with the core's
 *   decoder (what tools/iommu-lu-decode runs), and is the snapshot taken
 *   when the file was opened.
 * - In the next kernel, the unit is ADOPTED, the devices adopted with the
 *   same DIDs; finish drops the adoption. A bad handover shows BLOCKED.
 * - A file bigger than the seq_file's first buffer is whole and sorted.
 *
 * Every case runs with the unit in legacy and in scalable mode. Userspace
 * only: it needs the harness and the models. With IOMMU_LU_DEBUGFS_OUT set
 * to a directory, the preserve case also writes the files it read there
 * (e.g. for tests/out/iommu-lu-decode).
 */

#include <stdlib.h>
#include <kunit/test.h>
#include "harness/machine.h"
#include "model/physmem.h"
#include "model/kho.h"
#include "../core/lu_core.h"
#include "../golden/dump_map.h"

#define DBG_TOKEN	LU_MACHINE_REG_BASE

static const char *const dbg_files[] = {
	"state", "units", "devices", "domains", "pages", "handover",
};

/**
 * struct dbg_mode - One parameter: the mode the unit runs in.
 * @name: for KTAP.
 * @sm: scalable mode.
 */
struct dbg_mode {
	const char *name;
	bool sm;
};

static const struct dbg_mode dbg_modes[] = {
	{ .name = "legacy", .sm = false },
	{ .name = "scalable", .sm = true },
};

KUNIT_ARRAY_PARAM_DESC(dbg_mode, dbg_modes, name);

/**
 * struct dbg_scene - The machine of every case.
 * @m: the machine.
 * @sm: scalable mode.
 * @ep0: 01:00.0, alone in its group, on @o0.
 * @ep1: 02:00.0, on its DMA-API domain: tracked, never preserved.
 * @bep0: first device of a two-device group on @o1 (legacy: behind a
 *	PCIe-to-PCI bridge, with aliases; scalable: 03:00.0 with a phantom
 *	function 03:00.4).
 * @bep1: the group's second device.
 * @rp3: an empty root port (a hotplug slot, bus 6).
 * @o0: ep0's domain.
 * @o1: the group's domain.
 */
struct dbg_scene {
	struct lu_machine *m;
	bool sm;
	int ep0, ep1, bep0, bep1, rp3;
	struct lu_owner *o0, *o1;
};

static void dbg_scene_up(struct kunit *test, struct dbg_scene *s)
{
	const struct dbg_mode *mode = test->param_value;
	struct vtd_model_cfg cfg;
	struct lu_machine *m;
	int rp0, rp1, rp2, br, pbr;

	vtd_model_default_cfg(&cfg);
	cfg.scalable = mode && mode->sm;
	m = lu_machine_new(1, &cfg);
	s->m = m;
	s->sm = cfg.scalable;
	rp0 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1c, 0), PCI_MODEL_ROOT_PORT, 1);
	s->ep0 = lu_machine_add(m, 0, rp0, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	rp1 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1d, 0), PCI_MODEL_ROOT_PORT, 2);
	s->ep1 = lu_machine_add(m, 0, rp1, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	rp2 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1e, 0), PCI_MODEL_ROOT_PORT, 3);
	if (s->sm) {
		s->bep0 = lu_machine_add_aliased(m, 0, rp2, PCI_DEVFN(0, 0),
						 PCI_MODEL_ENDPOINT_PCIE, 0,
						 PCI_DEVFN(0, 4));
		s->bep1 = lu_machine_add(m, 0, rp2, PCI_DEVFN(0, 1),
					 PCI_MODEL_ENDPOINT_PCIE, 0);
	} else {
		pbr = lu_machine_add(m, 0, rp2, 0, PCI_MODEL_PCIE_PCI_BRIDGE, 4);
		br = lu_machine_add(m, 0, pbr, PCI_DEVFN(1, 0),
				    PCI_MODEL_PCI_BRIDGE, 5);
		s->bep0 = lu_machine_add(m, 0, br, PCI_DEVFN(2, 0),
					 PCI_MODEL_ENDPOINT_PCI, 0);
		s->bep1 = lu_machine_add(m, 0, br, PCI_DEVFN(3, 0),
					 PCI_MODEL_ENDPOINT_PCI, 0);
	}
	s->rp3 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1f, 0), PCI_MODEL_ROOT_PORT, 6);
	KUNIT_ASSERT_GE(test, s->ep0, 0);
	KUNIT_ASSERT_GE(test, s->ep1, 0);
	KUNIT_ASSERT_GE(test, s->bep0, 0);
	KUNIT_ASSERT_GE(test, s->bep1, 0);
	KUNIT_ASSERT_GE(test, s->rp3, 0);
	s->o0 = lu_owner_new(m, 0, 0x100000, 4, 0x11);
	s->o1 = lu_owner_new(m, 0, 0x200000, 2, 0x22);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(s->o0, s->ep0), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(s->o1, s->bep0), 0);
}

static void dbg_preserve_all(struct kunit *test, struct dbg_scene *s)
{
	struct device *g[2] = { lu_machine_dev(s->m, s->bep0),
				lu_machine_dev(s->m, s->bep1) };

	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(lu_machine_dev(s->m, s->ep0)), 0);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_devices(g, 2), 0);
}

/* ---- reading and parsing the files ---- */

/* A whole file, read in @chunk-byte reads, in test memory (NUL-terminated). */
static char *dbg_read_chunked(struct kunit *test, const char *file,
			      size_t chunk, size_t *lenp)
{
	char path[64], *buf, *copy;
	size_t len;
	int ret;

	snprintf(path, sizeof(path), "iommu_lu/%s", file);
	ret = shim_debugfs_read(path, chunk, &buf, &len);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "reading %s", path);
	copy = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	memcpy(copy, buf, len);
	free(buf);
	if (lenp)
		*lenp = len;
	return copy;
}

/* Text files are read 100 bytes at a time: lines straddle the reads. */
static char *dbg_read(struct kunit *test, const char *file)
{
	return dbg_read_chunked(test, file, 100, NULL);
}

/* The line of @text that starts with @start and contains @needle, or NULL. */
static char *dbg_line(struct kunit *test, const char *text, const char *start,
		      const char *needle)
{
	const char *p = text;

	while (*p) {
		const char *end = strchrnul(p, '\n');
		size_t len = end - p;

		if (len >= strlen(start) && !strncmp(p, start, strlen(start))) {
			char *line = kunit_kzalloc(test, len + 1, GFP_KERNEL);

			KUNIT_ASSERT_NOT_NULL(test, line);
			memcpy(line, p, len);
			if (!needle || strstr(line, needle))
				return line;
		}
		p = *end ? end + 1 : end;
	}
	return NULL;
}

static unsigned int dbg_nr_lines(const char *text, const char *start)
{
	unsigned int n = 0;
	const char *p = text;

	while (*p) {
		if (!strncmp(p, start, strlen(start)))
			n++;
		p = strchrnul(p, '\n');
		if (*p)
			p++;
	}
	return n;
}

/* The value of " key=" (or "key=" at the start) in @line, or NULL. */
static char *dbg_field(struct kunit *test, const char *line, const char *key)
{
	size_t klen = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ' || p[-1] == '\n') && p[klen] == '=') {
			const char *v = p + klen + 1;
			size_t vlen = strcspn(v, "\n ");
			char *val = kunit_kzalloc(test, vlen + 1, GFP_KERNEL);

			KUNIT_ASSERT_NOT_NULL(test, val);
			memcpy(val, v, vlen);
			return val;
		}
		p += klen;
	}
	return NULL;
}

/* A numeric field (decimal, or hex with 0x); aborts the case if absent. */
static unsigned long long dbg_num(struct kunit *test, const char *line,
				  const char *key)
{
	char *v = dbg_field(test, line, key), *end;
	unsigned long long n;

	KUNIT_ASSERT_NOT_NULL_MSG(test, v, "no %s= in '%s'", key, line);
	n = strtoull(v, &end, 0);
	KUNIT_ASSERT_TRUE_MSG(test, *v && !*end, "%s=%s is not a number", key, v);
	return n;
}

/* "state" has one key=value per line. */
static unsigned long long dbg_state(struct kunit *test, const char *key)
{
	return dbg_num(test, dbg_read(test, "state"), key);
}

static char *dbg_state_str(struct kunit *test, const char *key)
{
	char *v = dbg_field(test, dbg_read(test, "state"), key);

	KUNIT_ASSERT_NOT_NULL_MSG(test, v, "no %s= in state", key);
	return v;
}

/* The devices line of the device whose own requester id is @rid. */
static char *dbg_device_line(struct kunit *test, u16 rid)
{
	char needle[32];

	snprintf(needle, sizeof(needle), " rid16=0x%04x ", rid);
	return dbg_line(test, dbg_read(test, "devices"), "device ", needle);
}

/* Expect @needle in @line (a line that may be missing). */
static void dbg_expect_has(struct kunit *test, const char *line, const char *needle)
{
	KUNIT_EXPECT_TRUE_MSG(test, line && strstr(line, needle), "'%s' lacks '%s'",
			      line ? line : "(no line)", needle);
}

static void dbg_bdf(char *buf, size_t len, u16 rid)
{
	snprintf(buf, len, "%02x:%02x.%x", PCI_BUS_NUM(rid),
		 PCI_SLOT(rid & 0xff), PCI_FUNC(rid & 0xff));
}

/* The DID the hardware translates @rid with (legacy context entry). */
static unsigned int dbg_hw_did(struct kunit *test, struct dbg_scene *s, u16 rid)
{
	u64 lo, hi;

	KUNIT_ASSERT_TRUE_MSG(test, idrv_context_entry(s->m->drv[0], rid, &lo, &hi),
			      "rid %04x has no context entry", rid);
	return (hi >> 8) & 0xffff;
}

/*
 * The whole devices line a preserved device @idx on @o must have: its
 * requester ids from the PCI model, its DID from the driver model (and, in
 * legacy mode, from every context entry the hardware uses for its ids),
 * its page table from the driver model.
 */
static void dbg_check_preserved_line(struct kunit *test, struct dbg_scene *s,
				     int idx, struct lu_owner *o)
{
	struct pci_dev *pdev = s->m->devs[idx].pdev;
	u16 rid = lu_machine_rid(s->m, idx), rids[IOMMU_LU_MAX_RIDS];
	char *line = dbg_device_line(test, rid), want[512], bdf[16], *list, *ids, *tok;
	unsigned int did = idrv_did(o->domain), n, i, seen = 0;
	int nr;

	KUNIT_ASSERT_NOT_NULL_MSG(test, line, "no devices line for rid %04x", rid);
	nr = pci_model_dma_aliases(pdev, rids, IOMMU_LU_MAX_RIDS);
	KUNIT_ASSERT_GT(test, nr, 0);

	/* Fixed fields first, in their documented order. */
	dbg_bdf(bdf, sizeof(bdf), rid);
	snprintf(want, sizeof(want),
		 "device name=%s sbdf=0000:%s rid=%s rid16=0x%04x nr_rids=%d ",
		 dev_name(&pdev->dev), bdf, bdf, rid, nr);
	KUNIT_EXPECT_EQ_MSG(test, strncmp(line, want, strlen(want)), 0,
			    "'%s' does not start with '%s'", line, want);
	snprintf(want, sizeof(want),
		 " preserved=1 adopted=0 unit=0x%llx domain=%llu pgtable=0x%llx did=%u did_hex=0x%x pages=",
		 DBG_TOKEN, dbg_num(test, line, "domain"),
		 idrv_domain_pgd(o->domain), did, did);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(line, want), "'%s' lacks '%s'",
				  line, want);

	/* The id lists: own first, then exactly the model's aliases. */
	list = dbg_field(test, line, "rids16");
	KUNIT_ASSERT_NOT_NULL(test, list);
	n = 0;
	while ((tok = strsep(&list, ","))) {
		u16 r = strtoul(tok, NULL, 16);

		if (!n)
			KUNIT_EXPECT_EQ(test, r, rid);
		for (i = 0; i < (unsigned int)nr; i++)
			if (rids[i] == r)
				seen |= BIT(i);
		if (!s->sm)
			KUNIT_EXPECT_EQ_MSG(test, dbg_hw_did(test, s, r), did,
					    "rid %04x: context entry DID", r);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, (unsigned int)nr);
	KUNIT_EXPECT_EQ(test, seen, (unsigned int)BIT(nr) - 1);
	/* rids= is the same list as bus:device.function. */
	list = dbg_field(test, line, "rids");
	ids = dbg_field(test, line, "rids16");
	for (i = 0; list && ids && (tok = strsep(&list, ",")); i++) {
		dbg_bdf(bdf, sizeof(bdf), strtoul(strsep(&ids, ","), NULL, 16));
		KUNIT_EXPECT_STREQ(test, tok, bdf);
	}
	KUNIT_EXPECT_EQ(test, i, n);
	/* Legacy: one context table holds every id of ep0. */
	if (!s->sm && idx == s->ep0)
		KUNIT_EXPECT_EQ(test, dbg_num(test, line, "pages"), 1);
}

/* The domains line of the domain whose page table is @pgd. */
static char *dbg_domain_line(struct kunit *test, u64 pgd)
{
	char needle[48];

	snprintf(needle, sizeof(needle), " pgtable=0x%llx ", pgd);
	return dbg_line(test, dbg_read(test, "domains"), "domain ", needle);
}

/* ---- the cases ---- */

/* A fresh boot: the six files, read-only, nothing preserved. */
static void debugfs_test_files(struct kunit *test)
{
	struct dbg_scene s;
	char *units, *line, *devs;
	unsigned int i;
	size_t len;

	dbg_scene_up(test, &s);
	KUNIT_ASSERT_NOT_NULL(test, shim_debugfs_find("iommu_lu"));
	KUNIT_EXPECT_TRUE(test, shim_debugfs_find("iommu_lu")->is_dir);
	for (i = 0; i < ARRAY_SIZE(dbg_files); i++) {
		char path[64];
		struct dentry *d;

		snprintf(path, sizeof(path), "iommu_lu/%s", dbg_files[i]);
		d = shim_debugfs_find(path);
		KUNIT_ASSERT_NOT_NULL_MSG(test, d, "no %s", path);
		KUNIT_EXPECT_FALSE(test, d->is_dir);
		KUNIT_EXPECT_EQ_MSG(test, d->inode.i_mode, 0400, "%s", path);
		KUNIT_EXPECT_NULL(test, d->fops->write);
	}
	/* Nothing else: the directory and its six files. */
	KUNIT_EXPECT_EQ(test, shim_debugfs_nr_entries(), ARRAY_SIZE(dbg_files) + 1);

	KUNIT_EXPECT_STREQ(test, dbg_state_str(test, "state"), "collecting");
	KUNIT_EXPECT_STREQ(test, dbg_state_str(test, "incoming"), "none");
	KUNIT_EXPECT_EQ(test, dbg_state(test, "units"), 1);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "units_fresh"), 1);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "units_preserving"), 0);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "devices_preserved"), 0);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "handover"), 0);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "handover_bytes"), 0);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "pages"), 0);

	units = dbg_read(test, "units");
	KUNIT_EXPECT_EQ(test, dbg_nr_lines(units, "unit "), 1);
	line = dbg_line(test, units, "unit ", NULL);
	KUNIT_ASSERT_NOT_NULL(test, line);
	if (s.sm)
		KUNIT_EXPECT_STREQ(test, line,
				   "unit token=0xfed90000 id=1 vendor=intel-vtd backend=intel-vtd segment=0000 mode=scalable boot=FRESH preserved=0 adopted=0 root=0x0 cleaned=0 dids=0 root_pages=0");
	else
		KUNIT_EXPECT_STREQ(test, line,
				   "unit token=0xfed90000 id=1 vendor=intel-vtd backend=intel-vtd segment=0000 mode=legacy boot=FRESH preserved=0 adopted=0 root=0x0 cleaned=0 dids=0 root_pages=0");

	/* Every PCI device is tracked (bridges and root ports too). */
	devs = dbg_read(test, "devices");
	KUNIT_EXPECT_EQ(test, dbg_nr_lines(devs, "device "), s.m->nr_devs);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "devices"), s.m->nr_devs);
	line = dbg_device_line(test, lu_machine_rid(s.m, s.ep1));
	KUNIT_ASSERT_NOT_NULL(test, line);
	dbg_expect_has(test, line,
		       " preserved=0 adopted=0 unit=0xfed90000 domain=- pgtable=- did=- did_hex=- pages=0");
	KUNIT_EXPECT_STREQ(test, dbg_read(test, "domains"), "");
	KUNIT_EXPECT_STREQ(test, dbg_read(test, "pages"), "");
	dbg_read_chunked(test, "handover", 0, &len);
	KUNIT_EXPECT_EQ(test, len, 0);

	/* A missing file and the directory cannot be read. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(shim_debugfs_open("iommu_lu/nope")), -ENOENT);
	KUNIT_EXPECT_EQ(test, PTR_ERR(shim_debugfs_open("iommu_lu")), -EISDIR);
}

/* Preserved devices, their domains and pages. */
static void debugfs_test_preserved(struct kunit *test)
{
	struct dbg_scene s;
	struct lu_dump dump;
	char *units, *line, *pages, *save;
	unsigned int nr_pages = 0, roots = 0;
	u64 root;

	dbg_scene_up(test, &s);
	dbg_preserve_all(test, &s);
	root = idrv_root_phys(s.m->drv[0]);

	KUNIT_EXPECT_EQ(test, dbg_state(test, "devices_preserved"), 3);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "units_preserving"), 1);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "domains"), 2);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "domains_preserved"), 2);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "records_unit"), 1);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "records_domain"), 2);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "records_device"), 3);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "handover"), 1);
	dump.buf = (const u8 *)dbg_read_chunked(test, "handover", 0, &dump.len);
	KUNIT_ASSERT_GE(test, dump.len, LU_DUMP_PAGE);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "handover_phys"), lu_dump_phys(&dump, 0));

	units = dbg_read(test, "units");
	line = dbg_line(test, units, "unit ", NULL);
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "preserved"), 3);
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "root"), root);
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "dids"), 2);
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "root_pages"), 1);

	dbg_check_preserved_line(test, &s, s.ep0, s.o0);
	dbg_check_preserved_line(test, &s, s.bep0, s.o1);
	dbg_check_preserved_line(test, &s, s.bep1, s.o1);
	line = dbg_device_line(test, lu_machine_rid(s.m, s.ep1));
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, " preserved=0 adopted=0 "));

	/* Each domain: its page table, levels and DID on the unit. */
	line = dbg_domain_line(test, idrv_domain_pgd(s.o0->domain));
	KUNIT_ASSERT_NOT_NULL(test, line);
	{
		char want[160];
		unsigned int did = idrv_did(s.o0->domain);

		snprintf(want, sizeof(want),
			 " refs=1 arefs=0 caller=1 owned=0 leak=0 dids=0x%llx:%u dids_hex=0x%llx:0x%x",
			 DBG_TOKEN, did, DBG_TOKEN, did);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(line, want), "'%s' lacks '%s'",
					  line, want);
		KUNIT_EXPECT_EQ(test, dbg_num(test, line, "id"),
				dbg_num(test, dbg_device_line(test, lu_machine_rid(s.m, s.ep0)),
					"domain"));
		KUNIT_EXPECT_EQ(test, dbg_num(test, line, "pages"),
				idrv_domain_pages(s.o0->domain, NULL, 0));
	}
	line = dbg_domain_line(test, idrv_domain_pgd(s.o1->domain));
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "refs"), 2);

	/* Every page line: a page KHO holds; one per page record. */
	pages = dbg_read(test, "pages");
	for (line = strtok_r(pages, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		nr_pages++;
		KUNIT_EXPECT_EQ(test, strncmp(line, "page phys=", 10), 0);
		KUNIT_EXPECT_TRUE_MSG(test, kho_model_preserved(dbg_num(test, line, "phys")),
				      "'%s' is not KHO-preserved", line);
		KUNIT_EXPECT_EQ(test, dbg_num(test, line, "preserved"), 1);
		KUNIT_EXPECT_EQ(test, dbg_num(test, line, "arefs"), 0);
		if (!strcmp(dbg_field(test, line, "kind"), "root")) {
			roots++;
			KUNIT_EXPECT_EQ(test, dbg_num(test, line, "phys"), root);
		}
	}
	KUNIT_EXPECT_EQ(test, roots, 1);
	KUNIT_EXPECT_EQ(test, nr_pages, dbg_state(test, "records_page"));
	KUNIT_EXPECT_EQ(test, nr_pages, dbg_state(test, "pages_preserved"));

	/* For a look at the files, or tests/out/iommu-lu-decode. */
	if (getenv("IOMMU_LU_DEBUGFS_OUT")) {
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(dbg_files); i++) {
			char path[512];
			size_t len;
			char *c = dbg_read_chunked(test, dbg_files[i], 0, &len);
			FILE *f;

			snprintf(path, sizeof(path), "%s/%s-%s",
				 getenv("IOMMU_LU_DEBUGFS_OUT"),
				 s.sm ? "scalable" : "legacy", dbg_files[i]);
			f = fopen(path, "w");
			KUNIT_ASSERT_NOT_NULL_MSG(test, f, "cannot write %s", path);
			fwrite(c, 1, len, f);
			fclose(f);
		}
	}
}

/* Unpreserve: the preserved line goes; hot removal: the line goes. */
static void debugfs_test_unpreserve(struct kunit *test)
{
	struct dbg_scene s;
	u16 rid0, rid1;
	char *line;
	size_t len;

	dbg_scene_up(test, &s);
	dbg_preserve_all(test, &s);
	rid0 = lu_machine_rid(s.m, s.ep0);
	rid1 = lu_machine_rid(s.m, s.bep1);

	KUNIT_ASSERT_EQ(test, iommu_lu_unpreserve_device(lu_machine_dev(s.m, s.ep0)), 0);
	line = dbg_device_line(test, rid0);
	KUNIT_ASSERT_NOT_NULL(test, line);
	dbg_expect_has(test, line,
		       " preserved=0 adopted=0 unit=0xfed90000 domain=- pgtable=- did=- did_hex=- pages=0");
	KUNIT_EXPECT_NULL(test, strstr(line, " preserved=1 "));
	KUNIT_EXPECT_EQ(test, dbg_nr_lines(dbg_read(test, "devices"), "device "), s.m->nr_devs);
	KUNIT_EXPECT_NULL(test, dbg_domain_line(test, idrv_domain_pgd(s.o0->domain)));
	KUNIT_EXPECT_EQ(test, dbg_state(test, "devices_preserved"), 2);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "domains"), 1);
	KUNIT_EXPECT_EQ(test, dbg_nr_lines(dbg_read(test, "domains"), "domain "), 1);
	KUNIT_EXPECT_EQ(test, dbg_nr_lines(dbg_read(test, "pages"), "page "),
			dbg_state(test, "records_page"));

	/* The group's second device is unplugged: no line at all. */
	lu_machine_remove(s.m, s.bep1);
	KUNIT_EXPECT_NULL(test, dbg_device_line(test, rid1));
	KUNIT_EXPECT_EQ(test, dbg_state(test, "devices_preserved"), 1);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "devices"), s.m->nr_devs - 1);
	line = dbg_domain_line(test, idrv_domain_pgd(s.o1->domain));
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "refs"), 1);

	/* The last one: nothing is handed over. */
	KUNIT_ASSERT_EQ(test, iommu_lu_unpreserve_device(lu_machine_dev(s.m, s.bep0)), 0);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "handover"), 0);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "units_preserving"), 0);
	KUNIT_EXPECT_STREQ(test, dbg_read(test, "domains"), "");
	KUNIT_EXPECT_STREQ(test, dbg_read(test, "pages"), "");
	dbg_read_chunked(test, "handover", 0, &len);
	KUNIT_EXPECT_EQ(test, len, 0);
	line = dbg_line(test, dbg_read(test, "units"), "unit ", NULL);
	KUNIT_ASSERT_NOT_NULL(test, line);
	dbg_expect_has(test, line, " preserved=0 adopted=0 root=0x0 cleaned=0 dids=0 root_pages=0");
}

/* The live handover, copied under the lock, in test memory. */
static u8 *dbg_live_dump(struct kunit *test, size_t *len)
{
	u8 *buf;

	mutex_lock(&lu.lock);
	*len = lu_ser_dump(NULL, 0);
	buf = kunit_kzalloc(test, max_t(size_t, *len, 1), GFP_KERNEL);
	if (buf)
		lu_ser_dump(buf, *len);
	mutex_unlock(&lu.lock);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	return buf;
}

/* The handover file: lu_ser_dump(), decodable, a snapshot at open. */
static void debugfs_test_handover(struct kunit *test)
{
	struct iommu_lu_handover ho = { };
	struct dbg_scene s;
	struct lu_dump d;
	u8 *file, *live, part[777];
	size_t len, live_len, got = 0;
	struct file *f;
	char err[160] = "";
	unsigned int i;
	ssize_t n;
	int ret;

	dbg_scene_up(test, &s);
	dbg_preserve_all(test, &s);

	/* Read in odd-sized pieces: the same bytes as lu_ser_dump(). */
	file = (u8 *)dbg_read_chunked(test, "handover", 1000, &len);
	live = dbg_live_dump(test, &live_len);
	KUNIT_ASSERT_EQ(test, len, live_len);
	KUNIT_EXPECT_EQ(test, memcmp(file, live, len), 0);
	KUNIT_EXPECT_EQ(test, len, dbg_state(test, "handover_bytes"));
	KUNIT_EXPECT_EQ(test, len % LU_DUMP_PAGE, 0);
	KUNIT_EXPECT_EQ(test, len / LU_DUMP_PAGE,
			1 + dbg_state(test, "blocks_unit") + dbg_state(test, "blocks_domain") +
			dbg_state(test, "blocks_device") + dbg_state(test, "blocks_page"));

	/* What tools/iommu-lu-decode does with it: the core's decoder. */
	d.buf = file;
	d.len = len;
	ret = iommu_lu_decode(lu_dump_header(&d), IOMMU_LU_BLOCK_SIZE, lu_dump_map,
			      &d, &ho, err, sizeof(err));
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "decode: %s", err);
	KUNIT_EXPECT_EQ(test, ho.nr_units, dbg_state(test, "records_unit"));
	KUNIT_EXPECT_EQ(test, ho.nr_domains, dbg_state(test, "records_domain"));
	KUNIT_EXPECT_EQ(test, ho.nr_devices, dbg_state(test, "records_device"));
	KUNIT_EXPECT_EQ(test, ho.nr_pages, dbg_state(test, "records_page"));
	KUNIT_EXPECT_EQ(test, ho.units[0].token, DBG_TOKEN);
	/* Every device record matches its devices line. */
	for (i = 0; i < ho.nr_devices; i++) {
		const struct iommu_lu_device_ser *dv = &ho.devices[i];
		char *line = dbg_device_line(test, dv->rid);

		KUNIT_ASSERT_NOT_NULL(test, line);
		KUNIT_EXPECT_EQ(test, dbg_num(test, line, "did"), dv->hw_id);
		KUNIT_EXPECT_EQ(test, dbg_num(test, line, "domain"), dv->domain_id);
		KUNIT_EXPECT_EQ(test, dbg_num(test, line, "nr_rids"), dv->nr_rids);
		KUNIT_EXPECT_EQ(test, dbg_num(test, line, "preserved"), 1);
	}
	iommu_lu_handover_free(&ho);

	/* Opened before a change: still the old handover. */
	f = shim_debugfs_open("iommu_lu/handover");
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_ASSERT_EQ(test, iommu_lu_unpreserve_device(lu_machine_dev(s.m, s.ep0)), 0);
	while ((n = shim_debugfs_fread(f, part, sizeof(part))) > 0) {
		KUNIT_ASSERT_LE(test, got + n, len);
		KUNIT_EXPECT_EQ(test, memcmp(part, file + got, n), 0);
		got += n;
	}
	KUNIT_EXPECT_EQ(test, n, 0);
	KUNIT_EXPECT_EQ(test, got, len);
	KUNIT_EXPECT_EQ(test, shim_debugfs_close(f), 0);
	/* Opened after: the new one. */
	file = (u8 *)dbg_read_chunked(test, "handover", 0, &len);
	live = dbg_live_dump(test, &live_len);
	KUNIT_ASSERT_EQ(test, len, live_len);
	KUNIT_EXPECT_EQ(test, memcmp(file, live, len), 0);
	d.buf = file;
	d.len = len;
	ret = iommu_lu_decode(lu_dump_header(&d), IOMMU_LU_BLOCK_SIZE, lu_dump_map,
			      &d, &ho, err, sizeof(err));
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "decode: %s", err);
	KUNIT_EXPECT_EQ(test, ho.nr_devices, 2);
	iommu_lu_handover_free(&ho);
}

/* The next kernel: adopted, with the same DIDs; finish; boot creates anew. */
static void debugfs_test_adopted(struct kunit *test)
{
	struct dbg_scene s;
	unsigned int did0, did1, i;
	char *units, *line, *pages, *save;
	u16 rid0, rid1;
	u64 root;

	dbg_scene_up(test, &s);
	dbg_preserve_all(test, &s);
	did0 = idrv_did(s.o0->domain);
	did1 = idrv_did(s.o1->domain);
	root = idrv_root_phys(s.m->drv[0]);
	rid0 = lu_machine_rid(s.m, s.ep0);
	rid1 = lu_machine_rid(s.m, s.bep1);

	lu_machine_shutdown(s.m);
	KUNIT_EXPECT_STREQ(test, dbg_state_str(test, "state"), "frozen");
	line = dbg_line(test, dbg_read(test, "units"), "unit ", NULL);
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "cleaned"), 1);

	lu_machine_jump(s.m);
	lu_owner_carry(s.o0);
	lu_owner_carry(s.o1);
	/* A new kernel, a new debugfs: each file once. */
	KUNIT_EXPECT_EQ(test, shim_debugfs_nr_entries(), ARRAY_SIZE(dbg_files) + 1);
	KUNIT_ASSERT_EQ(test, idrv_boot_state(s.m->drv[0]), IOMMU_LU_UNIT_ADOPTED);

	KUNIT_EXPECT_STREQ(test, dbg_state_str(test, "state"), "collecting");
	KUNIT_EXPECT_STREQ(test, dbg_state_str(test, "incoming"), "valid");
	KUNIT_EXPECT_EQ(test, dbg_state(test, "units_adopted"), 1);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "devices_adopted"), 3);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "devices_preserved"), 0);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "in_units"), 1);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "in_devices"), 3);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "in_domains"), 2);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "handover"), 0);

	units = dbg_read(test, "units");
	line = dbg_line(test, units, "unit ", NULL);
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_EXPECT_STREQ(test, dbg_field(test, line, "boot"), "ADOPTED");
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "adopted"), 3);
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "preserved"), 0);
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "root"), root);
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "dids"), 2);

	/* The devices, bound again by the enumeration, on their old DIDs. */
	line = dbg_device_line(test, rid0);
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_EXPECT_STREQ(test, dbg_field(test, line, "name"),
			   dev_name(lu_machine_dev(s.m, s.ep0)));
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "preserved"), 0);
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "adopted"), 1);
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "did"), did0);
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "did_hex"), did0);
	if (!s.sm)
		KUNIT_EXPECT_EQ(test, dbg_hw_did(test, &s, rid0), did0);
	line = dbg_device_line(test, rid1);
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "adopted"), 1);
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "did"), did1);

	/* Adopted domains belong to the core; their pages are adopted. */
	KUNIT_EXPECT_EQ(test, dbg_nr_lines(dbg_read(test, "domains"), "domain "), 2);
	line = dbg_line(test, dbg_read(test, "domains"), "domain ", " arefs=2 ");
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, " refs=0 arefs=2 caller=0 owned=1 leak=0 "));
	pages = dbg_read(test, "pages");
	i = 0;
	for (line = strtok_r(pages, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(line, " refs=0 arefs=1 preserved=0"),
					  "%s", line);
		i++;
	}
	KUNIT_EXPECT_GT(test, i, 0);
	KUNIT_EXPECT_EQ(test, i, dbg_state(test, "pages_adopted"));

	/* ep0 preserved again, untouched: both flags, the same DID. */
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(lu_machine_dev(s.m, s.ep0)), 0);
	line = dbg_device_line(test, rid0);
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(line, " preserved=1 adopted=1 "), "%s", line);
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "did"), did0);

	/* Finish: the group nobody claimed is no longer adopted. */
	iommu_lu_finish();
	KUNIT_EXPECT_STREQ(test, dbg_state_str(test, "incoming"), "none");
	KUNIT_EXPECT_EQ(test, dbg_state(test, "devices_adopted"), 0);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "devices_preserved"), 1);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "in_devices"), 0);
	line = dbg_device_line(test, rid1);
	KUNIT_ASSERT_NOT_NULL(test, line);
	dbg_expect_has(test, line, " preserved=0 adopted=0 unit=0xfed90000 domain=- ");
	line = dbg_device_line(test, rid0);
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, " preserved=1 adopted=0 "));
	KUNIT_EXPECT_EQ(test, dbg_nr_lines(dbg_read(test, "domains"), "domain "), 1);
}

/* A handover that fails validation: BLOCKED, incoming=bad. */
static void debugfs_test_blocked(struct kunit *test)
{
	struct dbg_scene s;
	char *line;

	dbg_scene_up(test, &s);
	dbg_preserve_all(test, &s);
	lu.hdr->version = 99;		/* torn by the old kernel */
	lu_machine_kexec(s.m);
	KUNIT_ASSERT_EQ(test, idrv_boot_state(s.m->drv[0]), IOMMU_LU_UNIT_BLOCKED);
	KUNIT_EXPECT_STREQ(test, dbg_state_str(test, "incoming"), "bad");
	KUNIT_EXPECT_EQ(test, dbg_state(test, "units_blocked"), 1);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "in_devices"), 0);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "devices_adopted"), 0);
	line = dbg_line(test, dbg_read(test, "units"), "unit ", NULL);
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_EXPECT_STREQ(test, dbg_field(test, line, "boot"), "BLOCKED");
	KUNIT_EXPECT_EQ(test, dbg_num(test, line, "adopted"), 0);
}

/*
 * Many devices (a PF with 64 VFs, some preserved): the devices file is far
 * bigger than the seq_file's first buffer, yet whole and sorted by
 * requester id; reading it in one go or byte by byte gives the same text.
 */
static void debugfs_test_big(struct kunit *test)
{
	struct dbg_scene s;
	struct lu_owner *o;
	char *devs, *bytewise, *p, want[64];
	unsigned int n = 0, prev = 0, i;
	int pf, vf;
	size_t len, len1;

	dbg_scene_up(test, &s);
	pf = lu_machine_add(s.m, 0, s.rp3, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	KUNIT_ASSERT_GE(test, pf, 0);
	vf = lu_machine_sriov_set(s.m, pf, 1, 1, 64);
	KUNIT_ASSERT_GT(test, vf, 0);
	o = lu_owner_new(s.m, 0, 0x400000, 1, 0x44);
	for (i = 0; i < 64; i += 8) {
		KUNIT_ASSERT_EQ(test, lu_owner_attach(o, vf + i), 0);
		KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(lu_machine_dev(s.m, vf + i)), 0);
	}

	devs = dbg_read_chunked(test, "devices", 0, &len);
	KUNIT_EXPECT_GT(test, len, 2 * 4096);
	bytewise = dbg_read_chunked(test, "devices", 1, &len1);
	KUNIT_ASSERT_EQ(test, len1, len);
	KUNIT_EXPECT_STREQ(test, bytewise, devs);
	KUNIT_EXPECT_EQ(test, devs[len - 1], '\n');
	for (p = devs; (p = strstr(p, " rid16=")); p++) {
		unsigned int rid = strtoul(p + 7, NULL, 16);

		if (n)
			KUNIT_EXPECT_GT(test, rid, prev);
		prev = rid;
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, dbg_state(test, "devices"));
	KUNIT_EXPECT_EQ(test, dbg_nr_lines(devs, "device "), n);
	KUNIT_EXPECT_EQ(test, dbg_state(test, "devices_preserved"), 8);
	KUNIT_EXPECT_EQ(test, dbg_nr_lines(devs, "device "),
			dbg_nr_lines(dbg_read_chunked(test, "devices", 7, NULL), "device "));
	/* Every preserved VF shares o's DID, and only they have it. */
	snprintf(want, sizeof(want), " did=%u did_hex=0x%x ", idrv_did(o->domain),
		 idrv_did(o->domain));
	for (p = devs, i = 0; (p = strstr(p, want)); p++)
		i++;
	KUNIT_EXPECT_EQ(test, i, 8);
}

/* Expect a line at KERN_DEBUG level in the log containing the formatted @fmt. */
static __printf(2, 3) void dbg_expect_log(struct kunit *test, const char *fmt, ...)
{
	char want[256];
	va_list args;
	int n;

	want[0] = '<';
	want[1] = '7';
	want[2] = '>';
	va_start(args, fmt);
	n = vsnprintf(want + 3, sizeof(want) - 3, fmt, args);
	va_end(args);
	KUNIT_ASSERT_LT(test, n, (int)sizeof(want) - 3);
	KUNIT_EXPECT_TRUE_MSG(test, shim_log_contains(want), "no '%s' in the log", want);
}

/*
 * Dynamic-debug tracing (pr_debug(), which the shim always logs): each step
 * of the lifecycle names the device or unit and its numbers.
 */
static void debugfs_test_trace(struct kunit *test)
{
	struct dbg_scene s;
	struct lu_owner *o2;
	unsigned int did0, did1;
	char ep0[16];
	int hp;

	dbg_scene_up(test, &s);
	did0 = idrv_did(s.o0->domain);
	did1 = idrv_did(s.o1->domain);
	strscpy(ep0, dev_name(lu_machine_dev(s.m, s.ep0)));

	hp = lu_machine_add(s.m, 0, s.rp3, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	KUNIT_ASSERT_GE(test, hp, 0);
	dbg_expect_log(test,
		       "iommu-lu: hotplug: 0000:06:00.0 added: unit 0xfed90000, 1 requester ids\n");
	lu_machine_remove(s.m, hp);
	dbg_expect_log(test,
		       "iommu-lu: hotplug: 0000:06:00.0 removed: unit 0xfed90000, preserved 0, adopted 0\n");

	dbg_preserve_all(test, &s);
	dbg_expect_log(test,
		       "iommu-lu: %s preserved: unit 0xfed90000, 1 requester ids, domain 1 (page table %#llx, DID %u), ",
		       ep0, idrv_domain_pgd(s.o0->domain), did0);
	dbg_expect_log(test,
		       "iommu-lu: preserve: %s and 1 more: done, 3 devices preserved\n",
		       dev_name(lu_machine_dev(s.m, s.bep0)));
	KUNIT_ASSERT_EQ(test, iommu_lu_unpreserve_device(lu_machine_dev(s.m, s.ep0)), 0);
	dbg_expect_log(test,
		       "iommu-lu: %s unpreserved: unit 0xfed90000, 1 requester ids, DID %u, ",
		       ep0, did0);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(lu_machine_dev(s.m, s.ep0)), 0);
	did0 = idrv_did(s.o0->domain);

	lu_machine_shutdown(s.m);
	dbg_expect_log(test,
		       "iommu-lu: unit 0xfed90000: shutdown cleanup: 3 devices preserved, 0 adopted, root %#llx, intel-vtd\n",
		       idrv_root_phys(s.m->drv[0]));
	dbg_expect_log(test, "iommu-lu-intel: unit 0xfed90000: shutdown: ");
	KUNIT_EXPECT_TRUE(test, shim_log_contains("flush done through the queue\n"));

	lu_machine_jump(s.m);
	lu_owner_carry(s.o0);
	lu_owner_carry(s.o1);
	KUNIT_ASSERT_EQ(test, idrv_boot_state(s.m->drv[0]), IOMMU_LU_UNIT_ADOPTED);
	dbg_expect_log(test, "iommu-lu: retrieve: handover header at 0x");
	dbg_expect_log(test, "iommu-lu: unit 0xfed90000: adopt: record 1, 3 devices, root 0x");
	dbg_expect_log(test, "iommu-lu-intel: unit 0xfed90000: adopt: root 0x");
	dbg_expect_log(test,
		       "iommu-lu: unit 0xfed90000: %s adopted: 1 requester ids, domain ",
		       ep0);
	dbg_expect_log(test,
		       "iommu-lu-intel: unit 0xfed90000: adopt: root %#llx, %s mode, checking 3 device records\n",
		       idrv_root_phys(s.m->drv[0]), s.sm ? "scalable" : "legacy");
	dbg_expect_log(test,
		       "iommu-lu: unit 0xfed90000: registry rebuilt: 3 devices adopted, root 0x");

	/* A driver takes ep0 over. */
	o2 = lu_owner_new(s.m, 0, 0x500000, 1, 0x33);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o2, s.ep0), 0);
	dbg_expect_log(test,
		       "iommu-lu: %s released by its driver: unit 0xfed90000, 1 requester ids, DID %u, no longer tracked\n",
		       ep0, did0);
	iommu_lu_finish();
	dbg_expect_log(test,
		       "iommu-lu: finish: %s (unit 0xfed90000, DID %u, ",
		       dev_name(lu_machine_dev(s.m, s.bep1)), did1);
	KUNIT_EXPECT_EQ(test, shim_log_count("nobody claimed it, entries cleared\n"), 2);
	dbg_expect_log(test, "iommu-lu: finish: unit 0xfed90000: ");
}

static struct kunit_case debugfs_test_cases[] = {
	KUNIT_CASE_PARAM(debugfs_test_files, dbg_mode_gen_params),
	KUNIT_CASE_PARAM(debugfs_test_preserved, dbg_mode_gen_params),
	KUNIT_CASE_PARAM(debugfs_test_unpreserve, dbg_mode_gen_params),
	KUNIT_CASE_PARAM(debugfs_test_handover, dbg_mode_gen_params),
	KUNIT_CASE_PARAM(debugfs_test_adopted, dbg_mode_gen_params),
	KUNIT_CASE_PARAM(debugfs_test_blocked, dbg_mode_gen_params),
	KUNIT_CASE_PARAM(debugfs_test_big, dbg_mode_gen_params),
	KUNIT_CASE_PARAM(debugfs_test_trace, dbg_mode_gen_params),
	{}
};

static struct kunit_suite debugfs_test_suite = {
	.name = "iommu_lu_debugfs",
	.test_cases = debugfs_test_cases,
};

kunit_test_suite(debugfs_test_suite);
