// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: failure injection sweeps (userspace, machine model)
 *
 * Every fallible step of every registry operation is made to fail, one at a
 * time: for N = 1, 2, ... until the call runs clean, the Nth allocation
 * (shim_fail_alloc_nth) and, separately, the Nth fallible KHO call
 * (kho_model_fail_nth) of the operation fails. After each injected failure:
 *
 * - the registry is what it was before the call: a canonical digest of the
 *   registry (units, pages with both counts, domains, devices, requester-id
 *   bitmaps), the outgoing handover byte for byte (all but its generation),
 *   the KHO model's preserved set, and memory (kmalloc objects and pages in
 *   use) are unchanged; or, where the API documents another outcome, that
 *   outcome (a hot-added device stays untracked; the next kernel blocks the
 *   unit);
 * - the KHO model holds exactly the pages the registry says: every page
 *   with a preserved reference, the handover's own pages and the owners'
 *   memory, nothing else, and nothing was preserved twice or unpreserved
 *   without being preserved;
 * - preserve and unpreserve never write the hardware: the root and context
 *   tables are byte for byte the same and the unit saw no invalidation.
 *
 * The operations: preserve of a unit's first device, of a device with its
 * own domain, of a device whose domain is preserved already, of a whole
 * bridge group; unpreserve; hotplug add and removal (the failure is armed
 * by a bus notifier that runs just before the framework's, and counts only
 * allocations made under the registry lock, so the PCI and driver models
 * are not failed); freeze and unfreeze; in the next kernel, retrieve and
 * adopt (armed by an initcall of this suite, before the IOMMU driver
 * boots). Unpreserve, hotplug removal, freeze, unfreeze and the shutdown
 * cleanup must have no failure point at all: they are run with the
 * injection armed and must not consume it, nor make any fallible KHO call.
 * (The shutdown itself: lifecycle_test_shutdown_infallible.)
 *
 * At the end of each sweep everything is torn down (unpreserved, removed)
 * and memory, KHO and the registry are back to the state before the sweep.
 */
#include <stdlib.h>
#include <kunit/test.h>
#include "harness/machine.h"
#include "model/physmem.h"
#include "model/kho.h"
#include "../core/lu_core.h"
#include "../golden/dump_map.h"

#define FT_MAX_N	4000	/* a sweep that never succeeds is a failure */

/* ---- the machine ---- */

struct ft {
	struct lu_machine *m;
	int rp0, ep0, rp1, ep1, rp3, ep2, rp2, pcie_pci, pci_br, bep0, bep1, rp4;
	struct lu_owner *oa, *ob, *oc;	/* ep0; ep1 + ep2 (one domain); bridge group */
	struct lu_owner *owners[4];
	unsigned int nr_owners;
};

static struct device *ft_dev(struct ft *f, int idx)
{
	return lu_machine_dev(f->m, idx);
}

static void ft_up(struct kunit *test, struct ft *f)
{
	struct lu_machine *m = lu_machine_new(1, NULL);

	memset(f, 0, sizeof(*f));
	f->m = m;
	f->rp0 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1c, 0), PCI_MODEL_ROOT_PORT, 1);
	f->ep0 = lu_machine_add(m, 0, f->rp0, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	f->rp1 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1d, 0), PCI_MODEL_ROOT_PORT, 2);
	f->ep1 = lu_machine_add(m, 0, f->rp1, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	f->rp3 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1f, 0), PCI_MODEL_ROOT_PORT, 6);
	f->ep2 = lu_machine_add(m, 0, f->rp3, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	f->rp2 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1e, 0), PCI_MODEL_ROOT_PORT, 3);
	f->pcie_pci = lu_machine_add(m, 0, f->rp2, 0, PCI_MODEL_PCIE_PCI_BRIDGE, 4);
	f->pci_br = lu_machine_add(m, 0, f->pcie_pci, PCI_DEVFN(1, 0),
				   PCI_MODEL_PCI_BRIDGE, 5);
	f->bep0 = lu_machine_add(m, 0, f->pci_br, PCI_DEVFN(2, 0),
				 PCI_MODEL_ENDPOINT_PCI, 0);
	f->bep1 = lu_machine_add(m, 0, f->pci_br, PCI_DEVFN(3, 0),
				 PCI_MODEL_ENDPOINT_PCI, 0);
	f->rp4 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1b, 0), PCI_MODEL_ROOT_PORT, 7);
	KUNIT_ASSERT_GE(test, f->rp4, 0);
	KUNIT_ASSERT_GE(test, f->bep1, 0);

	f->oa = lu_owner_new(m, 0, 0x100000, 3, 0x31);
	f->ob = lu_owner_new(m, 0, 0x200000, 2, 0x32);
	f->oc = lu_owner_new(m, 0, 0x40000000, 2, 0x33);
	f->owners[f->nr_owners++] = f->oa;
	f->owners[f->nr_owners++] = f->ob;
	f->owners[f->nr_owners++] = f->oc;
	KUNIT_ASSERT_EQ(test, lu_owner_attach(f->oa, f->ep0), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(f->ob, f->ep1), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(f->ob, f->ep2), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(f->oc, f->bep0), 0);
}

