/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace KUnit, kind: CUSTOM.
 *
 * The subset of include/kunit/test.h the project's suites use, with the
 * kernel's names and shapes, so that one suite source builds here (against
 * tests/kunit/runner.c) and in the kernel. Suites register with
 * kunit_test_suite(s)() at program start; the runner prints KTAP v1.
 *
 * EXPECT failures mark the case failed and print the place, the expression
 * and both values; ASSERT failures also end the case (longjmp back to the
 * runner; the suite's exit still runs). kunit_skip() ends the case as
 * skipped. kunit_kmalloc() and friends are freed after the case; they do not
 * count toward the shim's allocation failure injection.
 *
 * Differences from the kernel: values are printed as long long (and hex) or
 * pointers; an assertion must be made from the thread running the case;
 * attributes, resources and static stubs are not provided.
 */
#ifndef _KUNIT_TEST_H
#define _KUNIT_TEST_H

#include "shim_types.h"
#include "kstring.h"
#include "slab.h"

#define KUNIT_PARAM_DESC_SIZE		128
#define KUNIT_STATUS_COMMENT_SIZE	256

enum kunit_status {
	KUNIT_SUCCESS,
	KUNIT_FAILURE,
	KUNIT_SKIPPED,
};

struct kunit;
struct kunit_suite;
struct kunit_alloc;

/**
 * struct kunit_case - One test case.
 * @run_case: the test function.
 * @name: its name (KUNIT_CASE() sets it).
 * @generate_params: KUNIT_CASE_PARAM(): returns the parameter after @prev
 *	(the first for NULL), NULL at the end; may describe it in @desc.
 */
struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(struct kunit *test, const void *prev,
				       char *desc);
};

/**
 * struct kunit_suite - A named set of cases.
 * @name: suite name.
 * @suite_init: before the first case; non-zero fails every case.
 * @suite_exit: after the last case.
 * @init: before each case (each parameter); non-zero fails the case.
 * @exit: after each case, even one that failed an assertion.
 * @test_cases: array ended by an empty entry ({}).
 */
struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;

	/* private: runner use only */
	struct kunit_suite *next;
};

/**
 * struct kunit - The running case.
 * @priv: for the suite's init/case/exit to share.
 * @name: case name.
 * @param_value: current parameter of a parameterized case.
 * @param_index: its index.
 * @status: result so far.
 * @status_comment: reason of a skip.
 */
struct kunit {
	void *priv;
	const char *name;
	const void *param_value;
	int param_index;
	enum kunit_status status;
	char status_comment[KUNIT_STATUS_COMMENT_SIZE];

	/* private: runner use only */
	jmp_buf *abort_jb;
	struct kunit_alloc *allocs;
};

/* Harness hooks around every case (each parameter); NULL when unused. */
extern void (*kunit_hook_before_case)(struct kunit *test);
extern void (*kunit_hook_after_case)(struct kunit *test);

#define KUNIT_CASE(test_name) { .run_case = test_name, .name = #test_name }
#define KUNIT_CASE_SLOW(test_name) KUNIT_CASE(test_name)
#define KUNIT_CASE_PARAM(test_name, gen_params)			\
	{ .run_case = test_name, .name = #test_name,		\
	  .generate_params = gen_params }

#define kunit_register_params_array(test, array, n, desc) do { } while (0)

#define KUNIT_ARRAY_PARAM(name, array, get_desc)				\
	static const void *name##_gen_params(struct kunit *test,		\
					     const void *prev, char *desc)	\
	{									\
		typeof((array)[0]) *__next = prev ?				\
			((typeof(__next))prev) + 1 : (array);			\
		(void)test;							\
		if ((size_t)(__next - (array)) < ARRAY_SIZE((array))) {		\
			void (*__get_desc)(typeof(__next), char *) = get_desc;	\
			if (__get_desc)						\
				__get_desc(__next, desc);			\
			return __next;						\
		}								\
		return NULL;							\
	}

