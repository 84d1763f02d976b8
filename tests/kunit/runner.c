// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace KUnit runner, kind: CUSTOM.
 *
 * Runs every registered suite in registration order and prints KTAP v1:
 *
 *	KTAP version 1
 *	1..<suites>
 *	    KTAP version 1
 *	    # Subtest: <suite>
 *	    1..<cases>
 *	    ok 1 <case>
 *	    not ok 2 <case>
 *	    ok 3 <case> # SKIP <reason>
 *	# <suite>: pass:1 fail:1 skip:1 total:3
 *	not ok 1 <suite>
 *	...
 *	# <n> skipped
 *	<n> passed, <n> failed
 *
 * A parameterized case nests one more level, a line per parameter, and
 * counts as one case: failed if any parameter failed, skipped if all were.
 *
 * Usage: iommu-lu-test [FILTER]; FILTER (or $KUNIT_FILTER) is a glob on the
 * suite name, or "suite.case" with a glob on each. Exit status 1 if a case
 * failed or the filter matched nothing.
 */
#include <kunit/test.h>

void (*kunit_hook_before_case)(struct kunit *test);
void (*kunit_hook_after_case)(struct kunit *test);

struct kunit_alloc {
	struct kunit_alloc *next;
	/* the object follows, 16-aligned */
} __aligned(16);

static struct kunit_suite *suites_head, **suites_tail = &suites_head;
static const char *indent = "    ";	/* of the running case's lines */

void __kunit_register_suites(struct kunit_suite *const *suites, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		suites[i]->next = NULL;
		*suites_tail = suites[i];
		suites_tail = &suites[i]->next;
	}
}

/* ---- memory ---- */

void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp)
{
	struct kunit_alloc *a;
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes) ||
	    bytes > SIZE_MAX - sizeof(*a))
		return NULL;
	a = malloc(sizeof(*a) + bytes);
	if (!a)
		return NULL;
	if (gfp & __GFP_ZERO)
		memset(a + 1, 0, bytes);
	a->next = test->allocs;
	test->allocs = a;
	return a + 1;
}

void kunit_kfree(struct kunit *test, const void *ptr)
{
	struct kunit_alloc **pp, *a;

	if (!ptr)
		return;
	for (pp = &test->allocs; (a = *pp); pp = &a->next) {
		if ((const void *)(a + 1) == ptr) {
			*pp = a->next;
			free(a);
			return;
		}
	}
	fprintf(stderr, "kunit_kfree(%p): not allocated by this test\n", ptr);
	abort();
}

static void free_allocs(struct kunit *test)
{
	struct kunit_alloc *a;

	while ((a = test->allocs)) {
		test->allocs = a->next;
		free(a);
	}
}

/* ---- messages and failures ---- */

static void print_msg(const char *fmt, va_list args)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, args);
	if (msg[0])
		printf("%s%s\n", indent, msg);
}

void kunit_log_msg(struct kunit *test, const char *fmt, ...)
{
	char msg[1024];
	va_list args;
	size_t len;

	(void)test;
	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	len = strlen(msg);
	if (len && msg[len - 1] == '\n')
		msg[len - 1] = '\0';
	printf("%s# %s\n", indent, msg);
	fflush(stdout);
}

void kunit_mark_skipped_fmt(struct kunit *test, const char *fmt, ...)
{
	va_list args;

	if (READ_ONCE(test->status) == KUNIT_SUCCESS)
		WRITE_ONCE(test->status, KUNIT_SKIPPED);
	va_start(args, fmt);
	vsnprintf(test->status_comment, sizeof(test->status_comment), fmt, args);
	va_end(args);
}

void __kunit_abort(struct kunit *test)
{
	fflush(stdout);
	longjmp(*test->abort_jb, 1);
}

static void fail_header(struct kunit *test, bool is_assert, const char *file,
			int line)
{
	WRITE_ONCE(test->status, KUNIT_FAILURE);
	printf("%s# %s: %s FAILED at %s:%d\n", indent, test->name,
	       is_assert ? "ASSERTION" : "EXPECTATION", file, line);
}

#define FAIL_TAIL(fmt) do {				\
	va_list args;					\
	va_start(args, fmt);				\
	print_msg(fmt, args);				\
	va_end(args);					\
	fflush(stdout);					\
} while (0)

void __kunit_fail_msg(struct kunit *test, bool is_assert, const char *file,
		      int line, const char *fmt, ...)
{
	fail_header(test, is_assert, file, line);
	FAIL_TAIL(fmt);
}

void __kunit_fail_bool(struct kunit *test, bool is_assert, const char *file,
		       int line, const char *expr, bool expected,
		       const char *fmt, ...)
{
	fail_header(test, is_assert, file, line);
	printf("%sExpected %s to be %s, but is %s\n", indent, expr,
	       expected ? "true" : "false", expected ? "false" : "true");
	FAIL_TAIL(fmt);
}