static int ft_preserve_group(struct ft *f)
{
	struct device *g[2] = { ft_dev(f, f->bep0), ft_dev(f, f->bep1) };

	return iommu_lu_preserve_devices(g, 2);
}

/* ---- observation ---- */

struct ft_vec {
	u64 *v;
	size_t nr, cap;
};

static void vec_add(struct ft_vec *s, u64 x)
{
	if (s->nr == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			abort();
	}
	s->v[s->nr++] = x;
}

static int ft_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void vec_sort(struct ft_vec *s)
{
	qsort(s->v, s->nr, sizeof(*s->v), ft_cmp_u64);
}

static bool vec_equal(const struct ft_vec *a, const struct ft_vec *b)
{
	return a->nr == b->nr && (!a->nr || !memcmp(a->v, b->v, a->nr * sizeof(u64)));
}

/* Everything that must not change across a failed call. */
struct ft_snap {
	struct ft_vec reg;	/* registry digest, canonical order */
	struct ft_vec kho;	/* preserved pages */
	u8 *dump;		/* outgoing handover */
	size_t dump_len;
	u8 *hw;			/* root and context tables */
	size_t hw_len;
	u64 inv;		/* invalidations and commands the unit saw */
	size_t slab, pages;
	size_t buses;		/* requester-id bitmaps allocated */
};

static void ft_snap_free(struct ft_snap *s)
{
	free(s->reg.v);
	free(s->kho.v);
	free(s->dump);
	free(s->hw);
	memset(s, 0, sizeof(*s));
}

static u64 ft_hash(u64 h, u64 x)
{
	return (h ^ x) * 0x100000001b3ULL;
}

/* A canonical digest of the registry: one word per object, sorted. */
static void ft_registry(struct ft_vec *s, size_t *buses)
{
	struct iommu_lu_unit *unit;
	struct lu_device *ld;
	struct lu_domain *dom;
	struct lu_page *p;
	unsigned int bkt, b, i;

	hash_for_each(lu.pages, bkt, p, node)
		vec_add(s, ft_hash(ft_hash(ft_hash(ft_hash(1, p->phys), p->kind),
					   (u64)p->owner << 32 | p->refs), p->arefs));
	hash_for_each(lu.domains, bkt, dom, node)
		vec_add(s, ft_hash(ft_hash(ft_hash(ft_hash(2, dom->pgtable_phys),
						   (uintptr_t)dom->domain),
					   dom->nr_devices), (u64)dom->nr_adopted << 32 |
				   dom->nr_pages));
	hash_for_each(lu.devices_by_rid, bkt, ld, rid_node) {
		u64 h = ft_hash(ft_hash(ft_hash(3, (uintptr_t)ld->dev),
					(u64)ld->segment << 16 | ld->rids[0]),
				ld->preserved | ld->adopted << 1 | ld->nr_rids << 2);

		for (i = 0; i < ld->nr_rids; i++)
			h = ft_hash(h, ld->rids[i]);
		vec_add(s, ft_hash(h, ld->nr_pages));
	}
	list_for_each_entry(unit, &lu.units, node) {
		struct lu_attach *att;

		vec_add(s, ft_hash(ft_hash(ft_hash(4, unit->desc.token),
					   (u64)unit->nr_preserved << 32 | unit->nr_adopted),
				   unit->root_phys ^ unit->nr_unit_pages));
		hash_for_each(unit->attach, bkt, att, node)
			vec_add(s, ft_hash(ft_hash(ft_hash(5, unit->desc.token), att->hw_id),
					   (u64)att->nr_devices << 32 | att->nr_adopted));
		for (b = 0; b < 256; b++) {
			const struct lu_bus *bus = unit->bus[b];
			u64 h = ft_hash(6, b);
			bool used = false;

			if (!bus)
				continue;
			/*
			 * A bus's bitmap, once allocated, stays until its unit
			 * goes (the kexec path reads it without a lock): an
			 * empty one is not state, only memory (ft_snap).
			 */
			(*buses)++;
			for (i = 0; i < 256; i++) {
				h = ft_hash(h, (u64)bus->refs[i] << 16 | bus->arefs[i]);
				used |= bus->refs[i] || bus->arefs[i];
			}
			if (used)
				vec_add(s, h);
		}
	}
	vec_add(s, ft_hash(7, lu.state));
	vec_sort(s);
}

static void ft_kho_collect(u64 phys, unsigned int order, void *data)
{
	u64 i;

	for (i = 0; i < (1ULL << order); i++)
		vec_add(data, phys + i * PAGE_SIZE);
}

static void ft_kho(struct ft_vec *s)
{
	kho_model_for_each_preserved(ft_kho_collect, s);
	vec_sort(s);
}

