// SPDX-License-Identifier: GPL-2.0
/*
 * Test model, kind: CUSTOM. Kexec HandOver as in Linux 7.3; see kho.h.
 *
 * Keys are kept per page of simulated memory: a bitmask of the orders of
 * the keys that start at that page, and, for the outgoing side, how many
 * keys cover the page.
 */
#include "kho.h"
#include "physmem.h"
#include "kexec_handover.h"
#include "mm.h"
#include "printk.h"

struct kho_model_state kho_model = { .enabled = true };
int kho_model_fail_nth;
unsigned long kho_model_calls;
void (*kho_model_hook)(int op);

struct subtree {
	struct subtree *next;
	char *name;
	u64 phys;
	size_t size;
};

static pthread_mutex_t kho_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t nr_pages;		/* of simulated memory, when sized */
static u32 *out_keys;		/* orders of outgoing keys starting here */
static u16 *out_cover;		/* outgoing keys covering this page */
static u32 *in_keys;		/* orders of incoming keys starting here */
static struct subtree *out_trees, *in_trees;
static bool kho_boot;
static struct kho_call *call_log;
static size_t call_log_len, call_log_cap;

#define PAGE_IDX(phys)	((size_t)(((phys) - PHYSMEM_BASE) >> PAGE_SHIFT))
#define IDX_PHYS(idx)	(PHYSMEM_BASE + ((u64)(idx) << PAGE_SHIFT))

static void free_trees(struct subtree **head)
{
	struct subtree *t;

	while ((t = *head)) {
		*head = t->next;
		free(t->name);
		free(t);
	}
}

/* Size the key arrays to simulated memory. Called with kho_lock held. */
static void ensure_arrays(void)
{
	size_t n = physmem_size() >> PAGE_SHIFT;

	if (!n) {
		fprintf(stderr, "kho model: used before physmem_init()\n");
		abort();
	}
	if (n == nr_pages)
		return;
	free(out_keys);
	free(out_cover);
	free(in_keys);
	out_keys = calloc(n, sizeof(*out_keys));
	out_cover = calloc(n, sizeof(*out_cover));
	in_keys = calloc(n, sizeof(*in_keys));
	if (!out_keys || !out_cover || !in_keys)
		abort();
	nr_pages = n;
}

static void log_call(int op, u64 phys, unsigned long nr, int ret)
{
	if (call_log_len == call_log_cap) {
		size_t cap = call_log_cap ? 2 * call_log_cap : 64;
		struct kho_call *n = realloc(call_log, cap * sizeof(*n));

		if (!n)
			abort();
		call_log = n;
		call_log_cap = cap;
	}
	call_log[call_log_len++] = (struct kho_call){ op, phys, nr, ret };
}

/* A test's stop point; called without kho_lock. */
static void kho_hook(int op)
{
	void (*hook)(int op) = __atomic_load_n(&kho_model_hook, __ATOMIC_RELAXED);

	if (hook)
		hook(op);
}

/* Count a call; true if failure injection says this one fails. */
static bool kho_call_begin(bool fallible)
{
	kho_model_calls++;
	if (!fallible || kho_model_fail_nth <= 0)
		return false;
	if (--kho_model_fail_nth)
		return false;
	pr_debug("kho model: injected failure of call #%lu\n", kho_model_calls);
	return true;
}

/* __kho_preserve_pages_order(), on a single NUMA node. */
static unsigned int block_order(unsigned long pfn, unsigned long end_pfn)
{
	return min(count_trailing_zeros(pfn), ilog2(end_pfn - pfn));
}

static bool scratch_overlap(u64 phys, u64 size)
{
	return phys < PHYSMEM_BASE + PHYSMEM_SCRATCH_SIZE &&
	       phys + size > PHYSMEM_BASE;
}

static bool range_ok(u64 phys, u64 size)
{
	return !WARN(!physmem_valid(phys, size),
		     "kho model: [0x%llx, +0x%llx) is not simulated memory\n",
		     (unsigned long long)phys, (unsigned long long)size);
}

