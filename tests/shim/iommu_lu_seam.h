/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: STUB (gathering only).
 *
 * The userspace stand-in for include/iommu_lu_seam.h, found first because
 * tests/shim is first on the include path; same include guard, so the
 * kernel one is never read. It only gathers the shim headers, which provide
 * under the kernel's names what the kernel headers of the real seam provide
 * to the framework. No logic here.
 */
#ifndef _IOMMU_LU_SEAM_H
#define _IOMMU_LU_SEAM_H

#include "shim_types.h"		/* types, compiler, kconfig, err, errno, math */
#include "printk.h"		/* printk, bug, panic */
#include "kstring.h"		/* string, sprintf */
#include "bitops.h"		/* bitops, bitmap, find, log2 */
#include "list.h"		/* list, hlist */
#include "hashtable.h"		/* hash, hashtable */
#include "mutex.h"		/* mutex, spinlock, lockdep */
#include "slab.h"		/* slab, gfp */
#include "mm.h"			/* mm, page allocator, phys/virt */
#include "io.h"			/* MMIO accessors */
#include "kexec_handover.h"	/* KHO */
#include "sort.h"		/* sort; bsearch() is the C library's, same API */
#include "initcall.h"		/* init, module */
#include "dev_types.h"		/* device, pci, iommu */
#include "notifier.h"		/* notifier, bus notifiers */
#include "fs.h"			/* fs (file, inode, file_operations), uaccess */
#include "seq_file.h"		/* seq_file */
#include "debugfs.h"		/* debugfs */

#endif /* _IOMMU_LU_SEAM_H */
