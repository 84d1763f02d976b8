// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: retrieve and adopt in the next kernel, on a handover
 * the fuzzer wrote, against the VT-d model.
 */

/**
 * DOC: adopt fuzzer
 *
 * Each input is a flat dump (as for fuzz_decode) that replaces the
 * handover the golden scenario's old kernel wrote; then the simulated kexec,
 * the next kernel's boot, and the invariants of tests/harness/inject.h:
 * the unit is ADOPTED only when the decoder accepts and the hardware
 * matches, else BLOCKED with translation on (FRESH only when the handover
 * names no such unit); translation never goes off; no requester id
 * translates except the preserved ones, each only to what it mapped, and
 * after finish none; no panic, no KHO misuse, nothing of the adoption left.
 * A violation aborts with the reason and the kernel log. Mutations are
 * repaired half of the time as in fuzz_decode (tests/fuzz/repair.h), so
 * that many reach the adopt step.
 *
 * A refused handover that declared a page of the VMM's memory has had it
 * restored (restore comes before validation, and a refused handover's
 * pages are leaked: the written policy, tests/suites/fuzz_regress_test.c);
 * such runs are counted, and abort only with LU_FUZZ_STRICT_PAGES=1 in the
 * environment. The counts are printed at exit (LU_FUZZ_STATS=0: not).
 *
 * Memory is 16 MiB (the scenario needs a few hundred pages), so the cold
 * boot of every run, which poisons all of it, stays cheap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <kunit/test.h>
#include "harness/inject.h"
#include "model/physmem.h"
#include "repair.h"

/* The KUnit runner is not linked; the harness installs its hooks here. */
void (*kunit_hook_before_case)(struct kunit *test);
void (*kunit_hook_after_case)(struct kunit *test);

static bool fz_strict_pages;
static unsigned long fz_stats[3], fz_skipped, fz_foreign;

static void fz_print_stats(void)
{
	fprintf(stderr,
		"fuzz_adopt: FRESH %lu ADOPTED %lu BLOCKED %lu skipped %lu; blocked after restoring a VMM page %lu\n",
		fz_stats[IOMMU_LU_UNIT_FRESH], fz_stats[IOMMU_LU_UNIT_ADOPTED],
		fz_stats[IOMMU_LU_UNIT_BLOCKED], fz_skipped, fz_foreign);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *s = getenv("LU_FUZZ_STRICT_PAGES");

	fz_strict_pages = s && *s == '1';
	s = getenv("LU_FUZZ_STATS");
	if (!s || *s != '0')
		atexit(fz_print_stats);
	if (physmem_init(SZ_16M)) {
		fprintf(stderr, "fuzz_adopt: cannot map memory\n");
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct lu_inject_result res;

	switch (lu_inject_run(data, size, &res)) {
	case LU_INJECT_SKIPPED:
		fz_skipped++;
		return 0;
	case LU_INJECT_VIOLATION:
		fprintf(stderr, "fuzz_adopt: VIOLATION: %s\n"
			"(decoder: %s%s; unit %d; %u pages installed, %u skipped)\n"
			"---- kernel log ----\n%s\n",
			res.msg, res.decoded ? "accepted" : "refused: ", res.err,
			res.state, res.installed, res.skipped, shim_log_text());
		abort();
	default:
		break;
	}
	fz_stats[res.state]++;
	if (res.foreign_restored) {
		fz_foreign++;
		if (fz_strict_pages) {
			fprintf(stderr, "fuzz_adopt: a refused handover had a page of the VMM's memory restored\n");
			abort();
		}
	}
	return 0;
}
