/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: CUSTOM.
 *
 * linux/init.h and linux/module.h initcalls. Each *_initcall(fn) registers
 * fn at program start (a constructor); shim_run_initcalls() is the
 * simulated kernel's boot: it runs them in the kernel's level order (early,
 * core, subsys, device = module_init, late), in registration order within a
 * level, and can run again after a simulated kexec; each run starts with
 * no bus notifier registered and no device on the bus (shim_bus_reset()),
 * and with an empty debugfs (shim_debugfs_reset()).
 * module_exit() functions run, in reverse, from shim_run_exitcalls().
 */
#ifndef _SHIM_INITCALL_H
#define _SHIM_INITCALL_H

#include "shim_types.h"

typedef int (*initcall_t)(void);
typedef void (*exitcall_t)(void);

enum shim_initcall_level {
	SHIM_INITCALL_EARLY,
	SHIM_INITCALL_CORE,
	SHIM_INITCALL_SUBSYS,
	SHIM_INITCALL_DEVICE,
	SHIM_INITCALL_LATE,
	SHIM_INITCALL_NR,
};

void shim_initcall_register(initcall_t fn, enum shim_initcall_level level,
			    const char *name);
void shim_exitcall_register(exitcall_t fn, const char *name);

#define __shim_initcall(fn, level)					\
	static void __attribute__((constructor))			\
	__shim_initcall_##fn(void)					\
	{								\
		shim_initcall_register(fn, level, #fn);			\
	}								\
	extern int __shim_initcall_dummy

#define early_initcall(fn)	__shim_initcall(fn, SHIM_INITCALL_EARLY)
#define core_initcall(fn)	__shim_initcall(fn, SHIM_INITCALL_CORE)
#define subsys_initcall(fn)	__shim_initcall(fn, SHIM_INITCALL_SUBSYS)
#define device_initcall(fn)	__shim_initcall(fn, SHIM_INITCALL_DEVICE)
#define late_initcall(fn)	__shim_initcall(fn, SHIM_INITCALL_LATE)
#define module_init(fn)		device_initcall(fn)
#define module_exit(fn)							\
	static void __attribute__((constructor))			\
	__shim_exitcall_##fn(void)					\
	{								\
		shim_exitcall_register(fn, #fn);			\
	}								\
	extern int __shim_initcall_dummy

/*
 * Run every initcall, level by level. A failing initcall is logged and the
 * boot goes on, as in the kernel. Returns 0, or the first error.
 */
int shim_run_initcalls(void);
void shim_run_exitcalls(void);

#endif /* _SHIM_INITCALL_H */