static void add_key(size_t idx, unsigned int order)
{
	size_t i, n = (size_t)1 << order;
	bool twice = out_keys[idx] & BIT(order);

	for (i = idx; i < idx + n && !twice; i++)
		twice = out_cover[i];
	if (twice) {
		kho_model.double_preserves++;
		pr_warn("kho model: page(s) at 0x%llx (order %u) preserved twice\n",
			(unsigned long long)IDX_PHYS(idx), order);
		if (out_keys[idx] & BIT(order))
			return;	/* the same key again: nothing changes */
	}
	out_keys[idx] |= BIT(order);
	for (i = idx; i < idx + n; i++)
		out_cover[i]++;
}

static bool del_key(size_t idx, unsigned int order)
{
	size_t i, n = (size_t)1 << order;

	if (!(out_keys[idx] & BIT(order))) {
		kho_model.bad_unpreserves++;
		pr_warn("kho model: unpreserve of 0x%llx (order %u), which is not preserved\n",
			(unsigned long long)IDX_PHYS(idx), order);
		return false;
	}
	out_keys[idx] &= ~BIT(order);
	for (i = idx; i < idx + n; i++)
		out_cover[i]--;
	return true;
}

/* Consume an incoming key: its pages become ordinary allocated pages. */
static bool take_in_key(size_t idx, unsigned int order)
{
	size_t i;

	if (!(in_keys[idx] & BIT(order)))
		return false;
	in_keys[idx] &= ~BIT(order);
	for (i = idx; i < idx + ((size_t)1 << order); i++)
		physmem_page_restored(IDX_PHYS(i));
	return true;
}

bool kho_is_enabled(void)
{
	return READ_ONCE(kho_model.enabled);
}

bool is_kho_boot(void)
{
	bool ret;

	pthread_mutex_lock(&kho_lock);
	ret = kho_boot;
	pthread_mutex_unlock(&kho_lock);
	return ret;
}

int kho_preserve_pages(struct page *page, unsigned long nr)
{
	const unsigned long start_pfn = page_to_pfn(page);
	const unsigned long end_pfn = start_pfn + nr;
	unsigned long pfn = start_pfn;
	u64 phys = PFN_PHYS(start_pfn);
	int err = 0;

	kho_hook(KHO_OP_PRESERVE_PAGES);
	pthread_mutex_lock(&kho_lock);
	ensure_arrays();
	if (kho_call_begin(true)) {
		err = -ENOMEM;
		goto out;
	}
	if (WARN(!kho_model.enabled, "kho model: KHO is disabled\n") ||
	    WARN_ON(scratch_overlap(phys, (u64)nr << PAGE_SHIFT)) ||
	    !range_ok(phys, (u64)nr << PAGE_SHIFT)) {
		err = -EINVAL;
		goto out;
	}
	while (pfn < end_pfn) {
		unsigned int order = block_order(pfn, end_pfn);

		add_key(PAGE_IDX(PFN_PHYS(pfn)), order);
		pfn += 1UL << order;
	}
out:
	log_call(KHO_OP_PRESERVE_PAGES, phys, nr, err);
	pthread_mutex_unlock(&kho_lock);
	return err;
}

void kho_unpreserve_pages(struct page *page, unsigned long nr)
{
	const unsigned long start_pfn = page_to_pfn(page);
	const unsigned long end_pfn = start_pfn + nr;
	unsigned long pfn = start_pfn;
	u64 phys = PFN_PHYS(start_pfn);
	int ret = 0;

	kho_hook(KHO_OP_UNPRESERVE_PAGES);
	pthread_mutex_lock(&kho_lock);
	ensure_arrays();
	kho_call_begin(false);
	if (!range_ok(phys, (u64)nr << PAGE_SHIFT)) {
		ret = -EINVAL;
		goto out;
	}
	while (pfn < end_pfn) {
		unsigned int order = block_order(pfn, end_pfn);

		if (!del_key(PAGE_IDX(PFN_PHYS(pfn)), order))
			ret = -ENOENT;
		pfn += 1UL << order;
	}
out:
	log_call(KHO_OP_UNPRESERVE_PAGES, phys, nr, ret);
	pthread_mutex_unlock(&kho_lock);
}

