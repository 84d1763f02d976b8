// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-lu core: the outgoing handover, kept up to date as the registry
 * changes.
 */

/**
 * DOC: incremental serialization
 *
 * The handover is never built at kexec time. Every registry change writes
 * its record at once into a slot of a KHO-preserved page-sized block
 * (abi/iommu_lu_abi.h), so that when the kexec comes the handover is already
 * complete and the shutdown path has nothing left that could fail.
 *
 * - The header page is allocated and published as the KHO subtree
 *   %IOMMU_LU_KHO_NAME when the first record is needed, and withdrawn and
 *   freed when the last record goes: a machine with nothing preserved hands
 *   nothing over.
 * - A slot is found in O(1): each chain keeps a list of its blocks that have
 *   a free slot, each block a bitmap of used slots. A block whose last record
 *   goes is unlinked from its chain and freed, so the handover never holds
 *   more blocks than the registry needs.
 * - Allocating a slot can fail (-ENOMEM, or a KHO error); writing and freeing
 *   one cannot. Callers allocate slots first and roll back on error.
 *
 * All functions here require &lu_core.lock.
 */

#define pr_fmt(fmt) "iommu-lu: " fmt

#include "lu_core.h"

static unsigned int lu_slots_per_block(enum iommu_lu_rec_kind kind)
{
	return min_t(size_t, LU_RECS_PER_BLOCK_MAX,
		     (IOMMU_LU_BLOCK_SIZE - sizeof(struct iommu_lu_block_ser)) /
		     lu_rec_size[kind]);
}

static void lu_ser_bump(void)
{
	lu.hdr->generation++;
}

static int lu_ser_hdr_get(void)
{
	struct iommu_lu_header_ser *hdr;
	int ret;

	lockdep_assert_held(&lu.lock);
	if (lu.hdr)
		return 0;

	hdr = kho_alloc_preserve(IOMMU_LU_BLOCK_SIZE);
	if (IS_ERR(hdr))
		return PTR_ERR(hdr);

	strscpy(hdr->compatible, IOMMU_LU_COMPATIBLE, sizeof(hdr->compatible));
	hdr->version = IOMMU_LU_ABI_VERSION;
	hdr->header_size = sizeof(*hdr);
	hdr->block_size = IOMMU_LU_BLOCK_SIZE;
	if (lu.state == LU_STATE_FROZEN)
		hdr->flags |= IOMMU_LU_HDR_FROZEN;

	ret = kho_add_subtree(IOMMU_LU_KHO_NAME, hdr, IOMMU_LU_BLOCK_SIZE);
	if (ret)
		goto err_free;

	lu.hdr = hdr;
	pr_debug("handover header at %#llx published\n",
		 (unsigned long long)virt_to_phys(hdr));
	return 0;

err_free:
	kho_unpreserve_free(hdr);
	return ret;
}

static void lu_ser_hdr_put(void)
{
	unsigned int k;

	lockdep_assert_held(&lu.lock);
	if (!lu.hdr)
		return;
	for (k = 0; k < IOMMU_LU_REC_NR; k++)
		if (lu.chains[k].nr_blocks)
			return;

	kho_remove_subtree(lu.hdr);
	kho_unpreserve_free(lu.hdr);
	lu.hdr = NULL;
	pr_debug("handover empty: header withdrawn\n");
}

static struct lu_block *lu_block_new(enum iommu_lu_rec_kind kind)
{
	struct lu_chain *chain = &lu.chains[kind];
	struct lu_block *blk, *last;

	/* Never write what the next kernel's decoder would refuse. */
	if (chain->nr_blocks >= IOMMU_LU_MAX_BLOCKS)
		return ERR_PTR(-E2BIG);
	blk = kzalloc_obj(*blk);
	if (!blk)
		return ERR_PTR(-ENOMEM);

