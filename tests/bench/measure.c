// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark, kind: CUSTOM. Measuring regions: callgrind dumps or the clock.
 * See measure.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <valgrind/callgrind.h>
#include "measure.h"

static const char *cg_out;	/* dump files are cg_out.1, cg_out.2, ... */
static unsigned int cg_dumps;
static bool cg_on;
static uint64_t t_last;
static struct bm_lap_info last;

#define MAX_WATCH 8
static struct {
	const char *fn;
	uint64_t incl;
} watches[MAX_WATCH];
static unsigned int nr_watches;

/* Callees whose cost is not the code under test (see measure.h). */
static const char *const excluded_fns[] = {
	"shim_mmio_read", "shim_mmio_write", "printk", "vprintk",
};

/*
 * Files of the hardware model: their functions run only inside an excluded
 * MMIO access, whose inclusive cost already holds theirs.
 */
static const char *const hw_files[] = {
	"tests/model/vtd.c", "tests/shim/io.c",
};

static bool is_hw_file(const char *fl)
{
	size_t i, n = strlen(fl);

	for (i = 0; i < sizeof(hw_files) / sizeof(hw_files[0]); i++) {
		size_t m = strlen(hw_files[i]);

		if (n >= m && !strcmp(fl + n - m, hw_files[i]))
			return true;
	}
	return false;
}

static bool is_excluded(const char *fn)
{
	size_t i;

	for (i = 0; i < sizeof(excluded_fns) / sizeof(excluded_fns[0]); i++)
		if (!strcmp(fn, excluded_fns[i]))
			return true;
	return false;
}

void bm_watch(const char *fn)
{
	if (nr_watches == MAX_WATCH) {
		fprintf(stderr, "bench: too many watches\n");
		exit(1);
	}
	watches[nr_watches++].fn = fn;
}

/* The watch @fn is, or -1: "fn" itself or a GCC clone "fn.<suffix>". */
static int watch_of(const char *fn)
{
	unsigned int i;

	for (i = 0; i < nr_watches; i++) {
		size_t n = strlen(watches[i].fn);

		if (!strncmp(fn, watches[i].fn, n) && (!fn[n] || fn[n] == '.'))
			return (int)i;
	}
	return -1;
}

uint64_t bm_watched(const char *fn)
{
	int w = watch_of(fn);

	return w < 0 ? 0 : watches[w].incl;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void bm_init(const char *out)
{
	cg_on = out && RUNNING_ON_VALGRIND;
	cg_out = out;
	if (out && !RUNNING_ON_VALGRIND)
		fprintf(stderr, "bench: --callgrind-out given but not running under valgrind: timing instead\n");
}

bool bm_exact(void)
{
	return cg_on;
}

const char *bm_unit(void)
{
	return cg_on ? "Ir" : "ns";
}

void bm_begin(void)
{
	if (cg_on) {
		CALLGRIND_START_INSTRUMENTATION;
		CALLGRIND_ZERO_STATS;
	} else {
		t_last = now_ns();
	}
}

/* Strip the trailing newline; "name'2" (recursion) counts as "name". */
static void fn_name(char *dst, size_t len, const char *src)
{
	size_t n = strcspn(src, "\n'");

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * Read one dump (written with --compress-strings=no --compress-pos=no):
 * the "summary:" total, minus the inclusive cost of every call from a
 * function that is not excluded into one that is.
 */
static void cg_parse(const char *path, struct bm_lap_info *info)
{
	char line[4096], callee[512] = "";
	bool caller_excluded = false, call_pending = false, in_hw = false;
	int caller_watch = -1;
	unsigned int i;
	uint64_t calls = 0;
	FILE *f = fopen(path, "r");

	memset(info, 0, sizeof(*info));
	for (i = 0; i < nr_watches; i++)
		watches[i].incl = 0;
	if (!f) {
		fprintf(stderr, "bench: cannot read callgrind dump %s\n", path);
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "summary:", 8) || !strncmp(line, "totals:", 7)) {
			info->raw = strtoull(strchr(line, ':') + 1, NULL, 10);
		} else if (!strncmp(line, "fl=", 3)) {
			char name[4096];

			fn_name(name, sizeof(name), line + 3);
			in_hw = is_hw_file(name);
		} else if (!strncmp(line, "fn=", 3)) {
			char name[512];

			fn_name(name, sizeof(name), line + 3);
			caller_excluded = in_hw || is_excluded(name);
			caller_watch = watch_of(name);
			call_pending = false;
		} else if (!strncmp(line, "cfn=", 4)) {
			fn_name(callee, sizeof(callee), line + 4);
		} else if (!strncmp(line, "calls=", 6)) {
			calls = strtoull(line + 6, NULL, 10);
			call_pending = true;
		} else if (call_pending && (line[0] == '*' || line[0] == '+' ||
					    line[0] == '-' ||
					    (line[0] >= '0' && line[0] <= '9'))) {
			/* "<position> <inclusive cost>" of the call above. */
			const char *p = strchr(line, ' ');
			uint64_t cost = p ? strtoull(p, NULL, 10) : 0;
			int w = watch_of(callee);

			if (!caller_excluded && is_excluded(callee)) {
				info->excluded += cost;
				info->excluded_calls += calls;
			}
			/* Recursive calls are inside the outer call's cost. */
			if (w >= 0 && w != caller_watch)
				watches[w].incl += cost;
			call_pending = false;
		}
	}
	fclose(f);
	if (info->excluded > info->raw) {
		fprintf(stderr, "bench: %s: excluded %llu > total %llu\n", path,
			(unsigned long long)info->excluded,
			(unsigned long long)info->raw);
		exit(1);
	}
}

uint64_t bm_lap(const char *name)
{
	char path[4096];
	uint64_t t;

	if (!cg_on) {
		t = now_ns();
		last = (struct bm_lap_info){ .raw = t - t_last };
		t_last = now_ns();
		return last.raw;
	}
	CALLGRIND_DUMP_STATS_AT(name);
	snprintf(path, sizeof(path), "%s.%u", cg_out, ++cg_dumps);
	cg_parse(path, &last);
	CALLGRIND_ZERO_STATS;	/* reading the dump is not part of the next lap */
	return last.raw - last.excluded + last.excluded_calls;
}

void bm_skip(void)
{
	if (cg_on)
		CALLGRIND_ZERO_STATS;
	else
		t_last = now_ns();
}

void bm_end(void)
{
	if (cg_on)
		CALLGRIND_STOP_INSTRUMENTATION;
}

void bm_last(struct bm_lap_info *info)
{
	*info = last;
}
