/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: DUPLICATE.
 *
 * <linux/errno.h>. glibc's <errno.h> includes this very name, so it first
 * pulls in the system (uapi) header, then adds the kernel-only codes of
 * include/linux/errno.h. It must not include anything else: it is parsed in
 * the middle of <errno.h>.
 */
#ifndef _SHIM_LINUX_ERRNO_H
#define _SHIM_LINUX_ERRNO_H

#include_next <linux/errno.h>

#ifndef ERESTARTSYS
#define ERESTARTSYS	512
#endif
#ifndef ENOIOCTLCMD
#define ENOIOCTLCMD	515
#endif
#ifndef EPROBE_DEFER
#define EPROBE_DEFER	517
#endif
#ifndef ENOTSUPP
#define ENOTSUPP	524
#endif

#endif /* _SHIM_LINUX_ERRNO_H */
