/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: DUPLICATE (forwarder).
 *
 * <linux/stddef.h>: offsetof() and bool come from shim_types.h.
 */
#ifndef _SHIM_LINUX_STDDEF_H
#define _SHIM_LINUX_STDDEF_H
#include "../shim_types.h"
#endif
