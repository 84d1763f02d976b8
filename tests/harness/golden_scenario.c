// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace harness: the scenario behind tests/golden/handover_v1.h.
 * See golden_scenario.h.
 */
#include <stdlib.h>
#include "golden_scenario.h"
#include "../core/lu_core.h"

/**
 * lu_golden_build() - Build the golden scenario from a cold machine.
 * @g: out: what was built.
 *
 * Resets the harness first (memory, KHO, the core), so the result does not
 * depend on what ran before. Ends after the old kernel's shutdown: the
 * outgoing handover is final and lu_golden_dump() copies it.
 *
 * Return: 0, or the first error (the step that failed is printed).
 */
int lu_golden_build(struct lu_golden *g)
{
	struct device *devs[2];
	int rp1, rp2, br1, br2, ret;

	memset(g, 0, sizeof(*g));
	lu_harness_reset();
	g->m = lu_machine_new(1, NULL);

	rp1 = lu_machine_add(g->m, 0, -1, PCI_DEVFN(0x1c, 0),
			     PCI_MODEL_ROOT_PORT, 1);
	g->dev_a = lu_machine_add(g->m, 0, rp1, PCI_DEVFN(0, 0),
				  PCI_MODEL_ENDPOINT_PCIE, 0);
	rp2 = lu_machine_add(g->m, 0, -1, PCI_DEVFN(0x1e, 0),
			     PCI_MODEL_ROOT_PORT, 3);
	br1 = lu_machine_add(g->m, 0, rp2, PCI_DEVFN(0, 0),
			     PCI_MODEL_PCIE_PCI_BRIDGE, 4);
	br2 = lu_machine_add(g->m, 0, br1, PCI_DEVFN(1, 0),
			     PCI_MODEL_PCI_BRIDGE, 5);
	g->dev_b = lu_machine_add(g->m, 0, br2, PCI_DEVFN(2, 0),
				  PCI_MODEL_ENDPOINT_PCI, 0);
	if (rp1 < 0 || g->dev_a < 0 || rp2 < 0 || br1 < 0 || br2 < 0 ||
	    g->dev_b < 0) {
		pr_err("golden: topology: %d %d %d %d %d %d\n", rp1, g->dev_a,
		       rp2, br1, br2, g->dev_b);
		return -ENODEV;
	}

	g->own_a = lu_owner_new(g->m, 0, LU_GOLDEN_IOVA_A, LU_GOLDEN_PAGES_A,
				0xa1);
	g->own_b = lu_owner_new(g->m, 0, LU_GOLDEN_IOVA_B, LU_GOLDEN_PAGES_B,
				0xb2);
	ret = lu_owner_attach(g->own_a, g->dev_a);
	if (!ret)
		ret = lu_owner_attach(g->own_b, g->dev_b);
	if (ret) {
		pr_err("golden: attach: %d\n", ret);
		return ret;
	}

	devs[0] = lu_machine_dev(g->m, g->dev_a);
	devs[1] = lu_machine_dev(g->m, g->dev_b);
	ret = iommu_lu_preserve_devices(devs, 2);
	if (ret) {
		pr_err("golden: preserve: %d\n", ret);
		return ret;
	}

	lu_machine_shutdown(g->m);
	return 0;
}

/**
 * lu_golden_dump() - The outgoing handover as a flat dump (lu_ser_dump()).
 * @buf: destination, or NULL to get the size.
 * @len: size of @buf.
 *
 * Return: bytes the dump takes; nothing is written when @len is too small.
 */
size_t lu_golden_dump(void *buf, size_t len)
{
	size_t n;

	mutex_lock(&lu.lock);
	n = lu_ser_dump(buf, len);
	mutex_unlock(&lu.lock);
	return n;
}

/**
 * lu_golden_free() - Forget the scenario's test-side objects.
 * @g: what lu_golden_build() filled in.
 *
 * The machine itself goes with the next lu_harness_reset() (or the
 * harness's after-case hook).
 */
void lu_golden_free(struct lu_golden *g)
{
	lu_owner_free(g->own_a);
	lu_owner_free(g->own_b);
	g->own_a = NULL;
	g->own_b = NULL;
}
