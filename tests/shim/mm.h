/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: CUSTOM.
 *
 * linux/mm.h, linux/gfp.h, asm/io.h address translation and the page
 * allocator, over the simulated physical memory of tests/model/physmem.c.
 * struct page is opaque. phys_to_virt(), virt_to_phys() and pfn_to_page()
 * abort when given an address outside simulated memory (such as a kmalloc
 * object), where the kernel would silently compute garbage. Pages from
 * alloc_pages() without __GFP_ZERO are filled with PHYSMEM_POISON, as the
 * kernel leaves them uninitialised.
 */
#ifndef _SHIM_MM_H
#define _SHIM_MM_H

#include "shim_types.h"
#include "bitops.h"
#include "slab.h"

#define MAX_PAGE_ORDER	10

struct page;
struct folio;

struct page *pfn_to_page(unsigned long pfn);
unsigned long page_to_pfn(const struct page *page);
void *page_address(const struct page *page);
bool pfn_valid(unsigned long pfn);
void *phys_to_virt(phys_addr_t address);
phys_addr_t virt_to_phys(const volatile void *address);

#define page_to_phys(page)	PFN_PHYS(page_to_pfn(page))
#define phys_to_page(phys)	pfn_to_page(PHYS_PFN(phys))
#define page_to_virt(page)	page_address(page)
#define __pa(x)			virt_to_phys((const void *)(x))
#define __va(x)			phys_to_virt((phys_addr_t)(x))
#define virt_to_page(addr)	pfn_to_page(PHYS_PFN(virt_to_phys(addr)))
#define virt_to_pfn(addr)	PHYS_PFN(virt_to_phys(addr))

static inline int get_order(unsigned long size)
{
	size--;
	size >>= PAGE_SHIFT;
	return fls64(size);
}

struct page *alloc_pages(gfp_t gfp, unsigned int order);
void __free_pages(struct page *page, unsigned int order);
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
unsigned long get_zeroed_page(gfp_t gfp);
void free_pages(unsigned long addr, unsigned int order);

#define alloc_page(gfp)			alloc_pages(gfp, 0)
#define __free_page(page)		__free_pages(page, 0)
#define __get_free_page(gfp)		__get_free_pages(gfp, 0)
#define free_page(addr)			free_pages(addr, 0)

/* asm/cacheflush.h: nothing to flush; counted for the tests. */
extern unsigned long shim_clflush_calls;
void clflush_cache_range(void *addr, unsigned int size);

#endif /* _SHIM_MM_H */
