/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommu-lu: the one seam between the framework and the kernel.
 */

/**
 * DOC: the seam
 *
 * Every .c file of core/ and vendors/ reaches the kernel through this header
 * and nothing else. It only gathers the kernel headers the framework uses:
 * the framework calls the real kernel APIs by their real names (KHO, the
 * IOMMU and PCI cores, MMIO accessors, the page allocator).
 *
 * The userspace test build puts tests/shim/ first on the include path; its
 * iommu_lu_seam.h has the same include guard and provides the same names
 * over the hardware, PCI and KHO models, so the very same .c files compile
 * against them. Nothing of a model is ever compiled into the kernel.
 */

#ifndef _IOMMU_LU_SEAM_H
#define _IOMMU_LU_SEAM_H

#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/bsearch.h>
#include <linux/bug.h>
#include <linux/cacheflush.h>
#include <linux/compiler.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/hashtable.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/iommu.h>
#include <linux/kernel.h>
#include <linux/kexec.h>
#include <linux/kexec_handover.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/overflow.h>
#include <linux/panic.h>
#include <linux/pci.h>
#include <linux/printk.h>
#include <linux/reboot.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/types.h>

#endif /* _IOMMU_LU_SEAM_H */
