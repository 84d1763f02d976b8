// SPDX-License-Identifier: GPL-2.0
/*
 * Test model, kind: CUSTOM. Simulated physical memory; see physmem.h.
 */
#include "physmem.h"
#include "slab.h"

struct page {
	u8 state;	/* enum physmem_page_state */
	u8 order;	/* on the head page of an allocation */
};

static pthread_mutex_t pm_lock = PTHREAD_MUTEX_INITIALIZER;
static u8 *pm_mem;
static size_t pm_size;
static size_t pm_npages;
static struct page *pm_pages;
static size_t pm_cursor;	/* next-fit hint, in pages */
static size_t pm_scratch_cursor;
static size_t pm_used;

#define SCRATCH_PAGES	(PHYSMEM_SCRATCH_SIZE >> PAGE_SHIFT)

static void __noreturn __printf(1, 2) pm_die(const char *fmt, ...)
{
	va_list args;

	fprintf(stderr, "physmem: ");
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fprintf(stderr, "\n");
	abort();
}

int physmem_init(size_t bytes)
{
	void *mem;

	if (!bytes)
		bytes = PHYSMEM_DEFAULT_SIZE;
	if (pm_mem)
		return bytes == pm_size ? 0 : -EBUSY;
	if (bytes % PAGE_SIZE || bytes <= PHYSMEM_SCRATCH_SIZE)
		return -EINVAL;
	mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return -ENOMEM;
	pm_pages = calloc(bytes >> PAGE_SHIFT, sizeof(*pm_pages));
	if (!pm_pages) {
		munmap(mem, bytes);
		return -ENOMEM;
	}
	pm_mem = mem;
	pm_size = bytes;
	pm_npages = bytes >> PAGE_SHIFT;
	physmem_reset();
	return 0;
}

void physmem_fini(void)
{
	if (!pm_mem)
		return;
	munmap(pm_mem, pm_size);
	free(pm_pages);
	pm_mem = NULL;
	pm_pages = NULL;
	pm_size = 0;
	pm_npages = 0;
}

static void poison(size_t idx, size_t n)
{
	memset(pm_mem + (idx << PAGE_SHIFT), PHYSMEM_POISON, n << PAGE_SHIFT);
}

void physmem_reset(void)
{
	size_t i;

	if (!pm_mem)
		pm_die("used before physmem_init()");
	pthread_mutex_lock(&pm_lock);
	for (i = 0; i < pm_npages; i++)
		pm_pages[i] = (struct page){ .state = PHYSMEM_PAGE_FREE };
	poison(0, pm_npages);
	pm_cursor = SCRATCH_PAGES;
	pm_scratch_cursor = 0;
	pm_used = 0;
	pthread_mutex_unlock(&pm_lock);
}

size_t physmem_size(void)
{
	return pm_size;
}

bool physmem_valid(u64 phys, size_t len)
{
	return pm_mem && phys >= PHYSMEM_BASE &&
	       phys - PHYSMEM_BASE < pm_size &&
	       len <= pm_size - (phys - PHYSMEM_BASE);
}

void *physmem_va(u64 phys)
{
	return physmem_valid(phys, 1) ? pm_mem + (phys - PHYSMEM_BASE) : NULL;
}

u64 physmem_pa(const void *va)
{
	const u8 *p = va;

	if (!pm_mem || p < pm_mem || p >= pm_mem + pm_size)
		return 0;
	return PHYSMEM_BASE + (u64)(p - pm_mem);
}

/* Page index of a page-aligned address inside memory, or die. */
static size_t page_idx(u64 phys, const char *what)
{
	if (!physmem_valid(phys, PAGE_SIZE) || phys % PAGE_SIZE)
		pm_die("%s: 0x%llx is not a page of simulated memory", what,
		       (unsigned long long)phys);
	return (phys - PHYSMEM_BASE) >> PAGE_SHIFT;
}

static bool range_free(size_t idx, size_t n)
{
	size_t i;

	for (i = idx; i < idx + n; i++)
		if (pm_pages[i].state != PHYSMEM_PAGE_FREE)
			return false;
	return true;
}

/* Next fit over [lo, hi) for a naturally aligned block of 1 << order pages. */
static u64 alloc_in(size_t lo, size_t hi, size_t *cursor, unsigned int order)
{
	size_t n = (size_t)1 << order, idx, tries, slots;
	u64 phys = 0;

	if (!pm_mem)
		pm_die("used before physmem_init()");
	if (shim_alloc_should_fail())
		return 0;

	pthread_mutex_lock(&pm_lock);
	lo = ALIGN(lo, n);
	slots = hi > lo ? (hi - lo) / n : 0;
	idx = ALIGN(*cursor, n);
	for (tries = 0; tries < slots; tries++, idx += n) {
		if (idx < lo || idx + n > hi)
			idx = lo;
		if (range_free(idx, n))
			break;
	}
	if (tries < slots) {
		size_t i;

		for (i = idx; i < idx + n; i++)
			pm_pages[i] = (struct page){ .state = PHYSMEM_PAGE_USED };
		pm_pages[idx].order = (u8)order;
		memset(pm_mem + (idx << PAGE_SHIFT), 0, n << PAGE_SHIFT);
		pm_used += n;
		*cursor = idx + n;
		phys = PHYSMEM_BASE + ((u64)idx << PAGE_SHIFT);
	}
	pthread_mutex_unlock(&pm_lock);
	return phys;
}

u64 physmem_alloc_pages(unsigned int order)
{
	return alloc_in(SCRATCH_PAGES, pm_npages, &pm_cursor, order);
}

