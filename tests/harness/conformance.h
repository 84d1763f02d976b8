/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace harness, kind: CUSTOM: replay what a QEMU guest's VT-d did on
 * the VT-d model (conformance test, issue 4).
 */

/**
 * DOC: conformance replay
 *
 * tests/model/vtd.c is written from the VT-d specification and QEMU 7.2's
 * intel-iommu; this checks it against the real thing. The input is the
 * serial log of the live-update scenario (scripts/check-liveupdate.sh,
 * tests/kernel/init-liveupdate.sh), or the part of it the committed
 * captures keep (tests/golden/conformance-*.log):
 *
 * - dumps, one per TAG (k1-start, k1, k2-adopted, k2, k3-adopted, k3), of
 *   the Intel driver's debugfs: ``lu-dump TAG dmar:`` lines
 *   (dmar_translation_struct: the root table address, then per present
 *   context entry its root entry, context entry and, in scalable mode, the
 *   PASID table entry of its PASID), ``lu-dump TAG pt DEVICE:`` lines
 *   (DEVICE's domain_translation_struct: the page-table root, then one line
 *   per present leaf with the entry of every level on the way), the test
 *   driver's ``lu-dump TAG edu:`` lines (requester id, IOVA window, buffer,
 *   whether it owns a domain or runs on adopted tables) and the framework's
 *   ``lu-dump TAG devices:`` lines (every DMA alias of a device; the last
 *   one is the requester id QEMU puts on the device's DMA);
 * - what the hardware did: the edu driver's ``lu-edu:`` lines (a DMA through
 *   a 4-page IOVA window reached its buffer, or moved no data) and the
 *   driver's ``DMAR: [DMA Read|Write ...]`` fault reports;
 * - the unit's CAP and ECAP (``DMAR: dmar0: reg_base_addr ... cap ... ecap``),
 *   from which the model is configured (QEMU 7.2's defaults if absent).
 *
 * For each dump an observation needs, the translation structures are
 * rebuilt in the model's physical memory: root entries at the printed root
 * table, context entries at their table + index, in scalable mode the PASID
 * table entry (its PASID directory entry, which debugfs does not print, is
 * made present and pointing at it), and every page-table entry of every
 * walk line at (table from its parent entry) + index(IOVA, level) * 8. Guest
 * pages are relocated page by page into the model's memory (which starts at
 * PHYSMEM_BASE): each pointer to a table is rewritten, nothing else; leaf
 * entries keep their guest output addresses, which are what the model must
 * return. Two lines that disagree about one entry, a page-table root that
 * is not the context's, or a walk whose depth is not the context's AW are
 * reported. The model is then programmed like a driver would (RTADDR with
 * SMT in scalable mode, SRTP, TE) and asked to translate.
 *
 * Which dump an observation is replayed on (its device's state at the time,
 * per the edu lines):
 *
 * - "own domain ... DMA ok" (kernel N): every later dump of kernel N in which
 *   the device still owns its domain;
 * - "new domain attached ... ok": the next dump of kernel N;
 * - "DMA through iova ... ok": the next dump of kernel N if the device owns
 *   a domain there, else (adopted) as below;
 * - "DMA through preserved iova ... ok", "in-flight DMA landed": the last dump
 *   of kernel N - 1: an adopted device runs on the tables it left;
 * - a DMAR fault, "DMA to old iova ...: no data moved" (or "DATA MOVED"):
 *   the last dump of kernel N before it (else the first after).
 *
 * Linux 7.3 hides context entries a kdump or live-update kernel marked
 * copied, and the bus walk of dmar_translation_struct stops at the first
 * one: entries after it on that bus are missing. A device whose entry is
 * missing but whose domain_translation_struct printed a root (which it only
 * does for a present, translating context) gets a context entry derived
 * from it, reported with a "#" line: present, that root, AW from its walk
 * (or the only AGAW CAP.SAGAW allows), a domain id of its own; in scalable
 * mode with a PASID directory and RID_PASID entry (PGTT second-level) made
 * up to lead there. Anything else that is missing is skipped, with a reason.
 *
 * Checks, one line each (``ok - ...`` / ``not ok - ...``; skips and notes
 * are ``#`` lines): the mode of the dumps is the one asked; each replayed
 * dump was rebuilt consistently; each DMA that worked translates, read and
 * write, page by page (and its last byte) to the observed buffer; each
 * fault faults with the observed reason, and the report Linux 7.3 would
 * decode from the model's fault recording register (dmar_fault(): DMA Read
 * or Write, PASID or NO_PASID, requester id, page address, reason) is the
 * observed DMAR line; a DMA that moved no data is refused; and, per dump, what the
 * model must refuse: the page before and after each window (fault 0x6 on
 * read, 0x5 on write), a function with no context entry on a bus with a
 * root entry (0x2) and a bus with no root entry (0x1).
 *
 * A tamper hook sees each rebuilt dump before the model is enabled, so a
 * test can corrupt one entry (conformance_pte(), conformance_context())
 * and see the mismatch reported.
 */
