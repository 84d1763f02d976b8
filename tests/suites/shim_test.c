// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke tests of the userspace shims and of the physmem and KHO models.
 *
 * These cases kexec the simulated machine and free the whole slab arena:
 * whatever a previous case left in memory is gone afterwards.
 */
#include <kunit/test.h>
#include "iommu_lu_seam.h"
#include "model/physmem.h"
#include "model/kho.h"

static int shim_test_suite_init(struct kunit_suite *suite)
{
	int err = physmem_init(0);

	(void)suite;
	return err == -EBUSY ? 0 : err;	/* already set up by someone else */
}

static void shim_test_reset(void)
{
	kho_model_reset();
	shim_warn_reset();
	shim_log_clear();
	shim_fail_alloc_nth = 0;
}

static int shim_test_init(struct kunit *test)
{
	(void)test;
	shim_test_reset();
	return 0;
}

static void shim_test_exit(struct kunit *test)
{
	(void)test;
	shim_test_reset();
}

struct key_list {
	unsigned int n;
	u64 phys[8];
	unsigned int order[8];
};

static void collect_key(u64 phys, unsigned int order, void *data)
{
	struct key_list *k = data;

	if (k->n < ARRAY_SIZE(k->phys)) {
		k->phys[k->n] = phys;
		k->order[k->n] = order;
	}
	k->n++;
}

/*
 * Three pages from an odd pfn P+1 of a 4-aligned block: [P+1] is an order-0
 * block, [P+2, P+3] an order-1 block, as __kho_preserve_pages_order() does.
 */
static void shim_test_kho_split(struct kunit *test)
{
	u64 base = physmem_alloc_pages(2);
	struct key_list keys = { 0 };
	const struct kho_call *log;
	size_t n;

	KUNIT_ASSERT_NE(test, base, 0);
	KUNIT_ASSERT_EQ(test, kho_preserve_pages(phys_to_page(base + PAGE_SIZE), 3), 0);

	kho_model_for_each_preserved(collect_key, &keys);
	KUNIT_ASSERT_EQ(test, keys.n, 2);
	KUNIT_EXPECT_EQ(test, keys.phys[0], base + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, keys.order[0], 0);
	KUNIT_EXPECT_EQ(test, keys.phys[1], base + 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, keys.order[1], 1);
	KUNIT_EXPECT_EQ(test, kho_model_nr_preserved_pages(), 3);
	KUNIT_EXPECT_FALSE(test, kho_model_preserved(base));
	KUNIT_EXPECT_TRUE(test, kho_model_preserved(base + 3 * PAGE_SIZE));

	log = kho_model_log(&n);
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, log[0].op, KHO_OP_PRESERVE_PAGES);
	KUNIT_EXPECT_EQ(test, log[0].phys, base + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, log[0].nr, 3);
	KUNIT_EXPECT_EQ(test, log[0].ret, 0);

	kho_unpreserve_pages(phys_to_page(base + PAGE_SIZE), 3);
	KUNIT_EXPECT_EQ(test, kho_model_nr_preserved_pages(), 0);
	KUNIT_EXPECT_EQ(test, kho_model.bad_unpreserves, 0);
	KUNIT_EXPECT_EQ(test, kho_model.double_preserves, 0);
	physmem_free_pages(base, 2);
}

static void shim_test_kho_double_preserve(struct kunit *test)
{
	u64 phys = physmem_alloc_page();

	KUNIT_ASSERT_NE(test, phys, 0);
	KUNIT_EXPECT_EQ(test, kho_preserve_pages(phys_to_page(phys), 1), 0);
	KUNIT_EXPECT_EQ(test, kho_preserve_pages(phys_to_page(phys), 1), 0);
	KUNIT_EXPECT_EQ(test, kho_model.double_preserves, 1);
	KUNIT_EXPECT_EQ(test, kho_model_nr_preserved_pages(), 1);
	kho_unpreserve_pages(phys_to_page(phys), 1);
	KUNIT_EXPECT_FALSE(test, kho_model_preserved(phys));
	physmem_free_page(phys);
}

static void shim_test_kho_bad_unpreserve(struct kunit *test)
{
	u64 phys = physmem_alloc_page();

	KUNIT_ASSERT_NE(test, phys, 0);
	kho_unpreserve_pages(phys_to_page(phys), 1);
	KUNIT_EXPECT_EQ(test, kho_model.bad_unpreserves, 1);
	KUNIT_EXPECT_TRUE(test, shim_log_contains("not preserved"));
	physmem_free_page(phys);
}

