// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: the requester-id space is closed (userspace, machine model)
 *
 * The security property: after the old kernel's shutdown, and in the next
 * kernel until finish, a requester id translates only if it belongs to a
 * preserved device (its own id or one of its DMA aliases), and only to what
 * that device's domain maps; every other id of all 65536 faults, at every
 * address any domain maps. After finish, with nobody claiming the adopted
 * devices, nothing translates.
 *
 * lifecycle_test_rid_space_closed checks this on one fixed machine; here
 * random machines (a few fixed seeds, so runs repeat): two VT-d units, each
 * with root ports leading to PCIe endpoints, to PCIe-to-PCI plus PCI
 * bridges with conventional endpoints behind (alias groups), to endpoints
 * with a phantom-function DMA alias, and an SR-IOV PF with VFs on a new
 * bus; owners (caller domains) on random groups, some shared by two groups;
 * devices left on their DMA-API domain map the same IOVAs as owners, so a
 * surviving entry would translate. A random subset of the groups is
 * preserved; then devices are hot-added (some preserved) and hot-removed
 * (some preserved, some whole bridges), as in a running system.
 */
#include <stdlib.h>
#include <kunit/test.h>
#include "harness/machine.h"
#include "model/physmem.h"
#include "model/kho.h"
#include "../core/lu_core.h"

#define SC_MAX_OWNERS	16
#define SC_DECOY_IOVA	0x100000ULL	/* every owner's first IOVA is a decoy's */

struct sc {
	struct lu_machine *m;
	u32 rnd;
	unsigned int bus[LU_MACHINE_MAX_UNITS];	/* next free bus number */
	int slots[LU_MACHINE_MAX_UNITS][8];	/* empty root ports */
	unsigned int nr_slots[LU_MACHINE_MAX_UNITS];
	struct lu_owner *owners[SC_MAX_OWNERS];
	unsigned int nr_owners;
	u64 decoy_phys;
};

static u32 sc_rnd(struct sc *s)
{
	s->rnd = s->rnd * 1103515245 + 12345;
	return s->rnd >> 8;
}

static int sc_root_port(struct kunit *test, struct sc *s, unsigned int u,
			unsigned int slot)
{
	int rp = lu_machine_add(s->m, u, -1, PCI_DEVFN(slot, 0),
				PCI_MODEL_ROOT_PORT, s->bus[u]++);

	KUNIT_ASSERT_GE(test, rp, 0);
	return rp;
}

