/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Benchmark, kind: CUSTOM. Measuring regions of the code under test.
 *
 * Under callgrind (tests/bench/run.sh) a region is counted in instructions:
 * instrumentation is switched on only for the region (the rest of the run
 * goes at near-native speed), and every bm_lap() dumps the counters
 * (CALLGRIND_DUMP_STATS_AT, which also zeroes them) and reads the dump
 * back. Two things are not the code under test and are taken out of each
 * count, each call counted as one instruction instead:
 *
 * - the MMIO accessors (shim_mmio_read/shim_mmio_write): in the kernel a
 *   register access is one instruction, here it runs the VT-d hardware
 *   model (e.g. a whole invalidation-queue lap);
 * - printk/vprintk: the shim formats every pr_debug() into its log, the
 *   kernel compiles them out.
 *
 * Without callgrind the same calls return nanoseconds (CLOCK_MONOTONIC):
 * good for a quick look, too noisy for the small regions.
 */
#ifndef _TESTS_BENCH_MEASURE_H
#define _TESTS_BENCH_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

/* Set up; @cg_out is callgrind's --callgrind-out-file, or NULL. */
void bm_init(const char *cg_out);
/* True when counts are instructions (callgrind), false for nanoseconds. */
bool bm_exact(void);
/* "Ir" or "ns". */
const char *bm_unit(void);

/* Start a measured stretch: instrumentation on, counters zeroed. */
void bm_begin(void);
/* Cost since bm_begin() or the previous bm_lap(), then restart counting. */
uint64_t bm_lap(const char *name);
/* Drop what ran since the last lap (e.g. reading watches) and go on. */
void bm_skip(void);
/* End the stretch (whatever ran since the last lap is dropped). */
void bm_end(void);

/*
 * Watch a function (callgrind only; a clone such as "fn.isra.0" counts as
 * "fn"): bm_watched() then gives the inclusive cost of its calls in the
 * last lap, raw (nothing taken out), 0 when it was not called or was
 * inlined. At most 8 watches.
 */
void bm_watch(const char *fn);
uint64_t bm_watched(const char *fn);

/* Diagnostics of the last lap: raw count and what was taken out. */
struct bm_lap_info {
	uint64_t raw;
	uint64_t excluded;
	uint64_t excluded_calls;
};
void bm_last(struct bm_lap_info *info);

#endif /* _TESTS_BENCH_MEASURE_H */
