// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace shim, kind: DUPLICATE. A heapsort with lib/sort.c's interface
 * and, like it, word-sized swaps where alignment allows; see sort.h.
 */
#include "sort.h"

/* Like lib/sort.c: swap whole words when size and addresses allow it. */
static void swap_bytes(void *a, void *b, int size)
{
	uintptr_t align = (uintptr_t)a | (uintptr_t)b | (uintptr_t)size;

	if (!(align & 7)) {
		u64 *p = a, *q = b, t;

		for (; size > 0; size -= 8) {
			t = *p;
			*p++ = *q;
			*q++ = t;
		}
	} else if (!(align & 3)) {
		u32 *p = a, *q = b, t;

		for (; size > 0; size -= 4) {
			t = *p;
			*p++ = *q;
			*q++ = t;
		}
	} else {
		char *p = a, *q = b, t;

		while (size--) {
			t = *p;
			*p++ = *q;
			*q++ = t;
		}
	}
}

static void do_swap(void *a, void *b, size_t size, swap_func_t swap_func)
{
	if (swap_func)
		swap_func(a, b, (int)size);
	else
		swap_bytes(a, b, (int)size);
}

static void sift_down(char *base, size_t root, size_t n, size_t size,
		      cmp_func_t cmp, swap_func_t swap_func)
{
	size_t child;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n &&
		    cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		do_swap(base + root * size, base + child * size, size, swap_func);
		root = child;
	}
}

void sort(void *base, size_t num, size_t size, cmp_func_t cmp_func,
	  swap_func_t swap_func)
{
	char *b = base;
	size_t i;

	if (num < 2)
		return;
	for (i = num / 2; i-- > 0;)
		sift_down(b, i, num, size, cmp_func, swap_func);
	for (i = num - 1; i > 0; i--) {
		do_swap(b, b + i * size, size, swap_func);
		sift_down(b, 0, i, size, cmp_func, swap_func);
	}
}