	blk->ser = kho_alloc_preserve(IOMMU_LU_BLOCK_SIZE);
	if (IS_ERR(blk->ser)) {
		long err = PTR_ERR(blk->ser);

		kfree(blk);
		return ERR_PTR(err);
	}
	blk->phys = virt_to_phys(blk->ser);
	blk->ser->kind = kind;
	blk->ser->record_size = lu_rec_size[kind];
	blk->ser->nr_slots = lu_slots_per_block(kind);

	/* Link at the tail: the previous last block points to us. */
	if (list_empty(&chain->blocks)) {
		lu.hdr->chain[kind] = blk->phys;
	} else {
		last = list_last_entry(&chain->blocks, struct lu_block, node);
		last->ser->next = blk->phys;
	}
	list_add_tail(&blk->node, &chain->blocks);
	list_add_tail(&blk->free_node, &chain->with_free);
	chain->nr_blocks++;
	lu.hdr->nr_blocks[kind] = chain->nr_blocks;
	return blk;
}

static void lu_block_release(enum iommu_lu_rec_kind kind, struct lu_block *blk)
{
	struct lu_chain *chain = &lu.chains[kind];
	struct lu_block *prev;

	if (list_is_first(&blk->node, &chain->blocks)) {
		lu.hdr->chain[kind] = blk->ser->next;
	} else {
		prev = list_prev_entry(blk, node);
		prev->ser->next = blk->ser->next;
	}
	list_del(&blk->node);
	list_del(&blk->free_node);
	chain->nr_blocks--;
	lu.hdr->nr_blocks[kind] = chain->nr_blocks;
	kho_unpreserve_free(blk->ser);
	kfree(blk);
}

/**
 * lu_ser_alloc() - Reserve a record slot.
 * @kind: record kind.
 * @slot: out: the slot; its record is zero.
 *
 * Context: &lu_core.lock held.
 * Return: 0, or -ENOMEM / a KHO error; on error nothing changed.
 */
int lu_ser_alloc(enum iommu_lu_rec_kind kind, struct lu_slot *slot)
{
	struct lu_chain *chain = &lu.chains[kind];
	struct lu_block *blk;
	unsigned int idx;
	int ret;

	lockdep_assert_held(&lu.lock);
	if (WARN_ON(slot->blk))
		return -EINVAL;

	ret = lu_ser_hdr_get();
	if (ret)
		return ret;

	blk = list_first_entry_or_null(&chain->with_free, struct lu_block,
				       free_node);
	if (!blk) {
		blk = lu_block_new(kind);
		if (IS_ERR(blk)) {
			lu_ser_hdr_put();
			return PTR_ERR(blk);
		}
	}

	idx = find_first_zero_bit(blk->used, blk->ser->nr_slots);
	__set_bit(idx, blk->used);
	if (bitmap_full(blk->used, blk->ser->nr_slots))
		list_del_init(&blk->free_node);

	slot->blk = blk;
	slot->idx = idx;
	return 0;
}

/**
 * lu_ser_rec() - The record a slot holds.
 * @slot: a slot from lu_ser_alloc().
 *
 * Return: pointer to the record inside its preserved block.
 */
void *lu_ser_rec(const struct lu_slot *slot)
{
	struct iommu_lu_block_ser *ser = slot->blk->ser;

	return (u8 *)(ser + 1) + (size_t)slot->idx * ser->record_size;
}

/**
 * lu_ser_publish() - Count a slot's record as live once it is written.
 * @kind: record kind.
 * @slot: the slot; its record has %IOMMU_LU_REC_LIVE set.
 *
 * Context: &lu_core.lock held. Cannot fail.
 */
void lu_ser_publish(enum iommu_lu_rec_kind kind, const struct lu_slot *slot)
{
	lockdep_assert_held(&lu.lock);
	slot->blk->ser->nr_live++;
	lu.chains[kind].nr_records++;
	lu.hdr->nr_records[kind] = lu.chains[kind].nr_records;
	lu_ser_bump();
}