u64 physmem_alloc_page(void)
{
	return physmem_alloc_pages(0);
}

u64 physmem_alloc_scratch_page(void)
{
	return alloc_in(0, SCRATCH_PAGES, &pm_scratch_cursor, 0);
}

bool physmem_claim_page(u64 phys)
{
	size_t idx;
	bool ok;

	if (!physmem_valid(phys, PAGE_SIZE) || phys % PAGE_SIZE)
		return false;
	idx = (phys - PHYSMEM_BASE) >> PAGE_SHIFT;
	if (idx < SCRATCH_PAGES)
		return false;
	pthread_mutex_lock(&pm_lock);
	ok = pm_pages[idx].state == PHYSMEM_PAGE_FREE;
	if (ok) {
		pm_pages[idx] = (struct page){ .state = PHYSMEM_PAGE_USED };
		memset(pm_mem + (idx << PAGE_SHIFT), 0, PAGE_SIZE);
		pm_used++;
	}
	pthread_mutex_unlock(&pm_lock);
	return ok;
}

void physmem_free_pages(u64 phys, unsigned int order)
{
	size_t idx = page_idx(phys, "free"), n = (size_t)1 << order, i;

	if (idx + n > pm_npages)
		pm_die("free: order %u block at 0x%llx runs past the end", order,
		       (unsigned long long)phys);
	pthread_mutex_lock(&pm_lock);
	for (i = idx; i < idx + n; i++) {
		if (pm_pages[i].state == PHYSMEM_PAGE_FREE)
			pm_die("double free of page 0x%llx",
			       (unsigned long long)(PHYSMEM_BASE + ((u64)i << PAGE_SHIFT)));
		if (pm_pages[i].state == PHYSMEM_PAGE_AWAITING_RESTORE)
			pm_die("free of page 0x%llx, which awaits KHO restore",
			       (unsigned long long)(PHYSMEM_BASE + ((u64)i << PAGE_SHIFT)));
	}
	for (i = idx; i < idx + n; i++)
		pm_pages[i] = (struct page){ .state = PHYSMEM_PAGE_FREE };
	poison(idx, n);
	pm_used -= n;
	pthread_mutex_unlock(&pm_lock);
}

void physmem_free_page(u64 phys)
{
	physmem_free_pages(phys, 0);
}

unsigned int physmem_page_order(u64 phys)
{
	size_t idx = page_idx(phys, "page_order");
	unsigned int order;

	pthread_mutex_lock(&pm_lock);
	order = pm_pages[idx].order;
	pthread_mutex_unlock(&pm_lock);
	return order;
}

enum physmem_page_state physmem_page_state(u64 phys)
{
	enum physmem_page_state state;

	if (!physmem_valid(phys, 1))
		return PHYSMEM_PAGE_INVALID;
	pthread_mutex_lock(&pm_lock);
	state = pm_pages[(phys - PHYSMEM_BASE) >> PAGE_SHIFT].state;
	pthread_mutex_unlock(&pm_lock);
	return state;
}

bool physmem_page_in_use(u64 phys)
{
	enum physmem_page_state state = physmem_page_state(phys);

	return state == PHYSMEM_PAGE_USED ||
	       state == PHYSMEM_PAGE_AWAITING_RESTORE;
}

size_t physmem_pages_in_use(void)
{
	size_t n;

	pthread_mutex_lock(&pm_lock);
	n = pm_used;
	pthread_mutex_unlock(&pm_lock);
	return n;
}

void physmem_kexec(bool (*preserved)(u64 phys, void *ctx), void *ctx)
{
	size_t i;

	if (!pm_mem)
		pm_die("used before physmem_init()");
	pthread_mutex_lock(&pm_lock);
	for (i = 0; i < pm_npages; i++) {
		u64 phys = PHYSMEM_BASE + ((u64)i << PAGE_SHIFT);

		if (pm_pages[i].state == PHYSMEM_PAGE_FREE)
			continue;	/* poisoned when freed */
		if (preserved && preserved(phys, ctx)) {
			pm_pages[i].state = PHYSMEM_PAGE_AWAITING_RESTORE;
			continue;
		}
		pm_pages[i] = (struct page){ .state = PHYSMEM_PAGE_FREE };
		poison(i, 1);
		pm_used--;
	}
	pm_cursor = SCRATCH_PAGES;
	pm_scratch_cursor = 0;
	pthread_mutex_unlock(&pm_lock);
}

void physmem_page_restored(u64 phys)
{
	size_t idx = page_idx(phys, "restore");

	pthread_mutex_lock(&pm_lock);
	if (pm_pages[idx].state != PHYSMEM_PAGE_AWAITING_RESTORE)
		pm_die("restore of page 0x%llx, which does not await restore",
		       (unsigned long long)phys);
	pm_pages[idx].state = PHYSMEM_PAGE_USED;
	pthread_mutex_unlock(&pm_lock);
}

struct page *physmem_page(u64 phys)
{
	if (!physmem_valid(phys, 1))
		return NULL;
	return &pm_pages[(phys - PHYSMEM_BASE) >> PAGE_SHIFT];
}

u64 physmem_page_phys(const struct page *page)
{
	if (!pm_pages || page < pm_pages || page >= pm_pages + pm_npages)
		pm_die("struct page %p is not a page of simulated memory",
		       (const void *)page);
	return PHYSMEM_BASE + ((u64)(page - pm_pages) << PAGE_SHIFT);
}
