/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: DUPLICATE.
 *
 * linux/string.h and linux/sprintf.h (named kstring.h so it does not hide
 * the C library's <string.h>). memset/memcpy/memcmp/strcmp/strncmp/strlen/
 * strnlen come from the C library. snprintf() and vsnprintf() are redirected
 * to the kernel-format engine of printk.c ("%pe", "%pa"), so messages read
 * the same in both builds.
 */
#ifndef _SHIM_KSTRING_H
#define _SHIM_KSTRING_H

#include "shim_types.h"

int shim_vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
	__printf(3, 0);
int shim_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#ifndef SHIM_LIBC_SNPRINTF
#define snprintf	shim_snprintf
#define vsnprintf	shim_vsnprintf
#endif

/* Like snprintf(), but returns what was written, without the NUL. */
static inline __printf(3, 0) int vscnprintf(char *buf, size_t size,
					    const char *fmt, va_list args)
{
	int i;

	if (unlikely(!size))
		return 0;
	i = shim_vsnprintf(buf, size, fmt, args);
	if (likely((size_t)i < size))
		return i;
	return (int)size - 1;
}

static inline __printf(3, 4) int scnprintf(char *buf, size_t size,
					   const char *fmt, ...)
{
	va_list args;
	int i;

	va_start(args, fmt);
	i = vscnprintf(buf, size, fmt, args);
	va_end(args);
	return i;
}

/*
 * Copy a NUL-terminated string into a sized buffer, always terminating it.
 * Returns the length copied, or -E2BIG if @src was truncated.
 */
ssize_t sized_strscpy(char *dest, const char *src, size_t count);

/* strscpy(dst, src) for arrays, strscpy(dst, src, size) otherwise. */
#define __strscpy_pick(_1, _2, _3, name, ...) name
#define __strscpy2(dst, src)	sized_strscpy(dst, src, sizeof(dst) + __must_be_array(dst))
#define __strscpy3(dst, src, n)	sized_strscpy(dst, src, n)
#define strscpy(...) \
	__strscpy_pick(__VA_ARGS__, __strscpy3, __strscpy2, __strscpy1)(__VA_ARGS__)

#endif /* _SHIM_KSTRING_H */