static void ft_hw(struct ft *f, struct ft_snap *s)
{
	u64 tables[256];
	unsigned int n, i;
	struct vtd_model_stats st;

	n = idrv_context_tables(f->m->drv[0], tables, ARRAY_SIZE(tables));
	s->hw_len = (n + 1) * PAGE_SIZE;
	s->hw = malloc(s->hw_len);
	if (!s->hw)
		abort();
	memcpy(s->hw, physmem_va(idrv_root_phys(f->m->drv[0])), PAGE_SIZE);
	for (i = 0; i < n; i++)
		memcpy(s->hw + (i + 1) * PAGE_SIZE, physmem_va(tables[i]), PAGE_SIZE);
	vtd_model_stats(f->m->hw[0], &st);
	s->inv = st.cc_inv_global + st.cc_inv_domain + st.cc_inv_device +
		 st.iotlb_inv_global + st.iotlb_inv_domain + st.iotlb_inv_page +
		 st.root_latches + st.te_enables + st.te_disables + st.wbf;
}

static void ft_snap(struct ft *f, struct ft_snap *s)
{
	memset(s, 0, sizeof(*s));
	ft_registry(&s->reg, &s->buses);
	ft_kho(&s->kho);
	mutex_lock(&lu.lock);
	s->dump_len = lu_ser_dump(NULL, 0);
	s->dump = calloc(1, s->dump_len + 1);
	lu_ser_dump(s->dump, s->dump_len);
	mutex_unlock(&lu.lock);
	ft_hw(f, s);
	s->slab = shim_slab_live() - s->buses;
	s->pages = physmem_pages_in_use();
}

/* Offset of the generation in the dump (header page, after its dump header). */
#define FT_GEN_OFF	(sizeof(struct iommu_lu_dump_page_ser) + \
			 offsetof(struct iommu_lu_header_ser, generation))

static bool ft_dump_equal(const struct ft_snap *a, const struct ft_snap *b)
{
	if (a->dump_len != b->dump_len)
		return false;
	if (!a->dump_len)
		return true;
	return !memcmp(a->dump, b->dump, FT_GEN_OFF) &&
	       !memcmp(a->dump + FT_GEN_OFF + 8, b->dump + FT_GEN_OFF + 8,
		       a->dump_len - FT_GEN_OFF - 8);
}

#define FT_SAME_MEMORY	BIT(0)	/* kmalloc objects and pages in use */
#define FT_SAME_HW	BIT(1)	/* root and context tables, invalidations */
#define FT_SAME_ALL	(FT_SAME_MEMORY | FT_SAME_HW)

/* @what says which call and which failure, for the messages. */
static void ft_expect_same(struct kunit *test, const struct ft_snap *a,
			   const struct ft_snap *b, unsigned int same,
			   const char *what)
{
	KUNIT_EXPECT_TRUE_MSG(test, vec_equal(&a->reg, &b->reg),
			      "%s: the registry changed", what);
	KUNIT_EXPECT_TRUE_MSG(test, vec_equal(&a->kho, &b->kho),
			      "%s: KHO holds %zu pages, %zu before", what,
			      b->kho.nr, a->kho.nr);
	KUNIT_EXPECT_TRUE_MSG(test, ft_dump_equal(a, b),
			      "%s: the handover changed (%zu bytes, %zu before)",
			      what, b->dump_len, a->dump_len);
	if (same & FT_SAME_HW) {
		KUNIT_EXPECT_TRUE_MSG(test, a->hw_len == b->hw_len &&
				      !memcmp(a->hw, b->hw, a->hw_len),
				      "%s: root or context tables changed", what);
		KUNIT_EXPECT_EQ_MSG(test, a->inv, b->inv,
				    "%s: the unit saw invalidations or commands",
				    what);
	}
	if (!(same & FT_SAME_MEMORY))
		return;
	KUNIT_EXPECT_EQ_MSG(test, a->slab, b->slab,
			    "%s: %zu kmalloc objects, %zu before", what, b->slab,
			    a->slab);
	KUNIT_EXPECT_EQ_MSG(test, a->pages, b->pages,
			    "%s: %zu pages in use, %zu before", what, b->pages,
			    a->pages);
}

/* KHO holds exactly: pages with preserved refs, the handover, the owners'. */
static void ft_expect_kho_consistent(struct kunit *test, struct ft *f,
				     const char *what)
{
	struct ft_vec want = { }, have = { };
	struct lu_block *blk;
	struct lu_page *p;
	unsigned int bkt, k, i, j;

	hash_for_each(lu.pages, bkt, p, node)
		if (p->refs)
			vec_add(&want, p->phys);
	if (lu.hdr) {
		vec_add(&want, virt_to_phys(lu.hdr));
		for (k = 0; k < IOMMU_LU_REC_NR; k++)
			list_for_each_entry(blk, &lu.chains[k].blocks, node)
				vec_add(&want, blk->phys);
	}
	for (i = 0; i < f->nr_owners; i++)
		for (j = 0; f->owners[i] && j < f->owners[i]->nr_pages; j++)
			vec_add(&want, f->owners[i]->phys[j]);
	vec_sort(&want);
	ft_kho(&have);
	KUNIT_EXPECT_TRUE_MSG(test, vec_equal(&want, &have),
			      "%s: KHO holds %zu pages, the registry says %zu",
			      what, have.nr, want.nr);
	KUNIT_EXPECT_EQ_MSG(test, kho_model.double_preserves, 0, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, kho_model.bad_unpreserves, 0, "%s", what);
	free(want.v);
	free(have.v);
}

