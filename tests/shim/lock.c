// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace shim, kind: CUSTOM. Owner-tracking locks; see mutex.h.
 */
#include "mutex.h"

/* Used by mb() under ThreadSanitizer (shim_types.h). */
unsigned long shim_fence_word;

/* Any address unique to the running thread identifies it. */
static __thread char thread_token;

static const void *me(void)
{
	return &thread_token;
}

static void __noreturn lock_die(const struct shim_lock *l, const char *what)
{
	fprintf(stderr, "shim: lock '%s' (%p): %s\n", l->name ? l->name : "?",
		(const void *)l, what);
	abort();
}

void shim_lock_init(struct shim_lock *l, const char *name)
{
	pthread_mutex_init(&l->mu, NULL);
	l->owner = NULL;
	l->name = name;
}

void shim_lock_acquire(struct shim_lock *l)
{
	if (shim_lock_held_by_me(l))
		lock_die(l, "recursive locking by the owner");
	pthread_mutex_lock(&l->mu);
	__atomic_store_n(&l->owner, me(), __ATOMIC_RELAXED);
}

bool shim_lock_try(struct shim_lock *l)
{
	if (pthread_mutex_trylock(&l->mu))
		return false;
	__atomic_store_n(&l->owner, me(), __ATOMIC_RELAXED);
	return true;
}

void shim_lock_release(struct shim_lock *l)
{
	if (!shim_lock_held_by_me(l))
		lock_die(l, "released by a thread that does not hold it");
	__atomic_store_n(&l->owner, NULL, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&l->mu);
}

bool shim_lock_is_held(const struct shim_lock *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) != NULL;
}

bool shim_lock_held_by_me(const struct shim_lock *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) == me();
}

void shim_lock_assert(const struct shim_lock *l, bool held, const char *expr,
		      const char *file, int line)
{
	if (shim_lock_held_by_me(l) == held)
		return;
	fprintf(stderr, "%s:%d: lockdep: %s is %s by this thread\n", file, line,
		expr, held ? "not held" : "held");
	lock_die(l, held ? "lockdep_assert_held() failed" :
			   "lockdep_assert_not_held() failed");
}
