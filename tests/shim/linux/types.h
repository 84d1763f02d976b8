/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: DUPLICATE (forwarder).
 *
 * <linux/types.h> as include/iommu_lu.h and abi/iommu_lu_abi.h include it:
 * the kernel's types come from shim_types.h.
 */
#ifndef _SHIM_LINUX_TYPES_H
#define _SHIM_LINUX_TYPES_H
#include "../shim_types.h"
#endif
