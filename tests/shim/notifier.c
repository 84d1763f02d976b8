// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace shim, kind: CUSTOM. Bus notifiers and the PCI bus's device
 * list; see notifier.h.
 */
#include "notifier.h"
#include "printk.h"

const struct bus_type pci_bus_type = { .name = "pci" };

static struct notifier_block *pci_chain;
static struct device **pci_devs;
static unsigned int pci_nr_devs, pci_cap_devs;

static void shim_bus_check(const struct bus_type *bus)
{
	if (bus != &pci_bus_type)
		abort();	/* only the PCI bus is modelled */
}

/* As notifier_chain_register(): by priority, -EEXIST when registered. */
int bus_register_notifier(const struct bus_type *bus, struct notifier_block *nb)
{
	struct notifier_block **pp;

	shim_bus_check(bus);
	for (pp = &pci_chain; *pp; pp = &(*pp)->next) {
		if (*pp == nb) {
			WARN(1, "notifier callback %p already registered",
			     nb->notifier_call);
			return -EEXIST;
		}
	}
	for (pp = &pci_chain; *pp && (*pp)->priority >= nb->priority;
	     pp = &(*pp)->next)
		;
	nb->next = *pp;
	*pp = nb;
	return 0;
}

int bus_unregister_notifier(const struct bus_type *bus,
			    struct notifier_block *nb)
{
	struct notifier_block **pp;

	shim_bus_check(bus);
	for (pp = &pci_chain; *pp; pp = &(*pp)->next) {
		if (*pp == nb) {
			*pp = nb->next;
			return 0;
		}
	}
	return -ENOENT;
}

/* bus_for_each_dev(); a macro, so that checkpatch does not take it for a loop. */
int shim_bus_walk(const struct bus_type *bus, struct device *start,
		  void *data, int (*fn)(struct device *dev, void *data))
{
	unsigned int i = 0;
	int ret;

	shim_bus_check(bus);
	if (start) {
		while (i < pci_nr_devs && pci_devs[i] != start)
			i++;
		i++;		/* start itself is skipped */
	}
	for (; i < pci_nr_devs; i++) {
		ret = fn(pci_devs[i], data);
		if (ret)
			return ret;
	}
	return 0;
}

static void shim_bus_call(unsigned long action, struct device *dev)
{
	struct notifier_block *nb, *next;

	for (nb = pci_chain; nb; nb = next) {
		next = nb->next;
		nb->notifier_call(nb, action, dev);
	}
}

void shim_bus_add_device(const struct bus_type *bus, struct device *dev)
{
	shim_bus_check(bus);
	if (pci_nr_devs == pci_cap_devs) {
		unsigned int cap = pci_cap_devs ? pci_cap_devs * 2 : 64;
		struct device **n = realloc(pci_devs, cap * sizeof(*n));

		if (!n)
			abort();
		pci_devs = n;
		pci_cap_devs = cap;
	}
	pci_devs[pci_nr_devs++] = dev;
	shim_bus_call(BUS_NOTIFY_ADD_DEVICE, dev);
}

void shim_bus_del_device(const struct bus_type *bus, struct device *dev)
{
	unsigned int i;

	shim_bus_check(bus);
	shim_bus_call(BUS_NOTIFY_DEL_DEVICE, dev);
	for (i = 0; i < pci_nr_devs; i++) {
		if (pci_devs[i] == dev) {
			memmove(&pci_devs[i], &pci_devs[i + 1],
				(pci_nr_devs - i - 1) * sizeof(*pci_devs));
			pci_nr_devs--;
			break;
		}
	}
	shim_bus_call(BUS_NOTIFY_REMOVED_DEVICE, dev);
}

bool kexec_in_progress;
struct kimage *kexec_image;
static struct notifier_block *reboot_chain;

int register_reboot_notifier(struct notifier_block *nb)
{
	struct notifier_block **pp;

	for (pp = &reboot_chain; *pp && (*pp)->priority >= nb->priority;
	     pp = &(*pp)->next)
		;
	nb->next = *pp;
	*pp = nb;
	return 0;
}

int unregister_reboot_notifier(struct notifier_block *nb)
{
	struct notifier_block **pp;

	for (pp = &reboot_chain; *pp; pp = &(*pp)->next) {
		if (*pp == nb) {
			*pp = nb->next;
			return 0;
		}
	}
	return -ENOENT;
}

void shim_reboot_notify(void)
{
	struct notifier_block *nb;

	for (nb = reboot_chain; nb; nb = nb->next)
		nb->notifier_call(nb, SYS_RESTART, NULL);
}

/* A new kernel: no notifier of either chain, no device, no kexec going on. */
void shim_bus_reset(void)
{
	reboot_chain = NULL;
	kexec_in_progress = false;
	kexec_image = NULL;
	pci_chain = NULL;
	free(pci_devs);
	pci_devs = NULL;
	pci_nr_devs = 0;
	pci_cap_devs = 0;
}
