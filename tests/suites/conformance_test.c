// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite: the VT-d model against real hardware (QEMU's intel-iommu).
 */

/**
 * DOC: conformance suite
 *
 * tests/golden/conformance-legacy.log and conformance-scalable.log are
 * captures of real runs of the live-update scenario (Linux 7.3 + iommu-lu
 * on QEMU 7.2's intel-iommu, scripts/check-liveupdate.sh): the Intel
 * driver's debugfs dumps of its translation structures, the DMA results of
 * QEMU's edu devices and the DMAR faults the hardware reported. The harness
 * (tests/harness/conformance.h) rebuilds each dump in the VT-d model's
 * memory and replays every result: the model must translate what the
 * hardware translated, to the same addresses, and fault where it faulted,
 * with the same reason and the same fault record (this is how the model was
 * found to record scalable-mode walk faults without their RID_PASID, which
 * QEMU 7.2 reports and Linux prints as "PASID 0x0").
 *
 * The suite also shows the replay can fail: a page-table entry moved to
 * another page, a write permission dropped, a context entry cleared (the
 * observed fault then has another reason), a page mapped next to a window
 * (the refusal checks), a log replayed in the wrong mode, a buffer address
 * the hardware did not reach, two dump lines that disagree. Each must be
 * reported as a failed check, and only where it was done.
 *
 * Userspace only: it needs the models. The captures are read from
 * tests/golden/ next to this file (the suite runs from the top directory).
 */

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <kunit/test.h>

#include "../harness/conformance.h"

#define CONFT_A		"0000:00:03.0"	/* preserved across both updates */
#define CONFT_U		"0000:00:04.0"	/* never preserved: faults in kernel 2 */
#define CONFT_FAILS	16
#define CONFT_PAGE	4096ULL

/* What a run reported, for the assertions. */
struct conft_seen {
	unsigned int nr_failed;
	char failed[CONFT_FAILS][512];
};

static void conft_report(void *ctx, enum conformance_line kind, const char *text)
{
	struct conft_seen *seen = ctx;

	if (kind != CONFORMANCE_NOT_OK)
		return;
	if (seen->nr_failed < CONFT_FAILS)
		snprintf(seen->failed[seen->nr_failed], sizeof(seen->failed[0]), "%s", text);
	seen->nr_failed++;
}

/* tests/golden/conformance-MODE.log, found from this file's path. */
static struct conformance_log *conft_load(struct kunit *test, const char *mode)
{
	const char *me = __FILE__, *dir = strstr(me, "suites/conformance_test.c");
	struct conformance_log *log;
	char path[512];

	snprintf(path, sizeof(path), "%.*sgolden/conformance-%s.log",
		 dir ? (int)(dir - me) : 0, me, mode);
	log = conformance_load(path);
	if (!log)
		KUNIT_FAIL(test, "%s: %s (run the tests from the top directory)", path,
			   strerror(errno));
	return log;
}

enum conft_what {
	CONFT_MOVE_PTE,		/* the leaf points one page further */
	CONFT_NO_WRITE,		/* the leaf loses its write permission */
	CONFT_NO_CONTEXT,	/* the context entry is not present */
	CONFT_MAP_NEXT,		/* the page after the window is mapped */
};

struct conft_tamper {
	const struct conformance_log *log;
	const char *tag;	/* the dump to tamper with */
	const char *dev;	/* whose translation */
	unsigned int page;	/* which page of its window */
	enum conft_what what;
	bool done;
};

