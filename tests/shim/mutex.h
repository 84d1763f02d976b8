/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: CUSTOM.
 *
 * linux/mutex.h, linux/spinlock.h and the lockdep assertions over pthread
 * mutexes that remember their owner thread. Checked like lockdep would:
 * taking a lock the thread already holds, releasing one it does not hold,
 * lockdep_assert_held() of a lock it does not hold and
 * lockdep_assert_not_held() of one it holds all abort with a message.
 * Spinlocks are sleeping locks here; irqsave flags are dummies.
 */
#ifndef _SHIM_MUTEX_H
#define _SHIM_MUTEX_H

#include "shim_types.h"

struct shim_lock {
	pthread_mutex_t mu;
	const void *owner;	/* owning thread's token, NULL when free */
	const char *name;
};

#define __SHIM_LOCK_INIT(lockname) \
	{ .mu = PTHREAD_MUTEX_INITIALIZER, .owner = NULL, .name = lockname }

void shim_lock_init(struct shim_lock *l, const char *name);
void shim_lock_acquire(struct shim_lock *l);
bool shim_lock_try(struct shim_lock *l);
void shim_lock_release(struct shim_lock *l);
bool shim_lock_is_held(const struct shim_lock *l);
bool shim_lock_held_by_me(const struct shim_lock *l);
void shim_lock_assert(const struct shim_lock *l, bool held, const char *expr,
		      const char *file, int line);

struct mutex {
	struct shim_lock shim;
};

#define __MUTEX_INITIALIZER(lockname)	{ .shim = __SHIM_LOCK_INIT(#lockname) }
#define DEFINE_MUTEX(mutexname) \
	struct mutex mutexname = __MUTEX_INITIALIZER(mutexname)

#define mutex_init(m)			shim_lock_init(&(m)->shim, #m)
#define mutex_destroy(m)		shim_lock_assert(&(m)->shim, false, #m, __FILE__, __LINE__)
#define mutex_lock(m)			shim_lock_acquire(&(m)->shim)
#define mutex_lock_nested(m, c)		shim_lock_acquire(&(m)->shim)
#define mutex_lock_interruptible(m)	(shim_lock_acquire(&(m)->shim), 0)
#define mutex_trylock(m)		((int)shim_lock_try(&(m)->shim))
#define mutex_unlock(m)			shim_lock_release(&(m)->shim)
#define mutex_is_locked(m)		shim_lock_is_held(&(m)->shim)

typedef struct spinlock {
	struct shim_lock shim;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(lockname)	{ .shim = __SHIM_LOCK_INIT(#lockname) }
#define DEFINE_SPINLOCK(x)		spinlock_t x = __SPIN_LOCK_UNLOCKED(x)

#define spin_lock_init(l)		shim_lock_init(&(l)->shim, #l)
#define spin_lock(l)			shim_lock_acquire(&(l)->shim)
#define spin_trylock(l)			((int)shim_lock_try(&(l)->shim))
#define spin_unlock(l)			shim_lock_release(&(l)->shim)
#define spin_lock_irq(l)		spin_lock(l)
#define spin_unlock_irq(l)		spin_unlock(l)
#define spin_lock_bh(l)			spin_lock(l)
#define spin_unlock_bh(l)		spin_unlock(l)
#define spin_lock_irqsave(l, flags)	do { (flags) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, flags) do { (void)(flags); spin_unlock(l); } while (0)
#define spin_is_locked(l)		shim_lock_is_held(&(l)->shim)
#define assert_spin_locked(l)		lockdep_assert_held(l)

/* lockdep.h: works on a struct mutex * or a spinlock_t *. */
#define lockdep_assert_held(l) \
	shim_lock_assert(&(l)->shim, true, #l, __FILE__, __LINE__)
#define lockdep_assert_not_held(l) \
	shim_lock_assert(&(l)->shim, false, #l, __FILE__, __LINE__)
#define lockdep_assert_held_once(l)	lockdep_assert_held(l)
#define lockdep_is_held(l)		shim_lock_held_by_me(&(l)->shim)
#define lockdep_assert_irqs_disabled()	do { } while (0)

#endif /* _SHIM_MUTEX_H */
