/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: DUPLICATE (with a few STUBs).
 *
 * The base of the userspace build: the kernel's basic types, compiler
 * attributes, kconfig test macros, arithmetic and bit helpers, errno and
 * ERR_PTR. Definitions are re-typed from include/linux/{types,compiler*,
 * kconfig,kernel,math,minmax,bits,bitfield,overflow,sizes,err,errno,
 * container_of,build_bug,export,module}.h; section and sparse annotations are
 * STUBs (empty).
 *
 * Every system header the shims need is included here, first, so that no
 * system header is parsed after the kernel-style macros below exist.
 */
#ifndef _SHIM_TYPES_H
#define _SHIM_TYPES_H

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

/* linux/types.h; u64 is unsigned long long as in the kernel (%llx). */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;

typedef u8 __u8;
typedef u16 __u16;
typedef u32 __u32;
typedef u64 __u64;
typedef s8 __s8;
typedef s16 __s16;
typedef s32 __s32;
typedef s64 __s64;

typedef u16 __le16;
typedef u32 __le32;
typedef u64 __le64;
typedef u16 __be16;
typedef u32 __be32;
typedef u64 __be64;

typedef u64 phys_addr_t;
typedef u64 dma_addr_t;
typedef u64 resource_size_t;
typedef unsigned int gfp_t;

typedef int (*cmp_func_t)(const void *a, const void *b);
typedef void (*swap_func_t)(void *a, void *b, int size);

/* compiler_types.h, compiler_attributes.h; sparse annotations are STUBs. */
#define __iomem
#define __user
#define __kernel
#define __force
#define __bitwise
#define __rcu
#define __percpu
#define __must_hold(x)
#define __acquires(x)
#define __releases(x)
#define __cond_acquires(x)

#define __packed		__attribute__((__packed__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __must_check		__attribute__((__warn_unused_result__))
#define __maybe_unused		__attribute__((__unused__))
#define __always_unused		__attribute__((__unused__))
#define __used			__attribute__((__used__))
#define __weak			__attribute__((__weak__))
#define __noreturn		__attribute__((__noreturn__))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __cold			__attribute__((__cold__))
#define noinline		__attribute__((__noinline__))
#ifndef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#endif
#define __counted_by(m)

#if defined(__has_attribute)
#if __has_attribute(__fallthrough__)
#define fallthrough		__attribute__((__fallthrough__))
#endif
#endif
#ifndef fallthrough
#define fallthrough		do {} while (0)	/* fallthrough */
#endif

/* Section annotations (init.h, cache.h): STUBs. */
#define __init
#define __exit
#define __initdata
#define __initconst
#define __exitdata
#define __ref
#define __ro_after_init
#define __read_mostly

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

#define __same_type(a, b)	__builtin_types_compatible_p(typeof(a), typeof(b))

/*
 * build_bug.h: static_assert() with one or two arguments. Do not include
 * <assert.h> after the shims: it redefines static_assert.
 */
#undef static_assert
#define static_assert(expr, ...) __static_assert(expr, ##__VA_ARGS__, #expr)
#define __static_assert(expr, msg, ...) _Static_assert(expr, msg)
#define BUILD_BUG_ON_ZERO(e)	((int)(sizeof(struct { int:(-!!(e)); })))
#define BUILD_BUG_ON_MSG(cond, msg) _Static_assert(!(cond), msg)
#define BUILD_BUG_ON(cond)	BUILD_BUG_ON_MSG(cond, "BUILD_BUG_ON failed: " #cond)
#define __must_be_array(a)	BUILD_BUG_ON_ZERO(__same_type((a), &(a)[0]))

/*
 * rwonce.h and barrier.h. READ_ONCE/WRITE_ONCE mark intended lockless
 * accesses; relaxed atomics keep ThreadSanitizer from reporting them, as
 * KCSAN would not. Scalars only, as in the kernel.
 */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	do { __atomic_store_n(&(x), (val), __ATOMIC_RELAXED); } while (0)
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	do { __atomic_store_n(p, (v), __ATOMIC_RELEASE); } while (0)

#define barrier()		__asm__ __volatile__("" : : : "memory")

#if defined(__SANITIZE_THREAD__)
#define __SHIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define __SHIM_TSAN 1
#endif
#endif

#ifdef __SHIM_TSAN
/* ThreadSanitizer does not model fences: order through one shared word. */
extern unsigned long shim_fence_word;
#define mb()	((void)__atomic_fetch_add(&shim_fence_word, 0, __ATOMIC_SEQ_CST))
#else
#define mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#define rmb()			mb()
#define wmb()			mb()
#define smp_mb()		mb()
#define smp_rmb()		mb()
#define smp_wmb()		mb()
#define dma_rmb()		mb()
#define dma_wmb()		mb()
#define smp_mb__before_atomic()	mb()
#define smp_mb__after_atomic()	mb()

