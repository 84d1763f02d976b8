// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace shim, kind: CUSTOM. The mm API over tests/model/physmem.c; see
 * mm.h.
 */
#include "mm.h"
#include "printk.h"
#include "model/physmem.h"

unsigned long shim_clflush_calls;

static void __noreturn mm_die(const char *what, unsigned long long val)
{
	fprintf(stderr, "shim mm: %s(0x%llx): not in simulated memory\n", what, val);
	abort();
}

struct page *pfn_to_page(unsigned long pfn)
{
	struct page *page = physmem_page(PFN_PHYS(pfn));

	if (!page)
		mm_die("pfn_to_page", pfn);
	return page;
}

unsigned long page_to_pfn(const struct page *page)
{
	return PHYS_PFN(physmem_page_phys(page));
}

void *page_address(const struct page *page)
{
	return physmem_va(physmem_page_phys(page));
}

bool pfn_valid(unsigned long pfn)
{
	return physmem_valid(PFN_PHYS(pfn), PAGE_SIZE);
}

void *phys_to_virt(phys_addr_t address)
{
	void *va = physmem_va(address);

	if (!va)
		mm_die("phys_to_virt", address);
	return va;
}

phys_addr_t virt_to_phys(const volatile void *address)
{
	u64 pa = physmem_pa((const void *)address);

	if (!pa)
		mm_die("virt_to_phys", (unsigned long long)(uintptr_t)address);
	return pa;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	u64 phys = order <= MAX_PAGE_ORDER ? physmem_alloc_pages(order) : 0;

	if (!phys) {
		if (!(gfp & __GFP_NOWARN))
			pr_warn("page allocation failure: order:%u\n", order);
		return NULL;
	}
	if (!(gfp & __GFP_ZERO))
		memset(physmem_va(phys), PHYSMEM_POISON, PAGE_SIZE << order);
	return physmem_page(phys);
}

void __free_pages(struct page *page, unsigned int order)
{
	physmem_free_pages(physmem_page_phys(page), order);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		physmem_free_pages(virt_to_phys((void *)addr), order);
}

void clflush_cache_range(void *addr, unsigned int size)
{
	(void)addr;
	(void)size;
	__atomic_fetch_add(&shim_clflush_calls, 1, __ATOMIC_RELAXED);
}