#ifndef _TESTS_HARNESS_CONFORMANCE_H
#define _TESTS_HARNESS_CONFORMANCE_H

#include "shim_types.h"

struct conformance_log;
struct conformance_replay;

/**
 * enum conformance_line - What a reported line is.
 * @CONFORMANCE_OK: a check that passed ("ok - ...").
 * @CONFORMANCE_NOT_OK: a check that failed ("not ok - ...").
 * @CONFORMANCE_SKIP: an observation that could not be replayed ("# skip - ...").
 * @CONFORMANCE_NOTE: anything else worth saying ("# ...").
 */
enum conformance_line {
	CONFORMANCE_OK,
	CONFORMANCE_NOT_OK,
	CONFORMANCE_SKIP,
	CONFORMANCE_NOTE,
};

/**
 * struct conformance_counts - What conformance_run() did.
 * @passed: checks that passed.
 * @failed: checks that failed.
 * @skipped: observations not replayed.
 * @replays: dumps rebuilt.
 * @dma: observed DMA results replayed (each a check).
 * @faults: observed faults and refused DMAs replayed (each a check).
 * @refusals: negative checks (what the model must refuse).
 * @derived: context entries derived from a page-table dump.
 */
struct conformance_counts {
	unsigned int passed;
	unsigned int failed;
	unsigned int skipped;
	unsigned int replays;
	unsigned int dma;
	unsigned int faults;
	unsigned int refusals;
	unsigned int derived;
};

/**
 * struct conformance_opts - Options of conformance_run().
 * @report: called with each line (without "ok - " etc.); NULL: printed on
 *          stdout with its prefix.
 * @report_ctx: passed to @report.
 * @tamper: called once per rebuilt dump, before the model is enabled.
 * @tamper_ctx: passed to @tamper.
 */
struct conformance_opts {
	void (*report)(void *ctx, enum conformance_line kind, const char *text);
	void *report_ctx;
	void (*tamper)(void *ctx, struct conformance_replay *r, const char *tag);
	void *tamper_ctx;
};

struct conformance_log *conformance_parse(const char *text, size_t len);
struct conformance_log *conformance_load(const char *path);
void conformance_free(struct conformance_log *log);
size_t conformance_nr_dumps(const struct conformance_log *log);
size_t conformance_nr_observations(const struct conformance_log *log);
bool conformance_device(const struct conformance_log *log, const char *name,
			u16 *rid, u64 *iova, u64 *buf);

int conformance_run(const struct conformance_log *log, bool scalable,
		    const struct conformance_opts *opts,
		    struct conformance_counts *counts);

u64 *conformance_context(struct conformance_replay *r, u16 rid);
u64 *conformance_pte(struct conformance_replay *r, u16 rid, u64 iova,
		     unsigned int level);

#endif /* _TESTS_HARNESS_CONFORMANCE_H */