/* Something behind a new root port; returns an endpoint of it. */
static int sc_populate(struct kunit *test, struct sc *s, unsigned int u,
		       unsigned int slot)
{
	int rp = sc_root_port(test, s, u, slot), pbr, br, ep = -1;

	switch (sc_rnd(s) % 5) {
	case 0:
	case 1:
		ep = lu_machine_add(s->m, u, rp, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
		break;
	case 2:		/* an alias group behind two bridges */
		pbr = lu_machine_add(s->m, u, rp, 0, PCI_MODEL_PCIE_PCI_BRIDGE,
				     s->bus[u]++);
		br = lu_machine_add(s->m, u, pbr, PCI_DEVFN(1, 0),
				    PCI_MODEL_PCI_BRIDGE, s->bus[u]++);
		ep = lu_machine_add(s->m, u, br, PCI_DEVFN(2, 0),
				    PCI_MODEL_ENDPOINT_PCI, 0);
		if (sc_rnd(s) % 2)
			lu_machine_add(s->m, u, br, PCI_DEVFN(3, 0),
				       PCI_MODEL_ENDPOINT_PCI, 0);
		break;
	case 3:		/* a phantom function */
		ep = lu_machine_add_aliased(s->m, u, rp, 0,
					    PCI_MODEL_ENDPOINT_PCIE, 0,
					    PCI_DEVFN(0, 1 + sc_rnd(s) % 7));
		break;
	default:	/* an SR-IOV PF and its VFs, on a bus of their own */
		ep = lu_machine_add(s->m, u, rp, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
		KUNIT_ASSERT_GE(test, ep, 0);
		KUNIT_ASSERT_GE(test, lu_machine_sriov_set(s->m, ep, 256, 1,
							   1 + sc_rnd(s) % 3), 0);
		s->bus[u]++;	/* the VFs' bus */
		break;
	}
	KUNIT_ASSERT_GE(test, ep, 0);
	return ep;
}

static struct lu_owner *sc_owner(struct sc *s, unsigned int u)
{
	struct lu_owner *o;

	if (s->nr_owners == SC_MAX_OWNERS)
		return s->owners[sc_rnd(s) % s->nr_owners];
	o = lu_owner_new(s->m, u, SC_DECOY_IOVA + 0x100000ULL * s->nr_owners,
			 1 + sc_rnd(s) % 3, 0x80 + s->nr_owners);
	s->owners[s->nr_owners++] = o;
	return o;
}

/* An owner for the group of @idx: a new one, or one of the unit's. */
static struct lu_owner *sc_attach(struct kunit *test, struct sc *s, int idx)
{
	unsigned int u = s->m->devs[idx].unit, i;
	struct lu_owner *o = NULL;

	if (sc_rnd(s) % 4 == 0)
		for (i = 0; i < s->nr_owners; i++)
			if (s->owners[i]->unit == u)
				o = s->owners[i];
	if (!o)
		o = sc_owner(s, u);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(o, idx), 0);
	return o;
}

struct sc_members {
	struct device *devs[16];
	unsigned int nr;
};

static int sc_member(struct device *dev, void *data)
{
	struct sc_members *g = data;

	/* Bridges do no DMA of their own: not preserved. */
	if (!pci_is_bridge(to_pci_dev(dev)) && g->nr < ARRAY_SIZE(g->devs))
		g->devs[g->nr++] = dev;
	return 0;
}

static int sc_preserve_group(struct sc *s, int idx)
{
	struct iommu_group *grp = iommu_group_get(lu_machine_dev(s->m, idx));
	struct sc_members g = { };

	if (!grp)
		return -ENODEV;
	iommu_group_for_each_dev(grp, &g, sc_member);
	iommu_group_put(grp);
	return iommu_lu_preserve_devices(g.devs, g.nr);
}

/* Endpoints on their DMA-API domain map the decoy IOVA. */
static void sc_decoys(struct kunit *test, struct sc *s)
{
	unsigned int i;

	for (i = 0; i < s->m->nr_devs; i++) {
		struct device *dev = lu_machine_dev(s->m, i);
		struct iommu_domain *dom = dev ? iommu_get_domain_for_dev(dev) : NULL;

		if (!dom || dom->type == IOMMU_DOMAIN_UNMANAGED ||
		    idrv_iova_to_phys(dom, SC_DECOY_IOVA))
			continue;
		KUNIT_EXPECT_EQ(test, idrv_map(dom, SC_DECOY_IOVA, s->decoy_phys,
					       PAGE_SIZE, IOMMU_READ | IOMMU_WRITE), 0);
	}
}

/* Which owner each requester id of each unit may reach: the preserved. */
static void sc_expect(struct sc *s, struct lu_owner *(*who)[65536])
{
	unsigned int i, j, k;

	for (i = 0; i < s->m->nr_devs; i++) {
		struct device *dev = lu_machine_dev(s->m, i);
		struct iommu_domain *dom;
		u16 rids[IOMMU_LU_MAX_RIDS];
		int n;

		if (!dev || !iommu_lu_device_preserved(dev))
			continue;
		dom = iommu_get_domain_for_dev(dev);
		n = pci_model_dma_aliases(to_pci_dev(dev), rids, IOMMU_LU_MAX_RIDS);
		for (k = 0; k < s->nr_owners; k++)
			if (s->owners[k]->domain == dom)
				for (j = 0; j < (unsigned int)n; j++)
					who[s->m->devs[i].unit][rids[j]] = s->owners[k];
	}
}

/*
 * @rid of unit @u at the first and last page of owner @o: translated to the
 * page of @own (NULL: none) that holds that IOVA, or a fault where @own has
 * none. Counts the translations in *@translated; false (the test failed) at
 * the first mismatch.
 */
static bool sc_probe(struct kunit *test, struct sc *s, unsigned int u,
		     unsigned int rid, const struct lu_owner *own,
		     const struct lu_owner *o, const char *when,
		     unsigned int *translated)
{
	unsigned int pg;

	for (pg = 0; pg < o->nr_pages; pg += o->nr_pages - 1 ?: 1) {
		u64 iova = o->iova + (u64)pg * PAGE_SIZE, phys = 0;
		bool mine = own && own->unit == u &&
			    iova >= own->iova &&
			    iova < own->iova + (u64)own->nr_pages * PAGE_SIZE;
		u64 want = mine ? own->phys[(iova - own->iova) / PAGE_SIZE] : 0;
		int ret = vtd_model_translate(s->m->hw[u], rid, iova, false,
					      &phys);

		if (!ret != mine || (mine && phys != want)) {
			KUNIT_FAIL(test, "%s: unit %u rid %04x iova %#llx: %s %#llx, want %s %#llx",
				   when, u, rid, (unsigned long long)iova,
				   ret ? "fault" : "translated to",
				   (unsigned long long)phys,
				   mine ? "translation to" : "a fault",
				   (unsigned long long)want);
			return false;
		}
		*translated += !ret;
	}
	return true;
}

/* Try every requester id of every unit at every owner's IOVAs. */
static unsigned int sc_sweep(struct kunit *test, struct sc *s,
			     struct lu_owner *(*who)[65536], const char *when)
{
	unsigned int u, rid, k, translated = 0;

	for (u = 0; u < s->m->nr_units; u++) {
		/*
		 * A unit with nothing preserved is left to its driver, which
		 * turns translation off at shutdown as Linux always did (its
		 * devices were shut down): nothing to sweep there.
		 */
		if (!vtd_model_translation_enabled(s->m->hw[u])) {
			for (rid = 0; who && rid < 65536; rid++)
				if (who[u][rid]) {
					KUNIT_FAIL(test,
						   "%s: unit %u has preserved rid %04x, translation is off",
						   when, u, rid);
					return translated;
				}
			continue;
		}
		for (rid = 0; rid < 65536; rid++) {
			struct lu_owner *own = who ? who[u][rid] : NULL;

			for (k = 0; k < s->nr_owners; k++)
				if (!sc_probe(test, s, u, rid, own, s->owners[k],
					      when, &translated))
					return translated;
		}
		vtd_model_clear_faults(s->m->hw[u]);
	}
	return translated;
}

static const u32 sc_seeds[] = { 1, 0x5eed, 0xc0ffee, 0xdecaf, 7, 0xbad5eed, 0x1dea, 0xfeed };

static void sc_seed_desc(const u32 *seed, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "seed %#x", *seed);
}