void *kho_alloc_preserve(size_t size)
{
	int order = size ? get_order(size) : 0;
	u64 phys = 0;
	int err = 0;

	kho_hook(KHO_OP_ALLOC_PRESERVE);
	pthread_mutex_lock(&kho_lock);
	ensure_arrays();
	if (kho_call_begin(true))
		err = -ENOMEM;
	else if (!size)
		err = -EINVAL;
	else if (order > MAX_PAGE_ORDER)
		err = -E2BIG;
	else if (WARN(!kho_model.enabled, "kho model: KHO is disabled\n"))
		err = -EINVAL;
	if (!err) {
		phys = physmem_alloc_pages((unsigned int)order);
		if (phys)
			add_key(PAGE_IDX(phys), (unsigned int)order);
		else
			err = -ENOMEM;
	}
	log_call(KHO_OP_ALLOC_PRESERVE, phys, 1UL << order, err);
	pthread_mutex_unlock(&kho_lock);
	return err ? ERR_PTR(err) : physmem_va(phys);
}

void kho_unpreserve_free(void *mem)
{
	unsigned int order;
	u64 phys;
	int ret = 0;

	if (!mem)
		return;
	phys = virt_to_phys(mem);
	order = physmem_page_order(phys);
	kho_hook(KHO_OP_UNPRESERVE_FREE);
	pthread_mutex_lock(&kho_lock);
	ensure_arrays();
	kho_call_begin(false);
	if (!del_key(PAGE_IDX(phys), order))
		ret = -ENOENT;
	log_call(KHO_OP_UNPRESERVE_FREE, phys, 1UL << order, ret);
	pthread_mutex_unlock(&kho_lock);
	physmem_free_pages(phys, order);
}

struct page *kho_restore_pages(phys_addr_t phys, unsigned long nr)
{
	const unsigned long start_pfn = PHYS_PFN(phys);
	const unsigned long end_pfn = start_pfn + nr;
	unsigned long pfn = start_pfn;
	int err = 0;

	kho_hook(KHO_OP_RESTORE_PAGES);
	pthread_mutex_lock(&kho_lock);
	ensure_arrays();
	if (kho_call_begin(true)) {
		err = -ENOMEM;
		goto out;
	}
	if (!range_ok(phys, (u64)nr << PAGE_SHIFT)) {
		err = -EINVAL;
		goto out;
	}
	while (pfn < end_pfn) {
		unsigned int order = block_order(pfn, end_pfn);

		if (WARN(!take_in_key(PAGE_IDX(PFN_PHYS(pfn)), order),
			 "kho model: restore of 0x%llx (order %u), which was not handed over\n",
			 (unsigned long long)PFN_PHYS(pfn), order)) {
			err = -ENOENT;
			break;
		}
		pfn += 1UL << order;
	}
out:
	log_call(KHO_OP_RESTORE_PAGES, phys, nr, err);
	pthread_mutex_unlock(&kho_lock);
	return err ? NULL : pfn_to_page(start_pfn);
}

void kho_restore_free(void *mem)
{
	unsigned int order = 0;
	bool ok = false;
	u64 phys;
	size_t idx;

	if (!mem)
		return;
	phys = virt_to_phys(mem);
	idx = PAGE_IDX(phys);
	kho_hook(KHO_OP_RESTORE_FREE);
	pthread_mutex_lock(&kho_lock);
	ensure_arrays();
	kho_call_begin(false);
	if (in_keys[idx]) {
		order = (unsigned int)__ffs(in_keys[idx]);
		ok = take_in_key(idx, order);
	}
	WARN(!ok, "kho model: restore_free of 0x%llx, which was not handed over\n",
	     (unsigned long long)phys);
	log_call(KHO_OP_RESTORE_FREE, phys, 1UL << order, ok ? 0 : -ENOENT);
	pthread_mutex_unlock(&kho_lock);
	if (ok)
		physmem_free_pages(phys, order);
}