/* kconfig.h: IS_ENABLED(CONFIG_X) works with -DCONFIG_X=1 (DUPLICATE). */
#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x)			___is_defined(x)
#define ___is_defined(val)		____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk)	__take_second_arg(arg1_or_junk 1, 0)
#define __or(x, y)			___or(x, y)
#define ___or(x, y)			____or(__ARG_PLACEHOLDER_##x, y)
#define ____or(arg1_or_junk, y)		__take_second_arg(arg1_or_junk 1, y)
#define IS_BUILTIN(option)		__is_defined(option)
#define IS_MODULE(option)		__is_defined(option##_MODULE)
#define IS_REACHABLE(option)		IS_ENABLED(option)
#define IS_ENABLED(option)		__or(IS_BUILTIN(option), IS_MODULE(option))

/* export.h, module.h: STUBs that still need the trailing ';'. */
#define EXPORT_SYMBOL(sym)		extern typeof(sym) sym
#define EXPORT_SYMBOL_GPL(sym)		extern typeof(sym) sym
#define EXPORT_SYMBOL_NS_GPL(sym, ns)	extern typeof(sym) sym
#define MODULE_LICENSE(x)		extern int __shim_module_info
#define MODULE_DESCRIPTION(x)		extern int __shim_module_info
#define MODULE_AUTHOR(x)		extern int __shim_module_info
#define MODULE_IMPORT_NS(x)		extern int __shim_module_info
#ifndef KBUILD_MODNAME
#define KBUILD_MODNAME			"iommu_lu"
#endif

/* kernel.h, math.h, align.h. */
#define ARRAY_SIZE(arr)	(sizeof(arr) / sizeof((arr)[0]) + __must_be_array(arr))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define __ALIGN_MASK(x, mask)	(((x) + (mask)) & ~(mask))
#define ALIGN(x, a)		__ALIGN_MASK(x, (typeof(x))(a) - 1)
#define ALIGN_DOWN(x, a)	((x) & ~((typeof(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((typeof(x))(a) - 1)) == 0)
#define PTR_ALIGN(p, a)		((typeof(p))ALIGN((unsigned long)(p), (a)))
#define round_up(x, y)		((((x) - 1) | ((typeof(x))((y) - 1))) + 1)
#define round_down(x, y)	((x) & ~((typeof(x))((y) - 1)))
#define lower_32_bits(n)	((u32)((n) & 0xffffffff))
#define upper_32_bits(n)	((u32)(((n) >> 16) >> 16))
#define BITS_PER_BYTE		8
#define BITS_PER_LONG		(__SIZEOF_LONG__ * BITS_PER_BYTE)
#define BITS_PER_LONG_LONG	64
#define U8_MAX			((u8)~0U)
#define U16_MAX			((u16)~0U)
#define U32_MAX			((u32)~0U)
#define U64_MAX			((u64)~0ULL)
#define S32_MAX			((s32)(U32_MAX >> 1))

/*
 * minmax.h. The kernel rejects unsafe signedness mixes at build time; here
 * both sides are converted to their common type first, which is what C does
 * anyway, so -Wsign-compare stays quiet on what the kernel accepts.
 */
#define __shim_cmp(op, x, y) ({					\
	typeof(x) __cmp_x = (x);				\
	typeof(y) __cmp_y = (y);				\
	typeof(__cmp_x + __cmp_y) __cmp_a = __cmp_x;		\
	typeof(__cmp_x + __cmp_y) __cmp_b = __cmp_y;		\
	__cmp_a op __cmp_b ? __cmp_a : __cmp_b; })
#define min(x, y)		__shim_cmp(<, x, y)
#define max(x, y)		__shim_cmp(>, x, y)
#define min3(x, y, z)		min(min(x, y), z)
#define max3(x, y, z)		max(max(x, y), z)
#define min_t(type, x, y)	({ type __t_x = (x); type __t_y = (y); \
				   __t_x < __t_y ? __t_x : __t_y; })
#define max_t(type, x, y)	({ type __t_x = (x); type __t_y = (y); \
				   __t_x > __t_y ? __t_x : __t_y; })
#define clamp(val, lo, hi)	min(max(val, lo), hi)
#define clamp_t(type, val, lo, hi) min_t(type, max_t(type, val, lo), hi)
#define swap(a, b) \
	do { typeof(a) __swap_tmp = (a); (a) = (b); (b) = __swap_tmp; } while (0)

/* bits.h */
#define BIT(nr)			(1UL << (nr))
#define BIT_ULL(nr)		(1ULL << (nr))
#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define GENMASK(h, l) \
	(((~0UL) - (1UL << (l)) + 1) & (~0UL >> (BITS_PER_LONG - 1 - (h))))
#define GENMASK_ULL(h, l) \
	(((~0ULL) - (1ULL << (l)) + 1) & (~0ULL >> (BITS_PER_LONG_LONG - 1 - (h))))

/* bitfield.h: _mask must be a non-zero constant. */
#define __bf_shf(x)		(__builtin_ffsll(x) - 1)
#define FIELD_MAX(_mask)	((typeof(_mask))((_mask) >> __bf_shf(_mask)))
#define FIELD_FIT(_mask, _val) \
	(!((((typeof(_mask))(_val)) << __bf_shf(_mask)) & ~(_mask)))
