/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: DUPLICATE (forwarder).
 *
 * <linux/bits.h>: BIT(), GENMASK() and friends live in shim_types.h.
 */
#ifndef _SHIM_LINUX_BITS_H
#define _SHIM_LINUX_BITS_H
#include "../shim_types.h"
#endif
