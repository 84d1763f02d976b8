/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test model, kind: CUSTOM. Kexec HandOver (KHO) as in Linux 7.3.
 *
 * Implements the KHO functions of linux/kexec_handover.h (declared by the
 * shim, tests/shim/kexec_handover.h) over simulated memory (physmem.h),
 * faithful to kernel/liveupdate/kexec_handover.c:
 *
 * - Preservations are keys (phys, order). kho_preserve_pages() splits
 *   [pfn, pfn + nr) into naturally aligned power-of-two blocks exactly like
 *   __kho_preserve_pages_order() and sets one key per block;
 *   kho_unpreserve_pages() computes the same blocks and clears their keys.
 *   kho_alloc_preserve() preserves one key of the allocation's order.
 * - As with KEXEC_HANDOVER_DEBUG, preserving anything that overlaps the
 *   scratch area WARNs and returns -EINVAL.
 * - kho_restore_pages() succeeds only if each block it computes was an
 *   incoming key of that order; it consumes the keys one by one and, at the
 *   first that was not, WARNs and returns NULL (earlier blocks stay
 *   restored, as in the kernel).
 * - kho_retrieve_subtree() sees the subtrees of the previous kernel, only in
 *   a KHO boot (-ENOENT otherwise).
 *
 * What the kernel tolerates but this project promises never to do is
 * counted: preserving a page that is already preserved (same key again, or
 * an overlapping one) bumps kho_model.double_preserves; unpreserving a block
 * that is not a key bumps kho_model.bad_unpreserves. A preserved page that
 * was freed before the kexec WARNs and is not handed over. Using KHO while
 * kho_model.enabled is false WARNs and fails with -EINVAL (the kernel's tree
 * does not exist then).
 *
 * Failure injection: kho_model_fail_nth = N makes the Nth fallible KHO call
 * from now on (preserve_pages, alloc_preserve, add_subtree,
 * retrieve_subtree, restore_pages) fail with -ENOMEM / NULL, once.
 * kho_model_calls counts every KHO call but kho_is_enabled()/is_kho_boot().
 * Every call is logged (kho_model_log()). Thread-safe.
 *
 * Stop points: when kho_model_hook is set, every counted KHO call calls it
 * with its &enum kho_model_op first, before the model's lock is taken, so a
 * test can pause the thread or longjmp() out of it there.
 */
#ifndef _MODEL_KHO_H
#define _MODEL_KHO_H

#include "shim_types.h"

enum kho_model_op {
	KHO_OP_PRESERVE_PAGES = 1,	/* phys, nr pages */
	KHO_OP_UNPRESERVE_PAGES,	/* phys, nr pages; ret -ENOENT if bad */
	KHO_OP_ALLOC_PRESERVE,		/* phys (0 on error), nr pages */
	KHO_OP_UNPRESERVE_FREE,		/* phys, nr pages; ret -ENOENT if bad */
	KHO_OP_RESTORE_PAGES,		/* phys, nr pages; ret -ENOENT if refused */
	KHO_OP_RESTORE_FREE,		/* phys, nr pages; ret -ENOENT if refused */
	KHO_OP_ADD_SUBTREE,		/* blob phys, nr = size */
	KHO_OP_REMOVE_SUBTREE,		/* blob phys; ret -ENOENT if unknown */
	KHO_OP_RETRIEVE_SUBTREE,	/* found phys, nr = size */
};

struct kho_call {
	int op;			/* enum kho_model_op */
	u64 phys;
	unsigned long nr;
	int ret;		/* 0 or -errno; for pointer returns too */
};

struct kho_model_state {
	bool enabled;			/* kho_is_enabled(); default true */
	unsigned long double_preserves;
	unsigned long bad_unpreserves;
};

extern struct kho_model_state kho_model;
extern int kho_model_fail_nth;
extern unsigned long kho_model_calls;
extern void (*kho_model_hook)(int op);

/* The call log; valid until the next KHO call or kho_model_log_clear(). */
const struct kho_call *kho_model_log(size_t *n);
void kho_model_log_clear(void);

/* Outgoing state (what the next kexec hands over). */
bool kho_model_preserved(u64 phys);	/* the 4 KiB page is in some key */
size_t kho_model_nr_preserved_pages(void);
void kho_model_for_each_preserved(void (*fn)(u64 phys, unsigned int order,
					     void *data),
				  void *data);

/* Incoming state: pages handed over and not restored yet. */
size_t kho_model_nr_incoming_pages(void);

/*
 * Simulated kexec: the outgoing keys and subtrees become the incoming ones
 * (is_kho_boot() is true afterwards), physmem_kexec() keeps exactly the
 * preserved pages, and the outgoing state starts empty. Leftover incoming
 * state of the previous boot is dropped. The slab arena is not touched
 * (shim_slab_free_all()).
 */
void kho_model_kexec(void);

/*
 * Cold boot of the model: no incoming or outgoing state, counters, knobs and
 * log zeroed, enabled again. Memory is not touched: pair it with
 * physmem_reset().
 */
void kho_model_reset(void);

#endif /* _MODEL_KHO_H */
