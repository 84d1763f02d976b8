/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test model, kind: CUSTOM. Simulated physical memory.
 *
 * One mmap'd range stands for RAM at [PHYSMEM_BASE, PHYSMEM_BASE + size),
 * with a page allocator over it. The first PHYSMEM_SCRATCH_SIZE bytes are
 * the KHO scratch area: the ordinary allocator never hands them out,
 * physmem_alloc_scratch_page() does. Allocated pages are zeroed, freed pages
 * are filled with PHYSMEM_POISON, so stale reads are recognisable.
 *
 * Simulated kexec (physmem_kexec()): every page in use that the predicate
 * does not preserve is poisoned and freed; preserved pages keep their
 * contents and wait, in state PHYSMEM_PAGE_AWAITING_RESTORE, for the next
 * kernel to restore them (physmem_page_restored()); they count as in use.
 *
 * Misuse (double free, freeing a page that awaits restore, an address
 * outside memory where a valid one is required) aborts with a message.
 * Allocations count toward shim_fail_alloc_nth (slab.h). Thread-safe.
 */
#ifndef _MODEL_PHYSMEM_H
#define _MODEL_PHYSMEM_H

#include "shim_types.h"

#define PHYSMEM_BASE		0x40000000ULL
#define PHYSMEM_DEFAULT_SIZE	SZ_128M
#define PHYSMEM_SCRATCH_SIZE	SZ_8M
#define PHYSMEM_POISON		0x6b

enum physmem_page_state {
	PHYSMEM_PAGE_INVALID = 0,	/* not a page of simulated memory */
	PHYSMEM_PAGE_FREE,
	PHYSMEM_PAGE_USED,
	PHYSMEM_PAGE_AWAITING_RESTORE,	/* preserved across the last kexec */
};

struct page;

/*
 * Map @bytes (0: PHYSMEM_DEFAULT_SIZE) of memory, all free. Calling it again
 * with 0 or the current size is a no-op; another size returns -EBUSY.
 * Returns -EINVAL for a size that is not a page multiple above the scratch
 * area, -ENOMEM if the mapping fails.
 */
int physmem_init(size_t bytes);
/* Unmap everything; physmem_init() may be called again. */
void physmem_fini(void);
/* Cold boot: every page free and poisoned. */
void physmem_reset(void);
size_t physmem_size(void);

void *physmem_va(u64 phys);			/* NULL if outside */
u64 physmem_pa(const void *va);			/* 0 if outside */
bool physmem_valid(u64 phys, size_t len);

u64 physmem_alloc_page(void);			/* 0 on failure */
u64 physmem_alloc_pages(unsigned int order);	/* naturally aligned */
u64 physmem_alloc_scratch_page(void);
/*
 * Test hook: allocate the page at @phys (zeroed), for tests that must place
 * content at a given address (a fuzzed handover). False when @phys is not a
 * free, page-aligned page outside the scratch area. Not counted by the
 * allocation failure injection.
 */
bool physmem_claim_page(u64 phys);
void physmem_free_page(u64 phys);
void physmem_free_pages(u64 phys, unsigned int order);
/* Order @phys was allocated with, if it heads an allocation (else 0). */
unsigned int physmem_page_order(u64 phys);

bool physmem_page_in_use(u64 phys);		/* used or awaiting restore */
size_t physmem_pages_in_use(void);
enum physmem_page_state physmem_page_state(u64 phys);

void physmem_kexec(bool (*preserved)(u64 phys, void *ctx), void *ctx);
/* Awaiting restore -> an ordinary allocated page (KHO restore). */
void physmem_page_restored(u64 phys);

/* struct page of a page of simulated memory, and back (mm.h shim). */
struct page *physmem_page(u64 phys);		/* NULL if outside */
u64 physmem_page_phys(const struct page *page);

#endif /* _MODEL_PHYSMEM_H */
