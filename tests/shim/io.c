// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace shim, kind: CUSTOM. MMIO dispatch to registered regions; see
 * io.h.
 */
#include "io.h"

struct mmio_region {
	struct mmio_region *next;
	u8 *base;
	size_t len, maplen;
	const struct shim_mmio_ops *ops;
	void *ctx;
};

static pthread_mutex_t mmio_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mmio_region *mmio_regions;

void __iomem *shim_mmio_register(size_t len, const struct shim_mmio_ops *ops,
				 void *ctx)
{
	struct mmio_region *r = calloc(1, sizeof(*r));
	void *base;

	if (!r || !len)
		abort();
	r->maplen = ALIGN(len, PAGE_SIZE);
	base = mmap(NULL, r->maplen, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		abort();
	r->base = base;
	r->len = len;
	r->ops = ops;
	r->ctx = ctx;
	pthread_mutex_lock(&mmio_lock);
	r->next = mmio_regions;
	mmio_regions = r;
	pthread_mutex_unlock(&mmio_lock);
	return base;
}

void shim_mmio_unregister(void __iomem *base)
{
	struct mmio_region **pp, *r = NULL;

	pthread_mutex_lock(&mmio_lock);
	for (pp = &mmio_regions; *pp; pp = &(*pp)->next) {
		if ((*pp)->base == (u8 *)base) {
			r = *pp;
			*pp = r->next;
			break;
		}
	}
	pthread_mutex_unlock(&mmio_lock);
	if (!r) {
		fprintf(stderr, "shim mmio: unregister of unknown base %p\n", base);
		abort();
	}
	munmap(r->base, r->maplen);
	free(r);
}

/* Find the region of an access; the callbacks run without the lock. */
static struct mmio_region *mmio_find(const volatile void *addr,
				     unsigned int size, u64 *off,
				     const char *dir)
{
	const u8 *p = (const u8 *)addr;
	struct mmio_region *r;

	pthread_mutex_lock(&mmio_lock);
	for (r = mmio_regions; r; r = r->next)
		if (p >= r->base && p < r->base + r->len)
			break;
	pthread_mutex_unlock(&mmio_lock);
	if (!r) {
		fprintf(stderr, "shim mmio: %u-byte %s at %p: no MMIO region there\n",
			size, dir, (const void *)p);
		abort();
	}
	*off = (u64)(p - r->base);
	if (*off + size > r->len || *off % size) {
		fprintf(stderr,
			"shim mmio: %u-byte %s at offset 0x%llx of a 0x%zx-byte region: %s\n",
			size, dir, (unsigned long long)*off, r->len,
			*off % size ? "misaligned" : "past the end");
		abort();
	}
	return r;
}

u64 shim_mmio_read(const volatile void __iomem *addr, unsigned int size)
{
	struct mmio_region *r;
	u64 off;

	r = mmio_find(addr, size, &off, "read");
	return r->ops->read(r->ctx, off, size);
}

void shim_mmio_write(volatile void __iomem *addr, u64 val, unsigned int size)
{
	struct mmio_region *r;
	u64 off;

	r = mmio_find(addr, size, &off, "write");
	r->ops->write(r->ctx, off, val, size);
}
