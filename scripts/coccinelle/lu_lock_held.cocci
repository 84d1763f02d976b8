// SPDX-License-Identifier: GPL-2.0
/// iommu-lu's registry helpers that need the core lock say so with
/// lockdep_assert_held(&lu.lock). Find calls to them on a path where the
/// lock is not held: from a function that neither takes
/// mutex_lock(&lu.lock) (or lu_lock_read()) before the call nor asserts the
/// lock itself, or
/// after a mutex_unlock(&lu.lock) that no mutex_lock() follows.
///
/// Two passes. "-D collect" prints "LU_LOCKED <function>" for every
/// function that asserts the lock; "-D report" takes those names from the
/// environment variable IOMMU_LU_LOCKED_HELPERS (space separated), as
/// scripts/check-kernel-static.sh does:
///   IOMMU_LU_LOCKED_HELPERS="$(spatch -D collect ... | sed -n 's/^LU_LOCKED //p')"
//
// Confidence: High
// Options: --no-includes --include-headers

virtual collect
virtual report

@initialize:python depends on report@
@@
import os
import sys

helpers = set(os.environ.get("IOMMU_LU_LOCKED_HELPERS", "").split())
if not helpers:
    sys.stderr.write("lu_lock_held.cocci: IOMMU_LU_LOCKED_HELPERS is empty: run -D collect first\n")
    sys.exit(2)

# Spatch 1.1.1 cannot hand a constrained identifier to a script rule: take
# the callee's name from the source at the call's position.
def report_call(p, what):
    with open(p[0].file, errors="replace") as f:
        line = f.readlines()[int(p[0].line) - 1]
    callee = line[int(p[0].column):int(p[0].column_end)]
    coccilib.report.print_report(p[0],
        "ERROR: %s() needs lu.lock: %s() %s" % (callee, p[0].current_element, what))

@asserts depends on collect@
identifier fn;
symbol lu;
@@

fn(...)
{
  ... when any
  lockdep_assert_held(&lu.lock);
  ... when any
}

@script:python depends on collect@
f << asserts.fn;
@@
print("LU_LOCKED %s" % f)

// Reached from the function's entry without taking or asserting the lock.
@unlocked depends on report exists@
identifier fn : script:python() { fn in helpers };
identifier caller;
position p;
symbol lu, mutex;
@@

caller(...)
{
  ... when != mutex_lock(&lu.lock)
      when != mutex_lock_interruptible(&lu.lock)
      when != mutex_trylock(&lu.lock)
      when != lockdep_assert_held(&lu.lock)
      when != guard(mutex)(&lu.lock)
      when != lu_lock_read()
  fn@p(...)
  ... when any
}

// Or after the lock was dropped.
@dropped depends on report exists@
identifier fn : script:python() { fn in helpers };
identifier caller;
position p;
symbol lu;
@@

caller(...)
{
  ... when any
  mutex_unlock(&lu.lock);
  ... when != mutex_lock(&lu.lock)
      when != mutex_lock_interruptible(&lu.lock)
      when != mutex_trylock(&lu.lock)
      when != lu_lock_read()
  fn@p(...)
  ... when any
}

@script:python depends on unlocked@
p << unlocked.p;
@@
report_call(p, "neither takes it before the call nor asserts it")

@script:python depends on dropped@
p << dropped.p;
@@
report_call(p, "calls it after mutex_unlock(&lu.lock)")
