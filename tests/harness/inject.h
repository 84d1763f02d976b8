/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace harness: boot a kernel on a handover that is not the one the
 * previous kernel wrote, and check what the framework made of it.
 */

/**
 * DOC: handover injection
 *
 * The adopt fuzzer (tests/fuzz/fuzz_adopt.c) and the regression suite for
 * what it found (tests/suites/fuzz_regress_test.c) share this. One run:
 *
 * 1. the golden scenario (golden_scenario.h) is built from a cold machine:
 *    one VT-d unit, two preserved devices (four requester ids), freeze and
 *    the unit's shutdown cleanup; its handover must be byte for byte the
 *    golden blob (else the harness, not the input, is wrong: abort);
 * 2. the outgoing handover is withdrawn (subtree removed, its pages
 *    unpreserved and freed) and the input, a flat dump (&struct
 *    iommu_lu_dump_page_ser + 4 KiB, header first), takes its place: each
 *    page whose address is free memory is claimed there, filled and
 *    KHO-preserved; a page whose address is in use (a hardware table, a
 *    VMM's memory) or not memory is skipped, so what is at that address is
 *    what the next kernel finds, preserved or not; the first page becomes
 *    the KHO subtree blob;
 * 3. the oracle decodes that state exactly as the next kernel's retrieve
 *    will see it (a page maps if KHO holds it) and notes whether a unit
 *    record names the machine's unit;
 * 4. kexec into the next kernel, then the invariants:
 *
 *    - ADOPTED only if the oracle accepted and a record names the unit;
 *      FRESH only if the oracle accepted and no record names it (the
 *      handover says nothing about the unit); else BLOCKED;
 *    - translation never went off (the unit's TE-disable count did not
 *      move), except for FRESH, where the driver does what Linux always
 *      did with a unit no handover describes;
 *    - every probe DMA (all requester ids of buses 0-7 and every id the
 *      input names, at every IOVA either owner mapped and one nobody did)
 *      translates exactly as it did in the old kernel after its cleanup
 *      when ADOPTED, and faults otherwise;
 *    - ADOPTED: the unit's page records are exactly the pages its adopted
 *      tables use (root, context tables, every page-table page reachable),
 *      none of them the VMM's memory;
 *    - no panic, no KHO misuse (double preserve, bad unpreserve), the
 *      handover arrays freed when it was refused, and after
 *      iommu_lu_finish() nothing of the adoption left in the registry.
 *
 * Input whose first page is not a dump page at a usable address is not
 * run (LU_INJECT_SKIPPED): a KHO subtree always names a real page.
 */
#ifndef _TESTS_HARNESS_INJECT_H
#define _TESTS_HARNESS_INJECT_H

#include "golden_scenario.h"

/**
 * enum lu_inject_ret - Outcome of lu_inject_run().
 * @LU_INJECT_OK: ran, every invariant held.
 * @LU_INJECT_SKIPPED: not a handover a kernel could leave: not run.
 * @LU_INJECT_VIOLATION: an invariant failed; the message says which.
 */
enum lu_inject_ret {
	LU_INJECT_OK = 0,
	LU_INJECT_SKIPPED,
	LU_INJECT_VIOLATION,
};

/**
 * struct lu_inject_result - What one run saw.
 * @state: the unit's boot state in the next kernel.
 * @decoded: the oracle decoded the installed handover.
 * @named: ... and one of its unit records names the machine's unit.
 * @golden: the input is the golden blob itself.
 * @installed: input pages placed at their address.
 * @skipped: input pages whose address was taken or not memory.
 * @probes: DMAs tried.
 * @translated: of those, how many translated.
 * @pageset_differs: ADOPTED, but the page records of the unit differ from
 *	the pages its hardware tables use (a violation).
 * @foreign_restored: the next kernel restored a page of an owner's memory
 *	(a VMM's), which then cannot restore it: a page record declared it. A
 *	violation when ADOPTED; when the unit is BLOCKED, the written policy
 *	(declared pages are restored before they are validated, a refused
 *	handover's pages are leaked), see tests/suites/fuzz_regress_test.c.
 * @err: the oracle's decoder message when it refused.
 * @msg: what was violated.
 */
struct lu_inject_result {
	enum iommu_lu_boot_state state;
	bool decoded;
	bool named;
	bool golden;
	unsigned int installed;
	unsigned int skipped;
	unsigned int probes;
	unsigned int translated;
	bool pageset_differs;
	bool foreign_restored;
	char err[160];
	char msg[256];
};

enum lu_inject_ret lu_inject_run(const u8 *data, size_t size,
				 struct lu_inject_result *res);

#endif /* _TESTS_HARNESS_INJECT_H */