static void shim_test_kho_scratch_refused(struct kunit *test)
{
	u64 phys = physmem_alloc_scratch_page();

	KUNIT_ASSERT_NE(test, phys, 0);
	KUNIT_EXPECT_LT(test, phys, PHYSMEM_BASE + PHYSMEM_SCRATCH_SIZE);
	KUNIT_EXPECT_EQ(test, kho_preserve_pages(phys_to_page(phys), 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, shim_warn_count, 1);
	KUNIT_EXPECT_FALSE(test, kho_model_preserved(phys));
	physmem_free_page(phys);
}

static void shim_test_kexec_content(struct kunit *test)
{
	u64 kept = physmem_alloc_page(), lost = physmem_alloc_page();
	u8 pattern[PAGE_SIZE], poison[PAGE_SIZE];
	phys_addr_t blob_phys;
	size_t blob_size;
	void *blob;

	KUNIT_ASSERT_NE(test, kept, 0);
	KUNIT_ASSERT_NE(test, lost, 0);
	memset(pattern, 0xa5, sizeof(pattern));
	memset(poison, PHYSMEM_POISON, sizeof(poison));
	memcpy(phys_to_virt(kept), pattern, PAGE_SIZE);
	memcpy(phys_to_virt(lost), pattern, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, kho_preserve_pages(phys_to_page(kept), 1), 0);
	blob = kho_alloc_preserve(100);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, blob);
	strscpy(blob, "hello", 100);
	KUNIT_ASSERT_EQ(test, kho_add_subtree("shim-test", blob, 100), 0);
	KUNIT_EXPECT_EQ(test, kho_add_subtree("shim-test", blob, 100), -EEXIST);
	KUNIT_EXPECT_FALSE(test, is_kho_boot());

	kho_model_kexec();

	KUNIT_EXPECT_TRUE(test, is_kho_boot());
	KUNIT_EXPECT_EQ(test, physmem_page_state(kept), PHYSMEM_PAGE_AWAITING_RESTORE);
	KUNIT_EXPECT_MEMEQ(test, phys_to_virt(kept), pattern, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, physmem_page_state(lost), PHYSMEM_PAGE_FREE);
	KUNIT_EXPECT_MEMEQ(test, phys_to_virt(lost), poison, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, kho_model_nr_preserved_pages(), 0);
	KUNIT_EXPECT_EQ(test, kho_model_nr_incoming_pages(), 2);

	KUNIT_ASSERT_EQ(test, kho_retrieve_subtree("shim-test", &blob_phys, &blob_size), 0);
	KUNIT_EXPECT_EQ(test, blob_size, 100);
	KUNIT_EXPECT_STREQ(test, (char *)phys_to_virt(blob_phys), "hello");
	KUNIT_EXPECT_EQ(test, kho_retrieve_subtree("other", &blob_phys, NULL), -ENOENT);
	kho_restore_free(phys_to_virt(blob_phys));

	KUNIT_EXPECT_PTR_EQ(test, kho_restore_pages(kept, 1), phys_to_page(kept));
	KUNIT_EXPECT_EQ(test, physmem_page_state(kept), PHYSMEM_PAGE_USED);
	KUNIT_EXPECT_EQ(test, kho_model_nr_incoming_pages(), 0);
	KUNIT_EXPECT_EQ(test, shim_warn_count, 0);
	physmem_free_page(kept);
}

static void shim_test_restore_unpreserved(struct kunit *test)
{
	u64 phys = physmem_alloc_page();

	KUNIT_ASSERT_NE(test, phys, 0);
	kho_model_kexec();
	KUNIT_EXPECT_NULL(test, kho_restore_pages(phys, 1));
	KUNIT_EXPECT_EQ(test, shim_warn_count, 1);
	KUNIT_EXPECT_EQ(test, physmem_page_state(phys), PHYSMEM_PAGE_FREE);
}

static void shim_test_slab_free_all(struct kunit *test)
{
	size_t before = shim_slab_live();
	void *a = kmalloc(10, GFP_KERNEL), *b = kzalloc(20, GFP_KERNEL);
	char *s = kstrdup("x", GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, shim_slab_live(), before + 3);
	kfree(a);
	KUNIT_EXPECT_EQ(test, shim_slab_live(), before + 2);
	KUNIT_EXPECT_PTR_EQ(test, kmalloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	shim_slab_free_all();
	KUNIT_EXPECT_EQ(test, shim_slab_live(), 0);
}

static void shim_test_fail_nth(struct kunit *test)
{
	unsigned long calls = shim_alloc_calls;
	void *a, *b, *c;
	u64 page;

	shim_fail_alloc_nth = 2;
	a = kmalloc(8, GFP_KERNEL);
	b = kmalloc(8, GFP_KERNEL);
	c = kmalloc(8, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, a);
	KUNIT_EXPECT_NULL(test, b);
	KUNIT_EXPECT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, shim_fail_alloc_nth, 0);
	KUNIT_EXPECT_EQ(test, shim_alloc_calls, calls + 3);
	kfree(a);
	kfree(c);

	/* Page allocations count too. */
	shim_fail_alloc_nth = 1;
	KUNIT_EXPECT_EQ(test, get_zeroed_page(GFP_KERNEL | __GFP_NOWARN), 0);
	page = get_zeroed_page(GFP_KERNEL);
	KUNIT_ASSERT_NE(test, page, 0);

	/* And the KHO model has its own knob. */
	kho_model_fail_nth = 1;
	KUNIT_EXPECT_EQ(test, kho_preserve_pages(virt_to_page((void *)page), 1), -ENOMEM);
	KUNIT_EXPECT_FALSE(test, kho_model_preserved(__pa(page)));
	free_page(page);
}

