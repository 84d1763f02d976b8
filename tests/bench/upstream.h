/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Benchmark, kind: CUSTOM. The approaches iommu-lu is compared with.
 *
 * They exist only here, as small models written from the upstream
 * descriptions (/work/shared/reference/upstream.md, Linux's
 * drivers/iommu/intel/iommu.c for the kdump copy). Each works on the live
 * VT-d tables in simulated memory and touches nothing the framework owns:
 *
 * - v2_lookup_pages(): the reviewed upstream v2 patch (07/16) preserved a
 *   unit by allocating and preserving a context table for every bus (both
 *   halves in scalable mode) so that devices coming later would be covered.
 * - struct branch_state: the later upstream branch preserves, for every
 *   preserved device, every context table that exists and is not yet in
 *   its 512-bit bitmap (bit = bus * 2 + (devfn >> 7)): a rescan of all 512
 *   root halves per device; in scalable mode it also preserves the device's
 *   PASID directory and the PASID tables in it (its device record names
 *   the directory).
 * - kdump_copy_tables(): what a kdump kernel does with tables it finds
 *   enabled (copy_translation_tables()/copy_context_table()): a new root,
 *   a new page per present context table, entries copied one by one, each
 *   entry's domain id reserved and its requester id marked copied, the new
 *   tables installed in the new root.
 */
#ifndef _TESTS_BENCH_UPSTREAM_H
#define _TESTS_BENCH_UPSTREAM_H

#include "iommu_lu_seam.h"

#define BENCH_ROOT_HALVES	512

/* Root entry of either mode: legacy uses lo; scalable lo (devfn < 128), hi. */
struct bench_root_entry {
	u64 lo;
	u64 hi;
};

#define BENCH_ENTRY_P		BIT_ULL(0)
#define BENCH_ENTRY_ADDR	GENMASK_ULL(51, 12)

unsigned int v2_lookup_pages(u64 root_phys, bool scalable);

/**
 * struct branch_state - The later upstream branch's view of one unit.
 * @root: root table.
 * @tables: halves whose context table is preserved already.
 * @rids: device records (requester id, domain id), appended.
 * @nr: records used.
 * @cap: records allocated.
 */
struct branch_state {
	u64 root;
	DECLARE_BITMAP(tables, BENCH_ROOT_HALVES);
	u32 *rids;
	unsigned int nr;
	unsigned int cap;
};

void branch_init(struct branch_state *bs, u64 root_phys, unsigned int cap);
int branch_preserve_device(struct branch_state *bs, u16 rid, u32 did,
			   bool scalable, u64 *new_pages, unsigned int max,
			   unsigned int *nr_new);
void branch_free(struct branch_state *bs);

/**
 * struct kdump_copy - The tables a kdump-style copy made.
 * @root: the new root table.
 * @tables: the new context tables.
 * @nr: number of @tables.
 */
struct kdump_copy {
	u64 root;
	u64 tables[BENCH_ROOT_HALVES];
	unsigned int nr;
};

int kdump_copy_tables(u64 old_root, bool scalable, bool coherent,
		      unsigned long *dids, unsigned int ndoms,
		      unsigned long *copied, struct kdump_copy *out);
void kdump_copy_free(struct kdump_copy *kc);

#endif /* _TESTS_BENCH_UPSTREAM_H */