/**
 * lu_ser_free() - Drop a record and release its slot.
 * @kind: record kind.
 * @slot: the slot; nothing happens when it holds none.
 *
 * Works for a published slot and for one that was allocated but never
 * published (error unwinding). An emptied block is unlinked and freed, an
 * emptied handover withdrawn. Context: &lu_core.lock held. Cannot fail.
 */
void lu_ser_free(enum iommu_lu_rec_kind kind, struct lu_slot *slot)
{
	struct lu_block *blk = slot->blk;
	struct lu_chain *chain = &lu.chains[kind];
	void *rec;

	lockdep_assert_held(&lu.lock);
	if (!blk)
		return;

	rec = lu_ser_rec(slot);
	/* Every record kind keeps IOMMU_LU_REC_LIVE in its flags field. */
	if (kind == IOMMU_LU_REC_PAGE ?
	    ((struct iommu_lu_page_ser *)rec)->flags & IOMMU_LU_REC_LIVE :
	    *(u32 *)rec & IOMMU_LU_REC_LIVE) {
		blk->ser->nr_live--;
		chain->nr_records--;
		lu.hdr->nr_records[kind] = chain->nr_records;
	}
	memset(rec, 0, blk->ser->record_size);
	__clear_bit(slot->idx, blk->used);
	if (list_empty(&blk->free_node))
		list_add(&blk->free_node, &chain->with_free);
	slot->blk = NULL;
	lu_ser_bump();

	if (bitmap_empty(blk->used, blk->ser->nr_slots)) {
		lu_block_release(kind, blk);
		lu_ser_hdr_put();
	}
}

/**
 * lu_ser_set_hdr_flags() - Change header flags, if there is a header.
 * @set: flags to set.
 * @clear: flags to clear.
 *
 * Context: &lu_core.lock held, or the kexec path (no lock). Cannot fail.
 */
void lu_ser_set_hdr_flags(u32 set, u32 clear)
{
	if (!lu.hdr)
		return;
	lu.hdr->flags = (lu.hdr->flags & ~clear) | set;
	lu_ser_bump();
}

/**
 * lu_ser_dump() - Copy the outgoing handover as a flat dump.
 * @buf: destination, or NULL to get the size.
 * @len: size of @buf.
 *
 * The format is &struct iommu_lu_dump_page_ser + page, header first, then
 * each chain's blocks in order.
 *
 * Context: &lu_core.lock held.
 * Return: bytes the dump takes (0 when nothing is preserved); nothing is
 * written when @len is too small.
 */
size_t lu_ser_dump(void *buf, size_t len)
{
	const size_t per = sizeof(struct iommu_lu_dump_page_ser) +
			   IOMMU_LU_BLOCK_SIZE;
	struct iommu_lu_dump_page_ser *dp;
	struct lu_block *blk;
	size_t need, off = 0;
	unsigned int k;

	lockdep_assert_held(&lu.lock);
	if (!lu.hdr)
		return 0;

	need = per;
	for (k = 0; k < IOMMU_LU_REC_NR; k++)
		need += per * lu.chains[k].nr_blocks;
	if (!buf || len < need)
		return need;

	dp = buf;
	dp->magic = IOMMU_LU_DUMP_MAGIC;
	dp->phys = virt_to_phys(lu.hdr);
	memcpy(dp + 1, lu.hdr, IOMMU_LU_BLOCK_SIZE);
	off += per;
	for (k = 0; k < IOMMU_LU_REC_NR; k++) {
		list_for_each_entry(blk, &lu.chains[k].blocks, node) {
			dp = (void *)((u8 *)buf + off);
			dp->magic = IOMMU_LU_DUMP_MAGIC;
			dp->phys = blk->phys;
			memcpy(dp + 1, blk->ser, IOMMU_LU_BLOCK_SIZE);
			off += per;
		}
	}
	return need;
}