static DEFINE_MUTEX(shim_test_mutex);

static void shim_test_lockdep_held(struct kunit *test)
{
	struct mutex m;		/* the lock under test */
	DEFINE_SPINLOCK(sl);
	unsigned long flags;

	mutex_init(&m);
	KUNIT_EXPECT_FALSE(test, mutex_is_locked(&m));
	lockdep_assert_not_held(&m);
	mutex_lock(&m);
	lockdep_assert_held(&m);
	KUNIT_EXPECT_TRUE(test, mutex_is_locked(&m));
	KUNIT_EXPECT_TRUE(test, mutex_trylock(&shim_test_mutex));
	lockdep_assert_held(&shim_test_mutex);
	mutex_unlock(&shim_test_mutex);
	mutex_unlock(&m);
	spin_lock_irqsave(&sl, flags);
	lockdep_assert_held(&sl);
	spin_unlock_irqrestore(&sl, flags);
}

static void shim_test_printk(struct kunit *test)
{
	char buf[32];
	int i;

	pr_err("value %d: %pe\n", 7, ERR_PTR(-ENOMEM));
	KUNIT_EXPECT_TRUE(test, shim_log_contains("<3>value 7: -ENOMEM\n"));
	for (i = 0; i < 3; i++)
		WARN_ON_ONCE(i >= 0);
	KUNIT_EXPECT_EQ(test, shim_warn_count, 1);
	KUNIT_EXPECT_EQ(test, shim_log_count("WARNING:"), 1);
	KUNIT_EXPECT_EQ(test, strscpy(buf, "0123456789012345678901234567890123"), -E2BIG);
	KUNIT_EXPECT_EQ(test, scnprintf(buf, 4, "%s", "abcdef"), 3);
	KUNIT_EXPECT_EQ(test, FIELD_GET(GENMASK_ULL(11, 4), 0xabcULL), 0xab);
	KUNIT_EXPECT_EQ(test, FIELD_PREP(GENMASK(7, 4), 3), 0x30);
	KUNIT_EXPECT_TRUE(test, IS_ENABLED(CONFIG_KEXEC_HANDOVER));
	KUNIT_EXPECT_FALSE(test, IS_ENABLED(CONFIG_SHIM_TEST_NOT_SET));
}

struct shim_test_regs {
	u32 reg[4];
	unsigned int reads;
};

static u64 shim_test_mmio_read(void *ctx, u64 off, unsigned int size)
{
	struct shim_test_regs *r = ctx;

	r->reads++;
	return size == 4 ? r->reg[off / 4] : 0;
}

static void shim_test_mmio_write(void *ctx, u64 off, u64 val, unsigned int size)
{
	struct shim_test_regs *r = ctx;

	if (size == 4)
		r->reg[off / 4] = (u32)val;
}

static const struct shim_mmio_ops shim_test_mmio_ops = {
	.read = shim_test_mmio_read,
	.write = shim_test_mmio_write,
};

static void shim_test_mmio(struct kunit *test)
{
	struct shim_test_regs regs = { 0 };
	void __iomem *base = shim_mmio_register(sizeof(regs.reg),
						&shim_test_mmio_ops, &regs);

	KUNIT_ASSERT_NOT_NULL(test, base);
	writel(0x1234, base + 4);
	KUNIT_EXPECT_EQ(test, regs.reg[1], 0x1234);
	lo_hi_writeq(0x1122334455667788ULL, base + 8);
	KUNIT_EXPECT_EQ(test, lo_hi_readq(base + 8), 0x1122334455667788ULL);
	KUNIT_EXPECT_EQ(test, regs.reads, 2);
	shim_mmio_unregister(base);
}