int kho_add_subtree(const char *name, void *blob, size_t size)
{
	u64 phys = physmem_pa(blob);
	struct subtree *t;
	int err = 0;

	kho_hook(KHO_OP_ADD_SUBTREE);
	pthread_mutex_lock(&kho_lock);
	ensure_arrays();
	if (kho_call_begin(true)) {
		err = -ENOMEM;
		goto out;
	}
	if (WARN(!kho_model.enabled, "kho model: KHO is disabled\n") ||
	    WARN(!phys, "kho model: subtree blob %p is not in simulated memory\n",
		 blob)) {
		err = -EINVAL;
		goto out;
	}
	for (t = out_trees; t; t = t->next) {
		if (!strcmp(t->name, name)) {
			err = -EEXIST;
			goto out;
		}
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->name = strdup(name);
	if (!t->name)
		abort();
	t->phys = phys;
	t->size = size;
	t->next = out_trees;
	out_trees = t;
out:
	log_call(KHO_OP_ADD_SUBTREE, phys, size, err);
	pthread_mutex_unlock(&kho_lock);
	return err;
}

void kho_remove_subtree(void *blob)
{
	u64 phys = physmem_pa(blob);
	struct subtree **pp, *t;
	int ret = -ENOENT;

	kho_hook(KHO_OP_REMOVE_SUBTREE);
	pthread_mutex_lock(&kho_lock);
	kho_call_begin(false);
	for (pp = &out_trees; (t = *pp); pp = &t->next) {
		if (t->phys == phys) {
			*pp = t->next;
			free(t->name);
			free(t);
			ret = 0;
			break;
		}
	}
	log_call(KHO_OP_REMOVE_SUBTREE, phys, 0, ret);
	pthread_mutex_unlock(&kho_lock);
}

int kho_retrieve_subtree(const char *name, phys_addr_t *phys, size_t *size)
{
	struct subtree *t = NULL;
	int err = 0;

	kho_hook(KHO_OP_RETRIEVE_SUBTREE);
	pthread_mutex_lock(&kho_lock);
	if (kho_call_begin(true)) {
		err = -ENOMEM;
		goto out;
	}
	if (!kho_boot) {
		err = -ENOENT;
		goto out;
	}
	if (!phys) {
		err = -EINVAL;
		goto out;
	}
	for (t = in_trees; t; t = t->next)
		if (!strcmp(t->name, name))
			break;
	if (!t) {
		err = -ENOENT;
		goto out;
	}
	*phys = t->phys;
	if (size)
		*size = t->size;
out:
	log_call(KHO_OP_RETRIEVE_SUBTREE, t ? t->phys : 0, t ? t->size : 0, err);
	pthread_mutex_unlock(&kho_lock);
	return err;
}

/* ---- model API ---- */

const struct kho_call *kho_model_log(size_t *n)
{
	pthread_mutex_lock(&kho_lock);
	*n = call_log_len;
	pthread_mutex_unlock(&kho_lock);
	return call_log;
}

void kho_model_log_clear(void)
{
	pthread_mutex_lock(&kho_lock);
	call_log_len = 0;
	pthread_mutex_unlock(&kho_lock);
}

bool kho_model_preserved(u64 phys)
{
	bool ret;

	if (!physmem_valid(phys, 1))
		return false;
	pthread_mutex_lock(&kho_lock);
	ensure_arrays();
	ret = out_cover[PAGE_IDX(phys)] != 0;
	pthread_mutex_unlock(&kho_lock);
	return ret;
}

size_t kho_model_nr_preserved_pages(void)
{
	size_t i, n = 0;

	pthread_mutex_lock(&kho_lock);
	ensure_arrays();
	for (i = 0; i < nr_pages; i++)
		n += out_cover[i] != 0;
	pthread_mutex_unlock(&kho_lock);
	return n;
}

size_t kho_model_nr_incoming_pages(void)
{
	size_t i, n = 0;
	unsigned int order;

	pthread_mutex_lock(&kho_lock);
	ensure_arrays();
	for (i = 0; i < nr_pages; i++)
		for (order = 0; order < 32; order++)
			if (in_keys[i] & BIT(order))
				n += (size_t)1 << order;
	pthread_mutex_unlock(&kho_lock);
	return n;
}

struct key_snap {
	u64 phys;
	unsigned int order;
};

void kho_model_for_each_preserved(void (*fn)(u64 phys, unsigned int order,
					     void *data),
				  void *data)
{
	struct key_snap *keys = NULL;
	size_t i, n = 0, cap = 0;
	unsigned int order;

	/* Snapshot first, so @fn may call back into the model. */
	pthread_mutex_lock(&kho_lock);
	ensure_arrays();
	for (i = 0; i < nr_pages; i++) {
		for (order = 0; order < 32; order++) {
			if (!(out_keys[i] & BIT(order)))
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				keys = realloc(keys, cap * sizeof(*keys));
				if (!keys)
					abort();
			}
			keys[n].phys = IDX_PHYS(i);
			keys[n++].order = order;
		}
	}
	pthread_mutex_unlock(&kho_lock);
	for (i = 0; i < n; i++)
		fn(keys[i].phys, keys[i].order, data);
	free(keys);
}

