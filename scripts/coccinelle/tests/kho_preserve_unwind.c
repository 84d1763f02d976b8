// SPDX-License-Identifier: GPL-2.0
/*
 * Test input for ../kho_preserve_unwind.cocci (never built): every line
 * marked "expect: kho_preserve_unwind" must be reported, and no other.
 */
#include <linux/err.h>
#include <linux/kexec_handover.h>
#include <linux/slab.h>

int other(void);
void *get_thing(void);

/* A later preserve fails: the earlier one is left preserved. */
int bad_two(struct page *a, struct page *b)
{
	int ret;

	ret = kho_preserve_pages(a, 1);
	if (ret)
		return ret;
	ret = kho_preserve_pages(b, 1);
	if (ret)	/* expect: kho_preserve_unwind */
		return ret;
	return 0;
}

/* An allocation fails after the preserve; the label forgets the page. */
int bad_goto(struct page *a, void **out)
{
	void *buf;
	int ret;

	ret = kho_preserve_pages(a, 4);
	if (ret)
		goto err;
	buf = kzalloc(64, GFP_KERNEL);
	if (!buf) {	/* expect: kho_preserve_unwind */
		ret = -ENOMEM;
		goto err;
	}
	*out = buf;
	return 0;
err:
	return ret;
}

/* An ERR_PTR error after the preserve, returned directly. */
void *bad_err_ptr(struct page *a)
{
	void *t;
	int ret;

	ret = kho_preserve_pages(a, 1);
	if (ret)
		return ERR_PTR(ret);
	t = get_thing();
	if (IS_ERR(t))	/* expect: kho_preserve_unwind */
		return t;
	return t;
}

/* The unpreserve is on one error path only. */
int bad_one_of_two(struct page *a)
{
	int ret;

	ret = kho_preserve_pages(a, 1);
	if (ret)
		return ret;
	ret = other();
	if (ret) {
		kho_unpreserve_pages(a, 1);
		return ret;
	}
	if (other() < 0)	/* expect: kho_preserve_unwind */
		return -EIO;
	return 0;
}

/* Good: every error path after the preserve undoes it. */
int good_unwind(struct page *a, struct page *b)
{
	int ret;

	ret = kho_preserve_pages(a, 1);
	if (ret)
		return ret;
	ret = kho_preserve_pages(b, 1);
	if (ret)
		goto err_a;
	ret = other();
	if (ret)
		goto err_b;
	return 0;

err_b:
	kho_unpreserve_pages(b, 1);
err_a:
	kho_unpreserve_pages(a, 1);
	return ret;
}

/* Good: a loop whose error path unwinds what the loop preserved. */
int good_loop(struct page **pages, unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = kho_preserve_pages(pages[i], 1);
		if (ret)
			goto err;
	}
	return 0;
err:
	while (i--)
		kho_unpreserve_pages(pages[i], 1);
	return ret;
}

/* Good: the preserve is the last thing that can fail. */
int good_last(struct page *a, int *out)
{
	int ret;

	if (!a)
		return -EINVAL;
	ret = kho_preserve_pages(a, 1);
	if (ret)
		return ret;
	*out = 1;
	return 0;
}

/* Good: an early return after the preserve that is not an error. */
int good_early_success(struct page *a, bool quick)
{
	int ret;

	ret = kho_preserve_pages(a, 1);
	if (ret)
		return ret;
	if (quick)
		return 0;
	ret = other();
	if (ret) {
		kho_unpreserve_pages(a, 1);
		return ret;
	}
	return 0;
}
