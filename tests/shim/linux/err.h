/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: DUPLICATE (forwarder).
 *
 * <linux/err.h>: ERR_PTR() and friends live in shim_types.h.
 */
#ifndef _SHIM_LINUX_ERR_H
#define _SHIM_LINUX_ERR_H
#include "../shim_types.h"
#endif