/* ---- injection ---- */

enum ft_kind {
	FT_ALLOC,	/* the Nth allocation */
	FT_KHO,		/* the Nth fallible KHO call */
	FT_ALLOC_LOCKED, /* the Nth allocation made under the registry lock */
};

static const char * const ft_kind_name[] = { "allocation", "KHO call",
					     "allocation under the lock" };

static int ft_locked_n;		/* FT_ALLOC_LOCKED: countdown */

static void ft_locked_hook(void)
{
	if (!lockdep_is_held(&lu.lock) || ft_locked_n <= 0)
		return;
	if (!--ft_locked_n)
		shim_fail_alloc_nth = 1;	/* this very allocation */
}

static void ft_arm(enum ft_kind kind, int n)
{
	switch (kind) {
	case FT_ALLOC:
		shim_fail_alloc_nth = n;
		break;
	case FT_KHO:
		kho_model_fail_nth = n;
		break;
	case FT_ALLOC_LOCKED:
		ft_locked_n = n;
		shim_alloc_hook = ft_locked_hook;
		break;
	}
}

/* Disarm; true when the armed failure happened. */
static bool ft_disarm(enum ft_kind kind)
{
	bool hit;

	switch (kind) {
	case FT_ALLOC:
		hit = !shim_fail_alloc_nth;
		shim_fail_alloc_nth = 0;
		break;
	case FT_KHO:
		hit = !kho_model_fail_nth;
		kho_model_fail_nth = 0;
		break;
	default:
		shim_alloc_hook = NULL;
		hit = !ft_locked_n && !shim_fail_alloc_nth;
		ft_locked_n = 0;
		shim_fail_alloc_nth = 0;
		break;
	}
	return hit;
}

/*
 * Sweep a preserve: every injected failure leaves everything as it was;
 * the first N that does not fail runs the call clean, and @undo brings the
 * state back; the end state must equal the start state.
 */
static void ft_sweep_preserve(struct kunit *test, struct ft *f, const char *name,
			      int (*op)(struct ft *f), int (*undo)(struct ft *f))
{
	struct ft_snap start, before, after;
	enum ft_kind kind;
	char what[128];
	int n, ret;

	ft_snap(f, &start);
	for (kind = FT_ALLOC; kind <= FT_KHO; kind++) {
		for (n = 1; n < FT_MAX_N; n++) {
			bool hit;

			ft_snap(f, &before);
			ft_arm(kind, n);
			ret = op(f);
			hit = ft_disarm(kind);
			snprintf(what, sizeof(what), "%s, %s %d failing", name,
				 ft_kind_name[kind], n);
			if (!hit) {
				KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: clean run", what);
				ft_expect_kho_consistent(test, f, what);
				KUNIT_EXPECT_EQ_MSG(test, undo(f), 0, "%s: undo", what);
				ft_snap_free(&before);
				break;
			}
			KUNIT_EXPECT_NE_MSG(test, ret, 0, "%s: succeeded anyway", what);
			ft_snap(f, &after);
			ft_expect_same(test, &before, &after, FT_SAME_ALL, what);
			ft_expect_kho_consistent(test, f, what);
			ft_snap_free(&before);
			ft_snap_free(&after);
			if (test->status == KUNIT_FAILURE)
				goto out;
		}
		KUNIT_EXPECT_LT_MSG(test, n, FT_MAX_N, "%s: never succeeded", name);
		kunit_info(test, "%s: %d %s failures injected\n", name, n - 1,
			   ft_kind_name[kind]);
		/* Teardown is complete: back to the start, nothing leaked. */
		ft_snap(f, &after);
		ft_expect_same(test, &start, &after, FT_SAME_ALL, name);
		ft_snap_free(&after);
	}
out:
	ft_snap_free(&start);
}

static int op_pres_ep0(struct ft *f) { return iommu_lu_preserve_device(ft_dev(f, f->ep0)); }
static int op_unpres_ep0(struct ft *f) { return iommu_lu_unpreserve_device(ft_dev(f, f->ep0)); }
static int op_pres_ep1(struct ft *f) { return iommu_lu_preserve_device(ft_dev(f, f->ep1)); }
static int op_unpres_ep1(struct ft *f) { return iommu_lu_unpreserve_device(ft_dev(f, f->ep1)); }
static int op_pres_ep2(struct ft *f) { return iommu_lu_preserve_device(ft_dev(f, f->ep2)); }
static int op_unpres_ep2(struct ft *f) { return iommu_lu_unpreserve_device(ft_dev(f, f->ep2)); }
static int op_unpres_group(struct ft *f) { return iommu_lu_unpreserve_device(ft_dev(f, f->bep1)); }

/* The unit's first preserved device: unit record, header, every page. */
static void faults_test_preserve_first(struct kunit *test)
{
	struct ft f;

	ft_up(test, &f);
	ft_sweep_preserve(test, &f, "preserve of the unit's first device",
			  op_pres_ep0, op_unpres_ep0);
}

