/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: CUSTOM.
 *
 * linux/notifier.h and the bus notifiers of linux/device/bus.h, for the one
 * bus the framework follows: pci_bus_type. The constants and the
 * notifier_block layout are the kernel's; the chain is called in priority
 * order, highest first, like the kernel's.
 *
 * The bus keeps the devices the PCI model reported, so that
 * bus_for_each_dev() walks them: shim_bus_add_device() reports a device and
 * calls the chain with %BUS_NOTIFY_ADD_DEVICE, shim_bus_del_device() calls it
 * with %BUS_NOTIFY_DEL_DEVICE, forgets the device and calls it with
 * %BUS_NOTIFY_REMOVED_DEVICE, as device_add() and device_del() do.
 * shim_bus_reset() is a new kernel: no notifier, no device (the initcall
 * runner calls it before each simulated boot).
 */
#ifndef _SHIM_NOTIFIER_H
#define _SHIM_NOTIFIER_H

#include "shim_types.h"
#include "dev_types.h"

struct notifier_block;

typedef int (*notifier_fn_t)(struct notifier_block *nb, unsigned long action,
			     void *data);

struct notifier_block {
	notifier_fn_t notifier_call;
	struct notifier_block *next;
	int priority;
};

#define NOTIFY_DONE		0x0000
#define NOTIFY_OK		0x0001

enum bus_notifier_event {
	BUS_NOTIFY_ADD_DEVICE,
	BUS_NOTIFY_DEL_DEVICE,
	BUS_NOTIFY_REMOVED_DEVICE,
	BUS_NOTIFY_BIND_DRIVER,
	BUS_NOTIFY_BOUND_DRIVER,
	BUS_NOTIFY_UNBIND_DRIVER,
	BUS_NOTIFY_UNBOUND_DRIVER,
	BUS_NOTIFY_DRIVER_NOT_BOUND,
};

struct bus_type {
	const char *name;
};

extern const struct bus_type pci_bus_type;

int bus_register_notifier(const struct bus_type *bus, struct notifier_block *nb);
int bus_unregister_notifier(const struct bus_type *bus,
			    struct notifier_block *nb);
int shim_bus_walk(const struct bus_type *bus, struct device *start,
		  void *data, int (*fn)(struct device *dev, void *data));
#define bus_for_each_dev(bus, start, data, fn)	\
	shim_bus_walk(bus, start, data, fn)

/*
 * linux/reboot.h and linux/kexec.h: the reboot notifier chain and
 * kexec_in_progress. shim_reboot_notify() is kernel_restart_prepare():
 * the harness's simulated kexec sets kexec_in_progress and calls it.
 */
#define SYS_RESTART		0x0001
extern bool kexec_in_progress;

/* linux/kexec.h: the loaded image; kexec_file_load() with KHO fills kho. */
struct kimage {
	struct {
		void *scratch;
		phys_addr_t fdt;
	} kho;
};

extern struct kimage *kexec_image;
int register_reboot_notifier(struct notifier_block *nb);
int unregister_reboot_notifier(struct notifier_block *nb);
void shim_reboot_notify(void);

/* The PCI model's side (tests only). */
void shim_bus_add_device(const struct bus_type *bus, struct device *dev);
void shim_bus_del_device(const struct bus_type *bus, struct device *dev);
void shim_bus_reset(void);

#endif /* _SHIM_NOTIFIER_H */