static void conft_tamper(void *ctx, struct conformance_replay *r, const char *tag)
{
	struct conft_tamper *t = ctx;
	u64 iova, *e, *prev;
	u16 rid;

	if (strcmp(tag, t->tag) || !conformance_device(t->log, t->dev, &rid, &iova, NULL))
		return;
	switch (t->what) {
	case CONFT_MOVE_PTE:
		e = conformance_pte(r, rid, iova + t->page * CONFT_PAGE, 1);
		if (e && *e) {
			*e += CONFT_PAGE;
			t->done = true;
		}
		break;
	case CONFT_NO_WRITE:
		e = conformance_pte(r, rid, iova + t->page * CONFT_PAGE, 1);
		if (e && (*e & 2)) {
			*e &= ~2ULL;
			t->done = true;
		}
		break;
	case CONFT_NO_CONTEXT:
		e = conformance_context(r, rid);
		if (e && (*e & 1)) {
			*e &= ~1ULL;
			t->done = true;
		}
		break;
	case CONFT_MAP_NEXT:
		prev = conformance_pte(r, rid, iova + 3 * CONFT_PAGE, 1);
		e = conformance_pte(r, rid, iova + 4 * CONFT_PAGE, 1);
		if (prev && e && *prev && !*e) {
			*e = *prev + CONFT_PAGE;
			t->done = true;
		}
		break;
	}
}

/* Replay @log; every failed check must mention each of @needles. */
static int conft_run(struct kunit *test, const struct conformance_log *log, bool scalable,
		     struct conft_tamper *t, struct conformance_counts *counts,
		     const char *const *needles)
{
	struct conft_seen *seen = kunit_kzalloc(test, sizeof(*seen), GFP_KERNEL);
	struct conformance_opts opts = {
		.report = conft_report,
		.report_ctx = seen,
		.tamper = t ? conft_tamper : NULL,
		.tamper_ctx = t,
	};
	unsigned int i;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	ret = conformance_run(log, scalable, &opts, counts);
	KUNIT_EXPECT_EQ(test, seen->nr_failed, counts->failed);
	for (i = 0; i < seen->nr_failed && i < CONFT_FAILS; i++) {
		const char *const *n;

		for (n = needles; n && *n; n++)
			KUNIT_EXPECT_TRUE_MSG(test, strstr(seen->failed[i], *n),
					      "unexpected failure (no \"%s\"): %s", *n,
					      seen->failed[i]);
		if (!needles)
			KUNIT_FAIL(test, "%s", seen->failed[i]);
	}
	return ret;
}

/* ---- the real captures replay clean ------------------------------------- */

static void conft_golden(struct kunit *test, const char *mode, bool scalable,
			 unsigned int min_dma)
{
	struct conformance_log *log = conft_load(test, mode);
	struct conformance_counts c;
	int ret;

	if (!log)
		return;
	ret = conft_run(test, log, scalable, NULL, &c, NULL);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, c.failed, 0U);
	/* Every edu device's DMA, in several dumps; the fault of kernel 2. */
	KUNIT_EXPECT_GE(test, c.dma, min_dma);
	KUNIT_EXPECT_GE(test, c.faults, 2U);
	KUNIT_EXPECT_GE(test, c.refusals, 2 * c.replays);
	KUNIT_EXPECT_GE(test, c.replays, 4U);
	KUNIT_EXPECT_LE(test, c.skipped, 2U);	/* kernel 3's view of kernel 2's hidden entry */
	KUNIT_EXPECT_GT(test, c.passed, c.dma + c.faults + c.refusals);
	conformance_free(log);
}

/* Legacy mode: 5 edu devices, 2 of them behind a PCIe-to-PCI bridge (rid 01:00.0). */
static void conformance_test_legacy(struct kunit *test)
{
	conft_golden(test, "legacy", false, 20);
}

/* Scalable mode: PASID tables, no bridged devices. */
static void conformance_test_scalable(struct kunit *test)
{
	conft_golden(test, "scalable", true, 12);
}

/* ---- and the replay can fail ------------------------------------------ */

/*
 * Replay @mode's capture with @t applied: the replay must fail, the tamper
 * must have found its target, and exactly @failed checks must fail, each
 * mentioning every one of @needles.
 */
static void conft_expect_tampered(struct kunit *test, const char *mode,
				  struct conft_tamper *t, const char *const *needles,
				  unsigned int failed)
{
	struct conformance_log *log = conft_load(test, mode);
	struct conformance_counts c;

	if (!log)
		return;
	t->log = log;
	KUNIT_EXPECT_EQ(test, conft_run(test, log, !strcmp(mode, "scalable"), t, &c,
					needles), -EINVAL);
	KUNIT_EXPECT_TRUE(test, t->done);
	KUNIT_EXPECT_EQ(test, c.failed, failed);
	conformance_free(log);
}