/* A device with its own domain, on a unit with preserved devices. */
static void faults_test_preserve_more(struct kunit *test)
{
	struct ft f;

	ft_up(test, &f);
	KUNIT_ASSERT_EQ(test, ft_preserve_group(&f), 0);
	KUNIT_ASSERT_EQ(test, op_pres_ep0(&f), 0);
	ft_sweep_preserve(test, &f, "preserve of a device with a new domain",
			  op_pres_ep1, op_unpres_ep1);
}

/* A device whose domain another preserved group uses already. */
static void faults_test_preserve_shared_domain(struct kunit *test)
{
	struct ft f;

	ft_up(test, &f);
	KUNIT_ASSERT_EQ(test, op_pres_ep1(&f), 0);
	ft_sweep_preserve(test, &f, "preserve of a device on a preserved domain",
			  op_pres_ep2, op_unpres_ep2);
}

/* A whole bridge group (two devices, four requester ids) in one call. */
static void faults_test_preserve_group(struct kunit *test)
{
	struct ft f;

	ft_up(test, &f);
	KUNIT_ASSERT_EQ(test, op_pres_ep0(&f), 0);
	ft_sweep_preserve(test, &f, "preserve of a bridge group",
			  ft_preserve_group, op_unpres_group);
}

/*
 * Unpreserve: may fail only with -ENOMEM while collecting the group, and
 * then changes nothing; it makes no fallible KHO call at all.
 */
static void faults_test_unpreserve(struct kunit *test)
{
	struct ft_snap before, after;
	struct ft f;
	char what[96];
	int n, ret;

	ft_up(test, &f);
	KUNIT_ASSERT_EQ(test, op_pres_ep0(&f), 0);
	KUNIT_ASSERT_EQ(test, op_pres_ep1(&f), 0);
	for (n = 1; n < FT_MAX_N; n++) {
		bool hit;

		KUNIT_ASSERT_EQ(test, ft_preserve_group(&f), 0);
		ft_snap(&f, &before);
		ft_arm(FT_ALLOC, n);
		ret = op_unpres_group(&f);
		hit = ft_disarm(FT_ALLOC);
		snprintf(what, sizeof(what), "unpreserve, allocation %d failing", n);
		if (!hit) {
			KUNIT_EXPECT_EQ(test, ret, 0);
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM, "%s", what);
		ft_snap(&f, &after);
		ft_expect_same(test, &before, &after, FT_SAME_ALL, what);
		ft_snap_free(&before);
		ft_snap_free(&after);
		KUNIT_ASSERT_EQ(test, op_unpres_group(&f), 0);
	}
	kunit_info(test, "unpreserve: %d allocation failures injected\n", n - 1);
	KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(ft_dev(&f, f.bep0)));

	/* Every KHO call would fail: none is fallible, none fails. */
	KUNIT_ASSERT_EQ(test, ft_preserve_group(&f), 0);
	ft_arm(FT_KHO, 1);
	KUNIT_EXPECT_EQ(test, op_unpres_group(&f), 0);
	KUNIT_EXPECT_FALSE_MSG(test, ft_disarm(FT_KHO),
			       "unpreserve made a fallible KHO call");
	ft_expect_kho_consistent(test, &f, "unpreserve with KHO failing");
	KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(ft_dev(&f, f.bep1)));
	ft_snap_free(&before);
}

/* ---- hotplug: armed by bus notifiers around the framework's ---- */

static enum ft_kind ft_hp_kind;
static int ft_hp_n;
static bool ft_hp_hit;
static unsigned long ft_hp_allocs, ft_hp_khos;

static int ft_hp_arm(struct notifier_block *nb, unsigned long action, void *data)
{
	if (action == BUS_NOTIFY_ADD_DEVICE || action == BUS_NOTIFY_DEL_DEVICE) {
		ft_hp_allocs = shim_alloc_calls;
		ft_hp_khos = kho_model_calls;
		kho_model_log_clear();
		if (ft_hp_n)
			ft_arm(ft_hp_kind, ft_hp_n);
	}
	return NOTIFY_DONE;
}

static int ft_hp_disarm(struct notifier_block *nb, unsigned long action,
			void *data)
{
	if (action == BUS_NOTIFY_ADD_DEVICE || action == BUS_NOTIFY_DEL_DEVICE) {
		ft_hp_allocs = shim_alloc_calls - ft_hp_allocs;
		ft_hp_khos = kho_model_calls - ft_hp_khos;
		if (ft_hp_n)
			ft_hp_hit = ft_disarm(ft_hp_kind);
	}
	return NOTIFY_DONE;
}

static struct notifier_block ft_nb_arm = {
	.notifier_call = ft_hp_arm, .priority = 1000,
};

static struct notifier_block ft_nb_disarm = {
	.notifier_call = ft_hp_disarm, .priority = -1000,
};

static void ft_hp_register(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, bus_register_notifier(&pci_bus_type, &ft_nb_arm), 0);
	KUNIT_ASSERT_EQ(test, bus_register_notifier(&pci_bus_type, &ft_nb_disarm), 0);
}

static void ft_hp_unregister(void)
{
	bus_unregister_notifier(&pci_bus_type, &ft_nb_arm);
	bus_unregister_notifier(&pci_bus_type, &ft_nb_disarm);
	ft_hp_n = 0;
}