KUNIT_ARRAY_PARAM(sc_seed, sc_seeds, sc_seed_desc);

static void security_test_rid_space_random(struct kunit *test)
{
	struct lu_owner *(*who)[65536] = calloc(LU_MACHINE_MAX_UNITS, sizeof(*who));
	struct sc *s = calloc(1, sizeof(*s));
	unsigned int u, i, n, before, after, preserved = 0;
	int eps[32], nr_eps = 0;

	KUNIT_ASSERT_TRUE(test, who && s);
	s->rnd = *(const u32 *)test->param_value;
	s->m = lu_machine_new(LU_MACHINE_MAX_UNITS, NULL);
	s->decoy_phys = physmem_alloc_page();
	for (u = 0; u < s->m->nr_units; u++) {
		s->bus[u] = 1;
		n = 3 + sc_rnd(s) % 3;
		for (i = 0; i < n; i++)
			eps[nr_eps++] = sc_populate(test, s, u, 0x10 + i);
		for (i = 0; i < 2; i++)
			s->slots[u][s->nr_slots[u]++] =
				sc_root_port(test, s, u, 0x18 + i);
	}
	/* Owners on most groups, then a random subset preserved. */
	for (i = 0; i < (unsigned int)nr_eps; i++)
		if (sc_rnd(s) % 4)
			sc_attach(test, s, eps[i]);
	for (i = 0; i < (unsigned int)nr_eps; i++) {
		struct iommu_domain *dom =
			iommu_get_domain_for_dev(lu_machine_dev(s->m, eps[i]));

		if (dom && dom->type == IOMMU_DOMAIN_UNMANAGED && sc_rnd(s) % 3) {
			KUNIT_EXPECT_EQ(test, sc_preserve_group(s, eps[i]), 0);
			preserved++;
		}
	}
	/* A running system: hot-add into the empty slots, hot-remove. */
	for (u = 0; u < s->m->nr_units; u++) {
		for (i = 0; i < s->nr_slots[u]; i++) {
			int ep = lu_machine_add(s->m, u, s->slots[u][i], 0,
						PCI_MODEL_ENDPOINT_PCIE, 0);

			KUNIT_ASSERT_GE(test, ep, 0);
			sc_attach(test, s, ep);
			if (sc_rnd(s) % 2)
				KUNIT_EXPECT_EQ(test, sc_preserve_group(s, ep), 0);
		}
	}
	for (i = 0; i < (unsigned int)nr_eps; i++) {
		int victim = eps[i];

		if (sc_rnd(s) % 4)
			continue;
		/* Sometimes the whole branch: its root port. */
		while (sc_rnd(s) % 2 && s->m->devs[victim].parent >= 0)
			victim = s->m->devs[victim].parent;
		lu_machine_remove(s->m, victim);
	}
	sc_decoys(test, s);
	sc_expect(s, who);

	lu_machine_shutdown(s->m);
	before = sc_sweep(test, s, who, "after shutdown");
	lu_machine_jump(s->m);
	for (u = 0; u < s->m->nr_units; u++)
		KUNIT_EXPECT_NE_MSG(test, idrv_boot_state(s->m->drv[u]),
				    IOMMU_LU_UNIT_BLOCKED, "unit %u", u);
	after = sc_sweep(test, s, who, "next kernel, adopted");
	KUNIT_EXPECT_EQ(test, before, after);
	iommu_lu_finish();
	KUNIT_EXPECT_EQ(test, sc_sweep(test, s, NULL, "after finish"), 0);
	kunit_info(test, "%u devices, %u groups preserved at first, %u owners: %u (rid, iova) translate, 2 x 65536 ids tried\n",
		   s->m->nr_devs, preserved, s->nr_owners, before);
	free(who);
	free(s);
}

static struct kunit_case security_test_cases[] = {
	KUNIT_CASE_PARAM(security_test_rid_space_random, sc_seed_gen_params),
	{}
};

static struct kunit_suite security_test_suite = {
	.name = "iommu_lu_security",
	.test_cases = security_test_cases,
};

kunit_test_suite(security_test_suite);
