/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: DUPLICATE (forwarder).
 *
 * <linux/build_bug.h>: static_assert() and BUILD_BUG_ON() live in
 * shim_types.h.
 */
#ifndef _SHIM_LINUX_BUILD_BUG_H
#define _SHIM_LINUX_BUILD_BUG_H
#include "../shim_types.h"
#endif
