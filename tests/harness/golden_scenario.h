/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace harness: the scenario behind tests/golden/handover_v1.h.
 */

/**
 * DOC: golden handover scenario
 *
 * One VT-d unit in legacy mode (default model configuration), on a machine
 * that was just reset (lu_harness_reset()):
 *
 * - root port 00:1c.0 (secondary bus 1) with the PCIe endpoint 01:00.0,
 *   attached to an owner domain that maps 4 pages at IOVA 0x100000;
 * - root port 00:1e.0 (secondary bus 3), PCIe-to-PCI bridge 03:00.0
 *   (secondary bus 4), conventional PCI-to-PCI bridge 04:01.0 (secondary
 *   bus 5) and the conventional endpoint 05:02.0, which DMAs as 0x0510 and
 *   the aliases 0x0408 and 0x0400; its group is attached to a second owner
 *   domain that maps 2 pages at IOVA 0x200000;
 * - both endpoints preserved with one iommu_lu_preserve_devices() call,
 *   then the old kernel's shutdown (freeze, then the driver's shutdown,
 *   which runs the unit cleanup and sets %IOMMU_LU_UNIT_CLEANED).
 *
 * The simulated physical memory is a first-fit allocator reset between
 * cases, so the outgoing handover is the same bytes on every run:
 * tests/harness/golden_gen.c writes it to tests/golden/handover_v1.h and
 * the drift suite (tests/suites/golden_test.c) compares a live rebuild
 * against it.
 */
#ifndef _TESTS_HARNESS_GOLDEN_SCENARIO_H
#define _TESTS_HARNESS_GOLDEN_SCENARIO_H

#include "machine.h"

#define LU_GOLDEN_IOVA_A	0x100000ULL
#define LU_GOLDEN_PAGES_A	4
#define LU_GOLDEN_IOVA_B	0x200000ULL
#define LU_GOLDEN_PAGES_B	2

/**
 * struct lu_golden - What lu_golden_build() made.
 * @m: the machine.
 * @own_a: owner domain of 01:00.0.
 * @own_b: owner domain of 05:02.0 (and its group).
 * @dev_a: index of 01:00.0 in @m.
 * @dev_b: index of 05:02.0 in @m.
 */
struct lu_golden {
	struct lu_machine *m;
	struct lu_owner *own_a;
	struct lu_owner *own_b;
	int dev_a;
	int dev_b;
};

int lu_golden_build(struct lu_golden *g);
size_t lu_golden_dump(void *buf, size_t len);
void lu_golden_free(struct lu_golden *g);

#endif /* _TESTS_HARNESS_GOLDEN_SCENARIO_H */