void __kunit_fail_int(struct kunit *test, bool is_assert, const char *file,
		      int line, const char *left, const char *op,
		      const char *right, long long lv, long long rv,
		      const char *fmt, ...)
{
	fail_header(test, is_assert, file, line);
	printf("%sExpected %s %s %s, but\n", indent, left, op, right);
	printf("%s    %s == %lld (0x%llx)\n", indent, left, lv,
	       (unsigned long long)lv);
	printf("%s    %s == %lld (0x%llx)\n", indent, right, rv,
	       (unsigned long long)rv);
	FAIL_TAIL(fmt);
}

void __kunit_fail_ptr(struct kunit *test, bool is_assert, const char *file,
		      int line, const char *left, const char *op,
		      const char *right, const void *lv, const void *rv,
		      const char *fmt, ...)
{
	fail_header(test, is_assert, file, line);
	printf("%sExpected %s %s %s, but\n", indent, left, op, right);
	printf("%s    %s == %p\n", indent, left, lv);
	printf("%s    %s == %p\n", indent, right, rv);
	FAIL_TAIL(fmt);
}

void __kunit_fail_str(struct kunit *test, bool is_assert, const char *file,
		      int line, const char *left, const char *op,
		      const char *right, const char *lv, const char *rv,
		      const char *fmt, ...)
{
	fail_header(test, is_assert, file, line);
	printf("%sExpected %s %s %s, but\n", indent, left, op, right);
	printf("%s    %s == \"%s\"\n", indent, left, lv ? lv : "(null)");
	printf("%s    %s == \"%s\"\n", indent, right, rv ? rv : "(null)");
	FAIL_TAIL(fmt);
}

static void print_hex(const char *name, const void *p, size_t size)
{
	const unsigned char *b = p;
	size_t i;

	printf("%s    %s ==", indent, name);
	if (!p)
		printf(" (null)");
	for (i = 0; p && i < size && i < 64; i++)
		printf(" %02x", b[i]);
	printf("%s\n", p && size > 64 ? " ..." : "");
}

void __kunit_fail_mem(struct kunit *test, bool is_assert, const char *file,
		      int line, const char *left, const char *op,
		      const char *right, const void *lv, const void *rv,
		      size_t size, const char *fmt, ...)
{
	fail_header(test, is_assert, file, line);
	printf("%sExpected %s %s %s (%zu bytes), but\n", indent, left, op,
	       right, size);
	print_hex(left, lv, size);
	print_hex(right, rv, size);
	FAIL_TAIL(fmt);
}

void __kunit_fail_err_or_null(struct kunit *test, bool is_assert,
			      const char *file, int line, const char *expr,
			      const void *ptr, const char *fmt, ...)
{
	fail_header(test, is_assert, file, line);
	if (ptr)
		printf("%sExpected %s is not error, but is: %ld\n", indent,
		       expr, PTR_ERR(ptr));
	else
		printf("%sExpected %s is not null, but is\n", indent, expr);
	FAIL_TAIL(fmt);
}

/* ---- running ---- */

struct tally {
	unsigned int pass, fail, skip;
};

static void tally_add(struct tally *t, enum kunit_status s)
{
	if (s == KUNIT_FAILURE)
		t->fail++;
	else if (s == KUNIT_SKIPPED)
		t->skip++;
	else
		t->pass++;
}

static void print_result(const char *ind, unsigned int nr, const char *name,
			 const struct kunit *test)
{
	printf("%s%s %u %s", ind,
	       test->status == KUNIT_FAILURE ? "not ok" : "ok", nr, name);
	if (test->status == KUNIT_SKIPPED)
		printf(" # SKIP %s", test->status_comment);
	printf("\n");
	fflush(stdout);
}

/* One run of a case (one parameter): init, case, exit; result in @test. */
static void run_one(struct kunit_suite *suite, struct kunit_case *kcase,
		    struct kunit *test)
{
	jmp_buf jb;
	int err;

	test->abort_jb = &jb;
	if (kunit_hook_before_case)
		kunit_hook_before_case(test);
	if (!setjmp(jb)) {
		err = suite->init ? suite->init(test) : 0;
		if (err) {
			kunit_err(test, "failed to initialize: %d", err);
			WRITE_ONCE(test->status, KUNIT_FAILURE);
		} else {
			kcase->run_case(test);
		}
	}
	if (suite->exit && !setjmp(jb))
		suite->exit(test);
	free_allocs(test);
	if (kunit_hook_after_case)
		kunit_hook_after_case(test);
}

static void init_test(struct kunit *test, struct kunit_case *kcase)
{
	memset(test, 0, sizeof(*test));
	test->name = kcase->name;
	test->status = KUNIT_SUCCESS;
}

