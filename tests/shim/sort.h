/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: DUPLICATE.
 *
 * linux/sort.h: sort() with the kernel's signature and behaviour (heapsort,
 * not stable; @swap_func may be NULL).
 */
#ifndef _SHIM_SORT_H
#define _SHIM_SORT_H

#include "shim_types.h"

void sort(void *base, size_t num, size_t size, cmp_func_t cmp_func,
	  swap_func_t swap_func);

#endif /* _SHIM_SORT_H */