/* One leaf of A moved to the next page: A's DMA replays on k1 must fail. */
static void conformance_test_moved_pte(struct kunit *test)
{
	static const char *const needles[] = { " k1: ", CONFT_A, "read at 0x1001000", NULL };
	struct conft_tamper t = { .tag = "k1", .dev = CONFT_A, .page = 1,
				  .what = CONFT_MOVE_PTE };

	/* Kernel 1's DMA, kernel 2's in-flight, preserved and check DMA. */
	conft_expect_tampered(test, "legacy", &t, needles, 4);
}

/* A's page 2 read-only in scalable k1-start: the write is refused there. */
static void conformance_test_no_write(struct kunit *test)
{
	static const char *const needles[] = { " k1-start: ", CONFT_A, "write at 0x1002000",
					       "no write permission", NULL };
	struct conft_tamper t = { .tag = "k1-start", .dev = CONFT_A, .page = 2,
				  .what = CONFT_NO_WRITE };

	conft_expect_tampered(test, "scalable", &t, needles, 1);
}

/*
 * U's context entry cleared where its kernel-2 fault replays: the model
 * still refuses the DMA, but with another reason than the hardware's.
 */
static void conformance_test_fault_reason(struct kunit *test)
{
	static const char *const needles[] = { " k2-adopted: ", "DMAR fault",
					       "context entry not present", NULL };
	struct conft_tamper t = { .tag = "k2-adopted", .dev = CONFT_U,
				  .what = CONFT_NO_CONTEXT };

	conft_expect_tampered(test, "legacy", &t, needles, 1);
}

/* The page after A's window mapped in k3: the refusal check must notice. */
static void conformance_test_mapped_next(struct kunit *test)
{
	static const char *const needles[] = { " k3: ", CONFT_A, "refused just outside",
					       "0x1004000", NULL };
	struct conft_tamper t = { .tag = "k3", .dev = CONFT_A, .what = CONFT_MAP_NEXT };

	conft_expect_tampered(test, "legacy", &t, needles, 1);
}

/* The legacy capture replayed as scalable mode fails its mode check. */
static void conformance_test_wrong_mode(struct kunit *test)
{
	static const char *const needles[] = { "scalable", NULL };
	struct conformance_log *log = conft_load(test, "legacy");
	struct conformance_counts c;

	if (!log)
		return;
	KUNIT_EXPECT_NE(test, conft_run(test, log, true, NULL, &c, needles), 0);
	KUNIT_EXPECT_GE(test, c.failed, 1U);
	conformance_free(log);
}

/* ---- a hand-written log: what the parser takes, and what it reports ---- */

static const char conft_head[] =
	"Linux version 7.3.0 (test)\n"
	"DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap d2008c22260206 ecap f00f4a\n";
static const char conft_head_sm[] =
	"Linux version 7.3.0 (test)\n"
	"DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap d2008c22260206 ecap 480080f00f4a\n";
static const char conft_edu[] =
	"lu-edu: 0000:00:03.0: kernel 1: own domain, iova 0x1000000 -> 0x2000000, DMA ok (0)\n";
static const char conft_edu_elsewhere[] =
	"lu-edu: 0000:00:03.0: kernel 1: own domain, iova 0x1000000 -> 0x2001000, DMA ok (0)\n";
static const char conft_dump[] =
	"lu-dump k1 edu: 0000:00:03.0 rid=0x0018 iova=0x1000000 buf=0x2000000 incoming=none domain=own preserved=0\n"
	"lu-dump k1 dmar: IOMMU dmar0: Root Table Address: 0x100000\n"
	"lu-dump k1 dmar: B.D.F\tRoot_entry\t\t\t\tContext_entry\t\t\t\tPASID\tPASID_table_entry\n"
	"lu-dump k1 dmar: 00:03.0\t0x0000000000000000:0x0000000000101001\t0x0000000000000201:0x0000000000102001\t-1    \t0x0000000000000000:0x0000000000000000:0x0000000000000000\n"
	"lu-dump k1 dmar:\n"
	"lu-dump k1 pt 0000:00:03.0: Device 0000:00:03.0 @0x102000\n";