/* Run a case, all its parameters; result and skip reason in @res. */
static void run_case(struct kunit_suite *suite, struct kunit_case *kcase,
		     struct kunit *res)
{
	struct kunit test, params;
	char desc[KUNIT_PARAM_DESC_SIZE];
	struct tally t = { 0 };
	const void *param;
	int index = 0;

	init_test(res, kcase);
	if (!kcase->generate_params) {
		init_test(&test, kcase);
		run_one(suite, kcase, &test);
		res->status = test.status;
		strscpy(res->status_comment, test.status_comment);
		return;
	}

	printf("        KTAP version 1\n        # Subtest: %s\n", kcase->name);
	init_test(&params, kcase);
	desc[0] = '\0';
	param = kcase->generate_params(&params, NULL, desc);
	indent = "        ";
	while (param) {
		char name[KUNIT_PARAM_DESC_SIZE + 16];

		init_test(&test, kcase);
		test.param_value = param;
		test.param_index = index;
		run_one(suite, kcase, &test);
		tally_add(&t, test.status);
		if (desc[0])
			strscpy(name, desc);
		else
			snprintf(name, sizeof(name), "param-%d", index);
		index++;
		print_result(indent, (unsigned int)index, name, &test);
		desc[0] = '\0';
		param = kcase->generate_params(&params, param, desc);
	}
	indent = "    ";
	printf("    # %s: pass:%u fail:%u skip:%u total:%u\n", kcase->name,
	       t.pass, t.fail, t.skip, t.pass + t.fail + t.skip);
	if (t.fail)
		res->status = KUNIT_FAILURE;
	else if (!t.pass)
		res->status = KUNIT_SKIPPED;
}

static bool case_matches(const char *case_glob, const struct kunit_case *c)
{
	return !case_glob || !fnmatch(case_glob, c->name, 0);
}

static unsigned int nr_matching_cases(struct kunit_suite *suite,
				      const char *suite_glob,
				      const char *case_glob)
{
	struct kunit_case *c;
	unsigned int n = 0;

	if (suite_glob && fnmatch(suite_glob, suite->name, 0))
		return 0;
	for (c = suite->test_cases; c && c->run_case; c++)
		n += case_matches(case_glob, c);
	return n;
}

static void run_suite(struct kunit_suite *suite, unsigned int nr,
		      unsigned int nr_cases, const char *case_glob,
		      struct tally *total)
{
	struct tally t = { 0 };
	struct kunit_case *c;
	unsigned int i = 0;
	int err = 0;

	printf("    KTAP version 1\n    # Subtest: %s\n    1..%u\n",
	       suite->name, nr_cases);
	fflush(stdout);
	if (suite->suite_init)
		err = suite->suite_init(suite);
	if (err)
		printf("    # %s: suite_init failed: %d\n", suite->name, err);
	for (c = suite->test_cases; c && c->run_case; c++) {
		struct kunit res = { .status = KUNIT_FAILURE };

		if (!case_matches(case_glob, c))
			continue;
		if (!err)
			run_case(suite, c, &res);
		print_result("    ", ++i, c->name, &res);
		tally_add(&t, res.status);
	}
	if (!err && suite->suite_exit)
		suite->suite_exit(suite);
	printf("# %s: pass:%u fail:%u skip:%u total:%u\n", suite->name,
	       t.pass, t.fail, t.skip, t.pass + t.fail + t.skip);
	printf("%s %u %s\n", t.fail ? "not ok" : "ok", nr, suite->name);
	fflush(stdout);
	total->pass += t.pass;
	total->fail += t.fail;
	total->skip += t.skip;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : getenv("KUNIT_FILTER");
	char *suite_glob = NULL, *case_glob = NULL, *dot;
	struct tally total = { 0 };
	struct kunit_suite *s;
	unsigned int nr = 0, i = 0;

	if (filter && filter[0]) {
		suite_glob = strdup(filter);
		if (!suite_glob)
			return 2;
		dot = strchr(suite_glob, '.');
		if (dot) {
			*dot = '\0';
			case_glob = dot + 1;
		}
	}
	for (s = suites_head; s; s = s->next)
		nr += nr_matching_cases(s, suite_glob, case_glob) > 0;

	printf("KTAP version 1\n1..%u\n", nr);
	for (s = suites_head; s; s = s->next) {
		unsigned int n = nr_matching_cases(s, suite_glob, case_glob);

		if (n)
			run_suite(s, ++i, n, case_glob, &total);
	}
	printf("# Totals: pass:%u fail:%u skip:%u total:%u\n", total.pass,
	       total.fail, total.skip, total.pass + total.fail + total.skip);
	printf("# %u skipped\n", total.skip);
	printf("%u passed, %u failed\n", total.pass, total.fail);
	if (!nr && suite_glob)
		fprintf(stderr, "no test matches '%s'\n", filter);
	free(suite_glob);
	return total.fail || (!nr && filter && filter[0]) ? 1 : 0;
}
