// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace shim, kind: DUPLICATE. strscpy(); see kstring.h.
 */
#include "kstring.h"

ssize_t sized_strscpy(char *dest, const char *src, size_t count)
{
	size_t i;

	if (count == 0)
		return -E2BIG;
	for (i = 0; i < count - 1 && src[i]; i++)
		dest[i] = src[i];
	dest[i] = '\0';
	return src[i] ? -E2BIG : (ssize_t)i;
}