#define FIELD_PREP(_mask, _val) \
	((((typeof(_mask))(_val)) << __bf_shf(_mask)) & (_mask))
#define FIELD_GET(_mask, _reg) \
	((typeof(_mask))(((_reg) & (_mask)) >> __bf_shf(_mask)))

/* sizes.h */
#define SZ_1			0x00000001
#define SZ_2			0x00000002
#define SZ_4			0x00000004
#define SZ_8			0x00000008
#define SZ_16			0x00000010
#define SZ_32			0x00000020
#define SZ_64			0x00000040
#define SZ_128			0x00000080
#define SZ_256			0x00000100
#define SZ_512			0x00000200
#define SZ_1K			0x00000400
#define SZ_2K			0x00000800
#define SZ_4K			0x00001000
#define SZ_8K			0x00002000
#define SZ_16K			0x00004000
#define SZ_32K			0x00008000
#define SZ_64K			0x00010000
#define SZ_128K			0x00020000
#define SZ_256K			0x00040000
#define SZ_512K			0x00080000
#define SZ_1M			0x00100000
#define SZ_2M			0x00200000
#define SZ_4M			0x00400000
#define SZ_8M			0x00800000
#define SZ_16M			0x01000000
#define SZ_32M			0x02000000
#define SZ_64M			0x04000000
#define SZ_128M			0x08000000
#define SZ_256M			0x10000000
#define SZ_512M			0x20000000
#define SZ_1G			0x40000000
#define SZ_2G			0x80000000
#define SZ_4G			0x100000000ULL

/* page.h, pfn.h */
#define PAGE_SHIFT		12
#define PAGE_SIZE		4096UL
#define PAGE_MASK		(~(PAGE_SIZE - 1))
#define PHYS_PFN(x)		((unsigned long)((x) >> PAGE_SHIFT))
#define PFN_PHYS(x)		((phys_addr_t)(x) << PAGE_SHIFT)
#define PFN_UP(x)		(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(x)		((x) >> PAGE_SHIFT)
#define PAGE_ALIGN(addr)	ALIGN(addr, PAGE_SIZE)
#define PAGE_ALIGNED(addr)	IS_ALIGNED((unsigned long)(addr), PAGE_SIZE)

/* overflow.h */
#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d)	__builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)

static inline size_t __must_check size_mul(size_t a, size_t b)
{
	size_t bytes;

	if (check_mul_overflow(a, b, &bytes))
		return SIZE_MAX;
	return bytes;
}

static inline size_t __must_check size_add(size_t a, size_t b)
{
	size_t bytes;

	if (check_add_overflow(a, b, &bytes))
		return SIZE_MAX;
	return bytes;
}

#define array_size(a, b)	size_mul(a, b)
#define array3_size(a, b, c)	size_mul(size_mul(a, b), c)
#define flex_array_size(p, member, count) \
	size_mul(count, sizeof(*(p)->member))
#define struct_size(p, member, count) \
	size_add(sizeof(*(p)), flex_array_size(p, member, count))
#define struct_size_t(type, member, count) \
	struct_size((type *)NULL, member, count)

/* container_of.h */
/* <linux/stddef.h> (kind: DUPLICATE). */
#define sizeof_field(TYPE, MEMBER)	sizeof((((TYPE *)0)->MEMBER))

#define container_of(ptr, type, member) ({				\
	void *__mptr = (void *)(ptr);					\
	static_assert(__same_type(*(ptr), ((type *)0)->member) ||	\
		      __same_type(*(ptr), void),			\
		      "pointer type mismatch in container_of()");	\
	((type *)((char *)__mptr - offsetof(type, member))); })

/* errno.h: <errno.h> gets the kernel-only codes from linux/errno.h. */
#include "linux/errno.h"

/* err.h */
#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x)	unlikely((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)

static inline void * __must_check ERR_PTR(long error)
{
	return (void *)error;
}

static inline long __must_check PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool __must_check IS_ERR(const void *ptr)
{
	return IS_ERR_VALUE((unsigned long)ptr);
}

static inline bool __must_check IS_ERR_OR_NULL(const void *ptr)
{
	return unlikely(!ptr) || IS_ERR_VALUE((unsigned long)ptr);
}

static inline void * __must_check ERR_CAST(const void *ptr)
{
	return (void *)ptr;
}

static inline int __must_check PTR_ERR_OR_ZERO(const void *ptr)
{
	return IS_ERR(ptr) ? (int)PTR_ERR(ptr) : 0;
}

/* processor.h, delay.h, kernel.h: STUBs. */
#define cpu_relax()		((void)sched_yield())
#define udelay(us)		((void)(us))
#define ndelay(ns)		((void)(ns))
#define mdelay(ms)		((void)(ms))
#define msleep(ms)		((void)(ms))
#define usleep_range(a, b)	((void)(a), (void)(b))
#define might_sleep()		do { } while (0)
#define cond_resched()		do { } while (0)

#endif /* _SHIM_TYPES_H */