/* physmem_kexec() predicate; kho_lock is held by kho_model_kexec(). */
static bool page_preserved(u64 phys, void *ctx)
{
	(void)ctx;
	return out_cover[PAGE_IDX(phys)] != 0;
}

void kho_model_kexec(void)
{
	size_t i, j;
	unsigned int order;

	pthread_mutex_lock(&kho_lock);
	ensure_arrays();
	if (!kho_model.enabled) {
		memset(out_keys, 0, nr_pages * sizeof(*out_keys));
		memset(out_cover, 0, nr_pages * sizeof(*out_cover));
		free_trees(&out_trees);
	}
	/* A preserved page that was freed meanwhile is garbage: drop it. */
	for (i = 0; i < nr_pages; i++) {
		for (order = 0; order < 32; order++) {
			if (!(out_keys[i] & BIT(order)))
				continue;
			for (j = i; j < i + ((size_t)1 << order); j++)
				if (!physmem_page_in_use(IDX_PHYS(j)))
					break;
			if (j == i + ((size_t)1 << order))
				continue;
			WARN(1, "kho model: preserved page 0x%llx was freed before kexec\n",
			     (unsigned long long)IDX_PHYS(j));
			out_keys[i] &= ~BIT(order);
			for (j = i; j < i + ((size_t)1 << order); j++)
				out_cover[j]--;
		}
	}

	physmem_kexec(page_preserved, NULL);

	memcpy(in_keys, out_keys, nr_pages * sizeof(*in_keys));
	memset(out_keys, 0, nr_pages * sizeof(*out_keys));
	memset(out_cover, 0, nr_pages * sizeof(*out_cover));
	free_trees(&in_trees);
	in_trees = out_trees;
	out_trees = NULL;
	kho_boot = kho_model.enabled;
	pthread_mutex_unlock(&kho_lock);
}

void kho_model_reset(void)
{
	pthread_mutex_lock(&kho_lock);
	free(out_keys);
	free(out_cover);
	free(in_keys);
	out_keys = NULL;
	out_cover = NULL;
	in_keys = NULL;
	nr_pages = 0;
	free_trees(&out_trees);
	free_trees(&in_trees);
	kho_boot = false;
	kho_model = (struct kho_model_state){ .enabled = true };
	kho_model_fail_nth = 0;
	kho_model_calls = 0;
	call_log_len = 0;
	pthread_mutex_unlock(&kho_lock);
}