/*
 * Hotplug add: the framework only tracks the device; when that fails the
 * device is simply untracked (and is tracked when someone preserves it).
 * No KHO call.
 */
static void faults_test_hotplug_add(struct kunit *test)
{
	struct ft_snap before, after, start;
	struct ft f;
	char what[96];
	int n, idx;

	ft_up(test, &f);
	KUNIT_ASSERT_EQ(test, op_pres_ep0(&f), 0);
	ft_hp_register(test);
	/* Once, so that the driver's lazily allocated tables for bus 7 exist. */
	idx = lu_machine_add(f.m, 0, f.rp4, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	KUNIT_ASSERT_GE(test, idx, 0);
	lu_machine_remove(f.m, idx);
	ft_snap(&f, &start);

	ft_hp_kind = FT_ALLOC_LOCKED;
	for (n = 1; n < FT_MAX_N; n++) {
		struct device *dev;

		ft_snap(&f, &before);
		ft_hp_n = n;
		ft_hp_hit = false;
		idx = lu_machine_add(f.m, 0, f.rp4, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
		ft_hp_n = 0;
		KUNIT_ASSERT_GE(test, idx, 0);
		dev = ft_dev(&f, idx);
		snprintf(what, sizeof(what), "hotplug add, allocation %d failing", n);
		KUNIT_EXPECT_EQ_MSG(test, ft_hp_khos, 0, "%s: KHO calls", what);
		if (!ft_hp_hit) {
			KUNIT_EXPECT_NOT_NULL_MSG(test, lu_device_find(dev), "%s", what);
			lu_machine_remove(f.m, idx);
			ft_snap_free(&before);
			break;
		}
		KUNIT_EXPECT_NULL_MSG(test, lu_device_find(dev),
				      "%s: tracked after a failure", what);
		ft_snap(&f, &after);
		/* The models' objects and tables for the new device are new. */
		ft_expect_same(test, &before, &after, 0, what);
		ft_snap_free(&after);
		/* Untracked, still preservable: tracked then. */
		{
			struct lu_owner *o = lu_owner_new(f.m, 0, 0x700000, 1, 0x70);

			KUNIT_EXPECT_EQ(test, lu_owner_attach(o, idx), 0);
			KUNIT_EXPECT_EQ_MSG(test, iommu_lu_preserve_device(dev), 0,
					    "%s: preserve later", what);
			KUNIT_EXPECT_TRUE(test, iommu_lu_device_preserved(dev));
			lu_machine_remove(f.m, idx);
			lu_owner_destroy(o);
		}
		ft_snap(&f, &after);
		ft_expect_same(test, &before, &after, FT_SAME_MEMORY, what);
		ft_snap_free(&before);
		ft_snap_free(&after);
		if (test->status == KUNIT_FAILURE)
			break;
	}
	kunit_info(test, "hotplug add: %d allocation failures injected\n", n - 1);
	ft_snap(&f, &after);
	ft_expect_same(test, &start, &after, FT_SAME_MEMORY, "hotplug add sweep");
	ft_snap_free(&after);
	ft_snap_free(&start);
	ft_hp_unregister();
}

/*
 * Hotplug removal of preserved devices cannot fail: with allocations and
 * KHO calls armed to fail, the framework's part allocates nothing and makes
 * only infallible KHO calls; the device is unpreserved, the rest of its
 * group stays preserved, KHO matches the registry.
 */
static void faults_test_hotplug_remove(struct kunit *test)
{
	const struct kho_call *log;
	struct ft f;
	size_t nlog, i;
	int which;

	ft_up(test, &f);
	KUNIT_ASSERT_EQ(test, op_pres_ep0(&f), 0);
	KUNIT_ASSERT_EQ(test, op_pres_ep1(&f), 0);
	KUNIT_ASSERT_EQ(test, op_pres_ep2(&f), 0);
	KUNIT_ASSERT_EQ(test, ft_preserve_group(&f), 0);
	KUNIT_ASSERT_EQ(test, iommu_lu_freeze(), 0);	/* accepted while frozen */
	ft_hp_register(test);

	for (which = 0; which < 3; which++) {
		int idx = which == 0 ? f.bep1 : which == 1 ? f.ep1 : f.rp0;
		struct device *dev = ft_dev(&f, idx);

		ft_hp_kind = FT_ALLOC;
		ft_hp_n = 1;
		ft_hp_hit = false;
		lu_machine_remove(f.m, idx);
		KUNIT_EXPECT_FALSE_MSG(test, ft_hp_hit,
				       "removal %d consumed an injected failure", which);
		KUNIT_EXPECT_NULL(test, lu_device_find(dev));
		log = kho_model_log(&nlog);
		for (i = 0; i < nlog; i++)
			KUNIT_EXPECT_TRUE_MSG(test,
					      log[i].op == KHO_OP_UNPRESERVE_PAGES ||
					      log[i].op == KHO_OP_UNPRESERVE_FREE ||
					      log[i].op == KHO_OP_REMOVE_SUBTREE,
					      "removal %d: fallible KHO op %d", which,
					      log[i].op);
		ft_expect_kho_consistent(test, &f, "hotplug removal");
	}
	ft_hp_unregister();
	/* The group's other member, and the other domain's device, stay. */
	KUNIT_EXPECT_TRUE(test, iommu_lu_device_preserved(ft_dev(&f, f.bep0)));
	KUNIT_EXPECT_TRUE(test, iommu_lu_device_preserved(ft_dev(&f, f.ep2)));
	KUNIT_EXPECT_EQ(test, lu.chains[IOMMU_LU_REC_DEVICE].nr_records, 2);
	iommu_lu_unfreeze();
}

/* Freeze and unfreeze: no allocation, no KHO call; preserve refused between. */
static void faults_test_freeze(struct kunit *test)
{
	struct ft_snap before, after;
	unsigned long allocs, khos;
	struct ft f;

	ft_up(test, &f);
	KUNIT_ASSERT_EQ(test, op_pres_ep0(&f), 0);
	ft_snap(&f, &before);
	allocs = shim_alloc_calls;
	khos = kho_model_calls;
	ft_arm(FT_ALLOC, 1);
	ft_arm(FT_KHO, 1);
	KUNIT_EXPECT_EQ(test, iommu_lu_freeze(), 0);
	KUNIT_EXPECT_EQ(test, shim_alloc_calls, allocs);
	KUNIT_EXPECT_EQ(test, kho_model_calls, khos);
	KUNIT_EXPECT_TRUE(test, lu.hdr->flags & IOMMU_LU_HDR_FROZEN);
	KUNIT_EXPECT_FALSE(test, ft_disarm(FT_ALLOC));
	KUNIT_EXPECT_FALSE(test, ft_disarm(FT_KHO));

	/* Frozen: preserve and unpreserve refused, nothing changes. */
	KUNIT_EXPECT_EQ(test, op_pres_ep1(&f), -EBUSY);
	KUNIT_EXPECT_EQ(test, op_unpres_ep0(&f), -EBUSY);

	allocs = shim_alloc_calls;
	khos = kho_model_calls;
	ft_arm(FT_ALLOC, 1);
	ft_arm(FT_KHO, 1);
	iommu_lu_unfreeze();
	KUNIT_EXPECT_EQ(test, shim_alloc_calls, allocs);
	KUNIT_EXPECT_EQ(test, kho_model_calls, khos);
	KUNIT_EXPECT_FALSE(test, ft_disarm(FT_ALLOC));
	KUNIT_EXPECT_FALSE(test, ft_disarm(FT_KHO));
	KUNIT_EXPECT_FALSE(test, lu.hdr->flags & IOMMU_LU_HDR_FROZEN);
	ft_snap(&f, &after);
	ft_expect_same(test, &before, &after, FT_SAME_ALL, "freeze + unfreeze");
	ft_snap_free(&before);
	ft_snap_free(&after);
	KUNIT_EXPECT_EQ(test, op_pres_ep1(&f), 0);
}

/* ---- next kernel: armed by an initcall, before the driver boots ---- */

static bool ft_boot_armed;
static enum ft_kind ft_boot_kind;
static int ft_boot_n;
static bool ft_boot_hit;

/*
 * Runs in every simulated boot, after the core and the backends are up and
 * before any IOMMU driver: arm the failure for the framework's boot work.
 */
static int __init faults_test_boot_hook(void)
{
	if (!ft_boot_armed)
		return 0;
	ft_boot_armed = false;
	ft_arm(ft_boot_kind, ft_boot_n);
	if (ft_boot_kind == FT_ALLOC || ft_boot_kind == FT_KHO) {
		/* Retrieve now: only its own allocations and KHO calls count. */
		iommu_lu_retrieve();
		ft_boot_hit = ft_disarm(ft_boot_kind);
	}
	return 0;
}
subsys_initcall(faults_test_boot_hook);

/* The rids of the preserved devices and the owner each maps. */
static void ft_expect_dma(struct kunit *test, struct ft *f, bool works,
			  const char *what)
{
	struct { struct lu_owner *o; u16 rid; } dma[] = {
		{ f->oa, 0x0100 }, { f->ob, 0x0200 }, { f->ob, 0x0600 },
		{ f->oc, 0x0510 }, { f->oc, 0x0408 }, { f->oc, 0x0400 },
		{ f->oc, 0x0518 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dma); i++) {
		int ret = lu_owner_check_dma(dma[i].o, dma[i].rid);

		if (works)
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: rid %04x", what,
					    dma[i].rid);
		else
			KUNIT_EXPECT_NE_MSG(test, ret, 0, "%s: rid %04x translates",
					    what, dma[i].rid);
	}
}

/*
 * The next kernel, with the Nth allocation or KHO call of its framework
 * work failing: the unit is adopted (the failure was elsewhere, e.g. a
 * device's tracking) or blocked (the handover could not be read, restored
 * or adopted); translation never goes off; a blocked unit translates
 * nothing and keeps nothing in the registry; both end clean after finish.
 */
static void ft_sweep_boot(struct kunit *test, enum ft_kind kind)
{
	unsigned int blocked = 0, adopted = 0;
	char what[96];
	int n;

	for (n = 1; n < FT_MAX_N; n++) {
		struct vtd_model_stats st0, st1;
		enum iommu_lu_boot_state state;
		struct ft f;
		bool hit;

		lu_harness_reset();
		ft_up(test, &f);
		KUNIT_ASSERT_EQ(test, op_pres_ep0(&f), 0);
		KUNIT_ASSERT_EQ(test, op_pres_ep1(&f), 0);
		KUNIT_ASSERT_EQ(test, op_pres_ep2(&f), 0);
		KUNIT_ASSERT_EQ(test, ft_preserve_group(&f), 0);
		lu_machine_shutdown(f.m);
		vtd_model_stats(f.m->hw[0], &st0);

		ft_boot_kind = kind;
		ft_boot_n = n;
		ft_boot_hit = false;
		ft_boot_armed = true;
		lu_machine_jump(f.m);
		hit = kind == FT_ALLOC_LOCKED ? ft_disarm(kind) : ft_boot_hit;
		vtd_model_stats(f.m->hw[0], &st1);
		state = idrv_boot_state(f.m->drv[0]);
		snprintf(what, sizeof(what), "next kernel, %s %d failing",
			 ft_kind_name[kind], n);

		KUNIT_EXPECT_EQ_MSG(test, st1.te_disables, st0.te_disables,
				    "%s: translation went off", what);
		KUNIT_EXPECT_TRUE_MSG(test, vtd_model_translation_enabled(f.m->hw[0]),
				      "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, shim_panic_count, 0, "%s", what);
		if (!hit) {
			KUNIT_EXPECT_EQ_MSG(test, state, IOMMU_LU_UNIT_ADOPTED,
					    "%s: clean boot", what);
			ft_expect_dma(test, &f, true, what);
			break;
		}
		if (state == IOMMU_LU_UNIT_BLOCKED) {
			blocked++;
			KUNIT_EXPECT_TRUE_MSG(test, shim_log_contains("all DMA blocked"),
					      "%s", what);
			ft_expect_dma(test, &f, false, what);
			KUNIT_EXPECT_TRUE_MSG(test, hash_empty(lu.pages) &&
					      hash_empty(lu.domains),
					      "%s: a blocked unit keeps registry state",
					      what);
			/*
			 * A refused handover is freed; an unadoptable unit's
			 * valid one stays until finish.
			 */
			if (lu.in_state == LU_IN_BAD)
				KUNIT_EXPECT_TRUE_MSG(test, !lu.in.units && !lu.in.pages,
						      "%s: the refused handover was kept",
						      what);
		} else {
			adopted++;
			KUNIT_EXPECT_EQ_MSG(test, state, IOMMU_LU_UNIT_ADOPTED,
					    "%s", what);
			/*
			 * Only retrieve and adopt read the handover: a failure
			 * after them is a device's tracking, not its DMA.
			 */
			ft_expect_dma(test, &f, true, what);
		}
		iommu_lu_finish();
		KUNIT_EXPECT_TRUE_MSG(test, hash_empty(lu.pages) &&
				      hash_empty(lu.domains) && !lu.hdr,
				      "%s: state left after finish", what);
		KUNIT_EXPECT_EQ_MSG(test, kho_model.double_preserves, 0, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, kho_model.bad_unpreserves, 0, "%s", what);
		if (test->status == KUNIT_FAILURE)
			break;
	}
	ft_boot_armed = false;
	KUNIT_EXPECT_LT(test, n, FT_MAX_N);
	kunit_info(test, "next kernel: %d %s failures injected: %u blocked, %u adopted\n",
		   n - 1, ft_kind_name[kind], blocked, adopted);
}

/* Retrieve: any failed allocation or KHO call blocks the unit. */
static void faults_test_retrieve(struct kunit *test)
{
	ft_sweep_boot(test, FT_ALLOC);
	ft_sweep_boot(test, FT_KHO);
}

/* Retrieve, adopt and the boot-time tracking, under the registry lock. */
static void faults_test_adopt(struct kunit *test)
{
	ft_sweep_boot(test, FT_ALLOC_LOCKED);
}

static void faults_test_exit(struct kunit *test)
{
	shim_alloc_hook = NULL;
	ft_locked_n = 0;
	ft_boot_armed = false;
	shim_fail_alloc_nth = 0;
	kho_model_fail_nth = 0;
}

static struct kunit_case faults_test_cases[] = {
	KUNIT_CASE(faults_test_preserve_first),
	KUNIT_CASE(faults_test_preserve_more),
	KUNIT_CASE(faults_test_preserve_shared_domain),
	KUNIT_CASE(faults_test_preserve_group),
	KUNIT_CASE(faults_test_unpreserve),
	KUNIT_CASE(faults_test_hotplug_add),
	KUNIT_CASE(faults_test_hotplug_remove),
	KUNIT_CASE(faults_test_freeze),
	KUNIT_CASE(faults_test_retrieve),
	KUNIT_CASE(faults_test_adopt),
	{}
};

static struct kunit_suite faults_test_suite = {
	.name = "iommu_lu_faults",
	.exit = faults_test_exit,
	.test_cases = faults_test_cases,
};

kunit_test_suite(faults_test_suite);