static const char conft_dump_sm[] =
	"lu-dump k1 edu: 0000:00:03.0 rid=0x0018 iova=0x1000000 buf=0x2000000 incoming=none domain=own preserved=0\n"
	"lu-dump k1 dmar: IOMMU dmar0: Root Table Address: 0x100000\n"
	"lu-dump k1 dmar: 00:03.0\t0x0000000000000000:0x0000000000101001\t0x0000000000000000:0x0000000000106401\t0     \t0x0000000000000000:0x0000000000000005:0x0000000000102085\n"
	"lu-dump k1 pt 0000:00:03.0: Device 0000:00:03.0 with pasid 0 @0x102000\n";
static const char conft_walks[] =
	"lu-dump k1 pt 0000:00:03.0: IOVA_PFN         \tPML5E             \tPML4E             \tPDPE              \tPDE               \tPTE\n"
	"lu-dump k1 pt 0000:00:03.0: 0x0000000001000 |\t0x0000000000000000\t0x0000000000000000\t0x0000000000103403\t0x0000000000104403\t0x0000000002000003\n"
	"lu-dump k1 pt 0000:00:03.0: 0x0000000001001 |\t0x0000000000000000\t0x0000000000000000\t0x0000000000103403\t0x0000000000104403\t0x0000000002001003\n"
	"lu-dump k1 pt 0000:00:03.0: 0x0000000001002 |\t"
	"0x0000000000000000\t0x0000000000000000\t0x0000000000103403\t0x0000000000104403\t"
	"0x0000000002002003\n";
static const char conft_page3[] =
	"lu-dump k1 pt 0000:00:03.0: 0x0000000001003 |\t"
	"0x0000000000000000\t0x0000000000000000\t0x0000000000103403\t0x0000000000104403\t"
	"0x0000000002003003\n";
/* Page 3 under another page directory than pages 0-2: the PDE disagrees. */
static const char conft_page3_other[] =
	"lu-dump k1 pt 0000:00:03.0: 0x0000000001003 |\t"
	"0x0000000000000000\t0x0000000000000000\t0x0000000000103403\t0x0000000000105403\t"
	"0x0000000002003003\n";
#define CONFT_FAULT \
	"DMAR: [DMA Read NO_PASID] Request device [0000:00:04.0] fault addr 0x5000 [fault reason 0x02]\n"
/*
 * Scalable mode: a context fault is reported without PASID, a fault of the
 * second-level walk with the RID_PASID (as Linux printed them on QEMU 7.2:
 * the first on an earlier run, where a device behind a PCIe-to-PCI bridge
 * had no context entry, the second in tests/golden/conformance-scalable.log).
 */
#define CONFT_FAULT_SM_CTX "DMAR: [DMA Read NO_PASID] Request device [0000:00:04.0] fault addr 0x1200000 [fault reason 0x02] Present bit in context entry is clear\n"
#define CONFT_FAULT_SM_WALK "DMAR: [DMA Write PASID 0x0] Request device [0000:00:03.0] fault addr 0x1004000 [fault reason 0x05] PTE Write access is not set\n"

/* Replay the concatenation of the NULL-terminated pieces. */
static int conft_text(struct kunit *test, bool scalable, struct conformance_counts *c,
		      const char *const *needles, ...)
{
	struct conformance_log *log;
	const char *piece;
	size_t len = 0;
	va_list args;
	char *text;
	int ret;

	va_start(args, needles);
	while ((piece = va_arg(args, const char *)))
		len += strlen(piece);
	va_end(args);
	text = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, text);
	va_start(args, needles);
	while ((piece = va_arg(args, const char *)))
		strcat(text, piece);
	va_end(args);

	log = conformance_parse(text, len);
	KUNIT_ASSERT_NOT_NULL(test, log);
	ret = conft_run(test, log, scalable, NULL, c, needles);
	conformance_free(log);
	return ret;
}

