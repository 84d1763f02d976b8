/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: CUSTOM.
 *
 * linux/slab.h and linux/gfp_types.h over malloc, with every live object
 * kept in one arena so a simulated kexec can drop all objects of the old
 * kernel at once (shim_slab_free_all()). kmalloc(0) returns ZERO_SIZE_PTR as
 * in the kernel. Objects are not physical memory: virt_to_phys() of one
 * aborts; use the page allocator (mm.h) for anything handed to hardware.
 *
 * Failure injection: set shim_fail_alloc_nth to N and the Nth allocation
 * from then on fails (1 = the next one); it then turns itself off (0).
 * kmalloc-family and page allocations (mm.h, physmem) count alike;
 * shim_alloc_calls counts them all. Thread-safe.
 *
 * Stop points: when shim_alloc_hook is set, every kmalloc-family allocation
 * calls it first, before the arena's lock is taken, so a test can pause the
 * thread or longjmp() out of it there (a CPU stopped at that instant). Page
 * allocations do not: the models make them under their own locks.
 */
#ifndef _SHIM_SLAB_H
#define _SHIM_SLAB_H

#include "shim_types.h"

#define ___GFP_KERNEL		0x01u
#define ___GFP_ATOMIC		0x02u
#define ___GFP_NOWAIT		0x04u
#define __GFP_ZERO		0x100u
#define __GFP_NOWARN		0x200u
#define __GFP_ACCOUNT		0x400u
#define __GFP_NORETRY		0x800u
#define __GFP_RETRY_MAYFAIL	0x1000u
#define __GFP_NOFAIL		0x2000u
#define GFP_KERNEL		___GFP_KERNEL
#define GFP_ATOMIC		___GFP_ATOMIC
#define GFP_NOWAIT		___GFP_NOWAIT
#define GFP_KERNEL_ACCOUNT	(GFP_KERNEL | __GFP_ACCOUNT)

#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(x)	((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

void *kmalloc(size_t size, gfp_t flags);
void *krealloc(const void *p, size_t new_size, gfp_t flags);
void kfree(const void *objp);
char *kstrdup(const char *s, gfp_t gfp);
void *kmemdup(const void *src, size_t len, gfp_t gfp);
char *kasprintf(gfp_t gfp, const char *fmt, ...) __printf(2, 3);

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return kmalloc(bytes, flags);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}

static inline void *krealloc_array(void *p, size_t new_n, size_t new_size,
				   gfp_t flags)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(new_n, new_size, &bytes)))
		return NULL;
	return krealloc(p, bytes, flags);
}

#define kvmalloc(size, flags)		kmalloc(size, flags)
#define kvzalloc(size, flags)		kzalloc(size, flags)
#define kvcalloc(n, size, flags)	kcalloc(n, size, flags)
#define kvmalloc_array(n, size, flags)	kmalloc_array(n, size, flags)
#define kvfree(p)			kfree(p)
#define kfree_sensitive(p)		kfree(p)

/* Typed allocation helpers of Linux 7.x (slab.h, gfp.h). */
#define __default_gfp(a, b, ...)	b
#define default_gfp(...)		__default_gfp(, ##__VA_ARGS__, GFP_KERNEL)

#define __alloc_objs(KMALLOC, GFP, TYPE, COUNT) ({			\
	const size_t __obj_size = size_mul(sizeof(TYPE), COUNT);	\
	(TYPE *)KMALLOC(__obj_size, GFP);				\
})
#define __alloc_flex(KMALLOC, GFP, TYPE, FAM, COUNT) ({			\
	const size_t __count = (COUNT);					\
	const size_t __obj_size = struct_size_t(TYPE, FAM, __count);	\
	(TYPE *)KMALLOC(__obj_size, GFP);				\
})

#define kmalloc_obj(P, ...) \
	__alloc_objs(kmalloc, default_gfp(__VA_ARGS__), typeof(P), 1)
#define kmalloc_objs(P, COUNT, ...) \
	__alloc_objs(kmalloc, default_gfp(__VA_ARGS__), typeof(P), COUNT)
#define kmalloc_flex(P, FAM, COUNT, ...) \
	__alloc_flex(kmalloc, default_gfp(__VA_ARGS__), typeof(P), FAM, COUNT)
#define kzalloc_obj(P, ...) \
	__alloc_objs(kzalloc, default_gfp(__VA_ARGS__), typeof(P), 1)
#define kzalloc_objs(P, COUNT, ...) \
	__alloc_objs(kzalloc, default_gfp(__VA_ARGS__), typeof(P), COUNT)
#define kzalloc_flex(P, FAM, COUNT, ...) \
	__alloc_flex(kzalloc, default_gfp(__VA_ARGS__), typeof(P), FAM, COUNT)
#define kvmalloc_obj(P, ...)		kmalloc_obj(P, ##__VA_ARGS__)
#define kvmalloc_objs(P, COUNT, ...)	kmalloc_objs(P, COUNT, ##__VA_ARGS__)
#define kvmalloc_flex(P, FAM, COUNT, ...) kmalloc_flex(P, FAM, COUNT, ##__VA_ARGS__)
#define kvzalloc_obj(P, ...)		kzalloc_obj(P, ##__VA_ARGS__)
#define kvzalloc_objs(P, COUNT, ...)	kzalloc_objs(P, COUNT, ##__VA_ARGS__)
#define kvzalloc_flex(P, FAM, COUNT, ...) kzalloc_flex(P, FAM, COUNT, ##__VA_ARGS__)

/* Test API. */
extern int shim_fail_alloc_nth;
extern unsigned long shim_alloc_calls;
extern void (*shim_alloc_hook)(void);

/* Free every live kmalloc-family object (the old kernel's heap). */
void shim_slab_free_all(void);
/* Number of live kmalloc-family objects. */
size_t shim_slab_live(void);
/*
 * Count one allocation and consume the injection knob; true: this one must
 * fail. For allocators outside slab.c (the page allocator of physmem).
 */
bool shim_alloc_should_fail(void);

/* lib/bitmap.c's allocators (kind: DUPLICATE, over the tracked slab). */
static inline unsigned long *bitmap_zalloc(unsigned int nbits, gfp_t flags)
{
	return kcalloc(DIV_ROUND_UP(nbits, BITS_PER_LONG), sizeof(unsigned long),
		       flags);
}

static inline void bitmap_free(const unsigned long *bitmap)
{
	kfree(bitmap);
}

#endif /* _SHIM_SLAB_H */
