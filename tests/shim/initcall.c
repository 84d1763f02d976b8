// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace shim, kind: CUSTOM. Initcall lists; see initcall.h.
 */
#include "initcall.h"
#include "notifier.h"
#include "debugfs.h"
#include "printk.h"

struct shim_call {
	struct shim_call *next;
	const char *name;
	initcall_t init;
	exitcall_t exit;
};

static struct shim_call *levels[SHIM_INITCALL_NR];
static struct shim_call *exits;

static struct shim_call *new_call(const char *name)
{
	struct shim_call *c = calloc(1, sizeof(*c));

	if (!c)
		abort();
	c->name = name;
	return c;
}

void shim_initcall_register(initcall_t fn, enum shim_initcall_level level,
			    const char *name)
{
	struct shim_call *c = new_call(name), **pp;

	c->init = fn;
	for (pp = &levels[level]; *pp; pp = &(*pp)->next)
		;
	*pp = c;
}

void shim_exitcall_register(exitcall_t fn, const char *name)
{
	struct shim_call *c = new_call(name);

	c->exit = fn;
	c->next = exits;	/* run in reverse order */
	exits = c;
}

int shim_run_initcalls(void)
{
	struct shim_call *c;
	int level, ret, first = 0;

	shim_bus_reset();	/* a kernel boots with no notifier, no device */
	shim_debugfs_reset();	/* and an empty debugfs */
	for (level = 0; level < SHIM_INITCALL_NR; level++) {
		for (c = levels[level]; c; c = c->next) {
			ret = c->init();
			if (ret) {
				pr_warn("initcall %s returned %d\n", c->name, ret);
				if (!first)
					first = ret;
			}
		}
	}
	return first;
}

void shim_run_exitcalls(void)
{
	struct shim_call *c;

	for (c = exits; c; c = c->next)
		c->exit();
}
