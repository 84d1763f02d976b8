// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace shim, kind: CUSTOM. The kmalloc arena; see slab.h.
 */
#include "slab.h"
#include "printk.h"
#include "kstring.h"

#define SLAB_MAGIC	0x5ab5ab5ab5ab5ab5ULL

/* Header in front of every object; 32 bytes keep the object 16-aligned. */
struct slab_hdr {
	struct slab_hdr *prev, *next;
	size_t size;
	u64 magic;
};

int shim_fail_alloc_nth;
unsigned long shim_alloc_calls;
void (*shim_alloc_hook)(void);

static pthread_mutex_t slab_lock = PTHREAD_MUTEX_INITIALIZER;
static struct slab_hdr slab_head = { &slab_head, &slab_head, 0, 0 };
static size_t slab_nr_live;

bool shim_alloc_should_fail(void)
{
	int n = __atomic_load_n(&shim_fail_alloc_nth, __ATOMIC_RELAXED);
	unsigned long call;

	call = __atomic_add_fetch(&shim_alloc_calls, 1, __ATOMIC_RELAXED);
	while (n > 0) {
		if (__atomic_compare_exchange_n(&shim_fail_alloc_nth, &n, n - 1,
						false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED)) {
			if (n > 1)
				return false;
			pr_debug("shim: injected failure of allocation #%lu\n", call);
			return true;
		}
	}
	return false;
}

static struct slab_hdr *obj_hdr(const void *objp)
{
	struct slab_hdr *h = (struct slab_hdr *)objp - 1;

	if (h->magic != SLAB_MAGIC) {
		fprintf(stderr, "shim: kfree/krealloc of %p, not a live kmalloc object\n",
			objp);
		abort();
	}
	return h;
}

void *kmalloc(size_t size, gfp_t flags)
{
	void (*hook)(void) = __atomic_load_n(&shim_alloc_hook, __ATOMIC_RELAXED);
	struct slab_hdr *h;

	if (hook)
		hook();
	if (shim_alloc_should_fail())
		return NULL;
	if (!size)
		return ZERO_SIZE_PTR;
	if (size > SIZE_MAX - sizeof(*h))
		return NULL;
	h = malloc(sizeof(*h) + size);
	if (!h)
		return NULL;
	h->size = size;
	h->magic = SLAB_MAGIC;
	if (flags & __GFP_ZERO)
		memset(h + 1, 0, size);

	pthread_mutex_lock(&slab_lock);
	h->next = &slab_head;
	h->prev = slab_head.prev;
	slab_head.prev->next = h;
	slab_head.prev = h;
	slab_nr_live++;
	pthread_mutex_unlock(&slab_lock);
	return h + 1;
}

static void slab_unlink_free(struct slab_hdr *h)
{
	h->prev->next = h->next;
	h->next->prev = h->prev;
	h->magic = 0;
	slab_nr_live--;
	free(h);
}

void kfree(const void *objp)
{
	struct slab_hdr *h;

	if (ZERO_OR_NULL_PTR(objp))
		return;
	h = obj_hdr(objp);
	pthread_mutex_lock(&slab_lock);
	slab_unlink_free(h);
	pthread_mutex_unlock(&slab_lock);
}

void *krealloc(const void *p, size_t new_size, gfp_t flags)
{
	size_t old_size = ZERO_OR_NULL_PTR(p) ? 0 : obj_hdr(p)->size;
	void *n;

	if (!new_size) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	n = kmalloc(new_size, flags & ~__GFP_ZERO);
	if (!n)
		return NULL;
	memcpy(n, ZERO_OR_NULL_PTR(p) ? "" : p, min(old_size, new_size));
	if ((flags & __GFP_ZERO) && new_size > old_size)
		memset((char *)n + old_size, 0, new_size - old_size);
	kfree(p);
	return n;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kmemdup(s, strlen(s) + 1, gfp) : NULL;
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p && len)
		memcpy(p, src, len);
	return p;
}

char *kasprintf(gfp_t gfp, const char *fmt, ...)
{
	va_list args;
	char *p;
	int len;

	va_start(args, fmt);
	len = vsnprintf(NULL, 0, fmt, args);
	va_end(args);
	p = kmalloc((size_t)len + 1, gfp);
	if (!p)
		return NULL;
	va_start(args, fmt);
	vsnprintf(p, (size_t)len + 1, fmt, args);
	va_end(args);
	return p;
}

void shim_slab_free_all(void)
{
	pthread_mutex_lock(&slab_lock);
	while (slab_head.next != &slab_head)
		slab_unlink_free(slab_head.next);
	pthread_mutex_unlock(&slab_lock);
}

size_t shim_slab_live(void)
{
	size_t n;

	pthread_mutex_lock(&slab_lock);
	n = slab_nr_live;
	pthread_mutex_unlock(&slab_lock);
	return n;
}