#define KUNIT_ARRAY_PARAM_DESC(name, array, desc_member)			\
	static const void *name##_gen_params(struct kunit *test,		\
					     const void *prev, char *desc)	\
	{									\
		typeof((array)[0]) *__next = prev ?				\
			((typeof(__next))prev) + 1 : (array);			\
		(void)test;							\
		if ((size_t)(__next - (array)) < ARRAY_SIZE((array))) {		\
			strscpy(desc, __next->desc_member, KUNIT_PARAM_DESC_SIZE); \
			return __next;						\
		}								\
		return NULL;							\
	}

void __kunit_register_suites(struct kunit_suite *const *suites, size_t n);

#define __KUNIT_UNIQUE(prefix, n)	__KUNIT_UNIQUE_(prefix, n)
#define __KUNIT_UNIQUE_(prefix, n)	prefix##n
#define __kunit_test_suites(id, ...)						\
	static void __attribute__((constructor)) __KUNIT_UNIQUE(__kunit_reg_, id)(void) \
	{									\
		static struct kunit_suite *const suites[] = { __VA_ARGS__ };	\
		__kunit_register_suites(suites, ARRAY_SIZE(suites));		\
	}									\
	extern int __kunit_dummy
#define kunit_test_suites(...)	__kunit_test_suites(__COUNTER__, __VA_ARGS__)
#define kunit_test_suite(suite)	kunit_test_suites(&suite)

/* Test-managed memory, freed after the case. */
void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp);
void kunit_kfree(struct kunit *test, const void *ptr);

static inline void *kunit_kmalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, 1, size, gfp);
}

static inline void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc(test, size, gfp | __GFP_ZERO);
}

static inline void *kunit_kcalloc(struct kunit *test, size_t n, size_t size,
				  gfp_t gfp)
{
	return kunit_kmalloc_array(test, n, size, gfp | __GFP_ZERO);
}

/* Messages, as "# ..." KTAP diagnostic lines. */
void kunit_log_msg(struct kunit *test, const char *fmt, ...) __printf(2, 3);
#define kunit_info(test, fmt, ...)	kunit_log_msg(test, fmt, ##__VA_ARGS__)
#define kunit_warn(test, fmt, ...)	kunit_log_msg(test, fmt, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...)	kunit_log_msg(test, fmt, ##__VA_ARGS__)

void kunit_mark_skipped_fmt(struct kunit *test, const char *fmt, ...)
	__printf(2, 3);
void __kunit_abort(struct kunit *test) __noreturn;

