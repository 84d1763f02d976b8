/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommu-lu tests: iommu_lu_decode() over a flat handover dump in memory.
 */

/**
 * DOC: decoding a flat dump
 *
 * A flat dump (&struct iommu_lu_dump_page_ser + one page, repeated; the
 * header page first, see lu_ser_dump()) is what tests/golden holds and what
 * the debugfs file shows. lu_dump_map() is the map callback
 * iommu_lu_decode() needs over such a buffer: the page whose dump header
 * names @phys, or NULL when the dump holds no such page (in the kernel: a
 * page that was not preserved). Model-free: builds in the kernel too.
 */
#ifndef _IOMMU_LU_TESTS_DUMP_MAP_H
#define _IOMMU_LU_TESTS_DUMP_MAP_H

#include "iommu_lu_abi.h"

#define LU_DUMP_PAGE	(sizeof(struct iommu_lu_dump_page_ser) + \
			 IOMMU_LU_BLOCK_SIZE)

/**
 * struct lu_dump - A flat dump in memory.
 * @buf: its bytes.
 * @len: their number.
 */
struct lu_dump {
	const u8 *buf;
	size_t len;
};

static inline const void *lu_dump_map(void *ctx, u64 phys)
{
	const struct lu_dump *d = ctx;
	size_t off;

	for (off = 0; off + LU_DUMP_PAGE <= d->len; off += LU_DUMP_PAGE) {
		const struct iommu_lu_dump_page_ser *dp =
			(const void *)(d->buf + off);

		if (dp->magic != IOMMU_LU_DUMP_MAGIC)
			return NULL;
		if (dp->phys == phys)
			return dp + 1;
	}
	return NULL;
}

/* The header page (the KHO subtree blob): the first page of the dump. */
static inline const void *lu_dump_header(const struct lu_dump *d)
{
	return d->len >= LU_DUMP_PAGE ? d->buf + sizeof(struct iommu_lu_dump_page_ser) :
					NULL;
}

/* Physical address the @i-th page of the dump had. */
static inline u64 lu_dump_phys(const struct lu_dump *d, unsigned int i)
{
	return ((const struct iommu_lu_dump_page_ser *)
		(d->buf + (size_t)i * LU_DUMP_PAGE))->phys;
}

/* The @i-th page of the dump, writable (for tests mutating a copy). */
static inline void *lu_dump_page(u8 *buf, unsigned int i)
{
	return buf + (size_t)i * LU_DUMP_PAGE +
	       sizeof(struct iommu_lu_dump_page_ser);
}

#endif /* _IOMMU_LU_TESTS_DUMP_MAP_H */