/* One device, one fault of a device without a context entry: all replayed. */
static void conformance_test_minimal(struct kunit *test)
{
	struct conformance_counts c;

	KUNIT_EXPECT_EQ(test, conft_text(test, false, &c, NULL, conft_head, conft_edu, conft_dump,
					 conft_walks, conft_page3, CONFT_FAULT, NULL), 0);
	KUNIT_EXPECT_EQ(test, c.replays, 1U);
	KUNIT_EXPECT_EQ(test, c.dma, 1U);
	KUNIT_EXPECT_EQ(test, c.faults, 1U);
	KUNIT_EXPECT_EQ(test, c.refusals, 3U);	/* the window, 00:00.0, bus 01 */
	KUNIT_EXPECT_EQ(test, c.failed, 0U);
	KUNIT_EXPECT_EQ(test, c.skipped, 0U);
	KUNIT_EXPECT_EQ(test, c.derived, 0U);
}

/* The hardware reached another buffer than the tables say. */
static void conformance_test_wrong_buffer(struct kunit *test)
{
	static const char *const needles[] = { "hardware -> 0x2001000", "-> 0x2000000", NULL };
	struct conformance_counts c;

	KUNIT_EXPECT_EQ(test, conft_text(test, false, &c, needles, conft_head, conft_edu_elsewhere,
					 conft_dump, conft_walks, conft_page3, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, c.failed, 1U);
}

/* Two walk lines disagree about one page-directory entry. */
static void conformance_test_disagreeing_lines(struct kunit *test)
{
	static const char *const needles[] = { "two lines disagree", "104403", "105403",
					       NULL };
	static const char *const any[] = { "legacy k1: ", NULL };
	struct conformance_counts c;

	/* The walk of page 3 now leads elsewhere: the window check fails too. */
	KUNIT_EXPECT_EQ(test, conft_text(test, false, &c, any, conft_head, conft_edu, conft_dump,
					 conft_walks, conft_page3_other, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, c.failed, 2U);
	KUNIT_EXPECT_EQ(test, conft_text(test, false, &c, needles, conft_head, conft_dump,
					 conft_walks, conft_page3_other, CONFT_FAULT, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, c.failed, 1U);
}

/* Scalable mode: the fault record says PASID for a walk fault only. */
static void conformance_test_scalable_pasid(struct kunit *test)
{
	struct conformance_counts c;

	KUNIT_EXPECT_EQ(test, conft_text(test, true, &c, NULL, conft_head_sm, conft_edu,
					 conft_dump_sm, conft_walks, conft_page3,
					 CONFT_FAULT_SM_CTX, CONFT_FAULT_SM_WALK, NULL), 0);
	KUNIT_EXPECT_EQ(test, c.dma, 1U);
	KUNIT_EXPECT_EQ(test, c.faults, 2U);
	KUNIT_EXPECT_EQ(test, c.failed, 0U);
}

/* Nothing to replay is not a pass. */
static void conformance_test_empty(struct kunit *test)
{
	static const char *const needles[] = { "something to replay", NULL };
	struct conformance_counts c;

	KUNIT_EXPECT_EQ(test, conft_text(test, false, &c, needles, conft_head,
					 "lu-edu: kernel 1: nothing\n", NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, c.failed, 1U);
	KUNIT_EXPECT_EQ(test, c.dma, 0U);
}

static struct kunit_case conformance_test_cases[] = {
	KUNIT_CASE(conformance_test_legacy),
	KUNIT_CASE(conformance_test_scalable),
	KUNIT_CASE(conformance_test_moved_pte),
	KUNIT_CASE(conformance_test_no_write),
	KUNIT_CASE(conformance_test_fault_reason),
	KUNIT_CASE(conformance_test_mapped_next),
	KUNIT_CASE(conformance_test_wrong_mode),
	KUNIT_CASE(conformance_test_minimal),
	KUNIT_CASE(conformance_test_wrong_buffer),
	KUNIT_CASE(conformance_test_disagreeing_lines),
	KUNIT_CASE(conformance_test_scalable_pasid),
	KUNIT_CASE(conformance_test_empty),
	{}
};

static struct kunit_suite conformance_test_suite = {
	.name = "iommu_lu_conformance",
	.test_cases = conformance_test_cases,
};

kunit_test_suite(conformance_test_suite);