#define kunit_mark_skipped(test, fmt, ...) \
	kunit_mark_skipped_fmt(test, fmt, ##__VA_ARGS__)
#define kunit_skip(test, fmt, ...) do {				\
	kunit_mark_skipped_fmt(test, fmt, ##__VA_ARGS__);	\
	__kunit_abort(test);					\
} while (0)

/* Failure reports; they mark the case failed. */
void __kunit_fail_msg(struct kunit *test, bool is_assert, const char *file,
		      int line, const char *fmt, ...) __printf(5, 6);
void __kunit_fail_bool(struct kunit *test, bool is_assert, const char *file,
		       int line, const char *expr, bool expected,
		       const char *fmt, ...) __printf(7, 8);
void __kunit_fail_int(struct kunit *test, bool is_assert, const char *file,
		      int line, const char *left, const char *op,
		      const char *right, long long lv, long long rv,
		      const char *fmt, ...) __printf(10, 11);
void __kunit_fail_ptr(struct kunit *test, bool is_assert, const char *file,
		      int line, const char *left, const char *op,
		      const char *right, const void *lv, const void *rv,
		      const char *fmt, ...) __printf(10, 11);
void __kunit_fail_str(struct kunit *test, bool is_assert, const char *file,
		      int line, const char *left, const char *op,
		      const char *right, const char *lv, const char *rv,
		      const char *fmt, ...) __printf(10, 11);
void __kunit_fail_mem(struct kunit *test, bool is_assert, const char *file,
		      int line, const char *left, const char *op,
		      const char *right, const void *lv, const void *rv,
		      size_t size, const char *fmt, ...) __printf(11, 12);
void __kunit_fail_err_or_null(struct kunit *test, bool is_assert,
			      const char *file, int line, const char *expr,
			      const void *ptr, const char *fmt, ...)
	__printf(7, 8);

#define __KUNIT_END(test, is_assert) \
	do { if (is_assert) __kunit_abort(test); } while (0)

#define KUNIT_FAIL(test, fmt, ...) \
	__kunit_fail_msg(test, false, __FILE__, __LINE__, fmt, ##__VA_ARGS__)

#define KUNIT_BOOL_ASSERTION(test, is_assert, cond, expected, fmt, ...) do { \
	const bool __kb = (cond);					\
	if (__kb != (expected)) {					\
		__kunit_fail_bool(test, is_assert, __FILE__, __LINE__,	\
				  #cond, expected, fmt, ##__VA_ARGS__);	\
		__KUNIT_END(test, is_assert);				\
	}								\
} while (0)

/* Both sides converted to their common type, as C compares them. */
#define KUNIT_BINARY_INT_ASSERTION(test, is_assert, left, op, right, fmt, ...) do { \
	const typeof(left) __kl = (left);				\
	const typeof(right) __kr = (right);				\
	const typeof(__kl + __kr) __kcl = __kl, __kcr = __kr;		\
	if (!(__kcl op __kcr)) {					\
		__kunit_fail_int(test, is_assert, __FILE__, __LINE__,	\
				 #left, #op, #right, (long long)__kcl,	\
				 (long long)__kcr, fmt, ##__VA_ARGS__);	\
		__KUNIT_END(test, is_assert);				\
	}								\
} while (0)

#define KUNIT_BINARY_PTR_ASSERTION(test, is_assert, left, op, right, fmt, ...) do { \
	const void *__kl = (const void *)(left);			\
	const void *__kr = (const void *)(right);			\
	if (!(__kl op __kr)) {						\
		__kunit_fail_ptr(test, is_assert, __FILE__, __LINE__,	\
				 #left, #op, #right, __kl, __kr,	\
				 fmt, ##__VA_ARGS__);			\
		__KUNIT_END(test, is_assert);				\
	}								\
} while (0)

#define KUNIT_BINARY_STR_ASSERTION(test, is_assert, left, op, right, fmt, ...) do { \
	const char *__kl = (left);					\
	const char *__kr = (right);					\
	int __kc = (__kl && __kr) ? strcmp(__kl, __kr) : (__kl != __kr); \
	if (!(__kc op 0)) {						\
		__kunit_fail_str(test, is_assert, __FILE__, __LINE__,	\
				 #left, #op, #right, __kl, __kr,	\
				 fmt, ##__VA_ARGS__);			\
		__KUNIT_END(test, is_assert);				\
	}								\
} while (0)

#define KUNIT_MEM_ASSERTION(test, is_assert, left, op, right, size, fmt, ...) do { \
	const void *__kl = (left);					\
	const void *__kr = (right);					\
	size_t __ks = (size);						\
	int __kc = (__kl && __kr) ? memcmp(__kl, __kr, __ks) : (__kl != __kr); \
	if (!(__kc op 0)) {						\
		__kunit_fail_mem(test, is_assert, __FILE__, __LINE__,	\
				 #left, #op, #right, __kl, __kr, __ks,	\
				 fmt, ##__VA_ARGS__);			\
		__KUNIT_END(test, is_assert);				\
	}								\
} while (0)

#define KUNIT_ERR_OR_NULL_ASSERTION(test, is_assert, ptr, fmt, ...) do {	\
	const void *__kp = (ptr);					\
	if (IS_ERR_OR_NULL(__kp)) {					\
		__kunit_fail_err_or_null(test, is_assert, __FILE__, __LINE__, \
					 #ptr, __kp, fmt, ##__VA_ARGS__); \
		__KUNIT_END(test, is_assert);				\
	}								\
} while (0)

/* Each check, as an expectation (E) or an assertion (A). */
#define __KUNIT_TRUE(t, a, c, ...)	KUNIT_BOOL_ASSERTION(t, a, c, true, __VA_ARGS__)
#define __KUNIT_FALSE(t, a, c, ...)	KUNIT_BOOL_ASSERTION(t, a, c, false, __VA_ARGS__)
#define __KUNIT_EQ(t, a, l, r, ...)	KUNIT_BINARY_INT_ASSERTION(t, a, l, ==, r, __VA_ARGS__)
#define __KUNIT_NE(t, a, l, r, ...)	KUNIT_BINARY_INT_ASSERTION(t, a, l, !=, r, __VA_ARGS__)
#define __KUNIT_LT(t, a, l, r, ...)	KUNIT_BINARY_INT_ASSERTION(t, a, l, <, r, __VA_ARGS__)
#define __KUNIT_LE(t, a, l, r, ...)	KUNIT_BINARY_INT_ASSERTION(t, a, l, <=, r, __VA_ARGS__)
#define __KUNIT_GT(t, a, l, r, ...)	KUNIT_BINARY_INT_ASSERTION(t, a, l, >, r, __VA_ARGS__)
#define __KUNIT_GE(t, a, l, r, ...)	KUNIT_BINARY_INT_ASSERTION(t, a, l, >=, r, __VA_ARGS__)
#define __KUNIT_PTR_EQ(t, a, l, r, ...)	KUNIT_BINARY_PTR_ASSERTION(t, a, l, ==, r, __VA_ARGS__)
#define __KUNIT_PTR_NE(t, a, l, r, ...)	KUNIT_BINARY_PTR_ASSERTION(t, a, l, !=, r, __VA_ARGS__)
#define __KUNIT_NULL(t, a, p, ...)	KUNIT_BINARY_PTR_ASSERTION(t, a, p, ==, NULL, __VA_ARGS__)
#define __KUNIT_NOT_NULL(t, a, p, ...)	KUNIT_BINARY_PTR_ASSERTION(t, a, p, !=, NULL, __VA_ARGS__)
#define __KUNIT_NOT_ERR_OR_NULL(t, a, p, ...) KUNIT_ERR_OR_NULL_ASSERTION(t, a, p, __VA_ARGS__)
#define __KUNIT_STREQ(t, a, l, r, ...)	KUNIT_BINARY_STR_ASSERTION(t, a, l, ==, r, __VA_ARGS__)
#define __KUNIT_STRNEQ(t, a, l, r, ...)	KUNIT_BINARY_STR_ASSERTION(t, a, l, !=, r, __VA_ARGS__)
#define __KUNIT_MEMEQ(t, a, l, r, s, ...) KUNIT_MEM_ASSERTION(t, a, l, ==, r, s, __VA_ARGS__)
#define __KUNIT_MEMNEQ(t, a, l, r, s, ...) KUNIT_MEM_ASSERTION(t, a, l, !=, r, s, __VA_ARGS__)

#define KUNIT_EXPECT_TRUE(test, c)		__KUNIT_TRUE(test, false, c, "%s", "")
#define KUNIT_EXPECT_FALSE(test, c)		__KUNIT_FALSE(test, false, c, "%s", "")
#define KUNIT_EXPECT_EQ(test, l, r)		__KUNIT_EQ(test, false, l, r, "%s", "")
#define KUNIT_EXPECT_NE(test, l, r)		__KUNIT_NE(test, false, l, r, "%s", "")
#define KUNIT_EXPECT_LT(test, l, r)		__KUNIT_LT(test, false, l, r, "%s", "")
#define KUNIT_EXPECT_LE(test, l, r)		__KUNIT_LE(test, false, l, r, "%s", "")
#define KUNIT_EXPECT_GT(test, l, r)		__KUNIT_GT(test, false, l, r, "%s", "")
#define KUNIT_EXPECT_GE(test, l, r)		__KUNIT_GE(test, false, l, r, "%s", "")
#define KUNIT_EXPECT_PTR_EQ(test, l, r)		__KUNIT_PTR_EQ(test, false, l, r, "%s", "")
#define KUNIT_EXPECT_PTR_NE(test, l, r)		__KUNIT_PTR_NE(test, false, l, r, "%s", "")
#define KUNIT_EXPECT_NULL(test, p)		__KUNIT_NULL(test, false, p, "%s", "")
#define KUNIT_EXPECT_NOT_NULL(test, p)		__KUNIT_NOT_NULL(test, false, p, "%s", "")
#define KUNIT_EXPECT_NOT_ERR_OR_NULL(test, p)	__KUNIT_NOT_ERR_OR_NULL(test, false, p, "%s", "")
#define KUNIT_EXPECT_STREQ(test, l, r)		__KUNIT_STREQ(test, false, l, r, "%s", "")
#define KUNIT_EXPECT_STRNEQ(test, l, r)		__KUNIT_STRNEQ(test, false, l, r, "%s", "")
#define KUNIT_EXPECT_MEMEQ(test, l, r, s)	__KUNIT_MEMEQ(test, false, l, r, s, "%s", "")
#define KUNIT_EXPECT_MEMNEQ(test, l, r, s)	__KUNIT_MEMNEQ(test, false, l, r, s, "%s", "")

#define KUNIT_EXPECT_TRUE_MSG(test, c, ...)	__KUNIT_TRUE(test, false, c, __VA_ARGS__)
#define KUNIT_EXPECT_FALSE_MSG(test, c, ...)	__KUNIT_FALSE(test, false, c, __VA_ARGS__)
#define KUNIT_EXPECT_EQ_MSG(test, l, r, ...)	__KUNIT_EQ(test, false, l, r, __VA_ARGS__)
#define KUNIT_EXPECT_NE_MSG(test, l, r, ...)	__KUNIT_NE(test, false, l, r, __VA_ARGS__)
#define KUNIT_EXPECT_LT_MSG(test, l, r, ...)	__KUNIT_LT(test, false, l, r, __VA_ARGS__)
#define KUNIT_EXPECT_LE_MSG(test, l, r, ...)	__KUNIT_LE(test, false, l, r, __VA_ARGS__)
#define KUNIT_EXPECT_GT_MSG(test, l, r, ...)	__KUNIT_GT(test, false, l, r, __VA_ARGS__)
#define KUNIT_EXPECT_GE_MSG(test, l, r, ...)	__KUNIT_GE(test, false, l, r, __VA_ARGS__)
#define KUNIT_EXPECT_PTR_EQ_MSG(test, l, r, ...) __KUNIT_PTR_EQ(test, false, l, r, __VA_ARGS__)
#define KUNIT_EXPECT_PTR_NE_MSG(test, l, r, ...) __KUNIT_PTR_NE(test, false, l, r, __VA_ARGS__)
#define KUNIT_EXPECT_NULL_MSG(test, p, ...)	__KUNIT_NULL(test, false, p, __VA_ARGS__)
#define KUNIT_EXPECT_NOT_NULL_MSG(test, p, ...)	__KUNIT_NOT_NULL(test, false, p, __VA_ARGS__)
#define KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, p, ...) \
	__KUNIT_NOT_ERR_OR_NULL(test, false, p, __VA_ARGS__)
#define KUNIT_EXPECT_STREQ_MSG(test, l, r, ...)	__KUNIT_STREQ(test, false, l, r, __VA_ARGS__)
#define KUNIT_EXPECT_STRNEQ_MSG(test, l, r, ...) __KUNIT_STRNEQ(test, false, l, r, __VA_ARGS__)
#define KUNIT_EXPECT_MEMEQ_MSG(test, l, r, s, ...) __KUNIT_MEMEQ(test, false, l, r, s, __VA_ARGS__)
#define KUNIT_EXPECT_MEMNEQ_MSG(test, l, r, s, ...) \
	__KUNIT_MEMNEQ(test, false, l, r, s, __VA_ARGS__)

#define KUNIT_ASSERT_TRUE(test, c)		__KUNIT_TRUE(test, true, c, "%s", "")
#define KUNIT_ASSERT_FALSE(test, c)		__KUNIT_FALSE(test, true, c, "%s", "")
#define KUNIT_ASSERT_EQ(test, l, r)		__KUNIT_EQ(test, true, l, r, "%s", "")
#define KUNIT_ASSERT_NE(test, l, r)		__KUNIT_NE(test, true, l, r, "%s", "")
#define KUNIT_ASSERT_LT(test, l, r)		__KUNIT_LT(test, true, l, r, "%s", "")
#define KUNIT_ASSERT_LE(test, l, r)		__KUNIT_LE(test, true, l, r, "%s", "")
#define KUNIT_ASSERT_GT(test, l, r)		__KUNIT_GT(test, true, l, r, "%s", "")
#define KUNIT_ASSERT_GE(test, l, r)		__KUNIT_GE(test, true, l, r, "%s", "")
#define KUNIT_ASSERT_PTR_EQ(test, l, r)		__KUNIT_PTR_EQ(test, true, l, r, "%s", "")
#define KUNIT_ASSERT_PTR_NE(test, l, r)		__KUNIT_PTR_NE(test, true, l, r, "%s", "")
#define KUNIT_ASSERT_NULL(test, p)		__KUNIT_NULL(test, true, p, "%s", "")
#define KUNIT_ASSERT_NOT_NULL(test, p)		__KUNIT_NOT_NULL(test, true, p, "%s", "")
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p)	__KUNIT_NOT_ERR_OR_NULL(test, true, p, "%s", "")
#define KUNIT_ASSERT_STREQ(test, l, r)		__KUNIT_STREQ(test, true, l, r, "%s", "")
#define KUNIT_ASSERT_STRNEQ(test, l, r)		__KUNIT_STRNEQ(test, true, l, r, "%s", "")
#define KUNIT_ASSERT_MEMEQ(test, l, r, s)	__KUNIT_MEMEQ(test, true, l, r, s, "%s", "")
#define KUNIT_ASSERT_MEMNEQ(test, l, r, s)	__KUNIT_MEMNEQ(test, true, l, r, s, "%s", "")

#define KUNIT_ASSERT_TRUE_MSG(test, c, ...)	__KUNIT_TRUE(test, true, c, __VA_ARGS__)
#define KUNIT_ASSERT_FALSE_MSG(test, c, ...)	__KUNIT_FALSE(test, true, c, __VA_ARGS__)
#define KUNIT_ASSERT_EQ_MSG(test, l, r, ...)	__KUNIT_EQ(test, true, l, r, __VA_ARGS__)
#define KUNIT_ASSERT_NE_MSG(test, l, r, ...)	__KUNIT_NE(test, true, l, r, __VA_ARGS__)
#define KUNIT_ASSERT_LT_MSG(test, l, r, ...)	__KUNIT_LT(test, true, l, r, __VA_ARGS__)
#define KUNIT_ASSERT_LE_MSG(test, l, r, ...)	__KUNIT_LE(test, true, l, r, __VA_ARGS__)
#define KUNIT_ASSERT_GT_MSG(test, l, r, ...)	__KUNIT_GT(test, true, l, r, __VA_ARGS__)
#define KUNIT_ASSERT_GE_MSG(test, l, r, ...)	__KUNIT_GE(test, true, l, r, __VA_ARGS__)
#define KUNIT_ASSERT_PTR_EQ_MSG(test, l, r, ...) __KUNIT_PTR_EQ(test, true, l, r, __VA_ARGS__)
#define KUNIT_ASSERT_PTR_NE_MSG(test, l, r, ...) __KUNIT_PTR_NE(test, true, l, r, __VA_ARGS__)
#define KUNIT_ASSERT_NULL_MSG(test, p, ...)	__KUNIT_NULL(test, true, p, __VA_ARGS__)
#define KUNIT_ASSERT_NOT_NULL_MSG(test, p, ...)	__KUNIT_NOT_NULL(test, true, p, __VA_ARGS__)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, p, ...) \
	__KUNIT_NOT_ERR_OR_NULL(test, true, p, __VA_ARGS__)
#define KUNIT_ASSERT_STREQ_MSG(test, l, r, ...)	__KUNIT_STREQ(test, true, l, r, __VA_ARGS__)
#define KUNIT_ASSERT_STRNEQ_MSG(test, l, r, ...) __KUNIT_STRNEQ(test, true, l, r, __VA_ARGS__)
#define KUNIT_ASSERT_MEMEQ_MSG(test, l, r, s, ...) __KUNIT_MEMEQ(test, true, l, r, s, __VA_ARGS__)
#define KUNIT_ASSERT_MEMNEQ_MSG(test, l, r, s, ...) \
	__KUNIT_MEMNEQ(test, true, l, r, s, __VA_ARGS__)

#endif /* _KUNIT_TEST_H */
