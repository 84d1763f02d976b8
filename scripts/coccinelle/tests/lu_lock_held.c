// SPDX-License-Identifier: GPL-2.0
/*
 * Test input for ../lu_lock_held.cocci (never built): every line marked
 * "expect: lu_lock_held" must be reported, and no other.
 */
#include <linux/lockdep.h>
#include <linux/mutex.h>

struct lu_core {
	struct mutex lock;
	int nr;
};

static struct lu_core lu;

/* Registry helpers: they assert the lock, so they need it. */
static int lu_thing_get(int x)
{
	lockdep_assert_held(&lu.lock);
	return lu.nr += x;
}

static void lu_thing_put(int x)
{
	lockdep_assert_held(&lu.lock);
	lu.nr -= x;
}

/* The core's reader lock (core/lu_core.h): takes the same mutex. */
static void lu_lock_read(void)
{
	mutex_lock(&lu.lock);
}

static void lu_unlock_read(void)
{
	mutex_unlock(&lu.lock);
}

/* Good: taken for reading. */
int good_reader(int x)
{
	int ret;

	lu_lock_read();
	ret = lu_thing_get(x);
	lu_unlock_read();
	return ret;
}

/* Bad: no lock at all. */
int bad_no_lock(int x)
{
	return lu_thing_get(x);	/* expect: lu_lock_held */
}

/* Bad: the lock is taken on one branch only. */
int bad_some_paths(int x, bool locked)
{
	int ret;

	if (locked)
		mutex_lock(&lu.lock);
	ret = lu_thing_get(x);	/* expect: lu_lock_held */
	if (locked)
		mutex_unlock(&lu.lock);
	return ret;
}

/* Bad: called again after the lock is dropped. */
void bad_after_unlock(int x)
{
	mutex_lock(&lu.lock);
	lu_thing_get(x);
	mutex_unlock(&lu.lock);
	lu_thing_put(x);	/* expect: lu_lock_held */
}

/* Bad: a static helper that relies on its callers without saying so. */
static void bad_silent_helper(int x)
{
	lu_thing_put(x);	/* expect: lu_lock_held */
}

/* Good: takes the lock. */
int good_locked(int x)
{
	int ret;

	mutex_lock(&lu.lock);
	ret = lu_thing_get(x);
	lu_thing_put(1);
	bad_silent_helper(x);
	mutex_unlock(&lu.lock);
	return ret;
}

/* Good: asserts it, like the helpers themselves. */
static void good_asserting(int x)
{
	lockdep_assert_held(&lu.lock);
	lu_thing_put(x);
}

/* Good: drops the lock and takes it again before the next call. */
int good_relock(int x)
{
	int ret;

	mutex_lock(&lu.lock);
	ret = lu_thing_get(x);
	mutex_unlock(&lu.lock);
	mutex_lock(&lu.lock);
	good_asserting(x);
	mutex_unlock(&lu.lock);
	return ret;
}

/* Good: an interruptible lock taken on the success path. */
int good_interruptible(int x)
{
	int ret;

	if (mutex_lock_interruptible(&lu.lock))
		return -EINTR;
	ret = lu_thing_get(x);
	mutex_unlock(&lu.lock);
	return ret;
}
