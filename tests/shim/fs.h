/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: DUPLICATE (reduced).
 *
 * The few names of linux/fs.h, linux/module.h and linux/uaccess.h a debugfs
 * file of the framework uses: struct inode and struct file reduced to the
 * fields such a file touches (@i_private, @private_data, @f_pos), the
 * kernel's struct file_operations layout for the callbacks it fills in, and
 * simple_read_from_buffer() and default_llseek() as fs/libfs.c and
 * fs/read_write.c define them. There is no user address space: a
 * "char __user *" is a plain buffer and copy_to_user() is memcpy().
 *
 * The VFS side (opening a file, calling ->read until it returns 0,
 * ->release) is the debugfs shim's (debugfs.h).
 */
#ifndef _SHIM_FS_H
#define _SHIM_FS_H

#include "shim_types.h"

typedef unsigned short umode_t;

/* linux/module.h: no modules here. */
struct module;
#define THIS_MODULE	((struct module *)NULL)

#ifndef SEEK_SET
#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2
#endif

struct inode {
	umode_t i_mode;
	loff_t i_size;
	void *i_private;	/* debugfs: the data given at creation */
};

struct file {
	struct inode *f_inode;
	const struct file_operations *f_op;
	loff_t f_pos;
	void *private_data;
};

struct file_operations {
	struct module *owner;
	loff_t (*llseek)(struct file *file, loff_t offset, int whence);
	ssize_t (*read)(struct file *file, char __user *buf, size_t count,
			loff_t *ppos);
	ssize_t (*write)(struct file *file, const char __user *buf,
			 size_t count, loff_t *ppos);
	int (*open)(struct inode *inode, struct file *file);
	int (*release)(struct inode *inode, struct file *file);
};

static inline struct inode *file_inode(const struct file *f)
{
	return f->f_inode;
}

/* linux/uaccess.h: returns the bytes NOT copied, as the kernel's. */
static inline unsigned long copy_to_user(void __user *to, const void *from,
					 unsigned long n)
{
	memcpy(to, from, n);
	return 0;
}

ssize_t simple_read_from_buffer(void __user *to, size_t count, loff_t *ppos,
				const void *from, size_t available);
loff_t default_llseek(struct file *file, loff_t offset, int whence);

#endif /* _SHIM_FS_H */