/* A seq_file show of 1000 lines (8890 bytes); counts its runs. */
static int shim_test_seq_big_show(struct seq_file *m, void *v)
{
	unsigned int *runs = m->private, i;

	(*runs)++;
	for (i = 0; i < 1000; i++)
		seq_printf(m, "line %u\n", i);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(shim_test_seq_big);

static int shim_test_seq_err_show(struct seq_file *m, void *v)
{
	seq_puts(m, "lost");
	return -EIO;
}
DEFINE_SHOW_ATTRIBUTE(shim_test_seq_err);

/*
 * The debugfs and seq_file shims: files are found by path, read in any
 * chunk size; a show that overflows the buffer runs again into a bigger
 * one; an error fails the read; a seek to 0 reads anew; names are unique
 * per directory; removal is recursive.
 */
static void shim_test_debugfs(struct kunit *test)
{
	unsigned int runs = 0, before = shim_debugfs_nr_entries(), i;
	struct dentry *dir, *f;
	struct file *file;
	char *buf, line[16], part[8];
	size_t len, off = 0;

	dir = debugfs_create_dir("shim_test", NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dir));
	f = debugfs_create_file("big", 0444, dir, &runs, &shim_test_seq_big_fops);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_EXPECT_EQ(test, PTR_ERR(debugfs_create_file("big", 0444, dir, NULL,
							  &shim_test_seq_big_fops)), -EEXIST);
	debugfs_create_file("err", 0444, dir, NULL, &shim_test_seq_err_fops);
	KUNIT_EXPECT_PTR_EQ(test, shim_debugfs_find("shim_test/big"), f);
	KUNIT_EXPECT_EQ(test, shim_debugfs_nr_entries(), before + 3);

	/* 4 KiB, then 8 KiB overflowed: three runs, the whole text. */
	KUNIT_ASSERT_EQ(test, shim_debugfs_read("shim_test/big", 7, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, runs, 3);
	KUNIT_EXPECT_EQ(test, len, 8890);
	for (i = 0; i < 1000 && off < len; i++) {
		snprintf(line, sizeof(line), "line %u\n", i);
		KUNIT_EXPECT_EQ(test, strncmp(buf + off, line, strlen(line)), 0);
		off += strlen(line);
	}
	KUNIT_EXPECT_EQ(test, off, len);
	free(buf);

	/* Later reads copy the snapshot; a seek to 0 runs the show again. */
	file = shim_debugfs_open("shim_test/big");
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	KUNIT_EXPECT_EQ(test, shim_debugfs_fread(file, part, sizeof(part)), sizeof(part));
	KUNIT_EXPECT_EQ(test, shim_debugfs_fread(file, part, sizeof(part)), sizeof(part));
	KUNIT_EXPECT_EQ(test, runs, 6);
	KUNIT_EXPECT_EQ(test, file->f_op->llseek(file, 0, SEEK_SET), 0);
	KUNIT_EXPECT_EQ(test, shim_debugfs_fread(file, part, 5), 5);
	KUNIT_EXPECT_EQ(test, memcmp(part, "line ", 5), 0);
	KUNIT_EXPECT_EQ(test, runs, 9);
	KUNIT_EXPECT_EQ(test, shim_debugfs_close(file), 0);

	KUNIT_EXPECT_EQ(test, shim_debugfs_read("shim_test/err", 0, &buf, &len), -EIO);
	KUNIT_EXPECT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, shim_debugfs_read("shim_test/none", 0, &buf, &len), -ENOENT);

	debugfs_remove(dir);
	KUNIT_EXPECT_NULL(test, shim_debugfs_find("shim_test/big"));
	KUNIT_EXPECT_NULL(test, shim_debugfs_find("shim_test"));
	KUNIT_EXPECT_EQ(test, shim_debugfs_nr_entries(), before);
	debugfs_remove(NULL);
	debugfs_remove(ERR_PTR(-ENOENT));
}

static struct kunit_case shim_test_cases[] = {
	KUNIT_CASE(shim_test_kho_split),
	KUNIT_CASE(shim_test_kho_double_preserve),
	KUNIT_CASE(shim_test_kho_bad_unpreserve),
	KUNIT_CASE(shim_test_kho_scratch_refused),
	KUNIT_CASE(shim_test_kexec_content),
	KUNIT_CASE(shim_test_restore_unpreserved),
	KUNIT_CASE(shim_test_slab_free_all),
	KUNIT_CASE(shim_test_fail_nth),
	KUNIT_CASE(shim_test_lockdep_held),
	KUNIT_CASE(shim_test_printk),
	KUNIT_CASE(shim_test_mmio),
	KUNIT_CASE(shim_test_debugfs),
	{}
};

static struct kunit_suite shim_test_suite = {
	.name = "shim",
	.suite_init = shim_test_suite_init,
	.init = shim_test_init,
	.exit = shim_test_exit,
	.test_cases = shim_test_cases,
};

kunit_test_suite(shim_test_suite);
